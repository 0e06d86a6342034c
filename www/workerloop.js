// Training in a module worker (trainworker.js), with the same interface as TrainLoop: play,
// pause, toggle, stepEpoch, reset. While playing, the worker trains its own Playground; each
// animation frame the page absorbs the newest snapshot it posted (weights and run state) into
// the page's Playground — the one that draws, inspects and edits — and redraws. Edits while
// playing go to the page's engine (which validates them) and then to the worker. Pause shows
// at once; the worker's final state is absorbed when it arrives. One epoch and new weights are
// done by the page's engine (paused). When module workers are unavailable or fail to start
// (file://, a sandboxed frame, a strict policy) or `?trainer=main` is in the address, training
// runs on the page's thread (TrainLoop), with the same results.
//
// The worker shares each batch worth sharing with helper workers (see trainworker.js):
// `workers` (workers.js: `?workers=N`, else the logical cores, capped) are asked for; what was
// used is in app.stats: `workers` (workers that computed the last slice's batches, 1 when
// training alone), `workersWanted`, `helpers` (helpers running), `sharedBatches`,
// `helperRestarts`, `helperStartFailures`, as the worker reports them (`helpers` messages and
// each update). The weights are the same whatever the number.
//
// The worker also computes the decision grid and the confusion matrix (`view` messages, at most
// a quarter of its time, as fine a grid as fits in 40 ms) and the page installs them
// (Playground.installView) instead of computing them on its thread: while playing the page shows
// the newest one (setStaleViews), and after a pause or the last epoch the worker's final view of
// those very weights. app.stats.workerViews counts the views installed. Stopped, when the
// page's own grid takes longer than IDLE_VIEW_MS (half a long task, measured on its last draw or
// scaled from the worker's last view), an edit, Step or new weights ask the worker for the view
// too (`viewOf`; app.stats.idleViews counts them) and the page draws its last one meanwhile.
//
// Work too slow for the page's thread goes to the worker too (`work`, app.stats.workerSteps and
// workerSettles count it): Step, when the engine estimates an epoch above IDLE_WORK_MS
// (Playground.epochMs), and the evaluation of a slow model after an edit, a whole document
// opened or new weights — the page's engine takes those without evaluating them
// (deferOverMs: its history waits, `unevaluated`), the worker evaluates the snapshot and the
// page absorbs it. Edits, Step, Reset and Play meanwhile queue behind it. Without a worker the
// page evaluates (and steps) on its own thread, as before.
import { TrainLoop, stopped } from './loop.js';
import { checkMessage, toWorker } from './messages.js';
import { workerChoice } from './workers.js';

export const WORKER_URL = new URL('./trainworker.js', import.meta.url);
/**
 * Stopped, an evaluation or a Step the engine estimates slower than this (about a frame) goes
 * to the worker: an edit's task also re-renders the editor and the inspector, and the estimates
 * run low by up to 2× at 10–14 qubits, so a long task's 50 ms would be overrun.
 */
export const IDLE_WORK_MS = 16;
/** A grid the page would take longer than this to compute is asked of the worker when stopped. */
const IDLE_VIEW_MS = 25;

export class WorkerLoop {
  constructor(app, controls, { enabled = true } = {}) {
    this.app = app;
    this.controls = controls;
    this.main = new TrainLoop(app, controls); // the fallback, and one epoch / reset
    this.worker = null;
    this.ready = false;
    this.failedToStart = false;
    this.playingHere = false;
    this.seq = 0;
    this.pending = null;
    this.raf = 0;
    this.awaitingPause = false;
    this.playAfterPause = false;
    this.discardPaused = false;
    this.window = [];
    this.pendingView = null;
    this.awaitingFinal = false;
    this.stopVersion = -1;
    this.freshSeq = -1; // the last document sent (or due) that was opened whole
    this.idleSeq = -1; // the last `viewOf` sent (its view is the one awaited)
    this.stale = false; // the page draws the last view installed, whatever the weights
    this.gridMs = 0; // what the page's own grid at its idle size costs (an estimate)
    this.awaitingFirst = false; // the first grid is the worker's (see the end of the constructor)
    this.working = null; // the `work` in flight ('epoch' or 'settle'), if any
    this.queuedSteps = 0; // Step presses waiting for it
    this.playAfterWork = false;
    this.discardWork = false; // new weights came after it: its answer is not absorbed
    // The page's part of a frame while the worker trains is drawing alone: a budget under one
    // frame's 16.7 ms leaves the browser its restyle and paint within the same task.
    this.drawBudgetMs = 14;
    this.frame = this.frame.bind(this);
    app.stats.worker = false;
    this.share = workerChoice(globalThis.location?.href, globalThis.navigator?.hardwareConcurrency);
    app.stats.workersWanted = this.share.workers;
    app.stats.workers = 1;
    app.stats.workerViews = 0;
    app.stats.idleViews = 0;
    app.stats.workerSteps = 0;
    app.stats.workerSettles = 0;
    if (enabled) this.start();
    // No worker to come: a snapshot saved with its evaluation owed is evaluated here.
    else this.workLost();
    // A model whose first grid would be a long task (a big link opened) is drawn by the worker
    // once it is up: until then the page shows its points on a neutral field (viewPending).
    if (enabled && this.worker && this.gridCost() > IDLE_VIEW_MS) {
      this.setStale(true);
      this.awaitingFirst = true;
    }
  }

