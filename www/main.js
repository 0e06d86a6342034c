// Boot: load the wasm engine, show its version, then hand over to the playground UI.
import init, { version } from '../pkg/qmlp.js';

function showError(text) {
  const box = document.getElementById('messages');
  const div = document.createElement('div');
  div.className = 'msg';
  div.textContent = text;
  box.append(div);
}

async function boot() {
  try {
    await init();
  } catch (err) {
    showError(`The engine could not start: ${err.message}`);
    document.getElementById('engine-version').textContent = 'unavailable';
    return;
  }
  document.getElementById('engine-version').textContent = `v${version()}`;
  document.getElementById('app').setAttribute('aria-busy', 'false');
  document.documentElement.dataset.ready = 'true';
}

boot();
