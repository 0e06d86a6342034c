//! OpenQASM 2 import: the subset Qiskit writes (`qelib1.inc` gates the engine has, constant
//! angle expressions, registers, `barrier`, final `measure`) into a [`CircuitSpec`] with constant
//! angles and as-soon-as-possible columns. Anything else is an error naming the line and the
//! token; nothing partial is returned.

use super::super::InteropError;
use crate::doc::{Angle, CircuitSpec, GateSpec, MAX_GATES, MAX_QUBITS};
use crate::sim::GateKind;

/// The largest OpenQASM text accepted, in bytes.
pub const MAX_QASM_BYTES: usize = 1_000_000;

/// Deepest nesting of parentheses and unary signs in an angle expression.
const MAX_EXPR_DEPTH: usize = 64;

/// A successfully imported circuit and notes on what was ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct QasmImport {
    /// The circuit, one wire per declared qubit (registers in declaration order).
    pub circuit: CircuitSpec,
    /// Things the import skipped on purpose, e.g. final measurements, one line each.
    pub notes: Vec<String>,
}

/// Reads an OpenQASM 2 program into a circuit with constant angles.
///
/// ```
/// let text = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\nrz(-pi/4) q[1];\n";
/// let c = qmlp::interop::qasm::import_qasm2(text).unwrap().circuit;
/// assert_eq!((c.qubits, c.gates.len()), (2, 3));
/// let e = qmlp::interop::qasm::import_qasm2("OPENQASM 2.0;\nqreg q[1];\nfoo q[0];").unwrap_err();
/// assert_eq!(e.to_string(), "line 3: unknown gate 'foo'");
/// ```
pub fn import_qasm2(text: &str) -> Result<QasmImport, InteropError> {
    if text.len() > MAX_QASM_BYTES {
        return Err(InteropError::new(format!(
            "the OpenQASM file is {} bytes; the limit is {MAX_QASM_BYTES} bytes",
            text.len()
        )));
    }
    let tokens = lex(text)?;
    Parser {
        toks: tokens,
        pos: 0,
        regs: Vec::new(),
        cregs: Vec::new(),
        n_qubits: 0,
        gates: Vec::new(),
        next_col: Vec::new(),
        measured: Vec::new(),
        notes: Vec::new(),
        last_line: text.lines().count().max(1),
    }
    .program()
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Num(f64, String),
    Str(String),
    Sym(&'static str),
}

impl Tok {
    fn show(&self) -> String {
        match self {
            Tok::Ident(s) | Tok::Num(_, s) => format!("'{}'", clip(s)),
            Tok::Str(s) => format!("\"{}\"", clip(s)),
            Tok::Sym(s) => format!("'{s}'"),
        }
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

const SYMBOLS: [&str; 14] = [
    "->", "==", ";", ",", "(", ")", "[", "]", "{", "}", "+", "-", "*", "/",
];

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, InteropError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let start = line;
            i += 2;
            loop {
                if i >= b.len() {
                    return Err(InteropError::at(start, "a /* comment is never closed"));
                }
                if b[i..].starts_with(b"*/") {
                    i += 2;
                    break;
                }
                if b[i] == b'\n' {
                    line += 1;
                }
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident(text[s..i].to_string()), line));
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    i = j;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s = &text[s..i];
            let v: f64 = s
                .parse()
                .map_err(|_| InteropError::at(line, format!("'{}' is not a number", clip(s))))?;
            out.push((Tok::Num(v, s.to_string()), line));
        } else if c == b'"' {
            let s = i + 1;
            i += 1;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                i += 1;
            }
            if i >= b.len() || b[i] != b'"' {
                return Err(InteropError::at(line, "a string is not closed on its line"));
            }
            out.push((Tok::Str(text[s..i].to_string()), line));
            i += 1;
        } else if let Some(sym) = SYMBOLS.iter().find(|s| b[i..].starts_with(s.as_bytes())) {
            out.push((Tok::Sym(sym), line));
            i += sym.len();
        } else if c == b'^' {
            out.push((Tok::Sym("^"), line));
            i += 1;
        } else {
            let ch: String = text[i..].chars().take(1).collect();
            return Err(InteropError::at(
                line,
                format!("unexpected character '{}'", ch.escape_default()),
            ));
        }
    }
    Ok(out)
}

