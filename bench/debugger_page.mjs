// The Debugger panel in the real page (headless Chromium, the page's own wasm build in pkg/):
// after 5 epochs of the default model, a 41×41 loss landscape and the barren-plateau explorer
// at the reference protocol's sizes (n = 2…10, 50 layers, 1 000 circuits per size, both costs,
// plus the drawn circuit's sweep over 1…6 repetitions), each started with its Run button and
// timed until its result is stored; meanwhile the gaps between animation frames and the main
// thread's long tasks are recorded. Prints figures (never asserted), or JSON with --json.
// The analyses run in the analysis worker (www/analysisworker.js); `--page` runs them on the
// page's thread instead (`?analysis=main`, a few ms per frame), for comparison; `--workers N`
// splits each analysis across N analysis workers (`?workers=N`; by default the page takes the
// machine's cores, at most 4).
// Usage: node bench/debugger_page.mjs [--json] [--page] [--workers N]   (after
// scripts/build-wasm.sh; QUICK=1 for 200 circuits per size)
import { launch, openPage } from '../e2e/harness.mjs';

const asJson = process.argv.includes('--json');
const quick = process.env.QUICK === '1';
const onPage = process.argv.includes('--page');
const wi = process.argv.indexOf('--workers');
const workers = wi > 0 ? Number(process.argv[wi + 1]) : null;
if (workers !== null && !(Number.isInteger(workers) && workers >= 1)) throw new Error('--workers takes a whole number of at least 1');
const env = await launch();

function installFrameRecorder() {
  window.__frames = { last: 0, gaps: [], on: false };
  const f = window.__frames;
  const tick = (t) => {
    if (f.on && f.last) f.gaps.push(t - f.last);
    f.last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
}

/** Runs one analysis from its tab and Run button; returns the page's timings. */
async function run(page, tab, settings, button, kind) {
  await page.getByTestId(`dbg-tab-${tab}`).click();
  for (const [id, v] of settings) await page.getByTestId(id).selectOption(v);
  await page.evaluate(() => {
    window.__frames.gaps = [];
    window.__frames.last = 0;
    window.__frames.on = true;
    window.__longTasks = [];
    window.__t0 = performance.now();
  });
  await page.getByTestId(button).click();
  await page.waitForFunction((k) => window.__qmlp.app.lastAnalysisStats?.kind === k
    && (window.__qmlp.getDocument().analyses ?? []).some((a) => a.kind === k), kind, { timeout: 600_000, polling: 200 });
  return page.evaluate(() => {
    const f = window.__frames;
    f.on = false;
    const s = window.__qmlp.app.lastAnalysisStats;
    window.__qmlp.app.lastAnalysisStats = null;
    const sorted = [...f.gaps].sort((a, b) => a - b);
    return {
      wallMs: s.elapsedMs,
      workMs: s.workMs,
      frames: s.frames,
      longestStepMs: s.longestStepMs,
      longestFrameGapMs: sorted.at(-1) ?? 0,
      p95FrameGapMs: sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0,
      longTasks: window.__longTasks.length,
      longestTaskMs: Math.max(0, ...window.__longTasks),
      workers: s.workers ?? 0,
    };
  });
}

try {
  const { page, errors } = await openPage(env.context, `${env.url}${onPage ? '?analysis=main' : workers ? `?workers=${workers}` : ''}`, { init: installFrameRecorder });
  for (let i = 0; i < 5; i += 1) await page.getByTestId('step').click();
  const landscape = await run(page, 'landscape', [['landscape-resolution', '41']], 'run-landscape', 'landscape');
  const barren = await run(page, 'barren', [['barren-qubits', '10'], ['barren-samples', quick ? '200' : '1000'], ['barren-layers', '50']], 'run-barren', 'barren');
  const summary = await page.getByTestId('barren-summary').textContent();
  const browser = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? '?');
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  const out = { browser, samples: quick ? 200 : 1000, landscape, barren, summary };
  if (asJson) {
    console.log(JSON.stringify(out));
  } else {
    const f = (v) => `${v.toFixed(1)} ms`;
    console.log(`\n## Debugger in the page (${browser}, ${onPage ? 'on the page\'s thread, 8 ms of analysis per frame' : `in ${landscape.workers} analysis worker(s), 25 ms slices`})\n`);
    console.log(`| analysis | wall time | work | ${onPage ? 'frames' : 'slices'} | longest step | longest frame gap | p95 gap | long tasks (longest) |`);
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [name, r] of [['41×41 landscape', landscape], [`barren explorer, n = 2…10, 50 layers, ${out.samples}/size`, barren]]) {
      console.log(`| ${name} | ${(r.wallMs / 1e3).toFixed(2)} s | ${(r.workMs / 1e3).toFixed(2)} s | ${r.frames} | ${f(r.longestStepMs)} | ${f(r.longestFrameGapMs)} | ${f(r.p95FrameGapMs)} | ${r.longTasks} (${f(r.longestTaskMs)}) |`);
    }
    console.log(`\n${summary}`);
  }
} finally {
  await env.close();
}
