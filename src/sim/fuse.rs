//! Gate fusion for whole circuits ([`Fused`], [`State::apply_circuit`]): runs of gates become
//! one 2×2 matrix per wire or one dense 4×4 matrix per pair of wires, applied in one pass over
//! the state each (the idea of qsim's and qulacs's fusers, written here from the definition).
//!
//! How: gates are walked in order, keeping at most one *open block* per wire. A one-wire gate
//! joins the open block of its wire (or opens one); a gate on two wires joins the block that
//! already spans exactly those two wires, or closes the two-wire blocks of its wires and opens a
//! new one that absorbs the one-wire blocks it meets; a gate on more wires closes every block it
//! touches and runs by itself. A block is emitted when it closes, so every gate it holds precedes,
//! on its wires, whatever is emitted later there: the emitted steps equal the circuit.
//!
//! When a block is emitted, a cost model picks the cheaper of its dense matrix and its members
//! applied one by one (runs of one-wire gates still multiplied into one 2×2 per wire): a 4×4
//! pass costs about twice a 2×2 pass in arithmetic, so it pays when it replaces two or more
//! passes, and always once the state no longer fits in cache and every pass is a trip through
//! memory. For such states, lone one-wire steps on different wires are also paired into one
//! 4×4 pass (their Kronecker product) when nothing between them touches their wires.
//!
//! Matrices are read off the kernels themselves (each gate applied to basis states), so the
//! gate definitions stay in `gate.rs` and `kernels.rs`. Fused results equal gate-by-gate
//! results up to rounding (about 1e-15 per gate).

use super::kernels::{self, Action, M2, M4};
use super::{Op, SimError, State, C64};

const ZERO: C64 = C64::new(0.0, 0.0);
const ONE: C64 = C64::new(1.0, 0.0);

/// One pass over the state.
#[derive(Clone, Debug)]
enum Step {
    /// A gate's own kernel (with its control mask).
    Kernel(Action, usize),
    /// A dense 4×4 matrix on bits `hi > lo`.
    Two(Box<M4>, usize, usize),
}

/// A circuit compiled for repeated runs: its gates fused into passes over the state.
#[derive(Clone, Debug)]
pub struct Fused {
    n: usize,
    steps: Vec<Step>,
    n_ops: usize,
}

impl Fused {
    /// Validates `ops` for an `n`-qubit state and fuses them.
    pub fn new(n: usize, ops: &[Op]) -> Result<Fused, SimError> {
        super::check_qubits(n)?;
        for (k, op) in ops.iter().enumerate() {
            op.validate(n)
                .map_err(|e| SimError::new(format!("gate {} ({}): {e}", k + 1, op.kind.name())))?;
        }
        Ok(Fused {
            n,
            steps: fuse(n, ops),
            n_ops: ops.len(),
        })
    }

    /// Number of qubits.
    pub fn n_qubits(&self) -> usize {
        self.n
    }

    /// Number of gates fused.
    pub fn n_gates(&self) -> usize {
        self.n_ops
    }

    /// Number of passes over the state one run makes.
    pub fn n_passes(&self) -> usize {
        self.steps.len()
    }

    /// Number of those passes that apply a dense 4×4 matrix.
    pub fn n_dense_passes(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s, Step::Two(..)))
            .count()
    }

    /// Applies the circuit to `state` (which must have `n_qubits()` qubits).
    pub fn run(&self, state: &mut State) -> Result<(), SimError> {
        if state.n_qubits() != self.n {
            return Err(SimError::new(format!(
                "the circuit was fused for {} qubits, the state has {}",
                self.n,
                state.n_qubits()
            )));
        }
        let amps = state.amplitudes_mut();
        for step in &self.steps {
            match step {
                Step::Kernel(action, ctrl) => kernels::apply_action(amps, *action, *ctrl),
                Step::Two(m, hi, lo) => kernels::apply_m4(amps, m, *hi, *lo),
            }
        }
        Ok(())
    }
}

