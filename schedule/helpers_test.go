package schedule

import "github.com/firedraw/firedraw/sampling"

func samplingPRN(seed sampling.Seed, stream, id string) float64 {
	return sampling.PRN(seed, stream, id)
}
