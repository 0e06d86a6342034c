//! Noisy circuits and the three engines that run them behind one interface.
//!
//! A [`NoisyCircuit`] is what a model compiles into: `n_qubits`, a list of [`NoisyOp`]s (gates
//! and channels in application order) and an optional [`ReadoutError`]. Every engine implements
//! [`NoisyEngine`]:
//!
//! - `expvals(circuit, observables)` and `probabilities(circuit)`: run from |0…0⟩ and read out,
//!   readout error included;
//! - `gradient(circuit, weighted)`: the value and gradient of Σⱼ wⱼ⟨Oⱼ⟩ with respect to every
//!   gate parameter (gate order, then parameter order within a gate — as in
//!   [`adjoint_gradient`](super::adjoint_gradient); channel strengths are held fixed). A trainer
//!   passes wⱼ = dL/drⱼ to get dL/dθ in one backward pass.
//!
//! Results are [`Estimate`]s: a mean and its standard error, which is 0 for the exact engines.
//!
//! | engine | state | channels | gradient | limit |
//! |---|---|---|---|---|
//! | [`StatevectorEngine`] | `State` | refused (ideal circuits; readout error is applied) | adjoint | [`MAX_QUBITS`](super::MAX_QUBITS) |
//! | [`DensityEngine`] | ρ in the real Pauli basis, fused steps (or the complex [`DensityMatrix`] for gates on 3+ wires) | exact | adjoint on ρ, exact | [`MAX_DENSITY_QUBITS`](super::MAX_DENSITY_QUBITS) |
//! | [`TrajectoryEngine`] | `State` × N trajectories | one Kraus operator sampled per channel | per-trajectory adjoint, unbiased | [`MAX_QUBITS`](super::MAX_QUBITS) |
//!
//! [`Engine`] holds any of them (chosen by an [`EngineKind`]) and dispatches.
//!
//! ```
//! use qmlp::sim::*;
//! let c = NoisyCircuit::new(
//!     1,
//!     vec![
//!         Op::new(GateKind::RX, &[0], &[0.4])?.into(),
//!         Channel::new(ChannelKind::DepolarizingChannel, 0, 0.1)?.into(),
//!     ],
//!     None,
//! )?;
//! let z0 = Observable::Pauli("Z0".parse()?);
//! // ⟨Z0⟩ = (1 − 4p/3)·cos θ, exact on the density matrix, with its gradient.
//! let mut dm = Engine::new(EngineKind::DensityMatrix)?;
//! let g = dm.gradient(&c, &[(1.0, z0.clone())])?;
//! let shrink = 1.0 - 4.0 * 0.1 / 3.0;
//! assert!((g.value.mean - shrink * 0.4f64.cos()).abs() < 1e-12);
//! assert!((g.grad[0].mean + shrink * 0.4f64.sin()).abs() < 1e-12);
//! // The same from 2000 seeded trajectories, with a standard error.
//! let mut tr = Engine::new(EngineKind::Trajectories { trajectories: 2000, seed: 1 })?;
//! let e = tr.expvals(&c, &[z0])?[0];
//! assert!(e.std_error > 0.0 && (e.mean - g.value.mean).abs() < 4.0 * e.std_error);
//! # Ok::<(), SimError>(())
//! ```
//!
//! **Density-matrix representation.** [`DensityRepr::Auto`] (the default) runs ρ as its Pauli
//! vector r_P = Tr(Pρ) — real, 8·4ⁿ bytes — with runs of one-wire gates and channels fused
//! into one 4×4 step per wire (see the `ptm` module); circuits with a gate on three or more
//! wires (Toffoli, CSWAP, two or more extra controls) run on the complex vec(ρ) instead, as does
//! [`DensityRepr::Complex`]. Both are checked against `tests/golden/noisy.json` to 1e-10.
//! [`DensityEngine::state`] always returns the complex matrix.
//!
//! **Density-matrix gradient.** With ρₖ the state after gate k and Oₖ = E†(…) the observable
//! carried back through every later gate and channel (Heisenberg picture: U†OU for a gate,
//! Σ K†OK for a channel), a gate U(θ) = exp(−icθG) gives ∂⟨O⟩/∂θ = 2c·Im Tr(Oₖ G ρₖ) — the
//! statevector adjoint formula with ⟨λ| = vec(Oₖ)† and |φ⟩ = vec(ρₖ). In the Pauli basis the
//! same pass carries the observable's Pauli coefficients back with Tᵀ and reads each step's
//! parameters off one accumulated 4×4 matrix (∂⟨O⟩/∂θ = ⟨∂T/∂θ, Σ λ rᵀ⟩). Gates are undone on ρ
//! exactly; channels are not invertible, so the state before each channel comes from a snapshot
//! taken on the forward pass (or is recomputed from checkpoints when snapshots would exceed the
//! engine's tape budget, [`TAPE_BYTES`]).
//!
//! **Trajectories.** Each channel applies one Kraus operator Kₖ with its Born probability
//! pₖ = ‖Kₖψ‖², then renormalises; the mean of ⟨ψ|O|ψ⟩ over trajectories is Tr(Oρ). For the
//! gradient, each trajectory is a fixed sequence of gates and operators Aₖ = Kₖ/√pₖ; its adjoint
//! gradient (Aₖ held fixed) has expectation ∂Tr(Oρ)/∂θ, because the unnormalised trajectory
//! weights are ‖ψ̃‖² = Π pₖ and ∂⟨ψ̃|O|ψ̃⟩ = ‖ψ̃‖²·(the normalised trajectory's gradient).

use super::channel::{Channel, Mat2, Superop};
use super::density::{
    add_observable_matrix, check_density_qubits, density_bytes, i_pow, sign, DensityMatrix,
};
use super::ptm;
use super::readout::ReadoutError;
use super::tape::{Replay, Tape};
use super::trajectory::{StatevectorEngine, TrajectoryEngine};
use super::{GateKind, Observable, Op, SimError, C64};

/// One step of a noisy circuit: a gate or a channel.
#[derive(Clone, Debug, PartialEq)]
pub enum NoisyOp {
    /// A unitary gate.
    Gate(Op),
    /// A noise channel on one wire.
    Channel(Channel),
}

impl NoisyOp {
    /// Checks the op against a circuit of `n_qubits`.
    pub fn validate(&self, n_qubits: usize) -> Result<(), SimError> {
        match self {
            NoisyOp::Gate(op) => op.validate(n_qubits),
            NoisyOp::Channel(ch) => ch.validate(n_qubits),
        }
    }

