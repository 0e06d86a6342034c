//! Custom `gate` definitions, the OpenQASM 3 modifiers and syntax, versions and the expansion
//! limits: each imported circuit is compared with the playground gates it must equal.

use super::tests::{max_diff, run};
use super::*;
use crate::sim::GateKind;
use std::f64::consts::PI;

fn op(k: GateKind, w: &[usize], p: &[f64]) -> Op {
    Op::new(k, w, p).unwrap()
}

fn cop(k: GateKind, w: &[usize], p: &[f64], c: &[usize]) -> Op {
    Op::new(k, w, p).unwrap().controlled(c).unwrap()
}

/// A non-trivial start so that phases and controls matter.
fn prep(n: usize) -> (String, Vec<Op>) {
    let mut text = String::new();
    let mut ops = Vec::new();
    for w in 0..n {
        let a = 0.4 + 0.37 * w as f64;
        let b = -0.9 + 0.61 * w as f64;
        text.push_str(&format!("ry({a:?}) q[{w}];\nrz({b:?}) q[{w}];\n"));
        ops.push(op(GateKind::RY, &[w], &[a]));
        ops.push(op(GateKind::RZ, &[w], &[b]));
    }
    (text, ops)
}

/// Imports `body` after a header and a prepared state and compares it with `want` (after the
/// same preparation), the left-out global phase included.
fn check(version: u8, n: usize, body: &str, want: &[Op], phase: f64) -> QasmImport {
    let (p, mut ops) = prep(n);
    let head = if version == 2 {
        format!("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{n}];\n")
    } else {
        format!("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[{n}] q;\n")
    };
    let text = format!("{head}{p}{body}");
    let imp = import_qasm(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(
        (imp.global_phase - phase).abs() < 1e-15,
        "{}",
        imp.global_phase
    );
    let got = run(n, &constant_ops(&imp.circuit).unwrap());
    ops.extend_from_slice(want);
    let d = max_diff(&got, &run(n, &ops));
    assert!(d < 1e-14, "{d:e}\n{text}");
    imp
}

fn err(text: &str) -> InteropError {
    import_qasm(text).expect_err("should be refused")
}

const H2: &str = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";
const H3: &str = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";

#[test]
fn nested_definitions_with_parameter_expressions_expand_exactly() {
    use GateKind::*;
    let body = "gate rot2(a, b) x { rz(a) x; ry(b/2) x; rz(-a + pi/3) x; }\n\
                gate ent(theta) x, y { cx x, y; rot2(theta, 2*theta) y; cx x, y; }\n\
                gate layer(t, s) p, q, r { ent(t) p, q; ent(t^2 - s) q, r; u2(t, -s) r; barrier p; }\n\
                layer(0.3, -1.1) q[2], q[0], q[1];\n";
    let rot2 = |a: f64, b: f64, w: usize| {
        vec![
            op(RZ, &[w], &[a]),
            op(RY, &[w], &[b / 2.0]),
            op(RZ, &[w], &[-a + PI / 3.0]),
        ]
    };
    let ent = |t: f64, x: usize, y: usize| {
        let mut v = vec![op(CNOT, &[x, y], &[])];
        v.extend(rot2(t, 2.0 * t, y));
        v.push(op(CNOT, &[x, y], &[]));
        v
    };
    let (t, s) = (0.3, -1.1);
    let mut want = ent(t, 2, 0);
    want.extend(ent(t * t - s, 0, 1));
    want.push(op(U3, &[1], &[PI / 2.0, t, -s]));
    let imp = check(2, 3, body, &want, 0.0);
    assert_eq!(imp.circuit.gates.len(), 6 + want.len());
    assert!(
        imp.notes
            .iter()
            .any(|n| n.contains("definitions of layer, rot2, ent")
                || n.contains("definitions of rot2, ent, layer")),
        "{:?}",
        imp.notes
    );
}

#[test]
fn qelib1_multi_qubit_gates_are_built_from_playground_gates() {
    use GateKind::*;
    let body = "c3x q[0], q[1], q[2], q[3];\nc4x q[4], q[3], q[2], q[1], q[0];\n\
                c3sqrtx q[1], q[2], q[3], q[4];\nrccx q[0], q[1], q[2];\n";
    let mut want = vec![
        cop(X, &[3], &[], &[0, 1, 2]),
        cop(X, &[0], &[], &[4, 3, 2, 1]),
        cop(SX, &[4], &[], &[1, 2, 3]),
    ];
    // rccx as qelib1.inc defines it: u2(0,π)=H, u1(±π/4)=T/T†.
    for (k, w) in [
        (H, vec![2]),
        (T, vec![2]),
        (CNOT, vec![1, 2]),
        (Tdg, vec![2]),
        (CNOT, vec![0, 2]),
        (T, vec![2]),
        (CNOT, vec![1, 2]),
        (Tdg, vec![2]),
        (H, vec![2]),
    ] {
        want.push(op(k, &w, &[]));
    }
    let imp = check(2, 5, body, &want, 0.0);
    // The exporter writes them back as qelib1 gates.
    let ops = constant_ops(&imp.circuit).unwrap();
    let t = export_ops(5, &ops, QasmVersion::V2).unwrap();
    for g in [
        "c3x q[0], q[1], q[2], q[3];",
        "c4x",
        "c3sqrtx q[1], q[2], q[3], q[4];",
    ] {
        assert!(t.contains(g), "{g}\n{t}");
    }
}

#[test]
fn definitions_resolve_to_what_came_before_them() {
    use GateKind::*;
    // A definition may shadow a qelib1 gate; its own body still means the library gate, and
    // later uses mean the definition.
    let body = "gate rz(t) a { rz(2*t) a; x a; }\ngate twice a { rz(0.5) a; }\ntwice q[0];\n";
    let want = vec![op(RZ, &[0], &[1.0]), op(X, &[0], &[])];
    check(2, 1, body, &want, 0.0);
    let e = err(&format!(
        "{H2}qreg q[1];\ngate g a {{ x a; }}\ngate g a {{ y a; }}\n"
    ));
    assert_eq!((e.line, e.column), (Some(5), Some(6)));
    assert!(
        e.message.contains("'g' is already defined on line 4"),
        "{e}"
    );
    // A gate cannot call itself: inside its body the name is not yet defined.
    let e = err(&format!("{H2}qreg q[1];\ngate loop a {{ loop a; }}\n"));
    assert!(e.message.contains("unknown gate 'loop'"), "{e}");
    assert_eq!((e.line, e.column), (Some(4), Some(15)));
    // U and CX are built in.
    let e = err(&format!("{H2}gate CX a, b {{ U(0,0,0) a; }}\n"));
    assert!(e.message.contains("built into OpenQASM"), "{e}");
    // OpenQASM 3 refuses to redefine stdgates.inc gates (as the specification and Qiskit do).
    let e = err(&format!("{H3}gate h a {{ U(pi/2, 0, pi) a; }}\n"));
    assert!(
        e.message.contains("'h' is already defined by stdgates.inc"),
        "{e}"
    );
}

#[test]
fn errors_inside_definitions_name_their_line_and_column() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "gate g a { h b; }",
            3,
            14,
            "'b' is not a qubit of gate 'g' (its qubits: a)",
        ),
        ("gate g a { h a[0]; }", 3, 15, "cannot be indexed"),
        (
            "gate g a { measure a; }",
            3,
            12,
            "'measure' is not allowed inside a gate definition",
        ),
        (
            "gate g(t) a { rx(t, t) a; }",
            3,
            15,
            "takes 1 angle(s), 2 given",
        ),
        ("gate g(t) a { rx(s) a; }", 3, 18, "unknown name 's'"),
        ("gate g(t, t) a { x a; }", 3, 11, "'t' appears twice"),
        ("gate g a, a { x a; }", 3, 11, "'a' appears twice"),
        ("gate g a, b { cx a, a; }", 3, 15, "uses qubit 'a' twice"),
        (
            "gate g a, b { cx a; }",
            3,
            15,
            "acts on 2 qubit(s), 1 given",
        ),
        ("gate g { }", 3, 8, "needs at least one qubit"),
        (
            "gate g a { x a;",
            4,
            1,
            "'qreg' is not allowed inside a gate definition ('g' on line 3)",
        ),
        ("gate g a { foo a; }", 3, 12, "unknown gate 'foo'"),
    ];
    for (def, line, col, needle) in cases {
        let e = err(&format!("{H2}{def}\nqreg q[2];\n"));
        assert_eq!((e.line, e.column), (Some(*line), Some(*col)), "{def}: {e}");
        assert!(e.message.contains(needle), "{def}: {e}");
    }
    let e = err(&format!("{H2}qreg q[1];\ngate g a {{ x a;"));
    assert_eq!((e.line, e.column), (Some(4), Some(16)), "{e}");
    assert!(
        e.message
            .contains("the file ends where '}' to close the gate's body was expected"),
        "{e}"
    );
    // An angle that is only infinite for some arguments fails where it is computed, naming
    // the call that expanded it.
    let e = err(&format!(
        "{H2}qreg q[1];\ngate g(t) a {{ rx(1/t) a; }}\ng(1) q[0];\ng(0) q[0];\n"
    ));
    assert_eq!((e.line, e.column), (Some(4), Some(15)), "{e}");
    assert!(
        e.message.contains("evaluates to inf")
            && e.message.contains("while expanding 'g' on line 6"),
        "{e}"
    );
}

