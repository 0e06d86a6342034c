// No link or lesson can freeze or blank the page. A link asking for 24 qubits (the engine's own
// limit, one and a half times the page's 16) is refused with a message before anything is allocated —
// the time it takes is measured and printed, and the wasm memory shows no 256 MiB statevector
// was made. A `?src=` page or a `src=` element whose server accepts the connection and never
// answers shows what it is loading meanwhile (never a blank page), and after the fetch timeout
// says which URL did not answer; the default playground is then usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, shot } from './harness.mjs';
import { startServer } from '../scripts/serve.mjs';
import { initSync, defaultDocument } from '../pkg/qmlp.js';

initSync({ module: fs.readFileSync(new URL('../pkg/qmlp_bg.wasm', import.meta.url)) });
const { FETCH_TIMEOUT_MS } = await import('../www/startup.js');

let env;
before(async () => { env = await launchBrowser(); });
after(async () => { await env?.close(); });

const globalMsg = (page) => page.getByTestId('msg-global').locator('.msg-text').textContent();

async function usable(page) {
  const before = Number(await page.getByTestId('epoch').textContent());
  await page.getByTestId('step').click();
  await page.waitForFunction((e) => Number(document.querySelector('[data-testid=epoch]').textContent) === e + 1, before);
}

test('a 24-qubit link is refused before anything is allocated (time printed), and the default playground works', async () => {
  const ctx = await env.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const big = JSON.parse(defaultDocument());
  big.circuit.qubits = 24;
  big.title = 'Twenty-four qubits';
  await page.goto(`${env.url}#json:${encodeURIComponent(JSON.stringify(big))}`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  const text = await globalMsg(page);
  assert.match(text, /^This link cannot be opened: circuit\.qubits: this playground has 24 qubits; the page runs at most 16 .*The default playground is open instead\.$/);
  // From the start of the navigation to the refusal on screen (engine start-up included), and
  // the refusal itself.
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const t0 = performance.now();
    const json = decodeURIComponent(location.hash.slice('#json:'.length));
    let refused = '';
    try { window.__qmlp.app.wasm.validateDocument(json, true); } catch (e) { refused = e.message; }
    return { ready: performance.now() - nav.startTime, refuse: performance.now() - t0, refused };
  });
  console.log(`24-qubit link: refused on screen ${t.ready.toFixed(0)} ms after navigation start (engine start-up included); the check itself ${t.refuse.toFixed(2)} ms`);
  assert.match(t.refused, /the page runs at most 16/);
  // A 24-qubit statevector is 2^24 amplitudes x 16 bytes = 256 MiB: none was allocated.
  const bytes = await page.evaluate(() => window.__qmlp.memoryBytes());
  console.log(`wasm memory after the refusal: ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(bytes > 0 && bytes < 2 ** 27, `wasm memory ${bytes} bytes, far below one 24-qubit state`);
  assert.equal((await page.evaluate(() => window.__qmlp.getDocument())).circuit.qubits, 4, 'the default playground');
  await shot(page, 'limits-1-24-qubit-link');
  await usable(page);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/**
 * The playground's server behind a front door that never answers requests under /stalled/
 * (accepts them and writes nothing): the same origin as the page, whose policy allows reading
 * only from its own site. Resolves to { url, close }.
 */
async function stallingFront() {
  const back = await startServer({ port: 0 });
  const backPort = Number(new URL(back.url).port);
  const held = new Set();
  const front = http.createServer((req, res) => {
    if (req.url.startsWith('/stalled/')) { held.add(res); return; } // accepted; never answered
    const up = http.request({ host: '127.0.0.1', port: backPort, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => front.listen(0, '127.0.0.1', r));
  return {
    url: `http://localhost:${front.address().port}/`,
    close: async () => {
      for (const res of held) res.destroy();
      front.closeAllConnections();
      await new Promise((r) => front.close(r));
      await new Promise((r) => back.server.close(r));
    },
  };
}

