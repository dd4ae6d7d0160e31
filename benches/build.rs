//! Full-build benchmark on generated books.
//!
//! `cargo bench` generates GitBook-style books of 1,000 and 10,000 pages
//! (nested folders with README index pages, a SUMMARY, headings, code in
//! several languages, tables, images, and links with anchors between pages),
//! builds each with the release binary's library, and prints pages per second
//! and output bytes per page. `FOLIO_BENCH_PAGES=500,2000` picks other sizes.
//! Every generated link resolves, so the benchmark also proves a large book
//! builds clean.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Instant;

use folio::build::{build_in_memory, run, BuildOptions, ParseCache};
use folio::render::highlight::Highlighter;
use folio::render::RenderCache;

/// Pages per folder level: 10 parts × 10 chapters × N pages.
const FAN_OUT: usize = 10;

fn main() {
    let sizes: Vec<usize> = std::env::var("FOLIO_BENCH_PAGES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("folio build benchmark ({cores} cores)");
    for pages in sizes {
        let dir = tempfile::tempdir().expect("temporary directory");
        let generated = generate_corpus(dir.path(), pages);
        let out = dir.path().join("book");
        let options = BuildOptions {
            book_dir: dir.path().to_path_buf(),
            out_dir: Some(out.clone()),
            broken_links: None,
            write: true,
            external: false,
            site_url: None,
        };
        let start = Instant::now();
        let report = run(&options).expect("build runs");
        let elapsed = start.elapsed().as_secs_f64();
        let (errors, warnings) = report.counts();
        assert_eq!(
            (errors, warnings),
            (0, 0),
            "generated corpus builds clean: {:?}",
            report.diagnostics.first()
        );
        assert_eq!(report.pages, generated);
        let html_bytes = html_size(&out);
        println!(
            "{generated:>6} pages: {elapsed:>6.2} s, {:>7.0} pages/s, {:>6} bytes of HTML per page",
            generated as f64 / elapsed,
            html_bytes / generated as u64
        );
        // A phrase on every page, and one found on a single page.
        let rare = (generated / 2).to_string();
        for query in [["configure", "service"], ["service", rare.as_str()]] {
            let (fetched, total) = search_bytes(&out, &query);
            println!(
                "{generated:>6} pages: search for \"{}\" fetches {:.1} KB of a {:.1} MB index ({:.2}%)",
                query.join(" "),
                fetched as f64 / 1024.0,
                total as f64 / 1_048_576.0,
                100.0 * fetched as f64 / total as f64
            );
        }
        let check = BuildOptions {
            write: false,
            ..options.clone()
        };
        let start = Instant::now();
        run(&check).expect("check runs");
        println!(
            "{generated:>6} pages: check (load, parse, resolve, link checks) {:.2} s",
            start.elapsed().as_secs_f64()
        );
        // The preview server after one saved page: the save changes only
        // that page, so the last build is updated in place (parse, resolve
        // and render of the one page, with the highlighter's cache). The
        // server adds its debounce before this and sends the reload message
        // right after; the search index and site files follow.
        let highlighter = Highlighter::with_cache();
        let cache = RenderCache::default();
        let parse_cache = ParseCache::default();
        let mut site = build_in_memory(dir.path(), &highlighter, &cache, &parse_cache)
            .expect("first preview build");
        let edited = dir.path().join("part-0/chapter-0/page-0.md");
        let original = fs::read_to_string(&edited).unwrap();
        let mut samples = Vec::new();
        for round in 0..5 {
            fs::write(
                &edited,
                original.replace(
                    "An introduction",
                    &format!("An introduction, edit {round},"),
                ),
            )
            .unwrap();
            let start = Instant::now();
            let edits = site
                .apply_edits(
                    std::slice::from_ref(&edited),
                    &highlighter,
                    &cache,
                    &parse_cache,
                )
                .expect("save applied")
                .expect("a body edit takes the fast path");
            samples.push(start.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(edits.files.len(), 1, "one page re-rendered");
        }
        samples.sort_by(f64::total_cmp);
        let start = Instant::now();
        site.render_rest(&std::sync::atomic::AtomicBool::new(false))
            .expect("search index and site files");
        let rest = start.elapsed().as_secs_f64();
        println!(
            "{generated:>6} pages: serve, saved page to reload message {:.1} ms (median of 5; \
             + debounce); search index and site files {rest:.2} s later",
            samples[2]
        );
        // A save that changes a title changes every page's navigation: the
        // whole book is built again, with every cache.
        fs::write(&edited, original.replace("# Page 0.0.0", "# Page zero")).unwrap();
        let start = Instant::now();
        build_in_memory(dir.path(), &highlighter, &cache, &parse_cache).expect("rebuild");
        println!(
            "{generated:>6} pages: serve, a new title (every page's navigation) {:.2} s",
            start.elapsed().as_secs_f64()
        );
    }
}

/// Writes a book of about `pages` pages; returns the exact count.
fn generate_corpus(root: &Path, pages: usize) -> usize {
    let per_chapter = pages.div_ceil(FAN_OUT * FAN_OUT).max(1);
    fs::create_dir_all(root.join(".gitbook/assets")).unwrap();
    fs::write(
        root.join(".gitbook/assets/diagram (1).png"),
        b"\x89PNG bench",
    )
    .unwrap();
    // The print page holds every page once more; measured pages-per-second
    // figures leave it out, as large books would (mdBook has the same switch).
    fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Bench\"\n\n[output.html]\nprint = false\n",
    )
    .unwrap();
    let mut summary = String::from("# Table of contents\n\n* [Home](README.md)\n");
    write_page(root, "README.md", "Home", 0, "part-0/chapter-0/page-0.md");
    let mut count = 1;
    for part in 0..FAN_OUT {
        let _ = writeln!(summary, "\n## Part {part}\n");
        for chapter in 0..FAN_OUT {
            if count >= pages {
                break;
            }
            let folder = format!("part-{part}/chapter-{chapter}");
            let index = format!("{folder}/README.md");
            write_page(
                root,
                &index,
                &format!("Chapter {part}.{chapter}"),
                count,
                "../../README.md",
            );
            let _ = writeln!(summary, "* [Chapter {part}.{chapter}]({index})");
            count += 1;
            for page in 0..per_chapter {
                if count >= pages {
                    break;
                }
                let path = format!("{folder}/page-{page}.md");
                let target = if page == 0 {
                    "README.md".to_string()
                } else {
                    format!("page-{}.md", page - 1)
                };
                write_page(
                    root,
                    &path,
                    &format!("Page {part}.{chapter}.{page}"),
                    count,
                    &target,
                );
                let _ = writeln!(summary, "  * [Page {part}.{chapter}.{page}]({path})");
                count += 1;
            }
        }
    }
    fs::write(root.join("SUMMARY.md"), summary).unwrap();
    count
}

fn write_page(root: &Path, rel: &str, title: &str, seed: usize, link: &str) {
    let depth = rel.matches('/').count();
    let assets = format!("{}.gitbook/assets/diagram (1).png", "../".repeat(depth));
    let text = format!(
        r#"---
description: Generated page {seed} for the benchmark.
---

# {title}

An introduction with a [link to a neighbour]({link}#overview) and **bold** text.

## Overview

![Diagram](<{assets}>)

| Option | Default | Meaning |
|--------|---------|---------|
| `retries` | 3 | How often to try again |
| `timeout` | 30 s | How long to wait |

## Configure the service {seed}

```rust
use std::collections::HashMap;

fn main() {{
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for word in "a b a c b a".split_whitespace() {{
        *counts.entry(word).or_default() += 1;
    }}
    println!("{{counts:?}} from page {seed}");
}}
```

```python
def handler(event, context):
    items = [x * 2 for x in event.get("items", [])]
    return {{"status": 200, "count": len(items), "page": {seed}}}
```

### Settings file

```json
{{"name": "service-{seed}", "replicas": 3, "labels": {{"tier": "web"}}}}
```

Back to [the overview](#overview) or [configuration](#configure-the-service-{seed}).
"#
    );
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// What the search dialog downloads for `terms`, following `folio.js`: the
/// meta file, each word's shard, further tiers of common words while fewer
/// than ten pages hold every word (or a word with no tiers left bounds
/// them), and the page chunks of the ten best; and the size of the whole
/// index.
fn search_bytes(site: &Path, terms: &[&str]) -> (u64, u64) {
    use serde_json::Value;
    use std::collections::HashMap;
    let search = site.join("search");
    let mut fetched = 0;
    let mut fetch = |rel: String| -> Value {
        let path = search.join(rel);
        fetched += fs::metadata(&path).map_or(0, |m| m.len());
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap()
    };
    let meta = fetch("meta.json".into());
    let (documents, shards, prefix, chunk) = (
        meta["documents"].as_f64().unwrap(),
        meta["shards"].as_u64().unwrap(),
        meta["prefix"].as_u64().unwrap() as usize,
        meta["chunk"].as_u64().unwrap(),
    );
    // Groups are `[impact, page, section, +gap, section, …]`.
    let add = |scores: &mut HashMap<u64, f64>, groups: &Value, weight: f64| {
        for group in groups.as_array().into_iter().flatten() {
            let group = group.as_array().unwrap();
            let mut page = 0;
            for pair in group[1..].chunks(2) {
                page += pair[0].as_u64().unwrap();
                let impact = group[0].as_u64().unwrap();
                let score = ((impact >> 3) as f64 + (impact & 7) as f64 / 7.0) * weight;
                let best = scores.entry(page).or_default();
                *best = best.max(score);
            }
        }
    };
    // A word's page scores and the tier files still to fetch, with weights.
    type Word = (HashMap<u64, f64>, Vec<(u64, f64)>);
    let mut words: Vec<Word> = Vec::new();
    for term in terms {
        let first: String = term.chars().take(prefix).collect();
        let hash = first.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        let shard = fetch(format!("t/{}.json", u64::from(hash) % shards));
        let mut scores = HashMap::new();
        let mut more = Vec::new();
        for (stem, entry) in shard.as_object().unwrap() {
            let forms = entry["w"].as_array().unwrap().iter().map(|f| {
                let f = f.as_str().unwrap();
                f.strip_prefix('=')
                    .map_or(format!("{stem}{f}"), str::to_string)
            });
            if !forms.clone().any(|f| f == *term) && stem != term {
                continue;
            }
            let n = entry["n"].as_f64().unwrap();
            let weight = (1.0 + (documents - n + 0.5) / (n + 0.5)).ln();
            add(&mut scores, &entry["p"], weight);
            for id in entry["more"].as_array().into_iter().flatten() {
                more.push((id.as_u64().unwrap(), weight));
            }
        }
        words.push((scores, more));
    }
    let ranked = loop {
        let (first, rest) = words.split_first().unwrap();
        let both: Vec<(u64, f64)> = first
            .0
            .iter()
            .filter_map(|(page, score)| {
                rest.iter()
                    .map(|w| w.0.get(page))
                    .try_fold(*score, |sum, s| s.map(|s| sum + s))
                    .map(|sum| (*page, sum))
            })
            .collect();
        let bound = words
            .iter()
            .filter(|w| w.1.is_empty())
            .map(|w| w.0.len())
            .fold(10, usize::min);
        if both.len() >= bound || words.iter().all(|w| w.1.is_empty()) {
            break both;
        }
        for (scores, more) in words.iter_mut().filter(|w| !w.1.is_empty()) {
            let (id, weight) = more.remove(0);
            let tier = fetch(format!("p/{id}.json"));
            add(scores, &tier, weight);
        }
    };
    let mut ranked = ranked;
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut chunks: Vec<u64> = ranked
        .iter()
        .take(10)
        .map(|(page, _)| page / chunk)
        .collect();
    chunks.sort();
    chunks.dedup();
    for c in chunks {
        fetch(format!("d/{c}.json"));
    }
    let total = walkdir::WalkDir::new(&search)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum();
    (fetched, total)
}

fn html_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum()
}
