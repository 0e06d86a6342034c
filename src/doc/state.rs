//! Where a run stands, as a document carries it: the epoch and step counters, the position in
//! the epoch, the random streams, the optimizer's state (Adam's moments and step count, …), the
//! metric history (thinned to at most [`MAX_HISTORY`] entries) with the epochs where the model
//! was edited, and the MLP baseline's weights and optimizer state. A link, a download or the
//! autosave holding it continues the run exactly: Step after opening gives the same numbers as
//! Step without reloading.
//!
//! Random-generator states are written as 16-digit hexadecimal strings: JSON numbers pass
//! through JavaScript, which keeps only 53 bits of an integer.

use serde::{Deserialize, Serialize};

use super::DocError;
use crate::learn::optim::OptimizerState;

/// The most history entries a document keeps; longer histories are thinned evenly (the first
/// and the last entry always stay).
pub const MAX_HISTORY: usize = 400;

/// A 256-bit random-generator state as four hexadecimal words.
pub type RngState = [HexU64; 4];

/// A `u64` written as 16 hexadecimal digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct HexU64(pub u64);

impl Serialize for HexU64 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:016x}", self.0))
    }
}

impl<'de> Deserialize<'de> for HexU64 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<HexU64, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() != 16 {
            return Err(serde::de::Error::custom(
                "a generator state word is 16 hexadecimal digits",
            ));
        }
        u64::from_str_radix(&s, 16).map(HexU64).map_err(|_| {
            serde::de::Error::custom("a generator state word is 16 hexadecimal digits")
        })
    }
}

/// Converts a generator state to its document form.
pub fn rng_state(s: [u64; 4]) -> RngState {
    s.map(HexU64)
}

/// Converts a document generator state back.
pub fn rng_words(s: &RngState) -> [u64; 4] {
    s.map(|w| w.0)
}

/// An edit marked on the history: at which epoch, and what changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditMark {
    /// The epoch the edit happened after.
    pub epoch: usize,
    /// What changed, in a few words ("added RX on wire 2").
    pub what: String,
}

/// The gradient's size per block during one epoch: the mean over the epoch's optimizer steps of
/// the Euclidean norm of each block's part of the batch gradient (pre-net, circuit, post-net,
/// head; 0 for an absent block).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradientRecord {
    /// The epoch the steps belonged to (1 for the first epoch).
    pub epoch: usize,
    /// Mean norms: pre-net, circuit, post-net, head.
    pub norms: [f64; 4],
}

/// Metrics per evaluation; entry 0 is before any training.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// The epoch of each entry; empty means entry `i` is epoch `i` (an unthinned history).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub epochs: Vec<usize>,
    /// Mean loss on the training split.
    #[serde(default)]
    pub train_loss: Vec<f64>,
    /// Mean loss on the test split (`None` where the test set was not evaluated).
    #[serde(default)]
    pub test_loss: Vec<Option<f64>>,
    /// Accuracy on the training split.
    #[serde(default)]
    pub train_acc: Vec<f64>,
    /// Accuracy on the test split (`None` where not evaluated).
    #[serde(default)]
    pub test_acc: Vec<Option<f64>>,
    /// The cumulative number of loss-and-gradient evaluations over the whole training set at
    /// each entry: an epoch of a minibatch optimizer counts one, an L-BFGS iteration as many as
    /// its line search needed (so loss against evaluations compares optimizers by work done).
    /// Empty in older documents; shorter than the others when it started mid-run (its entries
    /// are the last ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evals: Vec<u64>,
    /// The classical baseline's training loss (empty when disabled; shorter than the others
    /// when it was switched on mid-run: its entries are the last ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baseline_train_loss: Vec<f64>,
    /// The classical baseline's test loss.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baseline_test_loss: Vec<f64>,
    /// The classical baseline's training accuracy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baseline_train_acc: Vec<f64>,
    /// The classical baseline's test accuracy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baseline_test_acc: Vec<f64>,
    /// Under noise: the training loss of the same weights run ideally (noise off); the
    /// main series are the noisy, trained ones. Empty for an ideal document; shorter than the
    /// others when noise was switched on mid-run (its entries are the last ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ideal_train_loss: Vec<f64>,
    /// Under noise: the ideal test loss.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ideal_test_loss: Vec<f64>,
    /// Under noise: the ideal training accuracy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ideal_train_acc: Vec<f64>,
    /// Under noise: the ideal test accuracy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ideal_test_acc: Vec<f64>,
    /// Where the model was edited during the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<EditMark>,
    /// The gradient's size per block, one record per trained epoch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gradients: Vec<GradientRecord>,
}

