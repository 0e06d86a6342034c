//! Tests of the curves-per-epoch charts.

use super::super::testutil::{
    assert_readable, attr, hex, render, sample, tags, texts, unmeasured_texts,
};
use super::*;

const BLUE: RGBColor = RGBColor(8, 119, 189);
const ORANGE: RGBColor = RGBColor(245, 147, 34);

fn dashed(color: RGBColor) -> LineStyle {
    LineStyle {
        color,
        dash: Dash::Dashed,
        width: 2.0,
    }
}

fn polyline_points(tag: &str) -> usize {
    attr(tag, "points").map_or(0, |p| p.split_whitespace().count())
}

fn chart(series: &[Series], opts: &LossChartOptions) -> String {
    render((480, 300), |a| {
        draw_loss_chart(a, series, opts).expect("draw loss chart");
    })
}

fn curve_lines(svg: &str, c: RGBColor) -> Vec<&str> {
    tags(svg, "polyline")
        .into_iter()
        .filter(|t| attr(t, "stroke") == Some(hex(c).as_str()))
        .collect()
}

#[test]
fn one_polyline_point_per_epoch() {
    let train: Vec<f64> = (0..25).map(|i| 1.0 / (1.0 + i as f64)).collect();
    let s = [Series {
        label: "train",
        values: &train,
        style: LineStyle::solid(BLUE),
    }];
    let svg = chart(&s, &LossChartOptions::default());
    let lines = curve_lines(&svg, BLUE);
    // The curve itself plus the legend swatch (two 2-point segments).
    let longest = lines.iter().map(|t| polyline_points(t)).max().unwrap_or(0);
    assert_eq!(longest, 25, "{svg}");
    let t = texts(&svg);
    assert!(t.iter().any(|s| s == "epoch"), "{t:?}");
    assert!(t.iter().any(|s| s == "loss"), "{t:?}");
    assert!(
        t.iter()
            .any(|s| s.starts_with("train") && s.contains("0.04")),
        "{t:?}"
    );
}

#[test]
fn empty_history_does_not_fail() {
    let s = [Series {
        label: "train",
        values: &[],
        style: LineStyle::solid(BLUE),
    }];
    for log_scale in [false, true] {
        let opts = LossChartOptions {
            log_scale,
            ..Default::default()
        };
        let svg = chart(&s, &opts);
        assert!(svg.contains("epoch"));
        let svg = chart(&[], &opts);
        assert!(svg.contains("epoch"));
    }
}

#[test]
fn a_single_point_is_drawn_as_a_dot() {
    let s = [Series {
        label: "train",
        values: &[0.7],
        style: LineStyle::solid(ORANGE),
    }];
    let svg = chart(&s, &LossChartOptions::default());
    let dots: Vec<_> = tags(&svg, "circle")
        .into_iter()
        .filter(|t| attr(t, "fill") == Some(hex(ORANGE).as_str()))
        .collect();
    assert_eq!(dots.len(), 1, "{svg}");
}

#[test]
fn nan_and_inf_leave_gaps() {
    let v = [1.0, 0.8, f64::NAN, 0.5, 0.4, f64::INFINITY, 0.3, 0.2, 0.1];
    let s = [Series {
        label: "",
        values: &v,
        style: LineStyle::solid(BLUE),
    }];
    let svg = chart(&s, &LossChartOptions::default());
    let mut counts: Vec<usize> = curve_lines(&svg, BLUE)
        .iter()
        .map(|t| polyline_points(t))
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, [2, 2, 3], "{svg}");
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

