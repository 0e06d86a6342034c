//! The facade's canvas drawing in a real browser (wasm-bindgen-test, headless Chromium): the
//! boundary's heat map painted as one smoothed image, HiDPI drawing with `pixelRatio`, the
//! click mapping at any ratio, and drawing that never touches the DOM (plotters' wasm font code
//! measured text with a `<span>` and an inline style, which a strict CSP blocks).
#![cfg(target_arch = "wasm32")]

use qmlp::web::{self, Playground};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{canvas, pixels};

/// Options object from JSON.
fn opts(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn trained() -> Playground {
    let mut pg = Playground::new(&web::preset("reupload-1q").unwrap()).unwrap();
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
