"""dl_notes.nets: gradient checks with every option, the course's interface, dtype and bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dl_notes.gradcheck import check_network
from dl_notes.layers import Affine, BatchNormalization, Convolution, Dropout, InstanceNorm, LayerNorm, Pooling, Relu, Sigmoid, Tanh
from dl_notes.nets import MultiLayerNet, Network, SimpleConvNet, TwoLayerNet
from dl_notes.train import Trainer
from dl_notes.regularizers import L1, ElasticNet


def data(seed, N=6, D=5, K=3, one_hot=False):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, D))
    t = rng.integers(0, K, N)
    return x, (np.eye(K)[t] if one_hot else t)


def off_kinks(net):
    """Non-zero biases: with zero biases a sample whose ReLUs are all off feeds exactly 0 to the next ReLU."""
    rng = np.random.default_rng(0)
    for key, param in net.params.items():
        if key.startswith("b"):
            param += 0.5 + rng.random(param.shape)


# --- gradient checks (float64): every activation x batch norm x dropout x weight decay ------------

OPTIONS = [
    dict(activation=a, use_batchnorm=bn, use_dropout=do, weight_decay_lambda=wd)
    for a, bn, do, wd in itertools.product(["relu", "sigmoid", "tanh"], [False, True], [False, True], [0, 0.1])
]


def option_id(o):
    return f"{o['activation']}-bn{int(o['use_batchnorm'])}-dropout{int(o['use_dropout'])}-wd{o['weight_decay_lambda']}"


@pytest.mark.parametrize("options", OPTIONS, ids=option_id)
def test_multilayer_gradient_matches_numerical(options):
    net = MultiLayerNet(5, [4, 3], 3, weight_init_std=0.8, dropout_ratio=0.3, dtype=np.float64, seed=11, **options)
    off_kinks(net)
    x, t = data(sum(option_id(options).encode()))
    errors = check_network(net, x, t, seed=2)
    assert list(errors) == list(net.params)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("regularizer", [L1(0.05), ElasticNet(0.05, l1_ratio=0.3)], ids=repr)
def test_multilayer_gradient_with_other_penalties(regularizer):
    net = MultiLayerNet(5, [4], 3, activation="tanh", regularizer=regularizer, dtype=np.float64, seed=3)
    errors = check_network(net, *data(4, one_hot=True))
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("conv_param", [
    {"filter_num": 3, "filter_size": 3, "pad": 0, "stride": 1},
    {"filter_num": 2, "filter_size": 3, "pad": 1, "stride": 1},
    {"filter_num": 2, "filter_size": 2, "pad": 0, "stride": 2},
], ids=lambda c: "fn{filter_num}-fs{filter_size}-pad{pad}-stride{stride}".format(**c))
def test_simple_convnet_gradient_matches_numerical(conv_param):
    net = SimpleConvNet((2, 8, 8), conv_param, hidden_size=5, output_size=3, weight_init_std=0.3,
                        dtype=np.float64, seed=5)
    off_kinks(net)
    rng = np.random.default_rng(6)
    x, t = rng.standard_normal((3, 2, 8, 8)), rng.integers(0, 3, 3)
    errors = check_network(net, x, t)
    assert list(errors) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert max(errors.values()) < 1e-6, errors


def test_numerical_gradient_method_agrees_with_gradient():
    net = MultiLayerNet(4, [3], 2, use_batchnorm=True, dtype=np.float64, seed=0)
    x, t = data(1, N=4, D=4, K=2, one_hot=True)
    numeric = net.numerical_gradient(x, t)
    analytic = net.gradient(x, t)
    assert set(numeric) == set(analytic) == set(net.params)
    for key in net.params:
        np.testing.assert_allclose(analytic[key], numeric[key], rtol=1e-5, atol=1e-8, err_msg=key)


# --- the course's interface ---------------------------------------------------------------------

def test_multilayer_layout_matches_the_course():
    net = MultiLayerNet(784, [100, 50], 10, use_dropout=True, use_batchnorm=True, seed=0)
    assert list(net.layers) == [
        "Affine1", "BatchNorm1", "Activation_function1", "Dropout1",
        "Affine2", "BatchNorm2", "Activation_function2", "Dropout2", "Affine3"]
    assert set(net.params) == {"W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"}
    assert net.hidden_layer_num == 2 and net.hidden_size_list == [100, 50]
    assert net.input_size == 784 and net.output_size == 10
    assert all(net.params[f"b{i}"].sum() == 0 for i in (1, 2, 3))
    assert net.params["gamma1"].sum() == 100 and net.params["beta2"].sum() == 0


@pytest.mark.parametrize("activation, layer", [("relu", Relu), ("ReLU", Relu), ("sigmoid", Sigmoid), ("tanh", Tanh)])
def test_activation_choice(activation, layer):
    net = MultiLayerNet(3, [2], 2, activation=activation, seed=0)
    assert isinstance(net.layers["Activation_function1"], layer)


@pytest.mark.parametrize("weight_init_std, std", [
    (0.01, 0.01), ("relu", np.sqrt(2 / 400)), ("He", np.sqrt(2 / 400)), ("sigmoid", np.sqrt(1 / 400)),
    ("Xavier", np.sqrt(1 / 400)),
])
def test_weight_init_std(weight_init_std, std):
    net = MultiLayerNet(400, [300], 10, weight_init_std=weight_init_std, seed=0)
    assert net.params["W1"].std() == pytest.approx(std, rel=0.02)


def test_book_spelling_dropout_ration():
    net = MultiLayerNet(3, [2], 2, use_dropout=True, dropout_ration=0.2, seed=0)
    assert net.layers["Dropout1"].dropout_ratio == 0.2


def test_params_are_the_layers_arrays():
    net = MultiLayerNet(4, [3], 2, use_batchnorm=True, seed=0)
    assert net.params["W1"] is net.layers["Affine1"].W
    assert net.params["gamma1"] is net.layers["BatchNorm1"].gamma
    x = np.ones((2, 4), dtype=np.float32)
    before = net.predict(x)
    net.params["W2"] -= 1.0  # the course's manual update
    assert not np.allclose(net.predict(x), before)


def test_loss_includes_weight_decay_and_gradient_its_derivative():
    net = MultiLayerNet(4, [3], 2, weight_decay_lambda=0.5, dtype=np.float64, seed=0)
    plain = MultiLayerNet(4, [3], 2, dtype=np.float64, seed=0)
    x, t = data(2, N=3, D=4, K=2)
    penalty = 0.25 * sum(np.sum(net.params[k] ** 2) for k in ("W1", "W2"))
    assert net.loss(x, t) == pytest.approx(plain.loss(x, t) + penalty)
    np.testing.assert_allclose(net.gradient(x, t)["W1"], plain.gradient(x, t)["W1"] + 0.5 * net.params["W1"])
    np.testing.assert_array_equal(net.gradient(x, t)["b1"], plain.gradient(x, t)["b1"])


def test_labels_or_one_hot_give_the_same_results():
    net = MultiLayerNet(5, [4], 3, dtype=np.float64, seed=0)
    x, t = data(3)
    one_hot = np.eye(3)[t]
    assert net.loss(x, t) == pytest.approx(net.loss(x, one_hot))
    assert net.accuracy(x, t) == net.accuracy(x, one_hot)
    for key, grad in net.gradient(x, t).items():
        np.testing.assert_allclose(grad, net.gradient(x, one_hot)[key], err_msg=key)


def test_train_flg_switches_batchnorm_and_dropout():
    net = MultiLayerNet(5, [8], 3, use_batchnorm=True, use_dropout=True, seed=0)
    x, t = data(4)
    assert np.array_equal(net.predict(x), net.predict(x))  # inference is deterministic
    assert not np.array_equal(net.predict(x, train_flg=True), net.predict(x, train_flg=True))
    assert net.layers["Dropout1"].mask is not None
    net.predict(x[:1])  # one sample is fine in inference


def test_float32_by_default_float64_on_request():
    net = MultiLayerNet(5, [4], 3, use_batchnorm=True, seed=0)
    x, t = data(5)  # float64 data
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert net.predict(x).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.gradient(x, t).values())
    net64 = MultiLayerNet(5, [4], 3, dtype=np.float64, seed=0)
    assert net64.predict(x.astype(np.float32)).dtype == np.float64


def test_gradient_records_the_loss_of_its_forward_pass():
    net = MultiLayerNet(5, [4], 3, dtype=np.float64, seed=0)
    x, t = data(6)
    net.gradient(x, t)
    assert net.last_loss == pytest.approx(net.loss(x, t, train_flg=True))


def test_same_seed_same_network():
    a, b = (MultiLayerNet(5, [4], 3, use_dropout=True, seed=9) for _ in range(2))
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    x = np.ones((2, 5))
    np.testing.assert_array_equal(a.predict(x, train_flg=True), b.predict(x, train_flg=True))


def test_accuracy_counts_every_sample_in_batches():
    net = SimpleConvNet((1, 6, 6), {"filter_num": 2, "filter_size": 3}, hidden_size=4, output_size=3, seed=0)
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((7, 1, 6, 6)), rng.integers(0, 3, 7)
    assert net.accuracy(x, t, batch_size=3) == net.accuracy(x, t)
    assert net.accuracy(x, t) * 7 == pytest.approx(round(net.accuracy(x, t) * 7))


def test_simple_convnet_course_defaults():
    net = SimpleConvNet(seed=0)
    shapes = {key: p.shape for key, p in net.params.items()}
    assert shapes == {"W1": (30, 1, 5, 5), "b1": (30,), "W2": (4320, 100), "b2": (100,), "W3": (100, 10), "b3": (10,)}
    assert net.params["W1"].std() == pytest.approx(0.01, rel=0.1)
    assert net.predict(np.zeros((2, 1, 28, 28))).shape == (2, 10)


def test_save_and_load_params_keep_the_layers_in_sync(tmp_path):
    net = MultiLayerNet(4, [3], 2, seed=0)
    path = tmp_path / "params.pkl"
    net.save_params(str(path))
    saved = {k: v.copy() for k, v in net.params.items()}
    other = MultiLayerNet(4, [3], 2, seed=1)
    W1 = other.params["W1"]
    other.load_params(str(path))
    assert other.params["W1"] is W1 is other.layers["Affine1"].W
    for key in saved:
        np.testing.assert_array_equal(other.params[key], saved[key])
    with pytest.raises(ValueError, match=r"W1 has shape \(4, 3\), the network's has \(4, 5\)"):
        MultiLayerNet(4, [5], 2, seed=0).load_params(str(path))


# --- a custom stack on the public Network ------------------------------------------------------

NORMS = {
    "batch": lambda C: BatchNormalization(np.ones(C), np.zeros(C)),
    "layer": lambda C: LayerNorm(np.ones((C, 6, 6)), np.zeros((C, 6, 6))),
    "instance": lambda C: InstanceNorm(np.ones(C), np.zeros(C)),
}


def conv_stack(norm, C=2, K=3, seed=0):
    """conv 3x3 (pad 1) -> norm -> ReLU -> 2x2 max pooling -> affine, in float64, built by add_layer."""
    rng = np.random.default_rng(seed)
    net = Network(dtype=np.float64)
    net.add_layer("Conv1", Convolution(0.5 * rng.standard_normal((C, 1, 3, 3)), np.zeros(C), stride=1, pad=1),
                  W="W1", b="b1")
    net.add_layer("Norm1", NORMS[norm](C), gamma="gamma1", beta="beta1")
    net.add_layer("Relu1", Relu())
    net.add_layer("Pool1", Pooling(2, 2, stride=2))
    net.add_layer("Affine1", Affine(0.5 * rng.standard_normal((C * 3 * 3, K)), np.zeros(K)), W="W2", b="b2")
    return net


@pytest.mark.parametrize("norm", list(NORMS))
def test_custom_conv_stack_gradient_matches_numerical(norm):
    net = conv_stack(norm)
    net.params["beta1"] += 0.3  # off the ReLU's kink at 0 for normalised values
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((4, 1, 6, 6)), rng.integers(0, 3, 4)
    errors = check_network(net, x, t)
    assert list(errors) == ["W1", "b1", "gamma1", "beta1", "W2", "b2"]
    assert max(errors.values()) < 1e-6, errors


def test_custom_stack_params_are_the_layers_arrays_and_save_load(tmp_path):
    net = conv_stack("batch")
    assert net.params["gamma1"] is net.layers["Norm1"].gamma and net.params["W2"] is net.layers["Affine1"].W
    path = tmp_path / "stack.npz"
    net.save_params(str(path))
    other = conv_stack("batch", seed=1)
    other.load_params(str(path))
    for key in net.params:
        np.testing.assert_array_equal(other.params[key], net.params[key])
    assert other.params["W1"] is other.layers["Conv1"].W


def test_a_custom_layer_with_train_flg_gets_it():
    class Noisy:  # doubles its input in training only
        def forward(self, x, train_flg=True):
            self.train_flg = train_flg
            return 2 * x if train_flg else x

        def backward(self, dout):
            return 2 * dout if self.train_flg else dout

    net = Network(dtype=np.float64)
    net.add_layer("Affine1", Affine(np.eye(2), np.zeros(2)), W="W1", b="b1")
    net.add_layer("Noisy1", Noisy())
    x = np.array([[1.0, -1.0]])
    np.testing.assert_array_equal(net.predict(x), x)
    np.testing.assert_array_equal(net.predict(x, train_flg=True), 2 * x)


def test_add_layer_refuses_reused_names_and_missing_attributes():
    net = Network()
    net.add_layer("Relu1", Relu())
    with pytest.raises(ValueError, match="a layer named 'Relu1' exists already"):
        net.add_layer("Relu1", Relu())
    with pytest.raises(AttributeError, match="Relu has no attribute 'W'"):
        net.add_layer("Relu2", Relu(), W="W1")
    net.add_layer("Affine1", Affine(np.ones((2, 2), np.float32), np.zeros(2, np.float32)), W="W1", b="b1")
    with pytest.raises(ValueError, match=r"params keys \['W1'\] are already used"):
        net.add_layer("Affine2", Affine(np.ones((2, 2), np.float32), np.zeros(2, np.float32)), W="W1")


# --- labels: one reading in loss and accuracy ---------------------------------------------------

def trained_separable(seed=0, N=60):
    """A net that has learned a separable 3-class problem, so that its accuracy is far from chance."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 3, N)
    x = np.eye(3)[t] * 3 + 0.1 * rng.standard_normal((N, 3))
    net = MultiLayerNet(3, [8], 3, dtype=np.float64, seed=seed)
    Trainer(net, x, t, x, t, iterations=200, mini_batch_size=20, optimizer="Adam", optimizer_param={"lr": 0.05},
            verbose=False, seed=seed).train()
    return net, x, t


