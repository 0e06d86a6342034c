// What the browser itself does on the page's thread while a preset trains, which a CPU profile
// only shows as "(program)": records a Chromium trace (devtools.timeline with invalidation
// tracking) over a few seconds of Play and prints
//   - the invalidations by kind, element and the JavaScript that caused them (what makes the
//     browser restyle, lay out or repaint every frame),
//   - the main-thread tasks over 40 ms with their largest phases,
//   - the time per trace event on each thread (style, layout, paint, layerize, commit, ...).
//   node bench/page_trace.mjs [preset] [seconds] [query]   (default reupload-12q, 4, none)
// Tracing slows the page about twofold: compare runs of this script with each other, and take
// frame rates from bench/page_profile.mjs (NOPROFILE=1). Run `bash scripts/build-wasm.sh`
// first. Figures only; it asserts nothing.
import { launch, openPage } from '../e2e/harness.mjs';

const preset = process.argv[2] ?? 'reupload-12q';
const seconds = Number(process.argv[3] ?? 4);
const query = process.argv[4] ?? '';
const env = await launch();
try {
  const { page } = await openPage(env.context, `${env.url}${query}`);
  await page.getByLabel('Open a preset playground').selectOption(preset);
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  await page.waitForTimeout(500);
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc',
        'disabled-by-default-devtools.timeline.invalidationTracking'],
    },
    transferMode: 'ReportEvents',
  });
  await page.evaluate(async (ms) => {
    const play = document.querySelector('[data-testid=play]');
    play.click();
    await new Promise((r) => setTimeout(r, ms));
    play.click();
  }, seconds * 1000);
  await cdp.send('Tracing.end');
  await done;

  const threads = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const thread = (e) => threads.get(`${e.pid}:${e.tid}`) ?? '?';
  const count = (map, k, v = 1) => map.set(k, (map.get(k) ?? 0) + v);
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const where = (f) => `${f.functionName || '(anonymous)'}@${(f.url ?? '').split('/').pop()}:${f.lineNumber}`;

  const inv = new Map();
  for (const e of events) {
    if (!/Invalidat|StyleRecalc/.test(e.name)) continue;
    const d = e.args?.data ?? {};
    const js = (d.stackTrace ?? []).slice(0, 2).map(where).join(' < ');
    count(inv, `${e.name} | ${d.nodeName ?? ''} | ${d.reason ?? d.changedAttribute ?? d.changedClass ?? ''} | ${js}`);
  }
  console.log(`${preset}: ${seconds} s of Play under the tracer\ninvalidations (count | kind | element | reason | caused by), top 30:`);
  for (const [k, v] of top(inv, 30)) console.log(String(v).padStart(7), k);

  const main = events.filter((e) => e.ph === 'X' && thread(e) === 'CrRendererMain');
  const t0 = Math.min(...main.map((e) => e.ts));
  console.log('main-thread tasks over 40 ms (under the tracer), with their phases over 3 ms:');
  for (const task of main.filter((e) => e.name === 'RunTask' && e.dur > 40_000)) {
    const parts = main.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e.dur > 3000);
    const name = (k) => `${k.name}${k.args?.data?.functionName ? `(${k.args.data.functionName})` : ''}`;
    console.log(`  ${(task.dur / 1000).toFixed(1)} ms at ${((task.ts - t0) / 1000).toFixed(0)} ms: ${parts.slice(0, 30).map((k) => `${name(k)} ${(k.dur / 1000).toFixed(1)}`).join(' | ')}`);
  }

  const sums = new Map();
  for (const e of events) if (e.ph === 'X' && e.dur) count(sums, `${thread(e)} | ${e.name}`, e.dur / 1000);
  console.log('time per trace event and thread (ms; nested events are counted in each), top 40:');
  for (const [k, v] of top(sums, 40)) console.log(v.toFixed(1).padStart(9), k);
} finally {
  await env.close();
}
