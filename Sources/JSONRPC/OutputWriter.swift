import Foundation
import JSON

/// Writes framed messages to a transport from one dedicated thread.
///
/// Any thread may `send`; bytes queue in `pending` and the writer thread drains them in large
/// writes, so replies produced close together leave in one system call.
final class OutputWriter: @unchecked Sendable {
    private let transport: any ByteTransport
    /// Guards `pending`, `writing`, `closed` and `broken`. The writer thread waits on it for work;
    /// `flush` waits on it for the queue to drain.
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var writing = false
    private var closed = false
    private(set) var broken = false
    private var framing: MessageFramer.Framing = .contentLength

    init(transport: any ByteTransport) {
        self.transport = transport
        let thread = Thread { [unowned self] in self.drain() }
        thread.name = "minos-writer"
        thread.start()
    }

    /// The framing replies use; set once the input's framing is known.
    func setFraming(_ framing: MessageFramer.Framing) {
        condition.lock()
        self.framing = framing
        condition.unlock()
    }

    func send(_ message: JSONValue) {
        let body = message.serialized()
        condition.lock()
        defer { condition.unlock() }
        guard !closed, !broken else { return }
        switch framing {
        case .contentLength:
            pending.append(contentsOf: "Content-Length: \(body.count)\r\n\r\n".utf8)
            pending.append(contentsOf: body)
        case .newlineDelimited:
            pending.append(contentsOf: body)
            pending.append(UInt8(ascii: "\n"))
        }
        condition.broadcast()
    }

    /// True when nobody can read what is written any more: a write failed, or the transport says
    /// the reader went away (a pipe whose reader closed it) without anything being written.
    var peerGone: Bool {
        condition.lock()
        let failed = broken
        condition.unlock()
        return failed || transport.peerGone
    }

    /// Blocks until everything sent so far has been written (or the output has failed).
    func flush() {
        condition.lock()
        while (!pending.isEmpty || writing) && !broken { condition.wait() }
        condition.unlock()
    }

    /// Flushes, then stops the writer thread.
    func close() {
        flush()
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func drain() {
        var batch: [UInt8] = []
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty && closed {
                condition.unlock()
                return
            }
            swap(&batch, &pending)
            writing = true
            condition.unlock()

            let ok = writeAll(batch)
            batch.removeAll(keepingCapacity: true)

            condition.lock()
            writing = false
            if !ok {
                broken = true
                pending.removeAll()
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { transport.write($0) }
    }
}
