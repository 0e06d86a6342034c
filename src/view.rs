//! What the page shows, independent of where it is drawn: the decision-boundary view and the
//! loss/accuracy chart of a [`Trainer`], the state inspector's numbers, and SVG renderings of
//! the plots for export. The wasm facade draws the same views on a canvas.
//!
//! May import `train`, `model`, `plot`, `sim`, `data`; knows nothing of the web.

use plotters::prelude::*;
use serde::Serialize;

use crate::doc::History;
use crate::plot::{
    self, BoundaryMap, BoundaryOptions, Curve, LossChartOptions, PlotError, PlotPoint,
};
use crate::train::{Plane, Trainer};

pub mod debug;

/// The decision boundary of the current model over the data, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryView {
    /// `[xmin, xmax, ymin, ymax]`.
    pub extent: [f64; 4],
    /// Cells per side.
    pub grid_n: usize,
    /// Per cell: P(class 1) for two classes, else the confidence of `classes`.
    pub values: Vec<f64>,
    /// Per cell predicted class (more than two classes only).
    pub classes: Option<Vec<usize>>,
    /// Number of classes.
    pub n_classes: usize,
    /// Training and test points.
    pub points: Vec<PlotPoint>,
}

/// Computes the boundary view of a trainer's current model on a `grid_n × grid_n` grid.
pub fn boundary_view(t: &mut Trainer, grid_n: usize) -> BoundaryView {
    let axes = t.default_plane();
    boundary_view_on(t, grid_n, Plane::raw(axes))
}

/// The decision boundary over `plane` — two raw inputs, the others at their training mean, or
/// two preprocessed inputs (principal components), the others 0; the points are drawn at their
/// coordinates on the plane.
pub fn boundary_view_on(t: &mut Trainer, grid_n: usize, plane: Plane) -> BoundaryView {
    let plane = t.valid_plane(plane);
    let preds = t.grid_on(grid_n, plane);
    let values = preds.iter().map(|p| p.confidence).collect();
    let classes = (t.dataset().n_classes > 2).then(|| preds.iter().map(|p| p.class).collect());
    assemble(t, grid_n, plane, values, classes)
}

/// A placeholder view of `t` over `plane` while its grid is computed elsewhere: the extent and
/// the points of [`boundary_view_on`], and one cell with no value (NaN, drawn neutral).
pub fn boundary_view_pending(t: &Trainer, plane: Plane) -> BoundaryView {
    let plane = t.valid_plane(plane);
    let classes = (t.dataset().n_classes > 2).then(|| vec![0]);
    assemble(t, 1, plane, vec![f64::NAN], classes)
}

/// The boundary view of `t` over `plane` with a grid computed elsewhere — by another engine
/// holding the same document and weights, such as the page's training worker: the extent and
/// the points are `t`'s, the `grid_n × grid_n` cells are `values` (and, for more than two
/// classes, `classes`) as [`boundary_view_on`] computes them. Refuses a grid that does not fit
/// `t`'s data or plane, saying why.
pub fn boundary_view_from(
    t: &Trainer,
    grid_n: usize,
    plane: Plane,
    values: Vec<f64>,
    classes: Option<Vec<usize>>,
) -> Result<BoundaryView, String> {
    if !(2..=512).contains(&grid_n) {
        return Err(format!("a grid has 2 to 512 cells per side, not {grid_n}"));
    }
    if t.valid_plane(plane) != plane {
        return Err("the grid is over a plane this data does not have".into());
    }
    let cells = grid_n * grid_n;
    if values.len() != cells {
        return Err(format!(
            "a {grid_n} × {grid_n} grid has {cells} values, not {}",
            values.len()
        ));
    }
    // NaN is a diverged model's honest output (drawn as such); rounding may pass 1 by an ulp.
    if let Some(i) = values
        .iter()
        .position(|v| !(v.is_nan() || (-1e-9..=1.0 + 1e-9).contains(v)))
    {
        return Err(format!("grid value {i} is {}, not in [0, 1]", values[i]));
    }
    let k = t.dataset().n_classes;
    match (&classes, k > 2) {
        (None, false) => {}
        (Some(c), true) if c.len() == cells => {
            if let Some(i) = c.iter().position(|&c| c >= k) {
                return Err(format!("grid cell {i} predicts class {}, of {k}", c[i]));
            }
        }
        (Some(c), true) => {
            return Err(format!(
                "the grid has {} classes for {cells} cells",
                c.len()
            ))
        }
        (None, true) => return Err(format!("a grid for {k} classes needs each cell's class")),
        (Some(_), false) => return Err("a grid for two classes carries no cell classes".into()),
    }
    Ok(assemble(t, grid_n, plane, values, classes))
}

