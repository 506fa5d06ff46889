package spatial

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// maxGALObservations bounds the n a GAL header may announce, so that a
// hostile file cannot make ReadGAL allocate without limit.
const maxGALObservations = 10_000_000

// ReadGAL reads binary contiguity weights in GeoDa's GAL format: a header
// line holding the number of observations n (either "n" alone or GeoDa's
// "0 n name idvar"), then for each observation a line "id k" followed by
// the k ids of its neighbours. It returns the weights, with observation i
// the i-th record, and the ids in that order. Ids are any text without
// spaces; every neighbour id must be the id of a record.
func ReadGAL(r io.Reader) (*Weights, []string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	next := func() ([]string, bool) {
		for sc.Scan() {
			line++
			if f := strings.Fields(sc.Text()); len(f) > 0 {
				return f, true
			}
		}
		return nil, false
	}
	bad := func(format string, args ...any) error {
		return atalaya.Errorf(atalaya.EINVALID, "GAL line %d: "+format, append([]any{line}, args...)...)
	}
	head, ok := next()
	if !ok {
		if err := sc.Err(); err != nil {
			return nil, nil, atalaya.Errorf(atalaya.EINVALID, "GAL: %v", err)
		}
		return nil, nil, atalaya.Errorf(atalaya.EINVALID, "GAL: the file is empty")
	}
	nField := head[0]
	if len(head) >= 2 {
		nField = head[1]
	}
	n, err := strconv.Atoi(nField)
	if err != nil || n < 1 || n > maxGALObservations {
		return nil, nil, bad("the header must give the number of observations (1 to %d), not %q", maxGALObservations, nField)
	}
	ids := make([]string, 0, min(n, 1<<16))
	index := make(map[string]int, min(n, 1<<16))
	nbrIDs := make([][]string, 0, min(n, 1<<16))
	for len(ids) < n {
		rec, ok := next()
		if !ok {
			if err := sc.Err(); err != nil {
				return nil, nil, bad("%v", err)
			}
			return nil, nil, bad("the file ends after %d of %d observations", len(ids), n)
		}
		if len(rec) != 2 {
			return nil, nil, bad("want \"id count\", got %d fields", len(rec))
		}
		k, err := strconv.Atoi(rec[1])
		if err != nil || k < 0 || k > n {
			return nil, nil, bad("the neighbour count of %q must be between 0 and %d, not %q", rec[0], n, rec[1])
		}
		if _, dup := index[rec[0]]; dup {
			return nil, nil, bad("the id %q appears twice", rec[0])
		}
		index[rec[0]] = len(ids)
		ids = append(ids, rec[0])
		var nb []string
		for len(nb) < k {
			more, ok := next()
			if !ok {
				return nil, nil, bad("%q announces %d neighbours but the file ends after %d", rec[0], k, len(nb))
			}
			nb = append(nb, more...)
		}
		if len(nb) != k {
			return nil, nil, bad("%q announces %d neighbours but lists %d", rec[0], k, len(nb))
		}
		nbrIDs = append(nbrIDs, nb)
	}
	if rest, ok := next(); ok {
		return nil, nil, bad("unexpected data after %d observations: %q", n, strings.Join(rest, " "))
	}
	var edges [][2]int
	for i, nb := range nbrIDs {
		for _, id := range nb {
			j, ok := index[id]
			if !ok {
				return nil, nil, atalaya.Errorf(atalaya.EINVALID, "GAL: %q lists the neighbour %q, which is not an observation", ids[i], id)
			}
			edges = append(edges, [2]int{i, j})
		}
	}
	w, err := FromEdges(n, edges, nil)
	if err != nil {
		return nil, nil, err
	}
	return w, ids, nil
}
