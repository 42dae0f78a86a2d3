"""The experiments behind the page "Speed-up": data_parallel, async_staleness, model_parallel and
parallel_timing (their TINY runs, and the properties the page states on the DEFAULT runs)."""

from __future__ import annotations

import pytest

from dl_notes.experiments import async_staleness, data_parallel, model_parallel, parallel_timing


@pytest.fixture(scope="module")
def runs():
    return {module.__name__.rsplit(".", 1)[1]: module.run(module.TINY)
            for module in (data_parallel, async_staleness, model_parallel, parallel_timing)}


def test_k_workers_take_the_steps_of_one_worker_with_k_times_the_batch(runs):
    v = runs["data_parallel"].values
    assert v["largest_difference"] < 1e-12 and max(v["max_loss_difference"].values()) < 1e-12
    assert v["max_param_difference"]["1"] == 0.0          # one worker: the very same computation
    assert v["batches"] == {str(K): K * v["batch_per_worker"] for K in v["workers"]}


def test_async_runs_record_every_staleness(runs):
    r = runs["async_staleness"]
    v = r.values
    assert set(v["reached"]) == set(v["final"]) == {str(tau) for tau in v["staleness"]}
    assert sorted(v["stable"] + v["failed"]) == sorted(v["staleness"])
    assert len(r.arrays["tau0/batch_loss"]) == async_staleness.TINY.iterations


def test_model_parallel_is_exact_and_grows_with_the_batch(runs):
    v = runs["model_parallel"].values
    for name in v["nets"]:
        assert v[name]["max_difference"] == 0.0
        traffic = list(v[name]["model_bytes"].values())
        assert traffic == [2 * v[name]["bytes_per_sample"] * B for B in v["batches"]]
        assert v[name]["data_bytes"] == 2 * v[name]["parameter_bytes"]


def test_timing_runs_real_workers_that_agree(runs):
    v = runs["parallel_timing"].values
    assert set(v["ms"]) == set(parallel_timing.MODES) and min(v["ms"].values()) > 0
    assert v["max_gradient_difference"] < 1e-5           # float32 rounding
    assert v["cpu_count"] >= 1 and v["worker_cpu_ms"]["process_1"] > 0


@pytest.mark.parametrize("module", [data_parallel, async_staleness, model_parallel, parallel_timing])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_figures_draw(runs, module, lang):
    name = module.__name__.rsplit(".", 1)[1]
    for plot in module.FIGURES.values():
        assert plot(runs[name], lang).axes


def test_what_the_page_says_about_staleness_holds(site_result):
    """docs/speedup.*.md: plain SGD reaches the target, the largest staleness does not, and the
    runs with a small staleness reach it later or at about the same time."""
    v = site_result("async_staleness").values
    assert v["reached"]["0"] is not None and v["staleness"][-1] in v["failed"]
    assert v["final"][str(v["staleness"][-1])] < v["final"]["0"] - 0.3


def test_what_the_page_says_about_traffic_holds(site_result):
    """docs/speedup.*.md: for the CNN the two are equal near batch 100, for the MLP far above."""
    v = site_result("model_parallel").values
    assert 50 < v["cnn"]["break_even_batch"] < 200 < v["mlp"]["break_even_batch"]
