//! The search client and the index cut text the same way: every string of
//! `tests/search/tokens.json` gives the same terms from the client's
//! tokenizer (`terms` in `src/search/search.js`, run by Node with the
//! `Intl.Segmenter` browsers use) as from the index's
//! (`folio::search::terms`), and each term the same shard. A query word the
//! two cut differently would never meet the page that holds it.
//!
//! Without Node the test says it was skipped and passes, except under CI
//! (`CI` set), where a missing Node fails it.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

/// Loads the client into a bare context (no `document`, so it only hands
/// out its tokenizer) and prints, per string of the fixture, its terms and
/// their shards.
const NODE_SCRIPT: &str = r#"
const fs = require("fs"), vm = require("vm");
if (typeof Intl === "undefined" || !Intl.Segmenter) {
  console.error("this Node has no Intl.Segmenter (built without ICU?)");
  process.exit(3);
}
const sandbox = { module: { exports: {} }, TextEncoder: TextEncoder };
const client = process.env.FOLIO_SEARCH_CLIENT;
vm.runInNewContext(fs.readFileSync(client, "utf8"), sandbox, { filename: client });
const { terms, shardFor } = sandbox.module.exports;
const prefix = Number(process.env.FOLIO_SHARD_PREFIX), shards = Number(process.env.FOLIO_SHARDS);
const strings = JSON.parse(fs.readFileSync(process.env.FOLIO_STRINGS, "utf8"));
const out = strings.map((s) => {
  const t = terms(s);
  return { terms: t, shards: t.map((term) => shardFor(term, prefix, shards)) };
});
process.stdout.write(JSON.stringify(out));
"#;

/// Shards to hash terms into: many, so a different hash shows.
const SHARDS: usize = 1024;

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Cut {
    terms: Vec<String>,
    shards: Vec<usize>,
}

#[test]
fn client_and_index_cut_text_into_the_same_terms() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = root.join("tests/search/tokens.json");
    let strings: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(&fixture).unwrap()).unwrap();
    assert!(strings.len() >= 20, "the fixture lost its strings");

    if Command::new("node").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "node is missing: CI must run the client's tokenizer"
        );
        // Written past the test harness's capture, so it shows.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED client_and_index_cut_text_into_the_same_terms: node not found"
        );
        return;
    }
    let output = Command::new("node")
        .arg("-e")
        .arg(NODE_SCRIPT)
        .env("FOLIO_SEARCH_CLIENT", root.join("src/search/search.js"))
        .env("FOLIO_STRINGS", &fixture)
        .env(
            "FOLIO_SHARD_PREFIX",
            folio::search::SHARD_PREFIX.to_string(),
        )
        .env("FOLIO_SHARDS", SHARDS.to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "node failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let client: Vec<Cut> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(client.len(), strings.len());

    let mut differences = Vec::new();
    for (text, client) in strings.iter().zip(client) {
        let terms = folio::search::terms(text);
        let index = Cut {
            shards: terms
                .iter()
                .map(|term| folio::search::shard_of(term, SHARDS))
                .collect(),
            terms,
        };
        if client != index {
            differences.push(format!(
                "{text:?}\n  client: {:?} {:?}\n  index:  {:?} {:?}",
                client.terms, client.shards, index.terms, index.shards
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "the client and the index cut these differently:\n{}",
        differences.join("\n")
    );
}
