//! The frame around a plot, built once for every chart: where the plot rectangle goes given
//! what surrounds it ([`Furniture`]: caption, axis titles, tick labels, legend, a colour bar
//! band), and drawing the axes (grid, axis lines, tick marks, tick labels) and the labels.
//!
//! ```text
//!  Caption                                        <- optional
//!  y title              ── train 0.21  ── test    <- header rows: y title left, legend right
//!   0.6 ┤                               ┃▓ 1      <- y tick labels | plot | colour bar band
//!   0.2 ┤                               ┃░ 0
//! x ttl └──┬─────┬─────┬──                        <- x tick labels; the x title left of them
//!          5    10    15                             (or centred in a row of its own)
//! ```
//! Every size comes from estimated text widths and the pen's pixel ratio; nothing is measured.

use super::axis::Axis;
use super::legend::{Entry, Legend};
use super::pen::{Pen, CAPTION, LABEL};
use super::text::ellipsize;
use super::PlotError;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A rectangle in device pixels; `r` and `b` are exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rect {
    pub l: i32,
    pub t: i32,
    pub r: i32,
    pub b: i32,
}

impl Rect {
    pub fn width(&self) -> i32 {
        self.r - self.l
    }

    pub fn height(&self) -> i32 {
        self.b - self.t
    }

    pub fn tuple(&self) -> (i32, i32, i32, i32) {
        (self.l, self.t, self.r, self.b)
    }

    pub fn contains(&self, (x, y): (i32, i32)) -> bool {
        x >= self.l && x < self.r && y >= self.t && y < self.b
    }
}

/// Margins in CSS px: outer padding, gap between tick labels and the plot, tick length.
const PAD: f64 = 4.0;
const GAP: f64 = 6.0;
const TICK: f64 = 3.0;
/// An x title at most this wide (CSS px, or the y tick labels' width) goes left of the x
/// tick labels; a wider one gets a row of its own under them.
const X_TITLE_LEFT: f64 = 48.0;

/// What surrounds a plot: everything that decides where the plot rectangle goes.
pub(crate) struct Furniture<'a> {
    /// Caption above everything.
    pub title: Option<&'a str>,
    pub x_title: &'a str,
    pub y_title: &'a str,
    pub x: &'a Axis,
    pub y: &'a Axis,
    /// Whether tick labels are drawn below (x) and left of (y) the plot.
    pub x_labels: bool,
    pub y_labels: bool,
    pub legend: Vec<Entry>,
    /// Whether the legend may take several rows of full labels.
    pub roomy_legend: bool,
    /// Device px reserved right of the plot (a colour bar); 0 for none.
    pub right: i32,
}

/// Where everything goes.
pub(crate) struct Layout {
    pub plot: Rect,
    pub legend: Legend,
    pub row_h: i32,
    title_top: i32,
    header_top: i32,
    x_title_left: bool,
    /// How far the first x tick label reaches left of the plot (device px).
    x_overhang: i32,
    /// The offset of every other x label's row, when category labels take turns on two rows.
    x_stagger: Option<i32>,
    /// The widest a y tick label may be (device px) before it is shortened.
    y_label_room: f64,
}

