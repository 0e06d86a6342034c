// Shared batches (issue 18; www/trainworker.js, www/shardworker.js, src/train/shard.rs): the
// training worker splits each batch worth sharing across `?workers=N` workers, and the same seed
// gives identical trained weights, bit for bit, with one worker, two, and on the page's thread.
// Epochs per second for 1, 2 and navigator.hardwareConcurrency workers on a 3-layer re-uploading
// circuit of 12 qubits (or the most the page runs, if fewer) are printed, not asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, openPage, shot, getDocument, reuploadingDocument, ownBoundary } from './harness.mjs';
import { initSync, defaultDocument, catalog } from '../pkg/qmlp.js';
initSync({ module: fs.readFileSync(new URL('../pkg/qmlp_bg.wasm', import.meta.url)) });

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

/** The harness's re-uploading document, in batches of 32: four shards of 8 points (the last
 * batch, 36 points, four of 9). */
function reuploading(q, layers, epochs) {
  const d = reuploadingDocument(defaultDocument(), q, layers, epochs);
  d.training.batch_size = 32;
  return d;
}

/** Waits until the training worker's helpers have loaded their engine (started with the page). */
const helpersReady = (page, n) => page.waitForFunction((k) => window.__qmlp.app.stats.helpers === k, n);
const link = (doc, query = '') => `${env.url}${query}#json:${encodeURIComponent(JSON.stringify(doc))}`;
const stats = (page) => page.evaluate(() => ({ ...window.__qmlp.app.stats }));
const weights = (doc) => doc.circuit.gates.flatMap((g) => (g.params ?? []).filter((p) => p.kind === 'weight').map((p) => p.value))
  .concat(doc.head?.scale ?? [], doc.head?.bias ?? []);
/** The run's progress in epochs, with the fraction of the current one (from the page's engine). */
const progress = (page) => page.evaluate(() => {
  const { engine } = window.__qmlp.app;
  const s = JSON.parse(engine.snapshot()).state;
  return s.epoch + s.cursor / engine.pg.confusion(false).points;
});

