//! The drawing primitives every chart uses: the light and dark themes, and a [`Pen`] that
//! draws at a pixel ratio — anchored text (never measured), crisp rules on whole pixels,
//! filled rectangles, polylines in a [`Dash`] pattern, and point markers ([`MarkerShape`]).
//!
//! Sizes passed to a `Pen` are CSS pixels; it multiplies them by its pixel ratio.

use super::text::{self, estimate_width, FONT};
use super::PlotError;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

/// How a line is drawn: solid, dashed or dotted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// A continuous line.
    Solid,
    /// Dashes of 7 CSS px with gaps of 5.
    Dashed,
    /// Dots: dashes of 2 CSS px with gaps of 3.
    Dotted,
}

/// The shape of a point marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerShape {
    /// A filled disc.
    Dot,
    /// A hollow ring.
    Ring,
    /// A filled square.
    Square,
    /// A filled diamond (a square on its corner).
    Diamond,
    /// A filled triangle, point up.
    Triangle,
}

/// The colours of a chart's furniture (background, text, grid, axes) in one theme.
pub(crate) struct Theme {
    pub background: RGBColor,
    pub text: RGBColor,
    /// Secondary text (tick labels on heat maps, notes).
    pub muted: RGBColor,
    pub grid: RGBAColor,
    pub minor_grid: RGBAColor,
    pub axis: RGBAColor,
    /// Neutral marks (legend markers for point styles, threshold labels' halo).
    pub ink: RGBColor,
}

const LIGHT: Theme = Theme {
    background: RGBColor(255, 255, 255),
    text: RGBColor(80, 84, 92),
    muted: RGBColor(110, 115, 124),
    grid: RGBAColor(0, 0, 0, 0.09),
    minor_grid: RGBAColor(0, 0, 0, 0.035),
    axis: RGBAColor(0, 0, 0, 0.35),
    ink: RGBColor(70, 74, 82),
};

const DARK: Theme = Theme {
    background: RGBColor(27, 29, 36),
    text: RGBColor(196, 200, 210),
    muted: RGBColor(160, 165, 176),
    grid: RGBAColor(255, 255, 255, 0.10),
    minor_grid: RGBAColor(255, 255, 255, 0.04),
    axis: RGBAColor(255, 255, 255, 0.35),
    ink: RGBColor(210, 214, 222),
};

/// Text sizes in CSS pixels: tick labels, titles and legends; small notes; captions.
pub(crate) const LABEL: f64 = 12.0;
pub(crate) const SMALL: f64 = 11.0;
pub(crate) const CAPTION: f64 = 14.0;

/// A drawing pen at one pixel ratio and theme.
#[derive(Clone, Copy)]
pub(crate) struct Pen {
    /// Device pixels per CSS pixel (already sanitised).
    pub r: f64,
    pub th: &'static Theme,
}

impl Pen {
    /// A pen for `pixel_ratio` (sanitised with [`text::ratio`]) in the dark or light theme.
    pub fn new(pixel_ratio: f64, dark: bool) -> Pen {
        Pen {
            r: text::ratio(pixel_ratio),
            th: if dark { &DARK } else { &LIGHT },
        }
    }

    /// Fills the whole area with the theme's background; returns the pen.
    pub fn background<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<Pen, PlotError> {
        area.fill(&self.th.background)?;
        Ok(self)
    }

    /// `css` CSS pixels as whole device pixels, at least one.
    pub fn px(&self, css: f64) -> i32 {
        text::px(css, self.r, 1)
    }

    /// A font size of `css` CSS pixels in device pixels.
    pub fn font(&self, css: f64) -> f64 {
        css * self.r
    }

    /// Estimated width in device pixels of `s` at font size `css` (CSS px).
    pub fn width(&self, s: &str, css: f64) -> f64 {
        estimate_width(s, self.font(css))
    }

    /// Draws `s` at `at`, anchored by `(h, v)`, at font size `css` in `color`.
    pub fn text<DB: DrawingBackend, C: Color>(
        &self,
        area: &DrawingArea<DB, Shift>,
        s: &str,
        at: (i32, i32),
        anchor: (HPos, VPos),
        css: f64,
        color: &C,
    ) -> Result<(), PlotError> {
        self.draw_text(area, s, at, anchor, css, color, FontTransform::None)
    }

