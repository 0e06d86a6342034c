//! The model under noise: per point, the compiled circuit becomes a [`NoisyCircuit`] — its gates
//! with the document's placed channels where they stand and the noise model's channels after
//! every gate (depolarizing p₁ after one-qubit gates, p₂ on each wire of a multi-qubit gate,
//! amplitude and phase damping on each wire of every gate), plus the readout error — and the
//! readouts and their gradient come from the engine the document chose ([`Engine`]: the exact
//! density matrix, or seeded trajectories). Each readout value `R_j` is one observable (the
//! readout's weighted observable with weight 1 on `j`), so the gradient of `Σ_j (∂L/∂R_j) R_j`
//! is one call of [`NoisyEngine::gradient`], mapped back onto the circuit's angle slots.
//!
//! Switching the noise off ([`Model::set_noise_enabled`]) runs the same weights on the ideal
//! fast path: the trainer reports both.

use super::{Model, ModelError};
use crate::circuit::{Program, Step};
use crate::doc::{Document, NoiseEngine, NoiseSpec};
use crate::sim::{
    Channel, ChannelKind, DensityEngine, DensityMatrix, Engine, EngineKind, NoisyCircuit,
    NoisyEngine, NoisyOp, Observable, ReadoutError, SimError, WireReadout, MAX_DENSITY_QUBITS,
};

/// The noise of a model and the engine that runs it.
pub(super) struct Noise {
    spec: NoiseSpec,
    kind: EngineKind,
    engine: Engine,
    /// One observable per readout value.
    obs: Vec<Observable>,
    /// The circuit of the current point and the angle slot of every gate parameter in it.
    circuit: NoisyCircuit,
    slots: Vec<usize>,
    /// The circuits of a batch of points ([`Noise::readouts_at`]), their buffers reused.
    pool: Vec<NoisyCircuit>,
    /// False: the model runs ideally (same weights).
    pub(super) enabled: bool,
}

impl Clone for Noise {
    fn clone(&self) -> Noise {
        Noise {
            spec: self.spec.clone(),
            kind: self.kind,
            engine: new_engine(self.kind),
            obs: self.obs.clone(),
            circuit: self.circuit.clone(),
            slots: self.slots.clone(),
            pool: Vec::new(),
            enabled: self.enabled,
        }
    }
}

impl std::fmt::Debug for Noise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Noise")
            .field("spec", &self.spec)
            .field("kind", &self.kind)
            .field("enabled", &self.enabled)
            .finish()
    }
}

fn new_engine(kind: EngineKind) -> Engine {
    Engine::new(kind).unwrap_or_else(|_| Engine::DensityMatrix(Default::default()))
}

/// The engine a document's noise section asks for on `n` qubits (auto: the density matrix
/// while it fits, trajectories beyond).
pub fn engine_kind(spec: &NoiseSpec, n: usize) -> EngineKind {
    let traj = EngineKind::Trajectories {
        trajectories: spec.trajectories,
        seed: spec.seed,
    };
    match spec.engine {
        NoiseEngine::Density => EngineKind::DensityMatrix,
        NoiseEngine::Trajectories => traj,
        NoiseEngine::Auto if n <= MAX_DENSITY_QUBITS => EngineKind::DensityMatrix,
        NoiseEngine::Auto => traj,
    }
}

/// Sets `circuit`'s ops to the program's gates of the columns up to `col` (all when `None`)
/// at its current angles, with `spec`'s channels after every gate and the document's placed
/// channels, and `slots` to the angle slot of every gate parameter.
fn fill(
    spec: &NoiseSpec,
    program: &Program,
    col: Option<usize>,
    circuit: &mut NoisyCircuit,
    slots: &mut Vec<usize>,
) {
    circuit.ops.clear();
    slots.clear();
    program.steps_until(col, |s| match s {
        Step::Gate(op, angles) => {
            circuit.ops.push(NoisyOp::Gate(op.clone()));
            slots.extend_from_slice(angles);
            let wires: Vec<usize> = op.wires.iter().chain(&op.controls).copied().collect();
            let p = if wires.len() == 1 { spec.p1 } else { spec.p2 };
            for &w in &wires {
                for (kind, s) in [
                    (ChannelKind::DepolarizingChannel, p),
                    (ChannelKind::AmplitudeDamping, spec.amplitude_damping),
                    (ChannelKind::PhaseDamping, spec.phase_damping),
                ] {
                    if s > 0.0 {
                        if let Ok(ch) = Channel::new(kind, w, s) {
                            circuit.ops.push(ch.into());
                        }
                    }
                }
            }
        }
        Step::Channel(kind, w, s) => {
            if let Ok(ch) = Channel::new(kind, w, s) {
                circuit.ops.push(ch.into());
            }
        }
    });
}

