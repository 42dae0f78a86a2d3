"""The perceptron and its gates: the rule b + w·x > 0, the truth tables, bad input, and why one
unit cannot compute XOR."""

from __future__ import annotations

import contextlib
import io
import itertools

import numpy as np
import pytest

from dl_notes.perceptron import AND, BINARY_INPUTS, GATES, NAND, OR, XOR, Perceptron, search_parameters, truth_table

TABLES = {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
FUNCTIONS = {"AND": AND, "NAND": NAND, "OR": OR, "XOR": XOR}


@pytest.mark.parametrize("name", TABLES)
def test_truth_tables(name):
    assert truth_table(FUNCTIONS[name]) == TABLES[name]


@pytest.mark.parametrize("name", ["AND", "NAND", "OR"])
def test_the_gates_are_their_perceptrons_with_the_books_weights(name):
    unit = GATES[name]
    assert truth_table(unit) == TABLES[name]
    assert {"AND": ((0.5, 0.5), -0.7), "NAND": ((-0.5, -0.5), 0.7), "OR": ((0.5, 0.5), -0.2)}[name] == (unit.w, unit.b)


def test_the_rule_is_strictly_greater_than_zero():
    """y = 1 when b + w·x > 0, else 0: exactly on the line the unit does not fire (the book's `tmp <= 0`)."""
    unit = Perceptron((1.0, 1.0), -1.0)
    assert unit.weighted_sum(0.5, 0.5) == 0.0 and unit(0.5, 0.5) == 0
    assert unit(0.5, 0.5 + 1e-9) == 1 and unit(0.5, 0.5 - 1e-9) == 0


def test_weighted_sum_is_the_formula():
    rng = np.random.default_rng(0)
    w, b, x = rng.normal(size=3), rng.normal(), rng.normal(size=(3, 5))
    unit = Perceptron(tuple(w), b)
    np.testing.assert_allclose(unit.weighted_sum(*x), b + w @ x, rtol=1e-12)
    np.testing.assert_array_equal(unit(*x), (b + w @ x > 0).astype(int))


@pytest.mark.parametrize("name", TABLES)
def test_vectorised_equals_elementwise(name):
    gate = FUNCTIONS[name]
    x1, x2 = np.meshgrid(np.linspace(-0.5, 1.5, 9), np.linspace(-0.5, 1.5, 7))
    y = gate(x1, x2)
    assert y.shape == x1.shape and y.dtype.kind == "i"
    assert y.tolist() == [[gate(float(a), float(b)) for a, b in zip(r1, r2)] for r1, r2 in zip(x1, x2)]


def test_scalars_give_python_ints_and_booleans_are_inputs():
    assert type(AND(1, 1)) is int and type(XOR(1.0, 0.0)) is int
    assert [XOR(a, b) for a, b in itertools.product([False, True], repeat=2)] == [0, 1, 1, 0]


def test_bias_as_the_ease_of_firing():
    """Seed 003's example: with b = -20 the unit fires only when w·x exceeds 20."""
    unit = Perceptron((10.0, 15.0), -20.0)
    assert truth_table(unit) == [0, 0, 0, 1]       # 10, 15 do not exceed 20; 25 does
    assert truth_table(Perceptron((0.5, 0.5), -20.0)) == [0, 0, 0, 0]
    assert truth_table(Perceptron((0.5, 0.5), -0.1)) == TABLES["OR"]


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: AND("1", 0), TypeError, "AND: input x1 must be a number or an array of numbers, got '1'"),
    (lambda: OR(0, None), TypeError, "OR: input x2 must be a number or an array of numbers, got None"),
    (lambda: NAND(np.nan, 0), ValueError, "NAND: input x1 must be finite, got nan"),
    (lambda: XOR([0, 1], [0, 1, 1]), ValueError, "XOR: the inputs must have broadcastable shapes, got (2,), (3,)"),
    (lambda: Perceptron((1, 1), 0)(1), TypeError, "Perceptron: takes 2 inputs (one per weight), got 1"),
    (lambda: Perceptron((), 0), ValueError, "Perceptron: w must be a non-empty sequence of weights, got ()"),
    (lambda: Perceptron(0.5, 0), ValueError, "Perceptron: w must be a non-empty sequence of weights, got 0.5"),
    (lambda: Perceptron((1, "a"), 0), TypeError, "Perceptron: w[1] must be a real number, got 'a'"),
    (lambda: Perceptron((1, 1), float("inf")), ValueError, "Perceptron: b must be finite, got inf"),
    (lambda: truth_table("AND"), TypeError, "truth_table: gate must be a function of two inputs, got 'AND'"),
    (lambda: search_parameters([0, 1, 2, 0], [0.0]), ValueError, "targets must be four outputs, 0 or 1"),
    (lambda: search_parameters([0, 1, 1, 0], []), ValueError, "values must be a non-empty 1-D array"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)


