#!/usr/bin/python3
"""The PyTorch peer of TBPS4J: a speed peer for `tbps bench train` and a train-to-accuracy twin.

Written the way a PyTorch user writes it (nn.Embedding with a padding row for the word lookup, the
fused nn.BatchNorm2d/1d, F.relu, torch.optim.AdamW), with the losses of tbps-loss re-implemented
from docs/losses.md (cmpm, cmpc, mam, psw, sdm; `--mode losses` checks them against ours). Run it
with Debian's torch (`apt-get install python3-torch python3-pil libopenblas0-pthread`), always as
/usr/bin/python3. Every mode prints one JSON object on stdout; progress goes to stderr.

Modes
  --mode train     steady-state train-step throughput and inference embedding throughput of the
                   `ours` network at a preset's shapes (what `tbps bench train --peer` runs).
  --mode accuracy  trains a dual-path network on a dataset in CUHK-PEDES layout (DIR/reid_raw.json,
                   DIR/imgs/, optionally DIR/oracle.json as `tbps synth` writes them) for a wall-time
                   or step budget and reports retrieval accuracy by our protocol.
  --mode params    parameter count of a configuration.
  --mode losses    the five losses in float64 on the arrays of a `tbps loss-value` case file.
  --mode score     R@1/5/10, mAP, mINP of a similarity matrix (the input of `tbps score --input`).
  --mode data      the tokenizer, vocabulary, splits and token ids this script derives from a
                   dataset (to compare with ours), and with --files the decoded RGB of image files.
  --mode schedule  the learning rate at given points of a budget (--at, seconds or steps).

Speed peer (--mode train). The same architecture as tbps-model (the `ours` network below), the same
shapes and parameter count, cmpm + 0.8 cmpc + 0.2 mam + psw, AdamW with the configuration's learning
rate and weight decay, float32. The word lookup is `--lookup embedding` (nn.Embedding, what a PyTorch
user writes; the default); `--lookup onehot` emulates our one-hot x table lookup and `--lookup unique`
our two-step lookup over the distinct ids of a batch (secondary measurements). Timing protocol (as
TrainBenchmark.java): the first step apart, --warmup untimed steps, then --repeats timed repeats of
--steps steps; images/s is the median of the repeats. Inference: the embedding of --embed-batch
images / texts in eval mode, median of --repeats. The output names the BLAS / oneDNN libraries torch
loaded (Debian's torch: oneDNN for convolutions, the system BLAS for matrix products).

Accuracy twin (--mode accuracy). Data as ours (tbps-data): the tokenizer (lower-case, letters and
digits kept, apostrophes removed without splitting, anything else separates), the vocabulary of the
train captions (PAD = 0, UNK = 1, then words seen >= --min-count times by descending count, ties in
Java string order), captions truncated to the first --length tokens and padded with PAD; splits from
each entry's `split`; train classes = train person ids ascending; samples = the train split's
image-caption pairs in file order; images decoded to RGB, resized bilinearly with our pixel-centre
rule when their size differs from --image, normalised with the ImageNet mean/std, all preloaded into
one uint8 tensor; the P x K identity sampler (P identities x K pairs, an identity with fewer than K
pairs repeats some; an epoch visits every pair at least once). Augmentation: horizontal flip with
probability 1/2 (`--flip unless-lr`, the default, skips pairs whose caption says left or right; ours
flips regardless, `--flip always`), optional pad-crop (`--pad-crop N`, zero = the mean colour).
Evaluation by our protocol (tbps-eval): every caption of the split is a query, the gallery is every
image of the split, relevant = same person id, cosine similarity, ties ranked by gallery index.

Architectures (`--arch` sets defaults, the switches override them):
  ours  image `--image-net tiny` (the preset's ResNet), text `--text bottleneck` (1x2-kernel strided
        bottlenecks after an embedding batch-norm), heads `--head proj` (Linear -> BN -> ReLU ->
        dropout -> Linear + bias), a classifier with bias (unused by the losses, kept for the count);
  lean  image `--image-net lean` (conv 3x3/2 32 + BN + ReLU, max-pool 2x2, three stages of conv
        3x3/2 + BN + ReLU (64, 128, 256) and one basic residual block, global average pool), text
        `--text conv3` (nn.Embedding -> conv1d k3 -> ReLU -> residual block of two conv1d k3 ->
        max over time, padding masked), heads `--head bn` (Linear -> BatchNorm1d), classifier
        without bias.

Schedule: warm-up over the first --warmup-fraction (3 %) of the budget, then cosine to 0 at its
end. `--schedule time` (default): the budget is --minutes of training time and the learning rate a
function of elapsed training seconds, so a run ends annealed whatever the step rate; `--schedule
steps --steps N`: the budget is N steps. The training clock stops during evaluations (BN in eval
mode). `--curve 1,2,5` evaluates at those elapsed training minutes, `--curve-steps` at step counts,
plus the final evaluation; on the test split unless `--eval-split val` (`--val`): choose recipes on
val, never on test. `--select-every E` keeps the best model on the val split, as TBPS4J's trainer
does (and as PyTorch training scripts of this field keep their best checkpoint): the val split is
evaluated after every E-th epoch and at the end of the budget, the model with the highest val R@1
(the earliest on a tie) is kept, and the final evaluation is of that model; the val evaluations are
outside the training clock.

Examples
  ./tbps synth --out /tmp/syn --size 64x32
  OMP_NUM_THREADS=1 bench/torch_peer.py --mode accuracy --data /tmp/syn --arch lean --threads 1 \\
      --minutes 5 --curve 1,2
  bench/torch_peer.py --mode accuracy --data /tmp/syn --arch ours --schedule steps --steps 800 \\
      --loss cmpm=1,cmpc=0.8,mam=0.2,psw=1 --val
  bench/torch_peer.py --mode accuracy --data /tmp/syn --arch ours --head bn --text conv3 --minutes 5
  bench/torch_peer.py --mode train --image 64x32 --batch 64 --vocab 5000 --lookup embedding

Differences from the SameDiff graph, none of which changes a shape or a FLOP count:
  * convolutions and pooling use PyTorch's symmetric padding where SAME padding would be one pixel
    asymmetric (stride 2 on even sizes: same output size, pixels shifted by one) -- in the micro and
    tiny presets; the resnet18/resnet50 image paths pad symmetrically too (model config
    imagePadding: torchvision); the 1x2 stride-1 text convolution, whose output size needs the
    asymmetric pad, pads right by 1;
  * the padding row of the word table is zero and not trained (nn.Embedding's padding_idx);
  * dropout is F.dropout with PyTorch's generator; initialisations are PyTorch's defaults.
"""

import os
import sys


def _threads_from_argv(argv):
    """--threads N (default 2), read before torch is imported so that OpenMP/OpenBLAS see it."""
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "2"


if __name__ == "__main__":
    _t = _threads_from_argv(sys.argv[1:])
    if _t.isdigit() and int(_t) > 0:
        for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[_v] = _t

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class BadInput(Exception):
    """Bad input: reported as `torch_peer.py: error: <message>` with exit code 2."""


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

# `--arch` presets: image path, text path, head, classifier bias
ARCH_PRESETS = {
    # the tiny preset before the network redesign (projection heads, bottleneck text path)
    "ours": {"image_net": "tiny", "text": "bottleneck", "head": "proj", "classifier_bias": True},
    # the current `tiny` preset of TBPS4J (batch-norm heads, kernel-3 residual text path)
    "tiny": {"image_net": "tiny", "text": "conv3", "head": "bn", "classifier_bias": True},
    "lean": {"image_net": "lean", "text": "conv3", "head": "bn", "classifier_bias": False},
}
LEAN_STEM, LEAN_WIDTHS = 32, (64, 128, 256)

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


