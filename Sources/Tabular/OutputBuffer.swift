import Foundation

/// Bytes on their way to a file handle (flushed every 64 KB) or kept in memory.
final class OutputBuffer {
    private(set) var bytes: [UInt8] = []
    private let handle: FileHandle?
    private let name: String
    private let flushThreshold = 64 * 1024

    init(handle: FileHandle?, name: String = "output") {
        self.handle = handle
        self.name = name
        bytes.reserveCapacity(flushThreshold + 4096)
    }

    @inline(__always) func append(_ byte: UInt8) { bytes.append(byte) }
    @inline(__always) func append(_ string: String) { bytes.append(contentsOf: string.utf8) }
    @inline(__always) func append<C: Collection<UInt8>>(_ some: C) { bytes.append(contentsOf: some) }

    /// Writes the buffer to the file handle when it has grown past the threshold.
    func flushIfNeeded() throws(TabularError) {
        if handle != nil && bytes.count >= flushThreshold { try flush() }
    }

    func flush() throws(TabularError) {
        guard let handle, !bytes.isEmpty else { return }
        do { try handle.write(contentsOf: bytes) } catch {
            throw .writing(name, error)
        }
        bytes.removeAll(keepingCapacity: true)
    }

    /// Hands over and forgets the bytes kept in memory.
    func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }
}