    /// Number of differentiable parameters (a gate's angles; channels have none).
    pub fn n_params(&self) -> usize {
        match self {
            NoisyOp::Gate(op) => op.kind.n_params(),
            NoisyOp::Channel(_) => 0,
        }
    }
}

impl From<Op> for NoisyOp {
    fn from(op: Op) -> NoisyOp {
        NoisyOp::Gate(op)
    }
}

impl From<Channel> for NoisyOp {
    fn from(ch: Channel) -> NoisyOp {
        NoisyOp::Channel(ch)
    }
}

/// A circuit with noise: gates and channels in order, and an optional readout error.
#[derive(Clone, Debug, PartialEq)]
pub struct NoisyCircuit {
    /// Number of qubits.
    pub n_qubits: usize,
    /// Gates and channels, applied to |0…0⟩ in order.
    pub ops: Vec<NoisyOp>,
    /// Readout error on the measured probabilities and expectation values.
    pub readout: Option<ReadoutError>,
}

impl NoisyCircuit {
    /// A validated circuit (every op and the readout error fit `n_qubits`).
    pub fn new(
        n_qubits: usize,
        ops: Vec<NoisyOp>,
        readout: Option<ReadoutError>,
    ) -> Result<NoisyCircuit, SimError> {
        let c = NoisyCircuit {
            n_qubits,
            ops,
            readout,
        };
        c.validate()?;
        Ok(c)
    }

    /// Checks every op (numbered from 1 in the message) and the readout error.
    pub fn validate(&self) -> Result<(), SimError> {
        self.validate_qubits()?;
        for (k, op) in self.ops.iter().enumerate() {
            validate_op(op, k, self.n_qubits)?;
        }
        self.validate_readout()
    }

    /// The first check of [`validate`](NoisyCircuit::validate): at least one qubit.
    pub(super) fn validate_qubits(&self) -> Result<(), SimError> {
        if self.n_qubits == 0 {
            return Err(SimError::new("a circuit needs at least 1 qubit; got 0"));
        }
        Ok(())
    }

    /// The last check of [`validate`](NoisyCircuit::validate): the readout error.
    pub(super) fn validate_readout(&self) -> Result<(), SimError> {
        match &self.readout {
            Some(r) => r.validate(self.n_qubits),
            None => Ok(()),
        }
    }

    /// Number of gate parameters, the length of a gradient.
    pub fn n_params(&self) -> usize {
        self.ops.iter().map(NoisyOp::n_params).sum()
    }

    /// True if any op is a channel.
    pub fn has_channels(&self) -> bool {
        self.ops.iter().any(|o| matches!(o, NoisyOp::Channel(_)))
    }

    /// True if there is any noise: a channel, or a readout error that is not ideal.
    pub fn is_noisy(&self) -> bool {
        self.has_channels() || self.readout.as_ref().is_some_and(|r| !r.is_ideal())
    }

    /// The same circuit without channels and readout error (the gates only).
    pub fn ideal(&self) -> NoisyCircuit {
        NoisyCircuit {
            n_qubits: self.n_qubits,
            ops: self
                .ops
                .iter()
                .filter(|o| matches!(o, NoisyOp::Gate(_)))
                .cloned()
                .collect(),
            readout: None,
        }
    }

    /// `obs` with the readout error folded in (see [`ReadoutError::fold`]), validated.
    pub fn fold(&self, obs: &Observable) -> Result<Observable, SimError> {
        match &self.readout {
            Some(r) if !r.is_ideal() => r.fold(obs),
            _ => {
                obs.validate(self.n_qubits)?;
                Ok(obs.clone())
            }
        }
    }

    pub(super) fn fold_weighted(
        &self,
        weighted: &[(f64, Observable)],
    ) -> Result<Vec<(f64, Observable)>, SimError> {
        weighted
            .iter()
            .map(|(w, o)| {
                if !w.is_finite() {
                    return Err(SimError::new(format!(
                        "observable weight {w} must be a finite number"
                    )));
                }
                Ok((*w, self.fold(o)?))
            })
            .collect()
    }

    pub(super) fn read_out(&self, probs: Vec<f64>) -> Result<Vec<f64>, SimError> {
        match &self.readout {
            Some(r) if !r.is_ideal() => r.apply_to_probabilities(&probs),
            _ => Ok(probs),
        }
    }
}

/// Checks op `k` (from 0) against a circuit of `n_qubits`, with the message of
/// [`NoisyCircuit::validate`] ("operation k+1: …").
pub(super) fn validate_op(op: &NoisyOp, k: usize, n_qubits: usize) -> Result<(), SimError> {
    op.validate(n_qubits)
        .map_err(|e| SimError::new(format!("operation {}: {e}", k + 1)))
}

/// A value with its standard error (0 for an exact engine).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The value (mean over trajectories for the trajectory engine).
    pub mean: f64,
    /// The standard error of the mean.
    pub std_error: f64,
}

impl Estimate {
    /// An exact value.
    pub fn exact(mean: f64) -> Estimate {
        Estimate {
            mean,
            std_error: 0.0,
        }
    }
}

/// The value of Σⱼ wⱼ⟨Oⱼ⟩ and its gradient with respect to every gate parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradient {
    /// Σⱼ wⱼ⟨Oⱼ⟩.
    pub value: Estimate,
    /// ∂/∂θᵢ for every gate parameter, in circuit order.
    pub grad: Vec<Estimate>,
}

/// The interface every engine implements; see the module docs.
pub trait NoisyEngine {
    /// A short name for messages ("statevector", "density matrix", "trajectories").
    fn name(&self) -> &'static str;

    /// ⟨Oⱼ⟩ for every observable, readout error included.
    fn expvals(
        &mut self,
        circuit: &NoisyCircuit,
        observables: &[Observable],
    ) -> Result<Vec<Estimate>, SimError>;

    /// The measured probability of every basis state, readout error included.
    fn probabilities(&mut self, circuit: &NoisyCircuit) -> Result<Vec<Estimate>, SimError>;

    /// Σⱼ wⱼ⟨Oⱼ⟩ and its gradient with respect to every gate parameter.
    fn gradient(
        &mut self,
        circuit: &NoisyCircuit,
        weighted: &[(f64, Observable)],
    ) -> Result<Gradient, SimError>;

