use super::*;
use crate::doc::preset;
use crate::learn::optim::OptimizerSpec;

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
    // Chance is about 0.5; ten epochs of Adam at lr 0.6 land near 0.8-0.9 (the benchmark
    // compares five seeds with PennyLane side by side).
    assert!(*h.test_acc.last().unwrap() > 0.7, "{:?}", h.test_acc);
    assert!(h.test_acc[10] > h.test_acc[0] + 0.15, "{:?}", h.test_acc);
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
    let mut doc = preset("default").unwrap();
    doc.training.optimizer = OptimizerSpec::Sgd { lr: 1e9 };
    let mut t = Trainer::new(doc).unwrap();
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
            let mut spec = t.document().training;
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
    let mut spec = t.document().training;
    spec.batch_size = 8;
    t.set_training(spec).unwrap();
    assert_eq!(t.params(), &p[..]);
    assert_eq!(t.history().train_loss.len(), 2);
    let mut bad = t.document().training;
    bad.batch_size = 0;
    assert!(t.set_training(bad).unwrap_err().0.contains("batch_size"));
    assert_eq!(t.document().training.batch_size, 8);
}

#[test]
fn document_carries_the_trained_weights() {
    let mut t = Trainer::new(preset("reupload-1q").unwrap()).unwrap();
    t.run_epoch();
    let doc = t.document();
    let again = Trainer::new(doc).unwrap();
    assert_eq!(again.params(), t.params());
}

#[test]
fn update_keeps_training_state_unless_the_model_or_data_change() {
    let mut t = Trainer::new(preset("xor-entangled").unwrap()).unwrap();
    t.run_epoch();
    let trained = t.params().to_vec();
    // A stale copy of the document (initial weights) with a new learning rate and title.
    let mut stale = preset("xor-entangled").unwrap();
    stale.training.optimizer = OptimizerSpec::adam(0.01);
    stale.title = "renamed".into();
    assert!(t.update(stale.clone()).unwrap());
    assert_eq!(t.params(), &trained[..]);
    assert_eq!(t.epoch(), 1);
    assert_eq!(t.document().title, "renamed");
    assert_eq!(t.document().training.optimizer, OptimizerSpec::adam(0.01));
    // A structural change starts over.
    stale.data.noise = 0.1;
    assert!(!t.update(stale.clone()).unwrap());
    assert_eq!(t.epoch(), 0);
    // A seed change is structural too (it changes initial data shuffling and the dataset's own seed
    // is in `data`), while an invalid document changes nothing.
    stale.training.batch_size = 0;
    assert!(t.update(stale).is_err());
    assert_eq!(t.document().data.noise, 0.1);
}

#[test]
fn adam_with_a_huge_learning_rate_stops_too() {
    let mut doc = preset("default").unwrap();
    doc.training.optimizer = OptimizerSpec::adam(1e9);
    let mut t = Trainer::new(doc).unwrap();
    let before = t.params().to_vec();
    let s = t.step(16);
    let e = s.error.expect("the first step sends weights to ~1e9");
    assert!(e.contains("1000000000"), "{e}");
    assert_eq!(t.params(), &before[..], "the last finite weights are kept");
}
