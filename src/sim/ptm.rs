//! The density matrix in the Pauli basis: the fast path of the density-matrix engine.
//!
//! ρ = 2⁻ⁿ Σ_P r_P·P over the 4ⁿ Pauli strings P, with r_P = Tr(Pρ) real: a real vector of 4ⁿ
//! entries indexed by base-4 digits (wire 0 most significant; digit 0 = I, 1 = X, 2 = Y, 3 = Z).
//! An operation on k wires acts on groups of 4ᵏ entries through its real Pauli transfer matrix
//! T[P][Q] = 2⁻ᵏ Tr(P·E(Q)), orthogonal for a gate: rotations of (X, Y, Z) for one-wire gates,
//! a signed permutation for CNOT, CZ, SWAP; all five channels are 4×4 maps with a closed form.
//! ⟨P⟩ is the entry r_P itself.
//!
//! Operations are **fused** before they run: a run of one-wire gates and channels on a wire
//! becomes one 4×4 step, and a channel joins the last step that touched its wire (operations on
//! other wires commute with it). The W5 circuit (per layer and qubit RX, channel, RY, channel,
//! Rot, channel; a CNOT ring with a channel on both wires) becomes 4 one-wire and 4 two-wire
//! steps per layer. The gradient of a step's parameters comes from one pass accumulating
//! S = Σ_groups λ_g r_gᵀ (λ: the observable carried back, r: the state before the step):
//! ∂⟨O⟩/∂θ = ⟨∂T/∂θ, S⟩, with ∂T/∂θ a product of 4×4 matrices computed once per step.
//!
//! Gates on more than two wires (Toffoli, CSWAP, gates with two or more extra controls) are not
//! compiled here: [`compile`] returns `None` and the engine uses the complex representation.

use super::channel::{ChannelKind, Mat2};
use super::noisy::{validate_op, NoisyOp};
use super::{GateKind, Observable, Op, Pauli, PauliString, SimError, State, C64};
use std::sync::OnceLock;

/// A real 4×4 matrix, row-major.
pub(crate) type M4 = [[f64; 4]; 4];

const I4: M4 = [
    [1.0, 0.0, 0.0, 0.0],
    [0.0, 1.0, 0.0, 0.0],
    [0.0, 0.0, 1.0, 0.0],
    [0.0, 0.0, 0.0, 1.0],
];

/// a·b (rows of b combined, so the inner loop is one 4-wide vector operation).
fn mul4(a: &M4, b: &M4) -> M4 {
    let mut m = [[0.0; 4]; 4];
    for (row, arow) in m.iter_mut().zip(a) {
        for (x, brow) in arow.iter().zip(b) {
            for (v, y) in row.iter_mut().zip(brow) {
                *v += x * y;
            }
        }
    }
    m
}

/// a·b for a channel's matrix `a`: diagonal (every kind but amplitude damping) scales rows.
fn mul4_channel(a: &M4, b: &M4) -> M4 {
    let diagonal = (0..4).all(|i| (0..4).all(|j| i == j || a[i][j] == 0.0));
    if !diagonal {
        return mul4(a, b);
    }
    let mut m = *b;
    for (i, row) in m.iter_mut().enumerate() {
        row.iter_mut().for_each(|v| *v *= a[i][i]);
    }
    m
}

fn transpose4(a: &M4) -> M4 {
    let mut m = [[0.0; 4]; 4];
    for (i, row) in a.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            m[j][i] = *v;
        }
    }
    m
}

/// Row 0 and column 0 are e₀: the map keeps Tr ρ and sends I/2ⁿ to itself.
fn is_unital(m: &M4) -> bool {
    m[0] == [1.0, 0.0, 0.0, 0.0] && (1..4).all(|i| m[i][0] == 0.0)
}

/// Row 0 and column 0 are zero (the derivative of a unital, trace-preserving map).
fn is_unital_derivative(m: &M4) -> bool {
    m[0] == [0.0; 4] && (1..4).all(|i| m[i][0] == 0.0)
}

/// The Pauli matrices I, X, Y, Z.
pub(crate) fn sigma(k: usize) -> Mat2 {
    let (z, o, i) = (C64::new(0.0, 0.0), C64::new(1.0, 0.0), C64::new(0.0, 1.0));
    match k {
        0 => [[o, z], [z, o]],
        1 => [[z, o], [o, z]],
        2 => [[z, -i], [i, z]],
        _ => [[o, z], [z, -o]],
    }
}

fn mat2_mul(a: &Mat2, b: &Mat2) -> Mat2 {
    let mut m = [[C64::new(0.0, 0.0); 2]; 2];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = a[i][0] * b[0][j] + a[i][1] * b[1][j];
        }
    }
    m
}

fn mat2_dagger(a: &Mat2) -> Mat2 {
    [
        [a[0][0].conj(), a[1][0].conj()],
        [a[0][1].conj(), a[1][1].conj()],
    ]
}

/// T[P][Q] = ½ Re Tr(σ_P Σₖ Kₖ σ_Q Kₖ†) for one-wire Kraus operators (a unitary is one).
pub(crate) fn ptm_of_kraus(ks: &[Mat2]) -> M4 {
    let mut t = [[0.0; 4]; 4];
    for q in 0..4 {
        let mut e = [[C64::new(0.0, 0.0); 2]; 2];
        for k in ks {
            let m = mat2_mul(&mat2_mul(k, &sigma(q)), &mat2_dagger(k));
            for i in 0..2 {
                for j in 0..2 {
                    e[i][j] += m[i][j];
                }
            }
        }
        for (p, row) in t.iter_mut().enumerate() {
            let m = mat2_mul(&sigma(p), &e);
            row[q] = (m[0][0] + m[1][1]).re / 2.0;
        }
    }
    t
}

/// The transfer matrix of a channel, in closed form (`channel_ptms_match_kraus` checks it).
pub(crate) fn channel_ptm(kind: ChannelKind, s: f64) -> M4 {
    let diag = |x: f64, y: f64, z: f64| {
        let mut m = I4;
        m[1][1] = x;
        m[2][2] = y;
        m[3][3] = z;
        m
    };
    match kind {
        ChannelKind::DepolarizingChannel => {
            let d = 1.0 - 4.0 * s / 3.0;
            diag(d, d, d)
        }
        ChannelKind::BitFlip => diag(1.0, 1.0 - 2.0 * s, 1.0 - 2.0 * s),
        ChannelKind::PhaseFlip => diag(1.0 - 2.0 * s, 1.0 - 2.0 * s, 1.0),
        ChannelKind::AmplitudeDamping => {
            let d = (1.0 - s).sqrt();
            let mut m = diag(d, d, 1.0 - s);
            m[3][0] = s;
            m
        }
        ChannelKind::PhaseDamping => {
            let d = (1.0 - s).sqrt();
            diag(d, d, 1.0)
        }
    }
}

/// The rotation by `t` about `axis` (1 = X, 2 = Y, 3 = Z), the transfer matrix of RX/RY/RZ(t),
/// and its derivative in t.
fn rotation(axis: usize, t: f64) -> (M4, M4) {
    let (s, c) = t.sin_cos();
    // RX turns Y towards Z, RY turns Z towards X, RZ turns X towards Y.
    let (i, j) = match axis {
        1 => (2, 3),
        2 => (3, 1),
        _ => (1, 2),
    };
    let mut m = I4;
    m[i][i] = c;
    m[j][i] = s;
    m[i][j] = -s;
    m[j][j] = c;
    let mut d = [[0.0; 4]; 4];
    d[i][i] = -s;
    d[j][i] = c;
    d[i][j] = -c;
    d[j][j] = -s;
    (m, d)
}

/// The (i, j) rows a rotation about `axis` turns (i towards j), as in [`rotation`].
fn rotation_rows(axis: usize) -> (usize, usize) {
    match axis {
        1 => (2, 3),
        2 => (3, 1),
        _ => (1, 2),
    }
}

/// m ← R·m for the rotation turning row i towards row j by (cos, sin) = (c, s).
#[inline]
fn rotate_rows(m: &mut M4, i: usize, j: usize, c: f64, s: f64) {
    let (a, b) = (m[i], m[j]);
    for col in 0..4 {
        m[i][col] = c * a[col] - s * b[col];
        m[j][col] = s * a[col] + c * b[col];
    }
}

/// m ← (∂R/∂θ)·t for the same rotation (`m` zero: only rows i and j are non-zero).
#[inline]
fn rotation_derivative_into(t: &M4, m: &mut M4, i: usize, j: usize, c: f64, s: f64) {
    for col in 0..4 {
        m[i][col] = -s * t[i][col] - c * t[j][col];
        m[j][col] = c * t[i][col] - s * t[j][col];
    }
}

/// A one-wire gate made of rotations, in the order they act: (axis, angle, index of the gate
/// parameter it is), as [`one_gate`] builds the same kinds; `None` for other kinds.
#[allow(clippy::type_complexity)]
fn rotations(kind: GateKind, p: [f64; 3]) -> Option<([(usize, f64, Option<usize>); 3], usize)> {
    let z = (0, 0.0, None);
    Some(match kind {
        GateKind::RX => ([(1, p[0], Some(0)), z, z], 1),
        GateKind::RY => ([(2, p[0], Some(0)), z, z], 1),
        GateKind::RZ | GateKind::PhaseShift => ([(3, p[0], Some(0)), z, z], 1),
        // Rot(a, b, c) = RZ(c)·RY(b)·RZ(a).
        GateKind::Rot => (
            [(3, p[0], Some(0)), (2, p[1], Some(1)), (3, p[2], Some(2))],
            3,
        ),
        // U3(θ, φ, λ) = PhaseShift(φ)·RY(θ)·PhaseShift(λ).
        GateKind::U3 => (
            [(3, p[2], Some(2)), (2, p[0], Some(0)), (3, p[1], Some(1))],
            3,
        ),
        _ => return None,
    })
}

