// Links and files: the document as a link (the engine's `v1.` fragment, trained weights
// included), kept in the address bar while the user edits (history.replaceState, debounced, so
// the history is not flooded), the "Copy link" button with a text box to copy from when the
// browser refuses the clipboard, and downloads. A document too large for a link is said so, with
// the JSON download offered instead.

import { h, svg } from './dom.js';
import { fileStem, fullPageLink, parseAddress } from './links.js';

/** The current document, trained weights included, as a link fragment (no `#`). */
export function currentHash(app) {
  app.sync();
  if (!app.engine.broken) {
    try {
      return app.engine.shareHash();
    } catch { /* fall back to the store's copy */ }
  }
  return app.wasm.encodeHash(app.store.json);
}

/** Offers `data` (string or Blob) as a file download named `name`. */
export function download(name, type, data, where) {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  (where ?? document.body).append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * The document as a file holds it: trained weights and the run's state (epoch, optimizer
 * moments, history), so opening it continues the run; the store's copy if the engine is down.
 */
export function currentSnapshot(app) {
  app.sync();
  if (!app.engine.broken) {
    try {
      return app.engine.snapshot();
    } catch { /* fall back to the store's copy */ }
  }
  return app.store.json;
}

/** Downloads the document (trained weights and run state included) as `<title>.json`. */
export function downloadDocument(app, where) {
  download(`${fileStem(app.store.doc.title)}.json`, 'application/json', `${currentSnapshot(app).trim()}\n`, where);
}

/** Says that the document is too large for a link and offers the JSON download instead. */
export function showTooLong(app, chars, where) {
  const max = app.wasm.maxHashChars();
  app.messages.global.show(
    `This playground is too large for a link: ${chars.toLocaleString('en')} characters, and a link holds at most `
    + `${max.toLocaleString('en')}. Download it as a JSON file instead and share the file `
    + '(it opens with File ▸ Open a document).',
    'error',
    { actions: [{ label: 'Download JSON', testid: 'too-long-download', run: () => downloadDocument(app, where) }] },
  );
}

/**
 * Keeps the address bar's fragment equal to the document (full page only): `delayMs` after the
 * last change, with replaceState. A fragment typed or pasted into the address bar
 * (hashchange) is opened as one undoable step. `prefix`: options kept before the document
 * (e.g. `embed&`).
 */
export function startUrlSync(app, { delayMs = 400, prefix = '' } = {}) {
  let timer = 0;
  let tooLong = false;
  let written = location.hash;
  const write = () => {
    clearTimeout(timer);
    timer = 0;
    let hash;
    try {
      hash = currentHash(app);
    } catch {
      return; // the engine is recovering; the next change writes the link
    }
    const max = app.wasm.maxHashChars();
    if (hash.length > max) {
      if (!tooLong) showTooLong(app, hash.length);
      tooLong = true;
      // An older, smaller state in the address bar would come back on reload; autosave has
      // the current one.
      if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
      written = location.hash;
      return;
    }
    tooLong = false;
    const next = `#${prefix}${hash}`;
    if (next !== location.hash) history.replaceState(history.state, '', next);
    written = location.hash;
  };
  const unsubscribe = app.store.subscribe(({ reason }) => {
    if (reason === 'absorb' && app.loop.playing) return; // weights while training: on pause
    clearTimeout(timer);
    timer = setTimeout(write, delayMs);
  });
  const onHashChange = () => {
    if (location.hash === written) return;
    written = location.hash;
    const { doc } = parseAddress(location.hash, '');
    if (!doc) return;
    let json;
    try {
      json = app.wasm.decodeHash(doc);
    } catch (e) {
      app.messages.global.show(`This link cannot be opened: ${e.message}. Your work is unchanged.`);
      return;
    }
    app.loop.pause();
    if (app.load(json, 'global', 'The document in this link')) {
      app.messages.global.show('Opened the playground from the link (Ctrl+Z goes back).', 'info');
    }
  };
  window.addEventListener('hashchange', onHashChange);
  return {
    flush: () => { if (timer) write(); },
    stop: () => {
      clearTimeout(timer);
      unsubscribe();
      window.removeEventListener('hashchange', onHashChange);
    },
  };
}

/**
 * The "Copy link" button and the box shown when the clipboard is refused. `linkBase()`: the
 * address of the full playground page the link opens.
 */
export function createCopyLink(app, { linkBase }) {
  const input = h('input', {
    type: 'text', readonly: true, class: 'link-input', 'data-testid': 'link-box',
    'aria-label': 'Link to this playground', spellcheck: 'false',
  });
  const why = h('p', { class: 'link-why', 'data-testid': 'link-why' });
  const close = h('button', {
    type: 'button', class: 'msg-close', 'aria-label': 'Close', text: '×', onclick: () => hideBox(),
  });
  const box = h('div', { class: 'link-pop', role: 'dialog', 'aria-label': 'Copy the link', hidden: true, 'data-testid': 'link-pop' },
    h('div', { class: 'link-pop-head' }, why, close), input);
  input.addEventListener('focus', () => input.select());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); hideBox(); button.focus(); }
  });

  const button = h('button', {
    type: 'button', class: 'tool-btn copy-link', 'data-testid': 'copy-link',
    title: 'Copy a link that opens this playground as it is now (trained weights included)',
    onclick: () => copy(),
  }, svg('svg', { viewBox: '0 0 16 16', width: 13, height: 13, class: 'link-icon', 'aria-hidden': 'true' },
    svg('path', { d: 'M6.5 9.5l3-3M7 4.5l1.2-1.2a2.6 2.6 0 0 1 3.7 3.7L10.7 8.2M9 11.5l-1.2 1.2a2.6 2.6 0 0 1-3.7-3.7L5.3 7.8', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6, 'stroke-linecap': 'round' })),
  ' Copy link');

  function hideBox() {
    box.hidden = true;
    input.value = '';
  }

  function showBox(url, reason) {
    why.textContent = `The browser did not let this page use the clipboard (${reason}). Copy the link from this box (Ctrl+C):`;
    input.value = url;
    box.hidden = false;
    input.focus();
    input.select();
  }

  async function copy() {
    let hash;
    try {
      hash = currentHash(app);
    } catch (e) {
      app.messages.global.show(`No link could be made: ${e.message}`);
      return;
    }
    const max = app.wasm.maxHashChars();
    if (hash.length > max) {
      hideBox();
      showTooLong(app, hash.length, box.parentNode);
      return;
    }
    const url = fullPageLink(linkBase(), hash);
    try {
      if (!globalThis.navigator?.clipboard?.writeText) throw new Error('no clipboard access on this page');
      await navigator.clipboard.writeText(url);
      hideBox();
      const trained = app.engine.metrics().epoch > 0;
      app.messages.global.show(`Link copied (${url.length.toLocaleString('en')} characters): it opens this playground as it is now`
        + `${trained ? ', trained weights included' : ''}.`, 'info');
    } catch (e) {
      showBox(url, e?.message || e?.name || 'refused');
    }
  }

  const el = h('span', { class: 'copy-link-wrap' }, button, box);
  return { el, button, copy, hideBox };
}
