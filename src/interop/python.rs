//! The whole hybrid model of a document as a runnable, self-contained Python script for
//! PennyLane ([`pennylane_script`]) or Qiskit ([`qiskit_script`]).
//!
//! A script rebuilds the whole pipeline — the fitted preprocessing (standardisation, PCA), the
//! pre-net's dense layers, the features, the circuit with its angle bindings as functions of
//! the point, the readout, the head and the post-net — with the document's current weights
//! written as named numbers, and prints the model's outputs for a few points as JSON lines
//! `{"x": [x1, …], "outputs": [...]}` — the same numbers [`super::reference_outputs`] gives
//! (exact expectation values, no shot noise). The classical parts are plain Python (no
//! numpy), so the script needs nothing beyond the framework.
//!
//! Semantics written out: `z = P·((x − mean)/std)`; pre-net `h = act(W·z + b)` layer by layer;
//! feature `f` of `z` and `h`, scaled as `lo + (f − a)/(b − a)·(hi − lo)` from its natural range
//! `[a, b]` when the document sets `features.range = [lo, hi]`; angles `const`, `weight`,
//! `scale·f`, `w·f + b`; gates by column, ties in document order; readout ⟨Pauli string⟩ or
//! the probability that the first wires are in a label state; head `scale_j·r_j + bias_j`;
//! post-net layer by layer.

use super::{comment_text, model_of, num, script_points, InteropError};
use crate::doc::GateName;
use crate::doc::{
    Angle, DenseSpec, Document, Feature, GateSpec, LabelState, Readout, Source, ValidDocument,
};
use crate::learn::preprocess::Preprocessor;
use crate::sim::{ChannelKind, GateKind, Pauli, PauliString, ReadoutError, WireReadout, C64};

/// The PennyLane script of the document's model, printing outputs at [`script_points`].
pub fn pennylane_script(doc: &ValidDocument) -> Result<String, InteropError> {
    let points = script_points(doc)?;
    pennylane_script_at(doc, &points)
}

/// The Qiskit script of the document's model, printing outputs at [`script_points`].
pub fn qiskit_script(doc: &ValidDocument) -> Result<String, InteropError> {
    let points = script_points(doc)?;
    qiskit_script_at(doc, &points)
}

/// The PennyLane script of the document's model, printing outputs at the given points.
pub fn pennylane_script_at(
    doc: &ValidDocument,
    points: &[Vec<f64>],
) -> Result<String, InteropError> {
    let m = Parts::new(doc, points)?;
    let mut s = String::new();
    m.preamble(&mut s, "PennyLane", "pennylane");
    s.push_str("import pennylane as qml\n\n");
    m.features_and_weights(&mut s);
    s.push_str(&format!(
        "# ---- 3. Circuit --------------------------------------------------------------\n\
         # The gates in the order they run: by editor column, then in list order. Wire 0 is the\n\
         # most significant bit of a basis state, as in the playground.\n\
         N_QUBITS = {}\n\n\n\
         def circuit(f):\n    \"\"\"Applies every gate for a point whose scaled features are f.\"\"\"\n",
        doc.circuit.qubits
    ));
    let noisy = m.doc.is_noisy();
    if m.gates.is_empty() && m.leading.is_empty() {
        s.push_str("    pass  # the circuit has no gates\n");
    }
    for line in pennylane_channels(&m.leading) {
        s.push_str(&format!("    {line}\n"));
    }
    for g in &m.gates {
        s.push_str(&format!("    # {}\n", g.describe()));
        for line in g.pennylane() {
            s.push_str(&format!("    {line}\n"));
        }
        for line in pennylane_channels(&g.after) {
            s.push_str(&format!("    {line}\n"));
        }
    }
    if noisy {
        s.push_str(
            "\n\n# Noise: the channels above are the document's (placed in the circuit, and the noise\n\
             # model's after every gate), with PennyLane's definitions; default.mixed runs the exact\n\
             # density matrix.\n\
             dev = qml.device(\"default.mixed\", wires=N_QUBITS)\n\n",
        );
    } else {
        s.push_str("\n\ndev = qml.device(\"default.qubit\", wires=N_QUBITS)\n\n");
    }
    s.push_str(
        "# ---- 4. Readout --------------------------------------------------------------\n",
    );
    match &m.readout {
        ReadoutText::Expval(obs) => {
            s.push_str(
                "# One expectation value per output, each of a product of Pauli operators.\n",
            );
            s.push_str("\n\n@qml.qnode(dev)\ndef readout(f):\n");
            s.push_str(
                "    \"\"\"The expectation values of the observables after the circuit.\"\"\"\n",
            );
            if let Some(r) = &m.readout_error {
                s.push_str(
                    "    # Readout error: each value is what a measurement with the confusion matrix\n\
                     # [[1 - p(1|0), p(0|1)], [p(1|0), 1 - p(0|1)]] per wire reads, written as the\n\
                     # equivalent sum of Pauli sub-strings of the observable.\n",
                );
                s.push_str("    circuit(f)\n    return [\n");
                for (text, p) in obs {
                    let terms = r
                        .pauli_terms(p)
                        .map_err(|e| InteropError::new(e.to_string()))?;
                    let coeffs: Vec<String> = terms.iter().map(|(c, _)| num(*c)).collect();
                    let ops: Vec<String> = terms.iter().map(|(_, t)| pennylane_obs(t)).collect();
                    s.push_str(&format!(
                        "        qml.expval(qml.Hamiltonian([{}], [{}])),  # {text}, read out\n",
                        coeffs.join(", "),
                        ops.join(", ")
                    ));
                }
                s.push_str("    ]\n");
            } else {
                s.push_str("    circuit(f)\n    return [\n");
                for (text, p) in obs {
                    s.push_str(&format!(
                        "        qml.expval({}),  # {text}\n",
                        pennylane_obs(p)
                    ));
                }
                s.push_str("    ]\n");
            }
        }
        ReadoutText::Fidelity(states) => {
            let m_bits = states.first().map_or(1, |st| st.len());
            s.push_str(&format!(
                "# One output per class: the probability that wires 0..{} are in the class's label\n\
                 # state (its fidelity with the output). The first bit is wire 0.\n\
                 LABEL_STATES = {}\n\n\n\
                 @qml.qnode(dev)\ndef label_probabilities(f):\n\
                 \x20   \"\"\"Probabilities of the basis states of the first wires (wire 0 most significant).\"\"\"\n\
                 \x20   circuit(f)\n    return qml.probs(wires={})\n\n\n\
                 def readout(f):\n\
                 \x20   \"\"\"The fidelity with each class's label state.\"\"\"\n\
                 \x20   probs = label_probabilities(f)\n\
                 \x20   return [probs[int(bits, 2)] for bits in LABEL_STATES]\n",
                m_bits - 1,
                py_str_list(states),
                py_wires(&(0..m_bits).collect::<Vec<_>>())
            ));
        }
        ReadoutText::States(states, m) => {
            s.push_str(&format!(
                "# One output per class: the fidelity of the output with the class's label state,\n\
                 # a product state of wires 0..{} given by its amplitudes (wire 0 most significant).\n\
                 LABEL_STATES = {}\n\n\n\
                 @qml.qnode(dev)\ndef final_state(f):\n\
                 \x20   \"\"\"The state after the circuit (PennyLane orders wire 0 most significant).\"\"\"\n\
                 \x20   circuit(f)\n    return qml.state()\n\n\n\
                 {}\n\n\
                 def readout(f):\n\
                 \x20   \"\"\"The fidelity with each class's label state.\"\"\"\n\
                 \x20   return fidelities([complex(a) for a in final_state(f)])\n",
                m - 1,
                py_states(states),
                py_state_fidelities(*m),
            ));
        }
    }
    m.head_and_main(&mut s);
    Ok(s)
}

