//! Cross-check of the exported PennyLane and Qiskit scripts (and the OpenQASM exports) against
//! the engine, run by `scripts/python-crosscheck.sh`.
//!
//! The `#[ignore]`d test `write_crosscheck_cases` writes, for every case document, into the
//! directory named by `QMLP_CROSSCHECK_DIR`: `<case>.pennylane.py`, `<case>.qiskit.py`,
//! `<case>.expected.json` (the points and our outputs), `<case>.qasm2`, `<case>.qasm3` and
//! `<case>.state.json` (our state at the first point, wire 0 most significant). The script
//! runs them with real PennyLane and Qiskit and compares. The other tests here check that the
//! case documents are valid and that every gate kind, control, binding and readout is covered.
#![cfg(not(target_arch = "wasm32"))]

use qmlp::data::{DatasetKind, DatasetSpec};
use qmlp::doc::{
    self, Angle, DenseSpec, Document, Feature, FeatureMap, GateSpec, Head, Preprocess, Readout,
    ValidDocument, PRESETS,
};
use qmlp::interop::{self, python, qasm};
use qmlp::learn::dense::Activation;
use qmlp::learn::loss::LossKind;
use qmlp::rng::Rng;
use qmlp::sim::{GateKind, State};

fn angle(rng: &mut Rng, k: usize) -> Angle {
    let v = rng.range(-3.0, 3.0);
    let f = Feature::CLASSIC[k % Feature::CLASSIC.len()];
    match k % 4 {
        0 => Angle::Const { value: v },
        1 => Angle::Weight { value: v },
        2 => Angle::Feature {
            feature: f,
            scale: rng.range(-2.0, 2.0),
        },
        _ => Angle::Reupload {
            feature: f,
            w: v,
            b: rng.range(-1.0, 1.0),
        },
    }
}

/// Every gate kind, single-qubit kinds with 0 to `max_ctrl` extra controls, every binding kind.
fn every_gate_circuit(seed: u64, max_ctrl: usize) -> Vec<GateSpec> {
    let mut rng = Rng::new(seed);
    let mut gates = Vec::new();
    let mut k = 0;
    let mut col = 0;
    // Spread amplitude first so every gate acts on a generic state.
    for q in 0..4 {
        gates.push(GateSpec::fixed(GateKind::H, &[q], col, &[]));
        gates.push(GateSpec {
            gate: GateKind::RY.into(),
            wires: vec![q],
            controls: vec![],
            params: vec![Angle::Feature {
                feature: Feature::CLASSIC[q],
                scale: 1.0,
            }],
            col: col + 1,
        });
    }
    col += 2;
    for &kind in GateKind::all() {
        let most = if kind.is_single_qubit() { max_ctrl } else { 0 };
        for nc in 0..=most {
            let wires_all: Vec<usize> = (0..4).map(|i| (i + k) % 4).collect();
            let wires = wires_all[..kind.n_wires()].to_vec();
            let controls = wires_all[kind.n_wires()..kind.n_wires() + nc].to_vec();
            let params = (0..kind.n_params())
                .map(|_| {
                    k += 1;
                    angle(&mut rng, k)
                })
                .collect();
            gates.push(GateSpec {
                gate: kind.into(),
                wires,
                controls,
                params,
                col,
            });
            col += 1;
            k += 1;
        }
    }
    gates
}

fn every_gate_doc(seed: u64, range: Option<[f64; 2]>, max_ctrl: usize) -> Document {
    let mut d = Document {
        title: "Every gate, control and binding".into(),
        ..Document::default()
    };
    d.circuit.qubits = 4;
    d.circuit.gates = every_gate_circuit(seed, max_ctrl);
    d.features = FeatureMap { range };
    d.readout = Readout::Expval {
        observables: vec![
            "Z0".into(),
            "X1 Y3".into(),
            "Z0 Z1 Z2 Z3".into(),
            "I".into(),
            "Y2".into(),
        ],
    };
    d.head = Head {
        trainable: true,
        scale: vec![1.5, -0.5, 2.0, 0.25, 1.0],
        bias: vec![0.1, 0.0, -0.3, 0.5, 0.0],
    };
    // Five outputs need five classes: a custom dataset of 20 points.
    d.data = doc::dataset(DatasetKind::Custom, 20, 7);
    d.data.custom = (0..20)
        .map(|i| {
            let t = i as f64 * 0.61;
            vec![t.cos() * 0.9, (1.7 * t).sin() * 0.8, (i % 5) as f64]
        })
        .collect();
    d.training.loss = LossKind::Mse;
    d
}

