//! Built-in real datasets: Iris, Wine, Breast Cancer Wisconsin (diagnostic) and the 8×8 digits
//! restricted to 0–3, embedded from `src/data/builtin/*.csv` (sources, licences and how the files
//! were made: `src/data/builtin/README.md`) and parsed into plain [`Table`]s.
//!
//! Owns [`Table`], [`BuiltinError`], the table loaders and the strict parser of the embedded
//! format (a header naming every column with `label` last, class indices `0..k`, one class name
//! per line in the `.classes` file). Imports only `std`: it knows nothing of the rest of the
//! data module, so it can sit beside whatever dataset types the module has.
//!
//! ```
//! let iris = qmlp::data::builtin::load("iris").unwrap();
//! assert_eq!((iris.n_rows(), iris.n_features(), iris.n_classes()), (150, 4, 3));
//! assert_eq!(iris.class_counts(), vec![50, 50, 50]);
//! assert_eq!(iris.class_names[0], "setosa");
//! ```

use std::fmt;

/// The names [`load`] accepts, in menu order.
pub const TABLE_NAMES: [&str; 4] = ["iris", "wine", "breast_cancer", "digits_0_3"];

/// One table of labelled samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The table's name, one of [`TABLE_NAMES`].
    pub name: String,
    /// The feature columns' names, in column order (the label column is not among them).
    pub columns: Vec<String>,
    /// The class names; `class_names[c]` names class `c`.
    pub class_names: Vec<String>,
    /// One row of `columns.len()` feature values per sample.
    pub rows: Vec<Vec<f64>>,
    /// The class of each row, in `0..class_names.len()`.
    pub labels: Vec<usize>,
}

impl Table {
    /// The number of samples.
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// The number of feature columns.
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }

    /// The number of classes.
    pub fn n_classes(&self) -> usize {
        self.class_names.len()
    }

    /// How many rows each class has, indexed by class.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_classes()];
        for &label in &self.labels {
            if let Some(c) = counts.get_mut(label) {
                *c += 1;
            }
        }
        counts
    }
}

/// Why a built-in table cannot be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuiltinError {
    /// No built-in table has this name.
    Unknown {
        /// The name asked for.
        name: String,
    },
    /// The table's text is not in the expected form (a broken build, or a bad edit of the file).
    Malformed {
        /// The table's name.
        table: String,
        /// The file: `csv` or `classes`.
        file: &'static str,
        /// The 1-based line of that file.
        line: usize,
        /// What is wrong there.
        reason: String,
    },
}

impl fmt::Display for BuiltinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuiltinError::Unknown { name } => write!(
                f,
                "no built-in dataset is called '{name}': choose one of {}",
                TABLE_NAMES.join(", ")
            ),
            BuiltinError::Malformed {
                table,
                file,
                line,
                reason,
            } => write!(f, "built-in dataset {table} ({file} line {line}): {reason}"),
        }
    }
}

impl std::error::Error for BuiltinError {}

const IRIS_CSV: &str = include_str!("builtin/iris.csv");
const IRIS_CLASSES: &str = include_str!("builtin/iris.classes");
const WINE_CSV: &str = include_str!("builtin/wine.csv");
const WINE_CLASSES: &str = include_str!("builtin/wine.classes");
const BREAST_CANCER_CSV: &str = include_str!("builtin/breast_cancer.csv");
const BREAST_CANCER_CLASSES: &str = include_str!("builtin/breast_cancer.classes");
const DIGITS_0_3_CSV: &str = include_str!("builtin/digits_0_3.csv");
const DIGITS_0_3_CLASSES: &str = include_str!("builtin/digits_0_3.classes");

/// Fisher's Iris: 150 flowers × 4 measurements (cm), 3 species, 50 each.
pub fn iris() -> Result<Table, BuiltinError> {
    parse_table("iris", IRIS_CSV, IRIS_CLASSES)
}

/// UCI Wine: 178 wines × 13 chemical measurements, 3 cultivars (59, 71, 48).
pub fn wine() -> Result<Table, BuiltinError> {
    parse_table("wine", WINE_CSV, WINE_CLASSES)
}

/// Breast Cancer Wisconsin (diagnostic): 569 samples × 30 cell-nucleus features; class 0
/// malignant (212), class 1 benign (357).
pub fn breast_cancer() -> Result<Table, BuiltinError> {
    parse_table("breast_cancer", BREAST_CANCER_CSV, BREAST_CANCER_CLASSES)
}

/// The 8×8 handwritten digits restricted to 0–3: 720 images × 64 pixel counts (0–16), the
/// label is the digit.
pub fn digits_0_3() -> Result<Table, BuiltinError> {
    parse_table("digits_0_3", DIGITS_0_3_CSV, DIGITS_0_3_CLASSES)
}

