import ArgumentParser
import Foundation
import JSON

/// `minos-bench instructions`: IFEval instruction checks per second through the real daemon
/// (`instructions/checkBatch`), on a synthetic batch that uses every instruction type.
struct InstructionsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instructions",
        abstract: "IFEval instruction checks per second through minosd (instructions/checkBatch).")

    @Option(help: "Path of minosd (default: $MINOSD, else the one beside minos-bench).")
    var minosd: String?

    @Option(help: "Rows (responses) per batch.")
    var rows = 1000

    @Option(help: "Batches to time (after one warm-up batch).")
    var repeats = 10

    func run() throws {
        let executable = locateMinosd(minosd)
        let daemon = try DaemonPipe(executable: executable, arguments: ["--db", ":memory:", "--no-handshake", "--log-level", "error"])
        defer { daemon.close() }
        let batch = Self.makeRows(rows)
        let instructions = batch.reduce(0) { $0 + ($1["instructions"]?.arrayValue?.count ?? 0) }
        print("minos-bench instructions: \(rows) rows, \(instructions) instructions per batch (all 25 types), through \(executable)\n")
        print("mode     checks/batch   batches   checks/s (min / median / max)        rows/s (median)")
        for mode in ["strict", "both"] {
            var rates: [Double] = []
            var checksPerBatch = 0
            for round in 0...repeats {
                let body = (["jsonrpc": "2.0", "id": .int(Int64(round)), "method": "instructions/checkBatch",
                             "params": ["rows": .array(batch), "mode": .string(mode)]] as JSONValue).serialized()
                let start = monotonicNanoseconds()
                daemon.write(body + [UInt8(ascii: "\n")])
                guard let reply = daemon.readMessages(1).first.flatMap({ try? JSONValue.parse($0) }),
                      let checks = reply["result"]?["checks"]?.intValue else {
                    throw ValidationError("checkBatch failed")
                }
                let seconds = Double(monotonicNanoseconds() - start) / 1e9
                checksPerBatch = Int(checks)
                if round > 0 { rates.append(Double(checks) / seconds) }
            }
            rates.sort()
            let median = rates[rates.count / 2]
            print(mode.padding(toLength: 9, withPad: " ", startingAt: 0)
                  + "\(checksPerBatch)".padding(toLength: 15, withPad: " ", startingAt: 0)
                  + "\(repeats)".padding(toLength: 10, withPad: " ", startingAt: 0)
                  + "\(Int(rates.first!)) / \(Int(median)) / \(Int(rates.last!))".padding(toLength: 37, withPad: " ", startingAt: 0)
                  + "\(Int(median / Double(checksPerBatch) * Double(rows)))")
        }
        print("\naim (issue #3): >= 20,000 instruction checks/s through the daemon")
    }

    /// Deterministic rows: varied responses, each with one to three instructions of every type.
    static func makeRows(_ count: Int) -> [JSONValue] {
        let responses = [
            "Sure, here is my answer.\n\n*Title*\n\nThe quick brown fox jumps over the lazy dog. It was a sunny day, and the fox was happy.\n\nP.S. Thanks for asking.",
            "<<A Short Poem>>\n\nROSES ARE RED AND VIOLETS ARE BLUE. THIS IS ALL IN CAPITALS.",
            "* first point\n* second point\n* third point\n\nSECTION 1\nSome text here without commas at all\n\nSECTION 2\nMore text [placeholder] and [another].",
            "{\"answer\": \"json output\", \"value\": 42}",
            "\"my entire response is wrapped in double quotes and it is all lower case text\"",
            "first response here\n******\nsecond response here. Is there anything else I can help with?",
        ]
        let instructions: [JSONValue] = [
            ["id": "keywords:existence", "kwargs": ["keywords": ["fox", "day"]]],
            ["id": "keywords:frequency", "kwargs": ["keyword": "the", "frequency": 2, "relation": "at least"]],
            ["id": "keywords:forbidden_words", "kwargs": ["forbidden_words": ["cat", "mouse"]]],
            ["id": "keywords:letter_frequency", "kwargs": ["letter": "e", "let_frequency": 3, "let_relation": "at least"]],
            ["id": "language:response_language", "kwargs": ["language": "en"]],
            ["id": "length_constraints:number_sentences", "kwargs": ["num_sentences": 3, "relation": "less than"]],
            ["id": "length_constraints:number_paragraphs", "kwargs": ["num_paragraphs": 2]],
            ["id": "length_constraints:number_words", "kwargs": ["num_words": 10, "relation": "at least"]],
            ["id": "length_constraints:nth_paragraph_first_word", "kwargs": ["num_paragraphs": 2, "nth_paragraph": 1, "first_word": "sure"]],
            ["id": "detectable_content:number_placeholders", "kwargs": ["num_placeholders": 1]],
            ["id": "detectable_content:postscript", "kwargs": ["postscript_marker": "P.S."]],
            ["id": "detectable_format:number_bullet_lists", "kwargs": ["num_bullets": 3]],
            ["id": "detectable_format:constrained_response"],
            ["id": "detectable_format:number_highlighted_sections", "kwargs": ["num_highlights": 1]],
            ["id": "detectable_format:multiple_sections", "kwargs": ["section_spliter": "SECTION", "num_sections": 2]],
            ["id": "detectable_format:json_format"],
            ["id": "detectable_format:title"],
            ["id": "combination:two_responses"],
            ["id": "combination:repeat_prompt", "kwargs": ["prompt_to_repeat": "Sure, here is"]],
            ["id": "startend:end_checker", "kwargs": ["end_phrase": "Is there anything else I can help with?"]],
            ["id": "change_case:capital_word_frequency", "kwargs": ["capital_frequency": 3, "capital_relation": "at least"]],
            ["id": "change_case:english_capital"],
            ["id": "change_case:english_lowercase"],
            ["id": "punctuation:no_comma"],
            ["id": "startend:quotation"],
        ]
        return (0..<count).map { row in
            let picked = (0..<(1 + row % 3)).map { instructions[(row * 7 + $0 * 11) % instructions.count] }
            return ["response": .string(responses[row % responses.count]), "instructions": .array(picked)]
        }
    }
}
