// The data panel: dataset thumbnails (each drawn by the engine on a small canvas at the
// screen's pixel ratio; a radio group — one Tab stop, the arrow keys choose), points, noise,
// train/test split, seed and regenerate, CSV upload (with the label column chosen when the
// table has more than two feature columns), preprocessing (standardise, PCA to k components),
// the class balance of both splits; and the features panel (which features the circuit reads,
// said in words, and the feature map's angle range).

import { h, hasFocus, pixelRatio, setChildren } from './dom.js';
import { featureLabel } from './editor/gates.js';
import { numberField } from './fields.js';
import { formatNumber, formatPercent } from './format.js';
import { roving } from './roving.js';
import { plotLabels } from './plots.js';

const plotNames = (m) => plotLabels(m).classNames;

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
  const DATASETS = app.catalog.datasets.filter((d) => d.name !== 'custom').map((d) => [d.name, d.label, d.dim]);
  const CSV_LIMIT = app.limits.maxFileBytes;
  const thumbs = h('div', { class: 'thumbs', role: 'radiogroup', 'aria-label': 'Dataset' });
  const thumbEls = new Map();
  for (const [kind, name, dim] of DATASETS) {
    // The engine draws more than two inputs on their first two principal components.
    const pictured = dim > 2 ? `${name} dataset (${dim} inputs, pictured on their first two principal components)` : `${name} dataset`;
    const canvas = h('canvas', { width: THUMB_PX, height: THUMB_PX, class: 'thumb-canvas', 'aria-hidden': 'true' });
    const btn = h('button', {
      type: 'button', class: 'thumb', role: 'radio', 'aria-checked': 'false', 'data-testid': `dataset-${kind}`,
      'aria-label': `${name} dataset`, title: pictured,
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
  // A measured table has its own rows: the generator's size and jitter do not apply to it.
  const tableNote = h('p', { class: 'hint small', 'data-testid': 'table-note', hidden: true });
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
    type: 'button', class: 'tool-btn', 'data-testid': 'csv-upload', 'aria-label': 'Upload CSV: a header row, then rows of features and a label',
    title: 'CSV: a header naming the columns, then rows of up to 16 features and a label (0, 1, 2… or names; the last column unless chosen)', onclick: () => file.click(),
  }, h('span', { 'aria-hidden': 'true', text: '⤒ ' }), 'Upload CSV');
  // The last CSV chosen (its text kept so another label column can be chosen: `label` the
  // column read as the label, `loaded` whether the document holds it), and the menu of its
  // columns (the engine's reading of the first row), shown when it has more than two feature
  // columns — also when the default label column did not read.
  let csv = null;
  const labelSel = h('select', { 'data-testid': 'csv-label', 'aria-label': 'Label column of the CSV' });
  const labelRow = h('label', { class: 'row gap', hidden: true },
    h('span', { class: 'lbl', text: 'Label column' }), labelSel);
  labelSel.addEventListener('change', () => {
    if (!csv) return;
    if (!applyCsv(csv.name, csv.text, Number(labelSel.value))) labelSel.value = String(csv.label);
  });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (!f) return;
    if (f.size > CSV_LIMIT) {
      msg.show(`${f.name}: the file is ${formatNumber(f.size / 1e6, { fixed: 1 })} MB; the limit is ${CSV_LIMIT / 1e6} MB`);
      app.stats.csvReads = (app.stats.csvReads ?? 0) + 1;
      return;
    }
    const text = await f.text();
    const columns = app.wasm.csvColumns(text);
    const previous = csv;
    csv = { name: f.name, text, columns, label: columns.length - 1, loaded: false };
    if (!applyCsv(f.name, text, undefined)) {
      if (columns.length > 3) {
        msg.show(`${msg.text} If the label is not in the last column, choose it under Upload CSV.`);
        render();
      } else {
        csv = previous;
      }
    }
    // Files are read asynchronously: a count of the ones handled lets a test wait for them.
    app.stats.csvReads = (app.stats.csvReads ?? 0) + 1;
  });

  /** Reads a CSV (the label in column `label`, 0-based; undefined: the last) into the document. */
  function applyCsv(name, text, label) {
    let table;
    try {
      table = app.wasm.parseCsv(text, label);
    } catch (e) {
      msg.show(`${name}: ${e.message}. Nothing was changed.`);
      return false;
    }
    const rows = table.rows;
    let note = '';
    const ok = app.edit(msg, (d) => {
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
    });
    if (!ok) return false;
    csv = { name, text, columns: table.header, label: table.labelColumn, loaded: true };
    const labelName = table.header[table.labelColumn];
    msg.show(`Loaded ${rows.length} rows with ${table.columns.length} input(s) from ${name}, the label from “${labelName}”. ${note}`, 'info');
    return true;
  }

  // Preprocessing: fitted on the training split by the engine.
  const stdChk = h('input', { type: 'checkbox', 'data-testid': 'pre-standardize' });
  const pcaChk = h('input', { type: 'checkbox', 'data-testid': 'pre-pca' });
  const pcaK = numberField({
    label: 'Principal components to keep', value: 2, testid: 'pre-pca-k', integer: true, min: 1, max: app.limits.maxFeatures, cls: 'short',
    commit: (v, w) => editPre(w, (p) => { p.pca = v; }),
  });
  /** A preprocessing edit, then the engine fits the inputs' consumers (pre-net, features). */
  function editPre(where, fn) {
    let note = '';
    const ok = app.edit(where, (d) => {
      const p = { ...(d.preprocess ?? {}) };
      fn(p);
      if (!p.standardize) delete p.standardize;
      if (p.pca == null) delete p.pca;
      d.preprocess = p;
      const fit = app.fitReadout(d);
      note = fit.note;
      return fit.doc;
    });
    if (ok && note) msg.show(note, 'info');
    return ok;
  }
  stdChk.addEventListener('change', () => {
    if (!editPre(msg, (p) => { p.standardize = stdChk.checked; })) stdChk.checked = !stdChk.checked;
  });
  pcaChk.addEventListener('change', () => {
    const k = Math.min(2, app.info().dataDim);
    if (!editPre(msg, (p) => { p.pca = pcaChk.checked ? k : null; })) pcaChk.checked = !pcaChk.checked;
  });
  const preSummary = h('p', { class: 'hint small', 'data-testid': 'pre-summary' });
  // Inside the data fieldset: the data lock covers it.
  const preFs = h('fieldset', { class: 'pre-fs' },
    h('legend', { class: 'sub-legend', text: 'Preprocessing' }),
    h('label', { class: 'row gap check' }, stdChk, h('span', { text: 'Standardise each input (training mean 0, spread 1)' })),
    h('div', { class: 'row gap' },
      h('label', { class: 'check' }, pcaChk, h('span', { text: 'PCA to' })), pcaK.el,
      h('span', { class: 'lbl', text: 'components' })),
    preSummary);

  // Class balance of both splits (the engine's counts).
  const balance = h('table', { class: 'balance', 'data-testid': 'class-balance' });

  const dataFs = h('fieldset', { class: 'lockable', 'data-lock': 'data' },
    h('legend', { class: 'visually-hidden', text: 'Dataset' }),
    thumbs, points.el, noise.el, tableNote, ratio.el,
    h('div', { class: 'row gap' }, h('span', { class: 'lbl', text: 'Seed' }), seedOut, regen),
    h('div', { class: 'row gap' }, upload, file), labelRow, preFs);

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
    h('h2', { text: 'Data' }), dataFs, balance, msg.el,
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
    const kind = app.catalog.datasets.find((k) => k.name === d.kind);
    const table = kind?.group === 'real';
    points.el.hidden = table;
    noise.el.hidden = table;
    tableNote.hidden = !table;
    if (table) {
      let rows = '';
      try { const m = app.engine.metrics(); rows = ` ${m.trainPoints + m.testPoints}`; } catch { /* engine busy or broken: no count */ }
      tableNote.textContent = `${kind.label}: the table's${rows} measured rows, split by Train %. Points and Noise shape generated data only.`;
    }
    ratio.set(d.train_ratio);
    seedOut.textContent = String(d.seed);
    renderCsv(d);
    renderPre(doc);
    renderBalance();
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

  function renderCsv(d) {
    const show = !!csv && csv.columns.length > 3 && (d.kind === 'custom' || !csv.loaded);
    labelRow.hidden = !show;
    if (!show) return;
    const opts = csv.columns.map((n, i) => [i, n]);
    if (labelSel.options.length !== opts.length || [...labelSel.options].some((o, i) => o.textContent !== opts[i][1])) {
      setChildren(labelSel, opts.map(([v, t]) => h('option', { value: v, text: t })));
    }
    labelSel.value = String(csv.label);
  }

  function renderPre(doc) {
    const p = doc.preprocess ?? {};
    const info = app.info();
    stdChk.checked = !!p.standardize;
    pcaChk.checked = p.pca != null;
    pcaK.set(p.pca ?? Math.min(2, info.dataDim));
    pcaK.input.disabled = p.pca == null;
    const steps = [p.standardize ? 'standardised' : null, p.pca != null ? `projected on ${p.pca} principal component${p.pca === 1 ? '' : 's'}` : null].filter(Boolean);
    preSummary.textContent = `${info.dataDim} input${info.dataDim === 1 ? '' : 's'}${steps.length ? `, ${steps.join(', then ')}` : ''} → the model reads ${info.inputs}.`;
  }

  function renderBalance() {
    let m;
    try { m = app.engine.metrics(); } catch { return; }
    const names = plotNames(m);
    const total = (m.trainCounts ?? []).map((n, c) => n + (m.testCounts?.[c] ?? 0));
    setChildren(balance,
      h('caption', { text: `Class balance: ${m.trainPoints} training, ${m.testPoints} test points` }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'class' }), h('th', { scope: 'col', text: 'train' }), h('th', { scope: 'col', text: 'test' }), h('th', { scope: 'col', text: 'share' }))),
      h('tbody', {}, names.map((name, c) => h('tr', {},
        h('th', { scope: 'row', text: name }),
        h('td', { text: String(m.trainCounts?.[c] ?? 0) }),
        h('td', { text: String(m.testCounts?.[c] ?? 0) }),
        h('td', { text: formatPercent(total[c] / Math.max(1, m.trainPoints + m.testPoints), 0) })))));
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
