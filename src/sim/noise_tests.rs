//! Cross-engine tests of the noise engines: density-matrix gradients against finite
//! differences, the snapshot budget, the statevector engine against the adjoint gradient, the
//! trajectory engine against the exact density matrix (values and gradients, within 4σ).

use super::*;
use crate::rng::Rng;
use std::f64::consts::PI;

/// A random noisy circuit on `n` qubits: every gate kind may appear (single-qubit kinds with
/// extra controls sometimes), each followed by a random channel with probability `p_channel`.
fn random_circuit(n: usize, n_gates: usize, p_channel: f64, rng: &mut Rng) -> NoisyCircuit {
    let kinds: Vec<GateKind> = GateKind::all()
        .iter()
        .copied()
        .filter(|k| k.n_wires() <= n)
        .collect();
    let mut ops = Vec::new();
    for _ in 0..n_gates {
        let kind = kinds[rng.below(kinds.len() as u64) as usize];
        let mut wires: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut wires);
        let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-PI, PI)).collect();
        let mut op = Op::new(kind, &wires[..kind.n_wires()], &params).unwrap();
        if kind.is_single_qubit() && n > 1 && rng.uniform() < 0.2 {
            op = op.controlled(&wires[1..2]).unwrap();
        }
        ops.push(NoisyOp::Gate(op));
        if rng.uniform() < p_channel {
            let ck = ChannelKind::all()[rng.below(5) as usize];
            let w = rng.below(n as u64) as usize;
            ops.push(NoisyOp::Channel(
                Channel::new(ck, w, rng.range(0.0, 0.5)).unwrap(),
            ));
        }
    }
    NoisyCircuit::new(n, ops, None).unwrap()
}

/// The circuit with gate parameter `i` (in gradient order) moved by `h`.
fn shifted(c: &NoisyCircuit, i: usize, h: f64) -> NoisyCircuit {
    let mut c = c.clone();
    let mut k = 0;
    for op in &mut c.ops {
        if let NoisyOp::Gate(g) = op {
            let np = g.kind.n_params();
            if i < k + np {
                g.params[i - k] += h;
                return c;
            }
            k += np;
        }
    }
    c
}

/// A weighted sum of every observable kind; with `basis`, the projector is onto a basis state
/// (readout error applies only to computational-basis measurements).
fn observables(n: usize, rng: &mut Rng, basis: bool) -> Vec<(f64, Observable)> {
    let mut phi = State::new(n).unwrap();
    if basis {
        phi.apply(&Op::new(GateKind::X, &[n - 1], &[]).unwrap());
    } else {
        for op in bench_circuit(n, 6, rng.next_u64()) {
            phi.apply(&op);
        }
    }
    let last = n - 1;
    vec![
        (0.6, hermitian(n)),
        (1.0, Observable::Pauli(PauliString::single(0, Pauli::Z))),
        // With one qubit "X0 Y0" repeats a wire: the identity stands in.
        (
            -0.7,
            Observable::Pauli(
                format!("X0 Y{last}")
                    .parse()
                    .unwrap_or(PauliString::identity()),
            ),
        ),
        (
            0.4,
            Observable::Sum(vec![
                (1.5, PauliString::single(last, Pauli::X)),
                (-0.5, PauliString::single(0, Pauli::Y)),
            ]),
        ),
        (0.9, Observable::Projector(phi)),
        (
            -0.3,
            Observable::Diagonal((0..1 << n).map(|i| (i as f64).sin()).collect()),
        ),
    ]
}

/// A Hermitian observable on wires (n−1, 0) (or 0 alone): two weighted projectors onto
/// unnormalised complex vectors, as the label-state fidelity readouts build them.
fn hermitian(n: usize) -> Observable {
    let wires: Vec<usize> = if n > 1 { vec![n - 1, 0] } else { vec![0] };
    let dim = 1usize << wires.len();
    let v1: Vec<C64> = (0..dim)
        .map(|i| C64::new((i as f64 + 0.3).cos(), (0.7 * i as f64).sin()))
        .collect();
    let v2: Vec<C64> = (0..dim)
        .map(|i| C64::new(0.2 * i as f64 - 0.4, (1.1 * i as f64 + 0.5).cos()))
        .collect();
    Observable::Hermitian(vec![HermitianTerm::weighted_projectors(
        wires,
        [(0.8, &v1[..]), (-1.3, &v2[..])],
    )])
}

#[test]
fn hermitian_observables_on_density_matrices_equal_the_statevector_values() {
    let mut rng = Rng::new(31);
    for case in 0..10 {
        let n = 1 + case % 4;
        let c = random_circuit(n, 8, 0.0, &mut rng);
        let mut s = State::new(n).unwrap();
        for o in &c.ops {
            if let NoisyOp::Gate(g) = o {
                s.apply(g);
            }
        }
        let h = hermitian(n);
        let want = s.expval(&h);
        for repr in [DensityRepr::Auto, DensityRepr::Complex] {
            let mut e = DensityEngine::new().with_repr(repr);
            let got = e.expvals(&c, std::slice::from_ref(&h)).unwrap()[0].mean;
            assert!(
                (got - want).abs() < 1e-12,
                "{repr:?} n={n}: {got} vs {want}"
            );
        }
        // Readout error folds a Hermitian term into Pauli strings: ideal readout changes nothing.
        let ideal = ReadoutError::uniform(n, 0.0, 0.0).unwrap();
        let folded = ideal.fold(&h).unwrap();
        assert!((s.expval(&folded) - want).abs() < 1e-12);
    }
}

