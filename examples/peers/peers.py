"""Times numpy's weighted sampling without replacement on the benchmark of
sampling/bench_test.go: N = 1e7 units, lognormal(0, 1.5) weights, n = 1e5.

numpy's choice(replace=False, p=...) is successive sampling: its inclusion
probabilities are NOT proportional to p (see sampling/doc.go), so this is a
speed comparison only. Run with Debian's numpy:
    /usr/bin/python3 examples/peers/peers.py
"""
import time

import numpy as np

N, n, reps = 10**7, 10**5, 3
rng = np.random.default_rng(1)
w = rng.lognormal(0.0, 1.5, N)
for _ in range(reps):
    t0 = time.perf_counter()
    p = w / w.sum()
    s1 = rng.choice(N, size=n, replace=False, p=p)
    t1 = time.perf_counter()
    np.random.seed(1)
    s2 = np.random.choice(N, size=n, replace=False, p=p)
    t2 = time.perf_counter()
    print(f"numpy {np.__version__}: Generator.choice {t1 - t0:.2f} s, "
          f"legacy np.random.choice {t2 - t1:.2f} s, sizes {len(set(s1))} {len(set(s2))}")
