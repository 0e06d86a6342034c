//! The document's circuit compiled into an executable [`Program`]: gates ordered by column,
//! decomposed into one-parameter primitives whose angles are filled in per data point, run on
//! the statevector engine, and differentiated with the adjoint method (Jones & Gacon 2020) or
//! the parameter-shift rule.
//!
//! Evaluation is fused (see `fused`): runs of one-wire gates become one 2×2 matrix per wire
//! and the adjoint pass differentiates a whole run from one pass over the states; many points
//! can also go through at once (`batch`, for the decision grid and batched gradients).
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

mod batch;
mod fused;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use fused::{OneWire, M2};

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
    /// The fusable form of an uncontrolled one-wire primitive.
    form: Option<OneWire>,
    /// Its matrix at `mat_angle` (valid when `mat_ok`).
    mat: M2,
    mat_angle: f64,
    mat_ok: bool,
    /// Whether `mat` changed since its block's product was last formed.
    dirty: bool,
}

/// One step of the fast path (see the `fused` module).
#[derive(Clone, Copy, Debug)]
enum Block {
    /// Fusable primitives on one wire (bit `bit`), `members[first..first + len]` in order.
    Fused {
        bit: usize,
        first: usize,
        len: usize,
        params: bool,
    },
    /// An uncontrolled CNOT on bits (control, target).
    Cnot(usize, usize),
    /// Any other primitive, applied by the engine.
    Engine(usize),
}

#[derive(Clone, Debug)]
struct GateEntry {
    op: Op,
    /// The angle index of each parameter.
    angles: [usize; 3],
    col: usize,
}

/// Matrices of chosen primitives at the angles they were computed for, to put back without
/// trigonometry (see [`Program::cache_matrices`]).
#[derive(Clone, Debug, Default)]
pub struct MatrixCache(Vec<(usize, f64, M2)>);

