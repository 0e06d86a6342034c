import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMessage, fromAnalysis, fromHelper, toAnalysis, toHelper, toPage, toWorker } from '../messages.js';

test('every constructor builds a message its direction accepts', () => {
  for (const m of [toWorker.play(1, '{}', 16), toWorker.setup(2, true), toWorker.document(2, '{}'), toWorker.pause(), toWorker.view(32, 48, 0, 1, false), toWorker.viewOf(3, '{}', 0.1), toWorker.work(4, '{}', 'epoch', 16), toWorker.work(5, '{}', 'settle', 16)]) {
    assert.equal(checkMessage('toWorker', m), m);
  }
  for (const m of [toPage.ready(), toPage.update(1, '{}', { epoch: 3 }), toPage.paused(1, '{}'), toPage.failed('x'), toPage.panic('y'), toPage.helpers(1, 0), toPage.view(1, true, { gridN: 16 }, 12.5), toPage.worked(4, '{}', { epoch: 1 })]) {
    assert.equal(checkMessage('toPage', m), m);
  }
});

test('unknown and malformed messages are refused with a clear error', () => {
  assert.throws(() => checkMessage('toWorker', null), /must be an object with a type, not null/);
  assert.throws(() => checkMessage('toWorker', 'play'), /not string/);
  assert.throws(() => checkMessage('toWorker', { type: 'train' }), /unknown message type "train" \(expected one of setup, play, document, pause, view, viewOf, work\)/);
  assert.throws(() => checkMessage('toWorker', { type: 'toString' }), /unknown message type/);
  // A page message sent to the worker is refused there.
  assert.throws(() => checkMessage('toWorker', toPage.ready()), /unknown message type "ready"/);
  assert.throws(() => checkMessage('toWorker', toWorker.play(1, '{}', NaN)), /field sliceMs must be a finite number/);
  assert.throws(() => checkMessage('toWorker', { type: 'document', seq: 1 }), /field json must be a string/);
  assert.throws(() => checkMessage('toPage', { type: 'update', seq: 1, snapshot: '{}', result: null }), /field result must be an object/);
  assert.throws(() => checkMessage('toWorker', { type: 'pause', extra: 1 }), /unexpected field extra/);
  // The plane's inputs count from 0; the grid sizes from 1.
  assert.throws(() => checkMessage('toWorker', toWorker.view(32, 48, -1, 1, false)), /field horizontal must be a whole number of at least 0/);
  assert.throws(() => checkMessage('toWorker', toWorker.view(0, 48, 0, 1, false)), /field gridN must be a whole number of at least 1/);
  assert.throws(() => checkMessage('toPage', toPage.view(1, 'yes', {}, 1)), /field final must be true or false/);
  assert.throws(() => checkMessage('toPage', toPage.view(1, true, {}, NaN)), /field ms must be a finite number/);
  assert.throws(() => checkMessage('toWorker', toWorker.viewOf(1, null, 0.1)), /message "viewOf": field snapshot must be a string/);
  // Stopped work is one epoch or the evaluation still owed, nothing else.
  assert.throws(() => checkMessage('toWorker', toWorker.work(1, '{}', 'train', 16)), /field action must be "epoch" or "settle"/);
  assert.throws(() => checkMessage('toWorker', toWorker.work(1, '{}', 'epoch', Infinity)), /field msPerCell must be a finite number/);
  assert.throws(() => checkMessage('toPage', { type: 'worked', seq: 1, snapshot: '{}' }), /field result must be an object/);
  assert.throws(() => checkMessage('toWorker', toPage.worked(1, '{}', {})), /unknown message type "worked"/);
  assert.throws(() => checkMessage('sideways', toWorker.pause()), /unknown message direction/);
});

