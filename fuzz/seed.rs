//! Writes the fuzz seed corpora (`corpus/<target>/`) and libFuzzer dictionaries (`dict/`) from
//! the crate's own examples: the presets and templates as JSON and as URL hashes, generated
//! datasets as CSV, and OpenQASM 2 and 3 as Qiskit writes them (by hand, through the exporter
//! from the presets and the golden circuits, and the reference files of `tests/golden/qasm/`).
//!
//! Usage: `cargo run --manifest-path fuzz/Cargo.toml --bin seed [FUZZ_DIR]` (default: this
//! crate's directory). Deterministic: the same engine writes the same files. Files are
//! overwritten, never deleted, so regression seeds added by hand stay.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use qmlp::data::{to_csv, DatasetKind, DatasetSpec};
use qmlp::doc::{preset, share, template, Document, LOCKABLE, PRESETS, TEMPLATES};
use qmlp::interop::qasm::{export_document, export_ops, QasmVersion};
use qmlp::interop::FIXED_POINTS;
use qmlp::sim::GateKind;
use serde_json::{json, Value};

struct Out {
    dir: PathBuf,
    written: usize,
}

impl Out {
    fn put(&mut self, sub: &str, name: &str, content: impl AsRef<[u8]>) {
        let d = self.dir.join(sub);
        fs::create_dir_all(&d).unwrap_or_else(|e| panic!("cannot create {}: {e}", d.display()));
        let p = d.join(name);
        let bytes = content.as_ref();
        // Leave identical files alone so the tree stays clean.
        if fs::read(&p).ok().as_deref() != Some(bytes) {
            fs::write(&p, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", p.display()));
        }
        self.written += 1;
    }
}

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let mut out = Out { dir, written: 0 };
    let docs = documents();
    doc_json(&mut out, &docs);
    url_hash(&mut out, &docs);
    csv(&mut out);
    qasm(&mut out);
    dicts(&mut out, &docs);
    println!("seed: {} files under {}", out.written, out.dir.display());
}

/// Valid documents: every preset, every template on the default document, and a few built to
/// reach every gate kind, every angle kind, custom data and locked controls.
fn documents() -> Vec<(String, Document)> {
    let mut docs: Vec<(String, Document)> = PRESETS
        .iter()
        .map(|(name, _)| {
            let d = preset(name).unwrap_or_else(|e| panic!("preset {name}: {e}"));
            (format!("preset-{name}"), d)
        })
        .collect();
    for (name, _) in TEMPLATES {
        let mut d = Document::default();
        d.circuit.qubits = 3;
        d.circuit.gates =
            template(name, 3, 0, 7).unwrap_or_else(|e| panic!("template {name}: {e}"));
        docs.push((format!("template-{name}"), d));
    }
    let base = serde_json::to_value(Document::default()).expect("default document as JSON");
    let edits: Vec<(&str, Value)> = vec![
        ("all-gates", all_gates()),
        (
            "custom-data",
            merge(
                &base,
                json!({
                    "title": "<img src=x onerror=alert(1)> \"quotes\" & ünïcödé ✓",
                    "description": "<script>window.__pwned = 1</script>\nline two %41 %zz + # ?",
                    "features": {"range": [0.0, std::f64::consts::PI]},
                    "data": {"kind": "custom", "points": 4, "noise": 0.0, "train_ratio": 0.5,
                             "seed": 3, "test_points": 1,
                             "custom": [[0.1, 0.2, 0], [0.3, -0.4, 1], [-0.5, 0.5, 0], [0.7, 0.125, 1]]},
                    "training": {"optimizer": {"kind": "momentum", "lr": 0.1, "beta": 0.8},
                                 "loss": "mse", "batch_size": 4, "epochs": 3, "seed": 18446744073709551615u64,
                                 "shots": 100, "l2": 0.01},
                    "baseline": {"enabled": false, "hidden": []},
                    "locked": LOCKABLE,
                }),
            ),
        ),
        (
            "bce-sgd",
            merge(
                &base,
                json!({
                    "data": {"kind": "moons", "points": 50, "noise": 0.1, "train_ratio": 0.8, "seed": 2},
                    "head": {"trainable": false, "scale": [2.5], "bias": [-0.5]},
                    "training": {"optimizer": {"kind": "sgd", "lr": 0.5}, "loss": "bce",
                                 "batch_size": 1, "epochs": 1, "seed": 0},
                }),
            ),
        ),
        (
            "fidelity-3class",
            merge(
                &base,
                json!({
                    "readout": {"kind": "fidelity", "states": ["00", "01", "10"]},
                    "head": {"scale": [1.0, 1.0, 1.0], "bias": [0.0, 0.0, 0.0]},
                    "data": {"kind": "circles3", "points": 90, "noise": 0.05, "train_ratio": 0.5, "seed": 4},
                    "training": {"optimizer": {"kind": "adam", "lr": 0.01, "beta1": 0.8,
                                               "beta2": 0.99, "eps": 1e-7},
                                 "loss": "fidelity", "batch_size": 8, "epochs": 2, "seed": 5},
                }),
            ),
        ),
    ];
    for (name, v) in edits {
        let text = v.to_string();
        match Document::from_json(&text) {
            Ok(d) => docs.push((name.to_string(), d)),
            Err(e) => eprintln!("seed: document '{name}' no longer validates ({e}); skipped"),
        }
    }
    docs
}

