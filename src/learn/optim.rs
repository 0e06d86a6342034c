//! Optimizers: the serde-described [`OptimizerSpec`] the document stores and the stateful
//! [`Optimizer`] built from it — three minibatch gradient methods and full-batch L-BFGS.
//!
//! Imports only `std` and `serde`. Updates follow PennyLane's optimizers: momentum keeps
//! `a ← β·a + η·g, x ← x − a`; Adam is Kingma–Ba with the bias correction folded into the step
//! size, `x ← x − η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)`, exactly as PennyLane's `AdamOptimizer`.
//!
//! L-BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithms 7.4 and 7.5) is
//! written here, not taken from a crate: the two-loop recursion over the last `memory`
//! curvature pairs with the initial matrix `H₀ = (sᵀy / yᵀy)·I`, a line search satisfying the
//! strong Wolfe conditions (`c₁ = 10⁻⁴`, `c₂ = 0.9`; bracketing then zoom with safeguarded
//! cubic interpolation, Algorithms 3.5 and 3.6), and a pair skipped when `sᵀy` is not positive
//! (up to rounding). The first step (and one after a restart) is the steepest descent scaled to
//! unit length, as scipy's L-BFGS-B starts. When the line search finds no better point the
//! memory is dropped and steepest descent tried once more before it stops. Its stopping rules
//! are scipy's `L-BFGS-B` defaults: the relative decrease `(f_k − f_{k+1}) / max(|f_k|,
//! |f_{k+1}|, 1) ≤ ftol`, or every gradient component at most `gtol`. It needs the loss at
//! trial points, so it is driven by [`Optimizer::iterate`] with a function that evaluates the
//! whole training set, not by [`Optimizer::step`].

use std::fmt;

use serde::{Deserialize, Serialize};

fn default_beta() -> f64 {
    0.9
}

fn default_beta2() -> f64 {
    0.999
}

fn default_eps() -> f64 {
    1e-8
}

fn default_memory() -> usize {
    10
}

/// scipy's `L-BFGS-B` default `ftol` (its `factr = 10⁷` times the machine epsilon).
fn default_ftol() -> f64 {
    2.220446049250313e-9
}

fn default_gtol() -> f64 {
    1e-5
}

fn default_max_line_search() -> usize {
    20
}

/// The most curvature pairs L-BFGS may keep.
pub const MAX_LBFGS_MEMORY: usize = 100;

/// The sufficient-decrease constant of the strong Wolfe conditions.
const WOLFE_C1: f64 = 1e-4;
/// The curvature constant of the strong Wolfe conditions.
const WOLFE_C2: f64 = 0.9;

/// Which optimizer to use and its hyper-parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum OptimizerSpec {
    /// Plain gradient descent, `x ← x − lr·g`.
    Sgd {
        /// Learning rate, finite and > 0.
        lr: f64,
    },
    /// Gradient descent with momentum.
    Momentum {
        /// Learning rate, finite and > 0.
        lr: f64,
        /// Momentum factor in `[0, 1)`; default 0.9.
        #[serde(default = "default_beta")]
        beta: f64,
    },
    /// Adam with bias correction.
    Adam {
        /// Learning rate, finite and > 0.
        lr: f64,
        /// First-moment decay in `[0, 1)`; default 0.9.
        #[serde(default = "default_beta")]
        beta1: f64,
        /// Second-moment decay in `[0, 1)`; default 0.999.
        #[serde(default = "default_beta2")]
        beta2: f64,
        /// Added to `√v` to avoid division by zero, finite and > 0; default 1e-8.
        #[serde(default = "default_eps")]
        eps: f64,
    },
    /// L-BFGS on the whole training set: one iteration per epoch, as many loss evaluations as
    /// its line search needs (see the module doc).
    Lbfgs {
        /// Curvature pairs kept, 1 to [`MAX_LBFGS_MEMORY`]; default 10.
        #[serde(default = "default_memory")]
        memory: usize,
        /// Stop when an iteration lowers the loss by at most this fraction of
        /// `max(|f|, 1)`, ≥ 0; default 2.22e-9 (scipy's).
        #[serde(default = "default_ftol")]
        ftol: f64,
        /// Stop when every gradient component is at most this large, ≥ 0; default 1e-5.
        #[serde(default = "default_gtol")]
        gtol: f64,
        /// Loss evaluations one line search may use, 1 to 100; default 20.
        #[serde(default = "default_max_line_search")]
        max_line_search: usize,
        /// Stop after this many loss evaluations in all (none: no limit).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_evals: Option<u64>,
    },
}

/// Why an optimizer spec is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptimError {
    /// The field, e.g. `lr` or `beta2`.
    pub field: &'static str,
    /// The offending value, as text.
    pub value: String,
    /// What would be accepted instead.
    pub allowed: &'static str,
}

impl fmt::Display for OptimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "optimizer {} = {} is invalid: {}",
            self.field, self.value, self.allowed
        )
    }
}

impl std::error::Error for OptimError {}

impl OptimizerSpec {
    /// Every optimizer kind as `(name in documents, label)`, in menu order.
    pub const KINDS: [(&'static str, &'static str); 4] = [
        ("sgd", "SGD"),
        ("momentum", "Momentum"),
        ("adam", "Adam"),
        ("lbfgs", "L-BFGS (full batch)"),
    ];

    /// L-BFGS with the default settings (memory 10, scipy's tolerances, no evaluation limit).
    pub fn lbfgs() -> OptimizerSpec {
        OptimizerSpec::Lbfgs {
            memory: default_memory(),
            ftol: default_ftol(),
            gtol: default_gtol(),
            max_line_search: default_max_line_search(),
            max_evals: None,
        }
    }

    /// Whether it works on the whole training set ([`Optimizer::iterate`]) rather than on
    /// minibatches ([`Optimizer::step`]).
    pub fn full_batch(&self) -> bool {
        matches!(self, OptimizerSpec::Lbfgs { .. })
    }

    /// Adam with the given learning rate and the default betas and eps.
    pub fn adam(lr: f64) -> OptimizerSpec {
        OptimizerSpec::Adam {
            lr,
            beta1: default_beta(),
            beta2: default_beta2(),
            eps: default_eps(),
        }
    }

