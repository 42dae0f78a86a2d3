"""The long-range experiment (LSTM and GRU pages): RNN, LSTM and GRU on the first-symbol task."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import long_range as exp
from dl_notes.recurrent_nets import RecurrentNet


def test_tiny_result_has_the_shared_keys(tiny):
    v = tiny.values
    assert v["lengths"] == list(exp.TINY.lengths)
    for key in ("accuracy", "seconds", "parameters", "learned", "accuracy_runs", "ms_per_update_longest"):
        assert sorted(v[key]) == sorted(exp.CELLS), key
    for cell in exp.CELLS:
        assert len(v["accuracy"][cell]) == len(exp.TINY.lengths)
        assert all(0 <= a <= 1 for a in v["accuracy"][cell])
        assert v["seconds"][cell] > 0
    assert v["hidden_size"] == exp.TINY.hidden_size
    assert v["chance"] == 1 / exp.TINY.n_classes


def test_parameter_counts_follow_the_gate_count():
    """A cell with G gate blocks has G·H·(D + H + 1) recurrent weights, plus H·O + O in the output layer."""
    D, H, O = 4, 16, 4
    for cell, G in (("rnn", 1), ("lstm", 4), ("gru", 3)):
        net = RecurrentNet(D, H, O, cell=cell, output="last", seed=0)
        assert exp.parameter_count(net) == G * H * (D + H + 1) + H * O + O


def test_open_memory_sets_only_the_keeping_gate():
    net = RecurrentNet(2, 3, 2, cell="rnn", seed=0)
    exp.open_memory(net, 3.0)
    assert not net.params["b"].any()
    net = RecurrentNet(2, 3, 2, cell="lstm", seed=0)
    exp.open_memory(net, 2.0)
    np.testing.assert_array_equal(net.params["b"], np.repeat([0.0, 2.0, 0.0, 0.0], 3))


def test_bad_cell_is_named():
    with pytest.raises(ValueError, match="cells must be among"):
        exp.run(exp.Config(cells=("lstm", "transformer"), lengths=(2,), iterations=1, test_size=2, repeats=1))


def test_what_the_pages_say_holds(default):
    """docs/lstm.*.md and docs/gru.*.md: the gated cells learn at the longest length, the RNN does not."""
    v = default.values
    T = v["longest"]
    assert v["longest_learned"]["lstm"] == T and v["longest_learned"]["gru"] == T
    assert v["accuracy"]["rnn"][-1] < v["threshold"]
    assert v["accuracy"]["rnn"][0] >= v["threshold"]  # the RNN is able to do the task when it is short
    assert v["parameters"]["rnn"] < v["parameters"]["gru"] < v["parameters"]["lstm"]


@pytest.mark.parametrize("lang, word", [("ja", "系列長"), ("en", "sequence length")])
def test_figure_is_labelled_in_its_language(tiny, lang, word):
    figure = exp.plot_accuracy(tiny, lang)
    assert word in figure.axes[0].get_xlabel()
    assert len(figure.axes[0].get_lines()) == len(exp.CELLS) + 1  # the cells and chance
