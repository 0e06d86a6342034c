//! Several circuits of one shape through the Pauli-basis path at once.
//!
//! A model evaluates the same circuit at many points: the programs differ only in their numbers
//! (data-bound angles), not in their steps. [`Batch`] compiles up to [`LANES`] circuits with the
//! single-circuit [`Program`], checks that their steps have one shape (the same kinds, wires,
//! barriers, unital flags, ∂T/∂θ indices and, for two-wire permutations, the same permutation)
//! and runs them side by side: the Pauli vectors are interleaved, entry by entry, one lane per
//! circuit ([`L`]), and every step's matrix entries become lane vectors. Each lane does exactly
//! the arithmetic of the single-circuit kernels in the same order (sums included), so each
//! circuit's value and gradient are the single-circuit numbers bit for bit; the lanes only turn
//! the scalar and half-wide operations of the 4-entry groups into full-width vector operations.
//! The same merged program also runs forward only, for the expectation values of each lane.

use super::{
    add_coefficients, expval, for_each_group16, pow4, unital_block, z_index, Program, Sparse16,
    Step, M4,
};
use crate::sim::tape::{Replay, Tape};
use crate::sim::{Observable, SimError};

/// Circuits run side by side.
pub(crate) const LANES: usize = 4;

/// One number per lane, on a 32-byte boundary: a batched vector's entries are loaded and
/// stored as whole AVX2 registers, and in a plain `[f64; 4]` buffer (8-byte aligned) half of
/// them could straddle two cache lines, depending on where the allocator put it (the reason the
/// single-circuit Pauli vectors are aligned, see `sim::aligned`).
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, align(32))]
pub(crate) struct L(pub(crate) [f64; LANES]);

impl std::ops::Index<usize> for L {
    type Output = f64;
    #[inline(always)]
    fn index(&self, l: usize) -> &f64 {
        &self.0[l]
    }
}

impl std::ops::IndexMut<usize> for L {
    #[inline(always)]
    fn index_mut(&mut self, l: usize) -> &mut f64 {
        &mut self.0[l]
    }
}

/// 0 in every lane.
const Z: L = L([0.0; LANES]);

/// The largest qubit count batched (a batched Pauli vector of 6 qubits is 128 KiB); beyond it
/// the groups of one circuit already fill the vectors.
pub(crate) const MAX_BATCH_QUBITS: usize = 6;

type M4L = [[L; 4]; 4];

/// A two-wire map of every lane: one signed permutation or one list of entries, with per-lane
/// values, or each lane's own map.
// The permutation (CNOT, CZ, SWAP with Pauli channels: the common two-wire step) stays inline,
// as `Sparse16::Perm` does: no pointer to follow in the kernels.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub(crate) enum B16 {
    /// out[k] = val[k]·v[src[k]] in every lane.
    Perm([u8; 16], [L; 16]),
    /// Every lane's map has these entries, grouped by row: row i's are `cols[start[i]..
    /// start[i + 1]]` with their lane values `val[..]`, in the order of the single map's list,
    /// so out[i] = Σ x·v[j] adds what `Sparse16::apply` adds into out[i], in its order, from 0
    /// (in a register, not through memory).
    Rows {
        start: [u16; 17],
        cols: Vec<u8>,
        val: Vec<L>,
    },
    /// Each lane's own map.
    Lanes(Box<[Sparse16; LANES]>),
}

/// A step of every lane.
#[derive(Clone, Debug)]
pub(crate) enum BStep {
    One {
        wire: usize,
        t: M4L,
        tt: M4L,
        d: Vec<(usize, M4L)>,
        barrier: bool,
        unital: bool,
        /// T (and so Tᵀ) is unital: the kernels act on (X, Y, Z) only, as [`unital_block`].
        block: bool,
    },
    Two {
        a: usize,
        b: usize,
        t: B16,
        tt: B16,
        d: Vec<(usize, B16)>,
        barrier: bool,
    },
}

#[inline(always)]
fn mul(a: L, b: L) -> L {
    let (a, b) = (a.0, b.0);
    L([a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]])
}

#[inline(always)]
fn add(a: L, b: L) -> L {
    let (a, b) = (a.0, b.0);
    L([a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]])
}

/// The lanes' matrices, entry by entry, into `out`.
#[inline(always)]
fn interleave4(ms: [&M4; LANES], out: &mut M4L) {
    for (i, row) in out.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = L(ms.map(|m| m[i][j]));
        }
    }
}

const ZERO4: M4L = [[Z; 4]; 4];

