// Sparse logistic regression on an svmlight / libsvm file:
//
//   min_{w, b} (1/n) sum_i log(1 + exp(-y_i (x_i^T w + b))) + alpha ||w||_1,  labels {-1, 1} or {0, 1}
//
// Usage:  logistic_svmlight [FILE | -] [ALPHA_RATIO]
//   FILE         plain-text svmlight file; "-" reads standard input. Compressed files are not
//                read: gunzip them first, or pipe them in: gunzip -c data.svm.gz | logistic_svmlight -
//   ALPHA_RATIO  alpha = ALPHA_RATIO * alpha_max, in (0, 1]; default 0.1.
// With no argument the example writes a small generated problem to a string stream and reads
// that back, so that it always has something to fit.
// Exit status: 0 fitted and converged, 1 fitted but not converged, 2 bad input or arguments.

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sparseglm/io/svmlight.hpp>
#include <sparseglm/sparseglm.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int exit_bad_input = 2;

void print_usage(std::ostream& out) {
  out << "usage: logistic_svmlight [FILE | -] [ALPHA_RATIO]\n"
         "  FILE         svmlight/libsvm text file with labels {-1, 1} or {0, 1}; '-' reads stdin.\n"
         "               .gz files: gunzip them first, or: gunzip -c FILE.gz | logistic_svmlight -\n"
         "  ALPHA_RATIO  alpha = ALPHA_RATIO * alpha_max, in (0, 1] (default 0.1)\n"
         "  With no argument, fits a small generated problem.\n";
}

// A sparse problem with a known sparse w, written as svmlight text: the same bytes a file
// would hold.
std::string generated_svmlight(Eigen::Index n, Eigen::Index p, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> gaussian(0.0, 1.0);
  std::bernoulli_distribution is_stored(0.1);
  std::vector<Eigen::Triplet<double>> entries;
  for (Eigen::Index j = 0; j < p; ++j)
    for (Eigen::Index i = 0; i < n; ++i)
      if (is_stored(rng)) entries.emplace_back(i, j, gaussian(rng));
  Eigen::SparseMatrix<double> X(n, p);
  X.setFromTriplets(entries.begin(), entries.end());

  Eigen::VectorXd w_true = Eigen::VectorXd::Zero(p);
  for (Eigen::Index j = 0; j < 20; ++j) w_true[j * (p / 20)] = j % 2 == 0 ? 3.0 : -3.0;
  Eigen::VectorXd y = X * w_true;
  for (Eigen::Index i = 0; i < n; ++i) y[i] = y[i] + 0.5 * gaussian(rng) > 0 ? 1.0 : -1.0;

  std::ostringstream text;
  sparseglm::io::write_svmlight(text, X, y);
  return text.str();
}

// The first byte of a gzip stream is 0x1f, which never starts svmlight text.
bool looks_gzipped(std::istream& in) { return in.peek() == 0x1f; }

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    print_usage(std::cout);
    return 0;
  }
  if (args.size() > 2) {
    print_usage(std::cerr);
    return exit_bad_input;
  }

  double alpha_ratio = 0.1;
  if (args.size() == 2) {
    const auto text = args[1];
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), alpha_ratio);
    if (error != std::errc{} || end != text.data() + text.size() || !(alpha_ratio > 0 && alpha_ratio <= 1)) {
      std::cerr << "logistic_svmlight: ALPHA_RATIO must be a number in (0, 1], got '" << text << "'\n";
      return exit_bad_input;
    }
  }

  // The input: a file, standard input, or the generated problem.
  std::ifstream file;
  std::istringstream generated;
  std::istream* input = &generated;
  std::string source = args.empty() ? "generated problem (seed 7)" : std::string(args[0]);
  sparseglm::io::SvmlightOptions read_options;
  if (args.empty()) {
    generated.str(generated_svmlight(400, 1000, 7));
    read_options.n_features = 1000;  // a trailing all-zero column would not show in the text
  } else if (args[0] == "-") {
    input = &std::cin;
    source = "standard input";
  } else {
    file.open(source, std::ios::binary);
    if (!file || std::filesystem::is_directory(source)) {
      std::cerr << "logistic_svmlight: cannot open '" << source << "'\n";
      return exit_bad_input;
    }
    input = &file;
  }
  if (looks_gzipped(*input)) {
    std::cerr
        << "logistic_svmlight: " << source << " is gzip-compressed; this example reads plain text.\n"
        << "  gunzip it first (gunzip -k FILE.gz), or pipe it: gunzip -c FILE.gz | logistic_svmlight -\n";
    return exit_bad_input;
  }

  try {
    const auto data = sparseglm::io::read_svmlight(*input, read_options);
    const auto& X = data.X;
    const auto& y = data.y;
    std::printf("data: %s, n = %ld, p = %ld, nnz = %ld\n", source.c_str(), long(X.rows()), long(X.cols()),
                long(X.nonZeros()));

    const double alpha_max =
        sparseglm::alpha_max(X, y, sparseglm::datafits::Logistic{}, sparseglm::penalties::L1{1.0});
    const double alpha = alpha_ratio * alpha_max;
    std::printf("alpha_max = %.6g, alpha = %g * alpha_max = %.6g\n", alpha_max, alpha_ratio, alpha);

    sparseglm::SparseLogisticRegression model(alpha);
    model.fit(X, y);

    const auto& fit = model.summary();
    const long selected = (model.coef().array() != 0).count();
    const double accuracy = (model.predict(X).array() == y.array()).cast<double>().mean();
    std::printf(
        "status = %s, objective = %.8g, stop_crit = %.2e (tol %.0e), outer iterations = %d, epochs = %d\n",
        std::string(sparseglm::to_string(fit.status)).c_str(), fit.objective, fit.stop_crit,
        model.options().tol, fit.n_iter, fit.n_epochs);
    std::printf("selected features = %ld of %ld, intercept = %.6g, training accuracy = %.4f\n", selected,
                long(X.cols()), model.intercept(), accuracy);
    return fit.converged() ? 0 : 1;
  } catch (const sparseglm::invalid_argument& error) {
    std::cerr << "logistic_svmlight: bad input from " << source << ": " << error.what() << '\n';
    return exit_bad_input;
  }
}
