// Runs bench/model.html (the hybrid-model benchmark compiled to wasm) in headless Chromium via
// playwright-core and prints its figures: a markdown table, or JSON with --json.
// Usage: node bench/model_browser.mjs [--json] [--root DIR]   (after scripts/build-wasm.sh --bench;
// QUICK=1 for fewer reps; --root serves another checkout, e.g. a snapshot with its own bench/pkg/).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const rootArg = args.indexOf('--root');
const root = rootArg >= 0 ? path.resolve(args[rootArg + 1]) : path.resolve(import.meta.dirname, '..');
const quick = process.env.QUICK === '1';

// The same launch flags as e2e/harness.mjs.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

const { server, url } = await startServer({ port: 0, root });
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qmlp-bench-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${url}bench/model.html${quick ? '?quick' : ''}`);
  await page.waitForFunction(() => window.__modelBench !== undefined, null, { timeout: 30_000 });
  const rows = await page.evaluate(() => window.__modelBench);
  const browser = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  if (asJson) {
    console.log(JSON.stringify({ browser, rows }));
  } else {
    console.log(`\n## Hybrid-model benchmark, wasm in headless Chromium (${browser})\n`);
    console.log('| workload | qubits | best | median | check |\n|---|---:|---:|---:|---|');
    for (const r of rows) {
      const check = 'loss' in r
        ? `loss ${r.loss.toFixed(10)}, ‖grad‖ ${r.grad_norm.toFixed(10)}`
        : `mean confidence ${r.mean_confidence.toFixed(10)}`;
      console.log(`| ${r.workload} | ${r.qubits} | ${r.best_ms.toFixed(3)} ms | ${r.median_ms.toFixed(3)} ms | ${check} |`);
    }
  }
} finally {
  await context?.close();
  await new Promise((r) => server.close(r));
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
