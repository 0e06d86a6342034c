// The playground's one piece of persistent state: the document (see src/doc), plus its undo/redo
// history. Every change goes through `apply` — the engine taking the document, which validates
// it once and answers with the document as it now holds it — so the store never holds a
// document the engine refused: a refused edit throws and leaves everything as it was.
//
// The store holds documents *without* a run state (trained weights included): undo and redo
// bring a document back with its weights, while the run (epochs, history, optimizer moments)
// stays with the engine and goes on, the history marking the edit.
//
// Listeners get { reason, json, doc, outcome } with reason one of:
//   'edit'   an edit through `edit()`
//   'load'   a whole document via `load()`
//   'undo' / 'redo'
//   'absorb' the engine's trained weights copied in (`absorb`): no history entry
// and `outcome` the engine's answer ({ kept, note }) for the first four.
// Pure module (no DOM): its unit tests run in Node (www/test/state.test.mjs).

const HISTORY_LIMIT = 200;

export class DocumentStore {
  /**
   * @param {object} o
   * @param {(json: string, opts?: {fresh?: boolean}) => {json: string, kept?: boolean, note?: string|null}} o.apply
   *   gives the engine a document (`{fresh: true}` for a whole document opened by `load`: a new
   *   run, not an edit of the current one); returns the normalised document it holds, or throws Error
   * @param {string} o.json the initial document, already accepted by the engine (normalised)
   */
  constructor({ apply, json }) {
    this.apply = apply;
    this._set(json);
    this.past = [];
    this.future = [];
    this.coalesceKey = null;
    this.listeners = new Set();
  }

  /** The current document as normalised JSON. */
  get json() { return this._json; }

  /** The current document as a plain object. Treat it as read-only; change it with `edit`. */
  get doc() { return this._doc; }

  get canUndo() { return this.past.length > 0; }
  get canRedo() { return this.future.length > 0; }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Applies `mutator(draft)` to a copy of the document (it may also return a new document),
   * has the engine take the result and makes it current with one history entry. Consecutive
   * edits with the same `coalesce` key (a slider being dragged) share one history entry.
   * Throws (with the engine's or the mutator's message) and changes nothing when the edit is
   * refused. Returns false when the edit changed nothing.
   */
  edit(mutator, { coalesce = null } = {}) {
    const draft = structuredClone(this._doc);
    const out = mutator(draft);
    const next = JSON.stringify(out === undefined ? draft : out);
    if (next === JSON.stringify(this._doc)) return false;
    return this._commit(this.apply(next), 'edit', coalesce);
  }

  /** Replaces the whole document (preset, file, URL) as one undoable step. Throws if refused. */
  load(json) {
    return this._commit(this.apply(json, { fresh: true }), 'load', null, true);
  }

  /** Copies the engine's current document (trained weights) in without a history entry. */
  absorb(json) {
    if (json === this._json) return;
    this._set(json);
    this._emit('absorb');
  }

  undo() { return this._travel(this.past, this.future, 'undo'); }
  redo() { return this._travel(this.future, this.past, 'redo'); }

  _travel(from, to, reason) {
    if (!from.length) return false;
    const target = from[from.length - 1];
    const outcome = this.apply(target); // throws (and nothing moves) if the engine refuses
    from.pop();
    to.push(this._json);
    this._set(outcome.json);
    this.coalesceKey = null;
    this._emit(reason, outcome);
    return true;
  }

  _commit(outcome, reason, coalesce, always = false) {
    if (!always && outcome.json === this._json) return false;
    const merge = coalesce != null && coalesce === this.coalesceKey && this.past.length > 0;
    if (!merge) {
      this.past.push(this._json);
      if (this.past.length > HISTORY_LIMIT) this.past.shift();
    }
    this.future = [];
    this.coalesceKey = coalesce;
    this._set(outcome.json);
    this._emit(reason, outcome);
    return true;
  }

  _set(json) {
    this._json = json;
    this._doc = JSON.parse(json);
  }

  _emit(reason, outcome = null) {
    const ev = { reason, json: this._json, doc: this._doc, outcome };
    for (const fn of this.listeners) fn(ev);
  }
}
