// ytpipe: the command-line entry point. The logic lives in cli.cpp and the host library.
#include <exception>
#include <iostream>

#include "cli.hpp"
#include "exit_codes.hpp"
#include "log.hpp"
#include "pipeline.hpp"
#include "plugin_trust.hpp"

namespace {

using ytpipe::host::CommandLine;

int run(const std::filesystem::path& manifest, bool once) {
  const std::optional<ytpipe::host::PipelineSpec> spec =
      ytpipe::host::load_for_command(manifest, std::cerr);
  if (!spec) {
    return ytpipe::host::kExitConfiguration;
  }
  return ytpipe::host::run_pipeline(*spec, once);
}

int dispatch(const CommandLine& line) {
  ytpipe::host::allow_untrusted_plugins(line.allow_untrusted_plugins);

  switch (line.command) {
    case CommandLine::Command::Run:
      return run(line.manifest, line.once);
    case CommandLine::Command::Check:
      return ytpipe::host::check_command(line.manifest, std::cout, std::cerr);
    case CommandLine::Command::Plugins:
      return ytpipe::host::plugins_command(line.plugin_dir, std::cout);
    case CommandLine::Command::Help:
      std::cout << ytpipe::host::usage_text();
      return ytpipe::host::kExitSuccess;
    case CommandLine::Command::Version:
      std::cout << ytpipe::host::version_text();
      return ytpipe::host::kExitSuccess;
  }
  return ytpipe::host::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = ytpipe::host::parse_command_line({argv + 1, argv + argc});
  if (const auto* error = std::get_if<ytpipe::host::UsageError>(&parsed)) {
    std::cerr << error->message << "\n\n" << ytpipe::host::usage_text();
    return ytpipe::host::kExitUsage;
  }

  try {
    return dispatch(std::get<CommandLine>(parsed));
  } catch (const std::exception& error) {
    ytpipe::host::Log::error("host", "stopped by an unexpected error: ", error.what());
    return ytpipe::host::kExitRuntimeFailure;
  }
}
