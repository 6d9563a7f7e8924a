#include "youtube_source.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "record_encoding.hpp"
#include "response_parsing.hpp"

namespace ytpipe::youtube {
namespace {

constexpr std::size_t kMaxIds = 50;

const std::string kPlaylistItemsFields =
    "nextPageToken,items/contentDetails(videoId,videoPublishedAt)";
const std::string kVideosFields =
    "items(id,snippet(title,channelId,channelTitle,publishedAt,thumbnails/default/url),"
    "statistics)";
const std::string kPlaylistsFields = "items(id,contentDetails/itemCount)";
const std::string kChannelsFields = "items(id,contentDetails/relatedPlaylists/uploads)";

const ytpipe::Header kHeaders[] = {
    {"content-type", "application/json"},
    {"schema", kSchemaName},
};

std::string join(const std::vector<std::string>& ids) {
  std::string joined;
  for (const std::string& id : ids) {
    joined += (joined.empty() ? "" : ",") + id;
  }
  return joined;
}

std::vector<std::vector<std::string>> chunks(const std::vector<std::string>& ids) {
  std::vector<std::vector<std::string>> result;
  for (std::size_t at = 0; at < ids.size(); at += kMaxIds) {
    const auto end = ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), at + kMaxIds));
    result.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(at), end);
  }
  return result;
}

std::int64_t to_unix_ms(TimePoint at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

// What a worker hands back to the refresh thread.
struct Completion {
  enum class Kind { Channels, Counts, Page, Videos };

  Completion(Kind kind_in, std::size_t source_in, std::vector<std::string> ids_in)
      : kind(kind_in), source(source_in), ids(std::move(ids_in)) {}

  // Videos: parses the answer on the worker that received it, so the refresh thread never holds
  // a backlog of raw JSON trees (each ~20 times the size of the statistics it carries).
  void parse_videos_now(std::int64_t now_ms) {
    fetched_at_ms = now_ms;
    if (!reply.ok()) {
      return;
    }
    try {
      videos = parse_videos(reply.body);
    } catch (const MalformedResponse& e) {
      malformed = e.what();
    }
    reply.body = new Poco::JSON::Object();  // frees the tree; an empty body still reads as ok()
  }

  Kind kind;
  std::size_t source;            // Page: which tracked playlist
  std::vector<std::string> ids;  // Videos, Channels, Counts: the ids asked for
  ApiReply reply;
  std::vector<VideoStats> videos = {};   // Videos: the parsed answer
  std::optional<std::string> malformed;  // Videos: why the answer could not be parsed
  std::int64_t fetched_at_ms = 0;        // Videos: when the statistics were read
};

class Inbox {
 public:
  void push(Completion completion) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(completion));
    }
    ready_.notify_one();
  }

  Completion pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return !queue_.empty(); });
    Completion completion = std::move(queue_.front());
    queue_.pop_front();
    return completion;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Completion> queue_;
};

}  // namespace

// One refresh: resolves channels, checks item counts, walks what changed and fetches statistics,
// overlapping the walks with the videos.list calls.
class YoutubeSource::Refresh {
  struct Walk {
    std::vector<std::string> members = {};
    std::unordered_set<std::string> seen = {};
    std::size_t pages = 0;
    std::size_t unavailable = 0;
    bool restarted = false;
  };

 public:
  Refresh(YoutubeSource& source, ytpipe::Emitter& out)
      : source_(source),
        out_(out),
        log_(source.context_.log()),
        inbox_(std::make_shared<Inbox>()),
        owners_(source.tracked_.size() + 1),
        direct_source_(source.tracked_.size()) {}

  void run() {
    resolve_channels();
    if (!stopped()) {
      check_item_counts();
    }
    if (!stopped()) {
      walk_and_fetch();
    }
  }

  bool quota_exhausted() const { return quota_exhausted_; }
  const std::optional<ApiError>& key_rejected() const { return key_rejected_; }
  const std::vector<std::string>& failures() const { return failures_; }
  std::size_t distinct_videos() const { return owners_.distinct(); }
  std::size_t records() const { return records_; }
  std::size_t unavailable() const { return unavailable_; }

 private:
  bool stopped() const {
    return quota_exhausted_ || key_rejected_ || emit_refused_ || source_.context_.stop_requested();
  }

