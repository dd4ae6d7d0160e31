// Real-browser checks of folio's default theme (theme/folio.css, folio.js,
// page.html) on two built sites.
//
//   node tests/browser/run.mjs <cdpi-site-dir> <gitbook-site-dir> [--screenshots]
//
// Each site is served by a tiny static server on 127.0.0.1 and driven with
// headless Chromium through playwright-core (executable: $CHROMIUM, else
// /usr/bin/chromium). Prints `ok - name` / `not ok - name: reason` per check
// and finally `N passed, M failed`; exits 1 if any check failed. With
// --screenshots it also writes 1280x800 PNGs of the CDPI home, a content page
// and the search dialog, and 360x740 ones of a page and its menu on a phone,
// light and dark, to docs/screenshots/.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const AXE = require.resolve("axe-core/axe.min.js");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

// ---------- arguments ----------

const argv = process.argv.slice(2);
const screenshots = argv.includes("--screenshots");
const dirs = argv.filter((a) => !a.startsWith("--"));
if (dirs.length !== 2) {
  console.error("usage: node tests/browser/run.mjs <cdpi-site-dir> <gitbook-site-dir> [--screenshots]");
  process.exit(2);
}
for (const d of dirs) {
  if (!fs.existsSync(path.join(d, "index.html"))) {
    console.error(`not a built site (no index.html): ${d}`);
    process.exit(2);
  }
}

// ---------- helpers ----------

class Skip extends Error {}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// Everything that went wrong in any page: console errors, uncaught
// exceptions, failed requests and HTTP error responses.
const problems = [];
const visited = new Set();

function watch(page) {
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`${page.url()}: console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`${page.url()}: uncaught exception: ${err.message}`));
  page.on("requestfailed", (req) => {
    // Aborted means the page no longer wanted it (it navigated or closed,
    // e.g. the browser's favicon fetch): not a failure of the site.
    if (req.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`${page.url()}: request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`${page.url()}: HTTP ${res.status()} for ${res.url()}`);
  });
  page.on("request", (req) => {
    // No request may leave the site: no CDN fonts, scripts or trackers.
    const url = new URL(req.url());
    if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "127.0.0.1") {
      problems.push(`${page.url()}: request leaves the site: ${req.url()}`);
    }
  });
  page.on("load", () => visited.add(page.url()));
}

let browser;
let SUB;

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light", ...options });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  watch(page);
  return page;
}

async function withPage(options, fn) {
  const page = await newPage(options);
  try {
    return await fn(page);
  } finally {
    await page.context().close();
  }
}

async function waitForPath(page, expected) {
  await page.waitForURL((url) => decodeURIComponent(url.pathname) === expected);
  await page.waitForLoadState("load");
}

function luminance(css) {
  const m = css.match(/rgba?\(([^)]+)\)/);
  if (!m) throw new Error(`cannot read colour ${css}`);
  const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  if (a === 0) return null;
  const lin = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

async function bodyLuminance(page) {
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const l = luminance(bg);
  assert(l !== null, `body background is transparent (${bg})`);
  return { bg, l };
}

async function selectedIndex(locator) {
  const states = await locator.evaluateAll((els) => els.map((e) => e.getAttribute("aria-selected")));
  return { index: states.indexOf("true"), count: states.filter((s) => s === "true").length };
}

async function openSearchWithResults(page, query = "digital public") {
  await page.locator("main h1").click({ position: { x: 1, y: 1 } }); // focus the page, not the address bar
  await page.keyboard.press("/");
  const dialog = page.locator("dialog.search");
  await dialog.waitFor({ state: "visible" });
  assert(await dialog.evaluate((d) => d.open), "dialog is not open after pressing /");
  const input = dialog.locator("input[type=search]");
  assert(await input.evaluate((el) => el === document.activeElement), "search input is not focused");
  await page.keyboard.type(query, { delay: 20 });
  const options = dialog.locator("[role=option]");
  await options.first().waitFor({ state: "visible" });
  return { dialog, input, options };
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      count: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      summary: v.nodes[0] && v.nodes[0].failureSummary,
    }));
  }, AXE_TAGS);
  if (violations.length) {
    const lines = violations.map(
      (v) =>
        `\n    ${v.id} (${v.impact}, ${v.count} node${v.count === 1 ? "" : "s"}): ${v.help}` +
        `\n      targets: ${v.targets.join(" | ")}` +
        (v.summary ? `\n      ${v.summary.replace(/\s*\n\s*/g, " / ")}` : ""),
    );
    throw new Error(`${violations.length} axe violation(s):${lines.join("")}`);
  }
}

// ---------- the checks ----------

const [cdpiDir, gitbookDir] = dirs;
let CDPI, GB;
const checks = [];
const check = (name, fn) => checks.push({ name, fn });

// 1. Navigation
check("navigation: sidebar link, aria-current, previous/next", () =>
  withPage({}, async (page) => {
    await page.goto(CDPI + "/");
    const link = page.locator("nav.pages a", { hasText: /^What is DPI$/ });
    await link.click();
    await waitForPath(page, "/what-is-dpi/");
    const current = page.locator('nav.pages a[aria-current="page"]');
    assert((await current.count()) === 1, `expected one sidebar link with aria-current=page, found ${await current.count()}`);
    const text = (await current.textContent()).trim();
    assert(text === "What is DPI", `aria-current=page is on "${text}", not "What is DPI"`);
    const href = await current.evaluate((a) => a.href);
    assert(new URL(href).pathname === "/what-is-dpi/", `current link points to ${href}`);
    assert((await page.locator("h1").textContent()).trim() === "What is DPI", "h1 is not 'What is DPI'");

    await page.locator('nav.pager a[rel="next"]').click();
    await waitForPath(page, "/dpg-and-dpi/");
    const now = (await page.locator('nav.pages a[aria-current="page"]').textContent()).trim();
    assert(now.includes("DPG and DPI"), `after Next, aria-current=page is on "${now}"`);
    await page.locator('nav.pager a[rel="prev"]').click();
    await waitForPath(page, "/what-is-dpi/");
    await page.locator('nav.pager a[rel="prev"]').click();
    await waitForPath(page, "/");
    assert((await page.locator('nav.pager a[rel="prev"]').count()) === 0, "home page has a Previous link");
  }),
);

