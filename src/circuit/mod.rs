//! The document's circuit compiled into an executable [`Program`]: gates ordered by column,
//! decomposed into one-parameter primitives whose angles are filled in per data point, run on
//! the statevector engine, and differentiated with the adjoint method (Jones & Gacon 2020) or
//! the parameter-shift rule.
//!
//! Evaluation follows the engine's adjoint plan (`sim::adjoint`): runs of one-wire gates
//! become one 2×2 matrix per wire, gathered into stages of commuting runs (the first one built
//! as a product state), and the adjoint pass differentiates a whole run from one pass over the
//! states; many points can also go through at once (`batch`, for the decision grid and batched
//! gradients). The plan, its backward walk and the single-state backend are the engine's, shared
//! with `sim::adjoint_gradient`; this module keeps the angles and the matrices up to date.
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
use crate::sim::adjoint::{self, OneWire, Plan, Single, ID2};
use crate::sim::kernels::M2;
use crate::sim::{ChannelKind, GateKind, Observable, Op, SimError, State};

mod batch;
pub use batch::ZStrings;
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

/// Per primitive: how it is differentiated and its fused matrix.
#[derive(Clone, Debug)]
struct Prim {
    /// `c` in `U(θ) = exp(−i c θ G)`.
    coeff: f64,
    rule: ShiftRule,
    /// The fusable form of an uncontrolled one-wire primitive.
    form: Option<OneWire>,
    /// Its matrix at `mat_angle` (valid when `mat_ok`).
    mat: M2,
    mat_angle: f64,
    mat_ok: bool,
    /// Whether `mat` changed since its run's products were last formed.
    dirty: bool,
}

#[derive(Clone, Debug)]
struct GateEntry {
    op: Op,
    /// The angle index of each parameter.
    angles: [usize; 3],
    col: usize,
}

/// A noise channel placed in the circuit: skipped by the ideal engine, inserted by
/// [`Program::steps`] for the noisy engines.
#[derive(Clone, Debug)]
struct ChannelEntry {
    kind: ChannelKind,
    wire: usize,
    /// The angle slot holding its strength.
    angle: usize,
    strength: f64,
    /// How many gates (in execution order) run before it.
    after: usize,
    col: usize,
}

/// One step of the circuit in execution order, as the noisy engines need it.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    /// A gate with its current angles, and the angle slot of each of its parameters.
    Gate(&'a Op, &'a [usize]),
    /// A placed channel: kind, wire, strength.
    Channel(ChannelKind, usize, f64),
}

/// Matrices of chosen primitives at the angles they were computed for, to put back without
/// trigonometry (see [`Program::cache_matrices`]).
#[derive(Clone, Debug, Default)]
pub struct MatrixCache(Vec<(usize, f64, M2)>);

