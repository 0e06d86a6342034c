//! Seeded datasets with any number of input features: the generators, the train/test split
//! (random, stratified, or fixed by the document), user-added points and CSV import.
//!
//! Owns [`DatasetSpec`] (what the document stores), [`Dataset`] (what training reads) and
//! [`parse_csv`]. May import only `std`, `serde` and `crate::rng`; it knows nothing of circuits,
//! models or training.
//!
//! Every generated kind lives roughly in `[-1, 1]^d` (2-D unless the kind takes a dimension).
//! Noise is Gaussian jitter of every coordinate with standard deviation `noise`, for every kind:
//! for Circle and Xor the label is decided before the jitter, so noisy points near the boundary
//! end up on the "wrong" side. The same spec always gives the same dataset.
//!
//! A custom dataset's rows are `[x1, …, xd, label]`. With `test` rows beside them the split is
//! fixed: the `custom` rows are the training set and the `test` rows the test set, in their
//! order, never reshuffled or re-split.
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

pub use csv::{csv_columns, parse_csv, parse_table, to_csv, LabelColumn, Table, CSV_HEADER};
pub use error::DataError;

use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// The largest number of points a dataset (or a CSV, or a test set) may hold.
pub const MAX_POINTS: usize = 20_000;
/// The most input features any dataset may have (the 8×8 digits have 64).
pub const MAX_FEATURES: usize = 64;
/// The most feature columns an uploaded CSV table or a document's own rows may have.
pub const MAX_CSV_FEATURES: usize = 16;
/// The most classes a dataset may have.
pub const MAX_CLASSES: usize = 10;
/// The largest input dimension a generator that takes one accepts.
pub const MAX_GENERATED_DIM: usize = 16;

/// Which dataset to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// Uniform in `[-1, 1]^d`, label 1 inside the centred ball holding half the volume (for
    /// `d = 2` the circle of radius `√(2/π)`, PennyLane's demo); 3-D: a sphere.
    Circle,
    /// Uniform in `[-1, 1]^d`, label 1 where the product of the coordinates is positive.
    Xor,
    /// Two Gaussian blobs, centred at `-0.5` (label 0) and `0.5` (label 1) in every coordinate.
    Gaussians,
    /// Two interleaved spiral arms.
    Spiral,
    /// Two interleaving half-moons scaled into `[-1, 1]²`.
    Moons,
    /// Three Gaussian blobs on a circle of radius 0.55.
    Gaussians3,
    /// A disc and two annuli: three classes by radius.
    Circles3,
    /// The data re-uploading paper's problems (see [`paper`]), uniform in `[-1, 1]^d`.
    ThreeCircles,
    /// 4-D: class 1 inside the ball of radius √(2/π) (an eighth of the cube).
    Hypersphere,
    /// 3 classes by radius ("tricrown" in the paper's code).
    Annulus,
    /// 2 classes split by a sine-bent line.
    NonConvex,
    /// 2 classes: a ring and the rest ("crown").
    BinaryAnnulus,
    /// 3-D: class 1 inside the ball holding half the cube.
    Sphere,
    /// 4 classes by quadrant.
    Squares,
    /// 4 classes between two sine-bent lines.
    WavyLines,
    /// Fisher's iris flowers: 150 × 4 measurements, 3 species (see [`builtin`]).
    Iris,
    /// Wine from three cultivars: 178 × 13 chemical measurements.
    Wine,
    /// Breast Cancer Wisconsin (diagnostic): 569 × 30 features, malignant or benign.
    BreastCancer,
    /// 8×8 handwritten digits 0–3: 720 × 64 pixels.
    #[serde(rename = "digits_0_3")]
    Digits,
    /// The user's own rows from [`DatasetSpec::custom`].
    Custom,
}

