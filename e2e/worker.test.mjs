// Training in a module worker (www/trainworker.js, www/workerloop.js): an 8-qubit, 6-layer
// re-uploading circuit (186 gates; 8 qubits; the page runs at most 16, links included) trains in the
// worker while the page's thread stays free — the longest main-thread task, frames and epochs
// per second are printed, not asserted; Pause stops the epochs; and 5 epochs trained in the
// worker give exactly the weights of 5 epochs on the page's thread (`?trainer=main`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, openPage, shot, getDocument, reuploadingDocument, installLongTaskObserver, ownBoundary } from './harness.mjs';
import { initSync, defaultDocument } from '../pkg/qmlp.js';
initSync({ module: fs.readFileSync(new URL('../pkg/qmlp_bg.wasm', import.meta.url)) });

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const reuploading = (q, layers, epochs) => reuploadingDocument(defaultDocument(), q, layers, epochs);

const link = (doc, query = '') => `${env.url}${query}#json:${encodeURIComponent(JSON.stringify(doc))}`;
const epochShown = async (page) => Number(await page.getByTestId('epoch').textContent());
const inWorker = (page) => page.evaluate(() => window.__qmlp.app.stats.worker);
const weights = (doc) => doc.circuit.gates.flatMap((g) => (g.params ?? []).filter((p) => p.kind === 'weight').map((p) => p.value))
  .concat(doc.head?.scale ?? [], doc.head?.bias ?? []);


/** Plays for `ms`, counting frames; returns the figures of that span. */
async function figures(page, ms) {
  const e0 = await epochShown(page);
  await page.getByRole('button', { name: /^Play/ }).waitFor();
  const r = await page.evaluate(async ({ ms }) => {
    const t0 = performance.now();
    let frames = 0;
    let worstGap = 0;
    let last = t0;
    document.querySelector('[data-testid=play]').click();
    await new Promise((done) => {
      const f = (t) => {
        frames += 1;
        worstGap = Math.max(worstGap, t - last);
        last = t;
        if (t - t0 < ms) requestAnimationFrame(f); else done();
      };
      requestAnimationFrame(f);
    });
    const tasks = window.__longTasks.filter((x) => x.start >= t0);
    return { fps: frames / ((performance.now() - t0) / 1000), worstGap, longest: Math.max(0, ...tasks.map((x) => x.duration)), count: tasks.length };
  }, { ms });
  const e1 = await epochShown(page);
  await page.getByRole('button', { name: /^Pause/ }).click();
  return { ...r, epochsPerSec: (e1 - e0) / (ms / 1000), epochs: e1 - e0 };
}

test('an 8-qubit re-uploading circuit trains in the worker; the page stays responsive and Pause stops it', async () => {
  const doc = reuploading(8, 6, 100000);
  const { page, errors } = await openPage(env.context, link(doc), { init: installLongTaskObserver });
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  assert.equal((await getDocument(page)).circuit.qubits, 8);

  const w = await figures(page, 4000);
  assert.ok(w.epochs > 0, 'epochs advance in the worker');
  await shot(page, 'worker-1-trained');
  // Paused at once; the worker's final state arrives after, and then nothing moves.
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  await page.waitForTimeout(300);
  const stopped = await epochShown(page);
  await page.waitForTimeout(700);
  assert.equal(await epochShown(page), stopped, 'paused: no epochs after the final state');
  const trained = await getDocument(page);
  // What one absorption costs the page's thread now (it grows with the run's history).
  const cost = await page.evaluate(() => {
    const { engine } = window.__qmlp.app;
    const snap = engine.pg.transferSnapshot();
    const t0 = performance.now();
    for (let i = 0; i < 5; i += 1) engine.pg.absorbSnapshot(snap);
    return { chars: snap.length, ms: (performance.now() - t0) / 5, epoch: engine.metrics().epoch };
  });
  console.log(`absorbing one worker snapshot at epoch ${cost.epoch}: ${cost.chars} characters, ${cost.ms.toFixed(2)} ms on the page's thread`);
  assert.notDeepEqual(weights(trained), weights(doc), 'the worker\'s weights reached the page\'s document');

  // The same on the page's thread, for comparison.
  const { page: here } = await openPage(env.context, link(doc, '?trainer=main'), { init: installLongTaskObserver });
  assert.equal(await inWorker(here), false);
  const m = await figures(here, 4000);
  console.log(`8 qubits, 186 gates — worker: longest main-thread task ${w.longest.toFixed(0)} ms (${w.count} over 50 ms), worst frame gap ${w.worstGap.toFixed(0)} ms, ${w.fps.toFixed(1)} fps, ${w.epochsPerSec.toFixed(2)} epochs/s`);
  console.log(`8 qubits, 186 gates — main thread: longest task ${m.longest.toFixed(0)} ms (${m.count} over 50 ms), worst frame gap ${m.worstGap.toFixed(0)} ms, ${m.fps.toFixed(1)} fps, ${m.epochsPerSec.toFixed(2)} epochs/s`);
  assert.deepEqual(errors, []);
  await here.close();
  await page.close();
});

