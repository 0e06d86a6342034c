//! The classical baseline: a small fully connected network (tanh hidden layers, one logit for two
//! classes or one per class for more) with exact backpropagation over a flat parameter vector,
//! and [`MlpTrainer`], which trains it with the same optimizers as the quantum model.
//!
//! May import `std`, `serde`, `crate::rng`, `crate::data` and the train module's `loss` and
//! `optim`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::loss::{bce_with_logit, cross_entropy_with_logits, sigmoid, softmax};
use super::optim::{OptimError, Optimizer, OptimizerSpec};
use crate::data::Point;
use crate::rng::Rng;

/// The most units a hidden layer may have.
pub const MAX_UNITS: usize = 64;
/// The most hidden layers a network may have.
pub const MAX_LAYERS: usize = 4;
/// The most inputs (features) and the most classes a network may have.
pub const MAX_INPUTS: usize = 64;

/// The network's shape: the number of units in each hidden layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpSpec {
    /// Units per hidden layer, each 1 to [`MAX_UNITS`], at most [`MAX_LAYERS`] layers (none
    /// makes a linear model).
    pub hidden: Vec<usize>,
}

impl Default for MlpSpec {
    fn default() -> Self {
        MlpSpec { hidden: vec![8, 8] }
    }
}

impl MlpSpec {
    /// Checks the layer count and every layer's width.
    pub fn validate(&self) -> Result<(), MlpError> {
        if self.hidden.len() > MAX_LAYERS {
            return Err(MlpError::TooManyLayers {
                count: self.hidden.len(),
            });
        }
        for (index, &units) in self.hidden.iter().enumerate() {
            if !(1..=MAX_UNITS).contains(&units) {
                return Err(MlpError::HiddenUnits { index, units });
            }
        }
        Ok(())
    }
}

/// Why a network or its trainer cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MlpError {
    /// `hidden[index]` has an invalid number of units.
    HiddenUnits {
        /// Which hidden layer, 0-based.
        index: usize,
        /// Its requested width.
        units: usize,
    },
    /// More hidden layers than [`MAX_LAYERS`].
    TooManyLayers {
        /// The requested number of layers.
        count: usize,
    },
    /// The input count is not in `1..=MAX_INPUTS`.
    Inputs {
        /// The requested number of inputs.
        n: usize,
    },
    /// The class count is not in `2..=MAX_INPUTS`.
    Classes {
        /// The requested number of classes.
        n: usize,
    },
    /// The optimizer spec is invalid.
    Optimizer(OptimError),
}

impl fmt::Display for MlpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MlpError::HiddenUnits { index, units } => write!(
                f,
                "mlp hidden[{index}] = {units} is invalid: each hidden layer needs 1 to {MAX_UNITS} units"
            ),
            MlpError::TooManyLayers { count } => write!(
                f,
                "mlp hidden has {count} layers, which is invalid: at most {MAX_LAYERS} hidden layers are allowed"
            ),
            MlpError::Inputs { n } => write!(
                f,
                "mlp input count {n} is invalid: must be 1 to {MAX_INPUTS}"
            ),
            MlpError::Classes { n } => write!(
                f,
                "mlp class count {n} is invalid: must be 2 to {MAX_INPUTS}"
            ),
            MlpError::Optimizer(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for MlpError {}

impl From<OptimError> for MlpError {
    fn from(e: OptimError) -> Self {
        MlpError::Optimizer(e)
    }
}

/// One dense layer's place in the flat parameter vector: weights (row-major, `outs × ins`) at
/// `offset`, then `outs` biases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Layer {
    ins: usize,
    outs: usize,
    offset: usize,
}

impl Layer {
    fn bias_offset(&self) -> usize {
        self.offset + self.ins * self.outs
    }
}

/// A multilayer perceptron with its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    layers: Vec<Layer>,
    params: Vec<f64>,
    n_classes: usize,
}

