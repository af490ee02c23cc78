#!/usr/bin/python3
"""The opt-in one-hot design (problems.one_hot_design): one stored 1 per row in each variable's
block of columns, each level drawn, each block summing to the all-ones vector, and the same
design for the same seed; run by ctest.

    bench/compare/test_problems.py
"""

import sys

import numpy as np

import problems


def main():
    n, p, levels = 500, 60, 6
    X = problems.one_hot_design(np.random.default_rng(0), n, p, levels)
    failures = []
    if X.shape != (n, p) or X.format != "csc":
        failures.append(f"shape {X.shape} and format {X.format}, expected ({n}, {p}) and csc")
    if not np.all(X.data == 1.0) or X.nnz != n * (p // levels):
        failures.append(f"{X.nnz} stored entries, expected {n * (p // levels)} ones")
    blocks = np.asarray(X.toarray()).reshape(n, p // levels, levels).sum(axis=2)
    if not np.all(blocks == 1.0):
        failures.append("a variable's block does not hold exactly one 1 per row")
    if np.any(np.diff(X.indptr) == 0):
        failures.append("a level was never drawn (an empty column)")
    again = problems.one_hot_design(np.random.default_rng(0), n, p, levels)
    if (X != again).nnz:
        failures.append("the same seed gave another design")
    spec = problems.OPT_IN["onehot-20000x1000"]
    if spec.name in problems.GENERATED or problems.NAMED[spec.name] is not spec:
        failures.append("onehot-20000x1000 must be opt-in and named")
    for failure in failures:
        print(f"test_problems: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
