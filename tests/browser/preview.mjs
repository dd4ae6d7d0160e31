// The preview (`folio serve`) in a real browser, used the way a writer uses
// it: tabs left open, files saved, problems dismissed.
//
//   node tests/browser/preview.mjs <server-url> <book-dir>
//
// The server must already be running on <book-dir> (tests/preview.rs starts
// it). Each check leaves tabs open for seconds, not until the first event,
// and counts every page load. Prints `ok - name` / `not ok - name: reason`
// and finally `N passed, M failed`; exits 1 if any check failed.

import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const [base, book] = process.argv.slice(2);
if (!base || !book) {
  console.error("usage: node tests/browser/preview.mjs <server-url> <book-dir>");
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Appends `text` to a book file, as an editor's save would. */
function append(relative, text) {
  const file = path.join(book, relative);
  fs.writeFileSync(file, fs.readFileSync(file, "utf8") + text);
}

/** A tab on `pathname` that counts its page loads. */
async function openTab(browser, pathname) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const tab = { page, loads: 0, errors: [] };
  page.on("load", () => tab.loads++);
  page.on("pageerror", (err) => tab.errors.push(err.message));
  // The tab is live once its event stream has answered.
  const live = page.waitForResponse((response) => response.url().includes("/__folio/events"));
  await page.goto(base + pathname);
  await page.waitForLoadState("load");
  await live;
  return tab;
}

async function waitFor(condition, ms, why) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error(`timed out: ${why}`);
}

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

let browser;

check("a page left open for 10 s without edits loads exactly once", async () => {
  const tab = await openTab(browser, "/dpg-and-dpi/");
  await sleep(10000);
  assert(tab.loads === 1, `${tab.loads} loads in 10 s with no edit`);
  assert(!tab.errors.length, tab.errors.join("; "));
  await tab.page.context().close();
});

check("a save reloads the tab showing that page once, and no other tab", async () => {
  const edited = await openTab(browser, "/dpg-and-dpi/");
  const other = await openTab(browser, "/what-is-dpi/");
  append("content/dpg-and-dpi.md", "\nA sentence saved from the preview test.\n");
  await waitFor(async () => edited.loads >= 2, 15000, "the edited page reloads");
  await sleep(3000);
  assert(edited.loads === 2, `the edited tab loaded ${edited.loads} times`);
  assert(other.loads === 1, `another page's tab loaded ${other.loads} times`);
  const text = await edited.page.locator("main").innerText();
  assert(text.includes("A sentence saved from the preview test."), "the reloaded page shows the save");
  await edited.page.context().close();
  await other.page.context().close();
});

check("a stylesheet edit restyles the tab without reloading it", async () => {
  const tab = await openTab(browser, "/what-is-dpi/");
  append("theme/folio.css", "\nbody { outline: 3px solid rgb(1, 2, 3); }\n");
  const outline = () => tab.page.evaluate(() => getComputedStyle(document.body).outlineColor);
  await waitFor(async () => (await outline()) === "rgb(1, 2, 3)", 15000, "the new stylesheet applies");
  await sleep(1500);
  assert(tab.loads === 1, `the tab reloaded (${tab.loads} loads)`);
  await tab.page.context().close();
});

check("a dismissed problems overlay stays dismissed and does not flicker", async () => {
  const tab = await openTab(browser, "/dpg-and-dpi/");
  await tab.page.evaluate(() => {
    window.__overlays = 0;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.getAttribute && node.getAttribute("aria-label") === "Problems in this book") window.__overlays++;
        }
      }
    }).observe(document.body, { childList: true });
  });
  append("content/what-is-dpi.md", "\nSee [a page that is not there](not-there.md).\n");
  const overlay = tab.page.locator('section[aria-label="Problems in this book"]');
  await overlay.waitFor({ state: "visible" });
  assert((await overlay.innerText()).includes("not-there.md"), "the overlay names the broken link");
  await sleep(5000);
  const shown = await tab.page.evaluate(() => window.__overlays);
  assert(shown === 1, `the overlay was drawn ${shown} times in 5 s with one report`);
  await overlay.getByRole("button", { name: "Dismiss" }).click();
  await sleep(3000);
  assert((await overlay.count()) === 0, "the dismissed overlay came back");
  assert(tab.loads === 1, `the tab on another page reloaded (${tab.loads} loads)`);
  await tab.page.context().close();
});

let passed = 0;
let failed = 0;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  for (const { name, fn } of checks) {
    try {
      await fn();
      passed++;
      console.log(`ok - ${name}`);
    } catch (err) {
      failed++;
      console.log(`not ok - ${name}: ${err.message}`);
    }
  }
} catch (err) {
  failed++;
  console.log(`not ok - setup: ${err.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
