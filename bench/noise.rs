//! Noise-engine benchmark (printed figures, never assertions).
//!
//! - **throughput**: the complex `DensityMatrix`'s time per gate (the random
//!   {H, RX, RY, RZ, CNOT} workload of `qmlp::sim::bench_circuit`: 100 gates, 30 at 10 qubits,
//!   6 at 12) and per channel (DepolarizingChannel and AmplitudeDamping, round-robin over the
//!   wires) at 4, 8, 10 and 12 qubits, with the effective bandwidth (ρ read and written once per
//!   pass); and the density engine's own path (the real Pauli basis with fused steps) on the
//!   same gates each followed by a DepolarizingChannel, per gate + channel.
//! - **W5** at the engine level: the W2 layer shape of `bench/model.rs` on 4 qubits, 4 layers
//!   (per layer and qubit RX(w·x1 + b), RY(w·x2 + b), Rot(θ1, θ2, θ3), then a CNOT ring) with
//!   DepolarizingChannel(0.01) after every gate (on both wires after a CNOT): 64 gates and 80
//!   channels. One epoch = forward + gradient of ⟨Z0⟩ with respect to the 80 gate angles for 200
//!   points (parameter sets), on the density-matrix engine — one `gradient` call per point, and
//!   all points in one `gradients` call (4 circuits side by side, the same numbers bit for bit);
//!   the trajectory engine (100 trajectories per point) for comparison.
//!
//! Points and weights are the formulas of `bench/model.rs`, shared with
//! `bench/noise_pennylane.py`; the mean ⟨Z0⟩ and the norm of the mean gradient are printed as
//! a cross-check. `cargo bench --bench noise [FILTER]` (FILTER: `throughput`, `q10`, `w5`, `density`,
//! `trajectories`, …);
//! `QUICK=1` for fewer reps; `BENCH_JSON=path` also writes the W5 figures as JSON for
//! `bench/noise_compare.sh`.

use qmlp::sim::{
    bench_circuit, Channel, ChannelKind, DensityEngine, DensityMatrix, GateKind, NoisyCircuit,
    NoisyEngine, NoisyOp, Observable, Op, PauliString, TrajectoryEngine,
};
use std::hint::black_box;
use std::time::Instant;

/// Best and median seconds of `reps` calls of `f` after one warm-up call.
fn time(reps: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut ts: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    ts.sort_by(|a, b| a.total_cmp(b));
    (ts[0], ts[ts.len() / 2])
}

fn fmt(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.2} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}

/// The W2 points: an R2 low-discrepancy sequence in [-1, 1]² (as in `bench/model.rs`).
fn points(n: usize) -> Vec<[f64; 2]> {
    const A1: f64 = 0.754_877_666_246_692_7;
    const A2: f64 = 0.569_840_290_998_053_2;
    (0..n)
        .map(|k| {
            let k = k as f64;
            let f = |a: f64| {
                let v = 0.5 + k * a;
                2.0 * (v - v.floor()) - 1.0
            };
            [f(A1), f(A2)]
        })
        .collect()
}

const Q: usize = 4;
const LAYERS: usize = 4;
const P_DEP: f64 = 0.01;

/// The W5 circuit for one point: W2's layer shape with weights `w` (p_j = sin(j + 1)) bound to
/// the point, DepolarizingChannel(0.01) after every gate.
fn w5_circuit(x: [f64; 2], w: &[f64]) -> NoisyCircuit {
    let dep = |wire: usize| {
        NoisyOp::Channel(Channel::new(ChannelKind::DepolarizingChannel, wire, P_DEP).expect("p"))
    };
    let gate = |k: GateKind, wires: &[usize], p: &[f64]| {
        NoisyOp::Gate(Op::new(k, wires, p).expect("a W5 gate"))
    };
    let mut ops = Vec::new();
    let mut k = 0;
    for _ in 0..LAYERS {
        for q in 0..Q {
            ops.push(gate(GateKind::RX, &[q], &[w[k] * x[0] + w[k + 1]]));
            ops.push(dep(q));
            ops.push(gate(GateKind::RY, &[q], &[w[k + 2] * x[1] + w[k + 3]]));
            ops.push(dep(q));
            ops.push(gate(GateKind::Rot, &[q], &w[k + 4..k + 7]));
            ops.push(dep(q));
            k += 7;
        }
        for q in 0..Q {
            let t = (q + 1) % Q;
            ops.push(gate(GateKind::CNOT, &[q, t], &[]));
            ops.push(dep(q));
            ops.push(dep(t));
        }
    }
    NoisyCircuit::new(Q, ops, None).expect("the W5 circuit")
}

