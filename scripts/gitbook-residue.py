#!/usr/bin/env python3
"""Counts, for a site folio built, the pages whose text still shows GitBook
syntax that should have been rendered. Used by hand on real exports (see
issue 14); not part of the tests.

    python3 scripts/gitbook-residue.py SITE_DIR [--list KIND]

Looks only at the page body (`<div class="body">` inside `<main>`), outside
`<pre>`, `<code>`, `<script>` and `<style>`. Kinds:

- `stars`: literal `**` (emphasis the parser did not read);
- `stars-unmeant`: the same, less the `\*\*` the Markdown twin escapes,
  the `**` written inside raw HTML lines, and runs of five or more stars
  (all literal on GitBook too);
- `tag`: block-tag text `{%` … `%}`;
- `math`: a `<math>` element whose source was not between `$$` (single-`$`
  maths: the `$$` is gone from the text, so this counts `<math>` elements
  next to a lone `$` or in pages with no `$$` in their Markdown twin);
- `hidden-col`: a `<th data-hidden>` that is still displayed;
- `brackets`: `[text][label]` left as literal text.

Prints one line per kind: the number of pages, then the number of hits.
"""
import html.parser
import os
import re
import sys

SKIP = {"pre", "code", "script", "style"}


class Body(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <div class="body">
        self.skip = 0
        self.text = []
        self.math = 0
        self.hidden_cols = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth:
            if tag == "div":
                self.depth += 1
            if tag in SKIP:
                self.skip += 1
            if tag == "math":
                self.math += 1
            if tag == "th" and "data-hidden" in a and "hidden" not in a:
                self.hidden_cols += 1
        elif tag == "div" and a.get("class") == "body":
            self.depth = 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in SKIP and self.skip:
            self.skip -= 1
        if tag == "div":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.text.append(data)


def scan(path):
    p = Body()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    text = "".join(p.text)
    md_text = ""
    folder = os.path.dirname(path)
    for md in (folder + ".md", os.path.join(folder, "index.md")):
        if os.path.exists(md):
            md_text = open(md, encoding="utf-8").read()
            break
    single_dollar_math = p.math if p.math and "$$" not in md_text else 0
    stars = len(re.findall(r"\*\*", text))
    # `**` the author escaped, or wrote inside raw HTML, is literal on GitBook
    # too, and so is a run of five or more stars (emphasis rule 4).
    long_runs = sum(len(run) // 2 for run in re.findall(r"\*{5,}", text))
    meant = long_runs + md_text.count("\\*\\*") + sum(
        line.count("**") for line in md_text.splitlines() if line.lstrip().startswith("<")
    )
    return {
        "stars": stars,
        "stars-unmeant": max(0, stars - meant),
        "tag": len(re.findall(r"\{%.*?%\}", text)),
        "math": single_dollar_math,
        "hidden-col": p.hidden_cols,
        "brackets": len(re.findall(r"\[[^\]\n]+\]\[[^\]\n]*\]", text)),
    }


def main():
    site = sys.argv[1]
    listing = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--list" else None
    totals = {}
    for root, _dirs, files in os.walk(site):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, site)
            # The print page repeats every page; 404 is not content.
            if not name.endswith(".html") or rel in ("404.html", "print/index.html"):
                continue
            for kind, hits in scan(path).items():
                pages, count = totals.get(kind, (0, 0))
                if hits:
                    pages += 1
                    count += hits
                    if kind == listing:
                        print(f"{hits:5} {rel}")
                totals[kind] = (pages, count)
    for kind, (pages, count) in totals.items():
        print(f"{kind:11} pages={pages:5} hits={count}")


if __name__ == "__main__":
    main()
