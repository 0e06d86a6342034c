//! The gate set: [`GateKind`] (PennyLane names and matrices) and [`Op`], one gate on given wires.

use super::SimError;
use serde::{Deserialize, Serialize};

/// A gate kind; names and matrices are PennyLane's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GateKind {
    /// Hadamard.
    H,
    /// Pauli X.
    X,
    /// Pauli Y.
    Y,
    /// Pauli Z.
    Z,
    /// S = diag(1, i).
    S,
    /// S† = diag(1, −i).
    Sdg,
    /// T = diag(1, e^{iπ/4}).
    T,
    /// T† = diag(1, e^{−iπ/4}).
    Tdg,
    /// √X = ½[[1+i, 1−i], [1−i, 1+i]].
    SX,
    /// √X†.
    SXdg,
    /// RX(θ) = exp(−iθX/2).
    RX,
    /// RY(θ) = exp(−iθY/2).
    RY,
    /// RZ(θ) = exp(−iθZ/2).
    RZ,
    /// PhaseShift(φ) = diag(1, e^{iφ}).
    PhaseShift,
    /// Rot(a, b, c) = RZ(c)·RY(b)·RZ(a).
    Rot,
    /// U3(θ, φ, λ) = PhaseShift(φ)·RY(θ)·PhaseShift(λ).
    U3,
    /// Controlled X (control, target).
    CNOT,
    /// Controlled Z (control, target).
    CZ,
    /// Controlled Y (control, target).
    CY,
    /// Swap of two wires.
    SWAP,
    /// Controlled RX (control, target).
    CRX,
    /// Controlled RY (control, target).
    CRY,
    /// Controlled RZ (control, target).
    CRZ,
    /// diag(1, 1, 1, e^{iφ}) (control, target).
    ControlledPhaseShift,
    /// IsingXX(φ) = exp(−iφ/2 X⊗X).
    IsingXX,
    /// IsingZZ(φ) = exp(−iφ/2 Z⊗Z).
    IsingZZ,
    /// Doubly controlled X (control, control, target).
    Toffoli,
    /// Controlled swap (control, swapped, swapped).
    CSWAP,
}

const ALL: [GateKind; 28] = [
    GateKind::H,
    GateKind::X,
    GateKind::Y,
    GateKind::Z,
    GateKind::S,
    GateKind::Sdg,
    GateKind::T,
    GateKind::Tdg,
    GateKind::SX,
    GateKind::SXdg,
    GateKind::RX,
    GateKind::RY,
    GateKind::RZ,
    GateKind::PhaseShift,
    GateKind::Rot,
    GateKind::U3,
    GateKind::CNOT,
    GateKind::CZ,
    GateKind::CY,
    GateKind::SWAP,
    GateKind::CRX,
    GateKind::CRY,
    GateKind::CRZ,
    GateKind::ControlledPhaseShift,
    GateKind::IsingXX,
    GateKind::IsingZZ,
    GateKind::Toffoli,
    GateKind::CSWAP,
];

