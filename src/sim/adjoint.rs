//! Adjoint-method gradients, and the one block structure every backward pass walks.
//!
//! A circuit of one-parameter primitives is planned once ([`Plan`]): runs of uncontrolled
//! one-wire primitives on a wire become one 2×2 matrix each (gates on other wires commute past
//! them), CNOTs and every other primitive stay steps of their own, and the runs are scheduled
//! into *stages* of runs on distinct wires that commute with each other (non-run steps are
//! scheduled as early as they are ready, runs wait and gather). A re-uploading layer — one run
//! per wire, then a CNOT ring — is one stage; the first stage acts on |0…0⟩ and is built as a
//! product state.
//!
//! The backward pass ([`backward`]) walks the plan in reverse and asks a [`Backward`] backend
//! for each step. Every derivative of a run comes from its 2×2 *cross matrix*
//! `R = Σ φ λ†` (summed over the other wires): with U(θ) = exp(−icθG) and `H_k` the member's
//! generator moved to the run's end (`S_{k+1} G_k S_{k+1}†`, `S_k` the product of the run from
//! member `k` on), `∂⟨O⟩/∂θ_k = 2c Im Tr(H_k R)`. Undoing a run on both states is one 2×2 pass;
//! the runs of the leading stage need no undoing. Two backends exist: the single-state one
//! here ([`Single`], used by [`adjoint_gradient`] and `circuit::Program`) and the batched one
//! of `circuit::batch` (many points in split real/imaginary planes).

use super::kernels::{self, Action, M2};
use super::simd::{self, Simd};
use super::{GateKind, Observable, Op, SimError, State, C64};
use std::collections::{BTreeSet, VecDeque};

const ZERO: C64 = C64::new(0.0, 0.0);
const ONE: C64 = C64::new(1.0, 0.0);

/// The 2×2 identity.
pub(crate) const ID2: M2 = [[ONE, ZERO], [ZERO, ONE]];

/// How a fusable one-wire primitive depends on its angle, or its fixed matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum OneWire {
    /// RX(θ) = [[c, −is], [−is, c]], generator X.
    Rx,
    /// RY(θ) = [[c, −s], [s, c]], generator Y.
    Ry,
    /// RZ(θ) = diag(e^{−iθ/2}, e^{iθ/2}), generator Z.
    Rz,
    /// PhaseShift(φ) = diag(1, e^{iφ}), generator |1⟩⟨1|.
    Phase,
    /// A constant gate (H, S, SX, ...).
    Fixed(M2),
}

impl OneWire {
    /// The fusable form of a primitive: uncontrolled, one wire, at most one parameter.
    pub(crate) fn of(op: &Op) -> Option<OneWire> {
        if !op.controls.is_empty() || op.kind.n_wires() != 1 {
            return None;
        }
        match op.kind {
            GateKind::RX => Some(OneWire::Rx),
            GateKind::RY => Some(OneWire::Ry),
            GateKind::RZ => Some(OneWire::Rz),
            GateKind::PhaseShift => Some(OneWire::Phase),
            k if k.n_params() == 0 => Some(OneWire::Fixed(one_wire_matrix(k, [0.0; 3]))),
            _ => None,
        }
    }

    /// The matrix at angle `t`.
    #[inline]
    pub(crate) fn matrix(self, t: f64) -> M2 {
        let re = |x: f64| C64::new(x, 0.0);
        match self {
            OneWire::Rx => {
                let (s, c) = (0.5 * t).sin_cos();
                [[re(c), C64::new(0.0, -s)], [C64::new(0.0, -s), re(c)]]
            }
            OneWire::Ry => {
                let (s, c) = (0.5 * t).sin_cos();
                [[re(c), re(-s)], [re(s), re(c)]]
            }
            OneWire::Rz => {
                let (s, c) = (0.5 * t).sin_cos();
                [[C64::new(c, -s), ZERO], [ZERO, C64::new(c, s)]]
            }
            OneWire::Phase => {
                let (s, c) = t.sin_cos();
                [[ONE, ZERO], [ZERO, C64::new(c, s)]]
            }
            OneWire::Fixed(m) => m,
        }
    }