    /// [`gradient`](NoisyEngine::gradient) of each circuit, in order: the results of calling
    /// it circuit by circuit, or the error of the first circuit it refuses. The density engine
    /// runs circuits of one shape (the same circuit at several points) side by side, with the
    /// same numbers, bit for bit.
    fn gradients(
        &mut self,
        circuits: &[NoisyCircuit],
        weighted: &[(f64, Observable)],
    ) -> Result<Vec<Gradient>, SimError> {
        circuits
            .iter()
            .map(|c| self.gradient(c, weighted))
            .collect()
    }

    /// [`gradients`](NoisyEngine::gradients) with observables of its own for each circuit:
    /// circuit `i` with `weighted[i]` (one list per circuit, else an error).
    fn gradients_weighted(
        &mut self,
        circuits: &[NoisyCircuit],
        weighted: &[Vec<(f64, Observable)>],
    ) -> Result<Vec<Gradient>, SimError> {
        check_lists(circuits, weighted)?;
        circuits
            .iter()
            .zip(weighted)
            .map(|(c, w)| self.gradient(c, w))
            .collect()
    }

    /// [`expvals`](NoisyEngine::expvals) of each circuit, in order: the results of calling it
    /// circuit by circuit, or the error of the first circuit it refuses. The density engine
    /// runs circuits of one shape side by side, with the same numbers, bit for bit.
    fn expvals_many(
        &mut self,
        circuits: &[NoisyCircuit],
        observables: &[Observable],
    ) -> Result<Vec<Vec<Estimate>>, SimError> {
        circuits
            .iter()
            .map(|c| self.expvals(c, observables))
            .collect()
    }
}

/// One weighted list per circuit.
fn check_lists<T>(circuits: &[NoisyCircuit], weighted: &[T]) -> Result<(), SimError> {
    if circuits.len() == weighted.len() {
        Ok(())
    } else {
        Err(SimError::new(format!(
            "{} circuits but {} lists of weighted observables; give one per circuit",
            circuits.len(),
            weighted.len()
        )))
    }
}

/// Bytes of snapshots a gradient may keep natively (beyond that it recomputes): 1 GiB.
pub const TAPE_BYTES_NATIVE: usize = 1 << 30;
/// Bytes of snapshots a gradient may keep in WebAssembly: 128 MiB.
pub const TAPE_BYTES_WASM: usize = 128 << 20;
/// The snapshot budget on the platform this build targets.
pub const TAPE_BYTES: usize = if cfg!(target_arch = "wasm32") {
    TAPE_BYTES_WASM
} else {
    TAPE_BYTES_NATIVE
};

// ---------------------------------------------------------------------------------------------
// Gate primitives and generators (allocation-free versions of Op::decompose / Op::generator).

/// A one-parameter primitive: kind, parameters, which of the op's parameters it carries.
pub(super) type Prim = (GateKind, [f64; 3], Option<usize>);

/// The one-parameter primitives of `op` in application order: (kind, params, which of
/// `op.params` the primitive's angle is). Matches [`Op::decompose`].
pub(super) fn primitives(op: &Op) -> ([Prim; 3], usize) {
    let p = op.params;
    let one = |k: GateKind, v: f64, i: usize| (k, [v, 0.0, 0.0], Some(i));
    let none = (op.kind, p, None);
    match op.kind {
        GateKind::Rot => (
            [
                one(GateKind::RZ, p[0], 0),
                one(GateKind::RY, p[1], 1),
                one(GateKind::RZ, p[2], 2),
            ],
            3,
        ),
        GateKind::U3 => (
            [
                one(GateKind::PhaseShift, p[2], 2),
                one(GateKind::RY, p[0], 0),
                one(GateKind::PhaseShift, p[1], 1),
            ],
            3,
        ),
        k if k.n_params() == 1 => ([(k, p, Some(0)), none, none], 1),
        _ => ([none, none, none], 1),
    }
}

/// c with U(θ) = exp(−i·c·θ·G) for a one-parameter kind (see [`Op::generator`]).
pub(super) fn generator_coeff(kind: GateKind) -> Option<f64> {
    use GateKind::*;
    match kind {
        RX | RY | RZ | CRX | CRY | CRZ | IsingXX | IsingZZ => Some(0.5),
        PhaseShift | ControlledPhaseShift => Some(-1.0),
        _ => None,
    }
}

/// Calls `f(base, run)` for every run `base..base + run` of indices below `len` whose bits in
/// `fixed` equal `set` (a subset of `fixed`): runs are contiguous below `fixed`'s lowest bit.
#[inline(always)]
fn for_each_run(len: usize, fixed: usize, set: usize, mut f: impl FnMut(usize, usize)) {
    if fixed == 0 {
        f(0, len);
        return;
    }
    let low = fixed.trailing_zeros();
    let run = 1usize << low;
    let k = fixed.count_ones();
    let count = len >> (k + low);
    for o in 0..count {
        // Spread the bits of `o` over the positions above `low` that are not in `fixed`.
        let mut x = o << (low + 1);
        let mut m = fixed & !(1usize << low);
        while m != 0 {
            let p = m.trailing_zeros();
            let below = (1usize << p) - 1;
            x = ((x & !below) << 1) | (x & below);
            m &= m - 1;
        }
        f(x | set, run);
    }
}

