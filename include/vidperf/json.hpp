#pragma once
/// \file
/// JSON forms of vidperf's inputs: user GPU specs (`vidperf.gpu/1`) and
/// calibration files (`vidperf.calibration/1`). Needs nlohmann-json
/// (the `vidperf::vidperf` CMake target brings it).

#include <vidperf/vidperf.hpp>

#include <vidperf/io/calibration_json.hpp>
#include <vidperf/io/gpu_json.hpp>
