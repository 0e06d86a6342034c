//! The facade's training debugger: a stepped [`AnalysisRunner`] the page advances a few
//! milliseconds per animation frame (cancelled by dropping — `free()` — it), the last step's
//! gradient report with the circuit's tint levels, the Fourier view, the stored results of a
//! document (`doc.analyses`) with their summaries, and their charts drawn on canvases.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use super::draw::{canvas_area, pixel_ratio};
use super::{err, fail, from_js, now_ms, to_js, Playground, Res};

/// A fine clock (performance.now, fractions of a ms) where there is one, else `Date.now`: the
/// budget is a few ms, and `Date.now` is coarse enough to let a step run twice as long.
fn fine_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(now_ms, |p| p.now())
}
use crate::analysis::barren::FitAxis;
use crate::analysis::expressibility::ExpressibilitySpec;
use crate::analysis::landscape::{Directions, LandscapeSpec};
use crate::analysis::AnalysisResult;
use crate::debugger::{self, Job, VANISHING_EPOCHS, VANISHING_THRESHOLD};
use crate::doc::MAX_LANDSCAPE_RESOLUTION;
use crate::view::debug as dv;

/// The most random circuits (or pairs) per point the page may ask for.
pub const MAX_SAMPLES: usize = 5000;

/// What an analysis should compute; every field optional (the CLI's defaults).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct AnalysisOpts {
    /// Barren: random circuits per point (default 200).
    samples: Option<usize>,
    /// Barren: the reference circuit's qubit counts (default 2…10).
    qubits: Option<Vec<usize>>,
    /// Barren: the drawn circuit's repetitions 1…layers (default 6).
    layers: Option<usize>,
    /// Barren: the reference circuit's layers (default 50).
    ref_layers: Option<usize>,
    /// Seed of every random draw (default 1).
    seed: Option<u64>,
    /// Landscape: points per side (default 41).
    resolution: Option<usize>,
    /// Landscape: the grid spans −span…span (default π).
    span: Option<f64>,
    /// Landscape: two parameter indices instead of random directions.
    params: Option<[usize; 2]>,
    /// Expressibility: pairs of parameter vectors (default 2000).
    pairs: Option<usize>,
    /// Expressibility: templates with 1…maxLayers layers are ranked against (default 3).
    max_layers: Option<usize>,
}

/// The option names of [`AnalysisOpts`], as the page writes them.
const OPTION_NAMES: [&str; 10] = [
    "samples",
    "qubits",
    "layers",
    "refLayers",
    "seed",
    "resolution",
    "span",
    "params",
    "pairs",
    "maxLayers",
];

fn at_most(name: &str, v: usize, max: usize) -> Res<usize> {
    if v == 0 || v > max {
        return Err(fail(format!("{name} must be 1 to {max}, not {v}")));
    }
    Ok(v)
}

/// One long analysis of the playground's current document or run, advanced by `step`.
/// Dropping it (`free()`) cancels it; nothing else holds its work.
#[wasm_bindgen]
pub struct AnalysisRunner {
    job: Job,
    kind: &'static str,
    error: Option<String>,
    part: Part,
}

/// What a runner computes: the whole analysis, or one shard of its items for another runner
/// to absorb.
enum Part {
    Whole,
    Shard {
        from: u64,
        to: u64,
        next: u64,
        values: Vec<f64>,
    },
}

/// The most shards an analysis may be split into.
pub const MAX_SHARDS: usize = 64;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StepReport {
    done: u64,
    total: u64,
    fraction: f64,
    finished: bool,
    error: Option<String>,
}

