// Fuzz harness: the config files of a diffusers folder (io/diffusers.hpp). The input holds the texts of
// transformer/config.json, vae/config.json, text_encoder/config.json, model_index.json and LTX-2's
// connectors/, audio_vae/ and vocoder/config.json, in that order, separated by lines "----" (a missing part
// is an empty text). A model that is read must price its
// standard workload (cut to two steps) on an H100 to finite figures.
#include "harness.hpp"

#include <array>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = vidperf_fuzz::as_text(data, size);
    std::array<std::string, 7> parts;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < parts.size() && pos <= text.size(); ++i) {
        const std::size_t sep = text.find("\n----\n", pos);
        const std::size_t end = sep == std::string_view::npos ? text.size() : sep;
        parts[i] = std::string(text.substr(pos, end - pos));
        pos = sep == std::string_view::npos ? text.size() + 1 : sep + 6;
    }
    return vidperf_fuzz::run([&] {
        vidperf::diffusers_configs c;
        c.transformer = parts[0];
        c.vae = parts[1];
        c.text_encoder = parts[2];
        c.model_index = parts[3];
        c.connectors = parts[4];
        c.audio_vae = parts[5];
        c.vocoder = parts[6];
        const vidperf::loaded_model m = vidperf::model_from_diffusers(c, "fuzzed");
        const vidperf::gpu_spec& h100 = vidperf::find_gpu("h100-sxm5-80gb");
        vidperf_fuzz::price(vidperf_fuzz::small_job(m.spec), h100, vidperf::find_literature("h100-sxm5-80gb"));
    });
}