    /// Draws `s` reading upwards (rotated a quarter turn anticlockwise), its centre at `at`.
    pub fn text_up<DB: DrawingBackend, C: Color>(
        &self,
        area: &DrawingArea<DB, Shift>,
        s: &str,
        at: (i32, i32),
        css: f64,
        color: &C,
    ) -> Result<(), PlotError> {
        let centre = (HPos::Center, VPos::Center);
        self.draw_text(area, s, at, centre, css, color, FontTransform::Rotate270)
    }

    /// Text with an explicit anchor (the backend aligns it; nothing is measured).
    #[allow(clippy::too_many_arguments)]
    fn draw_text<DB: DrawingBackend, C: Color>(
        &self,
        area: &DrawingArea<DB, Shift>,
        s: &str,
        at: (i32, i32),
        (h, v): (HPos, VPos),
        css: f64,
        color: &C,
        turn: FontTransform,
    ) -> Result<(), PlotError> {
        if s.is_empty() {
            return Ok(());
        }
        let font = (FONT, self.font(css)).into_font().transform(turn);
        let style = font.color(color).pos(Pos::new(h, v));
        area.draw(&Text::new(s.to_string(), at, style))?;
        Ok(())
    }

    /// A filled rectangle from `a` to `b` (device pixels).
    pub fn rect<DB: DrawingBackend, C: Color>(
        &self,
        area: &DrawingArea<DB, Shift>,
        a: (i32, i32),
        b: (i32, i32),
        color: &C,
    ) -> Result<(), PlotError> {
        area.draw(&Rectangle::new([a, b], color.filled()))?;
        Ok(())
    }

    /// The outline of the rectangle from `a` to `b`, `css` CSS px wide.
    pub fn outline<DB: DrawingBackend, C: Color>(
        &self,
        area: &DrawingArea<DB, Shift>,
        (a, b): ((i32, i32), (i32, i32)),
        color: &C,
        css: f64,
    ) -> Result<(), PlotError> {
        let style = color.stroke_width(self.px(css) as u32);
        area.draw(&Rectangle::new([a, b], style))?;
        Ok(())
    }

