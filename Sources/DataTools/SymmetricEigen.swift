/// Eigenvalues of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan §8.5;
/// Numerical Recipes `jacobi`): rotations zero each off-diagonal entry in turn until the
/// off-diagonal mass is negligible. O(n³) per sweep, a handful of sweeps: fine to a few hundred
/// rows, slow past a thousand.
package enum SymmetricEigen {
    /// The eigenvalues of the n × n symmetric matrix `matrix` (row-major), ascending.
    package static func eigenvalues(_ matrix: [Double], n: Int, maxSweeps: Int = 100) -> [Double] {
        precondition(matrix.count == n * n, "a \(n) × \(n) matrix has \(n * n) entries, got \(matrix.count)")
        var a = matrix
        var total = 0.0
        for x in a { total += x * x }
        for _ in 0..<maxSweeps {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += a[p * n + q] * a[p * n + q] } }
            if off <= 1e-30 * max(total, 1e-300) { break }
            for p in 0..<max(n - 1, 0) {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    let app = a[p * n + p], aqq = a[q * n + q]
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n where k != p && k != q {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        let newP = c * akp - s * akq, newQ = s * akp + c * akq
                        a[k * n + p] = newP
                        a[p * n + k] = newP
                        a[k * n + q] = newQ
                        a[q * n + k] = newQ
                    }
                    a[p * n + p] = app - t * apq
                    a[q * n + q] = aqq + t * apq
                    a[p * n + q] = 0
                    a[q * n + p] = 0
                }
            }
        }
        return (0..<n).map { a[$0 * n + $0] }.sorted()
    }
}