/// `b` written over `a`, key by key (objects recursively, except tagged variants, which like
/// everything else are replaced).
fn merge(a: &Value, b: Value) -> Value {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut m = x.clone();
            for (k, v) in y {
                let merged = match m.get(&k) {
                    // A patch with a "kind" is a whole tagged variant: it replaces.
                    Some(old) if old.is_object() && v.is_object() && v.get("kind").is_none() => {
                        merge(old, v)
                    }
                    _ => v,
                };
                m.insert(k, merged);
            }
            Value::Object(m)
        }
        (_, b) => b,
    }
}

/// The default document with one gate of every kind (single-qubit ones also with a control),
/// the angles cycling through every binding kind.
fn all_gates() -> Value {
    let n = 4;
    let angles = [
        json!({"kind": "const", "value": -1.25}),
        json!({"kind": "weight", "value": 0.5}),
        json!({"kind": "feature", "feature": "x1*x2", "scale": 2.0}),
        json!({"kind": "reupload", "feature": "sin(x2)", "w": 1.5, "b": -0.25}),
        json!({"kind": "feature", "feature": "x2^2"}),
    ];
    let mut k = 0;
    let mut gates = Vec::new();
    let mut col = 0;
    for &g in GateKind::all() {
        let params: Vec<Value> = (0..g.n_params())
            .map(|_| {
                k += 1;
                angles[k % angles.len()].clone()
            })
            .collect();
        let wires: Vec<usize> = (0..g.n_wires()).map(|w| (w + col) % n).collect();
        gates.push(json!({"gate": g.name(), "wires": wires, "params": params, "col": col}));
        col += 1;
        if g.is_single_qubit() {
            gates.push(
                json!({"gate": g.name(), "wires": [col % n], "controls": [(col + 1) % n],
                              "params": params, "col": col}),
            );
            col += 1;
        }
    }
    merge(
        &serde_json::to_value(Document::default()).expect("default document as JSON"),
        json!({"title": "every gate", "circuit": {"qubits": n, "gates": gates}}),
    )
}

