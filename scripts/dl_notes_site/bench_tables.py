"""The benchmark's published tables: the Performance page and the README, from its record.

``scripts/bench.py`` measures and writes ``docs/data/bench.json``; this module renders that
record as Markdown tables in the page's language (the ``bench_tables()`` macro) and between
the README's markers. Keeping the rendering here lets the site build without the script.
"""

from __future__ import annotations

from pathlib import Path

# What each ratio is judged against: dl_notes / PyTorch at most, course / dl_notes at least.
TARGETS = {"mlp": {"vs_pytorch": 0.8, "vs_course": 2.5}, "cnn": {"vs_pytorch": 1.3, "vs_course": 5.0},
           "lstm": {"vs_pytorch": 1.5, "vs_course": 2.0}, "transformer": {"vs_pytorch": 1.5, "vs_course": 2.0}}

LABELS = {
    "en": {"net": "network", "impl": "implementation", "ms": "ms per step", "median": "median round (ms)",
           "gflops": "GFLOP/s", "of_gemm": "share of GEMM", "ratio": "ratio within rounds: median (quartiles)", "best": "best round over best round",
           "target": "target", "met": "met", "missed": "missed", "compared": "comparison", "verdict": "result",
           "mlp": "MultiLayerNet 784-[100]×5-10", "cnn": "SimpleConvNet 30@5×5, pool 2, 100",
           "lstm": "LSTM 128→128, 32 steps, batch 32",
           "transformer": "Transformer encoder layer 128, 4 heads, FFN 256, 32 steps, batch 32",
           "dl_notes": "dl_notes (float32)", "pytorch": "PyTorch CPU (float32)", "course": "course style (float64)",
           "vs_pytorch": "dl_notes ÷ PyTorch", "vs_course": "course ÷ dl_notes"},
    "ja": {"net": "ネットワーク", "impl": "実装", "ms": "1 ステップ（ms）", "median": "ラウンドの中央値（ms）",
           "gflops": "GFLOP/s", "of_gemm": "GEMM に対する割合", "ratio": "ラウンド内の比：中央値（四分位）", "best": "最速ラウンド同士の比",
           "target": "目標", "met": "達成", "missed": "未達", "compared": "比較", "verdict": "結果",
           "mlp": "MultiLayerNet 784-[100]×5-10", "cnn": "SimpleConvNet 30@5×5、プーリング 2、100",
           "lstm": "LSTM 128→128、32 ステップ、バッチ 32",
           "transformer": "Transformer のエンコーダ層 128、ヘッド 4、FFN 256、32 ステップ、バッチ 32",
           "dl_notes": "dl_notes（float32）", "pytorch": "PyTorch CPU（float32）", "course": "講義の書き方（float64）",
           "vs_pytorch": "dl_notes ÷ PyTorch", "vs_course": "講義の書き方 ÷ dl_notes"},
}
README_MARKERS = ("<!-- bench.py: start -->", "<!-- bench.py: end -->")


def markdown_tables(report: dict, lang: str) -> str:
    """The times and the ratios against their targets, as two Markdown tables."""
    t = LABELS[lang]
    rows = [f"| {t['net']} | {t['impl']} | {t['ms']} | {t['median']} | {t['gflops']} | {t['of_gemm']} |",
            "| --- | --- | ---: | ---: | ---: | ---: |"]
    for net, r in report["results"].items():
        for impl, v in r.items():
            rows.append(f"| {t[net]} | {t[impl]} | {v['ms']:.2f} | {v['ms_median']:.2f} | {v['gflops']:.0f} "
                        f"| {v['fraction_of_gemm']:.0%} |")
    rows += ["", f"| {t['net']} | {t['compared']} | {t['ratio']} | {t['best']} | {t['target']} | {t['verdict']} |",
             "| --- | --- | ---: | ---: | ---: | --- |"]
    for net, q in report["ratios"].items():
        for goal, ratio, sign in (("vs_pytorch", "dl_notes_vs_pytorch", "≤"), ("vs_course", "course_vs_dl_notes", "≥")):
            spread = q["quartiles"][ratio]
            if spread is None:                                  # measured without torch
                continue
            verdict = t["met"] if report["met"][net][goal] else t["missed"]
            rows.append(f"| {t[net]} | {t[goal]} | {spread[1]:.2f}× ({spread[0]:.2f}–{spread[2]:.2f}) "
                        f"| {q['best_rounds'][ratio]:.2f}× | {sign} {report['targets'][net][goal]} | {verdict} |")
    return "\n".join(rows)


def update_readme(path: Path, report: dict) -> None:
    text = path.read_text()
    start, end = README_MARKERS
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no {start} ... {end} markers to put the table between")
    head, rest = text.split(start, 1)
    path.write_text(head + start + "\n" + markdown_tables(report, "en") + "\n" + end + rest.split(end, 1)[1])
