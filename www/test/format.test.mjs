// format.js: the one function every number on the page goes through.
import test from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, formatPercent } from '../format.js';
import { parseNumber } from '../dom.js';

test('the exponent is never lost, whatever the room', () => {
  assert.equal(formatNumber(1.90136e-9), '1.90136e-9');
  // Less room: fewer digits, the exponent whole.
  assert.equal(formatNumber(1.90136e-9, { maxLength: 8 }), '1.901e-9');
  assert.equal(formatNumber(1.90136e-9, { maxLength: 5 }), '2e-9');
  // Not even that fits: one digit and the exponent, longer than asked, never cut.
  assert.equal(formatNumber(-1.5e-300, { maxLength: 4 }), '-2e-300');
  assert.equal(formatNumber(2.5e21), '2.5e21');
  assert.equal(formatNumber(-3.25e-7, { unicodeMinus: true }), '−3.25e−7');
  for (const v of [1.90136e-9, -7.0001e-12, 6.02214e23, 1e-7, 123456.7, Math.PI, -0.000123]) {
    for (const maxLength of [Infinity, 12, 8, 6, 3]) {
      const s = formatNumber(v, { maxLength });
      assert.match(s, /^-?\d+(\.\d+)?(e-?\d+)?$/, `${v} as ${s}`);
      // What is shown reads back as (a rounding of) the value: no part of it went missing.
      const back = Number(s);
      assert.ok(Math.abs(back - v) <= Math.abs(v) * 0.5, `${v} shown as ${s} reads back as ${back}`);
    }
  }
});

test('significant digits: exact enough to type back, no trailing zeros', () => {
  assert.equal(formatNumber(0.05), '0.05');
  assert.equal(formatNumber(Math.PI), '3.14159');
  assert.equal(formatNumber(Math.PI, { digits: 3 }), '3.14');
  assert.equal(formatNumber(1e9), '1000000000');
  assert.equal(formatNumber(-2), '-2');
  assert.equal(formatNumber(0), '0');
  // What a number box shows parses back to the same shown value.
  for (const v of [1.90136e-9, 0.1, -4.2e-12, 12345.678, 7e22]) {
    const shown = formatNumber(v);
    assert.equal(formatNumber(parseNumber(shown).value), shown);
  }
});

test('fixed decimals: tiny values keep their exponent when asked, zero has no sign', () => {
  assert.equal(formatNumber(0.117349, { fixed: 4 }), '0.1173');
  assert.equal(formatNumber(1e-32, { fixed: 4 }), '0.0000');
  assert.equal(formatNumber(1e-32, { fixed: 4, tiny: true }), '1.00e-32');
  assert.equal(formatNumber(3e-5, { fixed: 4, tiny: true }), '3.00e-5');
  assert.equal(formatNumber(4e-4, { fixed: 4, tiny: true }), '0.0004');
  assert.equal(formatNumber(0, { fixed: 4, tiny: true }), '0.0000');
  assert.equal(formatNumber(-1.2e-17, { fixed: 2 }), '0.00');
  assert.equal(formatNumber(-0.004, { fixed: 2 }), '0.00');
  assert.equal(formatNumber(-0.006, { fixed: 2 }), '-0.01');
  assert.equal(formatNumber(3e25, { fixed: 2 }), '3.0e25');
});

test('missing and non-finite numbers show the fallback; percentages', () => {
  for (const v of [null, undefined, NaN, Infinity, -Infinity, '3']) assert.equal(formatNumber(v), '–');
  assert.equal(formatNumber(NaN, { fallback: '' }), '');
  assert.equal(formatPercent(0.94), '94.0 %');
  assert.equal(formatPercent(1), '100.0 %');
  assert.equal(formatPercent(0.8333333, 2), '83.33 %');
  assert.equal(formatPercent(null), '–');
});
