//! Gate kernels on a raw amplitude slice. Everything here works with *bit positions*
//! (wire `w` of `n` is bit `n−1−w`) and with control *masks*.
//!
//! Two walkers carry all gates: [`pairs`] visits every amplitude pair that differs in one target
//! bit, [`quads`] every quadruple that differs in two bits. Without controls they walk the state
//! in contiguous blocks (`chunks_exact_mut` + `split_at_mut` + `zip`) so the per-pair closure is
//! inlined into a branch-free, vectorisable loop; with controls they enumerate only the index runs
//! whose control bits are set (zero bits inserted at the fixed positions), never touching the rest.

use super::gate::GateKind;
use super::simd::{self, cf, cmac, cmul, Cf, Simd};
use super::C64;

/// A 2×2 matrix, row-major.
pub(crate) type M2 = [[C64; 2]; 2];

/// A 4×4 matrix on two bits, row-major; local index `2·bit(hi) + bit(lo)`.
pub(crate) type M4 = [[C64; 4]; 4];

/// What a gate does to the state, with wires already turned into bit positions.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Action {
    /// A general 2×2 unitary on one bit.
    Mat(M2, usize),
    /// A real 2×2 matrix on one bit (H, RY).
    RealMat([[f64; 2]; 2], usize),
    /// [[c, −is], [−is, c]] on one bit (RX).
    Rx(f64, f64, usize),
    /// diag(d0, d1) on one bit.
    Diag(C64, C64, usize),
    /// diag(1, d1) on one bit.
    Phase(C64, usize),
    /// Pauli X on one bit (swap).
    X(usize),
    /// Pauli Y on one bit.
    Y(usize),
    /// Pauli Z on one bit.
    Z(usize),
    /// Swap of two bits.
    Swap(usize, usize),
    /// IsingXX with cos(φ/2), sin(φ/2).
    IsingXX(f64, f64, usize, usize),
    /// IsingZZ = diag(e, ē, ē, e) with e = e^{−iφ/2}.
    IsingZZ(C64, usize, usize),
}

const fn c(re: f64, im: f64) -> C64 {
    C64::new(re, im)
}

/// The action of `kind(p)` on `wires` of an `n`-qubit state, plus the mask of built-in controls.
pub(crate) fn plan(kind: GateKind, p: [f64; 3], wires: &[usize], n: usize) -> (Action, usize) {
    use std::f64::consts::FRAC_1_SQRT_2 as R;
    use GateKind::*;
    let bit = |i: usize| n - 1 - wires[i];
    let rx = |t: f64, b: usize| {
        let (s, co) = (t / 2.0).sin_cos();
        Action::Rx(co, s, b)
    };
    let ry = |t: f64, b: usize| {
        let (s, co) = (t / 2.0).sin_cos();
        Action::RealMat([[co, -s], [s, co]], b)
    };
    let rz = |t: f64, b: usize| Action::Diag(C64::cis(-t / 2.0), C64::cis(t / 2.0), b);
    match kind {
        H => (Action::RealMat([[R, R], [R, -R]], bit(0)), 0),
        X => (Action::X(bit(0)), 0),
        Y => (Action::Y(bit(0)), 0),
        Z => (Action::Z(bit(0)), 0),
        S => (Action::Phase(c(0.0, 1.0), bit(0)), 0),
        Sdg => (Action::Phase(c(0.0, -1.0), bit(0)), 0),
        T => (Action::Phase(c(R, R), bit(0)), 0),
        Tdg => (Action::Phase(c(R, -R), bit(0)), 0),
        SX => (
            Action::Mat(
                [[c(0.5, 0.5), c(0.5, -0.5)], [c(0.5, -0.5), c(0.5, 0.5)]],
                bit(0),
            ),
            0,
        ),
        SXdg => (
            Action::Mat(
                [[c(0.5, -0.5), c(0.5, 0.5)], [c(0.5, 0.5), c(0.5, -0.5)]],
                bit(0),
            ),
            0,
        ),
        RX => (rx(p[0], bit(0)), 0),
        RY => (ry(p[0], bit(0)), 0),
        RZ => (rz(p[0], bit(0)), 0),
        PhaseShift => (Action::Phase(C64::cis(p[0]), bit(0)), 0),
        Rot => {
            let (a, b, cc) = (p[0], p[1], p[2]);
            let (s, co) = (b / 2.0).sin_cos();
            // Phases of a/2 and c/2 are taken separately and multiplied: a rounded sum
            // a + c would make the matrix slightly non-unitary for large angles.
            let (ea, ec) = (C64::cis(a / 2.0), C64::cis(cc / 2.0));
            let m = [
                [(ea * ec).conj() * co, -(ea * ec.conj()) * s],
                [(ea.conj() * ec) * s, ea * ec * co],
            ];
            (Action::Mat(m, bit(0)), 0)
        }
        U3 => {
            let (t, ph, la) = (p[0], p[1], p[2]);
            let (s, co) = (t / 2.0).sin_cos();
            let m = [
                [c(co, 0.0), -C64::cis(la) * s],
                // cis(φ)·cis(λ), not cis(φ + λ): the rounded sum breaks unitarity for large
                // angles (found by the qasm_import fuzz target).
                [C64::cis(ph) * s, C64::cis(ph) * C64::cis(la) * co],
            ];
            (Action::Mat(m, bit(0)), 0)
        }
        CNOT => (Action::X(bit(1)), 1 << bit(0)),
        CZ => (Action::Z(bit(1)), 1 << bit(0)),
        CY => (Action::Y(bit(1)), 1 << bit(0)),
        SWAP => (Action::Swap(bit(0), bit(1)), 0),
        CRX => (rx(p[0], bit(1)), 1 << bit(0)),
        CRY => (ry(p[0], bit(1)), 1 << bit(0)),
        CRZ => (rz(p[0], bit(1)), 1 << bit(0)),
        ControlledPhaseShift => (Action::Phase(C64::cis(p[0]), bit(1)), 1 << bit(0)),
        IsingXX => {
            let (s, co) = (p[0] / 2.0).sin_cos();
            (Action::IsingXX(co, s, bit(0), bit(1)), 0)
        }
        IsingZZ => (Action::IsingZZ(C64::cis(-p[0] / 2.0), bit(0), bit(1)), 0),
        Toffoli => (Action::X(bit(2)), (1 << bit(0)) | (1 << bit(1))),
        CSWAP => (Action::Swap(bit(1), bit(2)), 1 << bit(0)),
    }
}

