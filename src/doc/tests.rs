#![allow(clippy::field_reassign_with_default)]
use super::*;
use crate::learn::dense::Activation;
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
    g.gate = GateKind::H.into();
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
    let unit = |_| [-1.0, 1.0];
    let at = |f: Feature, x: [f64; 2]| fm.scale(f.eval(&x, &[]), f.natural_range(unit));
    assert!((at(Feature::X1, [-1.0, 0.0]) - 0.0).abs() < 1e-15);
    assert!((at(Feature::X1, [1.0, 0.0]) - std::f64::consts::PI).abs() < 1e-15);
    assert!((at(Feature::X2_SQ, [0.0, 1.0]) - std::f64::consts::PI).abs() < 1e-15);
    let plain = FeatureMap::default();
    assert_eq!(
        plain.scale(Feature::X1X2.eval(&[0.5, 0.5], &[]), [-1.0, 1.0]),
        0.25
    );
    assert_eq!(fm.slope([-1.0, 1.0]), std::f64::consts::PI / 2.0);
}

/// A version 1 document, exactly as the first playground wrote it (the keys it had).
const V1_DOC: &str = r#"{"version":1,"circuit":{"qubits":2,"gates":[
  {"gate":"RX","wires":[0],"params":[{"kind":"reupload","feature":"x1","w":1.0,"b":0.0}],"col":0},
  {"gate":"RY","wires":[1],"params":[{"kind":"feature","feature":"sin(x2)","scale":2.0}],"col":0},
  {"gate":"CNOT","wires":[0,1],"col":1},
  {"gate":"Rot","wires":[1],"params":[{"kind":"weight","value":0.1},{"kind":"weight","value":0.2},{"kind":"const","value":0.3}],"col":2}]},
  "features":{"range":null},"readout":{"kind":"expval","observables":["Z0 Z1"]},
  "head":{"trainable":true,"scale":[1.0],"bias":[0.0]},
  "data":{"kind":"custom","points":200,"noise":0.0,"train_ratio":0.5,"seed":1,
          "custom":[[0.1,0.2,0],[0.3,-0.4,1],[0.5,0.5,0],[-0.2,0.9,1]]},
  "training":{"optimizer":{"kind":"adam","lr":0.05},"loss":"mse","batch_size":16,"epochs":200,"seed":1},
  "baseline":{"enabled":true,"hidden":[8,8]}}"#;

#[test]
fn version_1_documents_read_unchanged_and_are_written_as_version_2() {
    let d = Document::from_json(V1_DOC).unwrap();
    assert_eq!(d.version, DOC_VERSION);
    assert_eq!(d.data.custom.len(), 4);
    assert_eq!(d.data.dim(), 2);
    assert_eq!(
        d.circuit.gates[1].params[0],
        Angle::Feature {
            feature: Feature::SIN_X2,
            scale: 2.0
        }
    );
    assert_eq!(d.baseline.as_ref().unwrap().hidden, vec![8, 8]);
    let again = Document::from_json(&d.to_json()).unwrap();
    assert_eq!(again, *d);
    assert!(d.to_json().contains("\"version\": 2"));
}

