//! Loss landscapes: the loss on a square grid around the current weights, along two directions
//! in weight space, with a training path projected onto that plane (after Li et al. 2018).
//!
//! Directions ([`Directions`]):
//!
//! - **two parameters** `first`, `second`: the grid moves exactly those two numbers, by the grid
//!   coordinate in their own units (radians for an angle);
//! - **two random directions**: Gaussian vectors, the second made orthogonal to the first
//!   (Gram–Schmidt), each scaled to **unit RMS per parameter** (Euclidean norm √P for P
//!   parameters moved). With that normalisation a coordinate t moves a typical parameter by about
//!   t radians, the same units as the two-parameter view, so a span of π shows about half a
//!   period of every angle. Li et al.'s filter-wise normalisation (directions scaled to the
//!   weights' norms) fits scale-invariant ReLU networks; rotation angles are periodic, not
//!   scale-invariant, so their size says nothing about the landscape's scale.
//!
//! Both kinds of direction are orthogonal, so a path point's plane coordinates are its exact
//! least-squares projection (α, β) = (⟨δ, d₁⟩/‖d₁‖², ⟨δ, d₂⟩/‖d₂‖²) of δ = w − centre, and
//! `off_plane` = ‖δ − α·d₁ − β·d₂‖ says how far from the plane the path point lies.

use super::{AnalysisError, Progress};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// The two directions of the plane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Directions {
    /// Move parameters `first` and `second` (distinct indices into the weights).
    Params {
        /// Parameter along the first axis.
        first: usize,
        /// Parameter along the second axis.
        second: usize,
    },
    /// Two random orthogonal directions with unit RMS per moved parameter.
    Random {
        /// Seed of the Gaussian draws.
        seed: u64,
        /// The parameters the directions move (all when `None`), e.g. only the circuit's angles.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        params: Option<Vec<usize>>,
    },
}

/// What grid to compute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandscapeSpec {
    /// The plane's directions.
    pub directions: Directions,
    /// The grid covers coordinates −span…span along both directions (> 0).
    pub span: f64,
    /// Points per side (≥ 2; odd puts the centre on the grid).
    pub resolution: usize,
}

impl Default for LandscapeSpec {
    /// Two random directions (seed 1), span π, 41 × 41.
    fn default() -> LandscapeSpec {
        LandscapeSpec {
            directions: Directions::Random {
                seed: 1,
                params: None,
            },
            span: std::f64::consts::PI,
            resolution: 41,
        }
    }
}

/// One weight vector of a path, projected onto the plane.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathPoint {
    /// Coordinate along the first direction.
    pub alpha: f64,
    /// Coordinate along the second direction.
    pub beta: f64,
    /// Euclidean distance of the weights from the plane.
    pub off_plane: f64,
}

/// A computed landscape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Landscape {
    /// What was computed.
    pub spec: LandscapeSpec,
    /// The weights at the grid's centre.
    pub center: Vec<f64>,
    /// The two directions as full weight-space vectors.
    pub directions: [Vec<f64>; 2],
    /// Grid coordinates along each direction, −span…span (`resolution` of them).
    pub axis: Vec<f64>,
    /// Loss at (axis[i], axis[j]) as `loss[j * resolution + i]` (rows follow the second
    /// direction).
    pub loss: Vec<f64>,
    /// Smallest loss on the grid.
    pub min: f64,
    /// Largest loss on the grid.
    pub max: f64,
    /// Coordinates (α, β) of the smallest loss.
    pub argmin: [f64; 2],
    /// The loss at the centre (the current weights).
    pub center_loss: f64,
    /// The training path projected onto the plane.
    pub path: Vec<PathPoint>,
}