const ALL_KINDS: [DatasetKind; 20] = [
    DatasetKind::Circle,
    DatasetKind::Xor,
    DatasetKind::Gaussians,
    DatasetKind::Spiral,
    DatasetKind::Moons,
    DatasetKind::Gaussians3,
    DatasetKind::Circles3,
    DatasetKind::ThreeCircles,
    DatasetKind::Annulus,
    DatasetKind::NonConvex,
    DatasetKind::BinaryAnnulus,
    DatasetKind::Squares,
    DatasetKind::WavyLines,
    DatasetKind::Sphere,
    DatasetKind::Hypersphere,
    DatasetKind::Iris,
    DatasetKind::Wine,
    DatasetKind::BreastCancer,
    DatasetKind::Digits,
    DatasetKind::Custom,
];

/// What the page and the CLI show about a dataset kind: the engine is the only place that
/// knows the list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindInfo {
    /// The name used in documents.
    pub name: &'static str,
    /// A short label for menus.
    pub label: &'static str,
    /// One sentence saying what it is.
    pub description: &'static str,
    /// The number of classes (0 for Custom: its rows decide).
    pub classes: usize,
    /// The input dimension it generates by default (0 for Custom).
    pub dim: usize,
    /// The smallest and largest input dimension it accepts, when it takes one.
    pub dims: Option<[usize; 2]>,
    /// Where it belongs in a menu: `toy` (the playground's generators), `paper` (the data
    /// re-uploading paper's problems), `real` (measured tables), `custom`.
    pub group: &'static str,
    /// The training and test sizes the paper's experiments use (paper problems only).
    pub paper_sizes: Option<[usize; 2]>,
}

impl DatasetKind {
    /// The number of classes this kind generates; 0 for Custom, whose rows decide it (see
    /// [`DatasetSpec::n_classes`]).
    pub fn n_classes(self) -> usize {
        if let Some(p) = self.paper() {
            return p.n_classes();
        }
        match self {
            DatasetKind::Circle
            | DatasetKind::Xor
            | DatasetKind::Gaussians
            | DatasetKind::Spiral
            | DatasetKind::Moons
            | DatasetKind::BreastCancer => 2,
            DatasetKind::Gaussians3
            | DatasetKind::Circles3
            | DatasetKind::Iris
            | DatasetKind::Wine => 3,
            DatasetKind::Digits => 4,
            _ => 0,
        }
    }

    /// The paper problem this kind generates (the circle is the playground's own circle, which
    /// is the paper's).
    pub fn paper(self) -> Option<paper::PaperProblem> {
        use paper::PaperProblem as P;
        Some(match self {
            DatasetKind::ThreeCircles => P::ThreeCircles,
            DatasetKind::Hypersphere => P::Hypersphere,
            DatasetKind::Annulus => P::Annulus,
            DatasetKind::NonConvex => P::NonConvex,
            DatasetKind::BinaryAnnulus => P::BinaryAnnulus,
            DatasetKind::Sphere => P::Sphere,
            DatasetKind::Squares => P::Squares,
            DatasetKind::WavyLines => P::WavyLines,
            _ => return None,
        })
    }