/// `steps[k] = s`, or pushed as the next step.
fn put(steps: &mut Vec<BStep>, k: usize, s: BStep) {
    if k < steps.len() {
        steps[k] = s;
    } else {
        steps.push(s);
    }
}

/// The lanes' two-wire maps: one permutation or one list of entries if every lane's has the
/// same pattern.
fn interleave16(ms: [&Sparse16; LANES]) -> B16 {
    match ms[0] {
        Sparse16::Perm(src, _) => {
            let same = ms
                .iter()
                .all(|m| matches!(m, Sparse16::Perm(s, _) if s == src));
            if same {
                let mut val = [Z; 16];
                for (l, m) in ms.iter().enumerate() {
                    if let Sparse16::Perm(_, v) = m {
                        for (k, x) in v.iter().enumerate() {
                            val[k][l] = *x;
                        }
                    }
                }
                return B16::Perm(*src, val);
            }
        }
        Sparse16::Entries(e0) => {
            let same = ms.iter().all(|m| {
                matches!(m, Sparse16::Entries(e) if e.len() == e0.len()
                    && e.iter().zip(e0).all(|(p, q)| (p.0, p.1) == (q.0, q.1)))
            });
            if same {
                // The entries' positions, row by row, each row's in list order.
                let mut order: Vec<usize> = (0..e0.len()).collect();
                order.sort_by_key(|&k| e0[k].0 & 15);
                let mut start = [0u16; 17];
                for &(i, _, _) in e0 {
                    start[(i & 15) as usize + 1] += 1;
                }
                for i in 0..16 {
                    start[i + 1] += start[i];
                }
                let cols = order.iter().map(|&k| e0[k].1).collect();
                let mut val = vec![Z; e0.len()];
                for (l, m) in ms.iter().enumerate() {
                    if let Sparse16::Entries(e) = m {
                        for (v, &k) in val.iter_mut().zip(&order) {
                            v[l] = e[k].2;
                        }
                    }
                }
                return B16::Rows { start, cols, val };
            }
        }
    }
    B16::Lanes(Box::new(ms.map(Sparse16::clone)))
}

/// Whether two compiled steps have one shape (see the module docs).
fn same_shape(x: &Step, y: &Step) -> bool {
    match (x, y) {
        (
            Step::One {
                wire: w1,
                t: t1,
                d: d1,
                barrier: b1,
                unital: u1,
                ..
            },
            Step::One {
                wire: w2,
                t: t2,
                d: d2,
                barrier: b2,
                unital: u2,
                ..
            },
        ) => {
            w1 == w2
                && b1 == b2
                && u1 == u2
                && unital_block(t1).is_some() == unital_block(t2).is_some()
                && d1.len() == d2.len()
                && d1.iter().zip(d2).all(|(p, q)| p.0 == q.0)
        }
        (
            Step::Two {
                a: a1,
                b: b1,
                d: d1,
                barrier: r1,
                ..
            },
            Step::Two {
                a: a2,
                b: b2,
                d: d2,
                barrier: r2,
                ..
            },
        ) => {
            a1 == a2
                && b1 == b2
                && r1 == r2
                && d1.len() == d2.len()
                && d1.iter().zip(d2).all(|(p, q)| p.0 == q.0)
        }
        _ => false,
    }
}

type OneParts<'a> = (&'a M4, &'a M4, &'a [(usize, M4)]);
type TwoParts<'a> = (&'a Sparse16, &'a Sparse16, &'a [(usize, Sparse16)]);

/// (T, Tᵀ, ∂T/∂θ) of every lane's step, if each is a one-wire step.
fn all_one(ls: [&Step; LANES]) -> Option<[OneParts<'_>; LANES]> {
    let parts = ls.map(|s| match s {
        Step::One { t, tt, d, .. } => Some((t, tt, &d[..])),
        Step::Two { .. } => None,
    });
    let [a, b, c, d] = parts;
    Some([a?, b?, c?, d?])
}

/// (T, Tᵀ, ∂T/∂θ) of every lane's step, if each is a two-wire step.
fn all_two(ls: [&Step; LANES]) -> Option<[TwoParts<'_>; LANES]> {
    let parts = ls.map(|s| match s {
        Step::Two { t, tt, d, .. } => Some((t, tt, &d[..])),
        Step::One { .. } => None,
    });
    let [a, b, c, d] = parts;
    Some([a?, b?, c?, d?])
}

/// Up to [`LANES`] compiled programs and the batched steps of the last merge.
pub(crate) struct Batch {
    progs: [Program; LANES],
    steps: Vec<BStep>,
    tape: Tape<Vec<L>>,
    phi: Vec<L>,
    lam: Vec<L>,
    scratch: Vec<f64>,
}

