use super::*;
use crate::data::{DatasetKind, DatasetSpec};
use crate::doc::{preset, template, Angle, DenseSpec, Feature, GateSpec, Preprocess};
use crate::learn::dense::Activation;
use crate::rng::Rng;
use crate::sim::GateKind;

/// The model of a document, its preprocessing fitted on the document's own training split.
fn model(doc: &Document) -> Model {
    let doc = doc.clone().validated().unwrap_or_else(|e| panic!("{e}"));
    let data = doc.data.generate().unwrap();
    Model::new(&doc, &data.train).unwrap()
}

/// Documents covering every readout, loss and binding kind.
fn documents() -> Vec<Document> {
    let mut docs: Vec<Document> = ["default", "reupload-1q", "xor-entangled", "gaussians3"]
        .iter()
        .map(|n| preset(n).unwrap().into_inner())
        .collect();
    // BCE with a feature-scaled encoding, a range feature map and a controlled rotation.
    let mut d = preset("xor-entangled").unwrap().into_inner();
    d.features.range = Some([-1.5, 2.5]);
    d.circuit.gates = template("angle_embedding", 2, 0, 1).unwrap();
    d.circuit
        .gates
        .extend(template("strongly_entangling", 2, 1, 2).unwrap());
    let mut crx = GateSpec::fixed(GateKind::RY, &[1], 10, &[0.0]);
    crx.controls = vec![0];
    crx.params = vec![Angle::Reupload {
        feature: Feature::SIN_X1,
        w: 0.7,
        b: -0.2,
    }];
    d.circuit.gates.push(crx);
    d.circuit.gates.push(GateSpec {
        gate: GateKind::IsingXX.into(),
        wires: vec![0, 1],
        controls: vec![],
        params: vec![Angle::Weight { value: 0.4 }],
        col: 11,
    });
    d.training.loss = LossKind::Bce;
    docs.push(d);
    // MSE with one output per class on three classes.
    let mut d = preset("gaussians3").unwrap().into_inner();
    d.training.loss = LossKind::Mse;
    docs.push(d);
    docs.extend(hybrid_documents());
    docs.extend(label_state_documents());
    docs
}

/// Fidelity readouts with Bloch-point and product label states, the paper's costs χ_f and χ_wf
/// (trained class weights, per-wire fidelities), 3-D and 4-D inputs, CZ entanglers.
fn label_state_documents() -> Vec<Document> {
    use crate::data::paper::PaperProblem as P;
    use crate::doc::{paper_document, BlochPoint, LabelState};
    let paper = |p, q, l, cost, ent| paper_document(p, q, l, cost, ent, 3).unwrap().into_inner();
    let mut out = vec![
        // The tetrahedron with χ_f; the triangle with χ_wf and its class weights.
        paper(P::Squares, 1, 3, LossKind::ChiF, false),
        paper(P::Annulus, 1, 2, LossKind::ChiWf, false),
        // Per-wire χ_wf on 2 entangled qubits, χ_f on basis states of 4 entangled qubits.
        paper(P::NonConvex, 2, 2, LossKind::ChiWf, true),
        paper(P::WavyLines, 4, 2, LossKind::ChiF, true),
        // 3-D and 4-D inputs (two gates per layer).
        paper(P::Sphere, 1, 2, LossKind::ChiWf, false),
        paper(P::Hypersphere, 2, 2, LossKind::ChiF, false),
    ];
    // Trained class weights away from 1, so the head's gradient is generic.
    if let Some(d) = out.get_mut(1) {
        d.head.scale = vec![0.8, 1.3, -0.4];
    }
    // Product label states on the first 2 wires of a 3-qubit circuit, the (1 − F)² cost.
    let mut d = preset("gaussians3").unwrap().into_inner();
    d.readout = crate::doc::Readout::Fidelity {
        states: vec![
            LabelState::Product(vec![BlochPoint::new(0.3, 1.0), BlochPoint::new(2.0, -0.5)]),
            LabelState::Product(vec![BlochPoint::new(2.5, 0.2), BlochPoint::new(0.0, 0.0)]),
            LabelState::from("11"),
        ],
        per_wire: false,
    };
    d.head = crate::doc::Head {
        trainable: false,
        scale: vec![1.0; 3],
        bias: vec![0.0; 3],
    };
    d.training.loss = LossKind::Fidelity;
    out.push(d);
    out
}

