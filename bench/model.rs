//! Hybrid-model benchmark (printed figures, never assertions).
//!
//! - **W2**: one epoch of forward + gradient of the MSE over 200 points for the 2-, 4- and
//!   8-qubit data re-uploading classifier with 4 layers (the `reupload` template: per layer and
//!   qubit RX(w·x1+b), RY(w·x2+b), Rot(θ1, θ2, θ3), then a CNOT ring; readout ⟨Z0⟩; no head).
//! - **W3**: one 64×64 decision grid (`Model::grid`) of the 4-qubit model.
//! - **W6**: W2's epoch for a 12-qubit model with 3 layers (same layer shape).
//! - **W4**: one epoch of forward + gradient of the `iris-hybrid` preset (standardised Iris,
//!   Dense(4→4, tanh) → 4 qubits, angle embedding + 2 strongly entangling layers → ⟨Z⟩ per wire
//!   → Dense(4→3), softmax cross-entropy) over its 120 training points at its initial weights;
//!   `bench/w4_compare.sh` times the same model exported to PennyLane + torch.
//!
//! W2 and W6 run `Model::loss_and_grad_batch` (the batched path); the one-point API's time for
//! the same epoch is printed beside it.
//!
//! Points, labels and weights are deterministic formulas shared with `bench/model_pennylane.py`
//! and `bench/model.mjs` (so all three compute the same numbers: the loss and gradient norm are
//! printed as a cross-check). `cargo bench --bench model [FILTER]`; `QUICK=1` for fewer reps;
//! `BENCH_JSON=path` also writes the figures as JSON for `bench/model_compare.sh`.

use qmlp::doc::{self, Head, Readout, ValidDocument};
use qmlp::learn::loss::LossKind;
use qmlp::model::{GridSpace, Model};
use std::hint::black_box;
use std::time::Instant;

/// The W2 points: an R2 low-discrepancy sequence in [-1, 1]²; label 1 inside the circle of
/// radius √(2/π) (target −1), label 0 outside (target +1).
fn points(n: usize) -> (Vec<[f64; 2]>, Vec<usize>) {
    const A1: f64 = 0.754_877_666_246_692_7;
    const A2: f64 = 0.569_840_290_998_053_2;
    let xs: Vec<[f64; 2]> = (0..n)
        .map(|k| {
            let k = k as f64;
            let f = |a: f64| {
                let v = 0.5 + k * a;
                2.0 * (v - v.floor()) - 1.0
            };
            [f(A1), f(A2)]
        })
        .collect();
    let labels = xs
        .iter()
        .map(|x| usize::from(x[0] * x[0] + x[1] * x[1] < 2.0 / std::f64::consts::PI))
        .collect();
    (xs, labels)
}

/// The deterministic weights: `p_j = sin(j + 1)`.
fn weights(n: usize) -> Vec<f64> {
    (0..n).map(|j| ((j + 1) as f64).sin()).collect()
}

/// The W2 document: `layers` re-uploading layers on `qubits`, ⟨Z0⟩, MSE, no trainable head.
fn document(qubits: usize, layers: usize) -> ValidDocument {
    let mut d = doc::preset("default")
        .expect("the default preset exists")
        .into_inner();
    d.circuit.qubits = qubits;
    d.circuit.gates.clear();
    for l in 0..layers {
        let col = doc::next_col(&d.circuit.gates);
        d.circuit.gates.extend(
            doc::template("reupload", qubits, col, 1 + l as u64).expect("the reupload template"),
        );
    }
    d.readout = Readout::Expval {
        observables: vec!["Z0".into()],
    };
    d.head = Head {
        trainable: false,
        scale: vec![1.0],
        bias: vec![0.0],
    };
    d.training.loss = LossKind::Mse;
    d.validated().expect("the W2 document is valid")
}

/// Best and median seconds of `reps` calls of `f` after two warm-up calls.
fn time(reps: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    f();
    let mut ts: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    ts.sort_by(|a, b| a.total_cmp(b));
    (ts[0], ts[ts.len() / 2])
}