/// Documents that must be refused, each for one reason, from the default document.
fn broken_documents() -> Vec<(&'static str, String)> {
    let base = serde_json::to_value(Document::default()).expect("default document as JSON");
    let edit = |patch: Value| merge(&base, patch).to_string();
    let mut wrong_wire = base.clone();
    wrong_wire["circuit"]["gates"][0]["wires"] = json!([7]);
    let mut unknown = base.clone();
    unknown["circuit"]["gates"][0]["colour"] = json!("red");
    let default = Document::default().to_json();
    vec![
        ("empty-object", "{}".to_string()),
        ("not-json", "version: 1".to_string()),
        ("version-2", edit(json!({"version": 2}))),
        ("version-0", edit(json!({"version": 0}))),
        ("version-string", edit(json!({"version": "1"}))),
        ("qubits-0", edit(json!({"circuit": {"qubits": 0}}))),
        ("qubits-30", edit(json!({"circuit": {"qubits": 30}}))),
        ("wire-out-of-range", wrong_wire.to_string()),
        ("unknown-field", unknown.to_string()),
        (
            "lr-huge",
            edit(json!({"training": {"optimizer": {"kind": "adam", "lr": 1e9}}})),
        ),
        ("number-overflow", default.replacen("200", "1e999", 1)),
        ("truncated", default[..default.len() / 2].to_string()),
        ("locked-unknown", edit(json!({"locked": ["everything"]}))),
        (
            "bad-observable",
            edit(json!({"readout": {"kind": "expval", "observables": ["Q9"]}})),
        ),
    ]
}

fn doc_json(out: &mut Out, docs: &[(String, Document)]) {
    for (name, d) in docs {
        out.put("corpus/doc_json", &format!("{name}.json"), d.to_json());
    }
    for (name, d) in docs.iter().take(PRESETS.len()) {
        out.put(
            "corpus/doc_json",
            &format!("{name}.compact.json"),
            d.to_json_compact(),
        );
    }
    for (name, text) in broken_documents() {
        out.put("corpus/doc_json", &format!("bad-{name}.json"), text);
    }
}

fn url_hash(out: &mut Out, docs: &[(String, Document)]) {
    for (name, d) in docs {
        out.put(
            "corpus/url_hash",
            &format!("{name}.v1"),
            share::encode_hash(d),
        );
        out.put(
            "corpus/url_hash",
            &format!("{name}.readable"),
            share::encode_hash_readable(d),
        );
    }
    let h = share::encode_hash(&Document::default());
    let r = share::encode_hash_readable(&Document::default());
    let bad = [
        ("hash-sign", format!("#{h}")),
        ("padded", format!("  #{h}==\n")),
        ("truncated-v1", h[..h.len() / 2].to_string()),
        ("truncated-readable", r[..r.len() / 2].to_string()),
        ("newer-format", "#v2.AAAA".to_string()),
        ("bad-percent", "json:%zz%2".to_string()),
        ("bad-base64", "v1.!!!!".to_string()),
        ("impossible-length", "v1.A".to_string()),
        ("empty", "#".to_string()),
        ("not-a-link", "hello world".to_string()),
        (
            "typed-json",
            format!("json:{}", Document::default().to_json_compact()),
        ),
    ];
    for (name, text) in bad {
        out.put("corpus/url_hash", &format!("bad-{name}"), text);
    }
    for (name, text) in broken_documents() {
        let doc_hash = format!("json:{}", text.replace('%', "%25").replace('"', "%22"));
        out.put(
            "corpus/url_hash",
            &format!("bad-doc-{name}.readable"),
            doc_hash,
        );
    }
}

