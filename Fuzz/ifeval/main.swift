// Fuzz target: the IFEval checkers with generated keyword arguments. The input is read as a stream of
// choices: which instruction, strict or loose, then for each argument the instruction takes a value
// (an integer, a string, a list of strings, a relation or a language code, sometimes of the wrong type
// or absent, so validation is fuzzed too); the rest is the response. `prepare` may reject the
// arguments; a prepared instruction must give an outcome for any response.
import IFEval
import JSON

/// Argument names per instruction, as IFEval's reference takes them (`RuleID.argumentNames` is internal).
private let argumentNames: [String: [String]] = [
    "keywords:existence": ["keywords"],
    "keywords:frequency": ["keyword", "frequency", "relation"],
    "keywords:forbidden_words": ["forbidden_words"],
    "keywords:letter_frequency": ["letter", "let_frequency", "let_relation"],
    "language:response_language": ["language"],
    "length_constraints:number_sentences": ["num_sentences", "relation"],
    "length_constraints:number_paragraphs": ["num_paragraphs"],
    "length_constraints:number_words": ["num_words", "relation"],
    "length_constraints:nth_paragraph_first_word": ["num_paragraphs", "nth_paragraph", "first_word"],
    "detectable_content:number_placeholders": ["num_placeholders"],
    "detectable_content:postscript": ["postscript_marker"],
    "detectable_format:number_bullet_lists": ["num_bullets"],
    "detectable_format:number_highlighted_sections": ["num_highlights"],
    "detectable_format:multiple_sections": ["section_spliter", "num_sections"],
    "combination:repeat_prompt": ["prompt_to_repeat"],
    "startend:end_checker": ["end_phrase"],
    "change_case:capital_word_frequency": ["capital_frequency", "capital_relation"],
]

/// Reads choices off the front of the input.
private struct Choices {
    var bytes: ArraySlice<UInt8>

    mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }

    /// A short string: a length byte, then that many bytes (lossy UTF-8).
    mutating func string() -> String {
        let n = min(Int(byte() & 31), bytes.count)
        let s = String(decoding: bytes.prefix(n), as: UTF8.self)
        bytes = bytes.dropFirst(n)
        return s
    }

    mutating func value(for name: String) -> JSONValue? {
        let pick = byte()
        switch pick % 16 {
        case 0: return nil
        case 1: return .null
        case 2: return .int(Int64(Int8(bitPattern: byte())))
        case 3: return .double(Double(Int8(bitPattern: byte())) / 2)
        case 4: return .string(string())
        case 5: return .array((0..<Int(byte() % 4)).map { _ in .string(string()) })
        case 6: return .string(byte() & 1 == 0 ? "less than" : "at least")
        case 7: return .string(["en", "fr", "de", "ru", "ja", "zh", "ar", "hi", "xx"][Int(byte()) % 9])
        case 8: return .bool(byte() & 1 == 0)
        case 9: return .int(Int64(bitPattern: UInt64(byte()) << 56 | UInt64(byte())))
        default:
            // The type the argument usually has, with a small value.
            if name.hasPrefix("num_") || name.hasSuffix("frequency") || name == "nth_paragraph" {
                return .int(Int64(byte() % 12))
            }
            if name.hasSuffix("relation") { return .string(byte() & 1 == 0 ? "less than" : "at least") }
            if name == "keywords" || name == "forbidden_words" {
                return .array((0..<Int(byte() % 4)).map { _ in .string(string()) })
            }
            if name == "language" { return .string(["en", "fr", "de", "ru", "ja", "zh", "ar", "hi"][Int(byte()) % 8]) }
            return .string(string())
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIFEval(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var choices = Choices(bytes: ArraySlice(UnsafeBufferPointer(start: data, count: size)))
    let ids = IFEval.instructionIDs
    let id = ids[Int(choices.byte()) % ids.count]
    let mode: InstructionMode = choices.byte() & 1 == 0 ? .strict : .loose
    var kwargs: [String: JSONValue] = [:]
    for name in argumentNames[id] ?? [] {
        if let value = choices.value(for: name) { kwargs[name] = value }
    }
    if choices.byte() == 0xFF { kwargs["unexpected"] = .int(1) }
    let response = String(decoding: choices.bytes, as: UTF8.self)
    guard let instruction = try? IFEval.prepare(id: id, kwargs: kwargs) else { return 0 }
    let outcome = IFEval.check(instruction, response: response, mode: mode)
    precondition(outcome.id == id, "outcome for \(outcome.id), asked \(id)")
    return 0
}
