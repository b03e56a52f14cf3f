/// Strata's version, printed by `strata --version` and written into every file's provenance.
public enum StrataVersion {
  public static let string = "0.1.0"
}
