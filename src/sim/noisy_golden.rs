//! Cross-check of the noise engines against reference values from PennyLane `default.mixed`,
//! stored in the repository as `tests/golden/noisy.json` (format in `tests/golden/README.md`).
//!
//! [`check`] runs the exact density-matrix engine (final ρ, probabilities, every expectation
//! value, the adjoint ∂⟨Z0⟩/∂θ); [`check_trajectories`] runs the trajectory engine and compares
//! its expectation values with the reference within a number of standard errors. Both take the
//! JSON text, so native tests read the file and wasm tests can `include_str!` it.

use super::{
    Channel, ChannelKind, DensityEngine, DensityRepr, GateKind, NoisyCircuit, NoisyEngine, NoisyOp,
    Observable, Op, Pauli, PauliString, SimError, TrajectoryEngine, C64,
};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct RawFile {
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
struct RawCase {
    n_qubits: usize,
    ops: Vec<RawOp>,
    rho_re: Vec<f64>,
    rho_im: Vec<f64>,
    probabilities: Vec<f64>,
    expval: BTreeMap<String, f64>,
    #[serde(rename = "grad_Z0")]
    grad_z0: Vec<f64>,
}

#[derive(Deserialize)]
struct RawOp {
    gate: String,
    wires: Vec<usize>,
    params: Vec<f64>,
    strength: Option<f64>,
}

/// One reference circuit with its expected results.
#[derive(Clone, Debug, PartialEq)]
pub struct NoisyGoldenCase {
    /// The circuit (gates and channels; no readout error).
    pub circuit: NoisyCircuit,
    /// Expected ρ, row-major.
    pub rho: Vec<C64>,
    /// Expected diagonal of ρ.
    pub probabilities: Vec<f64>,
    /// Expected ⟨P⟩ for each listed Pauli string.
    pub expval: Vec<(PauliString, f64)>,
    /// Expected ∂⟨Z0⟩/∂p for every gate parameter in order (channel strengths fixed).
    pub grad_z0: Vec<f64>,
}

/// Largest deviations found by [`check`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NoisyGoldenSummary {
    /// Number of circuits checked.
    pub cases: usize,
    /// Number of individual values compared.
    pub values: usize,
    /// Largest deviation of a density-matrix entry.
    pub max_rho_err: f64,
    /// Largest deviation of a probability.
    pub max_prob_err: f64,
    /// Largest expectation-value deviation.
    pub max_expval_err: f64,
    /// Largest gradient-entry deviation.
    pub max_grad_err: f64,
}

/// What [`check_trajectories`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrajectorySummary {
    /// Number of circuits run.
    pub cases: usize,
    /// Number of expectation values compared.
    pub values: usize,
    /// How many of them have a non-zero standard error (the others are exact in every
    /// trajectory).
    pub with_error: usize,
    /// The largest |estimate − reference| / standard error among values with a non-zero error.
    pub max_sigmas: f64,
    /// How many values lie beyond 2 standard errors (about 5 % expected).
    pub beyond_2_sigma: usize,
}

