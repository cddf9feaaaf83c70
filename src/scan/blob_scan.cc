#include "blob_scan.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "git_handles.h"
#include "pack_order.h"
#include "pack_reader.h"

namespace keyward {
namespace {

// Reads blobs stored whole in a pack straight from the mapped pack, with one inflate
// stream and one buffer reused for every blob (libgit2 sets up zlib, allocates, caches and
// verifies a checksum per object); deltas and loose objects still go through libgit2.
class WholeBlobReader {
 public:
  WholeBlobReader() { ok_ = inflateInit(&zs_) == Z_OK; }
  ~WholeBlobReader() {
    if (ok_) inflateEnd(&zs_);
  }
  WholeBlobReader(const WholeBlobReader&) = delete;
  WholeBlobReader& operator=(const WholeBlobReader&) = delete;

  // The blob's bytes, valid until the next call; nullopt: read it through libgit2.
  std::optional<std::string_view> read(const PackIndexes::Whole& w) {
    if (!ok_ || w.type != GIT_OBJECT_BLOB || w.zavail < 2 || w.size > UINT_MAX) return std::nullopt;
    const unsigned char* z = w.zdata;
    // The zlib stream with its adler32 check: the object hash is not verified (as git does
    // not on reads), so this checksum is what tells a flipped byte from content. A stored
    // (uncompressed) block has no other check at all.
    size_t size = static_cast<size_t>(w.size);
    char* dst;
    if (size > kKeep) {
      big_.reset(new char[size]);  // a huge blob is not kept for the rest of the scan
      dst = big_.get();
    } else {
      if (buf_.size() < size) buf_.resize(std::max(size, buf_.size() * 2));
      dst = buf_.data();
    }
    inflateReset(&zs_);
    zs_.next_in = const_cast<Bytef*>(z);
    zs_.avail_in = static_cast<uInt>(std::min<size_t>(w.zavail, UINT_MAX));
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(size);
    int rc = ::inflate(&zs_, Z_FINISH);
    if (rc != Z_STREAM_END || zs_.total_out != size) return std::nullopt;
    return std::string_view(dst, size);
  }
  void release() { big_.reset(); }

 private:
  static constexpr size_t kKeep = size_t(8) << 20;
  z_stream zs_{};
  bool ok_ = false;
  std::vector<char> buf_;
  std::unique_ptr<char[]> big_;
};

// The object database as the driver's store: jobs sorted into pack order, blobs stored
// whole read from the mapped pack, the rest (deltas, loose objects) through libgit2.
class OdbStore final : public BlobStore {
 public:
  OdbStore(PackIndexes packs, OdbPtr odb, bool by_path, size_t max_blob_bytes)
      : packs_(std::move(packs)), odb_(std::move(odb)), by_path_(by_path), max_blob_bytes_(max_blob_bytes) {}

  void order(std::vector<DriverJob>& chunk) const override {
    if (!packs_.packs()) return;
    for (auto& j : chunk) {
      PackPosition pos = packs_.find(j.id);
      j.pack = pos.pack;
      j.offset = pos.offset;
    }
    std::sort(chunk.begin(), chunk.end(), [](const DriverJob& a, const DriverJob& b) {
      return std::tie(a.pack, a.offset, a.tag) < std::tie(b.pack, b.offset, b.tag);
    });
  }

  std::string describe(const DriverJob& job) const override {
    if (by_path_) return fmt::format("'{}'", job.path);
    return fmt::format("blob {} ({})", oid_hex(job.id), job.path);
  }

  Result<std::unique_ptr<BlobReader>> reader() const override;

  const PackIndexes& packs() const { return packs_; }
  // One object database for every worker: libgit2's git_odb is thread-safe, and a handle
  // reopened from the path would miss what the caller's has (GIT_OBJECT_DIRECTORY,
  // GIT_ALTERNATE_OBJECT_DIRECTORIES).
  git_odb* odb() const { return odb_.get(); }
  size_t max_blob_bytes() const { return max_blob_bytes_; }

 private:
  PackIndexes packs_;
  OdbPtr odb_;
  bool by_path_;
  size_t max_blob_bytes_;
};

class OdbReader final : public BlobReader {
 public:
  explicit OdbReader(const OdbStore& store) : store_(store), deltas_(store.packs(), kDeltaCache) {}

