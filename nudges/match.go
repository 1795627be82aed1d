package nudges

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// placesHeldFor is how long a suggestion nobody has answered holds a place
// in its group: the suggestion dialogue's wait for a reply.
const placesHeldFor = 3 * 24 * time.Hour

// Places counts the places taken in each of a scheme's groups this week
// (Monday 00:00 local time onwards): accepted referrals, and suggestions
// still waiting for an answer, which hold a place while the person decides.
type Places struct {
	Groups []store.Group
	Taken  map[int64]int
}

// LoadPlaces reads the scheme's active groups and the places taken at now.
func LoadPlaces(ctx context.Context, tx *store.Tx, schemeID int64, loc *time.Location, now time.Time) (*Places, error) {
	groups, err := tx.ListGroups(ctx, schemeID, true)
	if err != nil {
		return nil, err
	}
	d := DateOf(now, loc)
	monday := d.AddDays(-((int(d.Weekday()) + 6) % 7)).At(WallClock{}, loc)
	taken, err := tx.GroupPlaces(ctx, schemeID, monday, now.Add(-placesHeldFor))
	if err != nil {
		return nil, err
	}
	return &Places{Groups: groups, Taken: taken}, nil
}

// Choose picks the group to suggest to a person: an active group that has
// a place left this week, that matches at least one of their interests,
// that they have not declined or already said yes to; among those, the one
// that matches the most interests, then one in their area (its place names
// it), then the one with the most places left. It reports false when
// nothing fits: a gap in local provision.
func (pl *Places) Choose(person store.Person, past []store.Referral) (store.Group, bool) {
	tried := map[int64]bool{}
	for _, r := range past {
		if r.DeclinedAt != nil || r.AcceptedAt != nil || r.AttendedAt != nil {
			tried[r.GroupID] = true
		}
	}
	type option struct {
		g               store.Group
		interests, left int
		local           bool
	}
	var options []option
	for _, g := range pl.Groups {
		if tried[g.ID] || !g.Active {
			continue
		}
		left := 1 << 30
		if g.WeeklyCapacity != nil {
			left = *g.WeeklyCapacity - pl.Taken[g.ID]
		}
		n := matching(person.Interests, g.Tags)
		if left <= 0 || n == 0 {
			continue
		}
		local := person.Area != "" && strings.Contains(strings.ToLower(g.Place), strings.ToLower(person.Area))
		options = append(options, option{g, n, left, local})
	}
	if len(options) == 0 {
		return store.Group{}, false
	}
	best := slices.MaxFunc(options, func(a, b option) int {
		switch {
		case a.interests != b.interests:
			return a.interests - b.interests
		case a.local != b.local:
			if a.local {
				return 1
			}
			return -1
		case a.left != b.left:
			return a.left - b.left
		}
		return int(b.g.ID - a.g.ID) // the older group, so the choice is stable
	})
	return best.g, true
}

// Hold counts a place taken in g (a suggestion just made).
func (pl *Places) Hold(g store.Group) { pl.Taken[g.ID]++ }

func matching(interests, tags []string) int {
	n := 0
	for _, i := range interests {
		for _, t := range tags {
			if strings.EqualFold(strings.TrimSpace(i), strings.TrimSpace(t)) {
				n++
				break
			}
		}
	}
	return n
}
