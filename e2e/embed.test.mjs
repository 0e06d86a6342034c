// Embedding: examples/course-page.html with two <qml-playground> lessons, each working on its
// own (training, editing, undo and keyboard shortcuts act only in the focused one) with its
// locked controls unusable by mouse and keyboard; attributes checked with messages; a lesson that
// fails to load shows the default playground; the engine and styles load from next to embed.js,
// not from the host page; and the iframe mode (index.html#embed…) with its compact layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, launchBrowser, drag } from './harness.mjs';
import { initSync, encodeHash, catalog } from '../pkg/qmlp.js';

initSync({ module: fs.readFileSync(new URL('../pkg/qmlp_bg.wasm', import.meta.url)) });

let env;
let ctx;
before(async () => {
  env = await launchBrowser();
  ctx = await env.newContext();
});
after(async () => { await env?.close(); });

const COURSE = () => `${env.url}examples/course-page.html`;

async function openCourse() {
  const page = await ctx.newPage();
  const errors = [];
  const failed = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  await page.goto(COURSE());
  await page.evaluate(() => Promise.all([...document.querySelectorAll('qml-playground')].map((e) => e.ready)));
  return { page, errors, failed };
}

const docOf = (page, id) => page.evaluate((i) => document.getElementById(i).document, id);
const epochOf = async (page, id) => Number(await page.locator(`#${id}`).getByTestId('epoch').textContent());
const pageShot = (page, name, fullPage = false) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });

/** The element focused now, looking inside shadow roots: its test id and locked fieldset, if any. */
const deepFocus = (page) => page.evaluate(() => {
  let el = document.activeElement;
  const hosts = [];
  while (el?.shadowRoot?.activeElement) { hosts.push(el.id); el = el.shadowRoot.activeElement; }
  return { hosts, tag: el?.tagName, testid: el?.dataset?.testid ?? null, locked: el?.closest?.('fieldset.locked')?.dataset.lock ?? null };
});

