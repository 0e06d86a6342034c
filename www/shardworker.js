// A helper of the training worker (trainworker.js), which starts it when batches are shared
// across workers: its own engine and Playground holding the training worker's document (every
// snapshot and edit, in the training worker's order), asked to compute shards of a batch
// (src/train/shard.rs) at the weights it is given. Every answer carries each shard's key, so
// the training worker only takes results of its own document, weights and points. A panic is
// posted; the training worker then starts another helper (or goes on alone). Stopped, it also
// computes rows of a final decision grid (`rows`), which the training worker puts together.
// Its documents are taken without evaluating them (a helper needs no history).
import init, { Playground } from '../pkg/qmlp.js';
import { checkMessage, fromHelper } from './messages.js';

let pg = null;
let dead = false;

const post = (m, transfer = []) => self.postMessage(checkMessage('fromHelper', m), transfer);
globalThis.__qmlpOnPanic = (text) => {
  dead = true;
  post(fromHelper.panic(String(text)));
};

function handle(m) {
  if (m.type === 'document') {
    if (pg) pg.setDocument(m.json, false, 0); else pg = new Playground(m.json, 0);
    return;
  }
  if (m.type === 'rows') {
    if (!pg) throw new Error('grid rows were asked for before any document');
    pg.setPlane(m.horizontal, m.vertical, m.preprocessed);
    const r = pg.gridRows(m.gridN, m.from, m.to);
    const transfer = [r.values.buffer];
    if (r.classes) transfer.push(r.classes.buffer);
    post(fromHelper.gridRows(m.job, r.values, r.classes), transfer);
    return;
  }
  if (!pg) throw new Error('a shard was asked for before any document');
  const losses = [];
  const keys = [];
  const parts = m.shards.map((points) => {
    const r = pg.computeShard(m.params, points);
    losses.push(r.loss);
    keys.push(r.key);
    return r.grad;
  });
  const n = m.params.length;
  const grads = new Float64Array(n * parts.length);
  parts.forEach((g, i) => grads.set(g, i * n));
  post(fromHelper.results(m.job, losses, keys, grads), [grads.buffer]);
}

const ready = init({ module_or_path: new URL('../pkg/qmlp_bg.wasm', import.meta.url) });
ready.then(() => post(fromHelper.ready()), (e) => {
  dead = true;
  post(fromHelper.failed(`the helper could not start the engine: ${e?.message ?? e}`));
});

self.onmessage = async (ev) => {
  await ready.catch(() => {});
  if (dead) return;
  try {
    handle(checkMessage('toHelper', ev.data));
  } catch (e) {
    if (!dead) post(fromHelper.failed(e?.message ?? String(e)));
  }
};
