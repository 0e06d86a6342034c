//! What the model reads from the circuit's final state: expectation values of Pauli strings, or
//! the fidelity with one label state per class (basis states, products of Bloch points on the
//! first wires, or per wire); exactly or estimated from shots; and the weighted observable
//! `Σ_j w_j R_j` the adjoint pass differentiates.

use super::ModelError;
use crate::doc::{BlochPoint, LabelState, Readout};
use crate::rng::Rng;
use crate::sim::{GateKind, HermitianTerm, Observable, Op, Pauli, PauliString, State, C64};

/// The readout of a model.
#[derive(Clone, Debug)]
pub(super) enum ReadoutKind {
    Expval(Vec<PauliString>),
    /// Basis label states on the first `m` wires: (index per class, m).
    Basis(Vec<usize>, usize),
    /// Product label states on the first `m` wires: per class its `2^m` amplitudes and its
    /// Bloch point per wire.
    Product {
        vectors: Vec<Vec<C64>>,
        points: Vec<Vec<BlochPoint>>,
        m: usize,
    },
    /// One single-qubit label state per class, compared with every wire's reduced state;
    /// values class-major (class `c`, wire `q` at `c·n + q`).
    PerWire {
        states: Vec<[C64; 2]>,
        points: Vec<BlochPoint>,
    },
}

/// A binomial draw: `n` Bernoulli trials of probability `p` (by counting up to 4096 trials,
/// beyond by the normal approximation, rounded and clamped to [0, n]).
fn binomial(n: usize, p: f64, rng: &mut Rng) -> usize {
    if n <= 4096 {
        (0..n).filter(|_| rng.uniform() < p).count()
    } else {
        let mean = n as f64 * p;
        let sd = (mean * (1.0 - p)).sqrt();
        (mean + sd * rng.normal()).round().clamp(0.0, n as f64) as usize
    }
}

