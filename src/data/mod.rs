//! Seeded 2-D datasets: the generators, the train/test split, user-added points and CSV import.
//!
//! Owns [`DatasetSpec`] (what the document stores), [`Dataset`] (what training reads) and
//! [`parse_csv`]. May import only `std`, `serde` and `crate::rng`; it knows nothing of circuits,
//! models or training.
//!
//! Every generated kind lives roughly in `[-1, 1]²`. Noise is Gaussian jitter of both coordinates
//! with standard deviation `noise`, for every kind: for Circle and Xor the label is decided before
//! the jitter, so noisy points near the boundary end up on the "wrong" side. The same spec always
//! gives the same dataset.
//!
//! ```
//! use qmlp::data::{DatasetKind, DatasetSpec};
//! let spec = DatasetSpec { kind: DatasetKind::Moons, points: 100, ..DatasetSpec::default() };
//! let data = spec.generate().unwrap();
//! assert_eq!(data.train.len() + data.test.len(), 100);
//! assert_eq!(data, spec.generate().unwrap());
//! ```

pub mod builtin;
mod csv;
mod error;
mod generators;
pub mod paper;

pub use csv::{parse_csv, to_csv, CSV_HEADER};
pub use error::DataError;

use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// The largest number of points a dataset (or a CSV, or a test set) may hold.
pub const MAX_POINTS: usize = 20_000;

/// Which dataset to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// Uniform in `[-1, 1]²`, label 1 inside the circle of radius `√(2/π)` (PennyLane's demo).
    Circle,
    /// Uniform in `[-1, 1]²`, label 1 where `x1·x2 > 0`.
    Xor,
    /// Two Gaussian blobs, centred at `(-0.5, -0.5)` (label 0) and `(0.5, 0.5)` (label 1).
    Gaussians,
    /// Two interleaved spiral arms.
    Spiral,
    /// Two interleaving half-moons scaled into `[-1, 1]²`.
    Moons,
    /// Three Gaussian blobs on a circle of radius 0.55.
    Gaussians3,
    /// A disc and two annuli: three classes by radius.
    Circles3,
    /// The user's own rows from [`DatasetSpec::custom`].
    Custom,
}

const ALL_KINDS: [DatasetKind; 8] = [
    DatasetKind::Circle,
    DatasetKind::Xor,
    DatasetKind::Gaussians,
    DatasetKind::Spiral,
    DatasetKind::Moons,
    DatasetKind::Gaussians3,
    DatasetKind::Circles3,
    DatasetKind::Custom,
];

impl DatasetKind {
    /// The number of classes this kind generates; 0 for Custom, whose rows decide it (see
    /// [`DatasetSpec::n_classes`]).
    pub fn n_classes(self) -> usize {
        match self {
            DatasetKind::Circle
            | DatasetKind::Xor
            | DatasetKind::Gaussians
            | DatasetKind::Spiral
            | DatasetKind::Moons => 2,
            DatasetKind::Gaussians3 | DatasetKind::Circles3 => 3,
            DatasetKind::Custom => 0,
        }
    }

    /// The kind's name as written in documents, e.g. `"gaussians3"`.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Circle => "circle",
            DatasetKind::Xor => "xor",
            DatasetKind::Gaussians => "gaussians",
            DatasetKind::Spiral => "spiral",
            DatasetKind::Moons => "moons",
            DatasetKind::Gaussians3 => "gaussians3",
            DatasetKind::Circles3 => "circles3",
            DatasetKind::Custom => "custom",
        }
    }

    /// The kind whose [`name`](Self::name) is `name`, if any.
    pub fn from_name(name: &str) -> Option<DatasetKind> {
        ALL_KINDS.iter().copied().find(|k| k.name() == name)
    }

    /// Every kind, in menu order.
    pub fn all() -> &'static [DatasetKind] {
        &ALL_KINDS
    }
}

