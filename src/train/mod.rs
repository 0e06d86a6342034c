//! Training: the [`Trainer`] that owns the hybrid model's training loop and advances it in
//! small, bounded steps so a page can draw between them, and the MLP baseline's loop
//! ([`baseline`]).
//!
//! Full batch: with L-BFGS one epoch is one iteration over the whole training set (one Step),
//! which evaluates the loss and gradient of every training point as often as its line search
//! needs; the history records those evaluations (`History::evals`). L-BFGS stops the run when
//! it converges ([`StepStatus::converged`]).
//!
//! Minibatches: the training points are shuffled once, from the training seed, and every epoch
//! walks that same order in batches of `batch_size`; a remainder smaller than a batch joins the
//! epoch's last batch (so every point is used and no step rests on a handful of points). This
//! is PennyLane's demo schedule (fixed order) without its dropped remainder. Reshuffling every
//! epoch and keeping a small remainder batch, as this trainer did before, cost the data
//! re-uploading demo (Adam, lr 0.6) about 5 points of test accuracy on average over 100 seeds of
//! PennyLane's own data and initial weights (see `examples/reupload_parity.rs`).
//!
//! The trainable numbers have one owner, the [`Model`]; the optimizer updates them in place.
//! A run's whole state — epoch, position in the epoch, random streams, optimizer moments,
//! history, the baseline — is written into a document by [`Trainer::snapshot`] and taken back
//! by [`Trainer::new`], so a link continues a run exactly. An edit of the model or the data
//! keeps the run ([`Trainer::update`]): the history goes on with a mark where the edit
//! happened, and the optimizer's state follows the numbers the edit kept.
//!
//! May import `std`, `serde`, `crate::rng`, `crate::data`, `crate::learn`, `crate::doc` and
//! `crate::model`; knows nothing of the web.
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
pub mod edit;
pub mod shard;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use serde::Serialize;

use crate::data::{DataError, Dataset, Point};
use crate::doc::{
    rng_state, rng_words, DocError, Document, EditMark, GradientRecord, History, RunState,
    TrainingSpec, ValidDocument, MAX_HISTORY, MAX_WEIGHT,
};
use crate::learn::loss;
use crate::learn::mlp::{Mlp, MlpError, MlpSpec};
use crate::learn::optim::Optimizer;
use crate::model::{BlockSizes, GridSpace, Model, ModelError, Prediction};
use crate::rng::Rng;
use baseline::MlpTrainer;
pub use edit::same_structure;
pub use shard::{BatchPlan, ShardResult};

/// A trainer that cannot be built, with the reason (document errors keep their field path).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TrainError {
    /// The document (or its run state) is invalid.
    #[error(transparent)]
    Doc(#[from] DocError),
    /// The model cannot be built.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The dataset cannot be generated.
    #[error("data: {0}")]
    Data(#[from] DataError),
    /// The baseline cannot be built.
    #[error("baseline: {0}")]
    Baseline(#[from] MlpError),
}

impl TrainError {
    /// The document path of the field at fault, if the error is about one.
    pub fn path(&self) -> Option<String> {
        match self {
            TrainError::Doc(e) | TrainError::Model(ModelError::Doc(e)) => Some(e.path.clone()),
            TrainError::Data(e) => e.path().map(|p| format!("data.{p}")),
            TrainError::Baseline(_) => Some("baseline".into()),
            _ => None,
        }
    }
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
    /// Why the optimizer stopped before `epochs`, if it did (L-BFGS converged, or could go no
    /// further); the run then counts as finished.
    pub converged: Option<String>,
}

/// What [`Trainer::update`] did with the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UpdateOutcome {
    /// Only hyper-parameters (or weights, title, locks) changed: the run goes on untouched.
    pub kept: bool,
    /// For a structural edit: what changed and which trainable numbers start fresh, in words.
    pub note: Option<String>,
}

/// When the test split is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestEval {
    /// After every `k`-th epoch and when the last epoch completes.
    Every(usize),
    /// Only when asked ([`Trainer::evaluate_test`]); the page asks once per drawn frame.
    OnRequest,
}

/// A plane a decision boundary is drawn over: two raw inputs (the others at their training
/// mean) or, with `preprocessed`, two of the model's inputs after preprocessing — with PCA the
/// principal components — the others 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plane {
    /// The plotted inputs, horizontal then vertical (0-based).
    pub axes: [usize; 2],
    /// Whether they are inputs after preprocessing.
    pub preprocessed: bool,
}

impl Plane {
    /// Two raw inputs.
    pub fn raw(axes: [usize; 2]) -> Plane {
        Plane {
            axes,
            preprocessed: false,
        }
    }
}

