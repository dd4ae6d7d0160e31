//! OpenAPI specs: the input is a spec and, after a NUL byte, a second file
//! its `$ref`s may point into (`shared.yaml`). Every operation, every
//! schema and the contents are read; nothing may panic, and an error
//! names the spec.
#![no_main]

use folio::openapi::Specs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (spec, shared) = text.split_once('\0').unwrap_or((&text, ""));
    let read = |path: &str| match path {
        "api.yaml" => Ok(spec.to_string()),
        "shared.yaml" => Ok(shared.to_string()),
        _ => Err("no such file".to_string()),
    };
    let mut specs = Specs::default();
    let contents = match specs.contents(&read, "api.yaml") {
        Ok(contents) => contents,
        Err(err) => {
            assert!(
                err.contains("`api.yaml`") || err.contains("`shared.yaml`"),
                "{err}"
            );
            return;
        }
    };
    for group in &contents.groups {
        for (method, path) in &group.operations {
            let _ = specs.operation(&read, "api.yaml", path, method);
        }
    }
    let names: Vec<&str> = contents.schemas.iter().map(String::as_str).collect();
    let _ = specs.schemas(&read, "api.yaml", &names);
});
