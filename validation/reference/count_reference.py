#!/usr/bin/env python3
"""Independent count of parameters and FLOPs with the reference implementations.

For every vidperf preset that diffusers has classes for, this script builds the reference denoiser
(transformer or UNet) and VAE classes on PyTorch's `meta` device from the models' published configs
(written down below with their sources; never taken from vidperf's own export), counts their parameters
exactly, and counts the FLOPs of one denoiser call at the preset's standard workload and of one VAE
decode as the preset's pipeline runs it, under `torch.utils.flop_counter.FlopCounterMode`. It compares
them with `vidperf shapes --model <slug>` op family by op family (GEMM, attention, convolution) and
exits 1 when a parameter count differs or a family's FLOPs differ by more than 1 %.

Meta tensors carry shapes but no data, so the whole standard workload is counted in seconds on a CPU.
PyTorch runs scaled_dot_product_attention on meta tensors through its math path (batched matrix
products); the script wraps it to book those FLOPs as attention.

Exit codes: 0 all agree, 1 a difference, 2 vidperf or a reference class failed, 77 torch or diffusers
is not installed (ctest reports the test as skipped).

    python3 count_reference.py --vidperf build/release/examples/vidperf [--only hunyuanvideo,...] [--out FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import platform
import subprocess
import sys

SKIP = 77

try:
    import torch
    import torch.nn.functional as F
    from torch.utils.flop_counter import FlopCounterMode
    import diffusers
except ImportError as e:  # the test is reported skipped, not failed
    print(f"count_reference: skipped: {e.name} is not installed (pip install torch diffusers)")
    sys.exit(SKIP)

TOLERANCE = 0.01  # relative, per op family
NEGLIGIBLE = 1e-3  # a family below this share of the stage's FLOPs on both sides is not judged

# --------------------------------------------------------------------------------------------------
# Published configs. Sources (paths in huggingface/diffusers unless named otherwise):
#   Wan:        scripts/convert_wan_to_diffusers.py get_transformer_config() ("Wan-T2V-1.3B", "Wan-T2V-14B",
#               "Wan-I2V-14B-720p", "Wan2.2-TI2V-5B", "Wan2.2-T2V-A14B", "Wan2.2-I2V-14B-720p"); VAE: AutoencoderKLWan() for Wan2.1 (convert_vae()) and
#               vae22_diffusers_config for Wan2.2; Wan2.2's pipeline is written with expand_timesteps=True.
#   Wan2.1-VACE: the same script's "Wan-VACE-1.3B" / "Wan-VACE-14B" (vace_layers every 2nd / 5th block,
#               vace_in_channels 96); WanVACEPipeline passes control latents of 96 channels.
#   SkyReels-V2-DF-14B-540P: scripts/convert_skyreelsv2_to_diffusers.py "SkyReels-V2-DF-14B-540P" (Wan2.1-T2V-14B's
#               config, inject_sample_info false); one call of one diffusion-forcing iteration: 97 pixel frames
#               = 25 latent frames, a timestep per frame (enable_diffusion_forcing).
#   Cosmos-Predict2: scripts/convert_cosmos_to_diffusers.py TRANSFORMER_CONFIGS["Cosmos-2.0-Diffusion-2B-Video2World"]
#               / ["...-14B-Video2World"]; the VAE is AutoencoderKLWan (--vae_type wan2.1). Cosmos2VideoToWorldPipeline
#               passes a timestep per latent frame ([B, 1, T, 1, 1]), the condition mask and the padding mask.
#   CogVideoX:  scripts/convert_cogvideox_to_diffusers.py get_transformer_init_kwargs("1.0" / "1.5") and its
#               comments: 2b = 30 layers, 30 heads, no RoPE; 5b = 42 layers, 48 heads, RoPE; the VAE is
#               AutoencoderKLCogVideoX() with the default sample size (convert_vae()).
#   HunyuanVideo-I2V: the same script's TRANSFORMER_CONFIGS["HYVideo-T/2-I2V-16ch"] (in_channels 16,
#               guidance_embeds true, image_condition_type token_replace: the README's --i2v-stability model);
#               HunyuanVideoImageToVideoPipeline's prompt embeds: 576 / 4 image tokens + 252 text tokens.
#   HunyuanVideo: scripts/convert_hunyuan_video_to_diffusers.py TRANSFORMER_CONFIGS["HYVideo-T/2-cfgdistill"];
#               VAE AutoencoderKLHunyuanVideo() (convert_vae()).
#   Mochi:      scripts/convert_mochi_to_diffusers.py: MochiTransformer3DModel() and
#               AutoencoderKLMochi(latent_channels=12, out_channels=3).
#   LTX-Video:  scripts/convert_ltx_to_diffusers.py get_transformer_config("0.9.0") and get_vae_config("0.9.0").
#   Allegro:    AllegroTransformer3DModel() and AutoencoderKLAllegro() class defaults, the values of rhymes-ai/Allegro
#               transformer/config.json and vae/config.json; AllegroPipeline's RoPE positions
#               (_prepare_rotary_positional_embeddings) and 512 prompt tokens; the VAE decodes only in tiles.
#   Kandinsky 5.0 T2V Lite: kandinskylab/kandinsky-5 configs/config_5s_sft.yaml dit_params (model_dim 1792, ff_dim 7168,
#               2 text + 32 visual blocks, axes_dims 16/24/24, visual_cond) as Kandinsky5Transformer3DModel arguments
#               (KANDINSKY5_LITE below); the VAE is AutoencoderKLHunyuanVideo() run framewise as the pipeline
#               leaves it; 256 Qwen tokens (the original code's max_length), one batch-1 call (guidance sequential).
#   HunyuanVideo 1.5 480p T2V: HunyuanVideo15Transformer3DModel() and AutoencoderKLHunyuanVideo15() class defaults
#               (scripts/convert_hunyuan_video1_5_to_diffusers.py TRANSFORMER_CONFIGS["480p_t2v"] overrides only
#               target_size and task_type, which build nothing); 1000 Qwen, 256 ByT5 and 729 image tokens (zeros in
#               T2V); the pipeline's example enables VAE tiling. Its forward re-orders the context rows by their
#               masks (valid first), which meta tensors cannot run: hunyuan15_forward below runs the class's own
#               modules in forward's order with the rows concatenated unsorted (the same 1985 rows).
#   LTX-Video 13B: the same script's get_transformer_config("0.9.7") and get_vae_config("0.9.7") (the values of
#               Lightricks/LTX-Video-0.9.7-dev transformer/config.json); LTXConditionPipeline's 256 prompt tokens;
#               the decoder takes the decode timestep (timestep_conditioning).
#   FLUX.1-dev: FluxTransformer2DModel(guidance_embeds=True) and AutoencoderKL as FLUX_DEV / FLUX_VAE below.
#   SD 1.5:     stable-diffusion-v1-5/stable-diffusion-v1-5 unet/config.json (UNet2DConditionModel) and
#               vae/config.json (AutoencoderKL), as SD15 / SD_VAE below.
#   SDXL:       stabilityai/stable-diffusion-xl-base-1.0 unet/config.json (the same values as
#               Stability-AI/generative-models configs/inference/sd_xl_base.yaml: model_channels 320,
#               channel_mult 1/2/4, transformer_depth 1/2/10, num_head_channels 64, context_dim 2048,
#               adm_in_channels 2816) and vae/config.json, as SDXL / SD_VAE below.
#   SVD-XT:     UNetSpatioTemporalConditionModel() class defaults, the configuration of
#               stabilityai/stable-video-diffusion-img2vid-xt unet/config.json; its vae/config.json
#               (AutoencoderKLTemporalDecoder): block_out_channels 128/256/512/512, 4 DownEncoderBlock2D,
#               layers_per_block 2, latent_channels 4 (the same values as Stability-AI/generative-models
#               scripts/sampling/configs/svd_xt.yaml: ch 128, ch_mult 1/2/4/4, num_res_blocks 2, z_channels 4).
# --------------------------------------------------------------------------------------------------

WAN_COMMON = dict(
    added_kv_proj_dim=None, attention_head_dim=128, cross_attn_norm=True, eps=1e-06, freq_dim=256,
    patch_size=(1, 2, 2), qk_norm="rms_norm_across_heads", text_dim=4096,
)
WAN_T2V_1_3B = dict(WAN_COMMON, ffn_dim=8960, in_channels=16, num_attention_heads=12, num_layers=30, out_channels=16)
WAN_T2V_14B = dict(WAN_COMMON, ffn_dim=13824, in_channels=16, num_attention_heads=40, num_layers=40, out_channels=16)
WAN_I2V_14B = dict(WAN_COMMON, ffn_dim=13824, in_channels=36, num_attention_heads=40, num_layers=40, out_channels=16,
                   image_dim=1280, added_kv_proj_dim=5120)
# Wan2.2 A14B: two experts (high_noise_model, low_noise_model) of one config each: get_transformer_config
# ("Wan2.2-T2V-A14B", "Wan2.2-I2V-14B-720p"); the I2V experts take 36 channels and have no image branch
WAN22_T2V_A14B = dict(WAN_COMMON, ffn_dim=13824, in_channels=16, num_attention_heads=40, num_layers=40, out_channels=16)
WAN22_I2V_A14B = dict(WAN_COMMON, ffn_dim=13824, in_channels=36, num_attention_heads=40, num_layers=40, out_channels=16)
WAN22_TI2V_5B = dict(WAN_COMMON, ffn_dim=14336, in_channels=48, num_attention_heads=24, num_layers=30, out_channels=48)
WAN_VACE_1_3B = dict(WAN_T2V_1_3B, vace_layers=list(range(0, 30, 2)), vace_in_channels=96)
WAN_VACE_14B = dict(WAN_T2V_14B, vace_layers=list(range(0, 40, 5)), vace_in_channels=96)
SKYREELS_DF_14B = dict(WAN_T2V_14B, inject_sample_info=False)
COSMOS_COMMON = dict(in_channels=17, out_channels=16, attention_head_dim=128, mlp_ratio=4.0, text_embed_dim=1024,
                     adaln_lora_dim=256, max_size=(128, 240, 240), patch_size=(1, 2, 2), concat_padding_mask=True,
                     extra_pos_embed_type=None)
COSMOS2_2B = dict(COSMOS_COMMON, num_attention_heads=16, num_layers=28, rope_scale=(1.0, 3.0, 3.0))
COSMOS2_14B = dict(COSMOS_COMMON, num_attention_heads=40, num_layers=36, rope_scale=(20 / 24, 2.0, 2.0))
WAN21_VAE: dict = {}
WAN22_VAE = dict(base_dim=160, z_dim=48, is_residual=True, in_channels=12, out_channels=12, decoder_base_dim=256,
                 scale_factor_temporal=4, scale_factor_spatial=16, patch_size=2)

COG_V10 = dict(patch_size=2, patch_size_t=None, patch_bias=True, sample_height=480 // 8, sample_width=720 // 8,
               sample_frames=49)
COG_V15 = dict(patch_size=2, patch_size_t=2, patch_bias=False, sample_height=300, sample_width=300, sample_frames=81)
COG_2B = dict(COG_V10, num_layers=30, num_attention_heads=30, use_rotary_positional_embeddings=False)
COG_5B = dict(COG_V10, num_layers=42, num_attention_heads=48, use_rotary_positional_embeddings=True)
COG15_5B = dict(COG_V15, num_layers=42, num_attention_heads=48, use_rotary_positional_embeddings=True)

HUNYUAN = dict(in_channels=16, out_channels=16, num_attention_heads=24, attention_head_dim=128, num_layers=20,
               num_single_layers=40, num_refiner_layers=2, mlp_ratio=4.0, patch_size=2, patch_size_t=1,
               qk_norm="rms_norm", guidance_embeds=True, text_embed_dim=4096, pooled_projection_dim=768,
               rope_theta=256.0, rope_axes_dim=(16, 56, 56), image_condition_type=None)

MOCHI_VAE = dict(latent_channels=12, out_channels=3)

LTX_090 = dict(in_channels=128, out_channels=128, patch_size=1, patch_size_t=1, num_attention_heads=32,
               attention_head_dim=64, cross_attention_dim=2048, num_layers=28, activation_fn="gelu-approximate",
               qk_norm="rms_norm_across_heads", norm_elementwise_affine=False, norm_eps=1e-6, caption_channels=4096,
               attention_bias=True, attention_out_bias=True)
KANDINSKY5_LITE = dict(in_visual_dim=16, out_visual_dim=16, time_dim=512, patch_size=(1, 2, 2), model_dim=1792,
                       ff_dim=7168, num_text_blocks=2, num_visual_blocks=32, axes_dims=(16, 24, 24), visual_cond=True,
                       in_text_dim=3584, in_text_dim2=768, attention_type="regular")
LTX_097 = dict(LTX_090, attention_head_dim=128, cross_attention_dim=4096, num_layers=48)
LTX_097_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=128, block_out_channels=(128, 256, 512, 1024, 2048),
    down_block_types=("LTXVideo095DownBlock3D",) * 4, decoder_block_out_channels=(256, 512, 1024),
    layers_per_block=(4, 6, 6, 2, 2), decoder_layers_per_block=(5, 5, 5, 5),
    spatio_temporal_scaling=(True, True, True, True), decoder_spatio_temporal_scaling=(True, True, True),
    decoder_inject_noise=(False, False, False, False),
    downsample_type=("spatial", "temporal", "spatiotemporal", "spatiotemporal"), upsample_residual=(True, True, True),
    upsample_factor=(2, 2, 2), timestep_conditioning=True, patch_size=4, patch_size_t=1, resnet_norm_eps=1e-6,
    scaling_factor=1.0, encoder_causal=True, decoder_causal=False, spatial_compression_ratio=32,
    temporal_compression_ratio=8)
LTX_090_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=128, block_out_channels=(128, 256, 512, 512),
    down_block_types=("LTXVideoDownBlock3D",) * 4, decoder_block_out_channels=(128, 256, 512, 512),
    layers_per_block=(4, 3, 3, 3, 4), decoder_layers_per_block=(4, 3, 3, 3, 4),
    spatio_temporal_scaling=(True, True, True, False), decoder_spatio_temporal_scaling=(True, True, True, False),
    decoder_inject_noise=(False, False, False, False, False), downsample_type=("conv", "conv", "conv", "conv"),
    upsample_residual=(False, False, False, False), upsample_factor=(1, 1, 1, 1), patch_size=4, patch_size_t=1,
    resnet_norm_eps=1e-6, scaling_factor=1.0, encoder_causal=True, decoder_causal=False,
    timestep_conditioning=False)
# LTX-2 2.0: diffusers scripts/convert_ltx2_to_diffusers.py @ 58eb52c, get_ltx2_transformer_config("2.0")
LTX2_TRANSFORMER = dict(
    in_channels=128, out_channels=128, patch_size=1, patch_size_t=1, num_attention_heads=32, attention_head_dim=128,
    cross_attention_dim=4096, vae_scale_factors=(8, 32, 32), pos_embed_max_pos=20, base_height=2048, base_width=2048,
    gated_attn=False, cross_attn_mod=False, audio_in_channels=128, audio_out_channels=128, audio_patch_size=1,
    audio_patch_size_t=1, audio_num_attention_heads=32, audio_attention_head_dim=64, audio_cross_attention_dim=2048,
    audio_scale_factor=4, audio_pos_embed_max_pos=20, audio_sampling_rate=16000, audio_hop_length=160,
    audio_gated_attn=False, audio_cross_attn_mod=False, num_layers=48, activation_fn="gelu-approximate",
    qk_norm="rms_norm_across_heads", norm_elementwise_affine=False, norm_eps=1e-6, caption_channels=3840,
    attention_bias=True, attention_out_bias=True, rope_theta=10000.0, rope_double_precision=True, causal_offset=1,
    timestep_scale_multiplier=1000, cross_attn_timestep_scale_multiplier=1000, rope_type="split",
    use_prompt_embeddings=True, perturbed_attn=False)
# get_ltx2_video_vae_config("2.0") as converted (timestep_conditioning false), get_ltx2_audio_vae_config("2.0"),
# get_ltx2_vocoder_config("2.0") of the same script
LTX2_VIDEO_VAE = dict(
    LTX_097_VAE, block_out_channels=(256, 512, 1024, 2048), down_block_types=("LTX2VideoDownBlock3D",) * 4,
    upsample_type=("spatiotemporal",) * 3, timestep_conditioning=False, encoder_spatial_padding_mode="zeros",
    decoder_spatial_padding_mode="reflect")
LTX2_CONNECTORS = dict(
    caption_channels=3840, text_proj_in_factor=49, video_connector_num_attention_heads=30,
    video_connector_attention_head_dim=128, video_connector_num_layers=2, video_connector_num_learnable_registers=128,
    video_gated_attn=False, audio_connector_num_attention_heads=30, audio_connector_attention_head_dim=128,
    audio_connector_num_layers=2, audio_connector_num_learnable_registers=128, audio_gated_attn=False,
    connector_rope_base_seq_len=4096, rope_theta=10000.0, rope_double_precision=True,
    causal_temporal_positioning=False, rope_type="split", per_modality_projections=False, proj_bias=False)
LTX2_AUDIO_VAE = dict(
    base_channels=128, output_channels=2, ch_mult=(1, 2, 4), num_res_blocks=2, attn_resolutions=None, in_channels=2,
    resolution=256, latent_channels=8, norm_type="pixel", causality_axis="height", dropout=0.0,
    mid_block_add_attention=False, sample_rate=16000, mel_hop_length=160, is_causal=True, mel_bins=64, double_z=True)
LTX2_VOCODER = dict(
    in_channels=128, hidden_channels=1024, out_channels=2, upsample_kernel_sizes=[16, 15, 8, 4, 4],
    upsample_factors=[6, 5, 2, 2, 2], resnet_kernel_sizes=[3, 7, 11], resnet_dilations=[[1, 3, 5]] * 3,
    act_fn="leaky_relu", leaky_relu_negative_slope=0.1, antialias=False, final_act_fn="tanh", final_bias=True,
    output_sampling_rate=24000)
SVD_VAE = dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
               block_out_channels=(128, 256, 512, 512), layers_per_block=2, latent_channels=4)


# FLUX.1-dev: FluxTransformer2DModel() class defaults are FLUX.1-dev's transformer/config.json (19 + 38 blocks,
# in_channels 64, joint_attention_dim 4096, pooled 768) with guidance_embeds true; its vae/config.json is
# AutoencoderKL with 16 latent channels and no quant convs (scripts/convert_flux_to_diffusers.py)
FLUX_DEV = dict(guidance_embeds=True)
FLUX_VAE = dict(in_channels=3, out_channels=3, latent_channels=16, block_out_channels=(128, 256, 512, 512),
                down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                layers_per_block=2, use_quant_conv=False, use_post_quant_conv=False, sample_size=1024)

# Stable Diffusion: UNet2DConditionModel and AutoencoderKL (4 latent channels, both quant convs)
SD15 = dict(sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
            block_out_channels=(320, 640, 1280, 1280),
            down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
            up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
            attention_head_dim=8, cross_attention_dim=768, norm_num_groups=32)
SDXL = dict(sample_size=128, in_channels=4, out_channels=4, layers_per_block=2, block_out_channels=(320, 640, 1280),
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
            attention_head_dim=(5, 10, 20), transformer_layers_per_block=(1, 2, 10), cross_attention_dim=2048,
            use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=256,
            projection_class_embeddings_input_dim=2816, norm_num_groups=32)
SD_VAE = dict(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(128, 256, 512, 512),
              down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
              layers_per_block=2)


def meta(*shape):
    return torch.empty(*shape, device="meta")


# --------------------------------------------------------------------------------------------------
# Denoiser inputs for one call: `b` videos (2 with batched guidance), latent frames t, height h, width w.

def wan_inputs(cfg, image=False, per_token_timestep=False):
    def make(b, t, h, w):
        tokens = t * (h // 2) * (w // 2)
        kw = dict(hidden_states=meta(b, cfg["in_channels"], t, h, w),
                  # WanPipeline with expand_timesteps (Wan2.2 TI2V) gives every token its own timestep
                  timestep=meta(b, tokens) if per_token_timestep else meta(b),
                  encoder_hidden_states=meta(b, 512, 4096), return_dict=False)
        if image:
            kw["encoder_hidden_states_image"] = meta(b, 257, 1280)
        return kw
    return make


def wan_vace_inputs(cfg):
    base = wan_inputs(cfg)

    def make(b, t, h, w):
        kw = base(b, t, h, w)
        kw["control_hidden_states"] = meta(b, cfg["vace_in_channels"], t, h, w)
        return kw
    return make


def skyreels_df_inputs(b, t, h, w):  # one iteration of base_num_frames 97: (97 - 1) // 4 + 1 latent frames
    t = (97 - 1) // 4 + 1
    return dict(hidden_states=meta(b, 16, t, h, w), timestep=meta(b, t), encoder_hidden_states=meta(b, 512, 4096),
                enable_diffusion_forcing=True, return_dict=False)


def cosmos_inputs(b, t, h, w):
    return dict(hidden_states=meta(b, 16, t, h, w), timestep=meta(b, 1, t, 1, 1), encoder_hidden_states=meta(b, 512, 1024),
                condition_mask=meta(b, 1, t, h, w), padding_mask=meta(1, 1, h * 8, w * 8), fps=16, return_dict=False)


def cogvideox_inputs(cfg):
    def make(b, t, h, w):
        pt = cfg["patch_size_t"] or 1
        t = (t + pt - 1) // pt * pt  # the CogVideoX 1.5 pipeline pads the latent frames to the temporal patch
        tokens = (t // pt) * (h // 2) * (w // 2)
        rope = (meta(tokens, 64), meta(tokens, 64)) if cfg["use_rotary_positional_embeddings"] else None
        return dict(hidden_states=meta(b, t, 16, h, w), encoder_hidden_states=meta(b, 226, 4096), timestep=meta(b),
                    image_rotary_emb=rope, return_dict=False)
    return make


def hunyuan_inputs(b, t, h, w):
    return dict(hidden_states=meta(b, 16, t, h, w), timestep=meta(b), encoder_hidden_states=meta(b, 256, 4096),
                encoder_attention_mask=meta(b, 256), pooled_projections=meta(b, 768), guidance=meta(b),
                return_dict=False)


def hunyuan_i2v_inputs(b, t, h, w):
    text = 576 // 4 + 252
    return dict(hidden_states=meta(b, 16, t, h, w), timestep=meta(b), encoder_hidden_states=meta(b, text, 4096),
                encoder_attention_mask=meta(b, text), pooled_projections=meta(b, 768), guidance=meta(b),
                return_dict=False)


def mochi_inputs(b, t, h, w):
    return dict(hidden_states=meta(b, 12, t, h, w), encoder_hidden_states=meta(b, 256, 4096), timestep=meta(b),
                encoder_attention_mask=meta(b, 256), return_dict=False)


def ltx_inputs(b, t, h, w):
    return dict(hidden_states=meta(b, t * h * w, 128), encoder_hidden_states=meta(b, 128, 4096), timestep=meta(b),
                encoder_attention_mask=meta(b, 128), num_frames=t, height=h, width=w,
                rope_interpolation_scale=(8 / 25, 32, 32), return_dict=False)


def ltx_13b_inputs(b, t, h, w):
    return dict(hidden_states=meta(b, t * h * w, 128), encoder_hidden_states=meta(b, 256, 4096), timestep=meta(b),
                encoder_attention_mask=meta(b, 256), num_frames=t, height=h, width=w,
                rope_interpolation_scale=(8 / 25, 32, 32), return_dict=False)


def ltx2_inputs(b, t, h, w):
    # LTX2Pipeline: 8x time with a causal first frame, 24 fps, audio latents round(seconds x 16000 / 160 / 4)
    frames = (t - 1) * 8 + 1
    audio = round(frames / 24.0 * 16000 / 160 / 4)
    return dict(hidden_states=meta(b, t * h * w, 128), audio_hidden_states=meta(b, audio, 128),
                encoder_hidden_states=meta(b, 1024, 3840), audio_encoder_hidden_states=meta(b, 1024, 3840),
                timestep=meta(b), encoder_attention_mask=meta(b, 1024), audio_encoder_attention_mask=meta(b, 1024),
                num_frames=t, height=h, width=w, fps=24.0, audio_num_frames=audio, return_dict=False)


def ltx2_isolated_inputs(b, t, h, w):  # modality-isolation guidance: no audio-to-video / video-to-audio attention
    return dict(ltx2_inputs(b, t, h, w), isolate_modalities=True)


def allegro_inputs(b, t, h, w):
    from diffusers.models.embeddings import get_3d_rotary_pos_embed_allegro
    gh, gw = h // 2, w // 2
    freqs_t, freqs_h, freqs_w, grid_t, grid_h, grid_w = get_3d_rotary_pos_embed_allegro(
        embed_dim=96, crops_coords=((0, 0), (gh, gw)), grid_size=(gh, gw), temporal_size=t,
        interpolation_scale=(2.2, 2.0, 2.0), device="cpu")
    pos = torch.cartesian_prod(grid_t.long(), grid_h.long(), grid_w.long())
    pos = pos.reshape(-1, 3).transpose(0, 1).reshape(3, 1, -1).contiguous()
    to_meta = lambda x: tuple(y.to("meta") for y in x)  # noqa: E731 (the positions are data; the model is on meta)
    rotary = (tuple(to_meta(f) for f in (freqs_t, freqs_h, freqs_w)), to_meta(pos))
    return dict(hidden_states=meta(b, 4, t, h, w), encoder_hidden_states=meta(b, 512, 4096), timestep=meta(b),
                encoder_attention_mask=meta(b, 512), image_rotary_emb=rotary, return_dict=False)


def kandinsky5_inputs(b, t, h, w):  # Kandinsky5T2VPipeline: channel-last latents with condition and mask
    text = 256
    return dict(hidden_states=meta(b, t, h, w, 33), encoder_hidden_states=meta(b, text, 3584), timestep=meta(b),
                pooled_projections=meta(b, 768),
                visual_rope_pos=[torch.arange(t), torch.arange(h // 2), torch.arange(w // 2)],
                text_rope_pos=torch.arange(text), scale_factor=(1.0, 2.0, 2.0), return_dict=False)


def hunyuan15_inputs(b, t, h, w):
    return dict(hidden_states=meta(b, 65, t, h, w), timestep=meta(b), encoder_hidden_states=meta(b, 1000, 3584),
                encoder_attention_mask=meta(b, 1000), encoder_hidden_states_2=meta(b, 256, 1472),
                encoder_attention_mask_2=meta(b, 256), image_embeds=meta(b, 729, 1152))


def hunyuan15_forward(m, hidden_states, timestep, encoder_hidden_states, encoder_attention_mask,
                      encoder_hidden_states_2, encoder_attention_mask_2, image_embeds):
    """HunyuanVideo15Transformer3DModel.forward (diffusers 0.42.1) step by step with its own modules, the
    context rows concatenated in place of the mask-sorted re-ordering (a permutation; no FLOPs)."""
    b = hidden_states.shape[0]
    rope = m.rope(hidden_states)
    temb = m.time_embed(timestep)
    x = m.x_embedder(hidden_states)
    text = m.context_embedder(encoder_hidden_states, timestep, encoder_attention_mask)
    text = text + m.cond_type_embed(torch.zeros_like(text[:, :, 0], dtype=torch.long))
    glyph = m.context_embedder_2(encoder_hidden_states_2)
    glyph = glyph + m.cond_type_embed(torch.ones_like(glyph[:, :, 0], dtype=torch.long))
    image = m.image_embedder(image_embeds) * 0.0  # T2V: zeros, masked
    image = image + m.cond_type_embed(2 * torch.ones_like(image[:, :, 0], dtype=torch.long))
    context = torch.cat([image, glyph, text], dim=1)
    mask = torch.cat([torch.zeros(b, 729, device="meta"), encoder_attention_mask_2, encoder_attention_mask], dim=1)
    for block in m.transformer_blocks:
        x, context = block(x, context, temb, mask.bool(), rope)
    m.proj_out(m.norm_out(x, temb))


def flux_inputs(b, t, h, w):  # FluxPipeline packs 2 x 2 latent patches: [b, tokens, 64]
    tokens = (h // 2) * (w // 2)
    return dict(hidden_states=meta(b, tokens, 64), encoder_hidden_states=meta(b, 512, 4096),
                pooled_projections=meta(b, 768), timestep=meta(b), img_ids=meta(tokens, 3), txt_ids=meta(512, 3),
                guidance=meta(b), return_dict=False)


def svd_inputs(b, t, h, w):
    return dict(sample=meta(b, t, 8, h, w), timestep=meta(b), encoder_hidden_states=meta(b, 1, 1024),
                added_time_ids=meta(b, 3), return_dict=False)


def sd_inputs(cross, xl=False):  # one latent frame as a 2-D latent; SDXL adds the pooled text and 6 time ids
    def make(b, t, h, w):
        kw = dict(sample=meta(b, 4, h, w), timestep=meta(b), encoder_hidden_states=meta(b, 77, cross),
                  return_dict=False)
        if xl:
            kw["added_cond_kwargs"] = {"text_embeds": meta(b, 1280), "time_ids": meta(b, 6)}
        return kw
    return make


# --------------------------------------------------------------------------------------------------
# VAE decodes as the pipelines run them: vae.decode(latents) after the pipeline's own set-up.

def decode_plain(vae, z):
    vae.decode(z)


def decode_svd(vae, z):  # StableVideoDiffusionPipeline.decode_latents: frames folded into the batch
    b, c, t, h, w = z.shape
    vae.decode(z.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w), num_frames=t)


def decode_image(vae, z):  # an image model's one latent frame, as a 2-D latent
    vae.decode(z[:, :, 0])


def decode_ltx(vae, z):
    vae.decode(z, None)


def decode_ltx_timestep(vae, z):  # LTXConditionPipeline: the decode timestep, one per video
    vae.decode(z, meta(z.shape[0]))


class Case:
    """One preset: its reference classes, their configs, the inputs of one denoiser call and how the VAE decodes.

    `call`: runs the denoiser in place of model(**inputs) where meta tensors cannot take its forward as written;
    `tiles_only`: the VAE class has no untiled decode (AutoencoderKLAllegro raises without enable_tiling());
    `as_run`: the denoiser's inputs as the pipeline really passes them where vidperf's lowering deliberately
    differs (reported beside the judged rows); `tiling`: the pipeline's documented set-up calls
    vae.enable_tiling(); `experts`: 2 when the pipeline holds two denoisers of this config (transformer and
    transformer_2), each compared with its own vidperf stage (denoiser, denoiser_2); `passes`: further guidance
    calls per step as (vidperf stage, inputs), each on the workload's batch alone (LTX-2's modality-isolation
    pass); `audio`: (audio VAE class, config, vocoder class, config, latent frames of a workload) where the
    pipeline decodes an audio track (LTX-2), compared with the stages audio_vae_decode and vocoder; `modules`:
    further stages as (vidperf stage, count(work) -> (parameters, FLOPs), whether attention is judged), for the
    text side where its reference classes are at hand (transformers), skipped with a note where they are not.
    """

    def __init__(self, slug, denoiser, denoiser_cfg, inputs, vae, vae_cfg, decode=decode_plain, tiling=False,
                 note="", as_run=None, experts=1, tiles_only=False, call=None, passes=(), audio=None, modules=()):
        self.slug, self.denoiser, self.denoiser_cfg, self.inputs = slug, denoiser, denoiser_cfg, inputs
        self.vae, self.vae_cfg, self.decode, self.tiling, self.note = vae, vae_cfg, decode, tiling, note
        self.as_run, self.experts, self.tiles_only, self.call = as_run, experts, tiles_only, call
        self.passes, self.audio, self.modules = passes, audio, modules


def cases():
    d = diffusers
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    return [
        Case("wan2.1-t2v-1.3b", d.WanTransformer3DModel, WAN_T2V_1_3B, wan_inputs(WAN_T2V_1_3B),
             d.AutoencoderKLWan, WAN21_VAE),
        Case("wan2.1-t2v-14b", d.WanTransformer3DModel, WAN_T2V_14B, wan_inputs(WAN_T2V_14B),
             d.AutoencoderKLWan, WAN21_VAE),
        Case("wan2.1-i2v-14b", d.WanTransformer3DModel, WAN_I2V_14B, wan_inputs(WAN_I2V_14B, image=True),
             d.AutoencoderKLWan, WAN21_VAE),
        Case("wan2.2-ti2v-5b", d.WanTransformer3DModel, WAN22_TI2V_5B, wan_inputs(WAN22_TI2V_5B),
             d.AutoencoderKLWan, WAN22_VAE, as_run=wan_inputs(WAN22_TI2V_5B, per_token_timestep=True),
             note="the pipeline runs WanPipeline(expand_timesteps=True): the timestep MLP and the modulation "
                  "GEMMs run on every token. The judged rows count one timestep per video on both sides (vidperf "
                  "--implementation ideal); the 'per-token t' rows (reported, not judged) compare the reference as "
                  "the pipeline runs it with vidperf --implementation diffusers"),
        Case("wan2.2-t2v-a14b", d.WanTransformer3DModel, WAN22_T2V_A14B, wan_inputs(WAN22_T2V_A14B),
             d.AutoencoderKLWan, WAN21_VAE, experts=2),
        Case("wan2.2-i2v-a14b", d.WanTransformer3DModel, WAN22_I2V_A14B, wan_inputs(WAN22_I2V_A14B),
             d.AutoencoderKLWan, WAN21_VAE, experts=2),
        Case("wan2.1-vace-1.3b", d.WanVACETransformer3DModel, WAN_VACE_1_3B, wan_vace_inputs(WAN_VACE_1_3B),
             d.AutoencoderKLWan, WAN21_VAE),
        Case("wan2.1-vace-14b", d.WanVACETransformer3DModel, WAN_VACE_14B, wan_vace_inputs(WAN_VACE_14B),
             d.AutoencoderKLWan, WAN21_VAE),
        Case("skyreels-v2-df-14b-540p", d.SkyReelsV2Transformer3DModel, SKYREELS_DF_14B, skyreels_df_inputs,
             d.AutoencoderKLWan, WAN21_VAE,
             note="diffusion forcing: the denoiser rows are one call of one 25-latent-frame iteration (the "
                  "257-frame video makes 3); the decode is the whole video's, as diffusers runs it"),
        Case("cosmos-predict2-2b", d.CosmosTransformer3DModel, COSMOS2_2B, cosmos_inputs, d.AutoencoderKLWan, WAN21_VAE),
        Case("cosmos-predict2-14b", d.CosmosTransformer3DModel, COSMOS2_14B, cosmos_inputs, d.AutoencoderKLWan,
             WAN21_VAE),
        Case("cogvideox-2b", d.CogVideoXTransformer3DModel, COG_2B, cogvideox_inputs(COG_2B),
             d.AutoencoderKLCogVideoX, {}),
        Case("cogvideox-5b", d.CogVideoXTransformer3DModel, COG_5B, cogvideox_inputs(COG_5B),
             d.AutoencoderKLCogVideoX, {}),
        Case("cogvideox1.5-5b", d.CogVideoXTransformer3DModel, COG15_5B, cogvideox_inputs(COG15_5B),
             d.AutoencoderKLCogVideoX, dict(invert_scale_latents=True)),
        Case("hunyuanvideo", d.HunyuanVideoTransformer3DModel, HUNYUAN, hunyuan_inputs,
             d.AutoencoderKLHunyuanVideo, {}, tiling=True),
        Case("hunyuanvideo-i2v", d.HunyuanVideoTransformer3DModel, dict(HUNYUAN, image_condition_type="token_replace"),
             hunyuan_i2v_inputs, d.AutoencoderKLHunyuanVideo, {}, tiling=True,
             note="token_replace: the first latent frame's tokens take a second modulation (one adaLN GEMM per "
                  "block on one vector), which vidperf leaves out"),
        Case("mochi-1", d.MochiTransformer3DModel, {}, mochi_inputs, d.AutoencoderKLMochi, MOCHI_VAE, tiling=True,
             note="every one of the 256 prompt tokens counted as valid (diffusers drops padding tokens from the "
                  "joint attention)"),
        Case("ltx-video", d.LTXVideoTransformer3DModel, LTX_090, ltx_inputs, d.AutoencoderKLLTXVideo, LTX_090_VAE,
             decode=decode_ltx),
        Case("allegro", d.AllegroTransformer3DModel, {}, allegro_inputs, d.AutoencoderKLAllegro, {}, tiling=True,
             tiles_only=True),
        Case("kandinsky-5-t2v-lite", d.Kandinsky5Transformer3DModel, KANDINSKY5_LITE, kandinsky5_inputs,
             d.AutoencoderKLHunyuanVideo, {}),
        Case("hunyuanvideo-1.5-t2v", d.HunyuanVideo15Transformer3DModel, {}, hunyuan15_inputs,
             d.AutoencoderKLHunyuanVideo15, {}, tiling=True, call=hunyuan15_forward),
        Case("hunyuanvideo-1.5-i2v", d.HunyuanVideo15Transformer3DModel, {}, hunyuan15_inputs,
             d.AutoencoderKLHunyuanVideo15, {}, tiling=True, call=hunyuan15_forward,
             note="I2V: the same class and config as T2V (convert script 480p_i2v); the image tokens are real rather "
                  "than zeroed (an elementwise product either way)"),
        Case("ltx-video-13b", d.LTXVideoTransformer3DModel, LTX_097, ltx_13b_inputs, d.AutoencoderKLLTXVideo,
             LTX_097_VAE, decode=decode_ltx_timestep),
        Case("ltx-2", d.LTX2VideoTransformer3DModel, LTX2_TRANSFORMER, ltx2_inputs, d.AutoencoderKLLTX2Video,
             LTX2_VIDEO_VAE, decode=decode_ltx,
             passes=(("denoiser_stg", ltx2_inputs), ("denoiser_isolated", ltx2_isolated_inputs)),
             audio=(d.AutoencoderKLLTX2Audio, LTX2_AUDIO_VAE, LTX2Vocoder, LTX2_VOCODER,
                    lambda frames: round(frames / 24.0 * 16000 / 160 / 4)),
             modules=(("text_encoder", gemma3_12b_count, False), ("text_connectors", ltx2_connectors_count, True)),
             note="LTX2Pipeline's three calls per step: the prompt batched with the negative one, spatio-temporal "
                  "guidance (2.0's blocks take no perturbation: a whole call) and modality isolation (no "
                  "audio-to-video / video-to-audio attention), the last two on the prompt alone. Gemma 3's causal "
                  "attention: FlopCounterMode books scaled_dot_product_attention's whole square whether or not it is "
                  "causal, vidperf the causal kernel's half (shown, not judged)"),
        Case("svd-xt", d.UNetSpatioTemporalConditionModel, {}, svd_inputs, d.AutoencoderKLTemporalDecoder, SVD_VAE,
             decode=decode_svd),
        Case("flux.1-dev", d.FluxTransformer2DModel, FLUX_DEV, flux_inputs, d.AutoencoderKL, FLUX_VAE,
             decode=decode_image),
        Case("sd-1.5", d.UNet2DConditionModel, SD15, sd_inputs(768), d.AutoencoderKL, dict(SD_VAE, sample_size=512),
             decode=decode_image),
        Case("sdxl", d.UNet2DConditionModel, SDXL, sd_inputs(2048, xl=True), d.AutoencoderKL,
             dict(SD_VAE, sample_size=1024), decode=decode_image),
    ]


# --------------------------------------------------------------------------------------------------
# Counting

class Counter:
    """FLOPs by family under FlopCounterMode; attention is what scaled_dot_product_attention adds."""

    def __init__(self):
        self.mode = FlopCounterMode(display=False)
        self.attention = 0

    def __enter__(self):
        self.mode.__enter__()
        original = F.scaled_dot_product_attention

        def counted(*args, **kwargs):
            before = self.mode.get_total_flops()
            out = original(*args, **kwargs)
            self.attention += self.mode.get_total_flops() - before
            return out

        self._original = original
        torch.nn.functional.scaled_dot_product_attention = counted
        return self

    def __exit__(self, *exc):
        torch.nn.functional.scaled_dot_product_attention = self._original
        return self.mode.__exit__(*exc)

    def families(self):
        counts = {str(k): v for k, v in self.mode.get_flop_counts()["Global"].items()}
        conv = sum(v for k, v in counts.items() if "convolution" in k)
        matmul = sum(v for k, v in counts.items() if "convolution" not in k)
        return {"gemm": matmul - self.attention, "attention": self.attention, "conv": conv}


@contextlib.contextmanager
def meta_friendly():
    """Calls the reference code makes that meta tensors (or this environment) cannot take, replaced for the
    count: torch.nonzero on Mochi's prompt mask (every prompt token counts as valid), torch.autocast("meta")
    around Mochi's RoPE frequencies (a no-op: dtypes do not change FLOPs), and torchvision's nearest resize of
    Cosmos's padding mask (a shape change, no FLOPs; torchvision need not be installed)."""
    nonzero, autocast = torch.nonzero, torch.autocast
    import types
    from diffusers.models.transformers import transformer_cosmos

    def meta_resize(x, size, *args, **kwargs):
        return torch.empty(*x.shape[:-2], *size, device=x.device, dtype=x.dtype)

    had_transforms = hasattr(transformer_cosmos, "transforms")
    saved_transforms = getattr(transformer_cosmos, "transforms", None)
    transformer_cosmos.transforms = types.SimpleNamespace(
        functional=types.SimpleNamespace(resize=meta_resize),
        InterpolationMode=types.SimpleNamespace(NEAREST=None))

    def meta_nonzero(x, *args, **kwargs):
        if x.device.type != "meta":
            return nonzero(x, *args, **kwargs)
        idx = torch.arange(x.numel(), device="meta")
        return (idx,) if kwargs.get("as_tuple", False) else idx.unsqueeze(1)

    def meta_autocast(device_type, *args, **kwargs):
        return contextlib.nullcontext() if device_type == "meta" else autocast(device_type, *args, **kwargs)

    torch.nonzero, torch.autocast = meta_nonzero, meta_autocast
    try:
        yield
    finally:
        torch.nonzero, torch.autocast = nonzero, autocast
        if had_transforms:
            transformer_cosmos.transforms = saved_transforms
        else:
            del transformer_cosmos.transforms


