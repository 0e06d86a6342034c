//! The backward-pass scheduler shared by the density-matrix and the trajectory gradients.
//!
//! An adjoint backward pass walks the steps of a circuit from the last to the first and needs
//! the state just after each step. Gates are undone exactly (apply the inverse); a *barrier*
//! step — a channel, which has no inverse — cannot be, so the state just before it must come
//! from memory. [`Tape::run`] stores the state before every barrier when `slots` allow it (one
//! forward pass, the common case); with fewer slots it stores evenly spaced checkpoints and
//! recomputes the state before each other barrier from the nearest earlier checkpoint (or from
//! the initial state), trading time for memory. The result is identical either way.

use super::SimError;

/// A circuit as the scheduler sees it: steps on a state buffer, forward and backward.
pub(crate) trait Replay {
    /// The state buffer (a density matrix, a statevector).
    type Buf;
    /// Number of steps.
    fn n_steps(&self) -> usize;
    /// True when step `k` cannot be undone: the backward pass needs the state before it.
    fn barrier(&self, k: usize) -> bool;
    /// A new buffer of the right size.
    fn alloc(&self) -> Result<Self::Buf, SimError>;
    /// Sets `b` to the initial state.
    fn init(&self, b: &mut Self::Buf);
    /// Copies `src` into `dst`.
    fn copy(&self, dst: &mut Self::Buf, src: &Self::Buf);
    /// Applies step `k` to `b` (the same result every time it is called for the same input).
    fn step(&mut self, b: &mut Self::Buf, k: usize);
    /// Sets `dst` to step `k` applied to `src`, whatever `dst` held (its size included): the
    /// same result as copying `src` into `dst`, then [`step`](Replay::step). An engine with an
    /// out-of-place kernel overrides it to save the copy.
    fn step_into(&mut self, src: &Self::Buf, dst: &mut Self::Buf, k: usize) {
        self.copy(dst, src);
        self.step(dst, k);
    }
    /// Called once with the final state, before the backward walk.
    fn start_back(&mut self, end: &Self::Buf);
    /// Backward through a non-barrier step `k`: `b` holds the state after it and must be left
    /// holding the state before it.
    fn back(&mut self, b: &mut Self::Buf, k: usize);
    /// Backward through a barrier step `k`; the scheduler has just restored `before`, the state
    /// before the step.
    fn back_barrier(&mut self, before: &Self::Buf, k: usize);
}

/// Snapshot storage, reused across runs.
pub(crate) struct Tape<B> {
    pool: Vec<B>,
}

impl<B> Tape<B> {
    /// An empty tape.
    pub(crate) fn new() -> Tape<B> {
        Tape { pool: Vec::new() }
    }

    /// The first stored buffer, if any (to tell its size).
    pub(crate) fn first(&self) -> Option<&B> {
        self.pool.first()
    }