fn csv(out: &mut Out) {
    for &kind in DatasetKind::all() {
        if kind == DatasetKind::Custom {
            continue;
        }
        let spec = DatasetSpec {
            kind,
            points: 12,
            noise: 0.1,
            seed: 5,
            ..DatasetSpec::default()
        };
        let Ok(data) = spec.generate() else {
            eprintln!("seed: dataset {} does not generate; skipped", kind.name());
            continue;
        };
        let rows: Vec<[f64; 3]> = data
            .train
            .iter()
            .chain(&data.test)
            .map(|p| [p.x[0], p.x[1], p.label as f64])
            .collect();
        out.put(
            "corpus/csv",
            &format!("gen-{}.csv", kind.name()),
            to_csv(&rows),
        );
    }
    let hand: &[(&str, &str)] = &[
        ("header", "x1,x2,label\n0.5,-0.25,0\n-1,1,1\n"),
        ("no-header", "0.5,-0.25,0\n-1,1,1\n0,0,2\n"),
        (
            "crlf-bom-blank",
            "\u{feff}x1,x2,label\r\n\r\n0.5, -0.5, 1\r\n 0 ,0,0\r\n\r\n",
        ),
        (
            "exponents",
            "a,b,c\n1e-3,-2.5E+2,1\n+0.5,.25,0\n-0,0,0\n1.7976931348623157e308,5e-324,1\n",
        ),
        ("bad-row", "x1,x2,label\n0,0,0\n1,abc,1\n"),
        ("two-columns", "x1,x2,label\n0,0,0\n1,2\n"),
        ("four-columns", "1,2,3,4\n"),
        ("inf", "0,0,0\n1,inf,1\n"),
        ("nan", "0,0,0\n1,NaN,1\n"),
        ("fractional-label", "0,0,1.5\n0,1,0\n"),
        ("negative-label", "0,0,-1\n0,1,0\n"),
        ("label-gap", "0,0,0\n1,1,2\n"),
        ("one-class", "0,0,0\n1,1,0\n"),
        ("header-twice", "0,0,0\nx1,x2,label\n1,1,1\n"),
        ("header-only", "x1,x2,label\n\n"),
        ("huge-label", "0,0,0\n1,1,4294967296\n"),
        ("semicolons", "x1;x2;label\n0;0;0\n1;1;1\n"),
    ];
    for (name, text) in hand {
        out.put("corpus/csv", &format!("{name}.csv"), text);
    }
    // (No seed above the row limit: a 120 kB seed would raise libFuzzer's input size limit and
    // slow every run; the unit tests cover that limit.)
}

