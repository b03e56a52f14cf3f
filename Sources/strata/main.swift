import StrataCommands

Strata.checkEnvironment()
Strata.suggestMistypedCommand()
Strata.main()
