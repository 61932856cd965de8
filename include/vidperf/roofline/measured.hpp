#pragma once
/// \file
/// Calibrations measured on real GPUs and compiled into vidperf: the
/// `measured` built-in profile, and the first choice of `best`.
///
/// Each entry is a header written by `vidperf-fit --header` from a raw file
/// committed unedited under calibration/data/<gpu-slug>/<date>/ (the header
/// names that file as the source of every constant it fitted). To add one:
/// put the header in include/vidperf/roofline/measured/, include it here and
/// add its variable to `measured_calibrations`. No GPU has been measured yet,
/// so the list is empty and `best` falls through to `literature`.

#include <array>
#include <cstddef>
#include <string_view>

#include <vidperf/roofline/calibration.hpp>

namespace vidperf {

/// The compiled-in measured calibrations, one per GPU slug.
inline constexpr std::array<const calibration*, 0> measured_calibrations{};

/// The measured calibration of `gpu_slug`, or nullptr when that GPU has not been measured.
[[nodiscard]] constexpr const calibration* try_find_measured(std::string_view gpu_slug) noexcept {
    for (const calibration* c : measured_calibrations)
        if (c->gpu_slug == gpu_slug) return c;
    return nullptr;
}

} // namespace vidperf
