//! The reference barren-plateau circuit's fast path: two statevectors evolved together in split
//! real/imaginary arrays, with kernels for exactly the gates the protocol uses (RX, RY, RZ and a
//! whole CZ ladder as one sign pass).
//!
//! Layout: index `i = (basis << 1) | s`, where `s = 0` is |a⟩ = U|φ⟩ and `s = 1` is
//! |b⟩ = U·G|φ⟩ (G the differentiated gate's Pauli generator), so every gate pass updates both
//! states at once and the shortest run a pass walks has two elements. Wire `w` of `n` is bit
//! `n − w` of `i` (wire 0 most significant, as everywhere in the crate).
//!
//! Each rotation is applied divided by the larger of cos(θ/2) and sin(θ/2), so every output is a
//! single multiply-add; a layer's product of those factors is multiplied back in with the CZ
//! ladder's signs. On x86-64 with AVX2 + FMA, two gates on adjacent bits share one pass over the
//! state (explicit intrinsics, `avx2::quad`), which halves the loads and stores per gate; the
//! portable kernels (the wasm build, and CPUs without AVX2) are plain Rust the compiler
//! vectorises.
//!
//! Checked against the general engine ([`crate::sim::adjoint_gradient`]) by
//! `barren::tests::fast_path_matches_the_engine_adjoint_gradient`, and the portable kernels
//! against the AVX2 ones by `barren::tests::portable_kernels_match_the_vectorised_ones`.

use std::f64::consts::PI;

/// Rotation axis of a reference-circuit gate: 0 = X, 1 = Y, 2 = Z.
pub(super) type Axis = u8;

/// The two states, the CZ-ladder sign table, the per-gate (cos, sin) of half-angles and scratch.
#[derive(Clone, Debug, Default)]
pub(super) struct PairState {
    n: usize,
    re: Vec<f64>,
    im: Vec<f64>,
    sign: Vec<f64>,
    cs: Vec<(f64, f64)>,
    gates: Vec<Gate>,
    scales: Vec<f64>,
    tail: Vec<(f64, f64)>,
    /// Use the portable kernels even where AVX2 is available (to test them natively).
    pub(super) portable: bool,
}

/// One rotation with its larger half-angle factor taken out (see [`Gate::new`]).
#[derive(Clone, Copy, Debug)]
struct Gate {
    axis: Axis,
    /// False: R = cos·(1 − i·tan·P) form, `ratio` = tan; true: R = sin·(cot − i·P), `ratio` = cot.
    cot: bool,
    ratio: f64,
}

impl Gate {
    /// R_axis(θ) = f·M with f = cos(θ/2) or sin(θ/2), whichever is larger in magnitude, so that
    /// M's entries are 1 and a ratio of magnitude ≤ 1: each output of M is one multiply-add.
    /// Returns the gate and f.
    fn new(axis: Axis, c: f64, s: f64) -> (Gate, f64) {
        if c.abs() >= s.abs() {
            (
                Gate {
                    axis,
                    cot: false,
                    ratio: s / c,
                },
                c,
            )
        } else {
            (
                Gate {
                    axis,
                    cot: true,
                    ratio: c / s,
                },
                s,
            )
        }
    }
}

impl PairState {
    /// Resizes for `n` qubits (the sign table is rebuilt only when `n` changes).
    fn prepare(&mut self, n: usize) {
        let len = 2usize << n;
        if self.n != n || self.sign.len() != len {
            self.n = n;
            self.sign = (0..len)
                .map(|i| {
                    let basis = i >> 1;
                    if (basis & (basis >> 1)).count_ones() % 2 == 1 {
                        -1.0
                    } else {
                        1.0
                    }
                })
                .collect();
            self.re = vec![0.0; len];
            self.im = vec![0.0; len];
        }
    }

