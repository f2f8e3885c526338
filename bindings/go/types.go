package fwclient

import (
	"encoding/json"
	"fmt"
)

// DatastackInfo is the info service's description of a datastack
// (info/api/v2/datastack/full/{ds}): the known fields, plus the whole JSON
// object in Raw for the others.
type DatastackInfo struct {
	LocalServer        string        `json:"local_server"`
	AlignedVolume      AlignedVolume `json:"aligned_volume"`
	SegmentationSource string        `json:"segmentation_source"`
	ViewerSite         string        `json:"viewer_site"`
	SynapseTable       string        `json:"synapse_table"`
	SomaTable          string        `json:"soma_table"`
	// AnalysisDatabase is "" when the server sends null.
	AnalysisDatabase  string  `json:"analysis_database"`
	Description       string  `json:"description"`
	ViewerResolutionX float64 `json:"viewer_resolution_x"`
	ViewerResolutionY float64 `json:"viewer_resolution_y"`
	ViewerResolutionZ float64 `json:"viewer_resolution_z"`
	// Raw is the whole answer.
	Raw json.RawMessage `json:"-"`
}

// AlignedVolume is the imagery a datastack is aligned to.
type AlignedVolume struct {
	Name        string `json:"name"`
	ID          int64  `json:"id"`
	ImageSource string `json:"image_source"`
	Description string `json:"description"`
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (d *DatastackInfo) UnmarshalJSON(b []byte) error {
	type plain DatastackInfo
	if err := json.Unmarshal(b, (*plain)(d)); err != nil {
		return err
	}
	d.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// User is a user's profile (auth/api/v1/user/me, auth/api/v1/user?id=...):
// the known fields, plus the whole JSON object in Raw.
type User struct {
	ID             uint64   `json:"id"`
	Name           string   `json:"name"`
	Email          string   `json:"email"`
	Admin          bool     `json:"admin"`
	PI             string   `json:"pi"`
	Affiliations   []string `json:"affiliations"`
	ServiceAccount bool     `json:"service_account"`
	GDPRConsent    bool     `json:"gdpr_consent"`
	// Created is an HTTP date, as the server sends it.
	Created string `json:"created"`
	// Raw is the whole profile.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the whole object in Raw.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	if err := json.Unmarshal(b, (*plain)(u)); err != nil {
		return err
	}
	u.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// TokenInfo is one of the user's API keys (auth/api/v1/user/token). Dates
// are HTTP dates as the server sends them; LastUsed is "" when never used.
type TokenInfo struct {
	ID          uint64 `json:"id"`
	UserID      uint64 `json:"user_id"`
	Token       string `json:"token"`
	Description string `json:"description"`
	Created     string `json:"created"`
	Updated     string `json:"updated"`
	LastUsed    string `json:"last_used"`
}

// GroupMember is a member of a group (auth/api/v1/group/{id}/user).
type GroupMember struct {
	ID    uint64 `json:"id"`
	Name  string `json:"name"`
	Admin bool   `json:"admin"`
}

// String prints the key without its token, so logging a TokenInfo does not
// leak it (read the Token field for the value).
func (t TokenInfo) String() string {
	return fmt.Sprintf("{ID:%d UserID:%d Token:<redacted> Description:%q Created:%q Updated:%q LastUsed:%q}",
		t.ID, t.UserID, t.Description, t.Created, t.Updated, t.LastUsed)
}

// GoString is String, for %#v.
func (t TokenInfo) GoString() string { return "fwclient.TokenInfo" + t.String() }
