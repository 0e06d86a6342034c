// Drag and drop with Pointer Events, so mouse, pen and touch behave the same. The source element
// captures the pointer on pointerdown; a move beyond a few pixels starts the drag (a ghost
// follows the pointer); pointerup drops; pointerup without a move is a click. Elements using
// this have `touch-action: none` in the stylesheet so touch drags do not scroll the page.

const THRESHOLD = 4;

/**
 * Makes `el` a drag source.
 * @param {HTMLElement} el
 * @param {object} h handlers
 * @param {(ev: PointerEvent) => any} h.start returns a payload, or null to ignore this press
 * @param {(payload, ev: PointerEvent) => Node} [h.ghost] the element that follows the pointer
 * @param {(payload, x: number, y: number) => void} h.move while dragging (client coordinates)
 * @param {(payload, x: number, y: number) => void} h.drop on release after a drag
 * @param {(payload, ev: PointerEvent) => void} [h.click] on release without a drag
 * @param {(payload) => void} [h.end] after drop or cancel (clean up previews)
 */
export function draggable(el, h) {
  el.addEventListener('pointerdown', (ev) => {
    if (ev.pointerType === 'mouse' && ev.button !== 0) return;
    const payload = h.start(ev);
    if (payload == null) return;
    ev.preventDefault();
    ev.stopPropagation();
    if (typeof el.focus === 'function') el.focus({ preventScroll: true });
    const id = ev.pointerId;
    try { el.setPointerCapture(id); } catch { /* element may be detached in odd cases */ }
    const sx = ev.clientX;
    const sy = ev.clientY;
    let dragging = false;
    let ghost = null;
    const place = (x, y) => {
      if (ghost) ghost.style.transform = `translate(${x}px, ${y}px) translate(-50%, -50%)`;
    };
    const onMove = (e) => {
      if (e.pointerId !== id) return;
      if (!dragging) {
        if (Math.hypot(e.clientX - sx, e.clientY - sy) < THRESHOLD) return;
        dragging = true;
        document.documentElement.classList.add('qmlp-dragging');
        ghost = h.ghost?.(payload, e) ?? null;
        if (ghost) {
          ghost.classList.add('drag-ghost');
          (el.closest('.qmlp') ?? document.body).append(ghost);
        }
      }
      place(e.clientX, e.clientY);
      h.move(payload, e.clientX, e.clientY);
    };
    const finish = () => {
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onCancel);
      el.removeEventListener('lostpointercapture', onCancel);
      document.documentElement.classList.remove('qmlp-dragging');
      ghost?.remove();
    };
    const onUp = (e) => {
      if (e.pointerId !== id) return;
      finish();
      try {
        if (dragging) h.drop(payload, e.clientX, e.clientY);
        else h.click?.(payload, e);
      } finally {
        h.end?.(payload);
      }
    };
    const onCancel = (e) => {
      if (e.pointerId !== id) return;
      finish();
      h.end?.(payload);
    };
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onCancel);
    el.addEventListener('lostpointercapture', onCancel);
  });
}
