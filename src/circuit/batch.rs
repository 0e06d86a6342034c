//! Batched evaluation: many points through the compiled program at once, forward (the
//! decision grid, one row of cells per batch) and with the adjoint pass (the gradient of a
//! training batch), over the same plan and backward walk as one point (`sim::adjoint`).
//!
//! Layout: the points are padded to a multiple of [`LANES`] and split into lane groups of four;
//! a group's state is a block of its own, one 64-byte line per amplitude (four real parts, four
//! imaginary parts), so every kernel loads whole vectors of four points (AVX2 + FMA when the CPU
//! has them, wasm simd128, or plain arithmetic). The forward and the backward pass walk the
//! whole circuit one group at a time: a group's states (φ and λ: 512 KiB at 12 qubits) stay in
//! the core's cache, and each run's matrix and cross-matrix accumulators stay in registers.
//! Per-gate overhead (dispatch, loop set-up, matrix loads) is paid once per group instead of
//! once per point.
//!
//! CNOTs move no data: rows are addressed through a permutation (logical amplitude → physical
//! row), and a CNOT swaps entries of it; the forward pass leaves the permutation for the
//! backward pass, which undoes CNOTs the same way.
//!
//! Each run gets one 2×2 matrix per point, built from its members: members whose angle is the
//! same for every point of the batch (weights, constants, a grid row's x2 angles) are multiplied
//! once into a shared matrix; the others use sines and cosines memoised per point slot, so a
//! grid's x1 angles, equal in every row, are computed in the first row only. The adjoint pass
//! undoes each run with the point-wise `M[p]†` while accumulating each point's 2×2 cross matrix,
//! and reads every member's derivative off it through the member's generator moved to the run's
//! end (computed in the forward pass from the same partial products).
//!
//! Only programs made of runs and CNOTs are batched ([`Program::batchable`]); anything else
//! goes point by point.

use super::Program;
use crate::sim::adjoint::{self, Backward, OneWire, Run, Step, ID2};
use crate::sim::kernels::M2;
use crate::sim::simd::{self, Simd};
use crate::sim::{State, C64};

/// Points per vector.
pub(super) const LANES: usize = 4;

/// One lane group of one amplitude row: four real parts, four imaginary parts.
#[repr(C, align(64))]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Amp4([[f64; LANES]; 2]);

impl std::ops::Deref for Amp4 {
    type Target = [[f64; LANES]; 2];
    #[inline(always)]
    fn deref(&self) -> &[[f64; LANES]; 2] {
        &self.0
    }
}

impl std::ops::DerefMut for Amp4 {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [[f64; LANES]; 2] {
        &mut self.0
    }
}
/// One lane group of a point-wise 2×2 matrix: m00.re, m00.im, m01.re, …, m11.im.
type Mat4 = [[f64; LANES]; 8];
/// One lane group of a moved generator (Hermitian): h00, h11, h01.re, h01.im.
type Herm4 = [[f64; LANES]; 4];

/// Scratch for [`Program::forward_batch`].
#[derive(Clone, Debug, Default)]
pub(super) struct Batch {
    /// Points in the batch.
    b: usize,
    /// Lane groups (`b` padded to a multiple of `LANES`, divided by it).
    ng: usize,
    /// The states, group after group, one physical row after another in each.
    st: Vec<Amp4>,
    /// Logical amplitude → physical row after the forward pass (the same for every group).
    perm: Vec<u32>,
    /// Working copy of the permutation during a pass.
    work: Vec<u32>,
    /// Per run, `ng` groups of its point-wise matrix.
    mats: Vec<Mat4>,
    /// Scratch: eight planes of `ng · LANES` numbers (one run's matrices, point-major).
    planes: Vec<f64>,
    /// Per primitive and point: (angle bits, sin, cos) of the last trigonometry done there.
    memo: Vec<(u64, f64, f64)>,
    /// For gradients: the adjoint states λ (same layout as `st`).
    lst: Vec<Amp4>,
    /// Per member with an angle, its generator moved to the run's end (`ng` groups).
    heff: Vec<Herm4>,
    /// Per angle and point, `∂⟨O_p⟩/∂angle` (`agrad[a · b + p]`).
    agrad: Vec<f64>,
    /// Whether the last forward pass prepared a gradient.
    with_grad: bool,
}

/// The eight planes of one point-wise 2×2 matrix.
struct Planes<'a>([&'a mut [f64]; 8]);

