//! The training debugger: the computations of [`crate::analysis`] applied to a document's
//! model and a trainer's run — why a model does not learn. Used by the CLI (`qmlp analyze`) and
//! the page alike.
//!
//! | view | what | how |
//! |---|---|---|
//! | gradients | \|∂L/∂θ\| of the last step per trainable gate, per-block norms per epoch, a warning when all stay tiny | [`gradient_report`] |
//! | barren plateaus | variance of ∂C/∂θ₀ against layers for the drawn circuit, and against qubits for the reference circuit | [`barren_job`] |
//! | loss landscape | the loss on a grid around the current weights, the training path on it | [`landscape_job`] |
//! | Fourier spectrum | the model's first output as a function of one input, and the frequencies its encoding reaches | [`fourier_report`] |
//! | expressibility | KL divergence from Haar and entangling capability of the drawn circuit, ranked among the templates | [`expressibility_job`] |
//!
//! Long analyses are [`Job`]s that advance a bounded amount per [`Job::step`] and report a
//! [`Progress`], so the page can run them a few milliseconds per frame and cancel by dropping
//! them; their results ([`AnalysisResult`]) are serialisable, so a document can carry them.
//!
//! The drawn circuit as a *random* circuit (barren plateaus, expressibility): its gates in
//! order, every angle — trainable or bound to data — drawn uniformly from [0, 2π). For the
//! barren explorer it is repeated L times (L = 1…) on its own wires; the qubit sweep uses the
//! reference circuit of McClean et al.
//!
//! May import `analysis`, `model`, `train`, `doc`, `data`, `learn`, `circuit`, `sim`, `rng`.

use serde::{Deserialize, Serialize};

use crate::analysis::barren::{BarrenRun, BarrenSpec, CircuitFamily, ReferenceCircuit};
use crate::analysis::expressibility::{
    rank, ExpressibilityRun, ExpressibilitySpec, Template, TemplateScore,
};
use crate::analysis::fourier::{
    encoding_frequencies, fourier_coefficients, generator_eigenvalues, spectrum_period,
    EncodingGate, FourierSpec,
};
use crate::analysis::landscape::{LandscapeRun, LandscapeSpec};
pub use crate::analysis::{AnalysisError, AnalysisResult, Progress};
use crate::data::Point;
use crate::doc::{Angle, CircuitSpec, Feature, GradientRecord, Source};
use crate::rng::Rng;
use crate::sim::{GateKind, Op};
use crate::train::Trainer;

/// The gradient size of one trainable gate in the last step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateGradient {
    /// The gate's index in the document.
    pub gate: usize,
    /// The Euclidean norm of the last batch gradient over the gate's trainable numbers.
    pub norm: f64,
}

/// The gradient view of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientReport {
    /// The last step's gradient norm per block: pre-net, circuit, post-net, head.
    pub blocks: [f64; 4],
    /// Per trainable gate, its part of the last step's gradient.
    pub gates: Vec<GateGradient>,
    /// The per-block norms of every trained epoch (the history's records).
    pub history: Vec<GradientRecord>,
    /// A warning when every block's gradient stayed below the threshold for a while.
    pub warning: Option<String>,
}

/// Below this gradient norm a block counts as stalled for the warning.
pub const VANISHING_THRESHOLD: f64 = 1e-5;
/// For this many epochs in a row.
pub const VANISHING_EPOCHS: usize = 5;

