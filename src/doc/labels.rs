//! Label states of a fidelity readout: one per class, each a basis state of the first wires
//! (`"01"`), a point of the Bloch sphere (`{"theta": θ, "phi": φ}`, one qubit), or a product of
//! Bloch points (a list, one per wire from wire 0); and the default, maximally orthogonal sets
//! of the data re-uploading paper for `k` classes on one qubit.
//!
//! A Bloch point is the state `|φ⟩ = cos(θ/2)|0⟩ + e^{iφ} sin(θ/2)|1⟩`. Every label state is a
//! product of single-qubit states on its wires, so the engine treats them all alike.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use crate::sim::C64;

/// A point of the Bloch sphere: `cos(θ/2)|0⟩ + e^{iφ} sin(θ/2)|1⟩`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlochPoint {
    /// The polar angle θ from |0⟩ (the north pole), in radians.
    pub theta: f64,
    /// The azimuth φ from the x axis, in radians.
    #[serde(default)]
    pub phi: f64,
}

impl BlochPoint {
    /// The point at polar angle `theta` and azimuth `phi`.
    pub fn new(theta: f64, phi: f64) -> BlochPoint {
        BlochPoint { theta, phi }
    }

    /// The two amplitudes `(cos(θ/2), e^{iφ} sin(θ/2))`.
    pub fn amplitudes(self) -> [C64; 2] {
        let (s, c) = (self.theta / 2.0).sin_cos();
        [C64::new(c, 0.0), C64::from_polar(s, self.phi)]
    }

    /// The Bloch vector `(sin θ cos φ, sin θ sin φ, cos θ)`.
    pub fn vector(self) -> [f64; 3] {
        let (s, c) = self.theta.sin_cos();
        [s * self.phi.cos(), s * self.phi.sin(), c]
    }

    /// `|⟨a|b⟩|²`, the fidelity between two single-qubit states: `(1 + a·b)/2`.
    pub fn fidelity(self, other: BlochPoint) -> f64 {
        let (a, b) = (self.vector(), other.vector());
        ((1.0 + a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / 2.0).clamp(0.0, 1.0)
    }
}

/// One class's label state (see the module doc). Documents of version 1 and 2 wrote only bit
/// strings; they read unchanged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LabelState {
    /// A basis state of the first wires, one character (`0` or `1`) per wire from wire 0.
    Basis(String),
    /// A single-qubit state on wire 0.
    Bloch(BlochPoint),
    /// A product state of the first wires, one Bloch point per wire from wire 0.
    Product(Vec<BlochPoint>),
}

impl From<&str> for LabelState {
    fn from(bits: &str) -> LabelState {
        LabelState::Basis(bits.to_string())
    }
}

impl From<BlochPoint> for LabelState {
    fn from(p: BlochPoint) -> LabelState {
        LabelState::Bloch(p)
    }
}

impl LabelState {
    /// How many wires (from wire 0) the state covers.
    pub fn n_wires(&self) -> usize {
        match self {
            LabelState::Basis(s) => s.chars().count(),
            LabelState::Bloch(_) => 1,
            LabelState::Product(v) => v.len(),
        }
    }

    /// The basis state's index on its wires (wire 0 most significant), if it is a basis state
    /// written as bits.
    pub fn basis_index(&self) -> Option<usize> {
        match self {
            LabelState::Basis(s) => usize::from_str_radix(s, 2).ok(),
            _ => None,
        }
    }

    /// One Bloch point per wire, from wire 0 (`0` is the north pole θ = 0, `1` the south pole
    /// θ = π); characters other than `0` and `1` count as `0` (validation refuses them).
    pub fn bloch_points(&self) -> Vec<BlochPoint> {
        match self {
            LabelState::Basis(s) => s
                .chars()
                .map(|c| BlochPoint::new(if c == '1' { PI } else { 0.0 }, 0.0))
                .collect(),
            LabelState::Bloch(p) => vec![*p],
            LabelState::Product(v) => v.clone(),
        }
    }

