//! Fourier spectra of quantum models (Schuld, Sweke & Meyer 2021): a model whose input x enters
//! through gates exp(−i·x·H) is a truncated Fourier series f(x) = Σ_ω c_ω e^{iωx}, whose
//! frequencies ω are sums of differences of the encoding generators' eigenvalues.
//!
//! - [`fourier_coefficients`] samples a function of one input on a period and returns c_ω for
//!   ω = 0…K by a discrete Fourier transform, with the power the samples show above K (aliasing or
//!   content beyond K);
//! - [`encoding_frequencies`] lists the frequencies a set of encoding gates can reach: the set of
//!   sums Σ_g scale_g·(λ_g,j − λ_g,k) over each gate's generator eigenvalues λ. L re-uploads of a
//!   Pauli rotation (eigenvalues ±½) reach 0, 1, …, L.

use super::AnalysisError;
use crate::sim::GateKind;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// How to sample the function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FourierSpec {
    /// The period T (> 0); frequencies are multiples of 2π/T. 2π for integer spectra.
    pub period: f64,
    /// Highest frequency index K reported (c_k for k = 0…K, at angular frequency k·2π/T).
    pub max_frequency: usize,
    /// Samples on the period (≥ 2K + 1); more samples reveal power above K.
    pub samples: usize,
    /// Where the sampled period starts (the coefficients are still those of e^{iωx} about x = 0).
    #[serde(default)]
    pub start: f64,
}

impl FourierSpec {
    /// Period 2π, K = `max_frequency`, 4K + 4 samples (power up to 2K + 1 shows up), start 0.
    pub fn integer(max_frequency: usize) -> FourierSpec {
        FourierSpec {
            period: 2.0 * PI,
            max_frequency,
            samples: 4 * max_frequency + 4,
            start: 0.0,
        }
    }
}

/// The coefficients of one function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FourierSpectrum {
    /// What was sampled.
    pub spec: FourierSpec,
    /// Angular frequency ω_k = k·2π/T for k = 0…K.
    pub frequencies: Vec<f64>,
    /// c_k as (re, im); a real function has c_{−k} = conj(c_k).
    pub coefficients: Vec<[f64; 2]>,
    /// |c_k|.
    pub magnitudes: Vec<f64>,
    /// Σ over K < k ≤ M/2 of the power 2|c_k|² the samples show (M samples): content above K
    /// that the reported coefficients miss (or alias).
    pub power_above: f64,
    /// Mean of f² over the samples (= Σ over all k of |c_k|², Parseval).
    pub mean_square: f64,
}

