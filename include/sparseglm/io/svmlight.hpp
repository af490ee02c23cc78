#pragma once
// Reading and writing the svmlight / libsvm text format.
//
// Format: one sample per line, `label idx:val idx:val ...`.
//   * The label comes first. Feature indices are 1-based (0-based with
//     `SvmlightOptions::zero_based`) and strictly increasing within a line; features left out
//     are zero. A line with only a label is a sample whose features are all zero. An explicit
//     `idx:0` is checked like any feature, counts toward the inferred width, and is not stored.
//   * Accepted: '#' comments (whole-line or trailing), blank lines (skipped), CRLF line ends,
//     any mix of spaces and tabs, a `qid:N` token right after the label (checked, then
//     ignored), and a leading '+' on labels and values ("+1").
//   * Numbers are parsed with std::from_chars: locale-independent, exact (correctly rounded).
//   * `write_svmlight` writes the shortest text that reads back to the same value
//     (std::to_chars), leaves out exact zeros and uses 1-based indices, so writing then reading
//     with the same Scalar gives bit-identical X and y.
//
// Error policy: a malformed input never yields a partial result. `read_svmlight` throws
// sparseglm::invalid_argument at the first problem, with the 1-based line number and a
// description, e.g. "svmlight line 7: index 0 is not allowed (indices are 1-based)".
// Rejected: no samples at all, a missing label, a label or value that is not a number, not
// finite (NaN/Inf) or out of the range of Scalar (overflow, or underflow to zero: "1e39" and
// "1e-50" as float), a token without ':', an index that is not an integer, an index below the
// first one (0 or negative), indices not strictly increasing (duplicates included), and an
// index too large for the column count:
//   * with `n_features = p > 0`, an index past the p-th column;
//   * with `n_features = 0` (inferred as the largest index seen), an index past column
//     `svmlight_max_inferred_features` (10^8). The matrix stores one column pointer per
//     column, so one stray huge index could otherwise allocate gigabytes; wider data (up to
//     the int storage limit, 2^31 - 1 columns) must state its width in `n_features`.

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <istream>
#include <limits>
#include <numeric>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "sparseglm/core/error.hpp"
#include "sparseglm/core/types.hpp"
#include "sparseglm/core/validation.hpp"

namespace sparseglm::io {

template <class Scalar = double>
struct SvmlightData {
  Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int> X;
  Vector<Scalar> y;
};

struct SvmlightOptions {
  /// 0: infer the column count as the largest index seen. Otherwise the column count p;
  /// an index past the p-th column is an error.
  Index n_features = 0;
  /// Indices start at 0 instead of 1.
  bool zero_based = false;
};

/// The widest matrix `read_svmlight` infers on its own; see the header comment.
inline constexpr Index svmlight_max_inferred_features = 100'000'000;

namespace detail {

using sparseglm::detail::throw_invalid;

inline constexpr std::string_view svmlight_whitespace = " \t\r\v\f";
inline constexpr int svmlight_storage_limit = std::numeric_limits<int>::max();

/// Hands out the whitespace-separated tokens of one line; an empty token means the end.
class TokenCursor {
 public:
  explicit TokenCursor(std::string_view line) : rest_(line) {}

  std::string_view next() {
    const auto begin = rest_.find_first_not_of(svmlight_whitespace);
    if (begin == std::string_view::npos) return {};
    rest_.remove_prefix(begin);
    const auto token = rest_.substr(0, rest_.find_first_of(svmlight_whitespace));
    rest_.remove_prefix(token.size());
    return token;
  }

 private:
  std::string_view rest_;
};

inline std::string_view without_comment(std::string_view line) { return line.substr(0, line.find('#')); }

/// from_chars drops a leading '+', which svmlight labels often carry ("+1"); "+-1" stays invalid.
inline std::string_view without_plus_sign(std::string_view text) {
  if (text.starts_with('+') && !text.substr(1).starts_with('-')) text.remove_prefix(1);
  return text;
}

/// `text` in quotes for an error message, cut short if it is long.
inline std::string quoted(std::string_view text) {
  constexpr std::size_t max_shown = 40;
  std::string result(1, '\'');
  result.append(text.substr(0, max_shown));  // append, not operator+: GCC 12 -Wrestrict false positive
  result.append(text.size() > max_shown ? "...'" : "'");
  return result;
}

template <class Number>
struct ParsedNumber {
  Number value{};
  std::errc error{};  // std::errc{} on success
};

/// Parses the whole of `text` as a Number; trailing characters make it invalid.
template <class Number>
ParsedNumber<Number> parse_number(std::string_view text) {
  ParsedNumber<Number> parsed;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, parsed.value);
  parsed.error = (result.ec == std::errc{} && result.ptr != end) ? std::errc::invalid_argument : result.ec;
  return parsed;
}

template <std::floating_point Scalar>
constexpr std::string_view scalar_type_name() {
  if constexpr (std::is_same_v<Scalar, float>)
    return "float";
  else if constexpr (std::is_same_v<Scalar, double>)
    return "double";
  else
    return "long double";
}

/// Why `parsed` is not a usable Scalar; empty if it is.
template <std::floating_point Scalar>
std::string scalar_problem(const ParsedNumber<Scalar>& parsed) {
  if (parsed.error == std::errc::result_out_of_range)
    return "is out of range for " + std::string(scalar_type_name<Scalar>());
  if (parsed.error != std::errc{}) return "is not a number";
  if (!std::isfinite(parsed.value)) return "is not finite";
  return {};
}

/// Parses svmlight text line by line into row lists, then builds the column-major matrix.
template <std::floating_point Scalar>
class SvmlightReader {
 public:
  explicit SvmlightReader(const SvmlightOptions& options)
      : n_features_(options.n_features), first_index_(options.zero_based ? 0 : 1) {
    if (n_features_ < 0 || n_features_ > svmlight_storage_limit)
      throw_invalid("options.n_features", "must be between 0 and " + std::to_string(svmlight_storage_limit) +
                                              ", got " + std::to_string(n_features_));
  }

