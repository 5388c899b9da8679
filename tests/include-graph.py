#!/usr/bin/env python3
"""include-graph.py SRC: checks the include graph of pixpool's sources.

A module is a source's path without its extension (src/job/walk.c and
src/job/walk.h are the module job/walk). An edge runs from a module to each
module whose header it includes ("folder/file.h"). The check fails, naming
what is wrong, when the modules hold a cycle, or when a folder includes a
folder that comes before it in the pipeline order of src/README.md:

    cli -> bench -> report -> engine -> work -> job -> filter -> codec -> base

(work is src/work.c and src/work.h). Prints the counts on success.
"""
import os
import re
import sys

ORDER = ["cli", "bench", "report", "engine", "work", "job", "filter", "codec", "base"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def modules(src):
    """{module: set of modules it includes}, for every .c and .h under src."""
    graph = {}
    for folder, _, files in os.walk(src):
        for name in files:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(folder, name)
            module = os.path.relpath(path, src)[:-2]
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            edges = graph.setdefault(module, set())
            for header in INCLUDE.findall(text):
                if os.path.exists(os.path.join(src, header)):
                    target = header[:-2]
                    if target != module:
                        edges.add(target)
    return graph


def stage(module):
    return module.split("/")[0] if "/" in module else module


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan's)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def upward(graph):
    """Edges from a stage to one before it in ORDER, or to a folder ORDER lacks."""
    wrong = []
    for a, targets in sorted(graph.items()):
        for b in sorted(targets):
            sa, sb = stage(a), stage(b)
            if sa == sb:
                continue
            if sa not in ORDER or sb not in ORDER:
                wrong.append(f"{a} -> {b}: folder not in the pipeline order")
            elif ORDER.index(sb) < ORDER.index(sa):
                wrong.append(f"{a} -> {b}: {sa} may not include {sb}")
    return wrong


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    graph = modules(src)
    problems = [f"cycle: {' <-> '.join(c)}" for c in cycles(graph)] + upward(graph)
    for p in problems:
        print(p)
    edges = sum(len(t) for t in graph.values())
    print(f"modules {len(graph)} edges {edges} problems {len(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