/// ⟨λ|G|φ⟩ for the generator G of a one-parameter `kind` on `wires` (+ projectors on
/// `controls`) of an `nbits`-qubit vector, without forming Gφ.
pub(super) fn generator_inner(
    kind: GateKind,
    wires: &[usize],
    controls: &[usize],
    nbits: usize,
    lam: &[C64],
    phi: &[C64],
) -> C64 {
    use GateKind::*;
    let bit = |i: usize| 1usize << (nbits - 1 - wires[i]);
    let mut proj = control_mask(controls, nbits);
    let (mut x, mut z, mut n_y) = (0usize, 0usize, 0u32);
    let mut pauli = |p: GateKind, b: usize| match p {
        RX | CRX | IsingXX => x |= b,
        RY | CRY => {
            x |= b;
            z |= b;
            n_y += 1;
        }
        _ => z |= b,
    };
    match kind {
        RX | RY | RZ => pauli(kind, bit(0)),
        PhaseShift => proj |= bit(0),
        CRX | CRY | CRZ => {
            proj |= bit(0);
            pauli(kind, bit(1));
        }
        ControlledPhaseShift => proj |= bit(0) | bit(1),
        IsingXX | IsingZZ => {
            pauli(kind, bit(0));
            pauli(kind, bit(1));
        }
        _ => return C64::new(0.0, 0.0),
    }
    // (Gφ)ᵢ = i^{nY} (−1)^{|(i^x) & z|} φ[i ^ x] for i with every proj bit set, else 0. The
    // sign and the offset of i ^ x depend only on the bits in m = x | z | proj: sum run by run
    // for each setting of those bits.
    let m = x | z | proj;
    let mut acc = C64::new(0.0, 0.0);
    let mut a = m;
    loop {
        if a & proj == proj {
            let mut part = C64::new(0.0, 0.0);
            for_each_run(lam.len(), m, a, |base, run| {
                let j = base ^ x;
                for (l, p) in lam[base..base + run].iter().zip(&phi[j..j + run]) {
                    part += l.conj() * p;
                }
            });
            acc += part * sign(a ^ x, z);
        }
        if a == 0 {
            break;
        }
        a = (a - 1) & m;
    }
    i_pow(n_y) * acc
}

/// The mask of `controls` on an `nbits`-qubit vector.
fn control_mask(controls: &[usize], nbits: usize) -> usize {
    controls
        .iter()
        .fold(0usize, |m, &w| m | (1 << (nbits - 1 - w)))
}

/// [⟨λ|Pφ⟩, ⟨λ|XPφ⟩, ⟨λ|YPφ⟩, ⟨λ|ZPφ⟩] for the Paulis on bit `b` and P the projector onto the
/// `proj` bits being set — one pass over the pairs of bit `b`.
fn pauli_inners(b: usize, proj: usize, lam: &[C64], phi: &[C64]) -> [C64; 4] {
    let z = C64::new(0.0, 0.0);
    let (mut s00, mut s01, mut s10, mut s11) = (z, z, z, z);
    for_each_run(lam.len(), proj | b, proj, |base, run| {
        let (l0, l1) = (&lam[base..base + run], &lam[base + b..base + b + run]);
        let (p0, p1) = (&phi[base..base + run], &phi[base + b..base + b + run]);
        for (((a0, a1), q0), q1) in l0.iter().zip(l1).zip(p0).zip(p1) {
            let (c0, c1) = (a0.conj(), a1.conj());
            s00 += c0 * q0;
            s01 += c0 * q1;
            s10 += c1 * q0;
            s11 += c1 * q1;
        }
    });
    let i = C64::new(0.0, 1.0);
    // (Xφ)₀ = φ₁, (Xφ)₁ = φ₀; (Yφ)₀ = −iφ₁, (Yφ)₁ = iφ₀; (Zφ)₀ = φ₀, (Zφ)₁ = −φ₁.
    [s00 + s11, s01 + s10, i * (s10 - s01), s00 - s11]
}

/// The matrix of a one-wire primitive.
fn prim_matrix(kind: GateKind, t: f64) -> Mat2 {
    let (s, c) = (t / 2.0).sin_cos();
    let z = C64::new(0.0, 0.0);
    let r = |x: f64| C64::new(x, 0.0);
    match kind {
        GateKind::RX => [[r(c), C64::new(0.0, -s)], [C64::new(0.0, -s), r(c)]],
        GateKind::RY => [[r(c), r(-s)], [r(s), r(c)]],
        GateKind::RZ => [[C64::cis(-t / 2.0), z], [z, C64::cis(t / 2.0)]],
        _ => [[r(1.0), z], [z, C64::cis(t)]],
    }
}

/// For each parameter of a one-wire gate: (its index, c, G′ in the Pauli basis [I, X, Y, Z]),
/// where G′ = V G V† is the primitive's generator moved to the gate's output through the
/// primitives V after it, so ∂⟨O⟩/∂θ = 2c·Im⟨λ|G′φ⟩ with λ, φ taken after the whole gate.
fn one_wire_generators(op: &Op) -> ([(usize, f64, [f64; 4]); 3], usize) {
    let (prims, count) = primitives(op);
    let mut out = [(0usize, 0.0f64, [0.0f64; 4]); 3];
    let mut k = 0;
    for (i, &(kind, _, local)) in prims[..count].iter().enumerate() {
        let (Some(idx), Some(c)) = (local, generator_coeff(kind)) else {
            continue;
        };
        let r = |x: f64| C64::new(x, 0.0);
        let z = r(0.0);
        let mut g: Mat2 = match kind {
            GateKind::RX => [[z, r(1.0)], [r(1.0), z]],
            GateKind::RY => [[z, C64::new(0.0, -1.0)], [C64::new(0.0, 1.0), z]],
            GateKind::RZ => [[r(1.0), z], [z, r(-1.0)]],
            _ => [[z, z], [z, r(1.0)]],
        };
        for &(later, lp, _) in &prims[i + 1..count] {
            let m = prim_matrix(later, lp[0]);
            g = mat_mul(&mat_mul(&m, &g), &dagger(&m));
        }
        let n = [
            (g[0][0].re + g[1][1].re) / 2.0,
            (g[0][1].re + g[1][0].re) / 2.0,
            (g[1][0].im - g[0][1].im) / 2.0,
            (g[0][0].re - g[1][1].re) / 2.0,
        ];
        out[k] = (idx, c, n);
        k += 1;
    }
    (out, k)
}

fn mat_mul(a: &Mat2, b: &Mat2) -> Mat2 {
    let mut m = [[C64::new(0.0, 0.0); 2]; 2];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = a[i][0] * b[0][j] + a[i][1] * b[1][j];
        }
    }
    m
}

fn dagger(a: &Mat2) -> Mat2 {
    [
        [a[0][0].conj(), a[1][0].conj()],
        [a[0][1].conj(), a[1][1].conj()],
    ]
}

