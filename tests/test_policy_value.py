"""The policy-value network (dl_notes.policy_value) and self-play training (dl_notes.self_play):
gradient checks, the masked policy, the tanh value, the loss, PyTorch reference values."""

from __future__ import annotations

import numpy as np
import pytest
from _reference import SOURCES, recorder, reference

from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.optim import Adam
from dl_notes.policy_value import PolicyValueNet, policy_value_loss
from dl_notes.self_play import Examples, augment, self_play_game, train
from dl_notes.tictactoe import SYMMETRIES, new_board, planes, play


def batch(seed=0, n=5):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(n, 2, 3, 3)).astype(np.float64)
    legal = rng.random((n, 9)) < 0.6
    legal[:, 0] = True
    pi = rng.random((n, 9)) * legal
    return x, legal, pi / pi.sum(axis=1, keepdims=True), rng.choice([-1.0, 0.0, 1.0], size=n)


@pytest.mark.parametrize("n_blocks, weight_decay", [(0, 0.0), (1, 0.0), (2, 0.01)])
def test_gradient_check(n_blocks, weight_decay):
    net = PolicyValueNet(hidden_size=6, n_blocks=n_blocks, weight_decay=weight_decay, seed=1, dtype=np.float64)
    x, legal, pi, z = batch()
    grads = net.gradient(x, legal, pi, z)
    assert set(grads) == set(net.params)
    for key, param in net.params.items():
        numeric = numerical_gradient(lambda _: net.loss(x, legal, pi, z), param)
        assert relative_error(grads[key], numeric) < 1e-7, key


def test_illegal_moves_get_probability_zero_and_values_stay_in_range():
    net = PolicyValueNet(hidden_size=8, seed=0)
    x, legal, _, _ = batch(1, 20)
    p, v = net.predict(x, legal)
    assert (p[~legal] == 0).all() and np.allclose(p.sum(axis=1), 1, atol=1e-6)
    assert p.dtype == np.float32 and v.shape == (20,) and (np.abs(v) <= 1).all()


def test_loss_is_the_formula_plus_the_weight_penalty():
    net = PolicyValueNet(hidden_size=5, n_blocks=1, weight_decay=0.1, seed=2, dtype=np.float64)
    x, legal, pi, z = batch(2)
    p, v = net.predict(x, legal)
    by_hand = np.mean((z - v) ** 2 - (pi * np.log(np.where(legal, p, 1.0))).sum(axis=1))
    penalty = 0.1 * sum((W ** 2).sum() for k, W in net.params.items() if k.startswith("W"))
    assert net.loss(x, legal, pi, z) == pytest.approx(by_hand + penalty)
    assert policy_value_loss(p, v, pi, z) == pytest.approx(by_hand)


def test_policy_value_loss_ignores_moves_the_search_never_chose():
    p = np.array([[1.0, 0.0]])
    assert policy_value_loss(p, np.array([0.0]), np.array([[1.0, 0.0]]), np.array([0.0])) == 0.0


def test_evaluate_feeds_mcts_from_the_movers_view():
    net = PolicyValueNet(hidden_size=8, seed=3)
    board = play(play(new_board(), 4), 0)
    priors, value = net.evaluate(board)
    p, v = net.predict(planes(board)[None], (board == 0)[None])
    np.testing.assert_allclose(priors, p[0], rtol=1e-6, atol=1e-7)
    assert value == pytest.approx(float(v[0]), abs=1e-6) and priors[0] == priors[4] == 0


@pytest.mark.parametrize("n_blocks", [0, 2])
def test_evaluate_is_predict_for_one_board(n_blocks):
    from dl_notes.tictactoe import reachable_positions, winner
    net = PolicyValueNet(hidden_size=8, n_blocks=n_blocks, seed=9, dtype=np.float64)
    boards = [b for b in reachable_positions()[::97] if winner(b) is None]
    p, v = net.predict(np.stack([planes(b) for b in boards]), np.stack([b == 0 for b in boards]))
    for board, p_row, v_row in zip(boards, p, v):
        priors, value = net.evaluate(board)
        np.testing.assert_allclose(priors, p_row, rtol=1e-12, atol=1e-15)
        assert value == pytest.approx(v_row, rel=1e-12)


def test_training_steps_lower_the_loss_on_a_fixed_batch():
    net = PolicyValueNet(hidden_size=16, seed=4)
    x, legal, pi, z = batch(4, 32)
    optimizer = Adam(lr=0.01)
    before = net.loss(x, legal, pi, z)
    for _ in range(200):
        optimizer.update(net.params, net.gradient(x, legal, pi, z))
    assert net.loss(x, legal, pi, z) < 0.7 * before


