//! Noise channels with PennyLane's definitions: [`ChannelKind`] (names exactly as PennyLane spells
//! them), [`Channel`] (a validated kind, wire and strength), Kraus operators, and the channel's
//! action on one wire of a density matrix as a real superoperator ([`Superop`]).
//!
//! Kraus sets (strength `p` or `γ`, always in [0, 1], as PennyLane 0.45 validates them):
//!
//! | kind | Kraus operators |
//! |---|---|
//! | `DepolarizingChannel(p)` | √(1−p)·I, √(p/3)·X, √(p/3)·Y, √(p/3)·Z |
//! | `BitFlip(p)` | √(1−p)·I, √p·X |
//! | `PhaseFlip(p)` | √(1−p)·I, √p·Z |
//! | `AmplitudeDamping(γ)` | [[1, 0], [0, √(1−γ)]], [[0, √γ], [0, 0]] |
//! | `PhaseDamping(γ)` | [[1, 0], [0, √(1−γ)]], [[0, 0], [0, √γ]] |
//!
//! `DepolarizingChannel` uses PennyLane's convention (Nielsen & Chuang eq. 8.103): each Pauli with
//! probability p/3, so p = 3/4 is the fully depolarizing channel and p = 1 the uniform Pauli
//! channel; PennyLane accepts p in [0, 1], and so do we.
//!
//! Every Kraus operator of these kinds is diagonal or anti-diagonal, so on the 2×2 block of one
//! wire, ρ ↦ Σ K ρ K† mixes only the populations (ρ₀₀, ρ₁₁) with each other and the coherences
//! (ρ₀₁, ρ₁₀) with each other, with real coefficients: two real 2×2 matrices ([`Superop`]).

use super::{SimError, C64};
use serde::{Deserialize, Serialize};

/// A 2×2 complex matrix, row-major.
pub type Mat2 = [[C64; 2]; 2];

/// A noise channel kind; names and Kraus operators are PennyLane's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChannelKind {
    /// Each of X, Y, Z with probability p/3.
    DepolarizingChannel,
    /// X with probability p.
    BitFlip,
    /// Z with probability p.
    PhaseFlip,
    /// Energy relaxation |1⟩ → |0⟩ with probability γ.
    AmplitudeDamping,
    /// Loss of phase coherence without energy exchange, strength γ.
    PhaseDamping,
}

const ALL: [ChannelKind; 5] = [
    ChannelKind::DepolarizingChannel,
    ChannelKind::BitFlip,
    ChannelKind::PhaseFlip,
    ChannelKind::AmplitudeDamping,
    ChannelKind::PhaseDamping,
];

