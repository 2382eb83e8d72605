"""Benchmarks (`make bench`): every figure is a ratio against a baseline measured in the same run, with medians
over repeats. Not part of `make test`: these machines are shared and noisy."""
