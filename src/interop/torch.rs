//! The hybrid model of a document as a PyTorch model: [`pennylane_torch_script`] wraps the
//! circuit in PennyLane's `qml.qnn.TorchLayer`, [`qiskit_torch_script`] in
//! qiskit-machine-learning's `EstimatorQNN` behind a `TorchConnector`. The pre-net and the
//! post-net are `torch.nn.Linear` layers, the head a pair of tensors, the preprocessing fixed
//! buffers, so `loss.backward()` differentiates the whole pipeline as the playground does.
//!
//! Each script starts from the document's current numbers, embeds the training and test split
//! (when they are small enough, [`MAX_EMBEDDED_NUMBERS`]) and can be run three ways:
//!
//! - `python3 script.py` prints the model's outputs at the same points as the plain scripts
//!   (JSON lines `{"x": [...], "outputs": [...]}`);
//! - `python3 script.py --train EPOCHS` trains it in torch with the document's batch size and
//!   learning rate, printing the loss and the accuracies per epoch;
//! - `python3 script.py --check FILE` is the cross-check protocol of
//!   `scripts/torch-crosscheck.sh`: the loss and gradient over the training split at the
//!   current numbers, then Adam steps on the batches listed in FILE, printed as one JSON line.
//!
//! The gradient is printed in the playground's parameter order (pre-net, circuit, post-net,
//! head; see [`crate::model`]), so it compares entry by entry with the engine's.
//!
//! Supported: expectation-value readouts and basis-state label states; the MSE, BCE,
//! cross-entropy, fidelity and χ_f losses; no per-wire or weighted fidelity cost (an error
//! says so). The Qiskit version needs an expectation-value readout.

use super::python::{py_layers, py_list, py_str_list, qiskit_obs, Parts, ReadoutText};
use super::{num, script_points, InteropError};
use crate::doc::{Feature, Readout, Source, ValidDocument};
use crate::learn::loss::LossKind;
use crate::learn::optim::OptimizerSpec;

/// Training and test points are embedded only while they hold at most this many numbers.
pub const MAX_EMBEDDED_NUMBERS: usize = 60_000;

/// Which framework evaluates the circuit inside the torch model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quantum {
    PennyLane,
    Qiskit,
}

/// The PennyLane + PyTorch script of the document's model.
pub fn pennylane_torch_script(doc: &ValidDocument) -> Result<String, InteropError> {
    script(doc, &script_points(doc)?, Quantum::PennyLane)
}

/// The Qiskit (`EstimatorQNN` + `TorchConnector`) + PyTorch script of the document's model.
pub fn qiskit_torch_script(doc: &ValidDocument) -> Result<String, InteropError> {
    script(doc, &script_points(doc)?, Quantum::Qiskit)
}

/// [`pennylane_torch_script`] printing outputs at the given points.
pub fn pennylane_torch_script_at(
    doc: &ValidDocument,
    points: &[Vec<f64>],
) -> Result<String, InteropError> {
    script(doc, points, Quantum::PennyLane)
}

/// [`qiskit_torch_script`] printing outputs at the given points.
pub fn qiskit_torch_script_at(
    doc: &ValidDocument,
    points: &[Vec<f64>],
) -> Result<String, InteropError> {
    script(doc, points, Quantum::Qiskit)
}

