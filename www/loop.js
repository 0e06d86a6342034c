// The training loop: while playing, every animation frame asks the engine for about `stepMs` of
// training, then redraws what changed in the same frame (one short task per frame). Edits made
// while playing go to the same engine, so training goes on with the new document.

export class TrainLoop {
  constructor(app, controls) {
    this.app = app;
    this.controls = controls;
    this.playing = false;
    this.raf = 0;
    this.frame = this.frame.bind(this);
    this.window = [];       // recent [time, epoch] samples for the rates
    this.lastAbsorb = 0;
    this.frameBudgetMs = 24; // step + redraws per frame; what does not fit waits a frame
  }

  toggle() {
    if (this.playing) this.pause(); else this.play();
  }

  play() {
    if (this.playing || this.app.engine.broken) return;
    this.app.messages.training.clear();
    this.playing = true;
    this.window = [];
    this.controls.renderPlaying(true);
    this.raf = requestAnimationFrame(this.frame);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.controls.renderPlaying(false);
    this.app.sync();
    this.app.invalidate('boundary', 'metrics', 'state');
  }

  frame(t) {
    this.raf = 0;
    if (!this.playing) return;
    const { app } = this;
    const t0 = performance.now();
    let r;
    try {
      r = app.engine.step(app.ui.stepMs);
    } catch (e) {
      this.pause();
      if (!app.engine.broken) app.messages.training.show(`Training stopped: ${e.message}`);
      return;
    }
    app.invalidate('boundary', 'loss', 'metrics', 'state', 'debug');
    this.measure(t, r.epoch);
    app.flush({ start: t0, budgetMs: this.frameBudgetMs });
    // Keep the inspector's weight values roughly current while a trainable gate is selected.
    if (app.ui.selected != null && t0 - this.lastAbsorb > 500) {
      this.lastAbsorb = t0;
      app.sync();
    }
    const dt = performance.now() - t0;
    app.stats.frames += 1;
    app.stats.longestFrameMs = Math.max(app.stats.longestFrameMs, dt);
    if (r.error) {
      this.pause();
      app.messages.training.show(stopped(r.error));
      return;
    }
    if (r.finished) {
      this.pause();
      app.messages.training.show(`Trained the ${r.epochs} epochs set under Epochs; raise it to go on.`, 'info', { tag: 'finished', sticky: true });
      return;
    }
    this.raf = requestAnimationFrame(this.frame);
  }

  measure(t, epoch) {
    const w = this.window;
    w.push([t, epoch]);
    while (w.length > 2 && t - w[0][0] > 1000) w.shift();
    if (w.length >= 2) {
      const dt = (t - w[0][0]) / 1000;
      if (dt > 0) {
        this.app.stats.fps = (w.length - 1) / dt;
        const de = epoch - w[0][1];
        this.app.stats.epochsPerSec = de >= 0 ? de / dt : 0;
      }
    }
  }

  stepEpoch() {
    const { app } = this;
    if (this.playing || app.engine.broken) return;
    try {
      const r = app.engine.stepEpoch();
      if (r.error) app.messages.training.show(stopped(r.error));
      else app.messages.training.clear();
    } catch (e) {
      app.messages.training.show(e.message);
    }
    app.sync();
    app.invalidate('boundary', 'loss', 'metrics', 'state', 'debug');
  }

  /**
   * New initial weights (the next seed). With `deferOverMs`, a model slower to evaluate than
   * that is left unevaluated (WorkerLoop has its worker evaluate it).
   */
  reset(deferOverMs = undefined) {
    const { app } = this;
    this.pause();
    this.resets = (this.resets ?? 0) + 1;
    const seed = app.store.doc.training.seed + this.resets;
    try {
      app.engine.reset(seed, deferOverMs);
      app.sync();
      app.messages.training.show(`New initial weights (seed ${seed}).`, 'info');
    } catch (e) {
      app.messages.training.show(e.message);
    }
    app.invalidate('boundary', 'loss', 'metrics', 'state', 'debug');
  }
}

/** The engine's reason for stopping, led by "Training stopped" once. */
export function stopped(error) {
  return /^training stopped/i.test(error) ? error : `Training stopped: ${error}`;
}
