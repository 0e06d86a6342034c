//! Dense (fully connected) layers over a flat parameter slice: the classical blocks of the hybrid
//! model (pre-net before the circuit, post-net after the readout) and the MLP baseline.
//!
//! A [`DenseStack`] only describes the shapes; the numbers live in the caller's parameter vector
//! (per layer: row-major weights `outs × ins`, then `outs` biases), so one vector can hold a
//! whole hybrid model's trainable numbers. Forward passes record every layer's output on a
//! [`Tape`]; the backward pass reads it, adds dloss/dparam into a gradient slice and returns
//! dloss/dinput for the block before.
//!
//! Imports only `std`, `serde` and `crate::rng`.
//!
//! ```
//! use qmlp::learn::dense::{Activation, DenseStack, Tape};
//! let stack = DenseStack::new(2, &[(3, Activation::Tanh), (1, Activation::Linear)]);
//! assert_eq!(stack.n_params(), 2 * 3 + 3 + 3 + 1);
//! let mut params = vec![0.0; stack.n_params()];
//! stack.init(&mut params, &mut qmlp::rng::Rng::new(1));
//! let mut tape = Tape::default();
//! let y = stack.forward(&params, &[0.5, -0.5], &mut tape).to_vec();
//! assert_eq!(y.len(), 1);
//! ```

use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// The non-linearity after a layer's affine map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `z` (no non-linearity).
    #[default]
    Linear,
    /// `tanh z`, in `(−1, 1)`.
    Tanh,
    /// `max(z, 0)`.
    Relu,
    /// `1 / (1 + e^(−z))`, in `(0, 1)`.
    Sigmoid,
}

impl Activation {
    /// Every activation, in menu order.
    pub const ALL: [Activation; 4] = [
        Activation::Linear,
        Activation::Tanh,
        Activation::Relu,
        Activation::Sigmoid,
    ];

    /// The activation applied to `z`.
    #[inline]
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Linear => z,
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
            Activation::Sigmoid => crate::learn::loss::sigmoid(z),
        }
    }

    /// The derivative at the point whose *output* is `a` (every activation here can be
    /// differentiated from its output alone; ReLU's kink counts as 0).
    #[inline]
    pub fn derivative_from_output(self, a: f64) -> f64 {
        match self {
            Activation::Linear => 1.0,
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if a > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Sigmoid => a * (1.0 - a),
        }
    }

    /// The range of the output over `z ∈ [−1, 1]`-sized inputs, used to scale a layer's output
    /// into gate angles: `[−1, 1]` for linear and tanh, `[0, 1]` for ReLU and sigmoid.
    pub fn natural_range(self) -> [f64; 2] {
        match self {
            Activation::Linear | Activation::Tanh => [-1.0, 1.0],
            Activation::Relu | Activation::Sigmoid => [0.0, 1.0],
        }
    }

    /// The name used in documents, e.g. `"tanh"`.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
        }
    }
}

/// One layer's shape and where its numbers start in the parameter slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Inputs.
    pub ins: usize,
    /// Outputs (units).
    pub outs: usize,
    /// The non-linearity.
    pub act: Activation,
    /// Offset of the first weight in the stack's parameter slice.
    pub offset: usize,
}

impl Layer {
    /// Offset of the first bias.
    pub fn bias_offset(&self) -> usize {
        self.offset + self.ins * self.outs
    }

    /// Weights and biases of this layer.
    pub fn n_params(&self) -> usize {
        self.ins * self.outs + self.outs
    }
}

/// A chain of dense layers (shapes only; see the module doc).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DenseStack {
    n_in: usize,
    layers: Vec<Layer>,
    n_params: usize,
}

/// Every layer's output of one forward pass (the input first), for the backward pass.
#[derive(Clone, Debug, Default)]
pub struct Tape {
    /// The input, then each layer's outputs, concatenated.
    values: Vec<f64>,
    /// Where each layer's outputs start in `values` (entry 0: the input).
    starts: Vec<usize>,
    /// Scratch for the backward pass.
    delta: Vec<f64>,
    back: Vec<f64>,
}

impl Tape {
    /// The output of the last forward pass.
    pub fn output(&self) -> &[f64] {
        match self.starts.last() {
            Some(&s) => &self.values[s..],
            None => &[],
        }
    }
}

