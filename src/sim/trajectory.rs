//! The statevector engines of [`NoisyEngine`]: [`StatevectorEngine`] (ideal gates, exact
//! readout error) and [`TrajectoryEngine`] (Monte-Carlo wave functions), with the statevector
//! adjoint they share.
//!
//! A trajectory applies, at each channel, one Kraus operator Kₖ drawn with its Born probability
//! pₖ = ‖Kₖψ‖² (state-independent for the Pauli channels; from the wire's reduced 2×2 matrix for
//! the damping channels) and renormalises. The normalised operator of a Pauli-channel pick is
//! the Pauli gate itself, so it is applied with the gate kernels and undone exactly on the
//! backward pass; damping picks are not invertible and are barriers for the [`Tape`]. The
//! gradient of one trajectory is the statevector adjoint over its fixed sequence of gates and
//! normalised Kraus operators (see the [`noisy`](super::noisy) module docs for why its mean is
//! the exact gradient).
//!
//! A channel event much rarer than 1/N may never occur in N trajectories: the mean then misses
//! its weight while the standard error (from the sample variance) is 0. Use N ≫ 1/p for the
//! smallest strength p that matters.

use super::channel::{Channel, Mat2};
use super::noisy::{
    gate_gradient, offsets, Estimate, Gradient, NoisyCircuit, NoisyEngine, NoisyOp, TAPE_BYTES,
};
use super::tape::{Replay, Tape};
use super::{check_qubits, GateKind, Observable, Op, SimError, State, C64};
use crate::rng::Rng;

/// The Kraus operator a trajectory picked at a channel, normalised: A = K/√p.
#[derive(Clone, Copy, Debug)]
struct Pick {
    /// Which Kraus operator.
    index: usize,
    /// 1/√p.
    scale: f64,
}

/// Kraus operators of every channel of `ops` (None for gates).
fn kraus_table(ops: &[NoisyOp]) -> Vec<Option<Vec<Mat2>>> {
    ops.iter()
        .map(|o| match o {
            NoisyOp::Channel(ch) => Some(ch.kind.kraus_unchecked(ch.strength)),
            NoisyOp::Gate(_) => None,
        })
        .collect()
}

/// ψ ← scale·M ψ on `wire` of an `n`-qubit state.
fn apply_mat2(psi: &mut State, wire: usize, m: &Mat2, scale: f64) {
    let n = psi.n_qubits();
    let s = 1usize << (n - 1 - wire);
    let m = [
        [m[0][0] * scale, m[0][1] * scale],
        [m[1][0] * scale, m[1][1] * scale],
    ];
    for chunk in psi.amplitudes_mut().chunks_exact_mut(2 * s) {
        let (lo, hi) = chunk.split_at_mut(s);
        for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
            let (x, y) = (*a, *b);
            *a = m[0][0] * x + m[0][1] * y;
            *b = m[1][0] * x + m[1][1] * y;
        }
    }
}

/// The Pauli gate a normalised Pauli-channel Kraus operator is (None for the identity).
fn pauli_of(ch: &Channel, index: usize) -> Option<GateKind> {
    match (ch.kind, index) {
        (_, 0) => None,
        (super::ChannelKind::BitFlip, _) => Some(GateKind::X),
        (super::ChannelKind::PhaseFlip, _) => Some(GateKind::Z),
        (_, 1) => Some(GateKind::X),
        (_, 2) => Some(GateKind::Y),
        _ => Some(GateKind::Z),
    }
}

