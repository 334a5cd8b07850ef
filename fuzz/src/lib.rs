//! What the fuzz targets check, kept out of the target files so the
//! `show_input` example can rebuild exactly the same tree from a saved
//! input.

pub mod tree;

use berth_kustomize::yaml::emit::to_yaml_string;
use berth_kustomize::yaml::parse::{parse_documents, parse_documents_last_key_wins};
use berth_kustomize::yaml::Node;

/// Documents the round-trip property does not cover: a value holding a
/// U+2028 or U+2029 is printed raw, as kustomize does, and the reader
/// refuses raw ones (go-yaml reads them as line breaks); see F2 in
/// `crates/kustomize/tests/fuzz_regressions.rs`, which tests that refusal.
fn outside_round_trip(document: &Node) -> bool {
    const LINE_SEPARATORS: [char; 2] = ['\u{2028}', '\u{2029}'];
    match document {
        Node::Map(map) => map
            .iter()
            .any(|(key, value)| key.contains(LINE_SEPARATORS) || outside_round_trip(value)),
        Node::Seq(items) => items.iter().any(outside_round_trip),
        Node::Scalar(scalar) => scalar.value.contains(LINE_SEPARATORS),
    }
}

/// The YAML reader's property: reading never panics, and what the writer
/// prints from a document reads back into a document that prints the same.
///
/// The first print may differ from the input (the writer normalises numbers,
/// quoting and key order the way kustomize does), but from then on the
/// print must be a fixed point: otherwise `kustomize build` of our own output
/// would not reproduce it.
pub fn check_yaml_round_trip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Kustomization files are read this way; it only has to not panic.
    let _ = parse_documents_last_key_wins(text);
    let Ok(documents) = parse_documents(text) else {
        return;
    };
    for document in documents.iter().filter(|d| !outside_round_trip(d)) {
        let printed = to_yaml_string(document);
        let reread = match parse_documents(&printed) {
            Ok(reread) => reread,
            Err(e) => panic!(
                "the writer's output does not read back: {e}\n\
                 --- document\n{document:?}\n--- printed\n{printed}"
            ),
        };
        assert_eq!(
            reread.len(),
            1,
            "the writer's output reads back as {} documents\n\
             --- document\n{document:?}\n--- printed\n{printed}",
            reread.len()
        );
        let reprinted = to_yaml_string(&reread[0]);
        assert_eq!(
            printed, reprinted,
            "printing is not stable after one round trip\n\
             --- document\n{document:?}\n--- reread\n{:?}",
            reread[0]
        );
    }
}
