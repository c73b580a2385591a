"""Evals: question sets, scoring, the plain baseline pipeline, reports and benchmarks."""
