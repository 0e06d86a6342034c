//! The nine problems of the data re-uploading paper (Pérez-Salinas, Cervera-Lierta, Gil-Fuster &
//! Latorre, "Data re-uploading for a universal quantum classifier", Quantum 4, 226 (2020)), with
//! the regions, radii, classes and input dimensions of the paper's public code
//! (`data_gen.py` of AdrianPerezSalinas/universal_qlassifier; `src/data/PAPER.md` says what was
//! read where, and where the code's own comments disagree with it).
//!
//! Owns [`PaperProblem`] (metadata, the exact labelling rule, seeded uniform sampling) and
//! [`PaperError`]. Imports only `std` and `crate::rng`.
//!
//! Points are uniform in `[-1, 1)^d`, as the paper's code draws them (`2·rand − 1`); the paper's
//! experiments use 200 training and 4 000 test points ([`PaperProblem::paper_sizes`]: 500 and
//! 1 000 training points for the sphere and the hypersphere). Labels follow the code's strict
//! comparisons, so a point exactly on a boundary gets the class of the "not greater" side (a
//! set of measure zero for uniform points).
//!
//! ```
//! use qmlp::data::paper::PaperProblem;
//! use qmlp::rng::Rng;
//! let p = PaperProblem::Annulus;
//! assert_eq!((p.dim(), p.n_classes(), p.code_name()), (2, 3, "tricrown"));
//! assert_eq!(p.label(&[0.0, 0.0]).unwrap(), 0);
//! assert_eq!(p.label(&[0.6, 0.0]).unwrap(), 1);
//! let points = p.sample(200, &mut Rng::new(7));
//! assert!(points.iter().all(|(x, c)| x.len() == 2 && *c < 3));
//! ```

use std::f64::consts::PI;
use std::fmt;

use crate::rng::Rng;

/// One of the paper's benchmark problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaperProblem {
    /// 2-D, 2 classes: class 1 inside the centred circle of radius `√(2/π)` (half the square).
    Circle,
    /// 2-D, 4 classes: class 0 outside three circles; classes 1, 2, 3 inside the circles centred
    /// at `(−1, 1)` (radius 1), `(1, 0)` (radius `√(6/π − 1)`) and `(−½, −½)` (radius ½).
    ThreeCircles,
    /// 4-D, 2 classes: class 1 inside the centred 4-ball of radius `√(2/π)` (1/8 of the cube).
    Hypersphere,
    /// 2-D, 3 classes ("tricrown" in the code): class 0 inside radius `√(0.8 − 2/π)`, class 1 in
    /// the ring up to radius `√0.8` (area 2, half the square), class 2 outside.
    Annulus,
    /// 2-D, 2 classes: class 1 above the curve `x₂ = −2x₁ + 1.5 sin(πx₁)`.
    NonConvex,
    /// 2-D, 2 classes ("crown" in the code): class 1 in the ring `√(0.8 − 2/π) < r < √0.8`.
    BinaryAnnulus,
    /// 3-D, 2 classes: class 1 inside the centred ball of radius `(3/π)^⅓` (half the cube).
    Sphere,
    /// 2-D, 4 classes: the quadrants, class `2·[x₁ > 0] + [x₂ > 0]`.
    Squares,
    /// 2-D, 4 classes: class `2·[x₂ > x₁ + sin(πx₁)] + [x₂ > −x₁ + sin(πx₁)]`.
    WavyLines,
}

/// Every problem, in the order of the paper's code (and of its tables).
const ALL_PROBLEMS: [PaperProblem; 9] = [
    PaperProblem::Circle,
    PaperProblem::ThreeCircles,
    PaperProblem::Hypersphere,
    PaperProblem::Annulus,
    PaperProblem::NonConvex,
    PaperProblem::BinaryAnnulus,
    PaperProblem::Sphere,
    PaperProblem::Squares,
    PaperProblem::WavyLines,
];

/// Why a point cannot be labelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaperError {
    /// The point has the wrong number of coordinates for the problem.
    Dimension {
        /// The problem's [`PaperProblem::name`].
        problem: &'static str,
        /// The problem's input dimension.
        expected: usize,
        /// The number of coordinates given.
        found: usize,
    },
    /// A coordinate is NaN or infinite.
    NotFinite {
        /// The problem's [`PaperProblem::name`].
        problem: &'static str,
        /// The 0-based index of the coordinate.
        index: usize,
    },
}

