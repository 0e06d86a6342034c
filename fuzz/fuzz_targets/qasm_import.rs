//! The OpenQASM importer: `import_qasm` (2.0 and 3) never panics on any text, and every circuit
//! it accepts
//! - is a circuit the playground can load (a document holding it validates), with a finite
//!   left-out global phase,
//! - exports again in its own dialect (and as QASM 3; QASM 2 too when it came from QASM 2), and
//! - survives export -> import in its dialect: the same gates, wires, columns and angles (bit
//!   for bit, up to the order of gates within a column), and the same final state to 1e-12 (up
//!   to 10 qubits), also through QASM 3 when it came from QASM 2.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmlp::doc::{CircuitSpec, Document, GateSpec};
use qmlp::interop::qasm::{constant_ops, export_ops, import_qasm, QasmVersion};
use qmlp::sim::{Op, State, C64};

/// Simulate the state only up to this many qubits (keeps each run fast).
const MAX_SIM_QUBITS: usize = 10;

/// Gates in a canonical order: by column, then by lowest wire (gates in one column never share
/// a wire, so this order is unique), with angles in their shortest round-trip
/// digits (so equal text means equal bits).
fn canonical(c: &CircuitSpec) -> Vec<String> {
    let mut gates: Vec<&GateSpec> = c.gates.iter().collect();
    gates.sort_by_key(|g| (g.col, g.all_wires().min()));
    gates
        .iter()
        .map(|g| {
            format!(
                "{} wires {:?} controls {:?} col {} params {:?}",
                g.gate.name(),
                g.wires,
                g.controls,
                g.col,
                g.params
            )
        })
        .collect()
}

fn run(n: usize, ops: &[Op]) -> Vec<C64> {
    let mut s = State::new(n).unwrap_or_else(|e| panic!("no state for {n} qubits: {e}"));
    for (i, op) in ops.iter().enumerate() {
        s.try_apply(op)
            .unwrap_or_else(|e| panic!("gate {i} does not apply: {e}"));
    }
    s.amplitudes().to_vec()
}

fn worst(a: &[C64], b: &[C64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(imported) = import_qasm(text) else {
        return;
    };
    let c = &imported.circuit;
    assert!(
        imported.global_phase.is_finite(),
        "global phase {}",
        imported.global_phase
    );

    // The page drops the imported circuit into the current document: it must validate.
    let doc = Document {
        circuit: c.clone(),
        ..Document::default()
    };
    doc.validate()
        .unwrap_or_else(|e| panic!("imported circuit does not validate in a document: {e}"));

    let ops = constant_ops(c).unwrap_or_else(|e| panic!("imported angles are not constants: {e}"));
    let v = imported.version;
    let text2 = export_ops(c.qubits, &ops, v)
        .unwrap_or_else(|e| panic!("imported circuit cannot be exported as {v:?}: {e}"));
    let v3 = export_ops(c.qubits, &ops, QasmVersion::V3)
        .unwrap_or_else(|e| panic!("imported circuit cannot be exported as QASM 3: {e}"));
    let again =
        import_qasm(&text2).unwrap_or_else(|e| panic!("exported {v:?} is refused: {e}\n{text2}"));
    assert_eq!(again.version, v);
    assert_eq!(again.circuit.qubits, c.qubits, "qubit count changed");
    assert!(
        again.notes.is_empty(),
        "the export made notes: {:?}",
        again.notes
    );
    assert_eq!(
        canonical(&again.circuit),
        canonical(c),
        "export -> import changed the circuit\n{text2}"
    );

    if c.qubits <= MAX_SIM_QUBITS {
        let a = run(c.qubits, &ops);
        let ops2 = constant_ops(&again.circuit)
            .unwrap_or_else(|e| panic!("re-imported angles are not constants: {e}"));
        let d = worst(&a, &run(c.qubits, &ops2));
        assert!(d <= 1e-12, "export -> import changed the state by {d:e}\n{text2}");
        let norm: f64 = a.iter().map(|z| z.norm_sqr()).sum();
        assert!(
            (norm - 1.0).abs() < 1e-9,
            "the imported circuit's state has norm² {norm}"
        );
        if v == QasmVersion::V2 {
            let b3 = import_qasm(&v3)
                .unwrap_or_else(|e| panic!("exported QASM 3 is refused: {e}\n{v3}"));
            let d = worst(&a, &run(c.qubits, &constant_ops(&b3.circuit).unwrap()));
            assert!(d <= 1e-12, "the QASM 3 export changed the state by {d:e}\n{v3}");
        }
    }
});
