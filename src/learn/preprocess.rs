//! Classical preprocessing fitted on a training split: standardisation (zero mean and unit
//! variance per input) and PCA (projection onto the leading principal components), applied to
//! every point before the model sees it.
//!
//! PCA diagonalises the covariance matrix of the (standardised, if chosen) training inputs with
//! cyclic Jacobi rotations — exact to rounding for the at most 64 inputs a dataset has — and
//! orders the components by decreasing variance. Each component's sign is fixed so that its
//! largest-magnitude entry is positive, so the same data always give the same projection.
//!
//! Imports only `std`.
//!
//! ```
//! use qmlp::learn::preprocess::Preprocessor;
//! let rows = [vec![1.0, 10.0], vec![3.0, 30.0], vec![2.0, 20.0]];
//! let p = Preprocessor::fit(rows.iter().map(|r| r.as_slice()), 2, true, None);
//! let mut z = Vec::new();
//! p.apply(&[3.0, 30.0], &mut z);
//! assert!((z[0] - 1.2247448713915890).abs() < 1e-12 && (z[1] - z[0]).abs() < 1e-12);
//! ```

/// A fitted preprocessing: `z = P · ((x − mean) / std)` with `P` the principal components
/// (identity without PCA) and `std = 1` without standardisation.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Preprocessor {
    dim: usize,
    mean: Vec<f64>,
    inv_std: Vec<f64>,
    /// Row-major `k × dim`, the principal directions (empty: no PCA).
    components: Vec<f64>,
    /// The variance along each component (or each input without PCA), after standardising.
    variances: Vec<f64>,
    k: usize,
    standardize: bool,
}

impl Preprocessor {
    /// The identity on `dim` inputs.
    pub fn identity(dim: usize) -> Preprocessor {
        Preprocessor {
            dim,
            mean: vec![0.0; dim],
            inv_std: vec![1.0; dim],
            components: Vec::new(),
            variances: Vec::new(),
            k: dim,
            standardize: false,
        }
    }

