import Store

/// Why a data tool (selection, Vendi score, mixing plan, JSONL reading) refused or failed.
package enum DataError: Error, CustomStringConvertible, Equatable {
    /// A parameter is out of range or inconsistent (`field` names it).
    case invalidArgument(field: String, message: String)
    /// A JSONL line is neither Alpaca nor ShareGPT shaped (`line` is 1-based).
    case badLine(path: String, line: Int, message: String)
    /// A file cannot be read or written.
    case io(String)
    /// A named thing (a stored dataset) does not exist (`field` names the param that named it).
    case notFound(field: String, message: String)
    /// The store failed (SQLite's code and message).
    case store(code: Int32, message: String)
    /// The caller's cancellation flag was set.
    case cancelled

    package var description: String {
        switch self {
        case .invalidArgument(let field, let message): return "\(field): \(message)"
        case .badLine(let path, let line, let message): return "\(path):\(line): \(message)"
        case .io(let message): return message
        case .notFound(_, let message): return message
        case .store(_, let message): return "store error: \(message)"
        case .cancelled: return "cancelled"
        }
    }
}

extension DataError {
    /// Runs a store call, turning its failure into `.store`.
    static func fromStore<T>(_ body: () throws(StoreError) -> T) throws(DataError) -> T {
        do { return try body() } catch { throw .store(code: error.code, message: error.description) }
    }
}