#[test]
fn opaque_gates_are_refused_only_when_called() {
    let ok = format!("{H2}opaque magic(a) x, y;\nqreg q[2];\nh q[0];\n");
    assert_eq!(import_qasm(&ok).unwrap().circuit.gates.len(), 1);
    let e = err(&format!("{H2}opaque magic x;\nqreg q[2];\nmagic q[1];\n"));
    assert_eq!((e.line, e.column), (Some(5), Some(1)));
    assert!(e.message.contains("declared opaque on line 3"), "{e}");
    let e = err(&format!(
        "{H2}qreg q[1];\nopaque m x;\ngate u a {{ m a; }}\n"
    ));
    assert!(e.message.contains("declared opaque on line 4"), "{e}");
}

#[test]
fn exponential_definitions_are_refused_with_the_limit() {
    // g_k calls g_{k-1} twice: 2^40 gates. Refused after MAX_EXPANSION_STEPS, not hung.
    let mut text = format!("{H2}qreg q[1];\ngate g0 a {{ id a; }}\n");
    for k in 1..=40 {
        text.push_str(&format!("gate g{k} a {{ g{} a; g{} a; }}\n", k - 1, k - 1));
    }
    text.push_str("h q[0];\ng40 q[0];\n");
    let e = err(&text);
    assert_eq!(e.line, Some(46), "{e}");
    assert!(
        e.message
            .contains(&format!("more than {MAX_EXPANSION_STEPS} steps"))
            && e.message.contains("'g40'"),
        "{e}"
    );
    // Gates (not identities) hit the gate limit first.
    let mut text = format!("{H2}qreg q[1];\ngate g0 a {{ x a; }}\n");
    for k in 1..=12 {
        text.push_str(&format!("gate g{k} a {{ g{} a; g{} a; }}\n", k - 1, k - 1));
    }
    text.push_str("g12 q[0];\n");
    let e = err(&text);
    assert!(
        e.message.contains(&format!(
            "more than {} gates once 'g12' is expanded",
            crate::doc::MAX_GATES
        )),
        "{e}"
    );
    // A huge power is refused before it is built.
    let e = err(&format!("{H3}qubit q;\npow(1e12) @ x q;\n"));
    assert!(
        e.message.contains(&format!(
            "pow(1000000000000) @ 'x' would take more than {MAX_EXPANSION_STEPS} steps"
        )),
        "{e}"
    );
}

