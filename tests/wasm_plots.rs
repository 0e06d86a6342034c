//! The facade's canvas drawing in a real browser (wasm-bindgen-test, headless Chromium): the
//! boundary's heat map painted as one smoothed image, HiDPI drawing with `pixelRatio`, the
//! click mapping at any ratio, and drawing that never touches the DOM (plotters' wasm font code
//! measured text with a `<span>` and an inline style, which a strict CSP blocks). The plot
//! module's charts the page does not show yet (confusion matrix, class balance, barren-plateau
//! scaling, loss landscape, Fourier spectrum, gradient norms) are drawn on real canvases through
//! plotters-canvas the same way, at 1× and 2×.
#![cfg(target_arch = "wasm32")]

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use qmlp::plot::{self, ChartStyle};
use qmlp::web::{self, Playground};
use wasm_bindgen::{Clamped, JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{canvas, pixels};

/// Options object from JSON.
fn opts(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn trained() -> Playground {
    let mut pg = Playground::new(&web::preset("reupload-1q").unwrap(), None).unwrap();
    pg.step_epoch().unwrap();
    pg
}

/// Counts the DOM nodes added anywhere in the document while `f` runs.
fn nodes_added_during(f: impl FnOnce()) -> f64 {
    let start = js_sys::Function::new_no_args(
        "const o = new MutationObserver(() => {});
         o.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
         return o;",
    );
    let observer = start.call0(&JsValue::NULL).unwrap();
    f();
    let stop = js_sys::Function::new_with_args(
        "o",
        "const r = o.takeRecords(); o.disconnect();
         return r.reduce((n, m) => n + m.addedNodes.length + (m.type === 'attributes' ? 1 : 0), 0);",
    );
    stop.call1(&JsValue::NULL, &observer)
        .unwrap()
        .as_f64()
        .unwrap()
}

#[wasm_bindgen_test]
fn drawing_never_touches_the_dom() {
    let mut pg = trained();
    let b = canvas(280, 280);
    let l = canvas(414, 170);
    let t = canvas(44, 44);
    let added = nodes_added_during(|| {
        pg.draw_boundary(b.clone(), opts(r#"{"showTest": true, "axes": true}"#))
            .unwrap();
        for metric in ["loss", "accuracy"] {
            let o = format!(r#"{{"metric": "{metric}", "baseline": true, "logScale": true}}"#);
            pg.draw_loss(l.clone(), opts(&o)).unwrap();
        }
        web::draw_dataset_thumbnail(t.clone(), "circle", 1.0).unwrap();
    });
    assert_eq!(
        added, 0.0,
        "no element added and no attribute set while drawing"
    );
}

#[wasm_bindgen_test]
fn the_heat_map_is_one_smooth_image_under_the_points() {
    let mut pg = trained();
    let c = canvas(280, 280);
    pg.draw_boundary(c.clone(), opts(r#"{"gridN": 8, "axes": false}"#))
        .unwrap();
    let px = pixels(&c);
    // Smoothing: an 8x8 grid on 280 px shows far more than 8*8 distinct colours.
    let mut colours: Vec<[u8; 3]> = px.chunks(4).map(|p| [p[0], p[1], p[2]]).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 200, "{} colours", colours.len());
    // Opaque everywhere, no transparent fringe at the edges.
    assert!(px.chunks(4).all(|p| p[3] == 255));
    // The points are drawn on top: class colours at full strength appear.
    let with_points = opts(r#"{"gridN": 8, "axes": false, "showTest": true}"#);
    pg.draw_boundary(c.clone(), with_points).unwrap();
    let orange = [245u8, 147, 34];
    assert!(pixels(&c).chunks(4).any(|p| p[..3] == orange));
}

#[wasm_bindgen_test]
fn pixel_ratio_draws_the_same_picture_sharper() {
    let mut pg = trained();
    let one = canvas(280, 280);
    let two = canvas(560, 560);
    pg.draw_boundary(one.clone(), opts(r#"{"gridN": 16}"#))
        .unwrap();
    pg.draw_boundary(two.clone(), opts(r#"{"gridN": 16, "pixelRatio": 2}"#))
        .unwrap();
    // Down-sampled, the 2x picture matches the 1x one (text and anti-aliasing differ a little).
    let (a, b) = (pixels(&one), pixels(&two));
    let mut close = 0;
    for y in 0..280 {
        for x in 0..280 {
            let i = 4 * (y * 280 + x);
            let j = 4 * ((2 * y) * 560 + 2 * x);
            let d: i32 = (0..3)
                .map(|k| (a[i + k] as i32 - b[j + k] as i32).abs())
                .sum();
            if d < 40 {
                close += 1;
            }
        }
    }
    assert!(
        close > 280 * 280 * 85 / 100,
        "{close} of {} pixels agree",
        280 * 280
    );
    // Clicks: the same CSS point maps to the same data point at both ratios.
    let p1 = pg.pixel_to_data(280, 280, 150.0, 90.0, true, None);
    let p2 = pg.pixel_to_data(560, 560, 300.0, 180.0, true, Some(2.0));
    let get = |v: &JsValue, i: u32| js_sys::Reflect::get_u32(v, i).unwrap().as_f64().unwrap();
    assert!((get(&p1, 0) - get(&p2, 0)).abs() < 0.02);
    assert!((get(&p1, 1) - get(&p2, 1)).abs() < 0.02);
    // The loss chart too, and bad ratios are refused with a message.
    let l = canvas(828, 340);
    pg.draw_loss(l.clone(), opts(r#"{"pixelRatio": 2}"#))
        .unwrap();
    assert!(pixels(&l).chunks(4).any(|p| p[..3] != [255, 255, 255]));
    let e = pg.draw_loss(l, opts(r#"{"pixelRatio": -1}"#)).unwrap_err();
    let msg: JsValue = e;
    let text = js_sys::Reflect::get(&msg, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(text.contains("pixelRatio"), "{text}");
    assert!(pg.draw_boundary(one, opts(r#"{"pixelRatio": 0}"#)).is_err());
}

/// Draws with `f` on canvas `c` through plotters-canvas.
fn draw_on(
    c: &HtmlCanvasElement,
    f: impl FnOnce(&DrawingArea<CanvasBackend, plotters::coord::Shift>),
) {
    let area = CanvasBackend::with_canvas_object(c.clone())
        .unwrap()
        .into_drawing_area();
    f(&area);
    area.present().unwrap();
}

/// How many pixels have colour `rgb` (within `tol` per channel).
fn count(px: &[u8], rgb: [u8; 3], tol: u8) -> usize {
    px.chunks(4)
        .filter(|p| (0..3).all(|k| p[k].abs_diff(rgb[k]) <= tol))
        .count()
}

fn rgb(c: RGBColor) -> [u8; 3] {
    [c.0, c.1, c.2]
}

/// Every new chart at 1× and 2×, drawn without touching the DOM, each showing its own colours.
#[wasm_bindgen_test]
fn the_analysis_charts_draw_on_a_canvas_at_any_ratio() {
    let names = ["setosa", "versicolor", "virginica"];
    let counts = [10, 0, 0, 0, 9, 1, 0, 2, 8];
    let m = plot::ConfusionMatrix {
        n_classes: 3,
        counts: &counts,
        class_names: &names,
    };
    let splits = [
        plot::SplitCounts {
            name: "train",
            counts: &[40, 38, 42],
        },
        plot::SplitCounts {
            name: "test",
            counts: &[10, 12, 8],
        },
    ];
    let balance = plot::ClassBalance {
        class_names: &names,
        splits: &splits,
    };
    let n: Vec<f64> = (2..=10).map(f64::from).collect();
    let local: Vec<f64> = n.iter().map(|q| 0.2 * (-0.3 * q).exp()).collect();
    let global: Vec<f64> = n.iter().map(|q| 0.25 * (-0.69 * q).exp()).collect();
    let blue = RGBColor(47, 111, 223);
    let red = RGBColor(200, 50, 40);
    let series = [
        plot::ScalingSeries {
            label: "local",
            x: &n,
            y: &local,
            err: None,
            color: blue,
            marker: plot::MarkerShape::Dot,
            fit: Some(plot::Dash::Solid),
        },
        plot::ScalingSeries {
            label: "global",
            x: &n,
            y: &global,
            err: None,
            color: red,
            marker: plot::MarkerShape::Square,
            fit: Some(plot::Dash::Solid),
        },
    ];
    let scaling = plot::VarianceScaling {
        series: &series,
        x_title: "qubits",
        y_title: "Var",
    };
    let grid = 21;
    let values: Vec<f64> = (0..grid * grid)
        .map(|i| ((i % grid) as f64 - 10.0).powi(2) + ((i / grid) as f64 - 10.0).powi(2))
        .collect();
    let path = [(-0.8, 0.8), (-0.3, 0.4), (0.0, 0.0)];
    let land = plot::Landscape {
        extent: [-1.0, 1.0, -1.0, 1.0],
        grid_n: grid,
        values: &values,
        path: &path,
        current: Some((0.0, 0.0)),
        axis_titles: ["d1", "d2"],
        value_title: "loss",
        log_scale: false,
    };
    let spectrum = plot::Spectrum {
        magnitudes: &[0.1, 0.4, 0.2, 0.0, 0.05],
        reachable: &[0, 1, 2],
    };
    let norms: Vec<f64> = (0..30).map(|i| 0.5 * 0.8f64.powi(i)).collect();
    let blocks = [plot::Series {
        label: "circuit",
        values: &norms,
        style: plot::block_style(1),
    }];
    let grads = plot::GradientNorms {
        blocks: &blocks,
        threshold: Some(1e-3),
        x_title: "epoch",
    };
    for ratio in [1.0, 2.0] {
        let style = ChartStyle {
            pixel_ratio: ratio,
            ..Default::default()
        };
        // The canvases are made first: making one adds an element.
        let sizes = [
            (300.0, 260.0),
            (260.0, 120.0),
            (420.0, 280.0),
            (320.0, 300.0),
            (360.0, 200.0),
            (414.0, 170.0),
        ];
        let canvases: Vec<HtmlCanvasElement> = sizes
            .iter()
            .map(|&(w, h)| canvas((w * ratio) as u32, (h * ratio) as u32))
            .collect();
        let added = nodes_added_during(|| {
            draw_on(&canvases[0], |a| {
                plot::draw_confusion_matrix(a, &m, &style).unwrap()
            });
            draw_on(&canvases[1], |a| {
                plot::draw_class_balance(a, &balance, &style).unwrap()
            });
            draw_on(&canvases[2], |a| {
                plot::draw_variance_scaling(a, &scaling, &style).unwrap()
            });
            draw_on(&canvases[3], |a| {
                plot::draw_landscape(a, &land, &style).unwrap()
            });
            draw_on(&canvases[4], |a| {
                plot::draw_spectrum(a, &spectrum, &style).unwrap()
            });
            draw_on(&canvases[5], |a| {
                plot::draw_gradient_norms(a, &grads, &style).unwrap()
            });
        });
        let drawn: [([u8; 3], &str); 6] = [
            ([22, 84, 160], "confusion matrix"),
            (rgb(plot::class_color(2)), "class balance"),
            (rgb(red), "variance scaling"),
            (rgb(plot::scale_color(0.0)), "landscape"),
            ([214, 39, 40], "spectrum"),
            (rgb(plot::block_style(1).color), "gradient norms"),
        ];
        assert_eq!(
            added, 0.0,
            "no element added and no attribute set while drawing"
        );
        for (c, (colour, what)) in canvases.iter().zip(&drawn) {
            let px = pixels(c);
            let area = px.len() / 4;
            let background = count(&px, [255, 255, 255], 0);
            assert!(
                background > area / 10 && background < area * 97 / 100,
                "{what} @{ratio}x: {background} of {area}"
            );
            let marks = count(&px, *colour, 6);
            assert!(
                marks as f64 >= 4.0 * ratio * ratio,
                "{what} @{ratio}x: {marks} pixels of {colour:?}"
            );
            // Text was drawn: dark grey anti-aliased glyph pixels.
            assert!(
                count(&px, [80, 84, 92], 30) > 20,
                "{what} @{ratio}x has no text"
            );
        }
    }
}

/// The landscape's image path (one RGBA pixel per cell scaled onto the plot rectangle, then the
/// overlay) gives the picture of the cell-by-cell drawing.
#[wasm_bindgen_test]
fn the_landscape_image_path_matches_its_cells() {
    let n = 12;
    let values: Vec<f64> = (0..n * n).map(|i| ((i % n) * (i / n)) as f64).collect();
    let path = [(-0.5, -0.5), (0.2, 0.3)];
    let land = plot::Landscape {
        extent: [-1.0, 1.0, -1.0, 1.0],
        grid_n: n,
        values: &values,
        path: &path,
        current: Some((0.2, 0.3)),
        axis_titles: ["d1", "d2"],
        value_title: "loss",
        log_scale: false,
    };
    let style = ChartStyle::default();
    let cells = canvas(320, 300);
    draw_on(&cells, |a| plot::draw_landscape(a, &land, &style).unwrap());
    let rgba = plot::landscape_rgba(&land).unwrap();
    let small = canvas(n as u32, n as u32);
    let ctx = |c: &HtmlCanvasElement| -> CanvasRenderingContext2d {
        c.get_context("2d").unwrap().unwrap().dyn_into().unwrap()
    };
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba[..]), n as u32, n as u32)
        .unwrap();
    ctx(&small).put_image_data(&image, 0.0, 0.0).unwrap();
    let (l, t, r, b) = plot::landscape_plot_rect((320, 300), &land, &style);
    let painted = canvas(320, 300);
    let target = ctx(&painted);
    target.set_fill_style_str("#ffffff");
    target.fill_rect(0.0, 0.0, 320.0, 300.0);
    target.set_image_smoothing_enabled(false);
    let (x, y, w, h) = (
        f64::from(l),
        f64::from(t),
        f64::from(r - l),
        f64::from(b - t),
    );
    target
        .draw_image_with_html_canvas_element_and_dw_and_dh(&small, x, y, w, h)
        .unwrap();
    let area = CanvasBackend::with_canvas_object(painted.clone())
        .unwrap()
        .into_drawing_area();
    plot::draw_landscape_overlay(&area, &land, &style).unwrap();
    area.present().unwrap();
    let (p, q) = (pixels(&cells), pixels(&painted));
    let same = p
        .chunks(4)
        .zip(q.chunks(4))
        .filter(|(a, b)| (0..3).all(|k| a[k].abs_diff(b[k]) <= 8))
        .count();
    assert!(
        same > p.len() / 4 * 97 / 100,
        "{same} of {} pixels agree",
        p.len() / 4
    );
}