/// Adds ∂⟨O⟩/∂θ for every parameter of gate `op` into `grad` (its parameters, in order), from
/// φ = the state just after the gate and λ = the observable carried back to that point, both
/// vectors of `nbits` qubits (the gate's wires are row wires of a density matrix's vec).
pub(super) fn gate_gradient(op: &Op, nbits: usize, lam: &[C64], phi: &[C64], grad: &mut [f64]) {
    if op.kind.n_params() == 0 {
        return;
    }
    if op.kind.is_single_qubit() {
        let (gens, count) = one_wire_generators(op);
        let b = 1usize << (nbits - 1 - op.wires[0]);
        let inner = pauli_inners(b, control_mask(&op.controls, nbits), lam, phi);
        for &(idx, c, n) in &gens[..count] {
            let v: C64 = (0..4).map(|k| inner[k] * n[k]).sum();
            grad[idx] += 2.0 * c * v.im;
        }
    } else if let Some(c) = generator_coeff(op.kind) {
        let v = generator_inner(op.kind, &op.wires, &op.controls, nbits, lam, phi);
        grad[0] += 2.0 * c * v.im;
    }
}

/// Parameter offsets: the index of each op's first parameter in the gradient.
pub(super) fn offsets(ops: &[NoisyOp]) -> Vec<usize> {
    let mut o = 0;
    ops.iter()
        .map(|op| {
            let here = o;
            o += op.n_params();
            here
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Density matrix.

/// How the density-matrix engine represents ρ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DensityRepr {
    /// The real Pauli basis (fused steps, about 4× less arithmetic) when every gate acts on at
    /// most two wires, controls included; the complex matrix otherwise.
    Auto,
    /// Always the complex matrix vec(ρ) (the cross-check of the fast path).
    Complex,
}

/// The exact density-matrix engine (up to [`MAX_DENSITY_QUBITS`](super::MAX_DENSITY_QUBITS)).
pub struct DensityEngine {
    tape_bytes: usize,
    repr: DensityRepr,
    rho: Option<DensityMatrix>,
    lambda: Option<DensityMatrix>,
    tape: Tape<DensityMatrix>,
    r: Vec<f64>,
    lam: Vec<f64>,
    ptape: Tape<Vec<f64>>,
    // The fused program of the last circuit, its buffers reused by the next (boxed: the
    // engine is a variant of `Engine`, whose variants stay of like size).
    prog: Box<ptm::Program>,
    // The programs and buffers of circuits run side by side ([`DensityEngine::gradients`]).
    batch: Box<ptm::Batch>,
}

impl Default for DensityEngine {
    fn default() -> Self {
        DensityEngine::new()
    }
}

impl DensityEngine {
    /// An engine with the platform's snapshot budget [`TAPE_BYTES`], representation
    /// [`DensityRepr::Auto`].
    pub fn new() -> DensityEngine {
        DensityEngine {
            tape_bytes: TAPE_BYTES,
            repr: DensityRepr::Auto,
            rho: None,
            lambda: None,
            tape: Tape::new(),
            r: Vec::new(),
            lam: Vec::new(),
            ptape: Tape::new(),
            prog: Box::default(),
            batch: Box::default(),
        }
    }

    /// The same with a snapshot budget of `bytes` (0 recomputes everything: least memory).
    pub fn with_tape_bytes(mut self, bytes: usize) -> DensityEngine {
        self.tape_bytes = bytes;
        self
    }

    /// The same with representation `repr`.
    pub fn with_repr(mut self, repr: DensityRepr) -> DensityEngine {
        self.repr = repr;
        self
    }

    /// The final density matrix of `circuit` (readout error does not apply to ρ itself).
    pub fn state(&mut self, circuit: &NoisyCircuit) -> Result<DensityMatrix, SimError> {
        circuit.validate()?;
        let mut rho = DensityMatrix::new(circuit.n_qubits)?;
        run_density(&mut rho, &circuit.ops);
        Ok(rho)
    }

    /// Validates `circuit` (the checks and the first error of [`NoisyCircuit::validate`]) and
    /// compiles it into the engine's fused Pauli-basis program if that representation is used
    /// (true). The ops are validated as they are compiled, so the circuit is read once, not
    /// swept a second time.
    fn program(&mut self, circuit: &NoisyCircuit) -> Result<bool, SimError> {
        circuit.validate_qubits()?;
        let fused = match self.repr {
            DensityRepr::Auto => self.prog.compile(circuit.n_qubits, &circuit.ops)?,
            DensityRepr::Complex => false,
        };
        if fused {
            circuit.validate_readout()?;
        } else {
            // Compiling stopped at a gate on three or more wires, or did not run: the ops after
            // it are unchecked.
            circuit.validate()?;
        }
        Ok(fused)
    }

    /// Runs the compiled program from |0…0⟩ into the engine's Pauli vector.
    fn run_ptm(&mut self, n: usize) -> Result<&[f64], SimError> {
        check_density_qubits(n)?;
        pauli_buffer(&mut self.r, n)?;
        ptm::init(&mut self.r, n);
        for s in self.prog.steps() {
            ptm::forward(&mut self.r, n, s);
        }
        Ok(&self.r)
    }

    /// Runs `circuit` into the engine's reusable ρ buffer.
    fn run(&mut self, circuit: &NoisyCircuit) -> Result<&DensityMatrix, SimError> {
        circuit.validate()?;
        let rho = buffer(&mut self.rho, circuit.n_qubits)?;
        rho.reset();
        run_density(rho, &circuit.ops);
        Ok(rho)
    }

    fn gradient_ptm(
        &mut self,
        circuit: &NoisyCircuit,
        weighted: &[(f64, Observable)],
    ) -> Result<Gradient, SimError> {
        let n = circuit.n_qubits;
        check_density_qubits(n)?;
        pauli_buffer(&mut self.r, n)?;
        pauli_buffer(&mut self.lam, n)?;
        let slots = self.tape_bytes / (density_bytes(n) as usize / 2).max(1);
        let mut r = PtmBackward {
            n,
            steps: self.prog.steps(),
            weighted,
            lambda: &mut self.lam,
            grad: vec![0.0; circuit.n_params()],
            value: 0.0,
        };
        self.ptape.run(&mut r, &mut self.r, slots)?;
        Ok(Gradient {
            value: Estimate::exact(r.value),
            grad: r.grad.into_iter().map(Estimate::exact).collect(),
        })
    }
}

impl DensityEngine {
    /// Compiles `chunk` (2 to [`ptm::LANES`] circuits) into the batch's lanes with the checks
    /// of a single circuit's call, in its order: `before(l, c)` first for each circuit (the
    /// observables' checks of `expvals`), the circuit's, then `after(l, c)` (those of
    /// `gradient`). `Ok(false)` when the circuits cannot run side by side (another qubit count,
    /// a gate on three wires, the complex representation, steps of another shape): the caller
    /// goes one by one, from the first circuit, with every check again. An error is the one
    /// of the first circuit refused, the ones before it valid.
    fn batch_compile(
        &mut self,
        chunk: &[NoisyCircuit],
        grads: bool,
        mut before: impl FnMut(usize, &NoisyCircuit) -> Result<(), SimError>,
        mut after: impl FnMut(usize, &NoisyCircuit) -> Result<(), SimError>,
    ) -> Result<bool, SimError> {
        let Some(first) = chunk.first() else {
            return Ok(false);
        };
        let n = first.n_qubits;
        if !(2..=ptm::LANES).contains(&chunk.len())
            || self.repr != DensityRepr::Auto
            || n > ptm::MAX_BATCH_QUBITS
            || chunk.iter().any(|c| c.n_qubits != n)
        {
            return Ok(false);
        }
        for (l, c) in chunk.iter().enumerate() {
            before(l, c)?;
            c.validate_qubits()?;
            if !self.batch.program(l).compile(n, &c.ops)? {
                // A gate on three wires: the complex path (and its checks) for this circuit.
                return Ok(false);
            }
            c.validate_readout()?;
            after(l, c)?;
            check_density_qubits(n)?;
        }
        let n_params = self.batch.program(0).n_params();
        if (1..chunk.len()).any(|l| self.batch.program(l).n_params() != n_params) {
            return Ok(false);
        }
        Ok(self.batch.merge(chunk.len(), grads))
    }

    /// The gradients of `chunk` (2 to [`ptm::LANES`] circuits, circuit `l` with
    /// `weighted(l)`) side by side into `out`, if they compile into programs of one shape on
    /// the Pauli path; `Ok(false)` (nothing pushed) otherwise, or if the batch's buffers cannot
    /// be had. Errors are those of the first circuit whose [`gradient`](NoisyEngine::gradient)
    /// would fail, the circuits before it being valid.
    pub(super) fn gradient_batch<'w>(
        &mut self,
        chunk: &[NoisyCircuit],
        weighted: impl Fn(usize) -> &'w [(f64, Observable)],
        out: &mut Vec<Gradient>,
    ) -> Result<bool, SimError> {
        let mut folded = Vec::with_capacity(chunk.len());
        let ok = self.batch_compile(
            chunk,
            true,
            |_, _| Ok(()),
            |l, c| {
                folded.push(c.fold_weighted(weighted(l))?);
                Ok(())
            },
        )?;
        if !ok {
            return Ok(false);
        }
        let n = chunk[0].n_qubits;
        let n_params = self.batch.program(0).n_params();
        let lane_bytes = (density_bytes(n) as usize / 2).max(1);
        let slots = self.tape_bytes / (lane_bytes * ptm::LANES);
        let Ok(lanes) = self.batch.gradients(n, &folded, n_params, slots) else {
            // No memory for the batch: one by one, with less.
            return Ok(false);
        };
        out.extend(lanes.into_iter().map(|(value, grad)| Gradient {
            value: Estimate::exact(value),
            grad: grad.into_iter().map(Estimate::exact).collect(),
        }));
        Ok(true)
    }

    /// The expectation values of `observables` for each circuit of `chunk` (2 to
    /// [`ptm::LANES`]) side by side into `out`, as [`gradient_batch`](Self::gradient_batch)
    /// does gradients: `Ok(false)` (nothing pushed) when they cannot run side by side; errors
    /// those of the first circuit whose [`expvals`](NoisyEngine::expvals) would fail.
    pub(super) fn expvals_batch(
        &mut self,
        chunk: &[NoisyCircuit],
        observables: &[Observable],
        out: &mut Vec<Vec<Estimate>>,
    ) -> Result<bool, SimError> {
        let mut folded = Vec::with_capacity(chunk.len());
        let ok = self.batch_compile(
            chunk,
            false,
            |_, c| {
                folded.push(
                    observables
                        .iter()
                        .map(|o| c.fold(o))
                        .collect::<Result<Vec<_>, _>>()?,
                );
                Ok(())
            },
            |_, _| Ok(()),
        )?;
        if !ok {
            return Ok(false);
        }
        for lane in self.batch.expvals(chunk[0].n_qubits, &folded) {
            out.push(lane.into_iter().map(Estimate::exact).collect());
        }
        Ok(true)
    }

    /// [`gradient`](NoisyEngine::gradient) of every circuit, circuit `i` with `weighted(i)`,
    /// [`ptm::LANES`] at a time side by side where they allow it.
    fn gradients_by<'w>(
        &mut self,
        circuits: &[NoisyCircuit],
        weighted: impl Fn(usize) -> &'w [(f64, Observable)],
    ) -> Result<Vec<Gradient>, SimError> {
        let mut out = Vec::with_capacity(circuits.len());
        for (k, chunk) in circuits.chunks(ptm::LANES).enumerate() {
            let at = k * ptm::LANES;
            if !self.gradient_batch(chunk, |l| weighted(at + l), &mut out)? {
                for (l, c) in chunk.iter().enumerate() {
                    out.push(self.gradient(c, weighted(at + l))?);
                }
            }
        }
        Ok(out)
    }
}

