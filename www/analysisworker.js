// The analysis worker: runs the Debugger's long analyses (barren plateaus, the loss landscape,
// expressibility) off the page's thread, on its own engine and Playground built from the
// page's snapshot, so neither the page nor the training worker waits for them. The analysis
// advances in slices of SLICE_MS; between slices the worker yields, so a pause or a cancel is
// taken within one slice. Each slice's progress is posted; the result, once finished, is
// posted as the JSON the page stores in the document — the same numbers as the page's own
// engine computes (the analyses are seeded). Asked for shard i of k, it computes only that
// stretch of the analysis's items and posts their raw numbers, which the page absorbs in order
// (analysisrun.js). Messages: messages.js (toAnalysis, fromAnalysis).
import init, { Playground } from '../pkg/qmlp.js';
import { checkMessage, fromAnalysis } from './messages.js';

const SLICE_MS = 25;

let pg = null;
let run = null; // { seq, runner, paused, stats }
let dead = false;
let scheduled = false;

const post = (m) => self.postMessage(checkMessage('fromAnalysis', m));
globalThis.__qmlpOnPanic = (text) => {
  dead = true;
  post(fromAnalysis.panic(String(text)));
};

function drop() {
  try { run?.runner.free(); } catch { /* already freed */ }
  run = null;
}

function schedule() {
  if (scheduled || !run || run.paused) return;
  scheduled = true;
  setTimeout(slice, 0);
}

function slice() {
  scheduled = false;
  if (dead || !run || run.paused) return;
  const r = run;
  const t0 = performance.now();
  let p;
  try {
    p = r.runner.step(SLICE_MS);
  } catch (e) {
    p = { error: e?.message ?? String(e) };
  }
  if (dead) return;
  const dt = performance.now() - t0;
  r.stats.slices += 1;
  r.stats.workMs += dt;
  r.stats.longestSliceMs = Math.max(r.stats.longestSliceMs, dt);
  if (p.error) {
    drop();
    post(fromAnalysis.error(r.seq, p.error));
    return;
  }
  post(fromAnalysis.progress(r.seq, p));
  if (!p.finished) {
    schedule();
    return;
  }
  let result;
  try {
    result = r.runner.result();
  } catch (e) {
    drop();
    post(fromAnalysis.error(r.seq, e?.message ?? String(e)));
    return;
  }
  drop();
  post(fromAnalysis.done(r.seq, result, r.stats));
}

function handle(m) {
  if (m.type === 'start') {
    drop();
    try {
      try { pg?.free(); } catch { /* gone */ }
      pg = null;
      pg = new Playground(m.snapshot);
      pg.setTrainingPath(m.path);
      const runner = pg.startAnalysis(m.kind, m.options);
      if (m.shard) runner.shard(m.shard[0], m.shard[1]);
      run = { seq: m.seq, runner, paused: false, stats: { slices: 0, longestSliceMs: 0, workMs: 0 } };
      post(fromAnalysis.progress(m.seq, runner.progress()));
      schedule();
    } catch (e) {
      drop();
      if (!dead) post(fromAnalysis.error(m.seq, e?.message ?? String(e)));
    }
    return;
  }
  if (!run || run.seq !== m.seq) return; // about an analysis already gone
  if (m.type === 'pause') run.paused = true;
  else if (m.type === 'resume') { run.paused = false; schedule(); }
  else if (m.type === 'cancel') drop();
}

const ready = init({ module_or_path: new URL('../pkg/qmlp_bg.wasm', import.meta.url) });
ready.then(() => post(fromAnalysis.ready()), (e) => {
  dead = true;
  post(fromAnalysis.failed(`the analysis worker could not start the engine: ${e?.message ?? e}`));
});

self.onmessage = async (ev) => {
  await ready.catch(() => {});
  if (dead) return;
  let m;
  try {
    m = checkMessage('toAnalysis', ev.data);
  } catch (e) {
    post(fromAnalysis.failed(e.message));
    return;
  }
  handle(m);
};
