// Boot: load the wasm engine, show its version, build the playground in #app, and put the preset
// menu in the page header. Page-level globals live here only: `__qmlpOnPanic` (the engine's
// panic hook calls it) and `__qmlp` (a small handle for the end-to-end tests).
import init, * as wasm from '../pkg/qmlp.js';
import { createPlayground } from './app.js';
import { h } from './dom.js';

const REQUIRED = ['defaultDocument', 'validateDocument', 'gateKinds', 'templates', 'template',
  'features', 'presets', 'preset', 'Playground'];

function showError(text) {
  const box = document.getElementById('messages');
  box.append(h('div', { class: 'msg', text }));
}

const apps = new Set();
// The engine reports a panic here; every playground on the page recovers from its last good
// document. Set before the engine starts so even a start-up panic is shown.
window.__qmlpOnPanic = (msg) => {
  if (!apps.size) showError(msg);
  for (const app of apps) app.onPanic(msg);
};

function presetMenu(app) {
  const sel = h('select', { class: 'preset-select', 'aria-label': 'Open a preset playground', 'data-testid': 'preset' },
    h('option', { value: '', text: 'Open a preset…' }),
    wasm.presets().map((p) => h('option', { value: p.name, text: `${p.name} — ${p.description}` })));
  sel.addEventListener('change', () => {
    const name = sel.value;
    sel.value = '';
    if (!name) return;
    app.loop.pause();
    let text;
    try {
      text = wasm.preset(name);
    } catch (e) {
      app.messages.global.show(e.message);
      return;
    }
    if (app.load(text)) app.messages.global.show(`Opened the “${name}” preset (Ctrl+Z goes back).`, 'info');
  });
  return sel;
}

async function boot() {
  try {
    await init();
  } catch (err) {
    showError(`The engine could not start: ${err.message}`);
    document.getElementById('engine-version').textContent = 'unavailable';
    return;
  }
  document.getElementById('engine-version').textContent = `v${wasm.version()}`;
  const root = document.getElementById('app');
  const missing = REQUIRED.filter((name) => typeof wasm[name] !== 'function');
  if (missing.length) {
    showError(`This engine build lacks ${missing.join(', ')}; rebuild it (make build).`);
  } else {
    try {
      const app = createPlayground(root, { wasm });
      apps.add(app);
      document.querySelector('header.top .header-tools')?.append(presetMenu(app));
      window.__qmlp = { getDocument: () => app.getDocument(), app };
    } catch (err) {
      showError(`The playground could not start: ${err.message}`);
    }
  }
  root.setAttribute('aria-busy', 'false');
  document.documentElement.dataset.ready = 'true';
}

boot();
