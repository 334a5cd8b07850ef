//! `build` on a small generated kustomization tree (see `berth_fuzz::tree`):
//! it must return `Ok` or `Err`, never panic, and finish in a moment (the
//! run's `-timeout` turns a slow input into a reported hang).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let tree = berth_fuzz::tree::Tree::from_input(data);
    // Printing is part of `kustomize build`, so the writer runs too.
    let _ = berth_kustomize::build_to_string(&tree.fs(), &tree.root, &tree.options);
});
