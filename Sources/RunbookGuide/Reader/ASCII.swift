/// Byte classes for the reader's byte paths. Only ASCII bytes are in any class: a byte of a
/// multi-byte character is never a letter, digit or space here (those paths send non-ASCII
/// text to Characters or regexes, which know Unicode).
public enum ASCII {
    /// `0`–`9`.
    @inlinable @inline(__always) public static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `A`–`Z`, `a`–`z`.
    @inlinable @inline(__always) public static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    /// `a`–`z`.
    @inlinable @inline(__always) public static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }

    /// A letter, a digit or `_`: what `\w` and `\b` mean for ASCII, and what a shell name is made of.
    @inlinable @inline(__always) public static func isWord(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == 0x5F
    }

    /// `bytes` start with `prefix` (written in lower case), ASCII letters of either case alike.
    @inlinable public static func opens(_ bytes: UnsafeBufferPointer<UInt8>, with prefix: String) -> Bool {
        var prefix = prefix
        return prefix.withUTF8 { wanted in
            guard bytes.count >= wanted.count else { return false }
            for i in 0..<wanted.count where lower(bytes[i]) != wanted[i] { return false }
            return true
        }
    }

    /// Space or tab.
    @inlinable @inline(__always) public static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Space, tab, or a line break (`\n`, `\v`, `\f`, `\r`): `\s` for ASCII.
    @inlinable @inline(__always) public static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Where the run of `\s` bytes (`isSpace`) from `i` on ends: `i` when there is none.
    @inlinable public static func skipSpaces<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, from i: Int) -> Int
    where Bytes.Index == Int {
        var j = i
        while j < bytes.endIndex, isSpace(bytes[j]) { j += 1 }
        return j
    }

    /// A word byte (`isWord`) at `i`; false before and after the bytes, which is what `\b`
    /// sees at either end.
    @inlinable public static func isWord<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at i: Int) -> Bool
    where Bytes.Index == Int {
        i >= bytes.startIndex && i < bytes.endIndex && isWord(bytes[i])
    }

    /// The text's bytes when it is all ASCII (the byte paths' domain), else nil.
    public static func bytes(of text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        return bytes.contains { $0 >= 0x80 } ? nil : bytes
    }

    /// The byte lower-cased when it is a capital letter.
    @inlinable @inline(__always) public static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
    }
}

/// A set of ASCII bytes, tested with one shift and mask (a `Set<UInt8>` hashes each byte).
@frozen public struct ByteSet: Sendable, ExpressibleByStringLiteral {
    @usableFromInline var low: UInt64 = 0
    @usableFromInline var high: UInt64 = 0

    /// The set of the bytes of `value`, which must be ASCII.
    public init(stringLiteral value: String) {
        for byte in value.utf8 {
            precondition(byte < 0x80, "ByteSet holds ASCII bytes only")
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
    }

    @inlinable @inline(__always) public func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte &- 64)) != 0
    }
}
