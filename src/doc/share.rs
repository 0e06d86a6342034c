//! The URL-hash codec: a whole [`Document`] as a short, versioned link fragment and back.
//!
//! Two forms are read, one is written:
//!
//! - `v1.<data>` (written by [`encode_hash`]): the compact JSON, raw-deflated (RFC 1951, no
//!   zlib header) and base64url-encoded without padding (RFC 4648 §5).
//! - `json:<percent-encoded JSON>`: a readable form for hand-made links and lessons.
//!
//! A leading `#` is optional. Decoding is bounded (hash length [`MAX_HASH_CHARS`], inflated size
//! [`MAX_DOC_BYTES`]) and never panics; a damaged or truncated link gives "the link is damaged
//! (…)", a link from a newer format gives "made by a newer playground (format vN)".
//!
//! Owns only the codec; imports `doc` (this module's parent) and miniz_oxide, nothing else.
//!
//! ```
//! use qmlp::doc::{share, Document};
//! let doc = Document::default();
//! let hash = share::encode_hash(&doc);
//! assert!(hash.starts_with("v1."));
//! assert_eq!(share::decode_hash(&hash).unwrap(), doc);
//! assert_eq!(share::decode_hash(&format!("#{hash}")).unwrap(), doc);
//! ```

use super::{DocError, Document, ValidDocument, MAX_DOC_BYTES};

/// The prefix of the compact form this engine writes.
pub const HASH_PREFIX: &str = "v1.";
/// The prefix of the readable form (`json:` + percent-encoded JSON).
pub const JSON_PREFIX: &str = "json:";
/// The longest hash accepted, in characters.
pub const MAX_HASH_CHARS: usize = 200_000;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The document as a link fragment: `v1.` + base64url(deflate(compact JSON)), without `#`.
pub fn encode_hash(doc: &Document) -> String {
    let json = doc.to_json_compact();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{HASH_PREFIX}{}", base64url_encode(&packed))
}

/// The document as a readable link fragment: `json:` + percent-encoded compact JSON.
pub fn encode_hash_readable(doc: &Document) -> String {
    format!("{JSON_PREFIX}{}", percent_encode(&doc.to_json_compact()))
}

/// Reads a link fragment (`v1.…` or `json:…`, leading `#` optional) back into a validated
/// document; every failure is an error that says what is wrong with the link.
pub fn decode_hash(hash: &str) -> Result<ValidDocument, DocError> {
    if hash.len() > MAX_HASH_CHARS && hash.chars().count() > MAX_HASH_CHARS {
        return Err(link_error(format!(
            "the link is too long: {} characters; the limit is {MAX_HASH_CHARS} characters",
            hash.chars().count()
        )));
    }
    let hash = hash.trim();
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    if hash.is_empty() {
        return Err(link_error(
            "the link holds no playground (the part after # is empty)",
        ));
    }
    if let Some(data) = hash.strip_prefix(HASH_PREFIX) {
        let packed = base64url_decode(data).map_err(damaged)?;
        let json = inflate_limited(&packed)?;
        let text = String::from_utf8(json).map_err(|_| damaged("the text is not UTF-8"))?;
        return parse_document(&text);
    }
    if let Some(data) = hash.strip_prefix(JSON_PREFIX) {
        let bytes = percent_decode(data).map_err(damaged)?;
        if bytes.len() > MAX_DOC_BYTES {
            return Err(too_big(bytes.len()));
        }
        let text = String::from_utf8(bytes).map_err(|_| damaged("the text is not UTF-8"))?;
        return parse_document(&text);
    }
    if let Some(v) = newer_format(hash) {
        return Err(link_error(format!(
            "this link was made by a newer playground (format v{v}); open it there, or ask for a \
             link in format v1"
        )));
    }
    Err(link_error(format!(
        "this is not a playground link: it should start with '{HASH_PREFIX}' or '{JSON_PREFIX}', \
         not '{}'",
        hash.chars().take(12).collect::<String>()
    )))
}

fn link_error(message: impl Into<String>) -> DocError {
    DocError::new("", message)
}

fn damaged(why: impl std::fmt::Display) -> DocError {
    link_error(format!("the link is damaged ({why})"))
}

fn too_big(n: usize) -> DocError {
    link_error(format!(
        "the link's document is {n} bytes or more; the limit is {MAX_DOC_BYTES} bytes"
    ))
}

/// Parses the inner JSON; document errors keep their field path.
fn parse_document(text: &str) -> Result<ValidDocument, DocError> {
    // JSON that does not even parse is a damaged link, not a bad document — unless what breaks
    // it is a NaN or an Infinity in a field, which the document error names.
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return match Document::from_json(text) {
            Err(e) if e.message.contains("not a finite number") => Err(e),
            _ => Err(damaged("its content is not complete JSON")),
        };
    }
    Document::from_json(text)
}

