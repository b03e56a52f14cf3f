import StrataCommands

Strata.checkEnvironment()
Strata.suggestMistypedCommand()
Strata.runRemovingUnusedFolders()
