// The Catch2 runner: the one translation unit that defines main() for sparseglm-tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
