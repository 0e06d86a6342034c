//! Statevector engine benchmark: ns per gate for the 100-gate random {H, RX, RY, RZ, CNOT}
//! workload W1 (`qmlp::sim::bench_circuit`) on 12, 20 and 24 qubits, gate by gate
//! (`State::apply`) and fused (`State::apply_circuit`, fusion included in the time), per gate
//! kind at 20 qubits, one gate per wire at 24 qubits (where on the state a gate's pairs lie),
//! and the memory-bandwidth floor of this machine. Prints markdown tables.
//!
//! `cargo bench --bench sim [FILTER...]` — each FILTER picks sections by substring (`circuit`,
//! `fused`, `gates`, `wires`, `memory`, or a qubit count like `q20`); several filters add up. `QUICK=1`
//! makes a fast run (fewer reps, no 24 qubits).

use qmlp::sim::{bench_circuit, Fused, GateKind, Op, State};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SEED: u64 = 2024;
const N_GATES: usize = 100;

struct Opts {
    filters: Vec<String>,
    quick: bool,
}

impl Opts {
    /// Whether a section or row tagged `tags` runs: no filter, or one filter in one tag.
    fn wants(&self, tags: &[&str]) -> bool {
        self.filters.is_empty()
            || self
                .filters
                .iter()
                .any(|f| tags.iter().any(|t| t.contains(f.as_str())))
    }
}

/// Every tag a row can carry, for the message about a filter that matches nothing.
const TAGS: &[&str] = &[
    "circuit", "fused", "gates", "wires", "memory", "q12", "q20", "q24",
];

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

fn circuit_sizes(o: &Opts) -> &'static [(usize, usize)] {
    if o.quick {
        &[(12, 50), (20, 2)]
    } else {
        &[(12, 500), (20, 8), (24, 3)]
    }
}