fn assemble(
    t: &Trainer,
    grid_n: usize,
    plane: Plane,
    values: Vec<f64>,
    classes: Option<Vec<usize>>,
) -> BoundaryView {
    let extent = t.plane_extent(plane);
    let data = t.dataset();
    let n_classes = data.n_classes;
    let points = data
        .train
        .iter()
        .map(|p| (p, false))
        .chain(data.test.iter().map(|p| (p, true)))
        .map(|(p, test)| {
            let (x, y) = t.plane_coords(plane, &p.x);
            PlotPoint {
                x,
                y,
                class: p.label,
                test,
            }
        })
        .collect();
    BoundaryView {
        extent,
        grid_n,
        values,
        classes,
        n_classes,
        points,
    }
}

impl BoundaryView {
    /// The view's grid as the plot module's [`BoundaryMap`] (borrowed).
    pub fn map(&self) -> BoundaryMap<'_> {
        BoundaryMap {
            extent: self.extent,
            grid_n: self.grid_n,
            values: &self.values,
            classes: self.classes.as_deref(),
            n_classes: self.n_classes,
        }
    }
}

/// Draws a boundary view on any plotters drawing area.
pub fn draw_boundary_view<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    view: &BoundaryView,
    opts: &BoundaryOptions,
) -> Result<(), PlotError> {
    plot::draw_boundary(area, &view.map(), &view.points, opts)
}

/// Which curves the chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Loss per epoch.
    Loss,
    /// Accuracy per epoch.
    Accuracy,
}

/// Draws the loss (or accuracy) curves of a history: train and test of the hybrid model, and
/// the classical baseline's when `baseline` is set and it has values.
pub fn draw_history<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    h: &History,
    metric: Metric,
    log_scale: bool,
    baseline: bool,
) -> Result<(), PlotError> {
    draw_history_at(area, h, metric, log_scale, baseline, 1.0)
}

/// [`draw_history`] at a pixel ratio (device pixels per CSS pixel): text, lines and margins
/// scaled for a HiDPI canvas.
pub fn draw_history_at<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    h: &History,
    metric: Metric,
    log_scale: bool,
    baseline: bool,
    pixel_ratio: f64,
) -> Result<(), PlotError> {
    let (tr, te, btr, bte, itr, ite, label) = match metric {
        Metric::Loss => (
            &h.train_loss,
            &h.test_loss,
            &h.baseline_train_loss,
            &h.baseline_test_loss,
            &h.ideal_train_loss,
            &h.ideal_test_loss,
            "loss",
        ),
        Metric::Accuracy => (
            &h.train_acc,
            &h.test_acc,
            &h.baseline_train_acc,
            &h.baseline_test_acc,
            &h.ideal_train_acc,
            &h.ideal_test_acc,
            "accuracy",
        ),
    };
    // Entries not evaluated are gaps; a baseline switched on mid-run covers the last entries;
    // a thinned history (a long run restored from a link) is drawn through its kept entries.
    let te: Vec<f64> = te.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let pad = |v: &Vec<f64>| -> Vec<f64> {
        let mut out = vec![f64::NAN; h.len().saturating_sub(v.len())];
        out.extend_from_slice(v);
        out
    };
    let per_epoch = |v: Vec<f64>| per_epoch(h, v);
    let (tr, te) = (per_epoch(tr.clone()), per_epoch(te));
    let (btr, bte) = (per_epoch(pad(btr)), per_epoch(pad(bte)));
    let (itr, ite) = (per_epoch(pad(itr)), per_epoch(pad(ite)));
    // Under noise the main curves are the noisy (trained) ones, drawn beside the same weights
    // run ideally.
    let noisy = itr.iter().any(|v| v.is_finite());
    let mut series = if noisy {
        vec![
            Curve::NoisyTrain.series(&tr),
            Curve::NoisyTest.series(&te),
            Curve::IdealTrain.series(&itr),
            Curve::IdealTest.series(&ite),
        ]
    } else {
        vec![Curve::Train.series(&tr), Curve::Test.series(&te)]
    };
    if baseline && btr.iter().any(|v| v.is_finite()) {
        series.push(Curve::BaselineTrain.series(&btr));
        series.push(Curve::BaselineTest.series(&bte));
    }
    let opts = LossChartOptions {
        log_scale: log_scale && metric == Metric::Loss,
        y_label: label.to_string(),
        pixel_ratio,
        marks: h
            .edits
            .iter()
            .map(|e| plot::EpochMark {
                // The chart draws history entry i (epoch i) at x = i + 1.
                epoch: (e.epoch + 1) as f64,
                label: e.what.clone(),
            })
            .collect(),
        ..LossChartOptions::default()
    };
    plot::draw_loss_chart(area, &series, &opts)
}

/// A series as one value per epoch: as it is for an unthinned history; for a thinned one, the
/// kept entries at their epochs with straight lines between them (what a chart of the kept
/// entries draws anyway).
fn per_epoch(h: &History, v: Vec<f64>) -> Vec<f64> {
    if h.epochs.is_empty() || v.len() != h.epochs.len() {
        return v;
    }
    let last = h.epochs.last().copied().unwrap_or(0);
    let mut out = vec![f64::NAN; last + 1];
    for w in 0..v.len() {
        let (e0, y0) = (h.epochs[w], v[w]);
        out[e0] = y0;
        if let (Some(&e1), Some(&y1)) = (h.epochs.get(w + 1), v.get(w + 1)) {
            if y0.is_finite() && y1.is_finite() {
                for (e, slot) in out.iter_mut().enumerate().take(e1).skip(e0 + 1) {
                    let t = (e - e0) as f64 / (e1 - e0) as f64;
                    *slot = y0 + t * (y1 - y0);
                }
            }
        }
    }
    out
}