impl State {
    /// Applies `ops` in order, fused into fewer passes over the state (see [`Fused`]); validates
    /// every op first and applies nothing if one is invalid.
    ///
    /// ```
    /// use qmlp::sim::{GateKind, Op, State};
    /// let ops = [
    ///     Op::new(GateKind::H, &[0], &[])?,
    ///     Op::new(GateKind::RX, &[1], &[0.4])?,
    ///     Op::new(GateKind::CNOT, &[0, 1], &[])?,
    /// ];
    /// let (mut a, mut b) = (State::new(2)?, State::new(2)?);
    /// a.apply_circuit(&ops)?;
    /// ops.iter().for_each(|op| b.apply(op));
    /// assert!(a.amplitudes().iter().zip(b.amplitudes()).all(|(x, y)| (x - y).norm() < 1e-15));
    /// # Ok::<(), qmlp::sim::SimError>(())
    /// ```
    pub fn apply_circuit(&mut self, ops: &[Op]) -> Result<(), SimError> {
        Fused::new(self.n_qubits(), ops)?.run(self)
    }
}

/// The wires an op touches (its own and its controls).
fn wires_of(op: &Op) -> impl Iterator<Item = usize> + '_ {
    op.wires.iter().chain(&op.controls).copied()
}

/// A block being built: one or two wires (ascending) and its gates in order.
#[derive(Clone, Debug, Default)]
struct Block {
    wires: Vec<usize>,
    members: Vec<usize>,
}

/// The fuser with the cost model for `n` qubits.
fn fuse(n: usize, ops: &[Op]) -> Vec<Step> {
    fuse_with(n, ops, Cost::for_qubits(n))
}

/// The whole fuser: blocks, then the cost decision per block, then pairing of lone one-wire
/// steps for states beyond the cache.
fn fuse_with(n: usize, ops: &[Op], cost: Cost) -> Vec<Step> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Vec<Option<usize>> = vec![None; n];
    // The emitted sequence: closed blocks and gates on more than two wires, by index.
    let mut out: Vec<Result<usize, usize>> = Vec::new();
    let close = |b: usize, open: &mut Vec<Option<usize>>, out: &mut Vec<_>, blocks: &[Block]| {
        for &w in &blocks[b].wires {
            open[w] = None;
        }
        out.push(Ok(b));
    };
    for (i, op) in ops.iter().enumerate() {
        let mut ws: Vec<usize> = wires_of(op).collect();
        ws.sort_unstable();
        match *ws.as_slice() {
            [q] => match open[q] {
                Some(b) => blocks[b].members.push(i),
                None => {
                    open[q] = Some(blocks.len());
                    blocks.push(Block {
                        wires: vec![q],
                        members: vec![i],
                    });
                }
            },
            [q, r] => {
                if let (Some(a), Some(b)) = (open[q], open[r]) {
                    if a == b {
                        blocks[a].members.push(i);
                        continue;
                    }
                }
                let mut members = Vec::new();
                for w in [q, r] {
                    if let Some(b) = open[w] {
                        if blocks[b].wires.len() == 2 {
                            close(b, &mut open, &mut out, &blocks);
                        } else {
                            // Absorbed: its gates run inside the new block.
                            members.append(&mut blocks[b].members);
                            open[w] = None;
                        }
                    }
                }
                members.push(i);
                open[q] = Some(blocks.len());
                open[r] = Some(blocks.len());
                blocks.push(Block {
                    wires: vec![q, r],
                    members,
                });
            }
            _ => {
                for w in ws {
                    if let Some(b) = open[w] {
                        close(b, &mut open, &mut out, &blocks);
                    }
                }
                out.push(Err(i));
            }
        }
    }
    let mut rest: Vec<usize> = open.iter().flatten().copied().collect();
    rest.sort_unstable();
    rest.dedup();
    for b in rest {
        out.push(Ok(b));
    }

    let mut steps: Vec<(Step, f64)> = Vec::new();
    for item in out {
        match item {
            Err(i) => {
                let s = kernel_step(n, &ops[i]);
                let c = cost.of(&s);
                steps.push((s, c));
            }
            Ok(b) => emit(n, ops, &blocks[b], &cost, &mut steps),
        }
    }
    if cost.pair_lone_steps {
        pair_lone_steps(&mut steps, &cost);
    }
    steps.into_iter().map(|(s, _)| s).collect()
}

