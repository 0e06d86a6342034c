//! The data re-uploading paper's model as a document (Pérez-Salinas, Cervera-Lierta,
//! Gil-Fuster & Latorre, Quantum 4, 226 (2020)), built as its public code builds it
//! (`src/data/PAPER.md` says what was read where).
//!
//! Per layer every qubit gets the whole input through one general rotation
//! `U(θ + w ∘ x)` — two for 4-D inputs — where the code's `U(a, b, c) = R_z(−b)·R_y(a)·R_z(−c)`
//! is PennyLane's `Rot(−c, a, −b)`: input `x_i` goes into angle `i` (`x₁ → a`, `x₂ → b`,
//! `x₃ → c`; an angle without an input keeps its θ), and a 4-D layer is
//! `U(θ₁ + w₁x₁, θ₂ + w₂x₂, θ₃)` then `U(θ₄ + w₃x₃, θ₅ + w₄x₄, θ₆)`. So a layer's `Rot` reads
//! `[−c, a, −b]`: the re-uploads of the negated angles carry `w → −w`, `b → −θ` (the same
//! trainable numbers up to sign). Between layers (not after the last) the entangled circuits
//! apply CZ gates as the code does since October 2019: CZ(0, 1) on 2 qubits; on 4 qubits
//! CZ(0, 1), CZ(2, 3) after even layers and CZ(1, 2), CZ(0, 3) after odd ones. The initial θ
//! and w are uniform in `[0, 1)`, drawn in the code's order (every θ by qubit, layer and
//! angle, then every w by qubit, layer and input); χ_wf's class weights start at 1. Training is
//! full-batch L-BFGS with scipy's default tolerances, on the paper's 200 training points (500
//! for the sphere, 1 000 for the hypersphere) and 4 000 test points.

use super::{
    default_label_states, Angle, CircuitSpec, DocError, Document, Feature, GateSpec, Head,
    LabelState, Readout, Source, TrainingSpec, ValidDocument, MAX_GATES,
};
use crate::data::paper::PaperProblem;
use crate::data::{DatasetKind, DatasetSpec};
use crate::learn::loss::LossKind;
use crate::learn::optim::OptimizerSpec;
use crate::rng::Rng;
use crate::sim::GateKind;

/// The label states the paper's code gives `k` classes on `qubits` qubits for a cost: on one
/// qubit, and for χ_wf (whose label states are always single-qubit), the maximally orthogonal
/// sets of [`default_label_states`]; for χ_f (or the Fidelity cost) on several qubits, basis
/// states of the whole register — 2 classes `|0…0⟩` and `|1…1⟩`, more classes the basis state
/// whose index in the code's bit order (qubit 0 least significant) is the class. The code
/// defines the latter for 2 qubits only; 4 qubits follow the same rule here.
pub fn paper_label_states(k: usize, qubits: usize, cost: LossKind) -> Vec<LabelState> {
    if qubits <= 1 || cost == LossKind::ChiWf {
        return default_label_states(k);
    }
    if k == 2 {
        return vec![
            LabelState::Basis("0".repeat(qubits)),
            LabelState::Basis("1".repeat(qubits)),
        ];
    }
    (0..k)
        .map(|c| {
            LabelState::Basis(
                (0..qubits)
                    .map(|q| if c >> q & 1 == 1 { '1' } else { '0' })
                    .collect(),
            )
        })
        .collect()
}

/// The dataset kind that generates a paper problem.
fn kind_of(problem: PaperProblem) -> Result<DatasetKind, DocError> {
    DatasetKind::from_name(problem.name()).ok_or_else(|| {
        DocError::new(
            "data.kind",
            format!("no dataset generates the {} problem", problem.title()),
        )
    })
}

/// The paper's experiment as a document: `problem` on `qubits` (1, 2 or 4) with `layers`
/// re-uploading layers, the cost `cost` (χ_f, χ_wf or the Fidelity cost), CZ entanglers when
/// `entangled`, data and initial weights from `seed` (see the module doc).
///
/// ```
/// use qmlp::data::paper::PaperProblem;
/// use qmlp::learn::loss::LossKind;
/// let d = qmlp::doc::paper_document(PaperProblem::Squares, 1, 3, LossKind::ChiWf, false, 30)?;
/// assert_eq!(d.circuit.gates.len(), 3);
/// assert_eq!(d.n_readouts(), 4); // the tetrahedron's four label states
/// # Ok::<(), qmlp::doc::DocError>(())
/// ```
pub fn paper_document(
    problem: PaperProblem,
    qubits: usize,
    layers: usize,
    cost: LossKind,
    entangled: bool,
    seed: u64,
) -> Result<ValidDocument, DocError> {
    let mut rng = Rng::new(seed);
    paper_document_from(problem, qubits, layers, cost, entangled, seed, &mut || {
        rng.uniform()
    })
}

