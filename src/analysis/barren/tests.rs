use super::*;
use crate::sim::adjoint_gradient;
use serde_json::Value;

const GOLDEN: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/barren.json"
));

/// The rows of barren.json: (qubits, layers, samples, local var, global var).
fn golden_rows() -> Vec<(usize, usize, usize, f64, f64)> {
    let v: Value = serde_json::from_str(GOLDEN).unwrap();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["qubits"].as_u64().unwrap() as usize,
                r["layers"].as_u64().unwrap() as usize,
                r["samples"].as_u64().unwrap() as usize,
                r["local_var"].as_f64().unwrap(),
                r["global_var"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The reference protocol at barren.json's sizes (n = 2…10, 50 layers, 1 000 samples), run once
/// for all the tests that read it.
fn reference_report() -> &'static BarrenReport {
    static REPORT: std::sync::OnceLock<BarrenReport> = std::sync::OnceLock::new();
    REPORT.get_or_init(|| {
        barren_plateaus(&BarrenSpec {
            seed: 2024,
            ..BarrenSpec::reference()
        })
        .unwrap()
    })
}

fn costs(n: usize) -> [Observable; 2] {
    [
        Observable::Pauli("Z0 Z1".parse().unwrap()),
        Observable::Projector(State::new(n).unwrap()),
    ]
}

#[test]
fn fast_path_matches_the_engine_adjoint_gradient() {
    let mut work = GradientWorkspace::new();
    let mut worst: f64 = 0.0;
    for n in 2..=6 {
        for layers in [1, 2, 7] {
            let mut rng = Rng::new(100 + n as u64 * 10 + layers as u64);
            for _ in 0..4 {
                let mut r2 = rng.clone();
                let fast = ReferenceCircuit
                    .gradients(n, layers, &mut rng, &mut work)
                    .unwrap();
                let (ops, p) = ReferenceCircuit.sample(n, layers, &mut r2);
                assert_eq!(ops.len(), n + layers * (2 * n - 1));
                assert_eq!(p, n);
                assert_eq!(ops[p].wires, vec![0]);
                let general = work.gradients(n, &ops, p).unwrap();
                for (k, obs) in costs(n).iter().enumerate() {
                    let (_, g) = adjoint_gradient(n, &ops, obs).unwrap();
                    worst = worst
                        .max((fast[k] - g[p]).abs())
                        .max((general[k] - g[p]).abs());
                }
            }
        }
    }
    assert!(worst < 1e-12, "worst difference {worst:e}");
}

#[test]
fn portable_kernels_match_the_vectorised_ones() {
    // The wasm build runs the portable kernels; natively they run only when forced.
    let mut simd = GradientWorkspace::new();
    let mut portable = GradientWorkspace::new();
    portable.pair.portable = true;
    for n in [2, 3, 4, 7, 9] {
        let mut rng = Rng::new(n as u64);
        for _ in 0..3 {
            let mut r2 = rng.clone();
            let a = ReferenceCircuit
                .gradients(n, 20, &mut rng, &mut simd)
                .unwrap();
            let b = ReferenceCircuit
                .gradients(n, 20, &mut r2, &mut portable)
                .unwrap();
            for k in 0..2 {
                assert!((a[k] - b[k]).abs() < 1e-13, "n={n}: {a:?} vs {b:?}");
            }
        }
    }
}

#[test]
fn parameter_gradient_matches_adjoint_for_every_parameter_of_mixed_gates() {
    let mut rng = Rng::new(5);
    let n = 4;
    let kinds = [
        GateKind::RX,
        GateKind::RY,
        GateKind::Rot,
        GateKind::U3,
        GateKind::CRZ,
        GateKind::CRX,
        GateKind::IsingXX,
        GateKind::IsingZZ,
        GateKind::PhaseShift,
        GateKind::ControlledPhaseShift,
        GateKind::H,
        GateKind::CNOT,
    ];
    let mut ops = Vec::new();
    for k in 0..24 {
        let kind = kinds[k % kinds.len()];
        let w0 = rng.below(n as u64) as usize;
        let wires: Vec<usize> = (0..kind.n_wires()).map(|i| (w0 + i) % n).collect();
        let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-3.0, 3.0)).collect();
        let mut op = Op::new(kind, &wires, &params).unwrap();
        if k == 5 {
            op = Op::new(GateKind::RY, &[1], &[0.7])
                .unwrap()
                .controlled(&[3])
                .unwrap();
        }
        ops.push(op);
    }
    let obs = [
        Observable::Pauli("X0 Y2".parse().unwrap()),
        Observable::Projector(State::new(n).unwrap()),
        Observable::Diagonal((0..16).map(|i| i as f64).collect()),
    ];
    let total: usize = ops.iter().map(|o| o.kind.n_params()).sum();
    for o in &obs {
        let (_, want) = adjoint_gradient(n, &ops, o).unwrap();
        assert_eq!(want.len(), total);
        for (p, w) in want.iter().enumerate() {
            let got = parameter_gradient(n, &ops, p, std::slice::from_ref(o)).unwrap();
            assert!((got[0] - w).abs() < 1e-12, "param {p}: {} vs {w}", got[0]);
        }
    }
    let e = parameter_gradient(n, &ops, total, &obs).unwrap_err();
    assert!(
        e.0.contains(&format!("parameter {total} does not exist")),
        "{e}"
    );
    let bad = [Op::new(GateKind::RX, &[5], &[0.1]).unwrap()];
    let e = parameter_gradient(n, &bad, 0, &obs).unwrap_err();
    assert!(e.0.contains("gate 1 (RX)") && e.0.contains("wire 5"), "{e}");
}

