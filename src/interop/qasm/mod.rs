//! OpenQASM export (3 with `stdgates.inc`, 2 with Qiskit's `qelib1.inc`) of a circuit whose
//! angles are all bound, and OpenQASM 2.0 / 3 import (what Qiskit's `qasm2.dumps` and
//! `qasm3.dumps` write, custom `gate` definitions and gate modifiers expanded into the
//! playground's gates) into a [`CircuitSpec`] with constant angles.
//!
//! Every gate is written as a gate with exactly the same matrix as the playground's (PennyLane's)
//! gate, global phase included, so a controlled or re-imported gate acts identically:
//! PhaseShift is `u1` / `p`, Rot(a, b, c) is `rz(a) ry(b) rz(c)`, U3 is `u3`, IsingXX/IsingZZ
//! are `rxx`/`rzz` (defined in the file for QASM 3, whose `stdgates.inc` lacks them). Extra
//! controls become `ctrl(k) @` in QASM 3; QASM 2 has only the controlled gates `qelib1.inc`
//! defines (`c3x`, `c4x`, `c3sqrtx` for three or four controls), so other controlled gates are
//! refused with an error naming them.
//!
//! Playground wire `w` is `q[w]`. Qiskit orders basis states with `q[0]` as the least
//! significant bit, the playground with wire 0 as the most significant: a Qiskit statevector of
//! an exported circuit has bit-reversed indices.
//!
//! Files: `import.rs` (statements, definitions, expansion, placement), `gates.rs` (the include
//! files' gates and the modifiers, built from playground gates), `lex.rs` (tokens with line
//! and column). May import `sim` and `doc` only.

use super::{bound_ops, comment_text, num, InteropError};
use crate::doc::{Angle, CircuitSpec, ValidDocument};
use crate::sim::{GateKind, Op};

mod gates;
mod import;
mod lex;
pub use import::{
    import_qasm, import_qasm2, import_qasm3, QasmImport, MAX_EXPANSION_STEPS, MAX_GATE_NESTING,
    MAX_QASM_BYTES,
};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_definitions;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_golden;

/// Which OpenQASM dialect to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QasmVersion {
    /// OpenQASM 2.0 with `qelib1.inc` (as Qiskit reads and writes it).
    V2,
    /// OpenQASM 3.0 with `stdgates.inc`.
    V3,
}

/// The document's circuit as OpenQASM, every angle bound for the data point `x`, with a header
/// comment naming the document and the point.
pub fn export_document(
    doc: &ValidDocument,
    x: &[f64],
    version: QasmVersion,
) -> Result<String, InteropError> {
    let ops = bound_ops(doc, x)?;
    let mut header = String::new();
    let title = if doc.title.is_empty() {
        "untitled playground".to_string()
    } else {
        comment_text(&doc.title)
    };
    header.push_str(&format!(
        "// {title}, exported from the QML playground (qmlp {})\n",
        crate::VERSION
    ));
    header.push_str(&format!(
        "// Every angle is bound for the data point x = ({}): features and trained weights\n\
         // are folded into the numbers below.\n",
        x.iter().map(|v| num(*v)).collect::<Vec<_>>().join(", ")
    ));
    if doc.is_noisy() {
        header.push_str(
            "// OpenQASM has no noise channels: this is the IDEAL circuit. The document's noise\n\
             // (channels placed in the circuit, the noise model, readout error) is left out;\n\
             // the PennyLane export runs it on default.mixed.\n",
        );
    }
    let body = export_ops(doc.circuit.qubits, &ops, version)?;
    Ok(insert_after_first_line(&body, &header))
}

fn insert_after_first_line(body: &str, extra: &str) -> String {
    match body.split_once('\n') {
        Some((first, rest)) => format!("{first}\n{extra}{rest}"),
        None => format!("{body}\n{extra}"),
    }
}

