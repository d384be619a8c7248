package content

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/firedraw/firedraw/risk"
)

//go:embed catalogue.csv
var defaultCSV []byte

// Applies says which units an item applies to.
type Applies uint8

// Applicability of an item.
const (
	AppliesAll     Applies = iota // every unit
	AppliesKey                    // fire-safety key units (article 11)
	AppliesCrowded                // crowded places (人员密集场所)
	AppliesIoT                    // units with IoT fire devices
	numApplies
)

var appliesNames = [...]string{"all", "key", "crowded", "iot"}

func (a Applies) String() string {
	if a < numApplies {
		return appliesNames[a]
	}
	return fmt.Sprintf("Applies(%d)", a)
}

// Item is one inspection item of the catalogue.
type Item struct {
	Code   string // e.g. "FAC-3"
	NameZH string
	NameEN string
	// Group gathers related items, e.g. "facilities", "evacuation".
	Group   string
	Applies Applies
	// Basis is the legal basis, e.g. "公安部令第120号 第十条第（四）项".
	Basis string
}

// Catalogue is an ordered list of inspection items with unique codes.
// It is plain data, safe for concurrent reads.
type Catalogue struct {
	Items []Item
	index map[string]int
}

// Item returns the item with the given code and whether it exists.
func (c *Catalogue) Item(code string) (Item, bool) {
	i, ok := c.index[code]
	if !ok {
		return Item{}, false
	}
	return c.Items[i], true
}

// Limits on a catalogue read by [LoadCatalogue].
const (
	MaxItems      = 10000
	MaxFieldBytes = 1000
)

// catalogueColumns are the columns of a catalogue file, all required.
var catalogueColumns = []string{"code", "name_zh", "name_en", "group", "applies", "basis"}

var defaultCat = sync.OnceValue(func() *Catalogue {
	c, err := LoadCatalogue(bytes.NewReader(defaultCSV))
	if err != nil {
		panic("content: embedded catalogue: " + err.Error())
	}
	return c
})

// DefaultCatalogue returns the catalogue shipped in catalogue.csv: the
// items of a fire-safety supervision check under the Ministry of Public
// Security's 《消防监督检查规定》 (order No. 120), articles 10 (every
// unit) and 11 (key units). The result is shared: do not modify it.
func DefaultCatalogue() *Catalogue { return defaultCat() }

// DefaultCatalogueCSV returns the bytes of the shipped catalogue, a
// starting point for a catalogue of one's own.
func DefaultCatalogueCSV() []byte { return bytes.Clone(defaultCSV) }

// LoadCatalogue reads a catalogue: UTF-8 CSV with the header code,
// name_zh, name_en, group, applies (all, key, crowded or iot) and basis,
// in any order, an optional byte-order mark, every field required. It
// returns a *risk.RecordError (Source "catalogue") naming the line and
// field of the first bad row: a missing or unknown column
// ([risk.ErrMissingColumn], [risk.ErrUnknownField]), an empty field
// ([risk.ErrMissingValue]), a code repeated or with spaces
// ([risk.ErrDuplicateID], [risk.ErrMalformed]), an unknown applies value
// ([risk.ErrBadEnum]), a field over MaxFieldBytes or more than MaxItems
// rows ([risk.ErrMalformed]), or malformed CSV; an empty catalogue is an
// error too.
func LoadCatalogue(r io.Reader) (*Catalogue, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	cr.FieldsPerRecord = 0
	head, err := cr.Read()
	if err != nil {
		return nil, &risk.RecordError{Source: "catalogue", Line: 1, Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	col, err := catalogueHeader(head)
	if err != nil {
		return nil, err
	}
	c := &Catalogue{index: map[string]int{}}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &risk.RecordError{Source: "catalogue", Line: line, Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
		}
		if len(c.Items) == MaxItems {
			return nil, &risk.RecordError{Source: "catalogue", Line: line, Err: fmt.Errorf("%w: more than %d items", risk.ErrMalformed, MaxItems)}
		}
		it, err := catalogueRow(rec, col, line)
		if err != nil {
			return nil, err
		}
		if _, dup := c.index[it.Code]; dup {
			return nil, &risk.RecordError{Source: "catalogue", Line: line, Column: "code", RecordID: it.Code, Value: it.Code, Err: risk.ErrDuplicateID}
		}
		c.index[it.Code] = len(c.Items)
		c.Items = append(c.Items, it)
	}
	if len(c.Items) == 0 {
		return nil, &risk.RecordError{Source: "catalogue", Line: 2, Err: fmt.Errorf("%w: no items", risk.ErrMissingValue)}
	}
	return c, nil
}

// catalogueHeader maps each column to its field position.
func catalogueHeader(head []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range head {
		if !containsString(catalogueColumns, h) {
			return nil, &risk.RecordError{Source: "catalogue", Line: 1, Column: h, Err: risk.ErrUnknownField}
		}
		if _, dup := col[h]; dup {
			return nil, &risk.RecordError{Source: "catalogue", Line: 1, Column: h, Err: fmt.Errorf("%w: column repeated", risk.ErrMalformed)}
		}
		col[h] = i
	}
	for _, h := range catalogueColumns {
		if _, ok := col[h]; !ok {
			return nil, &risk.RecordError{Source: "catalogue", Line: 1, Column: h, Err: risk.ErrMissingColumn}
		}
	}
	return col, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// catalogueRow validates one row.
func catalogueRow(rec []string, col map[string]int, line int) (Item, error) {
	get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
	code := get("code")
	for _, h := range catalogueColumns {
		v := get(h)
		bad := func(e error) error {
			return &risk.RecordError{Source: "catalogue", Line: line, Column: h, RecordID: code, Value: v, Err: e}
		}
		switch {
		case v == "":
			return Item{}, bad(risk.ErrMissingValue)
		case len(v) > MaxFieldBytes:
			v = v[:40] + "…"
			return Item{}, bad(fmt.Errorf("%w: longer than %d bytes", risk.ErrMalformed, MaxFieldBytes))
		case h == "code" && strings.ContainsAny(v, " \t\r\n,;"):
			return Item{}, bad(fmt.Errorf("%w: a code has no spaces, commas or semicolons", risk.ErrMalformed))
		case h == "applies" && !containsString(appliesNames[:], v):
			return Item{}, bad(fmt.Errorf("%w: want all, key, crowded or iot", risk.ErrBadEnum))
		}
	}
	it := Item{Code: code, NameZH: get("name_zh"), NameEN: get("name_en"), Group: get("group"), Basis: get("basis")}
	for a, n := range appliesNames {
		if n == get("applies") {
			it.Applies = Applies(a)
		}
	}
	return it, nil
}
