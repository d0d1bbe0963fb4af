#!/usr/bin/python3
"""How readable are the synthetic attributes at a given image size? A supervised upper bound.

Trains the `tiny` preset's image path (the layout of bench/torch_peer.py, i.e. of tbps-model) with
one linear classifier per attribute on the generator's own labels (attributes.json), then reports
each attribute's accuracy on the val split next to the majority baseline. This is not a method
(retrieval never sees these labels); it measures what a caption-mentioned attribute costs to read
in the pictures: the oracle of `tbps synth` assumes every mentioned attribute is read perfectly,
so an attribute this classifier cannot read caps the R@1 any model of this size reaches.

Run it with Debian's torch, as /usr/bin/python3, on a dataset from `tbps synth` (either world: it
reads the studio's JPEGs and the street's PNGs alike, and only attributes.json, never the captions):

    ./tbps synth --out /tmp/synth-8k --ids 8000 --size 64x32 [--world street]
    OPENBLAS_NUM_THREADS=1 bench/attribute_ceiling.py --data /tmp/synth-8k --steps 3000

Training: batch 64 drawn uniformly from the train split's images, random horizontal flip and a
2-pixel pad-and-crop (as the quickstart), Adam (lr 3e-3, weight decay 1e-4) with a cosine
schedule, cross-entropy summed over the attributes (an attribute that does not apply, such as the
colour of a bag nobody carries, is left out). The val accuracy is printed at each quarter of the
run, then the errors of the last evaluation by view and bag type, and (street world) by the object
in front of the person, since those are what hide parts of a person.

Last, the **reader oracle**: `tbps synth`'s oracle (score of a caption against a gallery image =
the number of mentioned attributes whose value the image's person has; expected R@1 under random
tie order, mean over captions of relevant/tied among the top-scored images) computed on the test
split twice, with the true attributes (it must equal oracle.json's `expected_R@1_exact`, which
checks this implementation) and with the attributes this classifier reads from each test image.
Their ratio is what a model that reads the pictures as well as this classifier could reach as a
fraction of the oracle, if its text side were perfect.
"""
import argparse
import collections
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_peer import ARCHITECTURES, image_layers  # noqa: E402


