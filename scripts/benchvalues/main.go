// Command benchvalues is the helper of scripts/bench-values.sh, the
// benchmark of indicator queries against the cube. It is not part of the
// product; it has four subcommands:
//
//	years   [-seed S] [-from 2015] [-to 2024]   < synth.csv > spread.csv
//	        rewrites the year of every occurred_on of `atalaya synth`
//	        output (which spans 2020–2024) to a uniform year in FROM–TO,
//	        keeping month and day (days are 1–28, valid in every month).
//	mix     [-n 8000] [-seed S]                  > paths.txt
//	        writes N distinct values queries (indicators, areas, year
//	        ranges, breakdowns), shuffled, for the mixed load.
//	compare -url URL -baseline FILE
//	        fetches a values answer (by=sex) and compares its counts with
//	        the GROUP BY output (CSV area,year,sex,count); prints OK or
//	        MISMATCH and exits 1 on a mismatch.
//	load    -c 8 -d 10s -paths FILE BASEURL
//	        a plain HTTP load generator (used when wrk is missing): prints
//	        the same figures the script reads from wrk.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oas-atalaya/atalaya/internal/indicator"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchvalues years|mix|compare|load [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "years":
		err = years(os.Args[2:])
	case "mix":
		err = mix(os.Args[2:])
	case "compare":
		err = compare(os.Args[2:])
	case "load":
		err = load(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchvalues:", err)
		os.Exit(1)
	}
}

func years(args []string) error {
	fs := flag.NewFlagSet("years", flag.ExitOnError)
	seed := fs.Uint64("seed", 1, "random seed")
	from := fs.Int("from", 2015, "first year")
	to := fs.Int("to", 2024, "last year")
	fs.Parse(args)
	if *to < *from || *from < 1000 || *to > 9999 {
		return fmt.Errorf("bad year range %d–%d", *from, *to)
	}
	r := rand.New(rand.NewPCG(*seed, 7))
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	header := true
	for {
		line, err := in.ReadSlice('\n')
		if len(line) > 0 {
			if header {
				if !strings.HasPrefix(string(line), "record_id,occurred_on,") {
					return fmt.Errorf("input is not `atalaya synth` output: %q", line)
				}
				header = false
			} else {
				// record_id,YYYY-MM-DD,…: the year starts after the first comma.
				i := slices.Index(line, ',')
				if i < 0 || len(line) < i+5 {
					return fmt.Errorf("bad line %q", line)
				}
				y := *from + r.IntN(*to-*from+1)
				line[i+1] = byte('0' + y/1000)
				line[i+2] = byte('0' + y/100%10)
				line[i+3] = byte('0' + y/10%10)
				line[i+4] = byte('0' + y%10)
			}
			out.Write(line)
		}
		if err == io.EOF {
			break
		}
		if err != nil && err != bufio.ErrBufferFull {
			return err
		}
	}
	return out.Flush()
}

// mixIndicators are the catalogue's victim indicators, which the
// synthetic victims feed.
var mixIndicators = []string{"homicide-rate", "youth-homicide-rate", "firearm-homicide-share", "extortion-rate", "femicide-rate"}

func mix(args []string) error {
	fs := flag.NewFlagSet("mix", flag.ExitOnError)
	n := fs.Int("n", 8000, "number of distinct queries")
	seed := fs.Uint64("seed", 1, "random seed")
	from := fs.Int("from", 2015, "first year")
	to := fs.Int("to", 2024, "last year")
	view := fs.String("view", "", "view parameter to add (live), or empty for the public view")
	warm := fs.Bool("warm", false, "write one query per indicator and breakdown instead (each builds one index of the engine)")
	fs.Parse(args)
	cat, err := indicator.Default()
	if err != nil {
		return err
	}
	var all []string
	for _, id := range mixIndicators {
		ind, ok := cat.Lookup(id)
		if !ok {
			continue
		}
		bys := []string{""}
		for _, b := range ind.Breakdowns {
			if b == "sex" || b == "age" || b == "weapon" {
				bys = append(bys, b)
			}
		}
		if *warm {
			for _, by := range bys {
				p := fmt.Sprintf("/api/v1/indicators/%s/values?area=MEX&from=%d&to=%d&by=%s", id, *from, *to, by)
				if *view != "" {
					p += "&view=" + *view
				}
				all = append(all, strings.TrimSuffix(p, "&by="))
			}
			continue
		}
		areas := []string{"MEX&children=1", "MEX"}
		for s := 1; s <= 32; s++ {
			areas = append(areas, fmt.Sprintf("MEX-%02d", s))
		}
		for i := 0; i < 3; i++ { // a few pairs of states
			a, b := 1+i*7, 2+i*11
			areas = append(areas, fmt.Sprintf("MEX-%02d,MEX-%02d", a, b))
		}
		for _, a := range areas {
			for y0 := *from; y0 <= *to; y0++ {
				for y1 := y0; y1 <= *to; y1++ {
					for _, by := range bys {
						p := fmt.Sprintf("/api/v1/indicators/%s/values?area=%s&from=%d&to=%d", id, a, y0, y1)
						if by != "" {
							p += "&by=" + by
						}
						if *view != "" {
							p += "&view=" + *view
						}
						all = append(all, p)
					}
				}
			}
		}
	}
	if !*warm {
		r := rand.New(rand.NewPCG(*seed, 11))
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	}
	if !*warm && *n < len(all) {
		all = all[:*n]
	}
	w := bufio.NewWriter(os.Stdout)
	for _, p := range all {
		fmt.Fprintln(w, p)
	}
	return w.Flush()
}

