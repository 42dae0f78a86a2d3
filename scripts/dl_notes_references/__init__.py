"""PyTorch reference recorders: one module per topic, each with ``record() -> dict[str, ndarray]``.

``python -m dl_notes_references [TOPIC ...]`` (with torch installed) writes
``tests/references/<topic>.npz``; the tests read the recorded arrays, and call ``record()`` live
when torch is importable. The modules' settings (seeds, hyper-parameters) import without torch.
"""
