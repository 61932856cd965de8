#pragma once
/// \file
/// What a user names on the command line, resolved: a GPU (catalog slug or a
/// `vidperf.gpu/1` file) with its calibration (a built-in profile or a
/// `vidperf.calibration/1` file), and a model (a preset slug or a diffusers
/// folder). The resolved values own the strings they point to.

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <vidperf/hardware/catalog.hpp>
#include <vidperf/io/calibration_json.hpp>
#include <vidperf/io/diffusers.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/roofline/profiles.hpp>

namespace vidperf {

/// A GPU and the calibration chosen for it.
struct target {
    loaded_gpu gpu;
    loaded_calibration cal;
    bool fell_back = false; ///< the profile asked for had nothing for this GPU; `note` says what was used
    std::string note;

    [[nodiscard]] const gpu_spec& spec() const { return gpu.spec; }
    [[nodiscard]] const calibration& constants() const { return cal.cal; }
};

/// A GPU slug of the catalog, or a GPU JSON file; an unknown slug raises with the closest slugs.
[[nodiscard]] inline loaded_gpu resolve_gpu(std::string_view text) {
    if (const gpu_spec* g = try_find_gpu(text)) return {*g, std::make_shared<detail::string_store>()};
    const std::filesystem::path p{std::string(text)};
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) return load_gpu_file(p);
    (void)find_gpu(text); // raises not_found with the closest slugs
    return {};
}

/// `gpu` (slug or file) with `profile`: a built-in profile name (best, measured, literature, datasheet) or a
/// calibration JSON file.
[[nodiscard]] inline target resolve_target(std::string_view gpu, std::string_view profile = "best") {
    target t;
    t.gpu = resolve_gpu(gpu);
    const bool builtin = std::find(builtin_profiles.begin(), builtin_profiles.end(), profile) != builtin_profiles.end();
    if (builtin) {
        const calibration_choice c = builtin_calibration(profile, t.gpu.spec.slug);
        t.cal.cal = *c.cal;
        t.fell_back = c.fell_back;
        t.note = std::string(c.note);
        return t;
    }
    const std::filesystem::path p{std::string(profile)};
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) {
        t.cal = load_calibration_file(p);
        return t;
    }
    (void)builtin_calibration(profile, t.gpu.spec.slug); // raises with the list of profiles
    return t;
}

/// A model preset slug, or a folder holding a diffusers model (model_index.json and its components'
/// config.json files).
[[nodiscard]] inline std::shared_ptr<const model_spec> resolve_model(std::string_view text) {
    if (const model_spec* m = try_find_model(text)) return borrow(*m);
    const std::filesystem::path p{std::string(text)};
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
        auto loaded = std::make_shared<loaded_model>(load_diffusers_folder(p, p.filename().string()));
        return std::shared_ptr<const model_spec>(loaded, &loaded->spec);
    }
    return borrow(find_model(text)); // raises not_found with the closest slugs
}

/// Lowers and prices `j` on a resolved target.
[[nodiscard]] inline job_estimate estimate(const inference_job& j, const target& t) {
    return estimate(j, t.spec(), t.constants());
}

} // namespace vidperf
