//! Noise in the document, two ways as on real backends:
//!
//! - **channels placed in the circuit like gates**: a [`GateSpec`](super::GateSpec) whose `gate`
//!   is a channel name (`DepolarizingChannel`, `BitFlip`, `PhaseFlip`, `AmplitudeDamping`,
//!   `PhaseDamping`, as PennyLane spells them), one wire and one constant parameter, its
//!   strength (see [`GateName`]);
//! - a **noise model** ([`NoiseSpec`], the document's `noise` section) applied after every gate:
//!   depolarizing `p1` after one-qubit gates, `p2` after multi-qubit gates (on each of their
//!   wires), amplitude and phase damping γ after every gate on each of its wires, and a readout
//!   error p(1|0), p(0|1) for all wires or per wire; with the engine that runs a noisy document
//!   (`auto`, `density`, `trajectories` with N and a seed) and named presets ([`NOISE_PRESETS`]).
//!
//! Both are optional with defaults: a document without them reads and writes exactly as before
//! (the `noise` section is left out of the JSON while it is ideal).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::sim::{ChannelKind, GateKind};

/// What a placed circuit element is: a gate or a noise channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GateName {
    /// A unitary gate.
    Gate(GateKind),
    /// A noise channel on one wire; its one parameter is the strength (p or γ, in [0, 1]).
    Channel(ChannelKind),
}

impl GateName {
    /// The PennyLane name.
    pub fn name(self) -> &'static str {
        match self {
            GateName::Gate(k) => k.name(),
            GateName::Channel(c) => c.name(),
        }
    }

    /// The gate or channel whose name is exactly `s`.
    pub fn from_name(s: &str) -> Option<GateName> {
        GateKind::from_name(s)
            .map(GateName::Gate)
            .or_else(|| ChannelKind::from_name(s).map(GateName::Channel))
    }

    /// Number of wires (1 for a channel).
    pub fn n_wires(self) -> usize {
        match self {
            GateName::Gate(k) => k.n_wires(),
            GateName::Channel(_) => 1,
        }
    }

    /// Number of parameters (1 for a channel: its strength).
    pub fn n_params(self) -> usize {
        match self {
            GateName::Gate(k) => k.n_params(),
            GateName::Channel(_) => 1,
        }
    }

    /// True for gates that may take extra controls (one-wire gates; never a channel).
    pub fn is_single_qubit(self) -> bool {
        matches!(self, GateName::Gate(k) if k.is_single_qubit())
    }

    /// The gate kind, if it is a gate.
    pub fn gate(self) -> Option<GateKind> {
        match self {
            GateName::Gate(k) => Some(k),
            GateName::Channel(_) => None,
        }
    }

    /// The channel kind, if it is a channel.
    pub fn channel(self) -> Option<ChannelKind> {
        match self {
            GateName::Channel(c) => Some(c),
            GateName::Gate(_) => None,
        }
    }
}

impl From<GateKind> for GateName {
    fn from(k: GateKind) -> GateName {
        GateName::Gate(k)
    }
}

impl From<ChannelKind> for GateName {
    fn from(c: ChannelKind) -> GateName {
        GateName::Channel(c)
    }
}

impl PartialEq<GateKind> for GateName {
    fn eq(&self, other: &GateKind) -> bool {
        *self == GateName::Gate(*other)
    }
}

impl Serialize for GateName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for GateName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<GateName, D::Error> {
        let s = String::deserialize(d)?;
        GateName::from_name(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown variant `{s}`, expected a gate ({}) or a noise channel ({})",
                GateKind::all()
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                ChannelKind::all()
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

/// Which engine runs a noisy document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoiseEngine {
    /// The exact density matrix when it fits in memory, trajectories beyond.
    #[default]
    Auto,
    /// The exact density matrix (refused beyond its qubit limit).
    Density,
    /// Monte-Carlo trajectories (`trajectories` per evaluation, seeded).
    Trajectories,
}

impl NoiseEngine {
    /// The document's name for it.
    pub fn name(self) -> &'static str {
        match self {
            NoiseEngine::Auto => "auto",
            NoiseEngine::Density => "density",
            NoiseEngine::Trajectories => "trajectories",
        }
    }
}

/// The readout error of the measured bits: p(1|0) and p(0|1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadoutSpec {
    /// p(1|0): reading 1 when the qubit is |0⟩.
    #[serde(default)]
    pub p1_given_0: f64,
    /// p(0|1): reading 0 when the qubit is |1⟩.
    #[serde(default)]
    pub p0_given_1: f64,
}