@pytest.fixture(scope="module")
def separable():
    return trained_separable()


def test_column_labels_read_as_indices_in_accuracy(separable):
    net, x, t = separable
    assert net.accuracy(x, t) > 0.9  # the premise: the net has learned
    assert net.accuracy(x, t[:, None]) == net.accuracy(x, t)
    assert net.loss(x, t[:, None]) == net.loss(x, t)


def test_column_labels_through_trainer_match_flat_labels():
    rng = np.random.default_rng(3)
    t = rng.integers(0, 3, 60)
    x = np.eye(3)[t] * 3 + 0.1 * rng.standard_normal((60, 3))
    accs = []
    for labels in (t, t[:, None]):
        net = MultiLayerNet(3, [8], 3, dtype=np.float64, seed=0)
        trainer = Trainer(net, x, labels, x, labels, iterations=50, mini_batch_size=20, optimizer="Adam",
                          optimizer_param={"lr": 0.05}, verbose=False, seed=0)
        trainer.train()
        accs.append(trainer.test_acc_list)
    assert accs[0] == accs[1]
    assert accs[0][-1] > 0.9


@pytest.mark.parametrize("method", ["loss", "accuracy"])
@pytest.mark.parametrize("n_labels", [5, 7, 1])
def test_labels_of_another_length_are_an_error(separable, method, n_labels):
    net, x, t = separable
    with pytest.raises(ValueError, match=rf"t must be labels of shape \(6,\).*got shape \({n_labels},\)"):
        getattr(net, method)(x[:6], t[:n_labels])


