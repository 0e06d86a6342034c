//! Observables: Pauli strings, weighted sums of them, projectors, diagonal operators and sums of
//! small Hermitian matrices on chosen wires, with their expectation values and their action O|ψ⟩.

use super::{SimError, State, C64};
use std::fmt;
use std::str::FromStr;

/// A single-qubit Pauli operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pauli {
    /// Pauli X.
    X,
    /// Pauli Y.
    Y,
    /// Pauli Z.
    Z,
}

impl Pauli {
    /// The letter `X`, `Y` or `Z`.
    pub fn letter(self) -> char {
        match self {
            Pauli::X => 'X',
            Pauli::Y => 'Y',
            Pauli::Z => 'Z',
        }
    }
}

/// A tensor product of Paulis on distinct wires, sorted by wire; no terms means the identity.
#[derive(Clone, Debug, PartialEq)]
pub struct PauliString {
    /// `(wire, Pauli)` pairs, sorted by wire, wires distinct.
    pub terms: Vec<(usize, Pauli)>,
}

/// Bit masks of a Pauli string on `n` qubits: X-or-Y wires, Z-or-Y wires, and the number of Ys.
#[derive(Clone, Copy, Debug)]
struct Masks {
    x: usize,
    z: usize,
    n_y: u32,
}

/// i^k for k mod 4.
fn i_pow(k: u32) -> C64 {
    match k % 4 {
        0 => C64::new(1.0, 0.0),
        1 => C64::new(0.0, 1.0),
        2 => C64::new(-1.0, 0.0),
        _ => C64::new(0.0, -1.0),
    }
}

/// ±1 by the parity of `i & z`.
#[inline]
fn sign(i: usize, z: usize) -> f64 {
    1.0 - 2.0 * ((i & z).count_ones() & 1) as f64
}

impl PauliString {
    /// The identity (no terms).
    pub fn identity() -> PauliString {
        PauliString { terms: Vec::new() }
    }

    /// A Pauli string from `(wire, Pauli)` pairs in any order; wires must be distinct.
    pub fn new(mut terms: Vec<(usize, Pauli)>) -> Result<PauliString, SimError> {
        terms.sort_by_key(|t| t.0);
        if let Some(w) = terms.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(SimError::new(format!(
                "wire {} appears twice in the Pauli string; each wire may carry one Pauli",
                w[0].0
            )));
        }
        Ok(PauliString { terms })
    }

    /// A single Pauli on one wire.
    pub fn single(wire: usize, p: Pauli) -> PauliString {
        PauliString {
            terms: vec![(wire, p)],
        }
    }

    /// Checks that every wire is `< n_qubits`, wires are distinct and sorted.
    pub fn validate(&self, n_qubits: usize) -> Result<(), SimError> {
        if let Some(&(w, p)) = self.terms.iter().find(|t| t.0 >= n_qubits) {
            return Err(SimError::new(format!(
                "observable {}{w} uses wire {w}, but the circuit has {n_qubits} qubit(s)",
                p.letter()
            )));
        }
        if self.terms.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(SimError::new(format!(
                "Pauli string {self} must list distinct wires in increasing order"
            )));
        }
        Ok(())
    }

    /// For a string of Z factors only (diagonal in the computational basis) on `n` qubits: the
    /// mask of basis-index bits it reads, so that `⟨i|P|i⟩ = (−1)^{|i & mask|}`; `None` when it
    /// holds an X or a Y or a wire beyond `n`.
    pub fn z_mask(&self, n: usize) -> Option<usize> {
        self.masks(n).filter(|m| m.x == 0).map(|m| m.z)
    }

    fn masks(&self, n: usize) -> Option<Masks> {
        let mut m = Masks { x: 0, z: 0, n_y: 0 };
        for &(w, p) in &self.terms {
            if w >= n {
                return None;
            }
            let b = 1usize << (n - 1 - w);
            match p {
                Pauli::X => m.x |= b,
                Pauli::Z => m.z |= b,
                Pauli::Y => {
                    m.x |= b;
                    m.z |= b;
                    m.n_y += 1;
                }
            }
        }
        Some(m)
    }
}

impl FromStr for PauliString {
    type Err = SimError;