    /// A horizontal rule of `css` CSS px thickness from `x0` to `x1` at `y` (top edge), as a
    /// filled rectangle on whole pixels (crisp on a canvas at any ratio).
    pub fn hrule<DB: DrawingBackend, C: Color>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x0: i32,
        x1: i32,
        y: i32,
        css: f64,
        color: &C,
    ) -> Result<(), PlotError> {
        self.rect(area, (x0, y), (x1, y + self.px(css)), color)
    }

    /// A vertical rule of `css` CSS px thickness from `y0` to `y1` at `x` (left edge).
    pub fn vrule<DB: DrawingBackend, C: Color>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x: i32,
        y0: i32,
        y1: i32,
        css: f64,
        color: &C,
    ) -> Result<(), PlotError> {
        self.rect(area, (x, y0), (x + self.px(css), y1), color)
    }

    /// A polyline through `pts` (device pixels), `css` CSS px wide, in a dash pattern.
    /// Fewer than two points draw nothing.
    pub fn line<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        pts: Vec<(i32, i32)>,
        color: RGBColor,
        css: f64,
        dash: Dash,
    ) -> Result<(), PlotError> {
        if pts.len() < 2 {
            return Ok(());
        }
        let style = color.stroke_width(self.px(css) as u32);
        match dash {
            Dash::Solid => area.draw(&PathElement::new(pts, style))?,
            Dash::Dashed => area.draw(&DashedPathElement::new(
                pts,
                self.px(7.0) as u32,
                self.px(5.0) as u32,
                style,
            ))?,
            Dash::Dotted => area.draw(&DashedPathElement::new(
                pts,
                self.px(2.0) as u32,
                self.px(3.0) as u32,
                style,
            ))?,
        }
        Ok(())
    }

    /// A marker of `shape` centred at `c`, `css` CSS px across, in `color`; see [`Pen::marker_px`].
    pub fn marker<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        c: (i32, i32),
        shape: MarkerShape,
        color: RGBColor,
        css: f64,
        halo: Option<RGBColor>,
    ) -> Result<(), PlotError> {
        let rad = (css * self.r / 2.0).round().max(1.0) as i32;
        self.marker_px(area, c, shape, color, rad, halo)
    }

    /// A marker of `shape` and "radius" `rad` device pixels centred at `c`. Filled shapes get a
    /// `halo` (a 1 CSS px border of that colour, for contrast on busy plots) when given; a ring
    /// is a 2 CSS px band of `color` around a disc of the halo colour (white without one).
    pub fn marker_px<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        c: (i32, i32),
        shape: MarkerShape,
        color: RGBColor,
        rad: i32,
        halo: Option<RGBColor>,
    ) -> Result<(), PlotError> {
        let border = self.px(1.0);
        if shape == MarkerShape::Ring {
            self.shape(area, c, MarkerShape::Dot, color, rad + border)?;
            let inner = halo.unwrap_or(WHITE);
            return self.shape(area, c, MarkerShape::Dot, inner, (rad - border).max(1));
        }
        if let Some(h) = halo {
            self.shape(area, c, shape, h, rad + border)?;
        }
        self.shape(area, c, shape, color, rad)
    }

    /// A filled shape of "radius" `rad` (device px) at `c`.
    fn shape<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        (x, y): (i32, i32),
        shape: MarkerShape,
        color: RGBColor,
        rad: i32,
    ) -> Result<(), PlotError> {
        let fill = color.filled();
        match shape {
            MarkerShape::Dot | MarkerShape::Ring => {
                area.draw(&Circle::new((x, y), rad.max(1) as u32, fill))?;
            }
            MarkerShape::Square => {
                let s = (f64::from(rad) * 0.9).round() as i32;
                area.draw(&Rectangle::new([(x - s, y - s), (x + s, y + s)], fill))?;
            }
            MarkerShape::Diamond => {
                let s = (f64::from(rad) * 1.25).round() as i32;
                let pts = vec![(x, y - s), (x + s, y), (x, y + s), (x - s, y)];
                area.draw(&Polygon::new(pts, fill))?;
            }
            MarkerShape::Triangle => {
                let s = (f64::from(rad) * 1.2).round() as i32;
                let pts = vec![(x, y - s), (x + s, y + s * 4 / 5), (x - s, y + s * 4 / 5)];
                area.draw(&Polygon::new(pts, fill))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{attr, hex, render, tags, texts};
    use super::*;

    #[test]
    fn sizes_scale_with_the_ratio() {
        let one = Pen::new(1.0, false);
        let two = Pen::new(2.0, true);
        assert_eq!(one.px(3.0) * 2, two.px(3.0));
        assert_eq!(two.font(LABEL), 24.0);
        assert!((two.width("loss", LABEL) - 2.0 * one.width("loss", LABEL)).abs() < 1e-9);
        assert_eq!(Pen::new(f64::NAN, false).r, 1.0);
        assert_eq!(two.th.background, DARK.background);
    }

    #[test]
    fn primitives_reach_the_backend() {
        let svg = render((120, 80), |a| {
            let p = Pen::new(1.0, false);
            let blue = RGBColor(0, 0, 255);
            p.text(a, "up", (5, 5), (HPos::Left, VPos::Top), LABEL, &blue)
                .expect("text");
            p.text(a, "", (5, 5), (HPos::Left, VPos::Top), LABEL, &blue)
                .expect("empty text is skipped");
            p.text_up(a, "side", (60, 40), SMALL, &blue).expect("text");
            p.hrule(a, 0, 100, 10, 1.0, &blue).expect("rule");
            p.vrule(a, 10, 0, 50, 2.0, &blue).expect("rule");
            for dash in [Dash::Solid, Dash::Dashed, Dash::Dotted] {
                p.line(a, vec![(0, 70), (110, 70)], blue, 2.0, dash)
                    .expect("line");
            }
            p.line(a, vec![(0, 0)], blue, 2.0, Dash::Solid)
                .expect("one point draws nothing");
            for shape in [
                MarkerShape::Dot,
                MarkerShape::Ring,
                MarkerShape::Square,
                MarkerShape::Diamond,
                MarkerShape::Triangle,
            ] {
                p.marker(a, (50, 50), shape, blue, 8.0, Some(WHITE))
                    .expect("marker");
            }
        });
        assert_eq!(texts(&svg), ["up", "side"]);
        let side = tags(&svg, "text")[1];
        assert!(
            attr(side, "transform").is_some_and(|t| t.starts_with("rotate(270")),
            "{side}"
        );
        // Solid: one polyline; dashed and dotted: several short ones.
        let lines = tags(&svg, "polyline");
        assert!(lines.len() > 10, "{}", lines.len());
        assert!(lines
            .iter()
            .all(|l| attr(l, "stroke") == Some(hex(RGBColor(0, 0, 255)).as_str())));
        assert_eq!(
            tags(&svg, "polygon").len(),
            4,
            "diamond and triangle, halo each"
        );
    }
}
