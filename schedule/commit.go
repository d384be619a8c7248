package schedule

import (
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// namespace is the value Namespace returns; unexported so that no
// importer can change what a draw ID means.
var namespace = uuid.MustParse("8c7f1271-2910-5cea-93fd-a13a1ec85a0f")

// Namespace returns the UUID namespace of draw IDs:
// UUIDv5(NameSpaceURL, "https://github.com/firedraw/firedraw/schedule").
// It is fixed: every draw ID ever published depends on it.
func Namespace() uuid.UUID { return namespace }

// DrawID returns the ID of the draw made under the manifest with the
// given hash: UUIDv5(Namespace, "manifest/<manifest hash>"). A manifest
// names one round of one period, so a draw ID names one attempt at it.
func DrawID(manifestHash string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte("manifest/"+manifestHash))
}

// UnitStream is the PRN stream of every unit in round `round` (1-based)
// of the period periodID: "units/<period>/<round>". Each stratum draws
// its systematic start from its own key (sampling.SelectPart), but a
// unit's PRN does not depend on its stratum, so anyone can check a drawn
// unit's PRN without learning its risk level.
func UnitStream(periodID string, round int) string {
	return "units/" + periodID + "/" + strconv.Itoa(round)
}

// OrderStream is the PRN stream that orders a round's visits before they
// are dated and staffed: "order/<period>/<round>".
func OrderStream(periodID string, round int) string {
	return "order/" + periodID + "/" + strconv.Itoa(round)
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