/// How a qelib1 gate maps onto the playground's gates.
#[derive(Clone, Copy)]
enum Map {
    /// A playground gate on the arguments in order; the parameters as given.
    Kind(GateKind),
    /// A single-qubit playground gate on the last argument, controlled by the others.
    Controlled(GateKind),
    /// U3 with the parameters rearranged (u2(φ, λ) = U3(π/2, φ, λ)).
    U2,
    /// cu(θ, φ, λ, γ): PhaseShift(γ) on the control, then controlled U3(θ, φ, λ).
    Cu,
    /// Does nothing to the state (id, u0).
    Identity,
}

/// (name, parameters, qubits, mapping) for every supported `qelib1.inc` gate.
const GATES: &[(&str, usize, usize, Map)] = {
    use GateKind::*;
    use Map::*;
    &[
        ("U", 3, 1, Kind(U3)),
        ("u", 3, 1, Kind(U3)),
        ("u3", 3, 1, Kind(U3)),
        ("u2", 2, 1, U2),
        ("u1", 1, 1, Kind(PhaseShift)),
        ("p", 1, 1, Kind(PhaseShift)),
        ("u0", 1, 1, Identity),
        ("id", 0, 1, Identity),
        ("x", 0, 1, Kind(X)),
        ("y", 0, 1, Kind(Y)),
        ("z", 0, 1, Kind(Z)),
        ("h", 0, 1, Kind(H)),
        ("s", 0, 1, Kind(S)),
        ("sdg", 0, 1, Kind(Sdg)),
        ("t", 0, 1, Kind(T)),
        ("tdg", 0, 1, Kind(Tdg)),
        ("sx", 0, 1, Kind(SX)),
        ("sxdg", 0, 1, Kind(SXdg)),
        ("rx", 1, 1, Kind(RX)),
        ("ry", 1, 1, Kind(RY)),
        ("rz", 1, 1, Kind(RZ)),
        ("CX", 0, 2, Kind(CNOT)),
        ("cx", 0, 2, Kind(CNOT)),
        ("cy", 0, 2, Kind(CY)),
        ("cz", 0, 2, Kind(CZ)),
        ("ch", 0, 2, Controlled(H)),
        ("csx", 0, 2, Controlled(SX)),
        ("swap", 0, 2, Kind(SWAP)),
        ("crx", 1, 2, Kind(CRX)),
        ("cry", 1, 2, Kind(CRY)),
        ("crz", 1, 2, Kind(CRZ)),
        ("cu1", 1, 2, Kind(ControlledPhaseShift)),
        ("cp", 1, 2, Kind(ControlledPhaseShift)),
        ("cu3", 3, 2, Controlled(U3)),
        ("cu", 4, 2, Cu),
        ("rxx", 1, 2, Kind(IsingXX)),
        ("rzz", 1, 2, Kind(IsingZZ)),
        ("ccx", 0, 3, Kind(Toffoli)),
        ("cswap", 0, 3, Kind(CSWAP)),
        ("c3x", 0, 4, Controlled(X)),
        ("c4x", 0, 5, Controlled(X)),
    ]
};

/// qelib1 gates the playground has no equivalent for (named as such in errors).
const UNSUPPORTED: &[&str] = &[
    "ryy", "rzx", "ecr", "iswap", "dcx", "rccx", "rc3x", "c3sqrtx", "r", "ms", "cs", "csdg",
];

/// A gate to place: kind, wires, extra controls, angles.
type Placed = (GateKind, Vec<usize>, Vec<usize>, Vec<Angle>);

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    /// (name, first wire, size)
    regs: Vec<(String, usize, usize)>,
    cregs: Vec<String>,
    n_qubits: usize,
    gates: Vec<GateSpec>,
    next_col: Vec<usize>,
    /// The line of the measurement of each wire, if measured.
    measured: Vec<Option<usize>>,
    notes: Vec<String>,
    last_line: usize,
}

enum Arg {
    One(usize),
    Reg(usize, usize),
}

