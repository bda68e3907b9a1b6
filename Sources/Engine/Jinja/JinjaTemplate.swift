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
        body = try JinjaTemplate.onLargeStack { () throws(JinjaError) in
            try JinjaParser.parse(try JinjaLexer.tokenize(source), maxDepth: limits.maxDepth)
        }
    }

    /// Renders with `context` as the template's variables; `now` supplies `strftime_now`'s clock.
    package func render(_ context: [String: JinjaValue],
                        now: @escaping @Sendable () -> DateComponents = JinjaTemplate.localTime) throws(JinjaError) -> String {
        let body = body, limits = limits
        return try JinjaTemplate.onLargeStack { () throws(JinjaError) in
            try JinjaInterpreter(context: context, limits: limits, now: now).render(body)
        }
    }

    /// The local date and time, as Python's `datetime.now()` reads it.
    package static let localTime: @Sendable () -> DateComponents = {
        Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
    }

    /// Bytes of stack for parsing and rendering: recursion is bounded by `maxDepth`, but values a
    /// template builds (lists nested in lists, up to the iteration limit) are released recursively.
    static let stackBytes = 64 << 20

    /// Runs `work` on a thread of its own with a `stackBytes` stack, and waits for it. A template
    /// recurses as deep as its nesting, and the caller may be a cooperative-pool thread whose stack
    /// is small (512 KiB on some platforms); the worker pool is for math. Reserved address space
    /// costs nothing until touched.
    static func onLargeStack<T: Sendable>(_ work: @escaping @Sendable () throws(JinjaError) -> T) throws(JinjaError) -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            outcome.result = Result { () throws(JinjaError) in try work() }
            done.signal()
        }
        thread.stackSize = stackBytes
        thread.start()
        done.wait()
        guard let result = outcome.result else { throw .limit("the template thread produced no result") }
        return try result.get()
    }

    /// The worker thread's result; written once by it before it signals, read after the wait.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        var result: Result<T, JinjaError>?
    }
}

extension JinjaValue {
    /// Reads JSON text (tool schemas, fixtures); objects keep their key order.
    package init(json: String) throws(JinjaError) {
        self = try JinjaTemplate.onLargeStack { () throws(JinjaError) in try JinjaJSON.parse(json) }
    }
}
