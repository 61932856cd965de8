# Runs vidperf-fit on the synthetic fixture, then compiles a program that includes the generated header.
execute_process(COMMAND "${FIT}" "${FIXTURE}" --out "${WORK}/fit.json" --header "${WORK}/fitted.hpp" --name fitted
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "vidperf-fit failed: ${out} ${err}")
endif()
if(NOT out MATCHES "gemm_efficiency_bf16 +0.8")
    message(FATAL_ERROR "vidperf-fit did not recover the fixture's efficiency 0.8: ${out}")
endif()
file(WRITE "${WORK}/use.cpp" "#include \"fitted.hpp\"\nstatic_assert(fitted.gemm_efficiency[2].value > 0.79 && fitted.gemm_efficiency[2].value < 0.81);\nint main() { return 0; }\n")
execute_process(COMMAND "${CXX}" -std=c++20 -fsyntax-only -I "${INCLUDE}" -I "${WORK}" "${WORK}/use.cpp"
    RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the generated constexpr header does not compile: ${err}")
endif()