impl Layout {
    /// Lays out a chart of `size` device px; None when the plot would be under 10 px a side.
    pub fn new(pen: &Pen, size: (u32, u32), f: &Furniture) -> Option<Layout> {
        let (w, h) = (size.0 as i32, size.1 as i32);
        let font = pen.font(LABEL);
        let (pad, gap) = (pen.px(PAD), pen.px(GAP));
        let row_h = pen.px(LABEL * 1.5);
        let y_w = if f.y_labels {
            f.y.ticks
                .iter()
                .map(|(_, t)| pen.width(t, LABEL))
                .fold(0.0, f64::max)
        } else {
            0.0
        };
        // Category labels may not take more than 40 % of the width; they are shortened.
        let y_w = y_w.min(0.4 * f64::from(w));
        let x_title_w = pen.width(f.x_title, LABEL);
        let x_title_left =
            f.x_labels && !f.x_title.is_empty() && x_title_w <= y_w.max(X_TITLE_LEFT * pen.r);
        // Left of the tick labels, the x title must also clear a first label centred on the
        // plot's left edge.
        let overhang = match f.x.ticks.first() {
            Some((v, t))
                if f.x_labels
                    && !f.x.bands
                    && (v - f.x.lo).abs() <= 0.01 * (f.x.hi - f.x.lo).abs() =>
            {
                pen.width(t, LABEL) / 2.0
            }
            _ => 0.0,
        };
        let left_text = if x_title_left {
            y_w.max(x_title_w + overhang)
        } else {
            y_w
        };
        let left = if left_text > 0.0 {
            pad + left_text.ceil() as i32 + gap
        } else {
            pad + pen.px(2.0)
        };
        let right = if f.right > 0 {
            w - pad - f.right
        } else {
            let last_half = if f.x_labels && !f.x.bands {
                f.x.ticks
                    .last()
                    .map_or(0.0, |(_, t)| pen.width(t, LABEL) / 2.0)
            } else {
                0.0
            };
            w - (last_half.ceil() as i32 + pad).max(pen.px(10.0))
        };

        let mut top = pad;
        let title_top = top;
        if f.title.is_some_and(|t| !t.is_empty()) {
            top += pen.px(CAPTION * 1.45);
        }
        let legend_left = if f.y_title.is_empty() {
            left
        } else {
            pad + pen.width(f.y_title, LABEL).ceil() as i32 + pen.px(16.0)
        };
        let legend = Legend::layout(
            pen,
            f.legend.clone(),
            w - pad,
            f64::from(w - pad - legend_left.max(pad)),
            f.roomy_legend,
        );
        let header_rows = legend.rows.max(usize::from(!f.y_title.is_empty()));
        let header_top = top;
        top += if header_rows > 0 {
            row_h * header_rows as i32 + pen.px(2.0)
        } else {
            pen.px(6.0)
        };
        // Category labels wider than their band take turns on two rows.
        let band = f64::from(right - left) / (f.x.hi - f.x.lo) - f64::from(gap) / 2.0;
        let x_stagger =
            f.x_labels && f.x.bands && f.x.ticks.iter().any(|(_, t)| pen.width(t, LABEL) > band);
        let stagger_h = font.ceil() as i32 + pen.px(3.0);
        let mut bottom = h - pad;
        if f.x_labels {
            bottom -= gap + font.ceil() as i32;
        }
        if x_stagger {
            bottom -= stagger_h;
        }
        if !x_title_left && !f.x_title.is_empty() {
            bottom -= row_h;
        }
        if right - left < 10 || bottom - top < 10 {
            return None;
        }
        Some(Layout {
            plot: Rect {
                l: left,
                t: top,
                r: right,
                b: bottom,
            },
            legend,
            row_h,
            title_top,
            header_top,
            x_title_left,
            x_overhang: overhang.ceil() as i32,
            x_stagger: x_stagger.then_some(stagger_h),
            y_label_room: y_w,
        })
    }

    /// Draws the caption, the axis titles and the legend.
    pub fn draw_labels<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        pen: &Pen,
        f: &Furniture,
    ) -> Result<(), PlotError> {
        let pad = pen.px(PAD);
        let gap = pen.px(GAP);
        let ink = &pen.th.text;
        if let Some(t) = f.title {
            pen.text(
                area,
                t,
                (pad, self.title_top),
                (HPos::Left, VPos::Top),
                CAPTION,
                ink,
            )?;
        }
        if !f.y_title.is_empty() {
            let at = (pad, self.header_top + self.row_h / 2);
            pen.text(area, f.y_title, at, (HPos::Left, VPos::Center), LABEL, ink)?;
        }
        self.legend.draw(area, pen, self.header_top, self.row_h)?;
        if !f.x_title.is_empty() {
            let p = self.plot;
            let below_ticks = p.b + if f.x_labels { gap } else { pen.px(2.0) };
            if self.x_title_left {
                let at = (p.l - gap - self.x_overhang, below_ticks);
                pen.text(area, f.x_title, at, (HPos::Right, VPos::Top), LABEL, ink)?;
            } else {
                let y = below_ticks
                    + if f.x_labels {
                        pen.font(LABEL).ceil() as i32 + pen.px(4.0) + self.x_stagger.unwrap_or(0)
                    } else {
                        0
                    };
                let at = ((p.l + p.r) / 2, y);
                pen.text(area, f.x_title, at, (HPos::Center, VPos::Top), LABEL, ink)?;
            }
        }
        Ok(())
    }
}

