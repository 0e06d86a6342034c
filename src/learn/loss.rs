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
    /// The data re-uploading fidelity cost `(1 − F_label)²` (PennyLane's demo).
    Fidelity,
    /// The re-uploading paper's fidelity cost χ_f as its public code minimises it:
    /// `1 − |⟨ψ̃_label|ψ⟩| = 1 − √F_label` per point (see [`chi_f_into`]).
    ChiF,
    /// The paper's weighted fidelity cost χ_wf: `½ Σ_c (W_c − Y_c)²` with the weighted
    /// fidelities `W_c` (the head's outputs, `α_c·F_c`, summed over wires for a per-wire
    /// readout) and the target fidelities `Y_c = |⟨ψ̃_c|ψ̃_label⟩|²` (see [`chi_wf_into`]).
    ChiWf,
}

impl LossKind {
    /// Every loss, in menu order.
    pub const ALL: [LossKind; 6] = [
        LossKind::Mse,
        LossKind::Bce,
        LossKind::CrossEntropy,
        LossKind::Fidelity,
        LossKind::ChiF,
        LossKind::ChiWf,
    ];

    /// The name used in documents, e.g. `"cross_entropy"`.
    pub fn name(self) -> &'static str {
        match self {
            LossKind::Mse => "mse",
            LossKind::Bce => "bce",
            LossKind::CrossEntropy => "cross_entropy",
            LossKind::Fidelity => "fidelity",
            LossKind::ChiF => "chi_f",
            LossKind::ChiWf => "chi_wf",
        }
    }

    /// Whether the loss reads fidelities with label states (a fidelity readout).
    pub fn is_fidelity(self) -> bool {
        matches!(self, LossKind::Fidelity | LossKind::ChiF | LossKind::ChiWf)
    }

    /// The name the page shows, e.g. `"Cross-entropy"`.
    pub fn label(self) -> &'static str {
        match self {
            LossKind::Mse => "MSE",
            LossKind::Bce => "Binary cross-entropy",
            LossKind::CrossEntropy => "Cross-entropy",
            LossKind::Fidelity => "Fidelity",
            LossKind::ChiF => "Fidelity χ_f (paper)",
            LossKind::ChiWf => "Weighted fidelity χ_wf (paper)",
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
        if fidelity && !self.is_fidelity() {
            return Err(format!(
                "the {label} loss needs expectation values (such as ⟨Z0⟩) as outputs, but the \
                 readout is a fidelity with label states; choose a fidelity cost (Fidelity, χ_f \
                 or χ_wf), or an expectation readout"
            ));
        }
        let ok = match self {
            LossKind::Fidelity | LossKind::ChiF | LossKind::ChiWf => fidelity,
            LossKind::Mse => outputs == 1 && classes == 2 || outputs == classes,
            LossKind::Bce => outputs == 1 && classes == 2,
            LossKind::CrossEntropy => outputs == classes,
        };
        if ok {
            return Ok(());
        }
        Err(match self {
            LossKind::Fidelity | LossKind::ChiF | LossKind::ChiWf => format!(
                "the {label} loss needs a fidelity readout (one label state per class); this \
                 readout is expectation values — choose MSE or cross-entropy, or a fidelity \
                 readout"
            ),
            LossKind::Mse => format!(
                "the MSE loss needs 1 output for 2 classes, or one output per class \
                 ({classes}); the model has {outputs} output(s)"
            ),
            LossKind::Bce => format!(
                "the Binary cross-entropy loss needs 1 output and 2 classes; the model has \
                 {outputs} output(s) and the data {classes} classes"
            ),
            LossKind::CrossEntropy => format!(
                "the Cross-entropy loss needs one output per class ({classes}); the model has \
                 {outputs} output(s)"
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

/// The re-uploading paper's fidelity cost χ_f for one sample, `1 − √F_label`: one minus the
/// modulus of the overlap `|⟨ψ̃_label|ψ⟩|`, where `fidelities[c]` is `F_c = |⟨ψ̃_c|ψ⟩|²`. Only the
/// label's entry of the gradient, `−1/(2√F_label)`, is non-zero (with `F` floored at the
/// smallest positive number, so an exactly orthogonal state gives a finite slope). A label
/// outside the slice costs 1 with zero gradient.
///
/// This is the objective of the paper's public code (`fidelity_minimization.py`, which
/// minimises `−mean |⟨ψ̃|ψ⟩|`) plus 1: the same minimiser, the same gradient, and — since
/// scipy's stopping test divides the decrease by `max(|f|, 1)`, which is 1 for both — the same
/// L-BFGS run. The paper's text reportedly writes `Σ (1 − |⟨ψ̃|ψ⟩|²)` (its Eq. 7, as a third
/// party reads it; the text could not be checked here): the same best point for every sample,
/// but a different landscape. `src/data/PAPER.md` says what was read where.
///
/// ```
/// let (l, g) = qmlp::learn::loss::chi_f(&[0.25, 0.64], 1);
/// assert!((l - 0.2).abs() < 1e-15 && (g[1] + 0.625).abs() < 1e-15 && g[0] == 0.0);
/// ```
pub fn chi_f(fidelities: &[f64], label: usize) -> (f64, Vec<f64>) {
    let mut grad = Vec::new();
    let l = chi_f_into(fidelities, label, &mut grad);
    (l, grad)
}

/// [`chi_f`] with the gradient written into `grad`.
pub fn chi_f_into(fidelities: &[f64], label: usize, grad: &mut Vec<f64>) -> f64 {
    grad.clear();
    grad.resize(fidelities.len(), 0.0);
    match (fidelities.get(label), grad.get_mut(label)) {
        (Some(&f), Some(g)) => {
            let root = f.max(f64::MIN_POSITIVE).sqrt();
            *g = -0.5 / root;
            1.0 - f.max(0.0).sqrt()
        }
        _ => 1.0,
    }
}

/// What the fidelity costs know of the label states: how many classes there are and how close
/// their label states lie (the χ_wf targets).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelGeometry {
    /// The number of classes (0: one output per class).
    pub n_classes: usize,
    /// `|⟨ψ̃_a|ψ̃_b⟩|²` for every pair of classes, row-major `n_classes × n_classes` (empty:
    /// orthogonal label states, targets 1 at the label and 0 elsewhere).
    pub overlaps: Vec<f64>,
}

impl LabelGeometry {
    /// The target fidelity `Y_c` of class `c` for a point of class `label`.
    pub fn target(&self, label: usize, c: usize) -> f64 {
        let k = self.n_classes;
        if k > 0 && self.overlaps.len() == k * k {
            if label < k && c < k {
                self.overlaps[label * k + c]
            } else {
                0.0
            }
        } else if label == c {
            1.0
        } else {
            0.0
        }
    }

    /// `(classes, outputs per class)` for `n_outputs` outputs: one per class, or one per class
    /// and wire (class-major) for a per-wire readout.
    pub fn groups(&self, n_outputs: usize) -> (usize, usize) {
        let k = self.n_classes;
        if k > 0 && n_outputs % k == 0 && n_outputs >= k {
            (k, n_outputs / k)
        } else {
            (n_outputs, 1)
        }
    }
}

/// The paper's weighted fidelity cost χ_wf for one sample, `½ Σ_c (W_c − Y_c)²`: the outputs
/// `o` are the weighted fidelities `α_{c,q}·F_{c,q}`, class-major (one per class, or one per
/// class and wire), `W_c` their sum over the class's outputs, and `Y_c` the fidelity between
/// the label states of class `c` and of `label` ([`LabelGeometry::target`]; with the paper's
/// label states 1 for the label and 0, ¼ or ⅓ for the others with 2, 3 or 4 classes, exactly
/// its code's targets). The gradient of every output of class `c` is `W_c − Y_c`.
///
/// ```
/// use qmlp::learn::loss::{chi_wf, LabelGeometry};
/// let geo = LabelGeometry { n_classes: 2, overlaps: vec![1.0, 0.0, 0.0, 1.0] };
/// let (l, g) = chi_wf(&[0.5, 0.25], 0, &geo);
/// assert_eq!((l, g), (0.5 * (0.25 + 0.0625), vec![-0.5, 0.25]));
/// ```
pub fn chi_wf(o: &[f64], label: usize, geo: &LabelGeometry) -> (f64, Vec<f64>) {
    let mut grad = Vec::new();
    let l = chi_wf_into(o, label, geo, &mut grad);
    (l, grad)
}

/// [`chi_wf`] with the gradient written into `grad`.
pub fn chi_wf_into(o: &[f64], label: usize, geo: &LabelGeometry, grad: &mut Vec<f64>) -> f64 {
    let (k, g) = geo.groups(o.len());
    grad.clear();
    grad.resize(o.len(), 0.0);
    let mut loss = 0.0;
    for c in 0..k {
        let w: f64 = o[c * g..(c + 1) * g].iter().sum();
        let d = w - geo.target(label, c);
        loss += 0.5 * d * d;
        grad[c * g..(c + 1) * g].iter_mut().for_each(|v| *v = d);
    }
    loss
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
    /// cross-entropy on one logit per class; the fidelity costs on one fidelity per class (χ_wf
    /// with orthogonal label states here; see [`LossKind::eval_with`]).
    pub fn eval(self, o: &[f64], label: usize, grad: &mut Vec<f64>) -> f64 {
        self.eval_with(o, label, &LabelGeometry::default(), grad)
    }

    /// [`LossKind::eval`] knowing the label states' geometry (the χ_wf targets and groups).
    pub fn eval_with(
        self,
        o: &[f64],
        label: usize,
        geo: &LabelGeometry,
        grad: &mut Vec<f64>,
    ) -> f64 {
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
            LossKind::ChiF => chi_f_into(o, label, grad),
            LossKind::ChiWf => chi_wf_into(o, label, geo, grad),
        }
    }

    /// The prediction for outputs `o` of a model with `n_classes` classes: with one MSE output
    /// `P(class 1) = (1 − o)/2` clamped to `[0, 1]`; a BCE output is a logit; cross-entropy
    /// outputs are softmaxed; fidelities and per-class MSE outputs are normalised (MSE outputs
    /// shifted by 1 first) and the largest wins. For χ_wf the weighted fidelities of a class
    /// (one output, or one per wire) are summed first: the class of the largest `W_c` wins.
    pub fn predict(self, o: &[f64], n_classes: usize) -> Prediction {
        let summed: Vec<f64>;
        let o = if self == LossKind::ChiWf {
            let geo = LabelGeometry {
                n_classes,
                overlaps: Vec::new(),
            };
            let (k, g) = geo.groups(o.len());
            summed = (0..k).map(|c| o[c * g..(c + 1) * g].iter().sum()).collect();
            summed.as_slice()
        } else {
            o
        };
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
                    LossKind::Fidelity | LossKind::ChiF | LossKind::ChiWf => {
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
    fn chi_f_gradient_and_the_codes_objective() {
        let f = [0.2, 0.9, 0.4];
        for label in 0..3 {
            let (l, g) = chi_f(&f, label);
            assert!((l - (1.0 - f[label].sqrt())).abs() < 1e-15);
            check_grad(&|x| chi_f(x, label).0, &g, &f);
        }
        // An orthogonal state: finite loss and slope.
        let (l, g) = chi_f(&[0.0, 1.0], 0);
        assert_eq!(l, 1.0);
        assert!(g[0].is_finite() && g[0] < 0.0);
        assert_eq!(chi_f(&f, 7), (1.0, vec![0.0; 3]));
    }

    #[test]
    fn chi_wf_gradient_targets_and_groups() {
        // The tetrahedron: targets 1 at the label, 1/3 elsewhere (the paper's code's Y).
        let third = 1.0 / 3.0;
        let mut overlaps = vec![third; 16];
        for c in 0..4 {
            overlaps[c * 5] = 1.0;
        }
        let geo = LabelGeometry {
            n_classes: 4,
            overlaps,
        };
        let o = [0.9, 0.2, 0.5, 0.1];
        for label in 0..4 {
            let (l, g) = chi_wf(&o, label, &geo);
            let want: f64 = (0..4)
                .map(|c| {
                    let y = if c == label { 1.0 } else { third };
                    0.5 * (o[c] - y).powi(2)
                })
                .sum();
            assert!((l - want).abs() < 1e-15);
            check_grad(&|x| chi_wf(x, label, &geo).0, &g, &o);
        }
        // Per wire: 2 classes × 3 wires, class-major; W_c sums a class's wires.
        let geo2 = LabelGeometry {
            n_classes: 2,
            overlaps: vec![1.0, 0.0, 0.0, 1.0],
        };
        let o6 = [0.5, 0.1, 0.2, 0.3, 0.3, 0.0];
        let (l, g) = chi_wf(&o6, 1, &geo2);
        assert!((l - 0.5 * (0.8f64.powi(2) + 0.4f64.powi(2))).abs() < 1e-15);
        check_grad(&|x| chi_wf(x, 1, &geo2).0, &g, &o6);
        let p = LossKind::ChiWf.predict(&o6, 2);
        assert_eq!(p.class, 0);
        assert_eq!(
            LossKind::ChiWf
                .predict(&[0.1, 0.2, 0.0, 0.4, 0.0, 0.0], 2)
                .class,
            1
        );
        // Without a geometry the targets are one-hot.
        assert_eq!(LossKind::ChiWf.eval(&[1.0, 0.0], 0, &mut Vec::new()), 0.0);
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
            LossKind::ChiF,
            LossKind::ChiWf,
        ]
        .iter()
        .map(|k| serde_json::to_string(k).unwrap())
        .collect();
        assert_eq!(
            names,
            [
                "\"mse\"",
                "\"bce\"",
                "\"cross_entropy\"",
                "\"fidelity\"",
                "\"chi_f\"",
                "\"chi_wf\""
            ]
        );
        for k in LossKind::ALL {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.name())
            );
        }
    }
}
