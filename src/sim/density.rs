//! The exact density-matrix state ([`DensityMatrix`]): every gate of the engine, every
//! [`Channel`], and the read-outs of a mixed state (probabilities, expectation values, reduced
//! Bloch vectors, purity, the matrix itself).
//!
//! ρ is stored row-major as vec(ρ), a vector of 4ⁿ amplitudes indexed `r·2ⁿ + c`: a 2n-qubit
//! [`State`] whose wires 0..n are the row wires and n..2n the column wires. So ρ ↦ UρU† is the
//! statevector kernel of U on the row wires followed by U* on the column wires (U* is again a
//! gate of the set: RX(θ)* = RX(−θ), S* = S†, Rot(a, b, c)* = Rot(−a, b, −c), U3(θ, φ, λ)* =
//! U3(θ, −φ, −λ), …; Y* = −Y, so a Y's column half carries a −1 on its controls' subspace). A
//! channel on wire w is one pass over the 2×2 blocks of (row bit w, column bit w).
//!
//! Memory is 16·4ⁿ bytes: the qubit limit ([`MAX_DENSITY_QUBITS`]) is checked before allocating.

use super::channel::{Channel, Superop};
use super::{GateKind, Observable, Op, PauliString, SimError, State, C64};

/// The largest density matrix allocated natively: 12 qubits, 4¹² · 16 B = 256 MiB.
pub const MAX_DENSITY_QUBITS_NATIVE: usize = 12;

/// The largest density matrix allocated in WebAssembly: 10 qubits, 4¹⁰ · 16 B = 16 MiB (the
/// gradient holds three of them plus snapshots inside the browser's memory).
pub const MAX_DENSITY_QUBITS_WASM: usize = 10;

/// The density-matrix qubit limit on the platform this build targets.
pub const MAX_DENSITY_QUBITS: usize = if cfg!(target_arch = "wasm32") {
    MAX_DENSITY_QUBITS_WASM
} else {
    MAX_DENSITY_QUBITS_NATIVE
};

/// Bytes a density matrix of `n` qubits needs, 16·4ⁿ (saturating).
pub fn density_bytes(n: usize) -> u128 {
    if n >= 60 {
        u128::MAX
    } else {
        (1u128 << (2 * n)) * 16
    }
}

/// Checks that a density matrix of `n` qubits may be allocated here, before allocating it.
///
/// ```
/// assert!(qmlp::sim::check_density_qubits(4).is_ok());
/// let e = qmlp::sim::check_density_qubits(20).unwrap_err().to_string();
/// assert!(e.contains("density matrix") && e.contains("trajectory engine"));
/// ```
pub fn check_density_qubits(n: usize) -> Result<(), SimError> {
    check_density_qubits_with_limit(n, MAX_DENSITY_QUBITS)
}

/// Like [`check_density_qubits`] against an explicit `limit` (e.g. [`MAX_DENSITY_QUBITS_WASM`]).
pub fn check_density_qubits_with_limit(n: usize, limit: usize) -> Result<(), SimError> {
    if n == 0 {
        return Err(SimError::new(
            "a density matrix needs at least 1 qubit; got 0 qubits",
        ));
    }
    if n > limit {
        return Err(SimError::new(format!(
            "{n} qubits need {} for the density matrix (4^{n} entries x 16 bytes); the \
             density-matrix limit here is {limit} qubits ({}). Use fewer qubits, or the \
             trajectory engine, which needs only a statevector.",
            super::human_bytes(density_bytes(n)),
            super::human_bytes(density_bytes(limit)),
        )));
    }
    Ok(())
}

