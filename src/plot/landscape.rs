//! The loss landscape: the loss on an `n × n` grid over two directions as a heat map (the same
//! cells and RGBA-image path as the decision boundary), its scale as a colour bar, the training
//! path drawn over it and the current point marked.

use super::axis::{min_max, Axis};
use super::heat::{check_grid, draw_cells, grid_rgba, HeatChart};
use super::legend::{ColourBar, Entry, Swatch};
use super::pen::{Dash, MarkerShape, Pen};
use super::{check_extent, scale_color, ChartStyle, PlotError};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Loss values on a grid around the current weights, and the path training took.
#[derive(Debug, Clone, Copy)]
pub struct Landscape<'a> {
    /// `[a_min, a_max, b_min, b_max]`: the range of the two direction coordinates.
    pub extent: [f64; 4],
    /// Cells per side (e.g. 41).
    pub grid_n: usize,
    /// `grid_n * grid_n` loss values, row-major, row 0 = `b_min` (bottom), column 0 = `a_min`.
    /// Values that are not finite are drawn grey.
    pub values: &'a [f64],
    /// The training path in the same coordinates, oldest first (may be empty).
    pub path: &'a [(f64, f64)],
    /// The current weights' position, marked.
    pub current: Option<(f64, f64)>,
    /// Titles of the two directions, e.g. `["d1", "d2"]` or `["θ3", "θ7"]`.
    pub axis_titles: [&'a str; 2],
    /// What the values are, e.g. "loss" (the colour bar's title).
    pub value_title: &'a str,
    /// Colour by log10 of the value (positive values only; others clamp to the smallest).
    pub log_scale: bool,
}

/// The path's core and edge colours, and the current point's colour.
const PATH: RGBColor = RGBColor(255, 255, 255);
const PATH_EDGE: RGBColor = RGBColor(20, 22, 30);
const NOW: RGBColor = RGBColor(226, 52, 40);

/// The colour bar's axis: the finite values' range, linear or log10.
fn value_axis(l: &Landscape) -> Axis {
    let finite = l.values.iter().copied().filter(|v| v.is_finite());
    if l.log_scale {
        let (lo, hi) = min_max(finite.filter(|v| *v > 0.0)).unwrap_or((1e-3, 1.0));
        let (a, b) = (lo.log10(), hi.log10());
        let b = if b - a < 1e-9 { a + 0.1 } else { b };
        Axis::log10(a, b)
    } else {
        let (lo, hi) = min_max(finite).unwrap_or((0.0, 1.0));
        let hi = if hi - lo < 1e-12 * lo.abs().max(1.0) {
            lo + 1e-3 * lo.abs().max(1.0)
        } else {
            hi
        };
        Axis::linear(lo, hi, 4)
    }
}

/// The colour of value `v` on `axis`.
fn value_color(axis: &Axis, v: f64) -> RGBColor {
    match axis.map(v) {
        Some(a) => scale_color((a - axis.lo) / (axis.hi - axis.lo)),
        None => scale_color(f64::NAN),
    }
}

/// The landscape's chart: axes over the extent, a legend of the path and markers, the colour bar.
fn chart<'a>(l: &Landscape<'a>, style: &ChartStyle<'a>) -> HeatChart<'a> {
    let pen = Pen::new(style.pixel_ratio, style.dark);
    let values = value_axis(l);
    let scale = values.clone();
    let ink = pen.th.ink;
    let (x, y) = HeatChart::axes(l.extent);
    HeatChart {
        pen,
        x,
        y,
        title: style.title,
        axis_titles: l.axis_titles,
        legend: vec![
            Entry::new("path", Swatch::Edged(PATH, PATH_EDGE)),
            Entry::new("start", Swatch::Marker(MarkerShape::Ring, ink)),
            Entry::new("now", Swatch::Marker(MarkerShape::Dot, NOW)),
        ],
        bar: ColourBar {
            axis: values,
            columns: 1,
            colour: Box::new(move |_, a| scale_color((a - scale.lo) / (scale.hi - scale.lo))),
            title: l.value_title.to_string(),
        },
        furnished: true,
        min_css: 0.0,
    }
}

fn check(l: &Landscape) -> Result<(), PlotError> {
    check_extent(l.extent)?;
    check_grid(l.grid_n, l.values.len(), "landscape")
}

/// The landscape's plotting rectangle `(left, top, right, bottom)` on an area of `size`
/// (right and bottom exclusive): where [`landscape_rgba`] goes when a canvas paints the map as
/// one image before [`draw_landscape_overlay`]. The whole area when it is too small for the
/// furniture.
pub fn landscape_plot_rect(
    size: (u32, u32),
    l: &Landscape,
    style: &ChartStyle,
) -> (i32, i32, i32, i32) {
    chart(l, style).rect(size).tuple()
}