/// The 2×2 matrix of a one-wire, uncontrolled op (read off the statevector engine).
fn unitary1(kind: GateKind, params: [f64; 3]) -> Mat2 {
    let op = Op {
        kind,
        wires: vec![0],
        controls: Vec::new(),
        params,
    };
    let mut u = [[C64::new(0.0, 0.0); 2]; 2];
    for col in 0..2 {
        let mut amps = vec![C64::new(0.0, 0.0); 2];
        amps[col] = C64::new(1.0, 0.0);
        if let Ok(mut s) = State::from_amplitudes(amps) {
            s.apply(&op);
            for (row, a) in s.amplitudes().iter().enumerate() {
                u[row][col] = *a;
            }
        }
    }
    u
}

/// Transfer matrices of the parameter-free one-wire kinds, computed once.
fn fixed_one(kind: GateKind) -> M4 {
    static TABLE: OnceLock<Vec<(GateKind, M4)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        GateKind::all()
            .iter()
            .filter(|k| k.is_single_qubit() && k.n_params() == 0)
            .map(|&k| (k, ptm_of_kraus(&[unitary1(k, [0.0; 3])])))
            .collect()
    });
    table
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(I4, |(_, m)| *m)
}

/// A one-wire, uncontrolled gate: its transfer matrix and ∂T/∂θ for each parameter.
fn one_gate(kind: GateKind, p: [f64; 3]) -> (M4, [M4; 3], usize) {
    let z = [[0.0; 4]; 4];
    match kind {
        GateKind::RX | GateKind::RY | GateKind::RZ | GateKind::PhaseShift => {
            let axis = match kind {
                GateKind::RX => 1,
                GateKind::RY => 2,
                _ => 3,
            };
            let (m, d) = rotation(axis, p[0]);
            (m, [d, z, z], 1)
        }
        // Rot(a, b, c) = RZ(c)·RY(b)·RZ(a).
        GateKind::Rot => {
            let (ra, da) = rotation(3, p[0]);
            let (rb, db) = rotation(2, p[1]);
            let (rc, dc) = rotation(3, p[2]);
            let cb = mul4(&rc, &rb);
            (
                mul4(&cb, &ra),
                [
                    mul4(&cb, &da),
                    mul4(&mul4(&rc, &db), &ra),
                    mul4(&mul4(&dc, &rb), &ra),
                ],
                3,
            )
        }
        // U3(θ, φ, λ) = PhaseShift(φ)·RY(θ)·PhaseShift(λ); a phase shift turns like RZ.
        GateKind::U3 => {
            let (rt, dt) = rotation(2, p[0]);
            let (rp, dp) = rotation(3, p[1]);
            let (rl, dl) = rotation(3, p[2]);
            let pt = mul4(&rp, &rt);
            (
                mul4(&pt, &rl),
                [
                    mul4(&mul4(&rp, &dt), &rl),
                    mul4(&mul4(&dp, &rt), &rl),
                    mul4(&pt, &dl),
                ],
                3,
            )
        }
        k => (fixed_one(k), [z, z, z], 0),
    }
}

// ---------------------------------------------------------------------------------------------
// Two-wire transfer matrices.

/// A 16×16 real matrix: a scaled signed permutation (one entry per row: CNOT, CZ, SWAP with
/// Pauli channels), stored without allocating, or (row, column, value) entries.
#[derive(Clone, Debug)]
pub(crate) enum Sparse16 {
    /// out[k] = val[k]·v[src[k]].
    Perm([u8; 16], [f64; 16]),
    /// out[i] += x·v[j] for every (i, j, x).
    Entries(Vec<(u8, u8, f64)>),
}

type M16 = [[f64; 16]; 16];

impl Sparse16 {
    fn from_dense(m: &M16) -> Sparse16 {
        let mut e = Vec::new();
        for (i, row) in m.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                // Entries of rounding size are products of exact zeros with rounded matrix
                // elements (a 2·10⁻¹⁶ leftover in a trace); dropping them moves results by less.
                if v.abs() > 1e-14 {
                    e.push((i as u8, j as u8, v));
                }
            }
        }
        if e.len() == 16 && e.iter().enumerate().all(|(k, t)| t.0 as usize == k) {
            let mut src = [0u8; 16];
            let mut val = [0.0; 16];
            for (k, &(_, j, v)) in e.iter().enumerate() {
                src[k] = j;
                val[k] = v;
            }
            return Sparse16::Perm(src, val);
        }
        Sparse16::Entries(e)
    }

    fn entries(&self) -> Vec<(u8, u8, f64)> {
        match self {
            Sparse16::Perm(src, val) => (0..16).map(|k| (k as u8, src[k], val[k])).collect(),
            Sparse16::Entries(e) => e.clone(),
        }
    }

    fn transpose(&self) -> Sparse16 {
        if let Sparse16::Perm(src, val) = self {
            // A permutation matrix's transpose is its inverse: row src[k] reads k.
            let (mut s2, mut v2) = ([0u8; 16], [0.0; 16]);
            for k in 0..16 {
                s2[src[k] as usize] = k as u8;
                v2[src[k] as usize] = val[k];
            }
            return Sparse16::Perm(s2, v2);
        }
        let mut m = [[0.0; 16]; 16];
        for (i, j, v) in self.entries() {
            m[j as usize][i as usize] = v;
        }
        Sparse16::from_dense(&m)
    }

    /// `out` ← selfᵀ, in place when both are permutations (the CNOT steps of a reused
    /// program): no 150-byte value built and moved.
    fn transpose_into(&self, out: &mut Sparse16) {
        let Sparse16::Perm(src, val) = self else {
            *out = self.transpose();
            return;
        };
        if !matches!(out, Sparse16::Perm(..)) {
            *out = Sparse16::Perm([0; 16], [0.0; 16]);
        }
        if let Sparse16::Perm(s2, v2) = out {
            // As `transpose`; `& 15`: src holds column indices below 16, no bounds check.
            for k in 0..16 {
                let row = (src[k] & 15) as usize;
                s2[row] = k as u8;
                v2[row] = val[k];
            }
        }
    }

    /// self ← (Pa ⊗ Pb)·self ([`after`](Sparse16::after)), in place for a permutation and
    /// diagonal maps (Pauli channels after CNOT, CZ, SWAP).
    fn apply_after(&mut self, post: &[Option<M4>; 2]) {
        if post.iter().all(Option::is_none) {
            return;
        }
        let (pa, pb) = (post[0].unwrap_or(I4), post[1].unwrap_or(I4));
        let diagonal = |m: &M4| (0..4).all(|i| (0..4).all(|j| i == j || m[i][j] == 0.0));
        if let (Sparse16::Perm(_, val), true, true) = (&mut *self, diagonal(&pa), diagonal(&pb)) {
            // The products of `after`, in its order.
            for (k, v) in val.iter_mut().enumerate() {
                *v *= pa[k / 4][k / 4] * pb[k % 4][k % 4];
            }
            return;
        }
        *self = self.after(post);
    }

    /// (Pa ⊗ Pb)·self for one-wire maps on the high (a) and low (b) digit.
    fn after(&self, post: &[Option<M4>; 2]) -> Sparse16 {
        if post.iter().all(Option::is_none) {
            return self.clone();
        }
        let (pa, pb) = (post[0].unwrap_or(I4), post[1].unwrap_or(I4));
        let diagonal = |m: &M4| (0..4).all(|i| (0..4).all(|j| i == j || m[i][j] == 0.0));
        if let (Sparse16::Perm(src, val), true, true) = (self, diagonal(&pa), diagonal(&pb)) {
            let mut v2 = *val;
            for (k, v) in v2.iter_mut().enumerate() {
                *v *= pa[k / 4][k / 4] * pb[k % 4][k % 4];
            }
            return Sparse16::Perm(*src, v2);
        }
        let mut m = [[0.0; 16]; 16];
        for (i, j, v) in self.entries() {
            let (ia, ib) = (i as usize / 4, i as usize % 4);
            for (ra, row_a) in pa.iter().enumerate() {
                if row_a[ia] == 0.0 {
                    continue;
                }
                for (rb, row_b) in pb.iter().enumerate() {
                    if row_b[ib] != 0.0 {
                        m[ra * 4 + rb][j as usize] += v * row_a[ia] * row_b[ib];
                    }
                }
            }
        }
        Sparse16::from_dense(&m)
    }

    #[inline(always)]
    fn apply(&self, v: &[f64; 16]) -> [f64; 16] {
        let mut out = [0.0; 16];
        match self {
            Sparse16::Perm(src, val) => {
                for ((o, &s), x) in out.iter_mut().zip(src).zip(val) {
                    *o = x * v[(s & 15) as usize];
                }
            }
            Sparse16::Entries(e) => {
                for &(i, j, x) in e {
                    out[(i & 15) as usize] += x * v[(j & 15) as usize];
                }
            }
        }
        out
    }
}

/// The two local wires of a two-wire op, first = high digit: (control, target) for a one-wire
/// kind with one extra control, else the op's own wires.
fn local_wires(op: &Op) -> (usize, usize) {
    if op.kind.is_single_qubit() {
        (op.controls[0], op.wires[0])
    } else {
        (op.wires[0], op.wires[1])
    }
}

/// `op` (two wires in total) remapped to wires 0 and 1 in [`local_wires`] order.
fn local_op(op: &Op, kind: GateKind, params: [f64; 3]) -> Op {
    let (a, _) = local_wires(op);
    let map = |w: usize| usize::from(w != a);
    Op {
        kind,
        wires: op.wires.iter().map(|&w| map(w)).collect(),
        controls: op.controls.iter().map(|&w| map(w)).collect(),
        params,
    }
}

type M4c = [[C64; 4]; 4];

/// The 4×4 matrix of a local two-wire op, column k = op applied to |k⟩ (or its generator).
fn unitary2(op: &Op, generator: bool) -> M4c {
    let mut u = [[C64::new(0.0, 0.0); 4]; 4];
    for col in 0..4 {
        let mut amps = vec![C64::new(0.0, 0.0); 4];
        amps[col] = C64::new(1.0, 0.0);
        if let Ok(mut s) = State::from_amplitudes(amps) {
            if generator {
                s.apply_generator(op);
            } else {
                s.apply(op);
            }
            for (row, a) in s.amplitudes().iter().enumerate() {
                u[row][col] = *a;
            }
        }
    }
    u
}

