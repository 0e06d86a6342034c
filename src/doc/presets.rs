//! Built-in documents (the default playground, lessons) and circuit templates that insert whole
//! layers: data re-uploading, angle embedding, basic entangler ring, strongly entangling layer.

use super::NoiseSpec;
use super::{
    dataset, Angle, BaselineSpec, CircuitSpec, DocError, Document, Feature, FeatureMap, GateName,
    GateSpec, Head, Readout, TrainingSpec, ValidDocument, DOC_VERSION,
};
use crate::data::paper::PaperProblem;
use crate::data::DatasetKind;
use crate::learn::dense::Activation;
use crate::learn::loss::LossKind;
use crate::learn::optim::OptimizerSpec;
use crate::rng::Rng;
use crate::sim::GateKind;

/// The names of the built-in documents, for the page's preset menu and the CLI.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", "4 qubits, 3 re-uploading layers, circle"),
    (
        "reupload-1q",
        "PennyLane's data re-uploading classifier: 1 qubit, 3 layers, fidelity cost",
    ),
    (
        "reupload-12q",
        "Re-uploading, 12 qubits: 3 layers on the circle, ⟨Z0⟩ (trained in the page's worker)",
    ),
    ("xor-entangled", "2 qubits with an entangler on XOR"),
    ("gaussians3", "3 classes, one ⟨Z⟩ per class, cross-entropy"),
    (
        "iris-hybrid",
        "Iris: Dense(4→4, tanh) → 4 qubits (angle embedding, 2 entangling layers) → ⟨Z⟩ per wire → Dense(4→3), softmax",
    ),
    (
        "breast-cancer-hybrid",
        "Breast cancer: standardise, PCA to 4, the same hybrid model with 2 classes",
    ),
    (
        "paper-circle-1q",
        "Re-uploading paper: the circle on 1 qubit, 8 layers, χ_f, L-BFGS",
    ),
    (
        "paper-tetrahedron",
        "Re-uploading paper: 4 squares on 1 qubit, the label states a tetrahedron, 5 layers, χ_wf, L-BFGS",
    ),
    (
        "paper-annulus-1q",
        "Re-uploading paper: the annulus, 3 classes on a triangle of label states, 1 qubit, 7 layers, χ_wf",
    ),
    (
        "paper-sphere-1q",
        "Re-uploading paper: the 3-D sphere on 1 qubit, 6 layers, χ_wf",
    ),
    (
        "paper-non-convex-2q",
        "Re-uploading paper: the non-convex boundary on 2 qubits with CZ entanglers, 4 layers, χ_f",
    ),
];

/// The paper presets: `(name, problem, qubits, layers, cost, entangled)`.
/// The layer counts are ones that learn well from the preset's seed (see
/// `bench/reupload_table.sh --stream playground`).
const PAPER_PRESETS: [(&str, PaperProblem, usize, usize, LossKind, bool); 5] = [
    (
        "paper-circle-1q",
        PaperProblem::Circle,
        1,
        8,
        LossKind::ChiF,
        false,
    ),
    (
        "paper-tetrahedron",
        PaperProblem::Squares,
        1,
        5,
        LossKind::ChiWf,
        false,
    ),
    (
        "paper-annulus-1q",
        PaperProblem::Annulus,
        1,
        7,
        LossKind::ChiWf,
        false,
    ),
    (
        "paper-sphere-1q",
        PaperProblem::Sphere,
        1,
        6,
        LossKind::ChiWf,
        false,
    ),
    (
        "paper-non-convex-2q",
        PaperProblem::NonConvex,
        2,
        4,
        LossKind::ChiF,
        true,
    ),
];

/// The names of the circuit templates.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "reupload",
        "data re-uploading layer: RX(w·x1+b), RY(w·x2+b), Rot(θ) per wire, CNOT ring",
    ),
    (
        "rot_encoding",
        "Rot(x1, x2, 0) then a trainable Rot(θ) per wire (PennyLane demo layer)",
    ),
    ("angle_embedding", "RY(x1), RY(x2), … alternating per wire"),
    ("basic_entangler", "RX(θ) per wire, then a CNOT ring"),
    (
        "strongly_entangling",
        "Rot(θ1, θ2, θ3) per wire, then CNOTs q → q + r (r = 1 in layer 1, 2 in layer 2, … as PennyLane's StronglyEntanglingLayers)",
    ),
];