/// The two orthogonal directions for `spec` around weights of length `p`.
pub fn directions(spec: &Directions, p: usize) -> Result<[Vec<f64>; 2], AnalysisError> {
    match spec {
        Directions::Params { first, second } => {
            if first == second {
                return Err(AnalysisError::new(format!(
                    "the two directions must be different parameters; both are {first}"
                )));
            }
            if let Some(&bad) = [first, second].into_iter().find(|&&i| i >= p) {
                return Err(AnalysisError::new(format!(
                    "parameter {bad} does not exist: the model has {p} parameter(s) (0..{})",
                    p.saturating_sub(1)
                )));
            }
            let mut d1 = vec![0.0; p];
            let mut d2 = vec![0.0; p];
            d1[*first] = 1.0;
            d2[*second] = 1.0;
            Ok([d1, d2])
        }
        Directions::Random { seed, params } => {
            let moved: Vec<usize> = match params {
                Some(list) => list.clone(),
                None => (0..p).collect(),
            };
            if let Some(&bad) = moved.iter().find(|&&i| i >= p) {
                return Err(AnalysisError::new(format!(
                    "parameter {bad} does not exist: the model has {p} parameter(s) (0..{})",
                    p.saturating_sub(1)
                )));
            }
            for (k, i) in moved.iter().enumerate() {
                if moved[..k].contains(i) {
                    return Err(AnalysisError::new(format!("parameter {i} is listed twice")));
                }
            }
            if moved.len() < 2 {
                return Err(AnalysisError::new(format!(
                    "two random directions need at least 2 parameters to move; got {}",
                    moved.len()
                )));
            }
            let mut rng = Rng::new(*seed);
            let m = moved.len();
            let target = (m as f64).sqrt();
            let mut draw = || -> Vec<f64> { (0..m).map(|_| rng.normal()).collect() };
            let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
            let mut u = draw();
            let nu = norm(&u);
            u.iter_mut().for_each(|x| *x /= nu);
            // Gram–Schmidt; a second draw parallel to the first (measure zero) is redrawn.
            let mut v = loop {
                let mut v = draw();
                let dot: f64 = v.iter().zip(&u).map(|(a, b)| a * b).sum();
                v.iter_mut().zip(&u).for_each(|(a, b)| *a -= dot * b);
                if norm(&v) > 1e-6 {
                    break v;
                }
            };
            let nv = norm(&v);
            v.iter_mut().for_each(|x| *x /= nv);
            let mut d1 = vec![0.0; p];
            let mut d2 = vec![0.0; p];
            for (k, &i) in moved.iter().enumerate() {
                d1[i] = u[k] * target;
                d2[i] = v[k] * target;
            }
            Ok([d1, d2])
        }
    }
}

/// Projects every weight vector of `path` onto the plane through `center` spanned by the
/// orthogonal `dirs`.
pub fn project_path(
    center: &[f64],
    dirs: &[Vec<f64>; 2],
    path: &[Vec<f64>],
) -> Result<Vec<PathPoint>, AnalysisError> {
    let nn: Vec<f64> = dirs.iter().map(|d| d.iter().map(|x| x * x).sum()).collect();
    if nn.iter().any(|&v| v.is_nan() || v <= 0.0) || dirs.iter().any(|d| d.len() != center.len()) {
        return Err(AnalysisError::new(
            "the directions must be non-zero vectors as long as the weights",
        ));
    }
    path.iter()
        .enumerate()
        .map(|(k, w)| {
            if w.len() != center.len() {
                return Err(AnalysisError::new(format!(
                    "path point {k} has {} numbers but the weights have {}",
                    w.len(),
                    center.len()
                )));
            }
            let delta: Vec<f64> = w.iter().zip(center).map(|(a, b)| a - b).collect();
            let dot = |d: &[f64]| delta.iter().zip(d).map(|(a, b)| a * b).sum::<f64>();
            let alpha = dot(&dirs[0]) / nn[0];
            let beta = dot(&dirs[1]) / nn[1];
            let off: f64 = delta
                .iter()
                .zip(dirs[0].iter().zip(&dirs[1]))
                .map(|(x, (a, b))| (x - alpha * a - beta * b).powi(2))
                .sum();
            if !(alpha.is_finite() && beta.is_finite() && off.is_finite()) {
                return Err(AnalysisError::new(format!(
                    "path point {k} holds a number that is not finite"
                )));
            }
            Ok(PathPoint {
                alpha,
                beta,
                off_plane: off.sqrt(),
            })
        })
        .collect()
}