/// A 3-class fidelity model on 2-bit label states with reordered columns.
fn fidelity_doc() -> Document {
    let mut d = every_gate_doc(11, Some([-2.0, 2.5]), 2);
    d.title = "Fidelity readout on two wires".into();
    d.readout = Readout::Fidelity {
        states: vec!["00".into(), "01".into(), "10".into()],
        per_wire: false,
    };
    d.head = Head {
        trainable: false,
        scale: vec![1.0, 0.5, 2.0],
        bias: vec![0.0, 0.1, -0.2],
    };
    d.training.loss = LossKind::Fidelity;
    d.data = doc::dataset(DatasetKind::Gaussians3, 120, 7);
    // Put a late gate first in the list but in the last column: order is by column.
    let last = d.circuit.gates.pop().unwrap();
    let max_col = d.circuit.gates.iter().map(|g| g.col).max().unwrap_or(0);
    d.circuit.gates.insert(
        0,
        GateSpec {
            col: max_col + 1,
            ..last
        },
    );
    d
}

/// Presets with every trainable number redrawn at random (stands in for trained weights).
fn randomised(mut d: Document, seed: u64) -> Document {
    let mut rng = Rng::new(seed);
    for g in &mut d.circuit.gates {
        for a in &mut g.params {
            match a {
                Angle::Weight { value } => *value = rng.range(-4.0, 4.0),
                Angle::Reupload { w, b, .. } => {
                    *w = rng.range(-2.0, 2.0);
                    *b = rng.range(-1.0, 1.0);
                }
                _ => {}
            }
        }
    }
    for s in &mut d.head.scale {
        *s = rng.range(-2.0, 2.0);
    }
    for b in &mut d.head.bias {
        *b = rng.range(-0.5, 0.5);
    }
    d
}

/// Multi-controlled X and Z, which OpenQASM 2 writes as ccx, c3x, c4x and h·ccx·h.
fn multi_control_doc() -> Document {
    let mut d = Document {
        title: "Multi-controlled X and Z".into(),
        ..Document::default()
    };
    d.circuit.qubits = 5;
    let mut gates: Vec<GateSpec> = (0..5)
        .map(|q| GateSpec {
            gate: GateKind::RY.into(),
            wires: vec![q],
            controls: vec![],
            params: vec![Angle::Reupload {
                feature: Feature::CLASSIC[q],
                w: 1.3,
                b: 0.4 + 0.2 * q as f64,
            }],
            col: 0,
        })
        .collect();
    let cc = |gate: GateKind, t: usize, controls: &[usize], col| GateSpec {
        gate: gate.into(),
        wires: vec![t],
        controls: controls.to_vec(),
        params: vec![],
        col,
    };
    gates.push(cc(GateKind::X, 2, &[0, 1], 1));
    gates.push(cc(GateKind::Z, 0, &[4, 3], 2));
    gates.push(cc(GateKind::X, 4, &[0, 2, 1], 3));
    gates.push(cc(GateKind::X, 1, &[0, 2, 3, 4], 4));
    gates.push(GateSpec::fixed(GateKind::CRY, &[1, 3], 5, &[0.9]));
    d.circuit.gates = gates;
    d.readout = Readout::Expval {
        observables: vec!["Z0 X4".into()],
    };
    d
}