test('a lesson server that never answers: the page and the element say what they load, then which URL did not answer', async () => {
  const site = await stallingFront();
  const lessonUrl = `${site.url}stalled/lesson.json`;
  // A host page for the element, on a server of its own (the lesson is on another site).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qmlp-stalled-'));
  fs.writeFileSync(path.join(dir, 'host.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title><link rel="icon" href="data:,">
<script type="module" src="${site.url}www/embed.js"></script></head><body><main><h1>A lesson</h1>
<qml-playground id="stalled" src="${lessonUrl}" height="520"></qml-playground></main></body></html>`);
  const host = await startServer({ port: 0, root: dir });
  try {
    const ctx = await env.newContext();
    const full = await ctx.newPage();
    const element = await ctx.newPage();
    const errors = [];
    for (const p of [full, element]) {
      p.on('pageerror', (e) => errors.push(String(e)));
      p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    }
    const t0 = Date.now();
    await full.goto(`${site.url}?src=${encodeURIComponent(lessonUrl)}`);
    await element.goto(`${host.url}host.html`);
    // While waiting: never blank, the status says what is loading.
    const shownUrl = lessonUrl.replace(/[.:/]/g, '\\$&');
    await full.getByTestId('boot-status').filter({ hasText: 'Loading the lesson' }).waitFor({ timeout: 10_000 });
    assert.match(await full.getByTestId('boot-status').textContent(), new RegExp(`^Loading the lesson ${shownUrl}…$`));
    await element.waitForFunction(() => /Loading the lesson/.test(document.getElementById('stalled').shadowRoot?.querySelector('.embed-status')?.textContent ?? ''));
    await shot(full, 'limits-2-stalled-src-waiting');
    assert.equal(await full.evaluate(() => document.documentElement.dataset.ready), undefined, 'still waiting for the lesson');

    // After the timeout: the reason, the default playground.
    await full.waitForSelector('html[data-ready="true"]', { timeout: FETCH_TIMEOUT_MS + 20_000 });
    const text = await globalMsg(full);
    console.log(`stalled ?src=: the reason was shown after ${((Date.now() - t0) / 1000).toFixed(1)} s (FETCH_TIMEOUT_MS = ${FETCH_TIMEOUT_MS} ms)`);
    assert.match(text, new RegExp(`^The lesson could not be opened: ${shownUrl} did not answer within ${FETCH_TIMEOUT_MS / 1000} s \\(the server is slow or down\\)\\. The default playground is open instead\\.$`));
    await shot(full, 'limits-3-stalled-src-reason');
    await usable(full);
    await element.evaluate(() => document.getElementById('stalled').ready);
    const inside = element.locator('#stalled');
    assert.match(await inside.getByTestId('msg-global').textContent(), new RegExp(`${shownUrl} did not answer within ${FETCH_TIMEOUT_MS / 1000} s.*The default playground is shown instead`));
    await inside.getByTestId('step').click();
    await element.waitForFunction(() => document.getElementById('stalled').shadowRoot.querySelector('[data-testid=epoch]').textContent === '1');
    await shot(element, 'limits-4-stalled-src-element');
    assert.deepEqual(errors, []);

    // The full page reads lessons from its own site only (its Content-Security-Policy): one
    // elsewhere is refused at once, and the message says so.
    const other = await ctx.newPage();
    const cspErrors = [];
    other.on('console', (m) => { if (m.type() === 'error') cspErrors.push(m.text()); });
    await other.goto(`${env.url}?src=${encodeURIComponent(lessonUrl)}`);
    await other.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
    assert.match(await globalMsg(other), /is on another site \(http:\/\/localhost:\d+\), and this page's Content-Security-Policy lets it read files only from its own site/);
    assert.ok(cspErrors.length > 0 && cspErrors.every((e) => /Content Security Policy/.test(e)), cspErrors.join('\n'));
    await ctx.close();
  } finally {
    await site.close();
    await new Promise((r) => host.server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the editor adds wires up to 16 and stops; a 17-qubit file is refused naming 16 and the 16-wire work is kept', async () => {
  const ctx = await env.newContext();
  const page = await ctx.newPage();
  await page.goto(env.url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  const add = page.getByRole('button', { name: 'Add a qubit' });
  for (let q = 4; q < 16; q += 1) await add.click();
  const doc = await page.evaluate(() => window.__qmlp.getDocument());
  assert.equal(doc.circuit.qubits, 16);
  assert.equal(await add.isDisabled(), true, 'no 17th wire from the editor');
  // Every wire's label ("q15" and its |0⟩) ends before its wire line starts: none overlaps it.
  const overlaps = await page.evaluate(() => [...document.querySelectorAll('[data-testid=circuit] .wire')].map((w) => {
    const l = w.querySelector('.wire-label').getBoundingClientRect();
    const line = w.querySelector('.wire-line').getBoundingClientRect();
    return { label: w.querySelector('.wire-label').textContent, right: l.right, line: line.left };
  }).filter((r) => r.right > r.line));
  assert.deepEqual(overlaps, [], 'wire labels overlap their wires');
  // The state inspector at 16 qubits: a Bloch sphere per wire, and instead of 65 536 bars the
  // engine's most probable basis states, their probabilities summing to at most 1.
  await page.getByTestId('bloch-15').waitFor();
  const top = page.getByRole('table', { name: 'Most probable basis states' });
  await top.waitFor();
  const rows = await top.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.ok(rows.length >= 1, 'at least one state listed');
  for (const [state, p] of rows) assert.match(state, /^\|[01]{16}⟩$/);
  const ps = rows.map((r) => Number(r[1]));
  assert.ok(ps.every((v, i) => v >= 0 && (i === 0 || v <= ps[i - 1])) && ps.reduce((a, b) => a + b, 0) <= 1 + 1e-3, JSON.stringify(rows));
  assert.equal(await page.getByTestId('probs').isVisible(), false);
  await page.getByTestId('bloch-row').screenshot({ path: 'artifacts/limits-16-bloch.png' });
  await top.screenshot({ path: 'artifacts/limits-16-top.png' });
  const big = JSON.parse(JSON.stringify(doc));
  big.circuit.qubits = 17;
  await page.getByTestId('import-json-file').setInputFiles({ name: 'seventeen.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(big)) });
  const refusal = page.getByText(/this playground has 17 qubits; the page runs at most 16/).first();
  await refusal.waitFor({ timeout: 10_000 });
  assert.equal((await page.evaluate(() => window.__qmlp.getDocument())).circuit.qubits, 16, 'the 16-qubit work is kept');
  await shot(page, 'limits-2-17-qubit-file');
  await ctx.close();
});
