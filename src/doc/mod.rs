//! The playground document: one versioned, serde-described JSON value holding everything a user
//! can set — dataset, preprocessing, classical layers before the circuit (pre-net), feature map,
//! circuit (qubits, gates, controls, angle bindings), readout, head, classical layers after it
//! (post-net), training hyper-parameters, classical baseline, where a run stands, and which
//! controls are locked.
//!
//! The same document is the editor's state, the URL hash, the embed configuration, the CLI's
//! input and the file a user downloads. Parsing it validates it: [`Document::from_json`] returns
//! a [`DocError`] naming the field and the reason, and never a half-valid document.
//!
//! Documents of version 1 (2-D data, no classical layers) read unchanged: every field version 2
//! added has a default, so the version rule is "read 1 and 2, write 2".
//!
//! May import `sim` (gate kinds, Pauli strings), `data`, `learn` (specs only), `rng` and serde;
//! knows nothing of the model, the trainer or the web.
//!
//! ```
//! let doc = qmlp::doc::Document::default();
//! let json = doc.to_json();
//! assert_eq!(qmlp::doc::Document::from_json(&json).unwrap(), doc);
//! ```

use serde::{Deserialize, Serialize};

pub use crate::analysis::AnalysisResult;

use crate::data::{DatasetKind, DatasetSpec};
use crate::learn::dense::Activation;
use crate::learn::loss::LossKind;
use crate::learn::mlp::MlpSpec;
use crate::learn::optim::OptimizerSpec;
use crate::sim::GateKind;

mod feature;
mod fit;
mod labels;
mod noise;
mod paper;
mod presets;
pub mod share;
mod state;
mod validate;
pub use feature::{Feature, Source, MAX_SOURCE};
pub use fit::{fit_readout, fit_to_data};
pub use labels::{default_label_states, BlochPoint, LabelState};
pub use noise::{
    GateName, NoiseEngine, NoiseSpec, ReadoutSpec, DEFAULT_TRAJECTORIES, MAX_DOC_TRAJECTORIES,
    NOISE_PRESETS,
};
pub use paper::{paper_document, paper_document_from, paper_label_states};
pub use presets::{
    next_col, next_template_layer, preset, template, template_layer, PRESETS, TEMPLATES,
};
pub use state::{
    rng_state, rng_words, BaselineRun, EditMark, GradientRecord, HexU64, History, RngState,
    RunState, MAX_HISTORY,
};
pub use validate::{ValidDocument, MAX_LANDSCAPE_RESOLUTION};

