// Boot of the full page (index.html): load the wasm engine, show its version, choose the first
// document — the link in the address (#v1.… or #json:…), else ?src= / ?preset=, else the
// autosaved copy, else the default — build one playground in #app, and put the preset menu,
// "Copy link" and the File menu in the page header. The address bar then follows the document
// (share.js) and the document is autosaved (persist.js).
//
// Iframe mode (`index.html#embed…` or `?embed`): the compact layout without the page header,
// tools in the playground's own bar, no autosave and no address-bar updates; `lock=` adds locks.
//
// The page is never blank: index.html shows a status line until the playground is built, and
// this file replaces it with what is happening (loading the engine, a lesson) or what failed
// (the engine not built or unreadable, a lesson server that does not answer — with the URL).
//
// Page-level globals live here only: `__qmlp` (a small handle for the end-to-end tests); the
// engine's panic hook `__qmlpOnPanic` is installed by panic.js.
import { createPlayground } from './app.js';
import { h } from './dom.js';
import { createFileMenu } from './exportmenu.js';
import { fullPageLink, parseAddress } from './links.js';
import { installPanicHook } from './panic.js';
import { readAutosave, readPrevious, startAutosave, storage } from './persist.js';
import { createCopyLink, startUrlSync } from './share.js';
import { clip, forPage, loadEngine, loadLesson, withLocks } from './startup.js';

/** The engine module, once loaded. */
let wasm = null;

const REQUIRED = ['catalog', 'defaultDocument', 'validateDocument', 'fitReadout', 'templates', 'templateAfter',
  'presets', 'preset', 'Playground', 'encodeHash', 'decodeHash', 'maxHashChars', 'importQasm', 'parseCsv'];

function showError(text) {
  const box = document.getElementById('messages');
  box.append(h('div', { class: 'msg', text }));
}

/** The start-up status shown in #app until the playground replaces it (text, or an error). */
function status(text, kind = 'info') {
  const root = document.getElementById('app');
  let el = root.querySelector('.boot-status');
  if (!el) {
    el = h('p', { class: 'boot-status', role: 'status', 'data-testid': 'boot-status' });
    root.replaceChildren(el);
  }
  el.textContent = text;
  el.classList.toggle('error', kind === 'error');
}

// Set before the engine starts so even a start-up panic is shown.
installPanicHook(showError);

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

/**
 * The first document and what to tell the user about it:
 * `{ json, notes: [{ text, kind, actions }], from }` with `from` one of
 * link, src, preset, autosave, default.
 */
async function firstDocument(addr, store) {
  const notes = [];
  const def = wasm.defaultDocument();
  const check = (json) => forPage(wasm, json);
  const savedCopy = () => (addr.embed ? null : readAutosave(store, check));
  const openSaved = (app, json) => {
    if (app.load(json)) app.messages.global.show('Opened your autosaved work (Ctrl+Z goes back).', 'info');
  };
  if (addr.doc) {
    try {
      return { json: check(wasm.decodeHash(addr.doc)), notes, from: 'link' };
    } catch (e) {
      const saved = savedCopy();
      const actions = saved?.json ? [{ label: 'Open my autosaved work', testid: 'open-autosave', run: (app) => openSaved(app, saved.json) }] : [];
      notes.push({ text: `This link cannot be opened: ${e.message}. The default playground is open instead.`, kind: 'error', actions });
      return { json: def, notes, from: 'default' };
    }
  }
  if (addr.src) {
    status(`Loading the lesson ${clip(addr.src)}…`);
    try {
      return { json: await loadLesson(wasm, addr.src), notes, from: 'src' };
    } catch (e) {
      notes.push({ text: `The lesson could not be opened: ${e.message}. The default playground is open instead.`, kind: 'error' });
      return { json: def, notes, from: 'default' };
    }
  }
  if (addr.preset) {
    try {
      return { json: wasm.preset(addr.preset), notes, from: 'preset' };
    } catch (e) {
      notes.push({ text: `${e.message}. The default playground is open instead.`, kind: 'error' });
      return { json: def, notes, from: 'default' };
    }
  }
  const saved = savedCopy();
  if (saved?.json) {
    const when = saved.savedAt ? new Date(saved.savedAt) : null;
    const at = when && !Number.isNaN(when.getTime()) ? ` (saved ${when.toLocaleString()})` : '';
    notes.push({ text: `Restored your autosaved work${at}.`, kind: 'info' });
    return { json: saved.json, notes, from: 'autosave' };
  }
  if (saved?.broken) {
    const where = saved.setAsideKey
      ? `It was set aside (kept in this browser's storage as “${saved.setAsideKey}”) and not used`
      : 'It was not used';
    notes.push({ text: `Your autosaved playground could not be restored: ${saved.broken}. ${where}; the default playground is open.`, kind: 'error' });
  }
  return { json: def, notes, from: 'default' };
}

