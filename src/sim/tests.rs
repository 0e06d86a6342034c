//! Property tests of the engine against a slow dense reference written from PennyLane's gate
//! definitions, plus algebraic identities, sampling and read-out checks.

use super::*;
use crate::rng::Rng;
use proptest::prelude::*;
use std::f64::consts::PI;

type Mat = Vec<Vec<C64>>;

fn c(re: f64, im: f64) -> C64 {
    C64::new(re, im)
}

fn mat_mul(a: &Mat, b: &Mat) -> Mat {
    let n = a.len();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (0..n).map(|k| a[i][k] * b[k][j]).sum())
                .collect()
        })
        .collect()
}

/// block-diag(I, u): u acts on the lower wires when the first wire is |1⟩.
fn ctrl(u: &Mat) -> Mat {
    let d = u.len();
    let mut m = vec![vec![c(0.0, 0.0); 2 * d]; 2 * d];
    for i in 0..d {
        m[i][i] = c(1.0, 0.0);
        for j in 0..d {
            m[d + i][d + j] = u[i][j];
        }
    }
    m
}

/// Dense matrices written straight from PennyLane's definitions (first wire most significant).
fn reference_matrix(kind: GateKind, p: [f64; 3]) -> Mat {
    use GateKind::*;
    let r = std::f64::consts::FRAC_1_SQRT_2;
    let e = |t: f64| C64::cis(t);
    let z = c(0.0, 0.0);
    let one = c(1.0, 0.0);
    let (ch, sh) = ((p[0] / 2.0).cos(), (p[0] / 2.0).sin());
    let x = vec![vec![z, one], vec![one, z]];
    let y = vec![vec![z, c(0.0, -1.0)], vec![c(0.0, 1.0), z]];
    let zz = vec![vec![one, z], vec![z, -one]];
    let rx = vec![vec![c(ch, 0.0), c(0.0, -sh)], vec![c(0.0, -sh), c(ch, 0.0)]];
    let ry = vec![vec![c(ch, 0.0), c(-sh, 0.0)], vec![c(sh, 0.0), c(ch, 0.0)]];
    let rz = vec![vec![e(-p[0] / 2.0), z], vec![z, e(p[0] / 2.0)]];
    let ps = |t: f64| vec![vec![one, z], vec![z, e(t)]];
    let swap = {
        let mut m = vec![vec![z; 4]; 4];
        m[0][0] = one;
        m[1][2] = one;
        m[2][1] = one;
        m[3][3] = one;
        m
    };
    match kind {
        H => vec![vec![c(r, 0.0), c(r, 0.0)], vec![c(r, 0.0), c(-r, 0.0)]],
        X => x,
        Y => y,
        Z => zz,
        S => ps(PI / 2.0),
        Sdg => ps(-PI / 2.0),
        T => ps(PI / 4.0),
        Tdg => ps(-PI / 4.0),
        SX => vec![
            vec![c(0.5, 0.5), c(0.5, -0.5)],
            vec![c(0.5, -0.5), c(0.5, 0.5)],
        ],
        SXdg => vec![
            vec![c(0.5, -0.5), c(0.5, 0.5)],
            vec![c(0.5, 0.5), c(0.5, -0.5)],
        ],
        RX => rx,
        RY => ry,
        RZ => rz,
        PhaseShift => ps(p[0]),
        Rot => {
            let rzm = |t: f64| vec![vec![e(-t / 2.0), z], vec![z, e(t / 2.0)]];
            let rym = |t: f64| {
                let (s, co) = (t / 2.0).sin_cos();
                vec![vec![c(co, 0.0), c(-s, 0.0)], vec![c(s, 0.0), c(co, 0.0)]]
            };
            mat_mul(&rzm(p[2]), &mat_mul(&rym(p[1]), &rzm(p[0])))
        }
        U3 => {
            let (s, co) = (p[0] / 2.0).sin_cos();
            vec![
                vec![c(co, 0.0), -e(p[2]) * s],
                vec![e(p[1]) * s, e(p[1] + p[2]) * co],
            ]
        }
        CNOT => ctrl(&x),
        CZ => ctrl(&zz),
        CY => ctrl(&y),
        SWAP => swap,
        CRX => ctrl(&rx),
        CRY => ctrl(&ry),
        CRZ => ctrl(&rz),
        ControlledPhaseShift => ctrl(&ps(p[0])),
        IsingXX => {
            let mut m = vec![vec![z; 4]; 4];
            for i in 0..4 {
                m[i][i] = c(ch, 0.0);
                m[i][3 - i] = c(0.0, -sh);
            }
            m
        }
        IsingZZ => {
            let mut m = vec![vec![z; 4]; 4];
            for (i, par) in [1.0, -1.0, -1.0, 1.0].iter().enumerate() {
                m[i][i] = e(-par * p[0] / 2.0);
            }
            m
        }
        Toffoli => ctrl(&ctrl(&x)),
        CSWAP => ctrl(&swap),
    }
}

