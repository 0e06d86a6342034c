//! The loss (or accuracy) chart: one curve per series over epochs 1..=n, linear or log y axis.
//!
//! Laid out by hand, without plotters' chart builder, mesh or legend (they measure text, which
//! on wasm goes through the DOM): fixed margins sized from estimated text widths, every label
//! drawn with an explicit anchor, the legend in a row above the plot so it never covers a curve.
//!
//! ```text
//!  loss                 ── train 0.21  ── test 0.25      <- y label, legend (one row or more)
//!   0.6 ┤╲                                               <- plot: grid, curves, last-value dots
//!   0.4 ┤ ╲___
//!   0.2 ┤     ‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾
//! epoch └──┬─────┬─────┬─────┬
//!          5    10    15    20                          <- x ticks; "epoch" left of them
//! ```

use super::text::{self, estimate_width, px, FONT};
use super::ticks::{format_log_tick, format_tick, format_value, linear_ticks, log_ticks};
use super::PlotError;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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

/// How the loss chart looks: log scale, optional title, y-axis label, dark theme, pixel density.
#[derive(Debug, Clone, PartialEq)]
pub struct LossChartOptions {
    /// Logarithmic y axis (values <= 0 are clamped to the axis floor).
    pub log_scale: bool,
    /// Optional caption above the chart.
    pub title: Option<String>,
    /// The y-axis description, e.g. "loss" (drawn above the y axis).
    pub y_label: String,
    /// Dark background with light text.
    pub dark: bool,
    /// Device pixels per CSS pixel (`devicePixelRatio`): text, margins, lines and dots are this
    /// many times larger. Default 1; non-finite or non-positive values count as 1, others are
    /// clamped to [0.5, 4].
    pub pixel_ratio: f64,
}

