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

import { h, hasFocus, pixelRatio, setAttr, setChildren, setHidden, setText, widthWatcher } from './dom.js';
import { roving } from './roving.js';
import { formatNumber, formatPercent } from './format.js';

const fmtLoss = (v) => formatNumber(v, { fixed: 4, tiny: true });

const BOUNDARY_PX = 280; // the plot's CSS size where style.css sets none (it sets 280, or 340 on wide screens)
const LOSS_W = 414;
const LOSS_H = 170;
const CLASS_COLOURS = ['orange', 'blue', 'green'];
// The confusion matrix's shades: white for an empty share of a row, this blue for all of it
// (light enough for dark text on every cell).
const SHADE_FULL = [110, 155, 220];
const CONFUSION_MS = 400; // at most this often while training (less often for a large split)

/** A cell's background for `share` (0…1) of its row. */
export function shade(share) {
  const s = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0));
  const c = SHADE_FULL.map((f) => Math.round(255 + (f - 255) * s));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}


/**
 * The boundary plot's texts from the engine's metrics: the plotted inputs' names as axis
 * titles (inputs `plane`, 0-based, default the first two), and the class names ("class 0"
 * where a class is only a number).
 */
export function plotLabels(m, plane = [0, 1]) {
  const cols = m?.columns ?? [];
  const [a, b] = plane;
  const axisTitles = [cols[a] || `x${a + 1}`, cols[b] || (b === 1 && cols[0]) || `x${b + 1}`];
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

  // The plotted plane: two inputs of the data, the others at their training mean — or, with
  // PCA, two principal components, the others 0.
  const planeSpace = h('select', { 'data-testid': 'plane-space', 'aria-label': 'The plot is drawn over' },
    h('option', { value: 'raw', text: 'inputs' }), h('option', { value: 'pca', text: 'principal components' }));
  const planeX = h('select', { 'data-testid': 'plane-x', 'aria-label': 'Horizontal axis of the plot' });
  const planeY = h('select', { 'data-testid': 'plane-y', 'aria-label': 'Vertical axis of the plot' });
  const planeHint = h('span', { class: 'hint small' });
  const spaceField = h('label', { class: 'check' }, h('span', { class: 'lbl', text: 'Over' }), planeSpace);
  const planeRow = h('div', { class: 'plane-row', hidden: true }, spaceField,
    h('label', { class: 'check' }, h('span', { class: 'lbl', text: 'Horizontal' }), planeX),
    h('label', { class: 'check' }, h('span', { class: 'lbl', text: 'Vertical' }), planeY), planeHint);
  /** The components PCA keeps (0 without PCA). */
  const pcaK = () => app.store.doc.preprocess?.pca ?? 0;
  // Whether the user chose the plane for this data (else, with PCA, the first two components
  // are shown: the raw inputs of a 64-pixel image say little).
  let chosen = false;
  function setPlane(a, b, pca) {
    chosen = true;
    try {
      app.engine.setPlane(a, b, pca);
    } catch (e) { msg.show(`Not applied: ${e.message}`); return; }
    app.loop?.viewChanged?.();
    app.setPick(null);
    app.setHover(null);
    labels = planeLabels(lastMetrics);
    renderPlane(lastMetrics);
    app.invalidate('boundary', 'metrics');
  }
  planeX.addEventListener('change', () => setPlane(Number(planeX.value), Number(planeY.value), planeSpace.value === 'pca'));
  planeY.addEventListener('change', () => setPlane(Number(planeX.value), Number(planeY.value), planeSpace.value === 'pca'));
  planeSpace.addEventListener('change', () => setPlane(0, 1, planeSpace.value === 'pca'));
  /** The boundary's texts for the plane plotted now (principal components are PC1, PC2, …). */
  function planeLabels(m) {
    const plane = app.engine.plane();
    const l = plotLabels(m, plane);
    if (app.engine.planePreprocessed()) l.axisTitles = plane.map((a) => `PC${a + 1}`);
    return l;
  }
  let planeKey = '';
  let planeData = '';
  function renderPlane(m) {
    const cols = m?.columns ?? [];
    const data = JSON.stringify([app.store.doc.data.kind, cols]);
    if (data !== planeData) { planeData = data; chosen = false; }
    // A plane of principal components without PCA any more: back to the first two inputs; PCA
    // and no choice made: the first two components.
    const auto = app.engine.planePreprocessed() ? (pcaK() < 2 ? false : null) : (!chosen && pcaK() >= 2 ? true : null);
    if (auto != null) {
      app.engine.setPlane(0, 1, auto);
      app.ui.pick = null;
      app.invalidate('boundary', 'state');
    }
    const pca = app.engine.planePreprocessed();
    const names = pca ? Array.from({ length: pcaK() }, (_, i) => `PC${i + 1}`) : cols.map((c, i) => c || `x${i + 1}`);
    setHidden(planeRow, cols.length <= 2 && pcaK() < 2);
    setHidden(spaceField, pcaK() < 2);
    const space = pca ? 'pca' : 'raw';
    if (planeSpace.value !== space) planeSpace.value = space;
    setText(planeHint, pca ? 'other components at 0 (their mean)' : 'other inputs at their training mean');
    const key = JSON.stringify(names);
    if (key !== planeKey) {
      planeKey = key;
      for (const s of [planeX, planeY]) setChildren(s, names.map((c, i) => h('option', { value: i, text: c })));
    }
    const [a, b] = app.engine.plane();
    if (planeX.value !== String(a)) planeX.value = String(a);
    if (planeY.value !== String(b)) planeY.value = String(b);
  }

  // The confusion matrix of the test split (the training split when there is no test split).
  const confusion = h('table', { class: 'confusion', 'data-testid': 'confusion' });
  let confusionAt = -Infinity;
  let confusionGap = CONFUSION_MS;
  function renderConfusion(force) {
    const now = performance.now();
    if (!force && app.loop?.playing && now - confusionAt < confusionGap) return;
    confusionAt = now;
    let c;
    try {
      c = app.engine.confusion(true);
      if (!c.points) c = { ...app.engine.confusion(false), train: true };
    } catch { return; }
    // A large split takes a while to predict: then it is refreshed less often while training
    // (at most 5 % of the time).
    confusionGap = Math.max(CONFUSION_MS, 20 * (performance.now() - now));
    const k = c.classes;
    const names = plotLabels({ classes: k, classNames: c.classNames }).classNames;
    const rows = Array.from({ length: k }, (_, r) => c.counts.slice(r * k, r * k + k));
    setChildren(confusion,
      h('caption', { text: `Confusion matrix, ${c.train ? 'training' : 'test'} split (${c.points} points): rows are the true class, columns the predicted one${c.pending ? ' (being computed in the worker)' : ''}` }),
      h('thead', {}, h('tr', {}, h('td', {}), names.map((n) => h('th', { scope: 'col', text: n })))),
      h('tbody', {}, rows.map((row, r) => {
        const sum = row.reduce((x, y) => x + y, 0);
        return h('tr', {}, h('th', { scope: 'row', text: names[r] }), row.map((n, col) => {
          const td = h('td', { text: String(n), class: r === col ? 'diag' : '', 'data-testid': `confusion-${r}-${col}` });
          td.style.backgroundColor = shade(sum ? n / sum : 0);
          return td;
        }));
      })));
  }

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
  // A big model's numbers after an edit or new weights come from the training worker: until
  // then the figures shown are the previous model's (or none), and say so.
  const boundaryNote = h('p', { class: 'boundary-pending', role: 'status', 'data-testid': 'boundary-pending', hidden: true, text: 'Computing the decision boundary in the worker…' });
  const evaluating = h('p', { class: 'evaluating-note', role: 'status', 'data-testid': 'evaluating', hidden: true, text: 'Evaluating the model in the worker…' });

  const el = h('section', { class: 'panel output-panel', 'aria-label': 'Output' },
    h('div', { class: 'out-head' }, h('h2', { text: 'Output' }), modeBox),
    h('div', { class: 'out-main' },
      h('div', { class: 'boundary-wrap' }, boundary, boundaryNote, planeRow),
      h('div', { class: 'out-side' },
        h('div', { class: 'big' }, accLabel, bigAcc),
        idealBox,
        h('div', { class: 'big small' }, h('span', { class: 'lbl', text: 'Train accuracy' }), trainAcc),
        h('div', { class: 'big small' }, h('span', { class: 'lbl', text: 'Test loss' }), bigLoss),
        h('label', { class: 'check' }, showTest, h('span', { text: 'test points' })),
        evaluating)),
    table,
    h('div', { class: 'chart-head' }, h('span', { class: 'lbl', text: 'Curve of' }), metricSel,
      h('label', { class: 'check' }, logChk, h('span', { text: 'log scale' }))),
    loss, confusion, msg.el);

  // The chart follows its panel's width, the plot its CSS size (narrow and wide screens, a
  // resized window); widths come from a ResizeObserver, not read in the frame (a forced layout).
  const widths = widthWatcher();
  widths.watch(loss, () => app.invalidate('loss'));
  widths.watch(boundary, () => app.invalidate('boundary'));
  /** The boundary plot's CSS size (square), as laid out. */
  const boundarySize = () => widths.get(boundary, BOUNDARY_PX);

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
    const playing = !!app.loop?.playing;
    const t0 = performance.now();
    app.engine.drawBoundary(boundary, {
      showTest: app.ui.showTest, gridN: playing ? app.ui.gridNPlaying : app.ui.gridN, highlight: hl, axes: true,
      pixelRatio: boundary.width / n, ...labels,
    });
    // What a stopped page's grid costs here decides whether the worker computes the next one.
    if (!playing) app.loop?.boundaryDrawn?.(performance.now() - t0);
    let pending = false;
    try { pending = app.engine.pg.viewPending(); } catch { /* a broken engine drew nothing */ }
    boundaryNote.hidden = !pending;
  }

  function drawLoss() {
    const ratio = pixelRatio();
    const w = widths.get(loss, LOSS_W);
    fitCanvas(loss, w, LOSS_H, ratio);
    app.engine.drawLoss(loss, {
      logScale: app.ui.logScale, metric: app.ui.chartMetric,
      baseline: !!app.store.doc.baseline?.enabled, pixelRatio: loss.width / w,
    });
  }

  let lastMetrics = null;
  function renderMetrics(m) {
    lastMetrics = m;
    renderPlane(m);
    renderConfusion(false);
    const next = planeLabels(m);
    if (JSON.stringify(next) !== JSON.stringify(labels)) {
      labels = next;
      app.invalidate('boundary');
      renderModes(m.classes ?? 2);
    }
    const acc = (v) => formatPercent(v, 1);
    setText(cells['q-train-loss'], fmtLoss(m.trainLoss));
    setText(cells['q-test-loss'], fmtLoss(m.testLoss));
    setText(cells['q-train-acc'], acc(m.trainAcc));
    setText(cells['q-test-acc'], acc(m.testAcc));
    setText(cells['q-params'], m.params ?? '–');
    setText(cells['b-train-loss'], fmtLoss(m.baselineTrainLoss));
    setText(cells['b-test-loss'], fmtLoss(m.baselineTestLoss));
    setText(cells['b-train-acc'], acc(m.baselineTrainAcc));
    setText(cells['b-test-acc'], acc(m.baselineTestAcc));
    setText(cells['b-params'], m.baselineParams ?? '–');
    setText(bigAcc, acc(m.testAcc));
    setText(trainAcc, acc(m.trainAcc));
    const owed = !!m.unevaluated;
    setHidden(evaluating, !owed);
    el.classList.toggle('evaluating', owed);
    for (const o of [bigAcc, trainAcc, bigLoss, table]) setAttr(o, 'aria-busy', owed);
    setText(bigLoss, fmtLoss(m.testLoss));
    table.classList.toggle('no-baseline', m.baselineParams == null);
    // Under noise: the trained (noisy) model and the same weights run ideally.
    const noisy = !!m.noisy;
    table.classList.toggle('no-ideal', !noisy);
    setText(cells['i-train-loss'], fmtLoss(m.idealTrainLoss));
    setText(cells['i-test-loss'], fmtLoss(m.idealTestLoss));
    setText(cells['i-train-acc'], acc(m.idealTrainAcc));
    setText(cells['i-test-acc'], acc(m.idealTestAcc));
    setText(cells['i-params'], noisy ? (m.params ?? '–') : '–');
    setText(table.querySelector('.q-row th'), noisy ? `quantum, noisy (${m.engine})` : 'quantum');
    setText(accLabel, noisy ? 'Noisy test accuracy' : 'Test accuracy');
    setHidden(idealBox, !noisy);
    setText(idealAcc, acc(m.idealTestAcc));
  }

  function render() {
    showTest.checked = app.ui.showTest;
    logChk.checked = app.ui.logScale;
    metricSel.value = app.ui.chartMetric;
    // The engine's count (real tables, paper problems and CSVs have their own).
    const classes = app.info().classes ?? 2;
    renderModes(classes);
  }

  return { el, render, drawBoundary, drawLoss, renderMetrics, boundary, loss };
}