    /// Fits on the rows' first `dim` entries (missing ones read as 0). `pca = Some(k)` keeps
    /// the first `k` components (clamped to `1..=dim`). A constant input gets a standard
    /// deviation of 1, so it stays 0 after centring instead of becoming NaN.
    pub fn fit<'a>(
        rows: impl Iterator<Item = &'a [f64]> + Clone,
        dim: usize,
        standardize: bool,
        pca: Option<usize>,
    ) -> Preprocessor {
        if !standardize && pca.is_none() {
            return Preprocessor::identity(dim);
        }
        let get = |r: &[f64], i: usize| r.get(i).copied().unwrap_or(0.0);
        let n = rows.clone().count().max(1) as f64;
        let mut mean = vec![0.0; dim];
        for r in rows.clone() {
            for (i, m) in mean.iter_mut().enumerate() {
                *m += get(r, i);
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut inv_std = vec![1.0; dim];
        if standardize {
            let mut var = vec![0.0; dim];
            for r in rows.clone() {
                for (i, v) in var.iter_mut().enumerate() {
                    let d = get(r, i) - mean[i];
                    *v += d * d;
                }
            }
            for (s, v) in inv_std.iter_mut().zip(&var) {
                let sd = (v / n).sqrt();
                *s = if sd > 1e-12 { 1.0 / sd } else { 1.0 };
            }
        }
        let Some(k) = pca.map(|k| k.clamp(1, dim.max(1))) else {
            return Preprocessor {
                dim,
                mean,
                inv_std,
                components: Vec::new(),
                variances: Vec::new(),
                k: dim,
                standardize,
            };
        };
        // Covariance of the standardised (or centred) inputs.
        let mut cov = vec![0.0; dim * dim];
        let mut z = vec![0.0; dim];
        for r in rows {
            for i in 0..dim {
                z[i] = (get(r, i) - mean[i]) * inv_std[i];
            }
            for i in 0..dim {
                for j in i..dim {
                    cov[i * dim + j] += z[i] * z[j];
                }
            }
        }
        for i in 0..dim {
            for j in i..dim {
                let v = cov[i * dim + j] / n;
                cov[i * dim + j] = v;
                cov[j * dim + i] = v;
            }
        }
        let (values, vectors) = symmetric_eigen(&cov, dim);
        let mut order: Vec<usize> = (0..dim).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
        let mut components = Vec::with_capacity(k * dim);
        let mut variances = Vec::with_capacity(k);
        for &c in order.iter().take(k) {
            let mut v: Vec<f64> = (0..dim).map(|i| vectors[i * dim + c]).collect();
            let lead =
                v.iter()
                    .copied()
                    .fold(0.0f64, |m, x| if x.abs() > m.abs() + 1e-12 { x } else { m });
            if lead < 0.0 {
                v.iter_mut().for_each(|x| *x = -*x);
            }
            components.extend(v);
            variances.push(values[c].max(0.0));
        }
        Preprocessor {
            dim,
            mean,
            inv_std,
            components,
            variances,
            k,
            standardize,
        }
    }

    /// Inputs taken.
    pub fn n_in(&self) -> usize {
        self.dim
    }

    /// Outputs given (the component count with PCA, else the inputs).
    pub fn n_out(&self) -> usize {
        self.k
    }

    /// Whether it changes nothing.
    pub fn is_identity(&self) -> bool {
        !self.standardize && self.components.is_empty()
    }

    /// The training means (zeros for the identity).
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The training standard deviations (ones without standardisation).
    pub fn std(&self) -> Vec<f64> {
        self.inv_std.iter().map(|s| 1.0 / s).collect()
    }

    /// The principal directions, row-major `n_out × n_in` (empty without PCA).
    pub fn components(&self) -> &[f64] {
        &self.components
    }

    /// The fraction of the (standardised) variance each kept component explains (empty
    /// without PCA).
    pub fn explained(&self, total: f64) -> Vec<f64> {
        self.variances
            .iter()
            .map(|v| v / total.max(1e-300))
            .collect()
    }

    /// Writes the preprocessed point into `out` (resized to [`n_out`](Self::n_out)).
    pub fn apply(&self, x: &[f64], out: &mut Vec<f64>) {
        out.clear();
        let get = |i: usize| x.get(i).copied().unwrap_or(0.0);
        if self.is_identity() {
            out.extend((0..self.dim).map(get));
            return;
        }
        if self.components.is_empty() {
            out.extend((0..self.dim).map(|i| (get(i) - self.mean[i]) * self.inv_std[i]));
            return;
        }
        for c in 0..self.k {
            let row = &self.components[c * self.dim..(c + 1) * self.dim];
            out.push(
                row.iter()
                    .enumerate()
                    .map(|(i, w)| w * (get(i) - self.mean[i]) * self.inv_std[i])
                    .sum(),
            );
        }
    }

    /// A raw input point whose preprocessed form is `z` in the span of the kept components
    /// (with PCA: the mean plus `Σ z_c · std ∘ component_c`; without: the inverse map). Used
    /// to draw a decision boundary over two principal components.
    pub fn raw_point(&self, z: &[f64]) -> Vec<f64> {
        let mut x = self.mean.clone();
        if self.components.is_empty() {
            for (i, v) in x.iter_mut().enumerate() {
                *v += z.get(i).copied().unwrap_or(0.0) / self.inv_std[i];
            }
            return x;
        }
        for (c, &zc) in z.iter().enumerate().take(self.k) {
            let row = &self.components[c * self.dim..(c + 1) * self.dim];
            for (i, v) in x.iter_mut().enumerate() {
                *v += zc * row[i] / self.inv_std[i];
            }
        }
        x
    }
}

/// Eigenvalues and eigenvectors (columns of a row-major `d × d` matrix) of a symmetric matrix,
/// by cyclic Jacobi rotations until the off-diagonal part is negligible.
fn symmetric_eigen(a: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut m = a.to_vec();
    let mut v = vec![0.0; d * d];
    for i in 0..d {
        v[i * d + i] = 1.0;
    }
    let scale: f64 = m.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-300);
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|i| (0..d).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i * d + j] * m[i * d + j])
            .sum::<f64>()
            .sqrt();
        if off <= 1e-15 * scale {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = m[p * d + q];
                if apq.abs() <= 1e-300 {
                    continue;
                }
                let (app, aqq) = (m[p * d + p], m[q * d + q]);
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let (mkp, mkq) = (m[k * d + p], m[k * d + q]);
                    m[k * d + p] = c * mkp - s * mkq;
                    m[k * d + q] = s * mkp + c * mkq;
                }
                for k in 0..d {
                    let (mpk, mqk) = (m[p * d + k], m[q * d + k]);
                    m[p * d + k] = c * mpk - s * mqk;
                    m[q * d + k] = s * mpk + c * mqk;
                }
                for k in 0..d {
                    let (vkp, vkq) = (v[k * d + p], v[k * d + q]);
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..d).map(|i| m[i * d + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn rows(n: usize, seed: u64) -> Vec<Vec<f64>> {
        // Correlated 3-D data: x2 ≈ 2·x1, x3 independent and small.
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|_| {
                let a = rng.normal();
                vec![
                    a + 1.0,
                    2.0 * a + 0.1 * rng.normal() - 3.0,
                    0.05 * rng.normal(),
                ]
            })
            .collect()
    }

    #[test]
    fn standardised_inputs_have_zero_mean_and_unit_variance() {
        let r = rows(500, 1);
        let p = Preprocessor::fit(r.iter().map(|v| v.as_slice()), 3, true, None);
        let mut z = Vec::new();
        let mut sum = [0.0; 3];
        let mut sq = [0.0; 3];
        for v in &r {
            p.apply(v, &mut z);
            for i in 0..3 {
                sum[i] += z[i];
                sq[i] += z[i] * z[i];
            }
        }
        for i in 0..3 {
            assert!((sum[i] / 500.0).abs() < 1e-12);
            assert!((sq[i] / 500.0 - 1.0).abs() < 1e-12);
        }
        let back = p.raw_point(&{
            p.apply(&r[7], &mut z);
            z.clone()
        });
        for i in 0..3 {
            assert!((back[i] - r[7][i]).abs() < 1e-12);
        }
    }

    #[test]
    fn pca_finds_the_dominant_direction_with_a_fixed_sign() {
        let r = rows(2000, 2);
        let p = Preprocessor::fit(r.iter().map(|v| v.as_slice()), 3, false, Some(2));
        assert_eq!((p.n_in(), p.n_out()), (3, 2));
        let c = p.components();
        // First component ≈ (1, 2, 0)/√5, largest entry positive.
        let want = [1.0 / 5f64.sqrt(), 2.0 / 5f64.sqrt(), 0.0];
        for i in 0..3 {
            assert!((c[i] - want[i]).abs() < 0.01, "{c:?}");
        }
        // Components are orthonormal.
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        assert!((dot(&c[..3], &c[..3]) - 1.0).abs() < 1e-12);
        assert!(dot(&c[..3], &c[3..6]).abs() < 1e-12);
        // Projected data are uncorrelated, variances decreasing.
        let mut z = Vec::new();
        let (mut s01, mut v0, mut v1) = (0.0, 0.0, 0.0);
        for v in &r {
            p.apply(v, &mut z);
            s01 += z[0] * z[1];
            v0 += z[0] * z[0];
            v1 += z[1] * z[1];
        }
        assert!(s01.abs() / 2000.0 < 1e-10, "{s01}");
        assert!(v0 > v1);
    }

    #[test]
    fn jacobi_diagonalises_a_known_matrix() {
        let a = [4.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 2.0];
        let (vals, vecs) = symmetric_eigen(&a, 3);
        for c in 0..3 {
            // A v = λ v
            for i in 0..3 {
                let av: f64 = (0..3).map(|j| a[i * 3 + j] * vecs[j * 3 + c]).sum();
                assert!((av - vals[c] * vecs[i * 3 + c]).abs() < 1e-12);
            }
        }
        let mut s = vals.clone();
        s.sort_by(f64::total_cmp);
        assert!((s.iter().sum::<f64>() - 9.0).abs() < 1e-12);
        assert!((s[0] - (3.0 - 3f64.sqrt())).abs() < 1e-12);
    }

    #[test]
    fn a_constant_input_stays_finite() {
        let r = [vec![1.0, 5.0], vec![2.0, 5.0], vec![3.0, 5.0]];
        let p = Preprocessor::fit(r.iter().map(|v| v.as_slice()), 2, true, Some(1));
        let mut z = Vec::new();
        p.apply(&r[0], &mut z);
        assert!(z.iter().all(|v| v.is_finite()));
    }
}
