// The output panel: the decision-boundary heat map (drawn by the engine with plotters on a
// canvas) with click-to-add-a-point and hover/click-to-inspect, the loss (or accuracy) chart, and
// the metrics of the hybrid model beside its classical baseline.
//
// HiDPI: the boundary's CSS size is fixed in style.css and the loss chart is as wide as its
// panel; their backing stores are the CSS size times devicePixelRatio (re-checked at every draw,
// so zooming or moving to another screen is followed), and the engine is told the ratio so text,
// lines and points keep their CSS size. The boundary's axes are titled with the dataset's real
// input names and its legend with the class names; clicks are mapped back with the same
// options, since the texts change the layout.

import { h, hasFocus, pixelRatio } from './dom.js';
import { roving } from './roving.js';
import { formatNumber, formatPercent } from './format.js';

const fmtLoss = (v) => formatNumber(v, { fixed: 4, tiny: true });

const BOUNDARY_PX = 280; // the plot's CSS size where style.css sets none (it sets 280, or 340 on wide screens)
const LOSS_W = 414;
const LOSS_H = 170;
const CLASS_COLOURS = ['orange', 'blue', 'green'];


/**
 * The boundary plot's texts from the engine's metrics: the plotted inputs' names as axis
 * titles, and the class names ("class 0" where a class is only a number).
 */
