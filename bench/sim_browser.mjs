// The engine benchmark compiled to wasm, in headless Chromium: ns per gate for W1 (the 100-gate
// workload of `cargo bench --bench sim`, same seed) at 12, 20 and 24 qubits, gate by gate and
// fused, per gate kind at 20 qubits, and one H and one CNOT per target wire at 24 (20 with
// QUICK=1). Prints markdown tables.
// Usage: node bench/sim_browser.mjs [--native FILE]   (after scripts/build-wasm.sh --bench;
// QUICK=1 for fewer reps). --native takes the output of `cargo bench --bench sim` (run just
// before, on the same machine) and adds wasm / native ratios.
import fs from 'node:fs';
import { launch } from '../e2e/harness.mjs';

const quick = process.env.QUICK === '1';
const args = process.argv.slice(2);
const nativeArg = args.indexOf('--native');
const native = nativeArg >= 0 ? parseNative(fs.readFileSync(args[nativeArg + 1], 'utf8')) : null;

/** {gate: {qubits: ns}, fused: {qubits: ns}, wires: {wire: {h, cx}}, wireQubits} from the native bench's W1 and per-wire tables. */
function parseNative(text) {
  const out = { gate: {}, fused: {}, wires: {} };
  let table = null;
  const unit = { ns: 1, 'µs': 1e3, ms: 1e6 };
  for (const line of text.split('\n')) {
    if (line.startsWith('## Random 100-gate circuit')) table = 'gate';
    else if (line.startsWith('## The same circuit fused')) table = 'fused';
    else if (line.startsWith('## One gate per target wire')) {
      table = 'wires';
      out.wireQubits = Number(/(\d+) qubits/.exec(line)?.[1]);
    }
    else if (line.startsWith('## ')) table = null;
    const w = table === 'wires' && /^\|\s*(\d+)\s*\|[^|]*\|\s*([\d.]+) (ns|µs|ms)\s*\|\s*([\d.]+) (ns|µs|ms)\s*\|/.exec(line);
    if (w) { out.wires[Number(w[1])] = { h: Number(w[2]) * unit[w[3]], cx: Number(w[4]) * unit[w[5]] }; continue; }
    const m = /^\|\s*(\d+)\s*\|\s*\d+\s*\|\s*([\d.]+) (ns|µs|ms)\s*\|/.exec(line);
    if (table && m) out[table][Number(m[1])] = Number(m[2]) * unit[m[3]];
  }
  return out;
}

const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
/** wasm time over native time, or a dash without a native figure. */
const ratio = (w, n) => (n ? `${(w / n).toFixed(2)}×` : '–');

const env = await launch();
try {
  const page = await env.context.newPage();
  await page.goto(`${env.url}bench/blank.html`);
  const rows = await page.evaluate(async (quick) => {
    const m = await import('/bench/pkg/qmlp.js');
    await m.default();
    // V8 first runs wasm from its baseline compiler and swaps in optimised code once a
    // function is hot (compiled in the background): run the kernels for about a second first,
    // as the native bench warms up too, so both report steady-state speed.
    const warm = performance.now();
    while (performance.now() - warm < 1000) {
      m.benchSimCircuit(12, 100, 1);
      m.benchSimCircuitFused(12, 100, 1);
      m.benchSimGate('RX', 12, 1);
    }
    const circuits = [];
    // Samples of about 20 ms each (see web/bench.rs), best of these many.
    const sizes = quick ? [[12, 5], [20, 2]] : [[12, 20], [20, 8], [24, 3]];
    for (const [n, reps] of sizes) {
      circuits.push({
        qubits: n,
        gate: m.benchSimCircuit(n, 100, reps),
        fused: m.benchSimCircuitFused(n, 100, reps),
      });
    }
    const kinds = [];
    for (const g of ['H', 'X', 'RX', 'RY', 'RZ', 'Rot', 'U3', 'CNOT', 'CZ', 'SWAP', 'CRX', 'IsingXX', 'IsingZZ', 'Toffoli', 'CSWAP']) {
      kinds.push({ what: `${g}, 20 qubits`, ns: m.benchSimGate(g, 20, quick ? 2 : 5) });
    }
    // One H and one CNOT (control: the next wire) per target wire, as the native `wires` table.
    const perWire = [];
    const wn = quick ? 20 : 24;
    for (let w = 0; w < wn; w += 1) {
      perWire.push({ w, h: m.benchSimGateOn('H', wn, [w], quick ? 2 : 3), cx: m.benchSimGateOn('CNOT', wn, [(w + 1) % wn, w], quick ? 2 : 3) });
    }
    return { circuits, kinds, perWire, wn, ua: navigator.userAgent };
  }, quick);
  console.log(`\n## W1 in wasm (${rows.ua.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}), ns per gate (best)\n`);
  if (native) {
    console.log('| qubits | gate by gate | native | wasm / native | fused | native | wasm / native |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
  } else {
    console.log('| qubits | gate by gate | fused |\n|---:|---:|---:|');
  }
  for (const r of rows.circuits) {
    if (native) {
      const [g, f] = [native.gate[r.qubits], native.fused[r.qubits]];
      console.log(`| ${r.qubits} | ${fmt(r.gate)} | ${g ? fmt(g) : '–'} | ${ratio(r.gate, g)} | ${fmt(r.fused)} | ${f ? fmt(f) : '–'} | ${ratio(r.fused, f)} |`);
    } else {
      console.log(`| ${r.qubits} | ${fmt(r.gate)} | ${fmt(r.fused)} |`);
    }
  }
  console.log('\n| one gate kind, 10 times on the middle wire (wasm) | ns per gate |\n|---|---:|');
  for (const r of rows.kinds) console.log(`| ${r.what} | ${fmt(r.ns)} |`);
  console.log(`\n## One gate per target wire, ${rows.wn} qubits (wasm, best)\n`);
  // Ratios only against a native table of the same size (QUICK=1 runs 20 qubits here).
  const nw = native?.wireQubits === rows.wn ? native.wires : {};
  console.log(native ? '| wire | H | native | wasm / native | CNOT | native | wasm / native |\n|---:|---:|---:|---:|---:|---:|---:|' : '| wire | H | CNOT |\n|---:|---:|---:|');
  for (const r of rows.perWire) {
    const n = nw[r.w];
    console.log(native ? `| ${r.w} | ${fmt(r.h)} | ${n ? fmt(n.h) : '–'} | ${ratio(r.h, n?.h)} | ${fmt(r.cx)} | ${n ? fmt(n.cx) : '–'} | ${ratio(r.cx, n?.cx)} |` : `| ${r.w} | ${fmt(r.h)} | ${fmt(r.cx)} |`);
  }
} finally {
  await env.close();
}