/// Hybrid documents: a pre-net whose outputs the angles read (raw, squared, sine, product with
/// an input), a post-net after the readout, 3-D inputs, standardisation and PCA.
fn hybrid_documents() -> Vec<Document> {
    let mut out = Vec::new();
    // Pre-net (tanh) → circuit reading h1, h2, h1^2, sin(h2), h1*x2 → post-net (tanh, linear).
    let mut d = preset("default").unwrap().into_inner();
    d.circuit.qubits = 2;
    d.circuit.gates = template("reupload", 2, 0, 3).unwrap();
    let feats = ["h1", "h2", "h1^2", "sin(h2)", "h1*x2", "x1"];
    let mut k = 0;
    for g in &mut d.circuit.gates {
        for a in &mut g.params {
            if let Angle::Reupload { feature, .. } = a {
                *feature = feats[k % feats.len()].parse().unwrap();
                k += 1;
            }
        }
    }
    d.circuit.gates.push(GateSpec {
        gate: GateKind::RZ.into(),
        wires: vec![1],
        controls: vec![],
        params: vec![Angle::Feature {
            feature: "h2".parse().unwrap(),
            scale: 0.8,
        }],
        col: 20,
    });
    d.pre_net = vec![
        DenseSpec::new(3, Activation::Tanh),
        DenseSpec::new(2, Activation::Sigmoid),
    ];
    d.features.range = Some([-1.0, 2.0]);
    d.readout = crate::doc::Readout::Expval {
        observables: vec!["Z0".into(), "Z1".into(), "X0".into()],
    };
    d.head = crate::doc::Head {
        trainable: true,
        scale: vec![1.0; 3],
        bias: vec![0.0; 3],
    };
    d.post_net = vec![
        DenseSpec::new(4, Activation::Tanh),
        DenseSpec::new(1, Activation::Linear),
    ];
    d.training.loss = LossKind::Bce;
    out.push(d.clone());
    // The same with ReLU layers, MSE, and a fixed head.
    let mut e = d.clone();
    e.pre_net[0].activation = Activation::Relu;
    e.post_net[0].activation = Activation::Relu;
    e.head.trainable = false;
    e.training.loss = LossKind::Mse;
    out.push(e);
    // 3-D data, standardised and projected on 2 components, a pre-net and cross-entropy.
    let mut f = preset("gaussians3").unwrap().into_inner();
    f.data = DatasetSpec {
        kind: DatasetKind::Gaussians,
        points: 60,
        dim: Some(3),
        ..DatasetSpec::default()
    };
    f.preprocess = Preprocess {
        standardize: true,
        pca: Some(2),
    };
    f.pre_net = vec![DenseSpec::new(2, Activation::Tanh)];
    f.circuit.qubits = 2;
    f.circuit.gates = template("reupload", 2, 0, 4).unwrap();
    for g in &mut f.circuit.gates {
        for a in &mut g.params {
            if let Angle::Reupload { feature, .. } = a {
                if *feature == Feature::X2 {
                    *feature = "h2".parse().unwrap();
                }
            }
        }
    }
    f.readout = crate::doc::Readout::Expval {
        observables: vec!["Z0".into(), "Z1".into()],
    };
    f.head = crate::doc::Head {
        trainable: true,
        scale: vec![1.0; 2],
        bias: vec![0.0; 2],
    };
    f.post_net = vec![DenseSpec::new(2, Activation::Linear)];
    f.training.loss = LossKind::CrossEntropy;
    out.push(f);
    out
}

fn point(m: &Model, rng: &mut Rng) -> Vec<f64> {
    (0..m.dim()).map(|_| rng.range(-1.0, 1.0)).collect()
}

#[test]
fn loss_gradient_matches_finite_differences_for_every_kind() {
    let mut rng = Rng::new(17);
    for (di, doc) in documents().iter().enumerate() {
        let mut m = model(doc);
        m.reinit(7 + di as u64);
        let p0 = m.params().to_vec();
        for label in [0, 1, m.n_classes() - 1] {
            let x = point(&m, &mut rng);
            let mut grad = vec![0.0; m.n_params()];
            m.set_params(&p0);
            let l = m.loss_and_grad(&x, label, &mut grad);
            assert!((l - m.loss(&x, label)).abs() < 1e-12);
            for i in 0..p0.len() {
                let h = 1e-6;
                let mut p = p0.clone();
                p[i] += h;
                m.set_params(&p);
                let lp = m.loss(&x, label);
                p[i] -= 2.0 * h;
                m.set_params(&p);
                let lm = m.loss(&x, label);
                let fd = (lp - lm) / (2.0 * h);
                assert!(
                    (grad[i] - fd).abs() < 1e-7,
                    "doc {di} param {i}: adjoint {} vs fd {fd}",
                    grad[i]
                );
            }
        }
    }
}

