"""dl_notes.architectures: shapes and parameter counts of LeNet-5 and AlexNet, against known values."""

from __future__ import annotations

import pytest

from dl_notes import architectures as arch
from dl_notes.conv import Convolution
from dl_notes.nets import SimpleConvNet


def test_alexnet_matches_the_paper():
    rows = {r["name"]: r for r in arch.summarize(arch.ALEXNET_INPUT, arch.ALEXNET)}
    assert rows["conv1"]["shape"] == [96, 55, 55]
    assert rows["pool1"]["shape"] == [96, 27, 27]
    assert rows["pool2"]["shape"] == [256, 13, 13]
    assert rows["pool5"]["shape"] == [256, 6, 6]
    assert rows["flatten"]["shape"] == [9216]
    assert rows["fc8"]["shape"] == [1000]
    # "60 million parameters" (Krizhevsky et al., 2012), with the two-GPU grouping
    assert arch.total_parameters(rows.values()) == 60_965_224


def test_lenet5_has_about_sixty_thousand_parameters():
    rows = arch.summarize(arch.LENET5_INPUT, arch.LENET5)
    assert [r["shape"] for r in rows if r["kind"] == "conv"] == [[6, 28, 28], [16, 10, 10], [120, 1, 1]]
    assert arch.total_parameters(rows) == 156 + 2416 + 48120 + 10164 + 850


def test_counts_agree_with_the_layers_and_simple_convnet():
    net = SimpleConvNet(seed=0)
    rows = arch.summarize((1, 28, 28), [("conv", {"filters": 30, "size": 5}), ("pool", {"size": 2}),
                                        ("fc", {"units": 100}), ("fc", {"units": 10})])
    assert arch.total_parameters(rows) == sum(p.size for p in net.params.values())
    import numpy as np
    conv = Convolution(np.zeros((4, 3, 3, 3)), np.zeros(4), stride=2, pad=1)
    out = conv.forward(np.zeros((1, 3, 9, 9)))
    assert arch.summarize((3, 9, 9), [("conv", {"filters": 4, "size": 3, "stride": 2, "pad": 1})])[-1]["shape"] == list(out.shape[1:])


def test_groups_divide_the_weights():
    one = arch.summarize((4, 5, 5), [("conv", {"filters": 8, "size": 3})])[-1]["params"]
    two = arch.summarize((4, 5, 5), [("conv", {"filters": 8, "size": 3, "groups": 2})])[-1]["params"]
    assert (one - 8) == 2 * (two - 8)


@pytest.mark.parametrize("spec, message", [
    ([("conv", {"filters": 2, "size": 3, "groups": 3})], "groups = 3"),
    ([("flatten", {}), ("conv", {"filters": 2, "size": 3})], "needs (C, H, W)"),
    ([("warp", {})], "kind"),
    ([("conv", {"filters": 2, "size": 2, "stride": 2})], "not divisible by stride"),
])
def test_bad_specs_fail_with_a_message(spec, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        arch.summarize((4, 5, 5), spec)


def test_global_pooling_head_is_smaller():
    assert arch.head_parameters((256, 6, 6), 4096) == 9216 * 4096 + 4096
    assert arch.head_parameters((256, 6, 6), 4096, "gmp") == 256 * 4096 + 4096