/// The document version this engine writes and the newest it reads.
pub const DOC_VERSION: u32 = 2;
/// The most dense layers the pre-net or the post-net may have.
pub const MAX_DENSE_LAYERS: usize = 4;
/// The most units a dense layer of the pre-net or the post-net may have.
pub const MAX_DENSE_UNITS: usize = 64;
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
/// The largest magnitude a trainable number may have: an angle of a million radians has lost
/// all meaning, and a head scale that large only grows on (training stops there too).
pub const MAX_WEIGHT: f64 = 1e6;
/// The names of the controls a lesson can lock.
pub const LOCKABLE: &[&str] = &[
    "circuit", "data", "features", "readout", "training", "baseline", "export", "noise",
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
    /// The gate kind, by its PennyLane name (`H`, `RX`, `Rot`, `CNOT`, …), or a noise
    /// channel (`DepolarizingChannel`, …: one wire, one constant parameter, its strength).
    pub gate: GateName,
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
            gate: gate.into(),
            wires: wires.to_vec(),
            controls: vec![],
            params: values.iter().map(|&v| Angle::Const { value: v }).collect(),
            col,
        }
    }

    /// A noise channel of `kind` on `wire` with `strength` (p or γ).
    pub fn channel(
        kind: crate::sim::ChannelKind,
        wire: usize,
        col: usize,
        strength: f64,
    ) -> GateSpec {
        GateSpec {
            gate: kind.into(),
            wires: vec![wire],
            controls: vec![],
            params: vec![Angle::Const { value: strength }],
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
    /// The angle-ready value of a feature whose raw value is `v` and whose natural range is
    /// `natural` (see [`Feature::natural_range`]).
    #[inline]
    pub fn scale(&self, v: f64, natural: [f64; 2]) -> f64 {
        match self.range {
            None => v,
            Some([lo, hi]) => {
                let [a, b] = natural;
                if b > a {
                    lo + (v - a) / (b - a) * (hi - lo)
                } else {
                    lo
                }
            }
        }
    }

    /// The factor [`scale`](Self::scale) multiplies a feature's change by.
    #[inline]
    pub fn slope(&self, natural: [f64; 2]) -> f64 {
        match self.range {
            None => 1.0,
            Some([lo, hi]) => {
                let [a, b] = natural;
                if b > a {
                    (hi - lo) / (b - a)
                } else {
                    0.0
                }
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
    /// The fidelity of the output with one label state per class: a bit string on the first
    /// wires (`["0", "1"]`, or `["00", "01", "10"]` for three classes), a Bloch point
    /// `{"theta": θ, "phi": φ}` of wire 0, or a list of Bloch points (a product state of the
    /// first wires) — see [`LabelState`]. The fidelity with a state `|φ⟩` of the first `m`
    /// wires is `⟨ψ|(|φ⟩⟨φ| ⊗ I)|ψ⟩`; the predicted class is the one of highest fidelity.
    Fidelity {
        /// One label state per class.
        states: Vec<LabelState>,
        /// Per class, the fidelity of every wire's reduced state with the class's single-qubit
        /// label state, class-major (`classes × qubits` values: class 0 on wires 0, 1, …, then
        /// class 1, …): the multi-qubit readout of the paper's weighted fidelity cost χ_wf.
        #[serde(default, skip_serializing_if = "is_false")]
        per_wire: bool,
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
    /// The MLP's hidden layer sizes (ignored when `budget` is set).
    #[serde(default)]
    pub hidden: Vec<usize>,
    /// "Same parameter budget": one hidden layer as wide as makes the MLP's parameter count
    /// closest to the hybrid model's trainable count, for a fair comparison.
    #[serde(default, skip_serializing_if = "is_false")]
    pub budget: bool,
}

impl BaselineSpec {
    /// The network shape it asks for (before any budget is applied).
    pub fn mlp(&self) -> MlpSpec {
        MlpSpec {
            hidden: self.hidden.clone(),
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One dense layer of the pre-net or the post-net: `y = act(W·x + b)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenseSpec {
    /// Outputs (units), 1 to [`MAX_DENSE_UNITS`].
    pub units: usize,
    /// The non-linearity.
    #[serde(default)]
    pub activation: Activation,
    /// The weights, row-major `units × inputs`, current values; empty: drawn from the training
    /// seed when the model is built (Glorot-uniform, He-uniform for ReLU).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<f64>,
    /// The biases (`units`), current values; empty: zeros.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bias: Vec<f64>,
}

impl DenseSpec {
    /// A layer with no weights yet (they are drawn when the model is built).
    pub fn new(units: usize, activation: Activation) -> DenseSpec {
        DenseSpec {
            units,
            activation,
            weights: Vec::new(),
            bias: Vec::new(),
        }
    }
}

/// Classical preprocessing of the data before anything trainable sees it, fitted on the
/// training split: standardisation (zero mean, unit variance per input) and/or PCA onto the
/// first `pca` principal components.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Preprocess {
    /// Standardise every input with the training split's mean and standard deviation.
    #[serde(default, skip_serializing_if = "is_false")]
    pub standardize: bool,
    /// Project onto this many principal components of the training split (after
    /// standardising, if chosen); the model's inputs are then `x1 … x{pca}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pca: Option<usize>,
}

impl Preprocess {
    /// Whether it changes nothing.
    pub fn is_identity(&self) -> bool {
        !self.standardize && self.pca.is_none()
    }
}

/// The whole playground document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The document format version ([`DOC_VERSION`]; version 1 documents are read too).
    pub version: u32,
    /// A title (lessons show it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// A short description or lesson text (shown as text, never as HTML).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The dataset.
    pub data: DatasetSpec,
    /// Classical preprocessing of the inputs.
    #[serde(default, skip_serializing_if = "Preprocess::is_identity")]
    pub preprocess: Preprocess,
    /// Dense layers before the circuit: their last layer's outputs are the features `h1, h2, …`
    /// a gate angle can bind to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_net: Vec<DenseSpec>,
    /// The feature map.
    #[serde(default)]
    pub features: FeatureMap,
    /// The circuit.
    pub circuit: CircuitSpec,
    /// The readout.
    pub readout: Readout,
    /// The classical head after the readout (scale and bias per readout value).
    pub head: Head,
    /// Dense layers after the head: their last layer's outputs are the model's outputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_net: Vec<DenseSpec>,
    /// Training hyper-parameters.
    pub training: TrainingSpec,
    /// The classical baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSpec>,
    /// Where a run stands (epoch, optimizer state, history), so that a link, a download or the
    /// autosave continues it exactly; absent for a fresh document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<RunState>,
    /// Controls a lesson locks (see [`LOCKABLE`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<String>,
    /// The noise model applied after every gate and the engine of a noisy document (left out
    /// while ideal).
    #[serde(default, skip_serializing_if = "NoiseSpec::is_default")]
    pub noise: NoiseSpec,
    /// The training debugger's finished analyses (at most one of each kind), so a link or a
    /// download shows them without recomputing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub analyses: Vec<AnalysisResult>,
}

impl Default for Document {
    fn default() -> Document {
        presets::default_document()
    }
}

impl Document {
    /// Parses and validates a JSON document (version 1 or 2).
    pub fn from_json(text: &str) -> Result<ValidDocument, DocError> {
        validate::parse(text)
    }

    /// Validates a parsed JSON value as a document.
    pub fn from_value(value: serde_json::Value) -> Result<ValidDocument, DocError> {
        validate::from_value(value)
    }

    /// Checks every rule a document must obey; the error names the field.
    pub fn validate(&self) -> Result<(), DocError> {
        validate::validate(self)
    }

    /// Checks the document and wraps it as a [`ValidDocument`].
    pub fn validated(self) -> Result<ValidDocument, DocError> {
        ValidDocument::new(self)
    }

    /// The document as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The document as compact JSON.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The number of classes of the dataset (0 if its rows are unusable).
    pub fn n_classes(&self) -> usize {
        self.data.n_classes().unwrap_or(0)
    }

    /// The input dimension of the raw data points.
    pub fn data_dim(&self) -> usize {
        self.data.dim()
    }

    /// The number of inputs the model sees after preprocessing (`x1 … xN`).
    pub fn n_inputs(&self) -> usize {
        self.preprocess.pca.unwrap_or_else(|| self.data.dim())
    }

    /// The number of pre-net outputs (`h1 … hM`; 0 without a pre-net).
    pub fn n_hidden(&self) -> usize {
        self.pre_net.last().map_or(0, |l| l.units)
    }

    /// The number of values the readout produces.
    pub fn n_readouts(&self) -> usize {
        match &self.readout {
            Readout::Expval { observables } => observables.len(),
            Readout::Fidelity {
                states,
                per_wire: true,
            } => states.len() * self.circuit.qubits,
            Readout::Fidelity { states, .. } => states.len(),
        }
    }

    /// The number of model outputs the loss sees (the post-net's width, else the readout's).
    pub fn n_outputs(&self) -> usize {
        self.post_net
            .last()
            .map_or_else(|| self.n_readouts(), |l| l.units)
    }

    /// The features a gate angle can bind to in this document, in menu order.
    pub fn feature_menu(&self) -> Vec<Feature> {
        Feature::menu(self.n_inputs(), self.n_hidden())
    }

    /// Whether a control is locked by the lesson.
    pub fn is_locked(&self, control: &str) -> bool {
        self.locked.iter().any(|l| l == control)
    }

    /// True when anything in the document is noisy: a channel in the circuit, or a noise
    /// model that changes anything.
    pub fn is_noisy(&self) -> bool {
        self.noise.is_noisy()
            || self
                .circuit
                .gates
                .iter()
                .any(|g| g.gate.channel().is_some())
    }

    /// The same document without its run state (weights are kept).
    pub fn without_state(mut self) -> Document {
        self.state = None;
        self
    }
}

pub(crate) fn truncate(s: &str, n: usize) -> String {
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
        ..DatasetSpec::default()
    }
}

#[cfg(test)]
mod tests;