#[test]
fn classical_layers_validate_their_shapes_and_the_features_they_feed() {
    let mut d = Document::default();
    d.pre_net = vec![DenseSpec::new(3, Activation::Tanh)];
    d.circuit.gates[0].params[0] = Angle::Feature {
        feature: "h3".parse().unwrap(),
        scale: 1.0,
    };
    d.clone().validated().unwrap();
    d.circuit.gates[0].params[0] = Angle::Feature {
        feature: "h4".parse().unwrap(),
        scale: 1.0,
    };
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "circuit.gates[0].params[0].feature");
    assert!(e.message.contains("h1 to h3"), "{e}");
    d.pre_net.clear();
    let e = d.validate().unwrap_err();
    assert!(e.message.contains("there is no pre-net"), "{e}");
    d.circuit.gates[0].params[0] = Angle::Feature {
        feature: "x3".parse().unwrap(),
        scale: 1.0,
    };
    let e = d.validate().unwrap_err();
    assert!(e.message.contains("x1 to x2"), "{e}");
    let mut d = Document::default();
    d.pre_net = vec![DenseSpec {
        units: 2,
        activation: Activation::Relu,
        weights: vec![0.0; 3],
        bias: vec![],
    }];
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "pre_net[0].weights");
    assert!(e.message.contains("needs 4"), "{e}");
    d.pre_net[0].weights = vec![0.0; 4];
    d.pre_net[0].units = 65;
    assert_eq!(d.validate().unwrap_err().path, "pre_net[0].units");
    let mut d = Document::default();
    d.post_net = vec![
        DenseSpec::new(4, Activation::Tanh),
        DenseSpec::new(1, Activation::Linear),
    ];
    d.clone().validated().unwrap();
    d.post_net[1].units = 3;
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "training.loss");
    assert!(e.message.contains("3 output(s)"), "{e}");
    d.post_net = vec![DenseSpec::new(1, Activation::Linear); 5];
    assert!(d.validate().unwrap_err().message.contains("at most 4"));
}

#[test]
fn messages_say_what_is_wrong_in_the_pages_words() {
    // A fidelity readout with MSE names the fidelity, not a count.
    let mut d = preset("reupload-1q").unwrap().into_inner();
    d.training.loss = LossKind::Mse;
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "training.loss");
    assert!(e.message.contains("readout is a fidelity"), "{e}");
    assert!(!e.message.contains("Mse"), "{e}");
    // One-qubit label states: "one character".
    let mut d = preset("reupload-1q").unwrap().into_inner();
    d.readout = Readout::Fidelity {
        states: vec!["0".into(), "10".into()],
        per_wire: false,
    };
    let e = d.validate().unwrap_err();
    assert!(e.message.contains("one character: 0 or 1"), "{e}");
    // A fidelity readout with a trained head is refused, with the reason.
    let mut d = preset("reupload-1q").unwrap().into_inner();
    d.head.trainable = true;
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "head.trainable");
    assert!(e.message.contains("scale shrinks to 0"), "{e}");
    // A custom row of the wrong width names the row and says what a row is.
    let mut v = default_value();
    v["data"]["kind"] = serde_json::json!("custom");
    v["data"]["custom"] = serde_json::json!([[0.1, 0.2, 0], [0.3, 0.4, 1], [0.5, 0.6, 0.7, 1]]);
    let e = err_of(&v.to_string());
    assert_eq!(e.path, "data.custom[2]");
    assert!(e.message.contains("[x1, x2, label]"), "{e}");
    // Serde's words become the page's.
    let mut v = default_value();
    v["training"]["batch_size"] = serde_json::json!(1.5);
    let e = err_of(&v.to_string());
    assert_eq!(e.path, "training.batch_size");
    assert!(e.message.contains("a whole number ≥ 0"), "{e}");
    assert!(!e.message.contains("usize"), "{e}");
}