/// Lays out `f` on the area, draws its labels and axes in `style`, and returns the plot's
/// frame; None when the area is too small for a plot. With `square` the plot rectangle is
/// shrunk to a square (keeping its top left corner) before anything is drawn.
pub(crate) fn furnish<'f, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pen: &Pen,
    f: &Furniture<'f>,
    style: AxesStyle,
    square: bool,
) -> Result<Option<Frame<'f>>, PlotError> {
    let Some(mut layout) = Layout::new(pen, area.dim_in_pixel(), f) else {
        return Ok(None);
    };
    if square {
        let side = layout.plot.width().min(layout.plot.height());
        layout.plot.r = layout.plot.l + side;
        layout.plot.b = layout.plot.t + side;
    }
    layout.draw_labels(area, pen, f)?;
    draw_axes(area, pen, &layout, f, style)?;
    Ok(Some(Frame {
        rect: layout.plot,
        x: f.x,
        y: f.y,
    }))
}

/// Which parts of the axes to draw.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AxesStyle {
    /// Grid lines across the plot at the x axis' labelled ticks.
    pub x_grid: bool,
    /// Grid lines across the plot at the y axis' labelled and minor ticks.
    pub y_grid: bool,
    /// The left and bottom axis lines.
    pub lines: bool,
    /// Tick marks outside the plot.
    pub marks: bool,
}

impl AxesStyle {
    /// Line charts: grid both ways, axis lines, tick marks.
    pub const CHART: AxesStyle = AxesStyle {
        x_grid: true,
        y_grid: true,
        lines: true,
        marks: true,
    };
    /// Heat maps: tick marks only (the map's edge is the frame).
    pub const HEAT: AxesStyle = AxesStyle {
        x_grid: false,
        y_grid: false,
        lines: false,
        marks: true,
    };
}

