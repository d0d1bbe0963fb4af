#!/usr/bin/python3
"""Writes a torchvision ResNet-18 / ResNet-50 as an ONNX file that `tbps import-backbone` reads.

Run it on a machine with PyTorch and torchvision (Debian: `apt-get install python3-torch
python3-torchvision`), always as /usr/bin/python3:

  /usr/bin/python3 bench/export_backbone.py --arch resnet50 --out resnet50.onnx
  tbps import-backbone --onnx resnet50.onnx --preset resnet50 --out resnet50-backbone.zip

`--weights imagenet` (the default) takes torchvision's ImageNet weights (IMAGENET1K_V1: the weights
the papers of this project start from; torchvision fetches them into its cache on first use, from
the user's own machine). `--weights random` builds the network with random weights and random,
non-trivial batch-norm statistics (the exactness tests of TBPS4J use it; no download).

The export keeps every batch-norm as a BatchNormalization node with its scale, shift, running mean
and running variance as named initialisers (torch's "training" export mode; in its default eval
mode torch folds batch-norm into the convolutions, and the statistics can no longer be recovered).
Tracing runs one forward pass; the batch-norm momentum is set to 0 for it so that the running
statistics are not changed (checked after the export).

Options for tests:
  --anonymise           rename every initialiser to t0, t1, ... (needs python3-onnx): the importer
                        then maps by graph position and shape instead of by name.
  --check-out PREFIX    also write PREFIX.images.f32 (random images [N,3,H,W]) and
                        PREFIX.features.f32 (the pooled backbone features [N,C] in inference mode,
                        the classifier's input), float32 little-endian; a JSON line on stdout gives
                        the shapes.
"""
import argparse
import json
import sys

import torch
import torchvision


def build(arch, weights, seed):
    ctor = getattr(torchvision.models, arch)
    if weights == "imagenet":
        w = {"resnet18": torchvision.models.ResNet18_Weights.IMAGENET1K_V1,
             "resnet50": torchvision.models.ResNet50_Weights.IMAGENET1K_V1}[arch]
        return ctor(weights=w)
    torch.manual_seed(seed)
    model = ctor(weights=None)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(0.5 + torch.rand(c, generator=g))
                m.bias.copy_(0.2 * torch.randn(c, generator=g))
                m.running_mean.copy_(0.2 * torch.randn(c, generator=g))
                m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=g))
    return model


def export(model, path, height, width):
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    before = {k: v.clone() for k, v in model.state_dict().items()}
    saved = [m.momentum for m in bns]
    for m in bns:
        m.momentum = 0.0
    dummy = torch.zeros(1, 3, height, width)
    torch.onnx.export(model, dummy, path, training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False, opset_version=13, input_names=["images"],
                      output_names=["logits"])
    for m, mo in zip(bns, saved):
        m.momentum = mo
    after = model.state_dict()
    for k, v in before.items():
        if v.dtype.is_floating_point and not torch.equal(v, after[k]):
            sys.exit("export changed " + k)
    model.eval()


def anonymise(path):
    import onnx
    m = onnx.load(path)
    names = {}
    for i, t in enumerate(m.graph.initializer):
        names[t.name] = "t%d" % i
        t.name = names[t.name]
    for n in m.graph.node:
        for i, x in enumerate(n.input):
            if x in names:
                n.input[i] = names[x]
    for v in m.graph.input:
        if v.name in names:
            v.name = names[v.name]
    onnx.save(m, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", choices=["resnet18", "resnet50"], required=True)
    ap.add_argument("--out", required=True, help="the ONNX file to write")
    ap.add_argument("--weights", choices=["imagenet", "random"], default="imagenet")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--height", type=int, default=224, help="input height of the traced pass")
    ap.add_argument("--width", type=int, default=224)
    ap.add_argument("--anonymise", action="store_true")
    ap.add_argument("--check-out")
    ap.add_argument("--check-images", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = build(a.arch, a.weights, a.seed)
    export(model, a.out, a.height, a.width)
    if a.anonymise:
        anonymise(a.out)
    info = {"out": a.out, "arch": a.arch, "weights": a.weights}
    if a.check_out:
        g = torch.Generator().manual_seed(a.seed + 2)
        images = torch.randn(a.check_images, 3, a.height, a.width, generator=g)
        model.eval()
        model.fc = torch.nn.Identity()
        with torch.no_grad():
            feats = model(images)
        images.numpy().astype("<f4").tofile(a.check_out + ".images.f32")
        feats.numpy().astype("<f4").tofile(a.check_out + ".features.f32")
        info["images"] = list(images.shape)
        info["features"] = list(feats.shape)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
