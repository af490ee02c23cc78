"""The benchmark problems: seeded generated designs and svmlight files, saved once as .npy arrays.

Every solver reads the same arrays from a cache directory:

    <cache>/<problem>/X.npy                    dense design, float64, Fortran order
    <cache>/<problem>/X_{data,indices,indptr}.npy   sparse design, CSC (float64, int32, int32)
    <cache>/<problem>/<task>/y.npy             target of a task ("regression" or "classification");
                                                the task directory links to the design's files
                                                so that it is a complete problem directory

(sparseglm-bench --npy, bench/compare/sklearn_worker.py and glmnet_worker.R all read that layout.)

Generated designs (issue "Be the fastest"):
  * dense: rows i.i.d. N(0, S) with Toeplitz correlation S_jk = 0.6^|j-k| (an AR(1) recursion
    across columns);
  * text-like sparse: each row draws terms from a Zipf law over the columns (P(column of rank r)
    proportional to 1/r, ranks shuffled over the columns), duplicates count as term frequencies;
    values are tf-idf, (1 + log tf) * (log(n / (1 + df)) + 1), and rows are L2-normalised; the
    number of draws is adjusted (deterministically) until the stored entries are within 1% of
    the target.
Opt-in generated designs (run.py --problems NAME; not in the default four):
  * one-hot: categorical variables of `levels` levels each, drawn uniformly and encoded with every
    level kept (a 1 in each variable's block of columns per row, as a one-hot encoder does by
    default): without an intercept each block sums to the all-ones vector, so the columns of any
    two variables are exactly collinear, the case where cyclic CD on a model crawls.
Targets: true coefficients with 1% non-zeros (at least one), N(0, 1) values; regression y = Xw +
noise at SNR 3 (||Xw|| / ||noise||), then centred and scaled to unit RMS (glmnet rescales y by its
standard deviation internally, which changes its ElasticNet unless that is 1); classification
labels in {-1, 1} drawn from P(y = 1) = sigmoid(Xw), Xw scaled to standard deviation 2.
"""

import dataclasses
import json
import os

import numpy as np
import scipy.sparse as sp

import objectives

GENERATOR_VERSION = 1  # bump when the generated data change, so that caches are rebuilt

REGRESSION, CLASSIFICATION = "regression", "classification"
TASK_OF_MODEL = {"lasso": REGRESSION, "enet": REGRESSION, "logreg": CLASSIFICATION}


@dataclasses.dataclass(frozen=True)
class GeneratedSpec:
    name: str
    kind: str  # "dense" or "text"
    n: int
    p: int
    nnz: int = 0  # text designs: target number of stored entries
    seed: int = 0
    levels: int = 0  # one-hot designs: levels of each categorical variable (p / levels variables)

    @property
    def tasks(self):
        return (REGRESSION, CLASSIFICATION)


@dataclasses.dataclass(frozen=True)
class SvmlightSpec:
    name: str
    path: str

    @property
    def tasks(self):
        return None  # known after loading: binary labels are a classification task


GENERATED = {
    spec.name: spec
    for spec in (
        GeneratedSpec("dense-500x5000", "dense", 500, 5000, seed=1),
        GeneratedSpec("dense-10000x1000", "dense", 10000, 1000, seed=2),
        GeneratedSpec("text-20000x50000", "text", 20000, 50000, nnz=1_000_000, seed=3),
        GeneratedSpec("text-100000x10000", "text", 100000, 10000, nnz=2_000_000, seed=4),
    )
}
QUICK = GeneratedSpec("quick-dense-100x300", "dense", 100, 300, seed=5)
OPT_IN = {
    spec.name: spec
    for spec in (GeneratedSpec("onehot-20000x1000", "onehot", 20000, 1000, levels=25, seed=6),)
}
NAMED = {**GENERATED, **OPT_IN}  # what --problems NAME accepts


def dense_toeplitz_design(rng, n, p, rho=0.6):
    """Columns X_j = rho X_{j-1} + sqrt(1 - rho^2) Z_j: unit variance, corr(X_j, X_k) = rho^|j-k|."""
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    scale = np.sqrt(1 - rho * rho)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + scale * rng.standard_normal(n)
    return X