/// A compiled circuit: primitives in execution order, angles filled in per evaluation.
///
/// Evaluation ([`Program::forward_into_scratch`], [`Program::backward_from`]) follows the
/// engine's adjoint plan: each run of uncontrolled one-wire primitives on a wire is one 2×2
/// matrix (gates on other wires commute past it), runs on distinct wires form stages, the
/// leading stage builds a product state directly, and the adjoint pass gets every derivative of
/// a run from one 2×2 cross matrix.
#[derive(Clone, Debug)]
pub struct Program {
    n_qubits: usize,
    n_angles: usize,
    /// The primitives (one parameter at most), in execution order.
    ops: Vec<Op>,
    /// Which angle drives each primitive's parameter.
    angle_of: Vec<Option<usize>>,
    prims: Vec<Prim>,
    gates: Vec<GateEntry>,
    channels: Vec<ChannelEntry>,
    plan: Plan,
    /// Per member of the plan: the suffix product `S_k = M_last ⋯ M_k` of its run from it on
    /// (a run's matrix is `suffix[run.first]`).
    suffix: Vec<M2>,
    /// Per member `k`: its generator moved to the run's end, `H_k = S_{k+1} G_k S_{k+1}†`.
    heff: Vec<M2>,
    /// Scratch for batched evaluation.
    batch: batch::Batch,
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
        let mut ops = Vec::new();
        let mut angle_of = Vec::new();
        let mut gates = Vec::with_capacity(spec.gates.len());
        let mut channels = Vec::new();
        for &i in &order {
            let g = &spec.gates[i];
            let kind = match g.gate {
                crate::doc::GateName::Gate(k) => k,
                crate::doc::GateName::Channel(c) => {
                    let wire = g.wires.first().copied().unwrap_or(usize::MAX);
                    if wire >= n {
                        return Err(CircuitError(format!(
                            "gate {i} ({}): wire {wire} does not exist",
                            c.name()
                        )));
                    }
                    channels.push(ChannelEntry {
                        kind: c,
                        wire,
                        angle: offsets[i],
                        strength: 0.0,
                        after: gates.len(),
                        col: g.col,
                    });
                    continue;
                }
            };
            let zeros = vec![0.0; g.gate.n_params()];
            let op = Op::new(kind, &g.wires, &zeros)
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
                let form = OneWire::of(&p);
                let (mat, mat_ok) = match form {
                    Some(OneWire::Fixed(m)) => (m, true),
                    _ => (ID2, false),
                };
                angle_of.push(src.map(|k| angles[k]));
                ops.push(p);
                prims.push(Prim {
                    coeff,
                    rule: if controlled_rotation {
                        ShiftRule::FourTerm
                    } else {
                        ShiftRule::TwoTerm
                    },
                    form,
                    mat,
                    mat_angle: 0.0,
                    mat_ok,
                    dirty: true,
                });
            }
            gates.push(GateEntry {
                op,
                angles,
                col: g.col,
            });
        }
        let plan = Plan::new(n, &ops, |i| angle_of[i].is_some());
        let state = State::new(n)?;
        Ok(Program {
            n_qubits: n,
            n_angles,
            suffix: vec![ID2; plan.members.len()],
            heff: vec![ID2; plan.members.len()],
            plan,
            ops,
            angle_of,
            prims,
            gates,
            channels,
            batch: batch::Batch::default(),
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
        for (op, a) in self.ops.iter_mut().zip(&self.angle_of) {
            if let Some(&v) = a.and_then(|a| angles.get(a)) {
                op.params[0] = v;
            }
        }
        for g in &mut self.gates {
            for k in 0..g.op.kind.n_params() {
                if let Some(&v) = angles.get(g.angles[k]) {
                    g.op.params[k] = v;
                }
            }
        }
        for c in &mut self.channels {
            if let Some(&v) = angles.get(c.angle) {
                c.strength = v;
            }
        }
    }

    /// True if channels are placed in the circuit.
    pub fn has_channels(&self) -> bool {
        !self.channels.is_empty()
    }

    /// Calls `f` for every gate and placed channel in execution order, with the current angles
    /// (for the noisy engines; the ideal path skips channels).
    pub fn steps(&self, f: impl FnMut(Step<'_>)) {
        self.steps_until(None, f);
    }

    /// [`Program::steps`] for the columns up to and including `col` (all when `None`).
    pub fn steps_until(&self, col: Option<usize>, mut f: impl FnMut(Step<'_>)) {
        let within = |c: usize| col.map_or(true, |m| c <= m);
        let mut c = 0;
        for (k, g) in self.gates.iter().enumerate() {
            while c < self.channels.len() && self.channels[c].after == k {
                let ch = &self.channels[c];
                if within(ch.col) {
                    f(Step::Channel(ch.kind, ch.wire, ch.strength));
                }
                c += 1;
            }
            if within(g.col) {
                f(Step::Gate(&g.op, &g.angles[..g.op.kind.n_params()]));
            }
        }
        for ch in &self.channels[c..] {
            if within(ch.col) {
                f(Step::Channel(ch.kind, ch.wire, ch.strength));
            }
        }
    }

    /// The shift rule of the primitive driven by `angle`.
    pub fn shift_rule(&self, angle: usize) -> ShiftRule {
        self.angle_of
            .iter()
            .position(|&a| a == Some(angle))
            .map_or(ShiftRule::TwoTerm, |i| self.prims[i].rule)
    }

    /// Runs the circuit from |0…0⟩ into `state` (which must have `n_qubits()` qubits).
    pub fn run(&self, state: &mut State) {
        state.reset();
        for op in &self.ops {
            state.apply(op);
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

    /// The distinct columns that hold gates (or placed channels), in order.
    pub fn columns(&self) -> Vec<usize> {
        let mut cols: Vec<usize> = self.gates.iter().map(|g| g.col).collect();
        cols.extend(self.channels.iter().map(|c| c.col));
        cols.sort_unstable();
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
        self.refresh_matrices();
        adjoint::forward(&self.plan, &self.ops, &self.suffix, &mut self.phi);
    }

    /// Brings every fused primitive's matrix up to date with its angle and re-forms the changed
    /// part of each run's suffix products.
    fn refresh_matrices(&mut self) {
        for (p, op) in self.prims.iter_mut().zip(&self.ops) {
            if let Some(form) = p.form {
                let a = op.params[0];
                if !p.mat_ok || p.mat_angle.to_bits() != a.to_bits() {
                    p.mat = form.matrix(a);
                    p.mat_angle = a;
                    p.mat_ok = true;
                    p.dirty = true;
                }
            }
        }
        let Program {
            plan,
            prims,
            suffix,
            heff,
            ..
        } = self;
        for run in &plan.runs {
            let range = run.first..run.first + run.len;
            let ms = &plan.members[range.clone()];
            let Some(last_dirty) = ms.iter().rposition(|&i| prims[i].dirty) else {
                continue;
            };
            adjoint::refresh_run(
                last_dirty,
                |k| prims[ms[k]].mat,
                |k| prims[ms[k]].form.and_then(OneWire::generator),
                &mut suffix[range.clone()],
                &mut heff[range],
            );
            for &i in ms {
                prims[i].dirty = false;
            }
        }
    }

    /// The matrices of the fusable primitives driven by the angles with `mask[angle]` set, at
    /// the current angles (computed if needed), for [`Program::restore_matrices`]: a caller
    /// evaluating many points whose angles repeat (a grid's rows and columns) computes each
    /// matrix once.
    pub fn cache_matrices(&mut self, mask: &[bool]) -> MatrixCache {
        self.refresh_matrices();
        MatrixCache(
            self.prims
                .iter()
                .zip(&self.angle_of)
                .enumerate()
                .filter(|(_, (p, a))| {
                    p.form.is_some() && a.is_some_and(|a| mask.get(a) == Some(&true))
                })
                .map(|(i, (p, _))| (i, p.mat_angle, p.mat))
                .collect(),
        )
    }

    /// Puts cached matrices back; each is used only while its primitive's angle still equals
    /// the one it was computed for.
    pub fn restore_matrices(&mut self, cache: &MatrixCache) {
        for &(i, angle, m) in &cache.0 {
            if let Some(p) = self.prims.get_mut(i) {
                if !(p.mat_ok && p.mat_angle.to_bits() == angle.to_bits()) {
                    p.mat = m;
                    p.mat_angle = angle;
                    p.mat_ok = true;
                    p.dirty = true;
                }
            }
        }
    }

    /// The adjoint backward pass right after [`Program::forward_into_scratch`], for the
    /// observable `obs` (λ = O|ψ⟩); adds `∂⟨ψ|O|ψ⟩/∂angle` into `grad`. The observable must be
    /// valid for this circuit's qubit count.
    pub fn backward_from(&mut self, obs: &Observable, grad: &mut [f64]) {
        self.phi.apply_observable(obs, &mut self.lambda);
        self.backward(grad);
    }

    /// Backward pass with φ = final state and λ = O φ already in the scratch states (after
    /// [`Program::forward_into_scratch`]). Leaves φ and λ in an unspecified state.
    fn backward(&mut self, grad: &mut [f64]) {
        let Program {
            ops,
            angle_of,
            plan,
            suffix,
            heff,
            phi,
            lambda,
            mu,
            ..
        } = self;
        adjoint::backward(
            plan,
            &mut Single {
                phi,
                lambda,
                mu,
                prims: ops,
                angles: angle_of,
                members: &plan.members,
                suffix,
                heff,
                grad,
            },
        );
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