impl Default for Batch {
    fn default() -> Batch {
        Batch {
            progs: Default::default(),
            steps: Vec::new(),
            tape: Tape::new(),
            phi: Vec::new(),
            lam: Vec::new(),
            scratch: Vec::new(),
        }
    }
}

impl Batch {
    /// Lane `l`'s program, to compile a circuit into.
    pub(crate) fn program(&mut self, l: usize) -> &mut Program {
        &mut self.progs[l]
    }

    /// Merges the programs of lanes `0..used` (lanes from `used` on repeat lane 0; their
    /// results are not read); false if their steps do not have one shape. Without `grads`
    /// only what the forward pass reads (T) is merged.
    pub(crate) fn merge(&mut self, used: usize, grads: bool) -> bool {
        let lane = |l: usize| if l < used { l } else { 0 };
        let first = self.progs[0].steps();
        let count = first.len();
        if (1..used).any(|l| {
            let s = self.progs[l].steps();
            s.len() != count || s.iter().zip(first).any(|(x, y)| !same_shape(x, y))
        }) {
            return false;
        }
        self.steps.truncate(count);
        for k in 0..count {
            let ls: [&Step; LANES] = std::array::from_fn(|l| &self.progs[lane(l)].steps()[k]);
            // Written into the spare step of the last merge where it is of the same kind, its
            // ∂T/∂θ list reused (no allocation once the shapes repeat).
            if let (
                Some(ones),
                Step::One {
                    wire,
                    t,
                    barrier,
                    unital,
                    ..
                },
            ) = (all_one(ls), ls[0])
            {
                if !matches!(self.steps.get(k), Some(BStep::One { .. })) {
                    let fresh = BStep::One {
                        wire: 0,
                        t: ZERO4,
                        tt: ZERO4,
                        d: Vec::new(),
                        barrier: false,
                        unital: false,
                        block: false,
                    };
                    put(&mut self.steps, k, fresh);
                }
                if let Some(BStep::One {
                    wire: w,
                    t: tl,
                    tt: ttl,
                    d: dl,
                    barrier: b,
                    unital: u,
                    block,
                }) = self.steps.get_mut(k)
                {
                    *w = *wire;
                    interleave4(ones.map(|o| o.0), tl);
                    let nd = if grads { ones[0].2.len() } else { 0 };
                    dl.resize(nd, (0, ZERO4));
                    if grads {
                        // Tᵀ of every lane (the single program's is transpose4(T): moves only).
                        for (i, row) in ttl.iter_mut().enumerate() {
                            for (j, v) in row.iter_mut().enumerate() {
                                *v = tl[j][i];
                            }
                        }
                        for (i, (idx, m)) in dl.iter_mut().enumerate() {
                            *idx = ones[0].2[i].0;
                            interleave4(ones.map(|o| &o.2[i].1), m);
                        }
                    }
                    *b = *barrier;
                    *u = *unital;
                    *block = unital_block(t).is_some();
                }
            } else if let (Some(twos), Step::Two { a, b, barrier, .. }) = (all_two(ls), ls[0]) {
                let mut dl = match self.steps.get_mut(k) {
                    Some(BStep::Two { d, .. }) => std::mem::take(d),
                    _ => Vec::new(),
                };
                dl.clear();
                let tt = if grads {
                    for (i, (idx, _)) in twos[0].2.iter().enumerate() {
                        dl.push((*idx, interleave16(twos.map(|o| &o.2[i].1))));
                    }
                    interleave16(twos.map(|o| o.1))
                } else {
                    B16::Rows {
                        start: [0; 17],
                        cols: Vec::new(),
                        val: Vec::new(),
                    }
                };
                let merged = BStep::Two {
                    a: *a,
                    b: *b,
                    t: interleave16(twos.map(|o| o.0)),
                    tt,
                    d: dl,
                    barrier: *barrier,
                };
                put(&mut self.steps, k, merged);
            } else {
                return false;
            }
        }
        true
    }

    /// The expectation values of `observables[l]` in lane `l`, for each of the first
    /// `observables.len()` lanes of the merged program on `n` qubits: the forward pass from
    /// |0…0⟩ (as the engine's single-circuit `run_ptm`), then each lane's `expval`.
    pub(crate) fn expvals(&mut self, n: usize, observables: &[Vec<Observable>]) -> Vec<Vec<f64>> {
        let len = pow4(n);
        self.phi.clear();
        self.phi.resize(len, Z);
        for s in 0..1usize << n {
            self.phi[z_index(s, n)] = L([1.0; LANES]);
        }
        for step in &self.steps {
            forward(&mut self.phi, n, step);
        }
        let lane = &mut self.scratch;
        observables
            .iter()
            .enumerate()
            .map(|(l, obs)| {
                lane.clear();
                lane.extend(self.phi.iter().map(|v| v[l]));
                obs.iter().map(|o| expval(o, lane, n)).collect()
            })
            .collect()
    }

