// editor/ops.js: circuit edits on a draft document, and the layout rule (gate spans never
// overlap in a column).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../editor/ops.js';

const doc = (qubits, gates = []) => ({ circuit: { qubits, gates } });

test('placing gates keeps every column free of overlaps', () => {
  const d = doc(3);
  ops.appendGate(d, { name: 'H', wires: 1, params: 0 }, 0);
  ops.appendGate(d, { name: 'CNOT', wires: 2, params: 0 }, 0);
  assert.equal(d.circuit.gates.length, 2);
  for (const [i, a] of d.circuit.gates.entries()) {
    for (const b of d.circuit.gates.slice(i + 1)) {
      if (a.col !== b.col) continue;
      const [alo, ahi] = ops.spanOf(a);
      const [blo, bhi] = ops.spanOf(b);
      assert.ok(ahi < blo || bhi < alo, 'spans in one column do not overlap');
    }
  }
  assert.equal(ops.nextCol(d.circuit.gates), Math.max(...d.circuit.gates.map((g) => g.col)) + 1);
});

test('qubits: at most the page limit, removing a wire removes its gates', () => {
  const d = doc(2, [{ gate: 'H', wires: [1], col: 0 }, { gate: 'H', wires: [0], col: 0 }]);
  ops.addQubit(d, 3);
  assert.equal(d.circuit.qubits, 3);
  assert.throws(() => ops.addQubit(d, 3), /at most 3 qubits/);
  assert.equal(ops.removeQubit(d), 0);
  assert.equal(ops.removeQubit(d), 1);
  assert.deepEqual(d.circuit.gates, [{ gate: 'H', wires: [0], col: 0 }]);
  assert.throws(() => ops.removeQubit(d), /at least one qubit/);
});

test('columns compact in order; bindings convert keeping what makes sense', () => {
  const d = doc(1, [{ gate: 'H', wires: [0], col: 7 }, { gate: 'H', wires: [0], col: 3 }]);
  ops.compactColumns(d);
  assert.deepEqual(d.circuit.gates.map((g) => g.col), [1, 0]);
  assert.deepEqual(ops.convertBinding({ kind: 'weight', value: 0.4 }, 'const'), { kind: 'const', value: 0.4 });
  assert.deepEqual(ops.convertBinding({ kind: 'feature', feature: 'h2', scale: 2 }, 'reupload'), { kind: 'reupload', feature: 'h2', w: 1, b: 0 });
  assert.throws(() => ops.convertBinding({ kind: 'const', value: 0 }, 'nope'), /unknown binding/);
});