impl Mlp {
    /// A network for `n_inputs` features and `n_classes` classes, Glorot-uniform weights drawn
    /// from `seed`, zero biases.
    ///
    /// ```
    /// use qmlp::train::mlp::{Mlp, MlpSpec};
    /// let net = Mlp::new(&MlpSpec { hidden: vec![8] }, 2, 2, 1).unwrap();
    /// assert_eq!(net.n_params(), 2 * 8 + 8 + 8 + 1);
    /// assert_eq!(net.forward(&[0.1, 0.2]).len(), 1);
    /// ```
    pub fn new(
        spec: &MlpSpec,
        n_inputs: usize,
        n_classes: usize,
        seed: u64,
    ) -> Result<Mlp, MlpError> {
        spec.validate()?;
        if !(1..=MAX_INPUTS).contains(&n_inputs) {
            return Err(MlpError::Inputs { n: n_inputs });
        }
        if !(2..=MAX_INPUTS).contains(&n_classes) {
            return Err(MlpError::Classes { n: n_classes });
        }
        let n_out = if n_classes == 2 { 1 } else { n_classes };
        let mut sizes = vec![n_inputs];
        sizes.extend(&spec.hidden);
        sizes.push(n_out);
        let mut layers = Vec::with_capacity(sizes.len() - 1);
        let mut offset = 0;
        for pair in sizes.windows(2) {
            let (ins, outs) = (pair[0], pair[1]);
            layers.push(Layer { ins, outs, offset });
            offset += ins * outs + outs;
        }
        let mut params = vec![0.0; offset];
        let mut rng = Rng::new(seed);
        for layer in &layers {
            let limit = (6.0 / (layer.ins + layer.outs) as f64).sqrt();
            for w in &mut params[layer.offset..layer.bias_offset()] {
                *w = rng.range(-limit, limit);
            }
        }
        Ok(Mlp {
            layers,
            params,
            n_classes,
        })
    }

    /// The number of trainable numbers.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// The number of classes it separates.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// The number of input features it expects.
    pub fn n_inputs(&self) -> usize {
        self.layers.first().map_or(0, |l| l.ins)
    }

    /// The flat parameter vector (per layer: row-major weights, then biases).
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// The flat parameter vector, for the optimizer to update.
    pub fn params_mut(&mut self) -> &mut [f64] {
        &mut self.params
    }

    /// Every layer's output for input `x`: `acts[0]` is the input (missing features read as 0,
    /// extra ones are ignored), hidden layers are tanh'd, the last entry holds the logits.
    fn activations(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let mut acts = Vec::with_capacity(self.layers.len() + 1);
        let n_in = self.n_inputs();
        acts.push(
            (0..n_in)
                .map(|i| x.get(i).copied().unwrap_or(0.0))
                .collect::<Vec<f64>>(),
        );
        let last = self.layers.len().saturating_sub(1);
        for (l, layer) in self.layers.iter().enumerate() {
            let input = &acts[l];
            let weights = &self.params[layer.offset..layer.bias_offset()];
            let biases = &self.params[layer.bias_offset()..layer.bias_offset() + layer.outs];
            let out: Vec<f64> = weights
                .chunks_exact(layer.ins)
                .zip(biases)
                .map(|(row, b)| {
                    let z = b + row.iter().zip(input).map(|(w, a)| w * a).sum::<f64>();
                    if l == last {
                        z
                    } else {
                        z.tanh()
                    }
                })
                .collect();
            acts.push(out);
        }
        acts
    }

    /// The logits: one for two classes (class 1's), otherwise one per class.
    pub fn forward(&self, x: &[f64]) -> Vec<f64> {
        self.activations(x).pop().unwrap_or_default()
    }

    /// Class probabilities: `[1 − σ(z), σ(z)]` for two classes, otherwise softmax of the logits.
    pub fn probs(&self, x: &[f64]) -> Vec<f64> {
        let logits = self.forward(x);
        if self.n_classes == 2 {
            let p = sigmoid(logits.first().copied().unwrap_or(0.0));
            vec![1.0 - p, p]
        } else {
            softmax(&logits)
        }
    }

    /// The probability of class 1 (for two classes, `σ(logit)`).
    pub fn prob_class1(&self, x: &[f64]) -> f64 {
        self.probs(x).get(1).copied().unwrap_or(0.0)
    }

