use super::*;
use crate::sim::C64;

/// The table of every template at 1…4 layers on 4 qubits with the paper's settings, computed
/// once for the tests that read it.
fn table() -> &'static [TemplateScore] {
    static TABLE: std::sync::OnceLock<Vec<TemplateScore>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| template_table(4, 4, &ExpressibilitySpec::default()).unwrap())
}

fn kl(t: Template, layers: usize) -> f64 {
    score(t, layers).result.kl_divergence
}

fn q(t: Template, layers: usize) -> f64 {
    score(t, layers).result.entangling_capability
}

fn score(t: Template, layers: usize) -> &'static TemplateScore {
    table()
        .iter()
        .find(|s| s.template == t && s.layers == layers)
        .unwrap()
}

/// KL of Haar-random states (normalised Gaussian amplitudes) with the same pairs and bins: the
/// finite-sample floor no circuit can beat by much.
fn haar_floor(n: usize, spec: &ExpressibilitySpec) -> f64 {
    let mut rng = Rng::new(77);
    let mut draw = || {
        let v: Vec<C64> = (0..1 << n)
            .map(|_| C64::new(rng.normal(), rng.normal()))
            .collect();
        let norm = v.iter().map(|a| a.norm_sqr()).sum::<f64>().sqrt();
        State::from_amplitudes(v.into_iter().map(|a| a / norm).collect()).unwrap()
    };
    let mut counts = vec![0.0; spec.bins];
    for _ in 0..spec.pairs {
        let (a, b) = (draw(), draw());
        let f = a.inner(&b).norm_sqr();
        counts[((f * spec.bins as f64) as usize).min(spec.bins - 1)] += 1.0 / spec.pairs as f64;
    }
    kl_from_haar(&counts, n)
}

#[test]
fn more_layers_and_entanglers_lower_the_kl_divergence_until_it_levels_off() {
    use Template::*;
    for t in table() {
        eprintln!(
            "{:14} KL {:.4}  Q {:.3}",
            t.label(),
            t.result.kl_divergence,
            t.result.entangling_capability
        );
    }
    let floor = haar_floor(4, &ExpressibilitySpec::default());
    eprintln!("Haar-random states: KL {floor:.4}");
    assert!(floor > 0.0 && floor < 0.01, "{floor}");
    let entangling = [HCz, CnotLine, CrzLine, CrxLine, CrzRing, CrxRing];
    for t in entangling {
        // Deeper is more expressive (up to the sampling floor at four layers)...
        assert!(kl(t, 1) > kl(t, 2) && kl(t, 2) > kl(t, 3), "{t:?}");
        assert!(kl(t, 4) < kl(t, 3) + floor, "{t:?}");
        // ... by less and less: the last step gains under half the largest earlier one.
        let drops = [1, 2, 3].map(|l| kl(t, l) - kl(t, l + 1));
        assert!(
            drops[2] < 0.5 * drops[0].max(drops[1]),
            "{t:?} does not level off: {drops:?}"
        );
    }
    // The deepest entangling circuits come within a few times the Haar floor.
    for t in [CnotLine, CrxRing] {
        assert!(kl(t, 3) < 3.0 * floor && kl(t, 4) < 3.0 * floor, "{t:?}");
    }
    // Without entanglers depth does not help: the idle circuit levels off far above the floor.
    for l in 2..=4 {
        assert!(
            (kl(Idle, l) / kl(Idle, 2) - 1.0).abs() < 0.2,
            "idle at {l} layers"
        );
        assert!(kl(Idle, l) > 10.0 * floor);
        assert!(q(Idle, l) < 1e-12);
    }
    // With the same rotation layers, every entangler beats none from two layers on.
    for l in 2..=3 {
        for t in [CnotLine, CrzLine, CrxLine, CrzRing, CrxRing] {
            assert!(kl(t, l) < kl(Idle, l), "{t:?} at {l} layers");
        }
        // A ring beats a line (Sim et al.'s first finding).
        assert!(kl(CrzRing, l) < kl(CrzLine, l) && kl(CrxRing, l) < kl(CrxLine, l));
    }
    // CRX entanglers beat CRZ ones (their second finding), at every depth.
    for l in 1..=3 {
        assert!(
            kl(CrxLine, l) < kl(CrzLine, l) && kl(CrxRing, l) < kl(CrzRing, l),
            "{l} layers"
        );
    }
    // Entangling capability grows with controlled rotations and depth.
    for t in [CrzLine, CrxLine, CrzRing, CrxRing] {
        assert!(q(t, 1) < q(t, 2) && q(t, 2) < q(t, 3), "{t:?}");
    }
    assert!(q(CrzRing, 1) > q(CrzLine, 1) && q(CrxRing, 1) > q(CrxLine, 1));
}

