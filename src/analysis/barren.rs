//! Barren plateaus: how the variance of a cost gradient over random circuits decays with the
//! number of qubits and layers (McClean et al. 2018), for a local and a global cost (Cerezo et
//! al. 2021).
//!
//! For each (qubits, layers) point of a [`BarrenSpec`], `samples` random circuits are drawn from
//! a [`CircuitFamily`] and the exact derivative ∂C/∂θ of one chosen parameter is computed for
//!
//! - the **local** cost C = ⟨Z0 Z1⟩ and
//! - the **global** cost C = ⟨P0⟩, P0 = |0…0⟩⟨0…0|,
//!
//! both from the same circuit. A [`BarrenPoint`] holds the mean and the sample variance (ddof 1)
//! with its standard error from the fourth moment ([`stats::moments`]); a [`BarrenFit`] is the
//! least-squares slope of ln(variance) against the number of qubits (at fixed layers) or of
//! layers (at fixed qubits).
//!
//! The **reference protocol** ([`ReferenceCircuit`], [`BarrenSpec::reference`]) is the one of
//! `tests/golden/barren.json` (PennyLane's demo): on n wires, RY(π/4) on every wire; then per
//! layer, on every wire, a rotation drawn uniformly from {RX, RY, RZ} with an angle uniform in
//! [0, 2π), followed by CZ(i, i+1) for i = 0…n−2; the parameter is layer 0's angle on wire 0.
//! It runs on a dedicated kernel (two states in split real/imaginary arrays, the CZ ladder as one
//! sign pass); any other family goes through the general engine.
//!
//! The gradient of one parameter comes from two states evolved by the gates after it:
//! |a⟩ = U_after|φ⟩ and |b⟩ = U_after·G|φ⟩, where |φ⟩ is the state just after the gate
//! exp(−icθG); then ∂⟨O⟩/∂θ = 2c·Im⟨a|O|b⟩ for every cost O at once.

use super::stats::{self, ExpFit, Moments};
use super::{AnalysisError, Progress};
use crate::rng::Rng;
use crate::sim::{self, GateKind, Observable, Op, PauliString, State};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

use super::pairstate::{Axis, PairState};

/// Which circuits to sample: every combination of `qubits` × `layers`, `samples` circuits each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BarrenSpec {
    /// Qubit counts (each ≥ 2, distinct).
    pub qubits: Vec<usize>,
    /// Layer counts (each ≥ 1, distinct).
    pub layers: Vec<usize>,
    /// Random circuits per point (≥ 2).
    pub samples: usize,
    /// Seed; each point draws from its own stream derived from (seed, qubits, layers).
    pub seed: u64,
}

impl BarrenSpec {
    /// The reference protocol's sizes: n = 2…10, 50 layers, 1 000 samples (seed 7).
    pub fn reference() -> BarrenSpec {
        BarrenSpec {
            qubits: (2..=10).collect(),
            layers: vec![50],
            samples: 1000,
            seed: 7,
        }
    }

    /// Checks the sizes: at least one of each, qubits ≥ 2 within the memory limit, layers ≥ 1,
    /// no repeats, samples ≥ 2.
    pub fn validate(&self) -> Result<(), AnalysisError> {
        if self.qubits.is_empty() || self.layers.is_empty() {
            return Err(AnalysisError::new(
                "give at least one qubit count and one layer count",
            ));
        }
        for (i, &n) in self.qubits.iter().enumerate() {
            if n < 2 {
                return Err(AnalysisError::new(format!(
                    "the local cost ⟨Z0 Z1⟩ needs at least 2 qubits; got {n}"
                )));
            }
            sim::check_qubits(n + 1)?;
            if self.qubits[..i].contains(&n) {
                return Err(AnalysisError::new(format!(
                    "qubit count {n} is listed twice"
                )));
            }
        }
        for (i, &l) in self.layers.iter().enumerate() {
            if l == 0 {
                return Err(AnalysisError::new(
                    "layer counts must be at least 1 (the gradient is taken in layer 0)",
                ));
            }
            if self.layers[..i].contains(&l) {
                return Err(AnalysisError::new(format!(
                    "layer count {l} is listed twice"
                )));
            }
        }
        if self.samples < 2 {
            return Err(AnalysisError::new(format!(
                "a variance needs at least 2 samples per point; got {}",
                self.samples
            )));
        }
        Ok(())
    }