impl<'a> Planes<'a> {
    fn of(m: &'a mut [f64], b: usize) -> Planes<'a> {
        let mut it = m.chunks_exact_mut(b);
        Planes(std::array::from_fn(|_| it.next().unwrap_or_default()))
    }

    /// Points `b..` get the identity (padding lanes).
    fn pad_identity(&mut self, b: usize) {
        for (k, plane) in self.0.iter_mut().enumerate() {
            let v = if k == 0 || k == 6 { 1.0 } else { 0.0 };
            for x in plane.iter_mut().skip(b) {
                *x = v;
            }
        }
    }

    /// Every point's matrix set to `m`.
    fn fill(&mut self, m: &M2) {
        let v = [
            m[0][0].re, m[0][0].im, m[0][1].re, m[0][1].im, m[1][0].re, m[1][0].im, m[1][1].re,
            m[1][1].im,
        ];
        for (plane, x) in self.0.iter_mut().zip(v) {
            plane.fill(x);
        }
    }

    /// `A[p] ← A[p] · s` for a shared matrix `s`.
    fn right_mul(&mut self, s: &M2) {
        let [a00r, a00i, a01r, a01i, a10r, a10i, a11r, a11i] = &mut self.0;
        let n = a00r.len();
        let (s00, s01, s10, s11) = (s[0][0], s[0][1], s[1][0], s[1][1]);
        let row = |r0: C64, r1: C64| (r0 * s00 + r1 * s10, r0 * s01 + r1 * s11);
        for p in 0..n {
            let (n00, n01) = row(C64::new(a00r[p], a00i[p]), C64::new(a01r[p], a01i[p]));
            let (n10, n11) = row(C64::new(a10r[p], a10i[p]), C64::new(a11r[p], a11i[p]));
            (a00r[p], a00i[p], a01r[p], a01i[p]) = (n00.re, n00.im, n01.re, n01.im);
            (a10r[p], a10i[p], a11r[p], a11i[p]) = (n10.re, n10.im, n11.re, n11.im);
        }
    }

    /// `A[p] ← L[p] · U(θ_p)` for a rotation whose (sin, cos) per point are in `sc`, where `L` is
    /// `A` itself, or the shared matrix `left` when given.
    fn right_mul_form(&mut self, left: Option<&M2>, form: OneWire, sc: &[(u64, f64, f64)]) {
        match form {
            // row · [[c, −is], [−is, c]] = (c r0 − is r1, −is r0 + c r1)
            OneWire::Rx => self.rows_times(left, sc, |r0, r1, s, c| {
                (
                    C64::new(c * r0.re + s * r1.im, c * r0.im - s * r1.re),
                    C64::new(s * r0.im + c * r1.re, -s * r0.re + c * r1.im),
                )
            }),
            // row · [[c, −s], [s, c]] = (c r0 + s r1, −s r0 + c r1)
            OneWire::Ry => {
                self.rows_times(left, sc, |r0, r1, s, c| (r0 * c + r1 * s, r1 * c - r0 * s))
            }
            // row · diag(c − is, c + is)
            OneWire::Rz => self.rows_times(left, sc, |r0, r1, s, c| {
                (
                    C64::new(c * r0.re + s * r0.im, c * r0.im - s * r0.re),
                    C64::new(c * r1.re - s * r1.im, c * r1.im + s * r1.re),
                )
            }),
            // row · diag(1, c + is)
            OneWire::Phase => self.rows_times(left, sc, |r0, r1, s, c| {
                (r0, C64::new(c * r1.re - s * r1.im, c * r1.im + s * r1.re))
            }),
            OneWire::Fixed(m) => match left {
                Some(l) => self.fill(&adjoint::mul(l, &m)),
                None => self.right_mul(&m),
            },
        }
    }

    /// Each row `r` of `L[p]` (see [`Planes::right_mul_form`]) becomes `g(r0, r1, sin, cos)`.
    #[inline(always)]
    fn rows_times(
        &mut self,
        left: Option<&M2>,
        sc: &[(u64, f64, f64)],
        g: impl Fn(C64, C64, f64, f64) -> (C64, C64),
    ) {
        let [a00r, a00i, a01r, a01i, a10r, a10i, a11r, a11i] = &mut self.0;
        let n = a00r.len().min(sc.len());
        for p in 0..n {
            let (_, s, c) = sc[p];
            let (r0, r1) = match left {
                Some(l) => (l[0], l[1]),
                None => (
                    [C64::new(a00r[p], a00i[p]), C64::new(a01r[p], a01i[p])],
                    [C64::new(a10r[p], a10i[p]), C64::new(a11r[p], a11i[p])],
                ),
            };
            let (n00, n01) = g(r0[0], r0[1], s, c);
            let (n10, n11) = g(r1[0], r1[1], s, c);
            (a00r[p], a00i[p], a01r[p], a01i[p]) = (n00.re, n00.im, n01.re, n01.im);
            (a10r[p], a10i[p], a11r[p], a11i[p]) = (n10.re, n10.im, n11.re, n11.im);
        }
    }
}

/// Writes `H = S G S†` (Hermitian) into four planes of `w` (h00, h11, h01.re, h01.im) for the
/// first `b` points, zero beyond: for the shared `S` when given, else for the point-wise `S` in
/// `planes`.
fn moved_generator(
    h: &mut [f64],
    w: usize,
    b: usize,
    g: &M2,
    shared: Option<&M2>,
    planes: &Planes,
) {
    let one = |s: &M2| {
        let v = adjoint::mul(&adjoint::mul(s, g), &adjoint::dagger(s));
        [v[0][0].re, v[1][1].re, v[0][1].re, v[0][1].im]
    };
    let mut it = h.chunks_exact_mut(w);
    let mut hp: [&mut [f64]; 4] = std::array::from_fn(|_| it.next().unwrap_or_default());
    match shared {
        Some(s) => {
            for (plane, v) in hp.iter_mut().zip(one(s)) {
                plane.fill(v);
            }
        }
        None => {
            let [a00r, a00i, a01r, a01i, a10r, a10i, a11r, a11i] = &planes.0;
            let [h00, h11, h01r, h01i] = &mut hp;
            let n = h00.len().min(b);
            for p in 0..n {
                let s = [
                    [C64::new(a00r[p], a00i[p]), C64::new(a01r[p], a01i[p])],
                    [C64::new(a10r[p], a10i[p]), C64::new(a11r[p], a11i[p])],
                ];
                let v = one(&s);
                (h00[p], h11[p], h01r[p], h01i[p]) = (v[0], v[1], v[2], v[3]);
            }
        }
    }
    for plane in hp {
        for v in plane.iter_mut().skip(b) {
            *v = 0.0;
        }
    }
}

/// Copies point-major planes (`k` planes of `ng · LANES`) into lane groups of `k` vectors.
fn interleave<const K: usize>(planes: &[f64], ng: usize, out: &mut [[[f64; LANES]; K]]) {
    let w = ng * LANES;
    for (g, grp) in out.iter_mut().enumerate().take(ng) {
        for (k, v) in grp.iter_mut().enumerate() {
            if let Some(src) = planes.get(k * w + g * LANES..k * w + (g + 1) * LANES) {
                v.copy_from_slice(src);
            }
        }
    }
}

// The kernels call `Simd` methods only from `#[inline(always)]` functions, never from closures
// (a closure is compiled without the entry function's target features).

/// `p·x + q·y` per point for complex factors `p`, `q` (conjugated when `conj`), split parts.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn combine<S: Simd>(
    s: S,
    (pr, pi): (S::V, S::V),
    (qr, qi): (S::V, S::V),
    (xr, xi): (S::V, S::V),
    (yr, yi): (S::V, S::V),
    conj: bool,
) -> (S::V, S::V) {
    let re = s.mul_add(qr, yr, s.mul(pr, xr));
    let im = s.mul_add(qr, yi, s.mul(pr, xi));
    if conj {
        (
            s.mul_add(qi, yi, s.mul_add(pi, xi, re)),
            s.neg_mul_add(qi, yr, s.neg_mul_add(pi, xr, im)),
        )
    } else {
        (
            s.neg_mul_add(qi, yi, s.neg_mul_add(pi, xi, re)),
            s.mul_add(qi, yr, s.mul_add(pi, xr, im)),
        )
    }
}

