#!/usr/bin/env python3
"""A/B of two sparseglm-bench binaries: each one's time to a suboptimality target on harness cells.

    bench/compare/ab.py OLD_BENCH NEW_BENCH CELL... [--rounds 2] [--target 1e-6] [--env-a K=V ...]

A cell is a key of run.py's results (text-20000x50000-logreg-a1000-nob, dense-500x5000-lasso-a100-b,
quick-dense-100x300-lasso-a100-b, or of an svmlight file that run.py --svmlight cached, such as
farm-ads.svm-logreg-a1000-nob). Its problem and certified reference must be in the cache already:
run.py makes them. For each round and cell, A's then B's ladder (sparseglm's own, loosest
first, each point one warm-up and the median of 3 fits) runs until a point reaches the target;
that point's time is the time to target, or a faster one's where run.py would refine that point's
decade (measure.refinement_tols). Prints, per cell, the median over rounds of A and B,
their ratio and the epochs of each, then the geometric mean of the ratios (> 1: B is faster);
exits with 1 when a side misses the target on a cell. The two binaries alternate so that the
machine's drift reaches both alike; on a shared machine single cells still move by 20%, their
mean less. --env-a / --env-b set environment variables of one side only (a knob read by an
experiment build).

--paired runs the two ladders of a cell at the same time instead, each side pinned to its own CPU
(taskset), and swaps the CPUs every round: a round takes the time of its slower side (4 rounds of
text-100000x10000-logreg-a1000-nob: 37 s of wall time against 62 s; each fit about 10% slower,
the two sharing the memory bus), both sides meet the same load from the machine's other tenants,
and over an even number of rounds a CPU that runs faster than the other favours neither. A cell's
A/B is then the geometric mean over rounds of that round's A/B. Same binary on both sides, three
runs of 8 rounds on each of two text L1-logistic cells: A/B from 0.97 to 1.06 paired, from 0.96
to 1.04 alternated.
"""

import argparse
import concurrent.futures
import json
import math
import os
import shutil
import statistics
import sys
import tempfile

import measure
import peers as peers_module
import problems
import run


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_a")
    parser.add_argument("bench_b")
    parser.add_argument("cells", nargs="+", metavar="CELL")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--target", type=float, default=1e-6)
    parser.add_argument("--env-a", nargs="*", default=[], metavar="K=V")
    parser.add_argument("--env-b", nargs="*", default=[], metavar="K=V")
    parser.add_argument("--cache", default=os.path.join("build", "compare-cache"))
    parser.add_argument("--paired", action="store_true",
                        help="run A and B at the same time, one CPU each, swapped every round")
    return parser.parse_args(argv)


def cached_svmlight_specs(cache):
    """The svmlight problems that run.py --svmlight left in the cache (their meta.json names the
    file they were read from)."""
    specs = []
    for name in sorted(os.listdir(cache)) if os.path.isdir(cache) else []:
        meta_path = os.path.join(cache, name, "meta.json")
        if name in problems.NAMED or not os.path.exists(meta_path):
            continue
        with open(meta_path) as file:
            source = json.load(file).get("identity", {}).get("file")
        if source:
            specs.append(problems.SvmlightSpec(name, source))
    return specs


def find_cell(key, cache):
    """The cell of run.py's full benchmark, of --quick or of a cached svmlight file with this key,
    settled on its cached problem."""
    for spec in [*problems.NAMED.values(), problems.QUICK, *cached_svmlight_specs(cache)]:
        if not key.startswith(spec.name + "-"):
            continue
        root = os.path.join(cache, spec.name)
        if not os.path.exists(os.path.join(root, "meta.json")):
            raise SystemExit(f"ab.py: {spec.name} is not in {cache}: run run.py on it first")
        problem = problems.Problem(spec, root)
        for cell in run.cells_of(problem, run.parse_args(["--quick"] if spec is problems.QUICK else [])):
            if cell.key == key:
                X, y = problem.load(cell.task)
                return cell.settle(X, y), X, y
    raise SystemExit(f"ab.py: no cell {key} in the benchmark")


def reference_objective(cell):
    path = os.path.join(cell.problem.root, "references", f"reference-{cell.key}.json")
    if not os.path.exists(path):
        raise SystemExit(f"ab.py: no reference for {cell.key}: run run.py on that cell first")
    with open(path) as file:
        return json.load(file)["objective"]


def side_prefix(env, cpu):
    """The command prefix of one side: its environment variables, and its CPU when pinned."""
    prefix = ["env", *(f"{key}={value}" for key, value in env.items())] if env else []
    return prefix + (["taskset", "-c", str(cpu)] if cpu is not None else [])


