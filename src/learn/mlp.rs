//! The classical baseline's network: a small fully connected network (tanh hidden layers, one
//! logit for two classes or one per class for more) on [`DenseStack`], with exact
//! backpropagation over a flat parameter vector. The trainer that runs it over a dataset is
//! `train::baseline`.
//!
//! May import `std`, `serde`, `crate::rng` and the sibling `learn` modules.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::dense::{Activation, DenseStack, Tape};
use super::loss::{bce_with_logit, cross_entropy_with_logits, sigmoid, softmax};
use super::optim::OptimError;
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

/// A multilayer perceptron with its parameters: tanh hidden layers and a linear output layer
/// (one logit for two classes, one per class otherwise), on [`DenseStack`].
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    stack: DenseStack,
    params: Vec<f64>,
    n_classes: usize,
}

impl Mlp {
    /// A network for `n_inputs` features and `n_classes` classes, Glorot-uniform weights drawn
    /// from `seed`, zero biases.
    ///
    /// ```
    /// use qmlp::learn::mlp::{Mlp, MlpSpec};
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
        let stack = DenseStack::new(n_inputs, &Mlp::layers(spec, n_classes));
        let mut params = vec![0.0; stack.n_params()];
        stack.init(&mut params, &mut Rng::new(seed));
        Ok(Mlp {
            stack,
            params,
            n_classes,
        })
    }

    /// The layer list of a network of this shape: the hidden tanh layers, then the logits.
    fn layers(spec: &MlpSpec, n_classes: usize) -> Vec<(usize, Activation)> {
        let n_out = if n_classes == 2 { 1 } else { n_classes };
        spec.hidden
            .iter()
            .map(|&u| (u, Activation::Tanh))
            .chain([(n_out, Activation::Linear)])
            .collect()
    }

    /// The number of trainable numbers a network of this shape has (no network is built).
    pub fn count_params(spec: &MlpSpec, n_inputs: usize, n_classes: usize) -> usize {
        DenseStack::new(n_inputs, &Mlp::layers(spec, n_classes)).n_params()
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
        self.stack.n_in()
    }

    /// The flat parameter vector (per layer: row-major weights, then biases).
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// The flat parameter vector, for the optimizer to update.
    pub fn params_mut(&mut self) -> &mut [f64] {
        &mut self.params
    }

    /// The logits: one for two classes (class 1's), otherwise one per class. Missing features
    /// read as 0, extra ones are ignored.
    pub fn forward(&self, x: &[f64]) -> Vec<f64> {
        let mut tape = Tape::default();
        self.stack.forward(&self.params, x, &mut tape).to_vec()
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
    /// `grad` must have [`n_params`](Self::n_params) entries; with fewer, nothing is added.
    pub fn loss_and_grad(&self, x: &[f64], label: usize, grad: &mut [f64]) -> f64 {
        let mut tape = Tape::default();
        let logits = self.stack.forward(&self.params, x, &mut tape).to_vec();
        let (loss, delta) = self.output_loss(&logits, label);
        if let Some(g) = grad.get_mut(..self.params.len()) {
            self.stack
                .backward(&self.params, &mut tape, &delta, g, None);
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn two_class_probabilities() {
        let net = Mlp::new(&MlpSpec { hidden: vec![3] }, 2, 2, 5).unwrap();
        let x = [0.4, -0.9];
        let z = net.forward(&x)[0];
        assert!((net.prob_class1(&x) - 1.0 / (1.0 + (-z).exp())).abs() < 1e-15);
        assert_eq!(net.predict_class(&x), usize::from(z > 0.0));
    }
}