/// Random hybrid models — pre-nets and post-nets of random depth, width and activation, random
/// feature bindings — against central finite differences (≤ 1e-7), batched and point by point.
#[test]
fn random_hybrid_models_have_exact_gradients_end_to_end() {
    let mut rng = Rng::new(2024);
    let acts = Activation::ALL;
    for case in 0..12 {
        let mut d = preset("default").unwrap().into_inner();
        let q = 1 + (case % 3);
        d.circuit.qubits = q;
        d.circuit.gates = template("reupload", q, 0, case as u64).unwrap();
        d.circuit
            .gates
            .extend(template("strongly_entangling", q, 20, case as u64 + 1).unwrap());
        let depth = 1 + rng.below(3) as usize;
        d.pre_net = (0..depth)
            .map(|_| DenseSpec::new(1 + rng.below(4) as usize, acts[rng.below(4) as usize]))
            .collect();
        let hidden = d.pre_net.last().unwrap().units;
        let menu = Feature::menu(2, hidden);
        for g in &mut d.circuit.gates {
            for a in &mut g.params {
                if let Angle::Reupload { feature, .. } = a {
                    *feature = menu[rng.below(menu.len() as u64) as usize];
                }
            }
        }
        let n_obs = 1 + rng.below(q as u64) as usize;
        d.readout = crate::doc::Readout::Expval {
            observables: (0..n_obs).map(|w| format!("Z{w}")).collect(),
        };
        d.head = crate::doc::Head {
            trainable: rng.uniform() < 0.5,
            scale: vec![1.0; n_obs],
            bias: vec![0.0; n_obs],
        };
        d.post_net = vec![
            DenseSpec::new(1 + rng.below(3) as usize, acts[rng.below(4) as usize]),
            DenseSpec::new(1, Activation::Linear),
        ];
        d.training.loss = if case % 2 == 0 {
            LossKind::Bce
        } else {
            LossKind::Mse
        };
        let mut m = model(&d);
        m.reinit(case as u64);
        // Push ReLU units off their kink.
        let p0: Vec<f64> = m.params().iter().map(|v| v + 0.03 * rng.normal()).collect();
        m.set_params(&p0);
        let xs: Vec<Vec<f64>> = (0..5).map(|_| point(&m, &mut rng)).collect();
        let labels: Vec<usize> = (0..5).map(|i| i % 2).collect();
        let refs: Vec<&[f64]> = xs.iter().map(|x| x.as_slice()).collect();
        let mut grad = vec![0.0; m.n_params()];
        let l = m.loss_and_grad_batch(&refs, &labels, &mut grad);
        let total =
            |m: &mut Model| -> f64 { xs.iter().zip(&labels).map(|(x, &y)| m.loss(x, y)).sum() };
        assert!((l - total(&mut m)).abs() < 1e-10);
        let sizes = m.block_sizes();
        assert_eq!(sizes.total(), m.n_params(), "case {case}");
        assert!(sizes.pre_net > 0 && sizes.post_net > 0 && sizes.circuit > 0);
        for i in 0..p0.len() {
            let h = 1e-6;
            let mut p = p0.clone();
            p[i] += h;
            m.set_params(&p);
            let lp = total(&mut m);
            p[i] -= 2.0 * h;
            m.set_params(&p);
            let lm = total(&mut m);
            m.set_params(&p0);
            let fd = (lp - lm) / (2.0 * h);
            assert!(
                (grad[i] - fd).abs() < 1e-7,
                "case {case} param {i} of {}: {} vs fd {fd} (blocks {sizes:?})",
                p0.len(),
                grad[i]
            );
        }
    }
}

/// Shot estimates of every kind of label-state readout approach the exact fidelities.
#[test]
fn shot_fidelities_approach_the_exact_ones_for_every_label_state() {
    let mut rng = Rng::new(8);
    for (di, doc) in label_state_documents().iter().enumerate() {
        let mut exact = model(doc);
        exact.reinit(di as u64);
        let x = point(&exact, &mut rng);
        let want = exact.readouts(&x);
        let mut shots = exact.clone();
        shots.set_shots(Some(200_000));
        let got = shots.readouts(&x);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 0.01, "doc {di}: {got:?} vs {want:?}");
        }
        assert!(
            want.iter().any(|v| *v > 0.05 && *v < 0.95),
            "doc {di}: {want:?}"
        );
    }
}

/// The fidelity readouts against a reference computed from the state by their definitions.
#[test]
fn fidelity_readouts_follow_their_definitions() {
    use crate::doc::Readout;
    let mut rng = Rng::new(4);
    for doc in label_state_documents() {
        let mut m = model(&doc);
        let x = point(&m, &mut rng);
        let state = m.state_at(&x, None);
        let r = m.readouts(&x);
        let Readout::Fidelity { states, per_wire } = &doc.readout else {
            panic!()
        };
        let n = doc.circuit.qubits;
        let amps = state.amplitudes();
        let mut want = Vec::new();
        for s in states {
            if *per_wire {
                // ⟨φ|ρ_q|φ⟩ with ρ_q the reduced density matrix of wire q.
                let phi = s.amplitudes();
                for q in 0..n {
                    let bit = 1usize << (n - 1 - q);
                    let mut f = 0.0;
                    for i in (0..amps.len()).filter(|i| i & bit == 0) {
                        let v = phi[0].conj() * amps[i] + phi[1].conj() * amps[i | bit];
                        f += v.norm_sqr();
                    }
                    want.push(f);
                }
            } else {
                // ⟨ψ|(|φ⟩⟨φ| ⊗ I)|ψ⟩ on the first m wires.
                let phi = s.amplitudes();
                let rest = amps.len() / phi.len();
                let f: f64 = (0..rest)
                    .map(|k| {
                        phi.iter()
                            .enumerate()
                            .map(|(a, p)| p.conj() * amps[a * rest + k])
                            .sum::<crate::sim::C64>()
                            .norm_sqr()
                    })
                    .sum();
                want.push(f);
            }
        }
        assert_eq!(r.len(), want.len());
        for (a, b) in r.iter().zip(&want) {
            assert!((a - b).abs() < 1e-12, "{}: {r:?} vs {want:?}", doc.title);
        }
    }
}

