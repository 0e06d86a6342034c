//! Sample statistics the analyses share: mean, sample variance (ddof 1), the fourth central
//! moment and from it the standard error of a sample variance, and least-squares fits of
//! `ln y = a + b·x` (exponential decay rates).

use super::AnalysisError;
use serde::{Deserialize, Serialize};

/// Mean, sample variance and fourth moment of a sample, with the variance's standard error.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Sample size.
    pub n: usize,
    /// Sample mean.
    pub mean: f64,
    /// Sample variance with ddof 1: Σ(x − x̄)² / (n − 1).
    pub variance: f64,
    /// Kurtosis m₄ / s⁴ (3 for a Gaussian), m₄ = Σ(x − x̄)⁴ / n; 0 when the variance is 0.
    pub kurtosis: f64,
    /// Standard error of [`variance`](Moments::variance), from the fourth moment
    /// ([`variance_std_error`]).
    pub variance_std_error: f64,
}

/// The moments of `xs` (at least 2 finite values).
///
/// ```
/// let m = qmlp::analysis::stats::moments(&[1.0, 2.0, 3.0, 4.0])?;
/// assert_eq!(m.mean, 2.5);
/// assert!((m.variance - 5.0 / 3.0).abs() < 1e-15);
/// # Ok::<(), qmlp::analysis::AnalysisError>(())
/// ```
pub fn moments(xs: &[f64]) -> Result<Moments, AnalysisError> {
    let n = xs.len();
    if n < 2 {
        return Err(AnalysisError::new(format!(
            "a variance needs at least 2 samples; got {n}"
        )));
    }
    if let Some(i) = xs.iter().position(|x| !x.is_finite()) {
        return Err(AnalysisError::new(format!(
            "sample {i} is {}; every sample must be a finite number",
            xs[i]
        )));
    }
    let nf = n as f64;
    let mean = xs.iter().sum::<f64>() / nf;
    let (mut m2, mut m4) = (0.0, 0.0);
    for &x in xs {
        let d2 = (x - mean) * (x - mean);
        m2 += d2;
        m4 += d2 * d2;
    }
    let variance = m2 / (nf - 1.0);
    let m4 = m4 / nf;
    let kurtosis = if variance > 0.0 {
        m4 / (variance * variance)
    } else {
        0.0
    };
    Ok(Moments {
        n,
        mean,
        variance,
        kurtosis,
        variance_std_error: variance_std_error(variance, kurtosis, n),
    })
}

/// Standard error of a sample variance `s²` of `n` independent samples with kurtosis `κ`:
/// Var(s²) = μ₄/n − σ⁴(n − 3)/(n(n − 1)), i.e. s²·√((κ − (n−3)/(n−1))/n).
///
/// For a Gaussian (κ = 3) this is s²·√(2/(n−1)); heavy-tailed samples (κ > 3) have a larger
/// error. Returns 0 for `n < 2` or a zero variance.
///
/// ```
/// use qmlp::analysis::stats::variance_std_error;
/// let se = variance_std_error(2.0, 3.0, 101);
/// assert!((se - 2.0 * (2.0f64 / 100.0).sqrt()).abs() < 1e-12);
/// ```
pub fn variance_std_error(variance: f64, kurtosis: f64, n: usize) -> f64 {
    if n < 2 || variance <= 0.0 {
        return 0.0;
    }
    let nf = n as f64;
    let ratio = (kurtosis - (nf - 3.0) / (nf - 1.0)).max(0.0) / nf;
    variance * ratio.sqrt()
}

/// A least-squares fit of `ln y = intercept + slope·x`: y changes by the factor e^slope per unit
/// of x.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpFit {
    /// d ln y / dx.
    pub slope: f64,
    /// ln y at x = 0.
    pub intercept: f64,
    /// Standard error of the slope from the residuals; `None` with only two points.
    pub slope_std_error: Option<f64>,
    /// e^slope: the factor by which y changes per unit of x.
    pub factor: f64,
    /// Number of points fitted.
    pub points: usize,
}

