// The state inspector: for one data point (hovered or picked on the decision-boundary plot) and
// one column of the circuit (picked on the column numbers, or the end), each wire's Bloch vector
// and P(1), and the probabilities of the basis states for up to 6 qubits. The numbers come from
// the engine (`inspect`); this file only draws them.

import { h, pixelRatio, setAttr, setChildren, setHidden, setStyle, setText } from './dom.js';
import { formatNumber } from './format.js';

/** `v` with `d` decimals (the one number format of the page). */
const fx = (v, d) => formatNumber(v, { fixed: d });

// Orthographic view of the Bloch sphere: camera azimuth 20°, elevation 20°, so x points to the
// lower left, y to the right and z up.
const AZ = (20 * Math.PI) / 180;
const EL = (20 * Math.PI) / 180;
const RIGHT = [-Math.sin(AZ), Math.cos(AZ), 0];
const UP = [-Math.sin(EL) * Math.cos(AZ), -Math.sin(EL) * Math.sin(AZ), Math.cos(EL)];
const VIEW = [Math.cos(EL) * Math.cos(AZ), Math.cos(EL) * Math.sin(AZ), Math.sin(EL)];
const dot3 = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];


function setupCanvas(canvas, css) {
  const dpr = pixelRatio();
  // Resizing a canvas clears it and invalidates its style: only when the size changed (the
  // caller clears the drawing itself).
  const px = Math.round(css * dpr);
  if (canvas.width !== px) canvas.width = px;
  if (canvas.height !== px) canvas.height = px;
  setStyle(canvas, 'width', `${css}px`);
  setStyle(canvas, 'height', `${css}px`);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** `θ 109.5°, φ 120.0°` of a label mark (the angles the engine computed). */
const angles = (m) => `θ ${fx(m.theta, 1)}°, φ ${fx(m.phi, 1)}°`;

/**
 * The accessible text of the label states on one wire (`marks`: the engine's `label_states`
 * of that wire): `label states: class 0 (θ 0.0°, φ 0.0°), class 1 (…)`; empty without any.
 */
export function labelStatesText(marks) {
  if (!marks?.length) return '';
  return `label states: ${marks.map((m) => `${m.name} (${angles(m)})`).join(', ')}`;
}

/**
 * Draws a Bloch sphere with vector `v` = [x, y, z] (length ≤ 1; shorter when mixed) and, for a
 * fidelity readout, the label states `marks` of this wire (`{class, color, vector}` from the
 * engine) as small dots in the class colour, each marked with its class number (fainter and
 * hollow when on the far side of the sphere).
 */
export function drawBloch(canvas, v, size = 76, marks = []) {
  const S = size;
  const ctx = setupCanvas(canvas, S);
  const c = S / 2;
  const R = S / 2 - 11;
  const P = (p) => [c + R * dot3(p, RIGHT), c - R * dot3(p, UP)];
  ctx.clearRect(0, 0, S, S);
  // Sphere.
  const g = ctx.createRadialGradient(c - R * 0.35, c - R * 0.4, R * 0.1, c, c, R);
  g.addColorStop(0, '#ffffff');
  g.addColorStop(1, '#e4e9f2');
  ctx.fillStyle = g;
  ctx.beginPath();
  ctx.arc(c, c, R, 0, 2 * Math.PI);
  ctx.fill();
  ctx.strokeStyle = '#9aa3b5';
  ctx.lineWidth = 1;
  ctx.stroke();
  // Equator: back half dashed, front half solid.
  for (const front of [false, true]) {
    ctx.beginPath();
    let started = false;
    for (let i = 0; i <= 96; i += 1) {
      const t = (i / 96) * 2 * Math.PI;
      const p = [Math.cos(t), Math.sin(t), 0];
      const vis = dot3(p, VIEW) >= 0;
      if (vis !== front) { started = false; continue; }
      const [x, y] = P(p);
      if (!started) { ctx.moveTo(x, y); started = true; } else ctx.lineTo(x, y);
    }
    ctx.setLineDash(front ? [] : [2, 2]);
    ctx.strokeStyle = front ? '#9aa3b5' : '#c3c9d6';
    ctx.stroke();
  }
  ctx.setLineDash([]);
  // Axes.
  ctx.strokeStyle = '#c3c9d6';
  for (const a of [[1, 0, 0], [0, 1, 0], [0, 0, 1]]) {
    const [x0, y0] = P(a.map((q) => -q));
    const [x1, y1] = P(a);
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }
  ctx.fillStyle = '#7a8294';
  ctx.font = '9px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const lab = (p, t, dx = 0, dy = 0) => {
    const [x, y] = P(p);
    ctx.fillText(t, x + dx, y + dy);
  };
  lab([0, 0, 1], '|0⟩', 0, -6);
  lab([0, 0, -1], '|1⟩', 0, 6);
  lab([1, 0, 0], 'x', -4, 4);
  lab([0, 1, 0], 'y', 6, 0);
  // The label states, the far side first.
  const sorted = [...marks].sort((a, b) => dot3(a.vector, VIEW) - dot3(b.vector, VIEW));
  for (const m of sorted) {
    const [mx, my] = P(m.vector);
    const far = dot3(m.vector, VIEW) < 0;
    ctx.globalAlpha = far ? 0.55 : 1;
    ctx.beginPath();
    ctx.arc(mx, my, 3.6, 0, 2 * Math.PI);
    ctx.fillStyle = far ? '#ffffff' : m.color;
    ctx.fill();
    ctx.lineWidth = far ? 1.6 : 1;
    ctx.strokeStyle = far ? m.color : '#1d2230';
    ctx.stroke();
    ctx.font = 'bold 9px system-ui, sans-serif';
    ctx.fillStyle = '#1d2230';
    const [ox, oy] = [mx >= c ? 7 : -7, my >= c ? 5 : -5];
    ctx.fillText(String(m.class), mx + ox, my + oy);
    ctx.globalAlpha = 1;
  }
  ctx.lineWidth = 1;
  ctx.font = '9px system-ui, sans-serif';
  // The vector.
  const [vx, vy, vz] = v;
  const len = Math.hypot(vx, vy, vz);
  const [ex, ey] = P([vx, vy, vz]);
  const behind = dot3(v, VIEW) < 0;
  ctx.strokeStyle = behind ? 'rgba(196, 48, 90, .55)' : '#c4305a';
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(c, c);
  ctx.lineTo(ex, ey);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(ex, ey, len > 0.05 ? 3.2 : 2, 0, 2 * Math.PI);
  ctx.fill();
  ctx.beginPath();
  ctx.fillStyle = '#1d2230';
  ctx.arc(c, c, 1.5, 0, 2 * Math.PI);
  ctx.fill();
}

