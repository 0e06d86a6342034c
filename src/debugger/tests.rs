use super::*;
use crate::analysis::expressibility::ExpressibilitySpec;
use crate::analysis::landscape::Directions;
use crate::doc::{preset, Document, GateSpec, Head, Readout};

fn doc(name: &str) -> Document {
    preset(name).unwrap().into_inner()
}

fn trainer(d: Document) -> Trainer {
    Trainer::new(d.validated().unwrap()).unwrap()
}

fn gate(kind: GateKind, wires: &[usize], col: usize, params: Vec<Angle>) -> GateSpec {
    GateSpec {
        gate: kind.into(),
        wires: wires.to_vec(),
        controls: Vec::new(),
        params,
        col,
    }
}

fn x1(scale: f64) -> Angle {
    Angle::Feature {
        feature: Feature::X1,
        scale,
    }
}

fn weight(value: f64) -> Angle {
    Angle::Weight { value }
}

/// A one-qubit model: `uploads` times RX(scale·x1) followed by a trainable RY, readout ⟨Z⟩.
fn one_qubit(uploads: usize, scale: f64) -> Document {
    let mut d = doc("default");
    d.circuit.qubits = 1;
    d.circuit.gates = (0..uploads)
        .flat_map(|k| {
            [
                gate(GateKind::RX, &[0], 2 * k, vec![x1(scale)]),
                gate(
                    GateKind::RY,
                    &[0],
                    2 * k + 1,
                    vec![weight(0.3 + 0.4 * k as f64)],
                ),
            ]
        })
        .collect();
    d.readout = Readout::Expval {
        observables: vec!["Z0".into()],
    };
    d.baseline = None;
    d
}

#[test]
fn the_gradient_report_splits_the_last_step_by_block_and_gate() {
    let mut t = trainer(doc("default"));
    t.run_epoch();
    t.run_epoch();
    let r = gradient_report(&t);
    let g = t.last_gradient();
    let ranges = t.model().block_ranges();
    let circuit: f64 = g[ranges[1].clone()].iter().map(|v| v * v).sum::<f64>();
    assert!((r.blocks[1] - circuit.sqrt()).abs() < 1e-12, "{r:?}");
    assert!(r.blocks[1] > 1e-4 && r.blocks[3] > 0.0, "{r:?}");
    assert!(
        r.blocks[0] == 0.0 && r.blocks[0].is_sign_positive(),
        "no pre-net: +0"
    );
    // Every gate with a trainable number appears once; their parts make up the circuit block.
    let trainable = t
        .spec()
        .circuit
        .gates
        .iter()
        .filter(|g| g.params.iter().any(|a| a.n_trainable() > 0))
        .count();
    assert_eq!(r.gates.len(), trainable);
    let parts: f64 = r.gates.iter().map(|g| g.norm * g.norm).sum();
    assert!((parts - circuit).abs() < 1e-12);
    // One record per epoch, in order.
    let epochs: Vec<usize> = r.history.iter().map(|h| h.epoch).collect();
    assert_eq!(epochs, vec![1, 2]);
    assert!(r.history.iter().all(|h| h.norms[1] > 0.0));
    assert!(r.warning.is_none(), "{r:?}");
}

#[test]
fn a_circuit_whose_weights_do_nothing_raises_the_vanishing_gradient_warning() {
    // RZ on |0⟩ only changes a phase: ⟨Z⟩ does not depend on it, and the head is fixed.
    let mut d = one_qubit(0, 1.0);
    d.circuit.gates = vec![
        gate(GateKind::RX, &[0], 0, vec![x1(1.0)]),
        gate(GateKind::RZ, &[0], 1, vec![weight(0.2)]),
    ];
    d.head = Head {
        trainable: false,
        scale: vec![1.0],
        bias: vec![0.0],
    };
    let mut t = trainer(d);
    for _ in 0..VANISHING_EPOCHS - 1 {
        t.run_epoch();
    }
    assert!(gradient_report(&t).warning.is_none(), "too early to warn");
    t.run_epoch();
    let r = gradient_report(&t);
    assert!(r.blocks.iter().all(|b| b.abs() < 1e-15), "{:?}", r.blocks);
    let w = r.warning.expect("warns after enough stalled epochs");
    assert!(w.contains("stalled") && w.contains("epochs"), "{w}");
    // The default model learns: its gradients do not vanish.
    let mut ok = trainer(doc("default"));
    for _ in 0..VANISHING_EPOCHS {
        ok.run_epoch();
    }
    assert!(gradient_report(&ok).warning.is_none());
}