    /// Value and gradient (`n_params` entries) of each of the first `weighted.len()` lanes of
    /// the merged program on `n` qubits, `weighted[l]` lane l's folded observables; `slots`
    /// snapshots at most.
    pub(crate) fn gradients(
        &mut self,
        n: usize,
        weighted: &[Vec<(f64, Observable)>],
        n_params: usize,
        slots: usize,
    ) -> Result<Vec<(f64, Vec<f64>)>, SimError> {
        let len = pow4(n);
        for v in [&mut self.phi, &mut self.lam] {
            v.clear();
            v.resize(len, Z);
        }
        let mut r = BatchBackward {
            n,
            steps: &self.steps,
            weighted,
            lambda: &mut self.lam,
            scratch: &mut self.scratch,
            grad: vec![Z; n_params],
            value: Z,
        };
        self.tape.run(&mut r, &mut self.phi, slots)?;
        Ok((0..weighted.len())
            .map(|l| (r.value[l], r.grad.iter().map(|g| g[l]).collect()))
            .collect())
    }
}

// ---------------------------------------------------------------------------------------------
// Kernels: each lane computes what the single-circuit kernel of the same name computes, in the
// same order.

/// One group's m·v: rows 1 to 3 from (X, Y, Z) only when `block` (T unital, row 0 then
/// e₀), as the single-circuit kernels.
#[inline(always)]
fn group4(m: &M4L, block: bool, v: [L; 4]) -> [L; 4] {
    if block {
        let x = [v[1], v[2], v[3]];
        [v[0], row3(&m[1], &x), row3(&m[2], &x), row3(&m[3], &x)]
    } else {
        [
            row4(&m[0], &v),
            row4(&m[1], &v),
            row4(&m[2], &v),
            row4(&m[3], &v),
        ]
    }
}

/// v ← m·v on the digit of `wire` (as `apply4`).
#[inline(always)]
fn apply4(r: &mut [L], n: usize, wire: usize, m: &M4L, block: bool) {
    let s = pow4(n - 1 - wire);
    if s == 1 {
        // The wire's digit is contiguous: a group is 4 neighbours.
        for g in r.chunks_exact_mut(4) {
            let o = group4(m, block, [g[0], g[1], g[2], g[3]]);
            (g[0], g[1], g[2], g[3]) = (o[0], o[1], o[2], o[3]);
        }
        return;
    }
    for blk in r.chunks_exact_mut(4 * s) {
        let (x0, rest) = blk.split_at_mut(s);
        let (x1, rest) = rest.split_at_mut(s);
        let (x2, x3) = rest.split_at_mut(s);
        for (((a, b), c), d) in x0
            .iter_mut()
            .zip(x1.iter_mut())
            .zip(x2.iter_mut())
            .zip(x3.iter_mut())
        {
            let o = group4(m, block, [*a, *b, *c, *d]);
            (*a, *b, *c, *d) = (o[0], o[1], o[2], o[3]);
        }
    }
}

/// row[1]·v[0] + row[2]·v[1] + row[3]·v[2].
#[inline(always)]
fn row3(row: &[L; 4], v: &[L; 3]) -> L {
    add(add(mul(row[1], v[0]), mul(row[2], v[1])), mul(row[3], v[2]))
}

/// row[0]·v[0] + … + row[3]·v[3].
#[inline(always)]
fn row4(row: &[L; 4], v: &[L; 4]) -> L {
    add(
        add(add(mul(row[0], v[0]), mul(row[1], v[1])), mul(row[2], v[2])),
        mul(row[3], v[3]),
    )
}

