#pragma once
// NumPy .npy files (format versions 1-3): little-endian float64 / int32 / int64 arrays, the
// binary input and output of sparseglm-bench for large problems (text is too slow at 1e7 entries).

#include <cstdint>
#include <string>
#include <vector>

namespace sparseglm_bench {

/// One array read from a .npy file, converted to the element type asked for.
template <class T>
struct NpyArray {
  std::vector<std::int64_t> shape;
  bool fortran_order = false;
  std::vector<T> values;  ///< in file order
};

/// Reads `path`; the stored dtype must be '<f8', '<i4' or '<i8' ('<f8' only for doubles).
/// Throws Error naming the file and what is wrong.
NpyArray<double> read_npy_doubles(const std::string& path);
NpyArray<std::int64_t> read_npy_integers(const std::string& path);

/// Writes a C-order float64 array of the given shape. Throws Error on failure.
void write_npy(const std::string& path, const std::vector<double>& values,
               const std::vector<std::int64_t>& shape);

}  // namespace sparseglm_bench
