package protocol

import (
	"fmt"
	"time"
)

// ParseTime reads a time in TimeLayout, and only in that form (the form
// FormatTime writes): RFC 3339, UTC, whole seconds.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(TimeLayout, s)
	if err != nil || t.Format(TimeLayout) != s {
		return time.Time{}, fmt.Errorf("time %q is not of the form %s", s, TimeLayout)
	}
	return t, nil
}

// FormatTime writes t in TimeLayout (UTC, truncated to the second).
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseDate reads a date in DateLayout, and only in that form; it returns
// 00:00 UTC of the day.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.Format(DateLayout) != s {
		return time.Time{}, fmt.Errorf("date %q is not of the form %s", s, DateLayout)
	}
	return t, nil
}

// FormatDate writes the UTC date of t in DateLayout.
func FormatDate(t time.Time) string { return t.UTC().Format(DateLayout) }