/// dst ← m·src on the digit of `wire` (as `apply4_into`).
#[inline(always)]
fn apply4_into(src: &[L], dst: &mut [L], n: usize, wire: usize, m: &M4L, block: bool) {
    let s = pow4(n - 1 - wire);
    if s == 1 {
        for (o, g) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
            let v = group4(m, block, [g[0], g[1], g[2], g[3]]);
            (o[0], o[1], o[2], o[3]) = (v[0], v[1], v[2], v[3]);
        }
        return;
    }
    for (ob, ib) in dst.chunks_exact_mut(4 * s).zip(src.chunks_exact(4 * s)) {
        let (o0, rest) = ob.split_at_mut(s);
        let (o1, rest) = rest.split_at_mut(s);
        let (o2, o3) = rest.split_at_mut(s);
        let (x0, x1, x2, x3) = (
            &ib[..s],
            &ib[s..2 * s],
            &ib[2 * s..3 * s],
            &ib[3 * s..4 * s],
        );
        for (k, (((a, b), c), d)) in o0
            .iter_mut()
            .zip(o1.iter_mut())
            .zip(o2.iter_mut())
            .zip(o3.iter_mut())
            .enumerate()
        {
            let o = group4(m, block, [x0[k], x1[k], x2[k], x3[k]]);
            (*a, *b, *c, *d) = (o[0], o[1], o[2], o[3]);
        }
    }
}

/// Lane `l` of the group at `base`.
#[inline(always)]
fn gather_lane(r: &[L], base: usize, off: &[usize; 16], l: usize) -> [f64; 16] {
    let r = &r[base..];
    std::array::from_fn(|k| r[off[k]][l])
}

/// `body` for every group of a two-wire step on (a, b), in the order of `for_each_group16`
/// (`base` and the 16 offsets bound to the given names), written out in the caller so that
/// the body is compiled into its SIMD dispatch, not called as a closure.
macro_rules! groups16 {
    ($len:expr, $n:expr, $a:expr, $b:expr, |$base:ident, $off:ident| $body:block) => {{
        let (sa, sb) = (pow4($n - 1 - $a), pow4($n - 1 - $b));
        let (hi, lo) = if sa > sb { (sa, sb) } else { (sb, sa) };
        let mut offs = [0usize; 16];
        for (k, o) in offs.iter_mut().enumerate() {
            *o = (k / 4) * sa + (k % 4) * sb;
        }
        let $off = &offs;
        for h in (0..$len).step_by(4 * hi) {
            for m in (h..h + hi).step_by(4 * lo) {
                for $base in m..m + lo {
                    $body
                }
            }
        }
    }};
}

/// m·v for one group of every lane, as `Sparse16::apply` does it lane by lane (a permutation:
/// out[k] = val[k]·v[src[k]]; entries: out[i] += x·v[j] in list order, from 0).
#[inline(always)]
fn apply16(m: &B16, v: &[L; 16]) -> [L; 16] {
    let mut out = [Z; 16];
    match m {
        B16::Perm(src, val) => {
            for ((o, &s), x) in out.iter_mut().zip(src).zip(val) {
                *o = mul(*x, v[(s & 15) as usize]);
            }
        }
        B16::Rows { start, cols, val } => {
            for (i, o) in out.iter_mut().enumerate() {
                let row = start[i] as usize..start[i + 1] as usize;
                let mut acc = Z;
                for (&j, x) in cols[row.clone()].iter().zip(&val[row]) {
                    acc = add(acc, mul(*x, v[(j & 15) as usize]));
                }
                *o = acc;
            }
        }
        B16::Lanes(ms) => {
            for (l, ml) in ms.iter().enumerate() {
                let y = ml.apply(&std::array::from_fn(|k| v[k][l]));
                for (o, x) in out.iter_mut().zip(&y) {
                    o[l] = *x;
                }
            }
        }
    }
    out
}

/// dst ← m·src for a two-wire map on (a, b); `dst` may be `src` (`None`: in place).
#[inline(always)]
fn two_apply(r: &mut [L], src: Option<&[L]>, n: usize, a: usize, b: usize, m: &B16) {
    let len = r.len();
    match m {
        B16::Perm(perm, val) => perm_apply(r, src, n, a, b, perm, val),
        B16::Rows { .. } => groups16!(len, n, a, b, |base, off| {
            let from = src.unwrap_or(&*r);
            let out = apply16(m, &std::array::from_fn(|k| from[base + off[k]]));
            for (&o, x) in off.iter().zip(&out) {
                r[base + o] = *x;
            }
        }),
        B16::Lanes(ms) => for_each_group16(len, n, a, b, |base, off| {
            for (l, ml) in ms.iter().enumerate() {
                let v = ml.apply(&gather_lane(src.unwrap_or(&*r), base, off, l));
                for (&o, x) in off.iter().zip(&v) {
                    r[base + o][l] = *x;
                }
            }
        }),
    }
}