impl ChannelKind {
    /// The PennyLane name, e.g. `"DepolarizingChannel"`.
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::DepolarizingChannel => "DepolarizingChannel",
            ChannelKind::BitFlip => "BitFlip",
            ChannelKind::PhaseFlip => "PhaseFlip",
            ChannelKind::AmplitudeDamping => "AmplitudeDamping",
            ChannelKind::PhaseDamping => "PhaseDamping",
        }
    }

    /// The kind whose [`name`](ChannelKind::name) is exactly `s`.
    pub fn from_name(s: &str) -> Option<ChannelKind> {
        ALL.iter().copied().find(|k| k.name() == s)
    }

    /// Every channel kind, in declaration order.
    pub fn all() -> &'static [ChannelKind] {
        &ALL
    }

    /// The name of the strength parameter as PennyLane calls it: `"p"` or `"gamma"`.
    pub fn parameter(self) -> &'static str {
        match self {
            ChannelKind::DepolarizingChannel | ChannelKind::BitFlip | ChannelKind::PhaseFlip => "p",
            ChannelKind::AmplitudeDamping | ChannelKind::PhaseDamping => "gamma",
        }
    }

    /// What the strength means, for error messages and tooltips.
    pub fn meaning(self) -> &'static str {
        match self {
            ChannelKind::DepolarizingChannel => {
                "the depolarizing probability (each of X, Y, Z is applied with probability p/3)"
            }
            ChannelKind::BitFlip => "the probability of a bit flip (X)",
            ChannelKind::PhaseFlip => "the probability of a phase flip (Z)",
            ChannelKind::AmplitudeDamping => "the probability that |1> decays to |0>",
            ChannelKind::PhaseDamping => "the phase damping probability",
        }
    }

    /// True for the kinds whose Kraus operators are scaled Paulis (depolarizing, bit and phase
    /// flip): their Kraus probabilities do not depend on the state.
    pub fn is_pauli(self) -> bool {
        matches!(
            self,
            ChannelKind::DepolarizingChannel | ChannelKind::BitFlip | ChannelKind::PhaseFlip
        )
    }

    /// Checks a strength: finite and in [0, 1] (PennyLane's range for every kind here).
    pub fn check_strength(self, strength: f64) -> Result<(), SimError> {
        if !strength.is_finite() || !(0.0..=1.0).contains(&strength) {
            return Err(SimError::new(format!(
                "{} has {} = {strength}, but {} is {} and must be a number from 0 to 1",
                self.name(),
                self.parameter(),
                self.parameter(),
                self.meaning()
            )));
        }
        Ok(())
    }

    /// The Kraus operators at `strength` (checked with [`ChannelKind::check_strength`]).
    pub fn kraus(self, strength: f64) -> Result<Vec<Mat2>, SimError> {
        self.check_strength(strength)?;
        Ok(self.kraus_unchecked(strength))
    }

    /// The Kraus operators, for a strength already known to be valid.
    pub(crate) fn kraus_unchecked(self, s: f64) -> Vec<Mat2> {
        let z = C64::new(0.0, 0.0);
        let r = |x: f64| C64::new(x, 0.0);
        let i = C64::new(0.0, 1.0);
        let scaled_pauli = |a: f64, p: char| -> Mat2 {
            let a = r(a);
            match p {
                'I' => [[a, z], [z, a]],
                'X' => [[z, a], [a, z]],
                'Y' => [[z, -i * a], [i * a, z]],
                _ => [[a, z], [z, -a]],
            }
        };
        match self {
            ChannelKind::DepolarizingChannel => {
                let q = (s / 3.0).sqrt();
                vec![
                    scaled_pauli((1.0 - s).sqrt(), 'I'),
                    scaled_pauli(q, 'X'),
                    scaled_pauli(q, 'Y'),
                    scaled_pauli(q, 'Z'),
                ]
            }
            ChannelKind::BitFlip => vec![
                scaled_pauli((1.0 - s).sqrt(), 'I'),
                scaled_pauli(s.sqrt(), 'X'),
            ],
            ChannelKind::PhaseFlip => vec![
                scaled_pauli((1.0 - s).sqrt(), 'I'),
                scaled_pauli(s.sqrt(), 'Z'),
            ],
            ChannelKind::AmplitudeDamping => vec![
                [[r(1.0), z], [z, r((1.0 - s).sqrt())]],
                [[z, r(s.sqrt())], [z, z]],
            ],
            ChannelKind::PhaseDamping => vec![
                [[r(1.0), z], [z, r((1.0 - s).sqrt())]],
                [[z, z], [z, r(s.sqrt())]],
            ],
        }
    }
}

impl std::fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One channel on one wire with a strength (p or γ as PennyLane defines it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Channel {
    /// The channel kind.
    pub kind: ChannelKind,
    /// The wire it acts on.
    pub wire: usize,
    /// p or γ, in [0, 1].
    pub strength: f64,
}

impl Channel {
    /// A validated channel (strength finite and in [0, 1]).
    pub fn new(kind: ChannelKind, wire: usize, strength: f64) -> Result<Channel, SimError> {
        kind.check_strength(strength)?;
        Ok(Channel {
            kind,
            wire,
            strength,
        })
    }

    /// Checks the channel against a circuit of `n_qubits`: strength and wire.
    pub fn validate(&self, n_qubits: usize) -> Result<(), SimError> {
        self.kind.check_strength(self.strength)?;
        if self.wire >= n_qubits {
            return Err(SimError::new(format!(
                "{} uses wire {}, but the circuit has {n_qubits} qubit(s) (wires 0..{})",
                self.kind.name(),
                self.wire,
                n_qubits.saturating_sub(1)
            )));
        }
        Ok(())
    }

    /// The Kraus operators (errors for a strength outside [0, 1]).
    pub fn kraus(&self) -> Result<Vec<Mat2>, SimError> {
        self.kind.kraus(self.strength)
    }

    /// The channel's action on the 2×2 block of its wire (strength assumed valid).
    pub(crate) fn superop(&self) -> Superop {
        Superop::of(self.kind, self.strength)
    }
}

/// The action ρ ↦ Σ K ρ K† on the 2×2 block of one wire, for Kraus operators that are each
/// diagonal or anti-diagonal: `pop` maps (ρ₀₀, ρ₁₁), `coh` maps (ρ₀₁, ρ₁₀), both real.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Superop {
    pub(crate) pop: [[f64; 2]; 2],
    pub(crate) coh: [[f64; 2]; 2],
}

