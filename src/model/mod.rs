//! The hybrid model: feature map → circuit (with angle bindings) → readout → classical head,
//! with its loss and exact gradient for one data point.
//!
//! The trainable numbers are, in document order: for each gate angle, a weight θ (one number)
//! or a re-upload's `w` and `b` (two numbers); then, if the head is trainable, every scale and
//! every bias. Gradients are chained from the loss through the head and the readout into the
//! circuit's adjoint pass (or, with shots, the parameter-shift rule on shot estimates), and from
//! the angles into the bindings.
//!
//! Prediction conventions: with one output and MSE, class 0 is the target `+1` (|0⟩ gives
//! ⟨Z⟩ = +1) and class 1 the target `−1`, so `P(class 1) = (1 − o)/2` clamped to `[0, 1]`; with
//! BCE the output is a logit; with cross-entropy the outputs are logits for softmax; with MSE
//! and one output per class the targets are `+1` for the label and `−1` elsewhere; with a
//! fidelity readout the class is the one whose label state is closest.
//!
//! May import `sim`, `circuit`, `doc`, `learn`, `rng`; knows nothing of optimizers or the
//! web.

use crate::circuit::{parameter_shift, CircuitError, MatrixCache, Program};
use crate::doc::{Angle, Document, Feature, FeatureMap, Readout};
use crate::learn::loss::{self, LossKind};
use crate::rng::Rng;
use crate::sim::{Observable, Op, Pauli, PauliString, State};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

/// A model that cannot be built, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

impl From<CircuitError> for ModelError {
    fn from(e: CircuitError) -> ModelError {
        ModelError(e.0)
    }
}

/// The number of features ([`Feature::ALL`]).
const N_FEATURES: usize = Feature::ALL.len();

/// How one circuit angle is computed from the trainable vector and the data point.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Binding {
    Const(f64),
    Weight(usize),
    Feature(Feature, f64),
    Reupload(Feature, usize),
}

#[derive(Clone, Debug)]
enum ReadoutKind {
    Expval(Vec<PauliString>),
    /// Bit string per class on the first `m` wires: (value, m).
    Fidelity(Vec<usize>, usize),
}

/// What the model predicts at one point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    /// The predicted class.
    pub class: usize,
    /// The probability (or confidence) of class 1 for two classes; of `class` otherwise.
    pub confidence: f64,
}

/// The compiled hybrid model of a document, with its trainable numbers.
#[derive(Clone, Debug)]
pub struct Model {
    program: Program,
    bindings: Vec<Binding>,
    features: FeatureMap,
    readout: ReadoutKind,
    loss: LossKind,
    n_classes: usize,
    head_trainable: bool,
    /// Index of the first head number in `params` (scales, then biases).
    head_offset: usize,
    params: Vec<f64>,
    n_outputs: usize,
    shots: Option<usize>,
    rng: Rng,
    angles: Vec<f64>,
    angle_grad: Vec<f64>,
    /// `Σ_j w_j R_j` for the readouts `R_j`, its weights rewritten per point (no allocation):
    /// a sum of Pauli strings, or the fidelity readout's diagonal.
    weighted: Observable,
    /// Per-point buffers: readouts, outputs, dloss/doutput, dloss/dreadout.
    r: Vec<f64>,
    o: Vec<f64>,
    dl_do: Vec<f64>,
    dl_dr: Vec<f64>,
    /// Which features the bindings use (indexed by `Feature as usize`).
    used_features: [bool; N_FEATURES],
    /// Batch buffers: every point's angles and feature values, and one point's adjoint state.
    batch_angles: Vec<f64>,
    batch_features: Vec<[f64; N_FEATURES]>,
    lambda: State,
    state: State,
}

