//! Vectors of two complex numbers for the kernels: AVX2 + FMA on x86-64 CPUs that have them
//! (detected at run time), two `v128` lanes on WebAssembly with `simd128`, plain `f64` arithmetic
//! elsewhere. Kernels are written once against [`Simd`] and instantiated per backend.
//!
//! A backend is a zero-sized *token*: [`Avx2`] can only be obtained from [`Avx2::detect`], so a
//! value of it proves that the CPU runs AVX2 and FMA, which is what makes its methods sound. Every
//! method is `#[inline(always)]`: the kernels are compiled inside one `#[target_feature]` entry
//! function per backend, and inlining carries the intrinsics into it.
//!
//! Lane layout: a vector `[a.re, a.im, b.re, b.im]` holds the complex numbers `a` (lane 0) and
//! `b` (lane 1), the memory layout of two consecutive [`C64`]s.

use super::C64;

/// Arithmetic on vectors of two complex numbers (four `f64`).
pub(crate) trait Simd: Copy {
    /// The vector type.
    type V: Copy;
    /// `[x, x, x, x]`.
    fn splat(self, x: f64) -> Self::V;
    /// The four lanes in memory order.
    fn set(self, x: [f64; 4]) -> Self::V;
    /// Two consecutive amplitudes.
    fn load(self, p: &[C64; 2]) -> Self::V;
    /// Stores two consecutive amplitudes.
    fn store(self, p: &mut [C64; 2], v: Self::V);
    /// `[a, b]` from two amplitudes anywhere.
    fn pack(self, a: C64, b: C64) -> Self::V;
    /// The two amplitudes of `v`.
    fn unpack(self, v: Self::V) -> (C64, C64);
    /// `a + b` lane-wise.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a · b` lane-wise.
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a · b + c` lane-wise (fused where the backend has FMA).
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `c − a · b` lane-wise (fused where the backend has FMA).
    fn neg_mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// Four consecutive `f64` (for data laid out in split real and imaginary planes).
    fn load4(self, p: &[f64; 4]) -> Self::V;
    /// Stores four consecutive `f64`.
    fn store4(self, p: &mut [f64; 4], v: Self::V);
    /// `[a.im, a.re, b.im, b.re]`.
    fn swap_ri(self, v: Self::V) -> Self::V;
    /// `[b, a]`.
    fn swap_halves(self, v: Self::V) -> Self::V;
    /// Whether [`Simd::prefetch`] does anything: the kernels walk the state in prefetching
    /// order only where it does, and keep their plain loops elsewhere (WebAssembly has no
    /// prefetch instruction).
    const PREFETCHES: bool = false;
    /// A hint that the cache line holding `p` is read soon (into every cache level). Only a
    /// hint: it changes no value, and backends without a prefetch instruction ignore it.
    #[inline(always)]
    fn prefetch(self, p: &C64) {
        let _ = p;
    }
}

/// A complex factor per lane, laid out for [`cmul`]: `c·x = re·x + im·swap_ri(x)` with
/// `re = [c.re, c.re]` and `im = [−c.im, c.im]` per lane.
#[derive(Clone, Copy)]
pub(crate) struct Cf<V> {
    re: V,
    im: V,
}

/// The factor `c0` for lane 0 and `c1` for lane 1.
#[inline(always)]
pub(crate) fn cf<S: Simd>(s: S, c0: C64, c1: C64) -> Cf<S::V> {
    Cf {
        re: s.set([c0.re, c0.re, c1.re, c1.re]),
        im: s.set([-c0.im, c0.im, -c1.im, c1.im]),
    }
}

/// `c·x` per lane, given `sx = swap_ri(x)`.
#[inline(always)]
pub(crate) fn cmul<S: Simd>(s: S, c: Cf<S::V>, x: S::V, sx: S::V) -> S::V {
    s.mul_add(c.re, x, s.mul(c.im, sx))
}

/// `acc + c·x` per lane, given `sx = swap_ri(x)`.
#[inline(always)]
pub(crate) fn cmac<S: Simd>(s: S, c: Cf<S::V>, x: S::V, sx: S::V, acc: S::V) -> S::V {
    s.mul_add(c.re, x, s.mul_add(c.im, sx, acc))
}

/// Plain `f64` arithmetic (the reference backend, and the one for CPUs without AVX2).
#[derive(Clone, Copy, Debug)]
#[cfg_attr(
    all(target_arch = "wasm32", target_feature = "simd128"),
    allow(dead_code)
)]
pub(crate) struct Scalar;

impl Simd for Scalar {
    type V = [f64; 4];
    #[inline(always)]
    fn splat(self, x: f64) -> [f64; 4] {
        [x; 4]
    }
    #[inline(always)]
    fn set(self, x: [f64; 4]) -> [f64; 4] {
        x
    }
    #[inline(always)]
    fn load(self, p: &[C64; 2]) -> [f64; 4] {
        [p[0].re, p[0].im, p[1].re, p[1].im]
    }
    #[inline(always)]
    fn store(self, p: &mut [C64; 2], v: [f64; 4]) {
        p[0] = C64::new(v[0], v[1]);
        p[1] = C64::new(v[2], v[3]);
    }
    #[inline(always)]
    fn pack(self, a: C64, b: C64) -> [f64; 4] {
        [a.re, a.im, b.re, b.im]
    }
    #[inline(always)]
    fn unpack(self, v: [f64; 4]) -> (C64, C64) {
        (C64::new(v[0], v[1]), C64::new(v[2], v[3]))
    }
    #[inline(always)]
    fn add(self, a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
    }
    #[inline(always)]
    fn mul(self, a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        [a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]]
    }
    #[inline(always)]
    fn mul_add(self, a: [f64; 4], b: [f64; 4], c: [f64; 4]) -> [f64; 4] {
        self.add(self.mul(a, b), c)
    }
    #[inline(always)]
    fn neg_mul_add(self, a: [f64; 4], b: [f64; 4], c: [f64; 4]) -> [f64; 4] {
        let m = self.mul(a, b);
        [c[0] - m[0], c[1] - m[1], c[2] - m[2], c[3] - m[3]]
    }
    #[inline(always)]
    fn load4(self, p: &[f64; 4]) -> [f64; 4] {
        *p
    }
    #[inline(always)]
    fn store4(self, p: &mut [f64; 4], v: [f64; 4]) {
        *p = v;
    }
    #[inline(always)]
    fn swap_ri(self, v: [f64; 4]) -> [f64; 4] {
        [v[1], v[0], v[3], v[2]]
    }
    #[inline(always)]
    fn swap_halves(self, v: [f64; 4]) -> [f64; 4] {
        [v[2], v[3], v[0], v[1]]
    }
}

/// AVX2 + FMA (x86-64), one `__m256d` per vector.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    /// The token, when this CPU runs AVX2 and FMA.
    #[inline]
    pub(crate) fn detect() -> Option<Avx2> {
        (std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
            .then_some(Avx2(()))
    }
}

// SAFETY (every `unsafe` block below): an `Avx2` value exists only when `Avx2::detect` found
// AVX2 and FMA on this CPU, so the intrinsics are supported; loads and stores go through
// references to two `C64`s (`repr(C)` pairs of `f64`) or to four `f64`: exactly 32 valid bytes.
#[cfg(target_arch = "x86_64")]
impl Simd for Avx2 {
    type V = std::arch::x86_64::__m256d;
    const PREFETCHES: bool = true;
    #[inline(always)]
    fn splat(self, x: f64) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_set1_pd(x) }
    }
    #[inline(always)]
    fn set(self, x: [f64; 4]) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_setr_pd(x[0], x[1], x[2], x[3]) }
    }
    #[inline(always)]
    fn load(self, p: &[C64; 2]) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_loadu_pd(p.as_ptr().cast::<f64>()) }
    }
    #[inline(always)]
    fn store(self, p: &mut [C64; 2], v: Self::V) {
        unsafe { std::arch::x86_64::_mm256_storeu_pd(p.as_mut_ptr().cast::<f64>(), v) }
    }
    #[inline(always)]
    fn pack(self, a: C64, b: C64) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_setr_pd(a.re, a.im, b.re, b.im) }
    }
    #[inline(always)]
    fn unpack(self, v: Self::V) -> (C64, C64) {
        let mut out = [C64::new(0.0, 0.0); 2];
        self.store(&mut out, v);
        (out[0], out[1])
    }
    #[inline(always)]
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_add_pd(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: Self::V, b: Self::V) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_mul_pd(a, b) }
    }
    #[inline(always)]
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_fmadd_pd(a, b, c) }
    }
    #[inline(always)]
    fn neg_mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_fnmadd_pd(a, b, c) }
    }
    #[inline(always)]
    fn load4(self, p: &[f64; 4]) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_loadu_pd(p.as_ptr()) }
    }
    #[inline(always)]
    fn store4(self, p: &mut [f64; 4], v: Self::V) {
        unsafe { std::arch::x86_64::_mm256_storeu_pd(p.as_mut_ptr(), v) }
    }
    #[inline(always)]
    fn swap_ri(self, v: Self::V) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_permute_pd::<0b0101>(v) }
    }
    #[inline(always)]
    fn swap_halves(self, v: Self::V) -> Self::V {
        unsafe { std::arch::x86_64::_mm256_permute2f128_pd::<0x01>(v, v) }
    }
    #[inline(always)]
    fn prefetch(self, p: &C64) {
        // A prefetch never faults and here points into a live amplitude.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (p as *const C64).cast::<i8>(),
            )
        }
    }
}

/// WebAssembly `simd128`: two `v128` (one complex number each) per vector. No FMA: wasm's
/// relaxed-simd `madd` may or may not fuse, which would make results engine-dependent.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wasm128;

// SAFETY (the loads and stores below): the pointers come from references to two `C64`s or
// four `f64`, i.e. 32 valid bytes; `v128_load`/`v128_store` need no alignment.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Simd for Wasm128 {
    type V = (std::arch::wasm32::v128, std::arch::wasm32::v128);
    #[inline(always)]
    fn splat(self, x: f64) -> Self::V {
        let v = std::arch::wasm32::f64x2_splat(x);
        (v, v)
    }
    #[inline(always)]
    fn set(self, x: [f64; 4]) -> Self::V {
        use std::arch::wasm32::f64x2;
        (f64x2(x[0], x[1]), f64x2(x[2], x[3]))
    }
    #[inline(always)]
    fn load(self, p: &[C64; 2]) -> Self::V {
        use std::arch::wasm32::{v128, v128_load};
        let q = p.as_ptr().cast::<v128>();
        unsafe { (v128_load(q), v128_load(q.add(1))) }
    }
    #[inline(always)]
    fn store(self, p: &mut [C64; 2], v: Self::V) {
        use std::arch::wasm32::{v128, v128_store};
        let q = p.as_mut_ptr().cast::<v128>();
        unsafe {
            v128_store(q, v.0);
            v128_store(q.add(1), v.1);
        }
    }
    #[inline(always)]
    fn pack(self, a: C64, b: C64) -> Self::V {
        use std::arch::wasm32::f64x2;
        (f64x2(a.re, a.im), f64x2(b.re, b.im))
    }
    #[inline(always)]
    fn unpack(self, v: Self::V) -> (C64, C64) {
        use std::arch::wasm32::f64x2_extract_lane as lane;
        (
            C64::new(lane::<0>(v.0), lane::<1>(v.0)),
            C64::new(lane::<0>(v.1), lane::<1>(v.1)),
        )
    }
    #[inline(always)]
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        use std::arch::wasm32::f64x2_add;
        (f64x2_add(a.0, b.0), f64x2_add(a.1, b.1))
    }
    #[inline(always)]
    fn mul(self, a: Self::V, b: Self::V) -> Self::V {
        use std::arch::wasm32::f64x2_mul;
        (f64x2_mul(a.0, b.0), f64x2_mul(a.1, b.1))
    }
    #[inline(always)]
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        self.add(self.mul(a, b), c)
    }
    #[inline(always)]
    fn neg_mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        use std::arch::wasm32::f64x2_sub;
        let m = self.mul(a, b);
        (f64x2_sub(c.0, m.0), f64x2_sub(c.1, m.1))
    }
    #[inline(always)]
    fn load4(self, p: &[f64; 4]) -> Self::V {
        use std::arch::wasm32::{v128, v128_load};
        let q = p.as_ptr().cast::<v128>();
        unsafe { (v128_load(q), v128_load(q.add(1))) }
    }
    #[inline(always)]
    fn store4(self, p: &mut [f64; 4], v: Self::V) {
        use std::arch::wasm32::{v128, v128_store};
        let q = p.as_mut_ptr().cast::<v128>();
        unsafe {
            v128_store(q, v.0);
            v128_store(q.add(1), v.1);
        }
    }
    #[inline(always)]
    fn swap_ri(self, v: Self::V) -> Self::V {
        use std::arch::wasm32::i64x2_shuffle;
        (
            i64x2_shuffle::<1, 0>(v.0, v.0),
            i64x2_shuffle::<1, 0>(v.1, v.1),
        )
    }
    #[inline(always)]
    fn swap_halves(self, v: Self::V) -> Self::V {
        (v.1, v.0)
    }
}

/// The backend compiled into this build for code that runs without run-time detection:
/// `simd128` on WebAssembly built with it, plain arithmetic otherwise.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) const PORTABLE: Wasm128 = Wasm128;
/// The backend compiled into this build for code that runs without run-time detection.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub(crate) const PORTABLE: Scalar = Scalar;

/// Runs `$body` with `$s` bound to the best backend of this CPU: AVX2 + FMA when detected (the
/// body is then compiled inside a `#[target_feature(enable = "avx2,fma")]` function), else
/// [`PORTABLE`]. `$body` must only use the given captured variables.
macro_rules! dispatch {
    ($s:ident, ($($arg:ident : $ty:ty),* $(,)?) -> $ret:ty, $body:block) => {{
        #[inline(always)]
        fn body<S: $crate::sim::simd::Simd>($s: S, $($arg: $ty),*) -> $ret $body
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2,fma")]
            unsafe fn avx2(s: $crate::sim::simd::Avx2, $($arg: $ty),*) -> $ret {
                body(s, $($arg),*)
            }
            if let Some(s) = $crate::sim::simd::Avx2::detect() {
                // SAFETY: `detect` found AVX2 and FMA on this CPU.
                return unsafe { avx2(s, $($arg),*) };
            }
        }
        body($crate::sim::simd::PORTABLE, $($arg),*)
    }};
}
pub(crate) use dispatch;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> C64 {
        C64::new(re, im)
    }

    /// Every operation of a backend against complex arithmetic done by hand.
    fn check<S: Simd>(s: S) {
        let (a, b) = (c(0.3, -1.2), c(2.5, 0.7));
        let (p, q) = (c(-0.4, 0.9), c(1.1, -0.6));
        let x = s.pack(a, b);
        assert_eq!(s.unpack(x), (a, b));
        let mut mem = [a, b];
        let v = s.load(&mem);
        s.store(&mut mem, s.swap_halves(v));
        assert_eq!(mem, [b, a]);
        assert_eq!(s.unpack(s.swap_ri(x)), (c(a.im, a.re), c(b.im, b.re)));
        let f = cf(s, p, q);
        let (u, w) = s.unpack(cmul(s, f, x, s.swap_ri(x)));
        assert!((u - p * a).norm() < 1e-15 && (w - q * b).norm() < 1e-15);
        let acc = s.pack(c(1.0, 2.0), c(-3.0, 0.5));
        let (u, w) = s.unpack(cmac(s, f, x, s.swap_ri(x), acc));
        assert!((u - (p * a + c(1.0, 2.0))).norm() < 1e-15);
        assert!((w - (q * b + c(-3.0, 0.5))).norm() < 1e-15);
        let (u, _) = s.unpack(s.mul_add(s.splat(2.0), x, s.set([1.0, 0.0, 0.0, 0.0])));
        assert_eq!(u, c(2.0 * a.re + 1.0, 2.0 * a.im));
        let mut four = [1.0, -2.0, 3.0, 0.5];
        let v = s.load4(&four);
        s.store4(&mut four, s.neg_mul_add(v, s.splat(2.0), s.splat(1.0)));
        assert_eq!(four, [-1.0, 5.0, -5.0, 0.0]);
    }

    #[test]
    fn scalar_backend_does_complex_arithmetic() {
        check(Scalar);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_backend_does_complex_arithmetic() {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn run(s: Avx2) {
            check(s)
        }
        if let Some(s) = Avx2::detect() {
            // SAFETY: detected above.
            unsafe { run(s) }
        }
    }
}
