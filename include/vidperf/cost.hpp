#pragma once
/// \file
/// vidperf umbrella: dollars: cost per finished job, break-even prices, serving pools, checkpoint intervals,
/// and their sensitivities. Needs Boost.Math.

#include <vidperf/cost/cost.hpp>
#include <vidperf/cost/sensitivity.hpp>
