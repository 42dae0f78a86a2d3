"""dl_notes.densenet: channel counts, parameter counts against the layers and d2l's DenseNet, float64
gradient checks of every layer, the concatenation, dtypes, errors and PyTorch reference values."""

from __future__ import annotations

import numpy as np
import pytest
from _reference import SOURCES, recorder, reference

from dl_notes.densenet import (ConvStack, DenseBlock, DenseLayer, TransitionLayer, dense_block_parameters,
                               dense_layer_parameters, densenet_parameters, input_channels, transition_parameters)
from dl_notes.gradcheck import check_layer, check_network, numerical_gradient, relative_error
from dl_notes.layers import Affine
from dl_notes.nets import Network
from dl_notes.pooling import GlobalAveragePooling


def size(layer) -> int:
    return sum(p.size for p in layer.params.values())


def check_all(layer, x, train_flg=True) -> dict[str, float]:
    """check_layer's errors for x, and the same check for every name in parameter_names.

    A convolution's bias followed by batch normalisation (the bottleneck's, every bias inside a
    block but the last layer's) has a gradient of zero by construction, which the central
    difference sees as rounding noise of about 1e-11: `relative_error`'s floor (1e-5) turns
    that into about 1e-6, hence the tests' bound of 1e-5.
    """
    dout = np.random.default_rng(1).standard_normal(layer.forward(x, train_flg).shape)
    errors = {"x": check_layer(layer, x, train_flg, dout=dout)["x"]}
    layer.forward(x, train_flg)
    layer.backward(dout)
    for name in layer.parameter_names:
        analytic = np.array(getattr(layer, "d" + name))
        numeric = numerical_gradient(lambda _: np.sum(layer.forward(x, train_flg) * dout), getattr(layer, name))
        errors[name] = relative_error(analytic, numeric)
    return errors


# --- counts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("k0, k, l", [(64, 32, 1), (64, 32, 4), (3, 12, 10), (16, 1, 2)])
def test_input_channels_is_k0_plus_k_times_l_minus_1(k0, k, l):
    assert input_channels(k0, k, l) == k0 + k * (l - 1)
    block = DenseBlock(max(l, 1), k0, k, seed=0)
    assert block.layers[l - 1].in_channels == input_channels(k0, k, l)


@pytest.mark.parametrize("bottleneck", [False, True])
@pytest.mark.parametrize("c, k", [(3, 2), (16, 12)])
def test_layer_and_block_counts_match_the_layers(c, k, bottleneck):
    assert size(DenseLayer(c, k, bottleneck=bottleneck, seed=0)) == dense_layer_parameters(c, k, bottleneck=bottleneck)
    block = DenseBlock(4, c, k, bottleneck=bottleneck, seed=0)
    assert size(block) == dense_block_parameters(4, c, k, bottleneck=bottleneck)
    assert block.out_channels == input_channels(c, k, 5)


@pytest.mark.parametrize("c, theta", [(10, 0.5), (7, 0.5), (12, 1.0)])
def test_transition_count_matches_the_layer(c, theta):
    layer = TransitionLayer(c, theta, seed=0)
    assert layer.out_channels == int(theta * c)
    assert size(layer) == transition_parameters(c, layer.out_channels)


def test_densenet_count_is_d2l_pytorch_count():
    assert densenet_parameters() == int(reference("densenet", "recorded")["d2l_densenet_parameters"])


# --- gradients (float64) -------------------------------------------------------------------------

@pytest.mark.parametrize("bottleneck", [False, True])
def test_dense_layer_gradients(bottleneck):
    layer = DenseLayer(3, 2, bottleneck=bottleneck, dtype=np.float64, seed=0)
    x = np.random.default_rng(0).standard_normal((3, 3, 4, 4))
    errors = check_all(layer, x)
    assert set(errors) == {"x", *layer.parameter_names}
    assert max(errors.values()) < 1e-5, errors


@pytest.mark.parametrize("bottleneck", [False, True])
def test_dense_block_gradients(bottleneck):
    block = DenseBlock(3, 2, 2, bottleneck=bottleneck, dtype=np.float64, seed=0)
    x = np.random.default_rng(0).standard_normal((3, 2, 4, 4))
    errors = check_all(block, x)
    assert len(errors) == 1 + 3 * (8 if bottleneck else 4)
    assert max(errors.values()) < 1e-5, errors


def test_transition_gradients():
    layer = TransitionLayer(4, 0.5, dtype=np.float64, seed=0)
    errors = check_layer(layer, np.random.default_rng(0).standard_normal((3, 4, 5, 5)), True)
    assert sorted(errors) == ["W", "b", "beta", "gamma", "x"] and max(errors.values()) < 1e-5, errors


@pytest.mark.parametrize("shortcut", [False, True])
def test_conv_stack_gradients(shortcut):
    stack = ConvStack(3, 2, 2, shortcut=shortcut, dtype=np.float64, seed=0)
    errors = check_all(stack, np.random.default_rng(0).standard_normal((3, 2, 4, 4)))
    assert max(errors.values()) < 1e-5, errors


