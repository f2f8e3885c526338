package fwclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

const (
	seedToken    = "fake_token_123"         // user 1, valid
	wrongToken   = "another_fake_token_678" // unknown to the server
	adminToken   = "admin_fake_token_456"   // user 2, admin
	tosToken     = "tos_fake_token_789"     // user 3, has not accepted flywire's ToS
	expiringSeed = "expiring_fake_token_000"
)

func mustClient(t *testing.T, datastack string, opts *fwclient.Options) *fwclient.Client {
	t.Helper()
	c, err := fwclient.NewClient(datastack, opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// devClient is a client of the devserver with token (none for "").
func devClient(t *testing.T, datastack, token string) *fwclient.Client {
	t.Helper()
	needServer(t)
	return mustClient(t, datastack, &fwclient.Options{ServerAddress: devURL, Token: token})
}

type echo struct {
	Method        string  `json:"method"`
	Path          string  `json:"path"`
	Query         string  `json:"query"`
	Authorization *string `json:"authorization"`
	Cookie        *string `json:"cookie"`
	BodyLen       int     `json:"body_len"`
	Origin        string  `json:"origin"`
}

func decodeEcho(t *testing.T, r *fwclient.Response) echo {
	t.Helper()
	var e echo
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("echo body %q: %v", r.Body, err)
	}
	return e
}

func TestClientOffline(t *testing.T) {
	freshHome(t)
	// No network: an unreachable server does not matter until a request.
	c := mustClient(t, "minnie65_public", nil)
	if addr, err := c.ServerAddress(); err != nil || addr != "https://global.daf-apis.com" {
		t.Fatalf("ServerAddress = %q, %v", addr, err)
	}
	g := mustClient(t, "", &fwclient.Options{ServerAddress: "https://example.org"})
	if addr, err := g.ServerAddress(); err != nil || addr != "https://example.org" {
		t.Fatalf("ServerAddress = %q, %v", addr, err)
	}
	// The client's auth is shared live, and outlives the client.
	a, err := c.Auth()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	wantToken(t, a, "")
	if err := a.SetToken(seedToken); err != nil {
		t.Fatal(err)
	}
	b, err := c.Auth()
	if err != nil {
		t.Fatal(err)
	}
	wantToken(t, b, seedToken)
	b.Close()
	c.Close()
	wantToken(t, a, seedToken)
	// NUL in a name is refused before the C call.
	_, err = fwclient.NewClient("a\x00b", nil)
	wantCode(t, err, fwclient.ErrInvalidArgument)
}

func TestDatastackInfo(t *testing.T) {
	freshHome(t)
	c := devClient(t, "minnie65_public", seedToken)
	info, err := c.DatastackInfo(context.Background())
	if err != nil {
		t.Fatalf("DatastackInfo: %v", err)
	}
	want := fwclient.AlignedVolume{Name: "minnie65_phase3", ID: 1, ImageSource: "precomputed://" + devURL + "/imagery/minnie65/em",
		Description: "MICrONS mouse visual cortex, phase 3 alignment"}
	if info.LocalServer != devURL || info.AlignedVolume != want || info.SynapseTable != "synapses_pni_2" ||
		info.SomaTable != "nucleus_detection_v0" || info.AnalysisDatabase != "" ||
		info.SegmentationSource != "graphene://"+devURL+"/segmentation/table/minnie3_v1" ||
		info.ViewerSite != devURL+"/neuroglancer" || !strings.Contains(info.Description, "minnie65") ||
		info.ViewerResolutionX != 4 || info.ViewerResolutionY != 4 || info.ViewerResolutionZ != 40 {
		t.Fatalf("info %+v", info)
	}
	var raw map[string]any
	if err := json.Unmarshal(info.Raw, &raw); err != nil || raw["skeleton_source"] == nil {
		t.Fatalf("Raw %s: %v", info.Raw, err)
	}
	if ls, err := c.LocalServer(context.Background()); err != nil || ls != devURL {
		t.Fatalf("LocalServer = %q, %v", ls, err)
	}
}

// The seed's flow against a server: save the token, and a new client uses it.
func TestSavedTokenIsApplied(t *testing.T) {
	freshHome(t)
	needServer(t)
	c := mustClient(t, "minnie65_public", &fwclient.Options{ServerAddress: devURL})
	_, err := c.DatastackInfo(context.Background())
	wantCode(t, err, fwclient.ErrNotAuthenticated)
	a, err := c.Auth()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.SaveToken(seedToken, nil); err != nil {
		t.Fatal(err)
	}
	// The same client now sends it ...
	if _, err := c.DatastackInfo(context.Background()); err != nil {
		t.Fatalf("after SaveToken: %v", err)
	}
	// ... and so does a new one, from the file.
	d := mustClient(t, "minnie65_public", &fwclient.Options{ServerAddress: devURL})
	if u, err := d.Whoami(context.Background()); err != nil || u.ID != 1 {
		t.Fatalf("Whoami = %+v, %v", u, err)
	}
}

func TestWhoami(t *testing.T) {
	freshHome(t)
	u, err := devClient(t, "", seedToken).Whoami(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != 1 || u.Name != "Ada Lovelace" || u.Email != "ada@example.org" || u.Admin || u.PI != "Charles Babbage" ||
		!slices.Equal(u.Affiliations, []string{"Analytical Engine Lab"}) || u.Created == "" || len(u.Raw) == 0 {
		t.Fatalf("Whoami = %+v", u)
	}
}

func TestDatastacks(t *testing.T) {
	freshHome(t)
	names, err := devClient(t, "", seedToken).Datastacks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"fanc_production", "minnie65_public"}) {
		t.Fatalf("Datastacks = %q", names)
	}
}

