// The one Catch2 main for every *_test.cc in src/.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