#[test]
fn a_circuit_ranks_among_the_templates() {
    let spec = ExpressibilitySpec::default();
    // Two layers of RY + CZ line on 4 qubits (a hardware-efficient circuit not in the table).
    let circuit = |p: &[f64]| {
        let mut ops = Vec::new();
        for l in 0..2 {
            for w in 0..4 {
                ops.push(Op::new(GateKind::RY, &[w], &[p[4 * l + w]]).unwrap());
            }
            for w in 0..3 {
                ops.push(Op::new(GateKind::CZ, &[w, w + 1], &[]).unwrap());
            }
        }
        ops
    };
    let e = expressibility(4, 8, circuit, &spec).unwrap();
    let r = rank(&e, table());
    assert_eq!(r.out_of, table().len() + 1);
    assert_eq!(
        r.more_expressive.len() + r.less_expressive.len(),
        table().len()
    );
    assert_eq!(r.expressibility_rank, r.more_expressive.len() + 1);
    // Real amplitudes only: its fidelities follow the real, not the complex, Haar law, so it is
    // less expressive than even the idle template, though more than one H–CZ–RX layer.
    assert!(r.more_expressive.contains(&"idle ×1".to_string()), "{r:?}");
    assert!(r.less_expressive.contains(&"h_cz ×1".to_string()), "{r:?}");
    let kls: Vec<f64> = r
        .more_expressive
        .iter()
        .chain(&r.less_expressive)
        .map(|l| {
            table()
                .iter()
                .find(|t| &t.label() == l)
                .unwrap()
                .result
                .kl_divergence
        })
        .collect();
    assert!(kls.windows(2).all(|w| w[0] <= w[1]), "sorted by KL");
    // A product-state circuit ranks below every entangling template for entanglement.
    let idle = &score(Template::Idle, 1).result;
    let entangling = table()
        .iter()
        .filter(|t| t.result.entangling_capability > 1e-9)
        .count();
    assert_eq!(entangling, 6 * 4);
    assert!(rank(idle, table()).entanglement_rank > entangling);
}

#[test]
fn exact_cases_of_kl_haar_and_meyer_wallach() {
    // A circuit with no parameters: every fidelity is 1, all in the last bin, whose Haar
    // probability is (1/75)^(N−1).
    let spec = ExpressibilitySpec {
        pairs: 10,
        ..Default::default()
    };
    let e = expressibility(
        2,
        0,
        |_: &[f64]| vec![Op::new(GateKind::H, &[0], &[]).unwrap()],
        &spec,
    )
    .unwrap();
    assert_eq!(e.counts[74], 10);
    assert!(
        (e.kl_divergence - 3.0 * 75f64.ln()).abs() < 1e-9,
        "{}",
        e.kl_divergence
    );
    assert!((e.mean_fidelity - 1.0).abs() < 1e-12);
    // Haar bins sum to 1; one qubit is uniform in F; many qubits do not underflow to a NaN.
    for n in [1, 4, 12] {
        let h = haar_histogram(n, 75);
        assert!((h.iter().sum::<f64>() - 1.0).abs() < 1e-12, "n={n}");
    }
    assert!(haar_histogram(1, 4)
        .iter()
        .all(|p| (p - 0.25).abs() < 1e-15));
    let p = vec![0.0, 0.0, 0.0, 1.0];
    assert!(kl_from_haar(&p, 30).is_finite());
    // Meyer–Wallach: product 0, Bell and GHZ 1, |W⟩ on 3 qubits 8/9.
    let mut s = State::new(3).unwrap();
    s.apply(&Op::new(GateKind::RX, &[1], &[0.7]).unwrap());
    assert!(meyer_wallach(&s).abs() < 1e-12);
    let mut ghz = State::new(3).unwrap();
    ghz.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
    ghz.apply(&Op::new(GateKind::CNOT, &[0, 1], &[]).unwrap());
    ghz.apply(&Op::new(GateKind::CNOT, &[1, 2], &[]).unwrap());
    assert!((meyer_wallach(&ghz) - 1.0).abs() < 1e-12);
    let t = 1.0 / 3f64.sqrt();
    let w = State::from_amplitudes(
        [0.0, t, t, 0.0, t, 0.0, 0.0, 0.0]
            .iter()
            .map(|&x| C64::new(x, 0.0))
            .collect(),
    )
    .unwrap();
    assert!((meyer_wallach(&w) - 8.0 / 9.0).abs() < 1e-12);
}

