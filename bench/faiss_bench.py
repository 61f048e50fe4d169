"""python3-faiss side of bench/faiss-bench.sh: the same data, the same index files, the same
thread count and parameters as FaissBench.java; prints queries/s for both and their ratio, and
checks that both bindings return the same neighbours."""
import json
import sys
import time

import faiss
import numpy as np


def main(work, d, threads, k=10):
    faiss.omp_set_num_threads(threads)
    queries = np.fromfile(f"{work}/queries.f32", dtype="<f4").reshape(-1, d)
    nq = queries.shape[0]
    print(f"{'index':<18} {'param':<12} {'Java q/s':>10} {'Python q/s':>11} {'Java/Python':>12} "
          f"{'same labels':>12}")
    for line in open(f"{work}/java-results.jsonl"):
        row = json.loads(line)
        index = faiss.read_index(f"{work}/{row['file']}")
        if row["param"]:
            faiss.ParameterSpace().set_index_parameters(index, row["param"])
        index.search(queries[:500], k)  # warm-up, as on the Java side
        seconds = float("inf")
        for _ in range(3):  # best of three, as on the Java side
            start = time.perf_counter()
            _, labels = index.search(queries, k)
            seconds = min(seconds, time.perf_counter() - start)
        python_qps = nq / seconds
        java_labels = np.fromfile(f"{work}/{row['file']}.java-labels", dtype="<i8").reshape(nq, k)
        same = float(np.mean(java_labels == labels))
        print(f"{row['index']:<18} {row['param']:<12} {row['java_qps']:>10.1f} {python_qps:>11.1f} "
              f"{row['java_qps'] / python_qps:>12.3f} {same:>12.4f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
