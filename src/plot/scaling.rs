//! The barren-plateau plot: a gradient's variance against the number of qubits (or layers) on a
//! log axis, several series (e.g. local and global cost, and reference values from another
//! framework as markers of their own), each with an exponential fitted by least squares to its
//! logarithm, the fitted slope shown in the legend.

use super::axis::{min_max, Axis};
use super::frame::{furnish, AxesStyle, Furniture};
use super::legend::{Entry, Swatch};
use super::pen::{Dash, MarkerShape, Pen};
use super::{ChartStyle, PlotError};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One series of `(x, variance)` points.
#[derive(Debug, Clone, Copy)]
pub struct ScalingSeries<'a> {
    /// Legend label, e.g. "local cost".
    pub label: &'a str,
    /// The x values (number of qubits or layers).
    pub x: &'a [f64],
    /// The variances, one per x; values that are not finite and positive are left out.
    pub y: &'a [f64],
    /// Optional ± standard error of each variance, drawn as an error bar.
    pub err: Option<&'a [f64]>,
    /// Marker and line colour.
    pub color: RGBColor,
    /// The points' marker.
    pub marker: MarkerShape,
    /// Draw the fitted exponential in this dash pattern (None: no fit, no slope).
    pub fit: Option<Dash>,
}

/// What the barren-plateau plot shows.
#[derive(Debug, Clone, Copy)]
pub struct VarianceScaling<'a> {
    /// The series, drawn in order.
    pub series: &'a [ScalingSeries<'a>],
    /// Title of the x axis, e.g. "qubits" or "layers".
    pub x_title: &'a str,
    /// Title of the y axis, e.g. "Var ∂C/∂θ₀".
    pub y_title: &'a str,
}

/// An exponential `y = exp(intercept + slope · x)` fitted to points by least squares on `ln y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExpFit {
    /// d ln y / dx: how fast the variance decays per unit of x (negative for a decay).
    pub slope: f64,
    /// ln y at x = 0.
    pub intercept: f64,
}

impl ExpFit {
    /// The fitted value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        (self.intercept + self.slope * x).exp()
    }
}

/// Fits `y = exp(a + b x)` to the points with finite x and finite positive y, by least squares
/// on `ln y`; None with fewer than two distinct x values among them.
///
/// ```
/// use qmlp::plot::fit_exponential;
/// let x = [2.0, 3.0, 4.0, 5.0];
/// let y: Vec<f64> = x.iter().map(|n| 0.5 * 2f64.powf(-n)).collect();
/// let fit = fit_exponential(&x, &y).unwrap();
/// assert!((fit.slope + 2f64.ln()).abs() < 1e-12);
/// ```
pub fn fit_exponential(x: &[f64], y: &[f64]) -> Option<ExpFit> {
    let pts: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite() && **b > 0.0)
        .map(|(a, b)| (*a, b.ln()))
        .collect();
    let n = pts.len() as f64;
    if n < 2.0 {
        return None;
    }
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx <= 1e-12 * mx.abs().max(1.0) {
        return None;
    }
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    Some(ExpFit {
        slope,
        intercept: my - slope * mx,
    })
}

/// Checks that each series has one y (and error) per x.
fn check(v: &VarianceScaling) -> Result<(), PlotError> {
    for s in v.series {
        let err_len = s.err.map_or(s.x.len(), <[f64]>::len);
        if s.y.len() != s.x.len() || err_len != s.x.len() {
            return Err(PlotError::InvalidInput(format!(
                "the series '{}' has {} x values, {} variances and {} errors; they must match",
                s.label,
                s.x.len(),
                s.y.len(),
                err_len
            )));
        }
    }
    Ok(())
}