// 2. Mobile drawer
check("phone at 360x740: one 56 px header row that stays, a drawer Escape and a tap outside close, no horizontal scroll", () =>
  withPage({ viewport: PHONE, isMobile: true, hasTouch: true }, async (page) => {
    const scrollWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    await page.goto(CDPI + "/dpg-and-dpi/");
    const header = page.locator("header.top");
    const box = await header.boundingBox();
    assert(box.height <= 56.5, `the header is ${box.height} px high (at most 56)`);
    const rows = await header.evaluate((h) => [...h.children].filter((c) => c.getBoundingClientRect().width > 0).map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2)));
    assert(Math.max(...rows) - Math.min(...rows) <= 4, `the header's controls are not on one row: ${rows}`);
    assert(!(await page.locator(".search-open kbd").isVisible()), "a keyboard hint shows on a touch screen");
    await page.evaluate(() => window.scrollTo(0, 1500));
    const after = await header.boundingBox();
    assert(after.y === 0 && (await header.isVisible()), `the header scrolled away (top ${after.y})`);
    await page.evaluate(() => window.scrollTo(0, 0));

    const button = page.locator("button.menu-open");
    const nav = page.locator("nav.pages");
    assert(await button.isVisible(), "no menu button in the header");
    assert(!(await page.locator("details.menu > summary").isVisible()), "the no-script Menu row still shows");
    assert(!(await nav.isVisible()), "the page list is visible before the menu is opened");
    assert(!(await page.locator(".print-link").isVisible()), "the sidebar's print link shows outside the closed drawer");
    let w = await scrollWidth();
    assert(w <= PHONE.width, `scrollWidth ${w} > ${PHONE.width} with the menu closed`);

    await button.click();
    await nav.waitFor({ state: "visible" });
    assert((await button.getAttribute("aria-expanded")) === "true", "aria-expanded is not true");
    assert(await page.evaluate(() => !!document.activeElement.closest("#side")), "focus does not move into the drawer");
    assert(await nav.locator("a", { hasText: "What is DPI" }).isVisible(), "page links are not visible in the open drawer");
    assert(await page.locator(".print-link").isVisible(), "the print link is not in the open drawer");
    assert(await page.locator(".sections-side a").first().isVisible(), "the book's sections are not in the drawer");
    w = await scrollWidth();
    assert(w <= PHONE.width, `scrollWidth ${w} > ${PHONE.width} with the menu open`);
    await axe(page);
    await page.keyboard.press("Escape");
    await nav.waitFor({ state: "hidden" });
    assert(await page.evaluate(() => document.activeElement.classList.contains("menu-open")), "Escape does not return focus to the menu button");
    await button.click();
    await nav.waitFor({ state: "visible" });
    await page.mouse.click(PHONE.width - 10, 400);
    await nav.waitFor({ state: "hidden" });
    assert((await button.getAttribute("aria-expanded")) === "false", "a tap outside does not close the drawer");

    await page.goto(CDPI + "/what-is-dpi/");
    const here = page.locator("details.outline-here");
    assert(await here.isVisible(), "no 'On this page' on a long page");
    await here.locator("summary").click();
    const first = here.locator("a").first();
    assert(await first.isVisible(), "'On this page' does not open");
    await first.click();
    const target = await first.getAttribute("href");
    const top = await page.locator(target).evaluate((el) => el.getBoundingClientRect().top);
    assert(top >= 56, `the heading ${target} hides under the sticky header (top ${top})`);

    const wide = [];
    for (const [base, p] of [
      [CDPI, "/dpg-and-dpi/"],
      [CDPI, "/what-is-dpi/"],
      [CDPI, "/references/spec-index/"],
      [GB, "/getting-started/quickstart/"],
      [GB, "/guides/interactive-blocks/"],
      [GB, "/guides/layouts-and-media/"],
      [GB, "/guides/api-explorer/"],
    ]) {
      await page.goto(base + p);
      const sw = await scrollWidth();
      if (sw > PHONE.width) {
        const culprits = await page.evaluate((limit) => {
          const out = [];
          for (const el of document.querySelectorAll("body *")) {
            const r = el.getBoundingClientRect();
            if (r.right > limit + 0.5 && r.width > 0) {
              const parentToo = el.parentElement && el.parentElement.getBoundingClientRect().right > limit + 0.5;
              if (!parentToo) out.push(`${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""} (right ${Math.round(r.right)})`);
            }
          }
          return out.slice(0, 5);
        }, PHONE.width);
        wide.push(`${p}: scrollWidth ${sw} [${culprits.join(", ")}]`);
      }
    }
    assert(!wide.length, `horizontal page scroll at ${PHONE.width}px: ${wide.join("; ")}`);
  }),
);

// 3. Dark mode
check("dark mode: body background is dark with prefers-color-scheme: dark", () =>
  withPage({ colorScheme: "dark" }, async (page) => {
    for (const p of ["/", "/dpg-and-dpi/"]) {
      await page.goto(CDPI + p);
      const { bg, l } = await bodyLuminance(page);
      assert(l < 0.05, `${p}: body background ${bg} has luminance ${l.toFixed(3)} (expected < 0.05)`);
      const fg = luminance(await page.evaluate(() => getComputedStyle(document.body).color));
      assert(fg > 0.5, `${p}: body text colour is not light (luminance ${fg.toFixed(3)})`);
    }
    await withPage({ colorScheme: "light" }, async (light) => {
      await light.goto(CDPI + "/dpg-and-dpi/");
      const { bg, l } = await bodyLuminance(light);
      assert(l > 0.8, `light scheme: body background ${bg} is not light (luminance ${l.toFixed(3)})`);
    });
  }),
);

