use super::*;
use proptest::prelude::*;

fn err_of(json: &str) -> DocError {
    Document::from_json(json).expect_err("document should be refused")
}

fn default_value() -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&Document::default().to_json()).unwrap();
    v["locked"] = serde_json::json!([]);
    v
}

#[test]
fn every_preset_validates_and_round_trips() {
    for (name, _) in PRESETS {
        let doc = preset(name).unwrap();
        doc.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Document::from_json(&doc.to_json()).unwrap(), doc, "{name}");
        assert_eq!(
            Document::from_json(&doc.to_json_compact()).unwrap(),
            doc,
            "{name}"
        );
    }
}

#[test]
fn every_template_yields_a_valid_circuit_on_1_to_8_qubits() {
    for (name, _) in TEMPLATES {
        for q in 1..=8 {
            let mut doc = Document::default();
            doc.circuit.qubits = q;
            doc.circuit.gates = template(name, q, 0, 1).unwrap();
            doc.circuit
                .gates
                .extend(template(name, q, next_col(&doc.circuit.gates), 2).unwrap());
            doc.readout = Readout::Expval {
                observables: vec!["Z0".into()],
            };
            doc.validate()
                .unwrap_or_else(|e| panic!("{name} on {q}: {e}"));
        }
    }
    assert!(template("nope", 2, 0, 1)
        .unwrap_err()
        .message
        .contains("reupload"));
}

#[test]
fn a_newer_version_is_refused_with_a_message_that_says_so() {
    let mut v = default_value();
    v["version"] = serde_json::json!(DOC_VERSION + 1);
    let e = err_of(&v.to_string());
    assert_eq!(e.path, "version");
    assert!(e.message.contains("newer"), "{e}");
    v["version"] = serde_json::json!("one");
    assert_eq!(err_of(&v.to_string()).path, "version");
    v.as_object_mut().unwrap().remove("version");
    assert_eq!(err_of(&v.to_string()).to_string(), "version: is missing");
}

#[test]
fn bad_fields_are_named() {
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("/circuit/qubits", serde_json::json!(0), "circuit.qubits"),
        ("/circuit/qubits", serde_json::json!(30), "circuit.qubits"),
        (
            "/circuit/gates/0/wires",
            serde_json::json!([7]),
            "circuit.gates[0].wires",
        ),
        (
            "/circuit/gates/0/params",
            serde_json::json!([]),
            "circuit.gates[0].params",
        ),
        ("/head/scale", serde_json::json!([1.0, 2.0]), "head"),
        (
            "/training/batch_size",
            serde_json::json!(0),
            "training.batch_size",
        ),
        ("/training/shots", serde_json::json!(0), "training.shots"),
        (
            "/training/loss",
            serde_json::json!("cross_entropy"),
            "training.loss",
        ),
        (
            "/readout/observables",
            serde_json::json!(["Q0"]),
            "readout.observables[0]",
        ),
        (
            "/readout/observables",
            serde_json::json!(["Z9"]),
            "readout.observables[0]",
        ),
        ("/locked", serde_json::json!(["everything"]), "locked[0]"),
        (
            "/features/range",
            serde_json::json!([1.0, -1.0]),
            "features.range",
        ),
    ];
    for (ptr, val, path) in cases {
        let mut v = default_value();
        *v.pointer_mut(ptr).unwrap_or_else(|| panic!("{ptr}")) = val.clone();
        let e = err_of(&v.to_string());
        assert_eq!(e.path, path, "{ptr} = {val}: {e}");
    }
}

#[test]
fn thirty_qubits_gives_the_memory_message() {
    let mut v = default_value();
    v["circuit"]["qubits"] = serde_json::json!(30);
    let e = err_of(&v.to_string());
    assert!(e.message.contains("24"), "{e}");
    assert!(
        e.message.contains("GiB") || e.message.contains("bytes"),
        "{e}"
    );
}

#[test]
fn overlapping_gates_in_one_column_are_refused() {
    let mut doc = Document::default();
    let mut g = doc.circuit.gates[0].clone();
    g.gate = GateKind::H;
    g.params.clear();
    doc.circuit.gates.push(g);
    let e = doc.validate().unwrap_err();
    assert!(e.message.contains("overlaps"), "{e}");
}

#[test]
fn unknown_fields_and_unknown_gates_are_refused() {
    let mut v = default_value();
    v["surprise"] = serde_json::json!(1);
    assert!(err_of(&v.to_string()).message.contains("surprise"));
    let mut v = default_value();
    v["circuit"]["gates"][0]["gate"] = serde_json::json!("FOO");
    assert!(err_of(&v.to_string()).message.contains("FOO"));
}

#[test]
fn oversized_and_non_json_input_is_refused() {
    assert!(err_of("{").message.contains("not valid JSON"));
    let huge = " ".repeat(MAX_DOC_BYTES + 1);
    assert!(err_of(&huge).message.contains("limit"));
}

#[test]
fn feature_map_scales_natural_range_onto_the_angle_range() {
    let fm = FeatureMap {
        range: Some([0.0, std::f64::consts::PI]),
    };
    assert!((fm.value(Feature::X1, [-1.0, 0.0]) - 0.0).abs() < 1e-15);
    assert!((fm.value(Feature::X1, [1.0, 0.0]) - std::f64::consts::PI).abs() < 1e-15);
    assert!((fm.value(Feature::X2Sq, [0.0, 1.0]) - std::f64::consts::PI).abs() < 1e-15);
    assert_eq!(FeatureMap::default().value(Feature::X1X2, [0.5, 0.5]), 0.25);
}

proptest! {
    #[test]
    fn parsing_arbitrary_text_never_panics(s in ".{0,400}") {
        let _ = Document::from_json(&s);
    }

    #[test]
    fn mutating_one_byte_of_a_valid_document_never_panics(pos in 0usize..4000, byte in any::<u8>()) {
        let mut bytes = Document::default().to_json_compact().into_bytes();
        let p = pos % bytes.len();
        bytes[p] = byte;
        if let Ok(s) = String::from_utf8(bytes) {
            if let Ok(doc) = Document::from_json(&s) {
                prop_assert!(doc.validate().is_ok());
            }
        }
    }
}
