//! Expressibility and entangling capability of a parametrised circuit (Sim, Johnson &
//! Aspuru-Guzik 2019).
//!
//! For `pairs` pairs of parameter vectors drawn uniformly from [0, 2π), the fidelities
//! F = |⟨ψ(θ)|ψ(φ)⟩|² are histogrammed in `bins` equal bins on [0, 1] (the paper's 75), and the
//! **expressibility** is the Kullback–Leibler divergence KL(P_circuit ‖ P_Haar) from the
//! distribution of Haar-random states, P_Haar(F) = (N − 1)(1 − F)^(N−2) with N = 2ⁿ, integrated
//! over each bin: (1 − F_lo)^(N−1) − (1 − F_hi)^(N−1). Lower is more expressive; with finite
//! samples the estimate levels off near (bins − 1)/(2·pairs) even for a Haar-random circuit.
//!
//! The **entangling capability** is the mean Meyer–Wallach measure Q = 2(1 − (1/n)Σ_k Tr ρ_k²)
//! over all sampled states (0 for product states, 1 at most).
//!
//! [`Template`] holds circuits after the paper's figure 2 (our layouts of its structures: idle
//! RX–RZ layers, H–CZ–RX, RX–RZ with CNOT, CRZ or CRX entanglers on a line or a ring), and
//! [`rank`] says where a circuit falls among them.

use super::{AnalysisError, Progress};
use crate::rng::Rng;
use crate::sim::{self, GateKind, Op, State};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Sampling settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpressibilitySpec {
    /// Pairs of parameter vectors (≥ 1); the paper uses 5 000.
    pub pairs: usize,
    /// Histogram bins on [0, 1] (≥ 2); the paper uses 75.
    pub bins: usize,
    /// Seed of the parameter draws.
    pub seed: u64,
}

impl Default for ExpressibilitySpec {
    /// Sim et al.'s settings: 5 000 pairs, 75 bins (seed 1).
    fn default() -> ExpressibilitySpec {
        ExpressibilitySpec {
            pairs: 5000,
            bins: 75,
            seed: 1,
        }
    }
}

/// The expressibility and entangling capability of one circuit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Expressibility {
    /// What was sampled.
    pub spec: ExpressibilitySpec,
    /// Number of qubits.
    pub qubits: usize,
    /// Number of parameters drawn per circuit.
    pub params: usize,
    /// Pairs per fidelity bin (`bins` counts summing to `pairs`).
    pub counts: Vec<u64>,
    /// The circuit's fidelity distribution: counts / pairs.
    pub histogram: Vec<f64>,
    /// The Haar distribution's probability of each bin.
    pub haar: Vec<f64>,
    /// KL(histogram ‖ haar) in nats: the expressibility (lower is more expressive).
    pub kl_divergence: f64,
    /// Mean fidelity (1/N for Haar-random states).
    pub mean_fidelity: f64,
    /// Mean Meyer–Wallach Q over all 2·pairs states: the entangling capability.
    pub entangling_capability: f64,
    /// Standard error of the mean Q.
    pub entangling_std_error: f64,
}

/// ln of the Haar probability of the fidelity bin [lo, hi] for dimension `dim` = 2ⁿ, computed
/// without underflow: (N−1)·ln(1−lo) + ln(1 − ((1−hi)/(1−lo))^(N−1)).
fn ln_haar_bin(lo: f64, hi: f64, dim: f64) -> f64 {
    let e = dim - 1.0;
    let a = (1.0 - lo).ln();
    let ratio = if hi >= 1.0 {
        0.0
    } else {
        (e * ((1.0 - hi).ln() - a)).exp()
    };
    e * a + (-ratio).ln_1p()
}

/// The Haar distribution's probability of each of `bins` equal fidelity bins for `n` qubits.
pub fn haar_histogram(n: usize, bins: usize) -> Vec<f64> {
    let dim = 2f64.powi(n as i32);
    (0..bins)
        .map(|j| ln_haar_bin(j as f64 / bins as f64, (j + 1) as f64 / bins as f64, dim).exp())
        .collect()
}

