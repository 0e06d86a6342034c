//! The OpenQASM 2/3 tokenizer: identifiers, numbers, strings, physical qubits (`$3`) and
//! symbols, each with its 1-based line and column (in characters). Comments are skipped.
//! Punctuation the grammar never uses is still a token, so the parser reports it in file order.

use super::super::InteropError;

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    /// A name: ASCII or Unicode letters, digits and `_`, not starting with a digit.
    Ident(String),
    /// A number literal with its text (for "whole number" checks and messages).
    Num(f64, String),
    /// A `"…"` string (on one line).
    Str(String),
    /// A physical qubit `$k` (OpenQASM 3), its digits.
    Phys(String),
    /// Punctuation.
    Sym(&'static str),
}

/// A token and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    pub line: usize,
    pub col: usize,
}

impl Tok {
    /// The token as a message shows it.
    pub fn show(&self) -> String {
        match self {
            Tok::Ident(s) | Tok::Num(_, s) => format!("'{}'", clip(s)),
            Tok::Phys(s) => format!("'${}'", clip(s)),
            Tok::Str(s) => format!("\"{}\"", clip(s)),
            Tok::Sym(s) => format!("'{s}'"),
        }
    }
}

/// At most 40 characters of user text in a message.
pub(super) fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// Two-character symbols first, so `->` is not read as `-`, `>`.
const SYMBOLS: [&str; 34] = [
    "->", "==", "!=", "<=", ">=", "**", "&&", "||", "<<", ">>", "++", "+=", "-=", ";", ",", "(",
    ")", "[", "]", "{", "}", "+", "-", "*", "/", "^", "@", "=", ":", "<", ">", "!", "&", "|",
];

/// Other single punctuation characters that become tokens (and parse errors in context).
const OTHER: [&str; 5] = ["%", "~", ".", "#", "'"];

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `text` into tokens; an unclosed comment or string or a character no OpenQASM text
/// contains is an error at its line and column.
pub(super) fn lex(text: &str) -> Result<Vec<Token>, InteropError> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    let (mut line, mut col) = (1usize, 1usize);
    // Advances over one char, keeping line and column.
    macro_rules! bump {
        () => {
            if let Some((_, c)) = it.next() {
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }
        };
    }
    while let Some(&(i, c)) = it.peek() {
        let rest = &text[i..];
        let (l0, c0) = (line, col);
        if c.is_whitespace() {
            bump!();
        } else if rest.starts_with("//") {
            while it.peek().is_some_and(|&(_, c)| c != '\n') {
                bump!();
            }
        } else if rest.starts_with("/*") {
            bump!();
            bump!();
            loop {
                match it.peek() {
                    None => {
                        return Err(InteropError::at_col(l0, c0, "a /* comment is never closed"))
                    }
                    Some(&(j, _)) if text[j..].starts_with("*/") => {
                        bump!();
                        bump!();
                        break;
                    }
                    Some(_) => bump!(),
                }
            }
        } else if ident_start(c) {
            let mut end = i;
            while let Some(&(j, c)) = it.peek() {
                if !ident_char(c) {
                    break;
                }
                end = j + c.len_utf8();
                bump!();
            }
            out.push(Token {
                tok: Tok::Ident(text[i..end].to_string()),
                line: l0,
                col: c0,
            });
        } else if c.is_ascii_digit()
            || (c == '.' && rest[1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            let b = rest.as_bytes();
            let mut n = 0;
            while n < b.len() && (b[n].is_ascii_digit() || b[n] == b'.') {
                n += 1;
            }
            if n < b.len() && (b[n] == b'e' || b[n] == b'E') {
                let mut j = n + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    n = j;
                    while n < b.len() && b[n].is_ascii_digit() {
                        n += 1;
                    }
                }
            }
            let s = &rest[..n];
            for _ in 0..n {
                bump!();
            }
            let v: f64 = s.parse().map_err(|_| {
                InteropError::at_col(l0, c0, format!("'{}' is not a number", clip(s)))
            })?;
            out.push(Token {
                tok: Tok::Num(v, s.to_string()),
                line: l0,
                col: c0,
            });
        } else if c == '"' {
            bump!();
            let start = i + 1;
            loop {
                match it.peek() {
                    Some(&(j, '"')) => {
                        out.push(Token {
                            tok: Tok::Str(text[start..j].to_string()),
                            line: l0,
                            col: c0,
                        });
                        bump!();
                        break;
                    }
                    Some(&(_, '\n')) | None => {
                        return Err(InteropError::at_col(
                            l0,
                            c0,
                            "a string is not closed on its line",
                        ))
                    }
                    Some(_) => bump!(),
                }
            }
        } else if c == '$' && rest[1..].starts_with(|d: char| d.is_ascii_digit()) {
            bump!();
            let digits: String = rest[1..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            for _ in 0..digits.chars().count() {
                bump!();
            }
            out.push(Token {
                tok: Tok::Phys(digits),
                line: l0,
                col: c0,
            });
        } else if let Some(sym) = SYMBOLS
            .iter()
            .chain(OTHER.iter())
            .find(|s| rest.starts_with(*s))
        {
            for _ in 0..sym.len() {
                bump!();
            }
            out.push(Token {
                tok: Tok::Sym(sym),
                line: l0,
                col: c0,
            });
        } else {
            return Err(InteropError::at_col(
                l0,
                c0,
                format!("unexpected character '{}'", c.escape_default()),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(Tok, usize, usize)> {
        lex(s)
            .unwrap()
            .into_iter()
            .map(|t| (t.tok, t.line, t.col))
            .collect()
    }

    #[test]
    fn positions_are_lines_and_character_columns() {
        let t = toks("h q[0];\n  rx(π/2) $12; // c\n/* a\nb */ x");
        assert_eq!(t[0], (Tok::Ident("h".into()), 1, 1));
        assert_eq!(t[1], (Tok::Ident("q".into()), 1, 3));
        assert_eq!(t[6], (Tok::Ident("rx".into()), 2, 3));
        assert_eq!(t[8], (Tok::Ident("π".into()), 2, 6));
        assert_eq!(t[9], (Tok::Sym("/"), 2, 7));
        assert_eq!(t[12], (Tok::Phys("12".into()), 2, 11));
        assert_eq!(t[14], (Tok::Ident("x".into()), 4, 6));
    }

    #[test]
    fn numbers_symbols_and_errors() {
        let t = toks("1.5e-3 .5 2 -> ** == 1e");
        assert_eq!(t[0].0, Tok::Num(1.5e-3, "1.5e-3".into()));
        assert_eq!(t[1].0, Tok::Num(0.5, ".5".into()));
        assert_eq!(t[3].0, Tok::Sym("->"));
        assert_eq!(t[4].0, Tok::Sym("**"));
        assert_eq!(t[5].0, Tok::Sym("=="));
        // "1e" is the number 1 followed by the name e.
        assert_eq!(t[6].0, Tok::Num(1.0, "1".into()));
        assert_eq!(t[7].0, Tok::Ident("e".into()));
        let e = lex("x\n  1.2.3").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        let e = lex("ab\n \"open").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(2)));
        let e = lex("a /* b\n\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(3)));
        let e = lex("a\n\t`").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(2)));
        assert!(e.message.contains("'`'"), "{e}");
    }
}