/// σ_P|i⟩ = ph(i)·|π(i)⟩ for the two-wire Pauli P = σ_a ⊗ σ_b (a high).
fn pauli2(p: usize) -> ([usize; 4], [C64; 4]) {
    let (a, b) = (sigma(p / 4), sigma(p % 4));
    let mut perm = [0; 4];
    let mut ph = [C64::new(0.0, 0.0); 4];
    for i in 0..4 {
        let (ia, ib) = (i / 2, i % 2);
        // Each Pauli has one non-zero per column.
        let ra = (0..2).find(|&r| a[r][ia].norm_sqr() > 0.0).unwrap_or(0);
        let rb = (0..2).find(|&r| b[r][ib].norm_sqr() > 0.0).unwrap_or(0);
        perm[i] = ra * 2 + rb;
        ph[i] = a[ra][ia] * b[rb][ib];
    }
    (perm, ph)
}

/// T[P][Q] = ¼ Re Tr(σ_P A σ_Q B†) (A = B = U: the transfer matrix; A = U′, B = U, doubled:
/// its derivative).
fn ptm16(a: &M4c, b: &M4c, scale: f64) -> M16 {
    let paulis: Vec<([usize; 4], [C64; 4])> = (0..16).map(pauli2).collect();
    let mut t = [[0.0; 16]; 16];
    for q in 0..16 {
        let (pq, hq) = &paulis[q];
        // (A σ_Q)[r][i] = A[r][π_Q(i)] ph_Q(i)... column i of σ_Q is ph_Q(i)|π_Q(i)⟩.
        let mut aq = [[C64::new(0.0, 0.0); 4]; 4];
        for r in 0..4 {
            for i in 0..4 {
                aq[r][i] = a[r][pq[i]] * hq[i];
            }
        }
        let mut m = [[C64::new(0.0, 0.0); 4]; 4];
        for r in 0..4 {
            for c in 0..4 {
                m[r][c] = (0..4).map(|i| aq[r][i] * b[c][i].conj()).sum();
            }
        }
        for (p, (pp, hp)) in paulis.iter().enumerate() {
            // Tr(σ_P M) = Σ_i ph_P(i) M[i][π_P(i)]
            let tr: C64 = (0..4).map(|i| hp[i] * m[i][pp[i]]).sum();
            t[p][q] = scale * tr.re / 4.0;
        }
    }
    t
}

fn mul16(a: &M16, b: &M16) -> M16 {
    let mut m = [[0.0; 16]; 16];
    for i in 0..16 {
        for k in 0..16 {
            let x = a[i][k];
            if x != 0.0 {
                for j in 0..16 {
                    m[i][j] += x * b[k][j];
                }
            }
        }
    }
    m
}

/// Transfer matrices of the parameter-free two-wire ops (CNOT, CZ, CY, SWAP and the fixed
/// one-wire kinds with one control), computed once, into `out`.
fn fixed_two_into(kind: GateKind, out: &mut Sparse16) {
    static TABLE: OnceLock<Vec<(GateKind, Sparse16)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        GateKind::all()
            .iter()
            .filter(|k| k.n_params() == 0 && k.n_wires() <= 2)
            .map(|&k| {
                let op = if k.is_single_qubit() {
                    Op {
                        kind: k,
                        wires: vec![1],
                        controls: vec![0],
                        params: [0.0; 3],
                    }
                } else {
                    Op {
                        kind: k,
                        wires: vec![0, 1],
                        controls: Vec::new(),
                        params: [0.0; 3],
                    }
                };
                let u = unitary2(&op, false);
                (k, Sparse16::from_dense(&ptm16(&u, &u, 1.0)))
            })
            .collect()
    });
    match table.iter().find(|(k, _)| *k == kind) {
        Some((_, m)) => out.clone_from(m),
        None => *out = Sparse16::Entries(Vec::new()),
    }
}

/// A two-wire gate with parameters: T and ∂T/∂θ per parameter (dense), via its primitives.
fn two_gate_with_params(op: &Op) -> (M16, Vec<M16>) {
    let (prims, count) = super::noisy::primitives(op);
    let mut ts: Vec<M16> = Vec::with_capacity(count);
    let mut ds: Vec<Option<(usize, M16)>> = Vec::with_capacity(count);
    for &(kind, params, local) in &prims[..count] {
        let lop = local_op(op, kind, params);
        let u = unitary2(&lop, false);
        ts.push(ptm16(&u, &u, 1.0));
        ds.push(match (local, lop.generator()) {
            (Some(i), Some(c)) => {
                // U′ = −i·c·G·U
                let g = unitary2(&lop, true);
                let mut du = [[C64::new(0.0, 0.0); 4]; 4];
                for r in 0..4 {
                    for col in 0..4 {
                        let gu: C64 = (0..4).map(|k| g[r][k] * u[k][col]).sum();
                        du[r][col] = C64::new(0.0, -c) * gu;
                    }
                }
                Some((i, ptm16(&du, &u, 2.0)))
            }
            _ => None,
        });
    }
    let product = |from: usize, to: usize, mid: Option<&M16>| {
        // ts[to−1] ⋯ ts[from], with ts[from] replaced by `mid` if given.
        let mut m = mid.copied().unwrap_or(ts[from]);
        for t in &ts[from + 1..to] {
            m = mul16(t, &m);
        }
        m
    };
    let t = product(0, count, None);
    let mut d = vec![[[0.0; 16]; 16]; op.kind.n_params()];
    for (k, dk) in ds.iter().enumerate() {
        if let Some((i, dm)) = dk {
            let mut m = product(k, count, Some(dm));
            if k > 0 {
                m = mul16(&m, &product(0, k, None));
            }
            d[*i] = m;
        }
    }
    (t, d)
}

// ---------------------------------------------------------------------------------------------
// Compiled programs.

/// One fused step of a compiled program.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// A 4×4 map on one wire, with ∂T/∂θ for the gate parameters it holds.
    One {
        /// The wire.
        wire: usize,
        /// The transfer matrix.
        t: M4,
        /// Its transpose.
        tt: M4,
        /// (gradient index, ∂T/∂θ).
        d: Vec<(usize, M4)>,
        /// True if a channel is fused in (not invertible).
        barrier: bool,
        /// True if the map and every ∂T/∂θ leave the I component alone and never feed it
        /// (row 0 and column 0 of T are e₀, of every ∂T/∂θ zero): every gate and every channel
        /// but amplitude damping. Its backward step is one fused 3×3 pass ([`backward`]).
        unital: bool,
    },
    /// A two-wire map (a gate, then any channels fused in on its wires).
    Two {
        /// The local wires, first = high digit.
        a: usize,
        /// The second local wire.
        b: usize,
        /// The gate's transfer matrix.
        t: Sparse16,
        /// Its transpose.
        tt: Sparse16,
        /// (gradient index, ∂T/∂θ).
        d: Vec<(usize, Sparse16)>,
        /// True if a channel is fused in.
        barrier: bool,
    },
}

impl Step {
    pub(crate) fn barrier(&self) -> bool {
        match self {
            Step::One { barrier, .. } | Step::Two { barrier, .. } => *barrier,
        }
    }
}

/// Applies the pending depolarizing factor `f` of a one-wire step (rows X, Y, Z of T and of
/// every ∂T/∂θ times f) and resets it to 1. A depolarizing channel's transfer matrix is
/// diag(1, f, f, f): it commutes with every gate's (the I row and column are e₀, the rest a
/// rotation) and every gate derivative's (zero I row and column), so the channels of a step can
/// wait and be applied once. Any other channel applies them first.
fn flush_scale(f: &mut f64, t: &mut M4, d: &mut [(usize, M4)]) {
    if *f == 1.0 {
        return;
    }
    for m in std::iter::once(t).chain(d.iter_mut().map(|(_, m)| m)) {
        for row in &mut m[1..] {
            row.iter_mut().for_each(|v| *v *= *f);
        }
    }
    *f = 1.0;
}

/// A compiled program: the fused steps of a circuit, compiled by [`Program::compile`] into the
/// buffers of the previous one. Steps past the program's length are spare, kept so that the
/// next circuit reuses their ∂T/∂θ lists (an engine compiles one circuit per call, mostly of
/// the same shape): no allocation per call once the shapes repeat.
#[derive(Default)]
pub(crate) struct Program {
    steps: Vec<Step>,
    len: usize,
    // Scratch, per wire: the last step that touched it.
    last: Vec<Option<usize>>,
    // Scratch, per step: channels fused into a two-wire step (maps after the gate on wire a
    // and b).
    posts: Vec<[Option<M4>; 2]>,
    // Scratch, per step: depolarizing channels fused into a one-wire step, the product of their
    // factors, not yet applied (see `flush_scale`).
    scale: Vec<f64>,
    // The gate parameters of the last circuit compiled (its gradient's length).
    n_params: usize,
}

/// Step `*len` of `steps` made a one-wire step on `wire` with transfer matrix `t` and no
/// ∂T/∂θ (a spare one-wire step's list is emptied and reused), `*len` advanced; its index.
fn next_one(steps: &mut Vec<Step>, len: &mut usize, wire: usize, t: &M4, barrier: bool) -> usize {
    let k = *len;
    *len += 1;
    if let Some(Step::One {
        wire: w,
        t: tk,
        d,
        barrier: b,
        unital,
        ..
    }) = steps.get_mut(k)
    {
        *w = wire;
        *tk = *t;
        d.clear();
        *b = barrier;
        *unital = false;
        return k;
    }
    let s = Step::One {
        wire,
        t: *t,
        tt: I4,
        d: Vec::with_capacity(8),
        barrier,
        unital: false,
    };
    if k < steps.len() {
        steps[k] = s;
    } else {
        steps.push(s);
    }
    k
}