/// The PennyLane lines of channels (kind, wire, strength), PennyLane's own channel names.
fn pennylane_channels(chs: &[(ChannelKind, usize, f64)]) -> Vec<String> {
    chs.iter()
        .map(|&(c, w, s)| format!("qml.{}({}, wires={w})", c.name(), num(s)))
        .collect()
}

/// The Qiskit script of the document's model, printing outputs at the given points.
pub fn qiskit_script_at(doc: &ValidDocument, points: &[Vec<f64>]) -> Result<String, InteropError> {
    let m = Parts::new(doc, points)?;
    let noisy = doc.is_noisy();
    let mut s = String::new();
    m.preamble(&mut s, "Qiskit", "qiskit");
    m.qiskit_circuit_imports(&mut s);
    s.push_str("from qiskit.quantum_info import SparsePauliOp, Statevector\n");
    if noisy {
        s.push_str(
            "from qiskit_aer import AerSimulator\n\
             from qiskit_aer.noise import (\n\
             \x20   amplitude_damping_error,\n\
             \x20   depolarizing_error,\n\
             \x20   pauli_error,\n\
             \x20   phase_damping_error,\n\
             )\n",
        );
    }
    s.push('\n');
    m.features_and_weights(&mut s);
    s.push_str(&format!(
        "# ---- 3. Circuit --------------------------------------------------------------\n\
         # The gates in the order they run: by editor column, then in list order. Playground wire w\n\
         # is Qiskit qubit w. Qiskit orders basis states little-endian (qubit 0 is the LEAST\n\
         # significant bit), the playground big-endian; the readout below accounts for it.\n\
         N_QUBITS = {}\n\n\n\
         def circuit(f):\n    \"\"\"The circuit for a point whose scaled features are f.\"\"\"\n\
         \x20   qc = QuantumCircuit(N_QUBITS)\n",
        doc.circuit.qubits
    ));
    for line in qiskit_channels(&m.leading) {
        s.push_str(&format!("    {line}\n"));
    }
    for g in &m.gates {
        s.push_str(&format!("    # {}\n", g.describe()));
        for line in g.qiskit() {
            s.push_str(&format!("    {line}\n"));
        }
        for line in qiskit_channels(&g.after) {
            s.push_str(&format!("    {line}\n"));
        }
    }
    s.push_str("    return qc\n\n\n");
    if noisy {
        s.push_str(
            "# Noise: each channel above is a qiskit-aer QuantumError placed right after its gate (the\n\
             # playground applies the noise model after every document gate, which a NoiseModel keyed\n\
             # by gate names cannot say for gates Qiskit writes as several, e.g. Rot). PennyLane's\n\
             # DepolarizingChannel(p) is depolarizing_error(4p/3, 1). AerSimulator's density-matrix\n\
             # method gives the exact mixed state.\n\
             SIMULATOR = AerSimulator(method=\"density_matrix\")\n\n\n\
             def final_state(f):\n\
             \x20   \"\"\"The exact density matrix after the noisy circuit.\"\"\"\n\
             \x20   qc = circuit(f)\n\
             \x20   qc.save_density_matrix()\n\
             \x20   return SIMULATOR.run(qc).result().data()[\"density_matrix\"]\n\n\n",
        );
    }
    s.push_str(
        "# ---- 4. Readout --------------------------------------------------------------\n",
    );
    match &m.readout {
        ReadoutText::Expval(obs) => {
            s.push_str(
                "# One expectation value per output. Each observable is given as (Pauli letters,\n\
                 # qubits), which avoids Qiskit's reversed label strings.\n\
                 OBSERVABLES = [\n",
            );
            for (text, p) in obs {
                match &m.readout_error {
                    Some(r) => {
                        let terms = r
                            .pauli_terms(p)
                            .map_err(|e| InteropError::new(e.to_string()))?;
                        s.push_str(&format!(
                            "    {},  # {text}, read out with the readout error\n",
                            qiskit_sum(&terms)
                        ));
                    }
                    None => s.push_str(&format!("    {},  # {text}\n", qiskit_obs(p))),
                }
            }
            s.push_str(
                "]\n\n\ndef readout(f):\n\
                 \x20   \"\"\"The expectation values of the observables after the circuit.\"\"\"\n\
                 \x20   state = Statevector(circuit(f))\n\
                 \x20   return [state.expectation_value(op).real for op in OBSERVABLES]\n",
            );
        }
        ReadoutText::Fidelity(states) => {
            let m_bits = states.first().map_or(1, |st| st.len());
            s.push_str(&format!(
                "# One output per class: the probability that wires 0..{} are in the class's label\n\
                 # state (its fidelity with the output). The first bit of a label is wire 0.\n\
                 LABEL_STATES = {}\n\n\n\
                 def readout(f):\n\
                 \x20   \"\"\"The fidelity with each class's label state.\"\"\"\n\
                 \x20   state = Statevector(circuit(f))\n\
                 \x20   wires = list(range({m_bits}))\n\
                 \x20   # Qiskit indexes these outcomes with wires[0] as the LEAST significant bit.\n\
                 \x20   probs = state.probabilities(wires)\n\
                 \x20   return [\n\
                 \x20       probs[sum(int(bit) << k for k, bit in enumerate(bits))] for bits in LABEL_STATES\n\
                 \x20   ]\n",
                m_bits - 1,
                py_str_list(states),
            ));
        }
        ReadoutText::States(states, m) => {
            s.push_str(&format!(
                "# One output per class: the fidelity of the output with the class's label state,\n\
                 # a product state of wires 0..{} given by its amplitudes (wire 0 most significant).\n\
                 LABEL_STATES = {}\n\n\n\
                 {}\n\n\
                 def readout(f):\n\
                 \x20   \"\"\"The fidelity with each class's label state.\"\"\"\n\
                 \x20   data = Statevector(circuit(f)).data\n\
                 \x20   # Qiskit indexes amplitudes with qubit 0 as the LEAST significant bit: reverse.\n\
                 \x20   rev = [int(format(i, \"0{{}}b\".format(N_QUBITS))[::-1], 2) for i in range(len(data))]\n\
                 \x20   return fidelities([complex(data[rev[i]]) for i in range(len(data))])\n",
                m - 1,
                py_states(states),
                py_state_fidelities(*m),
            ));
        }
    }
    m.head_and_main(&mut s);
    if noisy {
        s = s.replace("state = Statevector(circuit(f))", "state = final_state(f)");
    }
    Ok(s)
}