/// Samples `f` at `spec.samples` equally spaced points of one period and returns its Fourier
/// coefficients c_0…c_K with f(x) ≈ Σ_k c_k e^{i k ω₀ x}, ω₀ = 2π/T.
///
/// ```
/// use qmlp::analysis::fourier::{fourier_coefficients, FourierSpec};
/// let s = fourier_coefficients(|x| 1.0 + x.cos() + 0.5 * (3.0 * x).sin(), &FourierSpec::integer(4))?;
/// assert!((s.coefficients[0][0] - 1.0).abs() < 1e-12);
/// assert!((s.coefficients[1][0] - 0.5).abs() < 1e-12);
/// assert!((s.coefficients[3][1] + 0.25).abs() < 1e-12); // sin = (e^{ix} − e^{−ix}) / 2i
/// assert!(s.magnitudes[2] < 1e-12 && s.power_above < 1e-20);
/// # Ok::<(), qmlp::analysis::AnalysisError>(())
/// ```
pub fn fourier_coefficients(
    mut f: impl FnMut(f64) -> f64,
    spec: &FourierSpec,
) -> Result<FourierSpectrum, AnalysisError> {
    let (t, k_max, m) = (spec.period, spec.max_frequency, spec.samples);
    if !(t.is_finite() && t > 0.0) {
        return Err(AnalysisError::new(format!(
            "the period must be a positive number; got {t}"
        )));
    }
    if !spec.start.is_finite() {
        return Err(AnalysisError::new("the start of the period must be finite"));
    }
    if m < 2 * k_max + 1 {
        return Err(AnalysisError::new(format!(
            "{m} samples cannot resolve frequencies up to {k_max}; use at least {}",
            2 * k_max + 1
        )));
    }
    if m > 1 << 20 {
        return Err(AnalysisError::new(format!(
            "{m} samples is too many; use at most {}",
            1 << 20
        )));
    }
    let mut ys = Vec::with_capacity(m);
    for j in 0..m {
        let x = spec.start + t * j as f64 / m as f64;
        let y = f(x);
        if !y.is_finite() {
            return Err(AnalysisError::new(format!(
                "the function is {y} at x = {x}; it must be finite on the whole period"
            )));
        }
        ys.push(y);
    }
    let w0 = 2.0 * PI / t;
    // c_k = (1/M) Σ_j f(x_j) e^{−2πi k j / M}, then the phase e^{−i k ω₀ start} moves the origin
    // from the first sample back to x = 0.
    let coeff = |k: usize| -> [f64; 2] {
        let (mut re, mut im) = (0.0, 0.0);
        for (j, y) in ys.iter().enumerate() {
            // k·j mod M keeps the angle small and exact.
            let a = -2.0 * PI * ((k * j) % m) as f64 / m as f64;
            let (s, c) = a.sin_cos();
            re += y * c;
            im += y * s;
        }
        let (s, c) = (-(k as f64) * w0 * spec.start).sin_cos();
        let (re, im) = (re / m as f64, im / m as f64);
        [re * c - im * s, re * s + im * c]
    };
    let coefficients: Vec<[f64; 2]> = (0..=k_max).map(coeff).collect();
    let power_above = (k_max + 1..=m / 2)
        .map(|k| {
            let [re, im] = coeff(k);
            // The Nyquist bin of an even M is its own mirror image.
            let mult = if 2 * k == m { 1.0 } else { 2.0 };
            mult * (re * re + im * im)
        })
        .sum();
    Ok(FourierSpectrum {
        frequencies: (0..=k_max).map(|k| k as f64 * w0).collect(),
        magnitudes: coefficients.iter().map(|[a, b]| a.hypot(*b)).collect(),
        coefficients,
        power_above,
        mean_square: ys.iter().map(|y| y * y).sum::<f64>() / m as f64,
        spec: spec.clone(),
    })
}

/// The eigenvalues of H for a gate written U(x) = exp(−i·x·H) in parameter `slot` (0 for
/// one-parameter gates; for Rot and U3 the slot's own rotation), or `None` for a slot that does
/// not exist.
///
/// RX/RY/RZ: ±½; CRX/CRY/CRZ: 0, 0, ±½; PhaseShift: 0, −1 (U = e^{iφ|1⟩⟨1|});
/// ControlledPhaseShift: 0, 0, 0, −1; IsingXX/IsingZZ: ±½ twice each.
pub fn generator_eigenvalues(kind: GateKind, slot: usize) -> Option<Vec<f64>> {
    use GateKind::*;
    let h = 0.5;
    match (kind, slot) {
        (RX | RY | RZ, 0) | (Rot, 0..=2) | (U3, 0) => Some(vec![-h, h]),
        (CRX | CRY | CRZ, 0) => Some(vec![0.0, 0.0, -h, h]),
        (PhaseShift, 0) | (U3, 1 | 2) => Some(vec![0.0, -1.0]),
        (ControlledPhaseShift, 0) => Some(vec![0.0, 0.0, 0.0, -1.0]),
        (IsingXX | IsingZZ, 0) => Some(vec![-h, -h, h, h]),
        _ => None,
    }
}

/// One gate through which the input enters: its parameter `slot` is `scale·x + constant`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EncodingGate {
    /// The gate kind.
    pub kind: GateKind,
    /// Which of its parameters carries the input.
    #[serde(default)]
    pub slot: usize,
    /// The input's factor in that parameter.
    pub scale: f64,
}

