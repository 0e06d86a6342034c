//! The WebAssembly facade: the only module that touches wasm-bindgen, js-sys, web-sys,
//! serde-wasm-bindgen and plotters-canvas. Thin wrappers over the core: every exported
//! function returns `Result` and turns the core's typed error into a JS `Error` whose message
//! the page shows, and a panic hook installed at start-up reports any panic to the page
//! (through `globalThis.__qmlpOnPanic`) instead of leaving it dead.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::doc::{self, Document, Feature};
use crate::plot::BoundaryOptions;
use crate::sim::GateKind;
use crate::train::Trainer;
use crate::view::{self, BoundaryView, Metric};

#[cfg(feature = "bench")]
mod bench;
mod draw;
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

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(err)
}

fn from_js<T: for<'de> Deserialize<'de> + Default>(v: JsValue) -> Result<T, JsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(v).map_err(|e| err(format!("bad options: {e}")))
}

fn finite(name: &str, v: f64) -> Result<f64, JsError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(err(format!("{name} must be a finite number, got {v}")))
    }
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
pub fn presets() -> Result<JsValue, JsError> {
    to_js(
        &doc::PRESETS
            .iter()
            .map(|&(name, description)| Named { name, description })
            .collect::<Vec<_>>(),
    )
}

/// A built-in document by name (JSON).
#[wasm_bindgen]
pub fn preset(name: &str) -> Result<String, JsError> {
    doc::preset(name).map(|d| d.to_json()).map_err(err)
}

/// Parses and validates a document; returns it normalised (pretty JSON) or throws
/// `"path: message"`.
#[wasm_bindgen(js_name = validateDocument)]
pub fn validate_document(json: &str) -> Result<String, JsError> {
    Document::from_json(json).map(|d| d.to_json()).map_err(err)
}

#[derive(Serialize)]
struct GateInfo {
    name: &'static str,
    wires: usize,
    params: usize,
    group: &'static str,
}

/// The gate palette: `[{name, wires, params, group}]`, groups `pauli`, `rotation`, `two`.
#[wasm_bindgen(js_name = gateKinds)]
pub fn gate_kinds() -> Result<JsValue, JsError> {
    let list: Vec<GateInfo> = GateKind::all()
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
        })
        .collect();
    to_js(&list)
}

/// The circuit templates: `[{name, description}]`.
#[wasm_bindgen]
pub fn templates() -> Result<JsValue, JsError> {
    to_js(
        &doc::TEMPLATES
            .iter()
            .map(|&(name, description)| Named { name, description })
            .collect::<Vec<_>>(),
    )
}

/// The gates of one template layer (JSON array of document gates) starting at column `col`.
#[wasm_bindgen]
pub fn template(name: &str, qubits: usize, col: usize, seed: f64) -> Result<String, JsError> {
    if !(1..=doc::MAX_QUBITS).contains(&qubits) {
        return Err(err(format!("qubits must be from 1 to {}", doc::MAX_QUBITS)));
    }
    let gates = doc::template(name, qubits, col, finite("seed", seed)? as u64).map_err(err)?;
    serde_json::to_string(&gates).map_err(err)
}

/// The feature names, in the editor's order.
#[wasm_bindgen]
pub fn features() -> Result<JsValue, JsError> {
    to_js(&Feature::ALL.iter().map(|f| f.name()).collect::<Vec<_>>())
}

/// The document as a link fragment (`v1.…`, no `#`).
#[wasm_bindgen(js_name = encodeHash)]
pub fn encode_hash(json: &str) -> Result<String, JsError> {
    let d = Document::from_json(json).map_err(err)?;
    Ok(doc::share::encode_hash(&d))
}

/// Reads a link fragment (`v1.…` or `json:…`, `#` optional) into a document (pretty JSON);
/// throws with what is wrong with the link.
#[wasm_bindgen(js_name = decodeHash)]
pub fn decode_hash(hash: &str) -> Result<String, JsError> {
    doc::share::decode_hash(hash)
        .map(|d| d.to_json())
        .map_err(err)
}

/// The longest link fragment [`decode_hash`] accepts, in characters.
#[wasm_bindgen(js_name = maxHashChars)]
pub fn max_hash_chars() -> usize {
    doc::share::MAX_HASH_CHARS
}

/// Imports an OpenQASM 2 program: `{circuit, notes}` where `circuit` is the document's
/// circuit part (JSON string). Throws `"line N: …"` and changes nothing on error.
#[wasm_bindgen(js_name = importQasm)]
pub fn import_qasm(text: &str) -> Result<JsValue, JsError> {
    let imp = crate::interop::qasm::import_qasm2(text).map_err(err)?;
    #[derive(Serialize)]
    struct Out {
        circuit: String,
        notes: Vec<String>,
    }
    to_js(&Out {
        circuit: serde_json::to_string(&imp.circuit).map_err(err)?,
        notes: imp.notes,
    })
}

