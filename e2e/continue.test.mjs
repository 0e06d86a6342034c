// A run goes on through a link, a reload (the autosave), a downloaded file, and through edits.
//
// Train the default playground 50 epochs, then take it elsewhere — the copied link opened in a
// fresh browser, the bare address opened again (the autosave), the downloaded JSON opened with
// File ▸ Open in a fresh browser — and press Step there: the train loss and accuracy (on the
// page and in the engine) are exactly those of pressing Step on the original page. Then edits:
// adding a gate or a data point keeps the epoch counter and the curves (the history marks the
// edit, the chart changes), clears the stale "Trained …" message and shows the engine's note;
// undo and redo bring the documents back with their weights while the run goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launchBrowser, shot } from './harness.mjs';

let env;
before(async () => { env = await launchBrowser(); });
after(async () => { await env?.close(); });

async function open(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

const metrics = (page) => page.evaluate(() => window.__qmlp.app.engine.metrics());
const history = (page) => page.evaluate(() => window.__qmlp.app.engine.history());
const getDoc = (page) => page.evaluate(() => window.__qmlp.getDocument());
const epochShown = async (page) => Number(await page.getByTestId('epoch').textContent());
const msgText = (page, id) => page.getByTestId(id).textContent();

/** What a learner compares after Step: the numbers on the page and the engine's. */
async function afterStep(page) {
  const before = await epochShown(page);
  await page.getByTestId('step').click();
  await page.waitForFunction((e) => Number(document.querySelector('[data-testid=epoch]').textContent) === e + 1, before);
  await page.evaluate(() => window.__qmlp.app.flush());
  const m = await metrics(page);
  return {
    shown: {
      epoch: await epochShown(page),
      trainLoss: await page.getByTestId('m-train-loss').textContent(),
      trainAcc: await page.getByTestId('m-train-acc').textContent(),
      testAcc: await page.getByTestId('m-test-acc').textContent(),
      baselineTrainLoss: await page.getByTestId('m-baseline-train-loss').textContent(),
    },
    engine: {
      epoch: m.epoch, trainLoss: m.trainLoss, trainAcc: m.trainAcc, testLoss: m.testLoss, testAcc: m.testAcc,
      baselineTrainLoss: m.baselineTrainLoss, baselineTestAcc: m.baselineTestAcc,
    },
    history: await history(page),
  };
}

/** Sets Epochs to `n` and plays until the page says the run is finished. */
async function trainTo(page, n) {
  await page.getByTestId('epochs').fill(String(n));
  await page.getByTestId('epochs').press('Enter');
  await page.getByTestId('play').click();
  await page.waitForFunction((k) => /Trained the \d+ epochs/.test(document.querySelector('[data-testid=msg-training]').textContent)
    && window.__qmlp.app.engine.metrics().epoch === k, n, { timeout: 120_000 });
}

test('after 50 epochs, Step on the opened link, the autosave and the downloaded file gives the numbers Step gives on the original page', async () => {
  const ctxA = await env.newContext({ permissions: ['clipboard-read', 'clipboard-write'], acceptDownloads: true });
  const a = await open(ctxA, env.url);
  await trainTo(a.page, 50);
  const at50 = await metrics(a.page);
  console.log(`after 50 epochs: train loss ${at50.trainLoss.toFixed(4)}, train accuracy ${(at50.trainAcc * 100).toFixed(1)} %, test accuracy ${(at50.testAcc * 100).toFixed(1)} %`);
  const hist50 = await history(a.page);

  // The link (Copy link), the autosave (localStorage, written after the last change), the file.
  await a.page.getByTestId('copy-link').click();
  await a.page.waitForFunction(() => /Link copied/.test(document.querySelector('[data-testid=msg-global]').textContent));
  const link = await a.page.evaluate(() => navigator.clipboard.readText());
  await a.page.waitForFunction(() => localStorage.getItem('qmlp.autosave') === window.__qmlp.app.engine.snapshot(), null, { timeout: 10_000 });
  await a.page.getByTestId('file-menu').click();
  const [dl] = await Promise.all([a.page.waitForEvent('download'), a.page.getByTestId('export-json').click()]);
  const file = fs.readFileSync(await dl.path());
  assert.equal(JSON.parse(file).state.epoch, 50, 'the file carries the run');

  // 1. The link in a fresh browser.
  const ctxB = await env.newContext();
  const b = await open(ctxB, link);
  assert.equal(await epochShown(b.page), 50, 'the link opens at epoch 50');
  assert.deepEqual(await history(b.page), hist50, 'with the whole history (the curves)');
  const stepB = await afterStep(b.page);
  await shot(b.page, 'continue-1-link-step');

  // 2. The bare address in another tab of the same browser: the autosave.
  const r = await open(ctxA, env.url);
  assert.match(await msgText(r.page, 'msg-global'), /Restored your autosaved work/);
  assert.equal(await epochShown(r.page), 50);
  const stepR = await afterStep(r.page);

  // 3. The downloaded file, opened with File ▸ Open in a fresh browser.
  const ctxF = await env.newContext();
  const f = await open(ctxF, env.url);
  assert.equal(await epochShown(f.page), 0);
  await f.page.getByTestId('import-json-file').setInputFiles({ name: 'playground.json', mimeType: 'application/json', buffer: file });
  await f.page.waitForFunction(() => window.__qmlp.app.engine.metrics().epoch === 50);
  await f.page.evaluate(() => window.__qmlp.app.flush());
  assert.equal(await epochShown(f.page), 50);
  const stepF = await afterStep(f.page);

  // The original page, Step.
  const stepA = await afterStep(a.page);
  console.log(`Step after 50 epochs: train loss ${stepA.engine.trainLoss.toFixed(6)}, train accuracy ${stepA.shown.trainAcc} (original, link, autosave, file alike)`);
  for (const [name, s] of [['link', stepB], ['autosave', stepR], ['file', stepF]]) {
    assert.deepEqual(s.shown, stepA.shown, `${name}: the page shows the same numbers`);
    assert.deepEqual(s.engine, stepA.engine, `${name}: the engine's numbers are identical`);
    assert.deepEqual(s.history, stepA.history, `${name}: the same history`);
  }
  assert.equal(stepA.shown.epoch, 51);
  await shot(a.page, 'continue-2-original-step');
  for (const x of [a, b, r, f]) assert.deepEqual(x.errors, []);
  await ctxA.close();
  await ctxB.close();
  await ctxF.close();
});

test('edits keep the run: a gate or a data point keeps the epochs and curves, the note says what changed; undo and redo bring the weights back', async () => {
  const ctx = await env.newContext();
  const { page, errors } = await open(ctx, env.url);
  await trainTo(page, 10);
  assert.match(await msgText(page, 'msg-training'), /Trained the 10 epochs/);
  const h10 = await history(page);
  const chart = () => page.evaluate(() => { window.__qmlp.app.flush(); return document.querySelector('[data-testid=loss-chart]').toDataURL(); });
  const chart10 = await chart();

  // A gate, from the keyboard: Enter on the palette's RZ appends it to wire 0.
  await page.getByTestId('palette-RZ').focus();
  await page.keyboard.press('Enter');
  assert.equal((await getDoc(page)).circuit.gates.at(-1).gate, 'RZ');
  assert.equal(await epochShown(page), 10, 'the epoch counter is kept');
  const hGate = await history(page);
  assert.deepEqual(hGate.train_loss, h10.train_loss, 'the curves are kept');
  assert.deepEqual(hGate.edits.map((e) => [e.epoch, /added RZ/.test(e.what)]), [[10, true]], 'the history marks the edit');
  const training = await msgText(page, 'msg-training');
  assert.doesNotMatch(training, /Trained the 10 epochs/, 'the stale message is gone');
  assert.match(training, /RZ on wire 0 starts at .*kept/, `the engine's note: ${training}`);
  assert.notEqual(await chart(), chart10, 'the chart shows the edit');
  await shot(page, 'continue-3-gate-added');

  // Three more epochs, then a data point (a click on the plot in "+ 1" mode).
  for (let i = 0; i < 3; i += 1) {
    await page.getByTestId('step').click();
    await page.waitForFunction((e) => document.querySelector('[data-testid=epoch]').textContent === String(e), 11 + i);
  }
  const beforePoint = await getDoc(page);
  await page.getByTestId('click-add-1').click();
  const box = await page.getByTestId('boundary').boundingBox();
  await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.45);
  await page.waitForFunction(() => (window.__qmlp.getDocument().data.custom ?? []).length === 1);
  assert.equal(await epochShown(page), 13);
  const hPoint = await history(page);
  assert.equal(hPoint.train_loss.length, h10.train_loss.length + 3);
  assert.deepEqual(hPoint.edits.map((e) => e.epoch), [10, 13]);
  assert.match(await msgText(page, 'msg-training'), /data changed/);
  await shot(page, 'continue-4-point-added');

  // Two more epochs; undo brings back the document before the point with its weights (epoch
  // 13's), the run going on; redo brings back the one with the point and epoch 15's weights.
  for (let i = 0; i < 2; i += 1) {
    await page.getByTestId('step').click();
    await page.waitForFunction((e) => document.querySelector('[data-testid=epoch]').textContent === String(e), 14 + i);
  }
  const beforeUndo = await getDoc(page);
  assert.notDeepEqual(beforeUndo.circuit.gates, beforePoint.circuit.gates, 'the weights moved');
  await page.getByTestId('undo').click();
  assert.deepEqual(await getDoc(page), beforePoint, 'undo: the document before the point, with its weights');
  assert.deepEqual(await page.evaluate(() => JSON.parse(window.__qmlp.app.engine.document())), beforePoint, 'the engine holds those weights');
  assert.equal(await epochShown(page), 15, 'the run goes on');
  assert.equal((await history(page)).train_loss.length, h10.train_loss.length + 5);
  await page.getByTestId('redo').click();
  assert.deepEqual(await getDoc(page), beforeUndo, 'redo: the point and the later weights');
  assert.deepEqual(await page.evaluate(() => JSON.parse(window.__qmlp.app.engine.document())), beforeUndo);
  await shot(page, 'continue-5-undo-redo');
  assert.deepEqual(errors, []);
  await ctx.close();
});
