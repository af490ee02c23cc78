#include "cli/npy.hpp"

#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>
#include <type_traits>

#include "cli/args.hpp"

namespace sparseglm_bench {
namespace {

static_assert(std::endian::native == std::endian::little, "the .npy reader assumes a little-endian machine");

constexpr std::string_view magic = "\x93NUMPY";

/// The text after `key` in the header dict: `'key': value`.
std::string_view header_value(std::string_view header, std::string_view key, const std::string& path) {
  std::string quoted(1, '\'');  // built by appends: GCC 12 warns (-Wrestrict) on "'" + string
  quoted.append(key).append("':");
  const auto at = header.find(quoted);
  if (at == std::string_view::npos) throw Error(path + ": .npy header has no '" + std::string(key) + "'");
  std::string_view rest = header.substr(at + quoted.size());
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}

struct Header {
  std::string dtype;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
  std::int64_t count = 1;
};

Header parse_header(std::string_view text, const std::string& path) {
  Header header;
  const std::string_view descr = header_value(text, "descr", path);
  if (descr.size() < 2 || descr.front() != '\'') throw Error(path + ": .npy header: bad 'descr'");
  header.dtype = std::string(descr.substr(1, descr.find('\'', 1) - 1));
  header.fortran_order = header_value(text, "fortran_order", path).starts_with("True");
  std::string_view shape = header_value(text, "shape", path);
  if (shape.empty() || shape.front() != '(') throw Error(path + ": .npy header: bad 'shape'");
  shape = shape.substr(1, shape.find(')') - 1);
  while (!shape.empty()) {
    std::size_t used = 0;
    const long long extent = std::stoll(std::string(shape), &used);
    if (extent < 0) throw Error(path + ": .npy header: negative extent");
    header.shape.push_back(extent);
    header.count *= extent;
    shape.remove_prefix(used);
    while (!shape.empty() && (shape.front() == ',' || shape.front() == ' ')) shape.remove_prefix(1);
  }
  return header;
}

template <class Stored>
std::vector<Stored> read_payload(std::ifstream& in, std::int64_t count, const std::string& path) {
  std::vector<Stored> stored(static_cast<std::size_t>(count));
  in.read(reinterpret_cast<char*>(stored.data()), std::streamsize(count * std::int64_t(sizeof(Stored))));
  if (in.gcount() != std::streamsize(count * std::int64_t(sizeof(Stored))))
    throw Error(path + ": truncated .npy file");
  return stored;
}

template <class T>
NpyArray<T> read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::string prefix(magic.size() + 2, '\0');
  in.read(prefix.data(), std::streamsize(prefix.size()));
  if (!in || !std::string_view(prefix).starts_with(magic)) throw Error(path + ": not a .npy file");
  const int version = static_cast<unsigned char>(prefix[magic.size()]);
  std::uint32_t header_length = 0;
  in.read(reinterpret_cast<char*>(&header_length), version == 1 ? 2 : 4);
  std::string text(header_length, '\0');
  in.read(text.data(), std::streamsize(header_length));
  if (!in) throw Error(path + ": truncated .npy header");
  Header header;
  try {
    header = parse_header(text, path);
  } catch (const std::logic_error&) {  // std::stoll on a malformed shape
    throw Error(path + ": .npy header: bad 'shape'");
  }

  NpyArray<T> array{header.shape, header.fortran_order, {}};
  const auto convert = [&](const auto& stored) {
    array.values.reserve(stored.size());
    for (const auto value : stored) array.values.push_back(static_cast<T>(value));
  };
  if (header.dtype == "<f8") {
    if constexpr (std::is_integral_v<T>)
      throw Error(path + ": expected an integer array, found dtype <f8");
    else
      array.values = read_payload<double>(in, header.count, path);
  } else if (header.dtype == "<i4") {
    convert(read_payload<std::int32_t>(in, header.count, path));
  } else if (header.dtype == "<i8") {
    convert(read_payload<std::int64_t>(in, header.count, path));
  } else {
    throw Error(path + ": unsupported dtype '" + header.dtype + "' (expected <f8, <i4 or <i8)");
  }
  return array;
}

}  // namespace

NpyArray<double> read_npy_doubles(const std::string& path) { return read_npy<double>(path); }
NpyArray<std::int64_t> read_npy_integers(const std::string& path) { return read_npy<std::int64_t>(path); }

void write_npy(const std::string& path, const std::vector<double>& values,
               const std::vector<std::int64_t>& shape) {
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (";
  for (const auto extent : shape) dict += std::to_string(extent) + ", ";
  dict += "), }";
  // Version 1: the header (magic, version, length, dict, '\n') is padded to a multiple of 64.
  const std::size_t unpadded = magic.size() + 4 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(path + ": cannot open for writing");
  const std::uint16_t length = static_cast<std::uint16_t>(dict.size());
  out.write(magic.data(), std::streamsize(magic.size()));
  out.put('\x01').put('\x00');
  out.write(reinterpret_cast<const char*>(&length), 2);
  out.write(dict.data(), std::streamsize(dict.size()));
  out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size() * sizeof(double)));
  out.close();
  if (!out) throw Error(path + ": write error");
}

}  // namespace sparseglm_bench
