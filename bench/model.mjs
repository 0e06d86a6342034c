// The hybrid-model benchmark in the browser: the workloads of bench/model.rs (W2, W3, W6) through
// the wasm module's ModelBench, timed with performance.now(). Points, labels and weights are the
// same formulas as there and in bench/model_pennylane.py, so the printed loss, gradient norm and
// mean confidence must agree with the native run.
import init, * as qmlp from './pkg/qmlp.js';

const A1 = 0.7548776662466927;
const A2 = 0.5698402909980532;

/** The W2 points (an R2 sequence in [-1, 1]²) and labels (1 inside the circle r² < 2/π). */
export function points(n) {
  const xy = new Float64Array(2 * n);
  const labels = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const f = (a) => { const v = 0.5 + k * a; return 2 * (v - Math.floor(v)) - 1; };
    const x1 = f(A1);
    const x2 = f(A2);
    xy[2 * k] = x1;
    xy[2 * k + 1] = x2;
    labels[k] = x1 * x1 + x2 * x2 < 2 / Math.PI ? 1 : 0;
  }
  return { xy, labels };
}

/** The deterministic weights p_j = sin(j + 1). */
export function weights(n) {
  return Float64Array.from({ length: n }, (_, j) => Math.sin(j + 1));
}

/** The W2 document: `layers` re-uploading layers on `qubits`, ⟨Z0⟩, MSE, no trainable head. */
export function documentJson(qubits, layers) {
  const d = JSON.parse(qmlp.preset('default'));
  d.circuit.qubits = qubits;
  d.circuit.gates = [];
  for (let l = 0; l < layers; l++) {
    const col = d.circuit.gates.reduce((m, g) => Math.max(m, g.col + 1), 0);
    d.circuit.gates.push(...JSON.parse(qmlp.template('reupload', qubits, col, 1 + l)));
  }
  d.readout = { kind: 'expval', observables: ['Z0'] };
  d.head = { trainable: false, scale: [1], bias: [0] };
  d.training.loss = 'mse';
  return JSON.stringify(d);
}

/**
 * Best and median milliseconds per call over `reps` samples, after two warm-up calls. The
 * browser's clock is coarse (0.1 ms without cross-origin isolation), so each sample times as many
 * back-to-back calls as fill about 20 ms.
 */
function time(reps, f) {
  f();
  const t0 = performance.now();
  f();
  const once = Math.max(performance.now() - t0, 0.01);
  const inner = Math.max(1, Math.round(20 / once));
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    for (let k = 0; k < inner; k++) f();
    ts.push((performance.now() - t) / inner);
  }
  ts.sort((a, b) => a - b);
  return { best_ms: ts[0], median_ms: ts[Math.floor(ts.length / 2)] };
}

/** Runs W2 at 2, 4, 8 qubits, W3 at 4 qubits, W6 (12 qubits, 3 layers) and W4 (Iris hybrid); one row each. */
export async function runModelBench({ quick = false } = {}) {
  await init();
  const { xy, labels } = points(200);
  // V8 swaps optimised code in for its baseline code once functions are hot: run epochs for
  // about a second first so every row is steady-state speed.
  {
    const b = new qmlp.ModelBench(documentJson(4, 4), xy, labels);
    b.setParams(weights(b.nParams()));
    const warm = performance.now();
    while (performance.now() - warm < 1000) {
      b.epoch();
      b.grid(-1.2, 1.2, -1.2, 1.2, 16);
    }
    b.free();
  }
  const rows = [];
  for (const [workload, q, layers] of [['W2', 2, 4], ['W2', 4, 4], ['W2', 8, 4], ['W6', 12, 3]]) {
    const b = new qmlp.ModelBench(documentJson(q, layers), xy, labels);
    b.setParams(weights(b.nParams()));
    let loss = 0;
    const reps = quick ? 3 : q > 8 ? 10 : 20;
    const t = time(reps, () => { loss = b.epoch(); });
    rows.push({ workload, qubits: q, ...t, loss, grad_norm: b.gradNorm() });
    b.free();
  }
  const b = new qmlp.ModelBench(documentJson(4, 4), xy, labels);
  b.setParams(weights(b.nParams()));
  let mean = 0;
  const t = time(quick ? 5 : 20, () => { mean = b.grid(-1.2, 1.2, -1.2, 1.2, 64); });
  rows.push({ workload: 'W3', qubits: 4, ...t, mean_confidence: mean });
  b.free();
  // W4: the Iris hybrid preset over its own 120 training points at its initial weights.
  const w4 = qmlp.ModelBench.onTrainingSplit(qmlp.preset('iris-hybrid'));
  let w4loss = 0;
  const t4 = time(quick ? 5 : 20, () => { w4loss = w4.epoch(); });
  rows.push({ workload: 'W4', qubits: 4, ...t4, loss: w4loss, grad_norm: w4.gradNorm() });
  w4.free();
  return rows;
}