/// The gradient view of a trainer's run (see [`GradientReport`]).
pub fn gradient_report(t: &Trainer) -> GradientReport {
    let g = t.last_gradient();
    let norm = |r: std::ops::Range<usize>| {
        g.get(r)
            .map_or(0.0, |s| s.iter().fold(0.0, |a, v| a + v * v).sqrt())
    };
    let ranges = t.model().block_ranges();
    let blocks = [
        norm(ranges[0].clone()),
        norm(ranges[1].clone()),
        norm(ranges[2].clone()),
        norm(ranges[3].clone()),
    ];
    // Gate of every circuit number: walk the document's gates in order (the model's order).
    let mut gates = Vec::new();
    let mut k = ranges[1].start;
    for (i, gate) in t.spec().circuit.gates.iter().enumerate() {
        let n: usize = gate.params.iter().map(Angle::n_trainable).sum();
        if n > 0 {
            gates.push(GateGradient {
                gate: i,
                norm: norm(k..k + n),
            });
        }
        k += n;
    }
    GradientReport {
        blocks,
        gates,
        history: t.history().gradients.clone(),
        warning: t.vanishing_gradients(VANISHING_THRESHOLD, VANISHING_EPOCHS),
    }
}

/// The drawn circuit's gates with every angle taken from `angles` in order (missing ones 0).
fn circuit_ops(c: &CircuitSpec, angles: &mut impl Iterator<Item = f64>) -> Vec<Op> {
    let mut order: Vec<usize> = (0..c.gates.len()).collect();
    order.sort_by_key(|&i| c.gates[i].col);
    order
        .into_iter()
        .filter_map(|i| {
            let g = &c.gates[i];
            let p: Vec<f64> = (0..g.gate.n_params())
                .map(|_| angles.next().unwrap_or(0.0))
                .collect();
            Op::new(g.gate.gate()?, &g.wires, &p)
                .and_then(|op| op.controlled(&g.controls))
                .ok()
        })
        .collect()
}

/// The number of angles of a circuit.
fn n_angles(c: &CircuitSpec) -> usize {
    c.gates.iter().map(|g| g.gate.n_params()).sum()
}

/// The drawn circuit repeated as a random circuit family (see the module doc); the
/// differentiated parameter is the first angle of the first repetition.
#[derive(Clone, Debug)]
pub struct DrawnCircuit {
    circuit: CircuitSpec,
}

impl CircuitFamily for DrawnCircuit {
    fn sample(&mut self, _n_qubits: usize, n_layers: usize, rng: &mut Rng) -> (Vec<Op>, usize) {
        let mut ops = Vec::new();
        for _ in 0..n_layers.max(1) {
            let mut angles = std::iter::repeat_with(|| rng.range(0.0, 2.0 * std::f64::consts::PI));
            ops.extend(circuit_ops(&self.circuit, &mut angles));
        }
        (ops, 0)
    }

    fn name(&self) -> String {
        "drawn circuit".into()
    }
}

/// A long analysis of a document or a run, stepped; drop it to cancel.
pub enum Job {
    /// The barren-plateau explorer: first the drawn circuit over layers, then the reference
    /// circuit over qubits.
    Barren {
        /// The drawn circuit's run (over layers).
        drawn: Option<Box<BarrenRun<DrawnCircuit>>>,
        /// The reference circuit's run (over qubits).
        reference: Box<BarrenRun<ReferenceCircuit>>,
    },
    /// A loss landscape around the current weights.
    Landscape(Box<LandscapeRun<LossFn>>),
    /// Expressibility of the drawn circuit, then of every template for the ranking.
    Expressibility {
        /// The drawn circuit's run.
        circuit: Box<ExpressibilityRun<CircuitFn>>,
        /// The templates still to run, and the scores of those done.
        templates: Vec<(Template, usize, Box<ExpressibilityRun<CircuitFn>>)>,
        /// Finished template scores.
        done: Vec<TemplateScore>,
    },
}

/// A loss closure for landscapes.
pub type LossFn = Box<dyn FnMut(&[f64]) -> f64>;
/// A circuit closure for expressibility runs.
pub type CircuitFn = Box<dyn FnMut(&[f64]) -> Vec<Op>>;

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Job::Barren { .. } => "Job::Barren",
            Job::Landscape(_) => "Job::Landscape",
            Job::Expressibility { .. } => "Job::Expressibility",
        })
    }
}

