#include "spool_file.hpp"

#include <Poco/BinaryReader.h>
#include <Poco/BinaryWriter.h>
#include <fcntl.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ytpipe::kafka {
namespace {

constexpr char kMagic[8] = {'Y', 'T', 'P', 'S', 'P', 'O', 'O', 'L'};
constexpr std::uint32_t kFormatVersion = 1;
// A frame claiming more than this is damage, not a record: Kafka's own limit is far below it.
constexpr std::uint32_t kLargestBody = 256u << 20;

std::uint32_t crc_of(const std::string& body) {
  boost::crc_32_type crc;
  crc.process_bytes(body.data(), body.size());
  return crc.checksum();
}

void write_bytes(Poco::BinaryWriter& out, const std::string& bytes) {
  out << static_cast<std::uint32_t>(bytes.size());
  out.writeRaw(bytes);
}

std::string body_of(const SpooledRecord& record) {
  std::ostringstream body;
  Poco::BinaryWriter out(body, Poco::BinaryWriter::LITTLE_ENDIAN_BYTE_ORDER);
  write_bytes(out, record.key);
  write_bytes(out, record.value);
  out << static_cast<Poco::Int64>(record.timestamp_ms);
  out << static_cast<std::uint32_t>(record.headers.size());
  for (const auto& [key, value] : record.headers) {
    write_bytes(out, key);
    write_bytes(out, value);
  }
  out.flush();
  return body.str();
}

void fsync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    throw std::runtime_error(path.string() + ": cannot open to sync: " + std::strerror(errno));
  }
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0) {
    throw std::runtime_error(path.string() + ": fsync failed: " + std::strerror(error));
  }
}

void write_frames(const std::filesystem::path& path, std::span<const SpooledRecord> records) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    throw std::runtime_error(path.string() + ": cannot create: " + std::strerror(errno));
  }
  Poco::BinaryWriter out(file, Poco::BinaryWriter::LITTLE_ENDIAN_BYTE_ORDER);
  out.writeRaw(kMagic, sizeof kMagic);
  out << kFormatVersion;
  for (const SpooledRecord& record : records) {
    const std::string body = body_of(record);
    out << static_cast<std::uint32_t>(body.size()) << crc_of(body);
    out.writeRaw(body);
  }
  out.flush();
  file.close();
  if (!file) {
    throw std::runtime_error(path.string() + ": write failed: " + std::strerror(errno));
  }
}

std::string read_bytes(Poco::BinaryReader& in, std::uint32_t limit) {
  std::uint32_t size = 0;
  in >> size;
  if (size > limit) {
    throw std::length_error("a field claims more bytes than its record holds");
  }
  std::string bytes;
  in.readRaw(size, bytes);
  return bytes;
}

SpooledRecord parse_body(const std::string& body) {
  std::istringstream stream(body);
  Poco::BinaryReader in(stream, Poco::BinaryReader::LITTLE_ENDIAN_BYTE_ORDER);
  const auto limit = static_cast<std::uint32_t>(body.size());
  SpooledRecord record;
  record.key = read_bytes(in, limit);
  record.value = read_bytes(in, limit);
  Poco::Int64 timestamp = 0;
  std::uint32_t header_count = 0;
  in >> timestamp >> header_count;
  record.timestamp_ms = timestamp;
  for (std::uint32_t i = 0; i < header_count && in.good(); ++i) {
    std::string key = read_bytes(in, limit);
    record.headers.emplace_back(std::move(key), read_bytes(in, limit));
  }
  if (!in.good()) {
    throw std::length_error("a record's fields run past its end");
  }
  return record;
}

// Reads one frame; returns false at a clean end of file and throws std::runtime_error on damage.
bool read_frame(std::istream& file, Poco::BinaryReader& in, SpooledRecord& record) {
  if (file.peek() == std::char_traits<char>::eof()) {
    return false;
  }
  std::uint32_t size = 0;
  std::uint32_t crc = 0;
  in >> size >> crc;
  if (!in.good() || size > kLargestBody) {
    throw std::runtime_error("a torn frame header");
  }
  std::string body;
  in.readRaw(size, body);
  if (body.size() != size) {
    throw std::runtime_error("a frame cut short (" + std::to_string(body.size()) + " of " +
                             std::to_string(size) + " bytes)");
  }
  if (crc_of(body) != crc) {
    throw std::runtime_error("a frame whose checksum does not match");
  }
  try {
    record = parse_body(body);
  } catch (const std::length_error& e) {
    throw std::runtime_error(e.what());
  }
  return true;
}

}  // namespace

void write_spool(const std::filesystem::path& path, std::span<const SpooledRecord> records) {
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  std::filesystem::create_directories(folder);
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  write_frames(temporary, records);
  fsync_path(temporary, O_RDONLY);
  std::filesystem::rename(temporary, path);
  fsync_path(folder, O_RDONLY | O_DIRECTORY);
}

SpoolContents read_spool(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw std::runtime_error(path.string() + ": cannot open: " + std::strerror(errno));
  }
  Poco::BinaryReader in(file, Poco::BinaryReader::LITTLE_ENDIAN_BYTE_ORDER);
  std::string magic;
  std::uint32_t version = 0;
  in.readRaw(sizeof kMagic, magic);
  in >> version;
  if (magic != std::string(kMagic, sizeof kMagic) || version != kFormatVersion) {
    throw std::runtime_error(path.string() + ": not a Kafka sink spool (format version " +
                             std::to_string(kFormatVersion) + ")");
  }

  SpoolContents contents;
  SpooledRecord record;
  std::streamoff offset = file.tellg();
  try {
    while (read_frame(file, in, record)) {
      contents.records.push_back(std::move(record));
      offset = file.tellg();
    }
  } catch (const std::runtime_error& e) {
    contents.damage = "at byte " + std::to_string(offset) + ": " + e.what();
  }
  return contents;
}

}  // namespace ytpipe::kafka
