#include "cli/args.hpp"

#include <Eigen/Core>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <vector>

namespace sparseglm_bench {
namespace {

/// Parses all of `text` as a finite double.
double parse_double(std::string_view flag, std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || !std::isfinite(value))
    throw Error(std::string(flag) + ": '" + std::string(text) + "' is not a finite number");
  return value;
}

/// Parses all of `text` as an int >= `minimum`.
int parse_int(std::string_view flag, std::string_view text, int minimum) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range)
    throw Error(std::string(flag) + ": '" + std::string(text) + "' is out of range");
  if (text.empty() || ec != std::errc{} || ptr != end)
    throw Error(std::string(flag) + ": '" + std::string(text) + "' is not an integer");
  if (value < minimum)
    throw Error(std::string(flag) + ": must be >= " + std::to_string(minimum) + ", got " + std::string(text));
  return value;
}

int parse_positive_int(std::string_view flag, std::string_view text) { return parse_int(flag, text, 1); }

Model parse_model(std::string_view text) {
  if (text == "lasso") return Model::lasso;
  if (text == "enet") return Model::enet;
  if (text == "logreg") return Model::logreg;
  throw Error("--model: unknown model '" + std::string(text) + "' (expected lasso, enet or logreg)");
}

sparseglm::GramMode parse_gram(std::string_view flag, std::string_view text) {
  if (text == "auto") return sparseglm::GramMode::automatic;
  if (text == "always") return sparseglm::GramMode::always;
  if (text == "never") return sparseglm::GramMode::never;
  throw Error(std::string(flag) + ": unknown mode '" + std::string(text) +
              "' (expected auto, always or never)");
}

sparseglm::Solver parse_solver(std::string_view text) {
  if (text == "auto") return sparseglm::Solver::automatic;
  if (text == "cd") return sparseglm::Solver::anderson_cd;
  if (text == "prox-newton") return sparseglm::Solver::prox_newton;
  throw Error("--solver: unknown solver '" + std::string(text) + "' (expected auto, cd or prox-newton)");
}

double non_negative(std::string_view flag, std::string_view text) {
  const double value = parse_double(flag, text);
  if (value < 0) throw Error(std::string(flag) + ": must be >= 0, got " + std::string(text));
  return value;
}

struct Flag {
  std::string_view name;
  bool takes_value;
  bool needs_data;  ///< meaningful only with --data
  void (*apply)(Args&, std::string_view flag, std::string_view value);
};

// clang-format off
constexpr std::array<Flag, 26> flags{{
  {"--help", false, false, [](Args& a, std::string_view, std::string_view) { a.help = true; }},
  {"--data", true, true, [](Args& a, std::string_view f, std::string_view v) {
     if (v.empty()) throw Error(std::string(f) + ": empty file name");
     a.data = std::string(v);
   }},
  {"--npy", true, true, [](Args& a, std::string_view f, std::string_view v) {
     if (v.empty()) throw Error(std::string(f) + ": empty directory name");
     a.npy = std::string(v);
   }},
  {"--path", true, true, [](Args& a, std::string_view f, std::string_view v) {
     a.action = Action::path;
     a.fit.path_alphas = parse_positive_int(f, v);
   }},
  {"--time-xtv", false, true, [](Args& a, std::string_view, std::string_view) { a.action = Action::time_xtv; }},
  {"--warmup", true, true, [](Args& a, std::string_view f, std::string_view v) {
     a.fit.warmup = parse_int(f, v, 0);
   }},
  {"--model", true, true, [](Args& a, std::string_view, std::string_view v) { a.fit.model = parse_model(v); }},
  {"--alpha", true, true, [](Args& a, std::string_view f, std::string_view v) {
     a.fit.alpha = non_negative(f, v);
   }},
  {"--alpha-ratio", true, true, [](Args& a, std::string_view f, std::string_view v) {
     a.fit.alpha_ratio = non_negative(f, v);
   }},
  {"--l1-ratio", true, true, [](Args& a, std::string_view f, std::string_view v) {
     const double r = parse_double(f, v);
     if (!(r > 0 && r <= 1)) throw Error(std::string(f) + ": must be in (0, 1], got " + std::string(v));
     a.fit.l1_ratio = r;
   }},
  {"--tol", true, true, [](Args& a, std::string_view f, std::string_view v) {
     const double tol = parse_double(f, v);
     if (!(tol > 0)) throw Error(std::string(f) + ": must be > 0, got " + std::string(v));
     a.fit.tol = tol;
   }},
  {"--fit-intercept", false, true, [](Args& a, std::string_view, std::string_view) { a.fit.fit_intercept = true; }},
  {"--no-fit-intercept", false, true, [](Args& a, std::string_view, std::string_view) {
     a.fit.fit_intercept = false;
   }},
  {"--max-iter", true, true, [](Args& a, std::string_view f, std::string_view v) {
     a.fit.max_iter = parse_positive_int(f, v);
   }},
  {"--max-epochs", true, true, [](Args& a, std::string_view f, std::string_view v) {
     a.fit.max_epochs = parse_positive_int(f, v);
   }},
  {"--repeat", true, false, [](Args& a, std::string_view f, std::string_view v) { a.repeat = parse_positive_int(f, v); }},
  {"--solver", true, false, [](Args& a, std::string_view, std::string_view v) {
     a.all_solvers = v == "all";
     if (!a.all_solvers) a.fit.solver = parse_solver(v);
   }},
  {"--float", false, false, [](Args& a, std::string_view, std::string_view) { a.single_precision = true; }},
  {"--dense", false, true, [](Args& a, std::string_view, std::string_view) { a.dense = true; }},
  {"--keep-sparse", false, true, [](Args& a, std::string_view, std::string_view) { a.fit.dense_copy = false; }},
  {"--coef-out", true, true, [](Args& a, std::string_view f, std::string_view v) {
     if (v.empty()) throw Error(std::string(f) + ": empty file name");
     a.coef_out = std::string(v);
   }},
  {"--gram", true, true, [](Args& a, std::string_view f, std::string_view v) { a.fit.gram = parse_gram(f, v); }},
  {"--threads", true, false, [](Args& a, std::string_view f, std::string_view v) {
     a.fit.n_threads = parse_int(f, v, 0);
   }},
  {"--verbose", false, true, [](Args& a, std::string_view, std::string_view) { ++a.fit.verbosity; }},
  {"-h", false, false, [](Args& a, std::string_view, std::string_view) { a.help = true; }},
  {"--version", false, false, [](Args& a, std::string_view, std::string_view) { a.version = true; }},
}};
// clang-format on