/// The bits a step touches, as a mask.
fn step_bits(s: &Step) -> usize {
    match s {
        Step::Two(_, hi, lo) => (1 << hi) | (1 << lo),
        Step::Kernel(a, ctrl) => ctrl | action_bits(a),
    }
}

fn action_bits(a: &Action) -> usize {
    match *a {
        Action::Mat(_, t)
        | Action::RealMat(_, t)
        | Action::Rx(_, _, t)
        | Action::Diag(_, _, t)
        | Action::Phase(_, t)
        | Action::X(t)
        | Action::Y(t)
        | Action::Z(t) => 1 << t,
        Action::Swap(a, b) | Action::IsingXX(_, _, a, b) | Action::IsingZZ(_, a, b) => {
            (1 << a) | (1 << b)
        }
    }
}

/// The target bit of an uncontrolled one-bit step.
fn lone_bit(s: &Step) -> Option<usize> {
    match s {
        Step::Kernel(a, 0) => {
            let m = action_bits(a);
            m.is_power_of_two().then(|| m.trailing_zeros() as usize)
        }
        _ => None,
    }
}

/// Merges pairs of uncontrolled one-bit steps on different bits into one 4×4 pass when that is
/// cheaper, moving the later step back past steps that do not touch its bit.
fn pair_lone_steps(steps: &mut Vec<(Step, f64)>, cost: &Cost) {
    const WINDOW: usize = 8;
    let mut i = 0;
    while i < steps.len() {
        let Some(a) = lone_bit(&steps[i].0) else {
            i += 1;
            continue;
        };
        let mut between = 0usize;
        let mut found = None;
        for (j, (s, _)) in steps.iter().enumerate().skip(i + 1).take(WINDOW) {
            if let Some(b) = lone_bit(s) {
                if b != a && between & (1 << b) == 0 {
                    found = Some((j, b));
                    break;
                }
            }
            between |= step_bits(s);
        }
        if let Some((j, b)) = found {
            let (ma, mb) = (step_matrix2(&steps[i].0), step_matrix2(&steps[j].0));
            let two = if a > b {
                Step::Two(Box::new(kron(&ma, &mb)), a, b)
            } else {
                Step::Two(Box::new(kron(&mb, &ma)), b, a)
            };
            let c = cost.of(&two);
            if c < steps[i].1 + steps[j].1 {
                steps.remove(j);
                steps[i] = (two, c);
            }
        }
        i += 1;
    }
}

/// The 2×2 matrix of an uncontrolled one-bit step (read off its kernel on a one-qubit state).
fn step_matrix2(s: &Step) -> M2 {
    let mut m = [[ZERO; 2]; 2];
    if let Step::Kernel(a, 0) = s {
        let a = retarget(*a, 0);
        for col in 0..2 {
            let mut v = [ZERO; 2];
            v[col] = ONE;
            kernels::apply_action(&mut v, a, 0);
            m[0][col] = v[0];
            m[1][col] = v[1];
        }
    }
    m
}

/// A one-bit action moved to bit `t`.
fn retarget(a: Action, t: usize) -> Action {
    match a {
        Action::Mat(m, _) => Action::Mat(m, t),
        Action::RealMat(m, _) => Action::RealMat(m, t),
        Action::Rx(c, s, _) => Action::Rx(c, s, t),
        Action::Diag(d0, d1, _) => Action::Diag(d0, d1, t),
        Action::Phase(d, _) => Action::Phase(d, t),
        Action::X(_) => Action::X(t),
        Action::Y(_) => Action::Y(t),
        Action::Z(_) => Action::Z(t),
        other => other,
    }
}

/// `a ⊗ b` (a on the high bit).
fn kron(a: &M2, b: &M2) -> M4 {
    let mut m = [[ZERO; 4]; 4];
    for (r, row) in m.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v = a[r >> 1][c >> 1] * b[r & 1][c & 1];
        }
    }
    m
}

