//! The hybrid model: raw point → preprocessing → pre-net (dense layers) → features → circuit
//! (angle bindings) → readout → head → post-net (dense layers) → outputs, with its loss and
//! exact gradient.
//!
//! The model owns the trainable numbers, in one vector laid out block by block: the pre-net's
//! weights and biases (layer by layer, row-major weights then biases), the circuit's (for each
//! gate angle in document order a weight θ, or a re-upload's `w` and `b`), the post-net's, and
//! last the head's scales then biases — trainable only when the head is (and then, with the
//! weighted fidelity cost χ_wf, its scales only: the class weights α, biases fixed at 0), so
//! the trainable numbers are always a prefix of the vector ([`Model::params`]).
//!
//! Gradients are chained from the loss back through the post-net and the head (`output`), the
//! readout into the circuit's adjoint pass (or, with shots, the parameter-shift rule on shot
//! estimates), and from the angles through the bindings into the pre-net (`inputs`) — one chain
//! rule, checked against central finite differences in the tests.
//!
//! Prediction conventions are the loss's ([`LossKind::predict`]): with one output and MSE,
//! class 0 is the target `+1` (|0⟩ gives ⟨Z⟩ = +1) and class 1 the target `−1`; with BCE the
//! output is a logit; with cross-entropy the outputs are logits for softmax; with a fidelity
//! readout the class is the one of highest fidelity (for χ_wf, of highest weighted fidelity).
//!
//! May import `sim`, `circuit`, `doc`, `data`, `learn`, `rng`; knows nothing of optimizers,
//! the trainer or the web.

mod batch;
mod inputs;
mod noise;
mod output;
mod readout;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use serde::Serialize;

use crate::circuit::{parameter_shift, CircuitError, Program};
use crate::data::Point;
use crate::doc::{DocError, Document, ValidDocument};
use crate::learn::dense::DenseStack;
use crate::learn::loss::LossKind;
pub use crate::learn::loss::Prediction;
use crate::learn::preprocess::Preprocessor;
use crate::rng::Rng;
use crate::sim::{Observable, Op, SimError, State};
use inputs::{Binding, Inputs, PointTape};
pub use noise::engine_kind;
use output::Output;
use readout::ReadoutKind;

