//! Making a document fit its data again after the dataset changed (a new dataset, an uploaded
//! CSV): the input side (PCA components, the pre-net's input width, features naming inputs the
//! data no longer has) and the readout, head and loss (the number of classes). The rule the
//! page applies, kept here so the page has no copy of it.

use super::{
    default_label_states, Angle, DocError, Document, Feature, LabelState, Readout, Source,
};
use crate::learn::loss::LossKind;

/// Fits the input side and then the readout to the document's data (see the module doc);
/// returns what changed, in one or two sentences (empty when nothing had to).
pub fn fit_to_data(doc: &mut Document) -> Result<String, DocError> {
    let mut notes = Vec::new();
    let d = doc.data.dim();
    if let Some(k) = doc.preprocess.pca {
        if k > d {
            doc.preprocess.pca = Some(d.max(1));
            notes.push(format!(
                "PCA keeps {} component(s), as many as the data has inputs.",
                d.max(1)
            ));
        }
    }
    let n_in = doc.n_inputs();
    if let Some(first) = doc.pre_net.first_mut() {
        if !first.weights.is_empty() && first.weights.len() != first.units * n_in {
            first.weights.clear();
            first.bias.clear();
            notes.push(format!(
                "The pre-net's first layer now reads {n_in} input(s); its weights start fresh."
            ));
        }
    }
    let mut moved = 0;
    if n_in > 0 {
        let remap = |s: Source| match s {
            Source::Input(i) if i >= n_in => Source::Input(i % n_in),
            other => other,
        };
        for g in &mut doc.circuit.gates {
            for a in &mut g.params {
                if let Angle::Feature { feature, .. } | Angle::Reupload { feature, .. } = a {
                    let f = match *feature {
                        Feature::Value(s) => Feature::Value(remap(s)),
                        Feature::Square(s) => Feature::Square(remap(s)),
                        Feature::Sin(s) => Feature::Sin(remap(s)),
                        Feature::Product(s, t) => Feature::Product(remap(s), remap(t)),
                    };
                    if f != *feature {
                        *feature = f;
                        moved += 1;
                    }
                }
            }
        }
    }
    if moved > 0 {
        notes.push(format!(
            "{moved} angle(s) read inputs the data does not have and now read x1…x{n_in} in turn."
        ));
    }
    let readout = fit_readout(doc)?;
    if !readout.is_empty() {
        notes.push(readout);
    }
    Ok(notes.join(" "))
}

