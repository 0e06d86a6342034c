//! # plot — the playground's pictures
//!
//! Owns the **loss chart** ([`draw_loss_chart`]), the **decision-boundary map**
//! ([`draw_boundary`], with [`boundary_pixel_to_data`] to map clicks back to data space) and the
//! **dataset thumbnails** ([`draw_thumbnail`]), plus the class palette ([`class_color`],
//! [`cell_color`]). Everything is drawn on ANY `plotters::prelude::DrawingBackend`: natively the
//! tests use `SVGBackend`, the page uses plotters-canvas' `CanvasBackend`.
//!
//! May import: `plotters` and `std` only — nothing from `sim`, `circuit`, `model`, `train`, `data`
//! or `web`. Callers hand in plain slices (loss values, grid values, points).
//!
//! Layout: `mod.rs` (errors, palette, shared types), `ticks.rs` (nice axis ticks and labels),
//! `text.rs` (text width estimates, pixel-ratio helpers), `loss.rs` (the loss chart),
//! `boundary.rs` (heat map, points, thumbnails, pixel mapping, the heat map as an RGBA image).
//!
//! Text is never measured through the backend: layouts use fixed margins and estimated text
//! widths, and every label is drawn with an explicit anchor, so on wasm plotters' font code
//! (which measures with a DOM `<span>` and an inline `style`, blocked by a strict Content
//! Security Policy) is never reached. Sizes are in CSS pixels times a `pixel_ratio` option, so a
//! HiDPI canvas gets the same picture at its own resolution.

mod boundary;
mod loss;
mod text;
mod ticks;

pub use boundary::{
    boundary_pixel_to_data, boundary_plot_rect, boundary_rgba, draw_boundary,
    draw_boundary_overlay, draw_thumbnail, BoundaryMap, BoundaryOptions, PlotPoint,
};
pub use loss::{draw_loss_chart, LossChartOptions, Series};

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
/// `value` = strength in [0,1] of the lightened `class` colour over near-white. NaN gives near-white.
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

/// `c` mixed with white by `amount` in [0,1].
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
