//! OpenQASM 2.0 and 3 import: what Qiskit's `qasm2.dumps` and `qasm3.dumps` write, into a
//! [`CircuitSpec`] with constant angles and as-soon-as-possible columns.
//!
//! Read: registers (`qreg`/`creg`, `qubit`/`bit`, physical qubits `$k` in OpenQASM 3), the
//! gates of `qelib1.inc` / `stdgates.inc` (see [`super::gates`]), custom `gate` definitions
//! (nested, with parameters and angle expressions) expanded into the playground's gates, the
//! OpenQASM 3 modifiers `ctrl @`, `negctrl @`, `inv @`, `pow(k) @` (whole k) and `gphase`,
//! register broadcasting, `barrier`, and final measurements (ignored, with a note). Refused
//! with a reason: other versions, mid-circuit measurement, `reset`, classical control, loops,
//! unbound parameters (`input`), `opaque` gates when called, and anything over the limits
//! ([`MAX_QASM_BYTES`], the document's qubit and gate limits, [`MAX_GATE_NESTING`],
//! [`MAX_EXPANSION_STEPS`], angle expressions nested over 64 levels). Errors name the line and
//! column; nothing partial is returned.

use super::super::InteropError;
use super::gates::{self, Build, LibGate, Prim, QELIB1, STDGATES};
use super::lex::{clip, lex, Tok, Token};
use super::QasmVersion;
use crate::doc::{Angle, CircuitSpec, GateSpec, MAX_GATES, MAX_QUBITS};
use crate::sim::{GateKind, Op};
use std::collections::HashMap;
use std::rc::Rc;

/// The largest OpenQASM text accepted, in bytes.
pub const MAX_QASM_BYTES: usize = 1_000_000;

/// The deepest chain of gate definitions calling gate definitions that is expanded.
pub const MAX_GATE_NESTING: usize = 64;

/// The most work (gate calls visited plus gates produced, intermediate lists included) that
/// expanding a file may take: a definition that doubles at every level is refused here
/// instead of hanging the page.
pub const MAX_EXPANSION_STEPS: usize = 200_000;

/// Deepest nesting of parentheses, signs, powers and functions in an angle expression.
const MAX_EXPR_DEPTH: usize = 64;

/// How many names an "expanded" note lists before "and N more".
const NOTE_NAMES: usize = 8;

/// A successfully imported circuit and notes on what was ignored or rewritten.
#[derive(Clone, Debug, PartialEq)]
pub struct QasmImport {
    /// The circuit, one wire per declared qubit (registers in declaration order).
    pub circuit: CircuitSpec,
    /// Things the import skipped or rewrote on purpose (final measurements, expanded gate
    /// definitions, a dropped global phase), one sentence each.
    pub notes: Vec<String>,
    /// The dialect the file was written in (export it back in the same one).
    pub version: QasmVersion,
    /// The global phase (radians) of the file's top-level `gphase`s, which the circuit leaves
    /// out: the file's state is e^{i·global_phase} times the circuit's.
    pub global_phase: f64,
}

/// Reads an OpenQASM 2.0 or 3 program (the version line decides) into a circuit with
/// constant angles.
///
/// ```
/// use qmlp::interop::qasm::{import_qasm, QasmVersion};
/// let text = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[3] q;\n\
///             gate maj a, b, c { cx c, b; cx c, a; ccx a, b, c; }\n\
///             h q[0];\nmaj q[0], q[1], q[2];\nctrl(2) @ rx(pi/4) q[0], q[1], q[2];\n";
/// let imp = import_qasm(text).unwrap();
/// assert_eq!(imp.version, QasmVersion::V3);
/// assert_eq!((imp.circuit.qubits, imp.circuit.gates.len()), (3, 5));
/// let e = import_qasm("OPENQASM 2.0;\nqreg q[1];\nfoo q[0];").unwrap_err();
/// assert_eq!(e.to_string(), "line 3, column 1: unknown gate 'foo'");
/// ```
pub fn import_qasm(text: &str) -> Result<QasmImport, InteropError> {
    import(text, None)
}

/// Reads an OpenQASM 2.0 program (as Qiskit's `qasm2.dumps` writes it); any other version is
/// refused.
///
/// ```
/// let text = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\nrz(-pi/4) q[1];\n";
/// let c = qmlp::interop::qasm::import_qasm2(text).unwrap().circuit;
/// assert_eq!((c.qubits, c.gates.len()), (2, 3));
/// ```
pub fn import_qasm2(text: &str) -> Result<QasmImport, InteropError> {
    import(text, Some(QasmVersion::V2))
}

/// Reads an OpenQASM 3 program (as Qiskit's `qasm3.dumps` writes it); any other version is
/// refused.
pub fn import_qasm3(text: &str) -> Result<QasmImport, InteropError> {
    import(text, Some(QasmVersion::V3))
}

fn import(text: &str, want: Option<QasmVersion>) -> Result<QasmImport, InteropError> {
    if text.len() > MAX_QASM_BYTES {
        return Err(InteropError::new(format!(
            "the OpenQASM file is {} bytes; the limit is {MAX_QASM_BYTES} bytes",
            text.len()
        )));
    }
    let toks = lex(text)?;
    let last_line = text.lines().count().max(1);
    let end = (
        last_line,
        text.lines().last().map_or(1, |l| l.chars().count() + 1),
    );
    let mut p = Importer {
        toks,
        pos: 0,
        end,
        v3: false,
        included: false,
        regs: Vec::new(),
        cregs: HashMap::new(),
        physical: false,
        n_qubits: 0,
        defs: Vec::new(),
        def_uses: Vec::new(),
        opaque: HashMap::new(),
        def_index: HashMap::new(),
        gates: Vec::new(),
        next_col: Vec::new(),
        measured: Vec::new(),
        notes: Vec::new(),
        steps: 0,
        phase: None,
        composites: Vec::new(),
        top: None,
    };
    let version = p.header(want)?;
    p.v3 = version == QasmVersion::V3;
    while p.pos < p.toks.len() {
        p.statement()?;
    }
    p.finish(version, last_line)
}

/// A parsed angle expression; `Param(i)` is the i-th parameter of the enclosing definition.
#[derive(Clone, Debug)]
enum Expr {
    Num(f64),
    Param(usize),
    Neg(Box<Expr>),
    /// Terms with their signs (true: subtract).
    Sum(Vec<(bool, Expr)>),
    /// Factors with their operation (true: divide).
    Prod(Vec<(bool, Expr)>),
    Pow(Box<Expr>, Box<Expr>),
    Func(fn(f64) -> f64, Box<Expr>),
}

impl Expr {
    fn eval(&self, env: &[f64]) -> f64 {
        match self {
            Expr::Num(v) => *v,
            Expr::Param(i) => env.get(*i).copied().unwrap_or(f64::NAN),
            Expr::Neg(e) => -e.eval(env),
            Expr::Sum(ts) => ts.iter().fold(0.0, |acc, (minus, e)| {
                let v = e.eval(env);
                if *minus {
                    acc - v
                } else {
                    acc + v
                }
            }),
            Expr::Prod(fs) => {
                let mut it = fs.iter();
                let first = it.next().map_or(1.0, |(_, e)| e.eval(env));
                it.fold(first, |acc, (div, e)| {
                    let v = e.eval(env);
                    if *div {
                        acc / v
                    } else {
                        acc * v
                    }
                })
            }
            Expr::Pow(a, b) => a.eval(env).powf(b.eval(env)),
            Expr::Func(f, e) => f(e.eval(env)),
        }
    }
}