impl History {
    /// The number of entries.
    pub fn len(&self) -> usize {
        self.train_loss.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.train_loss.is_empty()
    }

    /// The epoch of entry `i`.
    pub fn epoch_of(&self, i: usize) -> usize {
        self.epochs.get(i).copied().unwrap_or(i)
    }

    /// The last test loss that was evaluated.
    pub fn last_test_loss(&self) -> Option<f64> {
        self.test_loss.iter().rev().flatten().next().copied()
    }

    /// The last test accuracy that was evaluated.
    pub fn last_test_acc(&self) -> Option<f64> {
        self.test_acc.iter().rev().flatten().next().copied()
    }

    /// Appends one entry for `epoch`.
    pub fn push(&mut self, epoch: usize, train: (f64, f64), test: Option<(f64, f64)>) {
        if !self.epochs.is_empty() || epoch != self.len() {
            if self.epochs.is_empty() {
                self.epochs = (0..self.len()).collect();
            }
            self.epochs.push(epoch);
        }
        self.train_loss.push(train.0);
        self.train_acc.push(train.1);
        self.test_loss.push(test.map(|t| t.0));
        self.test_acc.push(test.map(|t| t.1));
    }

    /// The same history with at most `max` entries: the first, the last, and evenly spaced ones
    /// between (edit marks are kept), numbers rounded to 7 significant digits (a curve needs no
    /// more). Unchanged, to the last bit, if short enough.
    pub fn thinned(&self, max: usize) -> History {
        let n = self.len();
        let keep: Vec<usize> = if n <= max.max(2) {
            (0..n).collect()
        } else {
            let m = max.max(2);
            let mut k: Vec<usize> = (0..m)
                .map(|j| ((j as f64) * (n - 1) as f64 / (m - 1) as f64).round() as usize)
                .collect();
            k.dedup();
            k
        };
        let thinned = keep.len() != n;
        let round = |v: f64| {
            if !thinned || v == 0.0 || !v.is_finite() {
                v
            } else {
                let e = v.abs().log10().floor() as i32 - 6;
                let p = 10f64.powi(-e);
                if p.is_finite() && p > 0.0 {
                    (v * p).round() / p
                } else {
                    v
                }
            }
        };
        let pick = |v: &Vec<f64>| -> Vec<f64> {
            // A series covering only the last entries keeps the kept entries it covers.
            let skip = n - v.len().min(n);
            keep.iter()
                .filter(|&&i| i >= skip)
                .filter_map(|&i| v.get(i - skip).copied())
                .map(round)
                .collect()
        };
        let pick_opt = |v: &Vec<Option<f64>>| -> Vec<Option<f64>> {
            keep.iter()
                .filter_map(|&i| v.get(i).copied())
                .map(|o| o.map(round))
                .collect()
        };
        History {
            epochs: if thinned || !self.epochs.is_empty() {
                keep.iter().map(|&i| self.epoch_of(i)).collect()
            } else {
                Vec::new()
            },
            train_loss: pick(&self.train_loss),
            test_loss: pick_opt(&self.test_loss),
            train_acc: pick(&self.train_acc),
            test_acc: pick_opt(&self.test_acc),
            evals: {
                let skip = n - self.evals.len().min(n);
                keep.iter()
                    .filter(|&&i| i >= skip)
                    .filter_map(|&i| self.evals.get(i - skip).copied())
                    .collect()
            },
            baseline_train_loss: pick(&self.baseline_train_loss),
            baseline_test_loss: pick(&self.baseline_test_loss),
            baseline_train_acc: pick(&self.baseline_train_acc),
            baseline_test_acc: pick(&self.baseline_test_acc),
            ideal_train_loss: pick(&self.ideal_train_loss),
            ideal_test_loss: pick(&self.ideal_test_loss),
            ideal_train_acc: pick(&self.ideal_train_acc),
            ideal_test_acc: pick(&self.ideal_test_acc),
            edits: self.edits.clone(),
            gradients: {
                let g = &self.gradients;
                if g.len() <= max.max(2) {
                    g.clone()
                } else {
                    let m = max.max(2);
                    let mut k: Vec<usize> = (0..m)
                        .map(|j| {
                            ((j as f64) * (g.len() - 1) as f64 / (m - 1) as f64).round() as usize
                        })
                        .collect();
                    k.dedup();
                    k.into_iter().map(|i| g[i].clone()).collect()
                }
            },
        }
    }

