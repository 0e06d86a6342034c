//! Readout (measurement) error: per wire, the probability p(1|0) of reading 1 when the qubit is
//! |0⟩ and p(0|1) of reading 0 when it is |1⟩, independent across wires — Qiskit Aer's
//! `ReadoutError` with the confusion matrix C_w = [[1−a, b], [a, 1−b]] (a = p(1|0), b = p(0|1);
//! column = true bit, row = bit read).
//!
//! **Probabilities**: the measured distribution is (⊗_w C_w)·p, applied wire by wire in O(n·2ⁿ).
//!
//! **Pauli strings**: P on the wires S is measured by rotating each wire of S into the Z basis
//! and reading the parity of the bits m_w: ⟨P⟩ = E[Π_{w∈S} (−1)^{m_w}]. For one wire with true
//! bit x, E[(−1)^m | x] is 1−2a for x = 0 and −(1−2b) for x = 1, i.e. α_w + β_w·(−1)^x with
//! α_w = b − a and β_w = 1 − a − b. The flips are independent given the true bits, so
//!
//! ```text
//! ⟨P⟩_read = E[Π_{w∈S} (α_w + β_w (−1)^{x_w})] = Σ_{T⊆S} (Π_{w∈S∖T} α_w)(Π_{w∈T} β_w) ⟨P_T⟩
//! ```
//!
//! where P_T is P restricted to the wires of T (P_∅ = I), since Π_{w∈T}(−1)^{x_w} in the rotated
//! frame is P_T. Symmetric errors (a = b = p) leave one term, (1−2p)^{|S|}·⟨P⟩. The read-out value
//! is linear in the ⟨P_T⟩, so [`ReadoutError::fold`] turns an observable into an equivalent one
//! without readout error; engines then compute expectation values *and gradients* of the folded
//! observable unchanged. Diagonal observables fold to (⊗ C_wᵀ)·d.

use super::{Observable, PauliString, SimError, State};

/// The readout error of one wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WireReadout {
    /// p(1|0): the probability of reading 1 when the qubit is |0⟩.
    pub p1_given_0: f64,
    /// p(0|1): the probability of reading 0 when the qubit is |1⟩.
    pub p0_given_1: f64,
}

impl WireReadout {
    /// No readout error.
    pub const IDEAL: WireReadout = WireReadout {
        p1_given_0: 0.0,
        p0_given_1: 0.0,
    };

    /// α = p(0|1) − p(1|0): the read-out parity's offset.
    fn alpha(&self) -> f64 {
        self.p0_given_1 - self.p1_given_0
    }

    /// β = 1 − p(1|0) − p(0|1): the read-out parity's contrast.
    fn beta(&self) -> f64 {
        1.0 - self.p1_given_0 - self.p0_given_1
    }
}

/// Per-wire readout error on an `n`-qubit register.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadoutError {
    wires: Vec<WireReadout>,
}

/// The most terms a folded Pauli string may expand into.
pub const MAX_READOUT_TERMS: usize = 1 << 16;

impl ReadoutError {
    /// A readout error with one entry per wire (wire 0 first); each probability finite, in [0, 1].
    pub fn new(wires: Vec<WireReadout>) -> Result<ReadoutError, SimError> {
        if wires.is_empty() {
            return Err(SimError::new(
                "a readout error needs one entry per wire; got none",
            ));
        }
        for (w, r) in wires.iter().enumerate() {
            for (name, v) in [("p(1|0)", r.p1_given_0), ("p(0|1)", r.p0_given_1)] {
                if !v.is_finite() || !(0.0..=1.0).contains(&v) {
                    return Err(SimError::new(format!(
                        "readout error of wire {w}: {name} = {v}, but it is a probability and must \
                         be a number from 0 to 1"
                    )));
                }
            }
        }
        Ok(ReadoutError { wires })
    }

    /// The same p(1|0) and p(0|1) on each of `n_qubits` wires.
    pub fn uniform(
        n_qubits: usize,
        p1_given_0: f64,
        p0_given_1: f64,
    ) -> Result<ReadoutError, SimError> {
        ReadoutError::new(vec![
            WireReadout {
                p1_given_0,
                p0_given_1
            };
            n_qubits
        ])
    }

    /// Number of wires.
    pub fn n_qubits(&self) -> usize {
        self.wires.len()
    }

    /// The per-wire entries.
    pub fn wires(&self) -> &[WireReadout] {
        &self.wires
    }

    /// True when no wire has any readout error.
    pub fn is_ideal(&self) -> bool {
        self.wires.iter().all(|r| *r == WireReadout::IDEAL)
    }

