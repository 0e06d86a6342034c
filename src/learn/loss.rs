//! Loss functions for one sample: each returns the loss and its derivative with respect to the
//! model's outputs, so the caller can chain-rule back through the head and the circuit.
//!
//! Pure functions; imports only `std` and `serde`.

use serde::{Deserialize, Serialize};

/// Which loss the trainer minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean squared error between outputs and targets.
    Mse,
    /// Binary cross-entropy on one logit.
    Bce,
    /// Softmax cross-entropy on one logit per class.
    CrossEntropy,
    /// The data re-uploading fidelity cost `(1 − F_label)²`.
    Fidelity,
}

impl LossKind {
    /// Every loss, in menu order.
    pub const ALL: [LossKind; 4] = [
        LossKind::Mse,
        LossKind::Bce,
        LossKind::CrossEntropy,
        LossKind::Fidelity,
    ];

    /// The name used in documents, e.g. `"cross_entropy"`.
    pub fn name(self) -> &'static str {
        match self {
            LossKind::Mse => "mse",
            LossKind::Bce => "bce",
            LossKind::CrossEntropy => "cross_entropy",
            LossKind::Fidelity => "fidelity",
        }
    }

    /// The name the page shows, e.g. `"Cross-entropy"`.
    pub fn label(self) -> &'static str {
        match self {
            LossKind::Mse => "MSE",
            LossKind::Bce => "Binary cross-entropy",
            LossKind::CrossEntropy => "Cross-entropy",
            LossKind::Fidelity => "Fidelity",
        }
    }

    /// Whether the loss fits a model with a fidelity readout (or not), `outputs` outputs and
    /// `classes` classes; the error says why not in the page's words.
    ///
    /// ```
    /// use qmlp::learn::loss::LossKind;
    /// assert!(LossKind::Mse.fits(false, 1, 2).is_ok());
    /// assert!(LossKind::Mse.fits(true, 2, 2).unwrap_err().contains("fidelity"));
    /// ```
    pub fn fits(self, fidelity: bool, outputs: usize, classes: usize) -> Result<(), String> {
        let label = self.label();
        if fidelity && self != LossKind::Fidelity {
            return Err(format!(
                "the {label} loss needs expectation values (such as ⟨Z0⟩) as outputs, but the                  readout is a fidelity with label states; choose the Fidelity loss, or an                  expectation readout"
            ));
        }
        let ok = match self {
            LossKind::Fidelity => fidelity,
            LossKind::Mse => outputs == 1 && classes == 2 || outputs == classes,
            LossKind::Bce => outputs == 1 && classes == 2,
            LossKind::CrossEntropy => outputs == classes,
        };
        if ok {
            return Ok(());
        }
        Err(match self {
            LossKind::Fidelity => "the Fidelity loss needs a fidelity readout (one label state per                  class); this readout is expectation values — choose MSE or cross-entropy, or a                  fidelity readout"
                .to_string(),
            LossKind::Mse => format!(
                "the MSE loss needs 1 output for 2 classes, or one output per class                  ({classes}); the model has {outputs} output(s)"
            ),
            LossKind::Bce => format!(
                "the Binary cross-entropy loss needs 1 output and 2 classes; the model has                  {outputs} output(s) and the data {classes} classes"
            ),
            LossKind::CrossEntropy => format!(
                "the Cross-entropy loss needs one output per class ({classes}); the model has                  {outputs} output(s)"
            ),
        })
    }
}

/// Mean over outputs of `(o − t)²`, and its gradient `2(o − t)/n`.
///
/// Outputs without a matching target entry are compared with 0.
///
/// ```
/// let (l, g) = qmlp::learn::loss::mse(&[1.0, 0.0], &[0.0, 0.0]);
/// assert_eq!((l, g), (0.5, vec![1.0, 0.0]));
/// ```
pub fn mse(outputs: &[f64], target: &[f64]) -> (f64, Vec<f64>) {
    let mut grad = Vec::new();
    let l = mse_into(
        outputs,
        |i| target.get(i).copied().unwrap_or(0.0),
        &mut grad,
    );
    (l, grad)
}

