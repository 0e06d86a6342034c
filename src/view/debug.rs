//! The debugger's views, independent of where they are drawn: an analysis result (or a run's
//! gradient records, or a Fourier spectrum) turned into the plot module's charts, and the short
//! text summary the page shows beside each chart. The wasm facade draws the same on a canvas;
//! the native tests draw SVG.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::analysis::barren::{BarrenReport, FitAxis};
use crate::analysis::fourier::FourierSpectrum;
use crate::analysis::landscape::{Directions, Landscape};
use crate::analysis::AnalysisResult;
use crate::doc::GradientRecord;
use crate::plot::{
    self, block_style, ChartStyle, Dash, GradientNorms, MarkerShape, PlotError, ScalingSeries,
    Series, Spectrum, VarianceScaling,
};

/// The blocks' names in the gradient records' order.
pub const BLOCK_NAMES: [&str; 4] = ["pre-net", "circuit", "post-net", "head"];

/// Draws the per-block gradient norms of every trained epoch on a log axis with the vanishing
/// threshold; blocks with no trainable number (`sizes[i] == 0`) are left out.
pub fn draw_gradient_history<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    records: &[GradientRecord],
    sizes: [usize; 4],
    threshold: f64,
    pixel_ratio: f64,
) -> Result<(), PlotError> {
    let values: Vec<Vec<f64>> = (0..4)
        .map(|b| records.iter().map(|r| r.norms[b]).collect())
        .collect();
    let blocks: Vec<Series> = (0..4)
        .filter(|&b| sizes[b] > 0)
        .map(|b| Series {
            label: BLOCK_NAMES[b],
            values: &values[b],
            style: block_style(b),
        })
        .collect();
    let g = GradientNorms {
        blocks: &blocks,
        threshold: Some(threshold),
        x_title: "epoch",
    };
    plot::draw_gradient_norms(area, &g, &style(pixel_ratio, None))
}

fn style(pixel_ratio: f64, title: Option<&str>) -> ChartStyle<'_> {
    ChartStyle {
        title,
        pixel_ratio,
        ..ChartStyle::default()
    }
}

const LOCAL: RGBColor = RGBColor(47, 111, 223);
const GLOBAL: RGBColor = RGBColor(232, 128, 20);

/// The points of a barren report along `axis`: (x, local variance, local error, global
/// variance, global error) at the first value of the other variable.
fn barren_series(r: &BarrenReport, axis: FitAxis) -> Vec<[f64; 5]> {
    let fixed = match axis {
        FitAxis::Qubits => r.spec.layers.first().copied(),
        FitAxis::Layers => r.spec.qubits.first().copied(),
    };
    r.points
        .iter()
        .filter(|p| {
            Some(match axis {
                FitAxis::Qubits => p.layers,
                FitAxis::Layers => p.qubits,
            }) == fixed
        })
        .map(|p| {
            let x = match axis {
                FitAxis::Qubits => p.qubits,
                FitAxis::Layers => p.layers,
            };
            [
                x as f64,
                p.local.variance,
                p.local.variance_std_error,
                p.global.variance,
                p.global.variance_std_error,
            ]
        })
        .collect()
}