/// dst ← P·src for a signed permutation with per-lane values (out[k] = val[k]·in[perm[k]],
/// the single-circuit product), moving whole runs: entry k of the `lo` neighbouring groups of
/// a block is a contiguous run. In place (`src` `None`) up to [`PERM_CHUNK`] groups at a time,
/// every read before any write of the chunk.
#[inline(always)]
fn perm_apply(
    r: &mut [L],
    src: Option<&[L]>,
    n: usize,
    a: usize,
    b: usize,
    perm: &[u8; 16],
    val: &[L; 16],
) {
    let (sa, sb) = (pow4(n - 1 - a), pow4(n - 1 - b));
    let (hi, lo) = if sa > sb { (sa, sb) } else { (sb, sa) };
    let off = |k: usize| (k / 4) * sa + (k % 4) * sb;
    let mut poff = [0usize; 16];
    let mut offs = [0usize; 16];
    for (k, (p, o)) in poff.iter_mut().zip(offs.iter_mut()).enumerate() {
        *p = off((perm[k] & 15) as usize);
        *o = off(k);
    }
    let len = r.len();
    if lo == 1 {
        // One group per 4 neighbours of the low wire's digit: moved group by group.
        for h in (0..len).step_by(4 * hi) {
            for base in (h..h + hi).step_by(4) {
                let from = src.unwrap_or(&*r);
                let v: [L; 16] = std::array::from_fn(|k| from[base + poff[k]]);
                for ((&o, w), x) in offs.iter().zip(val).zip(&v) {
                    r[base + o] = mul(*w, *x);
                }
            }
        }
        return;
    }
    let c = lo.min(PERM_CHUNK);
    let mut tmp = [[Z; PERM_CHUNK]; 16];
    for h in (0..len).step_by(4 * hi) {
        for m in (h..h + hi).step_by(4 * lo) {
            for j in (m..m + lo).step_by(c) {
                match src {
                    Some(x) => {
                        for ((&p, &o), w) in poff.iter().zip(&offs).zip(val) {
                            for (y, v) in r[j + o..j + o + c].iter_mut().zip(&x[j + p..j + p + c]) {
                                *y = mul(*w, *v);
                            }
                        }
                    }
                    None => {
                        for ((t, &p), w) in tmp.iter_mut().zip(&poff).zip(val) {
                            for (y, v) in t[..c].iter_mut().zip(&r[j + p..j + p + c]) {
                                *y = mul(*w, *v);
                            }
                        }
                        for (t, &o) in tmp.iter().zip(&offs) {
                            r[j + o..j + o + c].copy_from_slice(&t[..c]);
                        }
                    }
                }
            }
        }
    }
}

/// The most groups [`perm_apply`] moves at once in place (16 entries × 4 lanes × 8 bytes each:
/// 8 KiB of scratch).
const PERM_CHUNK: usize = 16;

#[inline(always)]
fn forward_impl(r: &mut [L], n: usize, step: &BStep) {
    match step {
        BStep::One { wire, t, block, .. } => apply4(r, n, *wire, t, *block),
        BStep::Two { a, b, t, .. } => two_apply(r, None, n, *a, *b, t),
    }
}

#[inline(always)]
fn forward_into_impl(src: &[L], dst: &mut Vec<L>, n: usize, step: &BStep) {
    dst.resize(src.len(), Z);
    match step {
        BStep::One { wire, t, block, .. } => apply4_into(src, dst, n, *wire, t, *block),
        BStep::Two { a, b, t, .. } => two_apply(dst, Some(src), n, *a, *b, t),
    }
}

#[inline(always)]
fn transpose_impl(x: &mut [L], n: usize, step: &BStep) {
    match step {
        BStep::One {
            wire, tt, block, ..
        } => apply4(x, n, *wire, tt, *block),
        BStep::Two { a, b, tt, .. } => two_apply(x, None, n, *a, *b, tt),
    }
}

/// S[i][j] = Σ_groups λ_g[i]·r_g[j] on the digit of `wire` (as `outer4`).
#[inline(always)]
fn outer4(lam: &[L], r: &[L], n: usize, wire: usize) -> M4L {
    let s = pow4(n - 1 - wire);
    let mut acc = [[Z; 4]; 4];
    for (lb, rb) in lam.chunks_exact(4 * s).zip(r.chunks_exact(4 * s)) {
        for k in 0..s {
            let x = [rb[k], rb[s + k], rb[2 * s + k], rb[3 * s + k]];
            for (i, arow) in acc.iter_mut().enumerate() {
                let li = lb[i * s + k];
                for (v, y) in arow.iter_mut().zip(&x) {
                    *v = add(*v, mul(li, *y));
                }
            }
        }
    }
    acc
}

