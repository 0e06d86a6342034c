//! Interoperability with other quantum tools: the circuit as OpenQASM 3 and OpenQASM 2 (every
//! angle bound for one data point), OpenQASM 2 and 3 import (as Qiskit writes them, custom gate
//! definitions expanded) into a circuit, and
//! the whole hybrid model as a runnable PennyLane or Qiskit script.
//!
//! Owns only text formats. May import `sim` (gate kinds, ops, states), `doc` (the document) and
//! `model` (bound gates and reference outputs); never the web.
//!
//! Conventions shared by every format: playground wire `w` is qubit `q[w]` (QASM) or wire `w`
//! (PennyLane) or qubit `w` (Qiskit). The playground and PennyLane treat wire 0 as the most
//! significant bit of a basis-state index; Qiskit treats `q[0]` as the least significant.
//!
//! ```
//! use qmlp::{doc::Document, interop::qasm};
//! let doc = Document::default().validated().unwrap();
//! let text = qasm::export_document(&doc, &[0.3, -0.7], qasm::QasmVersion::V2).unwrap();
//! let back = qasm::import_qasm(&text).unwrap();
//! assert_eq!(back.circuit.qubits, 4);
//! ```

use crate::doc::ValidDocument;
use crate::model::Model;
use crate::sim::Op;

pub mod python;
pub mod qasm;
pub mod torch;

/// An export or import that failed: where (a line and column of the input, if it has lines)
/// and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InteropError {
    /// The 1-based line of the input the problem is on, if the input is text.
    pub line: Option<usize>,
    /// The 1-based column (in characters) on that line, where known.
    pub column: Option<usize>,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl InteropError {
    /// An error not tied to a line.
    pub fn new(message: impl Into<String>) -> InteropError {
        InteropError {
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// An error on a 1-based line of the input.
    pub fn at(line: usize, message: impl Into<String>) -> InteropError {
        InteropError {
            line: Some(line),
            column: None,
            message: message.into(),
        }
    }

    /// An error at a 1-based line and column of the input.
    pub fn at_col(line: usize, column: usize, message: impl Into<String>) -> InteropError {
        InteropError {
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for InteropError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InteropError {}

/// The fixed points every exported script evaluates after the dataset's first training points.
pub const FIXED_POINTS: [[f64; 2]; 3] = [[0.3, -0.7], [0.0, 0.0], [-0.9, 0.85]];

/// How many of the dataset's training points the exported scripts evaluate.
pub const N_DATA_POINTS: usize = 5;

/// The gates of `doc` in execution order with every angle bound for the raw point `x`.
pub fn bound_ops(doc: &ValidDocument, x: &[f64]) -> Result<Vec<Op>, InteropError> {
    check_point(x)?;
    let mut model = model_of(doc)?;
    Ok(model.bound_ops(x))
}

/// The model of a document, its preprocessing fitted on the generated training split.
pub fn model_of(doc: &ValidDocument) -> Result<Model, InteropError> {
    let data = doc
        .data
        .generate()
        .map_err(|e| InteropError::new(format!("the dataset cannot be generated: {e}")))?;
    Model::new(doc, &data.train).map_err(|e| InteropError::new(e.to_string()))
}

/// The points the exported scripts print outputs for: the dataset's first training points, then
/// (for 2-D data) [`FIXED_POINTS`], else the first test points.
pub fn script_points(doc: &ValidDocument) -> Result<Vec<Vec<f64>>, InteropError> {
    let data = doc
        .data
        .generate()
        .map_err(|e| InteropError::new(format!("the dataset cannot be generated: {e}")))?;
    let mut pts: Vec<Vec<f64>> = data
        .train
        .iter()
        .take(N_DATA_POINTS)
        .map(|p| p.x.clone())
        .collect();
    if data.dim == 2 {
        pts.extend(FIXED_POINTS.iter().map(|p| p.to_vec()));
    } else {
        pts.extend(
            data.test
                .iter()
                .take(FIXED_POINTS.len())
                .map(|p| p.x.clone()),
        );
    }
    Ok(pts)
}

/// The model's exact outputs (no shot noise) at each point: what the exported scripts must
/// print.
pub fn reference_outputs(
    doc: &ValidDocument,
    points: &[Vec<f64>],
) -> Result<Vec<Vec<f64>>, InteropError> {
    let mut model = model_of(doc)?;
    model.set_shots(None);
    points
        .iter()
        .map(|x| {
            check_point(x)?;
            Ok(model.forward(x))
        })
        .collect()
}

fn check_point(x: &[f64]) -> Result<(), InteropError> {
    if x.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        let shown: Vec<String> = x.iter().map(|v| v.to_string()).collect();
        Err(InteropError::new(format!(
            "the data point ({}) must have finite coordinates",
            shown.join(", ")
        )))
    }
}

/// A float as a literal both QASM and Python read back to the same bits: shortest round-trip
/// digits, always with a decimal point (`1e-7` becomes `1.0e-7`).
pub(crate) fn num(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains('.') || !s.contains('e') {
        s
    } else {
        s.replacen('e', ".0e", 1)
    }
}

/// Text safe inside a one-line comment: control characters become spaces, at most 120 chars.
pub(crate) fn comment_text(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_control() || (c.is_whitespace() && c != ' ') {
                ' '
            } else {
                c
            }
        })
        .take(120)
        .collect();
    if s.chars().count() > 120 {
        out.push('…');
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_always_have_a_point() {
        for v in [
            0.0,
            -0.0,
            1.0,
            0.1,
            1e-7,
            -2.5e-300,
            1e21,
            123456789.125,
            std::f64::consts::PI,
        ] {
            let s = num(v);
            assert!(s.contains('.'), "{s}");
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{s}");
        }
        assert_eq!(num(1e-7), "1.0e-7");
    }

    #[test]
    fn comments_cannot_break_out_of_their_line() {
        let c = comment_text("a\nmeasure q[0] -> c[0];\r\u{2028}b");
        assert!(!c.contains('\n') && !c.contains('\r'), "{c}");
    }

    #[test]
    fn script_points_are_data_then_fixed() {
        let doc = crate::doc::Document::default().validated().unwrap();
        let pts = script_points(&doc).unwrap();
        assert_eq!(pts.len(), N_DATA_POINTS + FIXED_POINTS.len());
        assert_eq!(pts[N_DATA_POINTS], [0.3, -0.7]);
        let outs = reference_outputs(&doc, &pts).unwrap();
        assert!(outs.iter().all(|o| o.len() == 1 && o[0].is_finite()));
        assert!(reference_outputs(&doc, &[vec![f64::NAN, 0.0]]).is_err());
    }
}
