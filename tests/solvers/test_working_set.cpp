// Working-set sizes (solvers/working_set.hpp): p0 at first, then the penalised support times the
// growth factor (2 on dense designs, 4 on sparse ones), with the unpenalised features on top.

#include <catch2/catch.hpp>

#include "sparseglm/solvers/working_set.hpp"

using sparseglm::detail::working_set_size;

TEST_CASE("working_set_size: p0, then growth times the penalised support, capped at p", "[working_set]") {
  // (p0, unpenalised, support, p, growth)
  CHECK(working_set_size(10, 0, 0, 1000, 2) == 10);
  CHECK(working_set_size(10, 0, 0, 1000, 4) == 10);
  CHECK(working_set_size(10, 0, 30, 1000, 2) == 60);
  CHECK(working_set_size(10, 0, 30, 1000, 4) == 120);
  CHECK(working_set_size(10, 0, 300, 1000, 4) == 1000);
  CHECK(working_set_size(10, 0, 3, 1000, 2) == 10);
  // Two unpenalised features, always in the support: 28 penalised ones grow, the 2 are kept.
  CHECK(working_set_size(10, 2, 30, 1000, 2) == 58);  // skglm's 2 |support| - n_unpenalised
  CHECK(working_set_size(10, 2, 30, 1000, 4) == 114);
  CHECK(working_set_size(10, 2, 2, 1000, 4) == 12);
  CHECK(working_set_size(10, 2, 2, 5, 4) == 5);
}
