internal import CLibSSH2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a host's key compares with known_hosts.
enum HostKeyCheck: Equatable {
    case match, mismatch, notFound
}

/// known_hosts as OpenSSH keeps it: plain and hashed (`|1|salt|hash`) names, `[host]:port`
/// for other ports. Lines libssh2 cannot read (`@cert-authority`, `@revoked`, key types it
/// does not know) are left alone rather than stopping the whole file, and the file is only
/// ever appended to, so nothing in it is lost.
enum KnownHosts {
    /// Compares the key the server presented with the file.
    static func check(
        session: OpaquePointer, endpoint: SSHEndpoint, key: UnsafePointer<CChar>, length: Int, type: Int32, path: String
    ) throws(SSHError) -> HostKeyCheck {
        guard let hosts = libssh2_knownhost_init(session) else {
            throw SSHError.handshake(endpoint.description, "cannot initialise the known-hosts list")
        }
        defer { libssh2_knownhost_free(hosts) }
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            for line in text.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("@") { continue }
                _ = trimmed.withCString {
                    libssh2_knownhost_readline(hosts, $0, strlen($0), Int32(LIBSSH2_KNOWNHOST_FILE_OPENSSH))
                }
            }
        }
        let mask = Int32(LIBSSH2_KNOWNHOST_TYPE_PLAIN) | Int32(LIBSSH2_KNOWNHOST_KEYENC_RAW) | knownHostKeyBits(type)
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        let result = libssh2_knownhost_checkp(hosts, endpoint.host, Int32(endpoint.port), key, length, mask, &entry)
        switch result {
        case Int32(LIBSSH2_KNOWNHOST_CHECK_MATCH): return .match
        case Int32(LIBSSH2_KNOWNHOST_CHECK_MISMATCH): return .mismatch
        case Int32(LIBSSH2_KNOWNHOST_CHECK_NOTFOUND): return .notFound
        default: throw SSHError.handshake(endpoint.description, "cannot check the host key against \(path)")
        }
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