impl Model {
    /// Builds the model of a (valid) document.
    pub fn new(doc: &Document) -> Result<Model, ModelError> {
        doc.validate().map_err(|e| ModelError(e.to_string()))?;
        let program = Program::compile(&doc.circuit)?;
        let mut params = Vec::new();
        let mut bindings = Vec::with_capacity(program.n_angles());
        for g in &doc.circuit.gates {
            for a in &g.params {
                bindings.push(match *a {
                    Angle::Const { value } => Binding::Const(value),
                    Angle::Weight { value } => {
                        params.push(value);
                        Binding::Weight(params.len() - 1)
                    }
                    Angle::Feature { feature, scale } => Binding::Feature(feature, scale),
                    Angle::Reupload { feature, w, b } => {
                        params.push(w);
                        params.push(b);
                        Binding::Reupload(feature, params.len() - 2)
                    }
                });
            }
        }
        let head_offset = params.len();
        let head_trainable = doc.head.trainable;
        params.extend_from_slice(&doc.head.scale);
        params.extend_from_slice(&doc.head.bias);
        let n = doc.circuit.qubits;
        let readout = match &doc.readout {
            Readout::Expval { observables } => ReadoutKind::Expval(
                observables
                    .iter()
                    .map(|o| {
                        o.parse::<PauliString>()
                            .map_err(|e| ModelError(e.to_string()))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Readout::Fidelity { states } => {
                let m = states.first().map_or(1, |s| s.len());
                ReadoutKind::Fidelity(
                    states
                        .iter()
                        .map(|s| usize::from_str_radix(s, 2).unwrap_or(0))
                        .collect(),
                    m,
                )
            }
        };
        let n_angles = program.n_angles();
        let mut used_features = [false; N_FEATURES];
        for b in &bindings {
            if let Binding::Feature(f, _) | Binding::Reupload(f, _) = *b {
                used_features[f as usize] = true;
            }
        }
        let weighted = match &readout {
            ReadoutKind::Expval(ps) => {
                Observable::Sum(ps.iter().map(|p| (0.0, p.clone())).collect())
            }
            ReadoutKind::Fidelity(..) => Observable::Diagonal(vec![0.0; 1 << n]),
        };
        Ok(Model {
            state: State::new(n).map_err(|e| ModelError(e.to_string()))?,
            program,
            bindings,
            features: doc.features.clone(),
            readout,
            loss: doc.training.loss,
            n_classes: doc.n_classes(),
            head_trainable,
            head_offset,
            n_outputs: doc.n_outputs(),
            params,
            shots: doc.training.shots,
            rng: Rng::new(doc.training.seed ^ 0x5407_5A11),
            angles: vec![0.0; n_angles],
            angle_grad: vec![0.0; n_angles],
            weighted,
            r: Vec::new(),
            o: Vec::new(),
            dl_do: Vec::new(),
            dl_dr: Vec::new(),
            used_features,
            batch_angles: Vec::new(),
            batch_features: Vec::new(),
            lambda: State::new(n).map_err(|e| ModelError(e.to_string()))?,
        })
    }

    /// The number of trainable numbers.
    pub fn n_params(&self) -> usize {
        if self.head_trainable {
            self.params.len()
        } else {
            self.head_offset
        }
    }

    /// The trainable numbers (see the module doc for their order).
    pub fn params(&self) -> &[f64] {
        &self.params[..self.n_params()]
    }

    /// Replaces the trainable numbers (`p.len() == n_params()`).
    pub fn set_params(&mut self, p: &[f64]) {
        let n = self.n_params().min(p.len());
        self.params[..n].copy_from_slice(&p[..n]);
    }

    /// Writes the current trainable numbers back into a document of the same structure.
    pub fn write_params(&self, doc: &mut Document) {
        let mut k = 0;
        for g in &mut doc.circuit.gates {
            for a in &mut g.params {
                match a {
                    Angle::Weight { value } => {
                        *value = self.params[k];
                        k += 1;
                    }
                    Angle::Reupload { w, b, .. } => {
                        *w = self.params[k];
                        *b = self.params[k + 1];
                        k += 2;
                    }
                    _ => {}
                }
            }
        }
        let o = self.n_outputs;
        doc.head.scale = self.params[self.head_offset..self.head_offset + o].to_vec();
        doc.head.bias = self.params[self.head_offset + o..self.head_offset + 2 * o].to_vec();
    }

    /// Draws fresh initial weights from `seed`: θ uniform in `[0, 1)` (as PennyLane's demos
    /// initialise), re-upload `w = 1` and
    /// `b = 0` plus a little noise, head scale 1 and bias 0.
    pub fn reinit(&mut self, seed: u64) {
        let mut rng = Rng::new(seed);
        for b in &self.bindings {
            match *b {
                Binding::Weight(i) => self.params[i] = rng.uniform(),
                Binding::Reupload(_, i) => {
                    self.params[i] = 1.0 + 0.1 * rng.normal();
                    self.params[i + 1] = 0.1 * rng.normal();
                }
                _ => {}
            }
        }
        let o = self.n_outputs;
        for j in 0..o {
            self.params[self.head_offset + j] = 1.0;
            self.params[self.head_offset + o + j] = 0.0;
        }
    }

    /// The number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// The number of qubits.
    pub fn n_qubits(&self) -> usize {
        self.program.n_qubits()
    }

    /// The compiled circuit.
    pub fn program(&self) -> &Program {
        &self.program
    }

    fn bind(&mut self, x: [f64; 2]) {
        let mut angles = std::mem::take(&mut self.angles);
        self.angles_at(x, &mut angles);
        self.program.set_angles(&angles);
        self.angles = angles;
    }

    /// Every circuit angle at point `x`, into `out` (`n_angles` long).
    fn angles_at(&self, x: [f64; 2], out: &mut [f64]) {
        let fv = self.feature_values(x);
        self.angles_from(&fv, out);
    }

    /// The angle-ready value of every feature the circuit uses at `x` (indexed by
    /// `Feature as usize`; unused ones are 0).
    fn feature_values(&self, x: [f64; 2]) -> [f64; N_FEATURES] {
        let mut v = [0.0; N_FEATURES];
        for &f in &Feature::ALL {
            if self.used_features[f as usize] {
                v[f as usize] = self.features.value(f, x);
            }
        }
        v
    }

    /// Every circuit angle from the feature values of a point.
    fn angles_from(&self, fv: &[f64; N_FEATURES], out: &mut [f64]) {
        for (a, b) in out.iter_mut().zip(&self.bindings) {
            *a = match *b {
                Binding::Const(v) => v,
                Binding::Weight(i) => self.params[i],
                Binding::Feature(f, s) => s * fv[f as usize],
                Binding::Reupload(f, i) => self.params[i] * fv[f as usize] + self.params[i + 1],
            };
        }
    }

    /// The angle a binding gives at point `x`.
    #[inline]
    fn angle(&self, b: &Binding, x: [f64; 2]) -> f64 {
        match *b {
            Binding::Const(v) => v,
            Binding::Weight(i) => self.params[i],
            Binding::Feature(f, s) => s * self.features.value(f, x),
            Binding::Reupload(f, i) => {
                self.params[i] * self.features.value(f, x) + self.params[i + 1]
            }
        }
    }

    /// The gates in execution order with every angle resolved for the point `x`.
    pub fn bound_ops(&mut self, x: [f64; 2]) -> Vec<Op> {
        self.bind(x);
        self.program.bound_ops()
    }

    /// The circuit's state for point `x` after the gates of columns up to `col` (all if `None`).
    pub fn state_at(&mut self, x: [f64; 2], col: Option<usize>) -> State {
        self.bind(x);
        let mut s = self.state.clone();
        self.program.run_until_column(&mut s, col);
        s
    }

    fn readout_exact(&self, s: &State, out: &mut Vec<f64>) {
        out.clear();
        match &self.readout {
            ReadoutKind::Expval(ps) => out.extend(ps.iter().map(|p| s.expval_pauli(p))),
            ReadoutKind::Fidelity(targets, m) => {
                let n = s.n_qubits();
                let shift = n - m;
                out.resize(targets.len(), 0.0);
                for (i, a) in s.amplitudes().iter().enumerate() {
                    let prefix = i >> shift;
                    if let Some(j) = targets.iter().position(|&t| t == prefix) {
                        out[j] += a.norm_sqr();
                    }
                }
            }
        }
    }

    /// Runs the model at `x`: readouts (exact or from shots) into `self.r`, outputs after the
    /// head into `self.o`.
    fn run_at(&mut self, x: [f64; 2]) {
        self.bind(x);
        self.program.forward_into_scratch();
        let mut r = std::mem::take(&mut self.r);
        match self.shots {
            None => self.readout_exact(self.program.scratch_state(), &mut r),
            Some(shots) => shot_readout(
                &self.readout,
                self.program.scratch_state(),
                shots,
                &mut self.rng,
                &mut r,
            ),
        }
        self.r = r;
        self.apply_head();
    }

    /// Outputs `self.o` from the readouts `self.r` through the head.
    fn apply_head(&mut self) {
        let r = std::mem::take(&mut self.r);
        let nout = self.n_outputs;
        let head = self.params.get(self.head_offset..).unwrap_or_default();
        let (scale, bias) = head.split_at(nout.min(head.len()));
        self.o.clear();
        self.o.extend(
            r.iter()
                .zip(scale.iter().zip(bias))
                .map(|(v, (a, b))| a * v + b),
        );
        self.r = r;
    }

    /// The model's outputs (after the head) at point `x`.
    pub fn forward(&mut self, x: [f64; 2]) -> Vec<f64> {
        self.run_at(x);
        self.o.clone()
    }

    /// Loss of outputs `o` for `label`, with dloss/do written into `dl_do` (no allocation for
    /// MSE, BCE and the fidelity cost).
    fn loss_into(&self, o: &[f64], label: usize, dl_do: &mut Vec<f64>) -> f64 {
        dl_do.clear();
        match self.loss {
            LossKind::Mse => {
                // loss::mse with target +1 (one output: class 0) or ±1 per class.
                let n = o.len().max(1) as f64;
                let target = |j: usize| {
                    let hit = if o.len() == 1 { label == 0 } else { j == label };
                    if hit {
                        1.0
                    } else {
                        -1.0
                    }
                };
                let mut l = 0.0;
                dl_do.extend(o.iter().enumerate().map(|(j, &v)| {
                    let d = v - target(j);
                    l += d * d;
                    2.0 * d / n
                }));
                l / n
            }
            LossKind::Bce => {
                let (l, g) = loss::bce_with_logit(o.first().copied().unwrap_or(0.0), label);
                dl_do.push(g);
                l
            }
            LossKind::CrossEntropy => {
                let (l, g) = loss::cross_entropy_with_logits(o, label);
                dl_do.extend(g);
                l
            }
            LossKind::Fidelity => {
                // loss::fidelity_cost: (1 − F_label)², gradient −2(1 − F_label) at the label.
                dl_do.resize(o.len(), 0.0);
                match (o.get(label), dl_do.get_mut(label)) {
                    (Some(&f), Some(g)) => {
                        let gap = 1.0 - f;
                        *g = -2.0 * gap;
                        gap * gap
                    }
                    _ => 1.0,
                }
            }
        }
    }

    /// The loss of outputs `o` (from [`Model::forward`]) for `label`.
    pub fn loss_of_outputs(&self, o: &[f64], label: usize) -> f64 {
        self.loss_into(o, label, &mut Vec::new())
    }

    /// The loss at one point.
    pub fn loss(&mut self, x: [f64; 2], label: usize) -> f64 {
        self.run_at(x);
        let mut d = std::mem::take(&mut self.dl_do);
        let l = self.loss_into(&self.o, label, &mut d);
        self.dl_do = d;
        l
    }

    /// The prediction for outputs `o`.
    pub fn predict_outputs(&self, o: &[f64]) -> Prediction {
        let argmax = |v: &[f64]| {
            v.iter().enumerate().fold(
                (0, f64::NEG_INFINITY),
                |b, (i, &x)| if x > b.1 { (i, x) } else { b },
            )
        };
        match (self.loss, o.len()) {
            (LossKind::Mse, 1) => {
                let p1 = ((1.0 - o[0]) / 2.0).clamp(0.0, 1.0);
                Prediction {
                    class: usize::from(p1 > 0.5),
                    confidence: p1,
                }
            }
            (LossKind::Bce, _) => {
                let p1 = loss::sigmoid(o.first().copied().unwrap_or(0.0));
                Prediction {
                    class: usize::from(p1 > 0.5),
                    confidence: p1,
                }
            }
            _ => {
                let p: Vec<f64> = match self.loss {
                    LossKind::CrossEntropy => loss::softmax(o),
                    LossKind::Fidelity => {
                        let s: f64 = o.iter().map(|v| v.max(0.0)).sum();
                        o.iter().map(|v| v.max(0.0) / s.max(1e-300)).collect()
                    }
                    _ => {
                        let shifted: Vec<f64> = o.iter().map(|v| (v + 1.0).max(0.0)).collect();
                        let s: f64 = shifted.iter().sum();
                        shifted.iter().map(|v| v / s.max(1e-300)).collect()
                    }
                };
                let (class, conf) = argmax(&p);
                if self.n_classes == 2 && p.len() == 2 {
                    Prediction {
                        class,
                        confidence: p[1],
                    }
                } else {
                    Prediction {
                        class,
                        confidence: conf,
                    }
                }
            }
        }
    }

    /// The prediction at point `x`.
    pub fn predict(&mut self, x: [f64; 2]) -> Prediction {
        self.run_at(x);
        self.predict_outputs(&self.o)
    }

    /// Loss at `(x, label)`, adding dloss/dparam into `grad` (`grad.len() >= n_params()`).
    /// Exact mode uses the adjoint method; shot mode the parameter-shift rule on shot estimates.
    pub fn loss_and_grad(&mut self, x: [f64; 2], label: usize, grad: &mut [f64]) -> f64 {
        self.run_at(x);
        let mut dl_do = std::mem::take(&mut self.dl_do);
        let l = self.loss_into(&self.o, label, &mut dl_do);
        let mut dl_dr = std::mem::take(&mut self.dl_dr);
        self.head_backward(&dl_do, &mut dl_dr, grad);
        // Through the circuit: d(Σ_j dl_dr_j r_j)/dangle.
        self.angle_grad.iter_mut().for_each(|g| *g = 0.0);
        match self.shots {
            None => {
                self.set_readout_weights(&dl_dr);
                self.program
                    .backward_from(&self.weighted, &mut self.angle_grad);
            }
            Some(_) => self.shift_gradient(&dl_dr),
        }
        self.dl_do = dl_do;
        self.dl_dr = dl_dr;
        // Through the bindings.
        for (k, b) in self.bindings.iter().enumerate() {
            let g = self.angle_grad[k];
            match *b {
                Binding::Weight(i) => grad[i] += g,
                Binding::Reupload(f, i) => {
                    grad[i] += g * self.features.value(f, x);
                    grad[i + 1] += g;
                }
                _ => {}
            }
        }
        l
    }

    /// The summed loss over the points `xs` with `labels`, adding the summed dloss/dparam into
    /// `grad` (`grad.len() >= n_params()`): a batch of [`Model::loss_and_grad`] calls.
    ///
    /// Circuits of one-wire gates and CNOTs run batched (see [`Program::forward_batch`]):
    /// points go through the forward and the adjoint pass together, in chunks whose states fit
    /// in cache; other circuits, and shot mode, go point by point.
    pub fn loss_and_grad_batch(
        &mut self,
        xs: &[[f64; 2]],
        labels: &[usize],
        grad: &mut [f64],
    ) -> f64 {
        let n = xs.len().min(labels.len());
        if self.shots.is_some() || !self.program.batchable() || n == 0 {
            return xs
                .iter()
                .zip(labels)
                .map(|(&x, &label)| self.loss_and_grad(x, label, grad))
                .sum();
        }
        // Chunks of at most 65536 amplitudes per batch of states (a few MB), 8 to 256 points:
        // larger batches amortise each gate's set-up over more points.
        let cap = (65536usize >> self.program.n_qubits().min(16)).clamp(8, 256);
        let chunks = n.div_ceil(cap);
        let size = n.div_ceil(chunks);
        xs[..n]
            .chunks(size)
            .zip(labels[..n].chunks(size))
            .map(|(x, l)| self.batch_loss_and_grad(x, l, grad))
            .sum()
    }

    /// One batch of [`Model::loss_and_grad_batch`] (exact mode, batchable circuit).
    fn batch_loss_and_grad(&mut self, xs: &[[f64; 2]], labels: &[usize], grad: &mut [f64]) -> f64 {
        let b = xs.len();
        let na = self.program.n_angles();
        let mut angles = std::mem::take(&mut self.batch_angles);
        angles.clear();
        angles.resize(b * na, 0.0);
        let mut fvs = std::mem::take(&mut self.batch_features);
        fvs.clear();
        fvs.extend(xs.iter().map(|&x| self.feature_values(x)));
        for (fv, a) in fvs.iter().zip(angles.chunks_exact_mut(na.max(1))) {
            self.angles_from(fv, a);
        }
        let ok = self.program.forward_batch_for_gradient(&angles, b);
        self.batch_angles = angles;
        if !ok {
            self.batch_features = fvs;
            return xs
                .iter()
                .zip(labels)
                .map(|(&x, &label)| self.loss_and_grad(x, label, grad))
                .sum();
        }
        let mut total = 0.0;
        for (p, &label) in labels.iter().enumerate() {
            self.program.batch_state(p, &mut self.state);
            let mut r = std::mem::take(&mut self.r);
            self.readout_exact(&self.state, &mut r);
            self.r = r;
            self.apply_head();
            let mut dl_do = std::mem::take(&mut self.dl_do);
            total += self.loss_into(&self.o, label, &mut dl_do);
            let mut dl_dr = std::mem::take(&mut self.dl_dr);
            self.head_backward(&dl_do, &mut dl_dr, grad);
            self.set_readout_weights(&dl_dr);
            self.state
                .apply_observable(&self.weighted, &mut self.lambda);
            self.program.set_batch_adjoint(p, &self.lambda);
            self.dl_do = dl_do;
            self.dl_dr = dl_dr;
        }
        // Through the bindings, summed over the batch.
        let Model {
            program, bindings, ..
        } = self;
        let agrad = program.backward_batch();
        if agrad.len() == na * b {
            for (k, bd) in bindings.iter().enumerate() {
                let g = &agrad[k * b..(k + 1) * b];
                match *bd {
                    Binding::Weight(i) => grad[i] += g.iter().sum::<f64>(),
                    Binding::Reupload(f, i) => {
                        grad[i] += g
                            .iter()
                            .zip(&fvs)
                            .map(|(g, fv)| g * fv[f as usize])
                            .sum::<f64>();
                        grad[i + 1] += g.iter().sum::<f64>();
                    }
                    _ => {}
                }
            }
        }
        self.batch_features = fvs;
        total
    }

    /// Backward through the head for the readout `self.r`: writes dloss/dreadout into `dl_dr`
    /// and, when the head is trainable, adds dloss/dscale and dloss/dbias into `grad`.
    fn head_backward(&self, dl_do: &[f64], dl_dr: &mut Vec<f64>, grad: &mut [f64]) {
        let (o, nout) = (self.head_offset, self.n_outputs);
        dl_dr.clear();
        dl_dr.extend((0..nout).map(|j| dl_do[j] * self.params[o + j]));
        if self.head_trainable {
            for j in 0..nout {
                grad[o + j] += dl_do[j] * self.r[j];
                grad[o + nout + j] += dl_do[j];
            }
        }
    }

    /// Rewrites the weights of `self.weighted` to `Σ_j weights_j R_j`.
    fn set_readout_weights(&mut self, weights: &[f64]) {
        match (&self.readout, &mut self.weighted) {
            (ReadoutKind::Expval(_), Observable::Sum(terms)) => {
                for (t, &w) in terms.iter_mut().zip(weights) {
                    t.0 = w;
                }
            }
            (ReadoutKind::Fidelity(targets, m), Observable::Diagonal(d)) => {
                let shift = self.program.n_qubits() - m;
                for (i, v) in d.iter_mut().enumerate() {
                    *v = targets
                        .iter()
                        .position(|&t| t == i >> shift)
                        .map_or(0.0, |j| weights.get(j).copied().unwrap_or(0.0));
                }
            }
            _ => {}
        }
    }

    /// Shot mode: `∂(Σ_j w_j r_j)/∂angle` by the parameter-shift rule on shot estimates.
    fn shift_gradient(&mut self, weights: &[f64]) {
        let base = self.angles.clone();
        let shots = self.shots.unwrap_or(1);
        let Model {
            program,
            readout,
            rng,
            bindings,
            angle_grad,
            ..
        } = self;
        let mut tmp = Vec::new();
        for k in 0..base.len() {
            if !matches!(bindings[k], Binding::Weight(_) | Binding::Reupload(..)) {
                continue;
            }
            let rule = program.shift_rule(k);
            angle_grad[k] += parameter_shift(rule, &base, k, |a| {
                program.set_angles(a);
                program.forward_into_scratch();
                shot_readout(readout, program.scratch_state(), shots, rng, &mut tmp);
                tmp.iter().zip(weights).map(|(r, w)| r * w).sum()
            });
        }
        program.set_angles(&base);
    }

    /// The model's prediction on an `n × n` grid over `extent` (`[xmin, xmax, ymin, ymax]`),
    /// row 0 at `ymin`: (class, confidence) per cell, row-major.
    ///
    /// Batched: each row of cells runs through the circuit at once (see
    /// [`Program::forward_batch`]), sines and cosines of angles that only depend on x1 computed
    /// in the first row only; circuits that cannot be batched go cell by cell, with angles that
    /// depend on x1 only (or x2 only) turned into gate matrices once per column (row).
    pub fn grid(&mut self, extent: [f64; 4], n: usize) -> Vec<Prediction> {
        let mut out = Vec::with_capacity(n * n);
        let saved = self.shots.take();
        let xs: Vec<f64> = (0..n)
            .map(|c| extent[0] + (c as f64 + 0.5) / n as f64 * (extent[1] - extent[0]))
            .collect();
        let ys: Vec<f64> = (0..n)
            .map(|r| extent[2] + (r as f64 + 0.5) / n as f64 * (extent[3] - extent[2]))
            .collect();
        if self.program.batchable() && n > 0 {
            let na = self.program.n_angles();
            // Row by row: every angle of every cell for the first row, then only the angles
            // that depend on x2 (once per row when they depend on x2 alone).
            let mut angles = vec![0.0; n * na];
            let (x1_only, x2_only) = self.angle_dependence();
            let data = |a: usize| {
                matches!(
                    self.bindings.get(a),
                    Some(Binding::Feature(..) | Binding::Reupload(..))
                )
            };
            let row_wide: Vec<usize> = (0..na).filter(|&a| x2_only[a]).collect();
            let per_cell: Vec<usize> = (0..na)
                .filter(|&a| data(a) && !x1_only[a] && !x2_only[a])
                .collect();
            for (r, &y) in ys.iter().enumerate() {
                if r == 0 {
                    for (&x, row) in xs.iter().zip(angles.chunks_exact_mut(na.max(1))) {
                        self.angles_at([x, y], row);
                    }
                } else {
                    for &a in &row_wide {
                        let v = self.angle(&self.bindings[a], [xs[0], y]);
                        angles.iter_mut().skip(a).step_by(na).for_each(|t| *t = v);
                    }
                    for (&x, row) in xs.iter().zip(angles.chunks_exact_mut(na.max(1))) {
                        for &a in &per_cell {
                            row[a] = self.angle(&self.bindings[a], [x, y]);
                        }
                    }
                }
                if !self.program.forward_batch(&angles, n) {
                    break;
                }
                for c in 0..n {
                    self.program.batch_state(c, &mut self.state);
                    let mut r = std::mem::take(&mut self.r);
                    self.readout_exact(&self.state, &mut r);
                    self.r = r;
                    self.apply_head();
                    out.push(self.predict_outputs(&self.o));
                }
            }
            if out.len() == n * n {
                self.shots = saved;
                return out;
            }
            out.clear();
        }
        let (x1_only, x2_only) = self.angle_dependence();
        let cols: Vec<MatrixCache> = xs
            .iter()
            .map(|&x| {
                self.bind([x, ys.first().copied().unwrap_or(0.0)]);
                self.program.cache_matrices(&x1_only)
            })
            .collect();
        for &y in &ys {
            self.bind([xs.first().copied().unwrap_or(0.0), y]);
            let row = self.program.cache_matrices(&x2_only);
            self.program.restore_matrices(&row);
            for (&x, col) in xs.iter().zip(&cols) {
                self.program.restore_matrices(col);
                out.push(self.predict([x, y]));
            }
        }
        self.shots = saved;
        out
    }

    /// Per angle: whether it depends on x1 only, and whether on x2 only.
    fn angle_dependence(&self) -> (Vec<bool>, Vec<bool>) {
        self.bindings
            .iter()
            .map(|b| match *b {
                Binding::Feature(f, _) | Binding::Reupload(f, _) => match f {
                    Feature::X1 | Feature::X1Sq | Feature::SinX1 => (true, false),
                    Feature::X2 | Feature::X2Sq | Feature::SinX2 => (false, true),
                    Feature::X1X2 => (false, false),
                },
                Binding::Const(_) | Binding::Weight(_) => (false, false),
            })
            .unzip()
    }
}

/// Estimates the readout of state `s` from `shots` samples per observable (Pauli strings are
/// rotated into the Z basis and measured; fidelities are hit frequencies).
fn shot_readout(readout: &ReadoutKind, s: &State, shots: usize, rng: &mut Rng, out: &mut Vec<f64>) {
    use crate::sim::GateKind;
    out.clear();
    let n = s.n_qubits();
    match readout {
        ReadoutKind::Expval(ps) => {
            for p in ps {
                let mut r = s.clone();
                for &(w, pauli) in &p.terms {
                    let rot: &[GateKind] = match pauli {
                        Pauli::X => &[GateKind::H],
                        Pauli::Y => &[GateKind::Sdg, GateKind::H],
                        Pauli::Z => &[],
                    };
                    for &k in rot {
                        if let Ok(op) = Op::new(k, &[w], &[]) {
                            r.apply(&op);
                        }
                    }
                }
                let mask = p.terms.iter().fold(0usize, |m, t| m | 1 << (n - 1 - t.0));
                let sum: f64 = r
                    .sample(shots, rng)
                    .iter()
                    .map(|&i| {
                        if (i & mask).count_ones() % 2 == 0 {
                            1.0
                        } else {
                            -1.0
                        }
                    })
                    .sum();
                out.push(sum / shots as f64);
            }
        }
        ReadoutKind::Fidelity(targets, m) => {
            let shift = n - m;
            let mut f = vec![0.0; targets.len()];
            for i in s.sample(shots, rng) {
                if let Some(j) = targets.iter().position(|&t| t == i >> shift) {
                    f[j] += 1.0 / shots as f64;
                }
            }
            out.extend(f);
        }
    }
}
