// The engine's panic hook calls `globalThis.__qmlpOnPanic(message)` (see src/web/mod.rs). One
// wasm instance serves every playground on a page (the full page, or several <qml-playground>
// elements), so the hook is one function that tells every live playground; each rebuilds its
// engine from its last good document. This module holds that list: ES modules are loaded once
// per URL, so main.js and embed.js share it without a global of their own. The hook itself is
// the one global the engine needs.

const apps = new Set();
let fallback = null;

function hook(msg) {
  if (!apps.size) {
    fallback?.(msg);
    return;
  }
  for (const app of apps) {
    try { app.onPanic(msg); } catch { /* one playground failing to recover must not stop the others */ }
  }
}

/** Installs the hook (once). `onOrphan(msg)`: where a panic goes while no playground exists. */
export function installPanicHook(onOrphan) {
  if (onOrphan) fallback = onOrphan;
  if (globalThis.__qmlpOnPanic !== hook) globalThis.__qmlpOnPanic = hook;
}

/** Tells `app` about engine panics until the returned function is called. */
export function watchPanics(app) {
  apps.add(app);
  return () => apps.delete(app);
}