fn circuit_section(o: &Opts) {
    let sizes = circuit_sizes(o);
    let tags = |n: usize| ["circuit".to_string(), format!("q{n}")];
    let wanted = |n: usize| {
        let t = tags(n);
        o.wants(&[t[0].as_str(), t[1].as_str()])
    };
    if !sizes.iter().any(|&(n, _)| wanted(n)) {
        return;
    }
    println!("\n## Random 100-gate circuit {{H, RX, RY, RZ, CNOT}} (seed {SEED}), gate by gate\n");
    println!("| qubits | reps | ns/gate (best) | ns/gate (median) | ns/amplitude | GB/s (r+w) |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for &(n, reps) in sizes {
        if !wanted(n) {
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

fn fused_section(o: &Opts) {
    let sizes = circuit_sizes(o);
    let wanted = |n: usize| o.wants(&["fused", &format!("q{n}")]);
    if !sizes.iter().any(|&(n, _)| wanted(n)) {
        return;
    }
    println!(
        "\n## The same circuit fused (`State::apply_circuit`: fusion + run, per gate of the circuit)\n"
    );
    println!("| qubits | reps | ns/gate (best) | ns/gate (median) | passes (4×4) | ns/amplitude per pass |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for &(n, reps) in sizes {
        if !wanted(n) {
            continue;
        }
        let ops = bench_circuit(n, N_GATES, SEED);
        let (Ok(mut s), Ok(f)) = (State::new(n), Fused::new(n, &ops)) else {
            println!("| {n} | - | (cannot allocate) | | | |");
            continue;
        };
        let (best, med) = time_reps(reps, || {
            if s.apply_circuit(&ops).is_err() {
                println!("(the benchmark circuit was refused)");
            }
            black_box(s.amplitudes()[0]);
        });
        let (b, m) = (ns(best) / N_GATES as f64, ns(med) / N_GATES as f64);
        println!(
            "| {n} | {reps} | {} | {} | {} ({}) | {:.3} |",
            fmt_ns(b),
            fmt_ns(m),
            f.n_passes(),
            f.n_dense_passes(),
            ns(best) / f.n_passes().max(1) as f64 / (1u64 << n) as f64,
        );
    }
}

/// The size of the per-kind table: 20 qubits, or `SIM_BENCH_GATE_QUBITS` (2 to 26).
fn gate_qubits() -> usize {
    std::env::var("SIM_BENCH_GATE_QUBITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| (2..=26).contains(n))
        .unwrap_or(20)
}

fn gate_section(o: &Opts) {
    let n = gate_qubits();
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

/// One H and one CNOT per target wire on the largest state (24 qubits; 20 with `QUICK=1`):
/// the pair distance decides how the two streams a gate reads meet the caches and the
/// hardware prefetcher, so the per-wire times show which wires the W1 average hides.
fn wires_section(o: &Opts) {
    let n = if o.quick { 20 } else { 24 };
    if !o.wants(&["wires"]) {
        return;
    }
    let Ok(mut s) = State::new(n) else {
        println!("\n(cannot allocate {n} qubits for the per-wire table)");
        return;
    };
    let reps = if o.quick { 3 } else { 5 };
    println!("\n## One gate per target wire, {n} qubits (best of {reps})\n");
    println!("| wire | pair distance | H | CNOT (control: the next wire) | H, ns/amplitude |");
    println!("|---:|---:|---:|---:|---:|");
    for w in 0..n {
        let h = Op::new(GateKind::H, &[w], &[]).expect("an H");
        let cx = Op::new(GateKind::CNOT, &[(w + 1) % n, w], &[]).expect("a CNOT");
        let (th, _) = time_reps(reps, || {
            s.apply(&h);
            black_box(s.amplitudes()[0]);
        });
        let (tc, _) = time_reps(reps, || {
            s.apply(&cx);
            black_box(s.amplitudes()[0]);
        });
        // Wire 0 is the most significant bit.
        let bytes = 16usize << (n - 1 - w);
        let dist = if bytes >= 1 << 20 {
            format!("{} MiB", bytes >> 20)
        } else if bytes >= 1 << 10 {
            format!("{} KiB", bytes >> 10)
        } else {
            format!("{bytes} B")
        };
        println!(
            "| {w} | {dist} | {} | {} | {:.3} |",
            fmt_ns(ns(th)),
            fmt_ns(ns(tc)),
            ns(th) / (1u64 << n) as f64
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
    drop(buf);
    // The same pass over the engine's own amplitude buffer (cache-line aligned, huge pages
    // where the engine asks for them), of the same size: the floor is the faster of the two.
    let mut state = State::new(if o.quick { 23 } else { 24 }).expect("memory for the state");
    let (best_state, _) = time_reps(reps, || {
        for a in state.amplitudes_mut().iter_mut() {
            *a = -*a;
        }
        black_box(state.amplitudes());
    });
    let inplace_state = ns(best_state);
    drop(state);
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
        "| in-place pass over the engine's {} MiB amplitude buffer (negate, best of {reps}) | {} |",
        mib / 2,
        fmt_ns(inplace_state)
    );
    println!(
        "| in-place floor for one 24-qubit gate (256 MiB, scaled; the faster pass) | {} |",
        fmt_ns(inplace.min(inplace_state) * 512.0 / mib as f64)
    );
}

fn main() {
    // `cargo bench --bench sim -- q20` runs this binary with `q20 --bench`: every argument that
    // is not an option is a filter.
    let mut filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if filters.is_empty() {
        filters.extend(std::env::var("SIM_BENCH_FILTER").ok());
    }
    let quick = std::env::var("QUICK").is_ok_and(|v| v == "1");
    let gate_tag = format!("q{}", gate_qubits());
    let tags: Vec<&str> = TAGS.iter().copied().chain([gate_tag.as_str()]).collect();
    if let Some(f) = filters
        .iter()
        .find(|f| !tags.iter().any(|t| t.contains(f.as_str())))
    {
        eprintln!(
            "filter '{f}' matches no section or row; use one of: {}",
            tags.join(", ")
        );
        std::process::exit(2);
    }
    let o = Opts { filters, quick };
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
    fused_section(&o);
    gate_section(&o);
    wires_section(&o);
    memory_section(&o);
}