/// Everything that determines a dataset; the document stores this.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetSpec {
    /// Which generator to use.
    pub kind: DatasetKind,
    /// How many points to generate (training points only when `test_points` is set); unused by
    /// Custom, whose rows are the data, but still range-checked.
    pub points: usize,
    /// Standard deviation of the Gaussian coordinate jitter, in `[0, 1]`.
    pub noise: f64,
    /// Fraction of the points that go to the training split, in `(0, 1)`.
    pub train_ratio: f64,
    /// Seed of the generator and of the split shuffle.
    pub seed: u64,
    /// `(x1, x2, label)` rows: the whole dataset for Custom; user-added points (always in the
    /// training split) for the other kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<[f64; 3]>,
    /// A separate test-set size: `points` training plus this many test points from the same
    /// distribution; `train_ratio` is then unused but still range-checked (for Custom: this
    /// many rows are held out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_points: Option<usize>,
}

impl Default for DatasetSpec {
    fn default() -> Self {
        DatasetSpec {
            kind: DatasetKind::Circle,
            points: 200,
            noise: 0.0,
            train_ratio: 0.5,
            seed: 0,
            custom: Vec::new(),
            test_points: None,
        }
    }
}

/// One labelled point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The coordinates `(x1, x2)`.
    pub x: [f64; 2],
    /// The class, in `0..n_classes`.
    pub label: usize,
}

/// A generated dataset, split into training and test points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// The training points.
    pub train: Vec<Point>,
    /// The held-out test points.
    pub test: Vec<Point>,
    /// The number of classes; every label is below it.
    pub n_classes: usize,
    /// The plot window `[xmin, xmax, ymin, ymax]`: fixed per kind (whatever the seed or noise),
    /// grown to include user-added points; for Custom, the rows' padded bounding box.
    pub extent: [f64; 4],
}

impl Dataset {
    /// How many points of each class a split holds.
    pub fn class_counts(points: &[Point], n_classes: usize) -> Vec<usize> {
        let mut counts = vec![0; n_classes];
        for p in points {
            if let Some(c) = counts.get_mut(p.label) {
                *c += 1;
            }
        }
        counts
    }
}

