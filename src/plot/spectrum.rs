//! The Fourier spectrum of a model's output as a function of one input: a bar per frequency
//! ω = 0…K of |c_ω|, with the frequencies the encoding can reach marked by a shaded band behind
//! their bars (a bar outside the band is drawn in a warning colour).

use super::axis::Axis;
use super::frame::{furnish, AxesStyle, Frame, Furniture};
use super::legend::{Entry, Swatch};
use super::pen::Pen;
use super::{ChartStyle, PlotError};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Fourier coefficients' magnitudes and the reachable frequencies.
#[derive(Debug, Clone, Copy)]
pub struct Spectrum<'a> {
    /// |c_ω| for ω = 0, 1, …, K (at least one value; each ≥ 0, NaN leaves a gap).
    pub magnitudes: &'a [f64],
    /// The frequencies the encoding can reach (e.g. 0…L for L re-uploads of one Pauli
    /// rotation); values above K are ignored.
    pub reachable: &'a [usize],
}

const BAR: RGBColor = RGBColor(47, 111, 223);
const OUTSIDE: RGBColor = RGBColor(214, 39, 40);
const BAND: RGBColor = RGBColor(226, 242, 222);
const BAND_DARK: RGBColor = RGBColor(40, 62, 44);

/// Draws the spectrum: one bar per ω (blue where the encoding reaches ω, red where it does not),
/// reachable frequencies shaded, axis titles "frequency ω" and "|c_ω|", and a legend. Fills the
/// area with the theme background first; never measures text.
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_spectrum, ChartStyle, Spectrum};
/// let s = Spectrum { magnitudes: &[0.1, 0.4, 0.2, 0.0], reachable: &[0, 1, 2] };
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (360, 200)).into_drawing_area();
///     draw_spectrum(&area, &s, &ChartStyle::default()).unwrap();
///     area.present().unwrap();
/// }
/// assert!(svg.contains("reachable"));
/// ```
pub fn draw_spectrum<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Spectrum,
    style: &ChartStyle,
) -> Result<(), PlotError> {
    if s.magnitudes.is_empty() {
        return Err(PlotError::InvalidInput(
            "the spectrum needs at least the coefficient of frequency 0".into(),
        ));
    }
    if let Some((w, v)) = s
        .magnitudes
        .iter()
        .enumerate()
        .find(|(_, v)| **v < 0.0 || v.is_infinite())
    {
        return Err(PlotError::InvalidInput(format!(
            "|c_ω| must be a finite number ≥ 0; for ω = {w} it is {v}"
        )));
    }
    let pen = Pen::new(style.pixel_ratio, style.dark).background(area)?;
    let k = s.magnitudes.len() - 1;
    let x = Axis::integers(-0.5, k as f64 + 0.5, 10);
    let most = s
        .magnitudes
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y = Axis::linear(0.0, if most > 0.0 { most * 1.08 } else { 1.0 }, 4);
    let band = if style.dark { BAND_DARK } else { BAND };
    let reached = |w: usize| s.reachable.contains(&w);
    // Listed only when a bar outside the reachable set shows (not for numerical noise).
    let outside = (0..=k).any(|w| !reached(w) && s.magnitudes[w] > 1e-6 * most);
    let f = Furniture {
        title: style.title,
        x_title: "frequency ω",
        y_title: "|c_ω|",
        x: &x,
        y: &y,
        x_labels: true,
        y_labels: true,
        legend: [
            outside.then(|| Entry::new("out of reach", Swatch::Box(OUTSIDE))),
            Some(Entry::new("reachable ω", Swatch::Box(band))),
        ]
        .into_iter()
        .flatten()
        .collect(),
        roomy_legend: true,
        right: 0,
    };
    let bars = AxesStyle {
        x_grid: false,
        ..AxesStyle::CHART
    };
    // The band goes under the grid: lay out, shade, then draw the furniture on top.
    let Some(layout) = super::frame::Layout::new(&pen, area.dim_in_pixel(), &f) else {
        return Ok(());
    };
    let frame = Frame {
        rect: layout.plot,
        x: &x,
        y: &y,
    };
    let column = |w: f64, half: f64| (frame.xpx(w - half), frame.xpx(w + half));
    let (t, b) = (layout.plot.t, layout.plot.b);
    for &w in s.reachable.iter().filter(|w| **w <= k) {
        let (l, r) = column(w as f64, 0.5);
        pen.rect(area, (l, t), (r, b), &band)?;
    }
    furnish(area, &pen, &f, bars, false)?;
    for (w, v) in s.magnitudes.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let (l, r) = column(w as f64, 0.35);
        let color = if reached(w) { BAR } else { OUTSIDE };
        pen.rect(
            area,
            (l, frame.ypx(*v)),
            (r.max(l + 1), frame.ypx(0.0)),
            &color,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_readable, at_ratios, attr, hex, render, samples, tags, texts, unmeasured_texts,
    };
    use super::*;

    #[test]
    fn bars_band_and_legend() {
        let s = Spectrum {
            magnitudes: &[0.05, 0.42, 0.21, 0.08, 0.0, 0.02],
            reachable: &[0, 1, 2, 3, 9],
        };
        let sizes = [((360, 200), 1.0), ((720, 400), 2.0), ((260, 160), 1.0)];
        at_ratios(
            &sizes,
            |a, st| draw_spectrum(a, &s, st),
            |svg, size, _| {
                let t = texts(svg);
                for want in [
                    "frequency ω",
                    "|c_ω|",
                    "reachable ω",
                    "out of reach",
                    "0",
                    "5",
                ] {
                    assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
                }
                assert_readable(svg, size);
                let rects = tags(svg, "rect");
                let count = |c: RGBColor| {
                    rects
                        .iter()
                        .filter(|r| attr(r, "fill") == Some(hex(c).as_str()))
                        .count()
                };
                // Four bands (ω = 9 is beyond K) and the legend's swatch.
                assert_eq!(count(BAND), 4 + 1);
                // Bars 0..3 reachable; 4 and 5 out of reach (and its legend swatch).
                assert_eq!(count(BAR), 4);
                assert_eq!(count(OUTSIDE), 2 + 1);
            },
        );
        // Noise outside the reachable set is not called out.
        let clean = Spectrum {
            magnitudes: &[0.1, 0.3, 1e-17],
            reachable: &[0, 1],
        };
        let svg = render((360, 200), |a| {
            draw_spectrum(a, &clean, &ChartStyle::default()).expect("draw")
        });
        assert!(!texts(&svg).iter().any(|s| s == "out of reach"));
    }

    #[test]
    fn bad_spectra_are_errors_and_no_text_is_measured() {
        let st = ChartStyle::default();
        let svg = render((200, 200), |a| {
            assert!(draw_spectrum(
                a,
                &Spectrum {
                    magnitudes: &[],
                    reachable: &[]
                },
                &st
            )
            .is_err());
            let neg = Spectrum {
                magnitudes: &[0.1, -0.2],
                reachable: &[],
            };
            assert!(draw_spectrum(a, &neg, &st)
                .unwrap_err()
                .to_string()
                .contains("ω = 1"));
        });
        assert!(svg.starts_with("<svg"));
        let s = Spectrum {
            magnitudes: &[0.0, f64::NAN, 0.3],
            reachable: &[1],
        };
        let t = unmeasured_texts((360, 200), |a| draw_spectrum(a, &s, &st));
        assert!(t.iter().any(|t| t == "frequency ω"));
    }

    #[test]
    fn render_samples_when_requested() {
        let mags: Vec<f64> = (0..=12)
            .map(|w| {
                if w <= 4 {
                    0.4 / (1.0 + w as f64)
                } else {
                    0.01 / w as f64
                }
            })
            .collect();
        let s = Spectrum {
            magnitudes: &mags,
            reachable: &[0, 1, 2, 3, 4],
        };
        samples("spectrum-360x200", (360, 200), |a, st| {
            draw_spectrum(a, &s, st)
        });
    }
}
