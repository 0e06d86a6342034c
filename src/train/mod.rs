//! Training: the [`Trainer`] that owns the hybrid model's training loop and advances it in small, bounded steps so a page can draw
//! between them.
//!
//! Minibatches: the training points are shuffled once, from the training seed, and every epoch
//! walks that same order in batches of `batch_size`; a remainder smaller than a batch joins the
//! epoch's last batch (so every point is used and no step rests on a handful of points). This
//! is PennyLane's demo schedule (fixed order) without its dropped remainder. Reshuffling every
//! epoch and keeping a small remainder batch, as this trainer did before, cost the data
//! re-uploading demo (Adam, lr 0.6) about 5 points of test accuracy on average over 100 seeds of
//! PennyLane's own data and initial weights (see `examples/reupload_parity.rs`).
//!
//! May import `std`, `serde`, `crate::rng`, `crate::data`, `crate::learn`, `crate::doc` and
//! `crate::model`;
//! knows nothing of the web.
//!
//! ```
//! use qmlp::{doc, train::Trainer};
//! let mut t = Trainer::new(doc::preset("reupload-1q")?)?;
//! t.run_epoch();
//! assert_eq!(t.epoch(), 1);
//! assert_eq!(t.history().train_loss.len(), 2); // before training, and after epoch 1
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod baseline;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use serde::Serialize;

use crate::data::{Dataset, Point};
use crate::doc::{Document, TrainingSpec};
use crate::learn::loss;
use crate::learn::optim::Optimizer;
use crate::model::{Model, Prediction};
use crate::rng::Rng;
use baseline::MlpTrainer;

/// The largest magnitude a trainable number may reach before training counts as diverged: an
/// angle of a million radians has lost all meaning, and a head scale that large only grows on.
pub const MAX_PARAM: f64 = 1e6;

/// A trainer that cannot be built, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainError(pub String);

impl std::fmt::Display for TrainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TrainError {}

/// Metrics per epoch; index 0 is before any training.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct History {
    /// Mean loss on the training split.
    pub train_loss: Vec<f64>,
    /// Mean loss on the test split.
    pub test_loss: Vec<f64>,
    /// Accuracy on the training split.
    pub train_acc: Vec<f64>,
    /// Accuracy on the test split.
    pub test_acc: Vec<f64>,
    /// The classical baseline's training loss (empty when disabled).
    pub baseline_train_loss: Vec<f64>,
    /// The classical baseline's test loss.
    pub baseline_test_loss: Vec<f64>,
    /// The classical baseline's training accuracy.
    pub baseline_train_acc: Vec<f64>,
    /// The classical baseline's test accuracy.
    pub baseline_test_acc: Vec<f64>,
}

/// What a call to [`Trainer::step`] achieved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepStatus {
    /// Completed epochs.
    pub epoch: usize,
    /// The epoch count Play stops at.
    pub epochs: usize,
    /// Whether `epochs` have been completed.
    pub finished: bool,
    /// Samples processed by this call.
    pub samples: usize,
    /// Why training stopped, if it stopped on an error (e.g. the loss became NaN).
    pub error: Option<String>,
}

/// Whether two documents describe the same model and data (weights, hyper-parameters, title,
/// description and locks aside).
pub fn same_structure(a: &Document, b: &Document) -> bool {
    fn strip(d: &Document) -> Document {
        let mut d = d.clone();
        for g in &mut d.circuit.gates {
            for p in &mut g.params {
                match p {
                    crate::doc::Angle::Weight { value } => *value = 0.0,
                    crate::doc::Angle::Reupload { w, b, .. } => {
                        *w = 0.0;
                        *b = 0.0;
                    }
                    _ => {}
                }
            }
        }
        d.head.scale.iter_mut().for_each(|v| *v = 0.0);
        d.head.bias.iter_mut().for_each(|v| *v = 0.0);
        d.title.clear();
        d.description.clear();
        d.locked.clear();
        d.training.optimizer = crate::learn::optim::OptimizerSpec::Sgd { lr: 1.0 };
        d.training.batch_size = 1;
        d.training.epochs = 1;
        d.training.shots = None;
        d.training.l2 = 0.0;
        d
    }
    strip(a) == strip(b)
}

/// The hybrid model's training loop, with its data, optimizer, history and baseline.
pub struct Trainer {
    doc: Document,
    model: Model,
    data: Dataset,
    params: Vec<f64>,
    grad: Vec<f64>,
    opt: Optimizer,
    rng: Rng,
    order: Vec<usize>,
    cursor: usize,
    epoch: usize,
    steps: u64,
    history: History,
    baseline: Option<MlpTrainer>,
    error: Option<String>,
    /// The current batch's points and labels (reused buffers).
    batch_x: Vec<[f64; 2]>,
    batch_y: Vec<usize>,
}