class ProjHead(nn.Module):
    """Ours: dense [C_feat, D] (no bias) -> BN -> ReLU -> dropout -> linear projection [D, D] + bias."""

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


class BnHead(nn.Module):
    """Lean: Linear [C_feat, D] then BatchNorm1d as the embedding (no ReLU, dropout or projection
    after it; no bias on the Linear, which the batch-norm would cancel)."""

    def __init__(self, cin, d):
        super().__init__()
        self.dense = nn.Linear(cin, d, bias=False)
        self.bn = nn.BatchNorm1d(d, eps=BN_EPS)

    def forward(self, x):
        return self.bn(self.dense(x))


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


class PresetImage(nn.Module):
    """Ours: the preset's ResNet image path (stem, max-pool 3x3/2, basic-block stages), average pool."""

    def __init__(self, preset):
        super().__init__()
        self.stem, self.stem_bn, self.pool, self.blocks, self.channels = image_layers(preset)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        if self.pool:
            x = F.max_pool2d(x, 3, 2, padding=1)
        return self.blocks(x).mean(dim=(2, 3))


class LeanImage(nn.Module):
    """Lean: conv 3x3/2 + BN + ReLU, max-pool 2x2, stages of conv 3x3/2 + BN + ReLU and one basic
    residual block, average pool."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv(3, LEAN_STEM, 3, 3, 2, 2), nn.BatchNorm2d(LEAN_STEM, eps=BN_EPS), nn.ReLU())
        stages, cin = [], LEAN_STEM
        for w in LEAN_WIDTHS:
            stages += [conv(cin, w, 3, 3, 2, 2), nn.BatchNorm2d(w, eps=BN_EPS), nn.ReLU(), Basic(w, w, 1)]
            cin = w
        self.stages = nn.Sequential(*stages)
        self.channels = cin

    def forward(self, x):
        x = F.max_pool2d(self.stem(x), 2)
        return self.stages(x).mean(dim=(2, 3))


class BottleneckText(nn.Module):
    """Ours: embedding BN, 1x1 stem + BN + ReLU, 1x2-kernel strided bottlenecks, max over time
    with padding-only positions masked (as DualPathGraph.paddingMask)."""

    def __init__(self, preset, e):
        super().__init__()
        tstem, twidths, tblocks, tstrides = ARCHITECTURES[preset]["text"]
        self.embed_bn = nn.BatchNorm2d(e, eps=BN_EPS)
        self.stem = conv(e, tstem, 1, 1, 1, 1)
        self.stem_bn = nn.BatchNorm2d(tstem, eps=BN_EPS)
        layers, cin = [], tstem
        for w, b, st in zip(twidths, tblocks, tstrides):
            for i in range(b):
                layers.append(Bottleneck(cin, w, 1, 2, 1, st if i == 0 else 1))
                cin = w
        self.blocks = nn.Sequential(*layers)
        self.strides = tstrides
        self.channels = cin

    def forward(self, rows, tokens):
        """rows [N, L, E] word vectors, tokens [N, L] ids -> [N, C]."""
        n, length = tokens.shape
        x = rows.permute(0, 2, 1).unsqueeze(2)  # [N, E, 1, L]
        x = self.embed_bn(x)
        x = F.relu(self.stem_bn(self.stem(x)))
        x = self.blocks(x)
        # the token mask (id != PAD) max-pooled with each strided stage's stride
        mask = (tokens != 0).to(x.dtype).reshape(n, 1, 1, length)
        for s in self.strides:
            if s > 1:
                mask = F.max_pool2d(mask, (1, s), (1, s), ceil_mode=True)
        return (x * mask).amax(dim=(2, 3))


class Conv3Text(nn.Module):
    """Lean: conv1d k3 (E -> W) + ReLU, one residual block of two conv1d k3, max over time; padding
    positions are zeroed after each convolution and left out of the max."""

    def __init__(self, e, width):
        super().__init__()
        self.conv0 = nn.Conv1d(e, width, 3, padding=1)
        self.conv1 = nn.Conv1d(width, width, 3, padding=1)
        self.conv2 = nn.Conv1d(width, width, 3, padding=1)
        self.channels = width

    def forward(self, rows, tokens):
        valid = (tokens != 0).unsqueeze(1)  # [N, 1, L]
        keep = valid.to(rows.dtype)
        x = F.relu(self.conv0(rows.transpose(1, 2))) * keep
        y = F.relu(self.conv1(x)) * keep
        x = F.relu(x + self.conv2(y)) * keep
        pooled = x.masked_fill(~valid, float("-inf")).amax(dim=2)
        # a caption without a single known-or-unknown token (only punctuation) pools to 0
        return torch.where(valid.any(dim=2), pooled, torch.zeros_like(pooled))


class DualPath(nn.Module):
    """Image path + head, word lookup + text path + head, a classifier for cmpc/mam."""

    def __init__(self, cfg):
        super().__init__()
        self.image = PresetImage(cfg.preset) if cfg.image_net == "tiny" else LeanImage()
        self.image_head = head(cfg, self.image.channels)
        self.vocab, self.length, self.e = cfg.vocab, cfg.length, cfg.text_dim
        self.embed = nn.Embedding(cfg.vocab, cfg.text_dim, padding_idx=0)
        if cfg.text == "bottleneck":
            self.text = BottleneckText(cfg.preset, cfg.text_dim)
        else:
            self.text = Conv3Text(cfg.text_dim, cfg.text_width)
        self.text_head = head(cfg, self.text.channels)
        self.classifier = nn.Linear(cfg.dim, cfg.classes, bias=cfg.classifier_bias)
        self.lookup = cfg.lookup
        self.unique_capacity = cfg.unique_capacity

    def class_weights(self):
        """The classifier as [D, C], as the losses take it."""
        return self.classifier.weight.t()

    def embed_images(self, x):
        return self.image_head(self.image(x))

    def rows(self, tokens):
        """Word vectors [N, L, E] of token ids [N, L]."""
        if self.lookup == "embedding":
            return self.embed(tokens)
        flat = tokens.reshape(-1)
        table = self.embed.weight
        if self.lookup == "unique":  # the two-step lookup of TokenInputs / DualPathGraph
            uniq, slots = torch.unique(flat, sorted=True, return_inverse=True)
            padded = torch.zeros(self.unique_capacity, dtype=flat.dtype)
            padded[: uniq.numel()] = uniq
            unique_rows = F.one_hot(padded, self.vocab).float() @ table
            out = F.one_hot(slots, self.unique_capacity).float() @ unique_rows
        else:
            out = F.one_hot(flat, self.vocab).float() @ table  # one-hot x table
        return out.reshape(tokens.shape[0], tokens.shape[1], self.e)

    def embed_texts(self, tokens):
        return self.text_head(self.text(self.rows(tokens), tokens))


def head(cfg, cin):
    return ProjHead(cin, cfg.dim, cfg.drop) if cfg.head == "proj" else BnHead(cin, cfg.dim)


# ------------------------------------------------------------------------------ losses (docs/losses.md)

NORM_EPS = 1e-8
LOG_EPS = 1e-8
BIG = 1e9
PSW = (0.2, -0.7, 0.5, 1.8, -0.3, 0.03)  # a2, a1, a0, b2, b1, b0
SDM_TAU = 0.02
LOSS_NAMES = ("cmpm", "cmpc", "mam", "psw", "sdm")


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


def sdm(s, same, tau=SDM_TAU):
    """IRRA's similarity distribution matching on the cosine matrix s (image rows, text columns)."""
    return matching_kl(s / tau, same) + matching_kl(s.t() / tau, same)


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


