"""Independent float64 reference values for tbps-loss tests (NumPy, written from docs/losses.md).

Run: python3 loss_reference.py   -- prints the expected values that the JUnit tests hard-code.
Not part of the build; kept so every number in the tests can be recomputed.
"""
import math
import numpy as np

EPS_NORM = 1e-8   # v / sqrt(|v|^2 + EPS_NORM^2)
EPS_LOG = 1e-8    # log(q + eps) in cmpm / sdm
EPS_DIST = 1e-6   # sn distance sqrt(max(0, 2-2s) + EPS_DIST)


def unit(v):
    return v / np.sqrt((v * v).sum(1, keepdims=True) + EPS_NORM ** 2)


def log_softmax(z):
    m = z.max(1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(1, keepdims=True))


def ce(z, y):
    return -log_softmax(z)[np.arange(len(y)), y].mean()


def cosine(x, t):
    return unit(x) @ unit(t).T


def same(y):
    y = np.asarray(y)
    return (y[:, None] == y[None, :])


def instance(x, t, y, w, b):
    return ce(x @ w + b, y), ce(t @ w + b, y)


def hardest(s, y):
    """per anchor: (positive, hardest negative or None), image anchors and text anchors."""
    sm = same(y)
    out = []
    for mat in (s, s.T):
        rows = []
        for i in range(len(y)):
            negs = [mat[i, j] for j in range(len(y)) if not sm[i, j]]
            rows.append((s[i, i], max(negs) if negs else None))
        out.append(rows)
    return out


def mean_defined(vals):
    vals = [v for v in vals if v is not None]
    return sum(vals) / len(vals) if vals else 0.0


def ranking(s, y, margin=1.0):
    return tuple(mean_defined([None if n is None else max(0.0, margin - p + n) for p, n in d])
                 for d in hardest(s, y))


def psw_term(p, n, a=(0.2, -0.7, 0.5), b=(1.8, -0.3, 0.03)):
    return max(0.0, a[0] * p * p + a[1] * p + a[2] + b[0] * n * n + b[1] * n + b[2])


def psw(s, y, a=(0.2, -0.7, 0.5), b=(1.8, -0.3, 0.03)):
    return tuple(mean_defined([None if n is None else psw_term(p, n, a, b) for p, n in d])
                 for d in hardest(s, y))


def kl_match(logits, y):
    q = same(y).astype(float)
    q = q / q.sum(1, keepdims=True)
    lp = log_softmax(logits)
    return (np.exp(lp) * (lp - np.log(q + EPS_LOG))).sum(1).mean()


def cmpm(x, t, y):
    return kl_match(x @ unit(t).T, y), kl_match(t @ unit(x).T, y)


def sdm(s, y, tau=0.02):
    return kl_match(s / tau, y), kl_match(s.T / tau, y)


def projections(x, t):
    xu, tu = unit(x), unit(t)
    p = (x * tu).sum(1, keepdims=True) * tu
    q = (t * xu).sum(1, keepdims=True) * xu
    return p, q


def unit_cols(w):
    return w / np.sqrt((w * w).sum(0, keepdims=True) + EPS_NORM ** 2)


def cmpc(x, t, y, w):
    wn = unit_cols(w)
    p, q = projections(x, t)
    return ce(p @ wn, y), ce(q @ wn, y)


def psi(m, c):
    theta = math.acos(max(-1.0, min(1.0, c)))
    k = min(m - 1, int(math.floor(m * theta / math.pi)))
    return (-1) ** k * math.cos(m * theta) - 2 * k


def mam(x, t, y, w, m=4, lam=0.0):
    wn = unit_cols(w)
    out = []
    for p in projections(x, t):
        z = p @ wn
        for i in range(len(y)):
            norm = math.sqrt((p[i] ** 2).sum() + EPS_NORM ** 2)
            plain = z[i, y[i]]
            z[i, y[i]] = (lam * plain + norm * psi(m, plain / norm)) / (1 + lam)
        out.append(ce(z, y))
    return tuple(out)


def asm(s, t, y, m0=0.1, beta=0.2):
    tu = unit(t)
    margin = m0 + beta * (1 - tu @ tu.T)
    sm = same(y)
    res = []
    for mat in (s, s.T):
        vals = []
        for i in range(len(y)):
            negs = [max(0.0, margin[i, j] - s[i, i] + mat[i, j]) for j in range(len(y)) if not sm[i, j]]
            vals.append(max(negs) if negs else None)
        res.append(mean_defined(vals))
    return tuple(res)


def sn(s, y, k=10, alpha=50.0, w=0.1, squeeze="farthest"):
    d = np.sqrt(np.maximum(0.0, 2 - 2 * s) + EPS_DIST)
    sm = same(y)
    res = []
    for mat in (d, d.T):
        tot = sep_t = sq_t = 0.0
        n = len(y)
        for i in range(n):
            order = sorted(range(n), key=lambda j: (mat[i, j], j))
            knn = order[:min(k, n)]
            sp = [j for j in knn if sm[i, j]]
            sneg = [j for j in knn if not sm[i, j]]
            if not sp:
                sp = [next(j for j in order if sm[i, j])]
            num = sum(math.exp(-alpha * mat[i, j]) for j in sp)
            den = num + sum(math.exp(-alpha * mat[i, j]) for j in sneg)
            sep = -math.log(num / den)
            pos = [mat[i, j] for j in range(n) if sm[i, j]]
            sq = min(pos) if squeeze == "nearest" else max(pos) - min(pos)
            tot += sep + w * sq
            sep_t += sep
            sq_t += sq
        res.append((tot / n, sep_t / n, sq_t / n))
    return res


