"""Time one training step (forward, backward, SGD update) of the course's networks.

Three implementations of the same architectures, on the same batch:

- ``dl_notes``: ``dl_notes.nets.MultiLayerNet``, ``SimpleConvNet`` and
  ``dl_notes.recurrent_nets.RecurrentNet`` (float32);
- ``pytorch``: the same layers in ``torch.nn`` on the CPU, with as many threads as NumPy's BLAS;
- ``course``: the course's way (below): float64 everywhere, im2col as a Python loop over the
  filter into float64, max pooling through im2col and ``argmax``; the LSTM as the book's
  second volume writes it, a list of cell objects each doing its own step.

Networks: (a) MultiLayerNet 784-[100]x5-10, ReLU; (b) SimpleConvNet, Conv 30@5x5 - ReLU -
MaxPool 2x2/2 - Affine 100 - ReLU - Affine 10 on 1x28x28; batch 100. (c) LSTM 128 -> 128 over
32 time steps with an affine layer to 10 classes at every step; batch 32. Softmax cross-entropy.
(d) A Transformer encoder layer (post-norm, ReLU, no dropout): d_model 128, 4 heads, FFN 256, on
batch 32 of length 32, with a fixed upstream gradient (the loss is the sum of the outputs times a
fixed random array); PyTorch's is ``nn.TransformerEncoderLayer(batch_first=True, dropout=0)``, the
course-style one float64 with a loop over the heads.

Each implementation runs in a worker process of its own (same data, same thread count), and
each round runs every worker for a while in turn (rotating who goes first). A turn's step time
is the 10th percentile of its steps; an implementation's time is its best turn (the median turn
is reported too); a ratio is the median over rounds of the ratio within a round (see `measure`).
The step's FLOPs are 3x the forward pass's matrix products (forward, dW, dx); the fraction is
their rate over NumPy's float32 GEMM rate on large square matrices.

    python scripts/bench.py [--json docs/data/bench.json] [--readme README.md] [--rounds 30]

``--json`` keeps the measurements (the site's Performance page is drawn from
``docs/data/bench.json``); ``--readme`` rewrites the table between the README's markers;
``--from docs/data/bench.json --readme README.md`` re-renders it without measuring.

Needs torch (skipped with a note when missing); threadpoolctl, when installed, names the BLAS.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from dl_notes.windows import im2col_loop
from dl_notes_site.bench_tables import TARGETS, update_readme

ROOT = Path(__file__).resolve().parents[1]
BATCH = 100
MLP_SIZES = [784, 100, 100, 100, 100, 100, 10]
CNN = dict(C=1, H=28, W=28, FN=30, FS=5, hidden=100, out=10)
LSTM = dict(N=32, T=32, D=128, H=128, out=10)
ENCODER = dict(N=32, T=32, D=128, heads=4, F=256)
NETS = ("mlp", "cnn", "lstm", "transformer")
RATIOS = {"dl_notes_vs_pytorch": ("dl_notes", "pytorch"), "course_vs_dl_notes": ("course", "dl_notes")}


# --- FLOPs -------------------------------------------------------------------------------------

def step_flops(net: str) -> float:
    """3x the multiply-adds (x2) of the forward matrix products of one batch."""
    if net == "mlp":
        forward = sum(2 * BATCH * a * b for a, b in zip(MLP_SIZES, MLP_SIZES[1:]))
    elif net == "lstm":
        N, T, D, H, O = (LSTM[k] for k in ("N", "T", "D", "H", "out"))
        forward = 2 * N * T * (D * 4 * H + H * 4 * H + H * O)
    elif net == "transformer":
        N, T, D, F = (ENCODER[k] for k in ("N", "T", "D", "F"))
        forward = 2 * N * T * (4 * D * D + 2 * T * D + 2 * D * F)     # projections, QKᵀ and AV, FFN
    else:
        OH = CNN["H"] - CNN["FS"] + 1
        pooled = CNN["FN"] * (OH // 2) ** 2
        forward = (2 * BATCH * OH * OH * CNN["FN"] * CNN["C"] * CNN["FS"] ** 2
                   + 2 * BATCH * pooled * CNN["hidden"] + 2 * BATCH * CNN["hidden"] * CNN["out"])
    return 3.0 * forward


def gemm_gflops(dtype=np.float32, n: int = 1024, repeat: int = 9) -> float:
    """NumPy's best rate on an n x n matrix product (the best try: load only slows it down)."""
    a = np.random.default_rng(0).standard_normal((n, n)).astype(dtype)
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(repeat))
    return 2 * n**3 / best / 1e9


