//! What the model reads from the circuit's final state: expectation values of Pauli strings, or
//! the fidelity with one label state per class; exactly or estimated from shots; and the
//! weighted observable `Σ_j w_j R_j` the adjoint pass differentiates.

use super::ModelError;
use crate::doc::Readout;
use crate::rng::Rng;
use crate::sim::{GateKind, Observable, Op, Pauli, PauliString, State};

/// The readout of a model.
#[derive(Clone, Debug)]
pub(super) enum ReadoutKind {
    Expval(Vec<PauliString>),
    /// Bit string per class on the first `m` wires: (value, m).
    Fidelity(Vec<usize>, usize),
}

impl ReadoutKind {
    /// The readout of a (valid) document.
    pub(super) fn new(r: &Readout) -> Result<ReadoutKind, ModelError> {
        Ok(match r {
            Readout::Expval { observables } => ReadoutKind::Expval(
                observables
                    .iter()
                    .map(|o| o.parse::<PauliString>())
                    .collect::<Result<_, _>>()?,
            ),
            Readout::Fidelity { states } => {
                let m = states.first().map_or(1, |s| s.len());
                ReadoutKind::Fidelity(
                    states
                        .iter()
                        .map(|s| usize::from_str_radix(s, 2).unwrap_or(0))
                        .collect(),
                    m,
                )
            }
        })
    }

    /// A zero-weighted observable of the right shape for [`ReadoutKind::set_weights`].
    pub(super) fn weighted(&self, n_qubits: usize) -> Observable {
        match self {
            ReadoutKind::Expval(ps) => {
                Observable::Sum(ps.iter().map(|p| (0.0, p.clone())).collect())
            }
            ReadoutKind::Fidelity(..) => Observable::Diagonal(vec![0.0; 1 << n_qubits]),
        }
    }

    /// The exact readout of state `s` into `out`.
    pub(super) fn exact(&self, s: &State, out: &mut Vec<f64>) {
        out.clear();
        match self {
            ReadoutKind::Expval(ps) => out.extend(ps.iter().map(|p| s.expval_pauli(p))),
            ReadoutKind::Fidelity(targets, m) => {
                let shift = s.n_qubits() - m;
                out.resize(targets.len(), 0.0);
                for (i, a) in s.amplitudes().iter().enumerate() {
                    let prefix = i >> shift;
                    if let Some(j) = targets.iter().position(|&t| t == prefix) {
                        out[j] += a.norm_sqr();
                    }
                }
            }
        }
    }

    /// Rewrites the weights of `weighted` to `Σ_j weights_j R_j`.
    pub(super) fn set_weights(&self, weighted: &mut Observable, weights: &[f64], n_qubits: usize) {
        match (self, weighted) {
            (ReadoutKind::Expval(_), Observable::Sum(terms)) => {
                for (t, &w) in terms.iter_mut().zip(weights) {
                    t.0 = w;
                }
            }
            (ReadoutKind::Fidelity(targets, m), Observable::Diagonal(d)) => {
                let shift = n_qubits - m;
                for (i, v) in d.iter_mut().enumerate() {
                    *v = targets
                        .iter()
                        .position(|&t| t == i >> shift)
                        .map_or(0.0, |j| weights.get(j).copied().unwrap_or(0.0));
                }
            }
            _ => {}
        }
    }

    /// Estimates the readout of state `s` from `shots` samples per observable (Pauli strings
    /// are rotated into the Z basis and measured; fidelities are hit frequencies).
    pub(super) fn shots(&self, s: &State, shots: usize, rng: &mut Rng, out: &mut Vec<f64>) {
        out.clear();
        let n = s.n_qubits();
        match self {
            ReadoutKind::Expval(ps) => {
                for p in ps {
                    let mut r = s.clone();
                    for &(w, pauli) in &p.terms {
                        let rot: &[GateKind] = match pauli {
                            Pauli::X => &[GateKind::H],
                            Pauli::Y => &[GateKind::Sdg, GateKind::H],
                            Pauli::Z => &[],
                        };
                        for &k in rot {
                            if let Ok(op) = Op::new(k, &[w], &[]) {
                                r.apply(&op);
                            }
                        }
                    }
                    let mask = p.terms.iter().fold(0usize, |m, t| m | 1 << (n - 1 - t.0));
                    let sum: f64 = r
                        .sample(shots, rng)
                        .iter()
                        .map(|&i| {
                            if (i & mask).count_ones() % 2 == 0 {
                                1.0
                            } else {
                                -1.0
                            }
                        })
                        .sum();
                    out.push(sum / shots as f64);
                }
            }
            ReadoutKind::Fidelity(targets, m) => {
                let shift = n - m;
                let mut f = vec![0.0; targets.len()];
                for i in s.sample(shots, rng) {
                    if let Some(j) = targets.iter().position(|&t| t == i >> shift) {
                        f[j] += 1.0 / shots as f64;
                    }
                }
                out.extend(f);
            }
        }
    }
}
