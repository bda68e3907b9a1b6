/// Row vectors in one flat row-major `[Float]` (rows × dimension), so 100k × 384 embeddings are
/// one 150 MB allocation rather than 100k arrays.
package struct EmbeddingMatrix: Sendable, Equatable {
    package private(set) var values: [Float]
    package let dimension: Int
    package var rows: Int { dimension == 0 ? 0 : values.count / dimension }

    /// An empty matrix of `dimension` columns.
    package init(dimension: Int) {
        precondition(dimension > 0, "an embedding matrix needs at least one column")
        self.dimension = dimension
        values = []
    }

    /// A matrix from nested rows, all of one length (a convenience for tests and small inputs).
    package init(rows: [[Float]]) throws(DataError) {
        guard let first = rows.first, !first.isEmpty else {
            throw .invalidArgument(field: "vectors", message: "need at least one non-empty vector")
        }
        self.init(dimension: first.count)
        for (i, row) in rows.enumerated() {
            guard row.count == dimension else {
                throw .invalidArgument(field: "vectors", message: "vector \(i) has \(row.count) values, vector 0 has \(dimension)")
            }
            values.append(contentsOf: row)
        }
    }

    /// Appends one row; its length must be `dimension`.
    package mutating func append(_ row: [Float]) throws(DataError) {
        guard row.count == dimension else {
            throw .invalidArgument(field: "vectors", message: "a vector has \(row.count) values, expected \(dimension)")
        }
        values.append(contentsOf: row)
    }

    /// Reserves room for `rows` rows, so appending them allocates once.
    package mutating func reserveCapacity(rows: Int) {
        values.reserveCapacity(rows * dimension)
    }

    package func row(_ i: Int) -> ArraySlice<Float> { values[(i * dimension)..<((i + 1) * dimension)] }

    /// The rows at `indices`, in that order.
    package func subset(_ indices: [Int]) -> EmbeddingMatrix {
        var result = EmbeddingMatrix(dimension: dimension)
        result.values.reserveCapacity(indices.count * dimension)
        for i in indices { result.values.append(contentsOf: row(i)) }
        return result
    }
}
