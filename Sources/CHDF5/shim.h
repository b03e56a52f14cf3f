// What Swift cannot import from HDF5 1.10: the global type and property-list identifiers are
// macros that expand to `(H5open(), H5T_NATIVE_FLOAT_g)`, and some flags are function-like or
// cast macros. Each becomes a small inline function or constant here.
#ifndef STRATA_CHDF5_SHIM_H
#define STRATA_CHDF5_SHIM_H

#include <hdf5.h>
#include <hdf5_hl.h>

static const hid_t strata_H5P_DEFAULT = H5P_DEFAULT;
static const hid_t strata_H5S_ALL = H5S_ALL;
static const hsize_t strata_H5S_UNLIMITED = H5S_UNLIMITED;
static const hid_t strata_H5E_DEFAULT = H5E_DEFAULT;

static inline unsigned strata_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned strata_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned strata_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned strata_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline unsigned strata_H5F_OBJ_ALL(void) { return H5F_OBJ_ALL; }

static inline hid_t strata_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t strata_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t strata_H5T_NATIVE_INT8(void) { return H5T_NATIVE_INT8; }
static inline hid_t strata_H5T_NATIVE_INT16(void) { return H5T_NATIVE_INT16; }
static inline hid_t strata_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t strata_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t strata_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t strata_H5T_NATIVE_UINT16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t strata_H5T_NATIVE_UINT32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t strata_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t strata_H5T_C_S1(void) { return H5T_C_S1; }
static inline size_t strata_H5T_VARIABLE(void) { return H5T_VARIABLE; }

// Little-endian IEEE and two's-complement file types: what a file written here stores,
// whatever machine reads it.
static inline hid_t strata_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t strata_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t strata_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t strata_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t strata_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }

static inline hid_t strata_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t strata_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t strata_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t strata_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t strata_H5P_DATASET_XFER(void) { return H5P_DATASET_XFER; }
static inline hid_t strata_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t strata_H5P_ATTRIBUTE_CREATE(void) { return H5P_ATTRIBUTE_CREATE; }

static inline unsigned strata_H5P_CRT_ORDER_TRACKED(void) { return H5P_CRT_ORDER_TRACKED; }
static inline unsigned strata_H5P_CRT_ORDER_INDEXED(void) { return H5P_CRT_ORDER_INDEXED; }


#endif
