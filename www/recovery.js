// Engine panics: the engine's panic hook (panic.js) tells the playground, which rebuilds the
// engine outside the panicking call (re-entering wasm from the hook is unsafe) from the last
// good document. If the document itself keeps making the engine panic, the default document
// opens instead of looping; the user's document stays in the undo history.

/** Returns the playground's `onPanic(text)`. */
export function panicRecovery(app, { rerender }) {
  let panics = [];
  return (text) => {
    const { engine, store, messages, wasm } = app;
    engine.broken = true;
    app.loop.pause();
    const now = Date.now();
    panics = panics.filter((t) => now - t < 5000).concat(now);
    const repeated = panics.length > 2;
    messages.global.show(repeated
      ? `The engine keeps failing on this document, so the default playground was opened; Ctrl+Z brings your document back. (${text})`
      : `The engine hit an internal error and was restarted from your last good document. (${text})`);
    setTimeout(() => {
      if (repeated) {
        panics = [];
        engine.recover(wasm.defaultDocument());
        try { store.load(engine.document()); } catch { /* keep the store as it is */ }
      } else {
        engine.recover(store.json);
      }
      rerender();
    }, 0);
  };
}