# --- XOR is not one perceptron ----------------------------------------------------------------

ALL_TABLES = [list(t) for t in itertools.product([0, 1], repeat=4)]   # the 16 functions of two bits
NOT_SEPARABLE = [TABLES["XOR"], [1, 0, 0, 1]]                          # XOR and XNOR


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: "".join(map(str, t)))
def test_the_grid_finds_a_perceptron_for_every_table_but_xor_and_xnor(table):
    """The search that finds nothing for XOR finds parameters for the other 14 tables on the same grid."""
    found = search_parameters(table, np.linspace(-1, 1, 9))
    assert (len(found) == 0) == (table in NOT_SEPARABLE)
    for w1, w2, b in found[:: max(1, len(found) // 10)]:
        assert truth_table(Perceptron((w1, w2), b)) == table


def test_no_perceptron_computes_xor_a_proof():
    """Write a(x) = b + w1 x1 + w2 x2. For every (w1, w2, b),
    a(1,0) + a(0,1) - a(0,0) - a(1,1) = 0 identically. XOR needs a(1,0) > 0, a(0,1) > 0,
    a(0,0) <= 0 and a(1,1) <= 0, which make the left side > 0: a contradiction. The identity is
    what the test checks (and that it does not hold for a table a unit can compute)."""
    rng = np.random.default_rng(1)
    signs = np.array([-1, 1, 1, -1])                       # +1 where XOR is 1, -1 where it is 0
    for w1, w2, b in rng.normal(size=(1000, 3)) * 10:
        a = np.array([Perceptron((w1, w2), b).weighted_sum(x1, x2) for x1, x2 in BINARY_INPUTS])
        assert abs(signs @ a) < 1e-9                       # the combination vanishes ...
        assert not ((a > 0) == (signs > 0)).all()           # ... so no unit has XOR's table
    and_unit = GATES["AND"]
    a = np.array([and_unit.weighted_sum(*x) for x in BINARY_INPUTS])
    assert np.array([-1, -1, -1, 1]) @ a > 0                # for AND the same combination is positive


def test_random_perceptrons_never_give_xor():
    rng = np.random.default_rng(2)
    w = rng.normal(size=(100_000, 3))
    x = np.array(BINARY_INPUTS)
    y = (w[:, 2:] + w[:, :2] @ x.T > 0).astype(int)            # (100000, 4)
    assert not (y == TABLES["XOR"]).all(axis=1).any()
    assert (y == TABLES["AND"]).all(axis=1).any()


# --- the book's ch02 scripts, with only their imports changed ---------------------------------

def _print_table(gate):
    """The book scripts' main block: print each input pair and the output."""
    for xs in [(0, 0), (1, 0), (0, 1), (1, 1)]:
        y = gate(xs[0], xs[1])
        print(str(xs) + " -> " + str(y))


@pytest.mark.parametrize("name", ["AND", "NAND", "OR", "XOR"])
def test_the_book_gate_scripts_run_with_dl_notes_imports(name):
    import dl_notes

    gate = getattr(dl_notes, name)           # from dl_notes import AND, NAND, OR, XOR
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _print_table(gate)
    lines = out.getvalue().splitlines()
    assert lines == [f"{xs} -> {y}" for xs, y in zip(BINARY_INPUTS, TABLES[name])]


def test_the_book_xor_script_composes_the_imported_gates():
    """xor_gate.py imports AND, OR and NAND and defines its own XOR from them."""
    from dl_notes import AND, NAND, OR

    def my_xor(x1, x2):
        s1 = NAND(x1, x2)
        s2 = OR(x1, x2)
        return AND(s1, s2)

    assert [my_xor(*xs) for xs in BINARY_INPUTS] == TABLES["XOR"]
    assert [my_xor(np.int64(a), np.float32(b)) for a, b in BINARY_INPUTS] == TABLES["XOR"]