fn weighted_value(e: &mut dyn NoisyEngine, c: &NoisyCircuit, w: &[(f64, Observable)]) -> f64 {
    let obs: Vec<Observable> = w.iter().map(|(_, o)| o.clone()).collect();
    let v = e.expvals(c, &obs).unwrap();
    w.iter().zip(&v).map(|((x, _), e)| x * e.mean).sum()
}

#[test]
fn density_gradient_matches_finite_differences() {
    let mut rng = Rng::new(21);
    for case in 0..48 {
        // Odd cases on the complex path, even ones on the fast path where it applies.
        let repr = [DensityRepr::Auto, DensityRepr::Complex][case % 2];
        let mut engine = DensityEngine::new().with_repr(repr);
        let n = 1 + (case / 2) % 4;
        let mut c = random_circuit(n, 3 + case % 9, 0.6, &mut rng);
        if case % 3 == 0 {
            c.readout = Some(ReadoutError::uniform(n, 0.05, 0.12).unwrap());
        }
        let w = observables(n, &mut rng, c.readout.is_some());
        let g = engine.gradient(&c, &w).unwrap();
        let value = weighted_value(&mut engine, &c, &w);
        assert!((g.value.mean - value).abs() < 1e-12, "case {case}");
        assert_eq!(g.grad.len(), c.n_params());
        let h = 1e-5;
        for (i, gi) in g.grad.iter().enumerate() {
            let fp = weighted_value(&mut engine, &shifted(&c, i, h), &w);
            let fm = weighted_value(&mut engine, &shifted(&c, i, -h), &w);
            let fd = (fp - fm) / (2.0 * h);
            assert!(
                (gi.mean - fd).abs() < 1e-7,
                "case {case} param {i}: adjoint {} vs finite difference {fd}",
                gi.mean
            );
            assert_eq!(gi.std_error, 0.0);
        }
    }
}

#[test]
fn any_snapshot_budget_gives_the_same_gradient() {
    let mut rng = Rng::new(5);
    let mut c = random_circuit(3, 20, 0.8, &mut rng);
    // Only gates of at most two wires, so both representations run it.
    c.ops.retain(|o| match o {
        NoisyOp::Gate(g) => g.wires.len() + g.controls.len() <= 2,
        NoisyOp::Channel(_) => true,
    });
    let w = observables(3, &mut rng, false);
    let full = DensityEngine::new().gradient(&c, &w).unwrap();
    // A slot is 16·4ⁿ bytes for the complex matrix, half that for the Pauli vector.
    for (repr, per) in [
        (DensityRepr::Auto, density_bytes(3) as usize / 2),
        (DensityRepr::Complex, density_bytes(3) as usize),
    ] {
        for slots in [0, 1, 2, 5] {
            let g = DensityEngine::new()
                .with_repr(repr)
                .with_tape_bytes(slots * per)
                .gradient(&c, &w)
                .unwrap();
            assert!((g.value.mean - full.value.mean).abs() < 1e-13);
            for (a, b) in g.grad.iter().zip(&full.grad) {
                assert!((a.mean - b.mean).abs() < 1e-13, "{repr:?} slots {slots}");
            }
        }
    }
}

#[test]
fn engines_agree_on_ideal_circuits() {
    let mut rng = Rng::new(8);
    for case in 0..12 {
        let n = 1 + case % 4;
        let c = random_circuit(n, 10, 0.0, &mut rng);
        let ops: Vec<Op> = c
            .ops
            .iter()
            .filter_map(|o| match o {
                NoisyOp::Gate(g) => Some(g.clone()),
                NoisyOp::Channel(_) => None,
            })
            .collect();
        let z0 = Observable::Pauli(PauliString::single(0, Pauli::Z));
        let (v, g) = adjoint_gradient(n, &ops, &z0).unwrap();
        let mut engines: Vec<Box<dyn NoisyEngine>> = vec![
            Box::new(StatevectorEngine::new()),
            Box::new(DensityEngine::new()),
            Box::new(TrajectoryEngine::new(3, 1).unwrap()),
        ];
        let probs = {
            let mut s = State::new(n).unwrap();
            ops.iter().for_each(|op| s.apply(op));
            s.probabilities()
        };
        for e in engines.iter_mut() {
            let gr = e.gradient(&c, &[(1.0, z0.clone())]).unwrap();
            assert!((gr.value.mean - v).abs() < 1e-12, "{}", e.name());
            for (a, b) in gr.grad.iter().zip(&g) {
                assert!(
                    (a.mean - b).abs() < 1e-12,
                    "{}: {} vs {b}",
                    e.name(),
                    a.mean
                );
                assert!(a.std_error < 1e-12);
            }
            let p = e.probabilities(&c).unwrap();
            for (a, b) in p.iter().zip(&probs) {
                assert!((a.mean - b).abs() < 1e-12, "{}", e.name());
            }
        }
    }
}

