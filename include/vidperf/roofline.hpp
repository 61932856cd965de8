#pragma once
/// \file
/// vidperf umbrella: The prediction engine, calibrations and built-in profiles, the host CPU target. Standard library only.

#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/engine.hpp>
#include <vidperf/roofline/host.hpp>
#include <vidperf/roofline/measured.hpp>
#include <vidperf/roofline/profiles.hpp>
