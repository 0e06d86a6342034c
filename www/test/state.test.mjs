// DocumentStore: every change goes through the engine's `apply`, refused changes change
// nothing, undo and redo travel with weights, coalesced edits share one history entry.
import test from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStore } from '../state.js';

/** A stand-in for the engine: normalises (sorted keys), refuses negative `x`. */
function engine() {
  const seen = [];
  const apply = (json) => {
    const d = JSON.parse(json);
    if (d.x < 0) throw Object.assign(new Error('x: must not be negative'), { path: 'x', detail: 'must not be negative' });
    const out = JSON.stringify(d, Object.keys(d).sort());
    seen.push(out);
    return { json: out, kept: false, note: d.note ?? null };
  };
  return { apply, seen };
}

test('an edit goes to the engine once and lands with one history entry', () => {
  const e = engine();
  const s = new DocumentStore({ apply: e.apply, json: '{"x":1}' });
  const events = [];
  s.subscribe((ev) => events.push(ev.reason));
  assert.equal(s.edit((d) => { d.x = 2; }), true);
  assert.equal(e.seen.length, 1);
  assert.equal(s.doc.x, 2);
  assert.deepEqual(events, ['edit']);
  assert.equal(s.canUndo, true);
  // An edit that changes nothing is not sent.
  assert.equal(s.edit(() => {}), false);
  assert.equal(e.seen.length, 1);
});

test('a refused edit throws and changes nothing', () => {
  const e = engine();
  const s = new DocumentStore({ apply: e.apply, json: '{"x":1}' });
  assert.throws(() => s.edit((d) => { d.x = -1; }), (err) => err.path === 'x');
  assert.equal(s.doc.x, 1);
  assert.equal(s.canUndo, false);
  assert.throws(() => s.edit(() => { throw new Error('the mutator refuses'); }), /mutator refuses/);
  assert.equal(s.doc.x, 1);
});

test('undo and redo bring documents back through the engine', () => {
  const e = engine();
  const s = new DocumentStore({ apply: e.apply, json: '{"x":1}' });
  s.edit((d) => { d.x = 2; });
  s.edit((d) => { d.x = 3; });
  // Trained weights copied in: no history entry, nothing sent.
  s.absorb('{"w":0.5,"x":3}');
  assert.equal(e.seen.length, 2);
  assert.equal(s.undo(), true);
  assert.equal(s.doc.x, 2);
  assert.equal(e.seen.at(-1), '{"x":2}');
  assert.equal(s.redo(), true);
  assert.deepEqual(s.doc, { w: 0.5, x: 3 }, 'redo brings back the document with its weights');
  assert.equal(s.undo(), true);
  assert.equal(s.undo(), true);
  assert.equal(s.undo(), false, 'nothing more to undo');
  assert.equal(s.doc.x, 1);
});

test('coalesced edits (a slider) share one history entry; the engine note reaches listeners', () => {
  const e = engine();
  const s = new DocumentStore({ apply: e.apply, json: '{"x":1}' });
  let outcome = null;
  s.subscribe((ev) => { outcome = ev.outcome; });
  for (const v of [2, 3, 4]) s.edit((d) => { d.x = v; }, { coalesce: 'slider' });
  assert.equal(s.past.length, 1);
  s.undo();
  assert.equal(s.doc.x, 1);
  s.load('{"note":"Edited: added RX","x":9}');
  assert.equal(outcome.note, 'Edited: added RX');
  assert.equal(s.doc.x, 9);
});
