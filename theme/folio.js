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
    var id = link.getAttribute("href").slice(1);
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
    var boxes = document.querySelectorAll(".body pre, .body table");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    }
  }

  function init() {
    revealCurrentPage();
    focusableScrollers();
    trackOutline();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
