//! The playground document parser: `Document::from_json` never panics on any text, and every
//! document it accepts survives the round trips the page relies on — pretty JSON, compact JSON
//! and both URL-hash forms give back an equal document, and re-serialising is stable. (Outputs
//! longer than the documented size limits may be refused, but only then.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmlp::doc::{share, Document, MAX_DOC_BYTES};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = Document::from_json(text) else {
        return;
    };
    // What validation promises, read back through the public accessors.
    doc.validate()
        .unwrap_or_else(|e| panic!("from_json accepted a document validate() refuses: {e}"));
    let _ = (doc.n_classes(), doc.n_outputs());

    // Pretty JSON is longer than compact input: past MAX_DOC_BYTES it is refused by design.
    let pretty = doc.to_json();
    assert!(
        !pretty.is_empty(),
        "to_json gave nothing for an accepted document"
    );
    if pretty.len() <= MAX_DOC_BYTES {
        let back = Document::from_json(&pretty)
            .unwrap_or_else(|e| panic!("to_json output is refused: {e}\n{pretty}"));
        assert_eq!(back, doc, "pretty JSON round trip changed the document");
        assert_eq!(
            back.to_json(),
            pretty,
            "to_json is not stable across a round trip"
        );
    }

    let compact = doc.to_json_compact();
    let back = Document::from_json(&compact)
        .unwrap_or_else(|e| panic!("to_json_compact output is refused: {e}\n{compact}"));
    assert_eq!(back, doc, "compact JSON round trip changed the document");

    for (form, link) in [
        ("v1", share::encode_hash(&doc)),
        ("json:", share::encode_hash_readable(&doc)),
    ] {
        match share::decode_hash(&link) {
            Ok(back) => assert_eq!(back, doc, "{form} hash round trip changed the document"),
            // A link longer than MAX_HASH_CHARS is refused by design; nothing else may fail.
            Err(e) => assert!(
                link.len() > share::MAX_HASH_CHARS,
                "{form} hash of an accepted document is refused: {e}\n{link}"
            ),
        }
    }
});