/// Plotters' SVG backend writes `font-size` = size / 1.24 (a canvas draws text at `size` px), so
/// the SVG exports are drawn at this pixel ratio to get the page's text size, with lines and
/// margins in proportion.
const SVG_SCALE: f64 = 1.24;

/// The boundary view as an SVG document of `size` pixels.
pub fn boundary_svg(
    view: &BoundaryView,
    size: (u32, u32),
    opts: &BoundaryOptions,
) -> Result<String, PlotError> {
    let opts = BoundaryOptions {
        pixel_ratio: opts.pixel_ratio * SVG_SCALE,
        ..*opts
    };
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, size).into_drawing_area();
        area.fill(&WHITE)?;
        draw_boundary_view(&area, view, &opts)?;
        area.present()?;
    }
    Ok(out)
}

/// The loss chart as an SVG document of `size` pixels.
pub fn history_svg(
    h: &History,
    metric: Metric,
    log_scale: bool,
    baseline: bool,
    size: (u32, u32),
) -> Result<String, PlotError> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw_history_at(&area, h, metric, log_scale, baseline, SVG_SCALE)?;
        area.present()?;
    }
    Ok(out)
}

/// The state inspector's numbers for one data point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inspection {
    /// Number of qubits.
    pub qubits: usize,
    /// The columns that hold gates, in order.
    pub columns: Vec<usize>,
    /// Per wire: the reduced Bloch vector (x, y, z).
    pub bloch: Vec<[f64; 3]>,
    /// Per wire: P(1).
    pub p1: Vec<f64>,
    /// Per wire: purity of the reduced state.
    pub purity: Vec<f64>,
    /// Basis-state probabilities (≤ 6 qubits), wire 0 first in each label.
    pub probs: Option<Vec<f64>>,
    /// Labels of the basis states (≤ 6 qubits).
    pub labels: Option<Vec<String>>,
    /// The most probable basis states, most probable first (at most [`TOP_STATES`], ties in
    /// index order; see [`top_states`]), for circuits of any size. The page lists them in
    /// place of the full table above 6 qubits.
    pub top: Vec<TopState>,
    /// Whether this is the mixed state of a noisy model (its density matrix; Bloch vectors
    /// may then lie inside the sphere).
    pub mixed: bool,
    /// Tr ρ² of the whole register (1 for a pure state).
    pub state_purity: f64,
    /// For a mixed state of ≤ [`RHO_QUBITS`] qubits: |ρ_ij|, row-major (2ⁿ × 2ⁿ).
    pub rho_abs: Option<Vec<f64>>,
    /// A fidelity readout's label states as points of the wires' Bloch spheres, class by
    /// class (wire 0 first within a class); empty for other readouts.
    pub label_states: Vec<LabelMark>,
}

/// One of the most probable basis states of [`Inspection::top`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopState {
    /// The basis state's index in the engine's state vector (`label` is it in binary).
    pub index: usize,
    /// Its label, as in [`Inspection::labels`].
    pub label: String,
    /// Its probability.
    pub p: f64,
    /// Its amplitude `[re, im]` for a pure state; `None` for the mixed state of a noisy model
    /// (a density matrix has no amplitudes).
    pub amp: Option<[f64; 2]>,
}

/// The indices of the `k` largest of `probs`, largest first, ties in index order (the
/// inspector's top-k list; a partial selection, so 2¹⁶ probabilities cost no full sort).
pub fn top_states(probs: &[f64], k: usize) -> Vec<usize> {
    let cmp = |a: &usize, b: &usize| probs[*b].total_cmp(&probs[*a]).then(a.cmp(b));
    let mut order: Vec<usize> = (0..probs.len()).collect();
    let k = k.min(order.len());
    if k == 0 {
        return Vec::new();
    }
    if k < order.len() {
        order.select_nth_unstable_by(k - 1, cmp);
        order.truncate(k);
    }
    order.sort_by(cmp);
    order
}

/// One class's label state on one wire: the Bloch vector of that wire's single-qubit factor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelMark {
    /// The class (0-based).
    pub class: usize,
    /// How the page names it: `class 2`, or `class setosa` for a named class.
    pub name: String,
    /// The class colour of the plots, `#rrggbb`.
    pub color: String,
    /// The wire whose sphere holds the point.
    pub wire: usize,
    /// The Bloch vector (⟨X⟩, ⟨Y⟩, ⟨Z⟩), a unit vector.
    pub vector: [f64; 3],
    /// Its polar angle θ from |0⟩, in degrees.
    pub theta: f64,
    /// Its azimuth φ from the x axis, in degrees (−180…180).
    pub phi: f64,
}

