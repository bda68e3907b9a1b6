import Foundation
import JSON
import TestSupport
import Testing

/// Exit is bounded: `exit` and a vanished client end the daemon promptly even while a long
/// generation runs, a shell pipe still gets its replies at end of input, and the store is closed
/// cleanly on every path.
@Suite("Exit (end to end)")
struct ExitTests {
    /// A model big enough that 3,000 tokens take far longer than the bounds below.
    private static func longModel() throws -> String {
        try syntheticModelPath { model in
            model.embeddingLength = 256
            model.feedForwardLength = 512
            model.blockCount = 4
            model.contextLength = 4096
        }
    }

    private static let longGeneration: [String: JSONValue] = ["model": "m", "prompt": "once upon a time", "maxTokens": 3000,
                                                               "temperature": 0, "ignoreEOS": true]

    private static func seconds(since start: Date) -> Double { Date().timeIntervalSince(start) }

    @Test("exit during a long generation ends the daemon within a second or so; the store is closed cleanly")
    func exitWhileBusy() throws {
        let store = temporaryStorePath()
        let d = try DaemonProcess(arguments: ["--db", store, "--no-handshake", "--threads", "2"])
        #expect(try d.call("model/load", ["path": .string(try Self.longModel()), "name": "m"])["result"] != nil)
        var params = Self.longGeneration
        params["partialResultToken"] = "p"
        let id = d.request("text/generate", .object(params))
        _ = try d.reply(matching: { $0["method"] == "$/progress" })   // generation is under way
        let start = Date()
        d.notify("exit")
        #expect(try d.waitForExit() == 1)   // exit without shutdown
        let elapsed = Self.seconds(since: start)
        #expect(elapsed < 3, "exit took \(elapsed) s")
        // The generation was cancelled, not run to its end.
        if let reply = try? d.reply(to: id, timeout: 1) { #expect(reply.errorCode == -32800, "\(reply)") }
        #expect(!FileManager.default.fileExists(atPath: store + "-wal"), "the store was not checkpointed and closed")
    }

    @Test("end of input with stdout closed too: in-flight work is cancelled and the daemon exits")
    func clientGone() throws {
        let store = temporaryStorePath()
        let d = try DaemonProcess(arguments: ["--db", store, "--no-handshake", "--threads", "2"], readsOutput: false)
        d.sendLine(["jsonrpc": "2.0", "id": 1, "method": "model/load", "params": ["path": .string(try Self.longModel()), "name": "m"]])
        #expect(try d.readMessageDirectly()["result"]?["name"] == "m")
        d.sendLine(["jsonrpc": "2.0", "id": 2, "method": "text/generate", "params": .object(Self.longGeneration)])
        usleep(300_000)
        let start = Date()
        d.closeOutput()
        d.closeInput()
        #expect(try d.waitForExit() == 0)
        let elapsed = Self.seconds(since: start)
        #expect(elapsed < 3, "exit took \(elapsed) s after the client went away")
        #expect(!FileManager.default.fileExists(atPath: store + "-wal"), "the store was not checkpointed and closed")
        #expect(try openStore(store).runCount() == 1)
    }

    @Test("20 start/stop cycles under a concurrent CPU load each exit cleanly and are recorded")
    func cyclesUnderLoad() throws {
        let store = temporaryStorePath()
        let stop = Flag()
        for _ in 0..<2 {
            Thread.detachNewThread {
                var x = 1.0
                while !stop.isSet { for _ in 0..<100_000 { x = x * 1.000001 + 1e-9 } }
                if x == 0 { print(x) }
            }
        }
        defer { stop.set() }
        var slowest = 0.0
        for _ in 0..<20 {
            let d = try DaemonProcess(arguments: ["--no-handshake", "--db", store])
            #expect(try d.call("daemon/ping")["result"] != nil)
            let start = Date()
            d.closeInput()
            #expect(try d.waitForExit() == 0)
            slowest = max(slowest, Self.seconds(since: start))
        }
        print("slowest exit after end of input: \(slowest) s")
        #expect(try openStore(store).runCount() == 20)
    }
}

/// A flag threads can poll.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