/// The hybrid model's training loop, with its data, optimizer, history and baseline.
pub struct Trainer {
    doc: ValidDocument,
    model: Model,
    data: Dataset,
    /// The data as the baseline sees them: preprocessed like the model's inputs.
    baseline_data: Option<(Vec<Point>, Vec<Point>)>,
    grad: Vec<f64>,
    before: Vec<f64>,
    opt: Optimizer,
    rng: Rng,
    order_rng: [u64; 4],
    order: Vec<usize>,
    cursor: usize,
    epoch: usize,
    steps: u64,
    /// Loss-and-gradient evaluations over the whole training set so far (an epoch of a
    /// minibatch optimizer is one; an L-BFGS iteration as many as its line search needed).
    passes: u64,
    history: History,
    baseline: Option<MlpTrainer>,
    error: Option<String>,
    test_eval: TestEval,
    /// The current batch's points (a reused buffer), and a shard's gradient (another).
    batch_idx: Vec<usize>,
    scratch: Vec<f64>,
    /// A hash of the model's structure, fixed numbers and training data, for the shards' keys
    /// (see [`shard`]); computed when first needed after a change.
    fingerprint: Option<u64>,
    /// This epoch's sum of per-block gradient norms and the number of steps in it.
    epoch_norms: ([f64; 4], usize),
    /// The weights at the end of recent epochs (at most [`MAX_PATH`]), for the loss landscape's
    /// training path.
    path: Vec<Vec<f64>>,
    /// While set (inside [`Trainer::deferring`]), an evaluation the history is owed is left
    /// for later instead of computed.
    defer: bool,
    /// The latest history entry is not yet of the current model: an edit, new weights or a
    /// new document was taken without evaluating it (see [`Trainer::settle`]).
    unevaluated: bool,
}

/// The most weight vectors the trainer keeps for the training path; older ones are thinned.
pub const MAX_PATH: usize = 200;

impl Trainer {
    /// A trainer for a document, starting from the weights the document holds, or continuing
    /// the run its `state` records.
    pub fn new(doc: ValidDocument) -> Result<Trainer, TrainError> {
        Trainer::build(doc, false)
    }

    fn build(doc: ValidDocument, defer: bool) -> Result<Trainer, TrainError> {
        let data = doc.data.generate()?;
        let model = Model::new(&doc, &data.train)?;
        let n = model.n_params();
        let opt = doc.training.optimizer.build(n);
        let mut t = Trainer {
            grad: vec![0.0; n],
            before: vec![0.0; n],
            rng: Rng::new(doc.training.seed),
            order_rng: Rng::new(doc.training.seed).state(),
            order: (0..data.train.len()).collect(),
            cursor: 0,
            epoch: 0,
            steps: 0,
            passes: 0,
            history: History::default(),
            baseline: None,
            baseline_data: None,
            error: None,
            test_eval: TestEval::Every(1),
            batch_idx: Vec::new(),
            scratch: Vec::new(),
            fingerprint: None,
            epoch_norms: ([0.0; 4], 0),
            path: vec![model.params().to_vec()],
            defer,
            unevaluated: false,
            opt,
            model,
            data,
            doc,
        };
        t.prepare_baseline_data();
        t.build_baseline()?;
        match t.doc.state.clone() {
            Some(state) => t.restore(&state)?,
            None => {
                t.shuffle();
                t.record();
            }
        }
        Ok(t)
    }

    /// The preprocessed copies of the data the baseline trains on (none without
    /// preprocessing: it reads the data as they are).
    fn prepare_baseline_data(&mut self) {
        let prep = self.model.preprocessor();
        if prep.is_identity() {
            self.baseline_data = None;
            return;
        }
        let map = |pts: &[Point]| -> Vec<Point> {
            let mut z = Vec::new();
            pts.iter()
                .map(|p| {
                    prep.apply(&p.x, &mut z);
                    Point {
                        x: z.clone(),
                        label: p.label,
                    }
                })
                .collect()
        };
        self.baseline_data = Some((map(&self.data.train), map(&self.data.test)));
    }

    /// The baseline's view of the data.
    fn baseline_points(&self) -> (&[Point], &[Point]) {
        match &self.baseline_data {
            Some((a, b)) => (a, b),
            None => (&self.data.train, &self.data.test),
        }
    }

    /// The hidden layers the baseline uses: the document's, or for "same parameter budget"
    /// one layer as wide as brings its parameter count closest to the hybrid model's.
    fn baseline_shape(&self) -> Option<MlpSpec> {
        let b = self.doc.baseline.as_ref().filter(|b| b.enabled)?;
        if !b.budget {
            return Some(b.mlp());
        }
        let inputs = self.model.preprocessor().n_out();
        let classes = self.data.n_classes;
        let target = self.model.n_params();
        let best = (1..=crate::learn::mlp::MAX_UNITS)
            .min_by_key(|&h| {
                let n = Mlp::count_params(&MlpSpec { hidden: vec![h] }, inputs, classes);
                n.abs_diff(target)
            })
            .unwrap_or(1);
        let linear = Mlp::count_params(&MlpSpec { hidden: vec![] }, inputs, classes);
        let one = Mlp::count_params(&MlpSpec { hidden: vec![best] }, inputs, classes);
        Some(MlpSpec {
            hidden: if linear.abs_diff(target) < one.abs_diff(target) {
                vec![]
            } else {
                vec![best]
            },
        })
    }

    fn build_baseline(&mut self) -> Result<(), TrainError> {
        self.baseline = match self.baseline_shape() {
            Some(spec) => Some(MlpTrainer::with_inputs(
                &spec,
                &self.doc.training.optimizer,
                self.model.preprocessor().n_out(),
                self.data.n_classes,
                self.doc.training.seed,
            )?),
            None => None,
        };
        Ok(())
    }

