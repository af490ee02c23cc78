"""Measurements: the reference optimum of a cell, each solver's tolerance ladder judged against it,
and the time of one X^T v product.

Suboptimality of a run: (P - P*) / |P*|, clipped at 0, with P the objective of the run's
coefficients evaluated here (objectives.py, the same code for every solver) and P* the smallest
objective known for the cell: the reference's or any run's. For a path it is the largest
suboptimality over the path's alphas. The reference is sparseglm at a tolerance far below the
ladders', certified by its duality gap computed here: P* lies within [P_ref - gap, P_ref].
"""

import json
import os

import numpy as np

import objectives
from peers import Budget

# The reference: sparseglm at tol = alpha * 1e-7, then 100 times tighter until its duality gap is
# below REFERENCE_GAP * |P| (or the tolerances or REFERENCE_SECONDS run out: the last result stays).
REFERENCE_TOLS = (1e-7, 1e-9, 1e-11, 1e-13)
REFERENCE_GAP = 1e-10
REFERENCE_SECONDS = 900
# The first fit in a process against the next ones: fits in one fresh process, none untimed.
FIRST_FIT_REPEAT = 5
# A ladder stops after this many points that do not lower its best suboptimality by 1% (a solver
# stuck on another problem, e.g. liblinear's penalised intercept); slow progress goes on.
STAGNATION_POINTS = 4
# Refinement: where a ladder's first point at or below a target lands more than REFINE_OVERSHOOT
# times below it, the decade above that point is split by REFINE_SPLITS - 1 tolerances (equal
# ratios), which every solver runs alike. Solvers that converge superlinearly jump orders of
# magnitude in one decade of tolerance; by decades alone their time to a target was measured at
# a point far past it.
REFINE_OVERSHOOT = 10
REFINE_SPLITS = 3


def cell_objectives(cell, X, y, coefs):
    """P of each alpha's (coefficients, intercept): a float, or an array along a path."""
    rows = coefs.reshape(cell.n_alphas, -1)
    alphas = cell.path_alphas if cell.is_path else [cell.alpha]
    values = [objectives.primal(X, y, cell.model, alpha, cell.l1_ratio, row[:-1], row[-1])
              for alpha, row in zip(alphas, rows)]
    return np.array(values) if cell.is_path else values[0]


def suboptimality(objective, best):
    """max over alphas of (P - P*) / |P*|, clipped at 0."""
    relative = (np.asarray(objective) - np.asarray(best)) / np.abs(np.asarray(best))
    return float(max(np.max(relative), 0.0))


class ReferenceError(RuntimeError):
    pass


def certify(cell, X, y, coef_file):
    """(objective per alpha, largest duality gap / |P|, largest optimality criterion) of a solution."""
    rows = np.load(coef_file).reshape(cell.n_alphas, -1)
    alphas = cell.path_alphas if cell.is_path else [cell.alpha]
    certified = [objectives.certificates(X, y, cell.model, alpha, cell.l1_ratio, row[:-1], row[-1], cell.fit_intercept)
                 for alpha, row in zip(alphas, rows)]
    objective = np.array([c[0] for c in certified])
    return objective, max(c[2] / abs(c[0]) for c in certified), max(c[1] for c in certified)


def reference(cell, X, y, sparseglm, work_dir, cache_dir):
    """The cell's reference solution (objective, rel_gap, stop_crit, tol, seconds); cached per cell."""
    cache_file = os.path.join(cache_dir, f"reference-{cell.key}.json")
    identity = {"alpha": cell.alpha, "alpha_max": cell.alpha_max, "tols": REFERENCE_TOLS, "gap": REFERENCE_GAP}
    if os.path.exists(cache_file):
        with open(cache_file) as file:
            cached = json.load(file)
        if cached.pop("identity") == json.loads(json.dumps(identity)):
            return {**cached, "objective": np.array(cached["objective"]) if cell.is_path else cached["objective"]}
    budget = Budget(REFERENCE_SECONDS)
    result = None
    coef_file = os.path.join(work_dir, "reference.npy")
    for factor in REFERENCE_TOLS:
        record = sparseglm.run_once(sparseglm.command(cell, cell.alpha * factor, coef_file, warmup=0, repeat=1), budget)
        if record is None:
            break
        objective, rel_gap, stop_crit = certify(cell, X, y, coef_file)
        result = {"objective": objective if cell.is_path else float(objective[0]), "rel_gap": rel_gap,
                  "stop_crit": stop_crit, "tol": cell.alpha * factor, "seconds": record["time_s"]}
        if rel_gap <= REFERENCE_GAP:
            break
    if result is None:
        raise ReferenceError(f"{cell.key}: the reference took more than {REFERENCE_SECONDS} s")
    os.makedirs(cache_dir, exist_ok=True)
    with open(cache_file, "w") as file:
        json.dump({**result, "identity": identity,
                   "objective": result["objective"].tolist() if cell.is_path else result["objective"]}, file)
    return result


