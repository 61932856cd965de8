# vidperf_set_warnings(<target>)
#
# Applies vidperf's warning set to the C++ sources of <target>. With
# VIDPERF_WARNINGS_AS_ERRORS on (the default when vidperf is the top-level
# project) every warning is an error. INTERFACE targets get the flags as usage
# requirements; all other targets get them privately. The flags apply to C++
# only, so CUDA sources of a target are compiled with nvcc's defaults.
include_guard(GLOBAL)

function(vidperf_set_warnings target)
    if(NOT TARGET ${target})
        message(FATAL_ERROR "vidperf_set_warnings: '${target}' is not a target")
    endif()

    if(CMAKE_CXX_COMPILER_ID STREQUAL "MSVC")
        set(flags /W4 /permissive-)
        if(VIDPERF_WARNINGS_AS_ERRORS)
            list(APPEND flags /WX)
        endif()
    else()
        set(flags
            -Wall
            -Wextra
            -Wpedantic
            -Wshadow
            -Wnon-virtual-dtor
            -Wold-style-cast
            -Wcast-align
            -Wnull-dereference
            -Wdouble-promotion
            -Wformat=2)
        if(VIDPERF_WARNINGS_AS_ERRORS)
            list(APPEND flags -Werror)
        endif()
    endif()

    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
        set(scope INTERFACE)
    else()
        set(scope PRIVATE)
    endif()
    target_compile_options(${target} ${scope} "$<$<COMPILE_LANGUAGE:CXX>:${flags}>")
endfunction()
