//! Tests of the decision-boundary map, the thumbnails and the click mapping.

use super::super::testutil::{
    assert_readable, attr, filled_rects, hex, near, render, sample, tags, texts, unmeasured_texts,
};
use super::*;

const EXT: [f64; 4] = [-6.0, 6.0, -6.0, 6.0];

fn circle_points(n: usize, seed: u64) -> Vec<PlotPoint> {
    // A deterministic "circle" dataset: class 1 inside radius 3, class 0 on a ring outside.
    let mut s = seed;
    let mut rnd = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64) / ((1u64 << 53) as f64)
    };
    (0..n)
        .map(|i| {
            let class = i % 2;
            let rad = if class == 1 {
                2.5 * rnd()
            } else {
                3.5 + 1.5 * rnd()
            };
            let a = std::f64::consts::TAU * rnd();
            PlotPoint {
                x: rad * a.cos(),
                y: rad * a.sin(),
                class,
                test: i % 5 == 0,
            }
        })
        .collect()
}

fn circle_grid(n: usize) -> Vec<f64> {
    let mut v = Vec::with_capacity(n * n);
    for row in 0..n {
        for col in 0..n {
            let x = EXT[0] + (col as f64 + 0.5) / n as f64 * 12.0;
            let y = EXT[2] + (row as f64 + 0.5) / n as f64 * 12.0;
            let d = (x * x + y * y).sqrt();
            v.push(1.0 / (1.0 + (2.0 * (d - 3.0)).exp()));
        }
    }
    v
}

/// A two-class map over `EXT` of these values (a square number of them).
fn binary(values: &[f64]) -> BoundaryMap<'_> {
    BoundaryMap {
        extent: EXT,
        grid_n: (values.len() as f64).sqrt().round() as usize,
        values,
        classes: None,
        n_classes: 2,
    }
}

fn draw(size: (u32, u32), map: &BoundaryMap, pts: &[PlotPoint], opts: &BoundaryOptions) -> String {
    render(size, |a| {
        draw_boundary(a, map, pts, opts).expect("draw boundary");
    })
}

#[test]
fn one_rect_per_cell_tiling_the_area() {
    let n = 16;
    let values = circle_grid(n);
    let map = binary(&values);
    let svg = draw((250, 250), &map, &[], &BoundaryOptions::default());
    let rects = tags(&svg, "rect");
    assert_eq!(rects.len(), n * n);
    let area: i64 = rects
        .iter()
        .map(|r| {
            let w: i64 = attr(r, "width").and_then(|v| v.parse().ok()).unwrap_or(0);
            let h: i64 = attr(r, "height").and_then(|v| v.parse().ok()).unwrap_or(0);
            w * h
        })
        .sum();
    assert_eq!(
        area,
        250 * 250,
        "cells tile the plot without gaps or overlap"
    );
}

#[test]
fn row_zero_is_the_bottom_and_colours_follow_values() {
    // Bottom row certain class 0, top row certain class 1.
    let values = [0.0, 0.0, 1.0, 1.0];
    let map = BoundaryMap {
        extent: [0.0, 1.0, 0.0, 1.0],
        ..binary(&values)
    };
    let svg = draw((100, 100), &map, &[], &BoundaryOptions::default());
    let orange = hex(cell_color(0.0, None));
    let blue = hex(cell_color(1.0, None));
    for r in tags(&svg, "rect") {
        let y: i32 = attr(r, "y").and_then(|v| v.parse().ok()).unwrap_or(-1);
        let fill = attr(r, "fill").unwrap_or("");
        if y == 0 {
            assert_eq!(fill, blue, "top row is row 1 (P=1)");
        } else {
            assert_eq!(y, 50);
            assert_eq!(fill, orange, "bottom row is row 0 (P=0)");
        }
    }
}

