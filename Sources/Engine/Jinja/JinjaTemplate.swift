import Foundation

/// A Jinja template parsed once and rendered many times: the subset of Jinja2 that chat
/// templates use, with the settings transformers compiles them with (trim_blocks, lstrip_blocks,
/// loop controls, `raise_exception`, `strftime_now`, its `tojson`). The text comes from a model
/// file, so parsing and rendering are bounded by `limits` and fail with `JinjaError`, never a trap.
package struct JinjaTemplate: Sendable {
    package let source: String
    let body: [JinjaStatement]
    package let limits: JinjaLimits

    package init(_ source: String, limits: JinjaLimits = JinjaLimits()) throws(JinjaError) {
        self.source = source
        self.limits = limits
        body = try JinjaParser.parse(try JinjaLexer.tokenize(source), maxDepth: limits.maxDepth)
    }

    /// Renders with `context` as the template's variables; `now` supplies `strftime_now`'s clock.
    package func render(_ context: [String: JinjaValue],
                        now: @escaping @Sendable () -> DateComponents = JinjaTemplate.localTime) throws(JinjaError) -> String {
        try JinjaInterpreter(context: context, limits: limits, now: now).render(body)
    }

    /// The local date and time, as Python's `datetime.now()` reads it.
    package static let localTime: @Sendable () -> DateComponents = {
        Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
    }
}

extension JinjaValue {
    /// Reads JSON text (tool schemas, fixtures); objects keep their key order.
    package init(json: String) throws(JinjaError) {
        self = try JinjaJSON.parse(json)
    }
}