    /// Checks that the series line up and hold finite numbers.
    pub fn validate(&self, path: &str) -> Result<(), DocError> {
        let n = self.len();
        let series: [(&str, usize); 13] = [
            ("evals", self.evals.len()),
            ("train_acc", self.train_acc.len()),
            ("test_loss", self.test_loss.len()),
            ("test_acc", self.test_acc.len()),
            (
                "epochs",
                if self.epochs.is_empty() {
                    n
                } else {
                    self.epochs.len()
                },
            ),
            ("baseline_train_loss", self.baseline_train_loss.len()),
            ("baseline_test_loss", self.baseline_test_loss.len()),
            ("baseline_train_acc", self.baseline_train_acc.len()),
            ("baseline_test_acc", self.baseline_test_acc.len()),
            ("ideal_train_loss", self.ideal_train_loss.len()),
            ("ideal_test_loss", self.ideal_test_loss.len()),
            ("ideal_train_acc", self.ideal_train_acc.len()),
            ("ideal_test_acc", self.ideal_test_acc.len()),
        ];
        for (name, len) in series {
            // The baseline's series may start later (it can be switched on mid-run), and the
            // evaluation counts are missing from older runs: they cover the last entries.
            let baseline =
                name.starts_with("baseline") || name.starts_with("ideal") || name == "evals";
            if len != n && !(baseline && len <= n) {
                return Err(DocError::new(
                    format!("{path}.{name}"),
                    format!("has {len} entries, but train_loss has {n}; every series needs one entry per evaluation"),
                ));
            }
        }
        if n > 100_001 {
            return Err(DocError::new(
                format!("{path}.train_loss"),
                format!("has {n} entries; at most 100001 are kept"),
            ));
        }
        let all = self
            .train_loss
            .iter()
            .chain(&self.train_acc)
            .chain(self.test_loss.iter().flatten())
            .chain(self.test_acc.iter().flatten())
            .chain(&self.baseline_train_loss)
            .chain(&self.baseline_test_loss)
            .chain(&self.baseline_train_acc)
            .chain(&self.baseline_test_acc)
            .chain(&self.ideal_train_loss)
            .chain(&self.ideal_test_loss)
            .chain(&self.ideal_train_acc)
            .chain(&self.ideal_test_acc);
        for v in all {
            if !v.is_finite() {
                return Err(DocError::new(
                    path,
                    format!("holds {v}; history entries are finite numbers"),
                ));
            }
        }
        if self.evals.windows(2).any(|w| w[0] > w[1]) {
            return Err(DocError::new(
                format!("{path}.evals"),
                "counts evaluations so far: it never decreases",
            ));
        }
        if self.epochs.windows(2).any(|w| w[0] >= w[1]) {
            return Err(DocError::new(
                format!("{path}.epochs"),
                "must increase from entry to entry",
            ));
        }
        if let Some(g) = self
            .gradients
            .iter()
            .find(|g| g.norms.iter().any(|v| !v.is_finite() || *v < 0.0))
        {
            return Err(DocError::new(
                format!("{path}.gradients"),
                format!(
                    "the record for epoch {} holds a norm that is not a finite number ≥ 0",
                    g.epoch
                ),
            ));
        }
        if self.edits.len() > 1000 {
            return Err(DocError::new(
                format!("{path}.edits"),
                "has more than 1000 marks",
            ));
        }
        Ok(())
    }
}

