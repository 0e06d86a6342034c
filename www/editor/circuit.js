// The circuit editor: toolbar (qubits, undo/redo, templates), the gate palette and the grid of
// wires and columns, with drag and drop (editor/drag.js) and keyboard editing. Every change is an
// edit of the document through app.edit (validated by the engine, undoable).

import { focused, h, select, setChildren } from '../dom.js';
import { draggable } from './drag.js';
import {
  addControl, addQubit, appendGate, compactColumns, moveControl, moveGate,
  nextCol, nudgeGate, placeNew, removeControl, removeGate, removeQubit, spanOf, conflictAt,
  layoutWires,
} from './ops.js';
import { GROUPS, bindingCaption, bindingFlags, describeBinding, glyphs, label } from './gates.js';
import { roving } from '../roving.js';
import { formatNumber } from '../format.js';

const CELL = 44;   // column width, px
const WIRE = 44;   // wire pitch, px
const HEAD = 20;   // column-number row, px
const LEFT = 50;   // wire-label gutter, px: "q15" and its |0⟩ end before the wire starts (.wire-line)


/** How often, at most, training refreshes the gates' names and tooltips (ms). */
const LABEL_MS = 250;
export function createCircuitEditor(app) {
  const msg = app.messages.circuit;
  const kinds = app.kinds;

  // ---- toolbar ---------------------------------------------------------------------------
  const qubitCount = h('output', { class: 'qubit-count', 'data-testid': 'qubit-count', 'aria-live': 'polite' });
  const btnLess = h('button', {
    type: 'button', class: 'icon-btn', 'aria-label': 'Remove the last qubit', title: 'Remove the last qubit',
    'data-testid': 'qubit-remove', text: '−',
    onclick: () => {
      let removed = 0;
      if (app.edit('circuit', (d) => { removed = removeQubit(d); })) {
        if (removed) msg.show(`Removed ${removed} gate${removed === 1 ? '' : 's'} on the last wire (Ctrl+Z brings them back).`, 'info');
      }
    },
  });
  const btnMore = h('button', {
    type: 'button', class: 'icon-btn', 'aria-label': 'Add a qubit', title: 'Add a qubit',
    'data-testid': 'qubit-add', text: '+',
    onclick: () => app.edit('circuit', (d) => addQubit(d, app.limits.pageQubits)),
  });
  const btnUndo = h('button', {
    type: 'button', class: 'tool-btn icon', 'data-testid': 'undo', 'aria-label': 'Undo (Ctrl+Z)',
    title: 'Undo (Ctrl+Z)', onclick: () => app.undo(),
  }, h('span', { 'aria-hidden': 'true', text: '↶' }));
  const btnRedo = h('button', {
    type: 'button', class: 'tool-btn icon', 'data-testid': 'redo', 'aria-label': 'Redo (Ctrl+Shift+Z)',
    title: 'Redo (Ctrl+Shift+Z or Ctrl+Y)', onclick: () => app.redo(),
  }, h('span', { 'aria-hidden': 'true', text: '↷' }));
  const btnClear = h('button', {
    type: 'button', class: 'tool-btn', 'data-testid': 'clear-circuit', title: 'Remove every gate',
    text: 'Clear',
    onclick: () => {
      if (app.edit('circuit', (d) => { d.circuit.gates = []; })) {
        app.select(null);
        msg.show('Circuit cleared (Ctrl+Z brings it back).', 'info');
      }
    },
  });
  const btnCompact = h('button', {
    type: 'button', class: 'tool-btn', 'data-testid': 'compact-circuit', text: 'Compact',
    title: 'Remove empty columns',
    onclick: () => app.edit('circuit', compactColumns),
  });

  const templateSel = select({ class: 'template-select', 'aria-label': 'Template layer', 'data-testid': 'template-select' },
    app.wasm.templates().map((t) => [t.name, t.name.replace(/_/g, ' ')]));
  const templateInfo = new Map(app.wasm.templates().map((t) => [t.name, t.description]));
  templateSel.title = templateInfo.get(templateSel.value) ?? '';
  templateSel.addEventListener('change', () => { templateSel.title = templateInfo.get(templateSel.value) ?? ''; });
  const btnTemplate = h('button', {
    type: 'button', class: 'tool-btn primary-soft', 'data-testid': 'template-insert',
    title: 'Insert the chosen template layer at the end of the circuit', text: 'Insert layer',
    onclick: () => insertTemplate(templateSel.value),
  });

  function insertTemplate(name) {
    const doc = app.store.doc;
    let gatesJson;
    try {
      const seed = (doc.training.seed * 7919 + doc.circuit.gates.length + 1) % 2 ** 31;
      // After a strongly entangling layer the next one takes the next CNOT range, so layers
      // inserted one by one are PennyLane's StronglyEntanglingLayers.
      gatesJson = app.wasm.templateAfter(name, JSON.stringify(doc), seed);
    } catch (e) {
      msg.show(e.message);
      return;
    }
    const added = JSON.parse(gatesJson);
    if (app.edit('circuit', (d) => { d.circuit.gates.push(...added); })) {
      msg.show(`Inserted a ${name.replace(/_/g, ' ')} layer: ${added.length} gates.`, 'info');
    }
  }

  // The tools are one toolbar (one Tab stop, the arrow keys move inside it); the template
  // picker and its button follow as their own stops (a select keeps its arrow keys).
  const tools = h('div', { class: 'tool-group', role: 'toolbar', 'aria-label': 'Circuit tools' },
    h('span', { class: 'group-label', text: 'Qubits' }), btnLess, qubitCount, btnMore,
    h('span', { class: 'sep' }), btnUndo, btnRedo, h('span', { class: 'sep' }), btnCompact, btnClear);
  const toolKeys = roving(tools, { items: () => [btnLess, btnMore, btnUndo, btnRedo, btnCompact, btnClear] });
  const toolbar = h('div', { class: 'toolbar' }, tools, h('span', { class: 'tool-group' }, templateSel, btnTemplate));

  // ---- palette: one Tab stop, the arrow keys move between the gates ---------------------
  const palette = h('div', { class: 'palette', role: 'toolbar', 'aria-label': 'Gate palette' });
  const byGroup = new Map(GROUPS.map(([g]) => [g, []]));
  for (const k of kinds.values()) {
    if (!byGroup.has(k.group)) byGroup.set(k.group, []);
    byGroup.get(k.group).push(k);
  }
  for (const [group, items] of byGroup) {
    if (!items.length) continue;
    const title = GROUPS.find(([g]) => g === group)?.[1] ?? group;
    palette.append(h('div', { class: `pal-group pal-${group}` },
      h('span', { class: 'pal-title', text: title }),
      items.map((k) => paletteItem(k))));
  }
  const ctrlItem = h('div', {
    class: 'pal-item pal-control', role: 'button', tabindex: '0', 'data-testid': 'palette-control',
    'aria-label': 'Control dot: drag it onto another wire in the column of a single-qubit gate',
    title: 'Control: drop on another wire in the column of a single-qubit gate',
  }, h('span', { class: 'ctrl-dot', 'aria-hidden': 'true' }));
  draggable(ctrlItem, {
    start: () => (app.isLocked('circuit') ? null : { type: 'control' }),
    ghost: () => h('div', { class: 'ghost-ctrl' }, h('span', { class: 'ctrl-dot' })),
    move: (p, x, y) => preview(p, x, y),
    drop: (p, x, y) => drop(p, x, y),
    click: () => msg.show('Drag the control dot onto another wire in the column of a single-qubit gate.', 'info'),
    end: clearPreview,
  });
  palette.append(h('div', { class: 'pal-group pal-ctl' }, h('span', { class: 'pal-title', text: 'Control' }), ctrlItem));
  roving(palette, { items: () => [...palette.querySelectorAll('.pal-item')] });

  function paletteItem(k) {
    const el = h('div', {
      class: `pal-item pal-${k.group}`, role: 'button', tabindex: '0',
      'data-testid': `palette-${k.name}`, 'data-gate': k.name,
      'aria-label': `${label(k.name) === k.name ? k.name : `${label(k.name)} (${k.name})`} ${k.group === 'noise' ? 'noise channel' : 'gate'}: drag onto a wire, or press Enter to append it to wire 0`,
      title: k.group === 'noise'
        ? `${k.name} (1 wire, strength ${k.parameter} from 0 to 1) — drag onto a wire`
        : `${k.name} (${k.wires} wire${k.wires > 1 ? 's' : ''}${k.params ? `, ${k.params} angle${k.params > 1 ? 's' : ''}` : ''}) — drag onto a wire`,
      text: label(k.name),
    });
    draggable(el, {
      start: () => (app.isLocked('circuit') ? null : { type: 'new', kind: k }),
      ghost: () => ghostFor(k),
      move: (p, x, y) => preview(p, x, y),
      drop: (p, x, y) => drop(p, x, y),
      click: () => append(k),
      end: clearPreview,
    });
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        append(k);
      }
    });
    return el;
  }

  function append(k) {
    if (app.isLocked('circuit')) return;
    let idx = -1;
    if (app.edit('circuit', (d) => { idx = appendGate(d, k, 0); })) app.select(idx);
  }

  function ghostFor(k) {
    return h('div', { class: `ghost-gate pal-${k.group}`, text: label(k.name) });
  }

  // ---- grid ------------------------------------------------------------------------------
  const inner = h('div', { class: 'grid-inner' });
  const scroller = h('div', {
    class: 'grid-scroll', role: 'application', 'data-testid': 'circuit', tabindex: '-1',
    'aria-label': 'Circuit: wires and columns of gates. Tab to a gate; arrow keys move it, Delete removes it.',
  }, inner);
  const dropPreview = h('div', { class: 'drop-preview', hidden: true });
  let cols = 0;

  const el = h('div', { class: 'circuit-editor' }, toolbar, palette, scroller);

  /** The grid cell under a client point, or null. */
  function cellAt(x, y) {
    const r = inner.getBoundingClientRect();
    const n = app.store.doc.circuit.qubits;
    const cx = x - r.left - LEFT;
    const cy = y - r.top - HEAD;
    if (cx < 0 || cy < 0) return null;
    const col = Math.floor(cx / CELL);
    const wire = Math.floor(cy / WIRE);
    if (wire >= n || col >= cols) return null;
    return { wire, col };
  }

  function overCircuit(x, y) {
    const r = scroller.getBoundingClientRect();
    return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  }

  function autoScroll(x) {
    const r = scroller.getBoundingClientRect();
    if (x > r.right - 28) scroller.scrollLeft += 12;
    else if (x < r.left + LEFT + 10) scroller.scrollLeft -= 12;
  }

  function preview(p, x, y) {
    autoScroll(x);
    const cell = cellAt(x, y);
    const off = (p.type === 'gate' || p.type === 'ctrl') && !overCircuit(x, y);
    scroller.classList.toggle('drop-off', off);
    app.root.classList.toggle('drop-off', off);
    if (!cell) { dropPreview.hidden = true; return; }
    const doc = app.store.doc;
    const n = doc.circuit.qubits;
    let lo = cell.wire;
    let hi = cell.wire;
    let insert = false;
    if (p.type === 'new') {
      try {
        const w = layoutWires(p.kind.wires, cell.wire, n);
        lo = Math.min(...w); hi = Math.max(...w);
        insert = conflictAt(doc.circuit.gates, cell.col, lo, hi) >= 0;
      } catch { /* shown on drop */ }
    } else if (p.type === 'gate') {
      const g = doc.circuit.gates[p.index];
      const [a, b] = spanOf(g);
      let delta = cell.wire - p.grabWire;
      if (a + delta < 0) delta = -a;
      if (b + delta > n - 1) delta = n - 1 - b;
      lo = a + delta; hi = b + delta;
      insert = conflictAt(doc.circuit.gates, cell.col, lo, hi, p.index) >= 0;
    }
    dropPreview.hidden = false;
    dropPreview.classList.toggle('insert', insert);
    dropPreview.classList.toggle('dot', p.type === 'control' || p.type === 'ctrl');
    dropPreview.style.left = `${LEFT + cell.col * CELL}px`;
    dropPreview.style.top = `${HEAD + lo * WIRE}px`;
    dropPreview.style.height = `${(hi - lo + 1) * WIRE}px`;
  }

  function clearPreview() {
    dropPreview.hidden = true;
    scroller.classList.remove('drop-off');
    app.root.classList.remove('drop-off');
  }

  function drop(p, x, y) {
    const cell = cellAt(x, y);
    if (p.type === 'new') {
      if (!cell) return;
      let idx = -1;
      if (app.edit('circuit', (d) => { idx = placeNew(d, p.kind, cell.wire, cell.col); })) app.select(idx);
    } else if (p.type === 'gate') {
      if (cell) {
        if (app.edit('circuit', (d) => moveGate(d, p.index, p.grabWire, cell.wire, cell.col))) app.select(p.index);
      } else if (!overCircuit(x, y)) {
        deleteGate(p.index);
      }
    } else if (p.type === 'control') {
      if (!cell) return;
      let idx = -1;
      if (app.edit('circuit', (d) => { idx = addControl(d, kinds, cell.wire, cell.col); })) app.select(idx);
    } else if (p.type === 'ctrl') {
      const g = app.store.doc.circuit.gates[p.index];
      if (cell && cell.col === g.col) {
        app.edit('circuit', (d) => moveControl(d, p.index, p.k, cell.wire));
      } else if (!cell && !overCircuit(x, y)) {
        if (app.edit('circuit', (d) => removeControl(d, p.index, p.k))) {
          msg.show(`Removed a control of ${g.gate} (Ctrl+Z brings it back).`, 'info');
        }
      } else if (cell) {
        msg.show('A control stays in its gate\'s column: drag it up or down, or off the circuit to remove it.', 'info');
      }
    }
  }

  /** Removes gate `i`; from the keyboard the focus goes on to the next gate (focusAfterDelete). */
  function deleteGate(i, { keyboard = false } = {}) {
    const g = app.store.doc.circuit.gates[i];
    if (!g) return;
    if (app.edit('circuit', (d) => removeGate(d, i))) {
      app.select(null);
      msg.show(`Removed ${g.gate} from wire ${g.wires[0]}, column ${g.col} (Ctrl+Z brings it back).`, 'info');
      if (keyboard) focusAfterDelete(i);
    }
  }

  // Clicking the empty grid deselects; column numbers choose the state inspector's column.
  inner.addEventListener('pointerdown', (e) => {
    if (e.target === inner || e.target.classList.contains('cell') || e.target.closest('.wire')) app.select(null);
  });

  // Keyboard on a focused gate.
  inner.addEventListener('keydown', (e) => {
    const gateEl = e.target.closest?.('.gate');
    if (!gateEl || e.target !== gateEl) return;
    const i = Number(gateEl.dataset.index);
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key] && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      if (app.isLocked('circuit')) return;
      const [dw, dc] = moves[e.key];
      if (app.edit('circuit', (d) => nudgeGate(d, i, dw, dc))) app.select(i);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      if (!app.isLocked('circuit')) deleteGate(i, { keyboard: true });
    } else if (e.key === 'Escape') {
      app.select(null);
      gateEl.blur();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      app.select(i);
      app.focusInspector?.();
    }
  });
  inner.addEventListener('focusin', (e) => {
    const gateEl = e.target.closest?.('.gate');
    if (gateEl && e.target === gateEl) app.select(Number(gateEl.dataset.index));
  });

  /**
   * A gate's accessible name and tooltip: what is drawn on it (so the name contains the
   * visible text), the gate, its wires and column, and its angles as they are now (trained
   * values included).
   */
  /** The gate's last-step gradient (the debugger's tint), when shown. */
  const gradOf = (i) => app.ui.gradients?.get(i) ?? null;

  /** Tints a placed gate by its gradient: a ring whose strength follows the level, the value in data-grad. */
  function applyTint(el, i) {
    const t = gradOf(i);
    el.classList.toggle('grad-tinted', !!t);
    el.classList.toggle('grad-vanished', !!t?.vanished);
    if (t) {
      // Written only when changed: an unchanged write still restyles the gate, every frame.
      const level = String(Math.round(t.level * 100) / 100);
      if (el.style.getPropertyValue('--grad') !== level) el.style.setProperty('--grad', level);
      if (el.dataset.grad !== String(t.norm)) el.dataset.grad = String(t.norm);
    } else {
      el.style.removeProperty('--grad');
      delete el.dataset.grad;
    }
  }

  function gateText(g, i) {
    const t = gateTextPlain(g);
    const grad = gradOf(i);
    if (!grad) return t;
    const v = formatNumber(grad.norm, { digits: 2, unicodeMinus: true });
    const words = `gradient |∂L/∂θ| ${v} in the last step${grad.vanished ? ' (vanished)' : ''}`;
    return { label: `${t.label}; ${words}`, title: `${t.title}\n${words}` };
  }

  function gateTextPlain(g) {
    const kind = kinds.get(g.gate) ?? { wires: g.wires.length, params: (g.params || []).length };
    const gl = glyphs(g.gate, g.wires.length);
    const shown = [];
    g.wires.forEach((_, k) => {
      const glyph = gl[k] ?? { box: label(g.gate) };
      if (glyph === 'swap') shown.push('×');
      else if (glyph?.box) {
        shown.push(glyph.box);
        const cap = kind.params ? bindingCaption(g.params) : '';
        if (cap) shown.push(cap);
      }
    });
    const visible = shown.join(' ');
    const name = !visible ? g.gate : visible.startsWith(g.gate) ? visible : `${visible} (${g.gate})`;
    const where = `wire${g.wires.length > 1 ? 's' : ''} ${g.wires.join(', ')}`;
    const ctl = g.controls?.length ? `, controlled by ${g.controls.join(', ')}` : '';
    const binds = (g.params || []).map(describeBinding).join('; ');
    return {
      label: `${name} on ${where}${ctl}, column ${g.col}${binds ? `: ${binds}` : ''}`,
      title: `${g.gate} on ${where}${ctl}, column ${g.col}${binds ? `\n${binds}` : ''}`,
    };
  }

  function gateElement(g, i, n) {
    const kind = kinds.get(g.gate) ?? { wires: g.wires.length, params: (g.params || []).length, group: 'two' };
    const [lo, hi] = spanOf(g);
    const flags = bindingFlags(g.params);
    const text = gateText(g, i);
    const el = h('div', {
      class: `gate kind-${kind.group}${hi > lo ? ' multi' : ''}${flags.data ? ' has-data' : ''}${flags.trainable ? ' has-weight' : ''}${app.ui.selected === i ? ' selected' : ''}`,
      role: 'button', tabindex: '0',
      'data-testid': `gate-${i}`, 'data-index': i, 'data-gate': g.gate,
      'data-wire': g.wires[0], 'data-col': g.col,
      'aria-label': text.label, title: text.title,
      style: { left: `${LEFT + g.col * CELL}px`, top: `${HEAD + lo * WIRE}px`, height: `${(hi - lo + 1) * WIRE}px` },
    });
    if (hi > lo) {
      el.append(h('div', { class: 'conn', style: { top: `${WIRE / 2}px`, height: `${(hi - lo) * WIRE}px` } }));
    }
    const gl = glyphs(g.gate, g.wires.length);
    g.wires.forEach((w, k) => {
      const glyph = gl[k] ?? { box: label(g.gate) };
      el.append(' ', part(glyph, w - lo, g, kind));
    });
    (g.controls || []).forEach((w, k) => {
      const dot = h('div', {
        class: 'part ctrl extra', 'data-control': k, title: 'Control: drag along the column to move it, off the circuit to remove it',
        style: { top: `${(w - lo) * WIRE}px` },
      }, h('span', { class: 'ctrl-dot' }));
      draggable(dot, {
        start: () => (app.isLocked('circuit') ? null : { type: 'ctrl', index: i, k }),
        ghost: () => h('div', { class: 'ghost-ctrl' }, h('span', { class: 'ctrl-dot' })),
        move: (p, x, y) => preview(p, x, y),
        drop: (p, x, y) => drop(p, x, y),
        click: () => app.select(i),
        end: clearPreview,
      });
      el.append(dot);
    });
    draggable(el, {
      start: (ev) => {
        if (app.isLocked('circuit')) { app.select(i); return null; }
        const c = cellAt(ev.clientX, ev.clientY);
        return { type: 'gate', index: i, grabWire: c ? c.wire : g.wires[0] };
      },
      ghost: () => h('div', { class: `ghost-gate kind-${kind.group}`, text: label(g.gate) }),
      move: (p, x, y) => { el.classList.add('dragging'); preview(p, x, y); },
      drop: (p, x, y) => drop(p, x, y),
      click: () => app.select(i),
      end: () => { el.classList.remove('dragging'); clearPreview(); },
    });
    applyTint(el, i);
    return el;
  }

  function part(glyph, row, g, kind) {
    const top = `${row * WIRE}px`;
    if (glyph === 'ctrl') return h('div', { class: 'part ctrl', style: { top } }, h('span', { class: 'ctrl-dot' }));
    if (glyph === 'x') return h('div', { class: 'part target-x', style: { top } }, h('span', { class: 'oplus' }));
    if (glyph === 'swap') return h('div', { class: 'part swap', style: { top } }, h('span', { class: 'swap-x', text: '×' }));
    const cap = kind.params ? bindingCaption(g.params) : '';
    // The space between label and caption (not rendered in the flex box) keeps them two words
    // in the gate's visible text, which its accessible name starts with.
    return h('div', { class: `part box${cap ? ' with-cap' : ''}`, style: { top } },
      h('span', { class: 'box-label', text: glyph.box }),
      cap ? ' ' : null, cap ? h('span', { class: 'box-cap', text: cap }) : null);
  }

  function render() {
    const doc = app.store.doc;
    const n = doc.circuit.qubits;
    const gates = doc.circuit.gates;
    const active = focused(inner);
    const hadFocus = inner.contains(active) && active.classList.contains('gate');
    const fit = Math.floor((scroller.clientWidth - LEFT) / CELL);
    cols = Math.max(nextCol(gates) + 2, fit > 0 ? fit : 12);
    inner.style.width = `${LEFT + cols * CELL}px`;
    inner.style.height = `${HEAD + n * WIRE + 4}px`;
    const parts = [];
    for (let c = 0; c < cols; c += 1) {
      parts.push(h('button', {
        type: 'button', class: `colhead${app.ui.inspectCol === c ? ' active' : ''}`, 'data-col': c,
        'data-testid': `colhead-${c}`, tabindex: '-1',
        'aria-label': `Show the state after column ${c}`, title: `State after column ${c} (click again: end of circuit)`,
        text: String(c), style: { left: `${LEFT + c * CELL}px`, width: `${CELL}px` },
        onclick: () => app.setInspectCol(app.ui.inspectCol === c ? null : c),
      }));
    }
    if (app.ui.inspectCol != null && app.ui.inspectCol < cols) {
      parts.push(h('div', {
        class: 'col-highlight',
        style: { left: `${LEFT + (app.ui.inspectCol + 1) * CELL - 2}px`, height: `${n * WIRE}px`, top: `${HEAD}px` },
      }));
    }
    for (let q = 0; q < n; q += 1) {
      parts.push(h('div', {
        class: 'wire', 'data-testid': `wire-${q}`, 'data-wire': q,
        style: { top: `${HEAD + q * WIRE}px`, height: `${WIRE}px` },
      }, h('span', { class: 'wire-label', text: `q${q}` }), h('span', { class: 'wire-line' })));
    }
    for (let q = 0; q < n; q += 1) {
      for (let c = 0; c < cols; c += 1) {
        parts.push(h('div', {
          class: 'cell', 'data-wire': q, 'data-col': c, 'data-testid': `cell-${q}-${c}`,
          style: { left: `${LEFT + c * CELL}px`, top: `${HEAD + q * WIRE}px` },
        }));
      }
    }
    gates.forEach((g, i) => parts.push(gateElement(g, i, n)));
    parts.push(dropPreview);
    setChildren(inner, parts);
    qubitCount.textContent = String(n);
    btnLess.disabled = n <= 1;
    btnMore.disabled = n >= app.limits.pageQubits;
    btnUndo.disabled = !app.store.canUndo;
    btnRedo.disabled = !app.store.canRedo;
    toolKeys.refresh();
    if (hadFocus && app.ui.selected != null) {
      inner.querySelector(`.gate[data-index="${app.ui.selected}"]`)?.focus({ preventScroll: false });
    }
  }

  /**
   * Brings the gates' names and tooltips up to date with the document's angles (after training
   * the weights changed, the grid did not): attributes only, nothing rebuilt.
   */
  function refreshLabels() {
    // While training plays this runs every frame; the tints follow each frame, the names and
    // tooltips (text nobody reads at 60 Hz, a hundred attributes at 12 qubits) at most every
    // LABEL_MS, the last change always within LABEL_MS.
    const now = performance.now();
    const text = !app.loop?.playing || now - labelsAt >= LABEL_MS;
    if (text) {
      labelsAt = now;
      clearTimeout(labelTimer);
      labelTimer = 0;
    } else if (!labelTimer) {
      labelTimer = setTimeout(() => { labelTimer = 0; labelsAt = 0; refreshLabels(); }, LABEL_MS);
    }
    const gates = app.store.doc.circuit.gates;
    for (const el of inner.querySelectorAll('.gate')) {
      const g = gates[Number(el.dataset.index)];
      if (!g) continue;
      applyTint(el, Number(el.dataset.index));
      if (!text) continue;
      const t = gateText(g, Number(el.dataset.index));
      if (el.getAttribute('aria-label') !== t.label) el.setAttribute('aria-label', t.label);
      if (el.title !== t.title) el.title = t.title;
    }
  }
  let labelsAt = 0;
  let labelTimer = 0;

  /**
   * After gate `i` was deleted: if the focus was lost with it, the gate now at `i` (the next
   * one), else the last gate, else the circuit grid gets it.
   */
  function focusAfterDelete(i) {
    const active = focused(inner);
    if (active?.isConnected && active.classList?.contains('gate') && inner.contains(active)) {
      // The grid kept the focus on the gate now at that place: it is the selected one.
      app.select(Number(active.dataset.index));
      return;
    }
    const lost = !active || !active.isConnected || active === document.body || !app.root.contains(active) || active.closest?.('.gate-inspector');
    if (!lost) return;
    const next = inner.querySelector(`.gate[data-index="${i}"]`) ?? [...inner.querySelectorAll('.gate')].at(-1);
    (next ?? scroller).focus();
  }

  /** Moves the focus to the circuit (the skip link): the grid, from where Tab reaches the gates. */
  function focusGrid() {
    scroller.scrollLeft = 0;
    scroller.focus();
  }

  function renderSelection() {
    for (const g of inner.querySelectorAll('.gate')) {
      g.classList.toggle('selected', Number(g.dataset.index) === app.ui.selected);
    }
  }

  let lastWidth = 0;
  new ResizeObserver(() => {
    if (Math.abs(scroller.clientWidth - lastWidth) > 8) {
      lastWidth = scroller.clientWidth;
      render();
    }
  }).observe(scroller);

  return { el, render, renderSelection, refreshLabels, focusAfterDelete, focusGrid, cellAt };
}
