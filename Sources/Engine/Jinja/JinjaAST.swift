/// The parsed form of a template: statements holding expressions.
package indirect enum JinjaStatement: Sendable {
    case text(String)
    case output(JinjaExpression)
    case ifChain(branches: [(condition: JinjaExpression, body: [JinjaStatement])], otherwise: [JinjaStatement])
    case forLoop(targets: [String], iterable: JinjaExpression, filter: JinjaExpression?, body: [JinjaStatement], otherwise: [JinjaStatement])
    case set(target: JinjaAssignTarget, value: JinjaExpression)
    case setBlock(name: String, body: [JinjaStatement])
    case macro(JinjaMacro)
    /// `{% call name(args) %}body{% endcall %}`: the macro sees `caller()` returning body.
    case callBlock(call: JinjaExpression, body: [JinjaStatement])
    /// `{% filter name %}body{% endfilter %}`.
    case filterBlock(name: String, arguments: [JinjaExpression], body: [JinjaStatement])
    case breakLoop
    case continueLoop
}

/// The left-hand side of `{% set %}`.
package enum JinjaAssignTarget: Sendable {
    case name(String)
    case names([String])
    case attribute(object: String, name: String)
}

/// Call arguments: positional then keyword.
package struct JinjaArguments: Sendable {
    var positional: [JinjaExpression] = []
    var keyword: [(name: String, value: JinjaExpression)] = []
}

package indirect enum JinjaExpression: Sendable {
    case literal(JinjaValue)
    case list([JinjaExpression])
    case dict([(key: JinjaExpression, value: JinjaExpression)])
    case name(String)
    case attribute(JinjaExpression, String)
    case item(JinjaExpression, JinjaExpression)
    case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?)
    case call(JinjaExpression, JinjaArguments)
    case filter(JinjaExpression, name: String, JinjaArguments)
    case test(JinjaExpression, name: String, JinjaArguments, negated: Bool)
    case not(JinjaExpression)
    case negate(JinjaExpression)
    case and(JinjaExpression, JinjaExpression)
    case or(JinjaExpression, JinjaExpression)
    case binary(String, JinjaExpression, JinjaExpression)
    case compare(String, JinjaExpression, JinjaExpression)
    case concat([JinjaExpression])
    case conditional(then: JinjaExpression, condition: JinjaExpression, otherwise: JinjaExpression?)
}
