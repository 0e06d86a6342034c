import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMessage, toPage, toWorker } from '../messages.js';

test('every constructor builds a message its direction accepts', () => {
  for (const m of [toWorker.play(1, '{}', 16), toWorker.document(2, '{}'), toWorker.pause()]) {
    assert.equal(checkMessage('toWorker', m), m);
  }
  for (const m of [toPage.ready(), toPage.update(1, '{}', { epoch: 3 }), toPage.paused(1, '{}'), toPage.failed('x'), toPage.panic('y')]) {
    assert.equal(checkMessage('toPage', m), m);
  }
});

test('unknown and malformed messages are refused with a clear error', () => {
  assert.throws(() => checkMessage('toWorker', null), /must be an object with a type, not null/);
  assert.throws(() => checkMessage('toWorker', 'play'), /not string/);
  assert.throws(() => checkMessage('toWorker', { type: 'train' }), /unknown message type "train" \(expected one of play, document, pause\)/);
  assert.throws(() => checkMessage('toWorker', { type: 'toString' }), /unknown message type/);
  // A page message sent to the worker is refused there.
  assert.throws(() => checkMessage('toWorker', toPage.ready()), /unknown message type "ready"/);
  assert.throws(() => checkMessage('toWorker', toWorker.play(1, '{}', NaN)), /field sliceMs must be a finite number/);
  assert.throws(() => checkMessage('toWorker', { type: 'document', seq: 1 }), /field json must be a string/);
  assert.throws(() => checkMessage('toPage', { type: 'update', seq: 1, snapshot: '{}', result: null }), /field result must be an object/);
  assert.throws(() => checkMessage('toWorker', { type: 'pause', extra: 1 }), /unexpected field extra/);
  assert.throws(() => checkMessage('sideways', toWorker.pause()), /unknown message direction/);
});
