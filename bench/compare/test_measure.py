#!/usr/bin/python3
"""Unit tests of the harness's ladder refinement (measure.refinement_tols); run by ctest."""

import math
import sys

import measure


def ladder(*pairs):
    """Points (tol, suboptimality) against a reference objective of 1."""
    return [{"tol": tol, "objective": 1.0 + subopt} for tol, subopt in pairs]


def close(a, b):
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-12) for x, y in zip(a, b))


def check(name, got, expected):
    if not close(got, expected):
        print(f"test_measure: {name}: got {got}, expected {expected}", file=sys.stderr)
        return False
    return True


def main():
    targets = (1e-4, 1e-6, 1e-8)
    third = 10.0 ** (1 / 3)
    ok = True
    # One jump from 1e-3 to 1e-9 reaches the three targets at once: the decade above is split once.
    ok &= check("jump past every target", measure.refinement_tols(ladder((1e-1, 1e-2), (1e-2, 1e-3), (1e-3, 1e-9)),
                                                               1.0, targets),
                [1e-2 / third, 1e-2 / third**2])
    # A point reaching 1e-6 within 10 times of it is precise enough; 1e-8 far below is split.
    ok &= check("close to the target", measure.refinement_tols(ladder((1e-2, 2e-5), (1e-3, 5e-7), (1e-4, 1e-11)),
                                                               1.0, targets),
                [1e-3 / third, 1e-3 / third**2])
    # Nothing to split: the loosest point already reaches the targets, or no point does.
    ok &= check("loosest point", measure.refinement_tols(ladder((1e-1, 1e-12)), 1.0, targets), [])
    ok &= check("not reached", measure.refinement_tols(ladder((1e-1, 1e-2), (1e-2, 1e-3)), 1.0, targets), [])
    # Ladders that rise (glmnet's thresh ladder is not monotone): the first point at or below.
    ok &= check("non-monotone", measure.refinement_tols(ladder((1e-1, 1e-3), (1e-2, 1e-9), (1e-3, 1e-3)), 1.0,
                                                        (1e-4,)),
                [1e-1 / third, 1e-1 / third**2])
    print("test_measure: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
