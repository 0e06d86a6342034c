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
