// Links, files and autosave, driven as a user would: edit and train, "Copy link", open the link
// in a fresh browser (identical document and identical decision-boundary pixels); the address
// bar follows edits without adding history entries; the clipboard fallback box; readable
// `#json:` links; a document too large for a link; the File menu's downloads and uploads
// (JSON, OpenQASM 3/2, PennyLane, Qiskit, SVG, PNG) with refused files changing nothing and undo
// still working; autosave restored on reload, and a broken autosave reported and set aside.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launchBrowser, shot, drag } from './harness.mjs';

let env;
before(async () => { env = await launchBrowser(); });
after(async () => { await env?.close(); });

/** Opens `url` in `context` and waits for the playground; collects console and page errors. */
async function open(context, url, { init } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (init) await page.addInitScript(init);
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

const getDoc = (page) => page.evaluate(() => window.__qmlp.getDocument());
const msgText = (page, id) => page.getByTestId(id).textContent();

/** The decision-boundary canvas's pixels (after any pending draw). */
function boundaryPixels(page) {
  return page.evaluate(() => {
    window.__qmlp.app.flush();
    const c = document.querySelector('[data-testid=boundary]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 1) s += String.fromCharCode(d[i]);
    return { w: c.width, h: c.height, data: btoa(s) };
  });
}

function differingBytes(a, b) {
  const x = Buffer.from(a.data, 'base64');
  const y = Buffer.from(b.data, 'base64');
  if (x.length !== y.length) return Infinity;
  let n = 0;
  for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) n += 1;
  return n;
}

/** Waits until the address bar holds a `#v1.` link for the current document. */
async function linkSettled(page) {
  await page.waitForFunction(() => {
    const app = window.__qmlp.app;
    return location.hash === `#${app.engine.shareHash()}`;
  }, null, { timeout: 10_000 });
}

/** Clicks a File menu item and returns the download's file name and bytes. */
async function downloadFrom(page, testid) {
  await page.getByTestId('file-menu').click();
  await page.getByTestId(testid).waitFor({ state: 'visible' });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

test('edit and train, copy the link, open it in a fresh browser: the same document and the same boundary pixels', async () => {
  const ctxA = await env.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const { page, errors } = await open(ctxA, env.url);
  // Edits: the XOR data, one more gate, a learning rate typed in; then train 3 epochs with Step.
  await page.getByTestId('dataset-xor').click();
  await drag(page, page.getByTestId('palette-RZ'), page.getByTestId('cell-1-14'));
  await page.getByTestId('lr').fill('0.1');
  await page.getByTestId('lr').press('Enter');
  for (let e = 1; e <= 3; e += 1) {
    await page.getByTestId('step').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid=epoch]').textContent === String(n), e);
  }
  const docA = await getDoc(page);
  assert.equal(docA.data.kind, 'xor');
  assert.equal(docA.training.optimizer.lr, 0.1);
  assert.equal(docA.circuit.gates.at(-1).gate, 'RZ');
  await linkSettled(page);
  await shot(page, 'share-1-edited-trained');

  // Copy link: the clipboard holds the page address with the document in its fragment.
  await page.getByTestId('copy-link').click();
  await page.waitForFunction(() => /Link copied/.test(document.querySelector('[data-testid=msg-global]').textContent));
  assert.match(await msgText(page, 'msg-global'), /trained weights included/);
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(link.startsWith(`${env.url}#v1.`), link.slice(0, 80));
  assert.equal(link, await page.evaluate(() => location.href), 'the address bar holds the same link');
  await shot(page, 'share-2-link-copied');
  const pixelsA = await boundaryPixels(page);

  // A fresh browser context (no storage, nothing shared) opens the link.
  const ctxB = await env.newContext();
  const b = await open(ctxB, link);
  const docB = await getDoc(b.page);
  assert.deepEqual(docB, docA, 'the serialized documents are identical (trained weights included)');
  const pixelsB = await boundaryPixels(b.page);
  assert.equal(pixelsB.w, pixelsA.w);
  assert.equal(differingBytes(pixelsA, pixelsB), 0, 'the decision boundary is identical pixel for pixel');
  await shot(b.page, 'share-3-opened-in-fresh-browser');
  assert.deepEqual(errors, []);
  assert.deepEqual(b.errors, []);
  await ctxA.close();
  await ctxB.close();
});

test('the address bar follows edits without new history entries; reload restores the document', async () => {
  const ctx = await env.newContext();
  const { page, errors } = await open(ctx, env.url);
  const historyBefore = await page.evaluate(() => history.length);
  assert.equal(await page.evaluate(() => location.hash), '', 'no link before the first edit');
  for (let i = 0; i < 6; i += 1) {
    await page.getByTestId(i % 2 ? 'qubit-remove' : 'qubit-add').click();
  }
  await page.getByTestId('dataset-moons').click();
  await linkSettled(page);
  assert.equal(await page.evaluate(() => history.length), historyBefore, 'replaceState only: the history is not flooded');
  const doc = await getDoc(page);
  assert.equal(doc.data.kind, 'moons');
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.deepEqual(await getDoc(page), doc);

  // A link pasted into the address bar of the open page is opened, as one undoable step.
  const other = await page.evaluate(() => {
    const d = window.__qmlp.getDocument();
    d.title = 'Pasted link';
    d.data.kind = 'spiral';
    return `#json:${encodeURIComponent(JSON.stringify(d))}`;
  });
  await page.evaluate((h) => { location.hash = h; }, other);
  await page.waitForFunction(() => window.__qmlp.getDocument().title === 'Pasted link');
  assert.match(await msgText(page, 'msg-global'), /Opened the playground from the link/);
  await page.keyboard.press('Control+z');
  assert.equal((await getDoc(page)).data.kind, 'moons');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('Copy link shows the link in a text box when the clipboard is refused', async () => {
  const ctx = await env.newContext();
  const refuse = () => {
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) },
    });
  };
  const { page, errors } = await open(ctx, env.url, { init: refuse });
  await page.getByTestId('qubit-add').click();
  await page.getByTestId('copy-link').click();
  const box = page.getByTestId('link-box');
  await box.waitFor({ state: 'visible' });
  const value = await box.inputValue();
  assert.ok(value.startsWith(`${env.url}#v1.`), value.slice(0, 60));
  assert.match(await page.getByTestId('link-why').textContent(), /did not let this page use the clipboard \(Write permission denied\.\)/);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'link-box', 'the box has the focus, its text selected');
  await shot(page, 'share-4-clipboard-refused-box');
  // The link in the box opens the same document.
  const doc = await getDoc(page);
  const p2 = await open(ctx, value);
  assert.deepEqual(await getDoc(p2.page), doc);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('link-pop').isHidden(), true);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a readable #json: link opens, and a document too large for a link says so and offers the JSON file', async () => {
  const ctx = await env.newContext();
  const { page, errors } = await open(ctx, env.url);
  const readable = await page.evaluate(() => {
    const d = window.__qmlp.getDocument();
    d.title = 'Readable link';
    d.circuit.qubits = 2;
    d.circuit.gates = [{ gate: 'H', wires: [0], col: 0 }, { gate: 'CNOT', wires: [0, 1], col: 1 }];
    return `json:${encodeURIComponent(JSON.stringify(d))}`;
  });
  const r = await open(ctx, `${env.url}#${readable}`);
  const rd = await getDoc(r.page);
  assert.equal(rd.title, 'Readable link');
  assert.equal(rd.circuit.gates.length, 2);
  assert.equal(await r.page.title(), 'Readable link — QML Playground');
  assert.deepEqual(r.errors, []);

  // 10 000 points with full-precision coordinates: about 256 000 characters as a link.
  let seed = 7;
  const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 * 2 - 1; };
  const rows = Array.from({ length: 10_000 }, (_, i) => `${rnd()},${rnd()},${i % 2}`);
  await page.getByTestId('csv-file').setInputFiles({ name: 'many.csv', mimeType: 'text/csv', buffer: Buffer.from(`x1,x2,label\n${rows.join('\n')}\n`) });
  await page.waitForFunction(() => /too large for a link/.test(document.querySelector('[data-testid=msg-global]').textContent), null, { timeout: 20_000 });
  const text = await msgText(page, 'msg-global');
  assert.match(text, /at most 200,000/);
  assert.equal(await page.evaluate(() => location.hash), '', 'no stale link is left in the address bar');
  await shot(page, 'share-5-too-large-for-a-link');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('too-long-download').click()]);
  const { state, ...saved } = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  assert.equal(saved.data.custom.length, 10_000);
  assert.deepEqual(saved, await getDoc(page));
  assert.equal(state.epoch, 0, 'the file carries the run (its state)');
  // Copy link says the same.
  await page.getByTestId('copy-link').click();
  await page.waitForFunction(() => /too large for a link/.test(document.querySelector('[data-testid=msg-global]').textContent));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('File menu: every export downloads, refused uploads change nothing and undo still works, OpenQASM 2 imports', async () => {
  const ctx = await env.newContext();
  const { page, errors } = await open(ctx, env.url);
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=epoch]').textContent === '1');
  // Pick the point the circuit is exported for.
  const box = await page.getByTestId('boundary').boundingBox();
  await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.3);
  await page.getByTestId('file-menu').click();
  assert.match(await page.getByTestId('qasm-point').textContent(), /x = \(0\.\d\d, 0\.\d\d\)/);
  await shot(page, 'share-6-file-menu');
  await page.keyboard.press('Escape');

  const json = await downloadFrom(page, 'export-json');
  assert.equal(json.name, 'playground.json');
  const { state, ...file } = JSON.parse(json.bytes);
  assert.deepEqual(file, await getDoc(page));
  assert.equal(state.epoch, 1, 'the file carries the run: one epoch trained');
  const q3 = await downloadFrom(page, 'export-qasm3');
  assert.match(q3.bytes.toString(), /^(\/\/.*\n)*OPENQASM 3/);
  const q2 = await downloadFrom(page, 'export-qasm2');
  assert.match(q2.bytes.toString(), /^(\/\/.*\n)*OPENQASM 2\.0;/);
  const pl = await downloadFrom(page, 'export-pennylane');
  assert.match(pl.bytes.toString(), /import pennylane as qml/);
  const qk = await downloadFrom(page, 'export-qiskit');
  assert.match(qk.bytes.toString(), /from qiskit/);
  const plt = await downloadFrom(page, 'export-pennylane-torch');
  assert.equal(plt.name, 'playground-pennylane-torch.py');
  assert.match(plt.bytes.toString(), /qml\.qnn\.TorchLayer\(qnode/);
  const qkt = await downloadFrom(page, 'export-qiskit-torch');
  assert.match(qkt.bytes.toString(), /TorchConnector\(qnn/);
  // Chromium drops a page's 11th download (measured: 10 go through, the 11th fires no event,
  // the 12th does), so the plots are downloaded from a second tab.
  const { page: plotsPage, errors: plotsErrors } = await open(ctx, env.url);
  for (const which of ['boundary', 'loss']) {
    const s = await downloadFrom(plotsPage, `export-${which}-svg`);
    assert.match(s.bytes.toString(), /<svg[\s>]/);
    assert.equal(s.name, `playground-${which}.svg`);
    const p = await downloadFrom(plotsPage, `export-${which}-png`);
    assert.deepEqual([...p.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  }
  assert.deepEqual(plotsErrors, []);
  await plotsPage.close();

  // An edit to undo later, then a broken document: refused, named, nothing changes.
  await page.getByTestId('qubit-add').click();
  const before = await getDoc(page);
  await page.getByTestId('import-json-file').setInputFiles({ name: 'broken <b>lesson</b>.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "circuit": ') });
  await page.waitForFunction(() => /cannot be opened/.test(document.querySelector('[data-testid=msg-global]').textContent));
  assert.match(await msgText(page, 'msg-global'), /^broken <b>lesson<\/b>\.json cannot be opened — not valid JSON: .*Your work is unchanged\./);
  const bad = structuredClone(before);
  bad.circuit.gates[0].wires = [7];
  await page.getByTestId('import-json-file').setInputFiles({ name: 'bad-wire.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await page.waitForFunction(() => /bad-wire\.json cannot be opened/.test(document.querySelector('[data-testid=msg-global]').textContent));
  assert.match(await msgText(page, 'msg-global'), /circuit\.gates\[0\]/);
  await shot(page, 'share-7-refused-upload');
  assert.deepEqual(await getDoc(page), before);
  await page.getByTestId('msg-global').getByRole('button', { name: 'Dismiss message' }).click();
  await page.getByTestId('undo').click();
  assert.equal((await getDoc(page)).circuit.qubits, before.circuit.qubits - 1, 'undo works after a failed import');
  await page.getByTestId('redo').click();

  // A good document opens, as one undoable step.
  const good = structuredClone(before);
  good.title = 'Uploaded';
  await page.getByTestId('import-json-file').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
  await page.waitForFunction(() => window.__qmlp.getDocument().title === 'Uploaded');
  await page.keyboard.press('Control+z');
  assert.equal((await getDoc(page)).title, undefined);

  // OpenQASM 2: an unsupported line is named and nothing changes; then the exported file goes back in.
  const cur = await getDoc(page);
  const badQasm = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\nmeasure_all q;\n';
  await page.getByTestId('import-qasm-file').setInputFiles({ name: 'bad.qasm', mimeType: 'text/plain', buffer: Buffer.from(badQasm) });
  await page.waitForFunction(() => /bad\.qasm: line 5/.test(document.querySelector('[data-testid=msg-circuit]').textContent));
  assert.match(await msgText(page, 'msg-circuit'), /Nothing was changed/);
  assert.deepEqual(await getDoc(page), cur);
  await page.getByTestId('import-qasm-file').setInputFiles({ name: 'exported.qasm', mimeType: 'text/plain', buffer: q2.bytes });
  await page.waitForFunction(() => /Imported \d+ gates on 4 qubits from exported\.qasm/.test(document.querySelector('[data-testid=msg-circuit]').textContent));
  const imported = await getDoc(page);
  assert.ok(imported.circuit.gates.length > 0);
  assert.ok(imported.circuit.gates.every((g) => (g.params ?? []).every((p) => p.kind === 'const')), 'imported angles are constants');
  await shot(page, 'share-8-qasm-imported');
  await page.keyboard.press('Control+z');
  assert.deepEqual((await getDoc(page)).circuit, cur.circuit);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('autosave: reload restores the work; a broken saved copy is reported, set aside and never used', async () => {
  const ctx = await env.newContext();
  const { page, errors } = await open(ctx, env.url);
  await page.getByTestId('dataset-spiral').click();
  await page.getByTestId('qubit-add').click();
  const doc = await getDoc(page);
  await page.waitForFunction((json) => localStorage.getItem('qmlp.autosave') === json,
    await page.evaluate(() => window.__qmlp.app.engine.snapshot()));
  // Reload (the link is in the address) and open the bare address: both restore the work.
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.deepEqual(await getDoc(page), doc);
  await page.goto(env.url);
  await page.waitForSelector('html[data-ready="true"]');
  assert.deepEqual(await getDoc(page), doc);
  assert.match(await msgText(page, 'msg-global'), /Restored your autosaved work/);
  await shot(page, 'share-9-autosave-restored');

  // A damaged saved copy.
  const damaged = `${(await page.evaluate(() => localStorage.getItem('qmlp.autosave'))).slice(0, 300)}`;
  await page.evaluate((t) => localStorage.setItem('qmlp.autosave', t), damaged);
  await page.goto(env.url);
  await page.waitForSelector('html[data-ready="true"]');
  const text = await msgText(page, 'msg-global');
  assert.match(text, /Your autosaved playground could not be restored: not valid JSON/);
  assert.match(text, /set aside \(kept in this browser's storage as “qmlp\.autosave\.broken”\)/);
  assert.equal((await getDoc(page)).circuit.qubits, 4, 'the default playground is open');
  assert.equal(await page.evaluate(() => localStorage.getItem('qmlp.autosave.broken')), damaged);
  assert.equal(await page.evaluate(() => localStorage.getItem('qmlp.autosave')), null, 'the broken copy is not left in place');
  await shot(page, 'share-10-broken-autosave');
  // New work is saved; the set-aside copy stays.
  await page.getByTestId('dataset-moons').click();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('qmlp.autosave') ?? 'null')?.data?.kind === 'moons');
  assert.equal(await page.evaluate(() => localStorage.getItem('qmlp.autosave.broken')), damaged);

  // A saved copy from a newer playground: also set aside (under its own key), never used.
  const newer = await page.evaluate(() => { const d = window.__qmlp.getDocument(); d.version = 3; return JSON.stringify(d); });
  await page.evaluate((t) => localStorage.setItem('qmlp.autosave', t), newer);
  await page.goto(env.url);
  await page.waitForSelector('html[data-ready="true"]');
  assert.match(await msgText(page, 'msg-global'), /could not be restored: version: this document is version 3, newer/);
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('qmlp.autosave.broken')).sort());
  assert.equal(keys.length, 2, `both set-aside copies are kept: ${keys}`);

  // Opening a link in a new tab keeps the autosaved work it replaces.
  await page.getByTestId('dataset-gaussians').click();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('qmlp.autosave') ?? 'null')?.data?.kind === 'gaussians');
  const mine = await page.evaluate(() => localStorage.getItem('qmlp.autosave'));
  const linkDoc = await page.evaluate(() => { const d = window.__qmlp.getDocument(); d.data.kind = 'circles3'; d.readout.observables = ['Z0', 'Z1', 'Z2']; d.head.scale = [2, 2, 2]; d.head.bias = [0, 0, 0]; d.training.loss = 'cross_entropy'; return JSON.stringify(d); });
  const t2 = await open(ctx, `${env.url}#json:${encodeURIComponent(linkDoc)}`);
  await t2.page.getByTestId('qubit-add').click();
  await t2.page.waitForFunction(() => JSON.parse(localStorage.getItem('qmlp.autosave') ?? 'null')?.circuit?.qubits === 5);
  assert.equal(await t2.page.evaluate(() => localStorage.getItem('qmlp.autosave.previous')), mine);
  await t2.page.getByTestId('file-menu').click();
  await t2.page.getByTestId('open-previous-autosave').click();
  assert.equal((await getDoc(t2.page)).data.kind, 'gaussians');
  assert.deepEqual(errors, []);
  assert.deepEqual(t2.errors, []);
  await ctx.close();
});