/// The reference protocol agrees with PennyLane's barren.json at every size, for both costs,
/// within the statistical error of the two sample variances (fourth-moment standard errors).
#[test]
fn reference_variances_agree_with_pennylane_within_statistical_error() {
    let rows = golden_rows();
    assert_eq!(rows.len(), 9);
    let report = reference_report();
    let spec = &report.spec;
    assert_eq!(spec.qubits, rows.iter().map(|r| r.0).collect::<Vec<_>>());
    assert_eq!((spec.layers[0], spec.samples), (rows[0].1, rows[0].2));
    assert!(report.complete);
    let z = |ours: &GradientStats, theirs: f64| {
        let se_theirs = stats::variance_std_error(theirs, ours.kurtosis, spec.samples);
        (ours.variance - theirs) / (ours.variance_std_error.powi(2) + se_theirs.powi(2)).sqrt()
    };
    let mut worst: f64 = 0.0;
    for (p, r) in report.points.iter().zip(&rows) {
        assert_eq!((p.qubits, p.layers), (r.0, r.1));
        let (zl, zg) = (z(&p.local, r.3), z(&p.global, r.4));
        eprintln!(
            "n={:2}: local {:.4e} vs {:.4e} (z {zl:+.2}, kurtosis {:.1}), global {:.4e} vs {:.4e} (z {zg:+.2}, kurtosis {:.1})",
            p.qubits, p.local.variance, r.3, p.local.kurtosis, p.global.variance, r.4, p.global.kurtosis
        );
        worst = worst.max(zl.abs()).max(zg.abs());
        // Far from Gaussian: the fourth moment, not v·√(2/(N−1)), sets the error bars.
        assert!(
            p.qubits < 3 || p.global.kurtosis > 4.0,
            "n={} kurtosis {}",
            p.qubits,
            p.global.kurtosis
        );
    }
    assert!(worst < 4.0, "worst |z| = {worst:.2}");
    // The same comparison detects a protocol off by one qubit: the global cost at n against
    // PennyLane's n + 1 is many standard errors away at every size.
    for (p, r) in report.points.iter().zip(&rows[1..]) {
        let zg = z(&p.global, r.4);
        assert!(zg > 6.0, "n={} vs row n={}: z {zg}", p.qubits, r.0);
    }
}

/// Slope of ln(variance) against n, with the standard error propagated from the points'
/// variance errors (d ln v = dv / v).
fn slope_and_error(xs: &[f64], vs: &[f64], ses: &[f64]) -> (f64, f64) {
    let fit = stats::fit_exponential(xs, vs).unwrap();
    let xm = xs.iter().sum::<f64>() / xs.len() as f64;
    let sxx: f64 = xs.iter().map(|x| (x - xm).powi(2)).sum();
    let var: f64 = xs
        .iter()
        .zip(vs.iter().zip(ses))
        .map(|(x, (v, se))| ((x - xm) / sxx).powi(2) * (se / v).powi(2))
        .sum();
    (fit.slope, var.sqrt())
}

