#!/bin/sh
# The split study (issue 23): for each architecture, probes over three seeds -> the split
# decision -> candidates retrained at three equal budgets over the same three paired seeds ->
# the report; then the small files are copied next to this script.
#
# Every stage resumes: a finished probe seed, split or verification run is kept, so after a kill
# run the same command again. From the repository root, after
#   swift build -c release --product strata
# Usage: analyses/split-study/run.sh [WORK_DIR [ARCH…]]   (default runs/split-study, both)
#   STRATA=path/to/strata  JOBS=2 (verification runs at a time)
# Every run uses one thread (the probes set OMP_NUM_THREADS=1; verify gives each of its JOBS runs
# cores / JOBS = 1 on two cores), as the committed files were made: same thread count, same CPU
# kind and convolution setting (both in provenance) reproduce them bit for bit.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
strata=${STRATA:-$root/.build/release/strata}
work=${1:-$root/runs/split-study}
[ $# -gt 0 ] && shift
only="${*:-resnet20 convnet6}"
jobs=${JOBS:-2}
seeds=1993,1994,1995

# study NAME SPEC FAR_SPLIT BUDGETS
# FAR_SPLIT is a candidate far from any recommendation (a shallow split, next to DER).
# BUDGETS reach from below DER's footprint (five backbones) to DER:600; why these, in README.md.
study() {
  name=$1 spec=$2 far=$3 budgets=$4
  dir=$work/$name
  mkdir -p "$dir"
  echo "== $name: probes (seeds $seeds)"
  if [ ! -f "$dir/probes.h5" ]; then
    OMP_NUM_THREADS=1 "$strata" probe "$spec" --seeds "$seeds" --rewind --output "$dir/probes.h5" \
      --quiet
  fi
  echo "== $name: split"
  if [ ! -f "$dir/split.json" ]; then
    "$strata" split "$dir/probes.h5" --output-dir "$dir" | tee "$dir/split.txt"
  fi
  echo "== $name: verification"
  "$strata" verify "$spec" --split-file "$dir/split.json" --splits "auto,$far" \
    --budget "$budgets" --seeds "$seeds" --jobs "$jobs" --output-dir "$dir" --resume --quiet
  echo "== $name: report"
  "$strata" report "$dir"
  # The committed copy: everything but the per-run records, checkpoints and task-0 forks
  # (verify.h5 holds every run's accuracies and ledger).
  mkdir -p "$here/$name"
  cp "$dir/probes.h5" "$dir/split.json" "$dir/split.h5" "$dir/verify.h5" \
     "$dir/report.html" "$dir/report.md" "$here/$name/"
  [ -f "$dir/split.txt" ] && cp "$dir/split.txt" "$here/$name/"
  rm -rf "$here/$name/charts" "$here/$name/tables"
  cp -r "$dir/charts" "$dir/tables" "$here/$name/"
  # Figure-2-style panels and the verification figures as PNG (Debian's matplotlib).
  mkdir -p "$here/$name/figures"
  /usr/bin/python3 "$root/notebooks-export/plot_probes.py" "$dir/probes.h5" --out "$here/$name/figures"
  /usr/bin/python3 "$root/notebooks-export/plot_verify.py" "$dir/verify.h5" --out "$here/$name/figures"
}

timed() {
  case " $only " in *" $2 "*) ;; *) return 0 ;; esac
  start=$(date +%s)
  "$@"
  echo "== $2: $(( $(date +%s) - start )) s wall"
}

timed study resnet20 "$here/resnet20.json" stage1.block2 5000000,DER:200,DER:600
timed study convnet6 "$here/convnet6.json" stage5.block1 1420000,DER:200,DER:600
times  # user and system CPU time of this shell's children: the compute cost