impl Default for LossChartOptions {
    fn default() -> Self {
        Self {
            log_scale: false,
            title: None,
            y_label: "loss".to_string(),
            dark: false,
            pixel_ratio: 1.0,
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
}

fn theme(dark: bool) -> Theme {
    if dark {
        Theme {
            background: RGBColor(27, 29, 36),
            text: RGBColor(196, 200, 210),
            grid: RGBColor(255, 255, 255).mix(0.10),
            minor_grid: RGBColor(255, 255, 255).mix(0.04),
            axis: RGBColor(255, 255, 255).mix(0.35),
        }
    } else {
        Theme {
            background: RGBColor(255, 255, 255),
            text: RGBColor(80, 84, 92),
            grid: RGBColor(0, 0, 0).mix(0.09),
            minor_grid: RGBColor(0, 0, 0).mix(0.035),
            axis: RGBColor(0, 0, 0).mix(0.35),
        }
    }
}

/// Text sizes, in CSS pixels.
const LABEL_SIZE: f64 = 12.0;
const CAPTION_SIZE: f64 = 14.0;
/// Curve width, in CSS pixels.
const LINE_WIDTH: f64 = 2.0;

/// An axis with precomputed ticks, in the chart's own (possibly log10) space.
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

    /// An axis-space value as a pixel between `from` (at `lo`) and `to` (at `hi`).
    fn pixel(&self, v: f64, from: i32, to: i32) -> i32 {
        let f = (v - self.lo) / (self.hi - self.lo);
        let p = f64::from(from) + f * f64::from(to - from);
        if p.is_finite() {
            p.round().clamp(-1e6, 1e6) as i32
        } else {
            from
        }
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

/// One legend entry: the label with and without the latest value, and the curve's look.
struct LegendItem {
    full: String,
    short: String,
    color: RGBColor,
    dashed: bool,
}

/// Where the legend items go: per item, its left edge and row, and which text it shows.
struct LegendLayout {
    /// `(x, row)` per item.
    places: Vec<(i32, usize)>,
    /// Whether the items show their latest values.
    full: bool,
    rows: usize,
}

/// Lays the legend out in rows of at most `avail` pixels, right-aligned at `right`: one row with
/// values if it fits; else, on a `roomy` (tall) chart, as many rows with values as needed; else
/// one row of bare labels, or as many rows of bare labels as needed.
fn layout_legend(
    items: &[LegendItem],
    right: i32,
    avail: f64,
    font: f64,
    r: f64,
    roomy: bool,
) -> LegendLayout {
    let swatch = 18.0 * r;
    let inner = 5.0 * r;
    let gap = 14.0 * r;
    let width = |t: &str| swatch + inner + estimate_width(t, font);
    let one_row = |full: bool| -> f64 {
        items
            .iter()
            .map(|it| width(if full { &it.full } else { &it.short }))
            .sum::<f64>()
            + gap * items.len().saturating_sub(1) as f64
    };
    let full = roomy || one_row(true) <= avail;
    let text_of = |it: &LegendItem| -> String {
        if full {
            it.full.clone()
        } else {
            it.short.clone()
        }
    };
    // Greedy rows (a row always takes at least one item).
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for (i, it) in items.iter().enumerate() {
        let w = width(&text_of(it));
        if used > 0.0 && used + gap + w > avail {
            rows.push(Vec::new());
            used = 0.0;
        }
        used += if used > 0.0 { gap + w } else { w };
        if let Some(row) = rows.last_mut() {
            row.push(i);
        }
    }
    let mut places = vec![(0, 0); items.len()];
    for (row_i, row) in rows.iter().enumerate() {
        let total: f64 = row.iter().map(|&i| width(&text_of(&items[i]))).sum::<f64>()
            + gap * row.len().saturating_sub(1) as f64;
        let mut x = f64::from(right) - total;
        for &i in row {
            places[i] = (x.round() as i32, row_i);
            x += width(&text_of(&items[i])) + gap;
        }
    }
    LegendLayout {
        places,
        full,
        rows: rows.len(),
    }
}

/// Loss (or accuracy) curves per epoch; x = epoch 1..=n. Any number of series (train, test,
/// MLP-baseline train/test). Handles 0 or 1 points, NaN/inf values (skipped, leaving a gap) and a
/// log scale (values <= 0 clamped to the axis floor). Fills the whole area with the theme
/// background. The legend sits in a row above the plot, with each series' latest value when the
/// row has room for it. Never measures text (see the module docs).
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
    let r = text::ratio(opts.pixel_ratio);
    if f64::from(w) < 40.0 * r || f64::from(h) < 40.0 * r {
        return Ok(());
    }
    let (w, h) = (w as i32, h as i32);

    let n_max = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let x_max = (n_max as f64).max(2.0);
    let x = x_axis(x_max);
    let y = y_axis(series, opts.log_scale);

    let font = LABEL_SIZE * r;
    let label = |pos: Pos| (FONT, font).into_font().color(&th.text).pos(pos);
    let pad = px(4.0, r, 1);
    let gap = px(6.0, r, 2);
    let tick_len = px(3.0, r, 1);
    let hair = px(1.0, r, 1);
    let row_h = px(LABEL_SIZE * 1.5, r, 1);

    // Horizontal layout: y tick labels (and "epoch" below them) left of the plot, half of the last
    // x tick label right of it.
    let y_labels: Vec<(f64, String)> = y.ticks.iter().map(|v| (*v, y.label(*v))).collect();
    let x_desc = "epoch";
    let left_text = y_labels
        .iter()
        .map(|(_, t)| estimate_width(t, font))
        .fold(estimate_width(x_desc, font), f64::max);
    let left = pad + left_text.ceil() as i32 + gap;
    let x_labels: Vec<(f64, String)> = x.ticks.iter().map(|v| (*v, x.label(*v))).collect();
    let last_half = x_labels
        .last()
        .map_or(0.0, |(_, t)| estimate_width(t, font) / 2.0);
    let right = w - (last_half.ceil() as i32 + pad).max(px(10.0, r, 1));

    // Vertical layout: optional title, the row of y label and legend, the plot, the x tick row.
    let mut top = pad;
    if let Some(title) = opts.title.as_deref().filter(|t| !t.is_empty()) {
        let style = (FONT, CAPTION_SIZE * r)
            .into_font()
            .color(&th.text)
            .pos(Pos::new(HPos::Left, VPos::Top));
        area.draw(&Text::new(title.to_string(), (pad, top), style))?;
        top += px(CAPTION_SIZE * 1.45, r, 1);
    }
    let items: Vec<LegendItem> = series
        .iter()
        .filter(|s| !s.label.is_empty())
        .map(|s| {
            let last = s.values.iter().rev().find(|v| v.is_finite());
            LegendItem {
                full: match last {
                    Some(v) => format!("{}  {}", s.label, format_value(*v)),
                    None => s.label.to_string(),
                },
                short: s.label.to_string(),
                color: s.color,
                dashed: s.dashed,
            }
        })
        .collect();
    let legend_left = if opts.y_label.is_empty() {
        left
    } else {
        pad + estimate_width(&opts.y_label, font).ceil() as i32 + px(16.0, r, 4)
    };
    let legend = layout_legend(
        &items,
        right,
        f64::from(right - legend_left.max(pad)),
        font,
        r,
        // Charts of 240 CSS px and more can spare a second legend row to keep the values.
        f64::from(h) >= 240.0 * r,
    );
    let header_rows = if items.is_empty() {
        usize::from(!opts.y_label.is_empty())
    } else {
        legend.rows
    };
    let legend_top = top;
    top += row_h * header_rows as i32;
    if header_rows > 0 {
        top += px(2.0, r, 1);
    } else {
        top += px(6.0, r, 1);
    }
    let bottom = h - (gap + font.ceil() as i32 + pad);
    if right - left < 10 || bottom - top < 10 {
        return Ok(());
    }

    // The y label above the y axis, then the legend entries.
    if !opts.y_label.is_empty() {
        area.draw(&Text::new(
            opts.y_label.clone(),
            (pad, legend_top + row_h / 2),
            label(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    let line = px(LINE_WIDTH, r, 1) as u32;
    for (it, &(lx, row)) in items.iter().zip(&legend.places) {
        let cy = legend_top + row_h * row as i32 + row_h / 2;
        let style = it.color.stroke_width(line);
        let sw = px(18.0, r, 4);
        if it.dashed {
            let seg = sw * 2 / 5;
            area.draw(&PathElement::new(vec![(lx, cy), (lx + seg, cy)], style))?;
            area.draw(&PathElement::new(
                vec![(lx + sw - seg, cy), (lx + sw, cy)],
                style,
            ))?;
        } else {
            area.draw(&PathElement::new(vec![(lx, cy), (lx + sw, cy)], style))?;
        }
        let text = if legend.full { &it.full } else { &it.short };
        area.draw(&Text::new(
            text.clone(),
            (lx + sw + px(5.0, r, 1), cy),
            label(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }

    // Grid, axes, ticks and their labels. Lines are filled rectangles on whole pixels: crisp on a
    // canvas at any pixel ratio.
    let ypx = |v: f64| y.pixel(v, bottom, top);
    let xpx = |v: f64| x.pixel(v, left, right);
    for v in &y.minor {
        let py = ypx(*v);
        area.draw(&Rectangle::new(
            [(left, py), (right, py + hair)],
            th.minor_grid.filled(),
        ))?;
    }
    let x_style = label(Pos::new(HPos::Center, VPos::Top));
    for (v, t) in &x_labels {
        let px_ = xpx(*v).clamp(left, right - hair);
        area.draw(&Rectangle::new(
            [(px_, top), (px_ + hair, bottom)],
            th.grid.filled(),
        ))?;
        area.draw(&Rectangle::new(
            [(px_, bottom), (px_ + hair, bottom + tick_len)],
            th.axis.filled(),
        ))?;
        area.draw(&Text::new(t.clone(), (px_, bottom + gap), x_style.clone()))?;
    }
    let y_style = label(Pos::new(HPos::Right, VPos::Center));
    for (v, t) in &y_labels {
        let py = ypx(*v).clamp(top, bottom - hair);
        area.draw(&Rectangle::new(
            [(left, py), (right, py + hair)],
            th.grid.filled(),
        ))?;
        area.draw(&Rectangle::new(
            [(left - tick_len, py), (left, py + hair)],
            th.axis.filled(),
        ))?;
        area.draw(&Text::new(t.clone(), (left - gap, py), y_style.clone()))?;
    }
    area.draw(&Text::new(
        x_desc,
        (left - gap, bottom + gap),
        label(Pos::new(HPos::Right, VPos::Top)),
    ))?;
    area.draw(&Rectangle::new(
        [(left - hair, top), (left, bottom + hair)],
        th.axis.filled(),
    ))?;
    area.draw(&Rectangle::new(
        [(left - hair, bottom), (right, bottom + hair)],
        th.axis.filled(),
    ))?;

    // The curves, each a polyline per run of finite values, and a dot on its latest value.
    let plot_w = (right - left).max(1) as usize;
    let dot = px(3.0, r, 1) as u32;
    let (dash, space) = (px(7.0, r, 2) as u32, px(5.0, r, 2) as u32);
    let mut run: Vec<(f64, f64)> = Vec::new();
    for s in series {
        let style = s.color.stroke_width(line);
        let mut last_point = None;
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        run.clear();
        for (i, v) in s.values.iter().enumerate() {
            match y.map(*v) {
                Some(yv) => {
                    let p = ((i + 1) as f64, yv);
                    run.push(p);
                    last_point = Some(p);
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
        let to_px = |(ex, ey): (f64, f64)| (xpx(ex), ypx(ey));
        for rn in runs.iter().filter(|rn| rn.len() >= 2) {
            let pts: Vec<(i32, i32)> = rn.iter().copied().map(to_px).collect();
            if s.dashed {
                area.draw(&DashedPathElement::new(pts, dash, space, style))?;
            } else {
                area.draw(&PathElement::new(pts, style))?;
            }
        }
        if let Some(p) = last_point {
            area.draw(&Circle::new(to_px(p), dot, s.color.filled()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{attr, hex, render, tags, texts, NoMeasure};
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
            ..Default::default()
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
        // Wide: one row, each entry with its latest value.
        let opts = LossChartOptions::default();
        let wide = render((900, 300), |a| {
            draw_loss_chart(a, &s, &opts).expect("draw loss chart");
        });
        let t = texts(&wide);
        for want in ["train", "test", "MLP train", "MLP test"] {
            assert!(
                t.iter().any(|s| s.starts_with(&format!("{want}  "))),
                "missing {want} in {t:?}"
            );
        }
        // Page-sized (414 x 170): the labels alone, in one row (the page shows the values in its
        // metrics table).
        let page = render((414, 170), |a| {
            draw_loss_chart(a, &s, &opts).expect("draw loss chart");
        });
        let t = texts(&page);
        for want in ["train", "test", "MLP train", "MLP test"] {
            assert!(t.iter().any(|s| s == want), "missing {want} in {t:?}");
        }
        let legend_rows = |svg: &str| {
            let mut ys = text_ys(svg, &["train", "test", "MLP"]);
            ys.sort_unstable();
            ys.dedup();
            ys.len()
        };
        assert_eq!(legend_rows(&page), 1);
        // Taller charts keep the values, on as many rows as they need.
        for size in [(480, 300), (200, 300)] {
            let svg = render(size, |a| {
                draw_loss_chart(a, &s, &opts).expect("draw loss chart");
            });
            let t = texts(&svg);
            for want in ["train", "test", "MLP train", "MLP test"] {
                assert!(
                    t.iter().any(|s| s.starts_with(&format!("{want}  "))),
                    "{size:?}: missing {want} in {t:?}"
                );
            }
            assert!(legend_rows(&svg) >= 2, "{size:?}");
        }
    }

    /// y of every `<text>` whose content is one of `labels`.
    fn text_ys(svg: &str, labels: &[&str]) -> Vec<i32> {
        let tags = tags(svg, "text");
        let contents = texts(svg);
        tags.iter()
            .zip(&contents)
            .filter(|(_, c)| labels.iter().any(|l| c.starts_with(l)))
            .filter_map(|(t, _)| attr(t, "y").and_then(|v| v.parse().ok()))
            .collect()
    }

    #[test]
    fn the_legend_sits_above_the_plot_and_never_covers_a_curve() {
        // Accuracy-like curves that run into the top right corner, where a legend inside the plot
        // would sit.
        let a: Vec<f64> = (0..40)
            .map(|i| 1.0 - 0.5 * (-(i as f64) / 6.0).exp())
            .collect();
        let b: Vec<f64> = a.iter().map(|v| v - 0.02).collect();
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
                color: ORANGE,
                dashed: true,
            },
        ];
        for (size, ratio) in [((414, 170), 1.0), ((828, 340), 2.0), ((220, 170), 1.0)] {
            let opts = LossChartOptions {
                y_label: "accuracy".into(),
                pixel_ratio: ratio,
                ..Default::default()
            };
            let svg = render(size, |area| {
                draw_loss_chart(area, &s, &opts).expect("draw loss chart");
            });
            let legend = text_ys(&svg, &["train", "test", "accuracy"]);
            assert!(legend.len() >= 3, "{size:?}: {:?}", texts(&svg));
            let lowest_label = legend.iter().copied().max().unwrap_or(i32::MAX);
            let font = (12.0 * ratio) as i32;
            let highest_curve = curve_lines(&svg, BLUE)
                .iter()
                .chain(&curve_lines(&svg, ORANGE))
                .filter(|t| polyline_points(t) > 2)
                .flat_map(|t| {
                    attr(t, "points")
                        .unwrap_or("")
                        .split_whitespace()
                        .filter_map(|p| p.split(',').nth(1).and_then(|y| y.parse::<i32>().ok()))
                        .collect::<Vec<_>>()
                })
                .min()
                .unwrap_or(i32::MIN);
            assert!(
                highest_curve > lowest_label + font / 2,
                "{size:?}: legend text at y = {lowest_label} reaches the curves at y = {highest_curve}"
            );
        }
    }

    #[test]
    fn pixel_ratio_scales_text_and_lines() {
        let v: Vec<f64> = (0..12).map(|i| 1.0 / (1.0 + i as f64)).collect();
        let s = [Series {
            label: "train",
            values: &v,
            color: BLUE,
            dashed: false,
        }];
        let draw = |size: (u32, u32), pixel_ratio: f64| {
            let opts = LossChartOptions {
                pixel_ratio,
                ..Default::default()
            };
            render(size, |a| draw_loss_chart(a, &s, &opts).expect("draw"))
        };
        let one = draw((414, 170), 1.0);
        let two = draw((828, 340), 2.0);
        let font = |svg: &str| -> f64 {
            tags(svg, "text")
                .first()
                .and_then(|t| attr(t, "font-size"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0)
        };
        assert!((font(&two) - 2.0 * font(&one)).abs() < 1e-6);
        let width = |svg: &str| -> Option<String> {
            curve_lines(svg, BLUE)
                .iter()
                .max_by_key(|t| polyline_points(t))
                .and_then(|t| attr(t, "stroke-width").map(str::to_string))
        };
        assert_eq!(width(&one).as_deref(), Some("2"));
        assert_eq!(width(&two).as_deref(), Some("4"));
        // The same texts at both densities.
        assert_eq!(texts(&one), texts(&two));
    }

    #[test]
    fn no_text_is_measured_through_the_backend() {
        // Regression (strict CSP on the page): plotters' chart layout and legend measured text,
        // which on wasm goes through a DOM <span> with an inline style the CSP blocks. Natively
        // only the backend's side can be checked (plotters' font-level measuring is a harmless
        // estimate here); the page's side is e2e/csp.test.mjs.
        let v = [0.5, 0.4, 0.3];
        let s = [
            Series {
                label: "train",
                values: &v,
                color: BLUE,
                dashed: false,
            },
            Series {
                label: "MLP test",
                values: &v,
                color: ORANGE,
                dashed: true,
            },
        ];
        for log_scale in [false, true] {
            let opts = LossChartOptions {
                log_scale,
                title: Some("Loss".into()),
                ..Default::default()
            };
            let texts = std::rc::Rc::default();
            let backend = NoMeasure {
                size: (414, 170),
                texts: std::rc::Rc::clone(&texts),
            };
            let area = backend.into_drawing_area();
            draw_loss_chart(&area, &s, &opts).expect("drawn without measuring text");
            let texts = texts.borrow();
            for want in ["Loss", "loss", "epoch", "train  0.300", "MLP test  0.300"] {
                assert!(texts.iter().any(|t| t == want), "{want}: {texts:?}");
            }
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
