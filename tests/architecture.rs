//! Keeps ARCHITECTURE.md's code map true: each stage may use only the
//! modules listed for it. A new edge between stages is a design change, made
//! here and in ARCHITECTURE.md together.

use std::fs;
use std::path::Path;

/// Stage → the crate modules it may import.
const ALLOWED: &[(&str, &[&str])] = &[
    ("diag", &[]),
    ("paths", &[]),
    ("fingerprint", &[]),
    ("source", &["diag", "fingerprint"]),
    ("yaml", &[]),
    ("mojibake", &[]),
    ("markdown_syntax", &[]),
    ("external", &["config"]),
    ("openapi", &["paths", "yaml"]),
    ("config", &["diag", "paths", "source", "yaml"]),
    ("summary", &["diag", "markdown_syntax", "source", "yaml"]),
    (
        "load",
        &[
            "config", "diag", "openapi", "paths", "source", "summary", "yaml",
        ],
    ),
    (
        "parse",
        &["diag", "markdown_syntax", "mojibake", "source", "yaml"],
    ),
    (
        "resolve",
        &[
            "diag", "load", "mojibake", "openapi", "parse", "paths", "source", "yaml",
        ],
    ),
    (
        "index",
        &["config", "diag", "load", "parse", "source", "yaml"],
    ),
    (
        "search",
        &["fingerprint", "load", "parse", "paths", "resolve"],
    ),
    (
        "render",
        &[
            "fingerprint",
            "index",
            "load",
            "parse",
            "paths",
            "resolve",
            "search",
            "source",
        ],
    ),
    ("output", &["fingerprint", "render", "source"]),
    (
        "build",
        &[
            "config", "diag", "external", "index", "load", "output", "parse", "paths", "render",
            "resolve", "source",
        ],
    ),
    ("fix", &["build", "config", "load", "mojibake", "source"]),
    ("report", &["build", "diag"]),
    ("serve", &["build", "diag", "paths", "render", "report"]),
    ("init", &[]),
    (
        "cli",
        &["build", "config", "fix", "init", "report", "serve"],
    ),
];

fn sources_of(module: &str) -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let single = src.join(format!("{module}.rs"));
    if single.is_file() {
        files.push(single);
    }
    let dir = src.join(module);
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
            if entry.path().extension().is_some_and(|e| e == "rs") {
                files.push(entry.path().to_path_buf());
            }
        }
    }
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).unwrap();
            (path.display().to_string(), shipped_code(&text).to_string())
        })
        .collect()
}

/// The code that ships: a file's text before its unit-test module (which,
/// by this repository's convention, closes the file). Tests may build their
/// inputs with any stage (`load_config` for a render test); the layering is
/// about what the binary runs.
fn shipped_code(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |end| &text[..end])
}

/// The top-level modules a source file names through `crate::`, grouped
/// imports included (`use crate::{render as r, load::Book}`).
fn crate_modules(text: &str) -> Vec<String> {
    let identifier = |rest: &str| -> String {
        rest.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut used = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            used.push(identifier(rest));
            continue;
        };
        // The items of the group, split at its own commas.
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    used.push(identifier(&group[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    used.push(identifier(&group[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    used.retain(|name| !name.is_empty());
    used
}

#[test]
fn unit_test_modules_are_not_shipped_code() {
    let text = "use crate::paths;\n\n#[cfg(test)]\nmod tests {\n    use crate::config;\n}\n";
    assert_eq!(crate_modules(shipped_code(text)), ["paths"]);
    // A `cfg(test)` item that is not the test module still counts.
    let text = "#[cfg(test)]\nuse crate::config;\n";
    assert_eq!(crate_modules(shipped_code(text)), ["config"]);
}

#[test]
fn grouped_and_renamed_imports_are_seen() {
    assert_eq!(
        crate_modules(
            "use crate::{render as r, load::{Book, PageId},\n    diag};\nuse crate::paths;"
        ),
        ["render", "load", "diag", "paths"]
    );
}

#[test]
fn stages_import_only_what_the_code_map_allows() {
    let known: Vec<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    let mut violations = Vec::new();
    for (module, allowed) in ALLOWED {
        let files = sources_of(module);
        assert!(!files.is_empty(), "module {module} has no source");
        for (path, text) in files {
            for used in crate_modules(&text) {
                if known.contains(&used.as_str())
                    && used != *module
                    && !allowed.contains(&used.as_str())
                {
                    violations.push(format!("{path}: {module} uses crate::{used}"));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "undeclared edges:\n{}",
        violations.join("\n")
    );
}

#[test]
fn every_module_is_in_the_code_map() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let architecture =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    for line in lib.lines() {
        if let Some(module) = line
            .strip_prefix("pub mod ")
            .and_then(|m| m.strip_suffix(';'))
        {
            assert!(
                ALLOWED.iter().any(|(m, _)| *m == module),
                "{module} missing from ALLOWED"
            );
            assert!(
                architecture.contains(&format!("`{module}`")),
                "{module} missing from ARCHITECTURE.md"
            );
        }
    }
}
