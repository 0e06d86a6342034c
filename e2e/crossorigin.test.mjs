// A course page on another site. The playground is served by one server (the repository, as
// `make serve` serves it) and the course page by a second one on another port — another origin:
// the element's module, stylesheet, engine and lesson are all read across origins, so they need
// Access-Control-Allow-Origin, which scripts/serve.mjs sends for them. The embedded lesson loads
// and trains. And when something cannot be read, the element says inside itself which URL and
// why: a lesson on a server without the header, the engine's module or its wasm without it (a
// static host set up for only part of what an embed loads), an engine that was never built; the
// full page says the same instead of staying blank.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, shot } from './harness.mjs';
import { startServer } from '../scripts/serve.mjs';

const REPO = path.resolve(import.meta.dirname, '..');

let env;
let course;       // the second server: the course site
let bare;         // a third one, a static host with no CORS header at all
let unbuilt;      // a copy of the site without pkg/ (the engine not built)
let partial = {};  // hosts sending the header for everything but the engine's module / its wasm
const dirs = [];

function site(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qmlp-site-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A course page embedding `<qml-playground>` from `from` (another origin), lesson `src`. */
const host = (from, src) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Lesson on another site</title>
  <link rel="icon" href="data:,">
  <script type="module" src="${from}www/embed.js"></script>
</head>
<body>
  <main>
    <h1>A lesson served by the school's site</h1>
    <qml-playground id="remote" src="${src}" height="640">Loading the playground…</qml-playground>
  </main>
</body>
</html>
`;

before(async () => {
  env = await launchBrowser();
  bare = await startServer({ port: 0, cors: false });
  const noPkg = site({ 'index.html': fs.readFileSync(path.join(REPO, 'index.html'), 'utf8') });
  fs.symlinkSync(path.join(REPO, 'www'), path.join(noPkg, 'www'));
  unbuilt = await startServer({ port: 0, root: noPkg });
  partial = {
    module: await startServer({ port: 0, cors: (p) => p !== '/pkg/qmlp.js' }),
    WebAssembly: await startServer({ port: 0, cors: (p) => p !== '/pkg/qmlp_bg.wasm' }),
  };
  const pages = site({
    'module.html': host(partial.module.url, `${partial.module.url}examples/lessons/entanglement-xor.json`),
    'wasm.html': host(partial.WebAssembly.url, `${partial.WebAssembly.url}examples/lessons/entanglement-xor.json`),
    'lesson.html': host(env.url, `${env.url}examples/lessons/entanglement-xor.json`),
    'bare-lesson.html': host(env.url, `${bare.url}examples/lessons/entanglement-xor.json`),
    'unbuilt.html': host(unbuilt.url, 'lesson.json'),
  });
  course = await startServer({ port: 0, root: pages });
});
after(async () => {
  await env?.close();
  for (const s of [course, bare, unbuilt, ...Object.values(partial)]) if (s) await new Promise((r) => s.server.close(r));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function openHost(name) {
  const ctx = await env.newContext();
  const page = await ctx.newPage();
  const errors = [];
  const failed = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => failed.push(r.url()));
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${course.url}${name}`);
  await page.waitForFunction(() => customElements.get('qml-playground'), null, { timeout: 30_000 });
  await page.evaluate(() => document.getElementById('remote').ready);
  return { ctx, page, errors, failed };
}

const status = (page) => page.evaluate(() => document.getElementById('remote').shadowRoot.querySelector('.embed-status')?.textContent ?? '');
const epoch = (page) => page.evaluate(() => Number(document.getElementById('remote').shadowRoot.querySelector('[data-testid=epoch]').textContent));