    /// The most probable class.
    pub fn predict_class(&self, x: &[f64]) -> usize {
        argmax(&self.probs(x))
    }

    /// The loss of one sample (binary cross-entropy for two classes, softmax cross-entropy
    /// otherwise), adding its gradient with respect to every parameter into `grad`.
    ///
    /// `grad` should have [`n_params`](Self::n_params) entries; entries past its end are skipped.
    pub fn loss_and_grad(&self, x: &[f64], label: usize, grad: &mut [f64]) -> f64 {
        let acts = self.activations(x);
        let logits = acts.last().map(Vec::as_slice).unwrap_or(&[]);
        let (loss, mut delta) = self.output_loss(logits, label);
        for (l, layer) in self.layers.iter().enumerate().rev() {
            let input = &acts[l];
            let mut back = vec![0.0; layer.ins];
            for (o, &d) in delta.iter().enumerate() {
                let row = layer.offset + o * layer.ins;
                for (i, &a) in input.iter().enumerate() {
                    if let Some(g) = grad.get_mut(row + i) {
                        *g += d * a;
                    }
                    back[i] += self.params[row + i] * d;
                }
                if let Some(g) = grad.get_mut(layer.bias_offset() + o) {
                    *g += d;
                }
            }
            if l > 0 {
                // `input` is a tanh output: d tanh = 1 − tanh².
                for (b, a) in back.iter_mut().zip(input) {
                    *b *= 1.0 - a * a;
                }
            }
            delta = back;
        }
        loss
    }

    /// The loss for one sample and its derivative with respect to the logits.
    fn output_loss(&self, logits: &[f64], label: usize) -> (f64, Vec<f64>) {
        if self.n_classes == 2 {
            let (l, g) = bce_with_logit(logits.first().copied().unwrap_or(0.0), label);
            (l, vec![g])
        } else {
            cross_entropy_with_logits(logits, label)
        }
    }

    /// The loss of one sample, without gradients.
    pub fn loss(&self, x: &[f64], label: usize) -> f64 {
        self.output_loss(&self.forward(x), label).0
    }
}

/// The index of the largest entry (the first on ties; 0 if empty).
fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &p) in v.iter().enumerate() {
        if p > v[best] {
            best = i;
        }
    }
    best
}

/// Trains an [`Mlp`] on 2-D points with minibatch gradient descent and a seeded shuffle.
#[derive(Clone, Debug)]
pub struct MlpTrainer {
    mlp: Mlp,
    optimizer: Optimizer,
    rng: Rng,
    order: Vec<usize>,
    grad: Vec<f64>,
    epochs: usize,
}

/// Mixed into the seed so the shuffle stream differs from the weight-initialisation stream.
const SHUFFLE_SALT: u64 = 0x5348_5546_464c_4521;

impl MlpTrainer {
    /// A trainer for a fresh network on the points' two coordinates.
    pub fn new(
        spec: &MlpSpec,
        optimizer: &OptimizerSpec,
        n_classes: usize,
        seed: u64,
    ) -> Result<MlpTrainer, MlpError> {
        let mlp = Mlp::new(spec, 2, n_classes, seed)?;
        MlpTrainer::from_mlp(mlp, optimizer, seed)
    }

    /// A trainer for an existing network (which must take 2 inputs to train on [`Point`]s).
    pub fn from_mlp(
        mlp: Mlp,
        optimizer: &OptimizerSpec,
        seed: u64,
    ) -> Result<MlpTrainer, MlpError> {
        optimizer.validate()?;
        let n = mlp.n_params();
        Ok(MlpTrainer {
            optimizer: optimizer.build(n),
            grad: vec![0.0; n],
            mlp,
            rng: Rng::new(seed ^ SHUFFLE_SALT),
            order: Vec::new(),
            epochs: 0,
        })
    }

