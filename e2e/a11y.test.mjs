// Accessibility. axe-core (npm, from the lockfile) on the default page — fresh, then trained
// with a gate selected and messages shown — and on the course page with its two embedded
// lessons: no critical or serious violation (every violation is printed). The keyboard: the
// palette, the circuit tools, the dataset picker and the plot's click modes are one Tab stop
// each, moved through with the arrow keys (radio groups choose as they move); the skip link
// reaches the circuit; after Delete the focus goes on to the next gate, not to the page; and
// the gates' names and tooltips give the angles as trained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { launch, openPage, shot } from './harness.mjs';
import { formatNumber } from '../www/format.js';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

/** Runs axe-core in the page (injected through the test driver, so the page's CSP is kept). */
async function axe(page, what) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  console.log(`axe-core on ${what}: ${violations.length ? violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(', ') : 'no violations'}`);
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

const focusedId = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el?.dataset?.testid ?? el?.tagName;
});

test('axe-core finds no critical or serious violation on the page, fresh and in use', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  assert.deepEqual(await axe(page, 'the default page'), []);
  // In use: trained, a gate selected (the inspector open), a message in the training panel and
  // one at the top, a picked point.
  for (let i = 0; i < 2; i += 1) await page.getByTestId('step').click();
  await page.getByTestId('gate-2').click();
  await page.getByTestId('reset').click();
  await page.evaluate(() => window.__qmlp.app.messages.global.show('A message at the top of the playground.'));
  const box = await page.getByTestId('boundary').boundingBox();
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
  assert.deepEqual(await axe(page, 'the page in use'), []);
  await shot(page, 'a11y-1-in-use');
  assert.deepEqual(errors, []);
  await page.close();
});

