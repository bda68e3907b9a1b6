/// Why a backend could not be defined, found, or asked to generate. `kind` says which failure it
/// is, so a caller (the router falling back to another backend, the server choosing a wire code)
/// can tell them apart without reading the message; `message` says it for a person. An API key
/// never appears in a message.
package struct BackendError: Error, Sendable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        /// A backend definition is not valid; `field` names the offending member.
        case invalidDefinition
        /// No backend of that name is stored.
        case notFound
        /// The backend names an API-key environment variable that is not set (or is empty).
        case missingAPIKey
        /// No HTTP exchange happened: connection refused, host not found, connection closed
        /// before a complete reply.
        case connectionFailed
        /// The backend did not answer within its timeout.
        case timedOut
        /// The endpoint answered with a non-2xx status (`status`).
        case httpStatus
        /// The endpoint answered 2xx with a body that is not a chat completion.
        case malformedResponse
    }

    package var kind: Kind
    package var message: String
    /// The backend's name, when the failure concerns a stored one.
    package var backend: String?
    /// The definition member at fault (`invalidDefinition` only): "name", "model", "baseURL", …
    package var field: String?
    /// The HTTP status (`httpStatus` only).
    package var status: Int?

    package init(_ kind: Kind, _ message: String, backend: String? = nil, field: String? = nil, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.backend = backend
        self.field = field
        self.status = status
    }

    package var description: String {
        backend.map { "backend '\($0)': \(message)" } ?? message
    }

    /// The same failure, attributed to the backend `name`.
    func attributed(to name: String) -> BackendError {
        var copy = self
        copy.backend = name
        return copy
    }
}
