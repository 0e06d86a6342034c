//! The playground document: one versioned, serde-described JSON value holding everything a user
//! can set — circuit (qubits, gates, controls, angle bindings), feature map, readout, head,
//! dataset, training hyper-parameters, classical baseline, and which controls are locked.
//!
//! The same document is the editor's state, the URL hash, the embed configuration, the CLI's
//! input and the file a user downloads. Parsing it validates it: [`Document::from_json`] returns
//! a [`DocError`] naming the field and the reason, and never a half-valid document.
//!
//! May import `sim` (gate kinds, Pauli strings), `data`, `train` (specs only) and serde; knows
//! nothing of the web.
//!
//! ```
//! let doc = qmlp::doc::Document::default();
//! let json = doc.to_json();
//! assert_eq!(qmlp::doc::Document::from_json(&json).unwrap(), doc);
//! ```

use serde::{Deserialize, Serialize};

use crate::data::{DatasetKind, DatasetSpec};
use crate::learn::loss::LossKind;
use crate::learn::mlp::MlpSpec;
use crate::learn::optim::OptimizerSpec;
use crate::sim::{GateKind, PauliString};

mod presets;
pub mod share;
pub use presets::{next_col, preset, template, PRESETS, TEMPLATES};

/// The document version this engine writes and the newest it reads.
pub const DOC_VERSION: u32 = 1;
/// The most qubits a document may ask for (the engine's wasm memory limit).
pub const MAX_QUBITS: usize = 24;
/// The most gates a circuit may hold.
pub const MAX_GATES: usize = 2_000;
/// The largest document accepted, in bytes of JSON. Generous enough that the pretty-printed
/// form of any valid document (20 000 points, 2 000 gates) reads back in.
pub const MAX_DOC_BYTES: usize = 8_000_000;
/// The most epochs a document may ask to train for.
pub const MAX_EPOCHS: usize = 100_000;
/// The most shots per expectation value.
pub const MAX_SHOTS: usize = 1_000_000;
/// The names of the controls a lesson can lock.
pub const LOCKABLE: &[&str] = &[
    "circuit", "data", "features", "readout", "training", "baseline", "export",
];

/// A document that failed to parse or validate: where and why.
#[derive(Clone, Debug, PartialEq)]
pub struct DocError {
    /// A JSON-pointer-like path to the offending field, e.g. `circuit.gates[3].wires`.
    pub path: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl DocError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> DocError {
        DocError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DocError {}

/// A classical feature computed from a data point `(x1, x2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Feature {
    /// `x1`
    #[serde(rename = "x1")]
    X1,
    /// `x2`
    #[serde(rename = "x2")]
    X2,
    /// `x1²`
    #[serde(rename = "x1^2")]
    X1Sq,
    /// `x2²`
    #[serde(rename = "x2^2")]
    X2Sq,
    /// `x1·x2`
    #[serde(rename = "x1*x2")]
    X1X2,
    /// `sin x1`
    #[serde(rename = "sin(x1)")]
    SinX1,
    /// `sin x2`
    #[serde(rename = "sin(x2)")]
    SinX2,
}

impl Feature {
    /// Every feature, in the order the editor lists them.
    pub const ALL: [Feature; 7] = [
        Feature::X1,
        Feature::X2,
        Feature::X1Sq,
        Feature::X2Sq,
        Feature::X1X2,
        Feature::SinX1,
        Feature::SinX2,
    ];

    /// The feature's value at a point.
    pub fn eval(self, x: [f64; 2]) -> f64 {
        match self {
            Feature::X1 => x[0],
            Feature::X2 => x[1],
            Feature::X1Sq => x[0] * x[0],
            Feature::X2Sq => x[1] * x[1],
            Feature::X1X2 => x[0] * x[1],
            Feature::SinX1 => x[0].sin(),
            Feature::SinX2 => x[1].sin(),
        }
    }

    /// The feature's range over the data square `[-1, 1]²`, used to scale it into angles.
    pub fn natural_range(self) -> [f64; 2] {
        match self {
            Feature::X1 | Feature::X2 | Feature::X1X2 => [-1.0, 1.0],
            Feature::X1Sq | Feature::X2Sq => [0.0, 1.0],
            Feature::SinX1 | Feature::SinX2 => [-(1f64.sin()), 1f64.sin()],
        }
    }

    /// The name used in documents, e.g. `x1^2`.
    pub fn name(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1Sq => "x1^2",
            Feature::X2Sq => "x2^2",
            Feature::X1X2 => "x1*x2",
            Feature::SinX1 => "sin(x1)",
            Feature::SinX2 => "sin(x2)",
        }
    }
}