  void submit(ApiRequest request, Completion completion) {
    ++in_flight_;
    const bool urgent = completion.kind == Completion::Kind::Page;
    std::shared_ptr<Inbox> inbox = inbox_;
    source_.api_->submit(
        std::move(request),
        [inbox, clock = source_.clock_,
         completion = std::move(completion)](ApiReply reply) mutable {
          completion.reply = std::move(reply);
          if (completion.kind == Completion::Kind::Videos) {
            completion.parse_videos_now(to_unix_ms(clock()));
          }
          inbox->push(std::move(completion));
        },
        urgent);
  }

  // Takes one answer; false when it carried a condition that ends the refresh or was not usable.
  bool accept(const Completion& done, const std::string& what) {
    const ApiReply& reply = done.reply;
    if (reply.ok()) {
      return true;
    }
    if (reply.stopped) {
      return false;
    }
    if (reply.is(ApiErrorKind::QuotaExceeded)) {
      quota_exhausted_ = true;
    } else if (reply.is(ApiErrorKind::BadKey)) {
      key_rejected_ = reply.error;
    } else {
      failures_.push_back(what + ": " + reply.describe());
    }
    return false;
  }

  Completion next() {
    Completion done = inbox_->pop();
    --in_flight_;
    return done;
  }

  void resolve_channels() {
    std::vector<std::string> unresolved;
    for (const TrackedPlaylist& playlist : source_.tracked_) {
      if (playlist.id.empty() && !playlist.missing) {
        unresolved.push_back(playlist.channel_id);
      }
    }
    for (std::vector<std::string>& ids : chunks(unresolved)) {
      ApiRequest request{
          "channels", {{"part", "contentDetails"}, {"id", join(ids)}, {"fields", kChannelsFields}}};
      submit(std::move(request), Completion{Completion::Kind::Channels, 0, std::move(ids)});
    }
    while (in_flight_ > 0) {
      const Completion done = next();
      if (accept(done, "channels.list")) {
        record_uploads(done);
      }
    }
  }

  void record_uploads(const Completion& done) {
    std::map<std::string, std::string> uploads;
    try {
      uploads = parse_uploads_playlists(done.reply.body);
    } catch (const MalformedResponse& e) {
      failures_.push_back(std::string("channels.list: ") + e.what());
      return;
    }
    for (TrackedPlaylist& playlist : source_.tracked_) {
      if (!playlist.id.empty() || playlist.missing) {
        continue;
      }
      const std::string& channel = playlist.channel_id;
      if (std::find(done.ids.begin(), done.ids.end(), channel) == done.ids.end()) {
        continue;
      }
      const auto found = uploads.find(channel);
      if (found == uploads.end()) {
        playlist.missing = true;
        log_.error(playlist.origin,
                   ": no such channel (channels.list returned nothing for it); "
                   "it is skipped until the source restarts");
        continue;
      }
      playlist.id = found->second;
    }
  }

  void check_item_counts() {
    std::vector<std::string> ids;
    for (const TrackedPlaylist& playlist : source_.tracked_) {
      if (!playlist.id.empty()) {
        ids.push_back(playlist.id);
      }
    }
    for (std::vector<std::string>& chunk : chunks(ids)) {
      ApiRequest request{
          "playlists",
          {{"part", "contentDetails"}, {"id", join(chunk)}, {"fields", kPlaylistsFields}}};
      submit(std::move(request), Completion{Completion::Kind::Counts, 0, std::move(chunk)});
    }
    while (in_flight_ > 0) {
      const Completion done = next();
      if (!accept(done, "playlists.list")) {
        continue;
      }
      try {
        for (const auto& [id, count] : parse_item_counts(done.reply.body)) {
          item_counts_[id] = count;
        }
        checked_.insert(done.ids.begin(), done.ids.end());
      } catch (const MalformedResponse& e) {
        failures_.push_back(std::string("playlists.list: ") + e.what());
      }
    }
  }

  void walk_and_fetch() {
    const TimePoint now = source_.clock_();
    for (std::size_t index = 0; index < source_.tracked_.size(); ++index) {
      plan_walk(index, now);
    }
    for (std::size_t index = 0; index < source_.tracked_.size(); ++index) {
      if (!walks_.contains(index)) {
        add_candidates(source_.tracked_[index].videos, index);
      }
    }
    add_candidates(source_.settings_.videos, direct_source_);
    submit_pending_if_settled();

    while (in_flight_ > 0) {
      Completion done = next();
      if (done.kind == Completion::Kind::Page) {
        on_page(done);
      } else {
        on_videos(done);
      }
      submit_pending_if_settled();
      release_deferred();
    }
    release_deferred();
  }