test('same seed, 1 and 2 workers (and the page\'s thread): identical trained weights', async () => {
  const doc = reuploading(8, 3, 3);
  const results = {};
  for (const query of ['?workers=1', '?workers=2', '?trainer=main']) {
    const { page, errors } = await openPage(env.context, link(doc, query));
    if (query !== '?trainer=main') await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
    if (query === '?workers=2') await helpersReady(page, 1);
    await page.getByRole('button', { name: /^Play/ }).click();
    await page.getByTestId('msg-training').filter({ hasText: /Trained the 3 epochs/ }).waitFor({ timeout: 120_000 });
    assert.equal(await page.getByTestId('epoch').textContent(), '3');
    results[query] = weights(await getDocument(page));
    const s = await stats(page);
    console.log(`${query}: workers ${s.workers} (asked ${s.workersWanted}), helpers ${s.helpers ?? 0}, shared batches ${s.sharedBatches ?? 0}`);
    if (query === '?workers=1') {
      assert.equal(s.workers, 1);
      assert.equal(s.sharedBatches, 0, 'one worker shares nothing');
    }
    if (query === '?workers=2') {
      assert.equal(s.workersWanted, 2);
      assert.equal(s.helpers, 1, 'one helper started');
      assert.equal(s.workers, 2, 'both workers computed shards');
      // 3 epochs of 3 batches each, all shared.
      assert.equal(s.sharedBatches, 9);
      await shot(page, 'parallel-1-two-workers');
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
  assert.notDeepEqual(results['?workers=1'], weights(doc), 'trained');
  assert.deepEqual(results['?workers=2'], results['?workers=1'], '2 workers train to the weights of 1, bit for bit');
  assert.deepEqual(results['?trainer=main'], results['?workers=1'], 'and so does the page\'s thread');
});

test('an edit and a pause while batches are shared: the run goes on with the edit and stops', async () => {
  const { page, errors } = await openPage(env.context, link(reuploading(8, 3, 100000), '?workers=2'));
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await helpersReady(page, 1);
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.waitForFunction(() => (window.__qmlp.app.stats.sharedBatches ?? 0) >= 2);
  await page.getByTestId('lr').fill('0.01');
  await page.getByTestId('lr').press('Enter');
  const n = (await stats(page)).sharedBatches;
  await page.waitForFunction((k) => window.__qmlp.app.stats.sharedBatches >= k + 6, n);
  await page.getByRole('button', { name: /^Pause/ }).click();
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  await page.waitForTimeout(500);
  const stopped = await progress(page);
  await page.waitForTimeout(700);
  assert.equal(await progress(page), stopped, 'paused: nothing moves');
  assert.equal((await getDocument(page)).training.optimizer.lr, 0.01, 'the helpers\' batches carried the edit');
  assert.equal((await stats(page)).workers, 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a helper that panics is replaced; training goes on with two workers and the same weights', async () => {
  const doc = reuploading(8, 3, 3);
  const { page, errors } = await openPage(env.context, link(doc, '?workers=2'));
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await helpersReady(page, 1);
  // The helper is the training worker's own worker: reach it through the training worker.
  const helper = page.workers().find((w) => /shardworker/.test(w.url()));
  assert.ok(helper, 'a helper runs');
  // It panics as it is asked for its first shards.
  await helper.evaluate(() => {
    const real = self.onmessage;
    self.onmessage = (ev) => {
      if (ev.data?.type === 'shards') globalThis.__qmlpOnPanic('internal error in the engine: simulated');
      else real(ev);
    };
  });
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.getByTestId('msg-training').filter({ hasText: /Trained the 3 epochs/ }).waitFor({ timeout: 120_000 });
  await helpersReady(page, 1);
  const s = await stats(page);
  assert.equal(s.helperRestarts, 1);
  assert.ok(s.sharedBatches > 0);
  const { page: one } = await openPage(env.context, link(doc, '?workers=1'));
  await one.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await one.getByRole('button', { name: /^Play/ }).click();
  await one.getByTestId('msg-training').filter({ hasText: /Trained the 3 epochs/ }).waitFor({ timeout: 120_000 });
  assert.deepEqual(weights(await getDocument(page)), weights(await getDocument(one)));
  assert.deepEqual(errors, []);
  await one.close();
  await page.close();
});

test('figures: epochs per second with 1, 2 and hardwareConcurrency workers (printed)', async () => {
  const q = Math.min(12, catalog().limits.pageQubits);
  const doc = reuploading(q, 3, 100000);
  const { page: probe } = await openPage(env.context, env.url);
  const cores = await probe.evaluate(() => navigator.hardwareConcurrency);
  await probe.close();
  const counts = [...new Set([1, 2, cores])];
  for (const k of counts) {
    const { page, errors } = await openPage(env.context, link(doc, `?workers=${k}`));
    await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
    if (k > 1) await helpersReady(page, k - 1);
    await page.getByRole('button', { name: /^Play/ }).click();
    // Warm-up (the helpers load their engine), then a measured span.
    await page.waitForFunction(() => {
      const s = JSON.parse(window.__qmlp.app.engine.snapshot()).state;
      return s && (s.epoch > 0 || s.cursor > 0);
    }, null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const p0 = await progress(page);
    const t0 = Date.now();
    await page.waitForTimeout(8000);
    const p1 = await progress(page);
    const dt = (Date.now() - t0) / 1000;
    await page.getByRole('button', { name: /^Pause/ }).click();
    const s = await stats(page);
    console.log(`${q} qubits, 3 layers (${doc.circuit.gates.length} gates), batches of 32 — ?workers=${k}: ${((p1 - p0) / dt).toFixed(3)} epochs/s (workers used ${s.workers}, cores ${cores})`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('stopped, a final view is split by rows between the worker and its helper: the page draws the pixels of its own grid', async () => {
  const { page, errors } = await openPage(env.context, link(reuploading(12, 3, 5), '?workers=2'));
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await helpersReady(page, 1);
  await page.waitForFunction(() => !window.__qmlp.app.loop.stale && !window.__qmlp.app.loop.working);
  const s0 = await stats(page);
  await page.evaluate(() => window.__qmlp.app.edit('circuit', (d) => { d.circuit.gates.pop(); }));
  await page.waitForFunction((v) => window.__qmlp.app.stats.workerViews > v && !window.__qmlp.app.loop.stale, s0.workerViews);
  await page.waitForTimeout(200);
  const s1 = await stats(page);
  assert.equal(s1.lastViewWorkers, 2, 'two engines computed the view');
  const fromWorkers = await page.evaluate(() => window.__qmlp.app.canvases.boundary.toDataURL());
  const own = await ownBoundary(page);
  assert.equal(own, fromWorkers, 'the rows put together are the page\'s grid, pixel for pixel');
  console.log(`12 qubits, stopped, 2 workers: the final view after an edit is ${s1.lastViewGridN}² cells`);
  assert.deepEqual(errors, []);
  await page.close();
});
