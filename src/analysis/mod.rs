//! # analysis — the training debugger's computations
//!
//! Pure functions and small-step runners behind the debugger views: why a model does not learn.
//!
//! | part | what it computes | reference |
//! |---|---|---|
//! | [`barren`] | variance of ∂C/∂θ over random circuits against qubits and layers, local and global cost, fitted exponential slopes | McClean et al. 2018; Cerezo et al. 2021 |
//! | [`expressibility`] | fidelity histogram of random parameter pairs, KL divergence from Haar, mean Meyer–Wallach entanglement, built-in templates and a ranking | Sim, Johnson & Aspuru-Guzik 2019 |
//! | [`fourier`] | Fourier coefficients of a model output in one input; the frequencies an encoding can reach | Schuld, Sweke & Meyer 2021 |
//! | [`landscape`] | the loss on a grid around the weights along two directions, with a training path projected onto the plane | Li et al. 2018 |
//! | [`stats`] | sample moments, the standard error of a sample variance, least-squares exponential fits | — |
//!
//! Long computations are runners ([`barren::BarrenRun`], [`expressibility::ExpressibilityRun`],
//! [`landscape::LandscapeRun`]) that do a bounded amount of work per `step(max)` call and report a
//! [`Progress`], so a page can advance them a few milliseconds per frame and cancel by dropping
//! them. Every result derives serde's `Serialize`/`Deserialize` so a document can carry it.
//!
//! It knows nothing of documents, models or training: callers hand in circuits (`sim::Op` lists),
//! circuit families and loss functions as closures. It imports only `sim`, `rng`, `std` and
//! `serde`.

pub mod barren;
pub mod expressibility;
pub mod fourier;
pub mod landscape;
mod pairstate;
pub mod stats;

use crate::sim::SimError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An error from an analysis, with a message a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalysisError(pub String);

impl AnalysisError {
    /// An error carrying `msg` as its user-facing message.
    pub fn new(msg: impl Into<String>) -> AnalysisError {
        AnalysisError(msg.into())
    }
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AnalysisError {}

impl From<SimError> for AnalysisError {
    fn from(e: SimError) -> AnalysisError {
        AnalysisError(e.0)
    }
}

/// How far a runner has got: `done` of `total` work items (samples, pairs or grid points), and
/// `fraction` in [0, 1] weighted by the estimated cost of each item (a 10-qubit sample counts
/// far more than a 2-qubit one).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Work items finished.
    pub done: u64,
    /// Work items in the whole run.
    pub total: u64,
    /// Cost-weighted fraction finished, 0 to 1.
    pub fraction: f64,
}

impl Progress {
    /// True once every item is done.
    pub fn is_done(&self) -> bool {
        self.done >= self.total
    }
}

/// The finished result of one long analysis, as a document or a page carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnalysisResult {
    /// The barren-plateau explorer: the drawn circuit over layers (absent when it has no
    /// angle or fewer than two qubits) and the reference circuit over qubits.
    Barren {
        /// Variance against layers for the drawn circuit.
        drawn: Option<barren::BarrenReport>,
        /// Variance against qubits for the reference circuit.
        reference: barren::BarrenReport,
    },
    /// A loss landscape around the weights, with the training path.
    Landscape(landscape::Landscape),
    /// Expressibility and entangling capability of a circuit, ranked among the templates.
    Expressibility {
        /// The circuit's own scores.
        result: expressibility::Expressibility,
        /// The templates it was compared with.
        templates: Vec<expressibility::TemplateScore>,
        /// Where it ranks among them (absent when no template was run).
        ranking: Option<expressibility::Ranking>,
    },
}
