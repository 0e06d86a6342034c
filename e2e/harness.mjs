// Shared set-up for the end-to-end tests: a static server for the repo and Debian's headless
// Chromium driven by playwright-core (no browser download). Screenshots go to artifacts/.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';

export const ARTIFACTS = path.resolve(import.meta.dirname, '..', 'artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

/** Starts the server and a persistent Chromium context with a fresh user-data-dir. */
export async function launch() {
  const { server, url } = await startServer({ port: 0 });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qmlp-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  const close = async () => {
    await context.close();
    await new Promise((r) => server.close(r));
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, url, close };
}

/**
 * Starts the server and a (non-persistent) Chromium whose contexts share nothing: a "fresh
 * browser" each. `newContext(options)` takes Playwright's context options (e.g. bypassCSP).
 */
export async function launchBrowser() {
  const { server, url } = await startServer({ port: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
  const newContext = (options = {}) => browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  const close = async () => {
    await browser.close();
    await new Promise((r) => server.close(r));
  };
  return { browser, url, newContext, close };
}

/**
 * Opens a page, collecting console errors and page errors. `init`: a function run in the page
 * before any of its scripts (e.g. to install a PerformanceObserver). The page autosaves to
 * localStorage and restores from it, so each new page (tab) starts with it empty, as in a fresh
 * browser, unless `keepStorage`; reloads within the tab keep it.
 */
export async function openPage(context, url, { init, keepStorage = false } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (!keepStorage) {
    await page.addInitScript(() => {
      try {
        if (!sessionStorage.getItem('__e2e_fresh')) {
          localStorage.clear();
          sessionStorage.setItem('__e2e_fresh', '1');
        }
      } catch { /* no storage on this page */ }
    });
  }
  if (init) await page.addInitScript(init);
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

export function shot(page, name) {
  return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** The centre of a locator's box (throws if it is not rendered). */
export async function centre(locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error(`no box for ${locator}`);
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/**
 * Drags with real pointer events (mouse down, moves, up) from a locator to a locator or a point
 * { x, y }.
 */
export async function drag(page, from, to, { steps = 10 } = {}) {
  const a = await centre(from);
  const b = typeof to.boundingBox === 'function' ? await centre(to) : to;
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 6, a.y + 6, { steps: 2 });
  await page.mouse.move(b.x, b.y, { steps });
  await page.mouse.up();
}

/** The playground document the page holds now (trained weights included). */
export function getDocument(page) {
  return page.evaluate(() => window.__qmlp.getDocument());
}

/** `layers` re-uploading layers on `q` qubits: RX(x1) RY(x2) Rot(θ) on each wire, a CNOT chain,
 * built on `defaultJson` (the engine's default document) and trained for `epochs`. */
export function reuploadingDocument(defaultJson, q, layers, epochs) {
  const d = JSON.parse(defaultJson);
  const gates = [];
  let col = 0;
  let k = 0;
  for (let l = 0; l < layers; l += 1) {
    for (let w = 0; w < q; w += 1) {
      gates.push({ gate: 'RX', wires: [w], params: [{ kind: 'reupload', feature: 'x1', w: 1, b: 0 }], col });
      gates.push({ gate: 'RY', wires: [w], params: [{ kind: 'reupload', feature: 'x2', w: 1, b: 0 }], col: col + 1 });
      gates.push({ gate: 'Rot', wires: [w], params: [0, 1, 2].map(() => ({ kind: 'weight', value: (k++ * 0.37) % 1 })), col: col + 2 });
    }
    col += 3;
    for (let w = 0; w + 1 < q; w += 1) gates.push({ gate: 'CNOT', wires: [w, w + 1], params: [], col: col++ });
  }
  d.title = `${q}-qubit re-uploading, ${layers} layers`;
  d.circuit.qubits = q;
  d.circuit.gates = gates;
  d.training.epochs = epochs;
  return d;
}

/** An `openPage` init: records the page's long tasks (PerformanceObserver) in window.__longTasks. */
export function installLongTaskObserver() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * The boundary the page computes itself for the weights it holds, at the grid size of the last
 * view a worker sent (its views made fresh again): what a worker's view must equal, pixel for
 * pixel. Returns the canvas as a data URL.
 */
export function ownBoundary(page) {
  return page.evaluate(() => {
    const { app } = window.__qmlp;
    const keep = app.ui.gridN;
    app.ui.gridN = app.stats.lastViewGridN;
    app.loop.setStale(false);
    app.engine.pg.setDocument(app.engine.snapshot());
    app.flush();
    const url = app.canvases.boundary.toDataURL();
    app.ui.gridN = keep;
    return url;
  });
}