    /// Checks every hyper-parameter; the error names the field, the value and the allowed range.
    ///
    /// Huge learning rates are legal (training then diverges, which the trainer reports).
    ///
    /// ```
    /// use qmlp::learn::optim::OptimizerSpec;
    /// let e = OptimizerSpec::Sgd { lr: 0.0 }.validate().unwrap_err();
    /// assert_eq!(e.to_string(), "optimizer lr = 0 is invalid: must be a finite number > 0");
    /// ```
    pub fn validate(&self) -> Result<(), OptimError> {
        if let Some(lr) = self.lr() {
            if !(lr.is_finite() && lr > 0.0) {
                return Err(err("lr", lr, "must be a finite number > 0"));
            }
        }
        let beta_rule = "must be a number in [0, 1), 1 excluded";
        match *self {
            OptimizerSpec::Sgd { .. } => {}
            OptimizerSpec::Lbfgs {
                memory,
                ftol,
                gtol,
                max_line_search,
                max_evals,
            } => {
                if !(1..=MAX_LBFGS_MEMORY).contains(&memory) {
                    return Err(err(
                        "memory",
                        memory as f64,
                        "must be a whole number from 1 to 100",
                    ));
                }
                for (field, v) in [("ftol", ftol), ("gtol", gtol)] {
                    if !(v.is_finite() && v >= 0.0) {
                        return Err(err(field, v, "must be a finite number ≥ 0"));
                    }
                }
                if !(1..=100).contains(&max_line_search) {
                    return Err(err(
                        "max_line_search",
                        max_line_search as f64,
                        "must be a whole number from 1 to 100",
                    ));
                }
                if max_evals == Some(0) {
                    return Err(err(
                        "max_evals",
                        0.0,
                        "must be at least 1 (or absent for no limit)",
                    ));
                }
            }
            OptimizerSpec::Momentum { beta, .. } => check_beta("beta", beta, beta_rule)?,
            OptimizerSpec::Adam {
                beta1, beta2, eps, ..
            } => {
                check_beta("beta1", beta1, beta_rule)?;
                check_beta("beta2", beta2, beta_rule)?;
                if !(eps.is_finite() && eps > 0.0) {
                    return Err(err("eps", eps, "must be a finite number > 0"));
                }
            }
        }
        Ok(())
    }

    /// The learning rate (L-BFGS has none: its line search chooses every step).
    pub fn lr(&self) -> Option<f64> {
        match *self {
            OptimizerSpec::Sgd { lr }
            | OptimizerSpec::Momentum { lr, .. }
            | OptimizerSpec::Adam { lr, .. } => Some(lr),
            OptimizerSpec::Lbfgs { .. } => None,
        }
    }

    /// A fresh optimizer for `n_params` parameters (call [`validate`](Self::validate) first).
    pub fn build(&self, n_params: usize) -> Optimizer {
        let (first, second) = match self {
            OptimizerSpec::Sgd { .. } | OptimizerSpec::Lbfgs { .. } => (Vec::new(), Vec::new()),
            OptimizerSpec::Momentum { .. } => (vec![0.0; n_params], Vec::new()),
            OptimizerSpec::Adam { .. } => (vec![0.0; n_params], vec![0.0; n_params]),
        };
        Optimizer {
            spec: self.clone(),
            n_params,
            first,
            second,
            t: 0,
            lbfgs: LbfgsState::default(),
        }
    }
}

fn err(field: &'static str, value: f64, allowed: &'static str) -> OptimError {
    OptimError {
        field,
        value: value.to_string(),
        allowed,
    }
}

fn check_beta(field: &'static str, beta: f64, rule: &'static str) -> Result<(), OptimError> {
    if (0.0..1.0).contains(&beta) {
        Ok(())
    } else {
        Err(err(field, beta, rule))
    }
}

/// What an optimizer carries from step to step, as a document stores it (so a link continues a
/// run with the same moments): the step count and the per-parameter vectors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizerState {
    /// Steps taken.
    pub t: u64,
    /// Momentum's velocity, or Adam's first moment (empty for SGD).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub first: Vec<f64>,
    /// Adam's second moment (empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub second: Vec<f64>,
    /// L-BFGS's memory (absent for the other optimizers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lbfgs: Option<LbfgsState>,
}

/// Why L-BFGS stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LbfgsStop {
    /// Every gradient component is at most `gtol`.
    Gradient,
    /// The last iteration lowered the loss by at most `ftol` (relatively).
    Decrease,
    /// The line search found no lower loss along the search direction, nor along steepest
    /// descent: the loss is as low as the arithmetic can tell.
    LineSearch,
    /// `max_evals` loss evaluations have been spent.
    Budget,
}

impl LbfgsStop {
    /// What happened, in the page's words.
    pub fn describe(self) -> &'static str {
        match self {
            LbfgsStop::Gradient => {
                "L-BFGS converged: every component of the gradient is below gtol"
            }
            LbfgsStop::Decrease => {
                "L-BFGS converged: the last iteration lowered the loss by less than ftol"
            }
            LbfgsStop::LineSearch => {
                "L-BFGS stopped: its line search found no lower loss (the loss is as low as the \
                 arithmetic can tell along any direction it tried)"
            }
            LbfgsStop::Budget => "L-BFGS stopped: it used all max_evals loss evaluations",
        }
    }
}

/// L-BFGS's memory, as a document stores it: the curvature pairs, the point it last evaluated
/// with the loss and gradient there, its evaluation count and why it stopped.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LbfgsState {
    /// The steps `s = x_{k+1} − x_k` of the kept pairs, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s: Vec<Vec<f64>>,
    /// The gradient changes `y = g_{k+1} − g_k`, one per step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub y: Vec<Vec<f64>>,
    /// The point the loss `f` and gradient `g` below belong to (empty: none yet).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub x: Vec<f64>,
    /// The loss at `x`.
    #[serde(default)]
    pub f: f64,
    /// The gradient at `x`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub g: Vec<f64>,
    /// Loss evaluations so far.
    #[serde(default)]
    pub evals: u64,
    /// Why it stopped, if it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<LbfgsStop>,
}