#[test]
fn statevector_engine_refuses_channels_and_applies_readout() {
    let mut rng = Rng::new(4);
    let c = random_circuit(2, 6, 1.0, &mut rng);
    let e = StatevectorEngine::new()
        .expvals(&c, &[Observable::Pauli("Z0".parse().unwrap())])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("density-matrix") && e.contains("trajectory"),
        "{e}"
    );
    let g = NoisyOp::from(Op::new(GateKind::H, &[0], &[]).unwrap());
    let ch = NoisyOp::from(Channel::new(ChannelKind::BitFlip, 1, 0.1).unwrap());
    assert_eq!((g.n_params(), ch.n_params()), (0, 0));
    assert!(matches!((&g, &ch), (NoisyOp::Gate(_), NoisyOp::Channel(_))));
    assert_eq!(Estimate::exact(0.5).std_error, 0.0);
    let mut ideal = c.ideal();
    assert!(!ideal.has_channels() && ideal.n_params() == c.n_params());
    ideal.readout = Some(ReadoutError::uniform(2, 0.1, 0.2).unwrap());
    assert!(ideal.is_noisy());
    let obs = [Observable::Pauli("Z0 X1".parse().unwrap())];
    let a = StatevectorEngine::new().expvals(&ideal, &obs).unwrap();
    let b = DensityEngine::new().expvals(&ideal, &obs).unwrap();
    assert!((a[0].mean - b[0].mean).abs() < 1e-13);
    let pa = StatevectorEngine::new().probabilities(&ideal).unwrap();
    let pb = DensityEngine::new().probabilities(&ideal).unwrap();
    assert!(pa
        .iter()
        .zip(&pb)
        .all(|(x, y)| (x.mean - y.mean).abs() < 1e-13));
}

/// |estimate − exact| within 4 standard errors (plus rounding).
fn within_4_sigma(e: Estimate, exact: f64) -> bool {
    (e.mean - exact).abs() <= 4.0 * e.std_error + 1e-9
}

#[test]
fn trajectories_match_the_density_matrix_within_4_sigma() {
    let mut rng = Rng::new(13);
    let mut traj = TrajectoryEngine::new(4000, 99).unwrap();
    let mut dm = DensityEngine::new();
    let mut with_error = 0;
    for case in 0..8 {
        let n = 2 + case % 3;
        let mut c = random_circuit(n, 10, 0.9, &mut rng);
        if case % 2 == 1 {
            c.readout = Some(ReadoutError::uniform(n, 0.03, 0.08).unwrap());
        }
        let w = observables(n, &mut rng, c.readout.is_some());
        let obs: Vec<Observable> = w.iter().map(|(_, o)| o.clone()).collect();
        let exact = dm.expvals(&c, &obs).unwrap();
        let est = traj.expvals(&c, &obs).unwrap();
        for (e, x) in est.iter().zip(&exact) {
            assert!(
                within_4_sigma(*e, x.mean),
                "case {case}: {e:?} vs {}",
                x.mean
            );
            with_error += usize::from(e.std_error > 1e-12);
        }
        let exact_p = dm.probabilities(&c).unwrap();
        let est_p = traj.probabilities(&c).unwrap();
        for (e, x) in est_p.iter().zip(&exact_p) {
            assert!(
                within_4_sigma(*e, x.mean),
                "case {case}: p {e:?} vs {}",
                x.mean
            );
        }
        let ge = dm.gradient(&c, &w).unwrap();
        // Few trajectories for the gradient (each is a full adjoint pass); the budget of 0
        // forces the recompute path for the damping channels' snapshots.
        let mut tg = TrajectoryEngine::new(1500, case as u64)
            .unwrap()
            .with_tape_bytes(if case % 2 == 0 { 0 } else { TAPE_BYTES });
        let gt = tg.gradient(&c, &w).unwrap();
        assert!(within_4_sigma(gt.value, ge.value.mean), "case {case} value");
        for (i, (e, x)) in gt.grad.iter().zip(&ge.grad).enumerate() {
            assert!(
                within_4_sigma(*e, x.mean),
                "case {case} param {i}: {e:?} vs {}",
                x.mean
            );
        }
    }
    assert!(
        with_error > 10,
        "the circuits are noisy enough to test the errors"
    );
}

#[test]
fn trajectories_are_reproducible_from_the_seed() {
    let mut rng = Rng::new(17);
    let c = random_circuit(3, 12, 0.9, &mut rng);
    let obs = [Observable::Pauli("Z0 Z1".parse().unwrap())];
    let mut a = TrajectoryEngine::new(50, 7).unwrap();
    let mut b = TrajectoryEngine::new(50, 7).unwrap();
    let (x1, x2) = (a.expvals(&c, &obs).unwrap(), a.expvals(&c, &obs).unwrap());
    assert_eq!(x1, b.expvals(&c, &obs).unwrap());
    assert_eq!(x2, b.expvals(&c, &obs).unwrap());
    assert_ne!(x1, x2, "the stream advances between calls");
    a.reseed(7);
    assert_eq!(a.expvals(&c, &obs).unwrap(), x1);
    assert_eq!(a.trajectories(), 50);
    assert!(TrajectoryEngine::new(1, 0).is_err());
    assert!(TrajectoryEngine::new(MAX_TRAJECTORIES + 1, 0).is_err());
}

