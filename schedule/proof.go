package schedule

import (
	"fmt"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/merkle"
)

// MaxUnitProofBytes bounds one line of a proofs file (a 64-step path is
// about 4.3 KB).
const MaxUnitProofBytes = 16 << 10

// UnitProof is what a unit receives in sealed mode, one line of the
// draw's proofs file: its leaf and the leaf's inclusion proof. It holds
// no root on purpose: a proof is checked against the root and unit count
// of the published disclosure (Disclosure.VerifyUnitProof), which the
// public log ties to the manifest; a root written next to the proof
// would prove nothing.
type UnitProof struct {
	Unit  string `json:"unit"`
	Leaf  Leaf   `json:"leaf"`
	Proof Proof  `json:"proof"`
}

// Marshal returns the proof's canonical JSON line (schedule/canon).
func (p *UnitProof) Marshal() ([]byte, error) { return canon.Marshal(p) }

// ParseUnitProof reads one line of a proofs file, in its canonical bytes
// only (schedule/canon's strict decoder, at most MaxUnitProofBytes): the
// leaf must be the unit's, its level known, and the path at most
// merkle.MaxProofLen steps. Errors wrap ErrProof.
func ParseUnitProof(line []byte) (*UnitProof, error) {
	var p UnitProof
	if err := canon.Unmarshal(line, &p, canon.Limits{MaxBytes: MaxUnitProofBytes}); err != nil {
		return nil, fmt.Errorf("schedule: proof: %w: %w", err, ErrProof)
	}
	switch {
	case p.Leaf.ID != p.Unit:
		return nil, fmt.Errorf("schedule: the proof of unit %q holds the leaf of unit %q: %w", p.Unit, p.Leaf.ID, ErrProof)
	case p.Proof.Path == nil:
		return nil, fmt.Errorf("schedule: proof of unit %q: null path: %w", p.Unit, ErrProof)
	case len(p.Proof.Path) > merkle.MaxProofLen:
		return nil, fmt.Errorf("schedule: proof of unit %q has %d steps, at most %d: %w", p.Unit, len(p.Proof.Path), merkle.MaxProofLen, ErrProof)
	}
	lv, err := risk.ParseLevel(p.Leaf.LevelStr)
	if err != nil {
		return nil, fmt.Errorf("schedule: proof of unit %q: %w: %w", p.Unit, err, ErrProof)
	}
	p.Leaf.Level = lv
	return &p, nil
}

// VerifyUnitProof checks a unit's proof against the disclosure: sealed,
// with the disclosure's Merkle root, and a tree of exactly UnitCount
// leaves (the manifest's unit count, which Verify checks), the index
// below it. Errors wrap ErrProof.
func (d *Disclosure) VerifyUnitProof(p *UnitProof) error {
	if !d.Sealed {
		return fmt.Errorf("schedule: open disclosure: every leaf is published, there is no Merkle root: %w", ErrProof)
	}
	return VerifyProof(d.MerkleRoot, d.UnitCount, p.Leaf, p.Proof)
}
