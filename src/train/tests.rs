use super::*;
use crate::data::{DatasetKind, DatasetSpec};
use crate::doc::{preset, Angle, BaselineSpec, GateSpec};
use crate::learn::optim::OptimizerSpec;
use crate::sim::GateKind;

fn trainer(doc: Document) -> Trainer {
    Trainer::new(doc.validated().unwrap()).unwrap()
}

fn doc(name: &str) -> Document {
    preset(name).unwrap().into_inner()
}

#[test]
fn the_reuploading_demo_learns_the_circle() {
    let mut t = Trainer::new(preset("reupload-1q").unwrap()).unwrap();
    t.reset(1);
    while !t.finished() {
        let s = t.step(64);
        assert!(s.error.is_none(), "{s:?}");
    }
    let h = t.history();
    assert_eq!(h.test_acc.len(), 11);
    assert!(
        h.train_loss[10] < 0.7 * h.train_loss[0],
        "{:?}",
        h.train_loss
    );
    let acc: Vec<f64> = h.test_acc.iter().map(|v| v.unwrap()).collect();
    // Chance is about 0.5; ten epochs of Adam at lr 0.6 land near 0.8-0.9 (the benchmark
    // compares five seeds with PennyLane side by side).
    assert!(acc[10] > 0.7, "{acc:?}");
    assert!(acc[10] > acc[0] + 0.15, "{acc:?}");
}

#[test]
fn training_is_deterministic_for_a_seed() {
    let run = || {
        let mut t = Trainer::new(preset("xor-entangled").unwrap()).unwrap();
        t.reset(5);
        for _ in 0..3 {
            t.run_epoch();
        }
        (t.params().to_vec(), t.history().clone())
    };
    assert_eq!(run(), run());
}

#[test]
fn step_does_bounded_work_and_completes_epochs() {
    let mut t = Trainer::new(preset("default").unwrap()).unwrap();
    let s = t.step(1);
    assert_eq!(s.samples, 16, "one batch at least, and no more");
    assert_eq!(s.epoch, 0);
    let mut total = s.samples;
    while t.epoch() == 0 {
        total += t.step(16).samples;
    }
    assert_eq!(total, t.dataset().train.len());
    assert_eq!(t.history().train_loss.len(), 2);
    assert_eq!(t.history().baseline_train_loss.len(), 2);
}

#[test]
fn a_huge_learning_rate_stops_with_the_nan_message_and_keeps_finite_weights() {
    let mut d = doc("default");
    d.training.optimizer = OptimizerSpec::Sgd { lr: 1e9 };
    let mut t = trainer(d);
    let mut last_finite = t.params().to_vec();
    for _ in 0..50 {
        let s = t.step(16);
        if let Some(e) = s.error {
            assert!(e.contains("NaN") || e.contains("infinite"), "{e}");
            assert!(e.contains("learning rate"), "{e}");
            assert_eq!(t.params(), &last_finite[..]);
            assert!(t.params().iter().all(|p| p.is_finite()));
            // Further steps do nothing until the settings change.
            assert_eq!(t.step(16).samples, 0);
            let mut spec = t.training().clone();
            spec.optimizer = OptimizerSpec::adam(0.05);
            t.set_training(spec).unwrap();
            assert!(t.error().is_none());
            return;
        }
        last_finite = t.params().to_vec();
    }
    panic!("training with lr 1e9 never stopped");
}

#[test]
fn changing_hyper_parameters_keeps_history_and_weights() {
    let mut t = Trainer::new(preset("xor-entangled").unwrap()).unwrap();
    t.run_epoch();
    let p = t.params().to_vec();
    let mut spec = t.training().clone();
    spec.batch_size = 8;
    t.set_training(spec).unwrap();
    assert_eq!(t.params(), &p[..]);
    assert_eq!(t.history().train_loss.len(), 2);
    let mut bad = t.training().clone();
    bad.batch_size = 0;
    let e = t.set_training(bad).unwrap_err();
    assert_eq!(e.path().as_deref(), Some("training.batch_size"));
    assert_eq!(t.training().batch_size, 8);
}

#[test]
fn document_carries_the_trained_weights() {
    let mut t = Trainer::new(preset("reupload-1q").unwrap()).unwrap();
    t.run_epoch();
    let again = trainer(t.document());
    assert_eq!(again.params(), t.params());
    assert_eq!(
        again.epoch(),
        0,
        "without the run state a document starts a new run"
    );
}

