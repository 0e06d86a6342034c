import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CAP, MAX_WORKERS, workerChoice } from '../workers.js';

const workerCount = (href, cores) => workerChoice(href, cores).workers;

test('the cores decide, capped, unless the address asks for a number', () => {
  assert.equal(workerCount('https://x.test/', 2), 2);
  assert.equal(workerCount('https://x.test/', 16), DEFAULT_CAP);
  assert.equal(workerCount('https://x.test/', undefined), 1);
  assert.equal(workerCount('https://x.test/', 0), 1);
  assert.equal(workerCount('https://x.test/?workers=1', 8), 1);
  assert.equal(workerCount('https://x.test/?embed&workers=3#json:{}', 2), 3);
  assert.equal(workerCount('https://x.test/?workers=64', 2), MAX_WORKERS);
  // Nonsense is ignored: the default applies.
  for (const q of ['?workers=0', '?workers=-2', '?workers=1.5', '?workers=two', '?workers=']) {
    assert.equal(workerCount(`https://x.test/${q}`, 2), 2, q);
  }
  // Only the query counts, not the document in the hash.
  assert.equal(workerCount('https://x.test/#json:{"a":"&workers=5"}', 2), 2);
});

test('asked for in the address, every batch that splits is shared; by default only those worth it', () => {
  assert.deepEqual(workerChoice('https://x.test/?workers=2', 8), { workers: 2, always: true });
  assert.deepEqual(workerChoice('https://x.test/', 8), { workers: DEFAULT_CAP, always: false });
  assert.deepEqual(workerChoice('https://x.test/?workers=zero', 2), { workers: 2, always: false });
});