def build(cls, cfg):
    with torch.device("meta"):
        model = cls(**cfg)
    # a few parameters are made with the legacy torch.Tensor([...]) constructor, which ignores the default device
    return model.to("meta").eval()


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def denoiser_count(case, work, inputs=None, batch=None):
    model = build(case.denoiser, case.denoiser_cfg)
    lat = work["latent"]
    b = batch or work["denoiser"]["calls_batch"]
    kwargs = (inputs or case.inputs)(b, lat["frames"], lat["height"], lat["width"])
    with torch.no_grad(), meta_friendly(), Counter() as c:
        (case.call or (lambda m, **kw: m(**kw)))(model, **kwargs)
    return count_parameters(model), c.families()


def can_tile(case):
    if case.tiles_only:
        return False
    return hasattr(build(case.vae, case.vae_cfg), "use_tiling")


def vae_count(case, work, tiling):
    vae = build(case.vae, case.vae_cfg)
    if tiling:
        vae.enable_tiling()
    lat = work["latent"]
    z = meta(work["workload"]["batch"], lat["channels"], lat["frames"], lat["height"], lat["width"])
    with torch.no_grad(), Counter() as c:
        case.decode(vae, z)
    return count_parameters(vae), c.families()


def gemma3_12b_count(work):
    """LTX2Pipeline's text encoder: transformers' Gemma3ForConditionalGeneration with google/gemma-3-12b-it's
    published config.json values, on the prompt and the negative prompt padded to 1024 tokens, every hidden
    state returned. The all-ones attention mask is left out (transformers' mask builder reads it with .item(),
    which meta tensors refuse); a mask of ones changes no FLOPs."""
    from transformers import Gemma3ForConditionalGeneration
    cfg = gemma3_12b_config()
    cfg._attn_implementation = cfg.text_config._attn_implementation = "sdpa"
    model = build(Gemma3ForConditionalGeneration, dict(config=cfg))
    ids = torch.zeros(work["denoiser"]["calls_batch"], 1024, dtype=torch.long, device="meta")
    with torch.no_grad(), Counter() as c:
        model(input_ids=ids, output_hidden_states=True)
    return count_parameters(model), c.families()


