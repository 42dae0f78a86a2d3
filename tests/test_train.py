"""dl_notes.train: iteration counts, evaluation cadence, the logged loss, divergence, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes import optim
from dl_notes.nets import MultiLayerNet
from dl_notes.train import Trainer, TrainingDiverged


def toy(N=200, D=6, K=3, seed=0):
    """Separable data: the label is the argmax of a fixed linear map."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, D)).astype(np.float32)
    t = np.argmax(x @ rng.standard_normal((D, K)), axis=1)
    return x, t


def make(seed=0, **kwargs):
    x, t = toy()
    net = MultiLayerNet(6, [8], 3, seed=seed)
    kwargs = {"verbose": False, "seed": 1, **kwargs}
    return Trainer(net, x[:150], t[:150], x[150:], t[150:], **kwargs)


@pytest.mark.parametrize("epochs, batch, iterations, evaluations", [
    (4, 50, 12, [0, 3, 6, 9, 12]),       # 150 / 50 = 3 iterations per epoch
    (2, 100, 3, [0, 2, 3]),              # 1.5 per epoch: int(2 * 1.5) = 3, eval every round(1.5) = 2, and at the end
    (3, 300, 3, [0, 1, 2, 3]),           # a batch larger than the data: one iteration per epoch
])
def test_epochs_become_iterations(epochs, batch, iterations, evaluations):
    trainer = make(epochs=epochs, mini_batch_size=batch)
    trainer.train()
    assert trainer.max_iter == iterations == trainer.current_iter == len(trainer.train_loss_list)
    assert trainer.eval_iterations == evaluations
    assert len(trainer.train_acc_list) == len(trainer.test_acc_list) == len(evaluations)


def test_iterations_and_eval_every():
    trainer = make(iterations=10, eval_every=4, mini_batch_size=20)
    trainer.train()
    assert trainer.current_iter == 10 and trainer.eval_iterations == [0, 4, 8, 10]
    assert trainer.current_epoch == pytest.approx(10 / 7.5)


def test_logged_loss_is_the_loss_of_the_step_before_the_update():
    trainer = make(iterations=1, mini_batch_size=30)
    net = trainer.network
    batch = np.random.default_rng(1).integers(0, 150, 30)  # the trainer's generator, seed 1
    expected = net.loss(trainer.x_train[batch], trainer.t_train[batch], train_flg=True)
    trainer.train_step()
    assert trainer.train_loss_list == [pytest.approx(expected)]


def test_no_extra_forward_pass_per_step():
    trainer = make(iterations=5, eval_every=100, mini_batch_size=30)
    calls = []
    predict = trainer.network.predict
    trainer.network.predict = lambda x, train_flg=False: calls.append(len(x)) or predict(x, train_flg)
    for _ in range(5):
        trainer.train_step()
    assert calls == [30] * 5  # one forward pass (inside gradient) per iteration


def test_training_learns_and_is_reproducible():
    a, b = make(epochs=30, mini_batch_size=50, optimizer="Adam", optimizer_param={"lr": 0.01}), \
        make(epochs=30, mini_batch_size=50, optimizer="Adam", optimizer_param={"lr": 0.01})
    a.train()
    b.train()
    assert a.train_loss_list == b.train_loss_list
    assert np.mean(a.train_loss_list[-10:]) < 0.5 * np.mean(a.train_loss_list[:10])
    assert a.test_acc_list[-1] > 0.8


def test_evaluate_sample_num_per_epoch_limits_the_evaluation():
    trainer = make(iterations=2, evaluate_sample_num_per_epoch=10)
    sizes = []
    accuracy = trainer.network.accuracy
    trainer.network.accuracy = lambda x, t: sizes.append(len(x)) or accuracy(x, t)
    trainer.train()
    assert set(sizes) == {10}


@pytest.mark.parametrize("kwargs, cls, lr", [
    (dict(), optim.SGD, 0.01),
    (dict(optimizer="momentum", optimizer_param={"lr": 0.1}), optim.Momentum, 0.1),
    (dict(optimizer="Nesterov"), optim.Nesterov, 0.01),
    (dict(optimizer="AdaGrad", optimizer_param={"lr": 0.2}), optim.AdaGrad, 0.2),
    (dict(optimizer="rmsprop"), optim.RMSProp, 0.01),
    (dict(optimizer_name="rmsprpo", optimizer_param={"learning_rate": 0.3}), optim.RMSProp, 0.3),
    (dict(optimizer_name="Adam", optimizer_param={"learning_rate": 0.001}), optim.Adam, 0.001),
    (dict(optimizer=optim.Adam(lr=0.5)), optim.Adam, 0.5),
], ids=["default", "momentum", "nesterov", "adagrad", "rmsprop", "course-rmsprpo", "course-adam", "object"])
def test_optimizer_choice(kwargs, cls, lr):
    trainer = make(**kwargs)
    assert type(trainer.optimizer) is cls and trainer.optimizer.lr == lr