/// OpenQASM 2 and 3 as Qiskit's `qasm2.dumps`/`qasm3.dumps` write them, and things Qiskit
/// users paste.
const QISKIT: &[(&str, &str)] = &[
    (
        "bell-measured",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nbarrier q[0],q[1];\nmeasure q[0] -> c[0];\nmeasure q[1] -> c[1];\n",
    ),
    (
        "ghz-broadcast",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg meas[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nbarrier q;\nmeasure q -> meas;\n",
    ),
    (
        "angles",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nu(pi/2,0,pi) q[0];\nu3(0.1,-pi/4,3*pi/2) q[1];\nu2(0,pi) q[0];\nu1(pi/8) q[1];\np(-0.5) q[0];\nrz(-pi/4) q[1];\nrx(2*pi/3) q[0];\nry(1.0e-7) q[1];\ncp(pi/8) q[0],q[1];\ncu1(-pi) q[1],q[0];\ncu3(pi,pi/2,-pi/2) q[0],q[1];\ncu(0.1,0.2,0.3,0.4) q[1],q[0];\ncrx(pi) q[0],q[1];\ncry(-(pi)/2) q[1],q[0];\ncrz(sin(pi/6)^2) q[0],q[1];\nrxx(sqrt(2)) q[0],q[1];\nrzz(-exp(1)+ln(2)) q[1],q[0];\n",
    ),
    (
        "fixed-gates",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[5];\nid q[0];\nu0(1) q[1];\nx q[0];\ny q[1];\nz q[2];\ns q[3];\nsdg q[4];\nt q[0];\ntdg q[1];\nsx q[2];\nsxdg q[3];\nch q[0],q[1];\ncsx q[2],q[3];\ncy q[4],q[0];\ncz q[1],q[2];\nswap q[3],q[4];\nccx q[0],q[1],q[2];\ncswap q[2],q[3],q[4];\nc3x q[0],q[1],q[2],q[3];\nc4x q[4],q[3],q[2],q[1],q[0];\nCX q[0],q[4];\nU(0.3,0.2,0.1) q[2];\n",
    ),
    (
        "two-registers",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg a[2];\nqreg anc[1];\ncreg c0[1];\nh a;\ncx a[1],anc[0];\nmeasure anc[0] -> c0[0];\n",
    ),
    (
        "comments",
        "// Generated by hand\nOPENQASM 2.0;\n/* a block\n   comment */ include \"qelib1.inc\";\nqreg q[1]; // one qubit\nrx( .5e1 ) q[0];\n",
    ),
    (
        "custom-gate",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\ngate mygate(theta) a, b { rz(theta) b; cx a, b; }\nqreg q[2];\nmygate(0.3) q[0],q[1];\n",
    ),
    (
        "mid-circuit-measure",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nmeasure q[0] -> c[0];\nx q[0];\n",
    ),
    (
        "if-reset",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nreset q[0];\nif(c==1) x q[0];\n",
    ),
    ("openqasm3", "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nh q[0];\n"),
    (
        "undefined-gate",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\niswap q[0],q[1];\n",
    ),
    (
        "nested-definitions",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\ngate r2(a,b) x { rz(a) x; ry(b/2) x; }\ngate ent(t) x,y { cx x,y; r2(t,2*t) y; cx x,y; }\nqreg q[3];\nent(pi/3) q[0],q[1];\nent(-0.5^2) q[1],q[2];\nrccx q[0],q[1],q[2];\nrc3x q[0],q[1],q[2],q[0];\nc3sqrtx q[2],q[1],q[0],q[1];\n",
    ),
    (
        "exponential-definitions",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ngate g0 a { x a; }\ngate g1 a { g0 a; g0 a; }\ngate g2 a { g1 a; g1 a; }\ngate g3 a { g2 a; g2 a; }\ngate g4 a { g3 a; g3 a; }\ngate g5 a { g4 a; g4 a; }\ng5 q[0];\n",
    ),
    (
        "qasm3-modifiers",
        "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ngate ph(a) x { gphase(a/2); rx(a) x; }\nqubit[3] q;\nbit[3] c;\nctrl @ ph(0.3) q[0], q[1];\nnegctrl(2) @ U(0.1, 0.2, 0.3) q[0], q[1], q[2];\ninv @ pow(3) @ t q[2];\npow(-2) @ sx q[1];\nctrl @ gphase(0.9) q[2];\ngphase(-0.2);\nctrl @ swap q[0], q[1], q[2];\nrx(tau/4 + 2**-1) q[0];\nc = measure q;\n",
    ),
    (
        "qasm3-physical",
        "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nbit c3;\nh $0;\ncx $0, $2;\nc3 = measure $2;\n",
    ),
    (
        "qasm3-input",
        "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ninput float[64] theta;\nqubit q;\nrx(theta) q;\n",
    ),
    ("version-2-9", "OPENQASM 2.9;\ninclude \"qelib1.inc\";\nqreg q[1];\nx q[0];\n"),
    ("no-version", "include \"qelib1.inc\";\nqreg q[1];\nx q[0];\n"),
    (
        "too-many-qubits",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[20];\nqreg r[20];\n",
    ),
    (
        "deep-expression",
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\nrx(((((((((((-(-(+pi))))))))))))/2^2^0.5) q[0];\nrz(tan(cos(1)/0)) q[0];\n",
    ),
];

fn qasm(out: &mut Out) {
    for (name, text) in QISKIT {
        out.put("corpus/qasm_import", &format!("qiskit-{name}.qasm"), text);
    }
    for (name, _) in PRESETS {
        let Ok(d) = preset(name) else { continue };
        match export_document(&d, FIXED_POINTS[0], QasmVersion::V2) {
            Ok(t) => out.put("corpus/qasm_import", &format!("export-{name}.qasm"), t),
            Err(e) => eprintln!("seed: preset {name} does not export as QASM 2 ({e})"),
        }
    }
    if let Ok(t) = export_document(&Document::default(), FIXED_POINTS[2], QasmVersion::V3) {
        out.put("corpus/qasm_import", "export-default.qasm3", t);
    }
    // The OpenQASM reference files (hand-written definitions and modifiers, Qiskit's dumps of
    // library and random circuits).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/qasm");
    match fs::read_dir(&dir) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|f| f.ends_with(".qasm") || f.ends_with(".qasm3"))
                .collect();
            names.sort();
            for name in names {
                match fs::read(dir.join(&name)) {
                    Ok(t) => out.put("corpus/qasm_import", &format!("golden-qasm-{name}"), t),
                    Err(e) => eprintln!("seed: cannot read {name}: {e}"),
                }
            }
        }
        Err(e) => eprintln!("seed: no {} ({e})", dir.display()),
    }
    // The first golden circuits (every gate kind, from PennyLane), through the exporter.
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/circuits.json");
    match fs::read_to_string(&golden).map(|t| qmlp::sim::golden::parse(&t)) {
        Ok(Ok(cases)) => {
            for (i, case) in cases.iter().take(24).enumerate() {
                if let Ok(t) = export_ops(case.n_qubits, &case.ops, QasmVersion::V2) {
                    out.put("corpus/qasm_import", &format!("golden-{i:02}.qasm"), t);
                }
            }
        }
        Ok(Err(e)) => eprintln!("seed: golden circuits do not parse ({e}); skipped"),
        Err(e) => eprintln!(
            "seed: no golden circuits at {} ({e}); skipped",
            golden.display()
        ),
    }
}