/// Parses the golden JSON (gate names are [`GateKind`] names, channel names [`ChannelKind`]
/// names with their `strength`).
pub fn parse(json: &str) -> Result<Vec<NoisyGoldenCase>, SimError> {
    let raw: RawFile = serde_json::from_str(json)
        .map_err(|e| SimError::new(format!("noisy golden file is not valid: {e}")))?;
    raw.cases
        .into_iter()
        .enumerate()
        .map(|(ci, c)| {
            let ctx = |e: SimError| SimError::new(format!("noisy golden case {ci}: {e}"));
            let ops = c
                .ops
                .iter()
                .map(|o| {
                    if let Some(kind) = ChannelKind::from_name(&o.gate) {
                        let s = o
                            .strength
                            .ok_or_else(|| SimError::new(format!("{} has no strength", o.gate)))?;
                        let [w] = o.wires[..] else {
                            return Err(SimError::new(format!("{} needs one wire", o.gate)));
                        };
                        Ok(NoisyOp::Channel(Channel::new(kind, w, s)?))
                    } else {
                        let kind = GateKind::from_name(&o.gate)
                            .ok_or_else(|| SimError::new(format!("unknown gate {}", o.gate)))?;
                        Ok(NoisyOp::Gate(Op::new(kind, &o.wires, &o.params)?))
                    }
                })
                .collect::<Result<Vec<NoisyOp>, SimError>>()
                .map_err(ctx)?;
            if c.rho_re.len() != c.rho_im.len() {
                return Err(ctx(SimError::new("rho_re and rho_im differ in length")));
            }
            let expval = c
                .expval
                .iter()
                .map(|(k, &v)| Ok((k.parse::<PauliString>()?, v)))
                .collect::<Result<Vec<_>, SimError>>()
                .map_err(ctx)?;
            Ok(NoisyGoldenCase {
                circuit: NoisyCircuit::new(c.n_qubits, ops, None).map_err(ctx)?,
                rho: c
                    .rho_re
                    .iter()
                    .zip(&c.rho_im)
                    .map(|(&r, &i)| C64::new(r, i))
                    .collect(),
                probabilities: c.probabilities,
                expval,
                grad_z0: c.grad_z0,
            })
        })
        .collect()
}

fn z0() -> Observable {
    Observable::Pauli(PauliString::single(0, Pauli::Z))
}

/// Counts a comparison, tracks the largest error, and says whether it is within `tol`.
fn within(got: f64, want: f64, tol: f64, max: &mut f64, values: &mut usize) -> bool {
    let err = (got - want).abs();
    *max = max.max(err);
    *values += 1;
    err <= tol
}

/// Runs every case on the density-matrix engine: ρ, probabilities, every expectation value and
/// the adjoint gradient of ⟨Z0⟩, each within `tol`; the error names the first value that
/// differs.
pub fn check(json: &str, tol: f64) -> Result<NoisyGoldenSummary, SimError> {
    check_with(json, tol, DensityRepr::Auto)
}

/// [`check`] with the engine's representation chosen: [`DensityRepr::Complex`] checks the
/// complex path on the same circuits (ρ itself always comes from it).
pub fn check_with(json: &str, tol: f64, repr: DensityRepr) -> Result<NoisyGoldenSummary, SimError> {
    let cases = parse(json)?;
    let mut sum = NoisyGoldenSummary::default();
    let mut engine = DensityEngine::new().with_repr(repr);
    for (ci, case) in cases.iter().enumerate() {
        let c = &case.circuit;
        let fail = |what: String| {
            SimError::new(format!(
                "noisy golden case {ci} ({} qubits, {} operations): {what}",
                c.n_qubits,
                c.ops.len()
            ))
        };
        let rho = engine.state(c).map_err(|e| fail(e.to_string()))?;
        if rho.matrix().len() != case.rho.len() || case.probabilities.len() != 1 << c.n_qubits {
            return Err(fail(format!(
                "expected {} entries and {} probabilities, engine has {}",
                case.rho.len(),
                case.probabilities.len(),
                rho.matrix().len()
            )));
        }
        for (i, (a, b)) in rho.matrix().iter().zip(&case.rho).enumerate() {
            let err = (a - b).norm();
            sum.max_rho_err = sum.max_rho_err.max(err);
            sum.values += 1;
            if err.is_nan() || err > tol {
                return Err(fail(format!("rho entry {i} is {a}, expected {b}")));
            }
        }
        let probs = engine.probabilities(c)?;
        for (i, (p, want)) in probs.iter().zip(&case.probabilities).enumerate() {
            if !within(p.mean, *want, tol, &mut sum.max_prob_err, &mut sum.values) {
                return Err(fail(format!(
                    "probability {i} is {}, expected {want}",
                    p.mean
                )));
            }
        }
        let obs: Vec<Observable> = case
            .expval
            .iter()
            .map(|(p, _)| Observable::Pauli(p.clone()))
            .collect();
        let got = engine.expvals(c, &obs)?;
        for ((p, want), g) in case.expval.iter().zip(&got) {
            if !within(g.mean, *want, tol, &mut sum.max_expval_err, &mut sum.values) {
                return Err(fail(format!("<{p}> is {}, expected {want}", g.mean)));
            }
        }
        let grad = engine.gradient(c, &[(1.0, z0())])?;
        if grad.grad.len() != case.grad_z0.len() {
            return Err(fail(format!(
                "expected {} gradient entries, engine has {}",
                case.grad_z0.len(),
                grad.grad.len()
            )));
        }
        for (i, (g, want)) in grad.grad.iter().zip(&case.grad_z0).enumerate() {
            if !within(g.mean, *want, tol, &mut sum.max_grad_err, &mut sum.values) {
                return Err(fail(format!("d<Z0>/dp{i} is {}, expected {want}", g.mean)));
            }
        }
        sum.cases += 1;
    }
    Ok(sum)
}

