// The page's handle on the wasm Playground (trainer + model + plots for one document). Keeps the
// last document the engine accepted so that, after an engine panic, a fresh Playground can be
// built from it without losing the user's work.

export class Engine {
  /**
   * With `deferOverMs` (a worker will be there to evaluate it), a model slower to evaluate than
   * that starts unevaluated (`pg.unevaluated()`) instead of blocking the page while it loads.
   */
  constructor(wasm, json, deferOverMs = undefined) {
    this.wasm = wasm;
    this.pg = new wasm.Playground(json, deferOverMs);
    this.json = json;
    this.dirty = false;   // trained since the store last absorbed the engine's document
    this.broken = false;  // a panic happened; calls wait for recover()
    this.info = this.pg.info();
  }

  /**
   * Gives the engine a new document (it validates it, once). Returns `{kept, note, json}`:
   * whether the run went on untouched, what a structural edit reset, and the document as the
   * engine holds it (normalised). With `fresh` (a whole document opened) a document without a
   * run state starts a new run rather than continuing the current one as an edit. Throws (an Error with `path`) and changes nothing if refused.
   */
  setDocument(json, fresh = false, deferOverMs = undefined) {
    const out = this.pg.setDocument(json, fresh, deferOverMs);
    this.json = out.json;
    this.dirty = false;
    this.info = this.pg.info();
    return out;
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
    this.info = this.pg.info();
    this.broken = false;
    // The plotted plane is the Playground's; a rebuilt one shows the first two inputs.
    this.dirty = false;
  }

  /** The document with the trained weights (no run state): what the editor holds. */
  document() { return this.pg.document(); }
  /** The document with weights and run state: what links, downloads and the autosave hold. */
  snapshot() { return this.pg.snapshot(); }
  /** The same as compact JSON: what goes to the workers (about half the characters to copy and parse). */
  transferSnapshot() { return this.pg.transferSnapshot(); }
  step(ms) { this.dirty = true; return this.pg.step(ms); }
  stepEpoch() { this.dirty = true; return this.pg.stepEpoch(); }
  /** New weights from `seed`; returns whether their evaluation was left for later (`deferOverMs`). */
  reset(seed, deferOverMs = undefined) { this.dirty = true; return this.pg.reset(seed, deferOverMs); }
  metrics() { return this.pg.metrics(); }
  history() { return this.pg.history(); }
  /** The raw data point at plot coordinates (u, v): other inputs at their training mean. */
  planePoint(u, v) { return Array.from(this.pg.planePoint(u, v)); }
  /** Chooses the raw inputs (0-based) the boundary plot shows; the others stay at their mean. */
  /**
   * Chooses the plane the boundary plot shows: inputs (0-based) of the raw data, the others at
   * their training mean — or, with `preprocessed`, of the model's inputs after preprocessing
   * (principal components), the others 0.
   */
  setPlane(horizontal, vertical, preprocessed = false) { this.pg.setPlane(horizontal, vertical, preprocessed); }
  /** The plotted inputs now: `[horizontal, vertical]` (the first two when the chosen are gone). */
  plane() { return Array.from(this.pg.plane()); }
  /** Whether the plotted plane is of preprocessed inputs (principal components). */
  planePreprocessed() { return this.pg.planePreprocessed(); }
  /** `{classes, counts (row = true, column = predicted), classNames, points}` of a split. */
  confusion(test) { return this.pg.confusion(test); }
  inspect(x, col) { return this.pg.inspect(Float64Array.from(x), col ?? undefined); }
  drawBoundary(canvas, opts) { return this.pg.drawBoundary(canvas, opts); }
  drawLoss(canvas, opts) { return this.pg.drawLoss(canvas, opts); }
  pixelToData(w, hgt, px, py, axes, ratio) { return this.pg.pixelToData(w, hgt, px, py, axes, ratio); }
  /** The data point under a pixel of a boundary canvas drawn with `opts` (drawBoundary's options). */
  boundaryPixelToData(w, hgt, px, py, opts) { return this.pg.boundaryPixelToData(w, hgt, px, py, opts); }
  exportSvg(which) { return this.pg.exportSvg(which); }
  /** The current document with weights and run state as a link fragment (`v1.…`). */
  shareHash() { return this.pg.shareHash(); }
  exportQasm(version, x) { return this.pg.exportQasm(version, Float64Array.from(x)); }
  exportPython(framework) { return this.pg.exportPython(framework); }
}