#[test]
fn deep_nesting_is_refused_with_the_limit() {
    let chain = |depth: usize| {
        let mut text = format!("{H2}qreg q[1];\ngate g0 a {{ x a; }}\n");
        for k in 1..=depth {
            text.push_str(&format!("gate g{k} a {{ g{} a; }}\n", k - 1));
        }
        text.push_str(&format!("g{depth} q[0];\n"));
        text
    };
    // chain(k) nests k + 1 definitions.
    let ok = import_qasm(&chain(MAX_GATE_NESTING - 1)).unwrap();
    assert_eq!(ok.circuit.gates.len(), 1);
    let e = err(&chain(MAX_GATE_NESTING));
    assert!(
        e.message
            .contains(&format!("nest more than {MAX_GATE_NESTING} levels")),
        "{e}"
    );
}

#[test]
fn qasm3_modifiers_build_exact_controlled_inverse_and_power_gates() {
    use GateKind::*;
    let cases: Vec<(&str, Vec<Op>, f64)> = vec![
        ("ctrl @ rx(0.3) q[0], q[1];", vec![op(CRX, &[0, 1], &[0.3])], 0.0),
        (
            "ctrl(2) @ ry(0.3) q[2], q[0], q[1];",
            vec![cop(RY, &[1], &[0.3], &[2, 0])],
            0.0,
        ),
        (
            "negctrl @ x q[0], q[1];",
            vec![
                op(X, &[0], &[]),
                op(CNOT, &[0, 1], &[]),
                op(X, &[0], &[]),
            ],
            0.0,
        ),
        ("inv @ s q[1];", vec![op(Sdg, &[1], &[])], 0.0),
        (
            "inv @ u3(0.1, 0.2, 0.3) q[1];",
            vec![op(U3, &[1], &[-0.1, -0.3, -0.2])],
            0.0,
        ),
        (
            "pow(3) @ t q[2];",
            vec![op(T, &[2], &[]), op(T, &[2], &[]), op(T, &[2], &[])],
            0.0,
        ),
        ("pow(-1) @ sx q[0];", vec![op(SXdg, &[0], &[])], 0.0),
        ("pow(0) @ h q[0];", vec![], 0.0),
        (
            "ctrl @ gphase(0.7) q[1];",
            vec![op(PhaseShift, &[1], &[0.7])],
            0.0,
        ),
        (
            "ctrl(2) @ gphase(0.7) q[0], q[2];",
            vec![op(ControlledPhaseShift, &[0, 2], &[0.7])],
            0.0,
        ),
        ("gphase(0.7);", vec![], 0.7),
        ("inv @ gphase(0.7);", vec![], -0.7),
        (
            "ctrl @ cx q[2], q[0], q[1];",
            vec![op(Toffoli, &[2, 0, 1], &[])],
            0.0,
        ),
        (
            "ctrl @ swap q[0], q[1], q[2];",
            vec![op(CSWAP, &[0, 1, 2], &[])],
            0.0,
        ),
        (
            "ctrl @ inv @ ctrl @ rz(0.4) q[0], q[1], q[2];",
            vec![cop(RZ, &[2], &[-0.4], &[0, 1])],
            0.0,
        ),
        (
            "gate g(a) x, y { gphase(a); cx x, y; }\nctrl @ g(0.5) q[2], q[0], q[1];\ng(0.25) q[1], q[0];",
            vec![
                op(PhaseShift, &[2], &[0.5]),
                op(Toffoli, &[2, 0, 1], &[]),
                op(CNOT, &[1, 0], &[]),
            ],
            0.25,
        ),
    ];
    for (body, want, phase) in cases {
        check(3, 3, &format!("{body}\n"), &want, phase);
    }
    let bad: &[(&str, usize, &str)] = &[
        ("pow(0.5) @ x q[0];", 1, "only whole powers"),
        (
            "ctrl @ x q[0];",
            1,
            "acts on 2 qubit(s) (1 control(s) and 1 for the gate), 1 given",
        ),
        ("ctrl(0) @ x q[0];", 1, "needs 1 to"),
        ("ctrl @ x q[0], q[0];", 1, "uses qubit q[0] twice"),
        ("kron @ x q[0];", 1, "'kron' is not a gate modifier"),
    ];
    for (body, col, needle) in bad {
        let e = err(&format!("{H3}qubit[2] q;\n{body}\n"));
        assert_eq!((e.line, e.column), (Some(4), Some(*col)), "{body}: {e}");
        assert!(e.message.contains(needle), "{body}: {e}");
    }
    let e = err(&format!("{H2}qreg q[2];\nctrl @ x q[0], q[1];\n"));
    assert!(
        e.message
            .contains("modifiers ('ctrl @', 'inv @', …) are OpenQASM 3"),
        "{e}"
    );
}

