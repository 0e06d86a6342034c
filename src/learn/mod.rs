//! The classical side's building blocks, shared by the hybrid model, the trainer and the MLP
//! baseline: losses ([`loss`]), optimizers ([`optim`]), dense layers ([`dense`]), fitted
//! preprocessing ([`preprocess`]: standardisation, PCA) and the
//! baseline network ([`mlp`]).
//!
//! A leaf: imports only `std`, `serde` and `crate::rng` — never the model, the document or the
//! trainer (`scripts/layers.sh` checks it).

pub mod dense;
pub mod loss;
pub mod mlp;
pub mod optim;
pub mod preprocess;