#[test]
fn zero_strength_channels_leave_trajectories_pure_and_exact() {
    let mut rng = Rng::new(3);
    let mut c = random_circuit(3, 10, 1.0, &mut rng);
    for op in &mut c.ops {
        if let NoisyOp::Channel(ch) = op {
            ch.strength = 0.0;
        }
    }
    let obs = [Observable::Pauli("X0 Y2".parse().unwrap())];
    let exact = DensityEngine::new().expvals(&c, &obs).unwrap()[0].mean;
    let est = TrajectoryEngine::new(5, 1)
        .unwrap()
        .expvals(&c, &obs)
        .unwrap()[0];
    assert!((est.mean - exact).abs() < 1e-12 && est.std_error < 1e-12);
}

#[test]
fn engine_enum_dispatches_and_validates() {
    let mut rng = Rng::new(6);
    let c = random_circuit(2, 5, 1.0, &mut rng);
    let obs = [Observable::Pauli("Y1".parse().unwrap())];
    let mut dm = Engine::new(EngineKind::DensityMatrix).unwrap();
    assert_eq!(dm.name(), "density matrix");
    let want = DensityEngine::new().expvals(&c, &obs).unwrap();
    assert_eq!(dm.expvals(&c, &obs).unwrap(), want);
    let mut tr = Engine::new(EngineKind::Trajectories {
        trajectories: 10,
        seed: 1,
    })
    .unwrap();
    assert_eq!(tr.name(), "trajectories");
    assert_eq!(
        tr.expvals(&c, &obs).unwrap(),
        TrajectoryEngine::new(10, 1)
            .unwrap()
            .expvals(&c, &obs)
            .unwrap()
    );
    assert!(Engine::new(EngineKind::Trajectories {
        trajectories: 0,
        seed: 1
    })
    .is_err());
    let mut sv = Engine::new(EngineKind::Statevector).unwrap();
    assert!(sv.gradient(&c, &[(1.0, obs[0].clone())]).is_err());
    // Bad inputs name what to fix.
    let mut bad = c.clone();
    bad.ops.push(NoisyOp::Channel(Channel {
        kind: ChannelKind::PhaseDamping,
        wire: 0,
        strength: -1.0,
    }));
    let e = dm.expvals(&bad, &obs).unwrap_err().to_string();
    assert!(
        e.contains(&format!("operation {}", bad.ops.len())) && e.contains("gamma"),
        "{e}"
    );
    let e = dm
        .gradient(&c, &[(f64::NAN, obs[0].clone())])
        .unwrap_err()
        .to_string();
    assert!(e.contains("weight"), "{e}");
    let e = dm
        .expvals(&c, &[Observable::Pauli("Z7".parse().unwrap())])
        .unwrap_err()
        .to_string();
    assert!(e.contains("wire 7"), "{e}");
    let big = NoisyCircuit::new(MAX_DENSITY_QUBITS + 1, vec![], None).unwrap();
    let e = dm.probabilities(&big).unwrap_err().to_string();
    assert!(e.contains("density-matrix limit"), "{e}");
}

#[test]
fn primitives_and_generators_match_the_gate_module() {
    let mut rng = Rng::new(2);
    for &kind in GateKind::all() {
        let wires: Vec<usize> = (0..kind.n_wires()).collect();
        let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-PI, PI)).collect();
        let op = Op::new(kind, &wires, &params).unwrap();
        let (prims, count) = super::noisy::primitives(&op);
        let dec = op.decompose();
        assert_eq!(count, dec.len(), "{kind}");
        for ((k, p, i), (d, di)) in prims[..count].iter().zip(&dec) {
            assert_eq!((*k, *i), (d.kind, *di), "{kind}");
            assert_eq!(p[..k.n_params()], d.params[..k.n_params()], "{kind}");
            assert_eq!(super::noisy::generator_coeff(*k), d.generator(), "{kind}");
        }
    }
}

/// One density engine reused across circuits of different qubit counts (its Pauli buffers and
/// tape slots sized for the previous one) gives a fresh engine's values and gradients bit for
/// bit.
#[test]
fn a_reused_density_engine_matches_a_fresh_one_across_qubit_counts() {
    let mut rng = Rng::new(23);
    let mut reused = DensityEngine::new();
    for (k, n) in [3, 1, 4, 2, 4, 3, 1].into_iter().enumerate() {
        let c = random_circuit(n, 10, 0.8, &mut rng);
        let obs = observables(n, &mut rng, false);
        let a = reused.gradient(&c, &obs).unwrap();
        let b = DensityEngine::new().gradient(&c, &obs).unwrap();
        assert_eq!(
            a.value.mean.to_bits(),
            b.value.mean.to_bits(),
            "circuit {k}"
        );
        for (x, y) in a.grad.iter().zip(&b.grad) {
            assert_eq!(x.mean.to_bits(), y.mean.to_bits(), "circuit {k}");
        }
    }
}