/// Applies `m` on `wires` (first most significant), only where all `controls` are |1⟩.
fn reference_apply(
    amps: &[C64],
    n: usize,
    m: &Mat,
    wires: &[usize],
    controls: &[usize],
) -> Vec<C64> {
    let bit = |i: usize, w: usize| (i >> (n - 1 - w)) & 1;
    let k = wires.len();
    let mut out = amps.to_vec();
    for (i, o) in out.iter_mut().enumerate() {
        if controls.iter().any(|&w| bit(i, w) == 0) {
            continue;
        }
        let row = wires.iter().fold(0, |acc, &w| (acc << 1) | bit(i, w));
        let mut acc = c(0.0, 0.0);
        for (col, mv) in m[row].iter().enumerate() {
            let mut j = i;
            for (q, &w) in wires.iter().enumerate() {
                let b = (col >> (k - 1 - q)) & 1;
                let pos = n - 1 - w;
                j = (j & !(1 << pos)) | (b << pos);
            }
            acc += mv * amps[j];
        }
        *o = acc;
    }
    out
}

fn random_state(n: usize, rng: &mut Rng) -> State {
    let mut v: Vec<C64> = (0..1usize << n)
        .map(|_| c(rng.normal(), rng.normal()))
        .collect();
    let norm = v.iter().map(|a| a.norm_sqr()).sum::<f64>().sqrt();
    v.iter_mut().for_each(|a| *a /= norm);
    State::from_amplitudes(v).unwrap()
}

/// A random valid op on `n` qubits; single-qubit kinds get 0–2 extra controls.
fn random_op(kind: GateKind, n: usize, rng: &mut Rng) -> Op {
    let mut wires: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut wires);
    let k = kind.n_wires();
    let params: Vec<f64> = (0..kind.n_params())
        .map(|_| rng.range(-2.0 * PI, 2.0 * PI))
        .collect();
    let op = Op::new(kind, &wires[..k], &params).unwrap();
    if kind.is_single_qubit() {
        let nc = rng.below((n - k).min(2) as u64 + 1) as usize;
        op.controlled(&wires[k..k + nc]).unwrap()
    } else {
        op
    }
}