#[test]
fn log_scale_labels_decades_and_clamps_zero() {
    let train: Vec<f64> = (0..40).map(|i| 2.0 * 0.8f64.powi(i)).collect();
    let test = [1.0, 0.5, 0.0, -1.0, 0.01];
    let s = [
        Series {
            label: "train",
            values: &train,
            style: LineStyle::solid(BLUE),
        },
        Series {
            label: "test",
            values: &test,
            style: dashed(ORANGE),
        },
    ];
    let opts = LossChartOptions {
        log_scale: true,
        title: Some("Loss".into()),
        y_label: "loss".into(),
        dark: true,
        ..Default::default()
    };
    let svg = chart(&s, &opts);
    let t = texts(&svg);
    for want in ["0.001", "0.01", "0.1", "1", "Loss"] {
        assert!(t.iter().any(|s| s == want), "missing {want} in {t:?}");
    }
    // Dark background fills the area.
    assert!(svg.contains(&hex(RGBColor(27, 29, 36))));
    // The dashed test curve is drawn as several short polylines, all on the canvas.
    assert!(curve_lines(&svg, ORANGE).len() >= 4);
}

#[test]
fn four_series_each_get_a_legend_entry() {
    let a: Vec<f64> = (0..10).map(|i| 1.0 - 0.05 * i as f64).collect();
    let b: Vec<f64> = a.iter().map(|v| v + 0.05).collect();
    let c: Vec<f64> = a.iter().map(|v| v * 0.9).collect();
    let d: Vec<f64> = a.iter().map(|v| v * 0.95).collect();
    let s = [
        Curve::Train.series(&a),
        Curve::Test.series(&b),
        Curve::BaselineTrain.series(&c),
        Curve::BaselineTest.series(&d),
    ];
    // Wide: one row, each entry with its latest value.
    let opts = LossChartOptions::default();
    let wide = render((900, 300), |a| {
        draw_loss_chart(a, &s, &opts).expect("draw loss chart");
    });
    let t = texts(&wide);
    for want in ["train", "test", "MLP train", "MLP test"] {
        assert!(
            t.iter().any(|s| s.starts_with(&format!("{want}  "))),
            "missing {want} in {t:?}"
        );
    }
    // Page-sized (414 x 170): the labels alone, in one row (the page shows the values in its
    // metrics table).
    let page = render((414, 170), |a| {
        draw_loss_chart(a, &s, &opts).expect("draw loss chart");
    });
    let t = texts(&page);
    for want in ["train", "test", "MLP train", "MLP test"] {
        assert!(t.iter().any(|s| s == want), "missing {want} in {t:?}");
    }
    let legend_rows = |svg: &str| {
        let mut ys = text_ys(svg, &["train", "test", "MLP"]);
        ys.sort_unstable();
        ys.dedup();
        ys.len()
    };
    assert_eq!(legend_rows(&page), 1);
    // Taller charts keep the values, on as many rows as they need.
    for size in [(480, 300), (200, 300)] {
        let svg = render(size, |a| {
            draw_loss_chart(a, &s, &opts).expect("draw loss chart");
        });
        let t = texts(&svg);
        for want in ["train", "test", "MLP train", "MLP test"] {
            assert!(
                t.iter().any(|s| s.starts_with(&format!("{want}  "))),
                "{size:?}: missing {want} in {t:?}"
            );
        }
        assert!(legend_rows(&svg) >= 2, "{size:?}");
        assert_readable(&svg, size);
    }
    assert_readable(&page, (414, 170));
    assert_readable(&wide, (900, 300));
}

/// y of every `<text>` whose content is one of `labels`.
fn text_ys(svg: &str, labels: &[&str]) -> Vec<i32> {
    let tags = tags(svg, "text");
    let contents = texts(svg);
    tags.iter()
        .zip(&contents)
        .filter(|(_, c)| labels.iter().any(|l| c.starts_with(l)))
        .filter_map(|(t, _)| attr(t, "y").and_then(|v| v.parse().ok()))
        .collect()
}