/// Makes `op` invalid on `n` qubits in one of the ways `validate` names: a wire out of range, a
/// repeated wire, a wire too many, controls on a multi-wire kind, a non-finite angle, a channel
/// strength outside [0, 1].
fn corrupt(op: &mut NoisyOp, n: usize, rng: &mut Rng) {
    match op {
        NoisyOp::Gate(g) => match rng.below(5) {
            0 => g.wires[0] = n + rng.below(3) as usize,
            1 if g.wires.len() > 1 => g.wires[1] = g.wires[0],
            2 => g.wires.push(g.wires[0]),
            3 if !g.kind.is_single_qubit() => g.controls.push(n - 1),
            4 if g.kind.n_params() > 0 => g.params[0] = f64::NAN,
            _ => g.wires[0] = n,
        },
        NoisyOp::Channel(ch) => match rng.below(3) {
            0 => ch.strength = 1.5,
            1 => ch.strength = -0.25,
            _ => ch.wire = n + rng.below(2) as usize,
        },
    }
}

/// The density engine validates a circuit's ops while compiling them; every entry point still
/// refuses an invalid circuit with the error of checking it first: `NoisyCircuit::validate`'s
/// (the first invalid op by number, before or after a gate on three wires that sends the
/// circuit to the complex path; no qubits; the readout error after the ops), then the
/// observables' — for `expvals` the observables' first, as before. Both representations, a
/// reused engine and a fresh one.
#[test]
fn invalid_circuits_are_refused_with_the_first_error_of_validate() {
    let mut rng = Rng::new(31);
    let z0 = Observable::Pauli(PauliString::single(0, Pauli::Z));
    let bad_obs = Observable::Pauli("Z7".parse().unwrap());
    let toffoli = |w: [usize; 3]| NoisyOp::Gate(Op::new(GateKind::Toffoli, &w, &[]).unwrap());
    let (mut before_wide, mut after_wide, mut fused) = (0, 0, 0);
    let mut reused = [
        DensityEngine::new(),
        DensityEngine::new().with_repr(DensityRepr::Complex),
    ];
    for case in 0..300 {
        let n = 1 + case % 4;
        let mut c = random_circuit(n, 6, 0.7, &mut rng);
        if n >= 3 && case % 3 == 0 {
            // A gate on three wires somewhere, so that compiling stops there.
            let at = rng.below(c.ops.len() as u64 + 1) as usize;
            c.ops.insert(at, toffoli([2, 0, 1]));
        }
        let bad: Vec<usize> = (0..rng.below(3))
            .map(|_| rng.below(c.ops.len() as u64) as usize)
            .collect();
        for &k in &bad {
            corrupt(&mut c.ops[k], n, &mut rng);
        }
        if rng.uniform() < 0.15 {
            c.readout = Some(ReadoutError::uniform(n + 1, 0.02, 0.03).unwrap());
        } else if rng.uniform() < 0.2 {
            c.readout = Some(ReadoutError::uniform(n, 0.02, 0.03).unwrap());
        }
        if case % 37 == 5 {
            c.n_qubits = 0;
        }
        let obs = if rng.uniform() < 0.2 {
            vec![z0.clone(), bad_obs.clone()]
        } else {
            vec![z0.clone()]
        };
        let circuit_err = c.validate().err().map(|e| e.to_string());
        let obs_err = obs
            .iter()
            .map(|o| c.fold(o))
            .collect::<Result<Vec<_>, _>>()
            .err()
            .map(|e| e.to_string());
        let wide = c
            .ops
            .iter()
            .position(|o| matches!(o, NoisyOp::Gate(g) if g.wires.len() + g.controls.len() > 2));
        if let (Some(e), Some(&first)) = (&circuit_err, bad.iter().min()) {
            if e.starts_with(&format!("operation {}:", first + 1)) {
                match wide {
                    Some(w) if first < w => before_wide += 1,
                    Some(_) => after_wide += 1,
                    None => fused += 1,
                }
            }
        }
        let weighted: Vec<(f64, Observable)> = obs.iter().map(|o| (1.0, o.clone())).collect();
        let err = |r: Result<(), SimError>| r.err().map(|e| e.to_string());
        for (engine, repr) in reused
            .iter_mut()
            .zip([DensityRepr::Auto, DensityRepr::Complex])
        {
            let mut fresh = DensityEngine::new().with_repr(repr);
            for e in [&mut *engine, &mut fresh] {
                let got = err(e.gradient(&c, &weighted).map(|_| ()));
                assert_eq!(got, circuit_err.clone().or(obs_err.clone()), "case {case}");
                let got = err(e.probabilities(&c).map(|_| ()));
                assert_eq!(got, circuit_err, "case {case}");
                let got = err(e.expvals(&c, &obs).map(|_| ()));
                assert_eq!(got, obs_err.clone().or(circuit_err.clone()), "case {case}");
            }
        }
    }
    assert!(
        before_wide > 10 && after_wide > 10 && fused > 50,
        "{before_wide} {after_wide} {fused}"
    );
}

