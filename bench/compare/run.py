#!/usr/bin/python3
"""Side-by-side benchmark of sparseglm against scikit-learn, liblinear and glmnet.

Fits the same problems (generated once, seeded, and cached as .npy arrays) with every available
solver, single-threaded, and reports the time each needs to reach relative suboptimality 1e-4,
1e-6 and 1e-8 against a certified reference optimum, as a markdown table (also printed) and one
figure per problem of suboptimality against time. See the README section "Comparing with
scikit-learn, liblinear and glmnet".

    bench/compare/run.py                       the full benchmark (tens of minutes)
    bench/compare/run.py --quick               one tiny problem (the ctest smoke test)
    bench/compare/run.py --problems dense-500x5000 --models lasso --ratios 100 --no-path

Exit status: 0 when every check held; 1 when a check failed (a reference not certified to
--max-ref-gap, a run better than the reference by more than its gap, or, with --quick, sparseglm
not reaching 1e-8); 2 on a usage error.
"""

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import types

import measure
import peers as peers_module
import problems
import report

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TARGETS = (1e-4, 1e-6, 1e-8)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="run.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Problems: " + ", ".join(problems.GENERATED) + "; opt-in: " + ", ".join(problems.OPT_IN) +
        f"; --quick: {problems.QUICK.name}.")
    parser.add_argument("--quick", action="store_true",
                        help="one tiny dense problem, alpha_max/100, with and without intercept, and a 10-alpha "
                             "path; small budgets")
    parser.add_argument("--problems", nargs="*", choices=sorted(problems.NAMED), metavar="NAME",
                        help="generated problems to run (default: the four of the issue, not the opt-in ones; "
                             "none, with --svmlight: only the files)")
    parser.add_argument("--svmlight", nargs="+", default=[], metavar="FILE",
                        help="svmlight files to add (binary labels: logreg; otherwise lasso and enet, y centred "
                             "and scaled to unit RMS)")
    parser.add_argument("--models", nargs="+", choices=["lasso", "enet", "logreg"], default=None,
                        help="models (default: all three)")
    parser.add_argument("--ratios", nargs="+", type=float, default=None, metavar="K",
                        help="alpha = alpha_max / K (default: 10 100 1000)")
    parser.add_argument("--intercept", choices=["both", "yes", "no"], default="both",
                        help="fit an intercept, not, or both (default)")
    parser.add_argument("--path-alphas", type=int, default=None, metavar="N",
                        help="alphas of the Lasso path, from alpha_max to alpha_max/100 (default 100; 10 with "
                             "--quick)")
    paths = parser.add_mutually_exclusive_group()
    paths.add_argument("--no-path", action="store_true", help="skip the Lasso paths")
    paths.add_argument("--path-only", action="store_true", help="only the Lasso paths")
    parser.add_argument("--solvers", nargs="+", choices=["sparseglm", "sklearn-cd", "liblinear", "glmnet"],
                        default=None, help="solvers to run (default: every available one)")
    parser.add_argument("--budget", type=float, default=None, metavar="S",
                        help="seconds one solver may spend on one cell's ladder (default 120; 60 with --quick)")
    parser.add_argument("--slow", type=float, default=2.0, metavar="S",
                        help="a ladder point after one slower than S seconds is timed once, not 3 times "
                             "(default 2)")
    parser.add_argument("--intercept-scaling", type=float, default=100.0, metavar="S",
                        help="liblinear's intercept_scaling: its intercept costs alpha |b| / S (default 100)")
    parser.add_argument("--max-ref-gap", type=float, default=1e-9, metavar="G",
                        help="largest duality gap / |P| accepted for a reference (default 1e-9)")
    parser.add_argument("--bench", default=os.path.join(REPO, "build", "release", "bench", "sparseglm-bench"),
                        help="the sparseglm-bench binary (default: build/release/bench/sparseglm-bench)")
    parser.add_argument("--cache", default=os.path.join(REPO, "build", "compare-cache"),
                        help="where generated problems and references are kept (default: build/compare-cache)")
    parser.add_argument("--out", default=None,
                        help="where README.md, results.json and the figures go (default: build/compare-results; "
                             "the committed run is docs/benchmarks)")
    parser.add_argument("--merge", action="store_true",
                        help="keep the cells of OUT/results.json that this run does not redo, and report all")
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: write README.md and the figures again from OUT/results.json")
    args = parser.parse_args(argv)
    quick = args.quick
    args.models = args.models or ["lasso", "enet", "logreg"]
    args.ratios = args.ratios or ([100.0] if quick else [10.0, 100.0, 1000.0])
    args.path_alphas = args.path_alphas or (10 if quick else 100)
    args.budget = args.budget or (60.0 if quick else 120.0)
    args.out = args.out or os.path.join(REPO, "build", "compare-quick" if quick else "compare-results")
    if any(k <= 1 for k in args.ratios) or args.path_alphas < 2 or args.budget <= 0:
        parser.error("--ratios must be > 1, --path-alphas >= 2, --budget > 0")
    generated = problems.GENERATED if args.problems is None else args.problems
    specs = [problems.QUICK] if quick else [problems.NAMED[name] for name in generated]
    specs += [problems.SvmlightSpec(os.path.splitext(os.path.basename(path))[0], path) for path in args.svmlight]
    if not specs:
        parser.error("no problem to run: --problems without names needs --svmlight FILE")
    args.specs = specs
    return args


