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
