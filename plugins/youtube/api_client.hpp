// Calls the API from a small pool of workers, each with its own keep-alive connection. Retries
// transient failures with jittered exponential backoff, counts every request against the quota,
// and stops calling once the quota is exhausted or the key is rejected.
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <ytpipe/sdk.hpp>

#include "http_client.hpp"
#include "quota_planner.hpp"
#include "response_parsing.hpp"

namespace ytpipe::youtube {

struct ApiSettings {
  Endpoint endpoint;
  std::string api_key;
  int concurrency = 8;
  std::chrono::milliseconds request_timeout{10'000};
  int max_retries = 4;
  std::string ca_file;
  std::chrono::milliseconds backoff_base{250};
  std::chrono::milliseconds backoff_cap{20'000};
};

struct ApiRequest {
  std::string resource;  // "videos", "playlistItems", "playlists", "channels"
  std::vector<std::pair<std::string, std::string>> params;
};

struct ApiReply {
  Poco::JSON::Object::Ptr body = {};   // set on success
  std::optional<ApiError> error = {};  // the API's verdict when it refused the call
  std::string failure = {};            // otherwise: why no usable answer came (retries exhausted)
  bool stopped = false;                // the pipeline is stopping; nothing more to do

  bool ok() const { return !body.isNull(); }
  bool is(ApiErrorKind kind) const { return error && error->kind == kind; }
  std::string describe() const { return error ? error->describe() : failure; }
};

// The value of every `key` parameter in a URL becomes `***`, so URLs can be logged.
std::string redact_key(std::string url);

// Every occurrence of `secret`, as is or URL-encoded, becomes `***`.
std::string mask_secret(std::string text, const std::string& secret);

class ApiClient {
 public:
  ApiClient(const ytpipe::Context& context, ApiSettings settings, QuotaTracker& quota);
  ~ApiClient();

  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Queues a call; `done` runs on a worker thread with the outcome, unless the client is
  // destroyed first. An urgent call goes ahead of those waiting (a playlist walk's next page is
  // on the refresh's critical path; statistics calls are not).
  void submit(ApiRequest request, std::function<void(ApiReply)> done, bool urgent = false);

  // Requests sent so far (each one a quota unit), failed ones included.
  std::int64_t calls() const { return calls_.load(); }

 private:
  struct Job {
    ApiRequest request;
    std::function<void(ApiReply)> done;
  };

  void work();
  ApiReply call(HttpClient& http, const ApiRequest& request);
  std::optional<ApiReply> refuse_early();
  ApiReply finish_refused(ApiError error);
  bool back_off(int attempt, const std::string& why, const std::string& logged_target);
  std::string target(const ApiRequest& request) const;

  const ytpipe::Context& context_;
  const ApiSettings settings_;
  QuotaTracker& quota_;
  Poco::Net::Context::Ptr tls_;
  std::atomic<std::int64_t> calls_{0};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::optional<ApiError> key_rejected_;
  std::vector<std::thread> workers_;
};

}  // namespace ytpipe::youtube
