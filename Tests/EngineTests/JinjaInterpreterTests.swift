@testable import Engine
import Foundation
import Testing

/// The Jinja interpreter on its own: features chat templates lean on, the fallback to the family
/// renderer, and hostile templates, which must end in an error, never a crash or a hang.
@Suite("Jinja interpreter")
struct JinjaInterpreterTests {
    private func render(_ source: String, _ context: [String: JinjaValue] = [:]) throws -> String {
        try JinjaTemplate(source).render(context)
    }

    @Test("trim_blocks and lstrip_blocks apply to block tags and comments, not to {{ }}")
    func whitespaceDefaults() throws {
        #expect(try render("<\n  {% if true %}\n  x\n  {% endif %}\n>") == "<\n  x\n>")
        #expect(try render("a\n  {{ 'b' }}\nc") == "a\n  b\nc")
        #expect(try render("a  {#- note -#}  b") == "ab")
        #expect(try render("keep\n") == "keep", "one trailing newline is dropped, as keep_trailing_newline=False does")
    }

    @Test("loops: loop variables, filtering, else, break and continue, per-iteration scope")
    func loops() throws {
        #expect(try render("{% for x in 'abc' %}{{ loop.index }}{{ x }}{{ ',' if not loop.last }}{% endfor %}") == "1a,2b,3c")
        #expect(try render("{% for x in [1, 2, 3, 4] if x is even %}{{ loop.length }}{{ x }}{% endfor %}") == "2224")
        #expect(try render("{% for x in none_such %}x{% else %}none{% endfor %}") == "none")
        #expect(try render("{% for x in range(9) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}") == "013")
        #expect(try render("{% set n = 0 %}{% for x in [1, 2] %}{% set n = n + x %}{% endfor %}{{ n }}") == "0")
        #expect(try render("{% set ns = namespace(n=0) %}{% for x in [1, 2] %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}") == "3")
    }