/// Applies `action` to the amplitudes whose `ctrl` bits are all set.
///
/// Runs on the best backend of this CPU (see `simd`): with AVX2 + FMA natively the products are
/// fused multiply-adds, so results may differ from the portable backend's in the last bit.
pub(crate) fn apply_action(amps: &mut [C64], action: Action, ctrl: usize) {
    simd::dispatch!(s, (amps: &mut [C64], action: Action, ctrl: usize) -> (), {
        apply_action_with(s, amps, action, ctrl)
    })
}

/// Applies the 4×4 matrix `m` to bits `hi > lo` (row and column index `2·bit(hi) + bit(lo)`).
pub(crate) fn apply_m4(amps: &mut [C64], m: &M4, hi: usize, lo: usize) {
    simd::dispatch!(s, (amps: &mut [C64], m: &M4, hi: usize, lo: usize) -> (), {
        m4(s, amps, m, hi, lo)
    })
}

#[inline(always)]
fn apply_action_with<S: Simd>(s: S, amps: &mut [C64], action: Action, ctrl: usize) {
    match action {
        Action::RealMat(m, t) => pairs_v(s, amps, t, ctrl, RealMap::new(s, m)),
        Action::Mat(m, t) => pairs_v(s, amps, t, ctrl, MatMap::new(s, &m)),
        Action::Rx(co, si, t) => pairs_v(s, amps, t, ctrl, RxMap::new(s, co, si)),
        Action::Diag(d0, d1, t) => pairs_v(s, amps, t, ctrl, DiagMap::new(s, d0, d1)),
        Action::Phase(d1, t) => phase(s, amps, t, ctrl, d1),
        Action::X(t) => pairs_v(s, amps, t, ctrl, XMap),
        Action::Y(t) => pairs_v(s, amps, t, ctrl, YMap::new(s)),
        Action::Z(t) => pairs(amps, t, ctrl, |_, b| *b = -*b),
        Action::Swap(a, b) => quads(amps, a, b, ctrl, |_, q, r, _| std::mem::swap(q, r)),
        Action::IsingXX(co, s, a, b) => quads(amps, a, b, ctrl, move |p, q, r, t| {
            // c·I − i·s·X⊗X
            let (x00, x01, x10, x11) = (*p, *q, *r, *t);
            *p = cos_misin(co, s, x00, x11);
            *t = cos_misin(co, s, x11, x00);
            *q = cos_misin(co, s, x01, x10);
            *r = cos_misin(co, s, x10, x01);
        }),
        Action::IsingZZ(e, a, b) => {
            let f = e.conj();
            quads(amps, a, b, ctrl, move |p, q, r, t| {
                *p *= e;
                *q *= f;
                *r *= f;
                *t *= e;
            })
        }
    }
}

// The kernels below call `Simd` methods only from `#[inline(always)]` functions and trait
// methods, never from closures: a closure is compiled without the entry function's target
// features, and the intrinsics inside it would stay out-of-line calls.

/// A one-bit map on amplitude pairs, in vectors (see [`pairs_v`]).
pub(crate) trait PairMap<S: Simd>: Copy {
    /// `x`: two consecutive amplitudes with the target bit clear; `y`: their partners.
    fn two(self, s: S, x: S::V, y: S::V) -> (S::V, S::V);
    /// One pair `[a, b]` (target bit clear, set) packed into one vector.
    fn one(self, s: S, v: S::V) -> S::V;
}

/// A general 2×2 matrix.
#[derive(Clone, Copy)]
pub(crate) struct MatMap<V> {
    f: [Cf<V>; 4],
    /// Per lane for one packed pair: `[a | d]` and `[b | c]`.
    l: [Cf<V>; 2],
}

impl<V: Copy> MatMap<V> {
    /// The map of `m`, laid out for backend `s`.
    #[inline(always)]
    pub(crate) fn new<S: Simd<V = V>>(s: S, m: &M2) -> MatMap<V> {
        let [[a, b], [c, d]] = *m;
        MatMap {
            f: [cf(s, a, a), cf(s, b, b), cf(s, c, c), cf(s, d, d)],
            l: [cf(s, a, d), cf(s, b, c)],
        }
    }
}

impl<S: Simd> PairMap<S> for MatMap<S::V> {
    #[inline(always)]
    fn two(self, s: S, x: S::V, y: S::V) -> (S::V, S::V) {
        let (sx, sy) = (s.swap_ri(x), s.swap_ri(y));
        let [fa, fb, fc, fd] = self.f;
        (
            cmac(s, fa, x, sx, cmul(s, fb, y, sy)),
            cmac(s, fc, x, sx, cmul(s, fd, y, sy)),
        )
    }
    #[inline(always)]
    fn one(self, s: S, v: S::V) -> S::V {
        // v = [x, y], w = [y, x]: lane 0 gets a·x + b·y, lane 1 d·y + c·x.
        let w = s.swap_halves(v);
        cmac(
            s,
            self.l[0],
            v,
            s.swap_ri(v),
            cmul(s, self.l[1], w, s.swap_ri(w)),
        )
    }
}

/// A real 2×2 matrix (H, RY): real factors act on both parts alike.
#[derive(Clone, Copy)]
struct RealMap<V> {
    f: [V; 4],
    l: [V; 2],
}

impl<V: Copy> RealMap<V> {
    #[inline(always)]
    fn new<S: Simd<V = V>>(s: S, m: [[f64; 2]; 2]) -> RealMap<V> {
        let [[a, b], [c, d]] = m;
        RealMap {
            f: [s.splat(a), s.splat(b), s.splat(c), s.splat(d)],
            l: [s.set([a, a, d, d]), s.set([b, b, c, c])],
        }
    }
}

