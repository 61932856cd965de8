#pragma once
/// \file
/// Model presets built from the models' published configurations. Each field
/// group cites the configuration it was read from (docs/presets-sources.md
/// has the full table with repository paths and commits).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/models/model.hpp>

namespace vidperf {

namespace presets_detail {

// ---- encoders
[[nodiscard]] constexpr encoder_spec umt5_xxl(extent tokens) {
    // google/umt5-xxl encoder (Wan 2.x text encoder): 24 layers, d_model 4096, 64 heads x 64,
    // gated-GELU d_ff 10240, vocab 256384, relative-position bias in every layer (32 buckets)
    encoder_spec e;
    e.kind = encoder_kind::t5;
    e.name = "umt5-xxl-encoder";
    e.layers = 24;
    e.d_model = 4096;
    e.heads = 64;
    e.head_dim = 64;
    e.d_ff = 10240;
    e.vocab = 256384;
    e.tokens = tokens;
    e.relative_buckets = 32;
    e.per_layer_bias = true;
    return e;
}

[[nodiscard]] constexpr encoder_spec t5_xxl(extent tokens) {
    // google/t5-v1_1-xxl encoder: as umT5-XXL but vocab 32128 and one shared relative bias table
    encoder_spec e = umt5_xxl(tokens);
    e.name = "t5-v1.1-xxl-encoder";
    e.vocab = 32128;
    e.per_layer_bias = false;
    return e;
}

[[nodiscard]] constexpr encoder_spec t5_11b(extent tokens) {
    // google-t5/t5-11b encoder (Cosmos-Predict2's text encoder): T5 1.0, 24 layers, d_model 1024, 128 heads x
    // d_kv 128, a ReLU feed-forward of d_ff 65536 (not v1.1's gated GELU), vocab 32128, 32 relative buckets
    encoder_spec e = t5_xxl(tokens);
    e.name = "t5-11b-encoder";
    e.d_model = 1024;
    e.heads = 128;
    e.head_dim = 128;
    e.d_ff = 65536;
    e.relu_ffn = true;
    return e;
}

[[nodiscard]] constexpr encoder_spec clip_l_text() {
    // openai/clip-vit-large-patch14 text tower: 12 layers, width 768, 12 heads, MLP 3072, vocab 49408, 77 tokens
    encoder_spec e;
    e.kind = encoder_kind::clip_text;
    e.name = "clip-vit-l-14-text";
    e.layers = 12;
    e.d_model = 768;
    e.heads = 12;
    e.d_ff = 3072;
    e.vocab = 49408;
    e.tokens = 77;
    return e;
}

[[nodiscard]] constexpr encoder_spec openclip_bigg_text() {
    // laion/CLIP-ViT-bigG-14 text tower (SDXL's text_encoder_2, CLIPTextModelWithProjection): 32 layers,
    // width 1280, 20 heads, MLP 5120, vocab 49408, 77 tokens, a 1280 x 1280 projection of the pooled token
    encoder_spec e = clip_l_text();
    e.name = "openclip-vit-bigg-14-text";
    e.layers = 32;
    e.d_model = 1280;
    e.heads = 20;
    e.d_ff = 5120;
    e.projection = 1280;
    return e;
}

[[nodiscard]] constexpr encoder_spec llava_llama3_8b() {
    // xtuner/llava-llama-3-8b-v1_1 language model (HunyuanVideo's text encoder): Llama-3-8B, 32 layers,
    // hidden 4096, 32 heads, 8 KV heads, SwiGLU 14336, vocab 128256; HunyuanVideo reads the hidden state
    // two layers before the last (hidden_state_skip_layer = 2), text_len 256
    encoder_spec e;
    e.kind = encoder_kind::llama;
    e.name = "llava-llama-3-8b";
    e.layers = 32;
    e.run_layers = 30;
    e.d_model = 4096;
    e.heads = 32;
    e.kv_heads = 8;
    e.d_ff = 14336;
    e.vocab = 128256;
    e.tokens = 256;
    return e;
}

[[nodiscard]] constexpr encoder_spec qwen25_vl_7b_text() {
    // Qwen/Qwen2.5-VL-7B-Instruct as Kandinsky 5 runs it (Qwen2_5_VLForConditionalGeneration on the prompt in
    // a chat template): the language model (28 layers, hidden 3584, 28 heads, 4 KV heads, SwiGLU 18944, vocab
    // 152064, q/k/v biases; 7,070,619,136 parameters), the untied lm_head computing logits at every position,
    // and the vision tower loaded but not run (676,550,144: transformers' Qwen2_5_VLVisionConfig with
    // out_hidden_size 3584; all three give 8,292,166,656, the model card's 8.29B). 128 template tokens before
    // the prompt's; the last hidden state (after the final norm) is read.
    encoder_spec e;
    e.kind = encoder_kind::llama;
    e.name = "qwen2.5-vl-7b";
    e.layers = 28;
    e.d_model = 3584;
    e.heads = 28;
    e.kv_heads = 4;
    e.d_ff = 18944;
    e.vocab = 152064;
    e.tokens = 128 + 256;
    e.qkv_bias = true;
    e.lm_head = true;
    e.idle_parameters = 676550144.0;
    return e;
}

[[nodiscard]] constexpr encoder_spec qwen25_vl_7b_language_model(extent tokens) {
    // Qwen2.5-VL-7B's language model alone (Qwen2_5_VLTextModel, as diffusers' HunyuanVideo 1.5 conversion
    // keeps it): 7,070,619,136 parameters; every layer runs (the hidden state two before the last is read)
    encoder_spec e = qwen25_vl_7b_text();
    e.name = "qwen2.5-vl-7b-language-model";
    e.lm_head = false;
    e.idle_parameters = 0;
    e.tokens = tokens;
    return e;
}

[[nodiscard]] constexpr encoder_spec byt5_small_glyph() {
    // google/byt5-small's encoder with Glyph-SDXL-v2 weights (HunyuanVideo 1.5's text_encoder_2): T5 v1.1
    // layout, 12 layers, d_model 1472, 6 heads x d_kv 64, gated-GELU d_ff 3584, vocab 384 (the glyph
    // tokenizer's added colour and font tokens not counted: their number was not found), 32 relative
    // buckets; 256 tokens of the prompt's quoted text (not run when the prompt quotes nothing)
    encoder_spec e;
    e.kind = encoder_kind::t5;
    e.name = "byt5-small-glyph";
    e.layers = 12;
    e.d_model = 1472;
    e.heads = 6;
    e.head_dim = 64;
    e.d_ff = 3584;
    e.vocab = 384;
    e.tokens = 256;
    e.relative_buckets = 32;
    return e;
}

[[nodiscard]] constexpr encoder_spec siglip_so400m_vision() {
    // google/siglip-so400m-patch14-384's vision tower (HunyuanVideo 1.5 I2V's image_encoder, from
    // black-forest-labs/FLUX.1-Redux-dev): 27 layers, hidden 1152, 16 heads, MLP 4304, patch 14 at 384 px: 729
    // tokens, no class token; the attention-pooling head (15,238,352 parameters) runs on one probe token and
    // its output is not read: counted as weights only. 428,225,600 parameters (transformers on the meta device)
    encoder_spec e;
    e.kind = encoder_kind::clip_vision;
    e.name = "siglip-so400m-vision";
    e.layers = 27;
    e.d_model = 1152;
    e.heads = 16;
    e.d_ff = 4304;
    e.tokens = 729;
    e.patch = 14;
    e.image_size = 384;
    e.siglip = true;
    e.idle_parameters = 15238352.0;
    return e;
}

[[nodiscard]] constexpr encoder_spec clip_h_vision() {
    // open-clip xlm-roberta-large-vit-huge-14 vision tower (Wan I2V): 32 layers, width 1280, 16 heads,
    // MLP 5120, patch 14 at 224 px: 256 patches + class token
    encoder_spec e;
    e.kind = encoder_kind::clip_vision;
    e.name = "clip-vit-h-14-vision";
    e.layers = 32;
    e.d_model = 1280;
    e.heads = 16;
    e.d_ff = 5120;
    e.tokens = 257;
    e.patch = 14;
    e.image_size = 224;
    return e;
}

[[nodiscard]] constexpr encoder_spec clip_l336_vision() {
    // openai/clip-vit-large-patch14-336 vision tower (the vision tower of xtuner/llava-llama-3-8b-v1_1, which
    // HunyuanVideo-I2V's text encoder runs on the conditioning image): 24 layers, width 1024, 16 heads, MLP
    // 4096, patch 14 at 336 px: 576 patches + class token; LLaVA reads the hidden state one layer before the
    // last (vision_feature_layer -2). 303,507,456 parameters (CLIPVisionModel); LLaVA's two-layer projector
    // (1024 -> 4096 -> 4096, 20,979,712 parameters) is not modelled
    encoder_spec e = clip_h_vision(); // the same tower kind and patch 14
    e.name = "clip-vit-l-14-336-vision";
    e.layers = 24;
    e.run_layers = 23;
    e.d_model = 1024;
    e.d_ff = 4096;
    e.tokens = 577;
    e.image_size = 336;
    return e;
}

// ---- VAEs (docs/vae-sources.md: layer tables and the hand counts these reproduce)
[[nodiscard]] constexpr vae_spec wan21_vae() {
    // Wan-VAE (Wan2.1 wan/modules/vae.py _video_vae): dim 96, z 16, dim_mult [1, 2, 4, 4], 2 res blocks,
    // temperal_downsample [False, True, True]; the decoder's up-samplers halve the width.
    // 126,892,531 parameters (encoder 53,595,872, decoder 73,295,331, conv1 + conv2 1,328)
    vae_spec v;
    v.name = "wan2.1-vae";
    v.family = vae_family::wan;
    v.latent_channels = 16;
    v.widths = {96, 192, 384, 384};
    v.layers = {2, 2, 2, 2, 1};
    v.down_t = {1, 2, 2, 1};
    v.down_s = {2, 2, 2, 1};
    v.upsample_halves = true;
    v.temporal_compression = 4;
    v.spatial_compression = 8;
    v.temporal_chunk = 1; // decode() runs one latent frame at a time through a causal feature cache
    // diffusers AutoencoderKLWan: 256 px tiles every 192 px with enable_tiling(); the encoder cuts them from the
    // patchified input
    v.tiles = {256, 256, 192, 192, 0, 0, false, true};
    return v;
}

[[nodiscard]] constexpr vae_spec wan22_vae() {
    // Wan2.2-VAE (Wan2.2 wan/modules/vae2_2.py Wan2_2_VAE): 2x2 patchify, encoder dim 160, decoder dim 256,
    // z 48, dim_mult [1, 2, 4, 4], 2 res blocks, temperal_downsample [False, True, True]; up-samplers keep
    // the width. 704,688,668 parameters (encoder 149,627,776, decoder 555,049,228, latent convs 11,664)
    vae_spec v = wan21_vae();
    v.name = "wan2.2-vae";
    v.latent_channels = 48;
    v.widths = {160, 320, 640, 640};
    v.decoder_widths = {256, 512, 1024, 1024};
    v.patch = 2;
    v.upsample_halves = false;
    v.spatial_compression = 16;
    return v;
}

[[nodiscard]] constexpr vae_spec hunyuan_vae() {
    // HunyuanVideo 3D causal VAE (diffusers AutoencoderKLHunyuanVideo): z 16, block_out_channels
    // (128, 256, 512, 512), layers_per_block 2, time down-sampling in encoder blocks 1 and 2 and time
    // up-sampling in decoder blocks 1 and 2, quant convs. 246,478,803 parameters
    vae_spec v;
    v.name = "hunyuanvideo-vae";
    v.family = vae_family::hunyuan;
    v.latent_channels = 16;
    v.widths = {128, 256, 512, 512};
    v.layers = {2, 2, 2, 2, 1};
    v.down_t = {1, 2, 2, 1};
    v.down_s = {2, 2, 2, 1};
    v.up_t = {1, 2, 2};
    // diffusers AutoencoderKLHunyuanVideo: use_framewise_decoding on by default, 16 + 1 frame temporal tiles
    // every 12 frames; 256 px spatial tiles every 192 px with enable_tiling()
    v.tiles = {256, 256, 192, 192, 16, 12, true};
    return v;
}

[[nodiscard]] constexpr vae_spec cogvideox_vae() {
    // CogVideoX 3D causal VAE (diffusers AutoencoderKLCogVideoX defaults): z 16, block_out_channels
    // (128, 256, 256, 512), layers_per_block 3, compress_time in the first two encoder and decoder blocks,
    // spatial norms in the decoder, no attention, no quant convs. 215,583,907 parameters
    vae_spec v;
    v.name = "cogvideox-vae";
    v.family = vae_family::cogvideox;
    v.latent_channels = 16;
    v.widths = {128, 256, 256, 512};
    v.layers = {3, 3, 3, 3, 2};
    v.down_t = {2, 2, 1, 1};
    v.down_s = {2, 2, 2, 1};
    v.up_t = {2, 2, 1};
    v.temporal_chunk = 2; // diffusers decodes num_latent_frames_batch_size = 2 latent frames at a time
    // diffusers AutoencoderKLCogVideoX with enable_tiling(): tiles of half the config's sample size (480 x 720)
    // overlapping by 1/6 of their height and 1/5 of their width (latent strides int(30 * 5/6), int(45 * 4/5))
    v.tiles = {240, 360, 200, 288};
    return v;
}

[[nodiscard]] constexpr vae_spec mochi_vae() {
    // Mochi 1 AsymmVAE (diffusers AutoencoderKLMochi = genmo/mochi-1-preview vae): z 12, encoder widths
    // (64, 128, 256, 384), decoder widths (128, 256, 512, 768), layers_per_block (3, 3, 4, 6, 3), temporal
    // expansions (1, 2, 3), spatial (2, 2, 2). Decoder 362,526,595 parameters (README: "362M"), encoder
    // 97,222,016
    vae_spec v;
    v.name = "mochi-vae";
    v.family = vae_family::mochi;
    v.latent_channels = 12;
    v.widths = {64, 128, 256, 384};
    v.decoder_widths = {128, 256, 512, 768};
    v.layers = {3, 3, 4, 6, 3};
    v.down_t = {1, 2, 3, 1};
    v.down_s = {2, 2, 2, 1};
    v.temporal_compression = 6;
    v.spatial_compression = 8;
    v.tiles = {256, 256, 192, 192}; // diffusers AutoencoderKLMochi with enable_tiling(); framewise decoding off
    return v;
}

[[nodiscard]] constexpr vae_spec ltx_vae() {
    // LTX-Video 0.9.0 VAE (diffusers AutoencoderKLLTXVideo, Lightricks/LTX-Video vae/config.json): 4x4
    // patchify, block_out_channels (128, 256, 512, 512), layers_per_block (4, 3, 3, 3, 4),
    // spatio_temporal_scaling (True, True, True, False), 128 latent channels: 8x temporal, 32x spatial.
    // 419,193,649 parameters (encoder 180,404,353, decoder 238,789,296)
    vae_spec v;
    v.name = "ltx-video-vae";
    v.family = vae_family::ltx;
    v.latent_channels = 128;
    v.widths = {128, 256, 512, 512};
    v.layers = {4, 3, 3, 3, 4};
    v.down_t = {2, 2, 2, 1};
    v.down_s = {2, 2, 2, 1};
    v.patch = 4;
    v.temporal_compression = 8;
    v.spatial_compression = 32;
    // diffusers AutoencoderKLLTXVideo: 512 px tiles every 448 px with enable_tiling(); 16 + 1 frame temporal
    // tiles every 8 frames only with use_framewise_decoding, off by default
    v.tiles = {512, 512, 448, 448, 16, 8, false};
    return v;
}

[[nodiscard]] constexpr vae_spec ltx_095_vae() {
    // LTX-Video 0.9.5 / 0.9.7 VAE (diffusers scripts/convert_ltx_to_diffusers.py get_vae_config("0.9.7"), the
    // same as "0.9.5"): block_out_channels (128, 256, 512, 1024, 2048), 4 LTXVideo095DownBlock3D with
    // layers_per_block (4, 6, 6, 2, 2) and downsample_type (spatial, temporal, spatiotemporal, spatiotemporal);
    // decoder_block_out_channels (256, 512, 1024) halved by upsample_factor 2 (up blocks at 512, 256, 128 behind
    // a middle block at 1024), decoder_layers_per_block (5, 5, 5, 5), upsample_residual, timestep_conditioning.
    // 1,246,913,522 parameters (encoder 694,098,881, decoder 552,814,641)
    vae_spec v;
    v.name = "ltx-video-0.9.5-vae";
    v.family = vae_family::ltx_095;
    v.latent_channels = 128;
    v.widths = {128, 256, 512, 1024};
    v.mid_width = 2048;
    v.decoder_widths = {128, 256, 512, 1024};
    v.layers = {4, 6, 6, 2, 2};
    v.decoder_layers = {5, 5, 5, 0, 5};
    v.down_t = {1, 2, 2, 2};
    v.down_s = {2, 1, 2, 2};
    v.patch = 4;
    v.temporal_compression = 8;
    v.spatial_compression = 32;
    v.tiles = ltx_vae().tiles; // the same class and tiling defaults as 0.9.0
    return v;
}

[[nodiscard]] constexpr vae_spec allegro_vae() {
    // Allegro's VAE (diffusers AutoencoderKLAllegro; rhymes-ai/Allegro vae/config.json, the class defaults):
    // block_out_channels (128, 256, 512, 512), 2 layers per block (3 in the decoder), 4 latent channels,
    // temporal_downsample_blocks (T, T, F, F) / temporal_upsample_blocks (F, T, T, F): 4x temporal, 8x
    // spatial. 174,955,751 parameters (encoder 64,001,032 with quant_conv 72, decoder 110,954,647 with
    // post_quant_conv 20). It decodes only in tiles of 24 x 320 x 320 pixels every 16 x 200 x 240 (the
    // class's kernel and stride; the original config's chunk_len 24, t_over 8, tile_overlap (120, 80)).
    vae_spec v;
    v.name = "allegro-vae";
    v.family = vae_family::allegro;
    v.latent_channels = 4;
    v.widths = {128, 256, 512, 512};
    v.layers = {2, 2, 2, 2, 1};
    v.down_t = {2, 2, 1, 1};
    v.down_s = {2, 2, 2, 1};
    v.temporal_compression = 4;
    v.spatial_compression = 8;
    v.tiles = {320, 320, 200, 240, 24, 16};
    v.tiles.fixed_grid = true;
    return v;
}

[[nodiscard]] constexpr vae_spec hunyuan15_vae() {
    // HunyuanVideo 1.5's VAE (diffusers AutoencoderKLHunyuanVideo15 defaults, the values of the published
    // vae/config.json): block_out_channels (128, 256, 512, 1024, 1024), layers_per_block 2, 32 latent channels,
    // ffactor_spatial 16, ffactor_temporal 4 (levels 2 and 3 re-sample time too). 1,260,634,115 parameters
    // (encoder 389,324,544, decoder 871,309,571). Tiled with enable_tiling() only: 256 px tiles overlapping
    // by a quarter (stride 192 px), every frame in each tile.
    vae_spec v;
    v.name = "hunyuanvideo-1.5-vae";
    v.family = vae_family::hunyuan15;
    v.latent_channels = 32;
    v.widths = {128, 256, 512, 1024};
    v.mid_width = 1024;
    v.layers = {2, 2, 2, 2, 2};
    v.down_t = {1, 1, 2, 2};
    v.down_s = {2, 2, 2, 2};
    v.temporal_compression = 4;
    v.spatial_compression = 16;
    v.tiles = {256, 256, 192, 192};
    return v;
}

[[nodiscard]] constexpr vae_spec svd_vae() {
    // SVD-XT AutoencoderKLTemporalDecoder: the SD image VAE encoder (block_out_channels 128/256/512/512, 2
    // layers per block, 4 latent channels) and a decoder whose resnets each add a temporal resnet; decoded
    // decode_chunk_size frames at a time. Encoder 34,163,592, decoder 63,579,183, quant_conv 72
    vae_spec v;
    v.name = "svd-temporal-decoder-vae";
    v.family = vae_family::svd;
    v.latent_channels = 4;
    v.widths = {128, 256, 512, 512};
    v.layers = {2, 2, 2, 2, 1};
    v.down_t = {1, 1, 1, 1};
    v.down_s = {2, 2, 2, 1};
    v.temporal_compression = 1;
    v.spatial_compression = 8;
    v.temporal_chunk = 8;
    return v;
}

[[nodiscard]] constexpr vae_spec flux_vae() {
    // FLUX.1 VAE (black-forest-labs/FLUX.1-dev vae/config.json, diffusers AutoencoderKL): latent_channels 16,
    // block_out_channels (128, 256, 512, 512), layers_per_block 2, 4 DownEncoderBlock2D / UpDecoderBlock2D,
    // use_quant_conv and use_post_quant_conv false. 83,819,683 parameters (encoder 34,274,208, decoder
    // 49,545,475; diffusers AutoencoderKL on the meta device). The levels are SVD's image encoder's.
    vae_spec v = svd_vae();
    v.name = "flux-vae";
    v.family = vae_family::image;
    v.latent_channels = 16;
    v.temporal_chunk = 0;
    v.quant_convs = false;
    // AutoencoderKL.enable_tiling(): tiles of the config's sample_size (1024 px) overlapping by a quarter
    v.tiles = {1024, 1024, 768, 768};
    return v;
}

[[nodiscard]] constexpr vae_spec sd_vae(extent sample_size) {
    // Stable Diffusion's VAE (diffusers AutoencoderKL; stable-diffusion-v1-5 and stable-diffusion-xl-base-1.0
    // vae/config.json): FLUX's levels with 4 latent channels and both 1x1 quant convs. 83,653,863 parameters
    vae_spec v = flux_vae();
    v.name = "sd-vae";
    v.latent_channels = 4;
    v.quant_convs = true;
    // enable_tiling(): tiles of the config's sample_size overlapping by a quarter
    v.tiles = {sample_size, sample_size, sample_size * 3 / 4, sample_size * 3 / 4};
    return v;
}

[[nodiscard]] constexpr latent_rule rule(extent tc, extent sc, extent pt, extent ps, extent multiple) {
    latent_rule r;
    r.temporal_compression = tc;
    r.spatial_compression = sc;
    r.patch_t = pt;
    r.patch_h = ps;
    r.patch_w = ps;
    r.causal = true;
    r.size_multiple = multiple;
    return r;
}

[[nodiscard]] constexpr video_workload workload(extent w, extent h, extent f, extent steps, cfg_mode cfg) {
    video_workload v;
    v.width = w;
    v.height = h;
    v.frames = f;
    v.steps = steps;
    v.cfg = cfg;
    return v;
}

[[nodiscard]] constexpr denoiser_spec wan_dit(extent layers, extent hidden, extent heads, extent ffn, extent in,
                                              extent out) {
    denoiser_spec d;
    d.family = denoiser_family::dit_cross;
    d.layers = layers;
    d.hidden = hidden;
    d.heads = heads;
    d.head_dim = 128;
    d.ffn = ffn;
    d.in_channels = in;
    d.out_channels = out;
    d.text_dim = 4096;
    d.text_tokens = 512;
    d.code = reference_code::wan;
    return d;
}

inline constexpr std::string_view wan21_src =
    "Wan-Video/Wan2.1 wan/configs (t2v_1_3B, t2v_14B, i2v_14B), wan/modules/model.py; Wan2.1 README. "
    "Guidance runs as two model calls per step (wan/text2video.py): cfg sequential";

[[nodiscard]] constexpr model_spec wan(std::string_view slug, std::string_view name, task_kind task,
                                       denoiser_spec d, video_workload std_w) {
    model_spec m;
    m.slug = slug;
    m.name = name;
    m.task = task;
    m.source = wan21_src;
    m.latent = rule(4, 8, 1, 2, 16);
    m.denoiser = d;
    m.text_encoders[0] = umt5_xxl(512);
    m.vae = wan21_vae();
    m.standard = std_w;
    m.standard.impl = implementation::official; // the README runs generate.py of the model's own repository
    m.denoiser.official_fp32_weights = true;     // Wan2.1's generate.py holds the DiT in fp32 (autocast bf16)
    return m;
}

[[nodiscard]] constexpr model_spec make_wan21_vace(std::string_view slug, std::string_view name, denoiser_spec d,
                                                   extent blocks, extent stride, video_workload std_w) {
    // Wan2.1-VACE (diffusers scripts/convert_wan_to_diffusers.py "Wan-VACE-1.3B": vace_layers 0, 2, ..., 28;
    // "Wan-VACE-14B": 0, 5, ..., 35; vace_in_channels 96): Wan2.1's DiT with VACE blocks on the control
    // latents. The pipelines encode the control video twice (video x (1 - mask) and video x mask: Wan2.1
    // wan/vace.py vace_encode_frames, diffusers WanVACEPipeline.prepare_video_latents), a zero video with an
    // all-ones mask when none is given; reference images (extra latent frames) are not in the standard
    d.vace_blocks = blocks;
    d.vace_stride = stride;
    d.vace_in_channels = 96;
    model_spec m = wan(slug, name, task_kind::v2v, d, std_w);
    m.source = "Wan-Video/Wan2.1 README (VACE: generate.py --task vace-1.3B / vace-14B) and wan/vace.py; diffusers "
               "WanVACETransformer3DModel";
    m.encode_passes = 2;
    return m;
}

[[nodiscard]] constexpr model_spec make_skyreels_v2_df_14b() {
    // Skywork/SkyReels-V2-DF-14B-540P (diffusers scripts/convert_skyreelsv2_to_diffusers.py
    // "SkyReels-V2-DF-14B-540P": Wan2.1-T2V-14B's DiT, inject_sample_info false): diffusion forcing, a timestep
    // per latent frame. README @ abed76f, synchronous 10 s video: generate_video_df.py --resolution 540P
    // --ar_step 0 --base_num_frames 97 --num_frames 257 --overlap_history 17; generate_video_df.py defaults:
    // 30 steps, guidance 6.0 (two passes), shift 8.0. 540P is 960 x 544. The code is Wan2.1's (fp32 norms and
    // modulation, float64 RoPE tables, an fp32 VAE) with the DiT loaded in bf16.
    denoiser_spec d = wan_dit(40, 5120, 40, 13824, 16, 16);
    d.per_frame_timesteps = true;
    model_spec m = wan("skyreels-v2-df-14b-540p", "SkyReels-V2-DF-14B-540P", task_kind::t2v, d,
                       workload(960, 544, 257, 30, cfg_mode::sequential));
    m.source = "SkyworkAI/SkyReels-V2 README and generate_video_df.py (diffusion forcing); diffusers "
               "SkyReelsV2Transformer3DModel";
    m.denoiser.official_fp32_weights = false; // get_transformer(..., weight_dtype=torch.bfloat16)
    m.forcing = {97, 17};
    return m;
}

[[nodiscard]] constexpr model_spec make_wan21_i2v_14b() {
    denoiser_spec d = wan_dit(40, 5120, 40, 13824, 36, 16); // 16 noise + 4 mask + 16 condition channels
    d.image_tokens = 257;
    d.image_dim = 1280;
    model_spec m = wan("wan2.1-i2v-14b", "Wan2.1-I2V-14B-720P", task_kind::i2v, d,
                       workload(1280, 720, 81, 40, cfg_mode::sequential));
    m.image_encoder = clip_h_vision();
    m.has_image_encoder = true;
    return m;
}

[[nodiscard]] constexpr model_spec make_wan22_ti2v_5b() {
    model_spec m = wan("wan2.2-ti2v-5b", "Wan2.2-TI2V-5B", task_kind::ti2v, wan_dit(30, 3072, 24, 14336, 48, 48),
                       workload(1280, 704, 121, 50, cfg_mode::sequential));
    m.source = "Wan-Video/Wan2.2 wan/configs/wan_ti2v_5B.py; Wan2.2 README (720P = 1280x704, 121 frames)";
    m.latent = rule(4, 16, 1, 2, 32);
    m.vae = wan22_vae();
    // the timestep MLP runs per token: every Wan2.2 model in the official code (wan/modules/model.py:460-469),
    // TI2V-5B in diffusers (its model_index sets expand_timesteps)
    m.denoiser.expand_timesteps = true;
    m.denoiser.official_expand_timesteps = true;
    m.denoiser.official_fp32_weights = false; // the Wan2.2 README's commands pass --convert_model_dtype (bf16)
    return m;
}

[[nodiscard]] constexpr model_spec make_wan22_a14b(std::string_view slug, std::string_view name, task_kind task,
                                                   extent in_channels, double boundary, double official_shift) {
    // Wan2.2 wan/configs/wan_t2v_A14B.py and wan_i2v_A14B.py: two experts (high_noise_model, low_noise_model),
    // each the Wan2.1 14B DiT (dim 5120, ffn 13824, 40 heads, 40 layers); I2V takes 16 noise + 4 mask + 16
    // condition channels and has no CLIP image branch; the Wan2.1 VAE (Wan2.1_VAE.pth, stride 4 x 8 x 8);
    // sample_steps 40, sample_guide_scale two scales run as two calls per step, 1280x720 x 81 frames
    model_spec m = wan(slug, name, task, wan_dit(40, 5120, 40, 13824, in_channels, 16),
                       workload(1280, 720, 81, 40, cfg_mode::sequential));
    m.source = "Wan-Video/Wan2.2 wan/configs/wan_t2v_A14B.py, wan_i2v_A14B.py, wan/text2video.py, "
               "wan/image2video.py; Wan2.2 README (1280*720, --offload_model True --convert_model_dtype). "
               "Guidance runs as two model calls per step: cfg sequential";
    m.experts.two_experts = true;
    m.experts.boundary = boundary;             // t2v 0.875, i2v 0.900 (config `boundary`, diffusers boundary_ratio)
    m.experts.official_shift = official_shift; // sample_shift: t2v 12.0, i2v 5.0
    m.experts.diffusers_shift = 3.0;           // convert_wan_to_diffusers.py:1187-1192: flow_shift 3.0
    // the official code runs the timestep MLP per token for every Wan2.2 model (model.py:460-469); diffusers'
    // A14B pipelines are written without expand_timesteps
    m.denoiser.official_expand_timesteps = true;
    m.denoiser.official_fp32_weights = false; // the README's commands pass --convert_model_dtype (bf16)
    return m;
}

[[nodiscard]] constexpr model_spec make_cogvideox(std::string_view slug, std::string_view name, extent layers,
                                                  extent hidden, extent heads, bool qk_norm, bool rotary,
                                                  extent width, extent height, extent frames, extent patch_t) {
    denoiser_spec d;
    d.family = denoiser_family::mmdit_joint;
    d.layers = layers;
    d.hidden = hidden;
    d.heads = heads;
    d.head_dim = 64;
    d.ffn = 4 * hidden;
    d.in_channels = 16;
    d.out_channels = 16;
    d.text_dim = 4096;
    d.text_tokens = 226;
    d.time_embed_dim = 512;
    d.time_freq_dim = hidden; // time_proj = Timesteps(inner_dim): the timestep MLP takes the full width
    d.qk_norm = qk_norm;
    d.rotary = rotary; // use_rotary_positional_embeddings (convert_cogvideox_to_diffusers.py: 2b false, 5b true)
    d.code = reference_code::cogvideox;
    model_spec m;
    m.slug = slug;
    m.name = name;
    m.task = task_kind::t2v;
    m.source = "THUDM/CogVideo and diffusers CogVideoXTransformer3DModel configs (transformer/config.json)";
    m.latent = rule(4, 8, patch_t, 2, 16);
    m.denoiser = d;
    m.text_encoders[0] = t5_xxl(226);
    m.vae = cogvideox_vae();
    m.standard = workload(width, height, frames, 50, cfg_mode::batched);
    m.standard.impl = implementation::diffusers; // the CogVideo README's quick start and the model cards use diffusers
    return m;
}

[[nodiscard]] constexpr model_spec make_cosmos_predict2(std::string_view slug, std::string_view name, extent layers,
                                                        extent heads) {
    // nvidia/Cosmos-Predict2-{2B,14B}-Video2World (diffusers scripts/convert_cosmos_to_diffusers.py
    // "Cosmos-2.0-Diffusion-{2B,14B}-Video2World": 28 / 36 blocks, 16 / 40 heads x 128, MLP ratio 4,
    // adaln_lora_dim 256, in_channels 16 + 1 condition mask (and the padding mask), text_embed_dim 1024, patch
    // (1, 2, 2), no extra positional embedding); the Wan2.1 VAE; T5-11B's encoder, 512 tokens.
    // Cosmos2VideoToWorldPipeline: 1280 x 704, 93 frames, 35 steps, guidance 7.0 in two calls; the conditioning
    // video (an image, repeated to 93 frames) is VAE-encoded whole; a timestep per latent frame
    denoiser_spec d;
    d.family = denoiser_family::dit_adaln_lora;
    d.layers = layers;
    d.hidden = heads * 128;
    d.heads = heads;
    d.head_dim = 128;
    d.ffn = 4 * heads * 128;
    d.in_channels = 17;
    d.out_channels = 16;
    d.text_dim = 1024;
    d.text_tokens = 512;
    d.adaln_lora = 256;
    d.per_frame_timesteps = true;
    model_spec m;
    m.slug = slug;
    m.name = name;
    m.task = task_kind::i2v;
    m.source = "nvidia/Cosmos-Predict2 Video2World configs (diffusers convert_cosmos_to_diffusers.py) and "
               "diffusers Cosmos2VideoToWorldPipeline defaults";
    m.latent = rule(4, 8, 1, 2, 16);
    m.denoiser = d;
    m.text_encoders[0] = t5_11b(512);
    m.vae = wan21_vae();
    m.standard = workload(1280, 704, 93, 35, cfg_mode::sequential);
    m.standard.impl = implementation::diffusers;
    return m;
}

[[nodiscard]] constexpr model_spec make_hunyuanvideo() {
    denoiser_spec d;
    d.family = denoiser_family::mmdit_dual_single;
    d.layers = 20;
    d.single_layers = 40;
    d.hidden = 3072;
    d.heads = 24;
    d.head_dim = 128;
    d.ffn = 4 * 3072;
    d.in_channels = 16;
    d.out_channels = 16;
    d.text_dim = 4096;
    d.text_tokens = 256;
    d.refiner_layers = 2;
    d.pooled_dim = 768;
    d.guidance_embed = true;
    d.code = reference_code::hunyuanvideo;
    model_spec m;
    m.slug = "hunyuanvideo";
    m.name = "HunyuanVideo (13B)";
    m.task = task_kind::t2v;
    m.source = "Tencent/HunyuanVideo hyvideo/modules/models.py (HYVideo-T/2-cfgdistill) and README";
    m.latent = rule(4, 8, 1, 2, 16);
    m.denoiser = d;
    m.text_encoders[0] = llava_llama3_8b();
    m.text_encoders[1] = clip_l_text();
    m.text_encoder_count = 2;
    m.vae = hunyuan_vae();
    m.standard = workload(1280, 720, 129, 50, cfg_mode::off); // guidance-distilled: one pass per step
    m.standard.impl = implementation::official;              // the README runs sample_video.py
    // diffusers HunyuanVideoPipeline's example calls vae.enable_tiling(); the tiles are diffusers' (the official
    // sample_video.py also tiles, with its own 64-frame temporal tiles)
    m.standard_tiling = {true};
    return m;
}

[[nodiscard]] constexpr model_spec make_hunyuanvideo_i2v() {
    // Tencent/HunyuanVideo-I2V README: sample_image2video.py --i2v-mode --i2v-resolution 720p --i2v-stability
    // --infer-steps 50 --video-length 129 --embedded-cfg-scale 6.0: the token-replace model (diffusers'
    // convert_hunyuan_video_to_diffusers.py "HYVideo-T/2-I2V-16ch": in_channels 16, guidance_embeds true,
    // image_condition_type token_replace). The image's latent replaces the first latent frame, whose tokens
    // take a second modulation (timestep 0): one more adaLN GEMM per block on one vector per video, not
    // modelled (under 0.01 % of the FLOPs). Parameters as HunyuanVideo's: 12,821,012,544.
    model_spec m = make_hunyuanvideo();
    m.slug = "hunyuanvideo-i2v";
    m.name = "HunyuanVideo-I2V (13B)";
    m.task = task_kind::i2v;
    m.source = "Tencent/HunyuanVideo-I2V README (sample_image2video.py, 720p, 129 frames, 50 steps, embedded "
               "guidance 6.0, token_replace) and diffusers HunyuanVideoImageToVideoPipeline";
    // The LLaVA text encoder reads the prompt template with the image in it: 256 text + 103 template tokens,
    // the one <image> token expanded to 576 image tokens (934 in all), run to the layer two before its last.
    // The DiT sees every 4th image token (image_embed_interleave 4 for token_replace: 144) and the prompt's
    // 256 tokens less the 4 cropped assistant-header tokens (252): 396 text tokens.
    m.text_encoders[0].tokens = 256 + 103 - 1 + 576;
    m.denoiser.text_tokens = 576 / 4 + 252;
    m.image_encoder = clip_l336_vision();
    m.has_image_encoder = true;
    m.encode_frames = 1; // the conditioning image, encoded once
    return m;
}

[[nodiscard]] constexpr model_spec make_mochi() {
    denoiser_spec d;
    d.family = denoiser_family::mmdit_asymmetric;
    d.layers = 48;
    d.hidden = 3072;
    d.text_hidden = 1536;
    d.heads = 24;
    d.head_dim = 128;
    d.ffn = 8192;      // SwiGLU, int(2 * 4 * 3072 / 3)
    d.text_ffn = 4096; // SwiGLU, int(2 * 4 * 1536 / 3)
    d.mlp = mlp_kind::swiglu;
    d.in_channels = 12;
    d.out_channels = 12;
    d.text_dim = 4096;
    d.text_tokens = 256;
    d.code = reference_code::mochi;
    model_spec m;
    m.slug = "mochi-1";
    m.name = "Mochi 1 preview (10B)";
    m.task = task_kind::t2v;
    m.source = "genmoai/mochi src/genmo/mochi_preview/dit/joint_model/asymm_models_joint.py and README";
    m.latent = rule(6, 8, 1, 2, 16);
    m.denoiser = d;
    m.text_encoders[0] = t5_xxl(256);
    m.vae = mochi_vae();
    m.standard = workload(848, 480, 163, 64, cfg_mode::batched);
    m.standard.impl = implementation::official; // the README runs demos/cli.py of genmoai/mochi
    m.standard_tiling = {true}; // diffusers MochiPipeline's example calls vae.enable_tiling()
    return m;
}

[[nodiscard]] constexpr vae_spec ltx2_video_vae() {
    // LTX-2 2.0's video VAE (diffusers AutoencoderKLLTX2Video, scripts/convert_ltx2_to_diffusers.py
    // get_ltx2_video_vae_config("2.0") as converted: timestep_conditioning false): the 0.9.5 / 0.9.7 layout
    // (block_out_channels (256, 512, 1024, 2048), layers_per_block (4, 6, 6, 2, 2), downsample_type spatial,
    // temporal, spatiotemporal, spatiotemporal; decoder_block_out_channels (256, 512, 1024), decoder_layers_per_block
    // (5, 5, 5, 5), residual up-samplers; a non-causal decoder with reflect padding) without the decoder's time
    // embedders and modulation tables: 1,222,479,601 parameters (encoder 694,098,881, decoder 528,380,720).
    // LTX2Pipeline decodes whole (no enable_tiling()) and passes no decode timestep
    vae_spec v = ltx_095_vae();
    v.name = "ltx-2-video-vae";
    v.timestep_conditioning = false;
    return v;
}

[[nodiscard]] constexpr model_spec make_ltx_video() {
    denoiser_spec d;
    d.family = denoiser_family::dit_cross;
    d.layers = 28;
    d.hidden = 2048;
    d.heads = 32;
    d.head_dim = 64;
    d.ffn = 8192;
    d.in_channels = 128;
    d.out_channels = 128;
    d.text_dim = 4096;
    d.text_tokens = 128;
    d.cross_norm_affine = 0; // norm2 before cross-attention: RMSNorm without affine (norm_elementwise_affine false)
    d.code = reference_code::ltx_video;
    model_spec m;
    m.slug = "ltx-video";
    m.name = "LTX-Video 0.9 (2B)";
    m.task = task_kind::t2v;
    m.source = "Lightricks/LTX-Video configs and diffusers LTXVideoTransformer3DModel defaults";
    m.latent = rule(8, 32, 1, 1, 32);
    m.denoiser = d;
    m.text_encoders[0] = t5_xxl(128);
    m.vae = ltx_vae();
    m.standard = workload(768, 512, 121, 50, cfg_mode::batched);
    m.standard.impl = implementation::official; // the README runs inference.py of Lightricks/LTX-Video
    return m;
}

[[nodiscard]] constexpr model_spec make_ltx_video_13b() {
    // LTX-Video 13B 0.9.7 (diffusers scripts/convert_ltx_to_diffusers.py get_transformer_config("0.9.7"), the
    // values of Lightricks/LTX-Video-0.9.7-dev transformer/config.json): the 0.9.0 block at 48 layers, 32
    // heads x 128, cross_attention_dim 4096
    model_spec m = make_ltx_video();
    m.denoiser.layers = 48;
    m.denoiser.hidden = 4096;
    m.denoiser.head_dim = 128;
    m.denoiser.ffn = 16384;
    m.denoiser.text_tokens = 256; // LTXConditionPipeline max_sequence_length
    m.slug = "ltx-video-13b";
    m.name = "LTX-Video 13B 0.9.7";
    m.source = "Lightricks/LTX-Video-0.9.7-dev configs (diffusers get_transformer_config / get_vae_config \"0.9.7\")";
    m.text_encoders[0] = t5_xxl(256);
    m.vae = ltx_095_vae();
    // diffusers LTXConditionPipeline defaults (the class diffusers' docs use for 0.9.7): 704 x 512, 161 frames,
    // 50 steps, guidance 3 batched with the prompt. The README's two-pass multi-scale recipe (27 + 13 steps,
    // a latent up-sampler between) is not modelled.
    m.standard = workload(704, 512, 161, 50, cfg_mode::batched);
    m.standard.impl = implementation::diffusers;
    return m;
}

/// google/gemma-3-12b-it's SigLIP-So400m vision tower (896 px, 14 px patches, 1152 wide, 27 layers): 416,866,032
/// parameters (transformers 5.24 SiglipVisionModel on the meta device). Gemma 3's multimodal projector maps its
/// width to the language model's: width x d_model weights and a norm of the width.
inline constexpr double gemma3_siglip_parameters = 416'866'032;
inline constexpr extent gemma3_siglip_width = 1152;

/// The vision tower and projector of a multimodal Gemma 3 with a `d_model`-wide language model: loaded, never
/// run by a text-only caller.
[[nodiscard]] constexpr double gemma3_idle_parameters(extent d_model) {
    return gemma3_siglip_parameters + static_cast<double>(gemma3_siglip_width * d_model + gemma3_siglip_width);
}

[[nodiscard]] constexpr encoder_spec gemma3_12b_text() {
    // google/gemma-3-12b-it as LTX2Pipeline runs it (Gemma3ForConditionalGeneration, output_hidden_states=True,
    // padded to 1024 tokens): the language model (48 layers, hidden 3840, 16 heads x 256, 8 KV heads, GeGLU
    // 15360, vocab 262208; 11,766,034,176 parameters) computes the logits at every position over its tied
    // embedding, and the pipeline stacks all 49 hidden states; the SigLIP vision tower (416,866,032) and the
    // multimodal projector (4,424,832) are loaded but not run. 12,187,325,040 in all (transformers 5.24
    // Gemma3ForConditionalGeneration on the meta device with the published config)
    encoder_spec e;
    e.kind = encoder_kind::llama;
    e.name = "gemma-3-12b";
    e.layers = 48;
    e.d_model = 3840;
    e.heads = 16;
    e.kv_heads = 8;
    e.head_dim = 256;
    e.d_ff = 15360;
    e.vocab = 262208;
    e.tokens = 1024;
    e.gemma = true;
    e.lm_head = true;
    e.tied_lm_head = true;
    e.keeps_hidden_states = true;
    e.idle_parameters = gemma3_idle_parameters(e.d_model);
    return e;
}

[[nodiscard]] constexpr model_spec make_ltx2() {
    // LTX-2 2.0 (diffusers scripts/convert_ltx2_to_diffusers.py @ 58eb52c, get_ltx2_*_config("2.0"); the
    // classes of diffusers 0.42.1): a joint audio-video DiT of 48 blocks, video 32 heads x 128 (4096 wide, MLP
    // 16384), audio 32 heads x 64 (2048 wide, MLP 8192), latent 128 channels each, patch 1; 18,876,174,592
    // parameters
    denoiser_spec d;
    d.family = denoiser_family::dit_audio_video;
    d.layers = 48;
    d.hidden = 4096;
    d.heads = 32;
    d.head_dim = 128;
    d.ffn = 16384;
    d.in_channels = 128;
    d.out_channels = 128;
    d.text_dim = 3840; // caption_channels: the connectors' output
    d.text_tokens = 1024;
    d.audio.hidden = 2048;
    d.audio.heads = 32;
    d.audio.head_dim = 64;
    d.audio.ffn = 8192;
    d.audio.in_channels = 128; // 8 latent channels x 16 latent mel bins
    d.audio.out_channels = 128;
    d.audio.text_dim = 3840;
    model_spec m;
    m.slug = "ltx-2";
    m.name = "LTX-2 (19B, video and audio)";
    m.task = task_kind::t2v;
    m.source = "diffusers convert_ltx2_to_diffusers.py get_ltx2_*_config(\"2.0\") and LTX2Pipeline defaults";
    m.latent = rule(8, 32, 1, 1, 32);
    m.denoiser = d;
    m.text_encoders[0] = gemma3_12b_text();
    text_connector_spec c;
    c.name = "ltx-2-text-connectors";
    c.text_dim = 3840;
    c.stacked = 49;
    c.tokens = 1024;
    c.layers = 2;
    c.heads = 30;
    c.head_dim = 128;
    c.ffn = 4 * 3840;
    c.registers = 128;
    m.connectors = c;
    m.vae = ltx2_video_vae();
    m.has_audio = true; // AutoencoderKLLTX2Audio and LTX2Vocoder, their 2.0 configs (models/audio.hpp defaults)
    m.audio_vae = audio_vae_spec{};
    m.vocoder = vocoder_spec{};
    // LTX2Pipeline.__call__ defaults and its docstring example: 768 x 512, 121 frames at 24 fps, 30 steps;
    // guidance_scale 3 batched with the prompt, stg_scale 1 (a further call per step) and modality_scale 3
    // (another)
    m.standard = workload(768, 512, 121, 30, cfg_mode::batched);
    m.standard.impl = implementation::diffusers;
    m.standard.stg_pass = true;
    m.standard.modality_pass = true;
    return m;
}

[[nodiscard]] constexpr model_spec make_allegro() {
    // Allegro (rhymes-ai/Allegro transformer/config.json, the AllegroTransformer3DModel defaults): 32 blocks of
    // self-attention (no q/k norm, 3-D RoPE), cross-attention to the T5 tokens without a norm, GELU MLP x4;
    // 24 heads x 96 = 2304; 4 latent channels in 1 x 2 x 2 patches; adaLN-single modulation
    denoiser_spec d;
    d.family = denoiser_family::dit_cross;
    d.layers = 32;
    d.hidden = 2304;
    d.heads = 24;
    d.head_dim = 96;
    d.ffn = 9216;
    d.in_channels = 4;
    d.out_channels = 4;
    d.text_dim = 4096;
    d.text_tokens = 512; // AllegroPipeline max_sequence_length, padded
    d.qk_norm = false;
    d.cross_norm_affine = 0; // no norm before the cross-attention
    d.code = reference_code::allegro;
    model_spec m;
    m.slug = "allegro";
    m.name = "Allegro (2.8B)";
    m.task = task_kind::t2v;
    m.source = "rhymes-ai/Allegro configs and diffusers AllegroTransformer3DModel / AutoencoderKLAllegro defaults";
    m.latent = rule(4, 8, 1, 2, 16);
    m.latent.causal = false; // 88 frames are 22 latent frames
    m.denoiser = d;
    m.text_encoders[0] = t5_xxl(512);
    m.vae = allegro_vae();
    // the README: single_inference.py at 1280 x 720, 88 frames, --num_sampling_steps 100 --guidance_scale 7.5
    // (guidance batched with the prompt, as AllegroPipeline does too)
    m.standard = workload(1280, 720, 88, 100, cfg_mode::batched);
    m.standard.impl = implementation::official;
    return m;
}

[[nodiscard]] constexpr model_spec make_hunyuanvideo15_t2v() {
    // HunyuanVideo 1.5 480p T2V (diffusers HunyuanVideo15Transformer3DModel defaults; convert script
    // TRANSFORMER_CONFIGS["480p_t2v"] overrides only target_size / task_type): 54 dual-stream blocks, 16 heads x
    // 128 = 2048, GELU MLP x4, no single-stream blocks; 65 channels in (32 latent, 32 condition, a mask) in 1 x 1
    // x 1 patches; the context joins 1000 refined Qwen tokens, 256 ByT5 glyph tokens and 729 image tokens (zeros
    // in T2V, masked), all attended jointly
    denoiser_spec d;
    d.family = denoiser_family::mmdit_dual_single;
    d.layers = 54;
    d.single_layers = 0;
    d.hidden = 2048;
    d.heads = 16;
    d.head_dim = 128;
    d.ffn = 8192;
    d.in_channels = 65;
    d.out_channels = 32;
    d.text_dim = 3584;
    d.text_tokens = 1000 + 256 + 729;
    d.refiner_layers = 2;
    d.refiner_tokens = 1000;
    d.glyph_tokens = 256;
    d.glyph_dim = 1472;
    d.image_tokens = 729;
    d.image_dim = 1152;
    d.context_type_embeddings = 3;
    d.dense_joint_mask = true; // the processor's [S x S] mask: 2.6 GB at 480p, 12.9 GB at 720p
    model_spec m;
    m.slug = "hunyuanvideo-1.5-t2v";
    m.name = "HunyuanVideo 1.5 480p T2V (8.3B)";
    m.task = task_kind::t2v;
    m.source = "diffusers HunyuanVideo15Transformer3DModel / AutoencoderKLHunyuanVideo15 defaults (convert script "
               "480p_t2v)";
    m.latent = rule(4, 16, 1, 1, 16);
    m.denoiser = d;
    m.text_encoders[0] = qwen25_vl_7b_language_model(1000 + 108); // 108 template tokens cut before the DiT
    m.text_encoders[1] = byt5_small_glyph();
    m.text_encoder_count = 2;
    m.vae = hunyuan15_vae();
    // diffusers HunyuanVideo15Pipeline at 480p: 848 x 480, 121 frames, 50 steps, guidance 6.0 as two batch-1
    // calls per step (the guider's two states); its example calls vae.enable_tiling()
    m.standard = workload(848, 480, 121, 50, cfg_mode::sequential);
    m.standard.impl = implementation::diffusers;
    // diffusers' native backend: SDPA with the boolean padding mask, which runs the memory-efficient kernel
    // (the docs suggest a flash-varlen hub kernel instead: --attention fa3 / fa2)
    m.standard.attention = attention_kernel::sdpa_efficient;
    m.standard_tiling = {true};
    return m;
}

[[nodiscard]] constexpr model_spec make_hunyuanvideo15_i2v() {
    // HunyuanVideo 1.5 480p I2V (convert script TRANSFORMER_CONFIGS["480p_i2v"]: the same class and config):
    // the image's SigLIP tokens fill the 729 image rows of the context, and its VAE latent (one frame) the
    // first latent frame of the 32 condition channels, the mask channel 1 there
    model_spec m = make_hunyuanvideo15_t2v();
    m.slug = "hunyuanvideo-1.5-i2v";
    m.name = "HunyuanVideo 1.5 480p I2V (8.3B)";
    m.task = task_kind::i2v;
    m.image_encoder = siglip_so400m_vision();
    m.has_image_encoder = true;
    m.encode_frames = 1; // the conditioning image, encoded once
    return m;
}

[[nodiscard]] constexpr model_spec make_kandinsky5_t2v_lite() {
    // Kandinsky 5.0 T2V Lite SFT 5s (kandinskylab/kandinsky-5 configs/config_5s_sft.yaml dit_params, passed to
    // diffusers' Kandinsky5Transformer3DModel): model_dim 1792, ff_dim 7168, time_dim 512, 2 text blocks and 32
    // visual blocks, axes_dims (16, 24, 24) (28 heads x 64), patch (1, 2, 2), 16 latent channels plus 16
    // condition channels and a mask (visual_cond), Qwen2.5-VL tokens (3584) and the pooled CLIP-L (768)
    denoiser_spec d;
    d.family = denoiser_family::dit_text_visual;
    d.layers = 32;
    d.refiner_layers = 2;
    d.hidden = 1792;
    d.heads = 28;
    d.head_dim = 64;
    d.ffn = 7168;
    d.in_channels = 33;
    d.out_channels = 16;
    d.text_dim = 3584;
    d.text_tokens = 256; // the original code's Qwen max_length (prompts are not padded; an expanded prompt is long)
    d.pooled_dim = 768;
    d.time_freq_dim = 1792;
    d.time_embed_dim = 512;
    model_spec m;
    m.slug = "kandinsky-5-t2v-lite";
    m.name = "Kandinsky 5.0 T2V Lite (2B)";
    m.task = task_kind::t2v;
    m.source = "kandinskylab/kandinsky-5 configs/config_5s_sft.yaml and diffusers Kandinsky5Transformer3DModel";
    m.latent = rule(4, 8, 1, 2, 16);
    m.denoiser = d;
    m.text_encoders[0] = qwen25_vl_7b_text();
    m.text_encoders[1] = clip_l_text();
    m.text_encoder_count = 2;
    m.vae = hunyuan_vae(); // the HunyuanVideo VAE (config vae: hunyuan), framewise decoding as diffusers runs it
    // the README's Lite SFT 5s: 768 x 512, 5 s at 24 fps (121 frames), 50 steps with guidance 5.0, the
    // conditional and unconditional passes one after the other (Kandinsky5T2VPipeline: two batch-1 calls)
    m.standard = workload(768, 512, 121, 50, cfg_mode::sequential);
    m.standard.impl = implementation::official;
    return m;
}

[[nodiscard]] constexpr denoiser_spec flux_mmdit(bool guidance_embed) {
    // the FLUX.1 MMDiT (black-forest-labs/FLUX.1-dev transformer/config.json; Open-Sora 2.0's MMDiT is the same
    // architecture): 19 double-stream and 38 single-stream blocks, 24 heads x 128, MLP ratio 4, 16 latent
    // channels in 2 x 2 patches, joint attention over 512 T5 tokens (width 4096), pooled CLIP-L 768
    denoiser_spec d;
    d.family = denoiser_family::mmdit_dual_single;
    d.layers = 19;
    d.single_layers = 38;
    d.hidden = 3072;
    d.heads = 24;
    d.head_dim = 128;
    d.ffn = 4 * 3072;
    d.in_channels = 16;
    d.out_channels = 16;
    d.text_dim = 4096;
    d.text_tokens = 512;
    d.pooled_dim = 768;
    d.guidance_embed = guidance_embed;
    return d;
}

[[nodiscard]] constexpr model_spec make_flux1_dev();

[[nodiscard]] constexpr model_spec make_open_sora_2() {
    denoiser_spec d = flux_mmdit(false);
    d.code = reference_code::open_sora;
    model_spec m;
    m.slug = "open-sora-2.0";
    m.name = "Open-Sora 2.0 (11B)";
    m.task = task_kind::t2v;
    m.source = "hpcaitech/Open-Sora v2 configs (MMDiT, Flux-style double/single blocks) and README";
    m.latent = rule(4, 8, 1, 2, 16);
    m.denoiser = d;
    m.text_encoders[0] = t5_xxl(512);
    m.text_encoders[1] = clip_l_text();
    m.text_encoder_count = 2;
    m.vae = hunyuan_vae();
    // Open-Sora's own copy of the HunyuanVideo VAE (opensora/models/hunyuan_vae/autoencoder_kl_causal_3d.py,
    // configs/diffusion/inference/256px.py): use_spatial_tiling=True with sample_size 256 and
    // tile_overlap_factor 0.25 (the same 256 px tiles every 192 px), use_temporal_tiling=False
    m.vae.tiles.framewise = false;
    // README: 768px at 16:9 is 1024x576 (576 x 1024 = 768^2 pixels), 129 frames, 50 steps; text and image
    // guidance (7.5 and 3.0) run three passes per step in its image-to-video flow, modelled here as two
    m.standard = workload(1024, 576, 129, 50, cfg_mode::batched);
    m.standard.impl = implementation::official; // the README runs the repository's own inference script
    m.standard_tiling = {true};
    // every README command runs a t2i2v config (configs/diffusion/inference/t2i2v_256px.py, t2i2v_768px.py):
    // plugins/t2i2v.py's FLUX.1-dev (img_flux: 19 + 38 blocks, 3072 wide, guidance_embed True, the FLUX AE)
    // makes a 768px image first (img_resolution "768px")
    m.first_stage = {&make_flux1_dev, 768};
    return m;
}

[[nodiscard]] constexpr model_spec make_flux1_dev() {
    // black-forest-labs/FLUX.1-dev transformer/config.json (diffusers FluxTransformer2DModel): 19 double-stream
    // and 38 single-stream blocks, 24 heads x 128, in_channels 64 (16 latent channels packed 2 x 2), joint
    // attention over 512 T5 tokens, pooled CLIP-L 768, guidance embedding (guidance-distilled).
    // 11,901,408,320 parameters
    const denoiser_spec d = flux_mmdit(true);
    model_spec m;
    m.slug = "flux.1-dev";
    m.name = "FLUX.1-dev (12B, image)";
    m.task = task_kind::t2i;
    m.source = "black-forest-labs/FLUX.1-dev configs and model card (FluxPipeline: 1024x1024, guidance_scale 3.5 "
               "as an embedding, 50 steps, max_sequence_length 512)";
    m.latent = rule(1, 8, 1, 2, 16); // FluxPipeline: height and width divisible by vae_scale_factor * 2
    m.latent.causal = false;          // one frame, one latent
    m.denoiser = d;
    m.text_encoders[0] = t5_xxl(512);
    m.text_encoders[1] = clip_l_text();
    m.text_encoder_count = 2;
    m.vae = flux_vae();
    m.standard = workload(1024, 1024, 1, 50, cfg_mode::off);
    m.standard.impl = implementation::diffusers; // the model card runs FluxPipeline
    return m;
}

[[nodiscard]] constexpr model_spec make_svd_xt() {
    // stabilityai/stable-video-diffusion-img2vid-xt unet/config.json (UNetSpatioTemporalConditionModel):
    // block_out_channels (320, 640, 1280, 1280), layers_per_block 2, num_attention_heads (5, 10, 20, 20)
    // = 64-wide heads, cross_attention_dim 1024, in_channels 8, out_channels 4, 3 added time ids
    denoiser_spec d;
    d.family = denoiser_family::unet_temporal;
    d.layers = 1;
    d.hidden = 320;
    d.heads = 5;
    d.in_channels = 8;
    d.out_channels = 4;
    d.code = reference_code::svd;
    model_spec m;
    m.slug = "svd-xt";
    m.name = "Stable Video Diffusion XT";
    m.task = task_kind::i2v;
    m.source = "stabilityai/stable-video-diffusion-img2vid-xt configs; diffusers StableVideoDiffusionPipeline "
               "defaults (1024x576, 25 frames, 25 steps, guidance 1.0 to 3.0 batched, decode_chunk_size)";
    latent_rule r;
    r.temporal_compression = 1; // one latent per frame
    r.spatial_compression = 8;
    r.patch_t = r.patch_h = r.patch_w = 1;
    r.causal = false;
    r.size_multiple = 64; // three stride-2 levels on an 8x latent
    m.latent = r;
    m.denoiser = d;
    m.text_encoder_count = 0;
    m.image_encoder = clip_h_vision();
    m.has_image_encoder = true;
    m.vae = svd_vae();
    m.encode_frames = 1; // only the conditioning image is encoded
    m.standard = workload(1024, 576, 25, 25, cfg_mode::batched);
    m.standard.impl = implementation::diffusers; // the model card runs StableVideoDiffusionPipeline
    return m;
}

[[nodiscard]] constexpr model_spec sd_image_model(std::string_view slug, std::string_view name, std::string_view source,
                                                  const unet_spec& u, extent size) {
    denoiser_spec d;
    d.family = denoiser_family::unet_2d;
    d.layers = 1;
    d.hidden = u.channels[0];
    d.heads = u.heads > 0 ? u.heads : u.channels[0] / u.head_dim;
    d.in_channels = u.in_channels;
    d.out_channels = u.out_channels;
    d.text_dim = u.cross_dim;
    d.text_tokens = u.cross_tokens;
    d.unet = u;
    model_spec m;
    m.slug = slug;
    m.name = name;
    m.task = task_kind::t2i;
    m.source = source;
    m.latent = rule(1, 8, 1, 1, 8); // the pipelines need height and width divisible by 8
    m.latent.causal = false;
    m.denoiser = d;
    m.text_encoders[0] = clip_l_text();
    m.vae = sd_vae(size);
    // the pipelines' defaults: 50 steps, guidance batched. The model cards load the pipeline in fp16; vidperf's
    // default dtype is bf16 for every model (the same tensor-core rate); `--dtype fp16` runs it as the cards do
    m.standard = workload(size, size, 1, 50, cfg_mode::batched);
    m.standard.impl = implementation::diffusers;
    return m;
}

[[nodiscard]] constexpr model_spec make_sd15() {
    // stable-diffusion-v1-5/stable-diffusion-v1-5 unet/config.json (UNet2DConditionModel): block_out_channels
    // (320, 640, 1280, 1280), CrossAttnDownBlock2D x 3 + DownBlock2D, layers_per_block 2, attention_head_dim 8
    // (eight heads on every level: 40 to 160 wide), cross_attention_dim 768, 4 latent channels.
    // 859,520,964 parameters
    unet_spec u;
    u.levels = 4;
    u.channels = {320, 640, 1280, 1280};
    u.attention = {true, true, true, false};
    u.heads = 8;
    u.cross_dim = 768;
    u.cross_tokens = 77;
    u.in_channels = 4;
    u.out_channels = 4;
    u.added_time_ids = 0;
    return sd_image_model("sd-1.5", "Stable Diffusion 1.5 (image)",
                          "stable-diffusion-v1-5/stable-diffusion-v1-5 configs; diffusers StableDiffusionPipeline "
                          "defaults (512x512 from the UNet's sample_size 64, 50 steps, guidance 7.5 batched)",
                          u, 512);
}

[[nodiscard]] constexpr model_spec make_sdxl() {
    // stabilityai/stable-diffusion-xl-base-1.0 unet/config.json (UNet2DConditionModel): block_out_channels
    // (320, 640, 1280), DownBlock2D + CrossAttnDownBlock2D x 2, transformer_layers_per_block (1, 2, 10),
    // attention_head_dim (5, 10, 20) = 64-wide heads, cross_attention_dim 2048 (CLIP-L 768 + OpenCLIP-bigG
    // 1280), addition_embed_type text_time: 6 time ids x 256 + the pooled 1280 = 2816 into the add
    // embedding. 2,567,463,684 parameters
    unet_spec u;
    u.levels = 3;
    u.channels = {320, 640, 1280, 0};
    u.attention = {false, true, true, false};
    u.transformer_layers = {1, 2, 10, 0};
    u.head_dim = 64;
    u.cross_dim = 2048;
    u.cross_tokens = 77;
    u.in_channels = 4;
    u.out_channels = 4;
    u.added_time_ids = 6;
    u.added_pooled = 1280;
    model_spec m = sd_image_model("sdxl", "Stable Diffusion XL 1.0 base (image)",
                                  "stabilityai/stable-diffusion-xl-base-1.0 configs; diffusers "
                                  "StableDiffusionXLPipeline defaults (1024x1024, 50 steps, guidance 5.0 batched)",
                                  u, 1024);
    m.text_encoders[1] = openclip_bigg_text();
    m.text_encoder_count = 2;
    m.vae.force_upcast = true; // vae/config.json force_upcast true: decoded in fp32 from an fp16 pipeline
    return m;
}

} // namespace presets_detail

/// The built-in model presets.
inline const std::vector<model_spec>& model_presets() {
    using namespace presets_detail;
    static const std::vector<model_spec> presets = [] {
        std::vector<model_spec> v;
        v.push_back(wan("wan2.1-t2v-1.3b", "Wan2.1-T2V-1.3B", task_kind::t2v, wan_dit(30, 1536, 12, 8960, 16, 16),
                        workload(832, 480, 81, 50, cfg_mode::sequential)));
        v.push_back(wan("wan2.1-t2v-14b", "Wan2.1-T2V-14B", task_kind::t2v, wan_dit(40, 5120, 40, 13824, 16, 16),
                        workload(1280, 720, 81, 50, cfg_mode::sequential)));
        v.push_back(make_wan21_i2v_14b());
        v.push_back(make_skyreels_v2_df_14b());
        v.push_back(make_wan21_vace("wan2.1-vace-1.3b", "Wan2.1-VACE-1.3B", wan_dit(30, 1536, 12, 8960, 16, 16), 15, 2,
                                    workload(832, 480, 81, 50, cfg_mode::sequential)));
        v.push_back(make_wan21_vace("wan2.1-vace-14b", "Wan2.1-VACE-14B", wan_dit(40, 5120, 40, 13824, 16, 16), 8, 5,
                                    workload(1280, 720, 81, 50, cfg_mode::sequential)));
        v.push_back(make_wan22_ti2v_5b());
        v.push_back(make_wan22_a14b("wan2.2-t2v-a14b", "Wan2.2-T2V-A14B", task_kind::t2v, 16, 0.875, 12.0));
        v.push_back(make_wan22_a14b("wan2.2-i2v-a14b", "Wan2.2-I2V-A14B", task_kind::i2v, 36, 0.900, 5.0));
        v.push_back(make_cogvideox("cogvideox-2b", "CogVideoX-2B", 30, 1920, 30, true, false, 720, 480, 49, 1));
        v.push_back(make_cogvideox("cogvideox-5b", "CogVideoX-5B", 42, 3072, 48, true, true, 720, 480, 49, 1));
        v.push_back(make_cogvideox("cogvideox1.5-5b", "CogVideoX1.5-5B", 42, 3072, 48, true, true, 1360, 768, 81, 2));
        v.push_back(make_cosmos_predict2("cosmos-predict2-2b", "Cosmos-Predict2-2B-Video2World", 28, 16));
        v.push_back(make_cosmos_predict2("cosmos-predict2-14b", "Cosmos-Predict2-14B-Video2World", 36, 40));
        v.push_back(make_hunyuanvideo());
        v.push_back(make_hunyuanvideo_i2v());
        v.push_back(make_mochi());
        v.push_back(make_ltx_video());
        v.push_back(make_ltx_video_13b());
        v.push_back(make_ltx2());
        v.push_back(make_allegro());
        v.push_back(make_kandinsky5_t2v_lite());
        v.push_back(make_hunyuanvideo15_t2v());
        v.push_back(make_hunyuanvideo15_i2v());
        v.push_back(make_open_sora_2());
        v.push_back(make_svd_xt());
        v.push_back(make_flux1_dev());
        v.push_back(make_sd15());
        v.push_back(make_sdxl());
        return v;
    }();
    return presets;
}

/// The preset for `slug`, or nullptr.
[[nodiscard]] inline const model_spec* try_find_model(std::string_view slug) noexcept {
    for (const auto& m : model_presets())
        if (m.slug == slug) return &m;
    return nullptr;
}

/// The preset for `slug`; an unknown slug raises `not_found` listing the closest.
[[nodiscard]] inline const model_spec& find_model(std::string_view slug) {
    for (const auto& m : model_presets())
        if (m.slug == slug) return m;
    std::vector<std::string_view> slugs;
    for (const auto& m : model_presets()) slugs.push_back(m.slug);
    detail::raise(errc::unknown_name, "find_model",
                  "unknown model '" + std::string(slug) + "'; closest: " + detail::closest_names(slug, slugs) +
                      " (vidperf list models shows all)");
}

} // namespace vidperf
