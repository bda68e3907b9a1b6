import JSON

/// A request method: its wire name and the Codable shapes of its params and result.
public protocol RPCMethod {
    associatedtype Params: Decodable & Sendable
    associatedtype Result: Encodable & Sendable
    static var name: String { get }
}

/// A notification method (no reply): its wire name and params.
public protocol RPCNotification {
    associatedtype Params: Decodable & Sendable
    static var name: String { get }
}

/// Params for methods that take none; any object (or no params at all) decodes to it.
public struct NoParams: Codable, Sendable, Equatable {
    public init() {}
}

/// A result that is JSON `null` on the wire (e.g. `shutdown`).
public struct NullResult: Encodable, Sendable {
    public init() {}
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
