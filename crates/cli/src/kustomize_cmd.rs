//! `berth kustomize ...`: the native kustomize engine on the command line.

use std::io::Write;
use std::path::{Path, PathBuf};

use berth_kustomize::fs::DiskFs;
use berth_kustomize::loader::LoadRestrictor;
use berth_kustomize::resource::ResMap;
use berth_kustomize::{BuildOptions, Reorder};
use clap::{Args, Subcommand, ValueEnum};

#[derive(Args)]
pub struct KustomizeArgs {
    #[command(subcommand)]
    command: KustomizeCommand,
}

#[derive(Subcommand)]
enum KustomizeCommand {
    /// Build a kustomization directory and print the resources.
    Build(BuildArgs),
}

#[derive(Args)]
struct BuildArgs {
    /// The kustomization directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Write to this file, or one file per resource into this directory.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Output order: `legacy` (kustomize's default) or `none` (input order).
    #[arg(long, value_enum)]
    reorder: Option<ReorderArg>,
    /// Which files kustomizations may read.
    #[arg(
        long = "load-restrictor",
        value_enum,
        default_value = "LoadRestrictionsRootOnly"
    )]
    load_restrictor: RestrictorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReorderArg {
    Legacy,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum RestrictorArg {
    #[value(name = "LoadRestrictionsRootOnly")]
    RootOnly,
    #[value(name = "LoadRestrictionsNone")]
    None,
}

pub fn run(args: KustomizeArgs) -> Result<(), String> {
    match args.command {
        KustomizeCommand::Build(build) => run_build(build),
    }
}

fn run_build(args: BuildArgs) -> Result<(), String> {
    let options = BuildOptions {
        load_restrictor: match args.load_restrictor {
            RestrictorArg::RootOnly => LoadRestrictor::RootOnly,
            RestrictorArg::None => LoadRestrictor::None,
        },
        reorder: match args.reorder {
            None => Reorder::Unspecified,
            Some(ReorderArg::Legacy) => Reorder::Legacy,
            Some(ReorderArg::None) => Reorder::None,
        },
    };
    let (resources, warnings) = berth_kustomize::build_with_warnings(&DiskFs, &args.dir, &options)
        .map_err(|e| e.to_string())?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    match &args.output {
        Some(dir) if dir.is_dir() => write_per_resource(dir, &resources),
        Some(file) => std::fs::write(file, berth_kustomize::render(&resources))
            .map_err(|e| format!("writing {}: {e}", file.display())),
        None => {
            let text = berth_kustomize::render(&resources);
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| format!("writing output: {e}"))
        }
    }
}

/// One file per resource, named as kustomize names them
/// (`[namespace_]group_version_kind_name.yaml`, lower case).
fn write_per_resource(dir: &Path, resources: &ResMap) -> Result<(), String> {
    let namespaces: std::collections::BTreeSet<String> = resources
        .iter()
        .filter(|r| !r.gvk().is_cluster_scoped())
        .map(|r| r.id().effective_namespace().to_owned())
        .collect();
    for r in resources.iter() {
        let gvk = r.gvk();
        let parts: Vec<&str> = [gvk.group.as_str(), gvk.version.as_str(), gvk.kind.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let mut name = format!("{}_{}.yaml", parts.join("_"), r.name()).to_lowercase();
        if !gvk.is_cluster_scoped() && namespaces.len() > 1 {
            name = format!("{}_{name}", r.id().effective_namespace().to_lowercase());
        }
        let single = ResMap {
            resources: vec![r.clone()],
        };
        let path = dir.join(name);
        std::fs::write(&path, berth_kustomize::render(&single))
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    Ok(())
}
