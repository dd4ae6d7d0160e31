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
    [revealCurrentPage, focusableScrollers, buildTabs, addCopyButtons, revealHash, trackOutline, indexFilters, themeToggle, drawDiagrams, embedPlayers, collapsibleNav, zoomableImages, rememberRoot, phoneDrawer, pageMenu].forEach(safely);
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
