//! Batched evaluation: many points through the fused program at once, forward (the decision
//! grid, one row of cells per batch) and with the adjoint pass (the gradient of a training
//! batch).
//!
//! The batch's states are stored amplitude-major and point-minor, real and imaginary parts in
//! separate planes (`re[amp · b + p]`), so every kernel's inner loop runs over the points with
//! unit stride and vectorises; per-gate overhead (dispatch, loop set-up, matrix loads) is paid
//! once per batch instead of once per point. Each fused block gets one 2×2 matrix per point,
//! built from its members: members whose angle is the same for every point of the batch (weights,
//! constants, a grid row's x2 angles) are multiplied once into a shared matrix; the others use
//! sines and cosines memoised per point slot, so a grid's x1 angles, equal in every row, are
//! computed in the first row only. The adjoint pass undoes each block with the point-wise
//! `M[p]†` while accumulating each point's 2×2 cross matrix, and reads every member's derivative
//! off it through the member's generator moved to the block's end (computed in the forward pass
//! from the same partial products).
//!
//! Only programs made of fused blocks and CNOTs are batched ([`Program::batchable`]); anything
//! else goes point by point.

use super::fused::{self, OneWire, M2};
use super::{Block, Program};
use crate::sim::{State, C64};

/// Scratch for [`Program::forward_batch`].
#[derive(Clone, Debug, Default)]
pub(super) struct Batch {
    /// Points in the batch.
    b: usize,
    /// The states: `re[amp · b + p]`, `im[amp · b + p]`.
    re: Vec<f64>,
    im: Vec<f64>,
    /// Per block, eight planes of `b`: m00.re, m00.im, m01.re, m01.im, m10.re, …, m11.im.
    mats: Vec<f64>,
    /// Per primitive and point: (angle bits, sin, cos) of the last trigonometry done there.
    memo: Vec<(u64, f64, f64)>,
    /// Two planes of `b` (one amplitude row) for the product state.
    row: Vec<f64>,
    /// For gradients: the adjoint states λ (same layout as `re`, `im`).
    lre: Vec<f64>,
    lim: Vec<f64>,
    /// Per fused member with an angle, its generator moved to the block's end (see
    /// `Program::heff`), four planes of `b`: h00, h11 (real), h01.re, h01.im.
    heff: Vec<f64>,
    /// Eight planes of `b`: the cross matrix R of the block being differentiated.
    cross: Vec<f64>,
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
                Some(l) => self.fill(&fused::mul(l, &m)),
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

/// Writes `H = S G S†` (Hermitian) into four planes (h00, h11, h01.re, h01.im): for the shared
/// `S` when given, else for the point-wise `S` in `planes`.
fn moved_generator(h: &mut [f64], b: usize, g: &M2, shared: Option<&M2>, planes: &Planes) {
    let one = |s: &M2| {
        let v = fused::mul(&fused::mul(s, g), &fused::dagger(s));
        [v[0][0].re, v[1][1].re, v[0][1].re, v[0][1].im]
    };
    let mut it = h.chunks_exact_mut(b);
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
            let n = h00.len();
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
}

/// One backward step of a fused block: accumulates the cross matrix `R[p] = Σ φ λ†` of bit `t`
/// into `cross` (eight planes) and, when `undo`, applies the point-wise `M[p]†` to both batches.
fn cross_and_undo(
    (pre, pim): (&mut [f64], &mut [f64]),
    (lre, lim): (&mut [f64], &mut [f64]),
    b: usize,
    t: usize,
    m: &[f64],
    cross: &mut [f64],
    undo: bool,
) {
    let s = 1usize << t;
    cross.fill(0.0);
    let rows = pre.len() / b.max(1);
    for base in (0..rows).step_by(2 * s) {
        for i in base..base + s {
            let [xr, yr] = row_pair(pre, b, i, i + s);
            let [xi, yi] = row_pair(pim, b, i, i + s);
            let [ur, vr] = row_pair(lre, b, i, i + s);
            let [ui, vi] = row_pair(lim, b, i, i + s);
            accumulate_cross(cross, [&*xr, &*xi, &*yr, &*yi], [&*ur, &*ui, &*vr, &*vi]);
            if undo {
                apply_dagger_rows(m, [xr, xi, yr, yi]);
                apply_dagger_rows(m, [ur, ui, vr, vi]);
            }
        }
    }
}

/// Applies the point-wise `M[p]†` to bit `t` of a batch.
fn undo_planes((re, im): (&mut [f64], &mut [f64]), b: usize, t: usize, m: &[f64]) {
    let s = 1usize << t;
    let rows = re.len() / b.max(1);
    for base in (0..rows).step_by(2 * s) {
        for i in base..base + s {
            let [xr, yr] = row_pair(re, b, i, i + s);
            let [xi, yi] = row_pair(im, b, i, i + s);
            apply_dagger_rows(m, [xr, xi, yr, yi]);
        }
    }
}

/// Rows `i < j` (`b` numbers each) of one plane, both mutable.
#[inline(always)]
fn row_pair(plane: &mut [f64], b: usize, i: usize, j: usize) -> [&mut [f64]; 2] {
    let (lo, hi) = plane.split_at_mut(j * b);
    [&mut lo[i * b..(i + 1) * b], &mut hi[..b]]
}

/// `R[j][k] += φ_j conj(λ_k)` for one pair of amplitude rows, per point.
#[inline(always)]
fn accumulate_cross(cross: &mut [f64], phi: [&[f64]; 4], lambda: [&[f64]; 4]) {
    let n = phi[0].len();
    let mut ct = cross.chunks_exact_mut(n);
    let [r00r, r00i, r01r, r01i, r10r, r10i, r11r, r11i]: [&mut [f64]; 8] =
        std::array::from_fn(|_| ct.next().unwrap_or_default());
    let (r00r, r00i, r01r, r01i) = (
        &mut r00r[..n],
        &mut r00i[..n],
        &mut r01r[..n],
        &mut r01i[..n],
    );
    let (r10r, r10i, r11r, r11i) = (
        &mut r10r[..n],
        &mut r10i[..n],
        &mut r11r[..n],
        &mut r11i[..n],
    );
    let [xr, xi, yr, yi] = phi.map(|v| &v[..n]);
    let [ur, ui, vr, vi] = lambda.map(|v| &v[..n]);
    for p in 0..n {
        let (ar, ai, br, bi) = (xr[p], xi[p], yr[p], yi[p]);
        let (cr, ci, dr, di) = (ur[p], ui[p], vr[p], vi[p]);
        r00r[p] += ar * cr + ai * ci;
        r00i[p] += ai * cr - ar * ci;
        r01r[p] += ar * dr + ai * di;
        r01i[p] += ai * dr - ar * di;
        r10r[p] += br * cr + bi * ci;
        r10i[p] += bi * cr - br * ci;
        r11r[p] += br * dr + bi * di;
        r11i[p] += bi * dr - br * di;
    }
}

/// Applies the point-wise `M[p]†` (`m`: eight planes) to one pair of amplitude rows
/// `[x.re, x.im, y.re, y.im]`.
#[inline(always)]
fn apply_dagger_rows(m: &[f64], rows: [&mut [f64]; 4]) {
    let [xr, xi, yr, yi] = rows;
    let n = xr.len();
    let (xi, yr, yi) = (&mut xi[..n], &mut yr[..n], &mut yi[..n]);
    let mut it = m.chunks_exact(n);
    let [m00r, m00i, m01r, m01i, m10r, m10i, m11r, m11i]: [&[f64]; 8] =
        std::array::from_fn(|_| it.next().map_or(&[][..], |v| &v[..n]));
    let (m00r, m00i, m01r, m01i) = (&m00r[..n], &m00i[..n], &m01r[..n], &m01i[..n]);
    let (m10r, m10i, m11r, m11i) = (&m10r[..n], &m10i[..n], &m11r[..n], &m11i[..n]);
    for p in 0..n {
        let (ar, ai, br, bi) = (xr[p], xi[p], yr[p], yi[p]);
        // M† = [[conj m00, conj m10], [conj m01, conj m11]]
        xr[p] = (m00r[p] * ar + m00i[p] * ai) + (m10r[p] * br + m10i[p] * bi);
        xi[p] = (m00r[p] * ai - m00i[p] * ar) + (m10r[p] * bi - m10i[p] * br);
        yr[p] = (m01r[p] * ar + m01i[p] * ai) + (m11r[p] * br + m11i[p] * bi);
        yi[p] = (m01r[p] * ai - m01i[p] * ar) + (m11r[p] * bi - m11i[p] * br);
    }
}

/// Applies the point-wise matrices `m` (eight planes of `b`) to bit `t` of the batch.
fn apply_planes(re: &mut [f64], im: &mut [f64], b: usize, t: usize, m: &[f64]) {
    let s = 1usize << t;
    let mut it = m.chunks_exact(b);
    let [m00r, m00i, m01r, m01i, m10r, m10i, m11r, m11i]: [&[f64]; 8] =
        std::array::from_fn(|_| it.next().unwrap_or_default());
    for (cre, cim) in re
        .chunks_exact_mut(2 * s * b)
        .zip(im.chunks_exact_mut(2 * s * b))
    {
        let (lre, hre) = cre.split_at_mut(s * b);
        let (lim, him) = cim.split_at_mut(s * b);
        for (((xr, yr), xi), yi) in lre
            .chunks_exact_mut(b)
            .zip(hre.chunks_exact_mut(b))
            .zip(lim.chunks_exact_mut(b))
            .zip(him.chunks_exact_mut(b))
        {
            let n = xr.len();
            let (xi, yr, yi) = (&mut xi[..n], &mut yr[..n], &mut yi[..n]);
            let (m00r, m00i, m01r, m01i) = (&m00r[..n], &m00i[..n], &m01r[..n], &m01i[..n]);
            let (m10r, m10i, m11r, m11i) = (&m10r[..n], &m10i[..n], &m11r[..n], &m11i[..n]);
            for p in 0..n {
                let (ar, ai, br, bi) = (xr[p], xi[p], yr[p], yi[p]);
                xr[p] = (m00r[p] * ar - m00i[p] * ai) + (m01r[p] * br - m01i[p] * bi);
                xi[p] = (m00r[p] * ai + m00i[p] * ar) + (m01r[p] * bi + m01i[p] * br);
                yr[p] = (m10r[p] * ar - m10i[p] * ai) + (m11r[p] * br - m11i[p] * bi);
                yi[p] = (m10r[p] * ai + m10i[p] * ar) + (m11r[p] * bi + m11i[p] * br);
            }
        }
    }
}

/// Swaps amplitude rows `i` and `j > i` (`b` points each) of one plane.
fn swap_rows(plane: &mut [f64], b: usize, i: usize, j: usize) {
    let (lo, hi) = plane.split_at_mut(j * b);
    lo[i * b..(i + 1) * b].swap_with_slice(&mut hi[..b]);
}

impl Program {
    /// Whether [`Program::forward_batch`] can run this program (only one-wire gates without
    /// extra controls, and CNOTs).
    pub fn batchable(&self) -> bool {
        !self.blocks.iter().any(|b| matches!(b, Block::Engine(_)))
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
        let len = 1usize << self.n_qubits;
        let Program {
            prims,
            blocks,
            members,
            prefix,
            batch,
            n_qubits,
            ..
        } = self;
        if batch.b != b || batch.memo.len() != prims.len() * b {
            batch.b = b;
            batch.memo.clear();
            batch.memo.resize(prims.len() * b, (u64::MAX, 0.0, 1.0));
        }
        batch.re.resize(len * b, 0.0);
        batch.im.resize(len * b, 0.0);
        batch.mats.resize(blocks.len() * 8 * b, 0.0);
        batch.row.resize(2 * b, 0.0);
        batch.with_grad = with_grad;
        if with_grad {
            batch.heff.resize(members.len() * 4 * b, 0.0);
        }

        // One matrix per point for every fused block.
        for (bi, blk) in blocks.iter().enumerate() {
            let Block::Fused { first, len, .. } = *blk else {
                continue;
            };
            let mut out = Planes::of(&mut batch.mats[bi * 8 * b..(bi + 1) * 8 * b], b);
            // The block's matrix M_last ⋯ M_0, accumulated from the left: shared factors are
            // multiplied once (`shared` until a member varies, `pending` after that).
            let mut shared = fused::ID2;
            let mut per_point = false;
            let mut pending: Option<M2> = None;
            for (k, &pi) in members[first..first + len].iter().enumerate().rev() {
                let prim = &prims[pi];
                if with_grad {
                    // The product so far is S_{k+1}: move this member's generator past it.
                    if let (Some(g), Some(_)) = (prim.form.and_then(OneWire::generator), prim.angle)
                    {
                        if let Some(q) = pending.take() {
                            out.right_mul(&q);
                        }
                        let h = &mut batch.heff[(first + k) * 4 * b..(first + k + 1) * 4 * b];
                        moved_generator(h, b, &g, (!per_point).then_some(&shared), &out);
                    }
                }
                let varying = match (prim.form, prim.angle) {
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
                        let m = match (prim.form, prim.angle) {
                            (Some(form), Some(a)) => form.matrix(angles[a]),
                            _ => prim.mat,
                        };
                        if per_point {
                            pending = Some(pending.map_or(m, |q| fused::mul(&q, &m)));
                        } else {
                            shared = fused::mul(&shared, &m);
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
        }

        // The product state of the leading blocks, then the rest.
        let n = *n_qubits;
        let Batch {
            re, im, mats, row, ..
        } = batch;
        re[..b].fill(1.0);
        im[..b].fill(0.0);
        let mut rows = 1usize;
        for w in 0..n {
            let bit = n - 1 - w;
            let lead = blocks[..*prefix].iter().enumerate().find_map(|(bi, blk)| {
                matches!(*blk, Block::Fused { bit: t, .. } if t == bit).then_some(bi)
            });
            for i in (0..rows).rev() {
                let (tr, ti) = row.split_at_mut(b);
                tr.copy_from_slice(&re[i * b..(i + 1) * b]);
                ti.copy_from_slice(&im[i * b..(i + 1) * b]);
                match lead {
                    Some(bi) => {
                        let m = &mats[bi * 8 * b..(bi + 1) * 8 * b];
                        let (v0r, v0i) = (&m[..b], &m[b..2 * b]);
                        let (v1r, v1i) = (&m[4 * b..5 * b], &m[5 * b..6 * b]);
                        for p in 0..b {
                            let (ar, ai) = (tr[p], ti[p]);
                            re[(2 * i) * b + p] = ar * v0r[p] - ai * v0i[p];
                            im[(2 * i) * b + p] = ar * v0i[p] + ai * v0r[p];
                            re[(2 * i + 1) * b + p] = ar * v1r[p] - ai * v1i[p];
                            im[(2 * i + 1) * b + p] = ar * v1i[p] + ai * v1r[p];
                        }
                    }
                    None => {
                        re[(2 * i) * b..(2 * i + 1) * b].copy_from_slice(tr);
                        im[(2 * i) * b..(2 * i + 1) * b].copy_from_slice(ti);
                        re[(2 * i + 1) * b..(2 * i + 2) * b].fill(0.0);
                        im[(2 * i + 1) * b..(2 * i + 2) * b].fill(0.0);
                    }
                }
            }
            rows *= 2;
        }
        for (bi, blk) in blocks.iter().enumerate().skip(*prefix) {
            match *blk {
                Block::Fused { bit, .. } => {
                    apply_planes(re, im, b, bit, &mats[bi * 8 * b..(bi + 1) * 8 * b]);
                }
                Block::Cnot(c, t) => {
                    let (cm, tm) = (1usize << c, 1usize << t);
                    for i in 0..len {
                        if i & cm != 0 && i & tm == 0 {
                            swap_rows(re, b, i, i | tm);
                            swap_rows(im, b, i, i | tm);
                        }
                    }
                }
                Block::Engine(_) => {}
            }
        }
        true
    }

    /// Sets point `p`'s adjoint state λ (for [`Program::backward_batch`]) from `state`, e.g.
    /// `O|ψ_p⟩` for the observable being differentiated.
    pub fn set_batch_adjoint(&mut self, p: usize, state: &State) {
        let b = self.batch.b;
        let len = 1usize << self.n_qubits;
        if p >= b || state.n_qubits() != self.n_qubits {
            return;
        }
        let batch = &mut self.batch;
        batch.lre.resize(len * b, 0.0);
        batch.lim.resize(len * b, 0.0);
        for (i, a) in state.amplitudes().iter().enumerate() {
            batch.lre[i * b + p] = a.re;
            batch.lim[i * b + p] = a.im;
        }
    }

    /// The adjoint pass over the batch of the last [`Program::forward_batch_for_gradient`],
    /// with every point's λ set by [`Program::set_batch_adjoint`]: returns
    /// `2 Re⟨λ_p|∂ψ_p/∂angle⟩` per angle and point (`[angle · b + p]`, `b` the batch size) —
    /// with `λ_p = O_p|ψ_p⟩`, the derivatives of `⟨ψ_p|O_p|ψ_p⟩`. Empty when no gradient was
    /// prepared. Leaves the batch's states unspecified.
    pub fn backward_batch(&mut self) -> &[f64] {
        let b = self.batch.b;
        let len = 1usize << self.n_qubits;
        let Program {
            prims,
            blocks,
            members,
            prefix,
            batch,
            n_angles,
            ..
        } = self;
        if !batch.with_grad || batch.lre.len() != len * b || b == 0 {
            batch.agrad.clear();
            return &batch.agrad;
        }
        batch.with_grad = false;
        batch.agrad.clear();
        batch.agrad.resize(*n_angles * b, 0.0);
        batch.cross.resize(8 * b, 0.0);
        let Batch {
            re,
            im,
            lre,
            lim,
            mats,
            heff,
            cross,
            agrad,
            ..
        } = batch;
        for (bi, blk) in blocks.iter().enumerate().rev() {
            match *blk {
                Block::Fused {
                    bit,
                    first,
                    len,
                    params,
                } => {
                    let undo = bi >= *prefix;
                    if !params && !undo {
                        continue;
                    }
                    let m = &mats[bi * 8 * b..(bi + 1) * 8 * b];
                    if !params {
                        undo_planes((re.as_mut_slice(), im.as_mut_slice()), b, bit, m);
                        undo_planes((lre.as_mut_slice(), lim.as_mut_slice()), b, bit, m);
                        continue;
                    }
                    cross_and_undo(
                        (re.as_mut_slice(), im.as_mut_slice()),
                        (lre.as_mut_slice(), lim.as_mut_slice()),
                        b,
                        bit,
                        m,
                        cross,
                        undo,
                    );
                    let mut ct = cross.chunks_exact(b);
                    let [_, r00i, r01r, r01i, r10r, r10i, _, r11i]: [&[f64]; 8] =
                        std::array::from_fn(|_| ct.next().unwrap_or_default());
                    for k in 0..len {
                        let prim = &prims[members[first + k]];
                        let (Some(a), Some(_)) = (prim.angle, prim.form) else {
                            continue;
                        };
                        let h = &heff[(first + k) * 4 * b..(first + k + 1) * 4 * b];
                        let (h00, h11, h01r, h01i) =
                            (&h[..b], &h[b..2 * b], &h[2 * b..3 * b], &h[3 * b..]);
                        let g = &mut agrad[a * b..(a + 1) * b];
                        let c2 = 2.0 * prim.coeff;
                        for p in 0..b {
                            // Im Tr(H R), H Hermitian: h00 R00 + h11 R11 + h01 R10 + conj(h01) R01.
                            let im = h00[p] * r00i[p]
                                + h11[p] * r11i[p]
                                + (h01r[p] * r10i[p] + h01i[p] * r10r[p])
                                + (h01r[p] * r01i[p] - h01i[p] * r01r[p]);
                            g[p] += c2 * im;
                        }
                    }
                }
                Block::Cnot(c, t) => {
                    let (cm, tm) = (1usize << c, 1usize << t);
                    for i in 0..len {
                        if i & cm != 0 && i & tm == 0 {
                            for plane in [&mut *re, &mut *im, &mut *lre, &mut *lim] {
                                swap_rows(plane, b, i, i | tm);
                            }
                        }
                    }
                }
                Block::Engine(_) => {}
            }
        }
        agrad
    }

    /// Writes point `p`'s final state of the last [`Program::forward_batch`] into `state`
    /// (which must have `n_qubits()` qubits; nothing happens otherwise).
    pub fn batch_state(&self, p: usize, state: &mut State) {
        let b = self.batch.b;
        if p >= b || state.n_qubits() != self.n_qubits {
            return;
        }
        let (re, im) = (&self.batch.re, &self.batch.im);
        for (i, a) in state.amplitudes_mut().iter_mut().enumerate() {
            *a = C64::new(re[i * b + p], im[i * b + p]);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::circuit::Program;
    use crate::doc::{CircuitSpec, GateSpec};
    use crate::rng::Rng;
    use crate::sim::{GateKind, State};

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
}
