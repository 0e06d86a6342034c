//! How shared batches scale (issue 18), natively: a 3-layer data re-uploading circuit on 12
//! qubits (RX(x1) RY(x2) Rot(θ) on every wire, a CNOT chain; batches of 32 = four shards of 8),
//! trained for two epochs by one trainer planning each batch and `k` threads computing its
//! shards (thread 0 the planner's own, the others on trainers built from the same document),
//! for k = 1, 2 and the machine's cores. Prints epochs per second and checks that every k ends
//! with the same weights, bit for bit.
//!
//! `cargo run --release --example parallel_scaling [qubits]`
use qmlp::doc::Document;
use qmlp::train::{ShardResult, Trainer};
use std::time::Instant;

fn document(q: usize) -> Document {
    let mut d: serde_json::Value =
        serde_json::from_str(&qmlp::doc::preset("default").unwrap().into_inner().to_json())
            .unwrap();
    let mut gates = Vec::new();
    let (mut col, mut k) = (0, 0usize);
    for _ in 0..3 {
        for w in 0..q {
            let up = |f: &str, c: usize| serde_json::json!({"gate": if f == "x1" {"RX"} else {"RY"}, "wires": [w], "params": [{"kind": "reupload", "feature": f, "w": 1, "b": 0}], "col": c});
            gates.push(up("x1", col));
            gates.push(up("x2", col + 1));
            let th: Vec<_> = (0..3)
                .map(|_| {
                    k += 1;
                    serde_json::json!({"kind": "weight", "value": ((k - 1) as f64 * 0.37) % 1.0})
                })
                .collect();
            gates.push(
                serde_json::json!({"gate": "Rot", "wires": [w], "params": th, "col": col + 2}),
            );
        }
        col += 3;
        for w in 0..q - 1 {
            gates.push(
                serde_json::json!({"gate": "CNOT", "wires": [w, w + 1], "params": [], "col": col}),
            );
            col += 1;
        }
    }
    d["circuit"]["qubits"] = q.into();
    d["circuit"]["gates"] = gates.into();
    d["training"]["batch_size"] = 32.into();
    d["training"]["epochs"] = 2.into();
    Document::from_json(&d.to_string()).unwrap().into_inner()
}

fn main() {
    let q: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(12);
    let d = document(q);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut ks = vec![1, 2, cores];
    ks.dedup();
    let mut first: Option<Vec<u64>> = None;
    for k in ks {
        let build = || Trainer::new(d.clone().validated().unwrap()).unwrap();
        let mut lead = build();
        let mut helpers: Vec<Trainer> = (1..k).map(|_| build()).collect();
        let t0 = Instant::now();
        while !lead.finished() {
            let plan = lead.plan_batch().expect("minibatches can be shared");
            let n = plan.shards.len();
            let mut results: Vec<Option<ShardResult>> = vec![None; n];
            std::thread::scope(|s| {
                let plan = &plan;
                let handles: Vec<_> = helpers
                    .iter_mut()
                    .enumerate()
                    .map(|(j, h)| {
                        s.spawn(move || {
                            (j + 1..n)
                                .step_by(k)
                                .map(|i| {
                                    (i, h.compute_shard(&plan.params, &plan.shards[i]).unwrap())
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                for i in (0..n).step_by(k) {
                    results[i] = Some(lead.compute_shard(&plan.params, &plan.shards[i]).unwrap());
                }
                for h in handles {
                    for (i, r) in h.join().unwrap() {
                        results[i] = Some(r);
                    }
                }
            });
            let results: Vec<ShardResult> = results.into_iter().map(Option::unwrap).collect();
            lead.finish_batch(&results).unwrap();
        }
        let secs = t0.elapsed().as_secs_f64();
        let bits: Vec<u64> = lead.params().iter().map(|p| p.to_bits()).collect();
        let same = first.get_or_insert_with(|| bits.clone()) == &bits;
        println!(
            "{q} qubits, 3 layers, batches of 32: k = {k}: {:.3} epochs/s ({} of {cores} cores), weights identical to k = 1: {same}",
            lead.epoch() as f64 / secs,
            k
        );
        assert!(same);
    }
}
