//! The WebAssembly facade: the only module that touches wasm-bindgen, js-sys, web-sys,
//! serde-wasm-bindgen and plotters-canvas. Thin wrappers over the core: every exported
//! function returns `Result` and turns the core's typed error into a JS `Error` whose `message`
//! the page shows and whose `path` (a document field such as `circuit.gates[3].wires`), `line`
//! and `column` (of a CSV or QASM text) say where; a panic hook installed at start-up reports
//! any panic to the page (through `globalThis.__qmlpOnPanic`) instead of leaving it dead.
//!
//! The page learns every domain rule from here — the datasets, losses, activations, gate
//! kinds, limits ([`catalog`]) and what a document implies ([`document_info`],
//! [`fit_readout`]) — and keeps no copy of its own.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::data::{DataError, DatasetKind, LabelColumn};
use crate::doc::{self, DocError, Document};
use crate::learn::dense::Activation;
use crate::learn::loss::LossKind;
use crate::plot::BoundaryOptions;
use crate::sim::GateKind;
use crate::train::{Plane, TestEval, TrainError, Trainer};
use crate::view::{self, BoundaryView, Metric};

#[cfg(feature = "bench")]
mod bench;
mod debug;
mod draw;
mod parallel;
mod views;
pub use debug::{with_analysis, AnalysisRunner};
pub use draw::draw_dataset_thumbnail;

/// Installs the panic hook; runs once when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("internal error in the engine: {info}");
        web_sys::console::error_1(&JsValue::from_str(&msg));
        let global = js_sys::global();
        if let Ok(f) = js_sys::Reflect::get(&global, &JsValue::from_str("__qmlpOnPanic")) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&msg));
            }
        }
    }));
}

/// An error on its way to the page: the message, and where it is when the core knows.
pub(crate) struct Failure {
    message: String,
    /// What is wrong without the location prefix.
    detail: String,
    path: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
}

impl Failure {
    fn msg(m: impl Into<String>) -> Failure {
        let m = m.into();
        Failure {
            detail: m.clone(),
            message: m,
            path: None,
            line: None,
            column: None,
        }
    }
}

impl From<DocError> for Failure {
    fn from(e: DocError) -> Failure {
        Failure {
            message: e.to_string(),
            detail: e.message.clone(),
            path: (!e.path.is_empty()).then_some(e.path),
            line: None,
            column: None,
        }
    }
}

impl From<TrainError> for Failure {
    fn from(e: TrainError) -> Failure {
        match e {
            TrainError::Doc(d) | TrainError::Model(crate::model::ModelError::Doc(d)) => d.into(),
            TrainError::Data(d) => Failure {
                message: e_to_string(&d),
                detail: e_to_string(&d),
                path: d.path().map(|p| format!("data.{p}")),
                line: d.line_number(),
                column: None,
            },
            other => {
                let path = other.path();
                Failure {
                    path,
                    ..Failure::msg(other.to_string())
                }
            }
        }
    }
}

fn e_to_string(e: &DataError) -> String {
    e.to_string()
}

impl From<DataError> for Failure {
    fn from(e: DataError) -> Failure {
        Failure {
            message: e.to_string(),
            detail: e.to_string(),
            path: e.path(),
            line: e.line_number(),
            column: None,
        }
    }
}

impl From<crate::interop::InteropError> for Failure {
    fn from(e: crate::interop::InteropError) -> Failure {
        Failure {
            message: e.to_string(),
            detail: e.message.clone(),
            path: None,
            line: e.line,
            column: e.column,
        }
    }
}

impl From<crate::plot::PlotError> for Failure {
    fn from(e: crate::plot::PlotError) -> Failure {
        Failure::msg(e.to_string())
    }
}

impl From<String> for Failure {
    fn from(m: String) -> Failure {
        Failure::msg(m)
    }
}

impl From<&str> for Failure {
    fn from(m: &str) -> Failure {
        Failure::msg(m)
    }
}

impl From<Failure> for JsValue {
    fn from(f: Failure) -> JsValue {
        let e = js_sys::Error::new(&f.message);
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&e, &JsValue::from_str(k), &v);
        };
        set("detail", JsValue::from_str(&f.detail));
        if let Some(p) = f.path {
            set("path", JsValue::from_str(&p));
        }
        if let Some(l) = f.line {
            set("line", JsValue::from_f64(l as f64));
        }
        if let Some(c) = f.column {
            set("column", JsValue::from_f64(c as f64));
        }
        e.into()
    }
}

/// Results the facade returns.
pub(crate) type Res<T> = Result<T, JsValue>;

pub(crate) fn fail(m: impl Into<String>) -> JsValue {
    Failure::msg(m).into()
}

/// Any displayable error as a JS `Error` (for the drawing code's plotters and canvas errors).
pub(crate) fn err(e: impl std::fmt::Display) -> JsValue {
    fail(e.to_string())
}

pub(crate) fn to_js<T: Serialize>(v: &T) -> Res<JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| fail(e.to_string()))
}

pub(crate) fn from_js<T: for<'de> Deserialize<'de> + Default>(v: JsValue) -> Res<T> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(v).map_err(|e| fail(format!("bad options: {e}")))
}

pub(crate) fn finite(name: &str, v: f64) -> Res<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(fail(format!("{name} must be a finite number, got {v}")))
    }
}

fn parse(json: &str) -> Res<doc::ValidDocument> {
    Document::from_json(json).map_err(|e| Failure::from(e).into())
}

