import JSON
import TestSupport
import Testing

/// Every kind of bad input gets its error, and the daemon serves the next message.
@Suite("Bad input (end to end)")
struct BadInputTests {
    /// Served in process: bad input is about the connection and the handlers, not the executable.
    private func daemon(maxMessageBytes: Int? = nil) throws -> InProcessDaemon {
        var configuration = InProcessDaemon.configuration()
        if let maxMessageBytes { configuration.maxMessageBytes = maxMessageBytes }
        return try InProcessDaemon(configuration)
    }

    private func expectStillServing(_ daemon: some DaemonClient, lineFramed: Bool = false) throws {
        let reply = try daemon.call("daemon/ping", ["echo": "still here"], lineFramed: lineFramed)
        #expect(reply["result"]?["echo"] == "still here")
    }

    private func framed(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    @Test("invalid JSON: -32700 with id null")
    func invalidJSON() throws {
        let d = try daemon()
        d.write(framed(Array(#"{"jsonrpc":"2.0","id":1,"method":"#.utf8)))
        let reply = try d.next()
        #expect(reply.errorCode == -32700)
        #expect(reply["id"] == .null)
        try expectStillServing(d)
    }

    @Test("valid JSON that is not a request: -32600", arguments: [
        "42", #""text""#, "null", #"{"id":1}"#, #"{"jsonrpc":"1.0","id":1,"method":"daemon/ping"}"#,
        #"{"jsonrpc":"2.0","id":1,"method":7}"#, #"{"jsonrpc":"2.0","id":[1],"method":"daemon/ping"}"#,
        #"{"jsonrpc":"2.0","id":{"a":1},"method":"daemon/ping"}"#,
    ])
    func notARequest(body: String) throws {
        let d = try daemon()
        d.write(framed(Array(body.utf8)))
        #expect(try d.next().errorCode == -32600)
        try expectStillServing(d)
    }

    @Test("unknown method: -32601")
    func unknownMethod() throws {
        let d = try daemon()
        let reply = try d.call("daemon/fly")
        #expect(reply.errorCode == -32601)
        #expect(reply["error"]?["message"]?.stringValue?.contains("daemon/fly") == true)
        try expectStillServing(d)
    }

    @Test("wrong or missing params: -32602 with the JSON path in data", arguments: [
        (#"{"milliseconds":"soon"}"#, "params.milliseconds"),
        (#"{}"#, "params.milliseconds"),
        (#"{"milliseconds":1.5}"#, "params.milliseconds"),
        (#"{"milliseconds":-1}"#, "params.milliseconds"),
        (#"{"milliseconds":10,"steps":0}"#, "params.steps"),
    ])
    func badParams(params: String, path: String) throws {
        let d = try daemon()
        let reply = try d.call("daemon/sleep", try JSONValue.parse(params))
        #expect(reply.errorCode == -32602)
        #expect(reply["error"]?["data"]?["path"] == .string(path))
        try expectStillServing(d)
    }

    @Test("params that are not an object or array: -32602")
    func scalarParams() throws {
        let d = try daemon()
        d.write(framed(Array(#"{"jsonrpc":"2.0","id":5,"method":"daemon/ping","params":3}"#.utf8)))
        let reply = try d.reply(to: 5)
        #expect(reply.errorCode == -32602)
        #expect(reply["error"]?["data"]?["path"] == "params")
        try expectStillServing(d)
    }

    @Test("params: null means no params, for requests and notifications")
    func nullParams() throws {
        let d = try DaemonProcess()
        d.write(framed(Array(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":null}"#.utf8)))
        #expect(try d.reply(to: 1)["result"] != nil)
        d.write(framed(Array(#"{"jsonrpc":"2.0","id":2,"method":"shutdown","params":null}"#.utf8)))
        #expect(try d.reply(to: 2)["error"] == nil)
        d.write(framed(Array(#"{"jsonrpc":"2.0","method":"exit","params":null}"#.utf8)))
        #expect(try d.waitForExit() == 0)
    }

    @Test("a nested field's path names the array position")
    func nestedPath() throws {
        let d = try DaemonProcess()
        let reply = try d.call("initialize", ["clientInfo": ["version": "1"]])
        #expect(reply.errorCode == -32602)
        #expect(reply["error"]?["data"]?["path"] == "params.clientInfo.name")
    }

    @Test("invalid UTF-8: -32700", arguments: [[0xC3, 0x28] as [UInt8], [0xFF], [0xED, 0xA0, 0x80]])
    func invalidUTF8(bad: [UInt8]) throws {
        let d = try daemon()
        let body = Array(#"{"jsonrpc":"2.0","id":1,"method":"daemon/ping","params":{"echo":""#.utf8) + bad + Array(#""}}"#.utf8)
        d.write(framed(body))
        #expect(try d.next().errorCode == -32700)
        try expectStillServing(d)
    }

    @Test("a header without Content-Length is skipped with an error")
    func missingContentLength() throws {
        let d = try daemon()
        d.write("Content-Type: application/json\r\n\r\n" + #"{"jsonrpc":"2.0","id":99,"method":"daemon/ping"}"#)
        let reply = try d.next()
        #expect(reply.errorCode == -32700)
        #expect(reply["error"]?["message"]?.stringValue?.contains("Content-Length") == true)
        try expectStillServing(d)
    }

    @Test("a non-numeric Content-Length is skipped with an error")
    func nonNumericContentLength() throws {
        let d = try daemon()
        d.write("Content-Length: twelve\r\n\r\n" + #"{"jsonrpc":"2.0","id":99,"method":"daemon/ping"}"#)
        #expect(try d.next().errorCode == -32700)
        try expectStillServing(d)
    }

    @Test("conflicting Content-Length headers, dripped byte by byte: -32700, and the next request is answered")
    func conflictingContentLength() throws {
        let d = try daemon()
        let bad = Array(("Content-Length: 5\r\nContent-Length: 7\r\n\r\n" + #"{"jsonrpc":"2.0","id":98,"method":"daemon/ping"}"#).utf8)
        let good = framed(Array(#"{"jsonrpc":"2.0","id":99,"method":"daemon/ping","params":{"echo":"after"}}"#.utf8))
        for byte in bad + good { d.write([byte]) }
        let error = try d.next()
        #expect(error.errorCode == -32700)
        #expect(error["error"]?["message"]?.stringValue?.contains("conflicting Content-Length") == true, "\(error)")
        let reply = try d.next()
        #expect(reply["id"] == 99)
        #expect(reply["result"]?["echo"] == "after")
        try expectStillServing(d)
    }

    @Test("a body shorter than its header at end of input: -32700, then a clean exit")
    func shortBody() throws {
        let d = try daemon()
        try expectStillServing(d)
        d.write("Content-Length: 100\r\n\r\n" + #"{"jsonrpc":"2.0","#)
        d.closeInput()
        let reply = try d.next()
        #expect(reply.errorCode == -32700)
        #expect(reply["error"]?["message"]?.stringValue?.contains("100") == true)
        #expect(try d.waitForExit() == 0)
    }

    @Test("a message over --max-message-bytes is refused before its body arrives")
    func tooLarge() throws {
        let d = try daemon(maxMessageBytes: 4096)
        let size = 2_000_000
        d.write("Content-Length: \(size)\r\n\r\n")
        // The refusal comes from the header alone: nothing of the body has been sent yet.
        let reply = try d.next()
        #expect(reply.errorCode == -32600)
        #expect(reply["error"]?["data"]?["size"] == .int(Int64(size)))
        d.write([UInt8](repeating: UInt8(ascii: "x"), count: size))
        try expectStillServing(d)
    }

    @Test("an over-long line is refused in newline-delimited framing")
    func tooLargeLine() throws {
        let d = try daemon(maxMessageBytes: 4096)
        let huge = #"{"jsonrpc":"2.0","id":1,"method":"daemon/ping","params":{"echo":""# + String(repeating: "z", count: 100_000) + "\"}}\n"
        d.write(huge)
        #expect(try d.next().errorCode == -32600)
        try expectStillServing(d, lineFramed: true)
    }

    @Test("deeply nested JSON is refused without a crash", arguments: [300, 100_000, 5_000_000])
    func deepNesting(depth: Int) throws {
        let d = try daemon()
        let body = #"{"jsonrpc":"2.0","id":1,"method":"daemon/ping","params":{"echo":"#
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}}"
        d.write(framed(Array(body.utf8)))
        #expect(try d.next().errorCode == -32700)
        try expectStillServing(d)
    }

    @Test("a duplicate id of a request in flight is refused; the original still replies")
    func duplicateID() throws {
        let d = try daemon()
        d.send(["jsonrpc": "2.0", "id": 7, "method": "daemon/sleep", "params": ["milliseconds": 300]])
        d.send(["jsonrpc": "2.0", "id": 7, "method": "daemon/ping"])
        let first = try d.next()
        #expect(first["id"] == 7)
        #expect(first.errorCode == -32600)
        #expect(first["error"]?["message"]?.stringValue?.contains("duplicate") == true)
        let second = try d.next()
        #expect(second["id"] == 7)
        #expect(second["result"]?["sleptMilliseconds"] == 300)
        // Once the first has replied its id may be used again.
        d.send(["jsonrpc": "2.0", "id": 7, "method": "daemon/ping", "params": ["echo": "reused"]])
        #expect(try d.next()["result"]?["echo"] == "reused")
    }

    @Test("a flood of garbage between good messages never stops the daemon")
    func garbageFlood() throws {
        let d = try daemon()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            let junk = (0..<Int.random(in: 1...500, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            d.write(framed(junk))
            let reply = try d.call("daemon/ping", ["echo": .int(Int64(round))])
            #expect(reply["result"]?["echo"] == .int(Int64(round)))
        }
    }
}
