//! `qmlp`: the playground engine on the command line — the same document, headless.
//!
//! ```text
//! qmlp train    <doc.json | preset:NAME> [--seed N] [--epochs N] [--quiet]
//! qmlp simulate <doc.json | preset:NAME> [--x X1,X2]
//! qmlp validate <doc.json>
//! qmlp preset NAME
//! qmlp presets
//! qmlp version
//! ```
//! `train` prints one JSON line per epoch and a final JSON line with the metrics and the
//! trained document; `simulate` prints the state, probabilities and expectation values for a
//! data point as JSON. Errors go to stderr with exit code 1 (2 for bad usage).

use std::process::ExitCode;

use qmlp::doc::{self, Document};
use qmlp::train::Trainer;
use serde_json::json;

const USAGE: &str = "usage:
  qmlp train    <doc.json | preset:NAME> [--seed N] [--epochs N] [--quiet]
  qmlp simulate <doc.json | preset:NAME> [--x X1,X2]
  qmlp validate <doc.json | preset:NAME>
  qmlp preset   NAME
  qmlp presets
  qmlp version";

fn load(arg: &str) -> Result<Document, String> {
    if let Some(name) = arg.strip_prefix("preset:") {
        return doc::preset(name).map_err(|e| e.to_string());
    }
    let text = std::fs::read_to_string(arg).map_err(|e| format!("cannot read {arg}: {e}"))?;
    Document::from_json(&text).map_err(|e| format!("{arg}: {e}"))
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn parse_num<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String> {
    match flag(args, name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| format!("{name} expects a number, got '{v}'")),
    }
}

fn train(args: &[String]) -> Result<(), String> {
    let path = args.first().ok_or("train needs a document")?;
    let mut d = load(path)?;
    if let Some(e) = parse_num::<usize>(args, "--epochs")? {
        d.training.epochs = e;
    }
    let seed = parse_num::<u64>(args, "--seed")?;
    let quiet = args.iter().any(|a| a == "--quiet");
    let mut t = Trainer::new(d).map_err(|e| e.to_string())?;
    if let Some(s) = seed {
        t.reset(s);
    }
    let line = |t: &Trainer| {
        let h = t.history();
        let e = t.epoch();
        json!({
            "epoch": e,
            "train_loss": h.train_loss[e],
            "test_loss": h.test_loss[e],
            "train_acc": h.train_acc[e],
            "test_acc": h.test_acc[e],
            "baseline_test_acc": h.baseline_test_acc.get(e),
        })
    };
    if !quiet {
        println!("{}", line(&t));
    }
    let start = std::time::Instant::now();
    while !t.finished() {
        let s = t.run_epoch();
        if let Some(e) = s.error {
            return Err(e);
        }
        if !quiet {
            println!("{}", line(&t));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let last = line(&t);
    println!(
        "{}",
        json!({
            "final": last,
            "epochs": t.epoch(),
            "params": t.n_params(),
            "baseline_params": t.baseline_n_params(),
            "seconds": secs,
            "document": serde_json::to_value(t.document()).unwrap_or_default(),
        })
    );
    Ok(())
}

fn simulate(args: &[String]) -> Result<(), String> {
    let path = args.first().ok_or("simulate needs a document")?;
    let d = load(path)?;
    let x = match flag(args, "--x") {
        None => [0.0, 0.0],
        Some(v) => {
            let parts: Vec<f64> = v
                .split(',')
                .map(|p| p.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| format!("--x expects two numbers like 0.3,-0.5, got '{v}'"))?;
            match parts[..] {
                [a, b] if a.is_finite() && b.is_finite() => [a, b],
                _ => return Err(format!("--x expects two finite numbers, got '{v}'")),
            }
        }
    };
    let mut m = qmlp::model::Model::new(&d).map_err(|e| e.to_string())?;
    let state = m.state_at(x, None);
    let n = state.n_qubits();
    let mut expval = serde_json::Map::new();
    for w in 0..n {
        for p in ["X", "Y", "Z"] {
            let ps: qmlp::sim::PauliString =
                format!("{p}{w}").parse().map_err(|e| format!("{e}"))?;
            expval.insert(format!("{p}{w}"), json!(state.expval_pauli(&ps)));
        }
    }
    let outputs = m.forward(x);
    let pred = m.predict_outputs(&outputs);
    println!(
        "{}",
        json!({
            "x": x,
            "qubits": n,
            "state_re": state.amplitudes().iter().map(|a| a.re).collect::<Vec<_>>(),
            "state_im": state.amplitudes().iter().map(|a| a.im).collect::<Vec<_>>(),
            "probabilities": state.probabilities(),
            "expval": expval,
            "outputs": outputs,
            "class": pred.class,
            "confidence": pred.confidence,
        })
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or(&[]);
    let result = match args.first().map(String::as_str) {
        Some("train") => train(rest),
        Some("simulate") => simulate(rest),
        Some("validate") => rest
            .first()
            .ok_or_else(|| "validate needs a document".to_string())
            .and_then(|p| load(p))
            .map(|_| println!("ok")),
        Some("preset") => rest
            .first()
            .ok_or_else(|| "preset needs a name (see: qmlp presets)".to_string())
            .and_then(|n| doc::preset(n).map_err(|e| e.to_string()))
            .map(|d| println!("{}", d.to_json())),
        Some("presets") => {
            for (name, desc) in doc::PRESETS {
                println!("{name}\t{desc}");
            }
            Ok(())
        }
        Some("version") | Some("--version") => {
            println!("qmlp {}", qmlp::version());
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