    /// Continues the run a document's state records.
    fn restore(&mut self, s: &RunState) -> Result<(), TrainError> {
        self.opt
            .restore(&s.optimizer)
            .map_err(|m| DocError::new("state.optimizer", m))?;
        if s.cursor > self.data.train.len() {
            return Err(DocError::new(
                "state.cursor",
                format!(
                    "is {}, beyond the {} training points",
                    s.cursor,
                    self.data.train.len()
                ),
            )
            .into());
        }
        self.epoch = s.epoch;
        self.steps = s.steps;
        // Older documents have no evaluation counts: one pass per epoch, as for minibatches.
        self.passes = s.history.evals.last().copied().unwrap_or(s.epoch as u64);
        self.order_rng = rng_words(&s.order_rng);
        let mut r = Rng::from_state(self.order_rng);
        self.order = (0..self.data.train.len()).collect();
        r.shuffle(&mut self.order);
        self.rng = Rng::from_state(rng_words(&s.rng));
        self.cursor = s.cursor;
        self.model.set_shot_rng(rng_words(&s.shot_rng));
        self.history = s.history.clone();
        match (&mut self.baseline, &s.baseline) {
            (Some(b), Some(run)) => b
                .restore(run)
                .map_err(|m| DocError::new("state.baseline", m))?,
            (Some(_), None) => {}
            (None, _) => {}
        }
        self.unevaluated = s.unevaluated;
        if self.history.is_empty() && !self.unevaluated {
            self.record();
        }
        Ok(())
    }

    /// The run as a document records it (see [`RunState`]); the history thinned to
    /// [`MAX_HISTORY`] entries.
    pub fn run_state(&self) -> RunState {
        RunState {
            epoch: self.epoch,
            steps: self.steps,
            cursor: self.cursor,
            order_rng: rng_state(self.order_rng),
            rng: rng_state(self.rng.state()),
            shot_rng: rng_state(self.model.shot_rng()),
            optimizer: self.opt.state(),
            history: self.history.thinned(MAX_HISTORY),
            baseline: self.baseline.as_ref().map(|b| b.state()),
            unevaluated: self.unevaluated,
        }
    }

    /// Runs `f` (a [`Trainer::new`]-like constructor aside, any of [`Trainer::update`],
    /// [`Trainer::reset`]) without the evaluation it would record in the history: the trainer
    /// is left [`Trainer::unevaluated`], and whoever trains it next, or [`Trainer::settle`],
    /// evaluates it — with the same result as evaluating at once. The page uses this for
    /// models too slow to evaluate on its thread, leaving the evaluation to its worker.
    pub fn deferring<R>(&mut self, f: impl FnOnce(&mut Trainer) -> R) -> R {
        let was = std::mem::replace(&mut self.defer, true);
        let r = f(self);
        self.defer = was;
        r
    }

    /// A trainer for `doc` as [`Trainer::new`] makes it, but without evaluating the initial
    /// weights (see [`Trainer::deferring`]).
    pub fn new_unevaluated(doc: ValidDocument) -> Result<Trainer, TrainError> {
        let mut t = Trainer::build(doc, true)?;
        t.defer = false;
        Ok(t)
    }

    /// Whether the latest history entry is owed an evaluation of the current model (see
    /// [`Trainer::deferring`]).
    pub fn unevaluated(&self) -> bool {
        self.unevaluated
    }

    /// Records the evaluation the history is owed, if any (see [`Trainer::deferring`]): the
    /// latest entry of this epoch, if there is one, is replaced by the current model's.
    pub fn settle(&mut self) {
        if !self.unevaluated {
            return;
        }
        self.unevaluated = false;
        self.pop_entry_of_this_epoch();
        self.push_record(true);
    }

    /// New initial values from `seed` for every trainable number; clears history, optimizer
    /// state and any error. Fixed numbers (a fixed head) keep their values.
    pub fn reset(&mut self, seed: u64) {
        self.model.reinit(seed);
        let mut doc = self.doc.clone();
        doc.trusted_edit(|d| {
            d.training.seed = seed;
            d.state = None;
        });
        self.doc = doc;
        self.opt = self.doc.training.optimizer.build(self.model.n_params());
        self.rng = Rng::new(seed);
        self.epoch = 0;
        self.steps = 0;
        self.passes = 0;
        self.cursor = 0;
        self.error = None;
        self.history = History::default();
        self.path = vec![self.model.params().to_vec()];
        // The baseline is rebuilt from the same seed; its spec was valid when built.
        let _ = self.build_baseline();
        self.shuffle();
        self.record();
    }