#[test]
fn the_barren_explorer_is_the_same_stepped_or_run_and_covers_its_grid() {
    let circuit = doc("default").circuit;
    let make = || barren_job(&circuit, 3, vec![2, 3], 4, 12, 7).unwrap();
    let whole = make().run().unwrap();
    let mut job = make();
    let mut last = 0.0;
    let mut partial_seen = false;
    while !job.is_done() {
        let p = job.step(5).unwrap();
        assert!(p.fraction >= last && p.fraction <= 1.0, "{p:?}");
        last = p.fraction;
        if let AnalysisResult::Barren { drawn, reference } = job.result().unwrap() {
            partial_seen |= !reference.complete || !drawn.unwrap().complete;
        }
    }
    assert!(partial_seen, "a cancelled run reports its finished points");
    assert_eq!(job.result().unwrap(), whole);
    let AnalysisResult::Barren { drawn, reference } = whole else {
        panic!("a barren result");
    };
    let drawn = drawn.expect("the default circuit has angles");
    let layers: Vec<usize> = drawn.points.iter().map(|p| p.layers).collect();
    assert_eq!(layers, vec![1, 2, 3]);
    assert!(drawn
        .points
        .iter()
        .all(|p| p.qubits == 4 && p.samples == 12));
    assert_eq!(drawn.family, "drawn circuit");
    let qubits: Vec<usize> = reference.points.iter().map(|p| p.qubits).collect();
    assert_eq!(qubits, vec![2, 3]);
    assert!(reference.complete && drawn.complete);
    // The default circuit's gradient does vary over random angles.
    assert!(drawn.points.iter().all(|p| p.local.variance > 0.0));
    // A circuit without angles has no drawn part.
    let mut fixed = circuit.clone();
    fixed.gates = vec![GateSpec::fixed(GateKind::H, &[0], 0, &[])];
    let AnalysisResult::Barren { drawn, .. } = barren_job(&fixed, 2, vec![2], 2, 4, 1)
        .unwrap()
        .run()
        .unwrap()
    else {
        panic!("a barren result");
    };
    assert!(drawn.is_none());
}

#[test]
fn the_barren_explorer_refuses_a_bad_request_with_a_message() {
    let circuit = doc("default").circuit;
    let e = barren_job(&circuit, 2, vec![2], 2, 0, 1).unwrap_err();
    assert!(!e.0.is_empty());
}

#[test]
fn the_landscape_is_centred_on_the_current_loss_with_the_path_ending_there() {
    let mut t = trainer(doc("default"));
    for _ in 0..3 {
        t.run_epoch();
    }
    let spec = LandscapeSpec {
        directions: Directions::Random {
            seed: 3,
            params: None,
        },
        span: 0.5,
        resolution: 5,
    };
    let AnalysisResult::Landscape(l) = landscape_job(&t, spec.clone()).unwrap().run().unwrap()
    else {
        panic!("a landscape");
    };
    assert_eq!(l.loss.len(), 25);
    assert_eq!(l.center, t.params());
    // 100 training points (< LANDSCAPE_POINTS): the centre is the training loss the history
    // recorded at the end of the last epoch.
    let recorded = *t.history().train_loss.last().unwrap();
    assert!(
        (l.center_loss - recorded).abs() < 1e-12,
        "{} vs {recorded}",
        l.center_loss
    );
    assert_eq!(
        l.loss[12], l.center_loss,
        "the middle grid point is the centre"
    );
    // Start, three epochs; the last point is the current weights, on the plane at the origin.
    assert_eq!(l.path.len(), 4);
    let end = l.path.last().unwrap();
    assert!(end.alpha.abs() < 1e-12 && end.beta.abs() < 1e-12 && end.off_plane < 1e-12);
    assert!(
        l.path[0].off_plane + l.path[0].alpha.abs() > 1e-6,
        "training moved the weights"
    );
    // Two chosen parameters instead.
    let spec = LandscapeSpec {
        directions: Directions::Params {
            first: 0,
            second: 1,
        },
        ..spec
    };
    let AnalysisResult::Landscape(l) = landscape_job(&t, spec).unwrap().run().unwrap() else {
        panic!("a landscape");
    };
    assert_eq!(l.directions[0][0], 1.0);
    assert_eq!(l.directions[1][1], 1.0);
}