/// A landscape computed a few grid points per [`step`](LandscapeRun::step); drop it to cancel.
///
/// ```
/// use qmlp::analysis::landscape::{Directions, LandscapeRun, LandscapeSpec};
/// let spec = LandscapeSpec {
///     directions: Directions::Params { first: 0, second: 1 },
///     span: 1.0,
///     resolution: 5,
/// };
/// let loss = |w: &[f64]| w[0] * w[0] + 2.0 * w[1] * w[1];
/// let mut run = LandscapeRun::new(&[0.0, 0.0], &[vec![0.5, 0.5]], spec, loss)?;
/// while !run.step(4)?.is_done() {}
/// let l = run.result()?;
/// assert_eq!((l.min, l.max), (0.0, 3.0));
/// assert_eq!((l.path[0].alpha, l.path[0].beta), (0.5, 0.5));
/// # Ok::<(), qmlp::analysis::AnalysisError>(())
/// ```
pub struct LandscapeRun<L: FnMut(&[f64]) -> f64> {
    spec: LandscapeSpec,
    center: Vec<f64>,
    dirs: [Vec<f64>; 2],
    axis: Vec<f64>,
    path: Vec<PathPoint>,
    loss_fn: L,
    loss: Vec<f64>,
    weights: Vec<f64>,
}

impl<L: FnMut(&[f64]) -> f64> std::fmt::Debug for LandscapeRun<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LandscapeRun")
            .field("spec", &self.spec)
            .field("done", &self.loss.len())
            .finish_non_exhaustive()
    }
}

impl<L: FnMut(&[f64]) -> f64> LandscapeRun<L> {
    /// A run around `center` (the current weights), with `path` (earlier weight vectors, may be
    /// empty) projected onto the plane, evaluating `loss` at every grid point.
    pub fn new(
        center: &[f64],
        path: &[Vec<f64>],
        spec: LandscapeSpec,
        loss: L,
    ) -> Result<LandscapeRun<L>, AnalysisError> {
        if !(spec.span.is_finite() && spec.span > 0.0) {
            return Err(AnalysisError::new(format!(
                "the span must be a positive number; got {}",
                spec.span
            )));
        }
        if spec.resolution < 2 || spec.resolution > 1001 {
            return Err(AnalysisError::new(format!(
                "the grid needs 2 to 1001 points per side; got {}",
                spec.resolution
            )));
        }
        if let Some(i) = center.iter().position(|x| !x.is_finite()) {
            return Err(AnalysisError::new(format!(
                "weight {i} is {}; weights must be finite numbers",
                center[i]
            )));
        }
        let dirs = directions(&spec.directions, center.len())?;
        let path = project_path(center, &dirs, path)?;
        let r = spec.resolution;
        let axis = (0..r)
            .map(|k| spec.span * (2.0 * k as f64 / (r - 1) as f64 - 1.0))
            .collect();
        Ok(LandscapeRun {
            loss: Vec::with_capacity(r * r),
            weights: center.to_vec(),
            center: center.to_vec(),
            spec,
            dirs,
            axis,
            path,
            loss_fn: loss,
        })
    }

    /// Evaluates up to `max_points` more grid points (at least one unless finished).
    pub fn step(&mut self, max_points: usize) -> Result<Progress, AnalysisError> {
        for _ in 0..max_points.max(1) {
            if self.is_done() {
                break;
            }
            let v = self.compute(self.loss.len() as u64)?;
            self.accept(v)?;
        }
        Ok(self.progress())
    }

    /// Grid points in the whole run.
    pub fn items(&self) -> u64 {
        (self.spec.resolution * self.spec.resolution) as u64
    }

    /// The loss at grid point `k` (row by row), computed without being stored.
    pub fn compute(&mut self, k: u64) -> Result<f64, AnalysisError> {
        let r = self.spec.resolution;
        if k >= self.items() {
            return Err(AnalysisError::new(format!(
                "grid point {k} does not exist: the grid has {}",
                self.items()
            )));
        }
        let k = k as usize;
        let (a, b) = (self.axis[k % r], self.axis[k / r]);
        for (w, (c, (d1, d2))) in self.weights.iter_mut().zip(
            self.center
                .iter()
                .zip(self.dirs[0].iter().zip(&self.dirs[1])),
        ) {
            *w = c + a * d1 + b * d2;
        }
        let v = (self.loss_fn)(&self.weights);
        if !v.is_finite() {
            return Err(AnalysisError::new(format!(
                "the loss is {v} at (α, β) = ({a:.4}, {b:.4}); try a smaller span"
            )));
        }
        Ok(v)
    }