def _timed(f: Callable[[], object]) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


# --- the course's way: float64, loop im2col ----------------------------------------------------

def course_im2col(x, FH, FW, S=1, P=0):
    """The course's im2col (the loops of `dl_notes.windows.im2col_loop`) in float64, whatever x is."""
    return im2col_loop(np.asarray(x, dtype=np.float64), FH, FW, S, P)


def course_col2im(col, shape, FH, FW, S=1, P=0):
    N, C, H, W = shape
    OH, OW = (H + 2 * P - FH) // S + 1, (W + 2 * P - FW) // S + 1
    col = col.reshape(N, OH, OW, C, FH, FW).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * P + S - 1, W + 2 * P + S - 1))
    for y in range(FH):
        for x_ in range(FW):
            img[:, :, y:y + S * OH:S, x_:x_ + S * OW:S] += col[:, :, y, x_]
    return img[:, :, P:H + P, P:W + P]


class CourseAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return (dout @ self.W.T).reshape(self.shape)


class CourseRelu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0                                     # in place, as the course does
        return dout


class CourseConvolution:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        OH, OW = H - FH + 1, W - FW + 1
        self.x, self.col, self.col_W = x, course_im2col(x, FH, FW), self.W.reshape(FN, -1).T
        out = self.col @ self.col_W + self.b
        return out.reshape(N, OH, OW, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = dout.sum(axis=0)
        self.dW = (self.col.T @ dout).transpose(1, 0).reshape(FN, C, FH, FW)
        return course_col2im(dout @ self.col_W.T, self.x.shape, FH, FW)


class CoursePooling:
    def __init__(self, ph, pw, stride):
        self.ph, self.pw, self.stride = ph, pw, stride

    def forward(self, x):
        N, C, H, W = x.shape
        OH, OW = (H - self.ph) // self.stride + 1, (W - self.pw) // self.stride + 1
        col = course_im2col(x, self.ph, self.pw, self.stride).reshape(-1, self.ph * self.pw)
        self.x, self.arg_max = x, np.argmax(col, axis=1)
        return np.max(col, axis=1).reshape(N, OH, OW, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        size = self.ph * self.pw
        dmax = np.zeros((dout.size, size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dcol = dmax.reshape(dout.shape + (size,)).reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return course_col2im(dcol, self.x.shape, self.ph, self.pw, self.stride)


class CourseNet:
    """Layers in a list, softmax cross-entropy, params/grads dicts: the course's nets, in float64."""

    def __init__(self, layers, owners):
        self.layers, self.owners = layers, owners
        self.params = {key: getattr(layer, name) for key, (layer, name) in owners.items()}

    def gradient(self, x, t):
        for layer in self.layers:
            x = layer.forward(x)
        y = np.exp(x - x.max(axis=1, keepdims=True))
        y /= y.sum(axis=1, keepdims=True)
        dout = y.copy()
        dout[np.arange(len(t)), t] -= 1
        dout /= len(t)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return {key: getattr(layer, "d" + name) for key, (layer, name) in self.owners.items()}


def course_mlp(rng):
    layers, owners = [], {}
    for i, (a, b) in enumerate(zip(MLP_SIZES, MLP_SIZES[1:]), 1):
        layer = CourseAffine(rng.standard_normal((a, b)) * np.sqrt(2 / a), np.zeros(b))
        layers += [layer] + ([CourseRelu()] if i < len(MLP_SIZES) - 1 else [])
        owners.update({f"W{i}": (layer, "W"), f"b{i}": (layer, "b")})
    return CourseNet(layers, owners)


def course_cnn(rng):
    OH = CNN["H"] - CNN["FS"] + 1
    conv = CourseConvolution(0.01 * rng.standard_normal((CNN["FN"], CNN["C"], CNN["FS"], CNN["FS"])), np.zeros(CNN["FN"]))
    fc1 = CourseAffine(0.01 * rng.standard_normal((CNN["FN"] * (OH // 2) ** 2, CNN["hidden"])), np.zeros(CNN["hidden"]))
    fc2 = CourseAffine(0.01 * rng.standard_normal((CNN["hidden"], CNN["out"])), np.zeros(CNN["out"]))
    owners = {"W1": (conv, "W"), "b1": (conv, "b"), "W2": (fc1, "W"), "b2": (fc1, "b"), "W3": (fc2, "W"), "b3": (fc2, "b")}
    return CourseNet([conv, CourseRelu(), CoursePooling(2, 2, 2), fc1, CourseRelu(), fc2], owners)


class CourseLSTMCell:
    """One time step, the book's second volume's way: gates f, g, i, o, each step its own object."""

    def __init__(self, Wx, Wh, b):
        self.Wx, self.Wh, self.b = Wx, Wh, b

    def forward(self, x, h_prev, c_prev):
        H = h_prev.shape[1]
        A = x @ self.Wx + h_prev @ self.Wh + self.b
        f, g = 1 / (1 + np.exp(-A[:, :H])), np.tanh(A[:, H:2 * H])
        i, o = 1 / (1 + np.exp(-A[:, 2 * H:3 * H])), 1 / (1 + np.exp(-A[:, 3 * H:]))
        c = f * c_prev + g * i
        h = o * np.tanh(c)
        self.cache = (x, h_prev, c_prev, i, f, g, o, c)
        return h, c

    def backward(self, dh, dc):
        x, h_prev, c_prev, i, f, g, o, c = self.cache
        tanh_c = np.tanh(c)
        ds = dc + dh * o * (1 - tanh_c ** 2)
        dA = np.hstack((ds * c_prev * f * (1 - f), ds * i * (1 - g ** 2), ds * g * i * (1 - i),
                        dh * tanh_c * o * (1 - o)))
        self.dWx, self.dWh, self.db = x.T @ dA, h_prev.T @ dA, dA.sum(axis=0)
        return dA @ self.Wx.T, dA @ self.Wh.T, ds * f


class CourseTimeLSTM:
    def __init__(self, Wx, Wh, b):
        self.Wx, self.Wh, self.b = Wx, Wh, b

    def forward(self, xs):
        N, T, _ = xs.shape
        H = self.Wh.shape[0]
        h, c = np.zeros((N, H)), np.zeros((N, H))
        hs, self.layers = np.empty((N, T, H)), []
        for t in range(T):
            layer = CourseLSTMCell(self.Wx, self.Wh, self.b)
            h, c = layer.forward(xs[:, t], h, c)
            hs[:, t] = h
            self.layers.append(layer)
        return hs

    def backward(self, dhs):
        N, T, H = dhs.shape
        dxs = np.empty((N, T, self.Wx.shape[0]))
        dh, dc = np.zeros((N, H)), np.zeros((N, H))
        self.dWx, self.dWh, self.db = np.zeros_like(self.Wx), np.zeros_like(self.Wh), np.zeros_like(self.b)
        for t in reversed(range(T)):
            layer = self.layers[t]
            dxs[:, t], dh, dc = layer.backward(dhs[:, t] + dh, dc)
            self.dWx += layer.dWx
            self.dWh += layer.dWh
            self.db += layer.db
        return dxs


class CourseTimeAffine(CourseAffine):
    def forward(self, xs):
        self.shape3 = xs.shape
        return super().forward(xs.reshape(-1, xs.shape[2]))

    def backward(self, dout):
        return super().backward(dout).reshape(self.shape3)


def course_lstm(rng):
    D, H, O = LSTM["D"], LSTM["H"], LSTM["out"]
    lstm = CourseTimeLSTM(rng.standard_normal((D, 4 * H)) / np.sqrt(D), rng.standard_normal((H, 4 * H)) / np.sqrt(H),
                          np.zeros(4 * H))
    affine = CourseTimeAffine(rng.standard_normal((H, O)) / np.sqrt(H), np.zeros(O))
    owners = {"Wx": (lstm, "Wx"), "Wh": (lstm, "Wh"), "b": (lstm, "b"), "W_out": (affine, "W"), "b_out": (affine, "b")}
    return CourseNet([lstm, affine], owners)


class CourseEncoderLayer:
    """A Transformer encoder layer the course's way: float64, one head at a time, explicit layer norms."""

    def __init__(self, rng):
        D, F, self.h = ENCODER["D"], ENCODER["F"], ENCODER["heads"]
        self.params = {name: rng.standard_normal((D, D)) / np.sqrt(D) for name in ("W_Q", "W_K", "W_V", "W_O")}
        self.params.update({"W1": rng.standard_normal((D, F)) / np.sqrt(D), "W2": rng.standard_normal((F, D)) / np.sqrt(F)})
        self.params.update({name: np.zeros(n) for name, n in (("b_Q", D), ("b_K", D), ("b_V", D), ("b_O", D),
                                                              ("b1", F), ("b2", D))})
        self.params.update({"gamma1": np.ones(D), "beta1": np.zeros(D), "gamma2": np.ones(D), "beta2": np.zeros(D)})

    @staticmethod
    def norm(x):
        mu, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
        std = np.sqrt(var + 1e-5)
        return (x - mu) / std, std

    @staticmethod
    def norm_backward(dxn, xn, std):
        return (dxn - dxn.mean(axis=-1, keepdims=True) - xn * (dxn * xn).mean(axis=-1, keepdims=True)) / std

    def gradient(self, x, g):
        p, grads = self.params, {}
        N, T, D = x.shape
        dk = D // self.h
        x = x.astype(np.float64)
        Q, K, V = (x @ p[f"W_{n}"] + p[f"b_{n}"] for n in "QKV")
        heads, weights = [], []
        for i in range(self.h):                                 # one head at a time
            cols = slice(i * dk, (i + 1) * dk)
            s = Q[..., cols] @ K[..., cols].transpose(0, 2, 1) / np.sqrt(dk)
            a = np.exp(s - s.max(axis=-1, keepdims=True))
            a /= a.sum(axis=-1, keepdims=True)
            weights.append(a)
            heads.append(a @ V[..., cols])
        concat = np.concatenate(heads, axis=-1)
        n1, std1 = self.norm(x + concat @ p["W_O"] + p["b_O"])
        z = n1 * p["gamma1"] + p["beta1"]
        hidden = np.maximum(z @ p["W1"] + p["b1"], 0)
        n2, std2 = self.norm(z + hidden @ p["W2"] + p["b2"])
        dout = g.astype(np.float64)
        grads["gamma2"], grads["beta2"] = (dout * n2).sum(axis=(0, 1)), dout.sum(axis=(0, 1))
        dsum = self.norm_backward(dout * p["gamma2"], n2, std2)
        grads["W2"], grads["b2"] = hidden.reshape(-1, hidden.shape[-1]).T @ dsum.reshape(-1, D), dsum.sum(axis=(0, 1))
        dhidden = (dsum @ p["W2"].T) * (hidden > 0)
        grads["W1"], grads["b1"] = z.reshape(-1, D).T @ dhidden.reshape(-1, dhidden.shape[-1]), dhidden.sum(axis=(0, 1))
        dz = dsum + dhidden @ p["W1"].T
        grads["gamma1"], grads["beta1"] = (dz * n1).sum(axis=(0, 1)), dz.sum(axis=(0, 1))
        dsum = self.norm_backward(dz * p["gamma1"], n1, std1)
        grads["W_O"], grads["b_O"] = concat.reshape(-1, D).T @ dsum.reshape(-1, D), dsum.sum(axis=(0, 1))
        dconcat = dsum @ p["W_O"].T
        dQ, dK, dV = np.zeros_like(Q), np.zeros_like(K), np.zeros_like(V)
        for i in range(self.h):
            cols = slice(i * dk, (i + 1) * dk)
            a, dh = weights[i], dconcat[..., cols]
            dV[..., cols] = a.transpose(0, 2, 1) @ dh
            da = dh @ V[..., cols].transpose(0, 2, 1)
            ds = a * (da - (a * da).sum(axis=-1, keepdims=True)) / np.sqrt(dk)
            dQ[..., cols], dK[..., cols] = ds @ K[..., cols], ds.transpose(0, 2, 1) @ Q[..., cols]
        for n, d in zip("QKV", (dQ, dK, dV)):
            grads[f"W_{n}"], grads[f"b_{n}"] = x.reshape(-1, D).T @ d.reshape(-1, D), d.sum(axis=(0, 1))
        return grads


def course_transformer(rng):
    return CourseEncoderLayer(rng)


def course_step(net, x, t):
    grads = net.gradient(x, t)
    for key, param in net.params.items():                       # SGD, lr 0.01
        param -= 0.01 * grads[key]


# --- dl_notes and PyTorch ----------------------------------------------------------------------

def dl_notes_step_fn(net_name: str, x, t):
    from dl_notes.nets import MultiLayerNet, SimpleConvNet
    from dl_notes.optim import SGD

    if net_name == "mlp":
        net = MultiLayerNet(784, MLP_SIZES[1:-1], 10, seed=0)
    elif net_name == "transformer":
        from dl_notes.transformer import EncoderLayer
        layer, optimizer = EncoderLayer(ENCODER["D"], ENCODER["heads"], ENCODER["F"], seed=0), SGD(lr=0.01)

        def encoder_step():                                     # t is the upstream gradient here
            layer.forward(x)
            layer.backward(t)
            optimizer.update(layer.params, layer.grads)
        return encoder_step
    elif net_name == "lstm":
        from dl_notes.recurrent_nets import RecurrentNet
        net = RecurrentNet(LSTM["D"], LSTM["H"], LSTM["out"], cell="lstm", seed=0)
    else:
        net = SimpleConvNet((CNN["C"], CNN["H"], CNN["W"]), {"filter_num": CNN["FN"], "filter_size": CNN["FS"]},
                            hidden_size=CNN["hidden"], output_size=CNN["out"], seed=0)
    optimizer = SGD(lr=0.01)

    def step():
        optimizer.update(net.params, net.gradient(x, t))
    return step


def torch_step_fn(torch, net_name: str, x, t):
    nn = torch.nn
    if net_name == "lstm":
        return torch_lstm_step_fn(torch, x, t)
    if net_name == "transformer":
        return torch_encoder_step_fn(torch, x, t)
    if net_name == "mlp":
        layers = []
        for a, b in zip(MLP_SIZES, MLP_SIZES[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        model = nn.Sequential(*layers[:-1])
    else:
        OH = CNN["H"] - CNN["FS"] + 1
        model = nn.Sequential(nn.Conv2d(CNN["C"], CNN["FN"], CNN["FS"]), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                              nn.Linear(CNN["FN"] * (OH // 2) ** 2, CNN["hidden"]), nn.ReLU(),
                              nn.Linear(CNN["hidden"], CNN["out"]))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    tx, tt = torch.from_numpy(x), torch.from_numpy(t.astype(np.int64))

    def step():
        optimizer.zero_grad()
        loss_fn(model(tx), tt).backward()
        optimizer.step()
    return step


def torch_lstm_step_fn(torch, x, t):
    nn = torch.nn
    lstm, head = nn.LSTM(LSTM["D"], LSTM["H"], batch_first=True), nn.Linear(LSTM["H"], LSTM["out"])
    optimizer = torch.optim.SGD([*lstm.parameters(), *head.parameters()], lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    tx, tt = torch.from_numpy(x), torch.from_numpy(t.reshape(-1).astype(np.int64))

    def step():
        optimizer.zero_grad()
        hs, _ = lstm(tx)
        loss_fn(head(hs).reshape(-1, LSTM["out"]), tt).backward()
        optimizer.step()
    return step


def torch_encoder_step_fn(torch, x, g):
    layer = torch.nn.TransformerEncoderLayer(ENCODER["D"], ENCODER["heads"], ENCODER["F"], dropout=0.0, batch_first=True)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.01)
    tx, tg = torch.from_numpy(x), torch.from_numpy(g)

    def step():
        optimizer.zero_grad()
        layer(tx).backward(tg)
        optimizer.step()
    return step


# --- measuring ---------------------------------------------------------------------------------
# Each implementation runs in a worker process of its own: in one process, PyTorch's OpenMP
# threads and OpenBLAS's threads spin-wait after their work and slow each other down (measured
# here: the MLP step of either got 1.5-2x slower next to the other).

IMPLEMENTATIONS = ("dl_notes", "pytorch", "course")
# A pause between turns. After its work a process's BLAS and OpenMP threads keep spinning for a
# while before they sleep; the next implementation's turn would share the two cores with them.
# Measured here: the dl_notes LSTM step took 9-10 ms in a round's first turn and 17-19 ms right
# after the course-style process's turn, while its own threads waited for those to stop.
SETTLE = 0.25


def make_step(impl: str, net: str) -> Callable[[], None]:
    rng = np.random.default_rng(0)
    if net == "transformer":                                    # t: the fixed upstream gradient
        shape = (ENCODER["N"], ENCODER["T"], ENCODER["D"])
        x, t = rng.standard_normal(shape, dtype=np.float32), rng.standard_normal(shape, dtype=np.float32)
    elif net == "lstm":
        t = rng.integers(0, LSTM["out"], (LSTM["N"], LSTM["T"]))
        x = rng.standard_normal((LSTM["N"], LSTM["T"], LSTM["D"]), dtype=np.float32)
    else:
        t = rng.integers(0, 10, BATCH)
        x = (rng.random((BATCH, 784), dtype=np.float32) if net == "mlp"
             else rng.random((BATCH, CNN["C"], CNN["H"], CNN["W"]), dtype=np.float32))
    if impl == "dl_notes":
        return dl_notes_step_fn(net, x, t)
    if impl == "pytorch":
        import torch
        torch.set_num_threads(int(os.environ["BENCH_THREADS"]))
        return torch_step_fn(torch, net, x, t)
    course = {"mlp": course_mlp, "cnn": course_cnn, "lstm": course_lstm,
              "transformer": course_transformer}[net](np.random.default_rng(0))
    labels = t if net == "transformer" else t.reshape(-1)                                      # one label per (sequence, step)
    return lambda: course_step(course, x, labels)


def worker(impl: str, net: str) -> int:
    """Build one step, then run as many steps as each line of stdin says; print their seconds."""
    step = make_step(impl, net)
    step()
    print(_timed(step), flush=True)
    for line in sys.stdin:
        print(" ".join(str(_timed(step)) for _ in range(int(line))), flush=True)
    return 0


def measure(impls: list[str], net: str, rounds: int, budget: float, threads: int) -> dict[str, dict]:
    """Per implementation: its step time (ms) and, per round, its time next to the others'.

    The implementations take turns, in a rotated order each round, with a pause of `SETTLE`
    seconds after each (so that the previous process's spinning threads are asleep). Within a turn, a step's time
    is the 10th percentile of the turn's steps (load from other processes only ever adds time,
    in bursts). This shared machine also switches for seconds at a time between two speeds (the
    same step measured here at 0.70 ms, then 1.10 ms); turns of one round are close in time, so a
    ratio is taken within each round, and the median over rounds is reported.
    """
    env = dict(os.environ, BENCH_THREADS=str(threads))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    workers = {impl: subprocess.Popen([sys.executable, __file__, "--worker", impl, net], env=env, text=True,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE) for impl in impls}
    try:
        counts = {impl: max(3, min(300, int(budget / max(float(w.stdout.readline()), 1e-6))))
                  for impl, w in workers.items()}
        turns: dict[str, list[float]] = {impl: [] for impl in impls}
        for r in range(rounds):
            for impl in impls[r % len(impls):] + impls[:r % len(impls)]:  # the others wait on stdin
                workers[impl].stdin.write(f"{counts[impl]}\n")
                workers[impl].stdin.flush()
                ms = [float(s) * 1e3 for s in workers[impl].stdout.readline().split()]
                turns[impl].append(float(np.percentile(ms, 10)))
                time.sleep(SETTLE)
    finally:
        for w in workers.values():
            w.stdin.close()
            w.wait()
    return {impl: {"ms": min(ms), "ms_median": float(np.median(ms)), "rounds_ms": ms, "steps": counts[impl] * rounds}
            for impl, ms in turns.items()}


def round_ratio(results: dict[str, dict], numerator: str, denominator: str) -> list[float]:
    """Quartiles (25th, 50th, 75th percentile) over rounds of one implementation's time over another's."""
    a, b = (np.array(results[k]["rounds_ms"]) for k in (numerator, denominator))
    return [float(q) for q in np.percentile(a / b, [25, 50, 75])]


def blas_info() -> list[dict]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"note": "threadpoolctl not installed"}]
    keys = ("user_api", "internal_api", "version", "architecture", "num_threads", "filepath")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


def numpy_threads(info: list[dict]) -> int:
    """Threads of NumPy's BLAS (the number PyTorch is given too)."""
    blas = [i for i in info if i.get("user_api") == "blas"]
    return int(blas[0]["num_threads"]) if blas else os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write the results here as JSON")
    parser.add_argument("--readme", help="rewrite the table between the bench markers of this file")
    parser.add_argument("--from", dest="recorded", metavar="JSON",
                        help="measure nothing: print and render the results recorded in this file")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--budget", type=float, default=0.1, help="seconds per implementation per round")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--nets", nargs="+", choices=NETS, default=list(NETS))
    parser.add_argument("--worker", nargs=2, metavar=("IMPL", "NET"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(*args.worker)
    if args.recorded:
        report = json.loads(Path(args.recorded).read_text())
        print(table(report))
        if args.readme:
            update_readme(Path(args.readme), report)
        return 0

    impls = list(IMPLEMENTATIONS)
    torch_version = None
    if args.no_torch or importlib.util.find_spec("torch") is None:
        impls.remove("pytorch")
        if not args.no_torch:
            print("torch is not installed: PyTorch is left out", file=sys.stderr)
    else:
        torch_version = importlib.metadata.version("torch")
    info = blas_info()
    threads = numpy_threads(info)

    load_before = os.getloadavg()
    peak, peak64 = gemm_gflops(np.float32), gemm_gflops(np.float64)
    results = {net: measure(impls, net, args.rounds, args.budget, threads) for net in args.nets}
    peak, peak64 = max(peak, gemm_gflops(np.float32)), max(peak64, gemm_gflops(np.float64))
    load_after = os.getloadavg()
    for net in results:
        for r in results[net].values():
            r["gflops"] = step_flops(net) / (r["ms"] / 1e3) / 1e9
            r["fraction_of_gemm"] = r["gflops"] / peak

    ratios, verdicts = {}, {}
    for net, r in results.items():
        measured = {name: pair for name, pair in RATIOS.items() if all(impl in r for impl in pair)}
        quartiles = {name: round_ratio(r, *pair) if name in measured else None for name, pair in RATIOS.items()}
        ratios[net] = {name: None if q is None else q[1] for name, q in quartiles.items()}
        ratios[net]["quartiles"] = quartiles
        ratios[net]["best_rounds"] = {name: r[a]["ms"] / r[b]["ms"] if name in measured else None
                                      for name, (a, b) in RATIOS.items()}
        goal = TARGETS[net]
        verdicts[net] = {
            "vs_pytorch": None if ratios[net]["dl_notes_vs_pytorch"] is None
            else ratios[net]["dl_notes_vs_pytorch"] <= goal["vs_pytorch"],
            "vs_course": ratios[net]["course_vs_dl_notes"] >= goal["vs_course"]}

    report = {
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": _commit(),
        "machine": {"processor": _cpu_name(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "numpy": np.__version__, "torch": torch_version, "threads": threads, "blas": info,
                    "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                                           "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
                    "loadavg_before": load_before, "loadavg_after": load_after},
        "batch": BATCH, "lstm": LSTM, "encoder": ENCODER, "rounds": args.rounds, "gemm_float32_gflops": peak, "gemm_float64_gflops": peak64,
        "step_gflop": {n: step_flops(n) / 1e9 for n in results},
        "results": results, "ratios": ratios, "targets": TARGETS, "met": verdicts,
    }
    for b in info:
        b["filepath"] = os.path.basename(str(b.get("filepath")))      # no local paths in the record
    print(table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    if args.readme:
        update_readme(Path(args.readme), report)
    return 0


def _commit() -> str | None:
    """The checkout's commit, with ``+changes`` when the working tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "dl_notes"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


# --- the published table -----------------------------------------------------------------------
# One renderer for the site's Performance page (both languages) and the README (English).

def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


def table(report: dict) -> str:
    m = report["machine"]
    blas = [b for b in m["blas"] if b.get("user_api") == "blas"]
    lines = [f"{m['processor']}, {m['cpus']} CPUs, {m['threads']} BLAS threads; numpy {m['numpy']}, torch {m['torch']}",
             "BLAS: " + ("; ".join(f"{b.get('internal_api')} {b.get('version')} {b.get('architecture')} "
                                   f"x{b.get('num_threads')} ({os.path.basename(str(b.get('filepath')))})" for b in blas)
                         or "unknown (install threadpoolctl to see it)"),
             f"env: {m['env']}  load average before/after: {m['loadavg_before'][0]:.2f}/{m['loadavg_after'][0]:.2f}",
             f"NumPy GEMM (1024x1024): float32 {report['gemm_float32_gflops']:.0f} GFLOP/s, "
             f"float64 {report['gemm_float64_gflops']:.0f} GFLOP/s; 'of GEMM' is relative to float32",
             "",
             f"{'net':4} {'implementation':15} {'ms/step':>8} {'median':>8} {'GFLOP/s':>8} {'of GEMM':>8}"
             "   (ms/step: best round; median: median round)"]
    for net, r in report["results"].items():
        for impl, v in r.items():
            lines.append(f"{net:4} {impl:15} {v['ms']:8.2f} {v['ms_median']:8.2f} {v['gflops']:8.1f} "
                         f"{v['fraction_of_gemm']:8.1%}")
    noisy = [f"{net}/{impl}" for net, r in report["results"].items() for impl, v in r.items()
             if v["ms_median"] > 1.5 * v["ms"]]
    if noisy:
        lines.append(f"NOTE: the machine's speed changed during the run (median round > 1.5x the best) for "
                     f"{', '.join(noisy)}; the ratios, taken within rounds, hold up better than the times")
    lines.append("")
    for net, q in report["ratios"].items():
        goal, met = report["targets"][net], report["met"][net]
        spread = q["quartiles"]["dl_notes_vs_pytorch"]
        vs_torch = "n/a" if spread is None else f"{spread[1]:.2f}x (quartiles {spread[0]:.2f}-{spread[2]:.2f})"
        lines.append(f"{net}: dl_notes / PyTorch = {vs_torch} (target <= {goal['vs_pytorch']}: {_ok(met['vs_pytorch'])}); "
                     f"course / dl_notes = {q['course_vs_dl_notes']:.1f}x (target >= {goal['vs_course']}: "
                     f"{_ok(met['vs_course'])})")
    return "\n".join(lines)


def _ok(flag) -> str:
    return "n/a" if flag is None else ("met" if flag else "MISSED")


if __name__ == "__main__":
    sys.exit(main())