impl Superop {
    /// The full 4×4 superoperator S[(a,b),(c,d)] = Σₖ K[a][c]·conj(K[b][d]), read into the two
    /// blocks. The entries left out (population ↔ coherence) vanish and the kept ones are real
    /// for every [`ChannelKind`] (`superop_blocks_are_exact` checks it).
    #[cfg(test)]
    pub(crate) fn from_kraus(kraus: &[Mat2]) -> Superop {
        let s = |a: usize, b: usize, c: usize, d: usize| -> f64 {
            kraus
                .iter()
                .map(|k| k[a][c] * k[b][d].conj())
                .sum::<C64>()
                .re
        };
        Superop {
            pop: [
                [s(0, 0, 0, 0), s(0, 0, 1, 1)],
                [s(1, 1, 0, 0), s(1, 1, 1, 1)],
            ],
            coh: [
                [s(0, 1, 0, 1), s(0, 1, 1, 0)],
                [s(1, 0, 0, 1), s(1, 0, 1, 0)],
            ],
        }
    }

    /// The blocks of `kind` at strength `s` in closed form (what [`Superop::from_kraus`] gives
    /// for its Kraus set, without building it; `closed_forms_match_the_kraus_sums` checks it).
    pub(crate) fn of(kind: ChannelKind, s: f64) -> Superop {
        match kind {
            // Populations mix by 2p/3; coherences shrink by 1 − 4p/3.
            ChannelKind::DepolarizingChannel => {
                let (m, d) = (2.0 * s / 3.0, 1.0 - 4.0 * s / 3.0);
                Superop {
                    pop: [[1.0 - m, m], [m, 1.0 - m]],
                    coh: [[d, 0.0], [0.0, d]],
                }
            }
            ChannelKind::BitFlip => {
                let b = [[1.0 - s, s], [s, 1.0 - s]];
                Superop { pop: b, coh: b }
            }
            ChannelKind::PhaseFlip => Superop {
                pop: [[1.0, 0.0], [0.0, 1.0]],
                coh: [[1.0 - 2.0 * s, 0.0], [0.0, 1.0 - 2.0 * s]],
            },
            ChannelKind::AmplitudeDamping => {
                let d = (1.0 - s).sqrt();
                Superop {
                    pop: [[1.0, s], [0.0, 1.0 - s]],
                    coh: [[d, 0.0], [0.0, d]],
                }
            }
            ChannelKind::PhaseDamping => {
                let d = (1.0 - s).sqrt();
                Superop {
                    pop: [[1.0, 0.0], [0.0, 1.0]],
                    coh: [[d, 0.0], [0.0, d]],
                }
            }
        }
    }

    /// The adjoint map X ↦ Σ K† X K (Heisenberg picture): both blocks transposed.
    pub(crate) fn adjoint(&self) -> Superop {
        let t = |m: [[f64; 2]; 2]| [[m[0][0], m[1][0]], [m[0][1], m[1][1]]];
        Superop {
            pop: t(self.pop),
            coh: t(self.coh),
        }
    }