/// Fits `ln y = a + b·x` to the points by ordinary least squares on ln y.
///
/// Needs at least two distinct x and every y > 0 and finite.
///
/// ```
/// use qmlp::analysis::stats::fit_exponential;
/// let xs = [2.0, 3.0, 4.0];
/// let ys: Vec<f64> = xs.iter().map(|x: &f64| 3.0 * (-0.5 * x).exp()).collect();
/// let f = fit_exponential(&xs, &ys)?;
/// assert!((f.slope + 0.5).abs() < 1e-12 && (f.intercept - 3f64.ln()).abs() < 1e-12);
/// # Ok::<(), qmlp::analysis::AnalysisError>(())
/// ```
pub fn fit_exponential(xs: &[f64], ys: &[f64]) -> Result<ExpFit, AnalysisError> {
    if xs.len() != ys.len() {
        return Err(AnalysisError::new(format!(
            "{} x values for {} y values; give one x per y",
            xs.len(),
            ys.len()
        )));
    }
    if let Some(i) = ys.iter().position(|y| !(y.is_finite() && *y > 0.0)) {
        return Err(AnalysisError::new(format!(
            "value {} at x = {} cannot be fitted on a log scale; every value must be positive",
            ys[i], xs[i]
        )));
    }
    if let Some(i) = xs.iter().position(|x| !x.is_finite()) {
        return Err(AnalysisError::new(format!(
            "x value {i} is {}; x values must be finite",
            xs[i]
        )));
    }
    let m = xs.len();
    let mf = m as f64;
    let ls: Vec<f64> = ys.iter().map(|y| y.ln()).collect();
    let xm = xs.iter().sum::<f64>() / mf.max(1.0);
    let lm = ls.iter().sum::<f64>() / mf.max(1.0);
    let sxx: f64 = xs.iter().map(|x| (x - xm) * (x - xm)).sum();
    if m < 2 || sxx <= 0.0 {
        return Err(AnalysisError::new(
            "a slope needs at least two points with different x",
        ));
    }
    let sxl: f64 = xs.iter().zip(&ls).map(|(x, l)| (x - xm) * (l - lm)).sum();
    let slope = sxl / sxx;
    let intercept = lm - slope * xm;
    let slope_std_error = (m > 2).then(|| {
        let rss: f64 = xs
            .iter()
            .zip(&ls)
            .map(|(x, l)| (l - intercept - slope * x).powi(2))
            .sum();
        (rss / (mf - 2.0) / sxx).sqrt()
    });
    Ok(ExpFit {
        slope,
        intercept,
        slope_std_error,
        factor: slope.exp(),
        points: m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn moments_match_direct_formulas() {
        let xs = [0.5, -1.0, 2.0, 0.0, 3.5];
        let m = moments(&xs).unwrap();
        let mean = 1.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 4.0;
        let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / 5.0;
        assert!((m.mean - mean).abs() < 1e-15);
        assert!((m.variance - var).abs() < 1e-14);
        assert!((m.kurtosis - m4 / (var * var)).abs() < 1e-12);
        assert!(moments(&[1.0]).is_err());
        assert!(moments(&[1.0, f64::NAN])
            .unwrap_err()
            .0
            .contains("sample 1"));
    }

    #[test]
    fn variance_std_error_matches_the_spread_of_sample_variances() {
        // Uniform samples (kurtosis 1.8, far from Gaussian): the spread of 2000 sample
        // variances of 50 samples each agrees with the fourth-moment formula, not with the
        // Gaussian one.
        let mut rng = Rng::new(11);
        let (reps, n) = (2000, 50);
        let mut vars = Vec::new();
        let mut predicted = 0.0;
        for _ in 0..reps {
            let xs: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
            let m = moments(&xs).unwrap();
            vars.push(m.variance);
            predicted += variance_std_error(1.0 / 12.0, 1.8, n);
        }
        predicted /= reps as f64;
        let spread = moments(&vars).unwrap().variance.sqrt();
        assert!(
            (spread / predicted - 1.0).abs() < 0.06,
            "spread {spread} vs predicted {predicted}"
        );
        let gaussian = (1.0 / 12.0) * (2.0 / (n as f64 - 1.0)).sqrt();
        assert!(spread < 0.8 * gaussian, "{spread} vs Gaussian {gaussian}");
    }

    #[test]
    fn exponential_fit_recovers_slope_and_reports_errors() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        let ys = [
            1.1 * (-0.7f64).exp(),
            (-1.4f64).exp(),
            0.9 * (-2.1f64).exp(),
            (-2.8f64).exp(),
        ];
        let f = fit_exponential(&xs, &ys).unwrap();
        assert!((f.slope + 0.7).abs() < 0.1, "{f:?}");
        assert!(f.slope_std_error.unwrap() > 0.0);
        assert_eq!(f.points, 4);
        assert!((f.factor - f.slope.exp()).abs() < 1e-15);
        let two = fit_exponential(&xs[..2], &ys[..2]).unwrap();
        assert!(two.slope_std_error.is_none());
        assert!(fit_exponential(&[1.0, 1.0], &[1.0, 2.0]).is_err());
        assert!(fit_exponential(&[1.0, 2.0], &[1.0, 0.0])
            .unwrap_err()
            .0
            .contains("positive"));
        assert!(fit_exponential(&[1.0], &[1.0, 2.0]).is_err());
    }
}
