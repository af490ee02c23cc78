#pragma once
// Loading a problem: an svmlight file (plain, or gzip-compressed when the name ends in .gz), or
// a directory of .npy arrays.

#include <string>

#include "sparseglm/core/types.hpp"

namespace sparseglm_bench {

/// X is sparse (`X`) or, for a dense .npy design, dense (`dense_X`).
struct Dataset {
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> X;
  Eigen::MatrixXd dense_X;
  bool is_dense = false;
  Eigen::VectorXd y;
  double load_seconds = 0;  ///< reading, decompressing and parsing
};

/// The whole content of `path`, decompressed with zlib (gzopen/gzread) when the name ends in
/// ".gz". Throws Error when the file is missing, unreadable, corrupt or a truncated gzip stream.
std::string read_file(const std::string& path);

/// Reads and parses `path`; throws Error naming the file (and the line for a parse error).
Dataset load_svmlight_file(const std::string& path);

/// Reads a problem saved as .npy arrays in `directory`: y.npy (float64, length n) and either
/// X.npy (dense float64, n x p, C or Fortran order) or the CSC arrays X_data.npy (float64),
/// X_indices.npy (row indices) and X_indptr.npy (p + 1 column starts). Throws Error naming the
/// file and the problem.
Dataset load_npy_problem(const std::string& directory);

/// Rows, columns and stored entries of the dataset's X.
long dataset_rows(const Dataset& dataset);
long dataset_cols(const Dataset& dataset);
long dataset_nnz(const Dataset& dataset);

}  // namespace sparseglm_bench