/// KL(p ‖ Haar) in nats for a fidelity histogram `p` (probabilities) of `n` qubits.
pub fn kl_from_haar(p: &[f64], n: usize) -> f64 {
    let bins = p.len();
    let dim = 2f64.powi(n as i32);
    p.iter()
        .enumerate()
        .filter(|(_, &pj)| pj > 0.0)
        .map(|(j, &pj)| {
            let lq = ln_haar_bin(j as f64 / bins as f64, (j + 1) as f64 / bins as f64, dim);
            pj * (pj.ln() - lq)
        })
        .sum()
}

/// The Meyer–Wallach entanglement Q = 2(1 − mean single-qubit purity) of a pure state.
pub fn meyer_wallach(state: &State) -> f64 {
    let n = state.n_qubits();
    let mean_purity = (0..n).map(|w| state.purity(w)).sum::<f64>() / n as f64;
    (2.0 * (1.0 - mean_purity)).max(0.0)
}

/// An expressibility estimate advancing a few pairs per [`step`](ExpressibilityRun::step);
/// drop it to cancel.
///
/// The parameters of pair k are drawn from `Rng::new(seed)` after those of pairs 0…k−1: first θ
/// (`params` uniforms in [0, 2π)), then φ.
///
/// ```
/// use qmlp::analysis::expressibility::{ExpressibilityRun, ExpressibilitySpec, Template};
/// let spec = ExpressibilitySpec { pairs: 200, ..Default::default() };
/// let t = Template::CnotLine;
/// let mut run = ExpressibilityRun::new(3, t.n_params(3, 2), move |p: &[f64]| t.ops(3, 2, p), spec)?;
/// while !run.step(50)?.is_done() {}
/// let e = run.result()?;
/// assert_eq!(e.counts.iter().sum::<u64>(), 200);
/// assert!(e.kl_divergence > 0.0 && e.entangling_capability > 0.0);
/// # Ok::<(), qmlp::analysis::AnalysisError>(())
/// ```
pub struct ExpressibilityRun<C: FnMut(&[f64]) -> Vec<Op>> {
    spec: ExpressibilitySpec,
    n: usize,
    n_params: usize,
    circuit: C,
    rng: Rng,
    theta: Vec<f64>,
    a: State,
    b: State,
    counts: Vec<u64>,
    /// The pair `rng` is positioned for.
    cursor: u64,
    done: usize,
    fidelity_sum: f64,
    q_sum: f64,
    q_sq_sum: f64,
}