/// `c` at another point: the same ops with new gate angles (random, or now and then 0, ±π/2,
/// π, where transfer matrices gain zeros and a two-wire map may become a permutation).
fn at_new_point(c: &NoisyCircuit, rng: &mut Rng) -> NoisyCircuit {
    let mut c = c.clone();
    for op in &mut c.ops {
        if let NoisyOp::Gate(g) = op {
            for p in &mut g.params {
                *p = match rng.below(8) {
                    0 => 0.0,
                    1 => PI / 2.0,
                    2 => -PI / 2.0,
                    3 => PI,
                    _ => rng.range(-PI, PI),
                };
            }
        }
    }
    c
}

/// A random circuit whose gates act on at most two wires (controls included), so that the
/// density engine runs it in the Pauli basis: the channels of every kind after gates, one
/// before any gate (a barrier step of its own) now and then, and readout error when asked.
fn pauli_path_circuit(n: usize, readout: bool, rng: &mut Rng) -> NoisyCircuit {
    let mut c = random_circuit(n, 4 + rng.below(9) as usize, 0.7, rng);
    c.ops.retain(|o| match o {
        NoisyOp::Gate(g) => g.wires.len() + g.controls.len() <= 2,
        NoisyOp::Channel(_) => true,
    });
    if rng.uniform() < 0.5 {
        let ck = ChannelKind::all()[rng.below(5) as usize];
        let w = rng.below(n as u64) as usize;
        c.ops
            .insert(0, NoisyOp::Channel(Channel::new(ck, w, 0.2).unwrap()));
    }
    if readout {
        c.readout = Some(ReadoutError::uniform(n, 0.05, 0.12).unwrap());
    }
    c
}

/// Asserts that `got` are the gradients of `want`, bit for bit.
fn assert_same_bits(got: &[Gradient], want: &[Gradient], what: &str) {
    let bits = |g: &Gradient| {
        let mut b = vec![g.value.mean.to_bits(), g.value.std_error.to_bits()];
        b.extend(
            g.grad
                .iter()
                .flat_map(|e| [e.mean.to_bits(), e.std_error.to_bits()]),
        );
        b
    };
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        assert_eq!(a.grad.len(), b.grad.len(), "{what}, circuit {k}");
        assert_eq!(a.value.mean, b.value.mean, "{what}, circuit {k}");
        for (x, y) in a.grad.iter().zip(&b.grad) {
            assert_eq!(x.mean, y.mean, "{what}, circuit {k}");
        }
        assert_eq!(bits(a), bits(b), "{what}, circuit {k}");
    }
}

/// Asserts that `got` are the expectation values `want`, bit for bit.
fn assert_same_values(got: &[Vec<Estimate>], want: &[Vec<Estimate>], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        let bits = |v: &[Estimate]| -> Vec<(u64, u64)> {
            v.iter()
                .map(|e| (e.mean.to_bits(), e.std_error.to_bits()))
                .collect()
        };
        assert_eq!(a, b, "{what}, circuit {k}");
        assert_eq!(bits(a), bits(b), "{what}, circuit {k}");
    }
}

/// `expvals` of each circuit with a fresh engine: the reference.
fn expvals_one_by_one(
    cs: &[NoisyCircuit],
    obs: &[Observable],
) -> Result<Vec<Vec<Estimate>>, SimError> {
    let mut e = DensityEngine::new();
    cs.iter().map(|c| e.expvals(c, obs)).collect()
}

/// Each circuit's own weights: `w` scaled by 1, −0.5, 2, … (as a model weights each point's
/// readouts by ∂loss/∂readout).
fn per_circuit(w: &[(f64, Observable)], count: usize) -> Vec<Vec<(f64, Observable)>> {
    (0..count)
        .map(|k| {
            let f = [1.0, -0.5, 2.0, 0.25, -3.0][k % 5] + k as f64;
            w.iter().map(|(x, o)| (f * x, o.clone())).collect()
        })
        .collect()
}

/// `gradient` of each circuit with a fresh engine of `tape_bytes`: the reference.
fn one_by_one(
    cs: &[NoisyCircuit],
    w: &[(f64, Observable)],
    tape_bytes: usize,
) -> Result<Vec<Gradient>, SimError> {
    let mut e = DensityEngine::new().with_tape_bytes(tape_bytes);
    cs.iter().map(|c| e.gradient(c, w)).collect()
}

