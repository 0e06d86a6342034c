use super::*;
use crate::doc::GateSpec;
use crate::rng::Rng;
use crate::sim::{golden, PauliString};

fn spec_from_ops(n: usize, ops: &[Op]) -> CircuitSpec {
    CircuitSpec {
        qubits: n,
        gates: ops
            .iter()
            .enumerate()
            .map(|(i, op)| {
                let mut g =
                    GateSpec::fixed(op.kind, &op.wires, i, &op.params[..op.kind.n_params()]);
                g.controls = op.controls.clone();
                g
            })
            .collect(),
    }
}

fn angles_of(ops: &[Op]) -> Vec<f64> {
    ops.iter()
        .flat_map(|op| op.params[..op.kind.n_params()].to_vec())
        .collect()
}

#[test]
fn golden_grad_z0_by_adjoint_through_the_compiled_program() {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/circuits.json"
    ))
    .expect("tests/golden/circuits.json");
    let raw: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cases = golden::parse(&json).unwrap();
    assert_eq!(cases.len(), 300);
    let z0 = Observable::Pauli("Z0".parse().unwrap());
    let mut worst: f64 = 0.0;
    for (c, case) in cases.iter().enumerate() {
        let mut prog = Program::compile(&spec_from_ops(case.n_qubits, &case.ops)).unwrap();
        prog.set_angles(&angles_of(&case.ops));
        let mut grad = vec![0.0; prog.n_angles()];
        prog.expval_and_gradient(&z0, &mut grad).unwrap();
        let want: Vec<f64> = raw["cases"][c]["grad_Z0"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(grad.len(), want.len(), "case {c}");
        for (g, w) in grad.iter().zip(&want) {
            worst = worst.max((g - w).abs());
            assert!((g - w).abs() < 1e-10, "case {c}: {grad:?} vs {want:?}");
        }
    }
    assert!(worst < 1e-10);
}

/// A random circuit using every parametric kind, with extra controls on some gates.
fn random_circuit(rng: &mut Rng, n: usize, len: usize) -> Vec<Op> {
    let kinds = GateKind::all();
    let mut ops = Vec::new();
    while ops.len() < len {
        let kind = kinds[rng.below(kinds.len() as u64) as usize];
        if kind.n_wires() > n {
            continue;
        }
        let mut wires: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut wires);
        let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-3.0, 3.0)).collect();
        let mut op = Op::new(kind, &wires[..kind.n_wires()], &params).unwrap();
        if kind.is_single_qubit() && n > 1 && rng.uniform() < 0.3 {
            op = op.controlled(&wires[1..2]).unwrap();
        }
        ops.push(op);
    }
    ops
}

#[test]
fn adjoint_equals_parameter_shift_equals_finite_differences() {
    let mut rng = Rng::new(42);
    for trial in 0..40 {
        let n = 1 + trial % 4;
        let ops = random_circuit(&mut rng, n, 3 + trial % 9);
        let obs = Observable::Sum(vec![
            (0.7, "Z0".parse::<PauliString>().unwrap()),
            (-0.4, format!("X{}", n - 1).parse().unwrap()),
        ]);
        let mut prog = Program::compile(&spec_from_ops(n, &ops)).unwrap();
        let angles = angles_of(&ops);
        prog.set_angles(&angles);
        let mut adj = vec![0.0; prog.n_angles()];
        prog.expval_and_gradient(&obs, &mut adj).unwrap();
        let mut state = State::new(n).unwrap();
        let mut eval = |a: &[f64]| {
            let mut p = prog.clone();
            p.set_angles(a);
            p.run(&mut state);
            state.expval(&obs)
        };
        for i in 0..angles.len() {
            let ps = parameter_shift(prog.shift_rule(i), &angles, i, &mut eval);
            let h = 1e-5;
            let mut plus = angles.clone();
            plus[i] += h;
            let mut minus = angles.clone();
            minus[i] -= h;
            let fd = (eval(&plus) - eval(&minus)) / (2.0 * h);
            assert!(
                (adj[i] - ps).abs() < 1e-9,
                "trial {trial} angle {i}: adjoint {} shift {ps}",
                adj[i]
            );
            assert!(
                (adj[i] - fd).abs() < 1e-7,
                "trial {trial} angle {i}: adjoint {} fd {fd}",
                adj[i]
            );
        }
    }
}

#[test]
fn gates_run_by_column_then_document_order() {
    // X on wire 0 placed in column 1, then an H in column 0: H must run first.
    let spec = CircuitSpec {
        qubits: 1,
        gates: vec![
            GateSpec::fixed(GateKind::S, &[0], 1, &[]),
            GateSpec::fixed(GateKind::H, &[0], 0, &[]),
        ],
    };
    let prog = Program::compile(&spec).unwrap();
    let mut s = State::new(1).unwrap();
    prog.run(&mut s);
    // S·H|0> = (|0> + i|1>)/√2: Bloch vector along +y.
    let b = s.bloch(0);
    assert!((b[1] - 1.0).abs() < 1e-12, "{b:?}");
    assert_eq!(prog.columns(), vec![0, 1]);
    prog.run_until_column(&mut s, Some(0));
    assert!((s.bloch(0)[0] - 1.0).abs() < 1e-12);
}

#[test]
fn compile_refuses_bad_wires_with_the_gate_named() {
    let spec = CircuitSpec {
        qubits: 2,
        gates: vec![GateSpec::fixed(GateKind::CNOT, &[0, 5], 0, &[])],
    };
    let e = Program::compile(&spec).unwrap_err();
    assert!(e.0.contains("gate 0 (CNOT)"), "{e}");
}

/// The sign table and the parity count agree (the table is built up to 12 qubits, beyond it the
/// parities are counted): the diagonal of Σ_j w_j Z-string_j on every basis state.
#[test]
fn z_strings_diagonal_with_and_without_the_table() {
    for n in [1, 3, 12, 13] {
        let masks: Vec<usize> = vec![1, 0b101 & ((1 << n) - 1), (1 << n) - 1, 1 << (n - 1)];
        let w = [0.5, -1.25, 2.0, 0.75];
        let z = super::ZStrings::new(masks.clone(), n);
        let mut diag = vec![0.0; 1 << n];
        z.diagonal(&w, &mut diag);
        for (i, d) in diag.iter().enumerate() {
            let want: f64 = masks
                .iter()
                .zip(&w)
                .map(|(&m, w)| {
                    if (i & m).count_ones() % 2 == 1 {
                        -w
                    } else {
                        *w
                    }
                })
                .sum();
            assert_eq!(*d, want, "n={n} i={i}");
        }
    }
}
