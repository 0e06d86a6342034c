//! Gradient norms per block (pre-net, circuit, post-net, …) over training steps or epochs, on a
//! log axis, with a threshold line below which a gradient counts as vanished. The line chart of
//! the loss chart, with a reference line.

use super::loss::{HLine, LineChart, LineStyle, Series};
use super::pen::Dash;
use super::ticks::format_log_tick;
use super::{class_color, ChartStyle, PlotError};
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the gradient-norm chart shows.
#[derive(Debug, Clone, Copy)]
pub struct GradientNorms<'a> {
    /// One curve per block, values per step (index 0 is step 1); [`block_style`] gives each
    /// block a distinct look.
    pub blocks: &'a [Series<'a>],
    /// The norm below which a gradient counts as vanished (drawn dashed red), if any.
    pub threshold: Option<f64>,
    /// The x-axis title, e.g. "epoch" or "step".
    pub x_title: &'a str,
}

/// The line style of block `i`: class colours in the order 0 pre-net green, 1 circuit blue,
/// 2 post-net purple, then brown and teal (cycles).
pub fn block_style(i: usize) -> LineStyle {
    const ORDER: [usize; 5] = [2, 1, 3, 6, 5];
    LineStyle::solid(class_color(ORDER[i % ORDER.len()]))
}

const THRESHOLD: RGBColor = RGBColor(214, 39, 40);

/// Draws the gradient norms on a log axis (values ≤ 0 clamp to the axis floor), one curve per
/// block with its latest value in the legend, and the threshold as a dashed line labelled in the
/// legend. Fills the area with the theme background; never measures text.
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{block_style, draw_gradient_norms, ChartStyle, GradientNorms, Series};
/// let circuit = [0.3, 0.1, 0.02, 0.004];
/// let blocks = [Series { label: "circuit", values: &circuit, style: block_style(1) }];
/// let g = GradientNorms { blocks: &blocks, threshold: Some(1e-3), x_title: "epoch" };
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (400, 200)).into_drawing_area();
///     draw_gradient_norms(&area, &g, &ChartStyle::default()).unwrap();
///     area.present().unwrap();
/// }
/// assert!(svg.contains("threshold 0.001"));
/// ```
pub fn draw_gradient_norms<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    g: &GradientNorms,
    style: &ChartStyle,
) -> Result<(), PlotError> {
    let label = g
        .threshold
        .map(|t| format!("threshold {}", format_log_tick(t)));
    let hlines: Vec<HLine> = match (g.threshold, label.as_deref()) {
        (Some(value), Some(label)) if value.is_finite() && value > 0.0 => vec![HLine {
            value,
            label,
            style: LineStyle {
                color: THRESHOLD,
                dash: Dash::Dashed,
                width: 1.0,
            },
        }],
        _ => Vec::new(),
    };
    LineChart {
        series: g.blocks,
        hlines: &hlines,
        marks: &[],
        log: true,
        title: style.title,
        x_title: g.x_title,
        y_title: "gradient norm",
        dark: style.dark,
        pixel_ratio: style.pixel_ratio,
    }
    .draw(area)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_readable, at_ratios, attr, hex, render, samples, tags, texts, unmeasured_texts,
    };
    use super::*;

    /// Three blocks' norms decaying at their own rates, and a threshold.
    fn with<R>(f: impl FnOnce(&GradientNorms) -> R) -> R {
        let decay = |a: f64, r: f64| {
            (0..50)
                .map(|i| a * (-r * f64::from(i)).exp())
                .collect::<Vec<f64>>()
        };
        let values = [decay(0.8, 0.05), decay(0.3, 0.12), decay(1.5, 0.02)];
        let blocks: Vec<Series> = ["pre-net", "circuit", "post-net"]
            .iter()
            .zip(&values)
            .enumerate()
            .map(|(i, (label, values))| Series {
                label,
                values,
                style: block_style(i),
            })
            .collect();
        f(&GradientNorms {
            blocks: &blocks,
            threshold: Some(1e-3),
            x_title: "epoch",
        })
    }

    #[test]
    fn one_curve_per_block_and_the_threshold() {
        let sizes = [((414, 170), 1.0), ((828, 340), 2.0), ((560, 300), 1.0)];
        with(|g| {
            at_ratios(
                &sizes,
                |a, st| draw_gradient_norms(a, g, st),
                |svg, size, _| {
                    let t = texts(svg);
                    for want in [
                        "pre-net",
                        "circuit",
                        "post-net",
                        "threshold 0.001",
                        "epoch",
                        "gradient norm",
                        "0.001",
                    ] {
                        assert!(t.iter().any(|s| s.starts_with(want)), "{want}: {t:?}");
                    }
                    assert_readable(svg, size);
                    let lines = |c: RGBColor| {
                        tags(svg, "polyline")
                            .iter()
                            .filter(|l| attr(l, "stroke") == Some(hex(c).as_str()))
                            .count()
                    };
                    for i in 0..3 {
                        assert_eq!(
                            lines(block_style(i).color),
                            2,
                            "block {i}: curve and swatch"
                        );
                    }
                    assert!(lines(THRESHOLD) > 10, "a dashed line");
                },
            );
            // No threshold: no line, no legend entry.
            let none = GradientNorms {
                threshold: None,
                ..*g
            };
            let svg = render((414, 170), |a| {
                draw_gradient_norms(a, &none, &ChartStyle::default()).expect("draw")
            });
            assert!(!texts(&svg).iter().any(|s| s.starts_with("threshold")));
            let t = unmeasured_texts((414, 170), |a| {
                draw_gradient_norms(a, g, &ChartStyle::default())
            });
            assert!(t.iter().any(|t| t == "gradient norm"));
        });
        assert_ne!(block_style(0), block_style(1));
        assert_eq!(block_style(0), block_style(5));
    }

    #[test]
    fn render_samples_when_requested() {
        with(|g| {
            samples("gradnorm-414x170", (414, 170), |a, st| {
                draw_gradient_norms(a, g, st)
            })
        });
    }
}
