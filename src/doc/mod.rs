//! TODO module doc (being written)