/// A hybrid model: 3-D data standardised and projected on 2 principal components, a pre-net
/// whose outputs the angles read, a post-net after the readout.
fn hybrid_doc(act: Activation) -> Document {
    let mut d = doc::preset("gaussians3").unwrap().into_inner();
    d.data = DatasetSpec {
        kind: DatasetKind::Gaussians,
        points: 40,
        dim: Some(3),
        seed: 4,
        ..DatasetSpec::default()
    };
    d.preprocess = Preprocess {
        standardize: true,
        pca: Some(2),
    };
    d.pre_net = vec![DenseSpec::new(3, act), DenseSpec::new(2, Activation::Tanh)];
    d.circuit.qubits = 2;
    d.circuit.gates = doc::template("reupload", 2, 0, 9).unwrap();
    let feats = ["h1", "x2", "h2^2", "sin(h1)", "h1*x1", "h2"];
    let mut k = 0;
    for g in &mut d.circuit.gates {
        for a in &mut g.params {
            if let Angle::Reupload { feature, .. } = a {
                *feature = feats[k % feats.len()].parse().unwrap();
                k += 1;
            }
        }
    }
    d.features.range = Some([-1.0, 1.5]);
    d.readout = Readout::Expval {
        observables: vec!["Z0".into(), "X1".into()],
    };
    d.head = Head {
        trainable: true,
        scale: vec![1.2, 0.8],
        bias: vec![0.1, -0.1],
    };
    d.post_net = vec![
        DenseSpec::new(3, act),
        DenseSpec::new(1, Activation::Linear),
    ];
    d.training.loss = LossKind::Bce;
    d
}

/// [`hybrid_doc`] with ReLU, its second pre-net layer sigmoid: every activation between them.
fn hybrid_relu_sigmoid() -> Document {
    let mut d = hybrid_doc(Activation::Relu);
    d.pre_net[1].activation = Activation::Sigmoid;
    d
}

/// The directory `QMLP_CROSSCHECK_DIR` names (created) and a writer of files in it.
fn case_writer() -> impl Fn(&str, &str) {
    let dir = std::env::var("QMLP_CROSSCHECK_DIR").expect("set QMLP_CROSSCHECK_DIR");
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    move |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap()
}

/// A preset after a few epochs of training.
fn trained(name: &str, epochs: usize) -> Document {
    let mut t = qmlp::train::Trainer::new(doc::preset(name).unwrap()).unwrap();
    for _ in 0..epochs {
        t.run_epoch();
    }
    assert!(t.error().is_none(), "{name}: {:?}", t.error());
    t.document()
}

/// Every document the cross-check runs, by name.
fn cases() -> Vec<(String, ValidDocument)> {
    let mut out: Vec<(String, Document)> = Vec::new();
    for (name, _) in PRESETS {
        let d = doc::preset(name).unwrap().into_inner();
        out.push((format!("preset-{name}"), d.clone()));
        out.push((format!("preset-{name}-random"), randomised(d, 99)));
    }
    out.push(("hybrid-tanh".into(), hybrid_doc(Activation::Tanh)));
    out.push(("hybrid-relu-sigmoid".into(), hybrid_relu_sigmoid()));
    out.push(("every-gate".into(), every_gate_doc(3, None, 2)));
    out.push((
        "every-gate-range".into(),
        every_gate_doc(5, Some([0.0, std::f64::consts::PI]), 2),
    ));
    // At most one extra control: the whole circuit also goes through OpenQASM 2.
    out.push((
        "every-gate-1-control".into(),
        every_gate_doc(8, Some([-1.0, 1.0]), 1),
    ));
    out.push(("fidelity-2bit".into(), fidelity_doc()));
    out.push(("multi-control".into(), multi_control_doc()));
    out.push(("trained-xor-entangled".into(), trained("xor-entangled", 3)));
    out.push(("trained-reupload-1q".into(), trained("reupload-1q", 2)));
    let mut shots = randomised(doc::preset("xor-entangled").unwrap().into_inner(), 5);
    shots.training.shots = Some(100);
    out.push(("shots-are-ignored".into(), shots));
    out.into_iter()
        .map(|(n, d)| {
            let v = d.validated().unwrap_or_else(|e| panic!("{n}: {e}"));
            (n, v)
        })
        .collect()
}

