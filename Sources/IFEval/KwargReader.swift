import JSON

extension IFEval {
    /// A comparison between a measured count and a threshold, as the reference spells it.
    enum Relation: Sendable, Equatable {
        case lessThan
        case atLeast

        /// `less than`: actual < threshold; `at least`: actual >= threshold.
        @inline(__always)
        func holds(_ actual: Int, _ threshold: Int) -> Bool {
            self == .lessThan ? actual < threshold : actual >= threshold
        }

        var phrase: String { self == .lessThan ? "less than" : "at least" }
    }

    /// Reads and validates the keyword arguments of one instruction.
    ///
    /// `null` values count as absent. Names not accepted by the instruction are rejected up front so that
    /// a misspelt name is reported as such rather than as a missing argument.
    struct KwargReader {
        let id: RuleID
        private let values: [String: JSONValue]

        init(id: RuleID, kwargs: [String: JSONValue]) throws(InstructionError) {
            self.id = id
            var kept: [String: JSONValue] = [:]
            let allowed = id.argumentNames
            for (name, value) in kwargs where value != .null {
                guard allowed.contains(name) else {
                    let expected = allowed.isEmpty ? "it takes no arguments" : "expected " + allowed.joined(separator: ", ")
                    throw InstructionError(
                        instructionID: id.rawValue, argument: name,
                        message: "\(id.rawValue): unknown argument '\(name)' (\(expected))")
                }
                kept[name] = value
            }
            values = kept
        }

        func fail(_ name: String, _ problem: String) -> InstructionError {
            InstructionError(
                instructionID: id.rawValue, argument: name, message: "\(id.rawValue): argument '\(name)' \(problem)")
        }

        private func required(_ name: String) throws(InstructionError) -> JSONValue {
            guard let v = values[name] else { throw fail(name, "is required") }
            return v
        }

        /// An integer argument (a JSON integer, or a number with no fractional part), at least `minimum`.
        func int(_ name: String, minimum: Int? = 0) throws(InstructionError) -> Int {
            let v = try required(name)
            switch v {
            case .int, .double:
                guard let i = v.intValue, let n = Int(exactly: i) else {
                    throw fail(name, "must be an integer, got a number with a fraction or out of range")
                }
                if let minimum, n < minimum { throw fail(name, "must be at least \(minimum), got \(n)") }
                return n
            default:
                throw fail(name, "must be an integer, got \(v.typeName)")
            }
        }

        /// A string argument; `strip` removes surrounding whitespace first (as the reference does for
        /// several arguments). Empty strings are rejected.
        func string(_ name: String, strip: Bool) throws(InstructionError) -> String {
            let v = try required(name)
            guard let s = v.stringValue else { throw fail(name, "must be a string, got \(v.typeName)") }
            let result = strip ? Self.pythonStrip(s) : s
            if result.isEmpty { throw fail(name, "must not be empty") }
            return result
        }

        /// A non-empty array of non-empty strings.
        func stringList(_ name: String) throws(InstructionError) -> [String] {
            let v = try required(name)
            guard let items = v.arrayValue else { throw fail(name, "must be an array of strings, got \(v.typeName)") }
            if items.isEmpty { throw fail(name, "must not be an empty array") }
            var out: [String] = []
            for (k, item) in items.enumerated() {
                guard let s = item.stringValue else {
                    throw fail(name, "must be an array of strings; element \(k) is \(item.typeName)")
                }
                if s.isEmpty { throw fail(name, "must not contain empty strings (element \(k))") }
                out.append(s)
            }
            return out
        }

        /// `less than` or `at least`.
        func relation(_ name: String) throws(InstructionError) -> Relation {
            let v = try required(name)
            guard let s = v.stringValue else { throw fail(name, "must be a string, got \(v.typeName)") }
            switch s {
            case "less than": return .lessThan
            case "at least": return .atLeast
            default: throw fail(name, "must be \"less than\" or \"at least\", got \"\(s)\"")
            }
        }

        /// Python's `str.strip()` on a Swift string.
        static func pythonStrip(_ s: String) -> String {
            Scan.withBytes(s) { b in
                let r = Scan.strip(b, 0..<b.count)
                return String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
            }
        }
    }
}