async function boot() {
  const root = document.getElementById('app');
  const stop = (text) => {
    status(text, 'error');
    root.setAttribute('aria-busy', 'false');
    document.documentElement.dataset.ready = 'true';
  };
  status('Loading the engine…');
  let memory = null;
  try {
    ({ wasm, memory } = await loadEngine());
  } catch (err) {
    document.getElementById('engine-version').textContent = 'unavailable';
    stop(`The playground could not start. ${err.message}.`);
    return;
  }
  document.getElementById('engine-version').textContent = `v${wasm.version()}`;
  const missing = REQUIRED.filter((name) => typeof wasm[name] !== 'function');
  if (missing.length) {
    stop(`This engine build lacks ${missing.join(', ')}; rebuild it (make build).`);
    return;
  }
  const addr = parseAddress(location.hash, location.search);
  const store = addr.embed ? null : storage();
  document.documentElement.classList.toggle('embed-mode', addr.embed);
  try {
    const first = await firstDocument(addr, store);
    const lockNotes = [];
    const json = withLocks(wasm, first.json, addr.locks, lockNotes, 'lock (in the address)');
    first.notes.push(...lockNotes.map((text) => ({ text, kind: 'error' })));
    const app = createPlayground(root, { wasm, json, compact: addr.embed });
    const linkBase = () => location.href;
    const copy = createCopyLink(app, { linkBase });
    const previous = () => readPrevious(store, (j) => forPage(wasm, j));
    const extraItems = store ? [{
      testid: 'open-previous-autosave', label: 'Open the autosave from before a link replaced it', kind: 'open',
      hint: 'kept when a link or a broken copy took its place',
      visible: () => previous() != null,
      run: () => {
        const json = previous();
        if (json && app.load(json)) app.messages.global.show('Opened the earlier autosave (Ctrl+Z goes back).', 'info');
      },
    }] : [];
    const menu = createFileMenu(app, { extraItems });
    if (addr.embed) {
      const full = h('a', {
        class: 'tool-btn full-link', target: '_blank', rel: 'noopener', 'data-testid': 'open-full',
        text: 'Open in the playground ↗', title: 'Open this playground, as it is now, in a new tab',
      });
      full.addEventListener('click', () => {
        try { full.href = fullPageLink(linkBase(), app.engine.shareHash()); } catch { full.href = fullPageLink(linkBase(), ''); }
      });
      full.href = fullPageLink(linkBase(), '');
      app.barTools.append(copy.el, menu.el, full);
    } else {
      document.querySelector('header.top .header-tools')?.append(presetMenu(app), copy.el, menu.el);
      startUrlSync(app);
      startAutosave(app, store, {
        fromAutosave: first.from === 'autosave',
        onError: (text) => app.messages.global.show(text),
      });
      const setTitle = () => {
        const t = app.store.doc.title;
        document.title = t ? `${t} — QML Playground` : 'QML Playground — hybrid quantum machine learning in your browser';
      };
      app.onRender.add(setTitle);
      setTitle();
    }
    const note = first.notes.find((n) => n.kind === 'error') ?? first.notes[0];
    if (note) {
      app.messages.global.show(note.text, note.kind, {
        actions: (note.actions ?? []).map((a) => ({ ...a, run: () => a.run(app) })),
      });
    }
    // The skip link moves the focus to the circuit without touching the address (which holds
    // the document's link).
    root.querySelector('.circuit-panel')?.setAttribute('id', 'circuit');
    document.querySelector('.skip-link')?.addEventListener('click', (e) => {
      e.preventDefault();
      app.focusCircuit();
    });
    window.__qmlp = { getDocument: () => app.getDocument(), app, memoryBytes: () => memory?.buffer.byteLength ?? null };
  } catch (err) {
    stop(`The playground could not start: ${err.message}`);
    return;
  }
  root.setAttribute('aria-busy', 'false');
  document.documentElement.dataset.ready = 'true';
}

boot();
