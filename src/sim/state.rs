//! The dense statevector and gate application.

use super::aligned::Amps;
use super::gate::{GateKind, Op};
use super::kernels::{self, Action};
use super::{check_qubits, SimError, C64};

/// A dense `n`-qubit statevector; index bit order has wire 0 most significant.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    n: usize,
    amps: Amps,
}

/// The control mask of `op.controls` on an `n`-qubit state.
fn extra_controls(op: &Op, n: usize) -> usize {
    op.controls
        .iter()
        .fold(0, |m, &w| m | (1usize << (n - 1 - w)))
}

impl State {
    /// The all-zero basis state |0…0⟩ on `n_qubits` (checked against the memory limit first).
    pub fn new(n_qubits: usize) -> Result<State, SimError> {
        check_qubits(n_qubits)?;
        let len = 1usize << n_qubits;
        let mut amps = Amps::zeros(len).map_err(|_| {
            SimError::new(format!(
                "could not allocate {} for a {n_qubits}-qubit state; use fewer qubits",
                super::human_bytes(super::state_bytes(n_qubits))
            ))
        })?;
        amps[0] = C64::new(1.0, 0.0);
        Ok(State { n: n_qubits, amps })
    }

    /// A state with the given amplitudes: length a power of two ≥ 2, all finite (not normalised).
    pub fn from_amplitudes(amps: Vec<C64>) -> Result<State, SimError> {
        let len = amps.len();
        if len < 2 || !len.is_power_of_two() {
            return Err(SimError::new(format!(
                "a state needs 2^n amplitudes (2, 4, 8, ...); got {len}"
            )));
        }
        let n = len.trailing_zeros() as usize;
        check_qubits(n)?;
        if let Some(i) = amps
            .iter()
            .position(|a| !a.re.is_finite() || !a.im.is_finite())
        {
            return Err(SimError::new(format!(
                "amplitude {i} is {}; amplitudes must be finite numbers",
                amps[i]
            )));
        }
        Ok(State {
            n,
            amps: Amps::from_slice(&amps),
        })
    }

    /// Number of qubits.
    pub fn n_qubits(&self) -> usize {
        self.n
    }

    /// The amplitudes, index bit order wire 0 most significant.
    pub fn amplitudes(&self) -> &[C64] {
        &self.amps
    }

    /// The amplitudes, mutably (no normalisation is enforced).
    pub fn amplitudes_mut(&mut self) -> &mut [C64] {
        &mut self.amps
    }

    /// Back to |0…0⟩ without reallocating.
    pub fn reset(&mut self) {
        self.amps.fill(C64::new(0.0, 0.0));
        self.amps[0] = C64::new(1.0, 0.0);
    }

    /// Copies `other` into `self`; no reallocation when the sizes agree.
    pub fn copy_from(&mut self, other: &State) {
        if self.amps.len() == other.amps.len() {
            self.amps.copy_from_slice(&other.amps);
        } else {
            self.amps.clone_from(&other.amps);
        }
        self.n = other.n;
    }

    /// Applies `op`, which must be valid for this state ([`Op::validate`]); an invalid op is
    /// ignored (use [`State::try_apply`] to get the error).
    pub fn apply(&mut self, op: &Op) {
        if self.op_fits(op) {
            self.apply_kind(op.kind, op.params, op);
        }
    }

    /// Validates `op` for this state, then applies it.
    pub fn try_apply(&mut self, op: &Op) -> Result<(), SimError> {
        op.validate(self.n)?;
        self.apply_kind(op.kind, op.params, op);
        Ok(())
    }

    /// Applies `op†` (same contract as [`State::apply`]).
    pub fn apply_inverse(&mut self, op: &Op) {
        if self.op_fits(op) {
            let (kind, params) = op.kind.inverse_of(op.params);
            self.apply_kind(kind, params, op);
        }
    }

    /// Cheap structural check that keeps every kernel index in range (no allocation).
    fn op_fits(&self, op: &Op) -> bool {
        let n = self.n;
        op.wires.len() == op.kind.n_wires()
            && op.wires.iter().chain(&op.controls).all(|&w| w < n)
            && {
                let mask = op
                    .wires
                    .iter()
                    .chain(&op.controls)
                    .fold(0usize, |m, &w| m | (1 << w));
                mask.count_ones() as usize == op.wires.len() + op.controls.len()
            }
    }

    fn apply_kind(&mut self, kind: GateKind, params: [f64; 3], op: &Op) {
        let (action, ctrl) = kernels::plan(kind, params, &op.wires, self.n);
        kernels::apply_action(&mut self.amps, action, ctrl | extra_controls(op, self.n));
    }

