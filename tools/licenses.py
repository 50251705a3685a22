#!/usr/bin/env python3
"""The licence of every Go module linked into every tool `make tools` builds.

    python3 tools/licenses.py --check   fail on a forbidden or unknown licence, or on drift
                                        between tools/LICENSES.md and the built binaries
    python3 tools/licenses.py --write   regenerate tools/LICENSES.md
    python3 tools/licenses.py --identify FILE...   the licence each file's text names, and
                                        whether it is allowed (exit 1 if any is not)

Modules come from `go version -m` of each binary (replacements followed); each licence is read
from the module's files in the Go module cache (`go mod download` fetches a missing one) and
identified by its text. Copyleft and source-available licences are forbidden (DEVELOPERS.md).
"""
import json
import os
import re
import subprocess
import sys

TOOLS_SRC = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(TOOLS_SRC, "LICENSES.md")

# Binaries per tool, as tools/lib.sh builds them (helm and kubeconform: the real binary in libexec).
BINARIES = {
    "ocb": ["bin/ocb"],
    "otelcol": ["bin/otelcol"],
    "jaeger": ["bin/jaeger"],
    "prometheus": ["bin/prometheus", "bin/promtool"],
    "helm-unittest": ["plugins/unittest/untt"],
    "helm": ["libexec/helm"],
    "kubeconform": ["libexec/kubeconform"],
    "tilt": ["bin/tilt"],
}

ALLOWED = {"Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC", "MPL-2.0", "Zlib",
           "Unlicense", "CC0-1.0", "0BSD", "BlueOak-1.0.0"}
FORBIDDEN = {"AGPL", "GPL", "LGPL", "SSPL", "BUSL"}

# (licence, every pattern that must occur), the first match wins; copyleft first so that a
# permissive phrase quoted inside one never hides it.
SIGNATURES = [
    ("AGPL", [r"GNU AFFERO GENERAL PUBLIC LICENSE"]),
    ("SSPL", [r"Server Side Public License"]),
    ("BUSL", [r"Business Source License"]),
    ("LGPL", [r"GNU LESSER GENERAL PUBLIC LICENSE|GNU Library General Public License"]),
    ("GPL", [r"GNU GENERAL PUBLIC LICENSE"]),
    ("MPL-2.0", [r"Mozilla Public License,? [Vv]ersion 2\.0"]),
    ("Apache-2.0", [r"Apache License", r"Version 2\.0"]),
    ("MIT", [r"Permission is hereby granted, free of charge", r"WITHOUT WARRANTY OF ANY KIND"]),
    ("ISC", [r"Permission to use, copy, modify, and(/or)? distribute this software for any"]),
    ("BSD-3-Clause", [r"Redistribution and use in source and binary forms",
                      r"(Neither the name|names of its contributors|name of .* may not be used)"]),
    ("BSD-2-Clause", [r"Redistribution and use in source and binary forms"]),
    ("Zlib", [r"This software is provided 'as-is'", r"Altered source versions must be plainly marked"]),
    ("Unlicense", [r"This is free and unencumbered software released into the public domain"]),
    ("CC0-1.0", [r"CC0 1\.0 Universal|Creative Commons Zero"]),
    ("BlueOak-1.0.0", [r"Blue Oak Model License"]),
]
# Licence files of the code: not source files (license.go), not the documentation's own licence
# (LICENSE.docs); a COPYRIGHT notice counts only where there is no licence file.
LICENSE_FILE = re.compile(r"^(UN)?(LICEN[CS]E|COPYING)([-._][A-Z0-9.-]+)?$(?<!\.go)(?<!\.docs)", re.I)
NOTICE_FILE = re.compile(r"^COPYRIGHT(\.(txt|md))?$", re.I)


def sh(*cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def tool_dir(tool):
    return sh("bash", "-c", f'source "{TOOLS_SRC}/lib.sh" && tool_dir {tool}').strip()


def all_tools():
    out = sh("bash", "-c", f'source "{TOOLS_SRC}/lib.sh" && echo "${{ALL_TOOLS[@]}}"')
    return out.split()


def linked_modules(binary):
    """(path, version) of every module in the binary, replacements followed, local ones skipped."""
    mods, last = [], None
    for line in sh("go", "version", "-m", binary).splitlines():
        f = line.strip().split("\t")
        if f[0] in ("mod", "dep") and len(f) >= 3:
            last = (f[1], f[2])
            mods.append(last)
        elif f[0] == "=>" and last:
            mods[-1] = (f[1], f[2]) if len(f) >= 3 else None  # a replacement by local path
    return sorted({m for m in mods if m and m[1] != "(devel)"})


def escape(path):
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), path)