    /// The primitive's generator `G` (`None` for constant gates).
    pub(crate) fn generator(self) -> Option<M2> {
        let i = C64::new(0.0, 1.0);
        match self {
            OneWire::Rx => Some([[ZERO, ONE], [ONE, ZERO]]),
            OneWire::Ry => Some([[ZERO, -i], [i, ZERO]]),
            OneWire::Rz => Some([[ONE, ZERO], [ZERO, -ONE]]),
            OneWire::Phase => Some([[ZERO, ZERO], [ZERO, ONE]]),
            OneWire::Fixed(_) => None,
        }
    }
}

/// The matrix of a one-wire gate, read off its kernel (columns = images of |0⟩, |1⟩).
pub(crate) fn one_wire_matrix(kind: GateKind, params: [f64; 3]) -> M2 {
    let (action, _) = kernels::plan(kind, params, &[0], 1);
    let mut m = [[ZERO; 2]; 2];
    for col in 0..2 {
        let mut v = [ZERO; 2];
        v[col] = ONE;
        kernels::apply_action(&mut v, action, 0);
        m[0][col] = v[0];
        m[1][col] = v[1];
    }
    m
}

/// `a·b`.
#[inline(always)]
pub(crate) fn mul(a: &M2, b: &M2) -> M2 {
    [
        [
            a[0][0] * b[0][0] + a[0][1] * b[1][0],
            a[0][0] * b[0][1] + a[0][1] * b[1][1],
        ],
        [
            a[1][0] * b[0][0] + a[1][1] * b[1][0],
            a[1][0] * b[0][1] + a[1][1] * b[1][1],
        ],
    ]
}

/// `a†`.
#[inline(always)]
pub(crate) fn dagger(a: &M2) -> M2 {
    [
        [a[0][0].conj(), a[1][0].conj()],
        [a[0][1].conj(), a[1][1].conj()],
    ]
}

/// `Tr(h r)`.
#[inline(always)]
pub(crate) fn trace_of_product(h: &M2, r: &M2) -> C64 {
    h[0][0] * r[0][0] + h[0][1] * r[1][0] + h[1][0] * r[0][1] + h[1][1] * r[1][1]
}

/// A run of fusable primitives on one wire: `Plan::members[first..first + len]`, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    /// The wire's bit position.
    pub bit: usize,
    /// Index of the first member in [`Plan::members`].
    pub first: usize,
    /// Number of members.
    pub len: usize,
    /// Whether a member has an angle (else the run has no derivative).
    pub params: bool,
}

/// One step of a [`Plan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Runs on distinct wires, `Plan::runs[first..first + len]`.
    Stage { first: usize, len: usize },
    /// An uncontrolled CNOT on bits (control, target).
    Cnot(usize, usize),
    /// Any other primitive, by index.
    Prim(usize),
}

/// The block structure of a sequence of primitives (see the module doc).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Plan {
    /// The steps in execution order.
    pub steps: Vec<Step>,
    /// The runs, stage after stage.
    pub runs: Vec<Run>,
    /// Primitive indices of the runs' members, run after run.
    pub members: Vec<usize>,
    /// Whether `steps[0]` is a stage acting on |0…0⟩ (built as a product state).
    pub leading: bool,
}

/// A unit of scheduling: a run (its wire's pending members) or a primitive of its own.
enum Item {
    Run(usize, Vec<usize>),
    Other(usize),
}