def gemma3_12b_config():
    """google/gemma-3-12b-it's published config.json values as transformers' Gemma3Config."""
    from transformers import Gemma3Config
    return Gemma3Config(
        boi_token_index=255999, eoi_token_index=256000, image_token_index=262144, mm_tokens_per_image=256,
        text_config=dict(head_dim=256, hidden_activation="gelu_pytorch_tanh", hidden_size=3840,
                         intermediate_size=15360, num_attention_heads=16, num_hidden_layers=48, num_key_value_heads=8,
                         query_pre_attn_scalar=256, rms_norm_eps=1e-6, sliding_window=1024, vocab_size=262208,
                         max_position_embeddings=131072, rope_theta=1000000,
                         rope_scaling=dict(factor=8.0, rope_type="linear")),
        vision_config=dict(hidden_size=1152, image_size=896, intermediate_size=4304, num_attention_heads=16,
                           num_hidden_layers=27, patch_size=14, vision_use_head=False))


def ltx2_connectors_count(work):
    """diffusers' LTX2TextConnectors (2.0 config) on the 49 stacked Gemma hidden states of both prompts."""
    from diffusers.pipelines.ltx2.connectors import LTX2TextConnectors
    model = build(LTX2TextConnectors, LTX2_CONNECTORS)
    b = work["denoiser"]["calls_batch"]
    with torch.no_grad(), Counter() as c:
        model(meta(b, 1024, 3840 * 49), torch.ones(b, 1024, device="meta"))
    return count_parameters(model), c.families()


