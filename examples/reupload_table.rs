//! The data re-uploading paper's tables as the playground computes them: problems × layers ×
//! {χ_f, χ_wf}, on 1 qubit and on 2 (and 4) qubits with and without CZ entanglers — the test
//! success rate and the seconds of every cell, beside the reference values of
//! `bench/reupload_paper_table.json`, and the count of cells within ±0.03, better and worse.
//!
//! ```text
//! cargo run --release --example reupload_table -- [--qubits 1,2] [--problems circle,squares]
//!     [--layers 1-10] [--costs chi_f,chi_wf] [--stream numpy|playground] [--budget code|none]
//!     [--reference bench/reupload_paper_table.json] [--detail]
//! ```
//!
//! `--detail` adds every cell's training accuracy and final training loss; with the
//! environment variable `REUPLOAD_TRACE` set, every cell's first 40 training losses (one per
//! L-BFGS iteration) go to stderr, to compare paths with another optimizer.
//!
//! Every cell is `doc::paper_document`'s model (the paper's gate packing, label states, costs
//! and L-BFGS with scipy's tolerances) trained by the `Trainer` to convergence, the test set
//! evaluated once at the end (`TestEval::OnRequest`).
//!
//! `--stream numpy` (the default) feeds every cell the very numbers the paper's code draws:
//! numpy's legacy Mersenne Twister seeded with 30 (`np.random.seed(30)`), the points first
//! (`2·rand(d) − 1` each, training points first), then θ and w — so the cells are comparable
//! with runs of the authors' code. `--stream playground` uses the playground's own generators
//! from the seed (what the presets do).
//!
//! `--budget code` (the default) stops L-BFGS after as many loss-and-gradient evaluations as
//! the paper's scipy call affords: scipy stops at 15 000 loss evaluations (`maxfun`) and its
//! finite-difference gradient spends `n + 1` of them per gradient of `n` parameters, so
//! `⌊15 000 / (n + 1)⌋` gradients. `--budget none` runs to convergence.
//!
//! The reference values are labelled as what they are: the file holds no number of the paper
//! itself (its tables could not be found here), only third-party reruns of the authors' code.

use std::collections::HashMap;
use std::time::Instant;

use qmlp::data::paper::PaperProblem;
use qmlp::data::{DatasetKind, DatasetSpec};
use qmlp::doc::{self, Document};
use qmlp::learn::loss::LossKind;
use qmlp::learn::optim::OptimizerSpec;
use qmlp::train::{TestEval, Trainer};

/// numpy's legacy `RandomState` stream: MT19937 seeded by `init_genrand` (what
/// `np.random.seed(s)` does for an integer `s < 2³²`), doubles as `(a·2²⁶ + b) / 2⁵³` from two
/// 32-bit outputs (`a` shifted right by 5, `b` by 6), as `np.random.rand` draws them. Written
/// from the published algorithm (Matsumoto & Nishimura, 1998).
struct NumpyStream {
    mt: [u32; 624],
    index: usize,
}