test('the helper messages are built and checked like the others', () => {
  const shards = toHelper.shards(3, new Float64Array([0.5, 1]), [new Uint32Array([0, 1]), new Uint32Array([2])]);
  for (const m of [toHelper.document('{}'), shards]) assert.equal(checkMessage('toHelper', m), m);
  const results = fromHelper.results(3, [1.5, NaN], [12, 34], new Float64Array(4));
  for (const m of [fromHelper.ready(), results, fromHelper.failed('x'), fromHelper.panic('y')]) {
    assert.equal(checkMessage('fromHelper', m), m);
  }
  // Typed arrays where typed arrays travel (they are transferred, not copied).
  assert.throws(() => checkMessage('toHelper', { ...shards, params: [0.5, 1] }), /field params must be a Float64Array/);
  assert.throws(() => checkMessage('toHelper', { ...shards, shards: [[0, 1]] }), /field shards must be an array of Uint32Arrays/);
  assert.throws(() => checkMessage('fromHelper', { ...results, losses: ['1'] }), /field losses must be an array of numbers/);
  assert.throws(() => checkMessage('fromHelper', { ...results, grads: null }), /field grads must be a Float64Array/);
  assert.throws(() => checkMessage('toHelper', toWorker.pause()), /unknown message type "pause" \(expected one of document, shards, rows\)/);
  // A final view's rows: asked by plane and range, answered as typed arrays.
  assert.equal(checkMessage('toHelper', toHelper.rows(4, 48, 0, 1, false, 24, 48)).type, 'rows');
  assert.throws(() => checkMessage('toHelper', toHelper.rows(4, 0, 0, 1, false, 0, 1)), /field gridN must be a whole number of at least 1/);
  assert.throws(() => checkMessage('toHelper', toHelper.rows(4, 8, 0, 1, false, -1, 1)), /field from must be a whole number of at least 0/);
  for (const classes of [null, new Uint32Array(4)]) assert.equal(checkMessage('fromHelper', fromHelper.gridRows(4, new Float64Array(4), classes)).type, 'gridRows');
  assert.throws(() => checkMessage('fromHelper', fromHelper.gridRows(4, [0.5], null)), /field values must be a Float64Array/);
  assert.throws(() => checkMessage('fromHelper', fromHelper.gridRows(4, new Float64Array(1), [0])), /field classes must be a Uint32Array or null/);
  assert.throws(() => checkMessage('fromHelper', toPage.update(1, '{}', {})), /unknown message type "update"/);
  // The number of workers is a whole number of at least one.
  for (const bad of [0, 1.5, NaN, '2']) {
    assert.throws(() => checkMessage('toWorker', toWorker.setup(bad, false)), /field workers must be a whole number of at least 1/);
  }
  assert.throws(() => checkMessage('toWorker', toWorker.setup(2, 'yes')), /field always must be true or false/);
});

test('the analysis worker\'s messages are built and checked like the others', () => {
  for (const m of [toAnalysis.start(1, '{}', new Float64Array(2), 'barren', { samples: 50 }), toAnalysis.pause(1), toAnalysis.resume(1), toAnalysis.cancel(1)]) {
    assert.equal(checkMessage('toAnalysis', m), m);
  }
  for (const m of [fromAnalysis.ready(), fromAnalysis.progress(1, { done: 1 }), fromAnalysis.done(1, '{}', { slices: 2 }), fromAnalysis.error(1, 'x'), fromAnalysis.failed('y'), fromAnalysis.panic('z')]) {
    assert.equal(checkMessage('fromAnalysis', m), m);
  }
  assert.throws(() => checkMessage('toAnalysis', toAnalysis.start(1, '{}', new Float64Array(0), 'kernel', {})), /field kind must be "barren", "landscape" or "expressibility"/);
  assert.throws(() => checkMessage('toAnalysis', toAnalysis.start(1, '{}', new Float64Array(0), 'barren', null)), /field options must be an object/);
  assert.throws(() => checkMessage('fromAnalysis', { type: 'done', seq: 1, result: {}, stats: {} }), /field result must be a string/);
  assert.throws(() => checkMessage('toAnalysis', toAnalysis.start(1, '{}', [0.5], 'barren', {})), /field path must be a Float64Array/);
  assert.deepEqual(checkMessage('toAnalysis', toAnalysis.start(1, '{}', new Float64Array(0), 'barren', {}, [1, 2])).shard, [1, 2]);
  for (const bad of [[2, 2], [0], [-1, 2], [0, 65], [0.5, 2], 'all']) {
    assert.throws(() => checkMessage('toAnalysis', toAnalysis.start(1, '{}', new Float64Array(0), 'barren', {}, bad)), /field shard must be null or \[index, count\]/);
  }
  assert.throws(() => checkMessage('toAnalysis', toWorker.pause()), /unknown message type "pause"|field seq must be a finite number/);
});
