//! TODO module model (being written)
