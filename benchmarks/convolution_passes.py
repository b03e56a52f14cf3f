"""Per-layer, per-pass convolution times, direct against Winograd, from oneDNN's verbose log.

    ONEDNN_VERBOSE=1 OMP_NUM_THREADS=2 strata bench engine --compare-convolutions 2>/dev/null \
        | python3 benchmarks/convolution_passes.py

`--compare-convolutions` runs the three STRATA_CONVOLUTION settings in alternating steps of one
process, so both algorithms' calls of each layer and pass share the machine's moments. This
groups every executed convolution by pass (forward training, forward inference, backward data,
backward weights), shape and algorithm (Winograd when oneDNN's kernel name says so), and prints
the median milliseconds per call and the Winograd/direct ratio. It is how the `auto` setting's
thresholds were chosen (README, Performance). Standard library only: any Python 3.
"""
import collections
import statistics
import sys


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
    for (pass_, layer), calls in sorted(times.items()):
        medians = {}
        for algorithm in ("direct", "winograd"):
            values = [ms for a, ms in calls if a == algorithm]
            medians[algorithm] = statistics.median(values) if values else None
        d, w = medians["direct"], medians["winograd"]
        ratio = f"{w / d:.2f}" if d and w else "-"
        show = lambda m: f"{m:.2f}" if m is not None else "-"
        print(f"{pass_:<18} {layer:<30} {show(d):>10} {show(w):>12} {ratio:>7}")


if __name__ == "__main__":
    main(sys.stdin)
