//! Statevector engine benchmark: ns per gate for the 100-gate random {H, RX, RY, RZ, CNOT}
//! workload (`qmlp::sim::bench_circuit`) on 12, 20 and 24 qubits, per gate kind at 20 qubits,
//! and the memory-bandwidth floor of this machine. Prints markdown tables.
//!
//! `cargo bench --bench sim [FILTER]` — FILTER picks sections by substring (`circuit`, `gates`,
//! `memory`, or a qubit count like `q20`). `QUICK=1` makes a fast run (fewer reps, no 24 qubits).

use qmlp::sim::{bench_circuit, GateKind, Op, State};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SEED: u64 = 2024;
const N_GATES: usize = 100;

struct Opts {
    filter: Option<String>,
    quick: bool,
}

impl Opts {
    fn wants(&self, tags: &[&str]) -> bool {
        match &self.filter {
            None => true,
            Some(f) => tags.iter().any(|t| t.contains(f.as_str())),
        }
    }
}

/// Best and median of `reps` timings of `f`, after one warm-up call.
fn time_reps(reps: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f();
    let mut ts: Vec<Duration> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    ts.sort();
    (ts[0], ts[ts.len() / 2])
}

fn ns(d: Duration) -> f64 {
    d.as_secs_f64() * 1e9
}

fn fmt_ns(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} ms", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1} µs", v / 1e3)
    } else {
        format!("{v:.0} ns")
    }
}

/// Effective bandwidth of a gate that reads and writes the whole state once, in GB/s.
fn gbps(n: usize, ns_per_gate: f64) -> f64 {
    let bytes = 2.0 * 16.0 * (1u64 << n) as f64;
    bytes / ns_per_gate
}

fn circuit_section(o: &Opts) {
    let sizes: &[(usize, usize)] = if o.quick {
        &[(12, 50), (20, 2)]
    } else {
        &[(12, 500), (20, 8), (24, 3)]
    };
    if !sizes
        .iter()
        .any(|(n, _)| o.wants(&["circuit", &format!("q{n}")]))
    {
        return;
    }
    println!("\n## Random 100-gate circuit {{H, RX, RY, RZ, CNOT}} (seed {SEED})\n");
    println!("| qubits | reps | ns/gate (best) | ns/gate (median) | ns/amplitude | GB/s (r+w) |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for &(n, reps) in sizes {
        if !o.wants(&["circuit", &format!("q{n}")]) {
            continue;
        }
        let ops = bench_circuit(n, N_GATES, SEED);
        let Ok(mut s) = State::new(n) else {
            println!("| {n} | - | (cannot allocate) | | | |");
            continue;
        };
        let (best, med) = time_reps(reps, || {
            for op in &ops {
                s.apply(op);
            }
            black_box(s.amplitudes()[0]);
        });
        let (b, m) = (ns(best) / N_GATES as f64, ns(med) / N_GATES as f64);
        println!(
            "| {n} | {reps} | {} | {} | {:.3} | {:.1} |",
            fmt_ns(b),
            fmt_ns(m),
            b / (1u64 << n) as f64,
            gbps(n, b)
        );
    }
}