def stagnating(subopts):
    """True when the last STAGNATION_POINTS points did not lower the best suboptimality before them by 1%."""
    if len(subopts) <= STAGNATION_POINTS:
        return False
    return min(subopts[-STAGNATION_POINTS:]) > 0.99 * min(subopts[:-STAGNATION_POINTS])


def run_ladder(peer, cell, X, y, reference_objective, out_dir, budget_seconds, slow, stop_at, tols=None):
    """Runs the peer's ladder (or tols, loosest first); returns (points, how it ended). A point is a
    dict with tol, time_s, times and objective. The ladder ends when a point reaches stop_at, when
    the suboptimality stagnates, when the budget runs out or at its last tolerance."""
    os.makedirs(out_dir, exist_ok=True)
    budget = Budget(budget_seconds)
    points, subopts, ended = [], [], "ladder done"
    runs = peer.points(cell, peer.ladder(cell) if tols is None else tols, out_dir, budget, slow)
    try:
        for point in runs:
            objective = cell_objectives(cell, X, y, point.coefs)
            points.append({"tol": point.tol, "time_s": point.time_s, "times": point.times, "objective": objective})
            subopts.append(suboptimality(objective, reference_objective))
            if subopts[-1] <= stop_at:
                ended = f"reached {stop_at:g}"
                break
            if stagnating(subopts):
                ended = "stagnated"
                break
        else:
            if budget.remaining() <= 0:
                ended = f"budget of {budget_seconds:g} s spent"
    except RuntimeError as error:
        ended = f"failed: {error}"
    finally:
        runs.close()
    return points, ended


def refinement_tols(points, reference_objective, targets):
    """The tolerances that split the decade above each point that first reaches a target far below
    it (REFINE_OVERSHOOT), loosest first; points are a ladder's, loosest first."""
    subopts = [suboptimality(point["objective"], reference_objective) for point in points]
    tols = set()
    for target in targets:
        first = next((i for i, subopt in enumerate(subopts) if subopt <= target), None)
        if first is None or first == 0 or subopts[first] * REFINE_OVERSHOOT > target:
            continue
        looser, tighter = points[first - 1]["tol"], points[first]["tol"]
        ratio = tighter / looser
        tols.update(looser * ratio ** (k / REFINE_SPLITS) for k in range(1, REFINE_SPLITS))
    return sorted(tols, reverse=True)


def best_objective(reference_objective, solver_points):
    """P*: the smallest objective of the reference and of every run (per alpha along a path)."""
    best = np.array(reference_objective, dtype=float)
    for points in solver_points:
        for point in points:
            best = np.minimum(best, point["objective"])
    return best


def time_to(points, target):
    """The fastest point reaching suboptimality <= target, or None."""
    times = [point["time_s"] for point in points if point["subopt"] <= target]
    return min(times) if times else None


def first_fit(sparseglm, cell, points, target, out_dir, budget_seconds):
    """sparseglm's first fit in a fresh process and the median of its FIRST_FIT_REPEAT fits there
    (the first included), at the tolerance of its loosest ladder point reaching target (else its
    last point): {tol, first_s, median_s, fits}, or None when no point or the budget ran out."""
    reached = [point for point in points if point["subopt"] <= target]
    point = reached[0] if reached else (points[-1] if points else None)
    if point is None:
        return None
    command = sparseglm.command(cell, point["tol"], os.path.join(out_dir, "first-fit.npy"), warmup=0,
                                repeat=FIRST_FIT_REPEAT)
    record = sparseglm.run_once(command, Budget(budget_seconds))
    if record is None:
        return None
    return {"tol": point["tol"], "first_s": record["first_time_s"], "median_s": record["time_s"],
            "fits": FIRST_FIT_REPEAT}


def transpose_product_seconds(sparseglm, directory):
    """The median time of one X^T v on the problem, measured by sparseglm-bench --time-xtv."""
    record = sparseglm.run_once([sparseglm.bench, "--npy", directory, "--time-xtv"], Budget(600))
    return record["xtv_s"]
