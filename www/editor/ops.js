// Circuit edits as plain functions on a draft document (the store validates the result).
// They keep the editor's one layout rule: in a column, the wire spans of two gates (from their
// lowest to their highest wire, controls included) never overlap, so the drawing is never
// ambiguous. A drop onto an occupied cell makes room by inserting a column; a keyboard move or an
// inspector edit onto an occupied cell is refused with a message.


/** Every wire a gate touches. */
export function wiresOf(g) {
  return [...g.wires, ...(g.controls || [])];
}

/** [lowest, highest] wire a gate touches. */
export function spanOf(g) {
  const all = wiresOf(g);
  return [Math.min(...all), Math.max(...all)];
}

/** The first free column after every gate. */
export function nextCol(gates) {
  return gates.reduce((m, g) => Math.max(m, g.col + 1), 0);
}

/** The index of a gate in `col` whose span overlaps [lo, hi] (ignoring `except`), or -1. */
export function conflictAt(gates, col, lo, hi, except = -1) {
  return gates.findIndex((g, i) => {
    if (i === except || g.col !== col) return false;
    const [a, b] = spanOf(g);
    return a <= hi && lo <= b;
  });
}

/** Shifts every gate at or after `col` (except `except`) one column right. */
export function insertColumn(gates, col, except = -1) {
  gates.forEach((g, i) => {
    if (i !== except && g.col >= col) g.col += 1;
  });
}

function userError(message) {
  const e = new Error(message);
  e.user = true;
  return e;
}

/**
 * The wires of a new `n`-wire gate dropped on `wire`: the first wire is the one dropped on, the
 * others follow downwards, or upwards when they would run off the last wire.
 */
export function layoutWires(n, wire, qubits, name = 'this gate') {
  if (n > qubits) {
    throw userError(`${name} needs ${n} wires; the circuit has ${qubits} — add a qubit first`);
  }
  if (wire + n - 1 <= qubits - 1) return Array.from({ length: n }, (_, k) => wire + k);
  if (wire - (n - 1) >= 0) return Array.from({ length: n }, (_, k) => wire - k);
  // Neither direction fits from this wire: keep the shape, shifted to fit.
  const start = qubits - n;
  return Array.from({ length: n }, (_, k) => start + k);
}

/** The strength a channel dropped from the palette starts with. */
export const DEFAULT_STRENGTH = 0.05;

/** The parameters of a new gate of `kind`: trainable weights at 0, a channel's fixed strength. */
function newParams(kind) {
  if (kind.group === 'noise') return [{ kind: 'const', value: DEFAULT_STRENGTH }];
  return defaultParams(kind.params);
}

/** Default bindings for a new gate's angles: trainable weights starting at 0. */
export function defaultParams(nParams) {
  return Array.from({ length: nParams }, () => ({ kind: 'weight', value: 0 }));
}

/** Adds a gate of `kind` ({name, wires, params}) at (wire, col). Returns its index. */
export function placeNew(doc, kind, wire, col) {
  const { gates } = doc.circuit;
  const wires = layoutWires(kind.wires, wire, doc.circuit.qubits, kind.name);
  const g = { gate: kind.name, wires, col };
  if (kind.params > 0) g.params = newParams(kind);
  const [lo, hi] = spanOf(g);
  if (conflictAt(gates, col, lo, hi) >= 0) insertColumn(gates, col);
  gates.push(g);
  return gates.length - 1;
}

/** Appends a gate at the end of `wire` (after the last gate of the circuit). Returns its index. */
export function appendGate(doc, kind, wire = 0) {
  const { gates } = doc.circuit;
  const wires = layoutWires(kind.wires, wire, doc.circuit.qubits, kind.name);
  const probe = { wires };
  const [lo, hi] = spanOf(probe);
  // The first column from the end that is free on the gate's span and after every gate there.
  let col = 0;
  for (const g of gates) {
    const [a, b] = spanOf(g);
    if (a <= hi && lo <= b) col = Math.max(col, g.col + 1);
  }
  const g = { gate: kind.name, wires, col };
  if (kind.params > 0) g.params = newParams(kind);
  gates.push(g);
  return gates.length - 1;
}

/**
 * Moves gate `i` so that the wire it was grabbed by (`grabWire`) lands on `wire`, in column
 * `col`. The whole gate shifts (clamped to the circuit); an occupied target gets a new column.
 */
export function moveGate(doc, i, grabWire, wire, col) {
  const { gates, qubits } = doc.circuit;
  const g = gates[i];
  const [lo, hi] = spanOf(g);
  let delta = wire - grabWire;
  if (lo + delta < 0) delta = -lo;
  if (hi + delta > qubits - 1) delta = qubits - 1 - hi;
  g.wires = g.wires.map((w) => w + delta);
  if (g.controls) g.controls = g.controls.map((w) => w + delta);
  g.col = col;
  const [a, b] = spanOf(g);
  if (conflictAt(gates, col, a, b, i) >= 0) insertColumn(gates, col, i);
}

