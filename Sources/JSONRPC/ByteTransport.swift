import Foundation
import Synchronization

/// The bytes a `Connection` reads and writes: a pair of file descriptors (stdio, for minosd) or an
/// in-memory pipe pair (for serving a client in the same process, as tests do).
public protocol ByteTransport: Sendable {
    /// Reads up to `buffer.count` bytes, blocking until some arrive: the count, 0 at end of input,
    /// or -1 when reading failed (with `errno` set).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// Writes every byte, blocking as needed; false when the other side can take no more.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool
    /// True when nobody can read what is written any more (the client closed its end).
    var peerGone: Bool { get }
}

/// Reads one descriptor and writes another.
public struct FileDescriptorTransport: ByteTransport {
    public let input: Int32
    public let output: Int32

    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = Glibc.read(input, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            return count
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(output, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// A pipe whose reader closed it reports an error or hang-up to poll() without anything written.
    public var peerGone: Bool {
        var entry = pollfd(fd: output, events: 0, revents: 0)
        guard poll(&entry, 1, 0) == 1 else { return false }
        return entry.revents & Int16(POLLERR | POLLHUP) != 0
    }
}

/// One end of an in-memory, unbounded pipe pair: what one end writes, the other reads.
public final class InMemoryTransport: ByteTransport, @unchecked Sendable {
    /// One direction of the pair. `condition` guards `bytes`, `writerClosed` and `readerClosed`.
    private final class Channel: @unchecked Sendable {
        let condition = NSCondition()
        var bytes: [UInt8] = []
        var writerClosed = false
        var readerClosed = false
    }

    private let inbound: Channel
    private let outbound: Channel

    private init(inbound: Channel, outbound: Channel) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Two connected ends: the server's and the client's.
    public static func pair() -> (server: InMemoryTransport, client: InMemoryTransport) {
        let toServer = Channel(), toClient = Channel()
        return (InMemoryTransport(inbound: toServer, outbound: toClient), InMemoryTransport(inbound: toClient, outbound: toServer))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let channel = inbound
        channel.condition.lock()
        defer { channel.condition.unlock() }
        while channel.bytes.isEmpty && !channel.writerClosed && !channel.readerClosed { channel.condition.wait() }
        if channel.bytes.isEmpty { return 0 }
        let count = min(buffer.count, channel.bytes.count)
        channel.bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
        channel.bytes.removeFirst(count)
        return count
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let channel = outbound
        channel.condition.lock()
        defer { channel.condition.unlock() }
        guard !channel.readerClosed, !channel.writerClosed else { return false }
        channel.bytes.append(contentsOf: bytes)
        channel.condition.broadcast()
        return true
    }

    public var peerGone: Bool {
        outbound.condition.lock()
        defer { outbound.condition.unlock() }
        return outbound.readerClosed
    }

    /// Ends what this end writes: the other end reads the rest, then end of input.
    public func closeOutput() {
        outbound.condition.lock()
        outbound.writerClosed = true
        outbound.condition.broadcast()
        outbound.condition.unlock()
    }

    /// Stops reading: pending and later bytes are dropped, a blocked `read` returns 0, and the
    /// other end sees `peerGone`.
    public func closeInput() {
        inbound.condition.lock()
        inbound.readerClosed = true
        inbound.bytes.removeAll()
        inbound.condition.broadcast()
        inbound.condition.unlock()
    }
}
