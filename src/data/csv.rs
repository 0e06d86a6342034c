//! CSV import and export of labelled rows with any number of features, and the label checks
//! shared with a document's custom rows. Imports only `std` and the data module's own items.
//!
//! A table is read as: an optional header row naming the columns (a first non-blank line with a
//! field that is not a number), then one row per point. One column is the label (by default the
//! last; [`LabelColumn`] picks another by name or position): integers `0…k−1`, or names
//! (`setosa`, `M`/`B`, …) which become classes numbered in order of first appearance. Every other
//! column is a feature and must hold finite numbers. Errors name the 1-based line and the column
//! (its position and, with a header, its name).

use std::collections::BTreeSet;

use super::{DataError, MAX_CLASSES, MAX_CSV_FEATURES, MAX_POINTS};

/// The header line written for 2-feature rows.
pub const CSV_HEADER: &str = "x1,x2,label";

/// Largest label value accepted before the gap check (keeps the integer conversion exact).
const MAX_LABEL_VALUE: f64 = 4_294_967_295.0;

/// Which column holds the label.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum LabelColumn {
    /// The last column.
    #[default]
    Last,
    /// The column at this 0-based position.
    Index(usize),
    /// The column whose header is this name.
    Name(String),
}

/// A parsed CSV table: feature columns and a label per row.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The feature columns' names (from the header, or `x1`, `x2`, … without one).
    pub columns: Vec<String>,
    /// The class names when the labels were names (class `c` is `class_names[c]`); empty for
    /// integer labels.
    pub class_names: Vec<String>,
    /// One row per point: the features in column order, then the label as a number.
    pub rows: Vec<Vec<f64>>,
    /// Every column's name in file order, the label's too (`column i` where the header has
    /// none or there is no header): what a label-column menu offers.
    pub header: Vec<String>,
    /// The 0-based position of the label column in `header`.
    pub label_column: usize,
}

impl Table {
    /// The number of feature columns.
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }
}

/// Parses a CSV table (see the module doc) with the label in the last column.
///
/// ```
/// let t = qmlp::data::parse_csv("x1,x2,label\n0.5,-0.25,0\n-1,1,1\n").unwrap();
/// assert_eq!(t.rows, vec![vec![0.5, -0.25, 0.0], vec![-1.0, 1.0, 1.0]]);
/// let err = qmlp::data::parse_csv("a,b,label\n0,0,0\n1,abc,1\n").unwrap_err();
/// assert_eq!(err.to_string(), "line 3, column 2 (b): 'abc' is not a number");
/// ```
pub fn parse_csv(text: &str) -> Result<Table, DataError> {
    parse_table(text, &LabelColumn::Last)
}