    /// Stores the next grid point's loss (from [`compute`](Self::compute), here or elsewhere).
    pub fn accept(&mut self, v: f64) -> Result<(), AnalysisError> {
        if self.is_done() {
            return Err(AnalysisError::new("the landscape is already complete"));
        }
        if !v.is_finite() {
            return Err(AnalysisError::new(format!(
                "the loss at grid point {} is {v}",
                self.loss.len()
            )));
        }
        self.loss.push(v);
        Ok(())
    }

    /// Grid points done, of all.
    pub fn progress(&self) -> Progress {
        let total = (self.spec.resolution * self.spec.resolution) as u64;
        let done = self.loss.len() as u64;
        Progress {
            done,
            total,
            fraction: done as f64 / total as f64,
        }
    }

    /// True once every grid point is done.
    pub fn is_done(&self) -> bool {
        self.progress().is_done()
    }

    /// The losses computed so far, row by row (for drawing a landscape as it fills in).
    pub fn partial_loss(&self) -> &[f64] {
        &self.loss
    }

    /// The finished landscape (an error while points are missing).
    pub fn result(&self) -> Result<Landscape, AnalysisError> {
        let r = self.spec.resolution;
        if self.loss.len() < r * r {
            return Err(AnalysisError::new(format!(
                "the landscape is not finished: {} of {} points done",
                self.loss.len(),
                r * r
            )));
        }
        let (mut imin, mut imax) = (0, 0);
        for (k, &v) in self.loss.iter().enumerate() {
            if v < self.loss[imin] {
                imin = k;
            }
            if v > self.loss[imax] {
                imax = k;
            }
        }
        // The centre is a grid point when the resolution is odd; otherwise the mean of the
        // four points around it.
        let center_loss = if r % 2 == 1 {
            self.loss[(r / 2) * r + r / 2]
        } else {
            let (lo, hi) = (r / 2 - 1, r / 2);
            (self.loss[lo * r + lo]
                + self.loss[lo * r + hi]
                + self.loss[hi * r + lo]
                + self.loss[hi * r + hi])
                / 4.0
        };
        Ok(Landscape {
            spec: self.spec.clone(),
            center: self.center.clone(),
            directions: self.dirs.clone(),
            axis: self.axis.clone(),
            loss: self.loss.clone(),
            min: self.loss[imin],
            max: self.loss[imax],
            argmin: [self.axis[imin % r], self.axis[imin / r]],
            center_loss,
            path: self.path.clone(),
        })
    }
}

/// The whole landscape at once (see [`LandscapeRun`] for a stepped run).
pub fn loss_landscape<L: FnMut(&[f64]) -> f64>(
    center: &[f64],
    path: &[Vec<f64>],
    spec: LandscapeSpec,
    loss: L,
) -> Result<Landscape, AnalysisError> {
    let mut run = LandscapeRun::new(center, path, spec, loss)?;
    while !run.is_done() {
        run.step(1024)?;
    }
    run.result()
}

/// The landscape benchmark workload (`bench/analysis.rs`, `src/web/bench.rs`): the mean squared
/// error over `points` points of a data re-uploading classifier on `qubits` with `layers`
/// (per layer and qubit RX(w·x1 + b), RY(w·x2 + b), Rot(θ1, θ2, θ3); then a CNOT ring, or one
/// CNOT on 2 qubits; readout ⟨Z0⟩, target +1 outside the circle of radius √(2/π), −1 inside).
/// Points follow an R2 low-discrepancy sequence in [−1, 1]² and the weights are sin(j + 1), as
/// in `bench/model.rs`.
#[derive(Clone, Debug)]
pub struct BenchWorkload {
    state: crate::sim::State,
    ops: Vec<crate::sim::Op>,
    xs: Vec<[f64; 2]>,
    targets: Vec<f64>,
    weights: Vec<f64>,
}