impl Plan {
    /// Plans `prims` on `n` qubits; `has_angle(i)` says whether primitive `i` has a parameter
    /// to differentiate.
    pub(crate) fn new(n: usize, prims: &[Op], has_angle: impl Fn(usize) -> bool) -> Plan {
        // Items in a valid order: runs flushed when another primitive touches their wire.
        let mut items: Vec<Item> = Vec::new();
        let mut pending: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, p) in prims.iter().enumerate() {
            if OneWire::of(p).is_some() {
                if let Some(run) = p.wires.first().and_then(|&w| pending.get_mut(w)) {
                    run.push(i);
                }
                continue;
            }
            for &w in p.wires.iter().chain(&p.controls) {
                if let Some(run) = pending.get_mut(w) {
                    if !run.is_empty() {
                        items.push(Item::Run(w, std::mem::take(run)));
                    }
                }
            }
            items.push(Item::Other(i));
        }
        for (w, run) in pending.into_iter().enumerate() {
            if !run.is_empty() {
                items.push(Item::Run(w, run));
            }
        }
        // Each item waits for the earlier items on its wires: per wire, the queue of items.
        let wires_of = |it: &Item| -> Vec<usize> {
            match it {
                Item::Run(w, _) => vec![*w],
                Item::Other(i) => prims[*i]
                    .wires
                    .iter()
                    .chain(&prims[*i].controls)
                    .copied()
                    .filter(|&w| w < n)
                    .collect(),
            }
        };
        let item_wires: Vec<Vec<usize>> = items.iter().map(wires_of).collect();
        let mut queues: Vec<VecDeque<usize>> = vec![VecDeque::new(); n];
        for (k, ws) in item_wires.iter().enumerate() {
            for &w in ws {
                queues[w].push_back(k);
            }
        }
        let ready = |k: usize, queues: &[VecDeque<usize>]| {
            item_wires[k].iter().all(|&w| queues[w].front() == Some(&k))
        };
        // Ready items by kind, in item order.
        let (mut others, mut runs) = (BTreeSet::new(), BTreeSet::new());
        let sort = |k: usize, others: &mut BTreeSet<usize>, runs: &mut BTreeSet<usize>| {
            match items[k] {
                Item::Run(..) => runs.insert(k),
                Item::Other(_) => others.insert(k),
            };
        };
        for k in 0..items.len() {
            if ready(k, &queues) {
                sort(k, &mut others, &mut runs);
            }
        }
        // Pops item `k` off its wires' queues and files the items that became ready.
        let retire = |k: usize,
                      queues: &mut [VecDeque<usize>],
                      others: &mut BTreeSet<usize>,
                      runs: &mut BTreeSet<usize>| {
            for &w in &item_wires[k] {
                queues[w].pop_front();
            }
            for &w in &item_wires[k] {
                if let Some(&f) = queues[w].front() {
                    if ready(f, queues) {
                        sort(f, others, runs);
                    }
                }
            }
        };
        let mut plan = Plan::default();
        let bit = |w: usize| n - 1 - w;
        loop {
            // Every primitive that is ready, as long as some are (each may free the next).
            while let Some(k) = others.pop_first() {
                if let Item::Other(i) = items[k] {
                    let p = &prims[i];
                    plan.steps
                        .push(if p.kind == GateKind::CNOT && p.controls.is_empty() {
                            Step::Cnot(bit(p.wires[0]), bit(p.wires[1]))
                        } else {
                            Step::Prim(i)
                        });
                }
                retire(k, &mut queues, &mut others, &mut runs);
            }
            // Then every run that is ready, as one stage (runs free only primitives).
            if runs.is_empty() {
                break;
            }
            let first = plan.runs.len();
            for k in std::mem::take(&mut runs) {
                if let Item::Run(w, members) = &items[k] {
                    plan.runs.push(Run {
                        bit: bit(*w),
                        first: plan.members.len(),
                        len: members.len(),
                        params: members.iter().any(|&i| has_angle(i)),
                    });
                    plan.members.extend_from_slice(members);
                }
                retire(k, &mut queues, &mut others, &mut runs);
            }
            plan.steps.push(Step::Stage {
                first,
                len: plan.runs.len() - first,
            });
        }
        plan.leading = matches!(plan.steps.first(), Some(Step::Stage { .. }));
        plan
    }

    /// Whether every step is a stage or a CNOT (what the batched passes run).
    pub(crate) fn batchable(&self) -> bool {
        !self.steps.iter().any(|s| matches!(s, Step::Prim(_)))
    }

    /// The runs of a stage step (empty for other steps).
    pub(crate) fn stage_runs(&self, step: &Step) -> &[Run] {
        match *step {
            Step::Stage { first, len } => &self.runs[first..first + len],
            _ => &[],
        }
    }
}

