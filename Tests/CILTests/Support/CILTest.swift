// The tiny-model fixtures (`CILTest`) live in StrataTestSupport, shared with the probe tests;
// re-exported here so every file of this target sees them.
@_exported import StrataTestSupport