/// The built-in table called `name` (one of [`TABLE_NAMES`]).
pub fn load(name: &str) -> Result<Table, BuiltinError> {
    match name {
        "iris" => iris(),
        "wine" => wine(),
        "breast_cancer" => breast_cancer(),
        "digits_0_3" => digits_0_3(),
        _ => Err(BuiltinError::Unknown {
            name: name.to_string(),
        }),
    }
}

/// Parses one table: `csv` has a header naming every column with `label` last, then rows of
/// finite numbers whose last field is a class index; `classes` has one class name per line.
/// Every class must occur at least once.
fn parse_table(name: &str, csv: &str, classes: &str) -> Result<Table, BuiltinError> {
    let bad = |file: &'static str, line: usize, reason: String| BuiltinError::Malformed {
        table: name.to_string(),
        file,
        line,
        reason,
    };

    let mut class_names = Vec::new();
    for (index, raw) in classes.lines().enumerate() {
        let class = raw.trim();
        if class.is_empty() {
            return Err(bad("classes", index + 1, "empty class name".to_string()));
        }
        class_names.push(class.to_string());
    }
    if class_names.len() < 2 {
        return Err(bad(
            "classes",
            class_names.len().max(1),
            format!("{} class name(s); at least 2 are needed", class_names.len()),
        ));
    }

    let mut lines = csv.lines().enumerate();
    let header: Vec<&str> = match lines.next() {
        Some((_, line)) => line.split(',').map(str::trim).collect(),
        None => return Err(bad("csv", 1, "no header line".to_string())),
    };
    let Some((&last, features)) = header.split_last() else {
        return Err(bad("csv", 1, "empty header line".to_string()));
    };
    if last != "label" || features.is_empty() {
        return Err(bad(
            "csv",
            1,
            "the header must name the feature columns, then 'label'".to_string(),
        ));
    }
    if let Some(col) = features.iter().position(|f| f.is_empty()) {
        return Err(bad("csv", 1, format!("column {} has no name", col + 1)));
    }
    let columns: Vec<String> = features.iter().map(|f| f.to_string()).collect();

    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for (index, raw) in lines {
        let line_no = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
        if fields.len() != header.len() {
            return Err(bad(
                "csv",
                line_no,
                format!("{} fields, the header has {}", fields.len(), header.len()),
            ));
        }
        let mut row = Vec::with_capacity(columns.len());
        for (col, field) in fields[..columns.len()].iter().enumerate() {
            match field.parse::<f64>() {
                Ok(v) if v.is_finite() => row.push(v),
                _ => {
                    return Err(bad(
                        "csv",
                        line_no,
                        format!(
                            "column {} ({}) '{field}' is not a finite number",
                            col + 1,
                            columns[col]
                        ),
                    ))
                }
            }
        }
        let label_text = fields[columns.len()];
        let label = match label_text.parse::<usize>() {
            Ok(l) if l < class_names.len() => l,
            _ => {
                return Err(bad(
                    "csv",
                    line_no,
                    format!(
                        "label '{label_text}' is not a class index from 0 to {}",
                        class_names.len() - 1
                    ),
                ))
            }
        };
        rows.push(row);
        labels.push(label);
    }
    let table = Table {
        name: name.to_string(),
        columns,
        class_names,
        rows,
        labels,
    };
    if let Some(missing) = table.class_counts().iter().position(|&n| n == 0) {
        return Err(bad(
            "csv",
            csv.lines().count(),
            format!(
                "no row has class {missing} ({})",
                table.class_names[missing]
            ),
        ));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Table> {
        TABLE_NAMES.iter().map(|n| load(n).unwrap()).collect()
    }

    #[test]
    fn iris_has_150_rows_4_features_3_balanced_classes() {
        let t = iris().unwrap();
        assert_eq!((t.n_rows(), t.n_features(), t.n_classes()), (150, 4, 3));
        assert_eq!(t.class_counts(), vec![50, 50, 50]);
        assert_eq!(t.class_names, ["setosa", "versicolor", "virginica"]);
        assert_eq!(
            t.columns,
            [
                "sepal length (cm)",
                "sepal width (cm)",
                "petal length (cm)",
                "petal width (cm)"
            ]
        );
    }

    #[test]
    fn iris_known_rows_follow_fishers_paper() {
        let t = iris().unwrap();
        assert_eq!(t.rows[0], [5.1, 3.5, 1.4, 0.2]);
        assert_eq!(t.labels[0], 0);
        // The two rows where the UCI file differs from Fisher's paper (and scikit-learn's copy).
        assert_eq!(t.rows[34], [4.9, 3.1, 1.5, 0.2]);
        assert_eq!(t.rows[37], [4.9, 3.6, 1.4, 0.1]);
        assert_eq!(t.rows[149], [5.9, 3.0, 5.1, 1.8]);
        assert_eq!(t.labels[149], 2);
    }

    #[test]
    fn wine_has_178_rows_13_features_3_classes() {
        let t = wine().unwrap();
        assert_eq!((t.n_rows(), t.n_features(), t.n_classes()), (178, 13, 3));
        assert_eq!(t.class_counts(), vec![59, 71, 48]);
        assert_eq!(t.class_names, ["cultivar 1", "cultivar 2", "cultivar 3"]);
        assert_eq!(t.columns[0], "alcohol");
        assert_eq!(t.columns[12], "proline");
        assert_eq!(
            t.rows[0],
            [14.23, 1.71, 2.43, 15.6, 127.0, 2.8, 3.06, 0.28, 2.29, 5.64, 1.04, 3.92, 1065.0]
        );
        assert_eq!(t.labels[0], 0);
        assert_eq!(t.rows[177][12], 560.0);
        assert_eq!(t.labels[177], 2);
    }

    #[test]
    fn breast_cancer_has_569_rows_30_features_2_classes() {
        let t = breast_cancer().unwrap();
        assert_eq!((t.n_rows(), t.n_features(), t.n_classes()), (569, 30, 2));
        assert_eq!(t.class_counts(), vec![212, 357]);
        assert_eq!(t.class_names, ["malignant", "benign"]);
        assert_eq!(t.columns[0], "mean radius");
        assert_eq!(t.columns[29], "worst fractal dimension");
        assert_eq!(&t.rows[0][..4], &[17.99, 10.38, 122.8, 1001.0]);
        assert_eq!(t.rows[0][29], 0.1189);
        assert_eq!(t.labels[0], 0);
        assert_eq!(t.rows[568][0], 7.76);
        assert_eq!(t.labels[568], 1);
    }

    #[test]
    fn digits_0_3_has_720_rows_64_pixels_4_classes() {
        let t = digits_0_3().unwrap();
        assert_eq!((t.n_rows(), t.n_features(), t.n_classes()), (720, 64, 4));
        assert_eq!(t.class_counts(), vec![178, 182, 177, 183]);
        assert_eq!(t.class_names, ["0", "1", "2", "3"]);
        assert_eq!(t.columns[0], "pixel_0_0");
        assert_eq!(t.columns[63], "pixel_7_7");
        assert_eq!(&t.rows[0][..8], &[0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]);
        assert_eq!(&t.labels[..6], &[0, 1, 2, 3, 0, 1]);
        assert_eq!(&t.rows[3][..8], &[0.0, 0.0, 7.0, 15.0, 13.0, 1.0, 0.0, 0.0]);
        assert_eq!(t.labels[719], 0);
        for row in &t.rows {
            assert!(row
                .iter()
                .all(|&p| p.fract() == 0.0 && (0.0..=16.0).contains(&p)));
        }
    }

    #[test]
    fn every_table_is_rectangular_finite_and_named() {
        for t in all() {
            assert!(TABLE_NAMES.contains(&t.name.as_str()));
            assert_eq!(t.rows.len(), t.labels.len(), "{}", t.name);
            for row in &t.rows {
                assert_eq!(row.len(), t.n_features(), "{}", t.name);
                assert!(row.iter().all(|v| v.is_finite()), "{}", t.name);
            }
            assert!(t.labels.iter().all(|&l| l < t.n_classes()), "{}", t.name);
        }
    }

    #[test]
    fn load_by_name_matches_the_functions_and_rejects_unknown_names() {
        assert_eq!(load("wine").unwrap(), wine().unwrap());
        assert_eq!(load("digits_0_3").unwrap().name, "digits_0_3");
        let err = load("mnist").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no built-in dataset is called 'mnist': choose one of iris, wine, breast_cancer, digits_0_3"
        );
    }

    #[test]
    fn parser_names_the_line_and_column_of_bad_input() {
        let classes = "a\nb\n";
        let cases = [
            (
                "x,y\n1,0\n",
                1,
                "the header must name the feature columns, then 'label'",
            ),
            ("x,label\n1,0\n2\n", 3, "1 fields, the header has 2"),
            (
                "x,label\n1,0\nabc,1\n",
                3,
                "column 1 (x) 'abc' is not a finite number",
            ),
            (
                "x,label\n1,0\ninf,1\n",
                3,
                "column 1 (x) 'inf' is not a finite number",
            ),
            (
                "x,label\n1,0\n2,2\n",
                3,
                "label '2' is not a class index from 0 to 1",
            ),
            (
                "x,label\n1,0\n2,-1\n",
                3,
                "label '-1' is not a class index from 0 to 1",
            ),
            ("x,label\n1,0\n2,0\n", 3, "no row has class 1 (b)"),
        ];
        for (csv, line, reason) in cases {
            let err = parse_table("t", csv, classes).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("built-in dataset t (csv line {line}): {reason}"),
                "{csv:?}"
            );
        }
        let err = parse_table("t", "x,label\n1,0\n", "a\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "built-in dataset t (classes line 1): 1 class name(s); at least 2 are needed"
        );
        let ok = parse_table("t", "x,label\n1.5,1\n\n-2,0\n", classes).unwrap();
        assert_eq!(ok.rows, vec![vec![1.5], vec![-2.0]]);
        assert_eq!(ok.labels, vec![1, 0]);
    }
}
