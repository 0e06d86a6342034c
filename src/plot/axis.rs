//! One chart axis: its range in axis space (log10 of the value on a log axis), its labelled and
//! minor ticks, and the mapping from data values to pixels. Linear, log, whole-number and
//! category axes are all this one type.

use super::ticks::{format_log_tick, format_tick, linear_ticks, log_ticks};

/// An axis: range, ticks with their labels, minor ticks, all in axis space.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    /// Axis-space value at the start (left or bottom) of the axis.
    pub lo: f64,
    /// Axis-space value at the end (right or top).
    pub hi: f64,
    /// Whether axis space is log10 of the data.
    pub log: bool,
    /// Labelled ticks: axis-space position and label.
    pub ticks: Vec<(f64, String)>,
    /// Unlabelled minor ticks (log axes).
    pub minor: Vec<f64>,
    /// Category axis: each tick labels a band one unit wide (labels are shortened to fit
    /// their band rather than thinned out).
    pub bands: bool,
}

impl Axis {
    /// A linear axis over exactly `[lo, hi]` with about `target` nice ticks inside.
    pub fn linear(lo: f64, hi: f64, target: usize) -> Axis {
        let (ticks, step) = linear_ticks(lo, hi, target);
        Axis {
            lo,
            hi,
            log: false,
            ticks: ticks
                .into_iter()
                .map(|v| (v, format_tick(v, step)))
                .collect(),
            minor: Vec::new(),
            bands: false,
        }
    }

    /// A log axis over exactly `[lo, hi]` in log10 space.
    pub fn log10(lo: f64, hi: f64) -> Axis {
        let (major, minor) = log_ticks(lo, hi);
        Axis {
            lo,
            hi,
            log: true,
            ticks: major
                .into_iter()
                .map(|v| (v, format_log_tick(10f64.powf(v))))
                .collect(),
            minor,
            bands: false,
        }
    }

    /// A whole-number axis over `[lo, hi]`: ticks at multiples of a nice step of at least 1
    /// (every number when the range is short).
    pub fn integers(lo: f64, hi: f64, target: usize) -> Axis {
        let mut axis = Axis::linear(lo, hi, target);
        let (_, step) = linear_ticks(lo, hi, target);
        if step < 1.0 {
            axis.ticks = ((lo.ceil() as i64)..=(hi.floor() as i64))
                .map(|v| (v as f64, v.to_string()))
                .collect();
        }
        axis
    }

    /// `n` categories at 0, 1, …, n−1, each a band one unit wide, labelled by `names`.
    pub fn categories(names: &[String]) -> Axis {
        Axis {
            lo: -0.5,
            hi: names.len() as f64 - 0.5,
            log: false,
            ticks: names
                .iter()
                .enumerate()
                .map(|(i, n)| (i as f64, n.clone()))
                .collect(),
            minor: Vec::new(),
            bands: true,
        }
    }

    /// An axis fitted to `values` (non-finite ones ignored): linear with a little padding
    /// (clamped at 0 when every value is ≥ 0), or log10 over the positive values. A constant
    /// or empty input still gets a visible band.
    pub fn fit(values: impl Iterator<Item = f64>, log: bool) -> Axis {
        let finite = values.filter(|v| v.is_finite());
        if log {
            let (lo, hi) = min_max(finite.filter(|v| *v > 0.0)).unwrap_or((1e-3, 1.0));
            let (mut a, mut b) = (lo.log10(), hi.log10());
            if b - a < 0.1 {
                let c = 0.5 * (a + b);
                a = c - 0.05;
                b = c + 0.05;
            }
            let pad = 0.05 * (b - a);
            Axis::log10(a - pad, b + pad)
        } else {
            let (mut lo, mut hi) = min_max(finite).unwrap_or((0.0, 1.0));
            if hi - lo < 1e-12 * lo.abs().max(1.0) {
                let half = (0.1 * lo.abs()).max(0.05);
                lo -= half;
                hi += half;
            }
            let pad = 0.06 * (hi - lo);
            let nonneg = lo >= 0.0;
            lo -= pad;
            hi += pad;
            if nonneg && lo < 0.0 {
                lo = 0.0;
            }
            Axis::linear(lo, hi, 5)
        }
    }