/// Resizes a Pauli vector to 4ⁿ entries (n already checked), with an error instead of an abort
/// when the memory is not there.
fn pauli_buffer(v: &mut Vec<f64>, n: usize) -> Result<(), SimError> {
    let len = 1usize << (2 * n);
    if v.len() != len {
        // Freed first, so the old and the new buffer never need memory at once.
        *v = Vec::new();
        *v = super::aligned::zeros_f64(len).map_err(|_| {
            SimError::new(format!(
                "could not allocate {} bytes for a {n}-qubit density matrix; use fewer qubits",
                8 * len
            ))
        })?;
    }
    Ok(())
}

/// The Pauli-basis adjoint: forward through fused steps, backward with λ ← Tᵀλ.
struct PtmBackward<'a> {
    n: usize,
    steps: &'a [ptm::Step],
    weighted: &'a [(f64, Observable)],
    lambda: &'a mut Vec<f64>,
    grad: Vec<f64>,
    value: f64,
}

impl Replay for PtmBackward<'_> {
    type Buf = Vec<f64>;

    fn n_steps(&self) -> usize {
        self.steps.len()
    }

    fn barrier(&self, k: usize) -> bool {
        self.steps[k].barrier()
    }

    fn alloc(&self) -> Result<Vec<f64>, SimError> {
        let mut v = Vec::new();
        pauli_buffer(&mut v, self.n)?;
        Ok(v)
    }

    fn init(&self, b: &mut Vec<f64>) {
        ptm::init(b, self.n);
    }

    fn copy(&self, dst: &mut Vec<f64>, src: &Vec<f64>) {
        dst.clear();
        dst.extend_from_slice(src);
    }

    fn step(&mut self, b: &mut Vec<f64>, k: usize) {
        ptm::forward(b, self.n, &self.steps[k]);
    }

    fn step_into(&mut self, src: &Vec<f64>, dst: &mut Vec<f64>, k: usize) {
        ptm::forward_into(src, dst, self.n, &self.steps[k]);
    }

    fn start_back(&mut self, end: &Vec<f64>) {
        self.value = self
            .weighted
            .iter()
            .map(|(w, o)| w * ptm::expval(o, end, self.n))
            .sum();
        self.lambda.iter_mut().for_each(|v| *v = 0.0);
        for (w, o) in self.weighted {
            ptm::add_coefficients(o, *w, self.n, self.lambda);
        }
    }

    fn back(&mut self, b: &mut Vec<f64>, k: usize) {
        // A step without a channel is orthogonal: its transpose undoes it.
        let s = &self.steps[k];
        ptm::transpose_apply(b, self.n, s);
        ptm::backward(self.lambda, b, self.n, s, &mut self.grad);
    }

    fn back_barrier(&mut self, before: &Vec<f64>, k: usize) {
        ptm::backward(self.lambda, before, self.n, &self.steps[k], &mut self.grad);
    }
}

