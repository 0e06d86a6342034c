//! Reading a state out: probabilities, marginals, Bloch vectors, purity and seeded shot sampling.

use super::{SimError, State};
use crate::rng::Rng;

impl State {
    /// |ψᵢ|² for every basis state.
    pub fn probabilities(&self) -> Vec<f64> {
        self.amplitudes().iter().map(|a| a.norm_sqr()).collect()
    }

    /// Probabilities of the basis states of `wires` (first wire most significant). Wires out of
    /// range or repeated give an empty vector (see [`State::try_marginal_probabilities`]).
    pub fn marginal_probabilities(&self, wires: &[usize]) -> Vec<f64> {
        self.try_marginal_probabilities(wires).unwrap_or_default()
    }

    /// Like [`State::marginal_probabilities`], with an error for bad wires.
    pub fn try_marginal_probabilities(&self, wires: &[usize]) -> Result<Vec<f64>, SimError> {
        let n = self.n_qubits();
        for (k, &w) in wires.iter().enumerate() {
            if w >= n {
                return Err(SimError::new(format!(
                    "wire {w} is out of range for a {n}-qubit state"
                )));
            }
            if wires[..k].contains(&w) {
                return Err(SimError::new(format!(
                    "wire {w} is listed twice for marginal probabilities"
                )));
            }
        }
        let m = wires.len();
        let mut out = vec![0.0; 1usize << m];
        // Fast path: all wires in natural order means a contiguous prefix of the index.
        if wires.iter().enumerate().all(|(k, &w)| k == w) {
            let block = 1usize << (n - m);
            for (o, chunk) in out.iter_mut().zip(self.amplitudes().chunks_exact(block)) {
                *o = chunk.iter().map(|a| a.norm_sqr()).sum();
            }
            return Ok(out);
        }
        let shifts: Vec<usize> = wires.iter().map(|&w| n - 1 - w).collect();
        for (i, a) in self.amplitudes().iter().enumerate() {
            let mut j = 0;
            for &s in &shifts {
                j = (j << 1) | ((i >> s) & 1);
            }
            out[j] += a.norm_sqr();
        }
        Ok(out)
    }

    /// The reduced Bloch vector (⟨X⟩, ⟨Y⟩, ⟨Z⟩) of `wire` (NaNs if the wire is out of range).
    pub fn bloch(&self, wire: usize) -> [f64; 3] {
        let n = self.n_qubits();
        if wire >= n {
            return [f64::NAN; 3];
        }
        let t = n - 1 - wire;
        let s = 1usize << t;
        let (mut x, mut y, mut z) = (0.0, 0.0, 0.0);
        for chunk in self.amplitudes().chunks_exact(2 * s) {
            let (lo, hi) = chunk.split_at(s);
            for (a, b) in lo.iter().zip(hi) {
                let c = a.conj() * b;
                x += c.re;
                y += c.im;
                z += a.norm_sqr() - b.norm_sqr();
            }
        }
        [2.0 * x, 2.0 * y, z]
    }

    /// Purity Tr ρ² of the reduced state of `wire`, (1 + |r|²)/2.
    pub fn purity(&self, wire: usize) -> f64 {
        let [x, y, z] = self.bloch(wire);
        (1.0 + x * x + y * y + z * z) / 2.0
    }

    /// `shots` basis-state indices drawn from the probabilities (normalised on the fly).
    ///
    /// O(2ⁿ + shots·n): a cumulative table, then a binary search per shot. A zero state (all
    /// amplitudes 0) gives no samples.
    pub fn sample(&self, shots: usize, rng: &mut Rng) -> Vec<usize> {
        let mut cum = Vec::with_capacity(self.amplitudes().len());
        let mut total = 0.0;
        for a in self.amplitudes() {
            total += a.norm_sqr();
            cum.push(total);
        }
        if total <= 0.0 || !total.is_finite() || shots == 0 {
            return Vec::new();
        }
        // The last index with non-zero probability, to clamp rounding at the top end.
        let last = cum.iter().rposition(|&c| c < total).map_or(0, |i| i + 1);
        (0..shots)
            .map(|_| {
                let u = rng.uniform() * total;
                cum.partition_point(|&c| c <= u).min(last)
            })
            .collect()
    }

    /// `shots` samples as sorted `(index, count)` pairs, indices with no hits left out.
    pub fn sample_counts(&self, shots: usize, rng: &mut Rng) -> Vec<(usize, usize)> {
        let mut s = self.sample(shots, rng);
        s.sort_unstable();
        let mut out: Vec<(usize, usize)> = Vec::new();
        for i in s {
            match out.last_mut() {
                Some((j, c)) if *j == i => *c += 1,
                _ => out.push((i, 1)),
            }
        }
        out
    }
}
