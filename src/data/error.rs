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
    /// One line of a CSV text cannot be read.
    CsvLine {
        /// 1-based line number in the text.
        line: usize,
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
            reason: reason.into(),
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
            DataError::CsvLine { line, reason } => write!(f, "line {line}: {reason}"),
            DataError::Rows { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for DataError {}
