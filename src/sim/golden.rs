//! Cross-check against reference values from an independent simulator (PennyLane
//! `default.qubit`), stored in the repository as `tests/golden/circuits.json`.
//!
//! The parser and the checker take the JSON text, so the native tests read the file from disk
//! while the wasm tests `include_str!` it.

use super::{adjoint_gradient, GateKind, Observable, Op, PauliString, SimError, State, C64};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct RawFile {
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
struct RawCase {
    n_qubits: usize,
    ops: Vec<RawOp>,
    state_re: Vec<f64>,
    state_im: Vec<f64>,
    expval: BTreeMap<String, f64>,
    #[serde(rename = "grad_Z0")]
    grad_z0: Vec<f64>,
}

#[derive(Deserialize)]
struct RawOp {
    gate: String,
    wires: Vec<usize>,
    params: Vec<f64>,
}

/// One reference circuit with its expected results.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldenCase {
    /// Number of qubits.
    pub n_qubits: usize,
    /// The gates, applied to |0…0⟩ in order.
    pub ops: Vec<Op>,
    /// Expected final state.
    pub state: Vec<C64>,
    /// Expected ⟨P⟩ for each listed Pauli string.
    pub expval: Vec<(PauliString, f64)>,
    /// Expected ∂⟨Z0⟩/∂p for every gate parameter in order.
    pub grad_z0: Vec<f64>,
}

/// Largest deviations found by [`check`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoldenSummary {
    /// Number of circuits checked.
    pub cases: usize,
    /// Number of individual values compared.
    pub values: usize,
    /// Largest amplitude deviation.
    pub max_state_err: f64,
    /// Largest expectation-value deviation.
    pub max_expval_err: f64,
    /// Largest gradient-entry deviation.
    pub max_grad_err: f64,
}

/// Parses the golden JSON into cases (gate names must be [`GateKind`] names).
pub fn parse(json: &str) -> Result<Vec<GoldenCase>, SimError> {
    let raw: RawFile = serde_json::from_str(json)
        .map_err(|e| SimError::new(format!("golden file is not valid: {e}")))?;
    raw.cases
        .into_iter()
        .enumerate()
        .map(|(ci, c)| {
            let ctx = |e: SimError| SimError::new(format!("golden case {ci}: {e}"));
            let ops = c
                .ops
                .iter()
                .map(|o| {
                    let kind = GateKind::from_name(&o.gate)
                        .ok_or_else(|| SimError::new(format!("unknown gate {}", o.gate)))?;
                    Op::new(kind, &o.wires, &o.params)
                })
                .collect::<Result<Vec<Op>, SimError>>()
                .map_err(ctx)?;
            if c.state_re.len() != c.state_im.len() {
                return Err(ctx(SimError::new("state_re and state_im differ in length")));
            }
            let state = c
                .state_re
                .iter()
                .zip(&c.state_im)
                .map(|(&r, &i)| C64::new(r, i))
                .collect();
            let expval = c
                .expval
                .iter()
                .map(|(k, &v)| Ok((k.parse::<PauliString>()?, v)))
                .collect::<Result<Vec<_>, SimError>>()
                .map_err(ctx)?;
            Ok(GoldenCase {
                n_qubits: c.n_qubits,
                ops,
                state,
                expval,
                grad_z0: c.grad_z0,
            })
        })
        .collect()
}

/// Runs every case of the golden JSON: final state, every expectation value and the adjoint
/// gradient of ⟨Z0⟩, each to within `tol`; the error names the first case and value that differ.
pub fn check(json: &str, tol: f64) -> Result<GoldenSummary, SimError> {
    let cases = parse(json)?;
    let mut sum = GoldenSummary::default();
    for (ci, case) in cases.iter().enumerate() {
        let fail = |what: String| {
            SimError::new(format!(
                "golden case {ci} ({} qubits, {} gates): {what}",
                case.n_qubits,
                case.ops.len()
            ))
        };
        let mut s = State::new(case.n_qubits)?;
        for op in &case.ops {
            s.try_apply(op).map_err(|e| fail(e.to_string()))?;
        }
        if s.amplitudes().len() != case.state.len() {
            return Err(fail(format!(
                "expected {} amplitudes, engine has {}",
                case.state.len(),
                s.amplitudes().len()
            )));
        }
        for (i, (a, b)) in s.amplitudes().iter().zip(&case.state).enumerate() {
            let err = (a - b).norm();
            sum.max_state_err = sum.max_state_err.max(err);
            sum.values += 1;
            if err > tol {
                return Err(fail(format!("amplitude {i} is {a}, expected {b}")));
            }
        }
        for (p, want) in &case.expval {
            let got = s.expval_pauli(p);
            let err = (got - want).abs();
            sum.max_expval_err = sum.max_expval_err.max(err);
            sum.values += 1;
            if err.is_nan() || err > tol {
                return Err(fail(format!("<{p}> is {got}, expected {want}")));
            }
        }
        let z0 = Observable::Pauli(PauliString::single(0, super::Pauli::Z));
        let (_, grad) = adjoint_gradient(case.n_qubits, &case.ops, &z0)?;
        if grad.len() != case.grad_z0.len() {
            return Err(fail(format!(
                "expected {} gradient entries, engine has {}",
                case.grad_z0.len(),
                grad.len()
            )));
        }
        for (i, (g, want)) in grad.iter().zip(&case.grad_z0).enumerate() {
            let err = (g - want).abs();
            sum.max_grad_err = sum.max_grad_err.max(err);
            sum.values += 1;
            if err > tol {
                return Err(fail(format!("d<Z0>/dp{i} is {g}, expected {want}")));
            }
        }
        sum.cases += 1;
    }
    Ok(sum)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/circuits.json");

    #[test]
    fn all_golden_circuits_match_pennylane_to_1e_10() {
        let json = std::fs::read_to_string(PATH).unwrap_or_else(|e| panic!("{PATH}: {e}"));
        let s = super::check(&json, 1e-10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.cases, 300);
        eprintln!("{s:?}");
    }

    #[test]
    fn a_wrong_value_is_reported_with_its_case() {
        let json = r#"{"cases":[{"n_qubits":1,"ops":[{"gate":"X","wires":[0],"params":[]}],
            "state_re":[1.0,0.0],"state_im":[0.0,0.0],"expval":{},"grad_Z0":[]}]}"#;
        let e = super::check(json, 1e-10).unwrap_err().to_string();
        assert!(
            e.contains("golden case 0") && e.contains("amplitude 0"),
            "{e}"
        );
    }
}
