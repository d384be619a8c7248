package schedule

import (
	"fmt"
	"strconv"
	"time"

	"github.com/firedraw/firedraw/sampling"
	"github.com/google/uuid"
)

// namespace is the value Namespace returns; unexported so that no
// importer can change what a draw ID means.
var namespace = uuid.MustParse("8c7f1271-2910-5cea-93fd-a13a1ec85a0f")

// Namespace returns the UUID namespace of draw IDs:
// UUIDv5(NameSpaceURL, "https://github.com/firedraw/firedraw/schedule").
// It is fixed: every draw ID ever published depends on it.
func Namespace() uuid.UUID { return namespace }

// Commitment is what is published before a draw: the SHA-256 of the seed
// (sampling.Seed.Commitment) and the date of publication. Revealing the
// seed afterwards proves that the draw was fixed before anyone knew it.
type Commitment struct {
	Hash string `json:"hash"`
	Date Day    `json:"date"`
}

// Commit returns the commitment to seed published on the given day.
func Commit(seed sampling.Seed, on time.Time) Commitment {
	return Commitment{Hash: seed.Commitment(), Date: DayOf(on)}
}

// Check returns an error wrapping ErrCommitment, with both hashes, when
// seed does not match the commitment.
func (c Commitment) Check(seed sampling.Seed) error {
	if got := seed.Commitment(); got != c.Hash {
		return fmt.Errorf("schedule: seed %s hashes to %s, not to the commitment %s published on %s: %w",
			seed, got, c.Hash, c.Date, ErrCommitment)
	}
	return nil
}

// DrawID returns the ID of round `round` drawn under this commitment:
// UUIDv5(Namespace, "<commitment hash>/round/<round>").
func (c Commitment) DrawID(round int) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte(c.Hash+"/round/"+strconv.Itoa(round)))
}

// TaskID returns the ID of the task visiting unitID in a draw:
// UUIDv5(drawID, unitID). It is deterministic, so anyone can recompute it.
func TaskID(drawID uuid.UUID, unitID string) uuid.UUID {
	return uuid.NewSHA1(drawID, []byte(unitID))
}

// MarshalText formats the day as 2006-01-02, or "" for NoDay.
func (d Day) MarshalText() ([]byte, error) {
	if d == NoDay {
		return []byte{}, nil
	}
	return d.Time().AppendFormat(nil, time.DateOnly), nil
}

// UnmarshalText parses 2006-01-02, or "" as NoDay.
func (d *Day) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = NoDay
		return nil
	}
	t, err := time.Parse(time.DateOnly, string(b))
	if err != nil {
		return fmt.Errorf("schedule: date %q: %w", b, ErrBadInput)
	}
	*d = DayOf(t)
	return nil
}