    /// The built-in table this kind reads, by name.
    pub fn table(self) -> Option<&'static str> {
        Some(match self {
            DatasetKind::Iris => "iris",
            DatasetKind::Wine => "wine",
            DatasetKind::BreastCancer => "breast_cancer",
            DatasetKind::Digits => "digits_0_3",
            _ => return None,
        })
    }

    /// The input dimension the kind generates (without a `dim`; 0 for Custom).
    pub fn base_dim(self) -> usize {
        match self {
            DatasetKind::Iris => 4,
            DatasetKind::Wine => 13,
            DatasetKind::BreastCancer => 30,
            DatasetKind::Digits => 64,
            DatasetKind::Custom => 0,
            k => k.paper().map_or(2, |p| p.dim()),
        }
    }

    /// The kind's name as written in documents, e.g. `"gaussians3"`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Everything the page shows about the kind.
    pub fn info(self) -> KindInfo {
        let (name, label, description) = match self {
            DatasetKind::Circle => (
                "circle",
                "Circle",
                "Points in a square, class 1 inside the circle (a ball in more dimensions) that covers half of it.",
            ),
            DatasetKind::Xor => (
                "xor",
                "XOR",
                "Points in a square, class 1 where the coordinates have the same sign.",
            ),
            DatasetKind::Gaussians => ("gaussians", "Blobs", "Two Gaussian blobs, one per class."),
            DatasetKind::Spiral => ("spiral", "Spiral", "Two interleaved spiral arms."),
            DatasetKind::Moons => ("moons", "Moons", "Two interleaving half-moons."),
            DatasetKind::Gaussians3 => ("gaussians3", "3 blobs", "Three Gaussian blobs, one per class."),
            DatasetKind::Circles3 => ("circles3", "3 rings", "A disc and two rings around it: three classes by radius."),
            DatasetKind::ThreeCircles => ("three_circles", "3 circles", "The re-uploading paper's 3 circles: three discs and the rest, 4 classes."),
            DatasetKind::Annulus => ("annulus", "Annulus", "The re-uploading paper's annulus: a disc and two rings, 3 classes."),
            DatasetKind::NonConvex => ("non_convex", "Non-convex", "The re-uploading paper's non-convex boundary: a sine-bent line."),
            DatasetKind::BinaryAnnulus => ("binary_annulus", "Binary annulus", "The re-uploading paper's binary annulus: a ring against the rest."),
            DatasetKind::Squares => ("squares", "Squares", "The re-uploading paper's four quadrants, 4 classes."),
            DatasetKind::WavyLines => ("wavy_lines", "Wavy lines", "The re-uploading paper's wavy lines: 4 classes between two sine curves."),
            DatasetKind::Sphere => ("sphere", "Sphere", "The re-uploading paper's 3-D sphere holding half of the cube."),
            DatasetKind::Hypersphere => ("hypersphere", "Hypersphere", "The re-uploading paper's 4-D hypersphere (an eighth of the cube)."),
            DatasetKind::Iris => ("iris", "Iris", "Fisher's iris flowers: 4 measurements, 3 species."),
            DatasetKind::Wine => ("wine", "Wine", "Wines of three cultivars: 13 chemical measurements."),
            DatasetKind::BreastCancer => ("breast_cancer", "Breast cancer", "Breast Cancer Wisconsin (diagnostic): 30 features of cell nuclei, malignant or benign."),
            DatasetKind::Digits => ("digits_0_3", "Digits 0–3", "8×8 handwritten digits 0 to 3: 64 pixels (reduce them with PCA or a pre-net)."),
            DatasetKind::Custom => ("custom", "Custom", "Your own points: a CSV upload or points added on the plot."),
        };
        let takes_dim = self.takes_dim();
        KindInfo {
            name,
            label,
            description,
            classes: self.n_classes(),
            dim: self.base_dim(),
            dims: takes_dim.then_some([1, MAX_GENERATED_DIM]),
            group: if self == DatasetKind::Custom {
                "custom"
            } else if self.table().is_some() {
                "real"
            } else if self.paper().is_some() {
                "paper"
            } else {
                "toy"
            },
            paper_sizes: self.paper().map(|p| {
                let (a, b) = p.paper_sizes();
                [a, b]
            }),
        }
    }

    /// Whether the generator takes an input dimension ([`DatasetSpec::dim`]).
    pub fn takes_dim(self) -> bool {
        matches!(
            self,
            DatasetKind::Circle | DatasetKind::Xor | DatasetKind::Gaussians
        )
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

fn is_false(b: &bool) -> bool {
    !*b
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
    /// The input dimension of a generator that takes one (`None`: 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dim: Option<usize>,
    /// `[x1, …, xd, label]` rows: the whole dataset for Custom (its training set when `test`
    /// is given); user-added points (always in the training split) for the other kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<Vec<f64>>,
    /// A fixed test set of `[x1, …, xd, label]` rows (Custom only): the split is then the
    /// document's own — `custom` trains, `test` tests, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test: Vec<Vec<f64>>,
    /// The feature columns' names (from a CSV header), `x1`, `x2`, … when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The class names (from a CSV with named labels), `0`, `1`, … when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub class_names: Vec<String>,
    /// Split every class in the same proportion (a stratified split) instead of the points as
    /// a whole.
    #[serde(default, skip_serializing_if = "is_false")]
    pub stratify: bool,
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
            dim: None,
            custom: Vec::new(),
            test: Vec::new(),
            columns: Vec::new(),
            class_names: Vec::new(),
            stratify: false,
            test_points: None,
        }
    }
}

