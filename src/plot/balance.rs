//! Class balance: a small grouped bar chart of how many points each class has in each split
//! (train, test, …), for the dataset panel.

use super::axis::Axis;
use super::frame::{furnish, AxesStyle, Furniture};
use super::legend::{Entry, Swatch};
use super::pen::{Pen, SMALL};
use super::{class_color, lighten, ChartStyle, PlotError};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The points of one split per class.
#[derive(Debug, Clone, Copy)]
pub struct SplitCounts<'a> {
    /// The split's name, e.g. "train".
    pub name: &'a str,
    /// Points per class, class 0 first.
    pub counts: &'a [usize],
}

/// How many points each class has in each split.
#[derive(Debug, Clone, Copy)]
pub struct ClassBalance<'a> {
    /// Class names, class 0 first; missing or empty names are the class number. The number of
    /// classes is the longest of the splits' counts.
    pub class_names: &'a [&'a str],
    /// One entry per split; each draws one bar per class.
    pub splits: &'a [SplitCounts<'a>],
}

/// How much white the bars of split `s` mix into the class colour (the first split solid).
fn split_lighten(s: usize) -> f64 {
    [0.0, 0.55, 0.8][s.min(2)]
}

/// Draws the class balance: per class a group of bars, one per split, in the class colour (the
/// first split solid, the next ones lighter and outlined), the count above each bar when it
/// fits, a legend of the splits. Fills the area with the theme background first; never
/// measures text.
///
/// ```
/// use plotters::prelude::*;
/// use qmlp::plot::{draw_class_balance, ChartStyle, ClassBalance, SplitCounts};
/// let splits = [
///     SplitCounts { name: "train", counts: &[40, 40, 40] },
///     SplitCounts { name: "test", counts: &[10, 10, 10] },
/// ];
/// let b = ClassBalance { class_names: &[], splits: &splits };
/// let mut svg = String::new();
/// {
///     let area = SVGBackend::with_string(&mut svg, (260, 120)).into_drawing_area();
///     draw_class_balance(&area, &b, &ChartStyle::default()).unwrap();
///     area.present().unwrap();
/// }
/// assert!(svg.contains("train") && svg.contains("test"));
/// ```
pub fn draw_class_balance<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    b: &ClassBalance,
    style: &ChartStyle,
) -> Result<(), PlotError> {
    let k = b.splits.iter().map(|s| s.counts.len()).max().unwrap_or(0);
    if k == 0 {
        return Err(PlotError::InvalidInput(
            "the class balance needs at least one split with at least one class".into(),
        ));
    }
    let pen = Pen::new(style.pixel_ratio, style.dark).background(area)?;
    let names: Vec<String> = (0..k)
        .map(|c| match b.class_names.get(c) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => c.to_string(),
        })
        .collect();
    let most = b
        .splits
        .iter()
        .flat_map(|s| s.counts.iter())
        .max()
        .copied()
        .unwrap_or(0);
    let x = Axis::categories(&names);
    // Headroom for the counts above the bars.
    let y = Axis::integers(0.0, (most as f64 * 1.18).max(1.0), 3);
    let ink = pen.th.ink;
    let legend = b
        .splits
        .iter()
        .enumerate()
        .map(|(s, split)| {
            let swatch = match s {
                0 => Swatch::Box(ink),
                _ => Swatch::Outlined(ink, lighten(ink, split_lighten(s))),
            };
            Entry::new(split.name, swatch)
        })
        .collect();
    let f = Furniture {
        title: style.title,
        x_title: "class",
        y_title: "points",
        x: &x,
        y: &y,
        x_labels: true,
        y_labels: true,
        legend,
        roomy_legend: false,
        right: 0,
    };
    let bars_style = AxesStyle {
        x_grid: false,
        ..AxesStyle::CHART
    };
    let Some(frame) = furnish(area, &pen, &f, bars_style, false)? else {
        return Ok(());
    };
    let n = b.splits.len().max(1) as f64;
    let group = 0.8;
    let bar_w = f64::from(frame.rect.width()) / k as f64 * group / n;
    for (s, split) in b.splits.iter().enumerate() {
        for (c, &count) in split.counts.iter().enumerate() {
            let x0 = c as f64 - group / 2.0 + s as f64 * group / n;
            let (l, r) = (frame.xpx(x0), frame.xpx(x0 + group / n) - pen.px(1.0));
            let (top, base) = (frame.ypx(count as f64), frame.ypx(0.0));
            let color = class_color(c);
            let (a, b) = ((l, top), (r.max(l + 1), base));
            pen.rect(area, a, b, &lighten(color, split_lighten(s)))?;
            if s > 0 {
                pen.outline(area, (a, b), &color, 1.0)?;
            }
            let label = count.to_string();
            if pen.width(&label, SMALL) <= bar_w + pen.r * 6.0 {
                let at = ((l + r) / 2, top - pen.px(2.0));
                pen.text(
                    area,
                    &label,
                    at,
                    (HPos::Center, VPos::Bottom),
                    SMALL,
                    &pen.th.muted,
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_readable, at_ratios, attr, hex, samples, tags, texts, unmeasured_texts,
    };
    use super::*;

    const SPLITS: [SplitCounts<'static>; 2] = [
        SplitCounts {
            name: "train",
            counts: &[40, 38, 42],
        },
        SplitCounts {
            name: "test",
            counts: &[10, 12, 8],
        },
    ];

    #[test]
    fn one_bar_per_class_and_split_with_counts() {
        let b = ClassBalance {
            class_names: &["setosa", "", "virginica"],
            splits: &SPLITS,
        };
        let sizes = [((260, 120), 1.0), ((520, 240), 2.0), ((400, 200), 1.0)];
        at_ratios(
            &sizes,
            |a, st| draw_class_balance(a, &b, st),
            |svg, size, _| {
                let t = texts(svg);
                for want in [
                    "setosa",
                    "1",
                    "virginica",
                    "train",
                    "test",
                    "points",
                    "42",
                    "8",
                ] {
                    assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
                }
                assert_readable(svg, size);
                // Solid bars of the first split in the class colours, lighter ones for the second;
                // the taller count, the taller bar.
                let height = |c: RGBColor| -> Option<i32> {
                    tags(svg, "rect")
                        .iter()
                        .filter(|r| attr(r, "fill") == Some(hex(c).as_str()))
                        .filter_map(|r| attr(r, "height")?.parse().ok())
                        .max()
                };
                for c in 0..3 {
                    assert!(
                        height(class_color(c)).is_some()
                            && height(lighten(class_color(c), 0.55)).is_some()
                    );
                }
                assert!(height(class_color(2)) > height(class_color(1)));
            },
        );
    }

    #[test]
    fn empty_input_is_an_error_and_no_text_is_measured() {
        let mut s = String::new();
        let area = SVGBackend::with_string(&mut s, (100, 100)).into_drawing_area();
        let none = ClassBalance {
            class_names: &[],
            splits: &[],
        };
        assert!(draw_class_balance(&area, &none, &ChartStyle::default()).is_err());
        let b = ClassBalance {
            class_names: &[],
            splits: &SPLITS,
        };
        let t = unmeasured_texts((260, 120), |a| {
            draw_class_balance(a, &b, &ChartStyle::default())
        });
        assert!(t.iter().any(|t| t == "train"));
    }

    #[test]
    fn render_samples_when_requested() {
        let b = ClassBalance {
            class_names: &["setosa", "versicolor", "virginica"],
            splits: &SPLITS,
        };
        samples("balance-260x120", (260, 120), |a, st| {
            draw_class_balance(a, &b, st)
        });
    }
}
