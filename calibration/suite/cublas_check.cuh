#pragma once
// CUBLAS_CHECK: throws with file, line, the call and cuBLAS's status (the GEMM and sustained-load sections).
#include <cublas_api.h>

#include <stdexcept>
#include <string>

#define CUBLAS_CHECK(expr)                                                                                           \
    do {                                                                                                             \
        const cublasStatus_t s_ = (expr);                                                                            \
        if (s_ != CUBLAS_STATUS_SUCCESS)                                                                             \
            throw std::runtime_error(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + #expr +         \
                                     ": cuBLAS status " + std::to_string(static_cast<int>(s_)));                     \
    } while (0)
