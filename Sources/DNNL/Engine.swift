import CDNNL
public enum DNNLPlaceholder { public static func v() -> Int32 { dnnl_version().pointee.major } }
