//! Shows what a saved fuzz input does, for a report or a regression test:
//!
//!     cargo run --manifest-path fuzz/Cargo.toml --example show_input -- build_tree FILE
//!     cargo run --manifest-path fuzz/Cargo.toml --example show_input -- yaml_reader FILE
//!
//! For `build_tree` it prints the generated tree and the build's result;
//! for `yaml_reader` the documents read and the writer's output. It runs
//! the same code as the targets, so a panic shows here too.

use std::process::ExitCode;

use berth_fuzz::tree::Tree;
use berth_kustomize::yaml::emit::to_yaml_string;
use berth_kustomize::yaml::parse::parse_documents;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, file] = args.as_slice() else {
        eprintln!("usage: show_input build_tree|yaml_reader FILE");
        return ExitCode::from(2);
    };
    let data = match std::fs::read(file) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match target.as_str() {
        "build_tree" => show_tree(&data),
        "yaml_reader" => show_yaml(&data),
        other => {
            eprintln!("unknown target {other}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn show_tree(data: &[u8]) {
    let tree = Tree::from_input(data);
    for (path, text) in &tree.files {
        println!("==> {} <==", path.display());
        println!("{}", String::from_utf8_lossy(text));
    }
    println!("==> build {} ({:?}) <==", tree.root.display(), tree.options);
    match berth_kustomize::build_to_string(&tree.fs(), &tree.root, &tree.options) {
        Ok(out) => println!("{out}"),
        Err(e) => println!("error: {e}"),
    }
}

fn show_yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        println!("not UTF-8: ignored by the target");
        return;
    };
    println!("==> input <==\n{text:?}");
    match parse_documents(text) {
        Err(e) => println!("parse error: {e}"),
        Ok(docs) => {
            for doc in &docs {
                println!("==> document <==\n{doc:?}");
                let printed = to_yaml_string(doc);
                println!("==> printed <==\n{printed}");
                if let Ok(again) = parse_documents(&printed) {
                    for d in &again {
                        println!(
                            "==> reread <==\n{d:?}\n==> reprinted <==\n{}",
                            to_yaml_string(d)
                        );
                    }
                }
            }
            berth_fuzz::check_yaml_round_trip(data);
            println!("round trip ok");
        }
    }
}
