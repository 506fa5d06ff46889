package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
)

// encodeMap returns m as a JSON object for a jsonb column, or nil (NULL)
// when m is empty.
func encodeMap(m map[string]string) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// decodeMap is the inverse of encodeMap: NULL gives a nil map.
func decodeMap(b []byte) (map[string]string, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("postgres: bad JSON object: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// prefixEnd returns the smallest string greater than every string that
// starts with prefix, for a prefix search written as an index range on a
// COLLATE "C" column: col >= prefix AND col < prefixEnd(prefix). ICCS codes
// are digits, so the last byte is never 0xff.
func prefixEnd(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}

// where accumulates the conditions and arguments of a WHERE clause.
type where struct {
	conds []string
	args  []any
}

// add adds a condition whose "?" marks are its arguments, numbered $n in
// the order they are added.
func (w *where) add(cond string, args ...any) {
	var b strings.Builder
	for _, r := range cond {
		if r == '?' {
			w.args = append(w.args, args[0])
			args = args[1:]
			b.WriteString("$" + strconv.Itoa(len(w.args)))
			continue
		}
		b.WriteRune(r)
	}
	w.conds = append(w.conds, b.String())
}

// arg adds an argument that is not in a condition (a LIMIT) and returns
// its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// String returns the WHERE clause, or "" when there is no condition.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// internal wraps a driver error as an internal one, with what was being
// done; atalaya errors pass unchanged.
func internal(what string, err error) error {
	if err == nil {
		return nil
	}
	var e *atalaya.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// notFound reports whether err is pgx's "no rows".
func notFound(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