test('the course page shows two working lessons whose locked controls cannot be used', async () => {
  const { page, errors, failed } = await openCourse();
  const layers = page.locator('#lesson-layers');
  const xor = page.locator('#lesson-xor');
  assert.equal(await layers.getByTestId('bar-title').textContent(), 'One qubit, more layers');
  assert.equal(await xor.getByTestId('bar-title').textContent(), 'Entanglement on XOR');
  const d1 = await docOf(page, 'lesson-layers');
  const d2 = await docOf(page, 'lesson-xor');
  assert.deepEqual(d1.locked, ['data', 'features', 'readout', 'training'], 'the document\'s locks plus lock="training"');
  assert.deepEqual(d2.locked, ['data', 'features', 'readout'], 'the document\'s locks plus lock="readout"');
  assert.equal((await layers.boundingBox()).height, 640, 'height="640"');
  // The engine and the stylesheet came from next to embed.js; nothing failed to load.
  assert.deepEqual(failed, []);
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.ok(loaded.includes('/pkg/qmlp_bg.wasm') && loaded.includes('/www/style.css'), loaded.join(' '));
  await pageShot(page, 'embed-1-course-page', true);

  // Locked controls are disabled: clicking them does nothing.
  for (const [loc, lock] of [[layers, 'data'], [layers, 'features'], [layers, 'readout'], [layers, 'training'], [xor, 'data'], [xor, 'readout']]) {
    assert.equal(await loc.locator(`fieldset[data-lock=${lock}]`).evaluate((f) => f.disabled), true, `${lock} is locked`);
  }
  await layers.getByTestId('dataset-xor').click({ force: true });
  await layers.getByTestId('lr').click({ force: true });
  await xor.getByTestId('dataset-circle').click({ force: true });
  assert.equal((await docOf(page, 'lesson-layers')).data.kind, 'circle');
  assert.equal((await docOf(page, 'lesson-xor')).data.kind, 'xor');
  assert.equal(await layers.getByTestId('lr').isDisabled(), true);
  assert.equal(await xor.getByTestId('readout-text').isDisabled(), true);
  // Adding a point on the plot is a data edit: refused.
  await layers.getByTestId('click-add-0').click();
  const box = await layers.getByTestId('boundary').boundingBox();
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
  assert.match(await layers.getByTestId('msg-output').textContent(), /The data is locked in this lesson/);
  assert.equal((await docOf(page, 'lesson-layers')).data.custom, undefined);
  await layers.getByTestId('click-pick').click();

  // Keyboard: Tab walks through the whole lesson and never reaches a locked control.
  await layers.getByTestId('copy-link').focus();
  const visited = new Set();
  for (let i = 0; i < 120; i += 1) {
    await page.keyboard.press('Tab');
    const f = await deepFocus(page);
    if (f.hosts[0] !== 'lesson-layers') break;
    assert.equal(f.locked, null, `Tab reached ${f.tag} ${f.testid} in the locked ${f.locked} controls`);
    if (f.testid) visited.add(f.testid);
  }
  assert.ok(visited.has('palette-H') && visited.has('step'), `Tab visits the unlocked controls: ${[...visited].join(' ')}`);

  // Both lessons work, each on its own: Play trains the first only.
  await layers.getByTestId('play').click();
  await page.waitForFunction(() => Number(document.getElementById('lesson-layers').shadowRoot.querySelector('[data-testid=epoch]').textContent) >= 5);
  await layers.getByTestId('play').click();
  assert.equal(await epochOf(page, 'lesson-xor'), 0, 'the other lesson did not train');
  assert.notDeepEqual((await docOf(page, 'lesson-layers')).circuit.gates[1].params, d1.circuit.gates[1].params, 'trained');
  await layers.scrollIntoViewIfNeeded();
  await pageShot(page, 'embed-2-lesson-trained');

  // The XOR lesson's 80 epochs can end before the second Space below on a fast machine (then
  // Space would start a new run): let it train to the engine's limit (before the CNOT edit,
  // which Ctrl+Z undoes later).
  await xor.getByTestId('epochs').fill(String(catalog().limits.maxEpochs));
  await xor.getByTestId('epochs').press('Enter');
  // The second lesson's circuit is not locked: delete its CNOT from the keyboard.
  const cnot = xor.locator('.gate[data-gate=CNOT]');
  await cnot.focus();
  await page.keyboard.press('Delete');
  assert.equal((await docOf(page, 'lesson-xor')).circuit.gates.some((g) => g.gate === 'CNOT'), false);
  assert.equal((await docOf(page, 'lesson-layers')).circuit.gates.length, d1.circuit.gates.length, 'the first lesson is untouched');
  // Space in the focused lesson plays it, and only it.
  await xor.getByTestId('lesson').click();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.getElementById('lesson-xor').shadowRoot.querySelector('[data-testid=epoch]').textContent) >= 3);
  assert.equal(await xor.getByTestId('play').getAttribute('aria-pressed'), 'true', 'still training when Space is pressed again');
  await page.keyboard.press('Space');
  assert.equal(await xor.getByTestId('play').getAttribute('aria-pressed'), 'false');
  const layersEpoch = await epochOf(page, 'lesson-layers');
  // Ctrl+Z in the second lesson brings the CNOT back; the first keeps its state.
  await xor.getByTestId('lesson').click();
  await page.keyboard.press('Control+z');
  assert.equal((await docOf(page, 'lesson-xor')).circuit.gates.some((g) => g.gate === 'CNOT'), true);
  assert.equal(await epochOf(page, 'lesson-layers'), layersEpoch);
  // With the focus on the host page, no shortcut acts on either lesson.
  await page.locator('h1').click();
  const before = [await docOf(page, 'lesson-layers'), await docOf(page, 'lesson-xor')];
  await page.keyboard.press('Space');
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(300);
  assert.equal(await layers.getByTestId('play').getAttribute('aria-pressed'), 'false');
  assert.equal(await xor.getByTestId('play').getAttribute('aria-pressed'), 'false');
  assert.deepEqual([await docOf(page, 'lesson-layers'), await docOf(page, 'lesson-xor')], before);
  await xor.scrollIntoViewIfNeeded();
  await pageShot(page, 'embed-3-second-lesson');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a locked circuit refuses mouse and keyboard edits; bad attributes and a missing lesson are named', async () => {
  const { page, errors } = await openCourse();
  await page.evaluate(() => {
    const el = document.createElement('qml-playground');
    el.id = 'locked';
    el.setAttribute('preset', 'xor-entangled');
    el.setAttribute('lock', 'circuit, data, teleport');
    el.setAttribute('height', 'tall');
    document.querySelector('main').append(el);
    const missing = document.createElement('qml-playground');
    missing.id = 'missing';
    missing.setAttribute('src', 'lessons/missing.json');
    missing.setAttribute('height', '400');
    document.querySelector('main').append(missing);
    return Promise.all([el.ready, missing.ready]);
  });
  const el = page.locator('#locked');
  const msg = await el.getByTestId('msg-global').textContent();
  assert.match(msg, /height “tall” is not a height this playground can use: give pixels from 240 to 4000/);
  assert.match(msg, /lock: “teleport” is not a control that can be locked \(ignored\); use any of: circuit, data, features/);
  assert.equal((await el.boundingBox()).height, 520, 'the default height');
  const doc = await docOf(page, 'locked');
  assert.deepEqual(doc.locked, ['circuit', 'data']);
  assert.equal(doc.title, 'Entanglement on XOR');

  // Mouse: drag a gate from the palette, drag a placed gate, click Clear.
  await el.getByTestId('msg-global').getByRole('button', { name: 'Dismiss message' }).click();
  await drag(page, el.getByTestId('palette-H'), el.getByTestId('cell-0-12'));
  await drag(page, el.getByTestId('gate-0'), el.getByTestId('cell-1-13'));
  await el.getByTestId('clear-circuit').click({ force: true });
  // Keyboard: Enter on a palette item, arrows and Delete on a gate, Ctrl+Z.
  await el.getByTestId('palette-RX').focus();
  await page.keyboard.press('Enter');
  await el.getByTestId('gate-2').focus();
  for (const key of ['ArrowRight', 'ArrowDown', 'Delete', 'Backspace', 'Control+z']) await page.keyboard.press(key);
  assert.deepEqual(await docOf(page, 'locked'), doc, 'nothing changed');
  // The File menu cannot replace the lesson or import a circuit into it.
  await el.getByTestId('file-menu').click();
  assert.equal(await el.getByTestId('import-qasm').isDisabled(), true);
  assert.equal(await el.getByTestId('import-json').isDisabled(), true);
  await el.scrollIntoViewIfNeeded();
  await pageShot(page, 'embed-4-locked-circuit');
  await page.keyboard.press('Escape');
  // Changing the lock attribute rebuilds the playground; `export` hides the downloads (here the
  // whole File menu, as nothing else in it may be used), the link stays.
  await page.evaluate(() => document.getElementById('locked').setAttribute('lock', 'circuit,data,export'));
  await page.waitForFunction(() => document.getElementById('locked').document?.locked.includes('export'));
  assert.equal(await el.getByTestId('file-menu').isHidden(), true);
  assert.equal(await el.getByTestId('copy-link').isVisible(), true);

  const missing = page.locator('#missing');
  assert.match(await missing.getByTestId('msg-global').textContent(),
    /The lesson “lessons\/missing\.json” could not be opened: \S*lessons\/missing\.json: the server answered HTTP 404.*The default playground is shown instead\./);
  assert.equal((await docOf(page, 'missing')).circuit.qubits, 4);
  await missing.scrollIntoViewIfNeeded();
  await pageShot(page, 'embed-5-missing-lesson');
  assert.ok(errors.every((e) => /404/.test(e)), errors.join('\n'));
  await page.close();
});

