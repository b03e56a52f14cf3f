import Pipeline

extension Console {
  /// The console as a stage's log: the library's stages report through it.
  var stageLog: StageLog {
    StageLog { [self] level, message, fields in
      switch level {
      case .info: log(.info, message, fields)
      case .warning: log(.warning, message, fields)
      case .error: log(.error, message, fields)
      }
    }
  }
}
