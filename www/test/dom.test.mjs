import assert from 'node:assert/strict';
import { test } from 'node:test';

// A stand-in ResizeObserver the test drives by hand, installed before dom.js makes one.
const observers = [];
globalThis.ResizeObserver = class {
  constructor(cb) { this.cb = cb; this.els = []; observers.push(this); }
  observe(el) { this.els.push(el); }
  report(...els) { this.cb(els.map((target) => ({ target }))); }
};
const { widthWatcher, setText, setAttr, setHidden, setStyle } = await import('../dom.js');

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

test('the per-frame setters write only what changed', () => {
  // An element whose writes are counted: each one would restyle or re-lay-out it in a browser.
  const writes = [];
  const attrs = new Map();
  let text = '';
  let hidden = false;
  const style = { width: '' };
  const el = {
    get textContent() { return text; },
    set textContent(v) { writes.push(['text', v]); text = v; },
    get hidden() { return hidden; },
    set hidden(v) { writes.push(['hidden', v]); hidden = v; },
    getAttribute: (k) => (attrs.has(k) ? attrs.get(k) : null),
    setAttribute: (k, v) => { writes.push([k, v]); attrs.set(k, String(v)); },
    style: new Proxy(style, { set(o, k, v) { writes.push([`style.${k}`, v]); o[k] = v; return true; } }),
  };
  setText(el, '0.25'); setText(el, '0.25'); setText(el, 0.5); setText(el, '0.5');
  setAttr(el, 'title', 'q0'); setAttr(el, 'title', 'q0'); setAttr(el, 'aria-busy', false); setAttr(el, 'aria-busy', 'false');
  setHidden(el, 0); setHidden(el, true); setHidden(el, 1);
  setStyle(el, 'width', '40%'); setStyle(el, 'width', '40%');
  assert.deepEqual(writes, [
    ['text', '0.25'], ['text', '0.5'], ['title', 'q0'], ['aria-busy', 'false'], ['hidden', true], ['style.width', '40%'],
  ]);
  assert.equal(text, '0.5');
});
