use super::*;
use crate::data::DatasetKind;
use crate::doc::{preset, template, GateSpec};
use crate::sim::GateKind;

/// Documents covering every readout, loss and binding kind.
fn documents() -> Vec<Document> {
    let mut docs: Vec<Document> = ["default", "reupload-1q", "xor-entangled", "gaussians3"]
        .iter()
        .map(|n| preset(n).unwrap())
        .collect();
    // BCE with a feature-scaled encoding, a range feature map and a controlled rotation.
    let mut d = preset("xor-entangled").unwrap();
    d.features.range = Some([-1.5, 2.5]);
    d.circuit.gates = template("angle_embedding", 2, 0, 1).unwrap();
    d.circuit
        .gates
        .extend(template("strongly_entangling", 2, 1, 2).unwrap());
    let mut crx = GateSpec::fixed(GateKind::RY, &[1], 10, &[0.0]);
    crx.controls = vec![0];
    crx.params = vec![Angle::Reupload {
        feature: Feature::SinX1,
        w: 0.7,
        b: -0.2,
    }];
    d.circuit.gates.push(crx);
    d.circuit.gates.push(GateSpec {
        gate: GateKind::IsingXX,
        wires: vec![0, 1],
        controls: vec![],
        params: vec![Angle::Weight { value: 0.4 }],
        col: 11,
    });
    d.training.loss = LossKind::Bce;
    docs.push(d);
    // MSE with one output per class on three classes.
    let mut d = preset("gaussians3").unwrap();
    d.training.loss = LossKind::Mse;
    docs.push(d);
    docs
}

#[test]
fn loss_gradient_matches_finite_differences_for_every_kind() {
    for (di, doc) in documents().iter().enumerate() {
        doc.validate().unwrap();
        let mut m = Model::new(doc).unwrap();
        m.reinit(7 + di as u64);
        let p0 = m.params().to_vec();
        for (x, label) in [
            ([0.3, -0.6], 0),
            ([-0.8, 0.1], 1),
            ([0.5, 0.9], m.n_classes() - 1),
        ] {
            let mut grad = vec![0.0; m.n_params()];
            m.set_params(&p0);
            let l = m.loss_and_grad(x, label, &mut grad);
            assert!((l - m.loss(x, label)).abs() < 1e-12);
            for i in 0..p0.len() {
                let h = 1e-6;
                let mut p = p0.clone();
                p[i] += h;
                m.set_params(&p);
                let lp = m.loss(x, label);
                p[i] -= 2.0 * h;
                m.set_params(&p);
                let lm = m.loss(x, label);
                let fd = (lp - lm) / (2.0 * h);
                assert!(
                    (grad[i] - fd).abs() < 1e-7,
                    "doc {di} param {i}: adjoint {} vs fd {fd}",
                    grad[i]
                );
            }
        }
    }
}

#[test]
fn shot_gradient_approaches_the_exact_gradient() {
    let mut doc = preset("reupload-1q").unwrap();
    let mut exact = Model::new(&doc).unwrap();
    let x = [0.2, -0.4];
    let mut g_exact = vec![0.0; exact.n_params()];
    exact.loss_and_grad(x, 1, &mut g_exact);
    doc.training.shots = Some(200_000);
    let mut shots = Model::new(&doc).unwrap();
    let mut g_shots = vec![0.0; shots.n_params()];
    shots.loss_and_grad(x, 1, &mut g_shots);
    for (a, b) in g_exact.iter().zip(&g_shots) {
        assert!((a - b).abs() < 0.02, "{g_exact:?} vs {g_shots:?}");
    }
    // Few shots give a visibly noisy estimate.
    doc.training.shots = Some(10);
    let mut noisy = Model::new(&doc).unwrap();
    let outs: Vec<f64> = (0..20).map(|_| noisy.forward(x)[0]).collect();
    assert!(outs.iter().any(|v| (v - outs[0]).abs() > 1e-9));
}

#[test]
fn write_params_round_trips_through_the_document() {
    let mut doc = preset("default").unwrap();
    let mut m = Model::new(&doc).unwrap();
    m.reinit(3);
    m.write_params(&mut doc);
    let m2 = Model::new(&doc).unwrap();
    assert_eq!(m.params(), m2.params());
    assert_eq!(m.n_params(), 4 * 3 * (2 * 2 + 3) + 2);
}

