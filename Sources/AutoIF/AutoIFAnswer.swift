import Foundation
import JSON

/// Reads AutoIF's answer objects — `{"func": "<python source>", "cases": [{"input": …, "output": …}]}` —
/// given as JSON or as a model's reply holding one (bare, or in a ```json fenced block).
public enum AutoIFAnswer {
    public struct Parsed: Sendable, Equatable {
        public var function: String
        public var cases: [VerificationCase]
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func parse(_ answer: JSONValue) throws(ParseError) -> Parsed {
        switch answer {
        case .object:
            return try parseObject(answer)
        case .string(let text):
            return try parseObject(try extractJSON(from: text))
        default:
            throw ParseError(message: "an answer must be an object or a model reply (string), not \(answer.typeName)")
        }
    }

    /// Finds the answer object in a reply: the first ```json (or bare ```) fence that parses as an
    /// object, else the outermost `{…}` span of the text.
    static func extractJSON(from text: String) throws(ParseError) -> JSONValue {
        var rest = Substring(text)
        while let open = rest.range(of: "```") {
            var body = rest[open.upperBound...]
            if let newline = body.firstIndex(of: "\n") {
                let tag = body[..<newline].trimmingCharacters(in: .whitespaces)
                if tag.isEmpty || tag.lowercased() == "json" { body = body[body.index(after: newline)...] }
            }
            guard let close = body.range(of: "```") else { break }
            if let value = try? JSONValue.parse(String(body[..<close.lowerBound])), case .object = value {
                return value
            }
            rest = body[close.upperBound...]
        }
        if let first = text.firstIndex(of: "{"), let last = text.lastIndex(of: "}"), first < last,
           let value = try? JSONValue.parse(String(text[first...last])), case .object = value {
            return value
        }
        throw ParseError(message: "no JSON answer object found in the reply")
    }

    private static func parseObject(_ value: JSONValue) throws(ParseError) -> Parsed {
        guard let function = value["func"]?.stringValue, !function.isEmpty else {
            throw ParseError(message: "the answer has no \"func\" string")
        }
        guard let rawCases = value["cases"]?.arrayValue else {
            throw ParseError(message: "the answer has no \"cases\" array")
        }
        var cases: [VerificationCase] = []
        for (index, raw) in rawCases.enumerated() {
            guard let input = raw["input"]?.stringValue else {
                throw ParseError(message: "cases[\(index)] has no \"input\" string")
            }
            guard let output = raw["output"].flatMap(boolean) else {
                throw ParseError(message: "cases[\(index)].output must be true or false")
            }
            cases.append(VerificationCase(input: input, output: output))
        }
        return Parsed(function: function, cases: cases)
    }

    /// AutoIF's generated cases sometimes spell booleans as strings.
    private static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let b): return b
        case .string(let s) where s.lowercased() == "true": return true
        case .string(let s) where s.lowercased() == "false": return false
        default: return nil
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = self
        while let first = s.first, set.contains(first) { s = s.dropFirst() }
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s)
    }
}

extension Set where Element == Character {
    fileprivate static let whitespaces: Set<Character> = [" ", "\t", "\r"]
}
