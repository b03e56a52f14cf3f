"""PyTorch reference for `strata bench engine`: ResNet-32 (option A, 100 classes) training and
eval throughput at batch 128 on 32x32x3, with its fastest CPU settings (channels-last, the
thread count given). Prints one JSON line. Run with Debian's /usr/bin/python3.
"""
import argparse, json, os, resource, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
import torch.nn.functional as F
from torch_resnet_cifar import CifarResNet

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--batch", type=int, default=128)
parser.add_argument("--steps", type=int, default=20)
parser.add_argument("--warmup", type=int, default=5)
parser.add_argument("--channels-last", type=int, default=1)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(0)
model = CifarResNet(32, 100)
fmt = torch.channels_last if args.channels_last else torch.contiguous_format
model = model.to(memory_format=fmt)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
x = torch.randn(args.batch, 3, 32, 32).to(memory_format=fmt)
y = torch.randint(0, 100, (args.batch,))

model.train()
times = []
for step in range(args.warmup + args.steps):
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    if step >= args.warmup:
        times.append(time.perf_counter() - t0)
train = args.batch / statistics.median(times)

model.eval()
eval_times = []
with torch.no_grad():
    for step in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        model(x)
        if step >= args.warmup:
            eval_times.append(time.perf_counter() - t0)
evaluate = args.batch / statistics.median(eval_times)
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"train_images_per_s": train, "eval_images_per_s": evaluate,
                  "peak_rss_mib": peak_kib / 1024, "torch": torch.__version__,
                  "threads": args.threads, "channels_last": bool(args.channels_last)}))