fn w(rng: &mut Rng) -> Angle {
    Angle::Weight {
        value: rng.uniform(),
    }
}

/// CNOTs from every wire `q` to `q + range` (mod `qubits`); one CNOT on 2 qubits.
fn ring(qubits: usize, range: usize, col: &mut usize, out: &mut Vec<GateSpec>) {
    ring_of(qubits, range, true, col, out);
}

/// The CNOTs q → q + range of every wire q. On two wires `one_on_two` keeps the single CNOT
/// (0, 1) of PennyLane's `BasicEntanglerLayers`; without it both CNOTs (0, 1) and (1, 0) come,
/// as in `StronglyEntanglingLayers`.
fn ring_of(
    qubits: usize,
    range: usize,
    one_on_two: bool,
    col: &mut usize,
    out: &mut Vec<GateSpec>,
) {
    if qubits < 2 {
        return;
    }
    let pairs: Vec<(usize, usize)> = if qubits == 2 && one_on_two {
        vec![(0, 1)]
    } else {
        (0..qubits).map(|q| (q, (q + range) % qubits)).collect()
    };
    for (a, b) in pairs {
        out.push(GateSpec {
            gate: GateKind::CNOT.into(),
            wires: vec![a, b],
            controls: vec![],
            params: vec![],
            col: *col,
        });
        *col += 1;
    }
}

/// The gates of one template layer on `qubits` wires, starting at column `col`; initial weights
/// drawn from `seed`. The first layer of a stack: see [`template_layer`].
pub fn template(
    name: &str,
    qubits: usize,
    col: usize,
    seed: u64,
) -> Result<Vec<GateSpec>, DocError> {
    template_layer(name, qubits, col, seed, 0)
}

