//! TODO module interop (being written)
