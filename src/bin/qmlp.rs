//! `qmlp`: the playground engine on the command line — the same document, headless.
//!
//! ```text
//! qmlp train    <doc.json | preset:NAME> [--seed N] [--epochs N] [--eval-every K] [--quiet]
//! qmlp simulate <doc.json | preset:NAME> [--x X1,X2,…]
//! qmlp validate <doc.json | preset:NAME>
//! qmlp preset NAME
//! qmlp presets
//! qmlp version
//! ```
//! `train` prints one JSON line per epoch and a final JSON line with the metrics and the
//! trained document; `simulate` prints the state, probabilities and expectation values for a
//! data point as JSON. Errors go to stderr with exit code 1 (2 for bad usage). When the reader
//! of the output goes away (`qmlp train … | head -1`) the command stops quietly.

use std::io::{Read, Write};
use std::process::ExitCode;

use qmlp::doc::{self, Document, ValidDocument, MAX_DOC_BYTES};
use qmlp::train::{TestEval, Trainer};
use serde_json::json;

const USAGE: &str = "usage:
  qmlp train    <doc.json | preset:NAME> [--seed N] [--epochs N] [--eval-every K] [--quiet]
  qmlp simulate <doc.json | preset:NAME> [--x X1,X2,...]
  qmlp validate <doc.json | preset:NAME>
  qmlp preset   NAME
  qmlp presets
  qmlp version

  --seed N        fresh initial values for the trainable numbers (fixed ones are kept)
  --eval-every K  evaluate the test split every K epochs and at the end (default 1)";

/// Why a command stopped.
enum Stop {
    /// An error for stderr.
    Fail(String),
    /// Bad usage.
    Usage(String),
    /// The output's reader went away: stop quietly.
    Pipe,
}

impl From<String> for Stop {
    fn from(s: String) -> Stop {
        Stop::Fail(s)
    }
}

/// Prints one line to stdout; a closed pipe stops the command quietly.
fn emit(line: impl std::fmt::Display) -> Result<(), Stop> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Stop::Pipe),
        Err(e) => Err(Stop::Fail(format!("cannot write the output: {e}"))),
    }
}

/// Reads a document file, never more than the document limit (so `/dev/zero` or a huge file
/// is refused after reading just past the limit).
fn read_limited(path: &str) -> Result<String, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut bytes = Vec::new();
    f.take(MAX_DOC_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    if bytes.len() > MAX_DOC_BYTES {
        return Err(format!(
            "{path} is larger than the document limit of {MAX_DOC_BYTES} bytes; a playground \
             document is a JSON file well below that"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path} is not UTF-8 text (byte {} is not part of a character); a playground \
             document is a JSON text file",
            e.utf8_error().valid_up_to()
        )
    })
}

fn load(arg: &str) -> Result<ValidDocument, String> {
    if let Some(name) = arg.strip_prefix("preset:") {
        return doc::preset(name).map_err(|e| e.to_string());
    }
    let text = read_limited(arg)?;
    Document::from_json(&text).map_err(|e| format!("{arg}: {e}"))
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// A whole-number flag.
fn whole<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, Stop> {
    match flag(args, name) {
        None if args.iter().any(|a| a == name) => Err(Stop::Usage(format!("{name} needs a value"))),
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| Stop::Usage(format!("{name} expects a whole number ≥ 0, got '{v}'"))),
    }
}