impl LbfgsState {
    /// Checks that the vectors line up and hold finite numbers.
    pub fn validate(&self) -> Result<(), String> {
        if self.s.len() != self.y.len() {
            return Err(format!(
                "lbfgs holds {} steps s but {} gradient changes y; they come in pairs",
                self.s.len(),
                self.y.len()
            ));
        }
        let n = self.x.len();
        if self.g.len() != n {
            return Err(format!(
                "lbfgs.g has {} entries but lbfgs.x has {n}; the gradient belongs to the point",
                self.g.len()
            ));
        }
        if let Some(r) = self.s.iter().chain(&self.y).find(|r| n > 0 && r.len() != n) {
            return Err(format!(
                "an lbfgs pair has {} entries, the point {n}; every vector has one entry per \
                 trainable number",
                r.len()
            ));
        }
        let all = self
            .s
            .iter()
            .chain(&self.y)
            .flatten()
            .chain(&self.x)
            .chain(&self.g);
        if let Some(v) = all.chain(std::iter::once(&self.f)).find(|v| !v.is_finite()) {
            return Err(format!("lbfgs holds {v}; its entries are finite numbers"));
        }
        Ok(())
    }

    /// Forgets the pairs and the evaluated point (a new problem; the count stays).
    fn clear(&mut self) {
        self.s.clear();
        self.y.clear();
        self.forget_point();
    }

    fn forget_point(&mut self) {
        self.x.clear();
        self.g.clear();
        self.f = 0.0;
        self.stop = None;
    }
}

/// What one L-BFGS iteration did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Iteration {
    /// The loss at the point it ended at.
    pub f: f64,
    /// The loss evaluations it used.
    pub evals: u64,
    /// Whether L-BFGS has stopped, and why.
    pub stop: Option<LbfgsStop>,
}

/// A point of a line search: its step length, loss, directional derivative, position and
/// gradient.
#[derive(Clone, Debug)]
struct Trial {
    alpha: f64,
    f: f64,
    dg: f64,
    x: Vec<f64>,
    g: Vec<f64>,
}

/// The minimiser of the cubic through `(a, fa, da)` and `(b, fb, db)` (N&W eq. 3.59), kept
/// inside the middle 80 % of the interval; the midpoint when the cubic is unusable.
fn cubic_step(a: &Trial, b: &Trial) -> f64 {
    let (lo, hi) = (a.alpha.min(b.alpha), a.alpha.max(b.alpha));
    let mid = 0.5 * (lo + hi);
    let finite = [a.f, a.dg, b.f, b.dg].iter().all(|v| v.is_finite());
    if !finite || a.alpha == b.alpha {
        return mid;
    }
    let d1 = a.dg + b.dg - 3.0 * (a.f - b.f) / (a.alpha - b.alpha);
    let disc = d1 * d1 - a.dg * b.dg;
    if disc.is_nan() || disc < 0.0 {
        return mid;
    }
    let d2 = (b.alpha - a.alpha).signum() * disc.sqrt();
    let denom = b.dg - a.dg + 2.0 * d2;
    if denom == 0.0 || !denom.is_finite() {
        return mid;
    }
    let t = b.alpha - (b.alpha - a.alpha) * (b.dg + d2 - d1) / denom;
    let margin = 0.1 * (hi - lo);
    if !t.is_finite() {
        mid
    } else {
        t.clamp(lo + margin, hi - margin)
    }
}

/// A line search from `x` (loss `f0`, directional derivative `dg0 < 0`) along `d` for a step
/// satisfying the strong Wolfe conditions, starting at `alpha0`, with at most `budget` loss
/// evaluations (each adds 1 to `*used`). Returns the accepted point; when the budget runs out,
/// the lowest point found that satisfies sufficient decrease; `None` when there is none. A
/// non-finite loss counts as "too far".
#[allow(clippy::too_many_arguments)]
fn line_search(
    x: &[f64],
    f0: f64,
    dg0: f64,
    d: &[f64],
    alpha0: f64,
    budget: u64,
    used: &mut u64,
    eval: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
) -> Option<Trial> {
    let n = x.len();
    let mut probe = |alpha: f64, used: &mut u64| -> Trial {
        let xt: Vec<f64> = x.iter().zip(d).map(|(a, b)| a + alpha * b).collect();
        let mut g = vec![0.0; n];
        let mut f = eval(&xt, &mut g);
        *used += 1;
        if g.iter().any(|v| !v.is_finite()) {
            f = f64::NAN;
        }
        let dg = g.iter().zip(d).map(|(a, b)| a * b).sum();
        Trial {
            alpha,
            f,
            dg,
            x: xt,
            g,
        }
    };
    let armijo = |t: &Trial| t.f.is_finite() && t.f <= f0 + WOLFE_C1 * t.alpha * dg0;
    let curvature = |t: &Trial| t.dg.abs() <= -WOLFE_C2 * dg0;
    let start = *used;
    let spent = |used: &u64| *used - start >= budget;
    let origin = Trial {
        alpha: 0.0,
        f: f0,
        dg: dg0,
        x: x.to_vec(),
        g: Vec::new(),
    };
    let mut prev = origin;
    let mut alpha = alpha0;
    // Bracketing (Algorithm 3.5).
    let (mut lo, mut hi) = loop {
        if spent(used) {
            return (prev.alpha > 0.0).then_some(prev);
        }
        let t = probe(alpha, used);
        if !armijo(&t) || (prev.alpha > 0.0 && t.f >= prev.f) {
            break (prev, t);
        }
        if curvature(&t) {
            return Some(t);
        }
        if t.dg >= 0.0 {
            break (t, prev);
        }
        alpha = 2.0 * t.alpha;
        prev = t;
    };
    // Zoom (Algorithm 3.6): `lo` satisfies sufficient decrease and is the lowest so far.
    loop {
        if spent(used) || (hi.alpha - lo.alpha).abs() <= 1e-16 * lo.alpha.abs().max(1e-300) {
            return (lo.alpha > 0.0).then_some(lo);
        }
        let t = probe(cubic_step(&lo, &hi), used);
        if !armijo(&t) || t.f >= lo.f {
            hi = t;
        } else {
            if curvature(&t) {
                return Some(t);
            }
            if t.dg * (hi.alpha - lo.alpha) >= 0.0 {
                hi = std::mem::replace(&mut lo, t);
            } else {
                lo = t;
            }
        }
    }
}

impl OptimizerState {
    /// Checks that every entry is finite (and Adam's second moment not negative).
    pub fn validate(&self) -> Result<(), String> {
        if let Some(l) = &self.lbfgs {
            l.validate()?;
        }
        if let Some(v) = self.first.iter().find(|v| !v.is_finite()) {
            return Err(format!("first holds {v}; the moments are finite numbers"));
        }
        if let Some(v) = self.second.iter().find(|v| !v.is_finite() || **v < 0.0) {
            return Err(format!(
                "second holds {v}; Adam's second moment is a finite number ≥ 0"
            ));
        }
        Ok(())
    }
}

