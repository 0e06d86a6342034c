// The model's blocks in the order data flows through them: data → pre-net → circuit → readout
// → post-net → loss. The pre-net and the post-net are edited here (add or remove a dense layer,
// its width and activation), and the loss (the Training panel's field too); every block says how many trainable numbers it has (the engine's
// counts) and the total is under the list. Every edit goes through app.edit, so undo works and
// the engine decides what of the run is kept.

import { h, select, setChildren } from './dom.js';
import { numberField } from './fields.js';

const NET_NAMES = { pre_net: 'Pre-net', post_net: 'Post-net' };
const ACT_LABELS = { linear: 'linear', tanh: 'tanh', relu: 'ReLU', sigmoid: 'sigmoid' };

/** `n trainable numbers` in words. */
function count(n) {
  return `${n} trainable number${n === 1 ? '' : 's'}`;
}

/**
 * Edits of a dense stack on a draft document, as plain functions. A layer whose input or output
 * width changes gets fresh weights (the engine draws them from the seed).
 */
export const denseOps = {
  /** Adds a layer: at the end of the pre-net; before the post-net's output layer. */
  add(d, which, units, activation) {
    const net = [...(d[which] ?? [])];
    if (which === 'post_net' && net.length) {
      net.splice(net.length - 1, 0, { units, activation });
      net[net.length - 1] = fresh(net[net.length - 1]);
    } else {
      net.push({ units, activation });
    }
    d[which] = net;
  },
  remove(d, which, i) {
    const net = [...(d[which] ?? [])];
    net.splice(i, 1);
    if (net[i]) net[i] = fresh(net[i]);
    d[which] = net;
  },
  setUnits(d, which, i, units) {
    const net = [...d[which]];
    net[i] = { ...fresh(net[i]), units };
    if (net[i + 1]) net[i + 1] = fresh(net[i + 1]);
    d[which] = net;
  },
  setActivation(d, which, i, activation) {
    const net = [...d[which]];
    net[i] = { ...net[i], activation };
    d[which] = net;
  },
};

function fresh(layer) {
  const { weights, bias, ...rest } = layer;
  return rest;
}

