// One playground on a page: builds the panels inside `root` and wires them to the document store
// and the engine. Nothing here is global, so several playgrounds can live on one page
// (embedding); the page-level glue is in main.js and embed.js, the layout in layout.js, redraw
// scheduling in redraw.js, keyboard shortcuts in shortcuts.js, panic recovery in recovery.js.

import { MessageArea } from './dom.js';
import { DocumentStore } from './state.js';
import { Engine } from './engine.js';
import { nextCol } from './editor/ops.js';
import { createCircuitEditor } from './editor/circuit.js';
import { createGateInspector } from './editor/inspector.js';
import { createStateInspector } from './stateview.js';
import { createDataPanel } from './datapanel.js';
import { createBlocksPanel } from './blocks.js';
import { createTrainingControls } from './controls.js';
import { createNoisePanel } from './noisepanel.js';
import { createOutputPanel } from './plots.js';
import { createDebugger } from './debugger.js';
import { IDLE_WORK_MS, WorkerLoop } from './workerloop.js';
import { watchPanics } from './panic.js';
import { createRedraw } from './redraw.js';
import { buildLayout } from './layout.js';
import { installShortcuts } from './shortcuts.js';
import { panicRecovery } from './recovery.js';

/**
 * Creates a playground in `root`.
 * @param {HTMLElement} root
 * @param {object} o
 * @param {object} o.wasm the engine module (functions and the Playground class)
 * @param {string} [o.json] the initial document (default: the engine's default document); a
 *   document with a run state continues that run
 * @param {boolean} [o.compact] the embedded layout: a bar with the title and tools on top, two
 *   columns that fit the element's height, the lesson text above the circuit
 * @param {'document'|'root'} [o.keys] where keyboard shortcuts come from: the whole page
 *   (the full playground: also with nothing focused) or only from inside `root` (embeds, so
 *   several playgrounds on a page never act on one key press)
 */