impl Noise {
    /// The noise of a noisy document (`None` for an ideal one).
    pub(super) fn new(
        doc: &Document,
        program: &Program,
        obs: Vec<Observable>,
    ) -> Result<Option<Noise>, ModelError> {
        if !doc.is_noisy() {
            return Ok(None);
        }
        let n = program.n_qubits();
        let kind = engine_kind(&doc.noise, n);
        if kind == EngineKind::DensityMatrix {
            crate::sim::check_density_qubits(n)?;
        }
        let readout = if doc.noise.readout.iter().any(|r| !r.is_ideal()) {
            let wires = (0..n)
                .map(|w| {
                    let r = doc.noise.readout_of(w);
                    WireReadout {
                        p1_given_0: r.p1_given_0,
                        p0_given_1: r.p0_given_1,
                    }
                })
                .collect();
            let r = ReadoutError::new(wires)?;
            for o in &obs {
                r.fold(o)?;
            }
            Some(r)
        } else {
            None
        };
        let mut noise = Noise {
            spec: doc.noise.clone(),
            kind,
            engine: Engine::new(kind)?,
            obs,
            circuit: NoisyCircuit {
                n_qubits: n,
                ops: Vec::new(),
                readout,
            },
            slots: Vec::new(),
            pool: Vec::new(),
            enabled: true,
        };
        noise.build(program);
        noise.circuit.validate()?;
        Ok(Some(noise))
    }

    /// The engine in use.
    pub(super) fn kind(&self) -> EngineKind {
        self.kind
    }

    /// Rebuilds the noisy circuit from the program's current angles.
    fn build(&mut self, program: &Program) {
        self.build_until(program, None);
    }

    /// Rebuilds the noisy circuit of the columns up to `col` (all when `None`).
    fn build_until(&mut self, program: &Program, col: Option<usize>) {
        let Noise {
            spec,
            circuit,
            slots,
            ..
        } = self;
        fill(spec, program, col, circuit, slots);
    }

    /// Whether a batch of points may run through the engine at once with the numbers of one
    /// point at a time: the density matrix (exact, so the order of the calls changes nothing),
    /// not the trajectories (which draw from one random stream, call after call).
    pub(super) fn batches(&self) -> bool {
        self.kind == EngineKind::DensityMatrix
    }

    /// The readout values of `b` points, point `p` at the angles `angles[p·na..(p+1)·na]`
    /// (`na` = the program's angle count; the program is left at the last point's): what
    /// [`Noise::readouts`] gives each, `None` where the engine refuses one. Their circuits
    /// stay in the pool for [`Noise::gradients_pooled`]. The engine runs the points side by
    /// side where it can.
    pub(super) fn readouts_at(
        &mut self,
        program: &mut Program,
        angles: &[f64],
        b: usize,
    ) -> Vec<Option<Vec<f64>>> {
        let na = program.n_angles();
        let Noise {
            spec,
            circuit,
            slots,
            pool,
            ..
        } = self;
        if pool.len() < b {
            pool.resize_with(b, || NoisyCircuit {
                n_qubits: circuit.n_qubits,
                ops: Vec::new(),
                readout: circuit.readout.clone(),
            });
        }
        for (p, c) in pool.iter_mut().take(b).enumerate() {
            program.set_angles(&angles[p * na..(p + 1) * na]);
            fill(spec, program, None, c, slots);
        }
        let pool = &self.pool[..b];
        let means = |e: Vec<crate::sim::Estimate>| e.iter().map(|v| v.mean).collect();
        match self.engine.expvals_many(pool, &self.obs) {
            Ok(all) => all.into_iter().map(|e| Some(means(e))).collect(),
            // Some point is refused: each on its own, as one at a time.
            Err(_) => pool
                .iter()
                .map(|c| self.engine.expvals(c, &self.obs).ok().map(means))
                .collect(),
        }
    }

    /// The gradient of `Σ_j w_pj R_j` with respect to every gate parameter for each circuit
    /// `p` of the pool's first `weights.len()` (those of the last [`Noise::readouts_at`]), with
    /// `w_p = weights[p]`, per gate parameter (for [`Noise::add_angle_grad`] to map onto the
    /// angle slots): what [`Noise::gradient`] computes for each point, `None` where the engine
    /// refuses one.
    pub(super) fn gradients_pooled(&mut self, weights: &[Vec<f64>]) -> Vec<Option<Vec<f64>>> {
        let pool = &self.pool[..weights.len().min(self.pool.len())];
        let weighted: Vec<Vec<(f64, Observable)>> = weights
            .iter()
            .take(pool.len())
            .map(|w| {
                self.obs
                    .iter()
                    .zip(w)
                    .map(|(o, &w)| (w, o.clone()))
                    .collect()
            })
            .collect();
        let grads = |g: crate::sim::Gradient| g.grad.iter().map(|e| e.mean).collect();
        match self.engine.gradients_weighted(pool, &weighted) {
            Ok(all) => all.into_iter().map(|g| Some(grads(g))).collect(),
            Err(_) => pool
                .iter()
                .zip(&weighted)
                .map(|(c, w)| self.engine.gradient(c, w).ok().map(grads))
                .collect(),
        }
    }