/// χ_wf trains its class weights (the head's scales) and never its biases.
#[test]
fn the_weighted_fidelity_head_trains_scales_only() {
    let doc = label_state_documents().remove(2);
    let m = model(&doc);
    let reads = doc.n_readouts();
    assert_eq!(reads, 4);
    let sizes = m.block_sizes();
    assert_eq!(sizes.head, reads);
    assert_eq!(m.n_params(), sizes.circuit + reads);
    assert_eq!(m.block_ranges()[3].len(), reads);
    // Predictions sum a class's per-wire weighted fidelities.
    let mut m = m;
    let o = m.forward(&[0.2, -0.3]);
    let w0 = o[0] + o[1];
    let w1 = o[2] + o[3];
    assert_eq!(m.predict(&[0.2, -0.3]).class, usize::from(w1 > w0));
}

#[test]
fn shot_gradient_approaches_the_exact_gradient() {
    let doc = preset("reupload-1q").unwrap().into_inner();
    let mut exact = model(&doc);
    let x = [0.2, -0.4];
    let mut g_exact = vec![0.0; exact.n_params()];
    exact.loss_and_grad(&x, 1, &mut g_exact);
    let mut shots = model(&doc);
    shots.set_shots(Some(200_000));
    let mut g_shots = vec![0.0; shots.n_params()];
    shots.loss_and_grad(&x, 1, &mut g_shots);
    for (a, b) in g_exact.iter().zip(&g_shots) {
        assert!((a - b).abs() < 0.02, "{g_exact:?} vs {g_shots:?}");
    }
    // Few shots give a visibly noisy estimate.
    let mut noisy = model(&doc);
    noisy.set_shots(Some(10));
    let outs: Vec<f64> = (0..20).map(|_| noisy.forward(&x)[0]).collect();
    assert!(outs.iter().any(|v| (v - outs[0]).abs() > 1e-9));
}

#[test]
fn shots_train_the_pre_net_through_the_angles_that_read_it() {
    let doc = hybrid_documents().remove(0);
    let mut exact = model(&doc);
    exact.reinit(3);
    let x = [0.4, -0.3];
    let mut ge = vec![0.0; exact.n_params()];
    exact.loss_and_grad(&x, 1, &mut ge);
    let mut shots = exact.clone();
    shots.set_shots(Some(400_000));
    let mut gs = vec![0.0; shots.n_params()];
    shots.loss_and_grad(&x, 1, &mut gs);
    let pre = exact.block_ranges()[0].clone();
    assert!(ge[pre.clone()].iter().any(|g| g.abs() > 1e-3));
    for i in pre {
        assert!(
            (ge[i] - gs[i]).abs() < 0.02,
            "param {i}: {} vs {}",
            ge[i],
            gs[i]
        );
    }
}

#[test]
fn write_params_round_trips_through_the_document() {
    for doc in documents() {
        let mut doc = doc;
        let mut m = model(&doc);
        m.reinit(3);
        m.write_params(&mut doc);
        let m2 = model(&doc);
        assert_eq!(m.params(), m2.params());
    }
    let m = model(&preset("default").unwrap());
    assert_eq!(m.n_params(), 4 * 3 * (2 * 2 + 3) + 2);
}

#[test]
fn dense_layers_without_weights_are_drawn_from_the_seed_and_reinit_keeps_a_fixed_head() {
    let mut doc = hybrid_documents().remove(1);
    assert!(!doc.head.trainable);
    doc.head.scale = vec![0.5, 2.0, -1.0];
    let a = model(&doc);
    let b = model(&doc);
    assert_eq!(a.params(), b.params());
    let pre = a.block_ranges()[0].clone();
    assert!(a.params()[pre].iter().any(|v| *v != 0.0));
    doc.training.seed += 1;
    assert_ne!(model(&doc).params(), a.params());
    let mut m = model(&doc);
    m.reinit(9);
    let mut out = doc.clone();
    m.write_params(&mut out);
    assert_eq!(
        out.head.scale,
        vec![0.5, 2.0, -1.0],
        "a fixed head is not reset"
    );
}

#[test]
fn bound_ops_resolve_features_and_weights() {
    let mut m = model(&preset("reupload-1q").unwrap());
    let ops = m.bound_ops(&[0.25, -0.5]);
    assert_eq!(ops.len(), 6);
    assert_eq!(ops[0].kind, GateKind::Rot);
    assert_eq!(&ops[0].params, &[0.25, -0.5, 0.0]);
}

#[test]
fn predictions_follow_the_documented_conventions() {
    let mut doc = preset("default").unwrap().into_inner();
    // Empty circuit: <Z0> = +1 everywhere, so class 0 with P(class 1) = 0.
    doc.circuit.gates.clear();
    let mut m = model(&doc);
    let p = m.predict(&[0.1, 0.1]);
    assert_eq!(p.class, 0);
    assert_eq!(p.confidence, 0.0);
    doc.circuit
        .gates
        .push(GateSpec::fixed(GateKind::X, &[0], 0, &[]));
    let mut m = model(&doc);
    assert_eq!(m.predict(&[0.1, 0.1]).class, 1);
    let grid = m.grid([-1.0, 1.0, -1.0, 1.0], 4, &GridSpace::first_two());
    assert_eq!(grid.len(), 16);
    assert!(grid.iter().all(|p| p.class == 1));
}