    /// The (qubits, layers) points in run order: layers outer, qubits inner.
    pub fn points(&self) -> Vec<(usize, usize)> {
        self.layers
            .iter()
            .flat_map(|&l| self.qubits.iter().map(move |&n| (n, l)))
            .collect()
    }
}

/// Mean and variance of the gradient for one cost at one point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradientStats {
    /// Mean of ∂C/∂θ.
    pub mean: f64,
    /// Sample variance (ddof 1) of ∂C/∂θ.
    pub variance: f64,
    /// Standard error of the variance, from the fourth moment.
    pub variance_std_error: f64,
    /// Kurtosis of the gradient sample (3 for a Gaussian).
    pub kurtosis: f64,
}

impl From<Moments> for GradientStats {
    fn from(m: Moments) -> GradientStats {
        GradientStats {
            mean: m.mean,
            variance: m.variance,
            variance_std_error: m.variance_std_error,
            kurtosis: m.kurtosis,
        }
    }
}

/// The gradient statistics of one (qubits, layers) point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BarrenPoint {
    /// Number of qubits.
    pub qubits: usize,
    /// Number of layers.
    pub layers: usize,
    /// Number of random circuits.
    pub samples: usize,
    /// Local cost ⟨Z0 Z1⟩.
    pub local: GradientStats,
    /// Global cost ⟨|0…0⟩⟨0…0|⟩.
    pub global: GradientStats,
}

/// What a fit runs along.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FitAxis {
    /// ln(variance) against the number of qubits, at a fixed number of layers.
    Qubits,
    /// ln(variance) against the number of layers, at a fixed number of qubits.
    Layers,
}

/// Exponential fits of the variance along one axis.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BarrenFit {
    /// The variable on the x axis.
    pub axis: FitAxis,
    /// The other variable's fixed value (layers for a qubit fit, qubits for a layer fit).
    pub fixed: usize,
    /// Fit of the local cost's variance; `None` if a variance is 0.
    pub local: Option<ExpFit>,
    /// Fit of the global cost's variance; `None` if a variance is 0.
    pub global: Option<ExpFit>,
}

/// Everything a barren-plateau run found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BarrenReport {
    /// What was sampled.
    pub spec: BarrenSpec,
    /// The circuit family ([`CircuitFamily::name`]).
    pub family: String,
    /// True when every point is done (a report of a cancelled run holds the finished points).
    pub complete: bool,
    /// One entry per finished point, in run order.
    pub points: Vec<BarrenPoint>,
    /// Fits along every axis with at least two finished points.
    pub fits: Vec<BarrenFit>,
}

/// The fits of ln(variance) over qubits (per layer count) and over layers (per qubit count).
pub fn fit_points(points: &[BarrenPoint]) -> Vec<BarrenFit> {
    let mut fits = Vec::new();
    let mut fixed_layers: Vec<usize> = Vec::new();
    let mut fixed_qubits: Vec<usize> = Vec::new();
    for p in points {
        if !fixed_layers.contains(&p.layers) {
            fixed_layers.push(p.layers);
        }
        if !fixed_qubits.contains(&p.qubits) {
            fixed_qubits.push(p.qubits);
        }
    }
    let fit =
        |sel: &[&BarrenPoint], x: fn(&BarrenPoint) -> usize, cost: fn(&BarrenPoint) -> f64| {
            let xs: Vec<f64> = sel.iter().map(|p| x(p) as f64).collect();
            let ys: Vec<f64> = sel.iter().map(|p| cost(p)).collect();
            stats::fit_exponential(&xs, &ys).ok()
        };
    for (axis, fixed_values) in [
        (FitAxis::Qubits, &fixed_layers),
        (FitAxis::Layers, &fixed_qubits),
    ] {
        for &fixed in fixed_values {
            let sel: Vec<&BarrenPoint> = points
                .iter()
                .filter(|p| match axis {
                    FitAxis::Qubits => p.layers == fixed,
                    FitAxis::Layers => p.qubits == fixed,
                })
                .collect();
            if sel.len() < 2 {
                continue;
            }
            let x: fn(&BarrenPoint) -> usize = match axis {
                FitAxis::Qubits => |p| p.qubits,
                FitAxis::Layers => |p| p.layers,
            };
            fits.push(BarrenFit {
                axis,
                fixed,
                local: fit(&sel, x, |p| p.local.variance),
                global: fit(&sel, x, |p| p.global.variance),
            });
        }
    }
    fits
}

/// Scratch space for gradient evaluations (states reused between samples).
#[derive(Clone, Debug, Default)]
pub struct GradientWorkspace {
    pair: PairState,
    general: Option<General>,
}

