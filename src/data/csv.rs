//! CSV import and export of `(x1, x2, label)` rows, and the label checks shared with custom rows.
//! Imports only `std` and the data module's own items.

use std::collections::BTreeSet;

use super::{DataError, MAX_POINTS};

/// The header line [`to_csv`] writes and [`parse_csv`] accepts.
pub const CSV_HEADER: &str = "x1,x2,label";

/// Largest label value accepted before the gap check (keeps the integer conversion exact).
const MAX_LABEL_VALUE: f64 = 4_294_967_295.0;

/// Parses `x1,x2,label` rows.
///
/// An optional header line (a first non-blank line with no numeric field, such as
/// `x1,x2,label`) is skipped, blank lines are ignored, and a leading byte-order mark is allowed.
/// Errors name the 1-based line and what is wrong with it. The labels must form `0..k` with
/// `k ≥ 2` and no gaps.
///
/// ```
/// let rows = qmlp::data::parse_csv("x1,x2,label\n0.5,-0.25,0\n-1,1,1\n").unwrap();
/// assert_eq!(rows, vec![[0.5, -0.25, 0.0], [-1.0, 1.0, 1.0]]);
/// let err = qmlp::data::parse_csv("0,0,0\n1,abc,1\n").unwrap_err();
/// assert_eq!(err.to_string(), "line 2: column 2 'abc' is not a number");
/// ```
pub fn parse_csv(text: &str) -> Result<Vec<[f64; 3]>, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows: Vec<[f64; 3]> = Vec::new();
    let mut seen_content = false;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if !seen_content {
            seen_content = true;
            if fields.iter().all(|f| f.parse::<f64>().is_err()) {
                continue; // header line
            }
        }
        if fields.len() != 3 {
            return Err(DataError::line(
                line_no,
                format!("expected 3 columns ({CSV_HEADER}), found {}", fields.len()),
            ));
        }
        if rows.len() >= MAX_POINTS {
            return Err(DataError::line(
                line_no,
                format!("too many rows: at most {MAX_POINTS} data rows are allowed"),
            ));
        }
        let mut row = [0.0; 3];
        for (col, (field, slot)) in fields.iter().zip(row.iter_mut()).enumerate() {
            let value: f64 = field.parse().map_err(|_| {
                DataError::line(
                    line_no,
                    format!("column {} '{}' is not a number", col + 1, shorten(field)),
                )
            })?;
            if !value.is_finite() {
                return Err(DataError::line(
                    line_no,
                    format!("column {} '{}' is not finite", col + 1, shorten(field)),
                ));
            }
            *slot = value;
        }
        if label_value(row[2]).is_none() {
            return Err(DataError::line(
                line_no,
                format!(
                    "label '{}' is not a non-negative integer",
                    shorten(fields[2])
                ),
            ));
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(DataError::Rows {
            reason: format!(
                "the CSV has no data rows; expected lines like '{CSV_HEADER}' then '0.5,-0.2,1'"
            ),
        });
    }
    class_count(&rows)?;
    Ok(rows)
}

/// Writes rows as CSV with a `x1,x2,label` header; [`parse_csv`] reads it back exactly.
///
/// ```
/// let rows = vec![[0.1, -0.2, 0.0], [0.3, 0.4, 1.0]];
/// assert_eq!(qmlp::data::parse_csv(&qmlp::data::to_csv(&rows)).unwrap(), rows);
/// ```
pub fn to_csv(rows: &[[f64; 3]]) -> String {
    let mut out = String::with_capacity(16 + rows.len() * 24);
    out.push_str(CSV_HEADER);
    out.push('\n');
    for [x1, x2, label] in rows {
        out.push_str(&format!("{x1},{x2},{label}\n"));
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

/// The number of classes `k` in rows whose labels are already known to be integers; errors unless
/// the labels are exactly `0..k` with `k ≥ 2`.
pub(crate) fn class_count(rows: &[[f64; 3]]) -> Result<usize, DataError> {
    let labels: BTreeSet<usize> = rows.iter().filter_map(|r| label_value(r[2])).collect();
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
            reason: "at least 2 classes are needed, but every row has label 0".to_string(),
        });
    }
    Ok(k)
}

