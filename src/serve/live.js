/* folio serve: reload when a rebuild changed this page (or swap its
   stylesheets when only they changed), and show the book's problems in an
   overlay that can be dismissed. Injected by the preview server only. */
(function () {
  "use strict";
  var overlay = null;
  var DISMISSED = "folio-dismissed-report";
  var dismissed = "";
  try { dismissed = sessionStorage.getItem(DISMISSED) || ""; } catch (e) { /* storage off */ }

  function render(json) {
    var report;
    try { report = JSON.parse(json); } catch (e) { return; }
    var items = report.diagnostics || [];
    if (overlay) { overlay.remove(); overlay = null; }
    if (!items.length || json === dismissed) return;
    overlay = document.createElement("section");
    overlay.setAttribute("aria-label", "Problems in this book");
    overlay.setAttribute("style", "position:fixed;z-index:9999;right:1rem;bottom:1rem;max-width:min(44rem,calc(100vw - 2rem));max-height:50vh;overflow:auto;background:#fff;color:#1c2024;border:2px solid #b3261e;border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,.25);font:14px/1.45 system-ui,sans-serif;padding:.75rem 1rem");
    var head = document.createElement("div");
    head.setAttribute("style", "display:flex;justify-content:space-between;gap:1rem;align-items:center");
    var title = document.createElement("strong");
    var errors = items.filter(function (d) { return d.severity === "error"; }).length;
    title.textContent = errors + " error" + (errors === 1 ? "" : "s") + ", " + (items.length - errors) + " warning" + (items.length - errors === 1 ? "" : "s");
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.setAttribute("style", "font:inherit;padding:.25rem .75rem;border:1px solid #5b636e;border-radius:6px;background:#f6f7f9;color:#1c2024;cursor:pointer");
    close.addEventListener("click", function () {
      dismissed = json;
      try { sessionStorage.setItem(DISMISSED, json); } catch (e) { /* storage off */ }
      overlay.remove();
      overlay = null;
    });
    head.appendChild(title);
    head.appendChild(close);
    overlay.appendChild(head);
    var list = document.createElement("ul");
    list.setAttribute("style", "margin:.5rem 0 0;padding-left:1.25rem");
    items.slice(0, 200).forEach(function (d) {
      var li = document.createElement("li");
      var where = d.file ? d.file + ":" + d.line + ":" + d.column + " " : "";
      li.textContent = where + d.severity + "[" + d.code + "]: " + d.message + (d.help ? " (" + d.help + ")" : "");
      li.setAttribute("style", "margin:.25rem 0;color:" + (d.severity === "error" ? "#b3261e" : "#7a5c00"));
      list.appendChild(li);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  /* Only the stylesheets changed: point each <link> at its new name. */
  function swapStylesheets(json) {
    var swaps;
    try { swaps = JSON.parse(json); } catch (e) { return; }
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    swaps.forEach(function (swap) {
      links.forEach(function (link) {
        var href = link.getAttribute("href") || "";
        var at = href.lastIndexOf(swap[0]);
        if (at >= 0 && at + swap[0].length === href.length) {
          link.setAttribute("href", href.slice(0, at) + swap[1]);
        }
      });
    });
  }

  function connect() {
    var source = new EventSource("/__folio/events?page=" + encodeURIComponent(location.pathname));
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("stylesheets", function (event) { swapStylesheets(event.data); });
    source.addEventListener("diagnostics", function (event) { render(event.data); });
    source.onerror = function () {
      source.close();
      setTimeout(connect, 1000);
    };
  }

  if (window.EventSource) connect();
})();