/// Moves the running template (the last) to the scores once its run is done.
fn retire_template(
    templates: &mut Vec<(Template, usize, Box<ExpressibilityRun<CircuitFn>>)>,
    done: &mut Vec<TemplateScore>,
) -> Result<(), AnalysisError> {
    if let Some((t, layers, run)) = templates.last().filter(|t| t.2.is_done()) {
        done.push(TemplateScore {
            template: *t,
            layers: *layers,
            result: run.result()?,
        });
        templates.pop();
    }
    Ok(())
}

fn combine(parts: &[Progress]) -> Progress {
    let done: u64 = parts.iter().map(|p| p.done).sum();
    let total: u64 = parts.iter().map(|p| p.total).sum();
    let fraction = parts.iter().map(|p| p.fraction).sum::<f64>() / parts.len().max(1) as f64;
    Progress {
        done,
        total,
        fraction,
    }
}

impl Job {
    /// Does up to `max_items` more work items (samples, grid points or pairs) and reports how
    /// far the whole job is.
    pub fn step(&mut self, max_items: usize) -> Result<Progress, AnalysisError> {
        match self {
            Job::Barren { drawn, reference } => {
                if let Some(d) = drawn.as_mut().filter(|d| !d.is_done()) {
                    d.step(max_items)?;
                } else {
                    reference.step(max_items)?;
                }
                Ok(self.progress())
            }
            Job::Landscape(run) => run.step(max_items),
            Job::Expressibility {
                circuit,
                templates,
                done,
            } => {
                if !circuit.is_done() {
                    circuit.step(max_items)?;
                } else if let Some((_, _, run)) = templates.last_mut() {
                    run.step(max_items)?;
                    retire_template(templates, done)?;
                }
                Ok(self.progress())
            }
        }
    }

    /// How far the job is.
    pub fn progress(&self) -> Progress {
        match self {
            Job::Barren { drawn, reference } => {
                let mut p = vec![reference.progress()];
                if let Some(d) = drawn {
                    p.push(d.progress());
                }
                combine(&p)
            }
            Job::Landscape(run) => run.progress(),
            Job::Expressibility {
                circuit,
                templates,
                done,
            } => {
                let total = 1 + templates.len() + done.len();
                let finished = usize::from(circuit.is_done()) + done.len();
                let frac = (finished as f64
                    + if circuit.is_done() {
                        templates.last().map_or(0.0, |t| t.2.progress().fraction)
                    } else {
                        circuit.progress().fraction
                    })
                    / total as f64;
                Progress {
                    done: finished as u64,
                    total: total as u64,
                    fraction: frac.min(1.0),
                }
            }
        }
    }

    /// Whether everything is done.
    pub fn is_done(&self) -> bool {
        match self {
            Job::Barren { drawn, reference } => {
                reference.is_done() && drawn.as_ref().map_or(true, |d| d.is_done())
            }
            Job::Landscape(run) => run.progress().is_done(),
            Job::Expressibility {
                circuit, templates, ..
            } => circuit.is_done() && templates.is_empty(),
        }
    }

    /// The result so far (complete once [`Job::is_done`]).
    pub fn result(&self) -> Result<AnalysisResult, AnalysisError> {
        match self {
            Job::Barren { drawn, reference } => Ok(AnalysisResult::Barren {
                drawn: drawn.as_ref().map(|d| d.report()),
                reference: reference.report(),
            }),
            Job::Landscape(run) => Ok(AnalysisResult::Landscape(run.result()?)),
            Job::Expressibility { circuit, done, .. } => {
                let result = circuit.result()?;
                let ranking = (!done.is_empty()).then(|| rank(&result, done));
                Ok(AnalysisResult::Expressibility {
                    result,
                    templates: done.clone(),
                    ranking,
                })
            }
        }
    }

    /// Runs the job to the end.
    pub fn run(mut self) -> Result<AnalysisResult, AnalysisError> {
        while !self.is_done() {
            self.step(1000)?;
        }
        self.result()
    }
}