impl GateKind {
    /// The PennyLane name, e.g. `"ControlledPhaseShift"` (`"Sdg"`, `"Tdg"`, `"SXdg"` for adjoints).
    pub fn name(self) -> &'static str {
        use GateKind::*;
        match self {
            H => "H",
            X => "X",
            Y => "Y",
            Z => "Z",
            S => "S",
            Sdg => "Sdg",
            T => "T",
            Tdg => "Tdg",
            SX => "SX",
            SXdg => "SXdg",
            RX => "RX",
            RY => "RY",
            RZ => "RZ",
            PhaseShift => "PhaseShift",
            Rot => "Rot",
            U3 => "U3",
            CNOT => "CNOT",
            CZ => "CZ",
            CY => "CY",
            SWAP => "SWAP",
            CRX => "CRX",
            CRY => "CRY",
            CRZ => "CRZ",
            ControlledPhaseShift => "ControlledPhaseShift",
            IsingXX => "IsingXX",
            IsingZZ => "IsingZZ",
            Toffoli => "Toffoli",
            CSWAP => "CSWAP",
        }
    }

    /// The kind whose [`name`](GateKind::name) is exactly `s`.
    pub fn from_name(s: &str) -> Option<GateKind> {
        ALL.iter().copied().find(|k| k.name() == s)
    }

    /// Total number of wires, including built-in controls (CNOT 2, Toffoli 3, CSWAP 3).
    pub fn n_wires(self) -> usize {
        use GateKind::*;
        match self {
            H | X | Y | Z | S | Sdg | T | Tdg | SX | SXdg | RX | RY | RZ | PhaseShift | Rot
            | U3 => 1,
            CNOT | CZ | CY | SWAP | CRX | CRY | CRZ | ControlledPhaseShift | IsingXX | IsingZZ => 2,
            Toffoli | CSWAP => 3,
        }
    }

    /// Number of real parameters (Rot and U3 3; RX, CRZ, IsingXX, ... 1; H 0).
    pub fn n_params(self) -> usize {
        use GateKind::*;
        match self {
            Rot | U3 => 3,
            RX | RY | RZ | PhaseShift | CRX | CRY | CRZ | ControlledPhaseShift | IsingXX
            | IsingZZ => 1,
            _ => 0,
        }
    }

    /// Every gate kind, in declaration order.
    pub fn all() -> &'static [GateKind] {
        &ALL
    }

    /// True for one-wire kinds; only these may take extra `controls`.
    pub fn is_single_qubit(self) -> bool {
        self.n_wires() == 1
    }

    /// The kind and parameters of the exact inverse.
    pub(crate) fn inverse_of(self, p: [f64; 3]) -> (GateKind, [f64; 3]) {
        use GateKind::*;
        match self {
            S => (Sdg, p),
            Sdg => (S, p),
            T => (Tdg, p),
            Tdg => (T, p),
            SX => (SXdg, p),
            SXdg => (SX, p),
            // Rot(a,b,c)† = RZ(−a)RY(−b)RZ(−c) = Rot(−c,−b,−a).
            Rot => (Rot, [-p[2], -p[1], -p[0]]),
            // U3(t,p,l)† = P(−l)RY(−t)P(−p) = U3(−t,−l,−p).
            U3 => (U3, [-p[0], -p[2], -p[1]]),
            k if k.n_params() == 1 => (k, [-p[0], 0.0, 0.0]),
            k => (k, p),
        }
    }
}

impl std::fmt::Display for GateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One gate on given wires, with optional extra controls (single-qubit kinds only).
///
/// `wires` lists the gate's own wires in PennyLane order (controls of CNOT/CRX/Toffoli/CSWAP
/// first); `params` holds the angles, unused slots are 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    /// The gate kind.
    pub kind: GateKind,
    /// The gate's wires (`kind.n_wires()` of them).
    pub wires: Vec<usize>,
    /// Extra control wires (all must be |1⟩ for the gate to act).
    pub controls: Vec<usize>,
    /// Parameters; the first `kind.n_params()` are used.
    pub params: [f64; 3],
}

fn check_distinct(all: &[usize], what: &str) -> Result<(), SimError> {
    for (i, a) in all.iter().enumerate() {
        if all[..i].contains(a) {
            return Err(SimError::new(format!(
                "{what} uses wire {a} twice; every wire of a gate (including controls) must be different"
            )));
        }
    }
    Ok(())
}

impl Op {
    /// A validated gate: right number of wires and parameters, finite parameters, distinct wires.
    pub fn new(kind: GateKind, wires: &[usize], params: &[f64]) -> Result<Op, SimError> {
        if wires.len() != kind.n_wires() {
            return Err(SimError::new(format!(
                "{} acts on {} wire(s) but {} were given",
                kind.name(),
                kind.n_wires(),
                wires.len()
            )));
        }
        if params.len() != kind.n_params() {
            return Err(SimError::new(format!(
                "{} takes {} parameter(s) but {} were given",
                kind.name(),
                kind.n_params(),
                params.len()
            )));
        }
        let mut p = [0.0; 3];
        for (i, &v) in params.iter().enumerate() {
            if !v.is_finite() {
                return Err(SimError::new(format!(
                    "{} parameter {} is {v}; gate angles must be finite numbers",
                    kind.name(),
                    i + 1
                )));
            }
            p[i] = v;
        }
        check_distinct(wires, kind.name())?;
        Ok(Op {
            kind,
            wires: wires.to_vec(),
            controls: Vec::new(),
            params: p,
        })
    }

