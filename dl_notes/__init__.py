"""dl_notes: the deep-learning course in small, tested NumPy modules.

Each module holds one concept (``optim`` the optimizers, ``conv`` im2col and friends, ...);
``dl_notes.experiments`` runs the measured experiments that the DL Notes site shows.
"""

__version__ = "0.1.0"
