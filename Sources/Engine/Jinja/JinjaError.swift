/// Why a chat template could not be parsed or rendered.
package enum JinjaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template text is not valid in the supported subset.
    case syntax(line: Int, message: String)
    /// The template called `raise_exception(message)`.
    case raised(String)
    /// An operation Jinja2 would also reject (undefined member access, bad operand types, …).
    case runtime(String)
    /// A bound on recursion, loop iterations or output size was reached.
    case limit(String)

    package var description: String {
        switch self {
        case .syntax(let line, let message): return "template syntax error on line \(line): \(message)"
        case .raised(let message): return message
        case .runtime(let message): return "template error: \(message)"
        case .limit(let message): return "template limit: \(message)"
        }
    }
}
