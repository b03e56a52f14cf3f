/// Placeholder until the memory ledger lands (issue 4).
enum CILPlaceholder {}
