/// Maps `items` in parallel chunks (at least `minimum` items each, about 8 chunks), keeping their
/// order and checking for cancellation before each item: the shape of every batch method.
func parallelMap<Item: Sendable, Output: Sendable>(
    _ items: [Item], minimum: Int = 32, _ transform: @escaping @Sendable (Int, Item) throws -> Output
) async throws -> [Output] {
    let chunk = max(minimum, (items.count + 7) / 8)
    let starts = Array(stride(from: 0, to: items.count, by: chunk))
    return try await withThrowingTaskGroup(of: (Int, [Output]).self) { group in
        for start in starts {
            group.addTask {
                var out: [Output] = []
                for index in start..<min(start + chunk, items.count) {
                    try Task.checkCancellation()
                    out.append(try transform(index, items[index]))
                }
                return (start, out)
            }
        }
        var byStart: [Int: [Output]] = [:]
        for try await (start, out) in group { byStart[start] = out }
        return starts.flatMap { byStart[$0]! }
    }
}
