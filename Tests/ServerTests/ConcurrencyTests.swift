import JSON
import TestSupport
import Testing

@Suite("Concurrency, cancellation and progress (end to end)")
struct ConcurrencyTests {
    @Test("a slow request does not hold up a fast one")
    func slowDoesNotBlockFast() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        try d.initialize()
        let slow = d.request("daemon/sleep", ["milliseconds": 3000])
        let fast = d.request("daemon/ping", ["echo": "fast"])
        let first = try d.next()
        #expect(first["id"] == .int(fast))
        #expect(try d.reply(to: slow)["result"] != nil)
    }

    @Test("$/cancelRequest makes the target reply -32800 before its work would finish")
    func cancel() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        try d.initialize()
        let sleeping = d.request("daemon/sleep", ["milliseconds": 600_000])
        d.notify("$/cancelRequest", ["id": .int(sleeping)])
        let reply = try d.reply(to: sleeping, timeout: 30)
        #expect(reply.errorCode == -32800)
        let status = try d.call("daemon/status")
        #expect(status["result"]?["requests"]?["cancelled"] == 1)
        #expect(status["result"]?["requests"]?["inFlight"] == 1)  // the status request itself
    }

    @Test("cancelling an unknown id is harmless")
    func cancelUnknown() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        try d.initialize()
        d.notify("$/cancelRequest", ["id": 12345])
        d.notify("$/cancelRequest", ["id": "nope"])
        #expect(try d.call("daemon/ping")["result"] != nil)
    }

    @Test("every request gets exactly one reply under concurrent load")
    func exactlyOneReply() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        try d.initialize()
        var ids: [Int64] = []
        for index in 0..<200 {
            if index % 3 == 0 {
                ids.append(d.request("daemon/sleep", ["milliseconds": .int(Int64(index % 7))]))
            } else {
                ids.append(d.request("daemon/ping", ["echo": .int(Int64(index))]))
            }
            if index % 10 == 5 { d.notify("$/cancelRequest", ["id": .int(ids[index - 2])]) }
        }
        var seen: [Int64: Int] = [:]
        for _ in ids {
            let reply = try d.next()
            seen[reply["id"]!.intValue!, default: 0] += 1
        }
        #expect(Set(seen.keys) == Set(ids))
        #expect(seen.values.allSatisfy { $0 == 1 })
        d.closeInput()
        #expect(try d.waitForExit() == 0)
        #expect(throws: DaemonProcess.Failure.self) { try d.next(timeout: 1) }  // nothing extra
    }

    @Test("work-done progress: begin, reports, end, then the reply")
    func progress() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        try d.initialize()
        let id = d.request("daemon/sleep", ["milliseconds": 40, "steps": 4, "workDoneToken": "tok"])
        var kinds: [String] = []
        var percentages: [Int64] = []
        while true {
            let message = try d.next()
            if message["id"] == .int(id) {
                #expect(message["result"]?["sleptMilliseconds"] == 40)
                break
            }
            #expect(message["method"] == "$/progress")
            #expect(message["params"]?["token"] == "tok")
            kinds.append(message["params"]?["value"]?["kind"]?.stringValue ?? "?")
            if let p = message["params"]?["value"]?["percentage"]?.intValue { percentages.append(p) }
        }
        #expect(kinds == ["begin", "report", "report", "report", "report", "end"])
        #expect(percentages == [0, 25, 50, 75, 100])
    }

    @Test("no progress about a request follows its reply, even when cancelled mid-report")
    func noProgressAfterCancel() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        try d.initialize()
        for round in 0..<20 {
            let token = JSONValue.string("t\(round)")
            let id = d.request("daemon/sleep", ["milliseconds": 2000, "steps": 1000, "workDoneToken": token])
            _ = try d.reply(matching: { $0["params"]?["token"] == token })  // begin: it is running
            d.notify("$/cancelRequest", ["id": .int(id)])
            var answered = false
            let fence = d.request("daemon/ping")
            while true {
                let message = try d.next()
                if message["id"] == .int(id) { answered = true; continue }
                if message["id"] == .int(fence) { break }
                if message["params"]?["token"] == token {
                    #expect(!answered, "a $/progress for request \(id) arrived after its reply")
                }
            }
            #expect(answered)
        }
    }

    @Test("no progress without a workDoneToken")
    func noProgressWithoutToken() throws {
        let d = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        try d.initialize()
        let id = d.request("daemon/sleep", ["milliseconds": 10, "steps": 3])
        #expect(try d.next()["id"] == .int(id))
    }
}
