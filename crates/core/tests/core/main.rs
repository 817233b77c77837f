//! The core's tests over whole inventories and the source tree, in one test binary (each binary
//! links the core again).

mod catalog_claims;
mod collection_errors;
mod golden;
mod layout;

/// A file of the repository, by its path from the repository's top level.
pub fn repo_file(rel: &str) -> String {
    let path = format!("{}/../../{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}
