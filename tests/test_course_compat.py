"""The course's exercise code runs on dl_notes with only its imports changed.

Each test is a course notebook cell (or book script) as students have it, with
``from common import ...`` replaced by ``dl_notes`` imports, run end to end on small random
data shaped like MNIST (784 features in [0, 1), float32, or (1, 28, 28) images; one-hot float64
or uint8 labels, as ``load_mnist`` returns them). Only the numbers of samples and iterations
are smaller. Global ``np.random`` calls are the students' own code, kept as they wrote it.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

# --- the changed imports (the course: `from common import layers, optimizer` and friends) ------
from dl_notes import layers, optim as optimizer
from dl_notes.nets import MultiLayerNet, SimpleConvNet
from dl_notes.train import Trainer


def load_mnist_like(one_hot_label=True, flatten=True, n_train=300, n_test=100, seed=0):
    """Random data shaped and typed like ``load_mnist(normalize=True, ...)``."""
    rng = np.random.default_rng(seed)
    shape = (784,) if flatten else (1, 28, 28)
    x_train, x_test = (rng.random((n, *shape), dtype=np.float32) for n in (n_train, n_test))
    t_train, t_test = (rng.integers(0, 10, n).astype(np.uint8) for n in (n_train, n_test))
    if one_hot_label:
        t_train, t_test = np.eye(10)[t_train], np.eye(10)[t_test]
    return (x_train, t_train), (x_test, t_test)


def assert_sane(accuracies, losses):
    assert all(0 <= a <= 1 for a in accuracies)
    assert np.all(np.isfinite(losses))


# 2_2_2_vanishing_gradient_modified and its "try" cells: the activation x initialisation grid.
@pytest.mark.parametrize("activation, weight_init_std, use_batchnorm", [
    ("sigmoid", 0.01, False), ("relu", 0.01, False), ("sigmoid", "Xavier", False), ("relu", "He", False),
    ("sigmoid", "He", False), ("relu", "Xavier", False), ("sigmoid", "Xavier", True), ("relu", "He", True),
])
def test_vanishing_gradient_grid(activation, weight_init_std, use_batchnorm):
    (x_train, d_train), (x_test, d_test) = load_mnist_like(one_hot_label=True)

    network = MultiLayerNet(input_size=784, hidden_size_list=[40, 20], output_size=10, activation=activation,
                            weight_init_std=weight_init_std, use_batchnorm=use_batchnorm)
    iters_num = 20
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1
    train_loss_list, accuracies_train, accuracies_test = [], [], []
    plot_interval = 10

    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        d_batch = d_train[batch_mask]

        grad = network.gradient(x_batch, d_batch)
        for key in ('W1', 'W2', 'W3', 'b1', 'b2', 'b3'):
            network.params[key] -= learning_rate * grad[key]

        loss = network.loss(x_batch, d_batch)
        train_loss_list.append(loss)

        if (i + 1) % plot_interval == 0:
            accr_test = network.accuracy(x_test, d_test)
            accuracies_test.append(accr_test)
            accr_train = network.accuracy(x_batch, d_batch)
            accuracies_train.append(accr_train)

    assert len(accuracies_test) == 2
    assert_sane(accuracies_train + accuracies_test, train_loss_list)


# 2_3_batch_normalization: integer labels, only W and b updated by hand.
def test_batch_normalization_notebook():
    (x_train, d_train), (x_test, d_test) = load_mnist_like(one_hot_label=False)
    network = MultiLayerNet(input_size=784, hidden_size_list=[40, 20], output_size=10,
                            activation='sigmoid', weight_init_std='Xavier', use_batchnorm=True)
    learning_rate = 0.01
    losses = []
    for i in range(10):
        batch_mask = np.random.choice(x_train.shape[0], 100)
        x_batch, d_batch = x_train[batch_mask], d_train[batch_mask]
        grad = network.gradient(x_batch, d_batch)
        for key in ('W1', 'W2', 'W3', 'b1', 'b2', 'b3'):
            network.params[key] -= learning_rate * grad[key]
        losses.append(network.loss(x_batch, d_batch))
    assert_sane([network.accuracy(x_test, d_test)], losses)


# 2_4_optimizer: the update rules written by hand (Momentum, AdaGrad from Momentum, RMSprop, Adam).
@pytest.mark.parametrize("method", ["momentum", "adagrad", "rmsprop", "adam"])
def test_optimizer_notebook_hand_written_rules(method):
    (x_train, d_train), (x_test, d_test) = load_mnist_like()
    network = MultiLayerNet(input_size=784, hidden_size_list=[40, 20], output_size=10, activation='sigmoid',
                            weight_init_std=0.01, use_batchnorm=False)
    learning_rate, momentum, decay_rate, beta1, beta2 = 0.01, 0.9, 0.99, 0.9, 0.999
    losses = []
    for i in range(10):
        batch_mask = np.random.choice(x_train.shape[0], 100)
        x_batch, d_batch = x_train[batch_mask], d_train[batch_mask]
        grad = network.gradient(x_batch, d_batch)
        if i == 0:
            v, h, m = {}, {}, {}
        for key in ('W1', 'W2', 'W3', 'b1', 'b2', 'b3'):
            if method == "momentum":
                if i == 0:
                    v[key] = np.zeros_like(network.params[key])
                v[key] = momentum * v[key] - learning_rate * grad[key]
                network.params[key] += v[key]
            elif method == "adagrad":
                if i == 0:
                    h[key] = np.full_like(network.params[key], 1e-4)
                h[key] += np.square(grad[key])
                network.params[key] -= learning_rate * grad[key] / np.sqrt(h[key])
            elif method == "rmsprop":
                if i == 0:
                    h[key] = np.zeros_like(network.params[key])
                h[key] *= decay_rate
                h[key] += (1 - decay_rate) * np.square(grad[key])
                network.params[key] -= learning_rate * grad[key] / (np.sqrt(h[key]) + 1e-7)
            else:
                if i == 0:
                    m[key] = np.zeros_like(network.params[key])
                    v[key] = np.zeros_like(network.params[key])
                m[key] += (1 - beta1) * (grad[key] - m[key])
                v[key] += (1 - beta2) * (grad[key] ** 2 - v[key])
                lr_t = learning_rate * np.sqrt(1.0 - beta2 ** (i + 1)) / (1.0 - beta1 ** (i + 1))
                network.params[key] -= lr_t * m[key] / (np.sqrt(v[key]) + 1e-7)
        losses.append(network.loss(x_batch, d_batch))
    assert_sane([network.accuracy(x_test, d_test)], losses)


# 2_5_overfiting: L2 and L1 by hand over the hidden layers, then dropout with an optimizer object.
@pytest.mark.parametrize("penalty", ["L2", "L1"])
def test_overfitting_notebook_penalties_by_hand(penalty):
    (x_train, d_train), (x_test, d_test) = load_mnist_like()
    network = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100], output_size=10)
    learning_rate = 0.01 if penalty == "L2" else 0.1
    weight_decay_lambda = 0.1 if penalty == "L2" else 0.005
    losses = []
    for i in range(5):
        batch_mask = np.random.choice(x_train.shape[0], 100)
        x_batch, d_batch = x_train[batch_mask], d_train[batch_mask]
        grad = network.gradient(x_batch, d_batch)
        weight_decay = 0
        for idx in range(1, network.hidden_layer_num + 1):
            W = network.params['W' + str(idx)]
            if penalty == "L2":
                grad['W' + str(idx)] = network.layers['Affine' + str(idx)].dW + weight_decay_lambda * W
                weight_decay += 0.5 * weight_decay_lambda * np.sqrt(np.sum(W ** 2))
            else:
                grad['W' + str(idx)] = network.layers['Affine' + str(idx)].dW + weight_decay_lambda * np.sign(W)
                weight_decay += weight_decay_lambda * np.sum(np.abs(W))
            grad['b' + str(idx)] = network.layers['Affine' + str(idx)].db
            network.params['W' + str(idx)] -= learning_rate * grad['W' + str(idx)]
            network.params['b' + str(idx)] -= learning_rate * grad['b' + str(idx)]
        losses.append(network.loss(x_batch, d_batch) + weight_decay)
    assert_sane([network.accuracy(x_train, d_train), network.accuracy(x_test, d_test)], losses)


def test_overfitting_notebook_dropout_with_optimizer():
    (x_train, d_train), (x_test, d_test) = load_mnist_like()
    network = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100], output_size=10,
                            weight_decay_lambda=0.004, use_dropout=True, dropout_ratio=0.08)
    optimiser = optimizer.SGD(learning_rate=0.01)
    losses = []
    for i in range(5):
        batch_mask = np.random.choice(x_train.shape[0], 100)
        grad = network.gradient(x_train[batch_mask], d_train[batch_mask])
        optimiser.update(network.params, grad)
        losses.append(network.loss(x_train[batch_mask], d_train[batch_mask]))
    assert_sane([network.accuracy(x_test, d_test)], losses)


# The book's overfit_dropout.py (MultiLayerNetExtend, `dropout_ration`, the book's Trainer keywords)
# and the course's Trainer keywords (`optimizer_name`, `learning_rate`, its 'rmsprpo').
@pytest.mark.parametrize("trainer_kwargs", [
    dict(optimizer='sgd', optimizer_param={'lr': 0.01}),
    dict(optimizer_name='SGD', optimizer_param={'learning_rate': 0.01}),
    dict(optimizer_name='rmsprpo', optimizer_param={'learning_rate': 0.01}),
], ids=["book", "course", "course-rmsprpo"])
def test_trainer_script(trainer_kwargs):
    (x_train, t_train), (x_test, t_test) = load_mnist_like(one_hot_label=False)
    network = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100], output_size=10,
                            use_dropout=True, dropout_ration=0.2)
    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=3, mini_batch_size=100,
                      verbose=False, **trainer_kwargs)
    trainer.train()
    train_acc_list, test_acc_list = trainer.train_acc_list, trainer.test_acc_list
    assert len(train_acc_list) == len(test_acc_list) == 4  # before training and after each epoch
    assert len(trainer.train_loss_list) == 9
    assert_sane(train_acc_list + test_acc_list, trainer.train_loss_list)


# 2_6_simple_convolution_network: SimpleConvNet with Adam(), its accuracy on image batches.
def test_simple_convolution_network_notebook():
    (x_train, d_train), (x_test, d_test) = load_mnist_like(one_hot_label=False, flatten=False, n_train=60, n_test=20)
    network = SimpleConvNet(input_dim=(1, 28, 28), conv_param={'filter_num': 30, 'filter_size': 5, 'pad': 0, 'stride': 1},
                            hidden_size=100, output_size=10, weight_init_std=0.01)
    opt = optimizer.Adam()
    losses, accuracies = [], []
    for i in range(2):
        batch_mask = np.random.choice(x_train.shape[0], 20)
        x_batch, d_batch = x_train[batch_mask], d_train[batch_mask]
        grad = network.gradient(x_batch, d_batch)
        opt.update(network.params, grad)
        losses.append(network.loss(x_batch, d_batch))
        accuracies += [network.accuracy(x_batch, d_batch), network.accuracy(x_test, d_test)]
    assert_sane(accuracies, losses)


# ch07/gradient_check.py: backprop against the numerical gradient on one 10x10 image, T of shape (1, 1).
# (X is seeded here: with an unlucky X two pooled values lie within h of each other and the max flips.)
def test_convnet_gradient_check_script():
    network = SimpleConvNet(input_dim=(1, 10, 10), conv_param={'filter_num': 10, 'filter_size': 3, 'pad': 0, 'stride': 1},
                            hidden_size=10, output_size=10, weight_init_std=0.01, dtype=np.float64, seed=0)
    X = np.random.default_rng(1).random(100).reshape((1, 1, 10, 10))
    T = np.array([1]).reshape((1, 1))
    grad_num = network.numerical_gradient(X, T)
    grad = network.gradient(X, T)
    for key, val in grad_num.items():
        assert np.abs(grad[key] - val).mean() < 1e-7, key


# 2_1_network_modified: a student's own TwoLayerNet from the course's layers.
def test_two_layer_net_from_layers():
    class TwoLayerNet:
        def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
            self.params = {}
            self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)
            self.params['b1'] = np.zeros(hidden_size)
            self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)
            self.params['b2'] = np.zeros(output_size)
            self.layers = OrderedDict()
            self.layers['Affine1'] = layers.Affine(self.params['W1'], self.params['b1'])
            self.layers['Relu1'] = layers.Relu()
            self.layers['Affine2'] = layers.Affine(self.params['W2'], self.params['b2'])
            self.lastLayer = layers.SoftmaxWithLoss()

        def predict(self, x):
            for layer in self.layers.values():
                x = layer.forward(x)
            return x

        def loss(self, x, d):
            return self.lastLayer.forward(self.predict(x), d)

        def accuracy(self, x, d):
            y = np.argmax(self.predict(x), axis=1)
            if d.ndim != 1:
                d = np.argmax(d, axis=1)
            return np.sum(y == d) / float(x.shape[0])

        def gradient(self, x, d):
            self.loss(x, d)
            dout = self.lastLayer.backward(1)
            for layer in reversed(list(self.layers.values())):
                dout = layer.backward(dout)
            return {'W1': self.layers['Affine1'].dW, 'b1': self.layers['Affine1'].db,
                    'W2': self.layers['Affine2'].dW, 'b2': self.layers['Affine2'].db}

    (x_train, d_train), (x_test, d_test) = load_mnist_like()
    network = TwoLayerNet(input_size=784, hidden_size=40, output_size=10)
    losses = []
    for i in range(10):
        batch_mask = np.random.choice(x_train.shape[0], 100)
        grad = network.gradient(x_train[batch_mask], d_train[batch_mask])
        for key in ('W1', 'W2', 'b1', 'b2'):
            network.params[key] -= 0.1 * grad[key]
        losses.append(network.loss(x_train[batch_mask], d_train[batch_mask]))
    assert_sane([network.accuracy(x_test, d_test)], losses)
    # A student's own network works with the Trainer too (it logs the loss with one more forward pass).
    trainer = Trainer(network, x_train, d_train, x_test, d_test, epochs=1, verbose=False, seed=0)
    trainer.train()
    assert len(trainer.train_loss_list) == 3


def test_the_course_layer_names_import_from_dl_notes_layers():
    """`from common.layers import ...` becomes `from dl_notes.layers import ...` for every layer."""
    import dl_notes.layers as layers

    course = ["Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Dropout", "BatchNormalization", "Convolution", "Pooling"]
    assert [name for name in course if not hasattr(layers, name)] == []


# 2_6 "[try] im2col の処理を確認しよう" (seed 004): the report's check function, kept verbatim (only
# the import changed) in the conv_geometry experiment, whose printout the im2col page shows. Case C
# (6x6, 3x3, stride 2) does not divide: the course's im2col rounds down and the report prints a 4x9
# matrix; so must dl_notes (the course's is float64, ours keeps int).
def test_the_report_im2col_check_code(capsys):
    from dl_notes.experiments.conv_geometry import show_im2col
    from dl_notes.windows import im2col

    # ケースA
    show_im2col((1,1,4,4), (2,2), stride=1, pad=0)
    # ケースB
    show_im2col((1,1,4,4), (2,2), stride=1, pad=1)
    # ケースC
    show_im2col((1,1,6,6), (3,3), stride=2, pad=0)

    printed = capsys.readouterr().out
    assert printed.startswith("\nx.shape")
    printed = printed.strip("\n").split("\n\n")          # one block per case, after its print()
    assert len(printed) == 3
    assert "OH,OW = (3, 3)\ncol.shape = (9, 4)" in printed[0]
    assert "OH,OW = (5, 5)\ncol.shape = (25, 4)" in printed[1]
    assert "OH,OW = (2, 2)\ncol.shape = (4, 9)" in printed[2]
    # the report's printout of case C, as numbers (its copy prints floats: "[[ 0. 1. 2. ...")
    report = """[[ 0. 1. 2. 6. 7. 8. 12. 13. 14.]
                [ 2. 3. 4. 8. 9. 10. 14. 15. 16.]
                [12. 13. 14. 18. 19. 20. 24. 25. 26.]
                [14. 15. 16. 20. 21. 22. 26. 27. 28.]]"""
    numbers = [int(float(v)) for v in report.replace("[", " ").replace("]", " ").split()]
    ours = printed[2].split("col (先頭5行)\n")[1]
    assert [int(v) for v in ours.replace("[", " ").replace("]", " ").split()] == numbers
    x = np.arange(36).reshape(1, 1, 6, 6)
    np.testing.assert_array_equal(im2col(x, 3, 3, stride=2, pad=0), np.reshape(numbers, (4, 9)))
    with pytest.raises(ValueError, match=r"im2col: .* = 3 is not divisible by stride = 2 \(strict=True\)"):
        im2col(x, 3, 3, stride=2, pad=0, strict=True)


# The same notebook's col2im check on case C: folding the 4x9 matrix back, the last row and column
# (in no window) come back as zeros.
def test_the_report_col2im_on_the_rounded_down_case():
    from dl_notes.windows import col2im, im2col

    x = np.arange(36).reshape(1, 1, 6, 6)
    img = col2im(im2col(x, 3, 3, stride=2, pad=0), x.shape, 3, 3, stride=2, pad=0)
    assert (img[0, 0, 5, :] == 0).all() and (img[0, 0, :, 5] == 0).all()
    assert (img[0, 0, :5, :5] >= x[0, 0, :5, :5]).all()
