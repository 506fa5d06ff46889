package atalaya

import "time"

// Batch is one ingest of one or more files against one profile. A batch is
// committed whole or not at all, and for every batch
// Read = Accepted + Rejected + Duplicates.
type Batch struct {
	ID         int64     `json:"id"`
	Source     string    `json:"source"`
	Profile    string    `json:"profile"`
	Files      []string  `json:"files"`
	SHA256     string    `json:"sha256"` // of the files' contents, in order
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Read       int64     `json:"read"`
	Accepted   int64     `json:"accepted"`
	Rejected   int64     `json:"rejected"`
	Duplicates int64     `json:"duplicates"`
	Flagged    int64     `json:"flagged"` // accepted with a warning, e.g. placed at the nearest area
	Submitter  string    `json:"submitter,omitempty"`
}

// Balanced reports whether the batch's counts add up.
func (b Batch) Balanced() bool { return b.Read == b.Accepted+b.Rejected+b.Duplicates }

// Rejection is a row that was read but not accepted, with the reason a person
// can act on. Nothing is lost: the raw row is kept.
type Rejection struct {
	Batch  int64  `json:"batch"`
	File   string `json:"file"`
	Row    int64  `json:"row"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
	Raw    string `json:"raw,omitempty"` // the row as read, fields joined by the file's delimiter
}

// Flag is a warning on an accepted row, e.g. a point placed at the nearest
// area because it fell just outside every boundary.
type Flag struct {
	Batch  int64  `json:"batch"`
	File   string `json:"file"`
	Row    int64  `json:"row"`
	Code   string `json:"code"` // e.g. "placed_nearest"
	Detail string `json:"detail"`
}