def test_a_network_of_a_block_and_a_transition_trains_through_params():
    rng = np.random.default_rng(1)   # with seed 0 a step of 1e-4 in W1 moves a pre-ReLU value across 0
    net = Network(dtype=np.float64)
    block = net.add_layer("Dense1", DenseBlock(2, 2, 2, dtype=np.float64, rng=rng),
                          **{p: f"{p}_dense1" for p in DenseBlock(2, 2, 2).parameter_names})
    trans = net.add_layer("Trans1", TransitionLayer(block.out_channels, 0.5, dtype=np.float64, rng=rng),
                          gamma="gamma_t1", beta="beta_t1", W="W_t1", b="b_t1")
    net.add_layer("GAP", GlobalAveragePooling())
    net.add_layer("Affine", Affine(rng.standard_normal((trans.out_channels, 3)), np.zeros(3)), W="W_out", b="b_out")
    x, t = rng.standard_normal((4, 2, 4, 4)), np.array([0, 1, 2, 1])
    errors = check_network(net, x, t)
    assert len(errors) == 2 * 4 + 4 + 2 and max(errors.values()) < 1e-5, errors
    assert net.params["W1_dense1"] is block.layers[0].layers[2].W


# --- behaviour ---------------------------------------------------------------------------------

def test_block_output_is_the_concatenation_of_input_and_every_layer():
    block = DenseBlock(3, 2, 3, dtype=np.float64, seed=0)
    x = np.random.default_rng(0).standard_normal((2, 2, 4, 4))
    y = block.forward(x)
    features = x
    for layer in block.layers:   # the same layers, fed by an explicit np.concatenate
        features = np.concatenate([features, layer.forward(features)], axis=1)
    np.testing.assert_allclose(y, features, rtol=0, atol=1e-12)


def test_backward_does_not_change_dout():
    block = DenseBlock(2, 2, 2, dtype=np.float64, seed=0)
    y = block.forward(np.ones((2, 2, 3, 3)) + np.arange(9.0).reshape(3, 3))
    dout = np.random.default_rng(0).standard_normal(y.shape)
    kept = dout.copy()
    block.backward(dout)
    np.testing.assert_array_equal(dout, kept)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layers_compute_in_their_dtype(dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4))   # float64 in
    for layer in (DenseLayer(3, 2, dtype=dtype, seed=0), DenseBlock(2, 3, 2, dtype=dtype, seed=0),
                  TransitionLayer(3, dtype=dtype, seed=0), ConvStack(2, 3, 2, dtype=dtype, seed=0)):
        y = layer.forward(x)
        assert y.dtype == dtype and layer.backward(np.ones_like(y)).dtype == dtype, layer


def test_seeds_make_the_same_layers():
    a, b = DenseBlock(2, 3, 2, seed=5), DenseBlock(2, 3, 2, seed=5)
    assert all(np.array_equal(a.params[n], b.params[n]) for n in a.parameter_names)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="growth_rate must be an integer >= 1, got 0"):
        DenseBlock(2, 3, 0)
    with pytest.raises(ValueError, match="compression must be in \\(0, 1\\]"):
        TransitionLayer(4, 1.5)
    with pytest.raises(ValueError, match="DenseBlock.forward: x has 2 channels"):
        DenseBlock(2, 3, 2).forward(np.ones((1, 2, 4, 4)))
    with pytest.raises(ValueError, match="DenseLayer.forward: x must be 4-D"):
        DenseLayer(3, 2).forward(np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="DenseBlock.backward: call forward first"):
        DenseBlock(2, 3, 2).backward(np.ones((1, 7, 4, 4)))
    with pytest.raises(ValueError, match="identity shortcuts need in_channels == growth_rate"):
        ConvStack(2, 3, 2, shortcut=True)


# --- PyTorch ------------------------------------------------------------------------------------

@pytest.fixture(params=SOURCES)
def torch_values(request):
    return reference("densenet", request.param)


def load(layer, ref, case):
    for name in layer.parameter_names:
        getattr(layer, name)[...] = ref[f"{case}.{name}"]   # in place: the sublayers hold these arrays


def test_block_matches_pytorch(torch_values):
    ref, settings = torch_values, recorder("densenet").BLOCK
    block = DenseBlock(settings["num_layers"], settings["in_channels"], settings["growth_rate"], dtype=np.float64)
    load(block, ref, "block")
    np.testing.assert_allclose(block.forward(ref["block.x"]), ref["block.y"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(block.backward(ref["block.dout"]), ref["block.dx"], rtol=1e-9, atol=1e-11)
    for name in block.parameter_names:
        np.testing.assert_allclose(getattr(block, "d" + name), ref[f"block.d{name}"], rtol=1e-9, atol=1e-11, err_msg=name)


def test_transition_matches_pytorch(torch_values):
    ref, settings = torch_values, recorder("densenet").TRANSITION
    layer = TransitionLayer(settings["in_channels"], settings["out_channels"] / settings["in_channels"], dtype=np.float64)
    load(layer, ref, "transition")
    np.testing.assert_allclose(layer.forward(ref["transition.x"]), ref["transition.y"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.backward(ref["transition.dout"]), ref["transition.dx"], rtol=1e-9, atol=1e-11)
    for name in layer.parameter_names:
        np.testing.assert_allclose(getattr(layer, "d" + name), ref[f"transition.d{name}"], rtol=1e-9, atol=1e-11)