def term_counts(rng, n, p, draws_per_row):
    """Row-by-row Zipf term counts as a CSR matrix of term frequencies."""
    weights = 1.0 / np.arange(1, p + 1)
    cdf = np.cumsum(weights) / weights.sum()
    column_of_rank = rng.permutation(p)
    rows = np.repeat(np.arange(n), draws_per_row)
    ranks = np.minimum(np.searchsorted(cdf, rng.random(rows.size)), p - 1)
    counts = sp.csr_matrix((np.ones(rows.size), (rows, column_of_rank[ranks])), shape=(n, p))
    counts.sum_duplicates()
    return counts


def text_like_design(rng, n, p, nnz):
    draws = max(1, nnz // n)
    for _ in range(10):
        counts = term_counts(rng, n, p, draws)
        if abs(counts.nnz - nnz) <= 0.01 * nnz:
            break
        draws = max(1, round(draws * nnz / counts.nnz))
    document_frequency = np.bincount(counts.indices, minlength=p)
    idf = np.log(n / (1.0 + document_frequency)) + 1.0
    tfidf = counts.copy()
    tfidf.data = (1.0 + np.log(tfidf.data)) * idf[tfidf.indices]
    row_norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel())
    tfidf = sp.diags(1.0 / np.where(row_norms > 0, row_norms, 1.0)) @ tfidf
    return sp.csc_matrix(tfidf)


def one_hot_design(rng, n, p, levels):
    """p / levels categorical variables, each row's level of each drawn uniformly, one-hot encoded
    with every level kept (values 1), as CSC."""
    variables = p // levels
    columns = np.arange(variables) * levels + rng.integers(0, levels, size=(n, variables))
    indptr = np.arange(0, n * variables + 1, variables)
    return sp.csc_matrix(sp.csr_matrix((np.ones(n * variables), columns.ravel(), indptr), shape=(n, p)))