impl fmt::Display for PaperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaperError::Dimension {
                problem,
                expected,
                found,
            } => write!(
                f,
                "the {problem} problem takes points with {expected} coordinates, not {found}"
            ),
            PaperError::NotFinite { problem, index } => write!(
                f,
                "the {problem} problem cannot label a point whose coordinate x{} is not a finite number",
                index + 1
            ),
        }
    }
}

impl std::error::Error for PaperError {}

/// `√(2/π)`: the circle's (and the hypersphere's) radius.
fn circle_radius() -> f64 {
    (2.0 / PI).sqrt()
}

/// The annuli's inner radius `√(0.8 − 2/π)` and outer radius `√0.8`.
fn annulus_radii() -> (f64, f64) {
    ((0.8 - 2.0 / PI).sqrt(), 0.8f64.sqrt())
}

/// The three circles' centres and radii; a point inside several would take the last one's
/// class (they do not overlap).
fn three_circles() -> [([f64; 2], f64); 3] {
    [
        ([-1.0, 1.0], 1.0),
        ([1.0, 0.0], (6.0 / PI - 1.0).sqrt()),
        ([-0.5, -0.5], 0.5),
    ]
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

impl PaperProblem {
    /// Every problem, in the order of the paper's code and tables.
    pub fn all() -> &'static [PaperProblem] {
        &ALL_PROBLEMS
    }

    /// The problem's name in documents and on the command line, e.g. `"binary_annulus"`.
    pub fn name(self) -> &'static str {
        match self {
            PaperProblem::Circle => "circle",
            PaperProblem::ThreeCircles => "three_circles",
            PaperProblem::Hypersphere => "hypersphere",
            PaperProblem::Annulus => "annulus",
            PaperProblem::NonConvex => "non_convex",
            PaperProblem::BinaryAnnulus => "binary_annulus",
            PaperProblem::Sphere => "sphere",
            PaperProblem::Squares => "squares",
            PaperProblem::WavyLines => "wavy_lines",
        }
    }

    /// The name the paper's tables print, e.g. `"Binary annulus"`.
    pub fn title(self) -> &'static str {
        match self {
            PaperProblem::Circle => "Circle",
            PaperProblem::ThreeCircles => "3 circles",
            PaperProblem::Hypersphere => "Hypersphere",
            PaperProblem::Annulus => "Annulus",
            PaperProblem::NonConvex => "Non-convex",
            PaperProblem::BinaryAnnulus => "Binary annulus",
            PaperProblem::Sphere => "Sphere",
            PaperProblem::Squares => "Squares",
            PaperProblem::WavyLines => "Wavy lines",
        }
    }

    /// The name the paper's code uses, e.g. `"crown"` for the binary annulus.
    pub fn code_name(self) -> &'static str {
        match self {
            PaperProblem::Circle => "circle",
            PaperProblem::ThreeCircles => "3 circles",
            PaperProblem::Hypersphere => "hypersphere",
            PaperProblem::Annulus => "tricrown",
            PaperProblem::NonConvex => "non convex",
            PaperProblem::BinaryAnnulus => "crown",
            PaperProblem::Sphere => "sphere",
            PaperProblem::Squares => "squares",
            PaperProblem::WavyLines => "wavy lines",
        }
    }

    /// The problem whose [`name`](Self::name) or [`code_name`](Self::code_name) is `name`.
    pub fn from_name(name: &str) -> Option<PaperProblem> {
        ALL_PROBLEMS
            .iter()
            .copied()
            .find(|p| p.name() == name || p.code_name() == name)
    }

    /// The input dimension: 2, except the sphere (3) and the hypersphere (4).
    pub fn dim(self) -> usize {
        match self {
            PaperProblem::Hypersphere => 4,
            PaperProblem::Sphere => 3,
            _ => 2,
        }
    }

    /// The number of classes.
    pub fn n_classes(self) -> usize {
        match self {
            PaperProblem::ThreeCircles | PaperProblem::Squares | PaperProblem::WavyLines => 4,
            PaperProblem::Annulus => 3,
            _ => 2,
        }
    }

    /// `(training points, test points)` of the paper's experiments: 200 and 4 000, except the
    /// sphere (500 training points) and the hypersphere (1 000), as the code's `minimizer` splits
    /// one seeded stream (training points first).
    pub fn paper_sizes(self) -> (usize, usize) {
        match self {
            PaperProblem::Sphere => (500, 4000),
            PaperProblem::Hypersphere => (1000, 4000),
            _ => (200, 4000),
        }
    }

    /// The class of the point `x`, which must have [`dim`](Self::dim) finite coordinates.
    pub fn label(self, x: &[f64]) -> Result<usize, PaperError> {
        if x.len() != self.dim() {
            return Err(PaperError::Dimension {
                problem: self.name(),
                expected: self.dim(),
                found: x.len(),
            });
        }
        if let Some(index) = x.iter().position(|v| !v.is_finite()) {
            return Err(PaperError::NotFinite {
                problem: self.name(),
                index,
            });
        }
        Ok(self.label_checked(x))
    }

    /// The labelling rule; `x` has `dim()` finite coordinates.
    fn label_checked(self, x: &[f64]) -> usize {
        let (x1, x2) = (x[0], x.get(1).copied().unwrap_or(0.0));
        match self {
            PaperProblem::Circle | PaperProblem::Hypersphere => {
                usize::from(norm(x) < circle_radius())
            }
            PaperProblem::Sphere => usize::from(norm(x) < (3.0 / PI).cbrt()),
            PaperProblem::ThreeCircles => {
                let mut class = 0;
                for (k, (centre, radius)) in three_circles().iter().enumerate() {
                    if norm(&[x1 - centre[0], x2 - centre[1]]) < *radius {
                        class = k + 1;
                    }
                }
                class
            }
            PaperProblem::Annulus => {
                let (inner, outer) = annulus_radii();
                let r = norm(x);
                if r > outer {
                    2
                } else if r > inner {
                    1
                } else {
                    0
                }
            }
            PaperProblem::BinaryAnnulus => {
                let (inner, outer) = annulus_radii();
                let r = norm(x);
                usize::from(r < outer && r > inner)
            }
            PaperProblem::NonConvex => usize::from(x2 > -2.0 * x1 + 1.5 * (PI * x1).sin()),
            PaperProblem::Squares => 2 * usize::from(x1 > 0.0) + usize::from(x2 > 0.0),
            PaperProblem::WavyLines => {
                let wave = (PI * x1).sin();
                2 * usize::from(x2 > x1 + wave) + usize::from(x2 > -x1 + wave)
            }
        }
    }

    /// `n` points drawn uniformly from `[-1, 1)^dim` with `rng`, each with its class. Drawing
    /// the training points and then the test points from one generator is how the paper's code
    /// builds its split.
    pub fn sample(self, n: usize, rng: &mut Rng) -> Vec<(Vec<f64>, usize)> {
        let dim = self.dim();
        (0..n)
            .map(|_| {
                let x: Vec<f64> = (0..dim).map(|_| rng.range(-1.0, 1.0)).collect();
                let class = self.label_checked(&x);
                (x, class)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(p: PaperProblem, points: &[&[f64]]) -> Vec<usize> {
        points.iter().map(|x| p.label(x).unwrap()).collect()
    }

    #[test]
    fn metadata_matches_the_papers_code() {
        let table: Vec<(&str, usize, usize, (usize, usize))> = PaperProblem::all()
            .iter()
            .map(|p| (p.code_name(), p.dim(), p.n_classes(), p.paper_sizes()))
            .collect();
        assert_eq!(
            table,
            [
                ("circle", 2, 2, (200, 4000)),
                ("3 circles", 2, 4, (200, 4000)),
                ("hypersphere", 4, 2, (1000, 4000)),
                ("tricrown", 2, 3, (200, 4000)),
                ("non convex", 2, 2, (200, 4000)),
                ("crown", 2, 2, (200, 4000)),
                ("sphere", 3, 2, (500, 4000)),
                ("squares", 2, 4, (200, 4000)),
                ("wavy lines", 2, 4, (200, 4000)),
            ]
        );
    }

    #[test]
    fn names_round_trip_and_code_names_are_accepted() {
        for &p in PaperProblem::all() {
            assert_eq!(PaperProblem::from_name(p.name()), Some(p));
            assert_eq!(PaperProblem::from_name(p.code_name()), Some(p));
        }
        assert_eq!(
            PaperProblem::from_name("crown"),
            Some(PaperProblem::BinaryAnnulus)
        );
        assert_eq!(
            PaperProblem::from_name("tricrown"),
            Some(PaperProblem::Annulus)
        );
        assert_eq!(PaperProblem::from_name("wavy circle"), None);
        let mut names: Vec<&str> = PaperProblem::all().iter().map(|p| p.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 9);
    }

    #[test]
    fn circle_sphere_and_hypersphere_labels() {
        // radius √(2/π) ≈ 0.7979
        assert_eq!(
            labels(
                PaperProblem::Circle,
                &[
                    &[0.0, 0.0],
                    &[0.79, 0.0],
                    &[0.0, -0.81],
                    &[0.9, 0.9],
                    &[-0.99, 0.99]
                ]
            ),
            [1, 1, 0, 0, 0]
        );
        // radius (3/π)^⅓ ≈ 0.9847
        assert_eq!(
            labels(
                PaperProblem::Sphere,
                &[
                    &[0.0, 0.0, 0.0],
                    &[0.98, 0.0, 0.0],
                    &[0.0, 0.0, -0.99],
                    &[0.6, 0.6, 0.6]
                ]
            ),
            [1, 1, 0, 0]
        );
        assert_eq!(
            labels(
                PaperProblem::Hypersphere,
                &[
                    &[0.0, 0.0, 0.0, 0.0],
                    &[0.4, 0.4, 0.4, 0.0],
                    &[0.5, 0.5, 0.5, 0.0],
                    &[0.0, 0.0, 0.0, 0.81]
                ]
            ),
            [1, 1, 0, 0]
        );
    }

    #[test]
    fn three_circles_labels() {
        assert_eq!(
            labels(
                PaperProblem::ThreeCircles,
                &[
                    &[-0.9, 0.9],  // corner circle at (−1, 1)
                    &[0.9, 0.0],   // half circle at (1, 0), radius ≈ 0.954
                    &[0.2, 0.3],   // inside it: distance ≈ 0.854
                    &[-0.5, -0.5], // small circle
                    &[0.5, 0.9],   // outside all
                    &[0.0, -0.9],  // outside all
                    &[0.9, -0.99], // outside the (1, 0) circle's reach
                ]
            ),
            [1, 2, 2, 3, 0, 0, 0]
        );
    }

    #[test]
    fn annulus_and_binary_annulus_labels() {
        // inner radius √(0.8 − 2/π) ≈ 0.4043, outer √0.8 ≈ 0.8944
        let points: [&[f64]; 6] = [
            &[0.0, 0.0],
            &[0.3, 0.0],
            &[0.6, 0.0],
            &[0.0, -0.85],
            &[0.9, 0.0],
            &[0.95, 0.95],
        ];
        assert_eq!(labels(PaperProblem::Annulus, &points), [0, 0, 1, 1, 2, 2]);
        assert_eq!(
            labels(PaperProblem::BinaryAnnulus, &points),
            [0, 0, 1, 1, 0, 0]
        );
    }

    #[test]
    fn non_convex_squares_and_wavy_lines_labels() {
        // boundary x₂ = −2x₁ + 1.5 sin(πx₁): 0 at x₁ = 0, 0.5 at x₁ = 0.5, −0.5 at x₁ = −0.5
        assert_eq!(
            labels(
                PaperProblem::NonConvex,
                &[
                    &[0.0, 0.5],
                    &[0.0, -0.5],
                    &[0.5, 0.6],
                    &[0.5, 0.4],
                    &[-0.5, -0.4],
                    &[-0.5, -0.6]
                ]
            ),
            [1, 0, 1, 0, 1, 0]
        );
        assert_eq!(
            labels(
                PaperProblem::Squares,
                &[&[-0.5, -0.5], &[-0.5, 0.5], &[0.5, -0.5], &[0.5, 0.5]]
            ),
            [0, 1, 2, 3]
        );
        // at x₁ = 0.5 the lines are at 1.5 and 0.5; at x₁ = −0.5 at −1.5 and −0.5
        assert_eq!(
            labels(
                PaperProblem::WavyLines,
                &[
                    &[0.0, 0.5],
                    &[0.0, -0.5],
                    &[0.5, 0.9],
                    &[0.5, 0.0],
                    &[-0.5, 0.0],
                    &[-0.5, -0.9]
                ]
            ),
            [3, 0, 1, 0, 3, 2]
        );
    }

    #[test]
    fn classes_switch_exactly_at_the_papers_radii() {
        let eps = 1e-9;
        let circle = (2.0 / PI).sqrt();
        let inner = (0.8 - 2.0 / PI).sqrt();
        let outer = 0.8f64.sqrt();
        let ball = (3.0 / PI).powf(1.0 / 3.0);
        let right = (6.0 / PI - 1.0).sqrt();
        // (problem, a point just inside, just outside, the class inside, the class outside)
        type Case = (PaperProblem, Vec<f64>, Vec<f64>, usize, usize);
        let cases: [Case; 7] = [
            (
                PaperProblem::Circle,
                vec![circle - eps, 0.0],
                vec![circle + eps, 0.0],
                1,
                0,
            ),
            (
                PaperProblem::Hypersphere,
                vec![0.0, 0.0, 0.0, circle - eps],
                vec![0.0, 0.0, 0.0, circle + eps],
                1,
                0,
            ),
            (
                PaperProblem::Sphere,
                vec![0.0, ball - eps, 0.0],
                vec![0.0, ball + eps, 0.0],
                1,
                0,
            ),
            (
                PaperProblem::Annulus,
                vec![inner - eps, 0.0],
                vec![inner + eps, 0.0],
                0,
                1,
            ),
            (
                PaperProblem::Annulus,
                vec![0.0, outer - eps],
                vec![0.0, outer + eps],
                1,
                2,
            ),
            (
                PaperProblem::BinaryAnnulus,
                vec![outer - eps, 0.0],
                vec![outer + eps, 0.0],
                1,
                0,
            ),
            (
                PaperProblem::ThreeCircles,
                vec![1.0 - right + eps, 0.0],
                vec![1.0 - right - eps, 0.0],
                2,
                0,
            ),
        ];
        for (p, a, b, class_a, class_b) in cases {
            assert_eq!(p.label(&a).unwrap(), class_a, "{} at {a:?}", p.name());
            assert_eq!(p.label(&b).unwrap(), class_b, "{} at {b:?}", p.name());
        }
        let small = [-0.5, -0.5 + 0.5 - eps];
        assert_eq!(PaperProblem::ThreeCircles.label(&small).unwrap(), 3);
        let corner = [-1.0 + 1.0 - eps, 1.0];
        assert_eq!(PaperProblem::ThreeCircles.label(&corner).unwrap(), 1);
        assert_eq!(PaperProblem::ThreeCircles.label(&[eps, 1.0]).unwrap(), 0);
    }

    #[test]
    fn boundary_points_take_the_not_greater_side() {
        let r = circle_radius();
        assert_eq!(PaperProblem::Circle.label(&[r, 0.0]).unwrap(), 0);
        assert_eq!(PaperProblem::Squares.label(&[0.0, 0.5]).unwrap(), 1);
        assert_eq!(PaperProblem::Squares.label(&[0.5, 0.0]).unwrap(), 2);
        assert_eq!(PaperProblem::NonConvex.label(&[0.0, 0.0]).unwrap(), 0);
        assert_eq!(PaperProblem::WavyLines.label(&[0.0, 0.0]).unwrap(), 0);
    }

    #[test]
    fn bad_points_are_errors_that_name_the_problem() {
        let err = PaperProblem::Sphere.label(&[0.1, 0.2]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the sphere problem takes points with 3 coordinates, not 2"
        );
        let err = PaperProblem::Circle.label(&[0.1, f64::NAN]).unwrap_err();
        assert_eq!(
            err,
            PaperError::NotFinite {
                problem: "circle",
                index: 1
            }
        );
        assert_eq!(
            err.to_string(),
            "the circle problem cannot label a point whose coordinate x2 is not a finite number"
        );
    }

    #[test]
    fn samples_are_seeded_uniform_in_the_cube_and_labelled() {
        for &p in PaperProblem::all() {
            let a = p.sample(500, &mut Rng::new(3));
            assert_eq!(a, p.sample(500, &mut Rng::new(3)), "{}", p.name());
            assert_ne!(a, p.sample(500, &mut Rng::new(4)), "{}", p.name());
            assert_eq!(a.len(), 500);
            for (x, class) in &a {
                assert_eq!(x.len(), p.dim());
                assert!(x.iter().all(|v| (-1.0..1.0).contains(v)));
                assert_eq!(p.label(x).unwrap(), *class);
            }
            // a split drawn from one stream: the test points continue the training stream
            let mut rng = Rng::new(3);
            let train = p.sample(200, &mut rng);
            let test = p.sample(300, &mut rng);
            assert_eq!([train, test].concat(), a, "{}", p.name());
        }
    }

    /// `(1/4) ∫₋₁¹ g(x₁) dx₁` by the midpoint rule: the fraction of the square where a
    /// vertical strip of height `g(x₁)` lies.
    fn strip_fraction(g: impl Fn(f64) -> f64) -> f64 {
        let steps = 200_000;
        let h = 2.0 / steps as f64;
        (0..steps)
            .map(|i| g(-1.0 + (i as f64 + 0.5) * h))
            .sum::<f64>()
            * h
            / 4.0
    }

    /// The exact share of `[-1, 1]^d` each class occupies, from the regions' areas and volumes.
    fn expected_fractions(p: PaperProblem) -> Vec<f64> {
        let clamp = |v: f64| v.clamp(-1.0, 1.0);
        match p {
            PaperProblem::Circle | PaperProblem::BinaryAnnulus | PaperProblem::Sphere => {
                vec![0.5, 0.5] // area 2 of 4; ring area 2 of 4; volume 4 of 8
            }
            PaperProblem::Hypersphere => vec![7.0 / 8.0, 1.0 / 8.0], // π²r⁴/2 = 2 of 16
            PaperProblem::ThreeCircles => {
                let quarter = PI / 4.0; // corner circle: a quarter disc of radius 1
                let half = (6.0 / PI - 1.0) * PI / 2.0; // half disc at (1, 0)
                let small = PI / 4.0; // whole disc of radius ½
                vec![
                    1.0 - (quarter + half + small) / 4.0,
                    quarter / 4.0,
                    half / 4.0,
                    small / 4.0,
                ]
            }
            PaperProblem::Annulus => {
                let inner = (0.8 * PI - 2.0) / 4.0;
                vec![inner, 0.5, 1.0 - inner - 0.5]
            }
            PaperProblem::Squares => vec![0.25; 4],
            PaperProblem::NonConvex => {
                let f = |s: f64| -2.0 * s + 1.5 * (PI * s).sin();
                let above = strip_fraction(|s| 1.0 - clamp(f(s)));
                vec![1.0 - above, above]
            }
            PaperProblem::WavyLines => {
                let f1 = |s: f64| clamp(s + (PI * s).sin());
                let f2 = |s: f64| clamp(-s + (PI * s).sin());
                vec![
                    strip_fraction(|s| f1(s).min(f2(s)) + 1.0),
                    strip_fraction(|s| (f1(s) - f2(s)).max(0.0)),
                    strip_fraction(|s| (f2(s) - f1(s)).max(0.0)),
                    strip_fraction(|s| 1.0 - f1(s).max(f2(s))),
                ]
            }
        }
    }

    #[test]
    fn class_shares_of_a_large_sample_match_the_region_areas() {
        let n = 200_000;
        for &p in PaperProblem::all() {
            let want = expected_fractions(p);
            assert_eq!(want.len(), p.n_classes());
            assert!(
                (want.iter().sum::<f64>() - 1.0).abs() < 1e-9,
                "{}",
                p.name()
            );
            let mut counts = vec![0usize; p.n_classes()];
            for (_, class) in p.sample(n, &mut Rng::new(2020)) {
                counts[class] += 1;
            }
            for (class, (&count, &share)) in counts.iter().zip(&want).enumerate() {
                let got = count as f64 / n as f64;
                let sigma = (share * (1.0 - share) / n as f64).sqrt();
                assert!(
                    (got - share).abs() < 5.0 * sigma,
                    "{} class {class}: sampled {got:.5}, region {share:.5}",
                    p.name()
                );
            }
        }
    }

    #[test]
    fn labels_agree_with_the_papers_code_on_its_own_points() {
        // First 100 training points of every problem, generated and labelled by the paper's
        // data_gen.py with numpy seed 30 (scripts/paper-points.py).
        let text = include_str!("paper_points.csv");
        let mut checked = vec![0usize; PaperProblem::all().len()];
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let p = PaperProblem::from_name(fields[0]).unwrap();
            let want: usize = fields[1].parse().unwrap();
            let x: Vec<f64> = fields[2..].iter().map(|f| f.parse().unwrap()).collect();
            assert_eq!(p.label(&x).unwrap(), want, "{} at {x:?}", p.name());
            let index = PaperProblem::all().iter().position(|&q| q == p).unwrap();
            checked[index] += 1;
        }
        assert_eq!(checked, vec![100; 9]);
    }
}