#[test]
fn points_filled_for_train_and_ringed_for_test() {
    let values = vec![0.5; 4];
    let map = binary(&values);
    let pts = circle_points(40, 7); // 8 test points
    let opts = BoundaryOptions {
        show_test: false,
        ..Default::default()
    };
    let svg = draw((300, 300), &map, &pts, &opts);
    let circles = tags(&svg, "circle");
    assert_eq!(
        circles.len(),
        2 * 32,
        "train only: white halo + coloured dot"
    );
    let orange = hex(class_color(0));
    let blue = hex(class_color(1));
    assert_eq!(
        circles
            .iter()
            .filter(|c| attr(c, "fill") == Some(&orange))
            .count(),
        16
    );
    assert_eq!(
        circles
            .iter()
            .filter(|c| attr(c, "fill") == Some(&blue))
            .count(),
        16
    );
    let opts = BoundaryOptions {
        show_test: true,
        ..Default::default()
    };
    let svg = draw((300, 300), &map, &pts, &opts);
    assert_eq!(tags(&svg, "circle").len(), 2 * 40);
    // Points outside the extent are not drawn.
    let far = [PlotPoint {
        x: 100.0,
        y: 0.0,
        class: 0,
        test: false,
    }];
    let svg = draw((300, 300), &map, &far, &opts);
    assert!(tags(&svg, "circle").is_empty());
}

#[test]
fn highlight_adds_rings() {
    let values = vec![0.5; 4];
    let map = binary(&values);
    let opts = BoundaryOptions {
        highlight: Some((1.0, 1.0)),
        ..Default::default()
    };
    let svg = draw((300, 300), &map, &[], &opts);
    let rings: Vec<_> = tags(&svg, "circle")
        .into_iter()
        .filter(|c| attr(c, "fill") == Some("none"))
        .collect();
    assert_eq!(rings.len(), 2);
}

#[test]
fn multiclass_cells_use_class_hues() {
    let values = [1.0, 1.0, 1.0, 1.0];
    let classes = [0, 1, 2, 3];
    let map = BoundaryMap {
        classes: Some(&classes),
        n_classes: 4,
        ..binary(&values)
    };
    let svg = draw((100, 100), &map, &[], &BoundaryOptions::default());
    for c in 0..4 {
        assert!(svg.contains(&hex(cell_color(1.0, Some(c)))), "class {c}");
    }
    // Confidence 1/k is "undecided": neutral.
    let values = [0.25; 4];
    let map = BoundaryMap {
        values: &values,
        ..map
    };
    let svg = draw((100, 100), &map, &[], &BoundaryOptions::default());
    assert_eq!(svg.matches(&hex(NEUTRAL)).count(), 4);
}

#[test]
fn bad_grids_are_errors_not_panics() {
    let values = [0.5; 3];
    let map = binary(&values);
    let mut s = String::new();
    let area = SVGBackend::with_string(&mut s, (50, 50)).into_drawing_area();
    let opts = BoundaryOptions::default();
    let e = draw_boundary(&area, &map, &[], &opts);
    assert!(matches!(e, Err(PlotError::InvalidInput(ref m)) if m.contains("3 values")));
    let map0 = BoundaryMap { grid_n: 0, ..map };
    assert!(draw_boundary(&area, &map0, &[], &opts).is_err());
    let four = [0.5; 4];
    let cls = [0usize; 2];
    let bad_cls = BoundaryMap {
        values: &four,
        classes: Some(&cls),
        ..map
    };
    assert!(draw_boundary(&area, &bad_cls, &[], &opts).is_err());
    let flat = BoundaryMap {
        extent: [0.0, 0.0, 0.0, 1.0],
        values: &four,
        ..map
    };
    assert!(draw_boundary(&area, &flat, &[], &opts).is_err());
    assert!(draw_thumbnail(&area, [0.0, 0.0, 0.0, 1.0], &[], 2).is_err());
}

fn axes(pixel_ratio: f64) -> BoundaryOptions<'static> {
    BoundaryOptions {
        show_test: true,
        draw_axes: true,
        pixel_ratio,
        ..Default::default()
    }
}

