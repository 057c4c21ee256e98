import Foundation

/// The groups of this process's login against the groups its user has now: `usermod -aG
/// docker alice` reaches alice's next login, not the one runbook runs in.
enum LoginGroups {
    /// The names of the groups this machine's user is in (`/etc/group` and the like) that
    /// this process's login lacks; empty when it has them all, or runs as root (whom group
    /// permissions do not hold back). Nil when the user cannot be looked up.
    static func missingFromThisLogin() -> [String]? {
        if geteuid() == 0 { return [] }
        guard let entry = getpwuid(getuid()) else { return nil }
        guard let now = userGroups(name: entry.pointee.pw_name, primary: entry.pointee.pw_gid) else { return nil }
        return missing(userGroups: now, loginGroups: loginGroups() + [getgid(), getegid()]).map(groupName)
    }

    /// The groups in `userGroups` and not in `loginGroups`, in order, each once.
    static func missing(userGroups: [gid_t], loginGroups: [gid_t]) -> [gid_t] {
        let had = Set(loginGroups)
        var seen: Set<gid_t> = []
        return userGroups.filter { !had.contains($0) && seen.insert($0).inserted }
    }

    /// Every group `name` is in now, `primary` among them.
    private static func userGroups(name: UnsafePointer<CChar>, primary: gid_t) -> [gid_t]? {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, primary, &groups, &count) == -1 {
            // Too many for the first guess: `count` now says how many there are.
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, primary, &groups, &count) != -1 else { return nil }
        }
        return Array(groups.prefix(Int(count)))
    }

    /// This process's supplementary groups.
    private static func loginGroups() -> [gid_t] {
        let count = getgroups(0, nil)
        guard count > 0 else { return [] }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let got = getgroups(count, &groups)
        return Array(groups.prefix(Int(max(got, 0))))
    }

    private static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid) else { return String(gid) }
        return String(cString: entry.pointee.gr_name)
    }
}