#[test]
fn qasm3_declarations_measurements_and_constants() {
    use GateKind::*;
    let text = "OPENQASM 3;\ninclude \"stdgates.inc\";\nqubit a;\nqubit[2] b;\nqreg r[1];\n\
                bit c;\nbit[2] d;\ncreg e[1];\n\
                rx(tau/4) a;\nry(π/2 + 2**-1) b[0];\nrz(euler - ℯ + arcsin(1) - arccos(0) + arctan(0)) b[1];\n\
                cx a, r[0];\nc = measure a;\nd[0] = measure b[0];\nmeasure b[1] -> d[1];\nmeasure r;\n";
    let imp = import_qasm(text).unwrap();
    assert_eq!(imp.circuit.qubits, 4);
    let p: Vec<f64> = imp
        .circuit
        .gates
        .iter()
        .filter_map(|g| match g.params.first() {
            Some(crate::doc::Angle::Const { value }) => Some(*value),
            _ => None,
        })
        .collect();
    assert_eq!(p, vec![PI / 2.0, PI / 2.0 + 0.5, 0.0]);
    assert_eq!(imp.circuit.gates[3].gate, CNOT);
    assert_eq!(imp.circuit.gates[3].wires, vec![0, 3]);
    assert!(imp.notes[0].contains("line 13"), "{:?}", imp.notes);
    let init = "OPENQASM 3.0;\nqubit[2] q;\nh q;\nbit[2] c = measure q;\n";
    assert_eq!(import_qasm(init).unwrap().circuit.gates.len(), 2);
    // Physical qubits, as Qiskit writes a transpiled circuit.
    let phys =
        import_qasm("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nh $0;\ncx $0, $3;\n").unwrap();
    assert_eq!(phys.circuit.qubits, 4);
    assert_eq!(phys.circuit.gates[1].wires, vec![0, 3]);
    assert!(phys.notes.iter().any(|n| n.contains("physical qubits")));
    let refused: &[(&str, usize, usize, &str)] = &[
        ("qubit[2] q;\nh $0;", 5, 3, "declares qubit registers"),
        ("h $0;\nqubit[2] q;", 5, 1, "already uses physical qubits"),
        (
            "input float[64] theta;\nqubit q;",
            4,
            1,
            "'input' declares a parameter ('theta') without a value",
        ),
        ("qubit q;\nrx(2^3) q;", 5, 5, "'^' is bitwise XOR"),
        ("qubit q;\nfloat a = 0.5;", 5, 1, "classical variables"),
        ("qubit q;\nfor int i in [0:2] { h q; }", 5, 1, "loops"),
        ("qubit q;\nbit c;\nif (c) h q;", 6, 1, "'if'"),
        ("qubit q;\nreset q;", 5, 1, "'reset'"),
        ("qubit[3] q;\nh q[0:2];", 5, 5, "slices"),
        (
            "qubit q;\nbit c;\nc = h q;",
            6,
            5,
            "only 'measure' can be assigned",
        ),
        (
            "qubit q;\nx q;\nmeasure q;\nx q;",
            7,
            1,
            "measured on line 6",
        ),
        (
            "include \"qelib1.inc\";",
            4,
            1,
            "only \"stdgates.inc\" can be included in OpenQASM 3",
        ),
        (
            "qubit[2] q;\nrzz(0.1) q[0], q[1];",
            5,
            1,
            "stdgates.inc has no 'rzz'",
        ),
        ("qubit[30] q;", 4, 1, "limit is 24 qubits"),
        ("h $24;", 4, 3, "limit is 24 qubits"),
    ];
    for (body, line, col, needle) in refused {
        let e = err(&format!(
            "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n\n{body}\n"
        ));
        assert_eq!((e.line, e.column), (Some(*line), Some(*col)), "{body}: {e}");
        assert!(e.message.contains(needle), "{body}: {e}");
    }
}

