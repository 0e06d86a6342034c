//! # plot — the playground's pictures
//!
//! Owns every chart, each a pure function of plain input structs drawn on ANY
//! `plotters::prelude::DrawingBackend` (natively the tests use `SVGBackend`, the page
//! plotters-canvas' `CanvasBackend`):
//! - the **loss chart** ([`draw_loss_chart`], the four history [`Curve`]s, edit [`EpochMark`]s);
//! - the **decision-boundary map** ([`draw_boundary`]; [`boundary_rgba`] +
//!   [`draw_boundary_overlay`] for a canvas that paints the map as one image;
//!   [`boundary_pixel_to_data`] maps clicks back) and the **dataset thumbnails**
//!   ([`draw_thumbnail`]);
//! - the **confusion matrix** ([`draw_confusion_matrix`]), the **class balance**
//!   ([`draw_class_balance`]), the **barren-plateau scaling** plot ([`draw_variance_scaling`],
//!   [`fit_exponential`]), the **loss landscape** ([`draw_landscape`], with the same image +
//!   overlay form), the **Fourier spectrum** ([`draw_spectrum`]) and the **gradient norms**
//!   ([`draw_gradient_norms`]);
//! - the palettes ([`class_color`], [`cell_color`], [`scale_color`]).
//!
//! May import: `plotters` and `std` only — nothing from `sim`, `circuit`, `model`, `train`, `data`
//! or `web`. Callers hand in plain slices (loss values, grid values, points).
//!
//! Layout: the charts (`loss.rs`, `gradients.rs`, `boundary.rs`, `landscape.rs`,
//! `confusion.rs`, `balance.rs`, `scaling.rs`, `spectrum.rs`) are built from one layer of chart
//! parts: `pen.rs` (themes; anchored text, rules, lines with dash patterns, markers at a pixel
//! ratio), `axis.rs` (linear, log, whole-number and category axes), `ticks.rs` (nice ticks and
//! their labels), `text.rs` (text width estimates, shortening, pixel-ratio helpers), `legend.rs`
//! (legends in rows, colour bars), `frame.rs` (where the plot goes around its titles, tick labels,
//! legend and colour bar; axes and grid) and `heat.rs` (heat-map cells as rectangles or an RGBA
//! image, and the heat-map chart shared by the boundary and the landscape). `mod.rs` holds the
//! errors, palettes and the shared [`ChartStyle`].
//!
//! Text is never measured through the backend: layouts use estimated text widths, and every
//! label is drawn with an explicit anchor, so on wasm plotters' font code (which measures with a
//! DOM `<span>` and an inline `style`, blocked by a strict Content Security Policy) is never
//! reached. Sizes are in CSS pixels times a `pixel_ratio` option, so a HiDPI canvas gets the
//! same picture at its own resolution.

mod axis;
mod balance;
mod boundary;
mod confusion;
mod frame;
mod gradients;
mod heat;
mod landscape;
mod legend;
mod loss;
mod pen;
mod scaling;
mod spectrum;
mod text;
mod ticks;

pub use balance::{draw_class_balance, ClassBalance, SplitCounts};
pub use boundary::{
    boundary_pixel_to_data, boundary_plot_rect, boundary_rgba, draw_boundary,
    draw_boundary_overlay, draw_thumbnail, BoundaryMap, BoundaryOptions, PlotPoint,
};
pub use confusion::{draw_confusion_matrix, ConfusionMatrix, MAX_CONFUSION_CLASSES};
pub use gradients::{block_style, draw_gradient_norms, GradientNorms};
pub use landscape::{
    draw_landscape, draw_landscape_overlay, landscape_plot_rect, landscape_rgba, Landscape,
};
pub use loss::{draw_loss_chart, Curve, EpochMark, LineStyle, LossChartOptions, Series};
pub use pen::{Dash, MarkerShape};
pub use scaling::{draw_variance_scaling, fit_exponential, ExpFit, ScalingSeries, VarianceScaling};
pub use spectrum::{draw_spectrum, Spectrum};

