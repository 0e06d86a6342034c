//! `qmlp`: the playground engine on the command line — the same document, headless.
//!
//! ```text
//! qmlp train    <doc.json | preset:NAME> [--seed N] [--epochs N] [--eval-every K] [--quiet]
//! qmlp simulate <doc.json | preset:NAME> [--x X1,X2,…]
//! qmlp validate <doc.json | preset:NAME>
//! qmlp analyze  <doc.json | preset:NAME> --gradients | --barren | --landscape | --fourier | --expressibility […]
//! qmlp export   <doc.json | preset:NAME> --to pennylane | qiskit | pennylane-torch | qiskit-torch
//! qmlp preset NAME
//! qmlp presets
//! qmlp version
//! ```
//! `train` prints one JSON line per epoch and a final JSON line with the metrics and the
//! trained document with its run state (so a later `train` continues it); `simulate` prints the state, probabilities and expectation values for a
//! data point as JSON; `analyze` prints one JSON object with a key per requested analysis
//! (the training debugger, see `qmlp::debugger`). Errors go to stderr with exit code 1 (2 for bad usage). When the reader
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
  qmlp analyze  <doc.json | preset:NAME> [--gradients] [--barren] [--landscape] [--fourier]
                [--expressibility] [--epochs N] [--seed N] [--samples N] [--layers N]
                [--qubits A-B] [--resolution N] [--span S] [--params I,J] [--input K]
                [--pairs N] [--save FILE]
  qmlp export   <doc.json | preset:NAME> --to pennylane|qiskit|pennylane-torch|qiskit-torch
  qmlp preset   NAME
  qmlp presets
  qmlp version

  --seed N        fresh initial values for the trainable numbers (fixed ones are kept)
  --eval-every K  evaluate the test split every K epochs and at the end (default 1)

analyze (one JSON object, a key per analysis; at least one analysis flag):
  --gradients      |dL/dθ| per block and per trainable gate of the last step, the per-epoch
                   block norms and the vanishing-gradient warning (trains 1 epoch unless
                   --epochs says otherwise)
  --barren         variance of dC/dθ0 for the drawn circuit over 1..--layers layers (default 6)
                   and for the reference circuit over --qubits (default 2-10, 50 layers),
                   --samples random circuits per point (default 200), with fitted slopes
  --landscape      the loss on a --resolution² grid (default 41) within ±--span (default π)
                   around the weights, along two random directions or the parameters --params I,J
  --fourier        the first output against input --input K (default 1) and its spectrum
  --expressibility KL divergence from Haar and entangling capability from --pairs pairs
                   (default 2000), ranked among the templates with 1..3 layers
  --epochs N       train N epochs before analysing
  --save FILE      also write the document with the analyses to FILE";

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
        "document": serde_json::to_value(t.snapshot()).unwrap_or_default(),
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

/// A `A-B` or `A` range of whole numbers.
fn range_flag(args: &[String], name: &str, default: Vec<usize>) -> Result<Vec<usize>, Stop> {
    let Some(v) = flag(args, name) else {
        return Ok(default);
    };
    let bad = || {
        Stop::Usage(format!(
            "{name} expects A-B or A (whole numbers, A ≤ B), got '{v}'"
        ))
    };
    let (a, b) = match v.split_once('-') {
        Some((a, b)) => (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        ),
        None => {
            let a: usize = v.trim().parse().map_err(|_| bad())?;
            (a, a)
        }
    };
    if a > b {
        return Err(bad());
    }
    Ok((a..=b).collect())
}

/// A finite number flag.
fn number(args: &[String], name: &str) -> Result<Option<f64>, Stop> {
    match flag(args, name) {
        None if args.iter().any(|a| a == name) => Err(Stop::Usage(format!("{name} needs a value"))),
        None => Ok(None),
        Some(v) => match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(Stop::Usage(format!("{name} expects a number, got '{v}'"))),
        },
    }
}

