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

    /// The lines of `bytes`, which are this text's UTF-8: newlines found with memchr, counted
    /// first so the array is allocated once, each line's end index stepped from its start. The
    /// lines `forEachLine` walks, written out here over the String's own indices (through its
    /// closure this split cost more).
    private func splitLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [Substring] {
        guard let first = bytes.baseAddress, !bytes.isEmpty else { return [self[...]] }
        let end = first + bytes.count
        func newline(after p: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
            memchr(p, 0x0A, end - p).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
        }
        var out: [Substring] = []
        out.reserveCapacity(bytes.occurrences(of: 0x0A) + 1)
        let view = utf8
        func line(_ start: String.Index, _ from: UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>) -> Substring {
            let last = to > from && to[-1] == 0x0D ? to - 1 : to
            return Substring(view[start..<view.index(start, offsetBy: last - from)])
        }
        var start = view.startIndex
        var p = first
        while let hit = newline(after: p) {
            out.append(line(start, p, hit))
            start = view.index(start, offsetBy: hit - p + 1)
            p = hit + 1
        }
        out.append(line(start, p, end))
        return out
    }
}

extension RandomAccessCollection where Element == Substring {
    /// The lines joined with "\n", as `joined(separator: "\n")` joins them. Lines that follow
    /// one another in one text, as `lines` split it at bare "\n"s, are one span of that text:
    /// copied at once, where a join grows a new String line by line. Inlinable, so it is
    /// specialized where it is called (a generic call costs more than the join).
    @inlinable public func joinedLines() -> String {
        guard let first, let last else { return "" }
        let base = first.base
        var previous = first
        for line in dropFirst() {
            guard previous.endIndex < base.endIndex, base.utf8[previous.endIndex] == 0x0A,
                base.utf8.index(after: previous.endIndex) == line.startIndex,
                line.base == base  // the same storage: equal at once
            else { return joined(separator: "\n") }
            previous = line
        }
        return String(base[first.startIndex..<last.endIndex])
    }
}

extension String {
    /// Calls `body` with each line's number (1-based) and UTF-8 bytes, the lines as `lines`
    /// splits them, reading the text in place: for a scan of every line, where opening each
    /// `Substring`'s bytes costs more than a test of them.
    @inlinable public func forEachLineBytes(_ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        withUTF8Bytes { bytes in bytes.forEachLine { body($0, UnsafeBufferPointer(rebasing: bytes[$1])) } }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Calls `body` with each line's number (1-based) and where its bytes are: split at each
    /// "\n" (found with memchr), empty lines kept, a line's last "\r" not its own (a file saved
    /// with CRLF reads as lines too), as `lines` splits them. The walk that `forEachLineBytes`
    /// and lint's line table make.
    @inlinable public func forEachLine(_ body: (Int, Range<Int>) -> Void) {
        var number = 1
        var start = 0
        while true {
            var newline = count
            if let base = baseAddress, start < count, let hit = memchr(base + start, 0x0A, count - start) {
                newline = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            let end = newline > start && self[newline - 1] == 0x0D ? newline - 1 : newline
            body(number, start..<end)
            guard newline < count else { return }
            start = newline + 1
            number += 1
        }
    }
}

extension StringProtocol {
    /// Calls `body` with the text's UTF-8 bytes, in place when the storage is contiguous (as a
    /// native string's is), copied otherwise.
    @inlinable public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let fast = utf8.withContiguousStorageIfAvailable(body) { return fast }
        return Array(utf8).withUnsafeBufferPointer(body)
    }

    /// How many lines `lines` splits the text into: one more than its newlines (memchr).
    @inlinable public var lineCount: Int { withUTF8Bytes { $0.occurrences(of: 0x0A) + 1 } }
}

extension String {
    /// True when `byte` is among the text's UTF-8 bytes (memchr over the storage in place).
    public func containsByte(_ byte: UInt8) -> Bool { withUTF8Bytes { $0.containsByte(byte) } }
}

extension StringProtocol {
    /// True when `needle`'s bytes occur in the text's, case as written (memchr for the first
    /// byte, memcmp for the rest; Foundation's `contains` goes through CFStringFind on Linux).
    @inlinable public func containsBytes(_ needle: String) -> Bool { firstByteOffset(of: needle) != nil }

    /// The offset in the text's UTF-8 bytes where `needle`'s bytes first occur, case as
    /// written; nil when they do not (an empty needle is at 0).
    @inlinable public func firstByteOffset(of needle: String) -> Int? {
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
    /// How many times `byte` occurs (memchr from one to the next).
    @inlinable public func occurrences(of byte: UInt8) -> Int {
        guard var p = baseAddress, count > 0 else { return 0 }
        let end = p + count
        var found = 0
        while p < end, let hit = memchr(p, Int32(byte), end - p) {
            found += 1
            p = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return found
    }

    /// True when `byte` is among the bytes (memchr, not a generic element-by-element loop).
    @inlinable public func containsByte(_ byte: UInt8) -> Bool {
        guard let base = baseAddress, count > 0 else { return false }
        return memchr(base, Int32(byte), count) != nil
    }
}