/// A gate as a step of its own kernel.
fn kernel_step(n: usize, op: &Op) -> Step {
    let (action, ctrl) = kernels::plan(op.kind, op.params, &op.wires, n);
    let extra = op
        .controls
        .iter()
        .fold(0usize, |m, &w| m | (1 << (n - 1 - w)));
    Step::Kernel(action, ctrl | extra)
}

/// Emits one closed block: its dense matrix, or its members with one-wire runs multiplied,
/// whichever the cost model prefers.
fn emit(n: usize, ops: &[Op], block: &Block, cost: &Cost, steps: &mut Vec<(Step, f64)>) {
    let members = &block.members;
    if let [i] = members.as_slice() {
        let s = kernel_step(n, &ops[*i]);
        let c = cost.of(&s);
        steps.push((s, c));
        return;
    }
    // Members one by one, consecutive one-wire gates on a wire multiplied into one matrix.
    let mut split: Vec<(Step, f64)> = Vec::new();
    let mut pending: Vec<Vec<usize>> = vec![Vec::new(); block.wires.len()];
    let flush = |k: usize, pending: &mut Vec<Vec<usize>>, split: &mut Vec<(Step, f64)>| {
        let run = std::mem::take(&mut pending[k]);
        let s = match run.as_slice() {
            [] => return,
            [i] => kernel_step(n, &ops[*i]),
            _ => run_step(ops, &run, n - 1 - block.wires[k]),
        };
        let c = cost.of(&s);
        split.push((s, c));
    };
    for &i in members {
        let op = &ops[i];
        if op.controls.is_empty() && op.wires.len() == 1 {
            let k = usize::from(block.wires.len() == 2 && op.wires[0] == block.wires[1]);
            pending[k].push(i);
        } else {
            for k in 0..block.wires.len() {
                flush(k, &mut pending, &mut split);
            }
            let s = kernel_step(n, op);
            let c = cost.of(&s);
            split.push((s, c));
        }
    }
    for k in 0..block.wires.len() {
        flush(k, &mut pending, &mut split);
    }
    if let [q, r] = block.wires[..] {
        let two = Step::Two(
            Box::new(block_matrix(ops, members, q)),
            n - 1 - q,
            n - 1 - r,
        );
        let c = cost.of(&two);
        if c < split.iter().map(|s| s.1).sum::<f64>() {
            steps.push((two, c));
            return;
        }
    }
    steps.extend(split);
}

/// One step for a run of uncontrolled one-wire gates on bit `t`: their product, as a diagonal
/// or real matrix when it is one (cheaper kernels).
fn run_step(ops: &[Op], run: &[usize], t: usize) -> Step {
    let mut m = [[ZERO; 2]; 2];
    for col in 0..2 {
        let mut v = [ZERO; 2];
        v[col] = ONE;
        for &i in run {
            let (a, _) = kernels::plan(ops[i].kind, ops[i].params, &[0], 1);
            kernels::apply_action(&mut v, a, 0);
        }
        m[0][col] = v[0];
        m[1][col] = v[1];
    }
    if m[0][1] == ZERO && m[1][0] == ZERO {
        Step::Kernel(Action::Diag(m[0][0], m[1][1], t), 0)
    } else if m.iter().flatten().all(|v| v.im == 0.0) {
        Step::Kernel(
            Action::RealMat([[m[0][0].re, m[0][1].re], [m[1][0].re, m[1][1].re]], t),
            0,
        )
    } else {
        Step::Kernel(Action::Mat(m, t), 0)
    }
}

