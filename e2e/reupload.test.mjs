// The data re-uploading classifier of Pérez-Salinas et al. in the page: the tetrahedron preset
// (4 classes, 1 qubit, the paper's maximally orthogonal label states), trained with L-BFGS by
// Step; the test accuracy shown; the four label states drawn on the Bloch sphere as the engine
// computed them (pairwise dot products −1/3). Screenshot in artifacts/reupload-tetrahedron.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { launch, openPage, shot } from './harness.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

test('the tetrahedron preset trains with L-BFGS and its four label states are drawn on the sphere', async () => {
  const { page, errors } = await openPage(env.context, `${env.url}?preset=paper-tetrahedron`);
  const opt = page.getByTestId('optimizer');
  assert.equal(await opt.inputValue(), 'lbfgs');
  assert.equal(await opt.locator('option:checked').textContent(), 'L-BFGS (full batch)');
  assert.equal(await page.getByTestId('lr').isDisabled(), true);

  // The label states before training: one sphere, four classes listed with the engine's angles.
  const list = page.getByTestId('si-labels');
  await list.waitFor();
  const items = list.locator('li[data-vector]');
  assert.equal(await items.count(), 4);
  const texts = await items.allTextContents();
  texts.forEach((t, c) => assert.match(t, new RegExp(`^class ${c} \\(θ [\\d.]+°, φ -?[\\d.]+°\\)$`)));
  const aria = await page.getByTestId('bloch-0').getAttribute('aria-label');
  assert.match(aria, /label states: class 0 \(θ 0\.0°, φ 0\.0°\), class 1 \(θ 109\.5°, φ 0\.0°\), class 2 \(θ 109\.5°, φ 120\.0°\), class 3 \(θ 109\.5°, φ -120\.0°\)/);
  const vectors = await items.evaluateAll((els) => els.map((e) => e.dataset.vector.split(',').map(Number)));
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  for (let i = 0; i < 4; i += 1) {
    assert.ok(Math.abs(dot(vectors[i], vectors[i]) - 1) < 1e-9, `unit vector ${vectors[i]}`);
    for (let j = i + 1; j < 4; j += 1) assert.ok(Math.abs(dot(vectors[i], vectors[j]) + 1 / 3) < 1e-9, `dot ${i}·${j} = ${dot(vectors[i], vectors[j])}`);
  }
  // They are the engine's: the same numbers as its inspection of the current point.
  const engine = await page.evaluate(() => window.__qmlp.app.engine.inspect(window.__qmlp.app.currentPoint(), null).label_states.map((m) => m.vector));
  assert.deepEqual(vectors, engine);

  // Train: Step (one L-BFGS iteration each) until the test accuracy passes chance or 40 epochs.
  let m;
  for (let i = 0; i < 40; i += 1) {
    await page.getByTestId('step').click();
    m = await page.evaluate(() => window.__qmlp.app.engine.metrics());
    if (m.epoch >= 5 && (m.testAcc ?? 0) > 0.6) break;
  }
  console.log(`tetrahedron with L-BFGS after ${m.epoch} epochs: train loss ${m.trainLoss?.toFixed(4)}, test accuracy ${((m.testAcc ?? 0) * 100).toFixed(1)} % (${m.testPoints} test points)`);
  assert.ok(m.epoch >= 1);
  assert.ok(m.testAcc > 0.25, `test accuracy ${m.testAcc}`);
  await page.waitForFunction(() => /^\d+\.\d %$/.test(document.querySelector('[data-testid=test-accuracy]')?.textContent ?? ''));
  const shown = await page.getByTestId('test-accuracy').textContent();
  console.log(`shown test accuracy: ${shown}`);
  assert.ok(parseFloat(shown) > 25);
  // Still drawn after training (the label states do not move with the weights).
  assert.equal(await items.count(), 4);
  await page.getByTestId('bloch-row').scrollIntoViewIfNeeded();
  await shot(page, 'reupload-tetrahedron');
  await page.getByTestId('bloch-0').screenshot({ path: 'artifacts/reupload-tetrahedron-sphere.png' });
  // axe-core stays clean on the state inspector (the label-state list) and the training
  // controls (the disabled learning rate).
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await window.axe.run({ include: [['.state-inspector'], ['[data-testid=optimizer]'], ['[data-testid=lr]']] }, { resultTypes: ['violations'] }))
    .violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })));
  console.log(`axe-core on the tetrahedron's state inspector and optimizer controls: ${violations.length ? JSON.stringify(violations) : 'no violations'}`);
  assert.deepEqual(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), []);
  assert.deepEqual(errors, []);
  await page.close();
});
