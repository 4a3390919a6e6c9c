"""Anchor for bench/topology.bench.ts: SciPy ARPACK eigs + networkx SCC on the same adjacency.

Reads JSON lines from stdin: {"n": int, "src": [...], "dst": [...], "runs": int}; prints one
JSON line per graph: {"rho": float, "scc": int, "ms": [per-run milliseconds]}.
The spectral radius is the maximum over strongly connected components (ARPACK on each
component of more than 2 nodes, dense eigvals below that), as the analysis computes it.
"""
import json
import sys
import time

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigs, ArpackNoConvergence


def rho_of(a):
    size = a.shape[0]
    if size <= 64:
        return float(np.max(np.abs(np.linalg.eigvals(a.toarray())))) if size else 0.0
    try:
        vals = eigs(a.astype(float), k=1, which="LM", return_eigenvectors=False, maxiter=5000)
        return float(np.max(np.abs(vals)))
    except ArpackNoConvergence as err:
        return float(np.max(np.abs(err.eigenvalues))) if len(err.eigenvalues) else float("nan")


def analyse(n, src, dst):
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src, dst))
    comps = list(nx.strongly_connected_components(g))
    a = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    rho = 0.0
    for comp in comps:
        if len(comp) == 1:
            v = next(iter(comp))
            if a[v, v] > 0:
                rho = max(rho, 1.0)
            continue
        idx = np.fromiter(comp, dtype=np.int64)
        rho = max(rho, rho_of(a[idx][:, idx]))
    return rho, len(comps)


for line in sys.stdin:
    job = json.loads(line)
    ms = []
    rho = scc = None
    for _ in range(job["runs"]):
        t0 = time.perf_counter()
        rho, scc = analyse(job["n"], job["src"], job["dst"])
        ms.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"rho": rho, "scc": scc, "ms": ms}), flush=True)
