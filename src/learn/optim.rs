//! Gradient-descent optimizers: the serde-described [`OptimizerSpec`] the document stores and the
//! stateful [`Optimizer`] built from it.
//!
//! Imports only `std` and `serde`. Updates follow PennyLane's optimizers: momentum keeps
//! `a ← β·a + η·g, x ← x − a`; Adam is Kingma–Ba with the bias correction folded into the step
//! size, `x ← x − η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)`, exactly as PennyLane's `AdamOptimizer`.

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
        let lr = self.lr();
        if !(lr.is_finite() && lr > 0.0) {
            return Err(err("lr", lr, "must be a finite number > 0"));
        }
        let beta_rule = "must be a number in [0, 1), 1 excluded";
        match *self {
            OptimizerSpec::Sgd { .. } => {}
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

    /// The learning rate.
    pub fn lr(&self) -> f64 {
        match *self {
            OptimizerSpec::Sgd { lr }
            | OptimizerSpec::Momentum { lr, .. }
            | OptimizerSpec::Adam { lr, .. } => lr,
        }
    }

    /// A fresh optimizer for `n_params` parameters (call [`validate`](Self::validate) first).
    pub fn build(&self, n_params: usize) -> Optimizer {
        let (first, second) = match self {
            OptimizerSpec::Sgd { .. } => (Vec::new(), Vec::new()),
            OptimizerSpec::Momentum { .. } => (vec![0.0; n_params], Vec::new()),
            OptimizerSpec::Adam { .. } => (vec![0.0; n_params], vec![0.0; n_params]),
        };
        Optimizer {
            spec: self.clone(),
            n_params,
            first,
            second,
            t: 0,
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
}

impl OptimizerState {
    /// Checks that every entry is finite (and Adam's second moment not negative).
    pub fn validate(&self) -> Result<(), String> {
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
    pub fn step(&mut self, params: &mut [f64], grad: &[f64]) {
        if params.len() != self.n_params {
            self.n_params = params.len();
            match self.spec {
                OptimizerSpec::Sgd { .. } => {}
                OptimizerSpec::Momentum { .. } => self.first.resize(self.n_params, 0.0),
                OptimizerSpec::Adam { .. } => {
                    self.first.resize(self.n_params, 0.0);
                    self.second.resize(self.n_params, 0.0);
                }
            }
        }
        self.t += 1;
        match self.spec {
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
        }
    }

    /// Takes a stored state; its vectors must match this optimizer's kind and parameter count
    /// (the error says which does not).
    pub fn restore(&mut self, s: &OptimizerState) -> Result<(), String> {
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
    }

    /// Forgets all state, as if freshly built.
    pub fn reset(&mut self) {
        self.first.iter_mut().for_each(|v| *v = 0.0);
        self.second.iter_mut().for_each(|v| *v = 0.0);
        self.t = 0;
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
}
