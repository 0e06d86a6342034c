//! Curves per epoch: the loss (or accuracy) chart — one curve per series over epochs 1..=n,
//! linear or log y axis, a legend with each series' latest value, and labelled marks where the
//! model was edited — and the line chart under it, which the gradient-norm chart shares.
//!
//! ```text
//!  loss                ── train 0.21  ── test 0.25  │ edit   <- y title, legend
//!   0.6 ┤╲        │+RY                                     <- curves, edit marks, last-value dots
//!   0.2 ┤ ╲___‾‾‾‾│‾‾‾‾‾‾‾‾
//! epoch └──┬─────┬─────┬──
//!          5    10    15                                    <- x ticks; "epoch" left of them
//! ```

use super::axis::{min_max, Axis};
use super::frame::{furnish, AxesStyle, Frame, Furniture};
use super::legend::{Entry, Swatch};
use super::pen::{Dash, Pen, SMALL};
use super::ticks::format_value;
use super::PlotError;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// How a curve is drawn: colour, dash pattern and width in CSS px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineStyle {
    /// Line colour.
    pub color: RGBColor,
    /// Solid, dashed or dotted.
    pub dash: Dash,
    /// Width in CSS pixels (times the pixel ratio on the canvas).
    pub width: f64,
}

impl LineStyle {
    /// A solid line of 2 CSS px.
    pub const fn solid(color: RGBColor) -> LineStyle {
        LineStyle {
            color,
            dash: Dash::Solid,
            width: 2.0,
        }
    }
}

/// One curve: its legend label, its value per epoch, and its style.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// Legend label (empty: no legend entry).
    pub label: &'a str,
    /// Value per epoch; index 0 is epoch 1. NaN/inf values leave a gap.
    pub values: &'a [f64],
    /// Colour, dash pattern, width.
    pub style: LineStyle,
}

/// The four curves of a training history, each with its own look and label: the colour tells
/// the split (train blue, test orange), the line the model (hybrid solid, the MLP baseline
/// dashed and a little thinner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    /// The hybrid model on the training split.
    Train,
    /// The hybrid model on the test split.
    Test,
    /// The MLP baseline on the training split.
    BaselineTrain,
    /// The MLP baseline on the test split.
    BaselineTest,
    /// Under noise: the trained (noisy) model on the training split.
    NoisyTrain,
    /// Under noise: the trained (noisy) model on the test split.
    NoisyTest,
    /// Under noise: the same weights run ideally, training split.
    IdealTrain,
    /// Under noise: the same weights run ideally, test split.
    IdealTest,
}

const TRAIN_BLUE: RGBColor = RGBColor(47, 111, 223);
const TEST_ORANGE: RGBColor = RGBColor(232, 128, 20);

impl Curve {
    /// The legend label: "train", "test", "MLP train", "MLP test".
    pub fn label(self) -> &'static str {
        match self {
            Curve::Train => "train",
            Curve::Test => "test",
            Curve::BaselineTrain => "MLP train",
            Curve::BaselineTest => "MLP test",
            Curve::NoisyTrain => "noisy train",
            Curve::NoisyTest => "noisy test",
            Curve::IdealTrain => "ideal train",
            Curve::IdealTest => "ideal test",
        }
    }

    /// The line style (distinct for each of the four).
    pub fn style(self) -> LineStyle {
        let (color, dash, width) = match self {
            Curve::Train | Curve::NoisyTrain => (TRAIN_BLUE, Dash::Solid, 2.0),
            Curve::Test | Curve::NoisyTest => (TEST_ORANGE, Dash::Solid, 2.0),
            Curve::IdealTrain => (TRAIN_BLUE, Dash::Dotted, 1.5),
            Curve::IdealTest => (TEST_ORANGE, Dash::Dotted, 1.5),
            Curve::BaselineTrain => (TRAIN_BLUE, Dash::Dashed, 1.5),
            Curve::BaselineTest => (TEST_ORANGE, Dash::Dashed, 1.5),
        };
        LineStyle { color, dash, width }
    }

    /// A series of these values in this curve's label and style.
    pub fn series(self, values: &[f64]) -> Series<'_> {
        Series {
            label: self.label(),
            values,
            style: self.style(),
        }
    }
}

/// A vertical mark on the epoch axis, e.g. where the model was edited.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochMark {
    /// Where the mark stands on the epoch axis (epochs count from 1; an edit made after `k`
    /// completed epochs is best marked at `k + 0.5`).
    pub epoch: f64,
    /// A short label drawn beside the mark's top (may be empty).
    pub label: String,
}

