#!/usr/bin/python3
"""Fit scikit-learn's Lasso / ElasticNet / L1 LogisticRegression on an svmlight file and print
the same JSON fields as `sparseglm-bench --data FILE`, for side-by-side comparisons.

A development script (numpy, scipy and scikit-learn from Debian), not a dependency of sparseglm.

    bench/compare/sklearn_fit.py --data FILE [--model lasso|enet|logreg] [--alpha-ratio R | --alpha A]
        [--l1-ratio R] [--tol T] [--sk-tol T] [--no-fit-intercept] [--max-iter N] [--repeat K]
        [--solver liblinear|saga] [--intercept-scaling S] [--dense]

Problem scaling (identical to sparseglm's):
    lasso   ||y - Xw - b||^2 / (2n) + alpha ||w||_1
    enet    ||y - Xw - b||^2 / (2n) + alpha (r ||w||_1 + (1 - r) ||w||^2 / 2)
    logreg  mean_i log(1 + exp(-y_i (x_i.w + b))) + alpha ||w||_1      (labels {-1, 1} or {0, 1})
alpha = ratio * alpha_max with alpha_max computed as sparseglm does:
    lasso/enet: ||X^T (y - mean y)||_inf / n (/ l1_ratio for enet); logreg: ||X^T (y - mean y)||_inf / (2n)
    (X^T y instead of X^T (y - mean y) without an intercept).

Solvers:
  * lasso, enet: sklearn.linear_model.Lasso / ElasticNet (cyclic coordinate descent; X as CSC,
    or Fortran-ordered with --dense). The intercept is exact: sklearn centres X and y.
  * logreg: LogisticRegression(penalty='l1', C = 1 / (n alpha)), which minimises
    ||w||_1 + C sum_i log(1 + exp(...)), i.e. n C times the objective above.
      - solver='liblinear' (default): newGLMNET (Yuan, Ho & Lin 2012), the fastest sklearn L1
        logistic solver. liblinear fits the intercept as the weight w_b of an extra constant
        feature of value `intercept_scaling` and PENALISES it: the problem solved carries an
        extra alpha |b| / intercept_scaling. With the default intercept_scaling = 1e4 (larger than
        any feature of the data sets used here) that term is negligible, but it is not zero:
        the intercept's own optimality violation is reported in stop_crit.
      - solver='saga': unpenalised intercept, i.e. exactly our problem, but a stochastic
        first-order method whose step is set by the largest row norm: on unstandardised data
        (leukemia: raw intensities up to ~1e4) it needs a huge number of epochs.
    liblinear is the default because it is the one that converges in reasonable time here.

Tolerances: sklearn's `tol` does not mean what sparseglm's does. sparseglm stops when the largest
optimality violation max_j dist(-grad_j, alpha d|w_j|) (and |dF/db|) is <= tol (absolute).
sklearn's CD stops when the duality gap is <= tol * ||y - mean y||^2 / n (relative); liblinear
stops on a relative reduction of its projected-gradient norm. The script passes --sk-tol
(default: --tol) to sklearn and then evaluates sparseglm's criterion (stop_crit) and the same
duality gap as sparseglm::duality_gap (dual_gap) on sklearn's solution, so that both solutions
are certified by the same two numbers.

time_s is the median over --repeat fits of the wall time of `model.fit` alone (loading, format
conversion and the certificates are not timed); cpu_s the median process CPU time.
"""

import argparse
import json
import math
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_svmlight_file
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression

import objectives

PROG = "sklearn_fit.py"


class UsageError(Exception):
    pass


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse_args(argv):
    parser = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="svmlight file (1-based indices; .gz allowed)")
    parser.add_argument("--model", choices=["lasso", "enet", "logreg"], default="lasso")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--alpha-ratio", type=float, default=None, help="alpha = R * alpha_max (default 0.01)")
    group.add_argument("--alpha", type=float, default=None, help="absolute alpha")
    parser.add_argument("--l1-ratio", type=float, default=0.5, help="ElasticNet mixing (default 0.5)")
    parser.add_argument("--tol", type=float, default=1e-6, help="sparseglm's tolerance, reported (default 1e-6)")
    parser.add_argument("--sk-tol", type=float, default=None, help="tol passed to scikit-learn (default: --tol)")
    parser.add_argument("--no-fit-intercept", dest="fit_intercept", action="store_false")
    parser.add_argument("--fit-intercept", dest="fit_intercept", action="store_true")
    parser.add_argument("--max-iter", type=int, default=None,
                        help="sklearn max_iter (default 100000 for CD and saga, 10000 for liblinear)")
    parser.add_argument("--repeat", type=int, default=1, help="fits to time; the median is reported")
    parser.add_argument("--solver", choices=["liblinear", "saga"], default="liblinear", help="logreg solver")
    parser.add_argument("--intercept-scaling", type=float, default=1e4, help="liblinear's intercept_scaling")
    parser.add_argument("--dense", action="store_true", help="densify X before fitting")
    parser.set_defaults(fit_intercept=True)
    args = parser.parse_args(argv)

    if args.alpha_ratio is None and args.alpha is None:
        args.alpha_ratio = 0.01
    for name in ("alpha_ratio", "alpha", "tol", "sk_tol", "l1_ratio", "intercept_scaling"):
        value = getattr(args, name)
        if value is not None and not math.isfinite(value):
            raise UsageError(f"--{name.replace('_', '-')}: must be finite")
    if (args.alpha is not None and args.alpha < 0) or (args.alpha_ratio is not None and args.alpha_ratio < 0):
        raise UsageError("alpha must be >= 0")
    if not args.tol > 0 or (args.sk_tol is not None and not args.sk_tol > 0):
        raise UsageError("tol must be > 0")
    if not 0 < args.l1_ratio <= 1:
        raise UsageError("--l1-ratio must be in (0, 1]")
    if args.repeat < 1 or (args.max_iter is not None and args.max_iter < 1):
        raise UsageError("--repeat and --max-iter must be >= 1")
    if args.intercept_scaling <= 0:
        raise UsageError("--intercept-scaling must be > 0")
    if args.sk_tol is None:
        args.sk_tol = args.tol
    if args.max_iter is None:
        args.max_iter = 10000 if (args.model == "logreg" and args.solver == "liblinear") else 100000
    return args