    /// Adds a gate-parameter gradient (of [`Noise::gradients_pooled`]) into `angle_grad` at
    /// the circuit's angle slots, as [`Noise::gradient`] does.
    pub(super) fn add_angle_grad(&self, grad: &[f64], angle_grad: &mut [f64]) {
        for (e, &slot) in grad.iter().zip(&self.slots) {
            if let Some(a) = angle_grad.get_mut(slot) {
                *a += e;
            }
        }
    }

    /// The readout values at the program's current angles.
    pub(super) fn readouts(
        &mut self,
        program: &Program,
        out: &mut Vec<f64>,
    ) -> Result<(), SimError> {
        self.build(program);
        let e = self.engine.expvals(&self.circuit, &self.obs)?;
        out.clear();
        out.extend(e.iter().map(|v| v.mean));
        Ok(())
    }

    /// Adds ∂(Σ_j w_j R_j)/∂angle into `angle_grad` at the program's current angles.
    pub(super) fn gradient(
        &mut self,
        program: &Program,
        weights: &[f64],
        angle_grad: &mut [f64],
    ) -> Result<(), SimError> {
        self.build(program);
        let weighted: Vec<(f64, Observable)> = self
            .obs
            .iter()
            .zip(weights)
            .map(|(o, &w)| (w, o.clone()))
            .collect();
        let g = self.engine.gradient(&self.circuit, &weighted)?;
        for (e, &slot) in g.grad.iter().zip(&self.slots) {
            if let Some(a) = angle_grad.get_mut(slot) {
                *a += e.mean;
            }
        }
        Ok(())
    }

    /// The circuit of the columns up to `col` at the current angles (for the inspector).
    pub(super) fn circuit(&mut self, program: &Program, col: Option<usize>) -> &NoisyCircuit {
        self.build_until(program, col);
        &self.circuit
    }
}

impl Model {
    /// Whether the model runs under noise now (a noisy document with the noise switched on).
    pub fn is_noisy(&self) -> bool {
        self.noise.as_ref().is_some_and(|n| n.enabled)
    }

    /// Whether the document has noise at all (whether or not it is switched on).
    pub fn has_noise(&self) -> bool {
        self.noise.is_some()
    }

    /// Switches a noisy model's noise on or off (the same weights then run ideally); no effect
    /// on an ideal model.
    pub fn set_noise_enabled(&mut self, on: bool) {
        if let Some(n) = &mut self.noise {
            n.enabled = on;
        }
    }

    /// The engine a noisy model runs on (`None` when ideal).
    pub fn noise_engine(&self) -> Option<EngineKind> {
        self.noise.as_ref().map(Noise::kind)
    }

    /// The noisy circuit (gates, channels, readout error) at point `x`, `None` when the model
    /// runs ideally.
    pub fn noisy_circuit_at(&mut self, x: &[f64]) -> Option<NoisyCircuit> {
        if !self.is_noisy() {
            return None;
        }
        self.bind(x);
        let Model { noise, program, .. } = self;
        noise.as_mut().map(|n| n.circuit(program, None).clone())
    }

    /// The exact mixed state at point `x` after the columns up to `col` (all when `None`),
    /// gates and channels of the noise model included: `None` when the model runs ideally or
    /// the density matrix would not fit ([`MAX_DENSITY_QUBITS`]).
    pub fn density_at(&mut self, x: &[f64], col: Option<usize>) -> Option<DensityMatrix> {
        if !self.is_noisy() || self.program.n_qubits() > MAX_DENSITY_QUBITS {
            return None;
        }
        self.bind(x);
        let Model { noise, program, .. } = self;
        let c = noise.as_mut()?.circuit(program, col);
        DensityEngine::new().state(c).ok()
    }

    /// The readout observables, one per readout value.
    pub(super) fn readout_observables(&self) -> Vec<Observable> {
        let n = self.program.n_qubits();
        (0..self.output.n_reads)
            .map(|j| {
                let mut o = self.readout.weighted(n);
                let mut w = vec![0.0; self.output.n_reads];
                w[j] = 1.0;
                self.readout.set_weights(&mut o, &w, n);
                o
            })
            .collect()
    }
}
