// The File menu: download and open the document (JSON), the circuit as OpenQASM 3 and 2 with
// every angle bound for the picked data point, OpenQASM 2.0 and 3 import into the editor (custom gate definitions expanded), the whole model
// as a runnable PennyLane or Qiskit script or as a PyTorch model (PennyLane's TorchLayer or
// Qiskit's EstimatorQNN behind a TorchConnector), and the plots as SVG (drawn by the engine) and PNG
// (the canvases). Opening a file that does not read changes nothing and says why (file names are
// shown as text). A lesson's locks apply: `export` hides the downloads, a locked circuit refuses
// OpenQASM import, and a lesson (any lock) cannot be replaced by opening another document.

import { h } from './dom.js';
import { formatNumber } from './format.js';
import { fileStem } from './links.js';
import { download, downloadDocument } from './share.js';

export function createFileMenu(app, { extraItems = [] } = {}) {
  // File limits are the engine's (the page reads no file larger than this).
  const MAX_DOC_FILE = app.limits.maxFileBytes;
  const MAX_QASM_FILE = app.limits.maxFileBytes;
  const stem = () => fileStem(app.store.doc.title);
  const point = () => {
    const [u, v] = app.ui.pick ?? [0, 0];
    try { return app.engine.planePoint(u, v); } catch { return [u, v]; }
  };
  const say = (text, kind = 'error') => app.messages.global.show(text, kind);

  const jsonFile = h('input', { type: 'file', accept: '.json,application/json,text/plain', hidden: true, 'data-testid': 'import-json-file', 'aria-label': 'Document file (JSON)' });
  const qasmFile = h('input', { type: 'file', accept: '.qasm,.qasm3,.txt,text/plain', hidden: true, 'data-testid': 'import-qasm-file', 'aria-label': 'OpenQASM file (2.0 or 3)' });

  const items = [];
  const item = (testid, text, run, { kind = 'export', hint } = {}) => {
    const label = h('span', { class: 'mi-label', text });
    const el = h('button', { type: 'button', role: 'menuitem', class: 'menu-item', 'data-testid': testid, tabindex: '-1' },
      label, hint ? h('span', { class: 'mi-hint', text: hint }) : null);
    el.addEventListener('click', () => {
      close();
      try {
        run();
      } catch (e) {
        say(`${text.replace(/…$/, '')}: ${e?.message ?? e}`);
      }
    });
    const it = { el, kind, label };
    items.push(it);
    return it;
  };
  const group = (text) => h('div', { class: 'menu-group', role: 'presentation', text });

  const saveJson = item('export-json', 'Download the document (JSON)', () => downloadDocument(app, wrap),
    { hint: 'everything, trained weights included' });
  const openJson = item('import-json', 'Open a document (JSON)…', () => jsonFile.click(), { kind: 'open' });
  const pointGroup = group('Circuit');
  const qasm3 = item('export-qasm3', 'OpenQASM 3', () => {
    download(`${stem()}.qasm`, 'text/plain', app.engine.exportQasm(3, point()), wrap);
  });
  const qasm2 = item('export-qasm2', 'OpenQASM 2', () => {
    download(`${stem()}-qasm2.qasm`, 'text/plain', app.engine.exportQasm(2, point()), wrap);
  });
  const importQasm = item('import-qasm', 'Import OpenQASM (2.0 or 3) into the editor…', () => qasmFile.click(), { kind: 'circuit' });
  const pennylane = item('export-pennylane', 'PennyLane script (.py)', () => {
    download(`${stem()}-pennylane.py`, 'text/x-python', app.engine.exportPython('pennylane'), wrap);
  }, { hint: 'the whole model; prints its outputs' });
  const qiskit = item('export-qiskit', 'Qiskit script (.py)', () => {
    download(`${stem()}-qiskit.py`, 'text/x-python', app.engine.exportPython('qiskit'), wrap);
  }, { hint: 'the whole model; prints its outputs' });
  const torchItem = (framework, text) => item(`export-${framework}`, text, () => {
    download(`${stem()}-${framework}.py`, 'text/x-python', app.engine.exportPython(framework), wrap);
  }, { hint: 'torch.nn.Linear layers around the circuit; trains with --train' });
  const plTorch = torchItem('pennylane-torch', 'PyTorch + PennyLane TorchLayer (.py)');
  const qkTorch = torchItem('qiskit-torch', 'PyTorch + Qiskit EstimatorQNN (.py)');
  const svgItem = (which, name) => item(`export-${which}-svg`, `${name} (SVG)`, () => {
    download(`${stem()}-${which}.svg`, 'image/svg+xml', app.engine.exportSvg(which), wrap);
  });
  const pngItem = (which, name) => item(`export-${which}-png`, `${name} (PNG)`, () => {
    app.flush();
    const canvas = app.canvases[which];
    canvas.toBlob((blob) => {
      if (blob) download(`${stem()}-${which}.png`, 'image/png', blob, wrap);
      else say(`${name} (PNG): the browser could not encode the picture.`);
    }, 'image/png');
  });
  const plots = [svgItem('boundary', 'Decision boundary'), pngItem('boundary', 'Decision boundary'),
    svgItem('loss', 'Loss chart'), pngItem('loss', 'Loss chart')];
  // Extra items (the full page's "autosave from before this link"): `visible()` is asked each
  // time the menu opens.
  const extras = extraItems.map((x) => ({ ...item(x.testid, x.label, x.run, { kind: x.kind ?? 'open', hint: x.hint }), visible: x.visible }));

  const pointHint = h('div', { class: 'menu-note', role: 'presentation', 'data-testid': 'qasm-point' });
  const menu = h('div', { class: 'menu', role: 'menu', 'aria-label': 'File', hidden: true, 'data-testid': 'file-menu-list' },
    group('Document'), saveJson.el, openJson.el,
    pointGroup, pointHint, qasm3.el, qasm2.el, importQasm.el,
    group('Model as code'), pennylane.el, qiskit.el, plTorch.el, qkTorch.el,
    group('Plots'), plots.map((p) => p.el),
    extras.length ? group('Earlier work') : null, extras.map((x) => x.el));
  const button = h('button', {
    type: 'button', class: 'tool-btn menu-btn', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    'data-testid': 'file-menu', title: 'Download, open, export and import',
  }, 'File ', h('span', { 'aria-hidden': 'true', text: '▾' }));
  const wrap = h('span', { class: 'menu-wrap' }, button, menu, jsonFile, qasmFile);

  // ---- open / close, keyboard --------------------------------------------------------------
  const visible = () => items.filter((it) => !it.el.hidden && !it.el.disabled).map((it) => it.el);
  function open() {
    refresh(true);
    const [x1, x2] = point();
    pointHint.textContent = `angles bound for x = (${formatNumber(x1, { fixed: 2 })}, ${formatNumber(x2, { fixed: 2 })}); pick another point by clicking the plot`;
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    visible()[0]?.focus();
    document.addEventListener('pointerdown', onOutside, true);
  }
  function close() {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', onOutside, true);
  }
  function onOutside(e) {
    if (!e.composedPath().includes(wrap)) close();
  }
  button.addEventListener('click', () => (menu.hidden ? open() : close()));
  button.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && menu.hidden) { e.preventDefault(); open(); }
  });
  menu.addEventListener('keydown', (e) => {
    const list = visible();
    const i = list.indexOf(e.composedPath()[0]);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = list.length;
      list[(i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      list[e.key === 'Home' ? 0 : list.length - 1]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
      button.focus();
    } else if (e.key === 'Tab') {
      close();
    }
  });

  // ---- locks -------------------------------------------------------------------------------
  function refresh(opening = false) {
    const noExport = app.isLocked('export');
    for (const x of extras) {
      if (opening && x.visible) {
        try { x.shown = !!x.visible(); } catch { x.shown = false; }
      }
      if (x.visible) x.el.hidden = !x.shown;
    }
    const lesson = (app.store.doc.locked ?? []).length > 0;
    for (const it of items) {
      if (it.kind === 'export') it.el.hidden = noExport;
      if (it.kind === 'open') {
        it.el.disabled = lesson;
        it.el.title = lesson ? 'A lesson with locked controls cannot be replaced here' : '';
      }
      if (it.kind === 'circuit') {
        it.el.disabled = app.isLocked('circuit');
        it.el.title = it.el.disabled ? 'The circuit is locked by the lesson' : '';
      }
    }
    pointGroup.hidden = noExport && app.isLocked('circuit');
    pointHint.hidden = noExport;
    for (const g of menu.querySelectorAll('.menu-group')) {
      if (g === pointGroup) continue;
      let n = g.nextElementSibling;
      let any = false;
      while (n && !n.classList.contains('menu-group')) { if (n.classList.contains('menu-item') && !n.hidden) any = true; n = n.nextElementSibling; }
      g.hidden = !any;
    }
    button.hidden = visible().length === 0 && items.every((it) => it.el.hidden || it.el.disabled);
  }
  app.onRender.add(() => refresh());
  refresh();

  // ---- opening files -----------------------------------------------------------------------
  jsonFile.addEventListener('change', async () => {
    const f = jsonFile.files?.[0];
    jsonFile.value = '';
    if (!f) return;
    if (f.size > MAX_DOC_FILE) {
      say(`${f.name} cannot be opened: the file is ${formatNumber(f.size / 1e6, { fixed: 1 })} MB; the limit is ${MAX_DOC_FILE / 1e6} MB. Your work is unchanged.`);
      return;
    }
    let text;
    try {
      text = await f.text();
    } catch (e) {
      say(`${f.name} cannot be read: ${e.message}. Your work is unchanged.`);
      return;
    }
    // A link pasted into a file works too.
    const link = text.trim().match(/^(?:\S*#)?((?:v\d+\.|json:)\S+)$/);
    if (link) {
      try {
        text = app.wasm.decodeHash(link[1]);
      } catch (e) {
        say(`${f.name} cannot be opened — ${e.message}. Your work is unchanged.`);
        return;
      }
    }
    app.loop.pause();
    if (app.load(text, 'global', f.name)) say(`Opened ${f.name} (Ctrl+Z goes back).`, 'info');
  });

  qasmFile.addEventListener('change', async () => {
    const f = qasmFile.files?.[0];
    qasmFile.value = '';
    if (!f) return;
    const msg = app.messages.circuit;
    if (app.isLocked('circuit')) { msg.show('The circuit is locked by the lesson.'); return; }
    if (f.size > MAX_QASM_FILE) {
      msg.show(`${f.name}: the file is ${formatNumber(f.size / 1e6, { fixed: 1 })} MB; the limit is ${MAX_QASM_FILE / 1e6} MB. Nothing was changed.`);
      return;
    }
    let imported;
    try {
      imported = app.wasm.importQasm(await f.text());
    } catch (e) {
      msg.show(`${f.name}: ${e?.message ?? e}. Nothing was changed.`);
      return;
    }
    const circuit = JSON.parse(imported.circuit);
    const put = (fixReadout) => (d) => {
      d.circuit = circuit;
      if (fixReadout) {
        d.readout = { kind: 'expval', observables: ['Z0'] };
        d.head.scale = [1];
        d.head.bias = [0];
        if (d.training.loss === 'fidelity') d.training.loss = 'mse';
        return app.fitReadout(d).doc;
      }
      return d;
    };
    app.loop.pause();
    const quiet = { show() {}, clear() {} };
    // The readout may name wires the imported circuit lacks: then it starts again from ⟨Z0⟩.
    const ok = app.edit(quiet, put(false)) || app.edit('circuit', put(true));
    if (!ok) {
      msg.show(`${f.name}: ${msg.text.replace(/^Not applied: /, '')} Nothing was changed.`);
      return;
    }
    app.select(null);
    const notes = imported.notes?.length ? ` Notes: ${imported.notes.join(' ')}` : '';
    msg.show(`Imported ${circuit.gates.length} gate${circuit.gates.length === 1 ? '' : 's'} on ${circuit.qubits} `
      + `qubit${circuit.qubits === 1 ? '' : 's'} from ${f.name}; their angles are constants (bind them to features or weights in the `
      + `gate inspector). Ctrl+Z goes back.${notes}`, 'info');
  });

  return { el: wrap, open, close, refresh };
}