/// Rotates `wire` of `s` so that the single-qubit state `p` becomes |0⟩: `R_y(−θ)·R_z(−φ)`.
fn unrotate(s: &mut State, wire: usize, p: BlochPoint) {
    for (k, a) in [(GateKind::RZ, -p.phi), (GateKind::RY, -p.theta)] {
        if let Ok(op) = Op::new(k, &[wire], &[a]) {
            s.apply(&op);
        }
    }
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
            Readout::Fidelity {
                states,
                per_wire: true,
            } => ReadoutKind::PerWire {
                states: states
                    .iter()
                    .map(|s| {
                        s.wire_amplitudes()
                            .first()
                            .copied()
                            .unwrap_or([C64::new(1.0, 0.0), C64::new(0.0, 0.0)])
                    })
                    .collect(),
                points: states
                    .iter()
                    .map(|s| {
                        s.bloch_points()
                            .first()
                            .copied()
                            .unwrap_or(BlochPoint::new(0.0, 0.0))
                    })
                    .collect(),
            },
            Readout::Fidelity { states, .. } => {
                let m = states.first().map_or(1, LabelState::n_wires);
                let basis: Option<Vec<usize>> =
                    states.iter().map(LabelState::basis_index).collect();
                match basis {
                    Some(idx) => ReadoutKind::Basis(idx, m),
                    None => ReadoutKind::Product {
                        vectors: states.iter().map(LabelState::amplitudes).collect(),
                        points: states.iter().map(LabelState::bloch_points).collect(),
                        m,
                    },
                }
            }
        })
    }

    /// A zero-weighted observable of the right shape for [`ReadoutKind::set_weights`].
    pub(super) fn weighted(&self, n_qubits: usize) -> Observable {
        match self {
            ReadoutKind::Expval(ps) => {
                Observable::Sum(ps.iter().map(|p| (0.0, p.clone())).collect())
            }
            ReadoutKind::Basis(..) => Observable::Diagonal(vec![0.0; 1 << n_qubits]),
            ReadoutKind::Product { m, .. } => {
                let dim = 1usize << m;
                Observable::Hermitian(vec![HermitianTerm {
                    wires: (0..*m).collect(),
                    matrix: vec![C64::new(0.0, 0.0); dim * dim],
                }])
            }
            ReadoutKind::PerWire { .. } => Observable::Hermitian(
                (0..n_qubits)
                    .map(|q| HermitianTerm {
                        wires: vec![q],
                        matrix: vec![C64::new(0.0, 0.0); 4],
                    })
                    .collect(),
            ),
        }
    }

    /// The exact readout of state `s` into `out`.
    pub(super) fn exact(&self, s: &State, out: &mut Vec<f64>) {
        out.clear();
        let n = s.n_qubits();
        match self {
            ReadoutKind::Expval(ps) => out.extend(ps.iter().map(|p| s.expval_pauli(p))),
            ReadoutKind::Basis(targets, m) => {
                let shift = n - m;
                out.resize(targets.len(), 0.0);
                for (i, a) in s.amplitudes().iter().enumerate() {
                    let prefix = i >> shift;
                    if let Some(j) = targets.iter().position(|&t| t == prefix) {
                        out[j] += a.norm_sqr();
                    }
                }
            }
            ReadoutKind::Product { vectors, m, .. } => {
                // ψ as a (2^m × 2^(n−m)) matrix: F_c = Σ_rest |Σ_a φ_c[a]* ψ[a, rest]|².
                let rest = 1usize << (n - m);
                let amps = s.amplitudes();
                out.extend(vectors.iter().map(|v| {
                    (0..rest)
                        .map(|r| {
                            v.iter()
                                .enumerate()
                                .map(|(a, p)| p.conj() * amps[a * rest + r])
                                .sum::<C64>()
                                .norm_sqr()
                        })
                        .sum::<f64>()
                }));
            }
            ReadoutKind::PerWire { points, .. } => {
                // F = ⟨φ|ρ_q|φ⟩ = (1 + r_q · n_φ)/2 with r_q the wire's Bloch vector.
                let r: Vec<[f64; 3]> = (0..n).map(|q| s.bloch(q)).collect();
                for p in points {
                    let v = p.vector();
                    out.extend(
                        r.iter()
                            .map(|b| 0.5 * (1.0 + b[0] * v[0] + b[1] * v[1] + b[2] * v[2])),
                    );
                }
            }
        }
    }

    /// Rewrites the weights of `weighted` to `Σ_j weights_j R_j`.
    pub(super) fn set_weights(&self, weighted: &mut Observable, weights: &[f64], n_qubits: usize) {
        let w = |j: usize| weights.get(j).copied().unwrap_or(0.0);
        match (self, weighted) {
            (ReadoutKind::Expval(_), Observable::Sum(terms)) => {
                for (t, &w) in terms.iter_mut().zip(weights) {
                    t.0 = w;
                }
            }
            (ReadoutKind::Basis(targets, m), Observable::Diagonal(d)) => {
                let shift = n_qubits - m;
                for (i, v) in d.iter_mut().enumerate() {
                    *v = targets.iter().position(|&t| t == i >> shift).map_or(0.0, w);
                }
            }
            (ReadoutKind::Product { vectors, .. }, Observable::Hermitian(terms)) => {
                if let Some(t) = terms.first_mut() {
                    t.set_weighted_projectors(
                        vectors
                            .iter()
                            .enumerate()
                            .map(|(c, v)| (w(c), v.as_slice())),
                    );
                }
            }
            (ReadoutKind::PerWire { states, .. }, Observable::Hermitian(terms)) => {
                for (q, t) in terms.iter_mut().enumerate() {
                    t.set_weighted_projectors(
                        states
                            .iter()
                            .enumerate()
                            .map(|(c, v)| (w(c * n_qubits + q), v.as_slice())),
                    );
                }
            }
            _ => {}
        }
    }

    /// Replaces exact readout values (of a noisy state) by estimates from `shots` samples
    /// each: a Pauli expectation value r is the mean of ±1 outcomes with P(+1) = (1 + r)/2, a
    /// fidelity the frequency of a hit with probability F.
    pub(super) fn sample_values(&self, values: &mut [f64], shots: usize, rng: &mut Rng) {
        let n = shots.max(1);
        for v in values.iter_mut() {
            let (p, pauli) = match self {
                ReadoutKind::Expval(_) => ((1.0 + *v) / 2.0, true),
                _ => (*v, false),
            };
            let p = p.clamp(0.0, 1.0);
            let hits = binomial(n, p, rng) as f64 / n as f64;
            *v = if pauli { 2.0 * hits - 1.0 } else { hits };
        }
    }

    /// Estimates the readout of state `s` from `shots` samples per observable (Pauli strings
    /// are rotated into the Z basis and measured; basis-state fidelities are hit frequencies;
    /// for other label states every wire is rotated so that the label state becomes |0…0⟩ and
    /// the hits on |0…0⟩ are counted, one set of samples per class).
    pub(super) fn shots(&self, s: &State, shots: usize, rng: &mut Rng, out: &mut Vec<f64>) {
        out.clear();
        let n = s.n_qubits();
        let per = 1.0 / shots.max(1) as f64;
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
            ReadoutKind::Basis(targets, m) => {
                let shift = n - m;
                let mut f = vec![0.0; targets.len()];
                for i in s.sample(shots, rng) {
                    if let Some(j) = targets.iter().position(|&t| t == i >> shift) {
                        f[j] += per;
                    }
                }
                out.extend(f);
            }
            ReadoutKind::Product { points, m, .. } => {
                let shift = n - m;
                for wires in points {
                    let mut r = s.clone();
                    for (w, &p) in wires.iter().enumerate() {
                        unrotate(&mut r, w, p);
                    }
                    let hits = r
                        .sample(shots, rng)
                        .iter()
                        .filter(|&&i| i >> shift == 0)
                        .count();
                    out.push(hits as f64 * per);
                }
            }
            ReadoutKind::PerWire { points, .. } => {
                for &p in points {
                    let mut r = s.clone();
                    for q in 0..n {
                        unrotate(&mut r, q, p);
                    }
                    let mut f = vec![0.0; n];
                    for i in r.sample(shots, rng) {
                        for (q, v) in f.iter_mut().enumerate() {
                            if i >> (n - 1 - q) & 1 == 0 {
                                *v += per;
                            }
                        }
                    }
                    out.extend(f);
                }
            }
        }
    }
}