def cells_of(problem, args):
    """The cells to run on a problem: each model, ratio and intercept choice, then the Lasso path."""
    intercepts = {"both": [False, True], "yes": [True], "no": [False]}[args.intercept]
    cells = [] if args.path_only else [
        problems.Cell(problem, model, fit_intercept, alpha_ratio=1.0 / ratio)
        for model in args.models if problems.TASK_OF_MODEL[model] in problem.tasks
        for ratio in args.ratios for fit_intercept in intercepts]
    if not args.no_path and "lasso" in args.models and problems.REGRESSION in problem.tasks:
        cells.append(problems.Cell(problem, "lasso", True, n_alphas=args.path_alphas, path_eps=0.01))
    return cells


def full_benchmark_keys():
    """{problem: keys of its cells} of `run.py` without options (the generated problems)."""
    defaults = parse_args([])
    return {spec.name: [cell.key for cell in cells_of(types.SimpleNamespace(name=spec.name, tasks=spec.tasks), defaults)]
            for spec in problems.GENERATED.values()}


def choose_peers(args):
    """(peers to run, {name: why skipped})."""
    chosen, skipped = [], {}
    for peer in peers_module.all_peers(args.bench, args.intercept_scaling):
        if args.solvers and peer.name not in args.solvers:
            continue
        reason = peer.available()
        if reason:
            skipped[peer.name] = reason
        else:
            chosen.append(peer)
    return chosen, skipped


def run_cell(cell, X, y, sparseglm, peers, args, work_dir, checks):
    """Measures one cell: its reference, then each peer's ladder; returns the cell's record."""
    os.makedirs(work_dir, exist_ok=True)
    ref = measure.reference(cell, X, y, sparseglm, work_dir, os.path.join(cell.problem.root, "references"))
    if ref["rel_gap"] > args.max_ref_gap:
        checks.append(f"{cell.key}: reference duality gap / |P| = {ref['rel_gap']:.2e} > {args.max_ref_gap:g}")
    solvers = {}
    for peer in peers:
        if not peer.supports(cell):
            continue
        peer_dir = os.path.join(work_dir, peer.name)
        stop_at = 0.1 * min(TARGETS)
        points, ended = measure.run_ladder(peer, cell, X, y, ref["objective"], peer_dir, args.budget, args.slow,
                                           stop_at)
        refine = measure.refinement_tols(points, ref["objective"], TARGETS)
        if refine:
            refined, _ = measure.run_ladder(peer, cell, X, y, ref["objective"], os.path.join(peer_dir, "refined"),
                                            args.budget, args.slow, stop_at, tols=refine)
            points = sorted(points + refined, key=lambda point: -point["tol"])
        solvers[peer.name] = {"points": points, "ended": ended, "refined": len(refine)}
    best = measure.best_objective(ref["objective"], [s["points"] for s in solvers.values()])
    # A run below the certified reference by more than its gap means an objective is miscomputed.
    below = measure.suboptimality(ref["objective"], best) - ref["rel_gap"]
    if below > 1e-12:
        checks.append(f"{cell.key}: a run beats the reference by {below:.2e} (relative) beyond its gap")
    for solver in solvers.values():
        for point in solver["points"]:
            point["subopt"] = measure.suboptimality(point.pop("objective"), best)
        solver["time_to"] = {f"{t:g}": measure.time_to(solver["points"], t) for t in TARGETS}
        solver["slowest_s"] = max((p["time_s"] for p in solver["points"]), default=None)
    if "sparseglm" in solvers:
        solvers["sparseglm"]["first_fit"] = measure.first_fit(sparseglm, cell, solvers["sparseglm"]["points"], 1e-6,
                                                              os.path.join(work_dir, "sparseglm"), args.budget)
    if args.quick and "sparseglm" in solvers and solvers["sparseglm"]["time_to"][f"{min(TARGETS):g}"] is None:
        checks.append(f"{cell.key}: sparseglm did not reach {min(TARGETS):g} ({solvers['sparseglm']['ended']})")
    return {"key": cell.key, "problem": cell.problem.name, "label": cell.label(), "model": cell.model,
            "alpha_ratio": cell.alpha_ratio, "n_alphas": cell.n_alphas, "fit_intercept": cell.fit_intercept,
            "alpha": float(cell.alpha), "alpha_max": cell.alpha_max,
            "reference": {k: ref[k] for k in ("rel_gap", "stop_crit", "tol", "seconds")},
            "solvers": solvers}