/** Keyboard move of gate `i` by (dWire, dCol); refused when it would leave the grid or overlap. */
export function nudgeGate(doc, i, dWire, dCol) {
  const { gates, qubits } = doc.circuit;
  const g = gates[i];
  const [lo, hi] = spanOf(g);
  if (lo + dWire < 0) throw userError('the gate is already on the top wire');
  if (hi + dWire > qubits - 1) throw userError('the gate is already on the bottom wire');
  if (g.col + dCol < 0) throw userError('the gate is already in the first column');
  const col = g.col + dCol;
  const c = conflictAt(gates, col, lo + dWire, hi + dWire, i);
  if (c >= 0) {
    throw userError(`column ${col} already holds ${gates[c].gate} there; move that gate first`);
  }
  g.wires = g.wires.map((w) => w + dWire);
  if (g.controls) g.controls = g.controls.map((w) => w + dWire);
  g.col = col;
}

/** Throws if gate `i` overlaps another gate's span in its column (after an inspector edit). */
export function checkColumn(doc, i) {
  const { gates } = doc.circuit;
  const [lo, hi] = spanOf(gates[i]);
  const c = conflictAt(gates, gates[i].col, lo, hi, i);
  if (c >= 0) {
    throw userError(`that would overlap ${gates[c].gate} (gate ${c}) in column ${gates[i].col}; move it first`);
  }
}

/** Removes gate `i`. */
export function removeGate(doc, i) {
  doc.circuit.gates.splice(i, 1);
}

/**
 * Adds a control on `wire` to the single-qubit gate in column `col` nearest that wire.
 * Returns the gate's index.
 */
export function addControl(doc, kinds, wire, col) {
  const { gates } = doc.circuit;
  let best = -1;
  let dist = Infinity;
  gates.forEach((g, i) => {
    if (g.col !== col || kinds.get(g.gate)?.wires !== 1) return;
    if (wiresOf(g).includes(wire)) return;
    const d = Math.abs(g.wires[0] - wire);
    if (d < dist) { dist = d; best = i; }
  });
  if (best < 0) {
    const here = gates.find((g) => g.col === col && wiresOf(g).includes(wire));
    if (here && kinds.get(here.gate)?.wires === 1) {
      throw userError(`drop the control on another wire of column ${col}, not on the ${here.gate} gate itself`);
    }
    throw userError(`a control needs a single-qubit gate in column ${col}; drop it on a wire in the column of an H, X, RX, … gate`);
  }
  const g = gates[best];
  g.controls = [...(g.controls || []), wire];
  const [lo, hi] = spanOf(g);
  const c = conflictAt(gates, col, lo, hi, best);
  if (c >= 0) {
    throw userError(`the control would cross ${gates[c].gate} (gate ${c}) in column ${col}; move that gate first`);
  }
  return best;
}

/** Moves control `k` of gate `i` to `wire`. */
export function moveControl(doc, i, k, wire) {
  const g = doc.circuit.gates[i];
  if (wiresOf(g).includes(wire) && g.controls[k] !== wire) {
    throw userError(`wire ${wire} is already used by this ${g.gate} gate`);
  }
  g.controls[k] = wire;
  checkColumn(doc, i);
}

/** Removes control `k` of gate `i`. */
export function removeControl(doc, i, k) {
  const g = doc.circuit.gates[i];
  g.controls.splice(k, 1);
  if (!g.controls.length) delete g.controls;
}

/** Adds a wire at the bottom, up to `max` wires (the page's limit, from the engine). */
export function addQubit(doc, max) {
  if (doc.circuit.qubits >= max) {
    throw userError(`the page runs at most ${max} qubits`);
  }
  doc.circuit.qubits += 1;
}

/** Removes the bottom wire and every gate touching it. Returns how many gates were removed. */
export function removeQubit(doc) {
  const n = doc.circuit.qubits;
  if (n <= 1) throw userError('a circuit needs at least one qubit');
  const before = doc.circuit.gates.length;
  doc.circuit.gates = doc.circuit.gates.filter((g) => !wiresOf(g).includes(n - 1));
  doc.circuit.qubits = n - 1;
  return before - doc.circuit.gates.length;
}

/** Removes empty columns (keeps the order of everything). */
export function compactColumns(doc) {
  const used = [...new Set(doc.circuit.gates.map((g) => g.col))].sort((a, b) => a - b);
  const map = new Map(used.map((c, k) => [c, k]));
  for (const g of doc.circuit.gates) g.col = map.get(g.col);
}

/**
 * Changes a angle binding to another kind, carrying over what makes sense (the value, the
 * feature).
 */
export function convertBinding(p, kind) {
  const num = p.kind === 'const' || p.kind === 'weight' ? p.value : 0;
  const feature = p.feature ?? 'x1';
  switch (kind) {
    case 'const': return { kind: 'const', value: num };
    case 'weight': return { kind: 'weight', value: num };
    case 'feature': return { kind: 'feature', feature, scale: p.kind === 'feature' ? p.scale : 1 };
    case 'reupload': return { kind: 'reupload', feature, w: p.kind === 'reupload' ? p.w : 1, b: p.kind === 'reupload' ? p.b : 0 };
    default: throw userError(`unknown binding '${kind}'`);
  }
}