    /// Takes a new version of the document (validated once, by its type).
    ///
    /// When only hyper-parameters, title, description, locks or weights differ, training goes
    /// on: the trainer's own (newer) weights, history and optimizer state are kept. A
    /// structural edit (the circuit, the classical layers, the readout, the data) rebuilds the
    /// model from the new document's weights but keeps the run: the epoch count and the history
    /// go on with an edit mark, and the optimizer's state follows every number the edit kept
    /// (see [`edit`]). A document carrying a run state replaces the run with that one. On error
    /// nothing changes.
    pub fn update(&mut self, new: ValidDocument) -> Result<UpdateOutcome, TrainError> {
        if new.state.is_some() {
            *self = Trainer::build(new, self.defer)?;
            return Ok(UpdateOutcome {
                kept: false,
                note: None,
            });
        }
        if same_structure(&self.doc, &new) {
            let training = new.training.clone();
            let mut merged = self.doc.clone();
            merged.trusted_edit(|d| {
                d.title.clone_from(&new.title);
                d.description.clone_from(&new.description);
                d.locked.clone_from(&new.locked);
                d.analyses.clone_from(&new.analyses);
            });
            self.doc = merged;
            self.set_training(training)?;
            return Ok(UpdateOutcome {
                kept: true,
                note: None,
            });
        }
        let old_doc = self.document();
        let n_old = self.model.n_params();
        let data = if new.data == self.doc.data {
            self.data.clone()
        } else {
            new.data.generate()?
        };
        let model = Model::new(&new, &data.train)?;
        let remap = edit::remap(&old_doc, &new, n_old, model.n_params());
        let opt = if new.training.optimizer == self.doc.training.optimizer {
            let mut o = self.opt.clone();
            o.remap(&remap.map);
            o
        } else {
            new.training.optimizer.build(model.n_params())
        };
        let data_changed = new.data != self.doc.data;
        let n = model.n_params();
        let next = Trainer {
            grad: vec![0.0; n],
            before: vec![0.0; n],
            rng: self.rng.clone(),
            order_rng: self.order_rng,
            order: self.order.clone(),
            cursor: self.cursor,
            epoch: self.epoch,
            steps: self.steps,
            passes: self.passes,
            history: self.history.clone(),
            baseline: None,
            baseline_data: None,
            error: None,
            test_eval: self.test_eval,
            batch_idx: Vec::new(),
            scratch: Vec::new(),
            fingerprint: None,
            epoch_norms: ([0.0; 4], 0),
            // The weights' layout may have changed: the training path starts at the edit.
            path: vec![model.params().to_vec()],
            defer: self.defer,
            unevaluated: self.unevaluated,
            opt,
            model,
            data,
            doc: new,
        };
        let old = std::mem::replace(self, next);
        self.prepare_baseline_data();
        let baseline_same = old.doc.baseline == self.doc.baseline
            && !data_changed
            && old.doc.preprocess == self.doc.preprocess
            && (!self.doc.baseline.as_ref().is_some_and(|b| b.budget)
                || old.model.n_params() == self.model.n_params());
        if baseline_same {
            self.baseline = old.baseline;
        } else {
            if let Err(e) = self.build_baseline() {
                *self = old;
                return Err(e);
            }
            // A new baseline starts its own curves.
            let h = &mut self.history;
            h.baseline_train_loss.clear();
            h.baseline_test_loss.clear();
            h.baseline_train_acc.clear();
            h.baseline_test_acc.clear();
        }
        if data_changed || self.order.len() != self.data.train.len() {
            self.cursor = 0;
            self.shuffle();
        }
        if !self.model.has_noise() {
            // Ideal again: the ideal curve is the main one.
            let h = &mut self.history;
            h.ideal_train_loss.clear();
            h.ideal_test_loss.clear();
            h.ideal_train_acc.clear();
            h.ideal_test_acc.clear();
        }
        self.history.edits.push(EditMark {
            epoch: self.epoch,
            what: remap.what.clone(),
        });
        self.record_replacing_last();
        let note = if remap.fresh.is_empty() {
            format!(
                "Edited: {}. Training goes on from the current weights.",
                remap.what
            )
        } else {
            format!("Edited: {}. {}.", remap.what, remap.fresh)
        };
        Ok(UpdateOutcome {
            kept: false,
            note: Some(note),
        })
    }

    /// Changes the hyper-parameters, keeping weights and history (the optimizer restarts
    /// when its settings change). Clears a stopped-on-error state.
    pub fn set_training(&mut self, t: TrainingSpec) -> Result<(), TrainError> {
        let doc = self.doc.edited(|d| d.training = t)?;
        if doc.training.optimizer != self.doc.training.optimizer {
            self.opt = doc.training.optimizer.build(self.model.n_params());
        } else if doc.training != self.doc.training {
            // The loss may differ at the same weights (a new L2 weight): L-BFGS evaluates anew.
            self.opt.forget_point();
        }
        self.model.set_shots(doc.training.shots);
        self.doc = doc;
        self.error = None;
        self.fingerprint = None;
        Ok(())
    }

    /// When the test split is evaluated (default: after every epoch).
    pub fn set_test_eval(&mut self, e: TestEval) {
        self.test_eval = e;
    }

    /// Draws the batch order for a run from the current generator (remembering its state so a
    /// stored run can redraw the same order).
    fn shuffle(&mut self) {
        self.order_rng = self.rng.state();
        self.order = (0..self.data.train.len()).collect();
        self.rng.shuffle(&mut self.order);
        self.cursor = 0;
    }

    /// Whether the test split is evaluated at the end of this epoch.
    fn test_due(&self) -> bool {
        match self.test_eval {
            TestEval::Every(k) => self.epoch % k.max(1) == 0 || self.finished(),
            TestEval::OnRequest => false,
        }
    }

    fn metrics(&mut self, test: bool) -> ((f64, f64), Option<(f64, f64)>) {
        let train = self.model.evaluate(&self.data.train);
        let test = test.then(|| self.model.evaluate(&self.data.test));
        (train, test)
    }

    fn record(&mut self) {
        // Only a start is deferred: its evaluation (train and test, as `settle` does it) is
        // the one a slow model's page cannot afford; an epoch's end is recorded where it ran.
        if self.defer && self.epoch == 0 {
            self.unevaluated = true;
            return;
        }
        let due = self.epoch == 0 || self.test_due();
        self.push_record(due);
    }

    /// Under noise: the same weights evaluated ideally (noise off), train and test.
    fn record_ideal(&mut self) {
        if !self.model.has_noise() {
            return;
        }
        let ((l, a), (tl, ta)) = self.ideal_metrics();
        let h = &mut self.history;
        h.ideal_train_loss.push(l);
        h.ideal_train_acc.push(a);
        h.ideal_test_loss.push(tl);
        h.ideal_test_acc.push(ta);
    }