def audio_count(case, work):
    vae_cls, vae_cfg, voc_cls, voc_cfg, latent_frames = case.audio
    vae, voc = build(vae_cls, vae_cfg), build(voc_cls, voc_cfg)
    wl = work["workload"]
    z = meta(wl["batch"], vae_cfg["latent_channels"], latent_frames(wl["frames"]), vae_cfg["mel_bins"] // 4)
    with torch.no_grad(), Counter() as c:
        mel = vae.decode(z, return_dict=False)[0]
    with torch.no_grad(), Counter() as v:
        voc(mel)
    return (count_parameters(vae), c.families()), (count_parameters(voc), v.families())


def implementations(binary):
    """`--implementation` values to pass: the architecture alone ("ideal") for the judged rows and diffusers' own
    code for the rows as the pipeline runs; none where this vidperf has no such option."""
    out = subprocess.run([binary, "shapes", "--help"], capture_output=True, text=True)
    if "--implementation" not in out.stdout:
        return [], []
    return ["--implementation", "ideal"], ["--implementation", "diffusers"]


def vidperf_shapes(binary, slug, *flags):
    cmd = [binary, "shapes", "--model", slug, *flags]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def stage(doc, name):
    for s in doc["stages"]:
        if s["name"] == name:
            return s
    raise RuntimeError(f"vidperf shapes for {doc['model']} has no stage '{name}'")


def compare(rows, slug, what, ref_params, ref_flops, vp_stage, judged=True, judge_attention=True):
    """Rows of one stage; True when parameters agree exactly and the judged FLOPs within TOLERANCE.

    A linear layer and a 1x1(x1) convolution, or a patch embedding written as a strided convolution and as a
    GEMM over patches, are the same work; the two codes choose differently (Wan's VAE attention projects with
    1x1 convolutions, vidperf with GEMMs), so GEMM and convolution FLOPs are shown apart and judged together.
    """
    vp = vp_stage["flops_per_call"]
    ref = dict(ref_flops, dense=ref_flops["gemm"] + ref_flops["conv"])
    mine = dict(gemm=vp["gemm"], conv=vp["conv"], attention=vp["attention"], dense=vp["gemm"] + vp["conv"])
    total = max(ref["dense"] + ref["attention"], mine["dense"] + mine["attention"])
    ok = ref_params == round(vp_stage["parameters"])
    rows.append((slug, what, "parameters", ref_params, vp_stage["parameters"], ("yes" if ok else "NO") if judged else "-"))
    for fam, label, judge in (("gemm", "GEMM FLOPs", False), ("conv", "conv FLOPs", False),
                              ("dense", "GEMM+conv FLOPs", True), ("attention", "attention FLOPs", judge_attention)):
        r, v = ref[fam], mine[fam]
        if not (judge and judged):
            rows.append((slug, what, label, r, v, "-"))
            continue
        good = max(r, v) <= NEGLIGIBLE * total or abs(v - r) <= TOLERANCE * max(r, 1)
        rows.append((slug, what, label, r, v, "yes" if good else "NO"))
        ok = ok and good
    return ok


def fmt_num(x, exact=False):
    return f"{x:,.0f}" if exact or abs(x) < 1e7 else f"{x:.6g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vidperf", required=True, help="the vidperf CLI")
    ap.add_argument("--only", default="", help="comma-separated preset slugs")
    ap.add_argument("--out", default="", help="also write the report to this file")
    args = ap.parse_args()

    lines = []

    def say(s=""):
        print(s)
        lines.append(s)

    say(f"# vidperf vs diffusers reference classes: parameters and FLOPs per call")
    version = subprocess.run([args.vidperf, "--version"], capture_output=True, text=True).stdout.strip()
    say(f"# generated {datetime.date.today().isoformat()} by validation/reference/count_reference.py, vidperf {version}")
    say(f"# torch {torch.__version__}, diffusers {diffusers.__version__}, python {platform.python_version()}")
    say(f"# FLOPs: torch.utils.flop_counter.FlopCounterMode on meta tensors (2 per multiply-add); families judged "
        f"within {TOLERANCE:.0%}")
    rows, notes, failures = [], [], []
    only = {s for s in args.only.split(",") if s}
    ideal, as_run = implementations(args.vidperf)
    say(f"# vidperf shapes {' '.join(ideal) or '(no --implementation option)'}; decodes as each pipeline sets up the "
        f"VAE, then with vae.enable_tiling() switched the other way (--vae-tiling / --no-vae-tiling)")
    say()
    for case in cases():
        if only and case.slug not in only:
            continue
        try:
            doc = vidperf_shapes(args.vidperf, case.slug, *ideal)
            p, f = denoiser_count(case, doc)
            ok = compare(rows, case.slug, "denoiser", p, f, stage(doc, "denoiser"))
            if case.experts == 2:  # the low-noise expert: the same reference class and config
                ok = compare(rows, case.slug, "denoiser_2", p, f, stage(doc, "denoiser_2")) and ok
            for name, inputs in case.passes:
                p, f = denoiser_count(case, doc, inputs, batch=doc["workload"]["batch"])
                ok = compare(rows, case.slug, name, p, f, stage(doc, name)) and ok
            for name, count, judge_attention in case.modules:
                try:
                    p, f = count(doc)
                except ImportError as e:
                    notes.append(f"{case.slug}: {name} not compared: {e.name} is not installed")
                    continue
                ok = compare(rows, case.slug, name, p, f, stage(doc, name), judge_attention=judge_attention) and ok
            if case.audio:
                (pa, fa), (pv, fv) = audio_count(case, doc)
                ok = compare(rows, case.slug, "audio_vae_decode", pa, fa, stage(doc, "audio_vae_decode")) and ok
                ok = compare(rows, case.slug, "vocoder", pv, fv, stage(doc, "vocoder")) and ok
            if case.as_run:
                run_doc = vidperf_shapes(args.vidperf, case.slug, *as_run)
                p, f = denoiser_count(case, doc, case.as_run)
                compare(rows, case.slug, "denoiser per-token t", p, f, stage(run_doc, "denoiser"), judged=False)
            # the decode as the pipeline sets it up, then with vae.enable_tiling() switched the other way
            p, f = vae_count(case, doc, case.tiling)  # the decode's FLOPs do not depend on the implementation
            ok = compare(rows, case.slug, "vae_decode" + (" tiled" if case.tiling else ""), p, f,
                         stage(doc, "vae_decode")) and ok
            if can_tile(case):
                other = vidperf_shapes(args.vidperf, case.slug, *ideal,
                                       "--no-vae-tiling" if case.tiling else "--vae-tiling")
                p, f = vae_count(case, other, not case.tiling)
                ok = compare(rows, case.slug, "vae_decode" + (" untiled" if case.tiling else " tiled"), p, f,
                             stage(other, "vae_decode")) and ok
        except Exception as e:  # a broken class or CLI is an error, not a difference
            say(f"ERROR {case.slug}: {type(e).__name__}: {e}")
            return 2
        if case.note:
            notes.append(f"{case.slug}: {case.note}")
        if not ok:
            failures.append(case.slug)

    say(f"{'model':<23} {'stage':<19} {'quantity':<17} {'reference':>17} {'vidperf':>17} {'diff':>8}  ok")
    for slug, what, q, ref, v, good in rows:
        exact = q == "parameters"
        diff = f"{(v - ref) / ref * 100:>+7.2f}%" if ref else ("    0  " if v == 0 else "    new")
        say(f"{slug:<23} {what:<19} {q:<17} {fmt_num(ref, exact):>17} {fmt_num(v, exact):>17} {diff:>8}  {good}")
    say()
    for n in notes:
        say(f"note: {n}")
    say()
    say("all agree" if not failures else f"differences: {', '.join(failures)}")
    if args.out:
        with open(args.out, "w") as fh:
            fh.write("\n".join(lines) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
