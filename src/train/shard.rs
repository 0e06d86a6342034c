//! Shards: how a batch's loss and gradient are split into parts that can be computed apart (on
//! other threads, other workers, other machines) and put together again, always in the same
//! way, so that training gives the same numbers to the last bit however many workers share it.
//!
//! The layout depends only on the batch's size `n`: `s = clamp(n / MIN_SHARD, 1, MAX_SHARDS)`
//! contiguous shards of the batch's points (in batch order), the first `n mod s` one point
//! longer than the others ([`shard_ranges`]). Each shard's summed loss and gradient is computed
//! from zero ([`shard_loss_and_grad`]); the batch's sums are the shards' added in shard order
//! ([`add_shards`]). The serial trainer always reduces this way too, so one worker and eight
//! do the same arithmetic: parallelism changes who computes a shard, never what is added to
//! what. (Floating-point addition is not associative; without a fixed layout two workers would
//! round differently from one.)
//!
//! A shard handed out carries a key ([`shard_key`]): a hash of the model's structure, the
//! training data, the weights and the shard's points. A result is only taken back when its key
//! matches the plan's — a worker holding another document, older weights, or other points is
//! refused with a sentence, never silently mixed in.

use std::ops::Range;

use super::{StepStatus, Trainer};
use crate::data::Point;
use crate::model::Model;

/// The fewest points a shard holds (unless the batch is smaller): fewer would not amortise a
/// shard's set-up, and the circuit batches at least 8 points at a time.
pub const MIN_SHARD: usize = 8;

/// The most shards a batch is split into: enough for 8 workers; more would cost the serial
/// trainer extra additions for no worker to use.
pub const MAX_SHARDS: usize = 8;

/// The estimated work (state-vector amplitudes touched: points × gates × 2^qubits, × 2^qubits
/// again under noise) below which a shard is not worth sending to another worker: the message
/// round trip and the wait for the slowest worker would cost more than they save. 2^20 is about
/// 1.5 ms of work in the browser (measured: an 8-qubit, 3-layer shard of 8 points, 2^18, takes
/// about 0.4 ms, and two workers trained it slower than one; 12 qubits, 2^22.5, pay).
pub const MIN_SHARD_WORK: f64 = 1_048_576.0;

/// The shards of a batch of `n` points, as ranges of positions in the batch (see the module
/// doc). Always at least one (empty for an empty batch).
pub fn shard_ranges(n: usize) -> Vec<Range<usize>> {
    let s = (n / MIN_SHARD).clamp(1, MAX_SHARDS);
    let (base, extra) = (n / s, n % s);
    let mut start = 0;
    (0..s)
        .map(|i| {
            let len = base + usize::from(i < extra);
            let r = start..start + len;
            start += len;
            r
        })
        .collect()
}

/// One shard's summed loss and summed gradient (not divided by the batch size), computed from
/// zero.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardResult {
    /// The summed loss over the shard's points.
    pub loss: f64,
    /// The summed ∂loss/∂param over the shard's points (one per trainable number).
    pub grad: Vec<f64>,
    /// The key of the shard it was computed for ([`shard_key`]).
    pub key: u64,
}

/// The next batch, split into shards for workers to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchPlan {
    /// The trainable numbers the shards are computed at.
    pub params: Vec<f64>,
    /// Each shard's training points (indices into the training split), in shard order.
    pub shards: Vec<Vec<usize>>,
    /// Each shard's key: a result must carry it to be taken.
    pub keys: Vec<u64>,
    /// The estimated work of one shard (see [`MIN_SHARD_WORK`]).
    pub shard_work: f64,
}

impl BatchPlan {
    /// Whether splitting this batch across workers pays (more than one shard, each with enough
    /// work to outweigh a message round trip).
    pub fn worth_sharing(&self) -> bool {
        self.shards.len() > 1 && self.shard_work >= MIN_SHARD_WORK
    }
}

/// The summed loss and gradient of the points `idx` of `train`, computed from zero into `out`
/// (resized to the model's trainable numbers).
pub fn shard_loss_and_grad(
    model: &mut Model,
    train: &[Point],
    idx: &[usize],
    out: &mut Vec<f64>,
) -> f64 {
    out.clear();
    out.resize(model.n_params(), 0.0);
    let xs: Vec<&[f64]> = idx.iter().map(|&i| train[i].x.as_slice()).collect();
    let ys: Vec<usize> = idx.iter().map(|&i| train[i].label).collect();
    model.loss_and_grad_batch(&xs, &ys, out)
}

