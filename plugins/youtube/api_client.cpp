#include "api_client.hpp"

#include <Poco/Net/IPAddress.h>
#include <Poco/URI.h>

#include <algorithm>
#include <random>

namespace ytpipe::youtube {
namespace {

std::string encode(const std::string& value) {
  std::string encoded;
  Poco::URI::encode(value, "&=+#?/", encoded);
  return encoded;
}

// Decided from the name alone: resolving it here would be a DNS query the config did not ask for.
bool is_loopback(const std::string& host) {
  Poco::Net::IPAddress address;
  return host == "localhost" ||
         (Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback());
}

ApiError quota_block_error() {
  return {ApiErrorKind::QuotaExceeded, 403, "quotaExceeded",
          "daily quota exhausted earlier; waiting for the reset"};
}

}  // namespace

std::string redact_key(std::string url) {
  for (std::size_t at = url.find("key="); at != std::string::npos; at = url.find("key=", at)) {
    const bool starts_parameter = at == 0 || url[at - 1] == '?' || url[at - 1] == '&';
    const std::size_t value = at + 4;
    if (!starts_parameter) {
      at = value;
      continue;
    }
    const std::size_t end = std::min(url.find_first_of("&#", value), url.size());
    url.replace(value, end - value, "***");
    at = value;
  }
  return url;
}

std::string mask_secret(std::string text, const std::string& secret) {
  if (secret.empty()) {
    return text;
  }
  for (const std::string& form : {secret, encode(secret)}) {
    for (std::size_t at = text.find(form); at != std::string::npos; at = text.find(form, at + 3)) {
      text.replace(at, form.size(), "***");
    }
  }
  return text;
}

ApiClient::ApiClient(const ytpipe::Context& context, ApiSettings settings, QuotaTracker& quota)
    : context_(context), settings_(std::move(settings)), quota_(quota) {
  if (settings_.endpoint.https) {
    tls_ = make_tls_context(settings_.ca_file);
  } else if (!is_loopback(settings_.endpoint.host)) {
    context_.log().warn("api_base is plain http:// to ", settings_.endpoint.host,
                        ": the API key crosses the network unencrypted; use https://");
  }
  for (int i = 0; i < std::max(1, settings_.concurrency); ++i) {
    workers_.emplace_back([this] { work(); });
  }
}

ApiClient::~ApiClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) {
    worker.join();
  }
}

void ApiClient::submit(ApiRequest request, std::function<void(ApiReply)> done, bool urgent) {
  {
    std::lock_guard lock(mutex_);
    if (urgent) {
      jobs_.push_front({std::move(request), std::move(done)});
    } else {
      jobs_.push_back({std::move(request), std::move(done)});
    }
  }
  wake_.notify_one();
}

void ApiClient::work() {
  HttpClient http(settings_.endpoint, settings_.request_timeout, tls_);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) {
        return;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job.done(call(http, job.request));
  }
}

std::string ApiClient::target(const ApiRequest& request) const {
  std::string url = settings_.endpoint.base_path + "/" + request.resource + "?";
  for (const auto& [name, value] : request.params) {
    url += name + "=" + encode(value) + "&";
  }
  url += "prettyPrint=false&key=" + encode(settings_.api_key);
  return url;
}

std::optional<ApiReply> ApiClient::refuse_early() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return ApiReply{.stopped = true};
    }
    if (key_rejected_) {
      return ApiReply{.error = key_rejected_};
    }
  }
  if (quota_.blocked_until()) {
    return ApiReply{.error = quota_block_error()};
  }
  if (context_.stop_requested()) {
    return ApiReply{.stopped = true};
  }
  return std::nullopt;
}

ApiReply ApiClient::finish_refused(ApiError error) {
  error.message = mask_secret(std::move(error.message), settings_.api_key);
  if (error.kind == ApiErrorKind::BadKey) {
    std::lock_guard lock(mutex_);
    key_rejected_ = error;
  }
  if (error.kind == ApiErrorKind::QuotaExceeded) {
    quota_.block_until_reset();
  }
  return ApiReply{.error = std::move(error)};
}

ApiReply ApiClient::call(HttpClient& http, const ApiRequest& request) {
  const std::string url = target(request);
  const std::string logged = redact_key(url);
  for (int attempt = 0;; ++attempt) {
    if (std::optional<ApiReply> refused = refuse_early()) {
      return *refused;
    }

    quota_.spend(1);
    ++calls_;
    std::string why;
    try {
      const HttpResponse response = http.get(url);
      if (response.status / 100 == 2) {
        return ApiReply{.body = parse_json_object(response.body)};
      }
      ApiError error = parse_error(response.status, response.body);
      if (!error.retryable()) {
        return finish_refused(std::move(error));
      }
      why = error.describe();
    } catch (const CertificateError& e) {
      return ApiReply{.failure = "GET " + logged + " refused: " + e.what()};
    } catch (const TransportError& e) {
      why = e.what();
    } catch (const MalformedResponse& e) {
      why = std::string("malformed response: ") + e.what();
    }

    // The server wrote `why` (an error message, a body excerpt): it could quote the key back.
    why = mask_secret(std::move(why), settings_.api_key);
    if (attempt >= settings_.max_retries) {
      return ApiReply{.failure = "GET " + logged + " failed after " + std::to_string(attempt + 1) +
                                 " attempts; last: " + why};
    }
    if (!back_off(attempt, why, logged)) {
      return ApiReply{.stopped = true};
    }
  }
}

bool ApiClient::back_off(int attempt, const std::string& why, const std::string& logged_target) {
  thread_local std::mt19937 random(std::random_device{}());
  const auto ceiling = std::min(settings_.backoff_cap.count(), settings_.backoff_base.count()
                                                                   << std::min(attempt, 20));
  // "Equal jitter": at least half the step, so retries spread out yet still back off.
  std::uniform_int_distribution<std::int64_t> jitter(ceiling / 2,
                                                     std::max<std::int64_t>(ceiling, 1));
  const std::chrono::milliseconds delay(jitter(random));
  context_.log().debug("GET ", logged_target, ": ", why, "; retry ", attempt + 1, " of ",
                       settings_.max_retries, " in ", delay.count(), " ms");

  // Short slices so that destroying the client does not wait out a long backoff.
  for (auto left = delay; left.count() > 0; left -= std::chrono::milliseconds(100)) {
    if (!context_.wait(std::min(left, std::chrono::milliseconds(100)))) {
      return false;
    }
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return false;
    }
  }
  return true;
}

}  // namespace ytpipe::youtube