    /// Parses `"Z0"`, `"X1 Y3"`, `"Z0 Z1 Z2"`, `"Z0Z1"`, `"Z0 @ Z1"`; `""` or `"I"` is the identity.
    fn from_str(s: &str) -> Result<PauliString, SimError> {
        let chars: Vec<char> = s.chars().collect();
        let mut terms = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let ch = chars[i];
            if ch.is_whitespace() || ch == '@' || ch == '*' {
                i += 1;
                continue;
            }
            let p = match ch.to_ascii_uppercase() {
                'X' => Some(Pauli::X),
                'Y' => Some(Pauli::Y),
                'Z' => Some(Pauli::Z),
                'I' => None,
                _ => {
                    return Err(SimError::new(format!(
                        "unknown Pauli '{ch}' in \"{s}\": write X, Y, Z or I followed by a wire \
                         number, e.g. \"Z0 X1\""
                    )))
                }
            };
            i += 1;
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if start == i {
                if p.is_none() {
                    continue; // a bare "I" is the identity
                }
                return Err(SimError::new(format!(
                    "'{ch}' in \"{s}\" needs a wire number, e.g. \"{ch}0\""
                )));
            }
            let digits: String = chars[start..i].iter().collect();
            let wire: usize = digits.parse().map_err(|_| {
                SimError::new(format!("wire number {digits} in \"{s}\" is too large"))
            })?;
            if let Some(p) = p {
                terms.push((wire, p));
            }
        }
        PauliString::new(terms).map_err(|e| SimError::new(format!("in \"{s}\": {e}")))
    }
}

impl fmt::Display for PauliString {
    /// Canonical form `"X1 Y3"`; the identity prints as `"I"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.terms.is_empty() {
            return f.write_str("I");
        }
        for (k, (w, p)) in self.terms.iter().enumerate() {
            if k > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}{w}", p.letter())?;
        }
        Ok(())
    }
}

/// A Hermitian observable.
#[derive(Clone, Debug, PartialEq)]
pub enum Observable {
    /// One Pauli string.
    Pauli(PauliString),
    /// Σ coefficient · Pauli string.
    Sum(Vec<(f64, PauliString)>),
    /// |φ⟩⟨φ| for a state φ of the same size.
    Projector(State),
    /// diag(d₀, d₁, …), one real entry per basis state.
    Diagonal(Vec<f64>),
    /// Σ_t H_t ⊗ I: Hermitian matrices, each acting on its own wires (e.g. the weighted label
    /// projectors of a fidelity readout, `Σ_c w_c |φ_c⟩⟨φ_c| ⊗ I`).
    Hermitian(Vec<HermitianTerm>),
}

/// A Hermitian matrix on a few wires, the identity on the others.
#[derive(Clone, Debug, PartialEq)]
pub struct HermitianTerm {
    /// The wires it acts on, distinct; `wires[0]` is the most significant bit of the matrix's
    /// row and column index (the engine's own bit order).
    pub wires: Vec<usize>,
    /// The `2^k × 2^k` matrix for `k` wires, row-major.
    pub matrix: Vec<C64>,
}

