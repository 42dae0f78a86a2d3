r"""Magnitude pruning: set the smallest weights to zero, keep them there, count what is left.

A trained network has many weights close to zero; removing them changes its outputs little. The
mask of a weight tensor keeps the weights whose magnitude is above a threshold:

$$
m_{ij} = \begin{cases} 1 & |W_{ij}| > \tau \\ 0 & \text{otherwise} \end{cases}, \qquad
W \leftarrow m \odot W
$$

with $\tau$ chosen so that a fraction ``sparsity`` of the weights is removed, in each layer or
over all layers at once. Fine-tuning afterwards lets the remaining weights make up for the
removed ones, as long as the removed ones stay at zero (`MaskedOptimizer`).

The page "Lightweighting" (``compression.md``) measures accuracy against sparsity with and
without fine-tuning.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import numpy as np

from ._checks import fraction, one_of
from .optim import Optimizer

__all__ = ["magnitude_masks", "apply_masks", "MaskedOptimizer", "count_nonzero", "sparse_bytes"]


def _weight_keys(params: Mapping[str, np.ndarray], keys: list[str] | None) -> list[str]:
    keys = [k for k in params if k.startswith("W")] if keys is None else list(keys)
    missing = sorted(set(keys) - set(params))
    if missing:
        raise ValueError(f"keys {missing} are not in params; params has {list(params)}")
    return keys


def _smallest(magnitudes: np.ndarray, n_pruned: int) -> np.ndarray:
    """A boolean mask (True = keep) that removes exactly ``n_pruned`` of the smallest magnitudes."""
    keep = np.ones(magnitudes.size, dtype=bool)
    if n_pruned:
        # argpartition: exactly n_pruned removed even when magnitudes tie at the threshold
        keep[np.argpartition(magnitudes.ravel(), n_pruned - 1)[:n_pruned]] = False
    return keep.reshape(magnitudes.shape)


def magnitude_masks(params: Mapping[str, np.ndarray], sparsity: float, scope: str = "layer",
                    keys: list[str] | None = None) -> dict[str, np.ndarray]:
    r"""Masks that remove the fraction ``sparsity`` of the weights with the smallest magnitudes.

    $$
    m = \bigl[\, |W| > \tau \,\bigr], \qquad
    \tau = \text{the } \lfloor s \cdot n \rfloor\text{-th smallest } |W_{ij}|
    $$

    With ``scope="layer"`` each tensor loses $\lfloor s \cdot n_W \rfloor$ of its own weights
    (one threshold per tensor); with ``scope="global"`` one threshold over all the tensors
    removes $\lfloor s \cdot \sum n_W \rfloor$ weights, more from the layers whose weights are
    small. Exactly that many are removed even when magnitudes tie.

    Parameters
    ----------
    params : dict of str to ndarray
        A network's ``params``.
    sparsity : float
        $s$, the fraction to remove, in [0, 1).
    scope : {"layer", "global"}, default "layer"
    keys : list of str, optional
        Which tensors to prune; the weights (keys starting with ``W``) by default, never the biases.

    Returns
    -------
    dict of str to ndarray of bool
        One mask per key, True where the weight is kept.

    Raises
    ------
    ValueError
        For a sparsity outside [0, 1), an unknown scope or key.

    See Also
    --------
    apply_masks, MaskedOptimizer : use the masks (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> params = {"W1": np.array([[0.1, -0.5], [2.0, -0.05]]), "b1": np.zeros(2), "W2": np.array([[0.04], [-0.02]])}
    >>> {k: m.astype(int).tolist() for k, m in magnitude_masks(params, 0.5).items()}   # half of each layer
    {'W1': [[0, 1], [1, 0]], 'W2': [[1], [0]]}
    >>> {k: m.astype(int).tolist() for k, m in magnitude_masks(params, 0.5, scope="global").items()}
    {'W1': [[1, 1], [1, 0]], 'W2': [[0], [0]]}
    """
    sparsity = fraction("sparsity", sparsity)
    scope = one_of("scope", scope, ("layer", "global"))
    keys = _weight_keys(params, keys)
    if scope == "layer":
        return {k: _smallest(np.abs(params[k]), int(sparsity * params[k].size)) for k in keys}
    flat = np.concatenate([np.abs(params[k]).ravel() for k in keys])
    keep = _smallest(flat, int(sparsity * flat.size))
    masks, start = {}, 0
    for k in keys:
        masks[k] = keep[start:start + params[k].size].reshape(params[k].shape)
        start += params[k].size
    return masks


def apply_masks(params: MutableMapping[str, np.ndarray], masks: Mapping[str, np.ndarray]) -> None:
    r"""Set the masked-out weights to zero, in place: $W \leftarrow m \odot W$ (the layers see it).

    Examples
    --------
    >>> params = {"W1": np.array([0.1, -0.5, 2.0])}
    >>> apply_masks(params, {"W1": np.array([False, True, True])})
    >>> params["W1"]
    array([ 0. , -0.5,  2. ])
    """
    for key, mask in masks.items():
        if mask.shape != params[key].shape:
            raise ValueError(f"apply_masks: masks[{key!r}] has shape {mask.shape}, params[{key!r}] {params[key].shape}")
        params[key][~mask] = 0


class MaskedOptimizer(Optimizer):
    r"""An optimizer that keeps pruned weights at zero: masked gradients, and the mask re-applied.

    $$
    W \leftarrow m \odot \operatorname{step}\bigl(W,\ m \odot \nabla_W L\bigr)
    $$

    Masking the gradient keeps the optimizer's state (momentum, Adam's moments) of a pruned
    weight at zero; applying the mask after the step also undoes anything that moves a zero
    weight regardless of its gradient (weight decay inside the step).

    Parameters
    ----------
    optimizer : dl_notes.optim.Optimizer
        The optimizer that does the step (``Adam``, ``SGD``, ...).
    masks : dict of str to ndarray of bool
        From `magnitude_masks`; parameters without a mask are updated as usual.

    See Also
    --------
    magnitude_masks : the masks (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> from dl_notes.optim import SGD
    >>> params = {"W1": np.array([0.0, 1.0]), "b1": np.array([0.0])}
    >>> opt = MaskedOptimizer(SGD(lr=0.1), {"W1": np.array([False, True])})
    >>> opt.update(params, {"W1": np.array([5.0, 5.0]), "b1": np.array([5.0])})
    >>> params["W1"].tolist(), params["b1"].tolist()
    ([0.0, 0.5], [-0.5])
    """

    def __init__(self, optimizer: Optimizer, masks: Mapping[str, np.ndarray]) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"MaskedOptimizer: optimizer must be a dl_notes.optim.Optimizer, got {optimizer!r}")
        self.optimizer, self.masks = optimizer, dict(masks)

    @property
    def lr(self) -> float:  # type: ignore[override]
        """The wrapped optimizer's learning rate."""
        return self.optimizer.lr

    def update(self, params: MutableMapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Mask the gradients, let the wrapped optimizer step, then mask the weights again."""
        masked = {key: (np.where(self.masks[key], grad, 0) if key in self.masks else grad)
                  for key, grad in grads.items()}
        self.optimizer.update(params, masked)
        apply_masks(params, self.masks)

    def __repr__(self) -> str:
        return f"MaskedOptimizer({self.optimizer!r}, masks for {sorted(self.masks)})"


def count_nonzero(params: Mapping[str, np.ndarray], keys: list[str] | None = None) -> tuple[int, int]:
    r"""Non-zero and total entries of the weights (keys starting with ``W`` unless ``keys`` is given).

    Examples
    --------
    >>> count_nonzero({"W1": np.array([[0.0, 1.0], [2.0, 0.0]]), "b1": np.array([3.0])})
    (2, 4)
    """
    keys = _weight_keys(params, keys)
    return (int(sum(np.count_nonzero(params[k]) for k in keys)), int(sum(params[k].size for k in keys)))


def sparse_bytes(params: Mapping[str, np.ndarray], *, value_bytes: int = 4, index_bytes: int = 2,
                 pointer_bytes: int = 4) -> int:
    r"""Bytes to store ``params`` with the weights in compressed sparse row (CSR) form, the rest dense.

    A weight tensor of $r$ rows (its first axis; the other axes are flattened to the columns, so a
    convolution's filter is one row of $C \cdot FH \cdot FW$) keeps each non-zero as a value and
    its column index, and one pointer per row:

    $$
    \text{bytes}(W) = \mathrm{nnz}(W)\,(b_{\text{value}} + b_{\text{index}}) + (r + 1)\, b_{\text{pointer}}
    $$

    With float32 values and 16-bit column indices (every layer here has fewer than 65,536
    columns) a kept weight costs 6 bytes instead of 4: pruning saves memory only beyond a
    sparsity of one third. Other parameters (biases) stay dense float32.

    Examples
    --------
    >>> W = np.zeros((100, 10)); W[:, 0] = 1.0        # 90 % zeros
    >>> sparse_bytes({"W1": W}), W.size * 4
    (1004, 4000)
    """
    total = 0
    for key, p in params.items():
        if key.startswith("W"):
            rows = p.shape[0] if p.ndim >= 2 else 1
            total += np.count_nonzero(p) * (value_bytes + index_bytes) + (rows + 1) * pointer_bytes
        else:
            total += value_bytes * p.size
    return int(total)
