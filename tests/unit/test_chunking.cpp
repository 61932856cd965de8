// Diffusion forcing (SkyReels-V2 DF): a long video in overlapping iterations, as both codes plan them.
#include <doctest/doctest.h>

#include <array>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "stage_helpers.hpp"

#include <vidperf/io/diffusers.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
using test::find_stage;

const stage& named(const std::vector<stage>& stages, std::string_view name) {
    const stage* s = find_stage(stages, name);
    REQUIRE_MESSAGE(s != nullptr, "no stage " << name);
    return *s;
}

extent conv_frames(const stage& s) { // frames of the first convolution's input: the clip the stage works on
    for (const auto& o : s.ops)
        if (const auto* c = std::get_if<conv_op>(&o.op)) return c->input[0];
    return 0;
}
} // namespace

TEST_CASE("diffusion forcing iterations: the README's 10 s, 30 s and 237-frame videos") {
    const diffusion_forcing df{97, 17}; // base_num_frames 97 (25 latent frames), overlap_history 17 (5)
    const forcing_schedule sync{};
    // 257 frames = 65 latent frames: 1 + (65 - 25 - 1) / 20 + 1 = 3 iterations of 25
    chunk_plan p = plan_chunks(df, sync, 30, 257, 65, 4, "m");
    CHECK(p.chunked);
    CHECK(p.iterations == 3);
    CHECK(p.groups[0].frames == 25);
    CHECK(p.groups[0].count == 3);
    CHECK(p.groups[0].rows == 30);
    CHECK(p.groups[1].count == 0);
    CHECK(p.overlap_latent == 5);
    CHECK(p.rows() == 90);
    // the README's own example: 237 frames, "(237-97-(97-17)x1+17-1)//4+1=20" latent frames in the last iteration
    p = plan_chunks(df, sync, 30, 237, 60, 4, "m");
    CHECK(p.iterations == 3);
    CHECK(p.groups[0].count == 2);
    CHECK(p.groups[1].frames == 20);
    CHECK(p.groups[1].count == 1);
    // 737 frames (30 s): 185 latent frames, 9 iterations of 25
    p = plan_chunks(df, sync, 30, 737, 185, 4, "m");
    CHECK(p.iterations == 9);
    CHECK(p.denoised_frames() == 9 * 25);
    // a video no longer than one iteration is made in one pass
    p = plan_chunks(df, sync, 30, 97, 25, 4, "m");
    CHECK_FALSE(p.chunked);
    CHECK(p.groups[0].frames == 25);
    CHECK_THROWS_WITH_AS((void)plan_chunks({97, 97}, sync, 30, 257, 65, 4, "m"), doctest::Contains("overlap"), error);
    CHECK_THROWS_WITH_AS((void)plan_chunks({97, 0}, sync, 30, 257, 65, 4, "m"), doctest::Contains("overlap"), error);
}

TEST_CASE("SkyReels-V2 DF: every step of every iteration runs the denoiser on that iteration's frames") {
    const model_spec& m = find_model("skyreels-v2-df-14b-540p");
    video_workload w = m.standard; // 960 x 544 x 257, 30 steps, two guidance passes, official code
    auto stages = lower_inference(m, w);
    const stage* den = find_stage(stages, "denoiser");
    REQUIRE(den != nullptr);
    CHECK(den->calls == 30 * 2 * 3);
    CHECK(find_stage(stages, "denoiser_tail") == nullptr);
    // the official code decodes each iteration (25 latent frames) and encodes the 17 overlap frames again
    const stage* dec = find_stage(stages, "vae_decode");
    const stage* enc = find_stage(stages, "vae_encode_overlap");
    REQUIRE(dec != nullptr);
    REQUIRE(enc != nullptr);
    CHECK(dec->calls == 3);
    CHECK(enc->calls == 2);
    const extent iteration_frames = conv_frames(*dec); // before `stages` is replaced below
    // diffusers keeps the latents: one decode of the whole video, no encode
    w.impl = implementation::diffusers;
    stages = lower_inference(m, w);
    CHECK(find_stage(stages, "vae_encode_overlap") == nullptr);
    CHECK(named(stages, "vae_decode").calls == 1);
    CHECK(conv_frames(named(stages, "vae_decode")) > iteration_frames);
    // the README's 237 frames: a shorter last iteration gets its own stage of the same module
    w.frames = 237;
    stages = lower_inference(m, w);
    const stage* tail = find_stage(stages, "denoiser_tail");
    REQUIRE(tail != nullptr);
    CHECK(tail->module == "denoiser");
    CHECK(tail->calls == 30 * 2);
    CHECK(named(stages, "denoiser").calls == 30 * 2 * 2);
    // a clip within one iteration is one pass
    w.frames = 97;
    stages = lower_inference(m, w);
    CHECK(named(stages, "denoiser").calls == 30 * 2);
}

