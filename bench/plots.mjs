// Browser benchmark of the plots: milliseconds per call of Playground.drawBoundary (grid 32, 48,
// 64; at pixel ratio 1 and 2) and Playground.drawLoss, in headless Chromium, on the default
// document (4 qubits, 3 layers, 200 points) after a few epochs of training.
//
// Usage: node bench/plots.mjs [--pkg DIR] [--runs N]
//   --pkg   the wasm-bindgen output to measure (default: pkg/ of this repo); lets a build of an
//           older commit be compared with the current one.
//   --runs  timed calls per figure (default 40, after 5 warm-up calls).
//
// Each figure is taken twice: on a bare page that only loads the engine, and on the playground
// page itself (index.html with www/ of this repo), whose large DOM makes anything that measures
// text through the DOM (plotters' web font code) much dearer.
//
// Two figures per row: "call" is the wasm call alone (what the page's frame pays up front);
// "+flush" adds a 1-pixel getImageData, which forces the canvas to rasterise everything the call
// queued, so deferred work (drawImage scaling, thousands of fillRects) is counted too. The
// boundary view is cached between calls (no training in between), so these are drawing costs; the
// "fresh" row recomputes the model on the grid each call (one training batch between calls,
// outside the timed region).
//
// Last, a table that does not depend on the machine's load: the canvas 2-D calls one draw makes
// (fillRect, fillText, stroke, fill, drawImage, …, counted by wrapping the context's methods), so
// two builds can be compared exactly even while other work shares the CPU.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';

const REPO = path.resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const pkg = path.resolve(arg('--pkg', path.join(REPO, 'pkg')));
const runs = Number(arg('--runs', 40));

// A throw-away site: the page (index.html, www/), the engine build, and a page that only loads it.
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'qmlp-bench-plots-'));
fs.mkdirSync(path.join(site, 'pkg'));
for (const f of ['qmlp.js', 'qmlp_bg.wasm']) fs.copyFileSync(path.join(pkg, f), path.join(site, 'pkg', f));
fs.copyFileSync(path.join(REPO, 'index.html'), path.join(site, 'index.html'));
fs.cpSync(path.join(REPO, 'www'), path.join(site, 'www'), { recursive: true });
fs.writeFileSync(path.join(site, 'bench.html'),
  '<!doctype html><meta charset="utf-8"><title>plots bench</title><body><script type="module" src="bench.js"></script>');
fs.writeFileSync(path.join(site, 'bench.js'), `
import init, * as wasm from './pkg/qmlp.js';
await init();
window.wasm = wasm;
window.ready = true;
`);