#[test]
fn the_furniture_has_ticks_titles_legend_and_colour_bar() {
    let n = 8;
    let values = circle_grid(n);
    let map = binary(&values);
    let opts = axes(1.0);
    let svg = draw((400, 400), &map, &circle_points(40, 2), &opts);
    let t = texts(&svg);
    for want in ["-6", "-4", "4", "6"] {
        assert_eq!(t.iter().filter(|s| *s == want).count(), 2, "{want}: {t:?}");
    }
    // Both axes' zero, and the colour bar's.
    assert_eq!(t.iter().filter(|s| *s == "0").count(), 3, "{t:?}");
    for want in [
        "x1",
        "x2",
        "class 0",
        "class 1",
        "train",
        "test",
        "P(class 1)",
        "0.5",
    ] {
        assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
    }
    let (l, top, r, b) = boundary_plot_rect((400, 400), EXT, 2, &opts);
    assert!(l > 0 && top > 0 && r < 400 && b < 400);
    // The heat map's cells (drawn first) start at the plot rectangle.
    let cells = &tags(&svg, "rect")[..n * n];
    let xs: Vec<i32> = cells
        .iter()
        .filter_map(|r| attr(r, "x").and_then(|v| v.parse().ok()))
        .collect();
    assert_eq!(xs.iter().min(), Some(&l));
    // The colour bar runs from the class-0 colour (bottom) to the class-1 colour (top).
    let strips: Vec<(i32, RGBColor)> = filled_rects(&svg)[n * n..]
        .iter()
        .filter(|s| s.0 > r)
        .map(|s| (s.1, s.3))
        .collect();
    let top = strips.iter().min_by_key(|s| s.0).map(|s| s.1);
    let bottom = strips.iter().max_by_key(|s| s.0).map(|s| s.1);
    assert!(
        top.is_some_and(|c| near(c, cell_color(1.0, None))),
        "{top:?}"
    );
    assert!(
        bottom.is_some_and(|c| near(c, cell_color(0.0, None))),
        "{bottom:?}"
    );
    assert_readable(&svg, (400, 400));
    // Tiny areas drop the furniture.
    assert_eq!(
        boundary_plot_rect((100, 100), EXT, 2, &opts),
        (0, 0, 100, 100)
    );
}

#[test]
fn the_page_sized_map_keeps_one_legend_row_and_readable_labels() {
    let values = circle_grid(16);
    for (size, ratio) in [(280, 1.0), (560, 2.0), (420, 1.5)] {
        let map = BoundaryMap {
            extent: [-1.2, 1.2, -1.2, 1.2],
            ..binary(&values)
        };
        let opts = axes(ratio);
        let svg = draw((size, size), &map, &[], &opts);
        assert_readable(&svg, (size, size));
        let (_, top, _, b) = boundary_plot_rect((size, size), map.extent, 2, &opts);
        let f = f64::from(size) / 280.0;
        assert!(f64::from(top) <= 30.0 * f, "one header row: top = {top}");
        assert!(
            f64::from(b - top) >= 200.0 * f,
            "the map keeps most of the height"
        );
    }
}

#[test]
fn multiclass_maps_name_their_classes_and_axes() {
    let n = 6;
    let values = vec![0.8; n * n];
    let classes: Vec<usize> = (0..n * n).map(|i| i % 3).collect();
    let map = BoundaryMap {
        classes: Some(&classes),
        n_classes: 3,
        ..binary(&values)
    };
    let names = ["setosa", "versicolor", "virginica"];
    let opts = BoundaryOptions {
        axis_titles: ["PC1", "PC2"],
        class_names: &names,
        ..axes(1.0)
    };
    for size in [400, 560] {
        let svg = draw((size, size), &map, &[], &opts);
        let t = texts(&svg);
        for want in [
            "PC1",
            "PC2",
            "setosa",
            "versicolor",
            "virginica",
            "confidence",
            "1",
        ] {
            assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
        }
        assert_readable(&svg, (size, size));
        // One strip column per class in the colour bar: each class' full colour appears.
        let (_, _, r, _) = boundary_plot_rect((size, size), EXT, 3, &opts);
        let bar: Vec<RGBColor> = filled_rects(&svg)
            .iter()
            .filter(|s| s.0 > r)
            .map(|s| s.3)
            .collect();
        for c in 0..3 {
            let full = cell_color(1.0, Some(c));
            assert!(bar.iter().any(|b| near(*b, full)), "class {c}");
        }
    }
    // On a page-sized map long names are shortened, and class numbers stand in for the default
    // names, which keeps one legend row.
    let svg = draw((280, 280), &map, &[], &opts);
    let t = texts(&svg);
    assert!(
        t.iter().any(|s| s.starts_with("versi") && s.ends_with('…')),
        "{t:?}"
    );
    assert_readable(&svg, (280, 280));
    let plain = draw((280, 280), &map, &[], &axes(1.0));
    let t = texts(&plain);
    assert!(
        ["0", "1", "2"].iter().all(|c| t.iter().any(|s| s == c)),
        "class numbers: {t:?}"
    );
    let (_, top, _, _) = boundary_plot_rect((280, 280), EXT, 3, &axes(1.0));
    assert!(top <= 30, "one header row: {top}");
    // Ten classes with default names still fit a page-sized map.
    let ten: Vec<usize> = (0..n * n).map(|i| i % 10).collect();
    let map10 = BoundaryMap {
        classes: Some(&ten),
        n_classes: 10,
        ..map
    };
    let svg = draw((280, 280), &map10, &[], &axes(1.0));
    assert!(texts(&svg).iter().any(|s| s == "9"));
    assert_readable(&svg, (280, 280));
}

