module github.com/fwclient/fwclient-go

go 1.24
