// <qml-playground>: the playground as a custom element, for any static page (a course site):
//
//   <script type="module" src="…/www/embed.js"></script>
//   <qml-playground src="lessons/xor.json" lock="circuit,data" height="520"></qml-playground>
//
// Attributes (each checked; a bad one is named in a message and the rest still works):
//   src     a lesson document (JSON), relative to the host page; or
//   preset  a built-in document by name; or neither: a <script type="application/json"> child
//           holding the document, else the default playground
//   lock    controls to lock on top of the document's own `locked` list:
//           circuit, data, features, readout, training, baseline, export
//   height  the element's height in pixels (default 520)
//
// The engine, the stylesheet and the full-page link are found next to this file
// (import.meta.url), not next to the host page; on another site than the host page they need
// the header Access-Control-Allow-Origin (README, "Embedding"). Whatever fails to load — the
// engine's module or wasm, the lesson — the element says inside itself which URL failed and
// the likely cause. Each element has its own shadow root, document,
// undo history and engine; keyboard shortcuts act only inside the focused element, and nothing
// is kept in globals (the engine's panic hook is panic.js's). The element never touches the
// host page's address or storage.
//
// Script API: `el.document` (the current document, weights included, as an object),
// `el.playground` (the app object), `el.ready` (a promise that settles once it is built).

import { createPlayground } from './app.js';
import { h } from './dom.js';
import { createFileMenu } from './exportmenu.js';
import { fullPageLink, splitList } from './links.js';
import { installPanicHook } from './panic.js';
import { createCopyLink } from './share.js';
import { clip, forPage, loadEngine, loadLesson, withLocks } from './startup.js';

const STYLE_URL = new URL('./style.css', import.meta.url).href;
const PAGE_URL = new URL('../index.html', import.meta.url).href;
const DEFAULT_HEIGHT = 520;
const MIN_HEIGHT = 240;
const MAX_HEIGHT = 4000;

let engineReady = null;
/** Starts the engine once for every element on the page. */
function engine() {
  if (!engineReady) {
    installPanicHook((msg) => console.error(msg));
    engineReady = loadEngine().then((e) => e.wasm);
    // A failed load may be retried by the next element (e.g. once the server is fixed).
    engineReady.catch(() => { engineReady = null; });
  }
  return engineReady;
}

/** `height` → pixels, or an error message. */
function parseHeight(value) {
  if (value == null || value === '') return { px: DEFAULT_HEIGHT };
  const m = String(value).trim().match(/^(\d+(?:\.\d+)?)(px)?$/i);
  const px = m ? Math.round(Number(m[1])) : NaN;
  if (!Number.isFinite(px) || px < MIN_HEIGHT || px > MAX_HEIGHT) {
    const shown = String(value).length > 24 ? `${String(value).slice(0, 24)}…` : String(value);
    return {
      px: DEFAULT_HEIGHT,
      error: `height “${shown}” is not a height this playground can use: give pixels from ${MIN_HEIGHT} to ${MAX_HEIGHT}, e.g. height="520" (using ${DEFAULT_HEIGHT}).`,
    };
  }
  return { px };
}

class QmlPlayground extends HTMLElement {
  static get observedAttributes() { return ['src', 'preset', 'lock', 'height']; }

  constructor() {
    super();
    this._app = null;
    this._build = 0;        // increases with every (re)build; stale async builds give up
    this._notes = [];
    this._resolveReady = null;
    this.ready = new Promise((r) => { this._resolveReady = r; });
  }

  /** The current document (trained weights included) as a plain object, or null before it is built. */
  get document() { return this._app ? this._app.getDocument() : null; }

  /** The playground (app.js object), or null before it is built. */
  get playground() { return this._app; }

  connectedCallback() {
    if (!this.shadowRoot) {
      const shadow = this.attachShadow({ mode: 'open' });
      this._link = h('link', { rel: 'stylesheet', href: STYLE_URL });
      this._root = h('div', { class: 'qmlp-host-root', tabindex: '-1' });
      this._status = h('div', { class: 'embed-status', role: 'status', text: 'Loading the playground…' });
      shadow.append(this._link, this._status, this._root);
    }
    this._applyHeight();
    if (!this._app && !this._building) this._rebuild();
  }