test('5 epochs in the worker give exactly the weights of 5 epochs on the page\'s thread', async () => {
  for (const doc of [reuploading(3, 2, 5), { ...JSON.parse(defaultDocument()), training: { ...JSON.parse(defaultDocument()).training, epochs: 5 } }]) {
    const results = [];
    for (const query of ['', '?trainer=main']) {
      const { page, errors } = await openPage(env.context, link(doc, query));
      if (!query) await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
      assert.equal(await inWorker(page), !query);
      await page.getByRole('button', { name: /^Play/ }).click();
      await page.waitForFunction(() => /Trained the 5 epochs/.test(document.querySelector('[data-testid=msg-training]').textContent));
      await page.waitForFunction(() => document.querySelector('[data-testid=epoch]').textContent.trim() === '5');
      results.push(weights(await getDocument(page)));
      assert.deepEqual(errors, []);
      await page.close();
    }
    assert.notDeepEqual(results[0], weights(doc));
    assert.deepEqual(results[0], results[1], 'worker and page thread train to identical weights');
  }
});

test('a panic in the worker is reported; a new worker trains on from the page\'s intact document', async () => {
  const doc = reuploading(3, 2, 100000);
  const { page, errors } = await openPage(env.context, link(doc));
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=epoch]').textContent) >= 3);
  const [worker] = page.workers();
  assert.ok(worker, 'a worker runs');
  await worker.evaluate(() => globalThis.__qmlpOnPanic('internal error in the engine: simulated'));
  await page.waitForFunction(() => /training worker hit an internal error and was restarted from your last good document/.test(document.querySelector('[data-testid=msg-global]').textContent));
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  const kept = await getDocument(page);
  assert.deepEqual(kept.circuit.gates.map((g) => [g.gate, g.wires, g.col]), doc.circuit.gates.map((g) => [g.gate, g.wires, g.col]));
  assert.equal(await page.evaluate(() => window.__qmlp.app.stats.workerRestarts), 1);
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  const e0 = await epochShown(page);
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.waitForFunction((e) => Number(document.querySelector('[data-testid=epoch]').textContent) > e + 2, e0);
  assert.equal(await inWorker(page), true);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await shot(page, 'worker-2-after-panic');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the worker computes the decision grid: the page draws it while training, and after Pause the same pixels as its own', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  // Enough epochs that the run is still going when Pause is pressed, however fast the machine.
  await page.evaluate(() => window.__qmlp.app.edit('training', (d) => { d.training.epochs = 100000; }));
  const boundary = () => page.evaluate(() => window.__qmlp.app.canvases.boundary.toDataURL());
  const before = await boundary();
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.waitForFunction(() => window.__qmlp.app.stats.workerViews >= 3 && window.__qmlp.app.engine.metrics().epoch >= 3);
  await page.waitForTimeout(100);
  const whilePlaying = await boundary();
  assert.notEqual(whilePlaying, before, 'the boundary follows the training');
  const views = await page.evaluate(() => window.__qmlp.app.stats.workerViews);
  await page.getByRole('button', { name: /^Pause/ }).click();
  // The final view of the weights the worker stopped at arrives and is installed.
  await page.waitForFunction((v) => window.__qmlp.app.stats.workerViews > v, views);
  await page.waitForTimeout(200);
  const fromWorker = await boundary();
  const confusionFromWorker = await page.evaluate(() => window.__qmlp.app.engine.confusion(true));
  // The page's own grid of the same weights: absorbing its own snapshot makes the views stale.
  await page.evaluate(() => {
    const { app } = window.__qmlp;
    app.engine.pg.setDocument(app.engine.snapshot());
    app.invalidate('boundary', 'metrics');
  });
  await page.waitForTimeout(300);
  assert.equal(await boundary(), fromWorker, 'the worker\'s grid is the page\'s, pixel for pixel');
  assert.deepEqual(await page.evaluate(() => window.__qmlp.app.engine.confusion(true)), confusionFromWorker);
  assert.equal(await page.evaluate(() => window.__qmlp.app.stats.refusedViews ?? 0), 0);
  // A view that does not fit this document is refused with a reason, and nothing changes.
  const refusal = await page.evaluate(() => {
    try {
      window.__qmlp.app.engine.pg.installView({ gridN: 4, axes: [0, 1], preprocessed: false, values: new Float64Array(15), classes: null, confusionTest: true, confusion: new Uint32Array(4) });
      return 'accepted';
    } catch (e) { return e.message; }
  });
  assert.match(refusal, /the view does not fit: a 4 × 4 grid has 16 values, not 15/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('stopped, a slow model\'s grid after an edit or a Step comes from the worker: the page draws the same pixels as its own (figures printed)', async () => {
  const { page, errors } = await openPage(env.context, env.url, { init: installLongTaskObserver });
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await page.getByLabel('Open a preset playground').selectOption('reupload-12q');
  await page.waitForFunction(() => window.__qmlp.app.getDocument().circuit.qubits === 12);
  // The page computes the opened document's grid itself once, and so learns what it costs.
  await page.waitForFunction(() => window.__qmlp.app.loop.gridMs > 0);
  const ownMs = await page.evaluate(() => window.__qmlp.app.loop.gridMs);
  const boundary = () => page.evaluate(() => window.__qmlp.app.canvases.boundary.toDataURL());
  const stats = () => page.evaluate(() => ({ ...window.__qmlp.app.stats }));
  const s0 = await stats();
  const before = await boundary();
  // An edit (the last gate removed): the worker computes the view.
  const t0 = await page.evaluate(() => performance.now());
  await page.evaluate(() => window.__qmlp.app.edit('circuit', (d) => { d.circuit.gates.pop(); }));
  await page.waitForFunction((v) => window.__qmlp.app.stats.workerViews > v, s0.workerViews);
  await page.waitForTimeout(200);
  const s1 = await stats();
  // Its view alone (`viewOf`), or with its evaluation too (`work`) when that is slow as well.
  assert.equal(s1.idleViews + s1.workerSettles, s0.idleViews + s0.workerSettles + 1, 'the edit asked the worker for its view');
  assert.equal(s1.refusedViews ?? 0, 0);
  const fromWorker = await boundary();
  assert.notEqual(fromWorker, before, 'the boundary shows the edited model');
  const longest = await page.evaluate((t) => Math.max(0, ...window.__longTasks.filter((e) => e.start >= t).map((e) => e.duration)), t0);
  // The page's own grid of the same weights, at the size the worker chose.
  const own = () => ownBoundary(page);
  assert.equal(await own(), fromWorker, 'the worker\'s grid is the page\'s, pixel for pixel');
  // Step: the worker trains the epoch (too long for the page's thread) and sends its view.
  await page.getByRole('button', { name: 'Step: train one epoch' }).click();
  await page.waitForFunction((v) => window.__qmlp.app.stats.workerSteps > v && window.__qmlp.app.loop.stale === false, s1.workerSteps);
  await page.waitForTimeout(200);
  const afterStep = await boundary();
  assert.equal(await own(), afterStep, 'after Step too');
  console.log(`12 qubits, stopped: the page's own ${await page.evaluate(() => window.__qmlp.app.ui.gridN)}² grid took ${ownMs.toFixed(0)} ms; with the worker's view (${s1.lastViewGridN}²) the longest main-thread task after the edit was ${longest.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('opening a preset starts a new run: no edit marks from the run before, playing or paused', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  const history = () => page.evaluate(() => window.__qmlp.app.engine.history());
  // While the worker trains the default playground.
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.waitForFunction(() => window.__qmlp.app.engine.metrics().epoch >= 2);
  await page.getByLabel('Open a preset playground').selectOption('reupload-1q');
  await page.waitForFunction(() => window.__qmlp.app.getDocument().circuit.qubits === 1);
  await page.waitForTimeout(500);
  let h = await history();
  assert.deepEqual(h.edits ?? [], [], 'no mark after loading while playing');
  // Paused, after a trained epoch.
  if (await page.evaluate(() => window.__qmlp.app.loop.playing)) await page.getByRole('button', { name: /^Pause/ }).click();
  await page.getByRole('button', { name: 'Step: train one epoch' }).click();
  await page.waitForFunction(() => window.__qmlp.app.engine.metrics().epoch >= 1);
  await page.getByLabel('Open a preset playground').selectOption('xor-entangled');
  await page.waitForFunction(() => window.__qmlp.app.getDocument().circuit.qubits === 2);
  h = await history();
  assert.deepEqual(h.edits ?? [], [], 'a loaded preset carries no edit mark');
  assert.equal(h.train_loss.length, 1, 'only the new run\'s entry before training, none of the run before');
  // An ordinary edit still marks the curve.
  await page.evaluate(() => window.__qmlp.app.edit('circuit', (d) => { d.circuit.gates.pop(); }));
  assert.equal((await history()).edits.length, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an edit while playing reaches the worker: the run goes on with it', async () => {
  const { page, errors } = await openPage(env.context, link(reuploading(3, 2, 100000)));
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=epoch]').textContent) >= 3);
  await page.getByTestId('lr').fill('0.01');
  await page.getByTestId('lr').press('Enter');
  const e0 = await epochShown(page);
  await page.waitForFunction((e) => Number(document.querySelector('[data-testid=epoch]').textContent) > e + 3, e0);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await page.waitForTimeout(300);
  // Had the worker trained on without the edit, its snapshots would have brought 0.05 back.
  assert.equal((await getDocument(page)).training.optimizer.lr, 0.01);
  assert.equal(await page.evaluate(() => window.__qmlp.app.engine.metrics().epoch), await epochShown(page));
  assert.deepEqual(errors, []);
  await page.close();
});

test('where a module worker cannot start, training runs on the page\'s thread', async () => {
  const { page, errors } = await openPage(env.context, link(reuploading(3, 2, 5)), {
    init: () => { window.Worker = function Worker() { throw new DOMException('refused by the test', 'SecurityError'); }; },
  });
  assert.equal(await inWorker(page), false);
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.waitForFunction(() => /Trained the 5 epochs/.test(document.querySelector('[data-testid=msg-training]').textContent));
  assert.equal(await epochShown(page), 5);
  assert.deepEqual(errors, []);
  await page.close();
});

test('in a sandboxed iframe without allow-same-origin, training runs on the page\'s thread', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  await page.evaluate((src) => {
    document.body.innerHTML = '';
    const f = document.createElement('iframe');
    f.setAttribute('sandbox', 'allow-scripts');
    f.setAttribute('title', 'Sandboxed playground');
    f.style.width = '1000px';
    f.style.height = '700px';
    f.src = src;
    document.body.append(f);
  }, `${env.url}?embed#json:${encodeURIComponent(JSON.stringify(reuploading(3, 2, 5)))}`);
  const frame = page.frameLocator('iframe[title="Sandboxed playground"]');
  await frame.locator('html[data-ready="true"]').waitFor({ timeout: 30_000 });
  const handle = page.frames().find((f) => f !== page.mainFrame());
  // The worker is refused (an opaque origin may not start a script of the server's origin).
  await handle.waitForFunction(() => window.__qmlp.app.loop.failedToStart === true);
  assert.equal(await handle.evaluate(() => window.__qmlp.app.stats.worker), false);
  await frame.getByRole('button', { name: /^Play/ }).click();
  await frame.getByTestId('msg-training').filter({ hasText: /Trained the 5 epochs/ }).waitFor();
  assert.equal(await frame.getByTestId('epoch').textContent(), '5');
  // The Debugger's analyses cannot have their worker either: they run on the frame's thread.
  await frame.getByTestId('dbg-tab-landscape').click();
  await frame.getByTestId('landscape-resolution').selectOption('5');
  await frame.getByTestId('run-landscape').click();
  await handle.waitForFunction(() => (window.__qmlp.getDocument().analyses ?? []).some((a) => a.kind === 'landscape'), null, { timeout: 60_000 });
  assert.equal(await handle.evaluate(() => window.__qmlp.app.analysis.inWorker), false);
  await shot(page, 'worker-3-sandboxed');
  assert.deepEqual(errors.filter((e) => !/Worker|worker/.test(e)), []);
  await page.close();
});

test('the "Re-uploading, 12 qubits" preset opens from the menu and trains in the worker (figures printed)', async () => {
  const { page, errors } = await openPage(env.context, env.url, { init: installLongTaskObserver });
  await page.getByLabel('Open a preset playground').selectOption('reupload-12q');
  await page.waitForFunction(() => window.__qmlp.app.getDocument().circuit.qubits === 12);
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  const doc = await getDocument(page);
  assert.equal(doc.title, 'Re-uploading, 12 qubits');
  assert.equal(doc.circuit.gates.length, 12 * 3 * 3 + 3 * 12);
  const f = await figures(page, 5000);
  await page.waitForTimeout(300);
  assert.ok(f.epochs > 0, 'epochs advance');
  const h = await page.evaluate(() => window.__qmlp.app.engine.pg.history().train_loss);
  assert.ok(h.length >= 2 && h[h.length - 1] < h[0], `the loss falls: ${h[0]} -> ${h[h.length - 1]}`);
  // Twelve Bloch spheres and the list of the most probable states, not 4 096 bars.
  await page.getByTestId('bloch-11').waitFor();
  assert.ok(await page.getByRole('table', { name: 'Most probable basis states' }).locator('tbody tr').count() >= 1);
  await shot(page, 'worker-12-qubits');
  console.log(`12 qubits, 3 layers (144 gates), preset reupload-12q — worker: longest main-thread task ${f.longest.toFixed(0)} ms (${f.count} over 50 ms), worst frame gap ${f.worstGap.toFixed(0)} ms, ${f.fps.toFixed(1)} fps, ${f.epochsPerSec.toFixed(2)} epochs/s; train loss ${h[0].toFixed(4)} -> ${h[h.length - 1].toFixed(4)} over ${h.length} epochs`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('stopped, a 14-qubit model\'s Step, edits and new weights are computed by the worker, with the numbers of the page\'s thread (figures printed)', async () => {
  const { page, errors } = await openPage(env.context, link(reuploading(14, 3, 50)), { init: installLongTaskObserver });
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  const stats = () => page.evaluate(() => ({ ...window.__qmlp.app.stats }));
  const settled = () => page.waitForFunction(() => {
    const { loop, engine } = window.__qmlp.app;
    return !loop.working && !engine.pg.unevaluated() && loop.queuedSteps === 0;
  });
  // What the page's own engine gives for the same steps, on a Playground of its own.
  const onPageThread = (snapshot, steps) => page.evaluate(({ snapshot, steps }) => {
    const p = new window.__qmlp.app.wasm.Playground(snapshot);
    for (const s of steps) {
      if (s.epoch) p.stepEpoch();
      if (s.reset != null) p.reset(s.reset);
      if (s.json) p.setDocument(s.json);
    }
    const out = p.snapshot();
    p.free();
    return out;
  }, { snapshot, steps });
  const snapshot = () => page.evaluate(() => window.__qmlp.app.engine.snapshot());
  const longestSince = (t) => page.evaluate((t) => Math.max(0, ...window.__longTasks.filter((e) => e.start >= t).map((e) => e.duration)), t);
  const now = () => page.evaluate(() => performance.now());
  const est = await page.evaluate(() => ({ epoch: window.__qmlp.app.engine.pg.epochMs(), evaluation: window.__qmlp.app.engine.pg.evaluationMs() }));
  assert.ok(est.epoch > 50 && est.evaluation > 50, `a 14-qubit model is slow for the page's thread: ${JSON.stringify(est)}`);

  // Step: one epoch in the worker; the page shows it, with the weights its own engine gives.
  const s0 = await stats();
  const before = await snapshot();
  let t0 = await now();
  await page.getByRole('button', { name: 'Step: train one epoch' }).click();
  await page.getByTestId('msg-training').filter({ hasText: 'Training one epoch in the worker' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=epoch]').textContent === '1');
  await settled();
  const stepLongest = await longestSince(t0);
  assert.equal((await stats()).workerSteps, s0.workerSteps + 1);
  assert.equal(await snapshot(), await onPageThread(before, [{ epoch: true }]), 'the worker\'s epoch is the page\'s, to the last bit');
  assert.equal(await page.getByTestId('msg-training').textContent(), '', 'the note goes once the epoch is in');

  // An edit: its evaluation is left to the worker; the history gets the very entry the page's
  // engine would have recorded.
  const s1 = await stats();
  const beforeEdit = await snapshot();
  t0 = await now();
  await page.evaluate(() => window.__qmlp.app.edit('circuit', (d) => { d.circuit.gates.pop(); }));
  const editJson = await page.evaluate(() => window.__qmlp.app.store.json);
  await settled();
  const editLongest = await longestSince(t0);
  assert.equal((await stats()).workerSettles, s1.workerSettles + 1, 'the worker evaluated the edit');
  assert.equal(await snapshot(), await onPageThread(beforeEdit, [{ json: editJson }]));

  // Two Steps pressed at once, and an edit while the worker trains: all of them land, in order.
  const beforeTwo = await snapshot();
  await page.getByRole('button', { name: 'Step: train one epoch' }).click();
  await page.getByRole('button', { name: 'Step: train one epoch' }).click();
  await page.evaluate(() => window.__qmlp.app.edit('circuit', (d) => { d.circuit.gates.pop(); }));
  const secondEdit = await page.evaluate(() => window.__qmlp.app.store.json);
  await settled();
  assert.equal(await page.getByTestId('epoch').textContent(), '3');
  const doc = await getDocument(page);
  assert.equal(doc.circuit.gates.length, JSON.parse(secondEdit).circuit.gates.length, 'the edit made meanwhile is kept');
  assert.equal(await snapshot(), await onPageThread(beforeTwo, [{ epoch: true }, { json: secondEdit }, { epoch: true }]),
    'the edit applies on top of the first epoch, the second epoch on top of the edit');

  // New weights: evaluated in the worker, as the page's engine would.
  const s3 = await stats();
  const beforeReset = await snapshot();
  t0 = await now();
  await page.getByRole('button', { name: 'Reset: new initial weights' }).click();
  await settled();
  const resetLongest = await longestSince(t0);
  assert.equal((await stats()).workerSettles, s3.workerSettles + 1);
  const seed = (await getDocument(page)).training.seed;
  assert.equal(await snapshot(), await onPageThread(beforeReset, [{ reset: seed }]));
  assert.equal(await page.getByTestId('epoch').textContent(), '0');
  const h = await page.evaluate(() => window.__qmlp.app.engine.pg.history());
  assert.equal(h.train_loss.length, 1, 'the new weights\' entry');
  await page.waitForFunction(() => window.__qmlp.app.loop.stale === false);
  await shot(page, 'worker-14-qubits-stopped');
  console.log(`14 qubits, stopped (estimates: epoch ${est.epoch.toFixed(0)} ms, evaluation ${est.evaluation.toFixed(0)} ms on the page's thread): longest main-thread task after Step ${stepLongest.toFixed(0)} ms, after an edit ${editLongest.toFixed(0)} ms, after Reset ${resetLongest.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link to a 16-qubit model opens without evaluating it on the page\'s thread: the worker does, with the page\'s numbers (figures printed)', async () => {
  const doc = reuploading(16, 3, 50);
  const sawNote = () => {
    window.__sawEvaluating = false;
    window.__sawBoundaryPending = false;
    new MutationObserver(() => {
      const note = document.querySelector('[data-testid=evaluating]');
      if (note && !note.hidden) window.__sawEvaluating = true;
      const pending = document.querySelector('[data-testid=boundary-pending]');
      if (pending && !pending.hidden) window.__sawBoundaryPending = true;
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
  };
  const { page, errors } = await openPage(env.context, link(doc), { init: `(${installLongTaskObserver})(); (${sawNote})();` });
  // Until the worker's evaluation is in, the output says the figures are owed.
  assert.equal(await page.evaluate(() => !window.__qmlp.app.engine.pg.unevaluated() || !document.querySelector('[data-testid=evaluating]').hidden), true);
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true && !window.__qmlp.app.loop.working && !window.__qmlp.app.engine.pg.unevaluated()
    && !window.__qmlp.app.loop.stale);
  const s = await page.evaluate(() => ({ ...window.__qmlp.app.stats }));
  assert.ok(s.workerSettles >= 1, 'the worker evaluated the opened model');
  assert.equal(await page.evaluate(() => window.__sawEvaluating), true, 'the output said its figures were owed');
  assert.equal(await page.getByTestId('evaluating').isVisible(), false, 'the note goes once the numbers are in');
  // Nor is its first decision grid (4 s here for the page's 48² grid): the worker's is drawn.
  assert.equal(await page.evaluate(() => window.__sawBoundaryPending), true, 'the plot said its boundary was coming');
  assert.ok(s.workerViews >= 1, 'the worker\'s view is drawn');
  await page.waitForFunction(() => document.querySelector('[data-testid=boundary-pending]').hidden);
  assert.match(await page.locator('[data-testid=output-panel] caption, .output-panel caption').first().textContent(), /test split \(100 points\)[^(]*$/);
  assert.match(await page.getByTestId('test-accuracy').textContent(), /%$/);
  const [mine, own] = await page.evaluate((json) => {
    const { app } = window.__qmlp;
    const p = new app.wasm.Playground(json);
    const out = [app.engine.snapshot(), p.snapshot()];
    p.free();
    return out;
  }, JSON.stringify(doc));
  assert.equal(mine, own, 'the history the worker computed is the one the page would have');
  const longest = await page.evaluate(() => Math.max(0, ...window.__longTasks.map((e) => e.duration)));
  const est = await page.evaluate(() => window.__qmlp.app.engine.pg.evaluationMs());
  const grid = await page.evaluate(() => window.__qmlp.app.engine.pg.gridMs(window.__qmlp.app.ui.gridN));
  await shot(page, 'worker-16-qubits-opened');
  console.log(`16 qubits, opened from a link: evaluation estimated at ${est.toFixed(0)} ms and the 48² grid at ${grid.toFixed(0)} ms on the page's thread, both left to the worker (its grid ${s.lastViewGridN}²); longest main-thread task while loading ${longest.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});
