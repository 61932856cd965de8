#!/usr/bin/env python3
"""Prints the tables of docs/accelerators.md: vidperf's time for each published accelerated run beside the
published time, from the vidperf CLI (python3 scripts/accelerators-table.py build/release/examples/vidperf).

Step caching: which steps a threshold serves depends on the content, so for each published run the table gives
the served steps at which vidperf's speed-up equals the published one ("implied"), and, where the publication
also gives the FLOPs of the run, the served steps those FLOPs imply and vidperf's speed-up there (a check)."""
import json
import subprocess
import sys

V = sys.argv[1] if len(sys.argv) > 1 else "build/release/examples/vidperf"


def latency(*args):
    out = subprocess.run([V, "estimate", "--json", *args], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["latency_s"]


def denoiser(*args):
    out = subprocess.run([V, "estimate", "--json", *args], capture_output=True, text=True, check=True).stdout
    d = json.loads(out)
    return sum(s["latency_s"] for s in d["stages"] if s["kind"] == "denoiser")


def served_curve(base, steps, method):
    t0 = latency(*base)
    return t0, [latency(*base, "--cache", method, "--cache-skip", f"{k / steps:.6f}") for k in range(0, int(0.95 * steps) + 1)]


def implied(t0, curve, ratio):
    return min(range(len(curve)), key=lambda k: abs(t0 / curve[k] - ratio))


print("## step caching: published runs")
runs = [
    # (label, base flags, steps, [(method, label, published seconds)], published baseline seconds, source)
    ("Wan2.1-T2V-14B 1280x720x81, A800 (a100-sxm4-80gb), --offload_model True --t5_cpu",
     ["--model", "wan2.1-t2v-14b", "--gpu", "a100-sxm4-80gb", "--offload", "model", "--text-encoder-on-cpu"], 50,
     [("teacache", "TeaCache 0.2", 1801), ("magcache", "MagCache E024K6R02", 1300)], 3604),
    ("Wan2.1-T2V-1.3B 832x480x81, A800 (a100-sxm4-80gb), --offload_model True --t5_cpu",
     ["--model", "wan2.1-t2v-1.3b", "--gpu", "a100-sxm4-80gb", "--offload", "model", "--text-encoder-on-cpu"], 50,
     [("teacache", "TeaCache 0.08", 95), ("magcache", "MagCache E012K2R02", 87), ("magcache", "MagCache E012K4R02", 68)],
     189),
]
for label, base, steps, rows, published0 in runs:
    for method in sorted({r[0] for r in rows}):
        t0, curve = served_curve(base, steps, method)
        for m, name, secs in rows:
            if m != method:
                continue
            ratio = published0 / secs
            k = implied(t0, curve, ratio)
            print(f"{label} | base published {published0} s, vidperf {t0:.0f} s ({t0 / published0 - 1:+.1%}) | "
                  f"{name}: published {secs} s ({ratio:.2f}x) | vidperf {curve[k]:.0f} s ({t0 / curve[k]:.2f}x) "
                  f"with {k} of {steps} steps served")

print("## step caching: FLOPs given (PromptTea README, single H100)")
base = ["--model", "wan2.1-t2v-14b", "--gpu", "h100-sxm5-80gb", "--frames", "129", "--offload", "model",
        "--text-encoder-on-cpu"]
t0 = latency(*base)
for name, pflops, speedup in (("TeaCache slow", 91.14, 1.93), ("TeaCache fast", 66.81, 2.64)):
    share = 1 - pflops / 181.62
    k = round(share * 50)
    t = latency(*base, "--cache", "teacache", "--cache-skip", f"{k / 50:.6f}")
    print(f"{name}: published {pflops} of 181.62 PFLOPs -> {k} of 50 steps served; published {speedup:.2f}x, "
          f"vidperf {t0 / t:.2f}x ({(t0 / t) / speedup - 1:+.1%})")

print("## sparse attention: STA on HunyuanVideo 1280x768x117, H100, FA3, DiT time")
base = ["--model", "hunyuanvideo", "--gpu", "h100-sxm5-80gb", "--width", "1280", "--height", "768", "--frames", "117",
        "--attention", "fa3"]
d0 = denoiser(*base)
out = json.loads(subprocess.run([V, "estimate", "--json", *base], capture_output=True, text=True).stdout)
att = sum(s["time_by_op_kind_s"]["attention"] for s in out["stages"] if s["kind"] == "denoiser")
print(f"dense: published 945 s (attention 800 s); vidperf {d0:.0f} s ({d0 / 945 - 1:+.1%}), attention {att:.0f} s")
keep = min((k / 100 for k in range(1, 101)), key=lambda k: abs(denoiser(*base, "--attention-keep", f"{k}") - 501))
print(f"STA training-free: published 501 s ({945 / 501:.2f}x); vidperf {denoiser(*base, '--attention-keep', f'{keep}'):.0f} s "
      f"keeping {keep:.2f} of the attention")
