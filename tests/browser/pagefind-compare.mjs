// folio's search against Pagefind's on the same built site and queries.
//
//   npx pagefind --site SITE        (Pagefind from npm; not a dependency)
//   node tests/browser/pagefind-compare.mjs SITE QUERIES.tsv
//
// For each query of the file (as in search-eval.mjs), in a fresh browser
// context (nothing cached), once through folio's dialog and once through
// Pagefind's JavaScript API (`pagefind.search`, the ten first results'
// data, as its UI loads them): the rank of the expected page and the bytes
// fetched from search/ or pagefind/. Prints top-3, MRR and median and
// largest bytes per query for each.

import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const [siteDir, queryFile] = process.argv.slice(2);
if (!siteDir || !queryFile || !fs.existsSync(path.join(siteDir, "pagefind", "pagefind.js"))) {
  console.error("usage: node tests/browser/pagefind-compare.mjs <site indexed by pagefind> <queries.tsv>");
  process.exit(2);
}
const queries = fs
  .readFileSync(queryFile, "utf8")
  .split("\n")
  .filter((line) => line.trim() && !line.startsWith("#"))
  .map((line) => {
    const [kind, query, expected] = line.split("\t");
    return { kind, query, expected };
  });

const { server, base } = await serve(siteDir);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});

async function run(q, engine) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  let bytes = 0;
  page.on("response", async (res) => {
    const url = new URL(res.url());
    if (/^\/(search|pagefind)\//.test(url.pathname)) {
      try {
        bytes += (await res.body()).length;
      } catch {
        /* a response without a body */
      }
    }
  });
  await page.goto(base + "/");
  let urls;
  if (engine === "folio") {
    await page.keyboard.press("/");
    const input = page.locator("dialog.search input[type=search]");
    await input.fill(q.query);
    await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() !== "");
    urls = await page.locator("dialog.search [role=option]").evaluateAll((os) => os.map((o) => o.href));
  } else {
    urls = await page.evaluate(async (query) => {
      const pagefind = await import("/pagefind/pagefind.js");
      const search = await pagefind.search(query);
      const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
      return data.map((d) => new URL(d.url, location.href).href);
    }, q.query);
  }
  await page.waitForLoadState("networkidle");
  await context.close();
  const pages = [...new Set(urls.map((u) => decodeURIComponent(new URL(u).pathname).replace(/index\.html$/, "")))];
  return { rank: pages.indexOf(q.expected) + 1, bytes };
}

for (const engine of ["folio", "pagefind"]) {
  const rows = [];
  for (const q of queries) rows.push({ ...q, ...(await run(q, engine)) });
  const top3 = rows.filter((r) => r.rank >= 1 && r.rank <= 3).length / rows.length;
  const mrr = rows.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / rows.length;
  const titles = rows.filter((r) => r.kind === "title");
  const first = titles.filter((r) => r.rank === 1).length;
  const bytes = rows.map((r) => r.bytes).sort((a, b) => a - b);
  const kb = (n) => (n / 1024).toFixed(1) + " KB";
  console.log(
    `${engine}: top-3 ${(100 * top3).toFixed(0)}%, MRR ${mrr.toFixed(3)}, titles first ${first}/${titles.length}, ` +
      `fetched per query median ${kb(bytes[Math.floor(bytes.length / 2)])}, largest ${kb(bytes[bytes.length - 1])}`,
  );
  for (const r of rows.filter((r) => r.rank !== 1)) console.log(`  ${r.kind} "${r.query}": rank ${r.rank || "-"}`);
}
await browser.close();
server.close();