/// Entry `k` of a lane group of matrices, as (re, im) vectors.
#[inline(always)]
fn entry<S: Simd>(s: S, m: &Mat4, k: usize) -> (S::V, S::V) {
    (s.load4(&m[2 * k]), s.load4(&m[2 * k + 1]))
}

/// `(x, y) ← M (x, y)` per point, or `M†` when `dagger`.
#[inline(always)]
fn apply_group<S: Simd>(s: S, m: &Mat4, x: &Amp4, y: &Amp4, dagger: bool) -> (Amp4, Amp4) {
    let xv = (s.load4(&x[0]), s.load4(&x[1]));
    let yv = (s.load4(&y[0]), s.load4(&y[1]));
    // Rows of M: (m00, m01), (m10, m11); of M†: (conj m00, conj m10), (conj m01, conj m11).
    let (a, b, c, d) = if dagger { (0, 2, 1, 3) } else { (0, 1, 2, 3) };
    let (x2r, x2i) = combine(s, entry(s, m, a), entry(s, m, b), xv, yv, dagger);
    let (y2r, y2i) = combine(s, entry(s, m, c), entry(s, m, d), xv, yv, dagger);
    let mut out = [Amp4::default(); 2];
    s.store4(&mut out[0][0], x2r);
    s.store4(&mut out[0][1], x2i);
    s.store4(&mut out[1][0], y2r);
    s.store4(&mut out[1][1], y2i);
    (out[0], out[1])
}

/// Applies a run's matrix `m` (or its adjoint) to logical bit `t` of one group's state `st`.
fn apply_run(st: &mut [Amp4], perm: &[u32], t: usize, m: &Mat4, dagger: bool) {
    simd::dispatch!(s, (st: &mut [Amp4], perm: &[u32], t: usize, m: &Mat4, dagger: bool) -> (), {
        let tm = 1usize << t;
        for chunk in perm.chunks_exact(2 * tm) {
            let (lo, hi) = chunk.split_at(tm);
            for (&i, &j) in lo.iter().zip(hi) {
                let (i, j) = (i as usize, j as usize);
                let (Some(&x), Some(&y)) = (st.get(i), st.get(j)) else {
                    continue;
                };
                let (x, y) = apply_group(s, m, &x, &y, dagger);
                if let Some(v) = st.get_mut(i) {
                    *v = x;
                }
                if let Some(v) = st.get_mut(j) {
                    *v = y;
                }
            }
        }
    })
}

/// What the derivatives need of a run's cross matrix `R = Σ φ λ†`, per point: for a Hermitian
/// `H`, `Im Tr(H R) = h00·Im R00 + h11·Im R11 + Re h01·Im(R10 + R01) + Im h01·Re(R10 − R01)`,
/// so four sums instead of eight.
type Cross4 = [[f64; LANES]; 4];

/// `acc +=` one pair's terms (x, y of φ; u, w of λ), with `a·conj(c) = (a.re c.re + a.im c.im,
/// a.im c.re − a.re c.im)`.
#[inline(always)]
fn cross_group<S: Simd>(s: S, acc: &mut [S::V; 4], x: &Amp4, y: &Amp4, u: &Amp4, w: &Amp4) {
    let (xr, xi) = (s.load4(&x[0]), s.load4(&x[1]));
    let (yr, yi) = (s.load4(&y[0]), s.load4(&y[1]));
    let (ur, ui) = (s.load4(&u[0]), s.load4(&u[1]));
    let (wr, wi) = (s.load4(&w[0]), s.load4(&w[1]));
    // Im R00 = Σ x.im u.re − x.re u.im; Im R11 = Σ y.im w.re − y.re w.im.
    acc[0] = s.neg_mul_add(xr, ui, s.mul_add(xi, ur, acc[0]));
    acc[1] = s.neg_mul_add(yr, wi, s.mul_add(yi, wr, acc[1]));
    // Im(R10 + R01) = Σ (y.im u.re − y.re u.im) + (x.im w.re − x.re w.im).
    let t = s.neg_mul_add(yr, ui, s.mul_add(yi, ur, acc[2]));
    acc[2] = s.neg_mul_add(xr, wi, s.mul_add(xi, wr, t));
    // Re(R10 − R01) = Σ (y.re u.re + y.im u.im) − (x.re w.re + x.im w.im).
    let t = s.mul_add(yi, ui, s.mul_add(yr, ur, acc[3]));
    acc[3] = s.neg_mul_add(xi, wi, s.neg_mul_add(xr, wr, t));
}

