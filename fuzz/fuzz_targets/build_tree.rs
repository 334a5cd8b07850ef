//! `build` on a small generated kustomization tree (see `berth_fuzz::tree`):
//! it must return `Ok` or `Err`, never panic, and finish in a moment (the
//! run's `-timeout` turns a slow input into a reported hang). What it
//! prints must read back as one YAML document per resource.
#![no_main]

use berth_kustomize::yaml::parse::parse_documents;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let tree = berth_fuzz::tree::Tree::from_input(data);
    let Ok(resources) = berth_kustomize::build(&tree.fs(), &tree.root, &tree.options) else {
        return;
    };
    let output = berth_kustomize::render(&resources);
    match parse_documents(&output) {
        Ok(documents) => assert_eq!(
            documents.len(),
            resources.len(),
            "the output reads back as {} documents, not {}:\n{output}",
            documents.len(),
            resources.len()
        ),
        Err(e) => panic!("the output does not read back: {e}\n{output}"),
    }
});
