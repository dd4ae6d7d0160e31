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
    if (window.matchMedia && window.matchMedia("(hover: none)").matches) {
      // No keyboard hint where there is no keyboard to speak of.
      var closer = dialog.querySelector(".search-close");
      closer.textContent = "Close";
      closer.setAttribute("aria-label", "Close search");
    }
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
    // A word's terms, as src/render/search.rs cuts them: lower-cased words
    // with diacritics folded; runs of unspaced scripts as character pairs.
    function fold(w) {
      return /^[\x00-\x7f]*$/.test(w) ? w : w.normalize("NFD").replace(/\p{M}/gu, "");
    }
    var segmenter = null;
    function terms(text) {
      var words = [];
      if (window.Intl && Intl.Segmenter) {
        segmenter = segmenter || new Intl.Segmenter(undefined, { granularity: "word" });
        var segments = segmenter.segment(text.toLowerCase());
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
        w = fold(w);
        if (Array.from(w).length > 1 || /^\d+$/.test(w)) out.push(w);
      });
      flush();
      return out;
    }
    // Edits between two words, a swap of neighbours counting one
    // (optimal string alignment), or limit + 1 once past the limit.
    function distance(a, b, limit) {
      if (Math.abs(a.length - b.length) > limit) return limit + 1;
      var rows = [[]], i, j;
      for (j = 0; j <= b.length; j++) rows[0][j] = j;
      for (i = 1; i <= a.length; i++) {
        rows[i] = [i];
        var low = i;
        for (j = 1; j <= b.length; j++) {
          var cost = a[i - 1] === b[j - 1] ? 0 : 1;
          var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
          rows[i][j] = d;
          if (d < low) low = d;
        }
        if (low > limit) return limit + 1;
      }
      return rows[a.length][b.length];
    }
    // Edits forgiven in a word: one from five letters, two from nine.
    function allowed(word) {
      var n = Array.from(word).length;
      return n >= 9 ? 2 : n >= 5 ? 1 : 0;
    }
    // An impact is 8 × field + level (src/render/search.rs); a title
    // match outweighs any body match.
    var FIELD = [0, 0.6, 1.6, 4];
    function value(impact) { return FIELD[impact >> 3] + (impact & 7) / 7; }
    // Adds `[impact, page, section, +gap, section, …]` groups to a word.
    function addGroups(word, groups, weight) {
      (groups || []).forEach(function (g) {
        var page = 0;
        for (var i = 1; i + 1 < g.length; i += 2) {
          page += g[i];
          var score = value(g[0]) * weight;
          var hit = word.pages[page];
          if (!hit) hit = word.pages[page] = { score: 0, title: false, sections: {} };
          if (score > hit.score) hit.score = score;
          if (g[0] >> 3 === 3) hit.title = true;
          hit.sections[g[i + 1]] = Math.max(hit.sections[g[i + 1]] || 0, score);
        }
      });
    }
    // The stems a word finds in a shard: those with the word among their
    // forms, while typing the last word also those with a form it begins,
    // and when these are few, forms within the edits forgiven.
    function matches(shard, word, prefix) {
      var exact = [], begun = [], near = [];
      var limit = allowed(word);
      Object.keys(shard || {}).forEach(function (stem) {
        var entry = shard[stem];
        var forms = entry.w.map(function (f) { return f.charAt(0) === "=" ? f.slice(1) : stem + f; });
        if (forms.indexOf(word) >= 0 || stem === word) { exact.push(stem); return; }
        if (prefix && forms.some(function (f) { return f.indexOf(word) === 0; })) { begun.push(stem); return; }
        if (limit) {
          var best = limit + 1;
          forms.forEach(function (f) { best = Math.min(best, distance(word, f, limit)); });
          if (best <= limit) near.push({ stem: stem, edits: best });
        }
      });
      return { exact: exact, begun: begun, near: exact.length + begun.length < 3 ? near : [] };
    }
    // A word's postings, first tiers only except for its exact stems,
    // whose later tiers wait in `more`.
    function lookUp(term, prefix) {
      return json("search/t/" + shardOf(term) + ".json").then(function (shard) {
        var found = matches(shard, term, prefix);
        if (found.exact.length + found.begun.length + found.near.length || !allowed(term)) return { shard: shard, found: found };
        // Nothing in the word's shard: a swap in its first letters moves
        // it to another shard, so look there too.
        var chars = Array.from(term);
        var swaps = [1, 2, 3].map(function (i) {
          var c = chars.slice();
          var t = c[i - 1]; c[i - 1] = c[i]; c[i] = t;
          return c.join("");
        });
        return Promise.all(swaps.map(function (s) { return json("search/t/" + shardOf(s) + ".json"); })).then(function (others) {
          var merged = Object.assign.apply(null, [{}].concat(others));
          return { shard: merged, found: matches(merged, term, prefix) };
        });
      }).then(function (looked) {
        var shard = looked.shard, found = looked.found;
        var word = { term: term, pages: {}, more: [], count: 0 };
        function take(stem, factor, exact) {
          var entry = shard[stem];
          // Rarer stems weigh more (BM25's inverse document frequency).
          var weight = Math.log(1 + (meta.documents - entry.n + 0.5) / (entry.n + 0.5)) * factor;
          addGroups(word, entry.p, weight);
          word.count = Math.max(word.count, entry.n);
          if (exact) (entry.more || []).forEach(function (id) { word.more.push({ id: id, weight: weight }); });
        }
        found.exact.forEach(function (stem) { take(stem, 1, true); });
        found.begun.forEach(function (stem) { take(stem, 0.7, false); });
        found.near.forEach(function (n) { take(n.stem, n.edits === 1 ? 0.6 : 0.4, false); });
        return word;
      });
    }
    // Pages scored: the words' scores summed, pages lacking a word
    // discounted; later tiers of common words are fetched until ten pages
    // hold every word or nothing is left to fetch.
    function combine(words) {
      var scores = {}, full = 0;
      var found = words.filter(function (w) { return Object.keys(w.pages).length; });
      var union = {};
      found.forEach(function (w) { for (var p in w.pages) union[p] = true; });
      Object.keys(union).forEach(function (p) {
        var total = 0, held = 0, titled = 0;
        words.forEach(function (w) {
          var hit = w.pages[p];
          if (!hit) return;
          held++;
          total += hit.score;
          if (hit.title) titled++;
        });
        if (held === words.length) full++;
        // Every word in the title: the page is about the query.
        if (titled === words.length) total += 6;
        scores[p] = total * Math.pow(held / words.length, 2);
      });
      var waiting = words.filter(function (w) { return w.more.length; });
      // A word with nothing left to fetch bounds how many pages can hold
      // every word.
      var bound = 10;
      words.forEach(function (w) { if (!w.more.length) bound = Math.min(bound, Object.keys(w.pages).length); });
      if (full >= bound || !waiting.length) return { scores: scores, full: full, complete: !waiting.length };
      return Promise.all(waiting.map(function (w) {
        var next = w.more.shift();
        return json("search/p/" + next.id + ".json").then(function (groups) { addGroups(w, groups, next.weight); });
      })).then(function () { return combine(words); });
    }
    function marked(text, words, className) {
      var lower = fold(text.toLowerCase());
      var at = -1;
      for (var i = 0; i < words.length && at < 0; i++) at = lower.search(boundary(words[i]));
      var start = Math.max(0, at - 50);
      // Folding keeps lengths for Latin text, so positions carry over.
      if (lower.length !== text.length) lower = text.toLowerCase();
      var piece = (start > 0 ? "…" : "") + text.slice(start, start + 160) + (text.length > start + 160 ? "…" : "");
      var span = document.createElement("span");
      span.className = className;
      var rest = piece;
      while (rest) {
        var low = fold(rest.toLowerCase());
        if (low.length !== rest.length) low = rest.toLowerCase();
        var best = -1, length = 0;
        words.forEach(function (w) {
          var m = boundary(w).exec(low);
          if (m && (best < 0 || m.index < best)) { best = m.index; length = m[0].length; }
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
    // A query word where a word of the text starts, and the rest of that
    // word (so "servic" marks "services"); pairs anywhere.
    var boundaries = {};
    function boundary(w) {
      if (boundaries[w]) { boundaries[w].lastIndex = 0; return boundaries[w]; }
      return (boundaries[w] = pattern(w));
    }
    function pattern(w) {
      var escaped = w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      if (Array.from(w).every(unspaced)) return new RegExp(escaped);
      return new RegExp("(?<![\\p{L}\\p{N}])" + escaped + "[\\p{L}\\p{N}]*", "u");
    }
    function holds(text, w) { return boundary(w).test(fold(text.toLowerCase())); }
    function select(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function option(href, className) {
      var li = document.createElement("li");
      li.setAttribute("role", "none");
      li.className = className;
      // The link itself is the option: an option must not contain a link.
      var a = document.createElement("a");
      a.id = "search-result-" + list.children.length;
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", "false");
      a.href = root + href;
      a.tabIndex = -1;
      li.appendChild(a);
      list.appendChild(li);
      return a;
    }
    // Each page once: title, breadcrumb and its best snippet, then up to
    // three of its sections that matched, linking to their headings.
    function show(results, words) {
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      results.forEach(function (r) {
        var record = r.record, sections = record[3];
        var a = option(record[0], "search-page");
        var title = document.createElement("span");
        title.className = "search-title";
        title.textContent = record[1];
        a.appendChild(title);
        if (record[2]) {
          var crumb = document.createElement("span");
          crumb.className = "search-crumb";
          crumb.textContent = record[2];
          a.appendChild(crumb);
        }
        var top = sections[0] ? sections[0][2] : "";
        var lead = words.some(function (w) { return holds(top, w); }) || !r.subs.length ? top : sections[r.subs[0]][2];
        if (lead) a.appendChild(marked(lead, words, "search-snippet"));
        r.subs.forEach(function (n) {
          var s = sections[n];
          var sub = option(record[0] + "#" + s[0], "search-sub");
          var heading = document.createElement("span");
          heading.className = "search-heading";
          heading.textContent = s[1];
          sub.appendChild(heading);
          if (s[2]) sub.appendChild(marked(s[2], words, "search-snippet"));
        });
      });
    }
    // Final order among the pages fetched: an exact or near-exact title
    // first, then the query as typed (words in order) in the title, a
    // heading or the text; and the sections to show under each page.
    function rerank(ranked, records, words, query) {
      var phrase = terms(query).join(" ");
      return ranked.map(function (r, i) {
        var record = records[i];
        if (!record) return null;
        var sections = record[3];
        var titleTerms = terms(record[1]);
        var bonus = 0;
        var inTitle = words.filter(function (w, k) {
          var last = k === words.length - 1;
          return titleTerms.some(function (t) { return t === w || (last && t.indexOf(w) === 0) || (w.length >= 5 && distance(w, t, allowed(w)) <= allowed(w)); });
        }).length;
        if (inTitle === words.length) {
          bonus += titleTerms.length === words.length ? 100 : 30 * words.length / titleTerms.length;
        }
        if (words.length > 1) {
          if (titleTerms.join(" ").indexOf(phrase) >= 0) bonus += 10;
          else if (sections.some(function (s) { return terms(s[1]).join(" ").indexOf(phrase) >= 0; })) bonus += 4;
          else if (sections.some(function (s) { return terms(s[2]).join(" ").indexOf(phrase) >= 0; })) bonus += 2;
        }
        // Sections: where the postings put the words, or whose heading
        // holds one; the page's top is the page's own link.
        var rank = {};
        Object.keys(r.sections).forEach(function (n) { if (+n > 0 && sections[n]) rank[n] = r.sections[n]; });
        sections.forEach(function (s, n) {
          if (n > 0 && s[0] && words.some(function (w) { return holds(s[1], w); })) rank[n] = (rank[n] || 0) + 1;
        });
        var subs = Object.keys(rank).filter(function (n) { return sections[n][0]; })
          .sort(function (a, b) { return rank[b] - rank[a] || a - b; }).slice(0, 3).map(Number);
        return { record: record, score: r.score + bonus, subs: subs, i: i };
      }).filter(Boolean).sort(function (a, b) { return b.score - a.score || a.i - b.i; });
    }
    function search() {
      var query = input.value.trim();
      var words = terms(query);
      var ticket = ++pending;
      var looked = [];
      if (!words.length) { show([], []); status.textContent = ""; return; }
      json("search/meta.json").then(function (m) {
        meta = m;
        if (!meta) return null;
        return Promise.all(words.map(function (w, i) { return lookUp(w, i === words.length - 1); }));
      }).then(function (found) {
        if (!found) return null;
        looked = found;
        return combine(found);
      }).then(function (result) {
        if (ticket !== pending || !result) return;
        var scores = result.scores;
        var top = Object.keys(scores).sort(function (a, b) { return scores[b] - scores[a] || a - b; }).slice(0, 10);
        var ranked = top.map(function (p) {
          var sections = {};
          // Per section, the best score any word gave it.
          looked.forEach(function (w) {
            var hit = w.pages[p];
            if (hit) for (var n in hit.sections) sections[n] = Math.max(sections[n] || 0, hit.sections[n]);
          });
          return { page: p, score: scores[p], sections: sections };
        });
        return Promise.all(top.map(function (p) {
          return json("search/d/" + Math.floor(p / meta.chunk) + ".json").then(function (chunk) {
            return chunk ? chunk[p % meta.chunk] : null;
          });
        })).then(function (records) {
          if (ticket !== pending) return;
          var results = rerank(ranked, records, words, query);
          show(results, words);
          var count = Object.keys(scores).length;
          status.textContent = count ? count + (count === 1 ? " result" : " results") : "No results for “" + query + "”";
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

  // An image shown smaller than it is (a screenshot on a phone) can be
  // enlarged: click, Enter or Space opens it full size in a modal dialog;
  // Escape, the close button or a click closes it, and focus returns to
  // the image. Images inside links keep their link.
  function zoomableImages() {
    var images = document.querySelectorAll("main .body img");
    if (!images.length || typeof HTMLDialogElement === "undefined") return;
    var dialog = null;
    var opener = null;
    function open(img) {
      if (!dialog) {
        dialog = document.createElement("dialog");
        dialog.className = "zoom";
        dialog.setAttribute("aria-label", "Enlarged image");
        var close = document.createElement("button");
        close.type = "button";
        close.className = "zoom-close";
        close.setAttribute("aria-label", "Close the enlarged image");
        close.textContent = "\u00d7";
        var big = document.createElement("img");
        dialog.appendChild(close);
        dialog.appendChild(big);
        dialog.addEventListener("click", function () {
          dialog.close();
        });
        dialog.addEventListener("close", function () {
          if (opener) opener.focus();
        });
        document.body.appendChild(dialog);
      }
      var shown = dialog.querySelector("img");
      shown.src = img.currentSrc || img.src;
      shown.alt = img.alt;
      opener = img;
      dialog.showModal();
      dialog.querySelector(".zoom-close").focus();
    }
    function enable(img) {
      if (!img.naturalWidth || img.naturalWidth <= img.clientWidth + 1) return;
      img.classList.add("zoomable");
      img.tabIndex = 0;
      img.setAttribute("role", "button");
      img.setAttribute("aria-label", (img.alt ? img.alt + ": " : "") + "enlarge image");
    }
    Array.prototype.forEach.call(images, function (img) {
      if (img.closest("a, button")) return;
      if (img.complete) enable(img);
      else img.addEventListener("load", function () { enable(img); }, { once: true });
      img.addEventListener("click", function () {
        if (img.classList.contains("zoomable")) open(img);
      });
      img.addEventListener("keydown", function (event) {
        if (!img.classList.contains("zoomable")) return;
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          open(img);
        }
      });
    });
  }

  // Phones and narrow windows: the sidebar is a drawer opened from the
  // header's menu button. It is modal while open (the rest of the page is
  // inert); Escape, a tap outside or following a link closes it, and focus
  // goes back to the button.
  function phoneDrawer() {
    var button = document.querySelector(".menu-open");
    var side = document.getElementById("side");
    if (!button || !side) return;
    button.hidden = false;
    var narrow = window.matchMedia("(max-width: 899px)");
    var backdrop = null;
    var outside = [".top", "main", ".outline"].map(function (sel) {
      return document.querySelector(sel);
    }).filter(Boolean);
    function isOpen() {
      return side.classList.contains("open");
    }
    function open() {
      side.classList.add("open");
      side.setAttribute("role", "dialog");
      side.setAttribute("aria-modal", "true");
      side.setAttribute("aria-label", "Menu");
      button.setAttribute("aria-expanded", "true");
      backdrop = document.createElement("div");
      backdrop.className = "drawer-backdrop";
      backdrop.addEventListener("click", function () {
        close(true);
      });
      document.body.appendChild(backdrop);
      outside.forEach(function (el) {
        el.setAttribute("inert", "");
      });
      var current = side.querySelector('.pages [aria-current="page"]') || side.querySelector("a");
      if (current) {
        current.scrollIntoView({ block: "center" });
        current.focus();
      }
    }
    function close(returnFocus) {
      if (!isOpen()) return;
      side.classList.remove("open");
      side.removeAttribute("role");
      side.removeAttribute("aria-modal");
      side.removeAttribute("aria-label");
      button.setAttribute("aria-expanded", "false");
      if (backdrop) backdrop.remove();
      backdrop = null;
      outside.forEach(function (el) {
        el.removeAttribute("inert");
      });
      if (returnFocus) button.focus();
    }
    button.addEventListener("click", function () {
      if (isOpen()) close(true);
      else open();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        event.preventDefault();
        close(true);
      }
    });
    side.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) close(false);
    });
    var onChange = function () {
      if (!narrow.matches) close(false);
    };
    if (narrow.addEventListener) narrow.addEventListener("change", onChange);
  }

  // The page menu (a <details>): "Copy as Markdown" fetches the page's
  // Markdown, published beside it, and copies it; Escape closes the menu.
  function pageMenu() {
    var menu = document.querySelector(".page-menu");
    if (!menu) return;
    var button = menu.querySelector(".copy-page");
    if (button && window.fetch && navigator.clipboard) {
      button.parentNode.hidden = false;
      button.addEventListener("click", function () {
        fetch(button.getAttribute("data-src"))
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.text();
          })
          .then(function (text) {
            return navigator.clipboard.writeText(text);
          })
          .then(function () {
            button.textContent = "Copied";
            announce("Page copied as Markdown");
          }, function () {
            button.textContent = "Could not copy";
          })
          .then(function () {
            setTimeout(function () {
              button.textContent = "Copy as Markdown";
            }, 2000);
          });
      });
    }
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  }

  // Remembers where this site's root is, for the 404 page, which is served
  // at any address and cannot tell a sub-path site's root by itself.
  function rememberRoot() {
    if (document.querySelector("main.not-found, [data-not-found]")) return;
    var root = new URL(document.documentElement.getAttribute("data-root") || "./", document.baseURI);
    try {
      localStorage.setItem("folio-root", root.pathname);
    } catch (e) {
      /* storage may be off */
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
    [revealCurrentPage, focusableScrollers, buildTabs, addCopyButtons, revealHash, trackOutline, indexFilters, setUpSearch, themeToggle, drawDiagrams, embedPlayers, collapsibleNav, zoomableImages, rememberRoot, phoneDrawer, pageMenu].forEach(safely);
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
