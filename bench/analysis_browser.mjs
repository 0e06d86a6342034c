// The training-debugger benchmark compiled to wasm, in headless Chromium: the whole barren-plateau
// reference protocol (n = 2…10, 50 layers, 1 000 circuits per size, both costs) and one 41×41
// loss landscape of the 4-qubit, 3-layer re-uploading classifier. Prints a markdown table, or
// JSON with --json.
// Usage: node bench/analysis_browser.mjs [--json]   (after scripts/build-wasm.sh --bench;
// QUICK=1 for 100 circuits per size and one landscape)
import { launch } from '../e2e/harness.mjs';

const asJson = process.argv.includes('--json');
const quick = process.env.QUICK === '1';
const env = await launch();
try {
  const page = await env.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${env.url}bench/blank.html`);
  const out = await page.evaluate(async (quick) => {
    const m = await import('/bench/pkg/qmlp.js');
    await m.default();
    const barren = JSON.parse(m.benchBarren(quick ? 100 : 1000));
    const landscape_ms = m.benchLandscape(quick ? 1 : 3);
    return { barren, landscape_ms, browser: navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? '?' };
  }, quick);
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  if (asJson) {
    console.log(JSON.stringify(out));
  } else {
    console.log(`\n## Training debugger, wasm in headless Chromium (${out.browser})\n`);
    console.log('| qubits | barren protocol time | Var local | Var global |\n|---:|---:|---:|---:|');
    for (const r of out.barren.rows) {
      console.log(`| ${r.qubits} | ${r.ms.toFixed(1)} ms | ${r.local_var.toExponential(4)} | ${r.global_var.toExponential(4)} |`);
    }
    console.log(`\nwhole protocol: ${(out.barren.total_ms / 1e3).toFixed(3)} s; 41×41 landscape: ${out.landscape_ms.toFixed(1)} ms`);
  }
} finally {
  await env.close();
}
