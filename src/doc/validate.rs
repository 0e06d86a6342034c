//! Reading and checking documents: JSON text → [`ValidDocument`], with errors that name the
//! field (a path such as `circuit.gates[3].wires` or `data.custom[2]`) and say in the page's
//! words what is wrong and what would be accepted.

use std::ops::Deref;

use serde::Serialize;

use super::{
    truncate, AnalysisResult, Angle, BlochPoint, DenseSpec, DocError, Document, LabelState,
    Readout, DOC_VERSION, LOCKABLE, MAX_DENSE_LAYERS, MAX_DENSE_UNITS, MAX_DOC_BYTES, MAX_EPOCHS,
    MAX_GATES, MAX_QUBITS, MAX_SHOTS, MAX_WEIGHT,
};
use crate::doc::feature::Source;
use crate::learn::loss::LossKind;
use crate::learn::optim::OptimizerSpec;
use crate::sim::PauliString;

/// A document that has passed every check: only [`Document::validated`], [`Document::from_json`]
/// and [`Document::from_value`] make one, so code that holds one never checks again.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidDocument(Document);

impl ValidDocument {
    /// Checks `doc` and wraps it.
    pub fn new(mut doc: Document) -> Result<ValidDocument, DocError> {
        validate(&doc)?;
        doc.version = DOC_VERSION;
        Ok(ValidDocument(doc))
    }

    /// The document.
    pub fn into_inner(self) -> Document {
        self.0
    }

    /// Applies a change and checks the result; on error the original is returned untouched
    /// (by not consuming it).
    pub fn edited(&self, f: impl FnOnce(&mut Document)) -> Result<ValidDocument, DocError> {
        let mut d = self.0.clone();
        f(&mut d);
        ValidDocument::new(d)
    }

    /// Applies a change that cannot break validity (the caller vouches for it: e.g. writing
    /// back trainable numbers the trainer keeps finite and within bounds).
    pub(crate) fn trusted_edit(&mut self, f: impl FnOnce(&mut Document)) {
        f(&mut self.0);
    }
}

impl Deref for ValidDocument {
    type Target = Document;

    fn deref(&self) -> &Document {
        &self.0
    }
}

impl PartialEq<Document> for ValidDocument {
    fn eq(&self, other: &Document) -> bool {
        self.0 == *other
    }
}

/// Parses JSON text (at most [`MAX_DOC_BYTES`]) as a document.
pub(super) fn parse(text: &str) -> Result<ValidDocument, DocError> {
    if text.len() > MAX_DOC_BYTES {
        return Err(DocError::new(
            "",
            format!(
                "the document is {} bytes; the limit is {MAX_DOC_BYTES} bytes",
                text.len()
            ),
        ));
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| syntax_error(text, &e))?;
    from_value(value)
}

/// Checks a parsed JSON value as a document.
pub(super) fn from_value(value: serde_json::Value) -> Result<ValidDocument, DocError> {
    if !value.is_object() {
        return Err(DocError::new(
            "",
            "a document is a JSON object such as {\"version\": 2, \"circuit\": …}",
        ));
    }
    match value.get("version") {
        None => return Err(DocError::new("version", "is missing")),
        Some(v) => match v.as_u64() {
            Some(n) if n > u64::from(DOC_VERSION) => {
                return Err(DocError::new(
                    "version",
                    format!(
                        "this document is version {n}, newer than this playground reads \
                         (version {DOC_VERSION}); open it in a newer playground"
                    ),
                ))
            }
            Some(0) | None => {
                return Err(DocError::new(
                    "version",
                    format!("must be a whole number from 1 to {DOC_VERSION}, got {v}"),
                ))
            }
            Some(_) => {}
        },
    }
    // Label states are an untagged choice inside a tagged readout, where serde loses the
    // path: check them one by one first, so the error names the state.
    if let Some(states) = value
        .get("readout")
        .and_then(|r| r.get("states"))
        .and_then(|s| s.as_array())
    {
        for (i, s) in states.iter().enumerate() {
            if serde_json::from_value::<LabelState>(s.clone()).is_err() {
                return Err(DocError::new(
                    format!("readout.states[{i}]"),
                    NOT_A_LABEL_STATE,
                ));
            }
        }
    }
    let doc: Document = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        DocError::new(path, plain_serde_message(&e.into_inner().to_string()))
    })?;
    ValidDocument::new(doc)
}