#[test]
fn non_finite_numbers_and_huge_weights_name_their_field() {
    let text = Document::default()
        .to_json()
        .replacen("\"lr\": 0.05", "\"lr\": NaN", 1);
    let e = err_of(&text);
    assert_eq!(e.path, "training.optimizer.lr");
    assert!(e.message.contains("NaN"), "{e}");
    let text = Document::default()
        .to_json()
        .replacen("\"w\": 1.0", "\"w\": -Infinity", 1);
    let e = err_of(&text);
    assert_eq!(e.path, "circuit.gates[0].params[0].w");
    let mut v = default_value();
    v["circuit"]["gates"][2]["params"][0]["value"] = serde_json::json!(1e308);
    let e = err_of(&v.to_string());
    assert_eq!(e.path, "circuit.gates[2].params[0].value");
    assert!(e.message.contains("beyond"), "{e}");
    let cut = &Document::default().to_json()[..200];
    assert!(err_of(cut).message.contains("cut off"));
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

#[test]
fn a_document_carries_its_analyses_through_json_and_links_and_refuses_broken_ones() {
    use crate::analysis::landscape::{loss_landscape, LandscapeSpec};
    let spec = LandscapeSpec {
        resolution: 5,
        ..LandscapeSpec::default()
    };
    let centre = vec![0.1, 0.2, 0.3];
    let l = loss_landscape(&centre, std::slice::from_ref(&centre), spec, |w| {
        w.iter().map(|v| v * v).sum()
    })
    .unwrap();
    let mut doc = Document::default();
    doc.analyses = vec![AnalysisResult::Landscape(l.clone())];
    let valid = doc.clone().validated().unwrap();
    let back = Document::from_json(&valid.to_json()).unwrap();
    assert_eq!(back.analyses, doc.analyses);
    let hash = share::encode_hash(&doc);
    assert_eq!(share::decode_hash(&hash).unwrap().analyses, doc.analyses);
    // One of each kind.
    doc.analyses.push(AnalysisResult::Landscape(l.clone()));
    let e = doc.clone().validated().unwrap_err();
    assert_eq!(e.path, "analyses[1]");
    assert!(e.message.contains("one of each kind"), "{e}");
    // A grid that does not hold resolution² losses.
    let mut broken = l;
    broken.loss.pop();
    doc.analyses = vec![AnalysisResult::Landscape(broken)];
    let e = doc.validated().unwrap_err();
    assert_eq!(e.path, "analyses[0].loss");
    assert!(e.message.contains("25 losses"), "{e}");
    // An unknown analysis kind is named.
    let mut v = default_value();
    v["analyses"] = serde_json::json!([{"kind": "tomography"}]);
    let e = Document::from_value(v).unwrap_err();
    assert!(e.path.starts_with("analyses"), "{e:?}");
}

#[test]
fn label_states_read_old_bit_strings_and_new_bloch_points() {
    // A document written before Bloch points reads unchanged and writes the same text.
    let old = preset("reupload-1q").unwrap();
    let text = old.to_json();
    assert!(
        text.contains("\"states\": [\n      \"0\",\n      \"1\"\n    ]"),
        "{text}"
    );
    assert!(!text.contains("per_wire"));
    assert_eq!(Document::from_json(&text).unwrap(), old);
    // Bloch points and products, as JSON.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["readout"]["states"] = serde_json::json!([{"theta": 0.0}, {"theta": 3.0, "phi": 1.0}]);
    let d = Document::from_json(&v.to_string()).unwrap();
    let Readout::Fidelity { states, .. } = &d.readout else {
        panic!()
    };
    assert_eq!(states[1], LabelState::Bloch(BlochPoint::new(3.0, 1.0)));
    // Something that is no label state says what one is.
    v["readout"]["states"] = serde_json::json!(["0", {"theta": "x"}]);
    let e = err_of(&v.to_string());
    assert_eq!(e.path, "readout.states[1]");
    assert!(e.message.contains("a Bloch point {\"theta\": θ"), "{e}");
    // Two classes on one state; products wider than the circuit; mixed widths; NaN angles.
    let mut d = old.clone().into_inner();
    let p = |t: f64| BlochPoint::new(t, 0.5);
    let cases: [(Vec<LabelState>, &str, &str); 4] = [
        (
            vec![p(1.0).into(), p(1.0).into()],
            "readout.states[1]",
            "same state as class 0",
        ),
        (
            vec![LabelState::Product(vec![p(1.0), p(2.0)]), p(0.0).into()],
            "readout.states[0]",
            "one per wire, 1 to 1",
        ),
        (vec!["0".into(), p(2.0).into()], "readout.states[1]", ""),
        (
            vec![p(f64::NAN).into(), p(2.0).into()],
            "readout.states[0].theta",
            "finite",
        ),
    ];
    for (states, path, words) in cases {
        d.readout = Readout::Fidelity {
            states,
            per_wire: false,
        };
        match d.validate() {
            Ok(()) => assert!(words.is_empty(), "{path} should be refused"),
            Err(e) => {
                assert_eq!(e.path, path, "{e}");
                assert!(e.message.contains(words), "{e}");
            }
        }
    }
    d.circuit.qubits = 2;
    d.readout = Readout::Fidelity {
        states: vec![LabelState::Product(vec![p(1.0), p(2.0)]), p(0.0).into()],
        per_wire: false,
    };
    let e = d.validate().unwrap_err();
    assert!(
        e.message
            .contains("covers 1 wire(s), but label state 0 covers 2"),
        "{e}"
    );
}

#[test]
fn the_papers_costs_have_their_own_rules() {
    use crate::data::paper::PaperProblem;
    use crate::learn::optim::OptimizerSpec;
    // χ_f keeps the head fixed, and the refusal points at χ_wf.
    let mut d = preset("paper-circle-1q").unwrap().into_inner();
    d.head.trainable = true;
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "head.trainable");
    assert!(e.message.contains("χ_wf"), "{e}");
    // χ_wf trains its scales (its biases are fixed: 0 as in the paper).
    let d = preset("paper-tetrahedron").unwrap().into_inner();
    assert!(d.head.trainable && d.training.loss == LossKind::ChiWf);
    assert_eq!(d.head.bias, vec![0.0; 4]);
    // Per-wire fidelities are χ_wf's readout, on single-qubit label states.
    let mut d = paper_document(PaperProblem::NonConvex, 2, 2, LossKind::ChiWf, false, 1)
        .unwrap()
        .into_inner();
    assert_eq!(d.n_readouts(), 4);
    d.head.trainable = false;
    d.training.loss = LossKind::ChiF;
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "readout.per_wire");
    assert!(e.message.contains("χ_wf"), "{e}");
    d.training.loss = LossKind::ChiWf;
    d.readout = Readout::Fidelity {
        states: vec!["00".into(), "11".into()],
        per_wire: true,
    };
    assert_eq!(d.validate().unwrap_err().path, "readout.per_wire");
    // L-BFGS needs exact losses.
    let mut d = preset("paper-sphere-1q").unwrap().into_inner();
    assert!(matches!(d.training.optimizer, OptimizerSpec::Lbfgs { .. }));
    d.training.shots = Some(100);
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "training.shots");
    assert!(e.message.contains("line search"), "{e}");
    // The paper's costs need a fidelity readout.
    let mut d = preset("default").unwrap().into_inner();
    d.training.loss = LossKind::ChiWf;
    let e = d.validate().unwrap_err();
    assert_eq!(e.path, "training.loss");
    assert!(e.message.contains("fidelity readout"), "{e}");
}