/// A document the page may run: valid, and within the page's limits (checked before anything
/// is allocated, so a link with 24 qubits cannot freeze the tab).
fn parse_for_page(json: &str) -> Res<doc::ValidDocument> {
    let d = parse(json)?;
    let q = d.circuit.qubits;
    if q > PAGE_QUBITS {
        let detail = format!(
            "this playground has {q} qubits; the page runs at most {PAGE_QUBITS} (the \
             command-line tool runs up to {})",
            doc::MAX_QUBITS
        );
        return Err(Failure {
            message: format!("circuit.qubits: {detail}"),
            detail,
            path: Some("circuit.qubits".into()),
            line: None,
            column: None,
        }
        .into());
    }
    Ok(d)
}

/// The engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::version().to_string()
}

/// The default playground document (JSON).
#[wasm_bindgen(js_name = defaultDocument)]
pub fn default_document() -> String {
    Document::default().to_json()
}

#[derive(Serialize)]
struct Named {
    name: &'static str,
    description: &'static str,
}

/// The built-in documents: `[{name, description}]`.
#[wasm_bindgen]
pub fn presets() -> Res<JsValue> {
    to_js(
        &doc::PRESETS
            .iter()
            .map(|&(name, description)| Named { name, description })
            .collect::<Vec<_>>(),
    )
}

/// A built-in document by name (JSON).
#[wasm_bindgen]
pub fn preset(name: &str) -> Res<String> {
    doc::preset(name)
        .map(|d| d.to_json())
        .map_err(|e| Failure::from(e).into())
}

/// Parses and validates a document; returns it normalised (pretty JSON) or throws with the
/// field's `path`. With `forPage`, also refuses documents above the page's limits.
#[wasm_bindgen(js_name = validateDocument)]
pub fn validate_document(json: &str, for_page: Option<bool>) -> Res<String> {
    if for_page.unwrap_or(false) {
        parse_for_page(json).map(|d| d.to_json())
    } else {
        parse(json).map(|d| d.to_json())
    }
}

#[derive(Serialize)]
struct GateInfo {
    name: &'static str,
    wires: usize,
    params: usize,
    group: &'static str,
    /// A channel's strength name ("p" or "gamma"); absent for gates.
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'static str>,
}

#[derive(Serialize)]
struct Labelled {
    name: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Limits {
    /// Qubits the page's editor offers.
    page_qubits: usize,
    /// Qubits any document may ask for.
    max_qubits: usize,
    max_gates: usize,
    max_points: usize,
    max_features: usize,
    max_csv_features: usize,
    max_classes: usize,
    max_epochs: usize,
    max_shots: usize,
    max_doc_bytes: usize,
    /// The largest CSV or QASM file the page reads.
    max_file_bytes: usize,
    max_hash_chars: usize,
    max_dense_layers: usize,
    max_dense_units: usize,
    max_weight: f64,
    lockable: &'static [&'static str],
    /// The most trajectories a document may ask for.
    max_trajectories: usize,
    /// The most qubits the density-matrix engine takes here.
    max_density_qubits: usize,
}

/// A noise preset for the page: every field spelled out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NoisePresetInfo {
    name: &'static str,
    p1: f64,
    p2: f64,
    amplitude_damping: f64,
    phase_damping: f64,
    p1_given_0: f64,
    p0_given_1: f64,
}

fn noise_presets() -> Vec<NoisePresetInfo> {
    doc::NOISE_PRESETS
        .iter()
        .filter_map(|&name| {
            let s = doc::NoiseSpec::preset(name)?;
            let r = s.readout_of(0);
            Some(NoisePresetInfo {
                name,
                p1: s.p1,
                p2: s.p2,
                amplitude_damping: s.amplitude_damping,
                phase_damping: s.phase_damping,
                p1_given_0: r.p1_given_0,
                p0_given_1: r.p0_given_1,
            })
        })
        .collect()
}

/// The qubits the page's editor offers (a document above it is refused by the page before
/// anything is allocated; the engine and the CLI go to 24).
pub const PAGE_QUBITS: usize = 16;

/// The largest CSV or QASM file the page reads, in bytes.
pub const MAX_FILE_BYTES: usize = 2_000_000;

#[derive(Serialize)]
struct Catalog {
    datasets: Vec<crate::data::KindInfo>,
    losses: Vec<Labelled>,
    optimizers: Vec<Labelled>,
    activations: Vec<&'static str>,
    gates: Vec<GateInfo>,
    noise_presets: Vec<NoisePresetInfo>,
    limits: Limits,
}

/// Everything the page needs to know about the engine's rules, in one object:
/// `{datasets: [{name, label, description, classes, dim, dims, group}], losses: [{name,
/// label}], optimizers: [{name, label}], activations, gates: [{name, wires, params, group}],
/// limits: {…}}`.
#[wasm_bindgen]
pub fn catalog() -> Res<JsValue> {
    to_js(&Catalog {
        datasets: DatasetKind::all().iter().map(|k| k.info()).collect(),
        losses: LossKind::ALL
            .iter()
            .map(|l| Labelled {
                name: l.name(),
                label: l.label(),
            })
            .collect(),
        optimizers: crate::learn::optim::OptimizerSpec::KINDS
            .iter()
            .map(|&(name, label)| Labelled { name, label })
            .collect(),
        activations: Activation::ALL.iter().map(|a| a.name()).collect(),
        gates: gate_list(),
        noise_presets: noise_presets(),
        limits: Limits {
            page_qubits: PAGE_QUBITS,
            max_qubits: doc::MAX_QUBITS,
            max_gates: doc::MAX_GATES,
            max_points: crate::data::MAX_POINTS,
            max_features: crate::data::MAX_FEATURES,
            max_csv_features: crate::data::MAX_CSV_FEATURES,
            max_classes: crate::data::MAX_CLASSES,
            max_epochs: doc::MAX_EPOCHS,
            max_shots: doc::MAX_SHOTS,
            max_doc_bytes: doc::MAX_DOC_BYTES,
            max_file_bytes: MAX_FILE_BYTES,
            max_hash_chars: doc::share::MAX_HASH_CHARS,
            max_dense_layers: doc::MAX_DENSE_LAYERS,
            max_dense_units: doc::MAX_DENSE_UNITS,
            max_weight: doc::MAX_WEIGHT,
            lockable: doc::LOCKABLE,
            max_trajectories: doc::MAX_DOC_TRAJECTORIES,
            max_density_qubits: crate::sim::MAX_DENSITY_QUBITS,
        },
    })
}