/// Keeps the curvature pair `(s, y)` (dropping the oldest beyond `memory`) unless `sᵀy` is not
/// positive up to rounding (`sᵀy ≤ ε·yᵀy`), which would break the update's positive
/// definiteness; returns whether it was kept.
fn push_pair(st: &mut LbfgsState, s: Vec<f64>, y: Vec<f64>, memory: usize) -> bool {
    let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
    let yy: f64 = y.iter().map(|v| v * v).sum();
    if !(sy > f64::EPSILON * yy && sy.is_finite()) {
        return false;
    }
    st.s.push(s);
    st.y.push(y);
    if st.s.len() > memory {
        st.s.remove(0);
        st.y.remove(0);
    }
    true
}

/// The L-BFGS direction `−H·g` by the two-loop recursion (N&W Algorithm 7.4) over the pairs
/// `(s, y)`, oldest first, with `H₀ = (sᵀy / yᵀy)·I` from the newest pair (`−g` without pairs).
fn direction(s: &[Vec<f64>], y: &[Vec<f64>], g: &[f64]) -> Vec<f64> {
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut q = g.to_vec();
    let m = s.len().min(y.len());
    let mut alpha = vec![0.0; m];
    let rho: Vec<f64> = (0..m).map(|i| 1.0 / dot(&y[i], &s[i])).collect();
    for i in (0..m).rev() {
        alpha[i] = rho[i] * dot(&s[i], &q);
        q.iter_mut()
            .zip(&y[i])
            .for_each(|(a, b)| *a -= alpha[i] * b);
    }
    if m > 0 {
        let gamma = dot(&s[m - 1], &y[m - 1]) / dot(&y[m - 1], &y[m - 1]);
        q.iter_mut().for_each(|v| *v *= gamma);
    }
    for i in 0..m {
        let beta = rho[i] * dot(&y[i], &q);
        q.iter_mut()
            .zip(&s[i])
            .for_each(|(a, b)| *a += (alpha[i] - beta) * b);
    }
    q.iter_mut().for_each(|v| *v = -*v);
    q
}

/// An optimizer with its state: momentum velocity, or Adam's moments and step count.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer {
    spec: OptimizerSpec,
    n_params: usize,
    /// Momentum's velocity, or Adam's first moment.
    first: Vec<f64>,
    /// Adam's second moment.
    second: Vec<f64>,
    /// Steps taken since the last reset.
    t: u64,
    /// L-BFGS's memory.
    lbfgs: LbfgsState,
}

impl Optimizer {
    /// Updates `params` in place from `grad`.
    ///
    /// Entries beyond the shorter of the two slices are left alone; if the parameter count
    /// differs from the one the optimizer was built for, its state is resized (new entries
    /// start from zero).
    ///
    /// ```
    /// use qmlp::learn::optim::OptimizerSpec;
    /// let mut opt = OptimizerSpec::Sgd { lr: 0.5 }.build(2);
    /// let mut p = [1.0, 2.0];
    /// opt.step(&mut p, &[2.0, -2.0]);
    /// assert_eq!(p, [0.0, 3.0]);
    /// ```
    ///
    /// L-BFGS needs loss values at trial points and so does nothing here: drive it with
    /// [`Optimizer::iterate`] (see [`OptimizerSpec::full_batch`]).
    pub fn step(&mut self, params: &mut [f64], grad: &[f64]) {
        if params.len() != self.n_params {
            self.n_params = params.len();
            match self.spec {
                OptimizerSpec::Sgd { .. } | OptimizerSpec::Lbfgs { .. } => {}
                OptimizerSpec::Momentum { .. } => self.first.resize(self.n_params, 0.0),
                OptimizerSpec::Adam { .. } => {
                    self.first.resize(self.n_params, 0.0);
                    self.second.resize(self.n_params, 0.0);
                }
            }
        }
        if self.spec.full_batch() {
            return;
        }
        self.t += 1;
        match self.spec {
            OptimizerSpec::Lbfgs { .. } => {}
            OptimizerSpec::Sgd { lr } => {
                for (p, g) in params.iter_mut().zip(grad) {
                    *p -= lr * g;
                }
            }
            OptimizerSpec::Momentum { lr, beta } => {
                for ((p, g), a) in params.iter_mut().zip(grad).zip(self.first.iter_mut()) {
                    *a = beta * *a + lr * g;
                    *p -= *a;
                }
            }
            OptimizerSpec::Adam {
                lr,
                beta1,
                beta2,
                eps,
            } => {
                let t = i32::try_from(self.t).unwrap_or(i32::MAX);
                let step_size = lr * (1.0 - beta2.powi(t)).sqrt() / (1.0 - beta1.powi(t));
                let moments = self.first.iter_mut().zip(self.second.iter_mut());
                for ((p, g), (m, v)) in params.iter_mut().zip(grad).zip(moments) {
                    *m = beta1 * *m + (1.0 - beta1) * g;
                    *v = beta2 * *v + (1.0 - beta2) * g * g;
                    *p -= step_size * *m / (v.sqrt() + eps);
                }
            }
        }
    }

    /// The state to store in a document.
    pub fn state(&self) -> OptimizerState {
        OptimizerState {
            t: self.t,
            first: self.first.clone(),
            second: self.second.clone(),
            lbfgs: self.spec.full_batch().then(|| self.lbfgs.clone()),
        }
    }