/// A gate modifier (OpenQASM 3), outermost first in a call.
#[derive(Clone, Debug)]
enum Modifier {
    Inv,
    Pow(Expr),
    /// `ctrl(k) @` (`negctrl` when the flag is set): the next k operands are controls.
    Ctrl(usize, bool),
}

/// What a name in a call refers to.
#[derive(Clone, Copy, Debug)]
enum Callee {
    Lib(&'static LibGate),
    /// Index into the definitions.
    Def(usize),
}

/// A parsed call: `mods @ name(args) operands;`.
#[derive(Clone, Debug)]
struct Call {
    name: String,
    callee: Callee,
    mods: Vec<Modifier>,
    args: Vec<Expr>,
    line: usize,
    col: usize,
}

/// A call inside a gate body, its operands as indices into the definition's qubits.
#[derive(Clone, Debug)]
struct BodyCall {
    call: Call,
    qubits: Vec<usize>,
}

/// A `gate` definition.
#[derive(Debug)]
struct GateDef {
    name: String,
    line: usize,
    n_params: usize,
    n_qubits: usize,
    body: Vec<BodyCall>,
}

/// A top-level operand: one qubit, or a whole register (broadcast).
#[derive(Clone, Copy)]
enum Arg {
    One(usize),
    Reg(usize, usize),
}

struct Importer {
    toks: Vec<Token>,
    pos: usize,
    /// Line and column just past the last character (for "the file ends" errors).
    end: (usize, usize),
    v3: bool,
    included: bool,
    /// (name, first wire, size)
    regs: Vec<(String, usize, usize)>,
    /// (name, size)
    cregs: HashMap<String, usize>,
    /// The file addresses physical qubits `$k` instead of declaring registers.
    physical: bool,
    n_qubits: usize,
    defs: Vec<Rc<GateDef>>,
    /// How often each definition was expanded.
    def_uses: Vec<usize>,
    /// Definition index by name (names are unique).
    def_index: HashMap<String, usize>,
    /// The line of each `opaque` declaration, by name.
    opaque: HashMap<String, usize>,
    gates: Vec<GateSpec>,
    next_col: Vec<usize>,
    /// The line of the measurement of each wire, if measured.
    measured: Vec<Option<usize>>,
    notes: Vec<String>,
    steps: usize,
    /// The global phase left out so far and the line of its first `gphase`.
    phase: Option<(f64, usize)>,
    /// Library gates that became several playground gates, with their gate counts.
    composites: Vec<(&'static str, usize)>,
    /// The top-level call being expanded (name, line), for messages from inside definitions.
    top: Option<(String, usize, usize)>,
}

/// Everything that may follow a statement keyword that the playground refuses, and why.
fn refused_statement(word: &str) -> Option<&'static str> {
    Some(match word {
        "if" => "classically controlled gates ('if') are not supported",
        "reset" => "'reset' is not supported: the playground's circuits are unitary",
        "for" | "while" | "break" | "continue" | "end" | "switch" => {
            "loops and control flow are not supported: the playground imports a fixed sequence \
             of gates"
        }
        "def" | "extern" | "return" => "subroutines ('def', 'extern') are not supported",
        "defcal" | "cal" | "defcalgrammar" => "pulse-level calibrations are not supported",
        "delay" | "box" | "stretch" | "duration" => "timing instructions are not supported",
        "const" | "let" | "float" | "int" | "uint" | "angle" | "bool" | "complex" | "array" => {
            "classical variables are not supported; write the angles as numbers"
        }
        "output" => "'output' variables are not supported",
        "pragma" => "pragmas are not supported",
        _ => return None,
    })
}

/// Gates Qiskit knows that neither include file defines: a file must define them.
const DEFINED_BY_DUMPS: &[&str] = &[
    "ryy",
    "rzx",
    "ecr",
    "iswap",
    "dcx",
    "r",
    "ms",
    "cs",
    "csdg",
    "rcccx",
    "rcccx_dg",
    "mcx",
    "mcphase",
    "c3sx",
    "csxdg",
    "ccz",
    "rv",
    "xx_minus_yy",
    "xx_plus_yy",
];

impl Importer {
    // ---------- tokens ----------

    fn here(&self) -> (usize, usize) {
        self.toks
            .get(self.pos)
            .map_or(self.end, |t| (t.line, t.col))
    }

    fn err_here(&self, msg: impl Into<String>) -> InteropError {
        let (l, c) = self.here();
        InteropError::at_col(l, c, msg)
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k).map(|t| &t.tok)
    }