    /// Adds extra control wires (single-qubit kinds only), distinct from each other and the wires.
    pub fn controlled(mut self, controls: &[usize]) -> Result<Op, SimError> {
        if controls.is_empty() {
            return Ok(self);
        }
        if !self.kind.is_single_qubit() {
            return Err(SimError::new(format!(
                "extra controls are only allowed on single-qubit gates, not on {}",
                self.kind.name()
            )));
        }
        self.controls.extend_from_slice(controls);
        let all: Vec<usize> = self.wires.iter().chain(&self.controls).copied().collect();
        check_distinct(&all, &format!("controlled {}", self.kind.name()))?;
        Ok(self)
    }

    /// Checks the op against a state of `n_qubits`: counts, finiteness, every wire `< n`, distinct.
    pub fn validate(&self, n_qubits: usize) -> Result<(), SimError> {
        let k = self.kind;
        if self.wires.len() != k.n_wires() {
            return Err(SimError::new(format!(
                "{} acts on {} wire(s) but has {}",
                k.name(),
                k.n_wires(),
                self.wires.len()
            )));
        }
        if !self.controls.is_empty() && !k.is_single_qubit() {
            return Err(SimError::new(format!(
                "extra controls are only allowed on single-qubit gates, not on {}",
                k.name()
            )));
        }
        if let Some(v) = self.params.iter().find(|v| !v.is_finite()) {
            return Err(SimError::new(format!(
                "{} has parameter {v}; gate angles must be finite numbers",
                k.name()
            )));
        }
        for &w in self.wires.iter().chain(&self.controls) {
            if w >= n_qubits {
                return Err(SimError::new(format!(
                    "{} uses wire {w}, but the circuit has {n_qubits} qubit(s) (wires 0..{})",
                    k.name(),
                    n_qubits.saturating_sub(1)
                )));
            }
        }
        if self.controls.is_empty() {
            check_distinct(&self.wires, k.name())
        } else {
            let all: Vec<usize> = self.wires.iter().chain(&self.controls).copied().collect();
            check_distinct(&all, k.name())
        }
    }

    /// The exact inverse as a single op (S→Sdg, angles negated, Rot(a,b,c)→Rot(−c,−b,−a),
    /// U3(θ,φ,λ)→U3(−θ,−λ,−φ)); same wires and controls.
    pub fn inverse(&self) -> Op {
        let (kind, params) = self.kind.inverse_of(self.params);
        Op {
            kind,
            wires: self.wires.clone(),
            controls: self.controls.clone(),
            params,
        }
    }

    /// Ops whose product, applied in order, equals `self` exactly (global phase included), each
    /// with at most one parameter; the `usize` says which of `self.params` that parameter is.
    ///
    /// Rot(a,b,c) → RZ(a), RY(b), RZ(c); U3(θ,φ,λ) → PhaseShift(λ), RY(θ), PhaseShift(φ).
    pub fn decompose(&self) -> Vec<(Op, Option<usize>)> {
        let one = |kind: GateKind, value: f64| Op {
            kind,
            wires: self.wires.clone(),
            controls: self.controls.clone(),
            params: [value, 0.0, 0.0],
        };
        let p = self.params;
        match self.kind {
            GateKind::Rot => vec![
                (one(GateKind::RZ, p[0]), Some(0)),
                (one(GateKind::RY, p[1]), Some(1)),
                (one(GateKind::RZ, p[2]), Some(2)),
            ],
            GateKind::U3 => vec![
                (one(GateKind::PhaseShift, p[2]), Some(2)),
                (one(GateKind::RY, p[0]), Some(0)),
                (one(GateKind::PhaseShift, p[1]), Some(1)),
            ],
            k if k.n_params() == 1 => vec![(self.clone(), Some(0))],
            _ => vec![(self.clone(), None)],
        }
    }

    /// For a one-parameter op, `Some(c)` with U(θ) = exp(−i·c·θ·G), G the Hermitian operator
    /// [`State::apply_generator`](super::State::apply_generator) applies; `None` otherwise.
    ///
    /// RX/RY/RZ/CRX/CRY/CRZ/IsingXX/IsingZZ: c = ½; PhaseShift/ControlledPhaseShift: c = −1.
    pub fn generator(&self) -> Option<f64> {
        use GateKind::*;
        match self.kind {
            RX | RY | RZ | CRX | CRY | CRZ | IsingXX | IsingZZ => Some(0.5),
            PhaseShift | ControlledPhaseShift => Some(-1.0),
            _ => None,
        }
    }
}