/// Where a gate angle comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Angle {
    /// A fixed angle.
    Const {
        /// The angle in radians.
        value: f64,
    },
    /// A trainable weight θ (its current value).
    Weight {
        /// The current value in radians.
        value: f64,
    },
    /// A data feature times a fixed scale: `scale · f`.
    Feature {
        /// Which feature.
        feature: Feature,
        /// The fixed factor.
        #[serde(default = "one")]
        scale: f64,
    },
    /// A data re-upload `w · f + b` with trainable `w` and `b`.
    Reupload {
        /// Which feature.
        feature: Feature,
        /// Trainable weight (current value).
        w: f64,
        /// Trainable bias (current value).
        b: f64,
    },
}

fn one() -> f64 {
    1.0
}

impl Angle {
    /// How many trainable numbers this angle owns.
    pub fn n_trainable(&self) -> usize {
        match self {
            Angle::Const { .. } | Angle::Feature { .. } => 0,
            Angle::Weight { .. } => 1,
            Angle::Reupload { .. } => 2,
        }
    }

    /// The feature the angle reads, if any.
    pub fn feature(&self) -> Option<Feature> {
        match self {
            Angle::Feature { feature, .. } | Angle::Reupload { feature, .. } => Some(*feature),
            _ => None,
        }
    }
}

/// One placed gate of the circuit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateSpec {
    /// The gate kind, by its PennyLane name (`H`, `RX`, `Rot`, `CNOT`, …).
    pub gate: GateKind,
    /// The gate's wires, controls of CNOT/CRX/… first.
    pub wires: Vec<usize>,
    /// Extra control wires (single-qubit gates only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<usize>,
    /// One binding per gate parameter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Angle>,
    /// The editor column; gates run column by column, in list order within a column.
    #[serde(default)]
    pub col: usize,
}

impl GateSpec {
    /// A gate whose angles are all constants.
    pub fn fixed(gate: GateKind, wires: &[usize], col: usize, values: &[f64]) -> GateSpec {
        GateSpec {
            gate,
            wires: wires.to_vec(),
            controls: vec![],
            params: values.iter().map(|&v| Angle::Const { value: v }).collect(),
            col,
        }
    }

    /// Every wire the gate touches (its own and its controls).
    pub fn all_wires(&self) -> impl Iterator<Item = usize> + '_ {
        self.wires.iter().chain(self.controls.iter()).copied()
    }
}

/// The circuit part of the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitSpec {
    /// Number of qubits (wires).
    pub qubits: usize,
    /// The placed gates.
    #[serde(default)]
    pub gates: Vec<GateSpec>,
}

/// How features become angles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FeatureMap {
    /// `None`: features enter as they are. `Some([lo, hi])`: each feature is mapped linearly
    /// from its natural range over `[-1, 1]²` onto `[lo, hi]` radians.
    #[serde(default)]
    pub range: Option<[f64; 2]>,
}

impl FeatureMap {
    /// The angle-ready value of a feature at a point.
    pub fn value(&self, f: Feature, x: [f64; 2]) -> f64 {
        let v = f.eval(x);
        match self.range {
            None => v,
            Some([lo, hi]) => {
                let [a, b] = f.natural_range();
                lo + (v - a) / (b - a) * (hi - lo)
            }
        }
    }
}

/// What is read from the final state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Readout {
    /// One expectation value per output, each of a Pauli string such as `Z0` or `Z0 Z1`.
    Expval {
        /// The observables, e.g. `["Z0"]`.
        observables: Vec<String>,
    },
    /// The fidelity of the output with one basis state per class, given as a bit string on the
    /// first wires (e.g. `["0", "1"]`, or `["00", "01", "10"]` for three classes).
    Fidelity {
        /// One label state per class.
        states: Vec<String>,
    },
}

/// The classical head after the readout: `output_j = scale_j · r_j + bias_j`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    /// Whether scale and bias are trained.
    #[serde(default)]
    pub trainable: bool,
    /// One scale per output (current values).
    pub scale: Vec<f64>,
    /// One bias per output (current values).
    pub bias: Vec<f64>,
}

/// Training hyper-parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingSpec {
    /// The optimizer and its learning rate.
    pub optimizer: OptimizerSpec,
    /// The loss.
    pub loss: LossKind,
    /// Points per optimizer step.
    pub batch_size: usize,
    /// How many epochs Play runs before stopping.
    pub epochs: usize,
    /// Seed for initial weights and shuffling.
    pub seed: u64,
    /// `None`: exact expectation values; `Some(n)`: estimated from `n` shots each.
    #[serde(default)]
    pub shots: Option<usize>,
    /// L2 penalty on the trainable numbers.
    #[serde(default)]
    pub l2: f64,
}