/// The non-negative frequencies Ω₊ a model with these encoding gates can contain: all sums
/// Σ_g scale_g·(λ_g,j − λ_g,k), deduplicated (values within 1e-9 are one), ascending.
///
/// ```
/// use qmlp::analysis::fourier::{encoding_frequencies, EncodingGate};
/// use qmlp::sim::GateKind;
/// let rx = EncodingGate { kind: GateKind::RX, slot: 0, scale: 1.0 };
/// assert_eq!(encoding_frequencies(&[rx; 3])?, vec![0.0, 1.0, 2.0, 3.0]);
/// # Ok::<(), qmlp::analysis::AnalysisError>(())
/// ```
pub fn encoding_frequencies(gates: &[EncodingGate]) -> Result<Vec<f64>, AnalysisError> {
    const LIMIT: usize = 100_000;
    let mut set: Vec<f64> = vec![0.0];
    for (i, g) in gates.iter().enumerate() {
        if !g.scale.is_finite() {
            return Err(AnalysisError::new(format!(
                "encoding gate {} has scale {}; scales must be finite",
                i + 1,
                g.scale
            )));
        }
        let Some(eig) = generator_eigenvalues(g.kind, g.slot) else {
            return Err(AnalysisError::new(format!(
                "encoding gate {} ({}) has no parameter {} with a generator",
                i + 1,
                g.kind.name(),
                g.slot
            )));
        };
        let mut diffs: Vec<f64> = Vec::new();
        for a in &eig {
            for b in &eig {
                diffs.push(g.scale * (a - b));
            }
        }
        let diffs = dedup(diffs);
        let mut next = Vec::with_capacity(set.len() * diffs.len());
        for s in &set {
            for d in &diffs {
                next.push(s + d);
            }
        }
        set = dedup(next);
        if set.len() > LIMIT {
            return Err(AnalysisError::new(format!(
                "the encoding reaches more than {LIMIT} distinct frequencies after {} gates; \
                 its scales are incommensurate",
                i + 1
            )));
        }
    }
    Ok(set
        .into_iter()
        .filter(|w| *w >= 0.0)
        .map(|w| if w.abs() < 1e-9 { 0.0 } else { w })
        .collect())
}

/// Sorted and with values closer than 1e-9 (relative to 1 + |value|) merged.
fn dedup(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::with_capacity(v.len());
    for x in v {
        match out.last() {
            Some(&y) if (x - y).abs() <= 1e-9 * (1.0 + y.abs()) => {}
            _ => out.push(x),
        }
    }
    out
}