/// The cross matrix of logical bit `t` of one group (φ in `st`, λ in `lst`), then, with `undo`,
/// the run's `M†` applied to both.
fn cross_run(
    st: &mut [Amp4],
    lst: &mut [Amp4],
    perm: &[u32],
    t: usize,
    m: &Mat4,
    undo: bool,
) -> Cross4 {
    simd::dispatch!(s, (st: &mut [Amp4], lst: &mut [Amp4], perm: &[u32], t: usize, m: &Mat4, undo: bool) -> Cross4, {
        let mut acc = [s.splat(0.0); 4];
        let tm = 1usize << t;
        for chunk in perm.chunks_exact(2 * tm) {
            let (lo, hi) = chunk.split_at(tm);
            for (&i, &j) in lo.iter().zip(hi) {
                let (i, j) = (i as usize, j as usize);
                let (Some(&x), Some(&y), Some(&u), Some(&w)) =
                    (st.get(i), st.get(j), lst.get(i), lst.get(j))
                else {
                    continue;
                };
                cross_group(s, &mut acc, &x, &y, &u, &w);
                if undo {
                    let (x, y) = apply_group(s, m, &x, &y, true);
                    let (u, w) = apply_group(s, m, &u, &w, true);
                    if let (Some(a), Some(b)) = (st.get_mut(i), lst.get_mut(i)) {
                        (*a, *b) = (x, u);
                    }
                    if let (Some(a), Some(b)) = (st.get_mut(j), lst.get_mut(j)) {
                        (*a, *b) = (y, w);
                    }
                }
            }
        }
        let mut out = [[0.0; LANES]; 4];
        for (o, a) in out.iter_mut().zip(acc) {
            s.store4(o, a);
        }
        out
    })
}

/// A CNOT on the row permutation: logical rows with the control set swap partners (block
/// swaps of `2^min(c, t)` entries).
fn cnot_perm(perm: &mut [u32], c: usize, t: usize) {
    let (cm, tm) = (1usize << c, 1usize << t);
    if c > t {
        for chunk in perm.chunks_exact_mut(2 * cm) {
            for sub in chunk[cm..].chunks_exact_mut(2 * tm) {
                let (a, b) = sub.split_at_mut(tm);
                a.swap_with_slice(b);
            }
        }
    } else {
        for chunk in perm.chunks_exact_mut(2 * tm) {
            let (h0, h1) = chunk.split_at_mut(tm);
            for (a, b) in h0.chunks_exact_mut(2 * cm).zip(h1.chunks_exact_mut(2 * cm)) {
                a[cm..].swap_with_slice(&mut b[cm..]);
            }
        }
    }
}

/// Writes the product state of the leading stage into one group's rows (lane group `g`):
/// per wire, the first column of its run's matrix, or |0⟩.
fn product_rows(st: &mut [Amp4], lead: &[Option<&Mat4>]) {
    if let Some(first) = st.first_mut() {
        *first = Amp4([[1.0; LANES], [0.0; LANES]]);
    }
    let mut rows = 1usize;
    for m in lead {
        for i in (0..rows).rev() {
            let a = st[i];
            let (r0, r1) = match m {
                Some(m) => {
                    let mut r0 = Amp4::default();
                    let mut r1 = Amp4::default();
                    for l in 0..LANES {
                        let (ar, ai) = (a[0][l], a[1][l]);
                        let (v0r, v0i, v1r, v1i) = (m[0][l], m[1][l], m[4][l], m[5][l]);
                        r0[0][l] = ar * v0r - ai * v0i;
                        r0[1][l] = ar * v0i + ai * v0r;
                        r1[0][l] = ar * v1r - ai * v1i;
                        r1[1][l] = ar * v1i + ai * v1r;
                    }
                    (r0, r1)
                }
                None => (a, Amp4::default()),
            };
            st[2 * i] = r0;
            st[2 * i + 1] = r1;
        }
        rows *= 2;
    }
}

impl Program {
    /// Whether [`Program::forward_batch`] can run this program (only one-wire gates without
    /// extra controls, and CNOTs).
    pub fn batchable(&self) -> bool {
        self.plan.batchable()
    }

    /// Runs the circuit for `npts` points at once; `angles` holds each point's angles, point
    /// after point (`npts · n_angles()` numbers). Read each point's final state with
    /// [`Program::batch_state`]. Returns `false` (doing nothing) when the program is not
    /// [`batchable`](Program::batchable) or the sizes do not fit.
    pub fn forward_batch(&mut self, angles: &[f64], npts: usize) -> bool {
        self.forward_batch_impl(angles, npts, false)
    }

    /// [`Program::forward_batch`] that also prepares [`Program::backward_batch`].
    pub fn forward_batch_for_gradient(&mut self, angles: &[f64], npts: usize) -> bool {
        self.forward_batch_impl(angles, npts, true)
    }

