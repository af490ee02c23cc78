// Tests of the svmlight reader and writer: exact round trips, the accepted syntax, the
// options, and one error message per kind of malformed input.

#include <bit>
#include <catch2/catch.hpp>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sparseglm/core/error.hpp"
#include "sparseglm/io/svmlight.hpp"

namespace {

using sparseglm::Index;
using sparseglm::io::read_svmlight;
using sparseglm::io::SvmlightData;
using sparseglm::io::SvmlightOptions;
using sparseglm::io::write_svmlight;

template <class Scalar = double>
SvmlightData<Scalar> read_text(const std::string& text, const SvmlightOptions& options = {}) {
  std::istringstream in(text);
  return read_svmlight<Scalar>(in, options);
}

template <class Derived, class YDerived>
std::string write_text(const Eigen::EigenBase<Derived>& X, const Eigen::DenseBase<YDerived>& y) {
  std::ostringstream out;
  write_svmlight(out, X, y);
  return out.str();
}

/// The message of the sparseglm::invalid_argument that reading `text` throws.
template <class Scalar = double>
std::string read_error(const std::string& text, const SvmlightOptions& options = {}) {
  try {
    read_text<Scalar>(text, options);
  } catch (const sparseglm::invalid_argument& e) {
    return e.what();
  }
  return "<no exception>";
}

template <class Scalar>
bool same_bits(Scalar a, Scalar b) {
  return std::memcmp(&a, &b, sizeof(Scalar)) == 0;
}

template <class Scalar>
bool bit_identical(const Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int>& A,
                   const Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int>& B) {
  if (A.rows() != B.rows() || A.cols() != B.cols() || A.nonZeros() != B.nonZeros()) return false;
  for (Index j = 0; j <= A.cols(); ++j)
    if (A.outerIndexPtr()[j] != B.outerIndexPtr()[j]) return false;
  for (Index k = 0; k < A.nonZeros(); ++k)
    if (A.innerIndexPtr()[k] != B.innerIndexPtr()[k] || !same_bits(A.valuePtr()[k], B.valuePtr()[k]))
      return false;
  return true;
}

/// A random sparse matrix whose values span the whole exponent range of Scalar, plus a first
/// row of hard-to-print values and a last column left empty.
template <class Scalar>
Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int> random_sparse(Index rows, Index cols, std::mt19937& rng) {
  using limits = std::numeric_limits<Scalar>;
  const std::vector<Scalar> special = {limits::max(),        limits::lowest(),  limits::min(),
                                       limits::denorm_min(), limits::epsilon(), Scalar(0.1),
                                       Scalar(1) / 3,        Scalar(-2.5),      Scalar(1e6)};
  std::uniform_real_distribution<Scalar> mantissa(-1, 1);
  std::uniform_int_distribution<int> exponent(limits::min_exponent, limits::max_exponent - 1);
  std::bernoulli_distribution nonzero(0.2);

  std::vector<Eigen::Triplet<Scalar, int>> triplets;
  for (std::size_t j = 0; j < special.size(); ++j) triplets.emplace_back(0, static_cast<int>(j), special[j]);
  for (int i = 1; i < rows; ++i)
    for (int j = 0; j + 1 < cols; ++j)
      if (nonzero(rng)) triplets.emplace_back(i, j, std::ldexp(mantissa(rng), exponent(rng)));
  Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int> X(rows, cols);
  X.setFromTriplets(triplets.begin(), triplets.end());
  X.prune(Scalar(0));  // a mantissa may be drawn as exactly 0
  return X;
}

template <class Scalar>
void check_round_trip() {
  std::mt19937 rng(20240611);
  const auto X = random_sparse<Scalar>(60, 40, rng);
  sparseglm::Vector<Scalar> y(X.rows());
  std::normal_distribution<Scalar> normal;
  for (Index i = 0; i < y.size(); ++i) y(i) = normal(rng);
  y(0) = Scalar(-0.0);
  y(1) = Scalar(1);

  const auto data = read_text<Scalar>(write_text(X, y), {.n_features = X.cols()});

  CHECK(bit_identical(data.X, X));
  REQUIRE(data.y.size() == y.size());
  for (Index i = 0; i < y.size(); ++i) CHECK(same_bits(data.y(i), y(i)));
}

struct MalformedCase {
  std::string text;
  SvmlightOptions options;
  std::string expected;  // a substring of the message
};

}  // namespace

TEST_CASE("svmlight round trip is bit-identical", "[io][svmlight]") {
  SECTION("double") { check_round_trip<double>(); }
  SECTION("float") { check_round_trip<float>(); }
}