/// The qiskit-aer error instructions of channels (kind, wire, strength), PennyLane's
/// definitions.
fn qiskit_channels(chs: &[(ChannelKind, usize, f64)]) -> Vec<String> {
    chs.iter()
        .map(|&(c, w, p)| {
            let err = match c {
                ChannelKind::DepolarizingChannel => {
                    format!("depolarizing_error({}, 1)", num(4.0 * p / 3.0))
                }
                ChannelKind::BitFlip => {
                    format!(
                        "pauli_error([(\"X\", {}), (\"I\", {})])",
                        num(p),
                        num(1.0 - p)
                    )
                }
                ChannelKind::PhaseFlip => {
                    format!(
                        "pauli_error([(\"Z\", {}), (\"I\", {})])",
                        num(p),
                        num(1.0 - p)
                    )
                }
                ChannelKind::AmplitudeDamping => format!("amplitude_damping_error({})", num(p)),
                ChannelKind::PhaseDamping => format!("phase_damping_error({})", num(p)),
            };
            format!(
                "qc.append({err}.to_instruction(), [{w}])  # {}({})",
                c.name(),
                num(p)
            )
        })
        .collect()
}

/// A weighted sum of Pauli strings as a Qiskit `SparsePauliOp`.
fn qiskit_sum(terms: &[(f64, PauliString)]) -> String {
    let items: Vec<String> = terms
        .iter()
        .map(|(c, p)| {
            let letters: String = p.terms.iter().map(|&(_, l)| pauli_letter(l)).collect();
            let wires: Vec<usize> = p.terms.iter().map(|&(w, _)| w).collect();
            format!("(\"{letters}\", [{}], {})", list_usize(&wires), num(*c))
        })
        .collect();
    format!(
        "SparsePauliOp.from_sparse_list([{}], num_qubits=N_QUBITS)",
        items.join(", ")
    )
}