/// The summed loss and gradient of the points `idx` (a batch, or the whole training split)
/// the way every batch is reduced: shard by shard from zero, added in shard order into `grad`
/// (overwritten). `scratch` is reused between calls.
pub fn sharded_loss_and_grad(
    model: &mut Model,
    train: &[Point],
    idx: &[usize],
    grad: &mut [f64],
    scratch: &mut Vec<f64>,
) -> f64 {
    grad.iter_mut().for_each(|g| *g = 0.0);
    let mut loss = 0.0;
    for r in shard_ranges(idx.len()) {
        let l = shard_loss_and_grad(model, train, &idx[r], scratch);
        loss = add_shard(loss, grad, l, scratch);
    }
    loss
}

/// Adds one shard's sums to the running batch sums (`grad` in place); returns the new loss.
/// The only place shards are added, for the serial and the shared reduction alike.
pub fn add_shard(loss: f64, grad: &mut [f64], shard_loss: f64, shard_grad: &[f64]) -> f64 {
    grad.iter_mut().zip(shard_grad).for_each(|(a, b)| *a += b);
    loss + shard_loss
}

/// A 64-bit FNV-1a hash, fed word by word.
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn bytes(mut self, b: &[u8]) -> Fnv {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    pub(crate) fn word(self, w: u64) -> Fnv {
        self.bytes(&w.to_le_bytes())
    }

    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

/// The largest key: keys fit in 53 bits, so a JavaScript number holds one exactly.
pub const KEY_MASK: u64 = (1 << 53) - 1;

/// The key of a shard: the trainer's fingerprint (structure and data), the weights and the
/// points, hashed (53 bits).
pub fn shard_key(fingerprint: u64, params: &[f64], idx: &[usize]) -> u64 {
    let mut h = Fnv::new().word(fingerprint).word(params.len() as u64);
    for p in params {
        h = h.word(p.to_bits());
    }
    h = h.word(idx.len() as u64);
    for &i in idx {
        h = h.word(i as u64);
    }
    h.finish() & KEY_MASK
}

impl Trainer {
    /// The next batch split into shards, for workers to compute ([`Trainer::compute_shard`])
    /// and the trainer to finish ([`Trainer::finish_batch`]); `None` when the next step cannot
    /// be shared: L-BFGS (its line search evaluates the whole split as often as it needs, on
    /// this trainer), shot noise (each estimate draws from the run's one random stream, in
    /// order), or no step is due (finished, or stopped on an error). Changes nothing.
    pub fn plan_batch(&mut self) -> Option<BatchPlan> {
        self.settle();
        if self.error.is_some()
            || self.finished()
            || self.opt.spec().full_batch()
            || self.model.shots().is_some()
            || self.order.is_empty()
        {
            return None;
        }
        self.fill_batch();
        let fp = self.fingerprint();
        let params = self.model.params().to_vec();
        let shards: Vec<Vec<usize>> = shard_ranges(self.batch_idx.len())
            .into_iter()
            .map(|r| self.batch_idx[r].to_vec())
            .collect();
        let keys = shards.iter().map(|s| shard_key(fp, &params, s)).collect();
        let points = self.batch_idx.len() as f64 / shards.len().max(1) as f64;
        Some(BatchPlan {
            params,
            shards,
            keys,
            shard_work: points * self.point_work(),
        })
    }

    /// The estimated work of one point through the circuit, in the units of
    /// [`MIN_SHARD_WORK`]: gates × 2^qubits amplitudes (× 2^qubits again under noise).
    pub fn point_work(&self) -> f64 {
        let amplitudes = 2f64.powi(self.model.n_qubits() as i32);
        let per_gate = if self.model.is_noisy() {
            amplitudes * amplitudes
        } else {
            amplitudes
        };
        self.model.program().n_angles().max(1) as f64 * per_gate
    }

    /// The estimated work (see [`Trainer::point_work`]) of evaluating the current model for
    /// the history: both splits, twice under noise (the ideal curve too).
    pub fn evaluation_work(&self) -> f64 {
        let points = (self.data.train.len() + self.data.test.len()) as f64;
        let runs = if self.model.has_noise() { 2.0 } else { 1.0 };
        points * runs * self.point_work()
    }

    /// The estimated work of one epoch's training (forward and gradient of every training
    /// point, about four evaluations' worth each, measured), its evaluation aside.
    pub fn epoch_work(&self) -> f64 {
        4.0 * self.data.train.len() as f64 * self.point_work()
    }

    /// One shard of a planned batch: the summed loss and gradient of training points `points`
    /// at the trainable numbers `params`, and the shard's key. Usable on another trainer built
    /// from the same document (same data, same model): it takes `params` as its weights.
    pub fn compute_shard(
        &mut self,
        params: &[f64],
        points: &[usize],
    ) -> Result<ShardResult, String> {
        let n = self.model.n_params();
        if params.len() != n {
            return Err(format!(
                "the shard's weights are {} numbers, but the model has {n} trainable numbers \
                 (the worker holds another document)",
                params.len()
            ));
        }
        let len = self.data.train.len();
        if let Some(&i) = points.iter().find(|&&i| i >= len) {
            return Err(format!(
                "the shard names training point {i}, but there are {len} (the worker holds \
                 other data)"
            ));
        }
        let fp = self.fingerprint();
        self.model.set_params(params);
        let mut grad = Vec::new();
        let loss = shard_loss_and_grad(&mut self.model, &self.data.train, points, &mut grad);
        Ok(ShardResult {
            loss,
            grad,
            key: shard_key(fp, params, points),
        })
    }

    /// Finishes the planned batch with its shards' results (in shard order, from any workers):
    /// adds them in shard order and goes on exactly as [`Trainer::step`] does after a batch —
    /// the optimizer's step, the checks that stop a diverging run (a non-finite shard stops it
    /// as it would on one worker), the epoch's end. Refuses, changing nothing, results that do
    /// not match the plan: a wrong count, a gradient of the wrong length, or a key of other
    /// weights, points or another document.
    pub fn finish_batch(&mut self, results: &[ShardResult]) -> Result<StepStatus, String> {
        if self.plan_batch().is_none() {
            return Err(
                "there is no shared batch to finish (the run is finished, stopped, \
                        full-batch or drawing shots)"
                    .into(),
            );
        }
        let end = self.fill_batch();
        let ranges = shard_ranges(self.batch_idx.len());
        if results.len() != ranges.len() {
            return Err(format!(
                "the batch has {} shards, but {} results came back",
                ranges.len(),
                results.len()
            ));
        }
        let n = self.model.n_params();
        let fp = self.fingerprint();
        for (i, (r, range)) in results.iter().zip(&ranges).enumerate() {
            if r.grad.len() != n {
                return Err(format!(
                    "shard {}'s gradient has {} numbers, but the model has {n}",
                    i + 1,
                    r.grad.len()
                ));
            }
            if r.key != shard_key(fp, self.model.params(), &self.batch_idx[range.clone()]) {
                return Err(format!(
                    "shard {} was computed for other weights, other points or another \
                     document; it is not used",
                    i + 1
                ));
            }
        }
        self.grad.iter_mut().for_each(|g| *g = 0.0);
        let mut loss = 0.0;
        for r in results {
            loss = add_shard(loss, &mut self.grad, r.loss, &r.grad);
        }
        let used = self.apply_batch(loss, end);
        if self.error.is_none() && self.cursor >= self.order.len() {
            self.end_epoch();
        }
        Ok(self.status(used))
    }

    /// A hash of what a shard's sums depend on besides the weights and the points: the model's
    /// structure (with its loss and noise), its fixed numbers and the training data.
    pub(crate) fn fingerprint(&mut self) -> u64 {
        if let Some(f) = self.fingerprint {
            return f;
        }
        let mut d = super::edit::structure(&self.doc);
        d.training.seed = 0;
        let mut h = Fnv::new().bytes(d.to_json().as_bytes());
        for p in self.model.fixed_params() {
            h = h.word(p.to_bits());
        }
        for p in &self.data.train {
            h = h.word(p.label as u64);
            for x in &p.x {
                h = h.word(x.to_bits());
            }
        }
        let f = h.finish();
        self.fingerprint = Some(f);
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::doc::{preset, Document};
    use crate::learn::optim::OptimizerSpec;

    fn trainer(d: &Document) -> Trainer {
        Trainer::new(d.clone().validated().unwrap()).unwrap()
    }

    /// Trains `epochs` epochs of `d` serially, and again with every batch planned by one
    /// trainer and its shards computed by `workers` others built from the same document
    /// (shard `i` by worker `i mod workers`, worker 0 being the planning trainer itself), and
    /// checks that both runs hold the same weights, bit for bit, after every epoch.
    fn same_as_serial(d: &Document, epochs: usize, workers: usize) {
        let mut d = d.clone();
        d.training.epochs = epochs;
        let mut serial = trainer(&d);
        let mut shared = trainer(&d);
        let mut helpers: Vec<Trainer> = (1..workers).map(|_| trainer(&d)).collect();
        let mut planned = 0;
        while !serial.finished() {
            let before = serial.epoch();
            while serial.epoch() == before && serial.error().is_none() {
                serial.step(1);
            }
            while shared.epoch() == before && shared.error().is_none() {
                let plan = shared
                    .plan_batch()
                    .expect("a minibatch run can always be shared");
                let results: Vec<ShardResult> = plan
                    .shards
                    .iter()
                    .enumerate()
                    .map(|(i, pts)| match i % workers {
                        0 => shared.compute_shard(&plan.params, pts),
                        w => helpers[w - 1].compute_shard(&plan.params, pts),
                    })
                    .collect::<Result<_, _>>()
                    .unwrap();
                planned += usize::from(results.len() > 1);
                shared.finish_batch(&results).unwrap();
            }
            let bits = |t: &Trainer| t.params().iter().map(|p| p.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&serial),
                bits(&shared),
                "{} after epoch {before}",
                d.title
            );
            assert_eq!(serial.error(), shared.error());
        }
        assert!(planned > 0, "{}: no batch had two shards", d.title);
        assert_eq!(serial.history(), shared.history());
        assert_eq!(serial.snapshot(), shared.snapshot());
    }

    #[test]
    fn shared_batches_train_bit_for_bit_like_the_serial_trainer() {
        // Adam, exact, batchable circuit (batches of 32: four shards).
        let mut d = preset("reupload-1q").unwrap().into_inner();
        same_as_serial(&d, 3, 2);
        same_as_serial(&d, 2, 3);
        // SGD with an L2 term.
        d.training.optimizer = OptimizerSpec::Sgd { lr: 0.3 };
        d.training.l2 = 0.01;
        same_as_serial(&d, 2, 4);
        // A noisy model (density matrices, point by point).
        let mut noisy = preset("reupload-1q").unwrap().into_inner();
        noisy.noise = crate::doc::NoiseSpec::preset("NISQ-like").unwrap();
        same_as_serial(&noisy, 2, 2);
        // A hybrid model: pre-net, 4 qubits, post-net.
        let mut hybrid = preset("iris-hybrid").unwrap().into_inner();
        hybrid.training.batch_size = 24;
        same_as_serial(&hybrid, 2, 2);
    }

    #[test]
    fn a_diverging_shard_stops_the_run_as_it_would_serially() {
        let mut d = preset("reupload-1q").unwrap().into_inner();
        let mut serial = trainer(&d);
        let mut shared = trainer(&d);
        let plan = shared.plan_batch().unwrap();
        let mut results: Vec<ShardResult> = plan
            .shards
            .iter()
            .map(|p| shared.compute_shard(&plan.params, p).unwrap())
            .collect();
        results[1].grad[0] = f64::NAN;
        let before = shared.params().to_vec();
        let s = shared.finish_batch(&results).unwrap();
        assert!(s.error.as_deref().unwrap().contains("NaN"), "{s:?}");
        assert_eq!(
            shared.params(),
            &before[..],
            "the weights of the last finite step"
        );
        // Serially the same stop needs a NaN gradient too: a learning rate of 1e300 sends the
        // weights off the scale, and both runs say so the same way.
        d.training.optimizer = OptimizerSpec::Sgd { lr: 1e300 };
        serial.update(d.clone().validated().unwrap()).unwrap();
        let mut other = trainer(&d);
        other.update(d.validated().unwrap()).unwrap();
        let a = serial.step(1);
        let plan = other.plan_batch().unwrap();
        let r: Vec<ShardResult> = plan
            .shards
            .iter()
            .map(|p| other.compute_shard(&plan.params, p).unwrap())
            .collect();
        let b = other.finish_batch(&r).unwrap();
        assert!(a.error.is_some());
        assert_eq!(a, b);
        assert_eq!(serial.params(), other.params());
    }

    #[test]
    fn results_that_do_not_match_the_plan_are_refused_and_change_nothing() {
        let d = preset("reupload-1q").unwrap().into_inner();
        let mut t = trainer(&d);
        let plan = t.plan_batch().unwrap();
        assert_eq!(plan.shards.len(), 4);
        assert_eq!(plan.keys.len(), 4);
        let good: Vec<ShardResult> = plan
            .shards
            .iter()
            .map(|p| t.compute_shard(&plan.params, p).unwrap())
            .collect();
        assert!(good.iter().zip(&plan.keys).all(|(r, k)| r.key == *k));
        let snap = t.snapshot();
        let refuse = |t: &mut Trainer, r: &[ShardResult], words: &str| {
            let e = t.finish_batch(r).unwrap_err();
            assert!(e.contains(words), "{e}");
            assert_eq!(t.snapshot(), snap);
        };
        refuse(&mut t, &good[..3], "4 shards, but 3 results");
        let mut short = good.clone();
        short[2].grad.pop();
        refuse(&mut t, &short, "shard 3's gradient has");
        let mut swapped = good.clone();
        swapped.swap(0, 1);
        refuse(&mut t, &swapped, "shard 1 was computed for other");
        // Computed at other weights.
        let mut w = plan.params.clone();
        w[0] += 1e-9;
        let mut stale = good.clone();
        stale[0] = t.compute_shard(&w, &plan.shards[0]).unwrap();
        t.compute_shard(&plan.params, &plan.shards[0]).unwrap();
        refuse(&mut t, &stale, "shard 1 was computed for other");
        // By a worker holding other data.
        let mut other = d.clone();
        other.data.seed += 1;
        let mut h = trainer(&other);
        let mut foreign = good.clone();
        foreign[3] = h.compute_shard(&plan.params, &plan.shards[3]).unwrap();
        refuse(&mut t, &foreign, "shard 4 was computed for other");
        // Bad requests to compute.
        let e = t
            .compute_shard(&plan.params[1..], &plan.shards[0])
            .unwrap_err();
        assert!(e.contains("trainable numbers"), "{e}");
        let e = t.compute_shard(&plan.params, &[100_000]).unwrap_err();
        assert!(e.contains("training point 100000"), "{e}");
        // The good results are still taken.
        assert!(t.finish_batch(&good).is_ok());
        assert_ne!(t.snapshot(), snap);
    }

    #[test]
    fn full_batch_and_shot_runs_are_not_shared() {
        let mut d = preset("reupload-1q").unwrap().into_inner();
        d.training.optimizer = OptimizerSpec::lbfgs();
        let mut t = trainer(&d);
        assert!(t.plan_batch().is_none());
        assert!(t.finish_batch(&[]).unwrap_err().contains("no shared batch"));
        let mut d = preset("reupload-1q").unwrap().into_inner();
        d.training.shots = Some(100);
        assert!(trainer(&d).plan_batch().is_none());
    }

    #[test]
    fn small_models_are_not_worth_sharing_and_twelve_qubits_are() {
        let d = preset("reupload-1q").unwrap().into_inner();
        assert!(!trainer(&d).plan_batch().unwrap().worth_sharing());
        let mut big = preset("reupload-12q").unwrap().into_inner();
        big.training.batch_size = 32;
        let t = &mut trainer(&big);
        let plan = t.plan_batch().unwrap();
        assert!(plan.worth_sharing(), "{}", plan.shard_work);
    }

    #[test]
    fn shards_cover_the_batch_in_order_with_at_least_eight_points_and_at_most_eight_shards() {
        for n in 0..300 {
            let r = shard_ranges(n);
            assert!(!r.is_empty() && r.len() <= MAX_SHARDS, "{n}: {r:?}");
            assert_eq!(r[0].start, 0);
            assert_eq!(r.last().unwrap().end, n);
            for w in r.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                assert!(w[0].len() >= w[1].len() && w[0].len() <= w[1].len() + 1);
            }
            if n >= MIN_SHARD {
                assert!(r.iter().all(|s| s.len() >= MIN_SHARD), "{n}: {r:?}");
            }
        }
        assert_eq!(shard_ranges(32), vec![0..8, 8..16, 16..24, 24..32]);
        assert_eq!(shard_ranges(20), vec![0..10, 10..20]);
        assert_eq!(shard_ranges(7), vec![0..7]);
        assert_eq!(shard_ranges(200).len(), 8);
    }

    #[test]
    fn keys_change_with_the_weights_the_points_and_the_fingerprint() {
        let k = shard_key(1, &[0.5, 1.0], &[3, 4]);
        assert!(k <= KEY_MASK);
        assert_eq!(k, shard_key(1, &[0.5, 1.0], &[3, 4]));
        assert_ne!(k, shard_key(2, &[0.5, 1.0], &[3, 4]));
        assert_ne!(k, shard_key(1, &[0.5, 1.0 + f64::EPSILON], &[3, 4]));
        assert_ne!(k, shard_key(1, &[0.5, 1.0], &[4, 3]));
        assert_ne!(k, shard_key(1, &[0.5, 1.0], &[3]));
    }
}
