//! Training-debugger benchmark (printed figures, never assertions).
//!
//! - **Barren plateaus**: the whole reference protocol of `tests/golden/barren.json` — n = 2…10,
//!   50 layers, 1 000 random circuits per size, ∂C/∂θ for the local and the global cost — with
//!   the time per size, our variances beside PennyLane's (and the z-score of the difference,
//!   from the fourth-moment standard errors), and the fitted slopes of ln Var against n.
//! - **Loss landscape**: a 41 × 41 grid of the MSE over 200 points of a 4-qubit, 3-layer data
//!   re-uploading classifier (the default model's size), random directions
//!   (`qmlp::analysis::landscape::BenchWorkload`).
//! - **Expressibility**: every built-in template at 1…3 layers on 4 qubits, 5 000 pairs each.
//!
//! Times are wall-clock and, where Linux reports it (`/proc/thread-self/schedstat`), the time
//! this thread actually ran on a CPU: on a machine shared with other work the wall time includes
//! waiting for a core, the CPU time does not.
//!
//! `cargo bench --bench analysis [FILTER]` (FILTER: `barren`, `landscape`, `express`);
//! `QUICK=1` for one repetition and fewer samples; `BENCH_JSON=path` also writes the figures as
//! JSON for `bench/analysis_compare.sh`.

use qmlp::analysis::barren::{BarrenRun, BarrenSpec};
use qmlp::analysis::expressibility::{template_table, ExpressibilitySpec};
use qmlp::analysis::landscape::{loss_landscape, BenchWorkload, LandscapeSpec};
use qmlp::analysis::stats::{fit_exponential, variance_std_error};
use std::time::Instant;

const GOLDEN: &str = include_str!("../tests/golden/barren.json");