/// Step `*len` of `steps` made a two-wire step on (a, b) (its maps set by the caller; a spare
/// two-wire step's ∂T/∂θ list is emptied and reused), `*len` advanced; its index.
fn next_two(steps: &mut Vec<Step>, len: &mut usize, a: usize, b: usize) -> usize {
    let k = *len;
    *len += 1;
    if let Some(Step::Two {
        a: ak,
        b: bk,
        d,
        barrier,
        ..
    }) = steps.get_mut(k)
    {
        *ak = a;
        *bk = b;
        d.clear();
        *barrier = false;
        return k;
    }
    let s = Step::Two {
        a,
        b,
        t: Sparse16::Entries(Vec::new()),
        tt: Sparse16::Entries(Vec::new()),
        d: Vec::new(),
        barrier: false,
    };
    if k < steps.len() {
        steps[k] = s;
    } else {
        steps.push(s);
    }
    k
}

impl Program {
    /// The steps of the last circuit compiled (none if it was refused or not compiled).
    pub(crate) fn steps(&self) -> &[Step] {
        &self.steps[..self.len]
    }

    /// The number of gate parameters of the last circuit compiled (0 if it was refused or not
    /// compiled): [`NoisyCircuit::n_params`](super::NoisyCircuit::n_params) without another
    /// pass over its ops.
    pub(crate) fn n_params(&self) -> usize {
        self.n_params
    }

    /// Fuses `ops` into steps; `Ok(false)` if a gate acts on more than two wires (controls
    /// included). Each op is validated against `n` qubits (`n` ≥ 1) just before it is used,
    /// with the message of [`NoisyCircuit::validate`](super::NoisyCircuit::validate), so that
    /// the circuit is read once: the first invalid op before any gate on three or more wires
    /// is refused; at such a gate compiling stops, and the caller validates the whole circuit.
    pub(crate) fn compile(&mut self, n: usize, ops: &[NoisyOp]) -> Result<bool, SimError> {
        let done = self.fuse(n, ops);
        if !matches!(done, Ok(true)) {
            self.len = 0;
            self.n_params = 0;
        }
        done
    }

    fn fuse(&mut self, n: usize, ops: &[NoisyOp]) -> Result<bool, SimError> {
        let Program {
            steps,
            len,
            last,
            posts,
            scale,
            n_params,
        } = self;
        *len = 0;
        last.clear();
        last.resize(n, None);
        posts.clear();
        scale.clear();
        let mut offset = 0;
        for (k, op) in ops.iter().enumerate() {
            validate_op(op, k, n)?;
            match op {
                NoisyOp::Gate(g) => {
                    let n_wires = g.wires.len() + g.controls.len();
                    if n_wires > 2 {
                        return Ok(false);
                    }
                    let np = g.kind.n_params();
                    if n_wires == 1 {
                        let w = g.wires[0];
                        let here = last[w].filter(|&s| matches!(steps[s], Step::One { .. }));
                        if let Some((rots, count)) = rotations(g.kind, g.params) {
                            // Rotations fuse row by row: each touches two rows of T and of every
                            // ∂T/∂θ (12 products per matrix instead of a 4×4 product).
                            let k = match here {
                                Some(k) => k,
                                None => {
                                    let k = next_one(steps, len, w, &I4, false);
                                    posts.push([None, None]);
                                    scale.push(1.0);
                                    last[w] = Some(k);
                                    k
                                }
                            };
                            if let Step::One { t, d, .. } = &mut steps[k] {
                                for &(axis, theta, idx) in &rots[..count] {
                                    let (i, j) = rotation_rows(axis);
                                    let (sn, cs) = theta.sin_cos();
                                    for (_, dk) in d.iter_mut() {
                                        rotate_rows(dk, i, j, cs, sn);
                                    }
                                    if let Some(idx) = idx {
                                        // Written in place, not built and moved.
                                        d.push((offset + idx, [[0.0; 4]; 4]));
                                        if let Some((_, m)) = d.last_mut() {
                                            rotation_derivative_into(t, m, i, j, cs, sn);
                                        }
                                    }
                                    rotate_rows(t, i, j, cs, sn);
                                }
                            }
                            offset += np;
                            continue;
                        }
                        let (m, dm, count) = one_gate(g.kind, g.params);
                        match here.map(|s| &mut steps[s]) {
                            Some(Step::One { t, d, .. }) => {
                                for (_, dk) in d.iter_mut() {
                                    *dk = mul4(&m, dk);
                                }
                                for (i, dmi) in dm[..count].iter().enumerate() {
                                    d.push((offset + i, mul4(dmi, t)));
                                }
                                *t = mul4(&m, t);
                            }
                            _ => {
                                let k = next_one(steps, len, w, &m, false);
                                posts.push([None, None]);
                                scale.push(1.0);
                                if let Step::One { d, .. } = &mut steps[k] {
                                    d.extend((0..count).map(|i| (offset + i, dm[i])));
                                }
                                last[w] = Some(k);
                            }
                        }
                    } else {
                        let (a, b) = local_wires(g);
                        let k = next_two(steps, len, a, b);
                        posts.push([None, None]);
                        scale.push(1.0);
                        if let Step::Two { t, d, .. } = &mut steps[k] {
                            if np == 0 {
                                fixed_two_into(g.kind, t);
                            } else {
                                let (tm, dm) = two_gate_with_params(g);
                                *t = Sparse16::from_dense(&tm);
                                d.extend(
                                    dm.iter()
                                        .enumerate()
                                        .map(|(i, m)| (offset + i, Sparse16::from_dense(m))),
                                );
                            }
                            // The transpose is set at the end, once any channels are fused in.
                        }
                        last[a] = Some(k);
                        last[b] = Some(k);
                    }
                    offset += np;
                }
                NoisyOp::Channel(ch) => {
                    let c = channel_ptm(ch.kind, ch.strength);
                    let w = ch.wire;
                    match last[w].map(|s| (s, &mut steps[s])) {
                        Some((k, Step::One { barrier, .. }))
                            if ch.kind == ChannelKind::DepolarizingChannel =>
                        {
                            scale[k] *= c[1][1];
                            *barrier = true;
                        }
                        Some((k, Step::One { t, d, barrier, .. })) => {
                            flush_scale(&mut scale[k], t, d);
                            *t = mul4_channel(&c, t);
                            for (_, dk) in d.iter_mut() {
                                *dk = mul4_channel(&c, dk);
                            }
                            *barrier = true;
                        }
                        Some((k, Step::Two { a, barrier, .. })) => {
                            let slot = &mut posts[k][usize::from(*a != w)];
                            *slot = Some(mul4_channel(&c, slot.as_ref().unwrap_or(&I4)));
                            *barrier = true;
                        }
                        None => {
                            let k = next_one(steps, len, w, &c, true);
                            posts.push([None, None]);
                            scale.push(1.0);
                            last[w] = Some(k);
                        }
                    }
                }
            }
        }
        for ((s, post), f) in steps[..*len].iter_mut().zip(&*posts).zip(scale.iter_mut()) {
            match s {
                Step::One {
                    t, tt, d, unital, ..
                } => {
                    flush_scale(f, t, d);
                    *tt = transpose4(t);
                    *unital = is_unital(t) && d.iter().all(|(_, m)| is_unital_derivative(m));
                }
                Step::Two { t, tt, d, .. } => {
                    if post.iter().any(Option::is_some) {
                        t.apply_after(post);
                        for (_, dk) in d.iter_mut() {
                            dk.apply_after(post);
                        }
                    }
                    t.transpose_into(tt);
                }
            }
        }
        *n_params = offset;
        Ok(true)
    }
}

/// Fuses `ops` into steps with a fresh [`Program`]; `Ok(None)` if a gate acts on more than two
/// wires.
#[cfg(test)]
pub(crate) fn compile(n: usize, ops: &[NoisyOp]) -> Result<Option<Vec<Step>>, SimError> {
    let mut p = Program::default();
    Ok(p.compile(n, ops)?.then(|| p.steps().to_vec()))
}

// ---------------------------------------------------------------------------------------------
// Kernels on the Pauli vector.

/// 4^k.
#[inline(always)]
fn pow4(k: usize) -> usize {
    1usize << (2 * k)
}

/// The Pauli vector of |0…0⟩⟨0…0|: 1 on every string of I and Z, 0 elsewhere.
pub(crate) fn init(r: &mut [f64], n: usize) {
    r.iter_mut().for_each(|v| *v = 0.0);
    for s in 0..1usize << n {
        r[z_index(s, n)] = 1.0;
    }
}

/// The (X, Y, Z) block of a unital, trace-preserving map (every gate, every channel but
/// amplitude damping: row and column I are e₀), which then acts as a 3×3 map leaving the I
/// component alone; `None` for any other map.
#[inline(always)]
fn unital_block(m: &M4) -> Option<[[f64; 3]; 3]> {
    let unital = m[0] == [1.0, 0.0, 0.0, 0.0] && (1..4).all(|i| m[i][0] == 0.0);
    unital.then(|| {
        [
            [m[1][1], m[1][2], m[1][3]],
            [m[2][1], m[2][2], m[2][3]],
            [m[3][1], m[3][2], m[3][3]],
        ]
    })
}

/// v ← m·v on the digit of `wire`, for every group.
#[inline(always)]
fn apply4(r: &mut [f64], n: usize, wire: usize, m: &M4) {
    let s = pow4(n - 1 - wire);
    if let Some(k) = unital_block(m) {
        if s == 1 {
            for v in r.chunks_exact_mut(4) {
                let x = [v[1], v[2], v[3]];
                for (o, row) in v[1..].iter_mut().zip(&k) {
                    *o = row[0] * x[0] + row[1] * x[1] + row[2] * x[2];
                }
            }
            return;
        }
        for block in r.chunks_exact_mut(4 * s) {
            let (_, rest) = block.split_at_mut(s);
            let (x1, rest) = rest.split_at_mut(s);
            let (x2, x3) = rest.split_at_mut(s);
            for ((b, c), d) in x1.iter_mut().zip(x2.iter_mut()).zip(x3.iter_mut()) {
                let v = [*b, *c, *d];
                *b = k[0][0] * v[0] + k[0][1] * v[1] + k[0][2] * v[2];
                *c = k[1][0] * v[0] + k[1][1] * v[1] + k[1][2] * v[2];
                *d = k[2][0] * v[0] + k[2][1] * v[1] + k[2][2] * v[2];
            }
        }
        return;
    }
    if s == 1 {
        for v in r.chunks_exact_mut(4) {
            let x = [v[0], v[1], v[2], v[3]];
            for (o, row) in v.iter_mut().zip(m) {
                *o = row[0] * x[0] + row[1] * x[1] + row[2] * x[2] + row[3] * x[3];
            }
        }
        return;
    }
    for block in r.chunks_exact_mut(4 * s) {
        let (x0, rest) = block.split_at_mut(s);
        let (x1, rest) = rest.split_at_mut(s);
        let (x2, x3) = rest.split_at_mut(s);
        for (((a, b), c), d) in x0
            .iter_mut()
            .zip(x1.iter_mut())
            .zip(x2.iter_mut())
            .zip(x3.iter_mut())
        {
            let v = [*a, *b, *c, *d];
            *a = m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2] + m[0][3] * v[3];
            *b = m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2] + m[1][3] * v[3];
            *c = m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2] + m[2][3] * v[3];
            *d = m[3][0] * v[0] + m[3][1] * v[1] + m[3][2] * v[2] + m[3][3] * v[3];
        }
    }
}