fn train(args: &[String]) -> Result<(), Stop> {
    let path = args
        .first()
        .ok_or_else(|| Stop::Usage("train needs a document".into()))?;
    let mut d = load(path)?;
    if let Some(e) = whole::<usize>(args, "--epochs")? {
        d = d
            .edited(|d| d.training.epochs = e)
            .map_err(|e| format!("--epochs: {e}"))?;
    }
    let seed = whole::<u64>(args, "--seed")?;
    let every = whole::<usize>(args, "--eval-every")?.unwrap_or(1);
    if every == 0 {
        return Err(Stop::Usage("--eval-every must be at least 1".into()));
    }
    let quiet = args.iter().any(|a| a == "--quiet");
    let mut t = Trainer::new(d).map_err(|e| e.to_string())?;
    t.set_test_eval(TestEval::Every(every));
    if let Some(s) = seed {
        t.reset(s);
    }
    let line = |t: &Trainer| {
        let h = t.history();
        let i = h.len().saturating_sub(1);
        json!({
            "epoch": t.epoch(),
            "evals": t.evals(),
            "train_loss": h.train_loss.get(i),
            "test_loss": h.test_loss.get(i).copied().flatten(),
            "train_acc": h.train_acc.get(i),
            "test_acc": h.test_acc.get(i).copied().flatten(),
            "baseline_test_acc": h.baseline_test_acc.last(),
        })
    };
    if !quiet {
        emit(line(&t))?;
    }
    let start = std::time::Instant::now();
    while !t.finished() {
        let s = t.run_epoch();
        if let Some(e) = s.error {
            return Err(Stop::Fail(e));
        }
        if !quiet {
            emit(line(&t))?;
        }
    }
    t.evaluate_test();
    let secs = start.elapsed().as_secs_f64();
    emit(json!({
        "final": line(&t),
        "epochs": t.epoch(),
        "evals": t.evals(),
        "converged": t.converged(),
        "params": t.n_params(),
        "blocks": t.block_sizes(),
        "baseline_params": t.baseline_n_params(),
        "seconds": secs,
        "document": serde_json::to_value(t.document()).unwrap_or_default(),
    }))
}

fn simulate(args: &[String]) -> Result<(), Stop> {
    let path = args
        .first()
        .ok_or_else(|| Stop::Usage("simulate needs a document".into()))?;
    let d = load(path)?;
    let dim = d.data_dim();
    let x: Vec<f64> = match flag(args, "--x") {
        None => vec![0.0; dim],
        Some(v) => {
            let parts: Vec<f64> = v
                .split(',')
                .map(|p| p.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    Stop::Usage(format!(
                        "--x expects {dim} comma-separated numbers like 0.3,-0.5, got '{v}'"
                    ))
                })?;
            if parts.len() != dim || !parts.iter().all(|p| p.is_finite()) {
                return Err(Stop::Usage(format!(
                    "--x expects {dim} finite numbers (the data has {dim} inputs), got '{v}'"
                )));
            }
            parts
        }
    };
    let mut m = qmlp::interop::model_of(&d).map_err(|e| e.to_string())?;
    let state = m.state_at(&x, None);
    let n = state.n_qubits();
    let mut expval = serde_json::Map::new();
    for w in 0..n {
        for p in ["X", "Y", "Z"] {
            let ps: qmlp::sim::PauliString =
                format!("{p}{w}").parse().map_err(|e| format!("{e}"))?;
            expval.insert(format!("{p}{w}"), json!(state.expval_pauli(&ps)));
        }
    }
    let outputs = m.forward(&x);
    let pred = m.predict_outputs(&outputs);
    emit(json!({
        "x": x,
        "qubits": n,
        "state_re": state.amplitudes().iter().map(|a| a.re).collect::<Vec<_>>(),
        "state_im": state.amplitudes().iter().map(|a| a.im).collect::<Vec<_>>(),
        "probabilities": state.probabilities(),
        "expval": expval,
        "outputs": outputs,
        "class": pred.class,
        "confidence": pred.confidence,
    }))
}

fn run(args: &[String]) -> Result<(), Stop> {
    let rest = args.get(1..).unwrap_or(&[]);
    match args.first().map(String::as_str) {
        Some("train") => train(rest),
        Some("simulate") => simulate(rest),
        Some("validate") => {
            let p = rest
                .first()
                .ok_or_else(|| Stop::Usage("validate needs a document".into()))?;
            load(p)?;
            emit("ok")
        }
        Some("preset") => {
            let n = rest
                .first()
                .ok_or_else(|| Stop::Usage("preset needs a name (see: qmlp presets)".into()))?;
            let d = doc::preset(n).map_err(|e| e.to_string())?;
            emit(d.to_json())
        }
        Some("presets") => {
            for (name, desc) in doc::PRESETS {
                emit(format!("{name}\t{desc}"))?;
            }
            Ok(())
        }
        Some("version") | Some("--version") => emit(format!("qmlp {}", qmlp::version())),
        Some(other) => Err(Stop::Usage(format!("unknown command '{other}'"))),
        None => Err(Stop::Usage(String::new())),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) | Err(Stop::Pipe) => ExitCode::SUCCESS,
        Err(Stop::Usage(m)) => {
            if !m.is_empty() {
                eprintln!("error: {m}");
            }
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
        Err(Stop::Fail(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