/// The gates of layer `layer` (0-based) of a stack of template layers. Only
/// `strongly_entangling` depends on it: its CNOTs reach `r = layer mod (qubits − 1) + 1` wires
/// ahead, the ranges PennyLane's `StronglyEntanglingLayers` uses by default (1, 2, … on 4 wires:
/// `(0,1) (1,2) (2,3) (3,0)` then `(0,2) (1,3) (2,0) (3,1)`).
pub fn template_layer(
    name: &str,
    qubits: usize,
    col: usize,
    seed: u64,
    layer: usize,
) -> Result<Vec<GateSpec>, DocError> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut c = col;
    let one = |gate: GateKind, q: usize, col: usize, params: Vec<Angle>| GateSpec {
        gate: gate.into(),
        wires: vec![q],
        controls: vec![],
        params,
        col,
    };
    match name {
        "reupload" => {
            for q in 0..qubits {
                let ru = |f| Angle::Reupload {
                    feature: f,
                    w: 1.0,
                    b: 0.0,
                };
                out.push(one(GateKind::RX, q, c, vec![ru(Feature::X1)]));
                out.push(one(GateKind::RY, q, c + 1, vec![ru(Feature::X2)]));
                out.push(one(
                    GateKind::Rot,
                    q,
                    c + 2,
                    vec![w(&mut rng), w(&mut rng), w(&mut rng)],
                ));
            }
            c += 3;
            ring(qubits, 1, &mut c, &mut out);
        }
        "rot_encoding" => {
            for q in 0..qubits {
                let f = |f| Angle::Feature {
                    feature: f,
                    scale: 1.0,
                };
                out.push(one(
                    GateKind::Rot,
                    q,
                    c,
                    vec![f(Feature::X1), f(Feature::X2), Angle::Const { value: 0.0 }],
                ));
                out.push(one(
                    GateKind::Rot,
                    q,
                    c + 1,
                    vec![w(&mut rng), w(&mut rng), w(&mut rng)],
                ));
            }
        }
        "angle_embedding" => {
            for q in 0..qubits {
                let f = if q % 2 == 0 { Feature::X1 } else { Feature::X2 };
                out.push(one(
                    GateKind::RY,
                    q,
                    c,
                    vec![Angle::Feature {
                        feature: f,
                        scale: 1.0,
                    }],
                ));
            }
        }
        "basic_entangler" => {
            for q in 0..qubits {
                out.push(one(GateKind::RX, q, c, vec![w(&mut rng)]));
            }
            c += 1;
            ring(qubits, 1, &mut c, &mut out);
        }
        "strongly_entangling" => {
            for q in 0..qubits {
                out.push(one(
                    GateKind::Rot,
                    q,
                    c,
                    vec![w(&mut rng), w(&mut rng), w(&mut rng)],
                ));
            }
            c += 1;
            let range = layer % qubits.saturating_sub(1).max(1) + 1;
            ring_of(qubits, range, false, &mut c, &mut out);
        }
        other => {
            let names: Vec<&str> = TEMPLATES.iter().map(|t| t.0).collect();
            return Err(DocError::new(
                "template",
                format!(
                    "unknown template '{}'; use one of: {}",
                    other.chars().take(40).collect::<String>(),
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(out)
}

/// The layer index [`template_layer`] should be given when a `name` layer is appended to
/// `gates` on `qubits` wires, so that layers inserted one after another form one stack, as
/// PennyLane's `StronglyEntanglingLayers(n_layers = k)` does. Only `strongly_entangling`
/// depends on it: if the circuit (in execution order: by column, then list order) ends with such
/// a layer — a Rot on every wire, then CNOTs q → q + r from every wire — the next layer is the
/// one after range r; otherwise it is the first (range 1).
pub fn next_template_layer(name: &str, qubits: usize, gates: &[GateSpec]) -> usize {
    if name != "strongly_entangling" || qubits < 3 || gates.len() < 2 * qubits {
        return 0;
    }
    let mut order: Vec<&GateSpec> = gates.iter().collect();
    order.sort_by_key(|g| g.col); // stable: list order within a column
    let tail = &order[order.len() - 2 * qubits..];
    let (rots, cnots) = tail.split_at(qubits);
    let is = |g: &GateSpec, k: GateKind| g.gate == GateName::Gate(k) && g.controls.is_empty();
    let mut rot_wires: Vec<usize> = rots
        .iter()
        .filter(|g| is(g, GateKind::Rot) && g.wires.len() == 1)
        .map(|g| g.wires[0])
        .collect();
    rot_wires.sort_unstable();
    if rot_wires != (0..qubits).collect::<Vec<_>>() {
        return 0;
    }
    let Some(first) = cnots.first().filter(|g| g.wires.len() == 2) else {
        return 0;
    };
    let range = (first.wires[1] + qubits - first.wires[0]) % qubits;
    let ring: Vec<(usize, usize)> = (0..qubits).map(|q| (q, (q + range) % qubits)).collect();
    let seen: Vec<(usize, usize)> = cnots
        .iter()
        .filter(|g| is(g, GateKind::CNOT) && g.wires.len() == 2)
        .map(|g| (g.wires[0], g.wires[1]))
        .collect();
    if range == 0 || seen != ring {
        return 0;
    }
    // Range r is layer r − 1 of the stack; the next one wraps after qubits − 1.
    range % (qubits - 1)
}

/// The first free column after every gate of `gates`.
pub fn next_col(gates: &[GateSpec]) -> usize {
    gates.iter().map(|g| g.col + 1).max().unwrap_or(0)
}

fn layers(name: &str, qubits: usize, n: usize, seed: u64) -> Vec<GateSpec> {
    layers_from(name, qubits, n, seed, 0)
}

/// `n` layers of a template starting at column `col`.
fn layers_from(name: &str, qubits: usize, n: usize, seed: u64, col: usize) -> Vec<GateSpec> {
    let mut gates = Vec::new();
    for l in 0..n {
        let at = next_col(&gates).max(col);
        // Template names are constants here, so this cannot fail.
        gates.extend(template_layer(name, qubits, at, seed + l as u64, l).unwrap_or_default());
    }
    gates
}

fn training(optimizer: OptimizerSpec, loss: LossKind, batch: usize, epochs: usize) -> TrainingSpec {
    TrainingSpec {
        optimizer,
        loss,
        batch_size: batch,
        epochs,
        seed: 1,
        shots: None,
        l2: 0.0,
    }
}

/// The playground that opens by default: 4 qubits, 3 re-uploading layers on the circle.
pub(super) fn default_document() -> Document {
    Document {
        version: DOC_VERSION,
        title: String::new(),
        description: String::new(),
        circuit: CircuitSpec {
            qubits: 4,
            gates: layers("reupload", 4, 3, 1),
        },
        features: FeatureMap { range: None },
        readout: Readout::Expval {
            observables: vec!["Z0".into()],
        },
        head: Head {
            trainable: true,
            scale: vec![1.0],
            bias: vec![0.0],
        },
        data: dataset(DatasetKind::Circle, 200, 1),
        training: training(OptimizerSpec::adam(0.05), LossKind::Mse, 16, 200),
        baseline: Some(BaselineSpec {
            enabled: true,
            hidden: vec![8, 8],
            budget: false,
        }),
        preprocess: Default::default(),
        pre_net: vec![],
        post_net: vec![],
        state: None,
        locked: vec![],
        noise: NoiseSpec::default(),
        analyses: vec![],
    }
}

/// A hybrid model in the style of PennyLane's `qml.qnn.TorchLayer` demos: standardised inputs
/// (and PCA to `pca` components when given), a tanh dense layer of 4 units whose outputs
/// `h1…h4` are angle-embedded by RX on 4 wires, two strongly entangling layers, ⟨Z⟩ on every
/// wire, and a linear dense layer with one logit per class for the softmax cross-entropy.
fn hybrid_table(kind: DatasetKind, classes: usize, pca: Option<usize>) -> Document {
    let mut d = default_document();
    d.data = dataset(kind, 200, 1);
    d.data.train_ratio = 0.8;
    d.data.stratify = true;
    d.preprocess = super::Preprocess {
        standardize: true,
        pca,
    };
    d.pre_net = vec![super::DenseSpec::new(4, Activation::Tanh)];
    let mut gates: Vec<GateSpec> = (0..4)
        .map(|q| GateSpec {
            gate: GateKind::RX.into(),
            wires: vec![q],
            controls: vec![],
            params: vec![Angle::Feature {
                feature: Feature::Value(super::Source::Hidden(q)),
                scale: 1.0,
            }],
            col: 0,
        })
        .collect();
    gates.extend(layers_from("strongly_entangling", 4, 2, 7, 1));
    d.circuit = CircuitSpec { qubits: 4, gates };
    d.readout = Readout::Expval {
        observables: (0..4).map(|w| format!("Z{w}")).collect(),
    };
    d.head = Head {
        trainable: false,
        scale: vec![1.0; 4],
        bias: vec![0.0; 4],
    };
    d.post_net = vec![super::DenseSpec::new(classes, Activation::Linear)];
    d.training = training(OptimizerSpec::adam(0.02), LossKind::CrossEntropy, 10, 60);
    d.baseline = Some(BaselineSpec {
        enabled: true,
        hidden: vec![],
        budget: true,
    });
    d
}

/// A built-in document by name (see [`PRESETS`]).
pub fn preset(name: &str) -> Result<ValidDocument, DocError> {
    preset_document(name)?.validated()
}

fn preset_document(name: &str) -> Result<Document, DocError> {
    if let Some(&(_, problem, qubits, layers, cost, entangled)) =
        PAPER_PRESETS.iter().find(|p| p.0 == name)
    {
        // The paper's code seeds numpy with 30; the playground's generator is its own.
        return Ok(
            super::paper_document(problem, qubits, layers, cost, entangled, 30)?.into_inner(),
        );
    }
    match name {
        "default" => Ok(default_document()),
        "reupload-1q" => {
            let mut d = default_document();
            d.title = "Data re-uploading classifier (1 qubit, 3 layers)".into();
            d.description = "Pérez-Salinas et al., Quantum 4, 226 (2020): one qubit, each layer encodes the point with Rot(x1, x2, 0) then applies a trainable Rot(θ1, θ2, θ3). Labels are the states |0⟩ and |1⟩; the cost is the mean of (1 − fidelity)².".into();
            d.circuit = CircuitSpec {
                qubits: 1,
                gates: layers("rot_encoding", 1, 3, 1),
            };
            d.readout = Readout::Fidelity {
                states: vec!["0".into(), "1".into()],
                per_wire: false,
            };
            d.head = Head {
                trainable: false,
                scale: vec![1.0, 1.0],
                bias: vec![0.0, 0.0],
            };
            d.data = dataset(DatasetKind::Circle, 200, 1);
            d.data.test_points = Some(2000);
            d.training = training(OptimizerSpec::adam(0.6), LossKind::Fidelity, 32, 10);
            Ok(d)
        }
        "reupload-12q" => {
            let mut d = default_document();
            d.title = "Re-uploading, 12 qubits".into();
            d.description = "The default playground's model on 12 qubits: per layer and wire RX(w·x1 + b), RY(w·x2 + b) and a trainable Rot, then a CNOT ring; 3 layers (4 096 amplitudes per point). The page trains it in its worker.".into();
            d.circuit = CircuitSpec {
                qubits: 12,
                gates: layers("reupload", 12, 3, 1),
            };
            d.training = training(OptimizerSpec::adam(0.05), LossKind::Mse, 16, 100);
            Ok(d)
        }
        "xor-entangled" => {
            let mut d = default_document();
            d.title = "Entanglement on XOR".into();
            d.circuit = CircuitSpec {
                qubits: 2,
                gates: layers("reupload", 2, 3, 3),
            };
            d.readout = Readout::Expval {
                observables: vec!["Z0 Z1".into()],
            };
            d.data = dataset(DatasetKind::Xor, 200, 2);
            Ok(d)
        }
        "gaussians3" => {
            let mut d = default_document();
            d.title = "Three classes".into();
            d.circuit = CircuitSpec {
                qubits: 3,
                gates: layers("reupload", 3, 2, 5),
            };
            d.readout = Readout::Expval {
                observables: vec!["Z0".into(), "Z1".into(), "Z2".into()],
            };
            d.head = Head {
                trainable: true,
                scale: vec![2.0; 3],
                bias: vec![0.0; 3],
            };
            d.data = dataset(DatasetKind::Gaussians3, 240, 3);
            d.data.noise = 0.05;
            d.training = training(OptimizerSpec::adam(0.05), LossKind::CrossEntropy, 16, 100);
            Ok(d)
        }
        "iris-hybrid" => {
            let mut d = hybrid_table(DatasetKind::Iris, 3, None);
            d.title = "Iris with a hybrid model".into();
            d.description = "A classical dense layer reads the four standardised measurements; its four tanh outputs h1…h4 are angle-embedded on four qubits, two strongly entangling layers follow, ⟨Z⟩ of every wire feeds a dense layer with one logit per species.".into();
            Ok(d)
        }
        "breast-cancer-hybrid" => {
            let mut d = hybrid_table(DatasetKind::BreastCancer, 2, Some(4));
            d.title = "Breast cancer with a hybrid model".into();
            d.description = "The 30 features are standardised and projected on their first 4 principal components, then the same hybrid model as the Iris lesson: dense layer, 4 qubits, dense layer, softmax over malignant and benign.".into();
            Ok(d)
        }
        other => {
            let names: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
            Err(DocError::new(
                "preset",
                format!(
                    "unknown preset '{}'; use one of: {}",
                    other.chars().take(40).collect::<String>(),
                    names.join(", ")
                ),
            ))
        }
    }
}