#[wasm_bindgen]
impl AnalysisRunner {
    /// `"barren"`, `"landscape"` or `"expressibility"`.
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.kind.into()
    }

    /// Works for about `budget_ms` milliseconds (at least one item), then returns `{done,
    /// total, fraction, finished, error}`. After an error it does nothing more.
    pub fn step(&mut self, budget_ms: f64) -> Res<JsValue> {
        let budget = if budget_ms.is_finite() {
            budget_ms.clamp(0.0, 1000.0)
        } else {
            8.0
        };
        let start = fine_ms();
        while self.error.is_none() && !self.is_finished() {
            let r = match &mut self.part {
                Part::Whole => self.job.step(1).map(|_| ()),
                Part::Shard { next, values, .. } => {
                    let r = self.job.compute_item(*next, values);
                    *next += 1;
                    r
                }
            };
            if let Err(e) = r {
                self.error = Some(e.to_string());
            }
            if fine_ms() - start >= budget {
                break;
            }
        }
        self.progress()
    }

    fn is_finished(&self) -> bool {
        match &self.part {
            Part::Whole => self.job.is_done(),
            Part::Shard { next, to, .. } => next >= to,
        }
    }

    /// How far it is, without working: `{done, total, fraction, finished, error}` (of its
    /// shard, for a runner computing one).
    pub fn progress(&self) -> Res<JsValue> {
        let p = match &self.part {
            Part::Whole => self.job.progress(),
            Part::Shard { from, to, next, .. } => {
                let all = self.job.cost_between(*from, *to);
                crate::analysis::Progress {
                    done: next - from,
                    total: to - from,
                    fraction: if all > 0.0 {
                        (self.job.cost_between(*from, *next) / all).min(1.0)
                    } else {
                        1.0
                    },
                }
            }
        };
        to_js(&StepReport {
            done: p.done,
            total: p.total,
            fraction: p.fraction,
            finished: self.is_finished(),
            error: self.error.clone(),
        })
    }

    /// The result as JSON (what `doc.analyses` holds; for a shard runner, the shard
    /// `{from, to, width, values}` another runner absorbs); throws before it is finished.
    pub fn result(&self) -> Res<String> {
        if !self.is_finished() {
            return Err(fail("the analysis has not finished"));
        }
        if let Some(e) = &self.error {
            return Err(fail(e.clone()));
        }
        match &self.part {
            Part::Whole => {
                let r = self.job.result().map_err(err)?;
                serde_json::to_string(&r).map_err(err)
            }
            Part::Shard {
                from, to, values, ..
            } => serde_json::to_string(&debugger::Shard {
                from: *from,
                to: *to,
                width: self.job.width(),
                values: values.clone(),
            })
            .map_err(err),
        }
    }

    /// Work items (samples, grid points, pairs) in the whole analysis.
    #[wasm_bindgen(getter)]
    pub fn items(&self) -> f64 {
        self.job.items() as f64
    }

    /// Makes this (not yet stepped) runner compute shard `index` of `count` contiguous shards of
    /// about equal cost, for a runner of the same analysis to [`absorb`](Self::absorb): how the
    /// page splits an analysis across workers.
    pub fn shard(&mut self, index: usize, count: usize) -> Res<()> {
        if count == 0 || count > MAX_SHARDS || index >= count {
            return Err(fail(format!(
                "shard {index} of {count}: the count must be 1 to {MAX_SHARDS} and the index below it"
            )));
        }
        if !matches!(self.part, Part::Whole) || self.job.accepted() > 0 {
            return Err(fail(
                "only an analysis that has not started can compute a shard",
            ));
        }
        let cuts = self.job.cuts(count);
        let (from, to) = (cuts[index], cuts[index + 1]);
        self.part = Part::Shard {
            from,
            to,
            next: from,
            values: Vec::with_capacity((to - from) as usize * self.job.width()),
        };
        Ok(())
    }

    /// Takes a shard's result (JSON from a shard runner's `result()`) into this analysis; shards
    /// are taken in order, the first from item 0. Returns the progress. Throws, saying why, on a
    /// shard of another analysis or out of order; the numbers end bit for bit as if this runner
    /// had computed them.
    pub fn absorb(&mut self, shard: &str) -> Res<JsValue> {
        if !matches!(self.part, Part::Whole) {
            return Err(fail("a runner computing a shard does not absorb shards"));
        }
        if let Some(e) = &self.error {
            return Err(fail(e.clone()));
        }
        let s: debugger::Shard =
            serde_json::from_str(shard).map_err(|e| fail(format!("the shard: {e}")))?;
        let before = self.job.accepted();
        if let Err(e) = self.job.absorb(&s) {
            if self.job.accepted() != before {
                self.error = Some(e.to_string());
            }
            return Err(err(e));
        }
        self.progress()
    }
}