/// The complex conjugate of `kind(p)` as a gate of the set, and whether it also needs a −1 on
/// the subspace where its controls are |1⟩ (only Y and CY: Y* = −Y).
fn conjugate(kind: GateKind, p: [f64; 3]) -> (GateKind, [f64; 3], bool) {
    use GateKind::*;
    match kind {
        H | X | Z | CNOT | CZ | SWAP | Toffoli | CSWAP | RY | CRY => (kind, p, false),
        Y | CY => (kind, p, true),
        S => (Sdg, p, false),
        Sdg => (S, p, false),
        T => (Tdg, p, false),
        Tdg => (T, p, false),
        SX => (SXdg, p, false),
        SXdg => (SX, p, false),
        RX | RZ | PhaseShift | CRX | CRZ | ControlledPhaseShift | IsingXX | IsingZZ => {
            (kind, [-p[0], 0.0, 0.0], false)
        }
        Rot => (Rot, [-p[0], p[1], -p[2]], false),
        U3 => (U3, [p[0], -p[1], -p[2]], false),
    }
}

/// An `n`-qubit density matrix ρ (trace 1 for a state reached by gates and channels).
#[derive(Clone, Debug, PartialEq)]
pub struct DensityMatrix {
    n: usize,
    /// vec(ρ), row-major, as a 2n-qubit vector.
    vec: State,
    /// A reusable op for the shifted/conjugated halves (no allocation per gate).
    scratch: Op,
}

impl DensityMatrix {
    /// |0…0⟩⟨0…0| on `n_qubits` (checked against [`MAX_DENSITY_QUBITS`] first).
    pub fn new(n_qubits: usize) -> Result<DensityMatrix, SimError> {
        check_density_qubits(n_qubits)?;
        let vec = State::new(2 * n_qubits).map_err(|_| {
            SimError::new(format!(
                "could not allocate {} for a {n_qubits}-qubit density matrix; use fewer qubits",
                super::human_bytes(density_bytes(n_qubits))
            ))
        })?;
        Ok(DensityMatrix {
            n: n_qubits,
            vec,
            scratch: Op {
                kind: GateKind::X,
                wires: Vec::with_capacity(3),
                controls: Vec::new(),
                params: [0.0; 3],
            },
        })
    }