/** Runs in the page: the timings, as { rows, epochs, ua }. */
async function BENCH({ runs }) {
  const wasm = window.wasm ?? window.__qmlp.app.wasm;
  const pg = new wasm.Playground(wasm.defaultDocument());
  for (let i = 0; i < 12; i += 1) pg.stepEpoch();
  const canvas = (w, h) => {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    document.body.append(c);
    return c;
  };
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: s[Math.floor(s.length / 2)], mean: s.reduce((a, b) => a + b, 0) / s.length, min: s[0] };
  };
  const time = (c, f, before = () => {}) => {
    const ctx = c.getContext('2d');
    const call = [];
    const flushed = [];
    for (let i = 0; i < 5 + runs; i += 1) {
      before();
      const t0 = performance.now();
      f();
      const t1 = performance.now();
      ctx.getImageData(0, 0, 1, 1);
      const t2 = performance.now();
      if (i >= 5) { call.push(t1 - t0); flushed.push(t2 - t0); }
    }
    return { call: stats(call), flush: stats(flushed) };
  };
  const rows = [];
  const css = 280;
  for (const ratio of [1, 2]) {
    for (const gridN of [32, 48, 64]) {
      const c = canvas(css * ratio, css * ratio);
      const opts = { showTest: true, gridN, highlight: null, axes: true, pixelRatio: ratio };
      rows.push({ what: `drawBoundary grid ${gridN} @${ratio}x (${c.width}px)`, ...time(c, () => pg.drawBoundary(c, opts)) });
    }
  }
  for (const gridN of [32, 48]) {
    const c = canvas(css, css);
    const opts = { showTest: true, gridN, highlight: null, axes: true, pixelRatio: 1 };
    rows.push({
      what: `drawBoundary grid ${gridN} @1x, fresh view`,
      ...time(c, () => pg.drawBoundary(c, opts), () => pg.step(0)),
    });
  }
  for (const ratio of [1, 2]) {
    for (const metric of ['loss', 'accuracy']) {
      const c = canvas(414 * ratio, 170 * ratio);
      const opts = { logScale: false, metric, baseline: true, pixelRatio: ratio };
      rows.push({ what: `drawLoss ${metric} @${ratio}x (${c.width}x${c.height})`, ...time(c, () => pg.drawLoss(c, opts)) });
    }
  }
  // Canvas calls per draw, by method.
  const counted = ['fillRect', 'fillText', 'stroke', 'fill', 'drawImage', 'putImageData', 'arc', 'lineTo'];
  const calls = {};
  const proto = CanvasRenderingContext2D.prototype;
  const originals = Object.fromEntries(counted.map((m) => [m, proto[m]]));
  const countCalls = (what, f) => {
    const n = Object.fromEntries(counted.map((m) => [m, 0]));
    for (const m of counted) proto[m] = function (...a) { n[m] += 1; return originals[m].apply(this, a); };
    try { f(); } finally { for (const m of counted) proto[m] = originals[m]; }
    calls[what] = n;
  };
  for (const ratio of [1, 2]) {
    const c = canvas(css * ratio, css * ratio);
    const opts = { showTest: true, gridN: 48, highlight: null, axes: true, pixelRatio: ratio };
    pg.drawBoundary(c, opts);
    countCalls(`drawBoundary grid 48 @${ratio}x`, () => pg.drawBoundary(c, opts));
    const l = canvas(414 * ratio, 170 * ratio);
    const lo = { logScale: false, metric: 'loss', baseline: true, pixelRatio: ratio };
    countCalls(`drawLoss loss @${ratio}x`, () => pg.drawLoss(l, lo));
  }
  const epochs = pg.metrics().epoch;
  pg.free();
  return { rows, calls, epochs, ua: navigator.userAgent };
}

const { server, url } = await startServer({ port: 0, root: site });
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qmlp-bench-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
});
try {
  const measure = async (which) => {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    if (which === 'bare') {
      await page.goto(`${url}bench.html`);
      await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 });
    } else {
      await page.goto(url);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
    }
    const result = await page.evaluate(BENCH, { runs, which });
    await page.close();
    return { ...result, errors: errors.filter((e) => !/favicon|404 \(Not Found\)/.test(e)) };
  };
  const f = (v) => v.toFixed(2).padStart(7);
  console.log(`plots bench: ${pkg}, ${runs} runs per row`);
  for (const which of ['bare', 'page']) {
    const result = await measure(which);
    console.log(`\n[${which === 'bare' ? 'bare page (engine only)' : 'the playground page (index.html)'}] ${result.ua.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, ${result.epochs} epochs of history`);
    console.log(`${'ms per call'.padEnd(44)} ${'call med'.padStart(8)} ${'mean'.padStart(7)} ${'min'.padStart(7)}   ${'+flush med'.padStart(10)} ${'mean'.padStart(7)} ${'min'.padStart(7)}`);
    for (const r of result.rows) {
      console.log(`${r.what.padEnd(44)} ${f(r.call.median)}  ${f(r.call.mean)} ${f(r.call.min)}   ${f(r.flush.median).padStart(10)} ${f(r.flush.mean)} ${f(r.flush.min)}`);
    }
    const methods = Object.keys(Object.values(result.calls)[0] ?? {});
    console.log(`${'canvas calls per draw'.padEnd(30)}${methods.map((m) => m.padStart(11)).join('')}${'total'.padStart(8)}`);
    for (const [what, n] of Object.entries(result.calls)) {
      const total = Object.values(n).reduce((a, b) => a + b, 0);
      console.log(`${what.padEnd(30)}${methods.map((m) => String(n[m]).padStart(11)).join('')}${String(total).padStart(8)}`);
    }
    const csp = result.errors.filter((e) => /Content Security Policy|style-src/i.test(e));
    console.log(`console errors: ${result.errors.length}${csp.length ? ` (${csp.length} CSP)` : ''}${result.errors.length ? `, first: ${result.errors[0].slice(0, 160)}` : ''}`);
  }
} finally {
  await context.close();
  await new Promise((r) => server.close(r));
  fs.rmSync(userDataDir, { recursive: true, force: true });
  fs.rmSync(site, { recursive: true, force: true });
}