/// The 4×4 matrix of a block's members on wires `q` < the other (`q` is the high bit): each member
/// applied, by its own kernel, to the four basis states of a two-qubit state.
fn block_matrix(ops: &[Op], members: &[usize], q: usize) -> M4 {
    // Local wire 0 (the high bit of the two-qubit state) is `q`, local wire 1 is `r`.
    let local = |w: usize| usize::from(w != q);
    let mut m = [[ZERO; 4]; 4];
    for col in 0..4 {
        let mut v = [ZERO; 4];
        v[col] = ONE;
        for &i in members {
            let op = &ops[i];
            let wires: Vec<usize> = op.wires.iter().map(|&w| local(w)).collect();
            let (a, ctrl) = kernels::plan(op.kind, op.params, &wires, 2);
            let extra = op
                .controls
                .iter()
                .fold(0usize, |mk, &w| mk | (1 << (1 - local(w))));
            kernels::apply_action(&mut v, a, ctrl | extra);
        }
        for (row, x) in v.iter().enumerate() {
            m[row][col] = *x;
        }
    }
    m
}

/// The cost model: estimated time per amplitude of one pass, the larger of its arithmetic
/// (instruction counts of the kernels, measured with callgrind) and its memory traffic
/// (weighted by where a state of this size lives).
#[derive(Clone, Copy, Debug)]
struct Cost {
    /// Cost of streaming the whole state once (read + write).
    memory: f64,
    /// Whether lone one-wire steps are worth pairing into 4×4 passes.
    pair_lone_steps: bool,
}

impl Cost {
    fn for_qubits(n: usize) -> Cost {
        // 2^16 amplitudes = 1 MiB: within a core's L2 below, L3 up to 2^21 (32 MiB), then DRAM.
        let memory = match n {
            0..=16 => 1.0,
            17..=21 => 2.5,
            _ => 6.0,
        };
        Cost {
            memory,
            pair_lone_steps: n > 16,
        }
    }

