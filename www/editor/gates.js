// How gates look in the editor: labels, the glyph drawn on each of a gate's wires, the names of
// wires and angles. Display only — which gates exist and how many wires/angles each takes comes
// from the engine (`gateKinds()`).

import { formatNumber } from '../format.js';

const LABELS = {
  Sdg: 'S†', Tdg: 'T†', SX: '√X', SXdg: '√X†', PhaseShift: 'P',
  ControlledPhaseShift: 'CP', IsingXX: 'XX', IsingZZ: 'ZZ', Toffoli: 'CCX',
  DepolarizingChannel: 'Dep', BitFlip: 'BF', PhaseFlip: 'PF', AmplitudeDamping: 'AD', PhaseDamping: 'PD',
};

// The noise channels (the engine's palette group "noise"): one wire, one fixed strength.
const CHANNELS = { DepolarizingChannel: 'p', BitFlip: 'p', PhaseFlip: 'p', AmplitudeDamping: 'γ', PhaseDamping: 'γ' };

/** Whether a gate name is a noise channel. */
export function isChannel(name) {
  return Object.hasOwn(CHANNELS, name);
}

/** The short label of a gate kind, e.g. "S†" for Sdg. */
export function label(name) {
  return LABELS[name] ?? name;
}

// What is drawn on each wire of a multi-wire gate, in the order of its `wires`:
// 'ctrl' (•), 'x' (⊕), 'swap' (×) or { box: 'RX' }.
const GLYPHS = {
  CNOT: ['ctrl', 'x'],
  CZ: ['ctrl', 'ctrl'],
  CY: ['ctrl', { box: 'Y' }],
  SWAP: ['swap', 'swap'],
  CRX: ['ctrl', { box: 'RX' }],
  CRY: ['ctrl', { box: 'RY' }],
  CRZ: ['ctrl', { box: 'RZ' }],
  ControlledPhaseShift: ['ctrl', { box: 'P' }],
  IsingXX: [{ box: 'XX' }, { box: 'XX' }],
  IsingZZ: [{ box: 'ZZ' }, { box: 'ZZ' }],
  Toffoli: ['ctrl', 'ctrl', 'x'],
  CSWAP: ['ctrl', 'swap', 'swap'],
};

/** The glyph per wire of a gate kind with `n` wires. */
export function glyphs(name, n) {
  if (GLYPHS[name]) return GLYPHS[name];
  if (n === 1) return [{ box: label(name) }];
  return Array.from({ length: n }, () => ({ box: label(name) }));
}

const WIRE_NAMES = {
  CNOT: ['control', 'target'], CZ: ['control', 'target'], CY: ['control', 'target'],
  CRX: ['control', 'target'], CRY: ['control', 'target'], CRZ: ['control', 'target'],
  ControlledPhaseShift: ['control', 'target'],
  SWAP: ['wire A', 'wire B'], IsingXX: ['wire A', 'wire B'], IsingZZ: ['wire A', 'wire B'],
  Toffoli: ['control 1', 'control 2', 'target'], CSWAP: ['control', 'swap A', 'swap B'],
};

/** Names of a gate's wires for the inspector. */
export function wireNames(name, n) {
  return WIRE_NAMES[name] ?? (n === 1 ? ['wire'] : Array.from({ length: n }, (_, i) => `wire ${i + 1}`));
}

const PARAM_NAMES = { Rot: ['φ', 'θ', 'ω'], U3: ['θ', 'φ', 'λ'] };

/** Names of a gate's angles for the inspector. */
export function paramNames(name, n) {
  if (PARAM_NAMES[name]) return PARAM_NAMES[name];
  if (isChannel(name)) return [CHANNELS[name]];
  if (n === 1) return [/Phase/.test(name) || /^Ising/.test(name) ? 'φ' : 'θ'];
  return Array.from({ length: n }, (_, i) => `θ${i + 1}`);
}

export const GROUPS = [
  ['pauli', 'Pauli & Clifford'],
  ['rotation', 'Rotations'],
  ['two', 'Multi-qubit'],
  ['noise', 'Noise'],
];

const FEATURE_SHORT = {
  x1: 'x₁', x2: 'x₂', 'x1^2': 'x₁²', 'x2^2': 'x₂²', 'x1*x2': 'x₁x₂', 'sin(x1)': 'sin x₁', 'sin(x2)': 'sin x₂',
};

/** A feature's name set for display (subscripts), e.g. "x₁²". */
export function featureLabel(f) {
  return FEATURE_SHORT[f] ?? f;
}

/** A one-line summary of a gate's angle bindings for the small caption under its label. */
export function bindingCaption(params) {
  if (!params || !params.length) return '';
  const feats = [];
  let trainable = false;
  for (const p of params) {
    if (p.kind === 'feature' || p.kind === 'reupload') {
      if (!feats.includes(p.feature)) feats.push(p.feature);
    }
    if (p.kind === 'weight' || p.kind === 'reupload') trainable = true;
  }
  if (!feats.length && !trainable) {
    return params.length === 1 ? shortNumber(params[0].value) : 'const';
  }
  const parts = feats.map(featureLabel);
  if (trainable) parts.push('θ');
  return parts.join(' ');
}

function shortNumber(v) {
  if (!Number.isFinite(v)) return '';
  const pi = v / Math.PI;
  for (const [den, txt] of [[1, ''], [2, '/2'], [4, '/4'], [3, '/3'], [8, '/8']]) {
    const num = pi * den;
    if (Math.abs(num - Math.round(num)) < 1e-9 && Math.round(num) !== 0 && Math.abs(num) <= 16) {
      const n = Math.round(num);
      return `${n === 1 ? '' : n === -1 ? '−' : String(n).replace('-', '−')}π${txt}`;
    }
  }
  return formatNumber(v, { digits: 3, maxLength: 6, unicodeMinus: true });
}

/** A weight for captions and labels: 4 significant digits. */
const w4 = (v) => formatNumber(v, { digits: 4 });

/** Describes one angle binding in words, e.g. "w·x₁ + b (w = 1, b = 0)". */
export function describeBinding(p) {
  switch (p.kind) {
    case 'const': return `constant ${shortNumber(p.value) || p.value}`;
    case 'weight': return `trainable θ = ${w4(p.value)}`;
    case 'feature': return `${p.scale === 1 ? '' : `${w4(p.scale)}·`}${featureLabel(p.feature)}`;
    case 'reupload': return `w·${featureLabel(p.feature)} + b (w = ${w4(p.w)}, b = ${w4(p.b)})`;
    default: return String(p.kind);
  }
}

/** Whether any angle of the gate reads data / owns trainable numbers. */
export function bindingFlags(params) {
  let data = false;
  let trainable = false;
  for (const p of params || []) {
    if (p.kind === 'feature' || p.kind === 'reupload') data = true;
    if (p.kind === 'weight' || p.kind === 'reupload') trainable = true;
  }
  return { data, trainable };
}