/// Samples a Kraus operator of `ch` for `psi` with its Born probability and applies it,
/// normalised. `scratch` is a reusable one-wire op.
fn sample_channel(
    psi: &mut State,
    ch: &Channel,
    kraus: &[Mat2],
    rng: &mut Rng,
    scratch: &mut Op,
) -> Pick {
    let probs: [f64; 4] = if ch.kind.is_pauli() {
        let s = ch.strength;
        match ch.kind {
            super::ChannelKind::DepolarizingChannel => [1.0 - s, s / 3.0, s / 3.0, s / 3.0],
            _ => [1.0 - s, s, 0.0, 0.0],
        }
    } else {
        // pₖ = Tr(Kₖ†Kₖ ρ_w) with ρ_w the wire's reduced 2×2 matrix.
        let rw = reduced_of_state(psi, ch.wire);
        let mut p = [0.0; 4];
        for (pk, k) in p.iter_mut().zip(kraus) {
            let mut acc = C64::new(0.0, 0.0);
            for a in 0..2 {
                for b in 0..2 {
                    // (K†K)[a][b] ρ[b][a]
                    let kk = k[0][a].conj() * k[0][b] + k[1][a].conj() * k[1][b];
                    acc += kk * rw[b][a];
                }
            }
            *pk = acc.re.max(0.0);
        }
        p
    };
    let total: f64 = probs[..kraus.len()].iter().sum();
    let u = rng.uniform() * total;
    let mut cum = 0.0;
    let mut index = kraus.len() - 1;
    for (k, p) in probs[..kraus.len()].iter().enumerate() {
        cum += p;
        if u < cum {
            index = k;
            break;
        }
    }
    // Rounding at the top end: never pick a zero-probability operator.
    while probs[index] <= 0.0 && index > 0 {
        index -= 1;
    }
    let scale = 1.0 / probs[index].sqrt();
    let pick = Pick { index, scale };
    apply_pick(psi, ch, kraus, pick, scratch);
    pick
}

/// Applies a recorded pick: the Pauli gate itself for Pauli channels, else scale·K.
fn apply_pick(psi: &mut State, ch: &Channel, kraus: &[Mat2], pick: Pick, scratch: &mut Op) {
    if ch.kind.is_pauli() {
        if let Some(g) = pauli_of(ch, pick.index) {
            scratch.kind = g;
            scratch.wires.clear();
            scratch.wires.push(ch.wire);
            scratch.controls.clear();
            psi.apply(scratch);
        }
    } else {
        apply_mat2(psi, ch.wire, &kraus[pick.index], pick.scale);
    }
}

/// The reduced 2×2 density matrix of `wire` of a statevector.
fn reduced_of_state(psi: &State, wire: usize) -> [[C64; 2]; 2] {
    let n = psi.n_qubits();
    let s = 1usize << (n - 1 - wire);
    let mut m = [[C64::new(0.0, 0.0); 2]; 2];
    for chunk in psi.amplitudes().chunks_exact(2 * s) {
        let (lo, hi) = chunk.split_at(s);
        for (a, b) in lo.iter().zip(hi) {
            m[0][0] += a * a.conj();
            m[0][1] += a * b.conj();
            m[1][1] += b * b.conj();
        }
    }
    m[1][0] = m[0][1].conj();
    m
}

fn one_wire_scratch() -> Op {
    Op {
        kind: GateKind::X,
        wires: Vec::with_capacity(1),
        controls: Vec::new(),
        params: [0.0; 3],
    }
}

/// The statevector adjoint over a (possibly sampled) trajectory.
struct SvBackward<'a> {
    n: usize,
    ops: &'a [NoisyOp],
    kraus: &'a [Option<Vec<Mat2>>],
    picks: Vec<Option<Pick>>,
    offsets: &'a [usize],
    weighted: &'a [(f64, Observable)],
    rng: &'a mut Rng,
    lambda: &'a mut State,
    tmp: &'a mut State,
    scratch: Op,
    grad: Vec<f64>,
    value: f64,
}

impl SvBackward<'_> {
    fn reset(&mut self) {
        self.picks.iter_mut().for_each(|p| *p = None);
        self.grad.iter_mut().for_each(|g| *g = 0.0);
        self.value = 0.0;
    }
}