fn loss_text(kind: LossKind) -> Result<&'static str, InteropError> {
    Ok(match kind {
        LossKind::Mse => {
            "def loss_per_point(o, y):\n\
             \x20   \"\"\"Mean squared error against +1 at the label and -1 elsewhere (one output: +1 for\n\
             \x20   class 0, -1 otherwise), averaged over the outputs.\"\"\"\n\
             \x20   n = o.shape[1]\n\
             \x20   if n == 1:\n\
             \x20       t = torch.where(y == 0, 1.0, -1.0).unsqueeze(1)\n\
             \x20   else:\n\
             \x20       t = 2.0 * torch.nn.functional.one_hot(y, n).to(o.dtype) - 1.0\n\
             \x20   return ((o - t) ** 2).mean(dim=1)\n"
        }
        LossKind::Bce => {
            "def loss_per_point(o, y):\n\
             \x20   \"\"\"Binary cross-entropy of the one output read as a logit.\"\"\"\n\
             \x20   return torch.nn.functional.binary_cross_entropy_with_logits(\n\
             \x20       o[:, 0], (y != 0).to(o.dtype), reduction=\"none\"\n\
             \x20   )\n"
        }
        LossKind::CrossEntropy => {
            "def loss_per_point(o, y):\n\
             \x20   \"\"\"Softmax cross-entropy with one logit per class.\"\"\"\n\
             \x20   return torch.nn.functional.cross_entropy(o, y, reduction=\"none\")\n"
        }
        LossKind::Fidelity => {
            "def loss_per_point(o, y):\n\
             \x20   \"\"\"The re-uploading cost (1 - F_label)^2 on one fidelity per class.\"\"\"\n\
             \x20   f = o.gather(1, y.unsqueeze(1))[:, 0]\n\
             \x20   return (1.0 - f) ** 2\n"
        }
        LossKind::ChiF => {
            "def loss_per_point(o, y):\n\
             \x20   \"\"\"The paper's chi_f as its code minimises it: 1 - sqrt(F_label).\"\"\"\n\
             \x20   f = o.gather(1, y.unsqueeze(1))[:, 0]\n\
             \x20   return 1.0 - torch.sqrt(torch.clamp(f, min=torch.finfo(o.dtype).tiny))\n"
        }
        LossKind::ChiWf => {
            return Err(InteropError::new(
                "the weighted fidelity cost χ_wf has no PyTorch export yet; choose another loss \
                 or use the plain PennyLane/Qiskit export",
            ))
        }
    })
}

/// A feature as a torch expression of the columns of `z` (inputs) and `h` (pre-net outputs).
fn torch_feature(f: Feature) -> String {
    let src = |s: Source| match s {
        Source::Input(i) => format!("z[:, {i}]"),
        Source::Hidden(j) => format!("h[:, {j}]"),
    };
    match f {
        Feature::Value(a) => src(a),
        Feature::Square(a) => format!("{} * {}", src(a), src(a)),
        Feature::Sin(a) => format!("torch.sin({})", src(a)),
        Feature::Product(a, b) => format!("{} * {}", src(a), src(b)),
    }
}

/// The dataset's split as a Python literal `{"x": [...], "y": [...]}`, or `None` when too big.
fn split_text(points: &[crate::data::Point]) -> String {
    let mut s = String::from("{\"x\": [\n");
    for p in points {
        s.push_str(&format!("    {},\n", py_list(&p.x)));
    }
    let ys: Vec<String> = points.iter().map(|p| p.label.to_string()).collect();
    s.push_str(&format!("], \"y\": [{}]}}", ys.join(", ")));
    s
}

