/* folio search: the client of the index that src/search/mod.rs writes
   under search/. It belongs to the Rust module src/search and changes with
   it: terms below is the twin of terms in src/search/tokens.rs
   (tests/search_tokens.rs runs both on tests/search/tokens.json) and shardFor
   the twin of shard_of. It never stems (the index lists each stem's forms)
   and fetches only what a query needs. Pages work without it: the Search
   button stays hidden. */
(function () {
  "use strict";

  // Scripts written without spaces, indexed as character pairs, with Han's
  // iteration marks (the same list as is_unspaced in src/search/tokens.rs).
  function unspaced(c) {
    var n = c.codePointAt(0);
    return (n >= 0x0e00 && n <= 0x0eff) || (n >= 0x1000 && n <= 0x109f) || (n >= 0x1780 && n <= 0x17ff) ||
      (n >= 0x3005 && n <= 0x3007) || n === 0x303b ||
      (n >= 0x3040 && n <= 0x30ff) || (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
      (n >= 0xac00 && n <= 0xd7af) || (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2fa1f);
  }
  // A word without its diacritics (fold in src/search/tokens.rs).
  function fold(w) {
    return /^[\x00-\x7f]*$/.test(w) ? w : w.normalize("NFD").replace(/\p{M}/gu, "");
  }
  // A text's terms, as terms in src/search/tokens.rs cuts them:
  // lower-cased words with diacritics folded; runs of unspaced scripts as
  // character pairs.
  var segmenter = null;
  function terms(text) {
    var words = [];
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
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
      // Cut where the word passes between unspaced and other scripts
      // (2024년, abcภาษา), as script_pieces in src/search/tokens.rs does.
      var chars = Array.from(w);
      for (var i = 0, j; i < chars.length; i = j) {
        var kind = unspaced(chars[i]);
        for (j = i + 1; j < chars.length && unspaced(chars[j]) === kind; j++);
        if (kind) { run = run.concat(chars.slice(i, j)); continue; }
        flush();
        var piece = fold(chars.slice(i, j).join(""));
        if (Array.from(piece).length > 1 || /^\d+$/.test(piece)) out.push(piece);
      }
    });
    flush();
    return out;
  }

  // FNV-1a of the UTF-8 of a term's first `prefix` characters, modulo
  // `shards`: the shard it is in (shard_of in src/search/mod.rs).
  function shardFor(term, prefix, shards) {
    var bytes = new TextEncoder().encode(Array.from(term).slice(0, prefix).join(""));
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
    return hash % shards;
  }

  /* The dialog, opened by the header button, "/" or Ctrl/Cmd+K. The
     index (search/ beside the site root, laid out in src/search/mod.rs)
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
    function shardOf(term) {
      return shardFor(term, meta.prefix, meta.shards);
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
    // An impact is 8 × field + level (src/search/mod.rs); a title
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

  if (typeof document === "undefined") {
    // Node (tests/search_tokens.rs): only the tokenizer and the shard hash.
    if (typeof module === "object" && module) module.exports = { terms: terms, shardFor: shardFor };
    return;
  }
  function start() {
    try {
      setUpSearch();
    } catch (e) {
      /* search failed; the page still works without it */
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
