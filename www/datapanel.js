// The data panel: dataset thumbnails (each drawn by the engine on a small canvas at the
// screen's pixel ratio; a radio group — one Tab stop, the arrow keys choose), points, noise,
// train/test split, seed and regenerate, CSV upload; and the features panel (which features the
// circuit reads, said in words, and the feature map's angle range).

import { h, hasFocus, pixelRatio, setChildren } from './dom.js';
import { featureLabel } from './editor/gates.js';
import { numberField } from './fields.js';
import { formatNumber, formatPercent } from './format.js';
import { roving } from './roving.js';

const THUMB_PX = 44;

function slider({ label, min, max, step, testid, fmtv, commit }) {
  const input = h('input', { type: 'range', min, max, step, 'aria-label': label, 'data-testid': testid });
  const out = h('output', { class: 'slider-val' });
  input.addEventListener('input', () => { out.textContent = fmtv(Number(input.value)); });
  input.addEventListener('change', () => commit(Number(input.value)));
  const el = h('label', { class: 'slider-row' }, h('span', { class: 'lbl', text: label }), input, out);
  return {
    el,
    set(v) {
      if (!hasFocus(input)) input.value = String(v);
      out.textContent = fmtv(v);
    },
  };
}

export function createDataPanel(app) {
  const msg = app.messages.data;
  // The engine's list of datasets (every one a document can name, but "custom", which is the
  // user's own data and shows only when in use).
  const DATASETS = app.catalog.datasets.filter((d) => d.name !== 'custom').map((d) => [d.name, d.label]);
  const CSV_LIMIT = app.limits.maxFileBytes;
  const thumbs = h('div', { class: 'thumbs', role: 'radiogroup', 'aria-label': 'Dataset' });
  const thumbEls = new Map();
  for (const [kind, name] of DATASETS) {
    const canvas = h('canvas', { width: THUMB_PX, height: THUMB_PX, class: 'thumb-canvas', 'aria-hidden': 'true' });
    const btn = h('button', {
      type: 'button', class: 'thumb', role: 'radio', 'aria-checked': 'false', 'data-testid': `dataset-${kind}`,
      'aria-label': `${name} dataset`, title: `${name} dataset`,
      onclick: () => chooseDataset(kind),
    }, canvas, h('span', { class: 'thumb-name', text: name }));
    thumbEls.set(kind, { btn, canvas });
    thumbs.append(btn);
  }
  const customThumb = h('button', {
    type: 'button', class: 'thumb custom', role: 'radio', 'aria-checked': 'false', 'data-testid': 'dataset-custom',
    'aria-label': 'CSV Custom: your uploaded data', title: 'Your uploaded CSV data', hidden: true,
  }, h('span', { class: 'thumb-csv', text: 'CSV' }), h('span', { class: 'thumb-name', text: 'Custom' }));
  thumbs.append(customThumb);
  const thumbKeys = roving(thumbs, {
    items: () => [...thumbs.querySelectorAll('.thumb')],
    current: () => thumbs.querySelector('.thumb[aria-checked=true]'),
    onMove: (b) => { if (b.getAttribute('aria-checked') !== 'true') b.click(); },
  });

  function chooseDataset(kind) {
    let note = '';
    const ok = app.edit(msg, (d) => {
      d.data.kind = kind;
      if (kind !== 'custom') {
        d.data.custom = [];
        delete d.data.test;
        delete d.data.columns;
        delete d.data.class_names;
        delete d.data.dim;
      }
      const fit = app.fitReadout(d);
      note = fit.note;
      return fit.doc;
    });
    if (ok && note) msg.show(note, 'info');
  }

  const points = slider({
    label: 'Points', min: 20, max: 1000, step: 10, testid: 'data-points', fmtv: (v) => String(v),
    commit: (v) => app.edit(msg, (d) => { d.data.points = v; }),
  });
  const noise = slider({
    label: 'Noise', min: 0, max: 0.5, step: 0.01, testid: 'data-noise', fmtv: (v) => formatNumber(v, { fixed: 2 }),
    commit: (v) => app.edit(msg, (d) => { d.data.noise = v; }),
  });
  const ratio = slider({
    label: 'Train %', min: 0.1, max: 0.9, step: 0.05, testid: 'data-ratio', fmtv: (v) => formatPercent(v, 0).replace(' %', ''),
    commit: (v) => app.edit(msg, (d) => { d.data.train_ratio = v; }),
  });
  const seedOut = h('output', { class: 'seed-val', 'data-testid': 'data-seed' });
  const regen = h('button', {
    type: 'button', class: 'tool-btn', 'data-testid': 'data-regenerate', title: 'Regenerate the data with a new seed',
    onclick: () => app.edit(msg, (d) => { d.data.seed = (d.data.seed + 1) % 2 ** 31; }),
  }, h('span', { 'aria-hidden': 'true', text: '⟳ ' }), 'Regenerate');
  const file = h('input', { type: 'file', accept: '.csv,text/csv,text/plain', hidden: true, 'data-testid': 'csv-file', 'aria-label': 'CSV file' });
  const upload = h('button', {
    type: 'button', class: 'tool-btn', 'data-testid': 'csv-upload', 'aria-label': 'Upload CSV: rows of x1, x2, label',
    title: 'CSV rows: x1, x2, label (label 0, 1, 2…)', onclick: () => file.click(),
  }, h('span', { 'aria-hidden': 'true', text: '⤒ ' }), 'Upload CSV');
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (!f) return;
    if (f.size > CSV_LIMIT) {
      msg.show(`${f.name}: the file is ${formatNumber(f.size / 1e6, { fixed: 1 })} MB; the limit is ${CSV_LIMIT / 1e6} MB`);
      return;
    }
    let table;
    try {
      table = app.wasm.parseCsv(await f.text());
    } catch (e) {
      msg.show(`${f.name}: ${e.message}. Nothing was changed.`);
      return;
    }
    const rows = table.rows;
    let note = '';
    if (app.edit(msg, (d) => {
      d.data.kind = 'custom';
      d.data.custom = rows;
      delete d.data.test;
      delete d.data.dim;
      d.data.columns = table.columns;
      if (table.classNames.length) d.data.class_names = table.classNames; else delete d.data.class_names;
      d.data.points = Math.max(1, Math.min(rows.length, app.limits.maxPoints));
      const fit = app.fitReadout(d);
      note = fit.note;
      return fit.doc;
    })) msg.show(`Loaded ${rows.length} rows with ${table.columns.length} input(s) from ${f.name}. ${note}`, 'info');
  });

  const dataFs = h('fieldset', { class: 'lockable', 'data-lock': 'data' },
    h('legend', { class: 'visually-hidden', text: 'Dataset' }),
    thumbs, points.el, noise.el, ratio.el,
    h('div', { class: 'row gap' }, h('span', { class: 'lbl', text: 'Seed' }), seedOut, regen),
    h('div', { class: 'row gap' }, upload, file));

  // Features.
  const featureChips = h('div', { class: 'feature-chips', 'data-testid': 'feature-chips' });
  const scaleToggle = h('input', { type: 'checkbox', 'data-testid': 'feature-scale', 'aria-label': 'Scale features into an angle range' });
  const lo = numberField({
    label: 'Angle range low end', value: 0, testid: 'feature-lo', cls: 'short',
    commit: (v, w) => app.edit(w, (d) => { d.features.range = [v, d.features.range?.[1] ?? Math.PI]; }),
  });
  const hi = numberField({
    label: 'Angle range high end', value: Math.PI, testid: 'feature-hi', cls: 'short',
    commit: (v, w) => app.edit(w, (d) => { d.features.range = [d.features.range?.[0] ?? 0, v]; }),
  });
  scaleToggle.addEventListener('change', () => {
    app.edit('features', (d) => { d.features.range = scaleToggle.checked ? [0, Math.PI] : null; });
  });
  const rangeRow = h('div', { class: 'row gap range-row' }, h('span', { class: 'lbl', text: 'to' }), lo.el, h('span', { class: 'lbl', text: '…' }), hi.el, h('span', { class: 'lbl', text: 'rad' }));
  const featFs = h('fieldset', { class: 'lockable', 'data-lock': 'features' },
    h('legend', { class: 'visually-hidden', text: 'Features' }),
    h('p', { class: 'hint small', text: 'Features the circuit reads (bind them to gate angles in the gate inspector):' }),
    featureChips,
    h('label', { class: 'row gap check' }, scaleToggle, h('span', { text: 'Scale each feature into an angle range' })),
    rangeRow);

  const el = h('section', { class: 'panel data-panel', 'aria-label': 'Data' },
    h('h2', { text: 'Data' }), dataFs, msg.el,
    h('h2', { text: 'Features' }), featFs, app.messages.features.el);

  let thumbKey = null;
  function render() {
    const doc = app.store.doc;
    const d = doc.data;
    for (const [kind, t] of thumbEls) {
      const on = d.kind === kind;
      t.btn.classList.toggle('active', on);
      t.btn.setAttribute('aria-checked', String(on));
    }
    customThumb.hidden = d.kind !== 'custom';
    customThumb.classList.toggle('active', d.kind === 'custom');
    customThumb.setAttribute('aria-checked', String(d.kind === 'custom'));
    thumbKeys.refresh();
    drawThumbs(d.seed);
    points.set(d.points);
    noise.set(d.noise);
    ratio.set(d.train_ratio);
    seedOut.textContent = String(d.seed);
    // Feature usage.
    const counts = new Map(app.info().features.map((f) => [f, 0]));
    for (const g of doc.circuit.gates) {
      for (const p of g.params || []) if (p.feature) counts.set(p.feature, (counts.get(p.feature) ?? 0) + 1);
    }
    const used = [...counts].filter(([, n]) => n > 0);
    const unused = [...counts].filter(([, n]) => n === 0).map(([f]) => featureLabel(f));
    setChildren(featureChips,
      used.map(([f, n]) => h('span', { class: 'feature-chip used', 'data-feature': f },
        h('span', { class: 'fname', text: featureLabel(f) }), ` — read by ${n} angle${n === 1 ? '' : 's'}`)),
      unused.length ? h('span', { class: 'feature-chip', 'data-feature': '' }, `not read: ${unused.join(', ')}`) : null,
      used.length ? null : h('span', { class: 'hint small', text: 'No angle reads the data yet: bind one in the gate inspector.' }));
    const range = doc.features.range;
    scaleToggle.checked = !!range;
    rangeRow.hidden = !range;
    if (range) { lo.set(range[0]); hi.set(range[1]); }
  }

  // Thumbnails at the screen's pixel ratio: redrawn when the seed or the ratio changes.
  function drawThumbs(seed) {
    const ratio = pixelRatio();
    const key = `${seed}@${ratio}`;
    if (key === thumbKey) return;
    thumbKey = key;
    const px = Math.round(THUMB_PX * ratio);
    for (const [kind, t] of thumbEls) {
      t.canvas.width = px;
      t.canvas.height = px;
      try { app.wasm.drawDatasetThumbnail(t.canvas, kind, seed); } catch { /* leave blank */ }
    }
  }
  // A zoom or a move to another screen changes the ratio.
  const onResize = () => drawThumbs(app.store.doc.data.seed);
  window.addEventListener('resize', onResize);

  return { el, render, drawThumbs, destroy: () => window.removeEventListener('resize', onResize) };
}
