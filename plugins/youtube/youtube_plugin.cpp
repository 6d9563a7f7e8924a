// Exports the YouTube Data API v3 source as the `youtube` plugin.
#include <ytpipe/sdk.hpp>

#include "source_config.hpp"
#include "youtube_source.hpp"

namespace {

const ytpipe::PluginInfo kInfo{
    .name = "youtube",
    .version = "0.1.0",
    .description = "statistics of YouTube playlists, channels and videos (Data API v3)",
    .config = ytpipe::youtube::config_keys(),
};

}  // namespace

YTPIPE_PLUGIN(ytpipe::youtube::YoutubeSource, kInfo)