/// The map as `grid_n × grid_n` opaque RGBA pixels, top row first (a canvas `ImageData`), the
/// colours [`draw_landscape`] gives the cells.
///
/// ```
/// use qmlp::plot::{landscape_rgba, scale_color, Landscape};
/// let values = [1.0, 2.0, 3.0, 4.0];
/// let l = Landscape { extent: [-1.0, 1.0, -1.0, 1.0], grid_n: 2, values: &values, path: &[],
///     current: None, axis_titles: ["d1", "d2"], value_title: "loss", log_scale: false };
/// let rgba = landscape_rgba(&l).unwrap();
/// let top_right = scale_color(1.0);
/// assert_eq!(&rgba[4..8], &[top_right.0, top_right.1, top_right.2, 255]);
/// ```
pub fn landscape_rgba(l: &Landscape) -> Result<Vec<u8>, PlotError> {
    check(l)?;
    let axis = value_axis(l);
    Ok(grid_rgba(l.grid_n, |i| value_color(&axis, l.values[i])))
}

/// Draws the landscape: fills the area with the theme background, the map as one rectangle per
/// cell, then [`draw_landscape_overlay`]. Never measures text.
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_landscape, ChartStyle, Landscape};
/// let values: Vec<f64> = (0..16).map(|i| f64::from(i)).collect();
/// let path = [(0.5, 0.5), (0.2, 0.1), (0.0, 0.0)];
/// let l = Landscape { extent: [-1.0, 1.0, -1.0, 1.0], grid_n: 4, values: &values, path: &path,
///     current: Some((0.0, 0.0)), axis_titles: ["d1", "d2"], value_title: "loss", log_scale: false };
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (320, 300)).into_drawing_area();
///     draw_landscape(&area, &l, &ChartStyle::default()).unwrap();
///     area.present().unwrap();
/// }
/// assert!(svg.contains("loss") && svg.contains("d1"));
/// ```
pub fn draw_landscape<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Landscape,
    style: &ChartStyle,
) -> Result<(), PlotError> {
    check(l)?;
    let chart = chart(l, style);
    area.fill(&chart.pen.th.background)?;
    let rect = chart.rect(area.dim_in_pixel());
    let axis = value_axis(l);
    draw_cells(area, rect, l.grid_n, |i| value_color(&axis, l.values[i]))?;
    draw_landscape_overlay(area, l, style)
}

