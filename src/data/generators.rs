//! The per-kind point samplers: where a point of a given class lands in the plane, before noise.
//! Imports only `std`, `crate::rng` and the data module's own items.

use std::f64::consts::PI;

use super::DatasetKind;
use crate::rng::Rng;

/// The plot extent `[xmin, xmax, ymin, ymax]` shared by every generated kind, whatever the seed.
pub(crate) const GENERATED_EXTENT: [f64; 4] = [-1.2, 1.2, -1.2, 1.2];

/// Squared radius of the circle dataset's boundary: `2/π`, so the disc covers half of `[-1, 1]²`.
pub(crate) const CIRCLE_R2: f64 = 2.0 / PI;

/// One noise-free sample of `kind` and its label. `class` is the requested class for kinds whose
/// label is chosen first (blobs, spirals, moons, annuli); Circle and Xor sample uniformly in
/// `[-1, 1]²` and label the point by where it fell, ignoring `class`. Custom yields the origin.
pub(crate) fn sample(kind: DatasetKind, class: usize, rng: &mut Rng) -> ([f64; 2], usize) {
    match kind {
        DatasetKind::Circle => {
            let x = [rng.range(-1.0, 1.0), rng.range(-1.0, 1.0)];
            let inside = x[0] * x[0] + x[1] * x[1] < CIRCLE_R2;
            (x, usize::from(inside))
        }
        DatasetKind::Xor => {
            let x = [rng.range(-1.0, 1.0), rng.range(-1.0, 1.0)];
            (x, usize::from(x[0] * x[1] > 0.0))
        }
        DatasetKind::Gaussians => {
            let c = if class == 1 { 0.5 } else { -0.5 };
            ([c + 0.18 * rng.normal(), c + 0.18 * rng.normal()], class)
        }
        DatasetKind::Gaussians3 => {
            let angle = PI / 2.0 + 2.0 * PI / 3.0 * class as f64;
            let (cx, cy) = (0.55 * angle.cos(), 0.55 * angle.sin());
            ([cx + 0.18 * rng.normal(), cy + 0.18 * rng.normal()], class)
        }
        DatasetKind::Spiral => {
            let s = rng.uniform();
            let r = 0.05 + 0.85 * s;
            let angle = 1.75 * 2.0 * PI * s + PI * class as f64;
            ([r * angle.cos(), r * angle.sin()], class)
        }
        DatasetKind::Moons => {
            // The classic two half-moons, (x, y) ∈ [-1, 2] × [-0.5, 1], centred and scaled by 1/1.5.
            let t = rng.range(0.0, PI);
            let (x, y) = if class == 1 {
                (1.0 - t.cos(), 0.5 - t.sin())
            } else {
                (t.cos(), t.sin())
            };
            ([(x - 0.5) / 1.5, (y - 0.25) / 1.5], class)
        }
        DatasetKind::Circles3 => {
            let (r0, r1) = match class {
                0 => (0.0, 0.3),
                1 => (0.4, 0.65),
                _ => (0.75, 1.0),
            };
            // Uniform over the annulus' area.
            let r = rng.range(r0 * r0, r1 * r1).sqrt();
            let angle = rng.range(0.0, 2.0 * PI);
            ([r * angle.cos(), r * angle.sin()], class)
        }
        // Paper problems and tables are drawn or read elsewhere (see `DatasetSpec::generate`).
        _ => ([0.0, 0.0], 0),
    }
}

/// One noise-free sample of a kind that takes an input dimension (`DatasetKind::takes_dim`) in
/// `d` dimensions; for `d = 2` exactly the point [`sample`] draws (same random numbers, same
/// order). Circle: uniform in `[-1, 1]^d`, label 1 inside the centred ball holding half the
/// cube's volume; Xor: uniform, label 1 where the product of the coordinates is positive;
/// Gaussians: blobs at `±0.5` in every coordinate.
pub(crate) fn sample_nd(
    kind: DatasetKind,
    class: usize,
    d: usize,
    rng: &mut Rng,
) -> (Vec<f64>, usize) {
    if d == 2 {
        let (x, label) = sample(kind, class, rng);
        return (x.to_vec(), label);
    }
    match kind {
        DatasetKind::Circle => {
            let x: Vec<f64> = (0..d).map(|_| rng.range(-1.0, 1.0)).collect();
            let r2: f64 = x.iter().map(|v| v * v).sum();
            let inside = r2 < half_volume_radius(d).powi(2);
            (x, usize::from(inside))
        }
        DatasetKind::Xor => {
            let x: Vec<f64> = (0..d).map(|_| rng.range(-1.0, 1.0)).collect();
            let product: f64 = x.iter().product();
            (x, usize::from(product > 0.0))
        }
        DatasetKind::Gaussians => {
            let c = if class == 1 { 0.5 } else { -0.5 };
            ((0..d).map(|_| c + 0.18 * rng.normal()).collect(), class)
        }
        _ => {
            let (x, label) = sample(kind, class, rng);
            (x.to_vec(), label)
        }
    }
}

/// The radius of the centred ball holding half the volume of `[-1, 1]^d`:
/// `V_d r^d = 2^(d−1)` with `V_d = π^(d/2) / Γ(d/2 + 1)` (`√(2/π)` for `d = 2`).
pub(crate) fn half_volume_radius(d: usize) -> f64 {
    // Γ(d/2 + 1) by the recurrence from Γ(1) = 1 or Γ(1/2) = √π.
    let mut gamma = if d % 2 == 0 { 1.0 } else { PI.sqrt() };
    let mut k = if d % 2 == 0 { 1.0 } else { 0.5 };
    while k < d as f64 / 2.0 + 1.0 - 1e-9 {
        gamma *= k;
        k += 1.0;
    }
    let unit_ball = PI.powf(d as f64 / 2.0) / gamma;
    (2f64.powi(d as i32 - 1) / unit_ball).powf(1.0 / d as f64)
}

/// Adds Gaussian jitter of standard deviation `noise` to every coordinate (no draw when 0).
pub(crate) fn jitter(x: &mut [f64], noise: f64, rng: &mut Rng) {
    if noise > 0.0 {
        for v in x {
            *v += noise * rng.normal();
        }
    }
}