TEST_CASE("svmlight writer: exact text, dense input, zeros left out", "[io][svmlight]") {
  Eigen::MatrixXd X(3, 4);
  X << 0.5, 0, -2, 0,  //
      0, 0, 0, 0,      //
      0.1, 1e-300, 0, 3;
  const Eigen::VectorXd y = Eigen::Vector3d(1, -1, 2.25);

  const auto text = write_text(X, y);
  CHECK(text == "1 1:0.5 3:-2\n-1\n2.25 1:0.1 2:1e-300 4:3\n");

  const auto data = read_text(text);
  CHECK(data.X.cols() == 4);
  CHECK(Eigen::MatrixXd(data.X) == X);
  CHECK(data.y == y);

  Eigen::SparseMatrix<double> with_stored_zero = X.sparseView();
  with_stored_zero.coeffRef(1, 1) = 0.0;  // an explicitly stored zero is still left out
  CHECK(write_text(with_stored_zero, y) == text);
}

TEST_CASE("svmlight writer rejects bad labels and values", "[io][svmlight]") {
  Eigen::MatrixXd X = Eigen::MatrixXd::Ones(2, 2);
  Eigen::VectorXd y = Eigen::VectorXd::Ones(2);
  std::ostringstream out;

  CHECK_THROWS_WITH(write_svmlight(out, X, Eigen::VectorXd::Ones(3)),
                    "y: has length 3 but the number of rows of X is 2");
  y(1) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(write_svmlight(out, X, y), sparseglm::invalid_argument);
  y(1) = 1;
  X(1, 0) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(write_svmlight(out, X, y), "X: contains NaN or Inf");
  CHECK(out.str().empty());
}

TEST_CASE("svmlight reader accepts comments, CRLF, blank lines, qid and loose spacing", "[io][svmlight]") {
  const std::string text =
      "# a header comment\r\n"
      "+1 qid:3 1:0.5\t 3:2   # a trailing comment\r\n"
      "\r\n"
      "   \t\n"
      "-1\tqid:3\t2:-1.5e2 \t \n"
      "0.25   \n"
      "#1 1:7\n"
      "2 1:+4 3:.5";  // no final newline
  const auto data = read_text(text);

  Eigen::MatrixXd expected(4, 3);
  expected << 0.5, 0, 2,  //
      0, -150, 0,         //
      0, 0, 0,            //
      4, 0, 0.5;
  CHECK(Eigen::MatrixXd(data.X) == expected);
  CHECK(data.y == Eigen::Vector4d(1, -1, 0.25, 2));
  CHECK(data.X.isCompressed());
}

TEST_CASE("svmlight reader options and column count", "[io][svmlight]") {
  SECTION("n_features = 0 infers the largest index, explicit zeros included") {
    const auto data = read_text("1 2:1\n-1 5:0\n");
    CHECK(data.X.rows() == 2);
    CHECK(data.X.cols() == 5);
    CHECK(data.X.nonZeros() == 1);
  }
  SECTION("n_features pads with empty columns") {
    const auto data = read_text("1 2:1\n-1 3:4\n", {.n_features = 10});
    CHECK(data.X.cols() == 10);
    CHECK(data.X.coeff(1, 2) == 4);
    CHECK(data.X.col(9).nonZeros() == 0);
  }
  SECTION("zero_based") {
    const auto data = read_text("1 0:1 2:3\n", {.zero_based = true});
    CHECK(data.X.cols() == 3);
    CHECK(data.X.coeff(0, 0) == 1);
    CHECK(data.X.coeff(0, 2) == 3);
  }
  SECTION("labels only: no columns") {
    const auto data = read_text("1\n-1\n");
    CHECK(data.X.rows() == 2);
    CHECK(data.X.cols() == 0);
  }
}