#[test]
fn bound_ops_resolve_features_and_weights() {
    let doc = preset("reupload-1q").unwrap();
    let mut m = Model::new(&doc).unwrap();
    let ops = m.bound_ops([0.25, -0.5]);
    assert_eq!(ops.len(), 6);
    assert_eq!(ops[0].kind, GateKind::Rot);
    assert_eq!(&ops[0].params, &[0.25, -0.5, 0.0]);
}

#[test]
fn predictions_follow_the_documented_conventions() {
    let mut doc = preset("default").unwrap();
    // Empty circuit: <Z0> = +1 everywhere, so class 0 with P(class 1) = 0.
    doc.circuit.gates.clear();
    let mut m = Model::new(&doc).unwrap();
    let p = m.predict([0.1, 0.1]);
    assert_eq!(p.class, 0);
    assert_eq!(p.confidence, 0.0);
    doc.circuit
        .gates
        .push(GateSpec::fixed(GateKind::X, &[0], 0, &[]));
    let mut m = Model::new(&doc).unwrap();
    assert_eq!(m.predict([0.1, 0.1]).class, 1);
    let grid = m.grid([-1.0, 1.0, -1.0, 1.0], 4);
    assert_eq!(grid.len(), 16);
    assert!(grid.iter().all(|p| p.class == 1));
    doc.data.kind = DatasetKind::Circle;
}

/// The grid (batched row by row when the circuit allows it, with memoised matrices otherwise)
/// predicts exactly what `predict` does cell by cell, for every kind of document, twice in a
/// row (the memos must follow new weights).
#[test]
fn grid_equals_predict_cell_by_cell() {
    let mut docs = documents();
    // A feature of both coordinates and a feature map range.
    let mut d = preset("default").unwrap();
    d.features.range = Some([0.0, 3.0]);
    if let Some(Angle::Reupload { feature, .. }) = d.circuit.gates[0].params.first_mut() {
        *feature = Feature::X1X2;
    }
    docs.push(d);
    for (di, doc) in docs.iter().enumerate() {
        let mut m = Model::new(doc).unwrap();
        for round in 0..2 {
            m.reinit(3 + di as u64 + 10 * round);
            let extent = [-1.1, 0.9, -0.7, 1.3];
            let n = 7;
            let grid = m.grid(extent, n);
            assert_eq!(grid.len(), n * n);
            for r in 0..n {
                let y = extent[2] + (r as f64 + 0.5) / n as f64 * (extent[3] - extent[2]);
                for c in 0..n {
                    let x = extent[0] + (c as f64 + 0.5) / n as f64 * (extent[1] - extent[0]);
                    let want = m.predict([x, y]);
                    let got = grid[r * n + c];
                    assert_eq!(got.class, want.class, "doc {di} cell ({r}, {c})");
                    assert!(
                        (got.confidence - want.confidence).abs() < 1e-12,
                        "doc {di} cell ({r}, {c}): {got:?} vs {want:?}"
                    );
                }
            }
        }
    }
}

/// The batched loss and gradient (forward and adjoint pass over many points at once where the
/// circuit allows it) equal the sum of the point-by-point ones, for every kind of document.
#[test]
fn batch_loss_and_gradient_equal_the_sum_over_points() {
    let mut rng = crate::rng::Rng::new(5);
    for (di, doc) in documents().iter().enumerate() {
        let mut m = Model::new(doc).unwrap();
        m.reinit(40 + di as u64);
        let n = 37;
        let xs: Vec<[f64; 2]> = (0..n)
            .map(|_| [rng.range(-1.0, 1.0), rng.range(-1.0, 1.0)])
            .collect();
        let labels: Vec<usize> = (0..n)
            .map(|_| rng.below(m.n_classes() as u64) as usize)
            .collect();
        for round in 0..2 {
            let mut want = vec![0.0; m.n_params()];
            let lw: f64 = xs
                .iter()
                .zip(&labels)
                .map(|(&x, &l)| m.loss_and_grad(x, l, &mut want))
                .sum();
            let mut got = vec![0.0; m.n_params()];
            let lg = m.loss_and_grad_batch(&xs, &labels, &mut got);
            assert!((lw - lg).abs() < 1e-10, "doc {di}: {lw} vs {lg}");
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (a - b).abs() < 1e-10,
                    "doc {di} round {round} param {i}: {a} vs {b}"
                );
            }
            // New weights: nothing may be left over from the last batch.
            let p: Vec<f64> = m.params().iter().map(|v| v + 0.3).collect();
            m.set_params(&p);
        }
    }
}
