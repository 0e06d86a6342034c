//! Benchmarks the page can run in the browser (bench/*.mjs drives them in headless Chromium):
//! the same workloads as the native `cargo bench` targets, timed with `performance.now()`.
//! They print nothing and assert nothing; they return figures.

use wasm_bindgen::prelude::*;

use crate::doc::Document;
use crate::model::Model;
use crate::sim::{bench_circuit, GateKind, Op, State};

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// The seed of the engine workload, the same as `cargo bench --bench sim`'s.
const SIM_SEED: u64 = 2024;

/// Nanoseconds per gate of the engine benchmark workload W1 (random gates from
/// {H, RX, RY, RZ, CNOT}, the native benchmark's seed) on `qubits` qubits, gate by gate: the
/// best of `reps` runs.
#[wasm_bindgen(js_name = benchSimCircuit)]
pub fn bench_sim_circuit(qubits: usize, gates: usize, reps: usize) -> Result<f64, JsError> {
    let mut state = State::new(qubits).map_err(|e| JsError::new(&e.to_string()))?;
    let ops = bench_circuit(qubits, gates.max(1), SIM_SEED);
    best_ns_per_gate(&mut state, &ops, reps)
}

/// [`bench_sim_circuit`] through `State::apply_circuit` (fusion included in the time).
#[wasm_bindgen(js_name = benchSimCircuitFused)]
pub fn bench_sim_circuit_fused(qubits: usize, gates: usize, reps: usize) -> Result<f64, JsError> {
    let mut state = State::new(qubits).map_err(|e| JsError::new(&e.to_string()))?;
    let ops = bench_circuit(qubits, gates.max(1), SIM_SEED);
    let mut err = None;
    let best = best_ns(reps, || {
        if let Err(e) = state.apply_circuit(&ops) {
            err = Some(e);
        }
    });
    if let Some(e) = err {
        return Err(JsError::new(&e.to_string()));
    }
    finite(&state, best / ops.len() as f64)
}

/// Runs W1 on `qubits` qubits `times` times (fused or gate by gate) and returns the final
/// state's norm: a fixed amount of work, for counting instructions (`valgrind` on node) where
/// the clock-driven benchmarks above would repeat a varying number of times.
#[wasm_bindgen(js_name = runSimCircuit)]
pub fn run_sim_circuit(
    qubits: usize,
    gates: usize,
    times: usize,
    fused: bool,
) -> Result<f64, JsError> {
    let mut state = State::new(qubits).map_err(|e| JsError::new(&e.to_string()))?;
    let ops = bench_circuit(qubits, gates.max(1), SIM_SEED);
    for _ in 0..times {
        if fused {
            state
                .apply_circuit(&ops)
                .map_err(|e| JsError::new(&e.to_string()))?;
        } else {
            ops.iter().for_each(|op| state.apply(op));
        }
    }
    Ok(state.norm_sqr())
}

/// Nanoseconds per application of one gate kind (by PennyLane name) on `qubits` qubits,
/// wire 0 as the target (and wire 1 as the control of two-qubit kinds), best of `reps`.
#[wasm_bindgen(js_name = benchSimGate)]
pub fn bench_sim_gate(name: &str, qubits: usize, reps: usize) -> Result<f64, JsError> {
    let kind =
        GateKind::from_name(name).ok_or_else(|| JsError::new(&format!("unknown gate '{name}'")))?;
    let wires: Vec<usize> = (0..kind.n_wires())
        .map(|w| (w + qubits / 2) % qubits)
        .collect();
    let params = vec![0.3; kind.n_params()];
    let op = Op::new(kind, &wires, &params).map_err(|e| JsError::new(&e.to_string()))?;
    let mut state = State::new(qubits).map_err(|e| JsError::new(&e.to_string()))?;
    best_ns_per_gate(&mut state, &vec![op; 10], reps)
}

