// Autosave: the document is written to localStorage a moment after each change (and when the
// tab is hidden or closed), and read back when the page opens without a link. Only documents
// the store holds are written, and the store holds only valid documents, so a good copy is never
// replaced by a broken one. A saved copy that no longer reads (damaged, edited by hand, from a
// newer playground) is never used: it is moved aside to its own key, and the page says so.
// The full page autosaves; embedded playgrounds (lessons) do not.

import { currentSnapshot } from './share.js';

export const KEY = 'qmlp.autosave';
export const TIME_KEY = 'qmlp.autosave.time';
export const PREVIOUS_KEY = 'qmlp.autosave.previous';
export const BROKEN_KEY = 'qmlp.autosave.broken';
/** sessionStorage: this tab wrote the autosave (a reload continues the same work). */
const OWNER_KEY = 'qmlp.autosave.owner';

/** localStorage, or null where the browser refuses it (privacy settings, sandboxed frames). */
export function storage() {
  try {
    const s = globalThis.localStorage;
    const probe = '__qmlp_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

/**
 * Reads the autosaved document.
 * @returns {{ json: string, savedAt: string|null } | { broken: string, setAsideKey: string|null }
 *   | null} the validated document; or why the saved copy is broken and where it was moved;
 *   or null when nothing is saved.
 */
export function readAutosave(store, validate) {
  if (!store) return null;
  let text;
  try {
    text = store.getItem(KEY);
  } catch {
    return null;
  }
  if (text == null) return null;
  try {
    const json = validate(text);
    return { json, savedAt: store.getItem(TIME_KEY) };
  } catch (e) {
    return { broken: e?.message ?? String(e), setAsideKey: setAside(store, text) };
  }
}

/** Moves a broken copy to its own key (never over another set-aside copy); returns the key. */
function setAside(store, text) {
  let key = BROKEN_KEY;
  try {
    if (store.getItem(key) != null) key = `${BROKEN_KEY}.${Date.now()}`;
    store.setItem(key, text);
    store.removeItem(KEY);
    store.removeItem(TIME_KEY);
    return key;
  } catch {
    // No room to keep a copy: leave it where it is (it is not used, and is replaced only
    // by the next good save).
    return null;
  }
}

/**
 * Saves `app`'s document a moment after each change. `fromAutosave`: the page opened the saved
 * copy (a continuation); otherwise the first save keeps the copy it replaces under
 * PREVIOUS_KEY, so opening a link never silently destroys earlier work. `onError(text)`: a save
 * failed (e.g. storage full), reported once until a save works again.
 * @returns {{ flush(): void, stop(): void }}
 */
export function startAutosave(app, store, { delayMs = 600, fromAutosave = false, onError } = {}) {
  if (!store) return { flush() {}, stop() {} };
  let timer = 0;
  let last = null;
  let failed = false;
  let owner = fromAutosave || sessionFlag();

  const write = () => {
    clearTimeout(timer);
    timer = 0;
    const json = currentSnapshot(app);
    if (json === last) return;
    try {
      if (!owner) {
        const old = store.getItem(KEY);
        if (old != null && old !== json) store.setItem(PREVIOUS_KEY, old);
        owner = true;
        try { sessionStorage.setItem(OWNER_KEY, '1'); } catch { /* no session storage */ }
      }
      store.setItem(KEY, json);
      store.setItem(TIME_KEY, new Date().toISOString());
      last = json;
      failed = false;
    } catch (e) {
      if (!failed) onError?.(`Autosave failed (${e?.name === 'QuotaExceededError' ? 'the browser storage is full' : e?.message ?? e}); download the document to keep it.`);
      failed = true;
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(write, delayMs);
  };
  const unsubscribe = app.store.subscribe(schedule);
  // Leaving the page: save what changed (an edit waiting for its timer, or training since).
  const pending = () => timer || app.engine.dirty;
  const onHide = () => { if (document.visibilityState === 'hidden' && pending()) write(); };
  const onPageHide = () => { if (pending()) write(); };
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', onPageHide);
  if (fromAutosave) {
    last = currentSnapshot(app);
    try { sessionStorage.setItem(OWNER_KEY, '1'); } catch { /* no session storage */ }
  }
  return {
    flush: () => { if (timer) write(); },
    stop: () => {
      clearTimeout(timer);
      unsubscribe();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
    },
  };
}

function sessionFlag() {
  try { return sessionStorage.getItem(OWNER_KEY) === '1'; } catch { return false; }
}

/** The copy kept from before this session's first save, if any (validated), else null. */
export function readPrevious(store, validate) {
  try {
    const text = store?.getItem(PREVIOUS_KEY);
    return text == null ? null : validate(text);
  } catch {
    return null;
  }
}
