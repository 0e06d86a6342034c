//! The decision-boundary map (heat map of the model's output with the data points on top), the
//! dataset thumbnails, and the pixel <-> data mapping the page uses for clicks.

use super::text::{self, px, FONT};
use super::ticks::{format_tick, linear_ticks};
use super::{cell_color, check_extent, class_color, PlotError, NEUTRAL};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One data point to draw: position, class, and whether it belongs to the test split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotPoint {
    /// First feature (horizontal axis).
    pub x: f64,
    /// Second feature (vertical axis).
    pub y: f64,
    /// Class label (colour via [`class_color`]).
    pub class: usize,
    /// Test-split point (drawn hollow) rather than a training point (drawn filled).
    pub test: bool,
}

/// The model's output sampled on a `grid_n` x `grid_n` grid over `extent`.
#[derive(Debug, Clone, Copy)]
pub struct BoundaryMap<'a> {
    /// `[xmin, xmax, ymin, ymax]` of the plotted region.
    pub extent: [f64; 4],
    /// Cells per side.
    pub grid_n: usize,
    /// `grid_n * grid_n` values, row-major, row 0 = ymin (bottom), column 0 = xmin. Binary: each is
    /// P(class 1) in [0,1]. Multi-class: the confidence in [0,1] of the predicted class in `classes`
    /// (rescaled from [1/k, 1] to [0, 1] before colouring).
    pub values: &'a [f64],
    /// For more than two classes: the predicted class per cell (same layout as `values`); None means
    /// binary colouring.
    pub classes: Option<&'a [usize]>,
    /// Number of classes (k).
    pub n_classes: usize,
}

/// What to draw on top of the heat map, and at what pixel density.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundaryOptions {
    /// Draw the test points (hollow rings) as well as the training points.
    pub show_test: bool,
    /// A selected data point, ringed.
    pub highlight: Option<(f64, f64)>,
    /// Reserve margins for tick labels and draw them (ignored on areas smaller than 120 CSS px a
    /// side).
    pub draw_axes: bool,
    /// Device pixels per CSS pixel (`devicePixelRatio`): margins, text, tick marks and points
    /// are this many times larger, so a canvas of `css size × pixel_ratio` looks the same, only
    /// sharper. Default 1; non-finite or non-positive values count as 1, others are clamped to
    /// [0.5, 4].
    pub pixel_ratio: f64,
}

impl Default for BoundaryOptions {
    fn default() -> Self {
        Self {
            show_test: false,
            highlight: None,
            draw_axes: false,
            pixel_ratio: 1.0,
        }
    }
}

/// Margins (left, top, right, bottom) in CSS pixels when axes are drawn.
const AXIS_MARGINS: (f64, f64, f64, f64) = (34.0, 8.0, 12.0, 22.0);
/// Axes are only drawn on areas at least this many CSS pixels wide and high.
const AXES_MIN_SIZE: f64 = 120.0;
const AXIS_TEXT: RGBColor = RGBColor(125, 130, 138);
/// Tick label size in CSS pixels.
const TICK_FONT_SIZE: f64 = 12.0;

/// The heat map's plotting rectangle `(left, top, right, bottom)` in pixels (right and bottom
/// exclusive) for an area of `size` with these options: the whole area, or the area minus the axis
/// margins (scaled by the pixel ratio) when `draw_axes` is set and the area is at least 120 CSS px
/// a side.
///
/// ```
/// use qmlp::plot::{boundary_plot_rect, BoundaryOptions};
/// let opts = BoundaryOptions::default();
/// assert_eq!(boundary_plot_rect((300, 200), &opts), (0, 0, 300, 200));
/// let axes = BoundaryOptions { draw_axes: true, ..opts };
/// let hidpi = BoundaryOptions { pixel_ratio: 2.0, ..axes };
/// let (l1, ..) = boundary_plot_rect((300, 300), &axes);
/// let (l2, ..) = boundary_plot_rect((600, 600), &hidpi);
/// assert_eq!(l2, 2 * l1);
/// ```
pub fn boundary_plot_rect(size: (u32, u32), opts: &BoundaryOptions) -> (i32, i32, i32, i32) {
    let (w, h) = (size.0 as i32, size.1 as i32);
    let r = text::ratio(opts.pixel_ratio);
    let min = AXES_MIN_SIZE * r;
    if opts.draw_axes && f64::from(size.0) >= min && f64::from(size.1) >= min {
        let (ml, mt, mr, mb) = AXIS_MARGINS;
        (
            px(ml, r, 0),
            px(mt, r, 0),
            w - px(mr, r, 0),
            h - px(mb, r, 0),
        )
    } else {
        (0, 0, w, h)
    }
}

/// Maps data space to pixels inside a plot rectangle (y up in data, down on screen).
#[derive(Debug, Clone, Copy)]
struct Frame {
    rect: (i32, i32, i32, i32),
    extent: [f64; 4],
}

impl Frame {
    fn width(&self) -> i32 {
        self.rect.2 - self.rect.0
    }