impl<S: Simd> PairMap<S> for RealMap<S::V> {
    #[inline(always)]
    fn two(self, s: S, x: S::V, y: S::V) -> (S::V, S::V) {
        let [a, b, c, d] = self.f;
        (s.mul_add(a, x, s.mul(b, y)), s.mul_add(c, x, s.mul(d, y)))
    }
    #[inline(always)]
    fn one(self, s: S, v: S::V) -> S::V {
        s.mul_add(self.l[0], v, s.mul(self.l[1], s.swap_halves(v)))
    }
}

/// RX: `[[c, −is], [−is, c]]`; `−i·s·y = [s·y.im, −s·y.re] = k·swap_ri(y)`.
#[derive(Clone, Copy)]
struct RxMap<V> {
    c: V,
    k: V,
}

impl<V: Copy> RxMap<V> {
    #[inline(always)]
    fn new<S: Simd<V = V>>(s: S, co: f64, si: f64) -> RxMap<V> {
        RxMap {
            c: s.splat(co),
            k: s.set([si, -si, si, -si]),
        }
    }
}

impl<S: Simd> PairMap<S> for RxMap<S::V> {
    #[inline(always)]
    fn two(self, s: S, x: S::V, y: S::V) -> (S::V, S::V) {
        (
            s.mul_add(self.c, x, s.mul(self.k, s.swap_ri(y))),
            s.mul_add(self.c, y, s.mul(self.k, s.swap_ri(x))),
        )
    }
    #[inline(always)]
    fn one(self, s: S, v: S::V) -> S::V {
        s.mul_add(self.c, v, s.mul(self.k, s.swap_ri(s.swap_halves(v))))
    }
}

/// diag(d0, d1).
#[derive(Clone, Copy)]
struct DiagMap<V> {
    f: [Cf<V>; 3],
}

impl<V: Copy> DiagMap<V> {
    #[inline(always)]
    fn new<S: Simd<V = V>>(s: S, d0: C64, d1: C64) -> DiagMap<V> {
        DiagMap {
            f: [cf(s, d0, d0), cf(s, d1, d1), cf(s, d0, d1)],
        }
    }
}

impl<S: Simd> PairMap<S> for DiagMap<S::V> {
    #[inline(always)]
    fn two(self, s: S, x: S::V, y: S::V) -> (S::V, S::V) {
        (
            cmul(s, self.f[0], x, s.swap_ri(x)),
            cmul(s, self.f[1], y, s.swap_ri(y)),
        )
    }
    #[inline(always)]
    fn one(self, s: S, v: S::V) -> S::V {
        cmul(s, self.f[2], v, s.swap_ri(v))
    }
}

/// Pauli X: the pair swapped.
#[derive(Clone, Copy)]
struct XMap;

impl<S: Simd> PairMap<S> for XMap {
    #[inline(always)]
    fn two(self, _: S, x: S::V, y: S::V) -> (S::V, S::V) {
        (y, x)
    }
    #[inline(always)]
    fn one(self, s: S, v: S::V) -> S::V {
        s.swap_halves(v)
    }
}

/// Pauli Y = [[0, −i], [i, 0]]: `−i·b = [b.im, −b.re]`, `i·a = [−a.im, a.re]`.
#[derive(Clone, Copy)]
struct YMap<V> {
    /// `[1, −1, 1, −1]`, `[−1, 1, −1, 1]`, and per lane for one packed pair `[1, −1, −1, 1]`.
    k: [V; 3],
}

impl<V: Copy> YMap<V> {
    #[inline(always)]
    fn new<S: Simd<V = V>>(s: S) -> YMap<V> {
        YMap {
            k: [
                s.set([1.0, -1.0, 1.0, -1.0]),
                s.set([-1.0, 1.0, -1.0, 1.0]),
                s.set([1.0, -1.0, -1.0, 1.0]),
            ],
        }
    }
}

impl<S: Simd> PairMap<S> for YMap<S::V> {
    #[inline(always)]
    fn two(self, s: S, x: S::V, y: S::V) -> (S::V, S::V) {
        (
            s.mul(self.k[0], s.swap_ri(y)),
            s.mul(self.k[1], s.swap_ri(x)),
        )
    }
    #[inline(always)]
    fn one(self, s: S, v: S::V) -> S::V {
        s.mul(self.k[2], s.swap_ri(s.swap_halves(v)))
    }
}

/// `f·v` for the factor `f` in both lanes.
#[inline(always)]
fn scale<S: Simd>(s: S, f: Cf<S::V>, v: S::V) -> S::V {
    cmul(s, f, v, s.swap_ri(v))
}

/// `f` applied to one run of consecutive amplitudes.
#[inline(always)]
fn scale_run<S: Simd>(s: S, f: Cf<S::V>, run: &mut [C64]) {
    if let [a] = run {
        let (x, _) = s.unpack(scale(s, f, s.pack(*a, *a)));
        *a = x;
    }
    for ch in run.chunks_exact_mut(2) {
        if let Ok(p) = <&mut [C64; 2]>::try_from(ch) {
            let v = s.load(p);
            s.store(p, scale(s, f, v));
        }
    }
}

/// Multiplies the amplitudes with bit `t` set (and all `ctrl` bits set) by `d`, touching no other.
#[inline(always)]
fn phase<S: Simd>(s: S, amps: &mut [C64], t: usize, ctrl: usize, d: C64) {
    let f = cf(s, d, d);
    if ctrl == 0 && t == 0 {
        // Pairs [a, b] share a cache line: scale lane 1 only.
        let f01 = cf(s, C64::new(1.0, 0.0), d);
        for ch in amps.chunks_exact_mut(2) {
            if let Ok(p) = <&mut [C64; 2]>::try_from(ch) {
                let v = s.load(p);
                s.store(p, scale(s, f01, v));
            }
        }
    } else if ctrl == 0 {
        let tm = 1usize << t;
        for chunk in amps.chunks_exact_mut(2 * tm) {
            scale_run(s, f, &mut chunk[tm..]);
        }
    } else {
        // Treat the target as one more control: every amplitude in the runs gets the phase.
        let m = ctrl | (1 << t);
        for (base, run) in Runs::new(amps.len(), m, m) {
            scale_run(s, f, &mut amps[base..base + run]);
        }
    }
}

