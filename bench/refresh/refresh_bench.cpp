// Measures what one refresh of a 5,000-video playlist costs in wall time and quota units:
// ytpipe's youtube source (first refresh and steady state) against a naive poller that walks
// the playlist and asks videos.list for one video per call, both against the API simulator with
// 50 ms latency per response.
//
//   refresh_bench [--videos N] [--latency-ms N] [--concurrency N]
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
const std::string kPlaylist = "PLrefreshBenchmark0001";

struct Options {
  int videos = 5000;
  int latency_ms = 50;
  int concurrency = 8;
};

struct Measurement {
  double seconds = 0;
  std::int64_t units = 0;
};

Poco::JSON::Object::Ptr get_json(std::uint16_t port, const std::string& path) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

class Simulator {
 public:
  explicit Simulator(const Options& options) {
    Poco::Pipe out;
    const std::vector<std::string> args = {
        "--port",        "0",
        "--playlist",    kPlaylist + "=" + std::to_string(options.videos),
        "--latency-ms",  std::to_string(options.latency_ms),
        "--daily-quota", "100000000"};
    process_.emplace(Poco::Process::launch(YTPIPE_SIMULATOR, args, nullptr, &out, nullptr));
    Poco::PipeInputStream in(out);
    std::string line;
    std::getline(in, line);
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  }

  ~Simulator() {
    Poco::Process::requestTermination(process_->id());
    process_->wait();
  }

  std::uint16_t port() const { return port_; }
  std::int64_t units() const {
    return get_json(port_, "/_sim/stats")->getValue<std::int64_t>("units_total");
  }

 private:
  std::optional<Poco::ProcessHandle> process_;
  std::uint16_t port_ = 0;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "refresh: ... N API calls, N units spent, L units left today, M ms" lines, in order.
std::vector<Measurement> logged_refreshes(const std::string& log) {
  static const std::regex kLine(R"(refresh: .* (\d+) units spent, .* (\d+) ms)");
  std::vector<Measurement> found;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kLine); it != std::sregex_iterator();
       ++it) {
    found.push_back({std::stod((*it)[2]) / 1000.0, std::stoll((*it)[1])});
  }
  return found;
}

// Runs ytpipe until it logged three refreshes: the first and two steady ones.
std::vector<Measurement> measure_ytpipe(const Simulator& simulator, const Options& options) {
  const std::filesystem::path dir = Poco::TemporaryFile::tempName("/tmp/ytpipe-refresh-bench");
  std::filesystem::create_directories(dir);
  {
    std::ofstream manifest(dir / "manifest.toml");
    manifest << "[host]\nplugin_dirs = [\"" << YTPIPE_PLUGIN_DIR << "\"]\n\n"
             << "[[source]]\nname = \"bench\"\nplugin = \"youtube\"\n[source.config]\n"
             << "api_key = \"sim-key\"\n"
             << "api_base = \"http://127.0.0.1:" << simulator.port() << "/youtube/v3\"\n"
             << "playlists = [\"" << kPlaylist << "\"]\n"
             << "interval = \"2s\"\ndaily_quota = 100000000\n"
             << "concurrency = " << options.concurrency << "\n\n"
             << "[[sink]]\nname = \"out\"\nplugin = \"file\"\n[sink.config]\n"
             << "path = \"" << (dir / "out.jsonl").string() << "\"\n";
  }
  const std::vector<std::string> args = {"-c", "exec \"$0\" run \"$1\" 2>\"$2\"", YTPIPE_HOST,
                                         (dir / "manifest.toml").string(),
                                         (dir / "host.log").string()};
  Poco::ProcessHandle host = Poco::Process::launch("/bin/sh", args);

  std::vector<Measurement> refreshes;
  std::vector<std::int64_t> simulator_units;
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while (refreshes.size() < 3 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::vector<Measurement> now = logged_refreshes(read_file(dir / "host.log"));
    if (now.size() > simulator_units.size()) {
      simulator_units.push_back(simulator.units());
    }
    refreshes = now;
  }
  Poco::Process::requestTermination(host.id());
  host.wait();

  // The simulator's own count: what it billed between consecutive refresh lines.
  for (std::size_t i = 0; i < refreshes.size() && i < simulator_units.size(); ++i) {
    const std::int64_t billed = simulator_units[i] - (i == 0 ? 0 : simulator_units[i - 1]);
    if (billed != refreshes[i].units) {
      std::cerr << "note: refresh " << i + 1 << " logged " << refreshes[i].units
                << " units, the simulator billed " << billed << "\n";
    }
  }
  std::filesystem::remove_all(dir);
  return refreshes;
}

std::string fetch(Poco::Net::HTTPClientSession& session, const std::string& path) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  return body;
}

// Walks the playlist, then one videos.list call per video with `concurrency` in flight.
Measurement measure_naive(const Simulator& simulator, const Options& options) {
  const std::int64_t units_before = simulator.units();
  const auto started = Clock::now();

  std::vector<std::string> ids;
  Poco::Net::HTTPClientSession walker("127.0.0.1", simulator.port());
  std::string token;
  do {
    std::string path =
        "/youtube/v3/playlistItems?part=contentDetails&maxResults=50&key=sim-key"
        "&playlistId=" +
        kPlaylist;
    if (!token.empty()) {
      path += "&pageToken=" + token;
    }
    const auto page =
        Poco::JSON::Parser().parse(fetch(walker, path)).extract<Poco::JSON::Object::Ptr>();
    const auto items = page->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) {
      const auto details = items->getObject(static_cast<unsigned>(i))->getObject("contentDetails");
      if (details->has("videoPublishedAt")) {
        ids.push_back(details->getValue<std::string>("videoId"));
      }
    }
    token = page->has("nextPageToken") ? page->getValue<std::string>("nextPageToken") : "";
  } while (!token.empty());

  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < options.concurrency; ++w) {
    workers.emplace_back([&] {
      Poco::Net::HTTPClientSession session("127.0.0.1", simulator.port());
      for (std::size_t i = next++; i < ids.size(); i = next++) {
        fetch(session, "/youtube/v3/videos?part=snippet,statistics&key=sim-key&id=" + ids[i]);
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return {seconds, simulator.units() - units_before};
}

void print_row(const std::string& what, const Measurement& m) {
  std::cout << std::left << std::setw(28) << what << std::right << std::setw(10) << std::fixed
            << std::setprecision(2) << m.seconds << " s" << std::setw(10) << m.units << " units\n";
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const int value = std::stoi(argv[i + 1]);
    if (name == "--videos") {
      options.videos = value;
    } else if (name == "--latency-ms") {
      options.latency_ms = value;
    } else if (name == "--concurrency") {
      options.concurrency = value;
    } else {
      throw std::invalid_argument("unknown option " + name);
    }
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  std::cout << "playlist of " << options.videos << " entries, " << options.latency_ms
            << " ms latency, " << options.concurrency << " calls in flight\n";
  Simulator simulator(options);

  const std::vector<Measurement> ytpipe = measure_ytpipe(simulator, options);
  if (ytpipe.size() < 3) {
    std::cerr << "ytpipe logged only " << ytpipe.size() << " refreshes\n";
    return 1;
  }
  print_row("ytpipe first refresh", ytpipe[0]);
  print_row("ytpipe steady refresh", ytpipe[1]);
  print_row("ytpipe steady refresh", ytpipe[2]);
  print_row("naive poller, refresh 1", measure_naive(simulator, options));
  print_row("naive poller, refresh 2", measure_naive(simulator, options));
  return 0;
}
