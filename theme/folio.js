/* folio: optional enhancements. The site works fully without this file. */
(function () {
  "use strict";

  function revealCurrentPage() {
    var current = document.querySelector('.pages [aria-current="page"]');
    var box = document.querySelector(".side");
    if (!current || !box || box.scrollHeight <= box.clientHeight) return;
    var c = current.getBoundingClientRect();
    var b = box.getBoundingClientRect();
    if (c.top < b.top || c.bottom > b.bottom) {
      box.scrollTop += c.top - b.top - (b.height - c.height) / 2;
    }
  }

  function findTarget(link) {
    return elementFor(link.getAttribute("href"));
  }

  function elementFor(hash) {
    var id = hash.slice(1);
    if (!id) return null;
    var el = document.getElementById(id);
    if (!el) {
      try {
        el = document.getElementById(decodeURIComponent(id));
      } catch (e) {
        el = null;
      }
    }
    return el;
  }

  function trackOutline() {
    var links = document.querySelectorAll('.outline a[href^="#"]');
    var entries = [];
    for (var i = 0; i < links.length; i++) {
      var target = findTarget(links[i]);
      if (target) entries.push({ link: links[i], target: target });
    }
    if (!entries.length) return;

    var active = null;
    function update() {
      // A heading is current once it reaches the place its outline link
      // scrolls it to (the scroll padding under the sticky header).
      var line = (parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0) + 16;
      var next = entries[0];
      for (var j = 0; j < entries.length; j++) {
        if (entries[j].target.getBoundingClientRect().top <= line) next = entries[j];
        else break;
      }
      var doc = document.documentElement;
      if (window.innerHeight + window.pageYOffset >= doc.scrollHeight - 4) {
        next = entries[entries.length - 1];
      }
      if (next === active) return;
      if (active) active.link.classList.remove("active");
      next.link.classList.add("active");
      active = next;
    }

    var queued = false;
    function queue() {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () {
        queued = false;
        update();
      });
    }
    window.addEventListener("scroll", queue, { passive: true });
    window.addEventListener("resize", queue);
    update();
  }

  function focusableScrollers() {
    var boxes = document.querySelectorAll('.body pre, .body table, .body math[display="block"]');
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    }
  }

  var uid = 0;
  function newId(prefix) {
    var id;
    do {
      id = "folio-" + prefix + "-" + ++uid;
    } while (document.getElementById(id));
    return id;
  }

  // Tabs: <div class="tabs"><section class="tab"><p class="tab-title">…</p>…</section>…</div>
  // becomes a WAI-ARIA tab list (automatic activation, roving tabindex).
  function enhanceTabs(box) {
    var panels = [].filter.call(box.children, function (el) {
      return el.classList.contains("tab");
    });
    if (!panels.length || box.classList.contains("tabs-js")) return;
    var list = document.createElement("div");
    list.className = "tablist";
    list.setAttribute("role", "tablist");
    var tabs = panels.map(function (panel, i) {
      var title = [].find.call(panel.children, function (el) {
        return el.classList.contains("tab-title");
      });
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = newId("tab");
      tab.setAttribute("role", "tab");
      tab.textContent = (title && title.textContent.trim()) || "Tab " + (i + 1);
      var icon = title && title.querySelector(".icon");
      if (icon) tab.insertBefore(icon.cloneNode(true), tab.firstChild);
      if (!panel.id) panel.id = newId("panel");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.tabIndex = 0;
      list.appendChild(tab);
      return tab;
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) tabs[index].focus();
    }

    list.addEventListener("click", function (event) {
      var i = tabs.indexOf(event.target.closest('[role="tab"]'));
      if (i >= 0) select(i, false);
    });
    list.addEventListener("keydown", function (event) {
      var i = tabs.indexOf(event.target);
      if (i < 0) return;
      var n = tabs.length;
      var next = { ArrowLeft: i - 1 + n, ArrowRight: i + 1, Home: 0, End: n - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(next % n, true);
    });

    box.insertBefore(list, box.firstChild);
    box.classList.add("tabs-js");
    select(0, false);
  }

  function buildTabs() {
    var boxes = document.querySelectorAll("div.tabs");
    for (var i = 0; i < boxes.length; i++) enhanceTabs(boxes[i]);
  }

  // Copy buttons on code blocks. Falls back to selecting the code.
  var liveRegion = null;
  function announce(text) {
    if (!liveRegion) {
      liveRegion = document.createElement("div");
      liveRegion.className = "vh";
      liveRegion.setAttribute("role", "status");
      document.body.appendChild(liveRegion);
    }
    liveRegion.textContent = text;
  }

  function selectAndCopy(node) {
    try {
      var range = document.createRange();
      range.selectNodeContents(node);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copyCode(pre, button) {
    var code = pre.querySelector("code") || pre;
    function show(copied) {
      var label = copied ? "Copied" : "Selected";
      button.textContent = label;
      button.removeAttribute("aria-label");
      announce(copied ? "Code copied" : "Code selected, press Ctrl+C to copy");
      clearTimeout(button.folioTimer);
      button.folioTimer = setTimeout(function () {
        button.textContent = "Copy";
        button.setAttribute("aria-label", "Copy code");
        announce("");
      }, 2000);
    }
    var clip = navigator.clipboard;
    if (clip && clip.writeText) {
      clip.writeText(code.textContent).then(
        function () { show(true); },
        function () { show(selectAndCopy(code)); }
      );
    } else {
      show(selectAndCopy(code));
    }
  }

  function addCopyButtons() {
    var blocks = document.querySelectorAll("pre.code");
    [].forEach.call(blocks, function (pre) {
      if (!pre.parentNode || pre.parentNode.classList.contains("code-wrap")) return;
      var wrap = document.createElement("div");
      wrap.className = "code-wrap";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code");
      button.addEventListener("click", function () {
        try {
          copyCode(pre, button);
        } catch (e) {
          /* nothing to copy with */
        }
      });
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(button);
      wrap.appendChild(pre);
    });
  }

  // Reveal a linked element hidden in an inactive tab or a closed <details>.
  function revealHash() {
    var target = elementFor(location.hash);
    var changed = false;
    for (var node = target && target.parentElement; node; node = node.parentElement) {
      if (node.hidden && node.getAttribute("role") === "tabpanel") {
        var tab = document.getElementById(node.getAttribute("aria-labelledby"));
        if (tab) tab.click();
        changed = true;
      } else if (node.tagName === "DETAILS" && !node.open) {
        node.open = true;
        changed = true;
      }
    }
    if (changed) target.scrollIntoView();
  }

  /* Generated indexes: reveal the filter form and filter rows by text,
     by each filter key and by group; empty groups are hidden. Without
     JavaScript the form stays hidden and every table is shown. */
  function indexFilters() {
    var indexes = document.querySelectorAll("[data-index]");
    for (var i = 0; i < indexes.length; i++) {
      setUpIndex(indexes[i]);
    }
  }

  function setUpIndex(index) {
    var form = index.querySelector(".index-filter");
    if (!form) return;
    var count = form.querySelector(".index-count");
    var rows = index.querySelectorAll("tbody tr");
    var total = rows.length;
    function apply() {
      var query = (form.elements.q.value || "").trim().toLowerCase();
      var group = form.elements.group ? form.elements.group.value : "";
      var selects = form.querySelectorAll("select[name^='f-']");
      var shown = 0;
      var sections = index.querySelectorAll(".index-group");
      for (var s = 0; s < sections.length; s++) {
        var section = sections[s];
        var sectionRows = section.querySelectorAll("tbody tr");
        var visible = 0;
        var groupMatches = !group || section.getAttribute("data-group") === group;
        for (var r = 0; r < sectionRows.length; r++) {
          var row = sectionRows[r];
          var match = groupMatches && (!query || (row.getAttribute("data-text") || "").indexOf(query) !== -1);
          for (var f = 0; f < selects.length && match; f++) {
            var wanted = selects[f].value;
            if (wanted) {
              var values = (row.getAttribute("data-" + selects[f].name) || "").split("|");
              match = values.indexOf(wanted) !== -1;
            }
          }
          row.hidden = !match;
          if (match) visible++;
        }
        section.hidden = visible === 0;
        shown += visible;
      }
      if (count) {
        count.textContent = query || group || anySelected(selects) ? shown + " matching rows (" + total + " in all)" : "";
      }
    }
    function anySelected(selects) {
      for (var k = 0; k < selects.length; k++) if (selects[k].value) return true;
      return false;
    }
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
  }

  /* Search: a dialog opened by the header button, "/" or Ctrl/Cmd+K. The
     index (search/ beside the site root, laid out in src/render/search.rs)
     is split into term shards, tiers of postings and chunks of documents,
     so a query fetches only what it needs: each word's shard, further tiers
     of a common word only while fewer than ten results are found, and the
     chunks of the results shown. */
  function setUpSearch() {
    var opener = document.querySelector(".search-open");
    if (!opener || !window.fetch || !window.HTMLDialogElement) return;
    var root = document.documentElement.getAttribute("data-root") || "";
    var cache = {};
    var meta = null;
    var dialog = document.createElement("dialog");
    dialog.className = "search";
    dialog.setAttribute("aria-label", "Search");
    dialog.innerHTML =
      '<form method="dialog" class="search-form"><label class="vh" for="search-q">Search the book</label>' +
      '<input id="search-q" type="search" autocomplete="off" spellcheck="false" placeholder="Search the book" role="combobox" aria-expanded="false" aria-controls="search-results" aria-autocomplete="list">' +
      '<button type="submit" class="search-close" aria-label="Esc: close search">Esc</button></form>' +
      '<p class="search-status" role="status" aria-live="polite"></p>' +
      '<ul id="search-results" class="search-results" role="listbox" aria-label="Results"></ul>';
    document.body.appendChild(dialog);
    var input = dialog.querySelector("input");
    var list = dialog.querySelector("ul");
    var status = dialog.querySelector(".search-status");
    var active = -1;
    var pending = 0;

    // Index files carry the build's version, so a browser never mixes files
    // cached from an earlier build; meta.json itself is always revalidated.
    function json(path) {
      if (!cache[path]) {
        var url = path === "search/meta.json" ? root + path : root + path + "?v=" + meta.version;
        var options = path === "search/meta.json" ? { cache: "no-cache" } : {};
        cache[path] = fetch(url, options).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
      }
      return cache[path];
    }
    // FNV-1a of the UTF-8 of a term's first characters: the shard it is in.
    function shardOf(term) {
      var bytes = new TextEncoder().encode(Array.from(term).slice(0, meta.prefix).join(""));
      var hash = 0x811c9dc5;
      for (var i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
      return hash % meta.shards;
    }
    // Scripts written without spaces, indexed as character pairs (the same
    // list as src/render/search.rs).
    function unspaced(c) {
      var n = c.codePointAt(0);
      return (n >= 0x0e00 && n <= 0x0eff) || (n >= 0x1000 && n <= 0x109f) || (n >= 0x1780 && n <= 0x17ff) ||
        (n >= 0x3040 && n <= 0x30ff) || (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
        (n >= 0xac00 && n <= 0xd7af) || (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2fa1f);
    }
    function terms(text) {
      var words = [];
      if (window.Intl && Intl.Segmenter) {
        var segments = new Intl.Segmenter(undefined, { granularity: "word" }).segment(text.toLowerCase());
        for (var s of segments) if (s.isWordLike) words.push(s.segment);
      } else {
        words = text.toLowerCase().split(/[^\p{L}\p{N}_.]+/u).filter(Boolean);
      }
      var out = [];
      var run = [];
      function flush() {
        if (run.length === 1) out.push(run[0]);
        for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
        run = [];
      }
      words.forEach(function (w) {
        var chars = Array.from(w);
        if (chars.every(unspaced)) { run = run.concat(chars); return; }
        flush();
        if (chars.length > 1 || /^\d+$/.test(w)) out.push(w);
      });
      flush();
      return out;
    }
    // Adds `[impact, doc, +gap, …]` groups to a word's scores.
    function addGroups(word, groups, weight) {
      (groups || []).forEach(function (g) {
        var doc = 0;
        for (var i = 1; i < g.length; i++) {
          doc += g[i];
          word.scores[doc] = (word.scores[doc] || 0) + g[0] * weight;
        }
      });
    }
    // A word's first tiers: the exact term, and while typing the last word
    // every term it begins. Later tiers of the exact term wait in `more`.
    function lookUp(term, prefix) {
      return json("search/t/" + shardOf(term) + ".json").then(function (shard) {
        var word = { scores: {}, more: [], weight: 0, count: 0 };
        Object.keys(shard || {}).forEach(function (t) {
          var exact = t === term;
          if (!exact && !(prefix && t.indexOf(term) === 0)) return;
          var entry = shard[t];
          // Rarer terms weigh more (BM25's inverse document frequency).
          var weight = Math.log(1 + (meta.documents - entry.n + 0.5) / (entry.n + 0.5)) * (exact ? 1 : 0.5);
          addGroups(word, entry.p, weight);
          word.count = Math.max(word.count, entry.n);
          if (exact) { word.more = (entry.more || []).slice(); word.weight = weight; }
        });
        return word;
      });
    }
    // Documents that hold every word, fetching later tiers of common words
    // until ten are found or nothing is left to fetch.
    function intersect(words) {
      var scores = {};
      Object.keys(words[0].scores).forEach(function (d) {
        var total = 0;
        for (var i = 0; i < words.length; i++) {
          if (!(d in words[i].scores)) return;
          total += words[i].scores[d];
        }
        scores[d] = total;
      });
      var waiting = words.filter(function (w) { return w.more.length; });
      // A word with nothing left to fetch bounds how many documents can match.
      var bound = 10;
      words.forEach(function (w) { if (!w.more.length) bound = Math.min(bound, Object.keys(w.scores).length); });
      if (Object.keys(scores).length >= bound || !waiting.length) {
        var complete = !waiting.length;
        return { scores: scores, complete: complete, count: Math.max(words.length === 1 ? words[0].count : 0, Object.keys(scores).length) };
      }
      return Promise.all(waiting.map(function (w) {
        return json("search/p/" + w.more.shift() + ".json").then(function (groups) { addGroups(w, groups, w.weight); });
      })).then(function () { return intersect(words); });
    }
    function snippet(text, words) {
      var lower = text.toLowerCase();
      var at = -1;
      for (var i = 0; i < words.length && at < 0; i++) at = lower.indexOf(words[i]);
      var start = Math.max(0, at - 60);
      var piece = (start > 0 ? "…" : "") + text.slice(start, start + 180) + (text.length > start + 180 ? "…" : "");
      var span = document.createElement("span");
      span.className = "search-snippet";
      var rest = piece;
      while (rest) {
        var low = rest.toLowerCase();
        var best = -1, length = 0;
        words.forEach(function (w) {
          var k = low.indexOf(w);
          if (k >= 0 && (best < 0 || k < best)) { best = k; length = w.length; }
        });
        if (best < 0) { span.appendChild(document.createTextNode(rest)); break; }
        span.appendChild(document.createTextNode(rest.slice(0, best)));
        var mark = document.createElement("mark");
        mark.textContent = rest.slice(best, best + length);
        span.appendChild(mark);
        rest = rest.slice(best + length);
      }
      return span;
    }
    function select(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function show(results, words) {
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      results.forEach(function (doc, i) {
        // The link itself is the option: an option must not contain a link.
        var li = document.createElement("li");
        li.setAttribute("role", "none");
        var a = document.createElement("a");
        a.id = "search-result-" + i;
        a.setAttribute("role", "option");
        a.setAttribute("aria-selected", "false");
        a.href = root + doc[0];
        a.tabIndex = -1;
        var title = document.createElement("span");
        title.className = "search-title";
        title.textContent = doc[1] + (doc[2] ? " › " + doc[2] : "");
        a.appendChild(title);
        a.appendChild(snippet(doc[3], words));
        li.appendChild(a);
        list.appendChild(li);
      });
    }
    // Among the results shown, those holding the query as typed (words
    // next to each other, in order) come first: in a heading, then in text.
    function rerank(docs, query) {
      var phrase = query.toLowerCase().replace(/\s+/g, " ");
      if (phrase.indexOf(" ") < 0) return docs;
      function bonus(doc) {
        if ((doc[1] + " " + doc[2]).toLowerCase().indexOf(phrase) >= 0) return 2;
        return doc[3].toLowerCase().indexOf(phrase) >= 0 ? 1 : 0;
      }
      return docs.map(function (doc, i) { return { doc: doc, i: i, bonus: bonus(doc) }; })
        .sort(function (a, b) { return b.bonus - a.bonus || a.i - b.i; })
        .map(function (r) { return r.doc; });
    }
    function search() {
      var query = input.value.trim();
      var words = terms(query);
      var ticket = ++pending;
      if (!words.length) { show([], []); status.textContent = ""; return; }
      json("search/meta.json").then(function (m) {
        meta = m;
        if (!meta) return null;
        return Promise.all(words.map(function (w, i) { return lookUp(w, i === words.length - 1); }));
      }).then(function (found) {
        return found && intersect(found);
      }).then(function (result) {
        if (ticket !== pending || !result) return;
        var scores = result.scores;
        var top = Object.keys(scores).sort(function (a, b) { return scores[b] - scores[a] || a - b; }).slice(0, 10);
        var count = result.count;
        return Promise.all(top.map(function (d) {
          return json("search/d/" + Math.floor(d / meta.chunk) + ".json").then(function (chunk) {
            return chunk ? chunk[d % meta.chunk] : null;
          });
        })).then(function (docs) {
          if (ticket !== pending) return;
          docs = rerank(docs.filter(Boolean), query);
          show(docs, words);
          var more = result.complete || words.length === 1 ? "" : "+";
          status.textContent = count ? count + more + (count === 1 && !more ? " result" : " results") : "No results for “" + query + "”";
        });
      });
    }
    function open() {
      if (!dialog.open) dialog.showModal();
      input.focus();
      input.select();
    }
    opener.hidden = false;
    opener.addEventListener("click", open);
    input.addEventListener("input", search);
    input.addEventListener("keydown", function (event) {
      // Escape closes the dialog at once (a search field would only clear itself).
      if (event.key === "Escape") { event.preventDefault(); dialog.close(); }
      else if (event.key === "ArrowDown") { event.preventDefault(); select(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); select(active - 1); }
      else if (event.key === "Enter") {
        var items = list.querySelectorAll("[role=option]");
        var target = items[active >= 0 ? active : 0];
        if (target) { event.preventDefault(); location.href = target.href; }
      }
    });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    document.addEventListener("keydown", function (event) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
      if ((event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey)) { event.preventDefault(); open(); }
      else if (event.key === "/" && !typing && !dialog.open) { event.preventDefault(); open(); }
    });
  }

  /* A <picture> source for one colour scheme (GitBook's dark images) follows
     the reader's choice, not only the system's: its media query is
     rewritten to always or never match, and restored when no choice is
     stored. */
  function syncPictures(chosen) {
    var sources = document.querySelectorAll("picture source[media*=prefers-color-scheme], picture source[data-folio-media]");
    Array.prototype.forEach.call(sources, function (source) {
      var original = source.getAttribute("data-folio-media");
      if (original === null) {
        original = source.getAttribute("media");
        source.setAttribute("data-folio-media", original);
      }
      var scheme = /prefers-color-scheme\s*:\s*(dark|light)/.exec(original);
      if (!scheme || (chosen !== "dark" && chosen !== "light")) {
        source.setAttribute("media", original);
      } else if (scheme[1] === chosen) {
        source.setAttribute("media", original.replace(/\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)/, "(min-width: 0px)"));
      } else {
        source.setAttribute("media", "not all");
      }
    });
  }

  /* Theme toggle: light or dark, remembered across pages (the page head
     applies the stored choice before the first paint). */
  function themeToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var root = document.documentElement;
    var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    function current() {
      var chosen = root.getAttribute("data-theme");
      if (chosen === "dark" || chosen === "light") return chosen;
      return query && query.matches ? "dark" : "light";
    }
    function reflect() {
      button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
      syncPictures(root.getAttribute("data-theme"));
    }
    button.hidden = false;
    reflect();
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("folio-theme", next); } catch (e) { /* private mode */ }
      reflect();
    });
    if (query && query.addEventListener) query.addEventListener("change", reflect);
  }

  /* Mermaid diagrams: pages with a diagram load the script (bundled, or
     the book's own copy), which draws each pre.mermaid from its source;
     readers without it see the source. Diagrams are drawn again in the
     other colours when the reader or the system switches light/dark. */
  function drawDiagrams() {
    var blocks = document.querySelectorAll("pre.mermaid");
    if (!window.mermaid || !blocks.length) return;
    var root = document.documentElement;
    var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    Array.prototype.forEach.call(blocks, function (block) {
      block.setAttribute("data-source", block.textContent);
    });
    var drawnAs = null;
    function draw() {
      var chosen = root.getAttribute("data-theme");
      var dark = chosen === "dark" || (chosen !== "light" && query && query.matches);
      var theme = dark ? "dark" : "default";
      if (theme === drawnAs) return;
      drawnAs = theme;
      Array.prototype.forEach.call(blocks, function (block) {
        block.removeAttribute("data-processed");
        block.textContent = block.getAttribute("data-source");
      });
      window.mermaid.initialize({ startOnLoad: false, theme: theme });
      window.mermaid.run({ nodes: blocks });
    }
    draw();
    if (window.MutationObserver) {
      new MutationObserver(draw).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
    }
    if (query && query.addEventListener) query.addEventListener("change", draw);
  }

  /* Embeds of known providers: the placeholder's button swaps in the
     provider's player, so nothing loads from another site before the
     reader asks. Without JavaScript the button stays hidden and the link
     card below it leads to the content. */
  function embedPlayers() {
    Array.prototype.forEach.call(document.querySelectorAll(".embed-frame[data-src]"), function (frame) {
      var button = frame.querySelector(".embed-load");
      if (!button) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var iframe = document.createElement("iframe");
        iframe.src = frame.getAttribute("data-src");
        iframe.title = frame.getAttribute("data-title") || "Embedded content";
        iframe.setAttribute("allow", frame.getAttribute("data-allow") || "fullscreen");
        iframe.setAttribute("allowfullscreen", "");
        iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
        frame.replaceChild(iframe, button);
        frame.classList.add("loaded");
        iframe.focus();
      });
    });
  }

  /* Collapsible sidebar: every entry with pages under it gets a toggle.
     Entries on the path to this page are open (their pages are in the
     HTML); others load their pages from nav.json when first opened, so
     each page stays small however large the book is. */
  function collapsibleNav() {
    var nav = document.querySelector("nav.pages");
    if (!nav || !window.fetch) return;
    var root = document.documentElement.getAttribute("data-root") || "";
    var tree = null;
    function loadTree() {
      if (!tree) {
        tree = fetch(root + "nav.json").then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
      }
      return tree;
    }
    function absolute(href) {
      var a = document.createElement("a");
      a.href = href;
      return a.href;
    }
    function find(items, url) {
      for (var i = 0; i < (items || []).length; i++) {
        if (items[i].url && !items[i].external && absolute(root + items[i].url) === url) return items[i];
        var inner = find(items[i].children, url);
        if (inner) return inner;
      }
      return null;
    }
    // A page's icon, as the server renders it: a symbol of the icon sprite,
    // or an emoji.
    function icon(name, sprite) {
      if (name.indexOf("fa-") === 0 && sprite) {
        var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("class", "icon");
        svg.setAttribute("aria-hidden", "true");
        var use = document.createElementNS("http://www.w3.org/2000/svg", "use");
        use.setAttribute("href", root + sprite + "#" + name);
        svg.appendChild(use);
        return svg;
      }
      var span = document.createElement("span");
      span.className = "icon";
      span.setAttribute("aria-hidden", "true");
      span.textContent = name;
      return span;
    }
    function buildList(children, sprite) {
      var ul = document.createElement("ul");
      children.forEach(function (child) {
        var li = document.createElement("li");
        var label;
        if (child.url) {
          label = document.createElement("a");
          label.href = child.external ? child.url : root + child.url;
          if (child.icon) {
            // Icon and title in one flex item, as the server writes them.
            var title = document.createElement("span");
            title.className = "t";
            title.appendChild(icon(child.icon, sprite));
            title.appendChild(document.createTextNode(child.title));
            label.appendChild(title);
          } else {
            label.textContent = child.title;
          }
        } else {
          label = document.createElement("span");
          label.className = "lbl";
          label.textContent = child.title;
        }
        li.appendChild(label);
        if (child.children && child.children.length) {
          li.className = "more";
          addToggle(li, false);
        }
        ul.appendChild(li);
      });
      return ul;
    }
    function addToggle(li, open) {
      var link = li.firstElementChild;
      if (!link || li.querySelector(":scope > .nav-toggle")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "nav-toggle";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.setAttribute("aria-label", "Pages under " + link.textContent.trim());
      li.classList.add("has-toggle");
      link.insertAdjacentElement("afterend", button);
      button.addEventListener("click", function () {
        var list = li.querySelector(":scope > ul");
        var expanded = button.getAttribute("aria-expanded") === "true";
        if (list) {
          list.hidden = expanded;
          button.setAttribute("aria-expanded", expanded ? "false" : "true");
          return;
        }
        loadTree().then(function (data) {
          if (!data || !link.href) return;
          var item = null;
          (data.sections || []).forEach(function (section) {
            (section.groups || []).forEach(function (group) { item = item || find(group.items, link.href); });
          });
          if (!item || !item.children || !item.children.length) return;
          li.appendChild(buildList(item.children, data.icons));
          button.setAttribute("aria-expanded", "true");
        });
      });
    }
    var entries = nav.querySelectorAll("li");
    for (var i = 0; i < entries.length; i++) {
      var li = entries[i];
      var hasList = !!li.querySelector(":scope > ul");
      if (hasList || li.classList.contains("more")) addToggle(li, hasList);
    }
  }

  function safely(step) {
    try {
      step();
    } catch (e) {
      /* an enhancement failed; the page still works without it */
    }
  }

  function init() {
    [revealCurrentPage, focusableScrollers, buildTabs, addCopyButtons, revealHash, trackOutline, indexFilters, setUpSearch, themeToggle, drawDiagrams, embedPlayers, collapsibleNav].forEach(safely);
    window.addEventListener("hashchange", function () {
      safely(revealHash);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
