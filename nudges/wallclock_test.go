package nudges

import (
	"testing"
	"time"

	"github.com/linkbot/linkbot/dialogues"
)

func london(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestLocalTimesOnClockChangeDaysAreDeliberate(t *testing.T) {
	loc := london(t)
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		day  Date
		at   WallClock
		want time.Time
	}{
		{"an ordinary winter morning", Date{2026, time.March, 23}, WallClock{10, 0}, utc("2026-03-23 10:00")},
		{"an ordinary summer morning", Date{2026, time.March, 30}, WallClock{10, 0}, utc("2026-03-30 09:00")},
		{"10:00 on the spring change day is BST", Date{2026, time.March, 29}, WallClock{10, 0}, utc("2026-03-29 09:00")},
		{"00:59 before the spring gap is GMT", Date{2026, time.March, 29}, WallClock{0, 59}, utc("2026-03-29 00:59")},
		{"01:00 in the spring gap is when the clocks change", Date{2026, time.March, 29}, WallClock{1, 0}, utc("2026-03-29 01:00")},
		{"01:30 in the spring gap is when the clocks change", Date{2026, time.March, 29}, WallClock{1, 30}, utc("2026-03-29 01:00")},
		{"02:00 just after the spring gap", Date{2026, time.March, 29}, WallClock{2, 0}, utc("2026-03-29 01:00")},
		{"02:30 after the spring gap", Date{2026, time.March, 29}, WallClock{2, 30}, utc("2026-03-29 01:30")},
		{"01:30 twice in autumn is the first, BST", Date{2026, time.October, 25}, WallClock{1, 30}, utc("2026-10-25 00:30")},
		{"01:00 twice in autumn is the first, BST", Date{2026, time.October, 25}, WallClock{1, 0}, utc("2026-10-25 00:00")},
		{"02:00 after the autumn overlap is GMT", Date{2026, time.October, 25}, WallClock{2, 0}, utc("2026-10-25 02:00")},
		{"10:00 on the autumn change day is GMT", Date{2026, time.October, 25}, WallClock{10, 0}, utc("2026-10-25 10:00")},
		{"01:30 in the 2027 spring gap", Date{2027, time.March, 28}, WallClock{1, 30}, utc("2027-03-28 01:00")},
		{"01:30 twice in autumn 2027 is the first", Date{2027, time.October, 31}, WallClock{1, 30}, utc("2027-10-31 00:30")},
		{"midnight on the spring change day", Date{2027, time.March, 28}, WallClock{0, 0}, utc("2027-03-28 00:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.day.At(tt.at, loc); !got.Equal(tt.want) {
				t.Errorf("%v %s in London = %s UTC (%s local), want %s UTC", tt.day, tt.at, got.UTC().Format(time.DateTime),
					got.In(loc).Format("15:04 MST"), tt.want.Format(time.DateTime))
			}
		})
	}
}

func TestNextWallClockFiresOnceThroughTheAutumnOverlap(t *testing.T) {
	loc := london(t)
	w := WallClock{1, 30}
	start := time.Date(2026, time.October, 24, 12, 0, 0, 0, time.UTC)
	first := NextWallClock(start, loc, w)
	second := NextWallClock(first, loc, w)
	if got := second.Sub(first); got != 25*time.Hour {
		t.Errorf("01:30 on 25 Oct then on 26 Oct are %s apart, want 25h (the day has 25 hours)", got)
	}
	if first.In(loc).Format("15:04 MST") != "01:30 BST" {
		t.Errorf("first 01:30 = %s, want 01:30 BST", first.In(loc).Format("15:04 MST"))
	}
}

func TestWeeklyTenOClockCheckinStaysAtTenLocalAcrossClockChanges(t *testing.T) {
	loc := london(t)
	weekly := dialogues.Recurrence{Weeks: 1, Weekday: time.Monday, Hour: 10}
	mondays := []Date{
		{2026, time.March, 23}, {2026, time.March, 30}, // either side of 29 March 2026
		{2026, time.October, 19}, {2026, time.October, 26}, // either side of 25 October 2026
		{2027, time.March, 22}, {2027, time.March, 29},
		{2027, time.October, 25}, {2027, time.November, 1},
	}
	for _, day := range mondays {
		before := day.AddDays(-3).At(WallClock{12, 0}, loc) // the Friday before
		got := NextRecurrence(before, loc, weekly)
		if DateOf(got, loc) != day || got.In(loc).Hour() != 10 || got.In(loc).Minute() != 0 {
			t.Errorf("after %s the weekly check-in is at %s, want Monday %v 10:00 local", before, got.In(loc), day)
		}
	}
}

func TestEveryTwoWeeksFallsInTheSameWeeksWheneverPlanned(t *testing.T) {
	loc := london(t)
	fortnightly := dialogues.Recurrence{Weeks: 2, Weekday: time.Monday, Hour: 10}
	from := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	a := NextRecurrence(from, loc, fortnightly)
	for i := 0; i < 60; i++ {
		b := NextRecurrence(a, loc, fortnightly)
		if days := DateOf(b, loc).epochDays() - DateOf(a, loc).epochDays(); days != 14 {
			t.Fatalf("%s then %s: %d days apart, want 14", a.In(loc), b.In(loc), days)
		}
		// Planning from anywhere in between lands on the same occurrence.
		mid := a.Add(time.Duration(i%13+1) * 24 * time.Hour)
		if got := NextRecurrence(mid, loc, fortnightly); !got.Equal(b) {
			t.Fatalf("planned from %s: %s, want %s", mid, got, b)
		}
		a = b
	}
}

func TestQuietHoursMoveToTheNextSendFromLocal(t *testing.T) {
	loc := london(t)
	h := SendHours{From: WallClock{9, 0}, Until: WallClock{20, 0}, Loc: loc}
	local := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, loc) }
	tests := []struct {
		name     string
		at, want time.Time
	}{
		{"3 a.m. waits for 9", local(2026, 6, 1, 3, 0), local(2026, 6, 1, 9, 0)},
		{"20:00 waits for tomorrow", local(2026, 6, 1, 20, 0), local(2026, 6, 2, 9, 0)},
		{"19:59 goes", local(2026, 6, 1, 19, 59), local(2026, 6, 1, 19, 59)},
		{"09:00 goes", local(2026, 6, 1, 9, 0), local(2026, 6, 1, 9, 0)},
		{"the night of the spring change", local(2026, 3, 28, 23, 0), local(2026, 3, 29, 9, 0)},
		{"the night of the autumn change", local(2026, 10, 24, 23, 0), local(2026, 10, 25, 9, 0)},
	}
	for _, tt := range tests {
		if got := h.NextOpen(tt.at); !got.Equal(tt.want) {
			t.Errorf("%s: NextOpen(%s) = %s, want %s", tt.name, tt.at, got.In(loc), tt.want)
		}
		if !h.Allows(h.NextOpen(tt.at)) {
			t.Errorf("%s: NextOpen is inside quiet hours", tt.name)
		}
	}
	if got, want := h.LastOpen(local(2026, 6, 2, 7, 0)), local(2026, 6, 1, 19, 59); !got.Equal(want) {
		t.Errorf("LastOpen(07:00) = %s, want the evening before, %s", got.In(loc), want)
	}
}
