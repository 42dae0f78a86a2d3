"""The forward-pass experiment: activations, shapes, softmax's overflow and order, the course's networks."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import forward_pass as exp


def test_the_step_function_has_no_gradient(tiny):
    v = tiny.values
    assert v["step_grad_nonzero"] == 0
    assert v["grad_norms"]["step"] == 0.0
    assert v["grad_norms"]["sigmoid"] > 0 and v["grad_norms"]["relu"] > 0


def test_the_curves_cover_the_grid(tiny):
    xs = tiny.arrays["x"]
    assert 0.0 in xs
    for name in exp.CURVES:
        assert tiny.arrays[f"{name}/value"].shape == xs.shape


def test_shapes_have_the_batch_axis(tiny):
    shapes = tiny.values["shapes"]
    N = exp.TINY.batch_size
    assert [r["output"] for r in shapes["book_batch"]] == [f"({N}, 3)", f"({N}, 2)", f"({N}, 2)"]
    assert [r["output"] for r in shapes["book_one"]] == ["(3,)", "(2,)", "(2,)"]
    assert shapes["mnist_batch"][-1]["output"] == f"({N}, {exp.TINY.mnist_sizes[-1]})"


def test_order_check_counts_reversals_and_ties():
    assert exp.order_check(np.array([[0.0, 1.0, 2.0]])) == {
        "rows": 1, "pairs": 3, "reversed": 0, "ties": 0, "argmax_same": 1}
    # -800 and -900 both underflow to probability 0: a tie, never a reversal.
    assert exp.order_check(np.array([[0.0, -800.0, -900.0]]))["ties"] == 1


def test_first_layer_gradient_does_not_change_the_network():
    net = exp.forward.init_network()
    exp.first_layer_gradient(net, np.ones((2, 2)), np.zeros((2, 2)), "sigmoid")
    np.testing.assert_array_equal(net["W1"], exp.forward.init_network()["W1"])


def test_what_the_page_says_holds(default):
    """docs/forward_pass.*.md: the statements that the page makes about these results."""
    v = default.values
    assert v["overflow"]["naive_all_nan"] and v["overflow"]["naive"] == ["nan"] * 3
    assert max(v["overflow"]["x"]) > v["overflow"]["exp_limit"]
    assert v["overflow"]["guarded_sum"] == pytest.approx(1.0)
    assert v["order"]["reversed"] == 0 and v["order"]["argmax_same"] == v["order"]["rows"]
    assert v["order"]["ties"] > 0  # the page explains the ties (underflow to 0)
    assert v["grad_norms"]["step"] == 0.0
    np.testing.assert_allclose(v["book"]["y"], [0.31682708, 0.69627909], atol=1e-8)
    assert v["book"]["w12"] == 0.2
    course = v["course"]
    assert course["d"]["loss"] == pytest.approx(-np.log(course["d"]["y"][3]))
    assert course["f"]["loss"] == pytest.approx(-np.log(course["f"]["y"][0]))
    assert course["e"]["loss"] == pytest.approx(np.mean((np.array(course["e"]["y"]) - [2, 4]) ** 2) / 2)


@pytest.mark.parametrize("lang, word", [("ja", "導関数"), ("en", "derivative")])
def test_figure_is_labelled_in_its_language(tiny, lang, word):
    figure = exp.plot_activations(tiny, lang)
    assert figure.axes[1].get_title() == word