/// How the loss chart looks: log scale, optional title, axis titles, edit marks, dark theme,
/// pixel density.
#[derive(Debug, Clone, PartialEq)]
pub struct LossChartOptions {
    /// Logarithmic y axis (values <= 0 are clamped to the axis floor).
    pub log_scale: bool,
    /// Optional caption above the chart.
    pub title: Option<String>,
    /// The y-axis title, e.g. "loss" (drawn above the y axis).
    pub y_label: String,
    /// The x-axis title (default "epoch"; drawn left of the epoch tick labels).
    pub x_label: String,
    /// Vertical marks with labels, e.g. where the model was edited (listed as "edit" in the
    /// legend).
    pub marks: Vec<EpochMark>,
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
            x_label: "epoch".to_string(),
            marks: Vec::new(),
            dark: false,
            pixel_ratio: 1.0,
        }
    }
}

/// A horizontal reference line across the plot (e.g. a threshold), listed in the legend.
pub(crate) struct HLine<'a> {
    pub value: f64,
    pub label: &'a str,
    pub style: LineStyle,
}

/// Everything a line chart over epochs draws.
pub(crate) struct LineChart<'a> {
    pub series: &'a [Series<'a>],
    pub hlines: &'a [HLine<'a>],
    pub marks: &'a [EpochMark],
    pub log: bool,
    pub title: Option<&'a str>,
    pub x_title: &'a str,
    pub y_title: &'a str,
    pub dark: bool,
    pub pixel_ratio: f64,
}

/// The colour of edit marks.
const MARK: RGBColor = RGBColor(128, 96, 176);

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
        let e = (((b + 1) as f64 * per).floor() as usize).clamp(s + 1, run.len());
        let chunk = &run[s.min(run.len() - 1)..e];
        let by_y = |a: &&(f64, f64), b: &&(f64, f64)| a.1.total_cmp(&b.1);
        let imin = chunk.iter().enumerate().min_by(|a, b| by_y(&a.1, &b.1));
        let imax = chunk.iter().enumerate().max_by(|a, b| by_y(&a.1, &b.1));
        if let (Some((i, _)), Some((j, _))) = (imin, imax) {
            let (i, j) = (i.min(j), i.max(j));
            out.push(chunk[i]);
            if j != i {
                out.push(chunk[j]);
            }
        }
    }
    if let (Some(last), Some(end)) = (out.last().copied(), run.last().copied()) {
        if last != end {
            out.push(end);
        }
    }
    out
}

/// Points `(epoch, axis-space y)` of a curve.
type Run = Vec<(f64, f64)>;