fn analyze(args: &[String]) -> Result<(), Stop> {
    use qmlp::analysis::expressibility::ExpressibilitySpec;
    use qmlp::analysis::landscape::{Directions, LandscapeSpec};
    use qmlp::debugger;
    let path = args
        .first()
        .ok_or_else(|| Stop::Usage("analyze needs a document".into()))?;
    let has = |f: &str| args.iter().any(|a| a == f);
    let wanted: Vec<&str> = [
        "--gradients",
        "--barren",
        "--landscape",
        "--fourier",
        "--expressibility",
    ]
    .into_iter()
    .filter(|f| has(f))
    .collect();
    if wanted.is_empty() {
        return Err(Stop::Usage(
            "analyze needs at least one of --gradients, --barren, --landscape, --fourier, --expressibility".into(),
        ));
    }
    let d = load(path)?;
    let seed = whole::<u64>(args, "--seed")?.unwrap_or(1);
    let epochs = whole::<usize>(args, "--epochs")?;
    let mut t = Trainer::new(d).map_err(|e| e.to_string())?;
    let train_for = epochs.unwrap_or(usize::from(has("--gradients")));
    for _ in 0..train_for {
        if let Some(e) = t.run_epoch().error {
            return Err(Stop::Fail(e));
        }
    }
    let fail = |what: &str, e: debugger::AnalysisError| Stop::Fail(format!("{what}: {e}"));
    let mut out = serde_json::Map::new();
    out.insert("epoch".into(), json!(t.epoch()));
    out.insert("trained_epochs".into(), json!(train_for));
    let mut results = Vec::new();
    if has("--gradients") {
        out.insert("gradients".into(), json!(debugger::gradient_report(&t)));
    }
    if has("--barren") {
        let samples = whole::<usize>(args, "--samples")?.unwrap_or(200);
        let layers = whole::<usize>(args, "--layers")?.unwrap_or(6);
        let qubits = range_flag(args, "--qubits", (2..=10).collect())?;
        let job = debugger::barren_job(&t.spec().circuit, layers, qubits, 50, samples, seed)
            .map_err(|e| fail("--barren", e))?;
        results.push(("barren", job.run().map_err(|e| fail("--barren", e))?));
    }
    if has("--landscape") {
        let resolution = whole::<usize>(args, "--resolution")?.unwrap_or(41);
        let span = number(args, "--span")?.unwrap_or(std::f64::consts::PI);
        let directions = match flag(args, "--params") {
            None => Directions::Random { seed, params: None },
            Some(v) => {
                let ij: Vec<usize> = v
                    .split(',')
                    .map(|p| p.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| {
                        Stop::Usage(format!(
                            "--params expects I,J (two parameter indices), got '{v}'"
                        ))
                    })?;
                match ij[..] {
                    [first, second] => Directions::Params { first, second },
                    _ => {
                        return Err(Stop::Usage(format!(
                            "--params expects I,J (two parameter indices), got '{v}'"
                        )))
                    }
                }
            }
        };
        let spec = LandscapeSpec {
            directions,
            span,
            resolution,
        };
        let job = debugger::landscape_job(&t, spec).map_err(|e| fail("--landscape", e))?;
        results.push(("landscape", job.run().map_err(|e| fail("--landscape", e))?));
    }
    if has("--fourier") {
        let input = whole::<usize>(args, "--input")?.unwrap_or(1);
        if input == 0 {
            return Err(Stop::Usage("--input counts from 1".into()));
        }
        let r = debugger::fourier_report(&t, input - 1, 0).map_err(|e| fail("--fourier", e))?;
        out.insert("fourier".into(), json!(r));
    }
    if has("--expressibility") {
        let pairs = whole::<usize>(args, "--pairs")?.unwrap_or(2000);
        let spec = ExpressibilitySpec {
            pairs,
            bins: 75,
            seed,
        };
        let job = debugger::expressibility_job(&t.spec().circuit, spec, 3)
            .map_err(|e| fail("--expressibility", e))?;
        results.push((
            "expressibility",
            job.run().map_err(|e| fail("--expressibility", e))?,
        ));
    }
    for (key, r) in &results {
        out.insert((*key).into(), json!(r));
    }
    if let Some(file) = flag(args, "--save") {
        let mut doc = t.snapshot();
        doc.analyses = results.into_iter().map(|(_, r)| r).collect();
        let valid = doc.validated().map_err(|e| format!("--save: {e}"))?;
        std::fs::write(file, valid.to_json()).map_err(|e| format!("--save {file}: {e}"))?;
    }
    emit(serde_json::Value::Object(out))
}

/// `qmlp export DOC --to FRAMEWORK`: the model as a script, on stdout.
fn export(args: &[String]) -> Result<(), Stop> {
    use qmlp::interop::{python, torch};
    let d = load(
        args.first()
            .ok_or_else(|| Stop::Usage("export needs a document".into()))?,
    )?;
    let text = match flag(args, "--to") {
        Some("pennylane") => python::pennylane_script(&d),
        Some("qiskit") => python::qiskit_script(&d),
        Some("pennylane-torch") => torch::pennylane_torch_script(&d),
        Some("qiskit-torch") => torch::qiskit_torch_script(&d),
        Some(other) => {
            return Err(Stop::Usage(format!(
                "--to '{other}': use pennylane, qiskit, pennylane-torch or qiskit-torch"
            )))
        }
        None => return Err(Stop::Usage("export needs --to FRAMEWORK".into())),
    }
    .map_err(|e| format!("export: {e}"))?;
    emit(text.trim_end())
}

fn run(args: &[String]) -> Result<(), Stop> {
    let rest = args.get(1..).unwrap_or(&[]);
    match args.first().map(String::as_str) {
        Some("train") => train(rest),
        Some("simulate") => simulate(rest),
        Some("analyze") => analyze(rest),
        Some("export") => export(rest),
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
