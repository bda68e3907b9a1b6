import GGUF

/// Why a model merge was refused or failed; nothing is written at the output path in any case.
package enum MergeError: Error, CustomStringConvertible, Equatable {
    /// A request parameter is out of range or inconsistent (`field` names it).
    case invalidArgument(field: String, message: String)
    /// An input cannot be read as GGUF (`path`, reason).
    case unreadableInput(path: String, message: String)
    /// The inputs do not describe the same model shape: `what` is "architecture", "vocabulary",
    /// "tensor" or "shape"; the message names the first mismatch found.
    case mismatch(what: String, message: String)
    /// A tensor cannot be decoded or the output cannot be written.
    case io(String)
    /// `cancelled()` returned true; the temporary output was removed.
    case cancelled

    package var description: String {
        switch self {
        case .invalidArgument(let field, let message): return "\(field): \(message)"
        case .unreadableInput(let path, let message): return "cannot read \(path): \(message)"
        case .mismatch(_, let message): return message
        case .io(let message): return message
        case .cancelled: return "merge cancelled"
        }
    }
}
