//! The model's input side: a raw data point → fitted preprocessing → the pre-net's dense
//! layers → the features the circuit reads (each a slot, computed once per point) → every gate
//! angle through its binding; and the backward pass from ∂loss/∂angle into the trainable
//! numbers of the bindings and the pre-net.

use crate::doc::{Angle, Document, Feature, FeatureMap, Source};
use crate::learn::dense::{DenseStack, Tape};
use crate::learn::preprocess::Preprocessor;

/// How one circuit angle is computed from the trainable vector and the point's features.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Binding {
    Const(f64),
    /// A trainable θ at this parameter index.
    Weight(usize),
    /// `scale · feature[slot]`.
    Feature(usize, f64),
    /// `w · feature[slot] + b`, `w` at this parameter index and `b` after it.
    Reupload(usize, usize),
}

/// A feature the circuit reads, with the range used to scale it into angles.
#[derive(Clone, Copy, Debug)]
struct Slot {
    feature: Feature,
    natural: [f64; 2],
    /// Whether it reads a pre-net output (and so passes gradients back into the pre-net).
    hidden: bool,
}

/// The input side of a model (see the module doc).
#[derive(Clone, Debug)]
pub(super) struct Inputs {
    pub(super) prep: Preprocessor,
    pub(super) pre_net: DenseStack,
    /// Offset of the pre-net's numbers in the parameter vector (always 0).
    pre_offset: usize,
    slots: Vec<Slot>,
    pub(super) bindings: Vec<Binding>,
    map: FeatureMap,
    /// Per point scratch: the preprocessed input.
    z: Vec<f64>,
}

/// One point's forward values, kept for its backward pass.
#[derive(Clone, Debug, Default)]
pub(super) struct PointTape {
    /// The preprocessed input.
    pub z: Vec<f64>,
    /// The pre-net's pass (its output is `h`).
    pub net: Tape,
    /// The value of every slot, after the feature map.
    pub fv: Vec<f64>,
}

impl Inputs {
    /// The input side of a (valid) document: the trainable numbers of the pre-net and of the
    /// bindings are appended to `params` (pre-net first, then bindings in document order).
    pub(super) fn new(doc: &Document, prep: Preprocessor, params: &mut Vec<f64>) -> Inputs {
        let pre_net = DenseStack::new(
            prep.n_out(),
            &doc.pre_net
                .iter()
                .map(|l| (l.units, l.activation))
                .collect::<Vec<_>>(),
        );
        let pre_offset = params.len();
        // Pre-net numbers: the document's, or zeros (drawn later by the model's init).
        super::push_dense(&doc.pre_net, prep.n_out(), params);
        let hidden_act = doc.pre_net.last().map(|l| l.activation);
        let range = |s: Source| match s {
            Source::Input(_) => [-1.0, 1.0],
            Source::Hidden(_) => hidden_act.map_or([-1.0, 1.0], |a| a.natural_range()),
        };
        let mut slots: Vec<Slot> = Vec::new();
        let mut slot_of = |f: Feature| -> usize {
            if let Some(i) = slots.iter().position(|s| s.feature == f) {
                return i;
            }
            slots.push(Slot {
                feature: f,
                natural: f.natural_range(range),
                hidden: f.sources().any(|s| matches!(s, Source::Hidden(_))),
            });
            slots.len() - 1
        };
        let mut bindings = Vec::new();
        for g in &doc.circuit.gates {
            for a in &g.params {
                bindings.push(match *a {
                    Angle::Const { value } => Binding::Const(value),
                    Angle::Weight { value } => {
                        params.push(value);
                        Binding::Weight(params.len() - 1)
                    }
                    Angle::Feature { feature, scale } => Binding::Feature(slot_of(feature), scale),
                    Angle::Reupload { feature, w, b } => {
                        params.push(w);
                        params.push(b);
                        Binding::Reupload(slot_of(feature), params.len() - 2)
                    }
                });
            }
        }
        Inputs {
            prep,
            pre_net,
            pre_offset,
            slots,
            bindings,
            map: doc.features.clone(),
            z: Vec::new(),
        }
    }

    /// The number of trainable numbers of the pre-net.
    pub(super) fn n_pre_net(&self) -> usize {
        self.pre_net.n_params()
    }

    /// The range of parameter indices the pre-net owns.
    pub(super) fn pre_net_range(&self) -> std::ops::Range<usize> {
        self.pre_offset..self.pre_offset + self.pre_net.n_params()
    }

    /// Runs a raw point through preprocessing, the pre-net and the features into `tape`.
    pub(super) fn forward(&mut self, params: &[f64], x: &[f64], tape: &mut PointTape) {
        let mut z = std::mem::take(&mut self.z);
        self.prep.apply(x, &mut z);
        self.forward_preprocessed(params, &z, tape);
        self.z = z;
    }

