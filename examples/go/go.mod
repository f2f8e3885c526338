module fwclient-examples

go 1.24

require github.com/fwclient/fwclient/bindings/go v0.0.0

// The binding in this repository (no download).
replace github.com/fwclient/fwclient/bindings/go => ../../bindings/go
