import JSON
import Testing

private struct Message: Codable, Equatable {
    struct Part: Codable, Equatable {
        var role: String
        var weight: Double?
    }
    var name: String
    var count: Int
    var flag: Bool?
    var parts: [Part]
    var extra: JSONValue?
}

@Suite("Codable bridge")
struct CodableBridgeTests {
    let decoder = JSONValueDecoder()
    let encoder = JSONValueEncoder()

    @Test("decodes nested structs, optionals and raw JSON")
    func decodes() throws {
        let value: JSONValue = [
            "name": "n", "count": 3, "flag": nil,
            "parts": [["role": "user"], ["role": "system", "weight": 2]],
            "extra": ["any": [1, "x"]],
        ]
        let message = try decoder.decode(Message.self, from: value)
        #expect(message == Message(name: "n", count: 3, flag: nil,
                                   parts: [.init(role: "user", weight: nil), .init(role: "system", weight: 2)],
                                   extra: ["any": [1, "x"]]))
    }

    @Test("encodes, omitting nil optionals, and round-trips")
    func encodes() throws {
        let message = Message(name: "n", count: 1, flag: true, parts: [.init(role: "r", weight: nil)], extra: nil)
        let value = try encoder.encode(message)
        #expect(value == ["name": "n", "count": 1, "flag": true, "parts": [["role": "r"]]])
        #expect(try decoder.decode(Message.self, from: value) == message)
    }

    @Test("a missing field is reported with its JSON path")
    func missingFieldPath() {
        let value: JSONValue = ["name": "n", "count": 1, "parts": [["role": "a"], ["weight": 1]]]
        #expect {
            try decoder.decode(Message.self, from: value, rootPath: "params")
        } throws: { error in
            let error = error as! JSONError
            return error.kind == .missingField && error.path == "params.parts[1].role"
        }
    }

    @Test("a wrong type is reported with its JSON path and both types")
    func wrongTypePath() {
        let value: JSONValue = ["name": "n", "count": "seven", "parts": []]
        #expect {
            try decoder.decode(Message.self, from: value, rootPath: "params")
        } throws: { error in
            let error = error as! JSONError
            return error.kind == .typeMismatch && error.path == "params.count"
                && error.message.contains("integer") && error.message.contains("string")
        }
    }

    @Test("integers must be whole and in range")
    func integerRange() throws {
        #expect(throws: JSONError.self) { try decoder.decode(Int8.self, from: 300) }
        #expect(throws: JSONError.self) { try decoder.decode(Int.self, from: 1.5) }
        #expect(try decoder.decode(Int.self, from: 2.0) == 2)
        #expect(throws: JSONError.self) { try decoder.decode(UInt.self, from: -1) }
    }

    @Test("non-finite doubles cannot be encoded")
    func nonFinite() {
        #expect(throws: JSONError.self) { try encoder.encode([Double.nan]) }
    }

    @Test("dictionaries and arrays of scalars")
    func collections() throws {
        let value = try encoder.encode(["a": [1, 2], "b": []])
        #expect(value == ["a": [1, 2], "b": []])
        #expect(try decoder.decode([String: [Int]].self, from: value) == ["a": [1, 2], "b": []])
    }
}
