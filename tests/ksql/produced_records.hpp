// Produces real schema v1 records the way a user would: the bundled YouTube API simulator, the
// ytpipe host, the youtube source and the file sink, run once.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ytpipe::ksql {

struct PipelineParts {
  std::filesystem::path host;        // the ytpipe executable
  std::filesystem::path simulator;   // the youtube-simulator executable
  std::filesystem::path plugin_dir;  // where ytpipe-youtube.so and ytpipe-file.so are
};

// Starts the simulator on a free port with one playlist of `playlist_size` entries, runs
// `ytpipe run MANIFEST --once` (youtube source -> file sink) in `work_dir`, stops the simulator
// and returns the lines of the file the sink wrote, one record value each. Throws
// std::runtime_error with the host's log when a step fails or takes longer than a minute.
std::vector<std::string> produce_video_records(const PipelineParts& parts,
                                               const std::filesystem::path& work_dir,
                                               int playlist_size);

}  // namespace ytpipe::ksql
