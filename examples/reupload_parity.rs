//! Controlled experiment for the data re-uploading demo: train our `Model` + `Optimizer` on
//! PennyLane's exact data and initial weights (dumped by `bench/reupload_parity.py`) under
//! several batch schedules, and compare with PennyLane's own trained weights when present.
//!
//! ```text
//! python bench/reupload_parity.py [--train] 1 2 3 > /tmp/parity.jsonl
//! cargo run --release --example reupload_parity -- /tmp/parity.jsonl
//! ```
//!
//! Schedules (10 epochs, batch 32, Adam 0.6):
//! - `inorder-drop`: batches in order, remainder dropped (PennyLane's demo: 6 steps per epoch);
//! - `inorder-keep`: in order, the remainder of 8 points is a 7th step;
//! - `shuffle-keep`: reshuffled every epoch, remainder kept (the trainer before the fix);
//! - `shuffle-drop`: reshuffled every epoch, remainder dropped;
//! - `once-merge`: shuffled once from the seed, then the same order every epoch, the remainder
//!   joining the last batch (the trainer now).
//!
//! It also runs the CLI's own path (`Trainer` on the preset, `reset(seed)`) with the preset's
//! fixed data seed and with the data seed set to the run's seed, to separate data luck from the
//! schedule.

use qmlp::doc;
use qmlp::learn::optim::OptimizerSpec;
use qmlp::model::Model;
use qmlp::rng::Rng;
use qmlp::train::Trainer;

#[derive(Clone, Copy, PartialEq)]
enum Schedule {
    InorderDrop,
    InorderKeep,
    ShuffleKeep,
    ShuffleDrop,
    OnceMerge,
}

const SCHEDULES: [(Schedule, &str); 5] = [
    (Schedule::InorderDrop, "inorder-drop"),
    (Schedule::InorderKeep, "inorder-keep"),
    (Schedule::ShuffleKeep, "shuffle-keep"),
    (Schedule::ShuffleDrop, "shuffle-drop"),
    (Schedule::OnceMerge, "once-merge"),
];

struct Case {
    seed: u64,
    train: Vec<([f64; 2], usize)>,
    test: Vec<([f64; 2], usize)>,
    init: Vec<f64>,
    pl_final: Option<Vec<f64>>,
    pl_test_acc: Option<f64>,
}

fn points(xs: &serde_json::Value, ys: &serde_json::Value) -> Vec<([f64; 2], usize)> {
    let xs = xs.as_array().cloned().unwrap_or_default();
    let ys = ys.as_array().cloned().unwrap_or_default();
    xs.iter()
        .zip(&ys)
        .map(|(x, y)| {
            let a = x[0].as_f64().unwrap_or(f64::NAN);
            let b = x[1].as_f64().unwrap_or(f64::NAN);
            ([a, b], y.as_u64().unwrap_or(0) as usize)
        })
        .collect()
}

fn flat(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .map(|rows| {
            rows.iter()
                .flat_map(|r| r.as_array().cloned().unwrap_or_default())
                .filter_map(|x| x.as_f64())
                .collect()
        })
        .unwrap_or_default()
}

fn accuracy(model: &mut Model, pts: &[([f64; 2], usize)]) -> f64 {
    let ok = pts
        .iter()
        .filter(|(x, y)| model.predict(x).class == *y)
        .count();
    ok as f64 / pts.len() as f64
}

/// Trains the preset's model from `case.init` on `case.train` with the given schedule; returns
/// the final weights and the test accuracy.
fn train(case: &Case, schedule: Schedule) -> (Vec<f64>, f64) {
    let d = doc::preset("reupload-1q").expect("preset exists");
    let mut model = Model::new(&d, &[]).expect("preset builds");
    let mut params = case.init.clone();
    let mut opt = OptimizerSpec::adam(0.6).build(params.len());
    let mut grad = vec![0.0; params.len()];
    let mut rng = Rng::new(case.seed);
    let mut order: Vec<usize> = (0..case.train.len()).collect();
    let bs = 32;
    for epoch in 0..10 {
        if matches!(schedule, Schedule::ShuffleKeep | Schedule::ShuffleDrop)
            || (schedule == Schedule::OnceMerge && epoch == 0)
        {
            rng.shuffle(&mut order);
        }
        let keep = matches!(schedule, Schedule::ShuffleKeep | Schedule::InorderKeep);
        let full = order.len() / bs;
        let mut batches: Vec<&[usize]> = order.chunks(bs).collect();
        if schedule == Schedule::OnceMerge && full > 0 && batches.len() > full {
            batches.truncate(full);
            batches[full - 1] = &order[(full - 1) * bs..];
        }
        for batch in batches {
            if batch.len() < bs && !keep && schedule != Schedule::OnceMerge {
                break;
            }
            model.set_params(&params);
            grad.iter_mut().for_each(|g| *g = 0.0);
            for &i in batch {
                let (x, y) = case.train[i];
                model.loss_and_grad(&x, y, &mut grad);
            }
            grad.iter_mut().for_each(|g| *g /= batch.len() as f64);
            opt.step(&mut params, &grad);
        }
    }
    model.set_params(&params);
    let acc = accuracy(&mut model, &case.test);
    (params, acc)
}