impl<C: FnMut(&[f64]) -> Vec<Op>> std::fmt::Debug for ExpressibilityRun<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExpressibilityRun")
            .field("spec", &self.spec)
            .field("qubits", &self.n)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<C: FnMut(&[f64]) -> Vec<Op>> ExpressibilityRun<C> {
    /// A run for the circuit `circuit(params)` on `n_qubits` with `n_params` parameters.
    pub fn new(
        n_qubits: usize,
        n_params: usize,
        circuit: C,
        spec: ExpressibilitySpec,
    ) -> Result<ExpressibilityRun<C>, AnalysisError> {
        sim::check_qubits(n_qubits)?;
        if spec.pairs == 0 {
            return Err(AnalysisError::new(
                "expressibility needs at least 1 pair of circuits",
            ));
        }
        if !(2..=10_000).contains(&spec.bins) {
            return Err(AnalysisError::new(format!(
                "the fidelity histogram needs 2 to 10000 bins; got {}",
                spec.bins
            )));
        }
        Ok(ExpressibilityRun {
            rng: Rng::new(spec.seed),
            counts: vec![0; spec.bins],
            theta: vec![0.0; n_params],
            a: State::new(n_qubits)?,
            b: State::new(n_qubits)?,
            spec,
            n: n_qubits,
            n_params,
            circuit,
            cursor: 0,
            done: 0,
            fidelity_sum: 0.0,
            q_sum: 0.0,
            q_sq_sum: 0.0,
        })
    }

    /// Draws parameters and runs the circuit into `which` (0 → a, 1 → b); returns the state's
    /// Meyer–Wallach entanglement.
    fn sample_state(&mut self, which: usize) -> Result<f64, AnalysisError> {
        for t in self.theta.iter_mut() {
            *t = self.rng.range(0.0, 2.0 * PI);
        }
        let ops = (self.circuit)(&self.theta);
        let s = if which == 0 { &mut self.a } else { &mut self.b };
        s.reset();
        for (k, op) in ops.iter().enumerate() {
            s.try_apply(op).map_err(|e| {
                AnalysisError::new(format!("gate {} ({}): {e}", k + 1, op.kind.name()))
            })?;
        }
        Ok(meyer_wallach(s))
    }

    /// Samples up to `max_pairs` more pairs (at least one unless finished).
    pub fn step(&mut self, max_pairs: usize) -> Result<Progress, AnalysisError> {
        for _ in 0..max_pairs.max(1) {
            if self.is_done() {
                break;
            }
            let v = self.compute(self.done as u64)?;
            self.accept(v)?;
        }
        Ok(self.progress())
    }

    /// Pairs in the whole run.
    pub fn items(&self) -> u64 {
        self.spec.pairs as u64
    }

    /// The relative cost of one pair (the circuit's parameters and qubits).
    pub fn item_cost(&self) -> f64 {
        (self.n_params + self.n + 1) as f64
    }

    /// Pair `i`: [its fidelity, the first state's entanglement, the second's], computed without
    /// being counted. Every pair draws 2 × parameters numbers from the seeded stream, so pair
    /// `i` is reached by drawing those of the pairs before it.
    pub fn compute(&mut self, i: u64) -> Result<[f64; 3], AnalysisError> {
        if i >= self.items() {
            return Err(AnalysisError::new(format!(
                "pair {i} does not exist: the run has {}",
                self.items()
            )));
        }
        if i != self.cursor {
            self.rng = Rng::new(self.spec.seed);
            for _ in 0..2 * self.n_params as u64 * i {
                self.rng.range(0.0, 2.0 * PI);
            }
        }
        let qa = self.sample_state(0)?;
        let qb = self.sample_state(1)?;
        self.cursor = i + 1;
        let f = self.a.inner(&self.b).norm_sqr().min(1.0);
        Ok([f, qa, qb])
    }

    /// Counts the next pair (from [`compute`](Self::compute), here or elsewhere).
    pub fn accept(&mut self, [f, qa, qb]: [f64; 3]) -> Result<(), AnalysisError> {
        if self.is_done() {
            return Err(AnalysisError::new(
                "the expressibility run is already complete",
            ));
        }
        if !((0.0..=1.0).contains(&f) && qa.is_finite() && qb.is_finite()) {
            return Err(AnalysisError::new(format!(
                "pair {} is not a fidelity and two entanglements: {f}, {qa}, {qb}",
                self.done
            )));
        }
        self.q_sum += qa;
        self.q_sq_sum += qa * qa;
        self.q_sum += qb;
        self.q_sq_sum += qb * qb;
        let bins = self.spec.bins;
        let j = ((f * bins as f64) as usize).min(bins - 1);
        self.counts[j] += 1;
        self.fidelity_sum += f;
        self.done += 1;
        Ok(())
    }

    /// Pairs counted so far.
    pub fn done_items(&self) -> u64 {
        self.done as u64
    }

    /// Pairs done, of all.
    pub fn progress(&self) -> Progress {
        Progress {
            done: self.done as u64,
            total: self.spec.pairs as u64,
            fraction: self.done as f64 / self.spec.pairs as f64,
        }
    }

    /// True once every pair is done.
    pub fn is_done(&self) -> bool {
        self.done >= self.spec.pairs
    }

    /// The estimate (an error while pairs are missing).
    pub fn result(&self) -> Result<Expressibility, AnalysisError> {
        if !self.is_done() {
            return Err(AnalysisError::new(format!(
                "the expressibility estimate is not finished: {} of {} pairs done",
                self.done, self.spec.pairs
            )));
        }
        let pairs = self.spec.pairs as f64;
        let histogram: Vec<f64> = self.counts.iter().map(|&c| c as f64 / pairs).collect();
        let states = 2.0 * pairs;
        let q = self.q_sum / states;
        let q_var = if states > 1.0 {
            ((self.q_sq_sum - states * q * q) / (states - 1.0)).max(0.0)
        } else {
            0.0
        };
        Ok(Expressibility {
            spec: self.spec.clone(),
            qubits: self.n,
            params: self.n_params,
            counts: self.counts.clone(),
            kl_divergence: kl_from_haar(&histogram, self.n),
            haar: haar_histogram(self.n, self.spec.bins),
            histogram,
            mean_fidelity: self.fidelity_sum / pairs,
            entangling_capability: q,
            entangling_std_error: (q_var / states).sqrt(),
        })
    }
}

