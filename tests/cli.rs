//! The `qmlp` command line as instructors and CI use it: its output, its errors and exit codes.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

fn qmlp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qmlp"))
        .args(args)
        .output()
        .expect("the qmlp binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    serde_json::from_str(text.trim().lines().last().unwrap()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("qmlp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn train_prints_a_line_per_epoch_and_the_trained_document() {
    let out = qmlp(&["train", "preset:xor-entangled", "--epochs", "3"]);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(lines[0]["epoch"], 0);
    assert_eq!(lines[3]["epoch"], 3);
    let last = &lines[4];
    assert_eq!(last["epochs"], 3);
    assert_eq!(last["document"]["state"]["epoch"], 3);
}

#[test]
fn analyze_gradients_reports_blocks_gates_and_epochs() {
    let v = json(&qmlp(&[
        "analyze",
        "preset:default",
        "--gradients",
        "--epochs",
        "2",
    ]));
    let g = &v["gradients"];
    assert_eq!(v["trained_epochs"], 2);
    assert_eq!(g["blocks"].as_array().unwrap().len(), 4);
    assert!(g["blocks"][1].as_f64().unwrap() > 0.0);
    assert!(!g["gates"].as_array().unwrap().is_empty());
    assert_eq!(g["history"].as_array().unwrap().len(), 2);
    assert!(g["warning"].is_null());
    // Without --epochs, one epoch is trained so there is a last step to show.
    let v = json(&qmlp(&["analyze", "preset:default", "--gradients"]));
    assert_eq!(v["trained_epochs"], 1);
}

#[test]
fn analyze_barren_landscape_fourier_and_expressibility_in_one_call_and_saved() {
    let file = tmp("analysed.json");
    let v = json(&qmlp(&[
        "analyze",
        "preset:default",
        "--barren",
        "--qubits",
        "2-4",
        "--layers",
        "2",
        "--samples",
        "30",
        "--landscape",
        "--resolution",
        "7",
        "--span",
        "1",
        "--fourier",
        "--input",
        "2",
        "--expressibility",
        "--pairs",
        "60",
        "--save",
        file.to_str().unwrap(),
    ]));
    let b = &v["barren"];
    assert_eq!(b["kind"], "barren");
    assert_eq!(b["reference"]["points"].as_array().unwrap().len(), 3);
    assert_eq!(b["drawn"]["points"].as_array().unwrap().len(), 2);
    assert!(!b["reference"]["fits"].as_array().unwrap().is_empty());
    let l = &v["landscape"];
    assert_eq!(l["loss"].as_array().unwrap().len(), 49);
    assert_eq!(l["spec"]["span"], 1.0);
    assert_eq!(v["fourier"]["input"], 1);
    assert_eq!(v["fourier"]["input_name"], "x2");
    let e = &v["expressibility"];
    assert_eq!(e["result"]["spec"]["pairs"], 60);
    assert!(e["ranking"]["out_of"].as_u64().unwrap() > 1);
    // The saved document carries the three long analyses and reads back.
    let checked = qmlp(&["validate", file.to_str().unwrap()]);
    assert!(checked.status.success(), "{}", stderr(&checked));
    assert_eq!(String::from_utf8_lossy(&checked.stdout).trim(), "ok");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let kinds: Vec<&str> = doc["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["barren", "landscape", "expressibility"]);
}

#[test]
fn analyze_refuses_bad_usage_with_a_message_and_exit_code_2() {
    for (args, says) in [
        (
            vec!["analyze", "preset:default"],
            "at least one of --gradients",
        ),
        (
            vec!["analyze", "preset:default", "--barren", "--qubits", "5-2"],
            "--qubits expects A-B",
        ),
        (
            vec!["analyze", "preset:default", "--landscape", "--params", "1"],
            "--params expects I,J",
        ),
        (
            vec!["analyze", "preset:default", "--landscape", "--span", "x"],
            "--span expects a number",
        ),
        (
            vec!["analyze", "preset:default", "--fourier", "--input", "0"],
            "counts from 1",
        ),
    ] {
        let out = qmlp(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn analyze_reports_impossible_requests_as_errors_with_exit_code_1() {
    for (args, says) in [
        (
            vec!["analyze", "preset:default", "--fourier", "--input", "7"],
            "input 7 does not exist",
        ),
        (
            vec![
                "analyze",
                "preset:default",
                "--landscape",
                "--params",
                "0,0",
            ],
            "--landscape",
        ),
        (
            vec!["analyze", "no-such-file.json", "--gradients"],
            "no-such-file.json",
        ),
    ] {
        let out = qmlp(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_reader_that_goes_away_stops_training_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qmlp"))
        .args(["train", "preset:default", "--epochs", "200"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"epoch\":0"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn export_writes_each_framework_and_names_bad_choices() {
    for (to, marker) in [
        ("pennylane", "import pennylane as qml"),
        ("qiskit", "from qiskit import QuantumCircuit"),
        ("pennylane-torch", "qml.qnn.TorchLayer(qnode"),
        ("qiskit-torch", "TorchConnector(qnn"),
    ] {
        let out = qmlp(&["export", "preset:iris-hybrid", "--to", to]);
        assert!(out.status.success(), "{to}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.starts_with("#!/usr/bin/env python3") && text.contains(marker),
            "{to}"
        );
    }
    let bad = qmlp(&["export", "preset:iris-hybrid", "--to", "tensorflow"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--to 'tensorflow'"),
        "{}",
        stderr(&bad)
    );
    // A model the Qiskit torch export cannot express: refused with the reason, exit 1.
    let fid = qmlp(&["export", "preset:reupload-1q", "--to", "qiskit-torch"]);
    assert_eq!(fid.status.code(), Some(1));
    assert!(
        stderr(&fid).contains("expectation-value readout"),
        "{}",
        stderr(&fid)
    );
}