  disconnectedCallback() {
    // Moving the element in the page disconnects and reconnects it: only tear down when it
    // stays out.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this._build += 1;
      this._app?.destroy();
      this._app = null;
    });
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value || !this.shadowRoot) return;
    if (name === 'height') this._applyHeight();
    else if (this.isConnected) this._rebuild();
  }

  _applyHeight() {
    const { px, error } = parseHeight(this.getAttribute('height'));
    this.style.height = `${px}px`;
    // Block layout from the start (the shadow stylesheet's :host rule arrives a moment later).
    if (!this.style.display) this.style.display = 'block';
    this._heightError = error ?? '';
    if (this._app) this._showNotes();
  }

  async _rebuild() {
    const build = ++this._build;
    this._building = true;
    const notes = [];
    let mod;
    try {
      [mod] = await Promise.all([engine(), this._styled()]);
    } catch (e) {
      if (build === this._build) {
        this._status.textContent = `The playground could not start. ${e?.message ?? e}.`;
        this._status.classList.add('error');
        this._building = false;
        this._resolveReady(this);
      }
      return;
    }
    let json = await this._firstDocument(mod, notes);
    if (build !== this._build) return;
    json = this._withLocks(mod, json, notes);
    this._app?.destroy();
    this._app = null;
    try {
      const app = createPlayground(this._root, { wasm: mod, json, compact: true, keys: 'root' });
      const copy = createCopyLink(app, { linkBase: () => PAGE_URL });
      const menu = createFileMenu(app);
      const full = h('a', {
        class: 'tool-btn full-link', target: '_blank', rel: 'noopener', 'data-testid': 'open-full',
        text: 'Open in the playground ↗', title: 'Open this playground, as it is now, in a new tab',
        href: PAGE_URL,
      });
      full.addEventListener('click', () => {
        try { full.href = fullPageLink(PAGE_URL, app.engine.shareHash()); } catch { full.href = PAGE_URL; }
      });
      app.barTools.append(copy.el, menu.el, full);
      this._app = app;
      this._notes = notes;
      this._status.hidden = true;
      this._showNotes();
    } catch (e) {
      this._status.hidden = false;
      this._status.textContent = `The playground could not start: ${e?.message ?? e}`;
      this._status.classList.add('error');
    }
    this._building = false;
    this._resolveReady(this);
    this.dispatchEvent(new CustomEvent('qmlp-ready', { bubbles: true, composed: true }));
  }

  _showNotes() {
    const all = [...(this._heightError ? [this._heightError] : []), ...this._notes];
    if (all.length) this._app.messages.global.show(all.join(' '));
  }

  /** Waits for the shadow root's stylesheet (so the layout is measured with its styles). */
  _styled() {
    const link = this._link;
    if (link.sheet) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => resolve();
      link.addEventListener('load', done, { once: true });
      link.addEventListener('error', done, { once: true });
      setTimeout(done, 3000);
    });
  }

  async _firstDocument(mod, notes) {
    const def = mod.defaultDocument();
    const src = this.getAttribute('src');
    const preset = this.getAttribute('preset');
    if (src != null && src.trim()) {
      this._status.textContent = `Loading the lesson ${clip(src)}…`;
      try {
        return await loadLesson(mod, src);
      } catch (e) {
        notes.push(`The lesson “${clip(src)}” could not be opened: ${e?.message ?? e}. The default playground is shown instead.`);
        return def;
      }
    }
    if (preset != null && preset.trim()) {
      try {
        return mod.preset(preset.trim());
      } catch (e) {
        notes.push(`preset: ${e?.message ?? e}. The default playground is shown instead.`);
        return def;
      }
    }
    const inline = [...this.children].find((c) => c.localName === 'script' && c.type === 'application/json');
    if (inline) {
      try {
        return forPage(mod, inline.textContent);
      } catch (e) {
        notes.push(`The document inside the element cannot be opened: ${e?.message ?? e}. The default playground is shown instead.`);
        return def;
      }
    }
    return def;
  }

  _withLocks(mod, json, notes) {
    const attr = this.getAttribute('lock');
    if (attr == null) return json;
    return withLocks(mod, json, splitList(attr), notes, 'lock');
  }
}

if (!customElements.get('qml-playground')) customElements.define('qml-playground', QmlPlayground);

export { QmlPlayground };