def losses(x, t, ids, w, which=LOSS_NAMES, mam_m=4, sdm_tau=SDM_TAU):
    """The requested terms; ids are class indices 0..C-1 (also used as person ids); w is [D, C]."""
    same = (ids.reshape(-1, 1) == ids.reshape(1, -1)).to(x.dtype)
    xu, tu = unit_rows(x), unit_rows(t)
    out = {}
    if "cmpm" in which:
        out["cmpm"] = cmpm(x, t, same, xu, tu)
    if "cmpc" in which or "mam" in which:
        pi, pt, zi, zt = projection_logits(x, t, xu, tu, w)
        if "cmpc" in which:
            out["cmpc"] = cmpc(zi, zt, ids)
        if "mam" in which:
            out["mam"] = mam_side(pi, zi, ids, mam_m) + mam_side(pt, zt, ids, mam_m)
    if "psw" in which or "sdm" in which:
        s = xu @ tu.t()
        if "psw" in which:
            out["psw"] = psw(s, same)
        if "sdm" in which:
            out["sdm"] = sdm(s, same, sdm_tau)
    return out


WEIGHTS = {"cmpm": 1.0, "cmpc": 0.8, "mam": 0.2, "psw": 1.0}  # the quickstart mix


def total_loss(terms, weights=WEIGHTS):
    return sum(weights[k] * v for k, v in terms.items())


def parse_loss_mix(text):
    """`cmpm=1,cmpc=0.8` -> {"cmpm": 1.0, "cmpc": 0.8}; a bare name has weight 1."""
    mix = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in LOSS_NAMES:
            raise BadInput(f"--loss: unknown loss '{name}' (valid: {', '.join(LOSS_NAMES)})")
        try:
            weight = float(value) if value else 1.0
        except ValueError:
            raise BadInput(f"--loss: weight of '{name}' is not a number: '{value}'") from None
        if not math.isfinite(weight) or weight < 0:
            raise BadInput(f"--loss: weight of '{name}' must be finite and >= 0, got {value}")
        mix[name] = weight
    if not any(v > 0 for v in mix.values()):
        raise BadInput(f"--loss: no loss with a positive weight in '{text}'")
    return mix


# ------------------------------------------------------------------------------ data (tbps-data)

PAD, UNK = 0, 1
PAD_TOKEN, UNK_TOKEN = "<pad>", "<unk>"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
SPLITS = ("train", "val", "test")
_LETTER_OR_DIGIT = {"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"}  # Java's Character.isLetterOrDigit
_APOSTROPHES = "'\u2019`"
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_JAVA_SPACE = set("\t\n\u000b\f\r\u001c\u001d\u001e\u001f")
_JAVA_NOT_SPACE = set("\u00a0\u2007\u202f")  # space separators Java's isWhitespace excludes


def tokenize(text):
    """Tokenizer.tokenize: lower-case (Locale.ROOT); letters and digits kept; apostrophes (' ’ `)
    removed without splitting; any other character separates tokens; empty tokens dropped."""
    lower = text.lower()
    if lower.isascii():
        return _ASCII_WORD.findall(lower.replace("'", "").replace("`", ""))
    out, token = [], []
    for ch in lower:
        if unicodedata.category(ch) in _LETTER_OR_DIGIT:
            token.append(ch)
        elif ch in _APOSTROPHES:
            continue
        elif token:
            out.append("".join(token))
            token = []
    if token:
        out.append("".join(token))
    return out


def java_blank(text):
    """String.isBlank: empty or only Character.isWhitespace code points."""
    for ch in text:
        if ch in _JAVA_SPACE:
            continue
        if unicodedata.category(ch) in ("Zs", "Zl", "Zp") and ch not in _JAVA_NOT_SPACE:
            continue
        return False
    return True


def build_vocabulary(tokenized, min_count):
    """Vocabulary.build: PAD, UNK, then words with count >= min_count by descending count, ties in
    Java String order (UTF-16 code units)."""
    counts = {}
    for caption in tokenized:
        for w in caption:
            counts[w] = counts.get(w, 0) + 1
    kept = [w for w, c in counts.items() if c >= min_count and w not in (PAD_TOKEN, UNK_TOKEN)]
    kept.sort(key=lambda w: (-counts[w], w.encode("utf-16-be")))
    return [PAD_TOKEN, UNK_TOKEN] + kept


def encode(tokens, index, length):
    """Vocabulary.encode: the first `length` tokens looked up (unknown -> UNK), padded with PAD."""
    ids = [index.get(w, UNK) for w in tokens[:length]]
    return ids + [PAD] * (length - len(ids))


def normalise_path(path):
    """ImagePaths.normalise: separators to /, '' and '.' dropped, '..' pops; None if it climbs out."""
    parts = []
    for seg in re.split(r"[/\\]", path):
        if seg in ("", "."):
            continue
        if seg == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(seg)
    return "/".join(parts) if parts else None


def unsafe_reason(path):
    if not path.strip():
        return "is empty"
    if "\0" in path:
        return "contains a NUL character"
    if path.startswith(("/", "\\", "~")) or (len(path) >= 2 and path[1] == ":" and path[0].isalpha()):
        return "is absolute (image paths must be relative to the dataset's image directory)"
    if normalise_path(path) is None:
        return 'leaves the dataset root (".." above the image directory)'
    return None


def resize_bilinear(src, dh, dw):
    """ImageDecoder.resizeBilinear: uint8 [sh, sw, 3] -> [dh, dw, 3], OpenCV INTER_LINEAR pixel
    centres (src = (dst + 1/2) * scale - 1/2, clamped at the borders), float32 arithmetic as ours,
    rounded half up."""
    sh, sw = src.shape[:2]
    if (sh, sw) == (dh, dw):
        return src.copy()

    def axis(d, s):
        f = (np.arange(d, dtype=np.float64) + 0.5) * (s / d) - 0.5
        i = np.floor(f).astype(np.int64)
        a = (f - i).astype(np.float32)
        a[i < 0] = 0
        i[i < 0] = 0
        high = i >= s - 1
        i[high] = s - 1
        a[high] = 0
        return i, np.minimum(i + 1, s - 1), a

    y0, y1, b = axis(dh, sh)
    x0, x1, a = axis(dw, sw)
    v = src.astype(np.float32)
    one = np.float32(1)
    a = a[None, :, None]
    top = v[y0][:, x0] * (one - a) + v[y0][:, x1] * a
    bot = v[y1][:, x0] * (one - a) + v[y1][:, x1] * a
    b = b[:, None, None]
    out = top * (one - b) + bot * b
    return np.floor(out.astype(np.float64) + 0.5).astype(np.uint8)


def decode_rgb(path, height, width):
    """An image file as uint8 RGB [H, W, 3] at the input size (alpha ignored, grey expanded)."""
    from PIL import Image

    if not os.path.isfile(path):
        raise BadInput(f"{path}: image file not found")
    try:
        with Image.open(path) as im:
            rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    except Exception as e:  # noqa: BLE001 - any decoder failure is bad input naming the file
        raise BadInput(f"{path}: cannot be decoded ({e})") from None
    return resize_bilinear(rgb, height, width)


