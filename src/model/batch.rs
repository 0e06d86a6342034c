//! Many points at once: the batched loss and gradient of a minibatch, and the decision grid.
//!
//! Circuits the compiled program can batch (one-wire gates and CNOTs, see
//! [`Program::forward_batch`](crate::circuit::Program::forward_batch)) run every point of a chunk
//! through the forward and the adjoint pass together, in chunks whose states fit in cache;
//! other circuits and shot mode go point by point with the same results. Noisy models on the
//! density matrix hand the engine every point's circuit of a chunk at once (it runs circuits
//! of one shape side by side); on trajectories they go point by point.

use super::{GridSpace, Model, PointTape, Prediction};
use crate::data::Point;

/// Points per batch under noise (their circuits kept at once): a few of the density engine's
/// side-by-side chunks.
const NOISY_CHUNK: usize = 32;

impl Model {
    /// The summed loss over the points `xs` with `labels`, adding the summed ∂loss/∂param into
    /// `grad` (`grad.len() >= n_params()`): a batch of [`Model::loss_and_grad`] calls.
    pub fn loss_and_grad_batch(
        &mut self,
        xs: &[&[f64]],
        labels: &[usize],
        grad: &mut [f64],
    ) -> f64 {
        let n = xs.len().min(labels.len());
        if self.noisy_batches() {
            // Each point's loss as one at a time gives it, summed in the same order.
            let mut losses = Vec::with_capacity(n);
            for (x, l) in xs[..n]
                .chunks(NOISY_CHUNK)
                .zip(labels[..n].chunks(NOISY_CHUNK))
            {
                self.noisy_loss_and_grad(x, l, grad, &mut losses);
            }
            return losses.into_iter().sum();
        }
        if self.shots.is_some() || self.is_noisy() || !self.program.batchable() || n == 0 {
            return xs
                .iter()
                .zip(labels)
                .map(|(&x, &label)| self.loss_and_grad(x, label, grad))
                .sum();
        }
        // Chunks of at most 65536 amplitudes per batch of states (a few MB), 8 to 256 points:
        // larger batches amortise each gate's set-up over more points.
        let cap = (65536usize >> self.program.n_qubits().min(16)).clamp(8, 256);
        let chunks = n.div_ceil(cap);
        let size = n.div_ceil(chunks);
        xs[..n]
            .chunks(size)
            .zip(labels[..n].chunks(size))
            .map(|(x, l)| self.batch_loss_and_grad(x, l, grad))
            .sum()
    }

    /// The mean loss and accuracy over points (0, 0 when empty), evaluated in batches where
    /// the circuit allows (exact mode); point by point otherwise, with the same results.
    pub fn evaluate(&mut self, pts: &[Point]) -> (f64, f64) {
        if pts.is_empty() {
            return (0.0, 0.0);
        }
        let (mut loss, mut correct) = (0.0, 0usize);
        self.each_output(pts, |m, o, label| {
            loss += m.output.loss_of(o, label);
            if m.output.predict(o).class == label {
                correct += 1;
            }
        });
        (loss / pts.len() as f64, correct as f64 / pts.len() as f64)
    }

    /// The predicted class of every point, batched like [`Model::evaluate`] (a confusion
    /// matrix's column indices).
    pub fn predict_classes(&mut self, pts: &[Point]) -> Vec<usize> {
        let mut out = Vec::with_capacity(pts.len());
        self.each_output(pts, |m, o, _| out.push(m.output.predict(o).class));
        out
    }

    /// Calls `f(model, outputs, label)` for every point in order, running the circuit in
    /// batches where it allows (exact mode), point by point otherwise.
    fn each_output(&mut self, pts: &[Point], mut f: impl FnMut(&Model, &[f64], usize)) {
        if self.noisy_batches() {
            for chunk in pts.chunks(NOISY_CHUNK) {
                self.bind_batch(
                    chunk.len(),
                    |p, x| {
                        x.clear();
                        x.extend_from_slice(&chunk[p].x);
                    },
                    false,
                );
                let reads = self.noisy_readouts(chunk.len());
                for (point, r) in chunk.iter().zip(reads) {
                    self.noisy_outputs(r);
                    let o = std::mem::take(&mut self.output.o);
                    f(self, &o, point.label);
                    self.output.o = o;
                }
            }
            return;
        }
        if self.shots.is_some() || self.is_noisy() || !self.program.batchable() {
            for p in pts {
                let o = self.forward(&p.x);
                f(self, &o, p.label);
            }
            return;
        }
        let cap = (65536usize >> self.program.n_qubits().min(16)).clamp(8, 256);
        for chunk in pts.chunks(cap) {
            let b = chunk.len();
            self.bind_batch(
                b,
                |p, x| {
                    x.clear();
                    x.extend_from_slice(&chunk[p].x);
                },
                false,
            );
            let angles = std::mem::take(&mut self.batch_angles);
            let ok = self.program.forward_batch(&angles, b);
            self.batch_angles = angles;
            for (p, point) in chunk.iter().enumerate() {
                if ok {
                    self.program.batch_state(p, &mut self.state);
                    let mut r = std::mem::take(&mut self.r);
                    self.readout.exact(&self.state, &mut r);
                    self.output.forward(&self.params, &r);
                    self.r = r;
                } else {
                    self.run_at(&point.x);
                }
                let o = std::mem::take(&mut self.output.o);
                f(self, &o, point.label);
                self.output.o = o;
            }
        }
    }