impl ReadoutSpec {
    /// No readout error.
    pub fn is_ideal(&self) -> bool {
        self.p1_given_0 == 0.0 && self.p0_given_1 == 0.0
    }
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

fn default_trajectories() -> usize {
    DEFAULT_TRAJECTORIES
}

fn is_default_trajectories(n: &usize) -> bool {
    *n == DEFAULT_TRAJECTORIES
}

fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}

fn is_auto(e: &NoiseEngine) -> bool {
    *e == NoiseEngine::Auto
}

/// Trajectories per evaluation unless the document says otherwise.
pub const DEFAULT_TRAJECTORIES: usize = 100;
/// The most trajectories per evaluation a document may ask for.
pub const MAX_DOC_TRAJECTORIES: usize = 10_000;

/// The document's noise model and engine choice (the `noise` section).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseSpec {
    /// Depolarizing probability after every one-qubit gate.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub p1: f64,
    /// Depolarizing probability after every multi-qubit gate, on each of its wires.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub p2: f64,
    /// Amplitude damping γ after every gate, on each of its wires (T₁-style relaxation).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub amplitude_damping: f64,
    /// Phase damping γ after every gate, on each of its wires (T₂-style dephasing).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub phase_damping: f64,
    /// Readout error: empty (none), one entry (every wire) or one entry per wire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readout: Vec<ReadoutSpec>,
    /// The engine of a noisy document.
    #[serde(default, skip_serializing_if = "is_auto")]
    pub engine: NoiseEngine,
    /// Trajectories per evaluation (trajectory engine).
    #[serde(
        default = "default_trajectories",
        skip_serializing_if = "is_default_trajectories"
    )]
    pub trajectories: usize,
    /// Seed of the trajectory engine's random stream.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub seed: u64,
}

impl Default for NoiseSpec {
    fn default() -> NoiseSpec {
        NoiseSpec {
            p1: 0.0,
            p2: 0.0,
            amplitude_damping: 0.0,
            phase_damping: 0.0,
            readout: Vec::new(),
            engine: NoiseEngine::Auto,
            trajectories: DEFAULT_TRAJECTORIES,
            seed: 0,
        }
    }
}

/// The named noise presets, in menu order.
pub const NOISE_PRESETS: &[&str] = &["ideal", "mild", "NISQ-like"];

impl NoiseSpec {
    /// The section as the default writes it (left out of the JSON).
    pub fn is_default(&self) -> bool {
        *self == NoiseSpec::default()
    }

    /// True when the noise model changes anything (a channel or a readout error).
    pub fn is_noisy(&self) -> bool {
        self.p1 != 0.0
            || self.p2 != 0.0
            || self.amplitude_damping != 0.0
            || self.phase_damping != 0.0
            || self.readout.iter().any(|r| !r.is_ideal())
    }

    /// A named preset: `ideal` (no noise), `mild` (p₁ = 0.001, p₂ = 0.01, γ = 0.001 each,
    /// readout 1 %), `NISQ-like` (p₁ = 0.01, p₂ = 0.05, amplitude γ = 0.02, phase γ = 0.02,
    /// readout p(1|0) = 0.02, p(0|1) = 0.04 — the order of today's superconducting devices).
    pub fn preset(name: &str) -> Option<NoiseSpec> {
        let base = NoiseSpec::default();
        match name {
            "ideal" => Some(base),
            "mild" => Some(NoiseSpec {
                p1: 0.001,
                p2: 0.01,
                amplitude_damping: 0.001,
                phase_damping: 0.001,
                readout: vec![ReadoutSpec {
                    p1_given_0: 0.01,
                    p0_given_1: 0.01,
                }],
                ..base
            }),
            "NISQ-like" => Some(NoiseSpec {
                p1: 0.01,
                p2: 0.05,
                amplitude_damping: 0.02,
                phase_damping: 0.02,
                readout: vec![ReadoutSpec {
                    p1_given_0: 0.02,
                    p0_given_1: 0.04,
                }],
                ..base
            }),
            _ => None,
        }
    }

    /// The preset whose noise model this is (engine settings aside), if any.
    pub fn preset_name(&self) -> Option<&'static str> {
        NOISE_PRESETS.iter().copied().find(|n| {
            NoiseSpec::preset(n).is_some_and(|p| {
                p.p1 == self.p1
                    && p.p2 == self.p2
                    && p.amplitude_damping == self.amplitude_damping
                    && p.phase_damping == self.phase_damping
                    && p.readout == self.readout
            })
        })
    }

    /// The readout error of wire `w` (ideal when none is given).
    pub fn readout_of(&self, w: usize) -> ReadoutSpec {
        match self.readout.len() {
            0 => ReadoutSpec::default(),
            1 => self.readout[0],
            _ => self.readout.get(w).copied().unwrap_or_default(),
        }
    }
}