test('iframe mode: index.html#embed… in a frame has the compact layout, the locks and no autosave', async () => {
  const { page, errors } = await openCourse();
  const lesson = fs.readFileSync(new URL('../examples/lessons/entanglement-xor.json', import.meta.url), 'utf8');
  const src = `../index.html#embed&lock=circuit&${encodeHash(lesson)}`;
  await page.evaluate((s) => {
    const f = document.createElement('iframe');
    f.id = 'frame';
    f.src = s;
    f.title = 'Entanglement on XOR (iframe)';
    Object.assign(f.style, { width: '100%', height: '620px', border: '1px solid #ddd' });
    document.querySelector('main').prepend(f);
  }, src);
  const frame = page.frameLocator('#frame');
  await frame.locator('html[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
  assert.equal(await frame.locator('header.top').isHidden(), true, 'no page header');
  assert.equal(await frame.getByTestId('bar-title').textContent(), 'Entanglement on XOR');
  assert.equal(await frame.locator('#app').getAttribute('class'), 'qmlp compact');
  assert.equal(await frame.locator('fieldset[data-lock=circuit]').evaluate((f) => f.disabled), true);
  const fr = page.frames().find((f) => f.url().includes('#embed'));
  const hashBefore = await fr.evaluate(() => location.hash);
  await frame.getByTestId('step').click();
  await frame.getByTestId('epoch').filter({ hasText: '1' }).waitFor();
  await frame.getByTestId('optimizer').selectOption('sgd');
  await page.waitForTimeout(900);
  assert.equal(await fr.evaluate(() => location.hash), hashBefore, 'iframe mode leaves its address alone');
  assert.equal(await fr.evaluate(() => localStorage.getItem('qmlp.autosave')), null, 'and does not autosave');
  const full = await frame.getByTestId('open-full').getAttribute('href');
  assert.ok(full.startsWith(`${env.url}index.html`) && !full.includes('embed'), full);
  await page.locator('#frame').scrollIntoViewIfNeeded();
  await pageShot(page, 'embed-6-iframe-mode');
  assert.deepEqual(errors, []);
  await page.close();
});
