import CHDF5
public enum HDF5Placeholder { public static func v() -> Int32 { var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0; _ = H5get_libversion(&a,&b,&c); _ = strata_H5T_NATIVE_FLOAT(); _ = H5DSis_scale(0); return Int32(a*100+b) } }