/// At most 24 characters of `s`, with an ellipsis if cut.
fn shorten(s: &str) -> String {
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

    fn line_err(text: &str) -> (usize, String) {
        match parse_csv(text) {
            Err(DataError::CsvLine { line, reason }) => (line, reason),
            other => panic!("expected a line error, got {other:?}"),
        }
    }

    #[test]
    fn parses_with_and_without_header_and_blank_lines() {
        let a = parse_csv("x1,x2,label\n\n0.5, -0.5, 1\r\n0,0,0\n").unwrap();
        let b = parse_csv("\n0.5,-0.5,1\n0,0,0").unwrap();
        assert_eq!(a, vec![[0.5, -0.5, 1.0], [0.0, 0.0, 0.0]]);
        assert_eq!(a, b);
        assert_eq!(parse_csv("\u{feff}a,b,c\n1,2,0\n3,4,1").unwrap().len(), 2);
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        assert_eq!(
            line_err("x1,x2,label\n0,0,0\n1,abc,1\n"),
            (3, "column 2 'abc' is not a number".to_string())
        );
        let e = parse_csv("x1,x2,label\n0,0,0\n1,abc,1\n").unwrap_err();
        assert_eq!(e.to_string(), "line 3: column 2 'abc' is not a number");
        assert_eq!(
            line_err("0,0,0\n\n1,2\n"),
            (3, "expected 3 columns (x1,x2,label), found 2".to_string())
        );
        assert_eq!(
            line_err("0,0,0\n1,inf,1\n"),
            (2, "column 2 'inf' is not finite".to_string())
        );
        assert_eq!(
            line_err("0,0,0\n1,NaN,1\n"),
            (2, "column 2 'NaN' is not finite".to_string())
        );
        assert_eq!(
            line_err("0,0,1.5\n"),
            (1, "label '1.5' is not a non-negative integer".to_string())
        );
        assert_eq!(
            line_err("0,0,-1\n"),
            (1, "label '-1' is not a non-negative integer".to_string())
        );
        assert_eq!(line_err("1,2,3,4\n").0, 1);
        // A header anywhere but the first content line is a data error.
        assert_eq!(line_err("0,0,0\nx1,x2,label\n").0, 2);
    }

    #[test]
    fn too_many_rows_names_the_line() {
        let mut text = String::from("x1,x2,label\n");
        for i in 0..=MAX_POINTS {
            text.push_str(&format!("0,0,{}\n", i % 2));
        }
        let (line, reason) = line_err(&text);
        assert_eq!(line, MAX_POINTS + 2);
        assert!(reason.contains("too many rows"), "{reason}");
    }

    #[test]
    fn label_set_must_be_0_to_k_with_two_classes() {
        let e = parse_csv("0,0,0\n1,1,2\n").unwrap_err();
        assert!(e.to_string().contains("label 1 is missing"), "{e}");
        let e = parse_csv("0,0,0\n1,1,0\n").unwrap_err();
        assert!(e.to_string().contains("at least 2 classes"), "{e}");
        let e = parse_csv("0,0,1\n1,1,1\n").unwrap_err();
        assert!(e.to_string().contains("label 0 is missing"), "{e}");
        let e = parse_csv("x1,x2,label\n\n").unwrap_err();
        assert!(e.to_string().contains("no data rows"), "{e}");
        assert_eq!(parse_csv("0,0,0\n1,1,2\n2,2,1\n").map(|r| r.len()), Ok(3));
    }

    #[test]
    fn round_trip_is_exact() {
        let rows = vec![
            [0.1, -0.2, 0.0],
            [1.0 / 3.0, -2.0f64.sqrt(), 1.0],
            [1e-300, -7.5e12, 2.0],
        ];
        assert_eq!(parse_csv(&to_csv(&rows)).unwrap(), rows);
    }

    #[test]
    fn long_fields_are_shortened_in_messages() {
        let long = "z".repeat(1000);
        let (_, reason) = line_err(&format!("0,0,0\n{long},0,1\n"));
        assert!(reason.len() < 80, "{reason}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod prop {
        use super::super::*;
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
                pts in proptest::collection::vec((-1e6f64..1e6, -1e6f64..1e6), 2..40)
            ) {
                let rows: Vec<[f64; 3]> = pts
                    .iter()
                    .enumerate()
                    .map(|(i, (a, b))| [*a, *b, (i % 2) as f64])
                    .collect();
                prop_assert_eq!(parse_csv(&to_csv(&rows)).unwrap(), rows);
            }
        }
    }
}