export function createPlayground(root, { wasm, json, compact = false, keys = 'document', worker }) {
  const catalog = wasm.catalog();
  const kinds = new Map(catalog.gates.map((k) => [k.name, k]));
  const messages = {
    global: new MessageArea('global', 'msg-global'),
    circuit: new MessageArea('', 'msg-circuit'),
    data: new MessageArea('', 'msg-data'),
    blocks: new MessageArea('', 'msg-blocks'),
    features: new MessageArea('', 'msg-features'),
    training: new MessageArea('', 'msg-training'),
    output: new MessageArea('', 'msg-output'),
    state: new MessageArea('', 'msg-state'),
    debugger: new MessageArea('', 'msg-debugger'),
    noise: new MessageArea('', 'msg-noise'),
  };

  // Training runs in a module worker where the browser allows it (else on this thread, the same
  // results); `?trainer=main` in the address (or `worker: false`) keeps it on this thread.
  const useWorker = (worker ?? !/[?&#]trainer=main\b/.test(globalThis.location?.href ?? '')) && typeof Worker === 'function';
  // With a worker to come, a big model's first evaluation is left to it (see workerloop.js): the
  // page shows the model at once and its numbers when the worker has them.
  const engine = new Engine(wasm, json ?? wasm.defaultDocument(), useWorker ? IDLE_WORK_MS : undefined);
  const store = new DocumentStore({
    apply: (j, { fresh = false } = {}) => {
      // A slow model's evaluation is left to the training worker (see workerloop.js).
      const out = engine.setDocument(j, fresh, app.loop?.deferOverMs());
      app.loop?.documentChanged(j, fresh); // training in a worker goes on with the new document
      return out;
    },
    json: engine.document(),
  });

  const app = {
    useWorker, // whether training (and the Debugger's analyses) may run in workers
    wasm,
    catalog,
    limits: catalog.limits,
    kinds,
    store,
    engine,
    messages,
    root,
    ui: {
      selected: null,       // index of the selected gate
      inspectCol: null,     // state inspector column (null: end of circuit)
      hover: null,          // [u, v] under the pointer on the boundary plot
      pick: null,           // [u, v] clicked on the boundary plot
      clickMode: 'pick',    // 'pick' or 'add-<class>'
      showTest: false,
      logScale: false,
      chartMetric: 'loss',
      gridN: 48,            // boundary grid when idle
      gridNPlaying: 32,     // and while training (keeps each frame short)
      stepMs: 10,
      gradients: null,      // the debugger's per-gate gradient tints (Map gate → {norm, level}) or null
    },
    stats: { fps: 0, epochsPerSec: 0, frames: 0, longestFrameMs: 0 },
    /** Called after every full re-render (locks may have changed): tools outside the panels. */
    onRender: new Set(),
  };

  /** Whether a lesson locks `control` (see the document's `locked`). */
  app.isLocked = (control) => (store.doc.locked || []).includes(control);
  /** What the document implies (classes, inputs, features), from the engine. */
  app.info = () => engine.info;
  /**
   * The engine's rule for fitting readout, head and loss to the data's classes, on a draft
   * document: returns `{ doc, note }` (note '' when nothing had to change); throws when the
   * classes cannot fit the circuit.
   */
  app.fitReadout = (draft) => {
    const r = JSON.parse(wasm.fitReadout(JSON.stringify(draft)));
    return { doc: JSON.parse(r.json), note: r.note };
  };

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
   * edit shows why there and leaves the document as it was. A structural edit that resets
   * weights says which, at `where`.
   */
  app.edit = (where, mutator, opts) => {
    const area = typeof where === 'string' ? messages[where] : where;
    app.sync();
    try {
      // Cleared first: the edit's own news (the engine's note) may be shown in the same area.
      area?.clear();
      store.edit(mutator, opts);
      return true;
    } catch (e) {
      area?.show(refusal(e));
      return false;
    }
  };

  app.undo = () => {
    app.sync();
    try {
      if (!store.undo()) messages.circuit.show('Nothing to undo.', 'info');
    } catch (e) { messages.circuit.show(refusal(e)); }
  };
  app.redo = () => {
    app.sync();
    try {
      if (!store.redo()) messages.circuit.show('Nothing to redo.', 'info');
    } catch (e) { messages.circuit.show(refusal(e)); }
  };

  /**
   * Loads a whole document (preset, file, link) as one undoable step. `what` names it in the
   * refusal (e.g. a file name, shown as text). A document with a run state continues that run.
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
    panels.editor.renderSelection();
    panels.gateInspector.render();
  };
  app.focusInspector = () => panels.gateInspector.focus();
  /** Moves the keyboard focus to the circuit grid (the page's skip link). */
  app.focusCircuit = () => panels.editor.focusGrid();

  /** Deletes the selected gate (Delete key), saying what went and how to get it back. */
  app.deleteSelected = () => {
    const i = app.ui.selected;
    const g = store.doc.circuit.gates[i];
    if (g && app.edit('circuit', (d) => { d.circuit.gates.splice(i, 1); })) {
      app.select(null);
      messages.circuit.show(`Removed ${g.gate} (Ctrl+Z brings it back).`, 'info');
      panels.editor.focusAfterDelete?.(i);
    }
  };

  app.setInspectCol = (c) => {
    app.ui.inspectCol = c;
    panels.editor.render();
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
  /** The raw data point under the pointer (or picked), all inputs filled in. */
  app.currentPoint = () => {
    const [u, v] = app.ui.hover ?? app.ui.pick ?? [0, 0];
    try { return engine.planePoint(u, v); } catch { return [u, v]; }
  };

  /** Adds a training point of class `label` at plot coordinates (u, v): an ordinary edit. */
  app.addPoint = (u, v, label) => {
    let x;
    try { x = engine.planePoint(u, v); } catch (e) { messages.output.show(refusal(e)); return; }
    if (app.edit('output', (d) => { d.data.custom = [...(d.data.custom ?? []), [...x, label]]; })) {
      messages.output.clear();
    }
  };

  // ---- panels, layout, redraws ----------------------------------------------------------------
  const panels = {
    editor: createCircuitEditor(app),
    gateInspector: createGateInspector(app),
    stateView: createStateInspector(app),
    dataPanel: createDataPanel(app),
    blocks: createBlocksPanel(app),
    controls: createTrainingControls(app),
    noise: createNoisePanel(app),
    output: createOutputPanel(app),
    debugger: createDebugger(app),
  };
  /** The circuit's gates re-labelled and re-tinted after the debugger's gradients changed. */
  app.refreshGradients = () => panels.editor.refreshLabels();
  app.loop = new WorkerLoop(app, panels.controls, { enabled: useWorker });
  app.canvases = { boundary: panels.output.boundary, loss: panels.output.loss };

  const redraw = createRedraw({
    painters: {
      boundary: () => panels.output.drawBoundary(),
      loss: () => panels.output.drawLoss(),
      metrics: () => {
        const m = engine.metrics();
        panels.output.renderMetrics(m);
        panels.controls.renderEpoch(m.epoch ?? 0, app.loop?.playing ? app.stats.epochsPerSec : null);
      },
      state: () => panels.stateView.render(),
      debug: () => panels.debugger.paint(),
    },
    playing: () => !!app.loop?.playing,
    broken: () => engine.broken,
    onError: (e) => messages.output.show(`Drawing failed: ${e.message}`),
  });
  app.invalidate = redraw.invalidate;
  app.flush = redraw.flush;

  const layout = buildLayout(root, { compact, messages, panels, isLocked: app.isLocked });
  app.barTools = layout.barTools;

  function renderAll() {
    for (const p of ['editor', 'gateInspector', 'dataPanel', 'blocks', 'controls', 'noise', 'output', 'debugger']) panels[p].render();
    layout.render(store.doc);
    for (const fn of app.onRender) fn();
  }

  store.subscribe(({ reason, doc, outcome }) => {
    if (reason === 'absorb') {
      // Trained weights: the inspector's boxes and the gates' names and tooltips follow.
      panels.gateInspector.render();
      panels.editor.refreshLabels();
      return;
    }
    // The run goes on through an edit (the chart marks it): a "Trained …" message about the run
    // before it is stale, and the engine's note says what the edit reset, beside the run.
    messages.training.clear('finished');
    if (outcome?.note) messages.training.show(outcome.note, 'info', { tag: 'note', sticky: true });
    if (app.ui.selected != null && app.ui.selected >= doc.circuit.gates.length) app.ui.selected = null;
    if (app.ui.inspectCol != null && app.ui.inspectCol >= nextCol(doc.circuit.gates)) app.ui.inspectCol = null;
    renderAll();
    app.invalidate('boundary', 'loss', 'metrics', 'state', 'debug');
  });

  const removeShortcuts = installShortcuts(app, { root, keys });
  app.onPanic = panicRecovery(app, {
    rerender: () => {
      renderAll();
      app.invalidate('boundary', 'loss', 'metrics', 'state', 'debug');
    },
  });
  const unwatch = watchPanics(app);
  app.destroy = () => {
    app.loop.destroy();
    panels.debugger.cancel();
    unwatch();
    removeShortcuts();
    panels.dataPanel.destroy();
    try { engine.pg.free(); } catch { /* already gone */ }
  };

  /** The current document including the trained weights (no run state). */
  app.getDocument = () => {
    app.sync();
    return JSON.parse(store.json);
  };

  renderAll();
  app.invalidate('boundary', 'loss', 'metrics', 'state', 'debug');
  return app;
}

/** An engine error as a sentence for the user: the reason first, the field it is about after. */
export function refusal(e) {
  const detail = e?.detail ?? e?.message ?? String(e);
  if (e?.path) return `Not applied: ${detail} (${e.path})`;
  return e?.user ? detail : `Not applied: ${detail}`;
}