/// The whole estimate at once (see [`ExpressibilityRun`] for a stepped run).
pub fn expressibility<C: FnMut(&[f64]) -> Vec<Op>>(
    n_qubits: usize,
    n_params: usize,
    circuit: C,
    spec: &ExpressibilitySpec,
) -> Result<Expressibility, AnalysisError> {
    let mut run = ExpressibilityRun::new(n_qubits, n_params, circuit, spec.clone())?;
    while !run.is_done() {
        run.step(256)?;
    }
    run.result()
}

/// Built-in circuit templates after Sim et al.'s figure 2; one layer each, repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// RX, RZ on every wire, no entangler (their circuit 1).
    Idle,
    /// H on every wire, a CZ line, RX on every wire (their circuit 9).
    HCz,
    /// RX, RZ on every wire, then CNOTs up a line (their circuit 2).
    CnotLine,
    /// RX, RZ on every wire, then parametrised CRZs up a line (their circuit 3).
    CrzLine,
    /// RX, RZ on every wire, then parametrised CRXs up a line (their circuit 4).
    CrxLine,
    /// RX, RZ on every wire, then parametrised CRZs around a ring (their circuit 18).
    CrzRing,
    /// RX, RZ on every wire, then parametrised CRXs around a ring (their circuit 19).
    CrxRing,
}

impl Template {
    /// Every template, least entangling first.
    pub fn all() -> &'static [Template] {
        &[
            Template::Idle,
            Template::HCz,
            Template::CnotLine,
            Template::CrzLine,
            Template::CrxLine,
            Template::CrzRing,
            Template::CrxRing,
        ]
    }

    /// The template's name as serde writes it, e.g. `"crx_ring"`.
    pub fn name(self) -> &'static str {
        match self {
            Template::Idle => "idle",
            Template::HCz => "h_cz",
            Template::CnotLine => "cnot_line",
            Template::CrzLine => "crz_line",
            Template::CrxLine => "crx_line",
            Template::CrzRing => "crz_ring",
            Template::CrxRing => "crx_ring",
        }
    }

    /// One sentence on the layer's gates.
    pub fn describe(self) -> &'static str {
        match self {
            Template::Idle => "RX and RZ on every wire, no entangling gate",
            Template::HCz => "H on every wire, CZ between neighbours, RX on every wire",
            Template::CnotLine => {
                "RX and RZ on every wire, then CNOT from each wire to the one above"
            }
            Template::CrzLine => {
                "RX and RZ on every wire, then CRZ(θ) from each wire to the one above"
            }
            Template::CrxLine => {
                "RX and RZ on every wire, then CRX(θ) from each wire to the one above"
            }
            Template::CrzRing => "RX and RZ on every wire, then CRZ(θ) around a ring",
            Template::CrxRing => "RX and RZ on every wire, then CRX(θ) around a ring",
        }
    }

    /// The controlled pairs (control, target) of one layer on `n` wires.
    fn pairs(self, n: usize) -> Vec<(usize, usize)> {
        let line = (0..n.saturating_sub(1)).rev().map(|w| (w + 1, w));
        match self {
            Template::Idle => Vec::new(),
            Template::HCz => (0..n.saturating_sub(1)).map(|w| (w, w + 1)).collect(),
            Template::CnotLine | Template::CrzLine | Template::CrxLine => line.collect(),
            Template::CrzRing | Template::CrxRing => {
                if n < 2 {
                    Vec::new()
                } else {
                    std::iter::once((0, n - 1)).chain(line).collect()
                }
            }
        }
    }

    /// Parameters of `layers` layers on `n` wires.
    pub fn n_params(self, n: usize, layers: usize) -> usize {
        let per = match self {
            Template::HCz => n,
            Template::Idle | Template::CnotLine => 2 * n,
            _ => 2 * n + self.pairs(n).len(),
        };
        per * layers
    }

    /// The gates of `layers` layers on `n` wires with `params` (missing ones count as 0).
    pub fn ops(self, n: usize, layers: usize, params: &[f64]) -> Vec<Op> {
        let mut it = params.iter().copied().chain(std::iter::repeat(0.0));
        let mut next = || it.next().unwrap_or(0.0);
        let mut out = Vec::new();
        let one = |kind: GateKind, wires: Vec<usize>, p: f64| Op {
            kind,
            wires,
            controls: Vec::new(),
            params: [p, 0.0, 0.0],
        };
        for _ in 0..layers {
            if self == Template::HCz {
                out.extend((0..n).map(|w| one(GateKind::H, vec![w], 0.0)));
                for (a, b) in self.pairs(n) {
                    out.push(one(GateKind::CZ, vec![a, b], 0.0));
                }
                for w in 0..n {
                    out.push(one(GateKind::RX, vec![w], next()));
                }
                continue;
            }
            for w in 0..n {
                out.push(one(GateKind::RX, vec![w], next()));
                out.push(one(GateKind::RZ, vec![w], next()));
            }
            let kind = match self {
                Template::CnotLine => GateKind::CNOT,
                Template::CrzLine | Template::CrzRing => GateKind::CRZ,
                _ => GateKind::CRX,
            };
            for (c, t) in self.pairs(n) {
                let p = if kind == GateKind::CNOT { 0.0 } else { next() };
                out.push(one(kind, vec![c, t], p));
            }
        }
        out
    }
}

