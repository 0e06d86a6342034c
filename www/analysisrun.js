// Runs one long analysis (the engine's AnalysisRunner) a few milliseconds per animation frame,
// so the page never freezes: Pause, Resume and Cancel (the runner is freed, which drops its
// work), progress after every frame, the result once it is finished. Also the progress in words.
// No DOM: the frame scheduler and the clock are passed in (the unit tests drive them by hand).
// WorkerAnalysisDriver runs it in the analysis worker instead, with the same interface.
import { checkMessage, toAnalysis } from './messages.js';

/**
 * @param {object} o
 * @param {(fn: (t: number) => void) => number} [o.raf] requestAnimationFrame
 * @param {(id: number) => void} [o.caf] cancelAnimationFrame
 * @param {() => number} [o.now] a clock in ms
 * @param {number} [o.budgetMs] work per frame
 * @param {(p: object) => void} [o.onProgress] `{done, total, fraction, finished}` after a frame
 * @param {(resultJson: string, stats: object) => void} [o.onDone] the finished result
 * @param {(message: string) => void} [o.onError] the analysis stopped with an error
 * @param {(state: string) => void} [o.onState] 'running', 'paused', 'idle'
 */
export class AnalysisDriver {
  constructor({ raf = (f) => requestAnimationFrame(f), caf = (id) => cancelAnimationFrame(id), now = () => performance.now(), budgetMs = 8, onProgress, onDone, onError, onState } = {}) {
    Object.assign(this, { raf, caf, now, budgetMs, onProgress, onDone, onError, onState });
    this.runner = null;
    this.state = 'idle';
    this.handle = 0;
    this.stats = null;
    this.frame = this.frame.bind(this);
  }

  /** Starts `runner` (anything running before is cancelled). */
  run(runner) {
    this.cancel();
    this.runner = runner;
    this.stats = { frames: 0, longestStepMs: 0, workMs: 0, startedAt: this.now(), elapsedMs: 0 };
    this.setState('running');
    this.handle = this.raf(this.frame);
  }

  setState(s) {
    this.state = s;
    this.onState?.(s);
  }

  pause() {
    if (this.state !== 'running') return;
    this.caf(this.handle);
    this.handle = 0;
    this.setState('paused');
  }

  resume() {
    if (this.state !== 'paused') return;
    this.setState('running');
    this.handle = this.raf(this.frame);
  }

  /** Stops and frees the running analysis; nothing of it is kept. */
  cancel() {
    if (!this.runner) return;
    this.caf(this.handle);
    this.handle = 0;
    this.release();
    this.setState('idle');
  }

  release() {
    try { this.runner?.free?.(); } catch { /* already freed */ }
    this.runner = null;
  }

  frame() {
    this.handle = 0;
    if (this.state !== 'running' || !this.runner) return;
    const t0 = this.now();
    let p;
    try {
      p = this.runner.step(this.budgetMs);
    } catch (e) {
      p = { error: e?.message ?? String(e) };
    }
    const dt = this.now() - t0;
    const s = this.stats;
    s.frames += 1;
    s.workMs += dt;
    s.longestStepMs = Math.max(s.longestStepMs, dt);
    s.elapsedMs = this.now() - s.startedAt;
    if (p.error) {
      this.release();
      this.setState('idle');
      this.onError?.(p.error);
      return;
    }
    this.onProgress?.(p);
    if (p.finished) {
      let json;
      try {
        json = this.runner.result();
      } catch (e) {
        this.release();
        this.setState('idle');
        this.onError?.(e?.message ?? String(e));
        return;
      }
      this.release();
      this.setState('idle');
      this.onDone?.(json, s);
      return;
    }
    this.handle = this.raf(this.frame);
  }
}

/**
 * The same driver over the analysis worker (analysisworker.js), which runs the analysis off the
 * page's thread in slices: `run({snapshot, path, kind, options, progress})` (path: the page's
 * training path, `Playground.trainingPath`; progress: the page runner's first report), `pause`, `resume`, `cancel`, `state`, `stats` and the callbacks of
 * AnalysisDriver; `stats.frames` counts the worker's slices and `longestStepMs` the longest.
 * Paused, whatever a slice still in flight reports is held until Resume, so a paused analysis
 * shows no progress. The worker starts on the first run. When it cannot start or is lost
 * (its engine panicked), `onLost(spec)` gets the analysis it was running — the debugger runs it
 * on the page — and the driver is `usable` no more.
 */