fn script(
    doc: &ValidDocument,
    points: &[Vec<f64>],
    quantum: Quantum,
) -> Result<String, InteropError> {
    let loss = loss_text(doc.training.loss)?;
    if doc.is_noisy() {
        return Err(InteropError::new(
            "a noisy document has no PyTorch export yet; the plain PennyLane (default.mixed) and \
             Qiskit (qiskit-aer) scripts carry its noise",
        ));
    }
    if let Readout::Fidelity { per_wire: true, .. } = &doc.readout {
        return Err(InteropError::new(
            "the per-wire fidelity readout has no PyTorch export yet",
        ));
    }
    let m = Parts::new(doc, points)?;
    if m.features.is_empty() {
        return Err(InteropError::new(
            "the PyTorch export needs at least one gate angle bound to the data (the circuit's \
             inputs); bind an angle to a feature first",
        ));
    }
    match (&m.readout, quantum) {
        (ReadoutText::States(..), _) => {
            return Err(InteropError::new(
                "label states other than basis states have no PyTorch export yet; use the plain \
                 PennyLane/Qiskit export",
            ))
        }
        (ReadoutText::Fidelity(_), Quantum::Qiskit) => {
            return Err(InteropError::new(
                "the Qiskit PyTorch export needs an expectation-value readout; use the PennyLane \
                 PyTorch export for a fidelity readout",
            ))
        }
        _ => {}
    }
    let data = doc
        .data
        .generate()
        .map_err(|e| InteropError::new(format!("the dataset cannot be generated: {e}")))?;
    let d = &m.doc;
    let mut s = String::new();
    let (tool, packages) = match quantum {
        Quantum::PennyLane => ("PennyLane (qml.qnn.TorchLayer)", "torch pennylane"),
        Quantum::Qiskit => (
            "Qiskit (EstimatorQNN + TorchConnector)",
            "torch qiskit qiskit-machine-learning",
        ),
    };
    s.push_str(&format!(
        "#!/usr/bin/env python3\n\
         \"\"\"A hybrid quantum-classical model from the QML playground as a PyTorch model, its circuit\n\
         evaluated by {tool}.\n\n\
         \x20   raw point x -> preprocessing -> pre-net (torch.nn.Linear) -> features -> circuit\n\
         \x20   -> readout -> head -> post-net (torch.nn.Linear) -> outputs -> loss\n\n\
         Every number starts at the playground's current value.\n\n\
         Run it with:  pip install {packages}\n\
         \x20   python3 <this file>                 prints the outputs at a few points (JSON lines)\n\
         \x20   python3 <this file> --train EPOCHS  trains it in torch (Adam), printing loss and accuracy\n\
         \x20   python3 <this file> --check FILE    the playground's cross-check protocol\n\
         Exported by qmlp {}.\n\"\"\"\n",
        crate::VERSION
    ));
    if !d.title.is_empty() {
        s.push_str(&format!("\n# {}\n", super::comment_text(&d.title)));
    }
    s.push_str("\nimport json\nimport sys\n\nimport torch\n");
    match quantum {
        Quantum::PennyLane => s.push_str("import pennylane as qml\n"),
        Quantum::Qiskit => {
            m.qiskit_circuit_imports(&mut s);
            s.push_str(
                "from qiskit.circuit import ParameterVector\n\
                 from qiskit.quantum_info import SparsePauliOp\n\
                 from qiskit.primitives import StatevectorEstimator\n\
                 from qiskit_machine_learning.neural_networks import EstimatorQNN\n\
                 from qiskit_machine_learning.connectors import TorchConnector\n",
            );
        }
    }
    s.push_str("\ntorch.set_default_dtype(torch.float64)\n\n");

    // ---- 1. preprocessing
    let p = &m.prep;
    s.push_str(
        "# ---- 1. Preprocessing (fitted on the training split, fixed) --------------------\n\
         # z = P ((x - MEAN) / STD), with P the principal components (rows), or no P without PCA.\n",
    );
    if p.is_identity() {
        s.push_str("MEAN = None\nSTD = None\nCOMPONENTS = None\n\n\n");
    } else {
        let comps = p.components();
        s.push_str(&format!(
            "MEAN = torch.tensor({})\nSTD = torch.tensor({})\n",
            py_list(p.mean()),
            py_list(&p.std())
        ));
        if comps.is_empty() {
            s.push_str("COMPONENTS = None\n\n\n");
        } else {
            let rows: Vec<String> = comps.chunks(p.n_in().max(1)).map(py_list).collect();
            s.push_str(&format!(
                "COMPONENTS = torch.tensor([\n    {},\n])\n\n\n",
                rows.join(",\n    ")
            ));
        }
    }
    s.push_str(
        "def preprocess(x):\n\
         \x20   \"\"\"The model's inputs z for a batch of raw points x (one row per point).\"\"\"\n\
         \x20   if MEAN is not None:\n\
         \x20       x = (x - MEAN) / STD\n\
         \x20   if COMPONENTS is not None:\n\
         \x20       x = x @ COMPONENTS.T\n\
         \x20   return x\n\n\n",
    );

    // ---- 2. features
    s.push_str(
        "# ---- 2. Features: what the circuit's angles read ------------------------------\n\
         # Inputs are x1, x2, ... (columns of z), pre-net outputs h1, h2, ... (columns of h).\n",
    );
    let names: Vec<String> = m.features.iter().map(|(f, _)| f.name()).collect();
    s.push_str(&format!(
        "FEATURES = [{}]\n",
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    match d.features.range {
        None => s.push_str("FEATURE_RANGE = None  # the features enter the angles as they are\n"),
        Some([lo, hi]) => s.push_str(&format!(
            "# Each feature is mapped linearly from its natural range onto FEATURE_RANGE.\n\
             FEATURE_RANGE = ({}, {})\n",
            num(lo),
            num(hi)
        )),
    }
    s.push_str("NATURAL_RANGE = [\n");
    for (f, [a, b]) in &m.features {
        s.push_str(&format!(
            "    ({}, {}),  # {}\n",
            num(*a),
            num(*b),
            f.name()
        ));
    }
    s.push_str(
        "]\n\n\ndef features(z, h):\n\
         \x20   \"\"\"The circuit's inputs for a batch: one column per name in FEATURES.\"\"\"\n\
         \x20   cols = [\n",
    );
    for (f, _) in &m.features {
        s.push_str(&format!("        {},\n", torch_feature(*f)));
    }
    s.push_str(
        "\x20   ]\n\
         \x20   if FEATURE_RANGE is not None:\n\
         \x20       lo, hi = FEATURE_RANGE\n\
         \x20       cols = [\n\
         \x20           lo + (c - a) / (b - a) * (hi - lo) if b > a else torch.full_like(c, lo)\n\
         \x20           for c, (a, b) in zip(cols, NATURAL_RANGE)\n\
         \x20       ]\n\
         \x20   return torch.stack(cols, dim=1)\n\n\n",
    );

    // ---- 3. the circuit's weights
    let value_of = |name: &str| m.weights.iter().find(|w| w.0 == name).map_or(0.0, |w| w.1);
    s.push_str(
        "# ---- 3. The circuit ------------------------------------------------------------\n\
         # Its trainable numbers in the playground's order (g<k> is the k-th gate to run; theta an\n\
         # angle, w and b a data re-upload's angle w * feature + b).\n\
         WEIGHT_NAMES = [\n",
    );
    for n in &m.weight_order {
        let comment = m
            .weights
            .iter()
            .find(|w| &w.0 == n)
            .map_or(String::new(), |w| w.2.clone());
        s.push_str(&format!("    \"{n}\",  # {comment}\n"));
    }
    s.push_str("]\nWEIGHT_VALUES = [\n");
    for n in &m.weight_order {
        s.push_str(&format!("    {},\n", num(value_of(n))));
    }
    s.push_str(&format!("]\nN_QUBITS = {}\n\n\n", d.circuit.qubits));
    let gate_lines = |qiskit: bool| {
        let mut out = String::new();
        for g in &m.gates {
            out.push_str(&format!("    # {}\n", g.describe()));
            let lines = if qiskit { g.qiskit() } else { g.pennylane() };
            for line in lines {
                out.push_str(&format!("    {line}\n"));
            }
        }
        out
    };
    match quantum {
        Quantum::PennyLane => {
            s.push_str(
                "dev = qml.device(\"default.qubit\", wires=N_QUBITS)\n\n\n\
                 @qml.qnode(dev, interface=\"torch\", diff_method=\"backprop\")\n\
                 def qnode(inputs, weights):\n\
                 \x20   \"\"\"The circuit on a batch of feature rows (PennyLane broadcasts over the rows).\"\"\"\n\
                 \x20   f = {name: inputs[..., k] for k, name in enumerate(FEATURES)}\n\
                 \x20   W = {name: weights[k] for k, name in enumerate(WEIGHT_NAMES)}\n",
            );
            s.push_str(&gate_lines(false));
            match &m.readout {
                ReadoutText::Expval(obs) => {
                    s.push_str("    return [\n");
                    for (text, p) in obs {
                        s.push_str(&format!(
                            "        qml.expval({}),  # {text}\n",
                            super::python::pennylane_obs(p)
                        ));
                    }
                    s.push_str("    ]\n\n\nREADOUT_INDEX = None\n");
                }
                ReadoutText::Fidelity(states) => {
                    let bits = states.first().map_or(1, String::len);
                    s.push_str(&format!(
                        "    return qml.probs(wires={})\n\n\n\
                         # One output per class: the probability that wires 0..{} are in the class's\n\
                         # label state (its fidelity with the output); wire 0 is the first bit.\n\
                         LABEL_STATES = {}\n\
                         READOUT_INDEX = [int(bits, 2) for bits in LABEL_STATES]\n",
                        super::python::py_wires(&(0..bits).collect::<Vec<_>>()),
                        bits - 1,
                        py_str_list(states)
                    ));
                }
                ReadoutText::States(..) => unreachable!("refused above"),
            }
            s.push_str(
                "\n\ndef quantum_layer():\n\
                 \x20   \"\"\"The circuit as a torch layer, its weights at the playground's values.\"\"\"\n\
                 \x20   layer = qml.qnn.TorchLayer(qnode, {\"weights\": (len(WEIGHT_NAMES),)})\n\
                 \x20   with torch.no_grad():\n\
                 \x20       layer.weights.copy_(torch.tensor(WEIGHT_VALUES))\n\
                 \x20   return layer\n\n\n",
            );
        }
        Quantum::Qiskit => {
            s.push_str(
                "def circuit():\n\
                 \x20   \"\"\"The circuit with its features and weights as parameters. Playground wire w is\n\
                 \x20   Qiskit qubit w; the observables below are given as (Pauli letters, qubits).\"\"\"\n\
                 \x20   inputs = ParameterVector(\"f\", len(FEATURES))\n\
                 \x20   weights = ParameterVector(\"w\", len(WEIGHT_NAMES))\n\
                 \x20   f = {name: inputs[k] for k, name in enumerate(FEATURES)}\n\
                 \x20   W = {name: weights[k] for k, name in enumerate(WEIGHT_NAMES)}\n\
                 \x20   qc = QuantumCircuit(N_QUBITS)\n",
            );
            s.push_str(&gate_lines(true));
            s.push_str("    return qc, inputs, weights\n\n\nOBSERVABLES = [\n");
            if let ReadoutText::Expval(obs) = &m.readout {
                for (text, p) in obs {
                    s.push_str(&format!("    {},  # {text}\n", qiskit_obs(p)));
                }
            }
            s.push_str(
                "]\nREADOUT_INDEX = None\n\n\n\
                 def quantum_layer():\n\
                 \x20   \"\"\"The circuit as a torch layer: an exact EstimatorQNN (statevector) behind a\n\
                 \x20   TorchConnector, gradients with respect to the inputs too (the pre-net trains).\"\"\"\n\
                 \x20   qc, inputs, weights = circuit()\n\
                 \x20   qnn = EstimatorQNN(\n\
                 \x20       circuit=qc,\n\
                 \x20       observables=OBSERVABLES,\n\
                 \x20       input_params=list(inputs),\n\
                 \x20       weight_params=list(weights),\n\
                 \x20       estimator=StatevectorEstimator(),\n\
                 \x20       input_gradients=True,\n\
                 \x20       default_precision=0.0,  # exact expectation values (its default adds shot noise)\n\
                 \x20   )\n\
                 \x20   return TorchConnector(qnn, initial_weights=torch.tensor(WEIGHT_VALUES))\n\n\n",
            );
        }
    }

    // ---- 4. the model
    let h = &d.head;
    let n_in = m.prep.n_out();
    s.push_str(&format!(
        "# ---- 4. The whole model ---------------------------------------------------------\n\
         # Dense layers as the playground holds them: weights row-major (one row per unit), biases.\n\
         PRE_NET = {}\n\
         POST_NET = {}\n\
         # head: o_j = HEAD_SCALE[j] * readout_j + HEAD_BIAS[j]{}\n\
         HEAD_SCALE = {}\n\
         HEAD_BIAS = {}\n\
         HEAD_TRAINABLE = {}\n\
         ACTIVATIONS = {{\"linear\": lambda v: v, \"tanh\": torch.tanh, \"relu\": torch.relu, \"sigmoid\": torch.sigmoid}}\n\n\n",
        py_layers(&d.pre_net, n_in),
        py_layers(&d.post_net, d.n_readouts()),
        if h.trainable { " (trained)" } else { " (fixed)" },
        py_list(&h.scale),
        py_list(&h.bias),
        if h.trainable { "True" } else { "False" },
    ));
    s.push_str(
        "def linear_layers(layers):\n\
         \x20   \"\"\"torch.nn.Linear layers holding the given numbers, with their activations.\"\"\"\n\
         \x20   out = torch.nn.ModuleList()\n\
         \x20   acts = []\n\
         \x20   for layer in layers:\n\
         \x20       w = torch.tensor(layer[\"weights\"])\n\
         \x20       lin = torch.nn.Linear(w.shape[1], w.shape[0])\n\
         \x20       with torch.no_grad():\n\
         \x20           lin.weight.copy_(w)\n\
         \x20           lin.bias.copy_(torch.tensor(layer[\"bias\"]))\n\
         \x20       out.append(lin)\n\
         \x20       acts.append(ACTIVATIONS[layer[\"activation\"]])\n\
         \x20   return out, acts\n\n\n\
         class HybridModel(torch.nn.Module):\n\
         \x20   \"\"\"preprocessing -> pre-net -> features -> circuit -> readout -> head -> post-net.\"\"\"\n\n\
         \x20   def __init__(self):\n\
         \x20       super().__init__()\n\
         \x20       self.pre, self.pre_acts = linear_layers(PRE_NET)\n\
         \x20       self.quantum = quantum_layer()\n\
         \x20       self.post, self.post_acts = linear_layers(POST_NET)\n\
         \x20       scale, bias = torch.tensor(HEAD_SCALE), torch.tensor(HEAD_BIAS)\n\
         \x20       if HEAD_TRAINABLE:\n\
         \x20           self.head_scale = torch.nn.Parameter(scale)\n\
         \x20           self.head_bias = torch.nn.Parameter(bias)\n\
         \x20       else:\n\
         \x20           self.register_buffer(\"head_scale\", scale)\n\
         \x20           self.register_buffer(\"head_bias\", bias)\n\n\
         \x20   def forward(self, x):\n\
         \x20       z = preprocess(x)\n\
         \x20       h = z\n\
         \x20       for lin, act in zip(self.pre, self.pre_acts):\n\
         \x20           h = act(lin(h))\n\
         \x20       r = self.quantum(features(z, h))\n\
         \x20       if READOUT_INDEX is not None:\n\
         \x20           r = r[:, READOUT_INDEX]\n\
         \x20       o = r * self.head_scale + self.head_bias\n\
         \x20       for lin, act in zip(self.post, self.post_acts):\n\
         \x20           o = act(lin(o))\n\
         \x20       return o\n\n\
         \x20   def playground_parameters(self):\n\
         \x20       \"\"\"The trainable tensors in the playground's order: pre-net, circuit, post-net, head.\"\"\"\n\
         \x20       ps = []\n\
         \x20       for lin in self.pre:\n\
         \x20           ps += [lin.weight, lin.bias]\n\
         \x20       ps.append(self.quantum.weights if hasattr(self.quantum, \"weights\") else self.quantum.weight)\n\
         \x20       for lin in self.post:\n\
         \x20           ps += [lin.weight, lin.bias]\n\
         \x20       if HEAD_TRAINABLE:\n\
         \x20           ps += [self.head_scale, self.head_bias]\n\
         \x20       return ps\n\n\n",
    );

    // ---- 5. loss, data, training
    s.push_str(
        "# ---- 5. Loss, data and training ----------------------------------------------\n",
    );
    s.push_str(loss);
    s.push_str(&format!(
        "\n\nL2 = {}  # the loss adds L2 / 2 * (sum of the squared trainable numbers)\n\n\n\
         def loss_of(model, x, y):\n\
         \x20   \"\"\"The mean loss over a batch, as the playground computes it.\"\"\"\n\
         \x20   loss = loss_per_point(model(x), y).mean()\n\
         \x20   if L2 > 0:\n\
         \x20       loss = loss + 0.5 * L2 * sum((p ** 2).sum() for p in model.playground_parameters())\n\
         \x20   return loss\n\n\n",
        num(doc.training.l2)
    ));
    s.push_str(&format!(
        "def predict(o):\n\
         \x20   \"\"\"The predicted class of each row of outputs, as the playground decides it.\"\"\"\n{}\n\n\n",
        match doc.training.loss {
            LossKind::Mse | LossKind::Bce if m_outputs(d) == 1 => {
                if doc.training.loss == LossKind::Bce {
                    "    return (o[:, 0] > 0).long()"
                } else {
                    "    return (o[:, 0] < 0).long()"
                }
            }
            _ => "    return o.argmax(dim=1)",
        }
    ));
    let numbers = (data.train.len() + data.test.len()) * (data.dim + 1);
    if numbers <= MAX_EMBEDDED_NUMBERS {
        s.push_str(&format!(
            "# The playground's training and test split of this document's data.\nTRAIN = {}\nTEST = {}\n\n\n",
            split_text(&data.train),
            split_text(&data.test)
        ));
    } else {
        s.push_str(&format!(
            "# The data ({} points of {} numbers) is too large to embed here: load it yourself\n\
             # as {{\"x\": [[...], ...], \"y\": [...]}}.\nTRAIN = None\nTEST = None\n\n\n",
            data.train.len() + data.test.len(),
            data.dim + 1
        ));
    }
    let lr = match doc.training.optimizer {
        OptimizerSpec::Adam { lr, .. } | OptimizerSpec::Sgd { lr } => lr,
        OptimizerSpec::Momentum { lr, .. } => lr,
        OptimizerSpec::Lbfgs { .. } => 0.01,
    };
    let (b1, b2, eps) = match doc.training.optimizer {
        OptimizerSpec::Adam {
            beta1, beta2, eps, ..
        } => (beta1, beta2, eps),
        _ => (0.9, 0.999, 1e-8),
    };
    s.push_str(&format!(
        "LEARNING_RATE = {}\nBETAS = ({}, {})\nEPS = {}\nBATCH_SIZE = {}\n\n\n",
        num(lr),
        num(b1),
        num(b2),
        num(eps),
        doc.training.batch_size.max(1)
    ));
    s.push_str(
        "def tensors(split):\n\
         \x20   return torch.tensor(split[\"x\"]), torch.tensor(split[\"y\"], dtype=torch.long)\n\n\n\
         def accuracy(model, split):\n\
         \x20   x, y = tensors(split)\n\
         \x20   with torch.no_grad():\n\
         \x20       return (predict(model(x)) == y).double().mean().item()\n\n\n\
         class PlaygroundAdam(torch.optim.Optimizer):\n\
         \x20   \"\"\"Adam as the playground (and PennyLane's AdamOptimizer) steps it:\n\
         \x20   x <- x - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps). torch.optim.Adam puts\n\
         \x20   eps inside the bias correction instead, which moves the numbers by about 1e-6 after\n\
         \x20   20 steps; with this class the two runs agree to rounding.\"\"\"\n\n\
         \x20   def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):\n\
         \x20       super().__init__(params, dict(lr=lr, betas=betas, eps=eps))\n\n\
         \x20   @torch.no_grad()\n\
         \x20   def step(self):\n\
         \x20       for group in self.param_groups:\n\
         \x20           b1, b2 = group[\"betas\"]\n\
         \x20           for p in group[\"params\"]:\n\
         \x20               if p.grad is None:\n\
         \x20                   continue\n\
         \x20               st = self.state[p]\n\
         \x20               if not st:\n\
         \x20                   st[\"t\"], st[\"m\"], st[\"v\"] = 0, torch.zeros_like(p), torch.zeros_like(p)\n\
         \x20               st[\"t\"] += 1\n\
         \x20               t = st[\"t\"]\n\
         \x20               st[\"m\"].mul_(b1).add_((1 - b1) * p.grad)\n\
         \x20               st[\"v\"].mul_(b2).add_((1 - b2) * p.grad * p.grad)\n\
         \x20               size = group[\"lr\"] * (1 - b2 ** t) ** 0.5 / (1 - b1 ** t)\n\
         \x20               p.sub_(size * st[\"m\"] / (st[\"v\"].sqrt() + group[\"eps\"]))\n\n\n\
         def train(model, epochs, seed=0):\n\
         \x20   \"\"\"The playground's Adam on shuffled minibatches of the training split.\"\"\"\n\
         \x20   if TRAIN is None:\n\
         \x20       sys.exit(\"no embedded data: set TRAIN and TEST first\")\n\
         \x20   x, y = tensors(TRAIN)\n\
         \x20   opt = PlaygroundAdam(model.parameters(), lr=LEARNING_RATE, betas=BETAS, eps=EPS)\n\
         \x20   gen = torch.Generator().manual_seed(seed)\n\
         \x20   for epoch in range(1, epochs + 1):\n\
         \x20       order = torch.randperm(len(y), generator=gen)\n\
         \x20       for start in range(0, len(y), BATCH_SIZE):\n\
         \x20           idx = order[start:start + BATCH_SIZE]\n\
         \x20           opt.zero_grad()\n\
         \x20           loss_of(model, x[idx], y[idx]).backward()\n\
         \x20           opt.step()\n\
         \x20       with torch.no_grad():\n\
         \x20           loss = loss_of(model, x, y).item()\n\
         \x20       print(json.dumps({\"epoch\": epoch, \"train_loss\": loss, \"train_accuracy\": accuracy(model, TRAIN), \"test_accuracy\": accuracy(model, TEST) if TEST[\"y\"] else None}), flush=True)\n\n\n\
         def flat_gradient(model):\n\
         \x20   return [v for p in model.playground_parameters() for v in (p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1).tolist()]\n\n\n\
         def check(model, path):\n\
         \x20   \"\"\"The cross-check protocol: loss and gradient over the training split, then one Adam\n\
         \x20   step per listed batch (indices into TRAIN), printing the loss of each batch before its\n\
         \x20   step and the training loss after the last.\"\"\"\n\
         \x20   with open(path) as fh:\n\
         \x20       spec = json.load(fh)\n\
         \x20   x, y = tensors(TRAIN)\n\
         \x20   model.zero_grad()\n\
         \x20   loss0 = loss_of(model, x, y)\n\
         \x20   loss0.backward()\n\
         \x20   grad0 = flat_gradient(model)\n\
         \x20   opt = PlaygroundAdam(model.parameters(), lr=spec[\"lr\"], betas=tuple(spec[\"betas\"]), eps=spec[\"eps\"])\n\
         \x20   losses = []\n\
         \x20   for batch in spec[\"batches\"]:\n\
         \x20       idx = torch.tensor(batch, dtype=torch.long)\n\
         \x20       opt.zero_grad()\n\
         \x20       loss = loss_of(model, x[idx], y[idx])\n\
         \x20       loss.backward()\n\
         \x20       opt.step()\n\
         \x20       losses.append(loss.item())\n\
         \x20   with torch.no_grad():\n\
         \x20       final = loss_of(model, x, y).item()\n\
         \x20   print(json.dumps({\"loss0\": loss0.item(), \"grad0\": grad0, \"losses\": losses, \"final\": final}))\n\n\n",
    );
    s.push_str("# The dataset's first training points, then a few more.\nPOINTS = [\n");
    for p in m.points {
        s.push_str(&format!("    {},\n", py_list(p)));
    }
    s.push_str(
        "]\n\nif __name__ == \"__main__\":\n\
         \x20   model = HybridModel()\n\
         \x20   if len(sys.argv) == 3 and sys.argv[1] == \"--train\":\n\
         \x20       train(model, int(sys.argv[2]))\n\
         \x20   elif len(sys.argv) == 3 and sys.argv[1] == \"--check\":\n\
         \x20       check(model, sys.argv[2])\n\
         \x20   else:\n\
         \x20       with torch.no_grad():\n\
         \x20           outs = model(torch.tensor(POINTS))\n\
         \x20       for x, o in zip(POINTS, outs.tolist()):\n\
         \x20           print(json.dumps({\"x\": x, \"outputs\": o}))\n",
    );
    Ok(s)
}

/// The number of outputs the model ends with (the post-net's last width, else the readouts).
fn m_outputs(d: &crate::doc::Document) -> usize {
    d.post_net.last().map_or(d.n_readouts(), |l| l.units)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::preset;

    #[test]
    fn iris_script_has_every_part_in_the_playground_order() {
        let d = preset("iris-hybrid").unwrap();
        let s = pennylane_torch_script(&d).unwrap();
        for part in [
            "qml.qnn.TorchLayer(qnode",
            "torch.nn.Linear",
            "COMPONENTS = None",
            "cross_entropy",
            "TRAIN = {\"x\": [",
            "def check(model, path)",
        ] {
            assert!(s.contains(part), "missing {part}");
        }
        // 4 embedding angles read h1..h4 (the pre-net's outputs).
        assert!(
            s.contains("FEATURES = [\"h1\", \"h2\", \"h3\", \"h4\"]"),
            "{s}"
        );
        let q = qiskit_torch_script(&d).unwrap();
        assert!(q.contains("EstimatorQNN(") && q.contains("input_gradients=True"));
        assert!(
            q.contains("default_precision=0.0"),
            "exact, not sampled, expectation values"
        );
    }

    #[test]
    fn weight_names_follow_the_models_parameter_order() {
        // The circuit's numbers come in document order; gates run by column. A document whose
        // gates are listed against their columns tells the two orders apart.
        let mut d = preset("xor-entangled").unwrap().into_inner();
        d.circuit.gates.reverse();
        let d = d.validated().unwrap();
        let pts = [vec![0.1, 0.2]];
        let m = Parts::new(&d, &pts).unwrap();
        let model = super::super::model_of(&d).unwrap();
        let circuit = model.block_ranges()[1].clone();
        assert_eq!(m.weight_order.len(), circuit.len());
        let values: Vec<f64> = m
            .weight_order
            .iter()
            .map(|n| m.weights.iter().find(|w| &w.0 == n).unwrap().1)
            .collect();
        assert_eq!(values, model.params()[circuit].to_vec());
        assert_ne!(
            m.weight_order,
            m.weights.iter().map(|w| w.0.clone()).collect::<Vec<_>>(),
            "this document's execution order differs from its document order"
        );
    }

    #[test]
    fn refusals_say_what_to_do() {
        let mut d = preset("iris-hybrid").unwrap().into_inner();
        d.training.loss = LossKind::ChiWf;
        let e = loss_text(d.training.loss).unwrap_err();
        assert!(e.message.contains("χ_wf"));
        let d = preset("reupload-1q").unwrap();
        assert!(
            pennylane_torch_script(&d).is_ok(),
            "basis label states export"
        );
        let e = qiskit_torch_script(&d).unwrap_err();
        assert!(e.message.contains("expectation-value readout"), "{e}");
        let mut noisy = preset("iris-hybrid").unwrap().into_inner();
        noisy.noise.p1 = 0.01;
        let e = pennylane_torch_script(&noisy.validated().unwrap()).unwrap_err();
        assert!(e.message.contains("default.mixed"), "{e}");
    }
}
