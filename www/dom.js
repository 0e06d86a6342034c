// Small DOM helpers. Every piece of text reaches the DOM through textContent or a text node,
// never through innerHTML, so user text (lesson titles, file names, error messages that quote
// input) is always shown literally. Styles are set through the CSSOM (el.style.x = …), which a
// strict Content-Security-Policy allows, never through style attributes.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an element. `props`: `class`, `text` (textContent), `dataset` (object), `on<event>`
 * (listener), `style` (object of CSSOM properties), boolean attributes as true/false, anything
 * else as an attribute. Children: nodes, strings (become text nodes), arrays, null/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

/** Like `h` for SVG elements. */
export function svg(tag, props = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

function build(el, props, children) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * Whether `el` has the keyboard focus (inside a shadow root too, where document.activeElement
 * is only the host).
 */
export function hasFocus(el) {
  return !!el && el.getRootNode?.().activeElement === el;
}

/** The focused element in `node`'s document or shadow root. */
export function focused(node) {
  return node.getRootNode?.().activeElement ?? document.activeElement;
}

/**
 * Writes that skip a value the element already has. Views redrawn while training plays call
 * them every frame: writing an unchanged text, attribute, inline style or `hidden` still
 * invalidates the element's style or layout, and the browser then redoes that work per frame.
 */
export function setText(el, text) {
  const s = String(text);
  if (el.textContent !== s) el.textContent = s;
}

/** Sets attribute `name` to `value` (as a string) unless it already has it. */
export function setAttr(el, name, value) {
  const s = String(value);
  if (el.getAttribute(name) !== s) el.setAttribute(name, s);
}

/** Sets `el.hidden` unless it already has that value. */
export function setHidden(el, hidden) {
  if (el.hidden !== !!hidden) el.hidden = !!hidden;
}

/** Sets an inline style property (CSSOM name, e.g. `width`) unless it already has that value. */
export function setStyle(el, prop, value) {
  if (el.style[prop] !== value) el.style[prop] = value;
}

/** Replaces all children of `el`. */
export function setChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A `<select>` with `[value, label]` options. */
export function select(props, options, value) {
  const el = h('select', props, options.map(([v, label]) => h('option', { value: v, text: label })));
  if (value !== undefined) el.value = String(value);
  return el;
}

/**
 * A message area (role=alert) for one panel: `show(text, kind)` replaces the message, `clear()`
 * removes it. Kinds: error (default), info.
 */
export class MessageArea {
  constructor(extraClass = '', testid = null) {
    this.el = h('div', { class: `msgs ${extraClass}`.trim(), role: 'alert', 'aria-live': 'assertive', 'data-testid': testid });
    this.timer = 0;
  }

  /**
   * Shows `text` (always as text). `actions`: buttons shown after the text, each
   * `{ label, run, testid }`; pressing one runs it and dismisses the message. A message with
   * actions stays until dismissed, whatever its kind; an info message goes after 6 s unless
   * `sticky`. `tag` names the message for `clear(tag)`.
   */
  show(text, kind = 'error', { actions = [], tag = null, sticky = false } = {}) {
    clearTimeout(this.timer);
    this.tag = tag;
    const close = h('button', {
      class: 'msg-close', type: 'button', 'aria-label': 'Dismiss message', text: '×',
      onclick: () => this.clear(),
    });
    const buttons = actions.map((a) => h('button', {
      type: 'button', class: 'msg-action', 'data-testid': a.testid ?? null, text: a.label,
      onclick: () => { this.clear(); a.run(); },
    }));
    setChildren(this.el, h('div', { class: `msg msg-${kind}`, 'data-kind': kind },
      h('span', { class: 'msg-text' }, h('span', { text }), buttons.length ? h('span', { class: 'msg-actions' }, buttons) : null),
      close));
    if (kind === 'info' && !actions.length && !sticky) this.timer = setTimeout(() => this.clear(), 6000);
  }

  /** Removes the message; with `tag`, only a message shown with that tag. */
  clear(tag = null) {
    if (tag != null && this.tag !== tag) return;
    clearTimeout(this.timer);
    this.tag = null;
    this.el.replaceChildren();
  }

  get text() {
    return this.el.querySelector('.msg-text > span')?.textContent ?? '';
  }
}

/**
 * Parses a number typed by the user: decimal or exponent notation, and multiples of π
 * ("pi", "π/2", "-3pi/4", "0.5*pi"). Returns { value } or { error } (words a user can act on).
 */
export function parseNumber(text, { integer = false, min = -Infinity, max = Infinity } = {}) {
  const raw = String(text ?? '');
  const t = raw.trim().toLowerCase().replace(/π/g, 'pi').replace(/\s+/g, '');
  if (t === '') return { error: 'enter a number' };
  let value = NaN;
  const num = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/;
  const pi = /^([+-]?)(\d+\.?\d*|\.\d+)?\*?pi(?:\/(\d+\.?\d*|\.\d+))?$/;
  let m;
  if (num.test(t)) value = Number(t);
  else if (!integer && (m = t.match(pi))) {
    const a = m[2] ? Number(m[2]) : 1;
    const b = m[3] ? Number(m[3]) : 1;
    value = (m[1] === '-' ? -1 : 1) * a * Math.PI / b;
  } else {
    const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
    return { error: `“${shown}” is not a number${integer ? '' : ' (try 0.5, -1e-3 or pi/2)'}` };
  }
  if (!Number.isFinite(value)) return { error: 'the number must be finite' };
  if (integer && !Number.isInteger(value)) return { error: 'enter a whole number' };
  if (value < min || value > max) return { error: `must be from ${min} to ${max}` };
  return { value };
}

/** Device pixels per CSS pixel for the canvases (devicePixelRatio, 1 to 3). */
export function pixelRatio() {
  return Math.min(Math.max(globalThis.devicePixelRatio || 1, 1), 3);
}

let uidCounter = 0;
/** A page-unique id (several playgrounds may share one page). */
export function uid(prefix = 'q') {
  uidCounter += 1;
  return `${prefix}-${uidCounter}`;
}

/**
 * Elements' widths as laid out (`clientWidth`, rounded), kept by a ResizeObserver, so that a
 * frame's drawing reads them without forcing a layout: read after the frame's DOM writes (the
 * circuit's labels and tints), `clientWidth` makes the browser lay the page out there and
 * then. `watch(el, onChange)` follows `el` (`onChange(width)` when it changes); `get(el,
 * fallback)` is its width, read once directly if the observer has not reported it yet, else
 * `fallback` for a hidden (zero-width) element.
 */
export function widthWatcher() {
  const widths = new WeakMap();
  const handlers = new WeakMap();
  const ro = typeof ResizeObserver === 'function'
    ? new ResizeObserver((entries) => {
      for (const e of entries) {
        const w = Math.round(e.target.clientWidth);
        if (w === widths.get(e.target)) continue;
        widths.set(e.target, w);
        handlers.get(e.target)?.(w);
      }
    })
    : null;
  return {
    watch(el, onChange) {
      if (onChange) handlers.set(el, onChange);
      ro?.observe(el);
    },
    get(el, fallback) {
      let w = ro ? widths.get(el) : undefined;
      if (w === undefined) {
        w = Math.round(el.clientWidth);
        if (ro) widths.set(el, w);
      }
      return w || fallback;
    },
  };
}
