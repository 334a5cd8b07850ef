//! The engine's error type. Kustomize reports failures as a chain of
//! prefixes ("accumulating resources: ... : <cause>"); so do we, with the
//! file (and line, where known) in the innermost message.

use std::path::PathBuf;

use crate::resource::ResId;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file that is not valid YAML.
    #[error("{}: {message} (line {line}, column {column})", path.display())]
    Yaml {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// A file or directory that cannot be read.
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },

    /// A file outside the kustomization root under the default restrictor.
    #[error("security; file '{}' is not in or below '{}'", path.display(), root.display())]
    OutsideRoot { path: PathBuf, root: PathBuf },

    /// Two resources with the same identity.
    #[error("may not add resource with an already registered id: {0}")]
    DuplicateId(ResId),

    /// Any other failure, in kustomize's words.
    #[error("{0}")]
    Message(String),

    /// A failure with the step that was running when it happened.
    #[error("{context}: {source}")]
    Context {
        context: String,
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    pub fn msg(message: impl Into<String>) -> Error {
        Error::Message(message.into())
    }

    /// Wraps the error with what was being done.
    pub fn context(self, context: impl Into<String>) -> Error {
        Error::Context {
            context: context.into(),
            source: Box::new(self),
        }
    }
}

/// Adds `.context(..)` to results.
pub trait ResultExt<T> {
    fn context(self, context: impl Into<String>) -> Result<T>;
    fn with_context<S: Into<String>>(self, context: impl FnOnce() -> S) -> Result<T>;
}

impl<T> ResultExt<T> for Result<T> {
    fn context(self, context: impl Into<String>) -> Result<T> {
        self.map_err(|e| e.context(context))
    }

    fn with_context<S: Into<String>>(self, context: impl FnOnce() -> S) -> Result<T> {
        self.map_err(|e| e.context(context()))
    }
}
