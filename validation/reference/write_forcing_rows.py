"""Writes tests/data/skyreels/forcing_rows.csv: how many denoiser calls diffusion forcing's schedule makes.

For each (latent frames, causal block size, prefix frames, steps, ar_step) the file holds the number of rows of
the timestep matrix diffusers' SkyReelsV2DiffusionForcingPipeline.generate_timestep_matrix builds: the
iterations of one chunk, each one denoiser call per guidance pass on the chunk's frames. The rows come from
that function itself (run here without a model: it reads nothing of the pipeline), so the unit test that reads
this file checks vidperf's closed form against the reference code, not against itself.

Run with torch and diffusers installed:
    python validation/reference/write_forcing_rows.py --out tests/data/skyreels/forcing_rows.csv
"""

import argparse
import csv
import sys

try:
    import diffusers
    import torch
    from diffusers import SkyReelsV2DiffusionForcingPipeline
except ImportError as e:  # pragma: no cover - the script's only dependency
    sys.exit(f"write_forcing_rows.py needs torch and diffusers ({e})")


def rows(latent_frames, block, prefix, steps, ar_step):
    template = torch.linspace(1000, 1, steps)  # the values do not matter, only their count
    step_matrix, _, update_mask, intervals = SkyReelsV2DiffusionForcingPipeline.generate_timestep_matrix(
        None, latent_frames, template, latent_frames, ar_step, prefix, block)
    # every frame outside the prefix is updated exactly `steps` times
    updates = update_mask.sum(dim=0)
    assert all(int(u) == steps for u in updates[prefix:]), "a frame not updated once per step"
    # the model window is the whole chunk in every row (base = the chunk's own frames)
    assert all(s == 0 and e == (latent_frames // block) * block for s, e in intervals)
    return len(step_matrix)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    cases = []
    for block in (1, 2, 3, 5):
        for blocks in (1, 2, 4, 5, 7):
            n = blocks * block
            for prefix_blocks in (0, 1, 2):
                if prefix_blocks >= blocks:
                    continue
                for steps in (4, 10, 30, 50):
                    for ar in (0, 1, 5, 12, 40, 60):
                        cases.append((n, block, prefix_blocks * block, steps, ar))
    with open(a.out, "w", newline="") as f:
        f.write(f"# generate_timestep_matrix rows, diffusers {diffusers.__version__}, torch {torch.__version__}\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["latent_frames", "causal_block_size", "prefix_frames", "steps", "ar_step", "rows"])
        for c in cases:
            w.writerow([*c, rows(*c)])
    print(f"{len(cases)} cases -> {a.out}")


if __name__ == "__main__":
    main()
