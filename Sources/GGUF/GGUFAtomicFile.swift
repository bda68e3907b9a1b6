#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that never leave a partly written file at the destination.
enum AtomicFile {
    /// Writes `bytes` to a new temporary file next to `path`, flushes it, and renames it over `path`.
    ///
    /// On any failure the temporary file is removed and `path` is left as it was.
    static func write(_ bytes: [UInt8], to path: String) throws(GGUFError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GGUFError(.io, "cannot create \(temporary): \(FileMapping.errorText(errno))")
        }
        var failure: GGUFError?
        var written = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = GGUFError(.io, "cannot write \(temporary): \(FileMapping.errorText(errno))")
                    return
                }
                written += result
            }
        }
        if failure == nil && fsync(fd) != 0 {
            failure = GGUFError(.io, "cannot flush \(temporary): \(FileMapping.errorText(errno))")
        }
        if close(fd) != 0 && failure == nil {
            failure = GGUFError(.io, "cannot close \(temporary): \(FileMapping.errorText(errno))")
        }
        if failure == nil && rename(temporary, path) != 0 {
            failure = GGUFError(.io, "cannot rename \(temporary) to \(path): \(FileMapping.errorText(errno))")
        }
        if let failure {
            _ = unlink(temporary)
            throw failure
        }
    }
}

/// The C library's write(2), named apart from `AtomicFile.write` which would shadow it.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