@pytest.mark.parametrize("method", ["predict", "loss", "accuracy", "gradient"])
def test_empty_batch_is_named(method):
    net = MultiLayerNet(4, [3], 2, seed=0)
    args = (np.zeros((0, 4)),) if method == "predict" else (np.zeros((0, 4)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match=r"MultiLayerNet\.\w+: x is an empty batch \(shape \(0, 4\)\)"):
        getattr(net, method)(*args)


def test_load_params_is_all_or_nothing(tmp_path):
    net = MultiLayerNet(4, [3], 2, seed=0)
    path = tmp_path / "params.npz"
    bad = {**net.params, "W2": np.zeros((3, 5), np.float32)}  # W1, b1 fit; W2, a later key, does not
    with open(path, "wb") as f:
        np.savez(f, **{k: (v if k == "W2" else v + 1) for k, v in bad.items()})
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(ValueError, match=r"W2 has shape \(3, 5\), the network's has \(3, 2\); no parameter was changed"):
        net.load_params(str(path))
    for key in before:
        np.testing.assert_array_equal(net.params[key], before[key], err_msg=key)


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    (dict(activation="gelu"), ValueError, "activation must be one of 'relu', 'sigmoid', 'tanh', got 'gelu'"),
    (dict(weight_init_std="glorot"), ValueError, "weight_init_std must be one of 'xavier', 'sigmoid', 'he', 'relu'"),
    (dict(weight_init_std=-0.1), ValueError, r"weight_init_std must be > 0, got -0.1"),
    (dict(weight_decay_lambda=-1), ValueError, r"weight_decay_lambda must be >= 0, got -1.0"),
    (dict(use_dropout=True, dropout_ratio=1.0), ValueError, r"dropout_ratio must be in \[0, 1\), got 1.0"),
    (dict(weight_decay_lambda=0.1, regularizer=L1(0.1)), ValueError, "give weight_decay_lambda or regularizer, not both"),
    (dict(dtype=np.int32), TypeError, "dtype must be float32 or float64, got int32"),
    (dict(seed=0, rng=np.random.default_rng(0)), ValueError, "give rng or seed, not both"),
], ids=["activation", "init", "init-negative", "lambda", "dropout", "two-penalties", "dtype", "rng-and-seed"])
def test_bad_options_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        MultiLayerNet(4, [3], 2, **kwargs)


