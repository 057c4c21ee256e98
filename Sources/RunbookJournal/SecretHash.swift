internal import CCrypto
import Foundation

/// How a run records a secret binding: never the value, only a salted, slow hash of it
/// (PBKDF2-HMAC-SHA256 from libcrypto), so that a resume can tell whether the secret given
/// again is the one the run started with, and the journal cannot be used to guess it cheaply.
public enum SecretHash {
    static let prefix = "pbkdf2-sha256"
    static let iterations: Int32 = 50_000

    /// `pbkdf2-sha256$ITERATIONS$SALT$HASH` (hex), with a fresh random salt.
    public static func make(_ secret: String) -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        if RAND_bytes(&salt, Int32(salt.count)) != 1 {
            // No randomness from libcrypto: the system's.
            var generator = SystemRandomNumberGenerator()
            for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &generator) }
        }
        return encode(secret, salt: salt, iterations: iterations)
    }

    /// True when `secret` is the value `stored` was made from; false for a different value or
    /// something that is not a stored hash.
    public static func matches(_ secret: String, _ stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == prefix, let rounds = Int32(parts[1]), rounds > 0,
            let salt = bytes(hex: parts[2])
        else { return false }
        return encode(secret, salt: salt, iterations: rounds) == stored
    }

    /// True for a value written by `make`.
    public static func isHash(_ text: String) -> Bool { text.hasPrefix(prefix + "$") }

    static func encode(_ secret: String, salt: [UInt8], iterations: Int32) -> String {
        var out = [UInt8](repeating: 0, count: 32)
        // Bound values come from the environment, dotenv files or flags: never a NUL in them.
        _ = secret.withCString {
            PKCS5_PBKDF2_HMAC($0, Int32(strlen($0)), salt, Int32(salt.count), iterations, EVP_sha256(), Int32(out.count), &out)
        }
        return "\(prefix)$\(iterations)$\(hex(salt))$\(hex(out))"
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
