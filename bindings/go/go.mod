module github.com/fwclient/fwclient/bindings/go

go 1.24
