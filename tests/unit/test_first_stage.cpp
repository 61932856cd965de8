// A text-to-image first stage (Open-Sora 2.0's t2i2v flow: FLUX.1-dev makes the image the video starts from),
// its image size, its stages, and the official code's swap of the two models under --offload True.
#include <doctest/doctest.h>

#include <string>

#include "stage_helpers.hpp"

#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
using test::find_stage;

const calibration& lit(const gpu_spec& g) { return *builtin_calibration("best", g.slug).cal; }

const stage& named(const std::vector<stage>& stages, std::string_view name) {
    const stage* s = find_stage(stages, name);
    REQUIRE_MESSAGE(s != nullptr, "no stage " << name);
    return *s;
}
} // namespace

TEST_CASE("the first stage's image: Open-Sora's 768px bucket at the named aspect ratio nearest the video's") {
    // get_image_size("768px", "16:9") = (576, 1024); the 256px video (336 x 192) is the same 16:9 bucket
    CHECK(first_stage_image(768, 1024, 576).width == 1024);
    CHECK(first_stage_image(768, 1024, 576).height == 576);
    CHECK(first_stage_image(768, 336, 192).width == 1024);
    CHECK(first_stage_image(768, 336, 192).height == 576);
    // portrait: the landscape bucket turned; square: 768 x 768
    CHECK(first_stage_image(768, 576, 1024).width == 576);
    CHECK(first_stage_image(768, 576, 1024).height == 1024);
    CHECK(first_stage_image(768, 512, 512).width == 768);
    // 2.39:1: int(sqrt(589824 x 2.39) / 16) x 16 = 1184, then (589824 / 1184) // 16 x 16 = 496, and the one step
    // of 16 nearest 768^2 (1184 x 496 = 587,264 is 2,560 short; 1184 x 512 is 16,384 over): 1184 x 496
    CHECK(first_stage_image(768, 1920, 800).width == 1184);
    CHECK(first_stage_image(768, 1920, 800).height == 496);
}

TEST_CASE("Open-Sora 2.0's t2i2v flow: FLUX.1-dev's job on one frame, then the video from its image") {
    const model_spec& m = find_model("open-sora-2.0");
    const auto stages = lower_inference(m, m.standard);
    const stage& image = named(stages, "image_denoiser");
    CHECK(image.kind == stage_kind::first_stage);
    CHECK(image.parameters == 11'901'408'320.0); // FLUX.1-dev's transformer, with its guidance embedding
    CHECK(image.calls == 50);                    // the video's num_steps, one pass each (guidance-distilled)
    CHECK(named(stages, "image_vae_decode").module == "image_vae");
    // its prompt goes through the video's own T5 and CLIP: the same modules, counted once
    const stage& prompt = named(stages, "image_prompt_text_encoder_t5-v1.1-xxl-encoder");
    CHECK(prompt.module == named(stages, "text_encoder_t5-v1.1-xxl-encoder").module);
    const double weights = module_weight_bytes(stages, "t5-v1.1-xxl-encoder").value() +
              module_weight_bytes(stages, "clip-vit-l-14-text").value() +
              module_weight_bytes(stages, "denoiser").value() + module_weight_bytes(stages, "vae").value() +
              module_weight_bytes(stages, "image_denoiser").value() + module_weight_bytes(stages, "image_vae").value();
    CHECK(all_resident_weights(stages, false).value() == doctest::Approx(weights));
    // the video starts from the image: one frame VAE-encoded at the video's size (cond_type i2v_head)
    const stage& enc = named(stages, "vae_encode");
    CHECK(enc.kind == stage_kind::vae_encode);
    // the video's denoiser is unchanged by the first stage
    inference_options without;
    without.image_stage = false;
    const auto video_only = lower_inference(m, m.standard, without);
    CHECK(find_stage(video_only, "image_denoiser") == nullptr);
    CHECK(find_stage(video_only, "vae_encode") == nullptr);
    CHECK(named(video_only, "denoiser").parameters == named(stages, "denoiser").parameters);
    CHECK(test::flops_of<gemm_op>(named(video_only, "denoiser")) ==
          test::flops_of<gemm_op>(named(stages, "denoiser")));
}

TEST_CASE("Open-Sora's --offload True swaps the two models whole, the video model in before FLUX out") {
    const model_spec& m = find_model("open-sora-2.0");
    const gpu_spec& h100 = find_gpu("h100-sxm5-80gb");
    inference_request r;
    r.width = 336; // the README's 256px row: 60 s, 52.5 GB with --offload True
    r.height = 192;
    r.offload = offload_policy::model;
    const inference_job j = make_job(borrow(m), r);
    const job_estimate e = estimate(j, h100, lit(h100));
    const auto stages = lower_inference(m, j.work, j.inference);
    CHECK(named(stages, "image_denoiser").offload_group == 1);
    CHECK(named(stages, "denoiser").offload_group == 2);
    CHECK(named(stages, "vae_encode").offload_group == 2);
    CHECK(named(stages, "text_encoder_t5-v1.1-xxl-encoder").offload_group == 0);
    // the peak is the swap: every weight on the GPU at once and no activations
    const double all = all_resident_weights(stages, false).value();
    CHECK(e.pipeline.memory.weights.value() == doctest::Approx(all));
    CHECK(e.pipeline.memory.activations.value() == 0);
    CHECK(e.pipeline.memory.peak_stage == "vae_encode"); // the video model's first stage
    // the swap moves the video model in and FLUX out once, charged to that stage
    double moved = 0;
    for (const auto& s : e.pipeline.stages) moved += s.transfer.value();
    CHECK(moved > 0);
    CHECK(e.pipeline.stages.size() == stages.size());
    // without offload every module stays: the same weights, now with the largest activations on top
    r.offload = offload_policy::none;
    const job_estimate resident = estimate(make_job(borrow(m), r), h100, lit(h100));
    CHECK(resident.pipeline.memory.weights.value() == doctest::Approx(all));
    CHECK(resident.pipeline.memory.allocator_peak > e.pipeline.memory.allocator_peak);
    CHECK(resident.pipeline.transfers.value() == 0);
    // the ideal lowering has no swap groups: ordinary model offload, one module at a time
    r.offload = offload_policy::model;
    r.impl = implementation::ideal;
    const inference_job ideal = make_job(borrow(m), r);
    for (const auto& s : lower_inference(m, ideal.work, ideal.inference)) CHECK(s.offload_group == 0);
    CHECK(estimate(ideal, h100, lit(h100)).pipeline.memory.weights.value() < all / 2);
}

TEST_CASE("--no-image-stage: only for a model with a first stage") {
    inference_request r;
    r.image_stage = false;
    const inference_job j = make_job(borrow(find_model("open-sora-2.0")), r);
    CHECK_FALSE(j.inference.image_stage);
    CHECK_THROWS_WITH_AS((void)make_job(borrow(find_model("wan2.1-t2v-14b")), r),
                         doctest::Contains("no text-to-image first stage"), error);
}
