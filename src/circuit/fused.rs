//! The compiled program's fast path: runs of one-wire primitives fused into one 2×2 matrix per
//! wire, CNOTs swapped in place, and the adjoint backward pass of a fused run done from a 2×2
//! *cross matrix* `R = Σ φ λ†` (summed over the other wires) instead of one state pass per
//! primitive.
//!
//! Why: the playground's circuits are small (2–8 qubits, 4–256 amplitudes) and made mostly of
//! one-wire rotations (a re-uploading layer is RX, RY, Rot = 5 primitives per wire). Applying
//! each primitive through the engine costs a pass over the state plus dispatch; in the backward
//! pass each parametrised primitive cost a state copy, a generator application, an inner
//! product and two inverse applications. With `R` at hand, `⟨λ|A|φ⟩ = Tr(A R)` for any
//! one-wire `A`, and undoing a primitive `U` on both states is `R ← U† R U`: every derivative of
//! a fused run comes from one pass over the states.
//!
//! Only `std`, `num_complex` (via `crate::sim::C64`) and the engine's `State`/`Op` are used; the
//! constant primitives' matrices are read off the engine itself, so the gate definitions stay in
//! `sim`.

use crate::sim::{GateKind, Op, State, C64};

/// A 2×2 complex matrix, row-major.
pub(super) type M2 = [[C64; 2]; 2];

const ZERO: C64 = C64::new(0.0, 0.0);
const ONE: C64 = C64::new(1.0, 0.0);

/// The identity.
pub(super) const ID2: M2 = [[ONE, ZERO], [ZERO, ONE]];

