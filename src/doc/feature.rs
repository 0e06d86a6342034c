//! Features: the classical values a gate angle can read. A feature is built from a *source* —
//! an input of the (preprocessed) data point, `x1 … x64`, or an output of the pre-net's last
//! dense layer, `h1 … h64` — as the value itself, its square, its sine, or the product of two
//! sources: `x3`, `h2`, `x1^2`, `sin(x2)`, `x1*x2`, `h1*x4`. Documents store them by these names.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The most inputs or pre-net outputs a feature can name (`x64`, `h64`).
pub const MAX_SOURCE: usize = 64;

/// Where a feature's value comes from (0-based indices; names are 1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// Input `i` of the data point after preprocessing (`x{i+1}`).
    Input(usize),
    /// Output `j` of the pre-net's last layer (`h{j+1}`).
    Hidden(usize),
}

impl Source {
    fn parse(s: &str) -> Option<Source> {
        let (kind, num) = s.split_at(s.char_indices().nth(1).map_or(s.len(), |(i, _)| i));
        let n: usize = num.parse().ok().filter(|n| (1..=MAX_SOURCE).contains(n))?;
        if num.starts_with('0') || num.starts_with('+') {
            return None;
        }
        match kind {
            "x" => Some(Source::Input(n - 1)),
            "h" => Some(Source::Hidden(n - 1)),
            _ => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Input(i) => write!(f, "x{}", i + 1),
            Source::Hidden(j) => write!(f, "h{}", j + 1),
        }
    }
}

/// A classical feature of a data point (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Feature {
    /// The source's value.
    Value(Source),
    /// Its square.
    Square(Source),
    /// Its sine.
    Sin(Source),
    /// The product of two sources.
    Product(Source, Source),
}

impl Feature {
    /// `x1`
    pub const X1: Feature = Feature::Value(Source::Input(0));
    /// `x2`
    pub const X2: Feature = Feature::Value(Source::Input(1));
    /// `x1²`
    pub const X1_SQ: Feature = Feature::Square(Source::Input(0));
    /// `x2²`
    pub const X2_SQ: Feature = Feature::Square(Source::Input(1));
    /// `x1·x2`
    pub const X1X2: Feature = Feature::Product(Source::Input(0), Source::Input(1));
    /// `sin x1`
    pub const SIN_X1: Feature = Feature::Sin(Source::Input(0));
    /// `sin x2`
    pub const SIN_X2: Feature = Feature::Sin(Source::Input(1));

    /// The playground's classic features of a 2-D point.
    pub const CLASSIC: [Feature; 7] = [
        Feature::X1,
        Feature::X2,
        Feature::X1_SQ,
        Feature::X2_SQ,
        Feature::X1X2,
        Feature::SIN_X1,
        Feature::SIN_X2,
    ];

    /// The features the editor offers for `n_inputs` inputs and `n_hidden` pre-net outputs:
    /// every input; for two inputs also their squares, product and sines (the playground's
    /// classic feature list); then every pre-net output.
    pub fn menu(n_inputs: usize, n_hidden: usize) -> Vec<Feature> {
        let mut out: Vec<Feature> = (0..n_inputs.min(MAX_SOURCE))
            .map(|i| Feature::Value(Source::Input(i)))
            .collect();
        if n_inputs == 2 {
            out.extend([
                Feature::X1_SQ,
                Feature::X2_SQ,
                Feature::X1X2,
                Feature::SIN_X1,
                Feature::SIN_X2,
            ]);
        }
        out.extend((0..n_hidden.min(MAX_SOURCE)).map(|j| Feature::Value(Source::Hidden(j))));
        out
    }

    /// The sources the feature reads (one or two).
    pub fn sources(self) -> impl Iterator<Item = Source> {
        let (a, b) = match self {
            Feature::Value(s) | Feature::Square(s) | Feature::Sin(s) => (s, None),
            Feature::Product(s, t) => (s, Some(t)),
        };
        std::iter::once(a).chain(b)
    }

    /// The value, reading sources with `src`.
    #[inline]
    pub fn eval_with(self, src: impl Fn(Source) -> f64) -> f64 {
        match self {
            Feature::Value(s) => src(s),
            Feature::Square(s) => {
                let v = src(s);
                v * v
            }
            Feature::Sin(s) => src(s).sin(),
            Feature::Product(s, t) => src(s) * src(t),
        }
    }

    /// The value at an input point `x` with pre-net outputs `h` (absent entries read as 0).
    #[inline]
    pub fn eval(self, x: &[f64], h: &[f64]) -> f64 {
        self.eval_with(|s| match s {
            Source::Input(i) => x.get(i).copied().unwrap_or(0.0),
            Source::Hidden(j) => h.get(j).copied().unwrap_or(0.0),
        })
    }

    /// `∂feature/∂source` for each source the feature reads, at the point given by `src`.
    pub fn derivatives_with(self, src: impl Fn(Source) -> f64) -> [(Source, f64); 2] {
        match self {
            Feature::Value(s) => [(s, 1.0), (s, 0.0)],
            Feature::Square(s) => [(s, 2.0 * src(s)), (s, 0.0)],
            Feature::Sin(s) => [(s, src(s).cos()), (s, 0.0)],
            Feature::Product(s, t) => [(s, src(t)), (t, src(s))],
        }
    }

