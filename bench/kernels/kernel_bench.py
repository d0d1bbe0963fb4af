"""PyTorch's counterpart of KernelBench.java (issue 17): the backward of the seven distinct 3x3
convolutions of the tiny preset's image path at batch 64 (time of forward + backward minus forward,
as a training step runs it: the first layer's input needs no gradient) and BatchNorm2d forward +
backward at each convolution's output, 2 threads, float32.

    /usr/bin/python3 bench/kernels/kernel_bench.py 20 64 32
"""
import sys, time, torch
torch.set_num_threads(2)
if len(sys.argv) != 4:
    sys.exit("usage: kernel_bench.py REPS H W")
reps, H, W = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
layers = [(3, 32, H, W, 2), (32, 64, H // 4, W // 4, 2), (64, 64, H // 8, W // 8, 1), (64, 128, H // 8, W // 8, 2),
          (128, 128, H // 16, W // 16, 1), (128, 256, H // 16, W // 16, 2), (256, 256, H // 32, W // 32, 1)]
tot = 0; totbn = 0
for ci, co, h, w, s in layers:
    conv = torch.nn.Conv2d(ci, co, 3, s, 1, bias=False)
    x = torch.randn(64, ci, h, w, requires_grad=(ci != 3))
    y = conv(x); g = torch.randn_like(y)
    def bp():
        conv.weight.grad = None; x.grad = None
        torch.autograd.backward(conv(x), g)
    def fwd():
        with torch.no_grad(): conv(x)
    for _ in range(5): bp()
    t0 = time.perf_counter()
    for _ in range(reps): bp()
    tb = (time.perf_counter() - t0) / reps
    t0 = time.perf_counter()
    for _ in range(reps): fwd()
    tf = (time.perf_counter() - t0) / reps
    bn = torch.nn.BatchNorm2d(co); z = torch.randn(64, co, (h + s - 1) // s, (w + s - 1) // s, requires_grad=True); gz = torch.randn_like(z)
    for _ in range(5): torch.autograd.backward(bn(z), gz)
    t0 = time.perf_counter()
    for _ in range(reps): torch.autograd.backward(bn(z), gz)
    tbn = (time.perf_counter() - t0) / reps
    tot += (tb - tf) * 1e3; totbn += tbn * 1e3
    print(f"{ci:3d}->{co:3d} {h:3d}x{w:<3d} s{s}: backward only (fwd+bwd - fwd) {(tb - tf) * 1e3:.2f} ms; BN fwd+bwd {tbn * 1e3:.2f} ms ({tbn * 1e9 / z.numel():.2f} ns/el)")
print(f"total conv backward {tot:.1f} ms, BN fwd+bwd {totbn:.1f} ms")
