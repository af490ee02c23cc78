// libFuzzer target: the svmlight reader on arbitrary bytes.
// The first byte picks the options (zero_based, n_features 0 or 1..15) and the scalar; the rest
// is the text. A read either throws sparseglm::invalid_argument or returns a consistent,
// finite dataset that the writer turns into text reading back bit-identically. Anything else
// (another exception, a crash, a sanitizer report) is a finding.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "sparseglm/core/error.hpp"
#include "sparseglm/io/svmlight.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

template <class Scalar>
bool same_bits(const Scalar* a, const Scalar* b, Eigen::Index size) {
  return size == 0 || std::memcmp(a, b, sizeof(Scalar) * std::size_t(size)) == 0;
}

template <class Scalar>
void check_read(const std::string& text, const sparseglm::io::SvmlightOptions& options) {
  std::istringstream in(text);
  sparseglm::io::SvmlightData<Scalar> data;
  try {
    data = sparseglm::io::read_svmlight<Scalar>(in, options);
  } catch (const sparseglm::invalid_argument&) {
    return;
  }
  require(data.X.rows() == data.y.size() && data.X.rows() > 0);
  require(options.n_features == 0 || data.X.cols() == options.n_features);
  require(data.X.isCompressed());
  for (Eigen::Index k = 0; k < data.X.nonZeros(); ++k) require(std::isfinite(data.X.valuePtr()[k]));
  require(data.y.allFinite());

  std::ostringstream out;
  sparseglm::io::write_svmlight(out, data.X, data.y);
  std::istringstream again(out.str());
  const auto copy = sparseglm::io::read_svmlight<Scalar>(again, {.n_features = data.X.cols()});
  require(copy.X.nonZeros() == data.X.nonZeros());
  require(same_bits(copy.y.data(), data.y.data(), data.y.size()));
  require(same_bits(copy.X.valuePtr(), data.X.valuePtr(), data.X.nonZeros()));
  require(same_bits(copy.X.innerIndexPtr(), data.X.innerIndexPtr(), data.X.nonZeros()));
  require(same_bits(copy.X.outerIndexPtr(), data.X.outerIndexPtr(), data.X.cols() + 1));
}

// Whether the text has an index of 6 or more digits. Inferring the width from such an index
// (legal up to 10^8) allocates one column pointer per column: those inputs get an explicit
// width, so that they exercise the parser rather than memset.
bool has_long_index(const std::string& text) {
  std::size_t digits = 0;
  for (const char c : text) {
    if (c == ':' && digits >= 6) return true;
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = bytes[0];
  sparseglm::io::SvmlightOptions options;
  options.zero_based = (selector & 1) != 0;
  options.n_features = (selector >> 1) & 15;  // 0: inferred
  const std::string text(reinterpret_cast<const char*>(bytes + 1), size - 1);
  if (options.n_features == 0 && has_long_index(text)) options.n_features = 100'000;
  if (selector & 32)
    check_read<float>(text, options);
  else
    check_read<double>(text, options);
  return 0;
}
