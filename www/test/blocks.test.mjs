// blocks.js: the dense-stack edits on a draft document (a layer whose input or output width
// changes starts with fresh weights) and plots.js: the boundary's axis titles for a chosen
// plane and the confusion matrix's shades.
import test from 'node:test';
import assert from 'node:assert/strict';
import { denseOps } from '../blocks.js';
import { plotLabels, shade } from '../plots.js';

const layer = (units, n) => ({ units, activation: 'tanh', weights: Array(n).fill(0.1), bias: Array(units).fill(0) });

test('a pre-net layer is added at the end, a post-net layer before the output layer', () => {
  const d = { pre_net: [layer(4, 16)], post_net: [layer(3, 12)] };
  denseOps.add(d, 'pre_net', 2, 'relu');
  assert.deepEqual(d.pre_net.map((l) => [l.units, l.activation]), [[4, 'tanh'], [2, 'relu']]);
  assert.ok(d.pre_net[0].weights, 'the first layer keeps its weights');
  denseOps.add(d, 'post_net', 5, 'tanh');
  assert.deepEqual(d.post_net.map((l) => l.units), [5, 3]);
  assert.equal(d.post_net[1].weights, undefined, 'the output layer reads 5 values now: fresh');
  const e = {};
  denseOps.add(e, 'post_net', 4, 'linear');
  assert.deepEqual(e.post_net, [{ units: 4, activation: 'linear' }]);
});

test('resizing or removing a layer refreshes it and the layer after it, not the others', () => {
  const d = { pre_net: [layer(4, 16), layer(4, 16), layer(2, 8)] };
  denseOps.setUnits(d, 'pre_net', 1, 6);
  assert.deepEqual(d.pre_net.map((l) => l.units), [4, 6, 2]);
  assert.deepEqual(d.pre_net.map((l) => !!l.weights), [true, false, false]);
  const e = { pre_net: [layer(4, 16), layer(4, 16), layer(2, 8)] };
  denseOps.remove(e, 'pre_net', 0);
  assert.deepEqual(e.pre_net.map((l) => !!l.weights), [false, true]);
  denseOps.setActivation(e, 'pre_net', 1, 'sigmoid');
  assert.equal(e.pre_net[1].activation, 'sigmoid');
  assert.ok(e.pre_net[1].weights, 'an activation keeps the weights');
});

test('the axis titles follow the chosen plane; shades go from white to the full blue', () => {
  const m = { columns: ['sepal length', 'sepal width', 'petal length', 'petal width'], classes: 3, classNames: ['setosa', '1'] };
  assert.deepEqual(plotLabels(m).axisTitles, ['sepal length', 'sepal width']);
  assert.deepEqual(plotLabels(m, [2, 3]).axisTitles, ['petal length', 'petal width']);
  assert.deepEqual(plotLabels({ columns: ['a'] }, [0, 0]).axisTitles, ['a', 'a']);
  assert.deepEqual(plotLabels(m).classNames, ['setosa', 'class 1', 'class 2']);
  assert.equal(shade(0), 'rgb(255, 255, 255)');
  assert.equal(shade(1), 'rgb(110, 155, 220)');
  assert.equal(shade(NaN), shade(0));
  assert.equal(shade(2), shade(1));
});
