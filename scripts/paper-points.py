#!/usr/bin/env python3
"""Writes `src/data/paper_points.csv`: points and labels as the data re-uploading paper's own
code generates them, for `src/data/paper.rs`'s test that its labels agree with that code.

The paper (Pérez-Salinas, Cervera-Lierta, Gil-Fuster & Latorre, Quantum 4, 226 (2020)) published
its code as the public GitHub repository AdrianPerezSalinas/universal_qlassifier. Give this
script the path of a checkout of it (the committed file was made from commit 354d70f, the last
one); it needs numpy. Nothing of that code is copied here: the script imports the checkout's
`data_gen.py` and calls `data_generator(problem, samples=N)` after `np.random.seed(30)`, which is
what the paper's `big_functions.minimizer` does before each experiment, so the rows are the first
N training points of the paper's runs.

Output: a header `problem,label,x1,...`, then per problem N rows `code name,label,x1,...,xd`
(d = 2, 3 or 4), coordinates as Python's shortest round-trip repr.

Usage: python3 scripts/paper-points.py PATH_TO_CHECKOUT [N=100] [OUTPUT=src/data/paper_points.csv]
"""

import sys
from pathlib import Path

PROBLEMS = [
    "circle",
    "3 circles",
    "hypersphere",
    "tricrown",
    "non convex",
    "crown",
    "sphere",
    "squares",
    "wavy lines",
]


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    checkout = Path(argv[0]).resolve()
    n = int(argv[1]) if len(argv) > 1 else 100
    root = Path(__file__).resolve().parent.parent
    out = Path(argv[2]) if len(argv) > 2 else root / "src/data/paper_points.csv"
    sys.path.insert(0, str(checkout))
    import numpy as np
    from data_gen import data_generator

    lines = ["problem,label,x1,x2,x3,x4"]
    for problem in PROBLEMS:
        np.random.seed(30)
        data, _ = data_generator(problem, samples=n)
        for x, y in data:
            lines.append(",".join([problem, str(int(y))] + [repr(float(v)) for v in x]))
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - 1} rows to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