    /// The pure state |ψ⟩⟨ψ|.
    pub fn from_state(psi: &State) -> Result<DensityMatrix, SimError> {
        let mut rho = DensityMatrix::new(psi.n_qubits())?;
        let a = psi.amplitudes();
        let dim = a.len();
        for (r, row) in rho.vec.amplitudes_mut().chunks_exact_mut(dim).enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = a[r] * a[c].conj();
            }
        }
        Ok(rho)
    }

    /// A density matrix from its entries, row-major (`4ⁿ` finite values; not checked for
    /// Hermiticity, positivity or trace).
    pub fn from_matrix(entries: Vec<C64>) -> Result<DensityMatrix, SimError> {
        let len = entries.len();
        let n = (len.trailing_zeros() / 2) as usize;
        if len < 4 || !len.is_power_of_two() || len.trailing_zeros() % 2 != 0 {
            return Err(SimError::new(format!(
                "a density matrix needs 4^n entries (4, 16, 64, ...); got {len}"
            )));
        }
        let mut rho = DensityMatrix::new(n)?;
        let vec = State::from_amplitudes(entries)?;
        rho.vec = vec;
        Ok(rho)
    }

    /// Number of qubits.
    pub fn n_qubits(&self) -> usize {
        self.n
    }

    /// The entries of ρ, row-major: ρ(r, c) is at `r·2ⁿ + c` (bit order wire 0 most significant).
    pub fn matrix(&self) -> &[C64] {
        self.vec.amplitudes()
    }

    /// The entries of ρ, mutably (nothing is enforced).
    pub fn matrix_mut(&mut self) -> &mut [C64] {
        self.vec.amplitudes_mut()
    }

    /// The entry ρ(r, c).
    pub fn element(&self, r: usize, c: usize) -> C64 {
        self.vec.amplitudes()[(r << self.n) | c]
    }

    /// Back to |0…0⟩⟨0…0| without reallocating.
    pub fn reset(&mut self) {
        self.vec.reset();
    }

    /// Copies `other` into `self` (no reallocation when the sizes agree).
    pub fn copy_from(&mut self, other: &DensityMatrix) {
        self.vec.copy_from(&other.vec);
        self.n = other.n;
    }

    /// Applies ρ ↦ UρU† for `op`, which must be valid for this state ([`Op::validate`]); an
    /// invalid op is ignored (use [`DensityMatrix::try_apply`] to get the error).
    pub fn apply(&mut self, op: &Op) {
        if self.op_fits(op) {
            self.apply_kind(op.kind, op.params, op);
        }
    }

    /// Validates `op` for this state, then applies it.
    pub fn try_apply(&mut self, op: &Op) -> Result<(), SimError> {
        op.validate(self.n)?;
        self.apply(op);
        Ok(())
    }

    /// Applies ρ ↦ U†ρU (same contract as [`DensityMatrix::apply`]).
    pub fn apply_inverse(&mut self, op: &Op) {
        if self.op_fits(op) {
            let (kind, params) = op.kind.inverse_of(op.params);
            self.apply_kind(kind, params, op);
        }
    }

    /// Cheap structural check: right wire count, every wire `< n`, all distinct. (The 2n-qubit
    /// vector would accept wires up to 2n, which would act on the column half.)
    fn op_fits(&self, op: &Op) -> bool {
        let n = self.n;
        let all = op.wires.iter().chain(&op.controls);
        op.wires.len() == op.kind.n_wires()
            && all.clone().all(|&w| w < n)
            && all.fold(0usize, |m, &w| m | (1 << w)).count_ones() as usize
                == op.wires.len() + op.controls.len()
    }

    /// Applies the channel `ch`, which must be valid for this state; an invalid one is ignored.
    pub fn apply_channel(&mut self, ch: &Channel) {
        if ch.validate(self.n).is_ok() {
            self.apply_superop(ch.wire, &ch.superop());
        }
    }

    /// Validates `ch` for this state, then applies it.
    pub fn try_apply_channel(&mut self, ch: &Channel) -> Result<(), SimError> {
        ch.validate(self.n)?;
        self.apply_superop(ch.wire, &ch.superop());
        Ok(())
    }

    /// `kind(params)` on the wires and controls of `op` (assumed to fit): U on the row wires, U*
    /// on the columns.
    pub(crate) fn apply_kind(&mut self, kind: GateKind, params: [f64; 3], op: &Op) {
        let n = self.n;
        let s = &mut self.scratch;
        s.kind = kind;
        s.params = params;
        s.wires.clear();
        s.wires.extend_from_slice(&op.wires);
        s.controls.clear();
        s.controls.extend_from_slice(&op.controls);
        self.vec.apply(s);
        let (ck, cp, minus) = conjugate(kind, params);
        s.kind = ck;
        s.params = cp;
        s.wires
            .iter_mut()
            .chain(s.controls.iter_mut())
            .for_each(|w| *w += n);
        self.vec.apply(s);
        if minus {
            // −1 where every control of the column half is |1⟩: CY's control and any extra
            // controls; with none (a bare Y) the factor is global.
            let mut ctrl: Vec<usize> = if kind == GateKind::CY {
                vec![s.wires[0]]
            } else {
                Vec::new()
            };
            ctrl.extend_from_slice(&s.controls);
            match ctrl.split_first() {
                None => self.vec.amplitudes_mut().iter_mut().for_each(|v| *v = -*v),
                Some((&first, rest)) => {
                    s.kind = GateKind::Z;
                    s.wires.clear();
                    s.wires.push(first);
                    s.controls.clear();
                    s.controls.extend_from_slice(rest);
                    self.vec.apply(s);
                }
            }
        }
    }

    /// One pass of a 2×2-block superoperator over (row bit, column bit) of `wire`.
    pub(crate) fn apply_superop(&mut self, wire: usize, sup: &Superop) {
        superop_pass(self.vec.amplitudes_mut(), self.n, wire, sup);
    }

    /// Tr ρ.
    pub fn trace(&self) -> f64 {
        let dim = 1usize << self.n;
        (0..dim)
            .map(|i| self.vec.amplitudes()[i * dim + i].re)
            .sum()
    }

    /// ρᵢᵢ for every basis state.
    pub fn probabilities(&self) -> Vec<f64> {
        let dim = 1usize << self.n;
        (0..dim)
            .map(|i| self.vec.amplitudes()[i * dim + i].re)
            .collect()
    }

    /// Probabilities of the basis states of `wires` (first wire most significant).
    pub fn marginal_probabilities(&self, wires: &[usize]) -> Result<Vec<f64>, SimError> {
        let n = self.n;
        for (k, &w) in wires.iter().enumerate() {
            if w >= n {
                return Err(SimError::new(format!(
                    "wire {w} is out of range for a {n}-qubit density matrix"
                )));
            }
            if wires[..k].contains(&w) {
                return Err(SimError::new(format!(
                    "wire {w} is listed twice for marginal probabilities"
                )));
            }
        }
        let mut out = vec![0.0; 1usize << wires.len()];
        for (i, p) in self.probabilities().into_iter().enumerate() {
            let j = wires
                .iter()
                .fold(0, |j, &w| (j << 1) | ((i >> (n - 1 - w)) & 1));
            out[j] += p;
        }
        Ok(out)
    }

    /// Tr(Pρ) (NaN if a wire is out of range; see [`PauliString::validate`]).
    pub fn expval_pauli(&self, p: &PauliString) -> f64 {
        let Some(m) = masks(p, self.n) else {
            return f64::NAN;
        };
        let dim = 1usize << self.n;
        let a = self.vec.amplitudes();
        // Tr(Pρ) = i^{nY} Σ_c (−1)^{|c & z|} ρ[c][c ^ x]
        let mut acc = C64::new(0.0, 0.0);
        for c in 0..dim {
            acc += a[c * dim + (c ^ m.x)] * sign(c, m.z);
        }
        (i_pow(m.n_y) * acc).re
    }

    /// Tr(Oρ) (NaN for an observable that does not fit; see [`Observable::validate`]).
    pub fn expval(&self, obs: &Observable) -> f64 {
        let dim = 1usize << self.n;
        let a = self.vec.amplitudes();
        match obs {
            Observable::Pauli(p) => self.expval_pauli(p),
            Observable::Sum(terms) => terms.iter().map(|(c, p)| c * self.expval_pauli(p)).sum(),
            Observable::Hermitian(terms) => terms
                .iter()
                .flat_map(|t| t.pauli_terms())
                .map(|(c, p)| c * self.expval_pauli(&p))
                .sum(),
            Observable::Projector(phi) => {
                if phi.n_qubits() != self.n {
                    return f64::NAN;
                }
                let f = phi.amplitudes();
                let mut acc = C64::new(0.0, 0.0);
                for (r, row) in a.chunks_exact(dim).enumerate() {
                    let inner: C64 = row.iter().zip(f).map(|(v, fc)| v * fc).sum();
                    acc += f[r].conj() * inner;
                }
                acc.re
            }
            Observable::Diagonal(d) => {
                if d.len() != dim {
                    return f64::NAN;
                }
                d.iter()
                    .enumerate()
                    .map(|(i, x)| x * a[i * dim + i].re)
                    .sum()
            }
        }
    }

    /// Validates `obs` for this state, then returns Tr(Oρ).
    pub fn try_expval(&self, obs: &Observable) -> Result<f64, SimError> {
        obs.validate(self.n)?;
        Ok(self.expval(obs))
    }

    /// The reduced 2×2 density matrix of `wire` (partial trace over the others); NaNs if the
    /// wire is out of range.
    pub fn reduced(&self, wire: usize) -> [[C64; 2]; 2] {
        let n = self.n;
        if wire >= n {
            return [[C64::new(f64::NAN, f64::NAN); 2]; 2];
        }
        let dim = 1usize << n;
        let t = 1usize << (n - 1 - wire);
        let a = self.vec.amplitudes();
        let mut m = [[C64::new(0.0, 0.0); 2]; 2];
        for i in (0..dim).filter(|i| i & t == 0) {
            let j = i | t;
            m[0][0] += a[i * dim + i];
            m[0][1] += a[i * dim + j];
            m[1][0] += a[j * dim + i];
            m[1][1] += a[j * dim + j];
        }
        m
    }

    /// The reduced Bloch vector (⟨X⟩, ⟨Y⟩, ⟨Z⟩) of `wire`: length 1 for a pure reduced state,
    /// shorter for a mixed one (NaNs if the wire is out of range).
    pub fn bloch(&self, wire: usize) -> [f64; 3] {
        let m = self.reduced(wire);
        [2.0 * m[0][1].re, -2.0 * m[0][1].im, m[0][0].re - m[1][1].re]
    }

    /// Purity Tr ρ² = Σ |ρᵢⱼ|² (ρ Hermitian): 1 for a pure state, 2⁻ⁿ for the maximally mixed one.
    pub fn purity(&self) -> f64 {
        self.vec.norm_sqr()
    }
}