class ImagePath(nn.Module):
    """The preset's image path (stem, ResNet stages, pooling) + one linear head per attribute.

    Pooling `gap` is the preset's global average pool; `rows` removes the last stage's stride and
    concatenates one average per row of its map (a part-based pooling that keeps where a colour is).
    """

    def __init__(self, preset, classes_per_head, pooling, height, width):
        super().__init__()
        self.stem, self.stem_bn, self.pool, self.blocks, channels = image_layers(preset)
        self.pooling = pooling
        if pooling == "rows":
            last = self.blocks[-1]
            last.conv1.stride = (1, 1)
            if last.short is not None:
                last.short[0].stride = (1, 1)
        with torch.no_grad():
            features = self.features(torch.zeros(2, 3, height, width)).shape[1]
        self.heads = nn.ModuleList([nn.Linear(features, n) for n in classes_per_head])

    def features(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        if self.pool:
            x = F.max_pool2d(x, 3, 2, padding=1)
        m = self.blocks(x)
        return m.mean(dim=(2, 3)) if self.pooling == "gap" else m.mean(dim=3).flatten(1)

    def forward(self, x):
        f = self.features(x)
        return [h(f) for h in self.heads]


def load(root, split, table, names, options):
    """Images of one split as a [N,3,H,W] tensor in [-2, 2], labels [N, attributes] (-100 = n/a)."""
    people = {p["id"]: p for p in table["identities"]}
    images, labels, meta = [], [], []
    for im in table["images"]:
        p = people[im["id"]]
        if p["split"] != split:
            continue
        pixels = Image.open(os.path.join(root, "imgs", im["file_path"])).convert("RGB")
        images.append(np.asarray(pixels, dtype=np.float32) / 255.0)
        labels.append([options[n].index(p[n]) if n in p else -100 for n in names])
        meta.append((im["view"], p["bag"], im["id"], im["mentions"], im.get("occluder", "none"),
                     im.get("hidden", [])))
    x = (torch.tensor(np.stack(images)).permute(0, 3, 1, 2) - 0.5) / 0.25
    return x, torch.tensor(labels), meta


def expected_r1(gallery_values, gallery_ids, meta, names, options):
    """Expected R@1 under random tie order of the oracle's scorer; gallery_values [N, attributes]."""
    total, queries = 0.0, 0
    ids = np.asarray(gallery_ids)
    for _, _, pid, mentions, _, _ in meta:
        for m in mentions:
            cols = [names.index(a) for a in m]
            want = np.asarray([options[a].index(v) for a, v in m.items()])
            score = (gallery_values[:, cols] == want).sum(1)
            top = score == score.max()
            total += (top & (ids == pid)).sum() / top.sum()
            queries += 1
    return 100.0 * total / queries


def augment(x, gen):
    flip = torch.rand(x.shape[0], generator=gen) < 0.5
    x = x.clone()
    x[flip] = x[flip].flip(3)
    padded = F.pad(x, (2, 2, 2, 2))
    out = torch.empty_like(x)
    offsets = torch.randint(0, 5, (x.shape[0], 2), generator=gen)
    for i in range(x.shape[0]):
        dy, dx = offsets[i].tolist()
        out[i] = padded[i, :, dy : dy + x.shape[2], dx : dx + x.shape[3]]
    return out


def accuracies(model, x, y, names):
    model.eval()
    with torch.no_grad():
        outs = [torch.cat(parts) for parts in zip(*(model(b) for b in x.split(256)))]
    model.train()
    acc = {}
    for j, (n, o) in enumerate(zip(names, outs)):
        known = y[:, j] >= 0  # None: no image of the split has the attribute (a tiny split)
        acc[n] = (o.argmax(1) == y[:, j])[known].float().mean().item() if known.any() else None
    return acc, outs


def fmt(v):
    return "n/a" if v is None else f"{v:.3f}"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="a dataset written by `tbps synth`")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--preset", choices=sorted(ARCHITECTURES), default="tiny")
    p.add_argument("--pool", choices=["gap", "rows"], default="gap",
                   help="gap: the preset's global average pool; rows: last stage unstrided, one "
                        "average per row of its map, concatenated")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    a = p.parse_args(argv)
    path = os.path.join(a.data, "attributes.json")
    if not os.path.isfile(path):
        p.error(f"{path}: not found; --data must be a directory written by `tbps synth`")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    table = json.load(open(path))
    names = list(table["attributes"])
    options = {n: list(table["attributes"][n]) for n in names}
    xtr, ytr, _ = load(a.data, "train", table, names, options)
    xva, yva, meta = load(a.data, "val", table, names, options)
    print(f"train {tuple(xtr.shape)}, val {tuple(xva.shape)}", file=sys.stderr, flush=True)

    model = ImagePath(a.preset, [len(options[n]) for n in names], a.pool, xtr.shape[2], xtr.shape[3])
    opt = torch.optim.Adam(model.parameters(), a.lr, weight_decay=1e-4)
    start, curve = time.time(), []
    for it in range(a.steps):
        for g in opt.param_groups:
            g["lr"] = a.lr * 0.5 * (1 + np.cos(np.pi * it / a.steps))
        idx = torch.randint(0, xtr.shape[0], (a.batch,), generator=gen)
        outs = model(augment(xtr[idx], gen))
        y = ytr[idx]
        loss = sum(F.cross_entropy(o, y[:, j], ignore_index=-100) for j, o in enumerate(outs))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (it + 1) % max(1, a.steps // 4) == 0 or it + 1 == a.steps:
            acc, outs_val = accuracies(model, xva, yva, names)
            curve.append({"step": it + 1, "seconds": round(time.time() - start, 1), "accuracy": acc})
            line = " ".join(f"{n} {fmt(v)}" for n, v in acc.items())
            print(f"step {it + 1} ({time.time() - start:.0f} s): {line}", file=sys.stderr, flush=True)

    baseline = {}
    for j, n in enumerate(names):
        known = yva[:, j][yva[:, j] >= 0]
        baseline[n] = torch.bincount(known).max().item() / known.numel() if known.numel() else None
    errors, by_occluder = {}, {}
    for j, n in enumerate(names):
        pred = outs_val[j].argmax(1)
        wrong, total = collections.Counter(), collections.Counter()
        wrong_o, total_o = collections.Counter(), collections.Counter()
        for i, (view, bag, _, _, occluder, _) in enumerate(meta):
            if yva[i, j] < 0:
                continue
            total[(view, bag)] += 1
            wrong[(view, bag)] += int(pred[i] != yva[i, j])
            total_o[occluder] += 1
            wrong_o[occluder] += int(pred[i] != yva[i, j])
        errors[n] = {f"{v}/{b}": round(wrong[(v, b)] / total[(v, b)], 3) for v, b in sorted(total)}
        by_occluder[n] = {o: round(wrong_o[o] / total_o[o], 3) for o in sorted(total_o)}
    final = curve[-1]["accuracy"]
    xte, yte, meta_te = load(a.data, "test", table, names, options)
    _, outs_te = accuracies(model, xte, yte, names)
    read = torch.stack([o.argmax(1) for o in outs_te], 1).numpy()
    true = yte.numpy()
    known = true >= 0
    read[~known] = -1  # an attribute that does not apply is never matched (nor mentioned)
    true = np.where(known, true, -1)
    gallery_ids = [pid for _, _, pid, _, _, _ in meta_te]
    oracle = expected_r1(true, gallery_ids, meta_te, names, options)
    # the same with each gallery picture never matching what it hides (attributes.json "hidden")
    seen = true.copy()
    for i, (_, _, _, _, _, hidden) in enumerate(meta_te):
        for a_name in hidden:
            seen[i, names.index(a_name)] = -1
    oracle_seen = expected_r1(seen, gallery_ids, meta_te, names, options)
    reader = expected_r1(read, gallery_ids, meta_te, names, options)
    if a.json:
        print(json.dumps({"data": a.data, "size": table.get("size"), "steps": a.steps, "pool": a.pool,
                          "curve": curve,
                          "baseline": baseline, "error_rate_by_view_and_bag": errors,
                          "error_rate_by_occluder": by_occluder,
                          "oracle_expected_R@1": oracle, "oracle_hidden_unmatched_expected_R@1": oracle_seen,
                          "reader_oracle_expected_R@1": reader}))
        return
    print(f"{a.data} ({table.get('size')}), {a.steps} steps, pooling {a.pool}, val accuracy:")
    print(f"{'attribute':<14}{'accuracy':>10}{'baseline':>10}")
    for n in names:
        print(f"{n:<14}{fmt(final[n]):>10}{fmt(baseline[n]):>10}")
    groups = list(next(iter(errors.values())))
    print("\nerror rate by view/bag:")
    print(f"{'attribute':<14}" + "".join(f"{g:>20}" for g in groups))
    for n in names:
        print(f"{n:<14}" + "".join(f"{errors[n].get(g, float('nan')):>20.3f}" for g in groups))
    occluders = list(next(iter(by_occluder.values())))
    if occluders != ["none"]:
        print("\nerror rate by the object in front of the person (street world):")
        print(f"{'attribute':<14}" + "".join(f"{o:>10}" for o in occluders))
        for n in names:
            print(f"{n:<14}" + "".join(f"{by_occluder[n].get(o, float('nan')):>10.3f}" for o in occluders))
    print(f"\ntest split, expected R@1 of the oracle's scorer: true attributes {oracle:.2f}, "
          f"attributes read by this classifier {reader:.2f} ({100 * reader / oracle:.1f} % of the oracle); "
          f"true attributes with what each gallery picture hides never matching {oracle_seen:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