    /// Takes a stored state; its vectors must match this optimizer's kind and parameter count
    /// (the error says which does not).
    pub fn restore(&mut self, s: &OptimizerState) -> Result<(), String> {
        if s.lbfgs.is_some() && !self.spec.full_batch() {
            return Err(
                "holds L-BFGS memory, but the optimizer is not L-BFGS; remove state.optimizer.lbfgs"
                    .to_string(),
            );
        }
        if s.first.len() != self.first.len() || s.second.len() != self.second.len() {
            return Err(format!(
                "holds moments for {} / {} numbers, but this optimizer keeps {} / {} for {} \
                 trainable numbers",
                s.first.len(),
                s.second.len(),
                self.first.len(),
                self.second.len(),
                self.n_params
            ));
        }
        s.validate()?;
        match (&s.lbfgs, self.spec.full_batch()) {
            (Some(_), false) => {
                return Err(
                    "holds L-BFGS memory, but the optimizer is not L-BFGS; remove state.optimizer.lbfgs"
                        .to_string(),
                )
            }
            (Some(l), true) => {
                let n = self.n_params;
                let memory = match self.spec {
                    OptimizerSpec::Lbfgs { memory, .. } => memory,
                    _ => 0,
                };
                if (!l.x.is_empty() && l.x.len() != n) || l.s.iter().any(|r| r.len() != n) {
                    return Err(format!(
                        "holds L-BFGS vectors of {} numbers, but the model has {n} trainable \
                         numbers",
                        l.x.len().max(l.s.first().map_or(0, Vec::len))
                    ));
                }
                if l.s.len() > memory {
                    return Err(format!(
                        "holds {} L-BFGS pairs, more than its memory of {memory}",
                        l.s.len()
                    ));
                }
                self.lbfgs = l.clone();
            }
            (None, _) => self.lbfgs = LbfgsState::default(),
        }
        self.t = s.t;
        self.first.clone_from(&s.first);
        self.second.clone_from(&s.second);
        Ok(())
    }

    /// Re-indexes the state for a new parameter vector: entry `i` of the new vector takes old
    /// entry `map[i]`, or starts at zero for `None` (a new trainable number).
    pub fn remap(&mut self, map: &[Option<usize>]) {
        let pick = |v: &Vec<f64>| -> Vec<f64> {
            if v.is_empty() {
                return Vec::new();
            }
            map.iter()
                .map(|m| m.and_then(|i| v.get(i).copied()).unwrap_or(0.0))
                .collect()
        };
        self.first = pick(&self.first);
        self.second = pick(&self.second);
        self.n_params = map.len();
        // Curvature pairs describe the old problem: L-BFGS starts over (its count goes on).
        self.lbfgs.clear();
    }

    /// Forgets all state, as if freshly built.
    pub fn reset(&mut self) {
        self.first.iter_mut().for_each(|v| *v = 0.0);
        self.second.iter_mut().for_each(|v| *v = 0.0);
        self.t = 0;
        self.lbfgs = LbfgsState::default();
    }

    /// Tells L-BFGS the loss may have changed at the same point (new data, a new L2 weight):
    /// its next iteration evaluates afresh, and a stop is lifted. Its pairs are kept.
    pub fn forget_point(&mut self) {
        self.lbfgs.forget_point();
    }

    /// Why L-BFGS stopped, if it has (always `None` for the other optimizers).
    pub fn stopped(&self) -> Option<LbfgsStop> {
        self.lbfgs.stop
    }

    /// The loss evaluations L-BFGS has made (0 for the other optimizers).
    pub fn evals(&self) -> u64 {
        self.lbfgs.evals
    }

    /// L-BFGS's gradient at its current point (empty before its first evaluation).
    pub fn gradient(&self) -> &[f64] {
        &self.lbfgs.g
    }

    /// One L-BFGS iteration from `x` (updated in place), where `eval(p, g)` returns the loss
    /// at `p` and writes its gradient into `g` (zeroed by the caller's convention: `g` comes
    /// filled with zeros). Evaluates `x` first unless the last iteration ended there; stops
    /// (see [`LbfgsStop`]) instead of moving when a stopping rule holds. Errors for the other
    /// optimizers, and when the loss or gradient at `x` is not finite.
    pub fn iterate(
        &mut self,
        x: &mut [f64],
        eval: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
    ) -> Result<Iteration, String> {
        let OptimizerSpec::Lbfgs {
            memory,
            ftol,
            gtol,
            max_line_search,
            max_evals,
        } = self.spec
        else {
            return Err("only L-BFGS iterates on the whole training set".to_string());
        };
        let n = x.len();
        self.n_params = n;
        let st = &mut self.lbfgs;
        if let Some(stop) = st.stop {
            return Ok(Iteration {
                f: st.f,
                evals: 0,
                stop: Some(stop),
            });
        }
        if st.s.iter().any(|r| r.len() != n) {
            st.s.clear();
            st.y.clear();
        }
        let mut used = 0u64;
        let same_point = st.x.len() == n
            && st.g.len() == n
            && st
                .x
                .iter()
                .zip(x.iter())
                .all(|(a, b)| a.to_bits() == b.to_bits());
        if !same_point {
            let mut g = vec![0.0; n];
            let f = eval(x, &mut g);
            used += 1;
            st.evals += 1;
            if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
                return Err(format!(
                    "the loss ({f}) or its gradient is not a finite number at the current weights"
                ));
            }
            st.x = x.to_vec();
            st.f = f;
            st.g = g;
        }
        let out = |st: &mut LbfgsState, used: u64, stop: Option<LbfgsStop>| {
            st.stop = stop;
            Ok(Iteration {
                f: st.f,
                evals: used,
                stop,
            })
        };
        let max_abs = |g: &[f64]| g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if max_abs(&st.g) <= gtol {
            return out(st, used, Some(LbfgsStop::Gradient));
        }
        let left = |st: &LbfgsState| max_evals.map_or(u64::MAX, |m| m.saturating_sub(st.evals));
        if left(st) == 0 {
            return out(st, used, Some(LbfgsStop::Budget));
        }
        let f0 = st.f;
        let mut restarted = false;
        let found = loop {
            let d = direction(&st.s, &st.y, &st.g);
            let mut dg: f64 = d.iter().zip(&st.g).map(|(a, b)| a * b).sum();
            let (d, steepest) = if dg < 0.0 && dg.is_finite() && !st.s.is_empty() {
                (d, false)
            } else {
                // No memory (or a direction that does not descend): steepest descent.
                st.s.clear();
                st.y.clear();
                let d: Vec<f64> = st.g.iter().map(|v| -v).collect();
                dg = -st.g.iter().map(|v| v * v).sum::<f64>();
                (d, true)
            };
            let alpha0 = if steepest {
                (1.0 / (-dg).sqrt()).min(1e10)
            } else {
                1.0
            };
            let budget = (max_line_search as u64).min(left(st));
            let mut ls_used = 0;
            let t = line_search(&st.x, f0, dg, &d, alpha0, budget, &mut ls_used, eval);
            used += ls_used;
            st.evals += ls_used;
            match t {
                Some(t) => break Some(t),
                None if !steepest && !restarted && left(st) > 0 => {
                    // Drop the memory and try steepest descent once.
                    st.s.clear();
                    st.y.clear();
                    restarted = true;
                }
                None => break None,
            }
        };
        let Some(t) = found else {
            let stop = if left(st) == 0 {
                LbfgsStop::Budget
            } else {
                LbfgsStop::LineSearch
            };
            return out(st, used, Some(stop));
        };
        let s: Vec<f64> = t.x.iter().zip(&st.x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = t.g.iter().zip(&st.g).map(|(a, b)| a - b).collect();
        push_pair(st, s, y, memory);
        x.copy_from_slice(&t.x);
        let decrease = (f0 - t.f) / f0.abs().max(t.f.abs()).max(1.0);
        st.x = t.x;
        st.f = t.f;
        st.g = t.g;
        let stop = if max_abs(&st.g) <= gtol {
            Some(LbfgsStop::Gradient)
        } else if decrease <= ftol {
            Some(LbfgsStop::Decrease)
        } else if left(st) == 0 {
            Some(LbfgsStop::Budget)
        } else {
            None
        };
        self.t += 1;
        out(&mut self.lbfgs, used, stop)
    }