/// One gate in execution order with its angles as Python expressions.
pub(super) struct GateText {
    index: usize,
    pub(super) kind: GateKind,
    wires: Vec<usize>,
    pub(super) controls: Vec<usize>,
    col: usize,
    angles: Vec<String>,
    /// Channels applied right after the gate: the noise model's, then channels placed in the
    /// circuit before the next gate (kind, wire, strength).
    after: Vec<(ChannelKind, usize, f64)>,
}

pub(super) enum ReadoutText {
    Expval(Vec<(String, PauliString)>),
    Fidelity(Vec<String>),
    /// Product label states on the first `m` wires: per class its `2^m` amplitudes.
    States(Vec<Vec<C64>>, usize),
}

/// The label states as a Python list of amplitude lists, wire 0 most significant.
fn py_states(states: &[Vec<C64>]) -> String {
    let rows: Vec<String> = states
        .iter()
        .map(|v| {
            let items: Vec<String> = v
                .iter()
                .map(|a| format!("complex({}, {})", num(a.re), num(a.im)))
                .collect();
            format!("    [{}],", items.join(", "))
        })
        .collect();
    format!("[\n{}\n]", rows.join("\n"))
}

/// The Python readout of product label states from `psi`, the amplitudes in the playground's
/// order (wire 0 most significant).
fn py_state_fidelities(m: usize) -> String {
    format!(
        "def fidelities(psi):\n\
         \x20   \"\"\"F_c = <psi|(|phi_c><phi_c| (x) I)|psi> for each label state phi_c of wires 0..{last}.\"\"\"\n\
         \x20   rest = len(psi) // {dim}\n\
         \x20   return [\n\
         \x20       sum(\n\
         \x20           abs(sum(phi[a].conjugate() * psi[a * rest + r] for a in range({dim}))) ** 2\n\
         \x20           for r in range(rest)\n\
         \x20       )\n\
         \x20       for phi in LABEL_STATES\n\
         \x20   ]\n",
        last = m - 1,
        dim = 1usize << m
    )
}

/// Everything both scripts share, already turned into Python text pieces.
pub(super) struct Parts<'a> {
    /// The document with the model's current numbers (dense layers drawn at build included).
    pub(super) doc: Document,
    pub(super) points: &'a [Vec<f64>],
    pub(super) prep: Preprocessor,
    /// (name, natural range) of every feature the circuit reads.
    pub(super) features: Vec<(Feature, [f64; 2])>,
    /// The gates in execution order.
    pub(super) gates: Vec<GateText>,
    /// Channels placed before the first gate.
    leading: Vec<(ChannelKind, usize, f64)>,
    /// The readout error folded into the observables (None: no readout error).
    readout_error: Option<ReadoutError>,
    /// (name, value, comment), in execution order.
    pub(super) weights: Vec<(String, f64, String)>,
    /// The circuit's trainable numbers by name in the model's order (document order of the
    /// gates, then angle order: θ, or a re-upload's w then b).
    pub(super) weight_order: Vec<String>,
    pub(super) readout: ReadoutText,
}