TEST_CASE("per-frame timesteps: the timestep MLP runs per latent frame and the per-token table is live") {
    model_spec m = find_model("skyreels-v2-df-14b-540p");
    video_workload w = m.standard;
    w.frames = 97; // one iteration: 25 latent frames, 25 x 34 x 60 = 51,000 tokens
    const double with = named(lower_inference(m, w), "denoiser").activation_bytes.value();
    m.denoiser.per_frame_timesteps = false;
    const double without = named(lower_inference(m, w), "denoiser").activation_bytes.value();
    CHECK(with - without == doctest::Approx(6.0 * 51000 * 5120 * 4)); // [6, tokens, D] in fp32
}

TEST_CASE("SkyReelsV2Transformer3DModel: diffusion forcing from its DF pipeline, the fps embedding's weights") {
    diffusers_configs c = to_diffusers(find_model("skyreels-v2-df-14b-540p"));
    CHECK(nlohmann::json::parse(c.transformer).at("_class_name") == "SkyReelsV2Transformer3DModel");
    CHECK(nlohmann::json::parse(c.model_index).at("_class_name") == "SkyReelsV2DiffusionForcingPipeline");
    const auto df = model_from_diffusers(c, "df");
    CHECK(df.spec.denoiser.per_frame_timesteps);
    CHECK(df.spec.forcing.base_frames == 97);
    c.model_index = R"({"_class_name": "SkyReelsV2Pipeline"})"; // the plain text-to-video pipeline
    const auto plain = model_from_diffusers(c, "t2v");
    CHECK_FALSE(plain.spec.denoiser.per_frame_timesteps);
    CHECK(plain.spec.forcing.base_frames == 0);
    // inject_sample_info (SkyReels-V2-DF-1.3B): Embedding(2, D), Linear(D, D), Linear(D, 6 D), with biases
    auto t = nlohmann::json::parse(c.transformer);
    t["inject_sample_info"] = true;
    c.transformer = t.dump();
    const auto fps = model_from_diffusers(c, "fps");
    const auto params = [](const model_spec& m) {
        for (const auto& s : lower_inference(m, m.standard))
            if (s.name == "denoiser") return s.parameters;
        return 0.0;
    };
    const double D = 5120;
    CHECK(params(fps.spec) - params(plain.spec) == doctest::Approx(2 * D + D * D + D + D * 6 * D + 6 * D));
}

TEST_CASE("asynchronous diffusion forcing: the closed form gives the rows of diffusers' own timestep matrix") {
    // tests/data/skyreels/forcing_rows.csv: len(step_matrix) of SkyReelsV2DiffusionForcingPipeline.
    // generate_timestep_matrix over 1,152 cases (validation/reference/write_forcing_rows.py)
    std::ifstream in(std::string(VIDPERF_SOURCE_DIR) + "/tests/data/skyreels/forcing_rows.csv");
    REQUIRE(in.good());
    std::string line;
    int cases = 0, asynchronous = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line[0] == 'l') continue; // comment, header
        std::istringstream row(line);
        std::array<extent, 6> v{};
        char comma = 0;
        row >> v[0] >> comma >> v[1] >> comma >> v[2] >> comma >> v[3] >> comma >> v[4] >> comma >> v[5];
        REQUIRE_FALSE(row.fail());
        // named copies, not a structured binding: INFO captures them (clang 14 cannot capture bindings)
        const extent frames = v[0], block = v[1], prefix = v[2], steps = v[3], ar_step = v[4], rows = v[5];
        INFO("frames " << frames << " block " << block << " prefix " << prefix << " steps " << steps << " ar_step "
                       << ar_step);
        CHECK(forcing_rows(frames / block, prefix / block, steps, ar_step) == rows);
        // the same through a plan: one pass with no prefix, or the later iteration of a chunked video
        if (prefix == 0) {
            const chunk_plan p = plan_chunks({}, {ar_step, block, false}, steps, 4 * frames - 3, frames, 4, "m");
            CHECK(p.rows() == rows);
        }
        ++cases;
        asynchronous += rows > steps;
    }
    CHECK(cases == 1152);
    CHECK(asynchronous > 500);
}

