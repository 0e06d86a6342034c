//! OpenQASM export/import: golden round trips, every gate with controls, error lines, limits,
//! and property tests (no panic on any text; random circuits round trip). Qiskit's states for
//! the files in `tests/golden/qasm/` are checked in `tests_golden.rs`; definitions, modifiers
//! and OpenQASM 3 in `tests_definitions.rs`.

use super::*;
use crate::doc::{Document, Readout, MAX_GATES, MAX_QUBITS};
use crate::sim::{golden, State, C64};
use proptest::prelude::*;
use std::f64::consts::PI;

const GOLDEN: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/circuits.json"
));

pub(super) fn run(n: usize, ops: &[Op]) -> Vec<C64> {
    let mut s = State::new(n).unwrap();
    for op in ops {
        s.try_apply(op).unwrap();
    }
    s.amplitudes().to_vec()
}

pub(super) fn max_diff(a: &[C64], b: &[C64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

/// Export as QASM 2, import, and return the imported circuit's final state.
fn qasm2_round_trip(n: usize, ops: &[Op]) -> Vec<C64> {
    let text = export_ops(n, ops, QasmVersion::V2).unwrap();
    let back = import_qasm2(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back.circuit.qubits, n);
    assert!(back.notes.is_empty(), "{:?}", back.notes);
    run(n, &constant_ops(&back.circuit).unwrap())
}

fn err(text: &str) -> InteropError {
    import_qasm2(text).expect_err("should be refused")
}

fn head(n: usize) -> String {
    format!("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{n}];\n")
}

#[test]
fn all_golden_circuits_round_trip_through_qasm2_to_1e_12() {
    let cases = golden::parse(GOLDEN).unwrap();
    assert_eq!(cases.len(), 300);
    let mut worst: f64 = 0.0;
    for (i, case) in cases.iter().enumerate() {
        let ours = run(case.n_qubits, &case.ops);
        let back = qasm2_round_trip(case.n_qubits, &case.ops);
        let d = max_diff(&ours, &back);
        assert!(d < 1e-12, "golden case {i}: round trip differs by {d}");
        assert!(
            max_diff(&back, &case.state) < 1e-10,
            "golden case {i} vs reference"
        );
        worst = worst.max(d);
    }
    eprintln!("300 golden circuits: worst QASM 2 round-trip deviation {worst:e}");
}

#[test]
fn all_golden_circuits_export_as_qasm3() {
    for (i, case) in golden::parse(GOLDEN).unwrap().iter().enumerate() {
        let text = export_ops(case.n_qubits, &case.ops, QasmVersion::V3)
            .unwrap_or_else(|e| panic!("golden case {i}: {e}"));
        assert!(text.starts_with("OPENQASM 3.0;\n"));
        assert!(text.contains(&format!("qubit[{}] q;", case.n_qubits)));
        // One statement per gate, three for Rot.
        let rots = case.ops.iter().filter(|o| o.kind == GateKind::Rot).count();
        let stmts = text
            .lines()
            .filter(|l| l.ends_with(';') && l.contains("q[") && !l.starts_with("gate"))
            .count();
        assert_eq!(stmts, case.ops.len() + 2 * rots, "golden case {i}");
    }
}

fn angles(k: GateKind) -> Vec<f64> {
    [0.37, -1.21, 2.9][..k.n_params()].to_vec()
}

#[test]
fn every_gate_kind_round_trips_with_zero_and_one_control() {
    let n = 4;
    // A non-trivial start state so phases and controls matter.
    let prep: Vec<Op> = (0..n)
        .map(|w| Op::new(GateKind::RY, &[w], &[0.4 + 0.3 * w as f64]).unwrap())
        .chain([Op::new(GateKind::RZ, &[1], &[0.8]).unwrap()])
        .collect();
    for &k in GateKind::all() {
        let wires: Vec<usize> = (1..=k.n_wires()).rev().collect();
        let mut ops = prep.clone();
        ops.push(Op::new(k, &wires, &angles(k)).unwrap());
        let d = max_diff(&run(n, &ops), &qasm2_round_trip(n, &ops));
        assert!(d < 1e-12, "{k}: {d}");
        if k.is_single_qubit() {
            let mut ops = prep.clone();
            ops.push(
                Op::new(k, &[2], &angles(k))
                    .unwrap()
                    .controlled(&[0])
                    .unwrap(),
            );
            let d = max_diff(&run(n, &ops), &qasm2_round_trip(n, &ops));
            assert!(d < 1e-12, "controlled {k}: {d}");
        }
    }
}

#[test]
fn multi_controlled_gates_in_qasm2_are_x_and_z_only() {
    let n = 5;
    let prep: Vec<Op> = (0..n)
        .map(|w| Op::new(GateKind::RY, &[w], &[1.1 + 0.2 * w as f64]).unwrap())
        .collect();
    for (k, controls) in [
        (GateKind::X, vec![0, 1]),
        (GateKind::X, vec![3, 0, 1]),
        (GateKind::X, vec![0, 1, 3, 4]),
        (GateKind::Z, vec![4, 0]),
    ] {
        let mut ops = prep.clone();
        ops.push(
            Op::new(k, &[2], &[])
                .unwrap()
                .controlled(&controls)
                .unwrap(),
        );
        let d = max_diff(&run(n, &ops), &qasm2_round_trip(n, &ops));
        assert!(d < 1e-12, "{k} with {controls:?}: {d}");
    }
    for &k in GateKind::all().iter().filter(|k| k.is_single_qubit()) {
        if k == GateKind::X || k == GateKind::Z {
            continue;
        }
        let op = Op::new(k, &[2], &angles(k))
            .unwrap()
            .controlled(&[0, 1])
            .unwrap();
        let e = export_ops(n, std::slice::from_ref(&op), QasmVersion::V2)
            .unwrap_err()
            .to_string();
        assert!(e.contains(k.name()) && e.contains("2 controls"), "{e}");
        let q3 = export_ops(n, &[op], QasmVersion::V3).unwrap();
        assert!(q3.contains("ctrl(2) @ "), "{q3}");
    }
}

#[test]
fn qasm3_spells_controls_and_defines_missing_gates() {
    let ops = vec![
        Op::new(GateKind::SXdg, &[0], &[]).unwrap(),
        Op::new(GateKind::RX, &[2], &[0.5])
            .unwrap()
            .controlled(&[0, 1])
            .unwrap(),
        Op::new(GateKind::Rot, &[1], &[0.1, 0.2, 0.3])
            .unwrap()
            .controlled(&[2])
            .unwrap(),
        Op::new(GateKind::IsingXX, &[0, 2], &[0.7]).unwrap(),
        Op::new(GateKind::PhaseShift, &[1], &[0.25]).unwrap(),
    ];
    let t = export_ops(3, &ops, QasmVersion::V3).unwrap();
    assert!(t.contains("include \"stdgates.inc\";"));
    assert!(t.contains("inv @ sx q[0];"), "{t}");
    assert!(t.contains("ctrl(2) @ rx(0.5) q[0], q[1], q[2];"), "{t}");
    assert!(t.contains("ctrl @ rz(0.1) q[2], q[1];"), "{t}");
    assert!(t.contains("gate rxx(theta) a, b"), "{t}");
    assert!(!t.contains("gate rzz"), "{t}");
    assert!(t.contains("rxx(0.7) q[0], q[2];"), "{t}");
    assert!(t.contains("p(0.25) q[1];"), "{t}");
}

#[test]
fn floats_are_written_at_full_precision() {
    let v = 0.1 + 0.2;
    let ops = vec![
        Op::new(GateKind::RX, &[0], &[v]).unwrap(),
        Op::new(GateKind::RY, &[0], &[1e-9]).unwrap(),
    ];
    let t = export_ops(1, &ops, QasmVersion::V2).unwrap();
    assert!(t.contains("rx(0.30000000000000004) q[0];"), "{t}");
    assert!(t.contains("ry(1.0e-9) q[0];"), "{t}");
}

#[test]
fn documents_export_with_a_header_and_bound_angles() {
    let doc = Document {
        title: "evil\ninclude \"x.inc\";".into(),
        ..Document::default()
    }
    .validated()
    .unwrap();
    for v in [QasmVersion::V2, QasmVersion::V3] {
        let t = export_document(&doc, &[0.3, -0.7], v).unwrap();
        assert!(
            t.lines().nth(1).unwrap().starts_with("// evil include"),
            "{t}"
        );
        assert!(t.contains("x = (0.3, -0.7)"));
        assert!(!t.contains("\ninclude \"x.inc\""));
    }
    let t = export_document(&doc, &[0.3, -0.7], QasmVersion::V2).unwrap();
    let back = import_qasm2(&t).unwrap();
    let ops = bound_ops(&doc, &[0.3, -0.7]).unwrap();
    let d = max_diff(
        &run(4, &ops),
        &run(4, &constant_ops(&back.circuit).unwrap()),
    );
    assert!(d < 1e-12);
    // The imported circuit drops into a document and validates.
    let mut d2 = doc.clone().into_inner();
    d2.circuit = back.circuit;
    d2.readout = Readout::Expval {
        observables: vec!["Z0".into()],
    };
    d2.validate().unwrap();
}

#[test]
fn reads_qiskit_style_files() {
    let text = "OPENQASM 2.0;\n\
        include \"qelib1.inc\";\n\
        qreg q[3];\n\
        creg c[3];\n\
        u(pi/2,0,pi) q[0];\n\
        u2(0, pi) q[1];   // a comment\n\
        cx q[0],q[1];\n\
        p(-3*pi/4) q[2];\n\
        barrier q[0],q[1],q[2];\n\
        rzz(0.25) q[1],q[2];\n\
        cu(0.1, 0.2, 0.3, 0.4) q[2], q[0];\n\
        id q[1];\n\
        u0(1) q[1];\n\
        /* block\n comment */ sx q[2];\n\
        measure q[0] -> c[0];\n\
        measure q -> c;\n";
    let imp = import_qasm2(text).unwrap();
    assert_eq!(imp.circuit.qubits, 3);
    assert_eq!(imp.notes.len(), 1, "{:?}", imp.notes);
    assert!(imp.notes[0].contains("line 16"), "{:?}", imp.notes);
    let kinds: Vec<GateKind> = imp
        .circuit
        .gates
        .iter()
        .map(|g| g.gate.gate().unwrap())
        .collect();
    use GateKind::*;
    assert_eq!(
        kinds,
        vec![U3, U3, CNOT, PhaseShift, IsingZZ, PhaseShift, U3, SX]
    );
    // ASAP columns.
    let cols: Vec<usize> = imp.circuit.gates.iter().map(|g| g.col).collect();
    assert_eq!(cols, vec![0, 0, 1, 0, 2, 3, 4, 5]);
    let cu = &imp.circuit.gates[6];
    assert_eq!((cu.wires.clone(), cu.controls.clone()), (vec![0], vec![2]));
}

#[test]
fn angle_expressions() {
    let cases: &[(&str, f64)] = &[
        ("pi", PI),
        ("-pi/2", -PI / 2.0),
        ("2*pi", 2.0 * PI),
        ("1.5e-3", 1.5e-3),
        (".5", 0.5),
        ("1.", 1.0),
        ("3", 3.0),
        ("1E+2", 100.0),
        ("pi^2", PI * PI),
        ("2^3^2", 512.0),
        ("-2^2", -4.0),
        ("-(pi)", -PI),
        ("--1", 1.0),
        ("+1", 1.0),
        ("1-2-3", -4.0),
        ("8/2/2", 2.0),
        ("1+2*3", 7.0),
        ("(1+2)*3", 9.0),
        ("sin(pi/2)", 1.0),
        ("sqrt(4)+cos(0)+exp(0)+ln(1)+tan(0)", 4.0),
    ];
    for (e, want) in cases {
        let text = format!("{}rx({e}) q[0];", head(1));
        let c = import_qasm2(&text)
            .unwrap_or_else(|er| panic!("{e}: {er}"))
            .circuit;
        match c.gates[0].params[0] {
            Angle::Const { value } => assert!((value - want).abs() < 1e-15, "{e}: {value}"),
            ref a => panic!("{a:?}"),
        }
    }
}

#[test]
fn errors_name_the_line_and_the_token() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "empty"),
        ("hello q[1];", 1, "starts with 'OPENQASM 2.0;'"),
        ("OPENQASM 3.0;\nqubit[1] q;", 1, "only OpenQASM 2.0 files"),
        (
            "OPENQASM 2.9;\nqreg q[1];",
            1,
            "version 2.9 is not supported",
        ),
        (
            "OPENQASM 2.0;\ninclude \"stdgates.inc\";",
            2,
            "\"stdgates.inc\"",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\n\nfoo q[0];",
            4,
            "unknown gate 'foo'",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nryy(0.1) q[0],q[1];",
            3,
            "'ryy' is not defined: qelib1.inc has no 'ryy'; add a 'gate ryy …' definition",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nopaque g a;\ng q[1];",
            4,
            "'g' is declared opaque on line 3",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\ncreg c[2];\nif(c==1) x q[0];",
            4,
            "'if'",
        ),
        ("OPENQASM 2.0;\nqreg q[2];\nreset q[0];", 3, "'reset'"),
        (
            "OPENQASM 2.0;\nqreg q[2];\nx q[2];",
            3,
            "q[2] does not exist",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nx r[0];",
            3,
            "'r' is not a declared qubit register",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\ncx q[0],q[0];",
            3,
            "uses qubit q[0] twice",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nrx q[0];",
            3,
            "takes 1 angle(s), 0 given",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nrx(1,2) q[0];",
            3,
            "takes 1 angle(s), 2 given",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\ncx q[0];",
            3,
            "acts on 2 qubit(s), 1 given",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nrx(theta) q[0];",
            3,
            "unknown name 'theta'",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nrx(1/0) q[0];",
            3,
            "must be finite",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nrx(1e999) q[0];",
            3,
            "must be finite",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nrx(1 q[0];",
            3,
            "expected ',' or ')'",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nx q[0]",
            3,
            "the file ends where ';' was expected",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nx q[0] $",
            3,
            "unexpected character '$'",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nx q[1.5];",
            3,
            "whole number, found '1.5'",
        ),
        ("OPENQASM 2.0;\nqreg q[0];", 2, "has no qubits"),
        ("OPENQASM 2.0;\nqreg q[1];\nqreg q[1];", 3, "declared twice"),
        ("OPENQASM 2.0;\ncreg c[1];", 2, "declares no qubits"),
        ("OPENQASM 2.0;\nqreg q[2];\n/* open", 3, "never closed"),
        (
            "OPENQASM 2.0;\nqreg q[2];\ncreg c[2];\nmeasure q[0] -> c[0];\nh q[0];",
            5,
            "measured on line 4",
        ),
        (
            "OPENQASM 2.0;\nqreg q[2];\nqreg r[3];\ncx q, r;",
            4,
            "different sizes (2 and 3)",
        ),
        ("OPENQASM 2.0;\nOPENQASM 2.0;", 2, "only appear once"),
        (
            "OPENQASM 2.0;\nqreg q[99999999999999999999999];",
            2,
            "too large",
        ),
    ];
    for (text, line, needle) in cases {
        let e = err(text);
        assert_eq!(e.line, Some(*line), "{text:?}: {e}");
        assert!(e.message.contains(needle), "{text:?}: {e}");
    }
}