impl<'a> Parts<'a> {
    pub(super) fn new(
        doc: &'a ValidDocument,
        points: &'a [Vec<f64>],
    ) -> Result<Parts<'a>, InteropError> {
        if let Some(p) = points.iter().find(|p| !p.iter().all(|v| v.is_finite())) {
            let shown: Vec<String> = p.iter().map(|v| v.to_string()).collect();
            return Err(InteropError::new(format!(
                "the point ({}) must have finite coordinates",
                shown.join(", ")
            )));
        }
        let model = model_of(doc)?;
        let features = model.feature_ranges();
        let prep = model.preprocessor().clone();
        let mut doc = doc.clone().into_inner();
        model.write_params(&mut doc);
        let mut order: Vec<usize> = (0..doc.circuit.gates.len()).collect();
        order.sort_by_key(|&i| doc.circuit.gates[i].col);
        let mut weights = Vec::new();
        let mut gates: Vec<GateText> = Vec::new();
        let mut per_gate: Vec<Vec<String>> = vec![Vec::new(); order.len()];
        let mut leading = Vec::new();
        let nm = &doc.noise;
        for &i in &order {
            let g = &doc.circuit.gates[i];
            match g.gate {
                GateName::Gate(kind) => {
                    let before = weights.len();
                    let mut t = gate_text(gates.len(), g, kind, &mut weights);
                    per_gate[i] = weights[before..].iter().map(|w| w.0.clone()).collect();
                    let wires: Vec<usize> = g.all_wires().collect();
                    let p = if wires.len() == 1 { nm.p1 } else { nm.p2 };
                    for &w in &wires {
                        for (c, s) in [
                            (ChannelKind::DepolarizingChannel, p),
                            (ChannelKind::AmplitudeDamping, nm.amplitude_damping),
                            (ChannelKind::PhaseDamping, nm.phase_damping),
                        ] {
                            if s > 0.0 {
                                t.after.push((c, w, s));
                            }
                        }
                    }
                    gates.push(t);
                }
                GateName::Channel(c) => {
                    let s = match g.params.first() {
                        Some(Angle::Const { value }) => *value,
                        _ => 0.0,
                    };
                    let w = g.wires[0];
                    match gates.last_mut() {
                        Some(t) => t.after.push((c, w, s)),
                        None => leading.push((c, w, s)),
                    }
                }
            }
        }
        let weight_order = per_gate.concat();
        let n = doc.circuit.qubits;
        let readout_error = if nm.readout.iter().any(|r| !r.is_ideal()) {
            let wires = (0..n)
                .map(|w| {
                    let r = nm.readout_of(w);
                    WireReadout {
                        p1_given_0: r.p1_given_0,
                        p0_given_1: r.p0_given_1,
                    }
                })
                .collect();
            Some(ReadoutError::new(wires).map_err(|e| InteropError::new(e.to_string()))?)
        } else {
            None
        };
        let readout =
            match &doc.readout {
                Readout::Expval { observables } => ReadoutText::Expval(
                    observables
                        .iter()
                        .map(|o| {
                            let p: PauliString = o.parse().map_err(|e| {
                                InteropError::new(format!("observable '{}': {e}", comment_text(o)))
                            })?;
                            Ok((p.to_string(), p))
                        })
                        .collect::<Result<_, InteropError>>()?,
                ),
                Readout::Fidelity { per_wire: true, .. } => return Err(InteropError::new(
                    "the per-wire fidelity readout (χ_wf on several qubits) has no script export \
                     yet; export a document with one fidelity per class",
                )),
                Readout::Fidelity { states, .. } => {
                    let bits: Option<Vec<String>> = states
                        .iter()
                        .map(|s| match s {
                            LabelState::Basis(b) => Some(b.clone()),
                            _ => None,
                        })
                        .collect();
                    match bits {
                        Some(bits) => ReadoutText::Fidelity(bits),
                        None => ReadoutText::States(
                            states.iter().map(LabelState::amplitudes).collect(),
                            states.first().map_or(1, LabelState::n_wires),
                        ),
                    }
                }
            };
        if doc.is_noisy() && matches!(readout, ReadoutText::States(..)) {
            return Err(InteropError::new(
                "a noisy document with product label states has no script export yet (its \
                 fidelity is read from the pure state); use basis label states or Pauli \
                 observables",
            ));
        }
        if readout_error.is_some() && !matches!(readout, ReadoutText::Expval(_)) {
            return Err(InteropError::new(
                "the readout error is exported for Pauli-observable readouts only; set the \
                 readout error to 0 or read expectation values",
            ));
        }
        Ok(Parts {
            doc,
            points,
            prep,
            features,
            gates,
            leading,
            readout_error,
            weights,
            weight_order,
            readout,
        })
    }

    /// `from qiskit import QuantumCircuit`, and the library gate classes the controlled gates
    /// need (if any).
    pub(super) fn qiskit_circuit_imports(&self, s: &mut String) {
        s.push_str("from qiskit import QuantumCircuit\n");
        let mut classes: Vec<&str> = self
            .gates
            .iter()
            .filter(|g| !g.controls.is_empty())
            .flat_map(|g| qiskit_classes(g.kind))
            .collect();
        classes.sort_unstable();
        classes.dedup();
        if !classes.is_empty() {
            s.push_str(&format!(
                "from qiskit.circuit.library import {}\n",
                classes.join(", ")
            ));
        }
    }

    pub(super) fn preamble(&self, s: &mut String, tool: &str, package: &str) {
        s.push_str("#!/usr/bin/env python3\n");
        s.push_str(&format!(
            "\"\"\"A hybrid quantum-classical model from the QML playground, rebuilt in {tool}.\n\n\
             The model maps a point x = [x1, ...] to its outputs:\n\
             \x20   preprocessing -> pre-net -> features (classical) -> circuit (quantum) -> readout\n\
             \x20   -> head -> post-net (classical)\n\
             with the playground's current (trained) weights written below as numbers.\n\n\
             Run it with:  pip install {package}  &&  python3 <this file>\n\
             It prints one JSON line per point: {{\"x\": [x1, ...], \"outputs\": [...]}}.\n\
             Exported by qmlp {}.\n\"\"\"\n",
            crate::VERSION
        ));
        let d = &self.doc;
        if !d.title.is_empty() {
            s.push_str(&format!("\n# {}\n", comment_text(&d.title)));
        }
        if !d.description.is_empty() {
            s.push('#');
            s.push('\n');
            for line in d.description.lines().take(40) {
                s.push_str(&format!("# {}\n", comment_text(line)).replace("# \n", "#\n"));
            }
        }
        s.push_str("\nimport json\nimport math\n\n");
    }

    pub(super) fn features_and_weights(&self, s: &mut String) {
        s.push_str(
            "# ---- 1. Inputs and features ---------------------------------------------------\n",
        );
        self.preprocess(s);
        s.push_str(&format!(
            "ACTIVATIONS = {{\n\
             \x20   \"linear\": lambda v: v,\n\
             \x20   \"tanh\": math.tanh,\n\
             \x20   \"relu\": lambda v: max(v, 0.0),\n\
             \x20   \"sigmoid\": lambda v: 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v)),\n\
             }}\n\n\n\
             def dense(layers, v):\n\
             \x20   \"\"\"Dense layers: v <- act(W v + b), layer by layer (W row-major, one row per unit).\"\"\"\n\
             \x20   for layer in layers:\n\
             \x20       act = ACTIVATIONS[layer[\"activation\"]]\n\
             \x20       v = [act(b + sum(w * a for w, a in zip(row, v))) for row, b in zip(layer[\"weights\"], layer[\"bias\"])]\n\
             \x20   return v\n\n\n\
             # The pre-net: dense layers before the circuit; its outputs are the features h1, h2, ...\n\
             PRE_NET = {}\n\n",
            py_layers(&self.doc.pre_net, self.prep.n_out())
        ));
        match self.doc.features.range {
            None => s.push_str(
                "# The features enter the angles as they are (no rescaling).\n\
                 FEATURE_RANGE = None\n",
            ),
            Some([lo, hi]) => s.push_str(&format!(
                "# Each feature is mapped linearly from its natural range (NATURAL_RANGE: the\n\
                 # inputs count as [-1, 1], pre-net outputs as their activation's range) onto\n\
                 # the angle range [lo, hi] = FEATURE_RANGE.\n\
                 FEATURE_RANGE = ({}, {})\n",
                num(lo),
                num(hi)
            )),
        }
        s.push_str("NATURAL_RANGE = {\n");
        for (f, [a, b]) in &self.features {
            s.push_str(&format!("    \"{f}\": ({}, {}),\n", num(*a), num(*b)));
        }
        s.push_str(
            "}\n\n\ndef features(x):\n\
             \x20   \"\"\"The features of a raw point x, scaled into angles when FEATURE_RANGE is set.\"\"\"\n\
             \x20   z = preprocess(x)\n\
             \x20   h = dense(PRE_NET, z)\n\
             \x20   raw = {\n",
        );
        for (f, _) in &self.features {
            s.push_str(&format!("        \"{f}\": {},\n", py_feature(*f)));
        }
        s.push_str(
            "\x20   }\n\
             \x20   if FEATURE_RANGE is None:\n\
             \x20       return raw\n\
             \x20   lo, hi = FEATURE_RANGE\n\
             \x20   scaled = {}\n\
             \x20   for name, value in raw.items():\n\
             \x20       a, b = NATURAL_RANGE[name]\n\
             \x20       scaled[name] = lo + (value - a) / (b - a) * (hi - lo) if b > a else lo\n\
             \x20   return scaled\n\n\n",
        );
        s.push_str(
            "# ---- 2. Trainable weights (current values) -----------------------------------\n\
             # Named after their gate: g<k> is the k-th gate to run. A weight 'theta' is an angle;\n\
             # a data re-upload computes its angle as w * feature + b.\n",
        );
        if self.weights.is_empty() {
            s.push_str("W = {}  # this circuit has no trainable angles\n\n\n");
        } else {
            s.push_str("W = {\n");
            for (name, v, comment) in &self.weights {
                s.push_str(&format!("    \"{name}\": {},  # {comment}\n", num(*v)));
            }
            s.push_str("}\n\n\n");
        }
    }

    pub(super) fn preprocess(&self, s: &mut String) {
        let p = &self.prep;
        if p.is_identity() {
            s.push_str(
                "# The inputs reach the model as they are (no standardisation, no PCA).\n\
                 PREPROCESS = None\n\n\n",
            );
        } else {
            let comps = p.components();
            let rows: Vec<String> = comps.chunks(p.n_in().max(1)).map(py_list).collect();
            s.push_str(&format!(
                "# Preprocessing fitted on the training split: z = P ((x - mean) / std), with P the\n\
                 # principal components (rows), or the identity without PCA.\n\
                 PREPROCESS = {{\n\
                 \x20   \"mean\": {},\n\
                 \x20   \"std\": {},\n\
                 \x20   \"components\": {},\n\
                 }}\n\n\n",
                py_list(p.mean()),
                py_list(&p.std()),
                if comps.is_empty() {
                    "None".to_string()
                } else {
                    format!("[\n        {},\n    ]", rows.join(",\n        "))
                }
            ));
        }
        s.push_str(
            "def preprocess(x):\n\
             \x20   \"\"\"The model's inputs z for a raw point x.\"\"\"\n\
             \x20   if PREPROCESS is None:\n\
             \x20       return list(x)\n\
             \x20   z = [(v - m) / sd for v, m, sd in zip(x, PREPROCESS[\"mean\"], PREPROCESS[\"std\"])]\n\
             \x20   if PREPROCESS[\"components\"] is None:\n\
             \x20       return z\n\
             \x20   return [sum(c * v for c, v in zip(row, z)) for row in PREPROCESS[\"components\"]]\n\n\n",
        );
    }

    pub(super) fn head_and_main(&self, s: &mut String) {
        let h = &self.doc.head;
        s.push_str(&format!(
            "\n\n# ---- 5. Head and post-net -----------------------------------------------------\n\
             # head: o_j = HEAD_SCALE[j] * readout_j + HEAD_BIAS[j]{}; then the post-net's dense layers.\n\
             HEAD_SCALE = {}\n\
             HEAD_BIAS = {}\n\
             POST_NET = {}\n\n\n\
             def model(x):\n\
             \x20   \"\"\"The model's outputs at the raw point x.\"\"\"\n\
             \x20   r = readout(features(x))\n\
             \x20   o = [HEAD_SCALE[j] * float(r[j]) + HEAD_BIAS[j] for j in range(len(HEAD_SCALE))]\n\
             \x20   return dense(POST_NET, o)\n\n\n",
            if h.trainable { " (trained)" } else { " (fixed)" },
            py_list(&h.scale),
            py_list(&h.bias),
            py_layers(&self.doc.post_net, self.doc.n_readouts())
        ));
        s.push_str("# The dataset's first training points, then a few more.\nPOINTS = [\n");
        for p in self.points {
            s.push_str(&format!("    {},\n", py_list(p)));
        }
        s.push_str(
            "]\n\nif __name__ == \"__main__\":\n\
             \x20   for x in POINTS:\n\
             \x20       print(json.dumps({\"x\": x, \"outputs\": model(x)}))\n",
        );
    }
}