    /// The (loss, accuracy) of the current weights with the noise switched off, on the
    /// training and the test split (the model's own metrics when it is ideal).
    pub fn ideal_metrics(&mut self) -> ((f64, f64), (f64, f64)) {
        let on = self.model.is_noisy();
        self.model.set_noise_enabled(false);
        let train = self.model.evaluate(&self.data.train);
        let test = self.model.evaluate(&self.data.test);
        self.model.set_noise_enabled(on);
        (train, test)
    }

    fn record_baseline(&mut self) {
        let Some(b) = &self.baseline else { return };
        let (tr, te) = self.baseline_points();
        let (l, a) = b.evaluate(tr);
        let (tl, ta) = b.evaluate(te);
        let h = &mut self.history;
        h.baseline_train_loss.push(l);
        h.baseline_train_acc.push(a);
        h.baseline_test_loss.push(tl);
        h.baseline_test_acc.push(ta);
    }

    /// After an edit: the last entry is re-evaluated with the edited model and data (same
    /// epoch), so the curve shows the edit's effect at once.
    fn record_replacing_last(&mut self) {
        if self.defer {
            self.unevaluated = true;
            return;
        }
        self.pop_entry_of_this_epoch();
        self.push_record(true);
    }

    /// Removes the latest history entry if it is of the current epoch.
    fn pop_entry_of_this_epoch(&mut self) {
        let h = &mut self.history;
        if !h.is_empty() && h.epoch_of(h.len() - 1) == self.epoch {
            h.train_loss.pop();
            h.train_acc.pop();
            h.test_loss.pop();
            h.test_acc.pop();
            if !h.epochs.is_empty() {
                h.epochs.pop();
            }
            if h.evals.len() > h.train_loss.len() {
                h.evals.pop();
            }
            for v in [
                &mut h.baseline_train_loss,
                &mut h.baseline_test_loss,
                &mut h.baseline_train_acc,
                &mut h.baseline_test_acc,
                &mut h.ideal_train_loss,
                &mut h.ideal_test_loss,
                &mut h.ideal_train_acc,
                &mut h.ideal_test_acc,
            ] {
                if v.len() > h.train_loss.len() {
                    v.pop();
                }
            }
        }
    }

    /// Evaluates the current model (the test split too with `test`) and appends it to the
    /// history, with the baseline's and the ideal model's metrics.
    fn push_record(&mut self, test: bool) {
        let (train, test) = self.metrics(test);
        self.history.push(self.epoch, train, test);
        self.history.evals.push(self.passes);
        self.record_baseline();
        self.record_ideal();
    }

    /// Evaluates the test split for the latest history entry if it was not (the page asks
    /// once per drawn frame, so evaluation never dominates training).
    pub fn evaluate_test(&mut self) {
        if let Some(None) = self.history.test_loss.last() {
            let (l, a) = self.model.evaluate(&self.data.test);
            if let Some(v) = self.history.test_loss.last_mut() {
                *v = Some(l);
            }
            if let Some(v) = self.history.test_acc.last_mut() {
                *v = Some(a);
            }
        }
    }

    /// One L-BFGS iteration on the whole training set (the epoch's only step); returns the
    /// samples used (training points × evaluations).
    fn full_batch(&mut self) -> usize {
        let Trainer {
            model,
            data,
            opt,
            doc,
            grad,
            scratch,
            ..
        } = self;
        // The whole training split in its own order, reduced shard by shard like a batch.
        let all: Vec<usize> = (0..data.train.len()).collect();
        let count = all.len().max(1) as f64;
        let l2 = doc.training.l2;
        let mut x = model.params().to_vec();
        let before = x.clone();
        let mut eval = |p: &[f64], g: &mut [f64]| -> f64 {
            model.set_params(p);
            let mut loss =
                shard::sharded_loss_and_grad(model, &data.train, &all, g, scratch) / count;
            g.iter_mut().for_each(|v| *v /= count);
            if l2 > 0.0 {
                let (l, lg) = loss::l2(p, l2);
                loss += l;
                g.iter_mut().zip(lg).for_each(|(a, b)| *a += b);
            }
            loss
        };
        let result = opt.iterate(&mut x, &mut eval);
        let (evals, failure) = match result {
            Ok(it) => (it.evals, None),
            Err(e) => (1, Some(e)),
        };
        grad.clear();
        grad.extend_from_slice(opt.gradient());
        grad.resize(x.len(), 0.0);
        self.add_gradient_norms();
        self.passes += evals;
        self.steps += 1;
        self.cursor = self.order.len();
        let bad = x.iter().any(|p| !p.is_finite() || p.abs() > MAX_WEIGHT);
        if failure.is_some() || bad {
            self.model.set_params(&before);
            self.error = Some(format!(
                "Training stopped in epoch {} (L-BFGS iteration {}): {}. The weights are kept \
                 from the last finite point; press Reset for fresh weights.",
                self.epoch + 1,
                self.steps,
                failure.unwrap_or_else(|| "a weight left ±1e6".to_string())
            ));
        } else {
            self.model.set_params(&x);
        }
        self.data.train.len() * evals as usize
    }

    /// Adds the current gradient's per-block norms to this epoch's sums.
    fn add_gradient_norms(&mut self) {
        for (k, r) in self.model.block_ranges().iter().enumerate() {
            let n: f64 = self
                .grad
                .get(r.clone())
                .map_or(0.0, |g| g.iter().fold(0.0, |a, v| a + v * v));
            self.epoch_norms.0[k] += n.sqrt();
        }
        self.epoch_norms.1 += 1;
    }