/// `m.two` on every vector of two low amplitudes `lo` and their partners `hi` (same length).
#[inline(always)]
fn pairs_two<S: Simd, M: PairMap<S>>(s: S, m: M, lo: &mut [C64], hi: &mut [C64]) {
    for (a, b) in lo.chunks_exact_mut(2).zip(hi.chunks_exact_mut(2)) {
        if let (Ok(a), Ok(b)) = (<&mut [C64; 2]>::try_from(a), <&mut [C64; 2]>::try_from(b)) {
            let (x, y) = m.two(s, s.load(a), s.load(b));
            s.store(a, x);
            s.store(b, y);
        }
    }
}

/// Target bits whose blocks of pairs (2·2^t amplitudes, 1 KiB to 128 KiB) are walked with an
/// explicit prefetch of the next block. Inside a block the gate reads two streams 2^t apart,
/// and at its end both jump a block ahead. With blocks this short the hardware prefetcher
/// keeps losing the streams: before this walk a single H at 24 qubits took 1.5–2.3× as long
/// on these bits as on a low or high one (`cargo bench --bench sim -- wires`). Lower bits
/// read one stream, higher ones streams long enough for the hardware.
const PREFETCH_BITS: std::ops::RangeInclusive<usize> = 5..=12;

/// How far ahead [`blocks_prefetched`] reads, at least: 256 amplitudes, 4 KiB.
const PREFETCH_AHEAD: usize = 256;

/// States smaller than this (2 MiB, 17 qubits) sit in a core's L2 cache or close to it, where
/// a prefetch only costs instructions: the 12-qubit W1 run took 0.61–0.89 µs per gate with
/// the prefetching walks against 0.55–0.57 µs without, in alternating runs.
const PREFETCH_MIN_LEN: usize = 1 << 17;

/// Whether backend `S` walks a state of `len` amplitudes in prefetching order.
#[inline(always)]
fn prefetching<S: Simd>(len: usize) -> bool {
    S::PREFETCHES && len >= PREFETCH_MIN_LEN
}

/// `m` on the pairs `(i, i + tm)` of every block of `2·tm` amplitudes, prefetching a block
/// ahead line by line while the current one is updated (`tm` a multiple of 4).
#[inline(always)]
fn blocks_prefetched<S: Simd, M: PairMap<S>>(s: S, m: M, amps: &mut [C64], tm: usize) {
    // The block prefetched starts at least 4 KiB ahead: one block of 1 KiB ahead was too
    // close for the lines to arrive in time (bit 5 stayed at 1.5x).
    let skip = (PREFETCH_AHEAD / (2 * tm)).saturating_sub(1) * 2 * tm;
    let mut rest = amps;
    while rest.len() >= 2 * tm {
        let (block, tail) = rest.split_at_mut(2 * tm);
        let next: &[C64] = tail.get(skip..skip + 2 * tm).unwrap_or(&[]);
        let (lo, hi) = block.split_at_mut(tm);
        // Four pairs of lines here, two lines (eight amplitudes) of the next block.
        for (j, (a, b)) in lo
            .chunks_exact_mut(4)
            .zip(hi.chunks_exact_mut(4))
            .enumerate()
        {
            if let Some(x) = next.get(8 * j) {
                s.prefetch(x);
            }
            if let Some(x) = next.get(8 * j + 4) {
                s.prefetch(x);
            }
            pairs_two(s, m, a, b);
        }
        rest = tail;
    }
}

/// [`blocks_prefetched`] for backends without a prefetch instruction (WebAssembly): before a
/// block of pairs is updated, one value of each of its lines is read, so that all its lines
/// are requested at once and the update finds them in the cache.
#[inline(always)]
fn blocks_touched<S: Simd, M: PairMap<S>>(s: S, m: M, amps: &mut [C64], tm: usize) {
    let mut sink = 0u64;
    for chunk in amps.chunks_exact_mut(2 * tm) {
        for x in chunk.iter().step_by(4) {
            sink ^= x.re.to_bits();
        }
        let (lo, hi) = chunk.split_at_mut(tm);
        pairs_two(s, m, lo, hi);
    }
    std::hint::black_box(sink);
}

/// Applies the one-bit map `m` to every amplitude pair differing only in bit `t`, with `ctrl`
/// bits set: two pairs per vector where runs allow, one packed pair otherwise (target bit 0,
/// or runs of one amplitude under a control on bit 0).
#[inline(always)]
fn pairs_v<S: Simd, M: PairMap<S>>(s: S, amps: &mut [C64], t: usize, ctrl: usize, m: M) {
    let tm = 1usize << t;
    if ctrl == 0 {
        let mid = amps.len() >= PREFETCH_MIN_LEN && PREFETCH_BITS.contains(&t);
        if mid && S::PREFETCHES {
            blocks_prefetched(s, m, amps, tm);
        } else if mid {
            blocks_touched(s, m, amps, tm);
        } else {
            on_pairs(s, m, amps, t);
        }
    } else if ctrl.is_power_of_two() {
        pairs_c1(s, amps, t, ctrl.trailing_zeros() as usize, m);
    } else {
        for (base, run) in Runs::new(amps.len(), ctrl | tm, ctrl) {
            let (lo, hi) = amps[base..].split_at_mut(tm);
            if run == 1 {
                if let (Some(a), Some(b)) = (lo.first_mut(), hi.first_mut()) {
                    (*a, *b) = s.unpack(m.one(s, s.pack(*a, *b)));
                }
            } else {
                pairs_two(s, m, &mut lo[..run], &mut hi[..run]);
            }
        }
    }
}

