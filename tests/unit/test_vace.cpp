// Wan2.1-VACE: VACE blocks on the control latents, their hints, the control video's two encodes, and the
// WanVACETransformer3DModel config in and out.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "stage_helpers.hpp"

#include <vidperf/io/diffusers.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
using test::find_stage;

double dense_flops(const stage& s) { return test::flops_of<gemm_op>(s) + test::flops_of<conv_op>(s); }
} // namespace

TEST_CASE("VACE adds its blocks' work and weights to Wan2.1's DiT, and holds one hint per VACE block") {
    const model_spec& vace = find_model("wan2.1-vace-1.3b");
    const model_spec& t2v = find_model("wan2.1-t2v-1.3b");
    video_workload w = vace.standard;
    w.impl = implementation::ideal;
    const auto with = lower_inference(vace, w);
    const auto without = lower_inference(t2v, w);
    const stage& a = *find_stage(with, "denoiser");
    const stage& b = *find_stage(without, "denoiser");
    // 15 blocks of the 1.3B's (with their modulation tables), 15 proj_out and one proj_in (1536 x 1536 + 1536
    // each) and the control patch embedding (96 x 4 -> 1536, with bias): diffusers' counts of both classes
    CHECK(b.parameters == 1'418'996'800.0);
    CHECK(a.parameters == 2'153'972'032.0);
    // GEMM + conv FLOPs of one call as diffusers' classes count them (count_reference.txt): the 15 VACE
    // blocks are half again the 30 main blocks' work, plus the projections
    CHECK(dense_flops(a) == doctest::Approx(1.25643e14).epsilon(1e-5));
    CHECK(dense_flops(b) == doctest::Approx(8.20947e13).epsilon(1e-5));
    // every hint [tokens x 1536] stays alive until its main block: 15 of them in the live activations
    // (832 x 480 x 81: 21 x 30 x 52 = 32,760 tokens; sequential guidance: one video per call; bf16)
    const double hints = 15.0 * 32760.0 * 1536.0 * 2.0;
    CHECK(a.activation_bytes.value() - b.activation_bytes.value() == doctest::Approx(hints).epsilon(0.01));
    // the control video is encoded twice (inactive and reactive parts); text-to-video encodes nothing
    const stage* enc = find_stage(with, "vae_encode");
    REQUIRE(enc != nullptr);
    CHECK(find_stage(without, "vae_encode") == nullptr);
    const stage once = lower_vae_encode(vace.vae, w.frames, w.height, w.width, 1, dtype::bf16, vae_tiling{});
    CHECK(dense_flops(*enc) == doctest::Approx(2.0 * dense_flops(once)).epsilon(1e-9));
}

TEST_CASE("WanVACETransformer3DModel configs written by diffusers import; hints it cannot place are refused") {
    const auto v = load_diffusers_folder(
        std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/wan2.1-vace-14b", "v");
    CHECK(v.spec.task == task_kind::v2v);
    CHECK(v.spec.denoiser.vace_blocks == 8);
    CHECK(v.spec.denoiser.vace_stride == 5);
    CHECK(v.spec.denoiser.vace_in_channels == 96);
    diffusers_configs c = to_diffusers(find_model("wan2.1-vace-1.3b"));
    auto t = nlohmann::json::parse(c.transformer);
    CHECK(t.at("_class_name") == "WanVACETransformer3DModel");
    CHECK(t.at("vace_layers").size() == 15);
    CHECK(nlohmann::json::parse(c.model_index).at("_class_name") == "WanVACEPipeline");
    for (const nlohmann::json& bad : {nlohmann::json{0, 3, 5}, nlohmann::json{2, 4}, nlohmann::json{0, 40},
                                      nlohmann::json::array(), nlohmann::json("0,2")}) {
        CAPTURE(bad.dump());
        t["vace_layers"] = bad;
        c.transformer = t.dump();
        CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("vace_layers"), error);
    }
    // a spec built in code with more hints than blocks is refused when lowered
    model_spec m = find_model("wan2.1-vace-1.3b");
    m.denoiser.vace_stride = 3;
    CHECK_THROWS_WITH_AS((void)lower_inference(m, m.standard), doctest::Contains("VACE hints"), error);
}
