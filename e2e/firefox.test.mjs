// A smoke test in Firefox: Debian's firefox-esr (installed by scripts/setup.sh in test mode),
// driven headless by puppeteer-core over WebDriver BiDi (no browser download). The page opens,
// trains a few epochs with Step and with Play, draws its plots, and logs no console error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { ARTIFACTS } from './harness.mjs';
import { startServer } from '../scripts/serve.mjs';

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';

let server;
let url;
let browser;
let profile;
before(async () => {
  if (!fs.existsSync(FIREFOX)) {
    throw new Error(`${FIREFOX} is missing: run \`bash scripts/setup.sh test\` (it installs Debian's firefox-esr), or set FIREFOX`);
  }
  ({ server, url } = await startServer({ port: 0 }));
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'qmlp-firefox-'));
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    protocol: 'webDriverBiDi',
    defaultViewport: { width: 1400, height: 900 },
  });
});
after(async () => {
  await browser?.close();
  if (server) await new Promise((r) => server.close(r));
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

const epoch = (page) => page.$eval('[data-testid=epoch]', (e) => Number(e.textContent));

test('Firefox: the page opens, trains a few epochs and draws, without a console error', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  // The page's frames absorb the worker's updates; a tab left behind another (the one the
  // browser opened with) may get no animation frames, and Play would seem to stand still.
  await page.bringToFront();
  await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
  const version = await page.$eval('#engine-version', (e) => e.textContent);
  assert.match(version, /^v\d+\.\d+\.\d+/);
  console.log(`Firefox ${await browser.version()}: engine ${version}`);

  for (let e = 1; e <= 3; e += 1) {
    await page.click('[data-testid=step]');
    await page.waitForFunction((n) => document.querySelector('[data-testid=epoch]').textContent === String(n), {}, e);
  }
  await page.click('[data-testid=play]');
  try {
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=epoch]').textContent) >= 6, { timeout: 60_000 });
  } catch (e) {
    // Say what the page was doing, so a failure here can be told apart (no frames, no worker,
    // no progress in the worker).
    const state = await page.evaluate(() => ({
      visibility: document.visibilityState,
      epoch: document.querySelector('[data-testid=epoch]')?.textContent,
      stats: window.__qmlp?.app?.stats,
      engineEpoch: window.__qmlp?.app?.engine?.metrics?.().epoch,
    })).catch((err) => ({ unreadable: String(err) }));
    throw new Error(`${e.message}; page state: ${JSON.stringify(state)}; console errors: ${JSON.stringify(errors)}`);
  }
  await page.click('[data-testid=play]');
  const m = await page.evaluate(() => window.__qmlp.app.engine.metrics());
  assert.ok(m.epoch >= 6 && Number.isFinite(m.trainLoss), JSON.stringify(m));
  assert.equal(await epoch(page), m.epoch);
  assert.match(await page.$eval('[data-testid=test-accuracy]', (e) => e.textContent), /^\d+\.\d %$/);
  // The plots were drawn (not blank).
  const inked = await page.evaluate(() => ['boundary', 'loss-chart'].map((id) => {
    const c = document.querySelector(`[data-testid=${id}]`);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) n += 1;
    return n;
  }));
  assert.ok(inked[0] > 10_000 && inked[1] > 1_000, `painted pixels: ${inked}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'firefox-trained.png') });
  assert.deepEqual(errors, []);
  await page.close();
});