def module_dir(path, version, modcache):
    d = os.path.join(modcache, f"{escape(path)}@{version}")
    if os.path.isdir(d):
        return d
    env = dict(os.environ, GOFLAGS="-mod=mod", GOSUMDB="off", GOTOOLCHAIN="local")
    info = json.loads(sh("go", "mod", "download", "-json", f"{path}@{version}", env=env))
    return info.get("Dir") or d


def identify(text):
    for name, patterns in SIGNATURES:
        if all(re.search(p, text, re.I if name not in FORBIDDEN else 0) for p in patterns):
            return name
    return None


def licence_of(path, version, modcache):
    """The licences of the module's root licence files; a nested module without one takes its
    enclosing module's (same repository, same version when the cache has it)."""
    d = module_dir(path, version, modcache)
    names = sorted(n for n in os.listdir(d) if os.path.isfile(os.path.join(d, n)))
    files = [n for n in names if LICENSE_FILE.match(n)] or [n for n in names if NOTICE_FILE.match(n)]
    found = set()
    for name in files:
        with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
            found.add(identify(f.read()) or "unknown")
    if not found and "/" in path.rstrip("/").split("/", 3)[-1]:
        parent = path.rsplit("/", 1)[0]
        for cand in sorted(os.listdir(os.path.dirname(d)) if os.path.isdir(os.path.dirname(d)) else []):
            if cand.startswith(escape(parent.rsplit("/", 1)[-1]) + "@"):
                return licence_of(parent, cand.split("@", 1)[1], modcache)
    return " AND ".join(sorted(found)) or "unknown"


def collect():
    modcache = sh("go", "env", "GOMODCACHE").strip()
    rows, missing = {}, []
    for tool in all_tools():
        if tool not in BINARIES:  # data, not a program (k8s-schemas)
            continue
        binaries = [os.path.join(tool_dir(tool), b) for b in BINARIES[tool]]
        present = [b for b in binaries if os.path.isfile(b)]
        if not present:
            missing.append(tool)
            continue
        for b in present:
            for path, version in linked_modules(b):
                rows.setdefault((path, version), set()).add(tool)
    table = []
    for (path, version), tools in sorted(rows.items()):
        table.append((path, version, licence_of(path, version, modcache), ", ".join(sorted(tools))))
    return table, missing


def render(table):
    counts = {}
    for _, _, lic, _ in table:
        counts[lic] = counts.get(lic, 0) + 1
    lines = [
        "# Licences of the Go modules in the tools",
        "",
        "Generated by `python3 tools/licenses.py --write` from `go version -m` of every binary",
        "`make tools` builds; `make tools-check` fails when this file drifts or a licence is",
        "copyleft, source-available or unknown. The Kubernetes JSON schemas (k8s-schemas) are",
        "data from the PyPI package kubernetes-validate (Apache-2.0), not Go code.",
        "",
        "| licence | modules |",
        "| --- | ---: |",
    ]
    lines += [f"| {lic} | {n} |" for lic, n in sorted(counts.items())]
    lines += ["", "| module | version | licence | tools |", "| --- | --- | --- | --- |"]
    lines += [f"| {p} | {v} | {lic} | {t} |" for p, v, lic, t in table]
    return "\n".join(lines) + "\n"


def identify_files(paths):
    rejected = 0
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            lic = identify(f.read()) or "unknown"
        allowed = lic in ALLOWED
        rejected += not allowed
        print(f"{path}\t{lic}\t{'allowed' if allowed else 'forbidden'}")
    return 1 if rejected else 0


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--identify":
        sys.exit(identify_files(sys.argv[2:]))
    mode = sys.argv[1] if len(sys.argv) == 2 else ""
    if mode not in ("--check", "--write"):
        sys.exit(__doc__.strip().split("\n\n")[1])
    table, missing = collect()
    if missing:
        sys.exit(f"licenses: not built: {' '.join(missing)} (run 'make tools')")
    bad = [r for r in table if any(part not in ALLOWED for part in r[2].split(" AND "))]
    for path, version, lic, tools in bad:
        print(f"licenses: {path}@{version} ({tools}): {lic}", file=sys.stderr)
    text = render(table)
    if mode == "--write":
        with open(OUT, "w") as f:
            f.write(text)
        print(f"licenses: wrote {os.path.relpath(OUT)} ({len(table)} modules)", file=sys.stderr)
    elif not os.path.isfile(OUT) or open(OUT).read() != text:
        sys.exit("licenses: tools/LICENSES.md is out of date: run python3 tools/licenses.py --write")
    if bad:
        sys.exit(f"licenses: {len(bad)} module(s) with a forbidden or unknown licence")
    print(f"licenses: {len(table)} modules, all permissive")


if __name__ == "__main__":
    main()
