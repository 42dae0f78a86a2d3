// "Report an error" (main.html): when the reader clicks, the new issue names the section, not only
// the page: the section of the text the reader has selected (quoted in the issue), or else the
// section in view. The links at the top of a page are far from what a reader was reading, so a
// desktop's table of contents, which stays in view, also gets a "report an error in this section"
// link. Nothing is requested from GitHub until the reader clicks.
(function () {
  "use strict";
  var ja = document.documentElement.lang === "ja";
  var LABEL = ja ? "この節の誤りを報告" : "Report an error in this section";
  var chosen = null;  // the reader's selection when they pressed the link (a press may clear it)

  function headings() {
    return Array.prototype.slice.call(document.querySelectorAll("article h2[id], article h3[id]"));
  }

  function sectionOf(node) {  // the last heading before node in the article
    var found = null;
    headings().forEach(function (h) {
      if (h.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) found = h;
    });
    return found;
  }

  function sectionInView() {
    // The section the table of contents marks as being read (desktop), so that "this section" is
    // the one the reader sees highlighted; else the one that reaches a third down the window.
    var active = document.querySelector(".md-nav--secondary .md-nav__link--active");
    var marked = active && document.getElementById(decodeURIComponent(active.hash.slice(1)));
    if (marked && headings().indexOf(marked) >= 0) return marked;
    var line = window.innerHeight / 3;
    var found = null;
    headings().some(function (h) {
      if (h.getBoundingClientRect().top > line) return true;
      found = h;
      return false;
    });
    return found;
  }

  function selectionInArticle() {
    var selection = window.getSelection();
    var article = document.querySelector("article");
    if (!selection || selection.isCollapsed || !article || !article.contains(selection.anchorNode)) return null;
    return {text: selection.toString().replace(/\s+/g, " ").trim().slice(0, 400), node: selection.anchorNode};
  }

  function prefill(link) {
    var selected = chosen;
    var section = selected ? sectionOf(selected.node) : sectionInView();
    var url = link.dataset.pageUrl + (section ? "#" + section.id : "");
    var name = section ? section.textContent.replace(/¶\s*$/, "").trim() : "";
    var title = (ja ? "[誤り] " : "[Error] ") + link.dataset.pageTitle + (name ? " — " + name : "");
    var body = (ja ? "ページ：" : "Page: ") + url + "\n" +
      (name ? (ja ? "節：" : "Section: ") + name + "\n" : "") +
      (selected && selected.text ? "\n> " + selected.text + "\n" : "") + "\n" +
      (ja ? "どこが誤りで、正しくはどうなるか：\n" : "What is wrong, and what is right:\n");
    var issue = new URL(link.href);
    issue.searchParams.set("title", title);
    issue.searchParams.set("body", body);
    link.href = issue.toString();
  }

  function reportLink(event) {
    return event.target.closest && event.target.closest("a.dl-report-error");
  }

  document.addEventListener("pointerdown", function (event) {
    if (reportLink(event)) chosen = selectionInArticle();
  }, true);
  ["click", "auxclick"].forEach(function (type) {  // auxclick: a middle click opens a new tab
    document.addEventListener(type, function (event) {
      var link = reportLink(event);
      if (!link) return;
      if (!chosen) chosen = selectionInArticle();
      prefill(link);
      chosen = null;
    }, true);
  });

  // The table of contents' link (desktop: the sidebar stays in view while reading).
  var top = document.querySelector("a.dl-report-error");
  var toc = document.querySelector(".md-sidebar--secondary .md-sidebar__inner");
  if (top && toc && headings().length) {
    var link = top.cloneNode(false);
    link.className = "dl-report-error dl-report-error--toc";
    link.removeAttribute("aria-label");
    link.removeAttribute("title");
    link.textContent = LABEL;
    toc.appendChild(link);
  }
})();
