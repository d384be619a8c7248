package schedule

import (
	"github.com/firedraw/firedraw/sampling"
	"github.com/google/uuid"
)

func samplingPRN(seed sampling.Seed, stream, id string) float64 {
	return sampling.PRN(seed, stream, id)
}

func uuidParse(s string) (uuid.UUID, error) { return uuid.Parse(s) }
