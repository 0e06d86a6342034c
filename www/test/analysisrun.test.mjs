// The analysis driver: one bounded step per frame, pause/resume, cancel frees the runner, the
// result handed over once finished, an error stops it; progress in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisDriver, progressText } from '../analysisrun.js';

function frames() {
  const queue = new Map();
  let next = 1;
  return {
    raf: (f) => { queue.set(next, f); return next++; },
    caf: (id) => { queue.delete(id); },
    pending: () => queue.size,
    tick() {
      const fs = [...queue.values()];
      queue.clear();
      for (const f of fs) f(0);
    },
  };
}

function fakeRunner(total, { failAt = null } = {}) {
  const r = {
    done: 0, freed: false, budgets: [],
    step(ms) {
      r.budgets.push(ms);
      if (failAt != null && r.done >= failAt) return { done: r.done, total, fraction: r.done / total, finished: false, error: 'out of memory' };
      r.done = Math.min(total, r.done + 1);
      return { done: r.done, total, fraction: r.done / total, finished: r.done === total, error: null };
    },
    result() { if (r.done < total) throw new Error('not finished'); return '{"kind":"landscape"}'; },
    free() { r.freed = true; },
  };
  return r;
}

test('one step per frame with the budget, the result once finished, the runner freed', () => {
  const f = frames();
  const seen = [];
  let done = null;
  const d = new AnalysisDriver({ ...f, now: () => 0, budgetMs: 6, onProgress: (p) => seen.push(p.done), onDone: (j, s) => { done = [j, s.frames]; } });
  const r = fakeRunner(3);
  d.run(r);
  assert.equal(d.state, 'running');
  assert.deepEqual(seen, [], 'nothing happens before the first frame');
  f.tick(); f.tick();
  assert.deepEqual(seen, [1, 2]);
  assert.equal(done, null);
  f.tick();
  assert.deepEqual(done, ['{"kind":"landscape"}', 3]);
  assert.deepEqual(r.budgets, [6, 6, 6]);
  assert.ok(r.freed);
  assert.equal(d.state, 'idle');
  assert.equal(f.pending(), 0);
});

test('pause stops the frames, resume goes on, cancel frees and reports nothing', () => {
  const f = frames();
  const states = [];
  let done = false;
  const d = new AnalysisDriver({ ...f, now: () => 0, onState: (s) => states.push(s), onDone: () => { done = true; } });
  const r = fakeRunner(5);
  d.run(r);
  f.tick();
  d.pause();
  f.tick(); f.tick();
  assert.equal(r.done, 1, 'no work while paused');
  d.resume();
  f.tick();
  assert.equal(r.done, 2);
  d.cancel();
  f.tick();
  assert.equal(r.done, 2);
  assert.ok(r.freed);
  assert.equal(done, false);
  assert.deepEqual(states, ['running', 'paused', 'running', 'idle']);
  // A new run replaces a running one, freeing it.
  const a = fakeRunner(4);
  const b = fakeRunner(4);
  d.run(a);
  d.run(b);
  assert.ok(a.freed && !b.freed);
});

test('an error (returned or thrown) stops the analysis with its message', () => {
  const f = frames();
  const errors = [];
  const d = new AnalysisDriver({ ...f, now: () => 0, onError: (m) => errors.push(m) });
  const r = fakeRunner(5, { failAt: 1 });
  d.run(r);
  f.tick(); f.tick();
  assert.deepEqual(errors, ['out of memory']);
  assert.ok(r.freed);
  assert.equal(d.state, 'idle');
  const t = { step() { throw new Error('engine panicked'); }, free() {} };
  d.run(t);
  f.tick();
  assert.deepEqual(errors, ['out of memory', 'engine panicked']);
});

test('the longest step is measured with the given clock', () => {
  const f = frames();
  let clock = 0;
  const d = new AnalysisDriver({ ...f, now: () => clock });
  const r = fakeRunner(2);
  const step = r.step;
  const costs = [3, 9];
  r.step = (ms) => { clock += costs.shift(); return step(ms); };
  d.run(r);
  f.tick(); f.tick();
  assert.equal(d.stats.longestStepMs, 9);
  assert.equal(d.stats.workMs, 12);
  assert.equal(d.stats.frames, 2);
});

test('progress in words', () => {
  assert.equal(progressText({ done: 120, total: 400, fraction: 0.374 }), '37% (120 of 400)');
  assert.equal(progressText({ done: 5, total: 5, fraction: 1.2 }), '100% (5 of 5)');
  assert.equal(progressText(null), '');
});
