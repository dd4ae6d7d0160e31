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
    if (!("IntersectionObserver" in window)) return;
    var links = document.querySelectorAll('.outline a[href^="#"]');
    var entries = [];
    for (var i = 0; i < links.length; i++) {
      var target = findTarget(links[i]);
      if (target) entries.push({ link: links[i], target: target });
    }
    if (!entries.length) return;

    var active = null;
    function update() {
      var line = window.innerHeight * 0.3;
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

    var observer = new IntersectionObserver(update, { rootMargin: "0px 0px -70% 0px" });
    entries.forEach(function (entry) {
      observer.observe(entry.target);
    });
    var end = document.querySelector("main > :last-child");
    if (end) new IntersectionObserver(update, { threshold: [0, 1] }).observe(end);
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

  function safely(step) {
    try {
      step();
    } catch (e) {
      /* an enhancement failed; the page still works without it */
    }
  }

  function init() {
    [revealCurrentPage, focusableScrollers, buildTabs, addCopyButtons, revealHash, trackOutline, indexFilters].forEach(safely);
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