/// [`pairs_v`] with one control bit `c`: nested blocks over the two bits, no run enumeration.
/// Where the blocks are mid-sized (see [`PREFETCH_BITS`]) the lines the next block will need
/// are prefetched as the current one is updated; only those lines, so a controlled gate still
/// reads the half of the state it acts on.
#[inline(always)]
fn pairs_c1<S: Simd, M: PairMap<S>>(s: S, amps: &mut [C64], t: usize, c: usize, m: M) {
    let (tm, cm) = (1usize << t, 1usize << c);
    let pf_state = prefetching::<S>(amps.len());
    if pf_state && c.max(t) < *PREFETCH_BITS.start() {
        small_blocks_prefetched(s, m, amps, t, c);
    } else if c > t {
        // Only the half with the control set; pairs over `t` inside it.
        let pf_runs = pf_state && PREFETCH_BITS.contains(&c) && t < *PREFETCH_BITS.start();
        let skip = (PREFETCH_AHEAD / (2 * cm)).saturating_sub(1) * 2 * cm;
        let mut rest = amps;
        while rest.len() >= 2 * cm {
            let (chunk, tail) = rest.split_at_mut(2 * cm);
            let on = &mut chunk[cm..];
            if pf_runs {
                // The next run with the control set, 8 lines per 32 amplitudes done here
                // (`cm` ≥ 32, and `2·tm` ≤ 32 divides the pieces).
                let next: &[C64] = tail.get(skip + cm..skip + 2 * cm).unwrap_or(&[]);
                for (j, piece) in on.chunks_exact_mut(32).enumerate() {
                    for x in next
                        .get(32 * j..32 * j + 32)
                        .unwrap_or(&[])
                        .iter()
                        .step_by(4)
                    {
                        s.prefetch(x);
                    }
                    on_pairs(s, m, piece, t);
                }
            } else if pf_state && PREFETCH_BITS.contains(&t) {
                blocks_prefetched(s, m, on, tm);
            } else {
                on_pairs(s, m, on, t);
            }
            rest = tail;
        }
    } else {
        // Pairs across the `t` halves, in the runs with the control set.
        // The next block's lines of a run are prefetched as a run starts: for runs of 128
        // amplitudes or less (32 lines). Longer bursts, up to 512 lines for a control on bit
        // 11, made those gates slower than no prefetch (24 qubits: 9.05 against 6.99 ms).
        let pf = pf_state && PREFETCH_BITS.contains(&t) && c <= 7;
        let skip = (PREFETCH_AHEAD / (2 * tm)).saturating_sub(1) * 2 * tm;
        let mut rest = amps;
        while rest.len() >= 2 * tm {
            let (chunk, tail) = rest.split_at_mut(2 * tm);
            let next: &[C64] = if pf {
                tail.get(skip..skip + 2 * tm).unwrap_or(&[])
            } else {
                &[]
            };
            let (h0, h1) = chunk.split_at_mut(tm);
            let pairs = h0.chunks_exact_mut(2 * cm).zip(h1.chunks_exact_mut(2 * cm));
            for (j, (s0, s1)) in pairs.enumerate() {
                if pf {
                    // The lines of the same runs in the next block: those with the control
                    // set, or, for runs shorter than a line, each line once.
                    let first = j * 2 * cm + if cm >= 4 { cm } else { 0 };
                    if cm >= 4 || first % 4 == 0 {
                        for x in (first..(j + 1) * 2 * cm).step_by(4) {
                            if let (Some(a), Some(b)) = (next.get(x), next.get(tm + x)) {
                                s.prefetch(a);
                                s.prefetch(b);
                            }
                        }
                    }
                }
                cross_pairs(s, m, &mut s0[cm..], &mut s1[cm..]);
            }
            rest = tail;
        }
    }
}

/// `m` on the pairs `(a[i], b[i])`: vectors of two where the runs allow, else one packed pair.
#[inline(always)]
fn cross_pairs<S: Simd, M: PairMap<S>>(s: S, m: M, a: &mut [C64], b: &mut [C64]) {
    if a.len() == 1 {
        if let (Some(a), Some(b)) = (a.first_mut(), b.first_mut()) {
            (*a, *b) = s.unpack(m.one(s, s.pack(*a, *b)));
        }
    } else {
        pairs_two(s, m, a, b);
    }
}

/// [`pairs_c1`] when both bits are below 5: every block of `2·2^max(c, t)` amplitudes (at most
/// 32, 512 B) holds runs of a line or less with the control set, every other run. Walked in
/// pieces of 32 amplitudes with every line 4 KiB ahead prefetched: the hardware alone ran
/// these at up to 3.5× the time of an uncontrolled gate.
#[inline(always)]
fn small_blocks_prefetched<S: Simd, M: PairMap<S>>(
    s: S,
    m: M,
    amps: &mut [C64],
    t: usize,
    c: usize,
) {
    let (tm, cm) = (1usize << t, 1usize << c);
    let mut rest = amps;
    while rest.len() >= 32 {
        let (piece, tail) = rest.split_at_mut(32);
        let ahead: &[C64] = tail.get(PREFETCH_AHEAD - 32..PREFETCH_AHEAD).unwrap_or(&[]);
        for x in ahead.iter().step_by(4) {
            s.prefetch(x);
        }
        if c > t {
            for chunk in piece.chunks_exact_mut(2 * cm) {
                on_pairs(s, m, &mut chunk[cm..], t);
            }
        } else {
            for chunk in piece.chunks_exact_mut(2 * tm) {
                let (h0, h1) = chunk.split_at_mut(tm);
                for (s0, s1) in h0.chunks_exact_mut(2 * cm).zip(h1.chunks_exact_mut(2 * cm)) {
                    cross_pairs(s, m, &mut s0[cm..], &mut s1[cm..]);
                }
            }
        }
        rest = tail;
    }
}

