"""dl_notes.hred (the page "HRED and VHRED"): the gradient check of every HRED parameter in float64,
what the context RNN reads, greedy decoding, bad input; the generator dialogues; gaussian_kl and
vhred_loss; the experiment hred_dialogue."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import hred_dialogue as exp
from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.autoencoder import gaussian_kl
from dl_notes.hred import HRED, dialogues, vhred_loss


def small_net(**kw) -> HRED:
    return HRED(9, 3, 4, 5, dtype=np.float64, seed=0, **kw)


def small_batch(K: int = 3):
    rng = np.random.default_rng(1)
    return rng.integers(0, 9, (2, K, 4)), rng.integers(0, 9, (2, 4))


# --- gradients (float64) ------------------------------------------------------------------------

@pytest.mark.parametrize("K", [1, 3])
def test_gradient_check_of_every_parameter(K):
    net = small_net()
    contexts, replies = small_batch(K)
    analytic = {key: grad.copy() for key, grad in net.gradient(contexts, replies).items()}
    assert sorted(analytic) == sorted(net.params) and len(analytic) == 15
    for key, param in net.params.items():
        numerical = numerical_gradient(lambda _: net.loss(contexts, replies), param)
        assert relative_error(analytic[key], numerical) < 1e-6, key


def test_every_utterance_reaches_the_reply_and_only_through_the_context_rnn():
    net = small_net()
    contexts, replies = small_batch()
    base = net.loss(contexts, replies)
    for k in range(3):  # changing any utterance changes the loss
        changed = contexts.copy()
        changed[:, k] = (changed[:, k] + 1) % 9
        assert net.loss(changed, replies) != pytest.approx(base, abs=1e-12), k
    net.gradient(contexts, replies)
    assert np.abs(net.context.dWx).sum() > 0 and np.abs(net.encoder.dWx).sum() > 0


def test_the_context_rnn_reads_one_step_per_utterance():
    net = small_net()
    contexts, _ = small_batch()
    ss = net.context_states(contexts)
    u = net.encoder.forward(net.enc_embed.forward(contexts.reshape(6, 4)))[:, -1].reshape(2, 3, -1)
    assert ss.shape == (2, 3, 5)
    np.testing.assert_allclose(ss, net.context.forward(u))
    np.testing.assert_allclose(net.initial_state(contexts), np.tanh(ss[:, -1] @ net.params["W_init"]))


def test_the_loss_is_the_mean_cross_entropy_of_the_reply_after_the_start_word():
    net = small_net()
    contexts, replies = small_batch()
    scores = net.predict(contexts, replies[:, :-1])
    logp = scores - np.log(np.exp(scores).sum(axis=2, keepdims=True))
    expected = -np.mean(np.take_along_axis(logp, replies[:, 1:, None], axis=2))
    assert net.loss(contexts, replies) == pytest.approx(expected, rel=1e-12)


def test_greedy_decoding_feeds_back_the_most_probable_word():
    net = small_net()
    contexts, _ = small_batch()
    out = net.generate(contexts, start_id=0, length=3)
    inputs = np.concatenate([np.zeros((2, 1), int), out[:, :-1]], axis=1)
    np.testing.assert_array_equal(net.predict(contexts, inputs).argmax(axis=2), out)


@pytest.mark.parametrize("call, message", [
    (lambda n: n.loss(np.zeros((2, 3), int), np.zeros((2, 3), int)), r"contexts must have shape \(N, K, T\)"),
    (lambda n: n.loss(np.zeros((2, 1, 3)), np.zeros((2, 3), int)), "integer word ids"),
    (lambda n: n.loss(np.full((2, 1, 3), 9), np.zeros((2, 3), int)), r"lie in \[0, 9\), got 9 to 9"),
    (lambda n: n.loss(np.zeros((2, 1, 3), int), np.zeros((2, 1), int)), "at least one word"),
    (lambda n: n.loss(np.zeros((2, 1, 3), int), np.zeros((3, 3), int)), "same number of conversations, got 2 and 3"),
    (lambda n: n.generate(np.zeros((2, 1, 3), int), start_id=9, length=2), "start_id"),
    (lambda n: n.generate(np.zeros((2, 1, 3), int), start_id=0, length=0), "length must be a positive integer"),
])
def test_bad_input_is_refused_with_the_argument_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(small_net())


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="hidden_size must be a positive integer, got 0"):
        HRED(5, 2, 0)


# --- the generated conversations ----------------------------------------------------------------

def test_dialogues_are_deterministic_and_as_documented():
    a, b = dialogues(300, seed=4), dialogues(300, seed=4)
    np.testing.assert_array_equal(a.contexts, b.contexts)
    assert not np.array_equal(a.contexts, dialogues(300, seed=5).contexts)
    words = np.array(a.words)
    assert a.contexts.shape == (300, 3, 4) and a.replies.shape == (300, 3)
    assert (a.replies[:, 0] == 0).all() and "<s>" == a.words[0]
    for i in range(300):
        u1, u2, u3 = (list(words[u]) for u in a.contexts[i])
        topics = [w for w in u1 if w.startswith("t")]
        assert topics == [f"t{a.topic[i]}"]
        assert [w for w in u2 if w.startswith("t")] != topics and len([w for w in u2 if w.startswith("t")]) == 1
        assert [w for w in u3 if w[0] in "tq"] == [f"q{a.question[i]}"]
        assert list(words[a.replies[i, 1:]]) == [f"a{a.topic[i]}", f"b{a.question[i]}"]
    for k in range(3):  # every topic and question occurs, at every position
        assert set(np.flatnonzero(np.isin(a.contexts[:, k], range(7, 14)))) != set()
    assert set(a.topic) == set(range(4)) and set(a.question) == set(range(3))


def test_the_last_utterance_does_not_determine_the_topic():
    data = dialogues(2000, seed=0)
    for question in range(3):  # given utterance 3's question, the topic is uniform
        share = np.bincount(data.topic[data.question == question], minlength=4) / np.sum(data.question == question)
        assert np.abs(share - 0.25).max() < 0.05


def test_dialogues_refuse_bad_sizes():
    with pytest.raises(ValueError, match="topics"):
        dialogues(5, topics=1, seed=0)


# --- VHRED's objective --------------------------------------------------------------------------

def test_gaussian_kl_matches_a_monte_carlo_estimate():
    rng = np.random.default_rng(0)
    mu_q, logvar_q, mu_p, logvar_p = rng.normal(size=(4, 1, 3))
    z = mu_q + np.exp(logvar_q / 2) * rng.standard_normal((400_000, 3))

    def log_density(z, mu, logvar):
        return -0.5 * np.sum(np.log(2 * np.pi) + logvar + (z - mu) ** 2 / np.exp(logvar), axis=-1)

    estimate = np.mean(log_density(z, mu_q, logvar_q) - log_density(z, mu_p, logvar_p))
    assert gaussian_kl(mu_q, logvar_q, mu_p, logvar_p)[0] == pytest.approx(estimate, abs=0.01)


def test_gaussian_kl_is_zero_only_for_equal_gaussians_and_is_the_vae_term_against_n01():
    rng = np.random.default_rng(1)
    mu, logvar = rng.normal(size=(2, 5, 3))
    np.testing.assert_allclose(gaussian_kl(mu, logvar, mu, logvar), 0, atol=1e-15)
    assert (gaussian_kl(mu, logvar, mu + 0.1, logvar) > 0).all()
    vae = 0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1 - logvar, axis=-1)
    np.testing.assert_allclose(gaussian_kl(mu, logvar, np.zeros_like(mu), np.zeros_like(mu)), vae)


def test_vhred_loss_adds_the_weighted_kl_and_refuses_bad_input():
    mu_q, logvar_q = np.array([[1.0, 0.0], [0.0, 0.0]]), np.zeros((2, 2))
    np.testing.assert_allclose(vhred_loss([2.0, 3.0], mu_q, logvar_q, 0 * mu_q, logvar_q, kl_weight=0.5), [2.25, 3.0])
    with pytest.raises(ValueError, match="kl_weight"):
        vhred_loss([2.0, 3.0], mu_q, logvar_q, mu_q, logvar_q, kl_weight=-1)
    with pytest.raises(ValueError, match=r"one value per reply, shape \(2,\)"):
        vhred_loss([2.0], mu_q, logvar_q, mu_q, logvar_q)
    with pytest.raises(ValueError, match=r"the prior must have the shape of mu \(2, 2\)"):
        gaussian_kl(mu_q, logvar_q, mu_q[:1], logvar_q[:1])
    with pytest.raises(ValueError, match="both prior_mu and prior_log_var"):
        gaussian_kl(mu_q, logvar_q, prior_mu=mu_q)


# --- the experiment -----------------------------------------------------------------------------

def test_the_experiment_runs_tiny_and_draws_its_figures():
    import matplotlib.pyplot as plt

    result = exp.run(exp.TINY)
    v = result.values
    assert set(v["final_exact"]) == set(exp.MODELS) and v["chance"] == 1 / exp.TINY.topics
    assert len(set(v["parameters"].values())) == 1  # the three models have the same sizes
    assert result.arrays["hred/exact"].shape == (exp.TINY.epochs + 1,)
    for lang in ("ja", "en"):
        for plot in exp.FIGURES.values():
            plt.close(plot(result, lang))