    /// Where in `order` the batch starting at the cursor ends (exclusive): `batch_size` points
    /// on, or the epoch's end when fewer than a batch would remain.
    fn batch_end(&self) -> usize {
        let bs = self.doc.training.batch_size.max(1);
        let n = self.order.len();
        let end = (self.cursor + bs).min(n);
        if n - end < bs {
            // The remainder joins this, the epoch's last, batch.
            n
        } else {
            end
        }
    }

    /// Puts the next batch's points into `batch_idx`; returns where it ends in `order`.
    fn fill_batch(&mut self) -> usize {
        let end = self.batch_end();
        self.batch_idx.clear();
        self.batch_idx
            .extend_from_slice(&self.order[self.cursor..end]);
        end
    }

    /// One optimizer step on the next batch; returns the samples used.
    fn batch(&mut self) -> usize {
        // The run goes on from an evaluated start, as if the evaluation had not been deferred.
        self.settle();
        if self.opt.spec().full_batch() {
            return self.full_batch();
        }
        let end = self.fill_batch();
        let Trainer {
            model,
            data,
            batch_idx,
            grad,
            scratch,
            ..
        } = self;
        // Batched forward + adjoint pass (point by point where the circuit needs it), shard by
        // shard: the same sums a shared batch adds up ([`Trainer::finish_batch`]).
        let loss = shard::sharded_loss_and_grad(model, &data.train, batch_idx, grad, scratch);
        self.apply_batch(loss, end)
    }

    /// The rest of a batch once `grad` holds its summed gradient and `loss` its summed loss:
    /// the mean, the L2 term, the optimizer's step, and the checks that stop a diverging run.
    fn apply_batch(&mut self, mut loss: f64, end: usize) -> usize {
        let count = self.batch_idx.len().max(1) as f64;
        self.grad.iter_mut().for_each(|g| *g /= count);
        loss /= count;
        let l2 = self.doc.training.l2;
        if l2 > 0.0 {
            let (l, g) = loss::l2(self.model.params(), l2);
            loss += l;
            self.grad.iter_mut().zip(g).for_each(|(a, b)| *a += b);
        }
        self.add_gradient_norms();
        self.before.clear();
        self.before.extend_from_slice(self.model.params());
        self.opt.step(self.model.params_mut(), &self.grad);
        self.steps += 1;
        let used = self.batch_idx.len();
        self.cursor = end;
        let params = self.model.params();
        let bad_grad = self.grad.iter().any(|g| !g.is_finite());
        if !loss.is_finite()
            || bad_grad
            || params
                .iter()
                .any(|p| !p.is_finite() || p.abs() > MAX_WEIGHT)
        {
            let before = std::mem::take(&mut self.before);
            self.model.set_params(&before);
            self.before = before;
            let what = if loss.is_nan() || self.grad.iter().any(|g| g.is_nan()) {
                "NaN (not a number)"
            } else if !loss.is_finite() || bad_grad {
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
                self.doc.training.optimizer.lr().unwrap_or(0.0)
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
        let (sums, steps) = std::mem::replace(&mut self.epoch_norms, ([0.0; 4], 0));
        if steps > 0 && sums.iter().all(|v| v.is_finite()) {
            self.history.gradients.push(GradientRecord {
                epoch: self.epoch,
                norms: sums.map(|v| v / steps as f64),
            });
        }
        self.path.push(self.model.params().to_vec());
        if self.path.len() > MAX_PATH {
            // Keep the first, then every other one: the path stays evenly thinned.
            let first = self.path[0].clone();
            let kept: Vec<Vec<f64>> = self.path.iter().skip(1).step_by(2).cloned().collect();
            self.path = std::iter::once(first).chain(kept).collect();
        }
        if !self.opt.spec().full_batch() {
            self.passes += 1;
        }
        let bs = self.doc.training.batch_size;
        if let Some(b) = &mut self.baseline {
            let train = match &self.baseline_data {
                Some((a, _)) => a.as_slice(),
                None => self.data.train.as_slice(),
            };
            b.epoch(train, bs);
        }
        self.record();
        self.cursor = 0;
        if self.order.len() != self.data.train.len() {
            self.shuffle();
        }
    }

    /// Runs the rest of the current epoch (the page's Step button), even past `epochs`.
    pub fn run_epoch(&mut self) -> StepStatus {
        if self.opt.stopped().is_some() {
            return self.status(0);
        }
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
            converged: self.converged().map(str::to_string),
        }
    }

    /// Whether the document's epoch count has been reached, or the optimizer has stopped
    /// (L-BFGS converged).
    pub fn finished(&self) -> bool {
        self.epoch >= self.doc.training.epochs || self.opt.stopped().is_some()
    }

    /// Why the optimizer stopped before the epoch count, in the page's words (L-BFGS only).
    pub fn converged(&self) -> Option<&'static str> {
        self.opt.stopped().map(|s| s.describe())
    }