  void read_all(std::istream& in) {
    std::string line;
    while (std::getline(in, line)) {
      ++line_number_;
      parse_line(line);
    }
    if (in.bad()) throw_invalid("svmlight", "read error after line " + std::to_string(line_number_));
  }

  SvmlightData<Scalar> result() const {
    if (labels_.empty())
      throw_invalid("svmlight", "no samples (the input is empty or has only blank and comment lines)");
    constexpr auto limit = static_cast<std::size_t>(svmlight_storage_limit);
    if (labels_.size() > limit || columns_.size() > limit)
      throw_invalid("svmlight", "more samples or non-zeros than int storage allows (" +
                                    std::to_string(svmlight_storage_limit) + ")");
    SvmlightData<Scalar> data;
    data.X = column_major_matrix();
    data.y = Eigen::Map<const Vector<Scalar>>(labels_.data(), static_cast<Index>(labels_.size()));
    return data;
  }

 private:
  Index n_features_;
  long long first_index_;
  std::size_t line_number_ = 0;
  int max_column_ = -1;
  std::vector<Scalar> labels_;
  std::vector<std::size_t> row_starts_{0};  // row i holds entries [row_starts_[i], row_starts_[i+1])
  std::vector<int> columns_;
  std::vector<Scalar> values_;

  [[noreturn]] void fail(const std::string& problem) const {
    throw_invalid("svmlight line " + std::to_string(line_number_), problem);
  }

  void parse_line(std::string_view line) {
    TokenCursor tokens(without_comment(line));
    const auto label = tokens.next();
    if (label.empty()) return;
    if (label.find(':') != std::string_view::npos)
      fail("missing label (the line starts with " + quoted(label) + ")");
    labels_.push_back(parse_label(label));

    auto token = tokens.next();
    if (token.starts_with("qid:")) {
      check_qid(token.substr(4));
      token = tokens.next();
    }
    long long previous_index = first_index_ - 1;
    for (; !token.empty(); token = tokens.next()) previous_index = parse_feature(token, previous_index);
    row_starts_.push_back(columns_.size());
  }

  Scalar parse_label(std::string_view text) const {
    const auto parsed = parse_number<Scalar>(without_plus_sign(text));
    if (const auto problem = scalar_problem(parsed); !problem.empty())
      fail("label " + quoted(text) + " " + problem);
    return parsed.value;
  }

  void check_qid(std::string_view text) const {
    if (parse_number<long long>(text).error != std::errc{})
      fail("qid " + quoted(text) + " is not an integer");
  }

  /// Parses one `index:value` token that follows `previous_index`; returns its index.
  long long parse_feature(std::string_view token, long long previous_index) {
    const auto colon = token.find(':');
    if (colon == std::string_view::npos)
      fail("token " + quoted(token) + " has no ':' (expected index:value)");
    const long long index = parse_index(token.substr(0, colon));
    const int column = column_of(index);
    check_increasing(index, previous_index);
    const Scalar value = parse_value(token.substr(colon + 1), index);

    max_column_ = std::max(max_column_, column);
    if (value != Scalar(0)) {
      columns_.push_back(column);
      values_.push_back(value);
    }
    return index;
  }

  long long parse_index(std::string_view text) const {
    const auto parsed = parse_number<long long>(text);
    if (parsed.error == std::errc::result_out_of_range) fail("index " + quoted(text) + " is out of range");
    if (parsed.error != std::errc{}) fail("index " + quoted(text) + " is not an integer");
    return parsed.value;
  }

