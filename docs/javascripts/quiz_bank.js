// Practice mode of the quiz bank (docs/quiz_bank.*.md, filled by scripts/dl_notes_site/quiz_bank.py).
// Each question is a closed <details> (the answer shows when revealed) with "known" / "not yet"
// buttons. The marks are kept in this browser's localStorage under the questions' ids
// (quiz-<page>-<n>), which both languages share, so a mark made on /en/ shows on / too. The
// words shown come from the page (data-labels), in its language. On the chapter pages, the same
// marks show on their questions.
(() => {
  "use strict";
  const KEY = "dl-notes:quiz-marks";  // {"quiz-lstm-2": "known" | "unknown"}
  let memory = {};                    // where marks live if localStorage is refused

  function load() {
    try {
      const marks = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return marks && typeof marks === "object" && !Array.isArray(marks) ? marks : {};
    } catch (error) {
      return memory;                  // storage refused (privacy settings) or a damaged value
    }
  }

  function save(marks) {
    memory = marks;
    try {
      if (Object.keys(marks).length) window.localStorage.setItem(KEY, JSON.stringify(marks));
      else window.localStorage.removeItem(KEY);
    } catch (error) { /* kept in memory for this visit */ }
  }

  // MathJax typesets the page's .arithmatex once, at start-up. The bank's answers hold their
  // formulas as <span class="dl-quiz-math" data-tex> (quiz_bank.py), so that start-up is not spent
  // on hundreds of hidden formulas: revealing an answer makes them .arithmatex and typesets them,
  // in sequence with MathJax's own work (if MathJax has not started yet, its start-up finds them).
  // Answers revealed together (printing, "open all") are typeset in one batch.
  let waiting = [];

  function typeset(details) {
    if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return;
    waiting.push(details);
    if (waiting.length > 1) return;   // a batch is already on its way
    MathJax.startup.promise = MathJax.startup.promise
      .then(() => {
        const batch = waiting;
        waiting = [];
        return MathJax.typesetPromise(batch);
      })
      .catch((error) => console.warn("MathJax could not typeset an answer:", error));
  }

  function typesetWhenOpened(details) {
    details.addEventListener("toggle", () => {
      if (!details.open) return;
      for (const el of details.querySelectorAll(".dl-quiz-math")) {
        el.textContent = el.dataset.tex;
        el.removeAttribute("data-tex");
        el.className = "arithmatex";
      }
      if ([...details.querySelectorAll(".arithmatex")].some((el) => !el.querySelector("mjx-container"))) typeset(details);
    });
  }

  function bank(root) {
    const labels = JSON.parse(root.dataset.labels);
    const questions = [...root.querySelectorAll(".dl-quiz")];
    const filter = root.querySelector(".dl-quiz-bank__filter input");
    const progress = root.querySelector(".dl-quiz-bank__progress");
    const empty = root.querySelector(".dl-quiz-bank__empty");

    function show() {
      const marks = load();
      let known = 0;
      let unknown = 0;
      for (const question of questions) {
        const mark = marks[question.dataset.quiz] || "";
        known += mark === "known";
        unknown += mark === "unknown";
        question.dataset.mark = mark;
        question.hidden = filter.checked && mark === "known";
        for (const button of question.querySelectorAll(".dl-quiz__mark")) {
          button.setAttribute("aria-pressed", String(button.dataset.mark === mark));
        }
      }
      // A chapter or a part with every question hidden is hidden too, heading and all.
      for (const section of root.querySelectorAll(".dl-quiz-bank__chapter, .dl-quiz-bank__part")) {
        section.hidden = ![...section.querySelectorAll(".dl-quiz")].some((q) => !q.hidden);
      }
      empty.hidden = questions.some((q) => !q.hidden);
      progress.textContent = labels.progress
        .replace("{known}", known).replace("{total}", questions.length).replace("{unknown}", unknown);
    }

    root.addEventListener("click", (event) => {
      const button = event.target.closest(".dl-quiz__mark");
      if (!button) return;
      const id = button.closest(".dl-quiz").dataset.quiz;
      const marks = load();
      if (marks[id] === button.dataset.mark) delete marks[id];  // pressed again: no mark
      else marks[id] = button.dataset.mark;
      save(marks);
      show();
    });
    filter.addEventListener("change", show);
    root.querySelector(".dl-quiz-bank__clear").addEventListener("click", () => {
      if (window.confirm(labels.confirm)) {
        save({});
        show();
      }
    });
    window.addEventListener("storage", (event) => { if (event.key === KEY || event.key === null) show(); });

    for (const hidden of root.querySelectorAll(".dl-quiz-bank__toolbar, .dl-quiz__marks")) hidden.hidden = false;
    show();
  }

  // On a chapter page: each marked question shows its mark at the end of its title. The bank's
  // buttons carry these words; a chapter page has none, so they are here, in both languages.
  const BADGES = { ja: { known: "わかった", unknown: "まだ" }, en: { known: "Known", unknown: "Not yet" } };

  function chapter() {
    const marks = load();
    const words = BADGES[document.documentElement.lang] || BADGES.en;
    for (const details of document.querySelectorAll('details.question[id^="quiz-"]')) {
      const mark = marks[details.id];
      if (!words[mark]) continue;
      const badge = document.createElement("span");
      badge.className = `dl-quiz__badge dl-quiz__badge--${mark}`;
      badge.textContent = words[mark];
      details.querySelector("summary").append(" ", badge);
    }
  }

  function start() {
    for (const details of document.querySelectorAll("article details")) typesetWhenOpened(details);
    const root = document.querySelector(".dl-quiz-bank[data-labels]");
    if (root) bank(root);
    else chapter();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
