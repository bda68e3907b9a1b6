import JSON

/// A prompt or continuation as the client sends it: text, or token ids of the model's vocabulary
/// (what evaluation harnesses send to control tokenization exactly).
public enum TextInput: Codable, Sendable, Equatable {
    case text(String)
    case tokens([Int64])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        switch try container.decode(JSONValue.self) {
        case .string(let text):
            self = .text(text)
        case .array(let items):
            var ids: [Int64] = []
            ids.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard case .int(let id) = item else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                            debugDescription: "element \(index) is not an integer token id"))
                }
                ids.append(id)
            }
            self = .tokens(ids)
        default:
            throw DecodingError.typeMismatch(TextInput.self, .init(codingPath: decoder.codingPath,
                                                                   debugDescription: "expected a string or an array of token ids"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .tokens(let ids): try container.encode(ids)
        }
    }

    /// The schema: a string, or an array of non-negative integers.
    public static let schema = Schema.oneOf(Schema.string, Schema.array(Schema.integer(minimum: 0)))
}
