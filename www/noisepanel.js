// The Noise panel: a named preset or the noise model's numbers (depolarizing p₁ after one-qubit
// gates, p₂ after two-qubit gates, amplitude and phase damping γ after every gate, readout error
// p(1|0) and p(0|1) on every wire) and the engine that runs a noisy model (auto, density matrix,
// trajectories with their count). Every number box refuses what is not a number from 0 to 1
// with a message next to it and keeps the previous value; the document's validation (the
// density-matrix qubit limit, …) answers in the same place.

import { h, select } from './dom.js';
import { numberField } from './fields.js';

const ENGINES = [['auto', 'auto'], ['density', 'density matrix (exact)'], ['trajectories', 'trajectories (sampled)']];

function field(label, control) {
  return h('label', { class: 'ctl-field' }, h('span', { class: 'lbl', text: label }), control);
}

/** The page's view of a noise section: every field spelled out (the document omits defaults). */
export function noiseOf(doc) {
  const n = doc.noise ?? {};
  const r = n.readout?.[0] ?? {};
  return {
    p1: n.p1 ?? 0, p2: n.p2 ?? 0,
    amplitudeDamping: n.amplitude_damping ?? 0, phaseDamping: n.phase_damping ?? 0,
    p1Given0: r.p1_given_0 ?? 0, p0Given1: r.p0_given_1 ?? 0,
    engine: n.engine ?? 'auto', trajectories: n.trajectories ?? 100,
  };
}

/** Writes the page's view back as a document noise section (defaults left out). */
function writeNoise(d, v) {
  const out = {};
  if (v.p1) out.p1 = v.p1;
  if (v.p2) out.p2 = v.p2;
  if (v.amplitudeDamping) out.amplitude_damping = v.amplitudeDamping;
  if (v.phaseDamping) out.phase_damping = v.phaseDamping;
  if (v.p1Given0 || v.p0Given1) out.readout = [{ p1_given_0: v.p1Given0, p0_given_1: v.p0Given1 }];
  if (v.engine !== 'auto') out.engine = v.engine;
  if (v.trajectories !== 100) out.trajectories = v.trajectories;
  if (d.noise?.seed) out.seed = d.noise.seed;
  if (Object.keys(out).length) d.noise = out; else delete d.noise;
}

export function createNoisePanel(app) {
  const msg = app.messages.noise;
  const presets = app.catalog.noise_presets ?? [];
  const matchPreset = (v) => presets.find((p) => ['p1', 'p2', 'amplitudeDamping', 'phaseDamping', 'p1Given0', 'p0Given1']
    .every((k) => p[k] === v[k]))?.name ?? 'custom';

  const presetSel = select({ 'data-testid': 'noise-preset', 'aria-label': 'Noise preset' },
    [...presets.map((p) => [p.name, p.name]), ['custom', 'custom']]);
  presetSel.addEventListener('change', () => {
    const p = presets.find((q) => q.name === presetSel.value);
    if (!p) { render(); return; }
    if (!app.edit(msg, (d) => { writeNoise(d, { ...noiseOf(d), ...p }); })) render();
  });

  const prob = (key, label, testid) => numberField({
    label, value: 0, testid, min: 0, max: 1, cls: 'short',
    commit: (v, where) => app.edit(where, (d) => { writeNoise(d, { ...noiseOf(d), [key]: v }); }),
  });
  const boxes = {
    p1: prob('p1', 'Depolarizing p1 after one-qubit gates', 'noise-p1'),
    p2: prob('p2', 'Depolarizing p2 after two-qubit gates', 'noise-p2'),
    amplitudeDamping: prob('amplitudeDamping', 'Amplitude damping gamma per gate', 'noise-amp'),
    phaseDamping: prob('phaseDamping', 'Phase damping gamma per gate', 'noise-phase'),
    p1Given0: prob('p1Given0', 'Readout error p(1|0)', 'noise-r10'),
    p0Given1: prob('p0Given1', 'Readout error p(0|1)', 'noise-r01'),
  };
  const engineSel = select({ 'data-testid': 'noise-engine', 'aria-label': 'Noise engine' }, ENGINES);
  engineSel.addEventListener('change', () => {
    if (!app.edit(msg, (d) => { writeNoise(d, { ...noiseOf(d), engine: engineSel.value }); })) render();
  });
  const traj = numberField({
    label: 'Trajectories per evaluation', value: 100, testid: 'noise-trajectories', integer: true,
    min: 1, max: app.limits.maxTrajectories ?? 10000, cls: 'short',
    commit: (v, where) => app.edit(where, (d) => { writeNoise(d, { ...noiseOf(d), trajectories: v }); }),
  });
  const status = h('p', { class: 'hint small', 'data-testid': 'noise-status' });

  const fs = h('fieldset', { class: 'lockable noise-fs', 'data-lock': 'noise' },
    h('legend', { text: 'Noise model' }),
    field('Preset', presetSel),
    field('p₁ (1-qubit depolarizing)', boxes.p1.el),
    field('p₂ (2-qubit depolarizing)', boxes.p2.el),
    field('amplitude damping γ', boxes.amplitudeDamping.el),
    field('phase damping γ', boxes.phaseDamping.el),
    field('readout p(1|0)', boxes.p1Given0.el),
    field('readout p(0|1)', boxes.p0Given1.el),
    field('Engine', engineSel),
    field('trajectories', traj.el));
  const el = h('section', { class: 'panel noise-panel', 'aria-label': 'Noise' },
    h('h2', { text: 'Noise' }), fs, status, msg.el);

  function render() {
    const doc = app.store.doc;
    const v = noiseOf(doc);
    presetSel.value = matchPreset(v);
    for (const [k, b] of Object.entries(boxes)) b.set(v[k]);
    engineSel.value = v.engine;
    traj.set(v.trajectories);
    traj.input.disabled = v.engine !== 'trajectories';
    const placed = doc.circuit.gates.filter((g) => app.kinds.get(g.gate)?.group === 'noise').length;
    const noisy = presetSel.value !== 'ideal' || placed > 0;
    status.textContent = noisy
      ? `Training under noise${placed ? ` (${placed} channel${placed > 1 ? 's' : ''} placed in the circuit)` : ''}: the metrics show the noisy model beside the same weights run ideally.`
      : 'Ideal: no noise. Choose a preset, type probabilities, or drag a channel from the palette’s Noise group.';
  }

  return { el, render };
}
