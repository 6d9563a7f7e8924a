// The process exit codes of the command-line contract (sysexits.h values where one fits).
#pragma once

namespace ytpipe::host {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitRuntimeFailure = 1;
inline constexpr int kExitUsage = 64;          // EX_USAGE
inline constexpr int kExitUndelivered = 75;    // EX_TEMPFAIL: records remained undelivered
inline constexpr int kExitConfiguration = 78;  // EX_CONFIG: manifest, plugin config or plugin load

}  // namespace ytpipe::host