/// One template's estimate at one depth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateScore {
    /// The template.
    pub template: Template,
    /// Its number of layers.
    pub layers: usize,
    /// The estimate.
    pub result: Expressibility,
}

impl TemplateScore {
    /// A label such as `"crx_ring ×2"`.
    pub fn label(&self) -> String {
        format!("{} ×{}", self.template.name(), self.layers)
    }
}

/// The estimates of every template with 1…`max_layers` layers on `n_qubits` (all with `spec`),
/// in [`Template::all`] order, depth inner.
pub fn template_table(
    n_qubits: usize,
    max_layers: usize,
    spec: &ExpressibilitySpec,
) -> Result<Vec<TemplateScore>, AnalysisError> {
    let mut out = Vec::new();
    for &t in Template::all() {
        for layers in 1..=max_layers {
            let result = expressibility(
                n_qubits,
                t.n_params(n_qubits, layers),
                |p: &[f64]| t.ops(n_qubits, layers, p),
                spec,
            )?;
            out.push(TemplateScore {
                template: t,
                layers,
                result,
            });
        }
    }
    Ok(out)
}

/// Where a circuit falls among template estimates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// 1 + the number of templates with a lower KL divergence (1 = most expressive).
    pub expressibility_rank: usize,
    /// 1 + the number of templates with a higher mean Q (1 = most entangling).
    pub entanglement_rank: usize,
    /// Entries ranked (the templates plus the circuit).
    pub out_of: usize,
    /// Labels of the templates that are more expressive, most expressive first.
    pub more_expressive: Vec<String>,
    /// Labels of the templates that are less expressive, most expressive first.
    pub less_expressive: Vec<String>,
}

/// Ranks `circuit` among `table` by KL divergence and by entangling capability.
pub fn rank(circuit: &Expressibility, table: &[TemplateScore]) -> Ranking {
    let mut sorted: Vec<&TemplateScore> = table.iter().collect();
    sorted.sort_by(|a, b| a.result.kl_divergence.total_cmp(&b.result.kl_divergence));
    let kl = circuit.kl_divergence;
    let (more, less): (Vec<&TemplateScore>, Vec<&TemplateScore>) = sorted
        .into_iter()
        .partition(|t| t.result.kl_divergence < kl);
    Ranking {
        expressibility_rank: 1 + more.len(),
        entanglement_rank: 1 + table
            .iter()
            .filter(|t| t.result.entangling_capability > circuit.entangling_capability)
            .count(),
        out_of: table.len() + 1,
        more_expressive: more.iter().map(|t| t.label()).collect(),
        less_expressive: less.iter().map(|t| t.label()).collect(),
    }
}

#[cfg(test)]
mod tests;