#[test]
fn an_ideal_document_writes_no_noise_section_and_reads_unchanged() {
    let doc = Document::default();
    let v: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    assert!(v.get("noise").is_none());
    assert!(!doc.is_noisy());
    let back = Document::from_json(&doc.to_json()).unwrap();
    assert_eq!(back.noise, NoiseSpec::default());
}

#[test]
fn noise_presets_round_trip_and_are_named() {
    for name in NOISE_PRESETS {
        let mut doc = Document::default();
        doc.noise = NoiseSpec::preset(name).unwrap();
        let back = Document::from_json(&doc.to_json()).unwrap();
        assert_eq!(back.noise, doc.noise, "{name}");
        assert_eq!(back.noise.preset_name(), Some(*name));
        assert_eq!(back.is_noisy(), *name != "ideal");
    }
    assert!(NoiseSpec::preset("loud").is_none());
}

#[test]
fn channels_are_placed_like_gates_and_round_trip() {
    let mut v = default_value();
    v["circuit"]["gates"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "gate": "AmplitudeDamping", "wires": [1], "col": 40,
            "params": [{"kind": "const", "value": 0.2}]
        }));
    let doc = Document::from_value(v).unwrap();
    let g = doc.circuit.gates.last().unwrap();
    assert_eq!(
        g.gate,
        GateName::Channel(crate::sim::ChannelKind::AmplitudeDamping)
    );
    assert!(doc.is_noisy());
    assert_eq!(Document::from_json(&doc.to_json()).unwrap(), *doc);
}