#[test]
fn case_documents_are_valid_and_cover_everything() {
    let cs = cases();
    let default = doc::preset("xor-entangled").unwrap();
    let t = &cs
        .iter()
        .find(|c| c.0 == "trained-xor-entangled")
        .unwrap()
        .1;
    assert_ne!(
        t.circuit.gates, default.circuit.gates,
        "training changed no weight"
    );
    for (name, d) in &cs {
        python::pennylane_script(d).unwrap_or_else(|e| panic!("{name}: {e}"));
        python::qiskit_script(d).unwrap();
        let x = vec![0.3; d.data_dim()];
        qasm::export_document(d, &x, qasm::QasmVersion::V3).unwrap();
    }
    let gates: Vec<&GateSpec> = cs.iter().flat_map(|(_, d)| &d.circuit.gates).collect();
    for &k in GateKind::all() {
        assert!(gates.iter().any(|g| g.gate == k), "{k} not covered");
        if k.is_single_qubit() {
            assert!(
                gates.iter().any(|g| g.gate == k && g.controls.len() == 2),
                "{k} cc"
            );
        }
    }
    for kind in ["const", "weight", "feature", "reupload"] {
        assert!(
            gates.iter().flat_map(|g| &g.params).any(|a| match a {
                Angle::Const { .. } => kind == "const",
                Angle::Weight { .. } => kind == "weight",
                Angle::Feature { .. } => kind == "feature",
                Angle::Reupload { .. } => kind == "reupload",
            }),
            "{kind}"
        );
    }
    for f in Feature::CLASSIC {
        assert!(
            gates
                .iter()
                .flat_map(|g| &g.params)
                .any(|a| a.feature() == Some(f)),
            "{f:?}"
        );
    }
}

fn json_num(v: f64) -> serde_json::Value {
    serde_json::Value::from(v)
}

#[test]
#[ignore = "run by scripts/python-crosscheck.sh with QMLP_CROSSCHECK_DIR set"]
fn write_crosscheck_cases() {
    let write = case_writer();
    let cs = cases();
    for (name, d) in &cs {
        let points = interop::script_points(d).unwrap();
        let outputs = interop::reference_outputs(d, &points).unwrap();
        write(
            &format!("{name}.pennylane.py"),
            &python::pennylane_script_at(d, &points).unwrap(),
        );
        write(
            &format!("{name}.qiskit.py"),
            &python::qiskit_script_at(d, &points).unwrap(),
        );
        let expected = serde_json::json!({
            "points": points,
            "outputs": outputs,
        });
        write(&format!("{name}.expected.json"), &expected.to_string());
        let x = points[0].clone();
        let ops = interop::bound_ops(d, &x).unwrap();
        let mut s = State::new(d.circuit.qubits).unwrap();
        for op in &ops {
            s.try_apply(op).unwrap();
        }
        let state = serde_json::json!({
            "x": x,
            "re": s.amplitudes().iter().map(|a| json_num(a.re)).collect::<Vec<_>>(),
            "im": s.amplitudes().iter().map(|a| json_num(a.im)).collect::<Vec<_>>(),
        });
        write(&format!("{name}.state.json"), &state.to_string());
        write(
            &format!("{name}.qasm3"),
            &qasm::export_document(d, &x, qasm::QasmVersion::V3).unwrap(),
        );
        match qasm::export_document(d, &x, qasm::QasmVersion::V2) {
            Ok(t) => write(&format!("{name}.qasm2"), &t),
            Err(e) => write(&format!("{name}.qasm2.skipped"), &e.to_string()),
        }
    }
    // Noisy documents: PennyLane (default.mixed) and Qiskit (qiskit-aer's density matrix) with
    // the same channels; OpenQASM has no channels.
    let noisy = noisy_cases();
    for (name, d) in &noisy {
        let points = interop::script_points(d).unwrap();
        let outputs = interop::reference_outputs(d, &points).unwrap();
        write(
            &format!("{name}.pennylane.py"),
            &python::pennylane_script_at(d, &points).unwrap(),
        );
        write(
            &format!("{name}.qiskit.py"),
            &python::qiskit_script_at(d, &points).unwrap(),
        );
        let expected = serde_json::json!({"points": points, "outputs": outputs});
        write(&format!("{name}.expected.json"), &expected.to_string());
    }
    println!("wrote {} cases", cs.len() + noisy.len());
}

