// The circuit editor, driven as a person would: real pointer drags from the palette and on the
// grid, keys, the inspector's boxes; every step checked both on screen and in the document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, drag, getDocument } from './harness.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const gates = async (page) => (await getDocument(page)).circuit.gates;

/** Opens the page and empties the circuit with the Clear button. */
async function emptyPage() {
  const opened = await openPage(env.context, env.url);
  await opened.page.click('[data-testid=clear-circuit]');
  assert.equal((await gates(opened.page)).length, 0);
  return opened;
}

test('drag H onto wire 0, move it, remove it by dragging off and by Delete, undo and redo', async () => {
  const { page, errors } = await emptyPage();
  // Palette -> wire 0, column 2.
  await drag(page, page.getByTestId('palette-H'), page.getByTestId('cell-0-2'));
  let g = page.locator('[data-testid^=gate-][data-gate=H]');
  await assert.doesNotReject(g.waitFor());
  assert.equal(await g.getAttribute('data-wire'), '0');
  assert.equal(await g.getAttribute('data-col'), '2');
  assert.deepEqual(await gates(page), [{ gate: 'H', wires: [0], col: 2 }]);
  await shot(page, 'editor-1-dropped-H');

  // Drag the placed gate to wire 1, column 4.
  await drag(page, page.getByTestId('gate-0'), page.getByTestId('cell-1-4'));
  assert.deepEqual(await gates(page), [{ gate: 'H', wires: [1], col: 4 }]);
  assert.equal(await page.getByTestId('gate-0').getAttribute('data-col'), '4');
  assert.equal(await page.getByTestId('gate-0').getAttribute('data-wire'), '1');
  await shot(page, 'editor-2-moved-H');

  // Drag it off the circuit: gone, with a message saying how to get it back.
  const off = await page.getByTestId('bloch-row').boundingBox();
  await drag(page, page.getByTestId('gate-0'), { x: off.x + 40, y: off.y + 40 });
  assert.deepEqual(await gates(page), []);
  assert.equal(await page.locator('[data-testid^=gate-][data-gate]').count(), 0);
  assert.match(await page.getByTestId('msg-circuit').textContent(), /Removed H/);

  // Undo brings it back where it was; redo removes it again; undo once more.
  await page.getByTestId('undo').click();
  assert.deepEqual(await gates(page), [{ gate: 'H', wires: [1], col: 4 }]);
  await page.getByTestId('redo').click();
  assert.deepEqual(await gates(page), []);
  await page.getByTestId('undo').click();
  assert.deepEqual(await gates(page), [{ gate: 'H', wires: [1], col: 4 }]);
  await shot(page, 'editor-3-undo');

  // Select it and press Delete; Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo.
  await page.getByTestId('gate-0').click();
  await page.keyboard.press('Delete');
  assert.deepEqual(await gates(page), []);
  await page.keyboard.press('Control+z');
  assert.deepEqual(await gates(page), [{ gate: 'H', wires: [1], col: 4 }]);
  await page.keyboard.press('Control+Shift+z');
  assert.deepEqual(await gates(page), []);
  await page.keyboard.press('Control+z');
  await page.getByTestId('gate-0').click();
  await page.keyboard.press('Backspace');
  assert.deepEqual(await gates(page), []);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+y');
  assert.deepEqual(await gates(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: arrows move the selected gate, Enter on a palette item appends it', async () => {
  const { page, errors } = await emptyPage();
  await page.getByTestId('palette-X').focus();
  await page.keyboard.press('Enter');
  assert.deepEqual(await gates(page), [{ gate: 'X', wires: [0], col: 0 }]);
  await page.getByTestId('gate-0').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await gates(page), [{ gate: 'X', wires: [1], col: 2 }]);
  // Focus stays on the moved gate, so the arrows keep working.
  await page.keyboard.press('ArrowUp');
  assert.deepEqual(await gates(page), [{ gate: 'X', wires: [0], col: 2 }]);
  // Moving off the top is refused with a message; the document is unchanged.
  await page.keyboard.press('ArrowUp');
  assert.match(await page.getByTestId('msg-circuit').textContent(), /top wire/);
  assert.deepEqual(await gates(page), [{ gate: 'X', wires: [0], col: 2 }]);
  await page.keyboard.press('Delete');
  assert.deepEqual(await gates(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a drop on an occupied cell makes room; multi-wire gates span their wires; control dots', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const before = await gates(page);
  // The default circuit has RX on wire 0, column 0: H dropped there pushes the columns right.
  await drag(page, page.getByTestId('palette-H'), page.getByTestId('cell-0-0'));
  const after1 = await gates(page);
  assert.equal(after1.length, before.length + 1);
  assert.deepEqual(after1.at(-1), { gate: 'H', wires: [0], col: 0 });
  assert.ok(after1.slice(0, -1).every((g, i) => g.col === before[i].col + 1));
  await shot(page, 'editor-4-insert-column');

  await page.getByTestId('clear-circuit').click();
  // CNOT dropped on the last wire keeps its first wire there and points upwards.
  await drag(page, page.getByTestId('palette-CNOT'), page.getByTestId('cell-3-1'));
  assert.deepEqual(await gates(page), [{ gate: 'CNOT', wires: [3, 2], col: 1 }]);
  // Toffoli on wire 0 spans wires 0..2.
  await drag(page, page.getByTestId('palette-Toffoli'), page.getByTestId('cell-0-3'));
  assert.deepEqual((await gates(page))[1], { gate: 'Toffoli', wires: [0, 1, 2], col: 3 });
  // A control dot dropped on wire 2 in the column of an RY on wire 0 controls it.
  await drag(page, page.getByTestId('palette-RY'), page.getByTestId('cell-0-5'));
  await drag(page, page.getByTestId('palette-control'), page.getByTestId('cell-2-5'));
  const ry = (await gates(page))[2];
  assert.equal(ry.gate, 'RY');
  assert.deepEqual(ry.controls, [2]);
  await shot(page, 'editor-5-multi-wire');
  // A control dot dropped where there is no single-qubit gate is refused with a message.
  await drag(page, page.getByTestId('palette-control'), page.getByTestId('cell-1-8'));
  assert.match(await page.getByTestId('msg-circuit').textContent(), /single-qubit gate/);
  assert.equal((await gates(page)).length, 3);
  // Dragging the control dot off the circuit removes the control.
  await drag(page, page.locator('[data-testid=gate-2] .ctrl.extra'), { x: 700, y: 880 });
  assert.equal((await gates(page))[2].controls, undefined);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the inspector refuses invalid numbers with a message and keeps the value', async () => {
  const { page, errors } = await emptyPage();
  await drag(page, page.getByTestId('palette-RX'), page.getByTestId('cell-1-1'));
  // A new rotation starts as a trainable weight; make it a constant.
  await page.getByTestId('gi-bind-0').selectOption('const');
  assert.deepEqual((await gates(page))[0].params, [{ kind: 'const', value: 0 }]);
  const box = page.getByTestId('gi-value-0');
  const msgNext = page.getByTestId('gi-value-0-msg');
  for (const bad of ['abc', 'NaN', '', '1e999', '--2']) {
    await box.fill(bad);
    await box.press('Enter');
    assert.match(await msgNext.textContent(), /number|finite/, `message for ${JSON.stringify(bad)}`);
    assert.equal(await box.inputValue(), '0', `box shows the kept value after ${JSON.stringify(bad)}`);
    assert.deepEqual((await gates(page))[0].params, [{ kind: 'const', value: 0 }]);
  }
  await shot(page, 'editor-6-refused-number');
  await box.fill('pi/2');
  await box.press('Enter');
  assert.equal(await msgNext.textContent(), '');
  assert.ok(Math.abs((await gates(page))[0].params[0].value - Math.PI / 2) < 1e-12);
  // Re-upload binding with a feature from the list.
  await page.getByTestId('gi-bind-0').selectOption('reupload');
  await page.getByTestId('gi-feature-0').selectOption('x1^2');
  await page.getByTestId('gi-w-0').fill('2.5');
  await page.getByTestId('gi-w-0').press('Tab');
  assert.deepEqual((await gates(page))[0].params, [{ kind: 'reupload', feature: 'x1^2', w: 2.5, b: 0 }]);
  // A wire change that the document refuses (same wire twice) shows why and changes nothing.
  await drag(page, page.getByTestId('palette-CZ'), page.getByTestId('cell-0-3'));
  await page.getByTestId('gi-wire-1').selectOption('0');
  assert.match(await page.getByTestId('msg-circuit').textContent(), /wire 0 twice/);
  assert.deepEqual((await gates(page))[1].wires, [0, 1]);
  assert.equal(await page.getByTestId('gi-wire-1').inputValue(), '1');
  await shot(page, 'editor-7-inspector');
  assert.deepEqual(errors, []);
  await page.close();
});

test('add and remove qubits; templates insert whole layers at the end', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  assert.equal(await page.getByTestId('qubit-count').textContent(), '4');
  await page.getByTestId('qubit-add').click();
  assert.equal((await getDocument(page)).circuit.qubits, 5);
  assert.equal(await page.locator('[data-testid^=wire-]').count(), 5);
  await page.getByTestId('qubit-remove').click();
  await page.getByTestId('qubit-remove').click();
  const doc = await getDocument(page);
  assert.equal(doc.circuit.qubits, 3);
  assert.ok(doc.circuit.gates.every((g) => [...g.wires, ...(g.controls ?? [])].every((w) => w < 3)));
  assert.equal(await page.locator('[data-testid^=wire-]').count(), 3);

  await page.getByTestId('clear-circuit').click();
  await page.getByTestId('template-select').selectOption('basic_entangler');
  await page.getByTestId('template-insert').click();
  let gs = await gates(page);
  // 3 RX(θ) in column 0, then a CNOT ring 0→1, 1→2, 2→0 in columns 1..3.
  assert.deepEqual(gs.map((g) => g.gate), ['RX', 'RX', 'RX', 'CNOT', 'CNOT', 'CNOT']);
  assert.deepEqual(gs.map((g) => g.col), [0, 0, 0, 1, 2, 3]);
  await page.getByTestId('template-select').selectOption('reupload');
  await page.getByTestId('template-insert').click();
  gs = await gates(page);
  assert.equal(gs.length, 6 + 9 + 3);
  assert.ok(gs.slice(6).every((g) => g.col >= 4), 'the second layer starts after the first');
  await shot(page, 'editor-8-templates');
  // One undo removes the whole layer.
  await page.getByTestId('undo').click();
  assert.equal((await gates(page)).length, 6);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a touch drag places a gate too (touch input through the browser, pointerType "touch")', async () => {
  const { page, errors } = await emptyPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  await page.evaluate(() => {
    window.__pointerTypes = new Set();
    document.addEventListener('pointerdown', (e) => window.__pointerTypes.add(e.pointerType), true);
  });
  const a = await page.getByTestId('palette-Y').boundingBox();
  const b = await page.getByTestId('cell-2-3').boundingBox();
  const from = { x: a.x + a.width / 2, y: a.y + a.height / 2 };
  const to = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
  for (let i = 1; i <= 10; i += 1) {
    const p = { x: from.x + ((to.x - from.x) * i) / 10, y: from.y + ((to.y - from.y) * i) / 10 };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForFunction(() => window.__qmlp.getDocument().circuit.gates.length === 1);
  assert.deepEqual(await gates(page), [{ gate: 'Y', wires: [2], col: 3 }]);
  assert.deepEqual(await page.evaluate(() => [...window.__pointerTypes]), ['touch']);
  assert.deepEqual(errors, []);
  await page.close();
});
