package fwclient

// BackstopFrees is how many handles a GC cleanup has freed (not Close).
func BackstopFrees() int64 { return backstopFrees.Load() }

// FixInGo is what an *Error says after its problem for remedy r.
func FixInGo(r Remedy, data string) string { return r.inGo(data) }

// Remedies is every remedy of the header (lists_gen.go).
func Remedies() []Remedy {
	out := make([]Remedy, 0, len(remedyNames))
	for r := range remedyNames {
		out = append(out, r)
	}
	return out
}
