// Where the page's main thread spends its time while a preset trains: opens the page in
// headless Chromium (the e2e harness), loads a preset from the preset menu, plays for a few
// seconds under the DevTools CPU profiler and prints the functions with the most self time on
// the page's thread, with the long tasks (PerformanceObserver) and the frame rate.
//   node bench/page_profile.mjs [preset] [seconds] [query]   (default reupload-12q, 4, none;
//   query e.g. '?workers=1'; NOPROFILE=1 measures the frame rate without the profiler)
// Run `bash scripts/build-wasm.sh` first. Figures only; it asserts nothing.
import { launch, openPage, installLongTaskObserver } from '../e2e/harness.mjs';

const preset = process.argv[2] ?? 'reupload-12q';
const seconds = Number(process.argv[3] ?? 4);
const query = process.argv[4] ?? '';
const profiling = process.env.NOPROFILE !== '1';
const env = await launch();
try {
  const { page } = await openPage(env.context, `${env.url}${query}`, { init: installLongTaskObserver });
  await page.getByLabel('Open a preset playground').selectOption(preset);
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await page.waitForTimeout(500);
  const cdp = await page.context().newCDPSession(page);
  if (profiling) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const r = await page.evaluate(async (ms) => {
    const t0 = performance.now();
    let frames = 0;
    document.querySelector('[data-testid=play]').click();
    await new Promise((done) => {
      const f = (t) => { frames += 1; if (t - t0 < ms) requestAnimationFrame(f); else done(); };
      requestAnimationFrame(f);
    });
    const tasks = window.__longTasks.filter((x) => x.start >= t0);
    document.querySelector('[data-testid=play]').click();
    return {
      fps: frames / ((performance.now() - t0) / 1000),
      longest: Math.max(0, ...tasks.map((x) => x.duration)),
      count: tasks.length,
      at: tasks.map((x) => Math.round(x.start - t0)),
      epoch: window.__qmlp.app.engine.metrics().epoch,
      stats: window.__qmlp.app.stats,
    };
  }, seconds * 1000);
  console.log(`${preset}${query}: ${seconds} s of Play — ${r.fps.toFixed(1)} fps, longest main-thread task ${r.longest.toFixed(0)} ms (${r.count} over 50 ms${r.count ? `, at ${r.at.join(', ')} ms after Play` : ''}), epoch ${r.epoch}, workers ${r.stats.workers}${profiling ? ', under the profiler' : ''}`);
  if (profiling) {
    const { profile } = await cdp.send('Profiler.stop');
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    const dt = profile.timeDeltas;
    profile.samples.forEach((id, i) => {
      const n = byId.get(id);
      const f = n.callFrame;
      const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    // The same samples charged to the nearest JavaScript function (wasm names are stripped).
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const js = new Map();
    profile.samples.forEach((id, i) => {
      let n = byId.get(id);
      const path = [];
      while (n) {
        const f = n.callFrame;
        if (f.url.endsWith('.js') && !f.url.endsWith('qmlp.js')) path.push(`${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`);
        if (path.length === 2) break;
        n = byId.get(parent.get(n.id));
      }
      if (!path.length) return;
      const name = path.join(' < ');
      js.set(name, (js.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    console.log('self time on the page thread (ms), top 20:');
    for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
      console.log(`${ms.toFixed(1).padStart(9)}  ${(100 * ms / total).toFixed(1).padStart(5)} %  ${name}`);
    }
    console.log('time under the nearest page function (< its caller), top 15:');
    for (const [name, ms] of [...js].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
      console.log(`${ms.toFixed(1).padStart(9)}  ${(100 * ms / total).toFixed(1).padStart(5)} %  ${name}`);
    }
  }
} finally {
  await env.close();
}