/// Noisy case documents: the NISQ-like preset (readout error included) on presets with Pauli
/// readouts, and every channel kind placed in a circuit.
fn noisy_cases() -> Vec<(String, ValidDocument)> {
    let mut out = Vec::new();
    for name in ["default", "xor-entangled", "reupload-1q"] {
        let mut d = doc::preset(name).unwrap().into_inner();
        d.noise = doc::NoiseSpec::preset("NISQ-like").unwrap();
        if !matches!(d.readout, doc::Readout::Expval { .. }) {
            // The readout error is exported for Pauli readouts only.
            d.noise.readout.clear();
        }
        let start = doc::next_col(&d.circuit.gates);
        for (k, &c) in qmlp::sim::ChannelKind::all().iter().enumerate() {
            let w = k % d.circuit.qubits;
            d.circuit.gates.push(doc::GateSpec::channel(
                c,
                w,
                start + k,
                0.03 * (k + 1) as f64,
            ));
        }
        out.push((format!("noisy-{name}"), d.validated().unwrap()));
    }
    out
}

#[test]
fn noisy_documents_export_pennylane_default_mixed_with_the_same_channels() {
    for (name, d) in noisy_cases() {
        let s = python::pennylane_script(&d).unwrap();
        assert!(s.contains("qml.device(\"default.mixed\""), "{name}");
        assert!(
            s.contains("qml.DepolarizingChannel(0.01, wires=0)"),
            "{name}"
        );
        assert!(s.contains("qml.AmplitudeDamping(0.02, wires=0)"), "{name}");
        assert!(s.contains("qml.PhaseFlip(0.09"), "{name}");
        assert_eq!(
            s.contains("qml.Hamiltonian("),
            !d.noise.readout.is_empty(),
            "{name}: readout error folded"
        );
        let q = python::qiskit_script(&d).unwrap();
        assert!(
            q.contains("AerSimulator(method=\"density_matrix\")"),
            "{name}"
        );
        assert!(q.contains("depolarizing_error(0.01333333"), "{name}");
        assert!(!q.contains("Statevector(circuit(f))"), "{name}");
        let x = vec![0.1; d.data_dim()];
        let q = qasm::export_document(&d, &x, qasm::QasmVersion::V3).unwrap();
        assert!(q.contains("OpenQASM has no noise channels"), "{name}");
        assert!(!q.contains("Damping"), "{name}");
    }
    // An ideal document's script is unchanged: default.qubit, no channel.
    let ideal = doc::preset("default").unwrap();
    let s = python::pennylane_script(&ideal).unwrap();
    assert!(s.contains("default.qubit") && !s.contains("Channel"));
}

/// The documents the PyTorch cross-check runs: the two hybrid presets of the Iris and breast
/// cancer tables, the random hybrid documents above (every activation, features of pre-net
/// outputs, a trainable head, BCE), a 2-D preset with MSE and the fidelity readout.
fn torch_cases() -> Vec<(String, ValidDocument)> {
    let mut out: Vec<(String, Document)> = vec![
        (
            "iris-hybrid".into(),
            doc::preset("iris-hybrid").unwrap().into_inner(),
        ),
        (
            "breast-cancer-hybrid".into(),
            doc::preset("breast-cancer-hybrid").unwrap().into_inner(),
        ),
        ("hybrid-tanh".into(), hybrid_doc(Activation::Tanh)),
        ("hybrid-relu-sigmoid".into(), hybrid_relu_sigmoid()),
        (
            "default-mse".into(),
            doc::preset("default").unwrap().into_inner(),
        ),
        (
            "gaussians3-ce".into(),
            doc::preset("gaussians3").unwrap().into_inner(),
        ),
        (
            "reupload-1q-fidelity".into(),
            doc::preset("reupload-1q").unwrap().into_inner(),
        ),
    ];
    let mut chi = doc::preset("reupload-1q").unwrap().into_inner();
    chi.training.loss = LossKind::ChiF;
    out.push(("reupload-1q-chi-f".into(), chi));
    out.into_iter()
        .map(|(n, d)| {
            let v = d.validated().unwrap_or_else(|e| panic!("{n}: {e}"));
            (n, v)
        })
        .collect()
}

/// The cases the Qiskit PyTorch export is run on (the PennyLane one runs on all).
const QISKIT_TORCH_CASES: [&str; 2] = ["iris-hybrid", "hybrid-tanh"];