#[derive(Clone, Debug)]
struct General {
    n: usize,
    a: State,
    b: State,
    scratch: State,
    costs: [Observable; 2],
}

impl GradientWorkspace {
    /// An empty workspace; states are allocated on first use.
    pub fn new() -> GradientWorkspace {
        GradientWorkspace::default()
    }

    /// ∂⟨Z0 Z1⟩/∂p and ∂⟨P0⟩/∂p of parameter `param` of `ops` on `n` qubits, through the general
    /// engine. Parameters are numbered as in [`sim::adjoint_gradient`]: every op's
    /// `kind.n_params()` parameters in order.
    pub fn gradients(
        &mut self,
        n: usize,
        ops: &[Op],
        param: usize,
    ) -> Result<[f64; 2], AnalysisError> {
        if n < 2 {
            return Err(AnalysisError::new(format!(
                "the local cost ⟨Z0 Z1⟩ needs at least 2 qubits; got {n}"
            )));
        }
        if self.general.as_ref().map(|g| g.n) != Some(n) {
            let zz: PauliString = "Z0 Z1".parse()?;
            self.general = Some(General {
                n,
                a: State::new(n)?,
                b: State::new(n)?,
                scratch: State::new(n)?,
                costs: [Observable::Pauli(zz), Observable::Projector(State::new(n)?)],
            });
        }
        let Some(g) = self.general.as_mut() else {
            return Err(AnalysisError::new("internal error: no workspace state"));
        };
        let c = prepare_pair(n, ops, param, &mut g.a, &mut g.b)?;
        let mut out = [0.0; 2];
        for (o, cost) in out.iter_mut().zip(&g.costs) {
            g.b.apply_observable(cost, &mut g.scratch);
            *o = 2.0 * c * g.a.inner(&g.scratch).im;
        }
        Ok(out)
    }
}

/// ∂⟨O⟩/∂p for each observable, for parameter `param` of `ops` on `n` qubits (numbered as in
/// [`sim::adjoint_gradient`]), from two forward passes after the parameter's gate.
///
/// ```
/// use qmlp::analysis::barren::parameter_gradient;
/// use qmlp::sim::{GateKind, Observable, Op};
/// let ops = [Op::new(GateKind::RX, &[0], &[0.3])?];
/// let g = parameter_gradient(1, &ops, 0, &[Observable::Pauli("Z0".parse()?)])?;
/// assert!((g[0] + 0.3f64.sin()).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parameter_gradient(
    n: usize,
    ops: &[Op],
    param: usize,
    observables: &[Observable],
) -> Result<Vec<f64>, AnalysisError> {
    for o in observables {
        o.validate(n)?;
    }
    let mut a = State::new(n)?;
    let mut b = State::new(n)?;
    let mut scratch = State::new(n)?;
    let c = prepare_pair(n, ops, param, &mut a, &mut b)?;
    Ok(observables
        .iter()
        .map(|o| {
            b.apply_observable(o, &mut scratch);
            2.0 * c * a.inner(&scratch).im
        })
        .collect())
}

/// Leaves |a⟩ = U|0⟩ and |b⟩ = U_after·G·U_before|0⟩ for the primitive carrying `param`, and
/// returns its generator factor c (U(θ) = exp(−icθG)).
fn prepare_pair(
    n: usize,
    ops: &[Op],
    param: usize,
    a: &mut State,
    b: &mut State,
) -> Result<f64, AnalysisError> {
    let total: usize = ops.iter().map(|o| o.kind.n_params()).sum();
    if param >= total {
        return Err(AnalysisError::new(format!(
            "parameter {param} does not exist: the circuit has {total} parameter(s) (0..{})",
            total.saturating_sub(1)
        )));
    }
    for (k, op) in ops.iter().enumerate() {
        op.validate(n)
            .map_err(|e| AnalysisError::new(format!("gate {} ({}): {e}", k + 1, op.kind.name())))?;
    }
    a.reset();
    let mut offset = 0;
    let mut found = None;
    for (k, op) in ops.iter().enumerate() {
        let np = op.kind.n_params();
        if found.is_none() && param < offset + np {
            let local = param - offset;
            let prims = op.decompose();
            let Some(at) = prims.iter().position(|(_, l)| *l == Some(local)) else {
                return Err(AnalysisError::new(format!(
                    "internal error: {} has no primitive for parameter {local}",
                    op.kind.name()
                )));
            };
            for (p, _) in &prims[..=at] {
                a.apply(p);
            }
            let prim = &prims[at].0;
            let Some(c) = prim.generator() else {
                return Err(AnalysisError::new(format!(
                    "gate {} ({}) has no generator for parameter {local}",
                    k + 1,
                    op.kind.name()
                )));
            };
            b.copy_from(a);
            b.apply_generator(prim);
            for (p, _) in &prims[at + 1..] {
                a.apply(p);
                b.apply(p);
            }
            found = Some(c);
        } else if found.is_some() {
            a.apply(op);
            b.apply(op);
        } else {
            a.apply(op);
        }
        offset += np;
    }
    found.ok_or_else(|| AnalysisError::new(format!("parameter {param} was not found")))
}