impl BenchWorkload {
    /// The classifier on `qubits` with `layers` over `points` points.
    pub fn new(
        qubits: usize,
        layers: usize,
        points: usize,
    ) -> Result<BenchWorkload, AnalysisError> {
        use crate::sim::{GateKind, Op, State};
        let xs: Vec<[f64; 2]> = (0..points)
            .map(|k| {
                let f = |a: f64| {
                    let v = 0.5 + k as f64 * a;
                    2.0 * (v - v.floor()) - 1.0
                };
                [f(0.754_877_666_246_692_7), f(0.569_840_290_998_053_2)]
            })
            .collect();
        let targets = xs
            .iter()
            .map(|x| {
                if x[0] * x[0] + x[1] * x[1] < 2.0 / std::f64::consts::PI {
                    -1.0
                } else {
                    1.0
                }
            })
            .collect();
        let one = |kind: GateKind, wires: Vec<usize>| Op {
            kind,
            wires,
            controls: Vec::new(),
            params: [0.0; 3],
        };
        let mut ops = Vec::new();
        for _ in 0..layers {
            for q in 0..qubits {
                ops.push(one(GateKind::RX, vec![q]));
                ops.push(one(GateKind::RY, vec![q]));
                ops.push(one(GateKind::Rot, vec![q]));
            }
            let ring: Vec<(usize, usize)> = match qubits {
                0 | 1 => Vec::new(),
                2 => vec![(0, 1)],
                _ => (0..qubits).map(|q| (q, (q + 1) % qubits)).collect(),
            };
            ops.extend(
                ring.into_iter()
                    .map(|(a, b)| one(GateKind::CNOT, vec![a, b])),
            );
        }
        Ok(BenchWorkload {
            state: State::new(qubits)?,
            ops,
            xs,
            targets,
            weights: (0..7 * qubits * layers)
                .map(|j| ((j + 1) as f64).sin())
                .collect(),
        })
    }