    fn of(&self, s: &Step) -> f64 {
        // (arithmetic, fraction of the state read and written)
        let (work, traffic) = match s {
            Step::Two(..) => (8.5, 1.0),
            Step::Kernel(a, ctrl) => {
                let k = ctrl.count_ones() as i32;
                let frac = 0.5f64.powi(k);
                let w = match a {
                    Action::Mat(..) => 4.7,
                    Action::RealMat(..) => 3.2,
                    Action::Rx(..) | Action::Diag(..) => 3.6,
                    Action::Phase(..) | Action::Z(_) => 1.2,
                    Action::X(_) | Action::Y(_) => 2.3,
                    Action::Swap(..) => 2.0,
                    Action::IsingXX(..) | Action::IsingZZ(..) => 12.0,
                };
                let half = matches!(a, Action::Phase(..) | Action::Z(_));
                let traffic = if half { 0.5 * frac } else { frac };
                (w * frac.max(0.25), traffic)
            }
        };
        work.max(self.memory * traffic)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::sim::{bench_circuit, golden, GateKind};
    use proptest::prelude::*;

    fn gate_by_gate(ops: &[Op], start: &State) -> State {
        let mut s = start.clone();
        ops.iter().for_each(|op| s.apply(op));
        s
    }

    fn max_diff(a: &State, b: &State) -> f64 {
        a.amplitudes()
            .iter()
            .zip(b.amplitudes())
            .map(|(x, y)| (x - y).norm())
            .fold(0.0, f64::max)
    }

    fn random_state(n: usize, rng: &mut Rng) -> State {
        let mut v: Vec<C64> = (0..1usize << n)
            .map(|_| C64::new(rng.normal(), rng.normal()))
            .collect();
        let norm = v.iter().map(|a| a.norm_sqr()).sum::<f64>().sqrt();
        v.iter_mut().for_each(|a| *a /= norm);
        State::from_amplitudes(v).unwrap()
    }

    /// A random circuit over every gate kind, some one-wire gates with one or two controls.
    fn random_circuit(rng: &mut Rng, n: usize, len: usize) -> Vec<Op> {
        let kinds = GateKind::all();
        let mut ops = Vec::new();
        while ops.len() < len {
            let kind = kinds[rng.below(kinds.len() as u64) as usize];
            if kind.n_wires() > n {
                continue;
            }
            let mut wires: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut wires);
            let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-7.0, 7.0)).collect();
            let k = kind.n_wires();
            let mut op = Op::new(kind, &wires[..k], &params).unwrap();
            if kind.is_single_qubit() && n > k && rng.uniform() < 0.25 {
                let nc = 1 + rng.below((n - k).min(2) as u64) as usize;
                op = op.controlled(&wires[k..k + nc]).unwrap();
            }
            ops.push(op);
        }
        ops
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Fused equals gate by gate on random circuits of every kind, from random states,
        /// for small states (compute-bound cost model) and large ones (memory-bound: lone
        /// one-wire steps paired too).
        #[test]
        fn fused_equals_gate_by_gate(n in 1usize..=6, len in 0usize..40, seed: u64) {
            let mut rng = Rng::new(seed);
            let ops = random_circuit(&mut rng, n, len);
            let s0 = random_state(n, &mut rng);
            let want = gate_by_gate(&ops, &s0);
            let mut got = s0.clone();
            let f = Fused::new(n, &ops).unwrap();
            f.run(&mut got).unwrap();
            prop_assert!(max_diff(&got, &want) < 1e-12, "n {n}: {}", max_diff(&got, &want));
            prop_assert!(f.n_passes() <= ops.len());
        }

        /// The same with the memory-bound cost model forced (pairs lone steps, prefers 4×4).
        #[test]
        fn fused_with_pairing_equals_gate_by_gate(n in 2usize..=6, len in 0usize..40, seed: u64) {
            let mut rng = Rng::new(seed);
            let ops = random_circuit(&mut rng, n, len);
            let s0 = random_state(n, &mut rng);
            let want = gate_by_gate(&ops, &s0);
            let cost = Cost { memory: 6.0, pair_lone_steps: true };
            let steps = fuse_with(n, &ops, cost);
            let mut got = s0.clone();
            Fused { n, steps, n_ops: ops.len() }.run(&mut got).unwrap();
            prop_assert!(max_diff(&got, &want) < 1e-12, "n {n}: {}", max_diff(&got, &want));
        }
    }

    #[test]
    fn every_golden_circuit_fused_matches_pennylane_to_1e_10() {
        let json = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/golden/circuits.json"
        ))
        .unwrap();
        let cases = golden::parse(&json).unwrap();
        assert_eq!(cases.len(), 300);
        for (ci, case) in cases.iter().enumerate() {
            for cost in [
                None,
                Some(Cost {
                    memory: 6.0,
                    pair_lone_steps: true,
                }),
            ] {
                let mut s = State::new(case.n_qubits).unwrap();
                let steps = match cost {
                    None => fuse(case.n_qubits, &case.ops),
                    Some(c) => fuse_with(case.n_qubits, &case.ops, c),
                };
                Fused {
                    n: case.n_qubits,
                    steps,
                    n_ops: case.ops.len(),
                }
                .run(&mut s)
                .unwrap();
                for (i, (a, b)) in s.amplitudes().iter().zip(&case.state).enumerate() {
                    assert!(
                        (a - b).norm() < 1e-10,
                        "case {ci} amplitude {i}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_benchmark_circuit_fuses_into_fewer_passes() {
        for n in [12, 24] {
            let ops = bench_circuit(n, 100, 2024);
            let f = Fused::new(n, &ops).unwrap();
            assert!(f.n_passes() < 80, "{n} qubits: {} passes", f.n_passes());
            assert!(f.n_dense_passes() > 0);
        }
    }

    #[test]
    fn invalid_ops_and_wrong_sizes_are_refused() {
        let bad = Op {
            kind: GateKind::X,
            wires: vec![3],
            controls: vec![],
            params: [0.0; 3],
        };
        let e = Fused::new(2, std::slice::from_ref(&bad)).unwrap_err();
        assert!(e.to_string().contains("gate 1 (X)"), "{e}");
        let mut s = State::new(2).unwrap();
        assert!(s.apply_circuit(&[bad]).is_err());
        assert_eq!(s, State::new(2).unwrap());
        let f = Fused::new(3, &[]).unwrap();
        assert!(f.run(&mut s).unwrap_err().to_string().contains("3 qubits"));
    }
}
