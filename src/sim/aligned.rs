//! Amplitude storage aligned to 64 bytes (a cache line).
//!
//! The kernels load and store two amplitudes (32 bytes) at a time. From a plain `Vec<C64>`
//! (16-byte aligned; a large one sits 16 bytes past a page boundary) every other such access
//! straddles two cache lines, and the W1 workload ran up to 1.8× slower depending on where the
//! allocator happened to put the state (12 qubits: 1.21 µs per gate at an address ≡ 48 mod 64,
//! 0.67 µs at 0 or 32). [`Amps`] puts the amplitudes on cache-line boundaries, always.

use super::C64;
use std::collections::TryReserveError;
use std::ops::{Deref, DerefMut};

/// Four amplitudes on one cache line.
#[repr(C, align(64))]
#[derive(Clone, Copy)]
struct Line([C64; 4]);

const ZERO: C64 = C64::new(0.0, 0.0);

/// A contiguous, 64-byte-aligned run of `len` amplitudes, used as a `[C64]`.
#[derive(Clone)]
pub(crate) struct Amps {
    lines: Vec<Line>,
    len: usize,
}

impl Amps {
    /// `len` zero amplitudes, or the allocation error.
    pub(crate) fn zeros(len: usize) -> Result<Amps, TryReserveError> {
        let n = len.div_ceil(4);
        let mut lines = Vec::new();
        lines.try_reserve_exact(n)?;
        lines.resize(n, Line([ZERO; 4]));
        Ok(Amps { lines, len })
    }

    /// A copy of `a`.
    pub(crate) fn from_slice(a: &[C64]) -> Amps {
        let mut lines = vec![Line([ZERO; 4]); a.len().div_ceil(4)];
        for (line, chunk) in lines.iter_mut().zip(a.chunks(4)) {
            line.0[..chunk.len()].copy_from_slice(chunk);
        }
        Amps {
            lines,
            len: a.len(),
        }
    }
}

impl Deref for Amps {
    type Target = [C64];
    fn deref(&self) -> &[C64] {
        // SAFETY: `Line` is `repr(C)` around `[C64; 4]` (64 bytes, no padding: `C64` is a
        // `repr(C)` pair of f64), so `lines` is 4·lines.len() ≥ len initialised, contiguous C64s.
        unsafe { std::slice::from_raw_parts(self.lines.as_ptr().cast::<C64>(), self.len) }
    }
}

impl DerefMut for Amps {
    fn deref_mut(&mut self) -> &mut [C64] {
        // SAFETY: as in `deref`, and the slice borrows `self` mutably.
        unsafe { std::slice::from_raw_parts_mut(self.lines.as_mut_ptr().cast::<C64>(), self.len) }
    }
}

impl PartialEq for Amps {
    fn eq(&self, other: &Amps) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Amps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amplitudes_sit_on_cache_lines_and_read_back_as_written() {
        for len in [1, 2, 3, 4, 5, 8, 1 << 12] {
            let a: Vec<C64> = (0..len).map(|i| C64::new(i as f64, -(i as f64))).collect();
            let mut v = Amps::from_slice(&a);
            assert_eq!(v.as_ptr() as usize % 64, 0);
            assert_eq!(&v[..], &a[..]);
            v[len - 1] = C64::new(7.0, 8.0);
            assert_eq!(v[len - 1], C64::new(7.0, 8.0));
            assert_eq!(v.len(), len);
            let z = Amps::zeros(len).unwrap();
            assert_eq!(z.as_ptr() as usize % 64, 0);
            assert!(z.iter().all(|c| *c == ZERO) && z.len() == len);
            assert_eq!(v.clone(), v);
            assert_ne!(z, v);
        }
    }
}
