// The analysis driver: one bounded step per frame, pause/resume, cancel frees the runner, the
// result handed over once finished, an error stops it; progress in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisDriver, WorkerAnalysisDriver, progressText } from '../analysisrun.js';
import { fromAnalysis } from '../messages.js';

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

// A stand-in for the analysis worker: records what the page posts; the test answers for it.
function fakeWorker() {
  const w = {
    sent: [], terminated: false, onmessage: null, onerror: null,
    postMessage(m) { w.sent.push(m); },
    terminate() { w.terminated = true; },
    answer(m) { w.onmessage({ data: m }); },
  };
  return w;
}

const spec = (kind = 'landscape') => ({ snapshot: '{"v":2}', path: new Float64Array([0.5, 1]), kind, options: { resolution: 9 }, progress: { done: 0, total: 3, fraction: 0, finished: false } });

test('the worker driver: start, progress, the result with the worker\'s slices, one analysis at a time', () => {
  const w = fakeWorker();
  const seen = [];
  const states = [];
  let done = null;
  const d = new WorkerAnalysisDriver({ makeWorker: () => w, now: () => 0, onProgress: (p) => seen.push(p.done), onState: (s) => states.push(s), onDone: (json, stats) => { done = { json, stats }; } });
  d.run(spec());
  assert.deepEqual(w.sent.map((m) => m.type), ['start']);
  assert.equal(w.sent[0].kind, 'landscape');
  assert.deepEqual(w.sent[0].options, { resolution: 9 });
  assert.deepEqual(seen, [0], 'the first report at once');
  const seq = w.sent[0].seq;
  w.answer(fromAnalysis.ready());
  w.answer(fromAnalysis.progress(seq, { done: 1, total: 3, fraction: 1 / 3, finished: false }));
  // A report of an analysis replaced since is not this one's.
  w.answer(fromAnalysis.progress(seq - 1, { done: 2, total: 3, fraction: 2 / 3, finished: false }));
  assert.deepEqual(seen, [0, 1]);
  w.answer(fromAnalysis.done(seq, '{"kind":"landscape"}', { slices: 3, longestSliceMs: 24, workMs: 70 }));
  assert.equal(done.json, '{"kind":"landscape"}');
  assert.equal(done.stats.frames, 3);
  assert.equal(done.stats.longestStepMs, 24);
  assert.deepEqual(states, ['running', 'idle']);
  // Starting again while one runs cancels it in the worker first.
  d.run(spec('barren'));
  d.run(spec('expressibility'));
  assert.deepEqual(w.sent.slice(1).map((m) => m.type), ['start', 'cancel', 'start']);
  assert.equal(w.sent[2].seq, w.sent[1].seq);
});

test('the worker driver: paused, nothing a late slice reports is shown until Resume; Cancel drops it', () => {
  const w = fakeWorker();
  const seen = [];
  let done = null;
  const d = new WorkerAnalysisDriver({ makeWorker: () => w, now: () => 0, onProgress: (p) => seen.push(p.done), onDone: (json) => { done = json; } });
  d.run(spec());
  const seq = w.sent[0].seq;
  d.pause();
  assert.deepEqual(w.sent.map((m) => m.type), ['start', 'pause']);
  w.answer(fromAnalysis.progress(seq, { done: 3, total: 3, fraction: 1, finished: true }));
  w.answer(fromAnalysis.done(seq, '{"kind":"landscape"}', { slices: 1, longestSliceMs: 20, workMs: 20 }));
  assert.deepEqual(seen, [0], 'paused: no progress shown');
  assert.equal(done, null);
  assert.equal(d.state, 'paused');
  d.resume();
  assert.deepEqual(seen, [0, 3]);
  assert.equal(done, '{"kind":"landscape"}');
  assert.equal(d.state, 'idle');
  d.run(spec());
  const seq2 = w.sent.at(-1).seq;
  d.cancel();
  assert.equal(w.sent.at(-1).type, 'cancel');
  w.answer(fromAnalysis.done(seq2, '{}', { slices: 1, longestSliceMs: 1, workMs: 1 }));
  assert.equal(done, '{"kind":"landscape"}', 'a cancelled analysis stores nothing');
});

test('the worker driver: an error is reported; a worker that cannot start or panics hands its analysis back', () => {
  const w = fakeWorker();
  const errors = [];
  const lost = [];
  const d = new WorkerAnalysisDriver({ makeWorker: () => w, now: () => 0, onError: (m) => errors.push(m), onLost: (s) => lost.push(s.kind) });
  d.run(spec());
  w.answer(fromAnalysis.error(w.sent[0].seq, 'unknown option \'x\''));
  assert.deepEqual(errors, ['unknown option \'x\'']);
  assert.equal(d.state, 'idle');
  d.run(spec('barren'));
  w.answer(fromAnalysis.panic('unreachable'));
  assert.deepEqual(lost, ['barren']);
  assert.equal(w.terminated, true);
  assert.equal(d.usable, false);
  assert.equal(d.state, 'idle');
  // Module workers refused here: the analysis goes back at once.
  const none = new WorkerAnalysisDriver({ makeWorker: () => { throw new Error('SecurityError'); }, onLost: (s) => lost.push(s.kind) });
  none.run(spec('expressibility'));
  assert.deepEqual(lost, ['barren', 'expressibility']);
  assert.equal(none.usable, false);
});

