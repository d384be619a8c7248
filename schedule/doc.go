// Package schedule puts a draw on a calendar: it cuts a period into
// rounds, draws the units of each round, staffs every drawn unit with a
// random team of eligible inspectors, dates the visits, and publishes a
// disclosure that anyone holding the directory can verify.
package schedule