/// A link, a download or the autosave carries the run: Step after opening gives bit for bit
/// the same numbers as Step without reloading — for Adam (moments and step count), the batch
/// order, the baseline and the history.
#[test]
fn a_snapshot_continues_the_run_exactly() {
    for name in ["default", "reupload-1q", "gaussians3", "paper-tetrahedron"] {
        let mut a = Trainer::new(preset(name).unwrap()).unwrap();
        for _ in 0..3 {
            a.run_epoch();
        }
        // Mid-epoch too.
        a.step(1);
        let text = a.snapshot().to_json();
        let mut b = Trainer::new(Document::from_json(&text).unwrap()).unwrap();
        assert_eq!(b.epoch(), a.epoch());
        assert_eq!(b.params(), a.params());
        for _ in 0..2 {
            a.run_epoch();
            b.run_epoch();
        }
        assert_eq!(b.params(), a.params(), "{name}");
        assert_eq!(b.history().train_loss, a.history().train_loss, "{name}");
        assert_eq!(b.history().test_acc, a.history().test_acc, "{name}");
        assert_eq!(
            b.history().baseline_test_loss,
            a.history().baseline_test_loss,
            "{name}"
        );
        assert_eq!(b.steps(), a.steps());
        assert_eq!(b.history().evals, a.history().evals, "{name}");
    }
}

/// L-BFGS: one iteration per Step (an epoch), the whole training set evaluated as often as
/// its line search needs, the count in the history; the loss never rises.
#[test]
fn lbfgs_takes_one_iteration_per_step_and_counts_its_evaluations() {
    let mut t = Trainer::new(preset("paper-circle-1q").unwrap()).unwrap();
    let n = t.dataset().train.len();
    let s = t.step(1);
    assert_eq!((s.epoch, t.steps()), (1, 1));
    let e1 = t.history().evals[1];
    assert!(e1 >= 2, "the start and at least one trial point: {e1}");
    assert_eq!(s.samples, n * e1 as usize);
    assert_eq!(t.last_gradient().len(), t.n_params());
    while !t.finished() && t.epoch() < 1000 {
        t.run_epoch();
    }
    assert!(t.converged().is_some(), "L-BFGS converges on its own");
    let h = t.history();
    assert_eq!(h.evals.len(), h.len());
    assert_eq!(*h.evals.last().unwrap(), t.evals());
    assert!(h.evals.windows(2).all(|w| w[0] < w[1]), "{:?}", h.evals);
    assert!(
        h.train_loss.windows(2).all(|w| w[1] <= w[0] + 1e-12),
        "{:?}",
        h.train_loss
    );
    let acc = h.last_test_acc().unwrap();
    assert!(
        acc > 0.9,
        "test accuracy {acc} after {} L-BFGS iterations",
        t.epoch()
    );
}

#[test]
fn lbfgs_convergence_finishes_the_run_until_its_settings_change() {
    let mut d = doc("paper-circle-1q");
    d.training.optimizer = OptimizerSpec::Lbfgs {
        memory: 10,
        ftol: 0.0,
        gtol: 100.0,
        max_line_search: 20,
        max_evals: None,
    };
    let mut t = trainer(d);
    let before = t.params().to_vec();
    let s = t.step(1000);
    assert!(s.finished && s.epoch == 1, "{s:?}");
    assert!(s.converged.as_deref().unwrap().contains("gtol"), "{s:?}");
    assert_eq!(t.params(), before.as_slice());
    assert!(
        t.history().test_acc[1].is_some(),
        "the last epoch is evaluated"
    );
    // Step does nothing more; new settings start L-BFGS again.
    assert_eq!(t.run_epoch().epoch, 1);
    let mut spec = t.training().clone();
    spec.optimizer = OptimizerSpec::lbfgs();
    t.set_training(spec).unwrap();
    assert!(!t.finished());
    t.run_epoch();
    assert_eq!(t.epoch(), 2);
    assert_ne!(t.params(), before.as_slice());
}

