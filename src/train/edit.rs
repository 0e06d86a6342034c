//! What an edit of the document means for a run: whether it only changed hyper-parameters
//! (the run goes on untouched), and otherwise which trainable numbers of the new model are the
//! old ones (so the optimizer's state follows them) and what to tell the learner ("added RX on
//! wire 2: its θ starts at 0.42; 24 weights kept").
//!
//! Gates are matched between the old and the new circuit by a longest common subsequence over
//! their kind and the kinds of their angle bindings — so moving a gate, or changing its wires,
//! keeps its weights, while inserting or deleting one shifts nothing else.

use crate::doc::{Angle, DenseSpec, Document, GateSpec};

/// Whether two documents describe the same model and data (weights, hyper-parameters, run
/// state, title, description and locks aside).
pub fn same_structure(a: &Document, b: &Document) -> bool {
    structure(a) == structure(b)
}

/// The document with every trainable number, the words, the run and the hyper-parameters that
/// leave the model unchanged cleared: two documents with equal structures build the same model
/// (up to its weights).
pub(crate) fn structure(d: &Document) -> Document {
    let mut d = d.clone();
    for g in &mut d.circuit.gates {
        for p in &mut g.params {
            match p {
                Angle::Weight { value } => *value = 0.0,
                Angle::Reupload { w, b, .. } => {
                    *w = 0.0;
                    *b = 0.0;
                }
                _ => {}
            }
        }
    }
    for l in d.pre_net.iter_mut().chain(d.post_net.iter_mut()) {
        l.weights.clear();
        l.bias.clear();
    }
    d.head.scale.iter_mut().for_each(|v| *v = 0.0);
    d.head.bias.iter_mut().for_each(|v| *v = 0.0);
    d.title.clear();
    d.description.clear();
    d.locked.clear();
    // The debugger's results describe the run; storing one is no change to the model.
    d.analyses.clear();
    d.state = None;
    d.training.optimizer = crate::learn::optim::OptimizerSpec::Sgd { lr: 1.0 };
    d.training.batch_size = 1;
    d.training.epochs = 1;
    d.training.shots = None;
    d.training.l2 = 0.0;
    d
}

/// The key two gates must share to be "the same gate" across an edit.
fn key(g: &GateSpec) -> (crate::doc::GateName, Vec<u8>) {
    (
        g.gate,
        g.params
            .iter()
            .map(|a| match a {
                Angle::Const { .. } => 0,
                Angle::Weight { .. } => 1,
                Angle::Feature { .. } => 2,
                Angle::Reupload { .. } => 3,
            })
            .collect(),
    )
}

/// For each gate of `new`, the matching gate of `old` (longest common subsequence by [`key`]).
pub fn match_gates(old: &[GateSpec], new: &[GateSpec]) -> Vec<Option<usize>> {
    let (n, m) = (old.len(), new.len());
    // A quadratic table is fine for the editor's circuits; beyond that, match by position.
    if n.saturating_mul(m) > 4_000_000 {
        return (0..m)
            .map(|j| (j < n && key(&old[j]) == key(&new[j])).then_some(j))
            .collect();
    }
    let ko: Vec<_> = old.iter().map(key).collect();
    let kn: Vec<_> = new.iter().map(key).collect();
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i * (m + 1) + j] = if ko[i] == kn[j] {
                t[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
            };
        }
    }
    let mut out = vec![None; m];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if ko[i] == kn[j] {
            out[j] = Some(i);
            i += 1;
            j += 1;
        } else if t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The number of trainable numbers of a gate.
fn n_trainable(g: &GateSpec) -> usize {
    g.params.iter().map(Angle::n_trainable).sum()
}

fn dense_len(layers: &[DenseSpec], n_in: usize) -> Vec<usize> {
    let mut ins = n_in;
    layers
        .iter()
        .map(|l| {
            let n = l.units * ins + l.units;
            ins = l.units;
            n
        })
        .collect()
}