    fn forward_batch_impl(&mut self, angles: &[f64], npts: usize, with_grad: bool) -> bool {
        let na = self.n_angles;
        if !self.batchable() || npts == 0 || angles.len() != npts * na {
            return false;
        }
        let b = npts;
        let ng = b.div_ceil(LANES);
        let w = ng * LANES;
        let len = 1usize << self.n_qubits;
        let Program {
            angle_of,
            prims,
            plan,
            batch,
            n_qubits,
            ..
        } = self;
        if batch.b != b || batch.memo.len() != prims.len() * b {
            batch.memo.clear();
            batch.memo.resize(prims.len() * b, (u64::MAX, 0.0, 1.0));
        }
        batch.b = b;
        batch.ng = ng;
        batch.st.resize(len * ng, Amp4::default());
        batch.mats.resize(plan.runs.len() * ng, [[0.0; LANES]; 8]);
        batch.planes.resize(8 * w, 0.0);
        batch.with_grad = with_grad;
        if with_grad {
            batch
                .heff
                .resize(plan.members.len() * ng, [[0.0; LANES]; 4]);
        }
        let mut hplanes = vec![0.0; if with_grad { 4 * w } else { 0 }];

        // One matrix per point for every run.
        for (ri, run) in plan.runs.iter().enumerate() {
            let (first, rlen) = (run.first, run.len);
            let mut out = Planes::of(&mut batch.planes, w);
            // The run's matrix M_last ⋯ M_0, accumulated from the left: shared factors are
            // multiplied once (`shared` until a member varies, `pending` after that).
            let mut shared = ID2;
            let mut per_point = false;
            let mut pending: Option<M2> = None;
            for (k, &pi) in plan.members[first..first + rlen].iter().enumerate().rev() {
                let prim = &prims[pi];
                let angle = angle_of[pi];
                if with_grad {
                    // The product so far is S_{k+1}: move this member's generator past it.
                    if let (Some(g), Some(_)) = (prim.form.and_then(OneWire::generator), angle) {
                        if let Some(q) = pending.take() {
                            out.right_mul(&q);
                        }
                        moved_generator(
                            &mut hplanes,
                            w,
                            b,
                            &g,
                            (!per_point).then_some(&shared),
                            &out,
                        );
                        let h = &mut batch.heff[(first + k) * ng..(first + k + 1) * ng];
                        interleave(&hplanes, ng, h);
                    }
                }
                let varying = match (prim.form, angle) {
                    (Some(form), Some(a)) if !matches!(form, OneWire::Fixed(_)) => {
                        let a0 = angles[a].to_bits();
                        (1..b)
                            .any(|p| angles[p * na + a].to_bits() != a0)
                            .then_some((form, a))
                    }
                    _ => None,
                };
                match varying {
                    None => {
                        let m = match (prim.form, angle) {
                            (Some(form), Some(a)) => form.matrix(angles[a]),
                            _ => prim.mat,
                        };
                        if per_point {
                            pending = Some(pending.map_or(m, |q| adjoint::mul(&q, &m)));
                        } else {
                            shared = adjoint::mul(&shared, &m);
                        }
                    }
                    Some((form, a)) => {
                        let memo = &mut batch.memo[pi * b..(pi + 1) * b];
                        let half = if form == OneWire::Phase { 1.0 } else { 0.5 };
                        for (p, m) in memo.iter_mut().enumerate() {
                            let t = angles[p * na + a];
                            if m.0 != t.to_bits() {
                                let (s, c) = (half * t).sin_cos();
                                *m = (t.to_bits(), s, c);
                            }
                        }
                        if let Some(q) = pending.take() {
                            out.right_mul(&q);
                        }
                        out.right_mul_form((!per_point).then_some(&shared), form, memo);
                        per_point = true;
                    }
                }
            }
            if !per_point {
                out.fill(&shared);
            } else if let Some(q) = pending {
                out.right_mul(&q);
            }
            // Padded lanes hold the identity.
            out.pad_identity(b);
            interleave(&batch.planes, ng, &mut batch.mats[ri * ng..(ri + 1) * ng]);
        }

        // Group by group: the product state of the leading stage, then the rest; CNOTs only
        // permute rows.
        let n = *n_qubits;
        let Batch {
            st,
            mats,
            perm,
            work,
            ..
        } = batch;
        let mut lead_runs: Vec<Option<usize>> = vec![None; n];
        let mut steps = plan.steps.iter();
        if plan.leading {
            if let Some(step) = steps.next() {
                if let Step::Stage { first, .. } = *step {
                    for (k, run) in plan.stage_runs(step).iter().enumerate() {
                        lead_runs[n - 1 - run.bit] = Some(first + k);
                    }
                }
            }
        }
        let rest = steps.as_slice();
        for (g, sg) in st.chunks_exact_mut(len).enumerate().take(ng) {
            work.clear();
            work.extend((0..len).map(|i| i as u32));
            let lead: Vec<Option<&Mat4>> = lead_runs
                .iter()
                .map(|r| r.and_then(|ri| mats.get(ri * ng + g)))
                .collect();
            product_rows(sg, &lead);
            for step in rest {
                match *step {
                    Step::Stage { first, .. } => {
                        for (k, run) in plan.stage_runs(step).iter().enumerate() {
                            if let Some(m) = mats.get((first + k) * ng + g) {
                                apply_run(sg, work, run.bit, m, false);
                            }
                        }
                    }
                    Step::Cnot(c, t) => cnot_perm(work, c, t),
                    Step::Prim(_) => {}
                }
            }
        }
        std::mem::swap(perm, work);
        true
    }

