#pragma once
// sparseglm::fit_many — fit N independent problems on a pool of std::threads.
//
//   std::vector<Eigen::MatrixXd> Xs = ...;  // the caller's data, viewed (not copied) below
//   std::vector<Eigen::VectorXd> ys = ...;
//   std::vector<sparseglm::SolverResult<double>> results(Xs.size());
//   auto summary = sparseglm::fit_many(
//       Xs.size(),
//       [&](std::size_t i) {  // runs on a worker thread, concurrently with other calls
//         return sparseglm::make_problem(Eigen::Map<const Eigen::MatrixXd>(Xs[i].data(), Xs[i].rows(),
//                                                                          Xs[i].cols()),
//                                        ys[i], sparseglm::datafits::Quadratic{},
//                                        sparseglm::penalties::L1{0.1});
//       },
//       [&](const sparseglm::BatchItem<double>& item) {  // serialized by fit_many's mutex
//         if (item.result) results[item.index] = *item.result;
//         else std::cerr << "problem " << item.index << ": " << item.error << '\n';
//         return true;  // false stops the batch
//       },
//       sparseglm::BatchOptions{.n_threads = 4});
//
// Contract:
// - Work is handed out by an atomic counter: each worker takes the next index i in [0, count),
//   calls produce(i), solves that problem with sparseglm::solve on the same thread (one thread
//   per fit, no nested parallelism: a problem whose options.n_threads is not 1 is reported in its
//   slot), then hands the result to consume. Indices are started in
//   increasing order but complete (and are consumed) in any order: use item.index.
// - produce(i) must return a problem object with members X, y, datafit, penalty, options (e.g.
//   BatchProblem, built by make_problem). X may own its data or view the caller's storage (a
//   Map, a Ref); the viewed storage must stay valid and unmodified until fit_many returns. produce
//   is called concurrently from several worker threads: it must be safe to call concurrently
//   (reading shared, unmodified data is). Problems are produced on demand and destroyed right
//   after their solve, so at most n_threads problems are alive at a time.
// - consume(const BatchItem<Scalar>&) -> bool is called from the worker threads, but never
//   concurrently: calls are serialized by a mutex inside fit_many, so consume may write to
//   shared state without locking. It is called exactly once per index that was started, unless
//   the batch was stopped before that fit finished. Keep it short: the other workers wait for
//   the mutex while it runs.
// - consume returning false stops the batch: no new problem is started, fits already running
//   finish, but their results are dropped (consume is never called again after it asked to
//   stop) and summary.stopped is true.
// - A problem whose produce or solve throws is reported in its own slot: item.result is empty
//   and item.error holds the exception's what() (e.g. "X: contains NaN or Inf"); the others are
//   unaffected. Non-std exceptions are reported as "unknown exception".
// - An exception thrown by consume itself stops the batch like returning false; fit_many joins
//   every worker and then rethrows that exception (consume is not called again after it threw).
// - Results are bit-identical to a sequential sparseglm::solve of the same problem, whatever
//   n_threads: the solver is deterministic and fit_many shares nothing between fits but the
//   counters. Per-problem SolverOptions::callback and verbosity output (options.log, std::clog by
//   default) run on the worker thread; they must be safe to run concurrently.
// - BatchOptions::n_threads: 0 means std::thread::hardware_concurrency() (at least 1); negative
//   throws sparseglm::invalid_argument naming "n_threads". At most min(n_threads, count) workers
//   run; the calling thread is one of them. count == 0 returns immediately without calling
//   produce or consume.
// - summary.fitted / summary.failed count the items handed to consume with a result / an error.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "sparseglm/core/error.hpp"
#include "sparseglm/core/parallel.hpp"
#include "sparseglm/solvers/options.hpp"
#include "sparseglm/solvers/result.hpp"
#include "sparseglm/solvers/solve.hpp"