/// Parses a CSV table with the label in the chosen column.
pub fn parse_table(text: &str, label: &LabelColumn) -> Result<Table, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut header: Option<Vec<String>> = None;
    let mut width: Option<usize> = None;
    let mut label_at = 0usize;
    let mut rows: Vec<Vec<f64>> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut numeric_labels: Option<bool> = None;
    let col_name = |header: &Option<Vec<String>>, c: usize| -> String {
        match header.as_ref().and_then(|h| h.get(c)) {
            Some(n) if !n.is_empty() => format!("column {} ({})", c + 1, shorten(n)),
            _ => format!("column {}", c + 1),
        }
    };
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line
            .split(',')
            .map(|f| f.trim().trim_matches('"'))
            .collect();
        if width.is_none() {
            let is_header = fields.iter().any(|f| f.parse::<f64>().is_err())
                && !looks_like_data_with_named_label(&fields, label);
            let n = fields.len();
            if n < 2 {
                return Err(DataError::line(
                    line_no,
                    "a row needs at least one feature column and a label column, separated by commas",
                ));
            }
            label_at = match label {
                LabelColumn::Last => n - 1,
                LabelColumn::Index(i) if *i < n => *i,
                LabelColumn::Index(i) => {
                    return Err(DataError::line(
                        line_no,
                        format!(
                            "the label column {} does not exist; the table has {n} columns",
                            i + 1
                        ),
                    ))
                }
                LabelColumn::Name(name) => {
                    if !is_header {
                        return Err(DataError::line(
                            line_no,
                            format!(
                                "the label column '{}' is named, but the table has no header row",
                                shorten(name)
                            ),
                        ));
                    }
                    fields.iter().position(|f| f == name).ok_or_else(|| {
                        DataError::line(
                            line_no,
                            format!(
                                "no column is named '{}'; the header has: {}",
                                shorten(name),
                                fields
                                    .iter()
                                    .take(12)
                                    .map(|f| shorten(f))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                    })?
                }
            };
            if n - 1 > MAX_CSV_FEATURES {
                return Err(DataError::line(
                    line_no,
                    format!(
                        "{} feature columns: at most {MAX_CSV_FEATURES} are allowed (reduce them first, e.g. with PCA)",
                        n - 1
                    ),
                ));
            }
            width = Some(n);
            if is_header {
                header = Some(fields.iter().map(|f| f.to_string()).collect());
                continue;
            }
        }
        let n = width.unwrap_or(fields.len());
        if fields.len() != n {
            return Err(DataError::line(
                line_no,
                format!(
                    "expected {n} columns like the {}, found {}",
                    if header.is_some() {
                        "header"
                    } else {
                        "first row"
                    },
                    fields.len()
                ),
            ));
        }
        if rows.len() >= MAX_POINTS {
            return Err(DataError::line(
                line_no,
                format!("too many rows: at most {MAX_POINTS} data rows are allowed"),
            ));
        }
        let mut row = Vec::with_capacity(n);
        for (c, field) in fields.iter().enumerate() {
            if c == label_at {
                continue;
            }
            let value: f64 = field.parse().map_err(|_| {
                DataError::cell(
                    line_no,
                    &col_name(&header, c),
                    format!("'{}' is not a number", shorten(field)),
                )
            })?;
            if !value.is_finite() {
                return Err(DataError::cell(
                    line_no,
                    &col_name(&header, c),
                    format!("'{}' is not a finite number", shorten(field)),
                ));
            }
            row.push(value);
        }
        let raw_label = fields[label_at];
        let numeric = raw_label.parse::<f64>().ok();
        let is_numeric = *numeric_labels.get_or_insert(numeric.is_some());
        let label = if is_numeric {
            match numeric.and_then(label_value) {
                Some(l) => l as f64,
                None => {
                    return Err(DataError::cell(
                        line_no,
                        &col_name(&header, label_at),
                        format!(
                        "the label '{}' is not a whole number ≥ 0 (labels are 0, 1, 2, … or names)",
                        shorten(raw_label)
                    ),
                    ))
                }
            }
        } else {
            if numeric.is_some() || raw_label.is_empty() {
                return Err(DataError::cell(
                    line_no,
                    &col_name(&header, label_at),
                    format!(
                        "the label '{}' mixes with named labels above; use names or numbers, not both",
                        shorten(raw_label)
                    ),
                ));
            }
            match names.iter().position(|n| n == raw_label) {
                Some(i) => i as f64,
                None => {
                    names.push(raw_label.to_string());
                    (names.len() - 1) as f64
                }
            }
        };
        row.push(label);
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(DataError::Rows {
            reason: format!(
                "the CSV has no data rows; expected a header such as '{CSV_HEADER}' then rows such as '0.5,-0.2,1'"
            ),
        });
    }
    class_count(&rows)?;
    let n_feat = rows[0].len() - 1;
    let columns = match &header {
        Some(h) => h
            .iter()
            .enumerate()
            .filter(|(c, _)| *c != label_at)
            .map(|(c, n)| {
                if n.is_empty() {
                    format!("x{}", c + 1)
                } else {
                    n.clone()
                }
            })
            .collect(),
        None => (1..=n_feat).map(|i| format!("x{i}")).collect(),
    };
    let n_cols = n_feat + 1;
    let header_names = (0..n_cols)
        .map(|c| match header.as_ref().and_then(|h| h.get(c)) {
            Some(n) if !n.is_empty() => n.clone(),
            _ => format!("column {}", c + 1),
        })
        .collect();
    Ok(Table {
        columns,
        class_names: names,
        rows,
        header: header_names,
        label_column: label_at,
    })
}