export function createStateInspector(app) {
  const where = h('span', { class: 'si-where', 'data-testid': 'si-where' });
  const endBtn = h('button', {
    type: 'button', class: 'tool-btn small', 'data-testid': 'si-end', text: 'End of circuit',
    title: 'Show the state at the end of the circuit', onclick: () => app.setInspectCol(null),
  });
  const colSel = h('select', { class: 'si-col', 'data-testid': 'si-column', 'aria-label': 'Show the state after column' });
  colSel.addEventListener('change', () => app.setInspectCol(colSel.value === 'end' ? null : Number(colSel.value)));
  const blochRow = h('div', { class: 'bloch-row', 'data-testid': 'bloch-row' });
  const probs = h('div', { class: 'probs', 'data-testid': 'probs', role: 'img' });
  const msg = h('p', { class: 'hint small si-msg' });
  // A fidelity readout's label states, listed under the spheres (the dots' legend).
  const labelList = h('ul', { class: 'si-labels small', 'data-testid': 'si-labels', 'aria-label': 'Label states of the fidelity readout', hidden: true });
  // A noisy model's state is mixed: its purity Tr ρ² and, for ≤ 4 qubits, the magnitudes |ρᵢⱼ|.
  const purityOut = h('output', { 'data-testid': 'si-purity' });
  const rhoGrid = h('div', { class: 'rho-grid', 'data-testid': 'si-rho', role: 'img' });
  const mixed = h('div', { class: 'si-mixed', 'data-testid': 'si-mixed', hidden: true },
    h('p', { class: 'small' }, h('span', { class: 'lbl', text: 'Mixed state (noise): purity Tr ρ² = ' }), purityOut),
    h('div', { class: 'rho-wrap' }, h('span', { class: 'lbl small', text: '|ρ| (density matrix magnitudes)' }), rhoGrid));
  // Above 6 qubits the bars give way to the engine's list of the most probable basis states.
  const topBody = h('tbody');
  const topTable = h('table', { class: 'si-top small', 'data-testid': 'si-top', hidden: true },
    h('caption', { text: 'Most probable basis states' }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'state' }), h('th', { scope: 'col', text: 'probability' }), h('th', { scope: 'col', text: 'amplitude' }))),
    topBody);
  const el = h('div', { class: 'state-inspector' },
    h('div', { class: 'si-head' }, where, h('label', { class: 'si-col-label' }, h('span', { class: 'lbl', text: 'after column' }), colSel), endBtn),
    h('div', { class: 'si-body' }, blochRow, probs), labelList, mixed, topTable, msg);
  let cells = [];

  let size = 76;
  function ensureCells(n) {
    if (cells.length === n) return;
    size = n <= 2 ? 104 : n <= 4 ? 84 : n <= 6 ? 76 : 68;
    blochRow.dataset.size = String(size);
    cells = Array.from({ length: n }, (_, q) => {
      const canvas = h('canvas', { class: 'bloch', 'aria-hidden': 'true' });
      const fill = h('span', { class: 'p1-fill' });
      const p1 = h('span', { class: 'p1-val' });
      const fig = h('div', { class: 'bloch-cell', 'data-testid': `bloch-${q}`, role: 'img', style: { width: `${size + 4}px` } },
        h('span', { class: 'bloch-name', text: `q${q}` }), canvas,
        h('div', { class: 'p1-bar', title: 'P(1): probability of measuring 1 on this wire' }, fill),
        h('div', { class: 'p1-line' }, h('span', { class: 'p1-name', text: 'P(1) ' }), p1));
      return { fig, canvas, fill, p1 };
    });
    setChildren(blochRow, cells.map((c) => c.fig));
  }

  function render() {
    const pt = app.currentPoint();
    const col = app.ui.inspectCol;
    let r;
    try {
      r = app.engine.inspect(pt, col);
    } catch (e) {
      msg.textContent = e.message;
      return;
    }
    const colText = col == null ? 'at the end of the circuit' : `after column ${col}`;
    const src = app.ui.hover ? 'hovered' : app.ui.pick ? 'picked' : 'default';
    const shown = pt.length > 4 ? `${pt.slice(0, 3).map((v) => fx(v, 2)).join(', ')}, …` : pt.map((v) => fx(v, 2)).join(', ');
    setText(where, `x = (${shown}) ${src === 'default' ? '(hover or click the plot to choose)' : `(${src})`} · ${colText}`);
    if (endBtn.disabled !== (col == null)) endBtn.disabled = col == null;
    const cols = Array.isArray(r.columns) ? [...r.columns] : [];
    if (col != null && !cols.includes(col)) cols.push(col);
    cols.sort((a, b) => a - b);
    const key = cols.join(',');
    if (colSel.dataset.key !== key) {
      colSel.dataset.key = key;
      setChildren(colSel, h('option', { value: 'end', text: 'end' }), cols.map((c) => h('option', { value: c, text: String(c) })));
    }
    if (colSel.value !== (col == null ? 'end' : String(col))) colSel.value = col == null ? 'end' : String(col);
    ensureCells(r.qubits);
    const marks = Array.isArray(r.label_states) ? r.label_states : [];
    renderLabels(marks, r.qubits);
    r.bloch.forEach((v, q) => {
      const c = cells[q];
      const here = marks.filter((m) => m.wire === q);
      drawBloch(c.canvas, v, size, here);
      const lbl = labelStatesText(here);
      const p1 = Math.abs(r.p1[q]) < 5e-5 ? 0 : r.p1[q];
      setStyle(c.fill, 'width', `${Math.round(Math.max(0, Math.min(1, p1)) * 1000) / 10}%`);
      setText(c.p1, fx(p1, 2));
      const pur = r.purity?.[q];
      setAttr(c.fig, 'aria-label', `Wire ${q}: Bloch vector (${v.map((x) => fx(x, 2)).join(', ')}), P(1) = ${fx(p1, 2)}${pur != null ? `, purity ${fx(pur, 2)}` : ''}${lbl ? `; ${lbl}` : ''}`);
      setAttr(c.fig, 'title', `q${q}: Bloch vector (${v.map((x) => fx(x, 3)).join(', ')})\nP(1) = ${fx(p1, 4)}${pur != null ? `\npurity ${fx(pur, 3)} (below 1: ${r.mixed ? 'mixed by noise or ' : ''}entangled with other wires)` : ''}`);
    });
    renderMixed(r);
    if (r.probs) {
      setHidden(probs, false);
      setHidden(topTable, true);
      renderProbs(r.probs, r.labels);
      setText(msg, '');
    } else {
      setHidden(probs, true);
      const top = Array.isArray(r.top) ? r.top : [];
      setHidden(topTable, top.length === 0);
      // The rows are kept and only their changed texts written (this runs while training plays).
      while (topBody.rows.length > top.length) topBody.lastElementChild.remove();
      while (topBody.rows.length < top.length) {
        topBody.append(h('tr', {}, h('td', { class: 'mono' }), h('td'), h('td', { class: 'mono' })));
      }
      top.forEach((t, k) => {
        const [label, p, amp] = topBody.rows[k].cells;
        setText(label, `|${t.label}⟩`);
        setText(p, fx(t.p, 4));
        setText(amp, Array.isArray(t.amp) ? `${fx(t.amp[0], 3)} ${t.amp[1] < 0 ? '−' : '+'} ${fx(Math.abs(t.amp[1]), 3)}i` : '—');
      });
      setText(msg, `All ${2 ** r.qubits} basis-state probabilities are shown for up to 6 qubits; for these ${r.qubits} the ${top.length} most probable are listed.`);
    }
  }

  function renderLabels(marks, qubits) {
    setHidden(labelList, !marks.length);
    const key = JSON.stringify(marks);
    if (labelList.dataset.key === key) return;
    labelList.dataset.key = key;
    setChildren(labelList, marks.length ? h('li', { class: 'lbl', text: 'Label states:' }) : null,
      marks.map((m) => h('li', { 'data-testid': `si-label-${m.class}-${m.wire}`, 'data-vector': m.vector.join(','), title: `Bloch vector (${m.vector.map((x) => fx(x, 3)).join(', ')})` },
        h('span', { class: 'si-swatch', 'aria-hidden': 'true', style: { background: m.color } }),
        `${m.name}${qubits > 1 ? ` on q${m.wire}` : ''} (${angles(m)})`)));
  }

  let rhoCells = [];
  function renderMixed(r) {
    setHidden(mixed, !r.mixed);
    if (!r.mixed) return;
    setText(purityOut, fx(r.state_purity, 4));
    const rho = r.rho_abs;
    setHidden(rhoGrid, !rho);
    if (!rho) return;
    const d = Math.round(Math.sqrt(rho.length));
    if (rhoCells.length !== rho.length) {
      rhoGrid.style.gridTemplateColumns = `repeat(${d}, ${Math.max(6, Math.floor(160 / d))}px)`;
      rhoCells = rho.map(() => h('span'));
      setChildren(rhoGrid, rhoCells);
    }
    const max = Math.max(...rho, 1e-12);
    rho.forEach((v, k) => {
      setStyle(rhoCells[k], 'opacity', String(Math.round(Math.min(1, v / max) * 1000) / 1000));
      setAttr(rhoCells[k], 'title', `|ρ[${Math.floor(k / d)},${k % d}]| = ${fx(v, 4)}`);
    });
    setAttr(rhoGrid, 'aria-label', `Density matrix magnitudes, ${d} by ${d}; diagonal: ${Array.from({ length: d }, (_, i) => fx(rho[i * d + i], 2)).join(', ')}`);
  }

  let barEls = [];
  function renderProbs(p, labels) {
    if (barEls.length !== p.length) {
      const showLabels = p.length <= 16;
      barEls = p.map((_, k) => {
        const fill = h('span', { class: 'prob-fill' });
        const bar = h('div', { class: 'prob-bar' }, h('span', { class: 'prob-track' }, fill),
          showLabels ? h('span', { class: 'prob-label', text: labels[k] }) : null);
        return { bar, fill };
      });
      setChildren(probs, h('div', { class: 'prob-title', text: 'P(basis state)' }),
        h('div', { class: `prob-bars${p.length > 16 ? ' dense' : ''}` }, barEls.map((b) => b.bar)));
    }
    p.forEach((v, k) => {
      setStyle(barEls[k].fill, 'height', `${Math.round(Math.max(0, Math.min(1, v)) * 1000) / 10}%`);
      setAttr(barEls[k].bar, 'title', `|${labels[k]}⟩: ${formatNumber(v, { fixed: 4, tiny: true })}`);
    });
    setAttr(probs, 'aria-label', `Basis-state probabilities: ${p.map((v, k) => `${labels[k]} ${fx(v, 2)}`).join(', ')}`);
  }

  return { el, render };
}
