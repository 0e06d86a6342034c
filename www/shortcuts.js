// Keyboard shortcuts of one playground: Ctrl/Cmd+Z and +Y (undo, redo), Delete (the selected
// gate), Space (play/pause), Escape (deselect). They act on key presses inside the playground's
// root, and for the full page also with nothing focused (`keys: 'document'`); typing in a box
// keeps the box's own keys.

const editable = (t) => t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

/** Installs the shortcuts; returns the function that removes them. */
export function installShortcuts(app, { root, keys }) {
  const onKey = (e) => {
    // The real target, also when the playground sits in a shadow root.
    const path = e.composedPath?.() ?? [];
    const t = path[0] instanceof Element ? path[0] : e.target;
    const inside = path.includes(root);
    const page = keys === 'document' && (t === document.body || t === document.documentElement);
    if (!inside && !page) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && !e.altKey && (key === 'z' || key === 'y')) {
      if (editable(t) && t.type !== 'checkbox' && t.type !== 'range' && t.tagName !== 'SELECT') return; // the box's own undo
      e.preventDefault();
      if (key === 'y' || e.shiftKey) app.redo(); else app.undo();
      return;
    }
    if (editable(t) || mod || e.altKey) return;
    if ((e.key === 'Delete' || e.key === 'Backspace') && app.ui.selected != null && !t.closest?.('.gate')) {
      if (app.isLocked('circuit')) return;
      e.preventDefault();
      app.deleteSelected();
    } else if (e.key === ' ' && (page || t === root || t.tagName === 'CANVAS')) {
      e.preventDefault();
      app.loop.toggle();
    } else if (e.key === 'Escape' && app.ui.selected != null) {
      app.select(null);
    }
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