    /// One pass over `train` in a fresh seeded order, one optimizer step per minibatch of
    /// `batch_size` points (0 counts as 1) using the batch's mean gradient. Returns the mean
    /// per-sample loss seen during the pass (each measured before its batch's step).
    pub fn epoch(&mut self, train: &[Point], batch_size: usize) -> f64 {
        let batch_size = batch_size.max(1);
        self.order.clear();
        self.order.extend(0..train.len());
        self.rng.shuffle(&mut self.order);
        let mut total = 0.0;
        for batch in self.order.chunks(batch_size) {
            self.grad.iter_mut().for_each(|g| *g = 0.0);
            for &i in batch {
                let p = &train[i];
                total += self.mlp.loss_and_grad(&p.x, p.label, &mut self.grad);
            }
            let scale = 1.0 / batch.len() as f64;
            self.grad.iter_mut().for_each(|g| *g *= scale);
            self.optimizer.step(self.mlp.params_mut(), &self.grad);
        }
        self.epochs += 1;
        if train.is_empty() {
            0.0
        } else {
            total / train.len() as f64
        }
    }

    /// The mean loss and the accuracy (fraction in `[0, 1]`) on `pts`; `(0, 0)` when empty.
    pub fn evaluate(&self, pts: &[Point]) -> (f64, f64) {
        if pts.is_empty() {
            return (0.0, 0.0);
        }
        let mut loss = 0.0;
        let mut correct = 0usize;
        for p in pts {
            loss += self.mlp.loss(&p.x, p.label);
            if self.mlp.predict_class(&p.x) == p.label {
                correct += 1;
            }
        }
        let n = pts.len() as f64;
        (loss / n, correct as f64 / n)
    }

    /// The network being trained.
    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// The number of epochs run so far.
    pub fn epochs(&self) -> usize {
        self.epochs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetKind, DatasetSpec};

    fn numeric_grad(net: &Mlp, x: &[f64], label: usize) -> Vec<f64> {
        let h = 1e-6;
        (0..net.n_params())
            .map(|k| {
                let mut a = net.clone();
                let mut b = net.clone();
                a.params_mut()[k] += h;
                b.params_mut()[k] -= h;
                (a.loss(x, label) - b.loss(x, label)) / (2.0 * h)
            })
            .collect()
    }

    #[test]
    fn gradient_matches_finite_differences() {
        for (hidden, n_classes, n_in) in [
            (vec![], 2, 2),
            (vec![5], 2, 2),
            (vec![4, 3], 3, 2),
            (vec![3, 4, 2], 4, 3),
        ] {
            let net = Mlp::new(
                &MlpSpec {
                    hidden: hidden.clone(),
                },
                n_in,
                n_classes,
                7,
            )
            .unwrap();
            let x = [0.3, -0.7, 0.45];
            for label in 0..n_classes {
                let mut grad = vec![0.0; net.n_params()];
                let loss = net.loss_and_grad(&x[..n_in], label, &mut grad);
                assert!((loss - net.loss(&x[..n_in], label)).abs() < 1e-12);
                let num = numeric_grad(&net, &x[..n_in], label);
                for (k, (a, n)) in grad.iter().zip(&num).enumerate() {
                    assert!(
                        (a - n).abs() < 1e-6,
                        "{hidden:?} classes {n_classes} label {label} param {k}: {a} vs {n}"
                    );
                }
            }
        }
    }

    #[test]
    fn loss_and_grad_accumulates() {
        let net = Mlp::new(&MlpSpec { hidden: vec![4] }, 2, 2, 3).unwrap();
        let mut once = vec![0.0; net.n_params()];
        net.loss_and_grad(&[0.2, 0.1], 1, &mut once);
        let mut twice = vec![0.0; net.n_params()];
        net.loss_and_grad(&[0.2, 0.1], 1, &mut twice);
        net.loss_and_grad(&[0.2, 0.1], 1, &mut twice);
        for (a, b) in once.iter().zip(&twice) {
            assert!((2.0 * a - b).abs() < 1e-15);
        }
        // A short gradient buffer or odd input length must not panic.
        let mut short = vec![0.0; 3];
        net.loss_and_grad(&[0.2], 1, &mut short);
        net.loss_and_grad(&[0.2, 0.1, 9.0], 1, &mut short);
    }