class PedesData:
    """A CUHK-PEDES-layout dataset read as tbps-data reads it (strictly: a bad entry is an error).

    images[split]: list of (person id, image path); captions[split]: list of (person id, gallery
    index of its image, caption text, tokens), both in file order."""

    def __init__(self, root):
        self.root = root
        if not os.path.isdir(root):
            raise BadInput(f"{root}: not a directory (--data must be a dataset in CUHK-PEDES layout)")
        self.annotations = os.path.join(root, "reid_raw.json")
        if not os.path.isfile(self.annotations):
            raise BadInput(f"{self.annotations}: not found (--data needs reid_raw.json and imgs/)")
        try:
            with open(self.annotations, encoding="utf-8") as f:
                entries = json.load(f)
        except (ValueError, UnicodeDecodeError) as e:
            raise BadInput(f"{self.annotations}: not valid JSON ({e})") from None
        if not isinstance(entries, list):
            raise BadInput(f"{self.annotations}: expected a JSON array of entries")
        self.images = {s: [] for s in SPLITS}
        self.captions = {s: [] for s in SPLITS}
        seen = set()
        for i, e in enumerate(entries):
            where = f"{self.annotations}: entry {i}"
            if not isinstance(e, dict):
                raise BadInput(f"{where}: expected an object")
            pid, split, path = e.get("id"), e.get("split"), e.get("file_path")
            texts = e.get("captions")
            if texts is None and "processed_tokens" in e:  # token lists, joined with spaces
                lists = e["processed_tokens"]
                if not isinstance(lists, list) or not all(
                    isinstance(t, list) and all(isinstance(w, str) for w in t) for t in lists
                ):
                    raise BadInput(f"{where}: field 'processed_tokens' is not an array of string arrays")
                texts = [" ".join(t) for t in lists]
            missing = [k for k, v in (("id", pid), ("split", split), ("captions", texts), ("file_path", path)) if v is None]
            if missing:
                raise BadInput(f"{where}: missing field {', '.join(repr(m) for m in missing)}")
            if not isinstance(pid, int) or isinstance(pid, bool):
                raise BadInput(f"{where}: field 'id' is not an integer")
            if split not in SPLITS:
                raise BadInput(f"{where}: field 'split' is {split!r} (valid: {', '.join(SPLITS)})")
            if not isinstance(path, str):
                raise BadInput(f"{where}: field 'file_path' is not a string")
            reason = unsafe_reason(path)
            if reason:
                raise BadInput(f"{where}: field 'file_path' {path!r} {reason}")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise BadInput(f"{where}: field 'captions' is not an array of strings")
            rel = "imgs/" + normalise_path(path)
            if rel in seen:  # ours keeps the first entry of an image and ignores the others
                continue
            seen.add(rel)
            gallery_index = len(self.images[split])
            self.images[split].append((pid, rel))
            for t in texts:
                if not java_blank(t):
                    self.captions[split].append((pid, gallery_index, t, tokenize(t)))
        if not self.captions["train"]:
            raise BadInput(f"{self.annotations}: the train split has no captions")
        self.train_ids = sorted({pid for pid, _ in self.images["train"]})
        self.class_of = {pid: c for c, pid in enumerate(self.train_ids)}

    def vocabulary(self, min_count):
        return build_vocabulary((c[3] for c in self.captions["train"]), min_count)

    def load_images(self, split, height, width):
        """uint8 [N, 3, H, W] of a split's gallery, in gallery order."""
        out = np.empty((len(self.images[split]), height, width, 3), dtype=np.uint8)
        for i, (_, rel) in enumerate(self.images[split]):
            out[i] = decode_rgb(os.path.join(self.root, rel), height, width)
        return torch.from_numpy(out).permute(0, 3, 1, 2).contiguous()

    def oracle_r1(self, split):
        """R@1 of oracle.json (the test split at the top level, val under "val"), or None."""
        path = os.path.join(self.root, "oracle.json")
        if not os.path.isfile(path):
            return None
        with open(path, encoding="utf-8") as f:
            oracle = json.load(f)
        if oracle.get("split", "test") == split:
            return oracle.get("R@1")
        return (oracle.get(split) or {}).get("R@1")