  get playing() { return this.playingHere || this.main.playing; }

  start() {
    this.ready = false;
    try {
      this.worker = new Worker(WORKER_URL, { type: 'module' });
    } catch {
      this.giveUp();
      return;
    }
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault?.();
      this.lost(ev.message || 'the training worker failed');
    };
    this.worker.onmessageerror = () => this.lost('a message from the training worker could not be read');
    this.post(toWorker.setup(this.share.workers, this.share.always));
  }

  /** Module workers do not work here: train on the page's thread from now on. */
  giveUp() {
    try { this.worker?.terminate(); } catch { /* gone */ }
    this.worker = null;
    this.ready = false;
    this.failedToStart = true;
    this.app.stats.worker = false;
    this.ownViews();
    this.workLost();
  }

  /**
   * How slow (ms, estimated) an evaluation may be before the page's engine leaves it to the
   * worker: only with a worker ready to take it.
   */
  deferOverMs() {
    return this.worker && this.ready && !this.app.engine.broken ? IDLE_WORK_MS : undefined;
  }

  /**
   * Stopped: has the worker do `action` on the page's snapshot ('epoch': Step; 'settle': the
   * evaluation the page's history waits for). What comes meanwhile waits for its answer.
   */
  work(action) {
    const { app } = this;
    if (this.working) {
      if (action === 'epoch') this.queuedSteps += 1;
      return;
    }
    this.seq += 1;
    this.idleSeq = this.seq;
    this.viewChanged();
    try {
      const perCell = this.gridCost() / app.ui.gridN ** 2;
      this.post(toWorker.work(this.seq, app.engine.transferSnapshot(), action, perCell));
    } catch (e) {
      app.messages.training.show(e.message);
      return;
    }
    this.working = action;
    this.awaitingFinal = false;
    this.setStale(true);
    if (action === 'epoch') {
      app.stats.workerSteps += 1;
      this.controls.renderStepping?.(true);
    } else {
      app.stats.workerSettles += 1;
    }
  }

  /** The worker's answer to `work`. */
  worked(m) {
    const { app } = this;
    const action = this.working;
    this.working = null;
    this.controls.renderStepping?.(false);
    const discarded = this.discardWork;
    this.discardWork = false;
    if (!discarded) {
      this.absorb(m.snapshot, m.seq);
      if (action === 'epoch') {
        if (m.result.error) app.messages.training.show(stopped(m.result.error));
        else app.messages.training.clear();
      }
    }
    app.sync();
    app.invalidate('boundary', 'loss', 'metrics', 'state', 'debug');
    if (m.seq === this.seq && !discarded) {
      // The final view that follows is of these very weights.
      this.awaitingFinal = true;
      this.stopVersion = app.engine.pg.viewVersion();
    }
    this.next();
  }

  /** After `work` or a pause: what waited for it. */
  next() {
    const { app } = this;
    if (this.playAfterWork) {
      this.playAfterWork = false;
      if (this.playingHere) this.send();
      return;
    }
    if (this.playingHere || this.awaitingPause || app.engine.broken) return;
    if (this.queuedSteps > 0) {
      this.queuedSteps -= 1;
      this.stepEpoch();
    } else if (app.engine.pg.unevaluated()) {
      this.work('settle');
    } else if (!this.awaitingFinal) {
      this.setStale(false);
      app.invalidate('boundary', 'metrics');
    }
  }

  /** The worker is gone with `work` in flight: the page does what is left itself. */
  workLost() {
    const { app } = this;
    const stepping = this.working === 'epoch';
    const owed = !app.engine.broken && app.engine.pg.unevaluated();
    if (!this.working && !owed) return;
    this.working = null;
    this.queuedSteps = 0;
    this.playAfterWork = false;
    this.discardWork = false;
    this.controls.renderStepping?.(false);
    if (owed) {
      try { app.engine.pg.settle(); } catch { /* the engine's own message says why */ }
    }
    if (stepping) app.messages.training.show('The epoch Step asked for was lost with the worker; press Step again.', 'info');
    app.invalidate?.('boundary', 'loss', 'metrics', 'state', 'debug');
  }

  setStale(on) {
    this.stale = on;
    try { this.app.engine.pg.setStaleViews(on); } catch { /* a broken engine draws nothing */ }
  }

  /**
   * What the page's own grid at its idle size costs (ms): the slower of what it last measured
   * and the engine's estimate for the model it holds now (`gridMs`), so that a model not yet
   * drawn — a link opened, wires added — is not drawn here first to find out.
   */
  gridCost() {
    let est = 0;
    try { est = this.app.engine.pg.gridMs(this.app.ui.gridN); } catch { /* a broken engine */ }
    return Math.max(this.gridMs, Number.isFinite(est) ? est : 0);
  }

  /** The page drew its boundary in `ms` (computing the grid unless its views are stale). */
  boundaryDrawn(ms) {
    if (!this.stale && ms > this.gridMs) this.gridMs = ms;
  }

  /**
   * Stopped, the page's document or weights changed: if its grid is slow, the worker computes
   * the view (the page draws its last one until it arrives). Returns whether it was asked.
   */
  idleView() {
    const { app } = this;
    if (!this.worker || !this.ready || this.playing || this.awaitingPause || app.engine.broken) return false;
    if (this.gridCost() <= IDLE_VIEW_MS) return false;
    this.seq += 1;
    this.idleSeq = this.seq;
    this.viewChanged();
    try {
      this.post(toWorker.viewOf(this.seq, app.engine.transferSnapshot(), this.gridCost() / app.ui.gridN ** 2));
    } catch {
      return false;
    }
    this.awaitingFinal = true;
    this.stopVersion = app.engine.pg.viewVersion();
    this.setStale(true);
    app.stats.idleViews += 1;
    return true;
  }

  /** The page computes its views itself again (the worker's, if any, are not coming). */
  ownViews() {
    this.awaitingFinal = false;
    this.pendingView = null;
    this.setStale(false);
  }

  /** The grid sizes and plane the worker's views are for: sent on play and when they change. */
  viewChanged() {
    if (!this.worker || !this.ready) return;
    const { app } = this;
    const [a, b] = app.engine.plane();
    this.post(toWorker.view(app.ui.gridNPlaying, app.ui.gridN, a, b, app.engine.planePreprocessed()));
  }

  post(m) { this.worker.postMessage(checkMessage('toWorker', m)); }

  toggle() {
    if (this.playing) this.pause(); else this.play();
  }

  play() {
    const { app } = this;
    if (!this.ready) { this.main.play(); return; }
    if (this.playing || app.engine.broken) return;
    app.messages.training.clear();
    this.playingHere = true;
    this.window = [];
    this.controls.renderPlaying(true);
    if (this.awaitingPause) { this.playAfterPause = true; return; }
    if (this.working) { this.playAfterWork = true; this.queuedSteps = 0; return; }
    this.send();
  }

  send() {
    this.seq += 1;
    this.idleSeq = -1;
    this.pending = null;
    this.last = this.app.engine.transferSnapshot();
    this.lastSeq = this.seq;
    this.awaitingFinal = false;
    this.pendingView = null;
    this.setStale(true);
    this.viewChanged();
    this.post(toWorker.play(this.seq, this.last, this.app.ui.stepMs));
    this.raf = requestAnimationFrame(this.frame);
  }

  pause() {
    if (this.main.playing) { this.main.pause(); return; }
    if (!this.playingHere) return;
    this.stopHere();
    this.playAfterPause = false;
    this.awaitingPause = true;
    this.awaitingFinal = true;
    this.post(toWorker.pause());
  }

  /** The page shows paused (the worker may still be finishing a slice). */
  stopHere() {
    this.playingHere = false;
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.pending = null;
    this.controls.renderPlaying(false);
    this.app.sync();
    this.app.invalidate('boundary', 'metrics', 'state');
  }

  /** An accepted document (an edit, undo, a load): the worker trains on it too. */
  documentChanged(json, fresh = false) {
    if (!this.worker || !this.ready) return;
    if (this.playingHere) {
      this.seq += 1;
      if (fresh) this.freshSeq = this.seq;
      this.post(toWorker.document(this.seq, json, fresh));
    } else if (this.awaitingPause || this.working) {
      // The worker's `paused` (or `worked`) state predates this document: it is applied again
      // on top of it (a whole document opened replaces that run).
      this.seq += 1;
      if (fresh) this.freshSeq = this.seq;
    } else if (this.app.engine.pg.unevaluated()) {
      // A slow model: the worker evaluates it (and sends its view).
      if (fresh) this.gridMs = 0;
      this.work('settle');
    } else {
      // A whole document opened may cost anything: the page measures its grid again.
      if (fresh) this.gridMs = 0;
      this.idleView();
    }
  }

  /** Takes the worker's snapshot into the page's engine; an edit sent since is applied again. */
  absorb(snapshot, seq) {
    const { engine, store } = this.app;
    if (!snapshot || engine.broken) return;
    try {
      engine.pg.absorbSnapshot(snapshot);
      if (seq !== this.seq) engine.pg.setDocument(store.json, this.freshSeq > seq, this.deferOverMs());
      engine.dirty = true;
    } catch (e) {
      this.app.messages.training.show(`Could not take the worker's training: ${e.message}`);
    }
  }

  /**
   * A step error stops the run in the engine (the weights of the last finite step kept, the
   * reason in its metrics), which a snapshot does not carry: the page's engine trains on from
   * the worker's last state before the failing slice (the steps do not depend on slicing), so
   * it stops the same way.
   */
  replayError(m) {
    const { engine } = this.app;
    this.absorb(this.last, this.lastSeq);
    try {
      for (let i = 0; i < 10_000; i += 1) {
        const r = engine.step(this.app.ui.stepMs);
        if (r.error || r.finished) return;
      }
    } catch { /* the message below still says why */ }
    this.absorb(m.snapshot, m.seq);
  }

  receive(data) {
    const { app } = this;
    let m;
    try { m = checkMessage('toPage', data); } catch (e) { this.lost(e.message); return; }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        app.stats.worker = true;
        // A model opened with its evaluation owed (left for the worker, or saved while the
        // worker had it); or one whose first grid is the worker's to compute.
        if (!this.playing && !app.engine.broken && app.engine.pg.unevaluated()) this.work('settle');
        else if (this.awaitingFirst && !this.playing && !this.idleView()) {
          this.setStale(false);
          app.invalidate('boundary', 'metrics');
        }
        this.awaitingFirst = false;
        break;
      case 'update':
        this.count(m.result);
        if (!this.playingHere || m.seq !== this.seq) break;
        if (m.result.error) {
          this.ownViews();
          this.replayError(m);
          this.stopHere();
          app.invalidate('loss', 'debug');
          app.messages.training.show(stopped(app.engine.metrics().error ?? m.result.error));
          break;
        }
        if (m.result.finished) {
          this.absorb(m.snapshot, m.seq);
          this.awaitingFinal = true;
          this.stopVersion = app.engine.pg.viewVersion();
          this.stopHere();
          app.invalidate('loss', 'debug');
          app.messages.training.show(`Trained the ${m.result.epochs} epochs set under Epochs; raise it to go on.`, 'info', { tag: 'finished', sticky: true });
          // The final epoch and plots appear with the message, as on the page's thread.
          app.flush();
          break;
        }
        this.pending = m;
        this.last = m.snapshot;
        this.lastSeq = m.seq;
        break;
      case 'paused':
        this.awaitingPause = false;
        if (this.discardPaused) this.discardPaused = false;
        else this.absorb(m.snapshot, m.seq);
        this.stopVersion = app.engine.pg.viewVersion();
        app.sync();
        app.invalidate('boundary', 'loss', 'metrics', 'state', 'debug');
        if (this.playAfterPause) {
          this.playAfterPause = false;
          if (this.playingHere) this.send();
        } else if (!this.playingHere && app.engine.pg.unevaluated()) {
          // An edit re-applied on the worker's state waits for its evaluation.
          this.work('settle');
        }
        break;
      case 'worked':
        this.worked(m);
        break;
      case 'view':
        if (m.view.gridN > 0) this.gridMs = (m.ms / m.view.gridN ** 2) * app.ui.gridN ** 2;
        if (m.final) this.finalView(m.view, m.seq);
        else if (this.playingHere && m.seq === this.seq) this.pendingView = m.view;
        break;
      case 'failed':
        if (!this.ready) { this.giveUp(); break; }
        this.ownViews();
        if (this.playingHere) this.stopHere();
        this.awaitingPause = false;
        app.messages.training.show(`Training stopped: ${m.message}`);
        break;
      case 'panic':
        this.lost(m.message);
        break;
      case 'helpers':
        app.stats.helpers = m.ready;
        app.stats.helperStartFailures = m.failed;
        break;
    }
  }

  /** The view of the weights the worker stopped at: drawn if the page still holds them. */
  finalView(view, seq) {
    if (!this.awaitingFinal || this.playingHere || seq < this.idleSeq) return;
    const { app } = this;
    this.awaitingFinal = false;
    try {
      if (app.engine.pg.viewVersion() === this.stopVersion) {
        app.engine.pg.installView(view);
        app.stats.workerViews += 1;
        app.stats.lastViewGridN = view.gridN;
        app.stats.lastViewWorkers = view.workers ?? 1;
      }
    } catch (e) {
      // A view that does not fit is not drawn: the page computes its own.
      app.stats.refusedViews = (app.stats.refusedViews ?? 0) + 1;
      app.stats.lastRefusedView = e.message;
    }
    this.setStale(false);
    app.invalidate('boundary', 'metrics');
  }

  /** What the worker reports of the workers it used (see the top of this file). */
  count(r) {
    const { stats } = this.app;
    if (Number.isInteger(r.workers)) stats.workers = r.workers;
    for (const k of ['helpers', 'sharedBatches', 'helperRestarts', 'helperStartFailures', 'helperResyncs']) {
      if (Number.isInteger(r[k])) stats[k] = r[k];
    }
  }

  /** The worker broke: say so, and start a new one (the page's document is intact). */
  lost(text) {
    const { app } = this;
    if (!this.ready) { this.giveUp(); return; }
    if (this.playingHere) this.stopHere();
    this.ownViews();
    this.awaitingPause = false;
    this.playAfterPause = false;
    this.workLost();
    app.messages.global.show(`The training worker hit an internal error and was restarted from your last good document. (${text})`);
    try { this.worker.terminate(); } catch { /* gone */ }
    app.stats.workerRestarts = (app.stats.workerRestarts ?? 0) + 1;
    this.start();
  }

  frame(t) {
    this.raf = 0;
    if (!this.playingHere) return;
    const { app } = this;
    const t0 = performance.now();
    const m = this.pending;
    if (m) {
      this.pending = null;
      this.absorb(m.snapshot, m.seq);
      app.invalidate('loss', 'metrics', 'state', 'debug');
      if (this.pendingView) {
        try {
          app.engine.pg.installView(this.pendingView);
          app.stats.workerViews += 1;
          app.stats.lastViewGridN = this.pendingView.gridN;
        } catch (e) {
          app.stats.refusedViews = (app.stats.refusedViews ?? 0) + 1;
          app.stats.lastRefusedView = e.message;
        }
        this.pendingView = null;
        app.invalidate('boundary');
      }
      this.main.measure.call(this, t, m.result.epoch);
      app.flush({ start: t0, budgetMs: this.drawBudgetMs });
      if (app.ui.selected != null) app.sync();
    }
    const dt = performance.now() - t0;
    app.stats.frames += 1;
    app.stats.longestFrameMs = Math.max(app.stats.longestFrameMs, dt);
    this.raf = requestAnimationFrame(this.frame);
  }

  stepEpoch() {
    if (this.playing) return;
    const { app } = this;
    if (this.working) { this.queuedSteps += 1; return; }
    if (this.worker && this.ready && !this.awaitingPause && !app.engine.broken && app.engine.pg.epochMs() > IDLE_WORK_MS) {
      app.messages.training.show('Training one epoch in the worker…', 'info', { tag: 'stepping' });
      this.work('epoch');
      return;
    }
    if (this.awaitingPause) this.discardPaused = true;
    this.main.stepEpoch();
    this.idleView();
  }

  reset() {
    this.pause();
    if (this.awaitingPause) this.discardPaused = true;
    if (this.working) { this.discardWork = true; this.queuedSteps = 0; }
    this.main.reset(this.deferOverMs());
    if (this.working) return; // its answer is dropped, then the new weights are evaluated
    if (this.app.engine.pg.unevaluated()) this.work('settle');
    else this.idleView();
  }

  destroy() {
    this.pause();
    try { this.worker?.terminate(); } catch { /* gone */ }
    this.worker = null;
  }
}