  int column_of(long long index) const {
    if (index < first_index_)
      fail("index " + std::to_string(index) + " is not allowed (indices are " + std::to_string(first_index_) +
           "-based)");
    const long long column = index - first_index_;
    if (n_features_ > 0 && column >= n_features_)
      fail("index " + std::to_string(index) +
           " is out of range for n_features = " + std::to_string(n_features_));
    if (n_features_ == 0 && column >= svmlight_max_inferred_features)
      fail("index " + std::to_string(index) + " is too large to infer n_features (at most " +
           std::to_string(svmlight_max_inferred_features) +
           " columns); set options.n_features for wider data");
    return static_cast<int>(column);
  }

  void check_increasing(long long index, long long previous_index) const {
    if (index == previous_index) fail("duplicate index " + std::to_string(index));
    if (index < previous_index)
      fail("index " + std::to_string(index) + " follows index " + std::to_string(previous_index) +
           " (indices must be strictly increasing)");
  }

  Scalar parse_value(std::string_view text, long long index) const {
    const auto parsed = parse_number<Scalar>(without_plus_sign(text));
    if (const auto problem = scalar_problem(parsed); !problem.empty())
      fail("value " + quoted(text) + " of index " + std::to_string(index) + " " + problem);
    return parsed.value;
  }

  /// Counting sort of the row lists by column: O(nnz + p) time, no memory beyond the result.
  Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int> column_major_matrix() const {
    const Index rows = static_cast<Index>(labels_.size());
    const Index cols = n_features_ > 0 ? n_features_ : Index(max_column_) + 1;
    Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int> X(rows, cols);  // column pointers all 0
    X.resizeNonZeros(static_cast<Index>(columns_.size()));

    int* column_starts = X.outerIndexPtr();
    for (const int column : columns_) ++column_starts[column + 1];
    std::partial_sum(column_starts, column_starts + cols + 1, column_starts);
    for (std::size_t row = 0; row < labels_.size(); ++row) {
      for (auto k = row_starts_[row]; k < row_starts_[row + 1]; ++k) {
        const int slot = column_starts[columns_[k]]++;
        X.innerIndexPtr()[slot] = static_cast<int>(row);
        X.valuePtr()[slot] = values_[k];
      }
    }
    // Each column start has moved to the start of the next column: shift them back.
    std::copy_backward(column_starts, column_starts + cols, column_starts + cols + 1);
    column_starts[0] = 0;
    return X;
  }
};

template <class Derived>
auto row_major_copy(const Eigen::EigenBase<Derived>& X) {
  using RowMajorMatrix = Eigen::SparseMatrix<typename Derived::Scalar, Eigen::RowMajor, Index>;
  RowMajorMatrix copy;
  if constexpr (std::is_base_of_v<Eigen::SparseMatrixBase<Derived>, Derived>)
    copy = X.derived();
  else
    copy = X.derived().sparseView();
  copy.makeCompressed();
  return copy;
}

/// Appends the shortest text that reads back to exactly `value`.
template <class Number>
void append_number(std::string& out, Number value) {
  std::array<char, 64> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

}  // namespace detail

/// Reads svmlight text into a column-major sparse X (n x p) and labels y (n). Throws
/// sparseglm::invalid_argument naming the line and the problem; see the header comment.
template <std::floating_point Scalar = double>
SvmlightData<Scalar> read_svmlight(std::istream& in, const SvmlightOptions& options = {}) {
  detail::SvmlightReader<Scalar> reader(options);
  reader.read_all(in);
  return reader.result();
}

/// Writes X (any dense or sparse Eigen matrix) and the labels y as svmlight text with 1-based
/// indices, leaving out exact zeros. Throws sparseglm::invalid_argument if y's length is not
/// X.rows() or if X or y holds NaN or Inf (the reader would reject them). Stream errors are
/// left in `out`'s state, as for any stream output.
template <class Derived, class YDerived>
void write_svmlight(std::ostream& out, const Eigen::EigenBase<Derived>& X,
                    const Eigen::DenseBase<YDerived>& y) {
  static_assert(YDerived::IsVectorAtCompileTime, "write_svmlight: y must be a vector");
  sparseglm::detail::check_length("y", y.size(), X.rows(), "the number of rows of X");
  sparseglm::detail::check_finite("y", y);
  const auto rows = detail::row_major_copy(X);
  if (!rows.coeffs().allFinite()) sparseglm::detail::throw_invalid("X", "contains NaN or Inf");

  std::string line;
  for (Index i = 0; i < rows.outerSize(); ++i) {
    line.clear();
    detail::append_number(line, y.derived().coeff(i));
    for (typename decltype(rows)::InnerIterator it(rows, i); it; ++it) {
      if (it.value() == 0) continue;
      line += ' ';
      detail::append_number(line, it.index() + 1);
      line += ':';
      detail::append_number(line, it.value());
    }
    line += '\n';
    out << line;
  }
}

}  // namespace sparseglm::io
