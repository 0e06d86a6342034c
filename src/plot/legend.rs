//! Legends and colour bars. A legend is a list of [`Entry`]s (a [`Swatch`] and a label, with an
//! optional shorter label) laid out in rows from estimated text widths; a [`ColourBar`] is a
//! vertical strip of a colour scale with its own axis and a title reading upwards beside it.

use super::axis::Axis;
use super::pen::{Dash, MarkerShape, Pen, LABEL, SMALL};
use super::PlotError;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// What a legend entry shows before its label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Swatch {
    /// A short line in a colour, dash pattern and width (CSS px).
    Line(RGBColor, Dash, f64),
    /// A point marker in a colour.
    Marker(MarkerShape, RGBColor),
    /// A filled box.
    Box(RGBColor),
    /// A box with an outline only (e.g. a lighter bar style) and its fill.
    Outlined(RGBColor, RGBColor),
    /// A short line with a marker in its middle.
    LineMarker(RGBColor, Dash, MarkerShape),
    /// A line in a core colour over a wider edge colour (a path drawn over a heat map).
    Edged(RGBColor, RGBColor),
}

/// One legend entry: label, shorter label for tight rows, and its swatch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub text: String,
    pub short: String,
    pub swatch: Swatch,
}

impl Entry {
    /// An entry whose label never shortens.
    pub fn new(text: impl Into<String>, swatch: Swatch) -> Entry {
        let text = text.into();
        Entry {
            short: text.clone(),
            text,
            swatch,
        }
    }
}

/// Swatch width in CSS px (lines are longer than boxes and markers).
fn swatch_width(s: &Swatch) -> f64 {
    match s {
        Swatch::Line(..) | Swatch::LineMarker(..) | Swatch::Edged(..) => 18.0,
        _ => 10.0,
    }
}

/// Gap between a swatch and its label, and between entries, in CSS px.
const INNER: f64 = 4.0;
const GAP: f64 = 12.0;

/// A laid-out legend: each entry's left edge and row, and whether the full labels are shown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Legend {
    pub entries: Vec<Entry>,
    /// `(x, row)` per entry.
    pub places: Vec<(i32, usize)>,
    pub full: bool,
    pub rows: usize,
}

impl Legend {
    /// Lays `entries` out in rows no wider than `avail` device px, right-aligned at `right`:
    /// one row with the full labels if it fits; else, when `roomy`, as many rows of full labels
    /// as needed; else the short labels in as many rows as needed. No entries: no rows.
    pub fn layout(pen: &Pen, entries: Vec<Entry>, right: i32, avail: f64, roomy: bool) -> Legend {
        let width = |e: &Entry, full: bool| {
            let t = if full { &e.text } else { &e.short };
            pen.r * (swatch_width(&e.swatch) + INNER) + pen.width(t, LABEL)
        };
        let gap = GAP * pen.r;
        let one_row: f64 = entries.iter().map(|e| width(e, true)).sum::<f64>()
            + gap * entries.len().saturating_sub(1) as f64;
        let full = roomy || one_row <= avail;
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut used = 0.0;
        for (i, e) in entries.iter().enumerate() {
            let w = width(e, full);
            match rows.last_mut() {
                Some(row) if used + gap + w <= avail => {
                    row.push(i);
                    used += gap + w;
                }
                _ => {
                    rows.push(vec![i]);
                    used = w;
                }
            }
        }
        let mut places = vec![(0, 0); entries.len()];
        for (ri, row) in rows.iter().enumerate() {
            let total: f64 = row.iter().map(|&i| width(&entries[i], full)).sum::<f64>()
                + gap * row.len().saturating_sub(1) as f64;
            let mut x = f64::from(right) - total;
            for &i in row {
                places[i] = (x.round() as i32, ri);
                x += width(&entries[i], full) + gap;
            }
        }
        Legend {
            entries,
            places,
            full,
            rows: rows.len(),
        }
    }

    /// Draws the entries, row `i` centred at `top + row_h * (i + 1/2)`.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        pen: &Pen,
        top: i32,
        row_h: i32,
    ) -> Result<(), PlotError> {
        for (e, &(x, row)) in self.entries.iter().zip(&self.places) {
            let cy = top + row_h * row as i32 + row_h / 2;
            let sw = pen.px(swatch_width(&e.swatch));
            draw_swatch(area, pen, &e.swatch, x, cy, sw)?;
            let text = if self.full { &e.text } else { &e.short };
            let at = (x + sw + pen.px(INNER), cy);
            pen.text(
                area,
                text,
                at,
                (HPos::Left, VPos::Center),
                LABEL,
                &pen.th.text,
            )?;
        }
        Ok(())
    }
}

