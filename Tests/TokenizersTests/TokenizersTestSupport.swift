// Fixture loading for the tokenizer tests. The fixtures are tokenizers trained with Hugging Face
// `tokenizers` by scripts/make-tokenizer-fixtures.py, stored with the GGUF-style configuration and the
// ids HF produced for a list of inputs.

import Foundation
import Testing
import Tokenizers

struct Fixture: Decodable, Sendable {
    struct Config: Decodable, Sendable {
        var model: String
        var pre: String?
        var tokens: [String]
        var token_types: [Int32]?
        var merges: [String]?
        var scores: [Float]?
        var bos_id: Int32?
        var eos_id: Int32?
        var unknown_id: Int32?
        var add_bos: Bool
        var add_eos: Bool
        var add_space_prefix: Bool
    }

    struct Case: Decodable, Sendable {
        var text: String
        /// HF ids with special-token texts as plain text (`parseSpecial: false`), no BOS/EOS.
        var ids: [Int32]
        /// HF ids with added tokens recognised (`parseSpecial: true`), when they differ.
        var ids_special: [Int32]?
        /// Byte-level fixtures: the pre-tokenizer's pieces.
        var pieces: [String]?

        var idsWithSpecialParsing: [Int32] { ids_special ?? ids }
    }

    var name: String
    var tokenizers_version: String
    var config: Config
    var cases: [Case]

    var configuration: TokenizerConfiguration {
        TokenizerConfiguration(
            model: config.model, pre: config.pre, tokens: config.tokens, scores: config.scores,
            tokenTypes: config.token_types, merges: config.merges, bosID: config.bos_id, eosID: config.eos_id,
            unknownID: config.unknown_id, addBOS: config.add_bos, addEOS: config.add_eos,
            addSpacePrefix: config.add_space_prefix)
    }
}

enum Fixtures {
    static let names = ["gpt2", "llama3", "qwen2", "spm"]
    static let byteLevelNames = ["gpt2", "llama3", "qwen2"]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Loaded once per process.
    static let all: [String: (fixture: Fixture, tokenizer: Tokenizer)] = {
        var result: [String: (Fixture, Tokenizer)] = [:]
        for name in names {
            let url = directory.appendingPathComponent("\(name).json")
            do {
                let data = try Data(contentsOf: url)
                let fixture = try JSONDecoder().decode(Fixture.self, from: data)
                result[name] = (fixture, try Tokenizer(fixture.configuration))
            } catch {
                fatalError("cannot load fixture \(url.path): \(error)")
            }
        }
        return result
    }()

    static func fixture(_ name: String) -> Fixture { all[name]!.fixture }
    static func tokenizer(_ name: String) -> Tokenizer { all[name]!.tokenizer }
}

/// Nil when equal; otherwise a description of the first differing position.
func firstDifference(_ actual: [Int32], _ expected: [Int32], tokenizer: Tokenizer) -> String? {
    guard actual != expected else { return nil }
    let i = zip(actual, expected).prefix { $0 == $1 }.count
    func show(_ ids: [Int32]) -> String {
        let window = ids[i..<min(ids.count, i + 6)]
        return window.map { "\($0) \(String(reflecting: tokenizer.tokenText($0) ?? "?"))" }.joined(separator: ", ")
    }
    return "first difference at position \(i) (lengths \(actual.count) vs \(expected.count)):\n"
        + "  got      [\(show(actual))]\n  expected [\(show(expected))]"
}

/// A configuration derived from a fixture, for tests that need to change something.
func fixtureConfiguration(_ name: String, _ change: (inout TokenizerConfiguration) -> Void = { _ in })
    -> TokenizerConfiguration
{
    var c = Fixtures.fixture(name).configuration
    change(&c)
    return c
}
