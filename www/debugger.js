// The Debugger panel: why a model does not learn. Tabs (a tablist with arrow keys):
// Gradients (live while training: the circuit's trainable gates tinted by |∂L/∂θ| of the last
// step, the per-block gradient-norm curve, the vanishing warning), Barren plateaus, Landscape,
// Fourier, Expressibility. The long analyses run in the engine a few ms per animation frame
// (analysisrun.js) with a progress bar, Pause and Cancel; a finished result goes into the
// document (`analyses`, through the ordinary edit) so links, downloads and the autosave carry
// it, and is shown from there: a chart drawn by the engine and its summary in words.

import { h, pixelRatio, select, setHidden, setText, uid, widthWatcher } from './dom.js';
import { roving } from './roving.js';
import { formatNumber } from './format.js';
import { AnalysisDriver, WorkerAnalysisDriver, progressText } from './analysisrun.js';
import { workerChoice } from './workers.js';

const TABS = [
  ['gradients', 'Gradients'],
  ['barren', 'Barren plateaus'],
  ['landscape', 'Landscape'],
  ['fourier', 'Fourier'],
  ['expressibility', 'Expressibility'],
];
const CHART_W = 414;
const CHART_H = 190;
const SQUARE = 340;
const fmt = (v) => formatNumber(v, { digits: 3, unicodeMinus: true });

function fitCanvas(canvas, w, hgt, ratio) {
  const bw = Math.round(w * ratio);
  const bh = Math.round(hgt * ratio);
  if (canvas.width !== bw) canvas.width = bw;
  if (canvas.height !== bh) canvas.height = bh;
}