impl Replay for SvBackward<'_> {
    type Buf = State;

    fn n_steps(&self) -> usize {
        self.ops.len()
    }

    fn barrier(&self, k: usize) -> bool {
        matches!(&self.ops[k], NoisyOp::Channel(ch) if !ch.kind.is_pauli())
    }

    fn alloc(&self) -> Result<State, SimError> {
        State::new(self.n)
    }

    fn init(&self, b: &mut State) {
        b.reset();
    }

    fn copy(&self, dst: &mut State, src: &State) {
        dst.copy_from(src);
    }

    fn step(&mut self, b: &mut State, k: usize) {
        match &self.ops[k] {
            NoisyOp::Gate(g) => b.apply(g),
            NoisyOp::Channel(ch) => {
                let Some(kraus) = &self.kraus[k] else { return };
                match self.picks[k] {
                    Some(p) => apply_pick(b, ch, kraus, p, &mut self.scratch),
                    None => {
                        let p = sample_channel(b, ch, kraus, self.rng, &mut self.scratch);
                        self.picks[k] = Some(p);
                    }
                }
            }
        }
    }

    fn start_back(&mut self, end: &State) {
        self.value = self.weighted.iter().map(|(w, o)| w * end.expval(o)).sum();
        self.lambda.amplitudes_mut().fill(C64::new(0.0, 0.0));
        for (w, o) in self.weighted {
            end.apply_observable(o, self.tmp);
            for (l, t) in self
                .lambda
                .amplitudes_mut()
                .iter_mut()
                .zip(self.tmp.amplitudes())
            {
                *l += t * *w;
            }
        }
    }

    fn back(&mut self, psi: &mut State, k: usize) {
        match &self.ops[k] {
            NoisyOp::Gate(op) => {
                let off = self.offsets[k];
                gate_gradient(
                    op,
                    self.n,
                    self.lambda.amplitudes(),
                    psi.amplitudes(),
                    &mut self.grad[off..],
                );
                psi.apply_inverse(op);
                self.lambda.apply_inverse(op);
            }
            NoisyOp::Channel(ch) => {
                // A Pauli pick: the normalised operator is the Pauli itself, self-inverse and
                // Hermitian, so it undoes ψ and carries λ back (A†λ = Aλ).
                if let (Some(p), Some(kraus)) = (self.picks[k], &self.kraus[k]) {
                    apply_pick(psi, ch, kraus, p, &mut self.scratch);
                    apply_pick(self.lambda, ch, kraus, p, &mut self.scratch);
                }
            }
        }
    }

    fn back_barrier(&mut self, _before: &Self::Buf, k: usize) {
        if let (NoisyOp::Channel(ch), Some(p), Some(kraus)) =
            (&self.ops[k], self.picks[k], &self.kraus[k])
        {
            let m = kraus[p.index];
            let dag = [
                [m[0][0].conj(), m[1][0].conj()],
                [m[0][1].conj(), m[1][1].conj()],
            ];
            apply_mat2(self.lambda, ch.wire, &dag, p.scale);
        }
    }
}

/// Running mean and variance (Welford).
#[derive(Clone, Copy, Debug, Default)]
struct Stats {
    count: f64,
    mean: f64,
    m2: f64,
}

impl Stats {
    fn push(&mut self, x: f64) {
        self.count += 1.0;
        let d = x - self.mean;
        self.mean += d / self.count;
        self.m2 += d * (x - self.mean);
    }

    fn estimate(&self) -> Estimate {
        let var = if self.count > 1.0 {
            self.m2 / (self.count - 1.0)
        } else {
            0.0
        };
        Estimate {
            mean: self.mean,
            std_error: (var / self.count.max(1.0)).sqrt(),
        }
    }
}

/// Reusable statevector buffers of one size.
struct SvBuffers {
    psi: State,
    lambda: State,
    tmp: State,
    tape: Tape<State>,
}

impl SvBuffers {
    fn get(slot: &mut Option<SvBuffers>, n: usize) -> Result<&mut SvBuffers, SimError> {
        if !matches!(slot, Some(b) if b.psi.n_qubits() == n) {
            *slot = None;
            *slot = Some(SvBuffers {
                psi: State::new(n)?,
                lambda: State::new(n)?,
                tmp: State::new(n)?,
                tape: Tape::new(),
            });
        }
        match slot {
            Some(b) => Ok(b),
            None => Err(SimError::new("internal: statevector buffers missing")),
        }
    }
}

/// The ideal statevector engine: gates only (a circuit with channels is refused), readout
/// error applied exactly.
#[derive(Default)]
pub struct StatevectorEngine {
    bufs: Option<SvBuffers>,
}

