// One playground on a page: builds the panels inside `root`, wires them to the document store and
// the engine, runs the training loop and schedules redraws. Nothing here is global, so several
// playgrounds can live on one page (embedding); the page-level glue is in main.js.

import { h, MessageArea } from './dom.js';
import { DocumentStore } from './state.js';
import { Engine } from './engine.js';
import { nextCol } from './editor/ops.js';
import { createCircuitEditor } from './editor/circuit.js';
import { createGateInspector } from './editor/inspector.js';
import { createStateInspector } from './stateview.js';
import { createDataPanel } from './datapanel.js';
import { createTrainingControls } from './controls.js';
import { createOutputPanel } from './plots.js';
import { TrainLoop } from './loop.js';
import { watchPanics } from './panic.js';

/**
 * Creates a playground in `root`.
 * @param {HTMLElement} root
 * @param {object} o
 * @param {object} o.wasm the engine module (functions and the Playground class)
 * @param {string} [o.json] the initial document (default: the engine's default document)
 * @param {boolean} [o.compact] the embedded layout: a bar with the title and tools on top, two
 *   columns that fit the element's height, the lesson text above the circuit
 * @param {'document'|'root'} [o.keys] where keyboard shortcuts come from: the whole page
 *   (the full playground: also with nothing focused) or only from inside `root` (embeds, so
 *   several playgrounds on a page never act on one key press)
 */
