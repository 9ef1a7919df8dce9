"""Scoring predicted clusters against gold: ``gold`` reads both, ``metrics`` scores them."""