impl HermitianTerm {
    /// The term as a sum of Pauli strings, `H = Σ_P c_P P` with `c_P = Tr(P H) / 2^k`
    /// (terms with |c_P| ≤ 1e-15 left out; the identity is the empty string). Engines that
    /// work in the Pauli basis (density matrices, readout error) use this form.
    pub fn pauli_terms(&self) -> Vec<(f64, PauliString)> {
        let k = self.wires.len();
        let dim = 1usize << k;
        if self.matrix.len() != dim * dim {
            return Vec::new();
        }
        let mut out = Vec::new();
        // Pauli on local wire j (bit k-1-j of the index) from (x bit, z bit).
        for x in 0..dim {
            for z in 0..dim {
                // P[r][r^x] = (−i)^{nY} (−1)^{|r & z|}, so Tr(PH) = (−i)^{nY} Σ_r (−1)^{|r&z|} H[r^x][r].
                let n_y = (x & z).count_ones();
                let mut acc = C64::new(0.0, 0.0);
                for r in 0..dim {
                    let v = self.matrix[(r ^ x) * dim + r];
                    if (r & z).count_ones() & 1 == 1 {
                        acc -= v;
                    } else {
                        acc += v;
                    }
                }
                let phase = match n_y % 4 {
                    0 => C64::new(1.0, 0.0),
                    1 => C64::new(0.0, -1.0),
                    2 => C64::new(-1.0, 0.0),
                    _ => C64::new(0.0, 1.0),
                };
                let c = (phase * acc).re / dim as f64;
                if c.abs() <= 1e-15 {
                    continue;
                }
                let mut terms: Vec<(usize, Pauli)> = (0..k)
                    .filter_map(|j| {
                        let bit = k - 1 - j;
                        let p = match (x >> bit & 1, z >> bit & 1) {
                            (0, 0) => return None,
                            (1, 0) => Pauli::X,
                            (1, 1) => Pauli::Y,
                            _ => Pauli::Z,
                        };
                        Some((self.wires[j], p))
                    })
                    .collect();
                terms.sort_by_key(|t| t.0);
                out.push((c, PauliString { terms }));
            }
        }
        out
    }

    /// `Σ_j w_j |φ_j⟩⟨φ_j|` on `wires`, each `φ_j` a vector of `2^k` amplitudes (`wires[0]`
    /// most significant).
    pub fn weighted_projectors<'a>(
        wires: Vec<usize>,
        terms: impl IntoIterator<Item = (f64, &'a [C64])>,
    ) -> HermitianTerm {
        let dim = 1usize << wires.len();
        let mut t = HermitianTerm {
            wires,
            matrix: vec![C64::new(0.0, 0.0); dim * dim],
        };
        t.set_weighted_projectors(terms);
        t
    }

    /// Rewrites the matrix in place as `Σ_j w_j |φ_j⟩⟨φ_j|` (no allocation); vectors shorter
    /// than `2^k` are padded with zeros.
    pub fn set_weighted_projectors<'a>(
        &mut self,
        terms: impl IntoIterator<Item = (f64, &'a [C64])>,
    ) {
        let dim = 1usize << self.wires.len();
        self.matrix.fill(C64::new(0.0, 0.0));
        for (w, phi) in terms {
            if w == 0.0 {
                continue;
            }
            for (a, pa) in phi.iter().enumerate().take(dim) {
                let row = pa * w;
                for (b, pb) in phi.iter().enumerate().take(dim) {
                    self.matrix[a * dim + b] += row * pb.conj();
                }
            }
        }
    }

    /// For every local index `a` (`2^k` of them), the offset it adds to a global amplitude
    /// index on `n` qubits; with the mask of all the term's bits. `None` if a wire is out of
    /// range.
    fn offsets(&self, n: usize) -> Option<(Vec<usize>, usize)> {
        let k = self.wires.len();
        if self.wires.iter().any(|&w| w >= n) {
            return None;
        }
        let bits: Vec<usize> = self.wires.iter().map(|&w| 1usize << (n - 1 - w)).collect();
        let offsets = (0..1usize << k)
            .map(|a| {
                (0..k)
                    .filter(|j| a >> (k - 1 - j) & 1 == 1)
                    .fold(0, |o, j| o | bits[j])
            })
            .collect();
        Some((offsets, bits.iter().fold(0, |m, b| m | b)))
    }

