//! The decision-boundary map (heat map of the model's output with the data points on top, axis
//! titles, a legend of class colours and point markers, and the confidence scale as a colour
//! bar), the dataset thumbnails, and the pixel <-> data mapping the page uses for clicks.

use super::axis::Axis;
use super::frame::{Frame, Rect};
use super::heat::{check_grid, draw_cells, grid_rgba, HeatChart};
use super::legend::{ColourBar, Entry, Swatch};
use super::pen::{MarkerShape, Pen, LABEL};
use super::text::ellipsize;
use super::{cell_color, check_extent, class_color, PlotError, NEUTRAL};
use plotters::coord::Shift;
use plotters::prelude::*;

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
    /// P(class 1) in 0..=1. Multi-class: the confidence in 0..=1 of the predicted class in `classes`
    /// (rescaled from 1/k..=1 to 0..=1 before colouring).
    pub values: &'a [f64],
    /// For more than two classes: the predicted class per cell (same layout as `values`); None means
    /// binary colouring.
    pub classes: Option<&'a [usize]>,
    /// Number of classes (k).
    pub n_classes: usize,
}

/// What to draw on top of the heat map, its labels, and at what pixel density. Everything that
/// decides the layout is here (with the size, the extent and the number of classes), so the
/// click mapping ([`boundary_pixel_to_data`]) given the same options finds the same rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundaryOptions<'a> {
    /// Draw the test points (hollow rings) as well as the training points.
    pub show_test: bool,
    /// A selected data point, ringed.
    pub highlight: Option<(f64, f64)>,
    /// Draw the chart furniture around the heat map: tick labels, axis titles, the legend and the
    /// colour bar (ignored on areas smaller than 120 CSS px a side).
    pub draw_axes: bool,
    /// Device pixels per CSS pixel (`devicePixelRatio`): margins, text, tick marks and points
    /// are this many times larger, so a canvas of `css size × pixel_ratio` looks the same, only
    /// sharper. Default 1; non-finite or non-positive values count as 1, others are clamped to
    /// [0.5, 4].
    pub pixel_ratio: f64,
    /// Titles of the horizontal and vertical axes: the names of the two inputs plotted, e.g.
    /// `["x1", "x2"]` (the default) or `["PC1", "PC2"]`.
    pub axis_titles: [&'a str; 2],
    /// Class names for the legend, class 0 first; classes without a name are "class i".
    pub class_names: &'a [&'a str],
}

impl Default for BoundaryOptions<'_> {
    fn default() -> Self {
        Self {
            show_test: false,
            highlight: None,
            draw_axes: false,
            pixel_ratio: 1.0,
            axis_titles: ["x1", "x2"],
            class_names: &[],
        }
    }
}

/// Axes are only drawn on areas at least this many CSS pixels wide and high.
const AXES_MIN_SIZE: f64 = 120.0;

/// The name of class `c` for the legend.
fn class_name(opts: &BoundaryOptions, c: usize) -> String {
    match opts.class_names.get(c) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => format!("class {c}"),
    }
}

/// The colour of confidence `v` in class `c` of `k` (confidence runs from 1/k, undecided, to 1).
fn confidence_color(k: usize, c: usize, v: f64) -> RGBColor {
    let k = k.max(2) as f64;
    cell_color((v - 1.0 / k) / (1.0 - 1.0 / k), Some(c))
}

