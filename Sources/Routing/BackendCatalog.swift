import Store

/// The stored backends: defined with `backend/add`, kept in the store across restarts.
package struct BackendCatalog: Sendable {
    package let store: Store

    package init(store: Store) {
        self.store = store
    }

    /// Stores `backend`, replacing one of the same name.
    package func save(_ backend: Backend) throws(StoreError) {
        try store.saveBackend(backend.record)
    }

    /// Every stored backend, by name.
    package func all() throws -> [Backend] {
        try store.backends().map { record throws(BackendError) in try Backend(record: record) }
    }

    /// The backend of that name; `notFound` when none is stored.
    package func backend(named name: String) throws -> Backend {
        guard let record = try store.backend(named: name) else {
            throw BackendError(.notFound, "no backend named '\(name)'; define one with backend/add", backend: name)
        }
        return try Backend(record: record)
    }

    /// Deletes the backend of that name; false when there was none.
    package func remove(named name: String) throws(StoreError) -> Bool {
        try store.deleteBackend(named: name)
    }
}
