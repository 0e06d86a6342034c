// The training worker (a module worker): its own engine and Playground, trained in slices of
// `sliceMs` while playing, so the page's thread stays free. After each slice it posts the
// snapshot (weights and run state) for the page to absorb; between slices it yields (a
// MessageChannel task), so `pause` and edits are handled within a frame. Exceptions and engine
// panics are posted; the page then rebuilds the worker from its own, intact document.
//
// Shared batches: set up with `workers` > 1, it starts workers − 1 helpers at once (shardworker.js,
// module workers with the same engine, loading while the page waits for Play) and sends them
// every document it takes. When the engine says a
// batch is worth sharing (`planBatch`: enough shards, enough work per shard; with `always`, any
// batch of more than one shard), shard i is
// computed by worker i mod k (0 = this one), the others' results are awaited — pause and edits
// are handled meanwhile, and a batch overtaken by one is planned again — and the engine
// finishes the batch with the shards in shard order: the same arithmetic as one worker, so the
// same weights to the last bit (src/train/shard.rs). A helper that cannot start is dropped (the
// run goes on with fewer); one that panics or answers for another document is replaced, its
// shards computed here. What was used is reported in each update (`workers`, `helpers`,
// `sharedBatches`, `helperRestarts`).
import init, { Playground } from '../pkg/qmlp.js';
import { checkMessage, toPage, toHelper, fromHelper } from './messages.js';

const HELPER_URL = new URL('./shardworker.js', import.meta.url);
/** Helpers replaced after a panic, at most, before the run goes on without them. */
const MAX_HELPER_RESTARTS = 3;

let pg = null;
let playing = false;
let seq = 0;
let sliceMs = 16;
let dead = false;
let wanted = 1;
let always = false;
let helpers = [];
/** Bumped by every message that makes a batch in flight stale (play, document, pause). */
let gen = 0;
let running = false;
let job = 0;
/** The page's decision grid: sizes and plane (a `view` message), what the last one cost. */
let viewReq = null;
let viewCost = 0;
let perCell = 0;
let lastViewEnd = -Infinity;
/** Time a grid may take while playing, and once stopped; while playing, views take at most a quarter of the time. */
const VIEW_MS = 40;
const FINAL_VIEW_MS = 250;
const counts = { sharedBatches: 0, sharedViews: 0, helperRestarts: 0, helperResyncs: 0, helperStartFailures: 0 };

const post = (m, transfer = []) => self.postMessage(checkMessage('toPage', m), transfer);
// The engine's panic hook (src/web/mod.rs) calls this; the instance is unusable afterwards.
globalThis.__qmlpOnPanic = (text) => {
  dead = true;
  playing = false;
  post(toPage.panic(String(text)));
};

class Helper {
  constructor(json) {
    this.ready = false;
    this.dead = false;
    this.waiting = new Map();
    this.w = new Worker(HELPER_URL, { type: 'module' });
    this.w.onmessage = (ev) => this.receive(ev.data);
    this.w.onerror = (ev) => {
      ev.preventDefault?.();
      this.lost();
    };
    this.w.onmessageerror = () => this.lost();
    if (json) this.send(toHelper.document(json));
  }

  send(m) {
    if (!this.dead) this.w.postMessage(checkMessage('toHelper', m));
  }

  receive(data) {
    let m;
    try { m = checkMessage('fromHelper', data); } catch { this.lost(); return; }
    if (m.type === 'ready') {
      this.ready = true;
      tell();
    } else if (m.type === 'results' || m.type === 'gridRows') {
      const done = this.waiting.get(m.job);
      this.waiting.delete(m.job);
      done?.(m);
    } else {
      this.lost();
    }
  }

  /** Resolves with the helper's `gridRows`, or null if it is lost first. */
  requestRows(id, n, [h, v], pre, from, to) {
    return new Promise((done) => {
      this.waiting.set(id, done);
      this.send(toHelper.rows(id, n, h, v, pre, from, to));
    });
  }

  /** Resolves with the helper's `results`, or null if it is lost first. */
  request(id, params, shards) {
    return new Promise((done) => {
      this.waiting.set(id, done);
      this.send(toHelper.shards(id, params, shards));
    });
  }

  lost() {
    if (this.dead) return;
    this.dead = true;
    try { this.w.terminate(); } catch { /* gone */ }
    for (const done of this.waiting.values()) done(null);
    this.waiting.clear();
    helpers = helpers.filter((h) => h !== this);
    if (!this.ready) {
      // It never started (nested workers refused here, the script blocked): go on without it.
      counts.helperStartFailures += 1;
      tell();
      return;
    }
    tell();
    counts.helperRestarts += 1;
    if (counts.helperRestarts <= MAX_HELPER_RESTARTS && pg) spawn(pg.transferSnapshot());
  }
}

function spawn(json) {
  try {
    helpers.push(new Helper(json));
  } catch {
    counts.helperStartFailures += 1;
    tell();
  }
}

/** Tells the page how many helpers run and how many could not start. */
function tell() {
  if (!dead) post(toPage.helpers(helpers.filter((h) => h.ready && !h.dead).length, counts.helperStartFailures));
}

