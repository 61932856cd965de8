#!/usr/bin/env python3
"""Writes the test fixtures tests/data/diffusers/save_config/<slug>/{transformer,vae}/config.json: the config
files diffusers' own `save_config` writes for each preset's reference classes, built (on the meta device) from
the published configs that count_reference.py holds. The unit tests import these folders and expect the
reference parameter counts, so vidperf reads what diffusers writes, not only what vidperf exports.

    python3 write_save_config_fixtures.py tests/data/diffusers/save_config
"""

import os
import sys

import count_reference as ref  # exits 77 when torch or diffusers is missing

# classes vidperf imports (io/diffusers.hpp); SVD's UNet is not one of them
SKIP = {"svd-xt"}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/diffusers/save_config"
    for case in ref.cases():
        if case.slug in SKIP:
            continue
        for sub, cls, cfg in (("transformer", case.denoiser, case.denoiser_cfg), ("vae", case.vae, case.vae_cfg)):
            ref.build(cls, cfg).save_config(os.path.join(out, case.slug, sub))
        print(f"{case.slug}: written with diffusers {ref.diffusers.__version__}")


if __name__ == "__main__":
    main()
