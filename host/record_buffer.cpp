#include "record_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace ytpipe::host {

std::optional<std::chrono::steady_clock::duration> RecordBuffer::reserve(
    std::uint64_t bytes, const std::atomic<bool>& stopping) {
  const auto fits = [&] { return stopping.load() || used_ == 0 || used_ + bytes <= max_bytes_; };
  std::unique_lock lock(mutex_);
  std::chrono::steady_clock::duration waited{0};
  if (!fits()) {
    const auto started = std::chrono::steady_clock::now();
    room_.wait(lock, fits);
    waited = std::chrono::steady_clock::now() - started;
  }
  if (stopping.load()) {
    return std::nullopt;
  }

  used_ += bytes;
  peak_ = std::max(peak_, used_);
  return waited;
}

void RecordBuffer::release(std::uint64_t bytes) {
  {
    std::lock_guard lock(mutex_);
    used_ -= bytes;
  }
  room_.notify_all();
}

void RecordBuffer::wake_all() {
  {
    // Taking the lock orders the caller's flag change before any waiter's next check.
    std::lock_guard lock(mutex_);
  }
  room_.notify_all();
}

std::uint64_t RecordBuffer::used_bytes() const {
  std::lock_guard lock(mutex_);
  return used_;
}

std::uint64_t RecordBuffer::peak_bytes() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

namespace {

std::size_t header_count(const ytpipe_record* records, std::size_t count) {
  std::size_t headers = 0;
  for (std::size_t index = 0; index < count; ++index) {
    headers += records[index].header_count;
  }
  return headers;
}

std::size_t data_bytes(const ytpipe_record* records, std::size_t count) {
  std::size_t bytes = 0;
  for (std::size_t index = 0; index < count; ++index) {
    const ytpipe_record& record = records[index];
    bytes += record.key_size + record.value_size;
    for (std::size_t header = 0; header < record.header_count; ++header) {
      bytes += record.headers[header].key_size + record.headers[header].value_size;
    }
  }
  return bytes;
}

// Copies `size` bytes to `cursor` and advances it; returns where they landed.
const char* copy_bytes(const char* from, std::size_t size, char*& cursor) {
  char* at = cursor;
  if (size > 0) {
    std::memcpy(at, from, size);
  }
  cursor += size;
  return at;
}

}  // namespace

std::uint64_t Batch::footprint(const ytpipe_record* records, std::size_t count) {
  return sizeof(Batch) + count * sizeof(ytpipe_record) +
         header_count(records, count) * sizeof(ytpipe_header) + data_bytes(records, count);
}

Batch::Batch(const ytpipe_record* records, std::size_t count, std::uint64_t bytes,
             RecordBuffer& buffer)
    : buffer_(buffer), bytes_(bytes), count_(count) {
  const std::size_t headers = header_count(records, count);
  storage_ = std::make_unique_for_overwrite<std::byte[]>(
      count * sizeof(ytpipe_record) + headers * sizeof(ytpipe_header) + data_bytes(records, count));
  records_ = reinterpret_cast<ytpipe_record*>(storage_.get());
  auto* next_header = reinterpret_cast<ytpipe_header*>(records_ + count);
  char* cursor = reinterpret_cast<char*>(next_header + headers);

  for (std::size_t index = 0; index < count; ++index) {
    const ytpipe_record& from = records[index];
    ytpipe_record& to = records_[index];
    to.key = copy_bytes(from.key, from.key_size, cursor);
    to.key_size = from.key_size;
    to.value = copy_bytes(from.value, from.value_size, cursor);
    to.value_size = from.value_size;
    to.timestamp_ms = from.timestamp_ms;
    to.headers = next_header;
    to.header_count = from.header_count;
    to.id = 0;
    for (std::size_t header = 0; header < from.header_count; ++header) {
      const ytpipe_header& source = from.headers[header];
      next_header->key = copy_bytes(source.key, source.key_size, cursor);
      next_header->key_size = source.key_size;
      next_header->value = copy_bytes(source.value, source.value_size, cursor);
      next_header->value_size = source.value_size;
      ++next_header;
    }
  }
}

Batch::~Batch() {
  buffer_.release(bytes_);
}

void Batch::assign_ids(std::uint64_t first_id) {
  first_id_ = first_id;
  for (std::size_t index = 0; index < count_; ++index) {
    records_[index].id = first_id + index;
  }
}

}  // namespace ytpipe::host
