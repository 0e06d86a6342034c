//! Benchmarks the page can run in the browser (bench/*.mjs drives them in headless Chromium):
//! the same workloads as the native `cargo bench` targets, timed with `performance.now()`.
//! They print nothing and assert nothing; they return figures.

use wasm_bindgen::prelude::*;

use crate::sim::{bench_circuit, GateKind, Op, State};

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Nanoseconds per gate of the engine benchmark workload (100 random gates from
/// {H, RX, RY, RZ, CNOT}, fixed seed) on `qubits` qubits: the best of `reps` runs.
#[wasm_bindgen(js_name = benchSimCircuit)]
pub fn bench_sim_circuit(qubits: usize, gates: usize, reps: usize) -> Result<f64, JsError> {
    let mut state = State::new(qubits).map_err(|e| JsError::new(&e.to_string()))?;
    let ops = bench_circuit(qubits, gates.max(1), 7);
    best_ns_per_gate(&mut state, &ops, reps)
}

/// Nanoseconds per application of one gate kind (by PennyLane name) on `qubits` qubits,
/// wire 0 as the target (and wire 1 as the control of two-qubit kinds), best of `reps`.
#[wasm_bindgen(js_name = benchSimGate)]
pub fn bench_sim_gate(name: &str, qubits: usize, reps: usize) -> Result<f64, JsError> {
    let kind =
        GateKind::from_name(name).ok_or_else(|| JsError::new(&format!("unknown gate '{name}'")))?;
    let wires: Vec<usize> = (0..kind.n_wires())
        .map(|w| (w + qubits / 2) % qubits)
        .collect();
    let params = vec![0.3; kind.n_params()];
    let op = Op::new(kind, &wires, &params).map_err(|e| JsError::new(&e.to_string()))?;
    let mut state = State::new(qubits).map_err(|e| JsError::new(&e.to_string()))?;
    best_ns_per_gate(&mut state, &vec![op; 10], reps)
}

fn best_ns_per_gate(state: &mut State, ops: &[Op], reps: usize) -> Result<f64, JsError> {
    let mut best = f64::INFINITY;
    for _ in 0..reps.max(1) {
        let t0 = now();
        for op in ops {
            state.apply(op);
        }
        best = best.min((now() - t0) * 1e6 / ops.len() as f64);
    }
    if state.norm_sqr().is_finite() {
        Ok(best)
    } else {
        Err(JsError::new("the benchmark state lost its norm"))
    }
}
