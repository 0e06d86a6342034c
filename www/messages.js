// The messages between the page (workerloop.js) and the training worker (trainworker.js): their
// names, fields and constructors in one place, and a check that refuses an unknown or malformed
// message with a sentence saying what is wrong. Both sides check what they receive.
//
// Page → worker:  setup {workers, always}         share batches across `workers` workers (itself
//                                                and workers − 1 helpers, started now) when that
//                                                pays — or `always` when a batch splits at all
//                 play {seq, snapshot, sliceMs}  start (or go on) from this snapshot
//                 document {seq, json, fresh}    an edit while playing (the run goes on), or
//                                                with `fresh` a whole document opened (a new run)
//                 pause {}                       stop; the worker answers `paused`
//                 view {gridN, idleGridN, horizontal, vertical, preprocessed}
//                                                the decision grid's size while playing and
//                                                when stopped, and its plane (see `view`)
//                 viewOf {seq, snapshot, msPerCell}
//                                                stopped, the page's document or weights changed
//                                                and its grid is slow (msPerCell, as measured):
//                                                the final view of this snapshot (the page draws
//                                                its last one meanwhile)
//                 work {seq, snapshot, action, msPerCell}
//                                                stopped, work too slow for the page's thread
//                                                on this snapshot: `epoch` trains one epoch
//                                                (Step), `settle` records the evaluation the
//                                                history waits for (a slow model's edit or new
//                                                weights); the worker answers `worked`, then
//                                                its final view
// Worker → page:  ready {}                       the engine is loaded
//                 update {seq, snapshot, result} after each slice of training
//                 paused {seq, snapshot}         the final state after `pause`
//                 view {seq, final, view, ms}    the decision grid and confusion matrix of the
//                                                weights of the update or `paused` just sent
//                                                (Playground.viewData), `final` once stopped
//                                                (and for `viewOf`); `ms` what it took
//                 worked {seq, snapshot, result} the state after `work` (`result`: the epoch's
//                                                {epoch, epochs, finished, error} for `epoch`)
//                 failed {message}               an exception (a refused document, a bug)
//                 panic {message}                the engine panicked; the worker is unusable
//                 helpers {ready, failed}        its helpers running, and those that could not
//                                                start, whenever that changes
// `seq` numbers the documents the page sent, so the page knows whether an update already holds
// its latest edit.
//
// Between the training worker and its helpers (shardworker.js), which compute shards of a batch
// (src/train/shard.rs) on their own engine holding the same document:
// Worker → helper: document {json}               the document the worker holds (a snapshot on
//                                                play, an edit while playing), in its order
//                  shards {job, params, shards}  compute these shards (Uint32Array point
//                                                indices each) at weights params (Float64Array)
//                  rows {job, gridN, horizontal, vertical, preprocessed, from, to}
//                                                rows from..to of the decision grid (gridN cells
//                                                per side) over that plane, for a final view
// Helper → worker: ready {}                      the engine is loaded
//                  results {job, losses, keys, grads}
//                                                each shard's summed loss and key, and its
//                                                gradients one after another (Float64Array)
//                  gridRows {job, values, classes} those rows' values (Float64Array) and, for
//                                                more than two classes, cell classes (Uint32Array)
//                  failed {message}               a refused document or shard
//                  panic {message}                the engine panicked; the helper is unusable
//
// Between the page (analysisrun.js, WorkerAnalysisDriver) and the analysis worker
// (analysisworker.js), which runs the Debugger's long analyses on its own engine:
// Page → analysis:  start {seq, snapshot, path, kind, options, shard}
//                                                run analysis `kind` ('barren', 'landscape',
//                                                'expressibility') with `options` on the
//                                                document `snapshot` with the page's training
//                                                path (Float64Array, Playground.trainingPath:
//                                                a snapshot lacks it); what ran before is dropped.
//                                                `shard` null: the whole analysis; [i, k]: only
//                                                shard i of k (AnalysisRunner.shard), whose raw
//                                                numbers the page absorbs in order
//                   pause {seq} / resume {seq}   hold / go on with analysis `seq`
//                   cancel {seq}                 drop analysis `seq` and its work
// Analysis → page:  ready {}                     the engine is loaded
//                   progress {seq, progress}     `{done, total, fraction, finished}` after a slice
//                   done {seq, result, stats}    the result (JSON, what `doc.analyses` holds,
//                                                or the shard `{from, to, width, values}`)
//                                                and `{slices, longestSliceMs, workMs}`
//                   error {seq, message}         the analysis could not start or stopped
//                   failed {message}             the engine could not load
//                   panic {message}              the engine panicked; the worker is unusable

