import Testing

@testable import RunbookEngine

struct StepScriptTests {
    /// For an unquoted heredoc, only environment-style names stay expandable: a lower-case
    /// `$host`, a backslash, a backtick and a `$` before anything else are escaped.
    @Test(arguments: [
        ("a $B ${C} $d", "a $B ${C} \\$d"), (#"x \ `e` $(date)"#, #"x \\ \`e\` \$(date)"#),
        ("${F:-x} $G1 $9 $Hi", "${F:-x} $G1 \\$9 \\$Hi"), ("cost $", "cost \\$"),
    ])
    func expandable(text: String, escaped: String) {
        #expect(StepScript.expandable(text) == escaped)
    }

    @Test func aPathIsOneWordWithHomeAndNamesExpanded() {
        #expect(StepScript.pathWord("~/.config/app.toml") == #""$HOME""/.config/app.toml""#)
        #expect(StepScript.pathWord(#"${APP_DIR}/my "x".env"#) == #""${APP_DIR}/my \"x\".env""#)
    }

    @Test func theDelimiterIsNoLineOfTheText() {
        #expect(StepScript.delimiter(avoiding: "a\nb") == "RUNBOOK_EOF")
        #expect(StepScript.delimiter(avoiding: "a\nRUNBOOK_EOF\nRUNBOOK_EOF_2") == "RUNBOOK_EOF_3")
    }
}
