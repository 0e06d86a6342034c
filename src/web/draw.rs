//! The facade's drawing on the page's canvases: the decision boundary, the loss chart, the
//! dataset thumbnails, and the boundary plot's pixel → data mapping for clicks.
//!
//! Canvas-specific on purpose: the boundary's heat map is painted as ONE image (the cells'
//! colours put into an `ImageData` on a small offscreen canvas, then `drawImage`-scaled onto the
//! plotting rectangle with image smoothing, which also gives the soft TensorFlow-Playground
//! look) instead of a `fillRect` per cell; the axes and points go on top with plotters. Every
//! label is drawn by plotters-canvas' `draw_text` (canvas `fillText` with its own alignment)
//! and never measured, so plotters' DOM-based text measuring, which a strict Content Security
//! Policy blocks, is never reached. Sizes follow a `pixelRatio` option for HiDPI canvases.

use std::cell::RefCell;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, ImageData, OffscreenCanvas,
    OffscreenCanvasRenderingContext2d,
};

use super::{err, finite, from_js, to_js, Playground};
use crate::data::{DatasetKind, DatasetSpec};
use crate::plot::{self, BoundaryMap, BoundaryOptions};
use crate::view::{self, Metric};

pub(crate) fn canvas_area(
    canvas: HtmlCanvasElement,
) -> Result<DrawingArea<CanvasBackend, plotters::coord::Shift>, JsValue> {
    CanvasBackend::with_canvas_object(canvas)
        .map(|b| b.into_drawing_area())
        .ok_or_else(|| err("the canvas has no 2-D context"))
}

/// A JS exception from a canvas call as an error naming what was being done.
fn js_err(what: &'static str) -> impl Fn(JsValue) -> JsValue {
    move |e| {
        let detail = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "unknown error".to_string());
        err(format!("{what} failed: {detail}"))
    }
}

/// The `pixelRatio` option: absent is 1; otherwise a positive finite number (the plot module
/// clamps it to [0.5, 4]).
pub(crate) fn pixel_ratio(r: Option<f64>) -> Result<f64, JsValue> {
    match r {
        None => Ok(1.0),
        Some(r) if r.is_finite() && r > 0.0 => Ok(r),
        Some(r) => Err(err(format!(
            "pixelRatio must be a positive number (e.g. devicePixelRatio), got {r}"
        ))),
    }
}

/// Draws a small picture of a dataset kind (points only) for the dataset picker.
#[wasm_bindgen(js_name = drawDatasetThumbnail)]
pub fn draw_dataset_thumbnail(
    canvas: HtmlCanvasElement,
    kind: &str,
    seed: f64,
) -> Result<(), JsValue> {
    let kind =
        DatasetKind::from_name(kind).ok_or_else(|| err(format!("unknown dataset '{kind}'")))?;
    let spec = DatasetSpec {
        kind,
        points: 120,
        seed: finite("seed", seed)? as u64,
        ..DatasetSpec::default()
    };
    let data = spec.generate().map_err(err)?;
    let (points, extent) = crate::view::thumbnail_points(&data);
    let area = canvas_area(canvas)?;
    plot::draw_thumbnail(&area, extent, &points, data.n_classes).map_err(err)?;
    area.present().map_err(err)
}

/// The boundary plot's options, shared by `drawBoundary` and `boundaryPixelToData` (the axis
/// titles and class names change the layout, so a click must be mapped with the same ones).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct BoundaryOpts {
    show_test: bool,
    grid_n: Option<usize>,
    highlight: Option<[f64; 2]>,
    axes: Option<bool>,
    pixel_ratio: Option<f64>,
    /// Titles of the horizontal and vertical axes (the plotted inputs' names).
    axis_titles: Option<[String; 2]>,
    /// Class names for the legend, class 0 first.
    class_names: Option<Vec<String>>,
}

/// The longest axis title or class name the options take, in characters.
const MAX_LABEL_CHARS: usize = 60;

impl BoundaryOpts {
    /// Checks the texts (at most [`MAX_LABEL_CHARS`] characters each, at most 64 classes).
    fn check(&self) -> Result<(), JsValue> {
        let titles = self.axis_titles.iter().flatten();
        let names = self.class_names.iter().flatten();
        if self.class_names.as_ref().is_some_and(|c| c.len() > 64) {
            return Err(err("classNames: at most 64 class names"));
        }
        match titles.chain(names).find(|t| t.chars().count() > MAX_LABEL_CHARS) {
            Some(t) => Err(err(format!(
                "axis titles and class names have at most {MAX_LABEL_CHARS} characters; \"{}…\" is longer",
                t.chars().take(24).collect::<String>()
            ))),
            None => Ok(()),
        }
    }