    fn height(&self) -> i32 {
        self.rect.3 - self.rect.1
    }

    /// The pixel of a data point (None if not finite).
    fn pixel_of(&self, x: f64, y: f64) -> Option<(i32, i32)> {
        let [x0, x1, y0, y1] = self.extent;
        let px = self.rect.0 as f64 + (x - x0) / (x1 - x0) * self.width() as f64;
        let py = self.rect.3 as f64 - (y - y0) / (y1 - y0) * self.height() as f64;
        if !(px.is_finite() && py.is_finite()) {
            return None;
        }
        Some((px.round() as i32, py.round() as i32))
    }

    /// Whether a data point lies inside the extent (with a little slack for rounding).
    fn contains(&self, x: f64, y: f64) -> bool {
        let [x0, x1, y0, y1] = self.extent;
        let sx = 1e-9 * (x1 - x0);
        let sy = 1e-9 * (y1 - y0);
        x >= x0 - sx && x <= x1 + sx && y >= y0 - sy && y <= y1 + sy
    }
}

/// Edge `i` of `n` equal cells over `len` pixels (integer, so neighbouring cells share edges).
fn edge(i: usize, n: usize, len: i32) -> i32 {
    ((i as f64 * len as f64) / n as f64).round() as i32
}

/// Point radius in device pixels for a plot rectangle of this size (device pixels) at pixel
/// ratio `r`: about 1/105 of the shorter side, 2 to 5 CSS px.
fn point_radius(w: i32, h: i32, r: f64) -> u32 {
    (f64::from(w.min(h)) / 105.0)
        .clamp(2.0 * r, 5.0 * r)
        .round()
        .max(1.0) as u32
}

/// The data-space coordinate under a pixel of a boundary plot drawn on an area of `size` (the
/// inverse of [`draw_boundary`]'s mapping, margins included when axes are drawn), taken at the
/// pixel's centre; None outside the plotting rectangle or for a degenerate extent.
///
/// ```
/// use qmlp::plot::{boundary_pixel_to_data, BoundaryOptions};
/// let opts = BoundaryOptions::default();
/// let (x, y) = boundary_pixel_to_data([-1.0, 1.0, -1.0, 1.0], (200, 200), &opts, (0, 199)).unwrap();
/// assert!(x < -0.98 && y < -0.98);
/// assert!(boundary_pixel_to_data([-1.0, 1.0, -1.0, 1.0], (200, 200), &opts, (200, 0)).is_none());
/// ```
pub fn boundary_pixel_to_data(
    extent: [f64; 4],
    size: (u32, u32),
    opts: &BoundaryOptions,
    px: (i32, i32),
) -> Option<(f64, f64)> {
    check_extent(extent).ok()?;
    let (l, t, r, b) = boundary_plot_rect(size, opts);
    if px.0 < l || px.0 >= r || px.1 < t || px.1 >= b {
        return None;
    }
    let [x0, x1, y0, y1] = extent;
    let fx = (f64::from(px.0 - l) + 0.5) / f64::from(r - l);
    let fy = (f64::from(b - px.1) - 0.5) / f64::from(b - t);
    Some((x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)))
}

/// Checks the grid's shape against its values (and classes).
fn check_map(map: &BoundaryMap) -> Result<(), PlotError> {
    check_extent(map.extent)?;
    if map.grid_n == 0 {
        return Err(PlotError::InvalidInput(
            "the boundary grid needs at least one cell per side (grid_n = 0)".into(),
        ));
    }
    let cells = map
        .grid_n
        .checked_mul(map.grid_n)
        .ok_or_else(|| PlotError::InvalidInput(format!("grid_n = {} is too large", map.grid_n)))?;
    if map.values.len() != cells {
        return Err(PlotError::InvalidInput(format!(
            "the boundary grid is {n}x{n} = {cells} cells but {} values were given",
            map.values.len(),
            n = map.grid_n
        )));
    }
    if let Some(c) = map.classes {
        if c.len() != cells {
            return Err(PlotError::InvalidInput(format!(
                "the boundary grid is {n}x{n} = {cells} cells but {} predicted classes were given",
                c.len(),
                n = map.grid_n
            )));
        }
    }
    Ok(())
}