    fn is(&self, sym: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym)
    }

    fn next(&mut self, what: &str) -> Result<Token, InteropError> {
        match self.toks.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(t.clone())
            }
            None => Err(self.err_here(format!("the file ends where {what} was expected"))),
        }
    }

    fn expect(&mut self, sym: &'static str, context: &str) -> Result<(), InteropError> {
        let t = self.next(&format!("'{sym}'"))?;
        if t.tok == Tok::Sym(sym) {
            Ok(())
        } else {
            Err(InteropError::at_col(
                t.line,
                t.col,
                format!("expected '{sym}' {context}, found {}", t.tok.show()),
            ))
        }
    }

    fn ident(&mut self, what: &str) -> Result<(String, usize, usize), InteropError> {
        let t = self.next(what)?;
        match t.tok {
            Tok::Ident(s) => Ok((s, t.line, t.col)),
            tok => Err(InteropError::at_col(
                t.line,
                t.col,
                format!("expected {what}, found {}", tok.show()),
            )),
        }
    }

    fn index(&mut self, what: &str) -> Result<usize, InteropError> {
        let t = self.next(what)?;
        match t.tok {
            Tok::Num(_, s) if s.bytes().all(|c| c.is_ascii_digit()) => {
                s.parse::<usize>().map_err(|_| {
                    InteropError::at_col(t.line, t.col, format!("{what} {} is too large", clip(&s)))
                })
            }
            Tok::Num(_, s) => Err(InteropError::at_col(
                t.line,
                t.col,
                format!("{what} must be a whole number, found '{}'", clip(&s)),
            )),
            tok => Err(InteropError::at_col(
                t.line,
                t.col,
                format!("expected {what}, found {}", tok.show()),
            )),
        }
    }

    // ---------- header and statements ----------

    fn header(&mut self, want: Option<QasmVersion>) -> Result<QasmVersion, InteropError> {
        let expected = match want {
            Some(QasmVersion::V2) => "'OPENQASM 2.0;'",
            Some(QasmVersion::V3) => "'OPENQASM 3.0;'",
            None => "'OPENQASM 2.0;' or 'OPENQASM 3.0;'",
        };
        match self.toks.first() {
            Some(Token {
                tok: Tok::Ident(s), ..
            }) if s == "OPENQASM" => {}
            // No version line (Qiskit reads such files as OpenQASM 2.0; in OpenQASM 3 it is
            // optional): the first statement decides.
            Some(Token {
                tok: Tok::Ident(s),
                line,
                ..
            }) if matches!(
                s.as_str(),
                "include" | "qreg" | "creg" | "qubit" | "bit" | "gate" | "opaque"
            ) =>
            {
                let v3 = matches!(s.as_str(), "qubit" | "bit")
                    || matches!(self.toks.get(1).map(|t| &t.tok), Some(Tok::Str(f)) if f == "stdgates.inc");
                let version = want.unwrap_or(if v3 { QasmVersion::V3 } else { QasmVersion::V2 });
                let name = if version == QasmVersion::V3 {
                    "3.0"
                } else {
                    "2.0"
                };
                self.notes.push(format!(
                    "the file has no 'OPENQASM {name};' line (line {line} is its first \
                     statement); it was read as OpenQASM {name}"
                ));
                return Ok(version);
            }
            Some(t) => {
                return Err(InteropError::at_col(
                    t.line,
                    t.col,
                    format!(
                        "an OpenQASM file starts with {expected}, found {}",
                        t.tok.show()
                    ),
                ))
            }
            None => return Err(InteropError::at(1, "the file is empty")),
        }
        self.pos = 1;
        let t = self.next("a version number")?;
        let version = match &t.tok {
            Tok::Num(_, s) if s == "2.0" || s == "2" => QasmVersion::V2,
            Tok::Num(_, s) if s == "3.0" || s == "3" => QasmVersion::V3,
            tok => {
                return Err(InteropError::at_col(
                    t.line,
                    t.col,
                    format!(
                        "OpenQASM version {} is not supported; the importer reads OpenQASM 2.0 \
                         and 3.0 (as Qiskit writes them)",
                        match tok {
                            Tok::Num(_, s) => clip(s),
                            other => other.show(),
                        }
                    ),
                ))
            }
        };
        if let Some(w) = want.filter(|&w| w != version) {
            let (found, only) = match w {
                QasmVersion::V2 => ("3", "2.0"),
                QasmVersion::V3 => ("2.0", "3"),
            };
            return Err(InteropError::at_col(
                t.line,
                t.col,
                format!("this is OpenQASM {found}; only OpenQASM {only} files are read here"),
            ));
        }
        self.expect(";", "after the version")?;
        Ok(version)
    }

    fn statement(&mut self) -> Result<(), InteropError> {
        let t = self.next("a statement")?;
        let (line, col) = (t.line, t.col);
        let word = match t.tok {
            Tok::Ident(s) => s,
            tok => {
                return Err(InteropError::at_col(
                    line,
                    col,
                    format!("expected a statement, found {}", tok.show()),
                ))
            }
        };
        match word.as_str() {
            "include" => self.include(line, col),
            "qreg" => self.reg_v2(true, line, col),
            "creg" => self.reg_v2(false, line, col),
            "qubit" if self.v3 => self.reg_v3(true, line, col),
            "bit" if self.v3 => self.reg_v3(false, line, col),
            "barrier" => {
                if !self.is(";") {
                    self.args("barrier")?;
                } else {
                    self.pos += 1;
                }
                Ok(())
            }
            "measure" => {
                let q = self.arg()?;
                if self.is("->") {
                    self.pos += 1;
                    self.bit_ref()?;
                } else if !self.v3 {
                    return Err(self.err_here("expected '->' in 'measure q -> c'"));
                }
                self.expect(";", "after the measurement")?;
                self.measure(q, line);
                Ok(())
            }
            "OPENQASM" => Err(InteropError::at_col(
                line,
                col,
                "'OPENQASM' may only appear once, at the start",
            )),
            "gate" => self.gate_def(line),
            "opaque" => self.opaque_decl(line),
            "input" => {
                let name = self.declared_name();
                Err(InteropError::at_col(
                    line,
                    col,
                    format!(
                        "'input' declares a parameter{name} without a value; bind every \
                         parameter before exporting (in Qiskit: circuit.assign_parameters)"
                    ),
                ))
            }
            w if self.v3 && self.cregs.contains_key(w) && !self.is("(") => {
                self.pos -= 1;
                self.bit_ref()?;
                self.expect("=", "in 'c = measure q;'")?;
                self.assigned_measure(line, "be assigned to a bit")
            }
            w => match refused_statement(w) {
                Some(why) => Err(InteropError::at_col(line, col, why)),
                None => {
                    self.pos -= 1;
                    self.top_call()
                }
            },
        }
    }

    /// For messages: " ('name')" of the declaration that follows, if it is readable.
    fn declared_name(&self) -> String {
        let mut k = self.pos;
        while let Some(t) = self.toks.get(k) {
            match &t.tok {
                Tok::Sym(";") => break,
                Tok::Ident(s)
                    if matches!(self.toks.get(k + 1).map(|t| &t.tok), Some(Tok::Sym(";"))) =>
                {
                    return format!(" ('{}')", clip(s));
                }
                _ => k += 1,
            }
        }
        String::new()
    }

    fn include(&mut self, line: usize, col: usize) -> Result<(), InteropError> {
        let t = self.next("a file name in quotes")?;
        let want = if self.v3 {
            "stdgates.inc"
        } else {
            "qelib1.inc"
        };
        match t.tok {
            Tok::Str(s) if s == want => {}
            Tok::Str(s) => {
                return Err(InteropError::at_col(
                    line,
                    col,
                    format!(
                        "only \"{want}\" can be included in OpenQASM {}, not \"{}\"",
                        if self.v3 { "3" } else { "2.0" },
                        clip(&s)
                    ),
                ))
            }
            tok => {
                return Err(InteropError::at_col(
                    t.line,
                    t.col,
                    format!("expected a file name in quotes, found {}", tok.show()),
                ))
            }
        }
        self.included = true;
        self.expect(";", "after the include")
    }

    /// `[n]` (or nothing: one, where allowed) as a register size.
    fn reg_size(&mut self, required: bool) -> Result<usize, InteropError> {
        if !required && !self.is("[") {
            return Ok(1);
        }
        self.expect("[", "after the register name")?;
        let n = self.index("a register size")?;
        self.expect("]", "after the register size")?;
        Ok(n)
    }

    /// `qreg name[n];` / `creg name[n];` (the size is optional in OpenQASM 3).
    fn reg_v2(&mut self, quantum: bool, line: usize, col: usize) -> Result<(), InteropError> {
        let (name, _, _) = self.ident("a register name")?;
        let size = self.reg_size(!self.v3)?;
        self.expect(";", "after the register")?;
        if quantum {
            self.add_qreg(name, size, line, col)
        } else {
            self.add_creg(name, size, line, col)
        }
    }

    /// `qubit[n] name;` / `bit[n] name;` (OpenQASM 3), a bit register optionally initialised
    /// by a measurement.
    fn reg_v3(&mut self, quantum: bool, line: usize, col: usize) -> Result<(), InteropError> {
        let size = self.reg_size(false)?;
        let (name, _, _) = self.ident("a register name")?;
        if quantum {
            self.expect(";", "after the qubit declaration")?;
            return self.add_qreg(name, size, line, col);
        }
        self.add_creg(name, size, line, col)?;
        if self.is("=") {
            self.pos += 1;
            return self.assigned_measure(line, "initialise a bit register");
        }
        self.expect(";", "after the bit declaration")
    }

    /// `measure q;` after `c =` (OpenQASM 3).
    fn assigned_measure(&mut self, line: usize, what: &str) -> Result<(), InteropError> {
        let (m, l, c) = self.ident("'measure'")?;
        if m != "measure" {
            return Err(InteropError::at_col(
                l,
                c,
                format!("only 'measure' can {what}, found '{}'", clip(&m)),
            ));
        }
        let q = self.arg()?;
        self.expect(";", "after the measurement")?;
        self.measure(q, line);
        Ok(())
    }

    fn name_taken(&self, name: &str) -> bool {
        self.regs.iter().any(|r| r.0 == name) || self.cregs.contains_key(name)
    }

    fn add_qreg(
        &mut self,
        name: String,
        size: usize,
        line: usize,
        col: usize,
    ) -> Result<(), InteropError> {
        if self.physical {
            return Err(InteropError::at_col(
                line,
                col,
                "this file already uses physical qubits ($0, $1, …); it cannot also declare \
                 qubit registers",
            ));
        }
        if self.name_taken(&name) {
            return Err(InteropError::at_col(
                line,
                col,
                format!("register '{}' is declared twice", clip(&name)),
            ));
        }
        if size == 0 {
            return Err(InteropError::at_col(
                line,
                col,
                format!("register '{}' has no qubits", clip(&name)),
            ));
        }
        let total = self.n_qubits.saturating_add(size);
        if total > MAX_QUBITS {
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "the circuit would have {total} qubits; the playground's limit is {MAX_QUBITS} qubits"
                ),
            ));
        }
        self.regs.push((name, self.n_qubits, size));
        self.grow(total);
        Ok(())
    }

    fn add_creg(
        &mut self,
        name: String,
        size: usize,
        line: usize,
        col: usize,
    ) -> Result<(), InteropError> {
        if self.name_taken(&name) {
            return Err(InteropError::at_col(
                line,
                col,
                format!("register '{}' is declared twice", clip(&name)),
            ));
        }
        self.cregs.insert(name, size);
        Ok(())
    }

    fn grow(&mut self, total: usize) {
        self.n_qubits = total;
        self.next_col.resize(total, 0);
        self.measured.resize(total, None);
    }

    /// A classical bit or register (`c` or `c[i]`), checked to exist.
    fn bit_ref(&mut self) -> Result<(), InteropError> {
        let (name, l, c) = self.ident("a classical register")?;
        let Some(&size) = self.cregs.get(&name) else {
            return Err(InteropError::at_col(
                l,
                c,
                format!("'{}' is not a declared classical register", clip(&name)),
            ));
        };
        if self.is("[") {
            self.pos += 1;
            let i = self.index("a bit index")?;
            self.expect("]", "after the bit index")?;
            if i >= size {
                return Err(InteropError::at_col(
                    l,
                    c,
                    format!(
                        "bit {}[{i}] does not exist; it has {size} bit(s)",
                        clip(&name)
                    ),
                ));
            }
        }
        Ok(())
    }

    fn measure(&mut self, q: Arg, line: usize) {
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
    }

    /// One qubit operand at the top level: `q`, `q[i]` or `$i`.
    fn arg(&mut self) -> Result<Arg, InteropError> {
        let t = self.next("a qubit such as q[0]")?;
        let (line, col) = (t.line, t.col);
        let name = match t.tok {
            Tok::Ident(s) => s,
            Tok::Phys(d) if self.v3 => return self.physical_qubit(&d, line, col),
            tok => {
                return Err(InteropError::at_col(
                    line,
                    col,
                    format!("expected a qubit such as q[0], found {}", tok.show()),
                ))
            }
        };
        let Some(&(_, start, size)) = self.regs.iter().find(|r| r.0 == name) else {
            return Err(InteropError::at_col(
                line,
                col,
                format!("'{}' is not a declared qubit register", clip(&name)),
            ));
        };
        if !self.is("[") {
            return Ok(Arg::Reg(start, size));
        }
        self.pos += 1;
        if matches!(self.peek_at(1), Some(Tok::Sym(":"))) || self.is("{") {
            return Err(self.err_here(
                "register slices and index sets are not supported; list the qubits one by one",
            ));
        }
        let i = self.index("a qubit index")?;
        self.expect("]", "after the qubit index")?;
        if i >= size {
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "qubit {}[{i}] does not exist; '{}' has {size} qubit(s)",
                    clip(&name),
                    clip(&name)
                ),
            ));
        }
        Ok(Arg::One(start + i))
    }

    fn physical_qubit(
        &mut self,
        digits: &str,
        line: usize,
        col: usize,
    ) -> Result<Arg, InteropError> {
        if !self.regs.is_empty() {
            return Err(InteropError::at_col(
                line,
                col,
                "this file declares qubit registers; it cannot also use physical qubits ($0, $1, …)",
            ));
        }
        let k = match digits.parse::<usize>() {
            Ok(k) if digits.bytes().all(|b| b.is_ascii_digit()) => k,
            _ => {
                return Err(InteropError::at_col(
                    line,
                    col,
                    format!("'${}' is not a physical qubit", clip(digits)),
                ))
            }
        };
        if k >= MAX_QUBITS {
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "physical qubit ${k} needs {} qubits; the playground's limit is {MAX_QUBITS} qubits",
                    k.saturating_add(1)
                ),
            ));
        }
        if !self.physical {
            self.physical = true;
            self.notes.push(
                "physical qubits $0, $1, … became wires 0, 1, … (unused ones stay idle in |0⟩)"
                    .to_string(),
            );
        }
        if k >= self.n_qubits {
            self.grow(k + 1);
        }
        Ok(Arg::One(k))
    }

    /// A comma-separated operand list ending with ';' (or an empty one: just ';').
    fn args(&mut self, what: &str) -> Result<Vec<Arg>, InteropError> {
        if self.is(";") {
            self.pos += 1;
            return Ok(Vec::new());
        }
        let mut out = vec![self.arg()?];
        loop {
            let t = self.next("';'")?;
            match t.tok {
                Tok::Sym(";") => return Ok(out),
                Tok::Sym(",") => out.push(self.arg()?),
                tok => {
                    return Err(InteropError::at_col(
                        t.line,
                        t.col,
                        format!(
                            "expected ',' or ';' after the qubits of {what}, found {}",
                            tok.show()
                        ),
                    ))
                }
            }
        }
    }

    fn wire_name(&self, w: usize) -> String {
        if self.physical {
            return format!("${w}");
        }
        self.regs
            .iter()
            .find(|r| w >= r.1 && w < r.1 + r.2)
            .map_or(format!("{w}"), |r| format!("{}[{}]", clip(&r.0), w - r.1))
    }

    // ---------- gate definitions ----------

    fn opaque_decl(&mut self, line: usize) -> Result<(), InteropError> {
        let (name, l, c) = self.ident("a gate name")?;
        self.check_new_gate_name(&name, l, c)?;
        if self.is("(") {
            while !self.is(")") {
                self.next("')'")?;
            }
            self.pos += 1;
        }
        loop {
            self.ident("a qubit name")?;
            let t = self.next("';'")?;
            match t.tok {
                Tok::Sym(";") => break,
                Tok::Sym(",") => {}
                tok => {
                    return Err(InteropError::at_col(
                        t.line,
                        t.col,
                        format!(
                            "expected ',' or ';' in the opaque declaration, found {}",
                            tok.show()
                        ),
                    ))
                }
            }
        }
        self.opaque.insert(name, line);
        Ok(())
    }

    fn check_new_gate_name(&self, name: &str, line: usize, col: usize) -> Result<(), InteropError> {
        if let Some(d) = self.def_index.get(name).map(|&i| &self.defs[i]) {
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "gate '{}' is already defined on line {}",
                    clip(name),
                    d.line
                ),
            ));
        }
        if let Some(l) = self.opaque.get(name) {
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "gate '{}' is already declared opaque on line {l}",
                    clip(name)
                ),
            ));
        }
        if self.v3 && self.included && STDGATES.iter().any(|g| g.name == name) {
            return Err(InteropError::at_col(
                line,
                col,
                format!("gate '{name}' is already defined by stdgates.inc"),
            ));
        }
        let builtin: &[&str] = if self.v3 {
            &["U", "gphase"]
        } else {
            &["U", "CX"]
        };
        if builtin.contains(&name) {
            return Err(InteropError::at_col(
                line,
                col,
                format!("'{name}' is built into OpenQASM and cannot be redefined"),
            ));
        }
        Ok(())
    }

    /// A list of names in a definition header, ending before `end`.
    fn name_list(&mut self, what: &str, end: &'static str) -> Result<Vec<String>, InteropError> {
        let mut out: Vec<String> = Vec::new();
        if self.is(end) {
            return Ok(out);
        }
        loop {
            let (n, l, c) = self.ident(what)?;
            if out.contains(&n) {
                return Err(InteropError::at_col(
                    l,
                    c,
                    format!("'{}' appears twice in the gate's {what}s", clip(&n)),
                ));
            }
            out.push(n);
            if self.is(",") {
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }

    fn gate_def(&mut self, line: usize) -> Result<(), InteropError> {
        let (name, l, c) = self.ident("a gate name")?;
        self.check_new_gate_name(&name, l, c)?;
        let params = if self.is("(") {
            self.pos += 1;
            let p = self.name_list("parameter", ")")?;
            self.expect(")", "after the gate's parameters")?;
            p
        } else {
            Vec::new()
        };
        let qubits = self.name_list("qubit", "{")?;
        if qubits.is_empty() {
            return Err(self.err_here(format!("gate '{}' needs at least one qubit", clip(&name))));
        }
        self.expect("{", "to open the gate's body")?;
        let mut body = Vec::new();
        loop {
            if self.is("}") {
                self.pos += 1;
                break;
            }
            let t = self.next("'}' to close the gate's body")?;
            let word = match &t.tok {
                Tok::Ident(s) => s.clone(),
                tok => {
                    return Err(InteropError::at_col(
                        t.line,
                        t.col,
                        format!(
                            "expected a gate call in the body of '{}', found {}",
                            clip(&name),
                            tok.show()
                        ),
                    ))
                }
            };
            if word == "barrier" {
                // Only the qubits of the gate, then ';' (a barrier changes no state).
                loop {
                    let (q, ql, qc) = self.ident("a qubit of the gate")?;
                    if !qubits.contains(&q) {
                        return Err(InteropError::at_col(
                            ql,
                            qc,
                            format!("'{}' is not a qubit of gate '{}'", clip(&q), clip(&name)),
                        ));
                    }
                    if self.is(",") {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                self.expect(";", "after the barrier")?;
                continue;
            }
            if matches!(
                word.as_str(),
                "measure"
                    | "reset"
                    | "if"
                    | "qreg"
                    | "creg"
                    | "qubit"
                    | "bit"
                    | "gate"
                    | "opaque"
                    | "for"
                    | "while"
                    | "include"
            ) {
                return Err(InteropError::at_col(
                    t.line,
                    t.col,
                    format!(
                        "'{word}' is not allowed inside a gate definition ('{}' on line {line}); \
                         a gate body holds only gate calls",
                        clip(&name)
                    ),
                ));
            }
            self.pos -= 1;
            let call = self.call_head(&params)?;
            let mut qs = Vec::new();
            if !self.is(";") {
                loop {
                    let (q, ql, qc) = self.ident("a qubit of the gate")?;
                    let Some(i) = qubits.iter().position(|n| *n == q) else {
                        return Err(InteropError::at_col(
                            ql,
                            qc,
                            format!(
                                "'{}' is not a qubit of gate '{}' (its qubits: {})",
                                clip(&q),
                                clip(&name),
                                qubits
                                    .iter()
                                    .map(|s| clip(s))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    };
                    if self.is("[") {
                        return Err(self.err_here("qubits inside a gate definition are single qubits; they cannot be indexed"));
                    }
                    qs.push(i);
                    if self.is(",") {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
            self.expect(";", &format!("after the call of '{}'", clip(&call.name)))?;
            self.check_operands(&call, qs.len(), call.line, call.col)?;
            if let Some(k) = qs
                .iter()
                .enumerate()
                .find_map(|(k, q)| qs[..k].contains(q).then_some(*q))
            {
                return Err(InteropError::at_col(
                    call.line,
                    call.col,
                    format!(
                        "'{}' uses qubit '{}' twice",
                        clip(&call.name),
                        clip(&qubits[k])
                    ),
                ));
            }
            body.push(BodyCall { call, qubits: qs });
        }
        self.def_index.insert(name.clone(), self.defs.len());
        self.defs.push(Rc::new(GateDef {
            name,
            line,
            n_params: params.len(),
            n_qubits: qubits.len(),
            body,
        }));
        self.def_uses.push(0);
        Ok(())
    }

    // ---------- calls ----------

    fn resolve(&self, name: &str, line: usize, col: usize) -> Result<Callee, InteropError> {
        if let Some(&i) = self.def_index.get(name) {
            return Ok(Callee::Def(i));
        }
        if let Some(l) = self.opaque.get(name) {
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "'{}' is declared opaque on line {l}: its action is not defined, so it cannot \
                     be simulated",
                    clip(name)
                ),
            ));
        }
        let lib = if self.v3 { STDGATES } else { QELIB1 };
        if let Some(g) = lib.iter().find(|g| g.name == name) {
            return Ok(Callee::Lib(g));
        }
        let (file, dumps) = if self.v3 {
            ("stdgates.inc", "qasm3.dumps")
        } else {
            ("qelib1.inc", "qasm2.dumps")
        };
        let other = if self.v3 { QELIB1 } else { STDGATES };
        let why = if DEFINED_BY_DUMPS.contains(&name) || other.iter().any(|g| g.name == name) {
            format!(
                "gate '{name}' is not defined: {file} has no '{name}'; add a 'gate {name} …' \
                 definition before its first use (Qiskit's {dumps} writes one)"
            )
        } else {
            format!("unknown gate '{}'", clip(name))
        };
        Err(InteropError::at_col(line, col, why))
    }

    /// Modifiers, name and angles of a call (the operands follow).
    fn call_head(&mut self, scope: &[String]) -> Result<Call, InteropError> {
        let mut mods = Vec::new();
        // Messages about the whole call point at its start (its first modifier, if any).
        let (line, col) = self.here();
        loop {
            let (word, l, c) = self.ident("a gate name")?;
            let is_mod = matches!(word.as_str(), "inv" | "pow" | "ctrl" | "negctrl");
            let modifier_follows = self.is("@")
                || (is_mod && self.is("(") && {
                    // `ctrl(2) @` vs a gate named like a modifier: look for ') @'.
                    let mut k = self.pos;
                    let mut depth = 0usize;
                    loop {
                        match self.toks.get(k).map(|t| &t.tok) {
                            Some(Tok::Sym("(")) => depth += 1,
                            Some(Tok::Sym(")")) => {
                                depth -= 1;
                                if depth == 0 {
                                    break matches!(
                                        self.toks.get(k + 1).map(|t| &t.tok),
                                        Some(Tok::Sym("@"))
                                    );
                                }
                            }
                            Some(Tok::Sym(";")) | None => break false,
                            _ => {}
                        }
                        k += 1;
                    }
                });
            if !modifier_follows {
                let callee = self.resolve(&word, l, c)?;
                let args = self.call_args(&word, scope)?;
                let call = Call {
                    name: word,
                    callee,
                    mods,
                    args,
                    line,
                    col,
                };
                let (n_params, _) = self.counts(call.callee);
                if call.args.len() != n_params {
                    return Err(InteropError::at_col(
                        l,
                        c,
                        format!(
                            "gate '{}' takes {n_params} angle(s), {} given",
                            clip(&call.name),
                            call.args.len()
                        ),
                    ));
                }
                return Ok(call);
            }
            if !self.v3 {
                return Err(InteropError::at_col(
                    l,
                    c,
                    "gate modifiers ('ctrl @', 'inv @', …) are OpenQASM 3; this file says \
                     OPENQASM 2.0",
                ));
            }
            let m = match word.as_str() {
                "inv" => Modifier::Inv,
                "pow" => {
                    self.expect("(", "after 'pow'")?;
                    let e = self.expr(scope, 0)?;
                    self.expect(")", "to close 'pow('")?;
                    Modifier::Pow(e)
                }
                "ctrl" | "negctrl" => {
                    let k = if self.is("(") {
                        self.pos += 1;
                        let k = self.index("the number of controls")?;
                        self.expect(")", "after the number of controls")?;
                        k
                    } else {
                        1
                    };
                    if k == 0 || k > MAX_QUBITS {
                        return Err(InteropError::at_col(
                            l,
                            c,
                            format!("'{word}({k})' needs 1 to {MAX_QUBITS} controls"),
                        ));
                    }
                    Modifier::Ctrl(k, word == "negctrl")
                }
                _ => {
                    return Err(InteropError::at_col(
                        l,
                        c,
                        format!(
                            "'{}' is not a gate modifier (inv, pow, ctrl, negctrl)",
                            clip(&word)
                        ),
                    ))
                }
            };
            mods.push(m);
            self.expect("@", "after the modifier")?;
        }
    }

    fn call_args(&mut self, name: &str, scope: &[String]) -> Result<Vec<Expr>, InteropError> {
        let mut args = Vec::new();
        if !self.is("(") {
            return Ok(args);
        }
        self.pos += 1;
        if self.is(")") {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            args.push(self.expr(scope, 0)?);
            let t = self.next("')'")?;
            match t.tok {
                Tok::Sym(")") => return Ok(args),
                Tok::Sym(",") => {}
                tok => {
                    return Err(InteropError::at_col(
                        t.line,
                        t.col,
                        format!(
                            "expected ',' or ')' in the angles of '{}', found {}",
                            clip(name),
                            tok.show()
                        ),
                    ))
                }
            }
        }
    }

    /// (angles, qubits) of a callee.
    fn counts(&self, c: Callee) -> (usize, usize) {
        match c {
            Callee::Lib(g) => (g.n_params, g.n_qubits),
            Callee::Def(i) => (self.defs[i].n_params, self.defs[i].n_qubits),
        }
    }

    /// Checks the number of operands against the gate's qubits plus the modifiers' controls.
    fn check_operands(
        &self,
        call: &Call,
        given: usize,
        line: usize,
        col: usize,
    ) -> Result<(), InteropError> {
        let (_, nq) = self.counts(call.callee);
        let controls: usize = call
            .mods
            .iter()
            .map(|m| match m {
                Modifier::Ctrl(k, _) => *k,
                _ => 0,
            })
            .sum();
        let want = nq + controls;
        if given != want {
            let what = if controls > 0 {
                format!("{want} qubit(s) ({controls} control(s) and {nq} for the gate)")
            } else {
                format!("{want} qubit(s)")
            };
            return Err(InteropError::at_col(
                line,
                col,
                format!("gate '{}' acts on {what}, {given} given", clip(&call.name)),
            ));
        }
        Ok(())
    }

    fn top_call(&mut self) -> Result<(), InteropError> {
        let call = self.call_head(&[])?;
        let args = self.args(&format!("'{}'", clip(&call.name)))?;
        self.check_operands(&call, args.len(), call.line, call.col)?;
        // Broadcasting: whole registers (all the same size) run the gate once per index.
        let mut reps: Option<usize> = None;
        for a in &args {
            if let Arg::Reg(_, n) = a {
                match reps {
                    Some(m) if m != *n => {
                        return Err(InteropError::at_col(
                            call.line,
                            call.col,
                            format!(
                                "'{}' is given registers of different sizes ({m} and {n})",
                                clip(&call.name)
                            ),
                        ))
                    }
                    _ => reps = Some(*n),
                }
            }
        }
        self.top = Some((call.name.clone(), call.line, call.col));
        for r in 0..reps.unwrap_or(1) {
            let wires: Vec<usize> = args
                .iter()
                .map(|a| match *a {
                    Arg::One(w) => w,
                    Arg::Reg(s, _) => s + r,
                })
                .collect();
            for (k, w) in wires.iter().enumerate() {
                if wires[..k].contains(w) {
                    return Err(InteropError::at_col(
                        call.line,
                        call.col,
                        format!(
                            "'{}' uses qubit {} twice",
                            clip(&call.name),
                            self.wire_name(*w)
                        ),
                    ));
                }
                if let Some(Some(m)) = self.measured.get(*w) {
                    return Err(InteropError::at_col(
                        call.line,
                        call.col,
                        format!(
                            "'{}' acts on {} after it was measured on line {m}; mid-circuit \
                             measurement is not supported",
                            clip(&call.name),
                            self.wire_name(*w)
                        ),
                    ));
                }
            }
            let prims = self.expand(&call, &[], &wires, 0)?;
            self.place(prims, &call)?;
        }
        self.top = None;
        Ok(())
    }

    /// " (while expanding 'g' on line N)" inside a definition (depth > 0), else "".
    fn context(&self, depth: usize) -> String {
        match &self.top {
            Some((n, l, _)) if depth > 0 => format!(" (while expanding '{}' on line {l})", clip(n)),
            _ => String::new(),
        }
    }

    fn step(&mut self, n: usize, call: &Call) -> Result<(), InteropError> {
        self.steps = self.steps.saturating_add(n);
        if self.steps > MAX_EXPANSION_STEPS {
            let (name, line, col) =
                self.top
                    .clone()
                    .unwrap_or((call.name.clone(), call.line, call.col));
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "expanding '{}' takes more than {MAX_EXPANSION_STEPS} steps, the importer's \
                     limit: its gate definitions call each other so often that the expansion \
                     grows exponentially",
                    clip(&name)
                ),
            ));
        }
        Ok(())
    }

    /// Refuses an expansion (also an intermediate one) with more gates than the circuit can
    /// still take, before it grows further.
    fn fits(&self, prims: &[Prim], call: &Call) -> Result<(), InteropError> {
        let room = MAX_GATES.saturating_sub(self.gates.len());
        if prims.len() > room && prims.iter().filter(|p| matches!(p, Prim::Op(_))).count() > room {
            let (name, line, col) =
                self.top
                    .clone()
                    .unwrap_or((call.name.clone(), call.line, call.col));
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "the circuit has more than {MAX_GATES} gates once '{}' is expanded; the \
                     playground's limit is {MAX_GATES} gates",
                    clip(&name)
                ),
            ));
        }
        Ok(())
    }

    /// The playground gates of one call, its angles and powers evaluated with the enclosing
    /// definition's parameter values `env`, on its operand wires (modifiers' controls first),
    /// modifiers applied.
    fn expand(
        &mut self,
        call: &Call,
        env: &[f64],
        wires: &[usize],
        depth: usize,
    ) -> Result<Vec<Prim>, InteropError> {
        self.step(1, call)?;
        let params: Vec<f64> = call.args.iter().map(|e| e.eval(env)).collect();
        if let Some(v) = params.iter().find(|v| !v.is_finite()) {
            return Err(InteropError::at_col(
                call.line,
                call.col,
                format!(
                    "an angle of '{}' evaluates to {v}; angles must be finite{}",
                    clip(&call.name),
                    self.context(depth)
                ),
            ));
        }
        let sim_err =
            |e: crate::sim::SimError| InteropError::at_col(call.line, call.col, e.to_string());
        let n_controls: usize = call
            .mods
            .iter()
            .map(|m| match m {
                Modifier::Ctrl(k, _) => *k,
                _ => 0,
            })
            .sum();
        let (ctrl_wires, gate_wires) = wires.split_at(n_controls.min(wires.len()));
        let mut prims = match call.callee {
            Callee::Lib(g) => {
                if matches!(g.build, Build::Rccx | Build::Rc3x) {
                    let n = if g.build == Build::Rccx { 9 } else { 18 };
                    if !self.composites.iter().any(|c| c.0 == g.name) {
                        self.composites.push((g.name, n));
                    }
                }
                gates::build(g.build, &params, gate_wires).map_err(sim_err)?
            }
            Callee::Def(i) => {
                if depth >= MAX_GATE_NESTING {
                    let (name, line, col) =
                        self.top
                            .clone()
                            .unwrap_or((call.name.clone(), call.line, call.col));
                    return Err(InteropError::at_col(
                        line,
                        col,
                        format!(
                            "gate definitions nest more than {MAX_GATE_NESTING} levels deep \
                             (expanding '{}'); the importer's limit is {MAX_GATE_NESTING}",
                            clip(&name)
                        ),
                    ));
                }
                self.def_uses[i] += 1;
                let def = Rc::clone(&self.defs[i]);
                let mut out = Vec::new();
                for b in &def.body {
                    let w: Vec<usize> = b.qubits.iter().map(|&q| gate_wires[q]).collect();
                    let got = self.expand(&b.call, &params, &w, depth + 1)?;
                    self.step(got.len(), call)?;
                    out.extend(got);
                    self.fits(&out, call)?;
                }
                out
            }
        };
        // Modifiers apply innermost (rightmost) first; their controls are the leading operands
        // in outermost-first order.
        let mut end = ctrl_wires.len();
        for m in call.mods.iter().rev() {
            prims = match m {
                Modifier::Inv => gates::inverse(prims),
                Modifier::Pow(e) => {
                    let k = e.eval(env);
                    self.power(prims, k, call, depth)?
                }
                Modifier::Ctrl(k, neg) => {
                    let c = &ctrl_wires[end - k..end];
                    end -= k;
                    let mut out = Vec::with_capacity(prims.len() + 2 * c.len());
                    let flip = |out: &mut Vec<Prim>| -> Result<(), InteropError> {
                        for &w in c {
                            out.push(Prim::Op(Op::new(GateKind::X, &[w], &[]).map_err(sim_err)?));
                        }
                        Ok(())
                    };
                    if *neg {
                        flip(&mut out)?;
                    }
                    for p in &prims {
                        gates::controlled(p, c, &mut out).map_err(sim_err)?;
                    }
                    if *neg {
                        flip(&mut out)?;
                    }
                    out
                }
            };
            self.step(prims.len(), call)?;
            self.fits(&prims, call)?;
        }
        Ok(prims)
    }

    fn power(
        &mut self,
        prims: Vec<Prim>,
        k: f64,
        call: &Call,
        depth: usize,
    ) -> Result<Vec<Prim>, InteropError> {
        if !k.is_finite() || k.fract() != 0.0 {
            return Err(InteropError::at_col(
                call.line,
                call.col,
                format!(
                    "pow({k}) @ is not supported: only whole powers of a gate can be built from \
                     the playground's gates{}",
                    self.context(depth)
                ),
            ));
        }
        let reps = k.abs();
        if reps * (prims.len().max(1) as f64) > MAX_EXPANSION_STEPS as f64 {
            let (name, line, col) =
                self.top
                    .clone()
                    .unwrap_or((call.name.clone(), call.line, call.col));
            return Err(InteropError::at_col(
                line,
                col,
                format!(
                    "pow({k}) @ '{}' would take more than {MAX_EXPANSION_STEPS} steps, the \
                     importer's limit",
                    clip(&name)
                ),
            ));
        }
        let base = if k < 0.0 {
            gates::inverse(prims)
        } else {
            prims
        };
        let mut out = Vec::with_capacity(base.len() * reps as usize);
        for _ in 0..reps as usize {
            self.step(base.len(), call)?;
            out.extend(base.iter().cloned());
            self.fits(&out, call)?;
        }
        Ok(out)
    }

    fn place(&mut self, prims: Vec<Prim>, call: &Call) -> Result<(), InteropError> {
        for p in prims {
            let op = match p {
                Prim::Op(op) => op,
                Prim::Phase(a) => {
                    let (sum, line) = self.phase.unwrap_or((0.0, call.line));
                    self.phase = Some((sum + a, line));
                    continue;
                }
            };
            if self.gates.len() >= MAX_GATES {
                return Err(InteropError::at_col(
                    call.line,
                    call.col,
                    format!(
                        "the circuit has more than {MAX_GATES} gates{}; the playground's limit \
                         is {MAX_GATES} gates",
                        if matches!(call.callee, Callee::Def(_)) || !call.mods.is_empty() {
                            format!(" once '{}' is expanded", clip(&call.name))
                        } else {
                            String::new()
                        }
                    ),
                ));
            }
            let all: Vec<usize> = op.wires.iter().chain(&op.controls).copied().collect();
            let col = all.iter().map(|&w| self.next_col[w]).max().unwrap_or(0);
            for &w in &all {
                self.next_col[w] = col + 1;
            }
            let n = op.kind.n_params();
            self.gates.push(GateSpec {
                gate: op.kind.into(),
                params: op.params[..n]
                    .iter()
                    .map(|&value| Angle::Const { value })
                    .collect(),
                wires: op.wires,
                controls: op.controls,
                col,
            });
        }
        Ok(())
    }

    fn finish(
        mut self,
        version: QasmVersion,
        last_line: usize,
    ) -> Result<QasmImport, InteropError> {
        if self.n_qubits == 0 {
            return Err(InteropError::at(
                last_line,
                if version == QasmVersion::V3 {
                    "the file declares no qubits (expected e.g. 'qubit[2] q;')"
                } else {
                    "the file declares no qubits (expected e.g. 'qreg q[2];')"
                },
            ));
        }
        let used: Vec<String> = self
            .defs
            .iter()
            .zip(&self.def_uses)
            .filter(|(_, &n)| n > 0)
            .map(|(d, _)| clip(&d.name))
            .collect();
        if !used.is_empty() {
            let mut names = used[..used.len().min(NOTE_NAMES)].join(", ");
            if used.len() > NOTE_NAMES {
                names.push_str(&format!(" and {} more", used.len() - NOTE_NAMES));
            }
            self.notes.push(format!(
                "the playground has no custom gates: the definitions of {names} were expanded \
                 into its gates (exactly the same matrices)"
            ));
        }
        let file = if self.v3 {
            "stdgates.inc"
        } else {
            "qelib1.inc"
        };
        for (name, n) in &self.composites {
            self.notes.push(format!(
                "{file}'s {name} has no single playground gate: each use became {n} gates (H, T, \
                 T†, CNOT) with exactly its matrix"
            ));
        }
        if let Some((phase, line)) = self.phase {
            if phase != 0.0 {
                self.notes.push(format!(
                    "a global phase of {} rad (from gphase, first on line {line}) was left out: no \
                     probability or expectation value depends on it",
                    super::num(phase)
                ));
            }
        }
        Ok(QasmImport {
            circuit: CircuitSpec {
                qubits: self.n_qubits,
                gates: self.gates,
            },
            notes: self.notes,
            version,
            global_phase: self.phase.map_or(0.0, |p| p.0),
        })
    }

    // ---------- expressions: sums of products of signed powers of atoms ----------

    fn expr(&mut self, scope: &[String], depth: usize) -> Result<Expr, InteropError> {
        let mut terms = vec![(false, self.term(scope, depth)?)];
        loop {
            let minus = if self.is("+") {
                false
            } else if self.is("-") {
                true
            } else {
                break;
            };
            self.pos += 1;
            terms.push((minus, self.term(scope, depth)?));
        }
        Ok(if terms.len() == 1 {
            terms.remove(0).1
        } else {
            Expr::Sum(terms)
        })
    }

    fn term(&mut self, scope: &[String], depth: usize) -> Result<Expr, InteropError> {
        let mut factors = vec![(false, self.unary(scope, depth)?)];
        loop {
            let div = if self.is("*") {
                false
            } else if self.is("/") {
                true
            } else {
                break;
            };
            self.pos += 1;
            factors.push((div, self.unary(scope, depth)?));
        }
        Ok(if factors.len() == 1 {
            factors.remove(0).1
        } else {
            Expr::Prod(factors)
        })
    }

    fn unary(&mut self, scope: &[String], depth: usize) -> Result<Expr, InteropError> {
        if depth > MAX_EXPR_DEPTH {
            return Err(self.err_here(format!(
                "the angle expression is nested more than {MAX_EXPR_DEPTH} levels deep"
            )));
        }
        if self.is("-") {
            self.pos += 1;
            return Ok(Expr::Neg(Box::new(self.unary(scope, depth + 1)?)));
        }
        if self.is("+") {
            self.pos += 1;
            return self.unary(scope, depth + 1);
        }
        let base = self.atom(scope, depth)?;
        let pow = if self.v3 { "**" } else { "^" };
        if self.is(pow) {
            self.pos += 1;
            return Ok(Expr::Pow(
                Box::new(base),
                Box::new(self.unary(scope, depth + 1)?),
            ));
        }
        if self.v3 && self.is("^") {
            return Err(self.err_here("'^' is bitwise XOR in OpenQASM 3; write '**' for a power"));
        }
        Ok(base)
    }

    fn atom(&mut self, scope: &[String], depth: usize) -> Result<Expr, InteropError> {
        let t = self.next("an angle")?;
        match t.tok {
            Tok::Num(v, _) => Ok(Expr::Num(v)),
            Tok::Sym("(") => {
                let e = self.expr(scope, depth + 1)?;
                self.expect(")", "to close the parenthesis")?;
                Ok(e)
            }
            Tok::Ident(s) => {
                if let Some(i) = scope.iter().position(|p| *p == s) {
                    return Ok(Expr::Param(i));
                }
                let constant = match s.as_str() {
                    "pi" => Some(std::f64::consts::PI),
                    "π" if self.v3 => Some(std::f64::consts::PI),
                    "tau" | "τ" if self.v3 => Some(std::f64::consts::TAU),
                    "euler" | "ℯ" if self.v3 => Some(std::f64::consts::E),
                    _ => None,
                };
                if let Some(v) = constant {
                    return Ok(Expr::Num(v));
                }
                let f: fn(f64) -> f64 = match s.as_str() {
                    "sin" => f64::sin,
                    "cos" => f64::cos,
                    "tan" => f64::tan,
                    "exp" => f64::exp,
                    "ln" => f64::ln,
                    "sqrt" => f64::sqrt,
                    "arcsin" if self.v3 => f64::asin,
                    "arccos" if self.v3 => f64::acos,
                    "arctan" if self.v3 => f64::atan,
                    _ => {
                        let allowed = if self.v3 {
                            "pi, tau, euler, numbers, the gate's parameters and sin cos tan \
                             arcsin arccos arctan exp ln sqrt"
                        } else {
                            "pi, numbers, the gate's parameters and sin cos tan exp ln sqrt"
                        };
                        return Err(InteropError::at_col(
                            t.line,
                            t.col,
                            format!(
                                "unknown name '{}' in an angle (only {allowed} are allowed)",
                                clip(&s)
                            ),
                        ));
                    }
                };
                self.expect("(", &format!("after '{s}'"))?;
                let e = self.expr(scope, depth + 1)?;
                self.expect(")", &format!("to close '{s}('"))?;
                Ok(Expr::Func(f, Box::new(e)))
            }
            tok => Err(InteropError::at_col(
                t.line,
                t.col,
                format!("expected an angle, found {}", tok.show()),
            )),
        }
    }
}