/// One pass of `sup` over the 2×2 blocks (row bit, column bit) of `wire` in vec(ρ) of `n` qubits.
pub(crate) fn superop_pass(amps: &mut [C64], n: usize, wire: usize, sup: &Superop) {
    let cb = n - 1 - wire;
    let (sl, sh) = (1usize << cb, 1usize << (cb + n));
    for chunk in amps.chunks_exact_mut(2 * sh) {
        let (top, bottom) = chunk.split_at_mut(sh);
        for (t, b) in top
            .chunks_exact_mut(2 * sl)
            .zip(bottom.chunks_exact_mut(2 * sl))
        {
            let (e00, e01) = t.split_at_mut(sl);
            let (e10, e11) = b.split_at_mut(sl);
            for (((a, bb), c), d) in e00
                .iter_mut()
                .zip(e01.iter_mut())
                .zip(e10.iter_mut())
                .zip(e11.iter_mut())
            {
                sup.apply(a, bb, c, d);
            }
        }
    }
}

/// Bit masks of a Pauli string on `n` qubits: X-or-Y bits, Z-or-Y bits, number of Ys.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Masks {
    pub(crate) x: usize,
    pub(crate) z: usize,
    pub(crate) n_y: u32,
}

/// The masks of `p` on `n` qubits, `None` if a wire is out of range.
pub(crate) fn masks(p: &PauliString, n: usize) -> Option<Masks> {
    let mut m = Masks { x: 0, z: 0, n_y: 0 };
    for &(w, pauli) in &p.terms {
        if w >= n {
            return None;
        }
        let b = 1usize << (n - 1 - w);
        match pauli {
            super::Pauli::X => m.x |= b,
            super::Pauli::Z => m.z |= b,
            super::Pauli::Y => {
                m.x |= b;
                m.z |= b;
                m.n_y += 1;
            }
        }
    }
    Some(m)
}