  void plan_walk(std::size_t index, TimePoint now) {
    TrackedPlaylist& playlist = source_.tracked_[index];
    if (playlist.id.empty() || !checked_.contains(playlist.id)) {
      return;  // unresolved channel, or the count check failed: keep what we know
    }
    const auto count = item_counts_.find(playlist.id);
    if (count == item_counts_.end()) {
      report_missing(playlist, "playlists.list does not know it");
      return;
    }
    playlist.missing = false;
    if (!needs_walk(playlist, count->second, now, source_.settings_.membership_interval)) {
      return;
    }
    walks_[index] = Walk{};
    owners_.start_walk(index);
    request_page(index, "");
  }

  void report_missing(TrackedPlaylist& playlist, const std::string& why) {
    if (!playlist.missing) {
      log_.error(playlist.origin, " (", playlist.id, ") cannot be read: ", why,
                 "; skipped while that lasts");
    }
    playlist.missing = true;
    playlist.videos.clear();
    playlist.walked_at.reset();
  }

  void request_page(std::size_t index, const std::string& token) {
    ApiRequest request{"playlistItems",
                       {{"part", "contentDetails"},
                        {"playlistId", source_.tracked_[index].id},
                        {"maxResults", "50"},
                        {"fields", kPlaylistItemsFields}}};
    if (!token.empty()) {
      request.params.emplace_back("pageToken", token);
    }
    submit(std::move(request), Completion{Completion::Kind::Page, index, {}});
  }

  void on_page(const Completion& done) {
    TrackedPlaylist& playlist = source_.tracked_[done.source];
    Walk& walk = walks_.at(done.source);
    if (!done.reply.ok()) {
      on_page_error(done, playlist, walk);
      return;
    }

    PlaylistPage page;
    try {
      page = parse_playlist_page(done.reply.body);
    } catch (const MalformedResponse& e) {
      failures_.push_back("walking " + playlist.origin + ": " + e.what());
      abandon_walk(done.source);
      return;
    }
    ++walk.pages;
    walk.unavailable += page.unavailable;
    const std::size_t known = walk.members.size();
    append_distinct(walk.members, walk.seen, page.video_ids);
    add_candidates({walk.members.begin() + static_cast<std::ptrdiff_t>(known), walk.members.end()},
                   done.source);

    if (page.next_page_token && !stopped()) {
      request_page(done.source, *page.next_page_token);
      return;
    }
    if (!page.next_page_token) {
      complete_walk(done.source);
    } else {
      owners_.finish_walk(done.source);
    }
  }

  void on_page_error(const Completion& done, TrackedPlaylist& playlist, Walk& walk) {
    const ApiReply& reply = done.reply;
    if (reply.is(ApiErrorKind::NotFound) || reply.is(ApiErrorKind::NotAccessible)) {
      report_missing(playlist, reply.describe());
      owners_.finish_walk(done.source);
      return;
    }
    if (reply.error && reply.error->reason == "invalidPageToken" && !walk.restarted) {
      log_.warn(playlist.origin, ": the API refused its own page token; walking it again");
      walk = Walk{};
      walk.restarted = true;
      request_page(done.source, "");
      return;
    }
    accept(done, "walking " + playlist.origin);
    abandon_walk(done.source);
  }

  // Falls back to the membership known from the last complete walk.
  void abandon_walk(std::size_t index) {
    owners_.finish_walk(index);
    add_candidates(source_.tracked_[index].videos, index);
  }

  void complete_walk(std::size_t index) {
    TrackedPlaylist& playlist = source_.tracked_[index];
    Walk& walk = walks_.at(index);
    playlist.videos = std::move(walk.members);
    playlist.item_count = item_counts_.at(playlist.id);
    playlist.walked_at = source_.clock_();
    owners_.finish_walk(index);
    ++walks_done_;
    log_.debug(playlist.origin, ": membership read, ", playlist.videos.size(), " videos in ",
               walk.pages, " pages (", walk.unavailable, " deleted or private entries skipped)");
  }

  void add_candidates(const std::vector<std::string>& videos, std::size_t source) {
    for (const std::string& video : videos) {
      if (owners_.add(video, source)) {
        pending_.push_back(video);
        if (pending_.size() == kMaxIds) {
          submit_videos();
        }
      }
    }
  }

  // A short batch waits for the walks, which may still fill it; a full one goes at once.
  void submit_pending_if_settled() {
    if (!pending_.empty() && !owners_.any_walking() && !stopped()) {
      submit_videos();
    }
  }

