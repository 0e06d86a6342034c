// Noise from the page: the NISQ-like preset on the default playground, trained with Step; the
// noisy and the ideal (same weights) figures and curves are both shown and differ; a bad
// probability is refused with a message and the previous value kept; the state inspector shows
// a mixed state (purity below 1, Bloch vectors inside the sphere); a channel dragged from the
// palette's Noise group lands in the circuit with an editable strength.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, drag, getDocument } from './harness.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const metrics = (page) => page.evaluate(() => window.__qmlp.app.engine.metrics());

test('NISQ-like noise trains with ideal and noisy figures side by side', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const noise = page.getByRole('region', { name: 'Noise' });
  await noise.getByLabel('Noise preset').selectOption('NISQ-like');
  let doc = await getDocument(page);
  assert.equal(doc.noise.p1, 0.01);
  assert.equal(doc.noise.p2, 0.05);
  assert.equal(doc.noise.readout[0].p0_given_1, 0.04);
  assert.match(await page.getByTestId('noise-status').textContent(), /Training under noise/);

  // A bad probability: refused next to the box, the previous value kept.
  await page.getByTestId('noise-p1').fill('1.5');
  await page.getByTestId('noise-p1').press('Enter');
  assert.match(await page.getByTestId('noise-p1-msg').textContent(), /kept 0\.01/);
  assert.equal(await page.getByTestId('noise-p1').inputValue(), '0.01');
  assert.equal((await getDocument(page)).noise.p1, 0.01);

  // Train a few epochs.
  for (let i = 0; i < 5; i += 1) {
    await page.getByTestId('step').click();
    await page.waitForFunction((e) => window.__qmlp.app.engine.metrics().epoch >= e, i + 1);
  }
  await page.waitForFunction(() => window.__qmlp.app.engine.metrics().idealTestAcc != null);
  const m = await metrics(page);
  console.log(`[noise] after ${m.epoch} epochs (${m.engine}): noisy test acc ${m.testAcc}, ideal ${m.idealTestAcc}; noisy train loss ${m.trainLoss}, ideal ${m.idealTrainLoss}`);
  assert.equal(m.noisy, true);
  assert.equal(m.engine, 'density matrix');
  assert.notEqual(m.trainLoss, m.idealTrainLoss);
  assert.ok(Number.isFinite(m.testAcc) && Number.isFinite(m.idealTestAcc));
  await page.waitForFunction(() => document.querySelector('[data-testid=ideal-test-accuracy]').textContent !== '–');
  const shownIdeal = await page.getByTestId('ideal-test-accuracy').textContent();
  const shownNoisy = await page.getByTestId('test-accuracy').textContent();
  assert.match(shownIdeal, /%/);
  assert.match(shownNoisy, /%/);
  assert.ok(await page.getByText('Noisy test accuracy').isVisible());
  assert.ok(await page.getByTestId('m-ideal-train-loss').isVisible());
  assert.notEqual(await page.getByTestId('m-ideal-train-loss').textContent(), await page.getByTestId('m-train-loss').textContent());
  const h = await page.evaluate(() => window.__qmlp.app.engine.pg.history());
  assert.equal(h.ideal_train_loss.length, h.train_loss.length);

  // Play for a while and print the page's training speed under noise (a figure, not a test).
  const e0 = (await metrics(page)).epoch;
  const t0 = Date.now();
  await page.getByTestId('play').click();
  await page.waitForTimeout(3000);
  await page.getByTestId('play').click();
  const e1 = (await metrics(page)).epoch;
  console.log(`[noise] the page trains the NISQ-like default playground at ${((e1 - e0) / ((Date.now() - t0) / 1000)).toFixed(1)} epochs/s (density matrix, boundary and curves redrawn)`);
  await page.waitForFunction(() => window.__qmlp.app.engine.metrics().idealTestAcc != null);

  // The state inspector: a mixed state.
  await page.waitForFunction(() => !document.querySelector('[data-testid=si-mixed]').hidden);
  const purity = Number(await page.getByTestId('si-purity').textContent());
  assert.ok(purity < 1 && purity > 0, `purity ${purity}`);
  const r = await page.evaluate(() => {
    const app = window.__qmlp.app;
    return app.engine.inspect(app.currentPoint(), null);
  });
  assert.equal(r.mixed, true);
  assert.ok(r.bloch.every((b) => Math.hypot(...b) < 1), JSON.stringify(r.bloch));
  assert.equal(r.rho_abs.length, 256);
  await shot(page, 'noise-1-nisq-trained');

  // A channel from the palette's Noise group, strength edited like an angle.
  const next = doc.circuit.gates.reduce((c, g) => Math.max(c, g.col + 1), 0);
  await drag(page, page.getByTestId('palette-AmplitudeDamping'), page.getByTestId(`cell-1-${next}`));
  doc = await getDocument(page);
  const ch = doc.circuit.gates.find((g) => g.gate === 'AmplitudeDamping');
  assert.ok(ch, 'channel placed');
  assert.deepEqual(ch.params, [{ kind: 'const', value: 0.05 }]);
  await page.getByTestId('gi-value-0').fill('2');
  await page.getByTestId('gi-value-0').press('Enter');
  assert.match(await page.getByTestId('gi-value-0-msg').textContent(), /from 0 to 1/);
  await page.getByTestId('gi-value-0').fill('0.3');
  await page.getByTestId('gi-value-0').press('Enter');
  doc = await getDocument(page);
  assert.equal(doc.circuit.gates.find((g) => g.gate === 'AmplitudeDamping').params[0].value, 0.3);
  await shot(page, 'noise-2-channel');
  assert.deepEqual(errors, []);
});