    /// Whether points run through the noisy engine in batches: a noisy model, exact, on the
    /// density matrix (whose numbers do not depend on the order of its calls).
    fn noisy_batches(&self) -> bool {
        self.shots.is_none() && self.is_noisy() && self.noise.as_ref().is_some_and(|n| n.batches())
    }

    /// The readouts of the `b` points bound by [`Model::bind_batch`] under noise (`None` where
    /// the engine refuses one), their circuits kept for [`Model::noisy_loss_and_grad`].
    fn noisy_readouts(&mut self, b: usize) -> Vec<Option<Vec<f64>>> {
        let Model {
            noise,
            program,
            batch_angles,
            ..
        } = self;
        match noise.as_mut() {
            Some(n) => n.readouts_at(program, batch_angles, b),
            None => vec![None; b],
        }
    }

    /// Sets `self.r` to a point's readouts (NaN where the engine refused it, as
    /// [`Model::readouts_now`] does) and the head's outputs from them.
    fn noisy_outputs(&mut self, reads: Option<Vec<f64>>) {
        let mut r = std::mem::take(&mut self.r);
        r.clear();
        match reads {
            Some(v) => r.extend_from_slice(&v),
            None => r.resize(self.output.n_reads, f64::NAN),
        }
        self.output.forward(&self.params, &r);
        self.r = r;
    }

    /// One chunk of [`Model::loss_and_grad_batch`] under noise ([`Model::noisy_batches`]):
    /// each point's loss pushed onto `losses` and its gradient added into `grad`, the numbers
    /// of [`Model::loss_and_grad`] point by point, the circuit's forward passes and adjoint
    /// passes run by the engine several points at a time. (The head's and the input side's
    /// numbers are disjoint: adding every point's head gradient before the input sides' keeps
    /// each number's sum in point order.)
    fn noisy_loss_and_grad(
        &mut self,
        xs: &[&[f64]],
        labels: &[usize],
        grad: &mut [f64],
        losses: &mut Vec<f64>,
    ) {
        let b = xs.len().min(labels.len());
        self.bind_batch(
            b,
            |p, x| {
                x.clear();
                x.extend_from_slice(xs[p]);
            },
            false,
        );
        let reads = self.noisy_readouts(b);
        let mut weights = Vec::with_capacity(b);
        for (r, &label) in reads.into_iter().zip(labels) {
            self.noisy_outputs(r);
            losses.push(self.output.loss(label));
            let mut dl_dr = std::mem::take(&mut self.dl_dr);
            self.output
                .backward(&self.params, &self.r, grad, &mut dl_dr);
            weights.push(dl_dr.clone());
            self.dl_dr = dl_dr;
        }
        let grads = match self.noise.as_mut() {
            Some(n) => n.gradients_pooled(&weights),
            None => vec![None; b],
        };
        let Model {
            noise,
            inputs,
            params,
            batch_tapes,
            angle_grad,
            dfv,
            ..
        } = self;
        for (g, tape) in grads.iter().zip(batch_tapes.iter_mut()) {
            angle_grad.iter_mut().for_each(|a| *a = 0.0);
            match (g, noise.as_ref()) {
                (Some(g), Some(n)) => n.add_angle_grad(g, angle_grad),
                _ => angle_grad.iter_mut().for_each(|a| *a = f64::NAN),
            }
            inputs.backward(params, tape, |k| angle_grad[k], grad, dfv);
        }
    }