/// ⟨dm, s⟩ summed row by row from 0, per lane.
#[inline(always)]
fn inner4(dm: &M4L, s: &M4L) -> L {
    let mut g = Z;
    for (drow, srow) in dm.iter().zip(s) {
        for (x, y) in drow.iter().zip(srow) {
            g = add(g, mul(*x, *y));
        }
    }
    g
}

#[inline(always)]
fn gradient_impl(lam: &[L], r: &[L], n: usize, step: &BStep, grad: &mut [L]) {
    match step {
        BStep::One { wire, d, .. } => {
            if d.is_empty() {
                return;
            }
            let s = outer4(lam, r, n, *wire);
            for (i, dm) in d {
                grad[*i] = add(grad[*i], inner4(dm, &s));
            }
        }
        BStep::Two { a, b, d, .. } => {
            for (i, dm) in d {
                if let B16::Lanes(ms) = dm {
                    for (l, ml) in ms.iter().enumerate() {
                        let mut g = 0.0;
                        for_each_group16(r.len(), n, *a, *b, |base, off| {
                            let u = gather_lane(lam, base, off, l);
                            let dv = ml.apply(&gather_lane(r, base, off, l));
                            g += u.iter().zip(&dv).map(|(x, y)| x * y).sum::<f64>();
                        });
                        grad[*i][l] += g;
                    }
                    continue;
                }
                let mut g = Z;
                groups16!(r.len(), n, *a, *b, |base, off| {
                    let u: [L; 16] = std::array::from_fn(|k| lam[base + off[k]]);
                    let dv = apply16(dm, &std::array::from_fn(|k| r[base + off[k]]));
                    // Σ_k u[k]·dv[k] from the first product: what `sum` of the single kernel
                    // gives (its start, ±0, changes no sum but one of zeros, whose sign the
                    // addition to g then drops).
                    let mut t = mul(u[0], dv[0]);
                    for (x, y) in u[1..].iter().zip(&dv[1..]) {
                        t = add(t, mul(*x, *y));
                    }
                    g = add(g, t);
                });
                grad[*i] = add(grad[*i], g);
            }
        }
    }
}

/// The fused backward pass of a unital one-wire step (as `back4_unital`, whose four
/// accumulators over the groups of a strided wire become four passes here, one per
/// accumulator, each over the same groups in the same order). `k` = the (X, Y, Z) block of Tᵀ.
#[inline(always)]
fn back4_unital(lam: &mut [L], r: &[L], n: usize, wire: usize, k: &[[L; 3]; 3]) -> [[L; 3]; 3] {
    #[inline(always)]
    fn group(acc: &mut [[L; 3]; 3], l: [&mut L; 3], x: [L; 3], k: &[[L; 3]; 3]) {
        let lv = [*l[0], *l[1], *l[2]];
        for (row, &li) in acc.iter_mut().zip(&lv) {
            for (o, &xj) in row.iter_mut().zip(&x) {
                *o = add(*o, mul(li, xj));
            }
        }
        for (o, krow) in l.into_iter().zip(k) {
            *o = add(
                add(mul(krow[0], lv[0]), mul(krow[1], lv[1])),
                mul(krow[2], lv[2]),
            );
        }
    }
    let s = pow4(n - 1 - wire);
    let zero = [[Z; 3]; 3];
    if s == 1 {
        let mut out = zero;
        for (l, x) in lam.chunks_exact_mut(4).zip(r.chunks_exact(4)) {
            let [_, l1, l2, l3] = l else { continue };
            group(&mut out, [l1, l2, l3], [x[1], x[2], x[3]], k);
        }
        return out;
    }
    let mut acc = [zero; 4];
    for (q, a) in acc.iter_mut().enumerate() {
        for (lb, rb) in lam.chunks_exact_mut(4 * s).zip(r.chunks_exact(4 * s)) {
            let (_, rest) = lb.split_at_mut(s);
            let (l1, rest) = rest.split_at_mut(s);
            let (l2, l3) = rest.split_at_mut(s);
            let (r1, r2, r3) = (&rb[s..2 * s], &rb[2 * s..3 * s], &rb[3 * s..4 * s]);
            for o in (q..s).step_by(4) {
                group(
                    a,
                    [&mut l1[o], &mut l2[o], &mut l3[o]],
                    [r1[o], r2[o], r3[o]],
                    k,
                );
            }
        }
    }
    let mut out = zero;
    for (i, orow) in out.iter_mut().enumerate() {
        for (j, o) in orow.iter_mut().enumerate() {
            *o = add(
                add(acc[0][i][j], acc[1][i][j]),
                add(acc[2][i][j], acc[3][i][j]),
            );
        }
    }
    out
}

