// The page at 390×844 (a phone, at devicePixelRatio 3), 768×1024 (a tablet, at 2), 1280×800 and
// 1920×1080: no horizontal page scroll; Play, Step, Reset and the decision-boundary plot in view
// without scrolling from 768 px on, and within the first screen on the phone; the circuit
// scrolls sideways inside its own panel, starting at its first column, and reaches its last;
// the tagline is shown whole; a message (a link that cannot be opened) sits above the panels
// and covers no control; canvases and thumbnails are drawn at the screen's pixel ratio. The
// screenshots go to artifacts/layout-<w>x<h>.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, launchBrowser } from './harness.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let env;
before(async () => { env = await launchBrowser(); });
after(async () => { await env?.close(); });

const SIZES = [
  { width: 390, height: 844, dpr: 3 },
  { width: 768, height: 1024, dpr: 2 },
  { width: 1280, height: 800, dpr: 1 },
  { width: 1920, height: 1080, dpr: 1 },
];

/** Boxes and facts of the page as laid out, read in the page. */
function measure(page) {
  return page.evaluate(() => {
    const q = (id) => document.querySelector(`[data-testid=${id}]`);
    const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom }; };
    const grid = q('circuit');
    const tag = document.querySelector('.tagline');
    const controls = [...document.querySelectorAll('#app button, #app select, #app input:not([type=file]), #app [role=button], #app canvas[tabindex], header button, header select')]
      .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => ({ id: el.dataset.testid ?? el.className, ...box(el) }));
    return {
      innerWidth, innerHeight, scrollY,
      pageWidth: document.documentElement.scrollWidth,
      play: box(q('play')), step: box(q('step')), reset: box(q('reset')), boundary: box(q('boundary')),
      grid: { ...box(grid), scrollLeft: grid.scrollLeft, scrollWidth: grid.scrollWidth, clientWidth: grid.clientWidth, overflowX: getComputedStyle(grid).overflowX },
      tagline: { ...box(tag), scrollWidth: tag.scrollWidth, clientWidth: tag.clientWidth, scrollHeight: tag.scrollHeight, clientHeight: tag.clientHeight, display: getComputedStyle(tag).display, overflow: getComputedStyle(tag).textOverflow },
      message: box(q('msg-global')),
      controls,
      canvases: {
        boundary: [q('boundary').width, q('boundary').clientWidth],
        loss: [q('loss-chart').width, q('loss-chart').clientWidth],
        thumb: [document.querySelector('.thumb-canvas').width, document.querySelector('.thumb-canvas').clientWidth],
        bloch: [document.querySelector('.bloch').width, document.querySelector('.bloch').clientWidth],
      },
    };
  });
}

const inView = (b, m) => b.x >= 0 && b.y >= 0 && b.right <= m.innerWidth + 0.5 && b.bottom <= m.innerHeight + 0.5;
const overlap = (a, b) => a.x < b.right && b.x < a.right && a.y < b.bottom && b.y < a.bottom;

for (const { width, height, dpr } of SIZES) {
  test(`${width}×${height} at ${dpr}x: no page scroll sideways, Play and the plot in reach, the circuit scrolls in its panel, nothing covered`, async () => {
    const ctx = await env.newContext({ viewport: { width, height }, deviceScaleFactor: dpr });
    const page = await ctx.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    // A link that cannot be opened: the default playground with an error message on top.
    await page.goto(`${env.url}#v1.not-a-playground`);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
    await page.evaluate(() => window.__qmlp.app.flush());
    const m = await measure(page);
    await page.screenshot({ path: path.join(ARTIFACTS, `layout-${width}x${height}.png`) });

    assert.ok(m.pageWidth <= m.innerWidth, `the page is ${m.pageWidth} px wide in a ${m.innerWidth} px window`);
    assert.equal(m.scrollY, 0);
    for (const name of ['play', 'step', 'reset']) {
      assert.ok(inView(m[name], m), `${name} is on the first screen: ${JSON.stringify(m[name])}`);
    }
    if (width >= 768) assert.ok(inView(m.boundary, m), `the plot is on the first screen: ${JSON.stringify(m.boundary)}`);
    else assert.ok(m.boundary.y < m.innerHeight && m.boundary.right <= m.innerWidth, `the plot starts on the first screen: ${JSON.stringify(m.boundary)}`);

    const hidden = await page.evaluate(() => ['play', 'step', 'reset'].filter((id) => {
      const el = document.querySelector(`[data-testid=${id}]`);
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return !el.contains(top);
    }));
    assert.deepEqual(hidden, [], 'Play, Step and Reset are what is at their place on the screen');

    // The circuit: inside its panel, from its first column; sideways scrolling reaches its end.
    assert.ok(m.grid.right <= m.innerWidth, 'the circuit panel fits the window');
    assert.equal(m.grid.scrollLeft, 0, 'the circuit starts at its first column');
    assert.equal(m.grid.overflowX, 'auto');
    const last = await page.evaluate(() => {
      const grid = document.querySelector('[data-testid=circuit]');
      const gates = [...grid.querySelectorAll('.gate')];
      const end = gates.reduce((a, g) => (Number(g.dataset.col) > Number(a.dataset.col) ? g : a));
      end.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = end.getBoundingClientRect();
      const g = grid.getBoundingClientRect();
      const out = { col: Number(end.dataset.col), inside: r.left >= g.left - 0.5 && r.right <= g.right + 0.5, pageX: scrollX };
      grid.scrollLeft = 0;
      scrollTo(0, 0);
      return out;
    });
    assert.equal(last.col, 20, 'the default circuit ends at column 20');
    assert.ok(last.inside, 'the last column scrolls into the panel');
    assert.equal(last.pageX, 0, 'the page itself did not scroll sideways');
    if (m.grid.scrollWidth > m.grid.clientWidth) assert.ok(width < 1920, 'only narrow windows need the scrolling');

    // The tagline, whole.
    assert.notEqual(m.tagline.display, 'none');
    assert.ok(m.tagline.scrollWidth <= m.tagline.clientWidth + 1 && m.tagline.scrollHeight <= m.tagline.clientHeight + 1, `the tagline is not cut: ${JSON.stringify(m.tagline)}`);
    assert.notEqual(m.tagline.overflow, 'ellipsis');
    assert.ok(m.tagline.right <= m.innerWidth);

    // The message is shown and covers no control.
    assert.match(await page.getByTestId('msg-global').textContent(), /This link cannot be opened/);
    const covered = m.controls.filter((c) => overlap(c, m.message) && !/msg-close|msg-action/.test(c.id));
    assert.deepEqual(covered.map((c) => c.id), [], 'no control under the message');
    // axe-core at this size too (the phone's one-column order, the tablet's two columns).
    await page.evaluate(AXE);
    const serious = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    assert.deepEqual(serious, [], 'no critical or serious accessibility violation');

    // HiDPI: backing stores at the pixel ratio.
    for (const [name, [backing, css]] of Object.entries(m.canvases)) {
      assert.equal(backing, Math.round(css * dpr), `${name}: ${backing} device px for ${css} CSS px at ${dpr}x`);
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}
