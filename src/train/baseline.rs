//! The classical baseline's training loop: [`MlpTrainer`] runs an [`Mlp`] over a dataset's
//! points with minibatch gradient descent, a seeded shuffle per epoch, and the same optimizers as
//! the quantum model (L-BFGS: one full-batch iteration per epoch).
//!
//! May import `crate::data`, `crate::doc` (the run-state record), `crate::learn` and `crate::rng`.

use crate::data::Point;
use crate::doc::{rng_state, rng_words, BaselineRun};
use crate::learn::mlp::{Mlp, MlpError, MlpSpec};
use crate::learn::optim::{Optimizer, OptimizerSpec};
use crate::rng::Rng;

/// Trains an [`Mlp`] on points with minibatch gradient descent and a seeded shuffle.
#[derive(Clone, Debug)]
pub struct MlpTrainer {
    mlp: Mlp,
    optimizer: Optimizer,
    rng: Rng,
    order: Vec<usize>,
    grad: Vec<f64>,
    epochs: usize,
}

/// Mixed into the seed so the shuffle stream differs from the weight-initialisation stream.
const SHUFFLE_SALT: u64 = 0x5348_5546_464c_4521;

impl MlpTrainer {
    /// A trainer for a fresh network on the points' two coordinates.
    pub fn new(
        spec: &MlpSpec,
        optimizer: &OptimizerSpec,
        n_classes: usize,
        seed: u64,
    ) -> Result<MlpTrainer, MlpError> {
        MlpTrainer::with_inputs(spec, optimizer, 2, n_classes, seed)
    }

    /// A trainer for a fresh network on `n_inputs` coordinates.
    pub fn with_inputs(
        spec: &MlpSpec,
        optimizer: &OptimizerSpec,
        n_inputs: usize,
        n_classes: usize,
        seed: u64,
    ) -> Result<MlpTrainer, MlpError> {
        let mlp = Mlp::new(spec, n_inputs, n_classes, seed)?;
        MlpTrainer::from_mlp(mlp, optimizer, seed)
    }

    /// A trainer for an existing network (which must take 2 inputs to train on [`Point`]s).
    pub fn from_mlp(
        mlp: Mlp,
        optimizer: &OptimizerSpec,
        seed: u64,
    ) -> Result<MlpTrainer, MlpError> {
        optimizer.validate()?;
        let n = mlp.n_params();
        Ok(MlpTrainer {
            optimizer: optimizer.build(n),
            grad: vec![0.0; n],
            mlp,
            rng: Rng::new(seed ^ SHUFFLE_SALT),
            order: Vec::new(),
            epochs: 0,
        })
    }

    /// One pass over `train` in a fresh seeded order, one optimizer step per minibatch of
    /// `batch_size` points (0 counts as 1) using the batch's mean gradient. Returns the mean
    /// per-sample loss seen during the pass (each measured before its batch's step).
    ///
    /// With L-BFGS the epoch is one iteration on the whole set (the loss it returns is the
    /// mean loss at the point the iteration ended at); once L-BFGS has stopped, nothing moves.
    pub fn epoch(&mut self, train: &[Point], batch_size: usize) -> f64 {
        if self.optimizer.spec().full_batch() {
            return self.full_batch_epoch(train);
        }
        let batch_size = batch_size.max(1);
        self.order.clear();
        self.order.extend(0..train.len());
        self.rng.shuffle(&mut self.order);
        let mut total = 0.0;
        for batch in self.order.chunks(batch_size) {
            self.grad.iter_mut().for_each(|g| *g = 0.0);
            for &i in batch {
                let p = &train[i];
                total += self.mlp.loss_and_grad(&p.x, p.label, &mut self.grad);
            }
            let scale = 1.0 / batch.len() as f64;
            self.grad.iter_mut().for_each(|g| *g *= scale);
            self.optimizer.step(self.mlp.params_mut(), &self.grad);
        }
        self.epochs += 1;
        if train.is_empty() {
            0.0
        } else {
            total / train.len() as f64
        }
    }