use plotters::drawing::DrawingAreaErrorKind;
use plotters::style::RGBColor;
use std::fmt;

/// Why a plot could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum PlotError {
    /// The input does not describe a drawable plot (e.g. a grid of the wrong size).
    InvalidInput(String),
    /// The drawing backend failed (plotters' error, as a message).
    Drawing(String),
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::InvalidInput(m) => write!(f, "cannot draw plot: {m}"),
            PlotError::Drawing(m) => write!(f, "drawing failed: {m}"),
        }
    }
}

impl std::error::Error for PlotError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Drawing(e.to_string())
    }
}

/// The look every chart shares: an optional caption, the theme, and the pixel density.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartStyle<'a> {
    /// Caption above the chart.
    pub title: Option<&'a str>,
    /// Dark background with light text.
    pub dark: bool,
    /// Device pixels per CSS pixel (`devicePixelRatio`): text, margins, lines and markers are
    /// this many times larger. Default 1; non-finite or non-positive values count as 1, others
    /// are clamped to [0.5, 4].
    pub pixel_ratio: f64,
}

impl Default for ChartStyle<'_> {
    fn default() -> Self {
        Self {
            title: None,
            dark: false,
            pixel_ratio: 1.0,
        }
    }
}

/// The class palette: orange, blue (TensorFlow-Playground style), then green, purple, red, teal,
/// brown, pink; cycles after eight classes.
const PALETTE: [RGBColor; 8] = [
    RGBColor(245, 147, 34),
    RGBColor(8, 119, 189),
    RGBColor(46, 160, 67),
    RGBColor(142, 68, 173),
    RGBColor(214, 39, 40),
    RGBColor(23, 163, 168),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
];

/// The neutral colour of an undecided heat-map cell (a soft near-white).
const NEUTRAL: RGBColor = RGBColor(236, 238, 240);

/// How much of a class colour is mixed with white for the most confident heat-map cells, so the
/// (full-colour) points stay visible on top.
const CELL_LIGHTEN: f64 = 0.38;

/// The colour of class `class`: 0 orange, 1 blue, 2 green, 3 purple, … (cycles after eight).
///
/// ```
/// use qmlp::plot::class_color;
/// assert_ne!(class_color(0), class_color(1));
/// assert_eq!(class_color(0), class_color(8));
/// ```
pub fn class_color(class: usize) -> RGBColor {
    PALETTE[class % PALETTE.len()]
}

/// Colour of a heat-map cell: binary (`class` = None): `value` = P(class 1) blends from a lightened
/// class-0 colour (0) through near-white (0.5) to a lightened class-1 colour (1); multi-class:
/// `value` = strength in 0..=1 of the lightened `class` colour over near-white. NaN gives near-white.
///
/// ```
/// use qmlp::plot::cell_color;
/// let undecided = cell_color(0.5, None);
/// assert!(undecided.0 > 220 && undecided.1 > 220 && undecided.2 > 220);
/// let blue = cell_color(1.0, None);
/// assert!(blue.2 > blue.0);
/// ```
pub fn cell_color(value: f64, class: Option<usize>) -> RGBColor {
    let v = if value.is_nan() {
        match class {
            Some(_) => 0.0,
            None => 0.5,
        }
    } else {
        value.clamp(0.0, 1.0)
    };
    let (target, strength) = match class {
        Some(c) => (class_color(c), v),
        None if v >= 0.5 => (class_color(1), 2.0 * v - 1.0),
        None => (class_color(0), 1.0 - 2.0 * v),
    };
    // A gentle ease-out so confident regions read clearly while the boundary stays soft.
    let s = strength.powf(0.8);
    mix(NEUTRAL, lighten(target, CELL_LIGHTEN), s)
}

/// Stops of the sequential scale of [`scale_color`]: deep indigo, blue, teal, green, pale
/// yellow, rising in lightness so order reads without colour vision.
const SCALE: [RGBColor; 5] = [
    RGBColor(36, 26, 92),
    RGBColor(44, 86, 156),
    RGBColor(32, 146, 140),
    RGBColor(122, 196, 96),
    RGBColor(246, 232, 120),
];

