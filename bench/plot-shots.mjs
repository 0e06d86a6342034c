// Screenshots of the output panel (boundary map and loss chart) of the playground page after some
// training, for looking at the plots: node bench/plot-shots.mjs [--pkg DIR] [--out DIR] [--dpr N]
// Writes <out>/<name>-<preset>-<metric>.png. Not a test: no assertions.
//
// node bench/plot-shots.mjs --svg DIR instead turns every DIR/*.svg into DIR/*.png, rendered by
// Chromium at the SVG's own size: the sample charts the native tests write with
// `QMLP_PLOT_SAMPLES=DIR cargo test --lib render_samples` (every chart, also those the page does
// not show yet). plotters' SVG backend writes font-size = size / 1.24 while a canvas draws text at
// `size`, so the font sizes are scaled back by 1.24 here to show the text as the canvas does.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';

const REPO = path.resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const pkg = path.resolve(arg('--pkg', path.join(REPO, 'pkg')));
const out = path.resolve(arg('--out', path.join(REPO, 'artifacts')));
const dpr = Number(arg('--dpr', 1));
const name = arg('--name', 'plots');
const svgDir = arg('--svg', null);
if (svgDir) {
  await svgToPng(path.resolve(svgDir));
  process.exit(0);
}
fs.mkdirSync(out, { recursive: true });

/** Renders every SVG file of `dir` to a PNG beside it. */
async function svgToPng(dir) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.svg')).sort()) {
      const svg = fs.readFileSync(path.join(dir, file), 'utf8')
        .replace(/font-size="([\d.]+)"/g, (_, v) => `font-size="${(Number(v) * 1.24).toFixed(2)}"`);
      const [, w, h] = svg.match(/<svg[^>]*width="(\d+)"[^>]*height="(\d+)"/) ?? [];
      await page.setViewportSize({ width: Number(w) || 400, height: Number(h) || 300 });
      await page.setContent(`<!doctype html><style>body{margin:0;background:#fff}</style>${svg}`);
      const png = path.join(dir, file.replace(/\.svg$/, '.png'));
      await page.locator('svg').screenshot({ path: png });
      console.log(png);
    }
  } finally {
    await browser.close();
  }
}

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'qmlp-plot-shots-'));
fs.mkdirSync(path.join(site, 'pkg'));
for (const f of ['qmlp.js', 'qmlp_bg.wasm']) fs.copyFileSync(path.join(pkg, f), path.join(site, 'pkg', f));
fs.copyFileSync(path.join(REPO, 'index.html'), path.join(site, 'index.html'));
fs.cpSync(path.join(REPO, 'www'), path.join(site, 'www'), { recursive: true });
const { server, url } = await startServer({ port: 0, root: site });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: dpr });
  for (const [preset, epochs] of [['default', 15], ['gaussians3', 8]]) {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(url);
    await page.waitForSelector('html[data-ready="true"]');
    await page.evaluate(({ preset, epochs }) => {
      const { app } = window.__qmlp;
      app.load(app.wasm.preset(preset));
      for (let i = 0; i < epochs; i += 1) app.engine.stepEpoch();
      app.ui.showTest = true;
    }, { preset, epochs });
    for (const metric of ['loss', 'accuracy']) {
      await page.evaluate((metric) => {
        const { app } = window.__qmlp;
        app.ui.chartMetric = metric;
        app.invalidate('boundary', 'loss', 'metrics');
        app.flush();
      }, metric);
      await page.waitForTimeout(100);
      const file = path.join(out, `${name}-${preset}-${metric}.png`);
      await page.locator('.output-panel').screenshot({ path: file });
      console.log(file);
    }
    console.log(`${preset}: ${errors.length} console errors${errors.length ? `, first: ${errors[0].slice(0, 200)}` : ''}`);
    await page.close();
  }
} finally {
  await browser.close();
  await new Promise((r) => server.close(r));
  fs.rmSync(site, { recursive: true, force: true });
}
