// The page's handle on the wasm Playground (trainer + model + plots for one document). Keeps the
// last document the engine accepted so that, after an engine panic, a fresh Playground can be
// built from it without losing the user's work.

export class Engine {
  constructor(wasm, json) {
    this.wasm = wasm;
    this.pg = new wasm.Playground(json);
    this.json = json;
    this.dirty = false;   // trained since the store last absorbed the engine's document
    this.broken = false;  // a panic happened; calls wait for recover()
  }

  setDocument(json) {
    this.pg.setDocument(json);
    this.json = json;
    this.dirty = false;
  }

  /** Builds a new Playground from `json` (or the last good document) after a panic. */
  recover(json = this.json) {
    try { this.pg.free(); } catch { /* the old instance may be unusable */ }
    try {
      this.pg = new this.wasm.Playground(json);
      this.json = json;
    } catch {
      this.pg = new this.wasm.Playground(this.wasm.defaultDocument());
      this.json = this.wasm.defaultDocument();
    }
    this.broken = false;
    this.dirty = false;
  }

  document() { return this.pg.document(); }
  step(ms) { this.dirty = true; return this.pg.step(ms); }
  stepEpoch() { this.dirty = true; return this.pg.stepEpoch(); }
  reset(seed) { this.dirty = true; return this.pg.reset(seed); }
  metrics() { return this.pg.metrics(); }
  inspect(x1, x2, col) { return this.pg.inspect(x1, x2, col ?? undefined); }
  drawBoundary(canvas, opts) { return this.pg.drawBoundary(canvas, opts); }
  drawLoss(canvas, opts) { return this.pg.drawLoss(canvas, opts); }
  pixelToData(w, hgt, px, py, axes) { return this.pg.pixelToData(w, hgt, px, py, axes); }
  addPoint(x1, x2, label) { return this.pg.addPoint(x1, x2, label); }
  exportSvg(which) { return this.pg.exportSvg(which); }
  /** The current document with the trained weights as a link fragment (`v1.…`). */
  shareHash() { return this.pg.shareHash(); }
  exportQasm(version, x1, x2) { return this.pg.exportQasm(version, x1, x2); }
  exportPython(framework) { return this.pg.exportPython(framework); }
}
