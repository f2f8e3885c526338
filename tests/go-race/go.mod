module github.com/fwclient/fwclient-go-race

go 1.24

require github.com/fwclient/fwclient-go v0.0.0

replace github.com/fwclient/fwclient-go => ../../bindings/go