/// S[i][j] = Σ_groups λ_g[i]·r_g[j] on the digit of `wire`.
#[inline(always)]
fn outer4(lam: &[f64], r: &[f64], n: usize, wire: usize) -> M4 {
    let s = pow4(n - 1 - wire);
    // One accumulator row per Pauli of λ, updated as a 4-wide vector.
    let (mut a0, mut a1, mut a2, mut a3) = ([0.0; 4], [0.0; 4], [0.0; 4], [0.0; 4]);
    let add = |a: &mut [f64; 4], l: f64, x: &[f64; 4]| {
        for (v, y) in a.iter_mut().zip(x) {
            *v += l * y;
        }
    };
    for (lb, rb) in lam.chunks_exact(4 * s).zip(r.chunks_exact(4 * s)) {
        // Four slices of s per digit, so the indices below need no bounds checks.
        let (l0, l1, l2, l3) = (
            &lb[..s],
            &lb[s..2 * s],
            &lb[2 * s..3 * s],
            &lb[3 * s..4 * s],
        );
        let (r0, r1, r2, r3) = (
            &rb[..s],
            &rb[s..2 * s],
            &rb[2 * s..3 * s],
            &rb[3 * s..4 * s],
        );
        for k in 0..s {
            let x = [r0[k], r1[k], r2[k], r3[k]];
            add(&mut a0, l0[k], &x);
            add(&mut a1, l1[k], &x);
            add(&mut a2, l2[k], &x);
            add(&mut a3, l3[k], &x);
        }
    }
    [a0, a1, a2, a3]
}

/// Calls `f(base, offsets)` for every group of a two-wire step: the 16 indices base + off[k],
/// k = (digit of a)·4 + (digit of b).
#[inline(always)]
fn for_each_group16(
    len: usize,
    n: usize,
    a: usize,
    b: usize,
    mut f: impl FnMut(usize, &[usize; 16]),
) {
    let (sa, sb) = (pow4(n - 1 - a), pow4(n - 1 - b));
    let (hi, lo) = if sa > sb { (sa, sb) } else { (sb, sa) };
    let mut off = [0usize; 16];
    for (k, o) in off.iter_mut().enumerate() {
        *o = (k / 4) * sa + (k % 4) * sb;
    }
    for h in (0..len).step_by(4 * hi) {
        for m in (h..h + hi).step_by(4 * lo) {
            for base in m..m + lo {
                f(base, &off);
            }
        }
    }
}

#[inline(always)]
fn gather(r: &[f64], base: usize, off: &[usize; 16]) -> [f64; 16] {
    let r = &r[base..];
    let mut v = [0.0; 16];
    for (x, &i) in v.iter_mut().zip(off) {
        *x = r[i];
    }
    v
}

#[inline(always)]
fn scatter(r: &mut [f64], base: usize, off: &[usize; 16], v: &[f64; 16]) {
    let r = &mut r[base..];
    for (x, &i) in v.iter().zip(off) {
        r[i] = *x;
    }
}

