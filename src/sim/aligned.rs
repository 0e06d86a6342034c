//! Amplitude storage aligned to 64 bytes (a cache line).
//!
//! The kernels load and store two amplitudes (32 bytes) at a time. From a plain `Vec<C64>`
//! (16-byte aligned; a large one sits 16 bytes past a page boundary) every other such access
//! straddles two cache lines, and the W1 workload ran up to 1.8× slower depending on where the
//! allocator happened to put the state (12 qubits: 1.21 µs per gate at an address ≡ 48 mod 64,
//! 0.67 µs at 0 or 32). [`Amps`] puts the amplitudes on cache-line boundaries, always.
//!
//! On Linux a buffer of 4 MiB or more (18 qubits and up) is also advised huge pages
//! (`madvise(MADV_HUGEPAGE)`, for kernels whose transparent huge pages are in `madvise` mode,
//! Debian's default). A gate on a high wire walks two streams half the state apart, and with
//! 4 KiB pages every 256 amplitudes of each costs a TLB miss: the W1 workload at 24 qubits
//! (256 MiB) took 17.7 ms per gate with 4 KiB pages and 13.8–14.6 ms with 2 MiB ones, in
//! alternating runs on the same machine.

use super::C64;
use std::collections::TryReserveError;
use std::ops::{Deref, DerefMut};

/// Four amplitudes on one cache line.
#[repr(C, align(64))]
#[derive(Clone, Copy)]
struct Line([C64; 4]);

const ZERO: C64 = C64::new(0.0, 0.0);

/// Below this size a buffer is not worth a huge page.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
const HUGE_MIN: usize = 4 << 20;

/// Asks the kernel to back the whole pages of `[ptr, ptr + bytes)` (an allocation not yet
/// touched) with transparent huge pages, if the buffer is large.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
fn advise_huge_pages(ptr: *mut u8, bytes: usize) {
    extern "C" {
        fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
    }
    const MADV_HUGEPAGE: i32 = 14;
    const PAGE: usize = 4096;
    if bytes < HUGE_MIN {
        return;
    }
    let start = (ptr as usize).div_ceil(PAGE) * PAGE;
    let end = (ptr as usize + bytes) / PAGE * PAGE;
    if end > start {
        // SAFETY: [start, end) lies inside the allocation just reserved; the advice changes
        // how the kernel backs those pages, never their contents. A refusal is harmless.
        unsafe {
            madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
fn advise_huge_pages(_ptr: *mut u8, _bytes: usize) {}

/// A contiguous, 64-byte-aligned run of `len` amplitudes, used as a `[C64]`.
pub(crate) struct Amps {
    lines: Vec<Line>,
    len: usize,
}

impl Amps {
    /// `len` zero amplitudes, or the allocation error.
    pub(crate) fn zeros(len: usize) -> Result<Amps, TryReserveError> {
        let n = len.div_ceil(4);
        let mut lines = reserve(n)?;
        lines.resize(n, Line([ZERO; 4]));
        Ok(Amps { lines, len })
    }

    /// A copy of `a`.
    pub(crate) fn from_slice(a: &[C64]) -> Amps {
        let n = a.len().div_ceil(4);
        let mut lines = reserve(n).expect("memory for a copy of the amplitudes");
        lines.extend(a.chunks(4).map(|chunk| {
            let mut line = Line([ZERO; 4]);
            line.0[..chunk.len()].copy_from_slice(chunk);
            line
        }));
        Amps {
            lines,
            len: a.len(),
        }
    }
}

/// An empty vector with room for `n` lines, its pages advised huge when it is large.
fn reserve(n: usize) -> Result<Vec<Line>, TryReserveError> {
    let mut lines: Vec<Line> = Vec::new();
    lines.try_reserve_exact(n)?;
    advise_huge_pages(lines.as_mut_ptr().cast(), n * std::mem::size_of::<Line>());
    Ok(lines)
}

/// `len` zero reals in a plain vector, its pages advised huge when it is large (the density
/// engine's Pauli vectors: 8 MiB from 10 qubits on).
pub(crate) fn zeros_f64(len: usize) -> Result<Vec<f64>, TryReserveError> {
    let mut v: Vec<f64> = Vec::new();
    v.try_reserve_exact(len)?;
    advise_huge_pages(v.as_mut_ptr().cast(), len * std::mem::size_of::<f64>());
    v.resize(len, 0.0);
    Ok(v)
}

impl Clone for Amps {
    fn clone(&self) -> Amps {
        let mut lines = reserve(self.lines.len()).expect("memory for a copy of the amplitudes");
        lines.extend_from_slice(&self.lines);
        Amps {
            lines,
            len: self.len,
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

    /// The kernel's flags of the mapping that holds `addr` (`VmFlags` in /proc/self/smaps).
    #[cfg(target_os = "linux")]
    fn vm_flags(addr: usize) -> Option<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
        let mut inside = false;
        for line in smaps.lines() {
            let head = line.split_whitespace().next().unwrap_or("");
            if let Some((a, b)) = head.split_once('-') {
                if let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
                {
                    inside = (a..b).contains(&addr);
                    continue;
                }
            }
            if inside {
                if let Some(flags) = line.strip_prefix("VmFlags:") {
                    return Some(flags.trim().to_string());
                }
            }
        }
        None
    }

    /// A large buffer — made, copied or cloned — is advised huge pages (flag `hg`), a small
    /// one is not; on a kernel without transparent huge pages there is nothing to check.
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    #[test]
    fn large_buffers_are_advised_huge_pages() {
        if !std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists() {
            eprintln!("no transparent huge pages in this kernel: nothing to check");
            return;
        }
        let len = 1 << 20; // 16 MiB
        let big = Amps::zeros(len).unwrap();
        let copy = Amps::from_slice(&big);
        let clone = copy.clone();
        for (what, a) in [("zeros", &big), ("from_slice", &copy), ("clone", &clone)] {
            let mid = a.as_ptr() as usize + len * 8;
            let flags = vm_flags(mid).expect("the buffer's mapping");
            assert!(
                flags.split_whitespace().any(|f| f == "hg"),
                "{what}: flags {flags}"
            );
            assert!(a.iter().all(|c| *c == ZERO));
        }
        let reals = zeros_f64(1 << 21).unwrap(); // 16 MiB
        let flags = vm_flags(reals.as_ptr() as usize + (1 << 23)).expect("the reals' mapping");
        assert!(
            flags.split_whitespace().any(|f| f == "hg"),
            "reals: {flags}"
        );
        assert!(reals.iter().all(|&x| x == 0.0) && reals.len() == 1 << 21);
        let small = Amps::zeros(1 << 10).unwrap();
        let flags = vm_flags(small.as_ptr() as usize).expect("the small buffer's mapping");
        assert!(
            !flags.split_whitespace().any(|f| f == "hg"),
            "small: {flags}"
        );
    }
}