const Flag* find_flag(std::string_view name) {
  for (const Flag& flag : flags)
    if (flag.name == name) return &flag;
  return nullptr;
}

/// Checks that need the whole command line.
void check_combinations(const Args& args, const std::vector<std::string_view>& given) {
  const auto was_given = [&](std::string_view name) {
    for (const auto g : given)
      if (g == name) return true;
    return false;
  };
  if (!args.data && !args.npy) {
    for (const auto name : given)
      if (find_flag(name)->needs_data)
        throw Error(std::string(name) +
                    " needs --data FILE or --npy DIR (without them the default problem set runs; it accepts "
                    "only --repeat, --solver and --float)");
  }
  if (args.data && args.npy) throw Error("--data and --npy are mutually exclusive");
  if ((args.data || args.npy) && args.all_solvers)
    throw Error("--solver all applies to the default problem set only");
  if (was_given("--path") && was_given("--time-xtv"))
    throw Error("--path and --time-xtv are mutually exclusive");
  if (was_given("--path") && was_given("--alpha"))
    throw Error("--path takes --alpha-ratio (the last alpha of the grid), not --alpha");
  if (was_given("--alpha") && was_given("--alpha-ratio"))
    throw Error("--alpha and --alpha-ratio are mutually exclusive");
  if (was_given("--l1-ratio") && args.fit.model != Model::enet)
    throw Error("--l1-ratio applies to --model enet only");
  if (was_given("--fit-intercept") && was_given("--no-fit-intercept"))
    throw Error("--fit-intercept and --no-fit-intercept are mutually exclusive");
}

}  // namespace

std::string_view model_name(Model model) {
  switch (model) {
    case Model::lasso:
      return "lasso";
    case Model::enet:
      return "enet";
    case Model::logreg:
      return "logreg";
  }
  return "unknown";
}

Args parse_args(int argc, const char* const* argv) {
  Args args;
  std::vector<std::string_view> given;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::string_view name = arg, value;
    const auto equals = arg.find('=');
    const bool inline_value = arg.starts_with("--") && equals != std::string_view::npos;
    if (inline_value) {
      name = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    const Flag* flag = find_flag(name);
    if (!flag) {
      if (!arg.starts_with("-")) throw Error("unexpected argument '" + std::string(arg) + "' (see --help)");
      throw Error("unknown option '" + std::string(name) + "' (see --help)");
    }
    if (flag->takes_value && !inline_value) {
      if (i + 1 >= argc) throw Error(std::string(name) + " needs a value");
      value = argv[++i];
    } else if (!flag->takes_value && inline_value) {
      throw Error(std::string(name) + " takes no value");
    }
    flag->apply(args, name, value);
    given.push_back(flag->name);
  }
  if (args.help || args.version) return args;
  check_combinations(args, given);
  if (args.repeat) args.fit.repeat = *args.repeat;
  return args;
}

