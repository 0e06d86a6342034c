// Runs one long analysis (the engine's AnalysisRunner) a few milliseconds per animation frame,
// so the page never freezes: Pause, Resume and Cancel (the runner is freed, which drops its
// work), progress after every frame, the result once it is finished. Also the progress in words.
// No DOM: the frame scheduler and the clock are passed in (the unit tests drive them by hand).

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

/** Progress in words, e.g. "37% (120 of 400)"; the percentage is the cost-weighted fraction. */
export function progressText(p) {
  if (!p) return '';
  const pct = Math.floor(Math.min(1, Math.max(0, p.fraction ?? 0)) * 100);
  return `${pct}% (${p.done ?? 0} of ${p.total ?? 0})`;
}