/// Steps of the Adam protocol of the PyTorch cross-check.
const TORCH_STEPS: usize = 20;

#[test]
fn torch_cases_export() {
    for (name, d) in torch_cases() {
        for s in [
            interop::torch::pennylane_torch_script(&d),
            interop::torch::qiskit_torch_script(&d),
        ] {
            match s {
                Ok(text) => assert!(text.contains("class HybridModel"), "{name}"),
                // Only the fidelity readouts have no Qiskit version.
                Err(e) => assert!(
                    name.starts_with("reupload") && e.message.contains("expectation-value"),
                    "{name}: {e}"
                ),
            }
        }
    }
}

#[test]
#[ignore = "run by scripts/torch-crosscheck.sh with QMLP_CROSSCHECK_DIR set"]
fn write_torch_cases() {
    use qmlp::learn::optim::OptimizerSpec;
    let write = case_writer();
    let cases = torch_cases();
    for (name, d) in &cases {
        let points = interop::script_points(d).unwrap();
        let outputs = interop::reference_outputs(d, &points).unwrap();
        let data = d.data.generate().unwrap();
        let mut model = interop::model_of(d).unwrap();
        model.set_shots(None);
        let n = model.n_params();
        let l2 = d.training.l2;
        // The loss and gradient of a set of training points, as the trainer takes them.
        let loss_grad = |model: &mut qmlp::model::Model, idx: &[usize]| {
            let xs: Vec<&[f64]> = idx.iter().map(|&i| data.train[i].x.as_slice()).collect();
            let ys: Vec<usize> = idx.iter().map(|&i| data.train[i].label).collect();
            let mut g = vec![0.0; n];
            let count = idx.len() as f64;
            let mut l = model.loss_and_grad_batch(&xs, &ys, &mut g) / count;
            g.iter_mut().for_each(|v| *v /= count);
            if l2 > 0.0 {
                let (a, b) = qmlp::learn::loss::l2(model.params(), l2);
                l += a;
                g.iter_mut().zip(b).for_each(|(v, w)| *v += w);
            }
            (l, g)
        };
        let all: Vec<usize> = (0..data.train.len()).collect();
        let (loss0, grad0) = loss_grad(&mut model, &all);
        // The batches: the training points shuffled by a seeded generator, in batches of the
        // document's size, as many as the protocol's steps (walking round again if needed).
        let bs = d.training.batch_size.clamp(1, data.train.len());
        let mut rng = Rng::new(17);
        let mut order = all.clone();
        rng.shuffle(&mut order);
        let batches: Vec<Vec<usize>> = (0..TORCH_STEPS)
            .map(|s| (0..bs).map(|k| order[(s * bs + k) % order.len()]).collect())
            .collect();
        let lr = d.training.optimizer.lr().unwrap_or(0.01);
        let spec = OptimizerSpec::adam(lr);
        let mut opt = spec.build(n);
        let mut losses = Vec::new();
        for b in &batches {
            let (l, g) = loss_grad(&mut model, b);
            opt.step(model.params_mut(), &g);
            losses.push(l);
        }
        let (fin, _) = loss_grad(&mut model, &all);
        write(
            &format!("{name}.pennylane-torch.py"),
            &interop::torch::pennylane_torch_script_at(d, &points).unwrap(),
        );
        // Qiskit's EstimatorQNN takes minutes per case (parameter shift per input and weight):
        // the Iris model and one random hybrid document cover its path.
        if QISKIT_TORCH_CASES.contains(&name.as_str()) {
            let q = interop::torch::qiskit_torch_script_at(d, &points).unwrap();
            write(&format!("{name}.qiskit-torch.py"), &q);
        }
        let (b1, b2, eps) = match spec {
            OptimizerSpec::Adam {
                beta1, beta2, eps, ..
            } => (beta1, beta2, eps),
            _ => unreachable!(),
        };
        let expected = serde_json::json!({
            "points": points,
            "outputs": outputs,
            "lr": lr, "betas": [b1, b2], "eps": eps,
            "batches": batches,
            "loss0": loss0, "grad0": grad0, "losses": losses, "final": fin,
        });
        write(&format!("{name}.torch.json"), &expected.to_string());
    }
    println!("wrote {} torch cases", cases.len());
}