/// `m` on the pairs over bit `t` inside `run` (a whole number of `2·2^t` blocks).
#[inline(always)]
fn on_pairs<S: Simd, M: PairMap<S>>(s: S, m: M, run: &mut [C64], t: usize) {
    if t == 0 {
        for ch in run.chunks_exact_mut(2) {
            if let Ok(p) = <&mut [C64; 2]>::try_from(ch) {
                let v = m.one(s, s.load(p));
                s.store(p, v);
            }
        }
    } else {
        let tm = 1usize << t;
        for sub in run.chunks_exact_mut(2 * tm) {
            let (lo, hi) = sub.split_at_mut(tm);
            pairs_two(s, m, lo, hi);
        }
    }
}

/// The 4×4 kernel of [`apply_m4`].
#[inline(always)]
fn m4<S: Simd>(s: S, amps: &mut [C64], m: &M4, hi: usize, lo: usize) {
    if hi <= lo || amps.len() < (2usize << hi) {
        return;
    }
    if lo >= 1 {
        m4_wide(s, amps, m, hi, lo);
    } else {
        m4_bit0(s, amps, m, hi);
    }
}

/// `acc = Σ_j f[j]·x[j]`, given `sx[j] = swap_ri(x[j])`.
#[inline(always)]
fn dot4<S: Simd>(s: S, f: &[Cf<S::V>; 4], x: &[S::V; 4], sx: &[S::V; 4]) -> S::V {
    let acc = cmul(s, f[3], x[3], sx[3]);
    let acc = cmac(s, f[2], x[2], sx[2], acc);
    let acc = cmac(s, f[1], x[1], sx[1], acc);
    cmac(s, f[0], x[0], sx[0], acc)
}

/// [`m4`] for `lo ≥ 1`: each of the four index streams has runs of at least two amplitudes.
#[inline(always)]
fn m4_wide<S: Simd>(s: S, amps: &mut [C64], m: &M4, hi: usize, lo: usize) {
    let (sl, sh) = (1usize << lo, 1usize << hi);
    let mut f = [[cf(s, m[0][0], m[0][0]); 4]; 4];
    for r in 0..4 {
        for k in 0..4 {
            f[r][k] = cf(s, m[r][k], m[r][k]);
        }
    }
    for chunk in amps.chunks_exact_mut(2 * sh) {
        let (c0, c1) = chunk.split_at_mut(sh);
        for (d0, d1) in c0.chunks_exact_mut(2 * sl).zip(c1.chunks_exact_mut(2 * sl)) {
            let (x0, x1) = d0.split_at_mut(sl);
            let (x2, x3) = d1.split_at_mut(sl);
            let it = x0
                .chunks_exact_mut(2)
                .zip(x1.chunks_exact_mut(2))
                .zip(x2.chunks_exact_mut(2))
                .zip(x3.chunks_exact_mut(2));
            for (((a, b), c), d) in it {
                let (Ok(a), Ok(b), Ok(c), Ok(d)) = (
                    <&mut [C64; 2]>::try_from(a),
                    <&mut [C64; 2]>::try_from(b),
                    <&mut [C64; 2]>::try_from(c),
                    <&mut [C64; 2]>::try_from(d),
                ) else {
                    continue;
                };
                let x = [s.load(a), s.load(b), s.load(c), s.load(d)];
                let sx = [
                    s.swap_ri(x[0]),
                    s.swap_ri(x[1]),
                    s.swap_ri(x[2]),
                    s.swap_ri(x[3]),
                ];
                let y0 = dot4(s, &f[0], &x, &sx);
                let y1 = dot4(s, &f[1], &x, &sx);
                let y2 = dot4(s, &f[2], &x, &sx);
                let y3 = dot4(s, &f[3], &x, &sx);
                s.store(a, y0);
                s.store(b, y1);
                s.store(c, y2);
                s.store(d, y3);
            }
        }
    }
}

/// Per-lane factors for rows `r` (lane 0) and `r + 1` (lane 1) of a 4×4 matrix acting on
/// `[v, swap_halves(v), u, swap_halves(u)]` where `v` holds the pair of rows `r, r+1` and `u`
/// the other pair (bit 0 is the matrix's low bit).
#[inline(always)]
fn m4_lanes<S: Simd>(s: S, m: &M4, r: usize) -> [Cf<S::V>; 4] {
    let q = r + 1;
    [
        cf(s, m[r][r], m[q][q]),
        cf(s, m[r][q], m[q][r]),
        cf(s, m[r][r ^ 2], m[q][q ^ 2]),
        cf(s, m[r][q ^ 2], m[q][r ^ 2]),
    ]
}

/// [`m4`] for `lo = 0`: v0 = [x0, x1] (hi bit clear) and v1 = [x2, x3] (hi bit set).
#[inline(always)]
fn m4_bit0<S: Simd>(s: S, amps: &mut [C64], m: &M4, hi: usize) {
    let sh = 1usize << hi;
    let (top, bottom) = (m4_lanes(s, m, 0), m4_lanes(s, m, 2));
    for chunk in amps.chunks_exact_mut(2 * sh) {
        let (h0, h1) = chunk.split_at_mut(sh);
        for (p, q) in h0.chunks_exact_mut(2).zip(h1.chunks_exact_mut(2)) {
            let (Ok(p), Ok(q)) = (<&mut [C64; 2]>::try_from(p), <&mut [C64; 2]>::try_from(q))
            else {
                continue;
            };
            let (v0, v1) = (s.load(p), s.load(q));
            let (w0, w1) = (s.swap_halves(v0), s.swap_halves(v1));
            let x0 = [v0, w0, v1, w1];
            let x1 = [v1, w1, v0, w0];
            let sx0 = [s.swap_ri(v0), s.swap_ri(w0), s.swap_ri(v1), s.swap_ri(w1)];
            let sx1 = [sx0[2], sx0[3], sx0[0], sx0[1]];
            let y0 = dot4(s, &top, &x0, &sx0);
            let y1 = dot4(s, &bottom, &x1, &sx1);
            s.store(p, y0);
            s.store(q, y1);
        }
    }
}

