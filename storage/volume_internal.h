// storage/volume_internal.h — test-only access below the API: raw writes that
// bypass every rule, so tests can break a volume on purpose and see Fsck
// report it. Never used by production code.
#pragma once

#include <string>

#include "storage/result.h"
#include "storage/volume.h"

namespace rpuffs::storage::internal {

enum class Family { kMeta, kData };

// Puts/deletes one key exactly as given (keys.h documents the layout).
Status RawPut(Volume* volume, Family family, const std::string& key, const std::string& value);
Status RawDelete(Volume* volume, Family family, const std::string& key);
// Flushes both column families to table/blob files and compacts the data
// family fully, so block patches are folded into their (blob) blocks.
Status FlushAndCompact(Volume* volume);
// True if flushes and compactions write with O_DIRECT (db.h says when).
bool FlushesWithDirectIo(Volume* volume);

}  // namespace rpuffs::storage::internal