/// Parses CSV rows `x1,x2,label` (throws `"line N: …"`).
#[wasm_bindgen(js_name = parseCsv)]
pub fn parse_csv(text: &str) -> Result<JsValue, JsError> {
    to_js(&crate::data::parse_csv(text).map_err(err)?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Metrics {
    epoch: usize,
    epochs: usize,
    train_loss: Option<f64>,
    test_loss: Option<f64>,
    train_acc: Option<f64>,
    test_acc: Option<f64>,
    params: usize,
    baseline_params: Option<usize>,
    baseline_train_loss: Option<f64>,
    baseline_test_loss: Option<f64>,
    baseline_train_acc: Option<f64>,
    baseline_test_acc: Option<f64>,
    classes: usize,
    train_points: usize,
    test_points: usize,
    error: Option<String>,
}

/// One playground: a document, its trainer, and the views drawn from it.
#[wasm_bindgen]
pub struct Playground {
    trainer: Trainer,
    /// The boundary view and the training step it was computed at.
    boundary: Option<(u64, usize, BoundaryView)>,
    version: u64,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen]
impl Playground {
    /// A playground for a document (JSON); throws on an invalid document.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str) -> Result<Playground, JsError> {
        let d = Document::from_json(json).map_err(err)?;
        Ok(Playground {
            trainer: Trainer::new(d).map_err(err)?,
            boundary: None,
            version: 0,
        })
    }

    /// Replaces the document; keeps training state when only hyper-parameters (or weights,
    /// title, locks) changed. Throws and keeps the old document on error. Returns whether the
    /// training state was kept.
    #[wasm_bindgen(js_name = setDocument)]
    pub fn set_document(&mut self, json: &str) -> Result<bool, JsError> {
        let d = Document::from_json(json).map_err(err)?;
        let kept = self.trainer.update(d).map_err(err)?;
        self.version += 1;
        Ok(kept)
    }

    /// The current document with the trained weights (pretty JSON).
    pub fn document(&self) -> String {
        self.trainer.document().to_json()
    }

    /// Trains for about `budget_ms` milliseconds of work (at least one batch); returns
    /// `{epoch, epochs, finished, samples, error}`.
    pub fn step(&mut self, budget_ms: f64) -> Result<JsValue, JsError> {
        let budget = if budget_ms.is_finite() {
            budget_ms.clamp(0.0, 1000.0)
        } else {
            8.0
        };
        let start = now_ms();
        let batch = self.trainer.document().training.batch_size;
        let mut status = self.trainer.step(batch);
        let mut samples = status.samples;
        while status.samples > 0
            && status.error.is_none()
            && !status.finished
            && now_ms() - start < budget
        {
            let e = status.epoch;
            status = self.trainer.step(batch);
            samples += status.samples;
            if status.epoch != e {
                break;
            }
        }
        status.samples = samples;
        if samples > 0 {
            self.version += 1;
        }
        to_js(&status)
    }

    /// Trains one full epoch (the Step button).
    #[wasm_bindgen(js_name = stepEpoch)]
    pub fn step_epoch(&mut self) -> Result<JsValue, JsError> {
        let s = self.trainer.run_epoch();
        self.version += 1;
        to_js(&s)
    }

    /// New initial weights from `seed`; clears history.
    pub fn reset(&mut self, seed: f64) -> Result<(), JsError> {
        let seed = finite("seed", seed)?;
        if seed < 0.0 {
            return Err(err("seed must not be negative"));
        }
        self.trainer.reset(seed as u64);
        self.version += 1;
        Ok(())
    }

    /// The latest metrics (nulls before the first evaluation).
    pub fn metrics(&self) -> Result<JsValue, JsError> {
        let h = self.trainer.history();
        let last = |v: &Vec<f64>| v.last().copied();
        let d = self.trainer.dataset();
        to_js(&Metrics {
            epoch: self.trainer.epoch(),
            epochs: self.trainer.document().training.epochs,
            train_loss: last(&h.train_loss),
            test_loss: last(&h.test_loss),
            train_acc: last(&h.train_acc),
            test_acc: last(&h.test_acc),
            params: self.trainer.n_params(),
            baseline_params: self.trainer.baseline_n_params(),
            baseline_train_loss: last(&h.baseline_train_loss),
            baseline_test_loss: last(&h.baseline_test_loss),
            baseline_train_acc: last(&h.baseline_train_acc),
            baseline_test_acc: last(&h.baseline_test_acc),
            classes: d.n_classes,
            train_points: d.train.len(),
            test_points: d.test.len(),
            error: self.trainer.error().map(str::to_string),
        })
    }

    /// The whole history: `{train_loss, test_loss, train_acc, test_acc, baseline_…}`.
    pub fn history(&self) -> Result<JsValue, JsError> {
        to_js(self.trainer.history())
    }

    /// The boundary view, recomputed only when the model changed since the last one.
    fn boundary_view(&mut self, grid_n: usize) -> BoundaryView {
        if let Some((v, n, view)) = &self.boundary {
            if *v == self.version && *n == grid_n {
                return view.clone();
            }
        }
        let view = view::boundary_view(&mut self.trainer, grid_n);
        self.boundary = Some((self.version, grid_n, view.clone()));
        view
    }

    /// Adds a training point of class `label`; throws outside the limits.
    #[wasm_bindgen(js_name = addPoint)]
    pub fn add_point(&mut self, x1: f64, x2: f64, label: f64) -> Result<(), JsError> {
        let (x1, x2) = (finite("x1", x1)?, finite("x2", x2)?);
        let label = finite("label", label)?;
        let mut d = self.trainer.document();
        let classes = self.trainer.dataset().n_classes;
        if label < 0.0 || label.fract() != 0.0 || label as usize >= classes {
            return Err(err(format!("the class must be 0 to {}", classes - 1)));
        }
        if d.data.custom.len() + d.data.points >= crate::data::MAX_POINTS {
            return Err(err(format!(
                "the dataset already holds the maximum of {} points",
                crate::data::MAX_POINTS
            )));
        }
        d.data.custom.push([x1, x2, label]);
        self.trainer = Trainer::new(d).map_err(err)?;
        self.version += 1;
        Ok(())
    }

    /// The state inspector's numbers for point `(x1, x2)` after column `column` (null: the
    /// whole circuit): `{qubits, columns, bloch, p1, purity, probs, labels}`.
    pub fn inspect(&mut self, x1: f64, x2: f64, column: Option<u32>) -> Result<JsValue, JsError> {
        let x = [finite("x1", x1)?, finite("x2", x2)?];
        to_js(&view::inspect(
            &mut self.trainer,
            x,
            column.map(|c| c as usize),
        ))
    }

    /// The circuit as OpenQASM (`version` 2 or 3) with every angle bound for point `(x1, x2)`.
    #[wasm_bindgen(js_name = exportQasm)]
    pub fn export_qasm(&self, version: u32, x1: f64, x2: f64) -> Result<String, JsError> {
        use crate::interop::qasm::{export_document, QasmVersion};
        let v = match version {
            2 => QasmVersion::V2,
            3 => QasmVersion::V3,
            _ => {
                return Err(err(format!(
                    "OpenQASM version must be 2 or 3, got {version}"
                )))
            }
        };
        let x = [finite("x1", x1)?, finite("x2", x2)?];
        export_document(&self.trainer.document(), x, v).map_err(err)
    }

    /// The whole model as a runnable Python script: `"pennylane"` or `"qiskit"`.
    #[wasm_bindgen(js_name = exportPython)]
    pub fn export_python(&self, framework: &str) -> Result<String, JsError> {
        let d = self.trainer.document();
        match framework {
            "pennylane" => crate::interop::python::pennylane_script(&d).map_err(err),
            "qiskit" => crate::interop::python::qiskit_script(&d).map_err(err),
            other => Err(err(format!(
                "unknown framework '{other}'; use pennylane or qiskit"
            ))),
        }
    }

    /// The current document (with trained weights) as a link fragment.
    #[wasm_bindgen(js_name = shareHash)]
    pub fn share_hash(&self) -> String {
        doc::share::encode_hash(&self.trainer.document())
    }

    /// The boundary (`"boundary"`) or loss chart (`"loss"`) as an SVG document.
    #[wasm_bindgen(js_name = exportSvg)]
    pub fn export_svg(&mut self, which: &str) -> Result<String, JsError> {
        match which {
            "boundary" => {
                let v = self.boundary_view(64);
                let bo = BoundaryOptions {
                    show_test: true,
                    highlight: None,
                    draw_axes: true,
                    ..BoundaryOptions::default()
                };
                view::boundary_svg(&v, (520, 520), &bo).map_err(err)
            }
            "loss" => view::history_svg(
                self.trainer.history(),
                Metric::Loss,
                false,
                true,
                (560, 320),
            )
            .map_err(err),
            other => Err(err(format!("unknown plot '{other}'; use boundary or loss"))),
        }
    }
}