/// c·x − i·s·y, without a general complex product.
#[inline(always)]
fn cos_misin(co: f64, s: f64, x: C64, y: C64) -> C64 {
    C64::new(co * x.re + s * y.im, co * x.im - s * y.re)
}

/// Every contiguous run `base..base+run` of indices below `len` whose bits in `fixed` are zero
/// except those in `set` (a subset of `fixed`), which are one; `run = 2^(lowest fixed bit)`.
#[derive(Clone, Debug)]
struct Runs {
    /// The fixed bit positions above the lowest, ascending.
    pos: [u32; usize::BITS as usize],
    k: usize,
    p0: u32,
    set: usize,
    len: usize,
    next: usize,
    count: usize,
}

impl Runs {
    #[inline(always)]
    fn new(len: usize, fixed: usize, set: usize) -> Runs {
        let mut pos = [0u32; usize::BITS as usize];
        let mut k = 0;
        let mut m = fixed;
        while m != 0 {
            pos[k] = m.trailing_zeros();
            k += 1;
            m &= m - 1;
        }
        let p0 = if k == 0 { 0 } else { pos[0] };
        // With nothing fixed there is one run, the whole range.
        let count = if k == 0 { 1 } else { len >> (k as u32 + p0) };
        Runs {
            pos,
            k,
            p0,
            set,
            len,
            next: 0,
            count,
        }
    }
}

impl Iterator for Runs {
    type Item = (usize, usize);
    #[inline(always)]
    fn next(&mut self) -> Option<(usize, usize)> {
        if self.next >= self.count {
            return None;
        }
        let o = self.next;
        self.next += 1;
        if self.k == 0 {
            return Some((0, self.len));
        }
        let mut x = o << (self.p0 + 1);
        for &p in &self.pos[1..self.k] {
            let low = (1usize << p) - 1;
            x = ((x & !low) << 1) | (x & low);
        }
        Some((x | self.set, 1usize << self.p0))
    }
}

/// Calls `f(base, run)` for every run of [`Runs`].
#[inline(always)]
fn for_each_run(len: usize, fixed: usize, set: usize, mut f: impl FnMut(usize, usize)) {
    for (base, run) in Runs::new(len, fixed, set) {
        f(base, run);
    }
}

/// Calls `f(a0, a1)` for every pair of amplitudes differing only in bit `t`, with `ctrl` bits set.
#[inline(always)]
pub(crate) fn pairs(
    amps: &mut [C64],
    t: usize,
    ctrl: usize,
    mut f: impl FnMut(&mut C64, &mut C64) + Copy,
) {
    if ctrl == 0 {
        if t == 0 {
            for chunk in amps.chunks_exact_mut(2) {
                if let [a, b] = chunk {
                    f(a, b);
                }
            }
        } else {
            let s = 1usize << t;
            for chunk in amps.chunks_exact_mut(2 * s) {
                let (lo, hi) = chunk.split_at_mut(s);
                for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                    f(a, b);
                }
            }
        }
    } else {
        let tm = 1usize << t;
        for_each_run(amps.len(), ctrl | tm, ctrl, |base, run| {
            let (lo, hi) = amps[base..].split_at_mut(tm);
            for (a, b) in lo[..run].iter_mut().zip(hi[..run].iter_mut()) {
                f(a, b);
            }
        });
    }
}