/// The grid (batched row by row when the circuit allows it) predicts exactly what `predict`
/// does cell by cell, for every kind of document, twice in a row, in raw and preprocessed
/// planes.
#[test]
fn grid_equals_predict_cell_by_cell() {
    let mut docs = documents();
    // A feature of both coordinates and a feature map range.
    let mut d = preset("default").unwrap().into_inner();
    d.features.range = Some([0.0, 3.0]);
    if let Some(Angle::Reupload { feature, .. }) = d.circuit.gates[0].params.first_mut() {
        *feature = Feature::X1X2;
    }
    docs.push(d);
    for (di, doc) in docs.iter().enumerate() {
        let mut m = model(doc);
        let dim = m.dim();
        for round in 0..2 {
            m.reinit(3 + di as u64 + 10 * round);
            let extent = [-1.1, 0.9, -0.7, 1.3];
            let n = 7;
            let base: Vec<f64> = (0..dim).map(|i| 0.1 * i as f64).collect();
            let space = GridSpace::Raw {
                axes: [dim - 1, 0],
                base: base.clone(),
            };
            let grid = m.grid(extent, n, &space);
            assert_eq!(grid.len(), n * n);
            for r in 0..n {
                let y = extent[2] + (r as f64 + 0.5) / n as f64 * (extent[3] - extent[2]);
                for c in 0..n {
                    let x = extent[0] + (c as f64 + 0.5) / n as f64 * (extent[1] - extent[0]);
                    let mut pt = base.clone();
                    pt[dim - 1] = x;
                    if dim > 1 {
                        pt[0] = y;
                    }
                    let want = m.predict(&pt);
                    let got = grid[r * n + c];
                    assert_eq!(got.class, want.class, "doc {di} cell ({r}, {c})");
                    assert!(
                        (got.confidence - want.confidence).abs() < 1e-12,
                        "doc {di} cell ({r}, {c}): {got:?} vs {want:?}"
                    );
                }
            }
            // The preprocessed plane: (u, v) are model inputs 0 and 1, the raw point is the one
            // the preprocessing maps there.
            if m.preprocessor().n_out() >= 2 {
                let g = m.grid(extent, 3, &GridSpace::Preprocessed { axes: [0, 1] });
                let u = extent[0] + 0.5 / 3.0 * (extent[1] - extent[0]);
                let v = extent[2] + 0.5 / 3.0 * (extent[3] - extent[2]);
                let mut z = vec![0.0; m.preprocessor().n_out()];
                z[0] = u;
                z[1] = v;
                let raw = m.preprocessor().raw_point(&z);
                let want = m.predict(&raw);
                assert!((g[0].confidence - want.confidence).abs() < 1e-9, "doc {di}");
            }
        }
    }
}

/// The batched loss and gradient (forward and adjoint pass over many points at once where the
/// circuit allows it) equal the sum of the point-by-point ones, for every kind of document.
#[test]
fn batch_loss_and_gradient_equal_the_sum_over_points() {
    let mut rng = Rng::new(5);
    for (di, doc) in documents().iter().enumerate() {
        let mut m = model(doc);
        m.reinit(40 + di as u64);
        let n = 37;
        let xs: Vec<Vec<f64>> = (0..n).map(|_| point(&m, &mut rng)).collect();
        let refs: Vec<&[f64]> = xs.iter().map(|x| x.as_slice()).collect();
        let labels: Vec<usize> = (0..n)
            .map(|_| rng.below(m.n_classes() as u64) as usize)
            .collect();
        for round in 0..2 {
            let mut want = vec![0.0; m.n_params()];
            let lw: f64 = xs
                .iter()
                .zip(&labels)
                .map(|(x, &l)| m.loss_and_grad(x, l, &mut want))
                .sum();
            let mut got = vec![0.0; m.n_params()];
            let lg = m.loss_and_grad_batch(&refs, &labels, &mut got);
            assert!((lw - lg).abs() < 1e-10, "doc {di}: {lw} vs {lg}");
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (a - b).abs() < 1e-10,
                    "doc {di} round {round} param {i}: {a} vs {b}"
                );
            }
            // New weights: nothing may be left over from the last batch.
            let p: Vec<f64> = m.params().iter().map(|v| v + 0.3).collect();
            m.set_params(&p);
        }
    }
}

/// `evaluate` and `predict_classes` (batched where the circuit allows) give the point-by-point
/// mean loss, accuracy and classes, for every kind of document.
#[test]
fn batched_evaluation_equals_point_by_point() {
    let mut rng = Rng::new(12);
    for (di, doc) in documents().iter().enumerate() {
        let mut m = model(doc);
        m.reinit(60 + di as u64);
        let pts: Vec<crate::data::Point> = (0..300)
            .map(|_| crate::data::Point {
                x: point(&m, &mut rng),
                label: rng.below(m.n_classes() as u64) as usize,
            })
            .collect();
        let (loss, acc) = m.evaluate(&pts);
        let mut want_loss = 0.0;
        let mut want_correct = 0;
        for p in &pts {
            let o = m.forward(&p.x);
            want_loss += m.loss_of_outputs(&o, p.label);
            want_correct += usize::from(m.predict_outputs(&o).class == p.label);
        }
        assert!((loss - want_loss / 300.0).abs() < 1e-12, "doc {di}");
        assert_eq!(acc, want_correct as f64 / 300.0, "doc {di}");
        // The batched classes are the point-by-point ones.
        let want: Vec<usize> = pts.iter().map(|p| m.predict(&p.x).class).collect();
        assert_eq!(m.predict_classes(&pts), want, "doc {di}");
    }
}