    /// Loss-and-gradient evaluations over the whole training set so far (see
    /// `History::evals`).
    pub fn evals(&self) -> u64 {
        self.passes
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Optimizer steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Why training stopped, if it did on an error.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The metrics so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The training hyper-parameters.
    pub fn training(&self) -> &TrainingSpec {
        &self.doc.training
    }

    /// The document as the trainer holds it: structure and settings (its weights are those it
    /// was built with; the current ones are the model's — see [`Trainer::document`]).
    pub fn spec(&self) -> &ValidDocument {
        &self.doc
    }

    /// The document with the current weights (no run state).
    pub fn document(&self) -> Document {
        let mut d = self.doc.clone().into_inner();
        self.model.write_params(&mut d);
        d.state = None;
        d
    }

    /// The document with the current weights and the run's state: what a link, a download
    /// or the autosave holds.
    pub fn snapshot(&self) -> Document {
        let mut d = self.document();
        d.state = Some(self.run_state());
        d
    }

    /// The dataset being trained on.
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }

    /// The current trainable numbers.
    pub fn params(&self) -> &[f64] {
        self.model.params()
    }

    /// The number of trainable numbers of the hybrid model.
    pub fn n_params(&self) -> usize {
        self.model.n_params()
    }

    /// The trainable numbers per block.
    pub fn block_sizes(&self) -> BlockSizes {
        self.model.block_sizes()
    }

    /// The number of trainable numbers of the classical baseline, if enabled.
    pub fn baseline_n_params(&self) -> Option<usize> {
        self.baseline.as_ref().map(|b| b.mlp().n_params())
    }

    /// The baseline's hidden layers, if enabled (after any "same budget" sizing).
    pub fn baseline_hidden(&self) -> Option<Vec<usize>> {
        self.baseline_shape().map(|s| s.hidden)
    }

    /// The last gradient (of the last batch, averaged over it).
    pub fn last_gradient(&self) -> &[f64] {
        &self.grad
    }