/// How a fusable one-wire primitive depends on its angle, or its fixed matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum OneWire {
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
    pub(super) fn of(op: &Op) -> Option<OneWire> {
        if !op.controls.is_empty() || op.kind.n_wires() != 1 {
            return None;
        }
        match op.kind {
            GateKind::RX => Some(OneWire::Rx),
            GateKind::RY => Some(OneWire::Ry),
            GateKind::RZ => Some(OneWire::Rz),
            GateKind::PhaseShift => Some(OneWire::Phase),
            k if k.n_params() == 0 => fixed_matrix(k).map(OneWire::Fixed),
            _ => None,
        }
    }

    /// The matrix at angle `t`.
    #[inline]
    pub(super) fn matrix(self, t: f64) -> M2 {
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
    pub(super) fn generator(self) -> Option<M2> {
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

#[inline(always)]
fn re(x: f64) -> C64 {
    C64::new(x, 0.0)
}

/// The matrix of a constant one-wire gate, read off the engine (columns = images of |0⟩, |1⟩).
fn fixed_matrix(kind: GateKind) -> Option<M2> {
    let op = Op::new(kind, &[0], &[]).ok()?;
    let image = |basis: usize| -> Option<[C64; 2]> {
        let mut s = State::new(1).ok()?;
        s.amplitudes_mut().swap(0, basis);
        s.apply(&op);
        let a = s.amplitudes();
        Some([a[0], a[1]])
    };
    let (c0, c1) = (image(0)?, image(1)?);
    Some([[c0[0], c1[0]], [c0[1], c1[1]]])
}

/// `a·b`.
#[inline(always)]
pub(super) fn mul(a: &M2, b: &M2) -> M2 {
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
pub(super) fn dagger(a: &M2) -> M2 {
    [
        [a[0][0].conj(), a[1][0].conj()],
        [a[0][1].conj(), a[1][1].conj()],
    ]
}

/// `Tr(h r)`.
#[inline(always)]
pub(super) fn trace_of_product(h: &M2, r: &M2) -> C64 {
    h[0][0] * r[0][0] + h[0][1] * r[1][0] + h[1][0] * r[0][1] + h[1][1] * r[1][1]
}

/// `m·(x, y)` for one amplitude pair.
#[inline(always)]
fn apply_pair(m: &M2, x: C64, y: C64) -> (C64, C64) {
    (m[0][0] * x + m[0][1] * y, m[1][0] * x + m[1][1] * y)
}

/// Applies `m` to bit `t` of the amplitudes.
#[inline]
pub(super) fn apply(amps: &mut [C64], t: usize, m: &M2) {
    let s = 1usize << t;
    for chunk in amps.chunks_exact_mut(2 * s) {
        let (lo, hi) = chunk.split_at_mut(s);
        for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
            (*a, *b) = apply_pair(m, *a, *b);
        }
    }
}

/// Applies `m` to bit `t` of both `phi` and `lambda` (same length) and returns the cross matrix
/// `R[j][k] = Σ φ_j conj(λ_k)` of the states *before* the update.
#[inline]
pub(super) fn cross_and_apply(phi: &mut [C64], lambda: &mut [C64], t: usize, m: &M2) -> M2 {
    let s = 1usize << t;
    let mut r = [[ZERO; 2]; 2];
    for (cp, cl) in phi
        .chunks_exact_mut(2 * s)
        .zip(lambda.chunks_exact_mut(2 * s))
    {
        let (p0, p1) = cp.split_at_mut(s);
        let (l0, l1) = cl.split_at_mut(s);
        for (((a, b), c), d) in p0
            .iter_mut()
            .zip(p1.iter_mut())
            .zip(l0.iter_mut())
            .zip(l1.iter_mut())
        {
            let (x, y, u, v) = (*a, *b, c.conj(), d.conj());
            r[0][0] += x * u;
            r[0][1] += x * v;
            r[1][0] += y * u;
            r[1][1] += y * v;
            (*a, *b) = apply_pair(m, *a, *b);
            (*c, *d) = apply_pair(m, *c, *d);
        }
    }
    r
}

/// The cross matrix `R[j][k] = Σ φ_j conj(λ_k)` on bit `t`, without changing the states.
#[inline]
pub(super) fn cross(phi: &[C64], lambda: &[C64], t: usize) -> M2 {
    let s = 1usize << t;
    let mut r = [[ZERO; 2]; 2];
    for (cp, cl) in phi.chunks_exact(2 * s).zip(lambda.chunks_exact(2 * s)) {
        let (p0, p1) = cp.split_at(s);
        let (l0, l1) = cl.split_at(s);
        for (((x, y), u), v) in p0.iter().zip(p1).zip(l0).zip(l1) {
            let (u, v) = (u.conj(), v.conj());
            r[0][0] += x * u;
            r[0][1] += x * v;
            r[1][0] += y * u;
            r[1][1] += y * v;
        }
    }
    r
}

/// CNOT with control bit `c` and target bit `t` (self-inverse).
#[inline]
pub(super) fn cnot(amps: &mut [C64], c: usize, t: usize) {
    let (lo, hi) = if c < t { (c, t) } else { (t, c) };
    let cm = 1usize << c;
    let tm = 1usize << t;
    let low_lo = (1usize << lo) - 1;
    let low_hi = (1usize << hi) - 1;
    for k in 0..amps.len() >> 2 {
        // Insert zero bits at `lo`, then at `hi`.
        let x = ((k & !low_lo) << 1) | (k & low_lo);
        let x = ((x & !low_hi) << 1) | (x & low_hi);
        let i = x | cm;
        amps.swap(i, i | tm);
    }
}

/// Writes the product state `⊗_w v_w` into `amps` (wire 0 most significant), where `v_w` is the
/// first column of `cols[w]` (the image of |0⟩), or |0⟩ for wires without a matrix.
pub(super) fn product_state(amps: &mut [C64], cols: &[Option<M2>]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn engine_matrix(op: &Op) -> M2 {
        let image = |basis: usize| {
            let mut s = State::new(1).unwrap();
            s.amplitudes_mut().swap(0, basis);
            s.apply(op);
            [s.amplitudes()[0], s.amplitudes()[1]]
        };
        let (c0, c1) = (image(0), image(1));
        [[c0[0], c1[0]], [c0[1], c1[1]]]
    }

    #[test]
    fn one_wire_matrices_match_the_engine() {
        for &kind in GateKind::all() {
            if kind.n_wires() != 1 || kind.n_params() > 1 {
                continue;
            }
            for t in [-2.7, -0.3, 0.0, 0.9, 3.1] {
                let params: Vec<f64> = vec![t; kind.n_params()];
                let op = Op::new(kind, &[0], &params).unwrap();
                let form = OneWire::of(&op).expect("fusable");
                let (a, b) = (form.matrix(t), engine_matrix(&op));
                for i in 0..2 {
                    for j in 0..2 {
                        assert!((a[i][j] - b[i][j]).norm() < 1e-15, "{kind:?}({t})");
                    }
                }
            }
        }
    }

    #[test]
    fn cnot_and_product_state_match_the_engine() {
        let n = 4;
        let mut s = State::new(n).unwrap();
        for (w, t) in [(0, 0.3), (1, -1.1), (2, 2.0), (3, 0.7)] {
            s.apply(&Op::new(GateKind::RY, &[w], &[t]).unwrap());
            s.apply(&Op::new(GateKind::RZ, &[w], &[t * 0.5]).unwrap());
        }
        let mut amps = vec![ZERO; 16];
        let cols: Vec<Option<M2>> = [(0.3), (-1.1), (2.0), (0.7)]
            .iter()
            .map(|&t: &f64| Some(mul(&OneWire::Rz.matrix(t * 0.5), &OneWire::Ry.matrix(t))))
            .collect();
        product_state(&mut amps, &cols);
        for (a, b) in amps.iter().zip(s.amplitudes()) {
            assert!((a - b).norm() < 1e-15);
        }
        for (c, t) in [(0, 1), (1, 0), (3, 1), (0, 3), (2, 3)] {
            s.apply(&Op::new(GateKind::CNOT, &[c, t], &[]).unwrap());
            cnot(&mut amps, n - 1 - c, n - 1 - t);
            for (a, b) in amps.iter().zip(s.amplitudes()) {
                assert!((a - b).norm() < 1e-15);
            }
        }
    }
}