#[test]
fn stepped_runs_match_whole_runs_and_report_errors() {
    let spec = ExpressibilitySpec {
        pairs: 50,
        bins: 10,
        seed: 3,
    };
    let t = Template::CrzRing;
    let n_params = t.n_params(3, 2);
    assert_eq!(n_params, 2 * (3 * 3));
    let ops = t.ops(3, 2, &vec![0.1; n_params]);
    assert_eq!(ops.iter().filter(|o| o.kind == GateKind::CRZ).count(), 6);
    let whole = expressibility(3, n_params, |p: &[f64]| t.ops(3, 2, p), &spec).unwrap();
    let mut run =
        ExpressibilityRun::new(3, n_params, |p: &[f64]| t.ops(3, 2, p), spec.clone()).unwrap();
    assert!(run.result().unwrap_err().0.contains("0 of 50"));
    let p = run.step(20).unwrap();
    assert_eq!((p.done, p.total), (20, 50));
    while !run.step(20).unwrap().is_done() {}
    assert_eq!(run.result().unwrap(), whole);
    let back: Expressibility =
        serde_json::from_str(&serde_json::to_string(&whole).unwrap()).unwrap();
    assert_eq!(back, whole);
    let name: Template = serde_json::from_str("\"crx_line\"").unwrap();
    assert_eq!(name, Template::CrxLine);
    for t in Template::all() {
        assert_eq!(
            serde_json::to_string(t).unwrap(),
            format!("\"{}\"", t.name())
        );
        assert!(!t.describe().is_empty());
        for n in 1..=4 {
            let ops = t.ops(n, 2, &vec![0.3; t.n_params(n, 2)]);
            for op in &ops {
                op.validate(n).unwrap();
            }
            // Every parametrised gate consumes one parameter; CNOT, CZ and H none.
            let used: usize = ops.iter().map(|o| o.kind.n_params()).sum();
            assert_eq!(used, t.n_params(n, 2), "{t:?} n={n}");
        }
    }
    let e = ExpressibilityRun::new(
        2,
        1,
        |p: &[f64]| vec![Op::new(GateKind::RX, &[3], p).unwrap()],
        spec.clone(),
    )
    .unwrap()
    .step(1)
    .unwrap_err();
    assert!(e.0.contains("gate 1 (RX)") && e.0.contains("wire 3"), "{e}");
    let bad = ExpressibilitySpec {
        bins: 1,
        ..spec.clone()
    };
    assert!(ExpressibilityRun::new(2, 0, |_: &[f64]| Vec::new(), bad)
        .unwrap_err()
        .0
        .contains("bins"));
    let none = ExpressibilitySpec { pairs: 0, ..spec };
    assert!(ExpressibilityRun::new(2, 0, |_: &[f64]| Vec::new(), none).is_err());
}

/// Writes the cases `scripts/analysis-crosscheck.py` recomputes with numpy: per case the
/// template's gates with parameter indices, every sampled parameter vector (drawn as
/// [`ExpressibilityRun`] documents), our first states and our results.
#[test]
#[ignore = "writes files for scripts/analysis-crosscheck.py, which runs it"]
fn write_expressibility_crosscheck_cases() {
    let dir = std::env::var("QMLP_ANALYSIS_CROSSCHECK_DIR")
        .expect("set QMLP_ANALYSIS_CROSSCHECK_DIR to the directory to write into");
    let spec = ExpressibilitySpec {
        pairs: 500,
        bins: 75,
        seed: 5,
    };
    let cases = [
        (Template::CnotLine, 4, 2),
        (Template::CrxRing, 4, 1),
        (Template::Idle, 3, 2),
        (Template::HCz, 4, 3),
        (Template::CrzLine, 2, 2),
    ];
    let mut out = Vec::new();
    for (t, n, layers) in cases {
        let p = t.n_params(n, layers);
        let result = expressibility(n, p, |x: &[f64]| t.ops(n, layers, x), &spec).unwrap();
        let index: Vec<f64> = (0..p).map(|i| i as f64).collect();
        let gates: Vec<serde_json::Value> = t
            .ops(n, layers, &index)
            .iter()
            .map(|op| {
                serde_json::json!({
                    "gate": op.kind.name(),
                    "wires": op.wires,
                    "param": (op.kind.n_params() == 1).then_some(op.params[0] as usize),
                })
            })
            .collect();
        let mut rng = Rng::new(spec.seed);
        let mut draw = || -> Vec<f64> { (0..p).map(|_| rng.range(0.0, 2.0 * PI)).collect() };
        let params: Vec<[Vec<f64>; 2]> = (0..spec.pairs).map(|_| [draw(), draw()]).collect();
        let first_states: Vec<Vec<[f64; 2]>> = params
            .iter()
            .take(3)
            .flat_map(|pair| pair.iter())
            .map(|theta| {
                let mut s = State::new(n).unwrap();
                for op in t.ops(n, layers, theta) {
                    s.try_apply(&op).unwrap();
                }
                s.amplitudes().iter().map(|a| [a.re, a.im]).collect()
            })
            .collect();
        out.push(serde_json::json!({
            "template": t.name(),
            "qubits": n,
            "layers": layers,
            "gates": gates,
            "params": params,
            "first_states": first_states,
            "ours": result,
        }));
    }
    let path = std::path::Path::new(&dir).join("expressibility.json");
    std::fs::write(&path, serde_json::to_string(&out).unwrap()).unwrap();
    eprintln!("wrote {}", path.display());
}
