//! Heat-map cells shared by the decision boundary, the loss landscape and the confusion
//! matrix: an `n × n` grid (row 0 at the bottom) drawn as rectangles that tile the plot on
//! whole pixels, or as an RGBA image (one pixel per cell) that a canvas can scale onto the plot
//! rectangle in one `drawImage`.

use super::axis::Axis;
use super::frame::{draw_axes, AxesStyle, Frame, Furniture, Layout, Rect};
use super::legend::{ColourBar, Entry};
use super::pen::Pen;
use super::PlotError;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A heat map's chart: linear axes over an extent with their titles, a legend above the map and
/// a colour bar right of it. Everything that decides the layout is in here, so the plot
/// rectangle a caller asks for ([`HeatChart::rect`]) is the one the drawing uses.
pub(crate) struct HeatChart<'a> {
    pub pen: Pen,
    pub x: Axis,
    pub y: Axis,
    pub title: Option<&'a str>,
    pub axis_titles: [&'a str; 2],
    pub legend: Vec<Entry>,
    pub bar: ColourBar<'a>,
    /// Whether to draw the furniture at all.
    pub furnished: bool,
    /// The furniture is left out on areas under this many CSS px a side.
    pub min_css: f64,
}

impl HeatChart<'_> {
    /// An extent's two linear axes.
    pub fn axes(extent: [f64; 4]) -> (Axis, Axis) {
        let [x0, x1, y0, y1] = extent;
        (Axis::linear(x0, x1, 5), Axis::linear(y0, y1, 5))
    }

    fn furniture(&self) -> Furniture<'_> {
        Furniture {
            title: self.title,
            x_title: self.axis_titles[0],
            y_title: self.axis_titles[1],
            x: &self.x,
            y: &self.y,
            x_labels: true,
            y_labels: true,
            legend: self.legend.clone(),
            roomy_legend: false,
            right: self.bar.width(&self.pen),
        }
    }

    /// The layout when the furniture is drawn and fits, else None (the map fills the area).
    fn layout(&self, size: (u32, u32)) -> Option<Layout> {
        let min = self.min_css * self.pen.r;
        if !self.furnished || f64::from(size.0) < min || f64::from(size.1) < min {
            return None;
        }
        Layout::new(&self.pen, size, &self.furniture())
    }

    /// The map's rectangle on an area of `size`.
    pub fn rect(&self, size: (u32, u32)) -> Rect {
        self.layout(size).map_or(
            Rect {
                l: 0,
                t: 0,
                r: size.0 as i32,
                b: size.1 as i32,
            },
            |l| l.plot,
        )
    }

    /// Draws the furniture (when there is any) and returns the map's rectangle.
    pub fn draw_furniture<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<Rect, PlotError> {
        let size = area.dim_in_pixel();
        let Some(layout) = self.layout(size) else {
            return Ok(self.rect(size));
        };
        let f = self.furniture();
        layout.draw_labels(area, &self.pen, &f)?;
        draw_axes(area, &self.pen, &layout, &f, AxesStyle::HEAT)?;
        let p = layout.plot;
        self.bar.draw(area, &self.pen, p.r, p.t, p.b)?;
        Ok(p)
    }

    /// Data-to-pixel mapping over a rectangle.
    pub fn frame(&self, rect: Rect) -> Frame<'_> {
        Frame {
            rect,
            x: &self.x,
            y: &self.y,
        }
    }

    /// The data point at the centre of a pixel, or None outside the rectangle.
    pub fn data_at(&self, rect: Rect, px: (i32, i32)) -> Option<(f64, f64)> {
        if !rect.contains(px) {
            return None;
        }
        let x = self.x.value_at(f64::from(px.0) + 0.5, rect.l, rect.r);
        let y = self.y.value_at(f64::from(px.1) + 0.5, rect.b, rect.t);
        Some((x, y))
    }
}

