//! The URL-hash decoder: `decode_hash` never panics on any text (links come from strangers),
//! and whatever it accepts re-encodes, in both forms, to a link that decodes to the same
//! document — or, past the documented length limit, is refused (and only then).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmlp::doc::share::{decode_hash, encode_hash, encode_hash_readable, MAX_HASH_CHARS};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = decode_hash(text) else {
        return;
    };
    doc.validate()
        .unwrap_or_else(|e| panic!("decode_hash accepted a document validate() refuses: {e}"));

    // Re-encoding can make a link longer (the readable form escapes more than a hand-made link
    // must); past MAX_HASH_CHARS it is refused by design.
    let hash = encode_hash(&doc);
    match decode_hash(&hash) {
        Ok(back) => {
            assert_eq!(back, doc, "v1 hash round trip changed the document");
            assert_eq!(
                encode_hash(&back),
                hash,
                "encode_hash is not stable across a round trip"
            );
            let with_sign = decode_hash(&format!("#{hash}"));
            assert_eq!(
                with_sign.ok().as_ref(),
                Some(&doc),
                "a leading '#' changes the result"
            );
        }
        Err(e) => assert!(
            hash.len() > MAX_HASH_CHARS,
            "encode_hash output is refused: {e}\n{hash}"
        ),
    }
    let readable = encode_hash_readable(&doc);
    match decode_hash(&readable) {
        Ok(back) => assert_eq!(back, doc, "json: hash round trip changed the document"),
        Err(e) => assert!(
            readable.len() > MAX_HASH_CHARS,
            "encode_hash_readable output is refused: {e}\n{readable}"
        ),
    }
});