def test_bad_targets_are_refused():
    net = PolicyValueNet(hidden_size=4, seed=0)
    x, legal, pi, z = batch()
    illegal = pi.copy()
    illegal[~legal] = 0.1
    with pytest.raises(ValueError, match="pi must be a distribution over the legal moves"):
        net.gradient(x, legal, illegal, z)
    with pytest.raises(ValueError, match="z must hold game results in \\[-1, 1\\], got values up to 2"):
        net.gradient(x, legal, pi, 2 * np.ones(len(z)))
    with pytest.raises(ValueError, match="legal must be a bool array of shape \\(5, 9\\)"):
        net.predict(x, legal.astype(int))
    with pytest.raises(ValueError, match="hidden_size must be an integer >= 1, got 0"):
        PolicyValueNet(hidden_size=0)


# --- PyTorch ------------------------------------------------------------------------------------

@pytest.fixture(params=SOURCES)
def torch_values(request):
    return reference("policy_value", request.param)


def recorded_net(ref):
    settings = recorder("policy_value")
    net = PolicyValueNet(hidden_size=settings.HIDDEN, n_blocks=settings.BLOCKS, weight_decay=settings.WEIGHT_DECAY,
                         seed=0, dtype=np.float64)
    for key, value in net.params.items():
        value[...] = ref[f"param_{key}"]   # in place: the layers hold these arrays
    return net


def test_matches_pytorch(torch_values):
    ref = torch_values
    net = recorded_net(ref)
    p, v = net.predict(ref["x"], ref["legal"])
    np.testing.assert_allclose(p, ref["p"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(v, ref["v"], rtol=1e-10, atol=1e-12)
    assert net.loss(ref["x"], ref["legal"], ref["pi"], ref["z"]) == pytest.approx(float(ref["loss"]), rel=1e-12)
    grads = net.gradient(ref["x"], ref["legal"], ref["pi"], ref["z"])
    for key in net.params:
        np.testing.assert_allclose(grads[key], ref[f"grad_{key}"], rtol=1e-9, atol=1e-12, err_msg=key)


def test_recorded_inputs_are_the_recorders():
    recorded = reference("policy_value", "recorded")
    for name, value in recorder("policy_value").inputs().items():
        np.testing.assert_array_equal(recorded[name], value)


# --- self-play ----------------------------------------------------------------------------------

def test_self_play_examples_are_consistent():
    game = self_play_game(PolicyValueNet(hidden_size=8, seed=5), np.random.default_rng(5), n_simulations=10)
    n = len(game.z)
    assert 5 <= n <= 9 and game.x.shape == (n, 2, 3, 3)
    assert (game.pi[~game.legal] == 0).all() and np.allclose(game.pi.sum(axis=1), 1)
    # The stones add one per move; z alternates in sign unless the game was drawn.
    assert game.x.sum(axis=(1, 2, 3)).tolist() == list(range(n))
    assert (game.z == 0).all() or (game.z[:-1] == -game.z[1:]).all()
    assert game.z[-1] in (0.0, 1.0)   # the last mover won or drew


def test_augment_applies_one_permutation_to_stones_legal_moves_and_pi():
    game = self_play_game(PolicyValueNet(hidden_size=8, seed=6), np.random.default_rng(6), n_simulations=5)
    more = augment(game)
    n = len(game.z)
    assert len(more.z) == 8 * n
    for k, perm in enumerate(SYMMETRIES):
        part = slice(k * n, (k + 1) * n)
        np.testing.assert_array_equal(more.x[part].reshape(n, 2, 9), game.x.reshape(n, 2, 9)[:, :, perm])
        np.testing.assert_array_equal(more.pi[part], game.pi[:, perm])
        np.testing.assert_array_equal(more.legal[part], game.legal[:, perm])
        np.testing.assert_array_equal(more.legal[part], more.x[part].reshape(n, 2, 9).sum(axis=1) == 0)


def test_training_is_reproducible_with_a_seed():
    def run():
        net = PolicyValueNet(hidden_size=8, seed=7)
        losses = train(net, Adam(lr=0.01), iterations=2, games_per_iteration=2, steps_per_iteration=2, n_simulations=4,
                       batch_size=8, seed=7)
        return losses, net.params["W_policy"].copy()
    (a, wa), (b, wb) = run(), run()
    assert a == b
    np.testing.assert_array_equal(wa, wb)


def test_train_callback_sees_every_iteration():
    seen = []
    train(PolicyValueNet(hidden_size=4, seed=8), Adam(lr=0.01), iterations=3, games_per_iteration=1,
          steps_per_iteration=1, n_simulations=2, batch_size=4, seed=8, callback=lambda i, net: seen.append(i))
    assert seen == [0, 1, 2, 3]


def test_examples_tuple_fields():
    assert Examples._fields == ("x", "legal", "pi", "z")
