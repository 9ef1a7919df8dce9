"""The batch detector: a whole input compared with itself.

``corpus`` reads, learns and signs every article (tokens spooled to disk),
``pipeline`` runs candidates → verify → cluster with timings, ``assemble``
turns verified pairs into a :class:`~newsdedup.models.Result`.
"""
