package export_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/export"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// openStore returns an empty SQLite store with the ICCS classification and
// the areas MEX and MEX-09.
func openStore(t *testing.T) atalaya.Store {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "roundtrip.db"), sqlite.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	iccs, err := fs.ReadFile(data.FS, "iccs/iccs_v1_codes.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportICCS(ctx, s, bytes.NewReader(iccs), "iccs"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAreas(ctx, []atalaya.Area{
		{Code: "MEX", Country: "MEX", Level: 0, Name: "México"},
		{Code: "MEX-09", Country: "MEX", Parent: "MEX", Level: 1, Name: "Ciudad de México"},
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// stored is an observation as the round trip compares it.
type stored struct {
	area, period, iccs, sex, age, weapon string
	unit                                 atalaya.CountingUnit
	value                                float64
}

func (s stored) String() string {
	return fmt.Sprintf("%s %s %s sex=%s age=%s weapon=%s %s %s", s.area, s.period, s.iccs, s.sex, s.age, s.weapon, s.unit,
		strconv.FormatFloat(s.value, 'f', -1, 64))
}

// TestSDMXRoundTrip exports values as SDMX-CSV, ingests the file through
// the built-in profile atalaya-sdmx into a fresh store, and checks that the
// stored counts are the values' counts, that rates are kept as unit rate,
// and that figures not shown are rejected rather than stored as zeros.
func TestSDMXRoundTrip(t *testing.T) {
	vals := values()
	var file bytes.Buffer
	if err := export.SDMXCSV(&file, meta("en"), vals); err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	p, err := ingest.LoadProfile("atalaya-sdmx")
	if err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Store: s, Now: func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }}
	b, err := in.Ingest(context.Background(), p, []ingest.File{{Name: "export.csv", R: bytes.NewReader(file.Bytes()), Size: int64(file.Len())}}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}

	// What the values should become: counts in their counting unit, rates
	// as unit rate, denominators as unit other; nothing for a figure not
	// shown, nor for a value over several periods.
	total := func(s string) string {
		if s == "" {
			return "T"
		}
		return s
	}
	var want []stored
	var wantRejected, wantEmpty int
	for _, v := range vals {
		rows := 2
		if v.Denominator != nil {
			rows++
		}
		if strings.Contains(v.Period, "/") || strings.Contains(v.Area, "+") {
			// Atalaya stores neither ranges of periods nor sums of areas.
			wantRejected += rows
			continue
		}
		k := stored{area: v.Area, period: v.Period, iccs: "0101", sex: total(v.Sex), age: total(v.Age), weapon: v.Weapon}
		if k.weapon == "" || k.weapon == "T" {
			k.weapon = "U" // the cube has no weapon total
		}
		if v.Weapon == "T" {
			k.iccs = "" // the total of a breakdown by weapon stays out of the cube
		}
		if v.Count != nil {
			c := k
			c.unit, c.value = v.Unit, float64(*v.Count)
			if c.unit == "" {
				c.unit = atalaya.UnitVictim
			}
			want = append(want, c)
		} else {
			wantRejected++
			wantEmpty++
		}
		if v.Rate != nil {
			r := k
			// Rates are written with export.Decimals places.
			r.unit = atalaya.UnitRate
			r.value, _ = strconv.ParseFloat(strconv.FormatFloat(*v.Rate, 'f', export.Decimals, 64), 64)
			want = append(want, r)
		} else {
			wantRejected++
			wantEmpty++
		}
		if v.Denominator != nil {
			d := k
			d.unit, d.value = atalaya.UnitOther, float64(*v.Denominator)
			want = append(want, d)
		}
	}

	var got []stored
	err = s.Observations(context.Background(), atalaya.RecordFilter{Batch: b.ID}, func(o atalaya.Observation) error {
		got = append(got, stored{o.Area, o.Period, o.ICCS, o.Sex, o.AgeBand, o.Weapon, o.Unit, o.Value})
		if o.Indicator != "homicide-rate" || o.Dims["SOURCE_TYPE"] != "prosecution" {
			t.Errorf("observation %s: indicator %q, dims %v", o.Key, o.Indicator, o.Dims)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sortStored(want)
	sortStored(got)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored observations differ\n got:\n%s\nwant:\n%s", lines(got), lines(want))
	}
	if b.Accepted != int64(len(want)) || b.Rejected != int64(wantRejected) || b.Duplicates != 0 {
		t.Errorf("batch: accepted %d, rejected %d, duplicates %d; want %d, %d, 0", b.Accepted, b.Rejected, b.Duplicates, len(want), wantRejected)
	}

	// Rejected rows say why, and none is a zero in disguise.
	reasons := map[string]int{}
	err = s.Rejections(context.Background(), b.ID, func(r atalaya.Rejection) error {
		reasons[r.Reason]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if reasons["the value is empty"] != wantEmpty || reasons["the period is not a period (YYYY, YYYY-MM or YYYY-Qn)"] != 3 ||
		reasons["area MEX+MEX-09 is not in the node's area list (import its boundaries or areas first)"] != 3 || len(reasons) != 3 {
		t.Errorf("rejection reasons = %v", reasons)
	}

	// The counts feed the cube; rates and denominators do not.
	cells, err := s.Cube(context.Background(), atalaya.CubeFilter{Areas: []string{"MEX-09"}, ICCS: []string{"0101"}})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, c := range cells {
		if c.Unit != atalaya.UnitVictim {
			t.Errorf("cube cell in unit %s: %+v", c.Unit, c)
		}
		sum += c.Count
	}
	// 2023 by weapon: firearm 700 and not stated 400, never their total.
	if want := int64(80 + 231 + 700 + 400); sum != want {
		t.Errorf("cube MEX-09 0101 = %d victims; want %d", sum, want)
	}

	// Re-ingesting the same file changes nothing.
	b2, err := in.Ingest(context.Background(), p, []ingest.File{{Name: "export.csv", R: bytes.NewReader(file.Bytes()), Size: int64(file.Len())}}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b2.Accepted != 0 || b2.Duplicates != int64(len(want)) {
		t.Errorf("second ingest: accepted %d, duplicates %d; want 0, %d", b2.Accepted, b2.Duplicates, len(want))
	}
}

func sortStored(s []stored) {
	sort.Slice(s, func(i, j int) bool { return s[i].String() < s[j].String() })
}

func lines(s []stored) string {
	var b strings.Builder
	for _, x := range s {
		b.WriteString("  " + x.String() + "\n")
	}
	return b.String()
}