    /// ∂⟨Z0 Z1⟩/∂θ and ∂⟨P0⟩/∂θ for the angle of layer 0, wire 0 of the reference circuit on
    /// `n ≥ 2` qubits with `axes`/`angles` in layer-major order (`layers · n` of each).
    pub(super) fn gradients(&mut self, n: usize, axes: &[Axis], angles: &[f64]) -> [f64; 2] {
        self.prepare(n);
        self.cs.clear();
        self.cs.extend(angles.iter().map(|t| {
            let (s, c) = (t / 2.0).sin_cos();
            (c, s)
        }));
        self.init(n, &axes[..n]);
        self.gates.clear();
        self.scales.clear();
        for (layer_axes, layer_cs) in axes[n..].chunks_exact(n).zip(self.cs[n..].chunks_exact(n)) {
            let mut scale = 1.0;
            for (&axis, &(c, s)) in layer_axes.iter().zip(layer_cs) {
                let (g, f) = Gate::new(axis, c, s);
                self.gates.push(g);
                scale *= f;
            }
            self.scales.push(scale);
        }
        let (re, im) = (&mut self.re, &mut self.im);
        if self.portable {
            layers::<false>(re, im, &self.sign, n, &self.gates, &self.scales);
        } else {
            dispatch(re, im, &self.sign, n, &self.gates, &self.scales);
        }
        self.read(n)
    }

    /// The product state after RY(π/4) and layer 0's rotations on every wire, for |a⟩ and |b⟩.
    fn init(&mut self, n: usize, axes: &[Axis]) {
        let (s8, c8) = (PI / 8.0).sin_cos();
        // Per wire: the one-qubit state (re0, im0, re1, im1), wire 0 also with G applied.
        let mut wires: Vec<[f64; 4]> = Vec::with_capacity(n + 1);
        for (w, &axis) in axes.iter().enumerate() {
            let (c, s) = self.cs[w];
            let v = rotate(axis, c, s, [c8, 0.0, s8, 0.0]);
            wires.push(v);
            if w == 0 {
                wires.push(pauli(axis, v));
            }
        }
        // The wires 1..n as one product vector (wire 1 most significant), by doubling.
        self.tail.clear();
        self.tail.push((1.0, 0.0));
        for v in &wires[2..] {
            let len = self.tail.len();
            self.tail.extend_from_within(..);
            for j in (0..len).rev() {
                let (ar, ai) = self.tail[j];
                for bit in 0..2 {
                    let (vr, vi) = (v[2 * bit], v[2 * bit + 1]);
                    self.tail[2 * j + bit] = (ar * vr - ai * vi, ar * vi + ai * vr);
                }
            }
        }
        // Amplitude of (basis, s) = v0[bit of wire 0] · tail[rest], v0 = |a⟩'s or G|a⟩'s by s.
        let half = self.tail.len();
        for (i, (r, m)) in self.re.iter_mut().zip(self.im.iter_mut()).enumerate() {
            let v = wires[i & 1];
            let basis = i >> 1;
            let bit = basis / half;
            let (vr, vi) = (v[2 * bit], v[2 * bit + 1]);
            let (tr, ti) = self.tail[basis % half];
            *r = vr * tr - vi * ti;
            *m = vr * ti + vi * tr;
        }
        // Layer 0's CZ ladder.
        sign_pass(&mut self.re, &mut self.im, &self.sign, 1.0);
    }

    /// Im⟨a|O|b⟩ for O = Z0 Z1 and O = |0…0⟩⟨0…0| (= ∂C/∂θ, since the generator's factor is ½).
    fn read(&self, n: usize) -> [f64; 2] {
        let mut local = 0.0;
        for (k, (r, m)) in self
            .re
            .chunks_exact(2)
            .zip(self.im.chunks_exact(2))
            .enumerate()
        {
            let z = ((k >> (n - 1)) ^ (k >> (n - 2))) & 1;
            let v = r[0] * m[1] - m[0] * r[1];
            local += if z == 0 { v } else { -v };
        }
        let global = self.re[0] * self.im[1] - self.im[0] * self.re[1];
        [local, global]
    }
}

/// R_axis(θ)·v for a one-qubit state v = (re0, im0, re1, im1), with (c, s) = (cos θ/2, sin θ/2).
fn rotate(axis: Axis, c: f64, s: f64, v: [f64; 4]) -> [f64; 4] {
    let [xr, xi, yr, yi] = v;
    match axis {
        0 => [
            c * xr + s * yi,
            c * xi - s * yr,
            c * yr + s * xi,
            c * yi - s * xr,
        ],
        1 => [
            c * xr - s * yr,
            c * xi - s * yi,
            s * xr + c * yr,
            s * xi + c * yi,
        ],
        _ => [
            c * xr + s * xi,
            c * xi - s * xr,
            c * yr - s * yi,
            c * yi + s * yr,
        ],
    }
}

