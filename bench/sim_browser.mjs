// The engine benchmark compiled to wasm, in headless Chromium: ns per gate for the 100-gate
// workload at 12, 20 and 24 qubits and per gate kind at 20 qubits. Prints a markdown table.
// Usage: node bench/sim_browser.mjs   (after scripts/build-wasm.sh --bench; QUICK=1 for fewer reps)
import { launch } from '../e2e/harness.mjs';

const quick = process.env.QUICK === '1';
const env = await launch();
try {
  const page = await env.context.newPage();
  await page.goto(`${env.url}bench/blank.html`);
  const rows = await page.evaluate(async (quick) => {
    const m = await import('/bench/pkg/qmlp.js');
    await m.default();
    const out = [];
    for (const [n, reps] of [[12, quick ? 50 : 400], [20, quick ? 3 : 10], [24, quick ? 1 : 3]]) {
      out.push({ what: `100 random gates, ${n} qubits`, ns: m.benchSimCircuit(n, 100, reps) });
    }
    for (const g of ['H', 'X', 'RX', 'RY', 'RZ', 'Rot', 'U3', 'CNOT', 'CZ', 'SWAP', 'CRX', 'IsingXX', 'IsingZZ', 'Toffoli', 'CSWAP']) {
      out.push({ what: `${g}, 20 qubits`, ns: m.benchSimGate(g, 20, quick ? 2 : 5) });
    }
    return out;
  }, quick);
  console.log('| workload (wasm, Chromium) | ns per gate |\n|---|---:|');
  for (const r of rows) {
    const v = r.ns >= 1e6 ? `${(r.ns / 1e6).toFixed(2)} ms` : r.ns >= 1e3 ? `${(r.ns / 1e3).toFixed(2)} µs` : `${r.ns.toFixed(0)} ns`;
    console.log(`| ${r.what} | ${v} |`);
  }
} finally {
  await env.close();
}