/// A contiguous stretch of a job's work items (samples, grid points or pairs), computed on its
/// own — in another worker — as the raw numbers of each item, `width` per item, in order. A job
/// that [absorbs](Job::absorb) the shards of all its items in order holds exactly the result of
/// running it alone: the reduction (moments, sums, histograms) runs over the same numbers in
/// the same order, whatever the number of shards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Shard {
    /// The first item.
    pub from: u64,
    /// One past the last item.
    pub to: u64,
    /// Numbers per item (2 for barren samples, 1 for landscape points, 3 for pairs).
    pub width: usize,
    /// `width × (to − from)` numbers.
    pub values: Vec<f64>,
}

impl Job {
    /// Numbers per work item in a [`Shard`].
    pub fn width(&self) -> usize {
        match self {
            Job::Barren { .. } => 2,
            Job::Landscape(_) => 1,
            Job::Expressibility { .. } => 3,
        }
    }

    /// The work items of the whole job as blocks of (count, relative cost of each), in the order
    /// the job runs them.
    fn blocks(&self) -> Vec<(u64, f64)> {
        match self {
            Job::Barren { drawn, reference } => {
                let mut b = drawn.as_ref().map(|d| d.blocks()).unwrap_or_default();
                b.extend(reference.blocks());
                b
            }
            Job::Landscape(run) => vec![(run.items(), 1.0)],
            Job::Expressibility {
                circuit,
                templates,
                done,
            } => {
                let c = (circuit.items(), circuit.item_cost());
                let finished = done.iter().map(|_| (circuit.items(), 1.0));
                let left = templates
                    .iter()
                    .rev()
                    .map(|t| (t.2.items(), t.2.item_cost()));
                std::iter::once(c).chain(finished).chain(left).collect()
            }
        }
    }

    /// Work items in the whole job.
    pub fn items(&self) -> u64 {
        self.blocks().iter().map(|b| b.0).sum()
    }

    /// The boundaries of `count` contiguous shards of about equal cost: `count + 1` item
    /// indices from 0 to [`items`](Self::items) (a shard may be empty).
    pub fn cuts(&self, count: usize) -> Vec<u64> {
        let count = count.max(1);
        let blocks = self.blocks();
        let total: f64 = blocks.iter().map(|&(n, c)| n as f64 * c).sum();
        let items: u64 = blocks.iter().map(|b| b.0).sum();
        let mut cuts = vec![0];
        for j in 1..count {
            let target = total * j as f64 / count as f64;
            let (mut acc, mut at) = (0.0, 0u64);
            for &(n, c) in &blocks {
                let cost = n as f64 * c;
                if acc + cost >= target && c > 0.0 {
                    at += (((target - acc) / c).ceil() as u64).min(n);
                    break;
                }
                acc += cost;
                at += n;
            }
            let prev = *cuts.last().unwrap_or(&0);
            cuts.push(at.clamp(prev, items));
        }
        cuts.push(items);
        cuts
    }

    /// The relative cost of items `from..to` (for a shard's progress).
    pub fn cost_between(&self, from: u64, to: u64) -> f64 {
        let (mut start, mut sum) = (0u64, 0.0);
        for (n, c) in self.blocks() {
            let (lo, hi) = (from.max(start), to.min(start + n));
            if hi > lo {
                sum += (hi - lo) as f64 * c;
            }
            start += n;
        }
        sum
    }

    /// The raw numbers of item `g` of the job, appended to `out`, without adding them to the
    /// job's result: what a shard computes, on a job that has not been stepped.
    pub fn compute_item(&mut self, g: u64, out: &mut Vec<f64>) -> Result<(), AnalysisError> {
        match self {
            Job::Barren { drawn, reference } => {
                let d = drawn.as_ref().map_or(0, |d| d.items());
                let v = match drawn.as_mut().filter(|_| g < d) {
                    Some(run) => run.compute(g)?,
                    None => reference.compute(g - d)?,
                };
                out.extend(v);
            }
            Job::Landscape(run) => out.push(run.compute(g)?),
            Job::Expressibility {
                circuit, templates, ..
            } => {
                let c = circuit.items();
                let v = if g < c {
                    circuit.compute(g)?
                } else {
                    let per = circuit.items().max(1);
                    let j = ((g - c) / per) as usize;
                    let Some(k) = templates.len().checked_sub(j + 1) else {
                        return Err(AnalysisError::new(format!(
                            "item {g} does not exist: the job has {}",
                            c + per * templates.len() as u64
                        )));
                    };
                    templates[k].2.compute((g - c) % per)?
                };
                out.extend(v);
            }
        }
        Ok(())
    }

