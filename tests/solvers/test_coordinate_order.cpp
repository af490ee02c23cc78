// The order of prox-Newton's model epochs (solvers/coordinate_order.hpp): ascending until a
// stall, then permutations of the same positions, reproducible, until the next stall.

#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "sparseglm/solvers/coordinate_order.hpp"

namespace {

using sparseglm::Index;
using sparseglm::detail::CoordinateOrder;

std::vector<Index> ascending(Index size) {
  std::vector<Index> positions(static_cast<std::size_t>(size));
  std::iota(positions.begin(), positions.end(), Index(0));
  return positions;
}

std::vector<Index> arranged(CoordinateOrder& order, std::vector<Index> positions) {
  order.arrange(positions);
  return positions;
}

}  // namespace

TEST_CASE("coordinate order: ascending, then reproducible permutations after a stall",
          "[prox_newton][coordinate_order]") {
  const std::vector<Index> positions = ascending(50);
  CoordinateOrder order, twin;
  CHECK_FALSE(order.shuffled());
  CHECK(arranged(order, positions) == positions);

  order.switch_after_stall();
  twin.switch_after_stall();
  REQUIRE(order.shuffled());
  const std::vector<Index> first = arranged(order, positions);
  const std::vector<Index> second = arranged(order, positions);
  // Each activation draws a fresh permutation of the same positions, and the same sequence of
  // them in every solver.
  CHECK(std::is_permutation(first.begin(), first.end(), positions.begin()));
  CHECK(std::is_permutation(second.begin(), second.end(), positions.begin()));
  CHECK(first != positions);
  CHECK(second != first);
  CHECK(arranged(twin, positions) == first);
  CHECK(arranged(twin, positions) == second);

  // A subset (the positions left after shrinking) is permuted within itself.
  const std::vector<Index> subset = {3, 7, 8, 20, 41};
  const std::vector<Index> shuffled_subset = arranged(order, subset);
  CHECK(std::is_permutation(shuffled_subset.begin(), shuffled_subset.end(), subset.begin()));
  CHECK(arranged(order, {}).empty());
  CHECK(arranged(order, {9}) == std::vector<Index>{9});

  order.switch_after_stall();
  CHECK_FALSE(order.shuffled());
  CHECK(arranged(order, positions) == positions);
}