/// The period 2π/ω₀ of a spectrum, ω₀ the largest frequency that divides every frequency (to
/// 1e-6); `None` when all frequencies are 0 or no such ω₀ ≥ 1e-3·(largest frequency) exists.
///
/// ```
/// use qmlp::analysis::fourier::spectrum_period;
/// assert!((spectrum_period(&[0.0, 0.5, 1.0]).unwrap() - 4.0 * std::f64::consts::PI).abs() < 1e-9);
/// ```
pub fn spectrum_period(frequencies: &[f64]) -> Option<f64> {
    let pos: Vec<f64> = frequencies.iter().copied().filter(|w| *w > 1e-9).collect();
    let largest = pos.iter().copied().fold(0.0, f64::max);
    if largest == 0.0 {
        return None;
    }
    let tol = 1e-6 * largest;
    let mut g = pos[0];
    for &w in &pos[1..] {
        // Euclid on reals with a tolerance.
        let (mut a, mut b) = (g.max(w), g.min(w));
        while b > tol {
            let r = a % b;
            a = b;
            b = if r > b - tol { 0.0 } else { r };
        }
        g = a;
        if g < 1e-3 * largest {
            return None;
        }
    }
    Some(2.0 * PI / g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::sim::{Observable, Op, State};

    /// ⟨Z0⟩ of a one-qubit data re-uploading model: per layer RX(scale·x) then Rot(θ).
    fn reupload(x: f64, weights: &[[f64; 3]], scale: f64) -> f64 {
        let mut s = State::new(1).unwrap();
        for w in weights {
            s.apply(&Op::new(GateKind::RX, &[0], &[scale * x]).unwrap());
            s.apply(&Op::new(GateKind::Rot, &[0], w).unwrap());
        }
        s.expval(&Observable::Pauli("Z0".parse().unwrap()))
    }

    #[test]
    fn single_rotations_have_their_textbook_coefficients() {
        // ⟨Z⟩ after RX(x)|0⟩ = cos x: c₁ = ½.
        let z = |x: f64| {
            let mut s = State::new(1).unwrap();
            s.apply(&Op::new(GateKind::RX, &[0], &[x]).unwrap());
            s.expval(&Observable::Pauli("Z0".parse().unwrap()))
        };
        let s = fourier_coefficients(z, &FourierSpec::integer(3)).unwrap();
        assert!((s.coefficients[1][0] - 0.5).abs() < 1e-12 && s.coefficients[1][1].abs() < 1e-12);
        assert!(s.magnitudes[0] < 1e-12 && s.magnitudes[2] < 1e-12 && s.magnitudes[3] < 1e-12);
        assert!((s.mean_square - 0.5).abs() < 1e-12);
        // ⟨X⟩ after RY(x)|0⟩ = sin x: c₁ = −i/2, also when the samples start elsewhere.
        let x = |t: f64| {
            let mut s = State::new(1).unwrap();
            s.apply(&Op::new(GateKind::RY, &[0], &[t]).unwrap());
            s.expval(&Observable::Pauli("X0".parse().unwrap()))
        };
        let spec = FourierSpec {
            start: -1.0,
            ..FourierSpec::integer(2)
        };
        let s = fourier_coefficients(x, &spec).unwrap();
        assert!(s.coefficients[1][0].abs() < 1e-12 && (s.coefficients[1][1] + 0.5).abs() < 1e-12);
        assert_eq!(s.frequencies, vec![0.0, 1.0, 2.0]);
    }

    #[test]
    fn l_reuploads_reach_exactly_frequencies_up_to_l() {
        let mut rng = Rng::new(21);
        for layers in 1..=5 {
            let weights: Vec<[f64; 3]> = (0..layers)
                .map(|_| {
                    [
                        rng.range(-3.0, 3.0),
                        rng.range(-3.0, 3.0),
                        rng.range(-3.0, 3.0),
                    ]
                })
                .collect();
            let spec = FourierSpec::integer(layers + 3);
            let s = fourier_coefficients(|x| reupload(x, &weights, 1.0), &spec).unwrap();
            for k in layers + 1..=layers + 3 {
                assert!(
                    s.magnitudes[k] < 1e-12,
                    "L={layers}: |c_{k}| = {}",
                    s.magnitudes[k]
                );
            }
            assert!(s.power_above < 1e-20);
            assert!(
                s.magnitudes[layers] > 1e-4,
                "L={layers}: top frequency missing"
            );
            // Parseval: the reported coefficients carry all the power.
            let power: f64 = s.magnitudes[0].powi(2)
                + 2.0 * s.magnitudes[1..].iter().map(|m| m * m).sum::<f64>();
            assert!((power - s.mean_square).abs() < 1e-12);
            let rx = EncodingGate {
                kind: GateKind::RX,
                slot: 0,
                scale: 1.0,
            };
            let want: Vec<f64> = (0..=layers).map(|k| k as f64).collect();
            assert_eq!(encoding_frequencies(&vec![rx; layers]).unwrap(), want);
        }
    }

    #[test]
    fn too_few_frequencies_show_up_as_power_above_k() {
        let weights = [[0.3, 1.1, -0.4], [1.2, -0.7, 0.5], [0.1, 0.9, 2.0]];
        let spec = FourierSpec {
            max_frequency: 1,
            samples: 16,
            ..FourierSpec::integer(1)
        };
        let s = fourier_coefficients(|x| reupload(x, &weights, 1.0), &spec).unwrap();
        let full =
            fourier_coefficients(|x| reupload(x, &weights, 1.0), &FourierSpec::integer(3)).unwrap();
        let above: f64 = 2.0 * (full.magnitudes[2].powi(2) + full.magnitudes[3].powi(2));
        assert!(above > 1e-4);
        assert!(
            (s.power_above - above).abs() < 1e-12,
            "{} vs {above}",
            s.power_above
        );
    }

    #[test]
    fn scaled_and_controlled_encodings_have_the_predicted_spectra() {
        // RX(2x) twice: frequencies 0, 2, 4 (odd ones absent).
        let weights = [[0.3, 1.1, -0.4], [1.2, -0.7, 0.5]];
        let s =
            fourier_coefficients(|x| reupload(x, &weights, 2.0), &FourierSpec::integer(6)).unwrap();
        for k in [1, 3, 5, 6] {
            assert!(s.magnitudes[k] < 1e-12, "|c_{k}| = {}", s.magnitudes[k]);
        }
        assert!(s.magnitudes[4] > 1e-4);
        let rx2 = EncodingGate {
            kind: GateKind::RX,
            slot: 0,
            scale: 2.0,
        };
        assert_eq!(
            encoding_frequencies(&[rx2, rx2]).unwrap(),
            vec![0.0, 2.0, 4.0]
        );
        // CRX(x) with the control in superposition, then RX(x): half-integer frequencies (the
        // branches interfere), period 4π.
        let f = |x: f64| {
            let mut st = State::new(2).unwrap();
            st.apply(&Op::new(GateKind::H, &[0], &[]).unwrap());
            st.apply(&Op::new(GateKind::CRX, &[0, 1], &[x]).unwrap());
            st.apply(&Op::new(GateKind::RY, &[1], &[0.4]).unwrap());
            st.apply(&Op::new(GateKind::RX, &[1], &[x]).unwrap());
            st.expval(&Observable::Pauli("X0 Z1".parse().unwrap()))
        };
        let crx = EncodingGate {
            kind: GateKind::CRX,
            slot: 0,
            scale: 1.0,
        };
        let rx = EncodingGate {
            kind: GateKind::RX,
            slot: 0,
            scale: 1.0,
        };
        let freqs = encoding_frequencies(&[crx, rx]).unwrap();
        assert_eq!(freqs, vec![0.0, 0.5, 1.0, 1.5, 2.0]);
        let period = spectrum_period(&freqs).unwrap();
        assert!((period - 4.0 * PI).abs() < 1e-9);
        let spec = FourierSpec {
            period,
            max_frequency: 6,
            samples: 26,
            start: 0.0,
        };
        let s = fourier_coefficients(f, &spec).unwrap();
        // Index k is angular frequency k/2: only k ≤ 4 may be present, and odd k are.
        assert!(s.magnitudes[5] < 1e-12 && s.magnitudes[6] < 1e-12 && s.power_above < 1e-20);
        assert!(
            s.magnitudes[1] > 1e-4 && s.magnitudes[3] > 1e-4,
            "{:?}",
            s.magnitudes
        );
    }

    #[test]
    fn generator_eigenvalues_cover_every_parametrised_gate() {
        for &k in GateKind::all() {
            for slot in 0..k.n_params() {
                assert!(generator_eigenvalues(k, slot).is_some(), "{k} slot {slot}");
            }
            assert!(generator_eigenvalues(k, k.n_params()).is_none(), "{k}");
        }
        // PhaseShift(x): diag(1, e^{ix}) = exp(−ix·diag(0, −1)) reaches frequency 1.
        let p = EncodingGate {
            kind: GateKind::PhaseShift,
            slot: 0,
            scale: 1.0,
        };
        assert_eq!(encoding_frequencies(&[p]).unwrap(), vec![0.0, 1.0]);
        let e = encoding_frequencies(&[EncodingGate {
            kind: GateKind::H,
            slot: 0,
            scale: 1.0,
        }])
        .unwrap_err();
        assert!(e.0.contains("(H) has no parameter 0"), "{e}");
        assert!(spectrum_period(&[0.0]).is_none());
        assert!(spectrum_period(&[1.0, std::f64::consts::SQRT_2]).is_none());
    }

    #[test]
    fn bad_specs_are_refused() {
        let f = |x: f64| x;
        let e = fourier_coefficients(
            f,
            &FourierSpec {
                samples: 4,
                ..FourierSpec::integer(2)
            },
        )
        .unwrap_err();
        assert!(e.0.contains("at least 5"), "{e}");
        let e = fourier_coefficients(
            f,
            &FourierSpec {
                period: 0.0,
                ..FourierSpec::integer(2)
            },
        )
        .unwrap_err();
        assert!(e.0.contains("positive"), "{e}");
        let e = fourier_coefficients(
            |x| 1.0 / (x - PI),
            &FourierSpec {
                samples: 10,
                ..FourierSpec::integer(2)
            },
        )
        .unwrap_err();
        assert!(e.0.contains("must be finite"), "{e}");
    }
}