/// The density engine's `gradients` of circuits of one shape at several points (1 to 6 qubits,
/// 1, 2, 3, 4, 5 and 9 circuits: full and partial chunks of side-by-side lanes) are `gradient`'s
/// one by one, bit for bit: channels of every kind, readout error, every observable kind, a
/// budget with a snapshot for every barrier and one that recomputes, an engine reused across
/// qubit counts and shapes. The chunks of two to four circuits run side by side.
#[test]
fn batched_gradients_are_the_one_by_one_gradients_bit_for_bit() {
    let mut rng = Rng::new(77);
    let mut reused = DensityEngine::new();
    let mut side_by_side = 0;
    for case in 0..72 {
        let n = 1 + case % 6;
        let size = [1, 2, 3, 4, 5, 9][(case / 6) % 6];
        let readout = case % 4 == 1;
        let shape = pauli_path_circuit(n, readout, &mut rng);
        let cs: Vec<NoisyCircuit> = (0..size)
            .map(|k| {
                if k == 1 && case % 5 == 0 {
                    // The same point twice.
                    shape.clone()
                } else {
                    at_new_point(&shape, &mut rng)
                }
            })
            .collect();
        let w = observables(n, &mut rng, readout);
        // Every budget: all snapshots, or room for one lane's snapshot only (recomputing).
        let lane = density_bytes(n) as usize / 2;
        let tape = if case % 3 == 2 { lane } else { TAPE_BYTES };
        let want = one_by_one(&cs, &w, tape).unwrap();
        let what = format!("case {case}: {n} qubits, {size} circuits");
        let got = if tape == TAPE_BYTES {
            reused.gradients(&cs, &w).unwrap()
        } else {
            DensityEngine::new()
                .with_tape_bytes(tape)
                .gradients(&cs, &w)
                .unwrap()
        };
        assert_same_bits(&got, &want, &what);
        // The chunks of two to four circuits take the side-by-side path.
        if (2..=ptm::LANES).contains(&size) {
            let mut out = Vec::new();
            assert!(
                reused.gradient_batch(&cs, |_| &w[..], &mut out).unwrap(),
                "{what}: not side by side"
            );
            assert_same_bits(&out, &want, &what);
            side_by_side += 1;
        }
        // Through the engine enum too.
        let mut e = Engine::new(EngineKind::DensityMatrix).unwrap();
        assert_same_bits(&e.gradients(&cs, &w).unwrap(), &want, &what);
        // Each circuit with weights of its own.
        let each = per_circuit(&w, size);
        let want_each: Vec<Gradient> = {
            let mut one = DensityEngine::new();
            cs.iter()
                .zip(&each)
                .map(|(c, w)| one.gradient(c, w).unwrap())
                .collect()
        };
        assert_same_bits(
            &reused.gradients_weighted(&cs, &each).unwrap(),
            &want_each,
            &what,
        );
        assert_same_bits(
            &e.gradients_weighted(&cs, &each).unwrap(),
            &want_each,
            &what,
        );
        // The forward pass alone: every observable's value.
        let obs: Vec<Observable> = w.iter().map(|(_, o)| o.clone()).collect();
        let want = expvals_one_by_one(&cs, &obs).unwrap();
        assert_same_values(&reused.expvals_many(&cs, &obs).unwrap(), &want, &what);
        assert_same_values(&e.expvals_many(&cs, &obs).unwrap(), &want, &what);
        if (2..=ptm::LANES).contains(&size) {
            let mut out = Vec::new();
            assert!(reused.expvals_batch(&cs, &obs, &mut out).unwrap(), "{what}");
            assert_same_values(&out, &want, &what);
        }
    }
    assert!(side_by_side >= 30, "{side_by_side}");
}

/// Circuits of different shapes in one call (other ops, another qubit count, a gate on three
/// wires, the complex representation) are not run side by side; `gradients` then goes one by
/// one and still gives `gradient`'s numbers bit for bit.
#[test]
fn batched_gradients_of_mixed_shapes_fall_back_with_the_same_numbers() {
    let mut rng = Rng::new(78);
    let mut reused = DensityEngine::new();
    for case in 0..24 {
        let n = 2 + case % 3;
        let a = pauli_path_circuit(n, false, &mut rng);
        let mut b = pauli_path_circuit(n, false, &mut rng);
        // Make the second shape surely differ: one more gate.
        b.ops
            .push(NoisyOp::Gate(Op::new(GateKind::RY, &[0], &[0.3]).unwrap()));
        let mut cs = vec![
            at_new_point(&a, &mut rng),
            at_new_point(&a, &mut rng),
            at_new_point(&b, &mut rng),
            at_new_point(&a, &mut rng),
        ];
        match case % 4 {
            1 => cs[1] = pauli_path_circuit(n + 1, false, &mut rng),
            2 if n >= 3 => cs[3].ops.insert(
                1,
                NoisyOp::Gate(Op::new(GateKind::Toffoli, &[2, 0, 1], &[]).unwrap()),
            ),
            _ => {}
        }
        cs.push(at_new_point(&a, &mut rng));
        let z0 = Observable::Pauli(PauliString::single(0, Pauli::Z));
        let w = vec![(1.0, z0), (-0.5, hermitian(n))];
        let want = one_by_one(&cs, &w, TAPE_BYTES).unwrap();
        let what = format!("case {case}");
        let mut out = Vec::new();
        assert!(
            !reused
                .gradient_batch(&cs[..4], |_| &w[..], &mut out)
                .unwrap()
                && out.is_empty(),
            "{what}: mixed shapes side by side"
        );
        assert_same_bits(&reused.gradients(&cs, &w).unwrap(), &want, &what);
        let obs: Vec<Observable> = w.iter().map(|(_, o)| o.clone()).collect();
        let mut out = Vec::new();
        assert!(!reused.expvals_batch(&cs[..4], &obs, &mut out).unwrap() && out.is_empty());
        assert_same_values(
            &reused.expvals_many(&cs, &obs).unwrap(),
            &expvals_one_by_one(&cs, &obs).unwrap(),
            &what,
        );
        // The complex representation never batches; its own numbers one by one.
        let mut complex = DensityEngine::new().with_repr(DensityRepr::Complex);
        let want: Vec<Gradient> = cs
            .iter()
            .map(|c| complex.gradient(c, &w).unwrap())
            .collect();
        let mut complex = DensityEngine::new().with_repr(DensityRepr::Complex);
        assert_same_bits(&complex.gradients(&cs, &w).unwrap(), &want, &what);
    }
    // The trajectory engine's `gradients` is its `gradient` one by one, on one random stream.
    let cs: Vec<NoisyCircuit> = (0..3)
        .map(|_| random_circuit(2, 5, 0.8, &mut rng))
        .collect();
    let w = [(1.0, Observable::Pauli("Z1".parse().unwrap()))];
    let mut t = TrajectoryEngine::new(20, 9).unwrap();
    let want: Vec<Gradient> = cs.iter().map(|c| t.gradient(c, &w).unwrap()).collect();
    let got = TrajectoryEngine::new(20, 9)
        .unwrap()
        .gradients(&cs, &w)
        .unwrap();
    assert_same_bits(&got, &want, "trajectories");
}

