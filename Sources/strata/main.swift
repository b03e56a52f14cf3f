import StrataCommands

Strata.checkEnvironment()
Strata.main()
