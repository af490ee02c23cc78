#!/usr/bin/python3
"""Fit scikit-learn's ElasticNet on the autoregressive problems that sparseglm-many wrote, one
after the other on one thread, and print `key value...` lines: the median and total fit time and
each fit's objective, so that sparseglm-many can set its own fits of the same problems beside them.

A development script (numpy and scikit-learn from Debian), not a dependency of sparseglm.

    bench/compare/sklearn_many.py --series FILE --rows N --lags L --alpha A --l1-ratio R --tol T

FILE holds the sample's series as little-endian float64, one series of N + L values after the
other. Problem i is the AR(L) regression of s_t on (s_{t-1}, ..., s_{t-L}), t = L .. L + N - 1,
with an intercept, and the objective (identical to sparseglm's and to sklearn's ElasticNet's)
    ||y - Xw - b||^2 / (2N) + A (R ||w||_1 + (1 - R) ||w||^2 / 2).
sklearn stops when its duality gap is <= T ||y - mean y||^2 / N; sparseglm-many reports both
objectives so that the accuracy of the two is compared as well as their speed.
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn import __version__ as sklearn_version
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="sklearn_many.py", description=__doc__.split("\n")[0])
    parser.add_argument("--series", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--lags", type=int, required=True)
    parser.add_argument("--alpha", type=float, required=True)
    parser.add_argument("--l1-ratio", type=float, required=True)
    parser.add_argument("--tol", type=float, required=True)
    return parser.parse_args(argv)


def lagged_problem(series, rows, lags):
    """X[:, l] = s[t - 1 - l] and y = s[t] for t = lags .. lags + rows - 1 (Fortran order for CD)."""
    X = np.empty((rows, lags), order="F")
    for lag in range(lags):
        X[:, lag] = series[lags - 1 - lag: lags - 1 - lag + rows]
    return X, series[lags: lags + rows].copy()


def objective(X, y, w, b, alpha, l1_ratio):
    residual = y - X @ w - b
    return (residual @ residual / (2 * len(y))
            + alpha * (l1_ratio * np.abs(w).sum() + (1 - l1_ratio) * (w @ w) / 2))


def main(argv):
    args = parse_args(argv)
    length = args.rows + args.lags
    series = np.fromfile(args.series, dtype="<f8")
    if series.size == 0 or series.size % length != 0:
        sys.exit(f"sklearn_many.py: {args.series}: {series.size} values is not a whole number of series "
                 f"of {length}")
    times, objectives, not_converged = [], [], 0
    for s in series.reshape(-1, length):
        X, y = lagged_problem(s, args.rows, args.lags)
        model = ElasticNet(alpha=args.alpha, l1_ratio=args.l1_ratio, tol=args.tol, max_iter=100000)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(X, y)
            times.append(time.perf_counter() - start)
        not_converged += any(issubclass(w.category, ConvergenceWarning) for w in caught)
        objectives.append(objective(X, y, model.coef_, model.intercept_, args.alpha, args.l1_ratio))
    print("sklearn_version", sklearn_version)
    print("count", len(times))
    print("median_fit_s", repr(float(np.median(times))))
    print("total_fit_s", repr(float(np.sum(times))))
    print("not_converged", not_converged)
    print("objectives", " ".join(repr(float(o)) for o in objectives))


if __name__ == "__main__":
    main(sys.argv[1:])