/// Heat map of the model's output over the data's extent, with the training (filled) and test
/// (hollow / ringed) points on top. Draws only inside the plotting rectangle and, with axes, the
/// tick labels in the margins: the caller clears the area between frames if needed. The heat map
/// is one filled rectangle per cell; a backend that can paint images may instead paint
/// [`boundary_rgba`] scaled onto [`boundary_plot_rect`] and call [`draw_boundary_overlay`].
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_boundary, BoundaryMap, BoundaryOptions, PlotPoint};
/// let values = [0.1, 0.9, 0.2, 0.8];
/// let map = BoundaryMap { extent: [-1.0, 1.0, -1.0, 1.0], grid_n: 2, values: &values, classes: None, n_classes: 2 };
/// let points = [PlotPoint { x: 0.5, y: 0.5, class: 1, test: false }];
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (200, 200)).into_drawing_area();
///     draw_boundary(&area, &map, &points, &BoundaryOptions::default()).unwrap();
///     area.present().unwrap();
/// }
/// assert_eq!(svg.matches("<rect").count(), 4);
/// ```
pub fn draw_boundary<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    map: &BoundaryMap,
    points: &[PlotPoint],
    opts: &BoundaryOptions,
) -> Result<(), PlotError> {
    check_map(map)?;
    let frame = Frame {
        rect: boundary_plot_rect(area.dim_in_pixel(), opts),
        extent: map.extent,
    };
    if frame.width() <= 0 || frame.height() <= 0 {
        return Ok(());
    }
    draw_heat_map(area, map, &frame)?;
    draw_boundary_overlay(area, map.extent, points, opts)
}

/// Everything of [`draw_boundary`] but the heat map: the axes (with `draw_axes`), the points and
/// the highlight ring, for an area whose plotting rectangle ([`boundary_plot_rect`]) already holds
/// the heat map. Text is drawn with explicit anchors only (no text measuring).
pub fn draw_boundary_overlay<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    extent: [f64; 4],
    points: &[PlotPoint],
    opts: &BoundaryOptions,
) -> Result<(), PlotError> {
    check_extent(extent)?;
    let frame = Frame {
        rect: boundary_plot_rect(area.dim_in_pixel(), opts),
        extent,
    };
    let (w, h) = (frame.width(), frame.height());
    if w <= 0 || h <= 0 {
        return Ok(());
    }
    let ratio = text::ratio(opts.pixel_ratio);
    if opts.draw_axes && frame.rect != (0, 0, w, h) {
        draw_axes(area, &frame, ratio)?;
    }

    let r = point_radius(w, h, ratio);
    let halo = px(1.0, ratio, 1) as u32;
    if opts.show_test {
        for p in points.iter().filter(|p| p.test) {
            if let Some(c) = visible(&frame, p) {
                let color = class_color(p.class);
                area.draw(&Circle::new(c, r + halo, color.filled()))?;
                area.draw(&Circle::new(c, r.saturating_sub(halo), WHITE.filled()))?;
            }
        }
    }
    for p in points.iter().filter(|p| !p.test) {
        if let Some(c) = visible(&frame, p) {
            area.draw(&Circle::new(c, r + halo, WHITE.filled()))?;
            area.draw(&Circle::new(c, r, class_color(p.class).filled()))?;
        }
    }
    if let Some((x, y)) = opts.highlight {
        if let Some(c) = frame.pixel_of(x, y).filter(|_| frame.contains(x, y)) {
            let stroke = px(2.0, ratio, 1) as u32;
            let outer = r + px(7.0, ratio, 1) as u32;
            let inner = r + px(5.0, ratio, 1) as u32;
            area.draw(&Circle::new(c, outer, WHITE.stroke_width(stroke)))?;
            area.draw(&Circle::new(
                c,
                inner,
                RGBColor(30, 32, 38).stroke_width(stroke),
            ))?;
        }
    }
    Ok(())
}

/// The colour of cell `i` of a checked map.
fn map_cell_color(map: &BoundaryMap, i: usize) -> RGBColor {
    let v = map.values[i];
    match map.classes {
        Some(classes) => {
            // Confidence of the winning class runs from 1/k (undecided) to 1.
            let k = map.n_classes.max(2) as f64;
            let s = (v - 1.0 / k) / (1.0 - 1.0 / k);
            cell_color(s, Some(classes[i]))
        }
        None => cell_color(v, None),
    }
}

/// The heat map as an image: `grid_n × grid_n` pixels of RGBA (4 bytes each, opaque), rows from
/// the top of the plot (largest y) down, columns from the left (smallest x) — the layout of a
/// canvas `ImageData`. Pixel `(col, row)` is the colour [`draw_boundary`] gives the cell sampled
/// at the centre of that image pixel, so drawing the image scaled onto the plotting rectangle puts
/// every cell where the rectangles would be.
///
/// ```
/// use qmlp::plot::{boundary_rgba, cell_color, BoundaryMap};
/// // Row 0 (bottom) undecided, row 1 (top) certain class 1.
/// let values = [0.5, 0.5, 1.0, 1.0];
/// let map = BoundaryMap { extent: [0.0, 1.0, 0.0, 1.0], grid_n: 2, values: &values, classes: None, n_classes: 2 };
/// let rgba = boundary_rgba(&map).unwrap();
/// assert_eq!(rgba.len(), 16);
/// let top_left = cell_color(1.0, None);
/// assert_eq!(&rgba[..4], &[top_left.0, top_left.1, top_left.2, 255]);
/// ```
pub fn boundary_rgba(map: &BoundaryMap) -> Result<Vec<u8>, PlotError> {
    check_map(map)?;
    let n = map.grid_n;
    let mut out = Vec::with_capacity(n * n * 4);
    for img_row in 0..n {
        let row = n - 1 - img_row;
        for col in 0..n {
            let c = map_cell_color(map, row * n + col);
            out.extend_from_slice(&[c.0, c.1, c.2, 255]);
        }
    }
    Ok(out)
}