#[test]
fn registers_and_broadcasting() {
    let text =
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg a[2];\nqreg b[2];\nh a;\ncx a, b;\nx b[1];\n";
    let c = import_qasm2(text).unwrap().circuit;
    assert_eq!(c.qubits, 4);
    let got: Vec<(GateKind, Vec<usize>)> = c
        .gates
        .iter()
        .map(|g| (g.gate.gate().unwrap(), g.wires.clone()))
        .collect();
    use GateKind::*;
    assert_eq!(
        got,
        vec![
            (H, vec![0]),
            (H, vec![1]),
            (CNOT, vec![0, 2]),
            (CNOT, vec![1, 3]),
            (X, vec![3])
        ]
    );
}

#[test]
fn limits_name_the_limit() {
    let big = format!("{}{}", head(1), "x q[0];\n".repeat(MAX_QASM_BYTES / 8 + 1));
    let e = err(&big).to_string();
    assert!(
        e.contains(&format!("the limit is {MAX_QASM_BYTES} bytes")),
        "{e}"
    );
    let e = err(&format!("OPENQASM 2.0;\nqreg q[{}];", MAX_QUBITS + 1));
    assert!(
        e.message.contains(&format!("limit is {MAX_QUBITS} qubits")),
        "{e}"
    );
    let e = err(&format!(
        "OPENQASM 2.0;\nqreg a[20];\nqreg b[{}];",
        MAX_QUBITS - 19
    ));
    assert_eq!(e.line, Some(3));
    let many = format!("{}{}", head(1), "x q[0];\n".repeat(MAX_GATES + 1));
    let e = err(&many);
    assert_eq!(e.line, Some(3 + MAX_GATES + 1));
    assert!(
        e.message.contains(&format!("limit is {MAX_GATES} gates")),
        "{e}"
    );
    // Exactly at the limit is fine, and columns stay within the document's bound.
    let ok = format!("{}{}", head(1), "x q[0];\n".repeat(MAX_GATES));
    let c = import_qasm2(&ok).unwrap().circuit;
    assert_eq!(c.gates.len(), MAX_GATES);
    let deep = format!(
        "{}rx({}1{}) q[0];",
        head(1),
        "(".repeat(500),
        ")".repeat(500)
    );
    assert!(err(&deep).message.contains("nested more than"));
    let signs = format!("{}rx({}1) q[0];", head(1), "-".repeat(100_000));
    assert!(err(&signs).message.contains("nested more than"));
}

