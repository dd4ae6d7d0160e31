//! Records the git revision folio is built from, for `folio --version`, and
//! whether the browser and nginx tests can run here (`cfg(browser_tests)`,
//! `cfg(nginx_tests)`).

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
    browser_tests();
    nginx_tests();
}

/// tests/publish.rs serves the built site through a real nginx with
/// `docs/nginx.conf`. Where nginx is not installed the test is compiled as
/// ignored (`cfg(not(nginx_tests))`), so the summary says so; in CI (`CI`
/// set) it always runs, and a missing nginx fails it. `FOLIO_NGINX` is the
/// nginx found.
fn nginx_tests() {
    println!("cargo::rustc-check-cfg=cfg(nginx_tests)");
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .map(std::path::PathBuf::from)
        .find(|path| path.is_file())
        .or_else(|| on_path("nginx"));
    for path in ["/usr/sbin/nginx", "/usr/bin/nginx"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    if nginx.is_some() || std::env::var_os("CI").is_some() {
        println!("cargo:rustc-cfg=nginx_tests");
    }
    if let Some(nginx) = nginx {
        println!("cargo:rustc-env=FOLIO_NGINX={}", nginx.display());
    }
}

/// tests/browser.rs and tests/preview.rs drive Chromium through node and
/// the npm packages of tests/browser. Where one of them is missing they are
/// compiled as ignored (`cfg(not(browser_tests))`), so the summary says so
/// instead of counting a test that did nothing as passed. In CI (`CI` set)
/// they always run, and a missing browser fails them. `FOLIO_CHROMIUM` is
/// the browser found: `$CHROMIUM`, else `chromium`, `chromium-browser` or
/// `google-chrome` on `PATH`.
fn browser_tests() {
    println!("cargo::rustc-check-cfg=cfg(browser_tests)");
    for var in ["CI", "CHROMIUM", "PATH"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    // `npm ci` there. Only a folder that exists: cargo reruns the script on
    // every build for a missing one.
    if std::path::Path::new("tests/browser").is_dir() {
        println!("cargo:rerun-if-changed=tests/browser");
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map(std::path::PathBuf::from)
        .filter(|path| path.is_file())
        .or_else(|| {
            ["chromium", "chromium-browser", "google-chrome"]
                .into_iter()
                .find_map(on_path)
        });
    let ready = chromium.is_some()
        && on_path("node").is_some()
        && std::path::Path::new("tests/browser/node_modules/playwright-core").is_dir();
    if ready || std::env::var_os("CI").is_some() {
        println!("cargo:rustc-cfg=browser_tests");
    }
    if let Some(chromium) = chromium {
        println!("cargo:rustc-env=FOLIO_CHROMIUM={}", chromium.display());
    }
}

/// The first file called `name` in a folder of `PATH`.
fn on_path(name: &str) -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// The version of `package` in Cargo.lock.
fn locked_version(package: &str) -> Option<String> {
    let lock = std::fs::read_to_string("Cargo.lock").ok()?;
    let entry = format!("name = \"{package}\"\n");
    let rest = &lock[lock.find(&entry)? + entry.len()..];
    let line = rest.lines().next()?.strip_prefix("version = \"")?;
    Some(line.trim_end_matches('"').to_string())
}
