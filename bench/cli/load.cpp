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

#include "cli/args.hpp"
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

}  // namespace sparseglm_bench