/**
 * Computes the decision grid and confusion matrix of the current weights for the page (so the
 * page's thread only draws them): as many cells as fit in the time allowed, up to the size the
 * page asked for — a 12-qubit model gets a coarser grid while training than a 4-qubit one.
 * A final view (stopped) is split by rows with the helpers when there are any: k engines give
 * a grid k times the cells in the same time, every row computed as one engine computes it.
 */
function sendView(final) {
  if (!viewReq || !pg || dead) return;
  const max = final ? viewReq.idleGridN : viewReq.gridN;
  const budget = final ? FINAL_VIEW_MS : VIEW_MS;
  const live = final ? helpers.filter((h) => h.ready && !h.dead) : [];
  const k = live.length + 1;
  const n = perCell ? Math.min(max, Math.max(8, Math.floor(Math.sqrt((budget * k) / perCell)))) : Math.min(16, max);
  if (k > 1 && n >= 2 * k) {
    sendSharedView(n, live);
    return;
  }
  const t0 = performance.now();
  const view = pg.viewData(n);
  lastViewEnd = performance.now();
  viewCost = lastViewEnd - t0;
  perCell = viewCost / (view.gridN * view.gridN);
  const transfer = [view.values.buffer, view.confusion.buffer];
  if (view.classes) transfer.push(view.classes.buffer);
  post(toPage.view(seq, final, view, viewCost), transfer);
}

/** A final view of `n` cells per side, its rows split between this worker and `live`. */
async function sendSharedView(n, live) {
  const k = live.length + 1;
  const bound = (i) => Math.round((i * n) / k);
  const g = gen;
  const mySeq = seq;
  const plane = pg.plane();
  const pre = pg.planePreprocessed();
  const snapshot = pg.transferSnapshot();
  const id = ++job;
  // Each helper takes this very document first (its documents arrive in order).
  const asks = live.map((h, j) => {
    h.send(toHelper.document(snapshot));
    return h.requestRows(id, n, plane, pre, bound(j + 1), bound(j + 2));
  });
  const t0 = performance.now();
  const mine = pg.gridRows(n, 0, bound(1));
  const myMs = performance.now() - t0;
  const replies = await Promise.all(asks);
  if (dead || g !== gen || mySeq !== seq || !pg) return;
  const values = new Float64Array(n * n);
  const multi = mine.classes !== null;
  const classes = multi ? new Uint32Array(n * n) : null;
  const put = (r, from) => {
    values.set(r.values, from * n);
    if (multi) classes.set(r.classes, from * n);
  };
  put(mine, 0);
  replies.forEach((r, j) => {
    const from = bound(j + 1);
    const cells = (bound(j + 2) - from) * n;
    // A lost helper, or an answer that does not fit: those rows are computed here.
    const fits = r && r.values.length === cells && (r.classes !== null) === multi && (!multi || r.classes.length === cells);
    put(fits ? r : pg.gridRows(n, from, bound(j + 2)), from);
  });
  const view = pg.viewDataWith(n, values, classes);
  lastViewEnd = performance.now();
  // What one engine takes per cell (the page sizes its own grid from it).
  perCell = myMs / Math.max(1, bound(1) * n);
  viewCost = perCell * n * n;
  counts.sharedViews += 1;
  view.workers = k; // the page counts them (stats.lastViewWorkers)
  const transfer = [view.values.buffer, view.confusion.buffer];
  if (view.classes) transfer.push(view.classes.buffer);
  post(toPage.view(seq, true, view, viewCost), transfer);
}

function applyPlane() {
  if (!viewReq || !pg) return;
  try { pg.setPlane(viewReq.horizontal, viewReq.vertical, viewReq.preprocessed); } catch { /* the page's own check says why */ }
}

const tick = new MessageChannel();
tick.port1.onmessage = slice;

/**
 * Shares one planned batch: shard i goes to worker i mod k. Resolves with every shard's
 * {losses, keys, grads} in shard order and the number of workers whose results were used, or
 * null when a message made the batch stale meanwhile.
 */
async function share(plan, live, g) {
  const n = plan.shards.length;
  const k = Math.min(live.length + 1, n);
  const len = plan.params.length;
  const id = ++job;
  const asks = [];
  for (let j = 1; j < k; j += 1) {
    const mine = [];
    for (let i = j; i < n; i += k) mine.push(i);
    const h = live[j - 1];
    asks.push(h.request(id, plan.params, mine.map((i) => plan.shards[i])).then((m) => ({ h, mine, m })));
  }
  const losses = new Array(n);
  const keys = new Array(n);
  const grads = new Array(n);
  const here = (i) => {
    const s = pg.computeShard(plan.params, plan.shards[i]);
    losses[i] = s.loss;
    keys[i] = s.key;
    grads[i] = s.grad;
  };
  for (let i = 0; i < n; i += k) here(i);
  const replies = await Promise.all(asks);
  if (dead || g !== gen) return null;
  let workers = 1;
  for (const { h, mine, m } of replies) {
    const fits = m && m.grads.length === len * mine.length && mine.every((i, t) => m.keys[t] === plan.keys[i]);
    if (fits) {
      workers += 1;
      mine.forEach((i, t) => {
        losses[i] = m.losses[t];
        keys[i] = m.keys[t];
        grads[i] = m.grads.subarray(t * len, (t + 1) * len);
      });
    } else {
      mine.forEach(here);
      if (m) {
        // It answered for another document: give it this one again.
        counts.helperResyncs += 1;
        h.send(toHelper.document(pg.transferSnapshot()));
      }
    }
  }
  const all = new Float64Array(n * len);
  grads.forEach((v, i) => all.set(v, i * len));
  return { losses, keys, grads: all, workers };
}