/// The columns of a CSV's first non-empty row, read as [`parse_table`] reads them: the
/// header's names when that row is a header (some field is not a number), else `column 1`,
/// `column 2`, …; empty for a text without rows. What a label-column menu offers before the
/// table is read (a table whose label is not in the last column fails to read with the
/// default).
pub fn csv_columns(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(line) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return Vec::new();
    };
    let fields: Vec<&str> = line
        .split(',')
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    let is_header = fields.iter().any(|f| f.parse::<f64>().is_err())
        && !looks_like_data_with_named_label(&fields, &LabelColumn::Last);
    fields
        .iter()
        .enumerate()
        .map(|(c, f)| {
            if is_header && !f.is_empty() {
                f.to_string()
            } else {
                format!("column {}", c + 1)
            }
        })
        .collect()
}

/// A first row like `5.1,3.5,setosa` is data with a named label, not a header: every field but
/// the label column parses as a number.
fn looks_like_data_with_named_label(fields: &[&str], label: &LabelColumn) -> bool {
    let at = match label {
        LabelColumn::Last => fields.len().saturating_sub(1),
        LabelColumn::Index(i) => *i,
        LabelColumn::Name(_) => return false,
    };
    fields.len() >= 2
        && fields
            .iter()
            .enumerate()
            .all(|(c, f)| c == at || f.parse::<f64>().is_ok())
}