export function createBlocksPanel(app) {
  const msg = app.messages.blocks;
  const acts = app.catalog.activations;
  const list = h('ol', { class: 'flow', 'data-testid': 'blocks' });
  const total = h('p', { class: 'flow-total', 'data-testid': 'params-total' });
  const el = h('section', { class: 'panel blocks-panel', 'aria-label': 'Model blocks' },
    h('h2', { text: 'Model' }),
    // Locked with the circuit (the model's structure); `data-lock-with` keeps the circuit
    // editor's fieldset the one `data-lock=circuit`.
    h('fieldset', { 'data-lock-with': 'circuit' },
      h('legend', { class: 'visually-hidden', text: 'Model blocks in data-flow order' }),
      list, total),
    msg.el);

  function edit(fn, { fit = true } = {}) {
    let note = '';
    const ok = app.edit(msg, (d) => {
      fn(d);
      if (!fit) return undefined;
      const r = app.fitReadout(d);
      note = r.note;
      return r.doc;
    });
    if (ok && note) msg.show(note, 'info');
    return ok;
  }

  function block(key, title, params, ...body) {
    return h('li', { class: `block block-${key}`, 'data-testid': `block-${key}` },
      h('div', { class: 'block-head' },
        h('span', { class: 'block-title', text: title }),
        params == null ? null : h('span', { class: 'block-params', 'data-testid': `params-${key}`, text: count(params) })),
      ...body);
  }

  function netBlock(doc, which, nIn, perLayer, total) {
    const key = which === 'pre_net' ? 'pre' : 'post';
    const name = NET_NAMES[which];
    const net = doc[which] ?? [];
    let ins = nIn;
    const rows = net.map((layer, i) => {
      const from = ins;
      ins = layer.units;
      const units = numberField({
        label: `${name} layer ${i + 1} width`, value: layer.units, testid: `${key}-units-${i}`, integer: true,
        min: 1, max: app.limits.maxDenseUnits, cls: 'short',
        commit: (v, w) => app.edit(w, (d) => {
          denseOps.setUnits(d, which, i, v);
          return app.fitReadout(d).doc;
        }),
      });
      const act = select({ 'data-testid': `${key}-act-${i}`, 'aria-label': `${name} layer ${i + 1} activation` },
        acts.map((a) => [a, ACT_LABELS[a] ?? a]), layer.activation ?? 'linear');
      act.addEventListener('change', () => {
        if (!edit((d) => denseOps.setActivation(d, which, i, act.value), { fit: false })) act.value = layer.activation ?? 'linear';
      });
      return h('li', { class: 'layer', 'data-testid': `${key}-layer-${i}` },
        h('span', { class: 'layer-name', text: `Dense ${from} →` }), units.el, act,
        h('span', { class: 'layer-params', text: `${perLayer[i] ?? 0} numbers` }),
        h('button', {
          type: 'button', class: 'tool-btn small danger', 'data-testid': `${key}-remove-${i}`,
          'aria-label': `Remove ${name.toLowerCase()} layer ${i + 1}`, title: 'Remove this layer', text: '×',
          onclick: () => edit((d) => denseOps.remove(d, which, i)),
        }));
    });
    const addUnits = which === 'pre_net' ? doc.circuit.qubits : Math.max(2, doc.circuit.qubits);
    const add = h('button', {
      type: 'button', class: 'tool-btn', 'data-testid': `${key}-add`,
      'aria-label': `Add a dense layer to the ${name.toLowerCase()}`,
      disabled: net.length >= app.limits.maxDenseLayers,
      onclick: () => edit((d) => denseOps.add(d, which, addUnits, which === 'post_net' && !(d.post_net ?? []).length ? 'linear' : 'tanh')),
    }, '+ Dense layer');
    const empty = which === 'pre_net'
      ? 'None: the angles read the inputs.'
      : 'None: the readout (scaled by the head) is the output.';
    return block(key, name, total,
      net.length ? h('ol', { class: 'layers' }, rows) : h('p', { class: 'hint small', text: empty }),
      h('div', { class: 'row gap' }, add));
  }

  /** The loss, the same field as the Training panel's menu. */
  function lossSelect(doc) {
    const sel = select({ 'data-testid': 'block-loss-select', 'aria-label': 'Loss of the model' },
      app.catalog.losses.map((l) => [l.name, l.label]), doc.training.loss);
    sel.addEventListener('change', () => {
      if (!edit((d) => { d.training.loss = sel.value; }, { fit: false })) sel.value = doc.training.loss;
    });
    return sel;
  }

  function render() {
    const doc = app.store.doc;
    const info = app.info();
    let m = null;
    try { m = app.engine.metrics(); } catch { /* drawn again on the next change */ }
    const b = m?.blocks ?? { pre_net: 0, circuit: 0, post_net: 0, head: 0 };
    const kind = app.catalog.datasets.find((k) => k.name === doc.data.kind);
    const p = doc.preprocess ?? {};
    const prep = [p.standardize ? 'standardised' : null, p.pca != null ? `PCA to ${p.pca}` : null].filter(Boolean);
    const used = new Set();
    for (const g of doc.circuit.gates) for (const q of g.params || []) if (q.feature) used.add(q.feature);
    const hidden = [...used].filter((f) => /^h\d+$/.test(f)).length;
    const ro = doc.readout;
    const roText = ro.kind === 'fidelity'
      ? `fidelity with ${ro.states.length} label state${ro.states.length === 1 ? '' : 's'}`
      : ro.observables.map((o) => `⟨${o}⟩`).join(', ');
    const softmax = doc.training.loss === 'cross_entropy' && info.outputs > 1 ? `of the softmax over ${info.outputs} outputs` : '';
    setChildren(list,
      block('data', 'Data', null, h('p', { class: 'block-text', text:
        `${kind?.label ?? doc.data.kind}: ${info.dataDim} input${info.dataDim === 1 ? '' : 's'}${prep.length ? `, ${prep.join(', ')}` : ''} → ${info.inputs} value${info.inputs === 1 ? '' : 's'}, ${info.classes} classes` })),
      netBlock(doc, 'pre_net', info.inputs, info.preNetParams ?? [], b.pre_net),
      block('circuit', 'Circuit', b.circuit, h('p', { class: 'block-text', text:
        `${doc.circuit.qubits} qubit${doc.circuit.qubits === 1 ? '' : 's'}, ${doc.circuit.gates.length} gates; angles read ${used.size ? [...used].join(', ') : 'no data'}${hidden ? ` (${hidden} pre-net output${hidden === 1 ? '' : 's'})` : ''}` })),
      block('readout', 'Readout', b.head, h('p', { class: 'block-text', text:
        `${roText} → ${info.readouts} value${info.readouts === 1 ? '' : 's'}${doc.head.trainable ? ', scaled by a trained head' : ''}` })),
      netBlock(doc, 'post_net', info.readouts, info.postNetParams ?? [], b.post_net),
      block('loss', 'Loss', null, h('div', { class: 'row gap' }, lossSelect(doc),
        softmax ? h('span', { class: 'block-text', text: softmax }) : null)));
    const sum = b.pre_net + b.circuit + b.head + b.post_net;
    total.textContent = `Total: ${count(sum)} — pre-net ${b.pre_net}, circuit ${b.circuit}, head ${b.head}, post-net ${b.post_net}`;
  }

  return { el, render };
}