/// A swatch `sw` device px wide with its left edge at `x`, centred vertically at `cy`.
fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pen: &Pen,
    s: &Swatch,
    x: i32,
    cy: i32,
    sw: i32,
) -> Result<(), PlotError> {
    let half = sw / 2;
    match s {
        Swatch::Line(c, dash, w) => {
            let pts = vec![(x, cy), (x + sw, cy)];
            // Short dashes so a dash pattern is visible inside the swatch.
            match dash {
                Dash::Solid | Dash::Dotted => pen.line(area, pts, *c, *w, *dash)?,
                Dash::Dashed => {
                    let seg = sw * 2 / 5;
                    pen.line(area, vec![(x, cy), (x + seg, cy)], *c, *w, Dash::Solid)?;
                    pen.line(
                        area,
                        vec![(x + sw - seg, cy), (x + sw, cy)],
                        *c,
                        *w,
                        Dash::Solid,
                    )?;
                }
            }
        }
        Swatch::LineMarker(c, dash, shape) => {
            pen.line(area, vec![(x, cy), (x + sw, cy)], *c, 1.5, *dash)?;
            pen.marker(
                area,
                (x + half, cy),
                *shape,
                *c,
                8.0,
                Some(pen.th.background),
            )?;
        }
        Swatch::Edged(core, edge) => {
            pen.line(area, vec![(x, cy), (x + sw, cy)], *edge, 4.0, Dash::Solid)?;
            pen.line(area, vec![(x, cy), (x + sw, cy)], *core, 2.0, Dash::Solid)?;
        }
        Swatch::Marker(shape, c) => {
            pen.marker(area, (x + half, cy), *shape, *c, 8.0, None)?;
        }
        Swatch::Box(c) => pen.rect(area, (x, cy - half), (x + sw, cy + half), c)?,
        Swatch::Outlined(edge, fill) => {
            pen.rect(area, (x, cy - half), (x + sw, cy + half), fill)?;
            pen.outline(area, ((x, cy - half), (x + sw, cy + half)), edge, 1.0)?;
        }
    }
    Ok(())
}

/// A vertical colour bar: `columns` side-by-side strips, each running through the colour
/// scale `colour(column, axis value)` from the axis' `lo` (bottom) to `hi` (top), tick labels
/// on its right and a title reading upwards beyond them.
pub(crate) struct ColourBar<'a> {
    pub axis: Axis,
    pub columns: usize,
    pub colour: Box<dyn Fn(usize, f64) -> RGBColor + 'a>,
    pub title: String,
}

/// Colour-bar geometry in CSS px: gap from the plot, strip width (per column, at least the
/// bar width), tick length, gap before labels, gap before the title.
const BAR_GAP: f64 = 8.0;
const BAR_WIDTH: f64 = 9.0;
const BAR_COLUMN: f64 = 4.0;
const BAR_MAX: f64 = 30.0;
const BAR_TICK: f64 = 3.0;
const BAR_LABEL_GAP: f64 = 2.0;
const BAR_TITLE_GAP: f64 = 4.0;