/// [`paper_document`] with the initial θ and w taken from `draw` (uniform numbers in
/// `[0, 1)`, in the code's order: every θ by qubit, layer and angle, then every w by qubit,
/// layer and input), e.g. from the stream the paper's code drew them from. `seed` still seeds
/// the dataset and the training.
pub fn paper_document_from(
    problem: PaperProblem,
    qubits: usize,
    layers: usize,
    cost: LossKind,
    entangled: bool,
    seed: u64,
    draw: &mut dyn FnMut() -> f64,
) -> Result<ValidDocument, DocError> {
    if ![1, 2, 4].contains(&qubits) {
        return Err(DocError::new(
            "circuit.qubits",
            format!("the paper's circuits have 1, 2 or 4 qubits, not {qubits}"),
        ));
    }
    if !matches!(cost, LossKind::ChiF | LossKind::ChiWf | LossKind::Fidelity) {
        return Err(DocError::new(
            "training.loss",
            format!(
                "the paper's model is trained with a fidelity cost (χ_f or χ_wf), not {}",
                cost.label()
            ),
        ));
    }
    let d = problem.dim();
    let angles = if d == 4 { 6 } else { 3 };
    let per_layer = if d == 4 { 2 } else { 1 } * qubits + if entangled { qubits / 2 } else { 0 };
    if layers == 0 || layers.saturating_mul(per_layer) > MAX_GATES {
        return Err(DocError::new(
            "circuit.gates",
            format!(
                "{layers} layers do not fit: a circuit has at least 1 layer and at most \
                 {MAX_GATES} gates"
            ),
        ));
    }
    let theta: Vec<f64> = (0..qubits * layers * angles).map(|_| draw()).collect();
    let w: Vec<f64> = (0..qubits * layers * d).map(|_| draw()).collect();
    let th = |q: usize, l: usize, i: usize| theta[(q * layers + l) * angles + i];
    let wt = |q: usize, l: usize, i: usize| w[(q * layers + l) * d + i];
    let x = |i: usize| Feature::Value(Source::Input(i));
    // One U(a, b, c) = Rot(−c, a, −b) whose angles are θ_k + w_j x_j (or θ_k alone).
    let up = |t: f64, input: Option<(usize, f64)>, sign: f64| match input {
        Some((i, wv)) => Angle::Reupload {
            feature: x(i),
            w: sign * wv,
            b: sign * t,
        },
        None => Angle::Weight { value: sign * t },
    };
    let rot = |q: usize, col: usize, a: Angle, b: Angle, c: Angle| GateSpec {
        gate: GateKind::Rot.into(),
        wires: vec![q],
        controls: vec![],
        params: vec![c, a, b],
        col,
    };
    let mut gates = Vec::new();
    let mut col = 0;
    for l in 0..layers {
        for q in 0..qubits {
            let inp = |i: usize| (i < d).then(|| (i, wt(q, l, i)));
            if d == 4 {
                gates.push(rot(
                    q,
                    col,
                    up(th(q, l, 0), inp(0), 1.0),
                    up(th(q, l, 1), inp(1), -1.0),
                    up(th(q, l, 2), None, -1.0),
                ));
                let inp2 = |i: usize| Some((i, wt(q, l, i)));
                gates.push(rot(
                    q,
                    col + 1,
                    up(th(q, l, 3), inp2(2), 1.0),
                    up(th(q, l, 4), inp2(3), -1.0),
                    up(th(q, l, 5), None, -1.0),
                ));
            } else {
                gates.push(rot(
                    q,
                    col,
                    up(th(q, l, 0), inp(0), 1.0),
                    up(th(q, l, 1), inp(1), -1.0),
                    up(th(q, l, 2), inp(2), -1.0),
                ));
            }
        }
        col += if d == 4 { 2 } else { 1 };
        if entangled && l + 1 < layers && qubits >= 2 {
            let pairs: &[(usize, usize)] = match (qubits, l % 2) {
                (2, _) => &[(0, 1)],
                (_, 0) => &[(0, 1), (2, 3)],
                _ => &[(1, 2), (0, 3)],
            };
            for &(a, b) in pairs {
                gates.push(GateSpec {
                    gate: GateKind::CZ.into(),
                    wires: vec![a, b],
                    controls: vec![],
                    params: vec![],
                    col,
                });
            }
            col += 1;
        }
    }
    let k = problem.n_classes();
    let states = paper_label_states(k, qubits, cost);
    let per_wire = cost == LossKind::ChiWf && qubits > 1;
    let reads = if per_wire { k * qubits } else { k };
    let (train, test) = problem.paper_sizes();
    let ent = if entangled && qubits > 1 { " + CZ" } else { "" };
    let cost_name = match cost {
        LossKind::ChiF => "χ_f",
        LossKind::ChiWf => "χ_wf",
        _ => "fidelity cost",
    };
    let doc = Document {
        title: format!(
            "Re-uploading paper: {}, {qubits} qubit{}{ent}, {layers} layer{}, {cost_name}",
            problem.title(),
            if qubits == 1 { "" } else { "s" },
            if layers == 1 { "" } else { "s" },
        ),
        description: format!(
            "Pérez-Salinas et al., \"Data re-uploading for a universal quantum classifier\", \
             Quantum 4, 226 (2020), as its public code runs it: {} ({d}-D, {k} classes, {train} \
             training and {test} test points uniform in [−1, 1]^{d}). Every layer applies the \
             general rotation U(θ + w∘x) on each qubit{}; the class is the label state of \
             highest {}fidelity. Trained with full-batch L-BFGS, as the paper's scipy call.",
            problem.title(),
            if entangled && qubits > 1 {
                ", then CZ entanglers between layers"
            } else {
                ""
            },
            if cost == LossKind::ChiWf {
                "weighted "
            } else {
                ""
            },
        ),
        data: DatasetSpec {
            kind: kind_of(problem)?,
            points: train,
            test_points: Some(test),
            seed,
            ..DatasetSpec::default()
        },
        circuit: CircuitSpec { qubits, gates },
        readout: Readout::Fidelity { states, per_wire },
        head: Head {
            trainable: cost == LossKind::ChiWf,
            scale: vec![1.0; reads],
            bias: vec![0.0; reads],
        },
        training: TrainingSpec {
            optimizer: OptimizerSpec::lbfgs(),
            loss: cost,
            batch_size: train,
            epochs: 15_000,
            seed,
            shots: None,
            l2: 0.0,
        },
        baseline: None,
        ..super::presets::default_document()
    };
    doc.validated()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{State, C64};

    /// The paper code's U(a, b, c) (`QuantumState.U3`), written from its matrix.
    fn code_u3(a: f64, b: f64, c: f64) -> [[C64; 2]; 2] {
        let (s, co) = (a / 2.0).sin_cos();
        let e_phi = C64::from_polar(1.0, b / 2.0);
        let e_lam = C64::from_polar(1.0, c / 2.0);
        [
            [e_phi * e_lam * co, -e_phi * e_lam.conj() * s],
            [e_phi.conj() * e_lam * s, e_phi.conj() * e_lam.conj() * co],
        ]
    }

    #[test]
    fn one_qubit_layers_are_the_codes_gates_with_its_packing() {
        for problem in [
            PaperProblem::Circle,
            PaperProblem::Sphere,
            PaperProblem::Hypersphere,
        ] {
            let d = problem.dim();
            let mut k = 0;
            let mut draws: Vec<f64> = Vec::new();
            let doc = paper_document_from(problem, 1, 2, LossKind::ChiF, false, 1, &mut || {
                k += 1;
                let v = (k as f64 * 0.137).fract();
                draws.push(v);
                v
            })
            .unwrap();
            let angles = if d == 4 { 6 } else { 3 };
            let (theta, w) = draws.split_at(2 * angles);
            let x: Vec<f64> = (0..d).map(|i| 0.3 - 0.2 * i as f64).collect();
            // The code's circuit on |0⟩: per layer, code_coords then U3 (two for 4-D).
            let mut psi = [C64::new(1.0, 0.0), C64::new(0.0, 0.0)];
            for l in 0..2 {
                let mut t: Vec<f64> = theta[l * angles..(l + 1) * angles].to_vec();
                let wl = &w[l * d..(l + 1) * d];
                if d == 4 {
                    t[0] += wl[0] * x[0];
                    t[1] += wl[1] * x[1];
                    t[3] += wl[2] * x[2];
                    t[4] += wl[3] * x[3];
                } else {
                    for i in 0..d {
                        t[i] += wl[i] * x[i];
                    }
                }
                for g in t.chunks(3) {
                    let u = code_u3(g[0], g[1], g[2]);
                    psi = [
                        u[0][0] * psi[0] + u[0][1] * psi[1],
                        u[1][0] * psi[0] + u[1][1] * psi[1],
                    ];
                }
            }
            let data = doc.data.generate().unwrap();
            let mut m = crate::model::Model::new(&doc, &data.train).unwrap();
            let s: State = m.state_at(&x, None);
            for (a, b) in s.amplitudes().iter().zip(&psi) {
                assert!(
                    (a - b).norm() < 1e-12,
                    "{problem:?}: {:?} vs {psi:?}",
                    s.amplitudes()
                );
            }
            assert_eq!(doc.circuit.gates.len(), if d == 4 { 4 } else { 2 });
        }
    }

    #[test]
    fn entanglers_sizes_labels_and_heads_follow_the_code() {
        let d = paper_document(PaperProblem::NonConvex, 4, 3, LossKind::ChiWf, true, 2).unwrap();
        let cz: Vec<Vec<usize>> = d
            .circuit
            .gates
            .iter()
            .filter(|g| g.gate == GateKind::CZ)
            .map(|g| g.wires.clone())
            .collect();
        assert_eq!(cz, [vec![0, 1], vec![2, 3], vec![1, 2], vec![0, 3]]);
        assert_eq!(d.n_readouts(), 2 * 4);
        assert!(d.head.trainable && d.head.scale == vec![1.0; 8]);
        assert!(matches!(
            d.readout,
            Readout::Fidelity { per_wire: true, .. }
        ));
        let two = paper_document(PaperProblem::Squares, 2, 2, LossKind::ChiF, true, 2).unwrap();
        let Readout::Fidelity { states, .. } = &two.readout else {
            panic!()
        };
        // Code indices 0, 1, 2, 3 with qubit 0 least significant; our bits start at wire 0.
        assert_eq!(
            states,
            &["00", "10", "01", "11"].map(LabelState::from).to_vec()
        );
        assert!(!two.head.trainable);
        assert_eq!(
            two.circuit
                .gates
                .iter()
                .filter(|g| g.gate == GateKind::CZ)
                .count(),
            1
        );
        let sphere = paper_document(PaperProblem::Sphere, 1, 1, LossKind::ChiF, false, 2).unwrap();
        assert_eq!(
            (sphere.data.points, sphere.data.test_points),
            (500, Some(4000))
        );
        assert!(paper_document(PaperProblem::Circle, 3, 1, LossKind::ChiF, false, 1).is_err());
        assert!(paper_document(PaperProblem::Circle, 1, 1, LossKind::Mse, false, 1).is_err());
        assert!(paper_document(PaperProblem::Circle, 1, 0, LossKind::ChiF, false, 1).is_err());
        assert_eq!(
            paper_label_states(2, 4, LossKind::ChiF),
            vec![LabelState::from("0000"), LabelState::from("1111")]
        );
    }

    #[test]
    fn initial_weights_are_uniform_from_the_seed() {
        let a = paper_document(PaperProblem::Circle, 1, 4, LossKind::ChiF, false, 7).unwrap();
        let b = paper_document(PaperProblem::Circle, 1, 4, LossKind::ChiF, false, 7).unwrap();
        let c = paper_document(PaperProblem::Circle, 1, 4, LossKind::ChiF, false, 8).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.circuit.gates, c.circuit.gates);
        // θ₁ enters positively (the R_y angle), θ₂ and θ₃ negated: every stored number is in
        // (−1, 1) with the code's signs.
        for g in &a.circuit.gates {
            match (&g.params[0], &g.params[1], &g.params[2]) {
                (
                    Angle::Weight { value },
                    Angle::Reupload { w, b, .. },
                    Angle::Reupload { w: w2, b: b2, .. },
                ) => {
                    assert!((-1.0..=0.0).contains(value));
                    assert!((0.0..1.0).contains(w) && (0.0..1.0).contains(b));
                    assert!((-1.0..=0.0).contains(w2) && (-1.0..=0.0).contains(b2));
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
