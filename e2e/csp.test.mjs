// The page under its strict Content Security Policy (issue 6): index.html declares exactly
// `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'`
// (no inline styles), and booting, training with the live plots, switching the chart, HiDPI
// drawing and hovering the boundary raise no console error and no CSP violation.
//
// Regression: plotters' wasm font code measured chart text with a DOM <span> and a `style`
// attribute; the CSP blocked it (hundreds of console errors per second while training) and the
// chart layout broke. The plots now never measure text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot } from './harness.mjs';

const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

/** Records every CSP violation the page reports, from before its first script runs. */
function recordViolations() {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
}

const violations = (page) => page.evaluate(() => window.__cspViolations);

/** How many pixels of a canvas are not plain white (it was drawn on). */
const inkedPixels = (page, testid) => page.evaluate((id) => {
  const c = document.querySelector(`[data-testid=${id}]`);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) n += 1;
  return n;
}, testid);

test('the page declares the strict CSP and trains and plots under it without a violation', async () => {
  const { page, errors } = await openPage(env.context, env.url, { init: recordViolations });
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.equal(policy, STRICT);

  // Train with the live plots for a few epochs — in the module worker, which the policy
  // allows (workers fall under script-src 'self'; the worker's wasm under 'wasm-unsafe-eval').
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => window.__qmlp.app.engine.metrics().epoch >= 2, null, { timeout: 90_000 });
  await page.getByTestId('chart-metric').selectOption('accuracy');
  await page.waitForTimeout(300);
  await page.getByTestId('chart-metric').selectOption('loss');
  await page.getByTestId('log-scale').check();
  await page.getByTestId('show-test').check();
  const box = await page.getByTestId('boundary').boundingBox();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.6);
  await page.waitForTimeout(300);
  await page.getByTestId('play').click();
  await shot(page, 'csp-strict-trained');

  // Everything was drawn: the heat map, the chart with its labels.
  assert.ok(await inkedPixels(page, 'boundary') > 10_000, 'the boundary is painted');
  assert.ok(await inkedPixels(page, 'loss-chart') > 1_000, 'the loss chart is painted');

  // HiDPI: the same page at devicePixelRatio 2 draws on 2x backing stores, still without a
  // violation.
  await page.evaluate(() => {
    Object.defineProperty(window, 'devicePixelRatio', { value: 2, configurable: true });
    window.__qmlp.app.invalidate('boundary', 'loss');
  });
  await page.waitForFunction(() => document.querySelector('[data-testid=boundary]').width === 560);
  await page.waitForFunction(() => document.querySelector('[data-testid=loss-chart]').width === 828);
  await page.waitForTimeout(200);
  assert.ok(await inkedPixels(page, 'boundary') > 40_000, 'the 2x boundary is painted');
  await shot(page, 'csp-strict-hidpi');

  assert.deepEqual(errors, [], 'no console errors');
  assert.deepEqual(await violations(page), [], 'no CSP violations');

  // The recorder works: an inline style attribute, which this policy forbids, is reported.
  const reported = await page.evaluate(async () => {
    const probe = document.createElement('span');
    document.body.append(probe);
    probe.setAttribute('style', 'color: red');
    await new Promise((r) => setTimeout(r, 100));
    probe.remove();
    return window.__cspViolations.length;
  });
  assert.ok(reported >= 1, 'an inline style attribute is reported as a violation');
  await page.close();
});