fn ms(s: f64) -> String {
    if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

fn main() {
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_default();
    let quick = std::env::var("QUICK").is_ok_and(|v| v == "1");
    let (xs, labels) = points(200);
    let refs: Vec<&[f64]> = xs.iter().map(|x| x.as_slice()).collect();
    let mut json = Vec::new();

    println!("\n## W2 / W6: one epoch of forward + gradient of the MSE, 200 points\n");
    println!(
        "| workload | qubits | layers | params | best | median | per point | point by point (best) | loss | ‖grad‖ |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, q, layers) in [
        ("W2", 2usize, 4usize),
        ("W2", 4, 4),
        ("W2", 8, 4),
        ("W6", 12, 3),
    ] {
        if !format!("{} q{q}", name.to_lowercase()).contains(&filter) {
            continue;
        }
        let mut model = Model::new(&document(q, layers), &[]).expect("the W2/W6 model builds");
        let p = weights(model.n_params());
        model.set_params(&p);
        let mut grad = vec![0.0; model.n_params()];
        let mut loss = 0.0;
        let reps = match (quick, q > 8) {
            (true, false) => 20,
            (true, true) => 3,
            (false, false) => 800 / q,
            (false, true) => 20,
        };
        let (best, med) = time(reps, || {
            grad.iter_mut().for_each(|g| *g = 0.0);
            loss = model.loss_and_grad_batch(black_box(&refs), &labels, &mut grad);
            black_box(&grad);
        });
        // The same epoch through the one-point API (the path circuits that cannot be batched take).
        let (single, _) = time(reps / 4 + 1, || {
            grad.iter_mut().for_each(|g| *g = 0.0);
            for (x, &l) in xs.iter().zip(&labels) {
                model.loss_and_grad(black_box(&x[..]), l, &mut grad);
            }
            black_box(&grad);
        });
        grad.iter_mut().for_each(|g| *g = 0.0);
        loss = model.loss_and_grad_batch(&refs, &labels, &mut grad);
        let n = xs.len() as f64;
        let mean_loss = loss / n;
        let gnorm = grad.iter().map(|g| (g / n) * (g / n)).sum::<f64>().sqrt();
        println!(
            "| {name} | {q} | {layers} | {} | {} | {} | {} | {} | {mean_loss:.10} | {gnorm:.10} |",
            p.len(),
            ms(best),
            ms(med),
            ms(best / n),
            ms(single)
        );
        json.push(format!(
            "{{\"workload\":\"{name}\",\"qubits\":{q},\"best_ms\":{},\"median_ms\":{},\"loss\":{mean_loss},\"grad_norm\":{gnorm}}}",
            best * 1e3,
            med * 1e3
        ));
    }

    if "w3 q4 grid".contains(&filter) {
        println!("\n## W3: one 64×64 decision grid, 4 qubits, 4 layers\n");
        println!("| qubits | cells | best | median | per cell | mean confidence |");
        println!("|---:|---:|---:|---:|---:|---:|");
        let mut model = Model::new(&document(4, 4), &[]).expect("the W3 model builds");
        let p = weights(model.n_params());
        model.set_params(&p);
        let mut mean = 0.0;
        let reps = if quick { 10 } else { 100 };
        let (best, med) = time(reps, || {
            let g = model.grid(
                black_box([-1.2, 1.2, -1.2, 1.2]),
                64,
                &GridSpace::first_two(),
            );
            mean = g.iter().map(|c| c.confidence).sum::<f64>() / g.len() as f64;
        });
        println!(
            "| 4 | 4096 | {} | {} | {} | {mean:.10} |",
            ms(best),
            ms(med),
            ms(best / 4096.0)
        );
        json.push(format!(
            "{{\"workload\":\"W3\",\"qubits\":4,\"best_ms\":{},\"median_ms\":{},\"mean_confidence\":{mean}}}",
            best * 1e3,
            med * 1e3
        ));
    }

    if "w4 iris".contains(&filter) {
        println!("\n## W4: one epoch of forward + gradient of the Iris hybrid model, 120 points\n");
        println!("| params | best | median | per point | loss | ‖grad‖ |");
        println!("|---:|---:|---:|---:|---:|---:|");
        let d = doc::preset("iris-hybrid").expect("the iris-hybrid preset exists");
        let data = d.data.generate().expect("the Iris split");
        let mut model = Model::new(&d, &data.train).expect("the W4 model builds");
        let xs: Vec<&[f64]> = data.train.iter().map(|p| p.x.as_slice()).collect();
        let ys: Vec<usize> = data.train.iter().map(|p| p.label).collect();
        let mut grad = vec![0.0; model.n_params()];
        let reps = if quick { 20 } else { 400 };
        let (best, med) = time(reps, || {
            grad.iter_mut().for_each(|g| *g = 0.0);
            black_box(model.loss_and_grad_batch(black_box(&xs), &ys, &mut grad));
        });
        grad.iter_mut().for_each(|g| *g = 0.0);
        let n = xs.len() as f64;
        let loss = model.loss_and_grad_batch(&xs, &ys, &mut grad) / n;
        let gnorm = grad.iter().map(|g| (g / n) * (g / n)).sum::<f64>().sqrt();
        println!(
            "| {} | {} | {} | {} | {loss:.10} | {gnorm:.10} |",
            model.n_params(),
            ms(best),
            ms(med),
            ms(best / n)
        );
        json.push(format!(
            "{{\"workload\":\"W4\",\"qubits\":4,\"best_ms\":{},\"median_ms\":{},\"loss\":{loss},\"grad_norm\":{gnorm}}}",
            best * 1e3,
            med * 1e3
        ));
    }

    if let Ok(path) = std::env::var("BENCH_JSON") {
        let text = format!("[{}]\n", json.join(",\n"));
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {path}: {e}");
        }
    }
}
