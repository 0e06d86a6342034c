// Start-up steps shared by the full page (main.js) and the <qml-playground> element (embed.js):
// fetching a lesson file with a size limit and a timeout, saying why a fetch failed (including
// the cross-origin case), opening a preset, and adding locks — each refusal a message, each
// fallback the default playground. Documents are checked against the page's limits here, before
// a Playground is built, so a link or lesson asking for 24 qubits cannot freeze the tab.

/** How long a lesson fetch may take before the page gives up and says so. */
export const FETCH_TIMEOUT_MS = 15_000;

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
    res = await fetch(target, { signal: ctl.signal });
  } catch (e) {
    clearTimeout(timer);
    if (ctl.signal.aborted) {
      throw new Error(`${shown} did not answer within ${Math.round(timeoutMs / 1000)} s (the server is slow or down)`);
    }
    const cross = typeof location !== 'undefined' && target.origin !== location.origin;
    throw new Error(cross
      ? `${shown} could not be read from this page: it is on another site (${target.origin}), and its server must send the header “Access-Control-Allow-Origin” for this page's site to read it (or the server is down)`
      : `${shown} could not be fetched (${e?.message ?? e}); check the address and that the server is running`);
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
