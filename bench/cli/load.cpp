#include "cli/load.hpp"

#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "cli/args.hpp"
#include "cli/npy.hpp"
#include "sparseglm/io/svmlight.hpp"

namespace sparseglm_bench {
namespace {

void check_regular_file(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status))
    throw Error(path + ": cannot open: " + (error ? error.message() : "no such file"));
  if (std::filesystem::is_directory(status)) throw Error(path + ": is a directory");
}

/// zlib's message for the file's error state, without the "path: " prefix zlib puts first.
std::string gzip_message(gzFile file, const std::string& path, int* code) {
  std::string message = gzerror(file, code);
  if (*code == Z_ERRNO) return std::strerror(errno);
  if (message.starts_with(path + ": ")) message.erase(0, path.size() + 2);
  return message;
}

std::string read_gzip_file(const std::string& path) {
  errno = 0;
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), &gzclose);
  if (!file) throw Error(path + ": cannot open: " + (errno ? std::strerror(errno) : "out of memory"));
  gzbuffer(file.get(), 1 << 17);
  std::string text;
  constexpr std::size_t chunk = 1 << 20;
  for (;;) {
    const std::size_t old_size = text.size();
    text.resize(old_size + chunk);
    const int got = gzread(file.get(), text.data() + old_size, unsigned(chunk));
    if (got < 0) {
      int code = Z_OK;
      throw Error(path + ": gzip read error: " + gzip_message(file.get(), path, &code));
    }
    text.resize(old_size + std::size_t(got));
    if (got == 0) break;
  }
  // gzread hands out what it could decompress: a stream cut short shows only in the error state.
  int code = Z_OK;
  const std::string message = gzip_message(file.get(), path, &code);
  if (code == Z_BUF_ERROR) throw Error(path + ": truncated gzip file (" + message + ")");
  if (code != Z_OK) throw Error(path + ": gzip read error: " + message);
  return text;
}

std::string read_plain_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
  return std::move(content).str();
}

/// The CSC matrix of X_data.npy, X_indices.npy and X_indptr.npy, checked index by index.
Eigen::SparseMatrix<double, Eigen::ColMajor, int> read_csc(const std::string& directory, long rows) {
  const auto data = read_npy_doubles(directory + "/X_data.npy").values;
  const auto indices = read_npy_integers(directory + "/X_indices.npy").values;
  const auto indptr = read_npy_integers(directory + "/X_indptr.npy").values;
  const std::string where = directory + ": CSC arrays: ";
  if (indptr.empty() || indptr.front() != 0 || std::size_t(indptr.back()) != data.size() ||
      indices.size() != data.size())
    throw Error(where + "X_indptr must start at 0 and end at the length of X_data and X_indices");
  using Triplet = Eigen::Triplet<double, int>;
  std::vector<Triplet> triplets;
  triplets.reserve(data.size());
  for (std::size_t j = 0; j + 1 < indptr.size(); ++j) {
    if (indptr[j + 1] < indptr[j]) throw Error(where + "X_indptr decreases at column " + std::to_string(j));
    for (auto k = indptr[j]; k < indptr[j + 1]; ++k) {
      if (indices[std::size_t(k)] < 0 || indices[std::size_t(k)] >= rows)
        throw Error(where + "row index out of range in column " + std::to_string(j));
      triplets.emplace_back(int(indices[std::size_t(k)]), int(j), data[std::size_t(k)]);
    }
  }
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> X(rows, Eigen::Index(indptr.size() - 1));
  X.setFromTriplets(triplets.begin(), triplets.end());
  return X;
}

Eigen::MatrixXd read_dense(const std::string& path, long rows) {
  auto array = read_npy_doubles(path);
  if (array.shape.size() != 2 || array.shape[0] != rows)
    throw Error(path + ": expected a 2-d array with " + std::to_string(rows) + " rows (the length of y.npy)");
  const Eigen::Index n = array.shape[0], p = array.shape[1];
  if (array.fortran_order) return Eigen::Map<const Eigen::MatrixXd>(array.values.data(), n, p);
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      array.values.data(), n, p);
}

}  // namespace

std::string read_file(const std::string& path) {
  check_regular_file(path);
  return path.ends_with(".gz") ? read_gzip_file(path) : read_plain_file(path);
}

Dataset load_svmlight_file(const std::string& path) {
  const auto start = std::chrono::steady_clock::now();
  std::istringstream in(read_file(path));
  Dataset dataset;
  try {
    auto data = sparseglm::io::read_svmlight<double>(in);
    dataset.X = std::move(data.X);
    dataset.y = std::move(data.y);
  } catch (const sparseglm::invalid_argument& error) {
    throw Error(path + ": " + error.what());
  }
  dataset.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return dataset;
}

Dataset load_npy_problem(const std::string& directory) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) throw Error(directory + ": not a directory");
  Dataset dataset;
  const auto y = read_npy_doubles(directory + "/y.npy");
  if (y.shape.size() != 1) throw Error(directory + "/y.npy: expected a 1-d array");
  dataset.y = Eigen::Map<const Eigen::VectorXd>(y.values.data(), Eigen::Index(y.values.size()));
  const long rows = long(y.values.size());
  dataset.is_dense = std::filesystem::exists(directory + "/X.npy", error);
  if (dataset.is_dense)
    dataset.dense_X = read_dense(directory + "/X.npy", rows);
  else
    dataset.X = read_csc(directory, rows);
  dataset.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return dataset;
}

long dataset_rows(const Dataset& dataset) {
  return long(dataset.is_dense ? dataset.dense_X.rows() : dataset.X.rows());
}
long dataset_cols(const Dataset& dataset) {
  return long(dataset.is_dense ? dataset.dense_X.cols() : dataset.X.cols());
}
long dataset_nnz(const Dataset& dataset) {
  return long(dataset.is_dense ? dataset.dense_X.size() : dataset.X.nonZeros());
}

}  // namespace sparseglm_bench
