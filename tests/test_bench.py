"""The recorded benchmark, its published tables, and the script that makes them.

No test here judges a time: times depend on the machine and its load. These tests check that
the published numbers are the recorded ones, that the recorded ratios and verdicts follow from
the recorded round times, and that the script still runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "docs" / "data" / "bench.json"
from dl_notes_site import bench_tables as bench  # noqa: E402  (the tables the script and the site share)


@pytest.fixture(scope="module")
def report() -> dict:
    return json.loads(RECORDED.read_text())


def test_readme_shows_the_recorded_table(report):
    readme = (ROOT / "README.md").read_text()
    start, end = bench.README_MARKERS
    published = readme.split(start, 1)[1].split(end, 1)[0].strip()
    assert published == bench.markdown_tables(report, "en"), (
        "README's table differs from docs/data/bench.json; run "
        "`python scripts/bench.py --from docs/data/bench.json --readme README.md`")


def test_the_record_covers_every_network_and_all_three_implementations(report):
    assert set(report["results"]) == {"mlp", "cnn", "lstm", "transformer"}
    for net, by_impl in report["results"].items():
        assert set(by_impl) == {"dl_notes", "pytorch", "course"}, net
        for impl, r in by_impl.items():
            assert len(r["rounds_ms"]) == report["rounds"], (net, impl)
            assert r["ms"] == min(r["rounds_ms"]), (net, impl)
    assert report["machine"]["torch"].startswith("2.13.0")


@pytest.mark.parametrize("net", ["mlp", "cnn", "lstm", "transformer"])
def test_recorded_ratios_and_verdicts_follow_from_the_round_times(report, net):
    rounds = {impl: np.array(r["rounds_ms"]) for impl, r in report["results"][net].items()}
    vs_pytorch = np.median(rounds["dl_notes"] / rounds["pytorch"])
    vs_course = np.median(rounds["course"] / rounds["dl_notes"])
    ratios, targets, met = report["ratios"][net], report["targets"][net], report["met"][net]
    assert ratios["dl_notes_vs_pytorch"] == pytest.approx(vs_pytorch)
    assert ratios["course_vs_dl_notes"] == pytest.approx(vs_course)
    assert met["vs_pytorch"] == (vs_pytorch <= targets["vs_pytorch"])
    assert met["vs_course"] == (vs_course >= targets["vs_course"])
    best = {impl: r["ms"] for impl, r in report["results"][net].items()}
    assert ratios["best_rounds"]["dl_notes_vs_pytorch"] == pytest.approx(best["dl_notes"] / best["pytorch"])
    assert targets == bench.TARGETS[net]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_tables_are_in_the_page_language(report, lang):
    tables = bench.markdown_tables(report, lang)
    assert bench.LABELS[lang]["impl"] in tables
    other = bench.LABELS["en" if lang == "ja" else "ja"]
    assert other["course"] not in tables


def test_the_script_runs_end_to_end_without_torch(tmp_path):
    """A tiny run (MLP and LSTM, two short rounds): the script works and writes a complete record."""
    out, readme = tmp_path / "bench.json", tmp_path / "README.md"
    readme.write_text("before\n" + "\n".join(bench.README_MARKERS) + "\nafter\n")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--no-torch", "--nets", "mlp", "lstm",
                           "transformer",
                           "--rounds", "2", "--budget", "0.005", "--json", str(out), "--readme", str(readme)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    record = json.loads(out.read_text())
    assert set(record["results"]["mlp"]) == set(record["results"]["lstm"]) == {"dl_notes", "course"}
    assert set(record["results"]["transformer"]) == {"dl_notes", "course"}
    assert record["ratios"]["mlp"]["dl_notes_vs_pytorch"] is None
    text = readme.read_text()
    assert text.startswith("before\n") and text.endswith("after\n")
    assert "course style (float64)" in text and "PyTorch" not in text
    assert "course / dl_notes" in done.stdout


def test_the_performance_page_shows_the_recorded_numbers(site, report):
    for prefix in ("", "en/"):
        page = (site / prefix / "performance" / "index.html").read_text(encoding="utf-8")
        for net, by_impl in report["results"].items():
            for impl, r in by_impl.items():
                assert f"{r['ms']:.2f}" in page, (prefix, net, impl)
        assert report["measured_at"] in page


# Runs where scripts/bench.py runs (its folder is the script's own path), so the test imports it as
# the script sees itself, without loading it by file path or editing sys.path.
COURSE_ENCODER_CHECK = """
import json
import numpy as np
import bench
from dl_notes.transformer import EncoderLayer

rng = np.random.default_rng(0)
course = bench.CourseEncoderLayer(rng)
for p in course.params.values():
    p += 0.1 * rng.standard_normal(p.shape)                          # non-trivial biases and norms
E = bench.ENCODER
layer = EncoderLayer(E["D"], E["heads"], E["F"], dtype=np.float64, seed=0)
names = {"W1": "ffn_W1", "b1": "ffn_b1", "W2": "ffn_W2", "b2": "ffn_b2", "gamma1": "norm1_gamma",
         "beta1": "norm1_beta", "gamma2": "norm2_gamma", "beta2": "norm2_beta"}
for key, value in course.params.items():
    layer.params[names.get(key, "att_" + key)][...] = value
x, g = rng.standard_normal((2, 5, E["D"])), rng.standard_normal((2, 5, E["D"]))
grads = course.gradient(x, g)
layer.forward(x)
layer.backward(g)
print(json.dumps({key: [float(np.max(np.abs(layer.grads[names.get(key, "att_" + key)] - grad))),
                        float(np.max(np.abs(grad)))] for key, grad in grads.items()}))
"""


def test_course_style_encoder_layer_computes_the_same_gradients_as_dl_notes():
    """The bench's course-style Transformer encoder layer (float64, a loop over heads) is the same layer."""
    done = subprocess.run([sys.executable, "-c", COURSE_ENCODER_CHECK], cwd=ROOT / "scripts",
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    errors = json.loads(done.stdout)
    assert len(errors) == 16, sorted(errors)                    # W, b of Q, K, V, O; the FFN's; two norms
    for key, (error, size) in errors.items():
        assert error <= 1e-10 + 1e-8 * size and size > 0, (key, error, size)