/// The boundary map's chart: axes over the extent, the inputs' names as axis titles, a legend
/// of the class colours and point markers, the confidence scale as a colour bar.
fn chart<'a>(extent: [f64; 4], n_classes: usize, opts: &BoundaryOptions<'a>) -> HeatChart<'a> {
    let pen = Pen::new(opts.pixel_ratio, false);
    let ink = pen.th.ink;
    // Where the full names do not fit one row, the class number (the page's "+ 0" buttons) or
    // a shortened name stands in.
    let mut legend: Vec<Entry> = (0..n_classes.max(1))
        .map(|c| {
            let text = class_name(opts, c);
            let short = match opts.class_names.get(c) {
                Some(n) if !n.is_empty() => ellipsize(n, pen.r * 44.0, pen.font(LABEL)),
                _ => c.to_string(),
            };
            let swatch = Swatch::Box(class_color(c));
            Entry {
                text,
                short,
                swatch,
            }
        })
        .collect();
    legend.push(Entry::new("train", Swatch::Marker(MarkerShape::Dot, ink)));
    legend.push(Entry::new("test", Swatch::Marker(MarkerShape::Ring, ink)));
    let bar = if n_classes > 2 {
        ColourBar {
            axis: Axis::linear(1.0 / n_classes as f64, 1.0, 3),
            columns: n_classes,
            colour: Box::new(move |c, v| confidence_color(n_classes, c, v)),
            title: "confidence".into(),
        }
    } else {
        ColourBar {
            axis: Axis::linear(0.0, 1.0, 2),
            columns: 1,
            colour: Box::new(|_, v| cell_color(v, None)),
            title: format!("P({})", class_name(opts, 1)),
        }
    };
    let (x, y) = HeatChart::axes(extent);
    HeatChart {
        pen,
        x,
        y,
        title: None,
        axis_titles: opts.axis_titles,
        legend,
        bar,
        furnished: opts.draw_axes,
        min_css: AXES_MIN_SIZE,
    }
}

/// The heat map's plotting rectangle `(left, top, right, bottom)` in pixels (right and bottom
/// exclusive) for an area of `size` showing `extent` with `n_classes` classes: the whole area,
/// or the area minus the furniture (tick labels, axis titles, legend, colour bar; scaled by the
/// pixel ratio) when `draw_axes` is set and the area is at least 120 CSS px a side.
///
/// ```
/// use qmlp::plot::{boundary_plot_rect, BoundaryOptions};
/// let ext = [-1.0, 1.0, -1.0, 1.0];
/// let opts = BoundaryOptions::default();
/// assert_eq!(boundary_plot_rect((300, 200), ext, 2, &opts), (0, 0, 300, 200));
/// let axes = BoundaryOptions { draw_axes: true, ..opts };
/// let hidpi = BoundaryOptions { pixel_ratio: 2.0, ..axes };
/// let (l1, ..) = boundary_plot_rect((300, 300), ext, 2, &axes);
/// let (l2, ..) = boundary_plot_rect((600, 600), ext, 2, &hidpi);
/// assert!((l2 - 2 * l1).abs() <= 1);
/// ```
pub fn boundary_plot_rect(
    size: (u32, u32),
    extent: [f64; 4],
    n_classes: usize,
    opts: &BoundaryOptions,
) -> (i32, i32, i32, i32) {
    chart(extent, n_classes, opts).rect(size).tuple()
}

/// The data-space coordinate under a pixel of a boundary plot drawn on an area of `size` (the
/// inverse of [`draw_boundary`]'s mapping, furniture included when axes are drawn), taken at the
/// pixel's centre; None outside the plotting rectangle or for a degenerate extent.
///
/// ```
/// use qmlp::plot::{boundary_pixel_to_data, BoundaryOptions};
/// let opts = BoundaryOptions::default();
/// let ext = [-1.0, 1.0, -1.0, 1.0];
/// let (x, y) = boundary_pixel_to_data(ext, 2, (200, 200), &opts, (0, 199)).unwrap();
/// assert!(x < -0.98 && y < -0.98);
/// assert!(boundary_pixel_to_data(ext, 2, (200, 200), &opts, (200, 0)).is_none());
/// ```
pub fn boundary_pixel_to_data(
    extent: [f64; 4],
    n_classes: usize,
    size: (u32, u32),
    opts: &BoundaryOptions,
    px: (i32, i32),
) -> Option<(f64, f64)> {
    check_extent(extent).ok()?;
    let chart = chart(extent, n_classes, opts);
    chart.data_at(chart.rect(size), px)
}

/// Checks the grid's shape against its values (and classes).
fn check_map(map: &BoundaryMap) -> Result<(), PlotError> {
    check_extent(map.extent)?;
    check_grid(map.grid_n, map.values.len(), "boundary")?;
    if let Some(c) = map.classes {
        if c.len() != map.values.len() {
            return Err(PlotError::InvalidInput(format!(
                "the boundary grid is {n}x{n} = {} cells but {} predicted classes were given",
                map.values.len(),
                c.len(),
                n = map.grid_n
            )));
        }
    }
    Ok(())
}