#[test]
fn bad_channel_strengths_are_refused_with_the_field() {
    for (params, path, says) in [
        (
            serde_json::json!([{"kind": "const", "value": 1.5}]),
            "params[0].value",
            "from 0 to 1",
        ),
        (
            serde_json::json!([{"kind": "weight", "value": 0.1}]),
            "params[0]",
            "fixed strength",
        ),
        (serde_json::json!([]), "params", "takes 1 angle"),
    ] {
        let mut v = default_value();
        v["circuit"]["gates"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "gate": "DepolarizingChannel", "wires": [0], "col": 40, "params": params
            }));
        let e = Document::from_value(v).unwrap_err();
        assert!(e.path.ends_with(path), "{e}");
        assert!(e.message.contains(says), "{e}");
    }
    let mut v = default_value();
    v["circuit"]["gates"][0]["gate"] = serde_json::json!("Depolarizing");
    let e = Document::from_value(v).unwrap_err();
    assert!(e.to_string().contains("DepolarizingChannel"), "{e}");
}

#[test]
fn bad_noise_models_are_refused_with_clear_messages() {
    let cases = [
        (serde_json::json!({"p1": 1.5}), "noise.p1", "from 0 to 1"),
        (serde_json::json!({"p2": -0.1}), "noise.p2", "from 0 to 1"),
        (
            serde_json::json!({"amplitude_damping": 2.0}),
            "noise.amplitude_damping",
            "amplitude damping",
        ),
        (
            serde_json::json!({"readout": [{"p1_given_0": 1.2}]}),
            "noise.readout[0].p1_given_0",
            "p(1|0)",
        ),
        (
            serde_json::json!({"readout": [{}, {}]}),
            "noise.readout",
            "one per wire (4)",
        ),
        (
            serde_json::json!({"engine": "trajectories", "trajectories": 0}),
            "noise.trajectories",
            "from 1 to",
        ),
    ];
    for (noise, path, says) in cases {
        let mut v = default_value();
        v["noise"] = noise;
        let e = Document::from_value(v).unwrap_err();
        assert_eq!(e.path, path, "{e}");
        assert!(e.message.contains(says), "{e}");
    }
}

#[test]
fn the_density_limit_is_an_error_before_allocation() {
    let mut doc = Document::default();
    doc.circuit.qubits = crate::sim::MAX_DENSITY_QUBITS + 1;
    doc.noise = NoiseSpec::preset("NISQ-like").unwrap();
    doc.noise.engine = NoiseEngine::Density;
    let e = doc.clone().validated().unwrap_err();
    assert_eq!(e.path, "noise.engine");
    assert!(e.message.contains("density-matrix limit"), "{e}");
    assert!(e.message.contains("trajectory engine"), "{e}");
    // Auto and trajectories accept the same document.
    doc.noise.engine = NoiseEngine::Auto;
    assert!(doc.clone().validated().is_ok());
    doc.noise.engine = NoiseEngine::Trajectories;
    assert!(doc.validated().is_ok());
}