check("dark mode: .theme-toggle switches data-theme and persists across navigation", () =>
  withPage({ colorScheme: "dark" }, async (page) => {
    await page.goto(CDPI + "/");
    const toggle = page.locator(".theme-toggle");
    if ((await toggle.count()) === 0) throw new Skip("no .theme-toggle button in this build");
    assert((await toggle.count()) === 1, `found ${await toggle.count()} .theme-toggle elements`);
    assert(await toggle.isVisible(), ".theme-toggle exists but is not visible after the script ran");
    const theme = () => page.evaluate(() => document.documentElement.getAttribute("data-theme"));
    const before = await theme();
    const l0 = (await bodyLuminance(page)).l;
    assert(l0 < 0.05, "emulated dark scheme does not start dark");
    await toggle.click();
    const after = await theme();
    assert(after && after !== before, `data-theme did not change on click (before ${before}, after ${after})`);
    assert(after === "light", `in the dark system scheme the first click should give data-theme="light", got "${after}"`);
    const l1 = (await bodyLuminance(page)).l;
    assert(l1 > 0.8, `data-theme="light" but body background luminance is ${l1.toFixed(3)}`);
    await page.locator("nav.pages a", { hasText: /^What is DPI$/ }).click();
    await waitForPath(page, "/what-is-dpi/");
    const kept = await theme();
    assert(kept === after, `data-theme not kept across navigation (was "${after}", now "${kept}")`);
    const l2 = (await bodyLuminance(page)).l;
    assert(l2 > 0.8, `after navigation the body background is not light (luminance ${l2.toFixed(3)})`);
    await page.locator(".theme-toggle").click();
    const back = await theme();
    assert(back === "dark" || back === null, `second click gave data-theme="${back}"`);
    const l3 = (await bodyLuminance(page)).l;
    assert(l3 < 0.05, `after toggling back the background is not dark (luminance ${l3.toFixed(3)})`);
  }),
);

check("dark mode: a <picture> dark source follows the toggle, not only the system", () =>
  withPage({ colorScheme: "light" }, async (page) => {
    await page.goto(GB + "/guides/layouts-and-media/");
    const img = page.locator("picture img").first();
    const shown = (name) =>
      page.waitForFunction((n) => (document.querySelector("picture img").currentSrc || "").endsWith(n), name, { timeout: 3000 })
        .catch(async () => { throw new Error(`picture shows ${await img.evaluate((i) => i.currentSrc)}, expected ${name}`); });
    await shown("logo-light.png");
    await page.locator(".theme-toggle").click();
    await shown("logo-dark.png");
    await page.reload();
    await shown("logo-dark.png");
    await page.locator(".theme-toggle").click();
    await shown("logo-light.png");
  }),
);

// 4. Search by keyboard
check("search by keyboard: /, results, arrows, Escape, Enter", () =>
  withPage({}, async (page) => {
    await page.goto(CDPI + "/");
    const opener = page.locator(".search-open");
    assert(await opener.isVisible(), "the header Search button is not shown");
    const { dialog, input, options } = await openSearchWithResults(page);
    const n = await options.count();
    assert(n >= 2, `expected at least 2 results for "digital public", got ${n}`);
    // Each page once, its sections under it linking to their headings.
    const pages = await dialog.locator("li.search-page > [role=option]").evaluateAll((os) => os.map((o) => o.href));
    assert(pages.length >= 2 && new Set(pages).size === pages.length, `pages are not listed once each: ${pages.join(", ")}`);
    const subs = await dialog.locator("li.search-sub > [role=option]").evaluateAll((os) => os.map((o) => o.href));
    assert(subs.length > 0 && subs.every((h) => new URL(h).hash.length > 1 && pages.some((p) => new URL(p).pathname === new URL(h).pathname)),
      `sub-results do not link to headings of the pages shown: ${subs.join(", ")}`);
    const first = (await dialog.locator("li.search-page").first().textContent()).toLowerCase().replace(/\s+/g, " ");
    assert(first.includes("digital public"), `the first page does not hold the phrase: ${first}`);
    assert((await input.getAttribute("aria-expanded")) === "true", "combobox aria-expanded is not true with results");
    let sel = await selectedIndex(options);
    assert(sel.count === 0, "an option is selected before any arrow key");
    await page.keyboard.press("ArrowDown");
    sel = await selectedIndex(options);
    assert(sel.index === 0 && sel.count === 1, `after ArrowDown, selected index ${sel.index} (count ${sel.count}), expected 0`);
    const firstId = await options.nth(0).getAttribute("id");
    assert((await input.getAttribute("aria-activedescendant")) === firstId, "aria-activedescendant does not name the selected option");
    await page.keyboard.press("ArrowDown");
    sel = await selectedIndex(options);
    assert(sel.index === 1 && sel.count === 1, `after 2x ArrowDown, selected index ${sel.index}, expected 1`);
    await page.keyboard.press("ArrowUp");
    sel = await selectedIndex(options);
    assert(sel.index === 0, `after ArrowUp, selected index ${sel.index}, expected 0`);
    const status = (await dialog.locator(".search-status").textContent()).trim();
    assert(/\d+ results?/.test(status), `status line says "${status}"`);

    await page.keyboard.press("Escape");
    try {
      await dialog.waitFor({ state: "hidden", timeout: 3000 });
    } catch {
      const q = await input.inputValue();
      throw new Error(`Escape did not close the dialog (it is still open, the query is now "${q}")`);
    }

    await page.keyboard.press("/");
    await dialog.waitFor({ state: "visible" });
    await options.first().waitFor({ state: "visible" });
    // Enter opens the selected result: pick the first one on another page.
    const hrefs = await options.evaluateAll((os) => os.map((o) => (o.closest("a[href]") || o.querySelector("a[href]")).href));
    const here = new URL(page.url()).pathname;
    const k = hrefs.findIndex((h) => new URL(h).pathname !== here);
    assert(k >= 0, `every result is on the current page: ${hrefs.join(", ")}`);
    // Reopened, the dialog keeps the query, results and selection.
    sel = await selectedIndex(options);
    const presses = sel.index < 0 ? k + 1 : (k - sel.index + hrefs.length) % hrefs.length;
    for (let i = 0; i < presses; i++) await page.keyboard.press("ArrowDown");
    sel = await selectedIndex(options);
    assert(sel.index === k, `after ${presses}x ArrowDown, selected index ${sel.index}, expected ${k}`);
    const target = new URL(hrefs[k]);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === target.pathname);
    await page.waitForLoadState("load");
    assert(new URL(page.url()).hash === target.hash, `Enter went to ${page.url()}, expected ${target.href}`);
    assert((await page.locator("main h1").count()) === 1, `Enter went to ${page.url()}, which has no page heading`);
    if (target.hash) {
      const id = decodeURIComponent(target.hash.slice(1));
      assert(await page.evaluate((i) => !!document.getElementById(i), id), `Enter went to ${target.href}, but #${id} is not on the page`);
    }
  }),
);