/// One labelled point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The coordinates `(x1, …, xd)`.
    pub x: Vec<f64>,
    /// The class, in `0..n_classes`.
    pub label: usize,
}

impl Point {
    /// A point from a `[x1, …, xd, label]` row whose label is already checked.
    fn from_row(r: &[f64]) -> Point {
        let (x, l) = r.split_at(r.len().saturating_sub(1));
        Point {
            x: x.to_vec(),
            label: l.first().copied().and_then(csv::label_value).unwrap_or(0),
        }
    }
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
    /// The number of input features of every point.
    pub dim: usize,
    /// The plot window of the first two inputs `[xmin, xmax, ymin, ymax]`: fixed per kind
    /// (whatever the seed or noise), grown to include user-added points; for Custom, the rows'
    /// padded bounding box.
    pub extent: [f64; 4],
    /// Per input, the padded range `[min, max]` of the points (fixed per kind for generated
    /// data), for plotting any two inputs.
    pub ranges: Vec<[f64; 2]>,
    /// The inputs' names (`x1`, `x2`, … unless a CSV header named them).
    pub columns: Vec<String>,
    /// The classes' names (`0`, `1`, … unless named labels named them).
    pub class_names: Vec<String>,
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
    /// The input dimension of the dataset this spec generates.
    pub fn dim(&self) -> usize {
        if self.kind == DatasetKind::Custom {
            self.custom
                .first()
                .or(self.test.first())
                .map_or(0, |r| r.len().saturating_sub(1))
        } else if self.kind.takes_dim() {
            self.dim.unwrap_or(2)
        } else {
            self.kind.base_dim()
        }
    }

