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
//! | [`DensityEngine`] | [`DensityMatrix`] | exact | adjoint on ρ, exact | [`MAX_DENSITY_QUBITS`](super::MAX_DENSITY_QUBITS) |
//! | [`TrajectoryEngine`] | `State` × N trajectories | one Kraus operator sampled per channel | per-trajectory adjoint, unbiased | [`MAX_QUBITS`](super::MAX_QUBITS) |
//!
//! [`Engine`] holds any of them (chosen by an [`EngineKind`]) and dispatches.
//!
//! **Density-matrix gradient.** With ρₖ the state after gate k and Oₖ = E†(…) the observable
//! carried back through every later gate and channel (Heisenberg picture: U†OU for a gate,
//! Σ K†OK for a channel), a gate U(θ) = exp(−icθG) gives ∂⟨O⟩/∂θ = 2c·Im Tr(Oₖ G ρₖ) — the
//! statevector adjoint formula with ⟨λ| = vec(Oₖ)† and |φ⟩ = vec(ρₖ). Gates are undone on ρ
//! exactly; channels are not invertible, so the state before each channel comes from a snapshot
//! taken on the forward pass (or is recomputed from checkpoints when snapshots would exceed the
//! engine's tape budget, [`TAPE_BYTES`]).
//!
//! **Trajectories.** Each channel applies one Kraus operator Kₖ with its Born probability
//! pₖ = ‖Kₖψ‖², then renormalises; the mean of ⟨ψ|O|ψ⟩ over trajectories is Tr(Oρ). For the
//! gradient, each trajectory is a fixed sequence of gates and operators Aₖ = Kₖ/√pₖ; its adjoint
//! gradient (Aₖ held fixed) has expectation ∂Tr(Oρ)/∂θ, because the unnormalised trajectory
//! weights are ‖ψ̃‖² = Π pₖ and ∂⟨ψ̃|O|ψ̃⟩ = ‖ψ̃‖²·(the normalised trajectory's gradient).

use super::channel::{Channel, Superop};
use super::density::{add_observable_matrix, i_pow, sign, DensityMatrix};
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
        if self.n_qubits == 0 {
            return Err(SimError::new("a circuit needs at least 1 qubit; got 0"));
        }
        for (k, op) in self.ops.iter().enumerate() {
            op.validate(self.n_qubits)
                .map_err(|e| SimError::new(format!("operation {}: {e}", k + 1)))?;
        }
        if let Some(r) = &self.readout {
            r.validate(self.n_qubits)?;
        }
        Ok(())
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
    let mut proj = controls
        .iter()
        .fold(0usize, |m, &w| m | (1 << (nbits - 1 - w)));
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
    // (Pφ)ᵢ = i^{nY} (−1)^{|(i^x) & z|} φ[i ^ x], restricted to i with every proj bit set.
    let mut acc = C64::new(0.0, 0.0);
    for (i, l) in lam.iter().enumerate() {
        if i & proj == proj {
            let j = i ^ x;
            acc += l.conj() * phi[j] * sign(j, z);
        }
    }
    i_pow(n_y) * acc
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

/// The exact density-matrix engine (up to [`MAX_DENSITY_QUBITS`](super::MAX_DENSITY_QUBITS)).
pub struct DensityEngine {
    tape_bytes: usize,
    rho: Option<DensityMatrix>,
    lambda: Option<DensityMatrix>,
    tape: Tape<DensityMatrix>,
}

impl Default for DensityEngine {
    fn default() -> Self {
        DensityEngine::new()
    }
}

impl DensityEngine {
    /// An engine with the platform's snapshot budget [`TAPE_BYTES`].
    pub fn new() -> DensityEngine {
        DensityEngine {
            tape_bytes: TAPE_BYTES,
            rho: None,
            lambda: None,
            tape: Tape::new(),
        }
    }

    /// The same with a snapshot budget of `bytes` (0 recomputes everything: least memory).
    pub fn with_tape_bytes(bytes: usize) -> DensityEngine {
        DensityEngine {
            tape_bytes: bytes,
            ..DensityEngine::new()
        }
    }

    /// The final density matrix of `circuit` (readout error does not apply to ρ itself).
    pub fn state(&mut self, circuit: &NoisyCircuit) -> Result<DensityMatrix, SimError> {
        circuit.validate()?;
        let mut rho = DensityMatrix::new(circuit.n_qubits)?;
        run_density(&mut rho, &circuit.ops);
        Ok(rho)
    }

    /// Runs `circuit` into the engine's reusable ρ buffer.
    fn run(&mut self, circuit: &NoisyCircuit) -> Result<&DensityMatrix, SimError> {
        circuit.validate()?;
        let rho = buffer(&mut self.rho, circuit.n_qubits)?;
        rho.reset();
        run_density(rho, &circuit.ops);
        Ok(rho)
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
        let rho = self.run(circuit)?;
        Ok(folded
            .iter()
            .map(|o| Estimate::exact(rho.expval(o)))
            .collect())
    }

    fn probabilities(&mut self, circuit: &NoisyCircuit) -> Result<Vec<Estimate>, SimError> {
        let p = self.run(circuit)?.probabilities();
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
        circuit.validate()?;
        let weighted = circuit.fold_weighted(weighted)?;
        let n = circuit.n_qubits;
        let slots = self.tape_bytes / (super::density::density_bytes(n) as usize).max(1);
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
        let (prims, count) = primitives(op);
        for &(kind, params, local) in prims[..count].iter().rev() {
            if let (Some(i), Some(c)) = (local, generator_coeff(kind)) {
                let inner = generator_inner(
                    kind,
                    &op.wires,
                    &op.controls,
                    2 * self.n,
                    self.lambda.matrix(),
                    rho.matrix(),
                );
                self.grad[self.offsets[k] + i] += 2.0 * c * inner.im;
            }
            let (ik, ip) = kind.inverse_of(params);
            rho.apply_kind(ik, ip, op);
            self.lambda.apply_kind(ik, ip, op);
        }
    }

    fn back_barrier(&mut self, k: usize) {
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
}