    /// Sets point `p`'s adjoint state λ (for [`Program::backward_batch`]) from `state`, e.g.
    /// `O|ψ_p⟩` for the observable being differentiated.
    pub fn set_batch_adjoint(&mut self, p: usize, state: &State) {
        let Batch {
            b, ng, lst, perm, ..
        } = &mut self.batch;
        let len = 1usize << self.n_qubits;
        if p >= *b || state.n_qubits() != self.n_qubits || perm.len() != len {
            return;
        }
        lst.resize(len * *ng, Amp4::default());
        let (g, l) = (p / LANES, p % LANES);
        let lg = &mut lst[g * len..(g + 1) * len];
        for (a, &r) in state.amplitudes().iter().zip(perm.iter()) {
            if let Some(cell) = lg.get_mut(r as usize) {
                cell[0][l] = a.re;
                cell[1][l] = a.im;
            }
        }
    }

    /// The adjoint pass over the batch of the last [`Program::forward_batch_for_gradient`],
    /// with every point's λ set by [`Program::set_batch_adjoint`]: returns
    /// `2 Re⟨λ_p|∂ψ_p/∂angle⟩` per angle and point (`[angle · b + p]`, `b` the batch size) —
    /// with `λ_p = O_p|ψ_p⟩`, the derivatives of `⟨ψ_p|O_p|ψ_p⟩`. Empty when no gradient was
    /// prepared. Leaves the batch's states unspecified.
    pub fn backward_batch(&mut self) -> &[f64] {
        let len = 1usize << self.n_qubits;
        let Program {
            angle_of,
            prims,
            plan,
            batch,
            n_angles,
            ..
        } = self;
        let (b, ng) = (batch.b, batch.ng);
        if !batch.with_grad || batch.lst.len() != len * ng || b == 0 {
            batch.agrad.clear();
            return &batch.agrad;
        }
        batch.with_grad = false;
        // Padded lanes of λ are zero, so their cross matrices and derivatives are too.
        if b % LANES != 0 {
            if let Some(last) = batch.lst.chunks_exact_mut(len).nth(ng - 1) {
                for row in last {
                    for part in row.iter_mut() {
                        part[b % LANES..].fill(0.0);
                    }
                }
            }
        }
        batch.agrad.clear();
        batch.agrad.resize(*n_angles * b, 0.0);
        for g in 0..ng {
            batch.work.clone_from(&batch.perm);
            adjoint::backward(
                plan,
                &mut Batched {
                    batch: &mut *batch,
                    g,
                    len,
                    runs: &plan.runs,
                    members: &plan.members,
                    angle_of,
                    prims,
                },
            );
        }
        &batch.agrad
    }

    /// Writes point `p`'s final state of the last [`Program::forward_batch`] into `state`
    /// (which must have `n_qubits()` qubits; nothing happens otherwise).
    pub fn batch_state(&self, p: usize, state: &mut State) {
        let Batch { b, st, perm, .. } = &self.batch;
        if p >= *b || state.n_qubits() != self.n_qubits || perm.len() != state.amplitudes().len() {
            return;
        }
        let len = perm.len();
        let (g, l) = (p / LANES, p % LANES);
        let sg = &st[(g * len).min(st.len())..((g + 1) * len).min(st.len())];
        for (a, &r) in state.amplitudes_mut().iter_mut().zip(perm.iter()) {
            if let Some(cell) = sg.get(r as usize) {
                *a = C64::new(cell[0][l], cell[1][l]);
            }
        }
    }
}

impl Program {
    /// Point `p`'s expectation values of diagonal Pauli strings after the last
    /// [`Program::forward_batch`], read in place (no copy of the state): `z.masks[j]` is string
    /// `j`'s [`z_mask`](crate::sim::PauliString::z_mask), and `out[j] = Σ_i (−1)^{|i & masks[j]|}
    /// |ψ_p[i]|²`, summed in basis order like [`State::expval_pauli`] (the signs from `z`'s
    /// table when it has one). `out` is left empty when `p` is outside the batch or `z` is for
    /// another qubit count.
    pub fn batch_z_expvals(&self, p: usize, z: &ZStrings, out: &mut Vec<f64>) {
        out.clear();
        let Batch { b, st, perm, .. } = &self.batch;
        let len = 1usize << self.n_qubits;
        if p >= *b || perm.len() != len || z.n != self.n_qubits {
            return;
        }
        let (g, l) = (p / LANES, p % LANES);
        let Some(sg) = st.get(g * len..(g + 1) * len) else {
            return;
        };
        let m = z.masks.len();
        out.resize(m, 0.0);
        for (i, &r) in perm.iter().enumerate() {
            let Some(cell) = sg.get(r as usize) else {
                continue;
            };
            let (re, im) = (cell[0][l], cell[1][l]);
            let prob = re * re + im * im;
            match z.signs.get(i * m..(i + 1) * m) {
                Some(row) => {
                    for (o, &sign) in out.iter_mut().zip(row) {
                        *o += sign * prob;
                    }
                }
                None => {
                    for (o, &mk) in out.iter_mut().zip(&z.masks) {
                        *o += parity_sign(i, mk) * prob;
                    }
                }
            }
        }
    }

