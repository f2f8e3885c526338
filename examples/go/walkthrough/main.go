// Command walkthrough is the annotation-framework authentication walkthrough
// (authentication-service.rst) in Go: it prints what the Python notebook
// prints.
//
//	walkthrough [SERVER_URL]
//
// With a server URL (for example fw-devserver's FW_DEVSERVER_URL) every
// client talks to that server, and the walkthrough also fetches the
// datastack's info with the saved token and shows the errors for a request
// without a token and with a wrong one.
//
// It reads and writes ~/.cloudvolume/secrets: run it with HOME pointing at a
// scratch directory (`make demo-go` does).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

const datastack = "minnie65_public"

func main() {
	server := ""
	if len(os.Args) > 2 || (len(os.Args) == 2 && (os.Args[1] == "-h" || os.Args[1] == "--help")) {
		fmt.Fprintln(os.Stderr, "usage: walkthrough [SERVER_URL]")
		os.Exit(2)
	}
	if len(os.Args) == 2 {
		server = os.Args[1]
	}
	if err := run(server); err != nil {
		fmt.Fprintln(os.Stderr, "walkthrough:", err)
		os.Exit(1)
	}
}

// options gives every client the server, when one was named.
func options(server string, token string) *fwclient.Options {
	return &fwclient.Options{ServerAddress: server, Token: token}
}

func run(server string) error {
	client, err := fwclient.NewClient(datastack, options(server, ""))
	if err != nil {
		return err
	}
	defer client.Close()

	// We can access the auth client from client.Auth(). Let's see if you
	// have a token already. Probably not.
	auth, err := client.Auth()
	if err != nil {
		return err
	}
	defer auth.Close()
	fmt.Printf("My current token is: %s\n", tokenOrNone(auth))
	if server != "" {
		// Without a token the services refuse us.
		_, err := client.DatastackInfo(context.Background())
		if err := expect("without a token", err, fwclient.ErrNotAuthenticated); err != nil {
			return err
		}
	}

	// Getting a new token: instructions only, no browser.
	instructions, err := auth.NewTokenInstructions()
	if err != nil {
		return err
	}
	fmt.Print(instructions)

	newToken := "fake_token_123"
	if err := auth.SaveToken(newToken, nil); err != nil {
		return err
	}
	fmt.Printf("My token is now: %s\n", tokenOrNone(auth))

	// Loading saved tokens: a new client uses the saved token automatically.
	client2, err := fwclient.NewClient(datastack, options(server, ""))
	if err != nil {
		return err
	}
	defer client2.Close()
	auth2, err := client2.Auth()
	if err != nil {
		return err
	}
	defer auth2.Close()
	fmt.Printf("Now my basic token is: %s\n", tokenOrNone(auth2))
	if server != "" {
		info, err := client2.DatastackInfo(context.Background())
		if err != nil {
			return fmt.Errorf("datastack info with the saved token: %w", err)
		}
		fmt.Printf("With it, the datastack info of %s:\n", datastack)
		fmt.Printf("    local server:       %s\n", info.LocalServer)
		fmt.Printf("    aligned volume:     %s (id %d)\n", info.AlignedVolume.Name, info.AlignedVolume.ID)
		fmt.Printf("    segmentation:       %s\n", info.SegmentationSource)
		fmt.Printf("    synapse table:      %s\n", info.SynapseTable)
		fmt.Printf("    viewer resolution:  %g x %g x %g nm\n", info.ViewerResolutionX, info.ViewerResolutionY, info.ViewerResolutionZ)
	}

	clientDirect, err := fwclient.NewClient(datastack, options(server, "another_fake_token_678"))
	if err != nil {
		return err
	}
	defer clientDirect.Close()
	authDirect, err := clientDirect.Auth()
	if err != nil {
		return err
	}
	defer authDirect.Close()
	fmt.Printf("A directly specified token is: %s\n", tokenOrNone(authDirect))
	if server != "" {
		// That token is not one the server knows.
		_, err := clientDirect.DatastackInfo(context.Background())
		if err := expect("with the wrong token", err, fwclient.ErrInvalidToken); err != nil {
			return err
		}
	}
	return nil
}

// tokenOrNone prints a token as the Python walkthrough does.
func tokenOrNone(a *fwclient.Auth) string {
	token, ok, err := a.Token()
	if err != nil {
		return "(error: " + err.Error() + ")"
	}
	if !ok {
		return "None"
	}
	return token
}

// expect prints the error a request gave, and fails unless it is want.
func expect(what string, err error, want error) error {
	var e *fwclient.Error
	if !errors.As(err, &e) || !errors.Is(err, want) {
		return fmt.Errorf("request %s: got %v, want %v", what, err, want)
	}
	fmt.Printf("A request %s fails: %s (HTTP %d, %s): %s\n", what, e.Name, e.HTTPStatus, e.ServerID, e.Message)
	return nil
}
