#pragma once
/// \file
/// vidperf umbrella: The op vocabulary and its FLOP and byte counts. Standard library only.

#include <vidperf/ops/cost.hpp>
#include <vidperf/ops/ops.hpp>