/// What a label state is, for a value that is none.
const NOT_A_LABEL_STATE: &str = "is not a label state: write a bit string such as \"01\" (one \
     bit per wire from wire 0), a Bloch point {\"theta\": θ, \"phi\": φ} of wire 0, or a list \
     of Bloch points (one per wire from wire 0)";

/// Rewrites serde's wording ("expected usize", "invalid type: …") into the page's.
fn plain_serde_message(msg: &str) -> String {
    let mut m = msg.to_string();
    for (from, to) in [
        ("expected usize", "expected a whole number ≥ 0"),
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected u16", "expected a whole number ≥ 0"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected text in quotes"),
        ("expected a sequence", "expected a list [ … ]"),
        ("invalid type: ", ""),
        ("invalid value: ", ""),
    ] {
        m = m.replace(from, to);
    }
    if let Some(rest) = m.strip_prefix("unknown field `") {
        if let Some((name, tail)) = rest.split_once('`') {
            let expected = tail
                .trim_start_matches(", expected one of ")
                .trim_start_matches(", expected ")
                .replace('`', "");
            return format!(
                "'{}' is not a field here; the fields are: {expected}",
                truncate(name, 40)
            );
        }
    }
    if m.contains("did not match any variant of untagged enum LabelState") {
        return NOT_A_LABEL_STATE.to_string();
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        return format!("needs the field '{}'", rest.trim_end_matches('`'));
    }
    m.replace('`', "'")
}

/// A JSON syntax error with the path of the field being read where it happened (e.g. a `NaN`
/// or `Infinity`, which JSON cannot hold, in `circuit.gates[2].params[0].value`).
fn syntax_error(text: &str, e: &serde_json::Error) -> DocError {
    let offset = line_col_offset(text, e.line(), e.column());
    let path = path_at(text, offset);
    let mut start = offset.saturating_sub(1).min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let rest = &text[start..];
    let token: String = rest
        .trim_start_matches([':', ' ', ',', '['])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '+' || *c == '.')
        .collect();
    let nonfinite = ["NaN", "Infinity", "-Infinity", "inf", "-inf", "nan"]
        .iter()
        .any(|t| token.eq_ignore_ascii_case(t));
    if nonfinite {
        return DocError::new(
            path,
            format!(
                "holds {token}, which is not a finite number (JSON has no NaN or Infinity); \
                 use a finite number"
            ),
        );
    }
    if e.classify() == serde_json::error::Category::Eof {
        // Where the text stops says nothing about a field: the whole document is cut off.
        return DocError::new(
            "",
            "not valid JSON: the text ends too early (the document is cut off)",
        );
    }
    DocError::new(
        path,
        format!(
            "not valid JSON here ({})",
            plain_serde_message(&e.to_string())
        ),
    )
}

/// The byte offset of a 1-based line and column.
fn line_col_offset(text: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let mut c = col.min(l.len());
            while c > 0 && !l.is_char_boundary(c) {
                c -= 1;
            }
            return off + c;
        }
        off += l.len();
    }
    text.len()
}

/// The path (`a.b[3].c`) of the value being read at byte `offset` of a JSON text, found by
/// walking the text up to there.
fn path_at(text: &str, offset: usize) -> String {
    enum Frame {
        Obj(Option<String>),
        Arr(usize),
    }
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let mut pending_key: Option<String> = None;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let s = text.get(start..i.min(text.len())).unwrap_or("").to_string();
                if matches!(stack.last(), Some(Frame::Obj(_))) {
                    pending_key = Some(s);
                }
            }
            b':' => {
                if let Some(Frame::Obj(k)) = stack.last_mut() {
                    *k = pending_key.take();
                }
            }
            b'{' => stack.push(Frame::Obj(None)),
            b'[' => stack.push(Frame::Arr(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Arr(n)) => *n += 1,
                Some(Frame::Obj(k)) => *k = None,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    for f in &stack {
        match f {
            Frame::Obj(Some(k)) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&truncate(k, 40));
            }
            Frame::Obj(None) => {}
            Frame::Arr(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

fn finite(path: &str, v: f64) -> Result<(), DocError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(DocError::new(
            path,
            format!("must be a finite number, got {v}"),
        ))
    }
}