#[test]
fn versions_other_than_2_0_and_3_are_refused() {
    for ok in ["2.0", "2"] {
        let t = format!("OPENQASM {ok};\nqreg q[1];\nx q[0];\n");
        assert_eq!(import_qasm(&t).unwrap().version, QasmVersion::V2);
        assert!(import_qasm2(&t).is_ok());
        let e = import_qasm3(&t).unwrap_err();
        assert!(
            e.message.contains("this is OpenQASM 2.0; only OpenQASM 3"),
            "{e}"
        );
    }
    for ok in ["3.0", "3"] {
        let t = format!("OPENQASM {ok};\nqubit[1] q;\nx q[0];\n");
        assert_eq!(import_qasm(&t).unwrap().version, QasmVersion::V3);
        assert!(import_qasm3(&t).is_ok());
        let e = import_qasm2(&t).unwrap_err();
        assert!(e.message.contains("only OpenQASM 2.0 files"), "{e}");
    }
    for bad in ["2.9", "2.1", "1.0", "3.1", "4", "2.00", "pi"] {
        let e = err(&format!("OPENQASM {bad};\nqreg q[1];\n"));
        assert_eq!((e.line, e.column), (Some(1), Some(10)), "{bad}: {e}");
        assert!(
            e.message
                .contains("is not supported; the importer reads OpenQASM 2.0 and 3.0"),
            "{bad}: {e}"
        );
    }
    let e = err("// no header\nh q[1];");
    assert!(
        e.message.contains("'OPENQASM 2.0;' or 'OPENQASM 3.0;'"),
        "{e}"
    );
    assert_eq!((e.line, e.column), (Some(2), Some(1)));
    // Without a version line the first statement decides (Qiskit reads such files as 2.0).
    for (text, v, name) in [
        (
            "// no header\ninclude \"qelib1.inc\";\nqreg q[1];\nx q[0];",
            QasmVersion::V2,
            "2.0",
        ),
        ("qreg q[1];\nx q[0];", QasmVersion::V2, "2.0"),
        (
            "include \"stdgates.inc\";\nqubit q;\nx q;",
            QasmVersion::V3,
            "3.0",
        ),
        ("qubit[2] q;\nctrl @ x q[0], q[1];", QasmVersion::V3, "3.0"),
    ] {
        let imp = import_qasm(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(imp.version, v);
        assert!(
            imp.notes[0].contains(&format!("no 'OPENQASM {name};' line")),
            "{:?}",
            imp.notes
        );
    }
    assert_eq!(
        import_qasm3("qreg q[1];\nx q[0];").unwrap().version,
        QasmVersion::V3
    );
}

#[test]
fn error_messages_carry_columns() {
    let e = err(&format!("{H2}qreg q[2];\n  h q[0]; cx q[0], q[5];\n"));
    assert_eq!((e.line, e.column), (Some(4), Some(20)));
    assert_eq!(
        e.to_string(),
        "line 4, column 20: qubit q[5] does not exist; 'q' has 2 qubit(s)"
    );
    let e = err(&format!("{H2}qreg q[2];\nrx(1 +) q[0];\n"));
    assert_eq!((e.line, e.column), (Some(4), Some(7)), "{e}");
    assert!(e.message.contains("expected an angle, found ')'"), "{e}");
}

#[test]
fn qiskit_dumps_of_c3x_import_and_export_back() {
    // What Qiskit 2.6's qasm2.dumps writes for a C3XGate (its name is now 'mcx').
    let text = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n\
        gate mcx q0,q1,q2,q3 { h q3; p(pi/8) q0; p(pi/8) q1; p(pi/8) q2; p(pi/8) q3; cx q0,q1; p(-pi/8) q1; cx q0,q1; cx q1,q2; p(-pi/8) q2; cx q0,q2; p(pi/8) q2; cx q1,q2; p(-pi/8) q2; cx q0,q2; cx q2,q3; p(-pi/8) q3; cx q1,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q0,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q1,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q0,q3; h q3; }\n\
        qreg q[4];\nmcx q[0],q[1],q[2],q[3];\n";
    let (p, mut want) = prep(4);
    let with_prep = text.replace("qreg q[4];\n", &format!("qreg q[4];\n{p}"));
    let imp = import_qasm(&with_prep).unwrap();
    want.push(cop(GateKind::X, &[3], &[], &[0, 1, 2]));
    let got = run(4, &constant_ops(&imp.circuit).unwrap());
    let d = max_diff(&got, &run(4, &want));
    assert!(d < 1e-14, "{d:e}");
}