/// A compiled circuit: primitives in execution order, angles filled in per evaluation.
///
/// Evaluation ([`Program::forward_into_scratch`], [`Program::backward_from`]) runs a fused form:
/// each run of uncontrolled one-wire primitives on a wire is one 2×2 matrix (gates on other
/// wires commute past it), the leading runs build a product state directly, and the adjoint
/// pass gets every derivative of a run from one 2×2 cross matrix (see the `fused` module).
#[derive(Clone, Debug)]
pub struct Program {
    n_qubits: usize,
    n_angles: usize,
    prims: Vec<Prim>,
    gates: Vec<GateEntry>,
    blocks: Vec<Block>,
    /// Prim indices of the fused blocks, block after block.
    members: Vec<usize>,
    /// Per fused member (same indices as `members`): the suffix product `S_k = M_last ⋯ M_k` of
    /// its block from it on, so a block's matrix is `suffix[first]`.
    suffix: Vec<M2>,
    /// Per fused member `k` of a block: its generator moved to the block's end,
    /// `H_k = S_{k+1} G_k S_{k+1}†`, so that its derivative is `2c Im Tr(H_k R)` with `R` the
    /// block's cross matrix (`G_k` itself for the last member).
    heff: Vec<M2>,
    /// Number of leading fused blocks (on distinct wires) that act on |0…0⟩.
    prefix: usize,
    /// Per wire, the matrix of its leading block (scratch for the product state).
    leading: Vec<Option<M2>>,
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
                let form = OneWire::of(&p);
                let (mat, mat_ok) = match form {
                    Some(OneWire::Fixed(m)) => (m, true),
                    _ => (fused::ID2, false),
                };
                prims.push(Prim {
                    angle: src.map(|k| angles[k]),
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
                    op: p,
                });
            }
            gates.push(GateEntry {
                op,
                angles,
                col: g.col,
            });
        }
        let (blocks, members, prefix) = fuse(n, &prims);
        let heff = members
            .iter()
            .map(|&i| {
                prims[i]
                    .form
                    .and_then(OneWire::generator)
                    .unwrap_or(fused::ID2)
            })
            .collect();
        let state = State::new(n)?;
        Ok(Program {
            n_qubits: n,
            n_angles,
            suffix: vec![fused::ID2; members.len()],
            heff,
            leading: vec![None; n],
            blocks,
            members,
            prefix,
            prims,
            gates,
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
        self.refresh_matrices();
        let n = self.n_qubits;
        let Program {
            prims,
            blocks,
            suffix,
            prefix,
            leading,
            phi,
            ..
        } = self;
        leading.iter_mut().for_each(|m| *m = None);
        for b in &blocks[..*prefix] {
            if let Block::Fused { bit, first, .. } = *b {
                leading[n - 1 - bit] = Some(suffix[first]);
            }
        }
        fused::product_state(phi.amplitudes_mut(), leading);
        for b in &blocks[*prefix..] {
            match *b {
                Block::Fused { bit, first, .. } => {
                    fused::apply(phi.amplitudes_mut(), bit, &suffix[first]);
                }
                Block::Cnot(c, t) => fused::cnot(phi.amplitudes_mut(), c, t),
                Block::Engine(i) => phi.apply(&prims[i].op),
            }
        }
    }

    /// Brings every fused primitive's matrix up to date with its angle and re-forms the changed
    /// part of each block's suffix products.
    fn refresh_matrices(&mut self) {
        for p in &mut self.prims {
            if let Some(form) = p.form {
                let a = p.op.params[0];
                if !p.mat_ok || p.mat_angle.to_bits() != a.to_bits() {
                    p.mat = form.matrix(a);
                    p.mat_angle = a;
                    p.mat_ok = true;
                    p.dirty = true;
                }
            }
        }
        for b in &self.blocks {
            if let Block::Fused { first, len, .. } = *b {
                // suffix[first + k] = M_{len-1} ⋯ M_k; suffix[first + len] is the identity.
                let ms = &self.members[first..first + len];
                let Some(last_dirty) = ms.iter().rposition(|&i| self.prims[i].dirty) else {
                    continue;
                };
                let sfx = &mut self.suffix[first..first + len];
                for k in (0..=last_dirty).rev() {
                    let m = &self.prims[ms[k]].mat;
                    sfx[k] = if k + 1 == len {
                        *m
                    } else {
                        fused::mul(&sfx[k + 1], m)
                    };
                }
                // H_k changes when S_{k+1} does, i.e. for k < last_dirty.
                for k in 0..last_dirty {
                    if let Some(g) = self.prims[ms[k]].form.and_then(OneWire::generator) {
                        let v = &sfx[k + 1];
                        self.heff[first + k] = fused::mul(&fused::mul(v, &g), &fused::dagger(v));
                    }
                }
                for &i in ms {
                    self.prims[i].dirty = false;
                }
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
                .enumerate()
                .filter(|(_, p)| {
                    p.form.is_some() && p.angle.is_some_and(|a| mask.get(a) == Some(&true))
                })
                .map(|(i, p)| (i, p.mat_angle, p.mat))
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
            prims,
            blocks,
            members,
            suffix,
            heff,
            prefix,
            phi,
            lambda,
            mu,
            ..
        } = self;
        // dU/dθ = −i c G U, so ∂⟨O⟩/∂θ = 2 Re⟨λ|−i c G φ⟩ = 2 c Im⟨λ|G φ⟩.
        for (bi, b) in blocks.iter().enumerate().rev() {
            match *b {
                Block::Fused {
                    bit,
                    first,
                    len,
                    params,
                } => {
                    let inv = fused::dagger(&suffix[first]);
                    let (p, l) = (phi.amplitudes_mut(), lambda.amplitudes_mut());
                    // The leading blocks sit on distinct wires with nothing before them: their
                    // cross matrices are unaffected by each other, and the states need no undoing.
                    let r = match (bi < *prefix, params) {
                        (true, false) => continue,
                        (true, true) => fused::cross(p, l, bit),
                        (false, true) => fused::cross_and_apply(p, l, bit, &inv),
                        (false, false) => {
                            fused::apply(p, bit, &inv);
                            fused::apply(l, bit, &inv);
                            continue;
                        }
                    };
                    for k in 0..len {
                        let prim = &prims[members[first + k]];
                        if let Some(a) = prim.angle {
                            let t = fused::trace_of_product(&heff[first + k], &r);
                            if let Some(slot) = grad.get_mut(a) {
                                *slot += 2.0 * prim.coeff * t.im;
                            }
                        }
                    }
                }
                Block::Cnot(c, t) => {
                    fused::cnot(phi.amplitudes_mut(), c, t);
                    fused::cnot(lambda.amplitudes_mut(), c, t);
                }
                Block::Engine(i) => {
                    let p = &prims[i];
                    if let Some(a) = p.angle {
                        mu.copy_from(phi);
                        mu.apply_generator(&p.op);
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
    }
}

/// Groups the primitives into blocks: runs of fusable primitives per wire (flushed when a
/// non-fusable primitive touches the wire, or at the end), CNOTs, and engine primitives. Gates on
/// different wires commute, so the result equals the primitives in order. Returns the blocks,
/// the fused members, and how many leading blocks are fused runs on distinct wires.
fn fuse(n: usize, prims: &[Prim]) -> (Vec<Block>, Vec<usize>, usize) {
    let mut pending: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut blocks = Vec::new();
    let mut members = Vec::new();
    let mut flush = |w: usize, pending: &mut Vec<Vec<usize>>, blocks: &mut Vec<Block>| {
        let run = std::mem::take(&mut pending[w]);
        if run.is_empty() {
            return;
        }
        blocks.push(Block::Fused {
            bit: n - 1 - w,
            first: members.len(),
            len: run.len(),
            params: run.iter().any(|&i| prims[i].angle.is_some()),
        });
        members.extend(run);
    };
    for (i, p) in prims.iter().enumerate() {
        if p.form.is_some() {
            pending[p.op.wires[0]].push(i);
            continue;
        }
        for &w in p.op.wires.iter().chain(&p.op.controls) {
            flush(w, &mut pending, &mut blocks);
        }
        blocks.push(if p.op.kind == GateKind::CNOT && p.op.controls.is_empty() {
            Block::Cnot(n - 1 - p.op.wires[0], n - 1 - p.op.wires[1])
        } else {
            Block::Engine(i)
        });
    }
    for w in 0..n {
        flush(w, &mut pending, &mut blocks);
    }
    let mut seen = 0usize;
    let prefix = blocks
        .iter()
        .take_while(|b| match **b {
            Block::Fused { bit, .. } if seen & (1 << bit) == 0 => {
                seen |= 1 << bit;
                true
            }
            _ => false,
        })
        .count();
    (blocks, members, prefix)
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