check("search finds a phrase from every page of the CDPI site", () =>
  withPage({}, async (page) => {
    const pages = [];
    (function walk(dir, rel) {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !["_folio", "search", "print"].includes(entry.name)) walk(path.join(dir, entry.name), rel + entry.name + "/");
        else if (entry.name === "index.html") pages.push("/" + rel);
      }
    })(cdpiDir, "");
    assert(pages.length > 20, `only ${pages.length} pages found`);
    await page.goto(CDPI + "/");
    const missed = [];
    for (const url of pages) {
      // Four words from the middle of the page's longest paragraph.
      const phrase = await page.evaluate(async (u) => {
        const html = await (await fetch(u)).text();
        const doc = new DOMParser().parseFromString(html, "text/html");
        if (doc.querySelector('meta[http-equiv="refresh"]')) return null; // a redirect stub
        const texts = [...doc.querySelectorAll("main p")].map((p) => p.textContent.trim().split(/\s+/));
        const words = texts.sort((a, b) => b.length - a.length)[0] || [];
        const middle = Math.max(0, Math.floor(words.length / 2) - 2);
        return words.slice(middle, middle + 4).join(" ");
      }, url);
      if (phrase === null) continue;
      assert(phrase && phrase.split(" ").length === 4, `${url} has no paragraph of four words`);
      if (!(await page.locator("dialog.search").evaluate((d) => d.open).catch(() => false))) await page.keyboard.press("/");
      const input = page.locator("dialog.search input[type=search]");
      // Emptying the field clears the status; it is set again by this query.
      await input.fill("");
      await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() === "");
      await input.fill(phrase);
      await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() !== "");
      const hrefs = await page.locator("dialog.search [role=option]").evaluateAll((os) => os.map((o) => new URL(o.href).pathname));
      if (!hrefs.includes(new URL(CDPI + url).pathname)) missed.push(`${url} ("${phrase}") → ${hrefs.join(", ") || "nothing"}`);
    }
    assert(missed.length === 0, `pages not found by a phrase of their own:\n  ${missed.join("\n  ")}`);
  }),
);

check("search finds non-English words: Cyrillic, German, Chinese and Thai (by character pairs)", () =>
  withPage({}, async (page) => {
    await page.goto(GB + "/");
    await page.keyboard.press("/");
    const input = page.locator("dialog.search input[type=search]");
    for (const [query, heading] of [["Установка", "Установка"], ["überblick", "Überblick"], ["开放标准", "数字公共基础设施"], ["公共基础", "数字公共基础设施"], ["ดิจิทัล", "数字公共基础设施"], ["บริการ", "数字公共基础设施"]]) {
      await input.fill("");
      await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() === "");
      await input.fill(query);
      await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() !== "");
      const titles = await page.locator("dialog.search [role=option] :is(.search-title, .search-heading)").allTextContents();
      assert(titles.includes(heading), `"${query}" found ${JSON.stringify(titles)}, not the "${heading}" section`);
      const marks = await page.locator("dialog.search [role=option] mark").allTextContents();
      assert(marks.length > 0, `"${query}": no match is marked in the snippets`);
    }
  }),
);

check("search fetches later tiers of a common word when its first tier has no match", () =>
  withPage({}, async (page) => {
    await page.goto(GB + "/");
    await page.keyboard.press("/");
    await page.locator("dialog.search input[type=search]").fill("lantern zebrafish");
    await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() !== "");
    const titles = await page.locator("dialog.search [role=option] .search-title").allTextContents();
    assert(titles[0] === "Part 299", `"lantern zebrafish" found ${JSON.stringify(titles)}`);
    const tiers = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.includes("/search/p/")).length);
    assert(tiers > 0, "no tier file was fetched, so the check proves nothing");
  }),
);

check("page icons: Font Awesome symbols drawn from the sprite, in the title and the sidebar", () =>
  withPage({}, async (page) => {
    const sprites = [];
    page.on("response", (res) => { if (/_folio\/icons\.[0-9a-f]+\.svg$/.test(new URL(res.url()).pathname)) sprites.push(res.status()); });
    await page.goto(GB + "/guides/");
    await page.waitForLoadState("networkidle");
    const drawn = await page.evaluate(() => [...document.querySelectorAll("h1 svg.icon, nav.pages svg.icon")].map((svg) => {
      const box = svg.getBoundingClientRect();
      return { width: box.width, painted: svg.querySelector("use").getBBox().width };
    }));
    assert(drawn.length >= 5, `only ${drawn.length} icons`);
    assert(drawn.every((d) => d.width > 8 && d.painted > 0), `an icon is not drawn: ${JSON.stringify(drawn)}`);
    assert(sprites.length === 1 && sprites[0] === 200, `sprite responses: ${JSON.stringify(sprites)}`);
  }),
);

check("search opens with Ctrl+K and Cmd+K as well as /", () =>
  withPage({}, async (page) => {
    await page.goto(GB + "/guides/");
    const dialog = page.locator("dialog.search");
    for (const keys of ["Control+k", "Meta+k"]) {
      await page.locator("main h1").click({ position: { x: 1, y: 1 } });
      await page.keyboard.press(keys);
      await dialog.waitFor({ state: "visible" });
      assert(await page.locator("#search-q").evaluate((el) => el === document.activeElement), `${keys}: the field is not focused`);
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
    }
  }),
);

check("code blocks: the Copy button copies the code, by mouse and by keyboard", () =>
  withPage({ permissions: ["clipboard-read", "clipboard-write"] }, async (page) => {
    await page.goto(GB + "/getting-started/quickstart/");
    const wrap = page.locator("main .code-wrap:visible").first();
    const button = wrap.locator("button.copy");
    const code = await wrap.locator("pre").evaluate((pre) => (pre.querySelector("code") || pre).textContent);
    assert(code.trim().length > 0, "the code block is empty");
    await wrap.hover();
    await button.click();
    await page.waitForFunction((b) => b.textContent === "Copied", await button.elementHandle());
    assert((await page.evaluate(() => navigator.clipboard.readText())) === code, "the clipboard does not hold the code");
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await button.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t.length > 0));
    assert((await page.evaluate(() => navigator.clipboard.readText())) === code, "Enter on the button does not copy the code");
  }),
);