def test_bad_sizes_are_named():
    with pytest.raises(ValueError, match=r"hidden_size_list\[1\] must be an integer >= 1, got 0"):
        MultiLayerNet(4, [3, 0], 2)
    with pytest.raises(TypeError, match="input_size must be an integer, got 4.5"):
        MultiLayerNet(4.5, [3], 2)


def test_wrong_input_width_is_named():
    net = MultiLayerNet(4, [3], 2, seed=0)
    with pytest.raises(ValueError, match=r"x has 5 features per sample \(shape \(2, 5\)\), but W has shape \(4, 3\)"):
        net.predict(np.ones((2, 5)))


def test_batchnorm_net_refuses_a_training_batch_of_one():
    net = MultiLayerNet(4, [3], 2, use_batchnorm=True, seed=0)
    with pytest.raises(ValueError, match="BatchNormalization in training needs at least 2 values per feature"):
        net.gradient(np.ones((1, 4)), np.array([1]))


def test_simple_convnet_bad_geometry_is_named():
    with pytest.raises(ValueError, match="the convolution's output is 7x7"):
        SimpleConvNet((1, 9, 9), {"filter_num": 2, "filter_size": 3})
    with pytest.raises(ValueError, match=r"conv_param has unknown keys \['filters'\]"):
        SimpleConvNet(conv_param={"filters": 3})
    # a stride that does not divide rounds down, as in the layers: (10 - 3)/2 + 1 = 4.5 -> 4x4 maps
    net = SimpleConvNet((1, 10, 10), {"filter_num": 2, "filter_size": 3, "stride": 2}, seed=0)
    assert net.params["W2"].shape[0] == 2 * 2 * 2 and net.predict(np.zeros((1, 1, 10, 10))).shape == (1, 10)