/// The Pauli X, Y or Z (by `axis`) applied to a one-qubit state.
fn pauli(axis: Axis, v: [f64; 4]) -> [f64; 4] {
    let [xr, xi, yr, yi] = v;
    match axis {
        0 => [yr, yi, xr, xi],
        // Y = [[0, −i], [i, 0]]: (x, y) → (−i·y, i·x)
        1 => [yi, -yr, -xi, xr],
        _ => [xr, xi, -yr, -yi],
    }
}

/// Runs layers 1.. (rotations, then the CZ ladder times the layer's factored-out scale), with
/// AVX2 + FMA code when the CPU has it.
fn dispatch(
    re: &mut [f64],
    im: &mut [f64],
    sign: &[f64],
    n: usize,
    gates: &[Gate],
    scales: &[f64],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            unsafe { layers_avx2(re, im, sign, n, gates, scales) };
            return;
        }
    }
    layers::<false>(re, im, sign, n, gates, scales)
}

/// [`layers`] compiled with AVX2 and fused multiply-add enabled.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn layers_avx2(
    re: &mut [f64],
    im: &mut [f64],
    sign: &[f64],
    n: usize,
    gates: &[Gate],
    scales: &[f64],
) {
    for (layer, &scale) in gates.chunks_exact(n).zip(scales) {
        // Wire w is bit t = n − w. Bits 1 and 2 (and bit 3 when it is left unpaired) one at a
        // time; the rest two adjacent bits per pass, which halves the loads and stores per gate.
        let low = if n % 2 == 0 { 2 } else { 1 };
        for t in 1..=low.min(n) {
            apply_one::<true>(re, im, t, &layer[n - t]);
        }
        let mut t = low + 2;
        while t <= n {
            // The last pass also multiplies by the CZ ladder's signs and the layer's scale.
            let fold = (t + 2 > n).then_some((sign, scale));
            // SAFETY: AVX2 and FMA are enabled here; `quad` checks its index bounds.
            unsafe { avx2::quad(re, im, t, &layer[n - t], &layer[n - t + 1], fold) };
            t += 2;
        }
        if n < low + 2 {
            sign_pass(re, im, sign, scale);
        }
    }
}

