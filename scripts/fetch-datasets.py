#!/usr/bin/env python3
"""Writes the built-in real datasets of `src/data/builtin/` from scikit-learn's bundled copies.

Run it through `scripts/fetch-datasets.sh`, which creates a throw-away venv with scikit-learn
from PyPI; scikit-learn ships these four tables inside its wheel, so nothing else is downloaded.

For every table it writes two files into the output folder (default `src/data/builtin`):

- `<name>.csv`: a header row naming the feature columns as scikit-learn names them, then `label`;
  one row per sample in scikit-learn's order; the label is the class index 0..k-1. Numbers are
  written in the shortest positional form that reads back to the same float64 (no exponent, no
  trailing zeros, integers without a decimal point).
- `<name>.classes`: the class names, one per line, line i naming class i.

Tables: iris (150 x 4, 3 classes), wine (178 x 13, 3), breast_cancer (569 x 30, 2) and
digits_0_3 (the 8x8 digits restricted to the classes 0-3: 720 x 64, 4).

Usage: fetch-datasets.py [--check] [OUTPUT_DIR]
  --check  write nothing; exit 1 if a file in OUTPUT_DIR differs from what would be written.
"""

import sys
from pathlib import Path

import numpy as np
from sklearn import datasets


def number(value):
    """The shortest positional text that reads back to the same float64."""
    text = np.format_float_positional(float(value), unique=True, trim="-")
    if text == "-0":
        text = "0"
    if float(text) != float(value):
        raise SystemExit(f"formatting {value!r} as {text!r} does not round-trip")
    return text


def table_text(feature_names, data, target):
    for name in feature_names:
        if "," in name or "\n" in name:
            raise SystemExit(f"column name {name!r} cannot be written to a CSV header")
    lines = [",".join(list(feature_names) + ["label"])]
    for row, label in zip(data, target):
        lines.append(",".join([number(v) for v in row] + [str(int(label))]))
    return "\n".join(lines) + "\n"


def tables():
    """(name, feature names, data, labels, class names) for every built-in table."""
    iris = datasets.load_iris()
    yield ("iris", iris.feature_names, iris.data, iris.target, [str(n) for n in iris.target_names])

    wine = datasets.load_wine()
    # scikit-learn names the classes class_0..class_2; the UCI table calls them cultivars 1-3
    # (scikit-learn's class i is the UCI file's class i+1).
    wine_names = [f"cultivar {i + 1}" for i in range(len(wine.target_names))]
    yield ("wine", wine.feature_names, wine.data, wine.target, wine_names)

    cancer = datasets.load_breast_cancer()
    yield (
        "breast_cancer",
        list(cancer.feature_names),
        cancer.data,
        cancer.target,
        [str(n) for n in cancer.target_names],
    )

    digits = datasets.load_digits()
    keep = digits.target <= 3
    yield (
        "digits_0_3",
        digits.feature_names,
        digits.data[keep],
        digits.target[keep],
        [str(d) for d in range(4)],
    )


def main(argv):
    check = "--check" in argv
    rest = [a for a in argv if a != "--check"]
    out = Path(rest[0]) if rest else Path(__file__).resolve().parent.parent / "src/data/builtin"
    out.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, features, data, target, class_names in tables():
        k = int(target.max()) + 1
        if sorted(set(int(t) for t in target)) != list(range(k)) or len(class_names) != k:
            raise SystemExit(f"{name}: labels are not 0..{k - 1} or class names do not match")
        files = {
            f"{name}.csv": table_text(features, data, target),
            f"{name}.classes": "\n".join(class_names) + "\n",
        }
        for file_name, text in files.items():
            path = out / file_name
            if check:
                if not path.exists() or path.read_text() != text:
                    stale.append(str(path))
                continue
            path.write_text(text)
        counts = np.bincount(target)
        print(
            f"{name}: {data.shape[0]} rows x {data.shape[1]} features, {k} classes "
            f"{counts.tolist()}, {len(files[f'{name}.csv'].encode())} bytes"
        )
    if stale:
        print("differs from scikit-learn's copy: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