namespace sparseglm {

struct BatchOptions {
  /// Worker threads; 0: std::thread::hardware_concurrency() (at least 1). Must be >= 0.
  int n_threads = 0;
};

/// One problem of a batch: what produce(i) returns (any type with these members works).
template <class XType, class YType, class DatafitType, class PenaltyType>
struct BatchProblem {
  XType X;  ///< an Eigen dense or sparse matrix, or a view (Map, Ref) of the caller's storage
  YType y;  ///< targets or labels
  DatafitType datafit;
  PenaltyType penalty;
  SolverOptions options{};
};

/// Builds a BatchProblem; X and y are stored by value (pass a Map to avoid copying data).
template <class XType, class YType, class DatafitType, class PenaltyType>
BatchProblem<std::decay_t<XType>, std::decay_t<YType>, std::decay_t<DatafitType>, std::decay_t<PenaltyType>>
make_problem(XType&& X, YType&& y, DatafitType&& datafit, PenaltyType&& penalty, SolverOptions options = {}) {
  return {std::forward<XType>(X), std::forward<YType>(y), std::forward<DatafitType>(datafit),
          std::forward<PenaltyType>(penalty), std::move(options)};
}

/// One result slot, handed to consume.
template <class Scalar>
struct BatchItem {
  std::size_t index = 0;                       ///< the i that produce(i) was called with
  std::optional<SolverResult<Scalar>> result;  ///< empty when the problem threw
  std::string error;                           ///< non-empty when the problem threw: its what()
  bool ok() const { return result.has_value(); }
};

struct BatchSummary {
  std::size_t fitted = 0;  ///< items consumed with a result
  std::size_t failed = 0;  ///< items consumed with an error
  bool stopped = false;    ///< consume returned false or threw
};

namespace detail {

template <class Problem>
auto solve_problem(Problem& problem) {
  if (problem.options.n_threads != 1)
    throw_invalid("n_threads",
                  "fit_many fits each problem on one thread: its options must keep n_threads = 1, got " +
                      std::to_string(problem.options.n_threads));
  return solve(problem.X, problem.y, problem.datafit, problem.penalty, problem.options);
}

template <class Produce>
using batch_problem_t = std::remove_cvref_t<std::invoke_result_t<Produce&, std::size_t>>;

template <class Produce>
using batch_result_t = decltype(solve_problem(std::declval<batch_problem_t<Produce>&>()));

template <class Produce>
using batch_scalar_t = std::remove_cvref_t<decltype(std::declval<batch_result_t<Produce>&>().intercept)>;

inline unsigned resolve_n_threads(const BatchOptions& options) {
  if (options.n_threads < 0)
    throw_invalid("n_threads",
                  "must be >= 0 (0: hardware concurrency), got " + std::to_string(options.n_threads));
  return static_cast<unsigned>(resolve_threads(options.n_threads));
}

}  // namespace detail

/// Fits problems produce(0), ..., produce(count - 1) on a pool of threads; see the contract at
/// the top of this header.
template <class Produce, class Consume>
BatchSummary fit_many(std::size_t count, Produce&& produce, Consume&& consume,
                      const BatchOptions& options = {}) {
  using Scalar = detail::batch_scalar_t<Produce>;
  const unsigned n_threads = detail::resolve_n_threads(options);
  BatchSummary summary;
  if (count == 0) return summary;

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex consume_mutex;  // serializes consume and guards summary and consume_error
  std::exception_ptr consume_error;

  auto worker = [&]() noexcept {
    while (!stop.load(std::memory_order_acquire)) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      BatchItem<Scalar> item;
      item.index = i;
      try {
        auto problem = produce(i);  // destroyed at the end of this block: memory bounded
        item.result.emplace(detail::solve_problem(problem));
      } catch (const std::exception& e) {
        item.error = e.what();
        if (item.error.empty()) item.error = "exception with an empty message";
      } catch (...) {
        item.error = "unknown exception";
      }
      std::lock_guard<std::mutex> lock(consume_mutex);
      if (stop.load(std::memory_order_relaxed)) return;  // consume asked to stop: drop this result
      bool keep_going = false;
      try {
        keep_going = static_cast<bool>(consume(std::as_const(item)));
      } catch (...) {
        if (!consume_error) consume_error = std::current_exception();
      }
      ++(item.result ? summary.fitted : summary.failed);
      if (!keep_going) {
        summary.stopped = true;
        stop.store(true, std::memory_order_release);
        return;
      }
    }
  };

  const std::size_t n_workers = std::min<std::size_t>(n_threads, count);
  std::vector<std::thread> threads;
  threads.reserve(n_workers - 1);
  try {
    for (std::size_t t = 1; t < n_workers; ++t) threads.emplace_back(worker);
  } catch (...) {  // could not start a thread: stop the ones that started, then report
    stop.store(true, std::memory_order_release);
    for (auto& thread : threads) thread.join();
    throw;
  }
  worker();  // the calling thread is a worker too
  for (auto& thread : threads) thread.join();
  if (consume_error) std::rethrow_exception(consume_error);
  return summary;
}

}  // namespace sparseglm