/// Explicit AVX2 + FMA kernels for two gates on adjacent bits in one pass.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::Gate;
    use std::arch::x86_64::*;

    /// One gate on four lanes of (re x, im x, re y, im y); `K` = 2·axis + (cot form), `r` the
    /// ratio broadcast, `nr` its negation. The same formulas as the portable kernels.
    #[inline(always)]
    unsafe fn kernel<const K: u8>(
        r: __m256d,
        nr: __m256d,
        a: __m256d,
        b: __m256d,
        p: __m256d,
        q: __m256d,
    ) -> (__m256d, __m256d, __m256d, __m256d) {
        match K {
            // RX tan: x' = x − i·tan·y, y' = y − i·tan·x
            0 => (
                _mm256_fmadd_pd(r, q, a),
                _mm256_fmadd_pd(nr, p, b),
                _mm256_fmadd_pd(r, b, p),
                _mm256_fmadd_pd(nr, a, q),
            ),
            // RX cot: x' = cot·x − i·y, y' = cot·y − i·x
            1 => (
                _mm256_fmadd_pd(r, a, q),
                _mm256_fmsub_pd(r, b, p),
                _mm256_fmadd_pd(r, p, b),
                _mm256_fmsub_pd(r, q, a),
            ),
            // RY tan: x' = x − tan·y, y' = y + tan·x
            2 => (
                _mm256_fmadd_pd(nr, p, a),
                _mm256_fmadd_pd(nr, q, b),
                _mm256_fmadd_pd(r, a, p),
                _mm256_fmadd_pd(r, b, q),
            ),
            // RY cot: x' = cot·x − y, y' = cot·y + x
            3 => (
                _mm256_fmsub_pd(r, a, p),
                _mm256_fmsub_pd(r, b, q),
                _mm256_fmadd_pd(r, p, a),
                _mm256_fmadd_pd(r, q, b),
            ),
            // RZ tan: x' = (1 − i·tan)·x, y' = (1 + i·tan)·y
            4 => (
                _mm256_fmadd_pd(r, b, a),
                _mm256_fmadd_pd(nr, a, b),
                _mm256_fmadd_pd(nr, q, p),
                _mm256_fmadd_pd(r, p, q),
            ),
            // RZ cot: x' = (cot − i)·x, y' = (cot + i)·y
            _ => (
                _mm256_fmadd_pd(r, a, b),
                _mm256_fmsub_pd(r, b, a),
                _mm256_fmsub_pd(r, p, q),
                _mm256_fmadd_pd(r, q, p),
            ),
        }
    }

    /// Gate `hi` on bit `t` and gate `lo` on bit `t − 1` of both arrays, `HI`/`LO` their
    /// kernel numbers.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn quad_k<const HI: u8, const LO: u8, const SIGN: bool>(
        re: &mut [f64],
        im: &mut [f64],
        t: usize,
        rh: f64,
        rl: f64,
        sign: &[f64],
        scale: f64,
    ) {
        let h = 1usize << (t - 1);
        let len = re.len();
        if h < 4 || im.len() != len || len % (4 * h) != 0 || (SIGN && sign.len() != len) {
            return;
        }
        let sc = _mm256_set1_pd(scale);
        let sp = sign.as_ptr();
        let (ph, nh) = (_mm256_set1_pd(rh), _mm256_set1_pd(-rh));
        let (pl, nl) = (_mm256_set1_pd(rl), _mm256_set1_pd(-rl));
        let (rp, mp) = (re.as_mut_ptr(), im.as_mut_ptr());
        let mut base = 0;
        while base < len {
            let mut k = 0;
            while k < h {
                // SAFETY: base + k + 3h + 3 < base + 4h ≤ len (k ≤ h − 4, len a multiple of 4h).
                let i0 = base + k;
                let (i1, i2, i3) = (i0 + h, i0 + 2 * h, i0 + 3 * h);
                let (v0, v1) = (_mm256_loadu_pd(rp.add(i0)), _mm256_loadu_pd(rp.add(i1)));
                let (v2, v3) = (_mm256_loadu_pd(rp.add(i2)), _mm256_loadu_pd(rp.add(i3)));
                let (u0, u1) = (_mm256_loadu_pd(mp.add(i0)), _mm256_loadu_pd(mp.add(i1)));
                let (u2, u3) = (_mm256_loadu_pd(mp.add(i2)), _mm256_loadu_pd(mp.add(i3)));
                // Bit t − 1 pairs (0, 1) and (2, 3); then bit t pairs (0, 2) and (1, 3).
                let (v0, u0, v1, u1) = kernel::<LO>(pl, nl, v0, u0, v1, u1);
                let (v2, u2, v3, u3) = kernel::<LO>(pl, nl, v2, u2, v3, u3);
                let (v0, u0, v2, u2) = kernel::<HI>(ph, nh, v0, u0, v2, u2);
                let (v1, u1, v3, u3) = kernel::<HI>(ph, nh, v1, u1, v3, u3);
                let (v0, u0, v1, u1, v2, u2, v3, u3) = if SIGN {
                    let s0 = _mm256_mul_pd(sc, _mm256_loadu_pd(sp.add(i0)));
                    let s1 = _mm256_mul_pd(sc, _mm256_loadu_pd(sp.add(i1)));
                    let s2 = _mm256_mul_pd(sc, _mm256_loadu_pd(sp.add(i2)));
                    let s3 = _mm256_mul_pd(sc, _mm256_loadu_pd(sp.add(i3)));
                    (
                        _mm256_mul_pd(v0, s0),
                        _mm256_mul_pd(u0, s0),
                        _mm256_mul_pd(v1, s1),
                        _mm256_mul_pd(u1, s1),
                        _mm256_mul_pd(v2, s2),
                        _mm256_mul_pd(u2, s2),
                        _mm256_mul_pd(v3, s3),
                        _mm256_mul_pd(u3, s3),
                    )
                } else {
                    (v0, u0, v1, u1, v2, u2, v3, u3)
                };
                _mm256_storeu_pd(rp.add(i0), v0);
                _mm256_storeu_pd(rp.add(i1), v1);
                _mm256_storeu_pd(rp.add(i2), v2);
                _mm256_storeu_pd(rp.add(i3), v3);
                _mm256_storeu_pd(mp.add(i0), u0);
                _mm256_storeu_pd(mp.add(i1), u1);
                _mm256_storeu_pd(mp.add(i2), u2);
                _mm256_storeu_pd(mp.add(i3), u3);
                k += 4;
            }
            base += 4 * h;
        }
    }

    /// The kernel number of a gate.
    fn id(g: &Gate) -> u8 {
        2 * g.axis.min(2) + u8::from(g.cot)
    }

    /// Binds the const `$K` to kernel number `$k` (0…5) around `$body`.
    macro_rules! by_kernel {
        ($k:expr, $K:ident => $body:expr) => {
            match $k {
                0 => {
                    const $K: u8 = 0;
                    $body
                }
                1 => {
                    const $K: u8 = 1;
                    $body
                }
                2 => {
                    const $K: u8 = 2;
                    $body
                }
                3 => {
                    const $K: u8 = 3;
                    $body
                }
                4 => {
                    const $K: u8 = 4;
                    $body
                }
                _ => {
                    const $K: u8 = 5;
                    $body
                }
            }
        };
    }

    /// Gate `hi` on bit `t ≥ 3` and gate `lo` on bit `t − 1` in one pass (nothing happens if
    /// the arrays do not fit).
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn quad(
        re: &mut [f64],
        im: &mut [f64],
        t: usize,
        hi: &Gate,
        lo: &Gate,
        fold: Option<(&[f64], f64)>,
    ) {
        let (rh, rl) = (hi.ratio, lo.ratio);
        match fold {
            Some((sign, scale)) => by_kernel!(id(hi), HI => by_kernel!(id(lo), LO =>
                quad_k::<HI, LO, true>(re, im, t, rh, rl, sign, scale))),
            None => by_kernel!(id(hi), HI => by_kernel!(id(lo), LO =>
                quad_k::<HI, LO, false>(re, im, t, rh, rl, &[], 1.0))),
        }
    }
}