export function plotLabels(m) {
  const cols = m?.columns ?? [];
  const axisTitles = [cols[0] || 'x1', cols[1] || cols[0] || 'x2'];
  const n = m?.classes ?? 2;
  const names = m?.classNames ?? [];
  const classNames = Array.from({ length: n }, (_, c) => {
    const name = String(names[c] ?? c).trim();
    return /^\d+$/.test(name) ? `class ${name}` : name;
  });
  return { axisTitles, classNames };
}

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
  // The texts the boundary is drawn with (from the engine's metrics, kept by renderMetrics).
  let labels = plotLabels(null);

  // Click mode: pick a point for the state inspector, or add a point of a class. A radio group:
  // one Tab stop, the arrow keys move and choose.
  const modeBox = h('div', { class: 'click-mode', role: 'radiogroup', 'aria-label': 'Clicking the plot' });
  const modeButtons = [];
  const modeKeys = roving(modeBox, {
    items: () => modeButtons,
    current: () => modeButtons.find((b) => b.getAttribute('aria-checked') === 'true') ?? null,
    onMove: (b) => b.click(),
  });
  function setMode(m) {
    app.ui.clickMode = m;
    for (const b of modeButtons) b.setAttribute('aria-checked', String(b.dataset.mode === m));
    modeKeys.refresh();
  }
  function renderModes(classes) {
    const modes = [['pick', 'inspect'], ...Array.from({ length: classes }, (_, c) => [`add-${c}`, `+ ${c}`])];
    if (!modes.some(([m]) => m === app.ui.clickMode)) app.ui.clickMode = 'pick';
    const hadFocus = modeButtons.some((b) => hasFocus(b));
    modeButtons.length = 0;
    modeBox.replaceChildren(h('span', { class: 'lbl', 'aria-hidden': 'true', text: 'Click:' }), ...modes.map(([m, text]) => {
      const c = Number(m.slice(4));
      const what = m === 'pick' ? 'clicking the plot picks the point shown in the state inspector'
        : `clicking the plot adds a training point of ${labels.classNames[c] ?? `class ${c}`} (${CLASS_COLOURS[c] ?? 'coloured'} dots)`;
      const b = h('button', {
        type: 'button', role: 'radio', class: `mode-btn${m.startsWith('add') ? ` cls-${c}` : ''}`,
        'data-testid': `click-${m}`, 'data-mode': m, 'aria-checked': String(app.ui.clickMode === m),
        'aria-label': `${text}: ${what}`, title: what[0].toUpperCase() + what.slice(1),
        onclick: () => setMode(m),
      }, m.startsWith('add') ? h('span', { class: `cls-dot cls-${c}`, 'aria-hidden': 'true' }) : null, text);
      modeButtons.push(b);
      return b;
    }));
    modeKeys.refresh();
    if (hadFocus) modeButtons.find((b) => b.getAttribute('aria-checked') === 'true')?.focus();
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
    cols.map(([key]) => (cells[`${prefix}-${key}`] = h('td', { 'data-testid': prefix === 'q' ? `m-${key}` : prefix === 'i' ? `m-ideal-${key}` : `m-baseline-${key}` }))));
  const table = h('table', { class: 'metrics', 'data-testid': 'metrics' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', text: 'model' })), cols.map(([, name]) => h('th', { scope: 'col', text: name })))),
    h('tbody', {}, row('quantum', 'q', 'q-row'), row('ideal, same weights', 'i', 'ideal-row'), row('MLP baseline', 'b', 'baseline-row')));
  const bigAcc = h('output', { class: 'big-acc', 'data-testid': 'test-accuracy' }, '–');
  const bigLoss = h('output', { class: 'big-loss', 'data-testid': 'test-loss' }, '–');
  const trainAcc = h('output', { class: 'big-loss', 'data-testid': 'train-accuracy' }, '–');
  const idealAcc = h('output', { class: 'big-loss', 'data-testid': 'ideal-test-accuracy' }, '–');
  const accLabel = h('span', { class: 'lbl', text: 'Test accuracy' });
  const idealBox = h('div', { class: 'big small', hidden: true }, h('span', { class: 'lbl', text: 'Ideal test accuracy' }), idealAcc);

  const el = h('section', { class: 'panel output-panel', 'aria-label': 'Output' },
    h('div', { class: 'out-head' }, h('h2', { text: 'Output' }), modeBox),
    h('div', { class: 'out-main' },
      h('div', { class: 'boundary-wrap' }, boundary),
      h('div', { class: 'out-side' },
        h('div', { class: 'big' }, accLabel, bigAcc),
        idealBox,
        h('div', { class: 'big small' }, h('span', { class: 'lbl', text: 'Train accuracy' }), trainAcc),
        h('div', { class: 'big small' }, h('span', { class: 'lbl', text: 'Test loss' }), bigLoss),
        h('label', { class: 'check' }, showTest, h('span', { text: 'test points' })))),
    table,
    h('div', { class: 'chart-head' }, h('span', { class: 'lbl', text: 'Curve of' }), metricSel,
      h('label', { class: 'check' }, logChk, h('span', { text: 'log scale' }))),
    loss, msg.el);

  /** The boundary plot's CSS size (square), as laid out. */
  const boundarySize = () => Math.round(boundary.clientWidth) || BOUNDARY_PX;

  // Pointer on the boundary plot.
  const toData = (ev) => {
    // In CSS pixels of the plot as laid out at ratio 1: the same picture at any pixel ratio.
    const r = boundary.getBoundingClientRect();
    const n = boundarySize();
    const px = Math.floor(((ev.clientX - r.left) / r.width) * n);
    const py = Math.floor(((ev.clientY - r.top) / r.height) * n);
    try {
      return app.engine.boundaryPixelToData(n, n, px, py, { axes: true, ...labels }) ?? null;
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
    const n = boundarySize();
    fitCanvas(boundary, n, n, ratio);
    app.engine.drawBoundary(boundary, {
      showTest: app.ui.showTest, gridN: app.loop?.playing ? app.ui.gridNPlaying : app.ui.gridN, highlight: hl, axes: true,
      pixelRatio: boundary.width / n, ...labels,
    });
  }

  function drawLoss() {
    const ratio = pixelRatio();
    const w = Math.round(loss.clientWidth) || LOSS_W;
    fitCanvas(loss, w, LOSS_H, ratio);
    app.engine.drawLoss(loss, {
      logScale: app.ui.logScale, metric: app.ui.chartMetric,
      baseline: !!app.store.doc.baseline?.enabled, pixelRatio: loss.width / w,
    });
  }
  // The chart follows its panel's width, the plot its CSS size (narrow and wide screens, a
  // resized window).
  const sizes = new Map();
  const resized = new ResizeObserver((entries) => {
    for (const e of entries) {
      const w = Math.round(e.target.clientWidth);
      if (w && w !== sizes.get(e.target)) {
        sizes.set(e.target, w);
        app.invalidate(e.target === loss ? 'loss' : 'boundary');
      }
    }
  });
  resized.observe(loss);
  resized.observe(boundary);

  function renderMetrics(m) {
    const next = plotLabels(m);
    if (JSON.stringify(next) !== JSON.stringify(labels)) {
      labels = next;
      app.invalidate('boundary');
      renderModes(m.classes ?? 2);
    }
    const acc = (v) => formatPercent(v, 1);
    cells['q-train-loss'].textContent = fmtLoss(m.trainLoss);
    cells['q-test-loss'].textContent = fmtLoss(m.testLoss);
    cells['q-train-acc'].textContent = acc(m.trainAcc);
    cells['q-test-acc'].textContent = acc(m.testAcc);
    cells['q-params'].textContent = m.params ?? '–';
    cells['b-train-loss'].textContent = fmtLoss(m.baselineTrainLoss);
    cells['b-test-loss'].textContent = fmtLoss(m.baselineTestLoss);
    cells['b-train-acc'].textContent = acc(m.baselineTrainAcc);
    cells['b-test-acc'].textContent = acc(m.baselineTestAcc);
    cells['b-params'].textContent = m.baselineParams ?? '–';
    bigAcc.textContent = acc(m.testAcc);
    trainAcc.textContent = acc(m.trainAcc);
    bigLoss.textContent = fmtLoss(m.testLoss);
    table.classList.toggle('no-baseline', m.baselineParams == null);
    // Under noise: the trained (noisy) model and the same weights run ideally.
    const noisy = !!m.noisy;
    table.classList.toggle('no-ideal', !noisy);
    cells['i-train-loss'].textContent = fmtLoss(m.idealTrainLoss);
    cells['i-test-loss'].textContent = fmtLoss(m.idealTestLoss);
    cells['i-train-acc'].textContent = acc(m.idealTrainAcc);
    cells['i-test-acc'].textContent = acc(m.idealTestAcc);
    cells['i-params'].textContent = noisy ? (m.params ?? '–') : '–';
    table.querySelector('.q-row th').textContent = noisy ? `quantum, noisy (${m.engine})` : 'quantum';
    accLabel.textContent = noisy ? 'Noisy test accuracy' : 'Test accuracy';
    idealBox.hidden = !noisy;
    idealAcc.textContent = acc(m.idealTestAcc);
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