/// The hybrid issue's model, gate for gate: RX(h_q) on every wire (PennyLane's
/// `AngleEmbedding`), then two `StronglyEntanglingLayers` with PennyLane's default ranges (CNOTs
/// q → q + 1, then q → q + 2), ⟨Z⟩ on every wire, Dense(4→4, tanh) before and Dense(4→classes)
/// after, softmax cross-entropy, Adam 0.02 (ε 1e-8) on batches of 10 for 60 epochs, a stratified
/// 80/20 split of standardised (and for breast cancer PCA-4) features. The second layer once
/// repeated the first's CNOTs, which is not the model the issue's PennyLane figures come from.
#[test]
fn hybrid_presets_are_the_issues_model() {
    let cnots = [
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 0),
        (0, 2),
        (1, 3),
        (2, 0),
        (3, 1),
    ];
    for (name, classes, pca) in [
        ("iris-hybrid", 3, None),
        ("breast-cancer-hybrid", 2, Some(4)),
    ] {
        let d = preset(name).unwrap().into_inner();
        let v = serde_json::to_value(&d.circuit).unwrap();
        let gates = v["gates"].as_array().unwrap();
        let names: Vec<&str> = gates.iter().map(|g| g["gate"].as_str().unwrap()).collect();
        let mut want = vec!["RX"; 4];
        for _ in 0..2 {
            want.extend(["Rot"; 4]);
            want.extend(["CNOT"; 4]);
        }
        assert_eq!(names, want, "{name}");
        for (q, g) in gates[..4].iter().enumerate() {
            assert_eq!(g["wires"], serde_json::json!([q]), "{name}");
            assert_eq!(g["params"][0]["feature"], format!("h{}", q + 1), "{name}");
        }
        let got: Vec<(u64, u64)> = gates
            .iter()
            .filter(|g| g["gate"] == "CNOT")
            .map(|g| {
                (
                    g["wires"][0].as_u64().unwrap(),
                    g["wires"][1].as_u64().unwrap(),
                )
            })
            .collect();
        let want: Vec<(u64, u64)> = cnots.iter().map(|&(a, b)| (a, b)).collect();
        assert_eq!(
            got, want,
            "{name}: StronglyEntanglingLayers' ranges 1 then 2"
        );
        assert_eq!(
            d.readout,
            Readout::Expval {
                observables: (0..4).map(|w| format!("Z{w}")).collect()
            }
        );
        assert_eq!(d.pre_net.len(), 1);
        assert_eq!(
            (d.pre_net[0].units, d.pre_net[0].activation),
            (4, Activation::Tanh)
        );
        assert_eq!(d.post_net.len(), 1);
        assert_eq!(
            (d.post_net[0].units, d.post_net[0].activation),
            (classes, Activation::Linear)
        );
        assert!(!d.head.trainable && d.head.scale == vec![1.0; 4] && d.head.bias == vec![0.0; 4]);
        assert!(d.preprocess.standardize);
        assert_eq!(d.preprocess.pca, pca);
        assert!(d.data.stratify && d.data.train_ratio == 0.8);
        let t = &d.training;
        assert_eq!(t.loss, LossKind::CrossEntropy);
        assert_eq!((t.batch_size, t.epochs, t.l2), (10, 60, 0.0));
        let o = serde_json::to_value(&t.optimizer).unwrap();
        assert_eq!(
            o,
            serde_json::json!({"kind": "adam", "lr": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8})
        );
    }
}

/// A stack of strongly entangling layers uses the ranges r = l mod (n − 1) + 1 of PennyLane's
/// `StronglyEntanglingLayers`; the other templates do not depend on the layer.
#[test]
fn strongly_entangling_layers_step_their_cnot_range() {
    for (layer, range) in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 1)] {
        let gates = template_layer("strongly_entangling", 5, 0, 1, layer).unwrap();
        let pairs: Vec<Vec<usize>> = gates
            .iter()
            .filter(|g| g.wires.len() == 2)
            .map(|g| g.wires.clone())
            .collect();
        let want: Vec<Vec<usize>> = (0..5).map(|q| vec![q, (q + range) % 5]).collect();
        assert_eq!(pairs, want, "layer {layer}");
    }
    assert_eq!(
        template_layer("strongly_entangling", 4, 0, 1, 0).unwrap(),
        template("strongly_entangling", 4, 0, 1).unwrap()
    );
    assert_eq!(
        template_layer("basic_entangler", 4, 0, 1, 1).unwrap(),
        template("basic_entangler", 4, 0, 1).unwrap()
    );
    for q in 1..=8 {
        for layer in 0..4 {
            let mut doc = Document::default();
            doc.circuit.qubits = q;
            doc.circuit.gates = template_layer("strongly_entangling", q, 0, 1, layer).unwrap();
            doc.readout = Readout::Expval {
                observables: vec!["Z0".into()],
            };
            doc.validate()
                .unwrap_or_else(|e| panic!("layer {layer} on {q}: {e}"));
        }
    }
}

