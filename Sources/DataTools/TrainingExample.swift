import Foundation
import JSON

/// One instruction-tuning example as a conversation, read from a JSONL line in Alpaca
/// (`{instruction, input, output}`) or ShareGPT (`{conversations: [{from, value}]}`) shape.
package struct TrainingExample: Sendable, Equatable {
    /// One turn: `from` is "human", "gpt" or "system" (ShareGPT's tags; "user"/"assistant" are mapped).
    package struct Turn: Sendable, Equatable {
        package var from: String
        package var value: String
        package init(from: String, value: String) {
            self.from = from
            self.value = value
        }
    }

    package var turns: [Turn]

    package init(turns: [Turn]) { self.turns = turns }

    /// An Alpaca example: the instruction (and the input on its own line when non-empty) from the
    /// human, the output from gpt.
    package init(instruction: String, input: String = "", output: String) {
        let prompt = input.isEmpty ? instruction : instruction + "\n" + input
        turns = [Turn(from: "human", value: prompt), Turn(from: "gpt", value: output)]
    }

    /// The text that is embedded: every turn's value, joined by newlines.
    package var text: String { turns.map(\.value).joined(separator: "\n") }

    /// `{"conversations": [{"from": …, "value": …}, …]}`, LLaMA-Factory's ShareGPT record.
    package var shareGPT: JSONValue {
        ["conversations": .array(turns.map { ["from": .string($0.from), "value": .string($0.value)] })]
    }
}

/// Reads JSONL files of training examples, deciding each line's shape on its own.
package enum ExampleReader {
    /// Every non-blank line of the file at `path` as an example; the first bad line throws
    /// `.badLine` naming its number.
    package static func read(path: String) throws(DataError) -> [TrainingExample] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .io("cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(data, path: path)
    }

    /// The examples in JSONL `data`; `path` only names the source in errors.
    package static func parse(_ data: Data, path: String) throws(DataError) -> [TrainingExample] {
        var examples: [TrainingExample] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            examples.append(try parseLine(line, path: path, line: lineNumber))
        }
        return examples
    }

    /// One line: ShareGPT when it has `conversations`, Alpaca when it has `instruction`.
    package static func parseLine(_ bytes: some Collection<UInt8>, path: String, line: Int) throws(DataError) -> TrainingExample {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            throw .badLine(path: path, line: line, message: "not JSON: \(error)")
        }
        guard case .object(let members) = value else {
            throw .badLine(path: path, line: line, message: "expected an object, got \(value.typeName)")
        }
        if let conversations = members["conversations"] {
            guard case .array(let items) = conversations, !items.isEmpty else {
                throw .badLine(path: path, line: line, message: "conversations must be a non-empty array")
            }
            var turns: [TrainingExample.Turn] = []
            for (i, item) in items.enumerated() {
                guard let from = item["from"]?.stringValue, let text = item["value"]?.stringValue else {
                    throw .badLine(path: path, line: line, message: "conversations[\(i)] needs string from and value")
                }
                let tag = switch from {
                case "user": "human"
                case "assistant": "gpt"
                default: from
                }
                turns.append(.init(from: tag, value: text))
            }
            return TrainingExample(turns: turns)
        }
        if let instruction = members["instruction"] {
            guard let instruction = instruction.stringValue, let output = members["output"]?.stringValue else {
                throw .badLine(path: path, line: line, message: "Alpaca needs string instruction and output")
            }
            let input = members["input"]?.stringValue ?? ""
            return TrainingExample(instruction: instruction, input: input, output: output)
        }
        throw .badLine(path: path, line: line, message: "neither ShareGPT (conversations) nor Alpaca (instruction, output)")
    }
}
