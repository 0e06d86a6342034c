// The Debugger panel in Chromium: train the default a few epochs and the circuit's trainable
// gates are tinted by their last gradient (the value in data-grad and in the accessible name),
// the gradient-norm chart drawn; a landscape and a barren sweep (small sizes) run with a
// progress bar and end in a chart and a summary; Cancel stops a running analysis and stores
// nothing; a reload and a link keep the results; expressibility ranks the circuit among the
// templates; the embedded element has its own Debugger. Screenshots in artifacts/debugger-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, launch, openPage, shot } from './harness.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the Debugger panel: its serious and critical violations. */
async function axeOnPanel(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run('[data-testid=debugger]', { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const stored = (page) => page.evaluate(() => (window.__qmlp.getDocument().analyses ?? []).map((a) => a.kind));
const drawn = (page, id) => page.evaluate((t) => {
  const c = document.querySelector(`[data-testid=${t}]`);
  if (!c || c.hidden || !c.width) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink += 1;
  return ink;
}, id);

test('gradients on the circuit, a landscape and a barren sweep, Cancel, kept by reload and link', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const panel = page.getByRole('region', { name: 'Debugger' });
  assert.ok(await panel.getByRole('heading', { name: 'Debugger' }).isVisible());
  const tabs = panel.getByRole('tablist', { name: 'Debugger views' });
  assert.deepEqual(await tabs.getByRole('tab').allTextContents(),
    ['Gradients', 'Barren plateaus', 'Landscape', 'Fourier', 'Expressibility']);

  // Before training: no tint.
  const trainable = page.locator('.gate.has-weight');
  assert.ok(await trainable.count() > 0, 'the default has trainable gates');
  assert.equal(await page.locator('.gate.grad-tinted').count(), 0);

  for (let i = 0; i < 3; i += 1) await page.getByTestId('step').click();
  await page.evaluate(() => window.__qmlp.app.flush());
  const first = await trainable.first();
  await page.waitForFunction(() => document.querySelector('.gate.has-weight')?.dataset.grad);
  const g1 = Number(await first.getAttribute('data-grad'));
  assert.ok(Number.isFinite(g1) && g1 >= 0, `a gradient value: ${g1}`);
  assert.match(await first.getAttribute('aria-label'), /gradient \|∂L\/∂θ\| .* in the last step/);
  assert.match(await first.getAttribute('title'), /gradient \|∂L\/∂θ\|/);
  assert.equal(await page.locator('.gate.grad-tinted').count(), await trainable.count(), 'every trainable gate is tinted');
  assert.equal(await page.locator('.gate.grad-tinted:not(.has-weight)').count(), 0, 'only trainable gates');
  assert.match(await page.getByTestId('grad-blocks').textContent(), /^Last step: circuit /);
  assert.ok(await drawn(page, 'grad-chart') > 100, 'the gradient-norm chart is drawn');
  // Training on changes the values.
  await page.getByTestId('step').click();
  await page.evaluate(() => window.__qmlp.app.flush());
  const g2 = Number(await first.getAttribute('data-grad'));
  assert.notEqual(g2, g1, 'the tint follows the last step');
  // Switching the tint off removes it.
  await page.getByTestId('grad-tint').uncheck();
  await page.evaluate(() => window.__qmlp.app.flush());
  assert.equal(await page.locator('.gate.grad-tinted').count(), 0);
  assert.doesNotMatch(await first.getAttribute('aria-label'), /gradient/);
  await page.getByTestId('grad-tint').check();
  await page.evaluate(() => window.__qmlp.app.flush());
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: path.join(ARTIFACTS, 'debugger-gradients.png') });

  // Landscape, small grid: progress, then the chart and the summary.
  await page.getByTestId('dbg-tab-landscape').click();
  assert.equal(await page.getByTestId('dbg-tab-landscape').getAttribute('aria-selected'), 'true');
  assert.ok(await page.getByTestId('dbg-pane-landscape').isVisible());
  assert.equal(await page.getByTestId('landscape-summary').textContent(), 'Not computed yet.');
  await page.getByTestId('landscape-resolution').selectOption('21');
  await page.getByTestId('run-landscape').click();
  await page.waitForFunction(() => /^21×21 grid/.test(document.querySelector('[data-testid=landscape-summary]').textContent), null, { timeout: 60_000 });
  assert.match(await page.getByTestId('landscape-summary').textContent(), /loss from .* to .*; the current weights have/);
  assert.ok(await drawn(page, 'landscape-chart') > 1000, 'the heat map is drawn');
  assert.deepEqual(await stored(page), ['landscape']);
  assert.ok(await page.getByTestId('analysis-run').isHidden(), 'the progress bar goes when done');
  await panel.screenshot({ path: path.join(ARTIFACTS, 'debugger-landscape.png') });

  // Barren sweep, small: the progress bar moves while it runs (Pause holds it), then the slope.
  await page.getByTestId('dbg-tab-barren').click();
  await page.getByTestId('barren-qubits').selectOption('4');
  await page.getByTestId('barren-samples').selectOption('50');
  await page.getByTestId('barren-layers').selectOption('10');
  // Started and paused before its first frame (a small sweep can finish within a few frames).
  await page.evaluate(() => {
    document.querySelector('[data-testid=run-barren]').click();
    document.querySelector('[data-testid=analysis-pause]').click();
  });
  const bar = page.getByRole('progressbar', { name: 'Analysis progress' });
  assert.ok(await bar.isVisible());
  assert.deepEqual(await axeOnPanel(page), [], 'the progress row passes axe');
  const held = await page.getByTestId('analysis-status').textContent();
  assert.match(held, /^Barren plateaus: \d+% \(\d+ of \d+\), paused$/);
  const now1 = await bar.getAttribute('aria-valuenow');
  await page.waitForTimeout(300);
  assert.equal(await bar.getAttribute('aria-valuenow'), now1, 'paused: no progress');
  assert.equal(await page.getByTestId('analysis-pause').textContent(), 'Resume');
  await page.getByTestId('analysis-pause').click();
  await page.waitForFunction(() => /fitted slope/.test(document.querySelector('[data-testid=barren-summary]').textContent), null, { timeout: 120_000 });
  const summary = await page.getByTestId('barren-summary').textContent();
  assert.match(summary, /^Reference circuit \(McClean et al\.\): fitted slope of ln Var per qubit: local -?\d\.\d{3}, global -?\d\.\d{3}/);
  assert.match(summary, /Your circuit repeated: fitted slope of ln Var per repetition/);
  assert.match(summary, /50 random circuits per point/);
  assert.ok(await drawn(page, 'barren-chart') > 500, 'the semilog chart is drawn');
  assert.ok(await drawn(page, 'barren-layers-chart') > 500, 'the drawn circuit over layers');
  assert.deepEqual((await stored(page)).sort(), ['barren', 'landscape']);
  assert.match(await page.getByTestId('msg-debugger').textContent(), /The barren plateaus analysis is stored in the document/);
  assert.deepEqual(await axeOnPanel(page), [], 'the panel with its results passes axe');
  await page.getByTestId('debugger').scrollIntoViewIfNeeded();
  await panel.screenshot({ path: path.join(ARTIFACTS, 'debugger-barren.png') });

  // Cancel: a larger landscape stops, nothing new is stored, the old one stays.
  await page.getByTestId('dbg-tab-landscape').click();
  await page.getByTestId('landscape-resolution').selectOption('61');
  const before = await page.getByTestId('landscape-summary').textContent();
  await page.getByTestId('run-landscape').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=analysis-progress]').getAttribute('aria-valuenow')) > 0);
  assert.ok(await page.getByTestId('run-landscape').isDisabled(), 'one analysis at a time');
  await page.getByTestId('analysis-cancel').click();
  assert.ok(await page.getByTestId('analysis-run').isHidden());
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId('landscape-summary').textContent(), before);
  assert.match(await page.getByTestId('msg-debugger').textContent(), /Cancelled the landscape analysis; nothing was stored/);
  assert.ok(await page.getByTestId('run-landscape').isEnabled());
  assert.equal(await page.evaluate(() => window.__qmlp.app.analysis.state), 'idle');

  // Fourier: computed on the spot for the chosen input.
  await page.getByTestId('dbg-tab-fourier').click();
  await page.evaluate(() => window.__qmlp.app.flush());
  assert.match(await page.getByTestId('fourier-summary').textContent(), /the encoding reaches \d+ frequenc/);
  assert.ok(await drawn(page, 'fourier-chart') > 200);

  // The link and a reload keep both results.
  const hash = await page.evaluate(() => window.__qmlp.app.engine.shareHash());
  await page.waitForTimeout(1500); // the autosave is debounced
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.deepEqual((await stored(page)).sort(), ['barren', 'landscape'], 'kept by the reload');
  await page.getByTestId('dbg-tab-barren').click();
  assert.equal(await page.getByTestId('barren-summary').textContent(), summary);
  const other = await env.context.newPage();
  await other.goto(`${env.url}#${hash}`);
  await other.waitForSelector('html[data-ready="true"]');
  await other.getByTestId('dbg-tab-landscape').click();
  assert.match(await other.getByTestId('landscape-summary').textContent(), /^21×21 grid/, 'carried by the link');
  await other.evaluate(() => window.__qmlp.app.flush());
  assert.ok(await drawn(other, 'landscape-chart') > 1000);
  await shot(other, 'debugger-link');
  await other.close();
  assert.deepEqual(errors, []);
});

