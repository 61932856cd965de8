// Dimension rules checked at compile time: this file only has to compile.
#include <type_traits>

#include <vidperf/core/quantity.hpp>

using namespace vidperf;

static_assert(std::is_same_v<decltype(bytes(1) / bytes_per_second(1)), seconds>);
static_assert(std::is_same_v<decltype(flops(1) / flops_per_second(1)), seconds>);
static_assert(std::is_same_v<decltype(flops_per_second(1) * seconds(1)), flops>);
static_assert(std::is_same_v<decltype(bytes(1) / seconds(1)), bytes_per_second>);
static_assert(std::is_same_v<decltype(dollars_per_second(1) * seconds(1)), dollars>);
static_assert(std::is_same_v<decltype(bytes(1) / bytes(1)), double>);
static_assert(std::is_same_v<decltype(flops(1) / bytes(1)), quantity<dims::flops_per_byte>>);

// no implicit construction from a raw number, no cross-dimension conversion
static_assert(!std::is_convertible_v<double, seconds>);
static_assert(!std::is_convertible_v<bytes_per_second, flops_per_second>);
static_assert(!std::is_constructible_v<flops_per_second, bytes_per_second>);
static_assert(!std::is_convertible_v<bytes_t<double>, bytes_t<float>>); // narrowing must be explicit
static_assert(std::is_constructible_v<bytes_t<float>, bytes_t<double>>);

// constexpr arithmetic
static_assert((bytes(8) / bytes_per_second(2)).value() == 4.0);
static_assert(bytes(3) < bytes(4));