#[test]
fn the_training_path_restarts_with_a_reset() {
    let mut t = trainer(doc("default"));
    t.run_epoch();
    t.run_epoch();
    assert_eq!(t.path().len(), 3);
    t.reset(9);
    assert_eq!(t.path(), vec![t.params().to_vec()]);
}

#[test]
fn a_trainer_given_anothers_path_draws_the_same_landscape_and_bad_paths_are_refused() {
    let mut t = trainer(doc("default"));
    t.run_epoch();
    t.run_epoch();
    // A trainer of the snapshot lacks the path (a snapshot does not carry it) until given it.
    let mut other = Trainer::new(t.snapshot().validated().unwrap()).unwrap();
    assert_eq!(other.path().len(), 1);
    other.set_path(t.path()).unwrap();
    assert_eq!(other.path(), t.path());
    let spec = LandscapeSpec {
        resolution: 5,
        ..LandscapeSpec::default()
    };
    let a = landscape_job(&t, spec.clone()).unwrap().run().unwrap();
    let b = landscape_job(&other, spec).unwrap().run().unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let n = t.params().len();
    let e = other.set_path(vec![vec![0.0; n + 1]]).unwrap_err();
    assert!(
        e.contains(&format!("has {} weights, not {n}", n + 1)),
        "{e}"
    );
    let e = other.set_path(vec![vec![f64::NAN; n]]).unwrap_err();
    assert!(e.contains("not a finite number"), "{e}");
    let e = other.set_path(vec![vec![0.0; n]; 201]).unwrap_err();
    assert!(e.contains("at most 200 points"), "{e}");
    assert_eq!(other.path(), t.path(), "a refused path changes nothing");
}

#[test]
fn expressibility_ranks_a_phase_only_circuit_last_and_steps_like_it_runs() {
    let spec = ExpressibilitySpec {
        pairs: 150,
        bins: 20,
        seed: 2,
    };
    let mut c = doc("default").circuit;
    c.qubits = 2;
    // RZ on |00⟩: every state is the same up to a phase, fidelity 1 always.
    c.gates = vec![
        gate(GateKind::RZ, &[0], 0, vec![weight(0.0)]),
        gate(GateKind::RZ, &[1], 0, vec![weight(0.0)]),
    ];
    let whole = expressibility_job(&c, spec.clone(), 2)
        .unwrap()
        .run()
        .unwrap();
    let mut job = expressibility_job(&c, spec.clone(), 2).unwrap();
    while !job.is_done() {
        job.step(40).unwrap();
    }
    assert_eq!(job.result().unwrap(), whole);
    let AnalysisResult::Expressibility {
        result,
        templates,
        ranking,
    } = whole
    else {
        panic!("an expressibility result");
    };
    assert_eq!(templates.len(), 2 * Template::all().len());
    assert_eq!(result.params, 2);
    assert!(result.entangling_capability.abs() < 1e-12);
    let ranking = ranking.unwrap();
    assert_eq!(ranking.out_of, templates.len() + 1);
    assert_eq!(ranking.expressibility_rank, ranking.out_of, "{ranking:?}");
    // A layer of RY then a CNOT entangles, and is more expressive.
    c.gates = vec![
        gate(GateKind::RY, &[0], 0, vec![weight(0.0)]),
        gate(GateKind::RY, &[1], 0, vec![weight(0.0)]),
        gate(GateKind::CNOT, &[0, 1], 1, vec![]),
        gate(GateKind::RY, &[0], 2, vec![weight(0.0)]),
        gate(GateKind::RY, &[1], 2, vec![weight(0.0)]),
    ];
    let AnalysisResult::Expressibility { result: better, .. } =
        expressibility_job(&c, spec, 1).unwrap().run().unwrap()
    else {
        panic!("an expressibility result");
    };
    assert!(better.kl_divergence < result.kl_divergence);
    assert!(better.entangling_capability > 0.05);
}

