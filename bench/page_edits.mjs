// What an edit costs the page's thread as the model grows: opens the default playground in
// headless Chromium (the e2e harness), presses "Add a qubit" up to 16 wires and, after each,
// waits until the page is settled (no work in the worker, no evaluation owed, its view drawn);
// prints, per wire count, the longest main-thread task since the press (PerformanceObserver),
// the engine's estimates of an evaluation and of the 48² grid on the page's thread, and what
// went to the worker.
//   node bench/page_edits.mjs [last-wire-count]          (default 16)
// Run `bash scripts/build-wasm.sh` first. Figures only; it asserts nothing.
import { launch, openPage, installLongTaskObserver } from '../e2e/harness.mjs';

const last = Number(process.argv[2] ?? 16);
const env = await launch();
try {
  const { page } = await openPage(env.context, env.url, { init: installLongTaskObserver });
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  const add = page.getByRole('button', { name: 'Add a qubit' });
  console.log('wires  evaluation est. ms  48² grid est. ms  longest task ms  settles  views (grid)  ms to settled');
  for (;;) {
    const n = Number(await page.getByTestId('qubit-count').textContent());
    if (n >= last) break;
    const s0 = await page.evaluate(() => ({ ...window.__qmlp.app.stats, t: performance.now() }));
    await add.click();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=qubit-count]').textContent) === n + 1, n);
    await page.waitForFunction(() => {
      const { loop, engine } = window.__qmlp.app;
      return !loop.working && !engine.pg.unevaluated() && !loop.stale && !loop.awaitingFinal;
    }, null, { timeout: 120_000 });
    await page.waitForTimeout(100); // the frame that draws it
    const r = await page.evaluate((s0) => {
      const { app } = window.__qmlp;
      return {
        n: app.store.doc.circuit.qubits,
        evalMs: app.engine.pg.evaluationMs(),
        gridMs: app.engine.pg.gridMs(app.ui.gridN),
        longest: Math.max(0, ...window.__longTasks.filter((e) => e.start >= s0.t).map((e) => e.duration)),
        settles: app.stats.workerSettles - s0.workerSettles,
        views: app.stats.idleViews - s0.idleViews,
        gridN: app.stats.lastViewGridN,
        ms: performance.now() - s0.t,
      };
    }, s0);
    console.log(`${String(r.n).padStart(5)}  ${r.evalMs.toFixed(0).padStart(18)}  ${r.gridMs.toFixed(0).padStart(16)}  ${r.longest.toFixed(0).padStart(15)}  ${String(r.settles).padStart(7)}  ${String(r.views).padStart(5)} (${r.views ? `${r.gridN}²` : '—'})  ${r.ms.toFixed(0).padStart(13)}`);
  }
} finally {
  await env.close();
}