test('expressibility ranks the drawn circuit among the templates; the embedded element has the Debugger too', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  await page.getByTestId('dbg-tab-expressibility').click();
  await page.getByTestId('expr-pairs').selectOption('100');
  await page.getByTestId('run-expressibility').click();
  await page.waitForFunction(() => /^Expressibility \(KL divergence/.test(document.querySelector('[data-testid=expressibility-summary]').textContent), null, { timeout: 120_000 });
  const text = await page.getByTestId('expressibility-summary').textContent();
  const m = text.match(/rank (\d+) of (\d+) by expressibility and (\d+) of (\d+) by entanglement/);
  assert.ok(m, text);
  const rows = await page.getByTestId('expr-table').locator('tbody tr').count();
  assert.equal(rows, Number(m[2]), 'one row per ranked entry');
  // The circuit's row sits at its rank (the table is sorted by KL divergence).
  const own = await page.getByTestId('expr-table').locator('tbody tr').evaluateAll((trs) => trs.findIndex((tr) => tr.classList.contains('own')));
  assert.equal(own + 1, Number(m[1]));
  await page.getByTestId('debugger').screenshot({ path: path.join(ARTIFACTS, 'debugger-expressibility.png') });
  assert.deepEqual(errors, []);
  await page.close();

  // The course page's elements: the Debugger inside each shadow root, gradients after a step.
  const course = await env.context.newPage();
  await course.goto(`${env.url}examples/course-page.html`);
  await course.evaluate(() => Promise.all([...document.querySelectorAll('qml-playground')].map((e) => e.ready)));
  const xor = course.locator('#lesson-xor');
  const panel = xor.getByRole('region', { name: /^Debugger/ });
  assert.equal(await panel.count(), 1);
  assert.equal(await course.getByRole('region', { name: /^Debugger/ }).count(), 2, 'one per element');
  await xor.getByTestId('step').click();
  await course.waitForFunction(() => document.getElementById('lesson-xor').shadowRoot.querySelector('.gate.grad-tinted[data-grad]'));
  await xor.getByTestId('dbg-tab-landscape').click();
  await xor.getByTestId('landscape-resolution').selectOption('11');
  await xor.getByTestId('run-landscape').click();
  await course.waitForFunction(() => /^11×11 grid/.test(document.getElementById('lesson-xor').shadowRoot.querySelector('[data-testid=landscape-summary]').textContent), null, { timeout: 60_000 });
  assert.equal(await course.locator('#lesson-layers').getByTestId('landscape-summary').textContent(), 'Not computed yet.', 'the other element is untouched');
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: path.join(ARTIFACTS, 'debugger-embed.png') });
  await course.close();
});