def show(name, v):
    print(f"{name}: " + ", ".join(repr(float(e)) for e in np.atleast_1d(v)))


if __name__ == "__main__":
    # Case A: unequal identity groups (sizes 3, 1, 1), raw 2-D embeddings of different norms.
    XA = np.array([[2.0, 0.0], [0.8, 0.6], [0.3, 0.4], [0.0, 1.5], [-1.0, 0.0]])
    TA = np.array([[0.6, 0.8], [1.0, 0.0], [0.8, -0.6], [-0.6, 0.8], [0.0, -2.0]])
    YA = [7, 7, 7, 3, 9]
    SA = cosine(XA, TA)
    show("A cosine row0", SA[0])
    show("A ranking(1.0)", ranking(SA, YA))
    show("A ranking(0.2)", ranking(SA, YA, 0.2))
    show("A psw", psw(SA, YA))
    show("A cmpm", cmpm(XA, TA, YA))
    show("A sdm(0.02)", sdm(SA, YA))
    show("A sdm(0.5)", sdm(SA, YA, 0.5))
    show("A asm", asm(SA, TA, YA))
    show("A asm(0.3,0.5)", asm(SA, TA, YA, 0.3, 0.5))
    for r in sn(SA, YA): show("A sn default (tot,sep,sq)", r)
    for r in sn(SA, YA, k=2, alpha=5.0, w=0.5): show("A sn k2 a5 w.5", r)
    for r in sn(SA, YA, k=2, alpha=5.0, w=0.5, squeeze="nearest"): show("A sn k2 a5 w.5 nearest", r)

    # Case B: one identity (no anchor has a negative).
    XB = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    TB = np.array([[0.0, 1.0], [3.0, 0.0], [-1.0, 1.0]])
    YB = [4, 4, 4]
    SB = cosine(XB, TB)
    show("B ranking", ranking(SB, YB))
    show("B psw", psw(SB, YB))
    show("B asm", asm(SB, TB, YB))
    show("B cmpm", cmpm(XB, TB, YB))
    show("B sdm", sdm(SB, YB))
    for r in sn(SB, YB): show("B sn", r)

    # Case C: classifier losses, C = 3 classes, class indices with unequal counts.
    XC = np.array([[1.0, 0.5], [-0.5, 1.0], [0.2, -1.0], [2.0, 2.0]])
    TC = np.array([[0.8, 0.1], [-1.0, 0.8], [0.5, -0.5], [1.0, 3.0]])
    YC = [0, 2, 2, 1]
    WC = np.array([[1.0, -0.5, 0.3], [0.2, 1.0, -0.8]])
    BC = np.array([0.1, -0.2, 0.05])
    show("C instance", instance(XC, TC, YC, WC, BC))
    show("C cmpc", cmpc(XC, TC, YC, WC))
    show("C mam m4", mam(XC, TC, YC, WC))
    show("C mam m2", mam(XC, TC, YC, WC, m=2))
    show("C mam m4 lambda5", mam(XC, TC, YC, WC, lam=5.0))
    show("C mam m1", mam(XC, TC, YC, WC, m=1))

    # Case C1: the same arrays, a single class (index 1) for the whole batch.
    YC1 = [1, 1, 1, 1]
    show("C1 instance", instance(XC, TC, YC1, WC, BC))
    show("C1 cmpc", cmpc(XC, TC, YC1, WC))
    show("C1 mam m4", mam(XC, TC, YC1, WC))

    # psi table (docs/losses.md)
    show("psi m4", [psi(4, c) for c in (1, 0.9, 0.7071, 0.5, 0, -0.5, -0.9, -1)])
    show("psi m3", [psi(3, c) for c in (1, 0.9, 0.5, 0, -0.5, -1)])
    show("psw terms", [psw_term(*p) for p in ((0.8, 0.5), (0.6, 0.6), (0.9, 0.1), (0.3, 0.7))])

    # Case D: similarity given (ESA-like), N = 4, two identities.
    SD = np.array([[0.9, 0.2, -0.1, 0.4], [0.3, 0.7, 0.5, 0.0], [0.1, 0.6, 0.8, -0.2], [0.5, -0.3, 0.1, 0.6]])
    YD = [1, 1, 2, 2]
    TD = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
    show("D asm (S given)", asm(SD, TD, YD))
    show("D ranking(0.2)", ranking(SD, YD, 0.2))
    show("D psw", psw(SD, YD))
    show("D sdm(0.1)", sdm(SD, YD, 0.1))
    for r in sn(SD, YD, k=2, alpha=10.0): show("D sn k2 a10", r)