fn max_diff(a: &[C64], b: &[C64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

fn kind_strategy() -> impl Strategy<Value = GateKind> {
    prop::sample::select(GateKind::all().to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_gate_matches_the_dense_reference(kind in kind_strategy(), n in 3usize..=6, seed: u64) {
        let mut rng = Rng::new(seed);
        let op = random_op(kind, n, &mut rng);
        let s0 = random_state(n, &mut rng);
        let mut s = s0.clone();
        s.apply(&op);
        let want = reference_apply(s0.amplitudes(), n, &reference_matrix(kind, op.params), &op.wires, &op.controls);
        prop_assert!(max_diff(s.amplitudes(), &want) < 1e-12, "{:?}", op);
    }

    #[test]
    fn every_gate_preserves_the_norm(kind in kind_strategy(), n in 3usize..=7, seed: u64) {
        let mut rng = Rng::new(seed);
        let op = random_op(kind, n, &mut rng);
        let mut s = random_state(n, &mut rng);
        s.apply(&op);
        prop_assert!((s.norm_sqr() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn apply_then_apply_inverse_is_identity(kind in kind_strategy(), n in 3usize..=6, seed: u64) {
        let mut rng = Rng::new(seed);
        let op = random_op(kind, n, &mut rng);
        let s0 = random_state(n, &mut rng);
        let mut s = s0.clone();
        s.apply(&op);
        s.apply_inverse(&op);
        prop_assert!(max_diff(s.amplitudes(), s0.amplitudes()) < 1e-12);
        let mut s = s0.clone();
        s.apply(&op.inverse());
        s.apply(&op);
        prop_assert!(max_diff(s.amplitudes(), s0.amplitudes()) < 1e-12);
    }

    #[test]
    fn decompose_product_equals_the_op(kind in kind_strategy(), n in 3usize..=5, seed: u64) {
        let mut rng = Rng::new(seed);
        let op = random_op(kind, n, &mut rng);
        let s0 = random_state(n, &mut rng);
        let mut a = s0.clone();
        a.apply(&op);
        let mut b = s0.clone();
        let parts = op.decompose();
        for (p, idx) in &parts {
            prop_assert!(p.kind.n_params() <= 1);
            if let Some(i) = idx {
                prop_assert_eq!(p.params[0], op.params[*i]);
                prop_assert!(p.generator().is_some());
            }
            prop_assert_eq!(&p.controls, &op.controls);
            b.apply(p);
        }
        prop_assert!(max_diff(a.amplitudes(), b.amplitudes()) < 1e-12);
    }

    #[test]
    fn generator_is_the_derivative(kind in kind_strategy(), n in 3usize..=5, seed: u64) {
        // dU/dθ |ψ⟩ = −i c G U(θ)|ψ⟩, by central differences.
        let mut rng = Rng::new(seed);
        let op = random_op(kind, n, &mut rng);
        let Some(cc) = op.generator() else { return Ok(()) };
        let s0 = random_state(n, &mut rng);
        let h = 1e-5;
        let shifted = |d: f64| {
            let mut o = op.clone();
            o.params[0] += d;
            let mut s = s0.clone();
            s.apply(&o);
            s
        };
        let (plus, minus) = (shifted(h), shifted(-h));
        let mut g = s0.clone();
        g.apply(&op);
        g.apply_generator(&op);
        for ((p, m), gv) in plus.amplitudes().iter().zip(minus.amplitudes()).zip(g.amplitudes()) {
            let fd = (p - m) / (2.0 * h);
            let an = c(0.0, -cc) * gv;
            prop_assert!((fd - an).norm() < 1e-8, "{:?}: {} vs {}", op, fd, an);
        }
    }

    #[test]
    fn adjoint_gradient_matches_finite_differences(n in 1usize..=4, seed: u64) {
        let mut rng = Rng::new(seed);
        let kinds: Vec<GateKind> = GateKind::all().iter().copied().filter(|k| k.n_wires() <= n).collect();
        let ops: Vec<Op> = (0..8).map(|_| {
            let k = kinds[rng.below(kinds.len() as u64) as usize];
            random_op(k, n, &mut rng)
        }).collect();
        let obs = Observable::Sum(vec![(0.7, PauliString::single(0, Pauli::Z)), (-0.4, PauliString::single(n - 1, Pauli::X))]);
        let (val, grad) = adjoint_gradient(n, &ops, &obs).unwrap();
        let run = |ops: &[Op]| {
            let mut s = State::new(n).unwrap();
            for o in ops { s.apply(o); }
            s.expval(&obs)
        };
        prop_assert!((val - run(&ops)).abs() < 1e-12);
        let mut gi = 0;
        for k in 0..ops.len() {
            for j in 0..ops[k].kind.n_params() {
                let h = 1e-6;
                let mut a = ops.clone();
                a[k].params[j] += h;
                let mut b = ops.clone();
                b[k].params[j] -= h;
                let fd = (run(&a) - run(&b)) / (2.0 * h);
                prop_assert!((fd - grad[gi]).abs() < 1e-7, "param {} of {:?}: {} vs {}", j, ops[k], fd, grad[gi]);
                gi += 1;
            }
        }
        prop_assert_eq!(gi, grad.len());
    }

    #[test]
    fn marginals_sum_to_the_full_distribution(n in 1usize..=6, seed: u64) {
        let mut rng = Rng::new(seed);
        let s = random_state(n, &mut rng);
        let mut wires: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut wires);
        let m = rng.below(n as u64 + 1) as usize;
        let wires = &wires[..m];
        let marg = s.marginal_probabilities(wires);
        prop_assert_eq!(marg.len(), 1 << m);
        prop_assert!((marg.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // Each marginal entry is the sum of the matching full probabilities.
        let probs = s.probabilities();
        let mut want = vec![0.0; 1 << m];
        for (i, p) in probs.iter().enumerate() {
            let j = wires.iter().fold(0, |acc, &w| (acc << 1) | ((i >> (n - 1 - w)) & 1));
            want[j] += p;
        }
        for (a, b) in marg.iter().zip(&want) {
            prop_assert!((a - b).abs() < 1e-12);
        }
        // Bloch z component equals the single-wire marginal difference.
        let w = wires.first().copied().unwrap_or(0);
        let p1 = s.marginal_probabilities(&[w]);
        prop_assert!((s.bloch(w)[2] - (p1[0] - p1[1])).abs() < 1e-12);
    }

    #[test]
    fn bloch_matches_pauli_expvals(n in 1usize..=5, seed: u64) {
        let mut rng = Rng::new(seed);
        let s = random_state(n, &mut rng);
        let w = rng.below(n as u64) as usize;
        let b = s.bloch(w);
        for (k, p) in [Pauli::X, Pauli::Y, Pauli::Z].into_iter().enumerate() {
            prop_assert!((b[k] - s.expval_pauli(&PauliString::single(w, p))).abs() < 1e-12);
        }
        let pur = s.purity(w);
        prop_assert!((0.5 - 1e-12..=1.0 + 1e-12).contains(&pur));
    }
}

fn run(n: usize, ops: &[Op]) -> State {
    let mut s = State::new(n).unwrap();
    for o in ops {
        s.apply(o);
    }
    s
}

fn op(kind: GateKind, wires: &[usize], params: &[f64]) -> Op {
    Op::new(kind, wires, params).unwrap()
}

#[test]
fn gate_identities() {
    use GateKind::*;
    let mut rng = Rng::new(11);
    let n = 3;
    for _ in 0..10 {
        let s0 = random_state(n, &mut rng);
        let w = rng.below(3) as usize;
        let check = |lhs: &[Op], rhs: &[Op]| {
            let mut a = s0.clone();
            lhs.iter().for_each(|o| a.apply(o));
            let mut b = s0.clone();
            rhs.iter().for_each(|o| b.apply(o));
            assert!(
                max_diff(a.amplitudes(), b.amplitudes()) < 1e-12,
                "{lhs:?} vs {rhs:?}"
            );
        };
        let g = |k: GateKind| op(k, &[w], &[]);
        check(&[g(H), g(Z), g(H)], &[g(X)]);
        check(&[g(S), g(S)], &[g(Z)]);
        check(&[g(T), g(T)], &[g(S)]);
        check(&[g(SX), g(SX)], &[g(X)]);
        check(&[g(SXdg), g(SXdg)], &[g(X)]);
        check(&[g(Sdg), g(Sdg)], &[g(Z)]);
        check(&[g(Tdg), g(T)], &[]);
        let cn = op(CNOT, &[w, (w + 1) % 3], &[]);
        check(&[cn.clone(), cn.clone()], &[]);
        let sw = op(SWAP, &[w, (w + 2) % 3], &[]);
        check(&[sw.clone(), sw], &[]);
        // CNOT = (I⊗H) CZ (I⊗H)
        let t = (w + 1) % 3;
        check(
            &[op(H, &[t], &[]), op(CZ, &[w, t], &[]), op(H, &[t], &[])],
            &[cn],
        );
        // Toffoli equals X with two extra controls
        check(
            &[op(Toffoli, &[0, 1, 2], &[])],
            &[op(X, &[2], &[]).controlled(&[1, 0]).unwrap()],
        );
        // CRX(θ) equals RX(θ) with an extra control
        check(
            &[op(CRX, &[2, 0], &[0.4])],
            &[op(RX, &[0], &[0.4]).controlled(&[2]).unwrap()],
        );
        // RX(θ) = H RZ(θ) H ; PhaseShift(φ) = e^{iφ/2} RZ(φ) up to global phase -> check with U3
        check(
            &[op(H, &[w], &[]), op(RZ, &[w], &[0.9]), op(H, &[w], &[])],
            &[op(RX, &[w], &[0.9])],
        );
        check(&[op(U3, &[w], &[0.3, 0.0, 0.0])], &[op(RY, &[w], &[0.3])]);
    }
}

#[test]
fn bell_state_and_ghz() {
    let s = run(
        2,
        &[op(GateKind::H, &[0], &[]), op(GateKind::CNOT, &[0, 1], &[])],
    );
    let r = std::f64::consts::FRAC_1_SQRT_2;
    assert!(
        max_diff(
            s.amplitudes(),
            &[c(r, 0.0), c(0.0, 0.0), c(0.0, 0.0), c(r, 0.0)]
        ) < 1e-15
    );
    assert!(s.purity(0) - 0.5 < 1e-12);
    let ghz = run(
        3,
        &[
            op(GateKind::H, &[0], &[]),
            op(GateKind::CNOT, &[0, 1], &[]),
            op(GateKind::CNOT, &[1, 2], &[]),
        ],
    );
    assert!((ghz.expval_pauli(&"Z0 Z2".parse().unwrap()) - 1.0).abs() < 1e-12);
    assert!((ghz.expval_pauli(&"X0 X1 X2".parse().unwrap()) - 1.0).abs() < 1e-12);
}

#[test]
fn bloch_vectors_of_basis_and_plus_states() {
    use GateKind::*;
    let close = |a: [f64; 3], b: [f64; 3]| a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-12);
    assert!(close(run(1, &[]).bloch(0), [0.0, 0.0, 1.0]));
    assert!(close(
        run(1, &[op(X, &[0], &[])]).bloch(0),
        [0.0, 0.0, -1.0]
    ));
    assert!(close(run(1, &[op(H, &[0], &[])]).bloch(0), [1.0, 0.0, 0.0]));
    assert!(close(
        run(1, &[op(H, &[0], &[]), op(Z, &[0], &[])]).bloch(0),
        [-1.0, 0.0, 0.0]
    ));
    assert!(close(
        run(1, &[op(H, &[0], &[]), op(S, &[0], &[])]).bloch(0),
        [0.0, 1.0, 0.0]
    ));
    // Wire 1 of a two-qubit product state.
    let s = run(2, &[op(H, &[1], &[]), op(X, &[0], &[])]);
    assert!(close(s.bloch(1), [1.0, 0.0, 0.0]));
    assert!(close(s.bloch(0), [0.0, 0.0, -1.0]));
    assert!((s.purity(1) - 1.0).abs() < 1e-12);
    assert!(s.bloch(2)[0].is_nan());
}

#[test]
fn shots_converge_to_probabilities() {
    let mut rng = Rng::new(5);
    let s = random_state(4, &mut rng);
    let probs = s.probabilities();
    let shots = 200_000;
    let counts = s.sample_counts(shots, &mut Rng::new(99));
    assert_eq!(counts.iter().map(|c| c.1).sum::<usize>(), shots);
    assert!(counts.windows(2).all(|w| w[0].0 < w[1].0));
    // Pearson chi-square with 15 degrees of freedom: 99.9% quantile is 37.7.
    let mut chi2 = 0.0;
    let mut full = vec![0usize; probs.len()];
    for (i, k) in counts {
        full[i] = k;
    }
    for (p, k) in probs.iter().zip(&full) {
        let e = p * shots as f64;
        chi2 += (*k as f64 - e).powi(2) / e;
    }
    assert!(chi2 < 37.7, "chi2 {chi2}");
    // Same seed, same samples.
    assert_eq!(
        s.sample(50, &mut Rng::new(1)),
        s.sample(50, &mut Rng::new(1))
    );
}

#[test]
fn sampling_never_returns_zero_probability_states() {
    let s = run(
        3,
        &[op(GateKind::H, &[0], &[]), op(GateKind::CNOT, &[0, 2], &[])],
    );
    let samples = s.sample(10_000, &mut Rng::new(3));
    assert!(
        samples.iter().all(|&i| i == 0 || i == 5),
        "{:?}",
        &samples[..10]
    );
    let zero = State::from_amplitudes(vec![c(0.0, 0.0); 2]).unwrap();
    assert!(zero.sample(10, &mut Rng::new(1)).is_empty());
}

#[test]
fn memory_limits_refuse_before_allocating() {
    let e = check_qubits_with_limit(30, MAX_QUBITS_WASM)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("30 qubits") && e.contains("16 GiB") && e.contains("24 qubits"),
        "{e}"
    );
    let e = State::new(40).unwrap_err().to_string();
    assert!(
        e.contains("40 qubits") && e.contains("16 TiB") && e.contains("34 qubits"),
        "{e}"
    );
    assert!(check_qubits(0).is_err());
    assert!(check_qubits(MAX_QUBITS_NATIVE).is_ok());
}

#[test]
fn op_validation_messages() {
    use GateKind::*;
    assert!(Op::new(CNOT, &[0], &[])
        .unwrap_err()
        .to_string()
        .contains("2 wire"));
    assert!(Op::new(RX, &[0], &[])
        .unwrap_err()
        .to_string()
        .contains("1 parameter"));
    assert!(Op::new(RX, &[0], &[f64::NAN])
        .unwrap_err()
        .to_string()
        .contains("finite"));
    assert!(Op::new(CNOT, &[1, 1], &[])
        .unwrap_err()
        .to_string()
        .contains("twice"));
    assert!(op(X, &[0], &[]).controlled(&[0]).is_err());
    assert!(op(CNOT, &[0, 1], &[]).controlled(&[2]).is_err());
    let e = op(CNOT, &[0, 3], &[]).validate(2).unwrap_err().to_string();
    assert!(e.contains("wire 3") && e.contains("2 qubit"), "{e}");
    assert!(op(X, &[0], &[])
        .controlled(&[1])
        .unwrap()
        .validate(2)
        .is_ok());
}

#[test]
fn names_round_trip_and_counts() {
    for &k in GateKind::all() {
        assert_eq!(GateKind::from_name(k.name()), Some(k));
        let json = serde_json::to_string(&k).unwrap();
        assert_eq!(json, format!("\"{}\"", k.name()));
        assert!(k.n_params() <= 3 && (1..=3).contains(&k.n_wires()));
    }
    assert_eq!(GateKind::all().len(), 28);
    assert_eq!(GateKind::from_name("S†"), None);
    assert_eq!(
        GateKind::ControlledPhaseShift.name(),
        "ControlledPhaseShift"
    );
}

#[test]
fn bench_circuit_is_deterministic_and_valid() {
    let a = bench_circuit(12, 100, 7);
    assert_eq!(a, bench_circuit(12, 100, 7));
    assert_ne!(a, bench_circuit(12, 100, 8));
    assert!(a.iter().all(|o| o.validate(12).is_ok()));
    assert!(bench_circuit(1, 20, 1)
        .iter()
        .all(|o| o.validate(1).is_ok()));
}

/// Regression (fuzz target qasm_import): U3 with φ = 51042373295 left the norm at 1 + 8.7e-7
/// because cis(φ + λ) rounded the sum; Rot had the same pattern.
#[test]
fn u3_and_rot_stay_unitary_for_huge_angles() {
    for &big in &[5.1042373295e10, 1e12, 1e15, -3e16] {
        for (kind, params) in [
            (
                GateKind::U3,
                [std::f64::consts::FRAC_PI_2, big, 1.379655701486345],
            ),
            (GateKind::U3, [0.7, 1.3, big]),
            (GateKind::Rot, [big, 0.9, 1.1]),
            (GateKind::Rot, [0.4, 0.9, big]),
        ] {
            let mut s = State::new(1).unwrap();
            s.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
            s.apply(&Op::new(kind, &[0], &params).unwrap());
            assert!(
                (s.norm_sqr() - 1.0).abs() < 1e-14,
                "{kind:?} {params:?}: {}",
                s.norm_sqr()
            );
        }
    }
}
