//! The document's circuit compiled into an executable [`Program`]: gates ordered by column,
//! decomposed into one-parameter primitives whose angles are filled in per data point, run on
//! the statevector engine, and differentiated with the adjoint method (Jones & Gacon 2020) or
//! the parameter-shift rule.
//!
//! An *angle* is one parameter slot of one document gate, numbered in document order (gate 0's
//! parameters first). Bindings (constants, weights, features) are resolved into angles by the
//! `model`; this module only knows angles. May import `sim` and `doc`; knows nothing of
//! datasets, training or the web.
//!
//! ```
//! use qmlp::circuit::Program;
//! use qmlp::doc::Document;
//! use qmlp::sim::{Observable, PauliString, State};
//! let doc = Document::default();
//! let mut prog = Program::compile(&doc.circuit)?;
//! let angles = vec![0.3; prog.n_angles()];
//! prog.set_angles(&angles);
//! let mut state = State::new(prog.n_qubits()).unwrap();
//! prog.run(&mut state);
//! let z0 = Observable::Pauli("Z0".parse().unwrap());
//! let mut grad = vec![0.0; prog.n_angles()];
//! let value = prog.expval_and_gradient(&z0, &mut grad).unwrap();
//! assert!((value - state.expval(&z0)).abs() < 1e-12);
//! # Ok::<(), qmlp::circuit::CircuitError>(())
//! ```

use crate::doc::CircuitSpec;
use crate::sim::{GateKind, Observable, Op, SimError, State};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

/// A circuit that cannot be compiled or run, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct CircuitError(pub String);

impl std::fmt::Display for CircuitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CircuitError {}

impl From<SimError> for CircuitError {
    fn from(e: SimError) -> CircuitError {
        CircuitError(e.to_string())
    }
}

/// How the derivative of one primitive is obtained by shifting its angle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShiftRule {
    /// Generator spectrum {±1/2} (or {0, 1}): `(f(θ+π/2) − f(θ−π/2)) / 2`.
    TwoTerm,
    /// Controlled rotations (generator spectrum {0, ±1/2}): the four-term rule.
    FourTerm,
}

#[derive(Clone, Debug)]
struct Prim {
    op: Op,
    /// Which angle drives this primitive's parameter.
    angle: Option<usize>,
    /// `c` in `U(θ) = exp(−i c θ G)`.
    coeff: f64,
    rule: ShiftRule,
}

#[derive(Clone, Debug)]
struct GateEntry {
    op: Op,
    /// The angle index of each parameter.
    angles: [usize; 3],
    col: usize,
}

/// A compiled circuit: primitives in execution order, angles filled in per evaluation.
#[derive(Clone, Debug)]
pub struct Program {
    n_qubits: usize,
    n_angles: usize,
    prims: Vec<Prim>,
    gates: Vec<GateEntry>,
    /// Scratch states for the adjoint pass.
    phi: State,
    lambda: State,
    mu: State,
}

impl Program {
    /// Compiles a circuit: validates it, orders gates by column (ties in document order) and
    /// decomposes them into one-parameter primitives.
    pub fn compile(spec: &CircuitSpec) -> Result<Program, CircuitError> {
        let n = spec.qubits;
        crate::sim::check_qubits(n)?;
        let mut offsets = Vec::with_capacity(spec.gates.len());
        let mut n_angles = 0;
        for g in &spec.gates {
            offsets.push(n_angles);
            n_angles += g.gate.n_params();
        }
        let mut order: Vec<usize> = (0..spec.gates.len()).collect();
        order.sort_by_key(|&i| spec.gates[i].col);
        let mut prims = Vec::new();
        let mut gates = Vec::with_capacity(spec.gates.len());
        for &i in &order {
            let g = &spec.gates[i];
            let zeros = vec![0.0; g.gate.n_params()];
            let op = Op::new(g.gate, &g.wires, &zeros)
                .and_then(|op| {
                    if g.controls.is_empty() {
                        Ok(op)
                    } else {
                        op.controlled(&g.controls)
                    }
                })
                .map_err(|e| CircuitError(format!("gate {i} ({}): {e}", g.gate.name())))?;
            op.validate(n)
                .map_err(|e| CircuitError(format!("gate {i} ({}): {e}", g.gate.name())))?;
            let mut angles = [0; 3];
            for (k, a) in angles.iter_mut().enumerate().take(g.gate.n_params()) {
                *a = offsets[i] + k;
            }
            for (p, src) in op.decompose() {
                let coeff = p.generator().unwrap_or(0.0);
                let controlled_rotation = !p.controls.is_empty()
                    && matches!(p.kind, GateKind::RX | GateKind::RY | GateKind::RZ)
                    || matches!(p.kind, GateKind::CRX | GateKind::CRY | GateKind::CRZ);
                prims.push(Prim {
                    angle: src.map(|k| angles[k]),
                    coeff,
                    rule: if controlled_rotation {
                        ShiftRule::FourTerm
                    } else {
                        ShiftRule::TwoTerm
                    },
                    op: p,
                });
            }
            gates.push(GateEntry {
                op,
                angles,
                col: g.col,
            });
        }
        let state = State::new(n)?;
        Ok(Program {
            n_qubits: n,
            n_angles,
            prims,
            gates,
            phi: state.clone(),
            lambda: state.clone(),
            mu: state,
        })
    }

    /// Number of qubits.
    pub fn n_qubits(&self) -> usize {
        self.n_qubits
    }