/// Draws a barren-plateau report: Var ∂C/∂θ₀ of the local and the global cost against qubits
/// (or layers) on a log axis, with error bars and the fitted exponential's slope in the legend.
pub fn draw_barren<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: &BarrenReport,
    axis: FitAxis,
    pixel_ratio: f64,
) -> Result<(), PlotError> {
    let pts = barren_series(r, axis);
    let col = |i: usize| pts.iter().map(|p| p[i]).collect::<Vec<f64>>();
    let (x, lv, le, gv, ge) = (col(0), col(1), col(2), col(3), col(4));
    let series = [
        ScalingSeries {
            label: "local ⟨Z₀Z₁⟩",
            x: &x,
            y: &lv,
            err: Some(&le),
            color: LOCAL,
            marker: MarkerShape::Dot,
            fit: Some(Dash::Solid),
        },
        ScalingSeries {
            label: "global ⟨|0…0⟩⟨0…0|⟩",
            x: &x,
            y: &gv,
            err: Some(&ge),
            color: GLOBAL,
            marker: MarkerShape::Square,
            fit: Some(Dash::Dashed),
        },
    ];
    let title = match axis {
        FitAxis::Qubits => format!("{}, {} layers", r.family, r.spec.layers[0]),
        FitAxis::Layers => format!("{}, {} qubits", r.family, r.spec.qubits[0]),
    };
    let v = VarianceScaling {
        series: &series,
        x_title: match axis {
            FitAxis::Qubits => "qubits",
            FitAxis::Layers => "layers",
        },
        y_title: "Var ∂C/∂θ₀",
    };
    plot::draw_variance_scaling(area, &v, &style(pixel_ratio, Some(&title)))
}

/// The names of a landscape's two directions.
pub fn landscape_axis_titles(l: &Landscape) -> [String; 2] {
    match l.spec.directions {
        Directions::Params { first, second } => [format!("θ{first}"), format!("θ{second}")],
        Directions::Random { .. } => ["direction 1".into(), "direction 2".into()],
    }
}

/// Draws a loss landscape as a heat map with the training path and the current weights.
pub fn draw_landscape<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Landscape,
    pixel_ratio: f64,
) -> Result<(), PlotError> {
    let span = l.spec.span;
    let path: Vec<(f64, f64)> = l.path.iter().map(|p| (p.alpha, p.beta)).collect();
    let titles = landscape_axis_titles(l);
    let chart = plot::Landscape {
        extent: [-span, span, -span, span],
        grid_n: l.spec.resolution,
        values: &l.loss,
        path: &path,
        current: Some((0.0, 0.0)),
        axis_titles: [&titles[0], &titles[1]],
        value_title: "loss",
        log_scale: false,
    };
    plot::draw_landscape(area, &chart, &style(pixel_ratio, None))
}

/// The indices k of a spectrum's frequencies ω_k that the encoding reaches.
pub fn reachable_indices(s: &FourierSpectrum, reachable: &[f64]) -> Vec<usize> {
    let step = 2.0 * std::f64::consts::PI / s.spec.period;
    let mut out: Vec<usize> = reachable
        .iter()
        .filter(|w| w.is_finite() && **w >= -1e-9)
        .filter_map(|w| {
            let k = (w / step).round();
            ((w / step - k).abs() < 1e-6 && k <= s.spec.max_frequency as f64).then_some(k as usize)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Draws a Fourier spectrum with the reachable frequencies shaded.
pub fn draw_fourier<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &FourierSpectrum,
    reachable: &[f64],
    pixel_ratio: f64,
) -> Result<(), PlotError> {
    let r = reachable_indices(s, reachable);
    plot::draw_spectrum(
        area,
        &Spectrum {
            magnitudes: &s.magnitudes,
            reachable: &r,
        },
        &style(pixel_ratio, None),
    )
}

fn num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        format!("{v}")
    } else if v.abs() >= 1e-3 && v.abs() < 1e4 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    }
}

/// The circuit family in words: the reference circuit is McClean et al.'s.
fn family_name(r: &BarrenReport) -> String {
    match r.family.as_str() {
        "reference" => "Reference circuit (McClean et al.)".into(),
        "drawn circuit" => "Your circuit repeated".into(),
        other => other.to_string(),
    }
}

