//! Gate kernels on a raw amplitude slice. Everything here works with *bit positions*
//! (wire `w` of `n` is bit `n−1−w`) and with control *masks*.
//!
//! Two walkers carry all gates: [`pairs`] visits every amplitude pair that differs in one target
//! bit, [`quads`] every quadruple that differs in two bits. Without controls they walk the state
//! in contiguous blocks (`chunks_exact_mut` + `split_at_mut` + `zip`) so the per-pair closure is
//! inlined into a branch-free, vectorisable loop; with controls they enumerate only the index runs
//! whose control bits are set (zero bits inserted at the fixed positions), never touching the rest.

use super::gate::GateKind;
use super::C64;

/// A 2×2 matrix, row-major.
pub(crate) type M2 = [[C64; 2]; 2];

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
/// On x86-64 CPUs with AVX2 the same kernels run compiled for AVX2 (chosen at run time); the
/// arithmetic is identical (no fused multiply-add contraction), so results are bit-for-bit equal.
pub(crate) fn apply_action(amps: &mut [C64], action: Action, ctrl: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { apply_action_avx2(amps, action, ctrl) };
            return;
        }
    }
    apply_action_impl(amps, action, ctrl)
}

/// [`apply_action_impl`] compiled with AVX2 enabled.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn apply_action_avx2(amps: &mut [C64], action: Action, ctrl: usize) {
    apply_action_impl(amps, action, ctrl)
}

#[inline(always)]
fn apply_action_impl(amps: &mut [C64], action: Action, ctrl: usize) {
    match action {
        Action::RealMat([[m00, m01], [m10, m11]], t) => pairs(amps, t, ctrl, move |a, b| {
            let (x, y) = (*a, *b);
            *a = C64::new(m00 * x.re + m01 * y.re, m00 * x.im + m01 * y.im);
            *b = C64::new(m10 * x.re + m11 * y.re, m10 * x.im + m11 * y.im);
        }),
        Action::Mat(m, t) => {
            let [[m00, m01], [m10, m11]] = m.map(|row| row.map(Lanes::new));
            pairs(amps, t, ctrl, move |a, b| {
                let (x, y) = (*a, *b);
                *a = m00.mul_add2(x, m01, y);
                *b = m10.mul_add2(x, m11, y);
            })
        }
        Action::Rx(co, s, t) => pairs(amps, t, ctrl, move |a, b| {
            let (x, y) = (*a, *b);
            *a = cos_misin(co, s, x, y);
            *b = cos_misin(co, s, y, x);
        }),
        Action::Diag(d0, d1, t) => {
            let (d0, d1) = (Lanes::new(d0), Lanes::new(d1));
            pairs(amps, t, ctrl, move |a, b| {
                *a = d0.mul(*a);
                *b = d1.mul(*b);
            })
        }
        Action::Phase(d1, t) => phase(amps, t, ctrl, d1),
        Action::X(t) => pairs(amps, t, ctrl, std::mem::swap),
        Action::Y(t) => pairs(amps, t, ctrl, |a, b| {
            let (x, y) = (*a, *b);
            // Y = [[0, −i], [i, 0]]
            *a = c(y.im, -y.re);
            *b = c(-x.im, x.re);
        }),
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

/// c·x − i·s·y, without a general complex product.
#[inline(always)]
fn cos_misin(co: f64, s: f64, x: C64, y: C64) -> C64 {
    C64::new(co * x.re + s * y.im, co * x.im - s * y.re)
}

/// A complex factor laid out for lane-wise (2×f64 SIMD-friendly) multiplication:
/// m·x = [m.re, m.re]·[x.re, x.im] + [−m.im, m.im]·[x.im, x.re].
#[derive(Clone, Copy, Debug)]
struct Lanes {
    re: [f64; 2],
    im: [f64; 2],
}

impl Lanes {
    #[inline(always)]
    fn new(m: C64) -> Lanes {
        Lanes {
            re: [m.re, m.re],
            im: [-m.im, m.im],
        }
    }

    /// self·x
    #[inline(always)]
    fn mul(self, x: C64) -> C64 {
        let v = [x.re, x.im];
        let w = [x.im, x.re];
        C64::new(
            self.re[0] * v[0] + self.im[0] * w[0],
            self.re[1] * v[1] + self.im[1] * w[1],
        )
    }

    /// self·x + other·y
    #[inline(always)]
    fn mul_add2(self, x: C64, other: Lanes, y: C64) -> C64 {
        let (v, w) = ([x.re, x.im], [x.im, x.re]);
        let (p, q) = ([y.re, y.im], [y.im, y.re]);
        C64::new(
            (self.re[0] * v[0] + self.im[0] * w[0]) + (other.re[0] * p[0] + other.im[0] * q[0]),
            (self.re[1] * v[1] + self.im[1] * w[1]) + (other.re[1] * p[1] + other.im[1] * q[1]),
        )
    }
}

/// Multiplies the amplitudes with bit `t` set (and all `ctrl` bits set) by `d`.
#[inline(always)]
fn phase(amps: &mut [C64], t: usize, ctrl: usize, d: C64) {
    let d = Lanes::new(d);
    if ctrl == 0 {
        let s = 1usize << t;
        for chunk in amps.chunks_exact_mut(2 * s) {
            for a in &mut chunk[s..] {
                *a = d.mul(*a);
            }
        }
    } else {
        // Treat the target as one more control: every amplitude in the runs gets the phase.
        let m = ctrl | (1 << t);
        for_each_run(amps.len(), m, m, |base, run| {
            for a in &mut amps[base..base + run] {
                *a = d.mul(*a);
            }
        });
    }
}

/// Calls `f(base, run)` for every contiguous run `base..base+run` of indices whose bits in `fixed`
/// are zero except those in `set` (a subset of `fixed`), which are one.
#[inline(always)]
fn for_each_run(len: usize, fixed: usize, set: usize, mut f: impl FnMut(usize, usize)) {
    let mut pos = [0u32; usize::BITS as usize];
    let mut k = 0;
    let mut m = fixed;
    while m != 0 {
        pos[k] = m.trailing_zeros();
        k += 1;
        m &= m - 1;
    }
    let p0 = pos[0];
    let run = 1usize << p0;
    let count = len >> (k as u32 + p0);
    let rest = &pos[1..k];
    for o in 0..count {
        let mut x = o << (p0 + 1);
        for &p in rest {
            let low = (1usize << p) - 1;
            x = ((x & !low) << 1) | (x & low);
        }
        f(x | set, run);
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