test('axe-core finds no critical or serious violation on the paper and hybrid presets', async () => {
  // Presets with a long lesson text (it scrolls in its box), fidelity readouts with label states,
  // L-BFGS and dense blocks: each page fresh and after a training step.
  for (const preset of ['paper-tetrahedron', 'paper-circle-1q', 'iris-hybrid']) {
    const { page, errors } = await openPage(env.context, `${env.url}?preset=${preset}`);
    assert.deepEqual(await axe(page, `the ${preset} preset`), []);
    if (await page.locator('.lesson-text').isVisible()) {
      assert.equal(await page.locator('.lesson-text').getAttribute('tabindex'), '0', 'a scrolling lesson text takes the focus');
    }
    await page.getByTestId('step').click();
    assert.deepEqual(await axe(page, `the ${preset} preset after a step`), []);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('axe-core finds no critical or serious violation on the course page with its embedded lessons', async () => {
  const page = await env.context.newPage();
  await page.goto(`${env.url}examples/course-page.html`);
  await page.evaluate(() => Promise.all([...document.querySelectorAll('qml-playground')].map((e) => e.ready)));
  assert.deepEqual(await axe(page, 'the course page (two locked lessons)'), []);
  await page.close();
});

test('arrow keys move inside the palette, the circuit tools, the datasets and the click modes: one Tab stop each', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const stops = (sel) => page.evaluate((s) => [...document.querySelectorAll(s)].filter((e) => e.tabIndex === 0).map((e) => e.dataset.testid), sel);

  // The palette (a toolbar): H is its stop; the arrows, Home and End move; Enter still appends.
  assert.deepEqual(await stops('.palette .pal-item'), ['palette-H']);
  await page.getByTestId('palette-H').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await focusedId(page), 'palette-X');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focusedId(page), 'palette-control', 'wraps around to the end');
  await page.keyboard.press('Home');
  assert.equal(await focusedId(page), 'palette-H');
  await page.keyboard.press('End');
  assert.equal(await focusedId(page), 'palette-control');
  // Back over the five noise channels and CSWAP.
  for (let i = 0; i < 7; i += 1) await page.keyboard.press('ArrowLeft');
  assert.equal(await focusedId(page), 'palette-Toffoli');
  assert.deepEqual(await stops('.palette .pal-item'), ['palette-Toffoli'], 'the stop follows the focus');
  // Tab leaves the palette at once: the next stop is after it.
  await page.keyboard.press('Tab');
  assert.ok(!(await focusedId(page)).startsWith('palette-'), 'one Tab leaves the palette');

  // The circuit tools (a toolbar of buttons): Undo is disabled until an edit, so skipped.
  assert.deepEqual(await stops('[role=toolbar][aria-label="Circuit tools"] button'), ['qubit-remove']);
  await page.getByTestId('qubit-remove').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await focusedId(page), 'qubit-add');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focusedId(page), 'compact-circuit', 'the disabled Undo and Redo are skipped');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focusedId(page), 'clear-circuit');

  // The datasets (a radio group): the checked one is the stop; the arrows move and choose.
  assert.deepEqual(await stops('.thumbs .thumb'), ['dataset-circle']);
  await page.getByTestId('dataset-circle').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await focusedId(page), 'dataset-xor');
  assert.equal(await page.getByTestId('dataset-xor').getAttribute('aria-checked'), 'true');
  assert.equal((await page.evaluate(() => window.__qmlp.getDocument())).data.kind, 'xor');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await page.evaluate(() => window.__qmlp.getDocument())).data.kind, 'circle');
  assert.deepEqual(await stops('.thumbs .thumb'), ['dataset-circle']);

  // The plot's click modes (a radio group).
  await page.getByTestId('click-pick').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await focusedId(page), 'click-add-0');
  assert.equal(await page.evaluate(() => window.__qmlp.app.ui.clickMode), 'add-0');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => window.__qmlp.app.ui.clickMode), 'add-1');
  assert.deepEqual(await stops('.click-mode button'), ['click-add-1']);

  // The page's Tab stops, counted (printed): each group above counts once.
  const count = await page.evaluate(() => [...document.querySelectorAll('a[href], button, select, input, [tabindex]')]
    .filter((e) => e.tabIndex >= 0 && !e.matches(':disabled') && e.getClientRects().length && e.type !== 'file').length);
  console.log(`Tab stops on the default page: ${count} (the default circuit's 60 gates included)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the skip link reaches the circuit; after Delete the focus goes on to the next gate', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const hash = await page.evaluate(() => location.hash);
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'skip-link', 'the first Tab stop');
  const b = await page.getByTestId('skip-link').boundingBox();
  assert.ok(b && b.y >= 0 && b.width > 0, 'shown while focused');
  await shot(page, 'a11y-2-skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await focusedId(page), 'circuit', 'the circuit grid has the focus');
  assert.equal(await page.evaluate(() => location.hash), hash, 'the address (the document\'s link) is untouched');
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'gate-0', 'Tab goes on to the first gate');

  // Delete on a focused gate: the focus goes to the gate that takes its place.
  const before = (await page.evaluate(() => window.__qmlp.getDocument())).circuit.gates;
  await page.getByTestId('gate-5').focus();
  await page.keyboard.press('Delete');
  assert.equal(await focusedId(page), 'gate-5', 'the next gate has the focus');
  let gates = (await page.evaluate(() => window.__qmlp.getDocument())).circuit.gates;
  assert.deepEqual(gates[5], before[6], 'it is the gate after the deleted one');
  assert.equal(await page.evaluate(() => window.__qmlp.app.ui.selected), 5, 'and is selected');
  await page.keyboard.press('Delete');
  assert.equal(await focusedId(page), 'gate-5');
  // The last gate: the focus goes to the one before it.
  const last = gates.length - 2;
  await page.getByTestId(`gate-${last}`).focus();
  await page.keyboard.press('Delete');
  assert.equal(await focusedId(page), `gate-${last - 1}`);
  // The inspector's Delete button: the focus goes to a gate, not to the page.
  await page.getByTestId('gate-3').click();
  await page.getByTestId('gate-delete').click();
  assert.equal(await focusedId(page), 'gate-3');
  // The only gate: the focus goes to the circuit grid.
  await page.getByTestId('clear-circuit').click();
  await page.getByTestId('palette-H').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('gate-0').focus();
  await page.keyboard.press('Delete');
  gates = (await page.evaluate(() => window.__qmlp.getDocument())).circuit.gates;
  assert.equal(gates.length, 0);
  assert.equal(await focusedId(page), 'circuit');
  assert.deepEqual(errors, []);
  await page.close();
});

test('after training, the gates\' names and tooltips give the trained angles', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const rot = page.getByTestId('gate-2');
  assert.equal(await rot.getAttribute('data-gate'), 'Rot');
  const label0 = await rot.getAttribute('aria-label');
  const expect = (g) => g.params.map((p) => `trainable θ = ${formatNumber(p.value, { digits: 4 })}`).join('; ');
  const g0 = (await page.evaluate(() => window.__qmlp.getDocument())).circuit.gates[2];
  assert.ok(label0.includes(expect(g0)), label0);
  assert.ok(label0.startsWith('Rot θ on wire 0, column 2: '), 'the name starts with what the gate shows');
  for (let i = 1; i <= 3; i += 1) {
    await page.getByTestId('step').click();
    await page.waitForFunction((e) => document.querySelector('[data-testid=epoch]').textContent === String(e), i);
  }
  const g3 = (await page.evaluate(() => window.__qmlp.getDocument())).circuit.gates[2];
  assert.notDeepEqual(g3.params, g0.params, 'the weights moved');
  const label3 = await rot.getAttribute('aria-label');
  assert.notEqual(label3, label0);
  assert.ok(label3.includes(expect(g3)), `${label3} gives ${expect(g3)}`);
  assert.ok((await rot.getAttribute('title')).includes(expect(g3)), 'the tooltip too');
  assert.deepEqual(errors, []);
  await page.close();
});
