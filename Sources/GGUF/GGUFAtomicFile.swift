#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that never leave a partly written file at the destination: GGUF files here,
/// saved KV-cache sessions in Engine (hence `package`).
package enum AtomicFile {
    /// The temporary file that `write(to:_:)` hands its body; bytes go straight to the file.
    package struct Output {
        let fd: Int32
        /// The temporary's path, for messages.
        let path: String

        /// Appends `bytes` to the file, retrying short writes and interruptions.
        package func write(_ bytes: UnsafeRawBufferPointer) throws(GGUFError) {
            guard var next = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let result = systemWrite(fd, next, left)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw GGUFError(.io, "cannot write \(path): \(FileMapping.errorText(errno))")
                }
                next += result
                left -= result
            }
        }

        /// Appends `bytes` to the file.
        package func write(_ bytes: [UInt8]) throws(GGUFError) {
            // Array.withUnsafeBytes rethrows untyped errors, hence the detour through `failure`.
            var failure: GGUFError?
            bytes.withUnsafeBytes { buffer in
                do throws(GGUFError) { try write(buffer) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Creates a new temporary file next to `path`, lets `body` write its contents, flushes it to
    /// disk, renames it over `path`, and flushes the directory so the rename survives a crash.
    ///
    /// When `body` or any step before the rename fails, the temporary file is removed and `path` is
    /// left as it was. A failure to flush the directory after the rename is reported too (the new
    /// file is in place but may not survive a power loss); file systems that cannot flush a
    /// directory (EINVAL) are taken as having nothing to flush.
    package static func write(to path: String, _ body: (Output) throws(GGUFError) -> Void) throws(GGUFError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GGUFError(.io, "cannot create \(temporary): \(FileMapping.errorText(errno))")
        }
        var failure: GGUFError?
        do {
            try body(Output(fd: fd, path: temporary))
        } catch {
            failure = error
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
        try syncDirectory(containing: path)
    }

    /// Writes `bytes` to `path` as `write(to:_:)` does.
    static func write(_ bytes: [UInt8], to path: String) throws(GGUFError) {
        try write(to: path) { output throws(GGUFError) in try output.write(bytes) }
    }

    /// Flushes the directory entry of `path` (its rename) to disk.
    private static func syncDirectory(containing path: String) throws(GGUFError) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw GGUFError(.io, "wrote \(path) but cannot open its directory to flush it: \(FileMapping.errorText(errno))")
        }
        defer { _ = close(fd) }
        if fsync(fd) != 0 && errno != EINVAL {
            throw GGUFError(.io, "wrote \(path) but cannot flush its directory: \(FileMapping.errorText(errno))")
        }
    }
}

/// The C library's write(2), named apart from `AtomicFile.Output.write` which would shadow it.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
