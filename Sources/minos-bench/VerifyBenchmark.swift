import ArgumentParser
import Foundation
import JSON

/// `minos-bench verify`: rule-based answer checks per second through the daemon
/// (`verify/answerBatch`), for simple pairs and for expression pairs.
struct VerifyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Answer/reference pairs checked per second through minosd (verify/answerBatch).")

    @Option(help: "Path of minosd (default: $MINOSD, else the one beside minos-bench).")
    var minosd: String?

    @Option(help: "Pairs per batch.")
    var pairs = 20_000

    @Option(help: "Batches to time (after one warm-up).")
    var repeats = 5

    func run() throws {
        let executable = locateMinosd(minosd)
        let daemon = try DaemonPipe(executable: executable, arguments: ["--db", ":memory:", "--no-handshake", "--log-level", "error"])
        defer { daemon.close() }
        print("minos-bench verify: \(pairs) pairs per batch through \(executable)\n")
        print("pairs        pairs/s (min / median / max)")
        let simple: [JSONValue] = [
            ["solution": "The total is \\boxed{42}.", "reference": "42"],
            ["answer": "\\frac{1}{2}", "reference": "0.5"],
            ["solution": "She pays 3 * 4 = 12 dollars.\n#### 1,200", "reference": "1200"],
            ["answer": "50\\%", "reference": "0.5"],
            ["answer": "(B)", "reference": "B"],
            ["answer": "7", "reference": "8"],
        ]
        let expressions: [JSONValue] = [
            ["answer": "x^2-1", "reference": "(x-1)(x+1)"],
            ["answer": "\\frac{\\sqrt{3}}{2}", "reference": "\\frac{1}{2}\\sqrt{3}"],
            ["answer": "2x+1", "reference": "1+2x"],
            ["answer": "(1, 2]", "reference": "(1,2)"],
        ]
        for (name, kinds) in [("simple", simple), ("expression", expressions)] {
            let batch = (0..<pairs).map { kinds[$0 % kinds.count] }
            var rates: [Double] = []
            for round in 0...repeats {
                let body = (["jsonrpc": "2.0", "id": .int(Int64(round)), "method": "verify/answerBatch",
                             "params": ["pairs": .array(batch)]] as JSONValue).serialized()
                let start = monotonicNanoseconds()
                daemon.write(body + [UInt8(ascii: "\n")])
                // Keys are sorted, so a success reply starts {"id":N,"jsonrpc":"2.0","result":…; checking
                // that prefix keeps the client's own parsing of the large reply out of the figure.
                guard let reply = daemon.readMessages(1).first else { throw ValidationError("verify/answerBatch: no reply") }
                let elapsed = Double(monotonicNanoseconds() - start) / 1e9
                let head = String(decoding: reply.prefix(48), as: UTF8.self)
                guard head.hasPrefix("{\"id\":\(round),\"jsonrpc\":\"2.0\",\"result\"") else {
                    throw ValidationError("verify/answerBatch failed: \(head)…")
                }
                if round > 0 { rates.append(Double(pairs) / elapsed) }
            }
            rates.sort()
            print(name.padding(toLength: 13, withPad: " ", startingAt: 0)
                  + "\(Int(rates.first!)) / \(Int(rates[rates.count / 2])) / \(Int(rates.last!))")
        }
        print("\naim (issue #6): >= 100,000 simple pairs/s")
    }
}
