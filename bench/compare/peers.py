"""The solvers compared: how each is started, what it supports, its tolerance ladder.

Every solver runs in its own process, single-threaded (OMP/OPENBLAS/MKL threads = 1), reads the
problem's .npy directory and reports, per tolerance of its ladder (loosest first), one JSON line
{"tol", "time_s" (median of the timed fits), "times", "coef_file"}; the coefficient file holds the
coefficients then the intercept (one row per alpha for a path). Each ladder point is one untimed
warm-up fit then 3 timed fits (1 when the previous point took more than `slow` seconds); only
the fit is timed, in the solver's own process.

  sparseglm    sparseglm-bench --npy (one process per tolerance, --warmup 1 --repeat 3|1); tol is
               the absolute optimality criterion, the ladder is alpha * 10^-k
  sklearn-cd   scikit-learn Lasso / ElasticNet (sklearn_worker.py); tol is the duality gap
               relative to ||y||^2 / n
  liblinear    scikit-learn LogisticRegression(solver='liblinear') (sklearn_worker.py)
  glmnet       R glmnet, standardize = FALSE (glmnet_worker.R); tol is glmnet's `thresh`
"""

import dataclasses
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                 "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}


def single_thread_environment():
    return {**os.environ, **SINGLE_THREAD}


def decades(first, last):
    """10^-first, 10^-(first+1), ..., 10^-last."""
    return [10.0 ** -k for k in range(first, last + 1)]


@dataclasses.dataclass
class LadderPoint:
    tol: float
    time_s: float
    times: list
    coefs: np.ndarray  # p + 1 values (coefficients, intercept), or one row per alpha of a path


class Budget:
    """Wall-clock deadline of one solver on one cell."""

    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds

    def remaining(self):
        return self.deadline - time.monotonic()