/// Calls `f(x00, x01, x10, x11)` for every quadruple differing only in bits `a` and `b` (the
/// suffix spells bit a, bit b), with `ctrl` bits set.
#[inline(always)]
pub(crate) fn quads(
    amps: &mut [C64],
    a: usize,
    b: usize,
    ctrl: usize,
    mut f: impl FnMut(&mut C64, &mut C64, &mut C64, &mut C64) + Copy,
) {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    let (sl, sh) = (1usize << lo, 1usize << hi);
    // `g` receives (00, lo-set, hi-set, 11) and reorders to (a, b) order.
    let a_is_hi = a > b;
    if ctrl == 0 {
        for chunk in amps.chunks_exact_mut(2 * sh) {
            let (c0, c1) = chunk.split_at_mut(sh);
            for (d0, d1) in c0.chunks_exact_mut(2 * sl).zip(c1.chunks_exact_mut(2 * sl)) {
                let (x00, xl) = d0.split_at_mut(sl);
                let (xh, x11) = d1.split_at_mut(sl);
                let it = x00
                    .iter_mut()
                    .zip(xl.iter_mut())
                    .zip(xh.iter_mut())
                    .zip(x11);
                if a_is_hi {
                    for (((p, q), r), t) in it {
                        f(p, q, r, t);
                    }
                } else {
                    for (((p, q), r), t) in it {
                        f(p, r, q, t);
                    }
                }
            }
        }
    } else {
        for_each_run(amps.len(), ctrl | sl | sh, ctrl, |base, run| {
            let (s0, r) = amps[base..].split_at_mut(sl);
            let (s1, r) = r.split_at_mut(sh - sl);
            let (s2, s3) = r.split_at_mut(sl);
            let it = s0[..run]
                .iter_mut()
                .zip(s1[..run].iter_mut())
                .zip(s2[..run].iter_mut())
                .zip(s3[..run].iter_mut());
            if a_is_hi {
                for (((p, q), r), t) in it {
                    f(p, q, r, t);
                }
            } else {
                for (((p, q), r), t) in it {
                    f(p, r, q, t);
                }
            }
        });
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn random_amps(n: usize, rng: &mut Rng) -> Vec<C64> {
        (0..1usize << n)
            .map(|_| C64::new(rng.normal(), rng.normal()))
            .collect()
    }

    fn max_diff(a: &[C64], b: &[C64]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).norm())
            .fold(0.0, f64::max)
    }

    /// The dispatched backend (AVX2 + FMA on CPUs that have it) and the portable one agree on
    /// every gate kind, every target and control position, 1 to 5 qubits. (The dispatched path
    /// itself is checked against dense matrices in `sim::tests`.)
    #[test]
    fn backends_agree_on_every_action() {
        let mut rng = Rng::new(5);
        for n in 1..=5usize {
            for &kind in GateKind::all() {
                if kind.n_wires() > n {
                    continue;
                }
                for trial in 0..12 {
                    let mut wires: Vec<usize> = (0..n).collect();
                    rng.shuffle(&mut wires);
                    let p = [
                        rng.range(-3.0, 3.0),
                        rng.range(-3.0, 3.0),
                        rng.range(-3.0, 3.0),
                    ];
                    let k = kind.n_wires();
                    let (action, mut ctrl) = plan(kind, p, &wires[..k], n);
                    // Extra controls on one-wire kinds, including bit 0.
                    if k == 1 && n > 1 && trial % 3 != 0 {
                        for &w in &wires[1..n.min(1 + trial % 3)] {
                            ctrl |= 1 << (n - 1 - w);
                        }
                    }
                    let a0 = random_amps(n, &mut rng);
                    let (mut fast, mut slow) = (a0.clone(), a0.clone());
                    apply_action(&mut fast, action, ctrl);
                    apply_action_with(simd::Scalar, &mut slow, action, ctrl);
                    let d = max_diff(&fast, &slow);
                    assert!(
                        d < 1e-14,
                        "{kind:?} n {n} wires {wires:?} ctrl {ctrl:b}: {d}"
                    );
                    assert!(
                        max_diff(&fast, &a0) > 0.0 || kind == GateKind::Z,
                        "{kind:?} did nothing"
                    );
                }
            }
        }
    }

    /// The 2×2 matrix of a one-bit action and its target bit.
    fn one_bit_matrix(a: Action) -> (M2, usize) {
        let z = c(0.0, 0.0);
        match a {
            Action::Mat(m, t) => (m, t),
            Action::RealMat(m, t) => (
                [
                    [c(m[0][0], 0.0), c(m[0][1], 0.0)],
                    [c(m[1][0], 0.0), c(m[1][1], 0.0)],
                ],
                t,
            ),
            Action::X(t) => ([[z, c(1.0, 0.0)], [c(1.0, 0.0), z]], t),
            _ => unreachable!("the test uses Mat, RealMat and X"),
        }
    }

    /// On 17 qubits, every target bit with no control and with each other bit as the control,
    /// for every one-bit kernel map: the blocked and prefetching walks (mid-sized blocks, runs
    /// shorter than a line, pieces of 32 amplitudes) against a plain loop over the indices, on
    /// both backends (the portable one reads each block ahead of updating it, as on wasm). A
    /// walk that skipped or repeated a block would show here.
    #[test]
    fn one_control_walks_match_a_plain_loop_on_every_pair_of_bits() {
        // The smallest state the prefetching walks take (`PREFETCH_MIN_LEN`).
        let n = 17usize;
        assert_eq!(1usize << n, PREFETCH_MIN_LEN);
        let mut rng = Rng::new(21);
        let a0 = random_amps(n, &mut rng);
        let (s, co) = 0.37f64.sin_cos();
        let m = [[c(0.6, 0.1), c(-0.2, 0.77)], [c(0.3, -0.5), c(0.1, 0.8)]];
        for t in 0..n {
            // The walks do not depend on the map: a complex, a real and a swapping one.
            let actions = [
                Action::Mat(m, t),
                Action::RealMat([[co, -s], [s, co]], t),
                Action::X(t),
            ];
            for ctrl in std::iter::once(0).chain((0..n).filter(|&b| b != t).map(|b| 1 << b)) {
                for action in actions {
                    let (mat, tb) = one_bit_matrix(action);
                    let tm = 1usize << tb;
                    let mut want = a0.clone();
                    for i in 0..want.len() {
                        if i & tm == 0 && i & ctrl == ctrl {
                            let (x, y) = (want[i], want[i | tm]);
                            want[i] = mat[0][0] * x + mat[0][1] * y;
                            want[i | tm] = mat[1][0] * x + mat[1][1] * y;
                        }
                    }
                    let (mut fast, mut slow) = (a0.clone(), a0.clone());
                    apply_action(&mut fast, action, ctrl);
                    apply_action_with(simd::Scalar, &mut slow, action, ctrl);
                    for (name, got) in [("dispatched", &fast), ("portable", &slow)] {
                        let d = max_diff(got, &want);
                        assert!(d < 1e-14, "{name} t {t} ctrl {ctrl:b} {action:?}: {d}");
                    }
                }
            }
        }
    }

    /// The 4×4 kernel against a dense matrix product, for every pair of bits on 2 to 5 qubits,
    /// on both backends.
    #[test]
    fn m4_matches_the_dense_product() {
        let mut rng = Rng::new(9);
        for n in 2..=5usize {
            for hi in 1..n {
                for lo in 0..hi {
                    let mut m = [[C64::new(0.0, 0.0); 4]; 4];
                    for row in &mut m {
                        for v in row.iter_mut() {
                            *v = C64::new(rng.normal(), rng.normal());
                        }
                    }
                    let a0 = random_amps(n, &mut rng);
                    let mut want = a0.clone();
                    let (mh, ml) = (1usize << hi, 1usize << lo);
                    for (i, w) in want.iter_mut().enumerate() {
                        let row = 2 * usize::from(i & mh != 0) + usize::from(i & ml != 0);
                        let base = i & !(mh | ml);
                        *w = (0..4)
                            .map(|col| {
                                let j = base
                                    | if col & 2 != 0 { mh } else { 0 }
                                    | if col & 1 != 0 { ml } else { 0 };
                                m[row][col] * a0[j]
                            })
                            .sum();
                    }
                    let (mut fast, mut slow) = (a0.clone(), a0.clone());
                    apply_m4(&mut fast, &m, hi, lo);
                    m4(simd::Scalar, &mut slow, &m, hi, lo);
                    assert!(max_diff(&fast, &want) < 1e-13, "n {n} bits {hi},{lo}");
                    assert!(
                        max_diff(&slow, &want) < 1e-13,
                        "scalar n {n} bits {hi},{lo}"
                    );
                }
            }
        }
    }
}