/// The pixel of a point inside the extent (None outside it or not finite).
fn visible(frame: &Frame, p: &PlotPoint) -> Option<(i32, i32)> {
    if frame.contains(p.x, p.y) {
        frame.pixel_of(p.x, p.y)
    } else {
        None
    }
}

/// One filled rectangle per cell, edges on whole pixels so cells tile without seams.
fn draw_heat_map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    map: &BoundaryMap,
    frame: &Frame,
) -> Result<(), PlotError> {
    let n = map.grid_n;
    let (l, _, _, b) = frame.rect;
    let (w, h) = (frame.width(), frame.height());
    for row in 0..n {
        let y_bottom = b - edge(row, n, h);
        let y_top = b - edge(row + 1, n, h);
        if y_top >= y_bottom {
            continue;
        }
        for col in 0..n {
            let x_left = l + edge(col, n, w);
            let x_right = l + edge(col + 1, n, w);
            if x_left >= x_right {
                continue;
            }
            let color = map_cell_color(map, row * n + col);
            area.draw(&Rectangle::new(
                [(x_left, y_top), (x_right, y_bottom)],
                color.filled(),
            ))?;
        }
    }
    Ok(())
}

/// Tick marks and labels along the bottom and left edges of the plot rectangle (`ratio`: device
/// pixels per CSS pixel). Tick marks are filled rectangles on whole pixels (crisp on a canvas);
/// labels are anchored at their top centre (x axis) and right middle (y axis).
fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &Frame,
    ratio: f64,
) -> Result<(), PlotError> {
    let [x0, x1, y0, y1] = frame.extent;
    let (l, t, r, b) = frame.rect;
    let tick = AXIS_TEXT.filled();
    let (len, thick, gap) = (px(3.0, ratio, 1), px(1.0, ratio, 1), px(6.0, ratio, 2));
    let base = (FONT, TICK_FONT_SIZE * ratio).into_font().color(&AXIS_TEXT);

    let (xs, xstep) = linear_ticks(x0, x1, 5);
    let x_style = base.pos(Pos::new(HPos::Center, VPos::Top));
    for v in xs {
        if let Some((x, _)) = frame.pixel_of(v, y0) {
            let x = x.clamp(l, r - thick);
            area.draw(&Rectangle::new([(x, b), (x + thick, b + len)], tick))?;
            area.draw(&Text::new(
                format_tick(v, xstep),
                (x, b + gap),
                x_style.clone(),
            ))?;
        }
    }
    let (ys, ystep) = linear_ticks(y0, y1, 5);
    let y_style = base.pos(Pos::new(HPos::Right, VPos::Center));
    for v in ys {
        if let Some((_, y)) = frame.pixel_of(x0, v) {
            let y = y.clamp(t, b - thick);
            area.draw(&Rectangle::new([(l - len, y), (l, y + thick)], tick))?;
            area.draw(&Text::new(
                format_tick(v, ystep),
                (l - gap, y),
                y_style.clone(),
            ))?;
        }
    }
    Ok(())
}