#[test]
fn the_legend_sits_above_the_plot_and_never_covers_a_curve() {
    // Accuracy-like curves that run into the top right corner, where a legend inside the plot
    // would sit.
    let a: Vec<f64> = (0..40)
        .map(|i| 1.0 - 0.5 * (-(i as f64) / 6.0).exp())
        .collect();
    let b: Vec<f64> = a.iter().map(|v| v - 0.02).collect();
    let s = [
        Series {
            label: "train",
            values: &a,
            style: LineStyle::solid(BLUE),
        },
        Series {
            label: "test",
            values: &b,
            style: dashed(ORANGE),
        },
    ];
    for (size, ratio) in [((414, 170), 1.0), ((828, 340), 2.0), ((220, 170), 1.0)] {
        let opts = LossChartOptions {
            y_label: "accuracy".into(),
            pixel_ratio: ratio,
            ..Default::default()
        };
        let svg = render(size, |area| {
            draw_loss_chart(area, &s, &opts).expect("draw loss chart");
        });
        let legend = text_ys(&svg, &["train", "test", "accuracy"]);
        assert!(legend.len() >= 3, "{size:?}: {:?}", texts(&svg));
        let lowest_label = legend.iter().copied().max().unwrap_or(i32::MAX);
        let font = (12.0 * ratio) as i32;
        let highest_curve = curve_lines(&svg, BLUE)
            .iter()
            .chain(&curve_lines(&svg, ORANGE))
            .filter(|t| polyline_points(t) > 2)
            .flat_map(|t| {
                attr(t, "points")
                    .unwrap_or("")
                    .split_whitespace()
                    .filter_map(|p| p.split(',').nth(1).and_then(|y| y.parse::<i32>().ok()))
                    .collect::<Vec<_>>()
            })
            .min()
            .unwrap_or(i32::MIN);
        assert!(
            highest_curve > lowest_label + font / 2,
            "{size:?}: legend text at y = {lowest_label} reaches the curves at y = {highest_curve}"
        );
    }
}

