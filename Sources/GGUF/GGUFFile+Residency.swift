import Glibc

extension GGUFFile {
    /// How many bytes of the file are in memory now: for a mapped file, the pages `mincore` reports
    /// resident (pages the engine has touched, or the page cache already held); for a copied buffer,
    /// all of it.
    public var residentByteCount: Int {
        guard isMemoryMapped, let base = bytes.baseAddress, bytes.count > 0 else { return fileSize }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: base) & ~(page - 1)
        let end = Int(bitPattern: base) + bytes.count
        let pages = (end - start + page - 1) / page
        var vector = [UInt8](repeating: 0, count: pages)
        let status = vector.withUnsafeMutableBufferPointer { buffer in
            mincore(UnsafeMutableRawPointer(bitPattern: start), end - start, buffer.baseAddress)
        }
        guard status == 0 else { return fileSize }
        return min(fileSize, vector.reduce(0) { $0 + Int($1 & 1) } * page)
    }
}