/// The CLI's path: the preset, `--seed seed`, optionally with the data seed set to `seed` too.
fn cli(seed: u64, data_seed: Option<u64>) -> f64 {
    let mut d = doc::preset("reupload-1q")
        .expect("preset exists")
        .into_inner();
    if let Some(s) = data_seed {
        d.data.seed = s;
    }
    let mut t = Trainer::new(d.validated().expect("valid")).expect("preset trains");
    t.reset(seed);
    while !t.finished() {
        t.run_epoch();
    }
    t.history().last_test_acc().unwrap_or(0.0)
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: reupload_parity CASES.jsonl (from bench/reupload_parity.py)");
    let text = std::fs::read_to_string(&path).expect("readable cases file");
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
            Case {
                seed: v["seed"].as_u64().unwrap_or(0),
                train: points(&v["train_x"], &v["train_y"]),
                test: points(&v["test_x"], &v["test_y"]),
                init: flat(&v["init"]),
                pl_final: v.get("pl_final").map(flat),
                pl_test_acc: v["pl_test_acc"].as_f64(),
            }
        })
        .collect();

    let mut cols: Vec<(String, Vec<f64>)> = SCHEDULES
        .iter()
        .map(|(_, n)| (format!("pl-data {n}"), Vec::new()))
        .collect();
    cols.push(("cli data-seed 1".into(), Vec::new()));
    cols.push(("cli data-seed=seed".into(), Vec::new()));
    let mut pl_accs = Vec::new();

    print!("| seed |");
    if cases.iter().any(|c| c.pl_test_acc.is_some()) {
        print!(" PennyLane | max abs Δθ vs PL |");
    }
    for (n, _) in &cols {
        print!(" {n} |");
    }
    println!();
    print!("|---|");
    if cases.iter().any(|c| c.pl_test_acc.is_some()) {
        print!("---|---|");
    }
    for _ in &cols {
        print!("---|");
    }
    println!();
    for case in &cases {
        print!("| {} |", case.seed);
        let mut row = Vec::new();
        for (k, (s, _)) in SCHEDULES.iter().enumerate() {
            let (p, acc) = train(case, *s);
            if k == 0 {
                if let (Some(pl), Some(pacc)) = (&case.pl_final, case.pl_test_acc) {
                    let dev = p
                        .iter()
                        .zip(pl)
                        .map(|(a, b)| (a - b).abs())
                        .fold(0.0, f64::max);
                    print!(" {pacc:.4} | {dev:.1e} |");
                    pl_accs.push(pacc);
                }
            }
            row.push(acc);
        }
        row.push(cli(case.seed, None));
        row.push(cli(case.seed, Some(case.seed)));
        for (v, (_, col)) in row.iter().zip(cols.iter_mut()) {
            print!(" {v:.4} |");
            col.push(*v);
        }
        println!();
    }
    print!("| **median** |");
    if !pl_accs.is_empty() {
        print!(" {:.4} | |", median(&pl_accs));
    }
    for (_, col) in &cols {
        print!(" {:.4} |", median(col));
    }
    println!();
    if cases.len() >= 10 {
        // How much a 5-seed median moves with the seeds: medians of consecutive groups of 5.
        print!(
            "| 5-seed medians, min–max over {} groups |",
            cases.len() / 5
        );
        if !pl_accs.is_empty() {
            print!(" | |");
        }
        for (_, col) in &cols {
            let meds: Vec<f64> = col.chunks_exact(5).map(median).collect();
            let lo = meds.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = meds.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            print!(" {lo:.3}–{hi:.3} |");
        }
        println!();
    }
    print!("| mean |");
    if !pl_accs.is_empty() {
        print!(
            " {:.4} | |",
            pl_accs.iter().sum::<f64>() / pl_accs.len() as f64
        );
    }
    for (_, col) in &cols {
        print!(" {:.4} |", col.iter().sum::<f64>() / col.len() as f64);
    }
    println!();
}