/// A trainable number: finite and within `±MAX_WEIGHT`.
fn weight(path: &str, v: f64) -> Result<(), DocError> {
    finite(path, v)?;
    if v.abs() > MAX_WEIGHT {
        return Err(DocError::new(
            path,
            format!(
                "is {v:e}, beyond ±{MAX_WEIGHT:e}: a trainable number this large has lost its \
                 meaning; use a smaller value (or Reset for fresh weights)"
            ),
        ));
    }
    Ok(())
}

/// Checks every rule a document must obey; the error names the field.
pub(super) fn validate(doc: &Document) -> Result<(), DocError> {
    if doc.version == 0 || doc.version > DOC_VERSION {
        return Err(DocError::new(
            "version",
            format!("must be 1 to {DOC_VERSION}, got {}", doc.version),
        ));
    }
    if doc.title.chars().count() > 200 {
        return Err(DocError::new("title", "is longer than 200 characters"));
    }
    if doc.description.chars().count() > 20_000 {
        return Err(DocError::new(
            "description",
            "is longer than 20000 characters",
        ));
    }
    doc.data.validate().map_err(|e| {
        let path = e
            .path()
            .map_or_else(|| "data".to_string(), |p| format!("data.{p}"));
        DocError::new(path, e.to_string())
    })?;
    validate_preprocess(doc)?;
    validate_dense("pre_net", &doc.pre_net, doc.n_inputs())?;
    validate_circuit(doc)?;
    validate_noise(doc)?;
    if let Some([lo, hi]) = doc.features.range {
        finite("features.range[0]", lo)?;
        finite("features.range[1]", hi)?;
        if lo >= hi {
            return Err(DocError::new(
                "features.range",
                format!("the low end ({lo}) must be below the high end ({hi})"),
            ));
        }
    }
    let n_classes = doc.n_classes();
    validate_readout(doc, n_classes)?;
    let reads = doc.n_readouts();
    if doc.head.scale.len() != reads || doc.head.bias.len() != reads {
        return Err(DocError::new(
            "head",
            format!(
                "needs one scale and one bias per readout value ({reads}), has {} and {}",
                doc.head.scale.len(),
                doc.head.bias.len()
            ),
        ));
    }
    for (i, v) in doc.head.scale.iter().enumerate() {
        weight(&format!("head.scale[{i}]"), *v)?;
    }
    for (i, v) in doc.head.bias.iter().enumerate() {
        weight(&format!("head.bias[{i}]"), *v)?;
    }
    let fidelity = matches!(doc.readout, Readout::Fidelity { .. });
    let weighted = doc.training.loss == LossKind::ChiWf;
    if fidelity && doc.head.trainable && !weighted {
        return Err(DocError::new(
            "head.trainable",
            "a fidelity readout cannot have a trained head: scaling fidelities lets the cost \
             reach 0 without classifying (the scale shrinks to 0 and the bias becomes 1); \
             keep the head fixed at scale 1, bias 0 — or choose the weighted fidelity cost \
             χ_wf, whose targets include every class's fidelity, so its trained scales (the \
             class weights α) cannot shrink the cost to 0",
        ));
    }
    if fidelity && !doc.post_net.is_empty() {
        return Err(DocError::new(
            "post_net",
            "a fidelity readout feeds the fidelity cost directly; classical layers after it \
             need an expectation readout (⟨Z0⟩, …)",
        ));
    }
    validate_dense("post_net", &doc.post_net, reads)?;
    validate_training(doc, n_classes)?;
    if let Some(b) = &doc.baseline {
        b.mlp()
            .validate()
            .map_err(|e| DocError::new("baseline.hidden", e.to_string()))?;
    }
    if let Some(s) = &doc.state {
        s.validate()?;
    }
    validate_analyses(&doc.analyses)?;
    for (i, l) in doc.locked.iter().enumerate() {
        if !LOCKABLE.contains(&l.as_str()) {
            return Err(DocError::new(
                format!("locked[{i}]"),
                format!(
                    "'{}' is not a control that can be locked; use any of: {}",
                    truncate(l, 40),
                    LOCKABLE.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// At most one analysis of each kind, and internally consistent (a landscape's grid holds
/// resolution² losses, at most [`MAX_LANDSCAPE_RESOLUTION`] per side).
fn validate_analyses(list: &[AnalysisResult]) -> Result<(), DocError> {
    let kind = |a: &AnalysisResult| match a {
        AnalysisResult::Barren { .. } => "barren",
        AnalysisResult::Landscape(_) => "landscape",
        AnalysisResult::Expressibility { .. } => "expressibility",
    };
    for (i, a) in list.iter().enumerate() {
        let path = format!("analyses[{i}]");
        if list[..i].iter().any(|b| kind(b) == kind(a)) {
            return Err(DocError::new(
                path,
                format!(
                    "a second {} analysis; a document keeps one of each kind",
                    kind(a)
                ),
            ));
        }
        if let AnalysisResult::Landscape(l) = a {
            let r = l.spec.resolution;
            if !(2..=MAX_LANDSCAPE_RESOLUTION).contains(&r) {
                return Err(DocError::new(
                    format!("{path}.spec.resolution"),
                    format!("must be 2 to {MAX_LANDSCAPE_RESOLUTION}, not {r}"),
                ));
            }
            if l.loss.len() != r * r || l.axis.len() != r {
                return Err(DocError::new(
                    format!("{path}.loss"),
                    format!(
                        "a {r}×{r} grid holds {} losses and {r} axis values, not {} and {}",
                        r * r,
                        l.loss.len(),
                        l.axis.len()
                    ),
                ));
            }
            if l.directions.iter().any(|d| d.len() != l.center.len()) {
                return Err(DocError::new(
                    format!("{path}.directions"),
                    "each direction must be as long as the centre's weights",
                ));
            }
        }
    }
    Ok(())
}

/// The finest landscape a document may carry, points per side.
pub const MAX_LANDSCAPE_RESOLUTION: usize = 101;

fn validate_preprocess(doc: &Document) -> Result<(), DocError> {
    let d = doc.data.dim();
    if let Some(k) = doc.preprocess.pca {
        if !(1..=d).contains(&k) {
            return Err(DocError::new(
                "preprocess.pca",
                format!(
                    "keeps {k} principal components, but the data has {d} input(s); choose 1 to {d}"
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a pre-net or post-net taking `n_in` inputs.
fn validate_dense(name: &str, layers: &[DenseSpec], n_in: usize) -> Result<(), DocError> {
    if layers.len() > MAX_DENSE_LAYERS {
        return Err(DocError::new(
            name,
            format!(
                "has {} layers; at most {MAX_DENSE_LAYERS} dense layers are allowed",
                layers.len()
            ),
        ));
    }
    let mut ins = n_in;
    for (i, l) in layers.iter().enumerate() {
        let p = format!("{name}[{i}]");
        if !(1..=MAX_DENSE_UNITS).contains(&l.units) {
            return Err(DocError::new(
                format!("{p}.units"),
                format!(
                    "is {}; a dense layer has 1 to {MAX_DENSE_UNITS} units",
                    l.units
                ),
            ));
        }
        if !l.weights.is_empty() && l.weights.len() != l.units * ins {
            return Err(DocError::new(
                format!("{p}.weights"),
                format!(
                    "has {} numbers; a layer of {} units on {ins} inputs needs {} (row-major, \
                     one row per unit), or none to draw them",
                    l.weights.len(),
                    l.units,
                    l.units * ins
                ),
            ));
        }
        if !l.bias.is_empty() && l.bias.len() != l.units {
            return Err(DocError::new(
                format!("{p}.bias"),
                format!(
                    "has {} numbers; needs one per unit ({}), or none for zeros",
                    l.bias.len(),
                    l.units
                ),
            ));
        }
        for (k, v) in l.weights.iter().enumerate() {
            weight(&format!("{p}.weights[{k}]"), *v)?;
        }
        for (k, v) in l.bias.iter().enumerate() {
            weight(&format!("{p}.bias[{k}]"), *v)?;
        }
        ins = l.units;
    }
    Ok(())
}

fn validate_circuit(doc: &Document) -> Result<(), DocError> {
    let n = doc.circuit.qubits;
    if n == 0 || n > MAX_QUBITS {
        let extra = if n > MAX_QUBITS {
            crate::sim::check_qubits_with_limit(n, MAX_QUBITS)
                .err()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        } else {
            String::new()
        };
        return Err(DocError::new(
            "circuit.qubits",
            format!("must be from 1 to {MAX_QUBITS}, got {n}{extra}"),
        ));
    }
    if doc.circuit.gates.len() > MAX_GATES {
        return Err(DocError::new(
            "circuit.gates",
            format!(
                "has {} gates; the limit is {MAX_GATES}",
                doc.circuit.gates.len()
            ),
        ));
    }
    let (n_in, n_hidden) = (doc.n_inputs(), doc.n_hidden());
    for (i, g) in doc.circuit.gates.iter().enumerate() {
        let path = format!("circuit.gates[{i}]");
        let name = g.gate.name();
        if g.wires.len() != g.gate.n_wires() {
            return Err(DocError::new(
                format!("{path}.wires"),
                format!(
                    "{name} acts on {} wire(s), {} given",
                    g.gate.n_wires(),
                    g.wires.len()
                ),
            ));
        }
        if !g.controls.is_empty() && !g.gate.is_single_qubit() {
            return Err(DocError::new(
                format!("{path}.controls"),
                format!("only single-qubit gates take extra controls, not {name}"),
            ));
        }
        let all: Vec<usize> = g.all_wires().collect();
        for (k, &w) in all.iter().enumerate() {
            if w >= n {
                return Err(DocError::new(
                    format!("{path}.wires"),
                    format!(
                        "wire {w} does not exist; the circuit has wires 0 to {}",
                        n - 1
                    ),
                ));
            }
            if all[..k].contains(&w) {
                return Err(DocError::new(
                    format!("{path}.wires"),
                    format!("{name} uses wire {w} twice"),
                ));
            }
        }
        if g.params.len() != g.gate.n_params() {
            return Err(DocError::new(
                format!("{path}.params"),
                format!(
                    "{name} takes {} angle(s), {} given",
                    g.gate.n_params(),
                    g.params.len()
                ),
            ));
        }
        if let Some(c) = g.gate.channel() {
            let p = format!("{path}.params[0]");
            match g.params.first() {
                Some(Angle::Const { value }) => c
                    .check_strength(*value)
                    .map_err(|e| DocError::new(format!("{p}.value"), e.to_string()))?,
                _ => {
                    return Err(DocError::new(
                        p,
                        format!(
                            "{name} takes a fixed strength ({} from 0 to 1), not a trainable or                              data-bound angle",
                            c.parameter()
                        ),
                    ))
                }
            }
        }
        for (k, a) in g.params.iter().enumerate() {
            let p = format!("{path}.params[{k}]");
            match a {
                Angle::Const { value } => finite(&format!("{p}.value"), *value)?,
                Angle::Weight { value } => weight(&format!("{p}.value"), *value)?,
                Angle::Feature { scale, .. } => finite(&format!("{p}.scale"), *scale)?,
                Angle::Reupload { w, b, .. } => {
                    weight(&format!("{p}.w"), *w)?;
                    weight(&format!("{p}.b"), *b)?;
                }
            }
            if let Some(f) = a.feature() {
                for s in f.sources() {
                    let missing = match s {
                        Source::Input(i) if i >= n_in => Some(format!(
                            "reads {s}, but the model has {n_in} input(s) (x1 to x{n_in}){}",
                            if doc.preprocess.pca.is_some() {
                                " after PCA"
                            } else {
                                ""
                            }
                        )),
                        Source::Hidden(_) if n_hidden == 0 => Some(format!(
                            "reads {s}, a pre-net output, but there is no pre-net; add a \
                             dense layer before the circuit or bind an input"
                        )),
                        Source::Hidden(j) if j >= n_hidden => Some(format!(
                            "reads {s}, but the pre-net has {n_hidden} output(s) (h1 to h{n_hidden})"
                        )),
                        _ => None,
                    };
                    if let Some(m) = missing {
                        return Err(DocError::new(format!("{p}.feature"), m));
                    }
                }
            }
        }
        if g.col > MAX_GATES {
            return Err(DocError::new(
                format!("{path}.col"),
                format!("column {} is beyond the last column ({MAX_GATES})", g.col),
            ));
        }
    }
    // Two gates in one column must not share a wire.
    let gates = &doc.circuit.gates;
    for (i, a) in gates.iter().enumerate() {
        for (j, b) in gates.iter().enumerate().skip(i + 1) {
            if a.col == b.col {
                if let Some(w) = a.all_wires().find(|w| b.all_wires().any(|v| v == *w)) {
                    return Err(DocError::new(
                        format!("circuit.gates[{j}]"),
                        format!(
                            "{} overlaps gate {i} ({}) on wire {w} in column {}",
                            b.gate.name(),
                            a.gate.name(),
                            a.col
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A probability of the noise model: finite and in [0, 1].
fn probability(path: &str, v: f64, what: &str) -> Result<(), DocError> {
    if !v.is_finite() || !(0.0..=1.0).contains(&v) {
        return Err(DocError::new(
            path,
            format!("is {v}, but it is {what} and must be a number from 0 to 1"),
        ));
    }
    Ok(())
}

fn validate_noise(doc: &Document) -> Result<(), DocError> {
    let nm = &doc.noise;
    probability(
        "noise.p1",
        nm.p1,
        "the depolarizing probability after one-qubit gates",
    )?;
    probability(
        "noise.p2",
        nm.p2,
        "the depolarizing probability after two-qubit gates",
    )?;
    probability(
        "noise.amplitude_damping",
        nm.amplitude_damping,
        "the amplitude damping γ after every gate",
    )?;
    probability(
        "noise.phase_damping",
        nm.phase_damping,
        "the phase damping γ after every gate",
    )?;
    let n = doc.circuit.qubits;
    if nm.readout.len() > 1 && nm.readout.len() != n {
        return Err(DocError::new(
            "noise.readout",
            format!(
                "gives {} readout errors; give one (for every wire) or one per wire ({n})",
                nm.readout.len()
            ),
        ));
    }
    for (w, r) in nm.readout.iter().enumerate() {
        probability(
            &format!("noise.readout[{w}].p1_given_0"),
            r.p1_given_0,
            "p(1|0), the probability of reading 1 from |0⟩,",
        )?;
        probability(
            &format!("noise.readout[{w}].p0_given_1"),
            r.p0_given_1,
            "p(0|1), the probability of reading 0 from |1⟩,",
        )?;
    }
    if nm.trajectories == 0 || nm.trajectories > super::MAX_DOC_TRAJECTORIES {
        return Err(DocError::new(
            "noise.trajectories",
            format!(
                "must be from 1 to {}, got {}",
                super::MAX_DOC_TRAJECTORIES,
                nm.trajectories
            ),
        ));
    }
    if nm.engine == super::NoiseEngine::Density && doc.is_noisy() {
        crate::sim::check_density_qubits(n)
            .map_err(|e| DocError::new("noise.engine", e.to_string()))?;
    }
    Ok(())
}

fn validate_readout(doc: &Document, n_classes: usize) -> Result<(), DocError> {
    let n = doc.circuit.qubits;
    match &doc.readout {
        Readout::Expval { observables } => {
            if observables.is_empty() || observables.len() > 16 {
                return Err(DocError::new(
                    "readout.observables",
                    "needs from 1 to 16 observables",
                ));
            }
            for (i, o) in observables.iter().enumerate() {
                let p: PauliString = o.parse().map_err(|e: crate::sim::SimError| {
                    DocError::new(format!("readout.observables[{i}]"), e.to_string())
                })?;
                p.validate(n).map_err(|e| {
                    DocError::new(format!("readout.observables[{i}]"), e.to_string())
                })?;
            }
        }
        Readout::Fidelity { states, per_wire } => {
            if states.len() != n_classes {
                return Err(DocError::new(
                    "readout.states",
                    format!(
                        "needs one label state per class ({n_classes}), has {}",
                        states.len()
                    ),
                ));
            }
            let expected = if n == 1 {
                "one character: 0 or 1, or a Bloch point {\"theta\": θ, \"phi\": φ}".to_string()
            } else {
                format!(
                    "1 to {n} characters, each 0 or 1 (one per wire from wire 0), a Bloch point \
                     {{\"theta\": θ, \"phi\": φ}} of wire 0, or a list of 1 to {n} Bloch points"
                )
            };
            let m = states.first().map_or(1, LabelState::n_wires);
            for (i, s) in states.iter().enumerate() {
                let path = format!("readout.states[{i}]");
                match s {
                    LabelState::Basis(b) => {
                        if b.is_empty()
                            || b.chars().count() > n
                            || !b.chars().all(|c| c == '0' || c == '1')
                        {
                            return Err(DocError::new(
                                path,
                                format!(
                                    "'{}' is not a label state here; a label state is {expected}",
                                    truncate(b, 40)
                                ),
                            ));
                        }
                    }
                    LabelState::Bloch(p) => bloch(&path, p)?,
                    LabelState::Product(v) => {
                        if v.is_empty() || v.len() > n {
                            return Err(DocError::new(
                                path,
                                format!(
                                    "lists {} Bloch point(s); a product label state has one per \
                                     wire, 1 to {n}",
                                    v.len()
                                ),
                            ));
                        }
                        for (j, p) in v.iter().enumerate() {
                            bloch(&format!("{path}[{j}]"), p)?;
                        }
                    }
                }
                if s.n_wires() != m {
                    return Err(DocError::new(
                        path,
                        format!(
                            "covers {} wire(s), but label state 0 covers {m}; every label state \
                             must cover the same wires",
                            s.n_wires()
                        ),
                    ));
                }
                if let Some(j) = states[..i].iter().position(|t| t.fidelity(s) > 1.0 - 1e-9) {
                    return Err(DocError::new(
                        path,
                        format!(
                            "{} is the same state as class {j}'s; two classes need different \
                             label states",
                            s.describe()
                        ),
                    ));
                }
            }
            if *per_wire {
                if m != 1 {
                    return Err(DocError::new(
                        "readout.per_wire",
                        format!(
                            "a per-wire readout compares every wire with a single-qubit label \
                             state, but the label states cover {m} wires; use one bit or one \
                             Bloch point per class"
                        ),
                    ));
                }
                if doc.training.loss != LossKind::ChiWf {
                    return Err(DocError::new(
                        "readout.per_wire",
                        format!(
                            "per-wire fidelities are the readout of the weighted fidelity cost \
                             (χ_wf), which weighs them per class; the {} loss needs one fidelity \
                             per class — choose χ_wf, or turn per_wire off",
                            doc.training.loss.label()
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A Bloch point: finite angles.
fn bloch(path: &str, p: &BlochPoint) -> Result<(), DocError> {
    finite(&format!("{path}.theta"), p.theta)?;
    finite(&format!("{path}.phi"), p.phi)
}

fn validate_training(doc: &Document, n_classes: usize) -> Result<(), DocError> {
    let t = &doc.training;
    t.optimizer
        .validate()
        .map_err(|e| DocError::new(format!("training.optimizer.{}", e.field), e.to_string()))?;
    if t.batch_size == 0 || t.batch_size > crate::data::MAX_POINTS {
        return Err(DocError::new(
            "training.batch_size",
            format!(
                "must be from 1 to {}, got {}",
                crate::data::MAX_POINTS,
                t.batch_size
            ),
        ));
    }
    if t.epochs == 0 || t.epochs > MAX_EPOCHS {
        return Err(DocError::new(
            "training.epochs",
            format!("must be from 1 to {MAX_EPOCHS}, got {}", t.epochs),
        ));
    }
    if let Some(s) = t.shots {
        if s == 0 || s > MAX_SHOTS {
            return Err(DocError::new(
                "training.shots",
                format!("must be from 1 to {MAX_SHOTS} (or null for exact), got {s}"),
            ));
        }
    }
    finite("training.l2", t.l2)?;
    if t.l2 < 0.0 {
        return Err(DocError::new("training.l2", "must not be negative"));
    }
    if matches!(t.optimizer, OptimizerSpec::Lbfgs { .. }) && t.shots.is_some() {
        return Err(DocError::new(
            "training.shots",
            "L-BFGS compares exact loss values in its line search, and shot estimates make \
             every value noisy; train with exact expectation values (shots: null), or choose \
             SGD, momentum or Adam for shots",
        ));
    }
    let fidelity = matches!(doc.readout, Readout::Fidelity { .. });
    let outs = doc.n_outputs();
    if let Err(why) = t.loss.fits(fidelity, outs, n_classes) {
        return Err(DocError::new("training.loss", why));
    }
    Ok(())
}
