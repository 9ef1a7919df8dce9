"""Judging candidate pairs: scores, relation, clusters and explanations.

``tfidf`` (hashed TF-IDF, cosine) and ``verify`` (Jaccard, containment, phrases,
figure guard → relation) decide each pair; ``cluster`` groups confirmed pairs
under an original; ``explain`` and ``compare`` show why two articles match.
"""
