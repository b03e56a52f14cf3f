import StrataCommands

Strata.main()
