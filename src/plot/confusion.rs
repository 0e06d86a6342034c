//! The confusion matrix for up to ten classes: one cell per (true class, predicted class) with
//! its count, shaded by its share of the true class' row, class names on both axes, and the
//! shading's scale as a colour bar.

use super::axis::Axis;
use super::frame::{furnish, AxesStyle, Furniture};
use super::heat::{cell_rect, draw_cells};
use super::legend::ColourBar;
use super::pen::{Pen, LABEL, SMALL};
use super::{mix, ChartStyle, PlotError};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Counts of a classifier's predictions: row `i`, column `j` is how many points of true class
/// `i` were predicted as class `j`.
#[derive(Debug, Clone, Copy)]
pub struct ConfusionMatrix<'a> {
    /// Number of classes k (1 to 10).
    pub n_classes: usize,
    /// `k * k` counts, row-major: row = true class, column = predicted class.
    pub counts: &'a [usize],
    /// Class names, class 0 first; missing or empty names are the class number.
    pub class_names: &'a [&'a str],
}

/// The most classes a confusion matrix shows.
pub const MAX_CONFUSION_CLASSES: usize = 10;

/// The colour of a full row share (a deep blue); an empty share is the background.
const FULL: RGBColor = RGBColor(22, 84, 160);

/// The name of class `c`.
fn name(names: &[&str], c: usize) -> String {
    match names.get(c) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => c.to_string(),
    }
}

/// Checks the shape of the matrix.
fn check(m: &ConfusionMatrix) -> Result<(), PlotError> {
    let k = m.n_classes;
    if !(1..=MAX_CONFUSION_CLASSES).contains(&k) {
        return Err(PlotError::InvalidInput(format!(
            "a confusion matrix shows 1 to {MAX_CONFUSION_CLASSES} classes, not {k}"
        )));
    }
    if m.counts.len() != k * k {
        return Err(PlotError::InvalidInput(format!(
            "a confusion matrix of {k} classes needs {} counts ({k} × {k}), not {}",
            k * k,
            m.counts.len()
        )));
    }
    Ok(())
}

/// Each cell's share of its row (0 for an empty row), row-major like the counts.
fn row_shares(m: &ConfusionMatrix) -> Vec<f64> {
    let k = m.n_classes;
    m.counts
        .chunks(k)
        .flat_map(|row| {
            let total: usize = row.iter().sum();
            row.iter().map(move |&c| {
                if total == 0 {
                    0.0
                } else {
                    c as f64 / total as f64
                }
            })
        })
        .collect()
}