/// What an edit keeps: for each trainable number of the new model (in model order, see
/// `model`), the index of the same number in the old model, or `None` for a new one; and a
/// sentence for the learner.
pub struct Remap {
    /// New index → old index.
    pub map: Vec<Option<usize>>,
    /// What changed, for the history's edit mark.
    pub what: String,
    /// Which numbers start fresh, in words (empty when none).
    pub fresh: String,
}

/// Matches the trainable numbers of `new` against `old` (both valid documents; `n_old` and
/// `n_new` are the models' trainable counts, head included when it trains).
pub fn remap(old: &Document, new: &Document, n_old: usize, n_new: usize) -> Remap {
    let mut map: Vec<Option<usize>> = Vec::with_capacity(n_new);
    // Pre-net: layer by layer when the shapes agree.
    let pre_old = dense_len(&old.pre_net, old.n_inputs());
    let pre_new = dense_len(&new.pre_net, new.n_inputs());
    for (li, &len) in pre_new.iter().enumerate() {
        let same = pre_old.get(li) == Some(&len)
            && old.pre_net.get(li).map(|l| (l.units, l.activation))
                == new.pre_net.get(li).map(|l| (l.units, l.activation));
        let start_old: usize = pre_old.iter().take(li).sum();
        for k in 0..len {
            map.push(same.then_some(start_old + k));
        }
    }
    let off_old: usize = pre_old.iter().sum();
    // Circuit: matched gates keep their numbers.
    let mut starts_old = Vec::with_capacity(old.circuit.gates.len());
    let mut k = off_old;
    for g in &old.circuit.gates {
        starts_old.push(k);
        k += n_trainable(g);
    }
    let circuit_end_old = k;
    let matched = match_gates(&old.circuit.gates, &new.circuit.gates);
    let mut fresh: Vec<String> = Vec::new();
    let mut added = Vec::new();
    for (j, g) in new.circuit.gates.iter().enumerate() {
        let n = n_trainable(g);
        match matched[j] {
            Some(i) => map.extend((0..n).map(|t| Some(starts_old[i] + t))),
            None => {
                map.resize(map.len() + n, None);
                added.push(describe(g));
                if n > 0 {
                    let values: Vec<String> = g
                        .params
                        .iter()
                        .filter_map(|a| match a {
                            Angle::Weight { value } => Some(format!("θ = {value:.3}")),
                            Angle::Reupload { w, b, .. } => Some(format!("w = {w:.3}, b = {b:.3}")),
                            _ => None,
                        })
                        .collect();
                    fresh.push(format!("{} starts at {}", describe(g), values.join(", ")));
                }
            }
        }
    }
    let removed: Vec<String> = {
        let used: Vec<usize> = matched.iter().flatten().copied().collect();
        old.circuit
            .gates
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .map(|(_, g)| describe(g))
            .collect()
    };
    // Post-net and head.
    let post_old = dense_len(&old.post_net, old.n_readouts());
    let post_new = dense_len(&new.post_net, new.n_readouts());
    for (li, &len) in post_new.iter().enumerate() {
        let same = post_old.get(li) == Some(&len)
            && old.post_net.get(li).map(|l| (l.units, l.activation))
                == new.post_net.get(li).map(|l| (l.units, l.activation));
        let start: usize = circuit_end_old + post_old.iter().take(li).sum::<usize>();
        for k in 0..len {
            map.push(same.then_some(start + k));
        }
    }
    let head_old = circuit_end_old + post_old.iter().sum::<usize>();
    // A trainable head is last: the rest of the new vector.
    let head_new = n_new.saturating_sub(map.len());
    let same_head = old.head.trainable && old.n_readouts() == new.n_readouts();
    for k in 0..head_new {
        map.push((same_head && head_old + k < n_old).then_some(head_old + k));
    }
    map.truncate(n_new);
    let mut what = Vec::new();
    if !added.is_empty() {
        what.push(format!("added {}", list(&added)));
    }
    if !removed.is_empty() {
        what.push(format!("removed {}", list(&removed)));
    }
    if old.data != new.data || old.preprocess != new.preprocess {
        what.push("data changed".to_string());
    }
    if old.pre_net.len() != new.pre_net.len() || pre_old != pre_new {
        what.push("pre-net changed".to_string());
    }
    if old.post_net.len() != new.post_net.len() || post_old != post_new {
        what.push("post-net changed".to_string());
    }
    if old.readout != new.readout {
        what.push("readout changed".to_string());
    }
    if old.features != new.features {
        what.push("feature map changed".to_string());
    }
    if what.is_empty() {
        what.push("model changed".to_string());
    }
    let kept = map.iter().filter(|m| m.is_some()).count();
    let new_count = map.len() - kept;
    let mut fresh_text = fresh.join("; ");
    if new_count > 0 && fresh.is_empty() {
        fresh_text = format!("{new_count} trainable number(s) start fresh");
    }
    if new_count > 0 {
        fresh_text = format!("{fresh_text}; {kept} kept");
    }
    Remap {
        map,
        what: what.join(", "),
        fresh: fresh_text,
    }
}