    fn check_n(&self, n: usize) -> Result<(), SimError> {
        if n != self.wires.len() {
            return Err(SimError::new(format!(
                "the readout error is given for {} wire(s) but the circuit has {n} qubit(s)",
                self.wires.len()
            )));
        }
        Ok(())
    }

    /// The measured distribution (⊗ C_w)·p of true probabilities `probs` (length 2ⁿ).
    pub fn apply_to_probabilities(&self, probs: &[f64]) -> Result<Vec<f64>, SimError> {
        let n = self.wires.len();
        if probs.len() != 1usize << n.min(usize::BITS as usize - 1) {
            return Err(SimError::new(format!(
                "readout error on {n} wire(s) needs {} probabilities, got {}",
                1usize << n.min(usize::BITS as usize - 1),
                probs.len()
            )));
        }
        let mut out = probs.to_vec();
        self.confuse(&mut out, false);
        Ok(out)
    }

    /// Applies ⊗ C_w (or ⊗ C_wᵀ when `transpose`) to a vector indexed by basis states.
    fn confuse(&self, v: &mut [f64], transpose: bool) {
        let n = self.wires.len();
        for (w, r) in self.wires.iter().enumerate() {
            let (a, b) = (r.p1_given_0, r.p0_given_1);
            if a == 0.0 && b == 0.0 {
                continue;
            }
            let s = 1usize << (n - 1 - w);
            for chunk in v.chunks_exact_mut(2 * s) {
                let (lo, hi) = chunk.split_at_mut(s);
                for (x0, x1) in lo.iter_mut().zip(hi.iter_mut()) {
                    let (p0, p1) = (*x0, *x1);
                    if transpose {
                        *x0 = (1.0 - a) * p0 + a * p1;
                        *x1 = b * p0 + (1.0 - b) * p1;
                    } else {
                        *x0 = (1.0 - a) * p0 + b * p1;
                        *x1 = a * p0 + (1.0 - b) * p1;
                    }
                }
            }
        }
    }

    /// The terms c_T·P_T whose expectation values sum to the read-out ⟨P⟩ (see the module
    /// docs); terms with a zero coefficient are left out. Errors for a wire out of range or more
    /// than [`MAX_READOUT_TERMS`] terms.
    pub fn pauli_terms(&self, p: &PauliString) -> Result<Vec<(f64, PauliString)>, SimError> {
        p.validate(self.wires.len())?;
        let mut count: usize = 1;
        for &(w, _) in &p.terms {
            let r = self.wires[w];
            let k = usize::from(r.alpha() != 0.0) + usize::from(r.beta() != 0.0);
            count = count.saturating_mul(k);
        }
        if count > MAX_READOUT_TERMS {
            return Err(SimError::new(format!(
                "readout error on the Pauli string {p} expands into {count} terms (more than \
                 {MAX_READOUT_TERMS}); use a Pauli string on fewer wires"
            )));
        }
        let mut terms: Vec<(f64, PauliString)> = vec![(1.0, PauliString::identity())];
        for &(w, pauli) in &p.terms {
            let r = self.wires[w];
            let (alpha, beta) = (r.alpha(), r.beta());
            let mut next = Vec::with_capacity(terms.len() * 2);
            for (c, t) in terms {
                if alpha != 0.0 {
                    next.push((c * alpha, t.clone()));
                }
                if beta != 0.0 {
                    let mut t = t;
                    t.terms.push((w, pauli));
                    next.push((c * beta, t));
                }
            }
            terms = next;
        }
        Ok(terms)
    }

    /// An observable whose ideal expectation value equals the read-out expectation value of
    /// `obs` (see the module docs). Pauli strings and sums expand into sub-strings, diagonal
    /// observables become (⊗ C_wᵀ)·d, and a projector onto a computational basis state becomes
    /// the read-out probability of that outcome; a projector onto any other state is refused.
    pub fn fold(&self, obs: &Observable) -> Result<Observable, SimError> {
        let n = self.wires.len();
        obs.validate(n)?;
        match obs {
            Observable::Pauli(p) => Ok(Observable::Sum(self.pauli_terms(p)?)),
            Observable::Sum(terms) => {
                let mut out = Vec::new();
                for (c, p) in terms {
                    out.extend(self.pauli_terms(p)?.into_iter().map(|(k, t)| (c * k, t)));
                }
                Ok(Observable::Sum(out))
            }
            Observable::Hermitian(terms) => {
                // Measured as Pauli strings (a basis change per string, then a Z readout).
                let mut out = Vec::new();
                for (c, p) in terms.iter().flat_map(|t| t.pauli_terms()) {
                    out.extend(self.pauli_terms(&p)?.into_iter().map(|(k, t)| (c * k, t)));
                }
                Ok(Observable::Sum(out))
            }
            Observable::Diagonal(d) => {
                let mut d = d.clone();
                self.confuse(&mut d, true);
                Ok(Observable::Diagonal(d))
            }
            Observable::Projector(phi) => match basis_index(phi) {
                Some(k) => {
                    let mut d = vec![0.0; phi.amplitudes().len()];
                    d[k] = 1.0;
                    self.confuse(&mut d, true);
                    Ok(Observable::Diagonal(d))
                }
                None => Err(SimError::new(
                    "readout error applies to measurements in the computational basis: Pauli \
                     strings, diagonal observables and projectors onto basis states, not to a \
                     projector onto a superposition",
                )),
            },
        }
    }

