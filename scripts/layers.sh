#!/usr/bin/env bash
# The module layering rule of docs/ARCHITECTURE.md, checked: every `crate::<module>` a module
# names (outside its tests) must be in its allowed list below. Fails listing each offence.
# The lists are the "may import" column of the architecture's module table.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import os, re, sys
ALLOWED = {
    "rng": set(),
    "learn": {"rng"},
    "sim": {"rng"},
    "data": {"rng", "learn"},
    "analysis": {"sim", "rng"},
    "plot": set(),
    "doc": {"sim", "data", "learn", "rng", "analysis"},
    "debugger": {"analysis", "model", "train", "doc", "data", "learn", "circuit", "sim", "rng"},
    "circuit": {"sim", "doc", "rng"},
    "model": {"sim", "circuit", "doc", "data", "learn", "rng"},
    "train": {"sim", "circuit", "doc", "data", "learn", "model", "rng", "analysis"},
    "interop": {"sim", "circuit", "doc", "data", "learn", "model", "rng"},
    "view": {"sim", "doc", "data", "learn", "model", "train", "plot", "analysis", "rng"},
    "web": None,   # the facade may use everything
}
root = "src"
bad = []
use_re = re.compile(r"\bcrate::([a-z_]+)")
group_re = re.compile(r"\buse\s+crate::\{([^;]*)\}", re.S)
for name in sorted(os.listdir(root)):
    mod = name[:-3] if name.endswith(".rs") else name
    if mod in ("lib", "bin", "main"):
        continue
    if mod not in ALLOWED:
        bad.append(f"src/{name}: module '{mod}' is not in scripts/layers.sh; add it with its allowed imports")
        continue
    allowed = ALLOWED[mod]
    if allowed is None:
        continue
    paths = []
    p = os.path.join(root, name)
    if os.path.isdir(p):
        for d, _, fs in os.walk(p):
            paths += [os.path.join(d, f) for f in fs if f.endswith(".rs")]
    else:
        paths = [p]
    for path in paths:
        if os.path.basename(path) in ("tests.rs",) or "/tests/" in path:
            continue
        text = open(path, encoding="utf-8").read()
        # Code after a `#[cfg(test)]` / `#[cfg(all(test` item is test code: cut it off.
        cut = re.search(r"#\[cfg\((all\()?test", text)
        if cut:
            text = text[: cut.start()]
        names = set(use_re.findall(text))
        for g in group_re.findall(text):
            names |= {t.strip().split("::")[0] for t in g.split(",") if t.strip()}
        for n in sorted(names - allowed - {mod, "self"}):
            if n in ALLOWED or n in ("VERSION", "version"):
                if n in ALLOWED:
                    bad.append(f"{path}: '{mod}' imports '{n}', which it may not (allowed: {', '.join(sorted(allowed)) or 'nothing'})")
if bad:
    print("layering violations:\n  " + "\n  ".join(bad))
    sys.exit(1)
print("layers ok: " + ", ".join(f"{m} -> {{{', '.join(sorted(a))}}}" for m, a in ALLOWED.items() if a is not None))
PY
