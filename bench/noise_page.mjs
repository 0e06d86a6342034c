// W5 on the page: how many epochs per second the playground trains the W5 model with Play (the
// worker path, the boundary and curves redrawn as usual). The model is W2's 4-qubit classifier
// (4 layers of the `reupload` template: per layer and qubit RX(w·x1+b), RY(w·x2+b), Rot(θ), a
// CNOT ring; ⟨Z0⟩, MSE, fixed head) with the noise model depolarizing p1 = p2 = 0.01 after every
// gate (on both wires of a CNOT) on the exact density matrix, as bench/noise.rs and
// bench/noise_compare.sh time it natively. The data: the circle, 250 points with 80 % for
// training, so one epoch is forward + gradient over 200 points (Adam, batch 16) plus the page's
// epoch metrics (noisy and ideal loss/accuracy on both splits). The same model without noise is
// played after it for comparison. Opened through a `#json:` link as the e2e tests do.
//   node bench/noise_page.mjs [seconds] [--json]     (default 5 s each; run scripts/build-wasm.sh first)
// Figures only; it asserts nothing.
import fs from 'node:fs';
import { launch, openPage, installLongTaskObserver } from '../e2e/harness.mjs';
import { initSync, defaultDocument, template } from '../pkg/qmlp.js';

initSync({ module: fs.readFileSync(new URL('../pkg/qmlp_bg.wasm', import.meta.url)) });
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const seconds = Number(args.find((a) => !a.startsWith('--')) ?? 5);

/** The W5 document (`p` = the depolarizing probability; 0 = the ideal W2 model). */
function w5Document(p) {
  const d = JSON.parse(defaultDocument());
  d.title = p ? 'W5: W2 4-qubit model, depolarizing 0.01 after every gate' : 'W2 4-qubit model (ideal)';
  d.circuit.qubits = 4;
  d.circuit.gates = [];
  for (let l = 0; l < 4; l += 1) {
    const col = d.circuit.gates.reduce((c, g) => Math.max(c, g.col + 1), 0);
    d.circuit.gates.push(...JSON.parse(template('reupload', 4, col, 1 + l)));
  }
  d.readout = { kind: 'expval', observables: ['Z0'] };
  d.head = { trainable: false, scale: [1], bias: [0] };
  d.training.loss = 'mse';
  d.training.epochs = 100000;
  d.data = { ...d.data, points: 250, train_ratio: 0.8 };
  if (p) d.noise = { p1: p, p2: p, engine: 'density' };
  return d;
}

async function play(env, doc) {
  const link = `${env.url}#json:${encodeURIComponent(JSON.stringify(doc))}`;
  const { page, errors } = await openPage(env.context, link, { init: installLongTaskObserver });
  await page.waitForFunction(() => window.__qmlp.app.stats.worker === true);
  const shown = await page.evaluate(() => {
    const d = window.__qmlp.getDocument();
    return { qubits: d.circuit.qubits, gates: d.circuit.gates.length, noise: d.noise ?? null };
  });
  await page.waitForTimeout(300);
  const epoch = () => page.evaluate(() => Number(document.querySelector('[data-testid=epoch]').textContent));
  const e0 = await epoch();
  const r = await page.evaluate(async (ms) => {
    const t0 = performance.now();
    let frames = 0;
    document.querySelector('[data-testid=play]').click();
    await new Promise((done) => {
      const f = (t) => { frames += 1; if (t - t0 < ms) requestAnimationFrame(f); else done(); };
      requestAnimationFrame(f);
    });
    const tasks = window.__longTasks.filter((x) => x.start >= t0);
    return {
      s: (performance.now() - t0) / 1000,
      fps: frames / ((performance.now() - t0) / 1000),
      longest: Math.max(0, ...tasks.map((x) => x.duration)),
    };
  }, seconds * 1000);
  const e1 = await epoch();
  await page.getByRole('button', { name: /^Pause/ }).click();
  const m = await page.evaluate(() => window.__qmlp.app.engine.metrics());
  const stats = await page.evaluate(() => window.__qmlp.app.stats);
  await page.close();
  return {
    model: doc.title, ...shown, engine: m.engine ?? 'ideal', worker: stats.worker,
    epochs: e1 - e0, seconds: r.s, epochs_per_s: (e1 - e0) / r.s, fps: r.fps,
    longest_task_ms: r.longest, errors,
  };
}

const env = await launch();
try {
  const rows = [];
  for (const p of [0.01, 0]) rows.push(await play(env, w5Document(p)));
  if (asJson) {
    console.log(JSON.stringify(rows));
  } else {
    console.log(`\n## W5 on the page: epochs per second with Play (${seconds} s each, headless Chromium)\n`);
    console.log('| model | qubits, gates | engine | worker | epochs | epochs/s | fps | longest main-thread task |');
    console.log('|---|---|---|---|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(`| ${r.model} | ${r.qubits}, ${r.gates} | ${r.engine} | ${r.worker} | ${r.epochs} | ${r.epochs_per_s.toFixed(1)} | ${r.fps.toFixed(1)} | ${r.longest_task_ms.toFixed(0)} ms |`);
      if (r.errors.length) console.log(`  page errors: ${r.errors.join('; ')}`);
    }
  }
} finally {
  await env.close();
}
