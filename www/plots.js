// The output panel: the decision-boundary heat map (drawn by the engine with plotters on a
// canvas) with click-to-add-a-point and hover/click-to-inspect, the loss (or accuracy) chart, and
// the metrics of the hybrid model beside its classical baseline.
//
// HiDPI: the CSS size of both canvases is fixed in style.css; their backing stores are that size
// times devicePixelRatio (re-checked at every draw, so zooming or moving to another screen is
// followed), and the engine is told the ratio so text, lines and points keep their CSS size.

import { fmt, h, pct } from './dom.js';

const BOUNDARY_PX = 280;
const LOSS_W = 414;
const LOSS_H = 170;
const CLASS_NAMES = ['orange', 'blue', 'green'];

/** Device pixels per CSS pixel for the plots (1 to 3). */
const pixelRatio = () => Math.min(Math.max(window.devicePixelRatio || 1, 1), 3);

/** Gives `canvas` a backing store of its CSS size (`w` × `h`) times `ratio`. */
function fitCanvas(canvas, w, h, ratio) {
  const bw = Math.round(w * ratio);
  const bh = Math.round(h * ratio);
  if (canvas.width !== bw) canvas.width = bw;
  if (canvas.height !== bh) canvas.height = bh;
}

export function createOutputPanel(app) {
  const msg = app.messages.output;
  const boundary = h('canvas', {
    width: BOUNDARY_PX, height: BOUNDARY_PX, class: 'boundary', 'data-testid': 'boundary', tabindex: '0',
    role: 'img', 'aria-label': 'Decision boundary: the model\'s output over the data, with the training points',
  });
  const loss = h('canvas', {
    width: LOSS_W, height: LOSS_H, class: 'loss', 'data-testid': 'loss-chart', role: 'img',
    'aria-label': 'Loss per epoch, train and test',
  });

  // Click mode: pick a point for the state inspector, or add a point of a class.
  const modeBox = h('div', { class: 'click-mode', role: 'radiogroup', 'aria-label': 'Clicking the plot' });
  const modeButtons = [];
  function renderModes(classes) {
    const modes = [['pick', 'inspect'], ...Array.from({ length: classes }, (_, c) => [`add-${c}`, `+ ${c}`])];
    if (!modes.some(([m]) => m === app.ui.clickMode)) app.ui.clickMode = 'pick';
    modeButtons.length = 0;
    modeBox.replaceChildren(h('span', { class: 'lbl', text: 'Click:' }), ...modes.map(([m, text]) => {
      const b = h('button', {
        type: 'button', role: 'radio', class: `mode-btn${m.startsWith('add') ? ` cls-${m.slice(4)}` : ''}`,
        'data-testid': `click-${m}`, 'aria-checked': String(app.ui.clickMode === m),
        'aria-label': m === 'pick' ? 'Clicking the plot picks a point for the state inspector' : `Clicking the plot adds a ${CLASS_NAMES[Number(m.slice(4))] ?? ''} point of class ${m.slice(4)}`,
        title: m === 'pick' ? 'Click picks the point shown in the state inspector' : `Click adds a training point of class ${m.slice(4)}`,
        onclick: () => { app.ui.clickMode = m; renderModes(classes); },
      }, m.startsWith('add') ? h('span', { class: `cls-dot cls-${m.slice(4)}`, 'aria-hidden': 'true' }) : null, text);
      modeButtons.push(b);
      return b;
    }));
  }

  const showTest = h('input', { type: 'checkbox', 'data-testid': 'show-test', 'aria-label': 'Show the test points' });
  showTest.addEventListener('change', () => { app.ui.showTest = showTest.checked; app.invalidate('boundary'); });
  const logChk = h('input', { type: 'checkbox', 'data-testid': 'log-scale', 'aria-label': 'Logarithmic loss axis' });
  logChk.addEventListener('change', () => { app.ui.logScale = logChk.checked; app.invalidate('loss'); });
  const metricSel = h('select', { 'data-testid': 'chart-metric', 'aria-label': 'Chart shows' },
    h('option', { value: 'loss', text: 'loss' }), h('option', { value: 'accuracy', text: 'accuracy' }));
  metricSel.addEventListener('change', () => { app.ui.chartMetric = metricSel.value; app.invalidate('loss'); });

  // Metrics: the hybrid model beside its classical baseline.
  const cells = {};
  const cols = [['train-loss', 'train loss'], ['test-loss', 'test loss'], ['train-acc', 'train acc'], ['test-acc', 'test acc'], ['params', 'params']];
  const row = (name, prefix, cls) => h('tr', { class: cls },
    h('th', { scope: 'row', text: name }),
    cols.map(([key]) => (cells[`${prefix}-${key}`] = h('td', { 'data-testid': prefix === 'q' ? `m-${key}` : `m-baseline-${key}` }))));
  const table = h('table', { class: 'metrics', 'data-testid': 'metrics' },
    h('thead', {}, h('tr', {}, h('th', {}), cols.map(([, name]) => h('th', { scope: 'col', text: name })))),
    h('tbody', {}, row('quantum', 'q', 'q-row'), row('MLP baseline', 'b', 'baseline-row')));
  const bigAcc = h('output', { class: 'big-acc', 'data-testid': 'test-accuracy' }, '–');
  const bigLoss = h('output', { class: 'big-loss', 'data-testid': 'test-loss' }, '–');
  const trainAcc = h('output', { class: 'big-loss', 'data-testid': 'train-accuracy' }, '–');

  const el = h('section', { class: 'panel output-panel', 'aria-label': 'Output' },
    h('div', { class: 'out-head' }, h('h2', { text: 'Output' }), modeBox),
    h('div', { class: 'out-main' },
      h('div', { class: 'boundary-wrap' }, boundary),
      h('div', { class: 'out-side' },
        h('div', { class: 'big' }, h('span', { class: 'lbl', text: 'Test accuracy' }), bigAcc),
        h('div', { class: 'big small' }, h('span', { class: 'lbl', text: 'Train accuracy' }), trainAcc),
        h('div', { class: 'big small' }, h('span', { class: 'lbl', text: 'Test loss' }), bigLoss),
        h('label', { class: 'check' }, showTest, h('span', { text: 'test points' })))),
    table,
    h('div', { class: 'chart-head' }, h('span', { class: 'lbl', text: 'Curve of' }), metricSel,
      h('label', { class: 'check' }, logChk, h('span', { text: 'log scale' }))),
    loss, msg.el);

  // Pointer on the boundary plot.
  const toData = (ev) => {
    // In CSS pixels of the plot as laid out at ratio 1: the same picture at any pixel ratio.
    const r = boundary.getBoundingClientRect();
    const px = Math.floor(((ev.clientX - r.left) / r.width) * BOUNDARY_PX);
    const py = Math.floor(((ev.clientY - r.top) / r.height) * BOUNDARY_PX);
    try {
      return app.engine.pixelToData(BOUNDARY_PX, BOUNDARY_PX, px, py, true) ?? null;
    } catch {
      return null;
    }
  };
  boundary.addEventListener('pointermove', (ev) => {
    const p = toData(ev);
    app.setHover(p ? [p[0], p[1]] : null);
  });
  boundary.addEventListener('pointerleave', () => app.setHover(null));
  boundary.addEventListener('click', (ev) => {
    const p = toData(ev);
    if (!p) return;
    if (app.ui.clickMode.startsWith('add')) {
      if (app.isLocked('data')) { msg.show('The data is locked in this lesson.'); return; }
      app.addPoint(p[0], p[1], Number(app.ui.clickMode.slice(4)));
    } else {
      app.setPick([p[0], p[1]]);
    }
  });
  boundary.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') app.setPick(null);
  });

  function drawBoundary() {
    const hl = app.ui.pick ?? null;
    const ratio = pixelRatio();
    fitCanvas(boundary, BOUNDARY_PX, BOUNDARY_PX, ratio);
    app.engine.drawBoundary(boundary, {
      showTest: app.ui.showTest, gridN: app.loop?.playing ? app.ui.gridNPlaying : app.ui.gridN, highlight: hl, axes: true,
      pixelRatio: boundary.width / BOUNDARY_PX,
    });
  }

  function drawLoss() {
    const ratio = pixelRatio();
    fitCanvas(loss, LOSS_W, LOSS_H, ratio);
    app.engine.drawLoss(loss, {
      logScale: app.ui.logScale, metric: app.ui.chartMetric,
      baseline: !!app.store.doc.baseline?.enabled, pixelRatio: loss.width / LOSS_W,
    });
  }

  function renderMetrics(m) {
    const acc = (v) => pct(v, 1);
    cells['q-train-loss'].textContent = fmt(m.trainLoss, 4);
    cells['q-test-loss'].textContent = fmt(m.testLoss, 4);
    cells['q-train-acc'].textContent = acc(m.trainAcc);
    cells['q-test-acc'].textContent = acc(m.testAcc);
    cells['q-params'].textContent = m.params ?? '–';
    cells['b-train-loss'].textContent = fmt(m.baselineTrainLoss, 4);
    cells['b-test-loss'].textContent = fmt(m.baselineTestLoss, 4);
    cells['b-train-acc'].textContent = acc(m.baselineTrainAcc);
    cells['b-test-acc'].textContent = acc(m.baselineTestAcc);
    cells['b-params'].textContent = m.baselineParams ?? '–';
    bigAcc.textContent = acc(m.testAcc);
    trainAcc.textContent = acc(m.trainAcc);
    bigLoss.textContent = fmt(m.testLoss, 4);
    table.classList.toggle('no-baseline', m.baselineParams == null);
  }

  function render() {
    const doc = app.store.doc;
    showTest.checked = app.ui.showTest;
    logChk.checked = app.ui.logScale;
    metricSel.value = app.ui.chartMetric;
    const classes = doc.data.kind === 'custom'
      ? Math.max(2, doc.data.custom.reduce((m, r) => Math.max(m, r[2] + 1), 0))
      : (['gaussians3', 'circles3'].includes(doc.data.kind) ? 3 : 2);
    renderModes(classes);
  }

  return { el, render, drawBoundary, drawLoss, renderMetrics, boundary, loss };
}