/// Re-forms the products of one run after members up to `last_dirty` changed: `suffix[k] =
/// M_last ⋯ M_k` (so the run's matrix is `suffix[0]`) and `heff[k] = S_{k+1} G_k S_{k+1}†`
/// (`G_k` itself for the last member, set when `last_dirty` is the last member; members without
/// a generator keep what they hold). `mat(k)` and `gen(k)` give member `k`'s matrix and
/// generator; the slices are the run's own. Pass the last member to form everything.
pub(crate) fn refresh_run(
    last_dirty: usize,
    mat: impl Fn(usize) -> M2,
    gen: impl Fn(usize) -> Option<M2>,
    suffix: &mut [M2],
    heff: &mut [M2],
) {
    let len = suffix.len().min(heff.len());
    if len == 0 {
        return;
    }
    for k in (0..=last_dirty.min(len - 1)).rev() {
        let m = mat(k);
        suffix[k] = if k + 1 == len {
            m
        } else {
            mul(&suffix[k + 1], &m)
        };
    }
    // H_k depends on S_{k+1}, which changed for k < last_dirty; the last member's is G itself.
    let last_dirty = last_dirty.min(len - 1);
    for k in 0..last_dirty {
        if let Some(g) = gen(k) {
            let v = &suffix[k + 1];
            heff[k] = mul(&mul(v, &g), &dagger(v));
        }
    }
    if last_dirty == len - 1 {
        if let Some(g) = gen(len - 1) {
            heff[len - 1] = g;
        }
    }
}

/// A backend of [`backward`]: the states (one or many) and where derivatives go.
pub(crate) trait Backward {
    /// Adds the derivatives of `run`'s members, from the states just after it; with `undo`,
    /// also undoes the run on both states.
    fn run(&mut self, run: &Run, undo: bool);
    /// Undoes a CNOT (self-inverse) on both states.
    fn cnot(&mut self, c: usize, t: usize);
    /// Adds the derivative of primitive `i` (if it has one) and undoes it on both states.
    fn prim(&mut self, i: usize);
}

/// The backward pass over `plan` (the states just after the last step, λ = O φ).
pub(crate) fn backward<B: Backward>(plan: &Plan, b: &mut B) {
    for (k, step) in plan.steps.iter().enumerate().rev() {
        match *step {
            Step::Stage { .. } => {
                let undo = !(k == 0 && plan.leading);
                for run in plan.stage_runs(step) {
                    if run.params || undo {
                        b.run(run, undo);
                    }
                }
            }
            Step::Cnot(c, t) => b.cnot(c, t),
            Step::Prim(i) => b.prim(i),
        }
    }
}

/// Runs `plan` from |0…0⟩ into `state`: the leading stage as a product state, then every step.
/// `suffix` holds the runs' products (the run's matrix is `suffix[run.first]`).
pub(crate) fn forward(plan: &Plan, prims: &[Op], suffix: &[M2], state: &mut State) {
    let n = state.n_qubits();
    let mut steps = plan.steps.iter();
    if plan.leading {
        let mut cols = vec![None; n];
        if let Some(step) = steps.next() {
            for run in plan.stage_runs(step) {
                cols[n - 1 - run.bit] = Some(suffix[run.first]);
            }
        }
        product_state(state.amplitudes_mut(), &cols);
    } else {
        state.reset();
    }
    for step in steps {
        match *step {
            Step::Stage { .. } => {
                for run in plan.stage_runs(step) {
                    kernels::apply_action(
                        state.amplitudes_mut(),
                        Action::Mat(suffix[run.first], run.bit),
                        0,
                    );
                }
            }
            Step::Cnot(c, t) => kernels::apply_action(state.amplitudes_mut(), Action::X(t), 1 << c),
            Step::Prim(i) => state.apply(&prims[i]),
        }
    }
}

/// Writes the product state `⊗_w v_w` into `amps` (wire 0 most significant), where `v_w` is the
/// first column of `cols[w]` (the image of |0⟩), or |0⟩ for wires without a matrix.
pub(crate) fn product_state(amps: &mut [C64], cols: &[Option<M2>]) {
    // Every entry is written: after wire w the first 2^(w+1) entries hold the product so far.
    amps[0] = ONE;
    let mut len = 1usize;
    for m in cols {
        let (v0, v1) = match m {
            Some(m) => (m[0][0], m[1][0]),
            None => (ONE, ZERO),
        };
        for i in (0..len).rev() {
            let a = amps[i];
            amps[2 * i + 1] = a * v1;
            amps[2 * i] = a * v0;
        }
        len *= 2;
    }
}

