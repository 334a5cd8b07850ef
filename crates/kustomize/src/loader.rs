//! Reads files relative to a kustomization root, enforcing the load
//! restrictor and refusing cycles between kustomizations.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fs::{normalize, FileSystem};
use crate::kustomization::KUSTOMIZATION_FILE_NAMES;
use crate::yaml::{self, Node};

/// Which files a kustomization may read (`--load-restrictor`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LoadRestrictor {
    /// Files must be in or below the kustomization's directory (the default).
    #[default]
    RootOnly,
    /// Any file may be read.
    None,
}

/// A loader rooted at one kustomization directory.
#[derive(Clone)]
pub struct Loader<'fs> {
    fs: &'fs dyn FileSystem,
    root: PathBuf,
    restrictor: LoadRestrictor,
    /// Roots of the kustomizations that led here, innermost last; a new
    /// root may not be one of them or above one (that would be a cycle).
    referrers: Vec<PathBuf>,
}

impl<'fs> Loader<'fs> {
    /// A loader for the top-level directory being built.
    pub fn new(fs: &'fs dyn FileSystem, root: &Path, restrictor: LoadRestrictor) -> Result<Self> {
        let root = absolute(root);
        if !fs.is_dir(&root) {
            return Err(Error::msg(format!(
                "must build at directory: not a valid directory: '{}'",
                root.display()
            )));
        }
        Ok(Loader {
            fs,
            root,
            restrictor,
            referrers: Vec::new(),
        })
    }

    pub fn fs(&self) -> &'fs dyn FileSystem {
        self.fs
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn restrictor(&self) -> LoadRestrictor {
        self.restrictor
    }

    /// The absolute, cleaned path of `rel` (relative to the root).
    pub fn resolve(&self, rel: &str) -> PathBuf {
        normalize(&self.root.join(rel))
    }

    /// Reads a file relative to the root.
    pub fn load(&self, rel: &str) -> Result<Vec<u8>> {
        let path = self.resolve(rel);
        self.check_restriction(&path)?;
        if self.fs.is_dir(&path) {
            return Err(Error::Io {
                path,
                message: "is a directory, not a file".to_owned(),
            });
        }
        self.fs.read(&path).map_err(|e| Error::Io {
            path: path.clone(),
            message: io_message(&e),
        })
    }

    /// Reads a file as UTF-8 text.
    pub fn load_text(&self, rel: &str) -> Result<String> {
        let bytes = self.load(rel)?;
        String::from_utf8(bytes).map_err(|_| Error::Io {
            path: self.resolve(rel),
            message: "is not UTF-8 text".to_owned(),
        })
    }

    /// Reads and parses a YAML file into its non-empty documents.
    pub fn load_yaml(&self, rel: &str) -> Result<Vec<Node>> {
        let text = self.load_text(rel)?;
        parse_yaml(&self.resolve(rel), &text)
    }

    fn check_restriction(&self, path: &Path) -> Result<()> {
        if self.restrictor == LoadRestrictor::None {
            return Ok(());
        }
        // Symlinks are followed before the check, so a link inside the root
        // that points outside is refused too.
        let real = self
            .fs
            .canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf());
        let real_root = self
            .fs
            .canonicalize(&self.root)
            .unwrap_or_else(|_| self.root.clone());
        if real.starts_with(&real_root) {
            Ok(())
        } else {
            Err(Error::OutsideRoot {
                path: path.to_path_buf(),
                root: self.root.clone(),
            })
        }
    }

    /// A loader for the directory `rel` (a base, component or overlay).
    pub fn sub_loader(&self, rel: &str) -> Result<Loader<'fs>> {
        let dir = self.resolve(rel);
        if !self.fs.is_dir(&dir) {
            return Err(Error::msg(format!(
                "must build at directory: not a valid directory: evalsymlink failure on '{}' : lstat {}: no such file or directory",
                dir.display(),
                dir.display()
            )));
        }
        let real_dir = self.fs.canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        for visited in self.referrers.iter().chain(std::iter::once(&self.root)) {
            let real_visited = self
                .fs
                .canonicalize(visited)
                .unwrap_or_else(|_| visited.clone());
            if real_visited.starts_with(&real_dir) {
                return Err(Error::msg(format!(
                    "cycle detected: candidate root '{}' contains visited root '{}'",
                    dir.display(),
                    visited.display()
                )));
            }
        }
        let mut referrers = self.referrers.clone();
        referrers.push(self.root.clone());
        Ok(Loader {
            fs: self.fs,
            root: dir,
            restrictor: self.restrictor,
            referrers,
        })
    }

    /// Finds and reads the kustomization file of this root.
    pub fn load_kustomization_file(&self) -> Result<(String, Node)> {
        let found: Vec<&str> = KUSTOMIZATION_FILE_NAMES
            .iter()
            .copied()
            .filter(|name| {
                let p = self.root.join(name);
                self.fs.exists(&p) && !self.fs.is_dir(&p)
            })
            .collect();
        match found.as_slice() {
            [] => Err(Error::msg(format!(
                "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                self.root.display()
            ))),
            [name] => {
                let path = self.root.join(name);
                let text = self.load_text(name)?;
                let mut docs = yaml::parse::parse_documents_last_key_wins(&text).map_err(|e| Error::Yaml {
                    path: path.clone(),
                    line: e.line,
                    column: e.column,
                    message: e.message,
                })?;
                let node = match docs.len() {
                    0 => Node::null(),
                    1 => docs.pop().expect("one document"),
                    _ => {
                        return Err(Error::msg(format!(
                            "{}: a kustomization file must hold one YAML document",
                            path.display()
                        )))
                    }
                };
                Ok((name.to_string(), node))
            }
            _ => Err(Error::msg(format!("Found multiple kustomization files under: {}", self.root.display()))),
        }
    }
}

/// Parses YAML text, naming `path` in errors.
pub fn parse_yaml(path: &Path, text: &str) -> Result<Vec<Node>> {
    yaml::parse_documents(text).map_err(|e| Error::Yaml {
        path: path.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        normalize(&cwd.join(path))
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    #[test]
    fn refuses_files_outside_the_root() {
        let mut fs = MemFs::new();
        fs.add("app/kustomization.yaml", "").add("secret.txt", "x");
        let ldr = Loader::new(&fs, Path::new("/app"), LoadRestrictor::RootOnly).unwrap();
        let err = ldr.load("../secret.txt").unwrap_err().to_string();
        assert_eq!(
            err,
            "security; file '/secret.txt' is not in or below '/app'"
        );
        let open = Loader::new(&fs, Path::new("/app"), LoadRestrictor::None).unwrap();
        assert_eq!(open.load("../secret.txt").unwrap(), b"x");
    }

    #[test]
    fn refuses_cycles() {
        let mut fs = MemFs::new();
        fs.add("a/b/kustomization.yaml", "")
            .add("a/kustomization.yaml", "");
        let ldr = Loader::new(&fs, Path::new("/a/b"), LoadRestrictor::RootOnly).unwrap();
        let err = ldr.sub_loader("..").err().unwrap().to_string();
        assert!(err.starts_with("cycle detected"), "{err}");
    }
}
