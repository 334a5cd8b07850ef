//! Values: variable groups, encrypted secret groups, resolution of
//! `$variables-group/...` and `$secrets-group/...` references, and dot-env
//! files for local development.
//!
//! Empty until the values issue (#3) lands.