/// The label states of the trainer's fidelity readout as [`LabelMark`]s: a product state's
/// factor `j` on wire `j`; with the per-wire readout (χ_wf on several qubits) every class's
/// single-qubit state on every wire of the circuit.
pub fn label_marks(t: &Trainer) -> Vec<LabelMark> {
    let doc = t.spec();
    let crate::doc::Readout::Fidelity { states, per_wire } = &doc.readout else {
        return Vec::new();
    };
    let names = &t.dataset().class_names;
    let qubits = doc.circuit.qubits;
    let mut out = Vec::new();
    for (class, s) in states.iter().enumerate() {
        let vectors = s.wire_bloch_vectors();
        let on_wires: Vec<(usize, [f64; 3])> = if *per_wire {
            vectors
                .first()
                .map(|&v| (0..qubits).map(|w| (w, v)).collect())
                .unwrap_or_default()
        } else {
            vectors.into_iter().enumerate().collect()
        };
        let name = match names.get(class).filter(|n| !n.is_empty()) {
            Some(n) => format!("class {n}"),
            None => format!("class {class}"),
        };
        let c = crate::plot::class_color(class);
        for (wire, vector) in on_wires {
            let [x, y, z] = vector;
            out.push(LabelMark {
                class,
                name: name.clone(),
                color: format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2),
                wire,
                vector,
                theta: z.clamp(-1.0, 1.0).acos().to_degrees(),
                phi: if x.hypot(y) < 1e-12 {
                    0.0
                } else {
                    y.atan2(x).to_degrees()
                },
            });
        }
    }
    out
}

/// The most qubits whose density-matrix magnitudes the inspector lists.
pub const RHO_QUBITS: usize = 4;

/// How many basis states [`Inspection::top`] lists.
pub const TOP_STATES: usize = 16;