    /// Items whose numbers the job has taken so far (by stepping or by absorbing shards).
    pub fn accepted(&self) -> u64 {
        match self {
            Job::Barren { drawn, reference } => {
                reference.progress().done + drawn.as_ref().map_or(0, |d| d.progress().done)
            }
            Job::Landscape(run) => run.progress().done,
            Job::Expressibility {
                circuit,
                templates,
                done,
            } => {
                circuit.done_items()
                    + done.len() as u64 * circuit.items()
                    + templates
                        .last()
                        .filter(|_| circuit.is_done())
                        .map_or(0, |t| t.2.done_items())
            }
        }
    }

    /// Takes the numbers of the next item (from [`compute_item`](Self::compute_item)).
    fn accept_item(&mut self, v: &[f64]) -> Result<(), AnalysisError> {
        match self {
            Job::Barren { drawn, reference } => match drawn.as_mut().filter(|d| !d.is_done()) {
                Some(d) => d.accept([v[0], v[1]]),
                None => reference.accept([v[0], v[1]]),
            },
            Job::Landscape(run) => run.accept(v[0]),
            Job::Expressibility {
                circuit,
                templates,
                done,
            } => {
                if !circuit.is_done() {
                    return circuit.accept([v[0], v[1], v[2]]);
                }
                let Some((_, _, run)) = templates.last_mut() else {
                    return Err(AnalysisError::new(
                        "the expressibility job is already complete",
                    ));
                };
                run.accept([v[0], v[1], v[2]])?;
                retire_template(templates, done)
            }
        }
    }

    /// Takes a shard's numbers: it must start where the job stands ([`accepted`](Self::accepted)),
    /// so shards are absorbed in order, and carry this job's width.
    pub fn absorb(&mut self, shard: &Shard) -> Result<(), AnalysisError> {
        let (at, items, width) = (self.accepted(), self.items(), self.width());
        if shard.width != width {
            return Err(AnalysisError::new(format!(
                "this analysis has {width} number(s) per item; the shard has {}",
                shard.width
            )));
        }
        if shard.from != at {
            return Err(AnalysisError::new(format!(
                "the shard starts at item {}, but the analysis stands at item {at}: shards are taken in order",
                shard.from
            )));
        }
        if shard.to < shard.from || shard.to > items {
            return Err(AnalysisError::new(format!(
                "the shard ends at item {}; the analysis has items {at}…{items}",
                shard.to
            )));
        }
        let n = (shard.to - shard.from) as usize;
        if shard.values.len() != n * width {
            return Err(AnalysisError::new(format!(
                "a shard of {n} item(s) carries {} numbers, not {}",
                shard.values.len(),
                n * width
            )));
        }
        for v in shard.values.chunks(width) {
            self.accept_item(v)?;
        }
        Ok(())
    }
}