/// Fits readout, head and loss to the dataset's number of classes: a fidelity readout whose
/// label states no longer fit gets one per class — on one qubit (and for a per-wire readout)
/// the maximally orthogonal Bloch points of [`default_label_states`], on more qubits basis
/// states of the first wires (the Bloch points on wire 0 when there are too few wires); with a post-net its last layer gets one unit (2 classes)
/// or one per class; otherwise 2 classes → one ⟨Z⟩ with MSE (BCE kept), k > 2 → ⟨Z0⟩…⟨Z(k−1)⟩
/// with cross-entropy. Returns a sentence saying what changed, or an empty one; errors when
/// the classes cannot fit the circuit (the document is then unchanged).
///
/// ```
/// let mut d = qmlp::doc::preset("default").unwrap().into_inner();
/// d.data.kind = qmlp::data::DatasetKind::Gaussians3;
/// let note = qmlp::doc::fit_readout(&mut d).unwrap();
/// assert!(note.contains("cross-entropy"));
/// d.validated().unwrap();
/// ```
pub fn fit_readout(doc: &mut Document) -> Result<String, DocError> {
    let classes = doc
        .data
        .n_classes()
        .map_err(|e| DocError::new("data", e.to_string()))?;
    let n = doc.circuit.qubits;
    let loss = doc.training.loss;
    if let Readout::Fidelity { states, per_wire } = &doc.readout {
        let per_wire = *per_wire;
        let fidelity_loss = loss.is_fidelity();
        let m = states.first().map_or(0, LabelState::n_wires);
        let reads = if per_wire { classes * n } else { classes };
        let fits = states.len() == classes
            && m >= 1
            && m <= n
            && states.iter().all(|s| s.n_wires() == m)
            && (!per_wire || m == 1)
            && fidelity_loss
            && doc.head.scale.len() == reads
            && doc.head.bias.len() == reads
            && (!doc.head.trainable || loss == LossKind::ChiWf);
        if fits {
            return Ok(String::new());
        }
        let bits = (usize::BITS - (classes.max(2) - 1).leading_zeros()) as usize;
        let want: Vec<LabelState> = if n == 1 || per_wire || bits > n {
            default_label_states(classes)
        } else {
            (0..classes)
                .map(|c| LabelState::Basis(format!("{c:0bits$b}")))
                .collect()
        };
        let shown: Vec<String> = want.iter().map(LabelState::describe).collect();
        let new_loss = if fidelity_loss {
            loss
        } else {
            LossKind::Fidelity
        };
        let reads = if per_wire { classes * n } else { classes };
        doc.readout = Readout::Fidelity {
            states: want,
            per_wire,
        };
        doc.head.trainable = doc.head.trainable && new_loss == LossKind::ChiWf;
        doc.head.scale = vec![1.0; reads];
        doc.head.bias = vec![0.0; reads];
        doc.training.loss = new_loss;
        return Ok(format!("Readout: fidelity with {}.", shown.join(", ")));
    }
    let outs = doc.n_outputs();
    let fits = loss.fits(false, outs, classes).is_ok();
    if fits {
        return Ok(String::new());
    }
    if let Some(last) = doc.post_net.last_mut() {
        let (units, new_loss) = if classes == 2 {
            (
                1,
                if loss == LossKind::Mse {
                    LossKind::Mse
                } else {
                    LossKind::Bce
                },
            )
        } else {
            (classes, LossKind::CrossEntropy)
        };
        last.units = units;
        last.weights.clear();
        last.bias.clear();
        doc.training.loss = new_loss;
        return Ok(format!(
            "Post-net: the last layer now has {units} output(s) with the {} loss for {classes} classes.",
            new_loss.label()
        ));
    }
    let observables = match &doc.readout {
        Readout::Expval { observables } => observables.clone(),
        Readout::Fidelity { .. } => Vec::new(),
    };
    if classes == 2 {
        let first = observables.first().cloned().unwrap_or_else(|| "Z0".into());
        doc.readout = Readout::Expval {
            observables: vec![first.clone()],
        };
        doc.head.scale = vec![1.0];
        doc.head.bias = vec![0.0];
        if loss != LossKind::Bce {
            doc.training.loss = LossKind::Mse;
        }
        return Ok(format!(
            "Readout: ⟨{first}⟩ with the {} loss for 2 classes.",
            doc.training.loss.label()
        ));
    }
    if classes > n {
        return Err(DocError::new(
            "readout.observables",
            format!("{classes} classes need one ⟨Z⟩ per class: add qubits to at least {classes}"),
        ));
    }
    doc.readout = Readout::Expval {
        observables: (0..classes).map(|c| format!("Z{c}")).collect(),
    };
    doc.head.scale = vec![2.0; classes];
    doc.head.bias = vec![0.0; classes];
    doc.training.loss = LossKind::CrossEntropy;
    Ok(format!(
        "Readout: ⟨Z0⟩…⟨Z{}⟩, one per class, with cross-entropy.",
        classes - 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DatasetKind;
    use crate::doc::{preset, DenseSpec};
    use crate::learn::dense::Activation;

    #[test]
    fn every_dataset_fits_every_preset() {
        for (name, _) in crate::doc::PRESETS {
            for &kind in DatasetKind::all() {
                if kind == DatasetKind::Custom {
                    continue;
                }
                let mut d = preset(name).unwrap().into_inner();
                // As trained: the pre-net holds weights for its inputs.
                if let Some(first) = d.pre_net.first_mut() {
                    first.weights =
                        vec![0.1; first.units * d.preprocess.pca.unwrap_or(d.data.dim())];
                }
                d.data.kind = kind;
                match fit_to_data(&mut d) {
                    Ok(_) => {
                        d.validate()
                            .unwrap_or_else(|e| panic!("{name} on {kind:?}: {e}"));
                    }
                    Err(e) => assert!(e.message.contains("qubits"), "{name} {kind:?}: {e}"),
                }
            }
        }
    }

    #[test]
    fn a_fitting_document_is_left_alone_and_fidelity_labels_follow_the_classes() {
        let mut d = preset("default").unwrap().into_inner();
        let before = d.clone();
        assert_eq!(fit_readout(&mut d).unwrap(), "");
        assert_eq!(d, before);
        let mut d = preset("reupload-1q").unwrap().into_inner();
        d.circuit.qubits = 2;
        d.data.kind = DatasetKind::Circles3;
        let note = fit_readout(&mut d).unwrap();
        assert_eq!(note, "Readout: fidelity with |00⟩, |01⟩, |10⟩.");
        d.validate().unwrap();
        // One qubit: the paper's triangle on the Bloch sphere.
        let mut d = preset("reupload-1q").unwrap().into_inner();
        d.data.kind = DatasetKind::Circles3;
        let note = fit_readout(&mut d).unwrap();
        assert!(note.contains("(θ 120.0°, φ 180.0°)"), "{note}");
        assert_eq!(
            d.readout,
            Readout::Fidelity {
                states: default_label_states(3),
                per_wire: false
            }
        );
        d.validate().unwrap();
        // Label states that fit stay, whatever they are.
        let before = d.clone();
        d.data.kind = DatasetKind::Annulus;
        assert_eq!(fit_readout(&mut d).unwrap(), "");
        let mut want = before;
        want.data.kind = DatasetKind::Annulus;
        assert_eq!(d, want);
        // A per-wire χ_wf readout keeps its trained head's shape: classes × wires.
        let mut d = crate::doc::paper_document(
            crate::data::paper::PaperProblem::NonConvex,
            2,
            1,
            LossKind::ChiWf,
            false,
            1,
        )
        .unwrap()
        .into_inner();
        d.data.kind = DatasetKind::Squares;
        fit_readout(&mut d).unwrap();
        assert_eq!(d.head.scale.len(), 8);
        assert!(d.head.trainable);
        d.validate().unwrap();
    }

    #[test]
    fn the_input_side_follows_the_data() {
        let mut d = preset("breast-cancer-hybrid").unwrap().into_inner();
        d.pre_net[0].weights = vec![0.1; 16];
        d.circuit.gates[0].params[0] = Angle::Reupload {
            feature: "x4".parse().unwrap(),
            w: 1.0,
            b: 0.0,
        };
        d.data.kind = DatasetKind::Moons;
        let note = fit_to_data(&mut d).unwrap();
        assert_eq!(d.preprocess.pca, Some(2));
        assert!(d.pre_net[0].weights.is_empty());
        assert!(note.contains("PCA keeps 2"), "{note}");
        assert!(note.contains("start fresh"), "{note}");
        assert!(note.contains("1 angle(s)"), "{note}");
        d.validate().unwrap();
    }

    #[test]
    fn a_post_net_takes_the_classes() {
        let mut d = preset("default").unwrap().into_inner();
        d.post_net = vec![
            DenseSpec::new(4, Activation::Tanh),
            DenseSpec::new(1, Activation::Linear),
        ];
        d.data.kind = DatasetKind::Gaussians3;
        let note = fit_readout(&mut d).unwrap();
        assert!(note.contains("3 output(s)"), "{note}");
        assert_eq!(d.training.loss, LossKind::CrossEntropy);
        d.validate().unwrap();
    }
}