#[test]
fn pixel_ratio_scales_text_and_lines() {
    let v: Vec<f64> = (0..12).map(|i| 1.0 / (1.0 + i as f64)).collect();
    let s = [Series {
        label: "train",
        values: &v,
        style: LineStyle::solid(BLUE),
    }];
    let draw = |size: (u32, u32), pixel_ratio: f64| {
        let opts = LossChartOptions {
            pixel_ratio,
            ..Default::default()
        };
        render(size, |a| draw_loss_chart(a, &s, &opts).expect("draw"))
    };
    let one = draw((414, 170), 1.0);
    let two = draw((828, 340), 2.0);
    let font = |svg: &str| -> f64 {
        tags(svg, "text")
            .first()
            .and_then(|t| attr(t, "font-size"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    assert!((font(&two) - 2.0 * font(&one)).abs() < 1e-6);
    let width = |svg: &str| -> Option<String> {
        curve_lines(svg, BLUE)
            .iter()
            .max_by_key(|t| polyline_points(t))
            .and_then(|t| attr(t, "stroke-width").map(str::to_string))
    };
    assert_eq!(width(&one).as_deref(), Some("2"));
    assert_eq!(width(&two).as_deref(), Some("4"));
    // The same texts at both densities.
    assert_eq!(texts(&one), texts(&two));
}

#[test]
fn no_text_is_measured_through_the_backend() {
    // Regression (strict CSP on the page): plotters' chart layout and legend measured text,
    // which on wasm goes through a DOM <span> with an inline style the CSP blocks. Natively
    // only the backend's side can be checked (plotters' font-level measuring is a harmless
    // estimate here); the page's side is e2e/csp.test.mjs.
    let v = [0.5, 0.4, 0.3];
    let s = [
        Series {
            label: "train",
            values: &v,
            style: LineStyle::solid(BLUE),
        },
        Series {
            label: "MLP test",
            values: &v,
            style: dashed(ORANGE),
        },
    ];
    for log_scale in [false, true] {
        let opts = LossChartOptions {
            log_scale,
            title: Some("Loss".into()),
            ..Default::default()
        };
        let texts = unmeasured_texts((414, 170), |a| draw_loss_chart(a, &s, &opts));
        for want in ["Loss", "loss", "epoch", "train  0.300", "MLP test  0.300"] {
            assert!(texts.iter().any(|t| t == want), "{want}: {texts:?}");
        }
    }
}

#[test]
fn long_histories_are_decimated() {
    let v: Vec<f64> = (0..20_000).map(|i| 1.0 / (1.0 + i as f64 * 0.01)).collect();
    let s = [Series {
        label: "train",
        values: &v,
        style: LineStyle::solid(BLUE),
    }];
    let svg = chart(&s, &LossChartOptions::default());
    let longest = curve_lines(&svg, BLUE)
        .iter()
        .map(|t| polyline_points(t))
        .max()
        .unwrap_or(0);
    assert!(longest > 100 && longest < 1200, "{longest}");
}

#[test]
fn decimation_keeps_extremes_and_ends() {
    let run: Vec<(f64, f64)> = (0..1000)
        .map(|i| (i as f64, if i == 537 { 9.0 } else { 1.0 }))
        .collect();
    let d = decimate(&run, 10);
    assert!(d.len() <= 22);
    assert!(d.contains(&(537.0, 9.0)));
    assert_eq!(d.first(), run.first());
    assert_eq!(d.last(), run.last());
}

#[test]
fn the_four_history_curves_look_different() {
    let all = [
        Curve::Train,
        Curve::Test,
        Curve::BaselineTrain,
        Curve::BaselineTest,
    ];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a.style(), b.style(), "{a:?} and {b:?}");
            assert_ne!(a.label(), b.label());
        }
    }
    // Colour tells the split, the line the model: the baseline's train and test curves differ
    // in colour, the hybrid's and the baseline's in line.
    for (a, b) in [
        (Curve::Train, Curve::BaselineTrain),
        (Curve::Test, Curve::BaselineTest),
    ] {
        assert_eq!(a.style().color, b.style().color);
        assert!(a.style().dash == Dash::Solid && b.style().dash == Dash::Dashed);
    }
    assert_ne!(
        Curve::BaselineTrain.style().color,
        Curve::BaselineTest.style().color
    );
    // In the drawing: solid curves are one polyline, the baseline's are cut into dashes.
    let v: Vec<f64> = (0..30).map(|i| 0.9 - 0.02 * i as f64).collect();
    let s = [Curve::Test.series(&v), Curve::BaselineTrain.series(&v)];
    let svg = chart(&s, &LossChartOptions::default());
    let lines = |c: RGBColor| curve_lines(&svg, c).len();
    assert_eq!(
        lines(Curve::Test.style().color),
        2,
        "the curve and its legend swatch"
    );
    assert!(lines(Curve::BaselineTrain.style().color) > 20);
}

#[test]
fn edit_marks_are_labelled_vertical_lines() {
    let v: Vec<f64> = (0..30).map(|i| 1.0 / (1.0 + i as f64)).collect();
    let s = [Curve::Train.series(&v), Curve::Test.series(&v)];
    let opts = LossChartOptions {
        marks: vec![
            EpochMark {
                epoch: 10.5,
                label: "+RY".into(),
            },
            EpochMark {
                epoch: 11.0,
                label: "lr 0.1".into(),
            },
            EpochMark {
                epoch: 29.5,
                label: "-CNOT".into(),
            },
            EpochMark {
                epoch: 34.5,
                label: String::new(),
            },
        ],
        ..Default::default()
    };
    for (size, ratio) in [((414, 170), 1.0), ((828, 340), 2.0), ((560, 320), 1.0)] {
        let opts = LossChartOptions {
            pixel_ratio: ratio,
            ..opts.clone()
        };
        let svg = render(size, |a| draw_loss_chart(a, &s, &opts).expect("draw"));
        let t = texts(&svg);
        assert!(
            t.iter().any(|s| s == "+RY") && t.iter().any(|s| s == "-CNOT"),
            "{t:?}"
        );
        assert!(t.iter().any(|s| s == "edit"), "a legend entry: {t:?}");
        // "lr 0.1" stands too close to "+RY" and is left out rather than drawn over it.
        assert!(!t.iter().any(|s| s == "lr 0.1"), "{t:?}");
        assert_readable(&svg, size);
        // One vertical line per mark across the plot (the edit colour, a little transparent).
        let verticals = tags(&svg, "rect")
            .into_iter()
            .filter(|r| attr(r, "fill") == Some(hex(MARK).as_str()))
            .filter(|r| attr(r, "height").and_then(|h| h.parse::<f64>().ok()) > Some(50.0 * ratio))
            .count();
        assert_eq!(verticals, 4);
        // A mark beyond the last epoch widens the epoch axis to show it.
        assert!(t.iter().any(|s| s == "30"), "{t:?}");
    }
}

