// Numbers as the page shows them: one function, `formatNumber`, used by every panel (metrics,
// the state inspector, the gate inspector's boxes, captions, tooltips and aria-labels), so that
// a number is never shown cut: when room is short it gets fewer digits, and an exponent, once
// needed, is always kept whole ("1.90136e-9", never "1.90136e"). Pure module (no DOM): its unit
// tests run in Node (www/test/format.test.mjs).

/**
 * Formats a number for display.
 * @param {number|null|undefined} v
 * @param {object} [o]
 * @param {number} [o.digits] significant digits (default 6) — the mode for values a user may
 *   edit: exact enough to type back, trailing zeros dropped, exponent form only for very small
 *   or large magnitudes (as JavaScript writes them, without a "+")
 * @param {number} [o.fixed] decimals instead: `0.1173` for `fixed: 4`
 * @param {boolean} [o.tiny] with `fixed`: a non-zero value too small to show with that many
 *   decimals is written with an exponent and three significant digits (`1.00e-32`) instead of
 *   as zero — for losses, which can legitimately be that small
 * @param {number} [o.maxLength] at most this many characters: significant digits are dropped
 *   (down to one) until the text fits; it is never cut, so it may stay longer than this
 * @param {boolean} [o.unicodeMinus] write "−" (U+2212) for the minus sign, for captions
 * @param {string} [o.fallback] for null, undefined, NaN and ±Infinity (default "–")
 * @returns {string}
 */
export function formatNumber(v, {
  digits = 6, fixed = null, tiny = false, maxLength = Infinity, unicodeMinus = false, fallback = '–',
} = {}) {
  if (v == null || typeof v !== 'number' || !Number.isFinite(v)) return fallback;
  let text;
  if (fixed != null) {
    const d = clampInt(fixed, 0, 20);
    if (tiny && v !== 0 && Math.abs(v) < 0.5 * 10 ** -d) text = significant(v, 3, true);
    else if (Math.abs(v) >= 1e21) text = significant(v, Math.max(d, 1), true);
    else text = v.toFixed(d);
    // A value that rounds to zero is shown without a sign ("0.00", not "-0.00").
    if (/^-0(\.0*)?$/.test(text)) text = text.slice(1);
  } else {
    let n = clampInt(digits, 1, 21);
    text = significant(v, n, false);
    while (text.length > maxLength && n > 1) {
      n -= 1;
      text = significant(v, n, false);
    }
  }
  return unicodeMinus ? text.replace(/^-/, '−').replace(/e-/, 'e−') : text;
}

/** A fraction as a percentage with `decimals` decimals ("94.0 %"), or the fallback. */
export function formatPercent(v, decimals = 1, fallback = '–') {
  if (v == null || typeof v !== 'number' || !Number.isFinite(v)) return fallback;
  return `${formatNumber(v * 100, { fixed: decimals })} %`;
}

/**
 * `n` significant digits. `keepZeros`: as toPrecision writes them (for fixed-width columns),
 * else the shortest form of that rounded value (trailing zeros dropped).
 */
function significant(v, n, keepZeros) {
  if (v === 0) return '0';
  let s;
  if (keepZeros) {
    s = v.toExponential(n - 1);
    const exp = Number(s.slice(s.indexOf('e') + 1));
    // Plain decimals where they are short; the exponent form for very small or large values.
    if (exp >= -4 && exp < 15) s = v.toPrecision(n);
  } else {
    s = String(Number(v.toPrecision(n)));
  }
  return s.replace('e+', 'e');
}

function clampInt(x, lo, hi) {
  const n = Math.round(Number(x));
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}
