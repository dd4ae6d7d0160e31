//! Records the git revision folio is built from, for `folio --version`.

use std::process::Command;

/// The trimmed output of a successful git command.
fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
}

fn main() {
    let revision = git(&["rev-parse", "--short=10", "HEAD"]);
    let version = match revision {
        Some(revision) => format!("{} ({revision})", env!("CARGO_PKG_VERSION")),
        None => env!("CARGO_PKG_VERSION").to_string(),
    };
    println!("cargo:rustc-env=FOLIO_VERSION={version}");
    // The highlight cache is keyed by the syntect release that wrote it.
    let syntect = locked_version("syntect").unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=FOLIO_SYNTECT_VERSION={syntect}");
    println!("cargo:rerun-if-changed=Cargo.lock");
    // Rebuild when HEAD moves, so the revision stays true. In a worktree
    // `.git` is a file and HEAD lives elsewhere: ask git where, and watch
    // only paths that exist (cargo reruns the script on every build for a
    // missing one, which rebuilt folio each time).
    // Only this checkout's HEAD and the branch it names: other worktrees'
    // commits must not rebuild this one.
    let branch = git(&["rev-parse", "--symbolic-full-name", "HEAD"]);
    let watched = ["HEAD", branch.as_deref().unwrap_or("HEAD"), "packed-refs"];
    for path in watched {
        if let Some(found) =
            git(&["rev-parse", "--git-path", path]).filter(|p| std::path::Path::new(p).exists())
        {
            println!("cargo:rerun-if-changed={found}");
        }
    }
    if !std::path::Path::new(".git").exists() {
        println!("cargo:rerun-if-changed=build.rs");
    }
}

/// The version of `package` in Cargo.lock.
fn locked_version(package: &str) -> Option<String> {
    let lock = std::fs::read_to_string("Cargo.lock").ok()?;
    let entry = format!("name = \"{package}\"\n");
    let rest = &lock[lock.find(&entry)? + entry.len()..];
    let line = rest.lines().next()?.strip_prefix("version = \"")?;
    Some(line.trim_end_matches('"').to_string())
}
