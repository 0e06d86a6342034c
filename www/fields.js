// Form fields shared by the panels. A number box parses what the user typed (parseNumber) and
// refuses anything that is not a finite number with a message right next to the box, keeping
// the previous value; a refusal by the document's validation is shown in the same place.

import { h, hasFocus, parseNumber } from './dom.js';
import { formatNumber } from './format.js';

/**
 * A text box for a number with its own message slot. `commit(value, where)` applies it and
 * returns true when accepted (`where` shows a refusal next to the box). The box shows the
 * number with 6 significant digits (fewer in a `short` box, whose text must fit 9 characters);
 * its tooltip holds the full value.
 */
export function numberField({ label: name, value, testid, commit, integer = false, min, max, cls = '' }) {
  const maxLength = /\bshort\b/.test(cls) ? 9 : 12;
  const fmtAngle = (v) => formatNumber(v, { maxLength, fallback: String(v) });
  let current = value;
  const input = h('input', {
    type: 'text', inputmode: integer ? 'numeric' : 'decimal', class: `num ${cls}`.trim(),
    'aria-label': name, 'data-testid': testid, spellcheck: 'false', autocomplete: 'off',
  });
  input.value = fmtAngle(value);
  input.title = String(value);
  const msg = h('span', { class: 'field-msg', role: 'alert', 'aria-live': 'assertive', 'data-testid': testid ? `${testid}-msg` : null });
  const where = {
    show: (text) => { msg.textContent = text; input.setAttribute('aria-invalid', 'true'); },
    clear: () => { msg.textContent = ''; input.removeAttribute('aria-invalid'); },
  };
  const apply = () => {
    if (input.value === fmtAngle(current)) return;
    const r = parseNumber(input.value, { integer, min, max });
    if (r.error) {
      where.show(`${r.error}; kept ${fmtAngle(current)}`);
      input.value = fmtAngle(current);
      return;
    }
    const old = current;
    if (commit(r.value, where)) {
      current = r.value;
      input.value = fmtAngle(r.value);
      input.title = String(r.value);
    } else {
      current = old;
      input.value = fmtAngle(old);
    }
  };
  input.addEventListener('change', apply);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); apply(); }
    if (e.key === 'Escape') { input.value = fmtAngle(current); where.clear(); }
  });
  const wrap = h('span', { class: 'field' }, input, msg);
  return {
    el: wrap,
    input,
    show: where.show,
    clear: where.clear,
    set(v) {
      current = v;
      input.title = String(v);
      if (!hasFocus(input)) input.value = fmtAngle(v);
    },
  };
}