#[inline(always)]
fn backward_impl(lam: &mut [L], r: &[L], n: usize, step: &BStep, grad: &mut [L]) {
    match step {
        BStep::One {
            wire,
            tt,
            d,
            unital: true,
            ..
        } if !d.is_empty() => {
            let k = [
                [tt[1][1], tt[1][2], tt[1][3]],
                [tt[2][1], tt[2][2], tt[2][3]],
                [tt[3][1], tt[3][2], tt[3][3]],
            ];
            let s = back4_unital(lam, r, n, *wire, &k);
            for (i, dm) in d {
                let mut g = Z;
                for (drow, srow) in dm[1..].iter().zip(&s) {
                    for (x, y) in drow[1..].iter().zip(srow) {
                        g = add(g, mul(*x, *y));
                    }
                }
                grad[*i] = add(grad[*i], g);
            }
        }
        _ => {
            gradient_impl(lam, r, n, step, grad);
            transpose_impl(lam, n, step);
        }
    }
}

simd_dispatch!(
    /// r ← step·r in every lane.
    forward => forward_impl(r: &mut [L], n: usize, step: &BStep)
);

simd_dispatch!(
    /// dst ← step·src in every lane (`dst` resized and fully written).
    forward_into => forward_into_impl(src: &[L], dst: &mut Vec<L>, n: usize, step: &BStep)
);

simd_dispatch!(
    /// x ← stepᵀ·x in every lane.
    transpose_apply => transpose_impl(x: &mut [L], n: usize, step: &BStep)
);

simd_dispatch!(
    /// One backward step in every lane (as the single-circuit `backward`).
    backward => backward_impl(lam: &mut [L], r: &[L], n: usize, step: &BStep, grad: &mut [L])
);

/// The batched Pauli-basis adjoint (as the engine's single-circuit one).
struct BatchBackward<'a> {
    n: usize,
    steps: &'a [BStep],
    weighted: &'a [Vec<(f64, Observable)>],
    lambda: &'a mut Vec<L>,
    scratch: &'a mut Vec<f64>,
    grad: Vec<L>,
    value: L,
}

impl Replay for BatchBackward<'_> {
    type Buf = Vec<L>;

    fn n_steps(&self) -> usize {
        self.steps.len()
    }

    fn barrier(&self, k: usize) -> bool {
        match &self.steps[k] {
            BStep::One { barrier, .. } | BStep::Two { barrier, .. } => *barrier,
        }
    }

    fn alloc(&self) -> Result<Vec<L>, SimError> {
        let len = pow4(self.n);
        let mut v = Vec::new();
        v.try_reserve_exact(len).map_err(|_| {
            SimError::new(format!(
                "could not allocate {} bytes for a batch of density matrices",
                len * std::mem::size_of::<L>()
            ))
        })?;
        v.resize(len, Z);
        Ok(v)
    }

    fn init(&self, b: &mut Vec<L>) {
        b.iter_mut().for_each(|v| *v = Z);
        for s in 0..1usize << self.n {
            b[z_index(s, self.n)] = L([1.0; LANES]);
        }
    }

    fn copy(&self, dst: &mut Vec<L>, src: &Vec<L>) {
        dst.clear();
        dst.extend_from_slice(src);
    }

    fn step(&mut self, b: &mut Vec<L>, k: usize) {
        forward(b, self.n, &self.steps[k]);
    }

    fn step_into(&mut self, src: &Vec<L>, dst: &mut Vec<L>, k: usize) {
        forward_into(src, dst, self.n, &self.steps[k]);
    }

    fn start_back(&mut self, end: &Vec<L>) {
        let n = self.n;
        self.lambda.iter_mut().for_each(|v| *v = Z);
        for (l, weighted) in self.weighted.iter().enumerate() {
            let lane = &mut *self.scratch;
            lane.clear();
            lane.extend(end.iter().map(|v| v[l]));
            self.value[l] = weighted.iter().map(|(w, o)| w * expval(o, lane, n)).sum();
            lane.iter_mut().for_each(|v| *v = 0.0);
            for (w, o) in weighted {
                add_coefficients(o, *w, n, lane);
            }
            for (dst, v) in self.lambda.iter_mut().zip(lane.iter()) {
                dst[l] = *v;
            }
        }
    }

    fn back(&mut self, b: &mut Vec<L>, k: usize) {
        let s = &self.steps[k];
        transpose_apply(b, self.n, s);
        backward(self.lambda, b, self.n, s, &mut self.grad);
    }

    fn back_barrier(&mut self, before: &Vec<L>, k: usize) {
        backward(self.lambda, before, self.n, &self.steps[k], &mut self.grad);
    }
}