/// i^k for k mod 4.
pub(crate) fn i_pow(k: u32) -> C64 {
    match k % 4 {
        0 => C64::new(1.0, 0.0),
        1 => C64::new(0.0, 1.0),
        2 => C64::new(-1.0, 0.0),
        _ => C64::new(0.0, -1.0),
    }
}

/// ±1 by the parity of `i & z`.
#[inline]
pub(crate) fn sign(i: usize, z: usize) -> f64 {
    1.0 - 2.0 * ((i & z).count_ones() & 1) as f64
}

/// Adds `weight · O` (as a 2ⁿ×2ⁿ matrix, row-major) to `out`; parts of `obs` that do not fit
/// `n` qubits add nothing (validate first).
pub(crate) fn add_observable_matrix(obs: &Observable, weight: f64, n: usize, out: &mut [C64]) {
    let dim = 1usize << n;
    let mut add_pauli = |c: f64, p: &PauliString| {
        if let Some(m) = masks(p, n) {
            // P|c⟩ = i^{nY} (−1)^{|c & z|} |c ^ x⟩: P[c ^ x][c].
            let ph = i_pow(m.n_y) * c;
            for col in 0..dim {
                out[(col ^ m.x) * dim + col] += ph * sign(col, m.z);
            }
        }
    };
    match obs {
        Observable::Pauli(p) => add_pauli(weight, p),
        Observable::Sum(terms) => {
            for (c, p) in terms {
                add_pauli(weight * c, p);
            }
        }
        Observable::Hermitian(terms) => {
            for (c, p) in terms.iter().flat_map(|t| t.pauli_terms()) {
                add_pauli(weight * c, &p);
            }
        }
        Observable::Projector(phi) => {
            if phi.n_qubits() == n {
                let f = phi.amplitudes();
                for (r, row) in out.chunks_exact_mut(dim).enumerate() {
                    for (v, fc) in row.iter_mut().zip(f) {
                        *v += f[r] * fc.conj() * weight;
                    }
                }
            }
        }
        Observable::Diagonal(d) => {
            if d.len() == dim {
                for (i, x) in d.iter().enumerate() {
                    out[i * dim + i] += weight * x;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::sim::{ChannelKind, Pauli};
    use std::f64::consts::PI;

    fn random_state(n: usize, rng: &mut Rng) -> State {
        let amps: Vec<C64> = (0..1 << n)
            .map(|_| C64::new(rng.normal(), rng.normal()))
            .collect();
        let norm = amps.iter().map(|a| a.norm_sqr()).sum::<f64>().sqrt();
        State::from_amplitudes(amps.into_iter().map(|a| a / norm).collect()).unwrap()
    }

    fn random_op(kind: GateKind, n: usize, rng: &mut Rng, with_controls: bool) -> Op {
        let mut wires: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut wires);
        let params: Vec<f64> = (0..kind.n_params()).map(|_| rng.range(-PI, PI)).collect();
        let op = Op::new(kind, &wires[..kind.n_wires()], &params).unwrap();
        if with_controls && kind.is_single_qubit() && n > kind.n_wires() {
            let k = 1 + rng.below((n - kind.n_wires()) as u64) as usize;
            op.controlled(&wires[1..1 + k.min(n - 1)]).unwrap()
        } else {
            op
        }
    }

    fn assert_close(a: &DensityMatrix, b: &DensityMatrix, tol: f64, what: &str) {
        for (i, (x, y)) in a.matrix().iter().zip(b.matrix()).enumerate() {
            assert!((x - y).norm() < tol, "{what}: entry {i}: {x} vs {y}");
        }
    }

    /// UρU† on the density matrix equals the outer product of the evolved statevector, for
    /// every gate kind, with and without extra controls, and for the inverse.
    #[test]
    fn every_gate_matches_the_statevector_outer_product() {
        let mut rng = Rng::new(7);
        for &kind in GateKind::all() {
            for n in kind.n_wires()..=4 {
                for with_controls in [false, true] {
                    let psi = random_state(n, &mut rng);
                    let op = random_op(kind, n, &mut rng, with_controls);
                    let mut rho = DensityMatrix::from_state(&psi).unwrap();
                    rho.try_apply(&op).unwrap();
                    let mut s = psi.clone();
                    s.apply(&op);
                    let want = DensityMatrix::from_state(&s).unwrap();
                    assert_close(&rho, &want, 1e-13, &format!("{op:?}"));
                    rho.apply_inverse(&op);
                    let back = DensityMatrix::from_state(&psi).unwrap();
                    assert_close(&rho, &back, 1e-13, &format!("inverse of {op:?}"));
                }
            }
        }
    }

    /// A channel on the density matrix equals Σ K ρ K† built from the Kraus operators applied
    /// to a mixture of statevectors.
    #[test]
    fn channels_match_kraus_sums_on_mixtures() {
        let mut rng = Rng::new(9);
        for &kind in ChannelKind::all() {
            for n in 1..=3 {
                let (a, b) = (random_state(n, &mut rng), random_state(n, &mut rng));
                let w = rng.below(n as u64) as usize;
                let s = rng.uniform();
                let ch = Channel::new(kind, w, s).unwrap();
                let mix = |x: &DensityMatrix, y: &DensityMatrix| {
                    let m: Vec<C64> = x
                        .matrix()
                        .iter()
                        .zip(y.matrix())
                        .map(|(p, q)| p * 0.3 + q * 0.7)
                        .collect();
                    DensityMatrix::from_matrix(m).unwrap()
                };
                let mut rho = mix(
                    &DensityMatrix::from_state(&a).unwrap(),
                    &DensityMatrix::from_state(&b).unwrap(),
                );
                rho.try_apply_channel(&ch).unwrap();
                // Σ_k K_k ρ K_k† via K_k on each pure component (unnormalised statevectors).
                let mut want = vec![C64::new(0.0, 0.0); 1 << (2 * n)];
                for (psi, p) in [(&a, 0.3), (&b, 0.7)] {
                    for k in ch.kraus().unwrap() {
                        let t = 1usize << (n - 1 - w);
                        let mut v = psi.amplitudes().to_vec();
                        for i in (0..v.len()).filter(|i| i & t == 0) {
                            let (x, y) = (v[i], v[i | t]);
                            v[i] = k[0][0] * x + k[0][1] * y;
                            v[i | t] = k[1][0] * x + k[1][1] * y;
                        }
                        let dim = v.len();
                        for r in 0..dim {
                            for c in 0..dim {
                                want[r * dim + c] += v[r] * v[c].conj() * p;
                            }
                        }
                    }
                }
                let want = DensityMatrix::from_matrix(want).unwrap();
                assert_close(&rho, &want, 1e-13, &format!("{kind} on wire {w} of {n}"));
                assert!((rho.trace() - 1.0).abs() < 1e-13);
            }
        }
    }

    #[test]
    fn readouts_of_pure_states_match_the_statevector() {
        let mut rng = Rng::new(2);
        for n in 1..=4 {
            let psi = random_state(n, &mut rng);
            let rho = DensityMatrix::from_state(&psi).unwrap();
            assert!((rho.trace() - 1.0).abs() < 1e-13);
            let a = psi.amplitudes();
            let (r, c) = (a.len() - 1, a.len() / 2);
            assert_eq!(rho.element(r, c), rho.matrix()[r * a.len() + c]);
            assert!((rho.element(r, c) - a[r] * a[c].conj()).norm() < 1e-15);
            let mut copy = DensityMatrix::new(1).unwrap();
            copy.copy_from(&rho);
            assert_eq!(copy, rho);
            copy.reset();
            assert_eq!(copy, DensityMatrix::new(n).unwrap());
            assert!((rho.purity() - 1.0).abs() < 1e-13);
            for (p, q) in rho.probabilities().iter().zip(psi.probabilities()) {
                assert!((p - q).abs() < 1e-14);
            }
            let wires: Vec<usize> = (0..n).rev().collect();
            let a = rho.marginal_probabilities(&wires).unwrap();
            let b = psi.marginal_probabilities(&wires);
            assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-14));
            for w in 0..n {
                let (x, y) = (rho.bloch(w), psi.bloch(w));
                assert!((0..3).all(|k| (x[k] - y[k]).abs() < 1e-13), "{x:?} {y:?}");
            }
            let mut phi = random_state(n, &mut rng);
            phi.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
            let terms: Vec<(usize, Pauli)> = (0..n)
                .map(|w| (w, [Pauli::X, Pauli::Y, Pauli::Z][rng.below(3) as usize]))
                .collect();
            let obs = [
                Observable::Pauli(PauliString::new(terms.clone()).unwrap()),
                Observable::Pauli(PauliString::identity()),
                Observable::Sum(vec![
                    (0.5, PauliString::new(terms[..1].to_vec()).unwrap()),
                    (-1.25, PauliString::new(terms).unwrap()),
                ]),
                Observable::Projector(phi),
                Observable::Diagonal((0..1 << n).map(|i| i as f64 - 1.5).collect()),
            ];
            for o in &obs {
                let (x, y) = (rho.try_expval(o).unwrap(), psi.expval(o));
                assert!((x - y).abs() < 1e-13, "{o:?}: {x} vs {y}");
                // The observable's matrix gives the same value as Tr(Oρ) = ⟨vec O, vec ρ⟩.
                let mut m = vec![C64::new(0.0, 0.0); 1 << (2 * n)];
                add_observable_matrix(o, 2.0, n, &mut m);
                let tr: C64 = m.iter().zip(rho.matrix()).map(|(a, b)| a.conj() * b).sum();
                assert!((tr.re - 2.0 * y).abs() < 1e-12 && tr.im.abs() < 1e-12);
            }
            assert!(rho
                .try_expval(&Observable::Pauli("Z9".parse().unwrap()))
                .is_err());
        }
    }

    #[test]
    fn mixed_states_have_short_bloch_vectors_and_low_purity() {
        let mut rho = DensityMatrix::new(2).unwrap();
        rho.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
        rho.apply(&Op::new(GateKind::CNOT, &[0, 1], &[]).unwrap());
        // A Bell state: each wire alone is maximally mixed, the pair is pure.
        assert!((rho.purity() - 1.0).abs() < 1e-14);
        assert!(rho.bloch(0).iter().all(|v| v.abs() < 1e-14));
        let mut rho = DensityMatrix::new(1).unwrap();
        rho.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
        let p = 0.3;
        rho.apply_channel(&Channel::new(ChannelKind::DepolarizingChannel, 0, p).unwrap());
        let b = rho.bloch(0);
        assert!((b[0] - (1.0 - 4.0 * p / 3.0)).abs() < 1e-14, "{b:?}");
        let r2 = b.iter().map(|v| v * v).sum::<f64>();
        assert!((rho.purity() - (1.0 + r2) / 2.0).abs() < 1e-14);
        // p = 3/4 is the fully depolarizing channel: ρ = I/2.
        let mut rho = DensityMatrix::new(1).unwrap();
        rho.apply_channel(&Channel::new(ChannelKind::DepolarizingChannel, 0, 0.75).unwrap());
        assert!((rho.purity() - 0.5).abs() < 1e-15);
        // Amplitude damping with γ = 1 sends |1⟩ to |0⟩.
        let mut rho = DensityMatrix::new(2).unwrap();
        rho.apply(&Op::new(GateKind::X, &[1], &[]).unwrap());
        rho.apply_channel(&Channel::new(ChannelKind::AmplitudeDamping, 1, 1.0).unwrap());
        assert!((rho.probabilities()[0] - 1.0).abs() < 1e-15);
        assert!(rho.bloch(5).iter().all(|v| v.is_nan()));
    }

    #[test]
    fn the_qubit_limit_is_an_error_before_allocating() {
        let e = DensityMatrix::new(MAX_DENSITY_QUBITS + 1)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("limit here is {MAX_DENSITY_QUBITS} qubits")),
            "{e}"
        );
        let e = check_density_qubits_with_limit(11, MAX_DENSITY_QUBITS_WASM)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("64 MiB") && e.contains("10 qubits (16 MiB)"),
            "{e}"
        );
        assert!(DensityMatrix::new(0).is_err());
        assert_eq!(density_bytes(12), 256 << 20);
        assert!(DensityMatrix::from_matrix(vec![C64::new(1.0, 0.0); 8]).is_err());
        assert!(DensityMatrix::from_matrix(vec![C64::new(1.0, 0.0); 16]).is_ok());
    }

    #[test]
    fn invalid_ops_and_channels_are_reported() {
        let mut rho = DensityMatrix::new(2).unwrap();
        let bad = Op {
            kind: GateKind::X,
            wires: vec![2],
            controls: vec![],
            params: [0.0; 3],
        };
        assert!(rho.try_apply(&bad).is_err());
        let ch = Channel {
            kind: ChannelKind::BitFlip,
            wire: 0,
            strength: 2.0,
        };
        assert!(rho.try_apply_channel(&ch).is_err());
        rho.apply_channel(&ch);
        assert_eq!(rho, DensityMatrix::new(2).unwrap());
    }
}