    /// A data value in axis space (log10 on a log axis, clamped up to the axis floor), or
    /// None when it is not finite.
    pub fn map(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        if self.log {
            Some(v.max(10f64.powf(self.lo)).log10())
        } else {
            Some(v)
        }
    }

    /// An axis-space value as a pixel between `from` (at `lo`) and `to` (at `hi`).
    pub fn pixel(&self, a: f64, from: i32, to: i32) -> i32 {
        let f = (a - self.lo) / (self.hi - self.lo);
        let p = f64::from(from) + f * f64::from(to - from);
        if p.is_finite() {
            p.round().clamp(-1e6, 1e6) as i32
        } else {
            from
        }
    }

    /// The axis-space value at a (fractional) pixel between `from` and `to`.
    pub fn value_at(&self, p: f64, from: i32, to: i32) -> f64 {
        self.lo + (p - f64::from(from)) / f64::from(to - from) * (self.hi - self.lo)
    }

    /// Whether an axis-space value lies inside the axis (with slack for rounding).
    pub fn contains(&self, a: f64) -> bool {
        let (lo, hi) = (self.lo.min(self.hi), self.lo.max(self.hi));
        let slack = 1e-9 * (hi - lo);
        a >= lo - slack && a <= hi + slack
    }
}

/// Smallest and largest value, or None for an empty input.
pub(crate) fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((a, b)) => Some((a.min(v), b.max(v))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(a: &Axis) -> Vec<&str> {
        a.ticks.iter().map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn linear_axes_keep_their_range_and_label_ticks() {
        let a = Axis::linear(-6.0, 6.0, 5);
        assert_eq!((a.lo, a.hi), (-6.0, 6.0));
        assert_eq!(labels(&a), ["-6", "-4", "-2", "0", "2", "4", "6"]);
        assert_eq!(a.pixel(0.0, 10, 110), 60);
        assert_eq!(a.pixel(6.0, 110, 10), 10, "reversed (y) mapping");
        assert!((a.value_at(60.0, 10, 110)).abs() < 1e-12);
        assert!(a.contains(6.0) && !a.contains(6.1));
        assert_eq!(a.map(f64::NAN), None);
    }

    #[test]
    fn fitted_axes_pad_and_clamp() {
        let a = Axis::fit([0.01, 0.9].into_iter(), false);
        assert_eq!(a.lo, 0.0, "non-negative data never gets a negative axis");
        let b = Axis::fit([0.5, 0.9].into_iter(), false);
        assert!(b.lo > 0.45 && b.lo < 0.5, "padded: {}", b.lo);
        assert!(a.hi > 0.9);
        let c = Axis::fit([0.5; 6].into_iter(), false);
        assert!(c.lo < 0.5 && c.hi > 0.5 && c.ticks.len() >= 2);
        let e = Axis::fit(std::iter::empty(), false);
        assert_eq!((e.lo, e.hi), (0.0, 1.0 + 0.06));
        let l = Axis::fit([1e-3, 0.0, -1.0, 1.0, f64::NAN].into_iter(), true);
        assert!(l.log && l.lo < -3.0 && l.hi > 0.0);
        assert_eq!(labels(&l), ["0.001", "0.01", "0.1", "1"]);
        // Zero and negative values clamp to the floor.
        assert_eq!(l.map(0.0), Some(l.lo));
        let none = Axis::fit([0.0, -2.0].into_iter(), true);
        assert!(none.lo < -3.0 && none.hi > 0.0, "a default band");
    }

    #[test]
    fn integer_and_category_axes() {
        let a = Axis::integers(1.0, 4.0, 6);
        assert_eq!(labels(&a), ["1", "2", "3", "4"]);
        let b = Axis::integers(1.0, 200.0, 6);
        assert!(b.ticks.iter().all(|(v, _)| v.fract() == 0.0));
        assert!(b.ticks.len() <= 8);
        let names = ["a".to_string(), "b".to_string(), "c".to_string()];
        let c = Axis::categories(&names);
        assert_eq!((c.lo, c.hi), (-0.5, 2.5));
        assert_eq!(labels(&c), ["a", "b", "c"]);
        assert_eq!(c.pixel(0.0, 0, 300), 50);
    }
}