/// Draws the confusion matrix: true classes down the left (class 0 at the top), predicted
/// classes along the bottom, each cell's count in it (when the cell is large enough) on a shade
/// of its share of the row, and a colour bar of that share. Square cells; the area is filled
/// with the theme's background first. Never measures text.
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_confusion_matrix, ChartStyle, ConfusionMatrix};
/// let m = ConfusionMatrix { n_classes: 2, counts: &[40, 2, 5, 33], class_names: &["no", "yes"] };
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (300, 260)).into_drawing_area();
///     draw_confusion_matrix(&area, &m, &ChartStyle::default()).unwrap();
///     area.present().unwrap();
/// }
/// assert!(svg.contains("true class"));
/// ```
pub fn draw_confusion_matrix<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &ConfusionMatrix,
    style: &ChartStyle,
) -> Result<(), PlotError> {
    check(m)?;
    let pen = Pen::new(style.pixel_ratio, style.dark).background(area)?;
    let k = m.n_classes;
    let names: Vec<String> = (0..k).map(|c| name(m.class_names, c)).collect();
    let x = Axis::categories(&names);
    // Class 0 at the top: the y axis lists the names bottom-up.
    let y = Axis::categories(&names.iter().rev().cloned().collect::<Vec<_>>());
    let background = pen.th.background;
    let shade = move |_: usize, v: f64| mix(background, FULL, v);
    let bar = ColourBar {
        axis: Axis {
            ticks: vec![
                (0.0, "0%".into()),
                (0.5, "50%".into()),
                (1.0, "100%".into()),
            ],
            ..Axis::linear(0.0, 1.0, 2)
        },
        columns: 1,
        colour: Box::new(shade),
        title: "share of true class".into(),
    };
    let f = Furniture {
        title: style.title,
        x_title: "predicted",
        y_title: "true class",
        x: &x,
        y: &y,
        x_labels: true,
        y_labels: true,
        legend: Vec::new(),
        roomy_legend: false,
        right: bar.width(&pen),
    };
    let no_marks = AxesStyle {
        marks: false,
        ..AxesStyle::HEAT
    };
    let Some(frame) = furnish(area, &pen, &f, no_marks, true)? else {
        return Ok(());
    };
    let plot = frame.rect;
    let shares = row_shares(m);
    // Cell (grid row r from the bottom, column c) is true class k-1-r, predicted c.
    let at = |i: usize| (k - 1 - i / k) * k + i % k;
    draw_cells(area, plot, k, |i| shade(0, shares[at(i)]))?;
    let grid = pen.th.background;
    for i in 1..k {
        let c = cell_rect(plot, k, 0, i);
        pen.vrule(area, c.l, plot.t, plot.b, 1.0, &grid)?;
        let r = cell_rect(plot, k, i, 0);
        pen.hrule(area, plot.l, plot.r, r.b, 1.0, &grid)?;
    }
    let widest = m.counts.iter().max().copied().unwrap_or(0).to_string();
    let cell_w = f64::from(plot.width()) / k as f64;
    let size = [LABEL, SMALL]
        .into_iter()
        .find(|s| pen.width(&widest, *s) + pen.r * 4.0 <= cell_w && pen.font(*s) * 1.2 <= cell_w);
    if let Some(size) = size {
        for i in 0..k * k {
            let c = cell_rect(plot, k, i / k, i % k);
            let share = shares[at(i)];
            let ink = if share > 0.5 { WHITE } else { pen.th.text };
            let centre = ((c.l + c.r) / 2, (c.t + c.b) / 2);
            let count = m.counts[at(i)].to_string();
            pen.text(
                area,
                &count,
                centre,
                (HPos::Center, VPos::Center),
                size,
                &ink,
            )?;
        }
    }
    bar.draw(area, &pen, plot.r, plot.t, plot.b)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_readable, at_ratios, attr, hex, render, samples, tags, texts, unmeasured_texts,
    };
    use super::*;

    fn iris() -> ConfusionMatrix<'static> {
        ConfusionMatrix {
            n_classes: 3,
            counts: &[10, 0, 0, 0, 9, 1, 0, 2, 8],
            class_names: &["setosa", "versicolor", "virginica"],
        }
    }

    #[test]
    fn counts_names_and_shading() {
        let svg = render((320, 280), |a| {
            draw_confusion_matrix(a, &iris(), &ChartStyle::default()).expect("draw");
        });
        let t = texts(&svg);
        for want in [
            "setosa",
            "virginica",
            "predicted",
            "true class",
            "10",
            "9",
            "8",
            "2",
            "100%",
        ] {
            assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
        }
        for name in ["setosa", "versicolor", "virginica"] {
            let n = t.iter().filter(|s| *s == name).count();
            assert_eq!(n, 2, "{name} on both axes, in full (on two rows): {t:?}");
        }
        assert_eq!(t.iter().filter(|s| *s == "0").count(), 4, "{t:?}");
        // Row shading: the setosa diagonal (share 1) is the full colour, 9 of 10 a shade of it.
        let fills: Vec<&str> = tags(&svg, "rect")
            .iter()
            .filter_map(|r| attr(r, "fill"))
            .collect();
        assert!(fills.contains(&hex(FULL).as_str()));
        assert!(fills.contains(&hex(mix(WHITE, FULL, 0.9)).as_str()));
        // The first true class is the top row: its name's y is the smallest of the y labels.
        let top = |name: &str| -> f64 {
            tags(&svg, "text")
                .iter()
                .zip(&t)
                .filter(|(_, c)| *c == name)
                .filter_map(|(tag, _)| attr(tag, "y")?.parse().ok())
                .fold(f64::MAX, f64::min)
        };
        assert!(top("setosa") < top("virginica"));
        assert_readable(&svg, (320, 280));
        let t = unmeasured_texts((300, 260), |a| {
            draw_confusion_matrix(a, &iris(), &ChartStyle::default())
        });
        assert!(t.iter().any(|t| t == "virginica"));
    }

    #[test]
    fn ten_classes_in_square_cells_stay_readable() {
        let k = 10;
        let counts: Vec<usize> = (0..k * k)
            .map(|i| if i / k == i % k { 95 } else { i % 3 })
            .collect();
        let m = ConfusionMatrix {
            n_classes: k,
            counts: &counts,
            class_names: &[],
        };
        let sizes = [
            ((300, 280), 1.0),
            ((600, 560), 2.0),
            ((200, 180), 1.0),
            ((400, 250), 1.0),
        ];
        at_ratios(
            &sizes,
            |a, st| draw_confusion_matrix(a, &m, st),
            |svg, size, _| {
                assert_readable(svg, size);
                assert!(texts(svg).iter().any(|s| s == "9"));
                let cell = tags(svg, "rect")[1];
                let dim = |k: &str| {
                    attr(cell, k)
                        .and_then(|v| v.parse::<i32>().ok())
                        .unwrap_or(0)
                };
                assert!((dim("width") - dim("height")).abs() <= 1, "square: {cell}");
            },
        );
    }

    #[test]
    fn bad_shapes_are_errors() {
        let mut s = String::new();
        let area = SVGBackend::with_string(&mut s, (100, 100)).into_drawing_area();
        let st = ChartStyle::default();
        let bad = ConfusionMatrix {
            counts: &[1, 2, 3],
            ..iris()
        };
        let e = draw_confusion_matrix(&area, &bad, &st).unwrap_err();
        assert!(e.to_string().contains("9 counts"), "{e}");
        for k in [0, 11] {
            let m = ConfusionMatrix {
                n_classes: k,
                counts: &[0; 121][..k * k],
                class_names: &[],
            };
            assert!(draw_confusion_matrix(&area, &m, &st).is_err());
        }
        // Empty rows are not a division by zero.
        let empty = ConfusionMatrix {
            n_classes: 2,
            counts: &[0, 0, 3, 1],
            class_names: &[],
        };
        assert_eq!(row_shares(&empty), [0.0, 0.0, 0.75, 0.25]);
    }

    #[test]
    fn render_samples_when_requested() {
        samples("confusion-300x260", (300, 260), |a, st| {
            let st = ChartStyle {
                title: Some("Test split: 27 of 30 right"),
                ..*st
            };
            draw_confusion_matrix(a, &iris(), &st)
        });
    }
}
