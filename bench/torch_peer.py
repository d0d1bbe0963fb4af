#!/usr/bin/python3
"""PyTorch peer of the TBPS4J dual-path network, for `tbps bench train`.

The same architecture as tbps-model (layers/Architecture.java, layers/DualPathGraph.java,
layers/Layers.java), the same shapes and parameter count, and the same losses (tbps-loss, written
from docs/losses.md): cmpm + 0.8 cmpc + 0.2 mam + psw, Adam with decoupled weight decay. Run it with
Debian's torch (`apt-get install python3-torch libopenblas0-pthread`), always as /usr/bin/python3.

`tbps bench train --peer` runs it after each configuration with that configuration's sizes,
learning rate, weight decay, warm-up/repeat counts and ND4J's thread count (also exported as
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS), float32 throughout, and reports the
ratio. The output names the BLAS / oneDNN libraries torch loaded (Debian's torch: oneDNN for
convolutions, the system BLAS, i.e. OpenBLAS pthread, for matrix products).

Timing protocol (as TrainBenchmark.java): the first step apart, --warmup untimed steps, then
--repeats timed repeats of --steps steps; images/s is the median of the repeats. Inference: the
embedding of --embed-batch images / texts in eval mode, median of --repeats.

Modes (each prints one JSON object on stdout):
  --mode params      parameter count of the configuration
  --mode train       steady-state train-step throughput (and inference embedding throughput)
  --mode losses      the four losses in float64 on the arrays of a `tbps loss-value` case file

Differences from the SameDiff graph, none of which changes a shape or a FLOP count:
  * convolutions and pooling use PyTorch's symmetric padding where SAME padding would be one
    pixel asymmetric (stride 2 on even sizes: same output size, pixels shifted by one); the
    1x2 stride-1 text convolution, whose output size needs the asymmetric pad, pads right by 1;
  * batch-norm is nn.BatchNorm (the same batch statistics and biased variance in training);
  * dropout is F.dropout (inverted, fraction dropped) with PyTorch's generator.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# ------------------------------------------------------------------------------ architecture

# image: stem channels, stem kernel, stem stride, stem pool, widths, blocks, strides
# text: stem channels, widths, blocks, strides (bottleneck blocks, kernel 1x2)
ARCHITECTURES = {
    "micro": {
        "image": (4, 3, 1, False, [4, 6], [1, 1], [1, 2]),
        "text": (4, [4, 6], [1, 1], [1, 2]),
    },
    "tiny": {
        "image": (32, 3, 2, True, [32, 64, 128, 256], [1, 1, 1, 1], [1, 2, 2, 2]),
        "text": (128, [128, 256, 256], [1, 1, 1], [1, 2, 2]),
    },
    "resnet18": {
        "image": (64, 7, 2, True, [64, 128, 256, 512], [2, 2, 2, 2], [1, 2, 2, 2]),
        "text": (256, [256, 512, 512], [2, 2, 2], [1, 2, 2]),
    },
}

BN_EPS = 1e-5


def conv(cin, cout, kh, kw, sh, sw):
    """A bias-free convolution (a batch-norm follows); padding: see the module docstring."""
    return nn.Conv2d(cin, cout, (kh, kw), (sh, sw), padding=((kh - 1) // 2, (kw - 1) // 2), bias=False)


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = conv(cin, cout, 3, 3, stride, stride)
        self.bn1 = nn.BatchNorm2d(cout, eps=BN_EPS)
        self.conv2 = conv(cout, cout, 3, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout, eps=BN_EPS)
        self.short = None
        if cin != cout or stride != 1:
            self.short = nn.Sequential(conv(cin, cout, 1, 1, stride, stride), nn.BatchNorm2d(cout, eps=BN_EPS))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


class Bottleneck(nn.Module):
    """1x1 reduce to out/4, kh x kw (strided), 1x1 expand; as DualPathGraph.bottleneck."""

    def __init__(self, cin, cout, kh, kw, sh, sw):
        super().__init__()
        mid = max(1, cout // 4)
        self.kw, self.sw = kw, sw
        self.conv1 = conv(cin, mid, 1, 1, 1, 1)
        self.bn1 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self.conv2 = nn.Conv2d(mid, mid, (kh, kw), (sh, sw), padding=((kh - 1) // 2, 0), bias=False)
        self.bn2 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self.conv3 = conv(mid, cout, 1, 1, 1, 1)
        self.bn3 = nn.BatchNorm2d(cout, eps=BN_EPS)
        self.short = None
        if cin != cout or sh != 1 or sw != 1:
            self.short = nn.Sequential(conv(cin, cout, 1, 1, sh, sw), nn.BatchNorm2d(cout, eps=BN_EPS))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        width = y.shape[-1]
        out = -(-width // self.sw)
        pad = max(0, (out - 1) * self.sw + self.kw - width)  # SAME along the sequence
        if pad:
            y = F.pad(y, (pad // 2, pad - pad // 2))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


class Head(nn.Module):
    """dense [C_feat, D] (no bias) -> BN -> ReLU -> dropout -> linear projection [D, D] + bias."""

    def __init__(self, cin, d, drop):
        super().__init__()
        self.dense = nn.Linear(cin, d, bias=False)
        self.bn = nn.BatchNorm1d(d, eps=BN_EPS)
        self.drop = drop
        self.proj = nn.Linear(d, d, bias=True)

    def forward(self, x):
        y = F.relu(self.bn(self.dense(x)))
        y = F.dropout(y, self.drop, self.training)
        return self.proj(y)


def image_layers(preset):
    """The image path of a preset: (stem conv, stem batch-norm, max-pool after the stem?, the
    ResNet stages as one nn.Sequential, output channels)."""
    stem, k, s, pool, widths, blocks, strides = ARCHITECTURES[preset]["image"]
    stem_conv, stem_bn = conv(3, stem, k, k, s, s), nn.BatchNorm2d(stem, eps=BN_EPS)
    layers, cin = [], stem
    for w, b, st in zip(widths, blocks, strides):
        for i in range(b):
            layers.append(Basic(cin, w, st if i == 0 else 1))
            cin = w
    return stem_conv, stem_bn, pool, nn.Sequential(*layers), cin


class DualPath(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        arch = ARCHITECTURES[cfg.preset]
        self.stem, self.stem_bn, self.pool, self.image_blocks, cin = image_layers(cfg.preset)
        self.image_head = Head(cin, cfg.dim, cfg.drop)

        tstem, twidths, tblocks, tstrides = arch["text"]
        self.vocab, self.length, self.e = cfg.vocab, cfg.length, cfg.text_dim
        self.table = nn.Parameter(torch.randn(cfg.vocab, cfg.text_dim) / math.sqrt(cfg.text_dim))
        self.embed_bn = nn.BatchNorm2d(cfg.text_dim, eps=BN_EPS)
        self.text_stem = conv(cfg.text_dim, tstem, 1, 1, 1, 1)
        self.text_stem_bn = nn.BatchNorm2d(tstem, eps=BN_EPS)
        layers, cin = [], tstem
        for w, b, st in zip(twidths, tblocks, tstrides):
            for i in range(b):
                layers.append(Bottleneck(cin, w, 1, 2, 1, st if i == 0 else 1))
                cin = w
        self.text_blocks = nn.Sequential(*layers)
        self.text_head = Head(cin, cfg.dim, cfg.drop)
        self.text_strides = tstrides
        self.classifier_w = nn.Parameter(torch.randn(cfg.dim, cfg.classes) * math.sqrt(2.0 / (cfg.dim + cfg.classes)))
        self.classifier_b = nn.Parameter(torch.zeros(cfg.classes))
        self.lookup = cfg.lookup
        self.unique_capacity = cfg.unique_capacity

    def embed_images(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        if self.pool:
            x = F.max_pool2d(x, 3, 2, padding=1)
        x = self.image_blocks(x)
        return self.image_head(x.mean(dim=(2, 3)))

    def rows(self, tokens):
        flat = tokens.reshape(-1)
        if self.lookup == "embedding":
            return F.embedding(flat, self.table)
        if self.lookup == "unique":  # the two-step lookup of TokenInputs / DualPathGraph
            uniq, slots = torch.unique(flat, sorted=True, return_inverse=True)
            padded = torch.zeros(self.unique_capacity, dtype=flat.dtype)
            padded[: uniq.numel()] = uniq
            unique_rows = F.one_hot(padded, self.vocab).float() @ self.table
            return F.one_hot(slots, self.unique_capacity).float() @ unique_rows
        return F.one_hot(flat, self.vocab).float() @ self.table  # one-hot x table

    def embed_texts(self, tokens):
        n = tokens.shape[0]
        x = self.rows(tokens).reshape(n, self.length, self.e).permute(0, 2, 1).unsqueeze(2)
        x = self.embed_bn(x)
        x = F.relu(self.text_stem_bn(self.text_stem(x)))
        x = self.text_blocks(x)
        # padding-only positions out of the max over time, as DualPathGraph.paddingMask: the token
        # mask (id != PAD) max-pooled with each strided stage's stride
        mask = (tokens != 0).to(x.dtype).reshape(n, 1, 1, self.length)
        for s in self.text_strides:
            if s > 1:
                mask = F.max_pool2d(mask, (1, s), (1, s), ceil_mode=True)
        return self.text_head((x * mask).amax(dim=(2, 3)))


# ------------------------------------------------------------------------------ losses (docs/losses.md)

NORM_EPS = 1e-8
LOG_EPS = 1e-8
BIG = 1e9
PSW = (0.2, -0.7, 0.5, 1.8, -0.3, 0.03)  # a2, a1, a0, b2, b1, b0


def unit_rows(v):
    return v / torch.sqrt((v * v).sum(1, keepdim=True) + NORM_EPS * NORM_EPS)


def matching_kl(logits, same):
    logp = F.log_softmax(logits, dim=1)
    q = same / same.sum(1, keepdim=True)
    return (logp.exp() * (logp - torch.log(q + LOG_EPS))).sum(1).mean()


def cmpm(x, t, same, xu, tu):
    i2t = matching_kl(x @ tu.t(), same)
    t2i = matching_kl(t @ xu.t(), same)
    return i2t + t2i


def projection_logits(x, t, xu, tu, w):
    wu = w / torch.sqrt((w * w).sum(0, keepdim=True) + NORM_EPS * NORM_EPS)
    pi = (x * tu).sum(1, keepdim=True) * tu
    pt = (t * xu).sum(1, keepdim=True) * xu
    return pi, pt, pi @ wu, pt @ wu


def cmpc(zi, zt, y):
    return F.cross_entropy(zi, y) + F.cross_entropy(zt, y)


CHEBYSHEV = {1: [0, 1], 2: [-1, 0, 2], 3: [0, -3, 0, 4], 4: [1, 0, -8, 0, 8], 5: [0, 5, 0, -20, 0, 16]}


def mam_side(proj, z, y, m=4, lam=0.0):
    onehot = F.one_hot(y, z.shape[1]).to(z.dtype)
    zy = (z * onehot).sum(1, keepdim=True)
    norm = torch.sqrt((proj * proj).sum(1, keepdim=True) + NORM_EPS * NORM_EPS)
    c = zy / norm
    thresholds = torch.tensor([math.cos(j * math.pi / m) for j in range(1, m)], dtype=z.dtype)
    below = (c < thresholds).to(z.dtype)  # no gradient
    k = below.sum(1, keepdim=True)
    sign = (1 - 2 * below).prod(1, keepdim=True)
    cheb = torch.zeros_like(c)
    for coeff in reversed(CHEBYSHEV[m]):  # Horner
        cheb = cheb * c + coeff
    psi = sign * cheb - 2 * k
    target = (lam * zy + norm * psi) / (1 + lam)
    return F.cross_entropy(z + onehot * (target - zy), y)


def psw(s, same):
    neg = 1 - same
    has_neg = neg.amax(1)
    pos = torch.diagonal(s)
    masked = s - BIG * same
    a2, a1, a0, b2, b1, b0 = PSW
    total = 0
    for dim in (1, 0):
        hard = masked.amax(dim) * has_neg
        poly = F.relu(a2 * pos * pos + a1 * pos + a0 + b2 * hard * hard + b1 * hard + b0)
        total = total + (poly * has_neg).sum() / torch.clamp(has_neg.sum(), min=1.0)
    return total


def losses(x, t, ids, w):
    """The four terms; ids are class indices 0..C-1 (also used as person ids)."""
    same = (ids.reshape(-1, 1) == ids.reshape(1, -1)).to(x.dtype)
    xu, tu = unit_rows(x), unit_rows(t)
    pi, pt, zi, zt = projection_logits(x, t, xu, tu, w)
    return {
        "cmpm": cmpm(x, t, same, xu, tu),
        "cmpc": cmpc(zi, zt, ids),
        "mam": mam_side(pi, zi, ids) + mam_side(pt, zt, ids),
        "psw": psw(xu @ tu.t(), same),
    }


WEIGHTS = {"cmpm": 1.0, "cmpc": 0.8, "mam": 0.2, "psw": 1.0}


def total_loss(terms):
    return sum(WEIGHTS[k] * v for k, v in terms.items())


# ------------------------------------------------------------------------------ modes


def blas_libraries():
    """The BLAS/LAPACK/oneDNN shared libraries mapped into this process (which BLAS torch uses)."""
    names = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            base = os.path.basename(path)
            if any(k in base for k in ("blas", "lapack", "mkl", "dnnl", "gomp")):
                names.add(os.path.realpath(path))
    return sorted(names)


def peak_rss_mib():
    """VmHWM of this process (not getrusage's ru_maxrss, which Linux carries over from the parent
    across exec: a peer started by the JVM would report the JVM's peak)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return -1


def config_from(args):
    h, w = (int(v) for v in args.image.lower().split("x"))
    args.height, args.width = h, w
    return args


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def zipf_tokens(gen, n, length, vocab):
    """Ids 2..V-1 with a log-uniform (Zipf-like) frequency, as the Java benchmark draws them."""
    u = torch.rand(n * length, generator=gen, dtype=torch.float64)
    ids = torch.clamp(torch.floor(torch.exp(u * math.log(vocab))), max=vocab - 3).long() + 2
    return ids.reshape(n, length)


def train_mode(cfg):
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    model = DualPath(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    n = cfg.batch
    images = torch.rand(n, 3, cfg.height, cfg.width, generator=gen) - 0.5
    tokens = zipf_tokens(gen, n, cfg.length, cfg.vocab)
    labels = torch.arange(n) // 4  # P x K with K = 4
    distinct = int(torch.unique(tokens).numel())
    if cfg.lookup == "unique" and distinct > cfg.unique_capacity:
        raise SystemExit(f"the batch has {distinct} distinct ids, more than --unique-capacity")

    def step():
        opt.zero_grad(set_to_none=True)
        x = model.embed_images(images)
        t = model.embed_texts(tokens)
        terms = losses(x, t, labels, model.classifier_w)
        loss = total_loss(terms)
        loss.backward()
        opt.step()
        return terms

    model.train()
    t0 = time.perf_counter()
    step()
    first = time.perf_counter() - t0
    for _ in range(cfg.warmup):
        step()
    rates = []
    for _ in range(cfg.repeats):
        t0 = time.perf_counter()
        for _ in range(cfg.steps):
            terms = step()
        rates.append(cfg.steps * n / (time.perf_counter() - t0))

    model.eval()
    embed = {}
    with torch.no_grad():
        eb = cfg.embed_batch
        eimages = torch.rand(eb, 3, cfg.height, cfg.width, generator=gen) - 0.5
        etokens = zipf_tokens(gen, eb, cfg.length, cfg.vocab)
        for name, fn, arg in (("images", model.embed_images, eimages), ("texts", model.embed_texts, etokens)):
            for _ in range(3):
                fn(arg)
            r = []
            for _ in range(cfg.repeats):
                t0 = time.perf_counter()
                fn(arg)
                r.append(eb / (time.perf_counter() - t0))
            embed[name + "_per_second"] = statistics.median(r)
    return {
        "framework": "pytorch",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"),
        "blas": blas_libraries(),
        "peak_rss_mib": peak_rss_mib(),
        "preset": cfg.preset,
        "batch": n,
        "image": f"{cfg.height}x{cfg.width}",
        "tokens": cfg.length,
        "lookup": cfg.lookup,
        "distinct_tokens": distinct,
        "parameters": parameter_count(model),
        "first_step_seconds": first,
        "warmup": cfg.warmup,
        "repeats": cfg.repeats,
        "steps_per_repeat": cfg.steps,
        "train_images_per_second": statistics.median(rates),
        "train_images_per_second_all": rates,
        "last_loss": {k: float(v) for k, v in terms.items()},
        "embed_batch": cfg.embed_batch,
        **embed,
    }


def losses_mode(path):
    with open(path) as f:
        case = json.load(f)
    x = torch.tensor(case["image"], dtype=torch.float64)
    t = torch.tensor(case["text"], dtype=torch.float64)
    ids = torch.tensor(case["ids"], dtype=torch.long)
    w = torch.tensor(case["class_weights"], dtype=torch.float64)
    terms = {k: float(v) for k, v in losses(x, t, ids, w).items()}
    terms["total"] = sum(WEIGHTS[k] * v for k, v in terms.items())
    return {"framework": "pytorch", "torch": torch.__version__, "dtype": "float64", "losses": terms}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=["params", "train", "losses"], default="train")
    p.add_argument("--preset", choices=sorted(ARCHITECTURES), default="tiny")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--image", default="128x64", help="HxW")
    p.add_argument("--length", type=int, default=32, help="token length L")
    p.add_argument("--dim", type=int, default=256, help="embedding size D")
    p.add_argument("--text-dim", type=int, default=128, help="word embedding size E")
    p.add_argument("--drop", type=float, default=0.3, help="fraction dropped in the heads")
    p.add_argument("--vocab", type=int, default=5000)
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--lookup", choices=["onehot", "unique", "embedding"], default="onehot")
    p.add_argument("--unique-capacity", type=int, default=0)
    p.add_argument("--lr", type=float, default=1e-3, help="AdamW learning rate")
    p.add_argument("--weight-decay", type=float, default=1e-4, help="AdamW decoupled weight decay")
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--steps", type=int, default=2, help="steps per timed repeat")
    p.add_argument("--embed-batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--case", help="loss-value case file (--mode losses)")
    cfg = config_from(p.parse_args(argv))
    torch.set_num_threads(cfg.threads)
    if cfg.mode == "params":
        out = {"framework": "pytorch", "parameters": parameter_count(DualPath(cfg))}
    elif cfg.mode == "losses":
        if not cfg.case:
            p.error("--mode losses needs --case FILE")
        out = losses_mode(cfg.case)
    else:
        out = train_mode(cfg)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
