"""Per-layer, per-pass convolution times, direct against Winograd, from oneDNN's verbose log.

    ONEDNN_VERBOSE=1 OMP_NUM_THREADS=2 strata bench engine --compare-convolutions 2>/dev/null \
        | python3 benchmarks/convolution_passes.py

`--compare-convolutions` runs the three STRATA_CONVOLUTION settings in alternating steps of one
process, so both algorithms' calls of each layer and pass share the machine's moments. This
groups every executed convolution by pass (forward training, forward inference, backward data,
backward weights), shape and algorithm (Winograd when oneDNN's kernel name says so), and prints
the median milliseconds per call and the Winograd/direct ratio. It is how the `auto` setting's
thresholds were chosen (README, Performance). Last it prints the `WinogradThresholds` row the
run supports (Sources/Tensor/Ops/WinogradThresholds.swift): per pass, the fewest channels from
which Winograd was faster in every measured 3x3 stride-1 layer. Standard library only: any
Python 3.
"""
import collections
import re
import statistics
import sys

# oneDNN's pass names -> the fields of a WinogradThresholds row.
ROW_FIELDS = {"forward_training": "forward", "backward_data": "backwardData",
              "backward_weights": "backwardWeights", "forward_inference": "foldedInference"}


def suggested_row(ratios):
    """{field: threshold} from {(pass, channels): winograd/direct ratio} of 3x3 stride-1 layers:
    the smallest channel count c such that every layer with at least c channels (the smaller of
    in and out) ran faster with Winograd; one more than the widest layer when none did."""
    row = {}
    for pass_, field in ROW_FIELDS.items():
        measured = sorted((c, r) for (p, c), r in ratios.items() if p == pass_)
        if not measured:
            continue
        threshold = measured[-1][0] + 1
        for c, r in reversed(measured):
            if r >= 1:
                break
            threshold = c
        row[field] = threshold
    return row


def main(lines):
    times = collections.defaultdict(list)
    for line in lines:
        fields = line.strip().split(",")
        # onednn_verbose,exec,cpu,convolution,<kernel>,<pass>,<formats>,<attrs>,<alg>,<shape>,<ms>
        if len(fields) < 11 or fields[1] != "exec" or fields[3] != "convolution":
            continue
        kernel, pass_, shape = fields[4], fields[5], fields[-2]
        algorithm = "winograd" if "wino" in kernel else "direct"
        # mb128_ic16oc16_ih32oh32kh3sh1... -> ic16oc16 ih32 k3 s1
        parts = shape.split("_")
        layer = parts[1] + " " + parts[2].split("oh")[0] + " " + parts[2].split("kh")[1][:1] \
            + "x" + parts[2].split("kh")[1][:1] + " stride " + parts[2].split("sh")[1][:1]
        times[(pass_, layer)].append((algorithm, float(fields[-1])))
    if not times:
        sys.exit("no convolution lines: run strata with ONEDNN_VERBOSE=1 and pipe its stdout here")
    print(f"{'pass':<18} {'layer':<30} {'direct ms':>10} {'winograd ms':>12} {'ratio':>7}")
    ratios = {}
    for (pass_, layer), calls in sorted(times.items()):
        medians = {}
        for algorithm in ("direct", "winograd"):
            values = [ms for a, ms in calls if a == algorithm]
            medians[algorithm] = statistics.median(values) if values else None
        d, w = medians["direct"], medians["winograd"]
        ratio = f"{w / d:.2f}" if d and w else "-"
        shape = re.match(r"ic(\d+)oc(\d+) \S+ 3x3 stride 1$", layer)
        if d and w and shape:
            channels = min(int(shape.group(1)), int(shape.group(2)))
            # The slowest ratio over layers of the same width (stage entries and the rest).
            ratios[(pass_, channels)] = max(ratios.get((pass_, channels), 0), w / d)
        show = lambda m: f"{m:.2f}" if m is not None else "-"
        print(f"{pass_:<18} {layer:<30} {show(d):>10} {show(w):>12} {ratio:>7}")
    row = suggested_row(ratios)
    if row:
        print()
        print("WinogradThresholds row this run supports (fewest channels with Winograd faster "
              "in every wider layer):")
        print("  " + ", ".join(f"{field}: {row[field]}" for field in ROW_FIELDS.values()
                               if field in row))


if __name__ == "__main__":
    main(sys.stdin)