/// The runs of finite values of a series, and its latest point.
fn runs(values: &[f64], y: &Axis) -> (Vec<Run>, Option<(f64, f64)>) {
    let mut out = Vec::new();
    let mut run = Vec::new();
    let mut last = None;
    for (i, v) in values.iter().enumerate() {
        match y.map(*v) {
            Some(a) => {
                let p = ((i + 1) as f64, a);
                run.push(p);
                last = Some(p);
            }
            None if !run.is_empty() => out.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    (out, last)
}

impl LineChart<'_> {
    /// Draws the chart, filling the area with the theme's background first.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let pen = Pen::new(self.pixel_ratio, self.dark).background(area)?;
        let size = area.dim_in_pixel();
        if f64::from(size.0) < 40.0 * pen.r || f64::from(size.1) < 40.0 * pen.r {
            return Ok(());
        }
        let n_max = self
            .series
            .iter()
            .map(|s| s.values.len())
            .max()
            .unwrap_or(0);
        let marks = self.marks.iter().map(|m| m.epoch).filter(|e| e.is_finite());
        let (x_lo, x_hi) =
            min_max(marks.chain([1.0, (n_max as f64).max(2.0)])).unwrap_or((1.0, 2.0));
        let x = Axis::integers(x_lo, x_hi, 6);
        let values = self.series.iter().flat_map(|s| s.values.iter().copied());
        let y = Axis::fit(values.chain(self.hlines.iter().map(|h| h.value)), self.log);
        let f = Furniture {
            title: self.title.filter(|t| !t.is_empty()),
            x_title: self.x_title,
            y_title: self.y_title,
            x: &x,
            y: &y,
            x_labels: true,
            y_labels: true,
            legend: self.legend(&y),
            // Charts of 240 CSS px and more can spare legend rows to keep the values.
            roomy_legend: f64::from(size.1) >= 240.0 * pen.r,
            right: 0,
        };
        let Some(frame) = furnish(area, &pen, &f, AxesStyle::CHART, false)? else {
            return Ok(());
        };
        self.draw_marks(area, &pen, &frame)?;
        for h in self.hlines {
            if let Some(a) = y.map(h.value) {
                let py = frame.ypx(a);
                let pts = vec![(frame.rect.l, py), (frame.rect.r, py)];
                pen.line(area, pts, h.style.color, h.style.width, h.style.dash)?;
            }
        }
        let buckets = frame.rect.width().max(1) as usize;
        for s in self.series {
            let (runs, last) = runs(s.values, &y);
            let to_px = |(ex, ey): (f64, f64)| (frame.xpx(ex), frame.ypx(ey));
            for run in runs.iter().filter(|r| r.len() >= 2) {
                let pts = decimate(run, buckets).into_iter().map(to_px).collect();
                pen.line(area, pts, s.style.color, s.style.width, s.style.dash)?;
            }
            if let Some(p) = last {
                let dot = pen.px(3.0) as u32;
                area.draw(&Circle::new(to_px(p), dot, s.style.color.filled()))?;
            }
        }
        Ok(())
    }

    /// Legend entries: the labelled series with their latest values, the reference lines, and
    /// "edit" when there are marks.
    fn legend(&self, y: &Axis) -> Vec<Entry> {
        let mut out: Vec<Entry> = self
            .series
            .iter()
            .filter(|s| !s.label.is_empty())
            .map(|s| {
                let last = s.values.iter().rev().find(|v| y.map(**v).is_some());
                Entry {
                    text: match last {
                        Some(v) => format!("{}  {}", s.label, format_value(*v)),
                        None => s.label.to_string(),
                    },
                    short: s.label.to_string(),
                    swatch: Swatch::Line(s.style.color, s.style.dash, s.style.width),
                }
            })
            .collect();
        for h in self.hlines {
            let st = h.style;
            out.push(Entry::new(
                h.label,
                Swatch::Line(st.color, st.dash, st.width),
            ));
        }
        if !self.marks.is_empty() {
            out.push(Entry::new("edit", Swatch::Line(MARK, Dash::Solid, 1.0)));
        }
        out
    }

    /// The marks: a thin line across the plot and the label at its top, right of the line (left
    /// of it near the right edge); a label that would overlap the previous one is left out.
    fn draw_marks<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        pen: &Pen,
        frame: &Frame,
    ) -> Result<(), PlotError> {
        let r = frame.rect;
        let mut sorted: Vec<&EpochMark> =
            self.marks.iter().filter(|m| m.epoch.is_finite()).collect();
        sorted.sort_by(|a, b| a.epoch.total_cmp(&b.epoch));
        let mut free_from = i32::MIN;
        let inset = pen.px(3.0);
        for m in sorted {
            let px_ = frame.xpx(m.epoch).clamp(r.l, r.r - 1);
            pen.vrule(area, px_, r.t, r.b, 1.0, &MARK.mix(0.8))?;
            if m.label.is_empty() {
                continue;
            }
            let w = pen.width(&m.label, SMALL).ceil() as i32;
            let (x0, anchor_x, h) = if px_ + inset + w <= r.r {
                (px_ + inset, px_ + inset, HPos::Left)
            } else {
                (px_ - inset - w, px_ - inset, HPos::Right)
            };
            if x0 < free_from || x0 < r.l {
                continue;
            }
            free_from = x0 + w + inset;
            let top = r.t + pen.px(2.0);
            let back = pen.th.background.mix(0.85);
            let fh = pen.font(SMALL).ceil() as i32;
            pen.rect(
                area,
                (x0 - 1, top),
                (x0 + w + 1, top + fh + pen.px(2.0)),
                &back,
            )?;
            let at = (anchor_x, top + pen.px(1.0));
            pen.text(area, &m.label, at, (h, VPos::Top), SMALL, &MARK)?;
        }
        Ok(())
    }
}

/// Loss (or accuracy) curves per epoch; x = epoch 1..=n. Any number of series (e.g. the four
/// [`Curve`]s). Handles 0 or 1 points, NaN/inf values (skipped, leaving a gap) and a log scale
/// (values <= 0 clamped to the axis floor). Fills the whole area with the theme background.
/// The legend sits in rows above the plot, with each series' latest value when there is room;
/// `opts.marks` are drawn as labelled vertical lines. Never measures text (see the module docs).
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_loss_chart, Curve, LossChartOptions};
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (400, 250)).into_drawing_area();
///     let train = [0.9, 0.5, 0.3, 0.2];
///     let s = [Curve::Train.series(&train)];
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
    LineChart {
        series,
        hlines: &[],
        marks: &opts.marks,
        log: opts.log_scale,
        title: opts.title.as_deref(),
        x_title: &opts.x_label,
        y_title: &opts.y_label,
        dark: opts.dark,
        pixel_ratio: opts.pixel_ratio,
    }
    .draw(area)
}

#[cfg(test)]
mod tests;
