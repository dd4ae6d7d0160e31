//! Records the git revision folio is built from, for `folio --version`.

use std::process::Command;

fn main() {
    let revision = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty());
    let version = match revision {
        Some(revision) => format!("{} ({revision})", env!("CARGO_PKG_VERSION")),
        None => env!("CARGO_PKG_VERSION").to_string(),
    };
    println!("cargo:rustc-env=FOLIO_VERSION={version}");
    // The highlight cache is keyed by the syntect release that wrote it.
    let syntect = locked_version("syntect").unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=FOLIO_SYNTECT_VERSION={syntect}");
    println!("cargo:rerun-if-changed=Cargo.lock");
    // Rebuild when HEAD moves, so the revision stays true.
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs");
}

/// The version of `package` in Cargo.lock.
fn locked_version(package: &str) -> Option<String> {
    let lock = std::fs::read_to_string("Cargo.lock").ok()?;
    let entry = format!("name = \"{package}\"\n");
    let rest = &lock[lock.find(&entry)? + entry.len()..];
    let line = rest.lines().next()?.strip_prefix("version = \"")?;
    Some(line.trim_end_matches('"').to_string())
}