    /// Replaces |ψ⟩ by G|ψ⟩ for the generator G of a one-parameter op (see [`Op::generator`]),
    /// projectors on controls included. Ops without a generator (or not fitting) leave |ψ⟩ as is.
    pub fn apply_generator(&mut self, op: &Op) {
        use GateKind::*;
        if op.generator().is_none() || !self.op_fits(op) {
            return;
        }
        let n = self.n;
        let bit = |i: usize| n - 1 - op.wires[i];
        let mut proj = extra_controls(op, n);
        let mut paulis: [Option<Action>; 2] = [None, None];
        match op.kind {
            RX => paulis[0] = Some(Action::X(bit(0))),
            RY => paulis[0] = Some(Action::Y(bit(0))),
            RZ => paulis[0] = Some(Action::Z(bit(0))),
            PhaseShift => proj |= 1 << bit(0),
            CRX | CRY | CRZ => {
                proj |= 1 << bit(0);
                paulis[0] = Some(match op.kind {
                    CRX => Action::X(bit(1)),
                    CRY => Action::Y(bit(1)),
                    _ => Action::Z(bit(1)),
                });
            }
            ControlledPhaseShift => proj |= (1 << bit(0)) | (1 << bit(1)),
            IsingXX => paulis = [Some(Action::X(bit(0))), Some(Action::X(bit(1)))],
            IsingZZ => paulis = [Some(Action::Z(bit(0))), Some(Action::Z(bit(1)))],
            _ => return,
        }
        if proj != 0 {
            for (i, a) in self.amps.iter_mut().enumerate() {
                if i & proj != proj {
                    *a = C64::new(0.0, 0.0);
                }
            }
        }
        for p in paulis.into_iter().flatten() {
            kernels::apply_action(&mut self.amps, p, 0);
        }
    }

    /// ⟨self|other⟩ (sizes must agree; extra amplitudes of the longer one are ignored).
    pub fn inner(&self, other: &State) -> C64 {
        self.amps
            .iter()
            .zip(other.amps.iter())
            .fold(C64::new(0.0, 0.0), |acc, (a, b)| acc + a.conj() * b)
    }

    /// ⟨ψ|ψ⟩.
    pub fn norm_sqr(&self) -> f64 {
        self.amps.iter().map(|a| a.norm_sqr()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_is_zero_state_and_reset_restores_it() {
        let mut s = State::new(3).unwrap();
        assert_eq!(s.amplitudes().len(), 8);
        assert_eq!(s.amplitudes()[0], C64::new(1.0, 0.0));
        s.apply(&Op::new(GateKind::H, &[1], &[]).unwrap());
        s.reset();
        assert_eq!(s, State::new(3).unwrap());
    }

    #[test]
    fn from_amplitudes_rejects_bad_input() {
        assert!(State::from_amplitudes(vec![C64::new(1.0, 0.0)]).is_err());
        assert!(State::from_amplitudes(vec![C64::new(1.0, 0.0); 3]).is_err());
        let e =
            State::from_amplitudes(vec![C64::new(f64::NAN, 0.0), C64::new(0.0, 0.0)]).unwrap_err();
        assert!(e.to_string().contains("amplitude 0"), "{e}");
        assert_eq!(
            State::from_amplitudes(vec![C64::new(0.0, 0.0); 4])
                .unwrap()
                .n_qubits(),
            2
        );
    }

    #[test]
    fn wire_zero_is_most_significant() {
        let mut s = State::new(3).unwrap();
        s.apply(&Op::new(GateKind::X, &[0], &[]).unwrap());
        assert_eq!(s.amplitudes()[4], C64::new(1.0, 0.0));
        let mut s = State::new(3).unwrap();
        s.apply(&Op::new(GateKind::X, &[2], &[]).unwrap());
        assert_eq!(s.amplitudes()[1], C64::new(1.0, 0.0));
    }

    #[test]
    fn invalid_ops_are_ignored_by_apply_and_reported_by_try_apply() {
        let mut s = State::new(2).unwrap();
        let bad = Op {
            kind: GateKind::X,
            wires: vec![5],
            controls: vec![],
            params: [0.0; 3],
        };
        let e = s.try_apply(&bad).unwrap_err();
        assert!(e.to_string().contains("wire 5"), "{e}");
        assert_eq!(s, State::new(2).unwrap());
    }

    #[test]
    fn copy_from_same_size_and_different_size() {
        let mut a = State::new(2).unwrap();
        let mut b = State::new(2).unwrap();
        b.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
        a.copy_from(&b);
        assert_eq!(a, b);
        let c = State::new(4).unwrap();
        a.copy_from(&c);
        assert_eq!(a, c);
    }
}