func TestCreateTokenAndTTL(t *testing.T) {
	freshHome(t)
	c := devClient(t, "", seedToken)
	tok, err := c.CreateToken(context.Background(), "made by the Go tests")
	if err != nil {
		t.Fatal(err)
	}
	if tok == "" || tok == seedToken {
		t.Fatalf("CreateToken = %q", tok)
	}
	if ttl, err := c.TokenTTL(context.Background(), tok); err != nil || ttl != fwclient.NeverExpires {
		t.Fatalf("TokenTTL(new) = %v, %v", ttl, err)
	}
	if ttl, err := c.TokenTTL(context.Background(), expiringSeed); err != nil || ttl <= 3000*time.Second || ttl > 3600*time.Second || ttl%time.Second != 0 {
		t.Fatalf("TokenTTL(expiring) = %v, %v", ttl, err)
	}
	tokens, err := c.GetTokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tokens, func(ti fwclient.TokenInfo) bool { return ti.Token == tok })
	if i < 0 || tokens[i].Description != "made by the Go tests" || tokens[i].UserID != 1 || tokens[i].Created == "" {
		t.Fatalf("GetTokens = %v", tokens)
	}
	if s := tokens[i].String(); strings.Contains(s, tok) || !strings.Contains(s, "redacted") {
		t.Fatalf("TokenInfo.String shows the token: %s", s)
	}
	// Existing keys stay valid; the new one works.
	if _, err := devClient(t, "", tok).Whoami(context.Background()); err != nil {
		t.Fatalf("new token: %v", err)
	}
	if _, err := c.Whoami(context.Background()); err != nil {
		t.Fatalf("old token: %v", err)
	}
	// Without a description.
	if tok2, err := c.CreateToken(context.Background(), ""); err != nil || tok2 == "" || tok2 == tok {
		t.Fatalf("CreateToken(\"\") = %q, %v", tok2, err)
	}
	// Someone else's token.
	_, err = c.TokenTTL(context.Background(), adminToken)
	var e *fwclient.Error
	if !errors.As(err, &e) || e.HTTPStatus != 404 {
		t.Fatalf("TokenTTL(other's) = %v", err)
	}
	_, err = c.TokenTTL(context.Background(), "bad token")
	wantCode(t, err, fwclient.ErrInvalidTokenFormat)
}

func TestNotAuthenticated(t *testing.T) {
	freshHome(t)
	c := devClient(t, "minnie65_public", "")
	_, err := c.DatastackInfo(context.Background())
	e := wantCode(t, err, fwclient.ErrNotAuthenticated)
	if e.HTTPStatus != 401 || e.URL == "" || e.Message == "" {
		t.Fatalf("detail %+v", e)
	}
	_, err = c.Whoami(context.Background())
	wantCode(t, err, fwclient.ErrNotAuthenticated)
}

func TestInvalidToken(t *testing.T) {
	freshHome(t)
	c := devClient(t, "minnie65_public", wrongToken)
	_, err := c.DatastackInfo(context.Background())
	e := wantCode(t, err, fwclient.ErrInvalidToken)
	if e.HTTPStatus != 401 || e.ServerID != "invalid_token" || !strings.Contains(e.URL, "/info/api/v2/datastack/full/minnie65_public") ||
		len(e.Body) == 0 {
		t.Fatalf("detail %+v", e)
	}
	if strings.Contains(e.Message, wrongToken) || strings.Contains(e.URL, wrongToken) {
		t.Fatalf("the error shows the token: %+v", e)
	}
}