/// A list of floats as a Python list literal.
pub(super) fn py_list(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|&x| num(x)).collect();
    format!("[{}]", items.join(", "))
}

/// Dense layers as a Python list of `{"activation", "weights" (rows), "bias"}`.
pub(super) fn py_layers(layers: &[DenseSpec], n_in: usize) -> String {
    if layers.is_empty() {
        return "[]".to_string();
    }
    let mut ins = n_in;
    let mut out = String::from("[\n");
    for l in layers {
        let rows: Vec<String> = l.weights.chunks(ins.max(1)).map(py_list).collect();
        out.push_str(&format!(
            "    {{\"activation\": \"{}\", \"weights\": [{}], \"bias\": {}}},\n",
            l.activation.name(),
            rows.join(", "),
            py_list(&l.bias)
        ));
        ins = l.units;
    }
    out.push(']');
    out
}

/// A feature as a Python expression of `z` (the preprocessed inputs) and `h` (pre-net outputs).
fn py_feature(f: Feature) -> String {
    let src = |s: Source| match s {
        Source::Input(i) => format!("z[{i}]"),
        Source::Hidden(j) => format!("h[{j}]"),
    };
    match f {
        Feature::Value(a) => src(a),
        Feature::Square(a) => format!("{} * {}", src(a), src(a)),
        Feature::Sin(a) => format!("math.sin({})", src(a)),
        Feature::Product(a, b) => format!("{} * {}", src(a), src(b)),
    }
}

