//! Nice axis ticks (1-2-5 steps, decades on log axes) and compact tick labels.

/// A "nice" step (1, 2 or 5 times a power of ten) close to `raw` (> 0).
pub(crate) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f < 1.5 {
        1.0
    } else if f < 3.0 {
        2.0
    } else if f < 7.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// Ticks at multiples of a nice step inside `[lo, hi]`, aiming at about `target` of them.
/// Returns the ticks and the step.
pub(crate) fn linear_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return (Vec::new(), 1.0);
    }
    let step = nice_step((hi - lo) / target.max(1) as f64);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let ticks = (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            // Snap float noise (0.30000000000000004) and -0.
            let v = (v / step).round() * step;
            if v == 0.0 {
                0.0
            } else {
                v
            }
        })
        .collect();
    (ticks, step)
}

/// Ticks for a log10 axis covering `[a, b]` in log10 space: decades, or 1-2-5 / 1..9 per decade
/// for short ranges, or linear ticks for very short ones. Returns (labelled ticks, minor ticks),
/// both in log10 space.
pub(crate) fn log_ticks(a: f64, b: f64) -> (Vec<f64>, Vec<f64>) {
    if !(a.is_finite() && b.is_finite()) || b <= a {
        return (Vec::new(), Vec::new());
    }
    let span = b - a;
    let in_range = |v: f64| v >= a - 1e-9 && v <= b + 1e-9;
    let (major_m, minor_m, every): (&[f64], &[f64], i64) = if span > 6.0 {
        (&[1.0], &[], (span / 5.0).ceil() as i64)
    } else if span > 2.2 {
        (&[1.0], &[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], 1)
    } else if span > 0.9 {
        (&[1.0, 2.0, 5.0], &[3.0, 4.0, 6.0, 7.0, 8.0, 9.0], 1)
    } else {
        (&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], &[], 1)
    };
    let d0 = a.floor() as i64;
    let d1 = b.ceil() as i64;
    let mut major = Vec::new();
    let mut minor = Vec::new();
    for d in d0..=d1 {
        let base = d as f64;
        for &m in major_m {
            let v = base + m.log10();
            if in_range(v) && (m != 1.0 || d.rem_euclid(every) == 0) {
                major.push(v);
            }
        }
        for &m in minor_m {
            let v = base + m.log10();
            if in_range(v) {
                minor.push(v);
            }
        }
    }
    if major.len() < 2 {
        // Less than a factor ~8 and no two nice mantissas inside: linear ticks in value space.
        let (lin, _) = linear_ticks(10f64.powf(a), 10f64.powf(b), 4);
        major = lin
            .into_iter()
            .filter(|v| *v > 0.0)
            .map(f64::log10)
            .collect();
        minor.clear();
    }
    (major, minor)
}

/// A compact label for a tick value on a linear axis with spacing `step`.
pub(crate) fn format_tick(v: f64, step: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs();
    if !(1e-4..1e6).contains(&a) {
        return format_exp(v);
    }
    let decimals = if step > 0.0 && step.is_finite() {
        (-step.log10().floor()).clamp(0.0, 8.0) as usize
    } else {
        3
    };
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A compact label for a value on a log axis (e.g. 0.01, 0.2, 3, 1e-5).
pub(crate) fn format_log_tick(v: f64) -> String {
    if !(v.is_finite() && v > 0.0) {
        return String::new();
    }
    if !(1e-4..1e6).contains(&v) {
        return format_exp(v);
    }
    // Enough decimals for one significant digit (two for 1.5-style values).
    let decimals = (-v.log10().floor() + 1.0).clamp(0.0, 8.0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `v` with three significant digits, for legend read-outs (0.123, 12.3, 1.23e-5).
pub(crate) fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs();
    if !(1e-4..1e6).contains(&a) {
        return format!("{v:.2e}");
    }
    let decimals = (2.0 - a.log10().floor()).clamp(0.0, 8.0) as usize;
    format!("{v:.decimals$}")
}

/// `1e-5`, `2.5e7`: mantissa trimmed.
fn format_exp(v: f64) -> String {
    let s = format!("{v:.1e}");
    match s.split_once('e') {
        Some((m, e)) => {
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}e{e}")
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_are_1_2_5() {
        assert_eq!(nice_step(0.9), 1.0);
        assert_eq!(nice_step(0.19), 0.2);
        assert_eq!(nice_step(4.0), 5.0);
        assert_eq!(nice_step(80.0), 100.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn linear_ticks_cover_the_range() {
        let (t, step) = linear_ticks(0.0, 1.0, 5);
        assert_eq!(step, 0.2);
        assert_eq!(t.len(), 6);
        assert!((t[3] - 0.6).abs() < 1e-12);
        let (t, _) = linear_ticks(-0.3, 0.3, 5);
        assert!(t.contains(&0.0));
        assert!(linear_ticks(1.0, 1.0, 5).0.is_empty());
    }

    #[test]
    fn log_ticks_pick_decades_for_wide_ranges() {
        let (major, minor) = log_ticks(-3.2, 0.3);
        let vals: Vec<String> = major
            .iter()
            .map(|v| format_log_tick(10f64.powf(*v)))
            .collect();
        assert_eq!(vals, ["0.001", "0.01", "0.1", "1"]);
        assert!(!minor.is_empty());
        let (major, _) = log_ticks(-1.1, 0.1);
        let vals: Vec<String> = major
            .iter()
            .map(|v| format_log_tick(10f64.powf(*v)))
            .collect();
        assert_eq!(vals, ["0.1", "0.2", "0.5", "1"]);
        // Very narrow: still at least two ticks.
        let (major, _) = log_ticks(0.3f64.log10(), 0.35f64.log10());
        assert!(major.len() >= 2, "{major:?}");
        // Very wide: thinned decades.
        let (major, _) = log_ticks(-12.0, 1.0);
        assert!(major.len() <= 7, "{major:?}");
    }

    #[test]
    fn labels_are_compact() {
        assert_eq!(format_tick(0.6000000000000001, 0.2), "0.6");
        assert_eq!(format_tick(10.0, 5.0), "10");
        assert_eq!(format_tick(-0.25, 0.05), "-0.25");
        assert_eq!(format_tick(2e-6, 1e-6), "2e-6");
        assert_eq!(format_log_tick(0.010000000000000002), "0.01");
        assert_eq!(format_log_tick(1e-5), "1e-5");
        assert_eq!(format_log_tick(200.0), "200");
        assert_eq!(format_value(0.123456), "0.123");
        assert_eq!(format_value(12.3456), "12.3");
        assert_eq!(format_value(1234.6), "1235");
        assert_eq!(format_value(2.5e-5), "2.50e-5");
        assert_eq!(format_value(0.0), "0");
    }
}
