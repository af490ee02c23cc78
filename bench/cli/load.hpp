#pragma once
// Loading an svmlight file (plain, or gzip-compressed when the name ends in .gz).

#include <string>

#include "sparseglm/core/types.hpp"

namespace sparseglm_bench {

struct Dataset {
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> X;
  Eigen::VectorXd y;
  double load_seconds = 0;  ///< reading, decompressing and parsing
};

/// The whole content of `path`, decompressed with zlib (gzopen/gzread) when the name ends in
/// ".gz". Throws Error when the file is missing, unreadable, corrupt or a truncated gzip stream.
std::string read_file(const std::string& path);

/// Reads and parses `path`; throws Error naming the file (and the line for a parse error).
Dataset load_svmlight_file(const std::string& path);

}  // namespace sparseglm_bench