/// `Some(n)` for a `v<n>.` prefix with `n > 1`.
fn newer_format(hash: &str) -> Option<u64> {
    let rest = hash.strip_prefix('v')?;
    let (digits, _) = rest.split_once('.')?;
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok().filter(|&v| v > 1)
}

fn inflate_limited(packed: &[u8]) -> Result<Vec<u8>, DocError> {
    use miniz_oxide::inflate::{decompress_to_vec_with_limit, TINFLStatus};
    decompress_to_vec_with_limit(packed, MAX_DOC_BYTES).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => too_big(MAX_DOC_BYTES),
        TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
            damaged("it ends too early; was it cut off when copied?")
        }
        _ => damaged("the compressed data is invalid"),
    })
}

/// base64url (RFC 4648 §5) without padding.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for k in 0..chars {
            let idx = (n >> (18 - 6 * k)) & 63;
            out.push(char::from(B64[idx as usize]));
        }
    }
    out
}

fn b64_value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Decodes base64url without padding (trailing `=` are tolerated).
fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_end_matches('=');
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return Err("its length is impossible for base64url; was it cut off when copied?".into());
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            let v = b64_value(c).ok_or_else(|| {
                let pos = ci * 4 + k;
                let shown: String = text[pos..].chars().take(1).collect();
                format!("character '{shown}' at position {pos} is not base64url")
            })?;
            n |= v << (18 - 6 * k);
        }
        let full = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&full[..chunk.len() - 1]);
    }
    Ok(out)
}