    /// The benchmark's weights, sin(j + 1) for j = 0…7·qubits·layers − 1.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The mean squared error for weights `w` (as many as [`weights`](Self::weights)).
    pub fn loss(&mut self, w: &[f64]) -> f64 {
        use crate::sim::{GateKind, Observable, Pauli, PauliString};
        if w.len() != self.weights.len() {
            return f64::NAN;
        }
        let z0 = Observable::Pauli(PauliString::single(0, Pauli::Z));
        let mut total = 0.0;
        for (x, t) in self.xs.iter().zip(&self.targets) {
            let mut k = 0;
            for op in self.ops.iter_mut() {
                match op.kind {
                    GateKind::RX => op.params[0] = w[k] * x[0] + w[k + 1],
                    GateKind::RY => op.params[0] = w[k + 2] * x[1] + w[k + 3],
                    GateKind::Rot => {
                        op.params = [w[k + 4], w[k + 5], w[k + 6]];
                        k += 7;
                    }
                    _ => {}
                }
            }
            self.state.reset();
            for op in &self.ops {
                self.state.apply(op);
            }
            let o = self.state.expval(&z0);
            total += (o - t) * (o - t);
        }
        total / self.xs.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_workload_is_the_reuploading_classifier() {
        use crate::sim::{GateKind, Observable, Op, State};
        let mut work = BenchWorkload::new(2, 1, 3).unwrap();
        let w = work.weights().to_vec();
        assert_eq!(w.len(), 14);
        // The same loss rebuilt gate by gate from freshly made ops.
        let mut expected = 0.0;
        for k in 0..3 {
            let f = |a: f64| {
                let v = 0.5 + k as f64 * a;
                2.0 * (v - v.floor()) - 1.0
            };
            let x = [f(0.754_877_666_246_692_7), f(0.569_840_290_998_053_2)];
            let t = if x[0] * x[0] + x[1] * x[1] < 2.0 / std::f64::consts::PI {
                -1.0
            } else {
                1.0
            };
            let mut s = State::new(2).unwrap();
            for q in 0..2 {
                let b = 7 * q;
                s.apply(&Op::new(GateKind::RX, &[q], &[w[b] * x[0] + w[b + 1]]).unwrap());
                s.apply(&Op::new(GateKind::RY, &[q], &[w[b + 2] * x[1] + w[b + 3]]).unwrap());
                s.apply(&Op::new(GateKind::Rot, &[q], &w[b + 4..b + 7]).unwrap());
            }
            s.apply(&Op::new(GateKind::CNOT, &[0, 1], &[]).unwrap());
            let o = s.expval(&Observable::Pauli("Z0".parse().unwrap()));
            expected += (o - t).powi(2) / 3.0;
        }
        assert!((work.loss(&w) - expected).abs() < 1e-12);
        assert!(work.loss(&w[1..]).is_nan());
        assert_eq!(BenchWorkload::new(4, 3, 10).unwrap().weights().len(), 84);
    }

    #[test]
    fn parameter_directions_scan_exactly_two_weights() {
        let center = [0.3, -0.2, 1.0];
        let spec = LandscapeSpec {
            directions: Directions::Params {
                first: 2,
                second: 0,
            },
            span: 2.0,
            resolution: 5,
        };
        let mut seen = Vec::new();
        let l = loss_landscape(&center, &[], spec, |w| {
            seen.push(w.to_vec());
            (w[2] - 1.5).powi(2) + 3.0 * (w[0] - 0.3).powi(2) + w[1]
        })
        .unwrap();
        assert_eq!(l.axis, vec![-2.0, -1.0, 0.0, 1.0, 2.0]);
        assert_eq!(seen.len(), 25);
        // Row-major: loss[j * 5 + i] at (axis[i], axis[j]); weight 1 never moves.
        for (k, w) in seen.iter().enumerate() {
            let (i, j) = (k % 5, k / 5);
            assert_eq!(w[1], -0.2);
            assert!((w[2] - (1.0 + l.axis[i])).abs() < 1e-15);
            assert!((w[0] - (0.3 + l.axis[j])).abs() < 1e-15);
        }
        assert!((l.center_loss - (0.25 - 0.2)).abs() < 1e-12);
        assert_eq!(l.argmin, [0.0, 0.0]);
        assert!((l.min - (0.25 - 0.2)).abs() < 1e-12);
        assert!((l.max - (2.5f64.powi(2) + 12.0 - 0.2)).abs() < 1e-12);
    }

    #[test]
    fn random_directions_are_orthogonal_with_unit_rms_and_respect_the_mask() {
        let d = directions(
            &Directions::Random {
                seed: 3,
                params: None,
            },
            50,
        )
        .unwrap();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        assert!(dot(&d[0], &d[1]).abs() < 1e-12);
        for v in &d {
            assert!((dot(v, v) / 50.0 - 1.0).abs() < 1e-12);
        }
        let again = directions(
            &Directions::Random {
                seed: 3,
                params: None,
            },
            50,
        )
        .unwrap();
        assert_eq!(d, again);
        let other = directions(
            &Directions::Random {
                seed: 4,
                params: None,
            },
            50,
        )
        .unwrap();
        assert_ne!(d, other);
        let masked = directions(
            &Directions::Random {
                seed: 3,
                params: Some(vec![1, 4, 7]),
            },
            10,
        )
        .unwrap();
        for v in &masked {
            for (i, x) in v.iter().enumerate() {
                assert_eq!(*x == 0.0, ![1, 4, 7].contains(&i), "{v:?}");
            }
            assert!((dot(v, v) / 3.0 - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn path_projection_recovers_in_plane_points_and_measures_the_rest() {
        let center = vec![1.0, 2.0, 3.0, 4.0];
        let dirs = directions(
            &Directions::Random {
                seed: 9,
                params: None,
            },
            4,
        )
        .unwrap();
        let inplane: Vec<f64> = (0..4)
            .map(|i| center[i] + 0.7 * dirs[0][i] - 1.3 * dirs[1][i])
            .collect();
        // Add a vector orthogonal to both directions.
        let mut extra = vec![1.0, -1.0, 0.5, 0.25];
        for d in &dirs {
            let dd: f64 = d.iter().map(|x| x * x).sum();
            let dot: f64 = extra.iter().zip(d).map(|(a, b)| a * b).sum();
            extra
                .iter_mut()
                .zip(d)
                .for_each(|(a, b)| *a -= dot / dd * b);
        }
        let norm: f64 = extra.iter().map(|x| x * x).sum::<f64>().sqrt();
        let offplane: Vec<f64> = inplane.iter().zip(&extra).map(|(a, b)| a + b).collect();
        let p = project_path(&center, &dirs, &[inplane, offplane, center.clone()]).unwrap();
        assert!((p[0].alpha - 0.7).abs() < 1e-12 && (p[0].beta + 1.3).abs() < 1e-12);
        assert!(p[0].off_plane < 1e-12);
        assert!((p[1].alpha - 0.7).abs() < 1e-12 && (p[1].beta + 1.3).abs() < 1e-12);
        assert!((p[1].off_plane - norm).abs() < 1e-12);
        assert_eq!((p[2].alpha, p[2].beta, p[2].off_plane), (0.0, 0.0, 0.0));
        let e = project_path(&center, &dirs, &[vec![1.0]]).unwrap_err();
        assert!(e.0.contains("path point 0 has 1 numbers"), "{e}");
    }

    #[test]
    fn stepped_run_reports_progress_and_partial_rows() {
        let spec = LandscapeSpec {
            directions: Directions::Random {
                seed: 1,
                params: None,
            },
            span: 0.5,
            resolution: 4,
        };
        let center = [0.1, 0.2, 0.3];
        let f = |w: &[f64]| w.iter().map(|x| x.sin()).sum::<f64>();
        let whole = loss_landscape(&center, &[], spec.clone(), f).unwrap();
        let mut run = LandscapeRun::new(&center, &[], spec, f).unwrap();
        assert!(run.result().unwrap_err().0.contains("0 of 16"));
        let p = run.step(5).unwrap();
        assert_eq!((p.done, p.total), (5, 16));
        assert_eq!(run.partial_loss(), &whole.loss[..5]);
        while !run.step(5).unwrap().is_done() {}
        let l = run.result().unwrap();
        assert_eq!(l, whole);
        // Even resolution: the centre loss is the mean of the four middle points.
        let mid = (l.loss[5] + l.loss[6] + l.loss[9] + l.loss[10]) / 4.0;
        assert!((l.center_loss - mid).abs() < 1e-15);
        let back: Landscape = serde_json::from_str(&serde_json::to_string(&l).unwrap()).unwrap();
        assert_eq!(back, l);
    }

    #[test]
    fn bad_inputs_are_refused_with_readable_messages() {
        let f = |_: &[f64]| 0.0;
        let mk = |directions, span, resolution| LandscapeSpec {
            directions,
            span,
            resolution,
        };
        let two = || Directions::Params {
            first: 0,
            second: 1,
        };
        let cases = [
            (
                mk(
                    Directions::Params {
                        first: 1,
                        second: 1,
                    },
                    1.0,
                    5,
                ),
                "different parameters",
            ),
            (
                mk(
                    Directions::Params {
                        first: 0,
                        second: 7,
                    },
                    1.0,
                    5,
                ),
                "parameter 7 does not exist",
            ),
            (mk(two(), 0.0, 5), "positive"),
            (mk(two(), f64::NAN, 5), "positive"),
            (mk(two(), 1.0, 1), "2 to 1001"),
            (
                mk(
                    Directions::Random {
                        seed: 0,
                        params: Some(vec![0]),
                    },
                    1.0,
                    5,
                ),
                "at least 2 parameters",
            ),
            (
                mk(
                    Directions::Random {
                        seed: 0,
                        params: Some(vec![0, 0]),
                    },
                    1.0,
                    5,
                ),
                "listed twice",
            ),
        ];
        for (spec, want) in cases {
            let e = LandscapeRun::new(&[0.0, 0.0], &[], spec, f).unwrap_err();
            assert!(e.0.contains(want), "{e} (wanted {want})");
        }
        let e = LandscapeRun::new(&[0.0, f64::INFINITY], &[], mk(two(), 1.0, 3), f).unwrap_err();
        assert!(e.0.contains("weight 1"), "{e}");
        let e =
            loss_landscape(&[0.0, 0.0], &[], mk(two(), 1.0, 3), |w| (w[0] + 1.0).ln()).unwrap_err();
        assert!(e.0.contains("NaN") || e.0.contains("inf"), "{e}");
        let json =
            r#"{"directions":{"kind":"params","first":0,"second":1},"span":1,"resolution":3}"#;
        let spec: LandscapeSpec = serde_json::from_str(json).unwrap();
        assert_eq!(spec.directions, two());
    }
}
