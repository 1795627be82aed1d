package nudges

import (
	"context"
	"encoding/json"
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
// that they have not already said yes to, nor declined since
// declinedSince; among those, the one that matches the most interests,
// then one in their area (its place names it), then the one with the most
// places left. It reports false when nothing fits: a gap in local
// provision.
func (pl *Places) Choose(person store.Person, past []store.Referral, declinedSince time.Time) (store.Group, bool) {
	tried := map[int64]bool{}
	for _, r := range past {
		if r.AcceptedAt != nil || r.AttendedAt != nil || (r.DeclinedAt != nil && r.DeclinedAt.After(declinedSince)) {
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

// DefaultDeclineRest is how long a group a person said no to is not
// offered to them again, unless the scheme sets "suggestion_decline_weeks".
const DefaultDeclineRest = 8 * 7 * 24 * time.Hour

// DeclineRest is how long the scheme leaves a group a person declined
// before offering it to them again: its setting "suggestion_decline_weeks",
// or DefaultDeclineRest.
func DeclineRest(s store.Scheme) time.Duration {
	var settings struct {
		Weeks *int `json:"suggestion_decline_weeks"`
	}
	if json.Unmarshal(s.Settings, &settings) == nil && settings.Weeks != nil && *settings.Weeks >= 0 {
		return time.Duration(*settings.Weeks) * 7 * 24 * time.Hour
	}
	return DefaultDeclineRest
}