TEST_CASE("asynchronous diffusion forcing: the README's 30 s video, iteration by iteration") {
    // --ar_step 5 --causal_block_size 5 --base_num_frames 97 --num_frames 737 --overlap_history 17: nine
    // iterations of 25 latent frames (5 blocks); the first starts from noise, each later one from a 5-frame
    // prefix (one block done), as generate_video_df.py's own count says: 30 + (25 / 5 - 1) x 5 = 50 for the first
    const chunk_plan p = plan_chunks({97, 17}, {5, 5, false}, 30, 737, 185, 4, "m");
    CHECK(p.iterations == 9);
    CHECK(p.groups[0].frames == 25);
    CHECK(p.groups[0].count == 1);
    CHECK(p.groups[0].rows == 50);
    CHECK(p.groups[1].frames == 25);
    CHECK(p.groups[1].count == 8);
    CHECK(p.groups[1].rows == 45);
    CHECK(p.rows() == 410);
    CHECK(p.denoised_frames() == 9 * 25);
    // 237 frames: the last iteration's 20 frames are 4 blocks, the prefix's done, the next starting at once and
    // the two after it waiting: 30 + 2 x 5
    const chunk_plan q = plan_chunks({97, 17}, {5, 5, false}, 30, 237, 60, 4, "m");
    CHECK(q.groups[2].frames == 20);
    CHECK(q.groups[2].rows == 40);
    // a block size that does not divide an iteration is refused, naming the frames
    CHECK_THROWS_WITH_AS((void)plan_chunks({97, 17}, {5, 3, false}, 30, 737, 185, 4, "m"),
                         doctest::Contains("25 latent frames does not split into causal blocks of 3"), error);
    CHECK_THROWS_WITH_AS((void)plan_chunks({}, {-1, 1, false}, 30, 97, 25, 4, "m"), doctest::Contains("ar_step"),
                         error);
}

TEST_CASE("asynchronous diffusion forcing: more calls, the dense mask in diffusers, nothing else") {
    const model_spec& m = find_model("skyreels-v2-df-14b-540p");
    inference_request r;
    r.frames = 737;
    r.impl = implementation::diffusers;
    inference_job sync = make_job(borrow(m), r);
    r.forcing = {5, 5, false};
    inference_job async = make_job(borrow(m), r);
    // diffusers' mask leaves flash attention out: SDPA's memory-efficient kernel
    CHECK(async.work.attention == attention_kernel::sdpa_efficient);
    const auto s0 = lower_inference(m, sync.work);
    const auto s1 = lower_inference(m, async.work);
    CHECK(named(s0, "denoiser").calls == 30 * 2 * 9);
    CHECK(named(s1, "denoiser").calls == 50 * 2);
    CHECK(named(s1, "denoiser_prefixed").calls == 45 * 2 * 8);
    // every frame still steps 30 times: the scheduler's work and the decode are unchanged
    CHECK(named(s1, "scheduler").calls == named(s0, "scheduler").calls);
    CHECK(named(s1, "vae_decode").calls == named(s0, "vae_decode").calls);
    // the [S x S] boolean mask of 25 x 34 x 60 = 51,000 tokens stays live through the call, and SDPA's
    // conversion holds 3 bytes per pair more (logical_not's booleans and the bf16 additive mask) while it runs
    video_workload unmasked = async.work;
    unmasked.forcing.causal_block = 1; // diffusers masks only blocks of more than one frame
    unmasked.forcing.ar_step = 5;
    unmasked.frames = 97;
    video_workload masked = async.work;
    masked.frames = 97;
    const double with = named(lower_inference(m, masked), "denoiser").activation_bytes.value();
    const double without = named(lower_inference(m, unmasked), "denoiser").activation_bytes.value();
    const double pairs = 51000.0 * 51000.0;
    CHECK(with - without > pairs * 1.5);
    CHECK(with - without <= pairs * 4.0);
    // the official code masks only under --causal_attention, and keeps flash attention otherwise
    r.impl = implementation::official;
    inference_job official = make_job(borrow(m), r);
    CHECK_FALSE(block_causal_mask(official.work));
    CHECK(official.work.attention == sync.work.attention);
    r.forcing.causal_attention = true;
    CHECK(make_job(borrow(m), r).work.attention == attention_kernel::cudnn);
    // refusals, each naming what was wrong
    r.attention = attention_kernel::fa3;
    CHECK_THROWS_WITH_AS((void)make_job(borrow(m), r), doctest::Contains("cannot take"), error);
    r.attention.reset();
    r.impl = implementation::diffusers;
    CHECK_THROWS_WITH_AS((void)make_job(borrow(m), r), doctest::Contains("--causal-attention is the official"),
                         error);
    r.forcing.causal_attention = false;
    r.accel.cache = step_cache::teacache;
    r.accel.cache_skip = 0.3;
    const inference_job cached = make_job(borrow(m), r);
    CHECK_THROWS_WITH_AS((void)lower_inference(m, cached.work), doctest::Contains("asynchronous"), error);
    inference_request wan;
    wan.forcing = {5, 1, false};
    CHECK_THROWS_WITH_AS((void)make_job(borrow(find_model("wan2.1-t2v-14b")), wan),
                         doctest::Contains("one timestep per call"), error);
}