/// A family of random circuits: what a barren-plateau run samples.
///
/// Any closure `FnMut(n_qubits, n_layers, &mut Rng) -> (Vec<Op>, param)` is a family (`param`
/// numbers the differentiated parameter as [`sim::adjoint_gradient`] does); [`ReferenceCircuit`]
/// is the reference protocol with its own fast kernel.
pub trait CircuitFamily {
    /// One random circuit on `n_qubits` with `n_layers`, and the parameter to differentiate.
    fn sample(&mut self, n_qubits: usize, n_layers: usize, rng: &mut Rng) -> (Vec<Op>, usize);

    /// [∂⟨Z0 Z1⟩/∂θ, ∂⟨P0⟩/∂θ] of one random circuit; by default [`sample`](Self::sample) run
    /// through the general engine.
    fn gradients(
        &mut self,
        n_qubits: usize,
        n_layers: usize,
        rng: &mut Rng,
        work: &mut GradientWorkspace,
    ) -> Result<[f64; 2], AnalysisError> {
        let (ops, param) = self.sample(n_qubits, n_layers, rng);
        work.gradients(n_qubits, &ops, param)
    }

    /// Draws one random circuit without computing it, leaving `rng` where
    /// [`gradients`](Self::gradients) would: how a shard of a run reaches its first sample.
    fn skip(&mut self, n_qubits: usize, n_layers: usize, rng: &mut Rng) {
        let _ = self.sample(n_qubits, n_layers, rng);
    }

    /// A name for reports ("custom" unless the family says otherwise).
    fn name(&self) -> String {
        "custom".into()
    }
}

impl<F> CircuitFamily for F
where
    F: FnMut(usize, usize, &mut Rng) -> (Vec<Op>, usize),
{
    fn sample(&mut self, n_qubits: usize, n_layers: usize, rng: &mut Rng) -> (Vec<Op>, usize) {
        self(n_qubits, n_layers, rng)
    }
}

/// The reference random circuit of McClean et al. as in PennyLane's demo (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReferenceCircuit;

/// The reference circuit's random choices, layer-major: rotation axes (0 X, 1 Y, 2 Z), angles.
fn draw_reference(
    n: usize,
    layers: usize,
    rng: &mut Rng,
    axes: &mut Vec<Axis>,
    angles: &mut Vec<f64>,
) {
    axes.clear();
    angles.clear();
    for _ in 0..layers * n {
        axes.push(rng.below(3) as Axis);
        angles.push(rng.range(0.0, 2.0 * PI));
    }
}

impl CircuitFamily for ReferenceCircuit {
    /// The circuit as ops: RY(π/4) on every wire (parameters 0…n−1), then the layers; the
    /// differentiated parameter is layer 0's on wire 0, number n.
    fn sample(&mut self, n_qubits: usize, n_layers: usize, rng: &mut Rng) -> (Vec<Op>, usize) {
        let (mut axes, mut angles) = (Vec::new(), Vec::new());
        draw_reference(n_qubits, n_layers, rng, &mut axes, &mut angles);
        let gate = |kind: GateKind, wires: Vec<usize>, p: f64| Op {
            kind,
            wires,
            controls: Vec::new(),
            params: [p, 0.0, 0.0],
        };
        let mut ops: Vec<Op> = (0..n_qubits)
            .map(|w| gate(GateKind::RY, vec![w], PI / 4.0))
            .collect();
        for l in 0..n_layers {
            for w in 0..n_qubits {
                let kind =
                    [GateKind::RX, GateKind::RY, GateKind::RZ][axes[l * n_qubits + w] as usize];
                ops.push(gate(kind, vec![w], angles[l * n_qubits + w]));
            }
            for w in 0..n_qubits.saturating_sub(1) {
                ops.push(gate(GateKind::CZ, vec![w, w + 1], 0.0));
            }
        }
        (ops, n_qubits)
    }

