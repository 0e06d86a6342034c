// Plots and numbers. The decision boundary is drawn with the data's real input names as axis
// titles and its class names in the legend (a CSV with a header and named classes), and a
// click on it is mapped back with the same options (the texts change the layout); the feature
// chips say what they mean; numbers keep their exponent in the boxes, captions and names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, drag, getDocument } from './harness.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

/** Records the options of the engine's boundary drawing and click mapping. */
function spyOnPlot(page) {
  return page.evaluate(() => {
    const { engine } = window.__qmlp.app;
    window.__plotCalls = { draw: [], map: [] };
    const draw = engine.drawBoundary.bind(engine);
    const map = engine.boundaryPixelToData.bind(engine);
    engine.drawBoundary = (c, o) => { window.__plotCalls.draw.push(structuredClone(o)); return draw(c, o); };
    engine.boundaryPixelToData = (w, h, x, y, o) => { window.__plotCalls.map.push(structuredClone(o)); return map(w, h, x, y, o); };
  });
}

test('the boundary plot is titled with the data\'s input names and its legend with the class names; clicks use the same layout', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const rows = ['petal length,petal width,species'];
  for (let i = 0; i < 60; i += 1) rows.push(`${(Math.cos(i) * 0.8).toFixed(3)},${(Math.sin(i * 1.7) * 0.8).toFixed(3)},${i % 2 ? 'versicolor' : 'setosa'}`);
  await page.getByTestId('csv-file').setInputFiles({ name: 'iris.csv', mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) });
  await page.waitForFunction(() => /Loaded 60 rows/.test(document.querySelector('[data-testid=msg-data]').textContent));
  await spyOnPlot(page);
  await page.evaluate(() => { window.__qmlp.app.invalidate('boundary'); window.__qmlp.app.flush(); });
  const drawn = await page.evaluate(() => window.__plotCalls.draw.at(-1));
  assert.deepEqual(drawn.axisTitles, ['petal length', 'petal width']);
  assert.deepEqual(drawn.classNames, ['setosa', 'versicolor']);
  assert.match(await page.getByTestId('click-add-1').getAttribute('title'), /adds a training point of versicolor/);
  await shot(page, 'plots-1-named-axes');

  // The names are drawn: the same model drawn with the default texts looks different.
  const differs = await page.evaluate((o) => {
    const pixels = (opts) => {
      const c = document.createElement('canvas');
      c.width = 280; c.height = 280;
      window.__qmlp.app.engine.pg.drawBoundary(c, opts);
      return c.toDataURL();
    };
    return pixels({ ...o, pixelRatio: 1 }) !== pixels({ ...o, pixelRatio: 1, axisTitles: undefined, classNames: undefined });
  }, drawn);
  assert.ok(differs, 'the axis titles and legend are part of the picture');

  // A click on the plot is mapped with the options it was drawn with, and adds the point there.
  await page.getByTestId('click-add-0').click();
  const box = await page.getByTestId('boundary').boundingBox();
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
  const mapped = await page.evaluate(() => window.__plotCalls.map.at(-1));
  assert.deepEqual(mapped.axisTitles, drawn.axisTitles);
  assert.deepEqual(mapped.classNames, drawn.classNames);
  const added = (await getDocument(page)).data.custom.at(-1);
  const expected = await page.evaluate(([x, y, o]) => window.__qmlp.app.engine.pg.boundaryPixelToData(280, 280, x, y, o), [Math.floor(0.6 * 280), Math.floor(0.4 * 280), mapped]);
  // Within a pixel of it (the click lands on a fraction of a CSS pixel).
  assert.ok(Math.abs(added[0] - expected[0]) < 0.02 && Math.abs(added[1] - expected[1]) < 0.02, `${added} at ${expected}`);
  assert.equal(added[2], 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the feature chips say what they mean', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  const chips = () => page.getByTestId('feature-chips').locator('.feature-chip').allTextContents();
  assert.deepEqual(await chips(), ['x₁ — read by 12 angles', 'x₂ — read by 12 angles', 'not read: x₁², x₂², x₁x₂, sin x₁, sin x₂']);
  await page.getByTestId('clear-circuit').click();
  assert.deepEqual(await chips(), ['not read: x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂']);
  assert.match(await page.getByTestId('feature-chips').textContent(), /No angle reads the data yet/);
  await drag(page, page.getByTestId('palette-RX'), page.getByTestId('cell-0-0'));
  await page.getByTestId('gi-bind-0').selectOption('feature');
  await page.getByTestId('gi-feature-0').selectOption('x1^2');
  assert.equal((await chips())[0], 'x₁² — read by 1 angle');
  assert.deepEqual(errors, []);
  await page.close();
});

test('numbers keep their exponent: the angle box, the gate caption and name, a short box', async () => {
  const { page, errors } = await openPage(env.context, env.url);
  await page.getByTestId('clear-circuit').click();
  await drag(page, page.getByTestId('palette-RX'), page.getByTestId('cell-0-1'));
  await page.getByTestId('gi-bind-0').selectOption('const');
  await page.getByTestId('gi-value-0').fill('1.90136e-9');
  await page.getByTestId('gi-value-0').press('Enter');
  assert.equal((await getDocument(page)).circuit.gates[0].params[0].value, 1.90136e-9);
  const clipped = (sel) => page.evaluate((s) => {
    const el = document.querySelector(s);
    return { text: el.value ?? el.textContent, cut: el.scrollWidth > el.clientWidth + 1 };
  }, sel);
  assert.deepEqual(await clipped('[data-testid=gi-value-0]'), { text: '1.90136e-9', cut: false }, 'the box shows the whole number');
  const cap = await clipped('[data-testid=gate-0] .box-cap');
  assert.equal(cap.text, '1.9e−9');
  assert.equal(cap.cut, false, 'the caption is not cut');
  assert.match(await page.getByTestId('gate-0').getAttribute('aria-label'), /constant 1\.9e−9/);
  // A short box (the feature scale), with fewer digits and the exponent whole.
  await page.getByTestId('gi-bind-0').selectOption('feature');
  await page.getByTestId('gi-scale-0').fill('-4.20123e-12');
  await page.getByTestId('gi-scale-0').press('Enter');
  assert.equal((await getDocument(page)).circuit.gates[0].params[0].scale, -4.20123e-12);
  assert.deepEqual(await clipped('[data-testid=gi-scale-0]'), { text: '-4.2e-12', cut: false });
  assert.equal(await page.getByTestId('gi-scale-0').getAttribute('title'), '-4.20123e-12', 'the tooltip has the full value');
  await shot(page, 'plots-2-exponents');
  assert.deepEqual(errors, []);
  await page.close();
});
