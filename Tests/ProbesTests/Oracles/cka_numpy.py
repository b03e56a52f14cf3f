"""NumPy oracle for Strata's CKA: reads a JSON request on stdin, prints JSON results.

Run with the `python3` on PATH (it has numpy). Implements, independently of the Swift code,
minibatch linear CKA with the unbiased HSIC_1 estimator (Song et al. 2012; Nguyen, Raghu,
Kornblith 2021), per-batch mean subtracted, and Kornblith's debiased feature-space CKA.
"""
import json, sys
import numpy as np


def hsic1(K, L):
    n = K.shape[0]
    K = K.copy(); L = L.copy()
    np.fill_diagonal(K, 0); np.fill_diagonal(L, 0)
    one = np.ones(n)
    return (np.trace(K @ L) + (one @ K @ one) * (one @ L @ one) / ((n - 1) * (n - 2))
            - 2.0 / (n - 2) * (one @ K @ L @ one)) / (n * (n - 3))


def minibatch_cka(xs, ys):
    xy = xx = yy = 0.0
    for x, y in zip(xs, ys):
        x = x - x.mean(0, keepdims=True); y = y - y.mean(0, keepdims=True)
        K, L = x @ x.T, y @ y.T
        xy += hsic1(K, L); xx += hsic1(K, K); yy += hsic1(L, L)
    return xy / np.sqrt(xx * yy)


def debiased_cka(x, y):
    x = x - x.mean(0, keepdims=True); y = y - y.mean(0, keepdims=True)
    n = x.shape[0]
    def helper(xty, sx, sy, nx, ny):
        return xty - n / (n - 2.0) * sx.dot(sy) + nx * ny / ((n - 1) * (n - 2))
    sx, sy = np.einsum("ij,ij->i", x, x), np.einsum("ij,ij->i", y, y)
    dot = helper(np.linalg.norm(x.T @ y) ** 2, sx, sy, sx.sum(), sy.sum())
    nx = np.sqrt(helper(np.linalg.norm(x.T @ x) ** 2, sx, sx, sx.sum(), sx.sum()))
    ny = np.sqrt(helper(np.linalg.norm(y.T @ y) ** 2, sy, sy, sy.sum(), sy.sum()))
    return dot / (nx * ny)


if __name__ == "__main__":  # also imported by Tests/RecordingTests/Oracles/recompute_cka.py
    request = json.load(sys.stdin)
    batches = request["batches"]
    xs = [np.array(b["x"], dtype=np.float64).reshape(-1, request["xWidth"]) for b in batches]
    ys = [np.array(b["y"], dtype=np.float64).reshape(-1, request["yWidth"]) for b in batches]
    print(json.dumps({"minibatch": minibatch_cka(xs, ys),
                      "debiased": debiased_cka(np.concatenate(xs), np.concatenate(ys))}))