    /// Takes a training path kept elsewhere — by another trainer of the same document and
    /// weights, such as the page's, whose path a snapshot does not carry — so that analyses
    /// drawing it (the loss landscape) see the same one. Refuses, saying why, rows of the
    /// wrong length, numbers that are not finite, and more than [`MAX_PATH`] rows.
    pub fn set_path(&mut self, rows: Vec<Vec<f64>>) -> Result<(), String> {
        let n = self.model.n_params();
        if rows.len() > MAX_PATH {
            return Err(format!(
                "a training path has at most {MAX_PATH} points, not {}",
                rows.len()
            ));
        }
        if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != n) {
            return Err(format!(
                "point {i} of the training path has {} weights, not {n}",
                r.len()
            ));
        }
        if let Some(i) = rows.iter().position(|r| r.iter().any(|w| !w.is_finite())) {
            return Err(format!(
                "point {i} of the training path has a weight that is not a finite number"
            ));
        }
        self.path = rows;
        Ok(())
    }

    /// The weights at the end of recent epochs (thinned to at most [`MAX_PATH`]), oldest first,
    /// ending with the current weights.
    pub fn path(&self) -> Vec<Vec<f64>> {
        let mut p = self.path.clone();
        if p.last().map(Vec::as_slice) != Some(self.model.params()) {
            p.push(self.model.params().to_vec());
        }
        p
    }

    /// A warning when every block's gradient norm has stayed below `threshold` for the last
    /// `epochs` trained epochs (a barren plateau or a dead model), else `None`.
    pub fn vanishing_gradients(&self, threshold: f64, epochs: usize) -> Option<String> {
        let g = &self.history.gradients;
        if epochs == 0 || g.len() < epochs {
            return None;
        }
        let recent = &g[g.len() - epochs..];
        let all_small = recent
            .iter()
            .all(|r| r.norms.iter().all(|v| *v < threshold));
        let any_block = recent.iter().any(|r| r.norms.iter().any(|v| *v > 0.0));
        (all_small && (any_block || self.model.n_params() > 0)).then(|| {
            let worst = recent.iter().flat_map(|r| r.norms).fold(0.0f64, f64::max);
            format!(
                "The gradients have stayed below {threshold:e} for {epochs} epochs (largest \
                 {worst:.1e}): training has stalled — a barren plateau, a saturated layer or too \
                 small a learning rate. Try fewer layers, a local cost, or other initial weights."
            )
        })
    }

    /// The model (with the current weights).
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The model, mutably (for views that run it).
    pub fn model_mut(&mut self) -> &mut Model {
        &mut self.model
    }

    /// The model's predictions on an `n × n` grid over the first two inputs' extent (row 0
    /// at the bottom), the other inputs at their training mean.
    pub fn grid(&mut self, n: usize) -> Vec<Prediction> {
        let extent = self.data.extent;
        let space = self.default_grid_space();
        self.model.grid(extent, n, &space)
    }

    /// The plane a boundary plot shows by default: the first two inputs with the others at
    /// their training mean.
    pub fn default_grid_space(&self) -> GridSpace {
        self.grid_space_on(self.default_plane())
    }

    /// The first two inputs (the first twice for 1-D data): the default plotted plane.
    pub fn default_plane(&self) -> [usize; 2] {
        [0, 1.min(self.data.dim.saturating_sub(1))]
    }

    /// The plane of raw inputs `axes` (horizontal, vertical) with every other input at its
    /// training mean. Axes past the data's inputs are taken as the default plane's.
    pub fn grid_space_on(&self, axes: [usize; 2]) -> GridSpace {
        let d = self.data.dim;
        let axes = self.valid_axes(axes);
        let n = self.data.train.len().max(1) as f64;
        let mut base = vec![0.0; d];
        for p in &self.data.train {
            for (b, v) in base.iter_mut().zip(&p.x) {
                *b += v / n;
            }
        }
        GridSpace::Raw { axes, base }
    }

    /// `axes` if both name inputs of the data, else the default plane.
    fn valid_axes(&self, axes: [usize; 2]) -> [usize; 2] {
        if axes.iter().all(|&a| a < self.data.dim) {
            axes
        } else {
            self.default_plane()
        }
    }

    /// `plane` if the data and the preprocessing have its inputs, else the default plane of
    /// raw inputs (a preprocessed plane needs preprocessing).
    pub fn valid_plane(&self, plane: Plane) -> Plane {
        let prep = self.model.preprocessor();
        let ok = if plane.preprocessed {
            !prep.is_identity() && plane.axes.iter().all(|&a| a < prep.n_out())
        } else {
            plane.axes.iter().all(|&a| a < self.data.dim)
        };
        if ok {
            plane
        } else {
            Plane::raw(self.default_plane())
        }
    }

    /// Where point `x` (raw inputs) lies on `plane` (assumed valid).
    pub fn plane_coords(&self, plane: Plane, x: &[f64]) -> (f64, f64) {
        let [a, b] = plane.axes;
        if plane.preprocessed {
            let mut z = Vec::new();
            self.model.preprocessor().apply(x, &mut z);
            (
                z.get(a).copied().unwrap_or(0.0),
                z.get(b).copied().unwrap_or(0.0),
            )
        } else {
            (
                x.get(a).copied().unwrap_or(0.0),
                x.get(b).copied().unwrap_or(0.0),
            )
        }
    }

    /// The raw data point at `(u, v)` of `plane`: for raw inputs, the others at their training
    /// mean; for preprocessed ones (e.g. principal components), the raw point the
    /// preprocessing maps to `(u, v)` with the others 0.
    pub fn plane_point(&self, plane: Plane, u: f64, v: f64) -> Vec<f64> {
        let plane = self.valid_plane(plane);
        let [a, b] = plane.axes;
        if plane.preprocessed {
            let prep = self.model.preprocessor();
            let mut z = vec![0.0; prep.n_out()];
            z[a] = u;
            z[b] = v;
            return prep.raw_point(&z);
        }
        let GridSpace::Raw { mut base, .. } = self.grid_space_on(plane.axes) else {
            return Vec::new();
        };
        if let Some(x) = base.get_mut(a) {
            *x = u;
        }
        if b != a {
            if let Some(y) = base.get_mut(b) {
                *y = v;
            }
        }
        base
    }

    /// The plot window `[xmin, xmax, ymin, ymax]` of `plane`: the data's extent for the first
    /// two raw inputs (grown with added points), the two inputs' padded ranges for other raw
    /// ones, the padded range of the points' preprocessed values for a preprocessed plane.
    pub fn plane_extent(&self, plane: Plane) -> [f64; 4] {
        let plane = self.valid_plane(plane);
        if !plane.preprocessed {
            if plane.axes == self.default_plane() {
                return self.data.extent;
            }
            let r = |a: usize| self.data.ranges.get(a).copied().unwrap_or([-1.0, 1.0]);
            let (x, y) = (r(plane.axes[0]), r(plane.axes[1]));
            return [x[0], x[1], y[0], y[1]];
        }
        let mut r = [[f64::INFINITY, f64::NEG_INFINITY]; 2];
        for p in self.data.train.iter().chain(&self.data.test) {
            let (u, v) = self.plane_coords(plane, &p.x);
            for (b, w) in r.iter_mut().zip([u, v]) {
                b[0] = b[0].min(w);
                b[1] = b[1].max(w);
            }
        }
        let pad = |[lo, hi]: [f64; 2]| {
            if lo.is_finite() && hi.is_finite() {
                let d = (0.1 * (hi - lo)).max(0.1);
                [lo - d, hi + d]
            } else {
                [-1.0, 1.0]
            }
        };
        let (x, y) = (pad(r[0]), pad(r[1]));
        [x[0], x[1], y[0], y[1]]
    }

    /// The model's predictions on an `n × n` grid over `plane` (row 0 at the bottom).
    pub fn grid_on(&mut self, n: usize, plane: Plane) -> Vec<Prediction> {
        self.grid_rows_on(n, plane, 0..n)
    }

    /// Rows `rows` of [`Trainer::grid_on`] (row-major, row 0 at the plane's bottom): a
    /// grid's rows computed by several engines holding the same document and weights.
    pub fn grid_rows_on(
        &mut self,
        n: usize,
        plane: Plane,
        rows: std::ops::Range<usize>,
    ) -> Vec<Prediction> {
        let plane = self.valid_plane(plane);
        let extent = self.plane_extent(plane);
        let space = if plane.preprocessed {
            GridSpace::Preprocessed { axes: plane.axes }
        } else {
            self.grid_space_on(plane.axes)
        };
        self.model.grid_rows(extent, n, &space, rows)
    }

    /// The confusion matrix of the current model on the training (`test = false`) or test
    /// split: `k × k` counts, row-major, row = true class, column = predicted class.
    pub fn confusion(&mut self, test: bool) -> Vec<usize> {
        let k = self.data.n_classes;
        let mut counts = vec![0; k * k];
        let points = if test {
            &self.data.test
        } else {
            &self.data.train
        };
        let predicted = self.model.predict_classes(points);
        for (p, c) in points.iter().zip(predicted) {
            if p.label < k && c < k {
                counts[p.label * k + c] += 1;
            }
        }
        counts
    }
}
