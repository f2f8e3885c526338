package fwclient_test

import (
	"fmt"
	"os"
	"path/filepath"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

// The authentication walkthrough of the annotation-framework documentation
// (authentication-service.rst), in Go. It runs in a fresh home directory, so
// there is no token at first.
func Example_walkthrough() {
	// A temporary home without any token (an Example cannot use t.Setenv).
	home, err := os.MkdirTemp("", "fwclient-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(home)
	defer restoreEnv("HOME", "USERPROFILE", "FW_AUTH_TOKEN", "FW_SECRETS_DIR", "FW_SECRETS_LAYOUT")()
	os.Setenv("HOME", home)
	os.Setenv("USERPROFILE", home) // the home directory on Windows
	os.Unsetenv("FW_AUTH_TOKEN")
	os.Unsetenv("FW_SECRETS_DIR")
	os.Unsetenv("FW_SECRETS_LAYOUT")

	datastack := "minnie65_public"
	client, err := fwclient.NewClient(datastack, nil)
	if err != nil {
		panic(err)
	}
	defer client.Close()

	// Let's see if you have a token already. Probably not.
	auth, err := client.Auth()
	if err != nil {
		panic(err)
	}
	defer auth.Close()
	fmt.Printf("My current token is: %s\n", tokenOrNone(auth))

	// Getting a new token.
	instructions, err := auth.NewTokenInstructions()
	if err != nil {
		panic(err)
	}
	fmt.Print(instructions)

	newToken := "fake_token_123"
	if err := auth.SaveToken(newToken, nil); err != nil {
		panic(err)
	}
	fmt.Printf("My token is now: %s\n", tokenOrNone(auth))

	// Loading saved tokens: see what we just created.
	path := filepath.Join(home, ".cloudvolume", "secrets", "chunkedgraph-secret.json")
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		panic(err)
	}
	fmt.Printf("~/.cloudvolume/secrets/chunkedgraph-secret.json (mode %04o): %s\n", st.Mode().Perm(), data)

	// A new client finds the saved token; a token can also be given directly.
	client2, err := fwclient.NewClient(datastack, nil)
	if err != nil {
		panic(err)
	}
	defer client2.Close()
	auth2, err := client2.Auth()
	if err != nil {
		panic(err)
	}
	defer auth2.Close()
	fmt.Printf("Now my basic token is: %s\n", tokenOrNone(auth2))

	clientDirect, err := fwclient.NewClient(datastack, &fwclient.Options{Token: "another_fake_token_678"})
	if err != nil {
		panic(err)
	}
	defer clientDirect.Close()
	authDirect, err := clientDirect.Auth()
	if err != nil {
		panic(err)
	}
	defer authDirect.Close()
	fmt.Printf("A directly specified token is: %s\n", tokenOrNone(authDirect))

	// Output:
	// My current token is: None
	// New tokens need to be acquired by hand. Please follow these steps:
	//     1) Go to: https://global.daf-apis.com/auth/api/v1/create_token to create a new token.
	//     2) Log in with your Google credentials and copy the token shown afterward.
	//     3a) Save it to your computer with:
	//           C:      fw_auth_save_token(auth, "PASTE_YOUR_TOKEN_HERE", NULL, NULL, 0, &err);
	//           C++:    auth.save_token("PASTE_YOUR_TOKEN_HERE");
	//           Go:     auth.SaveToken("PASTE_YOUR_TOKEN_HERE", nil)
	//           Python: auth.save_token("PASTE_YOUR_TOKEN_HERE")
	//           Node:   fw_auth_save_token(auth, 'PASTE_YOUR_TOKEN_HERE', null, null, 0, null)
	//     or
	//     3b) Set it for the current session only with:
	//           C:      fw_auth_set_token(auth, "PASTE_YOUR_TOKEN_HERE", &err);
	//           C++:    auth.set_token("PASTE_YOUR_TOKEN_HERE");
	//           Go:     auth.SetToken("PASTE_YOUR_TOKEN_HERE")
	//           Python: auth.set_token("PASTE_YOUR_TOKEN_HERE")
	//           Node:   fw_auth_set_token(auth, 'PASTE_YOUR_TOKEN_HERE', null)
	//     Note: creating a new token does not invalidate your other tokens; you can
	//     see and delete them at https://global.daf-apis.com/sticky_auth/settings/tokens.
	//     Note: if you need to save or load several tokens, see the token_file and
	//     token_key options in the documentation.
	// My token is now: fake_token_123
	// ~/.cloudvolume/secrets/chunkedgraph-secret.json (mode 0600): {"token": "fake_token_123"}
	// Now my basic token is: fake_token_123
	// A directly specified token is: another_fake_token_678
}

// tokenOrNone prints a token as the Python walkthrough does.
func tokenOrNone(a *fwclient.Auth) string {
	token, ok, err := a.Token()
	if err != nil {
		panic(err)
	}
	if !ok {
		return "None"
	}
	return token
}

// restoreEnv returns a function that puts the named variables back.
func restoreEnv(names ...string) func() {
	type saved struct {
		value string
		set   bool
	}
	old := map[string]saved{}
	for _, n := range names {
		v, ok := os.LookupEnv(n)
		old[n] = saved{v, ok}
	}
	return func() {
		for n, s := range old {
			if s.set {
				os.Setenv(n, s.value)
			} else {
				os.Unsetenv(n)
			}
		}
	}
}
