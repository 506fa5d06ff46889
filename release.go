package atalaya

import "time"

// Release is one decision in the publication workflow: an approver moves the
// figures of a source, for an area (with every area below it) and a year,
// to validated or published. A release keeps a snapshot of the cube cells it
// covers, so a later revision never overwrites what was released before:
// asking "as of" a date returns the figures of the releases public then.
type Release struct {
	ID int64 `json:"id"`
	// Source is the id of the source whose figures are released.
	Source string `json:"source"`
	// SourceType is the type of Source, filled by the store.
	SourceType SourceType `json:"source_type"`
	// Area is the area released, with every area below it: "MEX" releases
	// the nation and its states; "MEX-09" only Mexico City and below.
	Area string `json:"area"`
	// Period is the year released (YYYY); every month and quarter of the
	// year comes with it.
	Period string `json:"period"`
	// Status is validated or published. A release never goes back to
	// preliminary; withdrawing a figure is a new revision.
	Status Status `json:"status"`
	// Embargo is when published figures become public. Zero means at once
	// (at At).
	Embargo time.Time `json:"embargo,omitzero"`
	// At is when the decision was taken (the store's clock).
	At time.Time `json:"at"`
	// By is who took it: the approver's user id. The caller vouches for it;
	// authentication is the web layer's job.
	By string `json:"by"`
	// Reason says why, and for a revision what changed. Required.
	Reason string `json:"reason"`
	// Revision numbers the releases of the same source, area and period
	// from 1, in the order they were made. Filled by the store.
	Revision int `json:"revision"`
	// Cells and Total describe the snapshot: how many cube cells, and the
	// sum of the counts of its cells at the released area over the top
	// ICCS sections (a quick check of what changed). Filled by the store.
	Cells int64 `json:"cells"`
	Total int64 `json:"total"`
	// PreviousTotal is Total of the previous revision, if any.
	PreviousTotal *int64 `json:"previous_total,omitempty"`
}

// PublicFrom is the instant a published release becomes public: its embargo,
// or the moment it was made when it has none or the embargo was earlier.
func (r Release) PublicFrom() time.Time {
	if r.Embargo.After(r.At) {
		return r.Embargo
	}
	return r.At
}

// ReleaseFilter selects releases. Empty fields match anything.
type ReleaseFilter struct {
	Source string
	Area   string // exactly this area
	Period string
	Status Status
	// Before keeps the releases made at or before this instant (zero: all).
	Before time.Time
}