/// Noisy documents: the NISQ-like model, placed channels and a readout error on every
/// readout kind that allows one (Pauli strings and basis label states).
fn noisy_documents() -> Vec<Document> {
    use crate::doc::NoiseSpec;
    use crate::sim::ChannelKind;
    let mut out = Vec::new();
    for (i, mut d) in documents().into_iter().enumerate() {
        if d.circuit.qubits > 4 {
            continue;
        }
        d.noise = NoiseSpec::preset("NISQ-like").unwrap();
        let product = matches!(&d.readout, crate::doc::Readout::Fidelity { states, .. }
            if states.iter().any(|s| s.basis_index().is_none()));
        if product {
            // A projector onto a superposition has no readout error: channels only.
            d.noise.readout.clear();
        }
        let col = crate::doc::next_col(&d.circuit.gates);
        d.circuit
            .gates
            .push(GateSpec::channel(ChannelKind::all()[i % 5], 0, col, 0.1));
        out.push(d);
    }
    out
}

#[test]
fn noisy_loss_gradient_matches_finite_differences() {
    let mut rng = Rng::new(23);
    let docs = noisy_documents();
    assert!(docs.len() >= 5);
    for (di, doc) in docs.iter().enumerate() {
        let mut m = model(doc);
        assert!(m.is_noisy(), "doc {di}");
        m.reinit(3 + di as u64);
        let p0 = m.params().to_vec();
        let x = point(&m, &mut rng);
        let label = di % m.n_classes();
        let mut grad = vec![0.0; m.n_params()];
        let l = m.loss_and_grad(&x, label, &mut grad);
        assert!((l - m.loss(&x, label)).abs() < 1e-12);
        for i in 0..p0.len() {
            let h = 1e-6;
            let mut p = p0.clone();
            p[i] += h;
            m.set_params(&p);
            let lp = m.loss(&x, label);
            p[i] -= 2.0 * h;
            m.set_params(&p);
            let lm = m.loss(&x, label);
            m.set_params(&p0);
            let fd = (lp - lm) / (2.0 * h);
            assert!(
                (grad[i] - fd).abs() < 1e-7,
                "doc {di} param {i}: noisy adjoint {} vs fd {fd}",
                grad[i]
            );
        }
    }
}

#[test]
fn noise_changes_the_loss_and_switching_it_off_gives_the_ideal_model_exactly() {
    let ideal_doc = preset("default").unwrap().into_inner();
    let mut noisy_doc = ideal_doc.clone();
    noisy_doc.noise = crate::doc::NoiseSpec::preset("NISQ-like").unwrap();
    let mut ideal = model(&ideal_doc);
    let mut noisy = model(&noisy_doc);
    assert!(!ideal.is_noisy() && noisy.is_noisy());
    assert_eq!(
        noisy.noise_engine(),
        Some(crate::sim::EngineKind::DensityMatrix)
    );
    let data = ideal_doc.data.generate().unwrap();
    let (li, ai) = ideal.evaluate(&data.test);
    let (ln, _) = noisy.evaluate(&data.test);
    assert!(
        (li - ln).abs() > 1e-3,
        "noise should change the loss: {li} vs {ln}"
    );
    noisy.set_noise_enabled(false);
    let (l0, a0) = noisy.evaluate(&data.test);
    assert_eq!((l0.to_bits(), a0.to_bits()), (li.to_bits(), ai.to_bits()));
    // Readouts shrink under depolarizing noise: |⟨Z⟩| noisy < ideal.
    noisy.set_noise_enabled(true);
    let x = &data.test[0].x;
    let (ri, rn) = (ideal.readouts(x)[0], noisy.readouts(x)[0]);
    assert!(rn.abs() < ri.abs(), "{rn} vs {ri}");
}

#[test]
fn noisy_batched_gradient_equals_point_by_point_and_trajectories_agree_within_error() {
    let mut doc = preset("default").unwrap().into_inner();
    doc.noise = crate::doc::NoiseSpec::preset("NISQ-like").unwrap();
    let mut m = model(&doc);
    let data = doc.data.generate().unwrap();
    let pts = &data.train[..6];
    let xs: Vec<&[f64]> = pts.iter().map(|p| p.x.as_slice()).collect();
    let labels: Vec<usize> = pts.iter().map(|p| p.label).collect();
    let mut g1 = vec![0.0; m.n_params()];
    let l1 = m.loss_and_grad_batch(&xs, &labels, &mut g1);
    let mut g2 = vec![0.0; m.n_params()];
    let l2: f64 = pts
        .iter()
        .map(|p| m.loss_and_grad(&p.x, p.label, &mut g2))
        .sum();
    assert!((l1 - l2).abs() < 1e-12);
    assert!(g1.iter().zip(&g2).all(|(a, b)| (a - b).abs() < 1e-12));
    // The trajectory engine estimates the same readout.
    let exact = m.readouts(&pts[0].x)[0];
    doc.noise.engine = crate::doc::NoiseEngine::Trajectories;
    doc.noise.trajectories = 4000;
    doc.noise.seed = 5;
    let mut t = model(&doc);
    assert!(matches!(
        t.noise_engine(),
        Some(crate::sim::EngineKind::Trajectories { .. })
    ));
    let est = t.readouts(&pts[0].x)[0];
    // ±1 outcomes: the standard error of 4000 trajectories is at most 1/√4000 ≈ 0.016.
    assert!((est - exact).abs() < 0.07, "{est} vs {exact}");
}

