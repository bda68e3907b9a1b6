import ArgumentParser
import Foundation
import JSON

/// `minos-bench rpc`: round-trip latency and pipelined throughput of `daemon/ping` through the
/// real daemon over pipes, in both framings.
struct RPCBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Round-trip latency (p50/p99) and pipelined throughput of a trivial method.")

    @Option(help: "Path of minosd (default: $MINOSD, else the one beside minos-bench).")
    var minosd: String?

    @Option(help: "Sequential round trips for the latency figures.")
    var roundTrips = 20_000

    @Option(help: "Requests sent back to back for the throughput figure.")
    var pipelined = 200_000

    @Option(help: "Repeats of the throughput run (median reported).")
    var repeats = 3

    func run() throws {
        let executable = locateMinosd(minosd)
        print("minos-bench rpc: daemon/ping through \(executable)")
        print("round trips: \(roundTrips) sequential; pipelined: \(pipelined) requests x \(repeats) runs\n")
        print(pad("framing", 20) + pad("p50 (µs)", 10) + pad("p99 (µs)", 10) + pad("mean (µs)", 11) + "pipelined req/s (min / median / max)")
        for framing in Framing.allCases {
            let latency = try measureLatency(executable, framing)
            var rates: [Double] = []
            for _ in 0..<repeats { rates.append(try measureThroughput(executable, framing)) }
            rates.sort()
            print(pad(framing.rawValue, 20) + pad(format(latency.p50), 10) + pad(format(latency.p99), 10)
                  + pad(format(latency.mean), 11)
                  + "\(Int(rates.first!)) / \(Int(rates[rates.count / 2])) / \(Int(rates.last!))")
        }
        print("\naims (issue #2): pipelined >= 50,000 req/s; p99 < 1,000 µs unloaded")
    }

    enum Framing: String, CaseIterable {
        case contentLength = "content-length"
        case newlineDelimited = "newline-delimited"

        func frame(_ body: [UInt8]) -> [UInt8] {
            switch self {
            case .contentLength: return Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
            case .newlineDelimited: return body + [UInt8(ascii: "\n")]
            }
        }
    }

    private func request(_ id: Int, _ framing: Framing) -> [UInt8] {
        framing.frame(Array(#"{"jsonrpc":"2.0","id":\#(id),"method":"daemon/ping","params":{"echo":\#(id)}}"#.utf8))
    }

    private func startDaemon(_ executable: String) throws -> DaemonPipe {
        try DaemonPipe(executable: executable, arguments: ["--db", ":memory:", "--no-handshake", "--log-level", "error"])
    }

    private func measureLatency(_ executable: String, _ framing: Framing) throws -> (p50: Double, p99: Double, mean: Double) {
        let daemon = try startDaemon(executable)
        defer { daemon.close() }
        // Warm up: first requests pay for thread and allocator start-up.
        for id in 0..<500 {
            daemon.write(request(id, framing))
            _ = daemon.readMessages(1)
        }
        var samples: [Double] = []
        samples.reserveCapacity(roundTrips)
        for id in 0..<roundTrips {
            let start = monotonicNanoseconds()
            daemon.write(request(id, framing))
            let reply = daemon.readMessages(1)
            samples.append(Double(monotonicNanoseconds() - start) / 1000)
            guard let body = reply.first, (try? JSONValue.parse(body))?["result"] != nil else {
                throw ValidationError("daemon did not answer request \(id)")
            }
        }
        samples.sort()
        return (samples[samples.count / 2], samples[Int(Double(samples.count) * 0.99)],
                samples.reduce(0, +) / Double(samples.count))
    }

    private func measureThroughput(_ executable: String, _ framing: Framing) throws -> Double {
        let daemon = try startDaemon(executable)
        defer { daemon.close() }
        var payload: [UInt8] = []
        for id in 0..<pipelined { payload += request(id, framing) }
        let count = pipelined
        let start = monotonicNanoseconds()
        // Write from another thread so neither side blocks on a full pipe.
        let fd = daemon.writeFD
        let bytes = payload
        let writer = Thread { writeAll(fd, bytes) }
        writer.start()
        let replies = daemon.readMessages(count)
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        guard replies.count == count else {
            throw ValidationError("expected \(count) replies, got \(replies.count)")
        }
        return Double(count) / seconds
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
