// MathJax 3 configuration; MathJax itself is served from /assets/mathjax/ (the dl_notes/math plugin, scripts/dl_notes_site/math_assets.py).
// It renders arithmatex output on the pages and in docstrings, and the Markdown cells of the
// notebooks, and leaves all other text alone. Instant navigation is off (mkdocs-static-i18n),
// so MathJax's own typesetting at start-up covers every page view; search results, which
// arrive later, are typeset as they are shown (below).
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".+",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown|jp-MarkdownOutput|md-search-result__article",
  },
  // Only what the pages need, not the combined tex-chtml.js (1.16 MB, mostly the context menu):
  // startup.js loads these from /assets/mathjax/, about half the bytes.
  loader: {
    load: ["core", "input/tex", "output/chtml", "a11y/assistive-mml"],
    paths: { mathjax: new URL("../assets/mathjax", document.currentScript.src).href },
  },
  chtml: { fontURL: new URL("../assets/mathjax/output/chtml/fonts/woff-v2", document.currentScript.src).href },
};

// Search result snippets quote the page's text, math included: typeset each batch of results
// as Material adds it, one batch after the other (MathJax wants its typeset calls in sequence).
document.addEventListener("DOMContentLoaded", () => {
  const results = document.querySelector(".md-search-result__list");
  if (!results) return;
  let done = Promise.resolve();
  new MutationObserver(() => {
    done = done.then(() => window.MathJax && MathJax.typesetPromise ? MathJax.typesetPromise([results]) : null)
      .catch((error) => console.warn("MathJax could not typeset a search result:", error));
  }).observe(results, { childList: true });
});
