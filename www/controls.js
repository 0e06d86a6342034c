// The training controls: Play/Pause, Step (one epoch), Reset (new initial weights), the epoch
// counter, and the document's training settings (optimizer, learning rate, batch, epochs, loss,
// shots), readout and head, and the classical baseline.

import { h, hasFocus, select, svg, uid } from './dom.js';
import { numberField } from './fields.js';
import { formatNumber } from './format.js';

const BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const SHOTS = [['exact', 'exact'], ['10', '10'], ['100', '100'], ['1000', '1 000'], ['10000', '10 000']];

function field(label, control, cls = '') {
  return h('label', { class: `ctl-field ${cls}`.trim() }, h('span', { class: 'lbl', text: label }), control);
}

export function createTrainingControls(app) {
  const msg = app.messages.training;

  const playBtn = h('button', {
    type: 'button', class: 'play-btn', 'data-testid': 'play', 'aria-label': 'Play: train continuously',
    'aria-pressed': 'false', title: 'Play / Pause (Space)', onclick: () => app.loop.toggle(),
  }, h('span', { class: 'play-icon', 'aria-hidden': 'true' }));
  const stepBtn = h('button', {
    type: 'button', class: 'round-btn', 'data-testid': 'step', 'aria-label': 'Step: train one epoch',
    title: 'Train one epoch', onclick: () => app.loop.stepEpoch(),
  }, svg('svg', { viewBox: '0 0 16 16', width: 14, height: 14, 'aria-hidden': 'true' },
    svg('path', { d: 'M3 2.5v11l8-5.5z', fill: 'currentColor' }), svg('rect', { x: 11.5, y: 2.5, width: 2, height: 11, fill: 'currentColor' })));
  const resetBtn = h('button', {
    type: 'button', class: 'round-btn', 'data-testid': 'reset', 'aria-label': 'Reset: new initial weights',
    title: 'New initial weights (seeded) and clear the history', onclick: () => app.loop.reset(),
  }, svg('svg', { viewBox: '0 0 16 16', width: 15, height: 15, 'aria-hidden': 'true' },
    svg('path', { d: 'M13 8a5 5 0 1 1-1.6-3.7', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8, 'stroke-linecap': 'round' }),
    svg('path', { d: 'M12.6 1.6v3.4H9.2', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' })));
  const epochOut = h('output', { class: 'epoch', 'data-testid': 'epoch', 'aria-live': 'off' }, '0');
  const epochOf = h('span', { class: 'epoch-of' });
  const rate = h('span', { class: 'rate', 'data-testid': 'rate' });

  const playRow = h('div', { class: 'play-row' },
    resetBtn, playBtn, stepBtn,
    h('div', { class: 'epoch-box' }, h('span', { class: 'lbl', text: 'Epoch' }),
      h('div', {}, epochOut, epochOf), rate));

  // Settings.
  // The engine's optimizers (L-BFGS among them: full batch, no learning rate).
  const optSel = select({ 'data-testid': 'optimizer', 'aria-label': 'Optimizer' }, app.catalog.optimizers.map((o) => [o.name, o.label]));
  let lastLr = 0.05; // the learning rate to come back to after L-BFGS
  optSel.addEventListener('change', () => app.edit(msg, (d) => {
    const lr = d.training.optimizer.lr ?? lastLr;
    d.training.optimizer = optSel.value === 'lbfgs' ? { kind: 'lbfgs' } : { kind: optSel.value, lr };
  }));
  const lr = numberField({
    label: 'Learning rate', value: 0.05, testid: 'lr', cls: 'short',
    commit: (v, w) => app.edit(w, (d) => { d.training.optimizer.lr = v; }),
  });
  const lrList = h('datalist', { id: uid('lr-list') },
    ['0.001', '0.003', '0.01', '0.03', '0.05', '0.1', '0.3', '0.6', '1'].map((v) => h('option', { value: v })));
  lr.input.setAttribute('list', lrList.id);
  const batchSel = select({ 'data-testid': 'batch', 'aria-label': 'Batch size' }, BATCHES.map((b) => [b, String(b)]));
  batchSel.addEventListener('change', () => app.edit(msg, (d) => { d.training.batch_size = Number(batchSel.value); }));
  const epochs = numberField({
    label: 'Epochs to train', value: 200, testid: 'epochs', integer: true, min: 1, max: app.limits.maxEpochs, cls: 'short',
    commit: (v, w) => app.edit(w, (d) => { d.training.epochs = v; }),
  });
  const lossSel = select({ 'data-testid': 'loss', 'aria-label': 'Loss' }, app.catalog.losses.map((l) => [l.name, l.label]));
  lossSel.addEventListener('change', () => {
    if (!app.edit(msg, (d) => { d.training.loss = lossSel.value; })) lossSel.value = app.store.doc.training.loss;
  });
  const shotsSel = select({ 'data-testid': 'shots', 'aria-label': 'Shots per expectation value' }, SHOTS);
  shotsSel.addEventListener('change', () => app.edit(msg, (d) => {
    d.training.shots = shotsSel.value === 'exact' ? null : Number(shotsSel.value);
  }));

  // Readout and head.
  const roKind = select({ 'data-testid': 'readout-kind', 'aria-label': 'Readout' },
    [['expval', 'expectation of'], ['fidelity', 'fidelity with']]);
  const roText = h('input', {
    type: 'text', class: 'ro-text', 'data-testid': 'readout-text', spellcheck: 'false', autocomplete: 'off',
    'aria-label': 'Readout observables (comma-separated Pauli strings such as Z0 or Z0 Z1) or label states (0, 1)',
    title: 'Observables: Pauli strings such as Z0, X1, Z0 Z1 (comma-separated, one per output). Fidelity: label bit strings, one per class.',
  });
  const roMsg = h('span', { class: 'field-msg', role: 'alert' });
  const roWhere = { show: (t) => { roMsg.textContent = t; }, clear: () => { roMsg.textContent = ''; } };
  const applyReadout = () => {
    const items = roText.value.split(',').map((s) => s.trim()).filter(Boolean);
    const ok = app.edit(roWhere, (d) => {
      const n = items.length;
      // A post-net reading another number of values starts its first layer fresh.
      if (d.post_net?.length && n !== d.head.scale.length) {
        const { weights, bias, ...first } = d.post_net[0];
        d.post_net = [first, ...d.post_net.slice(1)];
      }
      d.readout = roKind.value === 'fidelity' ? { kind: 'fidelity', states: items } : { kind: 'expval', observables: items };
      d.head.scale = Array.from({ length: n }, (_, k) => d.head.scale[k] ?? 1);
      d.head.bias = Array.from({ length: n }, (_, k) => d.head.bias[k] ?? 0);
      if (roKind.value === 'fidelity') {
        d.training.loss = 'fidelity';
        // A trained head could cheat the fidelity cost (the engine refuses it): keep it fixed.
        d.head.trainable = false;
        d.head.scale = d.head.scale.map(() => 1);
        d.head.bias = d.head.bias.map(() => 0);
      }
      else if (d.training.loss === 'fidelity') d.training.loss = n === 1 ? 'mse' : 'cross_entropy';
    });
    if (!ok) renderReadout(app.store.doc);
  };
  roKind.addEventListener('change', () => {
    roText.value = roKind.value === 'fidelity' ? '0, 1' : 'Z0';
    applyReadout();
  });
  roText.addEventListener('change', applyReadout);
  const headChk = h('input', { type: 'checkbox', 'data-testid': 'head-trainable', 'aria-label': 'Train the classical head (scale and bias)' });
  headChk.addEventListener('change', () => app.edit(msg, (d) => { d.head.trainable = headChk.checked; }));

  // Baseline.
  const baseChk = h('input', { type: 'checkbox', 'data-testid': 'baseline', 'aria-label': 'Train a classical MLP baseline beside the model' });
  const baseHidden = h('input', {
    type: 'text', class: 'short', 'data-testid': 'baseline-hidden', spellcheck: 'false',
    'aria-label': 'Baseline hidden layer sizes, comma-separated', title: 'Hidden layer sizes, e.g. 8, 8',
  });
  // "Same parameter budget": the engine sizes one hidden layer so the MLP has about as many
  // trainable numbers as the hybrid model (a fair comparison); the hidden sizes are then unused.
  const budgetChk = h('input', { type: 'checkbox', 'data-testid': 'baseline-budget' });
  budgetChk.addEventListener('change', () => {
    if (!app.edit(baseWhere, (d) => {
      d.baseline = { ...(d.baseline ?? { hidden: [8, 8], enabled: true }), budget: budgetChk.checked };
    })) renderBaseline(app.store.doc);
  });
  const baseMsg = h('span', { class: 'field-msg', role: 'alert' });
  const baseWhere = { show: (t) => { baseMsg.textContent = t; }, clear: () => { baseMsg.textContent = ''; } };
  baseChk.addEventListener('change', () => app.edit(baseWhere, (d) => {
    d.baseline = { ...(d.baseline ?? { hidden: [8, 8] }), enabled: baseChk.checked };
  }));
  baseHidden.addEventListener('change', () => {
    const parts = baseHidden.value.split(',').map((s) => s.trim()).filter(Boolean);
    const nums = parts.map(Number);
    if (nums.some((v) => !Number.isInteger(v) || v < 1)) {
      baseWhere.show(`“${baseHidden.value.slice(0, 24)}” is not a list of whole numbers such as 8, 8`);
      renderBaseline(app.store.doc);
      return;
    }
    if (!app.edit(baseWhere, (d) => { d.baseline = { enabled: d.baseline?.enabled ?? true, hidden: nums }; })) renderBaseline(app.store.doc);
  });

  const settings = h('fieldset', { class: 'lockable settings', 'data-lock': 'training' },
    h('legend', { class: 'visually-hidden', text: 'Training settings' }),
    field('Optimizer', optSel), field('Learning rate', h('span', {}, lr.el, lrList)),
    field('Batch', batchSel), field('Epochs', epochs.el), field('Loss', lossSel), field('Shots', shotsSel));
  const readout = h('fieldset', { class: 'lockable readout', 'data-lock': 'readout' },
    h('legend', { class: 'visually-hidden', text: 'Readout' }),
    h('div', { class: 'ro' }, roKind, roText), roMsg,
    h('label', { class: 'check' }, headChk, h('span', { text: 'train the head (scale, bias)' })));
  const baseline = h('fieldset', { class: 'lockable baseline-fs', 'data-lock': 'baseline' },
    h('legend', { class: 'visually-hidden', text: 'Classical baseline' }),
    h('label', { class: 'check' }, baseChk, h('span', { text: 'train an MLP beside it' })),
    h('label', { class: 'check' }, budgetChk, h('span', { text: 'same parameter budget as the model' })),
    h('label', { class: 'check' }, h('span', { class: 'lbl', text: 'hidden' }), baseHidden), baseMsg);

  const el = h('section', { class: 'panel train-panel', 'aria-label': 'Training' },
    playRow, settings, msg.el);
  const modelEl = h('section', { class: 'panel model-panel', 'aria-label': 'Readout and baseline' },
    h('h2', { text: 'Readout' }), readout,
    h('h2', { class: 'sub', text: 'Classical baseline' }), baseline);

  function renderReadout(doc) {
    const ro = doc.readout;
    roKind.value = ro.kind;
    if (!hasFocus(roText)) roText.value = (ro.kind === 'fidelity' ? ro.states : ro.observables).join(', ');
  }

  function renderBaseline(doc) {
    baseChk.checked = !!doc.baseline?.enabled;
    if (!hasFocus(baseHidden)) baseHidden.value = (doc.baseline?.hidden ?? [8, 8]).join(', ');
    budgetChk.checked = !!doc.baseline?.budget;
    budgetChk.disabled = !doc.baseline?.enabled;
    baseHidden.disabled = !doc.baseline?.enabled || !!doc.baseline?.budget;
  }

  function render() {
    const doc = app.store.doc;
    const t = doc.training;
    optSel.value = t.optimizer.kind;
    if (t.optimizer.lr != null) lastLr = t.optimizer.lr;
    lr.set(lastLr);
    lr.input.disabled = t.optimizer.lr == null;
    lr.input.title = t.optimizer.lr == null ? 'L-BFGS needs no learning rate (its line search chooses each step)' : String(lastLr);
    if (![...batchSel.options].some((o) => o.value === String(t.batch_size))) {
      batchSel.append(h('option', { value: t.batch_size, text: String(t.batch_size) }));
    }
    batchSel.value = String(t.batch_size);
    epochs.set(t.epochs);
    lossSel.value = t.loss;
    const shots = t.shots == null ? 'exact' : String(t.shots);
    if (![...shotsSel.options].some((o) => o.value === shots)) shotsSel.append(h('option', { value: shots, text: shots }));
    shotsSel.value = shots;
    epochOf.textContent = ` / ${t.epochs}`;
    renderReadout(doc);
    headChk.checked = !!doc.head.trainable;
    renderBaseline(doc);
  }

  function renderPlaying(playing) {
    playBtn.classList.toggle('playing', playing);
    playBtn.setAttribute('aria-pressed', String(playing));
    playBtn.setAttribute('aria-label', playing ? 'Pause training' : 'Play: train continuously');
    stepBtn.disabled = playing;
  }

  /** The worker is training the epoch Step asked for. */
  function renderStepping(on) {
    stepBtn.setAttribute('aria-busy', String(on));
    stepBtn.classList.toggle('busy', on);
  }

  function renderEpoch(epoch, epochsPerSec) {
    epochOut.textContent = String(epoch);
    rate.textContent = epochsPerSec != null ? `${formatNumber(epochsPerSec, { fixed: 1 })} epochs/s` : '';
  }

  return { el, modelEl, render, renderPlaying, renderStepping, renderEpoch };
}
