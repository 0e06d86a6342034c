import assert from 'node:assert/strict';
import { test } from 'node:test';

// A stand-in ResizeObserver the test drives by hand, installed before dom.js makes one.
const observers = [];
globalThis.ResizeObserver = class {
  constructor(cb) { this.cb = cb; this.els = []; observers.push(this); }
  observe(el) { this.els.push(el); }
  report(...els) { this.cb(els.map((target) => ({ target }))); }
};
const { widthWatcher } = await import('../dom.js');

/** An element whose clientWidth reads are counted (each read would force a layout). */
function element(width) {
  const el = { reads: 0, width };
  Object.defineProperty(el, 'clientWidth', { get() { el.reads += 1; return el.width; } });
  return el;
}

test('widths come from the observer; the element is read once at most, outside its reports', () => {
  const w = widthWatcher();
  const ro = observers.at(-1);
  const chart = element(413.6);
  const changes = [];
  w.watch(chart, (px) => changes.push(px));
  assert.equal(w.get(chart, 300), 414);
  assert.equal(w.get(chart, 300), 414);
  assert.equal(chart.reads, 1, 'frames after the first read nothing');
  ro.report(chart);
  assert.deepEqual(changes, [], 'the same width is no change');
  chart.width = 250;
  assert.equal(w.get(chart, 300), 414, 'until the observer says so');
  ro.report(chart);
  assert.deepEqual(changes, [250]);
  assert.equal(w.get(chart, 300), 250);
  // A hidden element is zero wide: the fallback is drawn.
  chart.width = 0;
  ro.report(chart);
  assert.equal(w.get(chart, 300), 300);
  assert.deepEqual(changes, [250, 0]);
  // One not watched is read once and kept until a report.
  const other = element(90);
  assert.equal(w.get(other, 10), 90);
  assert.equal(w.get(other, 10), 90);
  assert.equal(other.reads, 1);
});
