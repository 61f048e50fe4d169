#!/usr/bin/env python3
"""Brute-force baseline for DedupScaleBench: exact k-NN with python3-faiss (IndexFlatIP) on the
same vectors, edges at cosine >= threshold, connected components; prints wall time and removals.
  dedup_baseline.py VECTORS.npy [threshold] [k]"""
import sys, time
import numpy as np
import faiss

x = np.load(sys.argv[1]).astype("float32")
threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 0.9
k = int(sys.argv[3]) if len(sys.argv) > 3 else 64
start = time.time()
index = faiss.IndexFlatIP(x.shape[1])
index.add(x)
scores, labels = index.search(x, min(k + 1, len(x)))
parent = list(range(len(x)))
def root(i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i
edges = 0
for q in range(len(x)):
    for s, l in zip(scores[q], labels[q]):
        if l >= 0 and l != q and s >= threshold:
            edges += 1
            a, b = root(q), root(int(l))
            if a != b:
                parent[b] = a
components = len({root(i) for i in range(len(x))})
print(f"faiss-flat n={len(x)} d={x.shape[1]} wall_s={time.time() - start:.1f} removed={len(x) - components} "
      f"directed_edges={edges} threads={faiss.omp_get_max_threads()}")