#[test]
fn the_baseline_trains_with_lbfgs_too() {
    let mut d = doc("xor-entangled");
    d.training.optimizer = OptimizerSpec::lbfgs();
    d.training.epochs = 6;
    let mut t = trainer(d);
    while !t.finished() {
        assert!(t.step(10_000).error.is_none());
    }
    let h = t.history();
    assert!(
        h.baseline_train_loss.last().unwrap() < &(0.9 * h.baseline_train_loss[0]),
        "{:?}",
        h.baseline_train_loss
    );
    assert!(h.train_loss.last().unwrap() < &h.train_loss[0]);
}

#[test]
fn a_stored_state_that_does_not_fit_the_model_is_refused_with_its_field() {
    let mut t = Trainer::new(preset("default").unwrap()).unwrap();
    t.run_epoch();
    let mut d = t.snapshot();
    if let Some(s) = &mut d.state {
        s.optimizer.first.pop();
    }
    let e = Trainer::new(d.validated().unwrap()).err().unwrap();
    assert_eq!(e.path().as_deref(), Some("state.optimizer"));
}

#[test]
fn update_keeps_training_state_unless_the_model_or_data_change() {
    let mut t = Trainer::new(preset("xor-entangled").unwrap()).unwrap();
    t.run_epoch();
    let trained = t.params().to_vec();
    // A stale copy of the document (initial weights) with a new learning rate and title.
    let mut stale = doc("xor-entangled");
    stale.training.optimizer = OptimizerSpec::adam(0.01);
    stale.title = "renamed".into();
    assert!(t.update(stale.clone().validated().unwrap()).unwrap().kept);
    assert_eq!(t.params(), &trained[..]);
    assert_eq!(t.epoch(), 1);
    assert_eq!(t.document().title, "renamed");
    assert_eq!(t.training().optimizer, OptimizerSpec::adam(0.01));
}

/// Adding a gate, a point or a dense layer keeps the run: the epoch counter and the history go
/// on, the edit is marked, the optimizer's moments follow the kept numbers, and the note names
/// what starts fresh.
#[test]
fn a_structural_edit_keeps_the_run_and_marks_the_history() {
    let mut t = Trainer::new(preset("default").unwrap()).unwrap();
    for _ in 0..3 {
        t.run_epoch();
    }
    let before = t.params().to_vec();
    let moments = t.opt.state();
    let mut d = t.document();
    let mut g = GateSpec::fixed(GateKind::RY, &[3], 60, &[0.0]);
    g.params = vec![Angle::Weight { value: 0.25 }];
    d.circuit.gates.push(g);
    let out = t.update(d.validated().unwrap()).unwrap();
    assert!(!out.kept);
    let note = out.note.unwrap();
    assert!(note.contains("added RY on wire 3"), "{note}");
    assert!(note.contains("RY on wire 3 starts at θ = 0.250"), "{note}");
    assert_eq!(t.epoch(), 3);
    assert_eq!(t.history().len(), 4);
    assert_eq!(t.history().edits.len(), 1);
    assert_eq!(t.history().edits[0].epoch, 3);
    // The circuit's numbers come first; the new θ is the last circuit number, then the head.
    let n = before.len();
    assert_eq!(t.params().len(), n + 1);
    assert_eq!(&t.params()[..n - 2], &before[..n - 2]);
    assert_eq!(t.params()[n - 2], 0.25);
    let m = t.opt.state();
    assert_eq!(m.t, moments.t, "Adam's step count goes on");
    assert_eq!(&m.first[..n - 2], &moments.first[..n - 2]);
    assert_eq!(m.first[n - 2], 0.0);
    assert_eq!(&m.first[n - 1..], &moments.first[n - 2..]);
    // Adding a data point.
    let mut d = t.document();
    d.data.custom.push(vec![0.9, 0.9, 0.0]);
    let out = t.update(d.validated().unwrap()).unwrap();
    assert!(out.note.unwrap().contains("data changed"));
    assert_eq!(t.dataset().train.len(), 101);
    assert_eq!((t.epoch(), t.history().edits.len()), (3, 2));
    t.run_epoch();
    assert_eq!(t.history().len(), 5);
    // An invalid document changes nothing.
    let mut bad = t.document();
    bad.training.batch_size = 0;
    assert!(bad.validated().is_err());
}

#[test]
fn reset_draws_trainable_numbers_only() {
    let mut d = doc("reupload-1q");
    d.head.scale = vec![0.5, 0.5];
    d.head.bias = vec![0.25, 0.25];
    let mut t = trainer(d);
    t.reset(4);
    let after = t.document();
    assert_eq!(after.head.scale, vec![0.5, 0.5]);
    assert_eq!(after.head.bias, vec![0.25, 0.25]);
}