/// Four lanes of one of the four arrays a pass reads (re/im of the pair's two amplitudes).
type Lane = [f64; 4];

/// a·b + c, fused when `FMA` (only where the CPU has it: elsewhere `mul_add` is a slow call).
#[inline(always)]
fn madd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// Lane-wise `own + r·other`.
#[inline(always)]
fn plus<const FMA: bool>(own: Lane, r: f64, other: Lane) -> Lane {
    [0, 1, 2, 3].map(|k| madd::<FMA>(r, other[k], own[k]))
}

/// Lane-wise `q·own + other`.
#[inline(always)]
fn scaled_plus<const FMA: bool>(q: f64, own: Lane, other: Lane) -> Lane {
    [0, 1, 2, 3].map(|k| madd::<FMA>(q, own[k], other[k]))
}

/// Lane-wise `q·own − other`.
#[inline(always)]
fn scaled_minus<const FMA: bool>(q: f64, own: Lane, other: Lane) -> Lane {
    [0, 1, 2, 3].map(|k| madd::<FMA>(q, own[k], -other[k]))
}

/// Applies gate `g` to bit `t` of both states (portable kernels; vectorised by the compiler).
#[inline(always)]
fn apply_one<const FMA: bool>(re: &mut [f64], im: &mut [f64], t: usize, g: &Gate) {
    let r = g.ratio;
    // (x, y) = the amplitudes with bit t clear / set; (a, b) = re/im of x, (p, q) of y.
    // Each gate is applied divided by its factor f (cos or sin of θ/2); the layer's
    // product of factors is multiplied back in by the sign pass.
    match (g.axis, g.cot) {
        // RX/cos: x' = x − i·tan·y, y' = y − i·tan·x
        (0, false) => pass(re, im, t, move |a, b, p, q| {
            (
                plus::<FMA>(a, r, q),
                plus::<FMA>(b, -r, p),
                plus::<FMA>(p, r, b),
                plus::<FMA>(q, -r, a),
            )
        }),
        // RX/sin: x' = cot·x − i·y, y' = cot·y − i·x
        (0, true) => pass(re, im, t, move |a, b, p, q| {
            (
                scaled_plus::<FMA>(r, a, q),
                scaled_minus::<FMA>(r, b, p),
                scaled_plus::<FMA>(r, p, b),
                scaled_minus::<FMA>(r, q, a),
            )
        }),
        // RY/cos: x' = x − tan·y, y' = y + tan·x
        (1, false) => pass(re, im, t, move |a, b, p, q| {
            (
                plus::<FMA>(a, -r, p),
                plus::<FMA>(b, -r, q),
                plus::<FMA>(p, r, a),
                plus::<FMA>(q, r, b),
            )
        }),
        // RY/sin: x' = cot·x − y, y' = cot·y + x
        (1, true) => pass(re, im, t, move |a, b, p, q| {
            (
                scaled_minus::<FMA>(r, a, p),
                scaled_minus::<FMA>(r, b, q),
                scaled_plus::<FMA>(r, p, a),
                scaled_plus::<FMA>(r, q, b),
            )
        }),
        // RZ/cos: x' = (1 − i·tan)·x, y' = (1 + i·tan)·y
        (_, false) => pass(re, im, t, move |a, b, p, q| {
            (
                plus::<FMA>(a, r, b),
                plus::<FMA>(b, -r, a),
                plus::<FMA>(p, -r, q),
                plus::<FMA>(q, r, p),
            )
        }),
        // RZ/sin: x' = (cot − i)·x, y' = (cot + i)·y
        (_, true) => pass(re, im, t, move |a, b, p, q| {
            (
                scaled_plus::<FMA>(r, a, b),
                scaled_minus::<FMA>(r, b, a),
                scaled_minus::<FMA>(r, p, q),
                scaled_plus::<FMA>(r, q, p),
            )
        }),
    }
}