/// Everything of [`draw_landscape`] but the background and the cells: the furniture (tick
/// labels, axis titles, legend, colour bar), the training path (a white line with a dark edge,
/// its start ringed) and the current point, for an area whose plotting rectangle
/// ([`landscape_plot_rect`]) already holds the map.
pub fn draw_landscape_overlay<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Landscape,
    style: &ChartStyle,
) -> Result<(), PlotError> {
    check_extent(l.extent)?;
    let chart = chart(l, style);
    let rect = chart.draw_furniture(area)?;
    let (pen, frame) = (&chart.pen, chart.frame(rect));
    // The path in runs of points inside the map (a step outside it breaks the line).
    let mut runs: Vec<Vec<(i32, i32)>> = vec![Vec::new()];
    for &(a, b) in l.path {
        match (frame.inside(a, b), runs.last_mut()) {
            (Some(p), Some(run)) => run.push(p),
            (None, Some(run)) if !run.is_empty() => runs.push(Vec::new()),
            _ => {}
        }
    }
    for run in &runs {
        pen.line(area, run.clone(), PATH_EDGE, 3.5, Dash::Solid)?;
        pen.line(area, run.clone(), PATH, 1.5, Dash::Solid)?;
    }
    if let Some(start) = l.path.first().and_then(|&(a, b)| frame.inside(a, b)) {
        pen.marker(area, start, MarkerShape::Ring, PATH_EDGE, 8.0, Some(PATH))?;
    }
    if let Some(c) = l.current.and_then(|(a, b)| frame.inside(a, b)) {
        pen.marker(area, c, MarkerShape::Dot, NOW, 9.0, Some(PATH))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_readable, at_ratios, attr, hex, render, samples, tags, texts, unmeasured_texts,
    };
    use super::*;

    /// A bowl with its minimum near (0.4, -0.3) on [-1, 1]² and a path rolling into it, as a
    /// landscape of `n × n` cells.
    fn with<R>(n: usize, f: impl FnOnce(&Landscape) -> R) -> R {
        let mut v = Vec::with_capacity(n * n);
        for row in 0..n {
            for col in 0..n {
                let a = -1.0 + 2.0 * (col as f64 + 0.5) / n as f64;
                let b = -1.0 + 2.0 * (row as f64 + 0.5) / n as f64;
                v.push(0.05 + (a - 0.4).powi(2) + 2.0 * (b + 0.3).powi(2) + 0.1 * (5.0 * a).sin());
            }
        }
        let path: Vec<(f64, f64)> = (0..30)
            .map(|i| {
                let t = (-f64::from(i) / 8.0).exp();
                (0.4 - 1.2 * t * (0.3 * f64::from(i)).cos(), -0.3 + 1.1 * t)
            })
            .collect();
        f(&Landscape {
            extent: [-1.0, 1.0, -1.0, 1.0],
            grid_n: n,
            values: &v,
            path: &path,
            current: path.last().copied(),
            axis_titles: ["d1", "d2"],
            value_title: "loss",
            log_scale: false,
        })
    }

    /// The number of points of each polyline in colour `c`.
    fn lines_of(svg: &str, c: RGBColor) -> Vec<usize> {
        tags(svg, "polyline")
            .iter()
            .filter(|p| attr(p, "stroke") == Some(hex(c).as_str()))
            .map(|p| attr(p, "points").map_or(0, |s| s.split_whitespace().count()))
            .collect()
    }

    #[test]
    fn map_path_current_point_legend_and_colour_bar() {
        let n = 41;
        let sizes = [((320, 300), 1.0), ((640, 600), 2.0), ((240, 220), 1.0)];
        with(n, |l| {
            at_ratios(
                &sizes,
                |a, st| draw_landscape(a, l, st),
                |svg, size, ratio| {
                    let t = texts(svg);
                    for want in ["d1", "d2", "loss", "path", "start", "now", "-1", "1"] {
                        assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
                    }
                    assert_readable(svg, size);
                    // The cells come first (after the background) and tile the plot rectangle.
                    let style = ChartStyle {
                        pixel_ratio: ratio,
                        ..Default::default()
                    };
                    let (l0, t0, r0, b0) = landscape_plot_rect(size, l, &style);
                    let area: i64 = tags(svg, "rect")[1..=n * n]
                        .iter()
                        .map(|r| {
                            let d = |k: &str| {
                                attr(r, k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)
                            };
                            d("width") * d("height")
                        })
                        .sum();
                    assert_eq!(area, i64::from((r0 - l0) * (b0 - t0)));
                    // The path: a dark edge under a white core through every point (after the
                    // legend's swatch), and the current point.
                    for c in [PATH, PATH_EDGE] {
                        assert_eq!(lines_of(svg, c), [2, l.path.len()]);
                    }
                    assert!(tags(svg, "circle")
                        .iter()
                        .any(|c| attr(c, "fill") == Some(hex(NOW).as_str())));
                },
            );
            // A path that leaves the map is cut where it is outside.
            let out = [(0.0, 0.0), (0.5, 0.5), (3.0, 3.0), (0.2, 0.2), (0.1, 0.1)];
            let cut = Landscape { path: &out, ..*l };
            let svg = render((320, 300), |a| {
                draw_landscape(a, &cut, &ChartStyle::default()).expect("draw")
            });
            assert_eq!(lines_of(&svg, PATH), [2, 2, 2], "the swatch and two runs");
        });
    }

    #[test]
    fn image_and_cells_agree_and_low_values_are_dark() {
        let n = 5;
        with(n, |l| {
            let rgba = landscape_rgba(l).expect("rgba");
            assert_eq!(rgba.len(), n * n * 4);
            let axis = value_axis(l);
            // Image row 0 is the grid's top row.
            let top_left = value_color(&axis, l.values[(n - 1) * n]);
            assert_eq!(&rgba[..3], &[top_left.0, top_left.1, top_left.2]);
            let lowest = l.values.iter().cloned().fold(f64::INFINITY, f64::min);
            assert_eq!(value_color(&axis, lowest), scale_color(0.0));
            // Log colouring and non-finite values.
            let mut bad = l.values.to_vec();
            bad[0] = f64::NAN;
            let log = Landscape {
                values: &bad,
                log_scale: true,
                ..*l
            };
            let rgba = landscape_rgba(&log).expect("rgba");
            let nan = scale_color(f64::NAN);
            let bottom_left = 4 * (n - 1) * n;
            assert_eq!(&rgba[bottom_left..bottom_left + 3], &[nan.0, nan.1, nan.2]);
            // Bad grids are errors.
            assert!(landscape_rgba(&Landscape {
                values: &l.values[..3],
                ..*l
            })
            .is_err());
            assert!(landscape_rgba(&Landscape {
                extent: [0.0, 0.0, 0.0, 1.0],
                ..*l
            })
            .is_err());
        });
    }

    #[test]
    fn overlay_is_the_landscape_without_its_cells_and_measures_no_text() {
        let n = 6;
        with(n, |l| {
            let style = ChartStyle::default();
            let full = render((300, 280), |a| draw_landscape(a, l, &style).expect("draw"));
            let over = render((300, 280), |a| {
                draw_landscape_overlay(a, l, &style).expect("overlay")
            });
            assert_eq!(texts(&full), texts(&over));
            assert_eq!(tags(&full, "polyline"), tags(&over, "polyline"));
            assert_eq!(tags(&full, "rect")[1 + n * n..], tags(&over, "rect")[..]);
            let t = unmeasured_texts((300, 280), |a| draw_landscape(a, l, &style));
            assert!(t.iter().any(|t| t == "loss"));
        });
    }

    #[test]
    fn render_samples_when_requested() {
        with(41, |l| {
            samples("landscape-320x300", (320, 300), |a, st| {
                draw_landscape(a, l, st)
            })
        });
    }
}