impl StatevectorEngine {
    /// A new engine.
    pub fn new() -> StatevectorEngine {
        StatevectorEngine { bufs: None }
    }

    fn check(circuit: &NoisyCircuit) -> Result<(), SimError> {
        circuit.validate()?;
        check_qubits(circuit.n_qubits)?;
        if let Some((k, NoisyOp::Channel(ch))) = circuit
            .ops
            .iter()
            .enumerate()
            .find(|(_, o)| matches!(o, NoisyOp::Channel(_)))
        {
            return Err(SimError::new(format!(
                "operation {} is the channel {}: the statevector engine runs ideal circuits only; \
                 choose the density-matrix or the trajectory engine, or remove the noise",
                k + 1,
                ch.kind.name()
            )));
        }
        Ok(())
    }

    fn run(&mut self, circuit: &NoisyCircuit) -> Result<&State, SimError> {
        StatevectorEngine::check(circuit)?;
        let b = SvBuffers::get(&mut self.bufs, circuit.n_qubits)?;
        b.psi.reset();
        for op in &circuit.ops {
            if let NoisyOp::Gate(g) = op {
                b.psi.apply(g);
            }
        }
        Ok(&b.psi)
    }
}

impl NoisyEngine for StatevectorEngine {
    fn name(&self) -> &'static str {
        "statevector"
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
        let psi = self.run(circuit)?;
        Ok(folded
            .iter()
            .map(|o| Estimate::exact(psi.expval(o)))
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
        StatevectorEngine::check(circuit)?;
        let weighted = circuit.fold_weighted(weighted)?;
        let b = SvBuffers::get(&mut self.bufs, circuit.n_qubits)?;
        let offs = offsets(&circuit.ops);
        let kraus = kraus_table(&circuit.ops);
        let mut rng = Rng::new(0);
        let mut r = SvBackward {
            n: circuit.n_qubits,
            ops: &circuit.ops,
            kraus: &kraus,
            picks: vec![None; circuit.ops.len()],
            offsets: &offs,
            weighted: &weighted,
            rng: &mut rng,
            lambda: &mut b.lambda,
            tmp: &mut b.tmp,
            scratch: one_wire_scratch(),
            grad: vec![0.0; circuit.n_params()],
            value: 0.0,
        };
        b.tape.run(&mut r, &mut b.psi, 0)?;
        Ok(Gradient {
            value: Estimate::exact(r.value),
            grad: r.grad.into_iter().map(Estimate::exact).collect(),
        })
    }
}

/// The most trajectories one call may run.
pub const MAX_TRAJECTORIES: usize = 10_000_000;

/// Monte-Carlo wave functions: N seeded trajectories on the statevector.
///
/// The generator advances across calls (every call sees fresh noise); the sequence of results
/// is fixed by the seed.
pub struct TrajectoryEngine {
    trajectories: usize,
    rng: Rng,
    tape_bytes: usize,
    bufs: Option<SvBuffers>,
}

impl TrajectoryEngine {
    /// `trajectories` (2 to [`MAX_TRAJECTORIES`]) per call, seeded with `seed`.
    pub fn new(trajectories: usize, seed: u64) -> Result<TrajectoryEngine, SimError> {
        if !(2..=MAX_TRAJECTORIES).contains(&trajectories) {
            return Err(SimError::new(format!(
                "the trajectory engine needs from 2 to {MAX_TRAJECTORIES} trajectories (2 for a \
                 standard error); got {trajectories}"
            )));
        }
        Ok(TrajectoryEngine {
            trajectories,
            rng: Rng::new(seed),
            tape_bytes: TAPE_BYTES,
            bufs: None,
        })
    }

    /// The same with a snapshot budget of `bytes` for the gradient (0 recomputes everything).
    pub fn with_tape_bytes(mut self, bytes: usize) -> TrajectoryEngine {
        self.tape_bytes = bytes;
        self
    }

    /// Number of trajectories per call.
    pub fn trajectories(&self) -> usize {
        self.trajectories
    }

