//! The loss (or accuracy) chart: one curve per series over epochs 1..=n, linear or log y axis.

use super::ticks::{format_log_tick, format_tick, format_value, linear_ticks, log_ticks};
use super::PlotError;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use std::ops::Range;

/// One curve of the loss chart: its legend label, its value per epoch, colour and line style.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// Legend label (empty: no legend entry).
    pub label: &'a str,
    /// Value per epoch; index 0 is epoch 1. NaN/inf values leave a gap.
    pub values: &'a [f64],
    /// Line colour.
    pub color: RGBColor,
    /// Dashed line (e.g. the test curve or a baseline).
    pub dashed: bool,
}

/// How the loss chart looks: log scale, optional title, y-axis label, dark theme.
#[derive(Debug, Clone, PartialEq)]
pub struct LossChartOptions {
    /// Logarithmic y axis (values <= 0 are clamped to the axis floor).
    pub log_scale: bool,
    /// Optional caption above the chart.
    pub title: Option<String>,
    /// The y-axis description, e.g. "loss".
    pub y_label: String,
    /// Dark background with light text.
    pub dark: bool,
}

impl Default for LossChartOptions {
    fn default() -> Self {
        Self {
            log_scale: false,
            title: None,
            y_label: "loss".to_string(),
            dark: false,
        }
    }
}

/// Colours of the chart furniture for one theme.
struct Theme {
    background: RGBColor,
    text: RGBColor,
    grid: RGBAColor,
    minor_grid: RGBAColor,
    axis: RGBAColor,
    legend_bg: RGBAColor,
}

fn theme(dark: bool) -> Theme {
    if dark {
        Theme {
            background: RGBColor(27, 29, 36),
            text: RGBColor(196, 200, 210),
            grid: RGBColor(255, 255, 255).mix(0.10),
            minor_grid: RGBColor(255, 255, 255).mix(0.04),
            axis: RGBColor(255, 255, 255).mix(0.35),
            legend_bg: RGBColor(27, 29, 36).mix(0.85),
        }
    } else {
        Theme {
            background: RGBColor(255, 255, 255),
            text: RGBColor(80, 84, 92),
            grid: RGBColor(0, 0, 0).mix(0.09),
            minor_grid: RGBColor(0, 0, 0).mix(0.035),
            axis: RGBColor(0, 0, 0).mix(0.35),
            legend_bg: RGBColor(255, 255, 255).mix(0.85),
        }
    }
}

const FONT: &str = "sans-serif";
/// Plotters' SVG backend writes font-size = size / 1.24; these give ~11 px and ~13 px text.
const LABEL_SIZE: f64 = 14.0;
const CAPTION_SIZE: f64 = 17.0;
const LINE_WIDTH: u32 = 2;

/// An axis with precomputed ticks, in the chart's own (possibly log10) space; it is plotters'
/// coordinate and label formatter for that axis.
#[derive(Debug, Clone)]
struct YAxis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    minor: Vec<f64>,
    step: f64,
    log: bool,
}

impl YAxis {
    /// A data value in axis space (log10 on log axes, clamped to the floor), or None if not finite.
    fn map(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        if self.log {
            let floor = 10f64.powf(self.lo);
            Some(v.max(floor).log10())
        } else {
            Some(v)
        }
    }

    fn label(&self, v: f64) -> String {
        if self.log {
            format_log_tick(10f64.powf(v))
        } else {
            format_tick(v, self.step)
        }
    }
}

impl Ranged for YAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let f = (value - self.lo) / (self.hi - self.lo);
        let px = f64::from(limit.0) + f * f64::from(limit.1 - limit.0);
        if px.is_finite() {
            px.round().clamp(-1e6, 1e6) as i32
        } else {
            limit.0
        }
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for YAxis {
    fn format_ext(&self, value: &f64) -> String {
        self.label(*value)
    }
}

