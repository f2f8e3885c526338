module github.com/fwclient/fwclient/benches/go

go 1.24

require github.com/fwclient/fwclient/bindings/go v0.0.0

replace github.com/fwclient/fwclient/bindings/go => ../../bindings/go