const FIELDS = {
  toWorker: {
    setup: { workers: 'count', always: 'boolean' },
    play: { seq: 'number', snapshot: 'string', sliceMs: 'number' },
    document: { seq: 'number', json: 'string', fresh: 'boolean' },
    pause: {},
    view: { gridN: 'count', idleGridN: 'count', horizontal: 'index', vertical: 'index', preprocessed: 'boolean' },
    viewOf: { seq: 'number', snapshot: 'string', msPerCell: 'number' },
    work: { seq: 'number', snapshot: 'string', action: 'workAction', msPerCell: 'number' },
  },
  toPage: {
    ready: {},
    update: { seq: 'number', snapshot: 'string', result: 'object' },
    paused: { seq: 'number', snapshot: 'string' },
    view: { seq: 'number', final: 'boolean', view: 'object', ms: 'number' },
    worked: { seq: 'number', snapshot: 'string', result: 'object' },
    failed: { message: 'string' },
    panic: { message: 'string' },
    helpers: { ready: 'number', failed: 'number' },
  },
  toHelper: {
    document: { json: 'string' },
    shards: { job: 'number', params: 'f64s', shards: 'indexLists' },
    rows: { job: 'number', gridN: 'count', horizontal: 'index', vertical: 'index', preprocessed: 'boolean', from: 'index', to: 'index' },
  },
  toAnalysis: {
    start: { seq: 'number', snapshot: 'string', path: 'f64s', kind: 'analysisKind', options: 'object', shard: 'shardOrNull' },
    pause: { seq: 'number' },
    resume: { seq: 'number' },
    cancel: { seq: 'number' },
  },
  fromAnalysis: {
    ready: {},
    progress: { seq: 'number', progress: 'object' },
    done: { seq: 'number', result: 'string', stats: 'object' },
    error: { seq: 'number', message: 'string' },
    failed: { message: 'string' },
    panic: { message: 'string' },
  },
  fromHelper: {
    ready: {},
    results: { job: 'number', losses: 'numbers', keys: 'numbers', grads: 'f64s' },
    gridRows: { job: 'number', values: 'f64s', classes: 'u32sOrNull' },
    failed: { message: 'string' },
    panic: { message: 'string' },
  },
};

// What each field type accepts, and how a refusal words it.
const TYPES = {
  number: [(v) => Number.isFinite(v), 'a finite number'],
  count: [(v) => Number.isInteger(v) && v >= 1, 'a whole number of at least 1'],
  index: [(v) => Number.isInteger(v) && v >= 0, 'a whole number of at least 0'],
  string: [(v) => typeof v === 'string', 'a string'],
  boolean: [(v) => typeof v === 'boolean', 'true or false'],
  workAction: [(v) => v === 'epoch' || v === 'settle', '"epoch" or "settle"'],
  analysisKind: [(v) => v === 'barren' || v === 'landscape' || v === 'expressibility', '"barren", "landscape" or "expressibility"'],
  object: [(v) => v !== null && typeof v === 'object', 'an object'],
  shardOrNull: [(v) => v === null || (Array.isArray(v) && v.length === 2 && v.every(Number.isInteger) && v[0] >= 0 && v[0] < v[1] && v[1] <= 64), 'null or [index, count] with 0 ≤ index < count ≤ 64'],
  f64s: [(v) => v instanceof Float64Array, 'a Float64Array'],
  u32sOrNull: [(v) => v === null || v instanceof Uint32Array, 'a Uint32Array or null'],
  // Losses may be NaN or infinite (a diverging run stops on them, as on one worker).
  numbers: [(v) => Array.isArray(v) && v.every((x) => typeof x === 'number'), 'an array of numbers'],
  indexLists: [(v) => Array.isArray(v) && v.every((x) => x instanceof Uint32Array), 'an array of Uint32Arrays'],
};