/// The single-state backend: φ, λ and a scratch μ; the derivative of primitive `i` goes to
/// `grad[angles[i]]`.
pub(crate) struct Single<'a> {
    /// The state, undone step by step.
    pub phi: &'a mut State,
    /// The adjoint state.
    pub lambda: &'a mut State,
    /// Scratch for primitives outside runs.
    pub mu: &'a mut State,
    /// The primitives.
    pub prims: &'a [Op],
    /// Which gradient slot each primitive's parameter feeds.
    pub angles: &'a [Option<usize>],
    /// The plan's members.
    pub members: &'a [usize],
    /// Per member: the run's suffix products (see [`refresh_run`]).
    pub suffix: &'a [M2],
    /// Per member: the generator moved to the run's end.
    pub heff: &'a [M2],
    /// Where derivatives are added.
    pub grad: &'a mut [f64],
}

impl Backward for Single<'_> {
    fn run(&mut self, run: &Run, undo: bool) {
        let inv = dagger(&self.suffix[run.first]);
        let (p, l) = (self.phi.amplitudes_mut(), self.lambda.amplitudes_mut());
        if !run.params {
            kernels::apply_action(p, Action::Mat(inv, run.bit), 0);
            kernels::apply_action(l, Action::Mat(inv, run.bit), 0);
            return;
        }
        let r = cross(p, l, run.bit, undo.then_some(&inv));
        for k in run.first..run.first + run.len {
            let i = self.members[k];
            if let (Some(a), Some(c)) = (self.angles[i], self.prims[i].generator()) {
                let t = trace_of_product(&self.heff[k], &r);
                if let Some(slot) = self.grad.get_mut(a) {
                    *slot += 2.0 * c * t.im;
                }
            }
        }
    }

    fn cnot(&mut self, c: usize, t: usize) {
        kernels::apply_action(self.phi.amplitudes_mut(), Action::X(t), 1 << c);
        kernels::apply_action(self.lambda.amplitudes_mut(), Action::X(t), 1 << c);
    }

    fn prim(&mut self, i: usize) {
        let p = &self.prims[i];
        if let (Some(a), Some(c)) = (self.angles[i], p.generator()) {
            self.mu.copy_from(self.phi);
            self.mu.apply_generator(p);
            let g = 2.0 * c * self.lambda.inner(self.mu).im;
            if let Some(slot) = self.grad.get_mut(a) {
                *slot += g;
            }
        }
        self.phi.apply_inverse(p);
        self.lambda.apply_inverse(p);
    }
}

/// The cross matrix `R[j][k] = Σ φ_j conj(λ_k)` on bit `t` of the states as they are, then,
/// when `undo` is given, that matrix applied to bit `t` of both.
pub(crate) fn cross(phi: &mut [C64], lambda: &mut [C64], t: usize, undo: Option<&M2>) -> M2 {
    simd::dispatch!(s, (phi: &mut [C64], lambda: &mut [C64], t: usize, undo: Option<&M2>) -> M2, {
        cross_with(s, phi, lambda, t, undo)
    })
}

/// Lane-wise products summed: `p += x·u`, `q += x·swap_ri(u)`, from which `Σ x conj(u)` is
/// `(p.re + p.im, q.im − q.re)` per lane.
#[derive(Clone, Copy)]
struct Acc<V> {
    p: V,
    q: V,
}

#[inline(always)]
fn acc_add<S: Simd>(s: S, a: Acc<S::V>, x: S::V, u: S::V, su: S::V) -> Acc<S::V> {
    Acc {
        p: s.mul_add(x, u, a.p),
        q: s.mul_add(x, su, a.q),
    }
}

/// The two lanes' `Σ x conj(u)`.
#[inline(always)]
fn acc_lanes<S: Simd>(s: S, a: Acc<S::V>) -> (C64, C64) {
    let (p0, p1) = s.unpack(a.p);
    let (q0, q1) = s.unpack(a.q);
    (
        C64::new(p0.re + p0.im, q0.im - q0.re),
        C64::new(p1.re + p1.im, q1.im - q1.re),
    )
}