/// `pub(crate) fn $name(args)` calling `$imp(args)`, compiled a second time for AVX2 and
/// dispatched at run time natively (same arithmetic, no FMA contraction; wider vectors).
macro_rules! simd_dispatch {
    ($(#[$doc:meta])* $name:ident => $imp:ident($($arg:ident: $ty:ty),*)) => {
        $(#[$doc])*
        pub(crate) fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn avx2($($arg: $ty),*) {
                    $imp($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU supports AVX2, checked just above.
                    unsafe { avx2($($arg),*) };
                    return;
                }
            }
            $imp($($arg),*)
        }
    };
}

/// r ← m·r for a two-wire map on (a, b).
#[inline(always)]
fn two_apply(r: &mut [f64], n: usize, a: usize, b: usize, m: &Sparse16) {
    match m {
        Sparse16::Perm(src, val) => {
            let (sa, sb) = (pow4(n - 1 - a), pow4(n - 1 - b));
            let (hi, lo) = if sa > sb { (sa, sb) } else { (sb, sa) };
            let off = |k: usize| (k / 4) * sa + (k % 4) * sb;
            if lo == 1 {
                // The low wire's digit is contiguous: a group is 4 runs of 4.
                let a_low = sa == 1;
                for h in (0..r.len()).step_by(4 * hi) {
                    for base in (h..h + hi).step_by(4) {
                        let mut v = [0.0; 16];
                        for d in 0..4 {
                            let run = &r[base + d * hi..base + d * hi + 4];
                            for (e, x) in run.iter().enumerate() {
                                // d is the high wire's digit, e the low one's.
                                v[if a_low { e * 4 + d } else { d * 4 + e }] = *x;
                            }
                        }
                        for d in 0..4 {
                            let run = &mut r[base + d * hi..base + d * hi + 4];
                            for (e, x) in run.iter_mut().enumerate() {
                                let k = if a_low { e * 4 + d } else { d * 4 + e };
                                // `& 15`: provably in range, no bounds check.
                                *x = val[k & 15] * v[(src[k & 15] & 15) as usize];
                            }
                        }
                    }
                }
            } else {
                // lo ≥ 4: the groups of one block are `lo` neighbours, so entry k of those
                // groups is a contiguous run; out[k] = val[k]·in[src[k]] moves whole runs,
                // CHUNK groups at a time (every read before any write of the chunk).
                const CHUNK: usize = 16;
                let c = lo.min(CHUNK);
                let mut poff = [0usize; 16];
                let mut offs = [0usize; 16];
                for (k, (p, o)) in poff.iter_mut().zip(offs.iter_mut()).enumerate() {
                    *p = off(src[k] as usize);
                    *o = off(k);
                }
                let mut tmp = [[0.0f64; CHUNK]; 16];
                for h in (0..r.len()).step_by(4 * hi) {
                    for m in (h..h + hi).step_by(4 * lo) {
                        for j in (m..m + lo).step_by(c) {
                            for ((t, &p), w) in tmp.iter_mut().zip(&poff).zip(val) {
                                for (x, y) in t[..c].iter_mut().zip(&r[j + p..j + p + c]) {
                                    *x = w * y;
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
        Sparse16::Entries(_) => {
            for_each_group16(r.len(), n, a, b, |base, off| {
                let v = m.apply(&gather(r, base, off));
                scatter(r, base, off, &v);
            });
        }
    }
}

simd_dispatch!(
    /// r ← step·r.
    forward => forward_impl(r: &mut [f64], n: usize, step: &Step)
);

#[inline(always)]
fn forward_impl(r: &mut [f64], n: usize, step: &Step) {
    match step {
        Step::One { wire, t, .. } => apply4(r, n, *wire, t),
        Step::Two { a, b, t, .. } => two_apply(r, n, *a, *b, t),
    }
}

/// dst ← m·src on the digit of `wire` (every entry of `dst` written; the same arithmetic as
/// [`apply4`], so the same bits).
#[inline(always)]
fn apply4_into(src: &[f64], dst: &mut [f64], n: usize, wire: usize, m: &M4) {
    let s = pow4(n - 1 - wire);
    if let Some(k) = unital_block(m) {
        if s == 1 {
            for (o, v) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                o[0] = v[0];
                for (oi, row) in o[1..].iter_mut().zip(&k) {
                    *oi = row[0] * v[1] + row[1] * v[2] + row[2] * v[3];
                }
            }
            return;
        }
        for (ob, ib) in dst.chunks_exact_mut(4 * s).zip(src.chunks_exact(4 * s)) {
            let (o0, rest) = ob.split_at_mut(s);
            let (o1, rest) = rest.split_at_mut(s);
            let (o2, o3) = rest.split_at_mut(s);
            o0.copy_from_slice(&ib[..s]);
            let (x1, x2, x3) = (&ib[s..2 * s], &ib[2 * s..3 * s], &ib[3 * s..4 * s]);
            for (((b, c), d), ((v0, v1), v2)) in o1
                .iter_mut()
                .zip(o2.iter_mut())
                .zip(o3.iter_mut())
                .zip(x1.iter().zip(x2).zip(x3))
            {
                let v = [*v0, *v1, *v2];
                *b = k[0][0] * v[0] + k[0][1] * v[1] + k[0][2] * v[2];
                *c = k[1][0] * v[0] + k[1][1] * v[1] + k[1][2] * v[2];
                *d = k[2][0] * v[0] + k[2][1] * v[1] + k[2][2] * v[2];
            }
        }
        return;
    }
    if s == 1 {
        for (o, x) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
            for (oi, row) in o.iter_mut().zip(m) {
                *oi = row[0] * x[0] + row[1] * x[1] + row[2] * x[2] + row[3] * x[3];
            }
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
            let v = [x0[k], x1[k], x2[k], x3[k]];
            *a = m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2] + m[0][3] * v[3];
            *b = m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2] + m[1][3] * v[3];
            *c = m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2] + m[2][3] * v[3];
            *d = m[3][0] * v[0] + m[3][1] * v[1] + m[3][2] * v[2] + m[3][3] * v[3];
        }
    }
}

/// dst ← m·src for a two-wire map on (a, b) (every entry of `dst` written; the same products
/// as [`two_apply`]).
#[inline(always)]
fn two_apply_into(src: &[f64], dst: &mut [f64], n: usize, a: usize, b: usize, m: &Sparse16) {
    match m {
        Sparse16::Perm(perm, val) => {
            let (sa, sb) = (pow4(n - 1 - a), pow4(n - 1 - b));
            let (hi, lo) = if sa > sb { (sa, sb) } else { (sb, sa) };
            let off = |k: usize| (k / 4) * sa + (k % 4) * sb;
            // Entry k of every group is a run of `lo` neighbours (one entry when lo = 1):
            // out[k] = val[k]·in[perm[k]] moves whole runs.
            let mut poff = [0usize; 16];
            let mut offs = [0usize; 16];
            for (k, (p, o)) in poff.iter_mut().zip(offs.iter_mut()).enumerate() {
                *p = off(perm[k] as usize);
                *o = off(k);
            }
            if lo == 1 {
                for h in (0..src.len()).step_by(4 * hi) {
                    for base in (h..h + hi).step_by(4) {
                        let (x, y) = (&src[base..], &mut dst[base..]);
                        for ((&p, &o), w) in poff.iter().zip(&offs).zip(val) {
                            y[o] = w * x[p];
                        }
                    }
                }
                return;
            }
            for h in (0..src.len()).step_by(4 * hi) {
                for j in (h..h + hi).step_by(4 * lo) {
                    for ((&p, &o), w) in poff.iter().zip(&offs).zip(val) {
                        for (x, y) in dst[j + o..j + o + lo]
                            .iter_mut()
                            .zip(&src[j + p..j + p + lo])
                        {
                            *x = w * y;
                        }
                    }
                }
            }
        }
        Sparse16::Entries(_) => {
            for_each_group16(src.len(), n, a, b, |base, off| {
                let v = m.apply(&gather(src, base, off));
                scatter(dst, base, off, &v);
            });
        }
    }
}

simd_dispatch!(
    /// dst ← step·src (`dst` resized to `src`'s length and fully written): the forward step
    /// out of place, so that the state before it can stay where it is (the backward pass's
    /// snapshot) without a copy.
    forward_into => forward_into_impl(src: &[f64], dst: &mut Vec<f64>, n: usize, step: &Step)
);

#[inline(always)]
fn forward_into_impl(src: &[f64], dst: &mut Vec<f64>, n: usize, step: &Step) {
    dst.resize(src.len(), 0.0);
    match step {
        Step::One { wire, t, .. } => apply4_into(src, dst, n, *wire, t),
        Step::Two { a, b, t, .. } => two_apply_into(src, dst, n, *a, *b, t),
    }
}

simd_dispatch!(
    /// x ← stepᵀ·x (carries an observable back; undoes an orthogonal step).
    transpose_apply => transpose_impl(x: &mut [f64], n: usize, step: &Step)
);

#[inline(always)]
fn transpose_impl(x: &mut [f64], n: usize, step: &Step) {
    match step {
        Step::One { wire, tt, .. } => apply4(x, n, *wire, tt),
        Step::Two { a, b, tt, .. } => two_apply(x, n, *a, *b, tt),
    }
}

simd_dispatch!(
    #[cfg(test)]
    /// Adds ⟨λ, ∂(step)/∂θ · r⟩ for every parameter of the step into `grad`; `r` is the state
    /// before the step, `lam` the observable after it.
    gradient => gradient_impl(lam: &[f64], r: &[f64], n: usize, step: &Step, grad: &mut [f64])
);

#[inline(always)]
fn gradient_impl(lam: &[f64], r: &[f64], n: usize, step: &Step, grad: &mut [f64]) {
    match step {
        Step::One { wire, d, .. } => {
            if d.is_empty() {
                return;
            }
            let s = outer4(lam, r, n, *wire);
            for (i, dm) in d {
                let mut g = 0.0;
                for (drow, srow) in dm.iter().zip(&s) {
                    for (x, y) in drow.iter().zip(srow) {
                        g += x * y;
                    }
                }
                grad[*i] += g;
            }
        }
        Step::Two { a, b, d, .. } => {
            for (i, dm) in d {
                let mut g = 0.0;
                for_each_group16(r.len(), n, *a, *b, |base, off| {
                    let u = gather(lam, base, off);
                    let dv = dm.apply(&gather(r, base, off));
                    g += u.iter().zip(&dv).map(|(x, y)| x * y).sum::<f64>();
                });
                grad[*i] += g;
            }
        }
    }
}

/// The fused backward pass of a unital one-wire step: for every group, with λ_g the observable
/// after the step and r_g the state before it, S += λ_g r_gᵀ on (X, Y, Z) (the I row and column
/// of every ∂T/∂θ are zero) and λ_g ← Tᵀλ_g (`k` = the (X, Y, Z) block of Tᵀ; λ's I entry is
/// left alone). Returns the 3×3 block of S. The accumulation runs in 4 lanes over the groups,
/// summed at the end.
#[inline(always)]
fn back4_unital(
    lam: &mut [f64],
    r: &[f64],
    n: usize,
    wire: usize,
    k: &[[f64; 3]; 3],
) -> [[f64; 3]; 3] {
    let s = pow4(n - 1 - wire);
    let mut out = [[0.0; 3]; 3];
    if s == 1 {
        // The wire's digit is contiguous: a group is 4 neighbours.
        for (l, x) in lam.chunks_exact_mut(4).zip(r.chunks_exact(4)) {
            let lv = [l[1], l[2], l[3]];
            let xv = [x[1], x[2], x[3]];
            for (row, li) in out.iter_mut().zip(lv) {
                for (o, xj) in row.iter_mut().zip(xv) {
                    *o += li * xj;
                }
            }
            for (o, krow) in l[1..].iter_mut().zip(k) {
                *o = krow[0] * lv[0] + krow[1] * lv[1] + krow[2] * lv[2];
            }
        }
        return out;
    }
    // s ≥ 4: four groups at a time, one lane each.
    let mut acc = [[[0.0; 4]; 3]; 3];
    for (lb, rb) in lam.chunks_exact_mut(4 * s).zip(r.chunks_exact(4 * s)) {
        let (_, rest) = lb.split_at_mut(s);
        let (l1, rest) = rest.split_at_mut(s);
        let (l2, l3) = rest.split_at_mut(s);
        let (r1, r2, r3) = (&rb[s..2 * s], &rb[2 * s..3 * s], &rb[3 * s..4 * s]);
        for ((((a, b), c), (x, y)), z) in l1
            .chunks_exact_mut(4)
            .zip(l2.chunks_exact_mut(4))
            .zip(l3.chunks_exact_mut(4))
            .zip(r1.chunks_exact(4).zip(r2.chunks_exact(4)))
            .zip(r3.chunks_exact(4))
        {
            let lv = [
                [a[0], a[1], a[2], a[3]],
                [b[0], b[1], b[2], b[3]],
                [c[0], c[1], c[2], c[3]],
            ];
            let xv = [
                [x[0], x[1], x[2], x[3]],
                [y[0], y[1], y[2], y[3]],
                [z[0], z[1], z[2], z[3]],
            ];
            for (arow, l) in acc.iter_mut().zip(&lv) {
                for (cell, xj) in arow.iter_mut().zip(&xv) {
                    for q in 0..4 {
                        cell[q] += l[q] * xj[q];
                    }
                }
            }
            for (dst, krow) in [a, b, c].into_iter().zip(k) {
                for q in 0..4 {
                    dst[q] = krow[0] * lv[0][q] + krow[1] * lv[1][q] + krow[2] * lv[2][q];
                }
            }
        }
    }
    for (orow, arow) in out.iter_mut().zip(&acc) {
        for (o, cell) in orow.iter_mut().zip(arow) {
            *o = (cell[0] + cell[1]) + (cell[2] + cell[3]);
        }
    }
    out
}

simd_dispatch!(
    /// One backward step: adds ⟨λ, ∂(step)/∂θ · r⟩ for every parameter of the step into `grad`
    /// (`r` the state before the step, `lam` the observable after it), then λ ← stepᵀ·λ. The
    /// same as [`gradient`] then [`transpose_apply`]; a unital one-wire step with parameters
    /// does both in one pass over λ and r ([`back4_unital`]).
    backward => backward_impl(lam: &mut [f64], r: &[f64], n: usize, step: &Step, grad: &mut [f64])
);

#[inline(always)]
fn backward_impl(lam: &mut [f64], r: &[f64], n: usize, step: &Step, grad: &mut [f64]) {
    match step {
        Step::One {
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
                let mut g = 0.0;
                for (drow, srow) in dm[1..].iter().zip(&s) {
                    for (x, y) in drow[1..].iter().zip(srow) {
                        g += x * y;
                    }
                }
                grad[*i] += g;
            }
        }
        _ => {
            gradient_impl(lam, r, n, step, grad);
            transpose_impl(lam, n, step);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Observables and read-outs.

/// The Pauli-vector index of a Pauli string on `n` qubits.
pub(crate) fn index_of(p: &PauliString, n: usize) -> usize {
    p.terms.iter().fold(0, |i, &(w, q)| {
        let d = match q {
            Pauli::X => 1,
            Pauli::Y => 2,
            Pauli::Z => 3,
        };
        i | (d << (2 * (n - 1 - w)))
    })
}

/// The Pauli-vector index of Z on the wires of the basis-index bit mask `s`.
fn z_index(s: usize, n: usize) -> usize {
    (0..n)
        .filter(|&b| s >> b & 1 == 1)
        .fold(0, |i, b| i | (3 << (2 * b)))
}

/// In-place Walsh–Hadamard transform: v[s] ← Σ_i v[i]·(−1)^{|i & s|}.
fn walsh_hadamard<T>(v: &mut [T])
where
    T: Copy + std::ops::Add<Output = T> + std::ops::Sub<Output = T>,
{
    let mut h = 1;
    while h < v.len() {
        for chunk in v.chunks_exact_mut(2 * h) {
            let (lo, hi) = chunk.split_at_mut(h);
            for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                let (x, y) = (*a, *b);
                *a = x + y;
                *b = x - y;
            }
        }
        h *= 2;
    }
}

/// Adds `weight` × the Pauli coefficients o_P of `obs` (O = Σ o_P P, so ⟨O⟩ = Σ o_P r_P) to
/// `out` (length 4ⁿ). `obs` must fit `n` qubits.
pub(crate) fn add_coefficients(obs: &Observable, weight: f64, n: usize, out: &mut [f64]) {
    let dim = 1usize << n;
    match obs {
        Observable::Pauli(p) => out[index_of(p, n)] += weight,
        Observable::Sum(terms) => {
            for (c, p) in terms {
                out[index_of(p, n)] += weight * c;
            }
        }
        Observable::Hermitian(terms) => {
            for (c, p) in terms.iter().flat_map(|t| t.pauli_terms()) {
                out[index_of(&p, n)] += weight * c;
            }
        }
        Observable::Diagonal(d) => {
            // o_{Z_S} = 2⁻ⁿ Σ_i d_i (−1)^{|i & S|}
            let mut w = d.clone();
            walsh_hadamard(&mut w);
            for (s, v) in w.iter().enumerate() {
                out[z_index(s, n)] += weight * v / dim as f64;
            }
        }
        Observable::Projector(phi) => {
            // o_P = 2⁻ⁿ ⟨φ|P|φ⟩; for the X-part x, ⟨φ|P|φ⟩ = i^{nY} Σ_i φ̄[i^x] φ[i] (−1)^{|i & z|}.
            let f = phi.amplitudes();
            let mut a = vec![C64::new(0.0, 0.0); dim];
            for x in 0..dim {
                for (i, v) in a.iter_mut().enumerate() {
                    *v = f[i ^ x].conj() * f[i];
                }
                walsh_hadamard(&mut a);
                for (z, v) in a.iter().enumerate() {
                    let ny = (x & z).count_ones();
                    let val = super::density::i_pow(ny) * v;
                    // Digit per wire from (x bit, z bit): (0,0) I, (1,0) X, (1,1) Y, (0,1) Z.
                    let idx = (0..n).fold(0, |i, b| {
                        let d = match (x >> b & 1, z >> b & 1) {
                            (0, 0) => 0,
                            (1, 0) => 1,
                            (1, 1) => 2,
                            _ => 3,
                        };
                        i | (d << (2 * b))
                    });
                    out[idx] += weight * val.re / dim as f64;
                }
            }
        }
    }
}

/// ⟨O⟩ = Σ_P o_P r_P.
pub(crate) fn expval(obs: &Observable, r: &[f64], n: usize) -> f64 {
    match obs {
        Observable::Pauli(p) => r[index_of(p, n)],
        Observable::Sum(terms) => terms.iter().map(|(c, p)| c * r[index_of(p, n)]).sum(),
        _ => {
            let mut o = vec![0.0; r.len()];
            add_coefficients(obs, 1.0, n, &mut o);
            o.iter().zip(r).map(|(a, b)| a * b).sum()
        }
    }
}

/// The probabilities ρᵢᵢ = 2⁻ⁿ Σ_S r_{Z_S} (−1)^{|i & S|}.
pub(crate) fn probabilities(r: &[f64], n: usize) -> Vec<f64> {
    let dim = 1usize << n;
    let mut p: Vec<f64> = (0..dim).map(|s| r[z_index(s, n)]).collect();
    walsh_hadamard(&mut p);
    p.iter_mut().for_each(|v| *v /= dim as f64);
    p
}

mod batch;
pub(crate) use batch::{Batch, LANES, MAX_BATCH_QUBITS};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::sim::{Channel, DensityMatrix, NoisyCircuit};
    use std::f64::consts::PI;

    /// The program of valid `ops`.
    fn compiled(n: usize, ops: &[NoisyOp]) -> Option<Vec<Step>> {
        compile(n, ops).expect("valid ops")
    }

    /// r_P = Tr(Pρ) of a complex density matrix, straight from the definition.
    fn pauli_vector(rho: &DensityMatrix) -> Vec<f64> {
        let n = rho.n_qubits();
        (0..pow4(n))
            .map(|i| {
                let terms: Vec<(usize, Pauli)> = (0..n)
                    .filter_map(|w| match (i >> (2 * (n - 1 - w))) & 3 {
                        1 => Some((w, Pauli::X)),
                        2 => Some((w, Pauli::Y)),
                        3 => Some((w, Pauli::Z)),
                        _ => None,
                    })
                    .collect();
                rho.expval_pauli(&PauliString::new(terms).unwrap())
            })
            .collect()
    }

    #[test]
    fn channel_ptms_match_kraus() {
        for &k in ChannelKind::all() {
            for s in [0.0, 0.07, 0.5, 0.93, 1.0] {
                let a = channel_ptm(k, s);
                let b = ptm_of_kraus(&k.kraus(s).unwrap());
                for i in 0..4 {
                    for j in 0..4 {
                        assert!((a[i][j] - b[i][j]).abs() < 1e-15, "{k}({s}) [{i}][{j}]");
                    }
                }
            }
        }
    }

    #[test]
    fn one_wire_gates_and_derivatives_match_their_unitaries() {
        let mut rng = Rng::new(1);
        for &kind in GateKind::all().iter().filter(|k| k.is_single_qubit()) {
            let mut p = [0.0; 3];
            for v in p.iter_mut().take(kind.n_params()) {
                *v = rng.range(-PI, PI);
            }
            let (t, d, count) = one_gate(kind, p);
            let want = ptm_of_kraus(&[unitary1(kind, p)]);
            for i in 0..4 {
                for j in 0..4 {
                    assert!((t[i][j] - want[i][j]).abs() < 1e-14, "{kind} [{i}][{j}]");
                }
            }
            assert_eq!(count, kind.n_params());
            for (k, dk) in d.iter().enumerate().take(count) {
                let h = 1e-6;
                let (mut pp, mut pm) = (p, p);
                pp[k] += h;
                pm[k] -= h;
                let (a, b) = (
                    ptm_of_kraus(&[unitary1(kind, pp)]),
                    ptm_of_kraus(&[unitary1(kind, pm)]),
                );
                for i in 0..4 {
                    for j in 0..4 {
                        let fd = (a[i][j] - b[i][j]) / (2.0 * h);
                        assert!((dk[i][j] - fd).abs() < 1e-8, "{kind} d{k} [{i}][{j}]");
                    }
                }
            }
        }
    }

    /// Every gate of at most two wires and every channel, applied in the Pauli basis, gives
    /// the Pauli vector of the complex density matrix; probabilities and observables agree.
    #[test]
    fn compiled_steps_match_the_complex_density_matrix() {
        let mut rng = Rng::new(4);
        for case in 0..60 {
            let n = 2 + case % 3;
            let mut ops = Vec::new();
            for _ in 0..8 {
                let kinds: Vec<GateKind> = GateKind::all()
                    .iter()
                    .copied()
                    .filter(|k| k.n_wires() <= 2)
                    .collect();
                let kind = kinds[rng.below(kinds.len() as u64) as usize];
                let mut wires: Vec<usize> = (0..n).collect();
                rng.shuffle(&mut wires);
                let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-PI, PI)).collect();
                let mut op = Op::new(kind, &wires[..kind.n_wires()], &params).unwrap();
                if kind.is_single_qubit() && rng.uniform() < 0.3 {
                    op = op.controlled(&wires[1..2]).unwrap();
                }
                ops.push(NoisyOp::Gate(op));
                if rng.uniform() < 0.6 {
                    let ck = ChannelKind::all()[rng.below(5) as usize];
                    let w = rng.below(n as u64) as usize;
                    ops.push(NoisyOp::Channel(
                        Channel::new(ck, w, rng.uniform()).unwrap(),
                    ));
                }
            }
            let c = NoisyCircuit::new(n, ops, None).unwrap();
            let steps = compiled(n, &c.ops).unwrap();
            let mut r = vec![0.0; pow4(n)];
            init(&mut r, n);
            for s in &steps {
                forward(&mut r, n, s);
            }
            let rho = crate::sim::DensityEngine::new().state(&c).unwrap();
            let want = pauli_vector(&rho);
            for (i, (a, b)) in r.iter().zip(&want).enumerate() {
                assert!((a - b).abs() < 1e-12, "case {case} entry {i}: {a} vs {b}");
            }
            let p = probabilities(&r, n);
            for (a, b) in p.iter().zip(rho.probabilities()) {
                assert!((a - b).abs() < 1e-12, "case {case}");
            }
            let mut phi = State::new(n).unwrap();
            for op in crate::sim::bench_circuit(n, 5, case as u64) {
                phi.apply(&op);
            }
            let diag: Vec<f64> = (0..1 << n).map(|i| (i as f64 * 0.7).cos()).collect();
            for obs in [Observable::Projector(phi), Observable::Diagonal(diag)] {
                assert!(
                    (expval(&obs, &r, n) - rho.expval(&obs)).abs() < 1e-12,
                    "case {case}"
                );
            }
        }
    }

    /// Six random gates of at most two wires on `n` qubits, each followed with probability
    /// `p_channel` by a random channel on the gate's first wire, or with `any_wire` on one of
    /// its wires drawn at random.
    fn random_small_circuit(
        n: usize,
        p_channel: f64,
        any_wire: bool,
        rng: &mut Rng,
    ) -> NoisyCircuit {
        let kinds: Vec<GateKind> = GateKind::all()
            .iter()
            .copied()
            .filter(|k| k.n_wires() <= 2.min(n))
            .collect();
        let mut ops = Vec::new();
        for _ in 0..6 {
            let kind = kinds[rng.below(kinds.len() as u64) as usize];
            let mut wires: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut wires);
            let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-PI, PI)).collect();
            ops.push(NoisyOp::Gate(
                Op::new(kind, &wires[..kind.n_wires()], &params).unwrap(),
            ));
            if rng.uniform() < p_channel {
                let ck = ChannelKind::all()[rng.below(5) as usize];
                let w = if any_wire {
                    wires[rng.below(kind.n_wires() as u64) as usize]
                } else {
                    wires[0]
                };
                ops.push(NoisyOp::Channel(
                    Channel::new(ck, w, rng.uniform()).unwrap(),
                ));
            }
        }
        NoisyCircuit::new(n, ops, None).unwrap()
    }

    /// The fused backward step equals the reference (gradient, then λ ← Tᵀλ) on random λ and
    /// r for one-wire steps of gates and channels on every wire of 1 to 4 qubits (the
    /// contiguous and the strided layout), unital or not, and for two-wire steps.
    #[test]
    fn the_fused_backward_step_matches_gradient_then_transpose() {
        let mut rng = Rng::new(11);
        let mut unital_seen = 0;
        for case in 0..80 {
            let n = 1 + case % 4;
            // Mostly unital channels; amplitude damping now and then.
            let c = random_small_circuit(n, 0.7, false, &mut rng);
            let steps = compiled(n, &c.ops).unwrap();
            for s in &steps {
                if matches!(s, Step::One { unital: true, d, .. } if !d.is_empty()) {
                    unital_seen += 1;
                }
                let lam: Vec<f64> = (0..pow4(n)).map(|_| rng.normal()).collect();
                let r: Vec<f64> = (0..pow4(n)).map(|_| rng.normal()).collect();
                let mut g_ref = vec![0.0; c.n_params()];
                let mut l_ref = lam.clone();
                gradient(&l_ref, &r, n, s, &mut g_ref);
                transpose_apply(&mut l_ref, n, s);
                let mut g = vec![0.0; c.n_params()];
                let mut l = lam.clone();
                backward(&mut l, &r, n, s, &mut g);
                for (a, b) in g.iter().zip(&g_ref).chain(l.iter().zip(&l_ref)) {
                    assert!((a - b).abs() < 1e-12, "case {case}: {a} vs {b} in {s:?}");
                }
            }
        }
        assert!(
            unital_seen > 50,
            "{unital_seen} unital steps with parameters"
        );
    }

    /// The out-of-place forward step writes exactly the bits of the in-place one, whatever
    /// the destination held before (its size included), for one-wire steps on every wire of 1 to
    /// 4 qubits (contiguous and strided, unital or not) and two-wire steps (permutations with
    /// the low wire contiguous or strided, general sparse maps).
    #[test]
    fn the_out_of_place_forward_step_matches_the_in_place_one() {
        let mut rng = Rng::new(17);
        let (mut ones, mut perms, mut entries) = (0, 0, 0);
        for case in 0..120 {
            let n = 1 + case % 4;
            let c = random_small_circuit(n, 0.6, true, &mut rng);
            for s in &compiled(n, &c.ops).unwrap() {
                match s {
                    Step::One { .. } => ones += 1,
                    Step::Two {
                        t: Sparse16::Perm(..),
                        ..
                    } => perms += 1,
                    Step::Two { .. } => entries += 1,
                }
                let src: Vec<f64> = (0..pow4(n)).map(|_| rng.normal()).collect();
                let mut want = src.clone();
                forward(&mut want, n, s);
                // A stale destination of another length, filled with garbage.
                let mut got = vec![f64::NAN; 1 + case % 7];
                forward_into(&src, &mut got, n, s);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&got), bits(&want), "case {case}: {s:?}");
            }
        }
        assert!(
            ones > 100 && perms > 20 && entries > 20,
            "{ones} {perms} {entries}"
        );
    }

    /// Rotations fused row by row give the T and ∂T/∂θ of the plain 4×4 products of
    /// [`one_gate`] and [`channel_ptm`], for runs of one-wire gates and channels.
    #[test]
    fn fused_rotations_match_the_matrix_products() {
        let mut rng = Rng::new(5);
        let kinds = [
            GateKind::RX,
            GateKind::RY,
            GateKind::RZ,
            GateKind::PhaseShift,
            GateKind::Rot,
            GateKind::U3,
            GateKind::H,
            GateKind::S,
        ];
        for case in 0..40 {
            let mut ops = Vec::new();
            // Reference: T and the list of (index, ∂T/∂θ) by 4×4 products.
            let mut t = I4;
            let mut d: Vec<(usize, M4)> = Vec::new();
            let mut offset = 0;
            for _ in 0..1 + case % 6 {
                let kind = kinds[rng.below(kinds.len() as u64) as usize];
                let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-PI, PI)).collect();
                let op = Op::new(kind, &[0], &params).unwrap();
                let (m, dm, count) = one_gate(kind, op.params);
                for (_, dk) in d.iter_mut() {
                    *dk = mul4(&m, dk);
                }
                d.extend((0..count).map(|i| (offset + i, mul4(&dm[i], &t))));
                t = mul4(&m, &t);
                offset += count;
                ops.push(NoisyOp::Gate(op));
                if rng.uniform() < 0.5 {
                    let ck = ChannelKind::all()[rng.below(5) as usize];
                    let ch = Channel::new(ck, 0, rng.uniform()).unwrap();
                    let c = channel_ptm(ck, ch.strength);
                    t = mul4(&c, &t);
                    d.iter_mut().for_each(|(_, dk)| *dk = mul4(&c, dk));
                    ops.push(NoisyOp::Channel(ch));
                }
            }
            let steps = compiled(1, &ops).unwrap();
            assert_eq!(steps.len(), 1, "case {case}: one fused step");
            let Step::One { t: ct, d: cd, .. } = &steps[0] else {
                panic!("case {case}: a one-wire step");
            };
            let close =
                |a: &M4, b: &M4| (0..4).all(|i| (0..4).all(|j| (a[i][j] - b[i][j]).abs() < 1e-13));
            assert!(close(ct, &t), "case {case}: T {ct:?} vs {t:?}");
            let mut cd = cd.clone();
            cd.sort_by_key(|x| x.0);
            assert_eq!(cd.len(), d.len(), "case {case}");
            for ((i, a), (j, b)) in cd.iter().zip(&d) {
                assert_eq!(i, j);
                assert!(close(a, b), "case {case}: ∂T/∂θ{i}");
            }
        }
    }

    /// One program compiling circuit after circuit (qubit counts, step kinds and ∂T/∂θ counts
    /// changing from one to the next; one-wire, two-wire, non-unital and sparse steps; refused
    /// and invalid circuits in between) gives a fresh program's steps bit for bit: the spare
    /// steps and scratch of the previous circuit leave nothing behind.
    #[test]
    fn a_reused_program_compiles_as_a_fresh_one() {
        let mut rng = Rng::new(29);
        let mut p = Program::default();
        let toffoli = NoisyOp::Gate(Op::new(GateKind::Toffoli, &[0, 1, 2], &[]).unwrap());
        for case in 0..150 {
            match case % 10 {
                3 => {
                    // Stops at a gate on three wires.
                    let c = random_small_circuit(3, 0.5, true, &mut rng);
                    let mut ops = c.ops.clone();
                    ops.insert(ops.len() / 2, toffoli.clone());
                    assert!(!p.compile(3, &ops).unwrap(), "case {case}");
                    assert!(p.steps().is_empty());
                    continue;
                }
                7 => {
                    // Refused half way.
                    let mut c = random_small_circuit(2, 0.5, true, &mut rng);
                    let k = c.ops.len() - 1;
                    c.ops[k] = NoisyOp::Channel(Channel {
                        kind: ChannelKind::BitFlip,
                        wire: 0,
                        strength: 2.0,
                    });
                    let e = p.compile(2, &c.ops).unwrap_err().to_string();
                    assert!(e.starts_with(&format!("operation {}:", k + 1)), "{e}");
                    assert!(p.steps().is_empty());
                    continue;
                }
                _ => {}
            }
            let n = 1 + rng.below(4) as usize;
            let c = random_small_circuit(n, rng.uniform(), case % 2 == 0, &mut rng);
            assert!(p.compile(n, &c.ops).unwrap(), "case {case}");
            let fresh = compiled(n, &c.ops).unwrap();
            // Debug prints every f64 in its shortest round-trip form: equal text, equal bits.
            assert_eq!(
                format!("{:?}", p.steps()),
                format!("{fresh:?}"),
                "case {case}"
            );
        }
    }

    /// The in-place `apply_after` and `transpose_into` give `after` and `transpose` bit for
    /// bit: permutations and sparse maps, diagonal and other channel maps on either wire, into a
    /// destination of either kind.
    #[test]
    fn in_place_after_and_transpose_match_the_out_of_place_ones() {
        let mut rng = Rng::new(41);
        let bits = |m: &Sparse16| format!("{m:?}");
        let mut maps = Vec::new();
        for kind in [GateKind::CNOT, GateKind::CZ, GateKind::SWAP, GateKind::CY] {
            let mut m = Sparse16::Entries(Vec::new());
            fixed_two_into(kind, &mut m);
            maps.push(m);
        }
        let crx = Op::new(GateKind::CRX, &[0, 1], &[0.7]).unwrap();
        maps.push(Sparse16::from_dense(&two_gate_with_params(&crx).0));
        let (mut perms, mut others) = (0, 0);
        for case in 0..200 {
            let m = &maps[case % maps.len()];
            let mut post = [None, None];
            for slot in post.iter_mut() {
                if rng.uniform() < 0.7 {
                    let ck = ChannelKind::all()[rng.below(5) as usize];
                    *slot = Some(channel_ptm(ck, rng.uniform()));
                }
            }
            let mut got = m.clone();
            got.apply_after(&post);
            let want = m.after(&post);
            assert_eq!(bits(&got), bits(&want), "case {case}");
            match want {
                Sparse16::Perm(..) => perms += 1,
                Sparse16::Entries(_) => others += 1,
            }
            for stale in [maps[0].clone(), maps[4].clone()] {
                let mut tt = stale;
                want.transpose_into(&mut tt);
                assert_eq!(bits(&tt), bits(&want.transpose()), "case {case}");
            }
        }
        assert!(perms > 50 && others > 50, "{perms} {others}");
    }

    #[test]
    fn gates_on_three_wires_are_not_compiled() {
        let t = Op::new(GateKind::Toffoli, &[0, 1, 2], &[]).unwrap();
        assert!(compiled(3, &[NoisyOp::Gate(t)]).is_none());
        let cc = Op::new(GateKind::RX, &[0], &[0.3])
            .unwrap()
            .controlled(&[1, 2])
            .unwrap();
        assert!(compiled(3, &[NoisyOp::Gate(cc)]).is_none());
    }
}