#[test]
fn pixel_to_data_inverts_the_point_mapping() {
    let values = vec![0.5; 4];
    let map = BoundaryMap {
        extent: [-2.0, 3.0, 10.0, 12.0],
        ..binary(&values)
    };
    for draw_axes in [false, true] {
        let opts = BoundaryOptions {
            draw_axes,
            ..Default::default()
        };
        let size = (420, 310);
        let p = PlotPoint {
            x: 0.7,
            y: 11.3,
            class: 1,
            test: false,
        };
        let svg = draw(size, &map, &[p], &opts);
        let c = *tags(&svg, "circle").last().expect("the point");
        let cx: i32 = attr(c, "cx").and_then(|v| v.parse().ok()).unwrap_or(-1);
        let cy: i32 = attr(c, "cy").and_then(|v| v.parse().ok()).unwrap_or(-1);
        let ext = map.extent;
        let (x, y) =
            boundary_pixel_to_data(ext, 2, size, &opts, (cx, cy)).expect("inside the plot");
        let (l, t, r, b) = boundary_plot_rect(size, ext, 2, &opts);
        let px_w = 5.0 / f64::from(r - l);
        let px_h = 2.0 / f64::from(b - t);
        assert!((x - p.x).abs() <= px_w, "x {x} vs {}", p.x);
        assert!((y - p.y).abs() <= px_h, "y {y} vs {}", p.y);
        // Outside the rectangle: None.
        assert!(boundary_pixel_to_data(ext, 2, size, &opts, (r, t)).is_none());
        assert!(boundary_pixel_to_data(ext, 2, size, &opts, (l, b)).is_none());
        assert!(boundary_pixel_to_data(ext, 2, size, &opts, (l, t)).is_some());
    }
    let opts = BoundaryOptions::default();
    let flat = [1.0, 1.0, 0.0, 1.0];
    assert!(boundary_pixel_to_data(flat, 2, (10, 10), &opts, (1, 1)).is_none());
}

#[test]
fn rgba_image_matches_the_rectangles() {
    // The image's pixel (col, row from the top) has the colour of the rectangle drawn there.
    let n = 5;
    let values = circle_grid(n);
    let map = binary(&values);
    let rgba = boundary_rgba(&map).expect("rgba");
    assert_eq!(rgba.len(), n * n * 4);
    assert!(rgba.chunks(4).all(|p| p[3] == 255), "opaque");
    let svg = draw((100, 100), &map, &[], &BoundaryOptions::default());
    for r in tags(&svg, "rect") {
        let x: usize = attr(r, "x").and_then(|v| v.parse().ok()).unwrap_or(0);
        let y: usize = attr(r, "y").and_then(|v| v.parse().ok()).unwrap_or(0);
        let (col, img_row) = (x / 20, y / 20);
        let i = 4 * (img_row * n + col);
        let c = RGBColor(rgba[i], rgba[i + 1], rgba[i + 2]);
        assert_eq!(
            attr(r, "fill"),
            Some(hex(c).as_str()),
            "cell ({col}, {img_row})"
        );
    }
    // Multi-class maps and bad maps.
    let classes = [2usize; 4];
    let conf = [1.0; 4];
    let three = BoundaryMap {
        classes: Some(&classes),
        n_classes: 3,
        ..binary(&conf)
    };
    let g = cell_color(1.0, Some(2));
    assert_eq!(&boundary_rgba(&three).expect("rgba")[..3], &[g.0, g.1, g.2]);
    let short = BoundaryMap {
        values: &conf[..3],
        classes: None,
        ..three
    };
    assert!(boundary_rgba(&short).is_err());
}

