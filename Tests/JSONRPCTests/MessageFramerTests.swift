import JSONRPC
import Testing

private func lsp(_ body: String, extraHeaders: String = "") -> [UInt8] {
    Array("Content-Length: \(body.utf8.count)\r\n\(extraHeaders)\r\n\(body)".utf8)
}

/// Feeds `input` in chunks of `chunkSize` bytes and collects every event, including the end's.
private func events(_ input: [UInt8], chunkSize: Int = .max, limit: Int = 1 << 20) -> [MessageFramer.Event] {
    var framer = MessageFramer(maxMessageBytes: limit)
    var events: [MessageFramer.Event] = []
    var offset = 0
    while offset < input.count {
        let end = min(input.count, offset + chunkSize)
        framer.feed(input[offset..<end]) { events.append($0) }
        offset = end
    }
    framer.finish { events.append($0) }
    return events.filter { if case .framingDetected = $0 { return false }; return true }
}

private func message(_ text: String) -> MessageFramer.Event { .message(Array(text.utf8)) }

@Suite("Message framing")
struct MessageFramerTests {
    @Test("reads Content-Length messages in any chunking", arguments: [1, 2, 3, 7, 64, Int.max])
    func contentLength(chunkSize: Int) {
        let input = lsp(#"{"a":1}"#) + lsp(#"{"b":"é"}"#, extraHeaders: "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n")
        #expect(events(input, chunkSize: chunkSize) == [message(#"{"a":1}"#), message(#"{"b":"é"}"#)])
    }

    @Test("header names are case-insensitive and unknown headers ignored")
    func caseInsensitive() {
        let input = Array("content-LENGTH:   2\r\nX-Thing: y\r\n\r\n{}".utf8)
        #expect(events(input) == [message("{}")])
    }

    @Test("detects newline-delimited JSON from a leading { or [", arguments: [1, 5, Int.max])
    func newlineDelimited(chunkSize: Int) {
        let input = Array("\n{\"a\":1}\r\n\n[1,2]\n  \n{\"c\":3}".utf8)
        #expect(events(input, chunkSize: chunkSize) == [message(#"{"a":1}"#), message("[1,2]"), message(#"{"c":3}"#)])
    }

    @Test("reports which framing it detected")
    func reportsFraming() {
        var framer = MessageFramer(maxMessageBytes: 100)
        var seen: [MessageFramer.Event] = []
        framer.feed(Array("[1]\n".utf8)) { seen.append($0) }
        #expect(seen.first == .framingDetected(.newlineDelimited))
        #expect(framer.framing == .newlineDelimited)
    }

    @Test("skips a header without Content-Length and finds the next message")
    func missingLength() {
        let input = Array("Content-Type: application/json\r\n\r\n{\"lost\":1}".utf8) + lsp(#"{"ok":1}"#)
        let seen = events(input, chunkSize: 3)
        #expect(seen.count == 2)
        if case .malformedHeader(let reason) = seen[0] { #expect(reason.contains("missing Content-Length")) }
        else { Issue.record("expected a malformed header, got \(seen[0])") }
        #expect(seen[1] == message(#"{"ok":1}"#))
    }

    @Test("skips a non-numeric Content-Length", arguments: ["abc", "-5", "12x", ""])
    func badLength(value: String) {
        let input = Array("Content-Length: \(value)\r\n\r\n{}".utf8) + lsp("[2]")
        let seen = events(input)
        #expect(seen.count == 2)
        if case .malformedHeader(let reason) = seen[0] { #expect(reason.contains("Content-Length")) }
        else { Issue.record("expected a malformed header, got \(seen[0])") }
        #expect(seen[1] == message("[2]"))
    }

    @Test("conflicting or duplicate Content-Length headers are refused and the next message is read",
          arguments: [(5, 7), (7, 5), (7, 7)], [1, 3, Int.max])
    func duplicateLength(lengths: (Int, Int), chunkSize: Int) {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"daemon/ping"}"#
        let input = Array("Content-Length: \(lengths.0)\r\nContent-Length: \(lengths.1)\r\n\r\n\(body)".utf8)
            + lsp(#"{"next":2}"#)
        let seen = events(input, chunkSize: chunkSize)
        #expect(seen.count == 2, "\(seen)")
        if case .malformedHeader(let reason) = seen.first {
            #expect(reason.contains(lengths.0 == lengths.1 ? "duplicate" : "conflicting"), "\(reason)")
        } else {
            Issue.record("expected a malformed header, got \(seen)")
        }
        #expect(seen.last == message(#"{"next":2}"#))
    }

    @Test("a bad header line with a usable length skips exactly that body")
    func badLineWithLength() {
        let input = Array("Content-Length: 7\r\nnonsense\r\n\r\n{\"x\":1}".utf8) + lsp("[3]")
        let seen = events(input, chunkSize: 2)
        #expect(seen.count == 2)
        #expect(seen[1] == message("[3]"))
    }

    @Test("refuses other charsets")
    func charset() {
        let input = lsp("{}", extraHeaders: "Content-Type: application/json; charset=latin1\r\n") + lsp("[1]")
        let seen = events(input)
        #expect(seen.count == 2)
        #expect(seen[1] == message("[1]"))
    }

    @Test("a body shorter than its header is reported at the end")
    func truncated() {
        let input = Array("Content-Length: 20\r\n\r\n{\"a\":".utf8)
        #expect(events(input, chunkSize: 4) == [.truncated(expected: 20, received: 5)])
    }

    @Test("a message over the limit is skipped without buffering it", arguments: [1, 1000, Int.max])
    func tooLargeLSP(chunkSize: Int) {
        let big = String(repeating: "x", count: 5000)
        let input = lsp(big) + lsp("{}")
        #expect(events(input, chunkSize: chunkSize, limit: 100) == [.tooLarge(size: 5000, limit: 100), message("{}")])
    }

    @Test("the limit is reported as soon as the header is read")
    func tooLargeEarly() {
        var framer = MessageFramer(maxMessageBytes: 100)
        var seen: [MessageFramer.Event] = []
        framer.feed(Array("Content-Length: 999999999\r\n\r\n".utf8)) { seen.append($0) }
        #expect(seen.contains(.tooLarge(size: 999_999_999, limit: 100)))
    }

    @Test("an over-long line is skipped in newline-delimited framing", arguments: [1, 64, Int.max])
    func tooLargeLine(chunkSize: Int) {
        let input = Array(("{\"a\":\"" + String(repeating: "y", count: 3000) + "\"}\n{\"ok\":1}\n").utf8)
        let seen = events(input, chunkSize: chunkSize, limit: 100)
        #expect(seen.count == 2)
        if case .tooLarge = seen[0] {} else { Issue.record("expected tooLarge, got \(seen[0])") }
        #expect(seen[1] == message(#"{"ok":1}"#))
    }

    @Test("a final line without a newline is still a message")
    func finalLine() {
        #expect(events(Array("{\"a\":1}".utf8)) == [message(#"{"a":1}"#)])
    }

    @Test("an endless header section is cut off", arguments: [4096, Int.max])
    func endlessHeader(chunkSize: Int) {
        let input = Array((String(repeating: "X", count: MessageFramer.maxHeaderBytes + 10) + "\r\n").utf8) + lsp("{}")
        let seen = events(input, chunkSize: chunkSize)
        #expect(seen.first.map { if case .malformedHeader = $0 { return true }; return false } == true)
        #expect(seen.last == message("{}"))
    }
}