/// A model that cannot be built, with the reason (a document error keeps its field path).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// The document is invalid.
    #[error(transparent)]
    Doc(#[from] DocError),
    /// The circuit cannot be compiled.
    #[error(transparent)]
    Circuit(#[from] CircuitError),
    /// The engine refused it (e.g. too many qubits for the memory).
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// The trainable numbers of each block, for the page's parameter counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BlockSizes {
    /// The pre-net's weights and biases.
    pub pre_net: usize,
    /// The circuit's θ, w and b.
    pub circuit: usize,
    /// The post-net's weights and biases.
    pub post_net: usize,
    /// The head's scales and biases (0 when the head is fixed).
    pub head: usize,
}

impl BlockSizes {
    /// All trainable numbers.
    pub fn total(&self) -> usize {
        self.pre_net + self.circuit + self.post_net + self.head
    }
}

/// Where the decision grid lies: two raw inputs with the others fixed, or two inputs after
/// preprocessing (e.g. the first two principal components) with the others at 0 (their
/// training mean).
#[derive(Clone, Debug, PartialEq)]
pub enum GridSpace {
    /// Raw inputs `axes[0]` (horizontal) and `axes[1]` (vertical); every other input takes its
    /// value from `base`.
    Raw {
        /// The plotted inputs.
        axes: [usize; 2],
        /// Values of the other inputs.
        base: Vec<f64>,
    },
    /// Preprocessed inputs `axes[0]` and `axes[1]`; the others are 0.
    Preprocessed {
        /// The plotted inputs.
        axes: [usize; 2],
    },
}

impl GridSpace {
    /// The first two raw inputs, others 0.
    pub fn first_two() -> GridSpace {
        GridSpace::Raw {
            axes: [0, 1],
            base: Vec::new(),
        }
    }
}

/// Appends a pre-net's or post-net's numbers (layer by layer, row-major weights then biases)
/// to `params`: the document's, or zeros where it gives none (drawn later from the seed).
fn push_dense(layers: &[crate::doc::DenseSpec], n_in: usize, params: &mut Vec<f64>) {
    let mut ins = n_in;
    for l in layers {
        let start = params.len();
        if l.weights.len() == l.units * ins {
            params.extend_from_slice(&l.weights);
        } else {
            params.resize(start + l.units * ins, 0.0);
        }
        let start = params.len();
        if l.bias.len() == l.units {
            params.extend_from_slice(&l.bias);
        } else {
            params.resize(start + l.units, 0.0);
        }
        ins = l.units;
    }
}

/// Writes a pre-net's or post-net's numbers from `params` (starting at `*k`) back into its
/// layers, advancing `*k`.
fn write_dense(layers: &mut [crate::doc::DenseSpec], n_in: usize, params: &[f64], k: &mut usize) {
    let mut ins = n_in;
    for l in layers {
        l.weights = params[*k..*k + l.units * ins].to_vec();
        *k += l.units * ins;
        l.bias = params[*k..*k + l.units].to_vec();
        *k += l.units;
        ins = l.units;
    }
}

/// Salt mixed into the seed for the dense layers' initial weights, so that drawing them leaves
/// the circuit's stream as it was.
const DENSE_SALT: u64 = 0xD3_45E5_EED5;

/// The compiled hybrid model of a document, with its trainable numbers.
#[derive(Clone, Debug)]
pub struct Model {
    program: Program,
    inputs: Inputs,
    readout: ReadoutKind,
    output: Output,
    params: Vec<f64>,
    n_trainable: usize,
    /// Where the circuit's numbers start and end in `params`.
    circuit_range: std::ops::Range<usize>,
    shots: Option<usize>,
    rng: Rng,
    n_classes: usize,
    dim: usize,
    angles: Vec<f64>,
    angle_grad: Vec<f64>,
    /// `Σ_j w_j R_j` for the readouts `R_j`, its weights rewritten per point.
    weighted: Observable,
    /// Per-point scratch: readouts, ∂loss/∂readout, ∂loss/∂feature, the input side's pass.
    r: Vec<f64>,
    dl_dr: Vec<f64>,
    dfv: Vec<f64>,
    tape: PointTape,
    /// Batch scratch: every point's angles and input-side pass, one point's adjoint state.
    batch_angles: Vec<f64>,
    batch_tapes: Vec<PointTape>,
    lambda: State,
    state: State,
    /// The document's noise and its engine (`None` for an ideal document).
    noise: Option<noise::Noise>,
    /// With a readout of Z strings only (diagonal): each string's basis-bit mask (and sign
    /// table), so a batch reads them and sets the adjoint states in place; `None` otherwise.
    z_masks: Option<crate::circuit::ZStrings>,
    /// Batch scratch: the diagonal of `Σ_j w_j R_j` for Z-string readouts.
    diag: Vec<f64>,
}

impl Model {
    /// Builds the model of a document; the preprocessing (if any) is fitted on `train`.
    /// Dense layers without weights in the document get seeded initial weights.
    pub fn new(doc: &ValidDocument, train: &[Point]) -> Result<Model, ModelError> {
        let dim = doc.data_dim();
        let prep = Preprocessor::fit(
            train.iter().map(|p| p.x.as_slice()),
            dim,
            doc.preprocess.standardize,
            doc.preprocess.pca,
        );
        Model::with_preprocessor(doc, prep)
    }

    /// Builds the model with a given fitted preprocessing.
    pub fn with_preprocessor(doc: &ValidDocument, prep: Preprocessor) -> Result<Model, ModelError> {
        let program = Program::compile(&doc.circuit)?;
        let mut params = Vec::new();
        let inputs = Inputs::new(doc, prep, &mut params);
        let circuit_start = inputs.n_pre_net();
        let circuit_end = params.len();
        let output = Output::new(doc, &mut params);
        let readout = ReadoutKind::new(&doc.readout)?;
        let n = doc.circuit.qubits;
        let n_trainable = output.head_offset + output.n_head_trainable();
        let n_angles = program.n_angles();
        let z_masks = match &readout {
            ReadoutKind::Expval(ps) => ps
                .iter()
                .map(|p| p.z_mask(n))
                .collect::<Option<Vec<usize>>>()
                .map(|masks| crate::circuit::ZStrings::new(masks, n)),
            _ => None,
        };
        let mut m = Model {
            weighted: readout.weighted(n),
            state: State::new(n)?,
            lambda: State::new(n)?,
            program,
            inputs,
            readout,
            output,
            params,
            n_trainable,
            circuit_range: circuit_start..circuit_end,
            shots: doc.training.shots,
            rng: Rng::new(doc.training.seed ^ 0x5407_5A11),
            n_classes: doc.n_classes(),
            dim: doc.data_dim(),
            angles: vec![0.0; n_angles],
            angle_grad: vec![0.0; n_angles],
            r: Vec::new(),
            dl_dr: Vec::new(),
            dfv: Vec::new(),
            tape: PointTape::default(),
            batch_angles: Vec::new(),
            batch_tapes: Vec::new(),
            noise: None,
            z_masks,
            diag: Vec::new(),
        };
        m.init_missing_dense(doc, doc.training.seed);
        let obs = m.readout_observables();
        m.noise = noise::Noise::new(doc, &m.program, obs)?;
        Ok(m)
    }

    /// Draws initial weights for the dense layers the document gives none for.
    fn init_missing_dense(&mut self, doc: &Document, seed: u64) {
        let mut rng = Rng::new(seed ^ DENSE_SALT);
        let pre = self.inputs.pre_net.clone();
        let pre_start = self.inputs.pre_net_range().start;
        let post = self.output.post_net.clone();
        let post_start = self.output.post_net_range().start;
        for (stack, start, specs) in [
            (&pre, pre_start, &doc.pre_net),
            (&post, post_start, &doc.post_net),
        ] {
            for (layer, spec) in stack.layers().iter().zip(specs.iter()) {
                if spec.weights.is_empty() {
                    let one = DenseStack::new(layer.ins, &[(layer.outs, layer.act)]);
                    let at = start + layer.offset;
                    one.init(&mut self.params[at..at + layer.n_params()], &mut rng);
                }
            }
        }
    }

    /// The number of trainable numbers.
    pub fn n_params(&self) -> usize {
        self.n_trainable
    }

    /// The trainable numbers (see the module doc for their order).
    pub fn params(&self) -> &[f64] {
        &self.params[..self.n_trainable]
    }

    /// The trainable numbers, for an optimizer to update in place.
    pub fn params_mut(&mut self) -> &mut [f64] {
        &mut self.params[..self.n_trainable]
    }

    /// The fixed numbers after the trainable ones (a fixed head's scales and biases).
    pub fn fixed_params(&self) -> &[f64] {
        &self.params[self.n_trainable..]
    }

    /// Replaces the trainable numbers (extra entries are ignored, missing ones kept).
    pub fn set_params(&mut self, p: &[f64]) {
        let n = self.n_trainable.min(p.len());
        self.params[..n].copy_from_slice(&p[..n]);
    }

    /// The trainable numbers per block.
    pub fn block_sizes(&self) -> BlockSizes {
        BlockSizes {
            pre_net: self.inputs.n_pre_net(),
            circuit: self.circuit_range.len(),
            post_net: self.output.post_net.n_params(),
            head: self.output.n_head_trainable(),
        }
    }

    /// The index ranges of the blocks in the parameter vector: pre-net, circuit, post-net,
    /// head (empty when the head is fixed).
    pub fn block_ranges(&self) -> [std::ops::Range<usize>; 4] {
        let head =
            self.output.head_offset..self.output.head_offset + self.output.n_head_trainable();
        [
            self.inputs.pre_net_range(),
            self.circuit_range.clone(),
            self.output.post_net_range(),
            head,
        ]
    }

    /// Writes the current numbers back into a document of the same structure.
    pub fn write_params(&self, doc: &mut Document) {
        self.inputs.write(&self.params, doc);
        self.output.write(&self.params, doc);
    }

    /// Draws fresh initial values for every *trainable* number from `seed`: θ uniform in
    /// `[0, 1)` (as PennyLane's demos initialise), re-upload `w = 1` and `b = 0` plus a little
    /// noise, dense layers Glorot-/He-uniform with zero biases, a trainable head scale 1 and
    /// bias 0. Fixed numbers (a fixed head) keep their values.
    pub fn reinit(&mut self, seed: u64) {
        let mut rng = Rng::new(seed);
        for b in &self.inputs.bindings {
            match *b {
                Binding::Weight(i) => self.params[i] = rng.uniform(),
                Binding::Reupload(_, i) => {
                    self.params[i] = 1.0 + 0.1 * rng.normal();
                    self.params[i + 1] = 0.1 * rng.normal();
                }
                _ => {}
            }
        }
        let mut dense = Rng::new(seed ^ DENSE_SALT);
        let range = self.inputs.pre_net_range();
        self.inputs
            .pre_net
            .init(&mut self.params[range], &mut dense);
        let range = self.output.post_net_range();
        self.output
            .post_net
            .init(&mut self.params[range], &mut dense);
        if self.output.head_trainable {
            let (o, n) = (self.output.head_offset, self.output.n_reads);
            self.params[o..o + n].iter_mut().for_each(|v| *v = 1.0);
            self.params[o + n..o + 2 * n]
                .iter_mut()
                .for_each(|v| *v = 0.0);
        }
    }

    /// The shot-sampling generator's state (for a stored run).
    pub fn shot_rng(&self) -> [u64; 4] {
        self.rng.state()
    }

    /// Continues a stored shot-sampling stream.
    pub fn set_shot_rng(&mut self, s: [u64; 4]) {
        self.rng = Rng::from_state(s);
    }

    /// Exact expectation values (`None`) or estimates from `n` shots each.
    pub fn set_shots(&mut self, shots: Option<usize>) {
        self.shots = shots;
    }

    /// The shots per estimate (`None`: exact).
    pub fn shots(&self) -> Option<usize> {
        self.shots
    }

    /// The number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// The number of qubits.
    pub fn n_qubits(&self) -> usize {
        self.program.n_qubits()
    }

    /// The raw input dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The loss the model is trained with.
    pub fn loss_kind(&self) -> LossKind {
        self.output.loss
    }

    /// The compiled circuit.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The fitted preprocessing.
    pub fn preprocessor(&self) -> &Preprocessor {
        &self.inputs.prep
    }

    /// The names of the features the circuit reads (each computed once per point).
    pub fn feature_names(&self) -> Vec<String> {
        self.inputs.slot_names()
    }

    /// Every feature the circuit reads with its natural range (what the feature map scales
    /// from), slot by slot.
    pub fn feature_ranges(&self) -> Vec<(crate::doc::Feature, [f64; 2])> {
        self.inputs.slot_ranges()
    }

    /// Per circuit angle: whether it reads the data.
    pub fn data_angles(&self) -> Vec<bool> {
        self.inputs.data_angles()
    }

    /// Every circuit angle at raw point `x`.
    pub fn angles_at(&mut self, x: &[f64]) -> Vec<f64> {
        self.bind(x);
        self.angles.clone()
    }

    fn bind(&mut self, x: &[f64]) {
        let Model {
            inputs,
            params,
            tape,
            angles,
            program,
            ..
        } = self;
        inputs.forward(params, x, tape);
        inputs.angles(params, &tape.fv, angles);
        program.set_angles(angles);
    }

    /// The gates in execution order with every angle resolved for the point `x`.
    pub fn bound_ops(&mut self, x: &[f64]) -> Vec<Op> {
        self.bind(x);
        self.program.bound_ops()
    }

    /// The circuit's state for point `x` after the gates of columns up to `col` (all if `None`).
    pub fn state_at(&mut self, x: &[f64], col: Option<usize>) -> State {
        self.bind(x);
        let mut s = self.state.clone();
        self.program.run_until_column(&mut s, col);
        s
    }

    /// Runs the model at `x`: readouts (exact or from shots) into `self.r`, outputs into
    /// `self.output.o`.
    fn run_at(&mut self, x: &[f64]) {
        self.bind(x);
        let mut r = std::mem::take(&mut self.r);
        self.readouts_now(&mut r, self.shots);
        self.output.forward(&self.params, &r);
        self.r = r;
    }

    /// The readouts at the program's current angles: ideal or noisy, exact or from `shots`.
    fn readouts_now(&mut self, r: &mut Vec<f64>, shots: Option<usize>) {
        if self.is_noisy() {
            let Model {
                noise,
                program,
                readout,
                rng,
                ..
            } = self;
            if let Some(n) = noise.as_mut() {
                if n.readouts(program, r).is_err() {
                    r.clear();
                    r.resize(self.output.n_reads, f64::NAN);
                }
            }
            if let Some(shots) = shots {
                readout.sample_values(r, shots, rng);
            }
            return;
        }
        self.program.forward_into_scratch();
        match shots {
            None => self.readout.exact(self.program.scratch_state(), r),
            Some(shots) => {
                self.readout
                    .shots(self.program.scratch_state(), shots, &mut self.rng, r)
            }
        }
    }

    /// The readout values (before the head) at point `x`.
    pub fn readouts(&mut self, x: &[f64]) -> Vec<f64> {
        self.run_at(x);
        self.r.clone()
    }

    /// The model's outputs at point `x`.
    pub fn forward(&mut self, x: &[f64]) -> Vec<f64> {
        self.run_at(x);
        self.output.o.clone()
    }

    /// The loss of outputs `o` (from [`Model::forward`]) for `label`.
    pub fn loss_of_outputs(&self, o: &[f64], label: usize) -> f64 {
        self.output.loss_of(o, label)
    }

    /// The loss at one point.
    pub fn loss(&mut self, x: &[f64], label: usize) -> f64 {
        self.run_at(x);
        self.output.loss(label)
    }

    /// The prediction for outputs `o`.
    pub fn predict_outputs(&self, o: &[f64]) -> Prediction {
        self.output.predict(o)
    }

    /// The prediction at point `x`.
    pub fn predict(&mut self, x: &[f64]) -> Prediction {
        self.run_at(x);
        self.output.predict(&self.output.o)
    }

    /// Loss at `(x, label)`, adding ∂loss/∂param into `grad` (`grad.len() >= n_params()`;
    /// only trainable numbers receive gradients).
    /// Exact mode uses the adjoint method; shot mode the parameter-shift rule on shot estimates.
    pub fn loss_and_grad(&mut self, x: &[f64], label: usize, grad: &mut [f64]) -> f64 {
        self.run_at(x);
        let l = self.output.loss(label);
        let mut dl_dr = std::mem::take(&mut self.dl_dr);
        self.output
            .backward(&self.params, &self.r, grad, &mut dl_dr);
        self.angle_grad.iter_mut().for_each(|g| *g = 0.0);
        match self.shots {
            None if self.is_noisy() => {
                let Model {
                    noise,
                    program,
                    angle_grad,
                    ..
                } = self;
                if let Some(n) = noise.as_mut() {
                    if n.gradient(program, &dl_dr, angle_grad).is_err() {
                        angle_grad.iter_mut().for_each(|g| *g = f64::NAN);
                    }
                }
            }
            None => {
                let n = self.program.n_qubits();
                self.readout.set_weights(&mut self.weighted, &dl_dr, n);
                self.program
                    .backward_from(&self.weighted, &mut self.angle_grad);
            }
            Some(_) => self.shift_gradient(&dl_dr),
        }
        self.dl_dr = dl_dr;
        let Model {
            inputs,
            params,
            tape,
            angle_grad,
            dfv,
            ..
        } = self;
        inputs.backward(params, tape, |k| angle_grad[k], grad, dfv);
        l
    }

    /// Shot mode: `∂(Σ_j w_j r_j)/∂angle` by the parameter-shift rule on shot estimates.
    fn shift_gradient(&mut self, weights: &[f64]) {
        let base = self.angles.clone();
        let shots = self.shots;
        let mut tmp = Vec::new();
        for k in 0..base.len().min(self.angle_grad.len()) {
            if !self.inputs.needs_angle_grad(k) {
                continue;
            }
            let rule = self.program.shift_rule(k);
            let d = parameter_shift(rule, &base, k, |a| {
                self.program.set_angles(a);
                self.readouts_now(&mut tmp, shots);
                tmp.iter().zip(weights).map(|(r, w)| r * w).sum()
            });
            self.angle_grad[k] += d;
        }
        self.program.set_angles(&base);
    }

    /// The weight indices of the circuit angles: `(angle, index)` for every θ, and for every
    /// re-upload its `w` (its `b` is the next index).
    pub fn angle_params(&self) -> Vec<(usize, usize)> {
        self.inputs
            .bindings
            .iter()
            .enumerate()
            .filter_map(|(k, b)| match *b {
                Binding::Weight(i) | Binding::Reupload(_, i) => Some((k, i)),
                _ => None,
            })
            .collect()
    }
}