    fn full_batch_epoch(&mut self, train: &[Point]) -> f64 {
        self.epochs += 1;
        if train.is_empty() {
            return 0.0;
        }
        let count = train.len() as f64;
        let mut x = self.mlp.params().to_vec();
        let mlp = &mut self.mlp;
        let mut eval = |p: &[f64], g: &mut [f64]| -> f64 {
            mlp.params_mut().copy_from_slice(p);
            g.iter_mut().for_each(|v| *v = 0.0);
            let total: f64 = train
                .iter()
                .map(|pt| mlp.loss_and_grad(&pt.x, pt.label, g))
                .sum();
            g.iter_mut().for_each(|v| *v /= count);
            total / count
        };
        let out = self.optimizer.iterate(&mut x, &mut eval);
        self.mlp.params_mut().copy_from_slice(&x);
        match out {
            Ok(it) => it.f,
            Err(_) => f64::NAN,
        }
    }

    /// The mean loss and the accuracy (fraction in `[0, 1]`) on `pts`; `(0, 0)` when empty.
    pub fn evaluate(&self, pts: &[Point]) -> (f64, f64) {
        if pts.is_empty() {
            return (0.0, 0.0);
        }
        let mut loss = 0.0;
        let mut correct = 0usize;
        for p in pts {
            loss += self.mlp.loss(&p.x, p.label);
            if self.mlp.predict_class(&p.x) == p.label {
                correct += 1;
            }
        }
        let n = pts.len() as f64;
        (loss / n, correct as f64 / n)
    }

    /// Its run state, to store in a document.
    pub fn state(&self) -> BaselineRun {
        BaselineRun {
            params: self.mlp.params().to_vec(),
            optimizer: self.optimizer.state(),
            rng: rng_state(self.rng.state()),
            epochs: self.epochs,
        }
    }

    /// Continues a stored run; the weights must fit this network (the error says why not).
    pub fn restore(&mut self, s: &BaselineRun) -> Result<(), String> {
        if s.params.len() != self.mlp.n_params() {
            return Err(format!(
                "holds {} weights, but the baseline network has {}",
                s.params.len(),
                self.mlp.n_params()
            ));
        }
        self.optimizer.restore(&s.optimizer)?;
        self.mlp.params_mut().copy_from_slice(&s.params);
        self.rng = Rng::from_state(rng_words(&s.rng));
        self.epochs = s.epochs;
        Ok(())
    }

    /// The network being trained.
    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// The number of epochs run so far.
    pub fn epochs(&self) -> usize {
        self.epochs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetKind, DatasetSpec};

    fn train_xor(seed: u64) -> (f64, Vec<u64>) {
        let data = DatasetSpec {
            kind: DatasetKind::Xor,
            points: 400,
            noise: 0.0,
            train_ratio: 0.5,
            seed: 11,
            ..DatasetSpec::default()
        }
        .generate()
        .unwrap();
        let mut trainer = MlpTrainer::new(
            &MlpSpec { hidden: vec![8] },
            &OptimizerSpec::adam(0.05),
            2,
            seed,
        )
        .unwrap();
        let (start_loss, _) = trainer.evaluate(&data.train);
        let mut last = f64::INFINITY;
        for _ in 0..200 {
            last = trainer.epoch(&data.train, 16);
        }
        assert!(last < start_loss, "{last} vs {start_loss}");
        assert_eq!(trainer.epochs(), 200);
        let (_, acc) = trainer.evaluate(&data.test);
        let bits = trainer.mlp().params().iter().map(|p| p.to_bits()).collect();
        (acc, bits)
    }

    #[test]
    fn trains_xor_deterministically() {
        let (acc, params) = train_xor(3);
        assert!(acc > 0.9, "test accuracy {acc}");
        let (acc2, params2) = train_xor(3);
        assert_eq!((acc, params), (acc2, params2));
    }

    #[test]
    fn a_bad_optimizer_is_refused() {
        let e = MlpTrainer::new(&MlpSpec::default(), &OptimizerSpec::Sgd { lr: -1.0 }, 2, 0)
            .unwrap_err();
        assert!(e.to_string().contains("lr"), "{e}");
    }

    #[test]
    fn evaluate_on_empty_and_epoch_on_empty() {
        let mut t = MlpTrainer::new(&MlpSpec::default(), &OptimizerSpec::adam(0.1), 3, 0).unwrap();
        assert_eq!(t.evaluate(&[]), (0.0, 0.0));
        assert_eq!(t.epoch(&[], 0), 0.0);
        let pts = [Point {
            x: vec![0.0, 1.0],
            label: 2,
        }];
        assert!(t.epoch(&pts, 0).is_finite());
    }
}
