#pragma once
/// \file
/// The likely range of a predicted job time: the 10th-90th percentile of
/// vidperf's relative error on published end-to-end figures
/// (validation/published), by GPU architecture (all rows pooled where an
/// architecture has fewer than error_band_min_rows). The table is generated
/// by `vidperf_validate --band-header`; ctest validation.error_band fails when
/// it and the validation run disagree.

#include <array>
#include <string_view>

#include <vidperf/pipeline/error_band_table.hpp>

namespace vidperf {

/// A time range: what the measured value is likely to be, given the prediction.
struct likely_range {
    double low = 0;  ///< seconds (or any unit the prediction was in)
    double high = 0;
    std::string_view basis; ///< "hopper", "ampere", ..., or "all" (pooled)
    int rows = 0;           ///< published rows behind the band
};

/// The band for an architecture: its own rows when it has enough, else the pooled band.
[[nodiscard]] constexpr const detail::error_band_row& error_band_for(std::string_view architecture) noexcept {
    const detail::error_band_row* pooled = &detail::error_bands[0];
    for (const auto& b : detail::error_bands) {
        if (b.basis == "all") pooled = &b;
        if (b.basis == architecture && b.rows >= detail::error_band_min_rows) return b;
    }
    return *pooled;
}

/// Error e = predicted / measured - 1 lies in [p10, p90] for 80 % of the published rows, so the measured
/// value lies in [predicted / (1 + p90), predicted / (1 + p10)].
[[nodiscard]] constexpr likely_range likely_range_of(double predicted, std::string_view architecture) noexcept {
    const auto& b = error_band_for(architecture);
    return {predicted / (1 + b.p90), predicted / (1 + b.p10), b.basis, b.rows};
}

} // namespace vidperf
