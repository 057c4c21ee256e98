import Foundation

extension String {
    /// The text split at each "\n"; see `Substring.lines`.
    public var lines: [Substring] { self[...].lines }
}

extension Substring {
    /// The text split at each "\n", empty lines kept, a line's trailing "\r" dropped (a file
    /// saved with CRLF reads as lines too).
    ///
    /// Found by bytes: `split(separator: "\n")` on Characters runs grapheme breaking over every
    /// byte (and keeps "\r\n" whole), and was a tenth of reading time.
    public var lines: [Substring] { withUTF8Bytes { splitLines($0) } }

    /// The lines of `bytes`, which are this text's UTF-8.
    private func splitLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [Substring] {
        var out: [Substring] = []
        let base = utf8.startIndex
        func line(_ start: Int, _ end: Int) -> Substring {
            let last = end > start && bytes[end - 1] == 0x0D ? end - 1 : end
            return self[utf8.index(base, offsetBy: start)..<utf8.index(base, offsetBy: last)]
        }
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A {
                out.append(line(start, i))
                start = i + 1
            }
            i += 1
        }
        out.append(line(start, bytes.count))
        return out
    }
}

extension StringProtocol {
    /// Calls `body` with the text's UTF-8 bytes, in place when the storage is contiguous (as a
    /// native string's is), copied otherwise.
    @inlinable public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let fast = utf8.withContiguousStorageIfAvailable(body) { return fast }
        return Array(utf8).withUnsafeBufferPointer(body)
    }
}

extension String {
    /// True when `byte` is among the text's UTF-8 bytes (memchr over the storage in place).
    public func containsByte(_ byte: UInt8) -> Bool { withUTF8Bytes { $0.containsByte(byte) } }
}

extension StringProtocol {
    /// True when `needle`'s bytes occur in the text's, case as written (memchr for the first
    /// byte, memcmp for the rest; Foundation's `contains` goes through CFStringFind on Linux).
    public func containsBytes(_ needle: String) -> Bool { firstByteOffset(of: needle) != nil }

    /// The offset in the text's UTF-8 bytes where `needle`'s bytes first occur, case as
    /// written; nil when they do not (an empty needle is at 0).
    public func firstByteOffset(of needle: String) -> Int? {
        var needle = needle
        return needle.withUTF8 { pin in
            guard let pinBase = pin.baseAddress, !pin.isEmpty else { return 0 }
            return withUTF8Bytes { hay in
                guard let base = hay.baseAddress, hay.count >= pin.count else { return nil }
                let last = hay.count - pin.count
                var i = 0
                while i <= last, let hit = memchr(base + i, Int32(pin[0]), last - i + 1) {
                    let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, pinBase, pin.count) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// True when `byte` is among the bytes (memchr, not a generic element-by-element loop).
    @inlinable public func containsByte(_ byte: UInt8) -> Bool {
        guard let base = baseAddress, count > 0 else { return false }
        return memchr(base, Int32(byte), count) != nil
    }
}