fn gate_text(
    k: usize,
    g: &GateSpec,
    kind: GateKind,
    weights: &mut Vec<(String, f64, String)>,
) -> GateText {
    let n = g.params.len();
    let mut angles = Vec::with_capacity(n);
    let place = describe_wires(kind, &g.wires, &g.controls);
    for (i, a) in g.params.iter().enumerate() {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("{}", i + 1)
        };
        let which = if n == 1 {
            String::new()
        } else {
            format!(" angle {}", i + 1)
        };
        angles.push(match a {
            Angle::Const { value } => num(*value),
            Angle::Weight { value } => {
                let name = format!("g{k}.theta{suffix}");
                weights.push((
                    name.clone(),
                    *value,
                    format!("{} {place}{which}", g.gate.name()),
                ));
                format!("W[\"{name}\"]")
            }
            Angle::Feature { feature, scale } => {
                if *scale == 1.0 {
                    format!("f[\"{}\"]", feature.name())
                } else {
                    format!("{} * f[\"{}\"]", num(*scale), feature.name())
                }
            }
            Angle::Reupload { feature, w, b } => {
                let (wn, bn) = (format!("g{k}.w{suffix}"), format!("g{k}.b{suffix}"));
                let what = format!(
                    "{} {place}{which}: angle = w * {} + b",
                    g.gate.name(),
                    feature.name()
                );
                weights.push((wn.clone(), *w, what.clone()));
                weights.push((bn.clone(), *b, what));
                format!("W[\"{wn}\"] * f[\"{}\"] + W[\"{bn}\"]", feature.name())
            }
        });
    }
    GateText {
        index: k,
        kind,
        wires: g.wires.clone(),
        controls: g.controls.clone(),
        col: g.col,
        angles,
        after: Vec::new(),
    }
}

