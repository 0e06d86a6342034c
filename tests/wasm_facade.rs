//! The wasm facade in a real browser (wasm-bindgen-test, headless Chromium): documents in and
//! out, training steps, drawing on a real canvas, and errors surfacing as JS `Error`s.
#![cfg(target_arch = "wasm32")]

use qmlp::web::{self, Playground};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{canvas, pixels};

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn version_matches_the_crate() {
    assert_eq!(web::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn an_invalid_document_is_an_error_with_the_field_named() {
    let bad = web::default_document().replace("\"qubits\": 4", "\"qubits\": 30");
    let e = web::validate_document(&bad, None).expect_err("refused");
    let text = get(&e, "message").as_string().unwrap();
    assert!(text.starts_with("circuit.qubits:"), "{text}");
    assert_eq!(
        get(&e, "path").as_string().as_deref(),
        Some("circuit.qubits")
    );
    assert!(e.is_instance_of::<js_sys::Error>());
    assert!(Playground::new("{", None).is_err());
    // A CSV error names its line.
    let e = web::parse_csv("x1,x2,label\n0,0,0\n1,abc,1\n", JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&e, "line").as_f64(), Some(3.0));
}

#[wasm_bindgen_test]
fn training_steps_change_the_boundary_drawn_on_a_canvas() {
    let mut pg = Playground::new(&web::preset("reupload-1q").unwrap(), None).unwrap();
    let c = canvas(240, 240);
    pg.draw_boundary(c.clone(), JsValue::NULL).unwrap();
    let before = pixels(&c);
    assert!(
        before.chunks(4).any(|p| p[0] != p[2]),
        "the heat map is coloured"
    );
    let status = pg.step_epoch().unwrap();
    assert_eq!(get(&status, "epoch").as_f64(), Some(1.0));
    assert!(get(&status, "error").is_null());
    pg.draw_boundary(c.clone(), JsValue::NULL).unwrap();
    assert_ne!(before, pixels(&c), "one epoch later the boundary differs");
    let loss = canvas(300, 200);
    pg.draw_loss(loss.clone(), JsValue::NULL).unwrap();
    assert!(pixels(&loss).chunks(4).any(|p| p[..3] != [255, 255, 255]));
    let m = pg.metrics().unwrap();
    assert_eq!(get(&m, "epoch").as_f64(), Some(1.0));
    assert!(get(&m, "testAcc").as_f64().unwrap() > 0.0);
    let svg = pg.export_svg("boundary").unwrap();
    assert!(svg.starts_with("<svg"));
}

#[wasm_bindgen_test]
fn step_respects_its_budget_and_inspect_reports_bloch_vectors() {
    let mut pg = Playground::new(&web::default_document(), None).unwrap();
    let s = pg.step(0.0).unwrap();
    assert_eq!(
        get(&s, "samples").as_f64(),
        Some(16.0),
        "one batch when the budget is zero"
    );
    let i = pg.inspect(vec![0.2, -0.3], None).unwrap();
    assert_eq!(get(&i, "qubits").as_f64(), Some(4.0));
    let bloch: js_sys::Array = get(&i, "bloch").dyn_into().unwrap();
    assert_eq!(bloch.length(), 4);
    assert!(pg.inspect(vec![f64::NAN, 0.0], None).is_err());
    assert!(pg.inspect(vec![0.1], None).is_err());
}

#[wasm_bindgen_test]
fn a_document_opened_whole_starts_a_new_run() {
    let mut pg = Playground::new(&web::default_document(), None).unwrap();
    pg.step_epoch().unwrap();
    pg.step_epoch().unwrap();
    let mut d: serde_json::Value = serde_json::from_str(&pg.document()).unwrap();
    d["data"]["custom"] = serde_json::json!([[0.1, 0.1, 1]]);
    let out = pg.set_document(&d.to_string(), Some(true), None).unwrap();
    assert_eq!(get(&out, "kept").as_bool(), Some(false));
    assert!(get(&out, "note").is_null());
    assert_eq!(get(&pg.metrics().unwrap(), "epoch").as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
fn an_edit_keeps_the_run_and_a_snapshot_continues_it() {
    let mut pg = Playground::new(&web::default_document(), None).unwrap();
    pg.step_epoch().unwrap();
    pg.step_epoch().unwrap();
    let mut d: serde_json::Value = serde_json::from_str(&pg.document()).unwrap();
    d["data"]["custom"] = serde_json::json!([[0.1, 0.1, 1]]);
    let out = pg.set_document(&d.to_string(), None, None).unwrap();
    assert_eq!(get(&out, "kept").as_bool(), Some(false));
    assert!(get(&out, "note")
        .as_string()
        .unwrap()
        .contains("data changed"));
    assert_eq!(get(&pg.metrics().unwrap(), "epoch").as_f64(), Some(2.0));
    let snap = pg.snapshot();
    let mut again = Playground::new(&snap, None).unwrap();
    pg.step_epoch().unwrap();
    again.step_epoch().unwrap();
    assert_eq!(pg.document(), again.document());
    let c = web::catalog().unwrap();
    let datasets: js_sys::Array = get(&c, "datasets").dyn_into().unwrap();
    assert!(datasets.length() >= 8);
}

#[wasm_bindgen_test]
fn a_worker_s_compact_snapshot_is_absorbed_as_the_readable_one_is_opened() {
    // The worker trains; the page holds an older state and takes the worker's snapshot.
    let mut worker = Playground::new(&web::preset("reupload-12q").unwrap(), None).unwrap();
    let mut page = Playground::new(&worker.snapshot(), None).unwrap();
    worker.step_epoch().unwrap();
    let compact = worker.transfer_snapshot();
    let pretty = worker.snapshot();
    assert!(
        !compact.contains('\n') && compact.len() * 3 < pretty.len() * 2,
        "compact"
    );
    let a: serde_json::Value = serde_json::from_str(&compact).unwrap();
    let b: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    assert_eq!(a, b, "the same document");
    assert!(!page.absorb_snapshot(&compact).unwrap());
    assert_eq!(
        page.snapshot(),
        pretty,
        "the page's state is the worker's, to the last bit"
    );
    let json = |v: JsValue| String::from(js_sys::JSON::stringify(&v).unwrap());
    assert_eq!(
        json(page.metrics().unwrap()),
        json(worker.metrics().unwrap())
    );
    let opened = Playground::new(&pretty, None).unwrap();
    assert_eq!(page.snapshot(), opened.snapshot());
    // A bad snapshot is refused with a message and the page's run is kept.
    let e = page
        .absorb_snapshot("{\"version\": 1")
        .expect_err("truncated");
    assert!(get(&e, "message").as_string().is_some());
    assert_eq!(page.snapshot(), pretty);
    // Training on from the absorbed state gives the worker's next epoch.
    page.step_epoch().unwrap();
    worker.step_epoch().unwrap();
    assert_eq!(page.snapshot(), worker.snapshot());
}

#[wasm_bindgen_test]
fn the_hybrid_page_s_facade_plane_confusion_csv_columns_and_layer_counts() {
    // The label-column menu: every column of the first row, also when the default fails.
    let text = "kind,w,x\na,1,2\nb,3,4\n";
    assert_eq!(web::csv_columns(text), ["kind", "w", "x"]);
    assert!(web::parse_csv(text, JsValue::UNDEFINED).is_err());
    let t = web::parse_csv(text, JsValue::from_f64(0.0)).unwrap();
    let header: Vec<String> = serde_wasm_bindgen::from_value(get(&t, "header")).unwrap();
    assert_eq!(header, ["kind", "w", "x"]);
    assert_eq!(get(&t, "labelColumn").as_f64(), Some(0.0));

    let mut pg = Playground::new(&web::preset("breast-cancer-hybrid").unwrap(), None).unwrap();
    let info = pg.info().unwrap();
    let pre: Vec<usize> = serde_wasm_bindgen::from_value(get(&info, "preNetParams")).unwrap();
    let post: Vec<usize> = serde_wasm_bindgen::from_value(get(&info, "postNetParams")).unwrap();
    assert_eq!((pre, post), (vec![20], vec![10]));
    // The plane: raw inputs, or principal components; what does not exist is refused.
    assert_eq!(pg.plane(), [0, 1]);
    pg.set_plane(4, 7, None).unwrap();
    assert_eq!((pg.plane(), pg.plane_preprocessed()), (vec![4, 7], false));
    let x = pg.plane_point(1.5, 2.5).unwrap();
    assert_eq!((x.len(), x[4], x[7]), (30, 1.5, 2.5));
    let e = pg.set_plane(30, 0, None).unwrap_err();
    assert_eq!(
        get(&e, "message").as_string().unwrap(),
        "input 31 does not exist: there are 30 inputs"
    );
    pg.set_plane(1, 0, Some(true)).unwrap();
    assert_eq!((pg.plane(), pg.plane_preprocessed()), (vec![1, 0], true));
    assert!(pg.set_plane(0, 4, Some(true)).is_err());
    assert_eq!(pg.plane_point(0.0, 0.0).unwrap().len(), 30);
    // The confusion matrix: k × k counts summing to the split's points.
    let c = pg.confusion(true).unwrap();
    let counts: Vec<usize> = serde_wasm_bindgen::from_value(get(&c, "counts")).unwrap();
    let points = get(&c, "points").as_f64().unwrap() as usize;
    assert_eq!(get(&c, "classes").as_f64(), Some(2.0));
    assert_eq!((counts.len(), counts.iter().sum::<usize>()), (4, points));
    // Kept for these weights, and computed again for new ones (the same as a fresh engine's).
    let again: Vec<usize> =
        serde_wasm_bindgen::from_value(get(&pg.confusion(true).unwrap(), "counts")).unwrap();
    assert_eq!(again, counts);
    let confusion_of = |pg: &mut Playground| -> Vec<usize> {
        serde_wasm_bindgen::from_value(get(&pg.confusion(true).unwrap(), "counts")).unwrap()
    };
    for epoch in 0..3 {
        pg.step_epoch().unwrap();
        let mut fresh = Playground::new(&pg.snapshot(), None).unwrap();
        assert_eq!(
            confusion_of(&mut pg),
            confusion_of(&mut fresh),
            "after epoch {epoch}"
        );
    }
    // Without preprocessing there are no principal components to plot.
    let mut plain = Playground::new(&web::default_document(), None).unwrap();
    let e = plain.set_plane(0, 1, Some(true)).unwrap_err();
    assert!(get(&e, "message")
        .as_string()
        .unwrap()
        .contains("not preprocessed"));
}

#[wasm_bindgen_test]
fn template_after_continues_a_strongly_entangling_stack_and_names_bad_input() {
    let mut doc: serde_json::Value = serde_json::from_str(&web::default_document()).unwrap();
    doc["circuit"]["gates"] = serde_json::json!([]);
    let mut ranges = Vec::new();
    for k in 0..3 {
        let added = web::template_after("strongly_entangling", &doc.to_string(), k as f64)
            .unwrap_or_else(|_| panic!("layer {k}"));
        let added: Vec<serde_json::Value> = serde_json::from_str(&added).unwrap();
        let first = added.iter().find(|g| g["gate"] == "CNOT").unwrap();
        let (a, b) = (
            first["wires"][0].as_u64().unwrap(),
            first["wires"][1].as_u64().unwrap(),
        );
        ranges.push((b + 4 - a) % 4);
        doc["circuit"]["gates"]
            .as_array_mut()
            .unwrap()
            .extend(added);
    }
    assert_eq!(ranges, [1, 2, 3], "the default playground has 4 qubits");
    let e = web::template_after("nope", &doc.to_string(), 1.0).expect_err("unknown template");
    let text = get(&e, "message").as_string().unwrap();
    assert!(text.contains("unknown template 'nope'"), "{text}");
    let e = web::template_after("strongly_entangling", "{", 1.0).expect_err("bad JSON");
    assert!(get(&e, "message").as_string().is_some());
    let e = web::template_after("strongly_entangling", &doc.to_string(), f64::NAN)
        .expect_err("NaN seed");
    assert!(get(&e, "message").as_string().unwrap().contains("seed"));
}

#[wasm_bindgen_test]
fn a_slow_models_evaluation_can_be_left_for_later_and_settled_with_the_same_numbers() {
    let mut now = Playground::new(&web::default_document(), None).unwrap();
    now.step_epoch().unwrap();
    let mut later = Playground::new(&now.snapshot(), None).unwrap();
    let mut d: serde_json::Value = serde_json::from_str(&now.document()).unwrap();
    d["data"]["custom"] = serde_json::json!([[0.1, 0.1, 1], [0.5, -0.2, 0]]);
    let edit = d.to_string();
    // Under the estimate: evaluated at once, as without a limit.
    let out = later
        .set_document(&edit, None, Some(f64::INFINITY))
        .unwrap();
    assert_eq!(get(&out, "unevaluated").as_bool(), Some(false));
    let mut later = Playground::new(&now.snapshot(), None).unwrap();
    assert!(later.evaluation_ms() > 0.0 && later.epoch_ms() > later.evaluation_ms());
    // Over it: the history waits; the snapshot says so; settling gives the page's numbers.
    let out = later.set_document(&edit, None, Some(0.0)).unwrap();
    assert_eq!(get(&out, "unevaluated").as_bool(), Some(true));
    assert!(later.unevaluated());
    let mut worker = Playground::new(&later.snapshot(), None).unwrap();
    assert!(worker.unevaluated());
    now.set_document(&edit, None, None).unwrap();
    assert!(!now.unevaluated());
    worker.settle();
    assert!(!worker.unevaluated());
    assert_eq!(worker.snapshot(), now.snapshot());
    // New weights too.
    assert!(worker.reset(3.0, Some(0.0)).unwrap());
    assert!(!now.reset(3.0, None).unwrap());
    worker.settle();
    assert_eq!(worker.snapshot(), now.snapshot());
}

#[wasm_bindgen_test]
fn a_model_opened_for_a_worker_waits_for_its_evaluation_and_its_first_view() {
    let doc = web::default_document();
    // Without a threshold, or under it, the constructor evaluates as it always did.
    let at_once = Playground::new(&doc, None).unwrap();
    assert!(!at_once.unevaluated());
    assert!(!Playground::new(&doc, Some(f64::INFINITY))
        .unwrap()
        .unevaluated());
    // Over it: nothing is evaluated yet, the metrics say so, and settling gives the same run.
    let mut owed = Playground::new(&doc, Some(0.0)).unwrap();
    assert!(owed.unevaluated());
    let m = owed.metrics().unwrap();
    assert_eq!(get(&m, "unevaluated").as_bool(), Some(true));
    assert!(
        get(&m, "trainLoss").is_null(),
        "no figures before the evaluation"
    );
    owed.settle();
    assert_eq!(owed.snapshot(), at_once.snapshot());
    assert_eq!(
        get(&owed.metrics().unwrap(), "unevaluated").as_bool(),
        Some(false)
    );
    // The grid's estimate grows with the cells; with views stale and none drawn yet, the plot
    // and the confusion matrix are placeholders, not computed here.
    assert!(owed.grid_ms(48) > 4.0 * owed.grid_ms(24) * 0.99 && owed.grid_ms(24) > 0.0);
    assert!(!owed.view_pending());
    owed.set_stale_views(true);
    assert!(owed.view_pending());
    let c = owed.confusion(true).unwrap();
    assert_eq!(get(&c, "pending").as_bool(), Some(true));
    owed.set_stale_views(false);
    assert!(!owed.view_pending());
    assert_eq!(
        get(&owed.confusion(true).unwrap(), "pending").as_bool(),
        Some(false)
    );
}

#[wasm_bindgen_test]
fn a_view_put_together_from_rows_computed_elsewhere_is_the_view() {
    use js_sys::{Float64Array, Uint32Array};
    for name in ["default", "gaussians3"] {
        let mut pg = Playground::new(&web::preset(name).unwrap(), None).unwrap();
        pg.step_epoch().unwrap();
        let mut helper = Playground::new(&pg.snapshot(), Some(0.0)).unwrap();
        let whole = pg.view_data(12).unwrap();
        let top = helper.grid_rows(12, 5, 12).unwrap();
        let bottom = pg.grid_rows(12, 0, 5).unwrap();
        let part = |o: &JsValue, k: &str| get(o, k);
        let mut values = Float64Array::new(&part(&bottom, "values")).to_vec();
        values.extend(Float64Array::new(&part(&top, "values")).to_vec());
        let classes = if part(&bottom, "classes").is_null() {
            assert!(part(&top, "classes").is_null());
            None
        } else {
            let mut c = Uint32Array::new(&part(&bottom, "classes")).to_vec();
            c.extend(Uint32Array::new(&part(&top, "classes")).to_vec());
            Some(c)
        };
        let together = pg
            .view_data_with(12, values.clone(), classes.clone())
            .unwrap();
        for k in ["values", "classes", "confusion"] {
            assert_eq!(
                js_sys::JSON::stringify(&Reflect_get(&together, k)).unwrap(),
                js_sys::JSON::stringify(&Reflect_get(&whole, k)).unwrap(),
                "{name}: {k}"
            );
        }
        // A grid of the wrong size is refused, saying so.
        values.pop();
        let e = pg.view_data_with(12, values, classes).unwrap_err();
        assert!(format!("{e:?}").contains("144 values"), "{e:?}");
    }
}

#[allow(non_snake_case)]
fn Reflect_get(o: &JsValue, k: &str) -> JsValue {
    // Typed arrays as plain arrays, so that JSON compares them entry by entry.
    let v = get(o, k);
    if v.is_null() {
        return v;
    }
    js_sys::Array::from(&v).into()
}