    /// Runs the input side of every point into `batch_tapes` and their angles into
    /// `batch_angles` (row-major, one row of `n_angles` per point).
    fn bind_batch(&mut self, points: usize, raw: impl Fn(usize, &mut Vec<f64>), pre: bool) {
        let na = self.program.n_angles();
        let Model {
            inputs,
            params,
            batch_angles,
            batch_tapes,
            ..
        } = self;
        batch_angles.clear();
        batch_angles.resize(points * na, 0.0);
        if batch_tapes.len() < points {
            batch_tapes.resize_with(points, PointTape::default);
        }
        let mut x = Vec::new();
        for p in 0..points {
            raw(p, &mut x);
            let tape = &mut batch_tapes[p];
            if pre {
                inputs.forward_preprocessed(params, &x, tape);
            } else {
                inputs.forward(params, &x, tape);
            }
            inputs.angles(params, &tape.fv, &mut batch_angles[p * na..(p + 1) * na]);
        }
    }

    /// One chunk of [`Model::loss_and_grad_batch`] (exact mode, batchable circuit).
    fn batch_loss_and_grad(&mut self, xs: &[&[f64]], labels: &[usize], grad: &mut [f64]) -> f64 {
        let b = xs.len();
        self.bind_batch(
            b,
            |p, x| {
                x.clear();
                x.extend_from_slice(xs[p]);
            },
            false,
        );
        let angles = std::mem::take(&mut self.batch_angles);
        let ok = self.program.forward_batch_for_gradient(&angles, b);
        self.batch_angles = angles;
        if !ok {
            return xs
                .iter()
                .zip(labels)
                .map(|(&x, &label)| self.loss_and_grad(x, label, grad))
                .sum();
        }
        let n_q = self.program.n_qubits();
        let mut total = 0.0;
        if let Some(masks) = self.z_masks.take() {
            // Z strings only: readouts and λ_p = (Σ_j w_j Z-string_j)|ψ_p⟩ straight from the
            // batch's states (the observable is diagonal).
            let (mut r, mut dl_dr, mut diag) = (
                std::mem::take(&mut self.r),
                std::mem::take(&mut self.dl_dr),
                std::mem::take(&mut self.diag),
            );
            diag.resize(1 << n_q, 0.0);
            for (p, &label) in labels.iter().enumerate() {
                self.program.batch_z_expvals(p, &masks, &mut r);
                self.output.forward(&self.params, &r);
                total += self.output.loss(label);
                self.output.backward(&self.params, &r, grad, &mut dl_dr);
                masks.diagonal(&dl_dr, &mut diag);
                self.program.set_batch_adjoint_diagonal(p, &diag);
            }
            (self.r, self.dl_dr, self.diag) = (r, dl_dr, diag);
            self.z_masks = Some(masks);
        } else {
            self.batch_adjoints_general(labels, grad, &mut total);
        }
        self.batch_backward_inputs(b, grad);
        total
    }

    /// Every point's readouts, loss and adjoint state for any readout (through a copy of its
    /// state), adding the output side's gradient into `grad` and the loss into `total`.
    fn batch_adjoints_general(&mut self, labels: &[usize], grad: &mut [f64], total: &mut f64) {
        let n_q = self.program.n_qubits();
        for (p, &label) in labels.iter().enumerate() {
            self.program.batch_state(p, &mut self.state);
            let mut r = std::mem::take(&mut self.r);
            self.readout.exact(&self.state, &mut r);
            self.output.forward(&self.params, &r);
            *total += self.output.loss(label);
            let mut dl_dr = std::mem::take(&mut self.dl_dr);
            self.output.backward(&self.params, &r, grad, &mut dl_dr);
            self.readout.set_weights(&mut self.weighted, &dl_dr, n_q);
            self.state
                .apply_observable(&self.weighted, &mut self.lambda);
            self.program.set_batch_adjoint(p, &self.lambda);
            self.r = r;
            self.dl_dr = dl_dr;
        }
    }

    /// The batch's adjoint pass, then through the bindings (and the pre-net), point by point.
    fn batch_backward_inputs(&mut self, b: usize, grad: &mut [f64]) {
        let Model {
            program,
            inputs,
            params,
            batch_tapes,
            dfv,
            ..
        } = self;
        let na = program.n_angles();
        let agrad = program.backward_batch();
        if agrad.len() == na * b {
            for (p, tape) in batch_tapes.iter_mut().enumerate().take(b) {
                inputs.backward(params, tape, |k| agrad[k * b + p], grad, dfv);
            }
        }
    }

    /// The mean loss over points at weights `w` (the trainable prefix), without gradients:
    /// what a loss landscape evaluates at every grid point.
    pub fn mean_loss_at(&mut self, w: &[f64], pts: &[crate::data::Point]) -> f64 {
        self.set_params(w);
        self.evaluate(pts).0
    }