def test_network_layers_are_the_expected_types():
    net = MultiLayerNet(4, [3], 2, use_batchnorm=True, use_dropout=True, seed=0)
    assert isinstance(net.layers["BatchNorm1"], BatchNormalization)
    assert isinstance(net.layers["Dropout1"], Dropout)


# --- TwoLayerNet: the book's chapter 4-5 network ----------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_two_layer_gradient_matches_numerical(activation):
    net = TwoLayerNet(5, 4, 3, weight_init_std=0.8, activation=activation, seed=1)
    off_kinks(net)
    errors = check_network(net, *data(5))
    assert list(errors) == ["W1", "b1", "W2", "b2"]
    assert max(errors.values()) < 1e-7, errors


def test_two_layer_is_the_book_layout_in_float64():
    net = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=0)
    assert list(net.layers) == ["Affine1", "Relu1", "Affine2"]
    assert net.lastLayer is net.last_layer
    assert all(p.dtype == np.float64 for p in net.params.values())
    assert not net.params["b1"].any() and not net.params["b2"].any()
    assert abs(net.params["W1"].std() - 0.01) < 0.001  # weight_init_std=0.01, the book's default
    assert list(TwoLayerNet(4, 3, 2, activation="sigmoid", seed=0).layers) == ["Affine1", "Sigmoid1", "Affine2"]


def test_two_layer_book_numerical_gradient_is_the_backprop_one():
    """The book's gradient_check.py: numerical and backprop gradients agree to ~1e-10 in float64."""
    net = TwoLayerNet(784, 10, 10, seed=0)
    rng = np.random.default_rng(3)
    x, t = rng.random((3, 784)), np.eye(10)[[1, 4, 7]]
    grad_numerical = net.numerical_gradient(x, t)
    grad_backprop = net.gradient(x, t)
    for key in ("W1", "b1", "W2", "b2"):
        assert np.mean(np.abs(grad_backprop[key] - grad_numerical[key])) < 1e-8, key


@pytest.mark.parametrize("bad, message", [(dict(hidden_size=0), "hidden_size"), (dict(activation="elu"), "activation")])
def test_two_layer_bad_arguments(bad, message):
    args = dict(input_size=4, hidden_size=3, output_size=2) | bad
    with pytest.raises(ValueError, match=message):
        TwoLayerNet(**args)