/// Draws the axes of `plot` with the tick labels of `x` (below) and `y` (left), as `f` asks.
/// Lines are filled rectangles on whole pixels. Overlapping x labels are thinned out; category
/// labels are shortened to their band.
pub(crate) fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pen: &Pen,
    layout: &Layout,
    f: &Furniture,
    style: AxesStyle,
) -> Result<(), PlotError> {
    let p = layout.plot;
    let (x, y) = (f.x, f.y);
    let (gap, tick) = (pen.px(GAP), pen.px(TICK));
    let hair = pen.px(1.0);
    let th = pen.th;
    if style.y_grid {
        for v in &y.minor {
            let py = y.pixel(*v, p.b, p.t);
            pen.hrule(area, p.l, p.r, py, 1.0, &th.minor_grid)?;
        }
    }
    let label_color = if style.y_grid { &th.text } else { &th.muted };
    // x: thin out labels that would overlap the previous one or leave the area.
    // Category labels are shortened to their band (two bands when they take turns on two rows).
    let bands = if layout.x_stagger.is_some() { 2.0 } else { 1.0 };
    let band = if x.bands && !x.ticks.is_empty() {
        bands * f64::from(p.width()) / (x.hi - x.lo) - f64::from(gap) / 2.0
    } else {
        f64::INFINITY
    };
    let (w, _) = area.dim_in_pixel();
    let mut last_right = [i32::MIN; 2];
    for (i, (v, t)) in x.ticks.iter().enumerate() {
        let row = usize::from(layout.x_stagger.is_some() && i % 2 == 1);
        let px_ = x.pixel(*v, p.l, p.r).clamp(p.l, p.r - hair);
        if style.x_grid {
            pen.vrule(area, px_, p.t, p.b, 1.0, &th.grid)?;
        }
        if style.marks {
            pen.vrule(area, px_, p.b, p.b + tick, 1.0, &th.axis)?;
        }
        if !f.x_labels {
            continue;
        }
        let text = ellipsize(t, band, pen.font(LABEL));
        let half = (pen.width(&text, LABEL) / 2.0).ceil() as i32;
        if px_ - half < last_right[row] + gap / 2 || px_ + half > w as i32 || px_ - half < 0 {
            continue;
        }
        last_right[row] = px_ + half;
        let at = (
            px_,
            p.b + gap + layout.x_stagger.filter(|_| row == 1).unwrap_or(0),
        );
        pen.text(
            area,
            &text,
            at,
            (HPos::Center, VPos::Top),
            LABEL,
            label_color,
        )?;
    }
    for (v, t) in &y.ticks {
        let py = y.pixel(*v, p.b, p.t).clamp(p.t, p.b - hair);
        if style.y_grid {
            pen.hrule(area, p.l, p.r, py, 1.0, &th.grid)?;
        }
        if style.marks {
            pen.hrule(area, p.l - tick, p.l, py, 1.0, &th.axis)?;
        }
        if f.y_labels {
            let text = ellipsize(t, layout.y_label_room.max(1.0), pen.font(LABEL));
            let at = (p.l - gap, py);
            pen.text(
                area,
                &text,
                at,
                (HPos::Right, VPos::Center),
                LABEL,
                label_color,
            )?;
        }
    }
    if style.lines {
        pen.vrule(area, p.l - hair, p.t, p.b + hair, 1.0, &th.axis)?;
        pen.hrule(area, p.l - hair, p.r, p.b, 1.0, &th.axis)?;
    }
    Ok(())
}

/// Maps data values to pixels inside a plot rectangle through two axes (y up).
#[derive(Clone, Copy)]
pub(crate) struct Frame<'a> {
    pub rect: Rect,
    pub x: &'a Axis,
    pub y: &'a Axis,
}

impl Frame<'_> {
    /// The pixel of a data point (None if either coordinate is not finite).
    pub fn at(&self, x: f64, y: f64) -> Option<(i32, i32)> {
        let ax = self.x.map(x)?;
        let ay = self.y.map(y)?;
        Some((self.xpx(ax), self.ypx(ay)))
    }

    /// The pixel of a data point that lies inside both axes' ranges.
    pub fn inside(&self, x: f64, y: f64) -> Option<(i32, i32)> {
        let (ax, ay) = (self.x.map(x)?, self.y.map(y)?);
        (self.x.contains(ax) && self.y.contains(ay)).then(|| (self.xpx(ax), self.ypx(ay)))
    }

    /// The pixel column of an axis-space x.
    pub fn xpx(&self, a: f64) -> i32 {
        self.x.pixel(a, self.rect.l, self.rect.r)
    }

    /// The pixel row of an axis-space y.
    pub fn ypx(&self, a: f64) -> i32 {
        self.y.pixel(a, self.rect.b, self.rect.t)
    }
}

#[cfg(test)]
mod tests {
    use super::super::legend::Swatch;
    use super::super::pen::Dash;
    use super::super::testutil::{render, texts};
    use super::*;