check("images: width and height from the file, lazy after the first, a wide screenshot zooms by keyboard", () =>
  withPage({ viewport: PHONE }, async (page) => {
    await page.goto(GB + "/guides/layouts-and-media/");
    const all = await page.locator("main .body img").evaluateAll((imgs) =>
      imgs.map((i) => ({ src: i.getAttribute("src"), w: i.getAttribute("width"), h: i.getAttribute("height"), loading: i.getAttribute("loading") })));
    assert(all.length > 3, `expected several images, found ${all.length}`);
    assert(all[0].loading !== "lazy", "the first image loads at once");
    assert(all.slice(1).every((i) => i.loading === "lazy"), `later images load lazily: ${JSON.stringify(all)}`);
    const sized = all.filter((i) => i.w && i.h).length;
    assert(sized >= all.length - 1, `images without a size: ${JSON.stringify(all.filter((i) => !(i.w && i.h)))}`);
    const shot = page.locator('main .body img[alt^="The console"]');
    assert((await shot.getAttribute("width")) === "2400" && (await shot.getAttribute("height")) === "1200", "the screenshot's size is its file's");
    const box = await shot.boundingBox();
    assert(box && Math.abs(box.width / box.height - 2) < 0.05, `laid out at its aspect ratio: ${JSON.stringify(box)}`);
    await shot.scrollIntoViewIfNeeded();
    await page.waitForFunction((i) => i.classList.contains("zoomable"), await shot.elementHandle());
    assert((await shot.getAttribute("role")) === "button" && (await shot.getAttribute("tabindex")) === "0", "the screenshot is a keyboard control");
    await shot.focus();
    await page.keyboard.press("Enter");
    const dialog = page.locator("dialog.zoom[open]");
    await dialog.waitFor();
    const big = await dialog.locator("img").boundingBox();
    assert(big.width > box.width, `enlarged: ${big.width} > ${box.width}`);
    assert(await page.evaluate(() => document.activeElement.classList.contains("zoom-close")), "focus moves into the dialog");
    await axe(page);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.querySelector("dialog.zoom[open]"));
    assert(await shot.evaluate((i) => document.activeElement === i), "focus returns to the image");
    await shot.click();
    await dialog.waitFor();
    await page.mouse.click(5, 5);
    await page.waitForFunction(() => !document.querySelector("dialog.zoom[open]"));
  }),
);

check("404 under a sub-path without site-url: themed, styled, links to the right root", async () => {
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  try {
    const page = await context.newPage();
    const failures = [];
    page.on("response", (res) => {
      if (res.status() >= 400 && res.request().resourceType() !== "document" && res.request().method() !== "HEAD") failures.push(res.url());
    });
    page.on("pageerror", (err) => failures.push(err.message));
    const expectThemed = async (url, why) => {
      const response = await page.goto(url);
      assert(response.status() === 404, `${why}: status ${response.status()}`);
      const styled = await page.evaluate(() => [...document.styleSheets].some((s) => s.href && /\/org-repo\/_folio\/folio\.[0-9a-f]+\.css$/.test(s.href)));
      assert(styled, `${why}: the stylesheet loads from the site root`);
      assert(await page.locator("header.top").isVisible(), `${why}: the header is shown`);
      assert(await page.locator("nav.pages a").count() > 3, `${why}: the navigation is shown`);
      const home = await page.locator("main .body a").first().evaluate((a) => a.href);
      assert(home === SUB + "/", `${why}: the home link leads to ${home}`);
      const guide = await page.locator("nav.pages a").first().evaluate((a) => a.href);
      assert(guide.startsWith(SUB + "/"), `${why}: sidebar links stay under the root: ${guide}`);
      assert(failures.length === 0, `${why}: ${failures.join(", ")}`);
      await page.locator("button.search-open").waitFor({ state: "visible" });
    };
    // A stranger from a search engine: a top-level name of the site in the address.
    await expectThemed(SUB + "/guides/no-such-page/", "a known folder");
    // No known name in the address: the root is probed for.
    await expectThemed(SUB + "/nothing/here/", "an unknown path");
    // A reader who came from a page of the site: the root it stored.
    await page.goto(SUB + "/guides/layouts-and-media/");
    await expectThemed(SUB + "/zz/yy/xx/", "after visiting the site");
    await axe(page);
  } finally {
    await context.close();
  }
});

check("highlighting stylesheets only on pages with code", () =>
  withPage({}, async (page) => {
    const sheets = () => page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.getAttribute("href")));
    await page.goto(GB + "/getting-started/quickstart/");
    assert((await sheets()).some((h) => /highlight-light/.test(h)), "a page with code loads them");
    await page.goto(GB + "/help/faq/");
    assert(!(await page.locator("main pre").count()), "the page without code has code after all");
    assert(!(await sheets()).some((h) => /highlight-/.test(h)), "a page without code does not");
  }),
);

check("task lists: a ticked box stands out from an empty one, light and dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    await withPage({ colorScheme }, async (page) => {
      await page.goto(GB + "/getting-started/quickstart/");
      const boxes = await page.locator('main .body input[type="checkbox"]').evaluateAll((inputs) =>
        inputs.map((i) => ({ checked: i.checked, bg: getComputedStyle(i).backgroundColor, opacity: getComputedStyle(i).opacity })));
      const ticked = boxes.find((b) => b.checked);
      const empty = boxes.find((b) => !b.checked);
      assert(ticked && empty, `${colorScheme}: the page has ticked and empty boxes: ${JSON.stringify(boxes)}`);
      const page_bg = luminance(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      const box = luminance(ticked.bg);
      const contrast = (Math.max(box, page_bg) + 0.05) / (Math.min(box, page_bg) + 0.05);
      assert(contrast >= 3, `${colorScheme}: a ticked box's fill has contrast ${contrast.toFixed(2)} against the page (at least 3)`);
      assert(ticked.opacity === "1", `${colorScheme}: the ticked box is faded (opacity ${ticked.opacity})`);
    });
  }
});