/// The classical baseline trained beside the hybrid model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineSpec {
    /// Whether the baseline is trained and drawn.
    pub enabled: bool,
    /// The MLP's hidden layer sizes.
    #[serde(flatten)]
    pub mlp: MlpSpec,
}

/// The whole playground document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The document format version ([`DOC_VERSION`]).
    pub version: u32,
    /// A title (lessons show it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// A short description or lesson text (shown as text, never as HTML).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The circuit.
    pub circuit: CircuitSpec,
    /// The feature map.
    #[serde(default)]
    pub features: FeatureMap,
    /// The readout.
    pub readout: Readout,
    /// The classical head.
    pub head: Head,
    /// The dataset.
    pub data: DatasetSpec,
    /// Training hyper-parameters.
    pub training: TrainingSpec,
    /// The classical baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSpec>,
    /// Controls a lesson locks (see [`LOCKABLE`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<String>,
}

impl Default for Document {
    fn default() -> Document {
        presets::default_document()
    }
}

fn finite(path: &str, v: f64) -> Result<(), DocError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(DocError::new(
            path,
            format!("must be a finite number, got {v}"),
        ))
    }
}

impl Document {
    /// Parses and validates a JSON document.
    pub fn from_json(text: &str) -> Result<Document, DocError> {
        if text.len() > MAX_DOC_BYTES {
            return Err(DocError::new(
                "",
                format!(
                    "the document is {} bytes; the limit is {MAX_DOC_BYTES} bytes",
                    text.len()
                ),
            ));
        }
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| DocError::new("", format!("not valid JSON: {e}")))?;
        Document::from_value(value)
    }

    /// Validates a parsed JSON value as a document.
    pub fn from_value(value: serde_json::Value) -> Result<Document, DocError> {
        match value.get("version") {
            None => return Err(DocError::new("version", "is missing")),
            Some(v) => match v.as_u64() {
                Some(n) if n as u32 as u64 == n && n as u32 > DOC_VERSION => {
                    return Err(DocError::new(
                        "version",
                        format!(
                            "this document is version {n}, newer than this playground reads \
                             (version {DOC_VERSION}); open it in a newer playground"
                        ),
                    ))
                }
                Some(0) | None => {
                    return Err(DocError::new(
                        "version",
                        format!("must be a whole number from 1 to {DOC_VERSION}, got {v}"),
                    ))
                }
                Some(_) => {}
            },
        }
        let doc: Document = serde_json::from_value(value)
            .map_err(|e| DocError::new("", format!("does not match the document format: {e}")))?;
        doc.validate()?;
        Ok(doc)
    }

    /// The document as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The document as compact JSON.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The number of classes of the dataset.
    pub fn n_classes(&self) -> usize {
        if self.data.kind == DatasetKind::Custom {
            self.data
                .custom
                .iter()
                .map(|r| r[2] as usize + 1)
                .max()
                .unwrap_or(0)
        } else {
            self.data.kind.n_classes()
        }
    }

    /// The number of model outputs the readout produces.
    pub fn n_outputs(&self) -> usize {
        match &self.readout {
            Readout::Expval { observables } => observables.len(),
            Readout::Fidelity { states } => states.len(),
        }
    }

    /// Checks every rule a document must obey; the error names the field.
    pub fn validate(&self) -> Result<(), DocError> {
        if self.version == 0 || self.version > DOC_VERSION {
            return Err(DocError::new(
                "version",
                format!("must be 1 to {DOC_VERSION}, got {}", self.version),
            ));
        }
        if self.title.len() > 200 {
            return Err(DocError::new("title", "is longer than 200 characters"));
        }
        if self.description.len() > 20_000 {
            return Err(DocError::new(
                "description",
                "is longer than 20000 characters",
            ));
        }
        self.validate_circuit()?;
        if let Some([lo, hi]) = self.features.range {
            finite("features.range[0]", lo)?;
            finite("features.range[1]", hi)?;
            if lo >= hi {
                return Err(DocError::new(
                    "features.range",
                    format!("the low end ({lo}) must be below the high end ({hi})"),
                ));
            }
        }
        self.data
            .validate()
            .map_err(|e| DocError::new("data", e.to_string()))?;
        let n_classes = self.n_classes();
        self.validate_readout(n_classes)?;
        let outs = self.n_outputs();
        if self.head.scale.len() != outs || self.head.bias.len() != outs {
            return Err(DocError::new(
                "head",
                format!(
                    "needs one scale and one bias per output ({outs}), has {} and {}",
                    self.head.scale.len(),
                    self.head.bias.len()
                ),
            ));
        }
        for (i, v) in self.head.scale.iter().enumerate() {
            finite(&format!("head.scale[{i}]"), *v)?;
        }
        for (i, v) in self.head.bias.iter().enumerate() {
            finite(&format!("head.bias[{i}]"), *v)?;
        }
        self.validate_training(n_classes, outs)?;
        if let Some(b) = &self.baseline {
            b.mlp
                .validate()
                .map_err(|e| DocError::new("baseline", e.to_string()))?;
        }
        for (i, l) in self.locked.iter().enumerate() {
            if !LOCKABLE.contains(&l.as_str()) {
                return Err(DocError::new(
                    format!("locked[{i}]"),
                    format!(
                        "'{}' is not a control that can be locked; use any of: {}",
                        truncate(l, 40),
                        LOCKABLE.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_circuit(&self) -> Result<(), DocError> {
        let n = self.circuit.qubits;
        if n == 0 || n > MAX_QUBITS {
            let extra = if n > MAX_QUBITS {
                crate::sim::check_qubits_with_limit(n, MAX_QUBITS)
                    .err()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            return Err(DocError::new(
                "circuit.qubits",
                format!("must be from 1 to {MAX_QUBITS}, got {n}{extra}"),
            ));
        }
        if self.circuit.gates.len() > MAX_GATES {
            return Err(DocError::new(
                "circuit.gates",
                format!(
                    "has {} gates; the limit is {MAX_GATES}",
                    self.circuit.gates.len()
                ),
            ));
        }
        for (i, g) in self.circuit.gates.iter().enumerate() {
            let path = format!("circuit.gates[{i}]");
            let name = g.gate.name();
            if g.wires.len() != g.gate.n_wires() {
                return Err(DocError::new(
                    format!("{path}.wires"),
                    format!(
                        "{name} acts on {} wire(s), {} given",
                        g.gate.n_wires(),
                        g.wires.len()
                    ),
                ));
            }
            if !g.controls.is_empty() && !g.gate.is_single_qubit() {
                return Err(DocError::new(
                    format!("{path}.controls"),
                    format!("only single-qubit gates take extra controls, not {name}"),
                ));
            }
            let all: Vec<usize> = g.all_wires().collect();
            for (k, &w) in all.iter().enumerate() {
                if w >= n {
                    return Err(DocError::new(
                        format!("{path}.wires"),
                        format!(
                            "wire {w} does not exist; the circuit has wires 0 to {}",
                            n - 1
                        ),
                    ));
                }
                if all[..k].contains(&w) {
                    return Err(DocError::new(
                        format!("{path}.wires"),
                        format!("{name} uses wire {w} twice"),
                    ));
                }
            }
            if g.params.len() != g.gate.n_params() {
                return Err(DocError::new(
                    format!("{path}.params"),
                    format!(
                        "{name} takes {} angle(s), {} given",
                        g.gate.n_params(),
                        g.params.len()
                    ),
                ));
            }
            for (k, a) in g.params.iter().enumerate() {
                let p = format!("{path}.params[{k}]");
                match a {
                    Angle::Const { value } | Angle::Weight { value } => finite(&p, *value)?,
                    Angle::Feature { scale, .. } => finite(&format!("{p}.scale"), *scale)?,
                    Angle::Reupload { w, b, .. } => {
                        finite(&format!("{p}.w"), *w)?;
                        finite(&format!("{p}.b"), *b)?;
                    }
                }
            }
            if g.col > MAX_GATES {
                return Err(DocError::new(
                    format!("{path}.col"),
                    format!("column {} is beyond the last column ({MAX_GATES})", g.col),
                ));
            }
        }
        // Two gates in one column must not share a wire.
        for (i, a) in self.circuit.gates.iter().enumerate() {
            for (j, b) in self.circuit.gates.iter().enumerate().skip(i + 1) {
                if a.col == b.col {
                    if let Some(w) = a.all_wires().find(|w| b.all_wires().any(|v| v == *w)) {
                        return Err(DocError::new(
                            format!("circuit.gates[{j}]"),
                            format!(
                                "{} overlaps gate {i} ({}) on wire {w} in column {}",
                                b.gate.name(),
                                a.gate.name(),
                                a.col
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_readout(&self, n_classes: usize) -> Result<(), DocError> {
        let n = self.circuit.qubits;
        match &self.readout {
            Readout::Expval { observables } => {
                if observables.is_empty() || observables.len() > 16 {
                    return Err(DocError::new(
                        "readout.observables",
                        "needs from 1 to 16 observables",
                    ));
                }
                for (i, o) in observables.iter().enumerate() {
                    let p: PauliString = o.parse().map_err(|e: crate::sim::SimError| {
                        DocError::new(format!("readout.observables[{i}]"), e.to_string())
                    })?;
                    p.validate(n).map_err(|e| {
                        DocError::new(format!("readout.observables[{i}]"), e.to_string())
                    })?;
                }
            }
            Readout::Fidelity { states } => {
                if states.len() != n_classes {
                    return Err(DocError::new(
                        "readout.states",
                        format!(
                            "needs one label state per class ({n_classes}), has {}",
                            states.len()
                        ),
                    ));
                }
                for (i, s) in states.iter().enumerate() {
                    if s.is_empty() || s.len() > n || !s.chars().all(|c| c == '0' || c == '1') {
                        return Err(DocError::new(
                            format!("readout.states[{i}]"),
                            format!(
                                "'{}' must be a bit string of 1 to {n} characters (one per wire from wire 0)",
                                truncate(s, 40)
                            ),
                        ));
                    }
                    if s.len() != states[0].len() {
                        return Err(DocError::new(
                            format!("readout.states[{i}]"),
                            "every label state must have the same length",
                        ));
                    }
                    if states[..i].contains(s) {
                        return Err(DocError::new(
                            format!("readout.states[{i}]"),
                            format!("'{s}' is used for two classes"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_training(&self, n_classes: usize, outs: usize) -> Result<(), DocError> {
        let t = &self.training;
        t.optimizer
            .validate()
            .map_err(|e| DocError::new("training.optimizer", e.to_string()))?;
        if t.batch_size == 0 || t.batch_size > crate::data::MAX_POINTS {
            return Err(DocError::new(
                "training.batch_size",
                format!(
                    "must be from 1 to {}, got {}",
                    crate::data::MAX_POINTS,
                    t.batch_size
                ),
            ));
        }
        if t.epochs == 0 || t.epochs > MAX_EPOCHS {
            return Err(DocError::new(
                "training.epochs",
                format!("must be from 1 to {MAX_EPOCHS}, got {}", t.epochs),
            ));
        }
        if let Some(s) = t.shots {
            if s == 0 || s > MAX_SHOTS {
                return Err(DocError::new(
                    "training.shots",
                    format!("must be from 1 to {MAX_SHOTS} (or null for exact), got {s}"),
                ));
            }
        }
        finite("training.l2", t.l2)?;
        if t.l2 < 0.0 {
            return Err(DocError::new("training.l2", "must not be negative"));
        }
        let fid = matches!(self.readout, Readout::Fidelity { .. });
        let ok = match t.loss {
            LossKind::Fidelity => fid,
            LossKind::Mse => !fid && (outs == 1 && n_classes == 2 || outs == n_classes),
            LossKind::Bce => !fid && outs == 1 && n_classes == 2,
            LossKind::CrossEntropy => !fid && outs == n_classes,
        };
        if !ok {
            let need = match t.loss {
                LossKind::Fidelity => "a fidelity readout".to_string(),
                LossKind::Mse => format!(
                    "an expectation readout with 1 output (2 classes) or one per class ({n_classes})"
                ),
                LossKind::Bce => {
                    "an expectation readout with 1 output and a 2-class dataset".to_string()
                }
                LossKind::CrossEntropy => {
                    format!("an expectation readout with one output per class ({n_classes})")
                }
            };
            return Err(DocError::new(
                "training.loss",
                format!(
                    "the {:?} loss needs {need}; this document has {outs} output(s) and {n_classes} classes",
                    t.loss
                ),
            ));
        }
        Ok(())
    }

    /// Whether a control is locked by the lesson.
    pub fn is_locked(&self, control: &str) -> bool {
        self.locked.iter().any(|l| l == control)
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

/// A dataset spec with the given kind and otherwise the playground's defaults.
pub fn dataset(kind: DatasetKind, points: usize, seed: u64) -> DatasetSpec {
    DatasetSpec {
        kind,
        points,
        noise: 0.0,
        train_ratio: 0.5,
        seed,
        custom: vec![],
        test_points: None,
    }
}

#[cfg(test)]
mod tests;