#[inline(always)]
fn cross_with<S: Simd>(
    s: S,
    phi: &mut [C64],
    lambda: &mut [C64],
    t: usize,
    undo: Option<&M2>,
) -> M2 {
    let zero = s.splat(0.0);
    let z = Acc { p: zero, q: zero };
    let map = undo.map(|m| kernels::MatMap::new(s, m));
    let len = phi.len().min(lambda.len());
    let (phi, lambda) = (&mut phi[..len], &mut lambda[..len]);
    if t == 0 {
        // One pair per vector: v = [x, y], w = [u, v'] of λ.
        let (mut d, mut o) = (z, z);
        for (a, b) in phi.chunks_exact_mut(2).zip(lambda.chunks_exact_mut(2)) {
            let (Ok(a), Ok(b)) = (<&mut [C64; 2]>::try_from(a), <&mut [C64; 2]>::try_from(b))
            else {
                continue;
            };
            let (v, w) = (s.load(a), s.load(b));
            let w2 = s.swap_halves(w);
            d = acc_add(s, d, v, w, s.swap_ri(w));
            o = acc_add(s, o, v, w2, s.swap_ri(w2));
            if let Some(m) = map {
                s.store(a, kernels::PairMap::one(m, s, v));
                s.store(b, kernels::PairMap::one(m, s, w));
            }
        }
        let ((r00, r11), (r01, r10)) = (acc_lanes(s, d), acc_lanes(s, o));
        return [[r00, r01], [r10, r11]];
    }
    let tm = 1usize << t;
    let mut acc = [z; 4];
    for (cp, cl) in phi
        .chunks_exact_mut(2 * tm)
        .zip(lambda.chunks_exact_mut(2 * tm))
    {
        let (p0, p1) = cp.split_at_mut(tm);
        let (l0, l1) = cl.split_at_mut(tm);
        let it = p0
            .chunks_exact_mut(2)
            .zip(p1.chunks_exact_mut(2))
            .zip(l0.chunks_exact_mut(2))
            .zip(l1.chunks_exact_mut(2));
        for (((a, b), c), d) in it {
            let (Ok(a), Ok(b), Ok(c), Ok(d)) = (
                <&mut [C64; 2]>::try_from(a),
                <&mut [C64; 2]>::try_from(b),
                <&mut [C64; 2]>::try_from(c),
                <&mut [C64; 2]>::try_from(d),
            ) else {
                continue;
            };
            let (x, y, u, v) = (s.load(a), s.load(b), s.load(c), s.load(d));
            let (su, sv) = (s.swap_ri(u), s.swap_ri(v));
            acc[0] = acc_add(s, acc[0], x, u, su);
            acc[1] = acc_add(s, acc[1], x, v, sv);
            acc[2] = acc_add(s, acc[2], y, u, su);
            acc[3] = acc_add(s, acc[3], y, v, sv);
            if let Some(m) = map {
                let (x2, y2) = kernels::PairMap::two(m, s, x, y);
                let (u2, v2) = kernels::PairMap::two(m, s, u, v);
                s.store(a, x2);
                s.store(b, y2);
                s.store(c, u2);
                s.store(d, v2);
            }
        }
    }
    let sum = |a: Acc<S::V>| {
        let (l0, l1) = acc_lanes(s, a);
        l0 + l1
    };
    [[sum(acc[0]), sum(acc[1])], [sum(acc[2]), sum(acc[3])]]
}

