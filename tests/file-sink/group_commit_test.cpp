#include "group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace ytpipe::file_sink {
namespace {

using namespace std::chrono_literals;

// Records what the commit thread acknowledged and how many syncs it ran.
struct Journal {
  std::mutex mutex;
  std::vector<std::uint64_t> acknowledged;
  std::atomic<int> syncs{0};

  GroupCommit::Acknowledge acknowledge() {
    return [this](std::span<const std::uint64_t> ids) {
      std::lock_guard lock(mutex);
      acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());
    };
  }

  std::vector<std::uint64_t> snapshot() {
    std::lock_guard lock(mutex);
    return acknowledged;
  }
};

TEST(GroupCommitTest, AcknowledgesAddedRecordsInOrderAfterASync) {
  Journal journal;
  GroupCommit commits([&] { ++journal.syncs; }, journal.acknowledge(), 0);

  const std::uint64_t first[] = {1, 2};
  const std::uint64_t second[] = {3};
  commits.add(first, 20);
  commits.add(second, 30);

  ASSERT_TRUE(commits.wait_idle(5s));
  EXPECT_EQ(journal.snapshot(), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_GE(journal.syncs.load(), 1);
  EXPECT_EQ(commits.durable_size(), 30u);
}

TEST(GroupCommitTest, BatchesAddedDuringASyncShareTheNextOne) {
  Journal journal;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> first_sync_started;
  GroupCommit commits(
      [&] {
        if (journal.syncs++ == 0) {
          first_sync_started.set_value();
          released.wait();
        }
      },
      journal.acknowledge(), 0);

  const std::uint64_t first[] = {1};
  commits.add(first, 10);
  first_sync_started.get_future().wait();
  for (std::uint64_t id = 2; id <= 50; ++id) {
    commits.add(std::span(&id, 1), id * 10);
  }
  EXPECT_TRUE(journal.snapshot().empty()) << "nothing is acknowledged before its sync ends";
  release.set_value();

  ASSERT_TRUE(commits.wait_idle(5s));
  EXPECT_EQ(journal.snapshot().size(), 50u);
  EXPECT_EQ(journal.syncs.load(), 2);
}

TEST(GroupCommitTest, AFailedSyncAcknowledgesNothingAndKeepsTheLastDurableSize) {
  Journal journal;
  GroupCommit commits([] { throw std::runtime_error("videos.jsonl: cannot fsync: I/O error"); },
                      journal.acknowledge(), 100);

  const std::uint64_t ids[] = {1, 2, 3};
  commits.add(ids, 160);

  ASSERT_TRUE(commits.wait_idle(5s));
  EXPECT_TRUE(journal.snapshot().empty());
  EXPECT_EQ(commits.failure(), "videos.jsonl: cannot fsync: I/O error");
  EXPECT_EQ(commits.durable_size(), 100u);
}

TEST(GroupCommitTest, StoppingSyncsAndAcknowledgesWhatIsStillWaiting) {
  Journal journal;
  {
    GroupCommit commits([&] { ++journal.syncs; }, journal.acknowledge(), 0);
    for (std::uint64_t id = 1; id <= 1000; ++id) {
      commits.add(std::span(&id, 1), id);
    }
  }

  EXPECT_EQ(journal.snapshot().size(), 1000u);
}

}  // namespace
}  // namespace ytpipe::file_sink