impl DenseStack {
    /// A stack taking `n_in` inputs through layers of `(units, activation)`.
    pub fn new(n_in: usize, layers: &[(usize, Activation)]) -> DenseStack {
        let mut out = Vec::with_capacity(layers.len());
        let (mut ins, mut offset) = (n_in, 0);
        for &(outs, act) in layers {
            let l = Layer {
                ins,
                outs,
                act,
                offset,
            };
            offset += l.n_params();
            ins = outs;
            out.push(l);
        }
        DenseStack {
            n_in,
            layers: out,
            n_params: offset,
        }
    }

    /// The number of trainable numbers (weights and biases of every layer).
    pub fn n_params(&self) -> usize {
        self.n_params
    }

    /// Inputs of the first layer.
    pub fn n_in(&self) -> usize {
        self.n_in
    }

    /// Outputs of the last layer (the input count for an empty stack).
    pub fn n_out(&self) -> usize {
        self.layers.last().map_or(self.n_in, |l| l.outs)
    }

    /// The layers.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Whether the stack has no layers (it then passes its input through).
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Seeded initial values: Glorot-uniform weights (`±√(6/(ins+outs))`) for linear, tanh and
    /// sigmoid layers, He-uniform (`±√(6/ins)`) for ReLU layers, zero biases; layer by layer,
    /// weights in row-major order.
    pub fn init(&self, params: &mut [f64], rng: &mut Rng) {
        for l in &self.layers {
            let limit = match l.act {
                Activation::Relu => (6.0 / l.ins.max(1) as f64).sqrt(),
                _ => (6.0 / (l.ins + l.outs).max(1) as f64).sqrt(),
            };
            let (w0, b0) = (l.offset, l.bias_offset());
            if let Some(ws) = params.get_mut(w0..b0) {
                for w in ws {
                    *w = rng.range(-limit, limit);
                }
            }
            if let Some(bs) = params.get_mut(b0..b0 + l.outs) {
                bs.iter_mut().for_each(|b| *b = 0.0);
            }
        }
    }

