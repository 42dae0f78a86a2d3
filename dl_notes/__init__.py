"""dl_notes: the deep-learning course in small, tested NumPy modules.

Each module holds one concept (``optim`` the optimizers, ``windows`` im2col and the other
sliding-window operations, ``conv`` the convolution layer, ...); ``dl_notes.experiments`` runs
the measured experiments that the DL Notes site shows.
"""

__version__ = "0.1.0"