    /// Whether the document fixes the split (`test` rows given).
    pub fn fixed_split(&self) -> bool {
        !self.test.is_empty()
    }

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
        if let Some(d) = self.dim {
            if !self.kind.takes_dim() {
                return Err(DataError::field(
                    "dim",
                    d,
                    &format!(
                        "the {} dataset has a fixed dimension; circle, xor and gaussians take one",
                        self.kind.name()
                    ),
                ));
            }
            if !(1..=MAX_GENERATED_DIM).contains(&d) {
                return Err(DataError::field(
                    "dim",
                    d,
                    &format!("must be a whole number from 1 to {MAX_GENERATED_DIM}"),
                ));
            }
        }
        if !self.test.is_empty() && self.kind != DatasetKind::Custom {
            return Err(DataError::field(
                "test",
                format!("{} rows", self.test.len()),
                "a fixed test set needs the custom kind (its custom rows are then the training set)",
            ));
        }
        if !self.test.is_empty() && self.test_points.is_some() {
            return Err(DataError::field(
                "test_points",
                self.test_points.unwrap_or(0),
                "must be absent when the test rows are given",
            ));
        }
        self.validate_rows()?;
        let d = self.dim();
        if !self.columns.is_empty() && self.columns.len() != d {
            return Err(DataError::field(
                "columns",
                format!("{} names", self.columns.len()),
                &format!("needs one name per input ({d}), or none"),
            ));
        }
        if let Some((i, _)) = self
            .columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.chars().count() > 80)
        {
            return Err(DataError::field(
                format!("columns[{i}]"),
                "a long name",
                "names may have at most 80 characters",
            ));
        }
        let k = self.n_classes()?;
        if !self.class_names.is_empty() && self.class_names.len() != k {
            return Err(DataError::field(
                "class_names",
                format!("{} names", self.class_names.len()),
                &format!("needs one name per class ({k}), or none"),
            ));
        }
        if self.fixed_split() {
            return Ok(());
        }
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
            self.validate_rows()?;
            let all: Vec<Vec<f64>> = self.custom.iter().chain(&self.test).cloned().collect();
            csv::class_count(&all)
        } else {
            Ok(self.kind.n_classes())
        }
    }

    /// Generates the dataset: same spec, same points, in the same order.
    pub fn generate(&self) -> Result<Dataset, DataError> {
        self.validate()?;
        let mut rng = Rng::new(self.seed);
        let d = self.dim();
        let custom_points: Vec<Point> = self.custom.iter().map(|r| Point::from_row(r)).collect();
        let n_classes = self.n_classes()?;

        let table = match self.kind.table() {
            Some(name) => Some(builtin::load(name).map_err(|e| DataError::Rows {
                reason: e.to_string(),
            })?),
            None => None,
        };
        let (train, test, extent, ranges) = if self.kind == DatasetKind::Custom || table.is_some() {
            let (mut all, added) = match &table {
                // A table's rows are the pool; user-added points join the training split.
                Some(t) => (
                    t.rows
                        .iter()
                        .zip(&t.labels)
                        .map(|(x, &label)| Point {
                            x: x.clone(),
                            label,
                        })
                        .collect::<Vec<_>>(),
                    custom_points,
                ),
                None => (custom_points, Vec::new()),
            };
            let (mut train, test) = if self.fixed_split() {
                let test = self.test.iter().map(|r| Point::from_row(r)).collect();
                (all, test)
            } else {
                rng.shuffle(&mut all);
                let n_test = match self.test_points {
                    Some(m) => m.min(all.len().saturating_sub(1)),
                    None => all.len() - split_size(all.len(), self.train_ratio),
                };
                if self.stratify {
                    let ratio = 1.0 - n_test as f64 / all.len().max(1) as f64;
                    stratified(all, ratio, n_classes)
                } else {
                    let test = all.split_off(all.len() - n_test);
                    (all, test)
                }
            };
            train.extend(added);
            let ranges = padded_ranges(train.iter().chain(&test), d);
            let extent = extent_of(&ranges);
            (train, test, extent, ranges)
        } else {
            let (mut train, test) = match self.test_points {
                Some(m) => {
                    let mut train = self.sample_points(self.points, d, &mut rng);
                    let mut test = self.sample_points(m, d, &mut rng);
                    rng.shuffle(&mut train);
                    rng.shuffle(&mut test);
                    (train, test)
                }
                None => {
                    let mut all = self.sample_points(self.points, d, &mut rng);
                    rng.shuffle(&mut all);
                    let n_train = split_size(all.len(), self.train_ratio);
                    if self.stratify {
                        let ratio = n_train as f64 / all.len().max(1) as f64;
                        stratified(all, ratio, n_classes)
                    } else {
                        let test = all.split_off(n_train);
                        (all, test)
                    }
                }
            };
            let mut ranges = vec![
                [
                    generators::GENERATED_EXTENT[0],
                    generators::GENERATED_EXTENT[1]
                ];
                d
            ];
            if !custom_points.is_empty() {
                let b = padded_ranges(custom_points.iter(), d);
                for (r, c) in ranges.iter_mut().zip(&b) {
                    *r = [r[0].min(c[0]), r[1].max(c[1])];
                }
            }
            train.extend(custom_points);
            (train, test, extent_of(&ranges), ranges)
        };
        let (table_columns, table_classes) = match &table {
            Some(t) => (t.columns.clone(), t.class_names.clone()),
            None => (Vec::new(), Vec::new()),
        };
        let columns = if self.columns.len() == d {
            self.columns.clone()
        } else if table_columns.len() == d {
            table_columns
        } else {
            (1..=d).map(|i| format!("x{i}")).collect()
        };
        let class_names = if self.class_names.len() == n_classes {
            self.class_names.clone()
        } else if table_classes.len() == n_classes {
            table_classes
        } else {
            (0..n_classes).map(|c| c.to_string()).collect()
        };
        Ok(Dataset {
            train,
            test,
            n_classes,
            dim: d,
            extent,
            ranges,
            columns,
            class_names,
        })
    }

    /// `n` jittered samples in `d` dimensions, classes assigned round-robin for kinds that
    /// choose the class first.
    fn sample_points(&self, n: usize, d: usize, rng: &mut Rng) -> Vec<Point> {
        if let Some(p) = self.kind.paper() {
            return p
                .sample(n, rng)
                .into_iter()
                .map(|(mut x, label)| {
                    generators::jitter(&mut x, self.noise, rng);
                    Point { x, label }
                })
                .collect();
        }
        let k = self.kind.n_classes().max(1);
        (0..n)
            .map(|i| {
                let (mut x, label) = generators::sample_nd(self.kind, i % k, d, rng);
                generators::jitter(&mut x, self.noise, rng);
                Point { x, label }
            })
            .collect()
    }

    /// Checks the `custom` and `test` rows: count, one width, finite coordinates, integer
    /// labels in range. Errors name the row and the entry.
    fn validate_rows(&self) -> Result<(), DataError> {
        let custom_kind = self.kind == DatasetKind::Custom;
        let width = if custom_kind {
            self.custom.first().or(self.test.first()).map(Vec::len)
        } else {
            Some(self.dim() + 1)
        };
        let max_feat = if custom_kind || self.kind.table().is_some() {
            MAX_FEATURES
        } else {
            MAX_GENERATED_DIM.max(self.kind.base_dim())
        };
        for (list, rows) in [("custom", &self.custom), ("test", &self.test)] {
            if rows.len() > MAX_POINTS {
                return Err(DataError::field(
                    list,
                    format!("{} rows", rows.len()),
                    &format!("at most {MAX_POINTS} rows are allowed"),
                ));
            }
            for (i, row) in rows.iter().enumerate() {
                let w = width.unwrap_or(row.len());
                if row.len() != w || !(2..=max_feat + 1).contains(&row.len()) {
                    let d = w.saturating_sub(1);
                    let names: Vec<String> = (1..=d.min(3)).map(|j| format!("x{j}")).collect();
                    let shape = if d > 3 {
                        format!("[{}, …, x{d}, label]", names.join(", "))
                    } else {
                        format!("[{}, label]", names.join(", "))
                    };
                    let why = if !(2..=max_feat + 1).contains(&row.len()) {
                        format!(
                            "has {} entries; a row is {shape} with 1 to {max_feat} coordinates and the label last",
                            row.len()
                        )
                    } else {
                        format!(
                            "has {} entries, but the rows of this dataset have {w}: {shape}",
                            row.len()
                        )
                    };
                    return Err(DataError::row(list, i, None, why));
                }
                let (x, label) = row.split_at(row.len() - 1);
                if let Some(c) = x.iter().position(|v| !v.is_finite()) {
                    return Err(DataError::row(
                        list,
                        i,
                        Some(c),
                        format!("coordinate x{} = {} is not a finite number", c + 1, x[c]),
                    ));
                }
                let label = csv::label_value(label[0]).ok_or_else(|| {
                    DataError::row(
                        list,
                        i,
                        Some(row.len() - 1),
                        format!(
                            "the label (the last entry) is {}, but must be a whole number ≥ 0",
                            label[0]
                        ),
                    )
                })?;
                let k = self.kind.n_classes();
                if !custom_kind && label >= k {
                    return Err(DataError::row(
                        list,
                        i,
                        Some(row.len() - 1),
                        format!(
                            "the {} dataset has {k} classes, so the label must be 0 to {}",
                            self.kind.name(),
                            k - 1
                        ),
                    ));
                }
            }
        }
        if custom_kind {
            if self.custom.len() < 2 && self.test.is_empty() || self.custom.is_empty() {
                return Err(DataError::field(
                    "custom",
                    format!("{} rows", self.custom.len()),
                    "a custom dataset needs at least 2 rows with at least 2 classes",
                ));
            }
            let all: Vec<Vec<f64>> = self.custom.iter().chain(&self.test).cloned().collect();
            csv::class_count(&all)?;
        }
        Ok(())
    }
}