def true_coefficients(rng, p):
    w = np.zeros(p)
    support = rng.choice(p, size=max(1, p // 100), replace=False)
    w[support] = rng.standard_normal(support.size)
    return w


def regression_target(rng, X, w, snr=3.0):
    signal = np.asarray(X @ w).ravel()
    noise = rng.standard_normal(signal.size)
    noise *= np.linalg.norm(signal) / (snr * np.linalg.norm(noise))
    return unit_rms_centred(signal + noise)


def unit_rms_centred(y):
    y = y - y.mean()
    return y / np.sqrt(np.mean(y * y))


def classification_target(rng, X, w, scale=2.0):
    z = np.asarray(X @ w).ravel()
    z *= scale / z.std()
    return np.where(rng.random(z.size) < 1.0 / (1.0 + np.exp(-z)), 1.0, -1.0)


def generate(spec):
    """(X, {task: y}) of a generated problem; the same for the same spec."""
    rng = np.random.default_rng(spec.seed)
    if spec.kind == "dense":
        X = dense_toeplitz_design(rng, spec.n, spec.p)
    elif spec.kind == "onehot":
        X = one_hot_design(rng, spec.n, spec.p, spec.levels)
    else:
        X = text_like_design(rng, spec.n, spec.p, spec.nnz)
    w = true_coefficients(rng, spec.p)
    return X, {REGRESSION: regression_target(rng, X, w), CLASSIFICATION: classification_target(rng, X, w)}


def load_svmlight(spec):
    """(X, {task: y}): binary labels make a classification task, anything else a regression task
    (y centred and scaled to unit RMS, as for the generated problems)."""
    try:
        from sklearn.datasets import load_svmlight_file
    except ImportError as error:
        raise RuntimeError(f"{spec.path}: reading svmlight files needs scikit-learn") from error
    X, y = load_svmlight_file(spec.path, zero_based=False)
    labels = np.unique(y)
    if labels.size == 2:
        return sp.csc_matrix(X), {CLASSIFICATION: np.where(y == labels[1], 1.0, -1.0)}
    return sp.csc_matrix(X), {REGRESSION: unit_rms_centred(np.asarray(y, dtype=float))}


def save_design(directory, X):
    if sp.issparse(X):
        X = sp.csc_matrix(X)
        X.sort_indices()
        np.save(os.path.join(directory, "X_data.npy"), X.data.astype(np.float64))
        np.save(os.path.join(directory, "X_indices.npy"), X.indices.astype(np.int32))
        np.save(os.path.join(directory, "X_indptr.npy"), X.indptr.astype(np.int32))
        return ["X_data.npy", "X_indices.npy", "X_indptr.npy"]
    np.save(os.path.join(directory, "X.npy"), np.asfortranarray(X, dtype=np.float64))
    return ["X.npy"]


def identity(spec):
    if isinstance(spec, GeneratedSpec):
        return {"generator": GENERATOR_VERSION, **dataclasses.asdict(spec)}
    stat = os.stat(spec.path)
    return {"file": os.path.abspath(spec.path), "size": stat.st_size, "mtime": stat.st_mtime}


class Problem:
    """A cached problem: its directory per task, its shape and its design's storage."""

    def __init__(self, spec, root):
        self.spec, self.name, self.root = spec, spec.name, root
        with open(os.path.join(root, "meta.json")) as file:
            meta = json.load(file)
        self.n, self.p, self.nnz, self.sparse = meta["n"], meta["p"], meta["nnz"], meta["sparse"]
        self.tasks = meta["tasks"]

    def directory(self, task):
        return os.path.join(self.root, task)

    def load(self, task):
        """(X, y) as numpy / scipy arrays (CSC for a sparse design)."""
        return load_directory(self.directory(task))

    def describe(self):
        storage = f"sparse, {self.nnz:,} non-zeros" if self.sparse else "dense"
        return f"{self.name} ({self.n} x {self.p}, {storage})"


def load_directory(directory):
    y = np.load(os.path.join(directory, "y.npy"))
    if os.path.exists(os.path.join(directory, "X.npy")):
        return np.load(os.path.join(directory, "X.npy")), y
    parts = [np.load(os.path.join(directory, f"X_{part}.npy")) for part in ("data", "indices", "indptr")]
    return sp.csc_matrix(tuple(parts), shape=(y.size, parts[2].size - 1)), y


def prepare(spec, cache):
    """The problem's cache directory, (re)built when missing or made by another generator."""
    root = os.path.join(cache, spec.name)
    meta_path = os.path.join(root, "meta.json")
    wanted = identity(spec)
    if os.path.exists(meta_path):
        with open(meta_path) as file:
            if json.load(file).get("identity") == wanted:
                return Problem(spec, root)
    os.makedirs(root, exist_ok=True)
    X, targets = generate(spec) if isinstance(spec, GeneratedSpec) else load_svmlight(spec)
    files = save_design(root, X)
    for task, y in targets.items():
        task_dir = os.path.join(root, task)
        os.makedirs(task_dir, exist_ok=True)
        np.save(os.path.join(task_dir, "y.npy"), y)
        for name in files:
            link = os.path.join(task_dir, name)
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(os.path.join("..", name), link)
    meta = {"identity": wanted, "n": X.shape[0], "p": X.shape[1], "sparse": bool(sp.issparse(X)),
            "nnz": int(X.nnz if sp.issparse(X) else X.size), "tasks": sorted(targets)}
    with open(meta_path, "w") as file:
        json.dump(meta, file)
    return Problem(spec, root)


@dataclasses.dataclass
class Cell:
    """One benchmark cell: a model at one alpha (or along a path) on one problem."""

    problem: Problem
    model: str
    fit_intercept: bool
    alpha_ratio: float = 0.0  # alpha = alpha_ratio * alpha_max (a single alpha)
    n_alphas: int = 1  # > 1: a path from alpha_max down to path_eps * alpha_max
    path_eps: float = 0.0
    l1_ratio: float = 0.5
    alpha_max: float = 0.0
    path_alphas: np.ndarray = None

    @property
    def is_path(self):
        return self.n_alphas > 1

    @property
    def task(self):
        return TASK_OF_MODEL[self.model]

    @property
    def directory(self):
        return self.problem.directory(self.task)

    @property
    def alpha(self):
        return self.path_alphas[-1] if self.is_path else self.alpha_ratio * self.alpha_max

    @property
    def key(self):
        """A file-name-safe identifier."""
        what = f"path{self.n_alphas}" if self.is_path else f"a{round(1 / self.alpha_ratio)}"
        return f"{self.problem.name}-{self.model}-{what}-{'b' if self.fit_intercept else 'nob'}"

    def label(self):
        what = f"{self.n_alphas}-alpha path to amax/{round(1 / self.path_eps)}" if self.is_path \
            else f"amax/{round(1 / self.alpha_ratio)}"
        return f"{self.model}, {what}, {'intercept' if self.fit_intercept else 'no intercept'}"

    def settle(self, X, y):
        """Computes alpha_max (and the path's alphas) on the problem's data."""
        self.alpha_max = float(objectives.alpha_max(X, y, self.model, self.l1_ratio, self.fit_intercept))
        if self.is_path:
            self.path_alphas = self.alpha_max * self.path_eps ** (np.arange(self.n_alphas) / (self.n_alphas - 1))
        return self
