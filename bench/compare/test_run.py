#!/usr/bin/python3
"""run.py on an svmlight file that none of --models fits (binary labels, --models lasso): it must
name the file and the reason, write no report and exit with 2; run by ctest.

    bench/compare/test_run.py SPARSEGLM_BENCH
"""

import os
import subprocess
import sys
import tempfile

RUN_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run.py")


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "binary.svm")
        with open(data, "w") as file:  # eight rows, labels -1 and 1: a classification task
            file.write("".join(f"{1 if i % 2 else -1} 1:{i + 1} 2:{i * 7 % 5 + 1}\n" for i in range(8)))
        out = os.path.join(tmp, "out")
        done = subprocess.run([sys.executable, RUN_PY, "--problems", "--svmlight", data, "--models", "lasso",
                               "--no-path", "--bench", argv[0], "--cache", os.path.join(tmp, "cache"),
                               "--out", out], capture_output=True, text=True, timeout=120)
        failures = []
        if done.returncode != 2:
            failures.append(f"exit status {done.returncode}, expected 2")
        for expected in ("skipping binary: its task is classification", "no cell to run"):
            if expected not in done.stderr:
                failures.append(f"stderr lacks {expected!r}")
        if os.path.exists(os.path.join(out, "README.md")):
            failures.append("a report was written")
    for failure in failures:
        print(f"test_run: {failure}", file=sys.stderr)
    if failures:
        print(f"run.py's stderr:\n{done.stderr}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