    /// The same from an already preprocessed point `z`.
    pub(super) fn forward_preprocessed(&self, params: &[f64], z: &[f64], tape: &mut PointTape) {
        tape.z.clear();
        tape.z.extend_from_slice(z);
        let h: &[f64] = if self.pre_net.is_empty() {
            &[]
        } else {
            self.pre_net
                .forward(&params[self.pre_net_range()], z, &mut tape.net)
        };
        tape.fv.clear();
        for s in &self.slots {
            let v = s.feature.eval(z, h);
            tape.fv.push(self.map.scale(v, s.natural));
        }
    }

    /// Every circuit angle from a point's slot values.
    #[inline]
    pub(super) fn angles(&self, params: &[f64], fv: &[f64], out: &mut [f64]) {
        for (a, b) in out.iter_mut().zip(&self.bindings) {
            *a = match *b {
                Binding::Const(v) => v,
                Binding::Weight(i) => params[i],
                Binding::Feature(s, scale) => scale * fv[s],
                Binding::Reupload(s, i) => params[i] * fv[s] + params[i + 1],
            };
        }
    }

    /// Backward from `angle_grad` (∂loss/∂angle, one per binding, `stride` apart starting at
    /// `offset` — the layout of batched gradients) into `grad`, through the bindings and, when
    /// some feature reads the pre-net, through the pre-net for this point.
    pub(super) fn backward(
        &self,
        params: &[f64],
        tape: &mut PointTape,
        angle_grad: impl Fn(usize) -> f64,
        grad: &mut [f64],
        dfv: &mut Vec<f64>,
    ) {
        let need_features = !self.pre_net.is_empty() && self.slots.iter().any(|s| s.hidden);
        dfv.clear();
        dfv.resize(self.slots.len(), 0.0);
        for (k, b) in self.bindings.iter().enumerate() {
            let g = angle_grad(k);
            match *b {
                Binding::Weight(i) => grad[i] += g,
                Binding::Reupload(s, i) => {
                    grad[i] += g * tape.fv[s];
                    grad[i + 1] += g;
                    if need_features {
                        dfv[s] += g * params[i];
                    }
                }
                Binding::Feature(s, scale) => {
                    if need_features {
                        dfv[s] += g * scale;
                    }
                }
                Binding::Const(_) => {}
            }
        }
        if !need_features {
            return;
        }
        let n_h = self.pre_net.n_out();
        let mut dh = vec![0.0; n_h];
        let h = tape.net.output().to_vec();
        let z = &tape.z;
        let src = |s: Source| match s {
            Source::Input(i) => z.get(i).copied().unwrap_or(0.0),
            Source::Hidden(j) => h.get(j).copied().unwrap_or(0.0),
        };
        for (s, d) in self.slots.iter().zip(dfv.iter()) {
            if !s.hidden || *d == 0.0 {
                continue;
            }
            let slope = self.map.slope(s.natural);
            for (source, df) in s.feature.derivatives_with(src) {
                if let Source::Hidden(j) = source {
                    if let Some(v) = dh.get_mut(j) {
                        *v += d * slope * df;
                    }
                }
            }
        }
        let range = self.pre_net_range();
        self.pre_net.backward(
            &params[range.clone()],
            &mut tape.net,
            &dh,
            &mut grad[range],
            None,
        );
    }

    /// Whether angle `k` needs its gradient: it holds trainable numbers, or reads a feature of
    /// the pre-net (which trains through it).
    pub(super) fn needs_angle_grad(&self, k: usize) -> bool {
        match self.bindings.get(k) {
            Some(Binding::Weight(_) | Binding::Reupload(..)) => true,
            Some(Binding::Feature(s, _)) => !self.pre_net.is_empty() && self.slots[*s].hidden,
            _ => false,
        }
    }

    /// Per angle: whether it reads the data at all.
    pub(super) fn data_angles(&self) -> Vec<bool> {
        self.bindings
            .iter()
            .map(|b| matches!(b, Binding::Feature(..) | Binding::Reupload(..)))
            .collect()
    }

    /// Writes the pre-net's numbers and the bindings' trainable numbers back into `doc`.
    pub(super) fn write(&self, params: &[f64], doc: &mut Document) {
        let mut k = self.pre_offset;
        super::write_dense(&mut doc.pre_net, self.prep.n_out(), params, &mut k);
        for g in &mut doc.circuit.gates {
            for a in &mut g.params {
                match a {
                    Angle::Weight { value } => {
                        *value = params[k];
                        k += 1;
                    }
                    Angle::Reupload { w, b, .. } => {
                        *w = params[k];
                        *b = params[k + 1];
                        k += 2;
                    }
                    _ => {}
                }
            }
        }
    }

    /// The features with their natural ranges, slot by slot.
    pub(super) fn slot_ranges(&self) -> Vec<(Feature, [f64; 2])> {
        self.slots.iter().map(|s| (s.feature, s.natural)).collect()
    }

    /// The features' names, slot by slot.
    pub(super) fn slot_names(&self) -> Vec<String> {
        self.slots.iter().map(|s| s.feature.to_string()).collect()
    }
}