#[test]
fn reference_lines_widen_the_axis_and_join_the_legend() {
    let v: Vec<f64> = (0..20).map(|i| 0.5 * 0.8f64.powi(i)).collect();
    let s = [Curve::Train.series(&v)];
    let hl = [HLine {
        value: 1e-5,
        label: "threshold",
        style: LineStyle {
            color: RED,
            dash: Dash::Dashed,
            width: 1.0,
        },
    }];
    let chart = LineChart {
        series: &s,
        hlines: &hl,
        marks: &[],
        log: true,
        title: None,
        x_title: "step",
        y_title: "|g|",
        dark: false,
        pixel_ratio: 1.0,
    };
    let svg = render((400, 200), |a| chart.draw(a).expect("draw"));
    let t = texts(&svg);
    for want in ["threshold", "step", "|g|", "1e-5"] {
        assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
    }
    assert!(
        curve_lines(&svg, RED).len() > 5,
        "a dashed line across the plot"
    );
    assert_readable(&svg, (400, 200));
}

/// Writes sample SVGs (see `testutil::sample`).
#[test]
fn render_samples_when_requested() {
    if std::env::var("QMLP_PLOT_SAMPLES").is_err() {
        return;
    }
    let n = 60;
    let noise = |i: usize, k: f64| ((i as f64 * 12.9898 + k).sin() * 43758.5453).fract() * 0.03;
    let curve = |a: f64, b: f64, tau: f64, k: f64| -> Vec<f64> {
        (0..n)
            .map(|i| a + b * (-(i as f64) / tau).exp() + noise(i, k).abs())
            .collect()
    };
    let (train, test) = (curve(0.08, 0.62, 12.0, 1.0), curve(0.11, 0.6, 14.0, 2.0));
    let (mtrain, mtest) = (curve(0.15, 0.55, 25.0, 3.0), curve(0.18, 0.55, 25.0, 4.0));
    let s = [
        Curve::Train.series(&train),
        Curve::Test.series(&test),
        Curve::BaselineTrain.series(&mtrain),
        Curve::BaselineTest.series(&mtest),
    ];
    let marks = vec![
        EpochMark {
            epoch: 20.5,
            label: "+RY q1".into(),
        },
        EpochMark {
            epoch: 41.5,
            label: "lr 0.02".into(),
        },
    ];
    for (size, ratio, name) in [
        ((414, 170), 1.0, "loss-414x170"),
        ((828, 340), 2.0, "loss-414x170@2x"),
        ((560, 320), 1.0, "loss-560x320"),
    ] {
        let opts = LossChartOptions {
            marks: marks.clone(),
            pixel_ratio: ratio,
            ..Default::default()
        };
        sample(
            name,
            &render(size, |a| draw_loss_chart(a, &s, &opts).expect("draw")),
        );
    }
    let log: Vec<f64> = (0..200)
        .map(|i| 1.2 * (-(i as f64) / 30.0).exp() + 1e-3)
        .collect();
    let log_test: Vec<f64> = log.iter().map(|v| v * 1.4 + 2e-3).collect();
    let s2 = [Curve::Train.series(&log), Curve::Test.series(&log_test)];
    let opts = LossChartOptions {
        log_scale: true,
        dark: true,
        title: Some("Loss".into()),
        ..Default::default()
    };
    sample(
        "loss-log-dark",
        &render((560, 320), |a| {
            draw_loss_chart(a, &s2, &opts).expect("draw")
        }),
    );
}
