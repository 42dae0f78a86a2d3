r"""A one-stage grid detector in the style of YOLO: targets, loss, decoding and a small conv net.

The image is cut into an $S \times S$ grid of cells. The cell that holds an object's centre
is **responsible** for it and predicts, from one pass of a convolutional network, $5 + K$
numbers: an objectness logit, the centre's offset inside the cell and the box's width and height
(four logits squashed by a sigmoid to $[0, 1]$), and $K$ class logits. YOLO v1
(Redmon et al., 2016) is this with several boxes per cell and a fully connected head; here one
box per cell and a 1×1 convolution keep the net small enough to train on two cores.

Outputs are laid out channels first, (N, 5 + K, S, S), as the convolution layers give them;
targets as (N, S, S, 6): objectness, $o_x, o_y, w, h$ and the class index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import count, float_dtype, forward_cache, generator, positive
from .activations import sigmoid, softmax
from .boxes import nms
from .conv import Convolution
from .layers import Relu
from .nets import Network
from .normalization import BatchNormalization
from .pooling import Pooling
from .seq2seq import log_softmax

__all__ = ["encode_targets", "cell_boxes", "GridDetectionLoss", "decode", "GridDetector"]


def encode_targets(boxes: Sequence[np.ndarray], labels: Sequence[np.ndarray], size: int, grid: int) -> np.ndarray:
    r"""The training targets of a batch: which cell is responsible for which object, and its box.

    An object with centre $(c_x, c_y)$ and size $(w, h)$ in an image of side
    $P$ (``size``) belongs to the cell in column $\lfloor c_x / s \rfloor$ and row
    $\lfloor c_y / s \rfloor$, with cell side $s = P / S$. Its targets are

    $$
    o_x = \frac{c_x}{s} - \left\lfloor \frac{c_x}{s} \right\rfloor, \quad
    o_y = \frac{c_y}{s} - \left\lfloor \frac{c_y}{s} \right\rfloor, \quad
    \hat w = \frac{w}{P}, \quad \hat h = \frac{h}{P}
    $$

    all in $[0, 1]$. If two centres fall into one cell, the larger object keeps it (one box
    per cell is this detector's limit; `dl_notes.shapes` scenes rarely have it).

    Parameters
    ----------
    boxes, labels : sequence of numpy.ndarray
        Per image, corners (n_i, 4) and class indices (n_i,), as in `dl_notes.shapes.Scenes`.
    size : int
        Side of the square images in pixels.
    grid : int
        $S$, cells per side.

    Returns
    -------
    numpy.ndarray of float64, shape (N, S, S, 6)
        Per cell: objectness (0 or 1), $o_x, o_y, \hat w, \hat h$, class index (0 where empty).

    See Also
    --------
    cell_boxes : the inverse (targets or predictions to corners).
    GridDetectionLoss : the loss against these targets; the page "物体検出 / Object detection".

    Examples
    --------
    >>> t = encode_targets([np.array([[4.0, 8.0, 12.0, 12.0]])], [np.array([2])], size=16, grid=2)
    >>> int(t[..., 0].sum())            # one responsible cell: centre (8, 10) is in row 1, column 1
    1
    >>> t[0, 1, 1]
    array([1.  , 0.  , 0.25, 0.5 , 0.25, 2.  ])
    """
    size, grid = count("size", size), count("grid", grid)
    if len(boxes) != len(labels):
        raise ValueError(f"boxes and labels must list the same images: {len(boxes)} and {len(labels)}")
    cell = size / grid
    targets = np.zeros((len(boxes), grid, grid, 6))
    for n, (b, k) in enumerate(zip(boxes, labels)):
        b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
        if len(b) and (b.min() < 0 or b.max() > size):
            raise ValueError(f"boxes[{n}] must lie inside the {size}x{size} image, got {b.tolist()}")
        area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        for j in np.argsort(area, kind="stable"):                  # larger objects written last win the cell
            cx, cy = (b[j, 0] + b[j, 2]) / 2 / cell, (b[j, 1] + b[j, 3]) / 2 / cell
            col, row = min(int(cx), grid - 1), min(int(cy), grid - 1)
            targets[n, row, col] = (1, cx - col, cy - row, (b[j, 2] - b[j, 0]) / size, (b[j, 3] - b[j, 1]) / size, k[j])
    return targets


def cell_boxes(offsets: np.ndarray, sizes: np.ndarray, size: int) -> np.ndarray:
    r"""Corners of the box each cell describes, from its centre offset and relative size.

    $$
    c_x = (j + o_x)\, s, \quad c_y = (i + o_y)\, s, \quad w = \hat w P, \quad h = \hat h P
    $$

    for the cell in row $i$, column $j$, then corners as in
    `dl_notes.boxes.box_center_to_corner`.

    Parameters
    ----------
    offsets, sizes : numpy.ndarray, shape (N, S, S, 2)
        $(o_x, o_y)$ and $(\hat w, \hat h)$ of every cell.
    size : int
        Side of the image in pixels.

    Returns
    -------
    numpy.ndarray, shape (N, S, S, 4)

    Examples
    --------
    >>> t = encode_targets([np.array([[4.0, 8.0, 12.0, 12.0]])], [np.array([2])], size=16, grid=2)
    >>> cell_boxes(t[..., 1:3], t[..., 3:5], 16)[0, 1, 1]
    array([ 4.,  8., 12., 12.])
    """
    S = offsets.shape[1]
    cell = size / S
    rows, cols = np.mgrid[:S, :S]
    cx, cy = (cols + offsets[..., 0]) * cell, (rows + offsets[..., 1]) * cell
    w, h = sizes[..., 0] * size, sizes[..., 1] * size
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)


class GridDetectionLoss:
    r"""The detector's loss as a layer: objectness, box and class terms over the grid.

    With $\sigma$ the sigmoid, $\mathbb{1}_{c}$ 1 for a cell responsible for an
    object, $z$ the outputs of a cell and $N$ the batch size:

    $$
    \begin{aligned}
    L &= \frac{1}{N} \sum_{n, c} \ell_{n, c} \\
    \ell_{n, c} &= \mathbb{1}_{c}\, \mathrm{BCE}(\sigma(z_0), 1) + \lambda_\mathrm{noobj} (1 - \mathbb{1}_{c})\, \mathrm{BCE}(\sigma(z_0), 0) \\
    &\quad + \lambda_\mathrm{coord}\, \mathbb{1}_{c} \sum_{k=1}^{4} (\sigma(z_k) - t_k)^2 - \mathbb{1}_{c} \log \operatorname{softmax}(z_{5:})_{y}
    \end{aligned}
    $$

    The weights $\lambda_\mathrm{coord} = 5$ and $\lambda_\mathrm{noobj} = 0.5$ are
    YOLO v1's: most cells are empty, so their "no object" errors are damped and the few box
    errors amplified. YOLO v1 uses squared errors for all three terms; this loss keeps them for
    the box but uses binary cross-entropy for objectness and cross-entropy for the class, whose
    gradients $\sigma(z_0) - t_0$ and $\operatorname{softmax}(z) - \text{onehot}$
    do not vanish when a sigmoid or softmax saturates on a wrong answer.

    Parameters
    ----------
    lambda_coord, lambda_noobj : float, default 5.0, 0.5

    Attributes
    ----------
    loss : float
        The last forward's value.

    See Also
    --------
    encode_targets : the targets ``t``; the page "物体検出 / Object detection".

    Examples
    --------
    >>> t = encode_targets([np.array([[0.0, 0.0, 8.0, 8.0]])], [np.array([1])], size=16, grid=2)
    >>> z = np.zeros((1, 8, 2, 2))          # every probability 1/2, every class 1/3
    >>> layer = GridDetectionLoss()
    >>> round(layer.forward(z, t), 4)       # log 2 + 3 x 0.5 log 2 + 0 (the box is exact) + log 3
    2.8315
    >>> layer.backward().shape
    (1, 8, 2, 2)
    """

    def __init__(self, lambda_coord: float = 5.0, lambda_noobj: float = 0.5) -> None:
        self.lambda_coord = positive("lambda_coord", lambda_coord)
        self.lambda_noobj = positive("lambda_noobj", lambda_noobj)
        self.loss: float | None = None
        self.cache: tuple | None = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        """The mean loss of the batch; ``x`` (N, 5 + K, S, S) raw outputs, ``t`` (N, S, S, 6) targets."""
        x = np.asarray(x)
        if x.ndim != 4 or x.shape[1] < 6 or x.shape[2] != x.shape[3]:
            raise ValueError(f"GridDetectionLoss: x must be (N, 5 + K, S, S) with K >= 1, got shape {x.shape}")
        N, C, S, _ = x.shape
        t = np.asarray(t)
        if t.shape != (N, S, S, 6):
            raise ValueError(f"GridDetectionLoss: t must have shape {(N, S, S, 6)} for x of shape {x.shape}, got {t.shape}")
        z = x.transpose(0, 2, 3, 1)                                # (N, S, S, 5 + K)
        obj = t[..., 0].astype(x.dtype)
        p = sigmoid(z[..., 0])
        box = sigmoid(z[..., 1:5])
        logp = log_softmax(z[..., 5:])                             # (N, S, S, K)
        y = t[..., 5].astype(np.int64)
        if y.min() < 0 or y.max() >= C - 5:
            raise ValueError(f"GridDetectionLoss: class indices in t must be in [0, {C - 5}), got {y.min()}..{y.max()}")
        picked = np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]
        # log sigma(z) = -softplus(-z), log(1 - sigma(z)) = -softplus(z): stable for large |z|
        bce = obj * np.logaddexp(0, -z[..., 0]) + self.lambda_noobj * (1 - obj) * np.logaddexp(0, z[..., 0])
        coord = self.lambda_coord * obj * ((box - t[..., 1:5]) ** 2).sum(axis=-1)
        self.loss = float((bce + coord - obj * picked).sum() / N)
        self.cache = (x.dtype, N, obj, p, box, logp, y, t)
        return self.loss

    def backward(self, dout: float = 1.0) -> np.ndarray:
        r"""$\partial L / \partial x$, shape (N, 5 + K, S, S), in the dtype of ``x``."""
        dtype, N, obj, p, box, logp, y, t = forward_cache("GridDetectionLoss.backward", self.cache)
        dz = np.empty(logp.shape[:3] + (5 + logp.shape[-1],), dtype=dtype)
        dz[..., 0] = obj * (p - 1) + self.lambda_noobj * (1 - obj) * p
        dz[..., 1:5] = self.lambda_coord * obj[..., None] * 2 * (box - t[..., 1:5]) * box * (1 - box)
        onehot = np.zeros_like(logp)
        np.put_along_axis(onehot, y[..., None], 1.0, axis=-1)
        dz[..., 5:] = obj[..., None] * (np.exp(logp) - onehot)
        return (dz * (dout / N)).transpose(0, 3, 1, 2).astype(dtype)    # (N, 5 + K, S, S)


def decode(x: np.ndarray, size: int, score_threshold: float = 0.0) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    r"""The detections of each image: one box per cell, scored and labelled, before NMS.

    A cell's score is its objectness times its best class probability (YOLO's class-specific
    confidence), and its label that class:

    $$
    \text{score} = \sigma(z_0) \max_k \operatorname{softmax}(z_{5:})_k
    $$

    Parameters
    ----------
    x : numpy.ndarray, shape (N, 5 + K, S, S)
        The network's raw outputs.
    size : int
        Side of the image in pixels.
    score_threshold : float, default 0
        Drop cells scoring below it.

    Returns
    -------
    list of (boxes, scores, labels)
        Per image: corners (n, 4), scores (n,), class indices (n,), in cell order.

    See Also
    --------
    GridDetector.detect : decoding followed by NMS; the page "物体検出 / Object detection".

    Examples
    --------
    >>> x = np.full((1, 8, 2, 2), -9.0); x[0, :5, 1, 0] = 0.0; x[0, 6, 1, 0] = 9.0
    >>> boxes, scores, labels = decode(x, 16, score_threshold=0.1)[0]
    >>> boxes, scores.round(3), labels
    (array([[ 0.,  8.,  8., 16.]]), array([0.5]), array([1]))
    """
    x = np.asarray(x, dtype=np.float64)
    z = x.transpose(0, 2, 3, 1)                                    # (N, S, S, 5 + K)
    classes = softmax(z[..., 5:])
    scores = sigmoid(z[..., 0]) * classes.max(axis=-1)             # (N, S, S)
    labels = classes.argmax(axis=-1)
    corners = cell_boxes(sigmoid(z[..., 1:3]), sigmoid(z[..., 3:5]), size)
    out = []
    for n in range(len(x)):
        keep = scores[n].ravel() >= score_threshold
        out.append((corners[n].reshape(-1, 4)[keep], scores[n].ravel()[keep], labels[n].ravel()[keep]))
    return out


class GridDetector(Network):
    r"""A small convolutional grid detector built from the course's layers.

    ``len(channels)`` blocks of 3×3 convolution (padding 1), batch normalisation, ReLU and 2×2
    max pooling halve the image until it is $S \times S$; a 3×3 convolution with ReLU
    widens the receptive field, and a 1×1 convolution gives the $5 + K$ outputs of each
    cell. The loss is `GridDetectionLoss`, so `gradient`, `loss` and the optimizers work as for
    the course's networks, with the targets of `encode_targets` as ``t``.

    Parameters
    ----------
    size : int, default 32
        Side of the square input images; ``size / 2**len(channels)`` is the grid $S$.
    n_classes : int, default 3
    channels : sequence of int, default (16, 32, 32)
    in_channels : int, default 3
    seed : int, default 0
    dtype : float32 or float64, default float32
    lambda_coord, lambda_noobj : float, default 5.0, 0.5

    See Also
    --------
    GridDetectionLoss, encode_targets, decode : its pieces; the page "物体検出 / Object detection".

    Examples
    --------
    >>> net = GridDetector(size=16, channels=(4, 4), seed=0)
    >>> net.grid, net.predict(np.zeros((2, 3, 16, 16), dtype=np.float32)).shape
    (4, (2, 8, 4, 4))
    """

    def __init__(self, size: int = 32, n_classes: int = 3, channels: Sequence[int] = (16, 32, 32), in_channels: int = 3,
                 seed: int = 0, dtype=np.float32, lambda_coord: float = 5.0, lambda_noobj: float = 0.5) -> None:
        super().__init__(dtype=dtype)
        self.size, self.n_classes = count("size", size), count("n_classes", n_classes)
        if size % 2 ** len(channels):
            raise ValueError(f"GridDetector: size = {size} must be divisible by 2**len(channels) = {2 ** len(channels)}")
        self.grid = size // 2 ** len(channels)
        rng = generator(seed=seed)
        dtype = float_dtype(dtype)

        def he(shape):
            return (rng.standard_normal(shape) * np.sqrt(2 / np.prod(shape[1:]))).astype(dtype)

        c_in = count("in_channels", in_channels)
        for i, c in enumerate(channels, 1):
            c = count(f"channels[{i - 1}]", c)
            self.add_layer(f"Conv{i}", Convolution(he((c, c_in, 3, 3)), np.zeros(c, dtype), pad=1), W=f"W{i}", b=f"b{i}")
            self.add_layer(f"BatchNorm{i}", BatchNormalization(np.ones(c, dtype), np.zeros(c, dtype)),
                           gamma=f"gamma{i}", beta=f"beta{i}")
            self.add_layer(f"Relu{i}", Relu())
            self.add_layer(f"Pool{i}", Pooling(2, 2, stride=2))
            c_in = c
        i = len(channels) + 1
        self.add_layer(f"Conv{i}", Convolution(he((c_in, c_in, 3, 3)), np.zeros(c_in, dtype), pad=1), W=f"W{i}", b=f"b{i}")
        self.add_layer(f"Relu{i}", Relu())
        head = he((5 + self.n_classes, c_in, 1, 1)) * 0.1          # small start: outputs near the biases
        bias = np.zeros(5 + self.n_classes, dtype)
        bias[0] = np.log(0.1 / 0.9)                                # about one cell in ten holds an object
        self.add_layer(f"Conv{i + 1}", Convolution(head, bias), W=f"W{i + 1}", b=f"b{i + 1}")
        self.last_layer = GridDetectionLoss(lambda_coord, lambda_noobj)

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = None) -> float:
        """Not defined for a detector: score it with `dl_notes.detection_metrics.mean_average_precision`."""
        raise TypeError("GridDetector.accuracy: a detector has no accuracy; use "
                        "dl_notes.detection_metrics.mean_average_precision on detect()'s output")

    def detect(self, x: np.ndarray, score_threshold: float = 0.01, iou_threshold: float | None = 0.5,
               batch_size: int = 100) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Boxes, scores and labels per image: `decode`, then NMS per class (``iou_threshold=None``: no NMS)."""
        step = count("batch_size", batch_size)
        outputs = np.concatenate([self.predict(x[i:i + step]) for i in range(0, len(x), step)])
        found = decode(outputs, self.size, score_threshold)
        if iou_threshold is None:
            return found
        out = []
        for boxes, scores, labels in found:
            keep = nms(boxes, scores, iou_threshold, labels=labels)
            out.append((boxes[keep], scores[keep], labels[keep]))
        return out
