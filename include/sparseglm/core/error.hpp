#pragma once
// The one exception type the library throws for bad input.

#include <stdexcept>
#include <string>

namespace sparseglm {

/// Thrown for invalid arguments (shapes, NaN/Inf, labels, parameters). The message names the
/// argument and the problem, e.g. "y: contains NaN or Inf at index 3".
class invalid_argument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {

[[noreturn]] inline void throw_invalid(const std::string& argument, const std::string& problem) {
  throw invalid_argument(argument + ": " + problem);
}

}  // namespace detail
}  // namespace sparseglm
