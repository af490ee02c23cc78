#pragma once
// Command-line arguments of sparseglm-bench.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sparseglm/solvers/options.hpp"

namespace sparseglm_bench {

/// A bad command line, a bad file or a failed write: reported as one line on stderr, exit 2.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Model { lasso, enet, logreg };

std::string_view model_name(Model model);

/// What one fit solves and how it is timed.
struct FitSettings {
  Model model = Model::lasso;
  std::optional<double> alpha;  ///< absolute alpha; when unset, alpha = alpha_ratio * alpha_max
  double alpha_ratio = 0.01;
  double l1_ratio = 0.5;  ///< ElasticNet only
  double tol = 1e-6;
  bool fit_intercept = true;
  int max_iter = sparseglm::SolverOptions{}.max_iter;
  int max_epochs = sparseglm::SolverOptions{}.max_epochs;
  int repeat = 1;       ///< fits to time; the median time is reported
  int warmup = 0;       ///< untimed fits before the timed ones
  int path_alphas = 0;  ///< > 0: a path of that many alphas from alpha_max to alpha_ratio * alpha_max
  int verbosity = 0;    ///< the solver's progress lines, on stderr
  sparseglm::GramMode gram = sparseglm::GramMode::automatic;  ///< least-squares inner solver
  sparseglm::Solver solver = sparseglm::Solver::automatic;
  int n_threads = 1;       ///< threads of the full gradient X^T v (SolverOptions::n_threads)
  bool dense_copy = true;  ///< SolverOptions::dense_copy (--keep-sparse: false)
};

/// What sparseglm-bench does with a loaded problem.
enum class Action {
  fit,       ///< one alpha (default)
  path,      ///< a geometric grid of path_alphas alphas from alpha_max to alpha_ratio * alpha_max
  time_xtv,  ///< time the full product X^T v, the floor of every certified solver
};

struct Args {
  bool help = false;
  bool version = false;             ///< --version: how this binary was built, then exit
  std::optional<std::string> data;  ///< svmlight file; without it (or --npy) the default problem set runs
  std::optional<std::string> npy;   ///< directory of .npy arrays (see load_npy_problem)
  Action action = Action::fit;      ///< Action::path sets fit.path_alphas
  FitSettings fit;
  bool single_precision = false;  ///< --float
  bool dense = false;             ///< --dense
  std::optional<std::string> coef_out;
  std::optional<int> repeat;  ///< --repeat as given (the default differs between the two modes)
  bool all_solvers = false;   ///< --solver all (default problem set only): one row per solver
};

/// Parses argv; throws Error naming the offending argument.
Args parse_args(int argc, const char* const* argv);

/// The --help text.
std::string usage();

/// The --version line: Eigen's version, the SIMD instruction sets compiled in, the compiler.
std::string build_description();

}  // namespace sparseglm_bench