    fn gradients(
        &mut self,
        n_qubits: usize,
        n_layers: usize,
        rng: &mut Rng,
        work: &mut GradientWorkspace,
    ) -> Result<[f64; 2], AnalysisError> {
        if n_qubits < 2 || n_layers == 0 {
            return Err(AnalysisError::new(format!(
                "the reference circuit needs at least 2 qubits and 1 layer; got {n_qubits} and {n_layers}"
            )));
        }
        sim::check_qubits(n_qubits + 1)?;
        let (mut axes, mut angles) = (Vec::new(), Vec::new());
        draw_reference(n_qubits, n_layers, rng, &mut axes, &mut angles);
        Ok(work.pair.gradients(n_qubits, &axes, &angles))
    }

    fn skip(&mut self, n_qubits: usize, n_layers: usize, rng: &mut Rng) {
        let (mut axes, mut angles) = (Vec::new(), Vec::new());
        draw_reference(n_qubits, n_layers, rng, &mut axes, &mut angles);
    }

    fn name(&self) -> String {
        "reference".into()
    }
}

/// A barren-plateau run that advances a few samples per [`step`](BarrenRun::step); drop it to
/// cancel.
///
/// ```
/// use qmlp::analysis::barren::{BarrenRun, BarrenSpec};
/// let spec = BarrenSpec { qubits: vec![2, 3], layers: vec![5], samples: 20, seed: 1 };
/// let mut run = BarrenRun::reference(spec)?;
/// while !run.step(7)?.is_done() {}
/// let report = run.report();
/// assert!(report.complete && report.points.len() == 2 && report.fits.len() == 1);
/// # Ok::<(), qmlp::analysis::AnalysisError>(())
/// ```
#[derive(Debug)]
pub struct BarrenRun<F: CircuitFamily = ReferenceCircuit> {
    spec: BarrenSpec,
    family: F,
    grid: Vec<(usize, usize)>,
    /// Relative cost of one sample at each point (for the progress fraction).
    cost: Vec<f64>,
    point: usize,
    /// The random stream positioned for sample `cursor` (of the whole run, points in order).
    rng: Rng,
    cursor: u64,
    local: Vec<f64>,
    global: Vec<f64>,
    finished: Vec<BarrenPoint>,
    work: GradientWorkspace,
    done: u64,
    done_cost: f64,
}

impl BarrenRun<ReferenceCircuit> {
    /// A run of the reference protocol ([`ReferenceCircuit`]) over `spec`.
    pub fn reference(spec: BarrenSpec) -> Result<BarrenRun<ReferenceCircuit>, AnalysisError> {
        BarrenRun::new(spec, ReferenceCircuit)
    }
}