test('a circuit whose weight does nothing: the Debugger warns that the gradients vanished', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  // RZ(θ) on RX(x1)|0⟩ only changes a phase that ⟨Z0⟩ cannot see, and the head is fixed.
  await page.evaluate(() => {
    const d = window.__qmlp.getDocument();
    d.circuit.qubits = 1;
    d.circuit.gates = [
      { gate: 'RX', wires: [0], params: [{ kind: 'feature', feature: 'x1', scale: 1 }], col: 0 },
      { gate: 'RZ', wires: [0], params: [{ kind: 'weight', value: 0.2 }], col: 1 },
    ];
    d.readout = { kind: 'expval', observables: ['Z0'] };
    d.head = { trainable: false, scale: [1], bias: [0] };
    d.baseline = { enabled: false, hidden: [8, 8] };
    if (!window.__qmlp.app.load(JSON.stringify(d))) throw new Error('not loaded');
  });
  const warning = page.getByTestId('grad-warning');
  for (let i = 0; i < 6; i += 1) await page.getByTestId('step').click();
  await page.evaluate(() => window.__qmlp.app.flush());
  assert.ok(await warning.isVisible(), 'the warning shows');
  assert.match(await warning.textContent(), /stalled/);
  const gate = page.getByTestId('gate-1');
  assert.ok(Number(await gate.getAttribute('data-grad')) < 1e-12, 'no gradient to speak of');
  assert.match(await gate.getAttribute('class'), /grad-vanished/);
  assert.match(await gate.getAttribute('aria-label'), /\(vanished\)/);
  await page.getByTestId('debugger').screenshot({ path: path.join(ARTIFACTS, 'debugger-vanished.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a landscape along two chosen parameters; a bad or missing index is refused and the stored result kept', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  await page.getByTestId('step').click();
  await page.getByTestId('dbg-tab-landscape').click();
  await page.getByTestId('landscape-resolution').selectOption('5');
  assert.equal(await page.getByTestId('landscape-param-1').isVisible(), false, 'indices hidden for random directions');
  await page.getByTestId('landscape-directions').selectOption('params');
  await page.getByTestId('landscape-param-1').fill('2');
  await page.getByTestId('landscape-param-2').fill('5');
  await page.getByTestId('run-landscape').click();
  await page.waitForFunction(() => /^5×5 grid/.test(document.querySelector('[data-testid=landscape-summary]').textContent), null, { timeout: 60_000 });
  assert.match(await page.getByTestId('landscape-summary').textContent(), /along two parameter directions/);
  const doc = await page.evaluate(() => window.__qmlp.getDocument());
  const land = doc.analyses.find((a) => a.kind === 'landscape');
  assert.deepEqual(land.spec.directions, { kind: 'params', first: 2, second: 5 }, JSON.stringify(land.spec));
  // An index the model does not have: the engine's message, the stored landscape unchanged.
  await page.getByTestId('landscape-param-2').fill('9999');
  await page.getByTestId('run-landscape').click();
  await page.waitForFunction(() => /Cannot start/.test(document.querySelector('[data-testid=msg-debugger]')?.textContent ?? ''));
  assert.match(await page.getByTestId('msg-debugger').textContent(), /parameter 9999 does not exist: the model has \d+ parameter/);
  await page.getByTestId('landscape-param-2').fill('1.5');
  await page.getByTestId('run-landscape').click();
  await page.waitForFunction(() => /whole number/.test(document.querySelector('[data-testid=msg-debugger]')?.textContent ?? ''));
  const after = await page.evaluate(() => window.__qmlp.getDocument());
  assert.deepEqual(after.analyses.find((a) => a.kind === 'landscape'), land, 'the stored result is kept');
  await page.getByTestId('debugger').screenshot({ path: path.join(ARTIFACTS, 'debugger-landscape-params.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the analyses run in the analysis worker: the page\'s thread stays free and the numbers are its own engine\'s (figures printed)', async () => {
  const longTasks = () => {
    window.__longTasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
  };
  /** Runs `kind` from its tab on `page`; returns the stored result and the long tasks meanwhile. */
  const runOn = async (page, tab, settings, kind) => {
    await page.getByTestId(`dbg-tab-${tab}`).click();
    for (const [id, v] of settings) await page.getByTestId(id).selectOption(v);
    await page.evaluate(() => { window.__longTasks = []; });
    await page.getByTestId(`run-${kind}`).click();
    await page.waitForFunction((k) => window.__qmlp.app.lastAnalysisStats?.kind === k
      && (window.__qmlp.getDocument().analyses ?? []).some((a) => a.kind === k), kind, { timeout: 300_000 });
    return page.evaluate((k) => {
      const s = window.__qmlp.app.lastAnalysisStats;
      window.__qmlp.app.lastAnalysisStats = null;
      return { result: window.__qmlp.getDocument().analyses.find((a) => a.kind === k), stats: s, longest: Math.max(0, ...window.__longTasks), count: window.__longTasks.length };
    }, kind);
  };
  const { page, errors } = await openPage(env.context, `${env.url}?workers=2`, { init: longTasks });
  for (let i = 0; i < 3; i += 1) await page.getByTestId('step').click();
  assert.equal(await page.evaluate(() => window.__qmlp.app.analysis.inWorker), true);
  const land = await runOn(page, 'landscape', [['landscape-resolution', '21']], 'landscape');
  assert.equal(land.stats.worker, true, 'computed in the workers');
  assert.equal(land.stats.workers, 2, 'split across two analysis workers');
  assert.equal(page.workers().filter((w) => /analysisworker/.test(w.url())).length, 2, 'two analysis workers are running');
  // The page's own engine, on the same weights, gives the same numbers to the last bit.
  const own = await page.evaluate(() => {
    const r = window.__qmlp.app.engine.pg.startAnalysis('landscape', { resolution: 21 });
    while (!r.step(1000).finished);
    const out = r.result();
    r.free();
    return JSON.parse(out);
  });
  assert.deepEqual(land.result, own);
  const small = [['barren-qubits', '6'], ['barren-samples', '50'], ['barren-layers', '10']];
  const barrenSplit = await runOn(page, 'barren', small, 'barren');
  const barren = await runOn(page, 'barren', [['barren-qubits', '8'], ['barren-samples', '200'], ['barren-layers', '20']], 'barren');
  console.log(`analyses in 2 workers — landscape 21²: ${land.stats.elapsedMs.toFixed(0)} ms, ${land.stats.frames} slices, longest ${land.stats.longestStepMs.toFixed(0)} ms in a worker, longest main-thread task ${land.longest.toFixed(0)} ms (${land.count} over 50 ms); barren to 8 qubits × 200: ${barren.stats.elapsedMs.toFixed(0)} ms, ${barren.stats.frames} slices, longest main-thread task ${barren.longest.toFixed(0)} ms (${barren.count} over 50 ms)`);
  assert.deepEqual(errors, []);
  await page.close();

  // One analysis worker, and three: the same numbers, bit for bit, whatever the split.
  for (const k of [1, 3]) {
    const { page: p, errors: errs } = await openPage(env.context, `${env.url}?workers=${k}`, { init: longTasks });
    for (let i = 0; i < 3; i += 1) await p.getByTestId('step').click();
    const l = await runOn(p, 'landscape', [['landscape-resolution', '21']], 'landscape');
    const b = await runOn(p, 'barren', small, 'barren');
    assert.equal(l.stats.workers, k);
    assert.equal(b.stats.workers, k);
    assert.deepEqual(l.result, land.result, `the landscape in ${k} worker(s)`);
    assert.deepEqual(b.result, barrenSplit.result, `the barren sweep in ${k} worker(s)`);
    assert.deepEqual(errs, []);
    await p.close();
  }

  // `?analysis=main` keeps them on the page's thread, with the same result.
  const { page: here, errors: errs } = await openPage(env.context, `${env.url}?analysis=main`, { init: longTasks });
  for (let i = 0; i < 3; i += 1) await here.getByTestId('step').click();
  assert.equal(await here.evaluate(() => window.__qmlp.app.analysis.inWorker), false);
  const land2 = await runOn(here, 'landscape', [['landscape-resolution', '21']], 'landscape');
  assert.equal(land2.stats.worker, undefined);
  assert.deepEqual(land2.result, land.result, 'the same landscape on the page\'s thread');
  assert.deepEqual(errs, []);
  await here.close();
});