/// A buffer of `n` qubits in `slot`, reused when the size agrees.
fn buffer(slot: &mut Option<DensityMatrix>, n: usize) -> Result<&mut DensityMatrix, SimError> {
    if !matches!(slot, Some(r) if r.n_qubits() == n) {
        *slot = None;
        *slot = Some(DensityMatrix::new(n)?);
    }
    match slot {
        Some(r) => Ok(r),
        None => Err(SimError::new("internal: density buffer missing")),
    }
}

/// Applies every op (valid ones; validate first) to `rho`.
fn run_density(rho: &mut DensityMatrix, ops: &[NoisyOp]) {
    for op in ops {
        match op {
            NoisyOp::Gate(g) => rho.apply(g),
            NoisyOp::Channel(ch) => rho.apply_superop(ch.wire, &ch.superop()),
        }
    }
}

impl NoisyEngine for DensityEngine {
    fn name(&self) -> &'static str {
        "density matrix"
    }

    fn expvals(
        &mut self,
        circuit: &NoisyCircuit,
        observables: &[Observable],
    ) -> Result<Vec<Estimate>, SimError> {
        let folded: Vec<Observable> = observables
            .iter()
            .map(|o| circuit.fold(o))
            .collect::<Result<_, _>>()?;
        if self.program(circuit)? {
            let n = circuit.n_qubits;
            let r = self.run_ptm(n)?;
            return Ok(folded
                .iter()
                .map(|o| Estimate::exact(ptm::expval(o, r, n)))
                .collect());
        }
        let rho = self.run(circuit)?;
        Ok(folded
            .iter()
            .map(|o| Estimate::exact(rho.expval(o)))
            .collect())
    }

    fn probabilities(&mut self, circuit: &NoisyCircuit) -> Result<Vec<Estimate>, SimError> {
        let p = if self.program(circuit)? {
            ptm::probabilities(self.run_ptm(circuit.n_qubits)?, circuit.n_qubits)
        } else {
            self.run(circuit)?.probabilities()
        };
        Ok(circuit
            .read_out(p)?
            .into_iter()
            .map(Estimate::exact)
            .collect())
    }

    fn gradient(
        &mut self,
        circuit: &NoisyCircuit,
        weighted: &[(f64, Observable)],
    ) -> Result<Gradient, SimError> {
        let fused = self.program(circuit)?;
        let weighted = circuit.fold_weighted(weighted)?;
        if fused {
            return self.gradient_ptm(circuit, &weighted);
        }
        let n = circuit.n_qubits;
        let slots = self.tape_bytes / (density_bytes(n) as usize).max(1);
        buffer(&mut self.rho, n)?;
        buffer(&mut self.lambda, n)?;
        let (Some(rho), Some(lambda)) = (self.rho.as_mut(), self.lambda.as_mut()) else {
            return Err(SimError::new("internal: density buffers missing"));
        };
        // Snapshots from an earlier call of another size cannot be reused.
        let mut tape = std::mem::replace(&mut self.tape, Tape::new());
        if tape_size(&tape) != Some(n) {
            tape = Tape::new();
        }
        let mut r = DmBackward {
            n,
            ops: &circuit.ops,
            sups: circuit
                .ops
                .iter()
                .map(|o| match o {
                    NoisyOp::Channel(ch) => Some(ch.superop()),
                    NoisyOp::Gate(_) => None,
                })
                .collect(),
            offsets: offsets(&circuit.ops),
            weighted: &weighted,
            lambda,
            grad: vec![0.0; circuit.n_params()],
            value: 0.0,
        };
        let res = tape.run(&mut r, rho, slots);
        let (value, grad) = (r.value, r.grad);
        self.tape = tape;
        res?;
        Ok(Gradient {
            value: Estimate::exact(value),
            grad: grad.into_iter().map(Estimate::exact).collect(),
        })
    }

    /// Up to 4 circuits at a time side by side (their Pauli vectors interleaved, one lane
    /// each) when they compile into programs of one shape, one by one otherwise: the numbers
    /// of [`gradient`](NoisyEngine::gradient) bit for bit either way.
    fn gradients(
        &mut self,
        circuits: &[NoisyCircuit],
        weighted: &[(f64, Observable)],
    ) -> Result<Vec<Gradient>, SimError> {
        self.gradients_by(circuits, |_| weighted)
    }

    /// As [`gradients`](NoisyEngine::gradients), side by side where it can.
    fn gradients_weighted(
        &mut self,
        circuits: &[NoisyCircuit],
        weighted: &[Vec<(f64, Observable)>],
    ) -> Result<Vec<Gradient>, SimError> {
        check_lists(circuits, weighted)?;
        self.gradients_by(circuits, |i| &weighted[i][..])
    }

    /// Up to 4 circuits at a time side by side, as [`gradients`](NoisyEngine::gradients):
    /// the numbers of [`expvals`](NoisyEngine::expvals) bit for bit.
    fn expvals_many(
        &mut self,
        circuits: &[NoisyCircuit],
        observables: &[Observable],
    ) -> Result<Vec<Vec<Estimate>>, SimError> {
        let mut out = Vec::with_capacity(circuits.len());
        for chunk in circuits.chunks(ptm::LANES) {
            if !self.expvals_batch(chunk, observables, &mut out)? {
                for c in chunk {
                    out.push(self.expvals(c, observables)?);
                }
            }
        }
        Ok(out)
    }
}

