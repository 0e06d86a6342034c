// Robustness and safety of every way in: links carrying HTML/script payloads in every string
// field open with nothing run and the text shown literally (in a context with the page's CSP
// bypassed, so the proof does not rest on the CSP); damaged, truncated, huge, newer-version and
// meaningless links each give a message and a usable default playground; a CSV with a bad row
// names the row; a 30-qubit document gives the memory message; non-finite numbers are refused
// where they are typed; a learning rate of 1e9 stops training with the message and keeps the
// previous weights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launchBrowser, shot } from './harness.mjs';
import { initSync, encodeHash, defaultDocument, maxHashChars, preset } from '../pkg/qmlp.js';

initSync({ module: fs.readFileSync(new URL('../pkg/qmlp_bg.wasm', import.meta.url)) });

const IMG = '<img src=x onerror=window.__pwned=1>';
const SCRIPT = '<script>window.__pwned=1</script>';
const BOTH = `${IMG} ${SCRIPT}`;

let env;
before(async () => { env = await launchBrowser(); });
after(async () => { await env?.close(); });

async function open(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

const getDoc = (page) => page.evaluate(() => window.__qmlp.getDocument());
/** A message area's text (without its close button). */
const msgOf = (page, id) => page.getByTestId(id).locator('.msg-text').textContent();
const globalMsg = (page) => msgOf(page, 'msg-global');
const jsonLink = (doc) => `json:${encodeURIComponent(JSON.stringify(doc))}`;

/** Whether anything the payloads would create exists: the global, an <img src=x>, an extra <script>. */
function injected(page) {
  return page.evaluate(() => {
    const all = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        all.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return {
      pwned: window.__pwned,
      imgs: all.filter((e) => e.tagName === 'IMG' && !/icon\.svg$/.test(e.getAttribute('src') ?? '')).length,
      scripts: all.filter((e) => e.tagName === 'SCRIPT' && e.type !== 'module').length,
    };
  });
}

/** The page still works: Step trains one epoch. */
async function usable(page) {
  const before = Number(await page.getByTestId('epoch').textContent());
  await page.getByTestId('step').click();
  await page.waitForFunction((e) => Number(document.querySelector('[data-testid=epoch]').textContent) === e + 1, before);
}

test('payloads in every string field of a link run nothing and are shown as text', async () => {
  const ctx = await env.newContext({ bypassCSP: true });
  const base = JSON.parse(defaultDocument());
  // Free-text fields: the document opens and shows them literally (v1 and readable links).
  const lesson = { ...base, title: `${BOTH} title`, description: `${SCRIPT}\n${IMG} description` };
  for (const form of [`v1`, 'json']) {
    const hash = form === 'v1' ? encodeHash(JSON.stringify(lesson)) : jsonLink(lesson);
    const { page, errors } = await open(ctx, `${env.url}#${hash}`);
    assert.equal(await page.locator('.lesson-title').textContent(), lesson.title);
    assert.equal(await page.locator('.lesson-text').textContent(), lesson.description);
    assert.equal(await page.title(), `${lesson.title} — QML Playground`);
    assert.deepEqual(await injected(page), { pwned: undefined, imgs: 0, scripts: 0 });
    if (form === 'v1') await shot(page, 'robust-1-payload-title');
    assert.deepEqual(errors, []);
    await page.close();
  }

  // Every other string field: the document is refused, the message quotes the payload as text.
  const gate = (g) => ({ ...base, circuit: { ...base.circuit, gates: [g] } });
  const cases = {
    'locked entry': { ...base, locked: [IMG, SCRIPT] },
    observable: { ...base, readout: { kind: 'expval', observables: [IMG] } },
    'fidelity state': { ...base, readout: { kind: 'fidelity', states: [SCRIPT, '1'] }, head: { ...base.head, scale: [1, 1], bias: [0, 0] } },
    'gate name': gate({ gate: IMG, wires: [0], col: 0 }),
    'binding kind': gate({ gate: 'RX', wires: [0], col: 0, params: [{ kind: SCRIPT }] }),
    feature: gate({ gate: 'RX', wires: [0], col: 0, params: [{ kind: 'feature', feature: IMG, scale: 1 }] }),
    'dataset kind': { ...base, data: { ...base.data, kind: SCRIPT } },
    loss: { ...base, training: { ...base.training, loss: IMG } },
    optimizer: { ...base, training: { ...base.training, optimizer: { kind: SCRIPT, lr: 0.1 } } },
    'field name': { ...base, [IMG]: 1 },
  };
  const { page, errors } = await open(ctx, env.url);
  for (const [name, doc] of Object.entries(cases)) {
    await page.goto('about:blank');
    await page.goto(`${env.url}#${jsonLink(doc)}`);
    await page.waitForSelector('html[data-ready="true"]');
    const text = await globalMsg(page);
    assert.match(text, /^This link cannot be opened: .*The default playground is open instead\.$/s, name);
    assert.ok(text.includes(IMG) || text.includes(SCRIPT), `${name}: the message quotes the payload as text: ${text}`);
    assert.deepEqual(await injected(page), { pwned: undefined, imgs: 0, scripts: 0 }, name);
    if (name === 'locked entry') await shot(page, 'robust-2-payload-refused');
  }

  // A file name and a bad CSV row, and an OpenQASM gate name.
  await page.getByTestId('csv-file').setInputFiles({ name: `${IMG}.csv`, mimeType: 'text/csv', buffer: Buffer.from(`x1,x2,label\n0.1,0.2,0\n${SCRIPT},0.3,1\n`) });
  await page.waitForFunction(() => /line 3/.test(document.querySelector('[data-testid=msg-data]').textContent));
  assert.ok((await page.getByTestId('msg-data').textContent()).startsWith(`${IMG}.csv: line 3`));
  await page.getByTestId('import-qasm-file').setInputFiles({ name: 'x.qasm', mimeType: 'text/plain', buffer: Buffer.from(`OPENQASM 2.0;\nqreg q[1];\nimg q[0];\n`) });
  await page.waitForFunction(() => /x\.qasm: line 3/.test(document.querySelector('[data-testid=msg-circuit]').textContent));
  assert.deepEqual(await injected(page), { pwned: undefined, imgs: 0, scripts: 0 });
  assert.deepEqual(errors, []);
  await page.close();

  // The embed: payloads in its attributes and in an inline document.
  const course = await ctx.newPage();
  await course.goto(`${env.url}examples/course-page.html`);
  await course.evaluate(({ img, script, doc }) => {
    const el = document.createElement('qml-playground');
    el.id = 'evil';
    el.setAttribute('lock', `${img},${script}`);
    el.setAttribute('height', img);
    const s = document.createElement('script');
    s.type = 'application/json';
    s.textContent = doc;
    el.append(s);
    document.querySelector('main').prepend(el);
    const bad = document.createElement('qml-playground');
    bad.id = 'evil-src';
    bad.setAttribute('src', `${img}.json`);
    document.querySelector('main').prepend(bad);
    return Promise.all([el.ready, bad.ready]);
  }, { img: IMG, script: SCRIPT, doc: JSON.stringify(lesson) });
  const evil = course.locator('#evil');
  assert.equal(await evil.getByTestId('bar-title').textContent(), lesson.title);
  assert.equal(await evil.locator('.lesson-text').textContent(), lesson.description);
  const m = await evil.getByTestId('msg-global').textContent();
  assert.ok(m.includes(`“${IMG}”`) && m.includes(`height “${IMG.slice(0, 24)}…”`), m);
  assert.ok((await course.locator('#evil-src').getByTestId('msg-global').textContent()).includes(`“${IMG}.json” could not be opened`));
  assert.deepEqual(await injected(course), { pwned: undefined, imgs: 0, scripts: 1 }, 'only the inline JSON document, which never runs');
  await shot(course, 'robust-3-payload-embed');
  await ctx.close();
});

test('truncated, huge, newer-version and meaningless links each say what is wrong and open a usable default playground', async () => {
  const ctx = await env.newContext();
  const good = encodeHash(defaultDocument());
  const newer = { ...JSON.parse(defaultDocument()), version: 3 };
  const cases = [
    ['truncated', good.slice(0, Math.floor(good.length / 2)), /the link is damaged/],
    ['cut by one character', good.slice(0, -1), /the link is damaged/],
    ['huge', `v1.${'A'.repeat(maxHashChars() + 10)}`, /the link is too long: 200013 characters; the limit is 200000 characters/],
    ['newer format', 'v2.q1ZKLUpJLUpVsqpWKkktLlGyUjIyMDQyNjUwMzM3MDQwNDA=', /made by a newer playground \(format v2\)/],
    ['newer document', jsonLink(newer), /this document is version 3, newer than this playground reads/],
    ['not a link', 'section-2', /this is not a playground link/],
  ];
  for (const [name, hash, why] of cases) {
    const { page, errors } = await open(ctx, `${env.url}#${hash}`);
    const text = await globalMsg(page);
    assert.match(text, /^This link cannot be opened: /, name);
    assert.match(text, why, name);
    assert.match(text, /The default playground is open instead\./, name);
    assert.equal((await getDoc(page)).circuit.qubits, 4, `${name}: the default playground`);
    await shot(page, `robust-4-link-${name.replace(/\s+/g, '-')}`);
    await usable(page);
    assert.deepEqual(errors, [], name);
    await page.close();
  }
  await ctx.close();
});

test('a CSV with a bad row names the row; a 30-qubit document gives the memory message; typed non-finite numbers are refused', async () => {
  const ctx = await env.newContext();
  const { page, errors } = await open(ctx, env.url);
  const before = await getDoc(page);
  await page.getByTestId('csv-file').setInputFiles({ name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,label\n0.1,0.2,0\n0.3,0.1,1\n0.5,NaN,1\n') });
  await page.waitForFunction(() => /line 4/.test(document.querySelector('[data-testid=msg-data]').textContent));
  assert.match(await page.getByTestId('msg-data').textContent(), /^points\.csv: line 4, column 2 \(x2\): 'NaN' is not a finite number\. Nothing was changed\./);
  assert.deepEqual(await getDoc(page), before);
  await shot(page, 'robust-5-csv-bad-row');

  // 30 qubits, as a link and as a file.
  const big = structuredClone(before);
  big.circuit.qubits = 30;
  const l = await open(ctx, `${env.url}#${jsonLink(big)}`);
  assert.match(await globalMsg(l.page), /30 qubits need 16 GiB of memory for the statevector .* the limit here is 24 qubits \(256 MiB\)/);
  await shot(l.page, 'robust-6-30-qubits');
  await usable(l.page);
  await l.page.close();
  await page.getByTestId('import-json-file').setInputFiles({ name: 'thirty.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(big)) });
  await page.waitForFunction(() => /thirty\.json cannot be opened/.test(document.querySelector('[data-testid=msg-global]').textContent));
  assert.match(await globalMsg(page), /circuit\.qubits: must be from 1 to 24, got 30 \(30 qubits need 16 GiB of memory.*Your work is unchanged\./);
  assert.deepEqual(await getDoc(page), before);

  // Numbers typed into boxes: non-finite values are refused next to the box.
  for (const typed of ['1e999', 'Infinity', 'NaN', '-']) {
    await page.getByTestId('lr').fill(typed);
    await page.getByTestId('lr').press('Enter');
    assert.match(await page.getByTestId('lr-msg').textContent(), /finite|not a number/, typed);
    assert.equal(await page.getByTestId('lr').inputValue(), '0.05', typed);
  }
  assert.deepEqual(await getDoc(page), before);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a learning rate of 1e9 stops training with the message and keeps the previous weights', async () => {
  const ctx = await env.newContext();
  const { page, errors } = await open(ctx, env.url);
  // A few sane epochs first, so "previous weights" are trained ones.
  for (let e = 1; e <= 2; e += 1) {
    await page.getByTestId('step').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid=epoch]').textContent === String(n), e);
  }
  await page.getByTestId('lr').fill('1e9');
  await page.getByTestId('lr').press('Enter');
  const before = await getDoc(page);
  assert.equal(before.training.optimizer.lr, 1e9);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => /Training stopped/.test(document.querySelector('[data-testid=msg-training]').textContent), null, { timeout: 20_000 });
  const text = await msgOf(page, 'msg-training');
  assert.match(text, /^Training stopped in epoch \d+ \(step \d+\): the loss or its gradient became (NaN|infinite|so large that a weight left ±1e6)/);
  assert.match(text, /The learning rate \(1000000000\) is probably too large\. The weights are kept from the last finite step/);
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false', 'Play stopped');
  const after = await getDoc(page);
  assert.deepEqual(after.circuit, before.circuit, 'the weights are the previous ones');
  assert.deepEqual(after.head, before.head);
  assert.equal((await page.evaluate(() => window.__qmlp.app.engine.metrics())).error, text);
  await shot(page, 'robust-7-lr-1e9-stopped');
  // Lower it and training goes on.
  await page.getByTestId('lr').fill('0.05');
  await page.getByTestId('lr').press('Enter');
  await usable(page);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the readable form of a built-in preset opens exactly', async () => {
  const ctx = await env.newContext();
  const doc = JSON.parse(preset('reupload-1q'));
  const { page, errors } = await open(ctx, `${env.url}#${jsonLink(doc)}`);
  assert.deepEqual(await getDoc(page), doc);
  assert.deepEqual(errors, []);
  await ctx.close();
});