/// The analyses list `analyses` (JSON array, as a document holds it) with `result` (JSON) put
/// in, replacing the one of its kind: what the page writes into the document.
#[wasm_bindgen(js_name = withAnalysis)]
pub fn with_analysis(analyses: &str, result: &str) -> Res<String> {
    let list: Vec<AnalysisResult> =
        serde_json::from_str(analyses).map_err(|e| fail(format!("analyses: {e}")))?;
    let r: AnalysisResult =
        serde_json::from_str(result).map_err(|e| fail(format!("the result: {e}")))?;
    serde_json::to_string(&dv::with_analysis(&list, r)).map_err(err)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GateTint {
    gate: usize,
    norm: f64,
    /// 0 (no gradient) … 1 (the largest of the step), on a log scale over four decades.
    level: f64,
    vanished: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GradientsOut {
    blocks: Vec<(String, f64)>,
    gates: Vec<GateTint>,
    warning: Option<String>,
    threshold: f64,
    epochs: usize,
    window: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FourierOut {
    #[serde(flatten)]
    report: debugger::FourierReport,
    summary: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct DrawOpts {
    pixel_ratio: Option<f64>,
    /// Barren: "qubits" (the reference circuit, default) or "layers" (the drawn circuit).
    axis: Option<String>,
    /// Fourier: the input varied (0-based, default 0).
    input: Option<usize>,
}

impl Playground {
    fn stored(&self, kind: &str) -> Res<&AnalysisResult> {
        self.trainer
            .spec()
            .analyses
            .iter()
            .find(|a| dv::kind(a) == kind)
            .ok_or_else(|| fail(format!("the document holds no {kind} analysis")))
    }
}

#[wasm_bindgen]
impl Playground {
    /// Starts a long analysis of the current document and run: `kind` is `"barren"`,
    /// `"landscape"` or `"expressibility"`; `opts` as in `qmlp analyze` (`{samples, qubits,
    /// layers, refLayers, seed, resolution, span, params, pairs, maxLayers}`). Throws on
    /// options the analysis refuses.
    /// The training path (see `Trainer::path`) as one array, `n_params` weights per point,
    /// oldest first: what the analysis worker is given with the snapshot, which lacks it.
    #[wasm_bindgen(js_name = trainingPath)]
    pub fn training_path(&self) -> Vec<f64> {
        self.trainer.path().concat()
    }

    /// Takes a training path from [`Playground::training_path`] of a playground holding the
    /// same document and weights; throws, saying why, on one that does not fit this model.
    #[wasm_bindgen(js_name = setTrainingPath)]
    pub fn set_training_path(&mut self, flat: Vec<f64>) -> Res<()> {
        let n = self.trainer.n_params().max(1);
        if flat.len() % n != 0 {
            return Err(fail(format!(
                "a training path of this model has {n} weights per point; {} is not a multiple",
                flat.len()
            )));
        }
        let rows = flat.chunks(n).map(<[f64]>::to_vec).collect();
        self.trainer.set_path(rows).map_err(fail)
    }

    #[wasm_bindgen(js_name = startAnalysis)]
    pub fn start_analysis(&self, kind: &str, opts: JsValue) -> Res<AnalysisRunner> {
        // serde-wasm-bindgen reads a struct's own fields only: a misspelt option is named here.
        if let Some(obj) = opts.dyn_ref::<js_sys::Object>() {
            for k in js_sys::Object::keys(obj).iter() {
                let k = k.as_string().unwrap_or_default();
                if !OPTION_NAMES.contains(&k.as_str()) {
                    return Err(fail(format!(
                        "unknown option '{k}'; the options are {}",
                        OPTION_NAMES.join(", ")
                    )));
                }
            }
        }
        let o: AnalysisOpts = from_js(opts)?;
        let seed = o.seed.unwrap_or(1);
        let t = &self.trainer;
        let (job, kind) = match kind {
            "barren" => {
                let samples = at_most("samples", o.samples.unwrap_or(200), MAX_SAMPLES)?;
                let layers = at_most("layers", o.layers.unwrap_or(6), 50)?;
                let ref_layers = at_most("refLayers", o.ref_layers.unwrap_or(50), 200)?;
                let qubits = o.qubits.unwrap_or_else(|| (2..=10).collect());
                let j = debugger::barren_job(
                    &t.spec().circuit,
                    layers,
                    qubits,
                    ref_layers,
                    samples,
                    seed,
                );
                (j, "barren")
            }
            "landscape" => {
                let resolution = o.resolution.unwrap_or(41);
                if !(2..=MAX_LANDSCAPE_RESOLUTION).contains(&resolution) {
                    return Err(fail(format!(
                        "resolution must be 2 to {MAX_LANDSCAPE_RESOLUTION}, not {resolution}"
                    )));
                }
                let directions = match o.params {
                    Some([first, second]) => Directions::Params { first, second },
                    None => Directions::Random { seed, params: None },
                };
                let spec = LandscapeSpec {
                    directions,
                    span: o.span.unwrap_or(std::f64::consts::PI),
                    resolution,
                };
                (debugger::landscape_job(t, spec), "landscape")
            }
            "expressibility" => {
                let spec = ExpressibilitySpec {
                    pairs: at_most("pairs", o.pairs.unwrap_or(2000), MAX_SAMPLES)?,
                    bins: 75,
                    seed,
                };
                let layers = at_most("maxLayers", o.max_layers.unwrap_or(3), 5)?;
                (
                    debugger::expressibility_job(&t.spec().circuit, spec, layers),
                    "expressibility",
                )
            }
            other => {
                return Err(fail(format!(
                    "unknown analysis '{other}'; use barren, landscape or expressibility"
                )))
            }
        };
        Ok(AnalysisRunner {
            job: job.map_err(err)?,
            kind,
            error: None,
            part: Part::Whole,
        })
    }

    /// The last step's gradients: `{blocks: [[name, norm]…] (blocks with trainable numbers),
    /// gates: [{gate, norm, level, vanished}…] (per trainable gate; level 0…1 for the tint),
    /// warning (when every block stayed below the threshold for `window` epochs), threshold,
    /// epochs}`.
    #[wasm_bindgen(js_name = gradientReport)]
    pub fn gradient_report(&self) -> Res<JsValue> {
        let t = &self.trainer;
        let r = debugger::gradient_report(t);
        let s = t.block_sizes();
        let sizes = [s.pre_net, s.circuit, s.post_net, s.head];
        let norms: Vec<f64> = r.gates.iter().map(|g| g.norm).collect();
        let levels = dv::tint_levels(&norms);
        to_js(&GradientsOut {
            blocks: (0..4)
                .filter(|&b| sizes[b] > 0)
                .map(|b| (dv::BLOCK_NAMES[b].to_string(), r.blocks[b]))
                .collect(),
            gates: r
                .gates
                .iter()
                .zip(levels)
                .map(|(g, level)| GateTint {
                    gate: g.gate,
                    norm: g.norm,
                    level,
                    vanished: g.norm < VANISHING_THRESHOLD,
                })
                .collect(),
            warning: r.warning,
            threshold: VANISHING_THRESHOLD,
            epochs: r.history.len(),
            window: VANISHING_EPOCHS,
        })
    }

    /// Draws the per-block gradient norm of every trained epoch (`{pixelRatio}`).
    #[wasm_bindgen(js_name = drawGradientNorms)]
    pub fn draw_gradient_norms(&self, canvas: HtmlCanvasElement, opts: JsValue) -> Res<()> {
        let o: DrawOpts = from_js(opts)?;
        let t = &self.trainer;
        let s = t.block_sizes();
        let area = canvas_area(canvas)?;
        dv::draw_gradient_history(
            &area,
            &t.history().gradients,
            [s.pre_net, s.circuit, s.post_net, s.head],
            VANISHING_THRESHOLD,
            pixel_ratio(o.pixel_ratio)?,
        )
        .map_err(err)?;
        area.present().map_err(err)
    }

    /// The Fourier view of input `input` (0-based): the report (`{input, inputName, spectrum,
    /// reachable, pure, note}`) and a `summary` in words.
    #[wasm_bindgen(js_name = fourierReport)]
    pub fn fourier_report(&self, input: usize) -> Res<JsValue> {
        let r = debugger::fourier_report(&self.trainer, input, 0).map_err(err)?;
        let summary = dv::fourier_summary(&r.input_name, &r.spectrum, &r.reachable, &r.note);
        to_js(&FourierOut { report: r, summary })
    }

    /// Draws the Fourier spectrum of `{input}` with its reachable frequencies (`{pixelRatio}`).
    #[wasm_bindgen(js_name = drawFourier)]
    pub fn draw_fourier(&self, canvas: HtmlCanvasElement, opts: JsValue) -> Res<()> {
        let o: DrawOpts = from_js(opts)?;
        let r = debugger::fourier_report(&self.trainer, o.input.unwrap_or(0), 0).map_err(err)?;
        let area = canvas_area(canvas)?;
        dv::draw_fourier(
            &area,
            &r.spectrum,
            &r.reachable,
            pixel_ratio(o.pixel_ratio)?,
        )
        .map_err(err)?;
        area.present().map_err(err)
    }

    /// The kinds of analysis the document holds (`["landscape", …]`).
    #[wasm_bindgen(js_name = storedAnalyses)]
    pub fn stored_analyses(&self) -> Vec<String> {
        self.trainer
            .spec()
            .analyses
            .iter()
            .map(|a| dv::kind(a).to_string())
            .collect()
    }

    /// The stored analysis of `kind` as JSON; throws when the document holds none.
    pub fn analysis(&self, kind: &str) -> Res<String> {
        serde_json::to_string(self.stored(kind)?).map_err(err)
    }

    /// The stored analysis of `kind` in words; throws when the document holds none.
    #[wasm_bindgen(js_name = analysisSummary)]
    pub fn analysis_summary(&self, kind: &str) -> Res<String> {
        Ok(dv::summary(self.stored(kind)?))
    }

    /// Draws the stored analysis of `kind` (`"barren"`, `"landscape"`) on a canvas;
    /// options `{pixelRatio, axis: "qubits" | "layers"}` (barren: the reference circuit over
    /// qubits, or the drawn circuit over layers). Throws when the document holds none.
    #[wasm_bindgen(js_name = drawAnalysis)]
    pub fn draw_analysis(&self, canvas: HtmlCanvasElement, kind: &str, opts: JsValue) -> Res<()> {
        let o: DrawOpts = from_js(opts)?;
        let ratio = pixel_ratio(o.pixel_ratio)?;
        let a = self.stored(kind)?;
        let area = canvas_area(canvas)?;
        match a {
            AnalysisResult::Barren { drawn, reference } => match o.axis.as_deref() {
                None | Some("qubits") => dv::draw_barren(&area, reference, FitAxis::Qubits, ratio),
                Some("layers") => match drawn {
                    Some(d) => dv::draw_barren(&area, d, FitAxis::Layers, ratio),
                    None => return Err(fail("the drawn circuit has no layer sweep")),
                },
                Some(x) => return Err(fail(format!("unknown axis '{x}'; use qubits or layers"))),
            },
            AnalysisResult::Landscape(l) => dv::draw_landscape(&area, l, ratio),
            AnalysisResult::Expressibility { .. } => {
                return Err(fail("expressibility has no chart; see its summary"))
            }
        }
        .map_err(err)?;
        area.present().map_err(err)
    }
}
