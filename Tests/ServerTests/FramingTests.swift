import JSON
import TestSupport
import Testing

@Suite("Framing and batches (end to end)")
struct FramingTests {
    @Test("Content-Length framing with Content-Type and lower-case header names")
    func contentLength() throws {
        let daemon = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake"])
        let body = #"{"jsonrpc":"2.0","id":1,"method":"daemon/ping","params":{"echo":"é"}}"#
        daemon.write("content-length: \(body.utf8.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n\(body)")
        #expect(try daemon.reply(to: 1)["result"]?["echo"] == "é")
        // Replies use the same framing.
        #expect(daemon.stdoutBytes.starts(with: Array("Content-Length: ".utf8)))
    }

    @Test("newline-delimited JSON, replied in kind")
    func newlineDelimited() throws {
        let daemon = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake"])
        daemon.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon/ping\",\"params\":{\"echo\":1}}\n")
        daemon.write("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"daemon/ping\",\"params\":{\"echo\":2}}\r\n")
        #expect(try daemon.reply(to: 1)["result"]?["echo"] == 1)
        #expect(try daemon.reply(to: 2)["result"]?["echo"] == 2)
        daemon.closeInput()
        _ = try daemon.waitForExit()
        let text = String(decoding: daemon.stdoutBytes, as: UTF8.self)
        #expect(text.hasPrefix("{"))
        #expect(text.split(separator: "\n").count == 2)
    }

    @Test("a batch is answered as one array, notifications excluded")
    func batch() throws {
        let daemon = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake"])
        daemon.write(#"[{"jsonrpc":"2.0","id":1,"method":"daemon/ping","params":{"echo":"a"}},"#
            + #"{"jsonrpc":"2.0","method":"initialized"},"#
            + #"{"jsonrpc":"2.0","id":2,"method":"no/such"},"#
            + #"{"jsonrpc":"2.0","id":3,"method":"daemon/sleep","params":{"milliseconds":30}},"#
            + #"42]"# + "\n")
        let reply = try daemon.next()
        let elements = try #require(reply.arrayValue)
        #expect(elements.count == 4)
        let byID = Dictionary(elements.map { ($0["id"]!, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byID[1]?["result"]?["echo"] == "a")
        #expect(byID[2]?.errorCode == -32601)
        #expect(byID[3]?["result"]?["sleptMilliseconds"] == 30)
        #expect(byID[.null]?.errorCode == -32600)
    }

    @Test("a batch of notifications gets no reply; an empty batch gets -32600")
    func notificationBatch() throws {
        let daemon = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake"])
        daemon.write(#"[{"jsonrpc":"2.0","method":"initialized"}]"# + "\n[]\n")
        let reply = try daemon.next()
        #expect(reply.errorCode == -32600)
        #expect(reply["id"] == .null)
        #expect(try daemon.call("daemon/ping", lineFramed: true)["result"] != nil)
    }
}
