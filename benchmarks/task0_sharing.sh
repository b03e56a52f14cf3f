#!/bin/sh
# What training task 0 once per seed saves (issue 21): the same verification sweep on a
# B50-shaped protocol, once with task 0 shared (one task-0 training per seed, every MEMO and DER
# run continuing from it) and once with every run training its own task 0
# (--no-task0-sharing), back to back. Prints both wall-clock times, their ratio (goal <= 0.65),
# whether the two verify.h5 hold the same accuracies (they should, bit for bit: same thread
# count and convolution setting), and the lowest ratio sharing could reach given task 0's share
# of a run.
#
# Two protocols, both Fashion-MNIST with ResNet-14, task 0 half the classes, then one task of 5:
#   b50 (default)  2,000 training images per class, budgets DER:200 and DER:600: the exemplar
#                  memory (200-1,475 images) is 2-15% of task 0's 10,000 images, as in
#                  CIFAR-100 B50 (2,000 exemplars, 8% of 25,000).
#   small-data     500 per class, budgets 3,000,000 bytes and DER:200: the memory (200-2,951
#                  images) holds up to all 2,500 of task 0's images, so task 1 is nearly joint
#                  training and dominates every run (the first measurement, kept for comparison).
#
# Run on an otherwise idle machine, from the repository root, after
#   swift build -c release --product strata
# Usage: benchmarks/task0_sharing.sh [OUT_DIR] [JOBS] [PROTOCOL]
#        (defaults runs/task0-sharing, 2, b50)
set -eu
out=${1:-runs/task0-sharing}
jobs=${2:-2}
protocol=${3:-b50}
strata=${STRATA:-.build/release/strata}
case "$protocol" in
  b50) spec=analyses/b50-resnet14-fashion-mnist-2000.json; budgets=DER:200,DER:600 ;;
  small-data) spec=analyses/b50-resnet14-fashion-mnist.json; budgets=3000000,DER:200 ;;
  *) echo "unknown protocol '$protocol' (b50 or small-data)" >&2; exit 2 ;;
esac
grid="--splits stem,stage2.block1,stage3.block1,none --budget $budgets --seeds 1,2,3"

if [ -e "$out" ]; then
  echo "$out exists; remove it or name another folder" >&2
  exit 1
fi
mkdir -p "$out"
"$strata" verify "$spec" $grid --output-dir "$out/shared" --dry-run > "$out/dry-run.txt"

seconds() { date +%s.%N; }
t0=$(seconds)
"$strata" verify "$spec" $grid --jobs "$jobs" --quiet --output-dir "$out/shared" > "$out/shared.txt"
t1=$(seconds)
"$strata" verify "$spec" $grid --jobs "$jobs" --quiet --no-task0-sharing \
  --output-dir "$out/independent" > "$out/independent.txt"
t2=$(seconds)

/usr/bin/python3 - "$t0" "$t1" "$t2" "$out" <<'PY'
import sys
import h5py
import numpy as np
t0, t1, t2 = map(float, sys.argv[1:4])
out = sys.argv[4]
shared, independent = t1 - t0, t2 - t1
with h5py.File(f"{out}/shared/verify.h5") as a, h5py.File(f"{out}/independent/verify.h5") as b:
    same = all(np.array_equal(a[n][()], b[n][()], equal_nan=True)
               for n in ["accuracy_cnn", "accuracy_nme", "exemplars", "total_bytes"])
    trainings = (int(a.attrs["task0_trainings"]), int(b.attrs["task0_trainings"]))
print(f"shared task 0:      {shared:8.1f} s  ({trainings[0]} task-0 trainings)")
print(f"independent runs:   {independent:8.1f} s  ({trainings[1]} task-0 trainings)")
print(f"ratio shared / independent: {shared / independent:.3f}  (goal <= 0.65)")
print("accuracies identical bit for bit:", "yes" if same else "NO")

# The most sharing can save: task 0's share f of an independent run, from the runs' own wall
# times (status files); with k runs per seed the ratio cannot go below 1 - f (1 - 1/k).
import glob, json
def run_seconds(folder):
    return [json.load(open(p))["seconds"] for p in glob.glob(f"{out}/{folder}/runs/*.status.json")]
mine, theirs = run_seconds("shared"), run_seconds("independent")
saved = (sum(theirs) - sum(mine)) / (trainings[1] - trainings[0])
f = saved / (sum(theirs) / len(theirs))
k = trainings[1] / trainings[0]
print(f"task 0 per run {saved:.1f} s of {sum(theirs) / len(theirs):.1f} s: f = {f:.2f}; "
      f"bound with {k:.0f} runs per seed: 1 - f (1 - 1/k) = {1 - f * (1 - 1 / k):.3f}")
PY
