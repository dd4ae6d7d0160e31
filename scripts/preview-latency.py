#!/usr/bin/env python3
"""Save-to-reload latency of `folio serve`, measured as a browser sees it.

    scripts/preview-latency.py BOOK_DIR [PAGE.md] [--saves N] [--folio PATH]

Starts `folio serve --port 0` on BOOK_DIR (a copy is not made: the page is
edited in place and restored at the end), opens the page's live-reload
event stream as a tab does, then saves PAGE (default: the first page SUMMARY
lists after the home page) N times (default 5), a few seconds apart. For
each save it prints the time from the write to the `reload` event, and that
time minus the watcher's 100 ms debounce; then the median. It also checks
that a tab showing another page gets no `reload`.

Use a large book (`../shared/bench/gen.py 10000 DIR`, then DIR/gitbook) for
the figure in the README. Timings vary with machine load: compare runs made
one after another.
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time

DEBOUNCE_S = 0.100


def first_page(book):
    summary = open(os.path.join(book, "SUMMARY.md"), encoding="utf-8").read()
    links = re.findall(r"\]\(([^)#]+\.md)\)", summary)
    for link in links:
        if not link.lower().endswith("readme.md"):
            return link
    sys.exit("no page in SUMMARY.md")


def page_url(rel):
    rel = rel.replace("\\", "/")
    if rel.lower().endswith("readme.md"):
        return "/" + rel[: -len("readme.md")]
    return "/" + rel[: -len(".md")] + "/"


class Tab(threading.Thread):
    """One tab's event stream: records (time, event name)."""

    def __init__(self, port, page):
        super().__init__(daemon=True)
        self.events = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.conn.request("GET", "/__folio/events?page=" + page)
        self.response = self.conn.getresponse()

    def run(self):
        name = None
        while True:
            line = self.response.fp.readline()
            if not line:
                return
            line = line.decode().rstrip("\r\n")
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line == "" and name:
                self.events.append((time.monotonic(), name))
                name = None

    def reloads_since(self, since):
        return [t for t, name in self.events if name == "reload" and t >= since]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("book")
    parser.add_argument("page", nargs="?")
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument(
        "--folio",
        default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "folio"),
    )
    args = parser.parse_args()
    page = args.page or first_page(args.book)
    path = os.path.join(args.book, page)
    original = open(path, "rb").read()

    server = subprocess.Popen(
        [args.folio, "serve", "--port", "0", args.book],
        stderr=subprocess.PIPE,
        text=True,
    )
    log = []
    port = None
    started = time.monotonic()
    for line in server.stderr:
        log.append(line)
        found = re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/", line)
        if found:
            port = int(found.group(1))
            break
    if port is None:
        sys.exit("folio serve did not start:\n" + "".join(log))
    print(f"first build and start: {time.monotonic() - started:.1f} s")
    threading.Thread(
        target=lambda: [log.append(line) for line in server.stderr], daemon=True
    ).start()

    tab = Tab(port, page_url(page))
    tab.start()
    other = Tab(port, "/")
    other.start()
    time.sleep(3)
    latencies = []
    try:
        for round in range(args.saves):
            text = original + f"\n\nEdited for the latency benchmark, round {round}.\n".encode()
            with open(path, "wb") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            saved = time.monotonic()
            deadline = saved + 30
            while not tab.reloads_since(saved) and time.monotonic() < deadline:
                time.sleep(0.002)
            reloads = tab.reloads_since(saved)
            if not reloads:
                sys.exit("no reload within 30 s:\n" + "".join(log[-20:]))
            latency = reloads[0] - saved
            latencies.append(latency)
            print(
                f"save {round + 1}: reload after {latency * 1000:.0f} ms "
                f"({(latency - DEBOUNCE_S) * 1000:.0f} ms after the debounce)"
            )
            # Let the search index and site files follow before the next save.
            time.sleep(3)
    finally:
        with open(path, "wb") as out:
            out.write(original)
        time.sleep(1)
        server.terminate()
        server.wait()
    median = statistics.median(latencies)
    print(
        f"median: {median * 1000:.0f} ms from save to reload, "
        f"{(median - DEBOUNCE_S) * 1000:.0f} ms after the debounce"
    )
    if other.reloads_since(0):
        print(f"warning: the tab showing / reloaded {len(other.reloads_since(0))} times")
    print("".join(line for line in log if "rebuilt" in line), end="")


if __name__ == "__main__":
    main()