    /// The single-qubit amplitudes of every wire, from wire 0 (exact 0 and 1 for basis bits).
    pub fn wire_amplitudes(&self) -> Vec<[C64; 2]> {
        let one = C64::new(1.0, 0.0);
        let zero = C64::new(0.0, 0.0);
        match self {
            LabelState::Basis(s) => s
                .chars()
                .map(|c| if c == '1' { [zero, one] } else { [one, zero] })
                .collect(),
            _ => self
                .bloch_points()
                .into_iter()
                .map(|p| p.amplitudes())
                .collect(),
        }
    }

    /// The state's `2^m` amplitudes on its `m` wires (wire 0 most significant).
    pub fn amplitudes(&self) -> Vec<C64> {
        let mut v = vec![C64::new(1.0, 0.0)];
        for [a, b] in self.wire_amplitudes() {
            v = v.iter().flat_map(|x| [x * a, x * b]).collect();
        }
        v
    }

    /// The Bloch vector `(⟨X⟩, ⟨Y⟩, ⟨Z⟩)` of every wire's single-qubit factor, from wire 0,
    /// computed from its amplitudes `(a, b)`: `(2 Re(a*b), 2 Im(a*b), |a|² − |b|²)` (what the
    /// state inspector draws on each wire's sphere).
    pub fn wire_bloch_vectors(&self) -> Vec<[f64; 3]> {
        self.wire_amplitudes()
            .into_iter()
            .map(|[a, b]| {
                let ab = a.conj() * b;
                [2.0 * ab.re, 2.0 * ab.im, a.norm_sqr() - b.norm_sqr()]
            })
            .collect()
    }

    /// `|⟨self|other⟩|²` for two label states on the same number of wires (0 if they differ).
    pub fn fidelity(&self, other: &LabelState) -> f64 {
        let (a, b) = (self.wire_amplitudes(), other.wire_amplitudes());
        if a.len() != b.len() {
            return 0.0;
        }
        a.iter()
            .zip(&b)
            .map(|(x, y)| (x[0].conj() * y[0] + x[1].conj() * y[1]).norm_sqr())
            .product()
    }

    /// How the page writes it: `|01⟩` for a basis state, `(θ, φ)` in degrees otherwise.
    pub fn describe(&self) -> String {
        match self {
            LabelState::Basis(s) => format!("|{s}⟩"),
            _ => {
                let parts: Vec<String> = self
                    .bloch_points()
                    .iter()
                    .map(|p| {
                        format!(
                            "(θ {:.1}°, φ {:.1}°)",
                            p.theta.to_degrees(),
                            p.phi.to_degrees()
                        )
                    })
                    .collect();
                parts.join(" ⊗ ")
            }
        }
    }
}

/// The polar angle of the tetrahedron's three lower vertices, `2·arccos(1/√3)` ≈ 109.47°.
fn tetrahedral_theta() -> f64 {
    2.0 * (1.0 / 3f64.sqrt()).acos()
}

