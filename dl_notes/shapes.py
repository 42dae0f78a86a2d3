r"""Generated images of simple shapes with exact boxes and masks, for object detection and segmentation.

Each image holds a few non-overlapping rectangles, ellipses and triangles of random size,
position and colour on a noisy background. Because the program draws them, every answer is
known exactly: the box of an object is the tight box around its pixels, the semantic mask
labels each pixel with its class, and the instance mask with its object. Detection metrics
(IoU, AP) and segmentation metrics (pixel accuracy, mean IoU) can then be tested against the
truth instead of against hand labels.

Boxes are corners $(x_0, y_0, x_1, y_1)$ in pixel edges: an object covering columns
$x_0, \dots, x_1 - 1$ and rows $y_0, \dots, y_1 - 1$ has width $x_1 - x_0$.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import count, generator, unit_interval

__all__ = ["CLASSES", "Scenes", "shape_mask", "make_scenes"]

CLASSES = ("rectangle", "ellipse", "triangle")
PLACEMENT_TRIES = 100  # attempts to place one shape without touching the others before giving up on it


def shape_mask(kind: str, height: int, width: int) -> np.ndarray:
    r"""The pixels of one shape that fills a ``height`` × ``width`` box, as a boolean array.

    A pixel belongs to the shape when its centre $(x + \tfrac12, y + \tfrac12)$ lies in it:
    the rectangle is the whole box; the ellipse is inscribed in it; the triangle has its apex at
    the top middle and its base on the bottom row. Each shape touches all four sides of its box,
    so the box is its tight bounding box.

    Parameters
    ----------
    kind : str
        One of `CLASSES`.
    height, width : int
        The box's size in pixels (at least 2).

    Returns
    -------
    numpy.ndarray of bool, shape (height, width)

    Raises
    ------
    ValueError
        If ``kind`` is not one of `CLASSES`, or a size is below 2.

    Examples
    --------
    >>> print(shape_mask("triangle", 3, 5).astype(int))
    [[0 0 1 0 0]
     [0 1 1 1 0]
     [1 1 1 1 1]]
    >>> print(shape_mask("ellipse", 4, 4).astype(int))
    [[0 1 1 0]
     [1 1 1 1]
     [1 1 1 1]
     [0 1 1 0]]
    """
    height, width = count("height", height, minimum=2), count("width", width, minimum=2)
    y, x = np.mgrid[:height, :width] + 0.5
    u, v = (x - width / 2) / (width / 2), (y - height / 2) / (height / 2)  # both in [-1, 1] across the box
    if kind == "rectangle":
        return np.ones((height, width), dtype=bool)
    if kind == "ellipse":
        return u ** 2 + v ** 2 <= 1
    if kind == "triangle":
        # row r's half-width grows linearly from half a pixel (apex) to the whole box (base)
        half = (np.arange(height)[:, None] + 1) / height * width / 2
        return np.abs(x - width / 2) <= np.maximum(half, 0.5)
    raise ValueError(f"shape_mask: kind must be one of {', '.join(map(repr, CLASSES))}, got {kind!r}")


class Scenes(NamedTuple):
    """A batch of generated images and their exact annotations.

    Attributes
    ----------
    images : numpy.ndarray of float32, shape (N, 3, size, size)
        RGB in [0, 1], channels first as the convolution layers expect.
    boxes : tuple of numpy.ndarray
        ``boxes[i]`` has shape (n_i, 4): the corners $(x_0, y_0, x_1, y_1)$ of image i's objects.
    labels : tuple of numpy.ndarray
        ``labels[i]`` has shape (n_i,): each object's class, an index into `CLASSES`.
    masks : numpy.ndarray of int64, shape (N, size, size)
        The semantic mask: 0 for background, ``k + 1`` for a pixel of class ``k``.
    instances : numpy.ndarray of int64, shape (N, size, size)
        The instance mask: 0 for background, ``j + 1`` for a pixel of image i's object ``j``.

    Examples
    --------
    >>> scenes = make_scenes(3, size=16, object_size=(4, 6), seed=1)
    >>> [len(boxes) for boxes in scenes.boxes], scenes.instances.max(axis=(1, 2)).tolist()
    ([2, 2, 2], [2, 2, 2])
    """

    images: np.ndarray
    boxes: tuple
    labels: tuple
    masks: np.ndarray
    instances: np.ndarray


def _overlaps(box: tuple[int, int, int, int], taken: list[tuple[int, int, int, int]], gap: int) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] + gap and b[0] < x1 + gap and y0 < b[3] + gap and b[1] < y1 + gap for b in taken)


def _scene(rng: np.random.Generator, size: int, n_shapes: int, sizes: tuple[int, int], noise: float):
    image = np.empty((3, size, size))
    image[:] = rng.uniform(0.0, 0.3, size=(3, 1, 1))
    mask = np.zeros((size, size), dtype=np.int64)
    instances = np.zeros((size, size), dtype=np.int64)
    boxes, labels = [], []
    for _ in range(n_shapes):
        for _ in range(PLACEMENT_TRIES):
            h, w = rng.integers(sizes[0], sizes[1] + 1, size=2)
            y0, x0 = rng.integers(0, size - h + 1), rng.integers(0, size - w + 1)
            if not _overlaps((x0, y0, x0 + w, y0 + h), boxes, gap=1):
                break
        else:
            continue  # the image is full: draw fewer shapes rather than overlapping ones
        k = rng.integers(len(CLASSES))
        pixels = shape_mask(CLASSES[k], h, w)
        window = (slice(y0, y0 + h), slice(x0, x0 + w))
        image[(slice(None), *window)][:, pixels] = rng.uniform(0.5, 1.0, size=(3, 1))
        mask[window][pixels] = k + 1
        instances[window][pixels] = len(boxes) + 1
        boxes.append((x0, y0, x0 + w, y0 + h))
        labels.append(k)
    image += noise * rng.standard_normal(image.shape)
    return (np.clip(image, 0.0, 1.0), np.array(boxes, dtype=np.float64).reshape(-1, 4),
            np.array(labels, dtype=np.int64), mask, instances)


def make_scenes(n: int, size: int = 32, shapes: tuple[int, int] = (1, 3), object_size: tuple[int, int] = (6, 14),
                noise: float = 0.05, seed: int = 0) -> Scenes:
    r"""``n`` generated images of ``size`` × ``size`` pixels, each with a few shapes, seeded.

    Every image gets between ``shapes[0]`` and ``shapes[1]`` objects (fewer only when no free
    place is left), each of a random class, height and width in ``object_size``, position and
    colour. Objects never overlap or touch, so each box, mask and instance is exact.

    Parameters
    ----------
    n : int
        Number of images.
    size : int
        Side of each square image in pixels.
    shapes : (int, int)
        Least and most objects per image (the least may be 0).
    object_size : (int, int)
        Least and largest height and width of an object's box, in pixels (at least 2, at most ``size``).
    noise : float
        Standard deviation of the Gaussian noise added to every pixel, in [0, 1].
    seed : int
        Seed of the generator: the same arguments give the same images.

    Returns
    -------
    Scenes

    Raises
    ------
    ValueError
        If a count or range is out of bounds (the message names it).

    See Also
    --------
    shape_mask : the pixels of one shape.

    Notes
    -----
    Used on the pages 物体検出 / Object detection and セグメンテーション / Segmentation.

    Examples
    --------
    >>> scenes = make_scenes(2, size=16, shapes=(1, 2), object_size=(4, 6), seed=0)
    >>> scenes.images.shape, scenes.masks.shape
    ((2, 3, 16, 16), (2, 16, 16))
    >>> scenes.boxes[0]
    array([[ 8.,  9., 12., 14.],
           [ 8.,  3., 14.,  8.]])
    >>> [CLASSES[k] for k in scenes.labels[0]]
    ['triangle', 'triangle']
    >>> [int((scenes.instances[0] == j).sum()) for j in (1, 2)], int((scenes.masks[0] == 3).sum())
    ([14, 18], 32)
    """
    n, size = count("n", n), count("size", size, minimum=2)
    low, high = _range("shapes", shapes, 0, None)
    small, large = _range("object_size", object_size, 2, size)
    noise = unit_interval("noise", noise)
    rng = generator(seed=seed)
    drawn = [_scene(rng, size, int(rng.integers(low, high + 1)), (small, large), noise) for _ in range(n)]
    images, boxes, labels, masks, instances = zip(*drawn)
    return Scenes(np.stack(images).astype(np.float32), boxes, labels, np.stack(masks), np.stack(instances))


def _range(name: str, value: object, least: int, most: int | None) -> tuple[int, int]:
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise ValueError(f"{name} must be a pair (least, most), got {value!r}")
    low, high = count(f"{name}[0]", value[0], minimum=least), count(f"{name}[1]", value[1], minimum=least)
    if low > high or (most is not None and high > most):
        bound = f" and most <= {most}" if most is not None else ""
        raise ValueError(f"{name} must have least <= most{bound}, got {value!r}")
    return low, high