/// Writes rows (features, then the label) as CSV with a header (`columns`, then `label`);
/// [`parse_csv`] reads it back exactly.
///
/// ```
/// let rows = vec![vec![0.1, -0.2, 0.0], vec![0.3, 0.4, 1.0]];
/// let text = qmlp::data::to_csv(&["x1".into(), "x2".into()], &rows);
/// assert_eq!(qmlp::data::parse_csv(&text).unwrap().rows, rows);
/// ```
pub fn to_csv(columns: &[String], rows: &[Vec<f64>]) -> String {
    let mut out = String::with_capacity(16 + rows.len() * 24);
    let n_feat = rows
        .first()
        .map_or(columns.len(), |r| r.len().saturating_sub(1));
    let names: Vec<String> = (0..n_feat)
        .map(|i| {
            columns
                .get(i)
                .filter(|c| !c.is_empty() && !c.contains(','))
                .cloned()
                .unwrap_or_else(|| format!("x{}", i + 1))
        })
        .collect();
    out.push_str(&names.join(","));
    out.push_str(",label\n");
    for r in rows {
        let cells: Vec<String> = r.iter().map(|v| v.to_string()).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// The label as an integer if it is a finite, non-negative whole number of sensible size.
pub(crate) fn label_value(v: f64) -> Option<usize> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_LABEL_VALUE {
        Some(v as usize)
    } else {
        None
    }
}

/// The number of classes `k` in rows (label last) whose labels are already known to be
/// integers; errors unless the labels are exactly `0..k` with `2 ≤ k ≤ MAX_CLASSES`.
pub(crate) fn class_count(rows: &[Vec<f64>]) -> Result<usize, DataError> {
    let labels: BTreeSet<usize> = rows
        .iter()
        .filter_map(|r| r.last().copied().and_then(label_value))
        .collect();
    let k = labels.len();
    if let Some(missing) = (0..k).find(|l| !labels.contains(l)) {
        let found: Vec<String> = labels.iter().take(8).map(|l| l.to_string()).collect();
        let more = if k > 8 { ", ..." } else { "" };
        return Err(DataError::Rows {
            reason: format!(
                "labels must be 0, 1, ..., k-1 with no gaps, but label {missing} is missing (found {}{more})",
                found.join(", ")
            ),
        });
    }
    if k < 2 {
        return Err(DataError::Rows {
            reason: "at least 2 classes are needed, but every row has the same label".to_string(),
        });
    }
    if k > MAX_CLASSES {
        return Err(DataError::Rows {
            reason: format!("{k} classes: at most {MAX_CLASSES} classes are allowed"),
        });
    }
    Ok(k)
}

/// At most 24 characters of `s`, with an ellipsis if cut.
pub(crate) fn shorten(s: &str) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(24).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_csv(text).unwrap_err().to_string()
    }

    fn rows(text: &str) -> Vec<Vec<f64>> {
        parse_csv(text).unwrap().rows
    }

    #[test]
    fn parses_with_and_without_header_and_blank_lines() {
        let a = rows("x1,x2,label\n\n0.5, -0.5, 1\r\n0,0,0\n");
        let b = rows("\n0.5,-0.5,1\n0,0,0");
        assert_eq!(a, vec![vec![0.5, -0.5, 1.0], vec![0.0, 0.0, 0.0]]);
        assert_eq!(a, b);
        assert_eq!(rows("\u{feff}a,b,c\n1,2,0\n3,4,1").len(), 2);
        let t = parse_csv("\n0.5,-0.5,1\n0,0,0").unwrap();
        assert_eq!(t.columns, ["x1", "x2"]);
    }

    #[test]
    fn many_features_header_names_and_a_chosen_label_column() {
        let text = "species,sepal length,sepal width,petal\nsetosa,5.1,3.5,1.4\nvirginica,6.3,3.3,6.0\nsetosa,4.9,3.0,1.4\n";
        let t = parse_table(text, &LabelColumn::Name("species".into())).unwrap();
        assert_eq!(t.columns, ["sepal length", "sepal width", "petal"]);
        assert_eq!(t.class_names, ["setosa", "virginica"]);
        assert_eq!(t.rows[1], vec![6.3, 3.3, 6.0, 1.0]);
        let u = parse_table(text, &LabelColumn::Index(0)).unwrap();
        assert_eq!(u, t);
        // A first row of numbers with a named label is data, not a header.
        let v = parse_csv("5.1,3.5,setosa\n6.3,3.3,virginica\n").unwrap();
        assert_eq!((v.rows.len(), v.class_names.len()), (2, 2));
        assert_eq!(v.columns, ["x1", "x2"]);
        assert_eq!(v.header, ["column 1", "column 2", "column 3"]);
        assert_eq!(v.label_column, 2);
    }

    #[test]
    fn the_header_lists_every_column_and_where_the_label_is() {
        let text = "a,b,kind,c\n1,2,0,3\n4,5,1,6\n";
        let t = parse_table(text, &LabelColumn::Index(2)).unwrap();
        assert_eq!(t.header, ["a", "b", "kind", "c"]);
        assert_eq!(t.label_column, 2);
        assert_eq!(t.columns, ["a", "b", "c"]);
        assert_eq!(csv_columns(text), t.header);
        // A label in the first column: the default (last) fails, the columns are still known.
        let named = "kind,w,x\na,1,2\nb,3,4\n";
        assert!(parse_csv(named).is_err());
        assert_eq!(csv_columns(named), ["kind", "w", "x"]);
        assert_eq!(
            csv_columns("\n1,2,0\n"),
            ["column 1", "column 2", "column 3"]
        );
        assert_eq!(csv_columns("5.1,3.5,setosa\n").len(), 3);
        assert!(csv_columns("  \n").is_empty());
    }

    #[test]
    fn errors_name_the_line_and_the_column() {
        assert_eq!(
            err("x1,x2,label\n0,0,0\n1,abc,1\n"),
            "line 3, column 2 (x2): 'abc' is not a number"
        );
        assert_eq!(
            err("0,0,0\n\n1,2\n"),
            "line 3: expected 3 columns like the first row, found 2"
        );
        assert_eq!(
            err("a,b,c\n0,0,0\n1,2\n"),
            "line 3: expected 3 columns like the header, found 2"
        );
        assert_eq!(
            err("0,0,0\n1,inf,1\n"),
            "line 2, column 2: 'inf' is not a finite number"
        );
        assert_eq!(
            err("0,0,0\n1,NaN,1\n"),
            "line 2, column 2: 'NaN' is not a finite number"
        );
        assert!(
            err("0,0,1.5\n").starts_with("line 1, column 3: the label '1.5' is not a whole number")
        );
        assert!(err("0,0,-1\n").starts_with("line 1, column 3: the label '-1'"));
        assert!(err("0,0,a\n1,1,2\n").contains("mixes with named labels"));
        assert_eq!(err("5\n"), "line 1: a row needs at least one feature column and a label column, separated by commas");
        let e = parse_table("a,b\n1,2\n", &LabelColumn::Name("c".into())).unwrap_err();
        assert!(e.to_string().contains("no column is named 'c'"), "{e}");
        let e = parse_table("1,2\n", &LabelColumn::Index(5)).unwrap_err();
        assert!(e.to_string().contains("column 6 does not exist"), "{e}");
    }

    #[test]
    fn limits_on_rows_features_and_classes_name_themselves() {
        let mut text = String::from("x1,label\n");
        for i in 0..=MAX_POINTS {
            text.push_str(&format!("{i},{}\n", i % 2));
        }
        let e = err(&text);
        assert!(
            e.starts_with(&format!("line {}: too many rows", MAX_POINTS + 2)),
            "{e}"
        );
        let wide: Vec<String> = (0..=MAX_CSV_FEATURES).map(|i| i.to_string()).collect();
        let e = err(&format!("{},0\n", wide.join(",")));
        assert!(e.contains("17 feature columns: at most 16"), "{e}");
        let many: String = (0..11).map(|c| format!("0.5,{c}\n")).collect();
        assert!(err(&many).contains("at most 10 classes"));
    }

    #[test]
    fn label_set_must_be_0_to_k_with_two_classes() {
        assert!(err("0,0,0\n1,1,2\n").contains("label 1 is missing"));
        assert!(err("0,0,0\n1,1,0\n").contains("at least 2 classes"));
        assert!(err("").contains("no data rows"));
        assert!(err("x1,x2,label\n").contains("no data rows"));
    }

    #[test]
    fn round_trip_is_exact() {
        let r = vec![
            vec![0.1, -0.2, 1e-300, 0.0],
            vec![1.0 / 3.0, 4.5, -7.0, 1.0],
        ];
        let names: Vec<String> = vec!["a".into(), "b".into(), "c".into()];
        let t = parse_csv(&to_csv(&names, &r)).unwrap();
        assert_eq!(t.rows, r);
        assert_eq!(t.columns, names);
    }

    #[test]
    fn long_fields_are_shortened_in_messages() {
        let long = "y".repeat(100);
        let e = err(&format!("0,0,0\n1,{long},1\n"));
        assert!(e.len() < 100, "{e}");
        assert!(e.contains("..."), "{e}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn parse_csv_never_panics(text in ".{0,400}") {
                let _ = parse_csv(&text);
            }

            #[test]
            fn parse_csv_never_panics_on_csv_like_text(text in "[0-9a-z.,\\-+eE \n\r]{0,300}") {
                let _ = parse_csv(&text);
            }

            #[test]
            fn round_trip_any_rows(
                rows in proptest::collection::vec(
                    (proptest::collection::vec(-1e6f64..1e6, 3), 0usize..3), 3..40)
            ) {
                let mut rows: Vec<Vec<f64>> = rows
                    .into_iter()
                    .map(|(mut x, l)| { x.push(l as f64); x })
                    .collect();
                rows[0][3] = 0.0;
                rows[1][3] = 1.0;
                rows[2][3] = 2.0;
                let t = parse_csv(&to_csv(&[], &rows)).unwrap();
                prop_assert_eq!(t.rows, rows);
            }
        }
    }
}