/** Messages to the worker. */
export const toWorker = {
  setup: (workers, always) => ({ type: 'setup', workers, always }),
  play: (seq, snapshot, sliceMs) => ({ type: 'play', seq, snapshot, sliceMs }),
  document: (seq, json, fresh = false) => ({ type: 'document', seq, json, fresh }),
  pause: () => ({ type: 'pause' }),
  view: (gridN, idleGridN, horizontal, vertical, preprocessed) => ({ type: 'view', gridN, idleGridN, horizontal, vertical, preprocessed }),
  viewOf: (seq, snapshot, msPerCell) => ({ type: 'viewOf', seq, snapshot, msPerCell }),
  work: (seq, snapshot, action, msPerCell) => ({ type: 'work', seq, snapshot, action, msPerCell }),
};

/** Messages to the page. */
export const toPage = {
  ready: () => ({ type: 'ready' }),
  update: (seq, snapshot, result) => ({ type: 'update', seq, snapshot, result }),
  paused: (seq, snapshot) => ({ type: 'paused', seq, snapshot }),
  view: (seq, final, view, ms) => ({ type: 'view', seq, final, view, ms }),
  worked: (seq, snapshot, result) => ({ type: 'worked', seq, snapshot, result }),
  failed: (message) => ({ type: 'failed', message }),
  panic: (message) => ({ type: 'panic', message }),
  helpers: (ready, failed) => ({ type: 'helpers', ready, failed }),
};

/** Messages to a helper. */
export const toHelper = {
  document: (json) => ({ type: 'document', json }),
  shards: (job, params, shards) => ({ type: 'shards', job, params, shards }),
  rows: (job, gridN, horizontal, vertical, preprocessed, from, to) => ({ type: 'rows', job, gridN, horizontal, vertical, preprocessed, from, to }),
};

/** Messages from a helper. */
export const fromHelper = {
  ready: () => ({ type: 'ready' }),
  results: (job, losses, keys, grads) => ({ type: 'results', job, losses, keys, grads }),
  gridRows: (job, values, classes) => ({ type: 'gridRows', job, values, classes }),
  failed: (message) => ({ type: 'failed', message }),
  panic: (message) => ({ type: 'panic', message }),
};

/** Messages to the analysis worker. */
export const toAnalysis = {
  start: (seq, snapshot, path, kind, options, shard = null) => ({ type: 'start', seq, snapshot, path, kind, options, shard }),
  pause: (seq) => ({ type: 'pause', seq }),
  resume: (seq) => ({ type: 'resume', seq }),
  cancel: (seq) => ({ type: 'cancel', seq }),
};

/** Messages from the analysis worker. */
export const fromAnalysis = {
  ready: () => ({ type: 'ready' }),
  progress: (seq, progress) => ({ type: 'progress', seq, progress }),
  done: (seq, result, stats) => ({ type: 'done', seq, result, stats }),
  error: (seq, message) => ({ type: 'error', seq, message }),
  failed: (message) => ({ type: 'failed', message }),
  panic: (message) => ({ type: 'panic', message }),
};

/**
 * Returns `msg` when it is a well-formed message in direction `dir` ('toWorker', 'toPage',
 * 'toHelper', 'fromHelper', 'toAnalysis' or 'fromAnalysis');
 * throws an Error saying what is wrong otherwise.
 */
export function checkMessage(dir, msg) {
  const kinds = FIELDS[dir];
  if (!kinds) throw new Error(`unknown message direction "${dir}"`);
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    throw new Error(`a message must be an object with a type, not ${msg === null ? 'null' : typeof msg}`);
  }
  const fields = Object.hasOwn(kinds, msg.type) ? kinds[msg.type] : null;
  if (!fields) {
    throw new Error(`unknown message type ${JSON.stringify(msg.type)} (expected one of ${Object.keys(kinds).join(', ')})`);
  }
  for (const [name, type] of Object.entries(fields)) {
    const [ok, words] = TYPES[type];
    if (!ok(msg[name])) throw new Error(`message "${msg.type}": field ${name} must be ${words}`);
  }
  for (const name of Object.keys(msg)) {
    if (name !== 'type' && !Object.hasOwn(fields, name)) throw new Error(`message "${msg.type}": unexpected field ${name}`);
  }
  return msg;
}
