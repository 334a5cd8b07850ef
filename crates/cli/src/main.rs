//! The `berth` command line: parses arguments, calls the crates, prints.

mod kustomize_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Builds allocate many small nodes; mimalloc makes that markedly cheaper
/// than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Berth: deployment pipelines for services configured with kustomize overlays.
#[derive(Parser)]
#[command(name = "berth", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build kustomizations natively (a drop-in for `kustomize build`).
    Kustomize(kustomize_cmd::KustomizeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Kustomize(args) => kustomize_cmd::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}