/// The MLP baseline's part of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineRun {
    /// Its weights (per layer: row-major weights, then biases).
    pub params: Vec<f64>,
    /// Its optimizer's state.
    pub optimizer: OptimizerState,
    /// Its shuffle generator.
    pub rng: RngState,
    /// Epochs it has trained.
    pub epochs: usize,
}

/// Where a run stands (see the module doc).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunState {
    /// Completed epochs.
    pub epoch: usize,
    /// Optimizer steps taken.
    pub steps: u64,
    /// How many points of the current epoch's order have been used.
    #[serde(default)]
    pub cursor: usize,
    /// The batch-order generator's state before it drew the current order.
    pub order_rng: RngState,
    /// The batch-order generator's state now.
    pub rng: RngState,
    /// The shot-sampling generator's state.
    pub shot_rng: RngState,
    /// The optimizer's state.
    pub optimizer: OptimizerState,
    /// The metrics so far.
    pub history: History,
    /// The baseline's part, when it trains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineRun>,
    /// The latest history entry is not yet of this document's model and weights: an edit or
    /// new weights were taken and their evaluation left for later (the page leaves it to its
    /// worker for a slow model). Whoever trains or evaluates the run first records it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unevaluated: bool,
}

impl RunState {
    /// Checks what can be checked without the model (lengths against the model are checked
    /// when a trainer takes the state).
    pub fn validate(&self) -> Result<(), DocError> {
        self.history.validate("state.history")?;
        self.optimizer
            .validate()
            .map_err(|m| DocError::new("state.optimizer", m))?;
        if let Some(b) = &self.baseline {
            for (i, v) in b.params.iter().enumerate() {
                if !v.is_finite() {
                    return Err(DocError::new(
                        format!("state.baseline.params[{i}]"),
                        format!("must be a finite number, got {v}"),
                    ));
                }
            }
            b.optimizer
                .validate()
                .map_err(|m| DocError::new("state.baseline.optimizer", m))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(n: usize) -> History {
        let mut h = History::default();
        for e in 0..n {
            h.push(e, (1.0 / (e + 1) as f64, 0.5), Some((0.3, 0.25)));
        }
        h
    }

    #[test]
    fn a_short_history_is_kept_whole_and_a_long_one_thinned_evenly() {
        let h = history(50);
        assert!(h.epochs.is_empty());
        let t = h.thinned(400);
        assert_eq!(t.len(), 50);
        assert!(t.epochs.is_empty());
        let long = history(5000);
        let t = long.thinned(400);
        assert_eq!(t.len(), 400);
        assert_eq!((t.epochs[0], *t.epochs.last().unwrap()), (0, 4999));
        assert_eq!(t.train_loss[0], 1.0);
        assert!(t.validate("h").is_ok());
        assert_eq!(t.epoch_of(399), 4999);
    }

    #[test]
    fn pushing_after_a_gap_records_epochs() {
        let mut h = history(3);
        h.push(10, (0.1, 0.9), None);
        assert_eq!(h.epochs, [0, 1, 2, 10]);
        assert_eq!(h.last_test_acc(), Some(0.25));
        assert_eq!(h.test_acc[3], None);
    }

    #[test]
    fn generator_states_are_hex_strings_that_survive_javascript() {
        let s = rng_state([u64::MAX, 1, 0x9e37_79b9_7f4a_7c15, 42]);
        let j = serde_json::to_string(&s).unwrap();
        assert_eq!(
            j,
            r#"["ffffffffffffffff","0000000000000001","9e3779b97f4a7c15","000000000000002a"]"#
        );
        let back: RngState = serde_json::from_str(&j).unwrap();
        assert_eq!(rng_words(&back), [u64::MAX, 1, 0x9e37_79b9_7f4a_7c15, 42]);
        assert!(serde_json::from_str::<RngState>(r#"["xyz","0","0","0"]"#).is_err());
    }

    #[test]
    fn misaligned_or_non_finite_histories_are_refused_with_the_series_named() {
        let mut h = history(4);
        h.train_acc.pop();
        let e = h.validate("state.history").unwrap_err();
        assert_eq!(e.path, "state.history.train_acc");
        let mut h = history(4);
        h.epochs = vec![0, 2, 2, 3];
        assert_eq!(h.validate("s").unwrap_err().path, "s.epochs");
    }
}
