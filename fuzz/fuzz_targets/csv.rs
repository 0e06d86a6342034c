//! The CSV reader: `parse_csv` never panics on any text, what it accepts obeys its contract
//! (1 to MAX_POINTS rows, finite coordinates, labels 0..k with k >= 2), and
//! `parse_csv(to_csv(rows))` gives back exactly the same rows, bit for bit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmlp::data::{parse_csv, to_csv, MAX_POINTS};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rows) = parse_csv(text) else {
        return;
    };
    assert!(
        !rows.is_empty() && rows.len() <= MAX_POINTS,
        "{} rows",
        rows.len()
    );
    let mut labels = std::collections::BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        assert!(
            r.iter().all(|v| v.is_finite()),
            "row {i} is not finite: {r:?}"
        );
        assert!(
            r[2] >= 0.0 && r[2].fract() == 0.0,
            "row {i} label is not a whole number: {r:?}"
        );
        labels.insert(r[2] as u64);
    }
    let k = labels.len() as u64;
    assert!(k >= 2, "only {k} class(es) accepted");
    assert!(
        labels.iter().copied().eq(0..k),
        "labels have gaps: {labels:?}"
    );

    let out = to_csv(&rows);
    let back = parse_csv(&out).unwrap_or_else(|e| panic!("to_csv output is refused: {e}\n{out}"));
    let bits =
        |rs: &[[f64; 3]]| -> Vec<[u64; 3]> { rs.iter().map(|r| r.map(f64::to_bits)).collect() };
    assert_eq!(bits(&back), bits(&rows), "CSV round trip changed the rows");
    assert_eq!(
        to_csv(&back),
        out,
        "to_csv is not stable across a round trip"
    );
});