export function createDebugger(app) {
  const msg = app.messages.debugger;
  const id = uid('dbg');
  let current = 'gradients';

  // ---- tabs -------------------------------------------------------------------------------
  const tabs = new Map();
  const panes = new Map();
  const tablist = h('div', { class: 'dbg-tabs', role: 'tablist', 'aria-label': 'Debugger views' });
  for (const [key, name] of TABS) {
    const tab = h('button', {
      type: 'button', role: 'tab', id: `${id}-tab-${key}`, 'aria-controls': `${id}-pane-${key}`,
      'aria-selected': String(key === current), 'data-testid': `dbg-tab-${key}`, text: name,
      onclick: () => choose(key),
    });
    tabs.set(key, tab);
    tablist.append(tab);
  }
  const tabKeys = roving(tablist, {
    items: () => [...tabs.values()],
    current: () => tabs.get(current),
    onMove: (b) => b.click(),
  });
  const pane = (key, ...children) => {
    const p = h('div', {
      role: 'tabpanel', id: `${id}-pane-${key}`, 'aria-labelledby': `${id}-tab-${key}`,
      class: 'dbg-pane', 'data-testid': `dbg-pane-${key}`, hidden: key !== current,
    }, ...children);
    panes.set(key, p);
    return p;
  };
  function choose(key) {
    current = key;
    for (const [k, t] of tabs) t.setAttribute('aria-selected', String(k === key));
    for (const [k, p] of panes) p.hidden = k !== key;
    tabKeys.refresh();
    app.invalidate('debug');
  }

  // ---- gradients ----------------------------------------------------------------------------
  const gradChart = h('canvas', {
    class: 'dbg-chart', 'data-testid': 'grad-chart', role: 'img', width: CHART_W, height: CHART_H,
    'aria-label': 'Gradient norm per block and epoch, on a log axis, with the vanishing threshold',
  });
  const gradBlocks = h('p', { class: 'dbg-text', 'data-testid': 'grad-blocks' });
  const gradWarning = h('p', { class: 'dbg-warning', role: 'status', 'data-testid': 'grad-warning', hidden: true });
  const tintBox = h('input', { type: 'checkbox', checked: true, 'data-testid': 'grad-tint' });
  tintBox.addEventListener('change', () => app.invalidate('debug'));

  // ---- long analyses: settings, Run ------------------------------------------------------
  const setting = (label, testid, options, value) => {
    const s = select({ 'data-testid': testid }, options.map((v) => [String(v), String(v)]), value);
    return { s, el: h('label', { class: 'dbg-setting' }, h('span', { text: label }), s) };
  };
  const barrenQubits = setting('up to qubits', 'barren-qubits', [3, 4, 6, 8, 10], 6);
  const barrenSamples = setting('circuits per point', 'barren-samples', [20, 50, 100, 200, 500, 1000], 200);
  const barrenLayers = setting('reference layers', 'barren-layers', [5, 10, 20, 50], 50);
  const landRes = setting('grid', 'landscape-resolution', [5, 11, 21, 41, 61], 41);
  // Directions: two random normalised ones, or two chosen parameters θi, θj (the engine's
  // numbering, from 0; it refuses an index the model does not have, with the count).
  const landDir = select({ 'data-testid': 'landscape-directions' },
    [['random', 'two random directions'], ['params', 'two chosen parameters']], 'random');
  const paramBox = (testid, value, text) => {
    const input = h('input', { type: 'number', class: 'num', min: '0', step: '1', value: String(value), 'data-testid': testid });
    return { input, el: h('label', { class: 'dbg-setting', hidden: true }, h('span', { text }), input) };
  };
  const landP1 = paramBox('landscape-param-1', 0, 'θ index (α)');
  const landP2 = paramBox('landscape-param-2', 1, 'θ index (β)');
  landDir.addEventListener('change', () => {
    const chosen = landDir.value === 'params';
    landP1.el.hidden = !chosen;
    landP2.el.hidden = !chosen;
  });
  const paramIndex = (box, which) => {
    const text = box.input.value.trim();
    if (!/^\d+$/.test(text)) throw new Error(`the ${which} parameter index must be a whole number ≥ 0 (θ0, θ1, …), not "${text.slice(0, 20)}"`);
    return Number(text);
  };
  const exprPairs = setting('pairs', 'expr-pairs', [100, 250, 500, 1000, 2000, 5000], 1000);
  const runButton = (kind, text) => h('button', {
    type: 'button', class: 'tool-btn dbg-run', 'data-testid': `run-${kind}`, text,
    onclick: () => start(kind),
  });
  const summaries = {};
  const summary = (kind) => (summaries[kind] = h('p', { class: 'dbg-text dbg-summary', 'data-testid': `${kind}-summary`, 'aria-live': 'polite' }));
  const barrenChart = h('canvas', { class: 'dbg-chart', 'data-testid': 'barren-chart', role: 'img', hidden: true, 'aria-label': 'Variance of the gradient against the number of qubits, local and global cost, with fitted exponentials' });
  const barrenLayersChart = h('canvas', { class: 'dbg-chart', 'data-testid': 'barren-layers-chart', role: 'img', hidden: true, 'aria-label': 'Variance of the gradient of the drawn circuit against its repetitions' });
  const landChart = h('canvas', { class: 'dbg-square', 'data-testid': 'landscape-chart', role: 'img', hidden: true, 'aria-label': 'Loss landscape around the current weights with the training path' });
  const fourierInput = h('select', { 'data-testid': 'fourier-input' });
  fourierInput.addEventListener('change', () => app.invalidate('debug'));
  const fourierChart = h('canvas', { class: 'dbg-chart', 'data-testid': 'fourier-chart', role: 'img', width: CHART_W, height: CHART_H, 'aria-label': 'Fourier coefficients of the output against frequency, the reachable frequencies shaded' });
  const exprTable = h('table', { class: 'dbg-table', 'data-testid': 'expr-table', hidden: true });

  // ---- progress, Pause, Cancel -------------------------------------------------------------
  const bar = h('div', { class: 'dbg-bar-fill' });
  const progress = h('div', {
    class: 'dbg-progress', role: 'progressbar', 'aria-label': 'Analysis progress', 'aria-valuemin': '0',
    'aria-valuemax': '100', 'aria-valuenow': '0', 'data-testid': 'analysis-progress',
  }, bar);
  const progressLabel = h('span', { class: 'dbg-progress-text', 'data-testid': 'analysis-status' });
  const pauseBtn = h('button', { type: 'button', class: 'tool-btn', 'data-testid': 'analysis-pause', text: 'Pause', onclick: () => (driver.state === 'paused' ? driver.resume() : driver.pause()) });
  const cancelBtn = h('button', { type: 'button', class: 'tool-btn', 'data-testid': 'analysis-cancel', text: 'Cancel', onclick: () => cancel() });
  const runBox = h('div', { class: 'dbg-runbox', hidden: true, 'data-testid': 'analysis-run' }, progress, progressLabel, pauseBtn, cancelBtn);
  let running = null;   // kind of the analysis running
  let lastProgress = null;
  let lastKind = null;  // kind of the analysis started last (kept when it ends)

  // The analyses run in the analysis worker where one can start (`?analysis=main` keeps them
  // here), else a few milliseconds per frame on this thread: the same numbers either way.
  const callbacks = {
    onProgress: (p) => showProgress(p),
    onState: (s) => {
      runBox.hidden = s === 'idle';
      if (s !== 'idle' && lastProgress) showProgress(lastProgress);
      pauseBtn.textContent = s === 'paused' ? 'Resume' : 'Pause';
      for (const b of el.querySelectorAll('.dbg-run')) b.disabled = s !== 'idle';
      if (s === 'idle') running = null;
    },
    onError: (m) => msg.show(`The analysis stopped: ${m}`),
    onDone: (json, stats) => {
      const kind = lastKind;
      app.lastAnalysisStats = { kind, ...stats };
      const ok = app.edit(msg, (d) => {
        d.analyses = JSON.parse(app.wasm.withAnalysis(JSON.stringify(d.analyses ?? []), json));
      });
      if (ok) msg.show(`The ${TABS.find(([k]) => k === kind)?.[1].toLowerCase() ?? kind} analysis is stored in the document (links and downloads carry it).`, 'info');
    },
  };
  const pageDriver = new AnalysisDriver({ budgetMs: 8, ...callbacks });
  const workerDriver = new WorkerAnalysisDriver({
    ...callbacks,
    // As many analysis workers as training shares a batch with (`?workers=N`, else the cores).
    count: workerChoice(globalThis.location?.href, globalThis.navigator?.hardwareConcurrency).workers,
    // The worker could not start or was lost: the analysis runs here instead, from the start.
    onLost: (spec) => {
      driver = pageDriver;
      if (!spec || app.engine.broken) return;
      try {
        running = spec.kind;
        pageDriver.run(app.engine.pg.startAnalysis(spec.kind, spec.options));
      } catch (e) {
        running = null;
        msg.show(`Cannot start: ${e.message}`);
      }
    },
  });
  const inWorker = app.useWorker !== false && typeof Worker === 'function' && !/[?&#]analysis=main\b/.test(globalThis.location?.href ?? '');
  let driver = inWorker ? workerDriver : pageDriver;
  // What tests and benchmarks look at: the driver running now.
  app.analysis = {
    get state() { return driver.state; },
    get inWorker() { return driver === workerDriver; },
    pause: () => driver.pause(),
    resume: () => driver.resume(),
    cancel: () => driver.cancel(),
  };

  function showProgress(p) {
    lastProgress = p;
    const pct = Math.floor(Math.min(1, p.fraction ?? 0) * 100);
    progress.setAttribute('aria-valuenow', String(pct));
    progress.setAttribute('aria-valuetext', progressText(p));
    bar.style.width = `${pct}%`;
    progressLabel.textContent = `${TABS.find(([k]) => k === running)?.[1] ?? ''}: ${progressText(p)}${driver.state === 'paused' ? ', paused' : ''}`;
  }

  function options(kind) {
    if (kind === 'barren') {
      const n = Number(barrenQubits.s.value);
      return { qubits: Array.from({ length: n - 1 }, (_, i) => i + 2), samples: Number(barrenSamples.s.value), refLayers: Number(barrenLayers.s.value), layers: 6 };
    }
    if (kind === 'landscape') {
      const o = { resolution: Number(landRes.s.value) };
      if (landDir.value === 'params') o.params = [paramIndex(landP1, 'first'), paramIndex(landP2, 'second')];
      return o;
    }
    return { pairs: Number(exprPairs.s.value), maxLayers: 3 };
  }

  function start(kind) {
    if (app.engine.broken) return;
    msg.clear();
    app.sync();
    let runner;
    try {
      runner = app.engine.pg.startAnalysis(kind, options(kind));
    } catch (e) {
      msg.show(`Cannot start: ${e.message}`);
      return;
    }
    running = kind;
    lastKind = kind;
    const first = runner.progress();
    showProgress(first);
    if (driver === workerDriver) {
      // Checked here (a bad option is named at once); computed in the workers, the runner
      // putting their shards together (the driver frees it).
      driver.run({ snapshot: app.engine.transferSnapshot(), path: app.engine.pg.trainingPath(), kind, options: options(kind), progress: first, merger: runner });
    } else {
      driver.run(runner);
    }
  }

  function cancel() {
    const kind = running;
    driver.cancel();
    if (kind) msg.show(`Cancelled the ${TABS.find(([k]) => k === kind)?.[1].toLowerCase()} analysis; nothing was stored.`, 'info');
  }

  // ---- the panel ----------------------------------------------------------------------------
  const el = h('section', { class: 'panel debugger-panel', 'aria-label': 'Debugger', 'data-testid': 'debugger' },
    h('h2', { text: 'Debugger' }),
    tablist,
    pane('gradients',
      h('label', { class: 'check' }, tintBox, h('span', { text: 'tint the circuit’s gates by |∂L/∂θ| of the last step' })),
      gradWarning, gradChart, gradBlocks),
    pane('barren',
      h('p', { class: 'dbg-help', text: 'Variance of ∂C/∂θ₀ over random initialisations: the reference circuit (McClean et al.) against qubits, the drawn circuit against its repetitions; local ⟨Z₀Z₁⟩ and global cost.' }),
      h('div', { class: 'dbg-settings' }, barrenQubits.el, barrenSamples.el, barrenLayers.el, runButton('barren', 'Run sweep')),
      summary('barren'), barrenChart, barrenLayersChart),
    pane('landscape',
      h('p', { class: 'dbg-help', text: 'The loss around the current weights along two random normalised directions or two chosen parameters, with the training path.' }),
      h('div', { class: 'dbg-settings' }, landRes.el,
        h('label', { class: 'dbg-setting' }, h('span', { text: 'directions' }), landDir), landP1.el, landP2.el,
        runButton('landscape', 'Compute landscape')),
      summary('landscape'), landChart),
    pane('fourier',
      h('div', { class: 'dbg-settings' }, h('label', { class: 'dbg-setting' }, h('span', { text: 'input' }), fourierInput)),
      summary('fourier'), fourierChart),
    pane('expressibility',
      h('p', { class: 'dbg-help', text: 'How uniformly the drawn circuit covers the states (KL divergence of its fidelities from Haar’s, lower is more expressive) and how much it entangles, ranked among the built-in templates (Sim et al. 2019).' }),
      h('div', { class: 'dbg-settings' }, exprPairs.el, runButton('expressibility', 'Compute')),
      summary('expressibility'), exprTable),
    runBox, msg.el);

  // ---- drawing ----------------------------------------------------------------------------
  const ratio = () => pixelRatio();
  // Widths from a ResizeObserver: read here, after the circuit's tints and labels were
  // written, clientWidth would lay the page out in the middle of every training frame.
  const widths = widthWatcher();
  for (const c of [gradChart, barrenChart, barrenLayersChart, landChart, fourierChart]) widths.watch(c, () => app.invalidate('debug'));
  const width = (c, w) => widths.get(c, w);

  /** The gradient tints for the circuit editor (null: none shown). */
  function paintGradients() {
    const r = app.engine.pg.gradientReport();
    const trained = r.epochs > 0 || r.blocks.some(([, v]) => v > 0);
    app.ui.gradients = tintBox.checked && trained ? new Map(r.gates.map((g) => [g.gate, g])) : null;
    app.refreshGradients?.();
    setHidden(gradWarning, !r.warning);
    setText(gradWarning, r.warning ?? '');
    if (current !== 'gradients') return;
    setText(gradBlocks, trained
      ? `Last step: ${r.blocks.map(([name, v]) => `${name} ${fmt(v)}`).join(', ')} (threshold ${fmt(r.threshold)}).`
      : 'Train a step to see the gradients.');
    const w = width(gradChart, CHART_W);
    fitCanvas(gradChart, w, CHART_H, ratio());
    app.engine.pg.drawGradientNorms(gradChart, { pixelRatio: gradChart.width / w });
  }

  function paintStored() {
    const stored = new Set(app.engine.pg.storedAnalyses());
    for (const kind of ['barren', 'landscape', 'expressibility']) {
      const has = stored.has(kind);
      if (kind !== running || !has) summaries[kind].textContent = has ? app.engine.pg.analysisSummary(kind) : 'Not computed yet.';
    }
    barrenChart.hidden = !stored.has('barren');
    landChart.hidden = !stored.has('landscape');
    exprTable.hidden = !stored.has('expressibility');
    if (current === 'barren' && stored.has('barren')) {
      const w = width(barrenChart, CHART_W);
      fitCanvas(barrenChart, w, CHART_H + 30, ratio());
      app.engine.pg.drawAnalysis(barrenChart, 'barren', { pixelRatio: barrenChart.width / w, axis: 'qubits' });
      const a = JSON.parse(app.engine.pg.analysis('barren'));
      barrenLayersChart.hidden = !a.drawn;
      if (a.drawn) {
        fitCanvas(barrenLayersChart, w, CHART_H + 30, ratio());
        app.engine.pg.drawAnalysis(barrenLayersChart, 'barren', { pixelRatio: barrenLayersChart.width / w, axis: 'layers' });
      }
    } else if (!stored.has('barren')) barrenLayersChart.hidden = true;
    if (current === 'landscape' && stored.has('landscape')) {
      const w = Math.min(width(landChart, SQUARE), SQUARE);
      fitCanvas(landChart, w, w, ratio());
      app.engine.pg.drawAnalysis(landChart, 'landscape', { pixelRatio: landChart.width / w });
    }
    if (current === 'expressibility' && stored.has('expressibility')) renderExprTable(JSON.parse(app.engine.pg.analysis('expressibility')));
  }

  function renderExprTable(a) {
    const rows = [{ label: 'your circuit', r: a.result, own: true }, ...a.templates.map((t) => ({ label: `${t.template} ×${t.layers}`, r: t.result }))]
      .sort((x, y) => x.r.kl_divergence - y.r.kl_divergence);
    exprTable.replaceChildren(
      h('caption', { class: 'visually-hidden', text: 'Expressibility and entangling capability, most expressive first' }),
      h('thead', {}, h('tr', {}, ['circuit', 'KL from Haar', 'entangling Q'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, rows.map((x) => h('tr', { class: x.own ? 'own' : '' },
        h('th', { scope: 'row', text: x.label }), h('td', { text: fmt(x.r.kl_divergence) }), h('td', { text: fmt(x.r.entangling_capability) })))));
  }

  function paintFourier() {
    if (current !== 'fourier') return;
    const input = Number(fourierInput.value || 0);
    try {
      const r = app.engine.pg.fourierReport(input);
      summaries.fourier.textContent = r.summary;
      const w = width(fourierChart, CHART_W);
      fitCanvas(fourierChart, w, CHART_H, ratio());
      app.engine.pg.drawFourier(fourierChart, { pixelRatio: fourierChart.width / w, input });
      fourierChart.hidden = false;
    } catch (e) {
      summaries.fourier.textContent = e.message;
      fourierChart.hidden = true;
    }
  }

  /** The debug painter: gradients every frame while training, the rest when shown. */
  function paint() {
    paintGradients();
    paintStored();
    paintFourier();
  }

  function render() {
    const m = app.engine.metrics();
    const n = app.info()?.dataDim ?? m.columns?.length ?? 2;
    const names = Array.from({ length: n }, (_, i) => m.columns?.[i] || `x${i + 1}`);
    const want = names.map((c, i) => `${i}:${c}`).join('|');
    if (fourierInput.dataset.names !== want) {
      const keep = fourierInput.value;
      fourierInput.replaceChildren(...names.map((c, i) => h('option', { value: String(i), text: c })));
      fourierInput.value = keep && Number(keep) < n ? keep : '0';
      fourierInput.dataset.names = want;
    }
  }

  return { el, render, paint, cancel, choose };
}
