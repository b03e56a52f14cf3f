#!/usr/bin/env bash
# Trains every learner on Fashion-MNIST (5 tasks of 2 classes, the first 1,500 training images
# of each class, ResNet-14 at 28×28×1, 4 epochs per task, 2,000 exemplars) and writes the table in README.md here.
# Usage (from the repository root): analyses/learners-fashion-mnist/run.sh [strata binary]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
strata=${1:-.build-release/release/strata}
out=${OUT:-runs/learners-fashion-mnist}
mkdir -p "$out"
for method in finetune replay icarl der memo joint; do
  if [[ -f "$out/$method.h5" ]]; then echo "$method: $out/$method.h5 exists, kept"; continue; fi
  echo "== $method"
  "$strata" train "$here/$method.json" --output "$out/$method.h5" --quiet
done
/usr/bin/python3 "$here/table.py" "$out"/{finetune,replay,icarl,der,memo,joint}.h5