    fn furniture<'a>(x: &'a Axis, y: &'a Axis, x_title: &'a str) -> Furniture<'a> {
        Furniture {
            title: Some("Caption"),
            x_title,
            y_title: "loss",
            x,
            y,
            x_labels: true,
            y_labels: true,
            legend: vec![Entry::new(
                "train",
                Swatch::Line(RGBColor(0, 0, 0), Dash::Solid, 2.0),
            )],
            roomy_legend: false,
            right: 0,
        }
    }

    #[test]
    fn the_plot_leaves_room_for_labels_and_scales_with_the_ratio() {
        let x = Axis::integers(1.0, 20.0, 6);
        let y = Axis::linear(0.0, 1.0, 5);
        let one = Layout::new(
            &Pen::new(1.0, false),
            (400, 200),
            &furniture(&x, &y, "epoch"),
        )
        .expect("room");
        let two = Layout::new(
            &Pen::new(2.0, false),
            (800, 400),
            &furniture(&x, &y, "epoch"),
        )
        .expect("room");
        let p = one.plot;
        assert!(p.l > 30 && p.t > 30 && p.r < 400 && p.b < 190, "{p:?}");
        let q = two.plot;
        for (a, b) in [(p.l, q.l), (p.t, q.t), (p.r, q.r), (p.b, q.b)] {
            assert!((2 * a - b).abs() <= 2, "{p:?} vs {q:?}");
        }
        // A wide x title takes a row of its own, so the plot is shorter.
        let wide = Layout::new(
            &Pen::new(1.0, false),
            (400, 200),
            &furniture(&x, &y, "number of qubits in the circuit"),
        )
        .expect("room");
        assert!(wide.plot.b < p.b && !wide.x_title_left && one.x_title_left);
        // Too small: no layout.
        assert!(Layout::new(&Pen::new(1.0, false), (40, 40), &furniture(&x, &y, "")).is_none());
    }

    #[test]
    fn axes_draw_labels_and_thin_crowded_ones() {
        let pen = Pen::new(1.0, false);
        let x = Axis::linear(0.0, 1000.0, 50);
        let y = Axis::linear(0.0, 1.0, 5);
        let names: Vec<String> = ["setosa", "versicolor", "virginica"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let cats = Axis::categories(&names);
        let svg = render((300, 200), |a| {
            let f = furniture(&x, &y, "epoch");
            let lay = Layout::new(&pen, (300, 200), &f).expect("room");
            lay.draw_labels(a, &pen, &f).expect("labels");
            let style = AxesStyle::CHART;
            draw_axes(a, &pen, &lay, &f, style).expect("axes");
        });
        let t = texts(&svg);
        for want in ["Caption", "loss", "train", "epoch", "0", "0.6", "1"] {
            assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
        }
        let x_labels = t.iter().filter(|s| s.ends_with("00") || *s == "0").count();
        assert!(
            x_labels < x.ticks.len(),
            "crowded labels are thinned: {t:?}"
        );
        let svg = render((120, 120), |a| {
            let f = Furniture {
                legend: Vec::new(),
                title: None,
                ..furniture(&cats, &y, "")
            };
            let lay = Layout::new(&pen, (120, 120), &f).expect("room");
            let style = AxesStyle {
                marks: false,
                ..AxesStyle::HEAT
            };
            draw_axes(a, &pen, &lay, &f, style).expect("axes");
        });
        let t = texts(&svg);
        assert!(
            t.iter().any(|s| s.ends_with('…')),
            "shortened to the band: {t:?}"
        );
    }

    #[test]
    fn frames_map_data_to_pixels() {
        let x = Axis::linear(-1.0, 1.0, 4);
        let y = Axis::log10(-2.0, 0.0);
        let f = Frame {
            rect: Rect {
                l: 10,
                t: 10,
                r: 110,
                b: 110,
            },
            x: &x,
            y: &y,
        };
        assert_eq!(f.at(0.0, 0.1), Some((60, 60)));
        assert_eq!(f.at(-1.0, 1.0), Some((10, 10)));
        assert_eq!(f.at(f64::NAN, 1.0), None);
        assert_eq!(f.inside(2.0, 0.1), None);
        assert_eq!(f.inside(1.0, 0.01), Some((110, 110)));
        assert!(f.rect.contains((10, 10)) && !f.rect.contains((110, 50)));
    }
}