TEST_CASE("svmlight reader rejects malformed input with the line and the problem", "[io][svmlight]") {
  const SvmlightOptions p5{.n_features = 5};
  const SvmlightOptions zero_based{.zero_based = true};
  const std::string long_token(100, 'a');
  const std::vector<MalformedCase> cases = {
      {"", {}, "svmlight: no samples"},
      {"# only a comment\n\n  \t\r\n", {}, "svmlight: no samples"},
      {"1:0.5 2:1\n", {}, "svmlight line 1: missing label (the line starts with '1:0.5')"},
      {"qid:1 1:1\n", {}, "svmlight line 1: missing label"},
      {"\n1 1:1\nabc 1:1\n", {}, "svmlight line 3: label 'abc' is not a number"},
      {"+-1 1:1\n", {}, "svmlight line 1: label '+-1' is not a number"},
      {"1x 1:1\n", {}, "svmlight line 1: label '1x' is not a number"},
      {"nan 1:1\n", {}, "svmlight line 1: label 'nan' is not finite"},
      {"1 1:1\n-inf\n", {}, "svmlight line 2: label '-inf' is not finite"},
      {"1e400 1:1\n", {}, "svmlight line 1: label '1e400' is out of range for double"},
      {"1 2\n", {}, "svmlight line 1: token '2' has no ':' (expected index:value)"},
      {"1 1:1 " + long_token, {}, "svmlight line 1: token '" + long_token.substr(0, 40) + "...'"},
      {"1 x:1\n", {}, "svmlight line 1: index 'x' is not an integer"},
      {"1 1.5:1\n", {}, "svmlight line 1: index '1.5' is not an integer"},
      {"1 :1\n", {}, "svmlight line 1: index '' is not an integer"},
      {"1 1:1 qid:3\n", {}, "svmlight line 1: index 'qid' is not an integer"},
      {"1 qid:x 1:1\n", {}, "svmlight line 1: qid 'x' is not an integer"},
      {"1 0:1\n", {}, "svmlight line 1: index 0 is not allowed (indices are 1-based)"},
      {"1 -3:1\n", {}, "svmlight line 1: index -3 is not allowed (indices are 1-based)"},
      {"1 -1:1\n", zero_based, "svmlight line 1: index -1 is not allowed (indices are 0-based)"},
      {"1 3:1 2:1\n", {}, "svmlight line 1: index 2 follows index 3 (indices must be strictly increasing)"},
      {"1 1:1\n1 3:1 3:2\n", {}, "svmlight line 2: duplicate index 3"},
      {"1 1:abc\n", {}, "svmlight line 1: value 'abc' of index 1 is not a number"},
      {"1 4:\n", {}, "svmlight line 1: value '' of index 4 is not a number"},
      {"1 1:1e\n", {}, "svmlight line 1: value '1e' of index 1 is not a number"},
      {"1 1:1:2\n", {}, "svmlight line 1: value '1:2' of index 1 is not a number"},
      {"1 1:nan\n", {}, "svmlight line 1: value 'nan' of index 1 is not finite"},
      {"1 2:inf\n", {}, "svmlight line 1: value 'inf' of index 2 is not finite"},
      {"1 1:1e400\n", {}, "svmlight line 1: value '1e400' of index 1 is out of range for double"},
      {"1 1:-1e-400\n", {}, "svmlight line 1: value '-1e-400' of index 1 is out of range for double"},
      {"1 99999999999999999999:1\n", {}, "svmlight line 1: index '99999999999999999999' is out of range"},
      {"1 100000001:1\n",
       {},
       "svmlight line 1: index 100000001 is too large to infer n_features (at most 100000000 "
       "columns); set options.n_features for wider data"},
      {"1 2147483648:1\n", {}, "svmlight line 1: index 2147483648 is too large to infer"},
      {"1 6:1\n", p5, "svmlight line 1: index 6 is out of range for n_features = 5"},
      {"1 5:1\n",
       {.n_features = 5, .zero_based = true},
       "svmlight line 1: index 5 is out of range for n_features = 5"},
      {"1 1:1\r\n-1 0:1\r\n", {}, "svmlight line 2: index 0 is not allowed"},
      {"# c\n\n1 1:1\n1 1:1 # 0:0\n1 1:x\n", {}, "svmlight line 5: value 'x' of index 1"},
      {"1 1:1\n", {.n_features = -1}, "options.n_features: must be between 0 and 2147483647, got -1"},
      {"1 1:1\n", {.n_features = Index(1) << 31}, "options.n_features: must be between 0"},
  };

  for (const auto& c : cases) {
    INFO("input: " << c.text);
    CHECK_THAT(read_error(c.text, c.options), Catch::Matchers::Contains(c.expected));
  }
}

TEST_CASE("svmlight reader rejects values out of float range", "[io][svmlight]") {
  CHECK_THAT(read_error<float>("1e39 1:1\n"),
             Catch::Matchers::Contains("line 1: label '1e39' is out of range for float"));
  CHECK_THAT(read_error<float>("1 1:1\n1 2:-1e-50\n"),
             Catch::Matchers::Contains("line 2: value '-1e-50' of index 2 is out of range for float"));
  CHECK(read_text<float>("1 1:1e38\n").X.coeff(0, 0) == 1e38f);
}