    /// The spec this optimizer was built from.
    pub fn spec(&self) -> &OptimizerSpec {
        &self.spec
    }

    /// The number of steps taken since it was built or reset.
    pub fn steps(&self) -> u64 {
        self.t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_step_is_exact() {
        let mut opt = OptimizerSpec::Sgd { lr: 0.1 }.build(3);
        let mut p = [1.0, -2.0, 0.5];
        opt.step(&mut p, &[1.0, 2.0, -4.0]);
        assert_eq!(p, [1.0 - 0.1, -2.0 - 0.2, 0.5 + 0.4]);
        assert_eq!(opt.steps(), 1);
    }

    #[test]
    fn momentum_two_steps_by_hand() {
        let mut opt = OptimizerSpec::Momentum { lr: 0.1, beta: 0.5 }.build(1);
        let mut p = [1.0];
        opt.step(&mut p, &[2.0]); // a = 0.2, p = 0.8
        assert!((p[0] - 0.8).abs() < 1e-15);
        opt.step(&mut p, &[-1.0]); // a = 0.5·0.2 − 0.1 = 0.0, p = 0.8
        assert!((p[0] - 0.8).abs() < 1e-15);
        opt.step(&mut p, &[1.0]); // a = 0.1, p = 0.7
        assert!((p[0] - 0.7).abs() < 1e-15);
        opt.reset();
        opt.step(&mut p, &[1.0]); // a = 0.1 again
        assert!((p[0] - 0.6).abs() < 1e-15);
    }

    #[test]
    fn adam_first_step_matches_pennylane() {
        // t = 1: m = 0.1·g, v = 0.001·g², step = lr·√0.001/0.1 ⇒ Δ = lr·g/(|g| + eps/√0.001).
        let mut opt = OptimizerSpec::adam(0.01).build(2);
        let mut p = [0.0, 0.0];
        opt.step(&mut p, &[3.0, -0.5]);
        let lr = 0.01;
        let s = lr * (1.0f64 - 0.999).sqrt() / (1.0 - 0.9);
        let expect0 = -s * 0.3 / ((0.001f64 * 9.0).sqrt() + 1e-8);
        let expect1 = s * 0.05 / ((0.001f64 * 0.25).sqrt() + 1e-8);
        assert!((p[0] - expect0).abs() < 1e-15 && (p[1] - expect1).abs() < 1e-15);
        assert!(
            (p[0] + 0.01).abs() < 1e-8,
            "first Adam step is ≈ lr·sign(g)"
        );
    }

    #[test]
    fn adam_converges_on_a_quadratic() {
        // f(x) = Σ c_i (x_i − t_i)², ill-conditioned.
        let c = [1.0, 10.0, 100.0];
        let target = [1.0, -2.0, 0.5];
        let mut opt = OptimizerSpec::adam(0.05).build(3);
        let mut x = [0.0; 3];
        for _ in 0..2000 {
            let g: Vec<f64> = (0..3).map(|i| 2.0 * c[i] * (x[i] - target[i])).collect();
            opt.step(&mut x, &g);
        }
        for i in 0..3 {
            assert!((x[i] - target[i]).abs() < 1e-3, "{x:?}");
        }
    }

    #[test]
    fn validation_names_the_field() {
        let cases = [
            (OptimizerSpec::Sgd { lr: -1.0 }, "lr"),
            (OptimizerSpec::Sgd { lr: f64::INFINITY }, "lr"),
            (OptimizerSpec::Sgd { lr: f64::NAN }, "lr"),
            (OptimizerSpec::Momentum { lr: 0.1, beta: 1.0 }, "beta"),
            (
                OptimizerSpec::Momentum {
                    lr: 0.1,
                    beta: -0.1,
                },
                "beta",
            ),
            (
                OptimizerSpec::Adam {
                    lr: 0.1,
                    beta1: 0.9,
                    beta2: 1.0,
                    eps: 1e-8,
                },
                "beta2",
            ),
            (
                OptimizerSpec::Adam {
                    lr: 0.1,
                    beta1: f64::NAN,
                    beta2: 0.9,
                    eps: 1e-8,
                },
                "beta1",
            ),
            (
                OptimizerSpec::Adam {
                    lr: 0.1,
                    beta1: 0.9,
                    beta2: 0.99,
                    eps: 0.0,
                },
                "eps",
            ),
        ];
        for (spec, field) in cases {
            let e = spec.validate().unwrap_err();
            assert_eq!(e.field, field);
            assert!(e.to_string().contains(field));
        }
        assert!(OptimizerSpec::Sgd { lr: 1e9 }.validate().is_ok());
        assert!(OptimizerSpec::adam(0.1).validate().is_ok());
    }

    #[test]
    fn serde_shape_defaults_and_unknown_fields() {
        let s: OptimizerSpec = serde_json::from_str(r#"{"kind":"adam","lr":0.05}"#).unwrap();
        assert_eq!(s, OptimizerSpec::adam(0.05));
        let m: OptimizerSpec = serde_json::from_str(r#"{"kind":"momentum","lr":0.1}"#).unwrap();
        assert_eq!(m, OptimizerSpec::Momentum { lr: 0.1, beta: 0.9 });
        let json = serde_json::to_string(&OptimizerSpec::Sgd { lr: 0.5 }).unwrap();
        assert_eq!(json, r#"{"kind":"sgd","lr":0.5}"#);
        assert!(serde_json::from_str::<OptimizerSpec>(r#"{"kind":"sgd","lr":0.5,"x":1}"#).is_err());
        assert!(serde_json::from_str::<OptimizerSpec>(r#"{"kind":"rmsprop","lr":0.5}"#).is_err());
    }

    #[test]
    fn mismatched_lengths_do_not_panic() {
        for spec in [
            OptimizerSpec::Sgd { lr: 0.1 },
            OptimizerSpec::Momentum { lr: 0.1, beta: 0.9 },
            OptimizerSpec::adam(0.1),
        ] {
            let mut opt = spec.build(2);
            let mut p = [1.0, 1.0, 1.0];
            opt.step(&mut p, &[1.0]);
            opt.step(&mut p, &[1.0, 1.0, 1.0, 1.0]);
            assert!(p.iter().all(|v| v.is_finite()));
        }
    }

    /// Rosenbrock's function in `n` dimensions (the chained form), with its gradient.
    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let mut f = 0.0;
        g.iter_mut().for_each(|v| *v = 0.0);
        for i in 0..x.len() - 1 {
            let a = x[i + 1] - x[i] * x[i];
            let b = 1.0 - x[i];
            f += 100.0 * a * a + b * b;
            g[i] += -400.0 * x[i] * a - 2.0 * b;
            g[i + 1] += 200.0 * a;
        }
        f
    }

    fn tight() -> OptimizerSpec {
        OptimizerSpec::Lbfgs {
            memory: 10,
            ftol: 0.0,
            gtol: 1e-12,
            max_line_search: 20,
            max_evals: None,
        }
    }

    /// Iterates until L-BFGS stops (at most `cap` iterations); the stop and the evaluations.
    fn run(
        opt: &mut Optimizer,
        x: &mut [f64],
        f: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
        cap: usize,
    ) -> (Option<LbfgsStop>, u64) {
        let mut evals = 0;
        for _ in 0..cap {
            let it = opt.iterate(x, f).unwrap();
            evals += it.evals;
            if it.stop.is_some() {
                return (it.stop, evals);
            }
        }
        (None, evals)
    }

    #[test]
    fn lbfgs_minimises_rosenbrock_to_1e_8() {
        for (start, cap) in [(vec![-1.2, 1.0], 200), (vec![-1.0; 10], 1000)] {
            let mut opt = tight().build(start.len());
            let mut x = start.clone();
            let (stop, evals) = run(&mut opt, &mut x, &mut rosenbrock, cap);
            assert!(stop.is_some(), "no stop from {start:?}: {x:?}");
            for v in &x {
                assert!((v - 1.0).abs() < 1e-8, "from {start:?}: {x:?} ({stop:?})");
            }
            assert_eq!(evals, opt.evals());
            // Far fewer evaluations than gradient descent would need.
            assert!(evals < 40 * start.len() as u64 + 100, "{evals} evaluations");
        }
    }

    #[test]
    fn lbfgs_minimises_an_ill_conditioned_quadratic_to_1e_8() {
        let n = 12;
        let c: Vec<f64> = (0..n).map(|i| 10f64.powf(i as f64 / 3.0)).collect();
        let t: Vec<f64> = (0..n).map(|i| (i as f64 * 0.7).sin()).collect();
        let mut f = |x: &[f64], g: &mut [f64]| -> f64 {
            let mut v = 0.0;
            for i in 0..n {
                let d = x[i] - t[i];
                v += 0.5 * c[i] * d * d;
                g[i] = c[i] * d;
            }
            v
        };
        let mut opt = tight().build(n);
        let mut x = vec![0.0; n];
        let (stop, _) = run(&mut opt, &mut x, &mut f, 500);
        assert!(stop.is_some());
        for i in 0..n {
            assert!((x[i] - t[i]).abs() < 1e-8, "{i}: {} vs {}", x[i], t[i]);
        }
        // With scipy's default tolerances it stops on its own rule long before that precision.
        let mut opt = OptimizerSpec::lbfgs().build(n);
        let mut x = vec![0.0; n];
        let (stop, _) = run(&mut opt, &mut x, &mut f, 500);
        assert!(
            matches!(stop, Some(LbfgsStop::Gradient | LbfgsStop::Decrease)),
            "{stop:?}"
        );
        let mut g = vec![0.0; n];
        f(&x, &mut g);
        assert!(opt.stopped().is_some());
        // A stopped optimizer does not move again.
        let before = x.clone();
        let it = opt.iterate(&mut x, &mut f).unwrap();
        assert_eq!((it.evals, x), (0, before));
    }

    #[test]
    fn every_accepted_step_satisfies_the_strong_wolfe_conditions() {
        let mut evals: Vec<(Vec<f64>, f64, Vec<f64>)> = Vec::new();
        let mut f = |x: &[f64], g: &mut [f64]| -> f64 {
            let v = rosenbrock(x, g);
            evals.push((x.to_vec(), v, g.to_vec()));
            v
        };
        let mut opt = tight().build(2);
        let mut x = vec![-1.2, 1.0];
        for _ in 0..15 {
            let x0 = x.clone();
            let mut g0 = vec![0.0; 2];
            let f0 = rosenbrock(&x0, &mut g0);
            let d = direction(&opt.lbfgs.s, &opt.lbfgs.y, &g0);
            let it = opt.iterate(&mut x, &mut f).unwrap();
            if it.stop.is_some() {
                break;
            }
            // The step is α·d along the direction the memory gave (steepest descent without
            // pairs; this run never needs a restart).
            let step: Vec<f64> = x.iter().zip(&x0).map(|(a, b)| a - b).collect();
            let dir = d;
            let dg0: f64 = dir.iter().zip(&g0).map(|(a, b)| a * b).sum();
            let alpha = step[0] / dir[0];
            let mut g1 = vec![0.0; 2];
            let f1 = rosenbrock(&x, &mut g1);
            let dg1: f64 = dir.iter().zip(&g1).map(|(a, b)| a * b).sum();
            assert!(
                f1 <= f0 + WOLFE_C1 * alpha * dg0 + 1e-12,
                "sufficient decrease"
            );
            assert!(
                dg1.abs() <= -WOLFE_C2 * dg0 + 1e-9,
                "curvature: {dg1} vs {dg0}"
            );
        }
        assert!(!evals.is_empty());
    }

    #[test]
    fn pairs_with_non_positive_curvature_are_skipped_and_memory_is_bounded() {
        let mut st = LbfgsState::default();
        assert!(!push_pair(&mut st, vec![1.0, 0.0], vec![-1.0, 0.0], 3));
        assert!(!push_pair(&mut st, vec![1.0, 0.0], vec![0.0, 5.0], 3));
        assert!(st.s.is_empty());
        for k in 0..5 {
            assert!(push_pair(&mut st, vec![1.0, k as f64], vec![1.0, 0.0], 3));
        }
        assert_eq!(st.s.len(), 3);
        assert_eq!(st.s[0], vec![1.0, 2.0], "the oldest pairs go first");
        // Without pairs the direction is steepest descent.
        assert_eq!(direction(&[], &[], &[2.0, -1.0]), vec![-2.0, 1.0]);
    }

    #[test]
    fn a_non_finite_loss_is_a_step_too_far() {
        // f = (x − 3)² but NaN beyond x = 2.5: L-BFGS must stay where the loss is finite.
        let mut f = |x: &[f64], g: &mut [f64]| -> f64 {
            if x[0] > 2.5 {
                g[0] = f64::NAN;
                return f64::NAN;
            }
            g[0] = 2.0 * (x[0] - 3.0);
            (x[0] - 3.0).powi(2)
        };
        let mut opt = tight().build(1);
        let mut x = vec![0.0];
        run(&mut opt, &mut x, &mut f, 100);
        assert!(x[0].is_finite() && x[0] <= 2.5 && x[0] > 2.0, "{x:?}");
        // A non-finite starting point is an error, not a silent stop.
        let mut opt = tight().build(1);
        let mut bad = vec![3.0];
        assert!(opt.iterate(&mut bad, &mut f).is_err());
        // Gradient optimizers do not iterate; L-BFGS does not step.
        assert!(OptimizerSpec::adam(0.1)
            .build(1)
            .iterate(&mut x, &mut f)
            .is_err());
        let mut p = [1.0];
        OptimizerSpec::lbfgs().build(1).step(&mut p, &[5.0]);
        assert_eq!(p, [1.0]);
    }

    #[test]
    fn lbfgs_state_round_trips_and_continues_identically() {
        let start = vec![-1.0, 0.5, 1.5, -0.3];
        let mut whole = tight().build(4);
        let mut x1 = start.clone();
        for _ in 0..12 {
            whole.iterate(&mut x1, &mut rosenbrock).unwrap();
        }
        let mut first = tight().build(4);
        let mut x2 = start;
        for _ in 0..5 {
            first.iterate(&mut x2, &mut rosenbrock).unwrap();
        }
        let json = serde_json::to_string(&first.state()).unwrap();
        let state: OptimizerState = serde_json::from_str(&json).unwrap();
        assert_eq!(state, first.state());
        assert!(state.lbfgs.as_ref().is_some_and(|l| !l.s.is_empty()));
        let mut second = tight().build(4);
        second.restore(&state).unwrap();
        for _ in 0..7 {
            second.iterate(&mut x2, &mut rosenbrock).unwrap();
        }
        assert_eq!(x1, x2);
        assert_eq!(whole.state(), second.state());
        // Mismatched states are refused with the reason.
        let e = OptimizerSpec::lbfgs().build(3).restore(&state).unwrap_err();
        assert!(e.contains("3 trainable numbers"), "{e}");
        let e = OptimizerSpec::adam(0.1)
            .build(4)
            .restore(&state)
            .unwrap_err();
        assert!(e.contains("not L-BFGS"), "{e}");
        let mut small = OptimizerSpec::Lbfgs {
            memory: 1,
            ftol: 0.0,
            gtol: 0.0,
            max_line_search: 20,
            max_evals: None,
        }
        .build(4);
        assert!(small.restore(&state).unwrap_err().contains("memory"));
        // Re-indexing for an edit starts L-BFGS over; the count stays.
        let evals = second.evals();
        second.remap(&[Some(0), Some(1), None, Some(3)]);
        assert!(second.state().lbfgs.unwrap().s.is_empty());
        assert_eq!(second.evals(), evals);
    }

    #[test]
    fn the_evaluation_budget_stops_lbfgs() {
        let mut opt = OptimizerSpec::Lbfgs {
            memory: 5,
            ftol: 0.0,
            gtol: 0.0,
            max_line_search: 20,
            max_evals: Some(25),
        }
        .build(2);
        let mut x = vec![-1.2, 1.0];
        let (stop, evals) = run(&mut opt, &mut x, &mut rosenbrock, 1000);
        assert_eq!(stop, Some(LbfgsStop::Budget));
        assert!(evals <= 25, "{evals}");
        assert!(stop.unwrap().describe().contains("max_evals"));
    }

    #[test]
    fn lbfgs_spec_defaults_and_validation() {
        let s: OptimizerSpec = serde_json::from_str(r#"{"kind":"lbfgs"}"#).unwrap();
        assert_eq!(s, OptimizerSpec::lbfgs());
        assert_eq!(s.lr(), None);
        assert!(s.full_batch() && !OptimizerSpec::adam(0.1).full_batch());
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"kind":"lbfgs","memory":10,"ftol":2.220446049250313e-9,"gtol":0.00001,"max_line_search":20}"#
        );
        let bad = |json: &str| {
            serde_json::from_str::<OptimizerSpec>(json)
                .unwrap()
                .validate()
                .unwrap_err()
                .field
        };
        assert_eq!(bad(r#"{"kind":"lbfgs","memory":0}"#), "memory");
        assert_eq!(bad(r#"{"kind":"lbfgs","memory":101}"#), "memory");
        assert_eq!(bad(r#"{"kind":"lbfgs","gtol":-1}"#), "gtol");
        assert_eq!(
            bad(r#"{"kind":"lbfgs","max_line_search":0}"#),
            "max_line_search"
        );
        assert_eq!(bad(r#"{"kind":"lbfgs","max_evals":0}"#), "max_evals");
        assert!(serde_json::from_str::<OptimizerSpec>(r#"{"kind":"lbfgs","lr":1}"#).is_err());
        assert_eq!(
            OptimizerSpec::KINDS.map(|k| k.0),
            ["sgd", "momentum", "adam", "lbfgs"]
        );
    }
}