    /// Checks that this readout error fits a circuit of `n_qubits`.
    pub fn validate(&self, n_qubits: usize) -> Result<(), SimError> {
        self.check_n(n_qubits)
    }
}

/// `Some(k)` when `phi` is the basis state |k⟩ up to a phase.
fn basis_index(phi: &State) -> Option<usize> {
    let a = phi.amplitudes();
    let k = a.iter().position(|v| v.norm_sqr() != 0.0)?;
    let single = a
        .iter()
        .enumerate()
        .all(|(i, v)| i == k || v.norm_sqr() == 0.0);
    (single && (a[k].norm_sqr() - 1.0).abs() < 1e-12).then_some(k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::sim::{GateKind, Op, Pauli, C64};

    fn random_state(n: usize, rng: &mut Rng) -> State {
        let amps: Vec<C64> = (0..1 << n)
            .map(|_| C64::new(rng.normal(), rng.normal()))
            .collect();
        let norm = amps.iter().map(|a| a.norm_sqr()).sum::<f64>().sqrt();
        State::from_amplitudes(amps.into_iter().map(|a| a / norm).collect()).unwrap()
    }

    fn random_readout(n: usize, rng: &mut Rng) -> ReadoutError {
        ReadoutError::new(
            (0..n)
                .map(|_| WireReadout {
                    p1_given_0: rng.range(0.0, 0.3),
                    p0_given_1: rng.range(0.0, 0.3),
                })
                .collect(),
        )
        .unwrap()
    }

    /// ⟨P⟩ read out the slow way: rotate each wire of P into the Z basis, take the full
    /// distribution, apply the confusion matrices, average the parity of P's wires.
    fn read_out_by_distribution(s: &State, p: &PauliString, ro: &ReadoutError) -> f64 {
        let n = s.n_qubits();
        let mut r = s.clone();
        for &(w, pauli) in &p.terms {
            match pauli {
                Pauli::X => r.apply(&Op::new(GateKind::H, &[w], &[]).unwrap()),
                Pauli::Y => {
                    r.apply(&Op::new(GateKind::Sdg, &[w], &[]).unwrap());
                    r.apply(&Op::new(GateKind::H, &[w], &[]).unwrap());
                }
                Pauli::Z => {}
            }
        }
        let measured = ro.apply_to_probabilities(&r.probabilities()).unwrap();
        let mask = p
            .terms
            .iter()
            .fold(0usize, |m, &(w, _)| m | (1 << (n - 1 - w)));
        measured
            .iter()
            .enumerate()
            .map(|(i, q)| q * (1.0 - 2.0 * ((i & mask).count_ones() % 2) as f64))
            .sum()
    }

    #[test]
    fn confusion_of_probabilities_matches_the_definition() {
        // One wire: p' = C p with C = [[1−a, b], [a, 1−b]].
        let ro = ReadoutError::uniform(1, 0.1, 0.25).unwrap();
        let q = ro.apply_to_probabilities(&[0.7, 0.3]).unwrap();
        assert!((q[0] - (0.9 * 0.7 + 0.25 * 0.3)).abs() < 1e-15);
        assert!((q[1] - (0.1 * 0.7 + 0.75 * 0.3)).abs() < 1e-15);
        // Two wires, wire 0 most significant: |10⟩ with an error only on wire 0.
        let ro = ReadoutError::new(vec![
            WireReadout {
                p1_given_0: 0.0,
                p0_given_1: 0.2,
            },
            WireReadout::IDEAL,
        ])
        .unwrap();
        let q = ro.apply_to_probabilities(&[0.0, 0.0, 1.0, 0.0]).unwrap();
        assert_eq!(q, vec![0.2, 0.0, 0.8, 0.0]);
        assert!(ro.apply_to_probabilities(&[1.0, 0.0]).is_err());
    }

    #[test]
    fn folded_pauli_strings_match_confused_distributions() {
        let mut rng = Rng::new(11);
        for case in 0..40 {
            let n = 1 + case % 4;
            let s = random_state(n, &mut rng);
            let ro = random_readout(n, &mut rng);
            // A random Pauli string on a random subset of wires (multi-wire strings included).
            let mut terms: Vec<(usize, Pauli)> = Vec::new();
            for w in 0..n {
                if rng.uniform() < 0.7 {
                    terms.push((w, [Pauli::X, Pauli::Y, Pauli::Z][rng.below(3) as usize]));
                }
            }
            let p = PauliString::new(terms).unwrap();
            let want = read_out_by_distribution(&s, &p, &ro);
            let folded = ro.fold(&Observable::Pauli(p.clone())).unwrap();
            let got = s.expval(&folded);
            assert!((got - want).abs() < 1e-13, "{p}: {got} vs {want}");
            // A sum folds term by term.
            let sum = Observable::Sum(vec![(0.5, p.clone()), (-2.0, p.clone())]);
            assert!((s.expval(&ro.fold(&sum).unwrap()) + 1.5 * want).abs() < 1e-12);
        }
    }

    #[test]
    fn symmetric_error_scales_by_one_minus_2p_per_wire() {
        let ro = ReadoutError::uniform(3, 0.1, 0.1).unwrap();
        let t = ro.pauli_terms(&"X0 Y1 Z2".parse().unwrap()).unwrap();
        assert_eq!(t.len(), 1);
        assert!((t[0].0 - 0.8f64.powi(3)).abs() < 1e-15);
        // Only |0⟩ errors: ⟨Z⟩ = −a + (1−a)⟨Z⟩, i.e. offset α = −a and contrast β = 1−a.
        let ro = ReadoutError::uniform(1, 0.2, 0.0).unwrap();
        let t = ro.pauli_terms(&"Z0".parse().unwrap()).unwrap();
        assert_eq!(t[0], (-0.2, PauliString::identity()));
        assert!((t[1].0 - 0.8).abs() < 1e-15);
    }

    #[test]
    fn diagonal_and_basis_projectors_fold_to_read_out_probabilities() {
        let mut rng = Rng::new(5);
        let s = random_state(3, &mut rng);
        let ro = random_readout(3, &mut rng);
        let measured = ro.apply_to_probabilities(&s.probabilities()).unwrap();
        let d: Vec<f64> = (0..8).map(|_| rng.normal()).collect();
        let want: f64 = d.iter().zip(&measured).map(|(a, b)| a * b).sum();
        let got = s.expval(&ro.fold(&Observable::Diagonal(d)).unwrap());
        assert!((got - want).abs() < 1e-13);
        let mut basis = vec![C64::new(0.0, 0.0); 8];
        basis[5] = C64::new(0.0, 1.0);
        let proj = Observable::Projector(State::from_amplitudes(basis).unwrap());
        let got = s.expval(&ro.fold(&proj).unwrap());
        assert!((got - measured[5]).abs() < 1e-13);
        let plus = random_state(3, &mut rng);
        let e = ro
            .fold(&Observable::Projector(plus))
            .unwrap_err()
            .to_string();
        assert!(e.contains("superposition"), "{e}");
    }

    #[test]
    fn bad_readout_errors_are_refused() {
        let e = ReadoutError::uniform(2, 1.5, 0.0).unwrap_err().to_string();
        assert!(
            e.contains("wire 0") && e.contains("p(1|0)") && e.contains("0 to 1"),
            "{e}"
        );
        assert!(ReadoutError::uniform(2, 0.0, f64::NAN).is_err());
        assert!(ReadoutError::new(vec![]).is_err());
        let ro = ReadoutError::uniform(2, 0.1, 0.1).unwrap();
        assert!(ro.validate(3).is_err() && ro.validate(2).is_ok());
        assert!(ro.pauli_terms(&"Z2".parse().unwrap()).is_err());
        let big = ReadoutError::uniform(17, 0.1, 0.2).unwrap();
        let all: PauliString = (0..17)
            .map(|w| format!("Z{w}"))
            .collect::<Vec<_>>()
            .join(" ")
            .parse()
            .unwrap();
        let e = big.pauli_terms(&all).unwrap_err().to_string();
        assert!(e.contains("terms"), "{e}");
    }
}