/// Nanoseconds per application of one gate kind on the given wires (target last, as in
/// `Op::new`) of `qubits` qubits, best of `reps`: the per-wire table of `bench/sim_browser.mjs`,
/// the wasm side of `cargo bench --bench sim -- wires`.
#[wasm_bindgen(js_name = benchSimGateOn)]
pub fn bench_sim_gate_on(
    name: &str,
    qubits: usize,
    wires: Vec<u32>,
    reps: usize,
) -> Result<f64, JsError> {
    let kind =
        GateKind::from_name(name).ok_or_else(|| JsError::new(&format!("unknown gate '{name}'")))?;
    let wires: Vec<usize> = wires.iter().map(|&w| w as usize).collect();
    if let Some(&w) = wires.iter().find(|&&w| w >= qubits) {
        return Err(JsError::new(&format!(
            "wire {w} is outside {qubits} qubits"
        )));
    }
    let params = vec![0.3; kind.n_params()];
    let op = Op::new(kind, &wires, &params).map_err(|e| JsError::new(&e.to_string()))?;
    let mut state = State::new(qubits).map_err(|e| JsError::new(&e.to_string()))?;
    best_ns_per_gate(&mut state, std::slice::from_ref(&op), reps)
}

fn best_ns_per_gate(state: &mut State, ops: &[Op], reps: usize) -> Result<f64, JsError> {
    let best = best_ns(reps, || {
        for op in ops {
            state.apply(op);
        }
    });
    finite(state, best / ops.len().max(1) as f64)
}

/// The best of `reps` samples of nanoseconds per call of `f`, after one warm-up call. The
/// page's clock is coarse (0.1 ms without cross-origin isolation), so each sample times as many
/// back-to-back calls as fill about 20 ms.
fn best_ns(reps: usize, mut f: impl FnMut()) -> f64 {
    let t0 = now();
    f();
    let once = (now() - t0).max(0.005);
    let inner = ((20.0 / once).round() as usize).clamp(1, 100_000);
    let mut best = f64::INFINITY;
    for _ in 0..reps.max(1) {
        let t = now();
        for _ in 0..inner {
            f();
        }
        best = best.min((now() - t) * 1e6 / inner as f64);
    }
    best
}

fn finite(state: &State, v: f64) -> Result<f64, JsError> {
    if state.norm_sqr().is_finite() {
        Ok(v)
    } else {
        Err(JsError::new("the benchmark state lost its norm"))
    }
}

/// The hybrid-model benchmark (`bench/model.html`): a model built from a document with fixed
/// points and labels; each call runs one workload through the same code the trainer uses.
#[wasm_bindgen]
pub struct ModelBench {
    model: Model,
    xs: Vec<Vec<f64>>,
    labels: Vec<usize>,
    grad: Vec<f64>,
}

#[wasm_bindgen]
impl ModelBench {
    /// A benchmark for the document `json`, with `points` = x1, x2, x1, x2, … and one label
    /// per point.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str, points: &[f64], labels: &[u32]) -> Result<ModelBench, JsError> {
        let doc = Document::from_json(json).map_err(|e| JsError::new(&e.to_string()))?;
        let model = Model::new(&doc, &[]).map_err(|e| JsError::new(&e.to_string()))?;
        if points.len() != 2 * labels.len() {
            return Err(JsError::new(&format!(
                "{} coordinates for {} labels; give x1, x2 per label",
                points.len(),
                labels.len()
            )));
        }
        let n_classes = model.n_classes();
        if let Some(l) = labels.iter().find(|&&l| l as usize >= n_classes) {
            return Err(JsError::new(&format!(
                "label {l} is out of range for {n_classes} classes"
            )));
        }
        Ok(ModelBench {
            grad: vec![0.0; model.n_params()],
            xs: points.chunks_exact(2).map(|p| p.to_vec()).collect(),
            labels: labels.iter().map(|&l| l as usize).collect(),
            model,
        })
    }

    /// A benchmark on the document's own training split (any input dimension), the model's
    /// preprocessing fitted on it, at the document's initial weights (W4).
    #[wasm_bindgen(js_name = onTrainingSplit)]
    pub fn on_training_split(json: &str) -> Result<ModelBench, JsError> {
        let doc = Document::from_json(json).map_err(|e| JsError::new(&e.to_string()))?;
        let data = doc
            .data
            .generate()
            .map_err(|e| JsError::new(&e.to_string()))?;
        let model = Model::new(&doc, &data.train).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(ModelBench {
            grad: vec![0.0; model.n_params()],
            xs: data.train.iter().map(|p| p.x.clone()).collect(),
            labels: data.train.iter().map(|p| p.label).collect(),
            model,
        })
    }

    /// The number of trainable numbers.
    #[wasm_bindgen(js_name = nParams)]
    pub fn n_params(&self) -> usize {
        self.model.n_params()
    }

    /// Replaces the trainable numbers (exactly `nParams()` of them).
    #[wasm_bindgen(js_name = setParams)]
    pub fn set_params(&mut self, params: &[f64]) -> Result<(), JsError> {
        if params.len() != self.model.n_params() {
            return Err(JsError::new(&format!(
                "{} numbers given, the model has {}",
                params.len(),
                self.model.n_params()
            )));
        }
        self.model.set_params(params);
        Ok(())
    }

    /// W2: one epoch of forward + gradient of the loss over all points; returns the mean loss
    /// (the mean gradient's norm is then `gradNorm()`).
    pub fn epoch(&mut self) -> f64 {
        self.grad.iter_mut().for_each(|g| *g = 0.0);
        let refs: Vec<&[f64]> = self.xs.iter().map(|x| x.as_slice()).collect();
        let loss = self
            .model
            .loss_and_grad_batch(&refs, &self.labels, &mut self.grad);
        loss / self.xs.len().max(1) as f64
    }

    /// The norm of the mean gradient of the last `epoch()`.
    #[wasm_bindgen(js_name = gradNorm)]
    pub fn grad_norm(&self) -> f64 {
        let n = self.xs.len().max(1) as f64;
        self.grad
            .iter()
            .map(|g| (g / n) * (g / n))
            .sum::<f64>()
            .sqrt()
    }

    /// W3: one `n × n` decision grid over `[xmin, xmax] × [ymin, ymax]`; returns the mean
    /// confidence (so the work cannot be skipped).
    pub fn grid(&mut self, xmin: f64, xmax: f64, ymin: f64, ymax: f64, n: usize) -> f64 {
        let g = self.model.grid(
            [xmin, xmax, ymin, ymax],
            n,
            &crate::model::GridSpace::first_two(),
        );
        g.iter().map(|p| p.confidence).sum::<f64>() / g.len().max(1) as f64
    }
}