/// The colour of `t` in 0..=1 on the sequential scale of value heat maps (loss landscapes):
/// dark indigo (0) through blue, teal and green to pale yellow (1). Out of range values are
/// clamped; NaN gives mid grey.
///
/// ```
/// use qmlp::plot::scale_color;
/// let (lo, hi) = (scale_color(0.0), scale_color(1.0));
/// assert!(u32::from(lo.0) + u32::from(lo.1) + u32::from(lo.2) < u32::from(hi.0) + u32::from(hi.1) + u32::from(hi.2));
/// ```
pub fn scale_color(t: f64) -> RGBColor {
    if t.is_nan() {
        return RGBColor(150, 150, 150);
    }
    let x = t.clamp(0.0, 1.0) * (SCALE.len() - 1) as f64;
    let i = (x.floor() as usize).min(SCALE.len() - 2);
    mix(SCALE[i], SCALE[i + 1], x - i as f64)
}

/// `c` mixed with white by `amount` in 0..=1.
pub(crate) fn lighten(c: RGBColor, amount: f64) -> RGBColor {
    mix(c, RGBColor(255, 255, 255), amount)
}

/// Linear blend from `a` (t = 0) to `b` (t = 1).
pub(crate) fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let ch = |x: u8, y: u8| -> u8 {
        let v = f64::from(x) + (f64::from(y) - f64::from(x)) * t;
        v.round().clamp(0.0, 255.0) as u8
    };
    RGBColor(ch(a.0, b.0), ch(a.1, b.1), ch(a.2, b.2))
}

/// Checks an extent `[xmin, xmax, ymin, ymax]` is finite and non-degenerate.
pub(crate) fn check_extent(extent: [f64; 4]) -> Result<(), PlotError> {
    let [x0, x1, y0, y1] = extent;
    if !extent.iter().all(|v| v.is_finite()) || x1 <= x0 || y1 <= y0 {
        return Err(PlotError::InvalidInput(format!(
            "the extent [xmin, xmax, ymin, ymax] = {extent:?} must be finite with xmin < xmax and ymin < ymax"
        )));
    }
    Ok(())
}

/// Test helpers shared by the plot tests: render to an SVG string and pick it apart.
#[cfg(test)]
pub(crate) mod testutil {
    use plotters::prelude::*;
    use plotters_backend::{
        BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
    };