/// The qubit count of the tape's snapshots, if it holds any.
fn tape_size(t: &Tape<DensityMatrix>) -> Option<usize> {
    t.first().map(DensityMatrix::n_qubits)
}

struct DmBackward<'a> {
    n: usize,
    ops: &'a [NoisyOp],
    sups: Vec<Option<Superop>>,
    offsets: Vec<usize>,
    weighted: &'a [(f64, Observable)],
    lambda: &'a mut DensityMatrix,
    grad: Vec<f64>,
    value: f64,
}

impl Replay for DmBackward<'_> {
    type Buf = DensityMatrix;

    fn n_steps(&self) -> usize {
        self.ops.len()
    }

    fn barrier(&self, k: usize) -> bool {
        matches!(self.ops[k], NoisyOp::Channel(_))
    }

    fn alloc(&self) -> Result<DensityMatrix, SimError> {
        DensityMatrix::new(self.n)
    }

    fn init(&self, b: &mut DensityMatrix) {
        b.reset();
    }

    fn copy(&self, dst: &mut DensityMatrix, src: &DensityMatrix) {
        dst.copy_from(src);
    }

    fn step(&mut self, b: &mut DensityMatrix, k: usize) {
        match (&self.ops[k], &self.sups[k]) {
            (NoisyOp::Gate(g), _) => b.apply(g),
            (NoisyOp::Channel(ch), Some(s)) => b.apply_superop(ch.wire, s),
            (NoisyOp::Channel(_), None) => {}
        }
    }

    fn start_back(&mut self, end: &DensityMatrix) {
        self.value = self.weighted.iter().map(|(w, o)| w * end.expval(o)).sum();
        let m = self.lambda.matrix_mut();
        m.fill(C64::new(0.0, 0.0));
        for (w, o) in self.weighted {
            add_observable_matrix(o, *w, self.n, m);
        }
    }

    fn back(&mut self, rho: &mut DensityMatrix, k: usize) {
        let NoisyOp::Gate(op) = &self.ops[k] else {
            return;
        };
        let off = self.offsets[k];
        gate_gradient(
            op,
            2 * self.n,
            self.lambda.matrix(),
            rho.matrix(),
            &mut self.grad[off..],
        );
        rho.apply_inverse(op);
        self.lambda.apply_inverse(op);
    }

    fn back_barrier(&mut self, _before: &Self::Buf, k: usize) {
        if let (NoisyOp::Channel(ch), Some(s)) = (&self.ops[k], &self.sups[k]) {
            self.lambda.apply_superop(ch.wire, &s.adjoint());
        }
    }
}

/// Which engine to run, as a document or a caller chooses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// Ideal gates on a statevector (channels refused).
    Statevector,
    /// The exact density matrix.
    DensityMatrix,
    /// Monte-Carlo trajectories.
    Trajectories {
        /// Trajectories per call.
        trajectories: usize,
        /// Seed of the random stream.
        seed: u64,
    },
}

/// Any of the three engines, dispatching [`NoisyEngine`].
pub enum Engine {
    /// See [`StatevectorEngine`].
    Statevector(StatevectorEngine),
    /// See [`DensityEngine`].
    DensityMatrix(DensityEngine),
    /// See [`TrajectoryEngine`].
    Trajectories(TrajectoryEngine),
}

impl Engine {
    /// The engine `kind` describes (errors for a bad trajectory count).
    pub fn new(kind: EngineKind) -> Result<Engine, SimError> {
        Ok(match kind {
            EngineKind::Statevector => Engine::Statevector(StatevectorEngine::new()),
            EngineKind::DensityMatrix => Engine::DensityMatrix(DensityEngine::new()),
            EngineKind::Trajectories { trajectories, seed } => {
                Engine::Trajectories(TrajectoryEngine::new(trajectories, seed)?)
            }
        })
    }

    fn inner(&mut self) -> &mut dyn NoisyEngine {
        match self {
            Engine::Statevector(e) => e,
            Engine::DensityMatrix(e) => e,
            Engine::Trajectories(e) => e,
        }
    }
}

impl NoisyEngine for Engine {
    fn name(&self) -> &'static str {
        match self {
            Engine::Statevector(e) => e.name(),
            Engine::DensityMatrix(e) => e.name(),
            Engine::Trajectories(e) => e.name(),
        }
    }

    fn expvals(
        &mut self,
        circuit: &NoisyCircuit,
        observables: &[Observable],
    ) -> Result<Vec<Estimate>, SimError> {
        self.inner().expvals(circuit, observables)
    }

    fn probabilities(&mut self, circuit: &NoisyCircuit) -> Result<Vec<Estimate>, SimError> {
        self.inner().probabilities(circuit)
    }

    fn gradient(
        &mut self,
        circuit: &NoisyCircuit,
        weighted: &[(f64, Observable)],
    ) -> Result<Gradient, SimError> {
        self.inner().gradient(circuit, weighted)
    }

    fn gradients(
        &mut self,
        circuits: &[NoisyCircuit],
        weighted: &[(f64, Observable)],
    ) -> Result<Vec<Gradient>, SimError> {
        self.inner().gradients(circuits, weighted)
    }

    fn gradients_weighted(
        &mut self,
        circuits: &[NoisyCircuit],
        weighted: &[Vec<(f64, Observable)>],
    ) -> Result<Vec<Gradient>, SimError> {
        self.inner().gradients_weighted(circuits, weighted)
    }

    fn expvals_many(
        &mut self,
        circuits: &[NoisyCircuit],
        observables: &[Observable],
    ) -> Result<Vec<Vec<Estimate>>, SimError> {
        self.inner().expvals_many(circuits, observables)
    }
}
