//! The statevector engine in a real browser: the golden cross-check and the memory limit.
#![cfg(target_arch = "wasm32")]

use qmlp::sim::{self, GateKind, Op, State};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("golden/circuits.json");

#[wasm_bindgen_test]
fn golden_circuits_match_pennylane_in_wasm() {
    let s = sim::golden::check(GOLDEN, 1e-10).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.cases, 300);
}

#[wasm_bindgen_test]
fn wasm_refuses_more_than_24_qubits_before_allocating() {
    assert_eq!(sim::MAX_QUBITS, sim::MAX_QUBITS_WASM);
    let e = State::new(30).unwrap_err().to_string();
    assert!(e.contains("30 qubits") && e.contains("16 GiB"), "{e}");
}

#[wasm_bindgen_test]
fn bell_state_in_wasm() {
    let mut s = State::new(2).unwrap();
    s.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
    s.apply(&Op::new(GateKind::CNOT, &[0, 1], &[]).unwrap());
    let p = s.probabilities();
    assert!((p[0] - 0.5).abs() < 1e-12 && (p[3] - 0.5).abs() < 1e-12);
}

#[wasm_bindgen_test]
fn bench_circuit_runs_in_wasm() {
    let mut s = State::new(10).unwrap();
    for op in sim::bench_circuit(10, 100, 42) {
        s.apply(&op);
    }
    assert!((s.norm_sqr() - 1.0).abs() < 1e-10);
}
