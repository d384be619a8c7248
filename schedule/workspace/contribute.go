package workspace

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/firedraw/firedraw/schedule/beacon"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// secretPath is where a simulated party keeps its secret.
func (w *Workspace) secretPath(n int, party string) string {
	return w.path(PrivateDir, fmt.Sprintf("%02d", n), party+".secret")
}

// Commit logs party's commitment for round n, before the commitment
// deadline. Without a secret it simulates the party: it draws a secret
// from random (crypto/rand in the programs) and keeps it in private/
// (mode 0600) for Reveal. It returns the commitment.
func (w *Workspace) Commit(n int, party, secret string, random io.Reader, now time.Time) (string, error) {
	a, err := w.attemptFor(n)
	if err != nil {
		return "", err
	}
	if _, done := a.Commitments[party]; done {
		return "", fmt.Errorf("round %d: %s has committed already: reveal next: %w", n, party, ErrOrder)
	}
	if cb, _ := a.Manifest.Deadlines(); !now.Before(cb) {
		return "", fmt.Errorf("round %d: the commitment deadline %s has passed: %w", n, protocol.FormatTime(cb), ErrOrder)
	}
	if secret == "" {
		if secret, err = protocol.NewSecret(random); err != nil {
			return "", err
		}
		path := w.secretPath(n, party)
		if err := os.MkdirAll(w.path(PrivateDir, fmt.Sprintf("%02d", n)), 0o700); err != nil {
			return "", err
		}
		if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
			return "", err
		}
	}
	c, err := protocol.Commit(a.Hash, party, secret)
	if err != nil {
		return "", err
	}
	return c, w.append(now, protocol.KindCommitment, n, &protocol.CommitmentBody{Manifest: a.Hash, Party: party, Commitment: c})
}

// Reveal logs party's secret for round n (the simulated party's from
// private/ when secret is empty), after every commitment and before the
// reveal deadline.
func (w *Workspace) Reveal(n int, party, secret string, now time.Time) error {
	a, err := w.attemptFor(n)
	if err != nil {
		return err
	}
	if _, ok := a.Commitments[party]; !ok {
		return fmt.Errorf("round %d: %s has not committed: commit first: %w", n, party, ErrOrder)
	}
	if len(a.Commitments) < len(a.Manifest.Randomness.Parties) {
		if cb, _ := a.Manifest.Deadlines(); now.Before(cb) {
			return fmt.Errorf("round %d: %d of %d parties have committed: reveals wait for every commitment or the deadline %s: %w",
				n, len(a.Commitments), len(a.Manifest.Randomness.Parties), protocol.FormatTime(cb), ErrOrder)
		}
	}
	if secret == "" {
		b, err := os.ReadFile(w.secretPath(n, party))
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("round %d: no simulated secret of %s in %s: give the party's secret: %w", n, party, PrivateDir, ErrOrder)
		}
		if err != nil {
			return err
		}
		secret = strings.TrimSpace(string(b))
	}
	if err := protocol.CheckReveal(a.Hash, party, secret, a.Commitments[party]); err != nil {
		return err
	}
	return w.append(now, protocol.KindReveal, n, &protocol.RevealBody{Manifest: a.Hash, Party: party, Secret: secret})
}

// Dice logs the digits rolled at round n's public meeting, after the
// reveal deadline. Empty digits simulate the roll from random.
func (w *Workspace) Dice(n int, digits string, random io.Reader, now time.Time) (string, error) {
	a, err := w.attemptFor(n)
	if err != nil {
		return "", err
	}
	want := a.Manifest.Randomness.Dice.Digits
	if want == 0 {
		return "", fmt.Errorf("round %d's manifest plans no dice: %w", n, ErrOrder)
	}
	if _, rb := a.Manifest.Deadlines(); !now.After(rb) {
		return "", fmt.Errorf("round %d: dice are rolled after the reveal deadline %s: %w", n, protocol.FormatTime(rb), ErrOrder)
	}
	if digits == "" {
		b := make([]byte, want)
		for i := range b {
			var one [1]byte
			for { // rejection sampling: 250 = 25 × 10 keeps the digits uniform
				if _, err := io.ReadFull(random, one[:]); err != nil {
					return "", err
				}
				if one[0] < 250 {
					break
				}
			}
			b[i] = '0' + one[0]%10
		}
		digits = string(b)
	}
	if err := protocol.CheckDice(digits, want); err != nil {
		return "", err
	}
	return digits, w.append(now, protocol.KindDice, n, &protocol.DiceBody{Manifest: a.Hash, Digits: digits})
}

// Beacon logs the drand quicknet round that round n's manifest names as
// its late source, given the round's BLS signature (hex, as drand's
// /public/ROUND answer carries it). The signature is verified offline
// (protocol.Drand, schedule/beacon) before anything is logged; the entry
// carries the randomness, SHA-256 of the signature. It refuses to run
// before the round's emission time, which is after the reveal deadline.
func (w *Workspace) Beacon(n int, signature string, now time.Time) (string, error) {
	a, err := w.attemptFor(n)
	if err != nil {
		return "", err
	}
	plan := a.Manifest.Randomness.Beacon
	if !a.Manifest.Randomness.HasBeacon() {
		return "", fmt.Errorf("round %d's manifest plans no drand beacon: %w", n, ErrOrder)
	}
	if a.Beacon != "" {
		return "", fmt.Errorf("round %d: drand round %d is logged already: draw next: %w", n, plan.Round, ErrOrder)
	}
	at, err := protocol.BeaconTime(plan.Chain, plan.Round)
	if err != nil {
		return "", err
	}
	if now.Before(at) {
		return "", fmt.Errorf("round %d: drand round %d is emitted at %s, it is %s: %w",
			n, plan.Round, protocol.FormatTime(at), protocol.FormatTime(now), ErrOrder)
	}
	sig, err := beacon.ParseSignature(signature)
	if err != nil {
		return "", fmt.Errorf("round %d: drand round %d: %w", n, plan.Round, err)
	}
	r, err := protocol.Drand(plan.Chain, plan.Round, sig)
	if err != nil {
		return "", fmt.Errorf("round %d: drand round %d: %w", n, plan.Round, err)
	}
	randomness := hex.EncodeToString(r)
	body := &protocol.BeaconBody{Manifest: a.Hash, Chain: plan.Chain, Round: plan.Round,
		Signature: hex.EncodeToString(sig), Randomness: randomness}
	return randomness, w.append(now, protocol.KindBeacon, n, body)
}

// attemptFor returns round n's live attempt that is not drawn yet.
func (w *Workspace) attemptFor(n int) (*protocol.Attempt, error) {
	if err := w.checkRound(n); err != nil {
		return nil, err
	}
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	a := w.live(st, n)
	switch {
	case a == nil:
		return nil, fmt.Errorf("round %d has no manifest: build it first (manifest): %w", n, ErrOrder)
	case a.Draw != nil:
		return nil, fmt.Errorf("round %d is drawn already: %w", n, ErrOrder)
	}
	return a, nil
}
