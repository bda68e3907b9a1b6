/// Splits an input byte stream into JSON-RPC message bodies.
///
/// A pure state machine: feed it chunks of any size (one byte at a time works) and it emits
/// events. Two framings are understood, chosen from the first non-blank byte of the stream:
/// newline-delimited JSON when it is `{` or `[`, otherwise the LSP base protocol
/// (`Content-Length: N` headers, a blank line, then N bytes of body).
public struct MessageFramer: Sendable {
    public enum Framing: Sendable, Equatable {
        case contentLength
        case newlineDelimited
    }

    public enum Event: Sendable, Equatable {
        /// The stream's framing has been recognized (emitted once, before any message).
        case framingDetected(Framing)
        /// One complete message body.
        case message([UInt8])
        /// A header section that could not be used; the framer has skipped past it.
        case malformedHeader(String)
        /// A message larger than the limit, skipped without being buffered. `size` is the declared
        /// length when a header gave one.
        case tooLarge(size: Int?, limit: Int)
        /// The stream ended before a body was complete.
        case truncated(expected: Int, received: Int)
    }

    /// The longest header section accepted before the framer gives up on it and resynchronizes.
    public static let maxHeaderBytes = 64 * 1024

    public let maxMessageBytes: Int
    public private(set) var framing: Framing?

    private struct Header {
        var lines = 0
        var bytes = 0
        var contentLength: Int?
        var problem: String?
        /// The body's extent is unknown (several Content-Length headers): skip to the next header.
        var lengthUnknown = false
    }

    private enum State {
        case detecting
        case header(Header)
        case body(Int)
        case discard(Int)
        case resync
        case line(scanFrom: Int)
        case discardLine
    }

    private var state: State = .detecting
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Consumes a chunk, calling `emit` for each event it completes.
    public mutating func feed(_ chunk: some Collection<UInt8>, emit: (Event) -> Void) {
        buffer.append(contentsOf: chunk)
        process(emit: emit)
        if start > 0 {
            buffer.removeSubrange(0..<start)
            if case .line(let scanFrom) = state { state = .line(scanFrom: scanFrom - start) }
            start = 0
        }
    }

    /// Reports what the end of the stream leaves unfinished.
    public mutating func finish(emit: (Event) -> Void) {
        let available = buffer.count - start
        switch state {
        case .body(let expected):
            emit(.truncated(expected: expected, received: available))
        case .header(let header) where header.lines > 0 || available > 0:
            emit(.malformedHeader("input ended inside a message header"))
        case .line:
            let rest = buffer[start...]
            if rest.contains(where: { !isBlank($0) }) { emit(.message(trimmed(rest))) }
        default:
            break
        }
        buffer = []
        start = 0
        state = .detecting
    }

