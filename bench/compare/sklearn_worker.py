#!/usr/bin/python3
"""Runs one tolerance ladder of a scikit-learn solver on one cached problem (run.py starts it).

    sklearn_worker.py --data DIR --model lasso|enet|logreg (--alpha A | --path-alphas FILE)
        [--l1-ratio R] [--fit-intercept 0|1] --tols T1,T2,... --out-dir DIR [--slow S]
        [--intercept-scaling S]

For each tolerance, loosest first: one untimed warm-up fit, then 3 timed fits (1 when the
previous tolerance's median took more than --slow seconds); prints one JSON line
{"tol", "time_s" (median), "times", "coef_file"} and saves the coefficients, then the intercept,
as .npy (one row per alpha for a path). Only model.fit is timed.

Solvers: Lasso / ElasticNet (cyclic coordinate descent, tol: duality gap relative to ||y||^2/n),
and LogisticRegression(penalty='l1', solver='liblinear', C = 1 / (n alpha)), which minimises
n C times our objective. liblinear fits the intercept as the weight of a constant feature of
value intercept_scaling and penalises it: b costs alpha |b| / intercept_scaling in our units,
so its solutions carry that bias; the harness judges them on our objective. A path is
Lasso(warm_start=True) refitted along the alphas (what lasso_path does, with the intercept
handled as Lasso.fit does).
"""

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression

import problems

MAX_ITER = 10**7  # the harness's time budget ends slow fits, not the solver's iteration cap


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", choices=["lasso", "enet", "logreg"], required=True)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--alpha", type=float)
    target.add_argument("--path-alphas", help=".npy file of the alphas of a Lasso path, in order")
    parser.add_argument("--l1-ratio", type=float, default=0.5)
    parser.add_argument("--fit-intercept", type=int, choices=[0, 1], default=1)
    parser.add_argument("--tols", required=True, help="comma-separated tolerances, loosest first")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--slow", type=float, default=1.0)
    parser.add_argument("--intercept-scaling", type=float, default=100.0)
    return parser.parse_args(argv)


def make_model(args, n, tol, alpha):
    intercept = bool(args.fit_intercept)
    if args.model == "lasso":
        return Lasso(alpha=alpha, fit_intercept=intercept, tol=tol, max_iter=MAX_ITER)
    if args.model == "enet":
        return ElasticNet(alpha=alpha, l1_ratio=args.l1_ratio, fit_intercept=intercept, tol=tol, max_iter=MAX_ITER)
    return LogisticRegression(penalty="l1", C=1.0 / (n * alpha), solver="liblinear", fit_intercept=intercept,
                              intercept_scaling=args.intercept_scaling, tol=tol, max_iter=MAX_ITER)


def coefficients(model, fit_intercept):
    w = np.asarray(model.coef_, dtype=np.float64).ravel()
    b = float(np.ravel(model.intercept_)[0]) if fit_intercept else 0.0
    return np.append(w, b)


def fit_once(args, X, y, tol, alphas):
    """One fit (or path); returns (seconds of model.fit calls, coefficient rows)."""
    rows, seconds = [], 0.0
    model = make_model(args, X.shape[0], tol, alphas[0])
    for alpha in alphas:
        if alphas.size > 1:  # a Lasso path: each fit starts from the previous solution
            model.set_params(alpha=alpha, warm_start=True)
        start = time.perf_counter()
        model.fit(X, y)
        seconds += time.perf_counter() - start
        rows.append(coefficients(model, args.fit_intercept))
    return seconds, np.array(rows)


def main(argv):
    args = parse_args(argv)
    X, y = problems.load_directory(args.data)
    if args.model == "logreg" and not isinstance(X, np.ndarray):
        X = X.tocsr()  # liblinear's own row format is built from CSR
    alphas = np.array([args.alpha]) if args.alpha is not None else np.load(args.path_alphas)
    previous = 0.0
    for index, tol in enumerate(float(t) for t in args.tols.split(",")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit_once(args, X, y, tol, alphas)  # warm-up
            times = []
            for _ in range(1 if previous > args.slow else 3):
                seconds, rows = fit_once(args, X, y, tol, alphas)
                times.append(seconds)
        coef_file = os.path.join(args.out_dir, f"coef-{index}.npy")
        np.save(coef_file, rows if alphas.size > 1 else rows[0])
        previous = float(np.median(times))
        print(json.dumps({"tol": tol, "time_s": previous, "times": times, "coef_file": coef_file}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