/// Runs every case on a [`TrajectoryEngine`] of `trajectories` seeded with `seed` and checks
/// each expectation value within `sigmas` standard errors of the reference, plus 1e-9 for
/// rounding (values every trajectory reproduces exactly have a standard error of 0, or of
/// rounding size, below 1e-12).
pub fn check_trajectories(
    json: &str,
    trajectories: usize,
    seed: u64,
    sigmas: f64,
) -> Result<TrajectorySummary, SimError> {
    let cases = parse(json)?;
    let mut engine = TrajectoryEngine::new(trajectories, seed)?;
    let mut sum = TrajectorySummary::default();
    for (ci, case) in cases.iter().enumerate() {
        let obs: Vec<Observable> = case
            .expval
            .iter()
            .map(|(p, _)| Observable::Pauli(p.clone()))
            .collect();
        let got = engine.expvals(&case.circuit, &obs)?;
        for ((p, want), g) in case.expval.iter().zip(&got) {
            let diff = (g.mean - want).abs();
            sum.values += 1;
            if g.std_error > 1e-12 {
                let z = diff / g.std_error;
                sum.with_error += 1;
                sum.max_sigmas = sum.max_sigmas.max(z);
                sum.beyond_2_sigma += usize::from(z > 2.0);
            }
            if diff > sigmas * g.std_error + 1e-9 {
                return Err(SimError::new(format!(
                    "noisy golden case {ci}: <{p}> from {trajectories} trajectories is {} ± {}, \
                     expected {want}",
                    g.mean, g.std_error
                )));
            }
        }
        sum.cases += 1;
    }
    Ok(sum)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/noisy.json");

    fn json() -> String {
        std::fs::read_to_string(PATH).unwrap_or_else(|e| panic!("{PATH}: {e}"))
    }

    #[test]
    fn all_noisy_golden_circuits_match_default_mixed_to_1e_10() {
        for repr in [super::DensityRepr::Auto, super::DensityRepr::Complex] {
            let s = super::check_with(&json(), 1e-10, repr).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.cases, 200);
            eprintln!("{repr:?}: {s:?}");
        }
    }

    #[test]
    fn trajectories_agree_with_default_mixed_within_4_sigma() {
        let s =
            super::check_trajectories(&json(), 2000, 2024, 4.0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.cases, 200);
        // The errors are honest: about 5 % of the values lie beyond 2σ, not none.
        let frac = s.beyond_2_sigma as f64 / s.with_error as f64;
        assert!(frac > 0.01 && frac < 0.1, "{s:?}");
        eprintln!("{s:?}");
    }

    #[test]
    fn a_wrong_value_is_reported_with_its_case() {
        let json = r#"{"cases":[{"n_qubits":1,"ops":[{"gate":"BitFlip","wires":[0],"params":[],
            "strength":0.25}],"rho_re":[0.75,0,0,0.25],"rho_im":[0,0,0,0],
            "probabilities":[0.75,0.25],"expval":{"Z0":0.4},"grad_Z0":[]}]}"#;
        let e = super::check(json, 1e-10).unwrap_err().to_string();
        assert!(
            e.contains("noisy golden case 0") && e.contains("<Z0>"),
            "{e}"
        );
        let bad = json.replace("0.25}", "1.5}");
        let e = super::parse(&bad).unwrap_err().to_string();
        assert!(e.contains("BitFlip") && e.contains("0 to 1"), "{e}");
    }
}
