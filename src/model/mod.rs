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
//! May import `sim`, `circuit`, `doc`, `train::loss`, `rng`; knows nothing of optimizers or the
//! web.

use crate::circuit::{parameter_shift, CircuitError, Program};
use crate::doc::{Angle, Document, Feature, FeatureMap, Readout};
use crate::rng::Rng;
use crate::sim::{Observable, Op, Pauli, PauliString, State};
use crate::train::loss::{self, LossKind};

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
    /// Diagonal of the fidelity observable (reused).
    diag: Vec<f64>,
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
            diag: Vec::new(),
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
        for (a, b) in self.angles.iter_mut().zip(&self.bindings) {
            *a = match *b {
                Binding::Const(v) => v,
                Binding::Weight(i) => self.params[i],
                Binding::Feature(f, s) => s * self.features.value(f, x),
                Binding::Reupload(f, i) => {
                    self.params[i] * self.features.value(f, x) + self.params[i + 1]
                }
            };
        }
        self.program.set_angles(&self.angles);
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
                let mut f = vec![0.0; targets.len()];
                for (i, a) in s.amplitudes().iter().enumerate() {
                    let prefix = i >> shift;
                    if let Some(j) = targets.iter().position(|&t| t == prefix) {
                        f[j] += a.norm_sqr();
                    }
                }
                out.extend(f);
            }
        }
    }

    fn head(&self, r: &[f64]) -> Vec<f64> {
        let o = self.n_outputs;
        r.iter()
            .enumerate()
            .map(|(j, v)| {
                self.params[self.head_offset + j] * v + self.params[self.head_offset + o + j]
            })
            .collect()
    }

    /// The readout values (before the head) at point `x`, exact or from shots.
    fn readout_at(&mut self, x: [f64; 2]) -> Vec<f64> {
        self.bind(x);
        self.program.forward_into_scratch();
        let mut r = Vec::with_capacity(self.n_outputs);
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
        r
    }

    /// The model's outputs (after the head) at point `x`.
    pub fn forward(&mut self, x: [f64; 2]) -> Vec<f64> {
        let r = self.readout_at(x);
        self.head(&r)
    }

    /// Loss of outputs `o` for `label`, and dloss/do.
    fn loss_and_dloss(&self, o: &[f64], label: usize) -> (f64, Vec<f64>) {
        match self.loss {
            LossKind::Mse => {
                let target: Vec<f64> = if o.len() == 1 {
                    vec![if label == 0 { 1.0 } else { -1.0 }]
                } else {
                    (0..o.len())
                        .map(|j| if j == label { 1.0 } else { -1.0 })
                        .collect()
                };
                loss::mse(o, &target)
            }
            LossKind::Bce => {
                let (l, g) = loss::bce_with_logit(o.first().copied().unwrap_or(0.0), label);
                (l, vec![g])
            }
            LossKind::CrossEntropy => loss::cross_entropy_with_logits(o, label),
            LossKind::Fidelity => loss::fidelity_cost(o, label),
        }
    }

    /// The loss of outputs `o` (from [`Model::forward`]) for `label`.
    pub fn loss_of_outputs(&self, o: &[f64], label: usize) -> f64 {
        self.loss_and_dloss(o, label).0
    }

    /// The loss at one point.
    pub fn loss(&mut self, x: [f64; 2], label: usize) -> f64 {
        let o = self.forward(x);
        self.loss_and_dloss(&o, label).0
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
        let o = self.forward(x);
        self.predict_outputs(&o)
    }

    /// Loss at `(x, label)`, adding dloss/dparam into `grad` (`grad.len() >= n_params()`).
    /// Exact mode uses the adjoint method; shot mode the parameter-shift rule on shot estimates.
    pub fn loss_and_grad(&mut self, x: [f64; 2], label: usize, grad: &mut [f64]) -> f64 {
        let r = self.readout_at(x);
        let o = self.head(&r);
        let (l, dl_do) = self.loss_and_dloss(&o, label);
        let nout = self.n_outputs;
        // Through the head.
        let dl_dr: Vec<f64> = (0..nout)
            .map(|j| dl_do[j] * self.params[self.head_offset + j])
            .collect();
        if self.head_trainable {
            for j in 0..nout {
                grad[self.head_offset + j] += dl_do[j] * r[j];
                grad[self.head_offset + nout + j] += dl_do[j];
            }
        }
        // Through the circuit: d(Σ_j dl_dr_j r_j)/dangle.
        self.angle_grad.iter_mut().for_each(|g| *g = 0.0);
        match self.shots {
            None => {
                let obs = self.weighted_observable(&dl_dr);
                self.program.backward_from(&obs, &mut self.angle_grad);
            }
            Some(_) => self.shift_gradient(&dl_dr),
        }
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

    fn weighted_observable(&mut self, weights: &[f64]) -> Observable {
        match &self.readout {
            ReadoutKind::Expval(ps) => {
                Observable::Sum(weights.iter().copied().zip(ps.iter().cloned()).collect())
            }
            ReadoutKind::Fidelity(targets, m) => {
                let n = self.program.n_qubits();
                let shift = n - m;
                let mut d = std::mem::take(&mut self.diag);
                d.clear();
                d.extend((0..1usize << n).map(|i| {
                    targets
                        .iter()
                        .position(|&t| t == i >> shift)
                        .map_or(0.0, |j| weights[j])
                }));
                Observable::Diagonal(d)
            }
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
    pub fn grid(&mut self, extent: [f64; 4], n: usize) -> Vec<Prediction> {
        let mut out = Vec::with_capacity(n * n);
        let saved = self.shots.take();
        for r in 0..n {
            let y = extent[2] + (r as f64 + 0.5) / n as f64 * (extent[3] - extent[2]);
            for c in 0..n {
                let x = extent[0] + (c as f64 + 0.5) / n as f64 * (extent[1] - extent[0]);
                out.push(self.predict([x, y]));
            }
        }
        self.shots = saved;
        out
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