// apiValue is the part of an atalaya.Value the comparison reads.
type apiValue struct {
	Area   string   `json:"area"`
	Period string   `json:"period"`
	Sex    string   `json:"sex"`
	Count  *int64   `json:"count"`
	Flags  []string `json:"flags"`
}

type cell struct{ area, year, sex string }

func compare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	url := fs.String("url", "", "values URL (by=sex)")
	basePath := fs.String("baseline", "", "GROUP BY output: CSV area,year,sex,count")
	national := fs.String("national", "MEX", "the national area: the sum of its own rows and its sub-areas'")
	fs.Parse(args)
	// The baseline: states, then the nation as their sum, and totals over sex.
	f, err := os.Open(*basePath)
	if err != nil {
		return err
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return err
	}
	want := map[cell]int64{}
	for _, r := range rows {
		if len(r) != 4 {
			return fmt.Errorf("baseline row %q: want area,year,sex,count", r)
		}
		n, err := strconv.ParseInt(r[3], 10, 64)
		if err != nil {
			return fmt.Errorf("baseline row %q: %v", r, err)
		}
		keys := []cell{{*national, r[1], r[2]}, {*national, r[1], ""}}
		switch {
		case r[0] == *national: // placed in the country, not in one of its states
		case strings.HasPrefix(r[0], *national+"-"):
			keys = append(keys, cell{r[0], r[1], r[2]}, cell{r[0], r[1], ""})
		default: // placed in another country
			continue
		}
		for _, k := range keys {
			want[k] += n
		}
	}
	resp, err := http.Get(*url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		return fmt.Errorf("%s: %s\n%s", *url, resp.Status, b)
	}
	var ans struct {
		View   string     `json:"view"`
		Values []apiValue `json:"values"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		return err
	}
	got := map[cell]int64{}
	hidden := map[cell]bool{}
	suppressed, compared, bad := 0, 0, 0
	var diffs []string
	for _, v := range ans.Values {
		sex := v.Sex
		if sex == "T" { // the total over sex
			sex = ""
		}
		k := cell{v.Area, v.Period, sex}
		if v.Count == nil { // hidden by disclosure control (public view)
			hidden[k] = true
			suppressed++
			continue
		}
		got[k] = *v.Count
		compared++
		if want[k] != *v.Count {
			bad++
			if len(diffs) < 10 {
				diffs = append(diffs, fmt.Sprintf("  %s %s sex=%q: api %d, group by %d", v.Area, v.Period, v.Sex, *v.Count, want[k]))
			}
		}
	}
	// Every cell the baseline has must be in the answer (or suppressed).
	missing := 0
	var keys []cell
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].area+keys[i].year+keys[i].sex < keys[j].area+keys[j].year+keys[j].sex
	})
	for _, k := range keys {
		if _, ok := got[k]; !ok && !hidden[k] && want[k] != 0 {
			missing++
			if len(diffs) < 10 {
				diffs = append(diffs, fmt.Sprintf("  %s %s sex=%q: not in the answer (group by %d)", k.area, k.year, k.sex, want[k]))
			}
		}
	}
	// The national line per year and sex, printed for the eye.
	var nat []string
	for _, k := range keys {
		if k.area == *national && k.sex != "" {
			nat = append(nat, fmt.Sprintf("%s/%s %d", k.year, k.sex, got[k]))
		}
	}
	status := "OK"
	if bad > 0 || missing > 0 || compared == 0 {
		status = "MISMATCH"
	}
	fmt.Printf("%s view=%s: %d counts compared (%d values suppressed), %d differ, %d missing; national by year/sex: %s\n",
		status, ans.View, compared, suppressed, bad, missing, strings.Join(nat, ", "))
	for _, d := range diffs {
		fmt.Println(d)
	}
	if status != "OK" {
		os.Exit(1)
	}
	return nil
}

func load(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	conc := fs.Int("c", 8, "concurrent connections")
	dur := fs.Duration("d", 10*time.Second, "duration")
	pathsFile := fs.String("paths", "", "file of request paths, used round robin")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("load needs the base URL")
	}
	base := strings.TrimSuffix(fs.Arg(0), "/")
	var paths []string
	if *pathsFile != "" {
		b, err := os.ReadFile(*pathsFile)
		if err != nil {
			return err
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				paths = append(paths, l)
			}
		}
	} else {
		paths = []string{""}
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc, DisableCompression: true}
	client := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var errs, non2xx int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < *conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var e, n int64
			for ctx.Err() == nil {
				p := paths[int(next.Add(1)-1)%len(paths)]
				t0 := time.Now()
				resp, err := client.Get(base + p)
				if err != nil {
					if ctx.Err() == nil {
						e++
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode/100 != 2 && resp.StatusCode/100 != 3 {
					n++
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += e
			non2xx += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	// The lines bench-values.sh reads (the same words wrk prints).
	fmt.Printf("  %d requests in %.2fs\n", len(lat), el.Seconds())
	fmt.Printf("     50%%  %.3fms\n", float64(pct(0.50))/1e6)
	fmt.Printf("     99%%  %.3fms\n", float64(pct(0.99))/1e6)
	if errs > 0 {
		fmt.Printf("  Socket errors: %d\n", errs)
	}
	if non2xx > 0 {
		fmt.Printf("  Non-2xx or 3xx responses: %d\n", non2xx)
	}
	fmt.Printf("Requests/sec: %.2f\n", float64(len(lat))/el.Seconds())
	return nil
}