async function slice() {
  if (!playing || dead || running) return;
  running = true;
  const g = gen;
  const start = performance.now();
  try {
    let r = null;
    let workers = 1;
    for (;;) {
      const live = helpers.filter((h) => h.ready && !h.dead);
      const plan = live.length ? pg.planBatch(always) : null;
      if (!plan) {
        r = pg.step(Math.max(0, sliceMs - (performance.now() - start)));
        break;
      }
      const res = await share(plan, live, g);
      // Paused, edited or replaced meanwhile: the batch is planned again from the new state.
      if (!res) { r = null; break; }
      r = pg.finishBatch(res.losses, res.grads, res.keys);
      workers = Math.max(workers, res.workers);
      counts.sharedBatches += 1;
      if (r.error || r.finished || performance.now() - start >= sliceMs) break;
    }
    if (r && g === gen && !dead) {
      const result = {
        epoch: r.epoch, finished: !!r.finished, epochs: r.epochs ?? null, error: r.error ?? null,
        workers, wanted, helpers: helpers.filter((h) => h.ready && !h.dead).length, ...counts,
      };
      post(toPage.update(seq, pg.transferSnapshot(), result));
      if (r.finished || r.error) playing = false;
      if (r.finished) sendView(true);
      else if (playing && performance.now() - lastViewEnd >= 3 * viewCost) sendView(false);
    }
  } catch (e) {
    running = false;
    fail(e);
    return;
  }
  running = false;
  if (playing && !dead) tick.port2.postMessage(0);
}

function fail(e) {
  playing = false;
  if (!dead) post(toPage.failed(e?.message ?? String(e)));
}

function handle(m) {
  if (dead) return;
  switch (m.type) {
    case 'setup':
      wanted = m.workers;
      always = m.always;
      for (let i = helpers.length + 1; i < wanted; i += 1) spawn(pg ? pg.transferSnapshot() : null);
      break;
    case 'play':
      gen += 1;
      seq = m.seq;
      sliceMs = m.sliceMs;
      if (pg) pg.setDocument(m.snapshot); else pg = new Playground(m.snapshot);
      applyPlane();
      for (const h of helpers) h.send(toHelper.document(m.snapshot));
      if (!playing) {
        playing = true;
        tick.port2.postMessage(0);
      }
      break;
    case 'document':
      gen += 1;
      seq = m.seq;
      if (pg) {
        pg.setDocument(m.json, m.fresh);
        for (const h of helpers) h.send(toHelper.document(m.json));
      }
      break;
    case 'pause':
      gen += 1;
      playing = false;
      post(toPage.paused(seq, pg ? pg.transferSnapshot() : ''));
      sendView(true);
      break;
    case 'view':
      viewReq = m;
      applyPlane();
      break;
    case 'viewOf':
      // Stopped, the page changed its document or weights: this view spares its thread.
      if (playing) break;
      seq = m.seq;
      if (pg) pg.setDocument(m.snapshot); else pg = new Playground(m.snapshot);
      applyPlane();
      // The page's measure of this document's grid sizes the view (the worker's own figure may
      // be of another document).
      perCell = m.msPerCell;
      sendView(true);
      break;
    case 'work': {
      // Stopped, the page's thread would take too long: one epoch (Step), or the evaluation a
      // slow model's edit or new weights left for later. The same engine, so the same numbers.
      if (playing) break;
      seq = m.seq;
      if (pg) pg.setDocument(m.snapshot); else pg = new Playground(m.snapshot);
      applyPlane();
      let result = {};
      if (m.action === 'epoch') {
        const r = pg.stepEpoch();
        result = { epoch: r.epoch, epochs: r.epochs ?? null, finished: !!r.finished, error: r.error ?? null };
      } else {
        pg.settle();
      }
      post(toPage.worked(seq, pg.transferSnapshot(), result));
      if (m.msPerCell > 0) perCell = m.msPerCell;
      sendView(true);
      break;
    }
  }
}

const ready = init({ module_or_path: new URL('../pkg/qmlp_bg.wasm', import.meta.url) });
ready.then(() => post(toPage.ready()), (e) => {
  dead = true;
  post(toPage.failed(`the worker could not start the engine: ${e?.message ?? e}`));
});

self.onmessage = async (ev) => {
  await ready.catch(() => {});
  try {
    handle(checkMessage('toWorker', ev.data));
  } catch (e) {
    fail(e);
  }
};
