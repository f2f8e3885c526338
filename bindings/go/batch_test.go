package fwclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

// serverConnections is how many connections the devserver accepted so far,
// this question's own included. It asks through a client of its own, which
// opens one new connection each time: a Go call may run on another OS
// thread than the last, and a client deals its threads to separate
// connection pools, so asking through the client under test could open a
// connection that is not the batch's.
func serverConnections(t *testing.T) int {
	t.Helper()
	c := devClient(t, "", seedToken)
	defer c.Close()
	r, err := c.Get(context.Background(), devURL+"/fault/connections")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Connections int `json:"connections"`
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatal(err)
	}
	return v.Connections
}

func TestGetManyYieldsEveryItemOverAtMostMaxInFlightConnections(t *testing.T) {
	c := devClient(t, "", seedToken)
	var urls []string
	for i := range 40 {
		urls = append(urls, fmt.Sprintf("%s/echo?item=%d", devURL, i))
	}
	before := serverConnections(t)
	var seen []int
	for item, err := range c.GetMany(context.Background(), urls, 5) {
		if err != nil {
			t.Fatalf("item %d: %v", item.Index, err)
		}
		e := decodeEcho(t, item.Response)
		if want := fmt.Sprintf("item=%d", item.Index); e.Query != want {
			t.Errorf("item %d answered %q", item.Index, e.Query)
		}
		if e.Authorization == nil || *e.Authorization != "Bearer "+seedToken {
			t.Errorf("item %d sent %v", item.Index, e.Authorization)
		}
		seen = append(seen, item.Index)
	}
	// Less the second question's own connection.
	if n := serverConnections(t) - before - 1; n > 5 {
		t.Errorf("%d connections for 5 in flight", n)
	}
	slices.Sort(seen)
	if len(seen) != 40 || seen[0] != 0 || seen[39] != 39 {
		t.Errorf("items %v", seen)
	}
}

func TestGetManyErrorsArePerItem(t *testing.T) {
	c := devClient(t, "", seedToken)
	urls := []string{devURL + "/fault/status?code=404", devURL + "/echo"}
	got := map[int]error{}
	for item, err := range c.GetMany(context.Background(), urls, 2) {
		got[item.Index] = err
	}
	if len(got) != 2 || got[1] != nil || !errors.Is(got[0], fwclient.ErrHTTPStatus) {
		t.Errorf("results %v", got)
	}
	var fe *fwclient.Error
	if errors.As(got[0], &fe) && fe.HTTPStatus != 404 {
		t.Errorf("status %d", fe.HTTPStatus)
	}
}

func TestBreakingTheLoopStopsTheBatch(t *testing.T) {
	c := devClient(t, "", seedToken)
	// The stalled item would take ten minutes: the loop must not wait for it.
	urls := []string{devURL + "/fault/stall?ms=600000", devURL + "/echo?a", devURL + "/echo?b"}
	var seen []int
	for item, err := range c.GetMany(context.Background(), urls, 3) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, item.Index)
		break
	}
	if len(seen) != 1 || seen[0] == 0 {
		t.Errorf("items %v", seen)
	}
}

func TestCancelingTheContextStopsTheBatch(t *testing.T) {
	c := devClient(t, "", seedToken)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urls := []string{devURL + "/echo", devURL + "/fault/stall?ms=600000"}
	var last error
	n := 0
	for item, err := range c.GetMany(ctx, urls, 2) {
		n++
		if item.Index == 0 {
			cancel()
		}
		last = err
	}
	if n != 2 || !errors.Is(last, context.Canceled) || !errors.Is(last, fwclient.ErrCanceled) {
		t.Errorf("%d yields, last %v", n, last)
	}
}

func TestSendManySendsMethodsAndBodies(t *testing.T) {
	c := devClient(t, "", seedToken)
	var reqs []fwclient.BatchRequest
	for i := range 4 {
		m := "POST"
		if i%2 == 1 {
			m = "PUT"
		}
		reqs = append(reqs, fwclient.BatchRequest{Method: m, URL: devURL + "/echo", Body: make([]byte, i*9), ContentType: "application/octet-stream"})
	}
	n := 0
	for item, err := range c.SendMany(context.Background(), reqs, 2) {
		if err != nil {
			t.Fatal(err)
		}
		e := decodeEcho(t, item.Response)
		if e.Method != reqs[item.Index].Method || e.BodyLen != item.Index*9 {
			t.Errorf("item %d: %+v", item.Index, e)
		}
		n++
	}
	if n != 4 {
		t.Errorf("%d items", n)
	}
}

func TestZeroInFlightIsTheBatchsError(t *testing.T) {
	c := devClient(t, "", seedToken)
	for item, err := range c.GetMany(context.Background(), []string{devURL + "/echo"}, 0) {
		if item.Index != -1 || !errors.Is(err, fwclient.ErrInvalidArgument) {
			t.Errorf("%+v %v", item, err)
		}
	}
}