impl DatasetSpec {
    /// Checks every field; the error names the field, its value and the allowed range.
    ///
    /// ```
    /// use qmlp::data::DatasetSpec;
    /// let spec = DatasetSpec { noise: 1.5, ..DatasetSpec::default() };
    /// assert_eq!(
    ///     spec.validate().unwrap_err().to_string(),
    ///     "dataset noise = 1.5 is invalid: must be a finite number from 0 to 1"
    /// );
    /// ```
    pub fn validate(&self) -> Result<(), DataError> {
        if !(1..=MAX_POINTS).contains(&self.points) {
            return Err(DataError::field(
                "points",
                self.points,
                &format!("must be a whole number from 1 to {MAX_POINTS}"),
            ));
        }
        if !(self.noise.is_finite() && (0.0..=1.0).contains(&self.noise)) {
            return Err(DataError::field(
                "noise",
                self.noise,
                "must be a finite number from 0 to 1",
            ));
        }
        if !(self.train_ratio.is_finite() && self.train_ratio > 0.0 && self.train_ratio < 1.0) {
            return Err(DataError::field(
                "train_ratio",
                self.train_ratio,
                "must be a number strictly between 0 and 1",
            ));
        }
        if let Some(m) = self.test_points {
            if !(1..=MAX_POINTS).contains(&m) {
                return Err(DataError::field(
                    "test_points",
                    m,
                    &format!("must be a whole number from 1 to {MAX_POINTS} (or absent)"),
                ));
            }
        }
        self.validate_custom_rows()?;
        let pool = if self.kind == DatasetKind::Custom {
            self.custom.len()
        } else {
            self.points
        };
        match self.test_points {
            None => {
                let n_train = split_size(pool, self.train_ratio);
                if n_train == 0 || n_train >= pool {
                    let what = if self.kind == DatasetKind::Custom {
                        "custom rows"
                    } else {
                        "points"
                    };
                    return Err(DataError::field(
                        "train_ratio",
                        self.train_ratio,
                        &format!(
                            "with {pool} {what} the split would be {n_train} train / {} test, \
                             and both splits need at least 1 point",
                            pool - n_train.min(pool)
                        ),
                    ));
                }
            }
            Some(m) if self.kind == DatasetKind::Custom && m >= pool => {
                return Err(DataError::field(
                    "test_points",
                    m,
                    &format!(
                        "must leave at least 1 of the {pool} custom rows for training (at most {})",
                        pool.saturating_sub(1)
                    ),
                ));
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// The number of classes the generated dataset will have (for Custom: from the rows).
    pub fn n_classes(&self) -> Result<usize, DataError> {
        if self.kind == DatasetKind::Custom {
            self.validate_custom_rows()?;
            csv::class_count(&self.custom)
        } else {
            Ok(self.kind.n_classes())
        }
    }

    /// Generates the dataset: same spec, same points, in the same order.
    pub fn generate(&self) -> Result<Dataset, DataError> {
        self.validate()?;
        let mut rng = Rng::new(self.seed);
        let custom_points: Vec<Point> = self
            .custom
            .iter()
            .map(|r| Point {
                x: [r[0], r[1]],
                label: csv::label_value(r[2]).unwrap_or(0),
            })
            .collect();

        if self.kind == DatasetKind::Custom {
            let n_classes = csv::class_count(&self.custom)?;
            let mut all = custom_points;
            rng.shuffle(&mut all);
            let n_test = match self.test_points {
                Some(m) => m,
                None => all.len() - split_size(all.len(), self.train_ratio),
            };
            let test = all.split_off(all.len() - n_test);
            return Ok(Dataset {
                train: all,
                test,
                n_classes,
                extent: padded_bbox(&self.custom),
            });
        }

        let (mut train, test) = match self.test_points {
            Some(m) => {
                let mut train = self.sample_points(self.points, &mut rng);
                let mut test = self.sample_points(m, &mut rng);
                rng.shuffle(&mut train);
                rng.shuffle(&mut test);
                (train, test)
            }
            None => {
                let mut all = self.sample_points(self.points, &mut rng);
                rng.shuffle(&mut all);
                let n_train = split_size(all.len(), self.train_ratio);
                let test = all.split_off(n_train);
                (all, test)
            }
        };
        train.extend(custom_points);
        let mut extent = generators::GENERATED_EXTENT;
        if !self.custom.is_empty() {
            let b = padded_bbox(&self.custom);
            extent = [
                extent[0].min(b[0]),
                extent[1].max(b[1]),
                extent[2].min(b[2]),
                extent[3].max(b[3]),
            ];
        }
        Ok(Dataset {
            train,
            test,
            n_classes: self.kind.n_classes(),
            extent,
        })
    }

    /// `n` jittered samples, classes assigned round-robin for kinds that choose the class first.
    fn sample_points(&self, n: usize, rng: &mut Rng) -> Vec<Point> {
        let k = self.kind.n_classes().max(1);
        (0..n)
            .map(|i| {
                let (x, label) = generators::sample(self.kind, i % k, rng);
                Point {
                    x: generators::jitter(x, self.noise, rng),
                    label,
                }
            })
            .collect()
    }

    /// Checks the `custom` rows: count, finite coordinates, integer labels in range.
    fn validate_custom_rows(&self) -> Result<(), DataError> {
        if self.custom.len() > MAX_POINTS {
            return Err(DataError::field(
                "custom",
                format!("{} rows", self.custom.len()),
                &format!("at most {MAX_POINTS} rows are allowed"),
            ));
        }
        let k = self.kind.n_classes();
        for (i, row) in self.custom.iter().enumerate() {
            let shown = format!("[{}, {}, {}]", row[0], row[1], row[2]);
            if !(row[0].is_finite() && row[1].is_finite()) {
                return Err(DataError::field(
                    format!("custom[{i}]"),
                    shown,
                    "coordinates must be finite numbers",
                ));
            }
            let label = csv::label_value(row[2]).ok_or_else(|| {
                DataError::field(
                    format!("custom[{i}]"),
                    &shown,
                    "the label (third entry) must be a non-negative whole number",
                )
            })?;
            if self.kind != DatasetKind::Custom && label >= k {
                return Err(DataError::field(
                    format!("custom[{i}]"),
                    &shown,
                    &format!(
                        "the {} dataset has {k} classes, so the label must be 0 to {}",
                        self.kind.name(),
                        k - 1
                    ),
                ));
            }
        }
        if self.kind == DatasetKind::Custom {
            if self.custom.len() < 2 {
                return Err(DataError::field(
                    "custom",
                    format!("{} rows", self.custom.len()),
                    "a custom dataset needs at least 2 rows with at least 2 classes",
                ));
            }
            csv::class_count(&self.custom)?;
        }
        Ok(())
    }
}

/// How many of `n` points go to training for `ratio`.
fn split_size(n: usize, ratio: f64) -> usize {
    ((n as f64) * ratio).round() as usize
}

/// The bounding box of the rows, padded by a tenth of its span on each side (at least 0.1).
fn padded_bbox(rows: &[[f64; 3]]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for r in rows {
        b[0] = b[0].min(r[0]);
        b[1] = b[1].max(r[0]);
        b[2] = b[2].min(r[1]);
        b[3] = b[3].max(r[1]);
    }
    if !b.iter().all(|v| v.is_finite()) {
        return generators::GENERATED_EXTENT;
    }
    let px = (0.1 * (b[1] - b[0])).max(0.1);
    let py = (0.1 * (b[3] - b[2])).max(0.1);
    [b[0] - px, b[1] + px, b[2] - py, b[3] + py]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: DatasetKind, points: usize, seed: u64) -> DatasetSpec {
        DatasetSpec {
            kind,
            points,
            seed,
            noise: 0.1,
            ..DatasetSpec::default()
        }
    }

    fn field_of(e: DataError) -> String {
        match e {
            DataError::Field { field, .. } => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn same_spec_same_dataset_for_every_kind() {
        for &kind in DatasetKind::all() {
            if kind == DatasetKind::Custom {
                continue;
            }
            let s = spec(kind, 300, 42);
            assert_eq!(s.generate().unwrap(), s.generate().unwrap(), "{kind:?}");
        }
    }

    #[test]
    fn different_seeds_differ() {
        for &kind in DatasetKind::all() {
            if kind == DatasetKind::Custom {
                continue;
            }
            let a = spec(kind, 100, 1).generate().unwrap();
            let b = spec(kind, 100, 2).generate().unwrap();
            assert_ne!(a.train, b.train, "{kind:?}");
            assert_eq!(a.extent, b.extent, "extent must not depend on the seed");
        }
    }

    #[test]
    fn sizes_labels_and_class_balance() {
        for &kind in DatasetKind::all() {
            if kind == DatasetKind::Custom {
                continue;
            }
            let d = spec(kind, 600, 9).generate().unwrap();
            assert_eq!(d.n_classes, kind.n_classes());
            assert_eq!(d.train.len() + d.test.len(), 600);
            assert_eq!(d.train.len(), 300);
            let all: Vec<Point> = d.train.iter().chain(&d.test).copied().collect();
            assert!(all.iter().all(|p| p.label < d.n_classes), "{kind:?}");
            assert!(all.iter().all(|p| p.x[0].is_finite() && p.x[1].is_finite()));
            let counts = Dataset::class_counts(&all, d.n_classes);
            let fair = 600 / d.n_classes;
            for c in &counts {
                // Exactly balanced for class-first kinds; within sampling error for Circle/Xor.
                assert!(c.abs_diff(fair) <= 60, "{kind:?} {counts:?}");
            }
            // Both classes reach both splits.
            let tc = Dataset::class_counts(&d.test, d.n_classes);
            assert!(tc.iter().all(|&c| c > 0), "{kind:?} test {tc:?}");
        }
    }

    #[test]
    fn points_stay_roughly_in_the_unit_square() {
        for &kind in DatasetKind::all() {
            if kind == DatasetKind::Custom {
                continue;
            }
            let mut s = spec(kind, 1000, 3);
            s.noise = 0.0;
            let d = s.generate().unwrap();
            let inside = d
                .train
                .iter()
                .chain(&d.test)
                .filter(|p| p.x[0].abs() <= 1.0 && p.x[1].abs() <= 1.0)
                .count();
            assert!(inside >= 985, "{kind:?}: {inside}");
        }
    }

    #[test]
    fn circle_labels_match_the_definition() {
        let mut s = spec(DatasetKind::Circle, 2000, 5);
        s.noise = 0.0;
        let d = s.generate().unwrap();
        for p in d.train.iter().chain(&d.test) {
            assert!(p.x[0].abs() <= 1.0 && p.x[1].abs() <= 1.0);
            let inside = p.x[0] * p.x[0] + p.x[1] * p.x[1] < 2.0 / std::f64::consts::PI;
            assert_eq!(p.label, usize::from(inside));
        }
    }

    #[test]
    fn xor_labels_match_the_definition() {
        let mut s = spec(DatasetKind::Xor, 500, 5);
        s.noise = 0.0;
        let d = s.generate().unwrap();
        for p in d.train.iter().chain(&d.test) {
            assert_eq!(p.label, usize::from(p.x[0] * p.x[1] > 0.0));
        }
    }

    #[test]
    fn noise_is_coordinate_jitter() {
        let mut clean = spec(DatasetKind::Circle, 400, 11);
        clean.noise = 0.0;
        let mut noisy = clean.clone();
        noisy.noise = 0.3;
        let d = noisy.generate().unwrap();
        let wrong = d
            .train
            .iter()
            .filter(|p| {
                let inside = p.x[0] * p.x[0] + p.x[1] * p.x[1] < 2.0 / std::f64::consts::PI;
                p.label != usize::from(inside)
            })
            .count();
        assert!(
            wrong > 0,
            "jitter should move some points across the boundary"
        );
    }

    #[test]
    fn separate_test_set_ignores_train_ratio() {
        let mut s = spec(DatasetKind::Spiral, 120, 4);
        s.test_points = Some(500);
        s.train_ratio = 0.9;
        let d = s.generate().unwrap();
        assert_eq!((d.train.len(), d.test.len()), (120, 500));
        assert_eq!(Dataset::class_counts(&d.test, 2), vec![250, 250]);
        assert_eq!(Dataset::class_counts(&d.train, 2), vec![60, 60]);
    }

    #[test]
    fn user_added_points_join_the_training_split() {
        let mut s = spec(DatasetKind::Gaussians, 50, 4);
        s.custom = vec![[3.0, 0.0, 1.0], [0.1, 0.2, 0.0]];
        let d = s.generate().unwrap();
        assert_eq!(d.train.len(), 27);
        assert!(d.train.contains(&Point {
            x: [3.0, 0.0],
            label: 1
        }));
        assert!(d.extent[1] > 3.0, "extent grows to include added points");
        s.custom = vec![[0.0, 0.0, 2.0]];
        let e = s.validate().unwrap_err();
        assert_eq!(field_of(e.clone()), "custom[0]");
        assert!(e.to_string().contains("label must be 0 to 1"), "{e}");
    }

    #[test]
    fn custom_dataset_uses_the_rows() {
        let rows: Vec<[f64; 3]> = (0..30)
            .map(|i| [i as f64 * 0.1, -(i as f64) * 0.05, (i % 3) as f64])
            .collect();
        let s = DatasetSpec {
            kind: DatasetKind::Custom,
            train_ratio: 0.8,
            custom: rows.clone(),
            ..DatasetSpec::default()
        };
        assert_eq!(s.n_classes(), Ok(3));
        let d = s.generate().unwrap();
        assert_eq!((d.train.len(), d.test.len(), d.n_classes), (24, 6, 3));
        let mut got: Vec<[f64; 3]> = d
            .train
            .iter()
            .chain(&d.test)
            .map(|p| [p.x[0], p.x[1], p.label as f64])
            .collect();
        got.sort_by(|a, b| a[0].total_cmp(&b[0]));
        assert_eq!(got, rows);
        assert!(d.extent[0] < 0.0 && d.extent[1] > 2.9);

        let held = DatasetSpec {
            test_points: Some(5),
            ..s.clone()
        };
        let d = held.generate().unwrap();
        assert_eq!((d.train.len(), d.test.len()), (25, 5));
        let too_many = DatasetSpec {
            test_points: Some(30),
            ..s.clone()
        };
        assert_eq!(field_of(too_many.validate().unwrap_err()), "test_points");
    }

    #[test]
    fn custom_needs_two_rows_and_two_classes() {
        let mut s = DatasetSpec {
            kind: DatasetKind::Custom,
            custom: vec![[0.0, 0.0, 0.0]],
            ..DatasetSpec::default()
        };
        assert_eq!(field_of(s.validate().unwrap_err()), "custom");
        s.custom = vec![[0.0, 0.0, 0.0], [1.0, 1.0, 0.0]];
        assert!(s.validate().unwrap_err().to_string().contains("2 classes"));
        s.custom = vec![[0.0, 0.0, 0.0], [1.0, 1.0, 2.0]];
        assert!(s.validate().unwrap_err().to_string().contains("missing"));
        s.custom = vec![[0.0, f64::NAN, 0.0], [1.0, 1.0, 1.0]];
        assert_eq!(field_of(s.validate().unwrap_err()), "custom[0]");
        s.custom = vec![[0.0, 0.0, 0.0], [1.0, 1.0, 0.5]];
        assert_eq!(field_of(s.validate().unwrap_err()), "custom[1]");
    }

    #[test]
    fn validation_errors_name_field_value_and_range() {
        let base = DatasetSpec::default();
        let cases: Vec<(DatasetSpec, &str)> = vec![
            (
                DatasetSpec {
                    points: 0,
                    ..base.clone()
                },
                "points",
            ),
            (
                DatasetSpec {
                    points: MAX_POINTS + 1,
                    ..base.clone()
                },
                "points",
            ),
            (
                DatasetSpec {
                    noise: -0.1,
                    ..base.clone()
                },
                "noise",
            ),
            (
                DatasetSpec {
                    noise: f64::NAN,
                    ..base.clone()
                },
                "noise",
            ),
            (
                DatasetSpec {
                    train_ratio: 0.0,
                    ..base.clone()
                },
                "train_ratio",
            ),
            (
                DatasetSpec {
                    train_ratio: 1.0,
                    ..base.clone()
                },
                "train_ratio",
            ),
            (
                DatasetSpec {
                    points: 1,
                    ..base.clone()
                },
                "train_ratio",
            ),
            (
                DatasetSpec {
                    points: 10,
                    train_ratio: 0.99,
                    ..base.clone()
                },
                "train_ratio",
            ),
            (
                DatasetSpec {
                    test_points: Some(0),
                    ..base.clone()
                },
                "test_points",
            ),
        ];
        for (s, field) in cases {
            let e = s.validate().unwrap_err();
            assert!(s.generate().is_err());
            let text = e.to_string();
            assert_eq!(field_of(e), field, "{text}");
            assert!(text.contains(field), "{text}");
        }
        let e = DatasetSpec {
            points: 0,
            ..base.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "dataset points = 0 is invalid: must be a whole number from 1 to 20000"
        );
        let e = DatasetSpec {
            points: 10,
            train_ratio: 0.99,
            ..base.clone()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("10 train / 0 test"), "{e}");
        // One point is fine with a separate test set.
        let s = DatasetSpec {
            points: 1,
            test_points: Some(1),
            ..base
        };
        assert!(s.generate().is_ok());
    }

    #[test]
    fn names_round_trip_and_serde_uses_them() {
        for &k in DatasetKind::all() {
            assert_eq!(DatasetKind::from_name(k.name()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.name())
            );
        }
        assert_eq!(DatasetKind::from_name("nope"), None);
    }

    #[test]
    fn spec_json_round_trip_and_unknown_fields_rejected() {
        let s = DatasetSpec {
            kind: DatasetKind::Gaussians3,
            test_points: Some(40),
            ..DatasetSpec::default()
        };
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("custom"), "{json}");
        assert_eq!(serde_json::from_str::<DatasetSpec>(&json).unwrap(), s);
        let minimal = r#"{"kind":"xor","points":10,"noise":0,"train_ratio":0.5,"seed":1}"#;
        let parsed: DatasetSpec = serde_json::from_str(minimal).unwrap();
        assert_eq!((parsed.custom.len(), parsed.test_points), (0, None));
        let bad = r#"{"kind":"xor","points":10,"noise":0,"train_ratio":0.5,"seed":1,"x":2}"#;
        assert!(serde_json::from_str::<DatasetSpec>(bad).is_err());
    }
}