impl ColourBar<'_> {
    /// Width of the strip in device px.
    fn strip(&self, pen: &Pen) -> i32 {
        pen.px(BAR_WIDTH.max(BAR_COLUMN * self.columns as f64).min(BAR_MAX))
    }

    /// Device px the bar takes right of the plot (gap, strip, ticks, labels, title).
    pub fn width(&self, pen: &Pen) -> i32 {
        let labels = self
            .axis
            .ticks
            .iter()
            .map(|(_, t)| pen.width(t, SMALL))
            .fold(0.0, f64::max);
        let title = if self.title.is_empty() {
            0.0
        } else {
            pen.r * BAR_TITLE_GAP + pen.font(SMALL)
        };
        pen.px(BAR_GAP + BAR_TICK + BAR_LABEL_GAP)
            + self.strip(pen)
            + (labels + title).ceil() as i32
    }

    /// Draws the bar beside a plot whose right edge is `x` and which spans `top..bottom`.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        pen: &Pen,
        x: i32,
        top: i32,
        bottom: i32,
    ) -> Result<(), PlotError> {
        let x0 = x + pen.px(BAR_GAP);
        let x1 = x0 + self.strip(pen);
        if bottom - top < 4 {
            return Ok(());
        }
        // At most 24 strips (at least 2 device px each): smooth enough to read, and few shapes
        // (each is a canvas fillRect of its own colour, about 4 µs in Chromium).
        let step = pen.px(2.0).max((bottom - top + 23) / 24);
        let cols = self.columns.max(1);
        let mut y = top;
        while y < bottom {
            let y1 = (y + step).min(bottom);
            let mid = 0.5 * f64::from(y + y1);
            let v = self.axis.value_at(mid, bottom, top);
            for c in 0..cols {
                let cx0 = x0 + ((x1 - x0) * c as i32) / cols as i32;
                let cx1 = x0 + ((x1 - x0) * (c as i32 + 1)) / cols as i32;
                pen.rect(area, (cx0, y), (cx1, y1), &(self.colour)(c, v))?;
            }
            y = y1;
        }
        pen.outline(area, ((x0, top), (x1, bottom)), &pen.th.axis, 1.0)?;
        let tick = pen.px(BAR_TICK);
        let mut widest = 0.0f64;
        for (v, t) in &self.axis.ticks {
            let py = self.axis.pixel(*v, bottom, top).clamp(top, bottom - 1);
            pen.hrule(area, x1, x1 + tick, py, 1.0, &pen.th.axis)?;
            let at = (x1 + tick + pen.px(BAR_LABEL_GAP), py);
            pen.text(
                area,
                t,
                at,
                (HPos::Left, VPos::Center),
                SMALL,
                &pen.th.muted,
            )?;
            widest = widest.max(pen.width(t, SMALL));
        }
        if !self.title.is_empty() {
            let tx = x1
                + tick
                + pen.px(BAR_LABEL_GAP)
                + widest.ceil() as i32
                + pen.px(BAR_TITLE_GAP)
                + (pen.font(SMALL) / 2.0).round() as i32;
            let at = (tx, (top + bottom) / 2);
            pen.text_up(area, &self.title, at, SMALL, &pen.th.text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{filled_rects, near, render, texts};
    use super::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                text: "train  0.213".into(),
                short: "train".into(),
                swatch: Swatch::Line(RGBColor(0, 0, 200), Dash::Solid, 2.0),
            },
            Entry {
                text: "test  0.250".into(),
                short: "test".into(),
                swatch: Swatch::Line(RGBColor(200, 0, 0), Dash::Dashed, 2.0),
            },
            Entry::new("class 0", Swatch::Box(RGBColor(1, 2, 3))),
            Entry::new("test points", Swatch::Marker(MarkerShape::Ring, BLACK)),
            Entry::new("bars", Swatch::Outlined(BLACK, WHITE)),
        ]
    }

    #[test]
    fn rows_fill_greedily_and_align_right() {
        let pen = Pen::new(1.0, false);
        let wide = Legend::layout(&pen, entries(), 900, 880.0, false);
        assert!(wide.full && wide.rows == 1);
        let last = wide.places.last().copied().unwrap_or_default();
        assert!(last.0 < 900 && last.0 > 800, "{:?}", wide.places);
        let tight = Legend::layout(&pen, entries(), 300, 200.0, false);
        assert!(!tight.full && tight.rows >= 2, "{tight:?}");
        assert!(tight.places.iter().all(|&(x, _)| x >= 100));
        let roomy = Legend::layout(&pen, entries(), 300, 200.0, true);
        assert!(roomy.full && roomy.rows > tight.rows);
        // An entry wider than the room still gets a row of its own.
        let one = Legend::layout(&pen, entries(), 50, 10.0, false);
        assert_eq!(one.rows, 5);
        assert_eq!(Legend::layout(&pen, Vec::new(), 50, 40.0, false).rows, 0);
    }

    #[test]
    fn legend_and_colour_bar_draw_their_texts() {
        let pen = Pen::new(1.0, false);
        let legend = Legend::layout(&pen, entries(), 590, 580.0, false);
        let colour = |c: usize, v: f64| RGBColor((v * 255.0) as u8, c as u8 * 100, 0);
        let bar = ColourBar {
            axis: Axis::linear(0.0, 1.0, 2),
            columns: 2,
            colour: Box::new(colour),
            title: "P(class 1)".into(),
        };
        let w = bar.width(&pen);
        assert!(w > 40 && w < 80, "{w}");
        let svg = render((600, 300), |a| {
            legend.draw(a, &pen, 0, 18).expect("legend");
            bar.draw(a, &pen, 500, 40, 240).expect("bar");
        });
        let t = texts(&svg);
        for want in ["train  0.213", "class 0", "0", "0.5", "1", "P(class 1)"] {
            assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
        }
        // The strips: two columns, each from its colour at 0 (bottom) to its colour at 1 (top).
        let strips: Vec<_> = filled_rects(&svg)
            .into_iter()
            .filter(|s| s.0 >= 500 && s.0 < 520 && s.1 >= 40)
            .collect();
        let mut xs: Vec<i32> = strips.iter().map(|s| s.0).collect();
        xs.sort_unstable();
        xs.dedup();
        assert_eq!(xs.len(), 2, "{xs:?}");
        for (c, x) in xs.iter().enumerate() {
            let col: Vec<_> = strips.iter().filter(|s| s.0 == *x).collect();
            let top = col.iter().min_by_key(|s| s.1).map(|s| s.3);
            let bottom = col.iter().max_by_key(|s| s.1).map(|s| s.3);
            assert!(top.is_some_and(|t| near(t, colour(c, 1.0))), "{c}: {top:?}");
            assert!(
                bottom.is_some_and(|b| near(b, colour(c, 0.0))),
                "{c}: {bottom:?}"
            );
            assert!(col.len() >= 20 && col.len() <= 25, "{}", col.len());
        }
    }
}