fn gate_list() -> Vec<GateInfo> {
    GateKind::all()
        .iter()
        .map(|&k| GateInfo {
            name: k.name(),
            wires: k.n_wires(),
            params: k.n_params(),
            group: if k.n_wires() > 1 {
                "two"
            } else if k.n_params() > 0 {
                "rotation"
            } else {
                "pauli"
            },
            parameter: None,
        })
        .chain(crate::sim::ChannelKind::all().iter().map(|&c| GateInfo {
            name: c.name(),
            wires: 1,
            params: 1,
            group: "noise",
            parameter: Some(c.parameter()),
        }))
        .collect()
}

/// The gate palette: `[{name, wires, params, group, parameter}]`, groups `pauli`, `rotation`,
/// `two` and `noise` (the channels, one wire, one fixed strength named by `parameter`, `p` or
/// `gamma`).
#[wasm_bindgen(js_name = gateKinds)]
pub fn gate_kinds() -> Res<JsValue> {
    to_js(&gate_list())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocInfo {
    classes: usize,
    /// Raw input dimension of the data.
    data_dim: usize,
    /// Inputs the model sees after preprocessing.
    inputs: usize,
    /// Pre-net outputs.
    hidden: usize,
    readouts: usize,
    outputs: usize,
    features: Vec<String>,
    /// The inputs' names.
    columns: Vec<String>,
    /// Trainable numbers of each pre-net layer (weights and biases), first layer first.
    pre_net_params: Vec<usize>,
    /// Trainable numbers of each post-net layer.
    post_net_params: Vec<usize>,
}

/// Weights and biases of each dense layer of a stack reading `n_in` values.
fn layer_params(layers: &[doc::DenseSpec], n_in: usize) -> Vec<usize> {
    let mut ins = n_in;
    layers
        .iter()
        .map(|l| {
            let n = l.units * (ins + 1);
            ins = l.units;
            n
        })
        .collect()
}

/// What a (valid) document implies: `{classes, dataDim, inputs, hidden, readouts, outputs,
/// features: [names a gate angle can bind], columns, preNetParams: [per layer],
/// postNetParams: [per layer]}`.
#[wasm_bindgen(js_name = documentInfo)]
pub fn document_info(json: &str) -> Res<JsValue> {
    let d = parse(json)?;
    to_js(&info_of(&d))
}

fn info_of(d: &Document) -> DocInfo {
    let columns = if d.data.columns.len() == d.data_dim() {
        d.data.columns.clone()
    } else {
        (1..=d.data_dim()).map(|i| format!("x{i}")).collect()
    };
    DocInfo {
        classes: d.n_classes(),
        data_dim: d.data_dim(),
        inputs: d.n_inputs(),
        hidden: d.n_hidden(),
        readouts: d.n_readouts(),
        outputs: d.n_outputs(),
        features: d.feature_menu().iter().map(|f| f.to_string()).collect(),
        columns,
        pre_net_params: layer_params(&d.pre_net, d.n_inputs()),
        post_net_params: layer_params(&d.post_net, d.n_readouts()),
    }
}

#[derive(Serialize)]
struct Fitted {
    json: String,
    note: String,
}

/// Fits a document (valid or not: typically one whose dataset just changed) to its data — the
/// input side (PCA, the pre-net's input width, features naming missing inputs), then readout,
/// head and loss to the number of classes; returns `{json, note}` with the note saying what
/// changed (empty when nothing had to). Throws when the classes cannot fit the circuit.
#[wasm_bindgen(js_name = fitReadout)]
pub fn fit_readout(json: &str) -> Res<String> {
    let mut d: Document =
        serde_json::from_str(json).map_err(|e| fail(format!("not a document: {e}")))?;
    let note = doc::fit_to_data(&mut d).map_err(Failure::from)?;
    let out = Fitted {
        json: d.to_json(),
        note,
    };
    serde_json::to_string(&out).map_err(|e| fail(e.to_string()))
}

/// The circuit templates: `[{name, description}]`.
#[wasm_bindgen]
pub fn templates() -> Res<JsValue> {
    to_js(
        &doc::TEMPLATES
            .iter()
            .map(|&(name, description)| Named { name, description })
            .collect::<Vec<_>>(),
    )
}

/// The gates of one template layer (JSON array of document gates) starting at column `col`.
#[wasm_bindgen]
pub fn template(name: &str, qubits: usize, col: usize, seed: f64) -> Res<String> {
    if !(1..=doc::MAX_QUBITS).contains(&qubits) {
        return Err(fail(format!(
            "qubits must be from 1 to {}",
            doc::MAX_QUBITS
        )));
    }
    let gates =
        doc::template(name, qubits, col, finite("seed", seed)? as u64).map_err(Failure::from)?;
    serde_json::to_string(&gates).map_err(|e| fail(e.to_string()))
}

/// The gates of one template layer appended to the circuit of a document (JSON): it starts at
/// the circuit's first free column, and a `strongly_entangling` layer after another one takes
/// the next CNOT range (see [`doc::next_template_layer`]), so layers inserted one by one form
/// PennyLane's `StronglyEntanglingLayers`.
#[wasm_bindgen(js_name = templateAfter)]
pub fn template_after(name: &str, json: &str, seed: f64) -> Res<String> {
    let d = parse(json)?;
    let c = &d.circuit;
    let layer = doc::next_template_layer(name, c.qubits, &c.gates);
    let gates = doc::template_layer(
        name,
        c.qubits,
        doc::next_col(&c.gates),
        finite("seed", seed)? as u64,
        layer,
    )
    .map_err(Failure::from)?;
    serde_json::to_string(&gates).map_err(|e| fail(e.to_string()))
}

/// The feature names of a 2-D document without a pre-net, in the editor's order (documents
/// with more inputs: [`document_info`]).
#[wasm_bindgen]
pub fn features() -> Res<JsValue> {
    to_js(
        &doc::Feature::menu(2, 0)
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>(),
    )
}

/// The document as a link fragment (`v1.…`, no `#`).
#[wasm_bindgen(js_name = encodeHash)]
pub fn encode_hash(json: &str) -> Res<String> {
    let d = parse(json)?;
    Ok(doc::share::encode_hash(&d))
}

/// Reads a link fragment (`v1.…` or `json:…`, `#` optional) into a document (pretty JSON);
/// throws with what is wrong with the link.
#[wasm_bindgen(js_name = decodeHash)]
pub fn decode_hash(hash: &str) -> Res<String> {
    doc::share::decode_hash(hash)
        .map(|d| d.to_json())
        .map_err(|e| Failure::from(e).into())
}

/// The longest link fragment [`decode_hash`] accepts, in characters.
#[wasm_bindgen(js_name = maxHashChars)]
pub fn max_hash_chars() -> usize {
    doc::share::MAX_HASH_CHARS
}

/// Imports an OpenQASM program: `{circuit, notes}` where `circuit` is the document's
/// circuit part (JSON string). Throws with the `line` and changes nothing on error.
#[wasm_bindgen(js_name = importQasm)]
pub fn import_qasm(text: &str) -> Res<JsValue> {
    let imp = crate::interop::qasm::import_qasm2(text).map_err(Failure::from)?;
    #[derive(Serialize)]
    struct Out {
        circuit: String,
        notes: Vec<String>,
    }
    to_js(&Out {
        circuit: serde_json::to_string(&imp.circuit).map_err(|e| fail(e.to_string()))?,
        notes: imp.notes,
    })
}

/// The columns of a CSV's first row: the header's names, or `column 1`, `column 2`, … when
/// the first row is data (what the label-column menu offers, also when the default label
/// column does not read).
#[wasm_bindgen(js_name = csvColumns)]
pub fn csv_columns(text: &str) -> Vec<String> {
    crate::data::csv_columns(text)
}

/// Parses a CSV table (header row optional; the label column by name or 0-based index,
/// default the last): `{columns, classNames, rows, header, labelColumn}` with rows `[x1, …,
/// xd, label]`, `header` every column's name in file order and `labelColumn` the label's
/// position in it. Throws
/// with the `line` (and the column in the message).
#[wasm_bindgen(js_name = parseCsv)]
pub fn parse_csv(text: &str, label: JsValue) -> Res<JsValue> {
    let col = if let Some(n) = label.as_f64() {
        if n < 0.0 || n.fract() != 0.0 {
            return Err(fail(
                "the label column is a whole number ≥ 0 or a column name",
            ));
        }
        LabelColumn::Index(n as usize)
    } else if let Some(s) = label.as_string() {
        LabelColumn::Name(s)
    } else {
        LabelColumn::Last
    };
    let t = crate::data::parse_table(text, &col).map_err(Failure::from)?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        columns: Vec<String>,
        class_names: Vec<String>,
        rows: Vec<Vec<f64>>,
        header: Vec<String>,
        label_column: usize,
    }
    to_js(&Out {
        columns: t.columns,
        class_names: t.class_names,
        rows: t.rows,
        header: t.header,
        label_column: t.label_column,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Metrics {
    epoch: usize,
    epochs: usize,
    steps: u64,
    train_loss: Option<f64>,
    test_loss: Option<f64>,
    train_acc: Option<f64>,
    test_acc: Option<f64>,
    params: usize,
    blocks: crate::model::BlockSizes,
    baseline_params: Option<usize>,
    baseline_hidden: Option<Vec<usize>>,
    baseline_train_loss: Option<f64>,
    baseline_test_loss: Option<f64>,
    baseline_train_acc: Option<f64>,
    baseline_test_acc: Option<f64>,
    classes: usize,
    train_points: usize,
    test_points: usize,
    train_counts: Vec<usize>,
    test_counts: Vec<usize>,
    class_names: Vec<String>,
    columns: Vec<String>,
    error: Option<String>,
    /// Whether the model trains under noise (the losses above are then the noisy ones).
    noisy: bool,
    /// The engine of a noisy model: "density matrix" or "trajectories".
    engine: Option<&'static str>,
    /// Under noise: the same weights run ideally.
    ideal_train_loss: Option<f64>,
    ideal_test_loss: Option<f64>,
    ideal_train_acc: Option<f64>,
    ideal_test_acc: Option<f64>,
    /// The numbers above are not yet of the current model: its evaluation is owed (a worker
    /// is computing it; see [`Playground::unevaluated`]).
    unevaluated: bool,
}

#[derive(Serialize)]
struct Updated {
    kept: bool,
    note: Option<String>,
    /// The document as accepted (normalised JSON, no run state): what the editor holds.
    json: String,
    /// The history waits for the new model's evaluation (see [`Playground::set_document`]).
    unevaluated: bool,
}

/// Milliseconds per unit of estimated work ([`Trainer::point_work`]) in the browser, for the
/// page's choice of what to leave to its worker: 2^20 units of evaluation take about 0.18 ms of
/// wasm. Measured in headless Chromium on the 12-qubit re-uploading preset widened to 16
/// qubits: evaluating both splits took 27, 47, 101, 205, 382 ms at 12…16 qubits, one epoch
/// with its evaluation 76, 155, 312, 635, 1182 ms (training a point costs about four
/// evaluations of it, [`Trainer::epoch_work`]).
const BROWSER_MS_PER_WORK: f64 = 0.18 / 1_048_576.0;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Confusion {
    classes: usize,
    /// No counts yet: a worker computes them (the counts are zeros meanwhile).
    pending: bool,
    /// `classes × classes` counts, row-major: row = true class, column = predicted class.
    counts: Vec<usize>,
    class_names: Vec<String>,
    /// How many points the split holds.
    points: usize,
}

/// One playground: a document, its trainer, and the views drawn from it.
#[wasm_bindgen]
pub struct Playground {
    pub(crate) trainer: Trainer,
    /// The boundary view, the version and plane it was computed at.
    /// The last boundary view: (version, grid size, plane, installed from a worker, view).
    boundary: Option<(u64, usize, Plane, bool, BoundaryView)>,
    version: u64,
    /// The plane the boundary plot shows: two raw inputs (the others at their training mean)
    /// or two preprocessed ones (principal components).
    plane: Plane,
    /// The confusion matrix, the version it is for, and whether of the test split.
    confusion_cache: Option<(u64, bool, Vec<usize>)>,
    /// Show the last views even for older weights (see `setStaleViews`).
    stale_views: bool,
}

pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn point(x: &[f64], dim: usize) -> Res<Vec<f64>> {
    if x.len() != dim {
        return Err(fail(format!(
            "the point has {} coordinates; the data has {dim} input(s)",
            x.len()
        )));
    }
    for (i, v) in x.iter().enumerate() {
        finite(&format!("x{}", i + 1), *v)?;
    }
    Ok(x.to_vec())
}

#[wasm_bindgen]
impl Playground {
    /// A playground for a document (JSON): a document with a run state continues that run.
    /// With `defer_over_ms`, a model whose evaluation is estimated slower than that
    /// ([`Playground::evaluation_ms`]) starts [`Playground::unevaluated`], for a worker to
    /// settle (as [`Playground::set_document`] does). Throws on an invalid document.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str, defer_over_ms: Option<f64>) -> Res<Playground> {
        let doc = parse_for_page(json)?;
        let mut trainer = if defer_over_ms.is_some() {
            Trainer::new_unevaluated(doc)
        } else {
            Trainer::new(doc)
        }
        .map_err(Failure::from)?;
        trainer.set_test_eval(TestEval::OnRequest);
        let mut pg = Playground {
            trainer,
            boundary: None,
            version: 0,
            plane: Plane::raw([0, 1]),
            confusion_cache: None,
            stale_views: false,
        };
        // A snapshot that arrives owed its evaluation stays so without a threshold (the
        // worker that is given it settles it itself).
        if defer_over_ms.is_some() {
            pg.settle_unless_slow(defer_over_ms);
        }
        Ok(pg)
    }

    /// Replaces the document (validated once, here). Keeps the training state when only
    /// hyper-parameters (or weights, title, locks) changed; a structural edit keeps the run
    /// and says what starts fresh; a document with a run state replaces the run. Throws and
    /// keeps the old document on error. Returns `{kept, note, json}` with `json` the accepted
    /// document normalised (so the page validates each edit once, here).
    ///
    /// With `fresh` (a whole document opened: a preset, a file, a link) a document without a
    /// run state starts a new run instead of going on with the current one as an edit.
    ///
    /// With `defer_over_ms`, when evaluating the model for the history would take longer than
    /// that (estimated: [`Playground::evaluation_ms`] of the new model), the evaluation is left
    /// for later: `unevaluated` is then true in the result (and [`Playground::unevaluated`]),
    /// and [`Playground::settle`] — here or on a worker holding the snapshot — or the first
    /// training step records it, with the same numbers.
    #[wasm_bindgen(js_name = setDocument)]
    pub fn set_document(
        &mut self,
        json: &str,
        fresh: Option<bool>,
        defer_over_ms: Option<f64>,
    ) -> Res<JsValue> {
        let d = parse_for_page(json)?;
        let normalized = d.clone().into_inner().without_state().to_json();
        let out = if fresh == Some(true) {
            self.trainer = Trainer::new_unevaluated(d).map_err(Failure::from)?;
            crate::train::UpdateOutcome {
                kept: false,
                note: None,
            }
        } else {
            self.trainer
                .deferring(|t| t.update(d))
                .map_err(Failure::from)?
        };
        self.trainer.set_test_eval(TestEval::OnRequest);
        self.settle_unless_slow(defer_over_ms);
        self.version += 1;
        to_js(&Updated {
            kept: out.kept,
            note: out.note,
            json: normalized,
            unevaluated: self.trainer.unevaluated(),
        })
    }

    /// Takes a snapshot the training worker posted (what [`Playground::transfer_snapshot`]
    /// gives): the same as [`Playground::set_document`] without a threshold, but without
    /// building the normalised copy that the editor's edits need and a snapshot does not. The
    /// page does this once per drawn frame while training plays. Returns whether the
    /// evaluation is owed (`unevaluated`). Throws and keeps the old document on error.
    #[wasm_bindgen(js_name = absorbSnapshot)]
    pub fn absorb_snapshot(&mut self, json: &str) -> Res<bool> {
        let d = parse_for_page(json)?;
        self.trainer
            .deferring(|t| t.update(d))
            .map_err(Failure::from)?;
        self.trainer.set_test_eval(TestEval::OnRequest);
        self.settle_unless_slow(None);
        self.version += 1;
        Ok(self.trainer.unevaluated())
    }

    /// Whether the latest history entry still waits for the evaluation of the current model
    /// (see [`Playground::set_document`]).
    pub fn unevaluated(&self) -> bool {
        self.trainer.unevaluated()
    }

    /// Records the evaluation the history waits for, if any (see
    /// [`Playground::set_document`]), the test split included.
    pub fn settle(&mut self) {
        self.trainer.settle();
        self.trainer.evaluate_test();
    }

    /// The estimated time, in milliseconds in the browser, of evaluating the current model
    /// for the history (both splits): what [`Playground::set_document`]'s `defer_over_ms` is
    /// compared with.
    #[wasm_bindgen(js_name = evaluationMs)]
    pub fn evaluation_ms(&self) -> f64 {
        self.trainer.evaluation_work() * BROWSER_MS_PER_WORK
    }

    /// The estimated time, in milliseconds in the browser, of the decision grid at `grid_n`
    /// cells per side: one evaluation point per cell, at the rate [`Playground::evaluation_ms`]
    /// is calibrated with. The page asks its worker for the first view of a model above a long
    /// task instead of drawing it to find out.
    #[wasm_bindgen(js_name = gridMs)]
    pub fn grid_ms(&self, grid_n: u32) -> f64 {
        let cells = f64::from(grid_n).powi(2);
        cells * self.trainer.point_work() * BROWSER_MS_PER_WORK
    }

    /// Whether the boundary and the confusion matrix drawn now are placeholders: views are
    /// stale (a worker computes them) and none has come for this plane yet, so the page draws
    /// the points on a neutral field and an empty matrix instead of computing them itself.
    #[wasm_bindgen(js_name = viewPending)]
    pub fn view_pending(&self) -> bool {
        let plane = self.trainer.valid_plane(self.plane);
        self.stale_views && !matches!(&self.boundary, Some((_, _, p, _, _)) if *p == plane)
    }

    /// The estimated time, in milliseconds in the browser, of one epoch of training and its
    /// evaluation (the Step button).
    #[wasm_bindgen(js_name = epochMs)]
    pub fn epoch_ms(&self) -> f64 {
        (self.trainer.epoch_work() + self.trainer.evaluation_work()) * BROWSER_MS_PER_WORK
    }

    fn settle_unless_slow(&mut self, defer_over_ms: Option<f64>) {
        // A threshold that is not a number defers nothing; an estimate that is not one defers.
        let slow = defer_over_ms.is_some_and(|ms| {
            let est = self.evaluation_ms();
            est.is_nan() || est > ms
        });
        if !slow {
            self.settle();
        }
    }

    /// The current document with the trained weights, without the run state (pretty JSON):
    /// what the editor holds.
    pub fn document(&self) -> String {
        self.trainer.document().to_json()
    }

    /// What the current document implies (see [`document_info`]), without parsing it again.
    pub fn info(&self) -> Res<JsValue> {
        to_js(&info_of(self.trainer.spec()))
    }

    /// Chooses the plane the boundary plot shows: inputs `horizontal` and `vertical` (0-based;
    /// the same one twice is allowed) of the raw data, the others held at their training mean —
    /// or, with `preprocessed`, of the model's inputs after preprocessing (with PCA the
    /// principal components), the others 0. Throws for an input that does not exist. The
    /// choice stays while the data keeps those inputs.
    #[wasm_bindgen(js_name = setPlane)]
    pub fn set_plane(
        &mut self,
        horizontal: usize,
        vertical: usize,
        preprocessed: Option<bool>,
    ) -> Res<()> {
        let pre = preprocessed.unwrap_or(false);
        let d = if pre {
            let prep = self.trainer.model().preprocessor();
            if prep.is_identity() {
                return Err(fail(
                    "the data is not preprocessed: plot raw inputs, or standardise or project it first",
                ));
            }
            prep.n_out()
        } else {
            self.trainer.dataset().dim
        };
        if let Some(&a) = [horizontal, vertical].iter().find(|&&a| a >= d) {
            return Err(fail(format!(
                "input {} does not exist: there are {d} {}",
                a + 1,
                if pre { "preprocessed inputs" } else { "inputs" }
            )));
        }
        self.plane = Plane {
            axes: [horizontal, vertical],
            preprocessed: pre,
        };
        Ok(())
    }

    /// The plotted inputs now: `[horizontal, vertical]` (0-based); the first two raw inputs
    /// when the chosen ones are gone.
    pub fn plane(&self) -> Vec<usize> {
        self.trainer.valid_plane(self.plane).axes.to_vec()
    }

    /// Whether the plotted plane is of preprocessed inputs (see [`Playground::set_plane`]).
    #[wasm_bindgen(js_name = planePreprocessed)]
    pub fn plane_preprocessed(&self) -> bool {
        self.trainer.valid_plane(self.plane).preprocessed
    }

    /// The confusion matrix of the current model on the test split (`test` true) or the
    /// training split: `{classes, counts: [row-major, row = true class, column = predicted],
    /// classNames, points}`.
    pub fn confusion(&mut self, test: bool) -> Res<JsValue> {
        let counts = match &self.confusion_cache {
            Some((v, t, c))
                if *t == test
                    && (*v == self.version
                        || (self.stale_views
                            && c.len() == self.trainer.dataset().n_classes.pow(2))) =>
            {
                c.clone()
            }
            _ if self.stale_views => {
                // A worker computes it (see `view_pending`): no counts until it comes.
                vec![0; self.trainer.dataset().n_classes.pow(2)]
            }
            _ => {
                // Kept, so the metrics panel's redraws (a hover, a selection) do not evaluate
                // the split again for the same weights.
                let c = self.trainer.confusion(test);
                self.confusion_cache = Some((self.version, test, c.clone()));
                c
            }
        };
        let d = self.trainer.dataset();
        let pending = self.stale_views
            && !matches!(&self.confusion_cache, Some((_, t, c)) if *t == test && c.len() == d.n_classes.pow(2));
        to_js(&Confusion {
            classes: d.n_classes,
            pending,
            counts,
            class_names: d.class_names.clone(),
            points: if test { d.test.len() } else { d.train.len() },
        })
    }

    /// The raw data point at `(u, v)` of the boundary plot's plane: the plotted inputs set,
    /// the others at their training mean (a preprocessed plane: the raw point the
    /// preprocessing maps there).
    #[wasm_bindgen(js_name = planePoint)]
    pub fn plane_point(&self, u: f64, v: f64) -> Res<Vec<f64>> {
        let (u, v) = (finite("u", u)?, finite("v", v)?);
        Ok(self.trainer.plane_point(self.plane, u, v))
    }

    /// The document with the trained weights and the run state (optimizer moments, epoch,
    /// history, baseline): what a link, a download or the autosave holds.
    pub fn snapshot(&self) -> String {
        self.trainer.snapshot().to_json()
    }

    /// [`Playground::snapshot`] as compact JSON: what the workers post to each other and to
    /// the page many times a second (about half the size of the readable form).
    #[wasm_bindgen(js_name = transferSnapshot)]
    pub fn transfer_snapshot(&self) -> String {
        self.trainer.snapshot().to_json_compact()
    }

    /// Trains for about `budget_ms` milliseconds of work (at least one batch), then evaluates
    /// the test split once if an epoch ended; returns `{epoch, epochs, finished, samples,
    /// error}`.
    pub fn step(&mut self, budget_ms: f64) -> Res<JsValue> {
        let budget = if budget_ms.is_finite() {
            budget_ms.clamp(0.0, 1000.0)
        } else {
            8.0
        };
        let start = now_ms();
        let batch = self.trainer.training().batch_size;
        let mut status = self.trainer.step(batch);
        let mut samples = status.samples;
        while status.samples > 0
            && status.error.is_none()
            && !status.finished
            && now_ms() - start < budget
        {
            status = self.trainer.step(batch);
            samples += status.samples;
        }
        status.samples = samples;
        self.trainer.evaluate_test();
        if samples > 0 {
            self.version += 1;
        }
        to_js(&status)
    }

    /// Trains one full epoch (the Step button).
    #[wasm_bindgen(js_name = stepEpoch)]
    pub fn step_epoch(&mut self) -> Res<JsValue> {
        let s = self.trainer.run_epoch();
        self.trainer.evaluate_test();
        self.version += 1;
        to_js(&s)
    }

    /// New initial values for the trainable numbers from `seed`; clears history. With
    /// `defer_over_ms`, the evaluation of the new weights is left for later when it would take
    /// longer (as in [`Playground::set_document`]). Returns whether it was.
    pub fn reset(&mut self, seed: f64, defer_over_ms: Option<f64>) -> Res<bool> {
        let seed = finite("seed", seed)?;
        if seed < 0.0 {
            return Err(fail("seed must not be negative"));
        }
        self.trainer.deferring(|t| t.reset(seed as u64));
        self.settle_unless_slow(defer_over_ms);
        self.version += 1;
        Ok(self.trainer.unevaluated())
    }

    /// The latest metrics (nulls before the first evaluation).
    pub fn metrics(&self) -> Res<JsValue> {
        let t = &self.trainer;
        let h = t.history();
        let last = |v: &Vec<f64>| v.last().copied();
        let d = t.dataset();
        to_js(&Metrics {
            epoch: t.epoch(),
            epochs: t.training().epochs,
            steps: t.steps(),
            train_loss: last(&h.train_loss),
            test_loss: h.last_test_loss(),
            train_acc: last(&h.train_acc),
            test_acc: h.last_test_acc(),
            params: t.n_params(),
            blocks: t.block_sizes(),
            baseline_params: t.baseline_n_params(),
            baseline_hidden: t.baseline_hidden(),
            baseline_train_loss: last(&h.baseline_train_loss),
            baseline_test_loss: last(&h.baseline_test_loss),
            baseline_train_acc: last(&h.baseline_train_acc),
            baseline_test_acc: last(&h.baseline_test_acc),
            classes: d.n_classes,
            train_points: d.train.len(),
            test_points: d.test.len(),
            train_counts: crate::data::Dataset::class_counts(&d.train, d.n_classes),
            test_counts: crate::data::Dataset::class_counts(&d.test, d.n_classes),
            class_names: d.class_names.clone(),
            columns: d.columns.clone(),
            error: t.error().map(str::to_string),
            noisy: t.model().is_noisy(),
            engine: t.model().noise_engine().map(|k| match k {
                crate::sim::EngineKind::Trajectories { .. } => "trajectories",
                _ => "density matrix",
            }),
            ideal_train_loss: last(&h.ideal_train_loss),
            ideal_test_loss: last(&h.ideal_test_loss),
            ideal_train_acc: last(&h.ideal_train_acc),
            ideal_test_acc: last(&h.ideal_test_acc),
            unevaluated: t.unevaluated(),
        })
    }

    /// The whole history: `{train_loss, test_loss, train_acc, test_acc, baseline_…, epochs,
    /// edits}`.
    pub fn history(&self) -> Res<JsValue> {
        to_js(self.trainer.history())
    }

    /// The boundary view, recomputed only when the model changed since the last one.
    fn boundary_view(&mut self, grid_n: usize) -> BoundaryView {
        let plane = self.trainer.valid_plane(self.plane);
        if let Some((v, n, p, installed, view)) = &self.boundary {
            // A view installed for these weights is kept at its own size (the worker chose
            // the finest grid that fits its time): recomputing it here is what it saves.
            if *p == plane
                && ((*v == self.version && (*n == grid_n || *installed)) || self.stale_views)
            {
                return view.clone();
            }
        }
        if self.stale_views {
            // A worker computes the view (see `view_pending`): a neutral field meanwhile, kept
            // nowhere, so the view that comes (or the page's own once views are fresh) replaces it.
            return view::boundary_view_pending(&self.trainer, plane);
        }
        let view = view::boundary_view_on(&mut self.trainer, grid_n, plane);
        self.boundary = Some((self.version, grid_n, plane, false, view.clone()));
        view
    }

    /// The state inspector's numbers for point `x` (an array of the data's inputs) after
    /// column `column` (null: the whole circuit): `{qubits, columns, bloch, p1, purity, probs,
    /// labels}`.
    pub fn inspect(&mut self, x: Vec<f64>, column: Option<u32>) -> Res<JsValue> {
        let x = point(&x, self.trainer.dataset().dim)?;
        to_js(&view::inspect(
            &mut self.trainer,
            &x,
            column.map(|c| c as usize),
        ))
    }

    /// The circuit as OpenQASM (`version` 2 or 3) with every angle bound for point `x`.
    #[wasm_bindgen(js_name = exportQasm)]
    pub fn export_qasm(&self, version: u32, x: Vec<f64>) -> Res<String> {
        use crate::interop::qasm::{export_document, QasmVersion};
        let v = match version {
            2 => QasmVersion::V2,
            3 => QasmVersion::V3,
            _ => {
                return Err(fail(format!(
                    "OpenQASM version must be 2 or 3, got {version}"
                )))
            }
        };
        let x = point(&x, self.trainer.dataset().dim)?;
        let d = self.current()?;
        export_document(&d, &x, v).map_err(|e| Failure::from(e).into())
    }

    fn current(&self) -> Res<doc::ValidDocument> {
        self.trainer
            .document()
            .validated()
            .map_err(|e| Failure::from(e).into())
    }

    /// The whole model as a runnable Python script: `"pennylane"` or `"qiskit"`.
    #[wasm_bindgen(js_name = exportPython)]
    pub fn export_python(&self, framework: &str) -> Res<String> {
        let d = self.current()?;
        let r = match framework {
            "pennylane" => crate::interop::python::pennylane_script(&d),
            "qiskit" => crate::interop::python::qiskit_script(&d),
            "pennylane-torch" => crate::interop::torch::pennylane_torch_script(&d),
            "qiskit-torch" => crate::interop::torch::qiskit_torch_script(&d),
            other => {
                return Err(fail(format!(
                    "unknown framework '{other}'; use pennylane, qiskit, pennylane-torch or \
                     qiskit-torch"
                )))
            }
        };
        r.map_err(|e| Failure::from(e).into())
    }

    /// The current document with weights and run state as a link fragment.
    #[wasm_bindgen(js_name = shareHash)]
    pub fn share_hash(&self) -> String {
        doc::share::encode_hash(&self.trainer.snapshot())
    }

    /// The boundary (`"boundary"`) or loss chart (`"loss"`) as an SVG document.
    #[wasm_bindgen(js_name = exportSvg)]
    pub fn export_svg(&mut self, which: &str) -> Res<String> {
        match which {
            "boundary" => {
                let v = self.boundary_view(64);
                let bo = BoundaryOptions {
                    show_test: true,
                    highlight: None,
                    draw_axes: true,
                    ..BoundaryOptions::default()
                };
                view::boundary_svg(&v, (520, 520), &bo).map_err(|e| Failure::from(e).into())
            }
            "loss" => view::history_svg(
                self.trainer.history(),
                Metric::Loss,
                false,
                true,
                (560, 320),
            )
            .map_err(|e| Failure::from(e).into()),
            other => Err(fail(format!(
                "unknown plot '{other}'; use boundary or loss"
            ))),
        }
    }
}