    fn validate(&self, n_qubits: usize, t: usize) -> Result<(), SimError> {
        let k = self.wires.len();
        if k == 0 || k > n_qubits {
            return Err(SimError::new(format!(
                "Hermitian term {t} acts on {k} wire(s); it needs 1 to {n_qubits}"
            )));
        }
        for (i, &w) in self.wires.iter().enumerate() {
            if w >= n_qubits {
                return Err(SimError::new(format!(
                    "Hermitian term {t} uses wire {w}, but the circuit has {n_qubits} qubit(s)"
                )));
            }
            if self.wires[..i].contains(&w) {
                return Err(SimError::new(format!(
                    "Hermitian term {t} lists wire {w} twice"
                )));
            }
        }
        let dim = 1usize << k;
        if self.matrix.len() != dim * dim {
            return Err(SimError::new(format!(
                "Hermitian term {t} on {k} wire(s) needs a {dim}×{dim} matrix ({} entries), has {}",
                dim * dim,
                self.matrix.len()
            )));
        }
        if self
            .matrix
            .iter()
            .any(|v| !v.re.is_finite() || !v.im.is_finite())
        {
            return Err(SimError::new(format!(
                "Hermitian term {t} has an entry that is not a finite number"
            )));
        }
        let scale = self.matrix.iter().map(|v| v.norm()).fold(1.0, f64::max);
        for a in 0..dim {
            for b in 0..=a {
                if (self.matrix[a * dim + b] - self.matrix[b * dim + a].conj()).norm()
                    > 1e-9 * scale
                {
                    return Err(SimError::new(format!(
                        "Hermitian term {t} is not Hermitian: entry ({a}, {b}) is not the \
                         conjugate of entry ({b}, {a})"
                    )));
                }
            }
        }
        Ok(())
    }

    /// ⟨ψ|H ⊗ I|ψ⟩ (NaN if the term does not fit).
    fn expval(&self, amps: &[C64], n: usize) -> f64 {
        let Some((off, mask)) = self.offsets(n) else {
            return f64::NAN;
        };
        let dim = off.len();
        if self.matrix.len() != dim * dim {
            return f64::NAN;
        }
        let mut v = vec![C64::new(0.0, 0.0); dim];
        let mut acc = 0.0;
        for base in (0..amps.len()).filter(|i| i & mask == 0) {
            for (x, o) in v.iter_mut().zip(&off) {
                *x = amps[base | o];
            }
            for (a, va) in v.iter().enumerate() {
                let row = &self.matrix[a * dim..(a + 1) * dim];
                let hv: C64 = row.iter().zip(&v).map(|(m, x)| m * x).sum();
                acc += (va.conj() * hv).re;
            }
        }
        acc
    }

    /// Adds (H ⊗ I)|ψ⟩ into `dst`.
    fn add_applied(&self, src: &[C64], dst: &mut [C64], n: usize) {
        let Some((off, mask)) = self.offsets(n) else {
            return;
        };
        let dim = off.len();
        if self.matrix.len() != dim * dim {
            return;
        }
        let mut v = vec![C64::new(0.0, 0.0); dim];
        for base in (0..src.len()).filter(|i| i & mask == 0) {
            for (x, o) in v.iter_mut().zip(&off) {
                *x = src[base | o];
            }
            for (a, o) in off.iter().enumerate() {
                let row = &self.matrix[a * dim..(a + 1) * dim];
                dst[base | o] += row.iter().zip(&v).map(|(m, x)| m * x).sum::<C64>();
            }
        }
    }
}

impl Observable {
    /// Checks the observable against an `n_qubits` state.
    pub fn validate(&self, n_qubits: usize) -> Result<(), SimError> {
        match self {
            Observable::Pauli(p) => p.validate(n_qubits),
            Observable::Sum(terms) => {
                for (c, p) in terms {
                    if !c.is_finite() {
                        return Err(SimError::new(format!(
                            "coefficient {c} of {p} must be a finite number"
                        )));
                    }
                    p.validate(n_qubits)?;
                }
                Ok(())
            }
            Observable::Projector(s) => {
                if s.n_qubits() == n_qubits {
                    Ok(())
                } else {
                    Err(SimError::new(format!(
                        "projector state has {} qubit(s) but the circuit has {n_qubits}",
                        s.n_qubits()
                    )))
                }
            }
            Observable::Diagonal(d) => {
                let want = 1usize.checked_shl(n_qubits as u32).unwrap_or(0);
                if d.len() != want {
                    return Err(SimError::new(format!(
                        "diagonal observable has {} entries but a {n_qubits}-qubit state needs {want}",
                        d.len()
                    )));
                }
                if let Some(i) = d.iter().position(|v| !v.is_finite()) {
                    return Err(SimError::new(format!(
                        "diagonal observable entry {i} is {}; entries must be finite",
                        d[i]
                    )));
                }
                Ok(())
            }
            Observable::Hermitian(terms) => {
                for (t, term) in terms.iter().enumerate() {
                    term.validate(n_qubits, t)?;
                }
                Ok(())
            }
        }
    }
}

