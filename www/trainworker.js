// The training worker (a module worker): its own engine and Playground, trained in slices of
// `sliceMs` while playing, so the page's thread stays free. After each slice it posts the
// snapshot (weights and run state) for the page to absorb; between slices it yields (a
// MessageChannel task), so `pause` and edits are handled within a frame. Exceptions and engine
// panics are posted; the page then rebuilds the worker from its own, intact document.
import init, { Playground } from '../pkg/qmlp.js';
import { checkMessage, toPage } from './messages.js';

let pg = null;
let playing = false;
let seq = 0;
let sliceMs = 16;
let dead = false;

const post = (m) => self.postMessage(checkMessage('toPage', m));
// The engine's panic hook (src/web/mod.rs) calls this; the instance is unusable afterwards.
globalThis.__qmlpOnPanic = (text) => {
  dead = true;
  playing = false;
  post(toPage.panic(String(text)));
};

const tick = new MessageChannel();
tick.port1.onmessage = slice;

function slice() {
  if (!playing || dead) return;
  try {
    const r = pg.step(sliceMs);
    const result = { epoch: r.epoch, finished: !!r.finished, epochs: r.epochs ?? null, error: r.error ?? null };
    post(toPage.update(seq, pg.snapshot(), result));
    if (r.finished || r.error) playing = false;
  } catch (e) {
    fail(e);
    return;
  }
  if (playing) tick.port2.postMessage(0);
}

function fail(e) {
  playing = false;
  if (!dead) post(toPage.failed(e?.message ?? String(e)));
}

function handle(m) {
  if (dead) return;
  switch (m.type) {
    case 'play':
      seq = m.seq;
      sliceMs = m.sliceMs;
      if (pg) pg.setDocument(m.snapshot); else pg = new Playground(m.snapshot);
      if (!playing) {
        playing = true;
        tick.port2.postMessage(0);
      }
      break;
    case 'document':
      seq = m.seq;
      pg?.setDocument(m.json);
      break;
    case 'pause':
      playing = false;
      post(toPage.paused(seq, pg ? pg.snapshot() : ''));
      break;
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