class PkSampler:
    """The P x K identity sampler (tbps-data PkSampler), epoch by epoch.

    An epoch: each identity's samples shuffled and cut into groups of K (a last incomplete group,
    or an identity with fewer than K samples, is completed with repeats: samples of the identity not
    yet in the group when there are any, else drawn with replacement); the groups shuffled; batches
    filled in order with the first group whose identity is not yet in the batch (deferred groups go
    to the next batches); a last batch short of identities completed with fresh groups of others.
    The generator is numpy's, so batches are not those of ours, only their law."""

    def __init__(self, labels, p, k, rng):
        classes = sorted(set(labels))
        if p < 2:
            raise BadInput(f"--p must be >= 2 (the losses need negatives in a batch), got {p}")
        if k < 1:
            raise BadInput(f"--k must be >= 1, got {k}")
        if p > len(classes):
            raise BadInput(f"--p {p}: the train split has only {len(classes)} identities")
        slot = {c: j for j, c in enumerate(classes)}
        members = [[] for _ in classes]
        for i, c in enumerate(labels):
            members[slot[c]].append(i)
        self.members = [np.asarray(m, dtype=np.int64) for m in members]
        self.p, self.k, self.rng = p, k, rng

    def _repeat(self, s, group, t):
        if len(s) > t:
            free = [v for v in s if v not in group[:t]]
            return free[self.rng.integers(len(free))]
        return s[self.rng.integers(len(s))]

    def epoch(self):
        p, k, rng = self.p, self.k, self.rng
        groups = []
        for j, m in enumerate(self.members):
            s = rng.permutation(m)
            for g in range((len(s) + k - 1) // k):
                group = []
                for t in range(k):
                    pos = g * k + t
                    group.append(s[pos] if pos < len(s) else self._repeat(s, group, t))
                groups.append((j, group))
        groups = [groups[i] for i in rng.permutation(len(groups))]
        used = [False] * len(groups)
        start, batches = 0, []
        while start < len(groups):
            batch, present = [], set()
            i = start
            while i < len(groups) and len(present) < p:
                j, group = groups[i]
                if not used[i] and j not in present:
                    used[i] = True
                    present.add(j)
                    batch += group
                i += 1
            while start < len(groups) and used[start]:
                start += 1
            while len(present) < p:  # fresh groups of identities not in the batch
                j = int(rng.integers(len(self.members)))
                if j in present:
                    continue
                present.add(j)
                s = rng.permutation(self.members[j])
                batch += [s[t] if t < len(s) else s[rng.integers(len(s))] for t in range(k)]
            batches.append(np.asarray(batch, dtype=np.int64))
        return batches


def mentions_left_or_right(tokens):
    return "left" in tokens or "right" in tokens


# ------------------------------------------------------------------------------ metrics (tbps-eval)


def retrieval_metrics(sim, query_ids, gallery_ids, chunk=1024):
    """R@1/5/10, mAP, mINP in percent by our protocol (docs/metrics.md): gallery items ranked by
    descending score, ties by gallery index; queries without a relevant item are left out.

    sim [Q, G] (numpy or torch), ids as sequences of integers."""
    sim = np.asarray(sim.detach().cpu().numpy() if torch.is_tensor(sim) else sim, dtype=np.float64)
    if sim.ndim != 2 or sim.shape[0] != len(query_ids) or sim.shape[1] != len(gallery_ids):
        raise BadInput(f"similarity {sim.shape} does not match {len(query_ids)} queries x {len(gallery_ids)} gallery ids")
    if np.isnan(sim).any():
        q, g = np.argwhere(np.isnan(sim))[0]
        raise BadInput(f"similarity is NaN at query {q}, gallery index {g}")
    qids = np.asarray(query_ids, dtype=np.int64)
    gids = np.asarray(gallery_ids, dtype=np.int64)
    n_gallery = sim.shape[1]
    positions = np.arange(1, n_gallery + 1, dtype=np.float64)
    hits = {1: 0, 5: 0, 10: 0}
    ap_sum = inp_sum = 0.0
    queries = skipped = 0
    for lo in range(0, sim.shape[0], chunk):
        block = sim[lo : lo + chunk]
        order = np.argsort(-block, axis=1, kind="stable")  # stable: equal scores by gallery index
        rel = gids[order] == qids[lo : lo + chunk, None]
        count = rel.sum(1)
        ok = count > 0
        skipped += int((~ok).sum())
        rel, count = rel[ok], count[ok]
        queries += int(ok.sum())
        first = rel.argmax(1) + 1
        for kk in hits:
            hits[kk] += int((first <= kk).sum())
        ap_sum += float(((rel * np.cumsum(rel, 1) / positions).sum(1) / count).sum())
        last = n_gallery - rel[:, ::-1].argmax(1)
        inp_sum += float((count / last).sum())
    if queries == 0:
        raise BadInput("no query has a relevant gallery item (check that query and gallery ids match)")
    return {
        "R@1": 100.0 * hits[1] / queries,
        "R@5": 100.0 * hits[5] / queries,
        "R@10": 100.0 * hits[10] / queries,
        "mAP": 100.0 * ap_sum / queries,
        "mINP": 100.0 * inp_sum / queries,
        "queries": queries,
        "skipped_queries": skipped,
    }


# ------------------------------------------------------------------------------ schedule


def lr_at(progress, base, warmup_fraction):
    """Learning rate at a fraction of the budget: linear warm-up from 0 to `base` over the first
    `warmup_fraction`, then cosine to 0 at the budget's end (0 from there on)."""
    if progress <= 0:
        return 0.0
    if progress < warmup_fraction:
        return base * progress / warmup_fraction
    if progress >= 1:
        return 0.0
    return base * 0.5 * (1 + math.cos(math.pi * (progress - warmup_fraction) / (1 - warmup_fraction)))


# ------------------------------------------------------------------------------ helpers


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


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def zipf_tokens(gen, n, length, vocab):
    """Ids 2..V-1 with a log-uniform (Zipf-like) frequency, as the Java benchmark draws them."""
    u = torch.rand(n * length, generator=gen, dtype=torch.float64)
    ids = torch.clamp(torch.floor(torch.exp(u * math.log(vocab))), max=vocab - 3).long() + 2
    return ids.reshape(n, length)


def make_optimizer(cfg, model):
    if cfg.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    return torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ modes


def train_mode(cfg):
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    model = DualPath(cfg)
    opt = make_optimizer(cfg, model)
    n = cfg.batch
    images = torch.rand(n, 3, cfg.height, cfg.width, generator=gen) - 0.5
    tokens = zipf_tokens(gen, n, cfg.length, cfg.vocab)
    labels = torch.arange(n) // 4  # P x K with K = 4
    distinct = int(torch.unique(tokens).numel())
    if cfg.lookup == "unique" and distinct > cfg.unique_capacity:
        raise BadInput(f"the batch has {distinct} distinct ids, more than --unique-capacity {cfg.unique_capacity}")

    def step():
        opt.zero_grad(set_to_none=True)
        x = model.embed_images(images)
        t = model.embed_texts(tokens)
        terms = losses(x, t, labels, model.class_weights(), WEIGHTS)
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
        edistinct = int(torch.unique(etokens).numel())
        if cfg.lookup == "unique" and edistinct > cfg.unique_capacity:
            raise BadInput(
                f"the embedding batch has {edistinct} distinct ids, more than --unique-capacity {cfg.unique_capacity}"
            )
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
        "arch": cfg.arch_summary,
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
    try:
        with open(path) as f:
            case = json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: cannot be read ({e.strerror})") from None
    except ValueError as e:
        raise BadInput(f"{path}: not valid JSON ({e})") from None
    x = torch.tensor(case["image"], dtype=torch.float64)
    t = torch.tensor(case["text"], dtype=torch.float64)
    ids = torch.tensor(case["ids"], dtype=torch.long)
    w = torch.tensor(case["class_weights"], dtype=torch.float64)
    terms = {k: float(v) for k, v in losses(x, t, ids, w).items()}
    terms["total"] = sum(WEIGHTS[k] * terms[k] for k in WEIGHTS)
    return {"framework": "pytorch", "torch": torch.__version__, "dtype": "float64", "losses": terms}


def score_mode(path):
    try:
        with open(path) as f:
            case = json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: cannot be read ({e.strerror})") from None
    except ValueError as e:
        raise BadInput(f"{path}: not valid JSON ({e})") from None
    for key in ("similarity", "query_ids", "gallery_ids"):
        if key not in case:
            raise BadInput(f"{path}: missing field '{key}'")
    return retrieval_metrics(np.asarray(case["similarity"], dtype=np.float64), case["query_ids"], case["gallery_ids"])


def data_mode(cfg):
    out = {}
    if cfg.files:
        out["pixels"] = [decode_rgb(f, cfg.height, cfg.width).reshape(-1).tolist() for f in cfg.files]
        out["image"] = f"{cfg.height}x{cfg.width}"
    if cfg.data:
        data = PedesData(cfg.data)
        words = data.vocabulary(cfg.min_count)
        index = {w: i for i, w in enumerate(words)}
        out["vocabulary"] = words
        out["classes"] = len(data.train_ids)
        out["splits"] = {
            s: {
                "gallery_ids": [pid for pid, _ in data.images[s]],
                "gallery_paths": [rel for _, rel in data.images[s]],
                "query_ids": [c[0] for c in data.captions[s]],
                "query_image": [c[1] for c in data.captions[s]],
                "tokens": [encode(c[3], index, cfg.length) for c in data.captions[s]],
            }
            for s in SPLITS
        }
    return out


def schedule_mode(cfg):
    budget = cfg.steps if cfg.schedule == "steps" else cfg.minutes * 60.0
    points = [float(v) for v in cfg.at.split(",")] if cfg.at else []
    return {
        "schedule": cfg.schedule,
        "budget": budget,
        "unit": "steps" if cfg.schedule == "steps" else "seconds",
        "warmup_fraction": cfg.warmup_fraction,
        "lr": cfg.lr,
        "at": points,
        "values": [lr_at(v / budget, cfg.lr, cfg.warmup_fraction) for v in points],
    }


class Normaliser:
    """uint8 RGB [N, 3, H, W] -> (v / 255 - mean) / std in float32, as ImageSettings.normalise."""

    def __init__(self):
        self.mean = torch.tensor(IMAGENET_MEAN, dtype=torch.float32).reshape(1, 3, 1, 1)
        self.std = torch.tensor(IMAGENET_STD, dtype=torch.float32).reshape(1, 3, 1, 1)

    def __call__(self, u8):
        return (u8.to(torch.float32) / 255.0 - self.mean) / self.std


def augment(x, may_flip, pad, gen):
    """Flip each image with probability 1/2 where allowed, then shift by dy, dx in [-pad, pad]
    (pad-crop; pixels from outside are 0, the mean colour)."""
    n, _, h, w = x.shape
    flip = (torch.rand(n, generator=gen) < 0.5) & may_flip
    x = torch.where(flip.reshape(n, 1, 1, 1), x.flip(3), x)
    if pad > 0:
        padded = F.pad(x, (pad, pad, pad, pad))
        offsets = torch.randint(0, 2 * pad + 1, (n, 2), generator=gen).tolist()
        x = torch.stack([padded[i, :, dy : dy + h, dx : dx + w] for i, (dy, dx) in enumerate(offsets)])
    return x


def evaluate(model, images_u8, gallery_ids, query_tokens, query_ids, norm, batch):
    model.eval()
    with torch.no_grad():
        xs = [model.embed_images(norm(images_u8[i : i + batch])) for i in range(0, images_u8.shape[0], batch)]
        ts = [model.embed_texts(query_tokens[i : i + batch]) for i in range(0, query_tokens.shape[0], batch)]
        sim = unit_rows(torch.cat(ts)) @ unit_rows(torch.cat(xs)).t()
    model.train()
    return retrieval_metrics(sim, query_ids, gallery_ids)


def split_arrays(data, split, index, cfg):
    """evaluate()'s arguments for one split: images (uint8), gallery ids, query tokens, query ids."""
    images = data.load_images(split, cfg.height, cfg.width)
    tokens = torch.tensor([encode(c[3], index, cfg.length) for c in data.captions[split]], dtype=torch.long)
    return images, [pid for pid, _ in data.images[split]], tokens, [c[0] for c in data.captions[split]]


def accuracy_mode(cfg):
    t_start = time.perf_counter()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed + 1)
    data = PedesData(cfg.data)
    words = data.vocabulary(cfg.min_count)
    index = {w: i for i, w in enumerate(words)}
    split = cfg.eval_split
    if not data.captions[split]:
        raise BadInput(f"{data.annotations}: the {split} split has no captions to evaluate with")
    train = data.captions["train"]
    train_tokens = torch.tensor([encode(c[3], index, cfg.length) for c in train], dtype=torch.long)
    train_labels = [data.class_of[c[0]] for c in train]
    train_image = torch.tensor([c[1] for c in train], dtype=torch.long)
    if cfg.flip == "always":
        may_flip = torch.ones(len(train), dtype=torch.bool)
    elif cfg.flip == "never":
        may_flip = torch.zeros(len(train), dtype=torch.bool)
    else:
        may_flip = torch.tensor([not mentions_left_or_right(c[3]) for c in train], dtype=torch.bool)
    labels_t = torch.tensor(train_labels, dtype=torch.long)
    sampler = PkSampler(train_labels, cfg.p, cfg.k, rng)
    log(f"decoding {len(data.images['train'])} train and {len(data.images[split])} {split} images at {cfg.height}x{cfg.width}")
    train_u8 = data.load_images("train", cfg.height, cfg.width)
    eval_arrays = split_arrays(data, split, index, cfg)
    eval_u8, eval_gids, eval_tokens, eval_qids = eval_arrays
    if cfg.select_every:
        if not data.captions["val"]:
            raise BadInput(f"{data.annotations}: --select-every needs captions in the val split")
        val_arrays = eval_arrays if split == "val" else split_arrays(data, "val", index, cfg)
    oracle = data.oracle_r1(split)
    cfg.vocab, cfg.classes = len(words), len(data.train_ids)
    model = DualPath(cfg)
    opt = make_optimizer(cfg, model)
    norm = Normaliser()
    weights = cfg.loss_mix
    active = [k for k, v in weights.items() if v > 0]
    load_seconds = time.perf_counter() - t_start
    log(
        f"{len(train)} train pairs, {cfg.classes} classes, vocabulary {cfg.vocab}; model {parameter_count(model):,} "
        f"parameters ({cfg.arch_summary}); data ready in {load_seconds:.1f} s"
    )

    budget_seconds = cfg.minutes * 60.0 if cfg.schedule == "time" else None
    curve_seconds = sorted(60.0 * m for m in cfg.curve)
    curve_steps = sorted(cfg.curve_steps)
    curve, history = [], []
    train_clock, eval_seconds = 0.0, 0.0
    step, epoch, plan, in_plan = 0, 0, sampler.epoch(), 0
    window, window_terms = [], {k: [] for k in active}
    lr = 0.0
    validations, best = [], None  # --select-every: val R@1 per check; (R@1, steps, epoch, state) of the best

    def validate():
        nonlocal eval_seconds, best
        if validations and validations[-1]["steps"] == step:
            return
        t0 = time.perf_counter()
        m = evaluate(model, *val_arrays, norm, cfg.eval_batch)
        eval_seconds += time.perf_counter() - t0
        v = {"steps": step, "epoch": epoch + in_plan / len(plan), "R@1": round(m["R@1"], 4)}
        validations.append(v)
        improved = best is None or m["R@1"] > best[0]
        if improved:
            best = (m["R@1"], step, v["epoch"], copy.deepcopy(model.state_dict()))
        log(f"val at step {step}, epoch {v['epoch']:.2f}: R@1 {m['R@1']:.2f}" + (" (best so far)" if improved else ""))

    def point(kind):
        nonlocal eval_seconds
        t0 = time.perf_counter()
        m = evaluate(model, eval_u8, eval_gids, eval_tokens, eval_qids, norm, cfg.eval_batch)
        eval_seconds += time.perf_counter() - t0
        p = {
            "at": kind,
            "minutes": round(train_clock / 60.0, 4),
            "steps": step,
            "epoch": epoch,
            "lr": lr,
            **{k: round(m[k], 4) for k in ("R@1", "R@5", "R@10", "mAP", "mINP")},
            "R@1_pct_of_oracle": round(100.0 * m["R@1"] / oracle, 2) if oracle else None,
            "queries": m["queries"],
            "split": split,
        }
        curve.append(p)
        log(
            f"eval {split} at {p['minutes']:.2f} min, step {step}: R@1 {p['R@1']:.2f} R@5 {p['R@5']:.2f} "
            f"R@10 {p['R@10']:.2f} mAP {p['mAP']:.2f}"
            + (f" ({p['R@1_pct_of_oracle']:.1f} % of the oracle)" if oracle else "")
        )

    model.train()
    while True:
        if cfg.schedule == "time":
            if train_clock >= budget_seconds:
                break
            progress = train_clock / budget_seconds
        else:
            if step >= cfg.steps:
                break
            progress = (step + 0.5) / cfg.steps
        t0 = time.perf_counter()
        lr = lr_at(progress, cfg.lr, cfg.warmup_fraction)
        for g in opt.param_groups:
            g["lr"] = lr
        if in_plan == len(plan):
            epoch += 1
            plan, in_plan = sampler.epoch(), 0
        rows = torch.from_numpy(plan[in_plan])
        in_plan += 1
        x_in = augment(norm(train_u8[train_image[rows]]), may_flip[rows], cfg.pad_crop, gen)
        x = model.embed_images(x_in)
        t = model.embed_texts(train_tokens[rows])
        terms = losses(x, t, labels_t[rows], model.class_weights(), active, cfg.mam_m, cfg.sdm_tau)
        loss = total_loss(terms, weights)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        train_clock += time.perf_counter() - t0
        value = float(loss)
        if not math.isfinite(value):
            raise RuntimeError(f"the loss is {value} at step {step} ({ {k: float(v) for k, v in terms.items()} })")
        window.append(value)
        for k, v in terms.items():
            window_terms[k].append(float(v))
        if step % cfg.log_every == 0:
            h = {
                "steps": step,
                "minutes": round(train_clock / 60.0, 4),
                "lr": lr,
                "loss": statistics.fmean(window),
                "terms": {k: statistics.fmean(v) for k, v in window_terms.items()},
            }
            history.append(h)
            window, window_terms = [], {k: [] for k in active}
            log(
                f"step {step} epoch {epoch} {train_clock / 60.0:.2f} min lr {lr:.2e} loss {h['loss']:.4f} "
                + " ".join(f"{k} {v:.4f}" for k, v in h["terms"].items())
                + f" ({step / train_clock:.2f} steps/s)"
            )
        if cfg.select_every and in_plan == len(plan) and (epoch + 1) % cfg.select_every == 0:
            validate()
        while curve_seconds and train_clock >= curve_seconds[0] and (budget_seconds is None or curve_seconds[0] < budget_seconds):
            curve_seconds.pop(0)
            point("minutes")
        while curve_steps and step >= curve_steps[0] and (cfg.schedule == "time" or curve_steps[0] < cfg.steps):
            curve_steps.pop(0)
            point("steps")
    if window:
        history.append(
            {
                "steps": step,
                "minutes": round(train_clock / 60.0, 4),
                "lr": lr,
                "loss": statistics.fmean(window),
                "terms": {k: statistics.fmean(v) for k, v in window_terms.items()},
            }
        )
    selection = None
    if cfg.select_every:
        validate()
        selection = {"every_epochs": cfg.select_every, "validations": validations,
                     "selected": {"val_R@1": round(best[0], 4), "steps": best[1], "epoch": best[2]}}
        if best[1] != step:
            model.load_state_dict(best[3])
        log(f"selected the best val model: R@1 {best[0]:.2f} at step {best[1]} (of {step})")
    point("final")
    final = dict(curve[-1])
    not_reached = {
        "minutes": [s / 60.0 for s in curve_seconds if budget_seconds is None or s < budget_seconds],
        "steps": [n for n in curve_steps if cfg.schedule == "time" or n < cfg.steps],
    }
    if not_reached["minutes"] or not_reached["steps"]:
        log(f"curve points the run did not reach: {not_reached}")
    return {
        "framework": "pytorch",
        "mode": "accuracy",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"),
        "config": {
            "data": cfg.data,
            "arch": cfg.arch,
            "preset": cfg.preset,
            "image_net": cfg.image_net,
            "text": cfg.text,
            "head": cfg.head,
            "classifier_bias": cfg.classifier_bias,
            "image": f"{cfg.height}x{cfg.width}",
            "length": cfg.length,
            "min_count": cfg.min_count,
            "dim": cfg.dim,
            "text_dim": cfg.text_dim,
            "text_width": cfg.text_width,
            "drop": cfg.drop,
            "p": cfg.p,
            "k": cfg.k,
            "flip": cfg.flip,
            "pad_crop": cfg.pad_crop,
            "loss": weights,
            "mam_m": cfg.mam_m,
            "sdm_tau": cfg.sdm_tau,
            "optimizer": cfg.optimizer,
            "lr": cfg.lr,
            "weight_decay": cfg.weight_decay,
            "schedule": cfg.schedule,
            "minutes": cfg.minutes if cfg.schedule == "time" else None,
            "steps": cfg.steps if cfg.schedule == "steps" else None,
            "warmup_fraction": cfg.warmup_fraction,
            "eval_split": split,
            "select_every": cfg.select_every,
            "seed": cfg.seed,
        },
        "data": {
            "vocabulary": cfg.vocab,
            "classes": cfg.classes,
            "train_pairs": len(train),
            "train_images": len(data.images["train"]),
            "eval_images": len(eval_gids),
            "eval_queries": len(eval_qids),
            "oracle_R@1": oracle,
            "load_seconds": round(load_seconds, 2),
        },
        "parameters": parameter_count(model),
        "steps": step,
        "epochs": epoch + in_plan / len(plan),
        "train_seconds": round(train_clock, 3),
        "eval_seconds": round(eval_seconds, 3),
        "steps_per_second": round(step / train_clock, 4) if train_clock > 0 else None,
        "loss_first": history[0]["loss"] if history else None,
        "loss_last": history[-1]["loss"] if history else None,
        "curve": curve,
        "curve_not_reached": not_reached,
        "final": final,
        "selection": selection,
        "loss_history": history,
        "peak_rss_mib": peak_rss_mib(),
    }


