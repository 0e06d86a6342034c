//! stub: being written