check("code on a phone: the copy button covers no code; wrapped lines keep their numbers", () =>
  withPage({ viewport: PHONE, isMobile: true, hasTouch: true }, async (page) => {
    await page.goto(GB + "/getting-started/quickstart/");
    const overlaps = await page.locator("main .code-wrap").evaluateAll((wraps) =>
      wraps.filter((w) => w.offsetParent).map((w) => {
        const button = w.querySelector("button.copy").getBoundingClientRect();
        const code = w.querySelector("pre code") || w.querySelector("pre");
        const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let hit = null;
        for (let node = walker.nextNode(); node && !hit; node = walker.nextNode()) {
          for (let i = 0; i < node.length && !hit; i++) {
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const r = range.getBoundingClientRect();
            if (r.width && r.bottom > button.top && r.top < button.bottom && r.right > button.left && r.left < button.right) hit = node.data.slice(i, i + 12);
          }
          if (node.parentElement.getBoundingClientRect().top > button.bottom) break;
        }
        return hit;
      }).filter(Boolean));
    assert(overlaps.length === 0, `the copy button covers code: ${JSON.stringify(overlaps)}`);
    assert(await page.locator("main .code-wrap button.copy").first().isVisible(), "the copy button is not shown on a touch screen");

    const block = page.locator("main .code-block.wrap pre.numbered").first();
    const lines = await block.evaluate((pre) => {
      const code = pre.querySelector("code");
      const written = code.textContent.replace(/\n$/, "").split("\n");
      const boxes = [...code.querySelectorAll(".line")].map((l) => ({ text: l.textContent, top: l.getBoundingClientRect().top, height: l.getBoundingClientRect().height, number: getComputedStyle(l, "::before").position }));
      return { written, boxes, lineHeight: parseFloat(getComputedStyle(code).lineHeight) || 20 };
    });
    assert(lines.boxes.length === lines.written.length, `${lines.written.length} lines but ${lines.boxes.length} numbered (the last line too)`);
    lines.boxes.forEach((b, i) => assert(b.text === lines.written[i], `line ${i + 1} holds ${JSON.stringify(b.text)}`));
    assert(lines.boxes.every((b, i) => i === 0 || b.top > lines.boxes[i - 1].top), "lines are not stacked in order");
    assert(lines.boxes.some((b) => b.height > lines.lineHeight * 1.5), "no line wraps at this width; the check proves nothing");
    assert(lines.boxes.every((b) => b.number === "absolute"), "a line has no number");
  }),
);

check("page menu by keyboard: copy the page as Markdown, view it, open llms.txt, Escape", () =>
  withPage({ permissions: ["clipboard-read", "clipboard-write"] }, async (page) => {
    await page.goto(CDPI + "/what-is-dpi/");
    const menu = page.locator("details.page-menu");
    const summary = menu.locator("summary");
    await summary.focus();
    await page.keyboard.press("Enter");
    assert(await menu.evaluate((d) => d.open), "Enter does not open the page menu");
    const copy = menu.locator("button.copy-page");
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await copy.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction((b) => b.textContent !== "Copy as Markdown", await copy.elementHandle());
    assert((await copy.textContent()) === "Copied", `the button says ${await copy.textContent()}`);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert(copied.startsWith("# What is DPI"), `the clipboard holds ${JSON.stringify(copied.slice(0, 40))}`);
    for (const name of ["View as Markdown", "Open llms.txt"]) {
      const href = await menu.locator("a", { hasText: name }).evaluate((a) => a.href);
      const status = await page.evaluate((u) => fetch(u).then((r) => r.status), href);
      assert(status === 200, `${name} leads to ${href} (HTTP ${status})`);
    }
    await axe(page);
    await page.keyboard.press("Escape");
    assert(!(await menu.evaluate((d) => d.open)), "Escape does not close the page menu");
    assert(await summary.evaluate((s) => document.activeElement === s), "focus does not return to the menu");
  }),
);

check("print page: ids unique across the book, links between pages land in the right section", () =>
  withPage({}, async (page) => {
    await page.goto(GB + "/print/");
    const report = await page.evaluate(() => {
      const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
      const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
      const broken = [...document.querySelectorAll('main a[href^="#"]')]
        .map((a) => decodeURIComponent(a.getAttribute("href").slice(1)))
        .filter((id) => id && !document.getElementById(id));
      const cross = [...document.querySelectorAll('article.print-page a[href^="#p"]')].find((a) => {
        const target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
        return target && target.closest("article") !== a.closest("article") && target.closest("article");
      });
      return { count: ids.length, dup: [...new Set(dup)], broken: [...new Set(broken)].slice(0, 5), cross: cross ? cross.getAttribute("href") : null };
    });
    assert(report.dup.length === 0, `duplicate ids on the print page: ${report.dup.slice(0, 5).join(", ")}`);
    assert(report.broken.length === 0, `links to ids that do not exist: ${report.broken.join(", ")}`);
    assert(report.cross, "no link from one page's section to another's");
    await page.locator(`article.print-page a[href="${report.cross}"]`).first().click();
    const landed = await page.evaluate((h) => {
      const t = document.getElementById(decodeURIComponent(h.slice(1)));
      const r = t.getBoundingClientRect();
      return r.top >= -1 && r.top < window.innerHeight;
    }, report.cross);
    assert(landed, `following ${report.cross} does not bring its target into view`);
  }),
);

check("sidebar: the current page is scrolled into view when the sidebar is long", () =>
  withPage({ viewport: { width: 1280, height: 360 } }, async (page) => {
    await page.goto(GB + "/");
    const last = await page.locator("nav.pages li a").last().getAttribute("href");
    await page.goto(new URL(last, GB + "/").href);
    const side = await page.locator(".side").evaluate((el) => ({ scrollable: el.scrollHeight > el.clientHeight, top: el.getBoundingClientRect().top, bottom: el.getBoundingClientRect().bottom }));
    assert(side.scrollable, "the sidebar does not scroll at this height; the check proves nothing");
    const current = await page.locator('nav.pages [aria-current="page"]').evaluate((el) => el.getBoundingClientRect());
    assert(current.top >= side.top && current.bottom <= side.bottom, `the current page's link (${current.top}-${current.bottom}) is outside the sidebar's view (${side.top}-${side.bottom})`);
  }),
);

