import Foundation
import JSON
import JSONRPC

/// A `minosd` child process driven over raw pipes, with as little client overhead as possible so
/// the figures describe the daemon.
final class DaemonPipe {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var framer = MessageFramer(maxMessageBytes: 1 << 30)
    private var pending: [[UInt8]] = []
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    init(executable: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
    }

    var writeFD: Int32 { input.fileHandleForWriting.fileDescriptor }

    func write(_ bytes: [UInt8]) { writeAll(writeFD, bytes) }

    /// Blocks until `count` messages have arrived; returns them.
    func readMessages(_ count: Int) -> [[UInt8]] {
        let fd = output.fileHandleForReading.fileDescriptor
        while pending.count < count {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            framer.feed(chunk[0..<n]) { event in
                if case .message(let body) = event { pending.append(body) }
            }
        }
        let taken = Array(pending.prefix(count))
        pending.removeFirst(min(count, pending.count))
        return taken
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// The `minosd` to measure: an explicit path, `$MINOSD`, or the one built beside this binary.
func locateMinosd(_ explicit: String?) -> String {
    if let explicit { return explicit }
    if let env = ProcessInfo.processInfo.environment["MINOSD"], !env.isEmpty { return env }
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    return here.appendingPathComponent("minosd").path
}

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Writes every byte to `fd`, retrying short writes.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}
