#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only, private memory mappings of whole files, and the system-error text for messages.
enum FileMapping {
    /// Opens `path`, checks it is a non-empty regular file, and maps it read-only (MAP_PRIVATE).
    ///
    /// The descriptor is closed before returning; the mapping stays valid until `unmap`.
    static func map(path: String) throws(GGUFError) -> UnsafeRawBufferPointer {
        // O_NONBLOCK so that opening a FIFO does not wait for a writer; it has no effect on the
        // reads and mapping of a regular file.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw GGUFError(.io, "cannot open \(path): \(errorText(errno))")
        }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw GGUFError(.io, "cannot stat \(path): \(errorText(errno))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError(.notRegularFile, "\(path) is \(kindName(info.st_mode)), not a regular file")
        }
        guard info.st_size > 0 else {
            throw GGUFError(.emptyFile, "\(path) is empty (0 bytes), not a GGUF file", offset: 0)
        }
        guard let size = Int(exactly: info.st_size) else {
            throw GGUFError(.io, "\(path) is too large to map (\(info.st_size) bytes)")
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw GGUFError(.io, "cannot map \(path) (\(size) bytes): \(errorText(errno))")
        }
        return UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Unmaps a region returned by `map`.
    static func unmap(_ region: UnsafeRawBufferPointer) {
        guard let base = region.baseAddress else { return }
        _ = munmap(UnsafeMutableRawPointer(mutating: base), region.count)
    }

    /// The C library's text for an errno value.
    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text) + " (errno \(code))"
    }

    /// "a directory", "a character device", … for messages.
    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file (mode \(String(mode, radix: 8)))"
        }
    }
}