#[test]
fn overlay_is_the_boundary_without_its_cells() {
    let n = 6;
    let values = circle_grid(n);
    let map = binary(&values);
    let pts = circle_points(30, 9);
    let opts = BoundaryOptions {
        highlight: Some((0.0, 0.0)),
        ..axes(1.0)
    };
    let full = draw((300, 300), &map, &pts, &opts);
    let over = render((300, 300), |a| {
        draw_boundary_overlay(a, &map, &pts, &opts).expect("overlay");
    });
    assert_eq!(tags(&full, "circle"), tags(&over, "circle"));
    assert_eq!(texts(&full), texts(&over));
    assert_eq!(tags(&full, "rect")[n * n..], tags(&over, "rect")[..]);
    let flat = BoundaryMap {
        extent: [0.0, 0.0, 0.0, 1.0],
        ..map
    };
    assert!(render((50, 50), |a| {
        assert!(draw_boundary_overlay(a, &flat, &pts, &opts).is_err());
    })
    .starts_with("<svg"));
}

#[test]
fn pixel_ratio_scales_the_layout_text_and_points() {
    let values = vec![0.5; 4];
    let map = binary(&values);
    let pts = [PlotPoint {
        x: 1.0,
        y: 1.0,
        class: 0,
        test: false,
    }];
    let (one, two) = (axes(1.0), axes(2.0));
    let (l1, t1, r1, b1) = boundary_plot_rect((280, 280), EXT, 2, &one);
    let (l2, t2, r2, b2) = boundary_plot_rect((560, 560), EXT, 2, &two);
    for (a, b) in [(l1, l2), (t1, t2), (r1, r2), (b1, b2)] {
        assert!(
            (2 * a - b).abs() <= 2,
            "{:?} vs {:?}",
            (l1, t1, r1, b1),
            (l2, t2, r2, b2)
        );
    }
    let radius = |svg: &str| -> Vec<u32> {
        tags(svg, "circle")
            .iter()
            .filter_map(|c| attr(c, "r").and_then(|v| v.parse().ok()))
            .collect()
    };
    let s1 = draw((280, 280), &map, &pts, &one);
    let s2 = draw((560, 560), &map, &pts, &two);
    let (r1, r2) = (radius(&s1), radius(&s2));
    assert_eq!(r1.len(), r2.len());
    for (a, b) in r1.iter().zip(&r2) {
        assert!(b.abs_diff(2 * a) <= 1, "{r1:?} vs {r2:?}");
    }
    let size = |svg: &str| -> f64 {
        tags(svg, "text")
            .first()
            .and_then(|t| attr(t, "font-size"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    assert!((size(&s2) - 2.0 * size(&s1)).abs() < 1e-6);
    assert_eq!(texts(&s1), texts(&s2));
    // The same CSS-pixel click lands on the same data point at both densities.
    let p1 = boundary_pixel_to_data(EXT, 2, (280, 280), &one, (100, 60)).expect("inside");
    let p2 = boundary_pixel_to_data(EXT, 2, (560, 560), &two, (200, 120)).expect("inside");
    assert!(
        (p1.0 - p2.0).abs() < 0.1 && (p1.1 - p2.1).abs() < 0.1,
        "{p1:?} {p2:?}"
    );
    // A 200 px canvas at 2x is 100 CSS px: too small for axes.
    assert_eq!(
        boundary_plot_rect((200, 200), EXT, 2, &two),
        (0, 0, 200, 200)
    );
    // Nonsense ratios count as 1.
    let bad = BoundaryOptions {
        pixel_ratio: f64::NAN,
        ..one
    };
    assert_eq!(
        boundary_plot_rect((280, 280), EXT, 2, &bad),
        boundary_plot_rect((280, 280), EXT, 2, &one)
    );
}

#[test]
fn no_text_is_measured_through_the_backend() {
    // Regression (strict CSP on the page): see the loss chart's test of the same name.
    let values = circle_grid(4);
    let t = unmeasured_texts((280, 280), |a| {
        draw_boundary(a, &binary(&values), &circle_points(20, 1), &axes(1.5))?;
        draw_thumbnail(a, EXT, &circle_points(20, 1), 2)
    });
    for want in ["-4", "x1", "x2", "1", "test", "P(class 1)"] {
        assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
    }
}

#[test]
fn thumbnail_draws_points_only() {
    let pts = circle_points(30, 3);
    let svg = render((80, 80), |a| {
        draw_thumbnail(a, EXT, &pts, 2).expect("thumbnail");
    });
    assert_eq!(tags(&svg, "circle").len(), 30);
    assert!(texts(&svg).is_empty(), "no axes");
    assert!(svg.contains(&hex(NEUTRAL)), "neutral background");
    // Degenerate sizes do not fail.
    let svg = render((4, 4), |a| {
        draw_thumbnail(a, EXT, &pts, 2).expect("thumbnail");
    });
    assert!(tags(&svg, "circle").is_empty());
}

/// Writes sample SVGs (see `testutil::sample`).
#[test]
fn render_samples_when_requested() {
    if std::env::var("QMLP_PLOT_SAMPLES").is_err() {
        return;
    }
    let n = 64;
    let values = circle_grid(n);
    let map = binary(&values);
    let pts = circle_points(200, 11);
    for (size, ratio, name) in [(280, 1.0, "boundary-280"), (560, 2.0, "boundary-280@2x")] {
        let opts = BoundaryOptions {
            highlight: Some((pts[3].x, pts[3].y)),
            ..axes(ratio)
        };
        sample(name, &white(draw((size, size), &map, &pts, &opts)));
    }
    let mut cls = Vec::with_capacity(n * n);
    let mut conf = Vec::with_capacity(n * n);
    for row in 0..n {
        for col in 0..n {
            let x = (col as f64 + 0.5) / n as f64 * 12.0 - 6.0;
            let y = (row as f64 + 0.5) / n as f64 * 12.0 - 6.0;
            let a = y.atan2(x) + std::f64::consts::PI;
            let c = ((a / std::f64::consts::TAU * 3.0) as usize).min(2);
            let edge = 1.0 - ((a * 3.0 / std::f64::consts::TAU).fract() - 0.5).abs() * 2.0;
            cls.push(c);
            conf.push(
                1.0 / 3.0 + (2.0 / 3.0) * edge.powf(0.7) * (x * x + y * y).sqrt().min(4.0) / 4.0,
            );
        }
    }
    let map3 = BoundaryMap {
        classes: Some(&cls),
        n_classes: 3,
        ..binary(&conf)
    };
    let pts3: Vec<PlotPoint> = circle_points(150, 5)
        .into_iter()
        .map(|p| {
            let a = p.y.atan2(p.x) + std::f64::consts::PI;
            PlotPoint {
                class: ((a / std::f64::consts::TAU * 3.0) as usize).min(2),
                ..p
            }
        })
        .collect();
    let names = ["setosa", "versicolor", "virginica"];
    let opts = BoundaryOptions {
        axis_titles: ["PC1", "PC2"],
        class_names: &names,
        ..axes(1.0)
    };
    sample(
        "boundary3-400",
        &white(draw((400, 400), &map3, &pts3, &opts)),
    );
    let svg = render((120, 120), |a| {
        draw_thumbnail(a, EXT, &pts, 2).expect("thumbnail");
    });
    sample("thumbnail", &svg);
}

/// An SVG with a white background (the page clears the canvas to white before drawing).
fn white(svg: String) -> String {
    match svg.find('>') {
        Some(i) => format!(
            "{}<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>{}",
            &svg[..=i],
            &svg[i + 1..]
        ),
        None => svg,
    }
}