    /// Number of angles (parameter slots of all gates).
    pub fn n_angles(&self) -> usize {
        self.n_angles
    }

    /// Number of primitives executed per run.
    pub fn n_primitives(&self) -> usize {
        self.prims.len()
    }

    /// Sets every angle (`angles.len() == n_angles()`; missing entries leave old values).
    pub fn set_angles(&mut self, angles: &[f64]) {
        for p in &mut self.prims {
            if let Some(a) = p.angle {
                if let Some(&v) = angles.get(a) {
                    p.op.params[0] = v;
                }
            }
        }
        for g in &mut self.gates {
            for k in 0..g.op.kind.n_params() {
                if let Some(&v) = angles.get(g.angles[k]) {
                    g.op.params[k] = v;
                }
            }
        }
    }

    /// The shift rule of the primitive driven by `angle`.
    pub fn shift_rule(&self, angle: usize) -> ShiftRule {
        self.prims
            .iter()
            .find(|p| p.angle == Some(angle))
            .map_or(ShiftRule::TwoTerm, |p| p.rule)
    }

    /// Runs the circuit from |0…0⟩ into `state` (which must have `n_qubits()` qubits).
    pub fn run(&self, state: &mut State) {
        state.reset();
        for p in &self.prims {
            state.apply(&p.op);
        }
    }

    /// Runs the gates of every column up to and including `col` (all gates when `None`).
    pub fn run_until_column(&self, state: &mut State, col: Option<usize>) {
        state.reset();
        for g in &self.gates {
            if col.is_some_and(|c| g.col > c) {
                break;
            }
            state.apply(&g.op);
        }
    }

    /// The distinct columns that hold gates, in order.
    pub fn columns(&self) -> Vec<usize> {
        let mut cols: Vec<usize> = self.gates.iter().map(|g| g.col).collect();
        cols.dedup();
        cols
    }

    /// The gates in execution order with their current angles (not decomposed).
    pub fn bound_ops(&self) -> Vec<Op> {
        self.gates.iter().map(|g| g.op.clone()).collect()
    }

    /// Runs the circuit and returns `⟨O⟩`, adding `∂⟨O⟩/∂angle` into `grad` (adjoint method:
    /// one forward pass, one backward pass applying inverse primitives).
    pub fn expval_and_gradient(
        &mut self,
        obs: &Observable,
        grad: &mut [f64],
    ) -> Result<f64, CircuitError> {
        obs.validate(self.n_qubits)?;
        self.forward_into_scratch();
        let value = self.phi.expval(obs);
        self.backward_from(obs, grad);
        Ok(value)
    }

    /// The final state of the last [`Program::forward_into_scratch`].
    pub fn scratch_state(&self) -> &State {
        &self.phi
    }

    /// Runs the circuit into the program's own scratch state (read it with
    /// [`Program::scratch_state`]); pair with [`Program::backward_from`].
    pub fn forward_into_scratch(&mut self) {
        let Program { prims, phi, .. } = self;
        phi.reset();
        for p in prims.iter() {
            phi.apply(&p.op);
        }
    }

    /// The adjoint backward pass right after [`Program::forward_into_scratch`], for the
    /// observable `obs` (λ = O|ψ⟩); adds `∂⟨ψ|O|ψ⟩/∂angle` into `grad`. The observable must be
    /// valid for this circuit's qubit count.
    pub fn backward_from(&mut self, obs: &Observable, grad: &mut [f64]) {
        self.phi.apply_observable(obs, &mut self.lambda);
        self.backward(grad);
    }

    /// Backward pass with φ = final state and λ = O φ already in the scratch states. Leaves
    /// φ and λ run back to the start.
    fn backward(&mut self, grad: &mut [f64]) {
        let Program {
            prims,
            phi,
            lambda,
            mu,
            ..
        } = self;
        for p in prims.iter().rev() {
            if let Some(a) = p.angle {
                mu.copy_from(phi);
                mu.apply_generator(&p.op);
                // dU/dθ = −i c G U, so ∂⟨O⟩/∂θ = 2 Re⟨λ|−i c G φ⟩ = 2 c Im⟨λ|G φ⟩.
                let g = 2.0 * p.coeff * lambda.inner(mu).im;
                if let Some(slot) = grad.get_mut(a) {
                    *slot += g;
                }
            }
            phi.apply_inverse(&p.op);
            lambda.apply_inverse(&p.op);
        }
    }
}

/// `∂f/∂angle` by the parameter-shift rule, where `f` evaluates the program at given angles.
pub fn parameter_shift(
    rule: ShiftRule,
    angles: &[f64],
    index: usize,
    mut f: impl FnMut(&[f64]) -> f64,
) -> f64 {
    let mut shifted = angles.to_vec();
    let mut at = |delta: f64| {
        shifted[index] = angles[index] + delta;
        f(&shifted)
    };
    use std::f64::consts::{FRAC_PI_2, SQRT_2};
    match rule {
        ShiftRule::TwoTerm => (at(FRAC_PI_2) - at(-FRAC_PI_2)) / 2.0,
        ShiftRule::FourTerm => {
            let d1 = (SQRT_2 + 1.0) / (4.0 * SQRT_2);
            let d2 = (SQRT_2 - 1.0) / (4.0 * SQRT_2);
            let b = 3.0 * FRAC_PI_2;
            d1 * (at(FRAC_PI_2) - at(-FRAC_PI_2)) - d2 * (at(b) - at(-b))
        }
    }
}
