# Runs the storage probe on a few MB in WORK, then feeds its curve to vidperf train.
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND "${PROBE}" --dir "${WORK}" --size-MB 16 --readers 1,2 --out "${WORK}/storage.json"
    RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "storage probe failed (${rc})")
endif()
file(READ "${WORK}/storage.json" json)
if(NOT json MATCHES "vidperf.storage/1")
    message(FATAL_ERROR "storage probe wrote no vidperf.storage/1 file: ${json}")
endif()
execute_process(COMMAND "${CLI}" train --model wan2.1-t2v-1.3b --gpu h100-sxm5-80gb --counts 1,2
    --storage-scaling "${WORK}/storage.json" --data raw RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "samples/s")
    message(FATAL_ERROR "vidperf train did not read the probe's curve: ${out}")
endif()