    /// The stack's output for input `x` (missing inputs read as 0, extra ones are ignored),
    /// recording every layer on `tape`. `params` holds this stack's numbers only.
    pub fn forward<'t>(&self, params: &[f64], x: &[f64], tape: &'t mut Tape) -> &'t [f64] {
        tape.values.clear();
        tape.starts.clear();
        tape.starts.push(0);
        tape.values
            .extend((0..self.n_in).map(|i| x.get(i).copied().unwrap_or(0.0)));
        for l in &self.layers {
            let start = tape.values.len();
            let input_start = start - l.ins;
            for o in 0..l.outs {
                let row = &params[l.offset + o * l.ins..l.offset + (o + 1) * l.ins];
                let input = &tape.values[input_start..start];
                let z = params[l.bias_offset() + o]
                    + row.iter().zip(input).map(|(w, a)| w * a).sum::<f64>();
                tape.values.push(l.act.apply(z));
            }
            tape.starts.push(start);
        }
        tape.output()
    }

    /// Backward through the pass recorded on `tape`: adds dloss/dparam into `grad` (this
    /// stack's slice) for `d_out` = dloss/doutput, and writes dloss/dinput into `d_in` when
    /// given (`n_in` long).
    pub fn backward(
        &self,
        params: &[f64],
        tape: &mut Tape,
        d_out: &[f64],
        grad: &mut [f64],
        d_in: Option<&mut [f64]>,
    ) {
        let Tape {
            values,
            starts,
            delta,
            back,
        } = tape;
        if self.layers.is_empty() {
            if let Some(d) = d_in {
                for (a, b) in d.iter_mut().zip(d_out) {
                    *a = *b;
                }
            }
            return;
        }
        delta.clear();
        delta.extend_from_slice(d_out);
        for (li, l) in self.layers.iter().enumerate().rev() {
            let out = &values[starts[li + 1]..starts[li + 1] + l.outs];
            // Through the activation: dz = da · f'(a).
            for (d, &a) in delta.iter_mut().zip(out) {
                *d *= l.act.derivative_from_output(a);
            }
            let input = &values[starts[li]..starts[li] + l.ins];
            back.clear();
            back.resize(l.ins, 0.0);
            for (o, &d) in delta.iter().enumerate() {
                let row = l.offset + o * l.ins;
                for (i, &a) in input.iter().enumerate() {
                    grad[row + i] += d * a;
                    back[i] += params[row + i] * d;
                }
                grad[l.bias_offset() + o] += d;
            }
            std::mem::swap(delta, back);
        }
        if let Some(d) = d_in {
            for (a, b) in d.iter_mut().zip(delta.iter()) {
                *a = *b;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loss(stack: &DenseStack, p: &[f64], x: &[f64], w: &[f64]) -> f64 {
        let mut t = Tape::default();
        let y = stack.forward(p, x, &mut t);
        y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>()
    }

    #[test]
    fn gradients_match_central_differences_for_every_activation() {
        for (k, &act) in Activation::ALL.iter().enumerate() {
            let stack = DenseStack::new(3, &[(4, act), (2, Activation::Tanh), (3, act)]);
            let mut p = vec![0.0; stack.n_params()];
            let mut rng = Rng::new(10 + k as u64);
            stack.init(&mut p, &mut rng);
            // Non-zero biases so ReLU units are not all at the kink.
            for v in p.iter_mut() {
                *v += 0.05 * rng.normal();
            }
            let x = [0.3, -0.8, 0.55];
            let w = [0.7, -1.1, 0.4];
            let mut t = Tape::default();
            stack.forward(&p, &x, &mut t);
            let mut g = vec![0.0; p.len()];
            let mut dx = vec![0.0; 3];
            stack.backward(&p, &mut t, &w, &mut g, Some(&mut dx));
            let h = 1e-6;
            for i in 0..p.len() {
                let (mut a, mut b) = (p.clone(), p.clone());
                a[i] += h;
                b[i] -= h;
                let num = (loss(&stack, &a, &x, &w) - loss(&stack, &b, &x, &w)) / (2.0 * h);
                assert!(
                    (num - g[i]).abs() < 1e-7,
                    "{act:?} param {i}: {} vs {num}",
                    g[i]
                );
            }
            for i in 0..3 {
                let (mut a, mut b) = (x, x);
                a[i] += h;
                b[i] -= h;
                let num = (loss(&stack, &p, &a, &w) - loss(&stack, &p, &b, &w)) / (2.0 * h);
                assert!(
                    (num - dx[i]).abs() < 1e-7,
                    "{act:?} input {i}: {} vs {num}",
                    dx[i]
                );
            }
        }
    }

    #[test]
    fn init_is_seeded_glorot_or_he_with_zero_biases() {
        let stack = DenseStack::new(4, &[(8, Activation::Relu), (2, Activation::Tanh)]);
        let mut a = vec![1.0; stack.n_params()];
        let mut b = vec![2.0; stack.n_params()];
        stack.init(&mut a, &mut Rng::new(3));
        stack.init(&mut b, &mut Rng::new(3));
        assert_eq!(a, b);
        let l0 = stack.layers()[0];
        let he = (6.0f64 / 4.0).sqrt();
        assert!(a[..l0.bias_offset()].iter().all(|w| w.abs() <= he));
        assert!(a[l0.bias_offset()..l0.bias_offset() + 8]
            .iter()
            .all(|v| *v == 0.0));
        let l1 = stack.layers()[1];
        let glorot = (6.0f64 / 10.0).sqrt();
        assert!(a[l1.offset..l1.bias_offset()]
            .iter()
            .all(|w| w.abs() <= glorot));
        assert!(a[l0.offset..l0.bias_offset()]
            .iter()
            .any(|w| w.abs() > glorot));
    }

    #[test]
    fn an_empty_stack_passes_its_input_through() {
        let stack = DenseStack::new(2, &[]);
        assert_eq!((stack.n_params(), stack.n_out()), (0, 2));
        let mut t = Tape::default();
        assert_eq!(stack.forward(&[], &[0.25, 0.5], &mut t), &[0.25, 0.5]);
        let mut dx = [0.0; 2];
        stack.backward(&[], &mut t, &[1.0, 2.0], &mut [], Some(&mut dx));
        assert_eq!(dx, [1.0, 2.0]);
    }
}
