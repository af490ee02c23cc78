#pragma once
// Output: one-line JSON objects, the default problem set's table, coefficient files.

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/fit.hpp"

namespace sparseglm_bench {

/// Builds one JSON object, fields in insertion order. Numbers are written in the shortest form
/// that reads back exactly; NaN and infinities (not JSON) become null.
class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view value);
  JsonObject& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  JsonObject& add(std::string_view key, double value);
  JsonObject& add(std::string_view key, long value);
  JsonObject& add(std::string_view key, int value) { return add(key, long(value)); }
  JsonObject& add(std::string_view key, bool value);
  std::string str() const { return text_.empty() ? "{}" : text_ + "}"; }

 private:
  void add_key(std::string_view key);
  std::string text_;
};

/// What describes the problem in a JSON line, besides the fit itself.
struct ProblemInfo {
  std::string model;
  long n = 0;
  long p = 0;
  long nnz = 0;
  double tol = 0;
  std::string scalar;        ///< "double" or "float"
  std::string storage;       ///< "sparse" or "dense"
  std::string file;          ///< empty for generated problems
  double load_seconds = -1;  ///< < 0: not loaded from a file
  int repeat = 1;
};

/// The JSON object of one (repeated) fit, on one line, with the fields listed by --help.
std::string fit_json(const ProblemInfo& problem, const FitReport& report);

/// The JSON object of --time-xtv: the problem's shape and the median time of X^T v.
std::string transpose_product_json(const ProblemInfo& problem, double seconds);

/// The aligned table of the default problem set.
void print_table_header(std::ostream& out, int repeat);
void print_table_row(std::ostream& out, std::string_view problem, long n, long p, double alpha_ratio,
                     const FitReport& report);

/// Per alpha (one, or each of a path's): the coefficients, then the intercept. As text, one
/// number per line in full precision; when `path` ends in .npy, a float64 array of shape
/// n_alphas x (p + 1). Throws Error on failure.
void write_coefficients(const std::string& path, const FitReport& report);

}  // namespace sparseglm_bench