// 5. Tabs by keyboard
check("tabs by keyboard on /getting-started/quickstart/: arrows, Home, End", () =>
  withPage({}, async (page) => {
    await page.goto(GB + "/getting-started/quickstart/");
    const tabs = page.locator(".tabs-js [role=tablist] [role=tab]");
    const n = await tabs.count();
    assert(n === 3, `expected 3 tabs, found ${n}`);
    const panelOf = async (i) => page.locator("#" + (await tabs.nth(i).getAttribute("aria-controls")));
    const expectSelected = async (i, why) => {
      const sel = await selectedIndex(tabs);
      assert(sel.index === i && sel.count === 1, `${why}: selected tab ${sel.index} (count ${sel.count}), expected ${i}`);
      assert(await tabs.nth(i).evaluate((t) => t === document.activeElement), `${why}: tab ${i} is not focused`);
      for (let j = 0; j < n; j++) {
        const panel = await panelOf(j);
        const visible = await panel.isVisible();
        assert(visible === (j === i), `${why}: panel ${j} is ${visible ? "visible" : "hidden"}`);
        assert((await tabs.nth(j).getAttribute("tabindex")) === (j === i ? "0" : "-1"), `${why}: roving tabindex wrong on tab ${j}`);
      }
      const panel = await panelOf(i);
      assert((await panel.getAttribute("aria-labelledby")) === (await tabs.nth(i).getAttribute("id")), `panel ${i} is not labelled by its tab`);
    };
    await tabs.nth(0).focus();
    await expectSelected(0, "initially");
    await page.keyboard.press("ArrowRight");
    await expectSelected(1, "after ArrowRight");
    const name = (await tabs.nth(1).textContent()).trim();
    assert(name === "curl", `second tab is "${name}", expected "curl"`);
    assert(await (await panelOf(1)).getByText("Post directly to the ingest API").isVisible(), "the curl panel content is not shown");
    await page.keyboard.press("End");
    await expectSelected(n - 1, "after End");
    await page.keyboard.press("Home");
    await expectSelected(0, "after Home");
    await page.keyboard.press("ArrowLeft");
    await expectSelected(n - 1, "after ArrowLeft from the first tab (wraps)");
    await page.keyboard.press("ArrowRight");
    await expectSelected(0, "after ArrowRight from the last tab (wraps)");
  }),
);

// 6. Outline
check("outline: scrolling to a heading marks its outline link (.active)", () =>
  withPage({}, async (page) => {
    await page.goto(CDPI + "/what-is-dpi/");
    const outline = page.locator("nav.outline");
    assert(await outline.isVisible(), "outline is not visible at 1280px");
    const activeHref = () =>
      page.evaluate(() => [...document.querySelectorAll(".outline a.active")].map((a) => a.getAttribute("href")));
    const expectActive = async (id, how) => {
      try {
        await page.waitForFunction(
          (i) => {
            const a = [...document.querySelectorAll(".outline a.active")];
            return a.length === 1 && a[0].getAttribute("href") === "#" + i;
          },
          id,
          { timeout: 3000 },
        );
      } catch {
        throw new Error(`${how}, active outline links are [${await activeHref()}], expected [#${id}]`);
      }
    };
    await expectActive("core-building-blocks", "at the top of the page");
    for (const id of ["payments", "principles", "identity"]) {
      await page.evaluate((i) => document.getElementById(i).scrollIntoView({ block: "start" }), id);
      await expectActive(id, `scrolled #${id} to the top`);
    }
    // Following an outline link must mark that link, even when the next
    // heading is close below it.
    await page.locator('.outline a[href="#core-building-blocks"]').click();
    await expectActive("core-building-blocks", "clicked the outline link to #core-building-blocks");
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectActive("core-building-blocks", "scrolled back to the top");
  }),
);

// Collapsible sidebar: a closed entry loads its pages from nav.json.
check("sidebar: a closed entry opens from nav.json and closes again", () =>
  withPage({}, async (page) => {
    await page.goto(GB + "/help/faq/");
    const toggle = page.locator('nav.pages .nav-toggle[aria-label="Pages under Guides"]');
    assert((await toggle.getAttribute("aria-expanded")) === "false", "Guides starts closed");
    await toggle.click();
    await page.locator("nav.pages a", { hasText: "Deploy" }).waitFor();
    assert((await toggle.getAttribute("aria-expanded")) === "true", "Guides is open");
    await toggle.click();
    assert(!(await page.locator("nav.pages a", { hasText: "Deploy" }).isVisible()), "Guides closes again");
  }),
);

// Mermaid: the GitBook site configures nothing (tests/browser.rs); folio's
// bundled script draws the fence on /install/docker/ and draws it again in
// the other colours when the reader switches to dark mode. Pages without a
// diagram do not load the script.
check("mermaid: a mermaid fence is drawn as a diagram, following dark mode", () =>
  withPage({}, async (page) => {
    await page.goto(GB + "/install/docker/");
    await page.waitForSelector("pre.mermaid svg", { timeout: 10000 });
    const script = await page.locator("script[src*=mermaid]").getAttribute("src");
    assert(/^(\.\.\/)+_folio\/mermaid-[0-9.]+\.min\.js$/.test(script), script);
    const light = await page.locator("pre.mermaid svg").first().innerHTML();
    await page.click(".theme-toggle");
    await page.waitForFunction(
      (before) => {
        const svg = document.querySelector("pre.mermaid svg");
        return svg && svg.innerHTML !== before;
      },
      light,
      { timeout: 10000 },
    );
    await page.goto(GB + "/");
    assert((await page.locator("script[src*=mermaid]").count()) === 0, "no script without a diagram");
  }),
);

// Embeds: a YouTube embed is a placeholder whose button (keyboard operable)
// swaps in the no-cookie player; before that, no iframe exists.
check("embed: a known provider's player loads only when the reader asks", () =>
  withPage({}, async (page) => {
    await page.goto(GB + "/guides/interactive-blocks/");
    assert((await page.locator("iframe").count()) === 0, "no iframe before the click");
    const frame = page.locator(".embed-frame").first();
    const player = await frame.getAttribute("data-src");
    assert(player === "https://www.youtube-nocookie.com/embed/aBcD1234xyz", player);
    // The test stays offline (no request may leave the site): load a blank
    // page in place of the player to check the swap itself.
    await frame.evaluate((el) => el.setAttribute("data-src", "about:blank"));
    const button = page.locator(".embed-load").first();
    assert(await button.isVisible(), "the load button is shown with JavaScript");
    await button.focus();
    await page.keyboard.press("Enter");
    const iframe = page.locator(".embed-frame iframe");
    assert((await iframe.getAttribute("src")) === "about:blank", "the player is swapped in");
    assert((await iframe.getAttribute("title")) === "YouTube video", "the player has a title");
    assert(await iframe.evaluate((el) => document.activeElement === el), "focus moves to the player");
    assert((await page.locator("a.embed-card").count()) === 2, "link cards stay");
  }),
);