fn y_axis(series: &[Series], log: bool) -> YAxis {
    let finite = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite())
    };
    if log {
        let (mut lo, mut hi) = finite()
            .filter(|v| *v > 0.0)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        if !lo.is_finite() {
            // No positive value at all: a default band around [1e-3, 1].
            lo = 1e-3;
            hi = 1.0;
        }
        let (mut a, mut b) = (lo.log10(), hi.log10());
        if b - a < 0.1 {
            let c = 0.5 * (a + b);
            a = c - 0.05;
            b = c + 0.05;
        }
        let pad = 0.05 * (b - a);
        let (a, b) = (a - pad, b + pad);
        let (ticks, minor) = log_ticks(a, b);
        YAxis {
            lo: a,
            hi: b,
            ticks,
            minor,
            step: 1.0,
            log: true,
        }
    } else {
        let (mut lo, mut hi) = finite().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if !lo.is_finite() {
            lo = 0.0;
            hi = 1.0;
        }
        if hi - lo < 1e-12 * lo.abs().max(1.0) {
            let half = (0.1 * lo.abs()).max(0.05);
            lo -= half;
            hi += half;
        }
        let pad = 0.06 * (hi - lo);
        let nonneg = lo >= 0.0;
        lo -= pad;
        hi += pad;
        if nonneg && lo < 0.0 {
            lo = 0.0;
        }
        let (ticks, step) = linear_ticks(lo, hi, 5);
        YAxis {
            lo,
            hi,
            ticks,
            minor: Vec::new(),
            step,
            log: false,
        }
    }
}

/// The epoch axis 1..=x_max: ticks at multiples of a nice integer step.
fn x_axis(x_max: f64) -> YAxis {
    let (mut ticks, mut step) = linear_ticks(1.0, x_max, 6);
    if step < 1.0 {
        ticks = (1..=(x_max.floor() as i64)).map(|v| v as f64).collect();
        step = 1.0;
    }
    YAxis {
        lo: 1.0,
        hi: x_max,
        ticks,
        minor: Vec::new(),
        step,
        log: false,
    }
}

/// Reduces a run of `(x, y)` points to at most about `2 * buckets` points, keeping each bucket's
/// minimum and maximum in order, so long histories stay cheap to draw without losing spikes.
fn decimate(run: &[(f64, f64)], buckets: usize) -> Vec<(f64, f64)> {
    let buckets = buckets.max(1);
    if run.len() <= 2 * buckets {
        return run.to_vec();
    }
    let mut out = Vec::with_capacity(2 * buckets + 2);
    let per = run.len() as f64 / buckets as f64;
    for b in 0..buckets {
        let s = (b as f64 * per).floor() as usize;
        let e = (((b + 1) as f64 * per).floor() as usize).min(run.len());
        let chunk = &run[s..e.max(s + 1).min(run.len())];
        if chunk.is_empty() {
            continue;
        }
        let (mut imin, mut imax) = (0, 0);
        for (i, p) in chunk.iter().enumerate() {
            if p.1 < chunk[imin].1 {
                imin = i;
            }
            if p.1 > chunk[imax].1 {
                imax = i;
            }
        }
        let (i, j) = if imin <= imax {
            (imin, imax)
        } else {
            (imax, imin)
        };
        out.push(chunk[i]);
        if j != i {
            out.push(chunk[j]);
        }
    }
    if let (Some(last), Some(end)) = (out.last().copied(), run.last().copied()) {
        if last != end {
            out.push(end);
        }
    }
    out
}

