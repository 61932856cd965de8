#pragma once
/// \file
/// vidperf umbrella: The op vocabulary and its FLOP and byte counts. Standard library only.

#include <vidperf/ops/op_cost.hpp>
#include <vidperf/ops/ops.hpp>
