"""Reporting: the machine, progress lines, the markdown tables and the suboptimality figures."""

import os
import platform
import subprocess
import sys

SOLVER_ORDER = ("sparseglm", "sklearn-cd", "liblinear", "glmnet")
COLOURS = {"sparseglm": "tab:red", "sklearn-cd": "tab:blue", "liblinear": "tab:green", "glmnet": "tab:purple"}
FLOOR = 1e-16  # suboptimality 0 is drawn here on the log scale

METHOD = """\
How to read this. Each cell is a problem, a model, an alpha and an intercept choice. Every solver
runs a ladder of tolerances by decades, loosest first, from a tolerance loose enough that its
point is usually above 1e-4 (sparseglm 10 alpha to 1e-10 alpha, on its KKT violation;
scikit-learn 1 to 1e-14; liblinear 1 to 1e-12; glmnet 0.1 to 1e-16). Each ladder point is one
untimed warm-up fit, then the median of 3 timed fits (1 after a point slower than slow_s
seconds): fit time only, single-threaded, measured in the solver's own process. The harness
evaluates every solution's objective itself (numpy, the same code for all solvers, sparseglm's
scaling). Suboptimality is
(P - P*) / |P*|, where P* is the smallest objective known: a sparseglm reference solved until its
duality gap (computed by the harness) is below reference_gap |P|, or any run's. "Time to 1e-6" is
the fastest ladder point at or below 1e-6. A ladder stops at 1e-9, after 4 points that do not lower
its suboptimality by 1%, or when it has spent budget_s seconds on the cell. Where the first point
at or below 1e-4, 1e-6 or 1e-8 lands more than 10 times below it, the solver also runs two
tolerances that split the decade above that point at equal ratios (by decades alone, a solver
that converges superlinearly was timed at a point far past the target). "> t" means not
reached, t being its slowest point; "no point in budget": its loosest tolerance did not finish in
budget_s. [k] is the time in units of one full X^T v product on that problem (sparseglm-bench
--time-xtv, measured in the cell's run), the floor a certified solver pays at least once. The
ratio is the best peer's time over sparseglm's (> 1: sparseglm is faster). For a path, the suboptimality is
the worst over its alphas.

sparseglm-bench comes from the release preset, which compiles for the machine it runs on
(-march=native, CMake option SPARSEGLM_NATIVE_ARCH), as a user compiles a header-only library
into their own program; "sparseglm build" above lists the SIMD instruction sets it uses. The
peers run their distributed binaries (scikit-learn's dot products go through its BLAS, which
picks its kernels for the CPU at run time).

Peers: scikit-learn Lasso / ElasticNet (coordinate descent; tol = duality gap relative to
||y||^2 / n); LogisticRegression(penalty='l1', solver='liblinear', C = 1 / (n alpha)); glmnet
(standardize = FALSE, lambda = alpha, mixing alpha = l1_ratio, tol = thresh). liblinear penalises
its intercept: b is the weight of a constant feature of value intercept_scaling, so b costs
alpha |b| / intercept_scaling, and its solutions are judged on our unpenalised-intercept objective.
glmnet's gaussian objective equals ours because y is centred with unit RMS (otherwise glmnet
rescales y by its standard deviation, which changes its ElasticNet). sklearn's path is
Lasso(warm_start=True) refitted along the alphas; glmnet gets the same alphas, with fdev = 0 so
that it solves every one. The machine is shared with other jobs (2 cores): times are noisy, so
compare ratios within a run.
"""


