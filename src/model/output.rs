//! The model's output side: readout values `r` → the head (`scale ∘ r + bias`) → the
//! post-net's dense layers → outputs `o` → the loss; and the backward pass from ∂loss/∂o to
//! ∂loss/∂r, adding the gradients of the head and the post-net.

use crate::doc::{Document, Readout};
use crate::learn::dense::{DenseStack, Tape};
use crate::learn::loss::{LabelGeometry, LossKind, Prediction};

/// The output side of a model (see the module doc).
#[derive(Clone, Debug)]
pub(super) struct Output {
    pub(super) loss: LossKind,
    pub(super) n_classes: usize,
    pub(super) n_reads: usize,
    pub(super) post_net: DenseStack,
    pub(super) post_offset: usize,
    /// Index of the first head number (scales, then biases) in the parameter vector.
    pub(super) head_offset: usize,
    pub(super) head_trainable: bool,
    /// Whether a trainable head trains its biases too (χ_wf trains only its scales, the class
    /// weights α; its biases stay as the document sets them, 0 in the paper).
    pub(super) bias_trainable: bool,
    /// The label states' geometry the fidelity costs need.
    geometry: LabelGeometry,
    /// Scratch: values after the head, the post-net's pass, ∂loss/∂o, ∂loss/∂(head output).
    after_head: Vec<f64>,
    tape: Tape,
    pub(super) o: Vec<f64>,
    dl_do: Vec<f64>,
    dl_dh: Vec<f64>,
}

impl Output {
    /// The output side of a (valid) document: the post-net's numbers, then the head's, are
    /// appended to `params`.
    pub(super) fn new(doc: &Document, params: &mut Vec<f64>) -> Output {
        let n_reads = doc.n_readouts();
        let post_net = DenseStack::new(
            n_reads,
            &doc.post_net
                .iter()
                .map(|l| (l.units, l.activation))
                .collect::<Vec<_>>(),
        );
        let post_offset = params.len();
        super::push_dense(&doc.post_net, n_reads, params);
        let head_offset = params.len();
        params.extend_from_slice(&doc.head.scale);
        params.extend_from_slice(&doc.head.bias);
        let n_classes = doc.n_classes();
        let geometry = match &doc.readout {
            Readout::Fidelity { states, .. } => LabelGeometry {
                n_classes,
                overlaps: states
                    .iter()
                    .flat_map(|a| states.iter().map(move |b| a.fidelity(b)))
                    .collect(),
            },
            Readout::Expval { .. } => LabelGeometry {
                n_classes,
                overlaps: Vec::new(),
            },
        };
        Output {
            loss: doc.training.loss,
            n_classes,
            n_reads,
            post_net,
            post_offset,
            head_offset,
            head_trainable: doc.head.trainable,
            bias_trainable: doc.head.trainable && doc.training.loss != LossKind::ChiWf,
            geometry,
            after_head: Vec::new(),
            tape: Tape::default(),
            o: Vec::new(),
            dl_do: Vec::new(),
            dl_dh: Vec::new(),
        }
    }

    /// The range of parameter indices the post-net owns.
    pub(super) fn post_net_range(&self) -> std::ops::Range<usize> {
        self.post_offset..self.post_offset + self.post_net.n_params()
    }

    /// The range of parameter indices the head owns (scales, then biases).
    pub(super) fn head_range(&self) -> std::ops::Range<usize> {
        self.head_offset..self.head_offset + 2 * self.n_reads
    }

    /// How many of the head's numbers train: none, its scales, or scales and biases.
    pub(super) fn n_head_trainable(&self) -> usize {
        match (self.head_trainable, self.bias_trainable) {
            (false, _) => 0,
            (true, false) => self.n_reads,
            (true, true) => 2 * self.n_reads,
        }
    }

    /// Outputs `self.o` from readout values `r`.
    pub(super) fn forward(&mut self, params: &[f64], r: &[f64]) {
        let (scale, bias) = params[self.head_range()].split_at(self.n_reads);
        self.after_head.clear();
        self.after_head.extend(
            r.iter()
                .zip(scale.iter().zip(bias))
                .map(|(v, (a, b))| a * v + b),
        );
        self.o.clear();
        if self.post_net.is_empty() {
            self.o.extend_from_slice(&self.after_head);
        } else {
            let y = self.post_net.forward(
                &params[self.post_net_range()],
                &self.after_head,
                &mut self.tape,
            );
            self.o.extend_from_slice(y);
        }
    }

    /// The loss of the last [`Output::forward`] for `label`; keeps ∂loss/∂o for
    /// [`Output::backward`].
    pub(super) fn loss(&mut self, label: usize) -> f64 {
        self.loss
            .eval_with(&self.o, label, &self.geometry, &mut self.dl_do)
    }

    /// The loss of given outputs `o` for `label` (no state kept).
    pub(super) fn loss_of(&self, o: &[f64], label: usize) -> f64 {
        self.loss
            .eval_with(o, label, &self.geometry, &mut Vec::new())
    }

    /// Backward from the last [`Output::loss`]: writes ∂loss/∂r into `dl_dr` and adds the
    /// post-net's gradient and, when the head trains, the head's into `grad`.
    pub(super) fn backward(
        &mut self,
        params: &[f64],
        r: &[f64],
        grad: &mut [f64],
        dl_dr: &mut Vec<f64>,
    ) {
        let n = self.n_reads;
        self.dl_dh.clear();
        if self.post_net.is_empty() {
            self.dl_dh.extend_from_slice(&self.dl_do);
        } else {
            self.dl_dh.resize(n, 0.0);
            let range = self.post_net_range();
            self.post_net.backward(
                &params[range.clone()],
                &mut self.tape,
                &self.dl_do,
                &mut grad[range],
                Some(&mut self.dl_dh),
            );
        }
        let o = self.head_offset;
        dl_dr.clear();
        dl_dr.extend((0..n).map(|j| self.dl_dh[j] * params[o + j]));
        if self.head_trainable {
            for j in 0..n {
                grad[o + j] += self.dl_dh[j] * r[j];
            }
        }
        if self.bias_trainable {
            for j in 0..n {
                grad[o + n + j] += self.dl_dh[j];
            }
        }
    }

    /// The prediction for outputs `o`.
    pub(super) fn predict(&self, o: &[f64]) -> Prediction {
        self.loss.predict(o, self.n_classes)
    }

    /// Writes the post-net's and the head's numbers back into `doc`.
    pub(super) fn write(&self, params: &[f64], doc: &mut Document) {
        let mut k = self.post_offset;
        super::write_dense(&mut doc.post_net, self.n_reads, params, &mut k);
        let (o, n) = (self.head_offset, self.n_reads);
        doc.head.scale = params[o..o + n].to_vec();
        doc.head.bias = params[o + n..o + 2 * n].to_vec();
    }
}