/// Loss (or accuracy) curves per epoch; x = epoch 1..=n. Any number of series (train, test,
/// MLP-baseline train/test). Handles 0 or 1 points, NaN/inf values (skipped, leaving a gap) and a
/// log scale (values <= 0 clamped to the axis floor). Fills the whole area with the theme background.
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_loss_chart, LossChartOptions, Series};
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (400, 250)).into_drawing_area();
///     let train = [0.9, 0.5, 0.3, 0.2];
///     let s = [Series { label: "train", values: &train, color: RGBColor(8, 119, 189), dashed: false }];
///     draw_loss_chart(&area, &s, &LossChartOptions::default()).unwrap();
///     area.present().unwrap();
/// }
/// assert!(svg.contains("<polyline"));
/// ```
pub fn draw_loss_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    opts: &LossChartOptions,
) -> Result<(), PlotError> {
    let th = theme(opts.dark);
    area.fill(&th.background)?;
    let (w, h) = area.dim_in_pixel();
    if w < 40 || h < 40 {
        return Ok(());
    }

    let n_max = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let x_max = (n_max as f64).max(2.0);
    let y = y_axis(series, opts.log_scale);

    let label_font = (FONT, LABEL_SIZE).into_font().color(&th.text);
    let y_label_chars = y
        .ticks
        .iter()
        .map(|v| y.label(*v).chars().count())
        .max()
        .unwrap_or(1);
    let y_area =
        (y_label_chars as u32 * 8 + 14 + if opts.y_label.is_empty() { 0 } else { 18 }).min(w / 3);
    let x_area = 34.min(h / 3);

    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(10)
        .margin_right(16)
        .margin_left(4)
        .margin_bottom(4)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area);
    if let Some(title) = opts.title.as_deref().filter(|t| !t.is_empty()) {
        builder.caption(title, (FONT, CAPTION_SIZE).into_font().color(&th.text));
    }
    let mut chart = builder.build_cartesian_2d(x_axis(x_max), y.clone())?;

    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(th.grid)
        .light_line_style(th.minor_grid)
        .axis_style(th.axis)
        .label_style(label_font.clone())
        .axis_desc_style(label_font.clone())
        .set_all_tick_mark_size(3)
        .x_desc("epoch");
    if !opts.y_label.is_empty() {
        mesh.y_desc(opts.y_label.as_str());
    }
    mesh.draw()?;

    let plot_w = chart.plotting_area().dim_in_pixel().0 as usize;
    let mut any_label = false;
    let mut run: Vec<(f64, f64)> = Vec::new();
    for s in series {
        let color = s.color;
        let style = color.stroke_width(LINE_WIDTH);
        // Collect runs of finite values; each run is one polyline.
        let mut last_point = None;
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        run.clear();
        for (i, v) in s.values.iter().enumerate() {
            match y.map(*v) {
                Some(yv) => {
                    let p = ((i + 1) as f64, yv);
                    run.push(p);
                    last_point = Some((p, *v));
                }
                None => {
                    if !run.is_empty() {
                        runs.push(decimate(&run, plot_w));
                        run.clear();
                    }
                }
            }
        }
        if !run.is_empty() {
            runs.push(decimate(&run, plot_w));
        }

        for r in runs.iter().filter(|r| r.len() >= 2) {
            if s.dashed {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    r.iter().copied(),
                    7,
                    5,
                    style,
                )))?;
            } else {
                chart.draw_series(std::iter::once(PathElement::new(r.clone(), style)))?;
            }
        }
        // A dot marks the latest value (and makes a single point visible).
        let anno = chart.draw_series(
            last_point
                .into_iter()
                .map(|(p, _)| Circle::new(p, 3, color.filled())),
        )?;
        if !s.label.is_empty() {
            any_label = true;
            let text = match last_point {
                Some((_, v)) => format!("{}  {}", s.label, format_value(v)),
                None => s.label.to_string(),
            };
            let (gap0, gap1) = if s.dashed { (8, 13) } else { (10, 10) };
            anno.label(text).legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (gap0, 0)], style)
                    + PathElement::new(vec![(gap1, 0), (20, 0)], style)
            });
        }
    }

    if any_label {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(8)
            .legend_area_size(24)
            .background_style(th.legend_bg)
            .border_style(th.grid)
            .label_font(label_font)
            .draw()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{attr, hex, render, tags, texts};
    use super::*;

    const BLUE: RGBColor = RGBColor(8, 119, 189);
    const ORANGE: RGBColor = RGBColor(245, 147, 34);

    fn polyline_points(tag: &str) -> usize {
        attr(tag, "points").map_or(0, |p| p.split_whitespace().count())
    }

    fn chart(series: &[Series], opts: &LossChartOptions) -> String {
        render((480, 300), |a| {
            draw_loss_chart(a, series, opts).expect("draw loss chart");
        })
    }

    fn curve_lines(svg: &str, c: RGBColor) -> Vec<&str> {
        tags(svg, "polyline")
            .into_iter()
            .filter(|t| attr(t, "stroke") == Some(hex(c).as_str()))
            .collect()
    }

    #[test]
    fn one_polyline_point_per_epoch() {
        let train: Vec<f64> = (0..25).map(|i| 1.0 / (1.0 + i as f64)).collect();
        let s = [Series {
            label: "train",
            values: &train,
            color: BLUE,
            dashed: false,
        }];
        let svg = chart(&s, &LossChartOptions::default());
        let lines = curve_lines(&svg, BLUE);
        // The curve itself plus the legend swatch (two 2-point segments).
        let longest = lines.iter().map(|t| polyline_points(t)).max().unwrap_or(0);
        assert_eq!(longest, 25, "{svg}");
        let t = texts(&svg);
        assert!(t.iter().any(|s| s == "epoch"), "{t:?}");
        assert!(t.iter().any(|s| s == "loss"), "{t:?}");
        assert!(
            t.iter()
                .any(|s| s.starts_with("train") && s.contains("0.04")),
            "{t:?}"
        );
    }

    #[test]
    fn empty_history_does_not_fail() {
        let s = [Series {
            label: "train",
            values: &[],
            color: BLUE,
            dashed: false,
        }];
        for log_scale in [false, true] {
            let opts = LossChartOptions {
                log_scale,
                ..Default::default()
            };
            let svg = chart(&s, &opts);
            assert!(svg.contains("epoch"));
            let svg = chart(&[], &opts);
            assert!(svg.contains("epoch"));
        }
    }

    #[test]
    fn a_single_point_is_drawn_as_a_dot() {
        let s = [Series {
            label: "train",
            values: &[0.7],
            color: ORANGE,
            dashed: false,
        }];
        let svg = chart(&s, &LossChartOptions::default());
        let dots: Vec<_> = tags(&svg, "circle")
            .into_iter()
            .filter(|t| attr(t, "fill") == Some(hex(ORANGE).as_str()))
            .collect();
        assert_eq!(dots.len(), 1, "{svg}");
    }

    #[test]
    fn nan_and_inf_leave_gaps() {
        let v = [1.0, 0.8, f64::NAN, 0.5, 0.4, f64::INFINITY, 0.3, 0.2, 0.1];
        let s = [Series {
            label: "",
            values: &v,
            color: BLUE,
            dashed: false,
        }];
        let svg = chart(&s, &LossChartOptions::default());
        let mut counts: Vec<usize> = curve_lines(&svg, BLUE)
            .iter()
            .map(|t| polyline_points(t))
            .collect();
        counts.sort_unstable();
        assert_eq!(counts, [2, 2, 3], "{svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn log_scale_labels_decades_and_clamps_zero() {
        let train: Vec<f64> = (0..40).map(|i| 2.0 * 0.8f64.powi(i)).collect();
        let test = [1.0, 0.5, 0.0, -1.0, 0.01];
        let s = [
            Series {
                label: "train",
                values: &train,
                color: BLUE,
                dashed: false,
            },
            Series {
                label: "test",
                values: &test,
                color: ORANGE,
                dashed: true,
            },
        ];
        let opts = LossChartOptions {
            log_scale: true,
            title: Some("Loss".into()),
            y_label: "loss".into(),
            dark: true,
        };
        let svg = chart(&s, &opts);
        let t = texts(&svg);
        for want in ["0.001", "0.01", "0.1", "1", "Loss"] {
            assert!(t.iter().any(|s| s == want), "missing {want} in {t:?}");
        }
        // Dark background fills the area.
        assert!(svg.contains(&hex(RGBColor(27, 29, 36))));
        // The dashed test curve is drawn as several short polylines, all on the canvas.
        assert!(curve_lines(&svg, ORANGE).len() >= 4);
    }

    #[test]
    fn four_series_each_get_a_legend_entry() {
        let a: Vec<f64> = (0..10).map(|i| 1.0 - 0.05 * i as f64).collect();
        let b: Vec<f64> = a.iter().map(|v| v + 0.05).collect();
        let c: Vec<f64> = a.iter().map(|v| v * 0.9).collect();
        let d: Vec<f64> = a.iter().map(|v| v * 0.95).collect();
        let s = [
            Series {
                label: "train",
                values: &a,
                color: BLUE,
                dashed: false,
            },
            Series {
                label: "test",
                values: &b,
                color: BLUE,
                dashed: true,
            },
            Series {
                label: "MLP train",
                values: &c,
                color: ORANGE,
                dashed: false,
            },
            Series {
                label: "MLP test",
                values: &d,
                color: ORANGE,
                dashed: true,
            },
        ];
        let svg = chart(&s, &LossChartOptions::default());
        let t = texts(&svg);
        for want in ["train", "test", "MLP train", "MLP test"] {
            assert!(
                t.iter().any(|s| s.starts_with(&format!("{want}  "))),
                "missing {want} in {t:?}"
            );
        }
    }

    #[test]
    fn long_histories_are_decimated() {
        let v: Vec<f64> = (0..20_000).map(|i| 1.0 / (1.0 + i as f64 * 0.01)).collect();
        let s = [Series {
            label: "train",
            values: &v,
            color: BLUE,
            dashed: false,
        }];
        let svg = chart(&s, &LossChartOptions::default());
        let longest = curve_lines(&svg, BLUE)
            .iter()
            .map(|t| polyline_points(t))
            .max()
            .unwrap_or(0);
        assert!(longest > 100 && longest < 1200, "{longest}");
    }

    #[test]
    fn decimation_keeps_extremes_and_ends() {
        let run: Vec<(f64, f64)> = (0..1000)
            .map(|i| (i as f64, if i == 537 { 9.0 } else { 1.0 }))
            .collect();
        let d = decimate(&run, 10);
        assert!(d.len() <= 22);
        assert!(d.contains(&(537.0, 9.0)));
        assert_eq!(d.first(), run.first());
        assert_eq!(d.last(), run.last());
    }

    #[test]
    fn constant_series_gets_a_visible_band() {
        let v = [0.5; 6];
        let y = y_axis(
            &[Series {
                label: "",
                values: &v,
                color: BLUE,
                dashed: false,
            }],
            false,
        );
        assert!(y.lo < 0.5 && y.hi > 0.5 && y.ticks.len() >= 2);
    }

    /// Writes sample SVGs to `$QMLP_PLOT_SAMPLES/plot-loss*.svg` when that variable is set.
    #[test]
    fn render_samples_when_requested() {
        let Ok(dir) = std::env::var("QMLP_PLOT_SAMPLES") else {
            return;
        };
        let n = 60;
        let noise = |i: usize, k: f64| ((i as f64 * 12.9898 + k).sin() * 43758.5453).fract() * 0.03;
        let train: Vec<f64> = (0..n)
            .map(|i| 0.08 + 0.62 * (-(i as f64) / 12.0).exp() + noise(i, 1.0).abs())
            .collect();
        let test: Vec<f64> = (0..n)
            .map(|i| 0.11 + 0.6 * (-(i as f64) / 14.0).exp() + noise(i, 2.0).abs())
            .collect();
        let mlp_train: Vec<f64> = (0..n)
            .map(|i| 0.15 + 0.55 * (-(i as f64) / 25.0).exp() + noise(i, 3.0).abs())
            .collect();
        let mlp_test: Vec<f64> = (0..n)
            .map(|i| 0.18 + 0.55 * (-(i as f64) / 25.0).exp() + noise(i, 4.0).abs())
            .collect();
        let blue = RGBColor(8, 119, 189);
        let orange = RGBColor(245, 147, 34);
        let s = [
            Series {
                label: "train",
                values: &train,
                color: blue,
                dashed: false,
            },
            Series {
                label: "test",
                values: &test,
                color: blue,
                dashed: true,
            },
            Series {
                label: "MLP train",
                values: &mlp_train,
                color: orange,
                dashed: false,
            },
            Series {
                label: "MLP test",
                values: &mlp_test,
                color: orange,
                dashed: true,
            },
        ];
        let lin = LossChartOptions {
            title: Some("Loss".into()),
            ..Default::default()
        };
        let svg = render((560, 320), |a| draw_loss_chart(a, &s, &lin).expect("draw"));
        std::fs::write(format!("{dir}/plot-loss.svg"), svg).expect("write sample");
        let log: Vec<f64> = (0..200)
            .map(|i| 1.2 * (-(i as f64) / 30.0).exp() + 1e-3)
            .collect();
        let log_test: Vec<f64> = log.iter().map(|v| v * 1.4 + 2e-3).collect();
        let s2 = [
            Series {
                label: "train",
                values: &log,
                color: blue,
                dashed: false,
            },
            Series {
                label: "test",
                values: &log_test,
                color: orange,
                dashed: true,
            },
        ];
        let opts = LossChartOptions {
            log_scale: true,
            dark: true,
            ..Default::default()
        };
        let svg = render((560, 320), |a| {
            draw_loss_chart(a, &s2, &opts).expect("draw")
        });
        std::fs::write(format!("{dir}/plot-loss-log.svg"), svg).expect("write sample");
    }
}
