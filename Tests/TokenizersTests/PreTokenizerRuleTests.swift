// Every pre-tokenizer rule against Hugging Face `tokenizers` running the rule's regexes
// (Fixtures/pretokenizers, made by scripts/make-pretokenizer-fixtures.py), and every
// `tokenizer.ggml.pre` name of docs/pretokenizers.md against the rule the tokenizer reports.

import Foundation
import Testing
import Tokenizers

enum RuleFixtures {
    static let directory = Fixtures.directory.appendingPathComponent("pretokenizers")

    /// Fixture names: one per rule, named after it.
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    static let all: [String: (fixture: Fixture, tokenizer: Tokenizer)] = {
        var result: [String: (Fixture, Tokenizer)] = [:]
        for name in names {
            let url = directory.appendingPathComponent("\(name).json")
            do {
                let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
                result[name] = (fixture, try Tokenizer(fixture.configuration))
            } catch {
                fatalError("cannot load fixture \(url.path): \(error)")
            }
        }
        return result
    }()
}

/// The name -> rule table of docs/pretokenizers.md: rows `| \`name\` | \`rule\` | … |`; a rule of
/// "refused" marks a name Minos does not load.
enum DocumentedNames {
    static let rows: [(name: String, rule: String)] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/pretokenizers.md")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        guard let start = text.range(of: "<!-- names -->"), let end = text.range(of: "<!-- /names -->") else {
            return []
        }
        var rows: [(String, String)] = []
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, cells[0].hasPrefix("`"), cells[1].hasPrefix("`") else { continue }
            rows.append((cells[0].trimmingCharacters(in: ["`"]), cells[1].trimmingCharacters(in: ["`"])))
        }
        return rows
    }()
}

@Suite("pre-tokenizer rules")
struct PreTokenizerRuleTests {
    @Test("there is a fixture for every documented rule")
    func everyRuleHasAFixture() {
        let rules = Set(DocumentedNames.rows.map(\.rule)).subtracting(["refused"])
        #expect(rules.count >= 25)
        #expect(rules == Set(RuleFixtures.names))
    }

    @Test("the pre-tokenizer splits like HF's regexes", arguments: RuleFixtures.names)
    func pieces(rule: String) throws {
        let (fixture, tokenizer) = try #require(RuleFixtures.all[rule])
        #expect(tokenizer.preTokenizerRule == rule)
        #expect(fixture.cases.count > 100)
        for c in fixture.cases {
            let expected = try #require(c.pieces)
            #expect(tokenizer.preTokenize(c.text) == expected, "\(rule): \(String(reflecting: c.text))")
        }
    }

    @Test("inputs encode to HF's ids and decode back", arguments: RuleFixtures.names)
    func ids(rule: String) throws {
        let (fixture, tokenizer) = try #require(RuleFixtures.all[rule])
        for c in fixture.cases {
            let ids = tokenizer.encode(c.text, addSpecial: false)
            if let difference = firstDifference(ids, c.ids, tokenizer: tokenizer) {
                Issue.record("\(rule): \(String(reflecting: c.text)): \(difference)")
            }
            #expect(tokenizer.decode(c.ids) == c.text)
        }
    }

    @Test("the fixtures cover digits, whitespace runs, code, contractions, CJK and emoji")
    func coverage() throws {
        let texts = try #require(RuleFixtures.all["starcoder"]).fixture.cases.map(\.text)
        for needle in ["1234567", "   ", "\n\n", "return", "don't", "I'LL", "中文", "日本語", "한국어", "😀"] {
            #expect(texts.contains { $0.contains(needle) }, "\(needle)")
        }
    }

    @Test("every documented name resolves to its rule")
    func documentedNames() throws {
        #expect(DocumentedNames.rows.count >= 90)
        for (name, rule) in DocumentedNames.rows {
            let configuration = fixtureConfiguration("gpt2") { $0.pre = name }
            if rule == "refused" {
                do {
                    _ = try Tokenizer(configuration)
                    Issue.record("\(name): expected a refusal")
                } catch {
                    guard case .unimplementedPreTokenizer(let refused, let reason) = error else {
                        Issue.record("\(name): unexpected error \(error)")
                        continue
                    }
                    #expect(refused == name && !reason.isEmpty)
                    #expect(error.description.contains(name))
                }
            } else {
                let tokenizer = try Tokenizer(configuration)
                #expect(tokenizer.preTokenizerRule == rule, "\(name)")
                #expect(tokenizer.warnings.isEmpty, "\(name)")
            }
        }
    }

