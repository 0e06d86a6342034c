//! The debugger's facade in a real browser: a stepped analysis to its result, the result put
//! into a document and drawn from there on a canvas, the gradient report, and refusals as JS
//! `Error`s.
#![cfg(target_arch = "wasm32")]

use qmlp::web::{self, Playground};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{canvas, pixels};

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn opts(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn a_landscape_steps_to_its_result_which_the_document_then_carries_and_draws() {
    let mut pg = Playground::new(&web::default_document(), None).unwrap();
    pg.step_epoch().unwrap();
    let mut run = pg
        .start_analysis("landscape", opts(r#"{"resolution": 5}"#))
        .unwrap();
    assert_eq!(run.kind(), "landscape");
    assert!(run.result().is_err(), "no result before the end");
    let mut last = 0.0;
    let mut steps = 0;
    loop {
        let p = run.step(0.0).unwrap();
        let done = get(&p, "done").as_f64().unwrap();
        assert!(done >= last, "progress only grows");
        last = done;
        steps += 1;
        if get(&p, "finished").as_bool() == Some(true) {
            assert_eq!(get(&p, "total").as_f64(), Some(25.0));
            break;
        }
        assert!(steps < 100);
    }
    assert!(steps > 1, "a zero budget does one item per step");
    let result = run.result().unwrap();
    let list = web::with_analysis("[]", &result).unwrap();
    assert!(pg.stored_analyses().is_empty());
    let mut doc: serde_json::Value = serde_json::from_str(&pg.document()).unwrap();
    doc["analyses"] = serde_json::from_str(&list).unwrap();
    let out = pg.set_document(&doc.to_string(), None, None).unwrap();
    assert_eq!(get(&out, "kept").as_bool(), Some(true), "the run goes on");
    assert_eq!(pg.stored_analyses(), vec!["landscape".to_string()]);
    assert!(pg
        .analysis_summary("landscape")
        .unwrap()
        .starts_with("5×5 grid"));
    let c = canvas(300, 300);
    pg.draw_analysis(c.clone(), "landscape", JsValue::UNDEFINED)
        .unwrap();
    assert!(
        pixels(&c).chunks(4).any(|p| p[0] < 100 && p[3] > 0),
        "drawn"
    );
    // A second landscape replaces the first.
    let again = web::with_analysis(&list, &result).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&again)
            .unwrap()
            .len(),
        1
    );
    // Nothing stored of another kind.
    let e = pg
        .draw_analysis(canvas(10, 10), "barren", JsValue::UNDEFINED)
        .unwrap_err();
    assert!(get(&e, "message")
        .as_string()
        .unwrap()
        .contains("no barren analysis"));
}

#[wasm_bindgen_test]
fn the_gradient_report_tints_each_trainable_gate_and_refusals_are_errors() {
    let mut pg = Playground::new(&web::default_document(), None).unwrap();
    pg.step_epoch().unwrap();
    let r = pg.gradient_report().unwrap();
    let gates = js_sys::Array::from(&get(&r, "gates"));
    assert!(gates.length() > 0);
    let levels: Vec<f64> = gates
        .iter()
        .map(|g| get(&g, "level").as_f64().unwrap())
        .collect();
    assert!(levels.iter().all(|l| (0.0..=1.0).contains(l)));
    assert!(levels.contains(&1.0), "the largest is 1");
    assert_eq!(get(&r, "threshold").as_f64(), Some(1e-5));
    let c = canvas(414, 190);
    pg.draw_gradient_norms(c.clone(), JsValue::UNDEFINED)
        .unwrap();
    assert!(pixels(&c).chunks(4).any(|p| p[2] > 150 && p[0] < 100));
    for (kind, o, want) in [
        ("tomography", "{}", "unknown analysis"),
        ("barren", r#"{"samples": 0}"#, "samples must be 1 to"),
        (
            "landscape",
            r#"{"resolution": 500}"#,
            "resolution must be 2 to",
        ),
        ("landscape", r#"{"colour": 1}"#, "unknown option 'colour'"),
        ("barren", r#"{"samples": "many"}"#, "bad options"),
    ] {
        let Err(e) = pg.start_analysis(kind, opts(o)).map(|_| ()) else {
            panic!("{kind} {o} was accepted")
        };
        let m = get(&e, "message").as_string().unwrap();
        assert!(m.contains(want), "{kind} {o}: {m}");
    }
    let f = pg.fourier_report(0).unwrap();
    assert!(get(&f, "summary")
        .as_string()
        .unwrap()
        .contains("the encoding reaches"));
    assert!(pg.fourier_report(7).is_err());
}

fn message(e: JsValue) -> String {
    get(&e, "message").as_string().unwrap()
}

/// Steps a runner to its end and returns its result.
fn finish(run: &mut qmlp::web::AnalysisRunner) -> String {
    for _ in 0..100_000 {
        let p = run.step(50.0).unwrap();
        if get(&p, "finished").as_bool() == Some(true) {
            return run.result().unwrap();
        }
    }
    panic!("the analysis did not finish");
}

#[wasm_bindgen_test]
fn an_analysis_split_into_shards_absorbs_to_the_same_result_and_bad_shards_are_refused() {
    let mut pg = Playground::new(&web::default_document(), None).unwrap();
    pg.step_epoch().unwrap();
    for (kind, o) in [
        (
            "barren",
            r#"{"samples": 6, "qubits": [2, 4], "layers": 2, "refLayers": 3}"#,
        ),
        ("landscape", r#"{"resolution": 6}"#),
        ("expressibility", r#"{"pairs": 9, "maxLayers": 1}"#),
    ] {
        let whole = finish(&mut pg.start_analysis(kind, opts(o)).unwrap());
        for k in [2, 3] {
            let mut merged = pg.start_analysis(kind, opts(o)).unwrap();
            let mut shards = Vec::new();
            for i in 0..k {
                let mut s = pg.start_analysis(kind, opts(o)).unwrap();
                s.shard(i, k).unwrap();
                assert!(s.result().is_err(), "no shard before its end");
                shards.push(finish(&mut s));
            }
            if k == 3 {
                let e = merged.absorb(&shards[1]).map(|_| ()).unwrap_err();
                assert!(message(e).contains("taken in order"), "{kind}");
            }
            let mut last = JsValue::UNDEFINED;
            for s in &shards {
                last = merged.absorb(s).unwrap();
            }
            assert_eq!(get(&last, "finished").as_bool(), Some(true));
            assert_eq!(merged.result().unwrap(), whole, "{kind} in {k} shards");
        }
    }
    // Refusals, each saying why.
    let o = r#"{"samples": 4, "qubits": [2]}"#;
    let mut run = pg.start_analysis("barren", opts(o)).unwrap();
    assert!(message(run.shard(2, 2).unwrap_err()).contains("index below it"));
    assert!(message(run.shard(0, 65).unwrap_err()).contains("1 to 64"));
    let e = run.absorb("{\"from\": 0}").map(|_| ()).unwrap_err();
    assert!(message(e).starts_with("the shard:"));
    let mut land = pg
        .start_analysis("landscape", opts(r#"{"resolution": 3}"#))
        .unwrap();
    land.shard(0, 1).unwrap();
    let sh = finish(&mut land);
    let e = run.absorb(&sh).map(|_| ()).unwrap_err();
    assert!(message(e).contains("2 number(s) per item"));
    run.step(0.0).unwrap();
    assert!(message(run.shard(0, 2).unwrap_err()).contains("not started"));
    assert!(message(land.absorb(&sh).map(|_| ()).unwrap_err()).contains("does not absorb"));
}