#[test]
fn the_fourier_view_finds_the_frequencies_of_repeated_uploads() {
    for uploads in [1usize, 3] {
        let t = trainer(one_qubit(uploads, 1.0));
        let r = fourier_report(&t, 0, 0).unwrap();
        let expect: Vec<f64> = (0..=uploads).map(|k| k as f64).collect();
        assert_eq!(r.reachable, expect);
        assert!(r.pure && r.note.is_empty(), "{r:?}");
        assert_eq!(r.input_name, "x1");
        let s = &r.spectrum;
        // Reported up to at least 4; nothing above the reachable frequency L.
        assert!(s.magnitudes.len() >= 5);
        for (k, m) in s.magnitudes.iter().enumerate() {
            if k > uploads {
                assert!(*m < 1e-12, "c_{k} = {m} with {uploads} upload(s)");
            }
        }
        assert!(s.power_above < 1e-20);
        assert!(s.magnitudes[uploads] > 1e-4, "{:?}", s.magnitudes);
    }
    // Scale 2 doubles the frequencies (the period shrinks to π).
    let r = fourier_report(&trainer(one_qubit(2, 2.0)), 0, 0).unwrap();
    assert_eq!(r.reachable, vec![0.0, 2.0, 4.0]);
    assert!((r.spectrum.spec.period - std::f64::consts::PI).abs() < 1e-9);
}

#[test]
fn the_fourier_view_says_when_the_spectrum_is_not_band_limited_or_the_input_missing() {
    let mut d = one_qubit(1, 1.0);
    d.circuit.gates[0].params = vec![Angle::Feature {
        feature: Feature::X1_SQ,
        scale: 1.0,
    }];
    let t = trainer(d);
    let r = fourier_report(&t, 0, 3).unwrap();
    assert!(!r.pure);
    assert!(r.note.contains("not linear"), "{}", r.note);
    assert_eq!(r.spectrum.magnitudes.len(), 4);
    let e = fourier_report(&t, 5, 0).unwrap_err();
    assert!(e.0.contains("input 6") && e.0.contains("2 input"), "{e}");
    // An extra control adds the eigenvalue 0: half frequencies appear.
    let mut d = one_qubit(1, 1.0);
    d.circuit.qubits = 2;
    d.circuit
        .gates
        .insert(0, gate(GateKind::H, &[1], 0, vec![]));
    for g in d.circuit.gates.iter_mut().skip(1) {
        g.col += 1;
    }
    d.circuit.gates[1].controls = vec![1];
    let r = fourier_report(&trainer(d), 0, 0).unwrap();
    assert_eq!(r.reachable, vec![0.0, 0.5, 1.0]);
    assert!(r.pure);
}

#[test]
fn analysis_results_survive_json() {
    let circuit = doc("default").circuit;
    let r = barren_job(&circuit, 1, vec![2], 2, 3, 1)
        .unwrap()
        .run()
        .unwrap();
    let text = serde_json::to_string(&r).unwrap();
    assert!(text.starts_with("{\"kind\":\"barren\""), "{text}");
    let back: AnalysisResult = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r);
}

/// The job split into `k` shards, each computed by a fresh job of its own (the last first, as
/// workers finish in any order), then absorbed in order by another fresh job.
fn sharded(make: &dyn Fn() -> Job, k: usize) -> AnalysisResult {
    let cuts = make().cuts(k);
    assert_eq!(cuts.len(), k + 1);
    let mut shards: Vec<Shard> = cuts
        .windows(2)
        .rev()
        .map(|w| {
            let mut job = make();
            let mut values = Vec::new();
            for g in w[0]..w[1] {
                job.compute_item(g, &mut values).unwrap();
            }
            Shard {
                from: w[0],
                to: w[1],
                width: job.width(),
                values,
            }
        })
        .collect();
    shards.reverse();
    let mut merged = make();
    for s in &shards {
        // Through JSON, as a shard crosses from a worker.
        let s: Shard = serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap();
        merged.absorb(&s).unwrap();
    }
    assert!(merged.is_done());
    assert_eq!(merged.accepted(), merged.items());
    merged.result().unwrap()
}

