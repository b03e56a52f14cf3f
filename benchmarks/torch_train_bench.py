"""PyTorch reference for `strata bench engine`: ResNet-32 (option A, 100 classes) training and
eval throughput at batch 128 on 32x32x3, with its fastest CPU settings (channels-last, the
thread count given). Prints one JSON line. Run with Debian's /usr/bin/python3.

With --branches T and --split BLOCK the network is MEMO's (`ExpandableResNet`): a shared trunk,
T copies of the blocks from BLOCK on, all but the newest frozen and in eval mode, and the loss
cross-entropy plus the auxiliary head's cross-entropy, as Strata's MEMO learner trains it.

With --serve it instead waits for commands on stdin, one per line, and answers each with one
line: "train" runs one training step and "eval" one eval forward (each answers its seconds),
"rss" answers the peak resident MiB, "quit" ends. `strata bench engine` drives it this way so
that Strata's and PyTorch's steps alternate on the same moments of a shared machine.
"""
import argparse, json, os, resource, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
import torch.nn.functional as F
from torch_resnet_cifar import ExpandableResNet

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--batch", type=int, default=128)
parser.add_argument("--steps", type=int, default=20)
parser.add_argument("--warmup", type=int, default=5)
parser.add_argument("--channels-last", type=int, default=1)
parser.add_argument("--depth", type=int, default=32)
parser.add_argument("--branches", type=int, default=1)
parser.add_argument("--split", default="none")
parser.add_argument("--serve", action="store_true")
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(0)
model = ExpandableResNet(args.depth, 100, args.branches, args.split)
fmt = torch.channels_last if args.channels_last else torch.contiguous_format
model = model.to(memory_format=fmt)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
x = torch.randn(args.batch, 3, 32, 32).to(memory_format=fmt)
y = torch.arange(args.batch) % 100
# The auxiliary head's labels: the newest task's classes 1..k, every older class 0.
known = 100 - model.new_classes
y_aux = torch.where(y >= known, y - known + 1, torch.zeros_like(y))

def train_step():
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    logits, aux = model(x)
    loss = F.cross_entropy(logits, y)
    if aux is not None:
        loss = loss + F.cross_entropy(aux, y_aux)
    loss.backward()
    opt.step()
    return time.perf_counter() - t0


def eval_step():
    t0 = time.perf_counter()
    with torch.no_grad():
        model(x)
    return time.perf_counter() - t0


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if args.serve:
    for command in sys.stdin:
        command = command.strip()
        if command == "train":
            model.train()
            print(train_step(), flush=True)
        elif command == "eval":
            model.eval()
            print(eval_step(), flush=True)
        elif command == "rss":
            print(peak_mib(), flush=True)
        elif command == "quit":
            break
        else:
            print(f"error: unknown command {command!r}", flush=True)
            sys.exit(2)
    sys.exit(0)

model.train()
times = [train_step() for _ in range(args.warmup + args.steps)][args.warmup:]
train = args.batch / statistics.median(times)

model.eval()
eval_times = [eval_step() for _ in range(args.warmup + args.steps)][args.warmup:]
evaluate = args.batch / statistics.median(eval_times)
print(json.dumps({"train_images_per_s": train, "eval_images_per_s": evaluate,
                  "peak_rss_mib": peak_mib(), "torch": torch.__version__,
                  "threads": args.threads, "channels_last": bool(args.channels_last),
                  "branches": args.branches, "split": args.split}))