const HEAD3: &str = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[3] q;\n";

/// An exported program split into (header and the exporter's own definitions, a definition
/// `gate blk w0, …` whose body is the program's gates with `q[i]` renamed `wi`).
fn as_definition(text: &str, n: usize) -> (String, String) {
    let decl = text
        .find("\nqreg q[")
        .or_else(|| text.find("\nqubit["))
        .expect("a register line")
        + 1;
    let after = decl + text[decl..].find('\n').unwrap() + 1;
    let mut body = text[after..].to_string();
    for w in (0..n).rev() {
        body = body.replace(&format!("q[{w}]"), &format!("w{w}"));
    }
    let params: Vec<String> = (0..n).map(|w| format!("w{w}")).collect();
    (
        text[..decl].to_string(),
        format!("gate blk {} {{\n{body}}}\n", params.join(", ")),
    )
}

fn arb_op(n: usize) -> impl Strategy<Value = Op> {
    let kinds: Vec<GateKind> = GateKind::all()
        .iter()
        .copied()
        .filter(|k| k.n_wires() <= n)
        .collect();
    (
        proptest::sample::select(kinds),
        proptest::collection::vec(-7.0f64..7.0, 3),
        Just(n).prop_perturb(|n, mut rng| {
            let mut w: Vec<usize> = (0..n).collect();
            for i in (1..w.len()).rev() {
                let j = (rng.next_u32() as usize) % (i + 1);
                w.swap(i, j);
            }
            w
        }),
        0usize..3,
    )
        .prop_map(move |(k, p, perm, nc)| {
            let nc = if k.is_single_qubit() {
                nc.min(n - 1)
            } else {
                0
            };
            Op::new(k, &perm[..k.n_wires()], &p[..k.n_params()])
                .and_then(|op| op.controlled(&perm[k.n_wires()..k.n_wires() + nc]))
                .expect("a valid random op")
        })
}