test('a course page on another origin embeds the playground and its lesson, and trains it', async () => {
  const { ctx, page, errors, failed } = await openHost('lesson.html');
  assert.notEqual(new URL(course.url).origin, new URL(env.url).origin, 'two origins');
  const el = page.locator('#remote');
  assert.equal(await el.getByTestId('bar-title').textContent(), 'Entanglement on XOR', 'the lesson from the other site');
  assert.equal(await el.getByTestId('msg-global').textContent(), '', 'no message');
  // Everything the element loaded came from the playground's origin, read across origins.
  const from = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  for (const want of ['www/embed.js', 'www/app.js', 'www/style.css', 'pkg/qmlp.js', 'pkg/qmlp_bg.wasm', 'examples/lessons/entanglement-xor.json']) {
    assert.ok(from.includes(`${env.url}${want}`), `${want} from ${env.url}`);
  }
  assert.deepEqual(failed, []);
  // It trains: Step, then Play for a few epochs.
  await el.getByTestId('step').click();
  await page.waitForFunction(() => document.getElementById('remote').shadowRoot.querySelector('[data-testid=epoch]').textContent === '1');
  await el.getByTestId('play').click();
  await page.waitForFunction(() => Number(document.getElementById('remote').shadowRoot.querySelector('[data-testid=epoch]').textContent) >= 5, null, { timeout: 60_000 });
  await el.getByTestId('play').click();
  assert.ok(await epoch(page) >= 5);
  const m = await page.evaluate(() => document.getElementById('remote').playground.engine.metrics());
  assert.ok(Number.isFinite(m.trainLoss));
  await el.scrollIntoViewIfNeeded();
  await shot(page, 'crossorigin-1-trained');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('what cannot be read across origins is named inside the element: the lesson, the engine module, its wasm', async () => {
  // The lesson on a static host that sends no Access-Control-Allow-Origin.
  let o = await openHost('bare-lesson.html');
  let msg = await o.page.locator('#remote').getByTestId('msg-global').textContent();
  assert.match(msg, new RegExp(`The lesson “${bare.url}examples/lessons/entanglement-xor\\.json” could not be opened: .* could not be read from this page: it is on another site \\(${new URL(bare.url).origin}\\), and its server must send the header “Access-Control-Allow-Origin”.*The default playground is shown instead\\.`));
  assert.equal(await o.page.locator('#remote').getByTestId('qubit-count').textContent(), '4', 'the default playground, usable');
  await o.page.locator('#remote').scrollIntoViewIfNeeded();
  await shot(o.page, 'crossorigin-2-lesson-without-cors');
  assert.ok(o.errors.every((e) => /CORS|Access-Control-Allow-Origin|Failed to load/.test(e)), o.errors.join('\n'));
  await o.ctx.close();

  // The engine's module, then its wasm, served without the header.
  for (const [file, what, page] of [['pkg/qmlp.js', 'module', 'module.html'], ['pkg/qmlp_bg.wasm', 'WebAssembly', 'wasm.html']]) {
    o = await openHost(page);
    const text = await status(o.page);
    const from = partial[what].url;
    assert.match(text, new RegExp(`^The playground could not start\\. The engine's ${what} could not be loaded: ${from.replace(/[.:/]/g, '\\$&')}${file.replace('.', '\\.')} could not be read from this page: it is on another site \\(${new URL(from).origin}\\), and its server must send the header “Access-Control-Allow-Origin”`), text);
    assert.equal(await o.page.evaluate(() => document.getElementById('remote').playground), null, 'no playground was built');
    await shot(o.page, `crossorigin-3-${what.toLowerCase()}-without-cors`);
    assert.ok(o.errors.every((e) => /CORS|Access-Control-Allow-Origin|Failed to load|net::ERR_FAILED/.test(e)), o.errors.join('\n'));
    await o.ctx.close();
  }
});

test('an engine that was never built is named on the element and on the full page, which is never blank', async () => {
  const o = await openHost('unbuilt.html');
  assert.match(await status(o.page), new RegExp(`^The playground could not start\\. The engine's module could not be loaded: ${unbuilt.url.replace(/[.:/]/g, '\\$&')}pkg/qmlp\\.js: the server answered HTTP 404 Not Found \\(no such file: is the engine built\\? make build\\)`));
  await shot(o.page, 'crossorigin-4-engine-not-built-element');
  await o.ctx.close();

  const ctx = await env.newContext();
  const page = await ctx.newPage();
  await page.goto(unbuilt.url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  assert.match(await page.getByTestId('boot-status').textContent(), /^The playground could not start\. The engine's module could not be loaded: \S+pkg\/qmlp\.js: the server answered HTTP 404 Not Found \(no such file: is the engine built\? make build\)/);
  assert.equal(await page.textContent('#engine-version'), 'unavailable');
  await shot(page, 'crossorigin-5-engine-not-built-page');
  await ctx.close();
});
