r"""A policy-value network: one trunk with residual blocks and two heads, AlphaGo Zero in miniature.

AlphaGo Lee had two networks, a policy network and a value network. AlphaGo Zero
(Silver et al., 2017) has one network $f_\theta(s) = (\boldsymbol{p}, v)$: a tower of residual blocks whose output
feeds a **policy head** (a softmax over the moves) and a **value head** (a tanh, the expected
result in $[-1, 1]$ for the player to move). Here the convolutions are fully connected layers
(`dl_notes.layers.Affine`), for a board of 9 squares:

$$
h_0 = \mathrm{ReLU}(x W_1 + b_1), \qquad
h_k = \mathrm{ReLU}\bigl(h_{k-1} + \mathrm{ReLU}(h_{k-1} W_{k,1} + b_{k,1}) W_{k,2} + b_{k,2}\bigr)
$$

$$
\boldsymbol{p} = \operatorname{softmax}_{\text{legal}}(h W_p + b_p), \qquad
v = \tanh(h W_v + b_v)
$$

The softmax is taken over the legal moves only (`dl_notes.attention.masked_softmax`), so an
occupied square gets probability exactly 0. Training minimises `policy_value_loss` on positions
from self-play (`dl_notes.self_play`), plus $c \lVert \theta \rVert^2$ on the weights.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, count, float_dtype, generator, nonnegative
from .attention import masked_softmax
from .layers import Affine, Relu, Tanh
from .tictactoe import planes

__all__ = ["policy_value_loss", "PolicyValueNet"]


def _targets(pi: object, z: object, legal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pi = array("pi", pi, 2, "(N, moves)")
    z = array("z", z, 1, "(N,)")
    if pi.shape != legal.shape or z.shape != (len(pi),):
        raise ValueError(f"pi must have the shape of legal {legal.shape} and z the shape ({len(legal)},), "
                         f"got {pi.shape} and {z.shape}")
    if (pi[~legal] != 0).any() or not np.allclose(pi.sum(axis=1), 1):
        raise ValueError("pi must be a distribution over the legal moves (rows summing to 1, 0 on illegal moves)")
    if (np.abs(z) > 1).any():
        raise ValueError(f"z must hold game results in [-1, 1], got values up to {np.abs(z).max()}")
    return pi, z


def policy_value_loss(p: np.ndarray, v: np.ndarray, pi: np.ndarray, z: np.ndarray) -> float:
    r"""AlphaGo Zero's loss without the weight penalty, averaged over the batch.

    $$
    l = \frac{1}{N} \sum_{n} \Bigl( (z_n - v_n)^2 - \boldsymbol{\pi}_n^\top \log \boldsymbol{p}_n \Bigr)
    $$

    $z$ is the game's result for the player to move, $\boldsymbol{\pi}$ the search's visit
    distribution: the value head learns to predict the winner, the policy head to predict the
    search. A move with $\pi_a = 0$ adds nothing (even where $p_a = 0$).

    See Also
    --------
    PolicyValueNet : the network whose outputs it scores (page: AlphaGo, ``alphago.md``).

    Examples
    --------
    >>> p, pi = np.array([[0.5, 0.5, 0.0]]), np.array([[1.0, 0.0, 0.0]])
    >>> round(policy_value_loss(p, np.array([0.5]), pi, np.array([1.0])), 4)   # 0.25 + log 2
    0.9431
    """
    p, pi = array("p", p, 2, "(N, moves)"), array("pi", pi, 2, "(N, moves)")
    v, z = array("v", v, 1, "(N,)"), array("z", z, 1, "(N,)")
    if p.shape != pi.shape or v.shape != z.shape or len(v) != len(p):
        raise ValueError(f"policy_value_loss: p {p.shape} and pi {pi.shape}, v {v.shape} and z {z.shape} must match")
    cross = np.where(pi > 0, pi * np.log(np.where(pi > 0, p, 1.0)), 0.0).sum(axis=1)
    return float(np.mean((z - v) ** 2 - cross))


class PolicyValueNet:
    r"""The two-headed network $f_\theta(s) = (\boldsymbol{p}, v)$ with a residual trunk.

    Parameters
    ----------
    input_size : int, default 18
        Features per position (`dl_notes.tictactoe.planes`: 2 planes of 3 × 3).
    hidden_size : int, default 32
        Width of the trunk.
    n_blocks : int, default 1
        Residual blocks in the trunk (AlphaGo Zero: 19 or 39).
    n_moves : int, default 9
        Outputs of the policy head.
    weight_decay : float, default 0.0
        $c$ of the penalty $c \lVert \theta \rVert^2$ on the weight matrices.
    rng, seed
        Randomness of the initial weights (He initialisation for the ReLU layers).
    dtype : default float32
        float64 for gradient checks.

    Attributes
    ----------
    params, grads : dict of str to ndarray
        ``W1``, ``b1``, ``W_res{k}_1``, ``b_res{k}_1``, ``W_res{k}_2``, ``b_res{k}_2``,
        ``W_policy``, ``b_policy``, ``W_value``, ``b_value``; shared with `dl_notes.optim`.

    See Also
    --------
    dl_notes.mcts.MCTS : uses ``evaluate`` as its evaluator (page: AlphaGo, ``alphago.md``).

    Examples
    --------
    >>> from dl_notes.tictactoe import new_board, play
    >>> net = PolicyValueNet(hidden_size=8, seed=0)
    >>> priors, value = net.evaluate(play(new_board(), 4))      # O to move after X in the centre
    >>> float(priors[4]), round(float(priors.sum()), 6), -1 <= value <= 1
    (0.0, 1.0, True)
    """

    def __init__(self, input_size: int = 18, hidden_size: int = 32, n_blocks: int = 1, n_moves: int = 9,
                 weight_decay: float = 0.0, rng: np.random.Generator | None = None, seed: int | None = None,
                 dtype: object = np.float32) -> None:
        D, H = count("input_size", input_size), count("hidden_size", hidden_size)
        self.n_blocks = count("n_blocks", n_blocks, minimum=0)
        self.n_moves = count("n_moves", n_moves)
        self.weight_decay = nonnegative("weight_decay", weight_decay)
        self.dtype = float_dtype(dtype)
        rng = generator(rng, seed)

        def weight(n_in: int, n_out: int, gain: float = 2.0) -> np.ndarray:
            return (np.sqrt(gain / n_in) * rng.standard_normal((n_in, n_out))).astype(self.dtype)

        shapes = [("1", D, H)] + [(f"_res{k}_{i}", H, H) for k in range(1, self.n_blocks + 1) for i in (1, 2)]
        self.params: dict[str, np.ndarray] = {}
        for suffix, n_in, n_out in shapes:
            self.params["W" + suffix] = weight(n_in, n_out)
            self.params["b" + suffix] = np.zeros(n_out, self.dtype)
        # The heads start small, so the first priors are nearly uniform and the first values near 0.
        self.params.update({"W_policy": weight(H, self.n_moves, 0.1), "b_policy": np.zeros(self.n_moves, self.dtype),
                            "W_value": weight(H, 1, 0.1), "b_value": np.zeros(1, self.dtype)})
        p = self.params
        self.trunk = (Affine(p["W1"], p["b1"], input_grad=False), Relu())
        self.blocks = [(Affine(p[f"W_res{k}_1"], p[f"b_res{k}_1"]), Relu(), Affine(p[f"W_res{k}_2"], p[f"b_res{k}_2"]),
                        Relu()) for k in range(1, self.n_blocks + 1)]
        self.policy_head = Affine(p["W_policy"], p["b_policy"])
        self.value_head = (Affine(p["W_value"], p["b_value"]), Tanh())
        self.grads: dict[str, np.ndarray] = {}

    def _inputs(self, x: object, legal: object) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=self.dtype)
        legal = np.asarray(legal)
        if legal.dtype != bool or legal.shape != (len(x), self.n_moves):
            raise ValueError(f"legal must be a bool array of shape ({len(x)}, {self.n_moves}), "
                             f"got {legal.dtype} {legal.shape}")
        return x, legal

    def predict(self, x: np.ndarray, legal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""The move probabilities $\boldsymbol{p}$ (N, moves), 0 on illegal moves, and the values $v$ (N,)."""
        x, legal = self._inputs(x, legal)
        affine, relu = self.trunk
        h = relu.forward(affine.forward(x))  # (N, H)
        for first, inner, second, out in self.blocks:
            h = out.forward(h + second.forward(inner.forward(first.forward(h))))  # the skip connection
        p = masked_softmax(self.policy_head.forward(h), legal)
        v = self.value_head[1].forward(self.value_head[0].forward(h))[:, 0]
        return p, v

    def loss(self, x: np.ndarray, legal: np.ndarray, pi: np.ndarray, z: np.ndarray) -> float:
        r"""`policy_value_loss` plus $c \lVert \theta \rVert^2$ over the weight matrices."""
        p, v = self.predict(x, legal)
        pi, z = _targets(pi, z, legal.astype(bool))
        penalty = self.weight_decay * sum(float((W * W).sum()) for k, W in self.params.items() if k.startswith("W"))
        return policy_value_loss(p, v, pi, z) + penalty

    def gradient(self, x: np.ndarray, legal: np.ndarray, pi: np.ndarray, z: np.ndarray) -> dict[str, np.ndarray]:
        r"""Gradients of `loss` for every parameter, by backpropagation (also kept in ``self.grads``).

        $$
        \frac{\partial l}{\partial (hW_p + b_p)} = \frac{\boldsymbol{p} - \boldsymbol{\pi}}{N}, \qquad
        \frac{\partial l}{\partial v} = \frac{-2 (z - v)}{N}
        $$
        """
        x, legal = self._inputs(x, legal)
        pi, z = _targets(pi, z, legal)
        p, v = self.predict(x, legal)
        N = len(x)
        dlogits = ((p - pi) / N).astype(self.dtype)  # softmax + cross-entropy; p and pi are 0 on illegal moves
        dv = (-2 * (z - v) / N).astype(self.dtype)[:, None]
        dh = self.policy_head.backward(dlogits) + self.value_head[0].backward(self.value_head[1].backward(dv))
        for first, inner, second, out in reversed(self.blocks):
            ds = out.backward(dh)
            dh = ds + first.backward(inner.backward(second.backward(ds)))  # the skip passes ds unchanged
        affine, relu = self.trunk
        affine.backward(relu.backward(dh))
        layers = {"1": affine, "_policy": self.policy_head, "_value": self.value_head[0]}
        for k, (first, _, second, _) in enumerate(self.blocks, start=1):
            layers.update({f"_res{k}_1": first, f"_res{k}_2": second})
        self.grads = {}
        for suffix, layer in layers.items():
            self.grads["W" + suffix] = layer.dW + 2 * self.weight_decay * self.params["W" + suffix]
            self.grads["b" + suffix] = layer.db
        return {key: self.grads[key] for key in self.params}

    def evaluate(self, board: np.ndarray) -> tuple[np.ndarray, float]:
        """The evaluator of `dl_notes.mcts.MCTS`: priors (9,) and value of one board for the player to move.

        The forward pass of `predict` for one board, written directly on ``params``: the search
        calls it once per simulation, and the layers' checks and caches would cost more than the
        arithmetic (the tests compare the two).

        Examples
        --------
        >>> from dl_notes.tictactoe import new_board
        >>> net = PolicyValueNet(hidden_size=8, seed=0)
        >>> priors, value = net.evaluate(new_board())
        >>> bool(np.allclose(priors, net.predict(planes(new_board())[None], np.ones((1, 9), bool))[0][0]))
        True
        """
        p, b = self.params, np.asarray(board)
        legal = b == 0
        x = planes(b).reshape(-1).astype(self.dtype)  # (18,)
        h = np.maximum(x @ p["W1"] + p["b1"], 0)
        for k in range(1, self.n_blocks + 1):
            inner = np.maximum(h @ p[f"W_res{k}_1"] + p[f"b_res{k}_1"], 0)
            h = np.maximum(h + inner @ p[f"W_res{k}_2"] + p[f"b_res{k}_2"], 0)
        logits = h @ p["W_policy"] + p["b_policy"]
        weights = np.exp(logits - logits[legal].max()) * legal  # exactly 0 on occupied squares
        value = np.tanh(h @ p["W_value"] + p["b_value"])
        return weights / weights.sum(), float(value[0])