/// Splits `all` (already shuffled) so that every class is split in the same proportion: class
/// `c` with `n_c` points puts `round(n_c · ratio)` of them (at least 1 and at most `n_c − 1` when
/// it has two or more) into the training split, in shuffled order.
fn stratified(all: Vec<Point>, ratio: f64, n_classes: usize) -> (Vec<Point>, Vec<Point>) {
    let counts = Dataset::class_counts(&all, n_classes);
    let quota: Vec<usize> = counts
        .iter()
        .map(|&c| {
            let q = (c as f64 * ratio).round() as usize;
            if c >= 2 {
                q.clamp(1, c - 1)
            } else {
                q.min(c)
            }
        })
        .collect();
    let mut taken = vec![0usize; n_classes];
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for p in all {
        let c = p.label.min(n_classes.saturating_sub(1));
        if taken[c] < quota[c] {
            taken[c] += 1;
            train.push(p);
        } else {
            test.push(p);
        }
    }
    (train, test)
}

/// How many of `n` points go to training for `ratio`.
fn split_size(n: usize, ratio: f64) -> usize {
    ((n as f64) * ratio).round() as usize
}

/// Per input, the points' range padded by a tenth of its span on each side (at least 0.1).
fn padded_ranges<'a>(points: impl Iterator<Item = &'a Point>, d: usize) -> Vec<[f64; 2]> {
    let mut r = vec![[f64::INFINITY, f64::NEG_INFINITY]; d];
    for p in points {
        for (b, &v) in r.iter_mut().zip(&p.x) {
            b[0] = b[0].min(v);
            b[1] = b[1].max(v);
        }
    }
    r.into_iter()
        .map(|[lo, hi]| {
            if !(lo.is_finite() && hi.is_finite()) {
                return [
                    generators::GENERATED_EXTENT[0],
                    generators::GENERATED_EXTENT[1],
                ];
            }
            let pad = (0.1 * (hi - lo)).max(0.1);
            [lo - pad, hi + pad]
        })
        .collect()
}