  void submit_videos() {
    if (stopped()) {
      pending_.clear();
      return;
    }
    std::vector<std::string> ids = std::move(pending_);
    pending_.clear();
    ApiRequest request{
        "videos", {{"part", "snippet,statistics"}, {"id", join(ids)}, {"fields", kVideosFields}}};
    submit(std::move(request), Completion{Completion::Kind::Videos, 0, std::move(ids)});
  }

  void on_videos(Completion& done) {
    if (!accept(done, "videos.list")) {
      return;
    }
    if (done.malformed) {
      failures_.push_back("videos.list: " + *done.malformed);
      return;
    }
    const std::int64_t fetched_at = done.fetched_at_ms;
    std::vector<VideoStats>& videos = done.videos;

    std::unordered_map<std::string, VideoStats*> by_id;
    for (VideoStats& video : videos) {
      by_id.emplace(video.id, &video);
    }
    std::vector<std::pair<VideoStats, std::int64_t>> ready;
    for (const std::string& id : done.ids) {
      const auto found = by_id.find(id);
      if (found == by_id.end()) {
        note_unavailable(id);
      } else if (owners_.settled(id)) {
        ready.emplace_back(std::move(*found->second), fetched_at);
      } else {
        deferred_.emplace_back(std::move(*found->second), fetched_at);
      }
    }
    emit(ready);
  }

  void note_unavailable(const std::string& id) {
    ++unavailable_;
    if (source_.reported_unavailable_.insert(id).second) {
      log_.warn("video ", id,
                " is listed but videos.list does not return it (deleted, private "
                "or removed since); no record for it");
    }
  }

  void release_deferred() {
    std::vector<std::pair<VideoStats, std::int64_t>> ready;
    std::erase_if(deferred_, [&](std::pair<VideoStats, std::int64_t>& entry) {
      if (!owners_.settled(entry.first.id)) {
        return false;
      }
      ready.push_back(std::move(entry));
      return true;
    });
    emit(ready);
  }

  void emit(const std::vector<std::pair<VideoStats, std::int64_t>>& videos) {
    if (videos.empty() || emit_refused_) {
      return;
    }
    std::vector<std::string> values;
    values.reserve(videos.size());
    for (const auto& [video, fetched_at] : videos) {
      values.push_back(encode_video_record(video, playlist_of(video.id), fetched_at));
    }
    std::vector<ytpipe::Record> records;
    records.reserve(videos.size());
    for (std::size_t i = 0; i < videos.size(); ++i) {
      records.push_back({videos[i].first.id, values[i], videos[i].second, kHeaders});
    }
    if (!out_.emit(records)) {
      emit_refused_ = true;
      return;
    }
    records_ += records.size();
  }

  std::optional<std::string> playlist_of(const std::string& video) const {
    const std::size_t owner = owners_.owner(video);
    if (owner >= source_.tracked_.size()) {
      return std::nullopt;
    }
    return source_.tracked_[owner].id;
  }

  YoutubeSource& source_;
  ytpipe::Emitter& out_;
  const ytpipe::Logger& log_;
  std::shared_ptr<Inbox> inbox_;
  std::size_t in_flight_ = 0;

  std::map<std::string, std::int64_t> item_counts_;
  std::unordered_set<std::string> checked_;
  std::map<std::size_t, Walk> walks_;
  std::size_t walks_done_ = 0;
  VideoOwners owners_;
  const std::size_t direct_source_;
  std::vector<std::string> pending_;
  std::vector<std::pair<VideoStats, std::int64_t>> deferred_;

  std::size_t records_ = 0;
  std::size_t unavailable_ = 0;
  bool quota_exhausted_ = false;
  bool emit_refused_ = false;
  std::optional<ApiError> key_rejected_;
  std::vector<std::string> failures_;
};

YoutubeSource::YoutubeSource(const ytpipe::Context& context)
    : YoutubeSource(context, system_clock()) {}

YoutubeSource::YoutubeSource(const ytpipe::Context& context, Clock clock)
    : context_(context),
      settings_(read_settings(context.config())),
      clock_(std::move(clock)),
      quota_(settings_.daily_quota, clock_),
      api_(std::make_unique<ApiClient>(context, settings_.api, quota_)) {
  for (const std::string& id : settings_.playlists) {
    tracked_.emplace_back().id = id;
    tracked_.back().origin = "playlist " + id;
  }
  for (const std::string& channel : settings_.channels) {
    tracked_.emplace_back().origin = "channel " + channel;
    tracked_.back().channel_id = channel;
  }
}

YoutubeSource::~YoutubeSource() = default;

