// Arrow-key navigation with a roving tabindex (the WAI-ARIA Authoring Practices' pattern for
// toolbars and radio groups): a group of controls is one Tab stop; the arrow keys move the focus
// inside it (Home and End to its ends, wrapping around), skipping disabled and hidden controls.
// In a radio group moving also checks: `onMove(el)` is called with the control moved to.
// Nothing global: each group keeps its own state.

const PREV = { ArrowLeft: true, ArrowUp: true };
const NEXT = { ArrowRight: true, ArrowDown: true };

/**
 * Makes the controls of `container` one Tab stop with arrow-key navigation.
 * @param {HTMLElement} container
 * @param {object} o
 * @param {() => HTMLElement[]} o.items the group's controls, in order (looked up on every key)
 * @param {() => HTMLElement|null} [o.current] the control that should be the Tab stop (a radio
 *   group: the checked one); default: the one focused last, else the first usable one
 * @param {(el: HTMLElement) => void} [o.onMove] called after the focus moved to `el` by a key
 * @returns {{ refresh(): void }} `refresh()` re-assigns the Tab stop (call it after the
 *   controls changed: added, removed, disabled, checked)
 */
export function roving(container, { items, current = null, onMove = null }) {
  let last = null;
  const usable = () => items().filter((el) => !el.matches(':disabled') && !el.hidden && !el.closest('[hidden]'));

  function stop(list) {
    const want = current?.();
    if (want && list.includes(want)) return want;
    if (last && list.includes(last)) return last;
    return list[0] ?? null;
  }

  function refresh() {
    const all = items();
    const list = usable();
    const tab = stop(list);
    for (const el of all) el.tabIndex = el === tab ? 0 : -1;
  }

  container.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const list = usable();
    const i = list.indexOf(e.target);
    if (i < 0) return;
    let j;
    if (PREV[e.key]) j = (i - 1 + list.length) % list.length;
    else if (NEXT[e.key]) j = (i + 1) % list.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = list.length - 1;
    else return;
    e.preventDefault();
    e.stopPropagation();
    const el = list[j];
    last = el;
    for (const x of items()) x.tabIndex = x === el ? 0 : -1;
    el.focus();
    onMove?.(el);
  });

  container.addEventListener('focusin', (e) => {
    const list = items();
    if (!list.includes(e.target)) return;
    last = e.target;
    for (const x of list) x.tabIndex = x === e.target ? 0 : -1;
  });

  refresh();
  return { refresh };
}