/// [`mse`] with the target given per output and the gradient written into `grad` (no
/// allocation once `grad` has grown).
pub fn mse_into(outputs: &[f64], target: impl Fn(usize) -> f64, grad: &mut Vec<f64>) -> f64 {
    grad.clear();
    let n = outputs.len();
    if n == 0 {
        return 0.0;
    }
    let scale = 1.0 / n as f64;
    let mut loss = 0.0;
    grad.extend(outputs.iter().enumerate().map(|(i, &o)| {
        let d = o - target(i);
        loss += d * d;
        2.0 * d * scale
    }));
    loss * scale
}

/// The logistic function `1 / (1 + e^(−z))`, computed without overflow.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Binary cross-entropy of a logit `z` against a label (0, or anything else counted as 1),
/// computed stably as `max(z, 0) − z·y + ln(1 + e^(−|z|))`; the derivative is `σ(z) − y`.
///
/// ```
/// let (l, g) = qmlp::learn::loss::bce_with_logit(0.0, 1);
/// assert!((l - std::f64::consts::LN_2).abs() < 1e-15 && (g + 0.5).abs() < 1e-15);
/// ```
pub fn bce_with_logit(logit: f64, label: usize) -> (f64, f64) {
    let y = if label == 0 { 0.0 } else { 1.0 };
    let loss = logit.max(0.0) - logit * y + (-logit.abs()).exp().ln_1p();
    (loss, sigmoid(logit) - y)
}