/// ⟨0|U†OU|0⟩ and its gradient with respect to every parameter of every op, in order.
///
/// Multi-parameter ops are split with [`Op::decompose`]; each primitive's derivative comes from
/// its generator ([`Op::generator`]): with U(θ) = exp(−icθG), ∂⟨O⟩/∂θ = 2c·Im⟨λ|G|φ⟩ where φ is
/// the state just after the gate and λ = (later gates)† O |ψ⟩ — over the same [`Plan`] and
/// backend as the compiled programs of `circuit`. Memory: three states.
///
/// ```
/// use qmlp::sim::{adjoint_gradient, GateKind, Observable, Op};
/// let ops = [Op::new(GateKind::RX, &[0], &[0.3])?];
/// let (e, g) = adjoint_gradient(1, &ops, &Observable::Pauli("Z0".parse()?))?;
/// assert!((e - 0.3f64.cos()).abs() < 1e-12 && (g[0] + 0.3f64.sin()).abs() < 1e-12);
/// # Ok::<(), qmlp::sim::SimError>(())
/// ```
pub fn adjoint_gradient(
    n: usize,
    ops: &[Op],
    obs: &Observable,
) -> Result<(f64, Vec<f64>), SimError> {
    for (k, op) in ops.iter().enumerate() {
        op.validate(n)
            .map_err(|e| SimError::new(format!("gate {} ({}): {e}", k + 1, op.kind.name())))?;
    }
    obs.validate(n)?;
    // Primitives with the global index of their parameter.
    let mut prims: Vec<Op> = Vec::with_capacity(ops.len());
    let mut angles: Vec<Option<usize>> = Vec::with_capacity(ops.len());
    let mut offset = 0;
    for op in ops {
        for (p, local) in op.decompose() {
            prims.push(p);
            angles.push(local.map(|l| offset + l));
        }
        offset += op.kind.n_params();
    }
    let plan = Plan::new(n, &prims, |i| angles[i].is_some());
    let mut suffix = vec![ID2; plan.members.len()];
    let mut heff = vec![ID2; plan.members.len()];
    for run in &plan.runs {
        let ms = &plan.members[run.first..run.first + run.len];
        let form = |k: usize| OneWire::of(&prims[ms[k]]);
        refresh_run(
            run.len.saturating_sub(1),
            |k| form(k).map_or(ID2, |f| f.matrix(prims[ms[k]].params[0])),
            |k| form(k).and_then(OneWire::generator),
            &mut suffix[run.first..run.first + run.len],
            &mut heff[run.first..run.first + run.len],
        );
    }
    let mut phi = State::new(n)?;
    forward(&plan, &prims, &suffix, &mut phi);
    let value = phi.expval(obs);
    let mut lambda = State::new(n)?;
    phi.apply_observable(obs, &mut lambda);
    let mut mu = State::new(n)?;
    let mut grad = vec![0.0; offset];
    backward(
        &plan,
        &mut Single {
            phi: &mut phi,
            lambda: &mut lambda,
            mu: &mut mu,
            prims: &prims,
            angles: &angles,
            members: &plan.members,
            suffix: &suffix,
            heff: &heff,
            grad: &mut grad,
        },
    );
    Ok((value, grad))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn op(kind: GateKind, wires: &[usize], params: &[f64]) -> Op {
        Op::new(kind, wires, params).unwrap()
    }

    /// The fusable forms' matrices equal the engine's gates, for every one-wire kind.
    #[test]
    #[allow(clippy::needless_range_loop)] // `col` picks a basis state and a matrix column
    fn one_wire_matrices_match_the_engine() {
        for &kind in GateKind::all() {
            if kind.n_wires() != 1 || kind.n_params() > 1 {
                continue;
            }
            for t in [-2.7, -0.3, 0.0, 0.9, 3.1] {
                let params: Vec<f64> = vec![t; kind.n_params()];
                let o = op(kind, &[0], &params);
                let form = OneWire::of(&o).expect("fusable");
                let got = form.matrix(t);
                for col in 0..2 {
                    let mut s = State::new(1).unwrap();
                    s.amplitudes_mut().swap(0, col);
                    s.apply(&o);
                    for (row, amp) in s.amplitudes().iter().enumerate() {
                        let d = (got[row][col] - amp).norm();
                        assert!(d < 1e-15, "{kind:?}({t})");
                    }
                }
            }
        }
        assert!(OneWire::of(&op(GateKind::Rot, &[0], &[0.1, 0.2, 0.3])).is_none());
        assert!(OneWire::of(&op(GateKind::X, &[0], &[]).controlled(&[1]).unwrap()).is_none());
    }

    /// A re-uploading layer (one run per wire, then a CNOT ring) plans as one stage per layer,
    /// the first one leading.
    #[test]
    fn layers_plan_as_stages() {
        let n = 4;
        let mut prims = Vec::new();
        for _ in 0..3 {
            for w in 0..n {
                prims.push(op(GateKind::RX, &[w], &[0.1]));
                prims.push(op(GateKind::RY, &[w], &[0.2]));
                prims.push(op(GateKind::RZ, &[w], &[0.3]));
            }
            for w in 0..n {
                prims.push(op(GateKind::CNOT, &[w, (w + 1) % n], &[]));
            }
        }
        let plan = Plan::new(n, &prims, |_| true);
        let stages: Vec<usize> = plan
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Stage { len, .. } => Some(*len),
                _ => None,
            })
            .collect();
        assert_eq!(stages, vec![4, 4, 4]);
        assert!(plan.leading && plan.batchable());
        assert_eq!(plan.members.len(), 36);
        let cnots = plan
            .steps
            .iter()
            .filter(|s| matches!(s, Step::Cnot(..)))
            .count();
        assert_eq!(cnots, 12);
    }

    /// The planned forward pass equals the primitives applied one by one, on random circuits
    /// with every kind of primitive (controls included).
    #[test]
    fn planned_forward_equals_the_primitives_in_order() {
        let mut rng = Rng::new(3);
        let kinds = GateKind::all();
        for trial in 0..200 {
            let n = 1 + trial % 5;
            let mut prims = Vec::new();
            while prims.len() < 3 + trial % 17 {
                let kind = kinds[rng.below(kinds.len() as u64) as usize];
                if kind.n_wires() > n {
                    continue;
                }
                let mut wires: Vec<usize> = (0..n).collect();
                rng.shuffle(&mut wires);
                let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-3.0, 3.0)).collect();
                let mut o = op(kind, &wires[..kind.n_wires()], &params);
                if kind.is_single_qubit() && n > 1 && rng.uniform() < 0.3 {
                    o = o.controlled(&wires[1..2]).unwrap();
                }
                for (p, _) in o.decompose() {
                    prims.push(p);
                }
            }
            let plan = Plan::new(n, &prims, |_| true);
            let mut suffix = vec![ID2; plan.members.len()];
            let mut heff = vec![ID2; plan.members.len()];
            for run in &plan.runs {
                let ms = &plan.members[run.first..run.first + run.len];
                refresh_run(
                    run.len - 1,
                    |k| {
                        OneWire::of(&prims[ms[k]]).map_or(ID2, |f| f.matrix(prims[ms[k]].params[0]))
                    },
                    |k| OneWire::of(&prims[ms[k]]).and_then(OneWire::generator),
                    &mut suffix[run.first..run.first + run.len],
                    &mut heff[run.first..run.first + run.len],
                );
            }
            let mut got = State::new(n).unwrap();
            got.apply(&op(GateKind::X, &[0], &[]));
            forward(&plan, &prims, &suffix, &mut got);
            let mut want = State::new(n).unwrap();
            prims.iter().for_each(|p| want.apply(p));
            for (a, b) in got.amplitudes().iter().zip(want.amplitudes()) {
                assert!((a - b).norm() < 1e-12, "trial {trial}");
            }
        }
    }

    /// The vector cross matrix (with and without undoing) against the definition, every bit.
    #[test]
    fn cross_matrix_matches_its_definition() {
        let mut rng = Rng::new(8);
        for n in 1..=5usize {
            for t in 0..n {
                let rnd = |rng: &mut Rng| -> Vec<C64> {
                    (0..1usize << n)
                        .map(|_| C64::new(rng.normal(), rng.normal()))
                        .collect()
                };
                let (p0, l0) = (rnd(&mut rng), rnd(&mut rng));
                let tm = 1usize << t;
                let mut want = [[ZERO; 2]; 2];
                for i in (0..1usize << n).filter(|i| i & tm == 0) {
                    for (j, pj) in [i, i | tm].into_iter().enumerate() {
                        for (k, lk) in [i, i | tm].into_iter().enumerate() {
                            want[j][k] += p0[pj] * l0[lk].conj();
                        }
                    }
                }
                let m = OneWire::Rx.matrix(0.7);
                for undo in [None, Some(&m)] {
                    let (mut p, mut l) = (p0.clone(), l0.clone());
                    let r = cross(&mut p, &mut l, t, undo);
                    for j in 0..2 {
                        for k in 0..2 {
                            assert!((r[j][k] - want[j][k]).norm() < 1e-12, "n {n} t {t}");
                        }
                    }
                    let (mut pw, mut lw) = (p0.clone(), l0.clone());
                    if let Some(m) = undo {
                        kernels::apply_action(&mut pw, Action::Mat(*m, t), 0);
                        kernels::apply_action(&mut lw, Action::Mat(*m, t), 0);
                    }
                    for (a, b) in p.iter().zip(&pw).chain(l.iter().zip(&lw)) {
                        assert!((a - b).norm() < 1e-12, "n {n} t {t} undo");
                    }
                }
            }
        }
    }
}