#[inline(always)]
fn layers<const FMA: bool>(
    re: &mut [f64],
    im: &mut [f64],
    sign: &[f64],
    n: usize,
    gates: &[Gate],
    scales: &[f64],
) {
    for (layer, &scale) in gates.chunks_exact(n).zip(scales) {
        for (w, g) in layer.iter().enumerate() {
            apply_one::<FMA>(re, im, n - w, g);
        }
        sign_pass(re, im, sign, scale);
    }
}

/// Applies `f(re_x, im_x, re_y, im_y) -> (re_x', im_x', re_y', im_y')`, four pairs at a time, to
/// every pair (x, y) of amplitudes differing in bit `t ≥ 1`.
#[inline(always)]
fn pass(
    re: &mut [f64],
    im: &mut [f64],
    t: usize,
    f: impl Fn(Lane, Lane, Lane, Lane) -> (Lane, Lane, Lane, Lane) + Copy,
) {
    let h = 1usize << t;
    if h == 2 {
        // Runs of two: gather [x0 x1 y0 y1 x2 x3 y2 y3] into four-lane x and y groups.
        for (r, m) in re.chunks_exact_mut(8).zip(im.chunks_exact_mut(8)) {
            let xs = |v: &[f64]| [v[0], v[1], v[4], v[5]];
            let ys = |v: &[f64]| [v[2], v[3], v[6], v[7]];
            let (a, b, p, q) = f(xs(r), xs(m), ys(r), ys(m));
            for (v, x, y) in [(&mut *r, a, p), (&mut *m, b, q)] {
                v.copy_from_slice(&[x[0], x[1], y[0], y[1], x[2], x[3], y[2], y[3]]);
            }
        }
        return;
    }
    // Runs of four or more: fixed groups of four lanes (one 256-bit operation each).
    for (r, m) in re.chunks_exact_mut(2 * h).zip(im.chunks_exact_mut(2 * h)) {
        let (r0, r1) = r.split_at_mut(h);
        let (m0, m1) = m.split_at_mut(h);
        let groups = r0
            .chunks_exact_mut(4)
            .zip(r1.chunks_exact_mut(4))
            .zip(m0.chunks_exact_mut(4).zip(m1.chunks_exact_mut(4)));
        for ((xr, yr), (xi, yi)) in groups {
            let lane = |v: &[f64]| [v[0], v[1], v[2], v[3]];
            let (a, b, p, q) = f(lane(xr), lane(xi), lane(yr), lane(yi));
            xr.copy_from_slice(&a);
            xi.copy_from_slice(&b);
            yr.copy_from_slice(&p);
            yi.copy_from_slice(&q);
        }
    }
}

/// Multiplies every amplitude by its CZ-ladder sign times `scale`.
#[inline(always)]
fn sign_pass(re: &mut [f64], im: &mut [f64], sign: &[f64], scale: f64) {
    for ((r, m), s) in re.iter_mut().zip(im.iter_mut()).zip(sign) {
        let f = s * scale;
        *r *= f;
        *m *= f;
    }
}