fn slopes(r: &BarrenReport, axis: FitAxis, per: &str) -> String {
    let fit = r.fits.iter().find(|f| f.axis == axis);
    let s = |f: Option<crate::analysis::stats::ExpFit>| {
        f.map_or("—".to_string(), |f| format!("{:.3}", f.slope))
    };
    let name = family_name(r);
    match fit {
        None => format!("{name}: too few points for a fit"),
        Some(f) => {
            let mut t = format!(
                "{name}: fitted slope of ln Var per {per}: local {}, global {}",
                s(f.local),
                s(f.global)
            );
            if let (Some(l), Some(g)) = (f.local, f.global) {
                t.push_str(if g.slope < l.slope {
                    " (the global cost decays faster)"
                } else {
                    " (the global cost does not decay faster here)"
                });
            }
            t
        }
    }
}

/// A short summary of a finished analysis in words, for the text beside its chart.
pub fn summary(a: &AnalysisResult) -> String {
    match a {
        AnalysisResult::Barren { drawn, reference } => {
            let mut parts = vec![slopes(reference, FitAxis::Qubits, "qubit")];
            if let Some(d) = drawn {
                parts.push(slopes(d, FitAxis::Layers, "repetition"));
            }
            let n = reference.points.first().map_or(0, |p| p.samples);
            format!("{}. {n} random circuits per point.", parts.join(". "))
        }
        AnalysisResult::Landscape(l) => {
            let r = l.spec.resolution;
            format!(
                "{r}×{r} grid over ±{} along two {} directions: loss from {} to {}; the current weights have {} (minimum at α = {}, β = {}).",
                num(l.spec.span),
                match l.spec.directions {
                    Directions::Params { .. } => "parameter",
                    Directions::Random { .. } => "random",
                },
                num(l.min),
                num(l.max),
                num(l.center_loss),
                num(l.argmin[0]),
                num(l.argmin[1])
            )
        }
        AnalysisResult::Expressibility {
            result, ranking, ..
        } => {
            let mut t = format!(
                "Expressibility (KL divergence from Haar) {} nats, entangling capability (mean Meyer–Wallach Q) {}",
                num(result.kl_divergence),
                num(result.entangling_capability)
            );
            if let Some(r) = ranking {
                t.push_str(&format!(
                    "; rank {} of {} by expressibility and {} of {} by entanglement among the built-in templates",
                    r.expressibility_rank, r.out_of, r.entanglement_rank, r.out_of
                ));
            }
            t.push_str(&format!(" ({} pairs).", result.spec.pairs));
            t
        }
    }
}

/// The kind name of an analysis result ("barren", "landscape", "expressibility").
pub fn kind(a: &AnalysisResult) -> &'static str {
    match a {
        AnalysisResult::Barren { .. } => "barren",
        AnalysisResult::Landscape(_) => "landscape",
        AnalysisResult::Expressibility { .. } => "expressibility",
    }
}

/// The analyses with `a` put in: it replaces the one of its kind (a document keeps one of each).
pub fn with_analysis(list: &[AnalysisResult], a: AnalysisResult) -> Vec<AnalysisResult> {
    let mut out: Vec<AnalysisResult> = list
        .iter()
        .filter(|b| kind(b) != kind(&a))
        .cloned()
        .collect();
    out.push(a);
    out
}

/// The tint level of each gradient norm: 0 for no gradient … 1 for the largest, on a log scale
/// over four decades below the largest (smaller norms are 0).
pub fn tint_levels(norms: &[f64]) -> Vec<f64> {
    let most = norms
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    norms
        .iter()
        .map(|&v| {
            if most <= 0.0 || !v.is_finite() || v <= 0.0 {
                0.0
            } else {
                (1.0 + (v / most).log10() / 4.0).clamp(0.0, 1.0)
            }
        })
        .collect()
}

