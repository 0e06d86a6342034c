//! Script export: structure, literal weights, no user text outside comments, valid Python.

use super::*;
use crate::doc::{preset, FeatureMap, PRESETS};
use std::process::Command;

fn python_parses(src: &str) -> Option<Result<(), String>> {
    let out = Command::new("python3")
        .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take()?.write_all(src.as_bytes()).ok()?;
            child.wait_with_output().ok()
        })?;
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

fn hostile_doc() -> ValidDocument {
    let mut d = preset("default").unwrap().into_inner();
    d.title = "T\n\"\"\"\nimport os; os.system('echo pwned')\n#".into();
    d.description = "line one\r\nprint('pwned')\u{2028}x\n\n\"\"\" ''' \\".into();
    d.validated().unwrap()
}

#[test]
fn every_preset_exports_both_scripts() {
    for (name, _) in PRESETS {
        let d = preset(name).unwrap();
        for s in [pennylane_script(&d).unwrap(), qiskit_script(&d).unwrap()] {
            assert!(s.starts_with("#!/usr/bin/env python3\n"));
            assert!(s.contains("POINTS = ["));
            assert!(s.contains("print(json.dumps({\"x\": x, \"outputs\": model(x)}))"));
            if let Some(r) = python_parses(&s) {
                r.unwrap_or_else(|e| panic!("{name}: {e}\n{s}"));
            }
        }
    }
}

#[test]
fn weights_are_named_literals_and_bindings_are_expressions() {
    let d = preset("default").unwrap();
    let s = pennylane_script(&d).unwrap();
    // The first gate to run is RX(w·x1 + b) on wire 0.
    assert!(
        s.contains("\"g0.w\": 1.0,  # RX on wire 0: angle = w * x1 + b"),
        "{s}"
    );
    assert!(
        s.contains("qml.RX(W[\"g0.w\"] * f[\"x1\"] + W[\"g0.b\"], wires=0)"),
        "{s}"
    );
    for g in &d.circuit.gates {
        for a in &g.params {
            if let Angle::Weight { value } = a {
                assert!(s.contains(&num(*value)), "weight {value} missing");
            }
        }
    }
    assert!(s.contains("qml.Rot(W[\"g"), "{s}");
    assert!(s.contains("qml.CNOT(wires=[0, 1])"));
    assert!(s.contains("qml.expval(qml.PauliZ(0)),  # Z0"));
    let q = qiskit_script(&d).unwrap();
    assert!(
        q.contains("qc.rx(W[\"g0.w\"] * f[\"x1\"] + W[\"g0.b\"], 0)"),
        "{q}"
    );
    assert!(q.contains("qc.cx(3, 0)"));
    assert!(q.contains("SparsePauliOp.from_sparse_list([(\"Z\", [0], 1.0)], num_qubits=N_QUBITS)"));
}

#[test]
fn controls_ranges_and_fidelity_are_written_out() {
    let mut d = preset("reupload-1q").unwrap().into_inner();
    d.circuit.qubits = 3;
    d.features = FeatureMap {
        range: Some([-1.5, 2.0]),
    };
    d.circuit.gates.push(GateSpec {
        gate: GateKind::Sdg.into(),
        wires: vec![2],
        controls: vec![0, 1],
        params: vec![],
        col: 50,
    });
    d.circuit.gates.push(GateSpec {
        gate: GateKind::Rot.into(),
        wires: vec![0],
        controls: vec![2],
        params: vec![
            Angle::Feature {
                feature: Feature::SIN_X2,
                scale: 0.5,
            },
            Angle::Const { value: 0.25 },
            Angle::Reupload {
                feature: Feature::X1X2,
                w: 2.0,
                b: -1.0,
            },
        ],
        col: 51,
    });
    let d = d.validated().unwrap();
    let p = pennylane_script(&d).unwrap();
    assert!(p.contains("FEATURE_RANGE = (-1.5, 2.0)"));
    assert!(
        p.contains("qml.ctrl(qml.adjoint(qml.S), control=[0, 1])(wires=2)"),
        "{p}"
    );
    assert!(p.contains(
        "qml.ctrl(qml.Rot, control=[2])(0.5 * f[\"sin(x2)\"], 0.25, W[\"g7.w3\"] * f[\"x1*x2\"] + W[\"g7.b3\"], wires=0)"
    ), "{p}");
    assert!(p.contains("return qml.probs(wires=0)"), "{p}");
    assert!(p.contains("LABEL_STATES = [\"0\", \"1\"]"));
    let q = qiskit_script(&d).unwrap();
    assert!(
        q.contains("from qiskit.circuit.library import RYGate, RZGate, SdgGate"),
        "{q}"
    );
    assert!(
        q.contains("qc.append(SdgGate().control(2), [0, 1, 2])"),
        "{q}"
    );
    assert!(
        q.contains("qc.append(RZGate(0.5 * f[\"sin(x2)\"]).control(1), [2, 0])"),
        "{q}"
    );
    for s in [p, q] {
        if let Some(r) = python_parses(&s) {
            r.unwrap_or_else(|e| panic!("{e}\n{s}"));
        }
    }
}

#[test]
fn user_text_stays_inside_comments() {
    let d = hostile_doc();
    for s in [pennylane_script(&d).unwrap(), qiskit_script(&d).unwrap()] {
        for line in s.lines() {
            if line.contains("pwned") {
                assert!(line.trim_start().starts_with('#'), "escaped: {line:?}");
            }
        }
        assert!(!s.contains('\u{2028}') && !s.contains('\r'));
        if let Some(r) = python_parses(&s) {
            r.unwrap_or_else(|e| panic!("{e}\n{s}"));
        }
    }
}

#[test]
fn non_finite_points_are_refused() {
    let d = preset("default").unwrap();
    let e = qiskit_script_at(&d, &[vec![f64::INFINITY, 0.0]]).unwrap_err();
    assert!(e.message.contains("finite"), "{e}");
}
