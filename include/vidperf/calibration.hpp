#pragma once
/// \file
/// vidperf umbrella: The fitter: measured microbenchmark files to calibration constants. Needs Eigen and nlohmann-json.

#include <vidperf/calibration/fit.hpp>
#include <vidperf/calibration/fit_ops.hpp>