fn gate_section(o: &Opts) {
    // SIM_BENCH_GATE_QUBITS=12 reruns the per-kind table on another size.
    let n = std::env::var("SIM_BENCH_GATE_QUBITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| (2..=26).contains(n))
        .unwrap_or(20);
    if !o.wants(&["gates", &format!("q{n}")]) {
        return;
    }
    let reps = match (o.quick, n) {
        (true, _) => 1,
        (false, n) if n <= 14 => 200,
        _ => 3,
    };
    let Ok(mut s) = State::new(n) else { return };
    println!("\n## Per gate kind, {n} qubits (targets spread over all wires, best of {reps})\n");
    println!("| gate | ns/gate | ns/amplitude | GB/s (r+w) |");
    println!("|---|---:|---:|---:|");
    let mut rows: Vec<(String, Vec<Op>)> = Vec::new();
    for &kind in GateKind::all() {
        let k = kind.n_wires();
        let params = [0.3, -0.7, 1.1];
        let ops: Vec<Op> = (0..n)
            .filter_map(|i| {
                // Wires i, i+7, i+13 (mod n): low and high bits, near and far pairs.
                let wires: Vec<usize> = [0, 7, 13][..k].iter().map(|d| (i + d) % n).collect();
                Op::new(kind, &wires, &params[..kind.n_params()]).ok()
            })
            .collect();
        rows.push((kind.name().to_string(), ops));
    }
    // Single-qubit gates with one extra control.
    for kind in [GateKind::RY, GateKind::X] {
        let ops: Vec<Op> = (0..n)
            .filter_map(|i| {
                let p = [0.3][..kind.n_params()].to_vec();
                Op::new(kind, &[i], &p)
                    .and_then(|op| op.controlled(&[(i + 5) % n]))
                    .ok()
            })
            .collect();
        rows.push((format!("{} + 1 control", kind.name()), ops));
    }
    let prep = bench_circuit(n, 4 * n, 1);
    for (name, ops) in rows {
        // Start every kind from the same dense, generic state.
        s.reset();
        prep.iter().for_each(|op| s.apply(op));
        let (best, _) = time_reps(reps, || {
            for op in &ops {
                s.apply(op);
            }
            black_box(s.amplitudes()[0]);
        });
        let b = ns(best) / ops.len() as f64;
        println!(
            "| {name} | {} | {:.3} | {:.1} |",
            fmt_ns(b),
            b / (1u64 << n) as f64,
            gbps(n, b)
        );
    }
}

fn memory_section(o: &Opts) {
    if !o.wants(&["memory"]) {
        return;
    }
    let mib = if o.quick { 128 } else { 512 };
    let words = mib * 1024 * 1024 / 8;
    let src: Vec<u64> = (0..words as u64).collect();
    let mut dst = vec![0u64; words];
    let reps = if o.quick { 3 } else { 6 };
    let (best, _) = time_reps(reps, || {
        dst.copy_from_slice(black_box(&src));
        black_box(&dst);
    });
    let t = ns(best);
    let bw = 2.0 * (mib as f64) * 1024.0 * 1024.0 / t; // bytes read + written per ns = GB/s
                                                       // One 24-qubit gate reads and writes 256 MiB each: half the traffic of a 512 MiB copy.
    let floor24 = 2.0 * 256.0 * 1024.0 * 1024.0 / bw;
    // An in-place pass (what a gate does) avoids the copy's write-allocate reads of `dst`.
    drop(dst);
    let mut buf: Vec<f64> = src.iter().take(words / 2).map(|&v| v as f64).collect();
    drop(src);
    let (best_inplace, _) = time_reps(reps, || {
        for v in buf.iter_mut() {
            *v = -*v;
        }
        black_box(&buf);
    });
    let inplace = ns(best_inplace);
    println!("\n## Memory-bandwidth floor\n");
    println!("| measure | value |");
    println!("|---|---:|");
    println!(
        "| copy {mib} MiB (copy_from_slice, best of {reps}) | {} |",
        fmt_ns(t)
    );
    println!("| bandwidth, read + write | {bw:.1} GB/s |");
    println!(
        "| floor for one 24-qubit gate (read + write 256 MiB) | {} |",
        fmt_ns(floor24)
    );
    println!(
        "| in-place pass over {} MiB (negate every f64, best of {reps}) | {} |",
        mib / 2,
        fmt_ns(inplace)
    );
    println!(
        "| in-place floor for one 24-qubit gate (256 MiB, scaled) | {} |",
        fmt_ns(inplace * 512.0 / mib as f64)
    );
}

fn main() {
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .or_else(|| std::env::var("SIM_BENCH_FILTER").ok());
    let quick = std::env::var("QUICK").is_ok_and(|v| v == "1");
    let o = Opts { filter, quick };
    println!(
        "# qmlp statevector benchmark ({} build{})",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "optimised"
        },
        if quick { ", QUICK" } else { "" }
    );
    circuit_section(&o);
    gate_section(&o);
    memory_section(&o);
}