/// The Fourier view in words: the highest reachable frequency, and how much of the output's
/// power (beyond the constant) lies outside the reachable frequencies.
pub fn fourier_summary(input: &str, s: &FourierSpectrum, reachable: &[f64], note: &str) -> String {
    let r = reachable_indices(s, reachable);
    let highest = reachable.iter().copied().fold(0.0f64, f64::max);
    let power = |k: usize| 2.0 * s.magnitudes[k] * s.magnitudes[k];
    let total: f64 = (1..s.magnitudes.len()).map(power).sum::<f64>() + s.power_above;
    let outside: f64 = (1..s.magnitudes.len())
        .filter(|k| !r.contains(k))
        .map(power)
        .sum::<f64>()
        + s.power_above;
    let mut t = format!(
        "The output as a function of {input}: the encoding reaches {} frequenc{} up to ω = {}",
        r.len(),
        if r.len() == 1 { "y" } else { "ies" },
        num(highest)
    );
    if total > 0.0 {
        t.push_str(&format!(
            "; {:.1}% of the varying power lies outside them",
            100.0 * outside / total
        ));
    } else {
        t.push_str("; the output does not vary with it");
    }
    t.push('.');
    if !note.is_empty() {
        t.push_str(&format!(" Not exact: {note}."));
    }
    t
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::analysis::fourier::FourierSpec;
    use crate::debugger;
    use crate::doc::preset;
    use crate::train::Trainer;

    fn svg(size: (u32, u32), f: impl FnOnce(&DrawingArea<SVGBackend, Shift>)) -> String {
        let mut s = String::new();
        {
            let area = SVGBackend::with_string(&mut s, size).into_drawing_area();
            f(&area);
            area.present().unwrap();
        }
        s
    }

    fn trained() -> Trainer {
        let mut t = Trainer::new(preset("default").unwrap()).unwrap();
        for _ in 0..3 {
            assert!(t.run_epoch().error.is_none());
        }
        t
    }

    #[test]
    fn a_barren_run_is_drawn_with_both_costs_and_summarised_with_its_fitted_slopes() {
        let t = trained();
        let job = debugger::barren_job(&t.spec().circuit, 3, vec![2, 3, 4], 10, 40, 3).unwrap();
        let r = job.run().unwrap();
        let AnalysisResult::Barren { drawn, reference } = &r else {
            panic!("not a barren result")
        };
        let fit = reference
            .fits
            .iter()
            .find(|f| f.axis == FitAxis::Qubits)
            .unwrap();
        let text = summary(&r);
        assert!(
            text.contains(&format!("local {:.3}", fit.local.unwrap().slope)),
            "{text}"
        );
        assert!(
            text.contains(&format!("global {:.3}", fit.global.unwrap().slope)),
            "{text}"
        );
        assert!(text.contains("40 random circuits per point"), "{text}");
        let s = svg((480, 300), |a| {
            draw_barren(a, reference, FitAxis::Qubits, 1.0).unwrap()
        });
        assert!(s.contains("qubits") && s.contains("local") && s.contains("global"));
        assert!(s.contains("10 layers"), "the title names the depth");
        let d = drawn.as_ref().expect("the default circuit has angles");
        assert_eq!(barren_series(d, FitAxis::Layers).len(), 3);
        let s = svg((480, 300), |a| {
            draw_barren(a, d, FitAxis::Layers, 1.0).unwrap()
        });
        assert!(s.contains("layers"));
    }

    #[test]
    fn a_landscape_is_drawn_and_summarised_from_its_grid() {
        let t = trained();
        let spec = crate::analysis::landscape::LandscapeSpec {
            resolution: 7,
            ..Default::default()
        };
        let r = debugger::landscape_job(&t, spec).unwrap().run().unwrap();
        let AnalysisResult::Landscape(l) = &r else {
            panic!()
        };
        let text = summary(&r);
        assert!(text.starts_with("7×7 grid"), "{text}");
        assert!(text.contains(&num(l.center_loss)), "{text}");
        let s = svg((420, 360), |a| draw_landscape(a, l, 1.0).unwrap());
        assert!(s.contains("direction 1") && s.contains("loss"));
        assert_eq!(
            landscape_axis_titles(&crate::analysis::landscape::Landscape {
                spec: crate::analysis::landscape::LandscapeSpec {
                    directions: Directions::Params {
                        first: 2,
                        second: 5
                    },
                    ..l.spec.clone()
                },
                ..l.clone()
            }),
            ["θ2".to_string(), "θ5".to_string()]
        );
    }

    #[test]
    fn a_new_analysis_replaces_the_one_of_its_kind_and_keeps_the_others() {
        let t = trained();
        let small = |n| crate::analysis::landscape::LandscapeSpec {
            resolution: n,
            ..Default::default()
        };
        let l3 = debugger::landscape_job(&t, small(3))
            .unwrap()
            .run()
            .unwrap();
        let l5 = debugger::landscape_job(&t, small(5))
            .unwrap()
            .run()
            .unwrap();
        let b = debugger::barren_job(&t.spec().circuit, 1, vec![2, 3], 2, 4, 1)
            .unwrap()
            .run()
            .unwrap();
        let list = with_analysis(&with_analysis(&[], l3), b.clone());
        let list = with_analysis(&list, l5.clone());
        assert_eq!(list, vec![b, l5]);
        // The document takes the list through the trainer's ordinary edit, keeping the run.
        let mut t = t;
        let epoch = t.epoch();
        let mut d = t.document();
        d.analyses = list.clone();
        let out = t.update(d.validated().unwrap()).unwrap();
        assert!(out.kept);
        assert_eq!(t.epoch(), epoch);
        assert_eq!(t.spec().analyses, list);
        assert_eq!(t.snapshot().analyses, list);
    }

    #[test]
    fn gradients_tint_on_a_log_scale_and_skip_empty_blocks() {
        assert_eq!(
            tint_levels(&[1.0, 0.1, 1e-4, 1e-6, 0.0]),
            vec![1.0, 0.75, 0.0, 0.0, 0.0]
        );
        assert_eq!(tint_levels(&[0.0, 0.0]), vec![0.0, 0.0]);
        let t = trained();
        let s = t.block_sizes();
        let sizes = [s.pre_net, s.circuit, s.post_net, s.head];
        let chart = svg((420, 200), |a| {
            draw_gradient_history(a, &t.history().gradients, sizes, 1e-5, 1.0).unwrap()
        });
        assert!(chart.contains("circuit"));
        assert_eq!(chart.contains("pre-net"), sizes[0] > 0);
        assert_eq!(chart.contains("post-net"), sizes[2] > 0);
    }

    #[test]
    fn reachable_frequencies_map_to_spectrum_indices_and_the_summary_counts_the_power_outside() {
        let mut s = crate::analysis::fourier::fourier_coefficients(
            |x| 0.5 + x.cos() + 0.5 * (2.0 * x).sin(),
            &FourierSpec::integer(4),
        )
        .unwrap();
        assert_eq!(
            reachable_indices(&s, &[0.0, 1.0, 2.0, 7.0, 1.5]),
            vec![0, 1, 2]
        );
        let text = fourier_summary("x1", &s, &[0.0, 1.0, 2.0], "");
        assert!(text.contains("3 frequencies up to ω = 2.000"), "{text}");
        assert!(text.contains("0.0% of the varying power"), "{text}");
        let text = fourier_summary("x1", &s, &[0.0, 1.0], "a pre-net");
        // Power 2·1/4 at ω = 1, 2·1/16 at ω = 2: a fifth outside.
        assert!(
            text.contains("20.0%") && text.ends_with("Not exact: a pre-net."),
            "{text}"
        );
        s.spec.period = 4.0 * std::f64::consts::PI;
        assert_eq!(reachable_indices(&s, &[0.0, 0.5, 1.0]), vec![0, 1, 2]);
        let chart = svg((400, 240), |a| {
            draw_fourier(a, &s, &[0.0, 0.5], 1.0).unwrap()
        });
        assert!(chart.contains("reachable"));
    }
}