/// Draws the variances on a log axis against x, one marker per point (with error bars when
/// given), the fitted exponential of each series with `fit` as a straight line across the
/// x range, and a legend giving each fitted slope (d ln Var / dx). Fills the area with the
/// theme background first; never measures text.
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_variance_scaling, ChartStyle, Dash, MarkerShape, ScalingSeries, VarianceScaling};
/// let n = [2.0, 4.0, 6.0, 8.0];
/// let var = [0.1, 0.03, 0.008, 0.002];
/// let s = [ScalingSeries { label: "local", x: &n, y: &var, err: None, color: RGBColor(0, 90, 200),
///     marker: MarkerShape::Dot, fit: Some(Dash::Solid) }];
/// let v = VarianceScaling { series: &s, x_title: "qubits", y_title: "Var" };
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (400, 260)).into_drawing_area();
///     draw_variance_scaling(&area, &v, &ChartStyle::default()).unwrap();
///     area.present().unwrap();
/// }
/// assert!(svg.contains("slope"));
/// ```
pub fn draw_variance_scaling<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    v: &VarianceScaling,
    style: &ChartStyle,
) -> Result<(), PlotError> {
    check(v)?;
    let pen = Pen::new(style.pixel_ratio, style.dark).background(area)?;
    let xs = v
        .series
        .iter()
        .flat_map(|s| s.x.iter().copied())
        .filter(|x| x.is_finite());
    let (x0, x1) = min_max(xs).unwrap_or((0.0, 1.0));
    let x = Axis::integers(x0 - 0.5, x1 + 0.5, 8);
    let fits: Vec<Option<ExpFit>> = v
        .series
        .iter()
        .map(|s| s.fit.and_then(|_| fit_exponential(s.x, s.y)))
        .collect();
    let ys = v.series.iter().flat_map(|s| {
        let err = s.err.unwrap_or(&[]);
        s.y.iter().enumerate().flat_map(move |(i, y)| {
            let e = err.get(i).copied().unwrap_or(0.0);
            [*y, y + e]
        })
    });
    let y = Axis::fit(ys, true);
    let legend = v
        .series
        .iter()
        .zip(&fits)
        .map(|(s, fit)| match (fit, s.fit) {
            (Some(f), Some(dash)) => Entry {
                text: format!("{}  slope {:.3}", s.label, f.slope),
                short: format!("{} {:.2}", s.label, f.slope),
                swatch: Swatch::LineMarker(s.color, dash, s.marker),
            },
            _ => Entry::new(s.label, Swatch::Marker(s.marker, s.color)),
        })
        .collect();
    let f = Furniture {
        title: style.title,
        x_title: v.x_title,
        y_title: v.y_title,
        x: &x,
        y: &y,
        x_labels: true,
        y_labels: true,
        legend,
        roomy_legend: true,
        right: 0,
    };
    let Some(frame) = furnish(area, &pen, &f, AxesStyle::CHART, false)? else {
        return Ok(());
    };
    for (s, fit) in v.series.iter().zip(&fits) {
        if let (Some(fit), Some(dash)) = (fit, s.fit) {
            let (a, b) = (x0, x1);
            let pts = [a, b]
                .iter()
                .filter_map(|&t| frame.at(t, fit.at(t)))
                .collect();
            pen.line(area, pts, s.color, 1.5, dash)?;
        }
        let cap = pen.px(3.0);
        for (i, (&px, &py)) in s.x.iter().zip(s.y).enumerate() {
            if !(py.is_finite() && py > 0.0) {
                continue;
            }
            let Some(c) = frame.at(px, py) else { continue };
            if let Some(e) = s
                .err
                .and_then(|e| e.get(i))
                .filter(|e| e.is_finite() && **e > 0.0)
            {
                let lo = frame.ypx(y.map(py - e).unwrap_or(y.lo)).min(frame.rect.b);
                let hi = frame.ypx(y.map(py + e).unwrap_or(y.hi)).max(frame.rect.t);
                pen.line(area, vec![(c.0, lo), (c.0, hi)], s.color, 1.0, Dash::Solid)?;
                for end in [lo, hi] {
                    pen.line(
                        area,
                        vec![(c.0 - cap, end), (c.0 + cap, end)],
                        s.color,
                        1.0,
                        Dash::Solid,
                    )?;
                }
            }
            pen.marker(area, c, s.marker, s.color, 8.0, Some(pen.th.background))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_readable, at_ratios, attr, hex, render, samples, tags, texts, unmeasured_texts,
    };
    use super::*;

    const BLUE: RGBColor = RGBColor(47, 111, 223);
    const RED: RGBColor = RGBColor(200, 50, 40);
    const GREY: RGBColor = RGBColor(90, 90, 90);
    const N: [f64; 9] = [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];

    fn decay(a: f64, rate: f64) -> Vec<f64> {
        N.iter().map(|n| a * (-rate * n).exp()).collect()
    }

    #[test]
    fn exponential_fits_recover_the_rate() {
        let y = decay(0.3, 0.7);
        let f = fit_exponential(&N, &y).expect("fit");
        assert!((f.slope + 0.7).abs() < 1e-12 && (f.intercept - 0.3f64.ln()).abs() < 1e-12);
        assert!((f.at(4.0) - y[2]).abs() < 1e-15);
        // Non-positive and non-finite points are left out; too few points give no fit.
        let mut bad = y.clone();
        bad[0] = 0.0;
        bad[1] = f64::NAN;
        assert!((fit_exponential(&N, &bad).expect("fit").slope + 0.7).abs() < 1e-12);
        assert!(fit_exponential(&[2.0, 2.0], &[0.1, 0.2]).is_none());
        assert!(fit_exponential(&[2.0], &[0.1]).is_none());
    }

    /// Local and global cost with fits (the local one with error bars), reference markers.
    fn with<R>(f: impl FnOnce(&VarianceScaling) -> R) -> R {
        let (local, global) = (decay(0.2, 0.3), decay(0.25, 0.69));
        let refs: Vec<f64> = local.iter().map(|v| v * 1.08).collect();
        let err: Vec<f64> = local.iter().map(|v| v * 0.12).collect();
        let series = |label, y, err, color, marker, fit| ScalingSeries {
            label,
            x: &N,
            y,
            err,
            color,
            marker,
            fit,
        };
        let s = [
            series(
                "local",
                &local,
                Some(&err[..]),
                BLUE,
                MarkerShape::Dot,
                Some(Dash::Solid),
            ),
            series(
                "global",
                &global,
                None,
                RED,
                MarkerShape::Square,
                Some(Dash::Solid),
            ),
            series("PennyLane", &refs, None, GREY, MarkerShape::Diamond, None),
        ];
        f(&VarianceScaling {
            series: &s,
            x_title: "qubits",
            y_title: "Var ∂C/∂θ₀",
        })
    }

    #[test]
    fn slopes_in_the_legend_markers_and_fit_lines() {
        let sizes = [((420, 280), 1.0), ((840, 560), 2.0), ((300, 220), 1.0)];
        with(|v| {
            at_ratios(
                &sizes,
                |a, st| draw_variance_scaling(a, v, st),
                |svg, size, _| {
                    let t = texts(svg);
                    assert!(
                        t.iter()
                            .any(|s| s.starts_with("local") && s.contains("-0.3")),
                        "{t:?}"
                    );
                    assert!(
                        t.iter()
                            .any(|s| s.starts_with("global") && s.contains("-0.69")),
                        "{t:?}"
                    );
                    for want in ["PennyLane", "qubits", "Var ∂C/∂θ₀", "2", "10"] {
                        assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
                    }
                    assert_readable(svg, size);
                    // Diamonds for the reference points and the legend (halos are the background).
                    let grey = tags(svg, "polygon")
                        .iter()
                        .filter(|p| attr(p, "fill") == Some(hex(GREY).as_str()))
                        .count();
                    assert_eq!(grey, 9 + 1);
                    // Fitted lines (and the local cost's error bars and caps) in the series colours.
                    let lines = |c: RGBColor| {
                        tags(svg, "polyline")
                            .iter()
                            .filter(|l| attr(l, "stroke") == Some(hex(c).as_str()))
                            .count()
                    };
                    assert_eq!(lines(RED), 2, "the fit and its legend swatch");
                    assert_eq!(lines(BLUE), 2 + 9 * 3);
                    assert_eq!(lines(GREY), 0, "no fit for the reference");
                },
            );
        });
    }

    #[test]
    fn mismatched_series_are_errors_and_no_text_is_measured() {
        with(|v| {
            let s = [ScalingSeries {
                y: &v.series[0].y[..3],
                ..v.series[0]
            }];
            let short = VarianceScaling { series: &s, ..*v };
            let svg = render((200, 200), |a| {
                let e = draw_variance_scaling(a, &short, &ChartStyle::default()).unwrap_err();
                assert!(e.to_string().contains("'local'"), "{e}");
            });
            assert!(svg.starts_with("<svg"));
            let t = unmeasured_texts((420, 280), |a| {
                draw_variance_scaling(a, v, &ChartStyle::default())
            });
            assert!(t.iter().any(|t| t == "qubits"));
        });
    }

    #[test]
    fn render_samples_when_requested() {
        with(|v| {
            samples("barren-420x280", (420, 280), |a, st| {
                draw_variance_scaling(a, v, st)
            })
        });
    }
}