std::string usage() {
  return R"(Usage: sparseglm-bench [--repeat K] [--solver S] [--float]
       sparseglm-bench (--data FILE | --npy DIR) [--path N | --time-xtv] [options]

Without --data or --npy: runs the built-in problem set (seeded correlated Gaussian designs,
Lasso, ElasticNet and sparse logistic regression at alpha_max/10 and alpha_max/100, tol 1e-6)
and prints a table; times are the median of 3 fits (--repeat K to change).

With --data FILE or --npy DIR: fits one model on that problem and prints one JSON object on
one line.

Input:
  --data FILE          svmlight/libsvm file (1-based indices; FILE.gz: gzip-compressed)
  --npy DIR            .npy arrays: DIR/y.npy (float64) and either DIR/X.npy (dense float64,
                       fitted as a dense matrix) or DIR/X_data.npy, X_indices.npy, X_indptr.npy
                       (CSC: values, row indices, column starts)

Action (default: one fit at one alpha):
  --path N             solve N alphas from alpha_max down to R * alpha_max (R: --alpha-ratio),
                       geometric, warm-started; time_s is the whole path's time
  --time-xtv           no fit: time one full product X^T v in the storage a fit runs on (the
                       median over enough products to last 0.2 s; the first is not timed);
                       prints n, p, nnz, storage, xtv_s

Options:
  --model M            lasso (default), enet or logreg (labels {-1,1} or {0,1})
  --alpha-ratio R      alpha = R * alpha_max (default 0.01)
  --alpha A            absolute alpha (instead of --alpha-ratio)
  --l1-ratio R         ElasticNet mixing parameter in (0, 1] (default 0.5; enet only)
  --tol T              stopping tolerance on the optimality criterion (default 1e-6)
  --fit-intercept      fit an unpenalised intercept (default)
  --no-fit-intercept   do not fit an intercept
  --max-iter N         outer iterations of the solver (default 50)
  --max-epochs N       coordinate-descent epochs of the whole fit (default 50000)
  --repeat K           fit K times, report the median fit time (default 1; 3 without --data)
  --warmup K           fit K times more before the timed fits, untimed (default 0)
  --solver S           auto (default: prox-newton for logreg, cd otherwise), cd (Anderson CD),
                       prox-newton (logreg only), or without --data: all (one row per solver)
  --float              fit in single precision (X and y converted after loading)
  --dense              convert X to a dense matrix before fitting
  --keep-sparse        fit a sparse X on its own storage even when at least half of its entries
                       are stored (default: on a dense copy, SolverOptions::dense_copy)
  --coef-out FILE      write the coefficients, then the intercept: one per line, or as a
                       float64 .npy array when FILE ends in .npy (with --path: N x (p + 1))
  --gram G             lasso/enet inner solver: auto (default), always (on the working set's
                       Gram matrix) or never (coordinate descent on the columns of X)
  --threads N          threads of each full gradient X^T v (and of --time-xtv), 0 = all cores
                       (default 1); the rest of a fit runs on one thread
  --verbose            the solver's progress (one line per outer iteration) on stderr;
                       twice: also each inner step
  --version            Eigen's version, the SIMD instruction sets compiled in, the compiler
  --help, -h           this text

Output fields: model, n, p, nnz (stored non-zeros of X), alpha, alpha_max, tol, time_s (median
wall time of a fit, loading excluded), objective, stop_crit, n_iter, n_epochs, nnz_coef,
converged, status, solver; then cpu_s (median process CPU time of a fit), dual_gap (duality gap of the
solution), intercept, repeat, scalar, storage, first_time_s (wall time of the process's first fit, the
first warm-up if any: the cost of a cold start), load_s, file. With --path: alpha is the last
alpha, objective, stop_crit and dual_gap are the last alpha's, n_iter and n_epochs the sums,
converged whether every alpha converged, and n_alphas is added.
Errors: one line on stderr starting with "sparseglm-bench: ", exit status 2.
)";
}

namespace {

// The x86 instruction sets the compiler targets, from its predefined macros: Eigen's
// SimdInstructionSetsInUse() names FMA and AVX2 only together with AVX512 (an AVX2 + FMA build
// reads "AVX SSE, ..."). Other architectures: Eigen's own list.
std::string simd_instruction_sets() {
  std::vector<std::string> sets;
#ifdef __AVX512F__
  sets.emplace_back("AVX512F");
#endif
#ifdef __FMA__
  sets.emplace_back("FMA");
#endif
#ifdef __AVX2__
  sets.emplace_back("AVX2");
#endif
#ifdef __AVX__
  sets.emplace_back("AVX");
#endif
#ifdef __SSE4_2__
  sets.emplace_back("SSE4.2");
#endif
#ifdef __SSE2__
  sets.emplace_back("SSE2");
#endif
  if (sets.empty()) return Eigen::SimdInstructionSetsInUse();
  std::string joined = sets.front();
  for (std::size_t k = 1; k < sets.size(); ++k) joined += ", " + sets[k];
  return joined;
}

}  // namespace

std::string build_description() {
  return "sparseglm-bench: Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
         std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) + "; SIMD " +
         simd_instruction_sets() + "; compiler " + __VERSION__;
}

}  // namespace sparseglm_bench
