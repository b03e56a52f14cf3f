import Testing
@testable import Pipeline
@testable import StrataCommands

@Suite struct StrataCommandTests {
  @Test func versionMatchesConfiguration() {
    #expect(Strata.configuration.version == StrataVersion.string)
  }

  @Test func helpNamesTheTool() {
    let help = Strata.helpMessage()
    #expect(help.contains("USAGE: strata"))
    #expect(help.contains("class-incremental"))
  }
}