impl NumpyStream {
    fn new(seed: u32) -> NumpyStream {
        let mut mt = [0u32; 624];
        mt[0] = seed;
        for i in 1..624 {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        NumpyStream { mt, index: 624 }
    }

    fn twist(&mut self) {
        for i in 0..624 {
            let y = (self.mt[i] & 0x8000_0000) | (self.mt[(i + 1) % 624] & 0x7fff_ffff);
            let mut v = self.mt[(i + 397) % 624] ^ (y >> 1);
            if y & 1 == 1 {
                v ^= 0x9908_b0df;
            }
            self.mt[i] = v;
        }
        self.index = 0;
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            self.twist();
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `np.random.rand()`: uniform in `[0, 1)` with 53 random bits.
    fn uniform(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }
}

/// The seed of the paper's `main.py`.
const CODE_SEED: u32 = 30;

/// A cell: problem, cost, qubits, entangled, layers.
type Key = (String, String, usize, bool, usize);

/// `cell → test success rate` from the reference file, with the label its values are shown
/// under and the sentence that says what they are.
struct Reference {
    values: HashMap<Key, f64>,
    label: String,
    about: String,
}

fn load_reference(path: &str) -> Reference {
    let empty = |about: String| Reference {
        values: HashMap::new(),
        label: "ref".into(),
        about,
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return empty(format!("no reference: {path} could not be read"));
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return empty(format!("no reference: {path} is not JSON"));
    };
    let key = |r: &serde_json::Value| -> Option<(Key, f64)> {
        Some((
            (
                r["problem"].as_str()?.to_string(),
                r["cost"].as_str()?.to_string(),
                r["qubits"].as_u64()? as usize,
                r["entanglement"].as_bool().unwrap_or(false),
                r["layers"].as_u64()? as usize,
            ),
            r["test_success_rate"].as_f64()?,
        ))
    };
    // The paper's own numbers, if the file ever holds them, win.
    let paper: HashMap<_, _> = v["cells"]
        .as_array()
        .map(|a| a.iter().filter_map(key).collect())
        .unwrap_or_default();
    if !paper.is_empty() {
        return Reference {
            values: paper,
            label: "paper".into(),
            about: "paper = the paper's published test success rates (bench/reupload_paper_table.json, cells)".into(),
        };
    }
    let mut values = HashMap::new();
    let mut sources = Vec::new();
    for run in v["third_party_runs"].as_array().into_iter().flatten() {
        for r in run["runs"].as_array().into_iter().flatten() {
            // The first source that has a cell gives it.
            if let Some((k, val)) = key(r) {
                values.entry(k).or_insert(val);
            }
        }
        if let Some(s) = run["source_repository"].as_str() {
            sources.push(s.to_string());
        }
    }
    Reference {
        values,
        label: "rerun".into(),
        about: format!(
            "rerun = a third party's single run of the authors' own code (seed 30, scipy \
             L-BFGS-B; {}), NOT the paper's published values, which could not be found here \
             (bench/reupload_paper_table.json says where it looked)",
            sources.join(", ")
        ),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Stream {
    Numpy,
    Playground,
}

struct Options {
    qubits: Vec<usize>,
    problems: Vec<PaperProblem>,
    layers: Vec<usize>,
    costs: Vec<LossKind>,
    stream: Stream,
    code_budget: bool,
    reference: String,
    detail: bool,
}

fn parse_args() -> Result<Options, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let list = |name: &str, default: &str| get(name).unwrap_or_else(|| default.to_string());
    let qubits = list("--qubits", "1,2")
        .split(',')
        .map(|q| {
            q.trim()
                .parse::<usize>()
                .map_err(|_| format!("--qubits: '{q}'"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let all: Vec<&str> = PaperProblem::all().iter().map(|p| p.name()).collect();
    let problems = list("--problems", &all.join(","))
        .split(',')
        .map(|p| PaperProblem::from_name(p.trim()).ok_or(format!("--problems: unknown '{p}'")))
        .collect::<Result<Vec<_>, _>>()?;
    let layers_text = list("--layers", "1-10");
    let layers: Vec<usize> = if let Some((a, b)) = layers_text.split_once('-') {
        let a: usize = a.parse().map_err(|_| "--layers: a-b".to_string())?;
        let b: usize = b.parse().map_err(|_| "--layers: a-b".to_string())?;
        (a..=b).collect()
    } else {
        layers_text
            .split(',')
            .map(|l| {
                l.trim()
                    .parse::<usize>()
                    .map_err(|_| format!("--layers: '{l}'"))
            })
            .collect::<Result<_, _>>()?
    };
    let costs = list("--costs", "chi_f,chi_wf")
        .split(',')
        .map(|c| match c.trim() {
            "chi_f" => Ok(LossKind::ChiF),
            "chi_wf" => Ok(LossKind::ChiWf),
            other => Err(format!("--costs: '{other}' (chi_f or chi_wf)")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let stream = match list("--stream", "numpy").as_str() {
        "numpy" => Stream::Numpy,
        "playground" => Stream::Playground,
        other => return Err(format!("--stream: '{other}' (numpy or playground)")),
    };
    let code_budget = match list("--budget", "code").as_str() {
        "code" => true,
        "none" => false,
        other => return Err(format!("--budget: '{other}' (code or none)")),
    };
    Ok(Options {
        qubits,
        problems,
        layers,
        costs,
        stream,
        code_budget,
        reference: list("--reference", "bench/reupload_paper_table.json"),
        detail: args.iter().any(|a| a == "--detail"),
    })
}

/// One trained cell.
struct Cell {
    test: f64,
    train: f64,
    loss: f64,
    seconds: f64,
    iterations: usize,
    evals: u64,
    stop: &'static str,
}

/// A dataset spec holding `rows` as the fixed split: the first `n_train` train, the rest test.
fn fixed_split(rows: Vec<Vec<f64>>, n_train: usize, seed: u64) -> DatasetSpec {
    let mut rows = rows;
    let test = rows.split_off(n_train);
    DatasetSpec {
        kind: DatasetKind::Custom,
        points: n_train,
        custom: rows,
        test,
        seed,
        ..DatasetSpec::default()
    }
}

/// The paper's experiment for one cell as a document (see the module doc for the streams).
fn cell_document(
    problem: PaperProblem,
    qubits: usize,
    entangled: bool,
    layers: usize,
    cost: LossKind,
    opts: &Options,
) -> Result<Document, String> {
    let seed = u64::from(CODE_SEED);
    let mut d = match opts.stream {
        Stream::Playground => doc::paper_document(problem, qubits, layers, cost, entangled, seed)
            .map_err(|e| e.to_string())?
            .into_inner(),
        Stream::Numpy => {
            let mut mt = NumpyStream::new(CODE_SEED);
            let (n_train, n_test) = problem.paper_sizes();
            let rows: Vec<Vec<f64>> = (0..n_train + n_test)
                .map(|_| {
                    let x: Vec<f64> = (0..problem.dim())
                        .map(|_| 2.0 * mt.uniform() - 1.0)
                        .collect();
                    let label = problem.label(&x).unwrap_or(0);
                    let mut r = x;
                    r.push(label as f64);
                    r
                })
                .collect();
            let mut d = doc::paper_document_from(
                problem,
                qubits,
                layers,
                cost,
                entangled,
                seed,
                &mut || mt.uniform(),
            )
            .map_err(|e| e.to_string())?
            .into_inner();
            d.data = fixed_split(rows, n_train, seed);
            d
        }
    };
    if opts.code_budget {
        // Trainable numbers: θ and w of every gate, plus χ_wf's class weights.
        let mut n = d
            .circuit
            .gates
            .iter()
            .flat_map(|g| &g.params)
            .map(|a| a.n_trainable())
            .sum::<usize>();
        if d.head.trainable {
            n += d.head.scale.len();
        }
        if let OptimizerSpec::Lbfgs { max_evals, .. } = &mut d.training.optimizer {
            *max_evals = Some((15_000 / (n + 1)).max(1) as u64);
        }
    }
    Ok(d)
}

fn run_cell(d: Document) -> Result<Cell, String> {
    let start = Instant::now();
    let v = d.validated().map_err(|e| e.to_string())?;
    let mut t = Trainer::new(v).map_err(|e| e.to_string())?;
    t.set_test_eval(TestEval::OnRequest);
    while !t.finished() {
        let s = t.step(usize::MAX);
        if let Some(e) = s.error {
            return Err(e);
        }
    }
    t.evaluate_test();
    let seconds = start.elapsed().as_secs_f64();
    let h = t.history();
    if std::env::var_os("REUPLOAD_TRACE").is_some() {
        let losses: Vec<String> = h
            .train_loss
            .iter()
            .take(41)
            .map(|v| format!("{v:.8}"))
            .collect();
        eprintln!("losses: {}", losses.join(" "));
    }
    Ok(Cell {
        test: h.last_test_acc().unwrap_or(f64::NAN),
        train: h.train_acc.last().copied().unwrap_or(f64::NAN),
        loss: h.train_loss.last().copied().unwrap_or(f64::NAN),
        seconds,
        iterations: t.epoch(),
        evals: t.evals(),
        stop: match t.converged() {
            Some(s) if s.contains("gtol") => "g",
            Some(s) if s.contains("ftol") => "f",
            Some(s) if s.contains("max_evals") => "b",
            Some(_) => "l",
            None => "i",
        },
    })
}

/// How a cell compares with its reference: within ±0.03, better, or worse.
#[derive(Default)]
struct Tally {
    within: usize,
    better: usize,
    worse: usize,
    seconds: f64,
    cells: usize,
}

impl Tally {
    fn add(&mut self, ours: f64, reference: Option<f64>) -> &'static str {
        match reference {
            None => "",
            Some(r) if (ours - r).abs() <= 0.03 => {
                self.within += 1;
                ""
            }
            Some(r) if ours > r => {
                self.better += 1;
                " +"
            }
            Some(_) => {
                self.worse += 1;
                " −"
            }
        }
    }
}

fn main() {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let reference = load_reference(&opts.reference);
    println!(
        "Data re-uploading classifier: the paper's problems, test success rate (4 000 points) and \
         seconds per cell.\nStream: {}; L-BFGS (memory 10, scipy's ftol/gtol){}.\n{}\n\
         Δ = ours − {}; a trailing + / − marks a cell more than 0.03 better / worse. Stop: \
         f = ftol, g = gtol, b = evaluation budget, l = line search, i = iteration cap.\n",
        match opts.stream {
            Stream::Numpy =>
                "numpy's MT19937 seeded with 30, the paper code's own points and initial weights",
            Stream::Playground => "the playground's generators, seed 30",
        },
        if opts.code_budget {
            ", at most ⌊15 000/(n+1)⌋ evaluations as the code's scipy call"
        } else {
            ", run to convergence"
        },
        reference.about,
        reference.label,
    );
    let mut grand = Tally::default();
    for &q in &opts.qubits {
        let variants: &[bool] = if q == 1 { &[false] } else { &[false, true] };
        for &entangled in variants {
            let mut tally = Tally::default();
            let costs: Vec<LossKind> = opts
                .costs
                .iter()
                .copied()
                .filter(|&c| !(q == 4 && c == LossKind::ChiF))
                .collect();
            println!(
                "== {q} qubit{}{} ==",
                if q == 1 { "" } else { "s" },
                if entangled {
                    ", CZ entanglers"
                } else if q > 1 {
                    ", no entanglement"
                } else {
                    ""
                }
            );
            let mut header = format!("{:<15} {:>2}", "problem", "L");
            for c in &costs {
                let name = if *c == LossKind::ChiF {
                    "χ_f"
                } else {
                    "χ_wf"
                };
                header.push_str(&format!(
                    " | {name:>5} {:>6} {:>6} {:>6} {:>5} {:>5}",
                    "s", reference.label, "Δ", "evals", "stop"
                ));
            }
            println!("{header}");
            for &p in &opts.problems {
                for &l in &opts.layers {
                    let mut line = format!("{:<15} {l:>2}", p.name());
                    for &c in &costs {
                        let cost = if c == LossKind::ChiF {
                            "chi_f"
                        } else {
                            "chi_wf"
                        };
                        let r = reference
                            .values
                            .get(&(p.name().to_string(), cost.to_string(), q, entangled, l))
                            .copied();
                        let cell = cell_document(p, q, entangled, l, c, &opts).and_then(run_cell);
                        match cell {
                            Ok(cell) => {
                                tally.seconds += cell.seconds;
                                tally.cells += 1;
                                let mark = tally.add(cell.test, r);
                                let (rs, ds) = match r {
                                    Some(r) => {
                                        (format!("{r:.3}"), format!("{:+.3}", cell.test - r))
                                    }
                                    None => ("".into(), "".into()),
                                };
                                line.push_str(&format!(
                                    " | {:>5.3} {:>6.2} {rs:>6} {:>6} {:>5} {:>5}",
                                    cell.test,
                                    cell.seconds,
                                    format!("{ds}{mark}"),
                                    cell.evals,
                                    format!("{}{}", cell.stop, cell.iterations),
                                ));
                                if opts.detail {
                                    line.push_str(&format!(
                                        " [train {:.3}, loss {:.6}]",
                                        cell.train, cell.loss
                                    ));
                                }
                            }
                            Err(e) => line.push_str(&format!(" | error: {e}")),
                        }
                    }
                    println!("{line}");
                }
            }
            println!(
                "-- {} cells in {:.1} s; against {}: {} within ±0.03, {} better, {} worse\n",
                tally.cells,
                tally.seconds,
                reference.label,
                tally.within,
                tally.better,
                tally.worse
            );
            grand.within += tally.within;
            grand.better += tally.better;
            grand.worse += tally.worse;
            grand.seconds += tally.seconds;
            grand.cells += tally.cells;
        }
    }
    println!(
        "== all: {} cells in {:.1} s; against {}: {} within ±0.03, {} better, {} worse",
        grand.cells, grand.seconds, reference.label, grand.within, grand.better, grand.worse
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// numpy 2.4.6: `np.random.seed(30); u = np.random.rand(20008)` (tests/golden/README.md).
    #[test]
    fn the_stream_is_numpys() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/golden/numpy_seed30.json"
        ))
        .unwrap();
        let g: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut mt = NumpyStream::new(30);
        let u: Vec<f64> = (0..20_003).map(|_| mt.uniform()).collect();
        for (key, at) in [
            ("first", 0),
            ("at_8400", 8400),
            ("at_13500", 13500),
            ("at_20000", 20000),
        ] {
            for (k, want) in g[key].as_array().unwrap().iter().enumerate() {
                assert_eq!(u[at + k], want.as_f64().unwrap(), "{key}[{k}]");
            }
        }
    }
}