#[test]
fn global_cost_decays_faster_than_local_and_slopes_match_pennylane() {
    let rows = golden_rows();
    let report = reference_report();
    let fit = report
        .fits
        .iter()
        .find(|f| f.axis == FitAxis::Qubits && f.fixed == 50)
        .unwrap();
    let (local, global) = (fit.local.unwrap(), fit.global.unwrap());
    let xs: Vec<f64> = report.points.iter().map(|p| p.qubits as f64).collect();
    let lv: Vec<f64> = report.points.iter().map(|p| p.local.variance).collect();
    let ls: Vec<f64> = report
        .points
        .iter()
        .map(|p| p.local.variance_std_error)
        .collect();
    let gv: Vec<f64> = report.points.iter().map(|p| p.global.variance).collect();
    let gs: Vec<f64> = report
        .points
        .iter()
        .map(|p| p.global.variance_std_error)
        .collect();
    let (sl, el) = slope_and_error(&xs, &lv, &ls);
    let (sg, eg) = slope_and_error(&xs, &gv, &gs);
    assert!((sl - local.slope).abs() < 1e-12 && (sg - global.slope).abs() < 1e-12);
    assert!(
        sg + 5.0 * eg < sl - 5.0 * el,
        "global {sg}±{eg} vs local {sl}±{el}"
    );
    for p in &report.points[1..] {
        assert!(p.global.variance < p.local.variance, "{p:?}");
    }
    // PennyLane's slopes from barren.json, by the same least squares.
    let pl_local =
        stats::fit_exponential(&xs, &rows.iter().map(|r| r.3).collect::<Vec<_>>()).unwrap();
    let pl_global =
        stats::fit_exponential(&xs, &rows.iter().map(|r| r.4).collect::<Vec<_>>()).unwrap();
    eprintln!(
        "slope of ln Var vs n: local ours {sl:.4}±{el:.4}, PennyLane {:.4}; global ours {sg:.4}±{eg:.4}, PennyLane {:.4}",
        pl_local.slope, pl_global.slope
    );
    // Both slopes are estimates with (about) the same error: compare within √2 of ours, 4σ.
    assert!((sl - pl_local.slope).abs() < 4.0 * 2f64.sqrt() * el);
    assert!((sg - pl_global.slope).abs() < 4.0 * 2f64.sqrt() * eg);
    // Global: about a factor 1/4 per qubit (ln 4 ≈ 1.39) on this protocol.
    assert!((-1.6..-1.1).contains(&sg), "{sg}");
}

#[test]
fn stepped_runs_are_deterministic_report_progress_and_can_stop_early() {
    let spec = BarrenSpec {
        qubits: vec![2, 4, 3],
        layers: vec![3, 1],
        samples: 30,
        seed: 4,
    };
    let whole = BarrenRun::reference(spec.clone()).unwrap().run().unwrap();
    let mut run = BarrenRun::reference(spec.clone()).unwrap();
    assert_eq!(run.progress().done, 0);
    assert_eq!(run.progress().total, 180);
    let mut last = run.progress().fraction;
    let mut steps = 0;
    while !run.is_done() {
        let p = run.step(7).unwrap();
        assert!(p.fraction >= last && p.fraction <= 1.0);
        last = p.fraction;
        steps += 1;
        if steps == 10 {
            // Cancelling here: the report holds only the finished points.
            let partial = run.report();
            assert!(!partial.complete);
            assert_eq!(partial.points.len(), 70 / 30);
        }
    }
    assert_eq!(steps, 180usize.div_ceil(7));
    assert_eq!(run.progress().fraction, 1.0);
    assert!(run.step(5).unwrap().is_done());
    assert_eq!(run.report(), whole);
    assert_eq!(whole.points.len(), 6);
    assert_eq!(
        whole
            .points
            .iter()
            .map(|p| (p.qubits, p.layers))
            .collect::<Vec<_>>(),
        vec![(2, 3), (4, 3), (3, 3), (2, 1), (4, 1), (3, 1)]
    );
    // Each point draws its own stream: running one point alone gives the same numbers.
    let alone = barren_plateaus(&BarrenSpec {
        qubits: vec![4],
        layers: vec![1],
        ..spec
    })
    .unwrap();
    assert_eq!(alone.points[0], whole.points[4]);
    // Fits: over qubits at 3 and 1 layers, over layers at 2, 4 and 3 qubits.
    let axes: Vec<(FitAxis, usize)> = whole.fits.iter().map(|f| (f.axis, f.fixed)).collect();
    assert_eq!(
        axes,
        vec![
            (FitAxis::Qubits, 3),
            (FitAxis::Qubits, 1),
            (FitAxis::Layers, 2),
            (FitAxis::Layers, 4),
            (FitAxis::Layers, 3)
        ]
    );
    let text = serde_json::to_string(&whole).unwrap();
    let back: BarrenReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, whole);
}