    /// Sets point `p`'s adjoint state to `D|ψ_p⟩` for a diagonal observable `D` (`diag[i]` for
    /// basis state `i`) straight from the batch's final state — what
    /// [`Program::set_batch_adjoint`] of `D|ψ_p⟩` does, without building the state.
    pub fn set_batch_adjoint_diagonal(&mut self, p: usize, diag: &[f64]) {
        let Batch {
            b,
            ng,
            st,
            lst,
            perm,
            ..
        } = &mut self.batch;
        let len = 1usize << self.n_qubits;
        if p >= *b || diag.len() != len || perm.len() != len {
            return;
        }
        lst.resize(len * *ng, Amp4::default());
        let (g, l) = (p / LANES, p % LANES);
        let (Some(sg), Some(lg)) = (
            st.get(g * len..(g + 1) * len),
            lst.get_mut(g * len..(g + 1) * len),
        ) else {
            return;
        };
        for (&d, &r) in diag.iter().zip(perm.iter()) {
            let r = r as usize;
            if let (Some(src), Some(cell)) = (sg.get(r), lg.get_mut(r)) {
                cell[0][l] = d * src[0][l];
                cell[1][l] = d * src[1][l];
            }
        }
    }
}

/// The batched backend of the backward walk, for lane group `g`.
struct Batched<'a> {
    batch: &'a mut Batch,
    g: usize,
    len: usize,
    runs: &'a [Run],
    members: &'a [usize],
    angle_of: &'a [Option<usize>],
    prims: &'a [super::Prim],
}

impl Backward for Batched<'_> {
    fn run(&mut self, run: &Run, undo: bool) {
        let (g, len) = (self.g, self.len);
        let Batch {
            b,
            ng,
            st,
            lst,
            work,
            mats,
            heff,
            agrad,
            ..
        } = &mut *self.batch;
        let (b, ng) = (*b, *ng);
        // Runs are stored in member order: find this one's index by its first member.
        let Ok(ri) = self.runs.binary_search_by_key(&run.first, |r| r.first) else {
            return;
        };
        let (Some(m), Some(sg), Some(lg)) = (
            mats.get(ri * ng + g),
            st.get_mut(g * len..(g + 1) * len),
            lst.get_mut(g * len..(g + 1) * len),
        ) else {
            return;
        };
        if !run.params {
            apply_run(sg, work, run.bit, m, true);
            apply_run(lg, work, run.bit, m, true);
            return;
        }
        let r = cross_run(sg, lg, work, run.bit, m, undo);
        for k in run.first..run.first + run.len {
            let pi = self.members[k];
            let (Some(a), Some(_)) = (self.angle_of[pi], self.prims[pi].form) else {
                continue;
            };
            let c2 = 2.0 * self.prims[pi].coeff;
            let Some(h) = heff.get(k * ng + g) else {
                continue;
            };
            for l in 0..LANES.min(b.saturating_sub(g * LANES)) {
                // Im Tr(H R) from the four sums (see `Cross4`).
                let im =
                    h[0][l] * r[0][l] + h[1][l] * r[1][l] + (h[2][l] * r[2][l] + h[3][l] * r[3][l]);
                if let Some(slot) = agrad.get_mut(a * b + g * LANES + l) {
                    *slot += c2 * im;
                }
            }
        }
    }

    fn cnot(&mut self, c: usize, t: usize) {
        cnot_perm(&mut self.batch.work, c, t);
    }

    fn prim(&mut self, _: usize) {
        // Batched programs have none (see `Program::batchable`).
    }
}

#[cfg(test)]
mod tests {
    use crate::circuit::Program;
    use crate::doc::{CircuitSpec, GateSpec};
    use crate::rng::Rng;
    use crate::sim::{GateKind, Observable, PauliString, State};

    /// A lane group of amplitudes is one cache line on a cache-line boundary, so the batch's
    /// vector loads never split two lines (W6 ran 15 % slower before).
    #[test]
    fn lane_groups_fill_aligned_cache_lines() {
        assert_eq!(std::mem::size_of::<super::Amp4>(), 64);
        assert_eq!(std::mem::align_of::<super::Amp4>(), 64);
        // On the heap, as the batch's buffers are.
        let v: Vec<super::Amp4> = std::iter::repeat_n(super::Amp4::default(), 3).collect();
        assert_eq!(v.as_ptr() as usize % 64, 0);
    }

    /// Random circuits of one-wire gates (all kinds) and CNOTs: the batch equals point by point,
    /// with some angles shared by every point and some varying.
    #[test]
    fn batch_matches_point_by_point() {
        let mut rng = Rng::new(11);
        let one: Vec<GateKind> = GateKind::all()
            .iter()
            .copied()
            .filter(|k| k.n_wires() == 1)
            .collect();
        for n in 1..=4 {
            let mut gates = Vec::new();
            for col in 0..24 {
                let w = rng.below(n as u64) as usize;
                if n > 1 && rng.uniform() < 0.25 {
                    let t = (w + 1 + rng.below(n as u64 - 1) as usize) % n;
                    gates.push(GateSpec::fixed(GateKind::CNOT, &[w, t], col, &[]));
                } else {
                    let k = one[rng.below(one.len() as u64) as usize];
                    let params = vec![0.0; k.n_params()];
                    gates.push(GateSpec::fixed(k, &[w], col, &params));
                }
            }
            let spec = CircuitSpec { qubits: n, gates };
            let mut prog = Program::compile(&spec).unwrap();
            assert!(prog.batchable());
            let na = prog.n_angles();
            let shared: Vec<bool> = (0..na).map(|_| rng.uniform() < 0.4).collect();
            let base: Vec<f64> = (0..na).map(|_| rng.range(-3.0, 3.0)).collect();
            let npts = 5;
            let mut angles = Vec::new();
            for _ in 0..npts {
                for a in 0..na {
                    angles.push(if shared[a] {
                        base[a]
                    } else {
                        rng.range(-3.0, 3.0)
                    });
                }
            }
            for round in 0..2 {
                assert!(prog.forward_batch(&angles, npts));
                let mut got = State::new(n).unwrap();
                for p in 0..npts {
                    prog.batch_state(p, &mut got);
                    prog.set_angles(&angles[p * na..(p + 1) * na]);
                    let mut want = State::new(n).unwrap();
                    prog.run(&mut want);
                    for (a, b) in got.amplitudes().iter().zip(want.amplitudes()) {
                        assert!((a - b).norm() < 1e-12, "n {n} round {round} point {p}");
                    }
                }
                // Second round: new varying angles in some slots (the memo must notice).
                for v in angles.iter_mut().step_by(3) {
                    *v += 0.25;
                }
            }
        }
    }

