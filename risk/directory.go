package risk

// Directory is a set of units indexed by ID. Build it with NewDirectory,
// which rejects empty and duplicate IDs.
type Directory struct {
	units []Unit
	index map[string]int
}

// NewDirectory indexes units by ID. It returns a *RecordError wrapping
// ErrDuplicateID or ErrMissingValue that names the offending unit. The
// slice is kept, not copied: do not modify it afterwards.
func NewDirectory(units []Unit) (*Directory, error) {
	idx := make(map[string]int, len(units))
	for i := range units {
		id := units[i].ID
		if id == "" {
			return nil, &RecordError{Column: "id", Err: ErrMissingValue}
		}
		if _, dup := idx[id]; dup {
			return nil, &RecordError{Column: "id", RecordID: id, Value: id, Err: ErrDuplicateID}
		}
		idx[id] = i
	}
	return &Directory{units: units, index: idx}, nil
}

// Len returns the number of units.
func (d *Directory) Len() int { return len(d.units) }

// Units returns the units in their original order. The slice is shared.
func (d *Directory) Units() []Unit { return d.units }

// Index returns the position of the unit with the given ID.
func (d *Directory) Index(id string) (int, bool) {
	i, ok := d.index[id]
	return i, ok
}

// Has reports whether the directory holds a unit with the given ID.
func (d *Directory) Has(id string) bool {
	_, ok := d.index[id]
	return ok
}