fn list_usize(v: &[usize]) -> String {
    v.iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_wires(kind: GateKind, wires: &[usize], controls: &[usize]) -> String {
    let mut s = if wires.len() == 1 {
        format!("on wire {}", wires[0])
    } else {
        format!("on wires {}", list_usize(wires))
    };
    if kind.is_single_qubit() && !controls.is_empty() {
        s.push_str(&format!(
            " controlled by wire{} {}",
            if controls.len() == 1 { "" } else { "s" },
            list_usize(controls)
        ));
    }
    s
}

pub(super) fn py_wires(w: &[usize]) -> String {
    if w.len() == 1 {
        w[0].to_string()
    } else {
        format!("[{}]", list_usize(w))
    }
}

pub(super) fn py_str_list(v: &[String]) -> String {
    let items: Vec<String> = v
        .iter()
        .map(|s| {
            // Label states are validated bit strings; keep only bits to be safe.
            let bits: String = s.chars().filter(|c| *c == '0' || *c == '1').collect();
            format!("\"{bits}\"")
        })
        .collect();
    format!("[{}]", items.join(", "))
}

impl GateText {
    pub(super) fn describe(&self) -> String {
        format!(
            "g{}: {} {} (column {})",
            self.index,
            self.kind.name(),
            describe_wires(self.kind, &self.wires, &self.controls),
            self.col
        )
    }

    pub(super) fn pennylane(&self) -> Vec<String> {
        use GateKind::*;
        let base = match self.kind {
            H => "qml.Hadamard",
            X => "qml.PauliX",
            Y => "qml.PauliY",
            Z => "qml.PauliZ",
            S | Sdg => "qml.S",
            T | Tdg => "qml.T",
            SX | SXdg => "qml.SX",
            k => k.name(),
        };
        let base = if base.starts_with("qml.") {
            base.to_string()
        } else {
            format!("qml.{base}")
        };
        let op = if matches!(self.kind, Sdg | Tdg | SXdg) {
            format!("qml.adjoint({base})")
        } else {
            base
        };
        let mut args: Vec<String> = self.angles.clone();
        if self.controls.is_empty() {
            args.push(format!("wires={}", py_wires(&self.wires)));
            vec![format!("{op}({})", args.join(", "))]
        } else {
            args.push(format!("wires={}", self.wires[0]));
            vec![format!(
                "qml.ctrl({op}, control=[{}])({})",
                list_usize(&self.controls),
                args.join(", ")
            )]
        }
    }

    pub(super) fn qiskit(&self) -> Vec<String> {
        use GateKind::*;
        let a = &self.angles;
        let w = list_usize(&self.wires);
        if !self.controls.is_empty() {
            let k = self.controls.len();
            let mut qubits = self.controls.clone();
            qubits.push(self.wires[0]);
            let qubits = list_usize(&qubits);
            let parts: Vec<(&str, String)> = match self.kind {
                Rot => vec![
                    ("RZGate", a[0].clone()),
                    ("RYGate", a[1].clone()),
                    ("RZGate", a[2].clone()),
                ],
                U3 => vec![("UGate", a.join(", "))],
                kind => {
                    let class = qiskit_classes(kind).first().copied().unwrap_or("XGate");
                    vec![(class, a.join(", "))]
                }
            };
            return parts
                .into_iter()
                .map(|(class, args)| format!("qc.append({class}({args}).control({k}), [{qubits}])"))
                .collect();
        }
        let call = |m: &str, args: &[String]| {
            if args.is_empty() {
                format!("qc.{m}({w})")
            } else {
                format!("qc.{m}({}, {w})", args.join(", "))
            }
        };
        match self.kind {
            Rot => vec![
                call("rz", &a[0..1]),
                call("ry", &a[1..2]),
                call("rz", &a[2..3]),
            ],
            U3 => vec![call("u", a)],
            k => vec![call(qiskit_method(k), a)],
        }
    }
}

/// The `QuantumCircuit` method of an uncontrolled gate (Rot and U3 are handled apart).
fn qiskit_method(k: GateKind) -> &'static str {
    use GateKind::*;
    match k {
        H => "h",
        X => "x",
        Y => "y",
        Z => "z",
        S => "s",
        Sdg => "sdg",
        T => "t",
        Tdg => "tdg",
        SX => "sx",
        SXdg => "sxdg",
        RX => "rx",
        RY => "ry",
        RZ => "rz",
        PhaseShift => "p",
        Rot => "rz",
        U3 => "u",
        CNOT => "cx",
        CZ => "cz",
        CY => "cy",
        SWAP => "swap",
        CRX => "crx",
        CRY => "cry",
        CRZ => "crz",
        ControlledPhaseShift => "cp",
        IsingXX => "rxx",
        IsingZZ => "rzz",
        Toffoli => "ccx",
        CSWAP => "cswap",
    }
}

/// The gate classes a controlled single-qubit gate of this kind is built from.
pub(super) fn qiskit_classes(k: GateKind) -> Vec<&'static str> {
    use GateKind::*;
    match k {
        H => vec!["HGate"],
        X => vec!["XGate"],
        Y => vec!["YGate"],
        Z => vec!["ZGate"],
        S => vec!["SGate"],
        Sdg => vec!["SdgGate"],
        T => vec!["TGate"],
        Tdg => vec!["TdgGate"],
        SX => vec!["SXGate"],
        SXdg => vec!["SXdgGate"],
        RX => vec!["RXGate"],
        RY => vec!["RYGate"],
        RZ => vec!["RZGate"],
        PhaseShift => vec!["PhaseGate"],
        Rot => vec!["RZGate", "RYGate"],
        U3 => vec!["UGate"],
        _ => vec![],
    }
}

fn pauli_letter(p: Pauli) -> char {
    p.letter()
}

pub(super) fn pennylane_obs(p: &PauliString) -> String {
    if p.terms.is_empty() {
        return "qml.Identity(0)".into();
    }
    p.terms
        .iter()
        .map(|&(w, l)| format!("qml.Pauli{}({w})", pauli_letter(l)))
        .collect::<Vec<_>>()
        .join(" @ ")
}

pub(super) fn qiskit_obs(p: &PauliString) -> String {
    if p.terms.is_empty() {
        return "SparsePauliOp(\"I\" * N_QUBITS)".into();
    }
    let letters: String = p.terms.iter().map(|&(_, l)| pauli_letter(l)).collect();
    let wires: Vec<usize> = p.terms.iter().map(|&(w, _)| w).collect();
    format!(
        "SparsePauliOp.from_sparse_list([(\"{letters}\", [{}], 1.0)], num_qubits=N_QUBITS)",
        list_usize(&wires)
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
