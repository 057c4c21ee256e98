import Foundation
import RunbookModel
import Testing

@testable import RunbookGuide

@Suite("choices between operating systems")
struct PlatformTests {
    @Test(arguments: [
        ("On macOS:", false, "macos"), ("**Ubuntu/Debian:**", false, "ubuntu-debian"),
        ("For Fedora or RHEL (dnf):", false, "fedora-rhel"), ("Amazon Linux 2023:", false, "amazon"),
        ("Ubuntu 24.04 LTS:", false, "ubuntu"), ("If you're on Windows:", false, "windows"),
        ("On Mac OS X:", false, "macos"), ("Linux users:", false, "linux"), ("macOS", true, "macos"),
        ("Debian / Ubuntu", true, "debian-ubuntu"),
    ])
    func leadInsAndHeadingsNameSystems(text: String, heading: Bool, id: String) {
        #expect(Patterns.operatingSystem(text, heading: heading)?.id == id)
    }

    @Test(arguments: [
        ("Install it on macOS with Homebrew:", false), ("On the server:", false), ("macOS", false),
        ("Ubuntu packages are old, so:", false), ("Install", true), ("On your laptop:", false),
    ])
    func otherTextNamesNone(text: String, heading: Bool) {
        #expect(Patterns.operatingSystem(text, heading: heading) == nil)
    }

    @Test func aMachineIsDescribedByItsReleaseFile() {
        let ubuntu = Platform(linuxRelease: "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n")
        #expect(ubuntu.names == ["ubuntu", "debian", "linux"])
        let amazon = Platform(linuxRelease: "ID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\n")
        #expect(amazon.names == ["amazon", "centos", "rhel", "fedora", "linux"])
        #expect(ubuntu.fit(["ubuntu"])! > ubuntu.fit(["debian"])!)
        #expect(ubuntu.fit(["debian"])! > ubuntu.fit(["linux"])!)
        #expect(Platform(names: ["debian", "linux"]).fit(["ubuntu"]) == 1)
        #expect(ubuntu.fit(["macos"]) == nil)
        #expect(ubuntu.fit(["fedora"]) == nil)
    }

    let guide = """
        # G
        ## Install jq
        **macOS:**
        \(fence)bash
        brew install jq
        \(fence)
        **Ubuntu/Debian:**
        \(fence)bash
        sudo apt-get install -y jq
        \(fence)
        ## Install node
        ### macOS
        \(fence)bash
        brew install node
        \(fence)
        ### Fedora
        \(fence)bash
        sudo dnf install -y nodejs
        \(fence)
        ## Check
        \(fence)bash
        jq --version
        \(fence)
        """

    /// Lead-ins or sibling headings that name systems are a choice: one branch runs, the one
    /// for the machine the steps run on.
    @Test func theBranchForThisMachineRuns() {
        let read = read(guide)
        #expect(read.choices.map(\.id) == ["install-jq", "install-node"])
        #expect(read.choices.map { $0.options.map(\.id) } == [["macos", "ubuntu-debian"], ["macos", "fedora"]])
        #expect(read.choices[0].options.map(\.platforms) == [["macos"], ["ubuntu", "debian"]])
        let onUbuntu = read.choosingPlatform(Platform(names: ["ubuntu", "debian", "linux"]))
        #expect(onUbuntu.choices.map(\.chosen) == ["ubuntu-debian", "macos"])
        #expect(
            onUbuntu.choices.map(\.reason) == [
                "the one for this machine (ubuntu)", "first option: none is for this machine (ubuntu)",
            ])
        #expect(onUbuntu.steps.map(\.runs) == [false, true, true, false, true])
        let onMac = read.choosingPlatform(Platform(names: ["macos"]))
        #expect(onMac.steps.map(\.runs) == [true, false, true, false, true])
        let chosen = try? read.choosing(["install-jq": "macos"]).choosingPlatform(Platform(names: ["debian", "linux"]))
        #expect(chosen?.choices.map(\.chosen) == ["macos", "macos"])
        #expect(chosen?.choices[0].reason == "chosen with --choose")
    }

    /// Another machine's system is not known before it is reached: an earlier choice made for
    /// it decides, else the first option runs and the plan says why.
    @Test func anotherMachineFollowsTheSystemChosenForIt() throws {
        let remote = read(
            """
            # G
            ## Packages
            ### Option A (recommended): Amazon Linux 2023
            \(fence)bash
            ssh ec2-user@203.0.113.7
            sudo dnf install -y nginx
            \(fence)
            ### Option B (alternate): Ubuntu 24.04 LTS
            \(fence)bash
            sudo apt-get install -y nginx
            \(fence)
            ## Client
            Ubuntu 24.04:
            \(fence)bash
            sudo apt-get install -y postgresql-client
            \(fence)
            Amazon Linux 2023:
            \(fence)bash
            sudo dnf install -y postgresql15
            \(fence)
            """)
        #expect(remote.choices[0].options.map(\.platforms) == [["amazon"], ["ubuntu"]])
        let decided = remote.choosingPlatform(Platform(names: ["macos"]))
        #expect(decided.choices.map(\.chosen) == ["A", "amazon"])
        #expect(decided.choices[1].reason == "the one for server's system (amazon), as packages chose")
        let other = try remote.choosing(["packages": "B"]).choosingPlatform(Platform(names: ["macos"]))
        #expect(other.choices.map(\.chosen) == ["B", "ubuntu"])
        let unknown = read(
            "# G\n## Client\n\(fence)bash\nssh admin@203.0.113.7\n\(fence)\nUbuntu:\n\(fence)bash\napt-get install -y jq\n\(fence)\n"
                + "Fedora:\n\(fence)bash\ndnf install -y jq\n\(fence)\n"
        ).choosingPlatform(Platform(names: ["macos"]))
        #expect(unknown.choices.map(\.chosen) == ["ubuntu"])
        #expect(
            unknown.choices[0].reason == "first option: server's system is not known before it is reached; choose with --choose")
    }
}
