// The playground's one piece of persistent state: the document (see src/doc), plus its undo/redo
// history. Every change goes through `validate` (the engine's validateDocument), so the store
// never holds an invalid document: a refused edit throws and leaves everything as it was.
//
// Listeners get { reason, json, doc } with reason one of:
//   'edit'   an edit through `edit()`         (push to the engine)
//   'load'   a whole document via `load()`    (push to the engine)
//   'undo' / 'redo'                           (push to the engine)
//   'engine' an edit the engine already holds (`commitFromEngine`, e.g. a point added on the plot)
//   'absorb' the engine's trained weights copied in (`absorb`): no history entry, nothing to push
// The URL hash, autosave and embedding (later) subscribe here too.

const HISTORY_LIMIT = 200;

export class DocumentStore {
  /**
   * @param {object} o
   * @param {(json: string) => string} o.validate returns normalised JSON or throws Error
   * @param {string} o.json the initial document (validated here)
   */
  constructor({ validate, json }) {
    this.validate = validate;
    this._json = validate(json);
    this._doc = JSON.parse(this._json);
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
   * validates the result and makes it current with one history entry. Consecutive edits with
   * the same `coalesce` key (a slider being dragged) share one history entry. Throws (with the
   * validator's or the mutator's message) and changes nothing when the edit is refused.
   * Returns false when the edit changed nothing.
   */
  edit(mutator, { coalesce = null } = {}) {
    const draft = structuredClone(this._doc);
    const out = mutator(draft);
    const next = out === undefined ? draft : out;
    return this._commit(this.validate(JSON.stringify(next)), 'edit', coalesce);
  }

  /** Replaces the whole document (preset, file, URL) as one undoable step. Throws if invalid. */
  load(json) {
    return this._commit(this.validate(json), 'load', null);
  }

  /** Records a change the engine already made (it holds `json` now) as an undoable step. */
  commitFromEngine(json) {
    return this._commit(this.validate(json), 'engine', null);
  }

  /** Copies the engine's current document (trained weights) in without a history entry. */
  absorb(json) {
    if (json === this._json) return;
    this._json = json;
    this._doc = JSON.parse(json);
    this._emit('absorb');
  }

  undo() {
    if (!this.past.length) return false;
    this.future.push(this._json);
    this._set(this.past.pop());
    this.coalesceKey = null;
    this._emit('undo');
    return true;
  }

  redo() {
    if (!this.future.length) return false;
    this.past.push(this._json);
    this._set(this.future.pop());
    this.coalesceKey = null;
    this._emit('redo');
    return true;
  }

  _commit(json, reason, coalesce) {
    if (json === this._json) return false;
    const merge = coalesce != null && coalesce === this.coalesceKey && this.past.length > 0;
    if (!merge) {
      this.past.push(this._json);
      if (this.past.length > HISTORY_LIMIT) this.past.shift();
    }
    this.future = [];
    this.coalesceKey = coalesce;
    this._set(json);
    this._emit(reason);
    return true;
  }

  _set(json) {
    this._json = json;
    this._doc = JSON.parse(json);
  }

  _emit(reason) {
    const ev = { reason, json: this._json, doc: this._doc };
    for (const fn of this.listeners) fn(ev);
  }
}
