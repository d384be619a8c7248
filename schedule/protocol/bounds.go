package protocol

// Bounds on everything a manifest or a log entry may count, so that a
// hostile file is refused before anything proportional to a number it
// holds is allocated or looped over.
const (
	// MaxManifestBytes bounds a manifest file.
	MaxManifestBytes = 1 << 20
	// MaxRounds bounds the rounds of a period (a year of daily rounds).
	MaxRounds = 366
	// MaxResultsDueDays bounds the working days within which results are
	// published.
	MaxResultsDueDays = 365
	// MaxTeamSize bounds the inspectors of one team.
	MaxTeamSize = 16
	// MaxDailyCap bounds the visits an inspector makes a day.
	MaxDailyCap = 100
	// MaxDepartments bounds the departments that each staff a team.
	MaxDepartments = 16
	// MaxParties bounds the parties that contribute to the seed.
	MaxParties = 16
	// MaxCalendarDays bounds the holidays, and separately the make-up
	// days, of a calendar (ten years of every day).
	MaxCalendarDays = 3660
	// MaxRecords bounds the count of any record set in a snapshot.
	MaxRecords = 1 << 40
	// MaxNameBytes bounds a party, department or period name.
	MaxNameBytes = 64
	// MinSecretBytes and MaxSecretBytes bound a party's secret.
	MinSecretBytes = 32
	MaxSecretBytes = 64
	// MinDiceDigits is the least number of dice digits of a public roll
	// (Colorado's risk-limiting audits roll 20 ten-sided dice);
	// MaxDiceDigits bounds it.
	MinDiceDigits = 20
	MaxDiceDigits = 100
	// MaxQuietRounds bounds the quiet window after an inspection.
	MaxQuietRounds = MaxRounds
	// MaxFrequency bounds an annual frequency (once a day).
	MaxFrequency = 366
)

// Frequency floors: no level, and no unit inside a level, can be
// exempted from the draw by a policy.
const (
	// MinFrequency is the least annual inspection frequency of a level,
	// and of each regulatory floor: once in fifty years on average. The
	// default Low frequency is 0.05.
	MinFrequency = 0.02
	// MinShareFloor is the least within-level weight share (Policy.MinShare):
	// no unit is drawn at less than a twentieth of its level's mean, so
	// every unit's annual frequency is at least MinFrequency·MinShareFloor
	// = 0.001.
	MinShareFloor = 0.05
)