    /// Forward through every step from the initial state (in `phi`), then backward, storing
    /// at most `slots` states besides `phi`.
    pub(crate) fn run<R: Replay<Buf = B>>(
        &mut self,
        r: &mut R,
        phi: &mut B,
        slots: usize,
    ) -> Result<(), SimError> {
        let n = r.n_steps();
        let mut barriers: Vec<usize> = Vec::with_capacity(n);
        barriers.extend((0..n).filter(|&k| r.barrier(k)));
        let c = barriers.len();
        let m = slots.min(c);
        // slot_of[j]: the pool slot holding the state before barrier j, if stored.
        let mut slot_of: Vec<Option<usize>> = vec![None; c];
        if m == c {
            for (j, s) in slot_of.iter_mut().enumerate() {
                *s = Some(j);
            }
        } else {
            // c > m: m checkpoints at distinct barriers j = ⌊(i+1)·c/(m+1)⌋ ≥ 1.
            for i in 0..m {
                slot_of[(i + 1) * c / (m + 1)] = Some(i);
            }
        }
        while self.pool.len() < m {
            self.pool.push(r.alloc()?);
        }
        r.init(phi);
        let mut j = 0;
        for k in 0..n {
            if j < c && barriers[j] == k {
                j += 1;
                if let Some(s) = slot_of[j - 1] {
                    // The state before the barrier moves into its slot (a swap, no copy) and
                    // the step writes the state after it into the buffer it got back.
                    std::mem::swap(&mut self.pool[s], phi);
                    r.step_into(&self.pool[s], phi, k);
                    continue;
                }
            }
            r.step(phi, k);
        }
        r.start_back(phi);
        let mut j = c;
        // A restored state is read from its slot in place; it is copied into `phi` only when
        // a later (earlier-in-circuit) non-barrier step needs to undo it.
        let mut pending: Option<usize> = None;
        for k in (0..n).rev() {
            if j > 0 && barriers[j - 1] == k {
                j -= 1;
                match slot_of[j] {
                    Some(s) => {
                        r.back_barrier(&self.pool[s], k);
                        pending = Some(s);
                        continue;
                    }
                    None => {
                        // Recompute from the nearest earlier checkpoint, or from the start.
                        let from = (0..j).rev().find_map(|jj| slot_of[jj].map(|s| (jj, s)));
                        let start = match from {
                            Some((jj, s)) => {
                                r.copy(phi, &self.pool[s]);
                                barriers[jj]
                            }
                            None => {
                                r.init(phi);
                                0
                            }
                        };
                        for kk in start..barriers[j] {
                            r.step(phi, kk);
                        }
                        pending = None;
                    }
                }
                r.back_barrier(phi, k);
            } else {
                if let Some(s) = pending.take() {
                    r.copy(phi, &self.pool[s]);
                }
                r.back(phi, k);
            }
        }
        if let Some(s) = pending {
            r.copy(phi, &self.pool[s]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy replay on integers: step k adds k+1 (barriers multiply by 2, not undoable); the
    /// backward pass records the state it sees before every step (undone, or restored for a
    /// barrier), which must be the forward one.
    struct Toy {
        barriers: Vec<bool>,
        seen: Vec<(usize, i64)>,
        steps_run: usize,
    }

    impl Replay for Toy {
        type Buf = i64;
        fn n_steps(&self) -> usize {
            self.barriers.len()
        }
        fn barrier(&self, k: usize) -> bool {
            self.barriers[k]
        }
        fn alloc(&self) -> Result<i64, SimError> {
            Ok(0)
        }
        fn init(&self, b: &mut i64) {
            *b = 1;
        }
        fn copy(&self, dst: &mut i64, src: &i64) {
            *dst = *src;
        }
        fn step(&mut self, b: &mut i64, k: usize) {
            self.steps_run += 1;
            if self.barriers[k] {
                *b *= 2;
            } else {
                *b += k as i64 + 1;
            }
        }
        fn start_back(&mut self, _end: &i64) {}
        fn back(&mut self, b: &mut i64, k: usize) {
            *b -= k as i64 + 1;
            self.seen.push((k, *b));
        }
        fn back_barrier(&mut self, before: &i64, k: usize) {
            self.seen.push((k, *before));
        }
    }

    #[test]
    fn every_slot_count_reproduces_the_forward_states() {
        let pattern: Vec<bool> = (0..23).map(|k| k % 3 == 1 || k % 7 == 6).collect();
        // The states before each step, forward.
        let mut want = Vec::new();
        let mut x = 1i64;
        for (k, &b) in pattern.iter().enumerate() {
            want.push(x);
            x = if b { x * 2 } else { x + k as i64 + 1 };
        }
        let c = pattern.iter().filter(|&&b| b).count();
        let mut forward_only = 0;
        for slots in [0, 1, 2, 3, 5, c - 1, c, c + 10] {
            let mut toy = Toy {
                barriers: pattern.clone(),
                seen: Vec::new(),
                steps_run: 0,
            };
            let mut tape = Tape::new();
            let mut phi = 0;
            tape.run(&mut toy, &mut phi, slots).unwrap();
            assert_eq!(toy.seen.len(), pattern.len());
            for (k, v) in toy.seen {
                assert_eq!(v, want[k], "slots {slots}, step {k}");
            }
            assert_eq!(phi, 1, "slots {slots}: back to the initial state");
            if slots >= c {
                forward_only = toy.steps_run;
            } else {
                assert!(toy.steps_run > pattern.len(), "slots {slots} recomputes");
            }
        }
        assert_eq!(
            forward_only,
            pattern.len(),
            "enough slots: one forward pass"
        );
    }
}
