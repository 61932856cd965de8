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
file(READ "${WORK}/fit.json" fitted_json)
string(JSON fit_rows LENGTH "${fitted_json}" fit constants)
string(JSON first_constant GET "${fitted_json}" fit constants 0 constant)
string(JSON first_residual GET "${fitted_json}" fit constants 0 max_relative_residual)
if(fit_rows LESS 1 OR first_residual GREATER 0.05)
    message(FATAL_ERROR "fit.json lacks the fit report, or its residual is not that of a 1 %-noise fixture: "
                        "${fit_rows} rows, ${first_constant} residual ${first_residual}")
endif()