class Process:
    """A started process whose stdout lines are read with a deadline; killed (its own process
    group, by id) when closed early."""

    def __init__(self, command):
        self.command = command
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.errors, text=True,
                                        env=single_thread_environment(), start_new_session=True)
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def json_lines(self, budget):
        """Yields each JSON line until the process ends or the budget runs out."""
        while True:
            try:
                line = self.lines.get(timeout=max(budget.remaining(), 0.001))
            except queue.Empty:
                return
            if line is None:
                self.process.wait()
                if self.process.returncode != 0:
                    self.errors.seek(0)
                    message = self.errors.read().strip().splitlines()
                    raise RuntimeError(f"{os.path.basename(self.command[0])} exited with {self.process.returncode}: "
                                       + (message[-1] if message else "no message"))
                return
            if line.startswith("{"):
                yield json.loads(line)

    def close(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.errors.close()


def load_coefs(path, rows):
    values = np.load(path) if path.endswith(".npy") else np.fromfile(path, dtype="<f8")
    return values.reshape(rows, -1) if rows > 1 else values.ravel()


class Peer:
    """A solver. `ladder(cell)` is its tolerance list; `points(...)` runs it and yields LadderPoints."""

    name = ""
    models = ()  # models it fits
    fits_path = False

    def available(self):
        """None when usable, else why not."""
        raise NotImplementedError

    def supports(self, cell):
        return (self.fits_path if cell.is_path else True) and cell.model in self.models

    def ladder(self, cell):
        raise NotImplementedError

    def points(self, cell, tols, out_dir, budget, slow):
        raise NotImplementedError

    def _read_points(self, process, cell, budget):
        for record in process.json_lines(budget):
            yield LadderPoint(record["tol"], record["time_s"], record["times"],
                              load_coefs(record["coef_file"], cell.n_alphas))


class SparseGLM(Peer):
    name = "sparseglm"
    models = ("lasso", "enet", "logreg")
    fits_path = True

    def __init__(self, bench):
        self.bench = bench

    def available(self):
        return None if self.bench and os.access(self.bench, os.X_OK) else f"no sparseglm-bench at {self.bench}"

    def ladder(self, cell):
        # tol is on the largest KKT violation, in gradient units: 10 alpha is loose (at w = 0 the
        # violation is alpha_max - alpha), and from 0.1 alpha the fits are often near 1e-10.
        return [cell.alpha * tol for tol in decades(-1, 10)]

    def command(self, cell, tol, coef_file, warmup=1, repeat=3, extra=()):
        command = [self.bench, "--npy", cell.directory, "--model", cell.model, "--tol", repr(tol),
                   "--max-iter", "100000", "--max-epochs", "2000000000", "--warmup", str(warmup),
                   "--repeat", str(repeat), "--coef-out", coef_file, *extra]
        if cell.is_path:
            command += ["--path", str(cell.n_alphas), "--alpha-ratio", repr(cell.path_eps)]
        else:
            command += ["--alpha", repr(cell.alpha)]
        if cell.model == "enet":
            command += ["--l1-ratio", repr(cell.l1_ratio)]
        if not cell.fit_intercept:
            command.append("--no-fit-intercept")
        return command

    def run_once(self, command, budget):
        """The JSON record of one sparseglm-bench process, or None when the budget ran out."""
        process = Process(command)
        try:
            return next(process.json_lines(budget), None)
        finally:
            process.close()

    def points(self, cell, tols, out_dir, budget, slow):
        previous = 0.0
        for index, tol in enumerate(tols):
            coef_file = os.path.join(out_dir, f"coef-{index}.npy")
            record = self.run_once(self.command(cell, tol, coef_file, repeat=1 if previous > slow else 3), budget)
            if record is None:
                return
            previous = record["time_s"]
            yield LadderPoint(tol, previous, [previous], load_coefs(coef_file, cell.n_alphas))


class WorkerPeer(Peer):
    """A peer run by a worker script that walks the whole ladder in one process."""

    def worker_command(self):
        raise NotImplementedError

    def extra_arguments(self):
        return []

    def points(self, cell, tols, out_dir, budget, slow):
        command = self.worker_command() + ["--data", cell.directory, "--model", cell.model,
                                           "--l1-ratio", repr(cell.l1_ratio),
                                           "--fit-intercept", "1" if cell.fit_intercept else "0",
                                           "--tols", ",".join(repr(t) for t in tols), "--out-dir", out_dir,
                                           "--slow", repr(slow), *self.extra_arguments()]
        if cell.is_path:
            alphas_file = os.path.join(out_dir, "alphas.npy")
            np.save(alphas_file, cell.path_alphas)
            command += ["--path-alphas", alphas_file]
        else:
            command += ["--alpha", repr(cell.alpha)]
        process = Process(command)
        try:
            yield from self._read_points(process, cell, budget)
        finally:
            process.close()


def python_has(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
    return result.returncode == 0


class SklearnCD(WorkerPeer):
    name = "sklearn-cd"
    models = ("lasso", "enet")
    fits_path = True

    def available(self):
        return None if python_has("sklearn") else f"scikit-learn is not importable by {sys.executable}"

    def ladder(self, cell):
        return decades(0, 14)

    def worker_command(self):
        return [sys.executable, os.path.join(HERE, "sklearn_worker.py")]


class Liblinear(SklearnCD):
    name = "liblinear"
    models = ("logreg",)
    fits_path = False

    def __init__(self, intercept_scaling):
        self.intercept_scaling = intercept_scaling

    def ladder(self, cell):
        return decades(0, 12)

    def extra_arguments(self):
        return ["--intercept-scaling", repr(self.intercept_scaling)]


class Glmnet(WorkerPeer):
    name = "glmnet"
    models = ("lasso", "enet", "logreg")
    fits_path = True

    def available(self):
        rscript = shutil.which("Rscript")
        if not rscript:
            return "Rscript is not installed"
        result = subprocess.run([rscript, "-e", "library(glmnet)"], capture_output=True)
        return None if result.returncode == 0 else "the R package glmnet is not installed"

    def ladder(self, cell):
        return decades(1, 16)

    def worker_command(self):
        return [shutil.which("Rscript"), os.path.join(HERE, "glmnet_worker.R")]


def all_peers(bench, intercept_scaling):
    return [SparseGLM(bench), SklearnCD(), Liblinear(intercept_scaling), Glmnet()]