impl Trainer {
    /// A trainer for a document, starting from the weights the document holds.
    pub fn new(doc: Document) -> Result<Trainer, TrainError> {
        doc.validate().map_err(|e| TrainError(e.to_string()))?;
        let model = Model::new(&doc).map_err(|e| TrainError(e.to_string()))?;
        let data = doc
            .data
            .generate()
            .map_err(|e| TrainError(format!("data: {e}")))?;
        let params = model.params().to_vec();
        let opt = doc.training.optimizer.build(params.len());
        let mut t = Trainer {
            grad: vec![0.0; params.len()],
            rng: Rng::new(doc.training.seed),
            order: (0..data.train.len()).collect(),
            cursor: 0,
            epoch: 0,
            steps: 0,
            history: History::default(),
            baseline: None,
            error: None,
            batch_x: Vec::new(),
            batch_y: Vec::new(),
            opt,
            params,
            model,
            data,
            doc,
        };
        t.build_baseline()?;
        t.start_epoch();
        t.record();
        Ok(t)
    }

    fn build_baseline(&mut self) -> Result<(), TrainError> {
        self.baseline = match &self.doc.baseline {
            Some(b) if b.enabled => Some(
                MlpTrainer::new(
                    &b.mlp,
                    &self.doc.training.optimizer,
                    self.data.n_classes,
                    self.doc.training.seed,
                )
                .map_err(|e| TrainError(format!("baseline: {e}")))?,
            ),
            _ => None,
        };
        Ok(())
    }

    /// New initial weights from `seed`; clears history, optimizer state and any error.
    pub fn reset(&mut self, seed: u64) {
        self.model.reinit(seed);
        self.params = self.model.params().to_vec();
        self.doc.training.seed = seed;
        self.model.write_params(&mut self.doc);
        self.opt = self.doc.training.optimizer.build(self.params.len());
        self.rng = Rng::new(seed);
        self.epoch = 0;
        self.steps = 0;
        self.error = None;
        self.history = History::default();
        // The baseline is rebuilt from the same seed; its spec was valid when built.
        let _ = self.build_baseline();
        self.start_epoch();
        self.record();
    }

    /// Takes a new version of the document. When only hyper-parameters, title, description,
    /// locks or weights differ, training goes on: the trainer's own (newer) weights, history and
    /// optimizer state are kept. Otherwise the trainer starts over on the new document.
    /// Returns whether the state was kept. On error nothing changes.
    pub fn update(&mut self, new: Document) -> Result<bool, TrainError> {
        new.validate().map_err(|e| TrainError(e.to_string()))?;
        if same_structure(&self.doc, &new) {
            let training = new.training.clone();
            let mut merged = self.document();
            merged.title = new.title;
            merged.description = new.description;
            merged.locked = new.locked;
            self.doc = merged;
            self.set_training(training)?;
            Ok(true)
        } else {
            *self = Trainer::new(new)?;
            Ok(false)
        }
    }

    /// Changes the hyper-parameters, keeping weights and history (the optimizer restarts
    /// when its settings change). Clears a stopped-on-error state.
    pub fn set_training(&mut self, t: TrainingSpec) -> Result<(), TrainError> {
        let mut doc = self.document();
        doc.training = t;
        doc.validate().map_err(|e| TrainError(e.to_string()))?;
        let mut model = Model::new(&doc).map_err(|e| TrainError(e.to_string()))?;
        model.set_params(&self.params);
        if doc.training.optimizer != self.doc.training.optimizer {
            self.opt = doc.training.optimizer.build(self.params.len());
        }
        self.model = model;
        self.doc = doc;
        self.error = None;
        Ok(())
    }

    /// Rewinds to the first batch; the order is shuffled (from the seed) only at the start of a
    /// run, so every epoch walks the same batches (see the module doc for why).
    fn start_epoch(&mut self) {
        if self.epoch == 0 || self.order.len() != self.data.train.len() {
            self.order = (0..self.data.train.len()).collect();
            self.rng.shuffle(&mut self.order);
        }
        self.cursor = 0;
    }

    fn evaluate(model: &mut Model, pts: &[Point]) -> (f64, f64) {
        if pts.is_empty() {
            return (0.0, 0.0);
        }
        let mut loss = 0.0;
        let mut correct = 0usize;
        for p in pts {
            let o = model.forward(p.x);
            loss += model.loss_of_outputs(&o, p.label);
            if model.predict_outputs(&o).class == p.label {
                correct += 1;
            }
        }
        (loss / pts.len() as f64, correct as f64 / pts.len() as f64)
    }

    fn record(&mut self) {
        let (trl, tra) = Trainer::evaluate(&mut self.model, &self.data.train);
        let (tel, tea) = Trainer::evaluate(&mut self.model, &self.data.test);
        let h = &mut self.history;
        h.train_loss.push(trl);
        h.train_acc.push(tra);
        h.test_loss.push(tel);
        h.test_acc.push(tea);
        if let Some(b) = &self.baseline {
            let (l, a) = b.evaluate(&self.data.train);
            h.baseline_train_loss.push(l);
            h.baseline_train_acc.push(a);
            let (l, a) = b.evaluate(&self.data.test);
            h.baseline_test_loss.push(l);
            h.baseline_test_acc.push(a);
        }
    }