    @Test("the documented names are exactly the known ones")
    func knownNamesAreDocumented() throws {
        do {
            _ = try Tokenizer(fixtureConfiguration("gpt2") { $0.pre = "no-such-pre-tokenizer" })
            Issue.record("expected an error")
        } catch {
            guard case .unsupportedPreTokenizer(let name, let known) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(name == "no-such-pre-tokenizer")
            let documented = Set(DocumentedNames.rows.filter { $0.rule != "refused" }.map(\.name))
            #expect(Set(known) == documented)
            #expect(known.count == Set(known).count)
            for name in ["smollm", "llama-bpe", "qwen2", "gpt-4o", "deepseek-v3", "tekken"] {
                #expect(error.description.contains(name))
            }
        }
    }

    @Test("a missing pre-tokenizer loads llama.cpp's default rule with a warning", arguments: [nil, ""] as [String?])
    func missing(pre: String?) throws {
        let tokenizer = try Tokenizer(fixtureConfiguration("gpt2") { $0.pre = pre })
        #expect(tokenizer.preTokenizerRule == "default")
        #expect(tokenizer.warnings.count == 1)
        #expect(tokenizer.warnings.first?.contains("tokenizer.ggml.pre") == true)
        let named = try Tokenizer(fixtureConfiguration("gpt2") { $0.pre = "default" })
        #expect(named.preTokenizerRule == "default" && named.warnings.isEmpty)
        let text = "Hello  world's 1234567 +=|| x"
        #expect(tokenizer.preTokenize(text) == named.preTokenize(text))
        #expect(tokenizer.preTokenize(text) == ["Hello", " ", " world", "'", "s", " ", "123", "456", "7", " ", "+=||", " x"])
    }

    @Test("SentencePiece vocabularies have no pre-tokenizer and no warning")
    func sentencePiece() {
        let tokenizer = Fixtures.tokenizer("spm")
        #expect(tokenizer.preTokenizerRule == nil && tokenizer.warnings.isEmpty)
    }

    @Test("on arbitrary text, pieces are non-empty, cover the text, and decoding restores it",
          arguments: RuleFixtures.names)
    func arbitraryText(rule: String) throws {
        let tokenizer = try #require(RuleFixtures.all[rule]).tokenizer
        var random = SplitMix(seed: 0x5EED)
        var texts = DecodingTests.hardStrings
        for length in [1, 2, 5, 17, 64, 300] {
            for _ in 0..<8 { texts.append(random.string(length: length)) }
        }
        // long runs of one class, where a matcher that rescans would be slow
        texts += [String(repeating: "7", count: 5000) + "x", String(repeating: "A", count: 5000) + "b",
                  String(repeating: " ", count: 5000) + "y", String(repeating: "\u{0301}", count: 2000),
                  String(repeating: "中", count: 3000), String(repeating: "a ", count: 3000)]
        for text in texts {
            let pieces = tokenizer.preTokenize(text)
            #expect(pieces.joined() == text, "\(rule): \(String(reflecting: text.prefix(40)))")
            #expect(!pieces.contains(""), "\(rule): \(String(reflecting: text.prefix(40)))")
            #expect(tokenizer.decode(tokenizer.encode(text, addSpecial: false)) == text, "\(rule)")
        }
    }

    @Test("rules made of several regexes split each piece again", arguments: [
        ("smollm", "abc 1234567 x", ["abc", " ", "1", "2", "3", "4", "5", "6", "7", " x"]),
        ("superbpe", "Hello world 1234567!", ["Hello world ", "1", "234", "567", "!"]),
        ("afmoe", "x=1234567", ["x", "=", "1", "234", "567"]),
        ("minicpm5", "a  1234", ["a", "  ", "123", "4"]),
        ("llama-bpe", "a  1234", ["a", " ", " ", "123", "4"]),
        ("laguna", "!\n", ["!", "\n"]),
        ("qwen2", "!\n", ["!\n"]),
    ])
    func sequences(pre: String, text: String, expected: [String]) throws {
        let tokenizer = try Tokenizer(fixtureConfiguration("gpt2") { $0.pre = pre })
        #expect(tokenizer.preTokenize(text) == expected)
    }
}
