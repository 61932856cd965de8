#!/usr/bin/env python3
"""Writes the test fixtures tests/data/diffusers/save_config/<slug>/{transformer,vae}/config.json: the config
files diffusers' own `save_config` writes for each preset's reference classes, built (on the meta device) from
the published configs that count_reference.py holds (unet/config.json for the UNet models: Stable Video Diffusion, SD 1.5, SDXL). The unit tests import these folders and expect the
reference parameter counts, so vidperf reads what diffusers writes, not only what vidperf exports.

For a two-expert pipeline (Wan2.2 A14B) it also writes transformer_2/config.json, the pipeline's
model_index.json (WanPipeline / WanImageToVideoPipeline with transformer_2 and boundary_ratio, as
scripts/convert_wan_to_diffusers.py builds them) and scheduler/scheduler_config.json (UniPCMultistepScheduler with
flow_shift 3.0, the same script's choice for the A14B models).

For LTX-2 it also writes the pipeline's further modules (connectors/, audio_vae/, vocoder/, from the same
script's 2.0 configs) and text_encoder/config.json (transformers' Gemma3Config with google/gemma-3-12b-it's
values, as to_json_file writes it).

    python3 write_save_config_fixtures.py tests/data/diffusers/save_config [slug ...]
"""

import os
import sys

import count_reference as ref  # exits 77 when torch or diffusers is missing

# a UNet pipeline keeps its denoiser in unet/ (Stable Video Diffusion), the others in transformer/
UNET = {"svd-xt", "sd-1.5", "sdxl"}
# convert_wan_to_diffusers.py: the pipeline class and boundary_ratio of each two-expert model
EXPERT_PIPELINES = {"wan2.2-t2v-a14b": ("WanPipeline", 0.875), "wan2.2-i2v-a14b": ("WanImageToVideoPipeline", 0.9)}


def write_ltx2_modules(folder):
    """LTX2Pipeline's modules beside the transformer and the video VAE."""
    from diffusers.pipelines.ltx2.connectors import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    ref.build(LTX2TextConnectors, ref.LTX2_CONNECTORS).save_config(os.path.join(folder, "connectors"))
    ref.build(ref.diffusers.AutoencoderKLLTX2Audio, ref.LTX2_AUDIO_VAE).save_config(os.path.join(folder, "audio_vae"))
    ref.build(LTX2Vocoder, ref.LTX2_VOCODER).save_config(os.path.join(folder, "vocoder"))
    os.makedirs(os.path.join(folder, "text_encoder"), exist_ok=True)
    ref.gemma3_12b_config().to_json_file(os.path.join(folder, "text_encoder", "config.json"))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/diffusers/save_config"
    only = set(sys.argv[2:])
    for case in ref.cases():
        if only and case.slug not in only:
            continue
        folder = os.path.join(out, case.slug)
        transformer = ref.build(case.denoiser, case.denoiser_cfg)
        transformer.save_config(os.path.join(folder, "unet" if case.slug in UNET else "transformer"))
        ref.build(case.vae, case.vae_cfg).save_config(os.path.join(folder, "vae"))
        if case.experts == 2:
            transformer.save_config(os.path.join(folder, "transformer_2"))
            scheduler = ref.diffusers.UniPCMultistepScheduler(
                prediction_type="flow_prediction", use_flow_sigmas=True, num_train_timesteps=1000, flow_shift=3.0)
            scheduler.save_config(os.path.join(folder, "scheduler"))
            name, ratio = EXPERT_PIPELINES[case.slug]
            pipe = getattr(ref.diffusers, name)(tokenizer=None, text_encoder=None, vae=None, scheduler=scheduler,
                                                transformer=transformer, transformer_2=transformer,
                                                boundary_ratio=ratio)
            pipe.save_config(folder)
        if case.slug == "ltx-2":
            write_ltx2_modules(folder)
        print(f"{case.slug}: written with diffusers {ref.diffusers.__version__}")


if __name__ == "__main__":
    main()