/// Gates (applied in order to |0…0⟩ on `n_qubits` wires) as an OpenQASM program.
///
/// Fails, naming the gate and its position, if an op is invalid for `n_qubits` or (QASM 2 only)
/// has no `qelib1.inc` equivalent.
pub fn export_ops(
    n_qubits: usize,
    ops: &[Op],
    version: QasmVersion,
) -> Result<String, InteropError> {
    if n_qubits == 0 {
        return Err(InteropError::new("a circuit needs at least one qubit"));
    }
    let mut body = Vec::new();
    let mut uses = Uses::default();
    for (i, op) in ops.iter().enumerate() {
        op.validate(n_qubits)
            .map_err(|e| InteropError::new(format!("gate {i}: {e}")))?;
        let lines = match version {
            QasmVersion::V2 => qasm2_lines(op),
            QasmVersion::V3 => Ok(qasm3_lines(op, &mut uses)),
        };
        body.extend(lines.map_err(|e| InteropError::new(format!("gate {i}: {e}")))?);
    }
    let mut out = String::new();
    match version {
        QasmVersion::V2 => {
            out.push_str("OPENQASM 2.0;\n");
            out.push_str(
                "// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.\n",
            );
            out.push_str(WIRE_NOTE);
            out.push_str("include \"qelib1.inc\";\n");
            out.push_str(&format!("qreg q[{n_qubits}];\n"));
        }
        QasmVersion::V3 => {
            out.push_str("OPENQASM 3.0;\n");
            out.push_str(WIRE_NOTE);
            out.push_str("include \"stdgates.inc\";\n");
            if uses.rxx || uses.rzz {
                out.push_str(
                    "// stdgates.inc has no Ising gates; these match PennyLane's exactly:\n",
                );
            }
            if uses.rxx {
                out.push_str(
                    "// IsingXX(theta) = exp(-i theta/2 X⊗X)\n\
                     gate rxx(theta) a, b { h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b; }\n",
                );
            }
            if uses.rzz {
                out.push_str(
                    "// IsingZZ(theta) = exp(-i theta/2 Z⊗Z)\n\
                     gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }\n",
                );
            }
            out.push_str(&format!("qubit[{n_qubits}] q;\n"));
        }
    }
    for line in body {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

const WIRE_NOTE: &str =
    "// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most\n\
// significant bit of a basis state; Qiskit reads q[0] as the least significant.\n";

#[derive(Default)]
struct Uses {
    rxx: bool,
    rzz: bool,
}

fn q(w: usize) -> String {
    format!("q[{w}]")
}

fn qs(ws: &[usize]) -> String {
    ws.iter().map(|&w| q(w)).collect::<Vec<_>>().join(", ")
}

fn call(name: &str, params: &[f64], wires: &[usize]) -> String {
    if params.is_empty() {
        format!("{name} {};", qs(wires))
    } else {
        let p: Vec<String> = params.iter().map(|&v| num(v)).collect();
        format!("{name}({}) {};", p.join(", "), qs(wires))
    }
}

/// The single-qubit gate of a kind as a QASM 3 stdgates call head (name and parameters).
fn qasm3_single(kind: GateKind, p: [f64; 3]) -> Vec<(String, Vec<f64>)> {
    use GateKind::*;
    let one = |n: &str, v: Vec<f64>| vec![(n.to_string(), v)];
    match kind {
        H => one("h", vec![]),
        X => one("x", vec![]),
        Y => one("y", vec![]),
        Z => one("z", vec![]),
        S => one("s", vec![]),
        Sdg => one("sdg", vec![]),
        T => one("t", vec![]),
        Tdg => one("tdg", vec![]),
        SX => one("sx", vec![]),
        SXdg => one("inv @ sx", vec![]),
        RX => one("rx", vec![p[0]]),
        RY => one("ry", vec![p[0]]),
        RZ => one("rz", vec![p[0]]),
        PhaseShift => one("p", vec![p[0]]),
        Rot => vec![
            ("rz".into(), vec![p[0]]),
            ("ry".into(), vec![p[1]]),
            ("rz".into(), vec![p[2]]),
        ],
        U3 => one("u3", vec![p[0], p[1], p[2]]),
        // Multi-wire kinds never reach here (only single-qubit kinds take extra controls).
        _ => vec![],
    }
}

fn qasm3_lines(op: &Op, uses: &mut Uses) -> Vec<String> {
    use GateKind::*;
    let p = op.params;
    let w = &op.wires;
    if op.kind.is_single_qubit() {
        let prefix = match op.controls.len() {
            0 => String::new(),
            1 => "ctrl @ ".to_string(),
            k => format!("ctrl({k}) @ "),
        };
        let mut wires = op.controls.clone();
        wires.push(w[0]);
        return qasm3_single(op.kind, p)
            .into_iter()
            .map(|(name, params)| call(&format!("{prefix}{name}"), &params, &wires))
            .collect();
    }
    let line = match op.kind {
        CNOT => call("cx", &[], w),
        CZ => call("cz", &[], w),
        CY => call("cy", &[], w),
        SWAP => call("swap", &[], w),
        CRX => call("crx", &[p[0]], w),
        CRY => call("cry", &[p[0]], w),
        CRZ => call("crz", &[p[0]], w),
        ControlledPhaseShift => call("cp", &[p[0]], w),
        IsingXX => {
            uses.rxx = true;
            call("rxx", &[p[0]], w)
        }
        IsingZZ => {
            uses.rzz = true;
            call("rzz", &[p[0]], w)
        }
        Toffoli => call("ccx", &[], w),
        CSWAP => call("cswap", &[], w),
        _ => String::new(),
    };
    vec![line]
}

fn qasm2_lines(op: &Op) -> Result<Vec<String>, String> {
    use GateKind::*;
    let p = op.params;
    let w = &op.wires;
    let half_pi = std::f64::consts::FRAC_PI_2;
    let quarter_pi = std::f64::consts::FRAC_PI_4;
    match op.controls.len() {
        0 => Ok(match op.kind {
            H => vec![call("h", &[], w)],
            X => vec![call("x", &[], w)],
            Y => vec![call("y", &[], w)],
            Z => vec![call("z", &[], w)],
            S => vec![call("s", &[], w)],
            Sdg => vec![call("sdg", &[], w)],
            T => vec![call("t", &[], w)],
            Tdg => vec![call("tdg", &[], w)],
            SX => vec![call("sx", &[], w)],
            SXdg => vec![call("sxdg", &[], w)],
            RX => vec![call("rx", &[p[0]], w)],
            RY => vec![call("ry", &[p[0]], w)],
            RZ => vec![call("rz", &[p[0]], w)],
            PhaseShift => vec![call("u1", &[p[0]], w)],
            Rot => vec![
                call("rz", &[p[0]], w),
                call("ry", &[p[1]], w),
                call("rz", &[p[2]], w),
            ],
            U3 => vec![call("u3", &[p[0], p[1], p[2]], w)],
            CNOT => vec![call("cx", &[], w)],
            CZ => vec![call("cz", &[], w)],
            CY => vec![call("cy", &[], w)],
            SWAP => vec![call("swap", &[], w)],
            CRX => vec![call("crx", &[p[0]], w)],
            CRY => vec![call("cry", &[p[0]], w)],
            CRZ => vec![call("crz", &[p[0]], w)],
            ControlledPhaseShift => vec![call("cu1", &[p[0]], w)],
            IsingXX => vec![call("rxx", &[p[0]], w)],
            IsingZZ => vec![call("rzz", &[p[0]], w)],
            Toffoli => vec![call("ccx", &[], w)],
            CSWAP => vec![call("cswap", &[], w)],
        }),
        1 => {
            let c = op.controls[0];
            let cw = [c, w[0]];
            Ok(match op.kind {
                H => vec![call("ch", &[], &cw)],
                X => vec![call("cx", &[], &cw)],
                Y => vec![call("cy", &[], &cw)],
                Z => vec![call("cz", &[], &cw)],
                // Controlled diagonal phases are controlled-phase gates.
                S => vec![call("cu1", &[half_pi], &cw)],
                Sdg => vec![call("cu1", &[-half_pi], &cw)],
                T => vec![call("cu1", &[quarter_pi], &cw)],
                Tdg => vec![call("cu1", &[-quarter_pi], &cw)],
                SX => vec![call("csx", &[], &cw)],
                // SX† = e^{−iπ/4}·U3(π/2, π/2, −π/2): the phase lands on the control.
                SXdg => vec![
                    call("u1", &[-quarter_pi], &[c]),
                    call("cu3", &[half_pi, half_pi, -half_pi], &cw),
                ],
                RX => vec![call("crx", &[p[0]], &cw)],
                RY => vec![call("cry", &[p[0]], &cw)],
                RZ => vec![call("crz", &[p[0]], &cw)],
                PhaseShift => vec![call("cu1", &[p[0]], &cw)],
                Rot => vec![
                    call("crz", &[p[0]], &cw),
                    call("cry", &[p[1]], &cw),
                    call("crz", &[p[2]], &cw),
                ],
                U3 => vec![call("cu3", &[p[0], p[1], p[2]], &cw)],
                k => return Err(format!("{} cannot take extra controls", k.name())),
            })
        }
        k => {
            let mut all = op.controls.clone();
            all.push(w[0]);
            let t = [w[0]];
            match (op.kind, k) {
                (X, 2) => Ok(vec![call("ccx", &[], &all)]),
                (X, 3) => Ok(vec![call("c3x", &[], &all)]),
                (X, 4) => Ok(vec![call("c4x", &[], &all)]),
                (SX, 3) => Ok(vec![call("c3sqrtx", &[], &all)]),
                (Z, 2) => Ok(vec![
                    call("h", &[], &t),
                    call("ccx", &[], &all),
                    call("h", &[], &t),
                ]),
                (kind, k) => Err(format!(
                    "{} with {k} controls has no OpenQASM 2 (qelib1.inc) gate; export OpenQASM 3, \
                     which writes it as ctrl({k}) @ …",
                    kind.name()
                )),
            }
        }
    }
}

/// The gates of a circuit whose angles are fixed numbers (constants or weights), in execution
/// order (by column, ties in list order); feature-bound angles are an error.
pub fn constant_ops(spec: &CircuitSpec) -> Result<Vec<Op>, InteropError> {
    let mut order: Vec<usize> = (0..spec.gates.len()).collect();
    order.sort_by_key(|&i| spec.gates[i].col);
    order
        .into_iter()
        .filter(|&i| spec.gates[i].gate.gate().is_some())
        .map(|i| {
            let g = &spec.gates[i];
            let Some(kind) = g.gate.gate() else {
                return Err(InteropError::new(format!("gate {i} is a channel")));
            };
            let params = g
                .params
                .iter()
                .map(|a| match a {
                    Angle::Const { value } | Angle::Weight { value } => Ok(*value),
                    _ => Err(InteropError::new(format!(
                        "gate {i} ({}) has an angle that depends on the data point",
                        g.gate.name()
                    ))),
                })
                .collect::<Result<Vec<f64>, _>>()?;
            Op::new(kind, &g.wires, &params)
                .and_then(|op| op.controlled(&g.controls))
                .map_err(|e| InteropError::new(format!("gate {i}: {e}")))
        })
        .collect()
}
