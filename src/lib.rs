//! # qmlp — the QML playground engine
//!
//! A pure Rust core for a hybrid quantum-classical machine-learning playground, with a thin
//! WebAssembly facade (`web`, compiled only for `wasm32`). Data flows one way:
//!
//! ```text
//! data -> feature map -> circuit (sim) -> readout -> head -> loss -> gradient -> optimizer
//! ```
//!
//! | module | owns |
//! |---|---|
//! | [`sim`] | the statevector engine |
//! | [`circuit`] | the document's circuit: gates, angle bindings, compiled programs, adjoint gradients |
//! | [`model`] | the hybrid model: feature map, circuit, readout, head; forward and backward |
//! | [`learn`] | losses, optimizers, dense layers, the MLP (a leaf: imports only `rng`) |
//! | [`train`] | the `Trainer` and the MLP baseline's training loop |
//! | [`data`] | seeded datasets, splits, CSV import |
//! | [`doc`] | the versioned playground document (parse = validate) |
//! | [`plot`] | loss chart and decision-boundary map on any plotters `DrawingBackend` |
//! | [`interop`] | OpenQASM and PennyLane/Qiskit export/import |
//! | [`analysis`] | barren plateaus, expressibility, Fourier spectra, loss landscapes (imports `sim`, `rng`) |
//! | [`debugger`] | the training debugger: the analyses applied to a document's model and a run |
//! | [`view`] | what the page shows of a run (inspector, charts), independent of the browser |
//! | `web` | the wasm-bindgen facade (wasm32 only) |

pub mod analysis;
pub mod circuit;
pub mod data;
pub mod debugger;
pub mod doc;
pub mod interop;
pub mod learn;
pub mod model;
pub mod plot;
pub mod rng;
pub mod sim;
pub mod train;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// The engine's version, as the page and the command-line tool report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The engine's version string.
///
/// ```
/// assert_eq!(qmlp::version(), env!("CARGO_PKG_VERSION"));
/// ```
pub fn version() -> &'static str {
    VERSION
}