def command_output(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_description():
    cpu = ""
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as file:
            cpu = next((line.split(":", 1)[1].strip() for line in file if line.startswith("model name")), "")
    return f"{cpu or platform.processor()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def versions(peers):
    names = {peer.name for peer in peers}
    found = {"python": platform.python_version(),
             "sparseglm commit": command_output(["git", "-C", os.path.dirname(__file__), "rev-parse", "--short",
                                                 "HEAD"])}
    sparseglm = next((peer for peer in peers if peer.name == "sparseglm"), None)
    if sparseglm is not None:  # its SIMD instruction sets decide the speed of its dense kernels
        found["sparseglm build"] = command_output([sparseglm.bench, "--version"]).removeprefix("sparseglm-bench: ")
    if names & {"sklearn-cd", "liblinear"}:
        found["scikit-learn"] = command_output([sys.executable, "-c", "import sklearn; print(sklearn.__version__)"])
    if "glmnet" in names:
        found["glmnet"] = command_output(["Rscript", "-e", "cat(as.character(packageVersion('glmnet')))"])
    return found


def format_time(solver, target, xtv):
    if solver is None:
        return ""
    reached = solver["time_to"][f"{target:g}"]
    if reached is not None:
        return f"{reached:.3g} s [{reached / xtv:.0f}]"
    if solver["slowest_s"] is None:  # not one ladder point finished
        return "failed" if solver["ended"].startswith("failed") else "no point in budget"
    return f"> {solver['slowest_s']:.3g} s"


def ratio_to_best_peer(cell, target):
    """(best peer name, best peer time / sparseglm time) as text."""
    key = f"{target:g}"
    solvers = cell["solvers"]
    ours = solvers.get("sparseglm", {}).get("time_to", {}).get(key)
    peers = {name: s["time_to"][key] for name, s in solvers.items() if name != "sparseglm"}
    reached = {name: t for name, t in peers.items() if t is not None}
    if ours is None or not peers:
        return ""
    if reached:
        name = min(reached, key=reached.get)
        return f"{reached[name] / ours:.2f} ({name})"
    bound = max((solvers[name]["slowest_s"] or 0) for name in peers)
    return f"> {bound / ours:.2f} (none reached)" if bound else "(no peer ran)"


def solvers_present(results):
    present = {name for cell in results["cells"] for name in cell["solvers"]}
    return [name for name in SOLVER_ORDER if name in present]


def cell_column(cell):
    if cell["n_alphas"] > 1:
        return f"lasso path ({cell['n_alphas']} alphas)"
    return f"{cell['model']} amax/{round(1 / cell['alpha_ratio'])}{'' if cell['fit_intercept'] else ', no b'}"


def table(results, target, path_cells):
    names = solvers_present(results)
    header = ["problem", "cell", *names, "best peer / sparseglm"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for cell in results["cells"]:
        if (cell["n_alphas"] > 1) != path_cells:
            continue
        times = [format_time(cell["solvers"].get(name), target, cell["xtv_s"]) for name in names]
        lines.append("| " + " | ".join([cell["problem"], cell_column(cell), *times,
                                        ratio_to_best_peer(cell, target)]) + " |")
    return "\n".join(lines)


def first_fit_section(results):
    """Lines comparing sparseglm's first fit in a process with the next ones, or [] when not measured."""
    rows = [(cell, cell["solvers"]["sparseglm"].get("first_fit")) for cell in results["cells"]
            if "sparseglm" in cell["solvers"]]
    rows = [(cell, fit) for cell, fit in rows if fit]
    if not rows:
        return []
    ratios = sorted((fit["first_s"] / fit["median_s"], cell["key"]) for cell, fit in rows)
    median = ratios[len(ratios) // 2][0]
    fits = rows[0][1]["fits"]
    lines = ["", "## sparseglm's first fit in a process", "",
             f"One fresh process per cell, {fits} fits at the tolerance of the cell's loosest ladder "
             "point that reached 1e-6 (else its last point), none untimed: the first fit's time against the median "
             f"of the {fits}, the first included. Over {len(ratios)} cells, first / median: median "
             f"{median:.2f}, largest {ratios[-1][0]:.2f} ({ratios[-1][1]}).", "",
             "| problem | cell | tol | first fit | median | first - median | first / median |",
             "|---|---|---|---|---|---|---|"]
    for cell, fit in rows:
        lines.append(f"| {cell['problem']} | {cell_column(cell)} | {fit['tol']:.2g} | {fit['first_s']:.3g} s | "
                     f"{fit['median_s']:.3g} s | {(fit['first_s'] - fit['median_s']) * 1e3:.2f} ms | "
                     f"{fit['first_s'] / fit['median_s']:.2f} |")
    return lines


def progress_line(cell, xtv):
    parts = [f"{cell['key']}: ref gap {cell['reference']['rel_gap']:.1e}"]
    for name in SOLVER_ORDER:
        if name in cell["solvers"]:
            parts.append(f"{name} {format_time(cell['solvers'][name], 1e-6, xtv) or '-'}")
    return "  " + "; ".join(parts) + f"; ratio@1e-6 {ratio_to_best_peer(cell, 1e-6) or '-'}"


def best_so_far(points):
    """The envelope drawn per solver: at each ladder point's time, the smallest suboptimality
    reached by any point no slower (what "time to reach" reads off)."""
    ordered = sorted(points, key=lambda p: p["time_s"])
    times, subopts, best = [], [], float("inf")
    for point in ordered:
        best = min(best, max(point["subopt"], FLOOR))
        times.append(point["time_s"])
        subopts.append(best)
    return times, subopts


def figure(results, problem, out_dir):
    """One PNG per problem, a panel per cell: each solver's ladder points (dots) and the best
    suboptimality reached in a given time (steps); None without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter, LogLocator
    except ImportError:
        return None
    cells = [cell for cell in results["cells"] if cell["problem"] == problem]
    columns = min(3, len(cells))
    rows = (len(cells) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 3.3 * rows), squeeze=False)
    for ax in axes.flat[len(cells):]:
        ax.set_visible(False)
    for ax, cell in zip(axes.flat, cells):
        for name in SOLVER_ORDER:
            points = cell["solvers"].get(name, {}).get("points", [])
            if not points:
                continue
            times, subopts = best_so_far(points)
            ax.step(times, subopts, where="post", color=COLOURS[name], label=name)
            ax.plot([p["time_s"] for p in points], [max(p["subopt"], FLOOR) for p in points], "o",
                    color=COLOURS[name], markersize=3, alpha=0.5)
        ax.set_xscale("log")
        ax.set_yscale("log")
        # Minor ticks at 2 and 5 only, labelled: a time range inside one decade has no major tick.
        ax.xaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda x, _: f"{x:.2g}"))
        for target in results["targets"]:
            ax.axhline(target, color="grey", linewidth=0.5, linestyle=":")
        ax.set_title(cell["label"], fontsize=9)
        ax.set_xlabel("fit time (s)", fontsize=8)
        ax.set_ylabel("(P - P*) / |P*|", fontsize=8)
        ax.tick_params(which="both", labelsize=6)
        ax.legend(fontsize=7)
    fig.suptitle(results["problems"][problem]["description"], fontsize=11)
    fig.tight_layout()
    name = f"{problem}.png"
    fig.savefig(os.path.join(out_dir, name), dpi=72)
    plt.close(fig)
    return name


def write(results, out_dir):
    """Writes README.md and the figures into out_dir; returns the markdown."""
    lines = ["# sparseglm vs scikit-learn, liblinear and glmnet", ""]
    for run in results["runs"]:
        lines += [f"- `{run['command']}`: {run['started']} to {run['finished']} (UTC)",
                  f"  - machine: {run['machine']}",
                  "  - versions: " + ", ".join(f"{k} {v}" for k, v in run["versions"].items() if v),
                  "  - settings: " + ", ".join(f"{k} {v:g}" for k, v in run["settings"].items())]
        lines += [f"  - skipped {name}: {reason}" for name, reason in run["skipped"].items()]
    lines += ["", METHOD, "## Problems", ""]
    for name, problem in results["problems"].items():
        lines.append(f"- {problem['description']}: one X^T v = {problem['xtv_s'] * 1e3:.3g} ms (latest run)")
    gaps = [cell["reference"]["rel_gap"] for cell in results["cells"]]
    if gaps:
        lines += ["", f"References: largest duality gap / |P| {max(gaps):.1e} over {len(gaps)} cells."]
    for target in results["targets"]:
        lines += ["", f"## Time to relative suboptimality {target:g}", "", table(results, target, path_cells=False)]
    if any(cell["n_alphas"] > 1 for cell in results["cells"]):
        lines += ["", "## Lasso path, alpha_max to alpha_max/100, every alpha to 1e-6", "",
                  table(results, 1e-6, path_cells=True)]
    lines += first_fit_section(results)
    not_run = {problem: keys for problem, keys in results.get("not_run", {}).items() if keys}
    if not_run:
        lines += ["", f"## Not run yet: {sum(map(len, not_run.values()))} cells of the full benchmark", "",
                  "(aK: alpha = alpha_max / K; b / nob: with / without intercept; path100: the 100-alpha path)", ""]
        lines += [f"- {problem}: {len(keys)} cells: " + ", ".join(key[len(problem) + 1:] for key in keys)
                  for problem, keys in not_run.items()]
    failed = [check for run in results["runs"] for check in run["checks_failed"]]
    if failed:
        lines += ["", "## Checks that failed", ""] + [f"- {check}" for check in failed]
    figures = [figure(results, problem, out_dir) for problem in results["problems"]]
    if any(figures):
        lines += ["", "## Suboptimality against time", ""]
        lines += [f"![{name}]({name})" for name in figures if name]
    else:
        lines += ["", "(no figures: matplotlib is not installed)"]
    markdown = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "README.md"), "w") as file:
        file.write(markdown)
    return markdown