#[test]
fn an_analysis_split_into_shards_equals_the_whole_run_bit_for_bit() {
    let circuit = doc("default").circuit;
    let barren = || barren_job(&circuit, 3, vec![2, 3, 5], 4, 9, 7).unwrap();
    let t = trainer(doc("default"));
    let land = || {
        let spec = LandscapeSpec {
            directions: Directions::Random {
                seed: 3,
                params: None,
            },
            span: 1.0,
            resolution: 7,
        };
        landscape_job(&t, spec).unwrap()
    };
    let spec = ExpressibilitySpec {
        pairs: 23,
        bins: 10,
        seed: 5,
    };
    let expr = || expressibility_job(&circuit, spec.clone(), 2).unwrap();
    let jobs: [&dyn Fn() -> Job; 3] = [&barren, &land, &expr];
    for make in jobs {
        let whole = serde_json::to_string(&make().run().unwrap()).unwrap();
        for k in [1, 2, 3, 7, 400] {
            let split = serde_json::to_string(&sharded(make, k)).unwrap();
            assert_eq!(split, whole, "{:?} in {k} shards", make());
        }
    }
}

#[test]
fn shards_are_cut_by_cost_and_cover_every_item_once() {
    let circuit = doc("default").circuit;
    // The 8-qubit points cost far more per sample than the 2-qubit ones.
    let job = barren_job(&circuit, 1, vec![2, 8], 4, 50, 1).unwrap();
    let items = job.items();
    assert_eq!(items, 150);
    let total = job.cost_between(0, items);
    for k in 1..=6 {
        let cuts = job.cuts(k);
        assert_eq!((cuts[0], cuts[k]), (0, items));
        assert!(cuts.windows(2).all(|w| w[0] <= w[1]), "{cuts:?}");
        let largest_item = (0..items)
            .map(|g| job.cost_between(g, g + 1))
            .fold(0.0, f64::max);
        for w in cuts.windows(2) {
            let c = job.cost_between(w[0], w[1]);
            assert!(
                c <= total / k as f64 + largest_item,
                "{k} shards {cuts:?}: {c} of {total}"
            );
        }
    }
    // Two shards: the expensive 8-qubit samples are split, not the cheap 2-qubit ones.
    assert!(job.cuts(2)[1] > 100, "{:?}", job.cuts(2));
}

#[test]
fn a_shard_that_does_not_fit_is_refused_with_a_message() {
    let circuit = doc("default").circuit;
    let make = || barren_job(&circuit, 1, vec![2], 2, 4, 1).unwrap();
    let mut job = make();
    let mut v = Vec::new();
    for g in 0..8 {
        make().compute_item(g, &mut v).unwrap();
    }
    let shard = |from: u64, to: u64, width: usize, values: &[f64]| Shard {
        from,
        to,
        width,
        values: values.to_vec(),
    };
    let err = |job: &mut Job, s: Shard| job.absorb(&s).unwrap_err().to_string();
    assert!(err(&mut job, shard(4, 8, 2, &v[8..])).contains("taken in order"));
    assert!(err(&mut job, shard(0, 4, 3, &v[..8])).contains("2 number(s) per item"));
    assert!(err(&mut job, shard(0, 4, 2, &v[..7])).contains("carries 7 numbers, not 8"));
    assert!(err(&mut job, shard(0, 9, 2, &v)).contains("ends at item 9"));
    let mut bad = v[..8].to_vec();
    bad[3] = f64::NAN;
    assert!(err(&mut make(), shard(0, 4, 2, &bad)).contains("not a finite number"));
    assert!(make().compute_item(8, &mut v).is_err());
    job.absorb(&shard(0, 4, 2, &v[..8])).unwrap();
    job.absorb(&shard(4, 8, 2, &v[8..16])).unwrap();
    assert!(job.is_done());
    assert_eq!(job.result().unwrap(), make().run().unwrap());
}