    @Test("filters and methods used by real templates")
    func filtersAndMethods() throws {
        let tools: JinjaValue = [["name": "f", "parameters": ["b": 1, "a": "é"]]]
        #expect(try render("{{ tools[0] | tojson }}", ["tools": tools]) == #"{"name": "f", "parameters": {"b": 1, "a": "é"}}"#)
        #expect(try render("{{ tools[0].parameters | tojson(indent=2) }}", ["tools": tools]) == "{\n  \"b\": 1,\n  \"a\": \"é\"\n}")
        #expect(try render("{{ m | selectattr('role', 'equalto', 'user') | map(attribute='content') | join('|') }}",
                           ["m": [["role": "user", "content": "a"], ["role": "bot", "content": "b"], ["role": "user", "content": "c"]]]) == "a|c")
        #expect(try render("{{ '<think>x</think>answer'.split('</think>')[-1].strip() }}") == "answer")
        #expect(try render("{{ 'a' if x is defined else 'b' }}{{ y | default('d') }}") == "bd")
        #expect(try render("{{ strftime_now('%d %b %Y') }}") .count == 11)
    }

    @Test("strftime_now reads the injected clock with Python's codes")
    func strftime() throws {
        var date = DateComponents()
        (date.year, date.month, date.day, date.hour, date.minute, date.second, date.weekday) = (2024, 7, 26, 15, 4, 5, 6)
        let fixed = date
        #expect(try JinjaTemplate("{{ strftime_now('%d %b %Y %H:%M:%S %A %B %y %I%p %%') }}").render([:], now: { fixed })
                == "26 Jul 2024 15:04:05 Friday July 24 03PM %")
    }

    @Test("raise_exception becomes JinjaError.raised with the template's message")
    func raiseException() {
        #expect(throws: JinjaError.raised("System role not supported")) {
            try render("{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}",
                       ["messages": [["role": "system", "content": "x"]]])
        }
    }

    @Test("undefined values are falsy and empty; reading a member of one is an error")
    func undefinedValues() throws {
        #expect(try render("[{{ nope }}]{% if nope %}t{% endif %}{{ nope is defined }}{{ d.missing is defined }}", ["d": [:]]) == "[]False False".replacingOccurrences(of: " ", with: ""))
        #expect(throws: JinjaError.self) { try render("{{ nope.member }}") }
        #expect(throws: JinjaError.self) { try render("{{ nope + 1 }}") }
    }

    @Test("malformed templates are syntax errors", arguments: ["{% if x %}", "{{ 'open }}", "{% for %}", "{{ 1 + }}", "{% endif %}", "{% unknown %}", "{{ a.b( }}"])
    func syntaxErrors(_ source: String) {
        #expect(throws: JinjaError.self) { try JinjaTemplate(source) }
    }

    @Test("hostile templates end in a limit error, not a crash or a hang")
    func hostileTemplates() {
        let deepExpression = "{{ " + String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000) + " }}"
        let deepBlocks = String(repeating: "{% if true %}", count: 5_000) + String(repeating: "{% endif %}", count: 5_000)
        let deepNot = "{{ " + String(repeating: "not ", count: 5_000) + "x }}"
        for source in [deepExpression, deepBlocks, deepNot] {
            #expect(throws: JinjaError.self) { try JinjaTemplate(source) }
        }
        let runaway = [
            "{% for i in range(10000000) %}{% endfor %}",
            "{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}",
            "{% set s = 'x' * 100000 %}{% for i in range(1000) %}{{ s }}{% endfor %}",
            "{{ 'x' * 100000000 }}",
            "{% set l = [1] * 100000000 %}",
            "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
        ]
        for source in runaway {
            #expect(throws: JinjaError.self, "\(source)") { try render(source) }
        }
    }

    @Test("hostile templates are safe from a caller with a small stack (a cooperative-pool thread's 512 KiB)")
    func smallCallerStack() async throws {
        let deep = "{% set ns = namespace(x=[]) %}{% for i in range(40000) %}{% set ns.x = [ns.x] %}{% endfor %}"
        let sources = [
            "{{ " + String(repeating: "(", count: 45) + "1" + String(repeating: ")", count: 45) + " }}",
            "{{ 1" + String(repeating: " + 1", count: 5_000) + " }}",
            "{{ x" + String(repeating: ".a", count: 5_000) + " }}",
            "{% macro f(n) %}{% for i in [1] %}{% if true %}{{ f(n + 1) }}{% endif %}{% endfor %}{% endmacro %}{{ f(0) }}",
            deep + "{{ ns.x | length }}{{ ns.x == ns.x }}{{ ns.x | string | length }}",
        ]
        let outcomes: [String] = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: sources.map { source in
                    do { return try JinjaTemplate(source).render(["x": [:]]) } catch { return "error: \(error)" }
                })
            }
            thread.stackSize = 512 << 10
            thread.start()
        }
        #expect(outcomes[0] == "1")
        #expect(outcomes[1].hasPrefix("error: template limit"))
        #expect(outcomes[2].hasPrefix("error: template limit"))
        #expect(outcomes[3].hasPrefix("error: template limit"))
        #expect(outcomes[4] == "1False2005", "containers nested past 1,000 levels print as [...] and compare unequal")
    }

    @Test("every prefix of a real template parses or fails cleanly")
    func truncatedTemplates() throws {
        let fixtures = try ChatTemplateFixtures.load()
        let source = try #require(fixtures.templates.first { $0.name.hasPrefix("mistral-v3/") }).template
        let scalars = Array(source.unicodeScalars)
        var failures = 0
        for end in stride(from: 0, to: scalars.count, by: 7) {
            do {
                _ = try JinjaTemplate(JinjaText.string(scalars[..<end])).render(["messages": [["role": "user", "content": "hi"]]])
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0)
    }

    @Test("the family renderer stands in, with the reason, when the template is missing, unparsable or raises")
    func fallback() {
        let messages = [ChatMessage(role: "system", content: "S"), ChatMessage(role: "user", content: "U")]
        let missing = ChatPromptTemplate(source: nil, bosToken: "", eosToken: "").render(messages)
        #expect(missing.text == ChatTemplate.plain.render(messages))
        #expect(missing.fallbackReason != nil && !missing.templateFailed)

        let broken = ChatPromptTemplate(source: "<|im_start|>{% for m in messages %}", bosToken: "", eosToken: "")
        #expect(broken.unavailableReason?.contains("does not parse") == true)
        #expect(broken.render(messages).text == ChatTemplate.chatML(defaultSystem: nil).render(messages))

        let gemma = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}<start_of_turn>"
        let raised = ChatPromptTemplate(source: gemma, bosToken: "<bos>", eosToken: "<eos>").render(messages)
        #expect(raised.templateFailed)
        #expect(raised.fallbackReason?.contains("System role not supported") == true)
        #expect(raised.text == ChatTemplate.plain.render(messages))
    }

    @Test("Python's float repr, as {{ }} and tojson print numbers")
    func floats() {
        let cases: [(Double, String)] = [(1, "1.0"), (0.1, "0.1"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1.5e-7, "1.5e-07"),
                                         (0.0001, "0.0001"), (123.456, "123.456"), (-2.5, "-2.5"), (1e-5, "1e-05"), (2e300, "2e+300")]
        for (value, text) in cases {
            #expect(JinjaValue.pythonFloat(value) == text)
        }
    }
}
