package fwclient

// BackstopFrees is how many handles a GC cleanup has freed (not Close).
func BackstopFrees() int64 { return backstopFrees.Load() }
