/// Why a data tool (selection, Vendi score, mixing plan, JSONL reading) refused or failed.
package enum DataError: Error, CustomStringConvertible, Equatable {
    /// A parameter is out of range or inconsistent (`field` names it).
    case invalidArgument(field: String, message: String)
    /// A JSONL line is neither Alpaca nor ShareGPT shaped (`line` is 1-based).
    case badLine(path: String, line: Int, message: String)
    /// A file cannot be read or written.
    case io(String)
    /// The caller's cancellation flag was set.
    case cancelled

    package var description: String {
        switch self {
        case .invalidArgument(let field, let message): return "\(field): \(message)"
        case .badLine(let path, let line, let message): return "\(path):\(line): \(message)"
        case .io(let message): return message
        case .cancelled: return "cancelled"
        }
    }
}
