"""dl_notes.shapes: every annotation is exact (tight boxes, masks that agree with them), the data are seeded, bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.shapes import CLASSES, make_scenes, shape_mask


@pytest.fixture(scope="module")
def scenes():
    return make_scenes(200, size=32, shapes=(0, 4), object_size=(3, 14), seed=7)


@pytest.mark.parametrize("kind", CLASSES)
@pytest.mark.parametrize("height, width", [(2, 2), (3, 7), (8, 5), (13, 13)])
def test_each_shape_touches_all_four_sides_of_its_box(kind, height, width):
    pixels = shape_mask(kind, height, width)
    assert pixels.shape == (height, width)
    assert pixels[0].any() and pixels[-1].any() and pixels[:, 0].any() and pixels[:, -1].any()


def test_the_shapes_differ_and_are_symmetric():
    masks = [shape_mask(kind, 12, 12) for kind in CLASSES]
    areas = [m.sum() for m in masks]
    assert areas[0] == 144 > areas[1] > areas[2]  # a box holds its ellipse, which holds the triangle's area
    assert all(np.array_equal(m, m[:, ::-1]) for m in masks)


def test_every_box_is_the_tight_box_of_its_instance(scenes):
    for boxes, instances in zip(scenes.boxes, scenes.instances):
        assert instances.max() == len(boxes)
        for j, (x0, y0, x1, y1) in enumerate(boxes):
            ys, xs = np.nonzero(instances == j + 1)
            assert (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) == (x0, y0, x1, y1)


def test_the_semantic_mask_is_the_instances_labelled_by_class(scenes):
    for labels, masks, instances in zip(scenes.labels, scenes.masks, scenes.instances):
        expected = np.concatenate([[0], np.asarray(labels) + 1])[instances]
        np.testing.assert_array_equal(masks, expected)


def test_objects_never_overlap_or_touch(scenes):
    for boxes in scenes.boxes:
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes[a], boxes[b]
                assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0


def test_counts_and_sizes_stay_in_their_ranges(scenes):
    assert all(len(b) <= 4 for b in scenes.boxes)
    sides = np.concatenate([np.concatenate([b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]]) for b in scenes.boxes if len(b)])
    assert sides.min() >= 3 and sides.max() <= 14
    assert set(np.concatenate(scenes.labels)) == {0, 1, 2}


def test_images_are_float32_in_the_unit_interval(scenes):
    assert scenes.images.dtype == np.float32 and scenes.images.shape == (200, 3, 32, 32)
    assert scenes.images.min() >= 0 and scenes.images.max() <= 1


def test_objects_stand_out_from_the_background(scenes):
    images, masks = scenes.images, scenes.masks
    inside = images.transpose(1, 0, 2, 3)[:, masks > 0].max(axis=0)
    outside = images.transpose(1, 0, 2, 3)[:, masks == 0].max(axis=0)
    assert inside.mean() > outside.mean() + 0.3


def test_the_same_seed_gives_the_same_scenes_and_another_seed_others():
    a, b, c = (make_scenes(5, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.images, b.images)
    assert all(np.array_equal(x, y) for x, y in zip(a.boxes, b.boxes))
    assert not np.array_equal(a.images, c.images)


@pytest.mark.parametrize("kwargs, match", [
    ({"n": 0}, "n must be an integer >= 1"),
    ({"shapes": (3, 1)}, "shapes must have least <= most"),
    ({"shapes": 2}, r"shapes must be a pair \(least, most\)"),
    ({"object_size": (1, 5)}, r"object_size\[0\] must be an integer >= 2"),
    ({"object_size": (4, 40)}, "object_size must have least <= most and most <= 32"),
    ({"noise": 2.0}, r"noise must be in \[0, 1\]"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_scenes(**{"n": 2, **kwargs})


def test_an_unknown_shape_is_named():
    with pytest.raises(ValueError, match="kind must be one of 'rectangle', 'ellipse', 'triangle', got 'star'"):
        shape_mask("star", 4, 4)