/// An invalid circuit among valid ones of its shape (an invalid op, a readout error of the
/// wrong size, no qubits), or observables no circuit can take, give `gradients` the error that
/// `gradient` gives the first circuit it refuses; the engine then runs valid batches as before.
#[test]
fn batched_gradients_refuse_an_invalid_circuit_with_gradients_error() {
    let mut rng = Rng::new(79);
    let mut reused = DensityEngine::new();
    let mut refused = 0;
    for case in 0..60 {
        let n = 1 + case % 4;
        let shape = pauli_path_circuit(n, case % 2 == 0, &mut rng);
        let mut cs: Vec<NoisyCircuit> = (0..6).map(|_| at_new_point(&shape, &mut rng)).collect();
        let at = rng.below(6) as usize;
        match case % 5 {
            0..=2 => {
                let k = rng.below(cs[at].ops.len() as u64) as usize;
                corrupt(&mut cs[at].ops[k], n, &mut rng);
            }
            3 => cs[at].readout = Some(ReadoutError::uniform(n + 1, 0.02, 0.03).unwrap()),
            _ => cs[at].n_qubits = 0,
        }
        let mut w = observables(n, &mut rng, case % 2 == 0);
        if case % 7 == 3 {
            w.push((1.0, Observable::Pauli("Z7".parse().unwrap())));
        }
        if case % 11 == 4 {
            w[0].0 = f64::NAN;
        }
        let want = one_by_one(&cs, &w, TAPE_BYTES);
        let got = reused.gradients(&cs, &w);
        let err = |r: &Result<Vec<Gradient>, SimError>| r.as_ref().err().map(|e| e.to_string());
        assert_eq!(err(&got), err(&want), "case {case}");
        refused += usize::from(want.is_err());
        if let (Ok(got), Ok(want)) = (&got, &want) {
            assert_same_bits(got, want, &format!("case {case}"));
        }
        let each = per_circuit(&w, cs.len());
        let want_each: Result<Vec<Gradient>, SimError> = {
            let mut one = DensityEngine::new();
            cs.iter()
                .zip(&each)
                .map(|(c, w)| one.gradient(c, w))
                .collect()
        };
        assert_eq!(
            err(&reused.gradients_weighted(&cs, &each)),
            err(&want_each),
            "case {case}"
        );
        // `expvals` checks the observables first: the same order side by side.
        let obs: Vec<Observable> = w.iter().map(|(_, o)| o.clone()).collect();
        let verr = |r: Result<Vec<Vec<Estimate>>, SimError>| r.err().map(|e| e.to_string());
        assert_eq!(
            verr(reused.expvals_many(&cs, &obs)),
            verr(expvals_one_by_one(&cs, &obs)),
            "case {case}"
        );
        // A valid batch right after.
        let ok: Vec<NoisyCircuit> = (0..4).map(|_| at_new_point(&shape, &mut rng)).collect();
        let w = observables(n, &mut rng, case % 2 == 0);
        let want = one_by_one(&ok, &w, TAPE_BYTES).unwrap();
        assert_same_bits(
            &reused.gradients(&ok, &w).unwrap(),
            &want,
            &format!("case {case}"),
        );
    }
    assert!(refused > 40, "{refused}");
    // One list of weighted observables per circuit.
    let c = pauli_path_circuit(2, false, &mut rng);
    let w = vec![(1.0, Observable::Pauli("Z0".parse().unwrap()))];
    let e = reused
        .gradients_weighted(&[c.clone(), c.clone()], std::slice::from_ref(&w))
        .unwrap_err()
        .to_string();
    assert!(e.contains("2 circuits but 1 lists"), "{e}");
    let e = TrajectoryEngine::new(5, 1)
        .unwrap()
        .gradients_weighted(&[c], &[w.clone(), w])
        .unwrap_err()
        .to_string();
    assert!(e.contains("1 circuits but 2 lists"), "{e}");
}
