// Runs a loaded pipeline: sources feed sinks through a buffer bounded in bytes, each sink
// acknowledging what it made durable.
#pragma once

#include "pipeline_spec.hpp"

namespace ytpipe::host {

// Runs until every source has finished (with `once`: completed one cycle) and the sinks have
// drained, or until SIGINT/SIGTERM asks it to stop. Returns the process exit code
// (exit_codes.hpp).
int run_pipeline(const PipelineSpec& spec, bool once);

}  // namespace ytpipe::host