    /// One optimizer step on the next batch; returns the samples used.
    fn batch(&mut self) -> usize {
        let bs = self.doc.training.batch_size.max(1);
        let n = self.order.len();
        let mut end = (self.cursor + bs).min(n);
        if n - end < bs {
            // The remainder joins this, the epoch's last, batch.
            end = n;
        }
        let idx = &self.order[self.cursor..end];
        self.grad.iter_mut().for_each(|g| *g = 0.0);
        self.model.set_params(&self.params);
        self.batch_x.clear();
        self.batch_y.clear();
        for &i in idx {
            let p = self.data.train[i];
            self.batch_x.push(p.x);
            self.batch_y.push(p.label);
        }
        // Batched forward + adjoint pass (point by point where the circuit needs it).
        let mut loss = self
            .model
            .loss_and_grad_batch(&self.batch_x, &self.batch_y, &mut self.grad);
        let n = idx.len().max(1) as f64;
        self.grad.iter_mut().for_each(|g| *g /= n);
        loss /= n;
        if self.doc.training.l2 > 0.0 {
            let (l, g) = loss::l2(&self.params, self.doc.training.l2);
            loss += l;
            self.grad.iter_mut().zip(g).for_each(|(a, b)| *a += b);
        }
        let before = self.params.clone();
        self.opt.step(&mut self.params, &self.grad);
        self.steps += 1;
        let used = idx.len();
        self.cursor = end;
        if !loss.is_finite()
            || self.grad.iter().any(|g| !g.is_finite())
            || self
                .params
                .iter()
                .any(|p| !p.is_finite() || p.abs() > MAX_PARAM)
        {
            self.params = before;
            self.model.set_params(&self.params);
            let what = if loss.is_nan() || self.grad.iter().any(|g| g.is_nan()) {
                "NaN (not a number)"
            } else if !loss.is_finite() || self.grad.iter().any(|g| !g.is_finite()) {
                "infinite"
            } else {
                "so large that a weight left ±1e6 (NaN is next)"
            };
            self.error = Some(format!(
                "Training stopped in epoch {} (step {}): the loss or its gradient became {what}. \
                 The learning rate ({}) is probably too large. The weights are kept from the last \
                 finite step; lower the learning rate and press Play again.",
                self.epoch + 1,
                self.steps,
                self.doc.training.optimizer.lr()
            ));
        }
        used
    }

    /// Trains on up to `max_samples` training points (at least one batch), stopping early at
    /// the end of an epoch (which evaluates the metrics and trains the baseline's epoch).
    pub fn step(&mut self, max_samples: usize) -> StepStatus {
        let mut done = 0;
        while self.error.is_none() && !self.finished() {
            done += self.batch();
            if self.error.is_some() {
                break;
            }
            if self.cursor >= self.order.len() {
                self.end_epoch();
                break;
            }
            if done >= max_samples {
                break;
            }
        }
        self.status(done)
    }

    fn end_epoch(&mut self) {
        self.epoch += 1;
        let bs = self.doc.training.batch_size;
        if let Some(b) = &mut self.baseline {
            b.epoch(&self.data.train, bs);
        }
        self.model.set_params(&self.params);
        self.record();
        self.start_epoch();
    }

    /// Runs the rest of the current epoch (the page's Step button), even past `epochs`.
    pub fn run_epoch(&mut self) -> StepStatus {
        let target = self.epoch + 1;
        let mut done = 0;
        while self.error.is_none() && self.epoch < target {
            done += self.batch();
            if self.error.is_none() && self.cursor >= self.order.len() {
                self.end_epoch();
            }
        }
        self.status(done)
    }

    fn status(&self, samples: usize) -> StepStatus {
        StepStatus {
            epoch: self.epoch,
            epochs: self.doc.training.epochs,
            finished: self.finished(),
            samples,
            error: self.error.clone(),
        }
    }

    /// Whether the document's epoch count has been reached.
    pub fn finished(&self) -> bool {
        self.epoch >= self.doc.training.epochs
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Why training stopped, if it did on an error.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The metrics so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The document with the current weights.
    pub fn document(&self) -> Document {
        let mut d = self.doc.clone();
        self.model.write_params(&mut d);
        d
    }

    /// The dataset being trained on.
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }

    /// The current trainable numbers.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// The number of trainable numbers of the hybrid model.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// The number of trainable numbers of the classical baseline, if enabled.
    pub fn baseline_n_params(&self) -> Option<usize> {
        self.baseline.as_ref().map(|b| b.mlp().n_params())
    }

    /// The model (with the current weights).
    pub fn model_mut(&mut self) -> &mut Model {
        self.model.set_params(&self.params);
        &mut self.model
    }

    /// The model's predictions on an `n × n` grid over the data's extent (row 0 at the bottom).
    pub fn grid(&mut self, n: usize) -> Vec<Prediction> {
        let extent = self.data.extent;
        self.model_mut().grid(extent, n)
    }
}