    /// The plot module's options, borrowing the texts.
    fn plot_options<'a>(&'a self, names: &'a [&'a str]) -> Result<BoundaryOptions<'a>, JsValue> {
        let defaults = BoundaryOptions::default();
        Ok(BoundaryOptions {
            show_test: self.show_test,
            highlight: self.highlight.map(|[a, b]| (a, b)),
            draw_axes: self.axes.unwrap_or(true),
            pixel_ratio: pixel_ratio(self.pixel_ratio)?,
            axis_titles: match &self.axis_titles {
                Some([a, b]) => [a.as_str(), b.as_str()],
                None => defaults.axis_titles,
            },
            class_names: names,
        })
    }

    /// The class names as string slices (empty: the plot's "class i").
    fn names(&self) -> Vec<&str> {
        self.class_names
            .iter()
            .flatten()
            .map(String::as_str)
            .collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct LossOpts {
    log_scale: bool,
    metric: Option<String>,
    baseline: Option<bool>,
    pixel_ratio: Option<f64>,
}

thread_local! {
    /// The small offscreen canvas the heat map's cells are put on (one pixel per cell), kept
    /// between frames; None until first used or where `OffscreenCanvas` does not exist.
    static CELLS: RefCell<Option<(OffscreenCanvas, OffscreenCanvasRenderingContext2d)>> =
        const { RefCell::new(None) };
}

/// Puts the heat map's `grid_n × grid_n` colours on the offscreen canvas and draws it scaled
/// onto `rect` of `ctx`, smoothed. Errors if the browser has no `OffscreenCanvas` (the caller
/// then draws rectangles).
fn paint_cells(
    ctx: &CanvasRenderingContext2d,
    map: &BoundaryMap,
    rect: (i32, i32, i32, i32),
) -> Result<(), JsValue> {
    let n = u32::try_from(map.grid_n).map_err(|_| err("the boundary grid is too large"))?;
    let rgba = plot::boundary_rgba(map).map_err(err)?;
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba[..]), n, n)
        .map_err(js_err("making the heat map's image"))?;
    CELLS.with(|cell| -> Result<(), JsValue> {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let canvas = OffscreenCanvas::new(n, n).map_err(js_err("new OffscreenCanvas"))?;
            let context: OffscreenCanvasRenderingContext2d = canvas
                .get_context("2d")
                .map_err(js_err("OffscreenCanvas.getContext"))?
                .ok_or_else(|| err("the offscreen canvas has no 2-D context"))?
                .dyn_into()
                .map_err(|_| err("the offscreen canvas' context is not 2-D"))?;
            *slot = Some((canvas, context));
        }
        let Some((canvas, context)) = slot.as_ref() else {
            return Err(err("no offscreen canvas"));
        };
        if canvas.width() != n || canvas.height() != n {
            canvas.set_width(n);
            canvas.set_height(n);
        }
        context
            .put_image_data(&image, 0.0, 0.0)
            .map_err(js_err("putImageData"))?;
        let (l, t, r, b) = rect;
        ctx.save();
        ctx.set_image_smoothing_enabled(true);
        // "high" (bicubic in Chromium) has no bilinear star artifacts at cell corners; in
        // headless software rendering it costs ~2 ms more at 560 px. Not in web-sys' stable API;
        // where it is missing the default ("low", bilinear) is used.
        let _ = js_sys::Reflect::set(
            ctx,
            &JsValue::from_str("imageSmoothingQuality"),
            &JsValue::from_str("high"),
        );
        let drawn = ctx.draw_image_with_offscreen_canvas_and_dw_and_dh(
            canvas,
            f64::from(l),
            f64::from(t),
            f64::from(r - l),
            f64::from(b - t),
        );
        ctx.restore();
        drawn.map_err(js_err("drawImage"))
    })
}

