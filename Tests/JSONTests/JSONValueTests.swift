import JSON
import Testing

@Suite("JSONValue parsing and serialization")
struct JSONValueTests {
    @Test("parses every value type")
    func parsesEveryType() throws {
        let value = try JSONValue.parse(#"{"a":null,"b":true,"c":-12,"d":1.5,"e":"x\u00e9\n","f":[1,[2]],"g":{}}"#)
        #expect(value == [
            "a": nil, "b": true, "c": -12, "d": 1.5, "e": "xé\n", "f": [1, [2]], "g": [:],
        ])
    }

    @Test("accepts scalars at the top level")
    func scalarsAtTopLevel() throws {
        #expect(try JSONValue.parse("42") == 42)
        #expect(try JSONValue.parse(#""s""#) == "s")
        #expect(try JSONValue.parse("null") == nil)
    }

    @Test("keeps embedded NUL characters in strings")
    func embeddedNul() throws {
        #expect(try JSONValue.parse(#""a\u0000b""#) == .string("a\u{0}b"))
    }

    @Test("round-trips through serialization", arguments: [
        #"{"k":[1,2.25,"three",false,null,{"n":-9223372036854775808}]}"#,
        #"["\u2028 emoji 🎉 and CJK 漢字"]"#,
        #"0.1"#,
        #"1e300"#,
    ])
    func roundTrip(text: String) throws {
        let value = try JSONValue.parse(text)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test("serializes with sorted keys and no spaces")
    func sortedCompact() {
        let value: JSONValue = ["b": 1, "a": [true, nil], "c": "x"]
        #expect(value.serializedString() == #"{"a":[true,null],"b":1,"c":"x"}"#)
    }

    @Test("reports syntax errors with a position", arguments: ["{", "[1,]", #"{"a" 1}"#, "tru", "", "1 2"])
    func syntaxErrors(text: String) {
        #expect(throws: JSONError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.kind == .syntax)
            #expect(!error.message.isEmpty)
        }
    }

    @Test("refuses invalid UTF-8")
    func invalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONError.self) { try JSONValue.parse(bytes) }
    }

    @Test("refuses nesting deeper than the limit without overflowing the stack")
    func deepNesting() {
        let depth = 1_000_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        do {
            _ = try JSONValue.parse(text)
            Issue.record("a million levels of nesting was accepted")
        } catch {
            #expect(error.kind == .tooDeep)
        }
        let ok = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
    }

    @Test("brackets inside strings do not count as nesting")
    func bracketsInStrings() throws {
        let text = #"[""# + String(repeating: "[{\\\"", count: 5000) + #""]"#
        #expect(try JSONValue.parse(text).arrayValue?.count == 1)
    }

    @Test("pretty printing indents and ends with a newline")
    func pretty() {
        let text = (["a": [1]] as JSONValue).prettyPrinted()
        #expect(text == "{\n  \"a\": [\n    1\n  ]\n}\n")
    }
}