    /// The model's prediction on an `n × n` grid over `extent` (`[xmin, xmax, ymin, ymax]`) in
    /// the plane `space`, row 0 at `ymin`: one prediction per cell, row-major. Always exact
    /// (shots are not drawn for the picture).
    ///
    /// Batched: each row of cells runs through the circuit at once where the circuit allows;
    /// otherwise cell by cell with the same results.
    pub fn grid(&mut self, extent: [f64; 4], n: usize, space: &GridSpace) -> Vec<Prediction> {
        self.grid_rows(extent, n, space, 0..n)
    }

    /// Rows `rows` of [`Model::grid`] (rows past `n` are left out): each row is computed on its
    /// own, so the rows of a grid split between engines holding the same model are, put
    /// together, the grid to the last bit.
    pub fn grid_rows(
        &mut self,
        extent: [f64; 4],
        n: usize,
        space: &GridSpace,
        rows: std::ops::Range<usize>,
    ) -> Vec<Prediction> {
        let rows = rows.start.min(n)..rows.end.min(n);
        let mut out = Vec::with_capacity(n * rows.len());
        let saved = self.shots.take();
        let xs: Vec<f64> = (0..n)
            .map(|c| extent[0] + (c as f64 + 0.5) / n as f64 * (extent[1] - extent[0]))
            .collect();
        let ys: Vec<f64> = rows
            .clone()
            .map(|r| extent[2] + (r as f64 + 0.5) / n as f64 * (extent[3] - extent[2]))
            .collect();
        let (axes, base, pre) = match space {
            GridSpace::Raw { axes, base } => (*axes, base.clone(), false),
            GridSpace::Preprocessed { axes } => (*axes, Vec::new(), true),
        };
        let width = if pre {
            self.inputs.prep.n_out()
        } else {
            self.dim
        };
        let point = |u: f64, v: f64, x: &mut Vec<f64>| {
            x.clear();
            x.extend((0..width).map(|i| base.get(i).copied().unwrap_or(0.0)));
            if let Some(a) = x.get_mut(axes[0]) {
                *a = u;
            }
            if axes[1] != axes[0] {
                if let Some(b) = x.get_mut(axes[1]) {
                    *b = v;
                }
            }
        };
        if self.program.batchable() && !self.is_noisy() && n > 0 {
            for &y in &ys {
                self.bind_batch(n, |c, x| point(xs[c], y, x), pre);
                let angles = std::mem::take(&mut self.batch_angles);
                let ok = self.program.forward_batch(&angles, n);
                self.batch_angles = angles;
                if !ok {
                    break;
                }
                for c in 0..n {
                    self.program.batch_state(c, &mut self.state);
                    let mut r = std::mem::take(&mut self.r);
                    self.readout.exact(&self.state, &mut r);
                    self.output.forward(&self.params, &r);
                    self.r = r;
                    out.push(self.output.predict(&self.output.o));
                }
            }
            if out.len() == n * rows.len() {
                self.shots = saved;
                return out;
            }
            out.clear();
        }
        if self.noisy_batches() && n > 0 {
            // Cell by cell in row-major order, NOISY_CHUNK cells at a time through the engine.
            let cells = n * ys.len();
            for start in (0..cells).step_by(NOISY_CHUNK) {
                let b = NOISY_CHUNK.min(cells - start);
                let cell = |p: usize| (xs[(start + p) % n], ys[(start + p) / n]);
                self.bind_batch(
                    b,
                    |p, x| {
                        let (u, v) = cell(p);
                        point(u, v, x);
                    },
                    pre,
                );
                for r in self.noisy_readouts(b) {
                    self.noisy_outputs(r);
                    out.push(self.output.predict(&self.output.o));
                }
            }
            self.shots = saved;
            return out;
        }
        let mut x = Vec::new();
        let mut tape = PointTape::default();
        for &y in &ys {
            for &u in &xs {
                point(u, y, &mut x);
                if pre {
                    self.inputs
                        .forward_preprocessed(&self.params, &x, &mut tape);
                    self.inputs.angles(&self.params, &tape.fv, &mut self.angles);
                    self.program.set_angles(&self.angles);
                    let mut r = std::mem::take(&mut self.r);
                    self.readouts_now(&mut r, None);
                    self.output.forward(&self.params, &r);
                    self.r = r;
                    out.push(self.output.predict(&self.output.o));
                } else {
                    out.push(self.predict(&x));
                }
            }
        }
        self.shots = saved;
        out
    }
}
