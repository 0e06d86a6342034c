// Start-up steps shared by the full page (main.js) and the <qml-playground> element (embed.js):
// loading the engine (its module and its wasm, from next to this file) with a message naming
// what failed and why, fetching a lesson file with a size limit and a timeout, saying why a
// fetch failed (including the cross-origin case), opening a preset, and adding locks — each
// refusal a message, each fallback the default playground. Documents are checked against the page's limits here, before
// a Playground is built, so a link or lesson asking for 24 qubits cannot freeze the tab.

/** How long a lesson fetch may take before the page gives up and says so. */
export const FETCH_TIMEOUT_MS = 15_000;

/** How long the engine (module and wasm) may take to load before the page says so. */
export const ENGINE_TIMEOUT_MS = 60_000;

/** Where the engine is: the wasm-bindgen output in `pkg/`, next to `www/`. */
export const ENGINE_URL = new URL('../pkg/qmlp.js', import.meta.url);
export const WASM_URL = new URL('../pkg/qmlp_bg.wasm', import.meta.url);

/**
 * Loads the engine: imports its module and starts its wasm. Resolves to `{ wasm, memory }`:
 * the module (its functions and the Playground class) and the wasm instance's memory. Throws an Error whose message names the file that
 * failed and the likely cause: not built (HTTP 404), another site that does not allow this
 * page to read it (no Access-Control-Allow-Origin), a wrong content type, no answer in time.
 */
export async function loadEngine({ moduleUrl = ENGINE_URL, wasmUrl = WASM_URL, timeoutMs = ENGINE_TIMEOUT_MS } = {}) {
  let mod;
  try {
    mod = await withTimeout(import(moduleUrl.href), timeoutMs, () => new Error(
      `${clip(moduleUrl.href)} did not load within ${Math.round(timeoutMs / 1000)} s (the server is slow or stalled)`));
  } catch (e) {
    throw new Error(`The engine's module could not be loaded: ${await whyNot(moduleUrl, e, 'javascript')}`);
  }
  if (typeof mod.default !== 'function') {
    throw new Error(`The engine's module ${clip(moduleUrl.href)} is not the playground's engine (no start function); rebuild it (make build)`);
  }
  let res;
  try {
    res = await fetchChecked(wasmUrl, { timeoutMs, type: 'wasm' });
  } catch (e) {
    throw new Error(`The engine's WebAssembly could not be loaded: ${e.message}`);
  }
  let exports;
  try {
    exports = await mod.default({ module_or_path: res });
  } catch (e) {
    throw new Error(`The engine's WebAssembly (${clip(wasmUrl.href)}) could not be started: ${e?.message ?? e}; rebuild it (make build)`);
  }
  return { wasm: mod, memory: exports?.memory ?? null };
}

/** Resolves as `p`, or rejects with `error()` after `ms`. */
function withTimeout(p, ms, error) {
  let timer;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(error()), ms); }),
  ]);
}

/**
 * Why `url` (which just failed to load as a module: `err`) could not be read: fetches it again
 * to find out, and says it in words (the browser's own error names no cause).
 */
async function whyNot(url, err, type) {
  if (/did not load within/.test(err?.message ?? '')) return err.message;
  try {
    await fetchChecked(url, { timeoutMs: FETCH_TIMEOUT_MS, type });
  } catch (e) {
    return e.message;
  }
  // It reads now, so the module itself failed (an old or broken build).
  return `${clip(url.href)}: ${err?.message ?? err}; rebuild the engine (make build)`;
}

/**
 * Fetches `url` and checks the answer: HTTP status, and for `type` 'wasm' or 'javascript' the
 * content type a browser needs. Returns the Response; throws with the URL and likely cause.
 */
async function fetchChecked(url, { timeoutMs, type }) {
  const shown = clip(url.href);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res;
  try {
    res = await watchedFetch(url, ctl.signal);
  } catch (e) {
    if (ctl.signal.aborted) throw new Error(`${shown} did not answer within ${Math.round(timeoutMs / 1000)} s (the server is slow or down)`);
    throw new Error(e.blockedByPolicy ? blockedByPolicy(url) : unreadable(url, e));
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) {
    throw new Error(`${shown}: the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${res.status === 404 ? ' (no such file: is the engine built? make build)' : ''}`);
  }
  const ct = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'wasm' && ct !== 'application/wasm') {
    throw new Error(`${shown} is served as “${ct || 'no content type'}”; browsers run WebAssembly only when it is served as “application/wasm” — configure the server to send that type for .wasm files`);
  }
  if (type === 'javascript' && !/^(text|application)\/(x-)?(javascript|ecmascript)$/.test(ct)) {
    throw new Error(`${shown} is served as “${ct || 'no content type'}”; browsers run modules only when they are served as JavaScript (“text/javascript”)`);
  }
  return res;
}