/// Heat map of the model's output over the data's extent, with the training (filled) and test
/// (hollow / ringed) points on top and, with `draw_axes`, the furniture around it. Draws only
/// the plotting rectangle and the furniture: the caller clears the area between frames if
/// needed. The heat map is one filled rectangle per cell; a backend that can paint images may
/// instead paint [`boundary_rgba`] scaled onto [`boundary_plot_rect`] and call
/// [`draw_boundary_overlay`].
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
    let rect = chart(map.extent, map.n_classes, opts).rect(area.dim_in_pixel());
    if rect.width() <= 0 || rect.height() <= 0 {
        return Ok(());
    }
    draw_cells(area, rect, map.grid_n, |i| map_cell_color(map, i))?;
    draw_boundary_overlay(area, map, points, opts)
}

/// Everything of [`draw_boundary`] but the heat map's cells: the furniture (with `draw_axes`),
/// the points and the highlight ring, for an area whose plotting rectangle
/// ([`boundary_plot_rect`]) already holds the heat map. Only the map's extent and number of
/// classes are used. Text is drawn with explicit anchors only (no text measuring).
pub fn draw_boundary_overlay<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    map: &BoundaryMap,
    points: &[PlotPoint],
    opts: &BoundaryOptions,
) -> Result<(), PlotError> {
    check_extent(map.extent)?;
    let chart = chart(map.extent, map.n_classes, opts);
    let rect = chart.draw_furniture(area)?;
    if rect.width() <= 0 || rect.height() <= 0 {
        return Ok(());
    }
    let (pen, frame) = (&chart.pen, chart.frame(rect));
    let r = point_radius(rect.width(), rect.height(), pen.r);
    let shown = points.iter().filter(|p| opts.show_test && p.test);
    for p in shown.chain(points.iter().filter(|p| !p.test)) {
        if let Some(c) = frame.inside(p.x, p.y) {
            let shape = if p.test {
                MarkerShape::Ring
            } else {
                MarkerShape::Dot
            };
            pen.marker_px(area, c, shape, class_color(p.class), r, Some(WHITE))?;
        }
    }
    if let Some(c) = opts.highlight.and_then(|(x, y)| frame.inside(x, y)) {
        let stroke = pen.px(2.0) as u32;
        let outer = (r + pen.px(7.0)) as u32;
        let inner = (r + pen.px(5.0)) as u32;
        area.draw(&Circle::new(c, outer, WHITE.stroke_width(stroke)))?;
        let dark = RGBColor(30, 32, 38);
        area.draw(&Circle::new(c, inner, dark.stroke_width(stroke)))?;
    }
    Ok(())
}

/// Point radius in device pixels for a plot rectangle of this size (device pixels) at pixel
/// ratio `r`: about 1/105 of the shorter side, 2 to 5 CSS px.
fn point_radius(w: i32, h: i32, r: f64) -> i32 {
    (f64::from(w.min(h)) / 105.0)
        .clamp(2.0 * r, 5.0 * r)
        .round()
        .max(1.0) as i32
}

/// The colour of cell `i` of a checked map.
fn map_cell_color(map: &BoundaryMap, i: usize) -> RGBColor {
    match map.classes {
        Some(classes) => confidence_color(map.n_classes, classes[i], map.values[i]),
        None => cell_color(map.values[i], None),
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
    Ok(grid_rgba(map.grid_n, |i| map_cell_color(map, i)))
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
    let [x0, x1, y0, y1] = extent;
    let (x, y) = (Axis::linear(x0, x1, 0), Axis::linear(y0, y1, 0));
    let frame = Frame {
        rect: Rect {
            l: pad,
            t: pad,
            r: w - pad,
            b: h - pad,
        },
        x: &x,
        y: &y,
    };
    let k = n_classes.max(1);
    for p in points {
        if let Some(c) = frame.inside(p.x, p.y) {
            let class = if n_classes > 0 { p.class % k } else { p.class };
            area.draw(&Circle::new(c, r, class_color(class).filled()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