// 8. axe-core
const axePages = [
  ["cdpi /", () => CDPI + "/", {}],
  ["cdpi /dpg-and-dpi/", () => CDPI + "/dpg-and-dpi/", {}],
  ["cdpi /references/spec-index/", () => CDPI + "/references/spec-index/", {}],
  ["gitbook /guides/interactive-blocks/", () => GB + "/guides/interactive-blocks/", {}],
  ["gitbook /getting-started/quickstart/", () => GB + "/getting-started/quickstart/", {}],
  ["gitbook /guides/layouts-and-media/", () => GB + "/guides/layouts-and-media/", {}],
  ["gitbook /guides/api-explorer/", () => GB + "/guides/api-explorer/", {}],
  ["cdpi /dpg-and-dpi/ in dark mode", () => CDPI + "/dpg-and-dpi/", { colorScheme: "dark" }],
  // Not in the original list: highlighted JSON in dark mode (code colours).
  ["gitbook /guides/api-explorer/ in dark mode", () => GB + "/guides/api-explorer/", { colorScheme: "dark" }],
  ["cdpi /dpg-and-dpi/ at 360px", () => CDPI + "/dpg-and-dpi/", { viewport: PHONE }],
];
for (const [name, url, options] of axePages) {
  check(`axe (${AXE_TAGS.join(", ")}): ${name}`, () =>
    withPage(options, async (page) => {
      await page.goto(url());
      await axe(page);
    }),
  );
}
check(`axe (${AXE_TAGS.join(", ")}): cdpi / with the search dialog open and results shown`, () =>
  withPage({}, async (page) => {
    await page.goto(CDPI + "/");
    await openSearchWithResults(page);
    await page.keyboard.press("ArrowDown");
    await axe(page);
  }),
);

// 9. JavaScript off
check("JavaScript off: quickstart shows every tab panel; spec index shows every table", () =>
  withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(GB + "/getting-started/quickstart/");
    assert((await page.locator("[role=tablist]").count()) === 0, "a tab list exists without JavaScript");
    const panels = page.locator("div.tabs > section.tab");
    const n = await panels.count();
    assert(n === 3, `expected 3 tab sections, found ${n}`);
    const titles = [];
    for (let i = 0; i < n; i++) {
      const panel = panels.nth(i);
      assert(await panel.isVisible(), `tab section ${i} is hidden`);
      const title = panel.locator(".tab-title");
      assert(await title.isVisible(), `tab section ${i} has no visible title`);
      titles.push((await title.textContent()).trim());
      const content = panel.locator(":scope > :not(.tab-title)");
      assert((await content.count()) > 0 && (await content.first().isVisible()), `tab section ${i} content is not visible`);
    }
    assert(titles.join("|") === "CLI|curl|Console", `tab titles are ${titles.join(", ")}`);
    assert(!(await page.locator(".search-open").isVisible()), "the Search button is shown without JavaScript");

    await page.goto(CDPI + "/references/spec-index/");
    const tables = page.locator("table.index-table");
    const t = await tables.count();
    assert(t > 1, `expected several index tables, found ${t}`);
    for (let i = 0; i < t; i++) assert(await tables.nth(i).isVisible(), `index table ${i} is hidden without JavaScript`);
    const rows = page.locator("table.index-table tbody tr");
    const hiddenRows = await rows.evaluateAll((trs) => trs.filter((tr) => !tr.checkVisibility()).length);
    assert(hiddenRows === 0, `${hiddenRows} index rows are hidden without JavaScript`);
    assert(!(await page.locator("form.index-filter").isVisible()), "the filter form is shown without JavaScript (it cannot work)");
  }),
);

// 7. No console errors or failed requests on any page visited (runs last).
check("no console errors and no failed requests on every page visited", async () => {
  assert(visited.size > 0, "no page was visited");
  const unique = [...new Set(problems)];
  assert(!unique.length, `${unique.length} problem(s) on ${visited.size} pages:\n    ${unique.join("\n    ")}`);
});

// ---------- screenshots ----------

async function takeScreenshots() {
  const out = path.join(repo, "docs", "screenshots");
  fs.mkdirSync(out, { recursive: true });
  for (const scheme of ["light", "dark"]) {
    await withPage({ colorScheme: scheme, viewport: DESKTOP }, async (page) => {
      await page.goto(CDPI + "/");
      await page.screenshot({ path: path.join(out, `home-${scheme}.png`) });
      await page.goto(CDPI + "/dpg-and-dpi/");
      await page.screenshot({ path: path.join(out, `page-${scheme}.png`) });
      await page.goto(CDPI + "/");
      await openSearchWithResults(page);
      await page.keyboard.press("ArrowDown");
      await page.screenshot({ path: path.join(out, `search-${scheme}.png`) });
    });
    await withPage({ colorScheme: scheme, viewport: PHONE, isMobile: true, hasTouch: true }, async (page) => {
      await page.goto(CDPI + "/what-is-dpi/");
      await page.screenshot({ path: path.join(out, `phone-${scheme}.png`) });
      await page.locator("button.menu-open").click();
      await page.locator("nav.pages").waitFor({ state: "visible" });
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(out, `phone-menu-${scheme}.png`) });
    });
  }
  return out;
}

// ---------- main ----------

const servers = [];
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const a = await serve(cdpiDir);
  const b = await serve(gitbookDir);
  const c = await serve(gitbookDir, "/org-repo/");
  servers.push(a.server, b.server, c.server);
  CDPI = a.base;
  GB = b.base;
  SUB = c.base + "/org-repo";
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  for (const { name, fn } of checks) {
    try {
      await fn();
      passed++;
      console.log(`ok - ${name}`);
    } catch (err) {
      if (err instanceof Skip) {
        skipped++;
        console.log(`ok - ${name} # SKIP ${err.message}`);
      } else {
        failed++;
        const reason = (err && err.message ? err.message : String(err))
          .replace(/\x1b\[[0-9;]*m/g, "")
          .trimEnd()
          .replace(/\n(?! {4})/g, "\n    ");
        console.log(`not ok - ${name}: ${reason}`);
      }
    }
  }
  if (screenshots) {
    try {
      const out = await takeScreenshots();
      console.log(`# screenshots written to ${path.relative(process.cwd(), out) || out}`);
    } catch (err) {
      failed++;
      console.log(`not ok - screenshots: ${err.message}`);
    }
  }
} catch (err) {
  failed++;
  console.log(`not ok - setup: ${err.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  for (const s of servers) s.close();
}
if (skipped) console.log(`# ${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
