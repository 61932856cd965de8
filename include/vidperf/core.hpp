#pragma once
/// \file
/// vidperf umbrella: Quantities, dtypes, errors and the names tables. Standard library only.

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/error.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/core/quantity.hpp>