export function createPlayground(root, { wasm, json, compact = false, keys = 'document' }) {
  const kinds = new Map(wasm.gateKinds().map((k) => [k.name, k]));
  const messages = {
    global: new MessageArea('global', 'msg-global'),
    circuit: new MessageArea('', 'msg-circuit'),
    data: new MessageArea('', 'msg-data'),
    features: new MessageArea('', 'msg-features'),
    training: new MessageArea('', 'msg-training'),
    output: new MessageArea('', 'msg-output'),
    state: new MessageArea('', 'msg-state'),
  };

  const store = new DocumentStore({ validate: (j) => wasm.validateDocument(j), json: json ?? wasm.defaultDocument() });
  const engine = new Engine(wasm, store.json);

  const app = {
    wasm,
    kinds,
    store,
    engine,
    messages,
    root,
    ui: {
      selected: null,       // index of the selected gate
      inspectCol: null,     // state inspector column (null: end of circuit)
      hover: null,          // [x1, x2] under the pointer on the boundary plot
      pick: null,           // [x1, x2] clicked on the boundary plot
      clickMode: 'pick',    // 'pick' or 'add-<class>'
      showTest: false,
      logScale: false,
      chartMetric: 'loss',
      gridN: 48,            // boundary grid when idle
      gridNPlaying: 32,     // and while training (keeps each frame short)
      stepMs: 10,
    },
    stats: { fps: 0, epochsPerSec: 0, frames: 0, longestFrameMs: 0 },
    /** Called after every full re-render (locks may have changed): tools outside the panels. */
    onRender: new Set(),
  };

  /** Whether a lesson locks `control` (see the document's `locked`). */
  app.isLocked = (control) => (store.doc.locked || []).includes(control);

  /** Copies the engine's trained weights into the store (no history entry). */
  app.sync = () => {
    if (!engine.dirty || engine.broken) return;
    try {
      store.absorb(engine.document());
    } catch (e) {
      messages.global.show(`Could not read the trained weights: ${e.message}`);
    }
    engine.dirty = false;
  };

  /**
   * Applies an edit to the document. `where` is a message-area key ('circuit', 'data', …) or an
   * object with show/clear (a box's own message slot). Returns true when accepted; a refused
   * edit shows why there and leaves the document as it was.
   */
  app.edit = (where, mutator, opts) => {
    const area = typeof where === 'string' ? messages[where] : where;
    app.sync();
    try {
      store.edit(mutator, opts);
      area?.clear();
      return true;
    } catch (e) {
      area?.show(refusal(e));
      return false;
    }
  };

  app.undo = () => { app.sync(); if (!store.undo()) messages.circuit.show('Nothing to undo.', 'info'); };
  app.redo = () => { app.sync(); if (!store.redo()) messages.circuit.show('Nothing to redo.', 'info'); };

  /**
   * Loads a whole document (preset, file, link) as one undoable step. `what` names it in the
   * refusal (e.g. a file name, shown as text).
   */
  app.load = (text, where = 'global', what = 'This document') => {
    app.sync();
    try {
      store.load(text);
      app.ui.selected = null;
      app.ui.inspectCol = null;
      messages[where]?.clear();
      return true;
    } catch (e) {
      messages[where]?.show(`${what} cannot be opened — ${e.message}. Your work is unchanged.`);
      return false;
    }
  };

  app.select = (i) => {
    if (app.ui.selected === i) return;
    app.ui.selected = i;
    editor.renderSelection();
    gateInspector.render();
  };
  app.focusInspector = () => gateInspector.focus();

  app.setInspectCol = (c) => {
    app.ui.inspectCol = c;
    editor.render();
    app.invalidate('state');
  };
  app.setHover = (p) => {
    app.ui.hover = p;
    app.invalidate('state');
  };
  app.setPick = (p) => {
    app.ui.pick = p;
    app.invalidate('state', 'boundary');
  };
  app.currentPoint = () => app.ui.hover ?? app.ui.pick ?? [0, 0];

  app.addPoint = (x1, x2, label) => {
    app.sync();
    try {
      engine.addPoint(x1, x2, label);
      store.commitFromEngine(engine.document());
      engine.dirty = false;
      messages.output.clear();
    } catch (e) {
      messages.output.show(refusal(e));
    }
  };

  // ---- redraw scheduling: parts are marked dirty and drawn once per animation frame ----------
  const dirty = new Set();
  let scheduled = 0;
  app.invalidate = (...parts) => {
    for (const p of parts) dirty.add(p);
    if (!scheduled && !app.loop?.playing) {
      scheduled = requestAnimationFrame(() => { scheduled = 0; app.flush(); });
    }
  };
  const painters = {
    boundary: () => output.drawBoundary(),
    loss: () => output.drawLoss(),
    metrics: () => {
      const m = engine.metrics();
      output.renderMetrics(m);
      controls.renderEpoch(m.epoch ?? 0, app.loop?.playing ? app.stats.epochsPerSec : null);
    },
    state: () => stateView.render(),
  };
  const lastDrawn = { boundary: 0, loss: 0, metrics: 0, state: 0 };
  /**
   * Draws the dirty parts. With a deadline (while training), the stalest parts go first and
   * the rest wait for the next frame once the frame has used its budget, so one frame never
   * does everything at once; the state inspector refreshes about 8 times a second then.
   */
  app.flush = ({ start = performance.now(), budgetMs = Infinity } = {}) => {
    if (engine.broken) return;
    const order = [...dirty].sort((a, b) => lastDrawn[a] - lastDrawn[b]);
    let drew = 0;
    for (const part of order) {
      const now = performance.now();
      if (part === 'state' && budgetMs !== Infinity && now - lastDrawn.state < 120) continue;
      if (drew > 0 && part !== 'metrics' && now - start > budgetMs) break;
      dirty.delete(part);
      lastDrawn[part] = now;
      try {
        painters[part]();
      } catch (e) {
        if (!engine.broken) messages.output.show(`Drawing failed: ${e.message}`);
      }
      drew += 1;
    }
  };

  // ---- panels --------------------------------------------------------------------------------
  const editor = createCircuitEditor(app);
  const gateInspector = createGateInspector(app);
  const stateView = createStateInspector(app);
  const dataPanel = createDataPanel(app);
  const controls = createTrainingControls(app);
  const output = createOutputPanel(app);
  app.loop = new TrainLoop(app, controls);
  app.canvases = { boundary: output.boundary, loss: output.loss };

  const lessonTitle = h('h2', { class: 'lesson-title' });
  const lessonText = h('p', { class: 'lesson-text' });
  const lesson = h('section', { class: 'panel lesson', 'aria-label': 'Lesson', 'data-testid': 'lesson', hidden: true }, lessonTitle, lessonText);

  const circuitPanel = h('section', { class: 'panel circuit-panel', 'aria-label': 'Circuit' },
    h('h2', { text: 'Circuit' }),
    h('fieldset', { class: 'lockable', 'data-lock': 'circuit' },
      h('legend', { class: 'visually-hidden', text: 'Circuit editor' }), editor.el, gateInspector.el),
    messages.circuit.el);
  const statePanel = h('section', { class: 'panel state-panel', 'aria-label': 'State inspector' },
    h('h2', { text: 'State inspector' }), stateView.el, messages.state.el);

  // The embedded layout's bar: the lesson's title and a slot for the link/export tools.
  const barTitle = h('span', { class: 'bar-title', 'data-testid': 'bar-title' });
  app.barTools = h('span', { class: 'bar-tools' });
  const bar = compact ? h('div', { class: 'bar' }, barTitle, app.barTools) : null;

  root.classList.add('qmlp');
  root.classList.toggle('compact', compact);
  root.replaceChildren(...[
    messages.global.el,
    bar,
    h('div', { class: 'layout' },
      h('div', { class: 'col col-left' }, compact ? null : lesson, dataPanel.el, controls.modelEl),
      h('div', { class: 'col col-mid' }, compact ? lesson : null, circuitPanel, statePanel),
      h('div', { class: 'col col-right' }, controls.el, output.el)),
  ].filter(Boolean));

  function applyLocks() {
    for (const fs of root.querySelectorAll('fieldset.lockable')) {
      const locked = app.isLocked(fs.dataset.lock);
      fs.disabled = locked;
      fs.classList.toggle('locked', locked);
      if (locked) fs.title = 'Locked by the lesson'; else fs.removeAttribute('title');
    }
  }

  function renderLesson() {
    const { title = '', description = '' } = store.doc;
    lesson.hidden = compact ? !description : (!title && !description);
    lessonTitle.textContent = title;
    lessonTitle.hidden = compact;
    lessonText.textContent = description;
    barTitle.textContent = title || 'QML Playground';
  }

  function renderAll() {
    editor.render();
    gateInspector.render();
    dataPanel.render();
    controls.render();
    output.render();
    renderLesson();
    applyLocks();
    for (const fn of app.onRender) fn();
  }

  store.subscribe(({ reason, json, doc }) => {
    if (reason === 'absorb') {
      gateInspector.render();
      return;
    }
    if (reason !== 'engine') {
      try {
        engine.setDocument(json);
      } catch (e) {
        messages.global.show(`The engine refused the document: ${e.message}`);
      }
    }
    if (app.ui.selected != null && app.ui.selected >= doc.circuit.gates.length) app.ui.selected = null;
    if (app.ui.inspectCol != null && app.ui.inspectCol >= nextCol(doc.circuit.gates)) app.ui.inspectCol = null;
    renderAll();
    app.invalidate('boundary', 'loss', 'metrics', 'state');
  });

  // ---- keyboard shortcuts --------------------------------------------------------------------
  const editable = (t) => t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  const onKey = (e) => {
    // The real target, also when the playground sits in a shadow root.
    const path = e.composedPath?.() ?? [];
    const t = path[0] instanceof Element ? path[0] : e.target;
    const inside = path.includes(root);
    const page = keys === 'document' && (t === document.body || t === document.documentElement);
    if (!inside && !page) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && !e.altKey && (key === 'z' || key === 'y')) {
      if (editable(t) && t.type !== 'checkbox' && t.type !== 'range' && t.tagName !== 'SELECT') return; // the box's own undo
      e.preventDefault();
      if (key === 'y' || e.shiftKey) app.redo(); else app.undo();
      return;
    }
    if (editable(t) || mod || e.altKey) return;
    if ((e.key === 'Delete' || e.key === 'Backspace') && app.ui.selected != null && !t.closest?.('.gate')) {
      if (app.isLocked('circuit')) return;
      e.preventDefault();
      const i = app.ui.selected;
      const g = store.doc.circuit.gates[i];
      if (g && app.edit('circuit', (d) => { d.circuit.gates.splice(i, 1); })) {
        app.select(null);
        messages.circuit.show(`Removed ${g.gate} (Ctrl+Z brings it back).`, 'info');
      }
    } else if (e.key === ' ' && (page || t === root || t.tagName === 'CANVAS')) {
      e.preventDefault();
      app.loop.toggle();
    } else if (e.key === 'Escape' && app.ui.selected != null) {
      app.select(null);
    }
  };
  document.addEventListener('keydown', onKey);

  // ---- engine panics -------------------------------------------------------------------------
  // Rebuilds the engine outside the panicking call (re-entering wasm from the panic hook is
  // unsafe). If the document itself keeps making the engine panic, fall back to the default
  // document rather than looping; the user's document stays in the undo history.
  let panics = [];
  app.onPanic = (text) => {
    engine.broken = true;
    app.loop.pause();
    const now = Date.now();
    panics = panics.filter((t) => now - t < 5000).concat(now);
    const repeated = panics.length > 2;
    messages.global.show(repeated
      ? `The engine keeps failing on this document, so the default playground was opened; Ctrl+Z brings your document back. (${text})`
      : `The engine hit an internal error and was restarted from your last good document. (${text})`);
    setTimeout(() => {
      if (repeated) {
        panics = [];
        engine.recover(wasm.defaultDocument());
        try { store.commitFromEngine(engine.json); } catch { /* keep the store as it is */ }
      } else {
        engine.recover(store.json);
      }
      renderAll();
      app.invalidate('boundary', 'loss', 'metrics', 'state');
    }, 0);
  };

  const unwatch = watchPanics(app);
  app.destroy = () => {
    app.loop.pause();
    unwatch();
    document.removeEventListener('keydown', onKey);
    try { engine.pg.free(); } catch { /* already gone */ }
  };

  /** The current document including the trained weights. */
  app.getDocument = () => {
    app.sync();
    return JSON.parse(store.json);
  };

  renderAll();
  app.invalidate('boundary', 'loss', 'metrics', 'state');
  return app;
}

/** An error as a sentence for the user. */
function refusal(e) {
  const text = e?.message ?? String(e);
  // Validation errors read "path: message"; lead with the message, keep the path for reference.
  const m = text.match(/^([A-Za-z_][\w.]*(?:\[\d+\][\w.]*)*): ([\s\S]+)$/);
  if (m && /[.[]/.test(m[1])) return `Not applied: ${m[2]} (${m[1]})`;
  return e?.user ? text : `Not applied: ${text}`;
}