def test_divergence_stops_with_the_iteration():
    trainer = make(iterations=50, optimizer_param={"lr": 1e30})
    with pytest.raises(TrainingDiverged, match=r"training diverged at iteration (\d+) of 50 \(epoch [\d.]+\): "
                                               r".*; lower the learning rate \(optimizer SGD\(lr=1e\+30\)\)") as info:
        trainer.train()
    assert 1 < info.value.iteration <= 50
    assert trainer.current_iter == info.value.iteration - 1 == len(trainer.train_loss_list)


def test_a_non_finite_loss_stops_training():
    trainer = make(iterations=5)
    trainer.network.gradient = lambda x, t: {k: np.zeros_like(v) for k, v in trainer.network.params.items()}
    trainer.network.last_loss = float("inf")
    with pytest.raises(TrainingDiverged, match="at iteration 1 of 5 .*: the loss is inf") as info:
        trainer.train()
    assert info.value.iteration == 1 and info.value.loss == float("inf")


def test_verbose_shows_progress_and_the_final_accuracy(capsys):
    make(iterations=3, verbose=True).train()
    captured = capsys.readouterr()
    assert "final test accuracy: " in captured.out
    assert "training" in captured.err and "3/3" in captured.err


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(optimizer="adamw"), ValueError, "optimizer must be one of 'sgd', 'momentum', .*, got 'adamw'"),
    (dict(optimizer_param={"lr": -1}), ValueError, "lr must be > 0, got -1.0"),
    (dict(optimizer=optim.SGD(), optimizer_param={"lr": 0.1}), ValueError, "optimizer_param is for an optimizer given by name"),
    (dict(mini_batch_size=0), ValueError, "mini_batch_size must be an integer >= 1, got 0"),
    (dict(epochs=1.5), TypeError, r"epochs must be an integer, got 1.5 \(float\)"),
    (dict(eval_every=0), ValueError, "eval_every must be an integer >= 1, got 0"),
], ids=["optimizer-name", "lr", "param-with-object", "batch", "epochs", "eval-every"])
def test_bad_settings_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        make(**kwargs)


def test_bad_data_is_named():
    x, t = toy()
    net = MultiLayerNet(6, [8], 3, seed=0)
    with pytest.raises(ValueError, match="x_train has 200 samples but t_train has 199; they must match"):
        Trainer(net, x, t[:-1], x, t)
    x[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"x_test must be finite, but x_test\[3, 2\] = nan"):
        Trainer(net, x[10:20], t[10:20], x, t)


# --- record: what else to measure at each evaluation --------------------------------------------

def test_record_is_measured_at_each_evaluation_on_the_evaluated_data():
    seen = []

    def test_loss(trainer):
        seen.append(trainer.current_iter)
        return trainer.network.loss(*trainer.eval_test)

    trainer = make(iterations=6, eval_every=2, mini_batch_size=30, evaluate_sample_num_per_epoch=40,
                   record={"test_loss": test_loss, "iteration": lambda trainer: trainer.current_iter})
    trainer.train()
    assert trainer.eval_iterations == seen == [0, 2, 4, 6]
    assert trainer.records["iteration"] == [0.0, 2.0, 4.0, 6.0]
    assert trainer.eval_test[0].shape == (40, 6) and trainer.eval_train[1].shape == (40,)
    # The last value is the loss of the trained network on the evaluated test samples.
    assert trainer.records["test_loss"][-1] == trainer.network.loss(trainer.x_test[:40], trainer.t_test[:40])
    assert trainer.records["test_loss"][-1] < trainer.records["test_loss"][0]


def test_record_does_not_change_training():
    plain, recorded = make(iterations=4, eval_every=2), make(iterations=4, eval_every=2,
                                                             record={"n": lambda trainer: len(trainer.x_train)})
    plain.train(), recorded.train()
    assert plain.train_loss_list == recorded.train_loss_list
    assert plain.test_acc_list == recorded.test_acc_list


@pytest.mark.parametrize("record", [{"loss": 0.5}, {1: lambda trainer: 0.0}], ids=["not-callable", "name-not-str"])
def test_bad_record_is_named(record):
    with pytest.raises(TypeError, match="Trainer: record must map names"):
        make(record=record)


def test_column_labels_are_indices_through_the_trainer():
    flat, column = make(iterations=6, eval_every=3), make(iterations=6, eval_every=3)
    column.t_train, column.t_test = column.t_train[:, None], column.t_test[:, None]
    flat.train(), column.train()
    assert column.test_acc_list == flat.test_acc_list
    assert column.train_loss_list == flat.train_loss_list


@pytest.mark.parametrize("which", ["train", "test"])
def test_empty_data_is_named(which):
    x, t = toy()
    data = {"train": (x, t), "test": (x, t)}
    data[which] = (x[:0], t[:0])
    with pytest.raises(ValueError, match=rf"Trainer: x_{which} is an empty batch \(shape \(0, 6\)\)"):
        Trainer(MultiLayerNet(6, [8], 3, seed=0), *data["train"], *data["test"], verbose=False)