#[wasm_bindgen]
impl Playground {
    /// Draws the decision boundary (heat map, axes and points) on a canvas. Options:
    /// `{showTest, gridN (4..=128, default 48), highlight: [x1, x2] | null, axes,
    /// pixelRatio (default 1), axisTitles: [horizontal, vertical] (default ["x1", "x2"]),
    /// classNames: [class 0, class 1, …] (default "class i")}`. With `pixelRatio` r the canvas
    /// should be r times its CSS size; text, margins and points are scaled to match.
    #[wasm_bindgen(js_name = drawBoundary)]
    pub fn draw_boundary(
        &mut self,
        canvas: HtmlCanvasElement,
        opts: JsValue,
    ) -> Result<(), JsValue> {
        let o: BoundaryOpts = from_js(opts)?;
        o.check()?;
        let grid_n = o.grid_n.unwrap_or(48).clamp(4, 128);
        let names = o.names();
        let bo = o.plot_options(&names)?;
        let view = self.boundary_view(grid_n);
        let ctx: CanvasRenderingContext2d = canvas
            .get_context("2d")
            .map_err(js_err("getContext"))?
            .ok_or_else(|| err("the canvas has no 2-D context"))?
            .dyn_into()
            .map_err(|_| err("the canvas' context is not 2-D"))?;
        let size = (canvas.width(), canvas.height());
        let rect = plot::boundary_plot_rect(size, view.extent, view.n_classes, &bo);
        let area = canvas_area(canvas)?;
        area.fill(&WHITE).map_err(err)?;
        let map = view.map();
        if rect.2 > rect.0 && rect.3 > rect.1 && paint_cells(&ctx, &map, rect).is_ok() {
            plot::draw_boundary_overlay(&area, &map, &view.points, &bo).map_err(err)?;
        } else {
            // No OffscreenCanvas (or an empty plot): one rectangle per cell.
            plot::draw_boundary(&area, &map, &view.points, &bo).map_err(err)?;
        }
        area.present().map_err(err)
    }

    /// Draws the loss (or accuracy) chart on a canvas. Options:
    /// `{logScale, metric: "loss" | "accuracy", baseline, pixelRatio (default 1)}`.
    #[wasm_bindgen(js_name = drawLoss)]
    pub fn draw_loss(&self, canvas: HtmlCanvasElement, opts: JsValue) -> Result<(), JsValue> {
        let o: LossOpts = from_js(opts)?;
        let metric = match o.metric.as_deref() {
            None | Some("loss") => Metric::Loss,
            Some("accuracy") => Metric::Accuracy,
            Some(m) => return Err(err(format!("unknown metric '{m}'; use loss or accuracy"))),
        };
        let ratio = pixel_ratio(o.pixel_ratio)?;
        let area = canvas_area(canvas)?;
        view::draw_history_at(
            &area,
            self.trainer.history(),
            metric,
            o.log_scale,
            o.baseline.unwrap_or(true),
            ratio,
        )
        .map_err(err)?;
        area.present().map_err(err)
    }

    /// The data point under pixel `(px, py)` of a boundary canvas of `width × height` pixels
    /// drawn with `opts`, the options given to `drawBoundary` (axes, pixelRatio, axisTitles,
    /// classNames — they decide the layout): `[x1, x2]`, or `null` outside the plot. Throws on
    /// options `drawBoundary` would refuse.
    #[wasm_bindgen(js_name = boundaryPixelToData)]
    pub fn boundary_pixel_to_data(
        &self,
        width: u32,
        height: u32,
        px: f64,
        py: f64,
        opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let o: BoundaryOpts = from_js(opts)?;
        o.check()?;
        if !px.is_finite() || !py.is_finite() {
            return Ok(JsValue::NULL);
        }
        let names = o.names();
        let bo = o.plot_options(&names)?;
        let data = self.trainer.dataset();
        match plot::boundary_pixel_to_data(
            self.trainer.plane_extent(self.plane),
            data.n_classes,
            (width, height),
            &bo,
            (px as i32, py as i32),
        ) {
            Some((a, b)) => to_js(&[a, b]),
            None => Ok(JsValue::NULL),
        }
    }

    /// The data point under pixel `(px, py)` of a boundary canvas of `width × height` pixels
    /// drawn with `axes` and `pixelRatio` (optional, default 1) and the default axis titles and
    /// class names: `[x1, x2]`, or `null` outside the plot. See `boundaryPixelToData` for a
    /// plot drawn with other texts.
    #[wasm_bindgen(js_name = pixelToData)]
    pub fn pixel_to_data(
        &self,
        width: u32,
        height: u32,
        px: f64,
        py: f64,
        axes: bool,
        pixel_ratio: Option<f64>,
    ) -> JsValue {
        if !px.is_finite() || !py.is_finite() {
            return JsValue::NULL;
        }
        let bo = BoundaryOptions {
            draw_axes: axes,
            pixel_ratio: pixel_ratio.unwrap_or(1.0),
            ..BoundaryOptions::default()
        };
        let data = self.trainer.dataset();
        match plot::boundary_pixel_to_data(
            self.trainer.plane_extent(self.plane),
            data.n_classes,
            (width, height),
            &bo,
            (px as i32, py as i32),
        ) {
            Some((a, b)) => to_js(&[a, b]).unwrap_or(JsValue::NULL),
            None => JsValue::NULL,
        }
    }
}
