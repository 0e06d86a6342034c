import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedraw } from '../redraw.js';

/**
 * A playground's redraw with painters that advance a fake clock by their cost (ms), recording
 * the order they ran in.
 */
function setup(costs, { playing = true } = {}) {
  let clock = 1000; // well past the state inspector's refresh interval
  const ran = [];
  const frames = [];
  const painters = Object.fromEntries(Object.entries(costs).map(([part]) => [part, () => {
    ran.push(part);
    clock += costs[part];
  }]));
  const r = createRedraw({
    painters,
    playing: () => playing,
    broken: () => false,
    onError: (e) => { throw e; },
    now: () => clock,
    raf: (f) => { frames.push(f); return frames.length; },
  });
  /** One budgeted frame: what it drew. */
  const frame = (budgetMs, parts = Object.keys(costs)) => {
    clock += 17;
    const start = clock;
    ran.length = 0;
    r.invalidate(...parts);
    r.flush({ start, budgetMs });
    return [...ran];
  };
  return { r, frame, costs, frames, ran, tick: (ms) => { clock += ms; } };
}

test('a part whose last drawing time would not fit waits for the next frame, where it goes first', () => {
  const s = setup({ state: 12, debug: 10, loss: 1, metrics: 1 });
  // Never drawn: nothing is known, so the frame draws until its budget is used (the old rule).
  assert.deepEqual(s.frame(14), ['state', 'debug', 'metrics'], 'first frame: state, then debug starts under budget');
  // Now both costs are known: state (12) and debug (10) no longer share a 14 ms frame.
  const second = s.frame(14);
  assert.equal(second[0], 'loss', 'the stalest first');
  assert.ok(!(second.includes('state') && second.includes('debug')), `two slow parts in one frame: ${second}`);
  // Whatever waited is the stalest next time and is drawn first: nothing starves.
  const seen = new Set(second);
  for (let i = 0; i < 6; i += 1) for (const p of s.frame(14)) seen.add(p);
  assert.deepEqual([...seen].sort(), ['debug', 'loss', 'metrics', 'state']);
});

test('the metrics are drawn in every frame, and the first part of a frame always', () => {
  const s = setup({ debug: 40, metrics: 1 });
  for (let i = 0; i < 4; i += 1) {
    const drew = s.frame(14);
    assert.ok(drew.includes('metrics'), `frame ${i}: ${drew}`);
    assert.ok(drew.length >= 1);
  }
  // debug costs 40 > 14 on its own: it is still drawn when it is the stalest (first of a frame).
  let debugFrames = 0;
  for (let i = 0; i < 6; i += 1) if (s.frame(14).includes('debug')) debugFrames += 1;
  assert.ok(debugFrames >= 2, `debug drawn in ${debugFrames} of 6 frames`);
});

test('one slow draw raises the expectation at once; quick ones lower it gradually', () => {
  const s = setup({ state: 3, debug: 2, metrics: 0.1 });
  s.r.invalidate('state', 'debug'); s.r.flush();
  assert.equal(s.r.expected('state'), 3);
  s.costs.state = 20;
  s.r.invalidate('state'); s.r.flush();
  assert.equal(s.r.expected('state'), 20, 'a slow draw counts at once');
  s.costs.state = 2;
  s.r.invalidate('state'); s.r.flush();
  const after = s.r.expected('state');
  assert.ok(after < 20 && after > 2, `decays, not forgotten: ${after}`);
  for (let i = 0; i < 30; i += 1) { s.r.invalidate('state'); s.r.flush(); }
  assert.ok(Math.abs(s.r.expected('state') - 2) < 0.01, 'settles on the quick cost');
});

test('without a budget (stopped) every dirty part is drawn in one flush, once', () => {
  const s = setup({ boundary: 30, loss: 20, metrics: 1, state: 25, debug: 15 }, { playing: false });
  s.r.invalidate('boundary', 'loss', 'state');
  assert.equal(s.frames.length, 1, 'stopped, an invalidation schedules one frame');
  s.r.invalidate('debug', 'loss');
  assert.equal(s.frames.length, 1, 'and only one');
  s.frames[0]();
  assert.deepEqual([...s.ran].sort(), ['boundary', 'debug', 'loss', 'state']);
  s.ran.length = 0;
  s.r.flush();
  assert.deepEqual(s.ran, [], 'nothing left dirty');
});

test('while training the state inspector is refreshed at most about 8 times a second', () => {
  const s = setup({ state: 1, metrics: 1 });
  let drawn = 0;
  for (let i = 0; i < 60; i += 1) if (s.frame(14).includes('state')) drawn += 1; // 60 frames of ~18 ms
  assert.ok(drawn >= 7 && drawn <= 10, `state drawn ${drawn} times in about a second`);
});
