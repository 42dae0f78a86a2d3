"""The LSTM cell diagram of docs/lstm.*.md."""

from __future__ import annotations

import pytest

from dl_notes.experiments import lstm_cell as exp
from dl_notes.lstm import LSTM


def test_blocks_follow_the_gate_order_of_the_library(tiny):
    """The diagram's blocks are the four of dl_notes.lstm.LSTM, in its order i, f, g, o."""
    assert tiny.values["gates"] == ["i", "f", "g", "o"]
    assert LSTM.n_gates == len(tiny.values["gates"])


@pytest.mark.parametrize("lang, word", [("ja", "忘却ゲート"), ("en", "forget gate")])
def test_figure_names_the_gates_in_its_language(tiny, lang, word):
    figure = exp.plot_cell(tiny, lang)
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert any(word in label for label in labels)
    assert any("CEC" in label for label in labels)


def test_peephole_lines_are_optional():
    with_peepholes = exp.plot_cell(exp.run(exp.Config(peephole=True)), "en")
    without = exp.plot_cell(exp.run(exp.Config(peephole=False)), "en")
    assert len(with_peepholes.axes[0].lines) > len(without.axes[0].lines)
