//! Text sizes without asking anyone: the plots lay out their labels from an estimate of the
//! text's width, never through plotters' `estimate_text_size` (on wasm that measures with a DOM
//! `<span>` and an inline `style` attribute, which a strict Content Security Policy blocks), and
//! every label is drawn with an explicit anchor, so a backend only ever gets `draw_text` calls.

/// The font family of every label (the page's own UI font, then any sans-serif).
pub(crate) const FONT: &str = "system-ui, sans-serif";

/// Estimated advance width of `text` in pixels at font size `size` (px): per-character widths
/// of a wide sans-serif (DejaVu Sans, the usual fallback on Linux), so the estimate is an upper
/// bound for the narrower UI fonts (Segoe UI, Roboto, San Francisco).
pub(crate) fn estimate_width(text: &str, size: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            '0'..='9' => 0.64,
            ' ' | '.' | ',' | ':' | ';' | '!' | '\'' | '|' => 0.32,
            '-' | '(' | ')' | '[' | ']' => 0.40,
            'i' | 'j' | 'l' => 0.28,
            'f' | 'r' | 't' => 0.42,
            'm' | 'w' => 0.98,
            'M' | 'W' => 0.90,
            'a'..='z' => 0.63,
            'A'..='Z' => 0.72,
            _ => 0.80,
        })
        .sum();
    em * size
}

/// `text` shortened with a trailing "…" so its estimated width at `size` px is at most
/// `max_width` px; empty when not even the ellipsis fits.
pub(crate) fn ellipsize(text: &str, max_width: f64, size: f64) -> String {
    if estimate_width(text, size) <= max_width {
        return text.to_string();
    }
    let mut out: String = text.chars().collect();
    while out.pop().is_some() {
        let candidate = format!("{}…", out.trim_end());
        if estimate_width(&candidate, size) <= max_width {
            return candidate;
        }
    }
    if estimate_width("…", size) <= max_width {
        "…".to_string()
    } else {
        String::new()
    }
}

/// A usable pixel ratio: finite values are clamped to [0.5, 4]; anything else is 1.
pub(crate) fn ratio(r: f64) -> f64 {
    if r.is_finite() && r > 0.0 {
        r.clamp(0.5, 4.0)
    } else {
        1.0
    }
}

/// `v` CSS pixels at pixel ratio `r`, as whole device pixels (at least `min`).
pub(crate) fn px(v: f64, r: f64, min: i32) -> i32 {
    ((v * r).round() as i32).max(min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        assert_eq!(estimate_width("", 12.0), 0.0);
        let a = estimate_width("0.25", 12.0);
        assert!(a > 20.0 && a < 30.0, "{a}");
        assert!(estimate_width("MLP train", 12.0) > estimate_width("train", 12.0));
        assert!((estimate_width("epoch", 24.0) - 2.0 * estimate_width("epoch", 12.0)).abs() < 1e-9);
        // Wider than DejaVu Sans' real advance for digits (0.636 em).
        assert!(estimate_width("0123456789", 10.0) >= 63.6);
    }

    #[test]
    fn long_text_is_shortened_to_fit() {
        assert_eq!(ellipsize("setosa", 100.0, 12.0), "setosa");
        let short = ellipsize("versicolor", 40.0, 12.0);
        assert!(
            short.ends_with('…') && short.len() < "versicolor".len() + 3,
            "{short}"
        );
        assert!(estimate_width(&short, 12.0) <= 40.0);
        assert_eq!(ellipsize("versicolor", 10.0, 12.0), "…");
        assert_eq!(ellipsize("versicolor", 2.0, 12.0), "");
    }

    #[test]
    fn ratios_are_sane() {
        assert_eq!(ratio(2.0), 2.0);
        assert_eq!(ratio(f64::NAN), 1.0);
        assert_eq!(ratio(-1.0), 1.0);
        assert_eq!(ratio(100.0), 4.0);
        assert_eq!(px(3.0, 1.5, 1), 5);
        assert_eq!(px(0.2, 1.0, 1), 1);
    }
}