/// Noisy models whose points the density engine runs side by side: the noisy documents, the
/// W5 model (the default document with depolarizing p₁ = p₂ = 0.01) and the hybrid ones
/// (pre-net, post-net, several readouts) under the NISQ-like noise.
fn batched_noisy_documents() -> Vec<Document> {
    let mut docs = noisy_documents();
    let mut w5 = preset("default").unwrap().into_inner();
    w5.noise = crate::doc::NoiseSpec {
        p1: 0.01,
        p2: 0.01,
        ..Default::default()
    };
    docs.push(w5);
    for mut d in hybrid_documents() {
        d.noise = crate::doc::NoiseSpec::preset("NISQ-like").unwrap();
        docs.push(d);
    }
    docs
}

/// Under noise on the density matrix, `loss_and_grad_batch` (every chunk's circuits handed to
/// the engine at once, run side by side), `evaluate`, `predict_classes` and `grid` give the
/// point-by-point numbers bit for bit: batches of 1 to 70 points (more than one chunk), new
/// weights between rounds, and weights that make the circuit invalid (NaN angles: the engine
/// refuses every point, NaN as one by one). On trajectories the points go one by one, in the
/// order of their random draws: the same numbers too.
#[test]
fn noisy_batches_equal_point_by_point_bit_for_bit() {
    let mut rng = Rng::new(41);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let mut docs = batched_noisy_documents();
    let mut traj = docs[0].clone();
    traj.noise.engine = crate::doc::NoiseEngine::Trajectories;
    traj.noise.trajectories = 30;
    docs.push(traj);
    for (di, doc) in docs.iter().enumerate() {
        let mut m = model(doc);
        let mut one = model(doc);
        assert!(m.is_noisy(), "doc {di}");
        for (round, n) in [1, 3, 4, 5, 9, 70].into_iter().enumerate() {
            m.reinit(7 + di as u64 + 100 * round as u64);
            let mut p = m.params().to_vec();
            if round == 4 {
                // Diverged weights: the angles are NaN.
                p.iter_mut().for_each(|v| *v = f64::NAN);
                m.set_params(&p);
            }
            one.set_params(&p);
            let xs: Vec<Vec<f64>> = (0..n).map(|_| point(&m, &mut rng)).collect();
            let refs: Vec<&[f64]> = xs.iter().map(|x| x.as_slice()).collect();
            let labels: Vec<usize> = (0..n)
                .map(|_| rng.below(m.n_classes() as u64) as usize)
                .collect();
            let what = format!("doc {di}, {n} points");
            let mut want = vec![0.0; one.n_params()];
            let lw: f64 = xs
                .iter()
                .zip(&labels)
                .map(|(x, &l)| one.loss_and_grad(x, l, &mut want))
                .sum();
            let mut got = vec![0.0; m.n_params()];
            let lg = m.loss_and_grad_batch(&refs, &labels, &mut got);
            assert_eq!(lg.to_bits(), lw.to_bits(), "{what}: {lg} vs {lw}");
            assert_eq!(bits(&got), bits(&want), "{what}");
            if round == 4 {
                assert!(got.iter().any(|g| g.is_nan()), "{what}: {lg} {got:?}");
            }
            let pts: Vec<crate::data::Point> = xs
                .iter()
                .zip(&labels)
                .map(|(x, &label)| crate::data::Point {
                    x: x.clone(),
                    label,
                })
                .collect();
            let (loss, acc) = m.evaluate(&pts);
            let mut want_loss = 0.0;
            let mut want_correct = 0;
            for p in &pts {
                let o = one.forward(&p.x);
                want_loss += one.loss_of_outputs(&o, p.label);
                want_correct += usize::from(one.predict_outputs(&o).class == p.label);
            }
            let (wl, wa) = (want_loss / n as f64, want_correct as f64 / n as f64);
            assert_eq!(
                (loss.to_bits(), acc.to_bits()),
                (wl.to_bits(), wa.to_bits()),
                "{what}"
            );
            let classes: Vec<usize> = pts.iter().map(|p| one.predict(&p.x).class).collect();
            assert_eq!(m.predict_classes(&pts), classes, "{what}");
        }
        // The decision grid, cell by cell.
        m.reinit(5 + di as u64);
        one.set_params(m.params());
        let dim = m.dim();
        let extent = [-1.1, 0.9, -0.7, 1.3];
        let k = 7;
        let base: Vec<f64> = (0..dim).map(|i| 0.1 * i as f64).collect();
        let space = GridSpace::Raw {
            axes: [dim - 1, 0],
            base: base.clone(),
        };
        let grid = m.grid(extent, k, &space);
        assert_eq!(grid.len(), k * k);
        for r in 0..k {
            let y = extent[2] + (r as f64 + 0.5) / k as f64 * (extent[3] - extent[2]);
            for c in 0..k {
                let x = extent[0] + (c as f64 + 0.5) / k as f64 * (extent[1] - extent[0]);
                let mut pt = base.clone();
                pt[dim - 1] = x;
                if dim > 1 {
                    pt[0] = y;
                }
                let want = one.predict(&pt);
                let got = grid[r * k + c];
                assert_eq!(got.class, want.class, "doc {di} cell ({r}, {c})");
                assert_eq!(
                    got.confidence.to_bits(),
                    want.confidence.to_bits(),
                    "doc {di} cell ({r}, {c})"
                );
            }
        }
        if m.preprocessor().n_out() >= 2 {
            let g = m.grid(extent, 3, &GridSpace::Preprocessed { axes: [0, 1] });
            // The grid's cell-by-cell path on the preprocessed plane (the same engine calls in the
            // same order: a trajectory engine's stream stays in step).
            let h = &mut one;
            let want: Vec<_> = {
                let mut z = vec![0.0; m.preprocessor().n_out()];
                (0..9)
                    .map(|cell| {
                        z[0] =
                            extent[0] + ((cell % 3) as f64 + 0.5) / 3.0 * (extent[1] - extent[0]);
                        z[1] =
                            extent[2] + ((cell / 3) as f64 + 0.5) / 3.0 * (extent[3] - extent[2]);
                        let mut tape = PointTape::default();
                        h.inputs.forward_preprocessed(&h.params, &z, &mut tape);
                        let mut angles = vec![0.0; h.program.n_angles()];
                        h.inputs.angles(&h.params, &tape.fv, &mut angles);
                        h.program.set_angles(&angles);
                        let mut r = Vec::new();
                        h.readouts_now(&mut r, None);
                        h.output.forward(&h.params, &r);
                        h.output.predict(&h.output.o)
                    })
                    .collect()
            };
            for (a, b) in g.iter().zip(&want) {
                assert_eq!(a.class, b.class, "doc {di}");
                assert_eq!(a.confidence.to_bits(), b.confidence.to_bits(), "doc {di}");
            }
        }
    }
}