/// The barren-plateau explorer: the drawn circuit repeated 1…`max_layers` times (when it has an
/// angle), and the reference circuit on `qubits` with `ref_layers` layers; `samples` random
/// circuits per point.
pub fn barren_job(
    circuit: &CircuitSpec,
    max_layers: usize,
    qubits: Vec<usize>,
    ref_layers: usize,
    samples: usize,
    seed: u64,
) -> Result<Job, AnalysisError> {
    let drawn = if n_angles(circuit) > 0 && circuit.qubits >= 2 {
        let spec = BarrenSpec {
            qubits: vec![circuit.qubits],
            layers: (1..=max_layers.max(1)).collect(),
            samples,
            seed,
        };
        Some(Box::new(BarrenRun::new(
            spec,
            DrawnCircuit {
                circuit: circuit.clone(),
            },
        )?))
    } else {
        None
    };
    let reference = Box::new(BarrenRun::reference(BarrenSpec {
        qubits,
        layers: vec![ref_layers],
        samples,
        seed,
    })?);
    Ok(Job::Barren { drawn, reference })
}

/// At most this many training points are evaluated per landscape point (a seeded sample when
/// there are more).
pub const LANDSCAPE_POINTS: usize = 200;

/// The loss landscape of a trainer's model around its current weights, with its recent
/// training path, on at most [`LANDSCAPE_POINTS`] training points.
pub fn landscape_job(t: &Trainer, spec: LandscapeSpec) -> Result<Job, AnalysisError> {
    let mut model = t.model().clone();
    model.set_shots(None);
    let center = t.params().to_vec();
    let mut pts: Vec<Point> = t.dataset().train.clone();
    if pts.len() > LANDSCAPE_POINTS {
        let mut rng = Rng::new(t.training().seed ^ 0x1A2D_5CA9);
        rng.shuffle(&mut pts);
        pts.truncate(LANDSCAPE_POINTS);
    }
    let loss: LossFn = Box::new(move |w: &[f64]| model.mean_loss_at(w, &pts));
    Ok(Job::Landscape(Box::new(LandscapeRun::new(
        &center,
        &t.path(),
        spec,
        loss,
    )?)))
}

/// Expressibility of the drawn circuit (every angle drawn uniformly), ranked among the built-in
/// templates on as many qubits with 1…`max_layers` layers.
pub fn expressibility_job(
    circuit: &CircuitSpec,
    spec: ExpressibilitySpec,
    max_layers: usize,
) -> Result<Job, AnalysisError> {
    let n = circuit.qubits;
    let c = circuit.clone();
    let run: CircuitFn = Box::new(move |p: &[f64]| circuit_ops(&c, &mut p.iter().copied()));
    let main = ExpressibilityRun::new(n, n_angles(circuit), run, spec.clone())?;
    let mut templates = Vec::new();
    for &t in Template::all().iter().rev() {
        for layers in (1..=max_layers).rev() {
            let f: CircuitFn = Box::new(move |p: &[f64]| t.ops(n, layers, p));
            let r = ExpressibilityRun::new(n, t.n_params(n, layers), f, spec.clone())?;
            templates.push((t, layers, Box::new(r)));
        }
    }
    Ok(Job::Expressibility {
        circuit: Box::new(main),
        templates,
        done: Vec::new(),
    })
}

/// The Fourier view: the model's first output as a function of input `input` (the others at
/// their training mean) over one period, and the frequencies the encoding reaches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FourierReport {
    /// The input varied.
    pub input: usize,
    /// Its name.
    pub input_name: String,
    /// The spectrum of the output.
    pub spectrum: crate::analysis::fourier::FourierSpectrum,
    /// The angular frequencies the encoding gates reach (Schuld, Sweke & Meyer 2021).
    pub reachable: Vec<f64>,
    /// Whether the input enters only through Pauli-rotation-type gates linearly (then
    /// `reachable` is exact); false with preprocessing that mixes inputs, a pre-net, or
    /// nonlinear features (squares, sines, products), where the spectrum is not band-limited.
    pub pure: bool,
    /// What limits the analysis, in words (empty when pure).
    pub note: String,
}