def load(path, model):
    start = time.perf_counter()
    try:
        X, y = load_svmlight_file(path, zero_based=False)
    except (OSError, ValueError, EOFError) as error:
        raise UsageError(f"{path}: {error}") from error
    load_seconds = time.perf_counter() - start
    y = np.asarray(y, dtype=np.float64)
    if model == "logreg":
        labels = set(np.unique(y).tolist())
        if labels == {0.0, 1.0}:
            y = np.where(y == 0.0, -1.0, 1.0)
        elif labels != {-1.0, 1.0}:
            raise UsageError(f"{path}: --model logreg needs labels {{-1, 1}} or {{0, 1}} with both classes, "
                             f"found {sorted(labels)[:5]}")
    return sp.csr_matrix(X, dtype=np.float64), y, load_seconds


def alpha_max(X, y, args):
    return objectives.alpha_max(X, y, args.model, args.l1_ratio, args.fit_intercept)


def make_model(args, alpha, n):
    if args.model == "lasso":
        return Lasso(alpha=alpha, fit_intercept=args.fit_intercept, tol=args.sk_tol, max_iter=args.max_iter)
    if args.model == "enet":
        return ElasticNet(alpha=alpha, l1_ratio=args.l1_ratio, fit_intercept=args.fit_intercept,
                          tol=args.sk_tol, max_iter=args.max_iter)
    C = 1.0 / (n * alpha) if alpha > 0 else 1e300
    extra = {"intercept_scaling": args.intercept_scaling} if args.solver == "liblinear" else {}
    return LogisticRegression(penalty="l1", C=C, solver=args.solver, fit_intercept=args.fit_intercept,
                              tol=args.sk_tol, max_iter=args.max_iter, **extra)


def certificates(X, y, w, b, args, alpha):
    """Objective, sparseglm's optimality criterion and the duality gap of sparseglm::duality_gap."""
    return objectives.certificates(X, y, args.model, alpha, args.l1_ratio, w, b, args.fit_intercept)


def timed_fits(model, X, y, repeat):
    """Median wall time, median process CPU time, and whether the last fit converged."""
    seconds, cpu_seconds, converged = [], [], True
    for _ in range(repeat):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            cpu_start, start = time.process_time(), time.perf_counter()
            model.fit(X, y)
            seconds.append(time.perf_counter() - start)
            cpu_seconds.append(time.process_time() - cpu_start)
        converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return float(np.median(seconds)), float(np.median(cpu_seconds)), converged


def finite_or_none(value):
    return value if isinstance(value, (int, bool, str)) or math.isfinite(value) else None


def main(argv):
    args = parse_args(argv)
    X, y, load_seconds = load(args.data, args.model)
    n, p = X.shape
    amax = alpha_max(X, y, args)
    alpha = args.alpha if args.alpha is not None else args.alpha_ratio * amax
    if args.model != "logreg" and alpha == 0:
        raise UsageError("alpha = 0: scikit-learn's Lasso/ElasticNet need alpha > 0")

    if args.dense:
        X_fit = np.asfortranarray(X.toarray()) if args.model != "logreg" else X.toarray()
    else:
        X_fit = X.tocsc() if args.model != "logreg" else X
    model = make_model(args, alpha, n)
    time_s, cpu_s, converged = timed_fits(model, X_fit, y, args.repeat)

    w = np.asarray(model.coef_, dtype=np.float64).ravel()
    b = float(np.ravel(model.intercept_)[0]) if args.fit_intercept else 0.0
    objective, stop_crit, gap = certificates(X, y, w, b, args, alpha)
    n_iter = int(np.max(model.n_iter_))
    liblinear = args.model == "logreg" and args.solver == "liblinear"
    solver = {"lasso": "Lasso(cd)", "enet": "ElasticNet(cd)"}.get(args.model, args.solver)
    record = {
        "model": args.model, "n": n, "p": p, "nnz": int(X.nnz), "alpha": alpha, "alpha_max": amax,
        "tol": args.tol, "time_s": time_s, "objective": objective, "stop_crit": stop_crit,
        "n_iter": n_iter, "n_epochs": None if liblinear else n_iter,
        "nnz_coef": int(np.count_nonzero(w)), "converged": converged,
        "status": "converged" if converged else "max_iter (ConvergenceWarning)",
        "cpu_s": cpu_s, "dual_gap": gap, "intercept": b, "repeat": args.repeat, "solver": "sklearn " + solver,
        "sk_tol": args.sk_tol, "max_iter": args.max_iter, "storage": "dense" if args.dense else "sparse",
        "load_s": load_seconds, "file": args.data,
    }
    if liblinear:
        record["intercept_scaling"] = args.intercept_scaling
    print(json.dumps({key: finite_or_none(value) if value is not None else None for key, value in record.items()}))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        sys.exit(2)
    except MemoryError:
        print(f"{PROG}: out of memory", file=sys.stderr)
        sys.exit(2)