test('the worker driver over k workers: shard i of k to worker i, progress combined, shards absorbed in order', () => {
  const ws = [fakeWorker(), fakeWorker(), fakeWorker()];
  let made = 0;
  const absorbed = [];
  let freed = 0;
  const merger = () => ({ absorb(j) { absorbed.push(j); }, result: () => `merged:${absorbed.join('+')}`, free() { freed += 1; } });
  const seen = [];
  let done = null;
  const d = new WorkerAnalysisDriver({ count: 3, makeWorker: () => ws[made++], now: () => 0, onProgress: (p) => seen.push(p), onDone: (json, stats) => { done = { json, stats }; } });
  d.run({ ...spec('barren'), merger: merger() });
  assert.equal(made, 3);
  assert.deepEqual(ws.map((w) => w.sent[0].shard), [[0, 3], [1, 3], [2, 3]]);
  const seq = ws[0].sent[0].seq;
  ws[1].answer(fromAnalysis.progress(seq, { done: 4, total: 4, fraction: 1, finished: true }));
  assert.deepEqual(seen.at(-1), { done: 4, total: 4, fraction: 1 / 3, finished: false });
  // The shards finish out of order; they are put together in order once all are in.
  ws[2].answer(fromAnalysis.done(seq, 'c', { slices: 2, longestSliceMs: 30, workMs: 50 }));
  ws[0].answer(fromAnalysis.done(seq, 'a', { slices: 1, longestSliceMs: 20, workMs: 20 }));
  assert.equal(done, null);
  ws[1].answer(fromAnalysis.done(seq, 'b', { slices: 4, longestSliceMs: 25, workMs: 90 }));
  assert.deepEqual(absorbed, ['a', 'b', 'c']);
  assert.equal(done.json, 'merged:a+b+c');
  assert.deepEqual([done.stats.frames, done.stats.longestStepMs, done.stats.workMs, done.stats.workers], [7, 30, 160, 3]);
  assert.equal(freed, 1, 'the merger is freed');
  // Pause and Cancel reach every worker; one worker's error stops them all.
  d.run({ ...spec(), merger: merger() });
  d.pause();
  d.cancel();
  assert.deepEqual(ws.map((w) => w.sent.slice(1).map((m) => m.type)), Array(3).fill(['start', 'pause', 'cancel']));
  assert.equal(freed, 2);
  const errors = [];
  d.onError = (m) => errors.push(m);
  d.run({ ...spec(), merger: merger() });
  ws[1].answer(fromAnalysis.error(ws[1].sent.at(-1).seq, 'a gradient is not a finite number'));
  assert.deepEqual(errors, ['a gradient is not a finite number']);
  assert.deepEqual(ws.map((w) => w.sent.at(-1).type), ['cancel', 'cancel', 'cancel']);
  assert.equal(freed, 3);
  // Without a merger (or with one worker) a worker computes the whole analysis.
  d.run(spec());
  assert.equal(ws[0].sent.at(-1).shard, null);
  assert.equal(ws[1].sent.at(-1).type, 'cancel');
});

test('the worker driver over k workers: a shard that does not fit is an error; a lost worker hands the analysis back', () => {
  const ws = [fakeWorker(), fakeWorker()];
  let made = 0;
  const errors = [];
  const lost = [];
  const d = new WorkerAnalysisDriver({ count: 2, makeWorker: () => ws[made++], now: () => 0, onError: (m) => errors.push(m), onLost: (s) => lost.push(s) });
  const bad = { absorb() { throw new Error('the shard starts at item 5, but the analysis stands at item 0'); }, result: () => '', free() {} };
  d.run({ ...spec(), merger: bad });
  const seq = ws[0].sent[0].seq;
  for (const w of ws) w.answer(fromAnalysis.done(seq, '{}', { slices: 1, longestSliceMs: 1, workMs: 1 }));
  assert.match(errors[0], /could not be put together: the shard starts at item 5/);
  d.run({ ...spec('barren'), merger: bad });
  ws[1].answer(fromAnalysis.panic('unreachable'));
  assert.equal(lost.length, 1);
  assert.equal(lost[0].kind, 'barren');
  assert.equal(lost[0].merger, null, 'the page starts its own runner');
  assert.ok(ws.every((w) => w.terminated));
  // Only one worker can start: it computes the whole analysis.
  let n = 0;
  const one = fakeWorker();
  const d1 = new WorkerAnalysisDriver({ count: 4, makeWorker: () => { if (n++ > 0) throw new Error('no more'); return one; } });
  d1.run({ ...spec(), merger: bad });
  assert.equal(one.sent[0].shard, null);
  assert.equal(d1.usable, true);
});
