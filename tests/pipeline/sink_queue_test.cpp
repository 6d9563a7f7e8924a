// The record buffer and a sink's queue in-process: what is offered, when memory comes back, and
// what a recreated sink is offered again.
#include "sink_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "record_buffer.hpp"

namespace ytpipe::host {
namespace {

// Records whose values are "v0", "v1", ...; storage owned by the fixture.
class RecordsFixture : public ::testing::Test {
 protected:
  std::shared_ptr<Batch> make_batch(std::size_t count, std::uint64_t first_id) {
    std::vector<ytpipe_record> records;
    for (std::size_t index = 0; index < count; ++index) {
      const std::string& value = texts_.emplace_back("v" + std::to_string(first_id + index));
      records.push_back({nullptr, 0, value.data(), value.size(), 0, nullptr, 0, 0});
    }
    const std::uint64_t bytes = Batch::footprint(records.data(), count);
    EXPECT_TRUE(buffer_.reserve(bytes, stopping_).has_value());
    auto batch = std::make_shared<Batch>(records.data(), count, bytes, buffer_);
    batch->assign_ids(first_id);
    return batch;
  }

  static std::vector<std::uint64_t> ids_of(const SinkOffer& offer) {
    std::vector<std::uint64_t> ids;
    for (std::size_t index = 0; index < offer.count; ++index) {
      ids.push_back(offer.records[index].id);
    }
    return ids;
  }

  static std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
    std::vector<std::uint64_t> ids;
    for (std::uint64_t id = from; id < to; ++id) {
      ids.push_back(id);
    }
    return ids;
  }

  std::deque<std::string> texts_;
  std::atomic<bool> stopping_{false};
  RecordBuffer buffer_{1 << 20};
};

using SinkQueueTest = RecordsFixture;

TEST_F(SinkQueueTest, OffersRecordsInIdOrderAtMostMaxAtATime) {
  SinkQueue queue;
  queue.push(make_batch(5, 1));
  queue.push(make_batch(3, 20));

  SinkOffer offer;
  ASSERT_TRUE(queue.next_offer(offer, 4));
  EXPECT_EQ(ids_of(offer), range(1, 5));
  EXPECT_EQ(std::string(offer.records[0].value, offer.records[0].value_size), "v1");
  queue.accepted(offer, offer.count);

  ASSERT_TRUE(queue.next_offer(offer, 4));
  EXPECT_EQ(ids_of(offer), range(5, 6));
  queue.accepted(offer, offer.count);

  ASSERT_TRUE(queue.next_offer(offer, 4));
  EXPECT_EQ(ids_of(offer), range(20, 23));
  queue.accepted(offer, offer.count);

  EXPECT_FALSE(queue.next_offer(offer, 4));
}

TEST_F(SinkQueueTest, PartialAcceptOffersTheRestNext) {
  SinkQueue queue;
  queue.push(make_batch(10, 1));

  SinkOffer offer;
  ASSERT_TRUE(queue.next_offer(offer, 10));
  queue.accepted(offer, 3);

  ASSERT_TRUE(queue.next_offer(offer, 10));
  EXPECT_EQ(ids_of(offer), range(4, 11));
}

TEST_F(SinkQueueTest, CountsEachRecordOnceWhateverIsReported) {
  SinkQueue queue;
  queue.push(make_batch(4, 1));

  const std::vector<std::uint64_t> delivered{1, 2, 2, 99};
  EXPECT_EQ(queue.report(delivered.data(), delivered.size(), YTPIPE_DELIVERED), 2u);
  const std::vector<std::uint64_t> failed{3, 1};
  EXPECT_EQ(queue.report(failed.data(), failed.size(), YTPIPE_FAILED), 1u);

  const SinkCounts counts = queue.counts();
  EXPECT_EQ(counts.in, 4u);
  EXPECT_EQ(counts.delivered, 2u);
  EXPECT_EQ(counts.failed, 1u);
  EXPECT_EQ(counts.pending(), 1u);
  EXPECT_FALSE(queue.settled());
}

TEST_F(SinkQueueTest, RecreatedSinkIsOfferedExactlyTheRecordsWithoutOutcome) {
  SinkQueue queue;
  queue.push(make_batch(6, 1));
  queue.push(make_batch(4, 7));
  SinkOffer offer;
  while (queue.next_offer(offer, 100)) {
    queue.accepted(offer, offer.count);
  }
  const std::vector<std::uint64_t> reported{1, 2, 4, 8, 9, 10};
  queue.report(reported.data(), reported.size(), YTPIPE_DELIVERED);

  queue.offer_again();

  std::vector<std::uint64_t> offered;
  while (queue.next_offer(offer, 100)) {
    const std::vector<std::uint64_t> ids = ids_of(offer);
    offered.insert(offered.end(), ids.begin(), ids.end());
    queue.accepted(offer, offer.count);
  }
  EXPECT_EQ(offered, (std::vector<std::uint64_t>{3, 5, 6, 7}));
}

TEST_F(SinkQueueTest, BatchMemoryReturnsOnceEverySinkReportedIt) {
  SinkQueue first;
  SinkQueue second;
  auto batch = make_batch(3, 1);
  first.push(batch);
  second.push(batch);
  batch.reset();
  const std::vector<std::uint64_t> all = range(1, 4);

  first.report(all.data(), all.size(), YTPIPE_DELIVERED);
  EXPECT_GT(buffer_.used_bytes(), 0u);

  second.report(all.data(), all.size(), YTPIPE_FAILED);
  EXPECT_EQ(buffer_.used_bytes(), 0u);
  EXPECT_TRUE(first.settled());
  EXPECT_TRUE(second.settled());
}

TEST(RecordBufferTest, FullBufferBlocksUntilBytesAreReleasedAndSaysHowLong) {
  RecordBuffer buffer(100);
  std::atomic<bool> stopping{false};
  ASSERT_EQ(buffer.reserve(80, stopping), std::chrono::steady_clock::duration::zero());

  std::atomic<bool> admitted{false};
  std::optional<std::chrono::steady_clock::duration> waited;
  const auto started = std::chrono::steady_clock::now();
  std::thread waiter([&] {
    waited = buffer.reserve(50, stopping);
    admitted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(admitted.load());

  buffer.release(80);
  waiter.join();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(waited.has_value());
  // When the waiter began to wait is the scheduler's choice; that it waited, and no longer than
  // the whole test took, is the buffer's.
  EXPECT_GT(*waited, std::chrono::steady_clock::duration::zero());
  EXPECT_LE(*waited, elapsed);
  EXPECT_EQ(buffer.used_bytes(), 50u);
}

TEST(RecordBufferTest, OversizedRequestIsAdmittedAloneWhenEmpty) {
  RecordBuffer buffer(100);
  std::atomic<bool> stopping{false};
  EXPECT_TRUE(buffer.reserve(1000, stopping).has_value());
  EXPECT_EQ(buffer.peak_bytes(), 1000u);
}

TEST(RecordBufferTest, StopWakesAWaiterEmptyHanded) {
  RecordBuffer buffer(100);
  std::atomic<bool> stopping{false};
  ASSERT_TRUE(buffer.reserve(100, stopping).has_value());

  std::atomic<int> result{-1};
  std::thread waiter([&] { result = buffer.reserve(10, stopping).has_value() ? 1 : 0; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stopping = true;
  buffer.wake_all();
  waiter.join();
  EXPECT_EQ(result.load(), 0);
  EXPECT_EQ(buffer.used_bytes(), 100u);
}

}  // namespace
}  // namespace ytpipe::host
