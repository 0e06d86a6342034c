//! # sim — the statevector engine
//!
//! Owns the dense statevector ([`State`]), the gate set ([`GateKind`], [`Op`]) and one kernel per
//! gate kind, observables ([`PauliString`], [`Observable`]) and their expectation values,
//! probabilities and marginals, reduced single-qubit Bloch vectors, seeded shot sampling, and an
//! adjoint-method gradient ([`adjoint_gradient`]) used to cross-check the engine.
//!
//! Noise lives here too: PennyLane's channels ([`Channel`], [`ChannelKind`]), per-wire readout
//! error ([`ReadoutError`]), the exact [`DensityMatrix`], and noisy circuits ([`NoisyCircuit`] of
//! [`NoisyOp`]s) run by interchangeable engines behind [`NoisyEngine`] — statevector,
//! density matrix (exact values and adjoint gradients), trajectories (seeded Monte-Carlo
//! estimates with standard errors); [`noisy_golden`] checks them against PennyLane
//! `default.mixed`.
//!
//! It knows nothing of circuits-as-documents, training or the web. It imports only `num_complex`,
//! `std` and `crate::rng` — plus `serde` for the derives on [`GateKind`] and `serde_json` in
//! [`golden`], the reference-value cross-check shared by the native and the wasm test suites.
//!
//! Bit order is PennyLane's: wire 0 is the **most** significant bit of an amplitude index,
//! `index = Σ bit(wire w) · 2^(n−1−w)`. Internally wire `w` lives at bit position `n−1−w`.
//!
//! ```
//! use qmlp::sim::{GateKind, Op, State};
//! let mut s = State::new(2)?;
//! s.apply(&Op::new(GateKind::H, &[0], &[])?);
//! s.apply(&Op::new(GateKind::CNOT, &[0, 1], &[])?);
//! let p = s.probabilities();
//! assert!((p[0] - 0.5).abs() < 1e-12 && (p[3] - 0.5).abs() < 1e-12);
//! # Ok::<(), qmlp::sim::SimError>(())
//! ```

pub(crate) mod adjoint;
mod aligned;
mod channel;
mod density;
mod fuse;
mod gate;
pub mod golden;
pub(crate) mod kernels;
mod measure;
mod noisy;
pub mod noisy_golden;
mod observable;
mod ptm;
mod readout;
pub(crate) mod simd;
mod state;
mod tape;
mod trajectory;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod noise_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use adjoint::adjoint_gradient;
pub use channel::{Channel, ChannelKind, Mat2};
pub use density::{
    check_density_qubits, check_density_qubits_with_limit, density_bytes, DensityMatrix,
    MAX_DENSITY_QUBITS, MAX_DENSITY_QUBITS_NATIVE, MAX_DENSITY_QUBITS_WASM,
};
pub use fuse::Fused;
pub use gate::{GateKind, Op};
pub use noisy::{
    DensityEngine, DensityRepr, Engine, EngineKind, Estimate, Gradient, NoisyCircuit, NoisyEngine,
    NoisyOp, TAPE_BYTES, TAPE_BYTES_NATIVE, TAPE_BYTES_WASM,
};
pub use num_complex::Complex64 as C64;
pub use observable::{HermitianTerm, Observable, Pauli, PauliString};
pub use readout::{ReadoutError, WireReadout, MAX_READOUT_TERMS};
pub use state::State;
pub use trajectory::{StatevectorEngine, TrajectoryEngine, MAX_TRAJECTORIES};

use std::fmt;

/// An error from the engine, with a message a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError(pub String);

impl SimError {
    /// An error carrying `msg` as its user-facing message.
    pub fn new(msg: impl Into<String>) -> SimError {
        SimError(msg.into())
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SimError {}

/// The largest state the engine allocates when compiled to WebAssembly (2^24 · 16 B = 256 MiB).
pub const MAX_QUBITS_WASM: usize = 24;

/// The largest state the engine allocates natively (2^34 · 16 B = 256 GiB).
pub const MAX_QUBITS_NATIVE: usize = 34;

/// The qubit limit on the platform this build targets.
pub const MAX_QUBITS: usize = if cfg!(target_arch = "wasm32") {
    MAX_QUBITS_WASM
} else {
    MAX_QUBITS_NATIVE
};

/// Bytes a statevector of `n` qubits needs (saturating).
pub fn state_bytes(n: usize) -> u128 {
    if n >= 120 {
        u128::MAX
    } else {
        (1u128 << n) * 16
    }
}

/// Human-readable size in B/KiB/MiB/GiB/TiB.
fn human_bytes(b: u128) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Checks that a state of `n` qubits may be allocated on this platform, before allocating it.
///
/// ```
/// assert!(qmlp::sim::check_qubits(3).is_ok());
/// assert!(qmlp::sim::check_qubits(0).is_err());
/// assert!(qmlp::sim::check_qubits(40).is_err());
/// ```
pub fn check_qubits(n: usize) -> Result<(), SimError> {
    check_qubits_with_limit(n, MAX_QUBITS)
}

/// Like [`check_qubits`] but against an explicit qubit `limit` (e.g. [`MAX_QUBITS_WASM`]).
pub fn check_qubits_with_limit(n: usize, limit: usize) -> Result<(), SimError> {
    if n == 0 {
        return Err(SimError::new(
            "a state needs at least 1 qubit; got 0 qubits",
        ));
    }
    if n > limit {
        return Err(SimError::new(format!(
            "{n} qubits need {} of memory for the statevector (2^{n} amplitudes x 16 bytes); \
             the limit here is {limit} qubits ({}). Use fewer qubits.",
            human_bytes(state_bytes(n)),
            human_bytes(state_bytes(limit)),
        )));
    }
    Ok(())
}

/// The benchmark workload: `n_gates` random gates from {H, RX, RY, RZ, CNOT} on `n` qubits.
///
/// Gate kinds, wires and angles (uniform in [−π, π)) are drawn from [`crate::rng::Rng`] seeded
/// with `seed`, so native and wasm benchmarks run the same circuit. With `n == 1` no CNOT is drawn.
pub fn bench_circuit(n: usize, n_gates: usize, seed: u64) -> Vec<Op> {
    use std::f64::consts::PI;
    let mut rng = crate::rng::Rng::new(seed);
    let n = n.max(1);
    let kinds: &[GateKind] = if n >= 2 {
        &[
            GateKind::H,
            GateKind::RX,
            GateKind::RY,
            GateKind::RZ,
            GateKind::CNOT,
        ]
    } else {
        &[GateKind::H, GateKind::RX, GateKind::RY, GateKind::RZ]
    };
    (0..n_gates)
        .map(|_| {
            let kind = kinds[rng.below(kinds.len() as u64) as usize];
            let w0 = rng.below(n as u64) as usize;
            let wires = if kind == GateKind::CNOT {
                let mut w1 = rng.below(n as u64 - 1) as usize;
                if w1 >= w0 {
                    w1 += 1;
                }
                vec![w0, w1]
            } else {
                vec![w0]
            };
            let mut params = [0.0; 3];
            if kind.n_params() == 1 {
                params[0] = rng.range(-PI, PI);
            }
            Op {
                kind,
                wires,
                controls: Vec::new(),
                params,
            }
        })
        .collect()
}