#[test]
fn test_evaluation_follows_its_cadence() {
    let mut t = Trainer::new(preset("reupload-1q").unwrap()).unwrap();
    t.set_test_eval(TestEval::Every(4));
    for _ in 0..6 {
        t.run_epoch();
    }
    let evaluated: Vec<bool> = t.history().test_acc.iter().map(|v| v.is_some()).collect();
    assert_eq!(evaluated, [true, false, false, false, true, false, false]);
    t.set_test_eval(TestEval::OnRequest);
    t.run_epoch();
    assert_eq!(*t.history().test_acc.last().unwrap(), None);
    t.evaluate_test();
    assert!(t.history().test_acc.last().unwrap().is_some());
    // The last epoch is always evaluated.
    let mut d = doc("reupload-1q");
    d.training.epochs = 3;
    let mut t = trainer(d);
    t.set_test_eval(TestEval::Every(100));
    while !t.finished() {
        t.step(1000);
    }
    assert!(t.history().test_acc[3].is_some());
}

#[test]
fn the_baseline_can_match_the_models_parameter_budget() {
    let mut d = doc("default");
    d.baseline = Some(BaselineSpec {
        enabled: true,
        hidden: vec![],
        budget: true,
    });
    let t = trainer(d);
    let (q, c) = (t.n_params(), t.baseline_n_params().unwrap());
    assert!(q.abs_diff(c) * 10 < q, "quantum {q}, classical {c}");
    assert_eq!(t.baseline_hidden().unwrap().len(), 1);
}

/// A document with explicit train and test rows trains on exactly those points, in that split.
#[test]
fn a_fixed_split_trains_on_exactly_its_points() {
    let mut d = doc("default");
    let train: Vec<Vec<f64>> = (0..20)
        .map(|i| vec![i as f64 / 20.0 - 0.5, (i % 7) as f64 / 7.0, (i % 2) as f64])
        .collect();
    let test: Vec<Vec<f64>> = (0..9)
        .map(|i| vec![-(i as f64) / 9.0, 0.3, ((i + 1) % 2) as f64])
        .collect();
    d.data = DatasetSpec {
        kind: DatasetKind::Custom,
        custom: train.clone(),
        test: test.clone(),
        ..DatasetSpec::default()
    };
    let t = trainer(d);
    let got_train: Vec<Vec<f64>> = t
        .dataset()
        .train
        .iter()
        .map(|p| {
            let mut r = p.x.clone();
            r.push(p.label as f64);
            r
        })
        .collect();
    let got_test: Vec<Vec<f64>> = t
        .dataset()
        .test
        .iter()
        .map(|p| {
            let mut r = p.x.clone();
            r.push(p.label as f64);
            r
        })
        .collect();
    assert_eq!(got_train, train);
    assert_eq!(got_test, test);
}

#[test]
fn adam_with_a_huge_learning_rate_stops_too() {
    let mut d = doc("default");
    d.training.optimizer = OptimizerSpec::adam(1e9);
    let mut t = trainer(d);
    let before = t.params().to_vec();
    let s = t.step(16);
    let e = s.error.expect("the first step sends weights to ~1e9");
    assert!(e.contains("1000000000"), "{e}");
    assert_eq!(t.params(), &before[..], "the last finite weights are kept");
}

#[test]
fn training_under_noise_keeps_both_the_noisy_and_the_ideal_curves() {
    let mut d = doc("reupload-1q");
    d.noise = crate::doc::NoiseSpec::preset("NISQ-like").unwrap();
    d.training.epochs = 4;
    let mut t = trainer(d.clone());
    t.reset(1);
    while !t.finished() {
        let s = t.step(64);
        assert!(s.error.is_none(), "{s:?}");
    }
    let h = t.history().clone();
    assert_eq!(h.ideal_train_loss.len(), h.len());
    assert_eq!(h.ideal_test_acc.len(), h.len());
    // Noisy (trained) and ideal losses differ at the same weights, and training lowered the
    // noisy loss.
    assert!(h
        .train_loss
        .iter()
        .zip(&h.ideal_train_loss)
        .all(|(n, i)| (n - i).abs() > 1e-6));
    assert!(h.train_loss[h.len() - 1] < h.train_loss[0]);
    // The ideal series equals an ideal model evaluated at the same weights.
    let ((il, _), _) = t.ideal_metrics();
    assert_eq!(il, *h.ideal_train_loss.last().unwrap());
    // The history round-trips through the document and an ideal document writes none.
    let snap = t.snapshot();
    let back = Document::from_json(&snap.to_json()).unwrap();
    assert_eq!(
        back.state.as_ref().unwrap().history.ideal_test_loss,
        h.ideal_test_loss
    );
    let mut ideal = trainer(doc("reupload-1q"));
    ideal.run_epoch();
    assert!(ideal.history().ideal_train_loss.is_empty());
    // Switching the noise off mid-run drops the ideal series (the main curve is ideal now).
    let mut off = t.spec().clone().into_inner();
    off.noise = crate::doc::NoiseSpec::default();
    t.update(off.validated().unwrap()).unwrap();
    assert!(t.history().ideal_train_loss.is_empty());
}

