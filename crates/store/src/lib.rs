//! Persistence: SQLite by default, PostgreSQL at scale (sqlx), migrations,
//! and lease-based job claiming.
//!
//! Empty until the values and pipeline issues (#3, #4) land.