/// The barren-plateau benchmark (`bench/analysis_browser.mjs`): the reference protocol (n =
/// 2…10, 50 layers, `samples` circuits per size, both costs), as JSON
/// `{"total_ms", "rows": [{"qubits", "ms", "local_var", "global_var"}]}`.
#[wasm_bindgen(js_name = benchBarren)]
pub fn bench_barren(samples: usize) -> Result<String, JsError> {
    use crate::analysis::barren::{BarrenRun, BarrenSpec};
    let spec = BarrenSpec {
        samples,
        ..BarrenSpec::reference()
    };
    let mut run = BarrenRun::reference(spec.clone()).map_err(|e| JsError::new(&e.to_string()))?;
    let mut rows = Vec::new();
    let t0 = now();
    for &n in &spec.qubits {
        let t = now();
        run.step(spec.samples)
            .map_err(|e| JsError::new(&e.to_string()))?;
        let ms = now() - t;
        if let Some(p) = run.points().last() {
            rows.push(serde_json::json!({
                "qubits": n, "ms": ms,
                "local_var": p.local.variance, "global_var": p.global.variance,
            }));
        }
    }
    let total = now() - t0;
    Ok(serde_json::json!({ "total_ms": total, "rows": rows }).to_string())
}

/// The landscape benchmark: milliseconds for a 41×41 landscape (random directions) of the MSE
/// over 200 points of the 4-qubit, 3-layer re-uploading classifier
/// (`analysis::landscape::BenchWorkload`), best of `reps`; the centre loss goes to the console.
#[wasm_bindgen(js_name = benchLandscape)]
pub fn bench_landscape(reps: usize) -> Result<f64, JsError> {
    use crate::analysis::landscape::{loss_landscape, BenchWorkload, LandscapeSpec};
    let mut work = BenchWorkload::new(4, 3, 200).map_err(|e| JsError::new(&e.to_string()))?;
    let weights = work.weights().to_vec();
    let mut best = f64::INFINITY;
    for _ in 0..reps.max(1) {
        let t = now();
        let l = loss_landscape(&weights, &[], LandscapeSpec::default(), |w| work.loss(w))
            .map_err(|e| JsError::new(&e.to_string()))?;
        best = best.min(now() - t);
        if !l.center_loss.is_finite() {
            return Err(JsError::new("the landscape's centre loss is not finite"));
        }
    }
    Ok(best)
}
