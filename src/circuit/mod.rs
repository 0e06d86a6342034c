//! TODO module circuit (being written)