/// A small dataset thumbnail (points only, no axes), for the dataset picker. Fills the area with
/// the neutral heat-map colour first.
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_thumbnail, PlotPoint};
/// let pts = [PlotPoint { x: 0.0, y: 0.0, class: 0, test: false }];
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (64, 64)).into_drawing_area();
///     draw_thumbnail(&area, [-1.0, 1.0, -1.0, 1.0], &pts, 2).unwrap();
///     area.present().unwrap();
/// }
/// assert!(svg.contains("<circle"));
/// ```
pub fn draw_thumbnail<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    extent: [f64; 4],
    points: &[PlotPoint],
    n_classes: usize,
) -> Result<(), PlotError> {
    check_extent(extent)?;
    area.fill(&NEUTRAL)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let r = (f64::from(w.min(h)) / 40.0).round().clamp(1.0, 4.0) as u32;
    // Inset so points on the extent's edge are not cut in half.
    let pad = r as i32 + 2;
    if w <= 2 * pad || h <= 2 * pad {
        return Ok(());
    }
    let frame = Frame {
        rect: (pad, pad, w - pad, h - pad),
        extent,
    };
    let k = n_classes.max(1);
    for p in points {
        if let Some(c) = visible(&frame, p) {
            let class = if n_classes > 0 { p.class % k } else { p.class };
            area.draw(&Circle::new(c, r, class_color(class).filled()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{attr, hex, render, tags, texts, NoMeasure};
    use super::*;

    const EXT: [f64; 4] = [-6.0, 6.0, -6.0, 6.0];

    fn circle_points(n: usize, seed: u64) -> Vec<PlotPoint> {
        // A deterministic "circle" dataset: class 1 inside radius 3, class 0 on a ring outside.
        let mut s = seed;
        let mut rnd = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64) / ((1u64 << 53) as f64)
        };
        (0..n)
            .map(|i| {
                let class = i % 2;
                let rad = if class == 1 {
                    2.5 * rnd()
                } else {
                    3.5 + 1.5 * rnd()
                };
                let a = std::f64::consts::TAU * rnd();
                PlotPoint {
                    x: rad * a.cos(),
                    y: rad * a.sin(),
                    class,
                    test: i % 5 == 0,
                }
            })
            .collect()
    }

    fn circle_grid(n: usize) -> Vec<f64> {
        let mut v = Vec::with_capacity(n * n);
        for row in 0..n {
            for col in 0..n {
                let x = EXT[0] + (col as f64 + 0.5) / n as f64 * 12.0;
                let y = EXT[2] + (row as f64 + 0.5) / n as f64 * 12.0;
                let d = (x * x + y * y).sqrt();
                v.push(1.0 / (1.0 + (2.0 * (d - 3.0)).exp()));
            }
        }
        v
    }

    fn draw(
        size: (u32, u32),
        map: &BoundaryMap,
        pts: &[PlotPoint],
        opts: &BoundaryOptions,
    ) -> String {
        render(size, |a| {
            draw_boundary(a, map, pts, opts).expect("draw boundary");
        })
    }

    #[test]
    fn one_rect_per_cell_tiling_the_area() {
        let n = 16;
        let values = circle_grid(n);
        let map = BoundaryMap {
            extent: EXT,
            grid_n: n,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let svg = draw((250, 250), &map, &[], &BoundaryOptions::default());
        let rects = tags(&svg, "rect");
        assert_eq!(rects.len(), n * n);
        let area: i64 = rects
            .iter()
            .map(|r| {
                let w: i64 = attr(r, "width").and_then(|v| v.parse().ok()).unwrap_or(0);
                let h: i64 = attr(r, "height").and_then(|v| v.parse().ok()).unwrap_or(0);
                w * h
            })
            .sum();
        assert_eq!(
            area,
            250 * 250,
            "cells tile the plot without gaps or overlap"
        );
    }

    #[test]
    fn row_zero_is_the_bottom_and_colours_follow_values() {
        // Bottom row certain class 0, top row certain class 1.
        let values = [0.0, 0.0, 1.0, 1.0];
        let map = BoundaryMap {
            extent: [0.0, 1.0, 0.0, 1.0],
            grid_n: 2,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let svg = draw((100, 100), &map, &[], &BoundaryOptions::default());
        let orange = hex(cell_color(0.0, None));
        let blue = hex(cell_color(1.0, None));
        for r in tags(&svg, "rect") {
            let y: i32 = attr(r, "y").and_then(|v| v.parse().ok()).unwrap_or(-1);
            let fill = attr(r, "fill").unwrap_or("");
            if y == 0 {
                assert_eq!(fill, blue, "top row is row 1 (P=1)");
            } else {
                assert_eq!(y, 50);
                assert_eq!(fill, orange, "bottom row is row 0 (P=0)");
            }
        }
    }

    #[test]
    fn points_filled_for_train_and_ringed_for_test() {
        let values = vec![0.5; 4];
        let map = BoundaryMap {
            extent: EXT,
            grid_n: 2,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let pts = circle_points(40, 7); // 8 test points
        let opts = BoundaryOptions {
            show_test: false,
            ..Default::default()
        };
        let svg = draw((300, 300), &map, &pts, &opts);
        let circles = tags(&svg, "circle");
        assert_eq!(
            circles.len(),
            2 * 32,
            "train only: white halo + coloured dot"
        );
        let orange = hex(class_color(0));
        let blue = hex(class_color(1));
        assert_eq!(
            circles
                .iter()
                .filter(|c| attr(c, "fill") == Some(&orange))
                .count(),
            16
        );
        assert_eq!(
            circles
                .iter()
                .filter(|c| attr(c, "fill") == Some(&blue))
                .count(),
            16
        );
        let opts = BoundaryOptions {
            show_test: true,
            ..Default::default()
        };
        let svg = draw((300, 300), &map, &pts, &opts);
        assert_eq!(tags(&svg, "circle").len(), 2 * 40);
        // Points outside the extent are not drawn.
        let far = [PlotPoint {
            x: 100.0,
            y: 0.0,
            class: 0,
            test: false,
        }];
        let svg = draw((300, 300), &map, &far, &opts);
        assert!(tags(&svg, "circle").is_empty());
    }

    #[test]
    fn highlight_adds_rings() {
        let values = vec![0.5; 4];
        let map = BoundaryMap {
            extent: EXT,
            grid_n: 2,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let opts = BoundaryOptions {
            highlight: Some((1.0, 1.0)),
            ..Default::default()
        };
        let svg = draw((300, 300), &map, &[], &opts);
        let rings: Vec<_> = tags(&svg, "circle")
            .into_iter()
            .filter(|c| attr(c, "fill") == Some("none"))
            .collect();
        assert_eq!(rings.len(), 2);
    }

    #[test]
    fn multiclass_cells_use_class_hues() {
        let values = [1.0, 1.0, 1.0, 1.0];
        let classes = [0, 1, 2, 3];
        let map = BoundaryMap {
            extent: EXT,
            grid_n: 2,
            values: &values,
            classes: Some(&classes),
            n_classes: 4,
        };
        let svg = draw((100, 100), &map, &[], &BoundaryOptions::default());
        for c in 0..4 {
            assert!(svg.contains(&hex(cell_color(1.0, Some(c)))), "class {c}");
        }
        // Confidence 1/k is "undecided": neutral.
        let values = [0.25; 4];
        let map = BoundaryMap {
            values: &values,
            ..map
        };
        let svg = draw((100, 100), &map, &[], &BoundaryOptions::default());
        assert_eq!(svg.matches(&hex(NEUTRAL)).count(), 4);
    }

    #[test]
    fn bad_grids_are_errors_not_panics() {
        let values = [0.5; 3];
        let map = BoundaryMap {
            extent: EXT,
            grid_n: 2,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let mut s = String::new();
        let area = SVGBackend::with_string(&mut s, (50, 50)).into_drawing_area();
        let opts = BoundaryOptions::default();
        let e = draw_boundary(&area, &map, &[], &opts);
        assert!(matches!(e, Err(PlotError::InvalidInput(ref m)) if m.contains("3 values")));
        let map0 = BoundaryMap { grid_n: 0, ..map };
        assert!(draw_boundary(&area, &map0, &[], &opts).is_err());
        let four = [0.5; 4];
        let cls = [0usize; 2];
        let bad_cls = BoundaryMap {
            values: &four,
            classes: Some(&cls),
            ..map
        };
        assert!(draw_boundary(&area, &bad_cls, &[], &opts).is_err());
        let flat = BoundaryMap {
            extent: [0.0, 0.0, 0.0, 1.0],
            values: &four,
            ..map
        };
        assert!(draw_boundary(&area, &flat, &[], &opts).is_err());
        assert!(draw_thumbnail(&area, [0.0, 0.0, 0.0, 1.0], &[], 2).is_err());
    }

    #[test]
    fn axes_reserve_margins_and_label_ticks() {
        let n = 8;
        let values = circle_grid(n);
        let map = BoundaryMap {
            extent: EXT,
            grid_n: n,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let opts = BoundaryOptions {
            draw_axes: true,
            ..Default::default()
        };
        let svg = draw((400, 400), &map, &[], &opts);
        let t = texts(&svg);
        for want in ["-6", "-4", "0", "4", "6"] {
            assert!(
                t.iter().filter(|s| *s == want).count() == 2,
                "{want}: {t:?}"
            );
        }
        let (l, top, r, b) = boundary_plot_rect((400, 400), &opts);
        // The heat map's cells (not the tick marks, drawn in the axis colour) start at the margin.
        let axis = hex(AXIS_TEXT);
        let min_x = tags(&svg, "rect")
            .iter()
            .filter(|r| attr(r, "fill") != Some(axis.as_str()))
            .filter_map(|r| attr(r, "x").and_then(|v| v.parse::<i32>().ok()))
            .min();
        assert_eq!(min_x, Some(l));
        assert!(top > 0 && r < 400 && b < 400);
        // Tiny areas drop the axes.
        assert_eq!(boundary_plot_rect((100, 100), &opts), (0, 0, 100, 100));
    }

    #[test]
    fn pixel_to_data_inverts_the_point_mapping() {
        let values = vec![0.5; 4];
        let map = BoundaryMap {
            extent: [-2.0, 3.0, 10.0, 12.0],
            grid_n: 2,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        for draw_axes in [false, true] {
            let opts = BoundaryOptions {
                draw_axes,
                ..Default::default()
            };
            let size = (420, 310);
            let p = PlotPoint {
                x: 0.7,
                y: 11.3,
                class: 1,
                test: false,
            };
            let svg = draw(size, &map, &[p], &opts);
            let c = tags(&svg, "circle")[0];
            let cx: i32 = attr(c, "cx").and_then(|v| v.parse().ok()).unwrap_or(-1);
            let cy: i32 = attr(c, "cy").and_then(|v| v.parse().ok()).unwrap_or(-1);
            let (x, y) =
                boundary_pixel_to_data(map.extent, size, &opts, (cx, cy)).expect("inside the plot");
            let (l, t, r, b) = boundary_plot_rect(size, &opts);
            let px_w = 5.0 / f64::from(r - l);
            let px_h = 2.0 / f64::from(b - t);
            assert!((x - p.x).abs() <= px_w, "x {x} vs {}", p.x);
            assert!((y - p.y).abs() <= px_h, "y {y} vs {}", p.y);
            // Outside the rectangle: None.
            assert!(boundary_pixel_to_data(map.extent, size, &opts, (r, t)).is_none());
            assert!(boundary_pixel_to_data(map.extent, size, &opts, (l, b)).is_none());
            assert!(boundary_pixel_to_data(map.extent, size, &opts, (l, t)).is_some());
        }
        let opts = BoundaryOptions::default();
        assert!(boundary_pixel_to_data([1.0, 1.0, 0.0, 1.0], (10, 10), &opts, (1, 1)).is_none());
    }

    #[test]
    fn rgba_image_matches_the_rectangles() {
        // The image's pixel (col, row from the top) has the colour of the rectangle drawn there.
        let n = 5;
        let values = circle_grid(n);
        let map = BoundaryMap {
            extent: EXT,
            grid_n: n,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let rgba = boundary_rgba(&map).expect("rgba");
        assert_eq!(rgba.len(), n * n * 4);
        assert!(rgba.chunks(4).all(|p| p[3] == 255), "opaque");
        let svg = draw((100, 100), &map, &[], &BoundaryOptions::default());
        for r in tags(&svg, "rect") {
            let x: usize = attr(r, "x").and_then(|v| v.parse().ok()).unwrap_or(0);
            let y: usize = attr(r, "y").and_then(|v| v.parse().ok()).unwrap_or(0);
            let (col, img_row) = (x / 20, y / 20);
            let i = 4 * (img_row * n + col);
            let c = RGBColor(rgba[i], rgba[i + 1], rgba[i + 2]);
            assert_eq!(
                attr(r, "fill"),
                Some(hex(c).as_str()),
                "cell ({col}, {img_row})"
            );
        }
        // Multi-class maps and bad maps.
        let classes = [2usize; 4];
        let conf = [1.0; 4];
        let three = BoundaryMap {
            extent: EXT,
            grid_n: 2,
            values: &conf,
            classes: Some(&classes),
            n_classes: 3,
        };
        let g = cell_color(1.0, Some(2));
        assert_eq!(&boundary_rgba(&three).expect("rgba")[..3], &[g.0, g.1, g.2]);
        let short = BoundaryMap {
            values: &conf[..3],
            classes: None,
            ..three
        };
        assert!(boundary_rgba(&short).is_err());
    }

    #[test]
    fn overlay_is_the_boundary_without_its_cells() {
        let values = circle_grid(6);
        let map = BoundaryMap {
            extent: EXT,
            grid_n: 6,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let pts = circle_points(30, 9);
        let opts = BoundaryOptions {
            show_test: true,
            highlight: Some((0.0, 0.0)),
            draw_axes: true,
            ..Default::default()
        };
        let full = draw((300, 300), &map, &pts, &opts);
        let over = render((300, 300), |a| {
            draw_boundary_overlay(a, EXT, &pts, &opts).expect("overlay");
        });
        assert_eq!(tags(&full, "circle"), tags(&over, "circle"));
        assert_eq!(texts(&full), texts(&over));
        let axis = hex(AXIS_TEXT);
        assert!(tags(&over, "rect")
            .iter()
            .all(|r| attr(r, "fill") == Some(axis.as_str())));
        assert!(render((50, 50), |a| {
            assert!(draw_boundary_overlay(a, [0.0, 0.0, 0.0, 1.0], &pts, &opts).is_err());
        })
        .starts_with("<svg"));
    }

    #[test]
    fn pixel_ratio_scales_margins_text_and_points() {
        let values = vec![0.5; 4];
        let map = BoundaryMap {
            extent: EXT,
            grid_n: 2,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let pts = [PlotPoint {
            x: 1.0,
            y: 1.0,
            class: 0,
            test: false,
        }];
        let one = BoundaryOptions {
            draw_axes: true,
            ..Default::default()
        };
        let two = BoundaryOptions {
            pixel_ratio: 2.0,
            ..one
        };
        let (l1, t1, r1, b1) = boundary_plot_rect((280, 280), &one);
        assert_eq!(
            boundary_plot_rect((560, 560), &two),
            (2 * l1, 2 * t1, 2 * r1, 2 * b1)
        );
        let radius = |svg: &str| -> Vec<u32> {
            tags(svg, "circle")
                .iter()
                .filter_map(|c| attr(c, "r").and_then(|v| v.parse().ok()))
                .collect()
        };
        let s1 = draw((280, 280), &map, &pts, &one);
        let s2 = draw((560, 560), &map, &pts, &two);
        let (r1, r2) = (radius(&s1), radius(&s2));
        assert_eq!(r1.len(), r2.len());
        for (a, b) in r1.iter().zip(&r2) {
            assert!(b.abs_diff(2 * a) <= 1, "{r1:?} vs {r2:?}");
        }
        let size = |svg: &str| -> f64 {
            tags(svg, "text")
                .first()
                .and_then(|t| attr(t, "font-size"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0)
        };
        assert!((size(&s2) - 2.0 * size(&s1)).abs() < 1e-6);
        // The same CSS-pixel click lands on the same data point at both densities.
        let p1 = boundary_pixel_to_data(EXT, (280, 280), &one, (100, 60)).expect("inside");
        let p2 = boundary_pixel_to_data(EXT, (560, 560), &two, (200, 120)).expect("inside");
        assert!((p1.0 - p2.0).abs() < 0.05 && (p1.1 - p2.1).abs() < 0.05);
        // A 200 px canvas at 2x is 100 CSS px: too small for axes.
        assert_eq!(boundary_plot_rect((200, 200), &two), (0, 0, 200, 200));
        // Nonsense ratios count as 1.
        let bad = BoundaryOptions {
            pixel_ratio: f64::NAN,
            ..one
        };
        assert_eq!(
            boundary_plot_rect((280, 280), &bad),
            boundary_plot_rect((280, 280), &one)
        );
    }

    #[test]
    fn no_text_is_measured_through_the_backend() {
        // Regression (strict CSP on the page): see the loss chart's test of the same name.
        let values = circle_grid(4);
        let map = BoundaryMap {
            extent: EXT,
            grid_n: 4,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let texts = std::rc::Rc::default();
        let backend = NoMeasure {
            size: (280, 280),
            texts: std::rc::Rc::clone(&texts),
        };
        let area = backend.into_drawing_area();
        let opts = BoundaryOptions {
            draw_axes: true,
            pixel_ratio: 1.5,
            ..Default::default()
        };
        draw_boundary(&area, &map, &circle_points(20, 1), &opts).expect("drawn");
        draw_thumbnail(&area, EXT, &circle_points(20, 1), 2).expect("drawn");
        assert!(
            texts.borrow().iter().any(|t| t == "-4"),
            "{:?}",
            texts.borrow()
        );
    }

    #[test]
    fn thumbnail_draws_points_only() {
        let pts = circle_points(30, 3);
        let svg = render((80, 80), |a| {
            draw_thumbnail(a, EXT, &pts, 2).expect("thumbnail");
        });
        assert_eq!(tags(&svg, "circle").len(), 30);
        assert!(texts(&svg).is_empty(), "no axes");
        assert!(svg.contains(&hex(NEUTRAL)), "neutral background");
        // Degenerate sizes do not fail.
        let svg = render((4, 4), |a| {
            draw_thumbnail(a, EXT, &pts, 2).expect("thumbnail");
        });
        assert!(tags(&svg, "circle").is_empty());
    }

    /// Writes sample SVGs to `$QMLP_PLOT_SAMPLES/plot-*.svg` when that variable is set (a way to
    /// look at the charts: `QMLP_PLOT_SAMPLES=/tmp/s cargo test plot::`).
    #[test]
    fn render_samples_when_requested() {
        let Ok(dir) = std::env::var("QMLP_PLOT_SAMPLES") else {
            return;
        };
        let n = 64;
        let values = circle_grid(n);
        let map = BoundaryMap {
            extent: EXT,
            grid_n: n,
            values: &values,
            classes: None,
            n_classes: 2,
        };
        let pts = circle_points(200, 11);
        let opts = BoundaryOptions {
            show_test: true,
            highlight: Some((pts[3].x, pts[3].y)),
            draw_axes: true,
            ..Default::default()
        };
        let svg = draw((500, 500), &map, &pts, &opts);
        std::fs::write(format!("{dir}/plot-boundary.svg"), svg).expect("write sample");

        let mut cls = Vec::with_capacity(n * n);
        let mut conf = Vec::with_capacity(n * n);
        for row in 0..n {
            for col in 0..n {
                let x = (col as f64 + 0.5) / n as f64 * 12.0 - 6.0;
                let y = (row as f64 + 0.5) / n as f64 * 12.0 - 6.0;
                let a = y.atan2(x) + std::f64::consts::PI;
                let c = ((a / std::f64::consts::TAU * 3.0) as usize).min(2);
                let edge = 1.0 - ((a * 3.0 / std::f64::consts::TAU).fract() - 0.5).abs() * 2.0;
                cls.push(c);
                conf.push(
                    1.0 / 3.0
                        + (2.0 / 3.0) * edge.powf(0.7) * (x * x + y * y).sqrt().min(4.0) / 4.0,
                );
            }
        }
        let map3 = BoundaryMap {
            extent: EXT,
            grid_n: n,
            values: &conf,
            classes: Some(&cls),
            n_classes: 3,
        };
        let pts3: Vec<PlotPoint> = circle_points(150, 5)
            .into_iter()
            .map(|p| {
                let a = p.y.atan2(p.x) + std::f64::consts::PI;
                PlotPoint {
                    class: ((a / std::f64::consts::TAU * 3.0) as usize).min(2),
                    ..p
                }
            })
            .collect();
        let svg = draw((400, 400), &map3, &pts3, &BoundaryOptions::default());
        std::fs::write(format!("{dir}/plot-boundary3.svg"), svg).expect("write sample");

        let svg = render((120, 120), |a| {
            draw_thumbnail(a, EXT, &pts, 2).expect("thumbnail");
        });
        std::fs::write(format!("{dir}/plot-thumbnail.svg"), svg).expect("write sample");
    }
}
