// What a page address asks for, and the addresses this page writes. Pure functions, no DOM.
//
// The fragment (after #) is a list of `&`-separated options followed by the document:
//
//   #v1.<deflate+base64url>            the compact document (written by the engine, encodeHash)
//   #json:<percent-encoded JSON>       a readable document, for hand-made links and lessons
//   #embed&lock=circuit,data&v1.…      iframe mode (compact layout), lessons' locks, a document
//   #embed                             iframe mode with the default (or ?src=…) document
//
// The document always comes last: everything from the first part that looks like one (`v<N>.`,
// `json:`) or is not a known option is handed to the engine's decodeHash, which says what is
// wrong with it. The query string takes the same options (`?embed&lock=data&src=lesson.json`,
// `?preset=name`), so a host page can put them where it likes.

const DOC_START = /^(v\d+\.|json:)/i;

/**
 * Reads `location.hash` and `location.search`.
 * @returns {{ embed: boolean, locks: string[]|null, src: string|null, preset: string|null,
 *   doc: string|null }} `doc`: the document part of the fragment, to decode (null: none).
 */
export function parseAddress(hash = '', search = '') {
  const out = { embed: false, locks: null, src: null, preset: null, doc: null };
  const q = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  if (q.has('embed') && !/^(0|false|no)$/i.test(q.get('embed'))) out.embed = true;
  if (q.has('lock')) out.locks = splitList(q.get('lock'));
  if (q.get('src')) out.src = q.get('src');
  if (q.get('preset')) out.preset = q.get('preset');

  let rest = hash.startsWith('#') ? hash.slice(1) : hash;
  while (rest) {
    if (DOC_START.test(rest)) break;
    const amp = rest.indexOf('&');
    const part = amp < 0 ? rest : rest.slice(0, amp);
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    if (name === 'embed' && eq < 0) out.embed = true;
    else if (name === 'lock' && eq > 0) out.locks = splitList(value);
    else if (name === 'src' && eq > 0) out.src = value;
    else if (name === 'preset' && eq > 0) out.preset = value;
    else break; // not an option: the engine reads it (and says what is wrong with it)
    rest = amp < 0 ? '' : rest.slice(amp + 1);
  }
  if (rest.trim()) out.doc = rest;
  return out;
}

/** `"a, B ,c"` → `['a', 'b', 'c']` (comma-separated, trimmed, lower case, empty parts dropped). */
export function splitList(text) {
  return String(text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

function safeDecode(s) {
  try { return decodeURIComponent(s); } catch { return s; }
}

/**
 * The address of the full playground holding fragment `hash` (no `#`): `base` (the page's own
 * address, or index.html next to embed.js) without the embed options.
 */
export function fullPageLink(base, hash) {
  const u = new URL(base);
  for (const k of ['embed', 'lock', 'src', 'preset']) u.searchParams.delete(k);
  u.hash = hash;
  return u.href;
}

/** A file name from a document title: ASCII letters, digits and dashes, or `fallback`. */
export function fileStem(title, fallback = 'playground') {
  const s = String(title ?? '').normalize('NFKD').replace(/[^\w\s-]/g, '').trim()
    .replace(/[\s_]+/g, '-').replace(/-+/g, '-').toLowerCase().slice(0, 48).replace(/^-|-$/g, '');
  return s || fallback;
}
