internal import CLibSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a host's key compares with known_hosts.
enum HostKeyCheck: Equatable {
    case match, mismatch, notFound
    /// An `@revoked` line (1-based) names this key for this host.
    case revoked(line: Int)
}

/// known_hosts as OpenSSH keeps it: plain and hashed (`|1|salt|hash`) names, `[host]:port`
/// for other ports, and `@revoked` lines, which refuse their key for their hosts whatever
/// else the file says. Lines libssh2 cannot use (`@cert-authority`: it has no host
/// certificates; key types it does not know) are left alone rather than stopping the whole
/// file, and the file is only ever appended to, so nothing in it is lost.
enum KnownHosts {
    /// Compares the key the server presented with the file.
    static func check(
        session: OpaquePointer, endpoint: SSHEndpoint, key: UnsafePointer<CChar>, length: Int, type: Int32, path: String
    ) throws(SSHError) -> HostKeyCheck {
        guard let hosts = libssh2_knownhost_init(session) else {
            throw SSHError.handshake(endpoint.description, "cannot initialise the known-hosts list")
        }
        defer { libssh2_knownhost_free(hosts) }
        let presented = Data(bytes: key, count: length)
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        // `isNewline`: "\r\n" is one Character, which a split on "\n" would not break.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("@") {
                if revokes(trimmed, key: presented, type: type, for: endpoint, session: session) {
                    return .revoked(line: index + 1)
                }
                continue
            }
            read(trimmed, into: hosts)
        }
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        let result = libssh2_knownhost_checkp(
            hosts, endpoint.host, Int32(endpoint.port), key, length, checkMask(type), &entry)
        switch result {
        case Int32(LIBSSH2_KNOWNHOST_CHECK_MATCH): return .match
        case Int32(LIBSSH2_KNOWNHOST_CHECK_MISMATCH): return .mismatch
        case Int32(LIBSSH2_KNOWNHOST_CHECK_NOTFOUND): return .notFound
        default: throw SSHError.handshake(endpoint.description, "cannot check the host key against \(path)")
        }
    }

    /// True when `line` is `@revoked hosts keytype base64 [comment]`, its key is `key` and its
    /// hosts include the endpoint, as OpenSSH matches them: hashed names, or comma-separated
    /// patterns with `*` and `?` where a matching `!pattern` excludes the host.
    static func revokes(_ line: String, key: Data, type: Int32, for endpoint: SSHEndpoint, session: OpaquePointer) -> Bool {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !key.isEmpty, fields.count >= 4, fields[0] == "@revoked", Data(base64Encoded: String(fields[3])) == key else {
            return false
        }
        let names = String(fields[1])
        guard names.hasPrefix("|") else { return matches(endpoint.knownHostsName, patterns: names) }
        // A hashed name: libssh2 knows the hash; ask it about this one line.
        guard let one = libssh2_knownhost_init(session) else { return false }
        defer { libssh2_knownhost_free(one) }
        guard read(fields[1...3].joined(separator: " "), into: one) == 0 else { return false }
        var found: UnsafeMutablePointer<libssh2_knownhost>?
        return key.withUnsafeBytes { bytes in
            libssh2_knownhost_checkp(
                one, endpoint.host, Int32(endpoint.port), bytes.baseAddress!.assumingMemoryBound(to: CChar.self), key.count,
                checkMask(type), &found) == Int32(LIBSSH2_KNOWNHOST_CHECK_MATCH)
        }
    }

    /// Adds one OpenSSH known_hosts line to a libssh2 list: 0 when libssh2 could read it.
    @discardableResult
    private static func read(_ line: String, into hosts: OpaquePointer) -> Int32 {
        line.withCString { libssh2_knownhost_readline(hosts, $0, strlen($0), Int32(LIBSSH2_KNOWNHOST_FILE_OPENSSH)) }
    }

    /// What `libssh2_knownhost_checkp` is told of the presented key: a plain host name, the
    /// key's raw bytes, and its type.
    private static func checkMask(_ type: Int32) -> Int32 {
        Int32(LIBSSH2_KNOWNHOST_TYPE_PLAIN) | Int32(LIBSSH2_KNOWNHOST_KEYENC_RAW) | knownHostKeyBits(type)
    }

    /// OpenSSH's host pattern lists: `name` (`[host]:port` off port 22) matches when one
    /// pattern matches and no `!pattern` does; `*` is any run of characters, `?` one.
    /// Case does not count.
    static func matches(_ name: String, patterns: String) -> Bool {
        let name = Array(name.lowercased().utf8)
        var positive = false
        for pattern in patterns.lowercased().split(separator: ",") {
            let negated = pattern.hasPrefix("!")
            guard wildcard(Array(pattern.utf8.dropFirst(negated ? 1 : 0))[...], name[...]) else { continue }
            if negated { return false }
            positive = true
        }
        return positive
    }

    /// `*` and `?` only: `[` is a literal, as in `[host]:port`.
    static func wildcard(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        if first == UInt8(ascii: "*") {
            let rest = pattern.dropFirst()
            return name.indices.contains { wildcard(rest, name[$0...]) } || wildcard(rest, name[name.endIndex...])
        }
        guard let next = name.first, first == UInt8(ascii: "?") || first == next else { return false }
        return wildcard(pattern.dropFirst(), name.dropFirst())
    }

    /// Appends `name keytype base64` to the file (creating it and its directory privately),
    /// as `ssh -o StrictHostKeyChecking=accept-new` does.
    static func append(endpoint: SSHEndpoint, key: UnsafePointer<CChar>, length: Int, type: Int32, path: String) throws(SSHError)
    {
        guard let name = keyTypeName(type) else {
            throw SSHError.handshake(endpoint.description, "the host key's type (\(type)) is unknown; not recorded")
        }
        let blob = Data(bytes: key, count: length).base64EncodedString()
        let line = "\(endpoint.knownHostsName) \(name) \(blob)\n"
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { mkdir(directory, 0o700) }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SSHError.handshake(
                endpoint.description, "cannot record its host key in \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // Several hosts of a group may be accepted at once: one line per write, under a lock.
        flock(fd, LOCK_EX)
        var size = stat()
        var text = line
        if fstat(fd, &size) == 0, size.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, off_t(size.st_size - 1)) == 1, last != 0x0A { text = "\n" + text }
        }
        let written = text.withCString { write(fd, $0, strlen($0)) }
        flock(fd, LOCK_UN)
        if written < 0 {
            throw SSHError.handshake(
                endpoint.description, "cannot record its host key in \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// `SHA256:…` as OpenSSH prints it.
    static func fingerprint(session: OpaquePointer) -> String {
        guard let hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256) else { return "(unknown fingerprint)" }
        let data = Data(bytes: hash, count: 32)
        return "SHA256:" + data.base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    static func keyTypeName(_ type: Int32) -> String? {
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_RSA: "ssh-rsa"
        case LIBSSH2_HOSTKEY_TYPE_DSS: "ssh-dss"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: "ecdsa-sha2-nistp256"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: "ecdsa-sha2-nistp384"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: "ecdsa-sha2-nistp521"
        case LIBSSH2_HOSTKEY_TYPE_ED25519: "ssh-ed25519"
        default: nil
        }
    }

    static func knownHostKeyBits(_ type: Int32) -> Int32 {
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_RSA: Int32(LIBSSH2_KNOWNHOST_KEY_SSHRSA)
        case LIBSSH2_HOSTKEY_TYPE_DSS: Int32(LIBSSH2_KNOWNHOST_KEY_SSHDSS)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: Int32(LIBSSH2_KNOWNHOST_KEY_ECDSA_256)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: Int32(LIBSSH2_KNOWNHOST_KEY_ECDSA_384)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: Int32(LIBSSH2_KNOWNHOST_KEY_ECDSA_521)
        case LIBSSH2_HOSTKEY_TYPE_ED25519: Int32(LIBSSH2_KNOWNHOST_KEY_ED25519)
        default: Int32(LIBSSH2_KNOWNHOST_KEY_UNKNOWN)
        }
    }
}