/// Strongly entangling layers inserted one after another form one PennyLane stack: each takes
/// the CNOT range after the last layer's (1, 2, 3, then 1 again on 4 wires), and so equal the
/// preset's stack; any other ending starts a new stack.
#[test]
fn appended_strongly_entangling_layers_continue_the_stack() {
    let mut gates: Vec<GateSpec> = Vec::new();
    let mut layers = Vec::new();
    for k in 0..5 {
        let layer = next_template_layer("strongly_entangling", 4, &gates);
        layers.push(layer);
        let at = next_col(&gates);
        gates.extend(template_layer("strongly_entangling", 4, at, 7 + k, layer).unwrap());
    }
    assert_eq!(layers, [0, 1, 2, 0, 1]);
    let ranges: Vec<usize> = gates
        .iter()
        .filter(|g| g.gate.name() == "CNOT")
        .map(|g| (g.wires[1] + 4 - g.wires[0]) % 4)
        .collect();
    assert_eq!(
        ranges.chunks(4).map(|c| c[0]).collect::<Vec<_>>(),
        [1, 2, 3, 1, 2]
    );
    assert!(ranges.chunks(4).all(|c| c.iter().all(|&r| r == c[0])));

    // The list order of a column does not matter, only the execution order.
    let mut shuffled = gates.clone();
    shuffled.reverse();
    assert_eq!(next_template_layer("strongly_entangling", 4, &shuffled), 2);

    // Anything else last starts again at range 1: a gate after the ring, another template, a
    // ring missing a CNOT, and 2 qubits (one CNOT per layer, its range is always 1).
    let mut extra = gates.clone();
    extra.push(GateSpec {
        gate: GateKind::H.into(),
        wires: vec![0],
        controls: vec![],
        params: vec![],
        col: next_col(&gates),
    });
    assert_eq!(next_template_layer("strongly_entangling", 4, &extra), 0);
    assert_eq!(next_template_layer("basic_entangler", 4, &gates), 0);
    let mut short = gates.clone();
    short.pop();
    assert_eq!(next_template_layer("strongly_entangling", 4, &short), 0);
    let two = template_layer("strongly_entangling", 2, 0, 1, 0).unwrap();
    assert_eq!(next_template_layer("strongly_entangling", 2, &two), 0);
    assert_eq!(next_template_layer("strongly_entangling", 4, &[]), 0);
}

/// Template layers stacked one after another, as "Insert layer" does, are PennyLane's own
/// `StronglyEntanglingLayers` and `BasicEntanglerLayers` gate for gate on 1–6 wires: the same
/// kinds on the same wires in the same order (`tests/golden/templates.json`, PennyLane's
/// decompositions; on two wires a strongly entangling layer has CNOT(0, 1) and CNOT(1, 0), a
/// basic entangler one CNOT).
#[test]
fn stacked_templates_are_pennylanes_decompositions() {
    let golden: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/templates.json"
    )))
    .unwrap();
    let layers = golden["layers"].as_u64().unwrap();
    let cases = golden["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 12);
    for case in cases {
        let name = case["template"].as_str().unwrap();
        let q = case["qubits"].as_u64().unwrap() as usize;
        let mut gates: Vec<GateSpec> = Vec::new();
        for k in 0..layers {
            let layer = next_template_layer(name, q, &gates);
            let at = next_col(&gates);
            gates.extend(template_layer(name, q, at, 3 + k, layer).unwrap());
        }
        gates.sort_by_key(|g| g.col);
        let ours: Vec<(String, Vec<usize>)> = gates
            .iter()
            .map(|g| {
                let mut wires = g.controls.clone();
                wires.extend(&g.wires);
                (g.gate.name().to_string(), wires)
            })
            .collect();
        let want: Vec<(String, Vec<usize>)> = case["ops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|op| {
                let wires = op[1].as_array().unwrap();
                (
                    op[0].as_str().unwrap().to_string(),
                    wires.iter().map(|w| w.as_u64().unwrap() as usize).collect(),
                )
            })
            .collect();
        assert_eq!(ours, want, "{name} on {q} wires, {layers} layers");
    }
}