#[test]
fn shots_and_noise_together_estimate_the_noisy_value() {
    let mut doc = preset("default").unwrap().into_inner();
    doc.noise = crate::doc::NoiseSpec::preset("NISQ-like").unwrap();
    let mut exact = model(&doc);
    doc.training.shots = Some(20_000);
    let mut shots = model(&doc);
    let x = [0.3, -0.2];
    let (e, s) = (exact.readouts(&x)[0], shots.readouts(&x)[0]);
    // Standard error ≤ 1/√20000 ≈ 0.007.
    assert!((e - s).abs() < 0.03 && e != s, "{s} vs {e}");
    let mut g = vec![0.0; shots.n_params()];
    let l = shots.loss_and_grad(&x, 0, &mut g);
    assert!(l.is_finite() && g.iter().all(|v| v.is_finite()));
}

/// The `iris-hybrid` preset's epoch (the W4 benchmark: readouts of Z strings only, read in
/// place from the batch) equals the point-by-point path's loss and gradient to 1e-12, at its
/// initial weights and at shifted ones, and matches the loss and gradient norm PennyLane +
/// torch print for the exported model (`bench/w4_torch.py`, after the second entangling layer
/// took StronglyEntanglingLayers' range 2).
#[test]
fn iris_hybrid_epoch_batched_equals_point_by_point() {
    let doc = preset("iris-hybrid").unwrap().into_inner();
    let mut m = model(&doc);
    assert!(m.z_masks.is_some(), "iris-hybrid reads Z strings only");
    let data = doc.data.generate().unwrap();
    let xs: Vec<&[f64]> = data.train.iter().map(|p| p.x.as_slice()).collect();
    let ys: Vec<usize> = data.train.iter().map(|p| p.label).collect();
    assert_eq!(xs.len(), 120);
    for round in 0..3 {
        let mut want = vec![0.0; m.n_params()];
        let lw: f64 = xs
            .iter()
            .zip(&ys)
            .map(|(x, &l)| m.loss_and_grad(x, l, &mut want))
            .sum();
        let mut got = vec![0.0; m.n_params()];
        let lg = m.loss_and_grad_batch(&xs, &ys, &mut got);
        assert!((lw - lg).abs() < 1e-12, "round {round}: {lw} vs {lg}");
        for (i, (a, b)) in got.iter().zip(&want).enumerate() {
            assert!((a - b).abs() < 1e-12, "round {round} param {i}: {a} vs {b}");
        }
        if round == 0 {
            let n = xs.len() as f64;
            let gnorm = got.iter().map(|g| (g / n) * (g / n)).sum::<f64>().sqrt();
            assert!((lg / n - 1.0841965018).abs() < 1e-10, "{}", lg / n);
            assert!((gnorm - 0.2379999739).abs() < 1e-10, "{gnorm}");
        }
        let p: Vec<f64> = m.params().iter().map(|v| v * 0.9 + 0.05).collect();
        m.set_params(&p);
    }
}