/// A libFuzzer dictionary entry: `"…"` with `\`, `"` and non-printable bytes escaped.
fn entry(s: &str) -> String {
    let mut e = String::from("\"");
    for &b in s.as_bytes() {
        match b {
            b'"' => e.push_str("\\\""),
            b'\\' => e.push_str("\\\\"),
            0x20..=0x7e => e.push(char::from(b)),
            _ => {
                let _ = write!(e, "\\x{b:02X}");
            }
        }
    }
    e.push('"');
    e
}

fn dict_file(words: impl IntoIterator<Item = String>) -> String {
    let mut set: Vec<String> = words.into_iter().filter(|w| !w.is_empty()).collect();
    set.sort();
    set.dedup();
    let mut out = String::from("# Generated by fuzz/seed.rs; rerun it instead of editing.\n");
    for w in set {
        let _ = writeln!(out, "{}", entry(&w));
    }
    out
}

fn collect_json_words(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.push(format!("\"{k}\":"));
                collect_json_words(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_json_words(v, out)),
        Value::String(s) if s.len() <= 24 => out.push(format!("\"{s}\"")),
        _ => {}
    }
}

fn dicts(out: &mut Out, docs: &[(String, Document)]) {
    let mut words: Vec<String> = Vec::new();
    for (_, d) in docs {
        if let Ok(v) = serde_json::to_value(d) {
            collect_json_words(&v, &mut words);
        }
    }
    words.extend(GateKind::all().iter().map(|g| format!("\"{}\"", g.name())));
    words.extend(
        DatasetKind::all()
            .iter()
            .map(|k| format!("\"{}\"", k.name())),
    );
    words.extend(LOCKABLE.iter().map(|l| format!("\"{l}\"")));
    for w in [
        "\"const\"",
        "\"weight\"",
        "\"feature\"",
        "\"reupload\"",
        "\"expval\"",
        "\"fidelity\"",
        "\"sgd\"",
        "\"momentum\"",
        "\"adam\"",
        "\"mse\"",
        "\"bce\"",
        "\"cross_entropy\"",
        "\"x1\"",
        "\"x2\"",
        "\"x1^2\"",
        "\"x2^2\"",
        "\"x1*x2\"",
        "\"sin(x1)\"",
        "\"sin(x2)\"",
        "\"Z0\"",
        "\"X1 Y2\"",
        "\"controls\":",
        "\"custom\":",
        "\"test_points\":",
        "\"shots\":",
        "\"l2\":",
        "\"range\":",
        "\"locked\":",
        "\"baseline\":",
        "\"hidden\":",
        "\"beta\":",
        "\"beta1\":",
        "\"beta2\":",
        "\"eps\":",
        "\"scale\":",
        "\"w\":",
        "\"b\":",
        "null",
        "true",
        "false",
        "1e308",
        "-0.0",
        "5e-324",
        "18446744073709551615",
        "4294967296",
        "24",
        "25",
        "2000",
        "2001",
        "20000",
        "\\u0000",
        "\\ud800",
    ] {
        words.push(w.to_string());
    }
    put_dict(out, "doc_json.dict", dict_file(words.clone()));

    let mut hash_words: Vec<String> = vec![
        "v1.".into(),
        "json:".into(),
        "#".into(),
        "v2.".into(),
        "%22".into(),
        "%7B".into(),
        "%7D".into(),
        "%20".into(),
        "%3A".into(),
        "%2C".into(),
        "%25".into(),
        "%".into(),
        "=".into(),
        "-".into(),
        "_".into(),
    ];
    // The readable form carries JSON keys percent-encoded the way encode_hash_readable does.
    hash_words.extend(
        words
            .iter()
            .filter(|w| w.starts_with('"'))
            .map(|w| w.replace('"', "%22")),
    );
    put_dict(out, "url_hash.dict", dict_file(hash_words));

    let csv_words = [
        "x1,x2,label",
        ",",
        "\n",
        "\r\n",
        "\u{feff}",
        "inf",
        "-inf",
        "NaN",
        "infinity",
        "1e308",
        "1e309",
        "-0",
        "5e-324",
        "4294967295",
        "4294967296",
        "0.5",
        "1",
        "2",
        "e-",
        "E+",
    ];
    put_dict(
        out,
        "csv.dict",
        dict_file(csv_words.iter().map(|s| s.to_string())),
    );

    let mut qasm_words: Vec<String> = [
        "OPENQASM 2.0;",
        "OPENQASM",
        "2.0",
        "3.0",
        "include \"qelib1.inc\";",
        "qelib1.inc",
        "qreg",
        "creg",
        "barrier",
        "measure",
        "->",
        "gate",
        "opaque",
        "if",
        "reset",
        "pi",
        "sin",
        "cos",
        "tan",
        "exp",
        "ln",
        "sqrt",
        "^",
        "/*",
        "*/",
        "//",
        "q[0]",
        "q[1]",
        "q[2]",
        "q",
        "c[0]",
        "c",
        ";",
        ",",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "==",
        "1e308",
        "0.5",
        ".5e1",
        "OPENQASM 3.0;",
        "OPENQASM 3;",
        "include \"stdgates.inc\";",
        "stdgates.inc",
        "qubit",
        "qubit[2] q;",
        "bit",
        "bit[2] c;",
        "= measure",
        "ctrl @ ",
        "ctrl(2) @ ",
        "negctrl @ ",
        "inv @ ",
        "pow(2) @ ",
        "pow(-1) @ ",
        "@",
        "gphase(",
        "**",
        "$0",
        "$1",
        "tau",
        "euler",
        "arcsin",
        "input float[64] ",
        "gate g(a, b) x, y { ",
        "g(0.5, pi) ",
        "gate h2 x { ",
        "h2 ",
        "x, y",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for g in [
        "U", "u", "u3", "u2", "u1", "p", "u0", "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg",
        "sx", "sxdg", "rx", "ry", "rz", "CX", "cx", "cy", "cz", "ch", "csx", "swap", "crx", "cry",
        "crz", "cu1", "cp", "cu3", "cu", "rxx", "rzz", "ccx", "cswap", "c3x", "c4x", "ryy", "rzx",
        "ecr", "iswap", "rccx", "cs", "rc3x", "c3sqrtx", "mcx", "rcccx", "phase", "cphase",
    ] {
        qasm_words.push(format!("{g} "));
        qasm_words.push(format!("{g}("));
    }
    put_dict(out, "qasm_import.dict", dict_file(qasm_words));
}

fn put_dict(out: &mut Out, name: &str, text: String) {
    out.put("dict", name, text);
}