def time_to_target(bench, prefix, cell, X, y, reference, target, coef_file):
    """(seconds, epochs) of the fastest point reaching target, or (None, None): the ladder's
    loosest point that reaches it and, where that point lands REFINE_OVERSHOOT times below the
    target, the tolerances that split the decade above it, as run.py times a cell."""
    sparseglm = peers_module.SparseGLM(bench)

    def point(tol):
        command = prefix + sparseglm.command(cell, tol, coef_file)
        record = sparseglm.run_once(command, peers_module.Budget(600))
        if record is None:
            return None
        objective = measure.cell_objectives(cell, X, y, peers_module.load_coefs(coef_file, cell.n_alphas))
        return {"tol": tol, "objective": objective, "time_s": record["time_s"], "n_epochs": record["n_epochs"],
                "subopt": measure.suboptimality(objective, reference)}

    points = []
    for tol in sparseglm.ladder(cell):
        points.append(point(tol))
        if points[-1] is None:
            points.pop()
            break
        if points[-1]["subopt"] <= target:
            break
    for tol in measure.refinement_tols(points, reference, [target]):
        refined = point(tol)
        if refined is not None:
            points.append(refined)
    reached = [p for p in points if p["subopt"] <= target]
    if not reached:
        return None, None
    fastest = min(reached, key=lambda p: p["time_s"])
    return fastest["time_s"], fastest["n_epochs"]


def paired_cpus(paired):
    """The two CPUs of --paired (None without it)."""
    if not paired:
        return None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("ab.py: --paired needs two CPUs, this process may use one")
    if shutil.which("taskset") is None:
        raise SystemExit("ab.py: --paired needs taskset (util-linux)")
    return cpus[:2]


def main(argv):
    args = parse_args(argv)
    sides = {"A": (args.bench_a, dict(kv.split("=", 1) for kv in args.env_a)),
             "B": (args.bench_b, dict(kv.split("=", 1) for kv in args.env_b))}
    cpus = paired_cpus(args.paired)
    if cpus and args.rounds % 2:
        print("ab.py: with --paired, an even number of rounds gives each side each CPU as often", file=sys.stderr)
    cells = [find_cell(key, args.cache) for key in args.cells]
    times = {cell.key: {"A": [], "B": []} for cell, _, _ in cells}
    epochs = {cell.key: {} for cell, _, _ in cells}
    with tempfile.TemporaryDirectory(prefix="sparseglm-ab-") as work_dir, \
            concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for round_index in range(args.rounds):
            for cell, X, y in cells:
                reference = reference_objective(cell)

                def run_side(order, side):
                    bench, env = sides[side]
                    cpu = cpus[(order + round_index) % 2] if cpus else None
                    coef_file = os.path.join(work_dir, f"coef-{side}.npy")
                    return time_to_target(bench, side_prefix(env, cpu), cell, X, y, reference, args.target,
                                          coef_file)

                if cpus:
                    futures = {side: pool.submit(run_side, order, side) for order, side in enumerate(sides)}
                    results = {side: future.result() for side, future in futures.items()}
                else:
                    results = {side: run_side(order, side) for order, side in enumerate(sides)}
                for side, (seconds, n_epochs) in results.items():
                    times[cell.key][side].append(seconds if seconds is not None else math.inf)
                    epochs[cell.key][side] = n_epochs
    logs, missed = [], []
    for key, by_side in times.items():
        a, b = statistics.median(by_side["A"]), statistics.median(by_side["B"])
        missed += [f"{key} ({side})" for side, median in (("A", a), ("B", b)) if not math.isfinite(median)]
        ratio = cell_ratio(by_side, args.paired)
        if math.isfinite(ratio):
            logs.append(math.log(ratio))
        print(f"{key:40s} A {a:.4g} s  B {b:.4g} s  A/B {ratio:.2f}  epochs {epochs[key]['A']} -> {epochs[key]['B']}")
    if logs:
        print(f"geometric mean of A/B over {len(logs)} cells: {math.exp(sum(logs) / len(logs)):.3f}")
    if missed:
        print(f"ab.py: the target {args.target:g} was not reached by: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


def cell_ratio(by_side, paired):
    """A/B of one cell: of the medians, or with --paired the geometric mean of each round's."""
    a, b = by_side["A"], by_side["B"]
    if paired:
        logs = [math.log(ta / tb) for ta, tb in zip(a, b) if math.isfinite(ta) and math.isfinite(tb)]
        return math.exp(statistics.fmean(logs)) if logs else math.nan
    median_a, median_b = statistics.median(a), statistics.median(b)
    return median_a / median_b if math.isfinite(median_a) and math.isfinite(median_b) else math.nan


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