impl State {
    /// ⟨ψ|P|ψ⟩ (NaN if a wire is out of range; see [`PauliString::validate`]).
    pub fn expval_pauli(&self, p: &PauliString) -> f64 {
        let Some(m) = p.masks(self.n_qubits()) else {
            return f64::NAN;
        };
        let a = self.amplitudes();
        if m.x == 0 {
            return a
                .iter()
                .enumerate()
                .map(|(i, v)| sign(i, m.z) * v.norm_sqr())
                .sum();
        }
        // P|i⟩ = i^{nY} (−1)^{|i & z|} |i ^ x⟩
        let mut acc = C64::new(0.0, 0.0);
        for (i, v) in a.iter().enumerate() {
            acc += a[i ^ m.x].conj() * v * sign(i, m.z);
        }
        (i_pow(m.n_y) * acc).re
    }

    /// ⟨ψ|O|ψ⟩ (NaN for an observable that does not fit; see [`Observable::validate`]).
    pub fn expval(&self, obs: &Observable) -> f64 {
        match obs {
            Observable::Pauli(p) => self.expval_pauli(p),
            Observable::Sum(terms) => terms.iter().map(|(c, p)| c * self.expval_pauli(p)).sum(),
            Observable::Projector(phi) => {
                if phi.n_qubits() != self.n_qubits() {
                    return f64::NAN;
                }
                phi.inner(self).norm_sqr()
            }
            Observable::Diagonal(d) => {
                if d.len() != self.amplitudes().len() {
                    return f64::NAN;
                }
                d.iter()
                    .zip(self.amplitudes())
                    .map(|(x, a)| x * a.norm_sqr())
                    .sum()
            }
            Observable::Hermitian(terms) => terms
                .iter()
                .map(|t| t.expval(self.amplitudes(), self.n_qubits()))
                .sum(),
        }
    }

    /// Validates `obs` for this state, then returns ⟨ψ|O|ψ⟩.
    pub fn try_expval(&self, obs: &Observable) -> Result<f64, SimError> {
        obs.validate(self.n_qubits())?;
        Ok(self.expval(obs))
    }