/// The state after the gates of columns up to `col` (all if `None`) for point `x`.
pub fn inspect(t: &mut Trainer, x: &[f64], col: Option<usize>) -> Inspection {
    let marks = label_marks(t);
    let model = t.model_mut();
    if let Some(rho) = model.density_at(x, col) {
        let n = rho.n_qubits();
        let bloch: Vec<[f64; 3]> = (0..n).map(|w| rho.bloch(w)).collect();
        let rho_abs = (n <= RHO_QUBITS).then(|| rho.matrix().iter().map(|c| c.norm()).collect());
        let purity = bloch
            .iter()
            .map(|b| 0.5 * (1.0 + b[0] * b[0] + b[1] * b[1] + b[2] * b[2]))
            .collect();
        return finish(
            model,
            n,
            bloch,
            purity,
            rho.probabilities(),
            None,
            true,
            rho.purity(),
            rho_abs,
            marks,
        );
    }
    let state = model.state_at(x, col);
    let n = state.n_qubits();
    let bloch: Vec<[f64; 3]> = (0..n).map(|w| state.bloch(w)).collect();
    let purity = (0..n).map(|w| state.purity(w)).collect();
    finish(
        model,
        n,
        bloch,
        purity,
        state.probabilities(),
        Some(state.amplitudes()),
        false,
        1.0,
        None,
        marks,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    model: &crate::model::Model,
    n: usize,
    bloch: Vec<[f64; 3]>,
    purity: Vec<f64>,
    probs: Vec<f64>,
    amps: Option<&[crate::sim::C64]>,
    mixed: bool,
    state_purity: f64,
    rho_abs: Option<Vec<f64>>,
    label_states: Vec<LabelMark>,
) -> Inspection {
    let small = n <= 6;
    let top = top_states(&probs, TOP_STATES)
        .into_iter()
        .map(|i| TopState {
            index: i,
            label: format!("{i:0n$b}"),
            p: probs[i],
            amp: amps.map(|a| [a[i].re, a[i].im]),
        })
        .collect();
    Inspection {
        qubits: n,
        columns: model.program().columns(),
        p1: bloch.iter().map(|b| (1.0 - b[2]) / 2.0).collect(),
        purity,
        bloch,
        labels: small.then(|| (0..1usize << n).map(|i| format!("{i:0n$b}")).collect()),
        probs: small.then_some(probs),
        top,
        mixed,
        state_purity,
        rho_abs,
        label_states,
    }
}

/// The points of a dataset's picker thumbnail and the window to draw them in. Two inputs are
/// drawn as they are, in the dataset's fixed window (so a generator's picture does not move with
/// its seed). With more inputs (Iris's four, Wine's 13, the sphere's three) the first two would
/// hide most of the structure, so the points are projected onto the first two principal
/// components of their standardised inputs (fitted on all the points shown) in a padded window
/// around them. One input is drawn against 0.
pub fn thumbnail_points(data: &crate::data::Dataset) -> (Vec<PlotPoint>, [f64; 4]) {
    use crate::learn::preprocess::Preprocessor;
    let all = || data.train.iter().chain(&data.test);
    if data.dim == 2 {
        let pts = all()
            .map(|p| PlotPoint {
                x: p.x[0],
                y: p.x[1],
                class: p.label,
                test: false,
            })
            .collect();
        return (pts, data.extent);
    }
    let pts: Vec<PlotPoint> = if data.dim > 2 {
        let pca = Preprocessor::fit(all().map(|p| p.x.as_slice()), data.dim, true, Some(2));
        let mut z = Vec::with_capacity(2);
        all()
            .map(|p| {
                pca.apply(&p.x, &mut z);
                PlotPoint {
                    x: z[0],
                    y: z[1],
                    class: p.label,
                    test: false,
                }
            })
            .collect()
    } else {
        all()
            .map(|p| PlotPoint {
                x: p.x.first().copied().unwrap_or(0.0),
                y: 0.0,
                class: p.label,
                test: false,
            })
            .collect()
    };
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in &pts {
        for (i, v) in [p.x, p.y].into_iter().enumerate() {
            lo[i] = lo[i].min(v);
            hi[i] = hi[i].max(v);
        }
    }
    let mut extent = [-1.0, 1.0, -1.0, 1.0];
    for i in 0..2 {
        if lo[i].is_finite() && hi[i] > lo[i] {
            let pad = 0.08 * (hi[i] - lo[i]);
            extent[2 * i] = lo[i] - pad;
            extent[2 * i + 1] = hi[i] + pad;
        } else if lo[i].is_finite() {
            extent[2 * i] = lo[i] - 1.0;
            extent[2 * i + 1] = lo[i] + 1.0;
        }
    }
    (pts, extent)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::doc::preset;

    #[test]
    fn thumbnails_of_two_inputs_use_the_datasets_window() {
        let d = crate::data::DatasetSpec {
            kind: crate::data::DatasetKind::from_name("moons").unwrap(),
            points: 60,
            ..Default::default()
        }
        .generate()
        .unwrap();
        let (pts, extent) = thumbnail_points(&d);
        assert_eq!(extent, d.extent);
        assert_eq!(pts.len(), d.train.len() + d.test.len());
        assert_eq!((pts[0].x, pts[0].y), (d.train[0].x[0], d.train[0].x[1]));
    }

    #[test]
    fn thumbnails_of_many_inputs_show_two_principal_components() {
        for kind in ["iris", "wine", "breast_cancer"] {
            let d = crate::data::DatasetSpec {
                kind: crate::data::DatasetKind::from_name(kind).unwrap(),
                ..Default::default()
            }
            .generate()
            .unwrap();
            assert!(d.dim > 2);
            let (pts, e) = thumbnail_points(&d);
            assert_eq!(pts.len(), d.train.len() + d.test.len());
            // Centred components: the means vanish, every point lies inside the window, and
            // the first component carries more variance than the second (not just x1, x2).
            let n = pts.len() as f64;
            let (mx, my) = (
                pts.iter().map(|p| p.x).sum::<f64>() / n,
                pts.iter().map(|p| p.y).sum::<f64>() / n,
            );
            assert!(mx.abs() < 1e-9 && my.abs() < 1e-9, "{kind}: {mx} {my}");
            let vx = pts.iter().map(|p| p.x * p.x).sum::<f64>() / n;
            let vy = pts.iter().map(|p| p.y * p.y).sum::<f64>() / n;
            assert!(vx >= vy && vy > 0.0, "{kind}: {vx} {vy}");
            assert!(pts
                .iter()
                .all(|p| p.x > e[0] && p.x < e[1] && p.y > e[2] && p.y < e[3]));
            assert!(pts.iter().any(|p| p.x != d.train[0].x[0]));
        }
    }

    #[test]
    fn a_grid_computed_elsewhere_gives_the_same_view() {
        // Two classes (the default) and three (Iris, on a plane of principal components).
        for (name, plane) in [
            ("default", Plane::raw([0, 1])),
            (
                "iris-hybrid",
                Plane {
                    axes: [1, 0],
                    preprocessed: false,
                },
            ),
        ] {
            let mut here = Trainer::new(preset(name).unwrap()).unwrap();
            let mut there = Trainer::new(preset(name).unwrap()).unwrap();
            there.run_epoch();
            here.run_epoch();
            let theirs = boundary_view_on(&mut there, 9, plane);
            let ours = boundary_view_from(
                &here,
                9,
                plane,
                theirs.values.clone(),
                theirs.classes.clone(),
            )
            .unwrap();
            assert_eq!(ours, boundary_view_on(&mut here, 9, plane), "{name}");
            assert_eq!(ours, theirs, "{name}");
        }
    }

    #[test]
    fn a_grid_that_does_not_fit_is_refused() {
        let t = Trainer::new(preset("default").unwrap()).unwrap();
        let p = Plane::raw([0, 1]);
        let err =
            |n, v: Vec<f64>, c: Option<Vec<usize>>| boundary_view_from(&t, n, p, v, c).unwrap_err();
        assert!(err(4, vec![0.5; 15], None).contains("16 values, not 15"));
        assert!(err(1, vec![0.5], None).contains("2 to 512"));
        assert!(err(2, vec![0.5, 0.5, 1.5, 0.5], None).contains("value 2 is 1.5"));
        assert!(err(2, vec![0.5; 4], Some(vec![0; 4])).contains("two classes"));
        let far = Plane::raw([0, 7]);
        assert!(boundary_view_from(&t, 2, far, vec![0.5; 4], None)
            .unwrap_err()
            .contains("plane"));
        // A diverged model's NaN is drawn, not refused.
        assert!(boundary_view_from(&t, 2, p, vec![f64::NAN; 4], None).is_ok());
        let iris = Trainer::new(preset("iris-hybrid").unwrap()).unwrap();
        let e = boundary_view_from(&iris, 2, p, vec![0.5; 4], Some(vec![0, 1, 3, 0])).unwrap_err();
        assert!(e.contains("class 3, of 3"), "{e}");
        let e = boundary_view_from(&iris, 2, p, vec![0.5; 4], None).unwrap_err();
        assert!(e.contains("needs each cell's class"), "{e}");
    }

    #[test]
    fn the_inspector_lists_the_tetrahedrons_label_states_on_wire_0() {
        let mut t = Trainer::new(preset("paper-tetrahedron").unwrap()).unwrap();
        let x = vec![0.1; t.dataset().dim];
        let r = inspect(&mut t, &x, None);
        let m = &r.label_states;
        assert_eq!(m.len(), 4, "{m:?}");
        let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        for (i, a) in m.iter().enumerate() {
            assert_eq!(
                (a.class, a.wire, a.name.as_str()),
                (i, 0, ["class 0", "class 1", "class 2", "class 3"][i])
            );
            assert!(a.color.starts_with('#') && a.color.len() == 7);
            for b in &m[i + 1..] {
                assert!((dot(a.vector, b.vector) + 1.0 / 3.0).abs() < 1e-12);
                assert_ne!(a.color, b.color);
            }
        }
        assert_eq!((m[0].theta, m[0].phi), (0.0, 0.0));
        assert!((m[2].theta - 109.4712).abs() < 1e-3 && (m[2].phi - 120.0).abs() < 1e-9);
        // An expectation-value readout has none.
        let mut e = Trainer::new(preset("reupload-1q").unwrap()).unwrap();
        if !matches!(e.spec().readout, crate::doc::Readout::Fidelity { .. }) {
            let x = vec![0.1; e.dataset().dim];
            assert!(inspect(&mut e, &x, None).label_states.is_empty());
        }
    }

    #[test]
    fn a_boundary_over_two_chosen_inputs_holds_the_others_at_their_mean() {
        let mut t = Trainer::new(preset("iris-hybrid").unwrap()).unwrap();
        let v = boundary_view_on(&mut t, 6, Plane::raw([2, 3]));
        let d = t.dataset().clone();
        assert_eq!(v.points.len(), d.train.len() + d.test.len());
        assert_eq!(
            (v.points[0].x, v.points[0].y),
            (d.train[0].x[2], d.train[0].x[3])
        );
        assert_eq!(
            v.extent,
            [
                d.ranges[2][0],
                d.ranges[2][1],
                d.ranges[3][0],
                d.ranges[3][1]
            ]
        );
        // A cell is the model's prediction at its centre with inputs 1 and 2 at the mean.
        let mean: Vec<f64> = (0..4)
            .map(|i| d.train.iter().map(|p| p.x[i]).sum::<f64>() / d.train.len() as f64)
            .collect();
        let [x0, x1, y0, y1] = v.extent;
        let (i, j) = (4, 1);
        let mut x = mean.clone();
        x[2] = x0 + (i as f64 + 0.5) * (x1 - x0) / 6.0;
        x[3] = y0 + (j as f64 + 0.5) * (y1 - y0) / 6.0;
        let p = t.model_mut().predict(&x);
        assert!((v.values[j * 6 + i] - p.confidence).abs() < 1e-9);
        assert_eq!(v.classes.as_ref().unwrap()[j * 6 + i], p.class);
        // Axes the data does not have fall back to the first two.
        let w = boundary_view_on(&mut t, 6, Plane::raw([7, 1]));
        assert_eq!(w, boundary_view(&mut t, 6));
        assert_eq!(w.extent, d.extent);
    }

    #[test]
    fn a_boundary_over_two_principal_components_maps_back_to_raw_points() {
        let mut t = Trainer::new(preset("breast-cancer-hybrid").unwrap()).unwrap();
        let plane = Plane {
            axes: [0, 1],
            preprocessed: true,
        };
        assert_eq!(t.valid_plane(plane), plane);
        let v = boundary_view_on(&mut t, 4, plane);
        let d = t.dataset().clone();
        let (u0, v0) = t.plane_coords(plane, &d.train[0].x);
        assert_eq!((v.points[0].x, v.points[0].y), (u0, v0));
        let [x0, x1, y0, y1] = v.extent;
        assert!(v
            .points
            .iter()
            .all(|p| (x0..=x1).contains(&p.x) && (y0..=y1).contains(&p.y)));
        // A cell is the prediction at the raw point the preprocessing maps to its centre.
        let (u, w) = (x0 + 1.5 * (x1 - x0) / 4.0, y0 + 2.5 * (y1 - y0) / 4.0);
        let raw = t.plane_point(plane, u, w);
        assert_eq!(raw.len(), 30);
        let (bu, bw) = t.plane_coords(plane, &raw);
        assert!((bu - u).abs() < 1e-9 && (bw - w).abs() < 1e-9, "{bu} {bw}");
        let p = t.model_mut().predict(&raw);
        assert!((v.values[2 * 4 + 1] - p.confidence).abs() < 1e-9);
        // Without preprocessing a preprocessed plane falls back to the first two raw inputs.
        let mut r = Trainer::new(preset("default").unwrap()).unwrap();
        assert_eq!(r.valid_plane(plane), Plane::raw([0, 1]));
        assert_eq!(boundary_view_on(&mut r, 4, plane), boundary_view(&mut r, 4));
        // A raw plane's point: the chosen inputs set, the others at the mean.
        let x = t.plane_point(Plane::raw([3, 5]), 1.5, -2.0);
        assert_eq!((x[3], x[5]), (1.5, -2.0));
        let mean0 = d.train.iter().map(|p| p.x[0]).sum::<f64>() / d.train.len() as f64;
        assert!((x[0] - mean0).abs() < 1e-9);
    }

    #[test]
    fn the_confusion_matrix_counts_every_point_once_and_its_diagonal_is_the_accuracy() {
        let mut t = Trainer::new(preset("iris-hybrid").unwrap()).unwrap();
        for _ in 0..3 {
            t.run_epoch();
        }
        let k = t.dataset().n_classes;
        for test in [false, true] {
            let c = t.confusion(test);
            let pts = if test {
                t.dataset().test.clone()
            } else {
                t.dataset().train.clone()
            };
            assert_eq!(c.len(), k * k);
            assert_eq!(c.iter().sum::<usize>(), pts.len());
            for (r, n) in crate::data::Dataset::class_counts(&pts, k)
                .iter()
                .enumerate()
            {
                assert_eq!(c[r * k..(r + 1) * k].iter().sum::<usize>(), *n, "row {r}");
            }
            let diag: usize = (0..k).map(|i| c[i * k + i]).sum();
            let (_, acc) = t.model_mut().evaluate(&pts);
            assert!((diag as f64 / pts.len() as f64 - acc).abs() < 1e-12);
        }
    }

    #[test]
    fn boundary_view_and_svgs_reflect_the_trainer() {
        let mut t = Trainer::new(preset("default").unwrap()).unwrap();
        let v = boundary_view(&mut t, 8);
        assert_eq!(v.values.len(), 64);
        assert_eq!(v.points.len(), 200);
        assert!(v.values.iter().all(|p| (0.0..=1.0).contains(p)));
        let svg = boundary_svg(&v, (300, 300), &BoundaryOptions::default()).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.matches("<rect").count() >= 64,
            "{}",
            &svg[..200]
        );
        t.run_epoch();
        let svg = history_svg(t.history(), Metric::Loss, true, true, (400, 240)).unwrap();
        assert!(svg.contains("MLP"), "baseline curve is in the legend");
        let three = boundary_view(&mut Trainer::new(preset("gaussians3").unwrap()).unwrap(), 4);
        assert_eq!(three.classes.as_ref().map(Vec::len), Some(16));
    }

    #[test]
    fn top_states_are_the_k_largest_largest_first_ties_in_index_order() {
        let p = [0.1, 0.3, 0.05, 0.3, 0.2, 0.05];
        assert_eq!(top_states(&p, 3), vec![1, 3, 4]);
        assert_eq!(top_states(&p, 1), vec![1]);
        assert_eq!(top_states(&p, 0), Vec::<usize>::new());
        assert_eq!(top_states(&p, 10), vec![1, 3, 4, 0, 2, 5]);
        // Against a full sort on a larger vector with many ties.
        let q: Vec<f64> = (0..4096).map(|i| ((i * 7919) % 97) as f64).collect();
        let mut all: Vec<usize> = (0..q.len()).collect();
        all.sort_by(|&a, &b| q[b].total_cmp(&q[a]).then(a.cmp(&b)));
        assert_eq!(top_states(&q, 16), all[..16].to_vec());
    }

    #[test]
    fn a_large_circuit_lists_its_most_probable_basis_states() {
        let mut d = preset("default").unwrap().into_inner();
        d.circuit.qubits = 8;
        d.circuit.gates = vec![crate::doc::GateSpec::fixed(
            crate::sim::GateKind::RY,
            &[7],
            0,
            &[1.0],
        )];
        let mut t = Trainer::new(d.validated().unwrap()).unwrap();
        let i = inspect(&mut t, &[0.0, 0.0], None);
        assert!(i.probs.is_none() && i.labels.is_none());
        let c = (0.5f64).cos().powi(2);
        assert_eq!(i.top[0].label, "00000000");
        assert!((i.top[0].p - c).abs() < 1e-12);
        assert_eq!((i.top[1].label.as_str(), i.top[1].index), ("00000001", 1));
        assert!((i.top[1].p - (1.0 - c)).abs() < 1e-12);
        // RY(1)|0⟩ = cos(½)|0⟩ + sin(½)|1⟩: the amplitudes, real here.
        let a = i.top[1].amp.unwrap();
        assert!((a[0] - (0.5f64).sin()).abs() < 1e-12 && a[1].abs() < 1e-12);
        assert_eq!(i.top.len(), TOP_STATES);
        assert!(i.top.windows(2).all(|w| w[0].p >= w[1].p));
        // 16 qubits (the page's limit): still the top list, and the Bloch vector of every wire.
        let mut d = preset("default").unwrap().into_inner();
        d.circuit.qubits = 16;
        d.circuit.gates = (0..16)
            .map(|w| crate::doc::GateSpec::fixed(crate::sim::GateKind::RY, &[w], 0, &[0.3]))
            .collect();
        let mut t = Trainer::new(d.validated().unwrap()).unwrap();
        let i = inspect(&mut t, &[0.0, 0.0], None);
        assert_eq!((i.bloch.len(), i.top.len()), (16, TOP_STATES));
        assert_eq!(i.top[0].label, "0".repeat(16));
        let c = (0.15f64).cos().powi(2);
        assert!((i.top[0].p - c.powi(16)).abs() < 1e-12);
        assert!((i.top[1].p - c.powi(15) * (1.0 - c)).abs() < 1e-12);
    }

    #[test]
    fn a_noisy_model_is_inspected_as_a_mixed_state_and_charted_ideal_beside_noisy() {
        let mut d = preset("default").unwrap().into_inner();
        d.noise = crate::doc::NoiseSpec::preset("NISQ-like").unwrap();
        let mut t = Trainer::new(d.validated().unwrap()).unwrap();
        let i = inspect(&mut t, &[0.3, -0.4], None);
        assert!(i.mixed);
        assert!(i.state_purity < 0.999 && i.state_purity > 1.0 / 16.0);
        assert!(i
            .bloch
            .iter()
            .all(|b| (b[0] * b[0] + b[1] * b[1] + b[2] * b[2]).sqrt() < 0.999));
        assert!(i.purity.iter().all(|&p| (0.5 - 1e-12..0.9999).contains(&p)));
        // A density matrix has probabilities but no amplitudes.
        assert!(i.top.iter().all(|s| s.amp.is_none()) && i.top[0].p > 0.0);
        let rho = i.rho_abs.as_ref().unwrap();
        assert_eq!(rho.len(), 256);
        let trace: f64 = (0..16).map(|k| rho[k * 17]).sum();
        assert!((trace - 1.0).abs() < 1e-12);
        // The ideal model of the same weights is pure.
        t.model_mut().set_noise_enabled(false);
        let p = inspect(&mut t, &[0.3, -0.4], None);
        assert!(!p.mixed && p.state_purity == 1.0 && p.rho_abs.is_none());
        t.model_mut().set_noise_enabled(true);
        t.run_epoch();
        let svg = history_svg(t.history(), Metric::Loss, false, false, (400, 240)).unwrap();
        assert!(svg.contains("ideal train") && svg.contains("noisy test"));
        let mut ideal = Trainer::new(preset("default").unwrap()).unwrap();
        ideal.run_epoch();
        let svg = history_svg(ideal.history(), Metric::Loss, false, false, (400, 240)).unwrap();
        assert!(!svg.contains("ideal") && !svg.contains("noisy"));
    }

    #[test]
    fn inspection_of_the_empty_circuit_is_all_zero_state() {
        let mut d = preset("default").unwrap().into_inner();
        d.circuit.gates.clear();
        let mut t = Trainer::new(d.validated().unwrap()).unwrap();
        let i = inspect(&mut t, &[0.1, 0.2], None);
        assert_eq!(i.qubits, 4);
        assert_eq!(i.bloch, vec![[0.0, 0.0, 1.0]; 4]);
        assert_eq!(i.p1, vec![0.0; 4]);
        assert_eq!(i.probs.as_ref().unwrap()[0], 1.0);
        assert_eq!(i.labels.as_ref().unwrap()[5], "0101");
        assert_eq!((i.top[0].label.as_str(), i.top[0].p), ("0000", 1.0));
        assert_eq!(i.top[0].amp, Some([1.0, 0.0]));
        assert_eq!(i.top.len(), TOP_STATES);
        let mut t = Trainer::new(preset("default").unwrap()).unwrap();
        let first = inspect(&mut t, &[0.5, -0.5], Some(0));
        // After column 0 (RX on every wire) no wire is entangled yet: every purity is 1.
        assert!(first.purity.iter().all(|p| (p - 1.0).abs() < 1e-12));
        assert!(first.columns.len() > 3);
    }
}
