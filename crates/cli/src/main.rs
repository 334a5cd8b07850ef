//! The `berth` command line: parses arguments, calls the crates, prints.
fn main() {}
