// The gate inspector: wires, controls, column and each angle's binding of the selected gate —
// constant (slider + exact number), trainable weight, feature × scale, or re-upload w·feature + b.
// Numbers typed in a box are parsed here (parseNumber) and refused with a message next to the box
// when they are not finite numbers; the document keeps its previous value.

import { focused, h, hasFocus, select, setChildren } from '../dom.js';
import { numberField } from '../fields.js';
import { checkColumn, convertBinding, wiresOf } from './ops.js';
import { featureLabel, isChannel, label, paramNames, wireNames } from './gates.js';

const BINDINGS = [
  ['const', 'constant'],
  ['weight', 'trainable θ'],
  ['feature', 'feature × scale'],
  ['reupload', 're-upload w·f + b'],
];

export function createGateInspector(app) {
  const body = h('div', { class: 'gi-body' });
  const el = h('div', { class: 'gate-inspector', role: 'group', 'aria-label': 'Gate inspector', 'data-testid': 'gate-inspector' }, body);
  let key = '';
  let updaters = [];

  // The features an angle can bind to come from the engine, per document (inputs after
  // preprocessing, pre-net outputs).
  const features = () => app.info().features;

  function structureKey(doc, i) {
    const g = doc.circuit.gates[i];
    if (!g) return 'none';
    return JSON.stringify([i, g.gate, doc.circuit.qubits, g.wires, g.controls, g.col,
      (g.params || []).map((p) => [p.kind, p.feature]), features()]);
  }

  function editGate(where, i, fn, opts) {
    return app.edit(where, (d) => {
      const g = d.circuit.gates[i];
      if (!g) throw new Error('that gate no longer exists');
      fn(g, d);
    }, opts);
  }

  function render() {
    const doc = app.store.doc;
    const i = app.ui.selected;
    const g = i == null ? null : doc.circuit.gates[i];
    const k = g ? structureKey(doc, i) : 'none';
    if (k === key) {
      for (const u of updaters) u(g);
      return;
    }
    key = k;
    updaters = [];
    if (!g) {
      setChildren(body, h('p', { class: 'hint small' },
        'Drag gates from the palette onto a wire; drag a placed gate to move it, off the circuit (or Delete) to remove it. ',
        'Click a gate to edit its wires and angles. The ● control adds a control to a single-qubit gate in its column.'),
      h('p', { class: 'legend small' },
        h('span', { class: 'key key-data', text: 'x₁' }), ' the angle reads a feature  ',
        h('span', { class: 'key key-weight', text: 'θ' }), ' trainable  ',
        h('span', { class: 'kbd', text: 'Ctrl+Z' }), ' undo  ', h('span', { class: 'kbd', text: 'Ctrl+Shift+Z' }), ' redo  ',
        h('span', { class: 'kbd', text: '← ↑ → ↓' }), ' move the focused gate  ', h('span', { class: 'kbd', text: 'Space' }), ' play / pause'));
      return;
    }
    const kind = app.kinds.get(g.gate);
    const n = doc.circuit.qubits;
    const wn = wireNames(g.gate, g.wires.length);
    const active = focused(el);
    const hadFocus = el.contains(active) ? active.dataset.testid : null;

    const head = h('div', { class: 'gi-head' },
      h('span', { class: `gi-chip kind-${kind?.group ?? 'two'}`, text: label(g.gate) }),
      h('span', { class: 'gi-title', text: `${g.gate} · gate ${i}` }),
      h('button', {
        type: 'button', class: 'tool-btn danger', 'data-testid': 'gate-delete',
        'aria-label': `Delete the ${g.gate} gate`, text: 'Delete',
        onclick: () => app.deleteSelected(),
      }));

    // Wires, controls, column.
    const wireRow = h('div', { class: 'gi-row gi-wires' });
    g.wires.forEach((w, kk) => {
      const sel = select({ 'aria-label': `${g.gate} ${wn[kk]} wire`, 'data-testid': `gi-wire-${kk}` },
        Array.from({ length: n }, (_, q) => [q, `q${q}`]), w);
      sel.addEventListener('change', () => {
        const v = Number(sel.value);
        if (!editGate('circuit', i, (gg, d) => { gg.wires[kk] = v; checkColumn(d, i); })) sel.value = String(app.store.doc.circuit.gates[i]?.wires[kk] ?? w);
      });
      wireRow.append(h('label', { class: 'gi-field' }, h('span', { class: 'lbl', text: wn[kk] }), sel));
    });
    (g.controls || []).forEach((c, kk) => {
      wireRow.append(h('span', { class: 'ctl-chip' },
        h('span', { class: 'ctrl-dot small', 'aria-hidden': 'true' }), ` control q${c} `,
        h('button', {
          type: 'button', class: 'chip-x', 'aria-label': `Remove the control on wire ${c}`, text: '×',
          onclick: () => editGate('circuit', i, (gg) => {
            gg.controls.splice(kk, 1);
            if (!gg.controls.length) delete gg.controls;
          }),
        })));
    });
    if (kind && kind.wires === 1) {
      const free = Array.from({ length: n }, (_, q) => q).filter((q) => !wiresOf(g).includes(q));
      if (free.length) {
        const add = select({ 'aria-label': 'Add a control on wire', 'data-testid': 'gi-add-control' },
          [['', '+ control…'], ...free.map((q) => [q, `on q${q}`])], '');
        add.addEventListener('change', () => {
          if (add.value === '') return;
          const v = Number(add.value);
          editGate('circuit', i, (gg, d) => { gg.controls = [...(gg.controls || []), v]; checkColumn(d, i); });
          add.value = '';
        });
        wireRow.append(add);
      }
    }
    const colField = numberField({
      label: `${g.gate} column`, value: g.col, testid: 'gi-col', integer: true, min: 0, max: 2000, cls: 'short',
      commit: (v, where) => editGate(where, i, (gg, d) => { gg.col = v; checkColumn(d, i); }),
    });
    wireRow.append(h('label', { class: 'gi-field' }, h('span', { class: 'lbl', text: 'column' }), colField.el));
    updaters.push((gg) => colField.set(gg.col));

    const rows = [head, wireRow];
    const pn = paramNames(g.gate, (g.params || []).length);
    (g.params || []).forEach((p, kk) => rows.push(paramRow(g, i, kk, p, pn[kk])));
    if (!(g.params || []).length) rows.push(h('p', { class: 'hint small', text: `${g.gate} has no angles.` }));
    setChildren(body, rows);
    if (hadFocus) body.querySelector(`[data-testid="${CSS.escape(hadFocus)}"]`)?.focus();
  }

  function paramRow(g, i, k, p, name) {
    const where = app.messages.circuit;
    const kindSel = select({ 'aria-label': `Binding of angle ${name}`, 'data-testid': `gi-bind-${k}`, class: 'bind-select' },
      BINDINGS, p.kind);
    kindSel.addEventListener('change', () => {
      if (!editGate('circuit', i, (gg) => { gg.params[k] = convertBinding(gg.params[k], kindSel.value); })) {
        kindSel.value = p.kind;
      }
    });
    const channel = isChannel(g.gate);
    // A channel's strength is a fixed number from 0 to 1 (never trained or bound to data).
    if (channel) kindSel.disabled = true;
    const row = h('div', { class: `gi-row gi-param bind-${p.kind}` },
      h('span', { class: 'pname', text: name }), kindSel);
    const setParam = (fn, opts) => (v, w) => editGate(w ?? where, i, (gg) => { fn(gg.params[k], v); }, opts);
    const featSel = () => {
      // The data's inputs, then the pre-net's outputs h1…hk, in two groups.
      const all = features();
      const hidden = all.filter((f) => /^h\d+$/.test(f));
      const inputs = all.filter((f) => !hidden.includes(f));
      const opts = (fs) => fs.map((f) => h('option', { value: f, text: featureLabel(f) }));
      const s = hidden.length
        ? h('select', { 'aria-label': `Feature of angle ${name}`, 'data-testid': `gi-feature-${k}` },
          h('optgroup', { label: 'inputs' }, opts(inputs)),
          h('optgroup', { label: 'pre-net outputs' }, opts(hidden)))
        : select({ 'aria-label': `Feature of angle ${name}`, 'data-testid': `gi-feature-${k}` },
          all.map((f) => [f, featureLabel(f)]));
      s.value = p.feature;
      s.addEventListener('change', () => {
        if (!editGate('circuit', i, (gg) => { gg.params[k].feature = s.value; })) s.value = p.feature;
      });
      updaters.push((gg) => { if (!hasFocus(s)) s.value = gg.params[k].feature; });
      return s;
    };
    if (p.kind === 'const') {
      const slider = h('input', {
        type: 'range', min: channel ? '0' : (-2 * Math.PI).toFixed(4), max: channel ? '1' : (2 * Math.PI).toFixed(4),
        step: channel ? '0.001' : '0.01',
        'aria-label': channel ? `Strength ${name} (0 to 1)` : `Angle ${name} (radians)`, 'data-testid': `gi-slider-${k}`, class: 'angle-slider',
      });
      slider.value = String(p.value);
      const box = numberField({
        label: channel ? `Strength ${name} exact value` : `Angle ${name} exact value`, value: p.value, testid: `gi-value-${k}`,
        commit: setParam((q, v) => { q.value = v; }),
      });
      slider.addEventListener('input', () => {
        const v = Number(slider.value);
        if (editGate(box, i, (gg) => { gg.params[k].value = v; }, { coalesce: `angle-${i}-${k}` })) box.set(v);
      });
      updaters.push((gg) => {
        box.set(gg.params[k].value);
        if (!hasFocus(slider)) slider.value = String(gg.params[k].value);
      });
      row.append(slider, box.el);
    } else if (p.kind === 'weight') {
      const box = numberField({
        label: `Trainable weight ${name}`, value: p.value, testid: `gi-value-${k}`,
        commit: setParam((q, v) => { q.value = v; }),
      });
      updaters.push((gg) => box.set(gg.params[k].value));
      row.append(h('span', { class: 'lbl', text: 'θ =' }), box.el, h('span', { class: 'tag trainable', text: 'trained' }));
    } else if (p.kind === 'feature') {
      const box = numberField({
        label: `Scale of the feature of angle ${name}`, value: p.scale, testid: `gi-scale-${k}`, cls: 'short',
        commit: setParam((q, v) => { q.scale = v; }),
      });
      updaters.push((gg) => box.set(gg.params[k].scale));
      row.append(featSel(), h('span', { class: 'op', text: '×' }), box.el, h('span', { class: 'tag data', text: 'data' }));
    } else if (p.kind === 'reupload') {
      const wBox = numberField({
        label: `Re-upload weight w of angle ${name}`, value: p.w, testid: `gi-w-${k}`, cls: 'short',
        commit: setParam((q, v) => { q.w = v; }),
      });
      const bBox = numberField({
        label: `Re-upload bias b of angle ${name}`, value: p.b, testid: `gi-b-${k}`, cls: 'short',
        commit: setParam((q, v) => { q.b = v; }),
      });
      updaters.push((gg) => { wBox.set(gg.params[k].w); bBox.set(gg.params[k].b); });
      row.append(h('span', { class: 'lbl', text: 'w' }), wBox.el, h('span', { class: 'op', text: '·' }), featSel(),
        h('span', { class: 'op', text: '+ b' }), bBox.el, h('span', { class: 'tag trainable', text: 'w, b trained' }));
    }
    return row;
  }

  function focus() {
    body.querySelector('.gi-param select, select, input')?.focus();
  }

  return { el, render, focus };
}