# ------------------------------------------------------------------------------ command line


def parse_image(text, flag="--image"):
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise BadInput(f"{flag}: expected HxW such as 64x32, got '{text}'")
    return int(parts[0]), int(parts[1])


def parse_numbers(text, flag, kind=float):
    if not text:
        return []
    try:
        values = [kind(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise BadInput(f"{flag}: expected comma-separated numbers, got '{text}'") from None
    if any(v <= 0 for v in values):
        raise BadInput(f"{flag}: values must be > 0, got '{text}'")
    return values


def build_parser():
    p = argparse.ArgumentParser(
        prog="torch_peer.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    a = p.add_argument
    a("--mode", choices=["train", "accuracy", "params", "losses", "score", "data", "schedule"], default="train")
    # network
    a("--arch", choices=sorted(ARCH_PRESETS), default="ours", help="architecture preset (default: ours)")
    a("--preset", choices=sorted(ARCHITECTURES), default="tiny", help="sizes of the `ours` paths (default: tiny)")
    a("--image-net", choices=["tiny", "lean"], help="image path: tiny = the preset's ResNet (default: from --arch)")
    a("--text", choices=["bottleneck", "conv3"], help="text path (default: from --arch)")
    a("--head", choices=["proj", "bn"], help="embedding heads (default: from --arch)")
    a("--classifier-bias", choices=["yes", "no"], help="classifier bias (default: from --arch)")
    a("--dim", type=int, default=256, help="embedding size D")
    a("--text-dim", type=int, default=128, help="word embedding size E")
    a("--text-width", type=int, default=256, help="channels of the conv3 text path")
    a("--drop", type=float, help="fraction dropped in the proj heads (default: 0.3 train, 0 accuracy)")
    a("--vocab", type=int, default=5000, help="vocabulary size V (train/params; accuracy: from the data)")
    a("--classes", type=int, default=1000, help="classes C (train/params; accuracy: from the data)")
    a("--lookup", choices=["embedding", "onehot", "unique"], default="embedding",
      help="word lookup: nn.Embedding (default), our one-hot x table emulation, our two-step lookup")
    a("--unique-capacity", type=int, default=0)
    a("--image", help="HxW (default: 128x64 train, 64x32 accuracy/data)")
    a("--length", type=int, default=32, help="token length L")
    # optimiser
    a("--optimizer", choices=["adamw", "adam"], default="adamw",
      help="AdamW (decoupled weight decay; = Adam at weight decay 0) or Adam (L2). Default: adamw")
    a("--lr", type=float, default=1e-3, help="(peak) learning rate. Default: 1e-3")
    a("--weight-decay", type=float, default=0.0, help="Default: 0")
    # speed peer
    a("--batch", type=int, default=64, help="train mode: batch size")
    a("--warmup", type=int, default=20, help="train mode: untimed steps after the first")
    a("--repeats", type=int, default=5, help="train mode: timed repeats")
    a("--embed-batch", type=int, default=128, help="train mode: inference batch")
    # accuracy twin
    a("--data", help="dataset directory (reid_raw.json, imgs/, optional oracle.json)")
    a("--min-count", type=int, default=3, help="vocabulary minimum count. Default: 3")
    a("--p", type=int, default=16, help="identities per batch. Default: 16")
    a("--k", type=int, default=4, help="pairs per identity. Default: 4")
    a("--flip", choices=["unless-lr", "always", "never"], default="unless-lr",
      help="horizontal flip (p = 1/2): unless the caption says left/right (default), always (ours), never")
    a("--pad-crop", type=int, default=0, help="pad-crop shift in pixels (0 = none). Default: 0")
    a("--loss", default="cmpm=1,cmpc=0.8,mam=0.2,psw=1",
      help="loss mix NAME=WEIGHT,... over cmpm, cmpc, mam, psw, sdm. Default: %(default)s")
    a("--mam-m", type=int, default=4, choices=sorted(CHEBYSHEV), help="MAM margin m. Default: 4")
    a("--sdm-tau", type=float, default=SDM_TAU, help="SDM temperature. Default: 0.02")
    a("--schedule", choices=["time", "steps"], default="time", help="budget in minutes or in steps. Default: time")
    a("--minutes", type=float, default=5.0, help="training-time budget (--schedule time). Default: 5")
    a("--steps", type=int, help="--schedule steps: the step budget; train mode: steps per timed repeat (2)")
    a("--warmup-fraction", type=float, default=0.03, help="warm-up share of the budget. Default: 0.03")
    a("--curve", default="", help="evaluate at these elapsed training minutes, e.g. 1,2,5")
    a("--curve-steps", default="", help="evaluate at these step counts, e.g. 200,400")
    a("--eval-split", choices=["test", "val"], default="test", help="split evaluated. Default: test")
    a("--val", action="store_true", help="same as --eval-split val (recipe selection)")
    a("--eval-batch", type=int, default=256)
    a("--select-every", type=int, default=0,
      help="keep the best model on val, checked every N epochs and at the end (0 = keep the last). Default: 0")
    a("--log-every", type=int, default=50, help="steps per progress line / loss-history point")
    # other modes
    a("--case", help="--mode losses: a loss-value case file")
    a("--input", help="--mode score: JSON {similarity, query_ids, gallery_ids}")
    a("--files", nargs="*", help="--mode data: image files to decode at --image")
    a("--at", help="--mode schedule: points (seconds, or steps with --schedule steps)")
    a("--threads", type=int, default=2, help="torch threads (also OMP/OPENBLAS/MKL_NUM_THREADS). Default: 2")
    a("--seed", type=int, default=42)
    return p


def resolve(p, cfg):
    """Mode-dependent defaults and checks; BadInput / p.error on a bad combination."""
    accuracy = cfg.mode == "accuracy"
    preset = ARCH_PRESETS[cfg.arch]
    for key in ("image_net", "text", "head"):
        if getattr(cfg, key) is None:
            setattr(cfg, key, preset[key])
    cfg.classifier_bias = preset["classifier_bias"] if cfg.classifier_bias is None else cfg.classifier_bias == "yes"
    cfg.arch_summary = f"{cfg.arch}: image {cfg.image_net}, text {cfg.text}, head {cfg.head}"
    if cfg.drop is None:
        cfg.drop = 0.0 if accuracy else 0.3
    if cfg.image is None:
        cfg.image = "128x64" if cfg.mode == "train" or cfg.mode == "params" else "64x32"
    cfg.height, cfg.width = parse_image(cfg.image)
    if cfg.val:
        cfg.eval_split = "val"
    if cfg.threads < 1:
        p.error("--threads must be >= 1")
    for name in ("length", "dim", "text_dim", "text_width", "batch", "eval_batch", "log_every", "min_count"):
        if getattr(cfg, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(cfg, name)}")
    if not 0 <= cfg.drop < 1:
        p.error(f"--drop must be in [0, 1), got {cfg.drop}")
    if not 0 <= cfg.warmup_fraction < 1:
        p.error(f"--warmup-fraction must be in [0, 1), got {cfg.warmup_fraction}")
    if cfg.pad_crop < 0:
        p.error(f"--pad-crop must be >= 0, got {cfg.pad_crop}")
    if cfg.select_every < 0:
        p.error(f"--select-every must be >= 0, got {cfg.select_every}")
    if cfg.lr <= 0:
        p.error(f"--lr must be > 0, got {cfg.lr}")
    if cfg.mode == "train":
        cfg.steps = 2 if cfg.steps is None else cfg.steps
        if cfg.steps < 1 or cfg.repeats < 1:
            p.error("--steps and --repeats must be >= 1")
    if cfg.mode in ("accuracy", "schedule"):
        if cfg.schedule == "steps":
            if cfg.steps is None or cfg.steps < 1:
                p.error("--schedule steps needs --steps N (N >= 1)")
        else:
            if cfg.steps is not None:
                p.error("--steps sets a step budget: use it with --schedule steps")
            if not cfg.minutes > 0:
                p.error(f"--minutes must be > 0, got {cfg.minutes}")
    if accuracy:
        if not cfg.data:
            p.error("--mode accuracy needs --data DIR")
        if cfg.lookup != "embedding":
            p.error("--mode accuracy uses --lookup embedding")
        cfg.loss_mix = parse_loss_mix(cfg.loss)
        cfg.curve = parse_numbers(cfg.curve, "--curve")
        cfg.curve_steps = parse_numbers(cfg.curve_steps, "--curve-steps", int)
        if cfg.schedule == "time" and any(m > cfg.minutes for m in cfg.curve):
            p.error(f"--curve: every point must be <= --minutes {cfg.minutes:g}, got {cfg.curve}")
        if cfg.schedule == "steps" and any(s > cfg.steps for s in cfg.curve_steps):
            p.error(f"--curve-steps: every point must be <= --steps {cfg.steps}, got {cfg.curve_steps}")
    if cfg.mode == "losses" and not cfg.case:
        p.error("--mode losses needs --case FILE")
    if cfg.mode == "score" and not cfg.input:
        p.error("--mode score needs --input FILE")
    if cfg.mode == "data" and not (cfg.data or cfg.files):
        p.error("--mode data needs --data DIR and/or --files FILE...")
    return cfg


def main(argv):
    p = build_parser()
    cfg = p.parse_args(argv)
    try:
        cfg = resolve(p, cfg)
        torch.set_num_threads(cfg.threads)
        if cfg.mode == "params":
            out = {"framework": "pytorch", "arch": cfg.arch_summary, "parameters": parameter_count(DualPath(cfg))}
        elif cfg.mode == "losses":
            out = losses_mode(cfg.case)
        elif cfg.mode == "score":
            out = score_mode(cfg.input)
        elif cfg.mode == "data":
            out = data_mode(cfg)
        elif cfg.mode == "schedule":
            out = schedule_mode(cfg)
        elif cfg.mode == "accuracy":
            out = accuracy_mode(cfg)
        else:
            out = train_mode(cfg)
    except BadInput as e:
        print(f"{p.prog}: error: {e}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
