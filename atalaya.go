// Package atalaya holds the domain vocabulary of a national observatory of
// crime and violence: areas, populations, the ICCS classification, national
// code lists and their versioned mappings, sources, records, aggregate
// observations, ingest batches and the cube of counts.
//
// The package imports only the standard library. Storage, readers, geometry,
// the web and the command line live in packages under internal/ and depend on
// this one, never the other way round.
package atalaya

import (
	"context"
	"time"
)

// Status is the publication status of a record, an observation or a cube cell.
type Status string

// The publication statuses, in the order figures move through them.
const (
	StatusPreliminary Status = "preliminary"
	StatusValidated   Status = "validated"
	StatusPublished   Status = "published"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusPreliminary, StatusValidated, StatusPublished:
		return true
	}
	return false
}

// Clock returns the current time. Components take a Clock instead of calling
// time.Now so that tests can fix the time.
type Clock func() time.Time

// Progress receives progress reports from long-running work such as an ingest.
// done is the number of units processed so far (rows, bytes), total is the
// expected number or -1 when unknown.
type Progress interface {
	Report(ctx context.Context, done, total int64)
}

// NopProgress is a Progress that ignores every report.
type NopProgress struct{}

// Report implements Progress.
func (NopProgress) Report(context.Context, int64, int64) {}

// ValidPeriod reports whether p is a period Atalaya stores: YYYY, YYYY-MM
// (month 01–12) or YYYY-Qn (quarter 1–4), digits only.
func ValidPeriod(p string) bool {
	digits := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return s != ""
	}
	switch {
	case len(p) == 4:
		return digits(p)
	case len(p) == 7 && p[4] == '-' && p[5] == 'Q':
		return digits(p[:4]) && p[6] >= '1' && p[6] <= '4'
	case len(p) == 7 && p[4] == '-':
		return digits(p[:4]) && digits(p[5:]) && p[5:] >= "01" && p[5:] <= "12"
	}
	return false
}