/// The plot window of the first two inputs (a 1-D dataset gets `[-1, 1]` upright).
fn extent_of(ranges: &[[f64; 2]]) -> [f64; 4] {
    let x = ranges.first().copied().unwrap_or([-1.2, 1.2]);
    let y = ranges.get(1).copied().unwrap_or([-1.0, 1.0]);
    [x[0], x[1], y[0], y[1]]
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
            DataError::Field { field, .. } | DataError::Row { field, .. } => field,
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

    fn toy_kinds() -> impl Iterator<Item = DatasetKind> {
        DatasetKind::all()
            .iter()
            .copied()
            .filter(|k| k.info().group == "toy")
    }

    #[test]
    fn sizes_labels_and_class_balance() {
        for kind in toy_kinds() {
            let d = spec(kind, 600, 9).generate().unwrap();
            assert_eq!(d.n_classes, kind.n_classes());
            assert_eq!(d.train.len() + d.test.len(), 600);
            assert_eq!(d.train.len(), 300);
            let all: Vec<Point> = d.train.iter().chain(&d.test).cloned().collect();
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
        for kind in toy_kinds() {
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
    fn paper_problems_generate_the_papers_points_and_labels() {
        for kind in DatasetKind::all()
            .iter()
            .copied()
            .filter(|k| k.paper().is_some())
        {
            let p = kind.paper().unwrap();
            let (n_train, n_test) = p.paper_sizes();
            let s = DatasetSpec {
                kind,
                points: n_train,
                test_points: Some(n_test),
                seed: 30,
                ..DatasetSpec::default()
            };
            let d = s.generate().unwrap();
            assert_eq!((d.train.len(), d.test.len()), (n_train, n_test), "{kind:?}");
            assert_eq!((d.dim, d.n_classes), (p.dim(), p.n_classes()));
            for pt in d.train.iter().chain(&d.test) {
                assert!(pt.x.iter().all(|v| (-1.0..=1.0).contains(v)));
                assert_eq!(pt.label, p.label(&pt.x).unwrap(), "{kind:?}");
            }
            assert_eq!(kind.info().group, "paper");
            assert!(kind.info().paper_sizes.is_some());
        }
    }

    #[test]
    fn real_tables_split_their_rows_with_names_and_stratification() {
        for (kind, rows, dim, classes) in [
            (DatasetKind::Iris, 150, 4, 3),
            (DatasetKind::Wine, 178, 13, 3),
            (DatasetKind::BreastCancer, 569, 30, 2),
            (DatasetKind::Digits, 720, 64, 4),
        ] {
            let s = DatasetSpec {
                kind,
                train_ratio: 0.8,
                stratify: true,
                seed: 5,
                ..DatasetSpec::default()
            };
            let d = s.generate().unwrap();
            assert_eq!(d.train.len() + d.test.len(), rows, "{kind:?}");
            assert_eq!((d.dim, d.n_classes, kind.base_dim()), (dim, classes, dim));
            assert_eq!(d.columns.len(), dim);
            assert_ne!(d.columns[0], "x1", "the table names its columns");
            assert_eq!(d.class_names.len(), classes);
            // Stratified: every class split 80/20 (to rounding).
            let all = Dataset::class_counts(&d.train, classes)
                .iter()
                .zip(Dataset::class_counts(&d.test, classes))
                .map(|(a, b)| (*a, b))
                .collect::<Vec<_>>();
            for (tr, te) in all {
                let share = tr as f64 / (tr + te) as f64;
                assert!((share - 0.8).abs() < 0.02, "{kind:?}: {tr}/{te}");
            }
            assert_eq!(d, s.generate().unwrap(), "seeded");
        }
        assert_eq!(DatasetKind::Iris.info().group, "real");
        // Added points of the table's width join the training split.
        let s = DatasetSpec {
            kind: DatasetKind::Iris,
            custom: vec![vec![5.0, 3.0, 1.5, 0.2, 0.0]],
            ..DatasetSpec::default()
        };
        assert_eq!(s.generate().unwrap().train.len(), 76);
        let bad = DatasetSpec {
            custom: vec![vec![5.0, 3.0, 0.0]],
            ..s
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("custom[0]"));
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
        s.custom = vec![vec![3.0, 0.0, 1.0], vec![0.1, 0.2, 0.0]];
        let d = s.generate().unwrap();
        assert_eq!(d.train.len(), 27);
        assert!(d.train.contains(&Point {
            x: vec![3.0, 0.0],
            label: 1
        }));
        assert!(d.extent[1] > 3.0, "extent grows to include added points");
        s.custom = vec![vec![0.0, 0.0, 2.0]];
        let e = s.validate().unwrap_err();
        assert_eq!(field_of(e.clone()), "custom[0]");
        assert!(e.to_string().contains("label must be 0 to 1"), "{e}");
    }

    #[test]
    fn custom_dataset_uses_the_rows() {
        let rows: Vec<Vec<f64>> = (0..30)
            .map(|i| vec![i as f64 * 0.1, -(i as f64) * 0.05, (i % 3) as f64])
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
        let mut got: Vec<Vec<f64>> = d
            .train
            .iter()
            .chain(&d.test)
            .map(|p| vec![p.x[0], p.x[1], p.label as f64])
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
            custom: vec![vec![0.0, 0.0, 0.0]],
            ..DatasetSpec::default()
        };
        assert_eq!(field_of(s.validate().unwrap_err()), "custom");
        s.custom = vec![vec![0.0, 0.0, 0.0], vec![1.0, 1.0, 0.0]];
        assert!(s.validate().unwrap_err().to_string().contains("2 classes"));
        s.custom = vec![vec![0.0, 0.0, 0.0], vec![1.0, 1.0, 2.0]];
        assert!(s.validate().unwrap_err().to_string().contains("missing"));
        s.custom = vec![vec![0.0, f64::NAN, 0.0], vec![1.0, 1.0, 1.0]];
        assert_eq!(field_of(s.validate().unwrap_err()), "custom[0]");
        s.custom = vec![vec![0.0, 0.0, 0.0], vec![1.0, 1.0, 0.5]];
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