func TestMissingTOS(t *testing.T) {
	freshHome(t)
	c := devClient(t, "flywire_fafb", tosToken)
	_, err := c.DatastackInfo(context.Background())
	e := wantCode(t, err, fwclient.ErrMissingTOS)
	if e.HTTPStatus != 403 || e.ServerID != "missing_tos" || e.TOSFormURL == "" {
		t.Fatalf("detail %+v", e)
	}
	if !strings.HasPrefix(e.TOSFormURL, devURL) {
		t.Fatalf("TOSFormURL %q", e.TOSFormURL)
	}
}

func TestForbiddenAndAdmin(t *testing.T) {
	freshHome(t)
	c := devClient(t, "", seedToken)
	_, err := c.GetUserInformation(context.Background(), []uint64{1, 2})
	e := wantCode(t, err, fwclient.ErrForbidden)
	if e.HTTPStatus != 403 {
		t.Fatalf("detail %+v", e)
	}
	_, err = c.GetGroupUsers(context.Background(), 1)
	wantCode(t, err, fwclient.ErrForbidden)

	admin := devClient(t, "", adminToken)
	users, err := admin.GetUserInformation(context.Background(), []uint64{1, 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].Name != "Ada Lovelace" || users[1].ID != 3 || len(users[0].Raw) == 0 {
		t.Fatalf("GetUserInformation = %+v", users)
	}
	_, err = admin.GetUserInformation(context.Background(), nil)
	wantCode(t, err, fwclient.ErrInvalidArgument)
	members, err := admin.GetGroupUsers(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []fwclient.GroupMember{{ID: 1, Name: "Ada Lovelace"}, {ID: 2, Name: "Grace Hopper", Admin: true}}
	if !slices.Equal(members, want) {
		t.Fatalf("GetGroupUsers = %+v", members)
	}
}

func TestGetAndRequest(t *testing.T) {
	freshHome(t)
	c := devClient(t, "minnie65_public", seedToken)
	r, err := c.Get(context.Background(), devURL+"/echo?a=1")
	if err != nil {
		t.Fatal(err)
	}
	e := decodeEcho(t, r)
	if r.Status != 200 || e.Method != "GET" || e.Path != "/echo" || e.Query != "a=1" ||
		e.Authorization == nil || *e.Authorization != "Bearer "+seedToken {
		t.Fatalf("echo %+v (status %d)", e, r.Status)
	}
	if ct, ok := r.Header("content-TYPE"); !ok || !strings.Contains(ct, "json") {
		t.Fatalf("Content-Type = %q, %v", ct, ok)
	}
	if n, ok := r.Header("Content-Length"); !ok || n == "" {
		t.Fatalf("Content-Length = %q, %v", n, ok)
	}
	if _, ok := r.Header("X-Not-There"); ok {
		t.Fatal("an absent header was found")
	}

	body := []byte(`{"x": 1}`)
	r, err = c.Request(context.Background(), "POST", devURL+"/echo", body, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	if e := decodeEcho(t, r); e.Method != "POST" || e.BodyLen != len(body) {
		t.Fatalf("echo %+v", e)
	}
	r, err = c.Request(context.Background(), "PUT", devURL+"/echo", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if e := decodeEcho(t, r); e.Method != "PUT" || e.BodyLen != 0 {
		t.Fatalf("echo %+v", e)
	}
	// Another origin is not trusted: no token is sent there.
	needOther(t)
	r, err = c.Get(context.Background(), devOtherURL+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	if e := decodeEcho(t, r); e.Authorization != nil || e.Cookie != nil {
		t.Fatalf("token sent to an untrusted origin: %+v", e)
	}
}

func TestRepeatedHeaders(t *testing.T) {
	freshHome(t)
	c := devClient(t, "", "")
	r, err := c.Get(context.Background(), devURL+"/fault/headers")
	if err != nil {
		t.Fatal(err)
	}
	// Every value kept, as net/http keeps them, and joined by Header.
	if got := r.Headers.Values("x-fw-repeat"); !slices.Equal(got, []string{"one", "two"}) {
		t.Fatalf("Headers[X-Fw-Repeat] = %q", got)
	}
	if got := r.Headers.Get("X-Fw-Single"); got != "alone" {
		t.Fatalf("Headers[X-Fw-Single] = %q", got)
	}
	if v, ok := r.Header("X-FW-REPEAT"); !ok || v != "one, two" {
		t.Fatalf("Header(X-FW-REPEAT) = %q, %v", v, ok)
	}
}

func TestClientsShareAnAuth(t *testing.T) {
	freshHome(t)
	needServer(t)
	opts := &fwclient.Options{ServerAddress: devURL, Token: "fake_shared_token_1"}
	a, err := fwclient.NewAuth(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c1, err := fwclient.NewClientWithAuth("minnie65_public", a, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := fwclient.NewClientWithAuth("", a, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	sent := func(c *fwclient.Client) string {
		t.Helper()
		r, err := c.Get(context.Background(), devURL+"/echo")
		if err != nil {
			t.Fatal(err)
		}
		if e := decodeEcho(t, r); e.Authorization != nil {
			return *e.Authorization
		}
		return ""
	}
	if got := sent(c1); got != "Bearer fake_shared_token_1" {
		t.Fatalf("sent %q", got)
	}
	// Set on the auth: both clients send the new token...
	if err := a.SetToken("fake_shared_token_2"); err != nil {
		t.Fatal(err)
	}
	if got1, got2 := sent(c1), sent(c2); got1 != "Bearer fake_shared_token_2" || got2 != got1 {
		t.Fatalf("sent %q and %q", got1, got2)
	}
	// ...and a save through one client's auth reaches the other, after the
	// first *Auth is closed.
	a.Close()
	back, err := c2.Auth()
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if err := back.SaveToken("fake_shared_token_3", nil); err != nil {
		t.Fatal(err)
	}
	if got := sent(c1); got != "Bearer fake_shared_token_3" {
		t.Fatalf("sent %q", got)
	}
	// A closed or nil auth is refused with a message.
	if _, err := fwclient.NewClientWithAuth("", a, nil); !errors.Is(err, fwclient.ErrInvalidArgument) {
		t.Fatalf("closed auth: %v", err)
	}
	if _, err := fwclient.NewClientWithAuth("", nil, nil); !errors.Is(err, fwclient.ErrInvalidArgument) {
		t.Fatalf("nil auth: %v", err)
	}
}

func TestOptionErrorsCarryTheLibraryMessage(t *testing.T) {
	freshHome(t)
	_, err := fwclient.NewClient("", &fwclient.Options{Token: "has space"})
	var fe *fwclient.Error
	if !errors.As(err, &fe) || fe.Code != fwclient.CodeInvalidTokenFormat {
		t.Fatalf("err = %v", err)
	}
	if fe.Message == fe.Name || strings.Contains(fe.Message, "has space") {
		t.Fatalf("message %q: want the library's, without the token", fe.Message)
	}
	_, err = fwclient.NewClient("", &fwclient.Options{MaxBodyBytes: -1})
	if !errors.As(err, &fe) || !strings.Contains(fe.Message, "the body limit") {
		t.Fatalf("err = %v", err)
	}
}

func needOther(t *testing.T) {
	t.Helper()
	if devOtherURL == "" {
		t.Skip("no FW_DEVSERVER_OTHER_URL")
	}
}

func TestTrustedOrigins(t *testing.T) {
	freshHome(t)
	needServer(t)
	needOther(t)
	c := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, Token: seedToken, TrustedOrigins: []string{devOtherURL}})
	r, err := c.Get(context.Background(), devOtherURL+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	if e := decodeEcho(t, r); e.Authorization == nil || *e.Authorization != "Bearer "+seedToken {
		t.Fatalf("token not sent to a trusted origin: %+v", e)
	}
}

func TestProxyOptionAndUntrustedOrigin(t *testing.T) {
	freshHome(t)
	needServer(t)
	needOther(t)
	// A SOCKS proxy is refused, never bypassed.
	_, err := fwclient.NewClient("", &fwclient.Options{ServerAddress: devURL, Token: seedToken, Proxy: "socks5://127.0.0.1:1080"})
	wantCode(t, err, fwclient.ErrInvalidArgument)
	// Loopback never goes through a proxy (nothing listens on port 9).
	c := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, Token: seedToken, Proxy: "http://127.0.0.1:9"})
	if _, err := c.Whoami(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A request the token was withheld from says so, and how to trust the origin.
	_, err = c.Get(context.Background(), devOtherURL+"/auth/api/v1/user/me")
	e := wantCode(t, err, fwclient.ErrUntrustedOrigin)
	// The fix in Go's words, never a C call.
	trust := fmt.Sprintf("to trust it, add %q to Options.TrustedOrigins", devOtherURL)
	if !strings.Contains(e.Message, devOtherURL) || !strings.HasSuffix(e.Message, "; "+trust) || strings.Contains(e.Message, "fw_") {
		t.Fatalf("message %q", e.Message)
	}
	if e.Remedy != fwclient.RemedyTrustOrigin || e.RemedyData != devOtherURL || strings.Contains(e.Problem, "Options") {
		t.Fatalf("remedy %v %q, problem %q", e.Remedy, e.RemedyData, e.Problem)
	}
}

func TestRequestErrors(t *testing.T) {
	freshHome(t)
	c := devClient(t, "", seedToken)

	_, err := c.Get(context.Background(), devURL+"/fault/status?code=500")
	e := wantCode(t, err, fwclient.ErrHTTPStatus)
	if e.HTTPStatus != 500 || !strings.Contains(string(e.Body), "status 500") || !strings.Contains(e.URL, "/fault/status") {
		t.Fatalf("detail %+v body %q", e, e.Body)
	}
	_, err = c.Get(context.Background(), devURL+"/fault/json-garbage")
	if err != nil {
		t.Fatalf("a 2xx with any body is a response: %v", err)
	}
	_, err = c.Get(context.Background(), "not a url")
	wantCode(t, err, fwclient.ErrInvalidURL)
	_, err = c.Get(context.Background(), "http://127.0.0.1:1/nothing")
	wantCode(t, err, fwclient.ErrNetwork)
	_, err = c.Request(context.Background(), "GET", "a\x00b", nil, "")
	wantCode(t, err, fwclient.ErrInvalidArgument)
}

func TestTimeoutsRetriesAndLimits(t *testing.T) {
	freshHome(t)
	needServer(t)
	fast := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, TotalTimeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := fast.Get(context.Background(), devURL+"/fault/stall?ms=3000")
	wantCode(t, err, fwclient.ErrTimeout)
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Fatalf("the timeout took %v", d)
	}

	small := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, MaxBodyBytes: 100})
	_, err = small.Get(context.Background(), devURL+"/fault/big?bytes=1000")
	wantCode(t, err, fwclient.ErrBadResponse)
	if r, err := small.Get(context.Background(), devURL+"/fault/big?bytes=50"); err != nil || len(r.Body) != 50 {
		t.Fatalf("small body: %v", err)
	}

	// Keys unique to this run: the server counts attempts per key.
	key := strconv.FormatInt(time.Now().UnixNano(), 36)
	zero := 0
	noRetry := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, MaxRetries: &zero})
	_, err = noRetry.Get(context.Background(), devURL+"/fault/flaky?key=go-noretry-"+key+"&fail=1&status=503")
	if e := wantCode(t, err, fwclient.ErrHTTPStatus); e.HTTPStatus != 503 {
		t.Fatalf("detail %+v", e)
	}
	retry := mustClient(t, "", &fwclient.Options{ServerAddress: devURL})
	r, err := retry.Get(context.Background(), devURL+"/fault/flaky?key=go-retry-"+key+"&fail=1&status=503")
	if err != nil {
		t.Fatalf("a retried request failed: %v", err)
	}
	var flaky struct{ Attempts int }
	if json.Unmarshal(r.Body, &flaky); flaky.Attempts != 2 {
		t.Fatalf("flaky answered %s", r.Body)
	}
}

func TestInsecureHTTP(t *testing.T) {
	freshHome(t)
	// A token over plain http to a non-loopback host is refused before any
	// connection ...
	c := mustClient(t, "", &fwclient.Options{ServerAddress: "http://fwclient-test.invalid", Token: seedToken, MaxRetries: new(int)})
	_, err := c.Whoami(context.Background())
	wantCode(t, err, fwclient.ErrInsecureURL)
	// ... unless allowed: then the name does not resolve.
	d := mustClient(t, "", &fwclient.Options{ServerAddress: "http://fwclient-test.invalid", Token: seedToken, MaxRetries: new(int),
		AllowInsecureHTTP: true, ConnectTimeout: 2 * time.Second})
	_, err = d.Whoami(context.Background())
	if errors.Is(err, fwclient.ErrInsecureURL) || !(errors.Is(err, fwclient.ErrNetwork) || errors.Is(err, fwclient.ErrTimeout)) {
		t.Fatalf("allowed insecure http: %v", err)
	}
}

func TestTLSAndCAFile(t *testing.T) {
	freshHome(t)
	needServer(t)
	dir := t.TempDir()
	srv, err := startDevserver("--tls-self-signed", dir)
	if err != nil {
		t.Fatalf("TLS devserver: %v", err)
	}
	defer srv.stop()
	if !strings.HasPrefix(srv.url, "https://") {
		t.Fatalf("TLS devserver URL %s", srv.url)
	}
	untrusting := mustClient(t, "", &fwclient.Options{ServerAddress: srv.url, Token: seedToken, MaxRetries: new(int)})
	_, err = untrusting.Whoami(context.Background())
	wantCode(t, err, fwclient.ErrTLS)

	c := mustClient(t, "", &fwclient.Options{ServerAddress: srv.url, Token: seedToken, CAFile: filepath.Join(dir, "ca.pem")})
	if u, err := c.Whoami(context.Background()); err != nil || u.ID != 1 {
		t.Fatalf("Whoami with CAFile = %+v, %v", u, err)
	}

	// A CA file that cannot be read fails the client's creation.
	_, err = fwclient.NewClient("", &fwclient.Options{ServerAddress: srv.url, CAFile: filepath.Join(dir, "missing.pem")})
	if e := wantCode(t, err, fwclient.ErrIO); !strings.Contains(e.Message, "missing.pem") {
		t.Fatalf("message %q", e.Message)
	}
}

// Every method of a closed (or nil) Client returns an ErrInvalidArgument
// error and never reaches freed memory.
func TestClosedClient(t *testing.T) {
	freshHome(t)
	c, err := fwclient.NewClient("minnie65_public", &fwclient.Options{Token: seedToken})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Auth()
	if err != nil {
		t.Fatal(err)
	}
	if c.Close() != nil || c.Close() != nil {
		t.Fatal("Close returned an error")
	}
	// The auth reference lives on.
	wantToken(t, a, seedToken)
	a.Close()
	var nilClient *fwclient.Client
	for _, x := range []*fwclient.Client{c, nilClient} {
		var err error
		_, err = x.Auth()
		checkClosed(t, err)
		_, err = x.ServerAddress()
		checkClosed(t, err)
		_, err = x.LocalServer(context.Background())
		checkClosed(t, err)
		_, err = x.Get(context.Background(), "http://127.0.0.1:1/")
		checkClosed(t, err)
		_, err = x.Request(context.Background(), "POST", "http://127.0.0.1:1/", []byte("x"), "text/plain")
		checkClosed(t, err)
		_, err = x.DatastackInfo(context.Background())
		checkClosed(t, err)
		_, err = x.Datastacks(context.Background())
		checkClosed(t, err)
		_, err = x.Whoami(context.Background())
		checkClosed(t, err)
		_, err = x.GetTokens(context.Background())
		checkClosed(t, err)
		_, err = x.CreateToken(context.Background(), "x")
		checkClosed(t, err)
		_, err = x.TokenTTL(context.Background(), seedToken)
		checkClosed(t, err)
		_, err = x.GetUserInformation(context.Background(), []uint64{1})
		checkClosed(t, err)
		_, err = x.GetGroupUsers(context.Background(), 1)
		checkClosed(t, err)
		if x.Close() != nil {
			t.Fatal("Close")
		}
	}
}

// A datastack served by another origin: its local server receives the token.
func TestLocalServerOnAnotherOrigin(t *testing.T) {
	freshHome(t)
	c := devClient(t, "fanc_production", seedToken)
	needOther(t)
	ls, err := c.LocalServer(context.Background())
	if err != nil || ls != devOtherURL {
		t.Fatalf("LocalServer = %q, %v; want %q", ls, err, devOtherURL)
	}
	r, err := c.Get(context.Background(), devOtherURL+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	if e := decodeEcho(t, r); e.Authorization == nil || *e.Authorization != "Bearer "+seedToken {
		t.Fatalf("token not sent to the local server: %+v", e)
	}
	// A global client has no local server.
	_, err = devClient(t, "", seedToken).LocalServer(context.Background())
	wantCode(t, err, fwclient.ErrInvalidArgument)
	// Missing permission, and a redirect loop.
	_, err = devClient(t, "flywire_fafb", seedToken).DatastackInfo(context.Background())
	if e := wantCode(t, err, fwclient.ErrForbidden); e.ServerID != "missing_permission" || e.HTTPStatus != 403 {
		t.Fatalf("detail %+v", e)
	}
	_, err = c.Get(context.Background(), devURL+"/redirect/loop")
	wantCode(t, err, fwclient.ErrBadResponse)
}