/// The default label states for `k` classes on one qubit, as far apart on the Bloch sphere as
/// the data re-uploading paper places them: 2 classes the poles |0⟩ and |1⟩ (written as bits);
/// 3 a triangle on the x–z great circle (θ = 0, 2π/3, 2π/3 with φ = 0, 0, π); 4 a regular
/// tetrahedron (|0⟩, then θ = 2·arccos(1/√3) at φ = 0, 2π/3, −2π/3); 6 an octahedron (±z, ±x,
/// ±y). Any other `k` gets a near-uniform spread from a Fibonacci (golden-angle) lattice:
/// point `i` at `cos θ = 1 − (2i + 1)/k` and `φ = i · π(3 − √5)`. `k = 0` gives none, `k = 1`
/// the state |0⟩.
///
/// ```
/// use qmlp::doc::{default_label_states, LabelState};
/// let t = default_label_states(4);
/// // Every pair of tetrahedron vertices has fidelity 1/3.
/// assert!((t[1].fidelity(&t[2]) - 1.0 / 3.0).abs() < 1e-12);
/// assert_eq!(default_label_states(2), vec![LabelState::from("0"), LabelState::from("1")]);
/// ```
pub fn default_label_states(k: usize) -> Vec<LabelState> {
    let b = |theta: f64, phi: f64| LabelState::Bloch(BlochPoint::new(theta, phi));
    match k {
        0 => Vec::new(),
        1 => vec!["0".into()],
        2 => vec!["0".into(), "1".into()],
        3 => vec![b(0.0, 0.0), b(2.0 * PI / 3.0, 0.0), b(2.0 * PI / 3.0, PI)],
        4 => {
            let t = tetrahedral_theta();
            vec![
                b(0.0, 0.0),
                b(t, 0.0),
                b(t, 2.0 * PI / 3.0),
                b(t, -2.0 * PI / 3.0),
            ]
        }
        6 => vec![
            b(0.0, 0.0),
            b(PI, 0.0),
            b(PI / 2.0, 0.0),
            b(PI / 2.0, PI),
            b(PI / 2.0, PI / 2.0),
            b(PI / 2.0, -PI / 2.0),
        ],
        _ => {
            let golden = PI * (3.0 - 5f64.sqrt());
            (0..k)
                .map(|i| {
                    let z = 1.0 - (2 * i + 1) as f64 / k as f64;
                    let phi = (i as f64 * golden).rem_euclid(2.0 * PI);
                    b(z.clamp(-1.0, 1.0).acos(), phi)
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min_distance(states: &[LabelState]) -> f64 {
        let mut best = f64::INFINITY;
        for (i, a) in states.iter().enumerate() {
            for b in &states[i + 1..] {
                best = best.min(1.0 - a.fidelity(b));
            }
        }
        best
    }

    #[test]
    fn the_papers_sets_have_the_papers_amplitudes() {
        // problem_gen.representatives of the paper's code, as amplitudes.
        let r3 = 0.75f64.sqrt();
        let t3: Vec<Vec<C64>> = default_label_states(3)
            .iter()
            .map(|s| s.amplitudes())
            .collect();
        let want3 = [[1.0, 0.0], [0.5, r3], [0.5, -r3]];
        for (got, want) in t3.iter().zip(want3) {
            assert!((got[0] - C64::new(want[0], 0.0)).norm() < 1e-12, "{t3:?}");
            assert!((got[1] - C64::new(want[1], 0.0)).norm() < 1e-12, "{t3:?}");
        }
        let t4: Vec<Vec<C64>> = default_label_states(4)
            .iter()
            .map(|s| s.amplitudes())
            .collect();
        let a = 1.0 / 3f64.sqrt();
        let b = (2.0f64 / 3.0).sqrt();
        let want4 = [
            [C64::new(1.0, 0.0), C64::new(0.0, 0.0)],
            [C64::new(a, 0.0), C64::new(b, 0.0)],
            [C64::new(a, 0.0), C64::from_polar(b, 2.0 * PI / 3.0)],
            [C64::new(a, 0.0), C64::from_polar(b, -2.0 * PI / 3.0)],
        ];
        for (got, want) in t4.iter().zip(want4) {
            assert!((got[0] - want[0]).norm() < 1e-12 && (got[1] - want[1]).norm() < 1e-12);
        }
        // The octahedron: opposite vertices orthogonal, neighbours at fidelity 1/2.
        let t6 = default_label_states(6);
        assert!(t6[0].fidelity(&t6[1]) < 1e-24 && t6[4].fidelity(&t6[5]) < 1e-24);
        assert!((t6[0].fidelity(&t6[2]) - 0.5).abs() < 1e-12);
        assert!((t6[2].fidelity(&t6[4]) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn every_count_is_spread_and_distinct() {
        for k in 1..=10 {
            let s = default_label_states(k);
            assert_eq!(s.len(), k);
            if k >= 2 {
                // The Fibonacci lattice keeps every pair well apart (tight for k = 10: ≈ 0.19).
                assert!(min_distance(&s) > 0.15, "k = {k}: {}", min_distance(&s));
            }
            for p in s.iter().flat_map(|l| l.bloch_points()) {
                assert!(p.theta.is_finite() && (0.0..=PI).contains(&p.theta));
            }
        }
        // The triangle and the tetrahedron are exactly equidistant.
        let t = default_label_states(3);
        assert!((t[0].fidelity(&t[1]) - 0.25).abs() < 1e-12);
        assert!((t[1].fidelity(&t[2]) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn serde_reads_bits_points_and_products() {
        let states: Vec<LabelState> = serde_json::from_str(
            r#"["01", {"theta": 1.5, "phi": 0.25}, [{"theta": 0.0}, {"theta": 3.0, "phi": -1.0}]]"#,
        )
        .unwrap();
        assert_eq!(states[0], LabelState::from("01"));
        assert_eq!(states[1], LabelState::Bloch(BlochPoint::new(1.5, 0.25)));
        assert_eq!(
            states[2],
            LabelState::Product(vec![BlochPoint::new(0.0, 0.0), BlochPoint::new(3.0, -1.0)])
        );
        let back = serde_json::to_string(&states).unwrap();
        assert_eq!(
            back,
            r#"["01",{"theta":1.5,"phi":0.25},[{"theta":0.0,"phi":0.0},{"theta":3.0,"phi":-1.0}]]"#
        );
        assert!(serde_json::from_str::<LabelState>(r#"{"theta": 1, "psi": 2}"#).is_err());
        assert!(serde_json::from_str::<LabelState>("3").is_err());
    }

    #[test]
    fn wire_bloch_vectors_are_the_expectations_of_x_y_z() {
        // The tetrahedron: unit vectors, pairwise dot products −1/3, the first at the north pole.
        let t: Vec<[f64; 3]> = default_label_states(4)
            .iter()
            .map(|s| {
                let v = s.wire_bloch_vectors();
                assert_eq!(v.len(), 1);
                v[0]
            })
            .collect();
        let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        assert!((t[0][2] - 1.0).abs() < 1e-12);
        for (i, &a) in t.iter().enumerate() {
            assert!((dot(a, a) - 1.0).abs() < 1e-12);
            for &b in &t[i + 1..] {
                assert!((dot(a, b) + 1.0 / 3.0).abs() < 1e-12, "{t:?}");
            }
        }
        // From the amplitudes, they agree with the point's (sin θ cos φ, sin θ sin φ, cos θ).
        let p = BlochPoint::new(1.1, -2.3);
        let v = LabelState::Bloch(p).wire_bloch_vectors()[0];
        for (x, y) in v.iter().zip(p.vector()) {
            assert!((x - y).abs() < 1e-12, "{v:?}");
        }
        // Bits: |1⟩ at the south pole, |0⟩ at the north, one vector per wire.
        assert_eq!(
            LabelState::from("10").wire_bloch_vectors(),
            vec![[0.0, 0.0, -1.0], [0.0, 0.0, 1.0]]
        );
        // The y axis: (|0⟩ + i|1⟩)/√2.
        let y = LabelState::Product(vec![BlochPoint::new(PI / 2.0, PI / 2.0)]).wire_bloch_vectors();
        assert!((y[0][1] - 1.0).abs() < 1e-12 && y[0][0].abs() < 1e-12 && y[0][2].abs() < 1e-12);
    }

    #[test]
    fn products_and_bits_agree() {
        let bits = LabelState::from("10");
        let product =
            LabelState::Product(vec![BlochPoint::new(PI, 0.0), BlochPoint::new(0.0, 0.0)]);
        let (a, b) = (bits.amplitudes(), product.amplitudes());
        assert_eq!(a.len(), 4);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).norm() < 1e-12, "{a:?} vs {b:?}");
        }
        assert_eq!(bits.basis_index(), Some(2));
        assert!((bits.fidelity(&product) - 1.0).abs() < 1e-12);
        assert_eq!(bits.describe(), "|10⟩");
        assert_eq!(
            LabelState::Bloch(BlochPoint::new(PI / 2.0, PI)).describe(),
            "(θ 90.0°, φ 180.0°)"
        );
    }
}