/// The hybrid presets' preprocessing is fitted on the training split alone (the test split
/// must not leak into the mean, the scale or the principal components), and their 80/20 split
/// keeps every class's share in both halves, for each of the accuracy benchmark's seeds.
#[test]
fn hybrid_preprocessing_is_fitted_on_the_stratified_training_split_only() {
    for (name, pca) in [("iris-hybrid", None), ("breast-cancer-hybrid", Some(4))] {
        for seed in 1..=5 {
            let mut d = doc(name);
            d.data.seed = seed;
            d.training.seed = seed;
            let t = trainer(d);
            let data = t.dataset();
            let p = t.model().preprocessor();
            let n = data.train.len() as f64;
            let mean = |pts: &[crate::data::Point], j: usize| {
                pts.iter().map(|q| q.x[j]).sum::<f64>() / pts.len() as f64
            };
            let all: Vec<_> = data.train.iter().chain(&data.test).cloned().collect();
            let mut leaks = false;
            for j in 0..data.dim {
                let m = mean(&data.train, j);
                let var = data.train.iter().map(|q| (q.x[j] - m).powi(2)).sum::<f64>() / n;
                assert!((p.mean()[j] - m).abs() < 1e-12, "{name} {seed}: mean {j}");
                assert!(
                    (p.std()[j] - var.sqrt()).abs() < 1e-12,
                    "{name} {seed}: std {j}"
                );
                leaks |= (p.mean()[j] - mean(&all, j)).abs() > 1e-9;
            }
            assert!(
                leaks,
                "{name} {seed}: the whole data's mean would not be told apart"
            );
            assert_eq!(p.n_out(), pca.unwrap_or(data.dim), "{name}");
            // The standardised, projected training inputs are centred and, with PCA, their
            // components uncorrelated (they are the training split's own).
            let mut z = Vec::new();
            let zs: Vec<Vec<f64>> = data
                .train
                .iter()
                .map(|q| {
                    p.apply(&q.x, &mut z);
                    z.clone()
                })
                .collect();
            for a in 0..p.n_out() {
                let ma = zs.iter().map(|v| v[a]).sum::<f64>() / n;
                assert!(ma.abs() < 1e-9, "{name} {seed}: component {a} mean {ma}");
                for b in (0..a).filter(|_| pca.is_some()) {
                    let c = zs.iter().map(|v| v[a] * v[b]).sum::<f64>() / n;
                    assert!(c.abs() < 1e-9, "{name} {seed}: components {a},{b} cov {c}");
                }
            }
            for class in 0..data.n_classes {
                let count =
                    |pts: &[crate::data::Point]| pts.iter().filter(|q| q.label == class).count();
                let (tr, te) = (count(&data.train), count(&data.test));
                let share = (tr + te) as f64 * 0.2;
                assert!(
                    (te as f64 - share).abs() <= 1.0,
                    "{name} {seed}: class {class} has {te} test points of {}",
                    tr + te
                );
            }
        }
    }
}