    /// Restarts the random stream from `seed`.
    pub fn reseed(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
    }

    /// Validates `circuit` and readies the buffers for its size.
    fn prepare(&mut self, circuit: &NoisyCircuit) -> Result<(), SimError> {
        circuit.validate()?;
        check_qubits(circuit.n_qubits)?;
        SvBuffers::get(&mut self.bufs, circuit.n_qubits)?;
        Ok(())
    }

    /// Calls `read(state)` on the final state of each of the N trajectories.
    fn each_trajectory(
        &mut self,
        circuit: &NoisyCircuit,
        mut read: impl FnMut(&State),
    ) -> Result<(), SimError> {
        self.prepare(circuit)?;
        let kraus = kraus_table(&circuit.ops);
        let Some(b) = self.bufs.as_mut() else {
            return Err(SimError::new("internal: trajectory buffers missing"));
        };
        let mut scratch = one_wire_scratch();
        for _ in 0..self.trajectories {
            b.psi.reset();
            for (op, k) in circuit.ops.iter().zip(&kraus) {
                match (op, k) {
                    (NoisyOp::Gate(g), _) => b.psi.apply(g),
                    (NoisyOp::Channel(ch), Some(k)) => {
                        sample_channel(&mut b.psi, ch, k, &mut self.rng, &mut scratch);
                    }
                    (NoisyOp::Channel(_), None) => {}
                }
            }
            read(&b.psi);
        }
        Ok(())
    }
}

impl NoisyEngine for TrajectoryEngine {
    fn name(&self) -> &'static str {
        "trajectories"
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
        let mut stats = vec![Stats::default(); folded.len()];
        self.each_trajectory(circuit, |psi| {
            for (s, o) in stats.iter_mut().zip(&folded) {
                s.push(psi.expval(o));
            }
        })?;
        Ok(stats.iter().map(Stats::estimate).collect())
    }

    fn probabilities(&mut self, circuit: &NoisyCircuit) -> Result<Vec<Estimate>, SimError> {
        self.prepare(circuit)?;
        let mut stats = vec![Stats::default(); 1usize << circuit.n_qubits];
        let mut err = None;
        self.each_trajectory(circuit, |psi| match circuit.read_out(psi.probabilities()) {
            Ok(p) => {
                for (s, v) in stats.iter_mut().zip(p) {
                    s.push(v);
                }
            }
            Err(e) => err = Some(e),
        })?;
        if let Some(e) = err {
            return Err(e);
        }
        Ok(stats.iter().map(Stats::estimate).collect())
    }

    fn gradient(
        &mut self,
        circuit: &NoisyCircuit,
        weighted: &[(f64, Observable)],
    ) -> Result<Gradient, SimError> {
        self.prepare(circuit)?;
        let weighted = circuit.fold_weighted(weighted)?;
        let n = circuit.n_qubits;
        let slots = self.tape_bytes / (super::state_bytes(n) as usize).max(1);
        let offs = offsets(&circuit.ops);
        let kraus = kraus_table(&circuit.ops);
        let Some(b) = self.bufs.as_mut() else {
            return Err(SimError::new("internal: trajectory buffers missing"));
        };
        let mut r = SvBackward {
            n,
            ops: &circuit.ops,
            kraus: &kraus,
            picks: vec![None; circuit.ops.len()],
            offsets: &offs,
            weighted: &weighted,
            rng: &mut self.rng,
            lambda: &mut b.lambda,
            tmp: &mut b.tmp,
            scratch: one_wire_scratch(),
            grad: vec![0.0; circuit.n_params()],
            value: 0.0,
        };
        let mut value = Stats::default();
        let mut grad = vec![Stats::default(); circuit.n_params()];
        for _ in 0..self.trajectories {
            r.reset();
            b.tape.run(&mut r, &mut b.psi, slots)?;
            value.push(r.value);
            for (s, g) in grad.iter_mut().zip(&r.grad) {
                s.push(*g);
            }
        }
        Ok(Gradient {
            value: value.estimate(),
            grad: grad.iter().map(Stats::estimate).collect(),
        })
    }
}