fn arb_circuit() -> impl Strategy<Value = (usize, Vec<Op>)> {
    (1usize..=5).prop_flat_map(|n| (Just(n), proptest::collection::vec(arb_op(n), 0..25)))
}

const VOCAB: &[&str] = &[
    "OPENQASM",
    "2.0",
    ";",
    "include",
    "\"qelib1.inc\"",
    "qreg",
    "creg",
    "q",
    "c",
    "[",
    "]",
    "0",
    "1",
    "2",
    "(",
    ")",
    ",",
    "->",
    "measure",
    "barrier",
    "pi",
    "-",
    "+",
    "*",
    "/",
    "^",
    "x",
    "cx",
    "rx",
    "u3",
    "cu",
    "gate",
    "{",
    "}",
    "if",
    "==",
    "1e308",
    ".5",
    "\n",
    "//",
    "/*",
    "*/",
    "sin",
    "\"",
    "ccx",
    "c4x",
    "u2",
    "id",
    "99999999999999999999",
    "OPENQASM 3.0;",
    "include \"stdgates.inc\";",
    "qubit",
    "qubit[2] q;",
    "bit",
    "ctrl",
    "ctrl(2)",
    "negctrl",
    "inv",
    "pow(2)",
    "pow(-1)",
    "@",
    "gphase",
    "=",
    "**",
    "$0",
    "$3",
    "gate g(a) x, y {",
    "gate h2 x {",
    "g(0.5)",
    "g",
    "h2",
    "a",
    "x,",
    "y",
    "mcx",
    "rccx",
    "rc3x",
    "c3sqrtx",
    "opaque",
    "U",
    "CX",
    "tau",
    "π",
    "input",
    "reset",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn importer_never_panics_on_arbitrary_text(s in "\\PC{0,400}") {
        let _ = import_qasm(&s);
        let _ = import_qasm(&format!("{}{s}", head(3)));
        let _ = import_qasm(&format!("{}{s}", HEAD3));
    }

    #[test]
    fn importer_never_panics_on_token_soup(
        toks in proptest::collection::vec(proptest::sample::select(VOCAB.to_vec()), 0..80)
    ) {
        let body = toks.join(" ");
        let _ = import_qasm(&body);
        let _ = import_qasm(&format!("{}creg c[3];\n{body}", head(3)));
        let _ = import_qasm(&format!("{}bit[3] c;\n{body}", HEAD3));
        let _ = import_qasm(&format!("{}gate g(a) x, y {{ {body} }}\ng(0.5) q[0], q[1];", HEAD3));
    }

    /// Any circuit wrapped into a gate definition (the exporter's lines with q[i] renamed)
    /// imports to the same state; under OpenQASM 3 its ctrl @, inv @ and pow(2) @ act as a
    /// controlled gate, the inverse and the square.
    #[test]
    fn circuits_wrapped_in_definitions_keep_their_state((n, ops) in arb_circuit()) {
        let want = run(n, &ops);
        for v in [QasmVersion::V2, QasmVersion::V3] {
            let Ok(text) = export_ops(n, &ops, v) else { continue };
            let (prefix, body) = as_definition(&text, n);
            let m = n + 1;
            let decl = match v {
                QasmVersion::V2 => format!("qreg q[{m}];\n"),
                QasmVersion::V3 => format!("qubit[{m}] q;\n"),
            };
            let qs: Vec<String> = (0..n).map(|w| format!("q[{w}]")).collect();
            let call = |head: &str| format!("{head}blk {};\n", qs.join(", "));
            let import = |extra: &str| -> Result<Vec<C64>, TestCaseError> {
                let t = format!("{prefix}{body}{decl}{extra}");
                let imp = import_qasm(&t).map_err(|e| TestCaseError::fail(format!("{e}\n{t}")))?;
                prop_assert_eq!(imp.circuit.qubits, m);
                Ok(run(m, &constant_ops(&imp.circuit).unwrap()))
            };
            // Wire n (the last, least significant bit) idles in |0⟩.
            let plain = import(&call(""))?;
            for (x, a) in want.iter().enumerate() {
                prop_assert!((plain[2 * x] - a).norm() < 1e-12 && plain[2 * x + 1].norm() < 1e-12);
            }
            if v == QasmVersion::V2 {
                continue;
            }
            // Control in |+⟩: (|0…0⟩|0⟩ + ψ|1⟩)/√2.
            let ctl = import(&format!("h q[{n}];\nctrl @ blk q[{n}], {};\n", qs.join(", ")))?;
            let r = std::f64::consts::FRAC_1_SQRT_2;
            for (x, a) in want.iter().enumerate() {
                let off = if x == 0 { r } else { 0.0 };
                prop_assert!((ctl[2 * x] - C64::new(off, 0.0)).norm() < 1e-12);
                prop_assert!((ctl[2 * x + 1] - a * r).norm() < 1e-12);
            }
            // The inverse undoes it.
            let undo = import(&format!("{}{}", call(""), call("inv @ ")))?;
            prop_assert!((undo[0] - C64::new(1.0, 0.0)).norm() < 1e-12);
            // pow(2) is the circuit twice.
            let mut twice = ops.clone();
            twice.extend(ops.iter().cloned());
            let sq = import(&call("pow(2) @ "))?;
            let want2 = run(n, &twice);
            for (x, a) in want2.iter().enumerate() {
                prop_assert!((sq[2 * x] - a).norm() < 1e-12);
            }
        }
    }

    #[test]
    fn random_circuits_round_trip((n, ops) in arb_circuit()) {
        let want = run(n, &ops);
        match export_ops(n, &ops, QasmVersion::V2) {
            Ok(text) => {
                let back = import_qasm2(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
                let got = run(n, &constant_ops(&back.circuit).unwrap());
                prop_assert!(max_diff(&want, &got) < 1e-12);
            }
            Err(e) => {
                // Only multi-controlled gates other than X/Z may fail, and the error names them.
                let bad = ops.iter().find(|o| o.controls.len() >= 2
                    && !matches!(
                        (o.kind, o.controls.len()),
                        (GateKind::X, _) | (GateKind::Z, 2) | (GateKind::SX, 3)
                    ));
                prop_assert!(bad.is_some(), "{}", e);
                let bad = bad.unwrap();
                prop_assert!(e.message.contains(bad.kind.name()), "{}", e);
            }
        }
        let text = export_ops(n, &ops, QasmVersion::V3).unwrap();
        let back = import_qasm3(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let got = run(n, &constant_ops(&back.circuit).unwrap());
        prop_assert!(max_diff(&want, &got) < 1e-12);
    }
}
