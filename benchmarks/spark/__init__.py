"""Benchmarks of the Spark engine: correctness against scan, shuffle and CPU per article, overhead."""