fn list(items: &[String]) -> String {
    if items.len() <= 3 {
        items.join(", ")
    } else {
        format!("{}, … ({} gates)", items[..2].join(", "), items.len())
    }
}

/// "RX on wire 2", "CNOT on wires 0, 1".
fn describe(g: &GateSpec) -> String {
    let wires: Vec<String> = g.all_wires().map(|w| w.to_string()).collect();
    if wires.len() == 1 {
        format!("{} on wire {}", g.gate.name(), wires[0])
    } else {
        format!("{} on wires {}", g.gate.name(), wires.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::preset;
    use crate::sim::GateKind;

    #[test]
    fn inserting_a_gate_keeps_every_other_weight_in_place() {
        let old = preset("default").unwrap().into_inner();
        let mut new = old.clone();
        let mut g = GateSpec::fixed(GateKind::RX, &[2], 30, &[0.0]);
        g.params = vec![Angle::Weight { value: 0.42 }];
        new.circuit.gates.insert(5, g);
        let n_old: usize = old.circuit.gates.iter().map(n_trainable).sum::<usize>() + 2;
        let r = remap(&old, &new, n_old, n_old + 1);
        assert_eq!(r.map.len(), n_old + 1);
        assert_eq!(r.map.iter().filter(|m| m.is_none()).count(), 1);
        let fresh = r.map.iter().position(|m| m.is_none()).unwrap();
        let before: usize = new.circuit.gates[..5].iter().map(n_trainable).sum();
        assert_eq!(fresh, before);
        assert_eq!(r.map[fresh + 1], Some(fresh));
        assert_eq!(r.what, "added RX on wire 2");
        assert!(
            r.fresh.contains("RX on wire 2 starts at θ = 0.420"),
            "{}",
            r.fresh
        );
        assert!(r.fresh.contains(&format!("{n_old} kept")), "{}", r.fresh);
    }

    #[test]
    fn deleting_and_moving_gates() {
        let old = preset("default").unwrap().into_inner();
        let mut new = old.clone();
        let removed = new.circuit.gates.remove(0);
        new.circuit.gates[0].col += 40;
        let n_old: usize = old.circuit.gates.iter().map(n_trainable).sum::<usize>() + 2;
        let n_new = n_old - n_trainable(&removed);
        let r = remap(&old, &new, n_old, n_new);
        assert!(r.map.iter().all(|m| m.is_some()));
        assert_eq!(r.map[0], Some(n_trainable(&removed)));
        assert!(r.what.starts_with("removed RX on wire 0"), "{}", r.what);
        assert!(r.fresh.is_empty());
    }

    #[test]
    fn structure_ignores_weights_and_hyper_parameters() {
        let a = preset("default").unwrap().into_inner();
        let mut b = a.clone();
        b.training.batch_size = 3;
        b.title = "x".into();
        if let Angle::Reupload { w, .. } = &mut b.circuit.gates[0].params[0] {
            *w = 9.0;
        }
        assert!(same_structure(&a, &b));
        b.data.points = 10;
        assert!(!same_structure(&a, &b));
    }
}