void YoutubeSource::validate(const ytpipe::Context& context) {
  read_settings(context.config());
}

std::chrono::milliseconds YoutubeSource::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_().time_since_epoch());
}

ytpipe::NextCycle YoutubeSource::run_cycle(ytpipe::Emitter& out) {
  if (const std::optional<TimePoint> reset = quota_.blocked_until()) {
    return wait_for_reset(*reset);
  }
  const std::chrono::milliseconds started = now_ms();
  const std::int64_t calls_before = api_->calls();

  Refresh refresh(*this, out);
  refresh.run();

  if (refresh.key_rejected()) {
    throw ytpipe::FatalError(
        "the API rejected the key (" + refresh.key_rejected()->describe() + "). Check " +
        (context_.config().has("api_key_file")
             ? "the file named by api_key_file"
             : "api_key in the manifest (or the YOUTUBE_API_KEY variable it names)") +
        " and that \"YouTube Data API v3\" is enabled for its Google Cloud project.");
  }
  if (refresh.quota_exhausted()) {
    return wait_for_reset(quota_.block_until_reset().first);
  }

  const std::chrono::milliseconds elapsed = now_ms() - started;
  const std::int64_t calls = api_->calls() - calls_before;
  if (context_.stop_requested()) {
    context_.log().info("refresh cut short by the stop: ", refresh.records(), " records emitted, ",
                        calls, " units spent, ", elapsed.count(), " ms");
    return ytpipe::NextCycle::never();
  }
  context_.log().info("refresh: ", refresh.distinct_videos(), " videos, ", refresh.records(),
                      " records, ", refresh.unavailable(), " unavailable, ", calls, " API calls, ",
                      calls, " units spent, ", quota_.left_today(), " units left today, ",
                      elapsed.count(), " ms");
  context_.set_metric("units_today", quota_.spent_today());
  context_.set_metric("videos", static_cast<std::int64_t>(refresh.distinct_videos()));

  if (!refresh.failures().empty()) {
    const std::size_t more = refresh.failures().size() - 1;
    const std::string message =
        "refresh incomplete: " + refresh.failures().front() +
        (more > 0 ? " (and " + std::to_string(more) + " more failures)" : "");
    // Under --once the one refresh asked for has failed. Otherwise the next refresh retries,
    // keeping the membership already known (recreating the source would re-walk everything).
    if (context_.once()) {
      throw ytpipe::FatalError(message);
    }
    context_.log().error(message);
  }
  return plan_next(elapsed, refresh.distinct_videos());
}

ytpipe::NextCycle YoutubeSource::wait_for_reset(TimePoint reset) {
  const std::string when = describe_reset(reset);
  if (context_.once()) {
    throw ytpipe::FatalError("the daily API quota is exhausted (403 quotaExceeded); it resets at " +
                             when);
  }
  if (reported_reset_ != reset) {
    reported_reset_ = reset;
    context_.log().error("daily API quota exhausted (quotaExceeded): no calls until the reset at ",
                         when);
  }
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(reset - clock_());
  return ytpipe::NextCycle::after(std::max(wait, std::chrono::milliseconds(0)));
}

ytpipe::NextCycle YoutubeSource::plan_next(std::chrono::milliseconds elapsed,
                                           std::size_t distinct_videos) {
  std::int64_t playlists = 0;
  std::int64_t walk_pages = 0;
  for (const TrackedPlaylist& playlist : tracked_) {
    if (!playlist.id.empty() && !playlist.missing) {
      ++playlists;
      walk_pages += (playlist.item_count.value_or(0) + 49) / 50;
    }
  }
  const RefreshCost cost =
      estimate_cost(static_cast<std::int64_t>(distinct_videos), playlists, walk_pages,
                    settings_.interval, settings_.membership_interval);
  const std::chrono::milliseconds interval =
      budget_interval(cost.total(), settings_.daily_quota, settings_.interval);

  if (interval != settings_.interval && interval != reported_interval_) {
    reported_interval_ = interval;
    context_.log().warn("interval stretched to fit daily_quota ", settings_.daily_quota, ": ",
                        cost.total(), " units/refresh (", cost.videos_calls, " videos + ",
                        cost.playlists_calls, " playlists + ", cost.rewalk_calls,
                        " amortised playlistItems), requested interval ",
                        settings_.interval.count(), " ms, effective ", interval.count(), " ms");
  }
  return ytpipe::NextCycle::after(std::max(interval - elapsed, std::chrono::milliseconds(0)));
}

}  // namespace ytpipe::youtube