  BlobRead read(const DriverJob& job, ByteBudget& budget) override {
    BlobRead out;
    PackPosition pos{job.pack, job.offset};
    PackIndexes::Whole whole;
    if (store_.packs().whole(pos, &whole) && whole.type == GIT_OBJECT_BLOB) {
      size_t size = static_cast<size_t>(whole.size);
      if (size > store_.max_blob_bytes()) return oversized(size);
      budget.acquire(size);
      if (auto data = whole_reader_.read(whole)) {
        held_ = size;
        out.data = *data;
        return out;
      }
      budget.release(size);
    } else if (job.pack != UINT32_MAX) {
      // A delta in a mapped pack: resolved here, with a small cache of bases (blobs come
      // in pack order, a base just before its deltas), not by libgit2, whose own index
      // and pack windows would hold the same pages a second time. Anything this cannot
      // read goes to libgit2 below, which reads it or says what is wrong with it.
      uint64_t size = 0;
      if (deltas_.size_at(pos, &size)) {
        if (size > store_.max_blob_bytes()) return oversized(static_cast<size_t>(size));
        budget.acquire(static_cast<size_t>(size));
        git_object_t type = GIT_OBJECT_INVALID;
        auto data = deltas_.read(job.id, &type);
        if (data && type == GIT_OBJECT_BLOB && data->size() == size) {
          delta_ = std::move(data);
          held_ = static_cast<size_t>(size);
          out.data = *delta_;
          return out;
        }
        budget.release(static_cast<size_t>(size));
      }
    }
    git_odb* odb = store_.odb();
    size_t size = 0;
    git_object_t type;
    // Not read: absent, or present but unreadable (libgit2's message says why, and is
    // read on this thread, where it was set).
    auto unread = [&](int rc) {
      BlobRead u;
      u.kind = rc == GIT_ENOTFOUND ? BlobRead::Kind::Missing : BlobRead::Kind::Corrupt;
      if (rc != GIT_ENOTFOUND) u.why = git_error_text();
      return u;
    };
    int rc = git_odb_read_header(&size, &type, odb, &job.id);
    if (rc != 0) {
      // A repack may have replaced the pack under us: look again before calling it missing.
      git_odb_refresh(odb);
      rc = git_odb_read_header(&size, &type, odb, &job.id);
    }
    if (rc != 0) return unread(rc);
    if (size > store_.max_blob_bytes()) return oversized(size);
    budget.acquire(size);
    git_odb_object* raw_obj = nullptr;
    rc = git_odb_read(&raw_obj, odb, &job.id);
    if (rc != 0) {
      git_odb_refresh(odb);
      rc = git_odb_read(&raw_obj, odb, &job.id);
    }
    if (rc != 0) {
      budget.release(size);
      return unread(rc);
    }
    obj_.reset(raw_obj);
    held_ = size;
    out.data = std::string_view(static_cast<const char*>(git_odb_object_data(obj_.get())),
                                git_odb_object_size(obj_.get()));
    return out;
  }

  void release(ByteBudget& budget) override {
    whole_reader_.release();
    obj_.reset();
    delta_.reset();
    budget.release(held_);
    held_ = 0;
  }

 private:
  static BlobRead oversized(size_t size) {
    BlobRead o;
    o.kind = BlobRead::Kind::Oversized;
    o.size = size;
    return o;
  }
  // Bases of blob deltas: read in pack order, a base comes just before its deltas.
  static constexpr size_t kDeltaCache = size_t(8) << 20;
  const OdbStore& store_;
  WholeBlobReader whole_reader_;
  PackObjectReader deltas_;
  PackObjectReader::Data delta_;
  OdbObjectPtr obj_;
  size_t held_ = 0;
};

Result<std::unique_ptr<BlobReader>> OdbStore::reader() const {
  return std::unique_ptr<BlobReader>(std::make_unique<OdbReader>(*this));
}

Result<std::unique_ptr<OdbStore>> open_store(git_repository* repo, const BlobScanOptions& opts) {
  PackIndexes packs;
  // The caller's mappings when it has them (a history walk reads trees from the same
  // packs): each pack's pages and index are then held once, not twice.
  if (opts.pack_order)
    packs = opts.packs ? opts.packs->share() : PackIndexes::open(git_repository_commondir(repo) + std::string("objects"));
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) != 0) return Error{"cannot open the object database: " + git_error_text()};
  return std::make_unique<OdbStore>(std::move(packs), OdbPtr(raw_odb), opts.name_by_path, opts.max_blob_bytes);
}

// The history walk's feed, in the driver's terms.
class Feed final : public BlobFeed {
 public:
  explicit Feed(JobSink& sink) : sink_(sink) {}
  void add(const git_oid& id, std::string_view path, size_t tag) override {
    DriverJob j;
    j.tag = tag;
    j.path = std::string(path);
    j.id = id;
    sink_.add(std::move(j));
  }

 private:
  JobSink& sink_;
};

}  // namespace

Result<BlobScanResult> scan_blobs(git_repository* repo, const std::vector<BlobJob>& jobs, const Scanner& scanner,
                                  const BlobScanOptions& opts) {
  auto store = open_store(repo, opts);
  if (!store) return Error{store.error()};
  return drive_scan(**store, scanner, opts, driver_threads(opts, std::max<size_t>(jobs.size(), 1)), [&](JobSink& sink) -> Status {
    Feed feed(sink);
    for (size_t i = 0; i < jobs.size(); ++i) feed.add(jobs[i].id, jobs[i].path, i);
    return std::nullopt;
  });
}

Result<BlobScanResult> scan_blob_stream(git_repository* repo, const Scanner& scanner, const BlobScanOptions& opts,
                                        const std::function<Status(BlobFeed&)>& producer) {
  auto store = open_store(repo, opts);
  if (!store) return Error{store.error()};
  return drive_scan(**store, scanner, opts, driver_threads(opts, 0), [&](JobSink& sink) -> Status {
    Feed feed(sink);
    return producer(feed);
  });
}

}  // namespace keyward