/// One epoch: Σ over points of (⟨Z0⟩, ∂⟨Z0⟩/∂angles); returns the mean value and the norm of
/// the mean gradient. `batched`: all points in one [`NoisyEngine::gradients`] call (the density
/// engine runs circuits of one shape side by side); else one `gradient` call per point.
fn epoch(engine: &mut dyn NoisyEngine, circuits: &[NoisyCircuit], batched: bool) -> (f64, f64) {
    let z0 = [(
        1.0,
        Observable::Pauli(PauliString::single(0, qmlp::sim::Pauli::Z)),
    )];
    let mut value = 0.0;
    let mut grad = vec![0.0; circuits[0].n_params()];
    let gs = if batched {
        engine.gradients(black_box(circuits), &z0)
    } else {
        circuits
            .iter()
            .map(|c| engine.gradient(black_box(c), &z0))
            .collect()
    };
    for g in gs.expect("W5 gradient") {
        value += g.value.mean;
        for (a, b) in grad.iter_mut().zip(&g.grad) {
            *a += b.mean;
        }
    }
    let n = circuits.len() as f64;
    let norm = grad.iter().map(|g| (g / n) * (g / n)).sum::<f64>().sqrt();
    (value / n, norm)
}

fn main() {
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_default();
    let quick = std::env::var("QUICK").is_ok_and(|v| v == "1");
    let mut json = Vec::new();

    if "throughput q4 q8 q10 q12".contains(&filter) {
        println!("\n## Density-matrix throughput (per operation, best of repetitions)\n");
        println!(
            "| qubits | ρ size | gate (bench_circuit) | gate GB/s | DepolarizingChannel | \
             AmplitudeDamping | channel GB/s | engine forward, per gate + channel |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for n in [4usize, 8, 10, 12] {
            if !filter.is_empty() && !format!("throughput q{n}").contains(&filter) {
                continue;
            }
            let n_ops = match n {
                12 => 6,
                10 => 30,
                _ => 100,
            };
            let reps = match (quick, n) {
                (true, _) => 2,
                (false, 12) => 3,
                (false, 10) => 10,
                _ => 20,
            };
            let gates = bench_circuit(n, n_ops, 2024);
            let mut rho = DensityMatrix::new(n).expect("ρ fits");
            let (g_best, _) = time(reps, || {
                for op in &gates {
                    rho.apply(black_box(op));
                }
            });
            let chans = |kind: ChannelKind| -> Vec<Channel> {
                (0..n_ops)
                    .map(|i| Channel::new(kind, i % n, 0.05).expect("strength"))
                    .collect()
            };
            let mut per_channel = Vec::new();
            for kind in [
                ChannelKind::DepolarizingChannel,
                ChannelKind::AmplitudeDamping,
            ] {
                let cs = chans(kind);
                let (best, _) = time(reps, || {
                    for c in &cs {
                        rho.apply_channel(black_box(c));
                    }
                });
                per_channel.push(best / n_ops as f64);
            }
            // The engine's path (Pauli basis, fused steps): the same gates, each followed by a
            // DepolarizingChannel(0.05) on its first wire, one forward run to ⟨Z0⟩.
            let mut ops = Vec::new();
            for op in &gates {
                ops.push(NoisyOp::Gate(op.clone()));
                ops.push(NoisyOp::Channel(
                    Channel::new(ChannelKind::DepolarizingChannel, op.wires[0], 0.05)
                        .expect("strength"),
                ));
            }
            let circuit = NoisyCircuit::new(n, ops, None).expect("the circuit");
            let z0 = [Observable::Pauli(PauliString::single(
                0,
                qmlp::sim::Pauli::Z,
            ))];
            let mut engine = DensityEngine::new();
            let (e_best, _) = time(reps, || {
                black_box(engine.expvals(black_box(&circuit), &z0).expect("forward"));
            });
            let bytes = 2.0 * qmlp::sim::density_bytes(n) as f64;
            let g = g_best / n_ops as f64;
            // A gate is two passes (U on the rows, U* on the columns); a channel one.
            println!(
                "| {n} | {} KiB | {} | {:.1} | {} | {} | {:.1} | {} |",
                qmlp::sim::density_bytes(n) / 1024,
                fmt(g),
                2.0 * bytes / g / 1e9,
                fmt(per_channel[0]),
                fmt(per_channel[1]),
                bytes / per_channel[0] / 1e9,
                fmt(e_best / n_ops as f64)
            );
            black_box(rho.trace());
        }
    }

    if "w5 density trajectories".contains(&filter) {
        let xs = points(200);
        let w: Vec<f64> = (0..7 * Q * LAYERS)
            .map(|j| ((j + 1) as f64).sin())
            .collect();
        let circuits: Vec<NoisyCircuit> = xs.iter().map(|&x| w5_circuit(x, &w)).collect();
        let c0 = &circuits[0];
        let n_ch = c0.ops.len()
            - c0.ops
                .iter()
                .filter(|o| matches!(o, NoisyOp::Gate(_)))
                .count();
        println!(
            "\n## W5: one epoch of forward + ∂⟨Z0⟩/∂angles, 200 points, {Q} qubits, {LAYERS} layers, \
             {} gates + {n_ch} DepolarizingChannel({P_DEP}), {} angles\n",
            c0.ops.len() - n_ch,
            c0.n_params()
        );
        println!("| engine | best | median | per point | mean ⟨Z0⟩ | ‖mean gradient‖ |");
        println!("|---|---:|---:|---:|---:|---:|");
        let mut out = (0.0, 0.0);
        if "w5 density".contains(&filter) {
            let mut dm = DensityEngine::new();
            let reps = if quick { 3 } else { 20 };
            for (label, engine, batched) in [
                (
                    "density matrix (adjoint, one by one)",
                    "density_single",
                    false,
                ),
                ("density matrix (adjoint, 4 side by side)", "density", true),
            ] {
                let (best, med) = time(reps, || out = epoch(&mut dm, &circuits, batched));
                println!(
                    "| {label} | {} | {} | {} | {:.12} | {:.12} |",
                    fmt(best),
                    fmt(med),
                    fmt(best / 200.0),
                    out.0,
                    out.1
                );
                json.push(format!(
                    "{{\"workload\":\"W5\",\"engine\":\"{engine}\",\"best_ms\":{},\"median_ms\":{},\"mean_value\":{},\"grad_norm\":{}}}",
                    best * 1e3,
                    med * 1e3,
                    out.0,
                    out.1
                ));
            }
        }
        if "w5 trajectories".contains(&filter) {
            let mut tr = TrajectoryEngine::new(100, 7).expect("100 trajectories");
            let (best, med) = time(if quick { 1 } else { 3 }, || {
                out = epoch(&mut tr, &circuits, true)
            });
            println!(
                "| trajectories (100 per point, adjoint) | {} | {} | {} | {:.6} | {:.6} |",
                fmt(best),
                fmt(med),
                fmt(best / 200.0),
                out.0,
                out.1
            );
            json.push(format!(
            "{{\"workload\":\"W5\",\"engine\":\"trajectories100\",\"best_ms\":{},\"median_ms\":{},\"mean_value\":{},\"grad_norm\":{}}}",
            best * 1e3,
            med * 1e3,
            out.0,
            out.1
        ));
        }
    }

    if "model epoch".contains(&filter) {
        // One training epoch of the whole playground model under noise (Trainer::run_epoch:
        // 100 training points of the default document, Adam, batch 16, plus the per-epoch
        // metrics: noisy train and test, and the same weights ideally).
        println!("\n## One epoch of a noisy model (Trainer::run_epoch, best of repetitions)\n");
        println!("| document | noise | engine | epoch | ideal epoch | ratio |");
        println!("|---|---|---|---:|---:|---:|");
        let reps = if quick { 2 } else { 5 };
        let run = |d: qmlp::doc::Document| {
            let mut t = qmlp::train::Trainer::new(d.validated().expect("valid")).expect("trainer");
            time(reps, || {
                t.run_epoch();
            })
            .0
        };
        let base = qmlp::doc::Document::default();
        let ideal = run(base.clone());
        for (name, spec, engine) in [
            (
                "p1 = p2 = 0.01",
                qmlp::doc::NoiseSpec {
                    p1: 0.01,
                    p2: 0.01,
                    ..Default::default()
                },
                "density",
            ),
            (
                "NISQ-like",
                qmlp::doc::NoiseSpec::preset("NISQ-like").expect("preset"),
                "density",
            ),
            (
                "NISQ-like",
                qmlp::doc::NoiseSpec {
                    engine: qmlp::doc::NoiseEngine::Trajectories,
                    ..qmlp::doc::NoiseSpec::preset("NISQ-like").expect("preset")
                },
                "trajectories (100)",
            ),
        ] {
            let mut d = base.clone();
            d.noise = spec;
            let e = run(d);
            println!(
                "| default (4 qubits, 3 re-upload layers) | {name} | {engine} | {} | {} | {:.1}x |",
                fmt(e),
                fmt(ideal),
                e / ideal
            );
        }
    }

    if let Ok(path) = std::env::var("BENCH_JSON") {
        let text = format!("[{}]\n", json.join(",\n"));
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {path}: {e}");
        }
    }
}
