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
 * The same driver over analysis workers (analysisworker.js), which run the analysis off the
 * page's thread in slices: `run({snapshot, path, kind, options, progress, merger})` (path: the
 * page's training path, `Playground.trainingPath`; progress: the page runner's first report;
 * merger: that runner, not yet stepped, or none), `pause`, `resume`, `cancel`, `state`, `stats`
 * and the callbacks of AnalysisDriver; `stats.frames` counts the workers' slices and
 * `longestStepMs` the longest.
 *
 * With `count` > 1 and a merger, the analysis is split: worker i computes shard i of k
 * (`AnalysisRunner.shard`, contiguous stretches of its samples, grid points or pairs of about
 * equal cost) and the merger absorbs the shards in order once all are in, so the result is
 * the same, bit for bit, whatever k is. With one worker (or no merger) the worker computes the
 * whole analysis. The driver frees the merger.
 *
 * Paused, whatever a slice still in flight reports is held until Resume, so a paused analysis
 * shows no progress. Workers start on the first run (fewer than `count` if no more can). When
 * none can start or one is lost (its engine panicked), `onLost(spec)` gets the analysis it was
 * running — the debugger runs it on the page — and the driver is `usable` no more.
 */
export class WorkerAnalysisDriver {
  constructor({ url = new URL('./analysisworker.js', import.meta.url), makeWorker = (u) => new Worker(u, { type: 'module' }), now = () => performance.now(), count = 1, onProgress, onDone, onError, onState, onLost } = {}) {
    Object.assign(this, { url, makeWorker, now, onProgress, onDone, onError, onState, onLost });
    this.count = Math.max(1, Math.min(64, Math.floor(count) || 1));
    this.workers = [];
    this.usable = true; // until no worker can start or one is lost
    this.state = 'idle';
    this.seq = 0;
    this.spec = null;
    this.parts = [];   // per shard: {progress, result}
    this.merger = null;
    this.held = [];
    this.stats = null;
  }

  /** The first worker (kept for tests and benchmarks that look at it). */
  get worker() { return this.workers[0] ?? null; }

  setState(s) {
    this.state = s;
    this.onState?.(s);
  }

  /** Starts workers up to `k`; how many there are (0 if none can start). */
  ensureWorkers(k) {
    while (this.workers.length < k) {
      let w;
      try {
        w = this.makeWorker(this.url);
      } catch {
        if (this.workers.length === 0) this.usable = false;
        break;
      }
      const i = this.workers.length;
      w.onmessage = (ev) => this.receive(i, ev.data);
      w.onerror = (ev) => {
        ev?.preventDefault?.();
        this.lose();
      };
      w.onmessageerror = () => this.lose();
      this.workers.push(w);
    }
    return Math.min(k, this.workers.length);
  }

  freeMerger() {
    try { this.merger?.free?.(); } catch { /* freed */ }
    this.merger = null;
  }

  run(spec) {
    this.cancel();
    const k = this.ensureWorkers(spec.merger ? this.count : 1);
    if (k === 0) {
      try { spec.merger?.free?.(); } catch { /* freed */ }
      this.onLost?.(spec);
      return;
    }
    this.seq += 1;
    this.spec = spec;
    this.held = [];
    this.merger = k > 1 ? spec.merger : null;
    if (k === 1) { try { spec.merger?.free?.(); } catch { /* freed */ } }
    this.parts = Array.from({ length: k }, () => ({ progress: null, result: null }));
    this.stats = { frames: 0, longestStepMs: 0, workMs: 0, startedAt: this.now(), elapsedMs: 0, worker: true, workers: k };
    for (let i = 0; i < k; i++) {
      const shard = k > 1 ? [i, k] : null;
      this.workers[i].postMessage(checkMessage('toAnalysis', toAnalysis.start(this.seq, spec.snapshot, spec.path, spec.kind, spec.options, shard)));
    }
    this.setState('running');
    if (spec.progress) this.onProgress?.(spec.progress);
  }

  post(make) {
    for (let i = 0; i < this.parts.length; i++) this.workers[i]?.postMessage(make(this.seq));
  }

  pause() {
    if (this.state !== 'running') return;
    this.post(toAnalysis.pause);
    this.setState('paused');
  }

  resume() {
    if (this.state !== 'paused') return;
    this.post(toAnalysis.resume);
    this.setState('running');
    const held = this.held;
    this.held = [];
    for (const [i, m] of held) {
      if (this.state !== 'running') break;
      this.take(i, m);
    }
  }

  /** Stops the analysis in the workers; nothing of it is kept. */
  cancel() {
    if (this.state === 'idle') return;
    this.post(toAnalysis.cancel);
    this.end();
    this.setState('idle');
  }

  end() {
    this.spec = null;
    this.held = [];
    this.parts = [];
    this.freeMerger();
  }

  /** A worker is gone: the analysis they had goes to `onLost`. */
  lose() {
    const spec = this.state !== 'idle' ? this.spec : null;
    for (const w of this.workers) { try { w.terminate(); } catch { /* gone */ } }
    this.workers = [];
    this.usable = false;
    this.end();
    if (this.state !== 'idle') this.setState('idle');
    if (spec) this.onLost?.({ ...spec, merger: null });
  }

  receive(i, data) {
    let m;
    try { m = checkMessage('fromAnalysis', data); } catch { this.lose(); return; }
    if (m.type === 'failed' || m.type === 'panic') { this.lose(); return; }
    if (m.type === 'ready' || m.seq !== this.seq || this.state === 'idle') return;
    if (this.state === 'paused') { this.held.push([i, m]); return; }
    this.take(i, m);
  }

  /** The shards' progress as one: items summed, the fraction their mean (equal-cost shards). */
  combined() {
    const ps = this.parts.map((p) => p.progress ?? { done: 0, total: 0, fraction: 0, finished: false });
    return {
      done: ps.reduce((a, p) => a + p.done, 0),
      total: ps.reduce((a, p) => a + p.total, 0),
      fraction: ps.reduce((a, p) => a + (p.fraction ?? 0), 0) / ps.length,
      finished: ps.every((p) => p.finished),
    };
  }

  take(i, m) {
    const s = this.stats;
    s.elapsedMs = this.now() - s.startedAt;
    const part = this.parts[i];
    if (!part) return;
    if (m.type === 'progress') {
      part.progress = m.progress;
      this.onProgress?.(this.parts.length > 1 ? this.combined() : m.progress);
      return;
    }
    if (m.type === 'error') {
      this.post(toAnalysis.cancel);
      this.end();
      this.setState('idle');
      this.onError?.(m.message);
      return;
    }
    part.result = m.result;
    s.frames += m.stats.slices;
    s.longestStepMs = Math.max(s.longestStepMs, m.stats.longestSliceMs);
    s.workMs += m.stats.workMs;
    if (this.parts.some((p) => p.result === null)) return;
    let result = this.parts[0].result;
    let error = null;
    if (this.merger) {
      try {
        for (const p of this.parts) this.merger.absorb(p.result);
        result = this.merger.result();
      } catch (e) {
        error = e?.message ?? String(e);
      }
    }
    this.end();
    this.setState('idle');
    if (error !== null) this.onError?.(`the analysis's shards could not be put together: ${error}`);
    else this.onDone?.(result, s);
  }
}

/** Progress in words, e.g. "37% (120 of 400)"; the percentage is the cost-weighted fraction. */
export function progressText(p) {
  if (!p) return '';
  const pct = Math.floor(Math.min(1, Math.max(0, p.fraction ?? 0)) * 100);
  return `${pct}% (${p.done ?? 0} of ${p.total ?? 0})`;
}
