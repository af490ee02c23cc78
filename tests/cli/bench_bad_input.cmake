# sparseglm-bench on bad input: each case must exit with status 2 and print exactly one line on
# stderr, "sparseglm-bench: ..." containing the expected text, and nothing on stdout.
# Run with: cmake -D BENCH=<sparseglm-bench> -D DATA=<tests/cli/data> -P bench_bad_input.cmake

# Each case: "name|expected text|arguments separated by commas".
set(cases
  "truncated gzip file|truncated gzip file|--data,${DATA}/truncated.svm.gz"
  "empty file|no samples|--data,${DATA}/empty.svm"
  "index 0|line 2: index 0 is not allowed|--data,${DATA}/index_zero.svm"
  "missing label|line 2: missing label|--data,${DATA}/missing_label.svm"
  "three classes for logreg|logistic labels must be {-1, 1} or {0, 1}|--data,${DATA}/three_classes.svm,--model,logreg"
  "missing file|cannot open|--data,${DATA}/no_such_file.svm"
  "a directory|is a directory|--data,${DATA}"
  "unknown flag|--frobnicate|--frobnicate"
  "tol 0|tol|--data,${DATA}/good.svm,--tol,0"
  "negative alpha|alpha|--data,${DATA}/good.svm,--alpha,-1"
  "l1_ratio 2|l1-ratio|--data,${DATA}/good.svm,--model,enet,--l1-ratio,2"
  "max_iter 0|max-iter|--data,${DATA}/good.svm,--max-iter,0"
)

set(failures 0)
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" fields "${case}")
  list(GET fields 0 name)
  list(GET fields 1 expected)
  list(SUBLIST fields 2 -1 arguments)
  string(REPLACE "," ";" arguments "${arguments}")
  execute_process(COMMAND "${BENCH}" ${arguments}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  if(NOT status EQUAL 2 OR NOT lines EQUAL 1 OR NOT err MATCHES "^sparseglm-bench: "
     OR NOT out STREQUAL "")
    message(SEND_ERROR "${name}: exit ${status}, ${lines} line(s) on stderr:\n${err}stdout:\n${out}")
    math(EXPR failures "${failures} + 1")
  else()
    string(FIND "${err}" "${expected}" found)
    if(found EQUAL -1)
      message(SEND_ERROR "${name}: stderr lacks '${expected}':\n${err}")
      math(EXPR failures "${failures} + 1")
    else()
      message(STATUS "ok: ${name}: ${err}")
    endif()
  endif()
endforeach()
list(LENGTH cases total)
message(STATUS "sparseglm-bench: ${total} bad-input cases, ${failures} failed")
