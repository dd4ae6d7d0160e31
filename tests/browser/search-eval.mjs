// Search evaluation through the real dialog in headless Chromium.
//
//   node tests/browser/search-eval.mjs <site-dir> <queries.tsv> [--verbose]
//
// The query file has one `kind<TAB>query<TAB>expected page path` a line
// (`#` lines are comments); kinds are title, rare, typo, prefix, topic.
// Each query is typed into the search dialog of the built site; the pages
// of the results, in order (a page counted once), give the rank of the
// expected page. Prints each miss, a table by kind (top-1, top-3, MRR over
// the first ten pages) and last a line
// `RESULT {"queries":…,"top3":…,"mrr":…,"titlesFirst":…,"titles":…}`
// for tests/browser.rs. Exits 2 on bad arguments, 1 if a query cannot run.

import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const [siteDir, queryFile] = args.filter((a) => !a.startsWith("--"));
if (!siteDir || !queryFile || !fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error("usage: node tests/browser/search-eval.mjs <site-dir> <queries.tsv> [--verbose]");
  process.exit(2);
}

const queries = fs
  .readFileSync(queryFile, "utf8")
  .split("\n")
  .map((line, i) => [line, i + 1])
  .filter(([line]) => line.trim() && !line.startsWith("#"))
  .map(([line, number]) => {
    const [kind, query, expected] = line.split("\t");
    if (!kind || !query || !expected) {
      console.error(`${queryFile}:${number}: expected kind<TAB>query<TAB>page`);
      process.exit(2);
    }
    return { kind, query, expected };
  });

const { server, base } = await serve(siteDir);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
let failed = false;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(10000);
  await page.goto(base + "/");
  await page.keyboard.press("/");
  const input = page.locator("dialog.search input[type=search]");
  await input.waitFor({ state: "visible" });
  const rows = [];
  // Milliseconds from typing a query to its results, first visit of every
  // index file included (a fresh page per book, files cached as a browser would).
  const times = [];
  for (const q of queries) {
    // Emptying the field clears the status; the query sets it again.
    await input.fill("");
    await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() === "");
    const started = Date.now();
    await input.fill(q.query);
    await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() !== "", null, { polling: "raf" });
    times.push({ ms: Date.now() - started, query: q.query });
    const hrefs = await page
      .locator("dialog.search [role=option]")
      .evaluateAll((os) => os.map((o) => decodeURIComponent(new URL(o.href).pathname)));
    const pages = [...new Set(hrefs)];
    const rank = pages.indexOf(q.expected) + 1;
    rows.push({ ...q, rank, pages });
  }
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const summary = (rs) => ({
    n: rs.length,
    top1: rs.filter((r) => r.rank === 1).length,
    top3: rs.filter((r) => r.rank >= 1 && r.rank <= 3).length,
    mrr: rs.reduce((sum, r) => sum + (r.rank && r.rank <= 10 ? 1 / r.rank : 0), 0) / Math.max(1, rs.length),
  });
  for (const r of rows) {
    if (r.rank === 1 && !verbose) continue;
    const got = r.pages.slice(0, 3).join(", ") || "nothing";
    console.log(`${r.rank === 1 ? "  " : r.rank && r.rank <= 3 ? "~ " : "✗ "}${r.kind} "${r.query}": rank ${r.rank || "-"} (top: ${got})`);
  }
  console.log("kind     queries  top-1  top-3    MRR");
  for (const kind of [...kinds, "all"]) {
    const s = summary(kind === "all" ? rows : rows.filter((r) => r.kind === kind));
    console.log(`${kind.padEnd(8)} ${String(s.n).padStart(7)} ${String(s.top1).padStart(6)} ${String(s.top3).padStart(6)} ${s.mrr.toFixed(3).padStart(6)}`);
  }
  const all = summary(rows);
  const titles = rows.filter((r) => r.kind === "title");
  const result = {
    queries: all.n,
    top3: all.top3 / all.n,
    mrr: all.mrr,
    titlesFirst: titles.filter((r) => r.rank === 1).length,
    titles: titles.length,
  };
  times.sort((a, b) => a.ms - b.ms);
  result.medianMs = times[Math.floor(times.length / 2)].ms;
  result.maxMs = times[times.length - 1].ms;
  console.log(`time to results: median ${result.medianMs} ms, slowest ${result.maxMs} ms ("${times[times.length - 1].query}")`);
  console.log("RESULT " + JSON.stringify(result));
} catch (err) {
  failed = true;
  console.log(`evaluation failed: ${err.message}`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