    /// The batched adjoint pass equals the one-point pass for every point, on random circuits
    /// of one-wire gates and CNOTs (rows permuted by the CNOTs), batch sizes that are and are
    /// not multiples of the vector width.
    #[test]
    fn batch_gradient_matches_point_by_point() {
        let mut rng = Rng::new(23);
        let one: Vec<GateKind> = GateKind::all()
            .iter()
            .copied()
            .filter(|k| k.n_wires() == 1)
            .collect();
        let obs = Observable::Sum(vec![
            (0.8, "Z0".parse::<PauliString>().unwrap()),
            (-0.5, "X1".parse().unwrap()),
        ]);
        for (trial, npts) in [1usize, 3, 4, 5, 8, 13].into_iter().enumerate() {
            let n = 2 + trial % 4;
            let mut gates = Vec::new();
            for col in 0..30 {
                let w = rng.below(n as u64) as usize;
                if rng.uniform() < 0.3 {
                    let t = (w + 1 + rng.below(n as u64 - 1) as usize) % n;
                    gates.push(GateSpec::fixed(GateKind::CNOT, &[w, t], col, &[]));
                } else {
                    let k = one[rng.below(one.len() as u64) as usize];
                    gates.push(GateSpec::fixed(k, &[w], col, &vec![0.0; k.n_params()]));
                }
            }
            let mut prog = Program::compile(&CircuitSpec { qubits: n, gates }).unwrap();
            let na = prog.n_angles();
            let angles: Vec<f64> = (0..npts * na).map(|_| rng.range(-3.0, 3.0)).collect();
            assert!(prog.forward_batch_for_gradient(&angles, npts));
            let mut psi = State::new(n).unwrap();
            let mut lam = State::new(n).unwrap();
            for p in 0..npts {
                prog.batch_state(p, &mut psi);
                psi.apply_observable(&obs, &mut lam);
                prog.set_batch_adjoint(p, &lam);
            }
            let got = prog.backward_batch().to_vec();
            assert_eq!(got.len(), na * npts);
            for p in 0..npts {
                let mut single = prog.clone();
                single.set_angles(&angles[p * na..(p + 1) * na]);
                let mut want = vec![0.0; na];
                single.expval_and_gradient(&obs, &mut want).unwrap();
                for a in 0..na {
                    let g = got[a * npts + p];
                    assert!(
                        (g - want[a]).abs() < 1e-11,
                        "trial {trial} point {p} angle {a}: {g} vs {}",
                        want[a]
                    );
                }
            }
        }
    }
}

/// `(−1)^{|i & mask|}`: a diagonal Pauli string's eigenvalue on basis state `i`.
#[inline(always)]
fn parity_sign(i: usize, mask: usize) -> f64 {
    1.0 - 2.0 * ((i & mask).count_ones() & 1) as f64
}

/// A readout of diagonal Pauli strings (Z on some wires) on `n` qubits: each string's basis-bit
/// mask, and up to [`ZStrings::TABLE_QUBITS`] qubits a table of every string's eigenvalue on
/// every basis state (row-major by basis state), so a batch reads the strings and builds each
/// point's adjoint diagonal with multiply-adds instead of counting parities per point.
#[derive(Clone, Debug)]
pub struct ZStrings {
    n: usize,
    masks: Vec<usize>,
    signs: Vec<f64>,
}

impl ZStrings {
    /// The largest qubit count with a sign table (2ⁿ × strings numbers).
    pub const TABLE_QUBITS: usize = 12;

    /// The strings of `masks` on `n` qubits.
    pub fn new(masks: Vec<usize>, n: usize) -> ZStrings {
        let signs = if n <= Self::TABLE_QUBITS {
            (0..1usize << n)
                .flat_map(|i| masks.iter().map(move |&m| parity_sign(i, m)))
                .collect()
        } else {
            Vec::new()
        };
        ZStrings { n, masks, signs }
    }

    /// `diag[i] = Σ_j w[j] (−1)^{|i & masks[j]|}` for every basis state `i` (`diag` has 2ⁿ
    /// entries): the diagonal of `Σ_j w_j Z-string_j`.
    pub fn diagonal(&self, w: &[f64], diag: &mut [f64]) {
        let m = self.masks.len();
        if m > 0 && self.signs.len() == diag.len() * m {
            for (d, row) in diag.iter_mut().zip(self.signs.chunks_exact(m)) {
                *d = row.iter().zip(w).map(|(&s, w)| w * s).sum();
            }
        } else {
            for (i, d) in diag.iter_mut().enumerate() {
                *d = self
                    .masks
                    .iter()
                    .zip(w)
                    .map(|(&mk, w)| w * parity_sign(i, mk))
                    .sum();
            }
        }
    }
}
