//! The data module's error type. Imports only `std`.

use std::fmt;

/// Why a dataset spec, custom rows or a CSV text cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataError {
    /// A spec field holds a value outside its allowed range.
    Field {
        /// The field's name as it appears in the document, e.g. `noise` or `custom[3]`.
        field: String,
        /// The offending value, as text.
        value: String,
        /// What would be accepted instead.
        allowed: String,
    },
    /// One row of a document's point list (`custom[i]`, `test[i]`) is unusable.
    Row {
        /// The list and row, e.g. `custom[3]`.
        field: String,
        /// The 0-based entry of the row at fault, if one entry is.
        column: Option<usize>,
        /// What is wrong, and what a row looks like.
        reason: String,
    },
    /// One line of a CSV text cannot be read.
    CsvLine {
        /// 1-based line number in the text.
        line: usize,
        /// The column at fault, e.g. `column 2 (sepal width)`, if one is.
        column: Option<String>,
        /// What is wrong with that line.
        reason: String,
    },
    /// The CSV rows or custom rows as a whole are unusable (no rows, labels with gaps, one class).
    Rows {
        /// What is wrong.
        reason: String,
    },
}

impl DataError {
    /// A field error: `field` holds `value`, but only `allowed` is accepted.
    pub(crate) fn field(field: impl Into<String>, value: impl fmt::Display, allowed: &str) -> Self {
        DataError::Field {
            field: field.into(),
            value: value.to_string(),
            allowed: allowed.to_string(),
        }
    }

    /// A CSV error on the 1-based `line`.
    pub(crate) fn line(line: usize, reason: impl Into<String>) -> Self {
        DataError::CsvLine {
            line,
            column: None,
            reason: reason.into(),
        }
    }

    /// A CSV error in one cell.
    pub(crate) fn cell(line: usize, column: &str, reason: impl Into<String>) -> Self {
        DataError::CsvLine {
            line,
            column: Some(column.to_string()),
            reason: reason.into(),
        }
    }

    /// An error in row `index` of the point list `list` (`custom` or `test`).
    pub(crate) fn row(
        list: &str,
        index: usize,
        column: Option<usize>,
        reason: impl Into<String>,
    ) -> Self {
        DataError::Row {
            field: format!("{list}[{index}]"),
            column,
            reason: reason.into(),
        }
    }

    /// The document path of the field at fault, relative to the dataset (`noise`,
    /// `custom[3][1]`), when the error is about a document field.
    pub fn path(&self) -> Option<String> {
        match self {
            DataError::Field { field, .. } => Some(field.clone()),
            DataError::Row { field, column, .. } => Some(match column {
                Some(c) => format!("{field}[{c}]"),
                None => field.clone(),
            }),
            _ => None,
        }
    }

    /// The 1-based CSV line at fault, when the error is about a CSV text.
    pub fn line_number(&self) -> Option<usize> {
        match self {
            DataError::CsvLine { line, .. } => Some(*line),
            _ => None,
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Field {
                field,
                value,
                allowed,
            } => write!(f, "dataset {field} = {value} is invalid: {allowed}"),
            DataError::Row {
                field,
                column,
                reason,
            } => match column {
                Some(c) => write!(f, "dataset {field}, entry {}: {reason}", c + 1),
                None => write!(f, "dataset {field}: {reason}"),
            },
            DataError::CsvLine {
                line,
                column,
                reason,
            } => match column {
                Some(c) => write!(f, "line {line}, {c}: {reason}"),
                None => write!(f, "line {line}: {reason}"),
            },
            DataError::Rows { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for DataError {}
