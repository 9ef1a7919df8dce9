"""Sketches: tokens to shingles, MinHash signatures and LSH candidate pairs.

``shingle`` (word or character k-grams, hashed) → ``sign`` (datasketch-compatible
MinHash, batch kernels) → ``candidates`` (LSH banding). ``featurize`` runs the
text stages and signing for one batch of articles: the unit every engine
(batch scan, live index, compare) feeds on.
"""