/// The page leaves a slow model's evaluation to its worker: a deferred evaluation, settled here,
/// through a snapshot on another trainer, or by the next epoch, gives the very history (and
/// weights) of evaluating at once — for a new document, a structural edit and new weights,
/// with a baseline and noise (their curves too).
#[test]
fn a_deferred_evaluation_gives_the_history_of_evaluating_at_once() {
    let mut d = doc("default");
    d.noise = crate::doc::NoiseSpec::preset("mild").unwrap();
    d.baseline = Some(BaselineSpec {
        enabled: true,
        hidden: vec![4],
        budget: false,
    });
    let valid = || d.clone().validated().unwrap();
    let edited = |t: &Trainer| {
        let mut e = t.document();
        let col = 60 + e.circuit.gates.len();
        let mut g = GateSpec::fixed(GateKind::RY, &[1], col, &[0.0]);
        g.params = vec![Angle::Weight { value: 0.4 }];
        e.circuit.gates.push(g);
        e.validated().unwrap()
    };
    let same = |a: &Trainer, b: &Trainer, what: &str| {
        assert!(!b.unevaluated(), "{what}");
        assert_eq!(a.history(), b.history(), "{what}");
        assert_eq!(a.params(), b.params(), "{what}");
        assert_eq!(a.snapshot().to_json(), b.snapshot().to_json(), "{what}");
    };

    let mut now = Trainer::new(valid()).unwrap();
    let mut later = Trainer::new_unevaluated(valid()).unwrap();
    assert!(later.unevaluated());
    assert!(later.history().is_empty(), "nothing recorded yet");
    later.settle();
    same(&now, &later, "a new document, settled");

    for _ in 0..2 {
        now.run_epoch();
        later.run_epoch();
    }
    // A structural edit: the latest entry waits, through a snapshot on another trainer.
    let e = edited(&now);
    now.update(e.clone()).unwrap();
    later.deferring(|t| t.update(e)).unwrap();
    assert!(later.unevaluated());
    assert_ne!(
        later.history(),
        now.history(),
        "the entry of epoch 2 is still the old model's"
    );
    let snap = later.snapshot();
    assert!(snap.to_json().contains("\"unevaluated\": true"));
    let mut worker = Trainer::new(snap.validated().unwrap()).unwrap();
    assert!(worker.unevaluated(), "the snapshot carries what is owed");
    worker.settle();
    same(&now, &worker, "an edit, settled on another trainer");
    // Settled by training on: the next epoch records the edit first.
    later.run_epoch();
    now.run_epoch();
    same(&now, &later, "an edit, settled by the next epoch");

    // New weights, then an edit on top, both waiting; the shared-batch path settles too.
    now.reset(9);
    later.deferring(|t| t.reset(9));
    assert!(later.unevaluated() && later.history().is_empty());
    let e = edited(&now);
    now.update(e.clone()).unwrap();
    later.deferring(|t| t.update(e)).unwrap();
    assert!(later.unevaluated());
    let plan = later.plan_batch();
    assert!(!later.unevaluated(), "planning a batch settles first");
    assert!(plan.is_some() || later.finished());
    now.settle();
    assert_eq!(now.history(), later.history(), "new weights and an edit");
    // Nothing owed: settling changes nothing.
    let h = later.history().clone();
    later.settle();
    assert_eq!(&h, later.history());
}

#[test]
fn a_grids_rows_computed_apart_put_together_are_the_grid_bit_for_bit() {
    // Two classes (batched rows), three classes with a hybrid pre-net on a preprocessed plane,
    // and the default playground under noise (cell by cell).
    let mut noisy = doc("default");
    noisy.noise = crate::doc::NoiseSpec::preset("mild").unwrap();
    for (d, plane) in [
        (doc("default"), Plane::raw([0, 1])),
        (doc("gaussians3"), Plane::raw([0, 1])),
        (
            doc("breast-cancer-hybrid"),
            Plane {
                axes: [0, 1],
                preprocessed: true,
            },
        ),
        (noisy, Plane::raw([0, 1])),
    ] {
        let mut t = trainer(d);
        t.run_epoch();
        let n = 9;
        let whole = t.grid_on(n, plane);
        let mut parts = t.grid_rows_on(n, plane, 0..4);
        parts.extend(t.grid_rows_on(n, plane, 4..7));
        parts.extend(t.grid_rows_on(n, plane, 7..n));
        assert_eq!(parts.len(), n * n);
        for (a, b) in whole.iter().zip(&parts) {
            assert_eq!(a.class, b.class);
            assert_eq!(a.confidence.to_bits(), b.confidence.to_bits());
        }
        // Rows past the grid are left out.
        assert!(t.grid_rows_on(n, plane, 8..20).len() == n);
        assert!(t.grid_rows_on(n, plane, 12..20).is_empty());
    }
}