    /// Writes O|ψ⟩ into `out` (resized to this state's size if needed). Parts of the observable
    /// that do not fit the state contribute nothing.
    pub fn apply_observable(&self, obs: &Observable, out: &mut State) {
        if out.n_qubits() != self.n_qubits() {
            out.copy_from(self);
        }
        let n = self.n_qubits();
        let src = self.amplitudes();
        let dst = out.amplitudes_mut();
        dst.fill(C64::new(0.0, 0.0));
        let add_pauli = |dst: &mut [C64], coeff: f64, p: &PauliString| {
            if let Some(m) = p.masks(n) {
                let ph = i_pow(m.n_y) * coeff;
                for (i, v) in src.iter().enumerate() {
                    dst[i ^ m.x] += v * (ph * sign(i, m.z));
                }
            }
        };
        match obs {
            Observable::Pauli(p) => add_pauli(dst, 1.0, p),
            Observable::Sum(terms) => {
                for (c, p) in terms {
                    add_pauli(dst, *c, p);
                }
            }
            Observable::Projector(phi) => {
                if phi.n_qubits() == n {
                    let ov = phi.inner(self);
                    for (d, f) in dst.iter_mut().zip(phi.amplitudes()) {
                        *d = f * ov;
                    }
                }
            }
            Observable::Diagonal(d) => {
                if d.len() == src.len() {
                    for ((o, v), x) in dst.iter_mut().zip(src).zip(d) {
                        *o = v * x;
                    }
                }
            }
            Observable::Hermitian(terms) => {
                for t in terms {
                    t.add_applied(src, dst, n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{GateKind, Op};

    #[test]
    fn parse_and_display() {
        let p: PauliString = "X1 Y3".parse().unwrap();
        assert_eq!(p.terms, vec![(1, Pauli::X), (3, Pauli::Y)]);
        assert_eq!(p.to_string(), "X1 Y3");
        let q: PauliString = "Z1Z0".parse().unwrap();
        assert_eq!(q.to_string(), "Z0 Z1");
        assert_eq!("".parse::<PauliString>().unwrap(), PauliString::identity());
        assert_eq!("I".parse::<PauliString>().unwrap().to_string(), "I");
        assert_eq!(
            "Z0 @ I2 @ X4".parse::<PauliString>().unwrap().to_string(),
            "Z0 X4"
        );
        let e = "Q0".parse::<PauliString>().unwrap_err().to_string();
        assert!(e.contains("'Q'"), "{e}");
        let e = "Z".parse::<PauliString>().unwrap_err().to_string();
        assert!(e.contains("needs a wire number"), "{e}");
        let e = "Z0 X0".parse::<PauliString>().unwrap_err().to_string();
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn expvals_of_simple_states() {
        let mut s = State::new(2).unwrap();
        assert_eq!(s.expval_pauli(&"Z0".parse().unwrap()), 1.0);
        s.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
        assert!((s.expval_pauli(&"X0".parse().unwrap()) - 1.0).abs() < 1e-12);
        s.apply(&Op::new(GateKind::S, &[0], &[]).unwrap());
        assert!((s.expval_pauli(&"Y0".parse().unwrap()) - 1.0).abs() < 1e-12);
        assert!(s.expval_pauli(&"Z5".parse().unwrap()).is_nan());
        assert!(s
            .try_expval(&Observable::Pauli("Z5".parse().unwrap()))
            .is_err());
        let sum = Observable::Sum(vec![
            (2.0, "Y0".parse().unwrap()),
            (0.5, "Z1".parse().unwrap()),
        ]);
        assert!((s.expval(&sum) - 2.5).abs() < 1e-12);
        let diag = Observable::Diagonal(vec![1.0, 2.0, 3.0, 4.0]);
        assert!((s.expval(&diag) - 2.0).abs() < 1e-12);
        let proj = Observable::Projector(State::new(2).unwrap());
        assert!((s.expval(&proj) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn apply_observable_matches_expval() {
        let mut s = State::new(3).unwrap();
        for op in crate::sim::bench_circuit(3, 20, 5) {
            s.apply(&op);
        }
        let mut phi = State::new(3).unwrap();
        phi.apply(&Op::new(GateKind::RY, &[1], &[0.7]).unwrap());
        let obs = [
            Observable::Pauli("X0 Y1 Z2".parse().unwrap()),
            Observable::Sum(vec![
                (0.3, "Y2".parse().unwrap()),
                (-1.5, "X0 X1".parse().unwrap()),
            ]),
            Observable::Projector(phi),
            Observable::Diagonal((0..8).map(|i| i as f64).collect()),
        ];
        let mut out = State::new(1).unwrap();
        for o in &obs {
            s.apply_observable(o, &mut out);
            let via_apply = s.inner(&out);
            assert!((via_apply.re - s.expval(o)).abs() < 1e-12, "{o:?}");
            assert!(via_apply.im.abs() < 1e-12);
        }
    }

    /// The dense `2^n × 2^n` matrix of `Σ_t H_t ⊗ I`, built element by element from the
    /// definition (row i, column j: the term's entry at the local indices of i and j when i
    /// and j agree on every other wire).
    fn dense(terms: &[HermitianTerm], n: usize) -> Vec<C64> {
        let size = 1usize << n;
        let mut m = vec![C64::new(0.0, 0.0); size * size];
        for t in terms {
            let k = t.wires.len();
            let local = |i: usize| -> usize {
                t.wires
                    .iter()
                    .fold(0, |a, &w| (a << 1) | (i >> (n - 1 - w) & 1))
            };
            let mask: usize = t.wires.iter().fold(0, |m, &w| m | 1 << (n - 1 - w));
            for i in 0..size {
                for j in 0..size {
                    if i & !mask == j & !mask {
                        m[i * size + j] += t.matrix[local(i) * (1 << k) + local(j)];
                    }
                }
            }
        }
        m
    }

    fn random_hermitian(k: usize, rng: &mut crate::rng::Rng) -> Vec<C64> {
        let d = 1usize << k;
        let a: Vec<C64> = (0..d * d)
            .map(|_| C64::new(rng.range(-1.0, 1.0), rng.range(-1.0, 1.0)))
            .collect();
        (0..d * d)
            .map(|ij| a[ij] + a[(ij % d) * d + ij / d].conj())
            .collect()
    }

    proptest::proptest! {
        /// Hermitian terms on random wires: ⟨ψ|O|ψ⟩ and O|ψ⟩ equal the dense matrix's.
        #[test]
        fn hermitian_terms_match_a_dense_reference(n in 1usize..=4, seed in 0u64..10_000) {
            let mut rng = crate::rng::Rng::new(seed);
            let n_terms = 1 + rng.below(3) as usize;
            let terms: Vec<HermitianTerm> = (0..n_terms)
                .map(|_| {
                    let k = 1 + rng.below(n.min(3) as u64) as usize;
                    let mut wires: Vec<usize> = (0..n).collect();
                    rng.shuffle(&mut wires);
                    wires.truncate(k);
                    HermitianTerm { matrix: random_hermitian(k, &mut rng), wires }
                })
                .collect();
            let obs = Observable::Hermitian(terms.clone());
            obs.validate(n).unwrap();
            let amps: Vec<C64> = (0..1usize << n)
                .map(|_| C64::new(rng.range(-1.0, 1.0), rng.range(-1.0, 1.0)))
                .collect();
            let s = State::from_amplitudes(amps.clone()).unwrap();
            let m = dense(&terms, n);
            let size = 1usize << n;
            let applied: Vec<C64> = (0..size)
                .map(|i| (0..size).map(|j| m[i * size + j] * amps[j]).sum())
                .collect();
            let want: f64 = amps.iter().zip(&applied).map(|(a, b)| (a.conj() * b).re).sum();
            proptest::prop_assert!((s.expval(&obs) - want).abs() < 1e-10);
            let mut out = State::new(1).unwrap();
            s.apply_observable(&obs, &mut out);
            for (a, b) in out.amplitudes().iter().zip(&applied) {
                proptest::prop_assert!((a - b).norm() < 1e-10);
            }
        }
    }

    #[test]
    fn weighted_projectors_give_the_weighted_fidelities() {
        // |+⟩ on wire 1 of 2: ⟨ψ|(0.5|+⟩⟨+| + 2|0⟩⟨0|) on wire 1|ψ⟩ = 0.5·F(+) + 2·F(0).
        let mut s = State::new(2).unwrap();
        s.apply(&Op::new(GateKind::RY, &[1], &[0.9]).unwrap());
        s.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
        let h = std::f64::consts::FRAC_1_SQRT_2;
        let plus = [C64::new(h, 0.0), C64::new(h, 0.0)];
        let zero = [C64::new(1.0, 0.0), C64::new(0.0, 0.0)];
        let t = HermitianTerm::weighted_projectors(vec![1], [(0.5, &plus[..]), (2.0, &zero[..])]);
        let obs = Observable::Hermitian(vec![t]);
        obs.validate(2).unwrap();
        let f_plus = (1.0 + 0.9f64.sin()) / 2.0;
        let f_zero = (1.0 + 0.9f64.cos()) / 2.0;
        assert!((s.expval(&obs) - (0.5 * f_plus + 2.0 * f_zero)).abs() < 1e-12);
        let bad = Observable::Hermitian(vec![HermitianTerm {
            wires: vec![0],
            matrix: vec![
                C64::new(1.0, 0.0),
                C64::new(0.0, 1.0),
                C64::new(0.0, 1.0),
                C64::new(0.0, 0.0),
            ],
        }]);
        assert!(bad
            .validate(1)
            .unwrap_err()
            .to_string()
            .contains("not Hermitian"));
        let twice = Observable::Hermitian(vec![HermitianTerm {
            wires: vec![0, 0],
            matrix: vec![C64::new(0.0, 0.0); 16],
        }]);
        assert!(twice.validate(2).unwrap_err().to_string().contains("twice"));
        assert!(Observable::Hermitian(vec![HermitianTerm {
            wires: vec![3],
            matrix: vec![C64::new(0.0, 0.0); 4]
        }])
        .validate(2)
        .is_err());
    }
}