    /// The feature's range when each source ranges over `range(source)`, used to scale it into
    /// angles (inputs count as `[-1, 1]`; pre-net outputs as their activation's range).
    pub fn natural_range(self, range: impl Fn(Source) -> [f64; 2]) -> [f64; 2] {
        let span = |a: [f64; 2], f: &dyn Fn(f64) -> f64| {
            let (p, q) = (f(a[0]), f(a[1]));
            [p.min(q), p.max(q)]
        };
        match self {
            Feature::Value(s) => range(s),
            Feature::Square(s) => {
                let [lo, hi] = range(s);
                let m = lo.abs().max(hi.abs());
                let low = if lo <= 0.0 && hi >= 0.0 {
                    0.0
                } else {
                    lo.abs().min(hi.abs()).powi(2)
                };
                [low, m * m]
            }
            Feature::Sin(s) => {
                let [lo, hi] = range(s);
                if hi - lo >= std::f64::consts::PI || lo.abs() > 1.5 || hi.abs() > 1.5 {
                    [-1.0, 1.0]
                } else {
                    span([lo, hi], &f64::sin)
                }
            }
            Feature::Product(s, t) => {
                let (a, b) = (range(s), range(t));
                let c = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
                [
                    c.iter().copied().fold(f64::INFINITY, f64::min),
                    c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ]
            }
        }
    }

    /// The name used in documents, e.g. `x1^2`.
    pub fn name(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Feature::Value(s) => write!(f, "{s}"),
            Feature::Square(s) => write!(f, "{s}^2"),
            Feature::Sin(s) => write!(f, "sin({s})"),
            Feature::Product(s, t) => write!(f, "{s}*{t}"),
        }
    }
}

impl std::str::FromStr for Feature {
    type Err = String;

    fn from_str(text: &str) -> Result<Feature, String> {
        let t = text.trim();
        let bad = || {
            let shown: String = t.chars().take(60).collect();
            format!(
                "'{shown}' is not a feature; use an input x1…x{MAX_SOURCE} or a pre-net output \
                 h1…h{MAX_SOURCE}, as it is or as x1^2, sin(x1) or x1*x2"
            )
        };
        let f = if let Some(inner) = t.strip_prefix("sin(").and_then(|r| r.strip_suffix(')')) {
            Source::parse(inner.trim()).map(Feature::Sin)
        } else if let Some((a, b)) = t.split_once('*') {
            Source::parse(a.trim())
                .zip(Source::parse(b.trim()))
                .map(|(a, b)| Feature::Product(a, b))
        } else if let Some(base) = t.strip_suffix("^2") {
            Source::parse(base.trim()).map(Feature::Square)
        } else {
            Source::parse(t).map(Feature::Value)
        };
        f.ok_or_else(bad)
    }
}

impl TryFrom<String> for Feature {
    type Error = String;

    fn try_from(s: String) -> Result<Feature, String> {
        s.parse()
    }
}

impl From<Feature> for String {
    fn from(f: Feature) -> String {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_classic_names_still_read() {
        for name in [
            "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)", "x16", "h3", "h1*x4",
            "sin(h2)", "x64",
        ] {
            let f: Feature = name.parse().unwrap();
            assert_eq!(f.to_string(), name);
            let j = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<Feature>(&j).unwrap(), f);
        }
        assert_eq!("x1".parse::<Feature>().unwrap(), Feature::X1);
        assert_eq!("x1*x2".parse::<Feature>().unwrap(), Feature::X1X2);
        for bad in [
            "x0", "x65", "y1", "x", "x01", "sin x1", "x1^3", "", "h+1", "x1*", "éé",
        ] {
            let e = bad.parse::<Feature>().unwrap_err();
            assert!(e.contains("is not a feature"), "{bad}: {e}");
        }
    }

    #[test]
    fn values_and_derivatives() {
        let x = [0.3, -0.7];
        let h = [0.5];
        assert_eq!(Feature::X1X2.eval(&x, &h), 0.3 * -0.7);
        assert_eq!(Feature::SIN_X2.eval(&x, &h), (-0.7f64).sin());
        assert_eq!("h1^2".parse::<Feature>().unwrap().eval(&x, &h), 0.25);
        assert_eq!("x9".parse::<Feature>().unwrap().eval(&x, &h), 0.0);
        let src = |s| match s {
            Source::Input(i) => x[i],
            Source::Hidden(j) => h[j],
        };
        for f in Feature::menu(2, 1) {
            let d = 1e-6;
            for (s, g) in f.derivatives_with(src) {
                if g == 0.0 {
                    continue;
                }
                let shifted = |e: f64| f.eval_with(|t| if t == s { src(t) + e } else { src(t) });
                let num = (shifted(d) - shifted(-d)) / (2.0 * d);
                assert!((num - g).abs() < 1e-8, "{f} d/d{s}: {g} vs {num}");
            }
        }
    }

    #[test]
    fn natural_ranges_of_the_classic_features() {
        let unit = |_| [-1.0, 1.0];
        assert_eq!(Feature::X1.natural_range(unit), [-1.0, 1.0]);
        assert_eq!(Feature::X1_SQ.natural_range(unit), [0.0, 1.0]);
        assert_eq!(Feature::X1X2.natural_range(unit), [-1.0, 1.0]);
        let s = Feature::SIN_X1.natural_range(unit);
        assert_eq!(s, [-(1f64.sin()), 1f64.sin()]);
        let sig = "h1"
            .parse::<Feature>()
            .unwrap()
            .natural_range(|_| [0.0, 1.0]);
        assert_eq!(sig, [0.0, 1.0]);
    }

    #[test]
    fn the_menu_lists_inputs_then_classic_features_then_hidden() {
        let names: Vec<String> = Feature::menu(2, 2).iter().map(|f| f.to_string()).collect();
        assert_eq!(
            names,
            ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)", "h1", "h2"]
        );
        assert_eq!(Feature::menu(4, 0).len(), 4);
    }
}