/**
 * `fetch(url)`; a failure caused by the page's own Content-Security-Policy (which a strict page,
 * like the full playground, has for other sites) is marked `blockedByPolicy`: the browser
 * reports it as a separate event, not in the error.
 */
async function watchedFetch(url, signal) {
  let blocked = false;
  const onViolation = (e) => {
    try { if (new URL(e.blockedURI, url).origin === url.origin) blocked = true; } catch { /* not a URL */ }
  };
  const doc = typeof document !== 'undefined' ? document : null;
  doc?.addEventListener('securitypolicyviolation', onViolation);
  try {
    return await fetch(url, { signal });
  } catch (e) {
    // The violation event is queued as a task of its own: let it arrive.
    await new Promise((r) => setTimeout(r, 0));
    const err = e instanceof Error ? e : new Error(String(e));
    err.blockedByPolicy = blocked;
    throw err;
  } finally {
    doc?.removeEventListener('securitypolicyviolation', onViolation);
  }
}

/** A fetch the page's own Content-Security-Policy refused, in words. */
function blockedByPolicy(url) {
  return `${clip(url.href)} is on another site (${url.origin}), and this page's Content-Security-Policy lets it read files only from its own site — put the lesson next to the playground, or embed the playground in the lesson's page (<qml-playground src=…>)`;
}

/** A fetch of `url` that failed at the network level, in words: cross-origin or unreachable. */
function unreadable(url, e) {
  const shown = clip(url.href);
  const cross = typeof location !== 'undefined' && url.origin !== location.origin;
  return cross
    ? `${shown} could not be read from this page: it is on another site (${url.origin}), and its server must send the header “Access-Control-Allow-Origin” for this page's site to read it (or the server is down)`
    : `${shown} could not be fetched (${e?.message ?? e}); check the address and that the server is running`;
}

/**
 * Fetches the text at `url` (resolved against `base`), at most `limit` characters, giving up
 * after `timeoutMs`. Throws an Error whose message names the URL and the likely cause.
 */
export async function fetchText(url, { base = document.baseURI, limit, timeoutMs = FETCH_TIMEOUT_MS } = {}) {
  let target;
  try {
    target = new URL(url, base);
  } catch {
    throw new Error(`“${clip(url)}” is not a web address`);
  }
  const shown = clip(target.href);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res;
  try {
    res = await watchedFetch(target, ctl.signal);
  } catch (e) {
    clearTimeout(timer);
    if (ctl.signal.aborted) {
      throw new Error(`${shown} did not answer within ${Math.round(timeoutMs / 1000)} s (the server is slow or down)`);
    }
    throw new Error(e.blockedByPolicy ? blockedByPolicy(target) : unreadable(target, e));
  }
  try {
    if (!res.ok) {
      throw new Error(`${shown}: the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${res.status === 404 ? ' (no such file)' : ''}`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (limit && declared > limit) throw new Error(`${shown}: the file is ${declared} bytes; the limit is ${limit} bytes`);
    const text = await res.text();
    if (limit && text.length > limit) throw new Error(`${shown}: the file is ${text.length} bytes; the limit is ${limit} bytes`);
    return text;
  } catch (e) {
    if (ctl.signal.aborted) throw new Error(`${shown} did not finish within ${Math.round(timeoutMs / 1000)} s (the server is slow or stalled)`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** A lesson document from `url`, checked by the engine (page limits included). */
export async function loadLesson(wasm, url, opts = {}) {
  const text = await fetchText(url, { limit: wasm.catalog().limits.maxDocBytes, ...opts });
  return wasm.validateDocument(text, true);
}

/** A document text checked by the engine for the page (valid and within the page's limits). */
export function forPage(wasm, json) {
  return wasm.validateDocument(json, true);
}

/**
 * Adds lock names to a document's locks. Unknown names and documents the locks cannot be added
 * to are reported in `notes` (strings); the document is returned unchanged then.
 */
export function withLocks(wasm, json, names, notes, what = 'lock') {
  if (!names?.length) return json;
  const lockable = wasm.catalog().limits.lockable;
  const known = names.filter((n) => lockable.includes(n));
  const unknown = names.filter((n) => !lockable.includes(n));
  if (unknown.length) {
    notes.push(`${what}: ${unknown.map((n) => `“${clip(n, 40)}”`).join(', ')} ${unknown.length === 1 ? 'is not a control' : 'are not controls'} that can be locked (ignored); use any of: ${lockable.join(', ')}.`);
  }
  if (!known.length) return json;
  const doc = JSON.parse(json);
  doc.locked = [...new Set([...(doc.locked ?? []), ...known])];
  try {
    return wasm.validateDocument(JSON.stringify(doc), true);
  } catch (e) {
    notes.push(`The locks could not be applied: ${e.message}`);
    return json;
  }
}

/** At most `n` characters of `s`, with an ellipsis if cut. */
export function clip(s, n = 80) {
  const t = String(s);
  return t.length > n ? `${t.slice(0, n)}…` : t;
}