/// The random stream of one point, independent of the order points run in.
fn point_rng(seed: u64, n: usize, layers: usize) -> Rng {
    let mix = seed
        ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (layers as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    Rng::new(mix)
}

impl<F: CircuitFamily> BarrenRun<F> {
    /// A run of `family` over `spec` (validated here).
    pub fn new(spec: BarrenSpec, family: F) -> Result<BarrenRun<F>, AnalysisError> {
        spec.validate()?;
        let grid = spec.points();
        let cost = grid
            .iter()
            .map(|&(n, l)| (l as f64) * (n as f64 + 1.0) * (1u64 << n.min(60)) as f64 + 100.0)
            .collect();
        let (n0, l0) = grid[0];
        Ok(BarrenRun {
            rng: point_rng(spec.seed, n0, l0),
            cursor: 0,
            local: Vec::with_capacity(spec.samples),
            global: Vec::with_capacity(spec.samples),
            spec,
            family,
            grid,
            cost,
            point: 0,
            finished: Vec::new(),
            work: GradientWorkspace::new(),
            done: 0,
            done_cost: 0.0,
        })
    }

    /// Computes up to `max_samples` more samples (at least one unless finished), moving on to the
    /// next point when one is complete. Returns the progress.
    pub fn step(&mut self, max_samples: usize) -> Result<Progress, AnalysisError> {
        for _ in 0..max_samples.max(1) {
            if self.is_done() {
                break;
            }
            let v = self.compute(self.done)?;
            self.accept(v)?;
        }
        Ok(self.progress())
    }

    /// Samples in the whole run (points × samples).
    pub fn items(&self) -> u64 {
        (self.grid.len() * self.spec.samples) as u64
    }

    /// The run's samples as blocks of (count, relative cost of each), one per point, in order.
    pub fn blocks(&self) -> Vec<(u64, f64)> {
        self.cost
            .iter()
            .map(|&c| (self.spec.samples as u64, c))
            .collect()
    }

    /// The relative cost of sample `i` (see [`Progress`]).
    pub fn item_cost(&self, i: u64) -> f64 {
        let p = (i / self.spec.samples.max(1) as u64) as usize;
        self.cost.get(p).copied().unwrap_or(0.0)
    }

    /// [∂C_local/∂θ, ∂C_global/∂θ] of sample `i` of the run (points in order, `samples` each),
    /// computed without being added to the statistics: the same numbers whichever sample was
    /// computed before (each point has its own random stream, a sample's place in it is reached
    /// by drawing the circuits before it).
    pub fn compute(&mut self, i: u64) -> Result<[f64; 2], AnalysisError> {
        let s = self.spec.samples as u64;
        let p = (i / s) as usize;
        let Some(&(n, l)) = self.grid.get(p) else {
            return Err(AnalysisError::new(format!(
                "sample {i} does not exist: the run has {}",
                self.items()
            )));
        };
        if i % s == 0 || i != self.cursor {
            self.rng = point_rng(self.spec.seed, n, l);
            for _ in 0..i % s {
                self.family.skip(n, l, &mut self.rng);
            }
        }
        let [gl, gg] = self.family.gradients(n, l, &mut self.rng, &mut self.work)?;
        self.cursor = i + 1;
        if !(gl.is_finite() && gg.is_finite()) {
            return Err(AnalysisError::new(format!(
                "a gradient at {n} qubits, {l} layers is not a finite number ({gl}, {gg})"
            )));
        }
        Ok([gl, gg])
    }

    /// Adds the next sample's gradients (from [`compute`](Self::compute), here or in another
    /// worker) to the statistics, finishing its point when it is the point's last.
    pub fn accept(&mut self, [gl, gg]: [f64; 2]) -> Result<(), AnalysisError> {
        let Some(&(n, l)) = self.grid.get(self.point) else {
            return Err(AnalysisError::new(
                "the barren-plateau run is already complete",
            ));
        };
        if !(gl.is_finite() && gg.is_finite()) {
            return Err(AnalysisError::new(format!(
                "a gradient at {n} qubits, {l} layers is not a finite number ({gl}, {gg})"
            )));
        }
        self.local.push(gl);
        self.global.push(gg);
        self.done += 1;
        self.done_cost += self.cost[self.point];
        if self.local.len() == self.spec.samples {
            self.finished.push(BarrenPoint {
                qubits: n,
                layers: l,
                samples: self.spec.samples,
                local: stats::moments(&self.local)?.into(),
                global: stats::moments(&self.global)?.into(),
            });
            self.local.clear();
            self.global.clear();
            self.point += 1;
        }
        Ok(())
    }

    /// Samples done, of all, and the cost-weighted fraction.
    pub fn progress(&self) -> Progress {
        let total_cost: f64 = self.cost.iter().sum::<f64>() * self.spec.samples as f64;
        Progress {
            done: self.done,
            total: (self.grid.len() * self.spec.samples) as u64,
            fraction: if total_cost > 0.0 {
                (self.done_cost / total_cost).min(1.0)
            } else {
                1.0
            },
        }
    }

    /// True once every point is done.
    pub fn is_done(&self) -> bool {
        self.point >= self.grid.len()
    }

    /// The points finished so far, in run order.
    pub fn points(&self) -> &[BarrenPoint] {
        &self.finished
    }

    /// The report of the points finished so far (complete once [`is_done`](Self::is_done)).
    pub fn report(&self) -> BarrenReport {
        BarrenReport {
            spec: self.spec.clone(),
            family: self.family.name(),
            complete: self.is_done(),
            points: self.finished.clone(),
            fits: fit_points(&self.finished),
        }
    }

    /// Runs to the end and returns the report.
    pub fn run(mut self) -> Result<BarrenReport, AnalysisError> {
        while !self.is_done() {
            self.step(64)?;
        }
        Ok(self.report())
    }
}

/// The reference protocol over `spec`, to the end (see [`BarrenRun`] for a stepped run).
pub fn barren_plateaus(spec: &BarrenSpec) -> Result<BarrenReport, AnalysisError> {
    BarrenRun::reference(spec.clone())?.run()
}

#[cfg(test)]
mod tests;
