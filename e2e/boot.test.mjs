import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, openPage, shot } from './harness.mjs';

const cargoVersion = fs.readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8')
  .match(/^version = "([^"]+)"/m)[1];

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

test('the page boots the wasm engine and shows its version, with no console errors', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const shown = await page.textContent('#engine-version');
  assert.equal(shown, `v${cargoVersion}`);
  await shot(page, 'boot');
  assert.deepEqual(errors, []);
  await page.close();
});

// The engine is the only source of the page's rules: every dataset it knows appears in the data
// panel (a dataset added in Rust shows up with no change to the page), every loss in the loss
// menu, and the qubit limit of the editor is the engine's.
test('the page lists what the engine knows: every dataset, every loss, its qubit limit', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const catalog = await page.evaluate(() => window.__qmlp.app.catalog);
  const generated = catalog.datasets.filter((d) => d.name !== 'custom');
  assert.ok(generated.length >= 7);
  for (const d of generated) {
    const thumb = page.getByTestId(`dataset-${d.name}`);
    assert.equal(await thumb.count(), 1, `a thumbnail for ${d.name}`);
    assert.equal(await thumb.getAttribute('aria-label'), `${d.label} dataset`);
  }
  const losses = await page.getByTestId('loss').locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(losses, catalog.losses.map((l) => [l.name, l.label]));
  // The editor stops adding wires at the engine's page limit.
  const max = catalog.limits.pageQubits;
  for (let q = 4; q < max; q += 1) await page.getByTestId('qubit-add').click();
  assert.equal((await page.evaluate(() => window.__qmlp.getDocument())).circuit.qubits, max);
  assert.equal(await page.getByTestId('qubit-add').isDisabled(), true);
  assert.deepEqual(errors, []);
  await page.close();
});