/// Computes the [`FourierReport`] of a trainer's model for one input, reporting coefficients
/// up to `max_frequency` (0: the highest reachable frequency, at least 4).
pub fn fourier_report(
    t: &Trainer,
    input: usize,
    max_frequency: usize,
) -> Result<FourierReport, AnalysisError> {
    let data = t.dataset();
    if input >= data.dim {
        return Err(AnalysisError::new(format!(
            "input {} does not exist; the data has {} input(s)",
            input + 1,
            data.dim
        )));
    }
    let doc = t.spec();
    let prep = t.model().preprocessor();
    let mut pure = doc.pre_net.is_empty() && prep.components().is_empty();
    let mut notes: Vec<String> = Vec::new();
    if !doc.pre_net.is_empty() {
        notes.push("a pre-net sits between the input and the circuit".into());
    }
    if !prep.components().is_empty() {
        notes.push("PCA mixes the inputs".into());
    }
    // The scale from the raw input to the preprocessed one (standardisation only).
    let std = prep.std();
    let raw_to_z = 1.0 / std.get(input).copied().unwrap_or(1.0);
    let map = &doc.features;
    let mut gates = Vec::new();
    for g in &doc.circuit.gates {
        for (slot, a) in g.params.iter().enumerate() {
            let (feature, factor) = match *a {
                Angle::Feature { feature, scale } => (feature, scale),
                Angle::Reupload { feature, w, .. } => (feature, w),
                _ => continue,
            };
            let reads = feature.sources().any(|s| s == Source::Input(input));
            if !reads {
                continue;
            }
            // A rotation with extra controls has the controlled gate's generator (one more
            // eigenvalue 0, hence half frequencies too).
            let Some(gate) = g.gate.gate() else {
                continue;
            };
            let kind = match (gate, g.controls.is_empty()) {
                (k, true) => Some(k),
                (GateKind::RX, false) => Some(GateKind::CRX),
                (GateKind::RY, false) => Some(GateKind::CRY),
                (GateKind::RZ, false) => Some(GateKind::CRZ),
                (GateKind::PhaseShift, false) => Some(GateKind::ControlledPhaseShift),
                _ => None,
            };
            match (feature, kind) {
                (Feature::Value(Source::Input(_)), Some(kind))
                    if generator_eigenvalues(kind, slot).is_some() =>
                {
                    gates.push(EncodingGate {
                        kind,
                        slot,
                        scale: factor * map.slope([-1.0, 1.0]) * raw_to_z,
                    })
                }
                (Feature::Value(Source::Input(_)), _) => {
                    pure = false;
                    notes.push(format!(
                        "the frequencies of a{} {} gate are not tabulated",
                        if g.controls.is_empty() {
                            ""
                        } else {
                            " controlled"
                        },
                        g.gate.name()
                    ));
                }
                _ => {
                    pure = false;
                    notes.push(format!("the feature {feature} is not linear in the input"));
                }
            }
        }
    }
    let reachable = encoding_frequencies(&gates)?;
    let highest = reachable.iter().copied().fold(0.0f64, f64::max);
    let period = spectrum_period(&reachable).unwrap_or(2.0 * std::f64::consts::PI);
    let k = if max_frequency > 0 {
        max_frequency
    } else {
        ((highest * period / (2.0 * std::f64::consts::PI)).ceil() as usize).max(4)
    };
    let mut base: Vec<f64> = vec![0.0; data.dim];
    let n = data.train.len().max(1) as f64;
    for p in &data.train {
        for (b, v) in base.iter_mut().zip(&p.x) {
            *b += v / n;
        }
    }
    let mut model = t.model().clone();
    model.set_shots(None);
    let spec = FourierSpec {
        period,
        max_frequency: k,
        samples: 4 * k + 4,
        start: base[input] - period / 2.0,
    };
    let spectrum = fourier_coefficients(
        |u| {
            let mut x = base.clone();
            x[input] = u;
            model.forward(&x).first().copied().unwrap_or(0.0)
        },
        &spec,
    )?;
    notes.dedup();
    Ok(FourierReport {
        input,
        input_name: data
            .columns
            .get(input)
            .cloned()
            .unwrap_or_else(|| format!("x{}", input + 1)),
        spectrum,
        reachable,
        pure,
        note: notes.join("; "),
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