impl Parser {
    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map_or(self.last_line, |t| t.1)
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn next(&mut self, what: &str) -> Result<(Tok, usize), InteropError> {
        match self.toks.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(t.clone())
            }
            None => Err(InteropError::at(
                self.line(),
                format!("the file ends where {what} was expected"),
            )),
        }
    }

    fn expect(&mut self, sym: &'static str, context: &str) -> Result<(), InteropError> {
        let (t, line) = self.next(&format!("'{sym}'"))?;
        if t == Tok::Sym(sym) {
            Ok(())
        } else {
            Err(InteropError::at(
                line,
                format!("expected '{sym}' {context}, found {}", t.show()),
            ))
        }
    }

    fn ident(&mut self, what: &str) -> Result<(String, usize), InteropError> {
        match self.next(what)? {
            (Tok::Ident(s), l) => Ok((s, l)),
            (t, l) => Err(InteropError::at(
                l,
                format!("expected {what}, found {}", t.show()),
            )),
        }
    }

    fn index(&mut self, what: &str) -> Result<usize, InteropError> {
        match self.next(what)? {
            (Tok::Num(_, s), l) => {
                if s.bytes().all(|c| c.is_ascii_digit()) {
                    s.parse::<usize>().map_err(|_| {
                        InteropError::at(l, format!("{what} {} is too large", clip(&s)))
                    })
                } else {
                    Err(InteropError::at(
                        l,
                        format!("{what} must be a whole number, found '{}'", clip(&s)),
                    ))
                }
            }
            (t, l) => Err(InteropError::at(
                l,
                format!("expected {what}, found {}", t.show()),
            )),
        }
    }

    fn program(mut self) -> Result<QasmImport, InteropError> {
        self.header()?;
        while self.pos < self.toks.len() {
            self.statement()?;
        }
        if self.n_qubits == 0 {
            return Err(InteropError::at(
                self.last_line,
                "the file declares no qubits (expected e.g. 'qreg q[2];')",
            ));
        }
        Ok(QasmImport {
            circuit: CircuitSpec {
                qubits: self.n_qubits,
                gates: self.gates,
            },
            notes: self.notes,
        })
    }

    fn header(&mut self) -> Result<(), InteropError> {
        match self.toks.first() {
            Some((Tok::Ident(s), _)) if s == "OPENQASM" => {}
            Some((t, l)) => {
                return Err(InteropError::at(
                    *l,
                    format!(
                        "an OpenQASM 2 file starts with 'OPENQASM 2.0;', found {}",
                        t.show()
                    ),
                ))
            }
            None => return Err(InteropError::at(1, "the file is empty")),
        }
        self.pos = 1;
        let (t, l) = self.next("a version number")?;
        match t {
            Tok::Num(v, s) if (2.0..3.0).contains(&v) && s.starts_with('2') => {}
            Tok::Num(v, s) if v >= 3.0 => {
                return Err(InteropError::at(
                    l,
                    format!(
                        "this is OpenQASM {}; only OpenQASM 2 files can be imported",
                        clip(&s)
                    ),
                ))
            }
            t => {
                return Err(InteropError::at(
                    l,
                    format!("unsupported OpenQASM version {}; expected 2.0", t.show()),
                ))
            }
        }
        self.expect(";", "after the version")
    }

    fn statement(&mut self) -> Result<(), InteropError> {
        let (t, line) = self.next("a statement")?;
        let word = match t {
            Tok::Ident(s) => s,
            t => {
                return Err(InteropError::at(
                    line,
                    format!("expected a statement, found {}", t.show()),
                ))
            }
        };
        match word.as_str() {
            "include" => {
                match self.next("a file name")? {
                    (Tok::Str(f), _) if f == "qelib1.inc" => {}
                    (t, l) => {
                        return Err(InteropError::at(
                            l,
                            format!(
                                "only 'include \"qelib1.inc\";' is supported, not {}",
                                t.show()
                            ),
                        ))
                    }
                }
                self.expect(";", "after the include")
            }
            "qreg" => self.qreg(line),
            "creg" => {
                let (name, _) = self.ident("a register name")?;
                self.expect("[", "after the register name")?;
                self.index("a register size")?;
                self.expect("]", "after the register size")?;
                self.expect(";", "after the register")?;
                self.cregs.push(name);
                Ok(())
            }
            "barrier" => {
                self.args("barrier")?;
                Ok(())
            }
            "measure" => self.measure(line),
            "OPENQASM" => Err(InteropError::at(
                line,
                "'OPENQASM' may only appear once, at the start",
            )),
            "gate" | "opaque" => {
                let name = match self.peek() {
                    Some(Tok::Ident(n)) => format!(" '{}'", clip(n)),
                    _ => String::new(),
                };
                Err(InteropError::at(
                    line,
                    format!(
                        "custom gate definitions ('{word}'{name}) are not supported; use the \
                         qelib1.inc gates, e.g. by transpiling in Qiskit first"
                    ),
                ))
            }
            "if" => Err(InteropError::at(
                line,
                "classically controlled gates ('if') are not supported",
            )),
            "reset" => Err(InteropError::at(
                line,
                "'reset' is not supported: the playground's circuits are unitary",
            )),
            _ => self.gate(&word, line),
        }
    }

    fn qreg(&mut self, line: usize) -> Result<(), InteropError> {
        let (name, _) = self.ident("a register name")?;
        self.expect("[", "after the register name")?;
        let size = self.index("a register size")?;
        self.expect("]", "after the register size")?;
        self.expect(";", "after the register")?;
        if self.regs.iter().any(|r| r.0 == name) {
            return Err(InteropError::at(
                line,
                format!("register '{}' is declared twice", clip(&name)),
            ));
        }
        if size == 0 {
            return Err(InteropError::at(
                line,
                format!("register '{}' has no qubits", clip(&name)),
            ));
        }
        let total = self.n_qubits.saturating_add(size);
        if total > MAX_QUBITS {
            return Err(InteropError::at(
                line,
                format!(
                    "the circuit would have {total} qubits; the playground's limit is {MAX_QUBITS} qubits"
                ),
            ));
        }
        self.regs.push((name, self.n_qubits, size));
        self.n_qubits = total;
        self.next_col.resize(total, 0);
        self.measured.resize(total, None);
        Ok(())
    }

    fn measure(&mut self, line: usize) -> Result<(), InteropError> {
        let q = self.arg()?;
        self.expect("->", "in 'measure q -> c'")?;
        let (name, l) = self.ident("a classical register")?;
        if !self.cregs.contains(&name) {
            return Err(InteropError::at(
                l,
                format!("'{}' is not a declared creg", clip(&name)),
            ));
        }
        if self.peek() == Some(&Tok::Sym("[")) {
            self.pos += 1;
            self.index("a bit index")?;
            self.expect("]", "after the bit index")?;
        }
        self.expect(";", "after the measurement")?;
        let wires: Vec<usize> = match q {
            Arg::One(w) => vec![w],
            Arg::Reg(s, n) => (s..s + n).collect(),
        };
        for w in wires {
            if let Some(m) = self.measured.get_mut(w) {
                m.get_or_insert(line);
            }
        }
        if !self.notes.iter().any(|n| n.starts_with("measurements")) {
            self.notes.push(format!(
                "measurements (first on line {line}) were ignored: the playground reads the \
                 final state directly"
            ));
        }
        Ok(())
    }

    fn arg(&mut self) -> Result<Arg, InteropError> {
        let (name, line) = self.ident("a qubit such as q[0]")?;
        let Some(&(_, start, size)) = self.regs.iter().find(|r| r.0 == name) else {
            return Err(InteropError::at(
                line,
                format!("'{}' is not a declared qreg", clip(&name)),
            ));
        };
        if self.peek() != Some(&Tok::Sym("[")) {
            return Ok(Arg::Reg(start, size));
        }
        self.pos += 1;
        let i = self.index("a qubit index")?;
        self.expect("]", "after the qubit index")?;
        if i >= size {
            return Err(InteropError::at(
                line,
                format!(
                    "qubit {}[{i}] does not exist; '{}' has {size} qubit(s)",
                    clip(&name),
                    clip(&name)
                ),
            ));
        }
        Ok(Arg::One(start + i))
    }

    /// A comma-separated argument list ending with ';'.
    fn args(&mut self, what: &str) -> Result<Vec<Arg>, InteropError> {
        let mut out = vec![self.arg()?];
        loop {
            let (t, l) = self.next("';'")?;
            match t {
                Tok::Sym(";") => return Ok(out),
                Tok::Sym(",") => out.push(self.arg()?),
                t => {
                    return Err(InteropError::at(
                        l,
                        format!(
                            "expected ',' or ';' after the qubits of {what}, found {}",
                            t.show()
                        ),
                    ))
                }
            }
        }
    }

    fn gate(&mut self, name: &str, line: usize) -> Result<(), InteropError> {
        let Some(&(_, n_params, n_qubits, map)) = GATES.iter().find(|g| g.0 == name) else {
            let why = if UNSUPPORTED.contains(&name) {
                format!("gate '{name}' has no equivalent in the playground")
            } else {
                format!("unknown gate '{}'", clip(name))
            };
            return Err(InteropError::at(line, why));
        };
        let mut params = Vec::new();
        if self.peek() == Some(&Tok::Sym("(")) {
            self.pos += 1;
            if self.peek() != Some(&Tok::Sym(")")) {
                loop {
                    params.push(self.expr(0)?);
                    let (t, l) = self.next("')'")?;
                    match t {
                        Tok::Sym(")") => break,
                        Tok::Sym(",") => {}
                        t => {
                            return Err(InteropError::at(
                                l,
                                format!(
                                    "expected ',' or ')' in the angles of '{name}', found {}",
                                    t.show()
                                ),
                            ))
                        }
                    }
                }
            } else {
                self.pos += 1;
            }
        }
        if params.len() != n_params {
            return Err(InteropError::at(
                line,
                format!(
                    "gate '{name}' takes {n_params} angle(s), {} given",
                    params.len()
                ),
            ));
        }
        if let Some(v) = params.iter().find(|v| !v.is_finite()) {
            return Err(InteropError::at(
                line,
                format!("an angle of '{name}' evaluates to {v}; angles must be finite"),
            ));
        }
        let args = self.args(&format!("'{name}'"))?;
        if args.len() != n_qubits {
            return Err(InteropError::at(
                line,
                format!(
                    "gate '{name}' acts on {n_qubits} qubit(s), {} given",
                    args.len()
                ),
            ));
        }
        // Broadcasting: whole registers (all the same size) run the gate once per index.
        let mut reps: Option<usize> = None;
        for a in &args {
            if let Arg::Reg(_, n) = a {
                match reps {
                    Some(m) if m != *n => {
                        return Err(InteropError::at(
                            line,
                            format!("'{name}' is given registers of different sizes ({m} and {n})"),
                        ))
                    }
                    _ => reps = Some(*n),
                }
            }
        }
        for r in 0..reps.unwrap_or(1) {
            let wires: Vec<usize> = args
                .iter()
                .map(|a| match *a {
                    Arg::One(w) => w,
                    Arg::Reg(s, _) => s + r,
                })
                .collect();
            self.place(name, map, &params, &wires, line)?;
        }
        Ok(())
    }

    fn place(
        &mut self,
        name: &str,
        map: Map,
        p: &[f64],
        wires: &[usize],
        line: usize,
    ) -> Result<(), InteropError> {
        for (k, w) in wires.iter().enumerate() {
            if wires[..k].contains(w) {
                return Err(InteropError::at(
                    line,
                    format!("'{name}' uses qubit {} twice", self.wire_name(*w)),
                ));
            }
            if let Some(Some(m)) = self.measured.get(*w) {
                return Err(InteropError::at(
                    line,
                    format!(
                        "'{name}' acts on {} after it was measured on line {m}; mid-circuit \
                         measurement is not supported",
                        self.wire_name(*w)
                    ),
                ));
            }
        }
        let consts = |v: &[f64]| v.iter().map(|&value| Angle::Const { value }).collect();
        let specs: Vec<Placed> = match map {
            Map::Identity => vec![],
            Map::Kind(k) => vec![(k, wires.to_vec(), vec![], consts(p))],
            Map::Controlled(k) => {
                let (t, c) = wires.split_last().map_or((0, &[][..]), |(t, c)| (*t, c));
                vec![(k, vec![t], c.to_vec(), consts(p))]
            }
            Map::U2 => vec![(
                GateKind::U3,
                wires.to_vec(),
                vec![],
                consts(&[std::f64::consts::FRAC_PI_2, p[0], p[1]]),
            )],
            Map::Cu => vec![
                (
                    GateKind::PhaseShift,
                    vec![wires[0]],
                    vec![],
                    consts(&[p[3]]),
                ),
                (
                    GateKind::U3,
                    vec![wires[1]],
                    vec![wires[0]],
                    consts(&p[..3]),
                ),
            ],
        };
        for (gate, wires, controls, params) in specs {
            if self.gates.len() >= MAX_GATES {
                return Err(InteropError::at(
                    line,
                    format!("the circuit has more than {MAX_GATES} gates; the playground's limit is {MAX_GATES} gates"),
                ));
            }
            let col = wires
                .iter()
                .chain(&controls)
                .map(|&w| self.next_col[w])
                .max()
                .unwrap_or(0);
            for &w in wires.iter().chain(&controls) {
                self.next_col[w] = col + 1;
            }
            self.gates.push(GateSpec {
                gate,
                wires,
                controls,
                params,
                col,
            });
        }
        Ok(())
    }

    fn wire_name(&self, w: usize) -> String {
        self.regs
            .iter()
            .find(|r| w >= r.1 && w < r.1 + r.2)
            .map_or(format!("{w}"), |r| format!("{}[{}]", clip(&r.0), w - r.1))
    }

    // Expressions: sums of products of signed powers of atoms.
    fn expr(&mut self, depth: usize) -> Result<f64, InteropError> {
        let mut v = self.term(depth)?;
        loop {
            match self.peek() {
                Some(Tok::Sym("+")) => {
                    self.pos += 1;
                    v += self.term(depth)?;
                }
                Some(Tok::Sym("-")) => {
                    self.pos += 1;
                    v -= self.term(depth)?;
                }
                _ => return Ok(v),
            }
        }
    }

    fn term(&mut self, depth: usize) -> Result<f64, InteropError> {
        let mut v = self.unary(depth)?;
        loop {
            match self.peek() {
                Some(Tok::Sym("*")) => {
                    self.pos += 1;
                    v *= self.unary(depth)?;
                }
                Some(Tok::Sym("/")) => {
                    self.pos += 1;
                    v /= self.unary(depth)?;
                }
                _ => return Ok(v),
            }
        }
    }

    fn unary(&mut self, depth: usize) -> Result<f64, InteropError> {
        if depth > MAX_EXPR_DEPTH {
            return Err(InteropError::at(
                self.line(),
                format!("the angle expression is nested more than {MAX_EXPR_DEPTH} levels deep"),
            ));
        }
        match self.peek() {
            Some(Tok::Sym("-")) => {
                self.pos += 1;
                Ok(-self.unary(depth + 1)?)
            }
            Some(Tok::Sym("+")) => {
                self.pos += 1;
                self.unary(depth + 1)
            }
            _ => {
                let base = self.atom(depth)?;
                if self.peek() == Some(&Tok::Sym("^")) {
                    self.pos += 1;
                    Ok(base.powf(self.unary(depth + 1)?))
                } else {
                    Ok(base)
                }
            }
        }
    }

    fn atom(&mut self, depth: usize) -> Result<f64, InteropError> {
        let (t, line) = self.next("an angle")?;
        match t {
            Tok::Num(v, _) => Ok(v),
            Tok::Sym("(") => {
                let v = self.expr(depth + 1)?;
                self.expect(")", "to close the parenthesis")?;
                Ok(v)
            }
            Tok::Ident(s) if s == "pi" => Ok(std::f64::consts::PI),
            Tok::Ident(s) => {
                let f: fn(f64) -> f64 = match s.as_str() {
                    "sin" => f64::sin,
                    "cos" => f64::cos,
                    "tan" => f64::tan,
                    "exp" => f64::exp,
                    "ln" => f64::ln,
                    "sqrt" => f64::sqrt,
                    _ => {
                        return Err(InteropError::at(
                            line,
                            format!(
                                "unknown name '{}' in an angle (only pi, numbers and \
                                 sin cos tan exp ln sqrt are allowed)",
                                clip(&s)
                            ),
                        ))
                    }
                };
                self.expect("(", &format!("after '{s}'"))?;
                let v = self.expr(depth + 1)?;
                self.expect(")", &format!("to close '{s}('"))?;
                Ok(f(v))
            }
            t => Err(InteropError::at(
                line,
                format!("expected an angle, found {}", t.show()),
            )),
        }
    }
}