/// Checks that `len` values fill an `n × n` grid; `what` names the values in the message.
pub(crate) fn check_grid(n: usize, len: usize, what: &str) -> Result<(), PlotError> {
    if n == 0 {
        return Err(PlotError::InvalidInput(format!(
            "the {what} grid needs at least one cell per side (n = 0)"
        )));
    }
    let cells = n
        .checked_mul(n)
        .ok_or_else(|| PlotError::InvalidInput(format!("an {n} × {n} {what} grid is too large")))?;
    if len != cells {
        return Err(PlotError::InvalidInput(format!(
            "the {what} grid is {n}x{n} = {cells} cells but {len} values were given"
        )));
    }
    Ok(())
}

/// Edge `i` of `n` equal cells over `len` pixels (whole pixels, so neighbours share edges).
fn edge(i: usize, n: usize, len: i32) -> i32 {
    ((i as f64 * f64::from(len)) / n as f64).round() as i32
}

/// The rectangle of cell `(row, col)` of an `n × n` grid over `rect`, row 0 at the bottom.
pub(crate) fn cell_rect(rect: Rect, n: usize, row: usize, col: usize) -> Rect {
    let (w, h) = (rect.width(), rect.height());
    Rect {
        l: rect.l + edge(col, n, w),
        r: rect.l + edge(col + 1, n, w),
        t: rect.b - edge(row + 1, n, h),
        b: rect.b - edge(row, n, h),
    }
}

/// One filled rectangle per cell; `colour(i)` gives cell `i = row * n + col`.
pub(crate) fn draw_cells<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: Rect,
    n: usize,
    colour: impl Fn(usize) -> RGBColor,
) -> Result<(), PlotError> {
    for row in 0..n {
        for col in 0..n {
            let c = cell_rect(rect, n, row, col);
            if c.width() > 0 && c.height() > 0 {
                let fill = colour(row * n + col).filled();
                area.draw(&Rectangle::new([(c.l, c.t), (c.r, c.b)], fill))?;
            }
        }
    }
    Ok(())
}

/// The grid as `n × n` opaque RGBA pixels, rows from the top (largest row index) down, the
/// layout of a canvas `ImageData`.
pub(crate) fn grid_rgba(n: usize, colour: impl Fn(usize) -> RGBColor) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * n * 4);
    for img_row in 0..n {
        let row = n - 1 - img_row;
        for col in 0..n {
            let c = colour(row * n + col);
            out.extend_from_slice(&[c.0, c.1, c.2, 255]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{attr, render, tags};
    use super::*;

    #[test]
    fn cells_tile_the_rectangle() {
        let rect = Rect {
            l: 3,
            t: 5,
            r: 103,
            b: 72,
        };
        let n = 7;
        let mut area = 0;
        for row in 0..n {
            for col in 0..n {
                let c = cell_rect(rect, n, row, col);
                area += c.width() * c.height();
            }
        }
        assert_eq!(area, rect.width() * rect.height());
        assert_eq!(cell_rect(rect, n, 0, 0).b, rect.b, "row 0 at the bottom");
        let svg = render((110, 80), |a| {
            draw_cells(a, rect, n, |i| RGBColor(i as u8, 0, 0)).expect("cells");
        });
        assert_eq!(tags(&svg, "rect").len(), n * n);
        assert!(tags(&svg, "rect")
            .iter()
            .any(|r| attr(r, "fill") == Some("#300000")));
    }

    #[test]
    fn images_start_at_the_top_row() {
        let rgba = grid_rgba(2, |i| RGBColor(i as u8, 0, 0));
        assert_eq!(
            rgba,
            [2, 0, 0, 255, 3, 0, 0, 255, 0, 0, 0, 255, 1, 0, 0, 255]
        );
    }

    #[test]
    fn grid_sizes_are_checked() {
        assert!(check_grid(3, 9, "x").is_ok());
        let e = check_grid(3, 8, "loss").unwrap_err();
        assert!(e.to_string().contains("8 values"), "{e}");
        assert!(check_grid(0, 0, "x").is_err());
        assert!(check_grid(usize::MAX, 1, "x").is_err());
    }
}
