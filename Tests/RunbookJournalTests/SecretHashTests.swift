import Foundation
import Testing

@testable import RunbookJournal

struct SecretHashTests {
    @Test func aHashMatchesItsSecretOnlyAndIsSaltedEachTime() {
        let first = SecretHash.make("pw-5e3cr3t")
        let second = SecretHash.make("pw-5e3cr3t")
        #expect(first != second)
        #expect(first.hasPrefix("pbkdf2-sha256$50000$"))
        #expect(first.split(separator: "$").map(\.count) == [13, 5, 32, 64])
        #expect(!first.contains("pw-5e3cr3t"))
        #expect(SecretHash.matches("pw-5e3cr3t", first))
        #expect(SecretHash.matches("pw-5e3cr3t", second))
        #expect(!SecretHash.matches("pw-5e3cr3T", first))
        #expect(!SecretHash.matches("", first))
        #expect(SecretHash.matches("", SecretHash.make("")))
        #expect(!SecretHash.matches("pw", "****"))
        #expect(!SecretHash.matches("pw", "pbkdf2-sha256$x$00$00"))
    }

    @Test func knownVectorFromRFC7914() {
        // PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=32 (first 32 bytes of the RFC's 64).
        let encoded = SecretHash.encode("passwd", salt: Array("salt".utf8), iterations: 1)
        #expect(encoded == "pbkdf2-sha256$1$73616c74$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }
}