def merged(previous_file, results):
    """results with the cells (and problems, runs) of previous_file that it does not redo."""
    if not os.path.exists(previous_file):
        return results
    with open(previous_file) as file:
        previous = json.load(file)
    redone = {cell["key"] for cell in results["cells"]}
    cells = [cell for cell in previous["cells"] if cell["key"] not in redone] + results["cells"]
    for run in previous["runs"]:
        run["checks_failed"] = [check for check in run["checks_failed"] if check.split(":")[0] not in redone]
    return {**results, "runs": previous["runs"] + results["runs"], "cells": cells,
            "problems": {**previous["problems"], **results["problems"]}}


def main(argv):
    args = parse_args(argv)
    if args.report_only:
        with open(os.path.join(args.out, "results.json")) as file:
            report.write(json.load(file), args.out)
        return 0
    os.environ.update(peers_module.SINGLE_THREAD)
    peers, skipped = choose_peers(args)
    sparseglm = next((peer for peer in peers if peer.name == "sparseglm"), None)
    if sparseglm is None:
        print("run.py: " + (f"{skipped['sparseglm']}: build it first (cmake --build --preset release --target "
                            "sparseglm-bench) or give --bench" if "sparseglm" in skipped
                            else "--solvers: sparseglm computes the references, keep it"), file=sys.stderr)
        return 2
    for name, reason in skipped.items():
        print(f"run.py: skipping {name}: {reason}", file=sys.stderr)
    started = datetime.datetime.now(datetime.timezone.utc)
    run = {"command": " ".join(["bench/compare/run.py", *argv]), "started": started.isoformat(timespec="seconds"),
           "machine": report.machine_description(), "versions": report.versions(peers), "skipped": skipped,
           "settings": {"budget_s": args.budget, "slow_s": args.slow, "intercept_scaling": args.intercept_scaling,
                        "reference_gap": measure.REFERENCE_GAP}}
    results = {"runs": [run], "targets": list(TARGETS), "problems": {}, "cells": []}
    checks = []
    work_root = tempfile.mkdtemp(prefix="sparseglm-compare-")
    try:
        for spec in args.specs:
            problem = problems.prepare(spec, args.cache)
            cells = cells_of(problem, args)
            if not cells:  # an svmlight file's task is known only now, from its labels
                fitting = [model for model, task in problems.TASK_OF_MODEL.items() if task in problem.tasks]
                print(f"run.py: skipping {problem.name}: its task is {' and '.join(problem.tasks)}, which "
                      f"--models {' '.join(args.models)} does not fit ({', '.join(fitting)} would)", file=sys.stderr)
                continue
            xtv = measure.transpose_product_seconds(sparseglm, problem.directory(problem.tasks[0]))
            results["problems"][problem.name] = {"description": problem.describe(), "n": problem.n, "p": problem.p,
                                                 "nnz": problem.nnz, "sparse": problem.sparse, "xtv_s": xtv}
            print(f"== {problem.describe()}: one X^T v takes {xtv * 1e3:.3f} ms", flush=True)
            for task in problem.tasks:
                X, y = problem.load(task)
                for cell in cells:
                    if cell.task != task:
                        continue
                    cell.settle(X, y)
                    record = run_cell(cell, X, y, sparseglm, peers, args, os.path.join(work_root, cell.key), checks)
                    record["xtv_s"] = xtv
                    results["cells"].append(record)
                    print(report.progress_line(record, xtv), flush=True)
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    if not results["cells"]:
        print("run.py: no cell to run: nothing written", file=sys.stderr)
        return 2
    run["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    run["checks_failed"] = checks
    os.makedirs(args.out, exist_ok=True)
    if args.merge:
        results = merged(os.path.join(args.out, "results.json"), results)
    if not args.quick and args.problems != []:  # a run of svmlight files alone has no full benchmark
        done = {cell["key"] for cell in results["cells"]}
        results["not_run"] = {problem: [key for key in keys if key not in done]
                              for problem, keys in full_benchmark_keys().items()}
    with open(os.path.join(args.out, "results.json"), "w") as file:
        json.dump(results, file, indent=1)
    markdown = report.write(results, args.out)
    print(markdown)
    for check in checks:
        print(f"run.py: check failed: {check}", file=sys.stderr)
    return 1 if checks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
