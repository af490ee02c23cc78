#include "cli/report.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>

#include "cli/args.hpp"
#include "cli/npy.hpp"

namespace sparseglm_bench {
namespace {

/// The shortest decimal text that reads back to exactly `value`.
template <class Number>
std::string shortest(Number value) {
  std::array<char, 64> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          std::array<char, 8> code;
          std::snprintf(code.data(), code.size(), "\\u%04x", unsigned(static_cast<unsigned char>(c)));
          out += code.data();
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

void JsonObject::add_key(std::string_view key) {
  text_ += text_.empty() ? "{" : ",";
  append_escaped(text_, key);
  text_ += ':';
}

JsonObject& JsonObject::add(std::string_view key, std::string_view value) {
  add_key(key);
  append_escaped(text_, value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, double value) {
  add_key(key);
  text_ += std::isfinite(value) ? shortest(value) : "null";
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, long value) {
  add_key(key);
  text_ += shortest(value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, bool value) {
  add_key(key);
  text_ += value ? "true" : "false";
  return *this;
}

std::string fit_json(const ProblemInfo& problem, const FitReport& report) {
  JsonObject json;
  json.add("model", problem.model)
      .add("n", problem.n)
      .add("p", problem.p)
      .add("nnz", problem.nnz)
      .add("alpha", report.alpha)
      .add("alpha_max", report.alpha_max)
      .add("tol", problem.tol)
      .add("time_s", report.median_seconds)
      .add("objective", report.objective)
      .add("stop_crit", report.stop_crit)
      .add("n_iter", report.n_iter)
      .add("n_epochs", report.n_epochs)
      .add("nnz_coef", report.nnz_coef)
      .add("converged", report.converged)
      .add("status", report.status)
      .add("solver", report.solver)
      .add("cpu_s", report.median_cpu_seconds)
      .add("dual_gap", report.dual_gap)
      .add("intercept", report.intercept)
      .add("repeat", problem.repeat)
      .add("scalar", problem.scalar)
      .add("storage", problem.storage)
      .add("first_time_s", report.first_seconds);
  if (problem.load_seconds >= 0) json.add("load_s", problem.load_seconds);
  if (!problem.file.empty()) json.add("file", problem.file);
  if (report.n_alphas > 1) json.add("n_alphas", report.n_alphas);
  return json.str();
}

std::string transpose_product_json(const ProblemInfo& problem, double seconds) {
  JsonObject json;
  json.add("n", problem.n)
      .add("p", problem.p)
      .add("nnz", problem.nnz)
      .add("scalar", problem.scalar)
      .add("storage", problem.storage)
      .add("xtv_s", seconds);
  if (!problem.file.empty()) json.add("file", problem.file);
  return json.str();
}

void print_table_header(std::ostream& out, int repeat) {
  std::array<char, 256> line;
  const std::string time_header = "time_s(med" + std::to_string(repeat) + ")";
  std::snprintf(line.data(), line.size(), "%-22s %6s %6s %8s %11s %12s %22s %10s %6s %8s %8s %9s\n",
                "problem", "n", "p", "alpha", "solver", time_header.c_str(), "objective", "stop_crit",
                "n_iter", "n_epochs", "nnz_coef", "converged");
  out << line.data();
}

void print_table_row(std::ostream& out, std::string_view problem, long n, long p, double alpha_ratio,
                     const FitReport& report) {
  std::array<char, 256> line;
  const std::string ratio = "amax/" + std::to_string(std::lround(1.0 / alpha_ratio));
  std::snprintf(line.data(), line.size(),
                "%-22.*s %6ld %6ld %8s %11s %12.4f %22.15e %10.2e %6d %8d %8ld %9s\n", int(problem.size()),
                problem.data(), n, p, ratio.c_str(), report.solver.c_str(), report.median_seconds,
                report.objective, report.stop_crit, report.n_iter, report.n_epochs, report.nnz_coef,
                report.converged ? "yes" : report.status.c_str());
  out << line.data() << std::flush;
}

void write_coefficients(const std::string& path, const FitReport& report) {
  const std::size_t p = report.coef.size() / report.intercepts.size();
  std::vector<double> rows;  // per alpha: p coefficients, then the intercept
  rows.reserve(report.coef.size() + report.intercepts.size());
  for (std::size_t k = 0; k < report.intercepts.size(); ++k) {
    rows.insert(rows.end(), report.coef.begin() + std::ptrdiff_t(k * p),
                report.coef.begin() + std::ptrdiff_t((k + 1) * p));
    rows.push_back(report.intercepts[k]);
  }
  if (path.ends_with(".npy")) {
    write_npy(path, rows, {std::int64_t(report.intercepts.size()), std::int64_t(p + 1)});
    return;
  }
  std::ofstream out(path);
  if (!out) throw Error(path + ": cannot open for writing");
  const auto text = [&](double value) {
    return report.single_precision ? shortest(static_cast<float>(value)) : shortest(value);
  };
  std::string content;
  for (const double value : rows) content += text(value) + '\n';
  out << content;
  out.close();
  if (!out) throw Error(path + ": write error");
}

}  // namespace sparseglm_bench