/// Percent-encodes everything but RFC 3986 unreserved characters and a few JSON-friendly ones
/// that are safe in a fragment.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'~' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; other characters stay as they are (`+` is a plus sign).
fn percent_decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |k: usize| bytes.get(k).and_then(|&c| (c as char).to_digit(16));
            match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => {
                    return Err(format!(
                        "'%' at position {i} is not followed by two hex digits"
                    ))
                }
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::{preset, Angle, PRESETS};
    use super::*;
    use proptest::prelude::*;

    fn all_presets() -> Vec<Document> {
        PRESETS
            .iter()
            .map(|(n, _)| preset(n).expect("preset").into_inner())
            .collect()
    }

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        // RFC 4648 §10, with the padding removed.
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(base64url_encode(plain.as_bytes()), coded);
            assert_eq!(base64url_decode(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(base64url_decode("Zm8=").unwrap(), b"fo");
    }

    #[test]
    fn every_preset_round_trips_in_both_forms() {
        for doc in all_presets() {
            let h = encode_hash(&doc);
            assert!(h.starts_with("v1."));
            assert!(h[3..].bytes().all(|b| b64_value(b).is_some()), "{h}");
            assert_eq!(decode_hash(&h).unwrap(), doc);
            assert_eq!(decode_hash(&format!("#{h}")).unwrap(), doc);
            let r = encode_hash_readable(&doc);
            assert!(r.starts_with("json:"));
            assert!(!r.contains(' ') && !r.contains('#'), "{r}");
            assert_eq!(decode_hash(&r).unwrap(), doc);
            assert_eq!(decode_hash(&format!("#{r}")).unwrap(), doc);
        }
    }

    #[test]
    fn hash_is_much_shorter_than_the_json() {
        let doc = Document::default();
        let h = encode_hash(&doc);
        assert!(
            h.len() * 2 < doc.to_json_compact().len(),
            "{} chars",
            h.len()
        );
    }

    #[test]
    fn readable_form_accepts_hand_written_json() {
        let json = Document::default().to_json_compact();
        // Only the characters a browser would escape are escaped here.
        let typed = format!("#json:{}", json.replace('"', "%22").replace(' ', "%20"));
        assert_eq!(decode_hash(&typed).unwrap(), Document::default());
    }

    #[test]
    fn newer_format_is_named() {
        let e = decode_hash("#v2.AAAA").unwrap_err().to_string();
        assert!(e.contains("made by a newer playground (format v2)"), "{e}");
        let e = decode_hash("v17.x").unwrap_err().to_string();
        assert!(e.contains("format v17"), "{e}");
    }

    #[test]
    fn unknown_and_empty_links_are_refused() {
        for h in ["", "#", "   ", "hello", "v0.abc", "v.abc", "V1.abc", "vx.1"] {
            let e = decode_hash(h).unwrap_err().to_string();
            assert!(
                e.contains("not a playground link") || e.contains("empty"),
                "{h}: {e}"
            );
        }
    }

    #[test]
    fn damaged_data_says_damaged() {
        let h = encode_hash(&Document::default());
        for bad in [
            "v1.",
            "v1.A",
            "v1.!!!!",
            "v1.AAAA",
            "json:%2",
            "json:%zz",
            "json:{\"version\":1",
        ] {
            let e = decode_hash(bad).unwrap_err().to_string();
            assert!(e.contains("the link is damaged ("), "{bad}: {e}");
        }
        // A flipped character in the middle.
        let mut b = h.clone().into_bytes();
        let mid = b.len() / 2;
        b[mid] = if b[mid] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(b).unwrap();
        assert!(decode_hash(&flipped).is_err());
    }

    #[test]
    fn document_errors_keep_their_field() {
        let mut v: serde_json::Value =
            serde_json::from_str(&Document::default().to_json()).unwrap();
        v["circuit"]["qubits"] = serde_json::json!(0);
        let h = format!("json:{}", percent_encode(&v.to_string()));
        let e = decode_hash(&h).unwrap_err();
        assert_eq!(e.path, "circuit.qubits");
        let packed = miniz_oxide::deflate::compress_to_vec(v.to_string().as_bytes(), 6);
        let e = decode_hash(&format!("v1.{}", base64url_encode(&packed))).unwrap_err();
        assert_eq!(e.path, "circuit.qubits");
    }

    #[test]
    fn too_long_link_names_the_limit() {
        let h = format!("v1.{}", "A".repeat(MAX_HASH_CHARS));
        let e = decode_hash(&h).unwrap_err().to_string();
        assert!(e.contains("200000 characters"), "{e}");
    }

    #[test]
    fn inflation_bomb_names_the_limit() {
        // 50 MB of spaces compress to a few tens of kilobytes.
        let bomb = vec![b' '; 50_000_000];
        let packed = miniz_oxide::deflate::compress_to_vec(&bomb, 9);
        let h = format!("v1.{}", base64url_encode(&packed));
        assert!(h.len() <= MAX_HASH_CHARS, "{}", h.len());
        let e = decode_hash(&h).unwrap_err().to_string();
        assert!(
            e.contains(&format!("the limit is {MAX_DOC_BYTES} bytes")),
            "{e}"
        );
        let big = format!("json:{}", "%20".repeat(MAX_HASH_CHARS / 3));
        assert!(decode_hash(&big).is_err());
    }

    #[test]
    fn every_truncation_of_a_valid_hash_is_an_error() {
        for doc in all_presets() {
            let h = encode_hash(&doc);
            for len in 0..h.len() {
                assert!(
                    decode_hash(&h[..len]).is_err(),
                    "prefix of length {len} decoded"
                );
            }
        }
    }

    #[test]
    fn text_fields_with_markup_and_unicode_survive() {
        let doc = Document {
            title: "<img src=x onerror=alert(1)> \"quotes\" & ünïcödé ✓ 🎉".into(),
            description: "<script>window.__pwned = 1</script>\n%41 %zz + # ? &amp;".into(),
            ..Document::default()
        };
        assert_eq!(decode_hash(&encode_hash(&doc)).unwrap(), doc);
        assert_eq!(decode_hash(&encode_hash_readable(&doc)).unwrap(), doc);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn mutated_documents_round_trip(
            which in 0..PRESETS.len(),
            title in "\\PC{0,40}",
            weights in proptest::collection::vec(-10.0f64..10.0, 1..40),
            drop_every in 2usize..7,
            seed in any::<u64>(),
            range in proptest::option::of((-7.0f64..0.0, 0.1f64..7.0)),
        ) {
            let mut doc = preset(PRESETS[which].0).unwrap().into_inner();
            doc.title = title;
            doc.training.seed = seed;
            doc.data.seed = seed % 1000;
            doc.features.range = range.map(|(lo, hi)| [lo, hi]);
            let mut k = 0;
            for g in doc.circuit.gates.iter_mut() {
                for p in g.params.iter_mut() {
                    let v = weights[k % weights.len()];
                    k += 1;
                    match p {
                        Angle::Weight { value } | Angle::Const { value } => *value = v,
                        Angle::Reupload { w, b, .. } => { *w = v; *b = -v / 3.0; }
                        Angle::Feature { scale, .. } => *scale = v,
                    }
                }
            }
            let mut i = 0;
            doc.circuit.gates.retain(|_| { i += 1; i % drop_every != 0 });
            doc.validate().unwrap();
            prop_assert_eq!(decode_hash(&encode_hash(&doc)).unwrap(), doc.clone());
            prop_assert_eq!(decode_hash(&encode_hash_readable(&doc)).unwrap(), doc);
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
            let _ = decode_hash(&s);
            let _ = decode_hash(&format!("v1.{s}"));
            let _ = decode_hash(&format!("json:{s}"));
        }

        #[test]
        fn arbitrary_compressed_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = decode_hash(&format!("v1.{}", base64url_encode(&bytes)));
            let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
            let _ = decode_hash(&format!("v1.{}", base64url_encode(&packed)));
        }

        #[test]
        fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(base64url_decode(&base64url_encode(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn random_damage_never_panics(pos in any::<usize>(), c in any::<u8>(), which in 0..PRESETS.len()) {
            let h = encode_hash(&preset(PRESETS[which].0).unwrap());
            let mut b = h.into_bytes();
            let p = 3 + pos % (b.len() - 3);
            b[p] = c;
            let s = String::from_utf8_lossy(&b).into_owned();
            let _ = decode_hash(&s);
        }
    }
}