export class WorkerAnalysisDriver {
  constructor({ url = new URL('./analysisworker.js', import.meta.url), makeWorker = (u) => new Worker(u, { type: 'module' }), now = () => performance.now(), onProgress, onDone, onError, onState, onLost } = {}) {
    Object.assign(this, { url, makeWorker, now, onProgress, onDone, onError, onState, onLost });
    this.worker = null;
    this.usable = true; // until the worker cannot start or is lost
    this.state = 'idle';
    this.seq = 0;
    this.spec = null;
    this.held = [];
    this.stats = null;
  }

  setState(s) {
    this.state = s;
    this.onState?.(s);
  }

  /** Starts the worker if it is not running; false if it cannot. */
  ensureWorker() {
    if (this.worker) return true;
    try {
      this.worker = this.makeWorker(this.url);
    } catch {
      this.usable = false;
      return false;
    }
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev?.preventDefault?.();
      this.lose();
    };
    this.worker.onmessageerror = () => this.lose();
    return true;
  }

  run(spec) {
    this.cancel();
    if (!this.ensureWorker()) {
      this.onLost?.(spec);
      return;
    }
    this.seq += 1;
    this.spec = spec;
    this.held = [];
    this.stats = { frames: 0, longestStepMs: 0, workMs: 0, startedAt: this.now(), elapsedMs: 0, worker: true };
    this.worker.postMessage(checkMessage('toAnalysis', toAnalysis.start(this.seq, spec.snapshot, spec.path, spec.kind, spec.options)));
    this.setState('running');
    if (spec.progress) this.onProgress?.(spec.progress);
  }

  pause() {
    if (this.state !== 'running') return;
    this.worker.postMessage(toAnalysis.pause(this.seq));
    this.setState('paused');
  }

  resume() {
    if (this.state !== 'paused') return;
    this.worker.postMessage(toAnalysis.resume(this.seq));
    this.setState('running');
    const held = this.held;
    this.held = [];
    for (const m of held) this.take(m);
  }

  /** Stops the analysis in the worker; nothing of it is kept. */
  cancel() {
    if (this.state === 'idle') return;
    this.worker?.postMessage(toAnalysis.cancel(this.seq));
    this.spec = null;
    this.held = [];
    this.setState('idle');
  }

  /** The worker is gone: the analysis it had goes to `onLost`. */
  lose() {
    const spec = this.state !== 'idle' ? this.spec : null;
    try { this.worker?.terminate(); } catch { /* gone */ }
    this.worker = null;
    this.usable = false;
    this.spec = null;
    this.held = [];
    if (this.state !== 'idle') this.setState('idle');
    if (spec) this.onLost?.(spec);
  }

  receive(data) {
    let m;
    try { m = checkMessage('fromAnalysis', data); } catch { this.lose(); return; }
    if (m.type === 'failed' || m.type === 'panic') { this.lose(); return; }
    if (m.type === 'ready' || m.seq !== this.seq || this.state === 'idle') return;
    if (this.state === 'paused') { this.held.push(m); return; }
    this.take(m);
  }

  take(m) {
    const s = this.stats;
    s.elapsedMs = this.now() - s.startedAt;
    if (m.type === 'progress') {
      this.onProgress?.(m.progress);
      return;
    }
    this.spec = null;
    this.setState('idle');
    if (m.type === 'error') {
      this.onError?.(m.message);
      return;
    }
    Object.assign(s, { frames: m.stats.slices, longestStepMs: m.stats.longestSliceMs, workMs: m.stats.workMs });
    this.onDone?.(m.result, s);
  }
}

/** Progress in words, e.g. "37% (120 of 400)"; the percentage is the cost-weighted fraction. */
export function progressText(p) {
  if (!p) return '';
  const pct = Math.floor(Math.min(1, Math.max(0, p.fraction ?? 0)) * 100);
  return `${pct}% (${p.done ?? 0} of ${p.total ?? 0})`;
}