/// barren.json's rows: (qubits, local variance, global variance).
fn golden() -> Vec<(usize, f64, f64)> {
    let v: serde_json::Value = serde_json::from_str(GOLDEN).expect("barren.json parses");
    v["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| {
                    Some((
                        r["qubits"].as_u64()? as usize,
                        r["local_var"].as_f64()?,
                        r["global_var"].as_f64()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Nanoseconds this thread has run on a CPU, if the kernel says (Linux).
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Wall and CPU seconds of `f`.
fn timed(f: impl FnOnce()) -> (f64, Option<f64>) {
    let c0 = cpu_ns();
    let t = Instant::now();
    f();
    let wall = t.elapsed().as_secs_f64();
    let cpu = c0.zip(cpu_ns()).map(|(a, b)| (b - a) as f64 * 1e-9);
    (wall, cpu)
}

fn fmt_cpu(c: Option<f64>, scale: f64, unit: &str) -> String {
    c.map_or("–".into(), |c| format!("{:.1} {unit}", c * scale))
}

/// Slope of ln Var against n and its standard error propagated from the variances' errors.
fn slope(xs: &[f64], vs: &[f64], ses: &[f64]) -> (f64, f64) {
    let s = fit_exponential(xs, vs).map(|f| f.slope).unwrap_or(f64::NAN);
    let xm = xs.iter().sum::<f64>() / xs.len() as f64;
    let sxx: f64 = xs.iter().map(|x| (x - xm).powi(2)).sum();
    let var: f64 = xs
        .iter()
        .zip(vs.iter().zip(ses))
        .map(|(x, (v, se))| ((x - xm) / sxx).powi(2) * (se / v).powi(2))
        .sum();
    (s, var.sqrt())
}

fn main() {
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_default();
    let quick = std::env::var("QUICK").is_ok_and(|v| v == "1");
    let mut json = serde_json::Map::new();

    if "barren".contains(&filter) {
        let reps = if quick { 1 } else { 3 };
        let spec = BarrenSpec::reference();
        let mut best_total = (f64::INFINITY, None);
        let mut best_per_point = vec![(f64::INFINITY, None); spec.qubits.len()];
        let mut report = None;
        for _ in 0..reps {
            let mut run = BarrenRun::reference(spec.clone()).expect("the reference spec is valid");
            let total = timed(|| {
                for slot in best_per_point.iter_mut() {
                    let t = timed(|| {
                        run.step(spec.samples).expect("the reference protocol runs");
                    });
                    if t.0 < slot.0 {
                        *slot = t;
                    }
                }
            });
            if total.0 < best_total.0 {
                best_total = total;
            }
            report = Some(run.report());
        }
        let Some(report) = report else { return };
        let gold = golden();
        println!(
            "\n## Barren plateaus: reference protocol, {} sizes × {} samples × 2 costs, {} layers (best of {reps})\n",
            spec.qubits.len(),
            spec.samples,
            spec.layers[0]
        );
        println!(
            "| qubits | time | Var ∂C local | PennyLane | z | Var ∂C global | PennyLane | z |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
        let mut rows = Vec::new();
        for (p, t) in report.points.iter().zip(&best_per_point) {
            let g = gold.iter().find(|r| r.0 == p.qubits);
            let z = |ours: &qmlp::analysis::barren::GradientStats, theirs: f64| {
                let se = variance_std_error(theirs, ours.kurtosis, p.samples);
                (ours.variance - theirs) / (ours.variance_std_error.powi(2) + se * se).sqrt()
            };
            let (pl, pg) = g.map_or((f64::NAN, f64::NAN), |r| (r.1, r.2));
            println!(
                "| {} | {:.1} ms | {} | {:.4e} ± {:.1e} | {pl:.4e} | {:+.2} | {:.4e} ± {:.1e} | {pg:.4e} | {:+.2} |",
                p.qubits,
                t.0 * 1e3,
                fmt_cpu(t.1, 1e3, "ms"),
                p.local.variance,
                p.local.variance_std_error,
                z(&p.local, pl),
                p.global.variance,
                p.global.variance_std_error,
                z(&p.global, pg)
            );
            rows.push(serde_json::json!({
                "qubits": p.qubits, "ms": t.0 * 1e3, "cpu_ms": t.1.map(|c| c * 1e3),
                "local_var": p.local.variance, "global_var": p.global.variance,
                "local_mean": p.local.mean, "global_mean": p.global.mean,
            }));
        }
        println!(
            "\nwhole protocol: {:.3} s, CPU {} ({} gradients of each cost)",
            best_total.0,
            best_total.1.map_or("–".into(), |c| format!("{c:.3} s")),
            report.points.len() * spec.samples
        );
        let xs: Vec<f64> = report.points.iter().map(|p| p.qubits as f64).collect();
        let col = |f: fn(&qmlp::analysis::barren::BarrenPoint) -> f64| -> Vec<f64> {
            report.points.iter().map(f).collect()
        };
        let (sl, el) = slope(
            &xs,
            &col(|p| p.local.variance),
            &col(|p| p.local.variance_std_error),
        );
        let (sg, eg) = slope(
            &xs,
            &col(|p| p.global.variance),
            &col(|p| p.global.variance_std_error),
        );
        let gx: Vec<f64> = gold.iter().map(|r| r.0 as f64).collect();
        let pl_l = fit_exponential(&gx, &gold.iter().map(|r| r.1).collect::<Vec<_>>())
            .map_or(f64::NAN, |f| f.slope);
        let pl_g = fit_exponential(&gx, &gold.iter().map(|r| r.2).collect::<Vec<_>>())
            .map_or(f64::NAN, |f| f.slope);
        println!(
            "\n| slope of ln Var against n | ours | PennyLane (barren.json) | ours − PennyLane |"
        );
        println!("|---|---:|---:|---:|");
        println!(
            "| local ⟨Z0 Z1⟩ | {sl:.4} ± {el:.4} (×{:.3}/qubit) | {pl_l:.4} | {:+.4} |",
            sl.exp(),
            sl - pl_l
        );
        println!(
            "| global ⟨P0⟩ | {sg:.4} ± {eg:.4} (×{:.3}/qubit) | {pl_g:.4} | {:+.4} |",
            sg.exp(),
            sg - pl_g
        );
        json.insert(
            "barren".into(),
            serde_json::json!({
                "total_s": best_total.0, "cpu_s": best_total.1, "rows": rows,
                "slope_local": sl, "slope_local_err": el, "slope_global": sg, "slope_global_err": eg,
                "golden_slope_local": pl_l, "golden_slope_global": pl_g,
            }),
        );
    }

    if "landscape".contains(&filter) {
        let mut work = BenchWorkload::new(4, 3, 200).expect("the workload builds");
        let weights = work.weights().to_vec();
        let reps = if quick { 1 } else { 3 };
        let mut best = (f64::INFINITY, None);
        let mut out = None;
        for _ in 0..reps {
            let t = timed(|| {
                out = Some(
                    loss_landscape(&weights, &[], LandscapeSpec::default(), |w| work.loss(w))
                        .expect("the landscape runs"),
                );
            });
            if t.0 < best.0 {
                best = t;
            }
        }
        if let Some(l) = out {
            let cells = l.loss.len();
            println!("\n## Loss landscape: 41×41, MSE over 200 points, 4 qubits × 3 re-uploading layers (84 weights)\n");
            println!("| grid | time (best of {reps}) | CPU time | per grid point | per circuit | loss range | centre |");
            println!("|---|---:|---:|---:|---:|---:|---:|");
            println!(
                "| 41×41 random directions | {:.1} ms | {} | {:.1} µs | {:.2} µs | {:.4} … {:.4} | {:.6} |",
                best.0 * 1e3,
                fmt_cpu(best.1, 1e3, "ms"),
                best.0 * 1e6 / cells as f64,
                best.0 * 1e6 / (cells * 200) as f64,
                l.min,
                l.max,
                l.center_loss
            );
            json.insert(
                "landscape".into(),
                serde_json::json!({"ms": best.0 * 1e3, "cpu_ms": best.1.map(|c| c * 1e3), "center_loss": l.center_loss, "min": l.min, "max": l.max}),
            );
        }
    }

    if "expressibility".contains(&filter) {
        let spec = ExpressibilitySpec {
            pairs: if quick { 1000 } else { 5000 },
            ..ExpressibilitySpec::default()
        };
        let t = Instant::now();
        let table = template_table(4, 3, &spec).expect("the templates run");
        let s = t.elapsed().as_secs_f64();
        println!(
            "\n## Expressibility: {} templates × 3 depths on 4 qubits, {} pairs each: {:.3} s\n",
            table.len() / 3,
            spec.pairs,
            s
        );
        println!("| template | layers | KL(P ‖ Haar) | mean Q |\n|---|---:|---:|---:|");
        for r in &table {
            println!(
                "| {} | {} | {:.4} | {:.3} |",
                r.template.name(),
                r.layers,
                r.result.kl_divergence,
                r.result.entangling_capability
            );
        }
        json.insert("expressibility".into(), serde_json::json!({"s": s}));
    }

    if let Ok(path) = std::env::var("BENCH_JSON") {
        let text = serde_json::Value::Object(json).to_string();
        if let Err(e) = std::fs::write(&path, text + "\n") {
            eprintln!("cannot write {path}: {e}");
        }
    }
}
