import JSON
import MinosProtocol
import TestSupport
import Testing

@Suite("Lifecycle (end to end)")
struct LifecycleTests {
    @Test("initialize returns server info, protocol version and every method")
    func initialize() throws {
        let daemon = try DaemonProcess()
        let reply = try daemon.call("initialize", ["processId": 1, "clientInfo": ["name": "t", "version": "1"]])
        let result = try #require(reply["result"])
        #expect(result["serverInfo"]?["name"] == "minosd")
        #expect(result["protocolVersion"]?.stringValue?.isEmpty == false)
        let methods = result["capabilities"]?["methods"]?.arrayValue?.compactMap(\.stringValue)
        #expect(methods == MethodRegistry.names)
        #expect(result["capabilities"]?["framings"] == ["content-length", "newline-delimited"])
    }

    @Test("requests before initialize get -32002; notifications are dropped")
    func beforeInitialize() throws {
        let daemon = try DaemonProcess()
        daemon.notify("initialized")
        #expect(try daemon.call("daemon/ping").errorCode == -32002)
        #expect(try daemon.call("daemon/status").errorCode == -32002)
        try daemon.initialize()
        #expect(try daemon.call("daemon/ping")["result"] != nil)
    }

    @Test("a second initialize is refused with -32600")
    func secondInitialize() throws {
        let daemon = try DaemonProcess()
        try daemon.initialize()
        #expect(try daemon.call("initialize").errorCode == -32600)
    }

    @Test("after shutdown requests get -32600 and exit ends with code 0")
    func shutdownThenExit() throws {
        let daemon = try DaemonProcess()
        try daemon.initialize()
        let shutdown = try daemon.call("shutdown")
        #expect(shutdown["result"] == .null)
        #expect(shutdown["error"] == nil)
        #expect(try daemon.call("daemon/ping").errorCode == -32600)
        daemon.notify("exit")
        #expect(try daemon.waitForExit() == 0)
    }

    @Test("exit without shutdown ends with code 1")
    func exitWithoutShutdown() throws {
        let daemon = try DaemonProcess()
        try daemon.initialize()
        daemon.notify("exit")
        #expect(try daemon.waitForExit() == 1)
    }

    @Test("exit before initialize is honoured too")
    func exitBeforeInitialize() throws {
        let daemon = try DaemonProcess()
        daemon.notify("exit")
        #expect(try daemon.waitForExit() == 1)
    }

    @Test("end of input answers what is in flight, then exits 0")
    func endOfInput() throws {
        let daemon = try DaemonProcess()
        try daemon.initialize()
        let id = daemon.request("daemon/sleep", ["milliseconds": 200])
        daemon.closeInput()
        #expect(try daemon.reply(to: id)["result"]?["sleptMilliseconds"] == 200)
        #expect(try daemon.waitForExit() == 0)
    }

    @Test("--no-handshake serves requests without initialize")
    func noHandshake() throws {
        let daemon = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake"])
        #expect(try daemon.call("daemon/ping", ["echo": 7])["result"]?["echo"] == 7)
    }

    @Test("SIGTERM cancels in-flight work, replies, records the run and exits 0")
    func sigterm() throws {
        let path = temporaryStorePath()
        let daemon = try DaemonProcess(arguments: ["--db", path])
        try daemon.initialize()
        let id = daemon.request("daemon/sleep", ["milliseconds": 60_000])
        #expect(try daemon.call("daemon/ping")["result"] != nil)  // the sleep is surely in flight now
        daemon.process.terminate()
        let reply = try daemon.reply(to: id)
        #expect(reply.errorCode == -32800)
        #expect(try daemon.waitForExit() == 0)
        let rows = try openStore(path).withDatabase { try $0.query("SELECT stopped_at, cancelled FROM daemon_runs") }
        #expect(rows.count == 1)
        #expect(rows.first?[0].real != nil)
        #expect(rows.first?[1].integer == 1)
    }

    @Test("stdout carries protocol bytes only, even with trace logging")
    func stdoutIsProtocolOnly() throws {
        let daemon = try DaemonProcess(arguments: ["--db", ":memory:", "--log-level", "trace"])
        try daemon.initialize()
        _ = try daemon.call("daemon/status")
        _ = try daemon.call("nope/nope")
        daemon.write("{broken")
        daemon.write("\r\n")
        daemon.closeInput()
        #expect(try daemon.waitForExit() == 0)
        // Re-frame everything written to stdout: every byte must belong to a well-formed message.
        var text = daemon.stdoutBytes[...]
        var count = 0
        while !text.isEmpty {
            let header = Array("Content-Length: ".utf8)
            #expect(Array(text.prefix(header.count)) == header, "stdout holds something other than a framed message")
            guard Array(text.prefix(header.count)) == header else { return }
            text = text.dropFirst(header.count)
            let digits = text.prefix { $0 >= 48 && $0 <= 57 }
            let length = Int(String(decoding: digits, as: UTF8.self))!
            text = text.dropFirst(digits.count + 4)
            #expect(throws: Never.self) { try JSONValue.parse(Array(text.prefix(length))) }
            text = text.dropFirst(length)
            count += 1
        }
        #expect(count == 4)
        #expect(daemon.stderrText.contains("trace") || daemon.stderrText.contains("debug"))
    }
}