    /// Renders with `f` on a fresh SVG area of `size` and returns the SVG text.
    pub fn render<F>(size: (u32, u32), f: F) -> String
    where
        F: FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>),
    {
        let mut s = String::new();
        {
            let root = SVGBackend::with_string(&mut s, size).into_drawing_area();
            f(&root);
            root.present().expect("present svg");
        }
        s
    }

    /// All tags named `tag` (e.g. "polyline"), as their full `<tag .../>` text.
    pub fn tags<'a>(svg: &'a str, tag: &str) -> Vec<&'a str> {
        let open = format!("<{tag} ");
        let mut out = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find(&open) {
            let tail = &rest[i..];
            let end = tail.find('>').map_or(tail.len(), |e| e + 1);
            out.push(&tail[..end]);
            rest = &tail[end..];
        }
        out
    }

    /// The value of attribute `name` in a tag's text.
    pub fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let key = format!(" {name}=\"");
        let i = tag.find(&key)? + key.len();
        let len = tag[i..].find('"')?;
        Some(&tag[i..i + len])
    }

    /// The texts of all `<text>` elements.
    pub fn texts(svg: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find("<text") {
            let tail = &rest[i..];
            let Some(gt) = tail.find('>') else { break };
            let Some(close) = tail.find("</text>") else {
                break;
            };
            out.push(tail[gt + 1..close].trim().to_string());
            rest = &tail[close..];
        }
        out
    }

    /// The estimated box `(x0, y0, x1, y1)` of every `<text>` (content, box), from its anchor,
    /// font size (the SVG backend writes size / 1.24) and estimated width; glyph height is taken
    /// as 0.8 of the font size, and texts rotated a quarter turn get an upright box.
    pub fn text_boxes(svg: &str) -> Vec<(String, [f64; 4])> {
        tags(svg, "text")
            .into_iter()
            .zip(texts(svg))
            .map(|(t, content)| {
                let num = |k: &str| {
                    attr(t, k)
                        .and_then(|v| v.parse::<f64>().ok())
                        .unwrap_or(0.0)
                };
                let (x, y) = (num("x"), num("y"));
                let size = num("font-size") * 1.24;
                let w = super::text::estimate_width(&content, size);
                let h = 0.8 * size;
                let rotated = attr(t, "transform").is_some_and(|r| r.starts_with("rotate"));
                if rotated {
                    return (
                        content,
                        [x - h / 2.0, y - w / 2.0, x + h / 2.0, y + w / 2.0],
                    );
                }
                let (x0, x1) = match attr(t, "text-anchor") {
                    Some("middle") => (x - w / 2.0, x + w / 2.0),
                    Some("end") => (x - w, x),
                    _ => (x, x + w),
                };
                let (y0, y1) = match attr(t, "dy") {
                    Some("0.76em") => (y, y + h),
                    Some("-0.5ex") => (y - h, y),
                    _ => (y - h / 2.0, y + h / 2.0),
                };
                (content, [x0, y0, x1, y1])
            })
            .collect()
    }

    /// Panics unless every text lies inside `size` and no two texts overlap or touch
    /// (estimated boxes).
    pub fn assert_readable(svg: &str, size: (u32, u32)) {
        let boxes = text_boxes(svg);
        let (w, h) = (f64::from(size.0) + 0.5, f64::from(size.1) + 0.5);
        for (t, b) in &boxes {
            assert!(
                b[0] >= -0.5 && b[1] >= -0.5 && b[2] <= w && b[3] <= h,
                "{t:?} at {b:?} leaves the {size:?} area"
            );
        }
        for (i, (ta, a)) in boxes.iter().enumerate() {
            for (tb, b) in &boxes[i + 1..] {
                // Side by side, texts keep 2 px apart; one above the other, they may not touch.
                let overlap = a[0] < b[2] + 2.0 && b[0] < a[2] + 2.0 && a[1] < b[3] && b[1] < a[3];
                assert!(
                    !overlap,
                    "{ta:?} {a:?} overlaps {tb:?} {b:?} in a {size:?} chart"
                );
            }
        }
    }

    /// Writes `svg` to `$QMLP_PLOT_SAMPLES/<name>.svg` when that variable is set (a way to look
    /// at the charts: `QMLP_PLOT_SAMPLES=/tmp/s cargo test --lib plot::`, then
    /// `node bench/plot-shots.mjs --svg /tmp/s` turns them into PNGs).
    pub fn sample(name: &str, svg: &str) {
        if let Ok(dir) = std::env::var("QMLP_PLOT_SAMPLES") {
            std::fs::create_dir_all(&dir).expect("sample directory");
            std::fs::write(format!("{dir}/{name}.svg"), svg).expect("write sample");
        }
    }

    /// Every opaque filled `<rect>` as `(x, y, width, fill colour)`.
    pub fn filled_rects(svg: &str) -> Vec<(i32, i32, i32, plotters::style::RGBColor)> {
        tags(svg, "rect")
            .into_iter()
            .filter(|t| attr(t, "opacity") == Some("1"))
            .filter_map(|t| {
                let num = |k: &str| attr(t, k)?.parse::<i32>().ok();
                let f = attr(t, "fill")?.trim_start_matches('#');
                let ch = |i: usize| u8::from_str_radix(f.get(i..i + 2)?, 16).ok();
                let c = plotters::style::RGBColor(ch(0)?, ch(2)?, ch(4)?);
                Some((num("x")?, num("y")?, num("width")?, c))
            })
            .collect()
    }

    /// Whether two colours differ by less than 16 summed over the channels.
    pub fn near(a: plotters::style::RGBColor, b: plotters::style::RGBColor) -> bool {
        let d = |x: u8, y: u8| i32::from(x.abs_diff(y));
        d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2) < 16
    }

    /// The texts `f` draws on a `size` area of a backend that fails on any text measuring
    /// (drawing must succeed).
    pub fn unmeasured_texts(
        size: (u32, u32),
        f: impl FnOnce(&DrawingArea<NoMeasure, plotters::coord::Shift>) -> Result<(), super::PlotError>,
    ) -> Vec<String> {
        let texts = std::rc::Rc::default();
        let area = NoMeasure {
            size,
            texts: std::rc::Rc::clone(&texts),
        }
        .into_drawing_area();
        f(&area).expect("drawn without measuring text");
        let out = texts.borrow().clone();
        out
    }

    /// Renders `f` at each `(size, pixel ratio)` (the size in device pixels) and hands the SVG
    /// to `check` with the size.
    pub fn at_ratios(
        sizes: &[((u32, u32), f64)],
        f: impl Fn(
            &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
            &super::ChartStyle,
        ) -> Result<(), super::PlotError>,
        mut check: impl FnMut(&str, (u32, u32), f64),
    ) {
        for &(size, ratio) in sizes {
            let style = super::ChartStyle {
                pixel_ratio: ratio,
                ..Default::default()
            };
            let svg = render(size, |a| f(a, &style).expect("draw"));
            check(&svg, size, ratio);
        }
    }

    /// Writes `name.svg` (at `css` size) and `name@2x.svg` samples of `f` (see [`sample`]).
    pub fn samples(
        name: &str,
        css: (u32, u32),
        f: impl Fn(
            &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
            &super::ChartStyle,
        ) -> Result<(), super::PlotError>,
    ) {
        if std::env::var("QMLP_PLOT_SAMPLES").is_err() {
            return;
        }
        for (ratio, suffix) in [(1.0, ""), (2.0, "@2x")] {
            let size = (
                (f64::from(css.0) * ratio) as u32,
                (f64::from(css.1) * ratio) as u32,
            );
            let style = super::ChartStyle {
                pixel_ratio: ratio,
                title: None,
                dark: false,
            };
            sample(
                &format!("{name}{suffix}"),
                &render(size, |a| f(a, &style).expect("draw")),
            );
        }
    }

    /// `#RRGGBB` as the SVG backend writes it.
    pub fn hex(c: plotters::style::RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    /// A backend that refuses to measure text (as the page's canvas must never do, see the
    /// module docs) and records the texts drawn; every other drawing call does nothing.
    pub struct NoMeasure {
        pub size: (u32, u32),
        pub texts: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
    }

    impl DrawingBackend for NoMeasure {
        type ErrorType = std::io::Error;

        fn get_size(&self) -> (u32, u32) {
            self.size
        }
        fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<std::io::Error>> {
            Ok(())
        }
        fn present(&mut self) -> Result<(), DrawingErrorKind<std::io::Error>> {
            Ok(())
        }
        fn draw_pixel(
            &mut self,
            _: BackendCoord,
            _: BackendColor,
        ) -> Result<(), DrawingErrorKind<std::io::Error>> {
            Ok(())
        }
        fn draw_line<S: BackendStyle>(
            &mut self,
            _: BackendCoord,
            _: BackendCoord,
            _: &S,
        ) -> Result<(), DrawingErrorKind<std::io::Error>> {
            Ok(())
        }
        fn draw_rect<S: BackendStyle>(
            &mut self,
            _: BackendCoord,
            _: BackendCoord,
            _: &S,
            _: bool,
        ) -> Result<(), DrawingErrorKind<std::io::Error>> {
            Ok(())
        }
        fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
            &mut self,
            _: I,
            _: &S,
        ) -> Result<(), DrawingErrorKind<std::io::Error>> {
            Ok(())
        }
        fn draw_circle<S: BackendStyle>(
            &mut self,
            _: BackendCoord,
            _: u32,
            _: &S,
            _: bool,
        ) -> Result<(), DrawingErrorKind<std::io::Error>> {
            Ok(())
        }
        fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
            &mut self,
            _: I,
            _: &S,
        ) -> Result<(), DrawingErrorKind<std::io::Error>> {
            Ok(())
        }
        fn draw_text<S: BackendTextStyle>(
            &mut self,
            text: &str,
            _: &S,
            _: BackendCoord,
        ) -> Result<(), DrawingErrorKind<std::io::Error>> {
            self.texts.borrow_mut().push(text.to_string());
            Ok(())
        }
        fn estimate_text_size<S: BackendTextStyle>(
            &self,
            text: &str,
            _: &S,
        ) -> Result<(u32, u32), DrawingErrorKind<std::io::Error>> {
            Err(DrawingErrorKind::DrawingError(std::io::Error::other(
                format!("text measured: {text:?}"),
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_starts_orange_then_blue() {
        let o = class_color(0);
        let b = class_color(1);
        assert!(o.0 > o.2, "class 0 is orange-ish");
        assert!(b.2 > b.0, "class 1 is blue-ish");
        assert_eq!(class_color(2), PALETTE[2]);
        assert_eq!(class_color(9), class_color(1));
    }

    #[test]
    fn binary_cells_blend_through_near_white() {
        let mid = cell_color(0.5, None);
        assert_eq!(mid, NEUTRAL);
        let lo = cell_color(0.0, None);
        let hi = cell_color(1.0, None);
        assert_eq!(lo, lighten(class_color(0), CELL_LIGHTEN));
        assert_eq!(hi, lighten(class_color(1), CELL_LIGHTEN));
        // Lightened: never as dark as the point colours.
        assert!(hi.0 > class_color(1).0 && hi.1 > class_color(1).1);
        // Monotone towards blue.
        let a = cell_color(0.6, None);
        let b = cell_color(0.8, None);
        assert!(a.0 > b.0, "red channel falls as P(blue) rises: {a:?} {b:?}");
        // Out of range and NaN do not panic.
        assert_eq!(cell_color(2.0, None), hi);
        assert_eq!(cell_color(-1.0, None), lo);
        assert_eq!(cell_color(f64::NAN, None), NEUTRAL);
    }

    #[test]
    fn multiclass_cells_take_the_class_hue() {
        assert_eq!(cell_color(0.0, Some(2)), NEUTRAL);
        let g = cell_color(1.0, Some(2));
        assert_eq!(g, lighten(class_color(2), CELL_LIGHTEN));
        assert!(g.1 > g.0 && g.1 > g.2);
        assert_eq!(cell_color(f64::NAN, Some(3)), NEUTRAL);
    }

    #[test]
    fn the_value_scale_rises_in_lightness() {
        let light =
            |c: RGBColor| 0.3 * f64::from(c.0) + 0.59 * f64::from(c.1) + 0.11 * f64::from(c.2);
        let mut last = -1.0;
        for i in 0..=40 {
            let l = light(scale_color(f64::from(i) / 40.0));
            assert!(l > last, "step {i}: {l} after {last}");
            last = l;
        }
        assert_eq!(scale_color(-1.0), SCALE[0]);
        assert_eq!(scale_color(2.0), SCALE[4]);
        assert_eq!(scale_color(f64::NAN), RGBColor(150, 150, 150));
    }

    #[test]
    fn extent_is_checked() {
        assert!(check_extent([-1.0, 1.0, -1.0, 1.0]).is_ok());
        assert!(check_extent([1.0, 1.0, -1.0, 1.0]).is_err());
        assert!(check_extent([0.0, 1.0, f64::NAN, 1.0]).is_err());
    }

    #[test]
    fn plotters_errors_become_messages() {
        #[derive(Debug)]
        struct Boom;
        impl fmt::Display for Boom {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "boom")
            }
        }
        impl std::error::Error for Boom {}
        let e: PlotError = DrawingAreaErrorKind::<Boom>::LayoutError.into();
        assert!(
            matches!(e, PlotError::Drawing(ref m) if !m.is_empty()),
            "{e}"
        );
    }
}