    #[test]
    fn init_is_seeded_and_glorot_bounded() {
        let spec = MlpSpec { hidden: vec![8, 8] };
        let a = Mlp::new(&spec, 2, 3, 1).unwrap();
        assert_eq!(a, Mlp::new(&spec, 2, 3, 1).unwrap());
        assert_ne!(a, Mlp::new(&spec, 2, 3, 2).unwrap());
        assert_eq!(a.n_params(), (2 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3));
        let limit = (6.0f64 / 10.0).sqrt();
        assert!(a.params()[..16].iter().all(|w| w.abs() <= limit));
        assert!(a.params()[16..24].iter().all(|b| *b == 0.0));
        let p = a.probs(&[0.5, 0.5]);
        assert_eq!(p.len(), 3);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn invalid_shapes_are_rejected_with_clear_messages() {
        let e = Mlp::new(&MlpSpec { hidden: vec![8, 0] }, 2, 2, 0).unwrap_err();
        assert_eq!(e, MlpError::HiddenUnits { index: 1, units: 0 });
        assert!(e.to_string().contains("hidden[1] = 0"), "{e}");
        let e = Mlp::new(&MlpSpec { hidden: vec![65] }, 2, 2, 0).unwrap_err();
        assert!(e.to_string().contains("1 to 64"), "{e}");
        let e = Mlp::new(&MlpSpec { hidden: vec![2; 5] }, 2, 2, 0).unwrap_err();
        assert_eq!(e, MlpError::TooManyLayers { count: 5 });
        assert!(matches!(
            Mlp::new(&MlpSpec::default(), 0, 2, 0),
            Err(MlpError::Inputs { n: 0 })
        ));
        assert!(matches!(
            Mlp::new(&MlpSpec::default(), 2, 1, 0),
            Err(MlpError::Classes { n: 1 })
        ));
        let e = MlpTrainer::new(&MlpSpec::default(), &OptimizerSpec::Sgd { lr: -1.0 }, 2, 0)
            .unwrap_err();
        assert!(e.to_string().contains("lr"), "{e}");
    }

    #[test]
    fn two_class_probabilities() {
        let net = Mlp::new(&MlpSpec { hidden: vec![3] }, 2, 2, 5).unwrap();
        let x = [0.4, -0.9];
        let z = net.forward(&x)[0];
        assert!((net.prob_class1(&x) - 1.0 / (1.0 + (-z).exp())).abs() < 1e-15);
        assert_eq!(net.predict_class(&x), usize::from(z > 0.0));
    }

    fn train_xor(seed: u64) -> (f64, Vec<u64>) {
        let data = DatasetSpec {
            kind: DatasetKind::Xor,
            points: 400,
            noise: 0.0,
            train_ratio: 0.5,
            seed: 11,
            ..DatasetSpec::default()
        }
        .generate()
        .unwrap();
        let mut trainer = MlpTrainer::new(
            &MlpSpec { hidden: vec![8] },
            &OptimizerSpec::adam(0.05),
            2,
            seed,
        )
        .unwrap();
        let (start_loss, _) = trainer.evaluate(&data.train);
        let mut last = f64::INFINITY;
        for _ in 0..200 {
            last = trainer.epoch(&data.train, 16);
        }
        assert!(last < start_loss, "{last} vs {start_loss}");
        assert_eq!(trainer.epochs(), 200);
        let (_, acc) = trainer.evaluate(&data.test);
        let bits = trainer.mlp().params().iter().map(|p| p.to_bits()).collect();
        (acc, bits)
    }

    #[test]
    fn trains_xor_deterministically() {
        let (acc, params) = train_xor(3);
        assert!(acc > 0.9, "test accuracy {acc}");
        let (acc2, params2) = train_xor(3);
        assert_eq!((acc, params), (acc2, params2));
    }

    #[test]
    fn evaluate_on_empty_and_epoch_on_empty() {
        let mut t = MlpTrainer::new(&MlpSpec::default(), &OptimizerSpec::adam(0.1), 3, 0).unwrap();
        assert_eq!(t.evaluate(&[]), (0.0, 0.0));
        assert_eq!(t.epoch(&[], 0), 0.0);
        let pts = [Point {
            x: [0.0, 1.0],
            label: 2,
        }];
        assert!(t.epoch(&pts, 0).is_finite());
    }
}