/// Softmax of the logits, shifted by their maximum so large logits cannot overflow.
///
/// ```
/// let p = qmlp::learn::loss::softmax(&[1000.0, 1000.0]);
/// assert_eq!(p, vec![0.5, 0.5]);
/// ```
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logits.iter().map(|&z| (z - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// Cross-entropy `−ln p_label` of softmax(logits), computed as `logsumexp(z) − z_label`; the
/// gradient is `p − onehot(label)`. A label outside the logits gives an infinite loss and the
/// gradient `p`.
pub fn cross_entropy_with_logits(logits: &[f64], label: usize) -> (f64, Vec<f64>) {
    let mut grad = Vec::new();
    let l = cross_entropy_into(logits, label, &mut grad);
    (l, grad)
}

/// [`cross_entropy_with_logits`] with the gradient written into `grad`.
pub fn cross_entropy_into(logits: &[f64], label: usize, grad: &mut Vec<f64>) -> f64 {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = logits.iter().map(|&z| (z - max).exp()).sum();
    let log_sum_exp = max + sum.ln();
    grad.clear();
    grad.extend(logits.iter().map(|&z| (z - max).exp() / sum));
    match (logits.get(label), grad.get_mut(label)) {
        (Some(&z), Some(g)) => {
            *g -= 1.0;
            log_sum_exp - z
        }
        _ => f64::INFINITY,
    }
}

/// The data re-uploading cost for one sample, `(1 − F_label)²`, where `fidelities[c]` is the
/// fidelity of the output state with class `c`'s target state; only the label's entry of the
/// gradient, `−2(1 − F_label)`, is non-zero. A label outside the slice costs 1 with zero gradient.
///
/// ```
/// let (l, g) = qmlp::learn::loss::fidelity_cost(&[0.25, 0.5], 1);
/// assert_eq!((l, g), (0.25, vec![0.0, -1.0]));
/// ```
pub fn fidelity_cost(fidelities: &[f64], label: usize) -> (f64, Vec<f64>) {
    let mut grad = Vec::new();
    let l = fidelity_cost_into(fidelities, label, &mut grad);
    (l, grad)
}

/// [`fidelity_cost`] with the gradient written into `grad`.
pub fn fidelity_cost_into(fidelities: &[f64], label: usize, grad: &mut Vec<f64>) -> f64 {
    grad.clear();
    grad.resize(fidelities.len(), 0.0);
    match (fidelities.get(label), grad.get_mut(label)) {
        (Some(&f), Some(g)) => {
            let gap = 1.0 - f;
            *g = -2.0 * gap;
            gap * gap
        }
        _ => 1.0,
    }
}

/// The MSE target of output `j` of `n` for class `label`: with one output, `+1` for class 0
/// (|0⟩ gives ⟨Z⟩ = +1) and `−1` otherwise; with one output per class, `+1` at the label and
/// `−1` elsewhere.
#[inline]
pub fn mse_target(n: usize, label: usize, j: usize) -> f64 {
    let hit = if n == 1 { label == 0 } else { j == label };
    if hit {
        1.0
    } else {
        -1.0
    }
}

/// What a model predicts from its outputs: the class and a confidence (the probability of
/// class 1 for two classes, of the predicted class otherwise).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    /// The predicted class.
    pub class: usize,
    /// The probability (or confidence) of class 1 for two classes; of `class` otherwise.
    pub confidence: f64,
}

impl LossKind {
    /// The loss of outputs `o` for class `label`, with ∂loss/∂o written into `grad`, under this
    /// kind's conventions: MSE against [`mse_target`]; binary cross-entropy on one logit;
    /// cross-entropy on one logit per class; the fidelity cost on one fidelity per class.
    pub fn eval(self, o: &[f64], label: usize, grad: &mut Vec<f64>) -> f64 {
        match self {
            LossKind::Mse => mse_into(o, |j| mse_target(o.len(), label, j), grad),
            LossKind::Bce => {
                let (l, g) = bce_with_logit(o.first().copied().unwrap_or(0.0), label);
                grad.clear();
                grad.push(g);
                l
            }
            LossKind::CrossEntropy => cross_entropy_into(o, label, grad),
            LossKind::Fidelity => fidelity_cost_into(o, label, grad),
        }
    }

    /// The prediction for outputs `o` of a model with `n_classes` classes: with one MSE output
    /// `P(class 1) = (1 − o)/2` clamped to `[0, 1]`; a BCE output is a logit; cross-entropy
    /// outputs are softmaxed; fidelities and per-class MSE outputs are normalised (MSE outputs
    /// shifted by 1 first) and the largest wins.
    pub fn predict(self, o: &[f64], n_classes: usize) -> Prediction {
        let argmax = |v: &[f64]| {
            v.iter().enumerate().fold(
                (0, f64::NEG_INFINITY),
                |b, (i, &x)| if x > b.1 { (i, x) } else { b },
            )
        };
        match (self, o.len()) {
            (LossKind::Mse, 1) => {
                let p1 = ((1.0 - o[0]) / 2.0).clamp(0.0, 1.0);
                Prediction {
                    class: usize::from(p1 > 0.5),
                    confidence: p1,
                }
            }
            (LossKind::Bce, _) => {
                let p1 = sigmoid(o.first().copied().unwrap_or(0.0));
                Prediction {
                    class: usize::from(p1 > 0.5),
                    confidence: p1,
                }
            }
            _ => {
                let p: Vec<f64> = match self {
                    LossKind::CrossEntropy => softmax(o),
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
                Prediction {
                    class,
                    confidence: if n_classes == 2 && p.len() == 2 {
                        p[1]
                    } else {
                        conf
                    },
                }
            }
        }
    }
}

/// L2 penalty `(λ/2)·Σ p²` and its gradient `λ·p` (so `lambda` is the weight-decay rate).
pub fn l2(params: &[f64], lambda: f64) -> (f64, Vec<f64>) {
    let loss = 0.5 * lambda * params.iter().map(|p| p * p).sum::<f64>();
    (loss, params.iter().map(|p| lambda * p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = 1e-7;

    /// Central finite difference of `f` with respect to entry `i` of `x`.
    fn fd(f: &dyn Fn(&[f64]) -> f64, x: &[f64], i: usize) -> f64 {
        let mut a = x.to_vec();
        let mut b = x.to_vec();
        a[i] += H;
        b[i] -= H;
        (f(&a) - f(&b)) / (2.0 * H)
    }

    fn check_grad(f: &dyn Fn(&[f64]) -> f64, grad: &[f64], x: &[f64]) {
        assert_eq!(grad.len(), x.len());
        for (i, g) in grad.iter().enumerate() {
            let num = fd(f, x, i);
            assert!(
                (num - g).abs() < 1e-6,
                "entry {i}: analytic {g} vs numeric {num}"
            );
        }
    }

    #[test]
    fn mse_gradient() {
        let t = [0.3, -1.0, 2.0];
        let o = [0.1, 0.5, -0.7];
        let (l, g) = mse(&o, &t);
        assert!((l - (0.04 + 2.25 + 7.29) / 3.0).abs() < 1e-12);
        check_grad(&|x| mse(x, &t).0, &g, &o);
        assert_eq!(mse(&[], &[]), (0.0, vec![]));
    }

    #[test]
    fn bce_gradient_and_values() {
        for &z in &[-3.0, -0.2, 0.0, 0.7, 4.0] {
            for label in 0..2 {
                let (l, g) = bce_with_logit(z, label);
                let p = 1.0 / (1.0 + f64::exp(-z));
                let naive = if label == 1 { -p.ln() } else { -(1.0 - p).ln() };
                assert!((l - naive).abs() < 1e-12);
                check_grad(&|x| bce_with_logit(x[0], label).0, &[g], &[z]);
            }
        }
    }

    #[test]
    fn bce_is_stable_for_huge_logits() {
        for &z in &[-1000.0, 1000.0, -1e300, 1e300] {
            for label in 0..2 {
                let (l, g) = bce_with_logit(z, label);
                assert!(l.is_finite() && g.is_finite(), "{z} {label}: {l} {g}");
            }
        }
        assert_eq!(bce_with_logit(1000.0, 1).0, 0.0);
        assert_eq!(bce_with_logit(-1000.0, 1).0, 1000.0);
    }

    #[test]
    fn softmax_and_cross_entropy() {
        let z = [0.5, -1.0, 2.0, 0.0];
        let p = softmax(&z);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        for (label, pl) in p.iter().enumerate() {
            let (l, g) = cross_entropy_with_logits(&z, label);
            assert!((l + pl.ln()).abs() < 1e-12);
            check_grad(&|x| cross_entropy_with_logits(x, label).0, &g, &z);
        }
    }

    #[test]
    fn cross_entropy_is_stable_for_huge_logits() {
        let z = [1000.0, -1000.0, 0.0];
        for label in 0..3 {
            let (l, g) = cross_entropy_with_logits(&z, label);
            assert!(!l.is_nan() && l.is_finite(), "{l}");
            assert!(g.iter().all(|v| v.is_finite()));
        }
        assert_eq!(cross_entropy_with_logits(&z, 1).0, 2000.0);
        assert!(softmax(&[-1000.0, 1000.0]).iter().all(|v| v.is_finite()));
        let (l, g) = cross_entropy_with_logits(&z, 7);
        assert!(l.is_infinite() && g.len() == 3);
    }

    #[test]
    fn fidelity_cost_gradient() {
        let f = [0.2, 0.9, 0.4];
        for label in 0..3 {
            let (l, g) = fidelity_cost(&f, label);
            assert!((l - (1.0 - f[label]).powi(2)).abs() < 1e-15);
            check_grad(&|x| fidelity_cost(x, label).0, &g, &f);
            assert_eq!(g.iter().filter(|v| **v != 0.0).count(), 1);
        }
        assert_eq!(fidelity_cost(&f, 5), (1.0, vec![0.0; 3]));
    }

    #[test]
    fn l2_gradient() {
        let p = [0.5, -2.0, 0.0, 3.0];
        let (l, g) = l2(&p, 0.1);
        assert!((l - 0.05 * 13.25).abs() < 1e-12);
        check_grad(&|x| l2(x, 0.1).0, &g, &p);
    }

    #[test]
    fn loss_kind_serde_names() {
        let names: Vec<String> = [
            LossKind::Mse,
            LossKind::Bce,
            LossKind::CrossEntropy,
            LossKind::Fidelity,
        ]
        .iter()
        .map(|k| serde_json::to_string(k).unwrap())
        .collect();
        assert_eq!(
            names,
            ["\"mse\"", "\"bce\"", "\"cross_entropy\"", "\"fidelity\""]
        );
    }
}