#[test]
fn a_custom_family_runs_through_the_general_engine_with_the_same_numbers() {
    let spec = BarrenSpec {
        qubits: vec![2, 3, 5],
        layers: vec![4],
        samples: 40,
        seed: 8,
    };
    let fast = barren_plateaus(&spec).unwrap();
    let family = |n: usize, l: usize, rng: &mut Rng| ReferenceCircuit.sample(n, l, rng);
    let general = BarrenRun::new(spec, family).unwrap().run().unwrap();
    assert_eq!(general.family, "custom");
    assert_eq!(fast.family, "reference");
    for (a, b) in fast.points.iter().zip(&general.points) {
        for (x, y) in [(a.local, b.local), (a.global, b.global)] {
            assert!((x.mean - y.mean).abs() < 1e-13 && (x.variance - y.variance).abs() < 1e-13);
        }
    }
}

#[test]
fn layer_sweeps_show_the_variance_falling_to_its_plateau() {
    // At 6 qubits the global cost's variance falls with depth (towards its 2-design value).
    let spec = BarrenSpec {
        qubits: vec![6],
        layers: vec![1, 2, 4, 8],
        samples: 400,
        seed: 3,
    };
    let r = barren_plateaus(&spec).unwrap();
    let fit = r.fits.iter().find(|f| f.axis == FitAxis::Layers).unwrap();
    assert_eq!(fit.fixed, 6);
    assert!(fit.global.unwrap().slope < 0.0, "{fit:?}");
    assert!(r.points[0].global.variance > 3.0 * r.points[3].global.variance);
}

#[test]
fn bad_specs_and_failing_families_give_readable_errors() {
    let base = BarrenSpec {
        qubits: vec![2],
        layers: vec![1],
        samples: 2,
        seed: 0,
    };
    let cases = [
        (
            BarrenSpec {
                qubits: vec![1],
                ..base.clone()
            },
            "at least 2 qubits",
        ),
        (
            BarrenSpec {
                qubits: vec![3, 3],
                ..base.clone()
            },
            "listed twice",
        ),
        (
            BarrenSpec {
                layers: vec![0],
                ..base.clone()
            },
            "at least 1",
        ),
        (
            BarrenSpec {
                samples: 1,
                ..base.clone()
            },
            "at least 2 samples",
        ),
        (
            BarrenSpec {
                qubits: vec![],
                ..base.clone()
            },
            "at least one",
        ),
        (
            BarrenSpec {
                qubits: vec![60],
                ..base.clone()
            },
            "qubits",
        ),
    ];
    for (spec, want) in cases {
        let e = BarrenRun::reference(spec).unwrap_err();
        assert!(e.0.contains(want), "{e} (wanted '{want}')");
    }
    let broken =
        |_: usize, _: usize, _: &mut Rng| (vec![Op::new(GateKind::H, &[0], &[]).unwrap()], 0);
    let e = BarrenRun::new(base.clone(), broken)
        .unwrap()
        .step(1)
        .unwrap_err();
    assert!(e.0.contains("parameter 0 does not exist"), "{e}");
    let unknown: Result<BarrenSpec, _> =
        serde_json::from_str(r#"{"qubits":[2],"layers":[1],"samples":2,"seed":0,"extra":1}"#);
    assert!(unknown.is_err());
}