    /// Applies the map to a 2×2 block `[[e00, e01], [e10, e11]]` in place.
    #[inline(always)]
    pub(crate) fn apply(&self, e00: &mut C64, e01: &mut C64, e10: &mut C64, e11: &mut C64) {
        let [[p00, p01], [p10, p11]] = self.pop;
        let [[c00, c01], [c10, c11]] = self.coh;
        let (a, d) = (*e00, *e11);
        *e00 = a * p00 + d * p01;
        *e11 = a * p10 + d * p11;
        let (b, c) = (*e01, *e10);
        *e01 = b * c00 + c * c01;
        *e10 = b * c10 + c * c11;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mat_mul(a: &Mat2, b: &Mat2) -> Mat2 {
        let mut m = [[C64::new(0.0, 0.0); 2]; 2];
        for i in 0..2 {
            for j in 0..2 {
                m[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j];
            }
        }
        m
    }

    fn dagger(a: &Mat2) -> Mat2 {
        [
            [a[0][0].conj(), a[1][0].conj()],
            [a[0][1].conj(), a[1][1].conj()],
        ]
    }

    const STRENGTHS: [f64; 6] = [0.0, 0.01, 0.3, 0.75, 0.999, 1.0];

    #[test]
    fn names_round_trip_and_are_pennylanes() {
        let names: Vec<&str> = ChannelKind::all().iter().map(|k| k.name()).collect();
        assert_eq!(
            names,
            [
                "DepolarizingChannel",
                "BitFlip",
                "PhaseFlip",
                "AmplitudeDamping",
                "PhaseDamping"
            ]
        );
        for &k in ChannelKind::all() {
            assert_eq!(ChannelKind::from_name(k.name()), Some(k));
            assert_eq!(k.to_string(), k.name());
            // serde spells them the same way (documents store these names).
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.name()));
            assert_eq!(serde_json::from_str::<ChannelKind>(&json).unwrap(), k);
        }
        assert_eq!(ChannelKind::from_name("Depolarizing"), None);
    }

    #[test]
    fn kraus_sets_are_trace_preserving() {
        for &k in ChannelKind::all() {
            for &s in &STRENGTHS {
                let ks = k.kraus(s).unwrap();
                let mut sum = [[C64::new(0.0, 0.0); 2]; 2];
                for m in &ks {
                    let p = mat_mul(&dagger(m), m);
                    for i in 0..2 {
                        for j in 0..2 {
                            sum[i][j] += p[i][j];
                        }
                    }
                }
                for (i, row) in sum.iter().enumerate() {
                    for (j, v) in row.iter().enumerate() {
                        let want = if i == j { 1.0 } else { 0.0 };
                        assert!((v - want).norm() < 1e-15, "{k} {s}: Σ K†K = {sum:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn kraus_operators_are_pennylanes() {
        let c = |re: f64, im: f64| C64::new(re, im);
        let z = c(0.0, 0.0);
        // DepolarizingChannel(0.5): √0.5·I, √(1/6)·X, √(1/6)·Y, √(1/6)·Z.
        let d = ChannelKind::DepolarizingChannel.kraus(0.5).unwrap();
        let q = (0.5f64 / 3.0).sqrt();
        assert_eq!(d.len(), 4);
        assert!((d[0][0][0] - c(0.5f64.sqrt(), 0.0)).norm() < 1e-15);
        assert_eq!(d[1], [[z, c(q, 0.0)], [c(q, 0.0), z]]);
        assert_eq!(d[2], [[z, c(0.0, -q)], [c(0.0, q), z]]);
        assert_eq!(d[3], [[c(q, 0.0), z], [z, c(-q, 0.0)]]);
        let a = ChannelKind::AmplitudeDamping.kraus(0.36).unwrap();
        assert_eq!(a[0], [[c(1.0, 0.0), z], [z, c(0.8, 0.0)]]);
        assert_eq!(a[1], [[z, c(0.6, 0.0)], [z, z]]);
        let p = ChannelKind::PhaseDamping.kraus(0.36).unwrap();
        assert_eq!(p[1], [[z, z], [z, c(0.6, 0.0)]]);
        let b = ChannelKind::BitFlip.kraus(0.36).unwrap();
        assert_eq!(b[1], [[z, c(0.6, 0.0)], [c(0.6, 0.0), z]]);
        let f = ChannelKind::PhaseFlip.kraus(0.36).unwrap();
        assert_eq!(f[0], [[c(0.8, 0.0), z], [z, c(0.8, 0.0)]]);
        assert_eq!(f[1], [[c(0.6, 0.0), z], [z, c(-0.6, 0.0)]]);
    }

    #[test]
    fn bad_strengths_are_refused_with_the_range() {
        for &k in ChannelKind::all() {
            for s in [-0.1, 1.0 + 1e-12, f64::NAN, f64::INFINITY] {
                let e = Channel::new(k, 0, s).unwrap_err().to_string();
                assert!(
                    e.contains(k.name()) && e.contains("from 0 to 1") && e.contains(k.parameter()),
                    "{e}"
                );
            }
            assert!(Channel::new(k, 0, 0.0).is_ok() && Channel::new(k, 0, 1.0).is_ok());
        }
        let e = Channel::new(ChannelKind::BitFlip, 3, 0.1)
            .unwrap()
            .validate(2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("wire 3") && e.contains("2 qubit"), "{e}");
    }

    #[test]
    fn closed_forms_match_the_kraus_sums() {
        for &k in ChannelKind::all() {
            for s in STRENGTHS.iter().copied().chain([0.123, 0.5]) {
                let a = Superop::of(k, s);
                let b = Superop::from_kraus(&k.kraus(s).unwrap());
                for i in 0..2 {
                    for j in 0..2 {
                        assert!((a.pop[i][j] - b.pop[i][j]).abs() < 1e-15, "{k}({s})");
                        assert!((a.coh[i][j] - b.coh[i][j]).abs() < 1e-15, "{k}({s})");
                    }
                }
            }
        }
    }

    /// The two real blocks reproduce Σ K ρ K† on arbitrary complex 2×2 matrices, the dropped
    /// entries of the full superoperator are exactly zero, and the adjoint is Σ K† X K.
    #[test]
    fn superop_blocks_are_exact() {
        let mut rng = crate::rng::Rng::new(3);
        for &k in ChannelKind::all() {
            for &s in &STRENGTHS {
                let ks = k.kraus(s).unwrap();
                for a in 0..2 {
                    for b in 0..2 {
                        for c in 0..2 {
                            for d in 0..2 {
                                let v: C64 = ks.iter().map(|m| m[a][c] * m[b][d].conj()).sum();
                                let kept = (a == b) == (c == d);
                                assert!(v.im == 0.0, "{k}: S[{a}{b},{c}{d}] = {v}");
                                assert!(kept || v.re == 0.0, "{k}: S[{a}{b},{c}{d}] = {v}");
                            }
                        }
                    }
                }
                let sup = Superop::from_kraus(&ks);
                for adjoint in [false, true] {
                    let m: Mat2 = [
                        [
                            C64::new(rng.normal(), rng.normal()),
                            C64::new(rng.normal(), rng.normal()),
                        ],
                        [
                            C64::new(rng.normal(), rng.normal()),
                            C64::new(rng.normal(), rng.normal()),
                        ],
                    ];
                    let mut want = [[C64::new(0.0, 0.0); 2]; 2];
                    for kk in &ks {
                        let t = if adjoint {
                            mat_mul(&mat_mul(&dagger(kk), &m), kk)
                        } else {
                            mat_mul(&mat_mul(kk, &m), &dagger(kk))
                        };
                        for i in 0..2 {
                            for j in 0..2 {
                                want[i][j] += t[i][j];
                            }
                        }
                    }
                    let op = if adjoint { sup.adjoint() } else { sup };
                    let [[mut e00, mut e01], [mut e10, mut e11]] = m;
                    op.apply(&mut e00, &mut e01, &mut e10, &mut e11);
                    let got = [[e00, e01], [e10, e11]];
                    for i in 0..2 {
                        for j in 0..2 {
                            assert!(
                                (got[i][j] - want[i][j]).norm() < 1e-14,
                                "{k}({s}) adjoint={adjoint}: {got:?} vs {want:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