    private mutating func process(emit: (Event) -> Void) {
        while true {
            switch state {
            case .detecting:
                while start < buffer.count, isBlank(buffer[start]) { start += 1 }
                guard start < buffer.count else { return }
                if buffer[start] == UInt8(ascii: "{") || buffer[start] == UInt8(ascii: "[") {
                    framing = .newlineDelimited
                    state = .line(scanFrom: start)
                } else {
                    framing = .contentLength
                    state = .header(Header())
                }
                emit(.framingDetected(framing!))

            case .header(var header):
                guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                    if header.bytes + (buffer.count - start) > Self.maxHeaderBytes {
                        emit(.malformedHeader("header section exceeds \(Self.maxHeaderBytes) bytes"))
                        start = buffer.count
                        state = .resync
                        continue
                    }
                    state = .header(header)
                    return
                }
                var lineEnd = newline
                if lineEnd > start, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let line = buffer[start..<lineEnd]
                header.bytes += newline + 1 - start
                start = newline + 1
                if header.bytes > Self.maxHeaderBytes {
                    emit(.malformedHeader("header section exceeds \(Self.maxHeaderBytes) bytes"))
                    state = .resync
                } else if line.isEmpty {
                    if header.lines == 0 {
                        state = .header(header)  // blank lines between messages are harmless
                    } else {
                        endHeader(header, emit: emit)
                    }
                } else {
                    header.lines += 1
                    readHeaderLine(line, into: &header)
                    state = .header(header)
                }

            case .body(let length):
                guard buffer.count - start >= length else { return }
                emit(.message(Array(buffer[start..<start + length])))
                start += length
                state = .header(Header())

            case .discard(let remaining):
                let take = min(remaining, buffer.count - start)
                start += take
                if take == remaining {
                    state = .header(Header())
                } else {
                    state = .discard(remaining - take)
                    return
                }

            case .resync:
                // After a header without a usable length the body's extent is unknown: skip to the
                // next thing that looks like a Content-Length header.
                if let match = findContentLength() {
                    start = match
                    state = .header(Header())
                } else {
                    start = max(start, buffer.count - (contentLengthName.count - 1))
                    return
                }

            case .line(let scanFrom):
                guard let newline = buffer[scanFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
                    if buffer.count - start > maxMessageBytes {
                        emit(.tooLarge(size: nil, limit: maxMessageBytes))
                        start = buffer.count
                        state = .discardLine
                    } else {
                        state = .line(scanFrom: buffer.count)
                    }
                    return
                }
                let line = buffer[start..<newline]
                start = newline + 1
                state = .line(scanFrom: start)
                if line.count > maxMessageBytes {
                    emit(.tooLarge(size: line.count, limit: maxMessageBytes))
                } else if line.contains(where: { !isBlank($0) }) {
                    emit(.message(trimmed(line)))
                }

            case .discardLine:
                guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                    start = buffer.count
                    return
                }
                start = newline + 1
                state = .line(scanFrom: start)
            }
        }
    }

    private mutating func endHeader(_ header: Header, emit: (Event) -> Void) {
        if let problem = header.problem {
            emit(.malformedHeader(problem))
            if let length = header.contentLength, !header.lengthUnknown {
                state = .discard(length)
            } else {
                state = .resync
            }
        } else if let length = header.contentLength {
            if length > maxMessageBytes {
                emit(.tooLarge(size: length, limit: maxMessageBytes))
                state = .discard(length)
            } else {
                state = .body(length)
            }
        } else {
            emit(.malformedHeader("missing Content-Length header"))
            state = .resync
        }
    }

    private func readHeaderLine(_ line: ArraySlice<UInt8>, into header: inout Header) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            header.problem = header.problem ?? "header line without a colon: '\(printable(line))'"
            return
        }
        let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            .trimmingBlanks().lowercased()
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingBlanks()
        switch name {
        case "content-length":
            if let length = Int(value), length >= 0, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                if let earlier = header.contentLength {
                    // Which one frames the body is anyone's guess; trusting either could swallow
                    // the next message, so the header is refused and the framer resynchronizes.
                    header.problem = header.problem ?? (earlier == length
                        ? "duplicate Content-Length headers (\(length))"
                        : "conflicting Content-Length headers (\(earlier), then \(length))")
                    header.lengthUnknown = true
                }
                header.contentLength = length
            } else {
                header.problem = header.problem ?? "Content-Length is not a non-negative integer: '\(value)'"
            }
        case "content-type":
            let lower = value.lowercased()
            if let range = lower.range(of: "charset=") {
                let charset = lower[range.upperBound...].prefix { $0 != ";" }
                    .trimmingCharacters(in: "\" ")
                if charset != "utf-8" && charset != "utf8" {
                    header.problem = header.problem ?? "unsupported charset '\(charset)'; only utf-8 is accepted"
                }
            }
        default:
            break  // unknown headers are ignored, as LSP asks
        }
    }

    private let contentLengthName = Array("content-length".utf8)

    private func findContentLength() -> Int? {
        let needle = contentLengthName
        guard buffer.count - start >= needle.count else { return nil }
        var index = start
        while index + needle.count <= buffer.count {
            var matched = true
            for offset in 0..<needle.count where buffer[index + offset] | 0x20 != needle[offset] {
                matched = false
                break
            }
            if matched { return index }
            index += 1
        }
        return nil
    }
}

private func isBlank(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

private func trimmed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var slice = bytes
    while let last = slice.last, isBlank(last) { slice = slice.dropLast() }
    return Array(slice)
}

private func printable(_ bytes: ArraySlice<UInt8>) -> String {
    String(String(decoding: bytes.prefix(80), as: UTF8.self).map { $0.isASCII && !$0.isNewline ? $0 : "?" })
}

extension String {
    fileprivate func trimmingBlanks() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }

    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let first = s.first, set.contains(first) { s = s.dropFirst() }
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
